/*
 * load_alloc.c -- building the store-an-allocations-upload database job
 * (see load_alloc.h).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "load_alloc.h"

static const char STAGE_SQL[] =
	"CREATE TEMP TABLE steady_alloc_in ("
	" line integer, case_id text, team text, worker_id text,"
	" allocated_on date, ended_on date"
	") ON COMMIT DROP";

static const char COPY_SQL[] =
	"COPY steady_alloc_in (line, case_id, team, worker_id, allocated_on, ended_on) FROM STDIN";

struct copy_ctx {
	struct buf *copy;
	long rows;
};

static int emit_row(void *ud, const struct alloc_row *r)
{
	struct copy_ctx *cx = ud;
	struct buf *b = cx->copy;
	char line[24];
	snprintf(line, sizeof line, "%ld", r->row);
	if (pgcopy_field(b, line, 1) < 0 ||
	    pgcopy_field(b, r->case_id, 0) < 0 ||
	    pgcopy_field(b, r->team, 0) < 0 ||
	    pgcopy_field(b, r->worker_id, 0) < 0 ||
	    pgcopy_field(b, r->allocated_on, 0) < 0 ||
	    pgcopy_field(b, r->ended_on[0] ? r->ended_on : NULL, 0) < 0 ||
	    buf_putc(b, '\n') < 0)
		return -1;
	cx->rows++;
	return 0;
}

int load_alloc_prepare(const struct load_request *req, struct load_plan *plan,
		       struct errlist *errs)
{
	struct copy_ctx cx = { NULL, 0 };
	plan->job.what = req->dry_run ? "allocations preview" : "allocations upload";
	if (pgjob_add_query(&plan->job, "BEGIN", 0, NULL, NULL, NULL) < 0 ||
	    pgjob_add_query(&plan->job, STAGE_SQL, 0, NULL, NULL, NULL) < 0 ||
	    !(cx.copy = pgjob_add_copy(&plan->job, COPY_SQL)))
		goto fail;

	struct alloc_options opt = { req->max_rows };
	int rc = alloc_parse(req->data, req->len, &opt, emit_row, &cx, errs);
	rc = load_need_rows(rc, cx.rows, errs);
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		if (cx.rows == 0) {
			load_plan_free(plan);
			return 1;
		}
		/* also ask the database about the valid rows' teams (rolled back) */
		plan->rows = cx.rows;
		if (load_add_team_check(plan, "steady_alloc_in") < 0)
			goto fail;
		return 1;
	}
	plan->rows = cx.rows;
	if (load_add_store(req, plan) < 0)
		goto fail;
	return 0;
fail:
	load_plan_free(plan);
	return -1;
}
