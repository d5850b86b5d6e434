/*
 * alerts_sql.h -- SQL shared by the alerting API (api_alerts.c) and the CLI
 * (ctl_alert.c), so that both read and write rules the same way.
 */
#ifndef STEADY_ALERTS_SQL_H
#define STEADY_ALERTS_SQL_H

#define RULE_JSON \
	"jsonb_build_object('id', r.id, 'figure', r.figure, 'team', t.code, 'enabled', r.enabled, " \
	"'direction', CASE r.direction WHEN 1 THEN 'higher_is_worse' ELSE 'lower_is_worse' END, " \
	"'amber', r.amber, 'amber_clear', r.amber_clear, 'red', r.red, 'red_clear', r.red_clear, " \
	"'min_den', r.min_den, 'pending', r.pending, 'notify_nodata', r.notify_nodata, " \
	"'updated_at', r.updated_at, 'updated_by', r.updated_by)"

#define RULES_LIST_SQL \
	"SELECT jsonb_build_object('rules', coalesce((SELECT jsonb_agg(" RULE_JSON \
	" ORDER BY r.figure, t.code NULLS FIRST) FROM alert_rule r LEFT JOIN team t ON t.id = r.team_id), " \
	"'[]'::jsonb))::text"

/* $1 figure, $2 team code or NULL, $3 the rule as JSON, $4 by */
#define RULE_SET_SQL \
	"WITH tm AS (SELECT id FROM team WHERE $2::text IS NOT NULL AND lower(code) = lower($2::text)), " \
	"up AS (INSERT INTO alert_rule AS r (figure, team_id, enabled, direction, amber, amber_clear, red, " \
	"  red_clear, min_den, pending, notify_nodata, updated_at, updated_by) " \
	" SELECT $1, (SELECT id FROM tm), (j->>'enabled')::boolean, " \
	"  CASE j->>'direction' WHEN 'lower_is_worse' THEN -1 ELSE 1 END, (j->>'amber')::float8, " \
	"  (j->>'amber_clear')::float8, (j->>'red')::float8, (j->>'red_clear')::float8, (j->>'min_den')::float8, " \
	"  (j->>'pending')::integer, (j->>'notify_nodata')::boolean, now(), $4 " \
	" FROM (SELECT $3::jsonb AS j) x WHERE $2::text IS NULL OR EXISTS (SELECT 1 FROM tm) " \
	" ON CONFLICT (figure, coalesce(team_id, 0)) DO UPDATE SET enabled = EXCLUDED.enabled, " \
	"  direction = EXCLUDED.direction, amber = EXCLUDED.amber, amber_clear = EXCLUDED.amber_clear, " \
	"  red = EXCLUDED.red, red_clear = EXCLUDED.red_clear, min_den = EXCLUDED.min_den, " \
	"  pending = EXCLUDED.pending, notify_nodata = EXCLUDED.notify_nodata, updated_at = now(), " \
	"  updated_by = EXCLUDED.updated_by RETURNING r.*), " \
	"n AS (SELECT pg_notify('steady_changed', 'rules') FROM up) " \
	"SELECT (SELECT " RULE_JSON "::text FROM up r LEFT JOIN team t ON t.id = r.team_id), " \
	" (SELECT count(*) FROM n)"

/* the current rule for (figure, team), else the default, as JSON; $1 figure, $2 team or NULL */
#define RULE_GET_SQL \
	"SELECT " RULE_JSON "::text FROM alert_rule r LEFT JOIN team t ON t.id = r.team_id " \
	"WHERE r.figure = $1 AND (r.team_id IS NULL OR lower(t.code) = lower($2::text)) " \
	"ORDER BY r.team_id NULLS LAST LIMIT 1"

#endif
