/*
 * engine.c -- the workforce figures engine (see engine.h and docs/metrics.md).
 *
 * "In post at t" for a roster row: start <= t < end.  The roster at t is,
 * per source, the batch with the latest as_of <= t (ties: the highest id).
 * Employed = permanent or fixed term; agency workers are counted for the
 * agency rate and caseload but are never starters, leavers or stable staff.
 */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "engine.h"

struct eng_batch {
	long id;
	int source;
	int as_of;
	struct eng_row *rows;
	size_t n, cap;
};

struct estab {
	int team;
	int from;
	double fte;
};

struct engine {
	int *area;            /* [nteams] */
	size_t nteams, nareas;
	struct eng_batch *b;
	size_t nb, capb;
	size_t last;          /* index of the batch rows were last added to */
	int max_staff;
	struct estab *est;
	size_t nest;
};

struct engine *engine_new(void)
{
	struct engine *e = calloc(1, sizeof *e);
	if (e)
		e->max_staff = -1;
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nb; i++)
		free(e->b[i].rows);
	free(e->b);
	free(e->area);
	free(e->est);
	free(e);
}

int engine_set_teams(struct engine *e, size_t nteams, const int *area, size_t nareas)
{
	int *a = malloc((nteams ? nteams : 1) * sizeof *a);
	if (!a)
		return -1;
	for (size_t i = 0; i < nteams; i++)
		a[i] = area[i] >= 0 && (size_t)area[i] < nareas ? area[i] : -1;
	free(e->area);
	e->area = a;
	e->nteams = nteams;
	e->nareas = nareas;
	return 0;
}

size_t engine_team_count(const struct engine *e)
{
	return e->nteams;
}

static struct eng_batch *find_batch(const struct engine *e, long id)
{
	if (e->last < e->nb && e->b[e->last].id == id)
		return &e->b[e->last];
	for (size_t i = 0; i < e->nb; i++)
		if (e->b[i].id == id)
			return &e->b[i];
	return NULL;
}

int engine_has_batch(const struct engine *e, long id)
{
	return find_batch(e, id) != NULL;
}

int engine_batch_as_of(const struct engine *e, long id)
{
	const struct eng_batch *b = find_batch(e, id);
	return b ? b->as_of : INT_MIN;
}

int engine_add_batch(struct engine *e, long id, int source, int as_of)
{
	if (find_batch(e, id))
		return 0;
	if (e->nb == e->capb) {
		size_t cap = e->capb ? e->capb * 2 : 16;
		struct eng_batch *b = realloc(e->b, cap * sizeof *b);
		if (!b)
			return -1;
		e->b = b;
		e->capb = cap;
	}
	struct eng_batch *b = &e->b[e->nb];
	memset(b, 0, sizeof *b);
	b->id = id;
	b->source = source;
	b->as_of = as_of;
	e->last = e->nb++;
	return 0;
}

int engine_add_row(struct engine *e, long batch_id, const struct eng_row *row)
{
	struct eng_batch *b = find_batch(e, batch_id);
	if (!b || row->staff < 0 || row->team < 0 || (size_t)row->team >= e->nteams)
		return -1;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct eng_row *r = realloc(b->rows, cap * sizeof *r);
		if (!r)
			return -1;
		b->rows = r;
		b->cap = cap;
	}
	b->rows[b->n++] = *row;
	if (row->staff > e->max_staff)
		e->max_staff = row->staff;
	e->last = (size_t)(b - e->b);
	return 0;
}

void engine_remove_batch(struct engine *e, long id)
{
	struct eng_batch *b = find_batch(e, id);
	if (!b)
		return;
	free(b->rows);
	size_t i = (size_t)(b - e->b);
	memmove(&e->b[i], &e->b[i + 1], (e->nb - i - 1) * sizeof *b);
	e->nb--;
	e->last = 0;
}

long *engine_batch_ids(const struct engine *e, size_t *n)
{
	long *ids = malloc((e->nb ? e->nb : 1) * sizeof *ids);
	if (!ids)
		return NULL;
	for (size_t i = 0; i < e->nb; i++)
		ids[i] = e->b[i].id;
	*n = e->nb;
	return ids;
}

int engine_latest(const struct engine *e)
{
	int d = INT_MIN;
	for (size_t i = 0; i < e->nb; i++)
		if (e->b[i].as_of > d)
			d = e->b[i].as_of;
	return d;
}

int engine_earliest(const struct engine *e)
{
	int d = INT_MAX;
	for (size_t i = 0; i < e->nb; i++)
		if (e->b[i].as_of < d)
			d = e->b[i].as_of;
	return e->nb ? d : INT_MIN;
}

int engine_set_establishment(struct engine *e, size_t n, const int *team, const int *from,
			     const double *fte)
{
	struct estab *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (team[i] < 0 || (size_t)team[i] >= e->nteams)
			continue;
		v[k].team = team[i];
		v[k].from = from[i];
		v[k].fte = fte[i];
		k++;
	}
	free(e->est);
	e->est = v;
	e->nest = k;
	return 0;
}

int eng_year_before(int day)
{
	int y, m, d;
	date_from_days(day, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	return (int)date_to_days(y - 1, m, d);
}

int eng_month_end(int day)
{
	int y, m, d;
	date_from_days(day, &y, &m, &d);
	return (int)date_to_days(y, m, date_days_in_month(y, m));
}

/* ---- computing ---- */

static int in_post(const struct eng_row *r, int t)
{
	return (r->start == ENG_NO_START || r->start <= t) && (r->end == ENG_NO_END || r->end > t);
}

static int employed(const struct eng_row *r)
{
	return r->contract != CONTRACT_AGENCY;
}

/* Marks in `use` the batches in force at t (per source the latest as_of <= t, then highest id).
 * Returns how many. */
static size_t in_force(const struct engine *e, int t, unsigned char *use)
{
	size_t n = 0;
	memset(use, 0, e->nb);
	for (size_t i = 0; i < e->nb; i++) {
		const struct eng_batch *b = &e->b[i];
		if (b->as_of > t)
			continue;
		int best = 1;
		for (size_t j = 0; j < e->nb && best; j++) {
			const struct eng_batch *o = &e->b[j];
			if (j == i || o->source != b->source || o->as_of > t)
				continue;
			if (o->as_of > b->as_of || (o->as_of == b->as_of && o->id > b->id))
				best = 0;
		}
		if (best) {
			use[i] = 1;
			n++;
		}
	}
	return n;
}

/* team[s] = team of person s if employed in post at t, else -1; fte[s] likewise. */
static int employed_state(const struct engine *e, int t, unsigned char *use, int *team, float *fte)
{
	size_t nstaff = (size_t)(e->max_staff + 1);
	for (size_t s = 0; s < nstaff; s++)
		team[s] = -1;
	size_t n = in_force(e, t, use);
	for (size_t i = 0; i < e->nb; i++) {
		if (!use[i])
			continue;
		for (size_t k = 0; k < e->b[i].n; k++) {
			const struct eng_row *r = &e->b[i].rows[k];
			if (employed(r) && in_post(r, t) && team[r->staff] < 0) {
				team[r->staff] = r->team;
				if (fte)
					fte[r->staff] = r->fte;
			}
		}
	}
	return n > 0;
}

static double establishment_at(const struct engine *e, int team, int t, int *has)
{
	int best = INT_MIN;
	double v = 0;
	*has = 0;
	for (size_t i = 0; i < e->nest; i++) {
		if (e->est[i].team == team && e->est[i].from <= t && e->est[i].from >= best) {
			best = e->est[i].from;
			v = e->est[i].fte;
			*has = 1;
		}
	}
	return v;
}

static void add_counts(struct eng_counts *acc, const struct eng_counts *c)
{
	workforce_add(&acc->w, &c->w);
	acc->teams += c->teams;
	acc->teams_with_estab += c->teams_with_estab;
	acc->estab_fte += c->estab_fte;
	acc->vac_fte += c->vac_fte;
	acc->e_estab_fte += c->e_estab_fte;
	acc->cover_fte += c->cover_fte;
	acc->starters_fte += c->starters_fte;
	acc->leavers_fte += c->leavers_fte;
	acc->exits_fte += c->exits_fte;
	acc->starters += c->starters;
	acc->leavers += c->leavers;
	acc->exits += c->exits;
	acc->cases += c->cases;
	acc->caseholding_fte += c->caseholding_fte;
	acc->caseload_known += c->caseload_known;
	acc->absence_days += c->absence_days;
	acc->absence_known += c->absence_known;
	acc->dual_source += c->dual_source;
	acc->have_alloc |= c->have_alloc;
	acc->cases_open += c->cases_open;
	acc->worker_changes += c->worker_changes;
	acc->cases_3plus += c->cases_3plus;
}

void eng_result_free(struct eng_result *r)
{
	free(r->team);
	free(r->area);
	r->team = r->area = NULL;
}

int engine_compute(const struct engine *e, int date, int from, struct eng_result *out)
{
	size_t nstaff = (size_t)(e->max_staff + 1);
	size_t ns = nstaff ? nstaff : 1;
	int *end_team = NULL, *start_team = NULL, *year_team = NULL, *last_team = NULL;
	int *last_asof = NULL, *last_start = NULL, *seen = NULL;
	long *last_id = NULL;
	float *start_fte = NULL, *last_fte = NULL;
	unsigned char *use = NULL, *use2 = NULL;

	memset(out, 0, sizeof *out);
	out->date = date;
	out->from = from;
	out->nteams = e->nteams;
	out->nareas = e->nareas;
	out->team = calloc(e->nteams ? e->nteams : 1, sizeof *out->team);
	out->area = calloc(e->nareas ? e->nareas : 1, sizeof *out->area);
	end_team = malloc(ns * sizeof *end_team);
	start_team = malloc(ns * sizeof *start_team);
	year_team = malloc(ns * sizeof *year_team);
	last_team = malloc(ns * sizeof *last_team);
	last_asof = malloc(ns * sizeof *last_asof);
	last_start = malloc(ns * sizeof *last_start);
	last_id = malloc(ns * sizeof *last_id);
	seen = malloc(ns * sizeof *seen);
	start_fte = malloc(ns * sizeof *start_fte);
	last_fte = malloc(ns * sizeof *last_fte);
	use = malloc(e->nb ? e->nb : 1);
	use2 = malloc(e->nb ? e->nb : 1);
	if (!out->team || !out->area || !end_team || !start_team || !year_team || !last_team ||
	    !last_asof || !last_start || !last_id || !seen || !start_fte || !last_fte || !use || !use2)
		goto fail;

	/* 1. who is in post at the reference date: workforce, caseload, absence */
	for (size_t s = 0; s < nstaff; s++)
		seen[s] = -1;
	in_force(e, date, use);
	for (size_t i = 0; i < e->nb; i++) {
		if (!use[i])
			continue;
		for (size_t k = 0; k < e->b[i].n; k++) {
			const struct eng_row *r = &e->b[i].rows[k];
			if (!in_post(r, date))
				continue;
			struct eng_counts *c = &out->team[r->team];
			if (seen[r->staff] >= 0 && seen[r->staff] != e->b[i].source)
				c->dual_source++;
			seen[r->staff] = e->b[i].source;
			c->w.fte[r->contract] += r->fte;
			c->w.heads[r->contract]++;
			if (r->caseload >= 0) {
				c->caseload_known++;
				c->cases += r->caseload;
				if (r->caseload > 0)
					c->caseholding_fte += r->fte;
			}
			if (employed(r) && r->absence >= 0) {
				c->absence_known++;
				c->absence_days += r->absence;
			}
		}
	}
	employed_state(e, date, use2, end_team, NULL);
	int have_start = employed_state(e, from - 1, use2, start_team, start_fte);
	int year_ago = eng_year_before(date);
	int have_year = employed_state(e, year_ago, use2, year_team, NULL);

	/* 2. everyone employed at some point in the window, as last seen */
	for (size_t s = 0; s < nstaff; s++)
		last_team[s] = -1;
	in_force(e, from - 1, use);
	for (size_t i = 0; i < e->nb; i++) {
		const struct eng_batch *b = &e->b[i];
		if (!use[i] && !(b->as_of >= from && b->as_of <= date))
			continue;
		for (size_t k = 0; k < b->n; k++) {
			const struct eng_row *r = &b->rows[k];
			if (!employed(r))
				continue;
			if (!((r->start == ENG_NO_START || r->start <= date) &&
			      (r->end == ENG_NO_END || r->end > from)))
				continue;
			int s = r->staff;
			if (last_team[s] >= 0 && (last_asof[s] > b->as_of ||
						  (last_asof[s] == b->as_of && last_id[s] > b->id)))
				continue;
			last_team[s] = r->team;
			last_fte[s] = r->fte;
			last_asof[s] = b->as_of;
			last_id[s] = b->id;
			last_start[s] = r->start;
		}
	}

	/* 3. starters, leavers, team exits, stability */
	for (size_t s = 0; s < nstaff; s++) {
		if (last_team[s] >= 0) {
			if (end_team[s] < 0) {
				struct eng_counts *c = &out->team[last_team[s]];
				c->leavers++;
				c->leavers_fte += last_fte[s];
			}
			int starter = have_start ? start_team[s] < 0
				: (last_start[s] != ENG_NO_START && last_start[s] >= from);
			if (starter) {
				int t = end_team[s] >= 0 ? end_team[s] : last_team[s];
				out->team[t].starters++;
				out->team[t].starters_fte += last_fte[s];
			}
		}
		if (have_start && start_team[s] >= 0 && end_team[s] >= 0 && start_team[s] != end_team[s]) {
			out->team[start_team[s]].exits++;
			out->team[start_team[s]].exits_fte += start_fte[s];
		}
		if (have_year && year_team[s] >= 0) {
			int yt = year_team[s], et = end_team[s];
			int ya = e->area[yt];
			out->team[yt].stab_base++;
			out->service.stab_base++;
			if (et == yt)
				out->team[yt].stab_stayed++;
			if (et >= 0)
				out->service.stab_stayed++;
			if (ya >= 0) {
				out->area[ya].stab_base++;
				if (et >= 0 && e->area[et] == ya)
					out->area[ya].stab_stayed++;
			}
		}
	}

	/* 4. establishment and vacancies per team, then areas and service */
	for (size_t t = 0; t < e->nteams; t++) {
		struct eng_counts *c = &out->team[t];
		int has;
		double est = establishment_at(e, (int)t, date, &has);
		c->teams = 1;
		c->have_start = have_start;
		c->have_year_ago = have_year;
		if (has) {
			double emp = c->w.fte[CONTRACT_PERMANENT] + c->w.fte[CONTRACT_FIXED_TERM];
			double v = est - emp > 0 ? est - emp : 0;
			double a = c->w.fte[CONTRACT_AGENCY];
			c->teams_with_estab = 1;
			c->estab_fte = est;
			c->vac_fte = v;
			c->e_estab_fte = emp;
			c->cover_fte = a < v ? a : v;
		}
	}
	for (size_t t = 0; t < e->nteams; t++) {
		int a = e->area[t];
		long base, stayed;
		if (a >= 0) {
			base = out->area[a].stab_base;
			stayed = out->area[a].stab_stayed;
			add_counts(&out->area[a], &out->team[t]);
			out->area[a].stab_base = base;
			out->area[a].stab_stayed = stayed;
		}
		base = out->service.stab_base;
		stayed = out->service.stab_stayed;
		add_counts(&out->service, &out->team[t]);
		out->service.stab_base = base;
		out->service.stab_stayed = stayed;
	}
	for (size_t a = 0; a < e->nareas; a++) {
		out->area[a].have_start = have_start;
		out->area[a].have_year_ago = have_year;
	}
	out->service.have_start = have_start;
	out->service.have_year_ago = have_year;

	free(end_team); free(start_team); free(year_team); free(last_team); free(last_asof);
	free(last_start); free(last_id); free(seen); free(start_fte); free(last_fte);
	free(use); free(use2);
	return 0;
fail:
	free(end_team); free(start_team); free(year_team); free(last_team); free(last_asof);
	free(last_start); free(last_id); free(seen); free(start_fte); free(last_fte);
	free(use); free(use2);
	eng_result_free(out);
	return -1;
}
