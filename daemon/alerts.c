/*
 * alerts.c -- rule evaluation after each figures refresh (see alerts.h).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alerts.h"
#include "dates.h"
#include "db.h"
#include "log.h"
#include "rules.h"

#define MAX_RETRIES 5

static const char READ_SQL[] =
	"SELECT (SELECT coalesce(jsonb_agg(jsonb_build_object('figure', r.figure, 'team', t.code, "
	"  'enabled', r.enabled, 'direction', CASE r.direction WHEN 1 THEN 'higher_is_worse' "
	"  ELSE 'lower_is_worse' END, 'amber', r.amber, 'amber_clear', r.amber_clear, 'red', r.red, "
	"  'red_clear', r.red_clear, 'min_den', r.min_den, 'pending', r.pending, "
	"  'notify_nodata', r.notify_nodata)), '[]'::jsonb) "
	"  FROM alert_rule r LEFT JOIN team t ON t.id = r.team_id)::text, "
	" (SELECT coalesce(jsonb_agg(jsonb_build_object('figure', s.figure, 'team_id', s.team_id, "
	"  'level', s.level, 'acked', s.acked, 'pending_level', s.pending_level, "
	"  'pending_count', s.pending_count, 'last_date', s.last_date, 'version', s.version)), "
	"  '[]'::jsonb) FROM alert_state s)::text, "
	" steady_alerts_active()::text";

static const char APPLY_SQL[] = "SELECT steady_alert_apply($1::jsonb)::text";

struct stored {
	char figure[40];
	long team_id;
	long version;
	struct alert_state st;
};

struct alerts {
	struct db *db;
	int busy;
	int tries;
	int changed;
	char *summary;          /* the document being evaluated */
	alerts_done_cb done;
	void *ud;
};

struct alerts *alerts_new(struct db *db)
{
	struct alerts *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->db = db;
	return a;
}

void alerts_free(struct alerts *a)
{
	if (!a)
		return;
	free(a->summary);
	free(a);
}

static int iso_days(const char *s)
{
	int y, m, d;
	if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return ALERT_NO_DATE;
	return (int)date_to_days(y, m, d);
}

static void days_iso(int days, char out[11])
{
	int y, m, d;
	date_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* `doc` (a JSON object's text) with "alerts": `array` (a JSON array's text)
 * spliced in before its closing brace, without re-parsing the document (it
 * can be megabytes for a large service).  malloc'd, or NULL. */
static char *splice_alerts(const char *doc, const char *array)
{
	size_t n = strlen(doc), an = strlen(array);
	while (n && (doc[n - 1] == ' ' || doc[n - 1] == '\n' || doc[n - 1] == '\r' || doc[n - 1] == '\t'))
		n--;
	if (n < 2 || doc[0] != '{' || doc[n - 1] != '}' || an < 2 || array[0] != '[' || array[an - 1] != ']')
		return NULL;
	size_t inner = n - 1;  /* up to the closing brace */
	int empty = 1;
	for (size_t k = 1; k < inner && empty; k++)
		if (!strchr(" \n\r\t", doc[k]))
			empty = 0;
	static const char key[] = "\"alerts\":";
	char *out = malloc(inner + 1 + sizeof key - 1 + an + 2);
	if (!out)
		return NULL;
	size_t o = 0;
	memcpy(out, doc, inner);
	o = inner;
	if (!empty)
		out[o++] = ',';
	memcpy(out + o, key, sizeof key - 1);
	o += sizeof key - 1;
	memcpy(out + o, array, an);
	o += an;
	out[o++] = '}';
	out[o] = '\0';
	return out;
}

/* Hands the summary (with "alerts" = active, a JSON array text) to the caller. */
static void finish(struct alerts *a, const char *active)
{
	char *out = active ? splice_alerts(a->summary, active) : NULL;
	if (!out) {
		/* no alerts known (database failed) or out of memory: the figures as they were */
		out = a->summary;
		a->summary = NULL;
	}
	free(a->summary);
	a->summary = NULL;
	a->busy = 0;
	alerts_done_cb done = a->done;
	void *ud = a->ud;
	int changed = a->changed;
	a->done = NULL;
	done(ud, out, changed);
}

static int parse_rules(const char *text, struct rule **out, size_t *n)
{
	cJSON *arr = cJSON_Parse(text);
	struct rule *rules = NULL;
	size_t k = 0;
	int cnt = cJSON_GetArraySize(arr);
	*out = NULL;
	*n = 0;
	if (!cJSON_IsArray(arr))
		goto fail;
	rules = calloc((size_t)cnt + 1, sizeof *rules);
	if (!rules)
		goto fail;
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		struct errlist errs = ERRLIST_INIT;
		struct rule *r = &rules[k];
		memset(r, 0, sizeof *r);
		r->r.pending = 1;
		if (rules_from_json(o, r, &errs) == 0)
			k++;
		else
			log_warn("alerts: ignoring an invalid stored rule for %s: %s", r->figure,
				 errs.n ? errs.v[0].message : "?");
		errlist_free(&errs);
	}
	cJSON_Delete(arr);
	*out = rules;
	*n = k;
	return 0;
fail:
	cJSON_Delete(arr);
	free(rules);
	return -1;
}

static int parse_states(const char *text, struct stored **out, size_t *n)
{
	cJSON *arr = cJSON_Parse(text);
	struct stored *s = NULL;
	size_t k = 0;
	*out = NULL;
	*n = 0;
	if (!cJSON_IsArray(arr))
		goto fail;
	s = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *s);
	if (!s)
		goto fail;
	const cJSON *o;
	cJSON_ArrayForEach(o, arr) {
		struct stored *x = &s[k];
		const cJSON *fig = cJSON_GetObjectItemCaseSensitive(o, "figure");
		const cJSON *lvl = cJSON_GetObjectItemCaseSensitive(o, "level");
		const cJSON *pl = cJSON_GetObjectItemCaseSensitive(o, "pending_level");
		if (!cJSON_IsString(fig) || !cJSON_IsString(lvl) || !cJSON_IsString(pl))
			continue;
		snprintf(x->figure, sizeof x->figure, "%s", fig->valuestring);
		alert_state_init(&x->st);
		x->team_id = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "team_id"));
		x->version = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "version"));
		if (alert_level_parse(lvl->valuestring, &x->st.level) < 0 ||
		    alert_level_parse(pl->valuestring, &x->st.pending_level) < 0)
			continue;
		x->st.acked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "acked"));
		x->st.pending_count = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "pending_count"));
		x->st.last_date = iso_days(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "last_date")));
		k++;
	}
	cJSON_Delete(arr);
	*out = s;
	*n = k;
	return 0;
fail:
	cJSON_Delete(arr);
	free(s);
	return -1;
}

static int add_num_or_null(cJSON *o, const char *key, int has, double v)
{
	return (has ? cJSON_AddNumberToObject(o, key, v) : cJSON_AddNullToObject(o, key)) ? 0 : -1;
}

/* The generic notification document (docs/alerts.md); the database adds
 * event_id, alert_id and at. */
static cJSON *payload(const struct rule *r, const cJSON *team, const char *as_of,
		      const struct alert_result *res, const struct alert_input *in)
{
	const struct rule_figure *f = rules_figure(r->figure);
	cJSON *p = cJSON_CreateObject(), *t = cJSON_CreateObject(), *th = cJSON_CreateObject();
	if (!p || !t || !th || !cJSON_AddItemToObject(p, "team", t)) {
		cJSON_Delete(t);
		goto fail;
	}
	t = NULL;
	const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(team, "code"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(team, "name"));
	const char *area = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(team, "area"));
	cJSON *tt = cJSON_GetObjectItemCaseSensitive(p, "team");
	if (!cJSON_AddStringToObject(p, "type", "steady.alert") ||
	    !cJSON_AddStringToObject(p, "transition", alert_transition_name(res->transition)) ||
	    !cJSON_AddStringToObject(p, "level", alert_level_name(res->to)) ||
	    !cJSON_AddStringToObject(p, "previous_level", alert_level_name(res->from)) ||
	    !cJSON_AddStringToObject(p, "figure", r->figure) ||
	    !cJSON_AddStringToObject(p, "figure_label", f ? f->label : r->figure) ||
	    !cJSON_AddStringToObject(p, "unit", f ? f->unit : "percent") ||
	    add_num_or_null(p, "value", in->has_value, in->value) < 0 ||
	    add_num_or_null(p, "den", in->has_value, in->den) < 0 ||
	    !cJSON_AddStringToObject(p, "as_of", as_of) ||
	    !cJSON_AddStringToObject(tt, "code", code ? code : "") ||
	    !cJSON_AddStringToObject(tt, "name", name ? name : "") ||
	    !cJSON_AddStringToObject(tt, "area", area ? area : "") ||
	    !cJSON_AddItemToObject(p, "thresholds", th))
		goto fail;
	cJSON *tp = th;
	th = NULL;
	if (!cJSON_AddStringToObject(tp, "direction", rules_direction_name(r->r.direction)) ||
	    !cJSON_AddNumberToObject(tp, "amber", r->r.amber) ||
	    !cJSON_AddNumberToObject(tp, "amber_clear", r->r.amber_clear) ||
	    !cJSON_AddNumberToObject(tp, "red", r->r.red) || !cJSON_AddNumberToObject(tp, "red_clear", r->r.red_clear))
		goto fail;
	return p;
fail:
	cJSON_Delete(th);
	cJSON_Delete(p);
	return NULL;
}

/* One change for steady_alert_apply().  0 or -1 (ENOMEM). */
static int add_change(cJSON *changes, const struct rule *r, const cJSON *team, long team_id, long version,
		      const char *as_of, const struct alert_input *in, const struct alert_result *res)
{
	char last[11] = "";
	cJSON *c = cJSON_CreateObject();
	if (!c || !cJSON_AddItemToArray(changes, c)) {
		cJSON_Delete(c);
		return -1;
	}
	if (res->next.last_date != ALERT_NO_DATE)
		days_iso(res->next.last_date, last);
	if (!cJSON_AddStringToObject(c, "figure", r->figure) || !cJSON_AddNumberToObject(c, "team_id", (double)team_id) ||
	    !cJSON_AddNumberToObject(c, "expected_version", (double)version) ||
	    !cJSON_AddStringToObject(c, "level", alert_level_name(res->next.level)) ||
	    !cJSON_AddBoolToObject(c, "acked", res->next.acked) ||
	    !cJSON_AddStringToObject(c, "pending_level", alert_level_name(res->next.pending_level)) ||
	    !cJSON_AddNumberToObject(c, "pending_count", res->next.pending_count) ||
	    !(last[0] ? cJSON_AddStringToObject(c, "last_date", last) : cJSON_AddNullToObject(c, "last_date")) ||
	    !cJSON_AddStringToObject(c, "transition", alert_transition_name(res->transition)) ||
	    !cJSON_AddStringToObject(c, "from", alert_level_name(res->from)) ||
	    !cJSON_AddStringToObject(c, "to", alert_level_name(res->to)) ||
	    !cJSON_AddBoolToObject(c, "notify", res->notify) ||
	    add_num_or_null(c, "value", in->has_value, in->value) < 0 ||
	    add_num_or_null(c, "den", in->has_value, in->den) < 0 || !cJSON_AddStringToObject(c, "as_of", as_of))
		return -1;
	if (res->notify) {
		cJSON *p = payload(r, team, as_of, res, in);
		if (!p || !cJSON_AddItemToObject(c, "payload", p)) {
			cJSON_Delete(p);
			return -1;
		}
	}
	return 0;
}

/* Runs the state machine over the summary; returns the changes (an array,
 * possibly empty) or NULL on ENOMEM / a malformed document. */
static cJSON *evaluate(const char *summary, const struct rule *rules, size_t nrules,
		       const struct stored *states, size_t nstates)
{
	cJSON *doc = cJSON_Parse(summary);
	cJSON *changes = cJSON_CreateArray();
	if (!doc || !changes)
		goto fail;
	const char *as_of = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "as_of"));
	if (!as_of) {  /* nothing uploaded yet: nothing to evaluate */
		cJSON_Delete(doc);
		return changes;
	}
	int date = iso_days(as_of);
	const cJSON *team;
	cJSON_ArrayForEach(team, cJSON_GetObjectItemCaseSensitive(doc, "teams")) {
		const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(team, "code"));
		long team_id = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(team, "id"));
		if (!code)
			continue;
		const struct rule_figure *f;
		for (size_t i = 0; (f = rules_figure_at(i)) != NULL; i++) {
			const struct stored *prev = NULL;
			for (size_t k = 0; k < nstates && !prev; k++)
				if (states[k].team_id == team_id && !strcmp(states[k].figure, f->key))
					prev = &states[k];
			const struct rule *r = rules_resolve(rules, nrules, f->key, code);
			struct rule off;
			if (!r) {
				/* a rule removed while its alert is active: resolve it */
				if (!prev || (prev->st.level != ALERT_AMBER && prev->st.level != ALERT_RED))
					continue;
				memset(&off, 0, sizeof off);
				snprintf(off.figure, sizeof off.figure, "%s", f->key);
				off.r.direction = f->direction;
				off.r.pending = 1;
				r = &off;
			}
			struct alert_state st;
			alert_state_init(&st);
			if (prev)
				st = prev->st;
			const cJSON *fig = cJSON_GetObjectItemCaseSensitive(team, f->key);
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(fig, "value");
			struct alert_input in = { cJSON_IsNumber(v), cJSON_IsNumber(v) ? v->valuedouble : 0,
						  cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(fig, "den")), date };
			if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(fig, "den")))
				in.den = 0;
			struct alert_result res;
			alert_step(&st, &r->r, &in, &res);
			if (!res.changed)
				continue;
			if (add_change(changes, r, team, team_id, prev ? prev->version : 0, as_of, &in, &res) < 0)
				goto fail;
		}
	}
	cJSON_Delete(doc);
	return changes;
fail:
	cJSON_Delete(doc);
	cJSON_Delete(changes);
	return NULL;
}

static void start(struct alerts *a);

static void applied(void *arg, struct pgjob_outcome *out)
{
	struct alerts *a = arg;
	if (!out->ok) {
		log_error("alerts: storing the evaluation failed: %s", out->error);
		finish(a, NULL);
		return;
	}
	cJSON *r = cJSON_Parse(PQgetvalue(out->result, 0, 0));
	int conflicts = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(r, "conflicts"));
	char *active = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(r, "active"));
	cJSON_Delete(r);
	a->changed = 1;
	if (conflicts > 0 && a->tries < MAX_RETRIES) {
		log_debug("alerts: %d changes were made meanwhile by another daemon; evaluating again", conflicts);
		free(active);
		start(a);
		return;
	}
	if (conflicts > 0)
		log_warn("alerts: %d changes still conflicting after %d tries; the next change retries",
			 conflicts, a->tries);
	finish(a, active);
	free(active);
}

static void read_done(void *arg, struct pgjob_outcome *out)
{
	struct alerts *a = arg;
	struct rule *rules = NULL;
	struct stored *states = NULL;
	size_t nrules = 0, nstates = 0;
	cJSON *changes = NULL;
	char *text = NULL;
	if (!out->ok) {
		log_error("alerts: reading rules and alert state failed: %s", out->error);
		finish(a, NULL);
		return;
	}
	if (parse_rules(PQgetvalue(out->result, 0, 0), &rules, &nrules) < 0 ||
	    parse_states(PQgetvalue(out->result, 0, 1), &states, &nstates) < 0) {
		log_error("alerts: out of memory reading the rules and alert state");
		goto fail;
	}
	changes = evaluate(a->summary, rules, nrules, states, nstates);
	if (!changes) {
		log_error("alerts: out of memory evaluating the rules");
		goto fail;
	}
	if (cJSON_GetArraySize(changes) == 0) {
		finish(a, PQgetvalue(out->result, 0, 2));
		goto done;
	}
	text = cJSON_PrintUnformatted(changes);
	const char *params[1] = { text };
	if (!text || db_query(a->db, APPLY_SQL, 1, params, applied, a) < 0) {
		log_error("alerts: out of memory storing the evaluation");
		goto fail;
	}
	log_debug("alerts: %d state changes to store", cJSON_GetArraySize(changes));
	goto done;
fail:
	finish(a, PQgetvalue(out->result, 0, 2));
done:
	free(text);
	cJSON_Delete(changes);
	free(rules);
	free(states);
}

static void start(struct alerts *a)
{
	a->tries++;
	if (db_query(a->db, READ_SQL, 0, NULL, read_done, a) < 0) {
		log_error("alerts: out of memory starting an evaluation");
		finish(a, NULL);
	}
}

int alerts_evaluate(struct alerts *a, char *summary_json, alerts_done_cb done, void *ud)
{
	if (a->busy)
		return -1;
	a->busy = 1;
	a->tries = 0;
	a->changed = 0;
	a->summary = summary_json;
	a->done = done;
	a->ud = ud;
	start(a);
	return 0;
}
