/*
 * rules.c -- alert rules, pure: which figures can be alerted on, the rule
 * model (per figure a service-wide default, per team an override), the
 * shipped defaults, validation, resolving the rule for a team, and the JSON
 * form used by the API, the CLI and the database (sql/005_alerts.sql).
 */
#ifndef STEADY_RULES_H
#define STEADY_RULES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "alert.h"
#include "errlist.h"

struct rule_figure {
	const char *key;       /* the FIGURES key in the summary, e.g. "agency_rate_fte" */
	const char *label;     /* for people, e.g. "Agency rate (FTE)" */
	const char *unit;      /* "percent", "per_fte", "per_case" */
	enum alert_direction direction;
};

/* The figures rules may be set on; NULL when `key` is not one. */
const struct rule_figure *rules_figure(const char *key);
const struct rule_figure *rules_figure_at(size_t i);  /* NULL past the end */

#define RULE_TEAM_MAX 64

struct rule {
	char figure[40];
	char team[RULE_TEAM_MAX + 1];  /* "" = the service-wide default */
	struct alert_rule r;
};

/* The shipped service-wide defaults (n set). */
const struct rule *rules_defaults(size_t *n);

/* Problems in `r` go to errs (column = the field).  0 when valid, -1 otherwise. */
int rules_validate(const struct rule *r, struct errlist *errs);

/* The rule that applies to (figure, team): the team's override, else the
 * default for the figure; NULL when neither exists. */
const struct rule *rules_resolve(const struct rule *rules, size_t n, const char *figure, const char *team);

/* JSON object -> rule.  Fields missing in `o` keep their value in *r (so a
 * PUT can start from the current rule or the figure's default).  0 or -1
 * (problems in errs). */
int rules_from_json(const cJSON *o, struct rule *r, struct errlist *errs);
/* {"figure","team"(null = default),"enabled","direction","amber","amber_clear",
 *  "red","red_clear","min_den","pending","notify_nodata"}; NULL on ENOMEM. */
cJSON *rules_to_json(const struct rule *r);

const char *rules_direction_name(enum alert_direction d);  /* "higher_is_worse" | "lower_is_worse" */

#endif
