/*
 * figures.c -- the engine kept in step with PostgreSQL (see figures.h).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "dates.h"
#include "db.h"
#include "engine.h"
#include "figures.h"
#include "log.h"
#include "strset.h"
#include "summary.h"

#define EPOCH "date '1970-01-01'"
#define CACHE_MAX 256

static const char META_SQL[] =
	"SELECT"
	" (SELECT coalesce(json_agg(json_build_object('id', t.id, 'code', t.code, 'name', t.name,"
	"         'area', coalesce(a.name, '')) ORDER BY t.id), '[]')"
	"    FROM team t LEFT JOIN service_area a ON a.id = t.area_id),"
	" (SELECT coalesce(json_agg(json_build_object('id', b.id, 'source', b.source,"
	"         'as_of', b.as_of - " EPOCH ") ORDER BY b.id), '[]')"
	"    FROM upload_batch b WHERE b.kind = 'roster' AND b.status = 'loaded'),"
	" (SELECT coalesce(json_agg(json_build_object('team', e.team_id,"
	"         'from', e.effective_from - " EPOCH ", 'fte', e.fte) ORDER BY e.team_id, e.effective_from), '[]')"
	"    FROM establishment e)";

/* Allocation counts: 'w' for the window of the answer, 'm' per month end of the trend. */
static const char ALLOC_SQL[] =
	"SELECT 'w', NULL::integer, team_id, cases_open, worker_changes, cases_3plus"
	"  FROM steady_alloc_counts($1::date, $2::date)"
	" UNION ALL "
	"SELECT 'm', month - " EPOCH ", team_id, cases_open, worker_changes, cases_3plus"
	"  FROM steady_alloc_monthly($3::date, $4::date)";

static const char ROWS_SQL[] =
	"SELECT batch_id, staff_id, team_id, contract, fte, caseload,"
	"       start_date - " EPOCH ", end_date - " EPOCH ", absence_days"
	"  FROM roster_row WHERE batch_id = ANY($1::bigint[]) ORDER BY batch_id";

struct team_meta {
	long id;
	char *code, *name, *area;
	int area_idx;
};

struct cache_entry {
	int day;
	struct eng_result r;
};

struct figures {
	struct db *db;
	struct engine *eng;
	struct team_meta *teams;
	size_t nteams;
	char **areas;
	size_t nareas;
	char **sources;
	size_t nsources;
	char *teams_sig;
	char *estab_sig;
	struct cache_entry *cache;
	size_t ncache;
	struct strset staff;     /* staff ids, numbered for the engine (the same person in every batch) */
	/* one sync at a time: a second could see a batch whose rows are still on their way */
	struct request *active;
	struct request *queue_head, *queue_tail;
};

enum req_kind { REQ_SUMMARY, REQ_HISTORY };

struct request {
	struct figures *f;
	enum req_kind kind;
	int date, from, months;
	char *team_code;
	int invalidate_from;     /* earliest as_of touched by this sync */
	figures_cb cb;
	void *ud;
	struct request *next;
	int eff_date, eff_from;  /* the reference date and window start, defaults applied */
	int days[FIGURES_TREND_MONTHS + 121];  /* trend month ends (history: up to 120 + 1) */
	size_t ndays;
	PGresult *alloc;         /* ALLOC_SQL's rows, NULL when not asked */
};

static void run(struct request *r);

/* ---- cache of month-end results ---- */

static void cache_invalidate(struct figures *f, int from_day)
{
	size_t k = 0;
	for (size_t i = 0; i < f->ncache; i++) {
		if (f->cache[i].day >= from_day)
			eng_result_free(&f->cache[i].r);
		else
			f->cache[k++] = f->cache[i];
	}
	f->ncache = k;
}

static const struct eng_result *cached(struct figures *f, int day)
{
	for (size_t i = 0; i < f->ncache; i++)
		if (f->cache[i].day == day)
			return &f->cache[i].r;
	if (f->ncache == CACHE_MAX)
		cache_invalidate(f, INT_MIN);
	if (!f->cache) {
		f->cache = calloc(CACHE_MAX, sizeof *f->cache);
		if (!f->cache)
			return NULL;
	}
	struct cache_entry *c = &f->cache[f->ncache];
	if (engine_compute(f->eng, day, eng_year_before(day) + 1, &c->r) < 0)
		return NULL;
	c->day = day;
	f->ncache++;
	return &c->r;
}

/* ---- metadata ---- */

static void free_meta(struct figures *f)
{
	for (size_t i = 0; i < f->nteams; i++) {
		free(f->teams[i].code);
		free(f->teams[i].name);
		free(f->teams[i].area);
	}
	for (size_t i = 0; i < f->nareas; i++)
		free(f->areas[i]);
	free(f->teams);
	free(f->areas);
	f->teams = NULL;
	f->areas = NULL;
	f->nteams = f->nareas = 0;
}

static int area_index(struct figures *f, const char *name)
{
	if (!*name)
		return -1;
	for (size_t i = 0; i < f->nareas; i++)
		if (!strcmp(f->areas[i], name))
			return (int)i;
	char **a = realloc(f->areas, (f->nareas + 1) * sizeof *a);
	if (!a)
		return -2;
	f->areas = a;
	if (!(a[f->nareas] = strdup(name)))
		return -2;
	return (int)f->nareas++;
}

static int source_index(struct figures *f, const char *name)
{
	for (size_t i = 0; i < f->nsources; i++)
		if (!strcmp(f->sources[i], name))
			return (int)i;
	char **s = realloc(f->sources, (f->nsources + 1) * sizeof *s);
	if (!s)
		return -1;
	f->sources = s;
	if (!(s[f->nsources] = strdup(name)))
		return -1;
	return (int)f->nsources++;
}

static int team_index(const struct figures *f, long id)
{
	for (size_t i = 0; i < f->nteams; i++)
		if (f->teams[i].id == id)
			return (int)i;
	return -1;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Teams changed: new team list, a fresh engine (rows refer to team indexes). */
static int load_teams(struct figures *f, const char *json)
{
	cJSON *arr = cJSON_Parse(json);
	if (!cJSON_IsArray(arr))
		goto fail;
	free_meta(f);
	size_t n = (size_t)cJSON_GetArraySize(arr);
	f->teams = calloc(n ? n : 1, sizeof *f->teams);
	int *areas = calloc(n ? n : 1, sizeof *areas);
	if (!f->teams || !areas) {
		free(areas);
		goto fail;
	}
	const cJSON *t;
	cJSON_ArrayForEach(t, arr) {
		struct team_meta *m = &f->teams[f->nteams];
		m->id = (long)jnum(t, "id");
		m->code = strdup(jstr(t, "code"));
		m->name = strdup(jstr(t, "name"));
		m->area = strdup(jstr(t, "area"));
		f->nteams++;
		if (!m->code || !m->name || !m->area || (m->area_idx = area_index(f, m->area)) < -1) {
			free(areas);
			goto fail;
		}
		areas[f->nteams - 1] = m->area_idx;
	}
	engine_free(f->eng);
	f->eng = engine_new();
	int rc = f->eng ? engine_set_teams(f->eng, f->nteams, areas, f->nareas) : -1;
	free(areas);
	cJSON_Delete(arr);
	cache_invalidate(f, INT_MIN);
	return rc;
fail:
	cJSON_Delete(arr);
	return -1;
}

static int load_establishment(struct figures *f, const char *json)
{
	cJSON *arr = cJSON_Parse(json);
	if (!cJSON_IsArray(arr))
		return -1;
	size_t n = (size_t)cJSON_GetArraySize(arr), k = 0;
	int *team = malloc((n ? n : 1) * sizeof *team), *from = malloc((n ? n : 1) * sizeof *from);
	double *fte = malloc((n ? n : 1) * sizeof *fte);
	int rc = -1;
	if (team && from && fte) {
		const cJSON *e;
		cJSON_ArrayForEach(e, arr) {
			team[k] = team_index(f, (long)jnum(e, "team"));
			from[k] = (int)jnum(e, "from");
			fte[k] = jnum(e, "fte");
			k++;
		}
		rc = engine_set_establishment(f->eng, k, team, from, fte);
	}
	free(team);
	free(from);
	free(fte);
	cJSON_Delete(arr);
	cache_invalidate(f, INT_MIN);
	return rc;
}

static int same_sig(char **sig, const char *now)
{
	if (*sig && !strcmp(*sig, now))
		return 1;
	free(*sig);
	*sig = strdup(now);
	return 0;
}

/* ---- answering ---- */

static void finish(struct request *r, char *json, int status)
{
	struct figures *f = r->f;
	r->cb(r->ud, json, status);
	if (r->alloc)
		PQclear(r->alloc);
	free(r->team_code);
	free(r);
	f->active = NULL;
	while (!f->active && f->queue_head) {
		struct request *next = f->queue_head;
		f->queue_head = next->next;
		if (!f->queue_head)
			f->queue_tail = NULL;
		run(next);
	}
}

/* Month ends up to `date` (at most `max`, none before the first data), then `date`
 * itself if it is not a month end.  Returns how many were written to days[]. */
static int prev_month_end(int day)
{
	int y, m, d;
	date_from_days(day, &y, &m, &d);
	return (int)date_to_days(y, m, 1) - 1;
}

static size_t trend_days(const struct engine *e, int date, size_t max, int *days)
{
	int first = engine_earliest(e);
	if (first == INT_MIN || max == 0)
		return 0;
	int mid_month = eng_month_end(date) != date;
	size_t room = mid_month ? max - 1 : max;
	int cur = mid_month ? prev_month_end(date) : date;
	size_t n = 0;
	/* count the month ends back from `cur`, not before the first data's month */
	for (int c = cur; n < room && c >= eng_month_end(first); c = prev_month_end(c))
		n++;
	for (size_t i = n; i > 0; i--, cur = prev_month_end(cur))
		days[i - 1] = cur;
	if (mid_month)
		days[n++] = date;
	return n;
}

/* The allocation counts of one kind ('w' window, 'm' month end `day`) onto the
 * team counts (stride apart), the areas (may be NULL) and the service.  A team
 * with no row had no case open; nothing at all means no allocations in force. */
static void apply_alloc(const struct figures *f, PGresult *a, char kind, int day,
			struct eng_counts *team, size_t stride, struct eng_counts *area,
			struct eng_counts *service)
{
	int any = 0;
	for (int i = 0; a && i < PQntuples(a); i++) {
		if (PQgetvalue(a, i, 0)[0] != kind || (kind == 'm' && atoi(PQgetvalue(a, i, 1)) != day))
			continue;
		any = 1;
		long open = atol(PQgetvalue(a, i, 3)), chg = atol(PQgetvalue(a, i, 4)), c3 = atol(PQgetvalue(a, i, 5));
		struct eng_counts *c = service;
		if (!PQgetisnull(a, i, 2)) {
			int t = team_index(f, atol(PQgetvalue(a, i, 2)));
			if (t < 0)
				continue;
			c = &team[(size_t)t * stride];
			int ai = f->teams[t].area_idx;
			if (area && ai >= 0) {
				/* an area is the sum of its teams: a case moving within it counts twice */
				area[ai].cases_open += open;
				area[ai].worker_changes += chg;
				area[ai].cases_3plus += c3;
			}
		}
		c->cases_open = open;
		c->worker_changes = chg;
		c->cases_3plus = c3;
	}
	if (!any)
		return;
	for (size_t t = 0; t < f->nteams; t++)
		team[t * stride].have_alloc = 1;
	for (size_t i = 0; area && i < f->nareas; i++)
		area[i].have_alloc = 1;
	service->have_alloc = 1;
}

static int fill_summary(struct figures *f, struct summary *s, const struct eng_result *r)
{
	for (size_t i = 0; i < f->nareas; i++) {
		struct area_figures *a = summary_add_area(s, f->areas[i]);
		if (!a)
			return -1;
		a->c = r->area[i];
	}
	for (size_t i = 0; i < f->nteams; i++) {
		struct team_figures *t = summary_add_team(s, f->teams[i].id, f->teams[i].code,
							  f->teams[i].name, f->teams[i].area);
		if (!t)
			return -1;
		t->c = r->team[i];
	}
	s->service = r->service;
	return 0;
}

static int fill_trend(struct figures *f, struct summary *s, const int *days, size_t n)
{
	s->nmonths = n;
	s->months = calloc(n ? n : 1, sizeof *s->months);
	s->trend_service = calloc(n ? n : 1, sizeof *s->trend_service);
	s->trend_team = calloc((n ? n : 1) * (f->nteams ? f->nteams : 1), sizeof *s->trend_team);
	if (!s->months || !s->trend_service || !s->trend_team)
		return -1;
	for (size_t m = 0; m < n; m++) {
		const struct eng_result *r = cached(f, days[m]);
		if (!r)
			return -1;
		int y, mo, d;
		date_from_days(days[m], &y, &mo, &d);
		date_format(y, mo, d, s->months[m]);
		s->trend_service[m] = r->service;
		for (size_t t = 0; t < f->nteams; t++)
			s->trend_team[m * f->nteams + t] = r->team[t];
	}
	return 0;
}

static void answer_summary(struct request *r)
{
	struct figures *f = r->f;
	struct summary s;
	struct eng_result res;
	int have_res = 0;
	char *json = NULL;
	memset(&s, 0, sizeof s);

	int date = r->eff_date;
	if (date == INT_MIN) {
		/* nothing uploaded yet: every team, zero counts, no dates */
		if (engine_compute(f->eng, 0, 1, &res) < 0)
			goto fail;
		have_res = 1;
	} else {
		int from = r->eff_from;
		if (engine_compute(f->eng, date, from, &res) < 0)
			goto fail;
		have_res = 1;
		int y, m, d;
		date_from_days(date, &y, &m, &d);
		date_format(y, m, d, s.as_of);
		date_from_days(from, &y, &m, &d);
		date_format(y, m, d, s.from);
	}
	if (fill_summary(f, &s, &res) < 0)
		goto fail;
	if (r->alloc) {
		/* team counts are spread across team_figures: gather, apply, scatter */
		struct eng_counts *tc = calloc(f->nteams ? f->nteams : 1, sizeof *tc);
		struct eng_counts *ac = calloc(f->nareas ? f->nareas : 1, sizeof *ac);
		if (!tc || !ac) {
			free(tc);
			free(ac);
			goto fail;
		}
		for (size_t t = 0; t < f->nteams; t++)
			tc[t] = s.teams[t].c;
		for (size_t i = 0; i < f->nareas; i++)
			ac[i] = s.areas[i].c;
		apply_alloc(f, r->alloc, 'w', 0, tc, 1, ac, &s.service);
		for (size_t t = 0; t < f->nteams; t++)
			s.teams[t].c = tc[t];
		for (size_t i = 0; i < f->nareas; i++)
			s.areas[i].c = ac[i];
		free(tc);
		free(ac);
	}
	if (date != INT_MIN) {
		if (fill_trend(f, &s, r->days, r->ndays) < 0)
			goto fail;
		for (size_t m = 0; r->alloc && m < r->ndays; m++)
			apply_alloc(f, r->alloc, 'm', r->days[m], s.trend_team + m * f->nteams, 1, NULL,
				    &s.trend_service[m]);
	}
	json = summary_to_json(&s, time(NULL));
fail:
	if (!json)
		log_error("figures: out of memory building the summary");
	if (have_res)
		eng_result_free(&res);
	summary_free(&s);
	finish(r, json, json ? 200 : 503);
}

static void answer_history(struct request *r)
{
	struct figures *f = r->f;
	struct summary s;
	char *json = NULL;
	memset(&s, 0, sizeof s);
	size_t t;
	for (t = 0; t < f->nteams; t++)
		if (!strcasecmp(f->teams[t].code, r->team_code))
			break;
	if (t == f->nteams) {
		finish(r, NULL, 404);
		return;
	}
	for (size_t i = 0; i < f->nteams; i++)
		if (!summary_add_team(&s, f->teams[i].id, f->teams[i].code, f->teams[i].name, f->teams[i].area))
			goto fail;
	if (fill_trend(f, &s, r->days, r->ndays) < 0)
		goto fail;
	for (size_t m = 0; r->alloc && m < r->ndays; m++)
		apply_alloc(f, r->alloc, 'm', r->days[m], s.trend_team + m * f->nteams, 1, NULL,
			    &s.trend_service[m]);
	json = summary_history_json(&s, t);
fail:
	if (!json)
		log_error("figures: out of memory building a history");
	summary_free(&s);
	finish(r, json, json ? 200 : 503);
}

static void respond(struct request *r)
{
	if (r->kind == REQ_SUMMARY)
		answer_summary(r);
	else
		answer_history(r);
}

static void alloc_done(void *arg, struct pgjob_outcome *out)
{
	struct request *r = arg;
	if (!out->ok) {
		log_error("figures: reading allocation counts failed: %s", out->error);
		finish(r, NULL, 503);
		return;
	}
	r->alloc = out->result;   /* kept until the answer is made */
	out->result = NULL;
	respond(r);
}

static void iso(int day, char out[11])
{
	int y, m, d;
	date_from_days(day, &y, &m, &d);
	date_format(y, m, d, out);
}

/* The engine is in step: settle the dates, then fetch the allocation counts
 * for the same window and trend months, then answer. */
static void answer(struct request *r)
{
	struct figures *f = r->f;
	if (r->invalidate_from != INT_MAX)
		cache_invalidate(f, r->invalidate_from);
	int latest = engine_latest(f->eng);
	r->eff_date = r->kind == REQ_SUMMARY && r->date != FIGURES_DEFAULT ? r->date : latest;
	if (r->eff_date == INT_MIN) {
		respond(r);
		return;
	}
	r->eff_from = r->kind == REQ_SUMMARY && r->from != FIGURES_DEFAULT ? r->from
		: eng_year_before(r->eff_date) + 1;
	size_t max = r->kind == REQ_SUMMARY ? FIGURES_TREND_MONTHS : (size_t)r->months;
	r->ndays = trend_days(f->eng, r->eff_date, max, r->days);
	char p1[11], p2[11], p3[11], p4[11];
	iso(r->eff_from, p1);
	iso(r->eff_date, p2);
	iso(r->ndays ? r->days[0] : r->eff_date, p3);
	iso(r->ndays ? r->days[r->ndays - 1] : r->eff_date, p4);
	const char *params[4] = { p1, p2, p3, p4 };
	if (db_query(f->db, ALLOC_SQL, 4, params, alloc_done, r) < 0) {
		log_error("figures: out of memory queueing a query");
		finish(r, NULL, 503);
	}
}

/* ---- syncing ---- */

static void rows_done(void *arg, struct pgjob_outcome *out)
{
	struct request *r = arg;
	struct figures *f = r->f;
	if (!out->ok) {
		log_error("figures: reading roster rows failed: %s", out->error);
		finish(r, NULL, 503);
		return;
	}
	PGresult *res = out->result;
	long cur = -1;
	int skip = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		long batch = atol(PQgetvalue(res, i, 0));
		if (batch != cur) {
			cur = batch;
			skip = !engine_has_batch(f->eng, batch);
		}
		if (skip)
			continue;
		const char *contract = PQgetvalue(res, i, 3);
		long staff = strset_add(&f->staff, PQgetvalue(res, i, 1));
		if (staff < 0 || staff > INT_MAX) {
			log_error("figures: out of memory numbering staff ids");
			finish(r, NULL, 503);
			return;
		}
		struct eng_row row = {
			.staff = (int)staff,
			.team = team_index(f, atol(PQgetvalue(res, i, 2))),
			.contract = !strcmp(contract, "agency") ? CONTRACT_AGENCY
				  : !strcmp(contract, "fixed_term") ? CONTRACT_FIXED_TERM : CONTRACT_PERMANENT,
			.fte = (float)strtod(PQgetvalue(res, i, 4), NULL),
			.caseload = PQgetisnull(res, i, 5) ? -1 : atoi(PQgetvalue(res, i, 5)),
			.start = PQgetisnull(res, i, 6) ? ENG_NO_START : atoi(PQgetvalue(res, i, 6)),
			.end = PQgetisnull(res, i, 7) ? ENG_NO_END : atoi(PQgetvalue(res, i, 7)),
			.absence = PQgetisnull(res, i, 8) ? -1.0f : (float)strtod(PQgetvalue(res, i, 8), NULL),
		};
		if (row.team < 0 || engine_add_row(f->eng, batch, &row) < 0) {
			log_error("figures: cannot hold row %d of batch %ld (team %s)", i, batch,
				  PQgetvalue(res, i, 2));
			finish(r, NULL, 503);
			return;
		}
	}
	answer(r);
}

static void meta_done(void *arg, struct pgjob_outcome *out)
{
	struct request *r = arg;
	struct figures *f = r->f;
	struct buf ids = BUF_INIT;
	cJSON *batches = NULL;
	if (!out->ok) {
		log_error("figures: reading teams and batches failed: %s", out->error);
		finish(r, NULL, 503);
		return;
	}
	const char *teams = PQgetvalue(out->result, 0, 0);
	const char *bjson = PQgetvalue(out->result, 0, 1);
	const char *estab = PQgetvalue(out->result, 0, 2);
	if (!same_sig(&f->teams_sig, teams) || !f->eng) {
		free(f->estab_sig);
		f->estab_sig = NULL;
		if (load_teams(f, teams) < 0)
			goto oom;
	}
	if (!same_sig(&f->estab_sig, estab) && load_establishment(f, estab) < 0)
		goto oom;

	batches = cJSON_Parse(bjson);
	if (!cJSON_IsArray(batches))
		goto oom;
	/* drop batches no longer loaded (reverted) */
	size_t nheld;
	long *held = engine_batch_ids(f->eng, &nheld);
	if (!held)
		goto oom;
	for (size_t i = 0; i < nheld; i++) {
		int found = 0;
		const cJSON *b;
		cJSON_ArrayForEach(b, batches)
			if ((long)jnum(b, "id") == held[i])
				found = 1;
		if (!found) {
			int as_of = engine_batch_as_of(f->eng, held[i]);
			if (as_of < r->invalidate_from)
				r->invalidate_from = as_of;
			engine_remove_batch(f->eng, held[i]);
		}
	}
	free(held);
	/* add the new ones (empty now; rows follow) */
	const cJSON *b;
	cJSON_ArrayForEach(b, batches) {
		long id = (long)jnum(b, "id");
		if (engine_has_batch(f->eng, id))
			continue;
		int src = source_index(f, jstr(b, "source"));
		int as_of = (int)jnum(b, "as_of");
		if (src < 0 || engine_add_batch(f->eng, id, src, as_of) < 0 ||
		    buf_printf(&ids, "%s%ld", ids.len ? "," : "{", id) < 0)
			goto oom;
		if (as_of < r->invalidate_from)
			r->invalidate_from = as_of;
	}
	cJSON_Delete(batches);
	batches = NULL;
	if (!ids.len) {
		answer(r);
		return;
	}
	if (buf_putc(&ids, '}') < 0)
		goto oom;
	const char *params[1] = { ids.data };
	if (db_query(f->db, ROWS_SQL, 1, params, rows_done, r) < 0)
		goto oom;
	buf_free(&ids);
	return;
oom:
	log_error("figures: out of memory syncing with the database");
	cJSON_Delete(batches);
	buf_free(&ids);
	/* the engine may be half-updated: start again from scratch next time */
	free(f->teams_sig);
	f->teams_sig = NULL;
	finish(r, NULL, 503);
}

static void run(struct request *r)
{
	r->f->active = r;
	if (db_query(r->f->db, META_SQL, 0, NULL, meta_done, r) < 0) {
		log_error("figures: out of memory queueing a query");
		finish(r, NULL, 503);
	}
}

static int start(struct figures *f, struct request *r)
{
	r->f = f;
	r->invalidate_from = INT_MAX;
	if (f->active) {
		if (f->queue_tail)
			f->queue_tail->next = r;
		else
			f->queue_head = r;
		f->queue_tail = r;
		return 0;
	}
	run(r);
	return 0;
}

int figures_summary(struct figures *f, int date, int from, figures_cb cb, void *ud)
{
	struct request *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	r->kind = REQ_SUMMARY;
	r->date = date;
	r->from = from;
	r->cb = cb;
	r->ud = ud;
	return start(f, r);
}

int figures_history(struct figures *f, const char *team_code, int months, figures_cb cb, void *ud)
{
	struct request *r = calloc(1, sizeof *r);
	if (!r)
		return -1;
	r->kind = REQ_HISTORY;
	r->months = months;
	r->team_code = strdup(team_code);
	r->cb = cb;
	r->ud = ud;
	if (!r->team_code) {
		free(r);
		return -1;
	}
	return start(f, r);
}

struct figures *figures_new(struct db *db)
{
	struct figures *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->db = db;
	return f;
}

void figures_free(struct figures *f)
{
	if (!f)
		return;
	/* db_free ran first and answered the active request; queued ones never started */
	while (f->queue_head) {
		struct request *r = f->queue_head;
		f->queue_head = r->next;
		r->cb(r->ud, NULL, 503);
		free(r->team_code);
		free(r);
	}
	cache_invalidate(f, INT_MIN);
	free(f->cache);
	free_meta(f);
	for (size_t i = 0; i < f->nsources; i++)
		free(f->sources[i]);
	free(f->sources);
	free(f->teams_sig);
	free(f->estab_sig);
	strset_free(&f->staff);
	engine_free(f->eng);
	free(f);
}
