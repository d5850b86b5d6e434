/*
 * engine_bench -- the figures engine at a large county's scale: 4,000 staff
 * rows per snapshot, 60 monthly snapshots (HR and agency extracts), 50 teams.
 * Times (a) the full recompute of every figure for every team and month
 * (60 month ends, each with its own 12-month window) and (b) the one month an
 * upload of the newest snapshot touches, against a reference measured in the
 * same run: one plain pass summing FTE by team and contract over a copy of
 * every row (the least any engine must read).  Prints ratios; no pass/fail.
 *   usage: engine_bench [repetitions]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dates.h"
#include "engine.h"

#define STAFF 4000
#define MONTHS 60
#define TEAMS 50
#define AREAS 6

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long rng = 88172645463325252UL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;
	struct engine *e = engine_new();
	int area[TEAMS];
	for (int t = 0; t < TEAMS; t++)
		area[t] = t % AREAS;
	if (!e || engine_set_teams(e, TEAMS, area, AREAS) < 0)
		return 1;

	/* a workforce that turns over ~1.2% a month, 15% agency */
	int person[STAFF], team[STAFF], contract[STAFF];
	int next_key = 0;
	for (int i = 0; i < STAFF; i++) {
		person[i] = next_key++;
		team[i] = rnd(TEAMS);
		contract[i] = rnd(100) < 15 ? CONTRACT_AGENCY : rnd(100) < 8 ? CONTRACT_FIXED_TERM : CONTRACT_PERMANENT;
	}
	int month_end[MONTHS];
	long rows = 0, id = 1;
	struct eng_row *copy = malloc(sizeof *copy * (size_t)STAFF * MONTHS);
	if (!copy)
		return 1;
	for (int m = 0; m < MONTHS; m++) {
		int y = 2021 + (m + 9) / 12, mo = (m + 9) % 12 + 1;
		month_end[m] = (int)date_to_days(y, mo, date_days_in_month(y, mo));
		for (int i = 0; i < STAFF; i++) {
			if (rnd(1000) < 12) {          /* a leaver replaced by a new starter */
				person[i] = next_key++;
				contract[i] = rnd(100) < 15 ? CONTRACT_AGENCY : CONTRACT_PERMANENT;
			}
			if (rnd(1000) < 5)             /* a move between teams */
				team[i] = rnd(TEAMS);
		}
		long hr = id++, ag = id++;
		if (engine_add_batch(e, hr, 0, month_end[m]) < 0 || engine_add_batch(e, ag, 1, month_end[m]) < 0)
			return 1;
		for (int i = 0; i < STAFF; i++) {
			struct eng_row r = { person[i], team[i], (unsigned char)contract[i],
					     rnd(10) < 2 ? 0.6f : 1.0f, (int)rnd(25), ENG_NO_START, ENG_NO_END,
					     (float)rnd(20) };
			if (engine_add_row(e, contract[i] == CONTRACT_AGENCY ? ag : hr, &r) < 0)
				return 1;
			copy[rows++] = r;
		}
	}
	int t_idx[TEAMS], from[TEAMS];
	double fte[TEAMS];
	for (int t = 0; t < TEAMS; t++) {
		t_idx[t] = t;
		from[t] = month_end[0];
		fte[t] = 85.0;
	}
	engine_set_establishment(e, TEAMS, t_idx, from, fte);

	double best_ref = 1e9, best_full = 1e9, best_one = 1e9;
	volatile double sink = 0;
	for (int rep = 0; rep < reps; rep++) {
		/* reference: one pass over a plain copy of every row */
		double t0 = now();
		double by[TEAMS][CONTRACT_COUNT] = { { 0 } };
		for (long i = 0; i < rows; i++)
			by[copy[i].team][copy[i].contract] += copy[i].fte;
		double sum = by[rnd(TEAMS)][0];
		double t1 = now();
		if (t1 - t0 < best_ref)
			best_ref = t1 - t0;

		t0 = now();
		for (int m = 0; m < MONTHS; m++) {
			struct eng_result r;
			if (engine_compute(e, month_end[m], eng_year_before(month_end[m]) + 1, &r) < 0)
				return 1;
			sum += r.service.leavers_fte;
			eng_result_free(&r);
		}
		t1 = now();
		if (t1 - t0 < best_full)
			best_full = t1 - t0;

		t0 = now();
		struct eng_result r;
		if (engine_compute(e, month_end[MONTHS - 1], eng_year_before(month_end[MONTHS - 1]) + 1, &r) < 0)
			return 1;
		sum += r.service.starters_fte;
		eng_result_free(&r);
		t1 = now();
		if (t1 - t0 < best_one)
			best_one = t1 - t0;
		sink += sum;
	}
	free(copy);
	engine_free(e);
	printf("engine_bench: %ld rows (%d staff x %d monthly snapshots, 2 sources), %d teams, best of %d\n",
	       rows, STAFF, MONTHS, TEAMS, reps);
	printf("  reference: one pass summing FTE over all rows:           %8.2f ms\n", best_ref * 1e3);
	printf("  full recompute, %d months x every team:               %8.2f ms  (%.0fx reference)\n",
	       MONTHS, best_full * 1e3, best_full / best_ref);
	printf("  one month (what an upload of the newest snapshot costs): %8.2f ms  (%.1fx reference)\n",
	       best_one * 1e3, best_one / best_ref);
	return sink < 0;
}
