/*
 * pgjob.c -- a database job: an ordered list of statements (with binary-safe
 * parameters) and COPY ... FROM STDIN steps, built once and run either
 * blocking (steadyctl, start-up) or step by step on the daemon's non-blocking
 * connection (db.c).  A job that fails inside a transaction is rolled back.
 */
#ifndef STEADY_PGJOB_H
#define STEADY_PGJOB_H

#include <libpq-fe.h>
#include <stddef.h>

#include "buf.h"

enum pgstep_kind { PGSTEP_QUERY, PGSTEP_COPY_IN };

struct pgstep;
/* Called just before its step is sent, with the result of the step before it
 * (NULL for the first step): fills in what only the database could say (e.g.
 * ids a previous statement returned).  Returns 0, or -1 with *why set to fail
 * the job (it is rolled back).  Called once per run of the job. */
typedef int (*pgstep_prepare_fn)(void *ud, struct pgstep *st, const PGresult *prev, const char **why);

struct pgstep {
	enum pgstep_kind kind;
	char *sql;
	int nparams;
	char **values;     /* copies; NULL entry = SQL NULL */
	int *lengths;
	int *formats;      /* 0 text, 1 binary */
	struct buf copy;   /* COPY data in text format, for PGSTEP_COPY_IN */
	pgstep_prepare_fn prepare;       /* optional */
	void *prepare_ud;                /* owned by the step */
	void (*prepare_free)(void *ud);
};

struct pgjob {
	struct pgstep *steps;
	size_t n, cap;
	long result_step;  /* the step whose result the caller wants (-1 = the last) */
	const char *what;  /* short description for log messages, e.g. "roster upload" */
};

#define PGJOB_INIT { NULL, 0, 0, -1, "query" }

struct pgjob_outcome {
	int ok;            /* 1 when every step succeeded */
	PGresult *result;  /* ok: result of result_step; failed: the failing result (may be NULL) */
	long failed_step;  /* -1 when ok */
	char *error;       /* failed: a one-line message (malloc'd) */
};

/* Append a statement.  values/lengths/formats may be NULL when nparams is 0;
 * lengths/formats may be NULL for all-text parameters.  Copies everything. */
int pgjob_add_query(struct pgjob *job, const char *sql, int nparams,
		    const char *const *values, const int *lengths, const int *formats);
/* Append a COPY ... FROM STDIN step; returns the buffer to fill with COPY text rows. */
struct buf *pgjob_add_copy(struct pgjob *job, const char *sql);
/* Give the last step added a prepare function; ud is owned by the step from
 * now on and released with ud_free (may be NULL) when the job is freed. */
void pgjob_set_prepare(struct pgjob *job, pgstep_prepare_fn fn, void *ud, void (*ud_free)(void *));
/* Runs a step's prepare function, if any: 0, or -1 with *why set. */
int pgstep_prepare(struct pgstep *st, const PGresult *prev, const char **why);
void pgjob_free(struct pgjob *job);

/* Append one field to COPY text-format data: escapes \, tab, newline, CR; NULL -> \N. */
int pgcopy_field(struct buf *b, const char *s, int first);

/* The SQLSTATE of a failed outcome, or "" */
const char *pgjob_sqlstate(const struct pgjob_outcome *out);
void pgjob_outcome_clear(struct pgjob_outcome *out);
int pgjob_outcome_fail(struct pgjob_outcome *out, long step, PGresult *res, const char *msg);

/* Blocking run on `conn`.  Returns 0 when ok, -1 otherwise; `out` says what happened. */
int pgjob_run_sync(PGconn *conn, const struct pgjob *job, struct pgjob_outcome *out);

#endif
