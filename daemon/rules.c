/*
 * rules.c -- alert rules (see rules.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"

static const struct rule_figure figures[] = {
	{ "agency_rate_fte", "Agency rate (FTE)", "percent", ALERT_HIGHER_WORSE },
	{ "agency_rate_headcount", "Agency rate (headcount)", "percent", ALERT_HIGHER_WORSE },
	{ "vacancy_rate", "Vacancy rate", "percent", ALERT_HIGHER_WORSE },
	{ "turnover_rate", "Turnover rate", "percent", ALERT_HIGHER_WORSE },
	{ "stability_index", "Stability index", "percent", ALERT_LOWER_WORSE },
	{ "average_caseload", "Average caseload", "per_fte", ALERT_HIGHER_WORSE },
	{ "absence_rate", "Absence rate", "percent", ALERT_HIGHER_WORSE },
	{ "caseload_churn", "Caseload churn", "per_case", ALERT_HIGHER_WORSE },
	{ "children_3plus_workers", "Children with 3+ workers", "percent", ALERT_HIGHER_WORSE },
};

#define NFIG (sizeof figures / sizeof figures[0])

const struct rule_figure *rules_figure(const char *key)
{
	for (size_t i = 0; i < NFIG; i++)
		if (!strcmp(figures[i].key, key))
			return &figures[i];
	return NULL;
}

const struct rule_figure *rules_figure_at(size_t i)
{
	return i < NFIG ? &figures[i] : NULL;
}

/* enabled, direction, amber, amber_clear, red, red_clear, min_den, pending, notify_nodata */
static const struct rule defaults[] = {
	{ "agency_rate_fte", "", { 1, ALERT_HIGHER_WORSE, 20, 18, 30, 27, 5, 1, 0 } },
	{ "vacancy_rate", "", { 1, ALERT_HIGHER_WORSE, 15, 13, 25, 22, 5, 1, 0 } },
	{ "turnover_rate", "", { 1, ALERT_HIGHER_WORSE, 15, 13, 25, 22, 5, 1, 0 } },
	{ "stability_index", "", { 1, ALERT_LOWER_WORSE, 80, 82, 70, 73, 5, 1, 0 } },
	{ "average_caseload", "", { 1, ALERT_HIGHER_WORSE, 18, 17, 22, 20, 2, 1, 0 } },
	{ "caseload_churn", "", { 1, ALERT_HIGHER_WORSE, 0.5, 0.45, 1.0, 0.9, 10, 1, 0 } },
};

const struct rule *rules_defaults(size_t *n)
{
	*n = sizeof defaults / sizeof defaults[0];
	return defaults;
}

static int team_ok(const char *t)
{
	size_t n = strlen(t);
	if (n > RULE_TEAM_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

int rules_validate(const struct rule *r, struct errlist *errs)
{
	size_t before = errs->n;
	const struct rule_figure *f = rules_figure(r->figure);
	const struct alert_rule *a = &r->r;
	if (!f)
		errlist_add(errs, 0, "figure", r->figure, "not a figure alerts can be set on");
	if (!team_ok(r->team))
		errlist_add(errs, 0, "team", NULL, "a team code of at most 64 printable characters");
	if (a->direction != ALERT_HIGHER_WORSE && a->direction != ALERT_LOWER_WORSE)
		errlist_add(errs, 0, "direction", NULL, "higher_is_worse or lower_is_worse");
	const double v[4] = { a->amber, a->amber_clear, a->red, a->red_clear };
	static const char *const names[4] = { "amber", "amber_clear", "red", "red_clear" };
	int finite = 1;
	for (int i = 0; i < 4; i++)
		if (!isfinite(v[i]) || fabs(v[i]) > 1e6) {
			errlist_add(errs, 0, names[i], NULL, "must be a number");
			finite = 0;
		}
	if (finite && (a->direction == ALERT_HIGHER_WORSE || a->direction == ALERT_LOWER_WORSE)) {
		double d = a->direction;
		const char *worse = d > 0 ? "above" : "below", *better = d > 0 ? "at or below" : "at or above";
		if (!(a->red * d > a->amber * d))
			errlist_add(errs, 0, "red", NULL, "the red level must be %s the amber level", worse);
		if (!(a->amber_clear * d <= a->amber * d))
			errlist_add(errs, 0, "amber_clear", NULL, "the amber clear level must be %s the amber level",
				    better);
		if (!(a->red_clear * d <= a->red * d))
			errlist_add(errs, 0, "red_clear", NULL, "the red clear level must be %s the red level",
				    better);
		if (!(a->red_clear * d >= a->amber_clear * d))
			errlist_add(errs, 0, "red_clear", NULL,
				    "the red clear level must not be on the better side of the amber clear level");
	}
	if (!isfinite(a->min_den) || a->min_den < 0 || a->min_den > 1e6)
		errlist_add(errs, 0, "min_den", NULL, "a number from 0 up (0 = no minimum)");
	if (a->pending < 1 || a->pending > 24)
		errlist_add(errs, 0, "pending", NULL, "a whole number of reference dates from 1 to 24");
	return errs->n == before ? 0 : -1;
}

const struct rule *rules_resolve(const struct rule *rules, size_t n, const char *figure, const char *team)
{
	const struct rule *def = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rules[i].figure, figure))
			continue;
		if (team && rules[i].team[0] && !strcmp(rules[i].team, team))
			return &rules[i];
		if (!rules[i].team[0])
			def = &rules[i];
	}
	return def;
}

const char *rules_direction_name(enum alert_direction d)
{
	return d == ALERT_LOWER_WORSE ? "lower_is_worse" : "higher_is_worse";
}

static void num_field(const cJSON *o, const char *key, double *out, struct errlist *errs)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return;
	if (!cJSON_IsNumber(v))
		errlist_add(errs, 0, key, NULL, "must be a number");
	else
		*out = v->valuedouble;
}

static void bool_field(const cJSON *o, const char *key, int *out, struct errlist *errs)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return;
	if (!cJSON_IsBool(v))
		errlist_add(errs, 0, key, NULL, "must be true or false");
	else
		*out = cJSON_IsTrue(v);
}

int rules_from_json(const cJSON *o, struct rule *r, struct errlist *errs)
{
	size_t before = errs->n;
	if (!cJSON_IsObject(o)) {
		errlist_add(errs, 0, "", NULL, "a rule must be a JSON object");
		return -1;
	}
	const cJSON *fig = cJSON_GetObjectItemCaseSensitive(o, "figure");
	if (fig) {
		if (!cJSON_IsString(fig) || strlen(fig->valuestring) >= sizeof r->figure)
			errlist_add(errs, 0, "figure", NULL, "must be a figure name, e.g. agency_rate_fte");
		else
			snprintf(r->figure, sizeof r->figure, "%s", fig->valuestring);
	}
	const cJSON *team = cJSON_GetObjectItemCaseSensitive(o, "team");
	if (team) {
		if (cJSON_IsNull(team))
			r->team[0] = '\0';
		else if (!cJSON_IsString(team) || strlen(team->valuestring) > RULE_TEAM_MAX)
			errlist_add(errs, 0, "team", NULL, "a team code, or null for the service-wide default");
		else
			snprintf(r->team, sizeof r->team, "%s", team->valuestring);
	}
	const cJSON *dir = cJSON_GetObjectItemCaseSensitive(o, "direction");
	if (dir) {
		if (cJSON_IsString(dir) && !strcmp(dir->valuestring, "higher_is_worse"))
			r->r.direction = ALERT_HIGHER_WORSE;
		else if (cJSON_IsString(dir) && !strcmp(dir->valuestring, "lower_is_worse"))
			r->r.direction = ALERT_LOWER_WORSE;
		else
			errlist_add(errs, 0, "direction", NULL, "higher_is_worse or lower_is_worse");
	}
	bool_field(o, "enabled", &r->r.enabled, errs);
	bool_field(o, "notify_nodata", &r->r.notify_nodata, errs);
	num_field(o, "amber", &r->r.amber, errs);
	num_field(o, "amber_clear", &r->r.amber_clear, errs);
	num_field(o, "red", &r->r.red, errs);
	num_field(o, "red_clear", &r->r.red_clear, errs);
	num_field(o, "min_den", &r->r.min_den, errs);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "pending");
	if (p) {
		if (!cJSON_IsNumber(p) || p->valuedouble != (double)(int)p->valuedouble)
			errlist_add(errs, 0, "pending", NULL, "a whole number of reference dates from 1 to 24");
		else
			r->r.pending = (int)p->valuedouble;
	}
	if (errs->n != before)
		return -1;
	return rules_validate(r, errs);
}

cJSON *rules_to_json(const struct rule *r)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	if (!cJSON_AddStringToObject(o, "figure", r->figure) ||
	    !(r->team[0] ? cJSON_AddStringToObject(o, "team", r->team) : cJSON_AddNullToObject(o, "team")) ||
	    !cJSON_AddBoolToObject(o, "enabled", r->r.enabled) ||
	    !cJSON_AddStringToObject(o, "direction", rules_direction_name(r->r.direction)) ||
	    !cJSON_AddNumberToObject(o, "amber", r->r.amber) ||
	    !cJSON_AddNumberToObject(o, "amber_clear", r->r.amber_clear) ||
	    !cJSON_AddNumberToObject(o, "red", r->r.red) ||
	    !cJSON_AddNumberToObject(o, "red_clear", r->r.red_clear) ||
	    !cJSON_AddNumberToObject(o, "min_den", r->r.min_den) ||
	    !cJSON_AddNumberToObject(o, "pending", r->r.pending) ||
	    !cJSON_AddBoolToObject(o, "notify_nodata", r->r.notify_nodata)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
