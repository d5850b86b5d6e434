/*
 * Unit tests for engine.c + metrics.c: every roster figure on one scenario,
 * computed by hand (the same scenario is the worked example in docs/metrics.md).
 *
 * Teams: A (index 0, area "Front door"), B (1, "Front door"), C (2, no area).
 * Sources: hr = 0, agency = 1.  Reference date 2026-09-30, DfE window
 * 2025-10-01..2026-09-30; window start check and "12 months earlier" are both
 * 2025-09-30.
 *
 *  hr 2025-09-30:      s1 A perm 1.0 | s2 A perm 1.0 | s3 A perm 0.5 | s4 B perm 1.0 | s5 B fixed 1.0
 *  agency 2025-09-30:  s6 A agency 1.0 | s9 B agency 1.0
 *  hr 2026-09-30:      s1 A perm (18 cases, 5 days absent) | s2 B perm (moved; 15 cases, 2 days)
 *                      s4 B perm (0 cases) | s5 B fixed, leaves ON the reference date
 *                      s6 A perm from 2026-03-01 (was agency; 12 cases, 10 days)
 *                      s7 A perm 0.8, 2026-01-15..2026-06-30 (starter who left) | s8 C perm from 2026-05-01
 *  agency 2026-09-30:  s9 B agency (10 cases) | s10 A agency from 2026-07-01 (20 cases)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "dates.h"
#include "engine.h"

enum { A, B, C };
#define D(y, m, d) ((int)date_to_days(y, m, d))

static void row(struct engine *e, long batch, int staff, int team, enum contract c, float fte,
		int caseload, int start, int end, float absence)
{
	struct eng_row r = { staff, team, (unsigned char)c, fte, caseload, start, end, absence };
	assert_int_equal(engine_add_row(e, batch, &r), 0);
}

#define NS ENG_NO_START
#define NE ENG_NO_END

static struct engine *scenario(void)
{
	struct engine *e = engine_new();
	int area[3] = { 0, 0, -1 };
	assert_non_null(e);
	assert_int_equal(engine_set_teams(e, 3, area, 1), 0);

	assert_int_equal(engine_add_batch(e, 1, 0, D(2025, 9, 30)), 0);
	row(e, 1, 1, A, CONTRACT_PERMANENT, 1.0f, -1, NS, NE, -1);
	row(e, 1, 2, A, CONTRACT_PERMANENT, 1.0f, -1, NS, NE, -1);
	row(e, 1, 3, A, CONTRACT_PERMANENT, 0.5f, -1, NS, NE, -1);
	row(e, 1, 4, B, CONTRACT_PERMANENT, 1.0f, -1, NS, NE, -1);
	row(e, 1, 5, B, CONTRACT_FIXED_TERM, 1.0f, -1, NS, NE, -1);
	assert_int_equal(engine_add_batch(e, 4, 1, D(2025, 9, 30)), 0);
	row(e, 4, 6, A, CONTRACT_AGENCY, 1.0f, -1, NS, NE, -1);
	row(e, 4, 9, B, CONTRACT_AGENCY, 1.0f, -1, NS, NE, -1);

	assert_int_equal(engine_add_batch(e, 2, 0, D(2026, 9, 30)), 0);
	row(e, 2, 1, A, CONTRACT_PERMANENT, 1.0f, 18, NS, NE, 5);
	row(e, 2, 2, B, CONTRACT_PERMANENT, 1.0f, 15, NS, NE, 2);
	row(e, 2, 4, B, CONTRACT_PERMANENT, 1.0f, 0, NS, NE, -1);
	row(e, 2, 5, B, CONTRACT_FIXED_TERM, 1.0f, -1, NS, D(2026, 9, 30), -1);
	row(e, 2, 6, A, CONTRACT_PERMANENT, 1.0f, 12, D(2026, 3, 1), NE, 10);
	row(e, 2, 7, A, CONTRACT_PERMANENT, 0.8f, -1, D(2026, 1, 15), D(2026, 6, 30), -1);
	row(e, 2, 8, C, CONTRACT_PERMANENT, 1.0f, -1, D(2026, 5, 1), NE, -1);
	assert_int_equal(engine_add_batch(e, 3, 1, D(2026, 9, 30)), 0);
	row(e, 3, 9, B, CONTRACT_AGENCY, 1.0f, 10, NS, NE, -1);
	row(e, 3, 10, A, CONTRACT_AGENCY, 1.0f, 20, D(2026, 7, 1), NE, -1);

	int team[3] = { A, A, C };
	int from[3] = { D(2025, 1, 1), D(2026, 4, 1), D(2026, 1, 1) };
	double fte[3] = { 3.0, 4.0, 1.0 };
	assert_int_equal(engine_set_establishment(e, 3, team, from, fte), 0);
	return e;
}

static double val(struct figure f)
{
	assert_true(f.r.has_value);
	return metrics_round(f.r.value, 1);
}

static void in_post_and_agency_rate(void **state)
{
	(void)state;
	struct engine *e = scenario();
	struct eng_result r;
	assert_int_equal(engine_compute(e, D(2026, 9, 30), D(2025, 10, 1), &r), 0);
	/* A: s1, s6 permanent + s10 agency (s7 left in June) */
	assert_float_equal(r.team[A].w.fte[CONTRACT_PERMANENT], 2.0, 1e-6);
	assert_int_equal(r.team[A].w.heads[CONTRACT_AGENCY], 1);
	/* B: s2, s4 permanent + s9 agency; s5 left on the reference date itself */
	assert_int_equal(r.team[B].w.heads[CONTRACT_FIXED_TERM], 0);
	assert_float_equal(val(fig_agency_fte(&r.team[A])), 33.3, 1e-9);
	/* service: 2 agency of 7 FTE = 28.57% */
	assert_float_equal(val(fig_agency_fte(&r.service)), 28.6, 1e-9);
	assert_int_equal(workforce_heads_total(&r.service.w), 7);
	eng_result_free(&r);
	engine_free(e);
}

static void starters_leavers_exits_turnover(void **state)
{
	(void)state;
	struct engine *e = scenario();
	struct eng_result r;
	assert_int_equal(engine_compute(e, D(2026, 9, 30), D(2025, 10, 1), &r), 0);
	/* leavers: s3 (A 0.5, gone from the roster), s7 (A 0.8, starter who left), s5 (B 1.0, on the day) */
	assert_int_equal(r.team[A].leavers, 2);
	assert_float_equal(r.team[A].leavers_fte, 1.3, 1e-6);
	assert_int_equal(r.team[B].leavers, 1);
	assert_float_equal(r.team[B].leavers_fte, 1.0, 1e-6);
	assert_int_equal(r.service.leavers, 3);
	/* starters: s6 (agency -> permanent), s7 in A; s8 in C */
	assert_int_equal(r.team[A].starters, 2);
	assert_float_equal(r.team[A].starters_fte, 1.8, 1e-6);
	assert_int_equal(r.team[C].starters, 1);
	assert_int_equal(r.team[B].starters, 0); /* s2 moved in: a move is not a start */
	/* team exits: s2 moved A -> B, counted apart from turnover */
	assert_int_equal(r.team[A].exits, 1);
	assert_float_equal(r.team[A].exits_fte, 1.0, 1e-6);
	assert_int_equal(r.team[B].exits, 0);
	/* turnover = leavers FTE / employed FTE at the end: A 1.3/2.0, B 1.0/2.0, C 0/1, all 2.3/5.0 */
	assert_float_equal(val(fig_turnover(&r.team[A])), 65.0, 1e-9);
	assert_float_equal(val(fig_turnover(&r.team[B])), 50.0, 1e-9);
	assert_float_equal(val(fig_turnover(&r.team[C])), 0.0, 1e-9);
	assert_float_equal(val(fig_turnover(&r.service)), 46.0, 1e-9);
	eng_result_free(&r);
	engine_free(e);
}

static void stability(void **state)
{
	(void)state;
	struct engine *e = scenario();
	struct eng_result r;
	assert_int_equal(engine_compute(e, D(2026, 9, 30), D(2025, 10, 1), &r), 0);
	/* employed 12 months earlier: s1 s2 s3 (A), s4 s5 (B) */
	assert_int_equal(r.team[A].stab_base, 3);
	assert_int_equal(r.team[A].stab_stayed, 1);  /* s1; s2 left the team */
	assert_float_equal(val(fig_stability(&r.team[A])), 33.3, 1e-9);
	assert_float_equal(val(fig_stability(&r.team[B])), 50.0, 1e-9);  /* s4 of s4, s5 */
	/* the service keeps s1, s2 (moved within it) and s4: 3 of 5 */
	assert_float_equal(val(fig_stability(&r.service)), 60.0, 1e-9);
	/* area "Front door" (A + B): s2's move stays inside it */
	assert_int_equal(r.area[0].stab_base, 5);
	assert_int_equal(r.area[0].stab_stayed, 3);
	eng_result_free(&r);
	engine_free(e);
}

static void vacancies_and_cover(void **state)
{
	(void)state;
	struct engine *e = scenario();
	struct eng_result r;
	assert_int_equal(engine_compute(e, D(2026, 9, 30), D(2025, 10, 1), &r), 0);
	/* A: establishment 4.0 from April (not the older 3.0); E 2.0 -> V 2.0 -> 2/(2+2) */
	assert_float_equal(r.team[A].estab_fte, 4.0, 1e-9);
	assert_float_equal(val(fig_vacancy(&r.team[A])), 50.0, 1e-9);
	/* cover = min(A 1.0, V 2.0) / V 2.0 */
	assert_float_equal(val(fig_agency_cover(&r.team[A])), 50.0, 1e-9);
	/* B has no establishment: missing, never 0% */
	struct figure fb = fig_vacancy(&r.team[B]);
	assert_false(fb.r.has_value);
	assert_string_equal(fb.missing, "no establishment set");
	/* C: 1.0 funded, 1.0 employed: 0% vacancy, cover has no vacancies to cover */
	assert_float_equal(val(fig_vacancy(&r.team[C])), 0.0, 1e-9);
	assert_string_equal(fig_agency_cover(&r.team[C]).missing, "no vacancies");
	/* service over the teams with an establishment (A, C): V 2.0, E 3.0 -> 40% */
	assert_float_equal(val(fig_vacancy(&r.service)), 40.0, 1e-9);
	assert_int_equal(r.service.teams_with_estab, 2);
	eng_result_free(&r);

	/* in March the older establishment (3.0) applied */
	assert_int_equal(engine_compute(e, D(2026, 3, 31), D(2025, 4, 1), &r), 0);
	assert_float_equal(r.team[A].estab_fte, 3.0, 1e-9);
	eng_result_free(&r);
	engine_free(e);
}

static void caseload_and_absence(void **state)
{
	(void)state;
	struct engine *e = scenario();
	struct eng_result r;
	assert_int_equal(engine_compute(e, D(2026, 9, 30), D(2025, 10, 1), &r), 0);
	/* A: (18 + 12 + 20 agency) / 3.0 case-holding FTE = 16.67 */
	assert_float_equal(val(fig_caseload(&r.team[A])), 16.7, 1e-9);
	/* B: (15 + 0 + 10) / 2.0 (s4 holds no cases) = 12.5 */
	assert_float_equal(val(fig_caseload(&r.team[B])), 12.5, 1e-9);
	assert_string_equal(fig_caseload(&r.team[C]).missing, "no caseloads in the roster");
	/* service 75 / 5.0 */
	assert_float_equal(val(fig_caseload(&r.service)), 15.0, 1e-9);
	/* absence A: 15 days / (2.0 x 253) = 2.96% ; B: 2 / 506 = 0.40% */
	assert_float_equal(val(fig_absence(&r.team[A])), 3.0, 1e-9);
	assert_float_equal(val(fig_absence(&r.team[B])), 0.4, 1e-9);
	assert_string_equal(fig_absence(&r.team[C]).missing, "no absence data in the roster");
	eng_result_free(&r);
	engine_free(e);
}

static void no_roster_a_year_before(void **state)
{
	(void)state;
	struct engine *e = scenario();
	struct eng_result r;
	/* at 2025-09-30 nothing exists 12 months earlier */
	assert_int_equal(engine_compute(e, D(2025, 9, 30), D(2024, 10, 1), &r), 0);
	assert_string_equal(fig_stability(&r.service).missing, "no roster 12 months before the reference date");
	/* without a roster at the window start, starters come from start dates only (none here) */
	assert_int_equal(r.service.starters, 0);
	eng_result_free(&r);
	engine_free(e);
}

static void reverting_a_snapshot(void **state)
{
	(void)state;
	struct engine *e = scenario();
	struct eng_result r;
	/* drop the 2026 agency extract: the 2025 one is in force again (s6 agency in A, s9 in B) */
	engine_remove_batch(e, 3);
	assert_false(engine_has_batch(e, 3));
	assert_int_equal(engine_compute(e, D(2026, 9, 30), D(2025, 10, 1), &r), 0);
	assert_int_equal(r.team[A].w.heads[CONTRACT_AGENCY], 1);  /* s6 from 2025 (also permanent in hr) */
	assert_int_equal(r.team[A].dual_source, 1);               /* s6 in both extracts: a warning */
	eng_result_free(&r);
	engine_free(e);
}

static void calendar_helpers(void **state)
{
	(void)state;
	assert_int_equal(eng_year_before(D(2024, 2, 29)), D(2023, 2, 28));
	assert_int_equal(eng_year_before(D(2026, 9, 30)), D(2025, 9, 30));
	assert_int_equal(eng_month_end(D(2026, 2, 3)), D(2026, 2, 28));
	assert_int_equal(eng_month_end(D(2024, 2, 3)), D(2024, 2, 29));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_post_and_agency_rate),
		cmocka_unit_test(starters_leavers_exits_turnover),
		cmocka_unit_test(stability),
		cmocka_unit_test(vacancies_and_cover),
		cmocka_unit_test(caseload_and_absence),
		cmocka_unit_test(no_roster_a_year_before),
		cmocka_unit_test(reverting_a_snapshot),
		cmocka_unit_test(calendar_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
