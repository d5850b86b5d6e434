/*
 * Unit tests for metrics.c: agency-rate arithmetic with hand-computed values
 * (docs/metrics.md has the same worked example).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "metrics.h"

/* Team A of docs/metrics.md: 3 permanent x 1.0, 1 fixed-term x 0.5, 2 agency x 1.0 */
static struct workforce team_a(void)
{
	struct workforce w;
	memset(&w, 0, sizeof w);
	w.fte[CONTRACT_PERMANENT] = 3.0;
	w.heads[CONTRACT_PERMANENT] = 3;
	w.fte[CONTRACT_FIXED_TERM] = 0.5;
	w.heads[CONTRACT_FIXED_TERM] = 1;
	w.fte[CONTRACT_AGENCY] = 2.0;
	w.heads[CONTRACT_AGENCY] = 2;
	return w;
}

static void agency_rate_by_fte(void **state)
{
	(void)state;
	struct workforce w = team_a();
	struct rate r = metrics_agency_rate_fte(&w);
	/* A / (A + E) = 2.0 / (2.0 + 3.5) = 36.3636...% */
	assert_true(r.has_value);
	assert_float_equal(r.num, 2.0, 1e-9);
	assert_float_equal(r.den, 5.5, 1e-9);
	assert_float_equal(r.value, 36.363636, 1e-5);
	assert_float_equal(metrics_round(r.value, 1), 36.4, 1e-9);
	assert_true(r.small); /* 5.5 FTE < 10 */
}

static void agency_rate_by_headcount(void **state)
{
	(void)state;
	struct workforce w = team_a();
	struct rate r = metrics_agency_rate_heads(&w);
	/* 2 agency of 6 heads = 33.33...% */
	assert_float_equal(r.num, 2.0, 1e-9);
	assert_float_equal(r.den, 6.0, 1e-9);
	assert_float_equal(metrics_round(r.value, 1), 33.3, 1e-9);
}

static void no_staff_is_no_data_not_zero(void **state)
{
	(void)state;
	struct workforce w;
	memset(&w, 0, sizeof w);
	struct rate r = metrics_agency_rate_fte(&w);
	assert_false(r.has_value);
	assert_true(r.small);
}

static void all_permanent_is_zero_percent(void **state)
{
	(void)state;
	struct workforce w;
	memset(&w, 0, sizeof w);
	w.fte[CONTRACT_PERMANENT] = 10.0;
	w.heads[CONTRACT_PERMANENT] = 10;
	struct rate r = metrics_agency_rate_fte(&w);
	assert_true(r.has_value);
	assert_float_equal(r.value, 0.0, 1e-12);
	assert_false(r.small); /* exactly 10 is not small */
}

static void half_agency(void **state)
{
	(void)state;
	/* the assessment team of the sample: 6 permanent + 6 agency, all full time */
	struct workforce w;
	memset(&w, 0, sizeof w);
	w.fte[CONTRACT_PERMANENT] = 6.0;
	w.fte[CONTRACT_AGENCY] = 6.0;
	w.heads[CONTRACT_PERMANENT] = 6;
	w.heads[CONTRACT_AGENCY] = 6;
	assert_float_equal(metrics_agency_rate_fte(&w).value, 50.0, 1e-12);
	assert_float_equal(metrics_agency_rate_heads(&w).value, 50.0, 1e-12);
}

static void service_is_the_sum_of_teams(void **state)
{
	(void)state;
	/* team A + team B (4 perm heads 3.6 FTE, 1 agency 0.4) */
	struct workforce all, a = team_a(), b;
	memset(&all, 0, sizeof all);
	memset(&b, 0, sizeof b);
	b.fte[CONTRACT_PERMANENT] = 3.6;
	b.heads[CONTRACT_PERMANENT] = 4;
	b.fte[CONTRACT_AGENCY] = 0.4;
	b.heads[CONTRACT_AGENCY] = 1;
	workforce_add(&all, &a);
	workforce_add(&all, &b);
	/* (2.0 + 0.4) / (5.5 + 4.0) = 2.4 / 9.5 = 25.263% */
	struct rate r = metrics_agency_rate_fte(&all);
	assert_float_equal(r.den, 9.5, 1e-9);
	assert_float_equal(metrics_round(r.value, 1), 25.3, 1e-9);
	assert_int_equal(workforce_heads_total(&all), 11);
	/* heads: 3 agency of 11 = 27.27% */
	assert_float_equal(metrics_round(metrics_agency_rate_heads(&all).value, 1), 27.3, 1e-9);
}

static void rounding_half_away_from_zero(void **state)
{
	(void)state;
	assert_float_equal(metrics_round(12.25, 1), 12.3, 1e-12);
	assert_float_equal(metrics_round(12.24999, 1), 12.2, 1e-12);
	assert_float_equal(metrics_round(0.05, 1), 0.1, 1e-12);
	assert_float_equal(metrics_round(2.675, 2), 2.68, 1e-12); /* 2.675 is 2.67499.. in binary */
	assert_float_equal(metrics_round(-1.25, 1), -1.3, 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agency_rate_by_fte),
		cmocka_unit_test(agency_rate_by_headcount),
		cmocka_unit_test(no_staff_is_no_data_not_zero),
		cmocka_unit_test(all_permanent_is_zero_percent),
		cmocka_unit_test(half_agency),
		cmocka_unit_test(service_is_the_sum_of_teams),
		cmocka_unit_test(rounding_half_away_from_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
