/*
 * summary.c -- building the figures document (see summary.h).
 */
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
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

static void figure(struct jsonw *w, const char *key, struct figure f)
{
	int ratio = strcmp(f.unit, "per_case") == 0;   /* cases per case: 2 decimals, raw counts */
	jw_key(w, key);
	jw_obj(w);
	jw_key(w, "value");
	if (f.r.has_value)
		jw_num(w, metrics_round(f.r.value, ratio ? 2 : 1));
	else
		jw_null(w);
	jw_key(w, "num");
	jw_num(w, ratio ? f.r.num : metrics_round(f.r.num, 2));
	jw_key(w, "den");
	jw_num(w, ratio ? f.r.den : metrics_round(f.r.den, 2));
	jw_key(w, "small");
	jw_bool(w, f.r.small);
	jw_key(w, "unit");
	jw_str(w, f.unit);
	if (f.missing) {
		jw_key(w, "missing");
		jw_str(w, f.missing);
	}
	jw_end_obj(w);
}

static void fte_heads(struct jsonw *w, const char *key, double fte, long heads)
{
	jw_key(w, key);
	jw_obj(w);
	jw_key(w, "fte");
	jw_num(w, metrics_round(fte, 2));
	jw_key(w, "headcount");
	jw_int(w, heads);
	jw_end_obj(w);
}

static int add_warning(void *ud, const char *code, const char *message)
{
	struct jsonw *w = ud;
	jw_obj(w);
	jw_key(w, "code");
	jw_str(w, code);
	jw_key(w, "message");
	jw_str(w, message);
	jw_end_obj(w);
	return w->failed ? -1 : 0;
}

/* Every figure of `c` as members of the object being written. */
static void figures(struct jsonw *w, const struct eng_counts *c)
{
	static const char *const keys[CONTRACT_COUNT] = { "permanent", "fixed_term", "agency" };
	const struct workforce *wf = &c->w;
	jw_key(w, "fte");
	jw_obj(w);
	for (int k = 0; k < CONTRACT_COUNT; k++) {
		jw_key(w, keys[k]);
		jw_num(w, metrics_round(wf->fte[k], 2));
	}
	jw_key(w, "total");
	jw_num(w, metrics_round(workforce_fte_total(wf), 2));
	jw_end_obj(w);
	jw_key(w, "headcount");
	jw_obj(w);
	for (int k = 0; k < CONTRACT_COUNT; k++) {
		jw_key(w, keys[k]);
		jw_int(w, wf->heads[k]);
	}
	jw_key(w, "total");
	jw_int(w, workforce_heads_total(wf));
	jw_end_obj(w);

	figure(w, "agency_rate_fte", fig_agency_fte(c));
	figure(w, "agency_rate_headcount", fig_agency_heads(c));
	jw_key(w, "establishment_fte");
	if (c->teams_with_estab)
		jw_num(w, metrics_round(c->estab_fte, 2));
	else
		jw_null(w);
	jw_key(w, "vacancies_fte");
	if (c->teams_with_estab)
		jw_num(w, metrics_round(c->vac_fte, 2));
	else
		jw_null(w);
	figure(w, "vacancy_rate", fig_vacancy(c));
	figure(w, "agency_cover", fig_agency_cover(c));
	fte_heads(w, "starters", c->starters_fte, c->starters);
	fte_heads(w, "leavers", c->leavers_fte, c->leavers);
	fte_heads(w, "team_exits", c->exits_fte, c->exits);
	figure(w, "turnover_rate", fig_turnover(c));
	figure(w, "stability_index", fig_stability(c));
	figure(w, "average_caseload", fig_caseload(c));
	figure(w, "absence_rate", fig_absence(c));
	figure(w, "caseload_churn", fig_churn(c));
	figure(w, "children_3plus_workers", fig_three_plus(c));
	jw_key(w, "warnings");
	jw_arr(w);
	if (metrics_warnings(c, add_warning, w) < 0)
		w->failed = 1;
	jw_end_arr(w);
}

static void date_or_null(struct jsonw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s[0])
		jw_str(w, s);
	else
		jw_null(w);
}

typedef struct figure (*fig_fn)(const struct eng_counts *c);

static void series(struct jsonw *w, const char *key, const struct eng_counts *base, size_t stride,
		   size_t n, fig_fn fn)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t m = 0; m < n; m++) {
		struct figure f = fn(&base[m * stride]);
		if (f.r.has_value)
			jw_num(w, metrics_round(f.r.value, strcmp(f.unit, "per_case") ? 1 : 2));
		else
			jw_null(w);
	}
	jw_end_arr(w);
}

static void trend(struct jsonw *w, const struct summary *s)
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
	jw_key(w, "trend");
	jw_obj(w);
	jw_key(w, "months");
	jw_arr(w);
	for (size_t m = 0; m < s->nmonths; m++)
		jw_str(w, s->months[m]);
	jw_end_arr(w);
	jw_key(w, "service");
	jw_obj(w);
	for (size_t k = 0; k < sizeof svc / sizeof svc[0]; k++)
		series(w, svc[k].key, s->trend_service, 1, s->nmonths, svc[k].fn);
	jw_end_obj(w);
	jw_key(w, "teams");
	jw_obj(w);
	for (size_t t = 0; t < s->nteams; t++) {
		jw_key(w, s->teams[t].code);
		jw_obj(w);
		for (size_t k = 0; k < sizeof per_team / sizeof per_team[0]; k++)
			series(w, per_team[k].key, s->trend_team + t, s->nteams, s->nmonths, per_team[k].fn);
		jw_end_obj(w);
	}
	jw_end_obj(w);
	jw_end_obj(w);
}

static void team_meta(struct jsonw *w, const struct team_figures *t)
{
	jw_key(w, "id");
	jw_int(w, t->id);
	jw_key(w, "code");
	jw_str(w, t->code);
	jw_key(w, "name");
	jw_str(w, t->name);
	jw_key(w, "area");
	jw_str(w, t->area);
}

static char *finish(struct jsonw *w, struct buf *b)
{
	if (jw_done(w) < 0) {
		buf_free(b);
		return NULL;
	}
	return buf_steal(b);
}

char *summary_to_json(const struct summary *s, time_t generated_at)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	char when[32];
	struct tm tm;
	gmtime_r(&generated_at, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* about 1.9 KB a team: reserve once instead of growing by copies */
	if (buf_reserve(&b, 4096 + (s->nteams + s->nareas) * 2048 + s->nteams * s->nmonths * 40) < 0)
		return NULL;
	jw_init(&w, &b);
	jw_obj(&w);
	date_or_null(&w, "as_of", s->as_of);
	jw_key(&w, "generated_at");
	jw_str(&w, when);
	jw_key(&w, "window");
	jw_obj(&w);
	date_or_null(&w, "from", s->from);
	date_or_null(&w, "to", s->as_of);
	jw_end_obj(&w);
	jw_key(&w, "service");
	jw_obj(&w);
	figures(&w, &s->service);
	jw_end_obj(&w);
	jw_key(&w, "areas");
	jw_arr(&w);
	for (size_t i = 0; i < s->nareas; i++) {
		jw_obj(&w);
		jw_key(&w, "name");
		jw_str(&w, s->areas[i].name);
		figures(&w, &s->areas[i].c);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_key(&w, "teams");
	jw_arr(&w);
	for (size_t i = 0; i < s->nteams; i++) {
		jw_obj(&w);
		team_meta(&w, &s->teams[i]);
		figures(&w, &s->teams[i].c);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	if (s->nmonths)
		trend(&w, s);
	jw_end_obj(&w);
	return finish(&w, &b);
}

char *summary_history_json(const struct summary *s, size_t t)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "team");
	jw_obj(&w);
	team_meta(&w, &s->teams[t]);
	jw_end_obj(&w);
	jw_key(&w, "points");
	jw_arr(&w);
	for (size_t m = 0; m < s->nmonths; m++) {
		jw_obj(&w);
		jw_key(&w, "month");
		jw_str(&w, s->months[m]);
		figures(&w, &s->trend_team[m * s->nteams + t]);
		jw_end_obj(&w);
	}
	jw_end_arr(&w);
	jw_end_obj(&w);
	return finish(&w, &b);
}
