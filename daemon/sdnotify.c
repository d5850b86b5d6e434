/*
 * sdnotify.c -- systemd notifications and watchdog (see sdnotify.h).
 */
#include <errno.h>
#include <event2/event.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sdnotify.h"

int sdnotify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	if (!path || !*path)
		return 0;
	size_t n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof sa.sun_path) {
		log_error("sdnotify: NOTIFY_SOCKET \"%s\" is not a socket path", path);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("sdnotify: socket: %s", strerror(errno));
		return -1;
	}
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	ssize_t sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	int err = errno;
	close(fd);
	if (sent < 0) {
		log_error("sdnotify: sending to %s: %s", path, strerror(err));
		return -1;
	}
	return 0;
}

uint64_t sdnotify_watchdog_interval(const char *usec, const char *pid, long mypid)
{
	if (!usec || !*usec)
		return 0;
	if (pid && *pid) {
		char *end;
		long p = strtol(pid, &end, 10);
		if (*end || p != mypid)
			return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(usec, &end, 10);
	if (errno || *end || v == 0)
		return 0;
	return (uint64_t)(v / 2);
}

struct sdnotify_watchdog {
	struct event *timer;
};

static void ping(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sdnotify_send("WATCHDOG=1");
}

struct sdnotify_watchdog *sdnotify_watchdog_start(struct event_base *base, int *failed)
{
	*failed = 0;
	uint64_t us = sdnotify_watchdog_interval(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"), (long)getpid());
	if (!us)
		return NULL;
	struct sdnotify_watchdog *w = calloc(1, sizeof *w);
	if (!w)
		goto fail;
	w->timer = event_new(base, -1, EV_PERSIST, ping, w);
	struct timeval tv = { (time_t)(us / 1000000u), (suseconds_t)(us % 1000000u) };
	if (!w->timer || event_add(w->timer, &tv) < 0)
		goto fail;
	log_info("sdnotify: watchdog keep-alive every %.1f s", (double)us / 1e6);
	sdnotify_send("WATCHDOG=1");
	return w;
fail:
	log_error("sdnotify: cannot start the watchdog timer");
	sdnotify_watchdog_free(w);
	*failed = 1;
	return NULL;
}

void sdnotify_watchdog_free(struct sdnotify_watchdog *w)
{
	if (!w)
		return;
	if (w->timer)
		event_free(w->timer);
	free(w);
}
