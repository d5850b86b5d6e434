/*
 * engine.c -- the workforce figures engine.  Holds the roster snapshots
 * (batches of rows, by source and as-of date) and the establishment history
 * as compact arrays, and computes, for any reference date and window, the
 * counts behind every figure per team, per service area and service-wide:
 * headcount and FTE by contract, establishment and vacancies, starters,
 * leavers, team exits, stability, caseload and absence.  Pure: the caller
 * loads the data from PostgreSQL; metrics.c turns counts into rates.
 * Dates are days since 1970-01-01 (dates.h).
 */
#ifndef STEADY_ENGINE_H
#define STEADY_ENGINE_H

#include <limits.h>
#include <stddef.h>

#include "metrics.h"

#define ENG_NO_START INT_MIN
#define ENG_NO_END INT_MAX

struct eng_row {
	int staff;           /* the person's key (>= 0), the same in every batch and source */
	int team;            /* team index (engine_set_teams order) */
	unsigned char contract;
	float fte;
	int caseload;        /* -1 unknown */
	int start;           /* ENG_NO_START when unknown */
	int end;             /* ENG_NO_END when none */
	float absence;       /* days lost; -1 unknown */
};

struct eng_result {
	int date, from;
	size_t nteams, nareas;
	struct eng_counts *team;     /* [nteams] */
	struct eng_counts *area;     /* [nareas] */
	struct eng_counts service;
};

struct engine;

struct engine *engine_new(void);
void engine_free(struct engine *e);

/* Teams in display order; area[i] is the team's area index (0..nareas-1) or -1. */
int engine_set_teams(struct engine *e, size_t nteams, const int *area, size_t nareas);
size_t engine_team_count(const struct engine *e);

/* Batches: add (rows follow with engine_add_row), remove, test. */
int engine_add_batch(struct engine *e, long id, int source, int as_of);
int engine_add_row(struct engine *e, long batch_id, const struct eng_row *row);
void engine_remove_batch(struct engine *e, long id);
int engine_has_batch(const struct engine *e, long id);
/* as_of of a batch held, or INT_MIN. */
int engine_batch_as_of(const struct engine *e, long id);
/* Ids of all batches held, for syncing with the database; *n set. Caller frees. */
long *engine_batch_ids(const struct engine *e, size_t *n);
/* Latest as_of of any batch, or INT_MIN when there is none. */
int engine_latest(const struct engine *e);
/* Earliest as_of of any batch, or INT_MIN. */
int engine_earliest(const struct engine *e);

/* Replace the establishment history: `n` entries (team index, effective-from day, FTE). */
int engine_set_establishment(struct engine *e, size_t n, const int *team, const int *from,
			     const double *fte);

/* Counts at reference date `date` with window [from, date].  0 or -1 (ENOMEM). */
int engine_compute(const struct engine *e, int date, int from, struct eng_result *out);
void eng_result_free(struct eng_result *r);

/* The same day 12 months earlier (29 Feb -> 28 Feb). */
int eng_year_before(int day);
/* Last day of the month containing `day`. */
int eng_month_end(int day);

#endif
