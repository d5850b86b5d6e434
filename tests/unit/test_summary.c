/*
 * Unit tests for summary.c: the figures document's shape and values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

static cJSON *get(const cJSON *o, const char *path)
{
	/* dotted path; numeric segments index arrays */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *cur = o;
	for (char *seg = strtok(buf, "."); seg && cur; seg = strtok(NULL, ".")) {
		if (cJSON_IsArray(cur))
			cur = cJSON_GetArrayItem(cur, atoi(seg));
		else
			cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
	}
	return (cJSON *)cur;
}

static double num(const cJSON *o, const char *path)
{
	cJSON *v = get(o, path);
	assert_non_null(v);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static void document_for_two_teams(void **state)
{
	(void)state;
	struct summary s;
	memset(&s, 0, sizeof s);
	strcpy(s.as_of, "2026-09-30");
	struct team_figures *a = summary_add_team(&s, 1, "A", "Team A", "Front door");
	assert_non_null(a);
	a->c.w.fte[CONTRACT_PERMANENT] = 3.0;
	a->c.w.heads[CONTRACT_PERMANENT] = 3;
	a->c.w.fte[CONTRACT_FIXED_TERM] = 0.5;
	a->c.w.heads[CONTRACT_FIXED_TERM] = 1;
	a->c.w.fte[CONTRACT_AGENCY] = 2.0;
	a->c.w.heads[CONTRACT_AGENCY] = 2;
	struct team_figures *e = summary_add_team(&s, 2, "EMPTY", "Empty team", "");
	assert_non_null(e);
	s.service = a->c; /* the engine sums teams into the service; here A is all there is */

	char *json = summary_to_json(&s, 1795000000); /* 2026-11-18T11:06:40Z */
	summary_free(&s);
	assert_non_null(json);
	cJSON *doc = cJSON_Parse(json);
	free(json);
	assert_non_null(doc);

	assert_string_equal(get(doc, "as_of")->valuestring, "2026-09-30");
	assert_string_equal(get(doc, "generated_at")->valuestring, "2026-11-18T11:06:40Z");
	assert_int_equal(cJSON_GetArraySize(get(doc, "teams")), 2);
	assert_string_equal(get(doc, "teams.0.code")->valuestring, "A");
	assert_string_equal(get(doc, "teams.0.area")->valuestring, "Front door");
	assert_float_equal(num(doc, "teams.0.fte.total"), 5.5, 1e-9);
	assert_float_equal(num(doc, "teams.0.headcount.total"), 6, 1e-9);
	assert_float_equal(num(doc, "teams.0.agency_rate_fte.value"), 36.4, 1e-9);
	assert_float_equal(num(doc, "teams.0.agency_rate_fte.num"), 2.0, 1e-9);
	assert_float_equal(num(doc, "teams.0.agency_rate_fte.den"), 5.5, 1e-9);
	assert_true(cJSON_IsTrue(get(doc, "teams.0.agency_rate_fte.small")));
	assert_float_equal(num(doc, "teams.0.agency_rate_headcount.value"), 33.3, 1e-9);

	/* a team with nobody in post: "no data", never 0% */
	assert_true(cJSON_IsNull(get(doc, "teams.1.agency_rate_fte.value")));
	assert_float_equal(num(doc, "teams.1.fte.agency"), 0, 1e-9);

	/* service-wide = sum of the teams */
	assert_float_equal(num(doc, "service.fte.permanent"), 3.0, 1e-9);
	assert_float_equal(num(doc, "service.agency_rate_fte.value"), 36.4, 1e-9);
	cJSON_Delete(doc);
}

static void nothing_uploaded_yet(void **state)
{
	(void)state;
	struct summary s;
	memset(&s, 0, sizeof s);
	char *json = summary_to_json(&s, 0);
	assert_non_null(json);
	cJSON *doc = cJSON_Parse(json);
	free(json);
	assert_true(cJSON_IsNull(get(doc, "as_of")));
	assert_int_equal(cJSON_GetArraySize(get(doc, "teams")), 0);
	assert_true(cJSON_IsNull(get(doc, "service.agency_rate_fte.value")));
	assert_string_equal(get(doc, "service.agency_rate_fte.missing")->valuestring, "nobody in post");
	assert_string_equal(get(doc, "service.vacancy_rate.missing")->valuestring, "no establishment set");
	assert_float_equal(num(doc, "service.headcount.total"), 0, 1e-9);
	cJSON_Delete(doc);
}

static void fte_sums_are_rounded_for_display(void **state)
{
	(void)state;
	struct summary s;
	memset(&s, 0, sizeof s);
	struct team_figures *t = summary_add_team(&s, 7, "P", "Part-timers", "x");
	assert_non_null(t);
	/* 0.1 + 0.2 is 0.30000000000000004 in binary: shown as 0.3 */
	t->c.w.fte[CONTRACT_PERMANENT] = 0.1 + 0.2;
	t->c.w.heads[CONTRACT_PERMANENT] = 2;
	char *json = summary_to_json(&s, 0);
	summary_free(&s);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"permanent\":0.3,"));
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(document_for_two_teams),
		cmocka_unit_test(nothing_uploaded_yet),
		cmocka_unit_test(fte_sums_are_rounded_for_display),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
