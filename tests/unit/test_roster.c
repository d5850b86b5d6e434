/*
 * test_roster.c -- unit tests for roster.c: header mapping and aliases,
 * contracts, fte/hours, dates, duplicate ids, ragged rows, encodings, and the
 * corpus of nasty files in tests/data/csv (found through $TEST_DATA_DIR, else
 * $srcdir/tests/data as exported by `make check`, else ./tests/data).
 * Key corpus cases are also embedded below as byte strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errlist.h"
#include "roster.h"
#include "check_errors.h"

/* Exact comparison on purpose: every expected fte is the correctly rounded
 * double of a short decimal, and so must be what the parser returns. */
#define assert_double_exact(a, b)                                                   \
	do {                                                                        \
		double a_ = (a), b_ = (b);                                          \
		if (a_ != b_)                                                       \
			fail_msg("%s == %.17g, expected %.17g", #a, a_, b_);        \
	} while (0)

#define MAX_KEEP 32

struct got_row {
	long row;
	char staff_id[64], team[64], role[64];
	int has_role;
	enum contract contract;
	double fte;
	int caseload;
	char start[11], end[11];
	double absence;
};

struct got {
	struct got_row v[MAX_KEEP];
	size_t n;
	long count;      /* rows emitted */
	long fail_on;    /* > 0: emit returns -1 for that row */
	long last_row;
	int out_of_order;
};

static int emit_cb(void *ud, const struct roster_row *r)
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
		snprintf(o->staff_id, sizeof o->staff_id, "%s", r->staff_id);
		snprintf(o->team, sizeof o->team, "%s", r->team);
		o->has_role = r->role != NULL;
		snprintf(o->role, sizeof o->role, "%s", r->role ? r->role : "");
		o->contract = r->contract;
		o->fte = r->fte;
		o->caseload = r->caseload;
		memcpy(o->start, r->start_date, 11);
		memcpy(o->end, r->end_date, 11);
		o->absence = r->absence_days;
	}
	return 0;
}

struct run {
	int rc;
	struct got got;
	struct errlist errs;
	struct roster_info info;
};

static struct run *run_opt(const char *data, size_t len, const struct roster_options *opt)
{
	struct run *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->rc = roster_parse_info(data, len, opt, emit_cb, &r->got, &r->errs, &r->info);
	assert_false(r->got.out_of_order);
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

static void check_row(const struct got_row *g, long row, const char *id, const char *team,
		      enum contract c, double fte)
{
	assert_int_equal(g->row, row);
	assert_string_equal(g->staff_id, id);
	assert_string_equal(g->team, team);
	assert_int_equal(g->contract, c);
	assert_double_exact(g->fte, fte);
}

/* ------------------------------------------------------------------ */

static void test_basic_all_columns(void **state)
{
	(void)state;
	struct run *r = RUN(
		"staff_id,team,contract,fte,role,caseload,start_date,end_date,absence_days\n"
		"00123,Assessment,permanent,1,Social worker,14,2019-04-01,,3.5\n"
		"A-7,Children in Care,fixed_term,0.8,,,01/09/2025,31/03/2027,\n"
		"99,Assessment,agency,0.5,Team manager,0,46295,,0\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->errs.n, 0);
	assert_int_equal(r->got.count, 3);
	assert_string_equal(r->info.encoding, "UTF-8");
	assert_int_equal(r->info.delimiter, ',');
	assert_int_equal(r->info.data_rows, 3);

	const struct got_row *g = r->got.v;
	check_row(&g[0], 2, "00123", "Assessment", CONTRACT_PERMANENT, 1.0);
	assert_true(g[0].has_role);
	assert_string_equal(g[0].role, "Social worker");
	assert_int_equal(g[0].caseload, 14);
	assert_string_equal(g[0].start, "2019-04-01");
	assert_string_equal(g[0].end, "");
	assert_double_exact(g[0].absence, 3.5);

	check_row(&g[1], 3, "A-7", "Children in Care", CONTRACT_FIXED_TERM, 0.8);
	assert_false(g[1].has_role);
	assert_int_equal(g[1].caseload, -1);
	assert_string_equal(g[1].start, "2025-09-01");
	assert_string_equal(g[1].end, "2027-03-31");
	assert_double_exact(g[1].absence, -1);

	check_row(&g[2], 4, "99", "Assessment", CONTRACT_AGENCY, 0.5);
	assert_string_equal(g[2].role, "Team manager");
	assert_int_equal(g[2].caseload, 0);
	assert_string_equal(g[2].start, "2026-09-30");   /* Excel serial 46295 */
	assert_double_exact(g[2].absence, 0);
	run_free(r);
}

static void test_aliases_semicolon(void **state)
{
	(void)state;
	struct run *r = RUN(
		"Employee Number;Cost Centre;Employment Type;WTE;Post;Cases;Start Date;"
		"Termination Date;Sickness Days;Notes\n"
		"E01;North;Locum;0.6;Locum SW;12;3 Sep 2024;03-Mar-2026;2;anything at all\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->info.delimiter, ';');
	assert_int_equal(r->got.count, 1);
	const struct got_row *g = r->got.v;
	check_row(g, 2, "E01", "North", CONTRACT_AGENCY, 0.6);
	assert_string_equal(g->role, "Locum SW");
	assert_int_equal(g->caseload, 12);
	assert_string_equal(g->start, "2024-09-03");
	assert_string_equal(g->end, "2026-03-03");
	assert_double_exact(g->absence, 2.0);
	run_free(r);

	r = RUN("Payroll Number\tTeam Name\tContract Type\tJob Title\tLeaving Date\tAbsence Days\n"
		"P9\tSouth\tInterim\tTM\t2026-01-31\t1.25\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->info.delimiter, '\t');
	check_row(r->got.v, 2, "P9", "South", CONTRACT_AGENCY, 1.0);
	assert_string_equal(r->got.v[0].role, "TM");
	assert_string_equal(r->got.v[0].end, "2026-01-31");
	assert_double_exact(r->got.v[0].absence, 1.25);
	run_free(r);
}

static void test_header_spellings(void **state)
{
	(void)state;
	static const char *const variants[] = {
		"staff_id", "Staff ID", " STAFF-ID ", "Staff_Id", "staffid", "\"Staff  ID\"",
		"Employee Number", "EMPLOYEE NO.", "Employee No", "Payroll Number", "worker id",
		"\xC2\xA0Staff ID\xC2\xA0",          /* no-break spaces from Excel */
		"\xEF\xBB\xBF" "staff_id",           /* a second BOM left in the header */
	};
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		char buf[128];
		int n = snprintf(buf, sizeof buf, "%s,Team,CONTRACT\nX%zu,T,perm\n", variants[i], i);
		struct run *r = run_opt(buf, (size_t)n, NULL);
		if (r->rc != 0)
			fail_msg("header \"%s\": rc %d (%s)", variants[i], r->rc,
				 r->errs.n ? r->errs.v[0].message : "");
		char want[16];
		snprintf(want, sizeof want, "X%zu", i);
		assert_string_equal(r->got.v[0].staff_id, want);
		run_free(r);
	}
	/* double-BOM whole file: the text layer strips one, the header the other */
	struct run *r = RUN("\xEF\xBB\xBF\xEF\xBB\xBF" "staff_id,team,contract\n1,A,perm\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->got.count, 1);
	run_free(r);
}

static void test_unknown_columns_ignored(void **state)
{
	(void)state;
	/* unknown columns and an unnamed trailing column are ignored */
	struct run *r = RUN("Surname,staff_id,Grade,team,contract,\n"
			    "Smith,1,SW2,A,perm,whatever\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->errs.n, 0);
	check_row(r->got.v, 2, "1", "A", CONTRACT_PERMANENT, 1.0);
	run_free(r);
}

static void test_duplicate_mapped_column(void **state)
{
	(void)state;
	struct run *r = RUN("staff_id,Employee Number,team,contract\n1,2,A,perm\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 1, "staff_id", "Employee Number",
		  "columns 1 (\"staff_id\") and 2 (\"Employee Number\") both mean staff_id");
	assert_int_equal(r->got.count, 0);
	assert_int_equal(r->info.data_rows, 0);   /* rows are not read after a bad header */
	run_free(r);
}

static void test_missing_required_column(void **state)
{
	(void)state;
	struct run *r = RUN("Staff ID,Team Name,FTE\n1,A,1\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 1, "contract", NULL,
		  "the required column contract is missing (also accepted: Contract Type, "
		  "Employment Type); the headers found are: Staff ID, Team Name, FTE");
	assert_int_equal(r->got.count, 0);
	run_free(r);

	r = RUN("Name,FTE\nx,1\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 3);
	check_err(r, 0, 1, "staff_id", NULL, "headers found are: Name, FTE");
	check_err(r, 1, 1, "team", NULL, "required column team is missing");
	check_err(r, 2, 1, "contract", NULL, "required column contract is missing");
	run_free(r);
}

static void test_fte_values(void **state)
{
	(void)state;
	struct run *r = RUN(
		"staff_id,team,contract,fte\n"
		"1,A,perm,0\n"           /* row 2: error */
		"2,A,perm,1.5\n"         /* row 3: error */
		"3,A,perm,\"0,5\"\n"     /* row 4: decimal comma */
		"4,A,perm,50%\n"         /* row 5: 0.5 */
		"5,A,perm,.25\n"         /* row 6: 0.25 */
		"6,A,perm,\n"            /* row 7: default 1.0 */
		"7,A,perm,abc\n"         /* row 8: error */
		"8,A,perm,-0.5\n"        /* row 9: error */
		"9,A,perm,1.0\n"         /* row 10: 1.0 */
		"10,A,perm,100%\n"       /* row 11: 1.0 */
		"11,A,perm,0.333333\n"   /* row 12 */
		"12,A,perm, 0.75 \n"     /* row 13: trimmed */
		"13,A,perm,1.00001\n"    /* row 14: error, just over 1 */
		"14,A,perm,0%\n"         /* row 15: error */
		"15,A,perm,0.50000000000000000000000\n"    /* row 16: 0.5 */
		"16,A,perm,0.0000000000000000000001\n");   /* row 17: below 1e-15 = 0 */
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 8);
	check_err(r, 7, 17, "fte", "0.0000000000000000000001", "more than 0");
	check_err(r, 0, 2, "fte", "0", "fte must be more than 0 and at most 1");
	check_err(r, 1, 3, "fte", "1.5", "fte must be more than 0 and at most 1");
	check_err(r, 2, 4, "fte", "0,5", "use a full stop for decimals (0.5), not a comma");
	check_err(r, 3, 8, "fte", "abc", "fte is not a number");
	check_err(r, 4, 9, "fte", "-0.5", "more than 0");
	check_err(r, 5, 14, "fte", "1.00001", "at most 1");
	check_err(r, 6, 15, "fte", "0%", "more than 0");
	assert_int_equal(r->got.count, 8);
	const struct got_row *g = r->got.v;
	check_row(&g[7], 16, "15", "A", CONTRACT_PERMANENT, 0.5);
	check_row(&g[0], 5, "4", "A", CONTRACT_PERMANENT, 0.5);
	check_row(&g[1], 6, "5", "A", CONTRACT_PERMANENT, 0.25);
	check_row(&g[2], 7, "6", "A", CONTRACT_PERMANENT, 1.0);
	check_row(&g[3], 10, "9", "A", CONTRACT_PERMANENT, 1.0);
	check_row(&g[4], 11, "10", "A", CONTRACT_PERMANENT, 1.0);
	check_row(&g[5], 12, "11", "A", CONTRACT_PERMANENT, 0.333333);
	check_row(&g[6], 13, "12", "A", CONTRACT_PERMANENT, 0.75);
	run_free(r);
}

static void test_hours_column(void **state)
{
	(void)state;
	static const char f[] = "staff_id,team,contract,Contracted Hours\n"
				"1,A,perm,18.5\n"   /* 18.5 / 37 = 0.5 */
				"2,A,perm,37\n"     /* 1.0 */
				"3,A,perm,40\n"     /* row 4: over the week */
				"4,A,perm,\n"       /* default 1.0 */
				"5,A,perm,0\n";     /* row 6: error */
	struct run *r = run_opt(f, sizeof f - 1, NULL);
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 2);
	check_err(r, 0, 4, "hours", "40",
		  "40 hours is more than the standard week of 37 hours");
	check_err(r, 1, 6, "hours", "0", "hours per week must be more than 0");
	assert_int_equal(r->got.count, 3);
	check_row(&r->got.v[0], 2, "1", "A", CONTRACT_PERMANENT, 0.5);
	check_row(&r->got.v[1], 3, "2", "A", CONTRACT_PERMANENT, 1.0);
	check_row(&r->got.v[2], 5, "4", "A", CONTRACT_PERMANENT, 1.0);
	run_free(r);

	/* a 40-hour standard week: 40 h = 1.0, 18.5 h = 0.4625, 37 h = 0.925 */
	struct roster_options opt = { 40.0, 0, NULL, 0 };
	r = run_opt(f, sizeof f - 1, &opt);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 6, "hours", "0", "more than 0");
	check_row(&r->got.v[0], 2, "1", "A", CONTRACT_PERMANENT, 0.4625);
	check_row(&r->got.v[1], 3, "2", "A", CONTRACT_PERMANENT, 0.925);
	check_row(&r->got.v[2], 4, "3", "A", CONTRACT_PERMANENT, 1.0);
	run_free(r);

	/* both fte and hours: fte wins and hours is not even read */
	r = RUN("staff_id,team,contract,hours,fte\n1,A,perm,99,0.5\n");
	assert_int_equal(r->rc, 0);
	check_row(r->got.v, 2, "1", "A", CONTRACT_PERMANENT, 0.5);
	run_free(r);
}

static void test_contract_values(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int want;   /* -1 = unknown */
	} cases[] = {
		{ "permanent", CONTRACT_PERMANENT }, { " Perm ", CONTRACT_PERMANENT },
		{ "EMPLOYEE", CONTRACT_PERMANENT }, { "Established", CONTRACT_PERMANENT },
		{ "fixed_term", CONTRACT_FIXED_TERM }, { "Fixed Term", CONTRACT_FIXED_TERM },
		{ "fixed-term", CONTRACT_FIXED_TERM }, { "Temporary", CONTRACT_FIXED_TERM },
		{ "FTC", CONTRACT_FIXED_TERM },
		{ "agency", CONTRACT_AGENCY }, { "LOCUM", CONTRACT_AGENCY },
		{ "Interim", CONTRACT_AGENCY }, { "contractor", CONTRACT_AGENCY },
		{ "temp", -1 }, { "bank", -1 }, { "", -1 }, { "permanentt", -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum contract c = CONTRACT_AGENCY;
		int rc = contract_parse(cases[i].in, &c);
		if (cases[i].want < 0) {
			if (rc != -1)
				fail_msg("contract \"%s\" should be unknown", cases[i].in);
		} else if (rc != 0 || (int)c != cases[i].want) {
			fail_msg("contract \"%s\": rc %d, %d, want %d", cases[i].in, rc, c,
				 cases[i].want);
		}
	}
	assert_string_equal(contract_name(CONTRACT_PERMANENT), "permanent");
	assert_string_equal(contract_name(CONTRACT_FIXED_TERM), "fixed_term");
	assert_string_equal(contract_name(CONTRACT_AGENCY), "agency");

	struct run *r = RUN("staff_id,team,contract\n1,A,wizard\n2,A,\n3,A,Fixed Term\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 2);
	check_err(r, 0, 2, "contract", "wizard",
		  "unknown contract type: use permanent, fixed_term or agency");
	check_err(r, 1, 3, "contract", "", "contract is empty");
	check_row(r->got.v, 4, "3", "A", CONTRACT_FIXED_TERM, 1.0);
	run_free(r);
}

static void test_ids_kept_as_text(void **state)
{
	(void)state;
	struct run *r = RUN("staff_id,team,contract\n007,A,perm\n0001,A,perm\n1e3,A,perm\n"
			    "00123.0,A,perm\n  0042  ,A,perm\n7,A,perm\n");
	assert_int_equal(r->rc, 0);   /* 7 and 007 are different ids */
	assert_int_equal(r->got.count, 6);
	assert_string_equal(r->got.v[0].staff_id, "007");
	assert_string_equal(r->got.v[1].staff_id, "0001");
	assert_string_equal(r->got.v[2].staff_id, "1e3");
	assert_string_equal(r->got.v[3].staff_id, "00123.0");
	assert_string_equal(r->got.v[4].staff_id, "0042");
	assert_string_equal(r->got.v[5].staff_id, "7");
	run_free(r);
}

static void test_duplicate_staff_id(void **state)
{
	(void)state;
	struct run *r = RUN("staff_id,team,contract\n007,A,perm\n008,A,perm\n007,B,agency\n"
			    " 008 ,C,perm\n009,A,perm\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 2);
	check_err(r, 0, 4, "staff_id", "007",
		  "staff_id 007 appears on both row 2 and row 4; each person must appear once");
	check_err(r, 1, 5, "staff_id", " 008 ", "staff_id 008 appears on both row 3 and row 5");
	assert_int_equal(r->got.count, 3);   /* rows 2, 3 and 6 */
	assert_int_equal(r->got.v[0].row, 2);
	assert_int_equal(r->got.v[1].row, 3);
	assert_int_equal(r->got.v[2].row, 6);
	run_free(r);

	/* an empty staff_id, and one with a line break in it */
	r = RUN("staff_id,team,contract\n,A,perm\n\"a\nb\",A,perm\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 2);
	check_err(r, 0, 2, "staff_id", "", "staff_id is empty");
	check_err(r, 1, 3, "staff_id", "a\nb", "line break");
	run_free(r);
}

static void test_dates(void **state)
{
	(void)state;
	/* same content as tests/data/csv/dates_traps.csv */
	struct run *r = RUN("staff_id,team,contract,start_date,end_date\n"
			    "1,A,perm,30/09/26,\n"
			    "2,A,perm,09/30/2026,\n"
			    "3,A,perm,29/02/2023,\n"
			    "4,A,perm,46295,\n"
			    "5,A,perm,2026-09-30,2026-09-01\n"
			    "6,A,perm,03-Sep-2026,3 Sep 2027\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 4);
	check_err(r, 0, 2, "start_date", "30/09/26",
		  "two-digit year is ambiguous: write 2026-09-30 or 30/09/2026");
	check_err(r, 1, 3, "start_date", "09/30/2026", "looks like a US month/day date");
	check_err(r, 2, 4, "start_date", "29/02/2023", "29 February only exists in leap years");
	check_err(r, 3, 6, "end_date", "2026-09-01",
		  "end_date 2026-09-01 is before start_date 2026-09-30");
	assert_int_equal(r->got.count, 2);
	assert_int_equal(r->got.v[0].row, 5);
	assert_string_equal(r->got.v[0].start, "2026-09-30");
	assert_string_equal(r->got.v[0].end, "");
	assert_int_equal(r->got.v[1].row, 7);
	assert_string_equal(r->got.v[1].start, "2026-09-03");
	assert_string_equal(r->got.v[1].end, "2027-09-03");
	run_free(r);

	/* leaving on the day of starting is fine; 29/02/2024 is a real day */
	r = RUN("staff_id,team,contract,start_date,leaving date\n1,A,perm,29/02/2024,2024-02-29\n");
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->got.v[0].start, "2024-02-29");
	assert_string_equal(r->got.v[0].end, "2024-02-29");
	run_free(r);
}

static void test_caseload_absence(void **state)
{
	(void)state;
	struct run *r = RUN("staff_id,team,contract,caseload,absence_days\n"
			    "1,A,perm,12,2.5\n"
			    "2,A,perm,-1,\n"
			    "3,A,perm,1.5,\n"
			    "4,A,perm,,-1\n"
			    "5,A,perm,,\"1,5\"\n"
			    "6,A,perm,,400\n"
			    "7,A,perm,x,\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 6);
	check_err(r, 0, 3, "caseload", "-1", "caseload must not be negative");
	check_err(r, 1, 4, "caseload", "1.5", "whole number");
	check_err(r, 2, 5, "absence_days", "-1", "must not be negative");
	check_err(r, 3, 6, "absence_days", "1,5", "full stop");
	check_err(r, 4, 7, "absence_days", "400", "more than the days in a year");
	check_err(r, 5, 8, "caseload", "x", "whole number");
	assert_int_equal(r->got.count, 1);
	assert_int_equal(r->got.v[0].caseload, 12);
	assert_double_exact(r->got.v[0].absence, 2.5);
	run_free(r);
}

static void test_ragged_and_trailing_lines(void **state)
{
	(void)state;
	/* same content as tests/data/csv/ragged_trailing.csv */
	struct run *r = RUN("staff_id,team,contract\n1,A,perm,,\n2,A,perm,oops\n3,A\n\n\n\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 2);
	check_err(r, 0, 3, NULL, "oops",
		  "this row has 4 values but the header has 3 columns; a value containing a "
		  "comma must be in quotes, and decimals need a full stop (0.5)");
	check_err(r, 1, 4, "contract", "", "contract is empty");
	assert_int_equal(r->got.count, 1);
	check_row(r->got.v, 2, "1", "A", CONTRACT_PERMANENT, 1.0);
	assert_int_equal(r->info.data_rows, 3);
	run_free(r);

	/* an unquoted decimal comma splits the value: "0,5" -> "0" | "5" */
	r = RUN("staff_id;team;contract\n1;A;perm;x;\n");
	assert_int_equal(r->rc, 1);
	check_err(r, 0, 2, NULL, "x",
		  "this row has 5 values but the header has 3 columns; a value containing a "
		  "semicolon must be in quotes");
	assert_null(strstr(r->errs.v[0].message, "full stop"));
	run_free(r);
}

static void test_blank_rows_skipped(void **state)
{
	(void)state;
	struct run *r = RUN("\nstaff_id,team,contract\n\n1,A,perm\n,,\n , ,\n\n2,B,perm\n\n\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->got.count, 2);
	assert_int_equal(r->info.data_rows, 2);
	assert_int_equal(r->got.v[0].row, 4);
	assert_int_equal(r->got.v[1].row, 8);
	run_free(r);
}

static void test_quoted_newlines(void **state)
{
	(void)state;
	/* same content as tests/data/csv/quoted_newlines.csv: the record with
	 * "wizard" starts on line 7 because two earlier values span two lines */
	struct run *r = RUN("staff_id,team,contract,role\n1,A,perm,\"Team\nmanager\"\n"
			    "2,A,perm,\"He said \"\"hi\"\"\"\n3,A,perm,\"x\r\ny\"\n4,A,wizard,z\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 7, "contract", "wizard", "unknown contract type");
	assert_int_equal(r->got.count, 3);
	assert_int_equal(r->got.v[0].row, 2);
	assert_string_equal(r->got.v[0].role, "Team\nmanager");
	assert_int_equal(r->got.v[1].row, 4);
	assert_string_equal(r->got.v[1].role, "He said \"hi\"");
	assert_int_equal(r->got.v[2].row, 5);
	assert_string_equal(r->got.v[2].role, "x\r\ny");
	run_free(r);
}

static void test_bom_crlf(void **state)
{
	(void)state;
	struct run *r = RUN("\xEF\xBB\xBFStaff ID,Team,Contract,FTE\r\n"
			    "00042,Assessment,Permanent,1\r\n00043,Assessment,Agency,0.6\r\n");
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->info.encoding, "UTF-8 with BOM");
	assert_int_equal(r->got.count, 2);
	check_row(&r->got.v[0], 2, "00042", "Assessment", CONTRACT_PERMANENT, 1.0);
	check_row(&r->got.v[1], 3, "00043", "Assessment", CONTRACT_AGENCY, 0.6);
	run_free(r);
}

/* Excel "Unicode text": UTF-16LE with BOM, tab-separated; same bytes as
 * tests/data/csv/utf16le_tab_pound.csv */
static const char UTF16_POUND[] =
	"\xFF\xFE" "S\0t\0a\0f\0f\0 \0I\0D\0\t\0T\0e\0a\0m\0\t\0C\0o\0n\0t\0r\0a\0c\0t\0\r\0\n\0"
	"7\0\t\0C\0h\0i\0l\0d\0r\0e\0n\0 \0\xA3\0 \0F\0a\0m\0i\0l\0i\0e\0s\0\t\0"
	"L\0o\0c\0u\0m\0\r\0\n\0";

static void test_utf16le_pound(void **state)
{
	(void)state;
	struct run *r = run_opt(UTF16_POUND, sizeof UTF16_POUND - 1, NULL);
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->info.encoding, "UTF-16LE");
	assert_int_equal(r->info.delimiter, '\t');
	assert_int_equal(r->got.count, 1);
	check_row(r->got.v, 2, "7", "Children \xC2\xA3 Families", CONTRACT_AGENCY, 1.0);
	run_free(r);
}

/* UTF-16BE with BOM (the other byte order of Excel's "Unicode text"), an en
 * dash, a curly apostrophe and an accent; same bytes as
 * tests/data/csv/utf16be_tab_accents.csv */
static const char UTF16BE_ACCENTS[] =
	"\xFE\xFF\x00\x53\x00\x74\x00\x61\x00\x66\x00\x66\x00\x20\x00\x49"
	"\x00\x44\x00\x09\x00\x54\x00\x65\x00\x61\x00\x6D\x00\x09\x00\x43"
	"\x00\x6F\x00\x6E\x00\x74\x00\x72\x00\x61\x00\x63\x00\x74\x00\x09"
	"\x00\x4A\x00\x6F\x00\x62\x00\x20\x00\x54\x00\x69\x00\x74\x00\x6C"
	"\x00\x65\x00\x0D\x00\x0A\x00\x38\x00\x09\x00\x41\x00\x73\x00\x73"
	"\x00\x65\x00\x73\x00\x73\x00\x6D\x00\x65\x00\x6E\x00\x74\x00\x09"
	"\x00\x50\x00\x65\x00\x72\x00\x6D\x00\x61\x00\x6E\x00\x65\x00\x6E"
	"\x00\x74\x00\x09\x00\x50\x00\x72\x00\x61\x00\x63\x00\x74\x00\x69"
	"\x00\x74\x00\x69\x00\x6F\x00\x6E\x00\x65\x00\x72\x00\x20\x20\x13"
	"\x00\x20\x00\x43\x00\x68\x00\x69\x00\x6C\x00\x64\x00\x72\x00\x65"
	"\x00\x6E\x20\x19\x00\x73\x00\x20\x00\x43\x00\x61\x00\x66\x00\xE9"
	"\x00\x0D\x00\x0A";

static void test_utf16be_accents(void **state)
{
	(void)state;
	struct run *r = run_opt(UTF16BE_ACCENTS, sizeof UTF16BE_ACCENTS - 1, NULL);
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->info.encoding, "UTF-16BE");
	assert_int_equal(r->info.delimiter, '\t');
	assert_int_equal(r->got.count, 1);
	check_row(r->got.v, 2, "8", "Assessment", CONTRACT_PERMANENT, 1.0);
	assert_true(r->got.v[0].has_role);
	assert_string_equal(r->got.v[0].role, "Practitioner \xE2\x80\x93 Children\xE2\x80\x99s Caf\xC3\xA9");
	run_free(r);
}

/* Windows-1252 from UK Excel: curly quotes 0x93/0x94, euro 0x80, pound 0xA3 */
static void test_cp1252(void **state)
{
	(void)state;
	struct run *r = RUN("Employee Number;Cost Centre;Contract Type;Job Title;FTE\r\n"
			    "0101;North;Perm;\x93Senior\x94 practitioner \x80 \xA3;0.5\r\n");
	assert_int_equal(r->rc, 0);
	assert_string_equal(r->info.encoding, "Windows-1252");
	assert_int_equal(r->info.delimiter, ';');
	check_row(r->got.v, 2, "0101", "North", CONTRACT_PERMANENT, 0.5);
	assert_string_equal(r->got.v[0].role,
			    "\xE2\x80\x9CSenior\xE2\x80\x9D practitioner \xE2\x82\xAC \xC2\xA3");
	run_free(r);
}

static void test_malformed_quotes(void **state)
{
	(void)state;
	struct run *r = RUN("staff_id,team,contract,role\n1,A,perm,Robert \"Bob\" Smith\n"
			    "2,A,perm,ok\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 2, NULL, NULL, "line 2 has a quote (\") inside a value");
	assert_int_equal(r->got.count, 1);
	assert_int_equal(r->got.v[0].row, 3);
	run_free(r);

	r = RUN("staff_id,team,contract\n1,A,perm\n2,\"A,perm\n3,B,perm\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 3, NULL, NULL, "a quoted value that starts on line 3 is never closed");
	assert_int_equal(r->got.count, 1);
	assert_int_equal(r->got.v[0].row, 2);
	run_free(r);

	/* a broken header stops everything */
	r = RUN("staff_id,te\"am,contract\n1,A,perm\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 1, NULL, NULL, "line 1 has a quote");
	assert_int_equal(r->got.count, 0);
	run_free(r);
}

static void test_file_level_errors(void **state)
{
	(void)state;
	static const char lone[] = "\xFF\xFE" "a\0\n\0\x00\xD8" "b\0\n\0";
	struct run *r = run_opt(lone, sizeof lone - 1, NULL);
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 0, NULL, NULL, "line 2 has a lone surrogate");
	assert_string_equal(r->info.encoding, "UTF-16LE");
	assert_int_equal(r->got.count, 0);
	run_free(r);

	r = RUN("staff_id,team;contract\n1,A;perm\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 1, NULL, NULL, "the column separator is ambiguous");
	run_free(r);

	r = RUN("");
	assert_int_equal(r->rc, 1);
	check_err(r, 0, 0, NULL, NULL, "the file is empty");
	run_free(r);

	r = RUN("\r\n\r\n ,\r\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 0, NULL, NULL, "the file is empty");
	run_free(r);

	/* a header alone is valid (the caller decides that no rows is a problem) */
	r = RUN("staff_id,team,contract\r\n");
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->errs.n, 0);
	assert_int_equal(r->got.count, 0);
	run_free(r);

	struct errlist e = ERRLIST_INIT;
	struct got g;
	memset(&g, 0, sizeof g);
	assert_int_equal(roster_parse(NULL, 0, NULL, emit_cb, &g, &e), 1);
	errlist_free(&e);
}

static void test_sep_line(void **state)
{
	(void)state;
	struct run *r = RUN("sep=;\r\nstaff_id;team;contract\r\n1;A;perm\r\n2;B;perm,x\r\n");
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->info.delimiter, ';');
	check_row(r->got.v, 3, "1", "A", CONTRACT_PERMANENT, 1.0);
	check_err(r, 0, 4, "contract", "perm,x", "unknown contract type");
	run_free(r);
}

static void test_max_rows(void **state)
{
	(void)state;
	static const char f[] = "staff_id,team,contract\n1,A,perm\n2,A,perm\n3,A,perm\n4,A,perm\n";
	struct roster_options opt = { 0, 2, NULL, 0 };
	struct run *r = run_opt(f, sizeof f - 1, &opt);
	assert_int_equal(r->rc, 1);
	assert_int_equal(r->errs.n, 1);
	check_err(r, 0, 0, NULL, NULL, "the file has more than 2 data rows");
	assert_int_equal(r->got.count, 2);
	run_free(r);

	opt.max_rows = 4;
	r = run_opt(f, sizeof f - 1, &opt);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->got.count, 4);
	run_free(r);
}

static void test_emit_abort(void **state)
{
	(void)state;
	static const char f[] = "staff_id,team,contract\n1,A,perm\n2,A,perm\n3,A,perm\n";
	struct errlist e = ERRLIST_INIT;
	struct got g;
	memset(&g, 0, sizeof g);
	g.fail_on = 2;
	assert_int_equal(roster_parse(f, sizeof f - 1, NULL, emit_cb, &g, &e), -1);
	assert_int_equal(g.count, 2);   /* stopped at the failing row */
	errlist_free(&e);
}

static void test_errlist_limit(void **state)
{
	(void)state;
	static const char f[] = "staff_id,team,contract\n1,A,x\n2,A,x\n3,A,x\n4,A,x\n5,A,x\n6,A,perm\n";
	struct errlist e = ERRLIST_INIT;
	e.limit = 2;
	struct got g;
	memset(&g, 0, sizeof g);
	assert_int_equal(roster_parse(f, sizeof f - 1, NULL, emit_cb, &g, &e), 1);
	assert_int_equal(e.n, 2);
	assert_int_equal(errlist_total(&e), 5);
	/* rows whose errors were only counted must not be emitted either */
	assert_int_equal(g.count, 1);
	assert_int_equal(g.v[0].row, 7);
	errlist_free(&e);
}

/* 100,000 rows: memory stays one record plus the id set; the duplicate of
 * row 2 on the last row is found (a hash set: bench/ and docs/benchmarks.md
 * time it, this test only checks the answer). */
static void test_hundred_thousand_rows(void **state)
{
	(void)state;
	const long n = 100000;
	size_t cap = (size_t)n * 48 + 128, len = 0;
	char *f = malloc(cap);
	assert_non_null(f);
	len += (size_t)snprintf(f + len, cap - len, "staff_id,team,contract,fte\r\n");
	for (long i = 0; i < n; i++)
		len += (size_t)snprintf(f + len, cap - len, "%06ld,Team %ld,%s,0.5\r\n", i, i % 40,
					i % 3 ? "perm" : "agency");
	/* the same id as the first data row (line 2), on line n + 2 */
	len += (size_t)snprintf(f + len, cap - len, "000000,Team 0,perm,1\r\n");

	struct errlist e = ERRLIST_INIT;
	struct got g;
	memset(&g, 0, sizeof g);
	int rc = roster_parse(f, len, NULL, emit_cb, &g, &e);
	assert_int_equal(rc, 1);
	assert_int_equal(g.count, n);
	assert_false(g.out_of_order);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.v[0].row, n + 2);
	assert_string_equal(e.v[0].message,
			    "staff_id 000000 appears on both row 2 and row 100002; each person "
			    "must appear once in a file");
	errlist_free(&e);
	free(f);
}

/* ------------------------------------------------------------------ */
/* the corpus in tests/data/csv                                        */
/* ------------------------------------------------------------------ */

struct want_err {
	long row;
	const char *column;
};

static const struct corpus_case {
	const char *file;
	const char *encoding;
	int rc;
	long valid;
	long first_row;            /* row of the first valid record, 0 if none */
	struct want_err errs[5];   /* terminated by column "" */
} corpus[] = {
	{ "utf8_bom_crlf.csv", "UTF-8 with BOM", 0, 2, 2, { { 0, "" } } },
	{ "utf16le_tab_pound.csv", "UTF-16LE", 0, 1, 2, { { 0, "" } } },
	{ "utf16be_tab_accents.csv", "UTF-16BE", 0, 1, 2, { { 0, "" } } },
	{ "cp1252_semicolon.csv", "Windows-1252", 0, 1, 2, { { 0, "" } } },
	{ "quoted_newlines.csv", "UTF-8", 1, 3, 2, { { 7, "contract" }, { 0, "" } } },
	{ "ragged_trailing.csv", "UTF-8", 1, 1, 2, { { 3, NULL }, { 4, "contract" }, { 0, "" } } },
	{ "dates_traps.csv", "UTF-8", 1, 2, 5,
	  { { 2, "start_date" }, { 3, "start_date" }, { 4, "start_date" }, { 6, "end_date" },
	    { 0, "" } } },
	{ "duplicate_ids.csv", "UTF-8", 1, 2, 2, { { 4, "staff_id" }, { 0, "" } } },
	{ "missing_contract.csv", "UTF-8", 1, 0, 0, { { 1, "contract" }, { 0, "" } } },
	{ "hours.csv", "UTF-8", 1, 2, 2, { { 4, "hours" }, { 0, "" } } },
	{ "unterminated_quote.csv", "UTF-8", 1, 1, 2, { { 3, NULL }, { 0, "" } } },
	{ "quote_in_unquoted.csv", "UTF-8", 1, 1, 3, { { 2, NULL }, { 0, "" } } },
	{ "cr_only.csv", "UTF-8", 0, 2, 2, { { 0, "" } } },
	{ "lone_surrogate_utf16le.csv", "UTF-16LE", 1, 0, 0, { { 0, NULL }, { 0, "" } } },
	{ "nul_bytes.csv", "UTF-8", 1, 0, 0, { { 0, NULL }, { 0, "" } } },
	{ "mixed_encoding.csv", "UTF-8", 1, 0, 0, { { 0, NULL }, { 0, "" } } },
	{ "ambiguous_delimiter.csv", "UTF-8", 1, 0, 0, { { 1, NULL }, { 0, "" } } },
	{ "semicolon_decimal_comma.csv", "UTF-8", 1, 0, 0, { { 2, "fte" }, { 0, "" } } },
	{ "sep_line.csv", "UTF-8", 0, 1, 3, { { 0, "" } } },
	{ "excel_blank_rows.csv", "UTF-8", 0, 1, 2, { { 0, "" } } },
};

static char *data_dir(void)
{
	const char *d = getenv("TEST_DATA_DIR");
	const char *src = getenv("srcdir");
	char *p = NULL;
	if (d && *d)
		p = strdup(d);
	else if (asprintf(&p, "%s/tests/data", src && *src ? src : ".") < 0)
		p = NULL;
	assert_non_null(p);
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set TEST_DATA_DIR to the tests/data directory)", path);
	char *b = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			char *nb = realloc(b, cap);
			assert_non_null(nb);
			b = nb;
		}
		size_t k = fread(b + n, 1, cap - n, f);
		n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	*len = n;
	return b;
}

static void test_corpus(void **state)
{
	(void)state;
	char *dir = data_dir();
	for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
		const struct corpus_case *c = &corpus[i];
		char *path;
		size_t len;
		assert_true(asprintf(&path, "%s/csv/%s", dir, c->file) > 0);
		char *data = slurp(path, &len);
		struct run *r = run_opt(data, len, NULL);
		if (r->rc != c->rc || r->got.count != c->valid)
			fail_msg("%s: rc %d valid %ld, expected rc %d valid %ld (first error: %s)",
				 c->file, r->rc, r->got.count, c->rc, c->valid,
				 r->errs.n ? r->errs.v[0].message : "none");
		assert_string_equal(r->info.encoding, c->encoding);
		if (c->valid)
			assert_int_equal(r->got.v[0].row, c->first_row);
		size_t k = 0;
		for (; !(c->errs[k].column && !*c->errs[k].column); k++) {
			if (k >= r->errs.n)
				fail_msg("%s: missing error #%zu on row %ld", c->file, k, c->errs[k].row);
			const struct load_error *e = &r->errs.v[k];
			if (e->row != c->errs[k].row ||
			    (c->errs[k].column ? !e->column || strcmp(e->column, c->errs[k].column)
					       : e->column != NULL))
				fail_msg("%s: error #%zu is row %ld column %s (%s), expected row %ld "
					 "column %s", c->file, k, e->row, e->column ? e->column : "-",
					 e->message, c->errs[k].row,
					 c->errs[k].column ? c->errs[k].column : "-");
		}
		if (r->errs.n != k)
			fail_msg("%s: %zu errors, expected %zu (extra: %s)", c->file, r->errs.n, k,
				 r->errs.v[k].message);
		run_free(r);
		free(data);
		free(path);
	}

	/* every file in the corpus has expectations above */
	DIR *d;
	char *csvdir;
	assert_true(asprintf(&csvdir, "%s/csv", dir) > 0);
	d = opendir(csvdir);
	assert_non_null(d);
	struct dirent *de;
	size_t files = 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 4, ".csv") != 0)
			continue;
		files++;
		size_t i = 0;
		while (i < sizeof corpus / sizeof corpus[0] && strcmp(corpus[i].file, de->d_name))
			i++;
		if (i == sizeof corpus / sizeof corpus[0])
			fail_msg("tests/data/csv/%s has no expectations in test_corpus", de->d_name);
	}
	closedir(d);
	assert_int_equal(files, sizeof corpus / sizeof corpus[0]);
	free(csvdir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_all_columns),
		cmocka_unit_test(test_aliases_semicolon),
		cmocka_unit_test(test_header_spellings),
		cmocka_unit_test(test_unknown_columns_ignored),
		cmocka_unit_test(test_duplicate_mapped_column),
		cmocka_unit_test(test_missing_required_column),
		cmocka_unit_test(test_fte_values),
		cmocka_unit_test(test_hours_column),
		cmocka_unit_test(test_contract_values),
		cmocka_unit_test(test_ids_kept_as_text),
		cmocka_unit_test(test_duplicate_staff_id),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_caseload_absence),
		cmocka_unit_test(test_ragged_and_trailing_lines),
		cmocka_unit_test(test_blank_rows_skipped),
		cmocka_unit_test(test_quoted_newlines),
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test(test_utf16le_pound),
		cmocka_unit_test(test_utf16be_accents),
		cmocka_unit_test(test_cp1252),
		cmocka_unit_test(test_malformed_quotes),
		cmocka_unit_test(test_file_level_errors),
		cmocka_unit_test(test_sep_line),
		cmocka_unit_test(test_max_rows),
		cmocka_unit_test(test_emit_abort),
		cmocka_unit_test(test_errlist_limit),
		cmocka_unit_test(test_hundred_thousand_rows),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
