/*
 * Unit tests for rules.c: shipped defaults are valid, validation catches
 * every inconsistent rule, overrides win over defaults, JSON round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "rules.h"

static void defaults_are_valid(void **st)
{
	(void)st;
	size_t n;
	const struct rule *d = rules_defaults(&n);
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		struct errlist e = ERRLIST_INIT;
		assert_int_equal(rules_validate(&d[i], &e), 0);
		assert_int_equal(e.n, 0);
		errlist_free(&e);
		assert_non_null(rules_figure(d[i].figure));
		assert_int_equal(rules_figure(d[i].figure)->direction, d[i].r.direction);
	}
	const struct rule *a = rules_resolve(d, n, "agency_rate_fte", "ASSESS");
	assert_non_null(a);
	assert_true(a->r.amber == 20 && a->r.amber_clear == 18 && a->r.red == 30 && a->r.red_clear == 27);
	assert_int_equal(rules_resolve(d, n, "stability_index", NULL)->r.direction, ALERT_LOWER_WORSE);
}

static int problems(struct rule r, const char *column)
{
	struct errlist e = ERRLIST_INIT;
	int rc = rules_validate(&r, &e);
	int found = 0;
	for (size_t i = 0; i < e.n; i++)
		if (e.v[i].column && !strcmp(e.v[i].column, column))
			found = 1;
	errlist_free(&e);
	return rc == -1 && found;
}

static void validation(void **st)
{
	(void)st;
	struct rule good = { "agency_rate_fte", "", { 1, ALERT_HIGHER_WORSE, 20, 18, 30, 27, 5, 1, 0 } };
	struct rule r = good;
	strcpy(r.figure, "shoe_size");
	assert_true(problems(r, "figure"));
	r = good;
	r.r.red = 15;                              /* red under amber */
	assert_true(problems(r, "red"));
	r = good;
	r.r.amber_clear = 21;                      /* clear above level */
	assert_true(problems(r, "amber_clear"));
	r = good;
	r.r.red_clear = 31;
	assert_true(problems(r, "red_clear"));
	r = good;
	r.r.red_clear = 17;                        /* red clears below where amber clears */
	assert_true(problems(r, "red_clear"));
	r = good;
	r.r.amber = NAN;
	assert_true(problems(r, "amber"));
	r = good;
	r.r.min_den = -1;
	assert_true(problems(r, "min_den"));
	r = good;
	r.r.pending = 0;
	assert_true(problems(r, "pending"));
	r = good;
	r.r.direction = 0;
	assert_true(problems(r, "direction"));
	r = good;
	strcpy(r.team, "A\tB");
	assert_true(problems(r, "team"));
	/* clear == level is allowed (no hysteresis) */
	r = good;
	r.r.amber_clear = 20;
	struct errlist e = ERRLIST_INIT;
	assert_int_equal(rules_validate(&r, &e), 0);
	errlist_free(&e);
	/* lower is worse: mirrored */
	struct rule s = { "stability_index", "", { 1, ALERT_LOWER_WORSE, 80, 82, 70, 73, 5, 1, 0 } };
	assert_int_equal(rules_validate(&s, &e), 0);
	s.r.amber_clear = 78;
	assert_true(problems(s, "amber_clear"));
	errlist_free(&e);
}

static void overrides_win(void **st)
{
	(void)st;
	struct rule set[3] = {
		{ "agency_rate_fte", "", { 1, ALERT_HIGHER_WORSE, 20, 18, 30, 27, 5, 1, 0 } },
		{ "agency_rate_fte", "ASSESS", { 1, ALERT_HIGHER_WORSE, 40, 35, 50, 45, 5, 1, 0 } },
		{ "vacancy_rate", "ASSESS", { 1, ALERT_HIGHER_WORSE, 15, 13, 25, 22, 5, 1, 0 } },
	};
	assert_ptr_equal(rules_resolve(set, 3, "agency_rate_fte", "ASSESS"), &set[1]);
	assert_ptr_equal(rules_resolve(set, 3, "agency_rate_fte", "LAC"), &set[0]);
	assert_ptr_equal(rules_resolve(set, 3, "agency_rate_fte", NULL), &set[0]);
	assert_ptr_equal(rules_resolve(set, 3, "vacancy_rate", "ASSESS"), &set[2]);
	assert_null(rules_resolve(set, 3, "vacancy_rate", "LAC"));
	assert_null(rules_resolve(set, 3, "turnover_rate", "ASSESS"));
}

static void json_round_trip(void **st)
{
	(void)st;
	struct rule r = { "stability_index", "ASSESS", { 1, ALERT_LOWER_WORSE, 80, 82, 70, 73, 5, 2, 1 } };
	cJSON *j = rules_to_json(&r);
	assert_non_null(j);
	struct rule back;
	memset(&back, 0, sizeof back);
	struct errlist e = ERRLIST_INIT;
	assert_int_equal(rules_from_json(j, &back, &e), 0);
	assert_memory_equal(&back.r, &r.r, sizeof r.r);
	assert_string_equal(back.team, "ASSESS");
	cJSON_Delete(j);

	/* partial update keeps the other fields; null team = default */
	cJSON *p = cJSON_Parse("{\"red\": 65, \"red_clear\": 68, \"team\": null}");
	assert_int_equal(rules_from_json(p, &back, &e), 0);
	assert_true(back.r.red == 65 && back.r.amber == 80 && back.team[0] == '\0');
	cJSON_Delete(p);

	/* wrong types and invalid combinations are reported */
	p = cJSON_Parse("{\"amber\": \"20\", \"pending\": 1.5, \"direction\": \"up\", \"enabled\": 1}");
	assert_int_equal(rules_from_json(p, &back, &e), -1);
	assert_int_equal(e.n, 4);
	cJSON_Delete(p);
	errlist_free(&e);
	p = cJSON_Parse("{\"red\": 90}");            /* stability: red 90 is not below amber 80 */
	assert_int_equal(rules_from_json(p, &back, &e), -1);
	cJSON_Delete(p);
	errlist_free(&e);
	assert_int_equal(rules_from_json(NULL, &back, &e), -1);
	errlist_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_valid),
		cmocka_unit_test(validation),
		cmocka_unit_test(overrides_win),
		cmocka_unit_test(json_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
