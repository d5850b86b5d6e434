/*
 * summary.c -- the figures document served by GET /api/v1/summary and pushed
 * to every wall display (docs/api.md): per team, per service area and
 * service-wide, every figure with the counts behind it, data-quality
 * warnings, and the monthly trend.  Pure: the caller fills the counts
 * (engine.c); the arithmetic is metrics.c's.
 */
#ifndef STEADY_SUMMARY_H
#define STEADY_SUMMARY_H

#include <stddef.h>
#include <time.h>

#include "metrics.h"

struct team_figures {
	long id;
	char *code;
	char *name;
	char *area;          /* "" when the team has no service area */
	struct eng_counts c;
};

struct area_figures {
	char *name;
	struct eng_counts c;
};

struct summary {
	char as_of[11];      /* reference date, "" when nothing has been uploaded */
	char from[11];       /* first day of the window, "" when none */
	struct team_figures *teams;
	size_t nteams, cap;
	struct area_figures *areas;
	size_t nareas, acap;
	struct eng_counts service;
	/* trend: nmonths month ends; service[m], team[m * nteams + t] */
	size_t nmonths;
	char (*months)[11];
	struct eng_counts *trend_service;
	struct eng_counts *trend_team;
};

/* Appends a team (strings copied).  Returns the new entry or NULL (ENOMEM). */
struct team_figures *summary_add_team(struct summary *s, long id, const char *code,
				      const char *name, const char *area);
struct area_figures *summary_add_area(struct summary *s, const char *name);
void summary_free(struct summary *s);

/* The JSON document; malloc'd string or NULL (ENOMEM). */
char *summary_to_json(const struct summary *s, time_t generated_at);

/* One team's monthly history: {"team": {...}, "points": [{"month", FIGURES}]}.
 * Uses s->months and s->trend_team for team index `t`.  NULL on ENOMEM. */
char *summary_history_json(const struct summary *s, size_t t);

#endif
