/*
 * load.c -- turns an upload request (kind, source, as-of date, the file's
 * bytes) into a database job that stores it as one batch in one transaction:
 * BEGIN; stage rows with COPY; steady_load_roster() checks teams, writes the
 * batch and NOTIFYs; COMMIT.  Validation problems go to an errlist; nothing
 * here touches the network, so the daemon and steadyctl share it.
 */
#ifndef STEADY_LOAD_H
#define STEADY_LOAD_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "errlist.h"
#include "pgjob.h"
#include "roster.h"

struct load_request {
	const char *kind;      /* "roster" or "allocations" (load_alloc.c) */
	const char *source;    /* [a-z0-9_-]{1,32} */
	const char *as_of;     /* as given: ISO or UK date */
	const char *by;        /* who uploads (user name, "steadyctl:<os user>") */
	const char *data;
	size_t len;
	size_t max_rows;       /* 0 = no limit */
	int dry_run;           /* preview: the job stages the rows, asks steady_preview_*() and rolls back */
	const char *profile;   /* the mapping profile applied (remembered as the source's default), or NULL */
	const struct roster_alias *aliases;  /* the profile's header -> column mapping (roster only) */
	size_t n_aliases;
};

struct load_plan {
	struct pgjob job;
	long rows;
	char as_of[11];        /* normalised YYYY-MM-DD */
	char sha256[65];
	int check_only;        /* the file has problems: the job only asks the database for more
				* (unknown teams) and rolls back; see load_check_errors */
	int dry_run;           /* the job's result is the preview document (jsonb) */
	struct roster_info info;  /* encoding, delimiter, mapped columns, row counts (roster) */
};

/* A saved column-mapping profile read from the database (LOAD_PROFILE_SQL). */
struct load_profile {
	char *name;                 /* NULL when the source has none */
	struct roster_alias *v;
	size_t n;
};

/* $1 = source, $2 = profile name or NULL for the source's default:
 * rows (name, header, column). */
extern const char LOAD_PROFILE_SQL[];
/* 0 (profile filled, possibly empty), -1 out of memory. */
int load_profile_from_result(const PGresult *res, struct load_profile *p);
void load_profile_free(struct load_profile *p);

/* 0: plan->job is ready to run.
 * 1: errs lists the problems; if plan->check_only, run plan->job anyway (it stores
 *    nothing) and add its findings with load_check_errors, so that a person sees
 *    every problem at once; else there is nothing to run.
 * -1: fatal (out of memory).  Free the plan with load_plan_free in every case. */
int load_prepare(const struct load_request *req, struct load_plan *plan, struct errlist *errs);
void load_plan_free(struct load_plan *plan);

/* Appends the final step(s) of a valid upload's job: the store (steady_upload:
 * duplicate check, load, COMMIT) or, for a dry run, the preview and ROLLBACK.
 * Used by load.c and load_alloc.c.  0 or -1. */
int load_add_store(const struct load_request *req, struct load_plan *plan);

/* After the job failed: when the database rejected the data itself (SQLSTATE
 * ST422, e.g. unknown teams) add its problems to errs and return 1; else 0.
 * Returns -1 if memory ran out. */
int load_db_errors(const struct pgjob_outcome *out, struct errlist *errs);

/* A parse's result (0 valid, 1 problems, -1 fatal) given the valid rows it
 * gave: a file with a header and no data rows is a problem too (added to
 * errs).  Returns 0, 1, or -1 when memory ran out. */
int load_need_rows(int rc, long rows, struct errlist *errs);

/* Ends a plan whose file has problems with the database's own check of the
 * rows staged in `staged_table` (unknown teams) and a ROLLBACK.  0 or -1. */
int load_add_team_check(struct load_plan *plan, const char *staged_table);

/* After a check_only job succeeded: add the database's problems to errs and
 * sort all by row.  0, or -1 when memory ran out. */
int load_check_errors(const struct pgjob_outcome *out, struct errlist *errs);

/* The new batch id from a successful outcome, or -1. */
long load_batch_id(const struct pgjob_outcome *out);
/* 1 when the stored-upload outcome found the same bytes already loaded (nothing stored). */
int load_is_duplicate(const struct pgjob_outcome *out);


/* The dry-run answer: what was read (encoding, delimiter, columns, counts),
 * every problem, the warnings and the changes from the database's preview
 * (`db_preview`, JSON text or NULL when the file had problems).  Adds the
 * database's own problems to errs.  NULL when out of memory. */
cJSON *load_preview_json(const struct load_request *req, const struct load_plan *plan,
			 struct errlist *errs, const char *db_preview);

#endif
