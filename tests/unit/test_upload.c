/*
 * test_upload.c -- the pure parts of uploading: drop-folder names, settling and
 * reports (dropname.c), mapping-profile aliases and the mapped-columns preview
 * info (roster.c), the dry-run document (load.c), the dry-run job's steps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dropname.h"
#include "errlist.h"
#include "load.h"
#include "roster.h"

static void name_ok(void **state)
{
	(void)state;
	struct drop_name n;
	const char *why = NULL;
	assert_int_equal(dropname_parse("roster-hr-2026-09-30.csv", &n, &why), 0);
	assert_string_equal(n.kind, "roster");
	assert_string_equal(n.source, "hr");
	assert_string_equal(n.as_of, "2026-09-30");
	assert_int_equal(dropname_parse("allocations-cms_2-2026-10-31-nightly.txt", &n, &why), 0);
	assert_string_equal(n.kind, "allocations");
	assert_string_equal(n.source, "cms_2");
	assert_string_equal(n.as_of, "2026-10-31");
}

static void name_bad(void **state)
{
	(void)state;
	struct drop_name n;
	const char *bad[] = {
		"roster-hr-2026-09-30.xlsx", "payroll-hr-2026-09-30.csv", "roster--2026-09-30.csv",
		"roster-HR-2026-09-30.csv", "roster-hr-30-09-2026.csv", "roster-hr-2026-09-3.csv",
		"roster-hr-2026-09-30x.csv", "roster-hr.csv", "roster.csv",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = NULL;
		if (dropname_parse(bad[i], &n, &why) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(why);
	}
}

static void ignored(void **state)
{
	(void)state;
	assert_true(dropname_ignored(".roster-hr-2026-09-30.csv"));
	assert_true(dropname_ignored("roster-hr-2026-09-30.csv.part"));
	assert_true(dropname_ignored("roster-hr-2026-09-30.csv.tmp"));
	assert_true(dropname_ignored("roster-hr-2026-09-30.csv.ready"));
	assert_true(dropname_ignored("roster-hr-2026-09-30.csv.report.json"));
	assert_false(dropname_ignored("roster-hr-2026-09-30.csv"));
}

static void settling(void **state)
{
	(void)state;
	struct drop_seen s = { 0, 0, 0 };
	assert_false(dropname_settled(&s, 100, 1000, 0));   /* first sight */
	assert_false(dropname_settled(&s, 200, 1001, 0));   /* still growing */
	assert_true(dropname_settled(&s, 200, 1001, 0));    /* unchanged across two polls */
	assert_false(dropname_settled(&s, 200, 1005, 0));   /* touched again */
	struct drop_seen m = { 0, 0, 0 };
	assert_true(dropname_settled(&m, 5, 1, 1));         /* NAME.ready: at once */
}

static void report(void **state)
{
	(void)state;
	struct errlist e = ERRLIST_INIT;
	struct drop_name n = { "roster", "hr", "2026-09-30" };
	assert_int_equal(errlist_add(&e, 4, "fte", "1.5", "fte must be at most 1"), 0);
	cJSON *r = dropname_report("roster-hr-2026-09-30.csv", "rejected", &n, -1, 12, &e, "1 problem", 0);
	assert_non_null(r);
	char *t = cJSON_PrintUnformatted(r);
	assert_string_equal(t, "{\"errors\":[{\"row\":4,\"column\":\"fte\",\"value\":\"1.5\","
			    "\"message\":\"fte must be at most 1\"}],\"file\":\"roster-hr-2026-09-30.csv\","
			    "\"status\":\"rejected\",\"kind\":\"roster\",\"source\":\"hr\",\"as_of\":\"2026-09-30\","
			    "\"batch_id\":null,\"rows\":12,\"error_count\":1,\"message\":\"1 problem\","
			    "\"finished_at\":\"1970-01-01T00:00:00Z\"}");
	free(t);
	cJSON_Delete(r);
	errlist_free(&e);
}

static int count_row(void *ud, const struct roster_row *r)
{
	(void)r;
	(*(int *)ud)++;
	return 0;
}

static void profile_aliases(void **state)
{
	(void)state;
	const char csv[] = "Emp Ref;Unit;Kind of contract;Notes\r\nX1;ALPHA;Perm;9\r\nX2;BRAVO;Locum;9\r\n";
	struct errlist e = ERRLIST_INIT;
	struct roster_info info;
	int rows = 0;
	/* without the profile: the required columns are missing */
	struct roster_options plain = { 0, 0, NULL, 0 };
	assert_int_equal(roster_parse_info(csv, sizeof csv - 1, &plain, count_row, &rows, &e, &info), 1);
	errlist_free(&e);
	struct roster_alias prof[] = {
		{ "emp_ref", "staff_id" }, { "UNIT", "team" }, { "Kind of Contract", "contract" },
	};
	struct roster_options opt = { 0, 0, prof, 3 };
	rows = 0;
	assert_int_equal(roster_parse_info(csv, sizeof csv - 1, &opt, count_row, &rows, &e, &info), 0);
	assert_int_equal(rows, 2);
	assert_int_equal(info.delimiter, ';');
	assert_int_equal(info.n_mapped, 3);   /* Notes is not a column: left out */
	assert_string_equal(info.mapped[0].header, "Emp Ref");
	assert_string_equal(info.mapped[0].column, "staff_id");
	assert_string_equal(info.mapped[1].header, "Unit");
	assert_string_equal(info.mapped[1].column, "team");
	assert_string_equal(info.mapped[2].column, "contract");
	assert_true(roster_column_known("absence_days"));
	assert_false(roster_column_known("salary"));
	errlist_free(&e);
}

static void dry_run_plan(void **state)
{
	(void)state;
	const char csv[] = "staff_id,team,contract\nA1,ALPHA,permanent\n";
	struct load_request req = { .kind = "roster", .source = "hr", .as_of = "30/09/2026", .by = "t",
				    .data = csv, .len = sizeof csv - 1, .dry_run = 1 };
	struct load_plan plan;
	struct errlist e = ERRLIST_INIT;
	assert_int_equal(load_prepare(&req, &plan, &e), 0);
	assert_true(plan.dry_run);
	assert_string_equal(plan.as_of, "2026-09-30");
	/* BEGIN, stage, COPY, preview, ROLLBACK: nothing is ever committed */
	assert_int_equal(plan.job.n, 5);
	assert_non_null(strstr(plan.job.steps[3].sql, "steady_preview_roster"));
	assert_string_equal(plan.job.steps[4].sql, "ROLLBACK");
	assert_int_equal(plan.job.result_step, 3);

	cJSON *doc = load_preview_json(&req, &plan, &e,
		"{\"duplicate_of\":null,\"replaces\":3,\"errors\":[{\"row\":2,\"column\":\"team\","
		"\"value\":\"ALPHA\",\"message\":\"unknown team\"}],\"warnings\":[],\"changes\":null}");
	assert_non_null(doc);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(doc, "valid")));
	assert_int_equal(cJSON_GetObjectItem(doc, "error_count")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(doc, "replaces")->valueint, 3);
	assert_string_equal(cJSON_GetObjectItem(doc, "encoding")->valuestring, "UTF-8");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "columns")), 3);
	cJSON_Delete(doc);
	load_plan_free(&plan);
	errlist_free(&e);

	/* a real upload COPYs straight into roster_row between steady_roster_open and
	 * steady_roster_close (duplicate check, unknown teams), then COMMITs */
	req.dry_run = 0;
	assert_int_equal(load_prepare(&req, &plan, &e), 0);
	assert_int_equal(plan.job.n, 6);
	assert_non_null(strstr(plan.job.steps[2].sql, "steady_roster_open"));
	assert_non_null(strstr(plan.job.steps[3].sql, "COPY roster_row"));
	assert_non_null(strstr(plan.job.steps[4].sql, "steady_roster_close"));
	assert_int_equal(plan.job.result_step, 4);
	assert_string_equal(plan.job.steps[5].sql, "COMMIT");
	load_plan_free(&plan);
	errlist_free(&e);
}

/* steady_roster_open's row as the database would send it */
static PGresult *open_result(const char *dup, const char *ids)
{
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc att[3] = {
		{ .name = "batch_id", .format = 0 }, { .name = "duplicate", .format = 0 },
		{ .name = "team_ids", .format = 0 },
	};
	assert_true(PQsetResultAttrs(r, 3, att));
	assert_true(PQsetvalue(r, 0, 0, "12", 2));
	assert_true(PQsetvalue(r, 0, 1, (char *)dup, 1));
	assert_true(PQsetvalue(r, 0, 2, (char *)ids, (int)strlen(ids)));
	return r;
}

static void direct_team_ids(void **state)
{
	(void)state;
	const char csv[] = "staff_id,team,contract\nA1,ALPHA,permanent\nA2,Beta Team,agency\nA3,ALPHA,perm\n";
	struct load_request req = { .kind = "roster", .source = "hr", .as_of = "2026-09-30", .by = "t",
				    .data = csv, .len = sizeof csv - 1 };
	struct load_plan plan;
	struct errlist e = ERRLIST_INIT;
	const char *why;

	/* the distinct team values, in order, are the open step's last parameter */
	assert_int_equal(load_prepare(&req, &plan, &e), 0);
	assert_string_equal(plan.job.steps[2].values[6], "{\"ALPHA\",\"Beta Team\"}");
	PGresult *r = open_result("f", "{7,NULL}");
	assert_int_equal(pgstep_prepare(&plan.job.steps[3], r, &why), 0);
	/* known teams get their id, unknown ones minus their number (reported by steady_roster_close) */
	assert_string_equal(plan.job.steps[3].copy.data,
			    "00000000007\t2\tA1\tpermanent\t1.0000\t\\N\t\\N\t\\N\t\\N\t\\N\n"
			    "-0000000002\t3\tA2\tagency\t1.0000\t\\N\t\\N\t\\N\t\\N\t\\N\n"
			    "00000000007\t4\tA3\tpermanent\t1.0000\t\\N\t\\N\t\\N\t\\N\t\\N\n");
	/* a job is never patched twice */
	assert_int_equal(pgstep_prepare(&plan.job.steps[3], r, &why), -1);
	PQclear(r);
	load_plan_free(&plan);

	/* a duplicate stores nothing: the COPY is empty */
	assert_int_equal(load_prepare(&req, &plan, &e), 0);
	r = open_result("t", "{7,8}");
	assert_int_equal(pgstep_prepare(&plan.job.steps[3], r, &why), 0);
	assert_int_equal(plan.job.steps[3].copy.len, 0);
	PQclear(r);
	load_plan_free(&plan);

	/* a wrong number of ids fails the job */
	assert_int_equal(load_prepare(&req, &plan, &e), 0);
	r = open_result("f", "{7}");
	assert_int_equal(pgstep_prepare(&plan.job.steps[3], r, &why), -1);
	PQclear(r);
	load_plan_free(&plan);
	errlist_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_ok),
		cmocka_unit_test(name_bad),
		cmocka_unit_test(ignored),
		cmocka_unit_test(settling),
		cmocka_unit_test(report),
		cmocka_unit_test(profile_aliases),
		cmocka_unit_test(dry_run_plan),
		cmocka_unit_test(direct_team_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
