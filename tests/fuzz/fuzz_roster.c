/*
 * fuzz_roster.c -- libFuzzer target for the upload parsers: encoding detection
 * and conversion (text.c), the CSV tokenizer and delimiter sniffing (csv.c),
 * dates (dates.c), the roster extract (roster.c, with a mapping profile) and
 * the case-allocation extract (alloc.c).  Checks, beyond "no crash, no leak,
 * no undefined behaviour": every emitted row is well-formed, and an accepted
 * file has no problems while a rejected one has at least one.
 * Built and run by tests/fuzz/run (scripts/test runs it for a bounded time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "errlist.h"
#include "roster.h"

static int on_roster(void *ud, const struct roster_row *r)
{
	long *n = ud;
	if (!r->staff_id || !*r->staff_id || !r->team || !*r->team || r->row < 2 ||
	    !(r->fte > 0 && r->fte <= 1.0) || (unsigned)r->contract >= CONTRACT_COUNT ||
	    strlen(r->start_date) > 10 || strlen(r->end_date) > 10)
		abort();
	(*n)++;
	return 0;
}

static int on_alloc(void *ud, const struct alloc_row *r)
{
	long *n = ud;
	if (!r->case_id || !*r->case_id || !r->worker_id || r->row < 2)
		abort();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct roster_alias prof[] = { { "Emp Ref", "staff_id" }, { "Unit", "team" } };
	struct roster_options opt = { 0, 5000, prof, 2 };
	struct errlist errs = ERRLIST_INIT;
	struct roster_info info;
	long rows = 0;
	int rc = roster_parse_info((const char *)data, size, &opt, on_roster, &rows, &errs, &info);
	if (rc < 0 || (rc == 0) != (errlist_total(&errs) == 0) || info.valid_rows != rows ||
	    info.n_mapped > sizeof info.mapped / sizeof info.mapped[0])
		abort();
	errlist_free(&errs);

	struct alloc_options aopt = { 5000 };
	rows = 0;
	rc = alloc_parse((const char *)data, size, &aopt, on_alloc, &rows, &errs);
	if (rc < 0 || (rc == 0) != (errlist_total(&errs) == 0))
		abort();
	errlist_free(&errs);
	return 0;
}
