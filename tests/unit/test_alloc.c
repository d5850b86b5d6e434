/*
 * test_alloc.c -- unit tests for alloc.c (case-allocation extracts): header
 * mapping and aliases, required columns, every row check with its exact row,
 * column and value, repeated periods, overlaps that are allowed, encodings,
 * ragged rows, limits, and a large file (memory and the duplicate table).
 * Expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "errlist.h"
#include "check_errors.h"

#define MAX_KEEP 32

struct got_row {
	long row;
	char case_id[64], team[64], worker[64];
	char from[11], to[11];
};

struct got {
	struct got_row v[MAX_KEEP];
	size_t n;
	long count;      /* rows emitted */
	long fail_on;    /* > 0: emit returns -1 for that row */
	long last_row;
	int out_of_order;
};

static int emit_cb(void *ud, const struct alloc_row *r)
{
	struct got *g = ud;
	g->count++;
	if (r->row <= g->last_row)
		g->out_of_order = 1;
	g->last_row = r->row;
	if (g->fail_on && g->count == g->fail_on)
		return -1;
	if (g->n < MAX_KEEP) {
		struct got_row *o = &g->v[g->n++];
		o->row = r->row;
		snprintf(o->case_id, sizeof o->case_id, "%s", r->case_id);
		snprintf(o->team, sizeof o->team, "%s", r->team);
		snprintf(o->worker, sizeof o->worker, "%s", r->worker_id);
		memcpy(o->from, r->allocated_on, 11);
		memcpy(o->to, r->ended_on, 11);
	}
	return 0;
}

struct run {
	int rc;
	struct got got;
	struct errlist errs;
	struct alloc_info info;
};

static struct run *run_opt(const char *data, size_t len, const struct alloc_options *opt)
{
	struct run *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->rc = alloc_parse_info(data, len, opt, emit_cb, &r->got, &r->errs, &r->info);
	assert_false(r->got.out_of_order);
	if (r->rc >= 0)
		assert_int_equal(r->info.valid_rows, r->got.count);
	return r;
}

#define RUN(lit) run_opt((lit), sizeof(lit) - 1, NULL)

static void run_free(struct run *r)
{
	errlist_free(&r->errs);
	free(r);
}

/* The i-th error is exactly at (row, column) with that value, and its message
 * contains `msg`.  column/value NULL mean "none". */
static void check_err(const struct run *r, size_t i, long row, const char *column,
		      const char *value, const char *msg)
{
	check_error(&r->errs, i, row, column, value, msg);
}

static void check_row(const struct got_row *g, long row, const char *case_id, const char *team,
		      const char *worker, const char *from, const char *to)
{
	assert_int_equal(g->row, row);
	assert_string_equal(g->case_id, case_id);
	assert_string_equal(g->team, team);
	assert_string_equal(g->worker, worker);
	assert_string_equal(g->from, from);
	assert_string_equal(g->to, to);
}

/* ------------------------------------------------------------------ */

static void test_basic(void **state)
{
	(void)state;
	/* row 1 header; rows 2-5 data in four date spellings; ended_on empty on row 3 */
	struct run *r = RUN(
		"case_id,team,worker_id,allocated_on,ended_on\n"
		"C001,Assessment,W1,2025-10-01,2026-01-15\n"
		"C001,Assessment,W2,16/01/2026,\n"
		"007,Children in Care,0042,3 Sep 2024,03-Mar-2026\n"
		"C9,Assessment,W1,46022,46295\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->errs.n, 0);
	assert_int_equal(r->got.count, 4);
	assert_string_equal(r->info.encoding, "UTF-8");
	assert_int_equal(r->info.delimiter, ',');
	assert_int_equal(r->info.data_rows, 4);
	const struct got_row *g = r->got.v;
	check_row(&g[0], 2, "C001", "Assessment", "W1", "2025-10-01", "2026-01-15");
	check_row(&g[1], 3, "C001", "Assessment", "W2", "2026-01-16", "");
	/* ids are text: leading zeros stay */
	check_row(&g[2], 4, "007", "Children in Care", "0042", "2024-09-03", "2026-03-03");
	/* Excel serials: 46022 = 2025-12-31, 46295 = 2026-09-30 */
	check_row(&g[3], 5, "C9", "Assessment", "W1", "2025-12-31", "2026-09-30");
	run_free(r);
}

static void test_aliases(void **state)
{
	(void)state;
	/* semicolons, CRLF, trimmed and case-insensitive headers, an extra column ignored */
	struct run *r = RUN(
		" Child ID ;Team Name;Social Worker ID;Allocation Start;Allocation End;Notes\r\n"
		"K1;North;SW 7;01/04/2026;30/04/2026;anything, really\r\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->info.delimiter, ';');
	assert_int_equal(r->got.count, 1);
	check_row(&r->got.v[0], 2, "K1", "North", "SW 7", "2026-04-01", "2026-04-30");
	run_free(r);

	r = RUN("Case Reference\tTEAM\tAllocated Worker\tStart Date\tEnd Date\n"
		" R-1 \t South \t A \t2026-02-01\t\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->info.delimiter, '\t');
	check_row(&r->got.v[0], 2, "R-1", "South", "A", "2026-02-01", "");
	run_free(r);

	r = RUN("CASE_ID,Team,Worker,Allocated-On,Ended.On\n"
		"X,T,W,2026-02-01,2026-02-01\n");   /* a one-day period is fine */
	assert_int_equal(r->rc, 0);
	check_row(&r->got.v[0], 2, "X", "T", "W", "2026-02-01", "2026-02-01");
	run_free(r);
}

static void test_missing_columns(void **state)
{
	(void)state;
	/* no ended_on column: refused (not read as "all still allocated") */
	struct run *r = RUN("case_id,team,worker_id,allocated_on\nC1,T,W,2026-01-01\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 0);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 1, "ended_on", NULL, "the required column ended_on is missing");
	assert_non_null(strstr(r->errs.v[0].message, "case_id, team, worker_id, allocated_on"));
	run_free(r);

	/* a roster header: staff_id (worker_id) and start_date (allocated_on) are aliases,
	 * case_id, team and ended_on are missing, reported in column order */
	r = RUN("staff_id,contract,start_date\nS1,permanent,2026-01-01\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 0);
	assert_int_equal(r->errs.n, 3);
	check_err(r, 0, 1, "case_id", NULL, "also accepted: Child ID, Case Reference");
	check_err(r, 1, 1, "team", NULL, "the headers found are: staff_id, contract, start_date");
	check_err(r, 2, 1, "ended_on", NULL, "leave the value empty while the worker still holds");
	run_free(r);
}

static void test_duplicate_header(void **state)
{
	(void)state;
	struct run *r = RUN("case_id,Child ID,team,worker_id,allocated_on,ended_on\n"
			    "C1,C1,T,W,2026-01-01,\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 0);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 1, "case_id", "Child ID",
		  "columns 1 (\"case_id\") and 2 (\"Child ID\") both mean case_id");
	run_free(r);
}

static void test_row_errors(void **state)
{
	(void)state;
	/*
	 * row 2 fine                              -> emitted
	 * row 3 case_id empty                     -> case_id
	 * row 4 worker_id empty                   -> worker_id
	 * row 5 team empty                        -> team
	 * row 6 allocated_on empty                -> allocated_on
	 * row 7 two-digit year                    -> allocated_on "01/02/26"
	 * row 8 US order (month 31)               -> ended_on "12/31/2025"
	 * row 9 ended before allocated            -> ended_on "2026-01-31"
	 * row 10 fine                             -> emitted
	 * row 11 not a date at all; case empty    -> case_id then ended_on (column order)
	 */
	struct run *r = RUN(
		"case_id,team,worker_id,allocated_on,ended_on\n"
		"C1,T,W1,2026-01-01,\n"
		",T,W1,2026-01-01,\n"
		"C3,T,,2026-01-01,\n"
		"C4,,W1,2026-01-01,\n"
		"C5,T,W1,,2026-01-01\n"
		"C6,T,W1,01/02/26,\n"
		"C7,T,W1,2025-01-01,12/31/2025\n"
		"C8,T,W1,2026-02-01,2026-01-31\n"
		"C9,T,W1,2026-02-01,2026-02-02\n"
		" ,T,W1,2026-02-01,soon\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 2);
	check_row(&r->got.v[0], 2, "C1", "T", "W1", "2026-01-01", "");
	check_row(&r->got.v[1], 10, "C9", "T", "W1", "2026-02-01", "2026-02-02");
	assert_int_equal(r->info.data_rows, 10);
	assert_int_equal(r->errs.n, 9);
	check_err(r, 0, 3, "case_id", "", "case_id is empty");
	check_err(r, 1, 4, "worker_id", "", "worker_id is empty");
	check_err(r, 2, 5, "team", "", "team is empty");
	check_err(r, 3, 6, "allocated_on", "", "allocated_on is empty");
	check_err(r, 4, 7, "allocated_on", "01/02/26", "two-digit year");
	check_err(r, 5, 8, "ended_on", "12/31/2025", "");
	check_err(r, 6, 9, "ended_on", "2026-01-31",
		  "ended_on 2026-01-31 is before allocated_on 2026-02-01");
	check_err(r, 7, 11, "case_id", " ", "case_id is empty");
	check_err(r, 8, 11, "ended_on", "soon", "");
	run_free(r);
}

static void test_repeated_periods(void **state)
{
	(void)state;
	/*
	 * key = (case_id, worker_id, allocated_on)
	 * row 2  C1 W1 2026-01-01 .. 2026-03-31      new
	 * row 3  C1 W2 2026-04-01 ..                 new
	 * row 4  C1 W1 2026-01-01 .. 2026-03-31      = row 2 exactly         -> error
	 * row 5  C1 W1 01/01/2026 .. 2026-02-28      same key, other end     -> error (dates normalised)
	 * row 6  C1 W1 2026-05-01 ..                 W1 comes back: new key  -> fine
	 * row 7  C2 W1 2026-01-01 ..                 other case              -> fine
	 * row 8  C1 W3 2026-01-01 ..                 other worker, same day  -> fine (co-working)
	 * row 9  C1 W1 2026-02-01 .. 2026-02-15      W1 overlaps W1 (row 2)  -> fine (allowed)
	 * row 10 C1 W1 2026-01-01 .. 2026-03-31, other team                  -> error
	 */
	struct run *r = RUN(
		"case_id,team,worker_id,allocated_on,ended_on\n"
		"C1,T,W1,2026-01-01,2026-03-31\n"
		"C1,T,W2,2026-04-01,\n"
		"C1,T,W1,2026-01-01,2026-03-31\n"
		"C1,T,W1,01/01/2026,2026-02-28\n"
		"C1,T,W1,2026-05-01,\n"
		"C2,T,W1,2026-01-01,\n"
		"C1,T,W3,2026-01-01,\n"
		"C1,T,W1,2026-02-01,2026-02-15\n"
		"C1,U,W1,2026-01-01,2026-03-31\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 6);
	long want_rows[] = { 2, 3, 6, 7, 8, 9 };
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(r->got.v[i].row, want_rows[i]);
	assert_int_equal(r->errs.n, 3);
	check_err(r, 0, 4, "allocated_on", "2026-01-01",
		  "case C1 is allocated to worker W1 from 2026-01-01 on both row 2 and row 4");
	check_err(r, 1, 5, "allocated_on", "01/01/2026", "on both row 2 and row 5");
	check_err(r, 2, 10, "allocated_on", "2026-01-01", "on both row 2 and row 10");
	run_free(r);

	/* the key's parts cannot run into each other: (AB, C) is not (A, BC) */
	r = RUN("case_id,team,worker_id,allocated_on,ended_on\n"
		"AB,T,C,2026-01-01,\n"
		"A,T,BC,2026-01-01,\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->got.count, 2);
	run_free(r);
}

static void test_ragged_and_csv_errors(void **state)
{
	(void)state;
	/* row 3: one value too many (an unquoted comma); row 4: trailing empty value is fine;
	 * row 5: quote in the middle of an unquoted value (csv.c) */
	struct run *r = RUN(
		"case_id,team,worker_id,allocated_on,ended_on\n"
		"C1,T,W1,2026-01-01,\n"
		"C2,Smith, Jones,W1,2026-01-01,2026-02-01\n"
		"C3,T,W1,2026-01-01,,\n"
		"C4,T,W\"1,2026-01-01,\n"
		"C5,\"Team, with comma\",W1,2026-01-01,\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 3);
	check_row(&r->got.v[0], 2, "C1", "T", "W1", "2026-01-01", "");
	check_row(&r->got.v[1], 4, "C3", "T", "W1", "2026-01-01", "");
	check_row(&r->got.v[2], 6, "C5", "Team, with comma", "W1", "2026-01-01", "");
	assert_int_equal(r->errs.n, 2);
	check_err(r, 0, 3, NULL, "2026-02-01", "this row has 6 values but the header has 5 columns");
	check_err(r, 1, 5, NULL, NULL, "");
	run_free(r);
}

static void test_encodings(void **state)
{
	(void)state;
	/* Windows-1252: 0xE9 = e acute, 0x92 = right single quote */
	static const char cp[] = "case_id,team,worker_id,allocated_on,ended_on\r\n"
				 "C1,Caf\xe9 Team,O\x92Neil,2026-01-01,\r\n";
	struct run *r = run_opt(cp, sizeof cp - 1, NULL);
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->info.encoding, "Windows-1252");
	check_row(&r->got.v[0], 2, "C1", "Caf\xc3\xa9 Team", "O\xe2\x80\x99Neil", "2026-01-01", "");
	run_free(r);

	/* UTF-16LE with BOM, tab separated (Excel "Unicode text") */
	const char *txt = "case_id\tteam\tworker_id\tallocated_on\tended_on\r\nC1\tT\tW\t2026-01-01\t\r\n";
	size_t n = strlen(txt);
	char *u16 = malloc(2 + 2 * n);
	assert_non_null(u16);
	u16[0] = (char)0xFF, u16[1] = (char)0xFE;
	for (size_t i = 0; i < n; i++)
		u16[2 + 2 * i] = txt[i], u16[3 + 2 * i] = 0;
	r = run_opt(u16, 2 + 2 * n, NULL);
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->info.encoding, "UTF-16LE");
	check_row(&r->got.v[0], 2, "C1", "T", "W", "2026-01-01", "");
	run_free(r);
	free(u16);

	/* UTF-8 BOM in front of the header */
	r = RUN("\xEF\xBB\xBF" "case_id,team,worker_id,allocated_on,ended_on\nC1,T,W,2026-01-01,\n");
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->info.encoding, "UTF-8 with BOM");
	assert_int_equal(r->got.count, 1);
	run_free(r);

	/* a NUL byte cannot be decoded */
	static const char nul[] = "case_id,team,worker_id,allocated_on,ended_on\nC1,T\0,W,2026-01-01,\n";
	r = run_opt(nul, sizeof nul - 1, NULL);
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 0);
	assert_int_equal(r->errs.n, 1);
	run_free(r);
}

static void test_empty_and_limits(void **state)
{
	(void)state;
	struct run *r = RUN("");
	assert_int_equal(r->rc, 1);
	check_err(r, 0, 0, NULL, NULL, "the file is empty");
	run_free(r);

	r = RUN("\n\n case_id,team,worker_id,allocated_on,ended_on\n\n");
	assert_int_equal(r->rc, 0);   /* a header alone is valid here; load_alloc.c refuses it */
	assert_int_equal(r->got.count, 0);
	run_free(r);

	/* max_rows 2: the third data row stops the parse with a file-level error */
	struct alloc_options opt = { 2 };
	static const char three[] = "case_id,team,worker_id,allocated_on,ended_on\n"
				    "C1,T,W,2026-01-01,\nC2,T,W,2026-01-01,\nC3,T,W,2026-01-01,\n";
	r = run_opt(three, sizeof three - 1, &opt);
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, 2);
	check_err(r, 0, 0, NULL, NULL, "more than 2 data rows");
	run_free(r);

	/* emit failing is fatal */
	struct got g;
	memset(&g, 0, sizeof g);
	g.fail_on = 2;
	struct errlist errs = ERRLIST_INIT;
	assert_int_equal(alloc_parse(three, sizeof three - 1, NULL, emit_cb, &g, &errs), -1);
	errlist_free(&errs);
}

/* 300,000 rows of 60,000 cases (5 periods each, workers cycling) are all valid;
 * a repeat of row 2 appended at the end is found and named with both rows. */
static void test_large(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(buf_puts(&b, "case_id,team,worker_id,allocated_on,ended_on\n"), 0);
	long n = 300000;
	for (long i = 0; i < n; i++) {
		long c = i / 5, k = i % 5;
		assert_int_equal(buf_printf(&b, "CASE%06ld,T%ld,W%04ld,2026-%02ld-01,%s\n", c, c % 20,
					    (c * 7 + k) % 4000, k + 1, k == 4 ? "" : "2026-12-31"), 0);
	}
	assert_int_equal(buf_puts(&b, "CASE000000,T0,W0000,2026-01-01,2026-12-31\n"), 0);
	struct run *r = run_opt(b.data, b.len, NULL);
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->got.count, n);
	assert_int_equal(r->info.data_rows, n + 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, n + 2, "allocated_on", "2026-01-01",
		  "case CASE000000 is allocated to worker W0000 from 2026-01-01 on both row 2 and row 300002");
	run_free(r);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_missing_columns),
		cmocka_unit_test(test_duplicate_header),
		cmocka_unit_test(test_row_errors),
		cmocka_unit_test(test_repeated_periods),
		cmocka_unit_test(test_ragged_and_csv_errors),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_empty_and_limits),
		cmocka_unit_test(test_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
