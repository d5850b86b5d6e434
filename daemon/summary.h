/*
 * summary.c -- the figures document served by GET /api/v1/summary and pushed
 * to every wall display: per team and service-wide workforce counts and
 * rates, as JSON (docs/api.md).  Pure: the caller fills the counts from the
 * database.
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
	struct workforce w;
};

struct summary {
	char as_of[11];      /* "" when nothing has been uploaded */
	struct team_figures *teams;
	size_t nteams, cap;
};

/* Appends a team (strings copied).  Returns the new entry or NULL (ENOMEM). */
struct team_figures *summary_add_team(struct summary *s, long id, const char *code,
				      const char *name, const char *area);
void summary_free(struct summary *s);

/* The JSON document; malloc'd string or NULL (ENOMEM). */
char *summary_to_json(const struct summary *s, time_t generated_at);

#endif
