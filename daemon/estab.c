/*
 * estab.c -- establishment statements (see estab.h).
 */
#include "estab.h"

const char ESTAB_SET_SQL[] =
	"WITH t AS (SELECT id, code FROM team WHERE lower(code) = lower($1) OR lower(name) = lower($1)"
	"           ORDER BY (lower(code) = lower($1)) DESC LIMIT 1),"
	" ins AS (INSERT INTO establishment (team_id, effective_from, fte, set_by)"
	"         SELECT id, $2::date, $3::numeric, $4 FROM t"
	"         ON CONFLICT (team_id, effective_from) DO UPDATE"
	"            SET fte = EXCLUDED.fte, set_by = EXCLUDED.set_by, set_at = now()"
	"         RETURNING team_id, fte),"
	" n AS (SELECT pg_notify('steady_changed', '{\"kind\":\"establishment\"}') FROM ins)"
	" SELECT t.code, ins.fte FROM t JOIN ins ON ins.team_id = t.id, (SELECT count(*) FROM n) nn";

const char ESTAB_LIST_SQL[] =
	"SELECT json_build_object('establishment', coalesce(json_agg(json_build_object("
	"  'team', t.code, 'fte', e.fte, 'effective_from', e.effective_from, 'set_by', e.set_by)"
	"  ORDER BY t.id, e.effective_from), '[]'))"
	"  FROM establishment e JOIN team t ON t.id = e.team_id";
