/*
 * db.c -- the daemon's PostgreSQL connection, never blocking the event loop:
 * PQconnectStart/PQconnectPoll, LISTEN on the change channel, a FIFO of
 * pgjobs sent with PQsend* and non-blocking COPY, reconnect with backoff
 * (1 s doubling to 30 s) and on_ready again after every reconnect, because
 * notifications sent while disconnected are lost and state must be re-read.
 */
#ifndef STEADY_DB_H
#define STEADY_DB_H

#include "pgjob.h"

struct event_base;
struct db;

struct db_callbacks {
	void (*on_ready)(void *ud);   /* connected and listening (after every reconnect) */
	void (*on_lost)(void *ud);    /* the connection went away; reconnecting */
	void (*on_notify)(void *ud, const char *channel, const char *payload);
};

/* outcome is owned by db.c and cleared after the callback returns */
typedef void (*db_job_cb)(void *ud, struct pgjob_outcome *outcome);

struct db *db_new(struct event_base *base, const char *conninfo, const char *listen_channel,
		  const struct db_callbacks *cbs, void *ud);

/*
 * Queue a job; takes ownership of *job (moved out; the caller's struct is
 * emptied).  The callback always runs exactly once, later, from the event loop
 * (also when the database is down: outcome->ok = 0).  Returns 0, or -1 when
 * out of memory (then the callback will not run and *job is untouched).
 */
int db_submit(struct db *db, struct pgjob *job, db_job_cb cb, void *ud);

/* Convenience: one statement with text parameters. */
int db_query(struct db *db, const char *sql, int nparams, const char *const *params,
	     db_job_cb cb, void *ud);

int db_is_up(const struct db *db);
unsigned long db_reconnects(const struct db *db);

/* Fails every queued job (their callbacks run now) and closes the connection. */
void db_free(struct db *db);

#endif
