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

struct area_figures *summary_add_area(struct summary *s, const char *name)
{
	if (s->nareas == s->acap) {
		size_t cap = s->acap ? s->acap * 2 : 8;
		struct area_figures *a = realloc(s->areas, cap * sizeof *a);
		if (!a)
			return NULL;
		s->areas = a;
		s->acap = cap;
	}
	struct area_figures *a = &s->areas[s->nareas];
	memset(a, 0, sizeof *a);
	a->name = strdup(name);
	if (!a->name)
		return NULL;
	s->nareas++;
	return a;
}

void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->nteams; i++) {
		free(s->teams[i].code);
		free(s->teams[i].name);
		free(s->teams[i].area);
	}
	for (size_t i = 0; i < s->nareas; i++)
		free(s->areas[i].name);
	free(s->teams);
	free(s->areas);
	free(s->months);
	free(s->trend_service);
	free(s->trend_team);
	memset(s, 0, sizeof *s);
}

/* cJSON helpers that never leak: add `item` to `o` or free it; 0 or -1. */
static int put(cJSON *o, const char *key, cJSON *item)
{
	if (!item)
		return -1;
	if (!cJSON_AddItemToObject(o, key, item)) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}

static int put_num(cJSON *o, const char *key, double v)
{
	return cJSON_AddNumberToObject(o, key, v) ? 0 : -1;
}

static cJSON *figure_json(struct figure f)
{
	int fte_like = strcmp(f.unit, "per_case") != 0;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	if (put(o, "value", f.r.has_value ? cJSON_CreateNumber(metrics_round(f.r.value, strcmp(f.unit, "per_case") ? 1 : 2))
					  : cJSON_CreateNull()) < 0 ||
	    put_num(o, "num", fte_like ? metrics_round(f.r.num, 2) : f.r.num) < 0 ||
	    put_num(o, "den", fte_like ? metrics_round(f.r.den, 2) : f.r.den) < 0 ||
	    put(o, "small", cJSON_CreateBool(f.r.small)) < 0 ||
	    put(o, "unit", cJSON_CreateString(f.unit)) < 0 ||
	    (f.missing && put(o, "missing", cJSON_CreateString(f.missing)) < 0)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *fte_heads(double fte, long heads)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || put_num(o, "fte", metrics_round(fte, 2)) < 0 || put_num(o, "headcount", (double)heads) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int add_warning(void *ud, const char *code, const char *message)
{
	cJSON *w = cJSON_CreateObject();
	if (!w || put(w, "code", cJSON_CreateString(code)) < 0 ||
	    put(w, "message", cJSON_CreateString(message)) < 0 || !cJSON_AddItemToArray(ud, w)) {
		cJSON_Delete(w);
		return -1;
	}
	return 0;
}

/* Adds every figure of `c` to `o`.  0 or -1. */
static int add_figures(cJSON *o, const struct eng_counts *c)
{
	static const char *const keys[CONTRACT_COUNT] = { "permanent", "fixed_term", "agency" };
	const struct workforce *w = &c->w;
	cJSON *fte = cJSON_CreateObject(), *heads = cJSON_CreateObject();
	if (put(o, "fte", fte) < 0 || put(o, "headcount", heads) < 0)
		return -1;
	for (int k = 0; k < CONTRACT_COUNT; k++)
		if (put_num(fte, keys[k], metrics_round(w->fte[k], 2)) < 0 ||
		    put_num(heads, keys[k], (double)w->heads[k]) < 0)
			return -1;
	if (put_num(fte, "total", metrics_round(workforce_fte_total(w), 2)) < 0 ||
	    put_num(heads, "total", (double)workforce_heads_total(w)) < 0)
		return -1;

	if (put(o, "agency_rate_fte", figure_json(fig_agency_fte(c))) < 0 ||
	    put(o, "agency_rate_headcount", figure_json(fig_agency_heads(c))) < 0 ||
	    put(o, "establishment_fte", c->teams_with_estab ? cJSON_CreateNumber(metrics_round(c->estab_fte, 2))
							     : cJSON_CreateNull()) < 0 ||
	    put(o, "vacancies_fte", c->teams_with_estab ? cJSON_CreateNumber(metrics_round(c->vac_fte, 2))
							 : cJSON_CreateNull()) < 0 ||
	    put(o, "vacancy_rate", figure_json(fig_vacancy(c))) < 0 ||
	    put(o, "agency_cover", figure_json(fig_agency_cover(c))) < 0 ||
	    put(o, "starters", fte_heads(c->starters_fte, c->starters)) < 0 ||
	    put(o, "leavers", fte_heads(c->leavers_fte, c->leavers)) < 0 ||
	    put(o, "team_exits", fte_heads(c->exits_fte, c->exits)) < 0 ||
	    put(o, "turnover_rate", figure_json(fig_turnover(c))) < 0 ||
	    put(o, "stability_index", figure_json(fig_stability(c))) < 0 ||
	    put(o, "average_caseload", figure_json(fig_caseload(c))) < 0 ||
	    put(o, "absence_rate", figure_json(fig_absence(c))) < 0 ||
	    put(o, "caseload_churn", figure_json(fig_churn(c))) < 0 ||
	    put(o, "children_3plus_workers", figure_json(fig_three_plus(c))) < 0)
		return -1;
	cJSON *warn = cJSON_CreateArray();
	if (put(o, "warnings", warn) < 0)
		return -1;
	return metrics_warnings(c, add_warning, warn);
}

static cJSON *nullable_string(const char *s)
{
	return s[0] ? cJSON_CreateString(s) : cJSON_CreateNull();
}

typedef struct figure (*fig_fn)(const struct eng_counts *c);

static cJSON *series(const struct eng_counts *base, size_t stride, size_t n, fig_fn fn)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t m = 0; arr && m < n; m++) {
		struct figure f = fn(&base[m * stride]);
		int places = strcmp(f.unit, "per_case") ? 1 : 2;
		cJSON *v = f.r.has_value ? cJSON_CreateNumber(metrics_round(f.r.value, places)) : cJSON_CreateNull();
		if (!v || !cJSON_AddItemToArray(arr, v)) {
			cJSON_Delete(v);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

static cJSON *trend_json(const struct summary *s)
{
	static const struct { const char *key; fig_fn fn; } svc[] = {
		{ "agency_rate_fte", fig_agency_fte }, { "vacancy_rate", fig_vacancy },
		{ "turnover_rate", fig_turnover }, { "stability_index", fig_stability },
		{ "average_caseload", fig_caseload }, { "caseload_churn", fig_churn },
	};
	static const struct { const char *key; fig_fn fn; } per_team[] = {
		{ "agency_rate_fte", fig_agency_fte }, { "vacancy_rate", fig_vacancy },
		{ "average_caseload", fig_caseload }, { "caseload_churn", fig_churn },
	};
	cJSON *o = cJSON_CreateObject(), *months = cJSON_CreateArray();
	cJSON *so = cJSON_CreateObject(), *to = cJSON_CreateObject();
	if (put(o, "months", months) < 0 || put(o, "service", so) < 0 || put(o, "teams", to) < 0)
		goto fail;
	for (size_t m = 0; m < s->nmonths; m++) {
		cJSON *v = cJSON_CreateString(s->months[m]);
		if (!v || !cJSON_AddItemToArray(months, v)) {
			cJSON_Delete(v);
			goto fail;
		}
	}
	for (size_t k = 0; k < sizeof svc / sizeof svc[0]; k++)
		if (put(so, svc[k].key, series(s->trend_service, 1, s->nmonths, svc[k].fn)) < 0)
			goto fail;
	for (size_t t = 0; t < s->nteams; t++) {
		cJSON *tt = cJSON_CreateObject();
		if (put(to, s->teams[t].code, tt) < 0)
			goto fail;
		for (size_t k = 0; k < sizeof per_team / sizeof per_team[0]; k++)
			if (put(tt, per_team[k].key,
				series(s->trend_team + t, s->nteams, s->nmonths, per_team[k].fn)) < 0)
				goto fail;
	}
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

static int add_team_meta(cJSON *o, const struct team_figures *t)
{
	return put_num(o, "id", (double)t->id) < 0 || put(o, "code", cJSON_CreateString(t->code)) < 0 ||
	       put(o, "name", cJSON_CreateString(t->name)) < 0 ||
	       put(o, "area", cJSON_CreateString(t->area)) < 0 ? -1 : 0;
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

	cJSON *window = cJSON_CreateObject();
	if (put(root, "as_of", nullable_string(s->as_of)) < 0 ||
	    put(root, "generated_at", cJSON_CreateString(when)) < 0 || put(root, "window", window) < 0 ||
	    put(window, "from", nullable_string(s->from)) < 0 ||
	    put(window, "to", nullable_string(s->as_of)) < 0)
		goto fail;

	cJSON *service = cJSON_CreateObject();
	if (put(root, "service", service) < 0 || add_figures(service, &s->service) < 0)
		goto fail;
	cJSON *areas = cJSON_CreateArray();
	if (put(root, "areas", areas) < 0)
		goto fail;
	for (size_t i = 0; i < s->nareas; i++) {
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(areas, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		if (put(o, "name", cJSON_CreateString(s->areas[i].name)) < 0 || add_figures(o, &s->areas[i].c) < 0)
			goto fail;
	}
	cJSON *teams = cJSON_CreateArray();
	if (put(root, "teams", teams) < 0)
		goto fail;
	for (size_t i = 0; i < s->nteams; i++) {
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(teams, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		if (add_team_meta(o, &s->teams[i]) < 0 || add_figures(o, &s->teams[i].c) < 0)
			goto fail;
	}
	if (s->nmonths && put(root, "trend", trend_json(s)) < 0)
		goto fail;
	out = cJSON_PrintUnformatted(root);
fail:
	cJSON_Delete(root);
	return out;
}

char *summary_history_json(const struct summary *s, size_t t)
{
	char *out = NULL;
	cJSON *root = cJSON_CreateObject(), *team = cJSON_CreateObject(), *points = cJSON_CreateArray();
	if (put(root, "team", team) < 0 || put(root, "points", points) < 0 ||
	    add_team_meta(team, &s->teams[t]) < 0)
		goto fail;
	for (size_t m = 0; m < s->nmonths; m++) {
		cJSON *p = cJSON_CreateObject();
		if (!p || !cJSON_AddItemToArray(points, p)) {
			cJSON_Delete(p);
			goto fail;
		}
		if (put(p, "month", cJSON_CreateString(s->months[m])) < 0 ||
		    add_figures(p, &s->trend_team[m * s->nteams + t]) < 0)
			goto fail;
	}
	out = cJSON_PrintUnformatted(root);
fail:
	cJSON_Delete(root);
	return out;
}
