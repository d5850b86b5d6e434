/*
 * metrics.c -- workforce figures from counts (see metrics.h).
 */
#include <math.h>

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
