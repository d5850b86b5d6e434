/*
 * sdnotify.c -- the systemd notification protocol without libsystemd:
 * datagrams to $NOTIFY_SOCKET (READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1,
 * STATUS=...), and the watchdog keep-alive from a libevent timer at half of
 * $WATCHDOG_USEC, so that a stuck event loop stops the pings and systemd
 * restarts the daemon.  Everything is a no-op when not run by systemd.
 */
#ifndef STEADY_SDNOTIFY_H
#define STEADY_SDNOTIFY_H

#include <stdint.h>

struct event_base;
struct sdnotify_watchdog;

/* Sends `state` (e.g. "READY=1\nSTATUS=listening").  0 when sent or when
 * $NOTIFY_SOCKET is unset; -1 on failure (logged). */
int sdnotify_send(const char *state);

/* The keep-alive interval in microseconds from $WATCHDOG_USEC and
 * $WATCHDOG_PID (must be ours when set): half the timeout; 0 = no watchdog. */
uint64_t sdnotify_watchdog_interval(const char *usec, const char *pid, long mypid);

/* Starts the keep-alive timer if systemd asked for one; NULL (no error) otherwise,
 * *failed = 1 when it could not be started. */
struct sdnotify_watchdog *sdnotify_watchdog_start(struct event_base *base, int *failed);
void sdnotify_watchdog_free(struct sdnotify_watchdog *w);

#endif
