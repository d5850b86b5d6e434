/*
 * metrics.c -- the workforce figures, as pure arithmetic on counts: agency
 * rate by FTE and by headcount (DfE definition: A / (A + E) x 100, E being
 * permanent plus fixed-term employees in post).  Every rate keeps its
 * numerator and denominator and says when the denominator is too small to
 * trust.  See docs/metrics.md for the formulas with worked examples.
 */
#ifndef STEADY_METRICS_H
#define STEADY_METRICS_H

#include "roster.h"

/* A denominator below this (FTE or heads) marks a rate as "small". */
#define METRICS_SMALL_DENOMINATOR 10.0

struct workforce {
	double fte[CONTRACT_COUNT];     /* indexed by enum contract */
	long heads[CONTRACT_COUNT];
};

struct rate {
	double num;
	double den;
	int has_value;   /* 0 when den == 0: "no data", never 0% */
	double value;    /* percentage, unrounded */
	int small;       /* den < METRICS_SMALL_DENOMINATOR */
};

struct rate rate_of(double num, double den);
double workforce_fte_total(const struct workforce *w);
long workforce_heads_total(const struct workforce *w);
void workforce_add(struct workforce *acc, const struct workforce *w);

struct rate metrics_agency_rate_fte(const struct workforce *w);
struct rate metrics_agency_rate_heads(const struct workforce *w);

/* Counts for one team, one area or the service. */
struct eng_counts {
	struct workforce w;          /* in post at the reference date */
	int teams_with_estab;        /* how many teams behind this have an establishment */
	int teams;                   /* how many teams behind this */
	double estab_fte;            /* sum over teams with an establishment */
	double vac_fte;              /* sum of max(0, establishment - E) per team */
	double e_estab_fte;          /* E of the teams with an establishment */
	double cover_fte;            /* sum of min(A, V) per team */
	double starters_fte, leavers_fte, exits_fte;
	long starters, leavers, exits;
	int have_start;              /* a roster existed at the window start (day before `from`) */
	int have_year_ago;           /* a roster existed 12 months before the reference date */
	long stab_base, stab_stayed; /* heads employed 12 months earlier; of them still in post */
	double cases;                /* caseload sum of workers in post with a known caseload */
	double caseholding_fte;      /* FTE of workers in post with caseload > 0 */
	long caseload_known;         /* workers in post with a known caseload */
	double absence_days;         /* of employees in post with known absence */
	long absence_known;
	long dual_source;            /* people in post in two sources at once (warning) */
	/* from the allocations (filled by the caller; have_alloc = 0 when none in force) */
	int have_alloc;
	long cases_open, worker_changes, cases_3plus;
};

/* A figure: a rate (or a ratio, see unit), or missing with a reason. */
struct figure {
	struct rate r;
	const char *unit;     /* "percent", "per_fte" (cases per FTE) or "per_case" */
	const char *missing;  /* NULL, or why there is no value (r.has_value = 0) */
};

struct figure fig_agency_fte(const struct eng_counts *c);
struct figure fig_agency_heads(const struct eng_counts *c);
struct figure fig_vacancy(const struct eng_counts *c);
struct figure fig_agency_cover(const struct eng_counts *c);
struct figure fig_turnover(const struct eng_counts *c);
struct figure fig_stability(const struct eng_counts *c);
struct figure fig_caseload(const struct eng_counts *c);
struct figure fig_absence(const struct eng_counts *c);
struct figure fig_churn(const struct eng_counts *c);
struct figure fig_three_plus(const struct eng_counts *c);

/* Working days in a year for the absence rate (DfE). */
#define METRICS_WORKING_DAYS 253.0

/* Data-quality warnings: calls `add(ud, code, message)` for each.  0 or -1 when add fails. */
typedef int (*metrics_warn_cb)(void *ud, const char *code, const char *message);
int metrics_warnings(const struct eng_counts *c, metrics_warn_cb add, void *ud);

/* Round half away from zero to `places` decimals (for presentation). */
double metrics_round(double v, int places);

#endif
