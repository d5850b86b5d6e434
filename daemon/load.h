/*
 * load.c -- turns an upload request (kind, source, as-of date, the file's
 * bytes) into a database job that stores it as one batch in one transaction:
 * BEGIN; stage rows with COPY; steady_load_roster() checks teams, writes the
 * batch and NOTIFYs; COMMIT.  Validation problems go to an errlist; nothing
 * here touches the network, so the daemon and steadyctl share it.
 */
#ifndef STEADY_LOAD_H
#define STEADY_LOAD_H

#include <stddef.h>

#include "errlist.h"
#include "pgjob.h"

struct load_request {
	const char *kind;      /* "roster" or "allocations" (load_alloc.c) */
	const char *source;    /* [a-z0-9_-]{1,32} */
	const char *as_of;     /* as given: ISO or UK date */
	const char *by;        /* who uploads (user name, "steadyctl:<os user>") */
	const char *data;
	size_t len;
	size_t max_rows;       /* 0 = no limit */
};

struct load_plan {
	struct pgjob job;
	long rows;
	char as_of[11];        /* normalised YYYY-MM-DD */
	char sha256[65];
	int check_only;        /* the file has problems: the job only asks the database for more
				* (unknown teams) and rolls back; see load_check_errors */
};

/* 0: plan->job is ready to run.
 * 1: errs lists the problems; if plan->check_only, run plan->job anyway (it stores
 *    nothing) and add its findings with load_check_errors, so that a person sees
 *    every problem at once; else there is nothing to run.
 * -1: fatal (out of memory).  Free the plan with load_plan_free in every case. */
int load_prepare(const struct load_request *req, struct load_plan *plan, struct errlist *errs);
void load_plan_free(struct load_plan *plan);

/* After the job failed: when the database rejected the data itself (SQLSTATE
 * ST422, e.g. unknown teams) add its problems to errs and return 1; else 0.
 * Returns -1 if memory ran out. */
int load_db_errors(const struct pgjob_outcome *out, struct errlist *errs);

/* Ends a plan whose file has problems with the database's own check of the
 * rows staged in `staged_table` (unknown teams) and a ROLLBACK.  0 or -1. */
int load_add_team_check(struct load_plan *plan, const char *staged_table);

/* After a check_only job succeeded: add the database's problems to errs and
 * sort all by row.  0, or -1 when memory ran out. */
int load_check_errors(const struct pgjob_outcome *out, struct errlist *errs);

/* The new batch id from a successful outcome, or -1. */
long load_batch_id(const struct pgjob_outcome *out);

#endif
