/*
 * ctl_alert.c -- steadyctl rules / alerts / receivers (see ctl_alert.h).
 */
#include <cjson/cJSON.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts_sql.h"
#include "ctl_alert.h"
#include "errlist.h"
#include "notify.h"
#include "rules.h"

static void actor(char *out, size_t len)
{
	struct passwd *pw = getpwuid(getuid());
	snprintf(out, len, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
}

static PGresult *query(PGconn *conn, const char *sql, int n, const char *const *p)
{
	PGresult *r = PQexecParams(conn, sql, n, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "steadyctl: %s", PQresultErrorMessage(r));
		PQclear(r);
		return NULL;
	}
	return r;
}

static int usage_err(const char *msg)
{
	fprintf(stderr, "steadyctl: %s\n", msg);
	return 64;
}

/* ---- rules ---- */

static int rules_list(PGconn *conn)
{
	PGresult *r = query(conn, RULES_LIST_SQL, 0, NULL);
	if (!r)
		return 1;
	cJSON *doc = cJSON_Parse(PQgetvalue(r, 0, 0));
	PQclear(r);
	printf("%-24s %-10s %-3s %-6s %8s %8s %8s %8s %7s %4s\n", "FIGURE", "TEAM", "ON", "WORSE", "AMBER", "CLEAR",
	       "RED", "CLEAR", "MIN_DEN", "PEND");
	const cJSON *o;
	cJSON_ArrayForEach(o, cJSON_GetObjectItem(doc, "rules")) {
		struct rule x;
		struct errlist e = ERRLIST_INIT;
		memset(&x, 0, sizeof x);
		x.r.pending = 1;
		rules_from_json(o, &x, &e);
		errlist_free(&e);
		printf("%-24s %-10s %-3s %-6s %8g %8g %8g %8g %7g %4d\n", x.figure, x.team[0] ? x.team : "(all)",
		       x.r.enabled ? "yes" : "no", x.r.direction == ALERT_LOWER_WORSE ? "lower" : "higher", x.r.amber,
		       x.r.amber_clear, x.r.red, x.r.red_clear, x.r.min_den, x.r.pending);
	}
	cJSON_Delete(doc);
	return 0;
}

static int rules_set(PGconn *conn, int argc, char **argv)
{
	if (argc < 3)
		return usage_err("usage: steadyctl rules set FIGURE [--team CODE] [--amber N] [--amber-clear N] "
				 "[--red N] [--red-clear N] [--min-den N] [--pending N] [--enabled yes|no] "
				 "[--direction higher_is_worse|lower_is_worse]");
	const char *figure = argv[2], *team = NULL;
	const struct rule_figure *f = rules_figure(figure);
	if (!f)
		return usage_err("not a figure alerts can be set on (see docs/alerts.md)");
	cJSON *patch = cJSON_CreateObject();
	int rc = 1;
	char *text = NULL;
	PGresult *r = NULL;
	struct errlist errs = ERRLIST_INIT;
	if (!patch)
		goto fail;
	for (int i = 3; i < argc; i += 2) {
		if (i + 1 >= argc) {
			rc = usage_err("an option is missing its value");
			goto fail;
		}
		const char *opt = argv[i], *v = argv[i + 1];
		static const char *const nums[][2] = { { "--amber", "amber" }, { "--amber-clear", "amber_clear" },
			{ "--red", "red" }, { "--red-clear", "red_clear" }, { "--min-den", "min_den" },
			{ "--pending", "pending" } };
		int done = 0;
		for (size_t k = 0; k < sizeof nums / sizeof nums[0] && !done; k++)
			if (!strcmp(opt, nums[k][0])) {
				char *end;
				double d = strtod(v, &end);
				if (*end || end == v) {
					rc = usage_err("a number is expected");
					goto fail;
				}
				if (!cJSON_AddNumberToObject(patch, nums[k][1], d))
					goto fail;
				done = 1;
			}
		if (done)
			continue;
		if (!strcmp(opt, "--team"))
			team = v;
		else if (!strcmp(opt, "--enabled") && (!strcmp(v, "yes") || !strcmp(v, "no"))) {
			if (!cJSON_AddBoolToObject(patch, "enabled", !strcmp(v, "yes")))
				goto fail;
		} else if (!strcmp(opt, "--direction")) {
			if (!cJSON_AddStringToObject(patch, "direction", v))
				goto fail;
		} else {
			fprintf(stderr, "steadyctl: unknown option %s\n", opt);
			rc = 64;
			goto fail;
		}
	}
	/* start from the current rule for the team, else the default, else the shipped default */
	struct rule x;
	size_t nd;
	const struct rule *defaults = rules_defaults(&nd);  /* sets nd: not in the same call's arguments */
	const struct rule *d = rules_resolve(defaults, nd, f->key, NULL);
	memset(&x, 0, sizeof x);
	if (d)
		x = *d;
	else {
		snprintf(x.figure, sizeof x.figure, "%s", f->key);
		x.r.enabled = 1;
		x.r.direction = f->direction;
		x.r.pending = 1;
	}
	const char *gp[2] = { f->key, team };
	r = query(conn, RULE_GET_SQL, 2, gp);
	if (!r)
		goto fail;
	if (PQntuples(r)) {
		cJSON *cur = cJSON_Parse(PQgetvalue(r, 0, 0));
		rules_from_json(cur, &x, &errs);
		cJSON_Delete(cur);
		errlist_free(&errs);
	}
	PQclear(r);
	r = NULL;
	snprintf(x.team, sizeof x.team, "%s", team ? team : "");
	if (rules_from_json(patch, &x, &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "steadyctl: %s: %s\n", errs.v[i].column ? errs.v[i].column : "rule",
				errs.v[i].message);
		goto fail;
	}
	cJSON *j = rules_to_json(&x);
	text = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	char by[100];
	actor(by, sizeof by);
	const char *sp[4] = { f->key, team, text, by };
	if (!text || !(r = query(conn, RULE_SET_SQL, 4, sp)))
		goto fail;
	if (PQgetisnull(r, 0, 0)) {
		fprintf(stderr, "steadyctl: unknown team \"%s\"\n", team ? team : "");
		goto fail;
	}
	printf("rule %s%s%s set: amber %g (clear %g), red %g (clear %g)\n", f->key, team ? " for " : "",
	       team ? team : "", x.r.amber, x.r.amber_clear, x.r.red, x.r.red_clear);
	rc = 0;
fail:
	PQclear(r);
	free(text);
	errlist_free(&errs);
	cJSON_Delete(patch);
	return rc;
}

static int rules_delete(PGconn *conn, int argc, char **argv)
{
	if (argc != 3 && !(argc == 5 && !strcmp(argv[3], "--team")))
		return usage_err("usage: steadyctl rules delete FIGURE [--team CODE]");
	char by[100];
	actor(by, sizeof by);
	const char *p[3] = { argv[2], argc == 5 ? argv[4] : NULL, by };
	PGresult *r = query(conn,
			    "WITH a AS (SELECT set_config('steady.actor', $3, true)), "
			    "d AS (DELETE FROM alert_rule r WHERE (SELECT count(*) FROM a) = 1 AND r.figure = $1 AND "
			    " (($2::text IS NULL AND r.team_id IS NULL) OR "
			    "  r.team_id = (SELECT id FROM team WHERE lower(code) = lower($2::text))) RETURNING r.id), "
			    "n AS (SELECT pg_notify('steady_changed', 'rules') FROM d) "
			    "SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM n)", 3, p);
	if (!r)
		return 1;
	int n = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (!n) {
		fprintf(stderr, "steadyctl: no such rule\n");
		return 1;
	}
	printf("rule deleted\n");
	return 0;
}

/* ---- alerts ---- */

static int alerts_list(PGconn *conn, int all)
{
	PGresult *r = query(conn,
			    "SELECT a.id, a.level, t.code, a.figure, coalesce(a.value::text, ''), "
			    " to_char(a.fired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), "
			    " coalesce(a.acked_by || ': ' || a.ack_comment, ''), "
			    " coalesce(to_char(a.cleared_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || a.cleared_how, '') "
			    "FROM alert a JOIN team t ON t.id = a.team_id "
			    "WHERE $1::boolean OR a.cleared_at IS NULL ORDER BY a.id DESC LIMIT 500",
			    1, (const char *const[]){ all ? "true" : "false" });
	if (!r)
		return 1;
	printf("%-6s %-7s %-10s %-22s %8s %-16s %-30s %s\n", "ID", "LEVEL", "TEAM", "FIGURE", "VALUE", "FIRED (UTC)",
	       "ACKNOWLEDGED", "CLEARED");
	for (int i = 0; i < PQntuples(r); i++)
		printf("%-6s %-7s %-10s %-22s %8s %-16s %-30s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		       PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
		       PQgetvalue(r, i, 6), PQgetvalue(r, i, 7));
	PQclear(r);
	return 0;
}

static int alerts_ack(PGconn *conn, int argc, char **argv)
{
	if (argc != 4 || !*argv[3])
		return usage_err("usage: steadyctl alerts ack ID COMMENT");
	char by[100];
	actor(by, sizeof by);
	const char *p[3] = { argv[2], by, argv[3] };
	PGresult *r = query(conn, "SELECT steady_alert_ack($1::bigint, $2, $3)", 3, p);
	if (!r)
		return 1;
	const char *res = PQgetvalue(r, 0, 0);
	int rc = strcmp(res, "ok") ? 1 : 0;
	if (rc)
		fprintf(stderr, "steadyctl: alert %s not acknowledged: %s\n", argv[2],
			!strcmp(res, "already") ? "already acknowledged" :
			!strcmp(res, "not_found") ? "no such alert" : "no longer active");
	else
		printf("alert %s acknowledged\n", argv[2]);
	PQclear(r);
	return rc;
}

/* ---- receivers ---- */

static int receivers_add(PGconn *conn, int argc, char **argv)
{
	if (argc != 5 && !(argc == 7 && !strcmp(argv[5], "--timeout-ms")))
		return usage_err("usage: steadyctl receivers add NAME json|teams|slack URL [--timeout-ms N]\n"
				 "       steadyctl receivers add NAME email ADDRESS[,ADDRESS...] [--timeout-ms N]");
	char by[100], rcpt[2001];
	const char *target = argv[4], *why;
	if (!strcmp(argv[3], "email")) {
		/* stored normalised ("a@x, b@y"), as the API does */
		if (notify_email_list(argv[4], rcpt, sizeof rcpt, &why) < 0) {
			fprintf(stderr, "steadyctl: \"%s\": %s\n", argv[4], why);
			return 1;
		}
		target = rcpt;
	}
	actor(by, sizeof by);
	const char *p[5] = { argv[2], argv[3], target, argc == 7 ? argv[6] : "5000", by };
	PGresult *r = query(conn,
			    "INSERT INTO alert_receiver (name, kind, url, timeout_ms, created_by) "
			    "VALUES ($1, $2, $3, $4::integer, $5) RETURNING id", 5, p);
	if (!r)
		return 1;
	printf("receiver %s added (id %s)\n", argv[2], PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

static int receivers_list(PGconn *conn)
{
	PGresult *r = query(conn,
			    "SELECT r.id, r.name, r.kind, r.url, r.enabled, "
			    " (SELECT count(*) FROM alert_outbox o WHERE o.receiver_id = r.id AND delivered_at IS NOT NULL), "
			    " (SELECT count(*) FROM alert_outbox o WHERE o.receiver_id = r.id AND delivered_at IS NULL "
			    "   AND failed_at IS NULL), "
			    " (SELECT count(*) FROM alert_outbox o WHERE o.receiver_id = r.id AND failed_at IS NOT NULL), "
			    " coalesce((SELECT last_error FROM alert_outbox o WHERE o.receiver_id = r.id "
			    "   AND delivered_at IS NULL AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1), '') "
			    "FROM alert_receiver r ORDER BY r.id", 0, NULL);
	if (!r)
		return 1;
	printf("%-4s %-16s %-6s %-3s %9s %7s %6s  %-40s %s\n", "ID", "NAME", "KIND", "ON", "DELIVERED", "PENDING",
	       "FAILED", "URL / ADDRESSES", "LAST ERROR");
	for (int i = 0; i < PQntuples(r); i++)
		printf("%-4s %-16s %-6s %-3s %9s %7s %6s  %-40s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		       PQgetvalue(r, i, 2), PQgetvalue(r, i, 4)[0] == 't' ? "yes" : "no", PQgetvalue(r, i, 5),
		       PQgetvalue(r, i, 6), PQgetvalue(r, i, 7), PQgetvalue(r, i, 3), PQgetvalue(r, i, 8));
	PQclear(r);
	return 0;
}

static int receivers_del(PGconn *conn, int argc, char **argv)
{
	if (argc != 3)
		return usage_err("usage: steadyctl receivers del ID");
	const char *p[1] = { argv[2] };
	PGresult *r = query(conn, "DELETE FROM alert_receiver WHERE id = $1::integer RETURNING id", 1, p);
	if (!r)
		return 1;
	int n = PQntuples(r);
	PQclear(r);
	if (!n) {
		fprintf(stderr, "steadyctl: no such receiver\n");
		return 1;
	}
	printf("receiver %s deleted\n", argv[2]);
	return 0;
}

int ctl_alert_handles(const char *cmd)
{
	return !strcmp(cmd, "rules") || !strcmp(cmd, "alerts") || !strcmp(cmd, "receivers");
}

int ctl_alert(PGconn *conn, int argc, char **argv)
{
	const char *cmd = argv[0], *sub = argc > 1 ? argv[1] : "list";
	if (!strcmp(cmd, "rules")) {
		if (!strcmp(sub, "list"))
			return rules_list(conn);
		if (!strcmp(sub, "set"))
			return rules_set(conn, argc, argv);
		if (!strcmp(sub, "delete"))
			return rules_delete(conn, argc, argv);
	} else if (!strcmp(cmd, "alerts")) {
		if (!strcmp(sub, "list"))
			return alerts_list(conn, argc > 2 && !strcmp(argv[2], "--all"));
		if (!strcmp(sub, "ack"))
			return alerts_ack(conn, argc, argv);
	} else {
		if (!strcmp(sub, "add"))
			return receivers_add(conn, argc, argv);
		if (!strcmp(sub, "list"))
			return receivers_list(conn);
		if (!strcmp(sub, "del"))
			return receivers_del(conn, argc, argv);
	}
	fprintf(stderr, "steadyctl: unknown %s subcommand \"%s\"\n", cmd, sub);
	return 64;
}
