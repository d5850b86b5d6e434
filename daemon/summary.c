/*
 * summary.c -- building the figures document (see summary.h).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

struct team_figures *summary_add_team(struct summary *s, long id, const char *code,
				      const char *name, const char *area)
{
	if (s->nteams == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct team_figures *t = realloc(s->teams, cap * sizeof *t);
		if (!t)
			return NULL;
		s->teams = t;
		s->cap = cap;
	}
	struct team_figures *t = &s->teams[s->nteams];
	memset(t, 0, sizeof *t);
	t->id = id;
	t->code = strdup(code);
	t->name = strdup(name);
	t->area = strdup(area ? area : "");
	if (!t->code || !t->name || !t->area) {
		free(t->code);
		free(t->name);
		free(t->area);
		return NULL;
	}
	s->nteams++;
	return t;
}

void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->nteams; i++) {
		free(s->teams[i].code);
		free(s->teams[i].name);
		free(s->teams[i].area);
	}
	free(s->teams);
	memset(s, 0, sizeof *s);
}

static cJSON *rate_json(struct rate r, int fte)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *v = r.has_value ? cJSON_CreateNumber(metrics_round(r.value, 1)) : cJSON_CreateNull();
	if (!o || !v)
		goto fail;
	if (!cJSON_AddItemToObject(o, "value", v))
		goto fail;
	v = NULL; /* owned by o now */
	if (!cJSON_AddNumberToObject(o, "num", fte ? metrics_round(r.num, 2) : r.num) ||
	    !cJSON_AddNumberToObject(o, "den", fte ? metrics_round(r.den, 2) : r.den) ||
	    !cJSON_AddBoolToObject(o, "small", r.small))
		goto fail;
	return o;
fail:
	cJSON_Delete(v);
	cJSON_Delete(o);
	return NULL;
}

/* Adds fte, headcount and the agency rates of `w` to `o`.  0 or -1. */
static int add_figures(cJSON *o, const struct workforce *w)
{
	static const char *const keys[CONTRACT_COUNT] = { "permanent", "fixed_term", "agency" };
	cJSON *fte = cJSON_AddObjectToObject(o, "fte");
	cJSON *heads = cJSON_AddObjectToObject(o, "headcount");
	if (!fte || !heads)
		return -1;
	for (int c = 0; c < CONTRACT_COUNT; c++) {
		if (!cJSON_AddNumberToObject(fte, keys[c], metrics_round(w->fte[c], 2)) ||
		    !cJSON_AddNumberToObject(heads, keys[c], (double)w->heads[c]))
			return -1;
	}
	if (!cJSON_AddNumberToObject(fte, "total", metrics_round(workforce_fte_total(w), 2)) ||
	    !cJSON_AddNumberToObject(heads, "total", (double)workforce_heads_total(w)))
		return -1;
	cJSON *rf = rate_json(metrics_agency_rate_fte(w), 1);
	if (!rf || !cJSON_AddItemToObject(o, "agency_rate_fte", rf)) {
		cJSON_Delete(rf);
		return -1;
	}
	cJSON *rh = rate_json(metrics_agency_rate_heads(w), 0);
	if (!rh || !cJSON_AddItemToObject(o, "agency_rate_headcount", rh)) {
		cJSON_Delete(rh);
		return -1;
	}
	return 0;
}

char *summary_to_json(const struct summary *s, time_t generated_at)
{
	char *out = NULL;
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;

	char when[32];
	struct tm tm;
	gmtime_r(&generated_at, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);

	cJSON *asof = s->as_of[0] ? cJSON_CreateString(s->as_of) : cJSON_CreateNull();
	if (!asof || !cJSON_AddItemToObject(root, "as_of", asof)) {
		cJSON_Delete(asof);
		goto fail;
	}
	if (!cJSON_AddStringToObject(root, "generated_at", when))
		goto fail;

	struct workforce all;
	memset(&all, 0, sizeof all);
	cJSON *teams = cJSON_CreateArray();
	if (!teams || !cJSON_AddItemToObject(root, "teams", teams)) {
		cJSON_Delete(teams);
		goto fail;
	}
	for (size_t i = 0; i < s->nteams; i++) {
		const struct team_figures *t = &s->teams[i];
		workforce_add(&all, &t->w);
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(teams, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		if (!cJSON_AddNumberToObject(o, "id", (double)t->id) ||
		    !cJSON_AddStringToObject(o, "code", t->code) ||
		    !cJSON_AddStringToObject(o, "name", t->name) ||
		    !cJSON_AddStringToObject(o, "area", t->area) ||
		    add_figures(o, &t->w) < 0)
			goto fail;
	}
	cJSON *service = cJSON_AddObjectToObject(root, "service");
	if (!service || add_figures(service, &all) < 0)
		goto fail;

	out = cJSON_PrintUnformatted(root);
fail:
	cJSON_Delete(root);
	return out;
}
