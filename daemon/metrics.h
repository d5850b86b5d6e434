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

/* Round half away from zero to `places` decimals (for presentation). */
double metrics_round(double v, int places);

#endif
