/*
 * metrics.c -- workforce figures from counts (see metrics.h).
 */
#include <math.h>
#include <stdio.h>

#include "metrics.h"

struct rate rate_of(double num, double den)
{
	struct rate r = { num, den, 0, 0.0, 0 };
	if (den > 0) {
		r.has_value = 1;
		r.value = num / den * 100.0;
	}
	r.small = den < METRICS_SMALL_DENOMINATOR;
	return r;
}

double workforce_fte_total(const struct workforce *w)
{
	return w->fte[CONTRACT_PERMANENT] + w->fte[CONTRACT_FIXED_TERM] + w->fte[CONTRACT_AGENCY];
}

long workforce_heads_total(const struct workforce *w)
{
	return w->heads[CONTRACT_PERMANENT] + w->heads[CONTRACT_FIXED_TERM] + w->heads[CONTRACT_AGENCY];
}

void workforce_add(struct workforce *acc, const struct workforce *w)
{
	for (int c = 0; c < CONTRACT_COUNT; c++) {
		acc->fte[c] += w->fte[c];
		acc->heads[c] += w->heads[c];
	}
}

struct rate metrics_agency_rate_fte(const struct workforce *w)
{
	/* A / (A + E), E = permanent + fixed term */
	return rate_of(w->fte[CONTRACT_AGENCY], workforce_fte_total(w));
}

struct rate metrics_agency_rate_heads(const struct workforce *w)
{
	return rate_of((double)w->heads[CONTRACT_AGENCY], (double)workforce_heads_total(w));
}

double metrics_round(double v, int places)
{
	double scale = pow(10.0, places);
	/* nudge by a relative epsilon so 12.25 stored as 12.2499999 still rounds up */
	double x = v * scale;
	x += (x >= 0 ? 1 : -1) * 1e-9 * fmax(1.0, fabs(x));
	return round(x) / scale;
}

/* ---- every figure from counts (docs/metrics.md) ---- */

static double employed_fte(const struct eng_counts *c)
{
	return c->w.fte[CONTRACT_PERMANENT] + c->w.fte[CONTRACT_FIXED_TERM];
}

static struct figure pct(double num, double den, const char *missing_if_zero)
{
	struct figure f = { rate_of(num, den), "percent", NULL };
	if (!f.r.has_value)
		f.missing = missing_if_zero;
	return f;
}

static struct figure missing(const char *why, const char *unit)
{
	struct figure f = { rate_of(0, 0), unit, why };
	return f;
}

struct figure fig_agency_fte(const struct eng_counts *c)
{
	return pct(c->w.fte[CONTRACT_AGENCY], workforce_fte_total(&c->w), "nobody in post");
}

struct figure fig_agency_heads(const struct eng_counts *c)
{
	return pct((double)c->w.heads[CONTRACT_AGENCY], (double)workforce_heads_total(&c->w),
		   "nobody in post");
}

struct figure fig_vacancy(const struct eng_counts *c)
{
	if (!c->teams_with_estab)
		return missing("no establishment set", "percent");
	/* V / (V + E); agency cover does not reduce V */
	return pct(c->vac_fte, c->vac_fte + c->e_estab_fte, "establishment is 0 and nobody employed");
}

struct figure fig_agency_cover(const struct eng_counts *c)
{
	if (!c->teams_with_estab)
		return missing("no establishment set", "percent");
	return pct(c->cover_fte, c->vac_fte, "no vacancies");
}

struct figure fig_turnover(const struct eng_counts *c)
{
	return pct(c->leavers_fte, employed_fte(c), "no employees in post");
}

struct figure fig_stability(const struct eng_counts *c)
{
	if (!c->have_year_ago)
		return missing("no roster 12 months before the reference date", "percent");
	return pct((double)c->stab_stayed, (double)c->stab_base, "nobody employed 12 months earlier");
}

struct figure fig_caseload(const struct eng_counts *c)
{
	if (c->caseholding_fte <= 0)
		return missing(c->caseload_known ? "no case-holding workers" : "no caseloads in the roster",
			       "per_fte");
	struct figure f = { rate_of(c->cases, c->caseholding_fte), "per_fte", NULL };
	f.r.value = c->cases / c->caseholding_fte; /* cases per FTE, not a percentage */
	return f;
}

struct figure fig_absence(const struct eng_counts *c)
{
	if (!c->absence_known)
		return missing("no absence data in the roster", "percent");
	double e = employed_fte(c);
	struct figure f = pct(c->absence_days, e * METRICS_WORKING_DAYS, "no employees in post");
	f.r.small = e < METRICS_SMALL_DENOMINATOR;
	return f;
}

struct figure fig_churn(const struct eng_counts *c)
{
	if (!c->have_alloc)
		return missing("no case allocations uploaded", "per_case");
	if (c->cases_open <= 0)
		return missing("no cases open in the window", "per_case");
	struct figure f = { rate_of((double)c->worker_changes, (double)c->cases_open), "per_case", NULL };
	f.r.value = (double)c->worker_changes / (double)c->cases_open;
	return f;
}

struct figure fig_three_plus(const struct eng_counts *c)
{
	if (!c->have_alloc)
		return missing("no case allocations uploaded", "percent");
	return pct((double)c->cases_3plus, (double)c->cases_open, "no cases open in the window");
}

int metrics_warnings(const struct eng_counts *c, metrics_warn_cb add, void *ud)
{
	char msg[256];
	double e = employed_fte(c), a = c->w.fte[CONTRACT_AGENCY];
	if (c->dual_source) {
		snprintf(msg, sizeof msg,
			 "%ld %s in post in two extracts at once (e.g. HR and agency): each is counted twice",
			 c->dual_source, c->dual_source == 1 ? "person is" : "people are");
		if (add(ud, "dual_source", msg) < 0)
			return -1;
	}
	if (c->teams_with_estab && a > c->vac_fte + 1e-6) {
		snprintf(msg, sizeof msg,
			 "agency FTE (%.1f) is more than the vacancies (%.1f): agency staff may be covering "
			 "absence or posts above the establishment", a, c->vac_fte);
		if (add(ud, "agency_above_vacancies", msg) < 0)
			return -1;
	}
	if (c->teams_with_estab && e > c->estab_fte + 1e-6) {
		snprintf(msg, sizeof msg, "employed FTE (%.1f) is above the establishment (%.1f)", e, c->estab_fte);
		if (add(ud, "above_establishment", msg) < 0)
			return -1;
	}
	if (c->teams > 1 && c->teams_with_estab && c->teams_with_estab < c->teams) {
		snprintf(msg, sizeof msg, "establishment set for %d of %d teams: vacancies cover those only",
			 c->teams_with_estab, c->teams);
		if (add(ud, "partial_establishment", msg) < 0)
			return -1;
	}
	long heads = workforce_heads_total(&c->w);
	if (c->caseload_known && c->caseload_known < heads) {
		snprintf(msg, sizeof msg, "caseload missing for %ld of %ld workers in post",
			 heads - c->caseload_known, heads);
		if (add(ud, "caseload_missing", msg) < 0)
			return -1;
	}
	if (c->leavers && c->leavers_fte > (double)c->leavers + 1e-6) {
		snprintf(msg, sizeof msg, "leavers' FTE (%.1f) is more than their headcount (%ld)",
			 c->leavers_fte, c->leavers);
		if (add(ud, "leavers_fte", msg) < 0)
			return -1;
	}
	return 0;
}
