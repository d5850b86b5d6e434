/*
 * pwworker.c -- password hashing and verification off the event loop (see
 * pwworker.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "pwworker.h"

struct pw_job {
	struct pw_job *next;
	char *hash;              /* verify: the stored hash; hash: NULL */
	char *password;
	int ok;                  /* verify: it matches; hash: `out` holds the hash */
	char out[AUTH_PWHASH_LEN];
	pwworker_cb verify_cb;   /* exactly one of the two is set */
	pwworker_hash_cb hash_cb;
	void *arg;
};

struct job_list {
	struct pw_job *head, *tail;
};

struct pwworker {
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int stop;                 /* under mu */
	struct job_list pending;  /* under mu: for the thread */
	struct job_list done;     /* under mu: for the loop */
	int pipe_fd[2];           /* the thread writes a byte after each job; the loop reads */
	struct event *ready;
};

static void list_push(struct job_list *l, struct pw_job *j)
{
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static struct pw_job *list_pop(struct job_list *l)
{
	struct pw_job *j = l->head;
	if (j) {
		l->head = j->next;
		if (!l->head)
			l->tail = NULL;
	}
	return j;
}

static void job_free(struct pw_job *j)
{
	sodium_memzero(j->out, sizeof j->out);
	if (j->password) {
		sodium_memzero(j->password, strlen(j->password));
		free(j->password);
	}
	free(j->hash);
	free(j);
}

static void *worker_main(void *arg)
{
	struct pwworker *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->stop && !w->pending.head)
			pthread_cond_wait(&w->cond, &w->mu);
		if (w->stop) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		struct pw_job *j = list_pop(&w->pending);
		pthread_mutex_unlock(&w->mu);

		if (j->hash)
			j->ok = auth_password_verify(j->hash, j->password) == 0;
		else
			j->ok = auth_password_hash(j->password, j->out) == 0;
		sodium_memzero(j->password, strlen(j->password));

		pthread_mutex_lock(&w->mu);
		list_push(&w->done, j);
		pthread_mutex_unlock(&w->mu);
		/* a full pipe already holds a wake-up: the loop takes every done job per wake-up */
		ssize_t n;
		do
			n = write(w->pipe_fd[1], "x", 1);
		while (n < 0 && errno == EINTR);
	}
}

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct pwworker *w = arg;
	char sink[64];
	while (read(fd, sink, sizeof sink) > 0)
		;
	pthread_mutex_lock(&w->mu);
	struct job_list done = w->done;
	w->done.head = w->done.tail = NULL;
	pthread_mutex_unlock(&w->mu);
	for (struct pw_job *j; (j = list_pop(&done));) {
		if (j->verify_cb)
			j->verify_cb(j->arg, j->ok);
		else
			j->hash_cb(j->arg, j->ok ? j->out : NULL);
		job_free(j);
	}
}

struct pwworker *pwworker_new(struct event_base *base)
{
	struct pwworker *w = calloc(1, sizeof *w);
	if (!w) {
		log_error("pwworker: out of memory");
		return NULL;
	}
	w->pipe_fd[0] = w->pipe_fd[1] = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pipe2(w->pipe_fd, O_NONBLOCK | O_CLOEXEC) < 0) {
		log_error("pwworker: pipe: %s", strerror(errno));
		goto fail;
	}
	w->ready = event_new(base, w->pipe_fd[0], EV_READ | EV_PERSIST, on_ready, w);
	if (!w->ready || event_add(w->ready, NULL) < 0) {
		log_error("pwworker: cannot watch the pipe");
		goto fail;
	}
	int rc = pthread_create(&w->thread, NULL, worker_main, w);
	if (rc) {
		log_error("pwworker: cannot start the thread: %s", strerror(rc));
		goto fail;
	}
	w->thread_started = 1;
	return w;
fail:
	pwworker_free(w);
	return NULL;
}

void pwworker_free(struct pwworker *w)
{
	if (!w)
		return;
	if (w->thread_started) {
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	for (struct pw_job *j; (j = list_pop(&w->pending));)
		job_free(j);
	for (struct pw_job *j; (j = list_pop(&w->done));)
		job_free(j);
	if (w->ready)
		event_free(w->ready);
	for (int i = 0; i < 2; i++)
		if (w->pipe_fd[i] >= 0)
			close(w->pipe_fd[i]);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

static int submit(struct pwworker *w, const char *hash, const char *password, pwworker_cb verify_cb,
		  pwworker_hash_cb hash_cb, void *arg)
{
	struct pw_job *j = calloc(1, sizeof *j);
	if (!j)
		goto oom;
	j->hash = hash ? strdup(hash) : NULL;
	j->password = strdup(password);
	if ((hash && !j->hash) || !j->password)
		goto oom;
	j->verify_cb = verify_cb;
	j->hash_cb = hash_cb;
	j->arg = arg;
	pthread_mutex_lock(&w->mu);
	list_push(&w->pending, j);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
	return 0;
oom:
	log_error("pwworker: out of memory queueing a password job");
	if (j)
		job_free(j);
	return -1;
}

int pwworker_verify(struct pwworker *w, const char *hash, const char *password, pwworker_cb cb, void *arg)
{
	return submit(w, hash, password, cb, NULL, arg);
}

int pwworker_hash(struct pwworker *w, const char *password, pwworker_hash_cb cb, void *arg)
{
	return submit(w, NULL, password, NULL, cb, arg);
}
