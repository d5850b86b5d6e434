/*
 * pwworker.c -- password hashing and verification off the event loop.
 * Argon2id is meant to be slow (20-50 ms a check here): done on the loop,
 * every login would stall every WebSocket client and HTTP request for that
 * long.  One worker thread takes jobs from a queue; the loop learns of
 * finished ones through a pipe and calls their callbacks on its own thread.
 *
 * Owns: the thread, the two queues, the pipe.  Callers never see a thread:
 * their callback runs on the loop, like a libpq or libevent callback.
 */
#ifndef STEADY_PWWORKER_H
#define STEADY_PWWORKER_H

#include <event2/event.h>

struct pwworker;

/* ok: 1 when the password matches the hash, 0 when it does not (or the
 * hash is malformed).  Called on the loop's thread. */
typedef void (*pwworker_cb)(void *arg, int ok);

/* hash: the argon2id hash string of the password, or NULL when hashing
 * failed (out of memory).  Called on the loop's thread. */
typedef void (*pwworker_hash_cb)(void *arg, const char *hash);

/* Starts the thread.  NULL on failure (logged). */
struct pwworker *pwworker_new(struct event_base *base);

/* Stops the thread (after the check in progress, if any); queued checks
 * are dropped without their callbacks being called. */
void pwworker_free(struct pwworker *w);

/* Queues a check of password against an argon2id hash string (both copied;
 * the copy of the password is wiped when done).  0, or -1 (out of memory,
 * logged) with cb not called. */
int pwworker_verify(struct pwworker *w, const char *hash, const char *password, pwworker_cb cb, void *arg);

/* Queues hashing a password (copied, wiped when done).  0, or -1 (out of
 * memory, logged) with cb not called. */
int pwworker_hash(struct pwworker *w, const char *password, pwworker_hash_cb cb, void *arg);

#endif
