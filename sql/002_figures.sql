-- 002: what the figures engine needs: a stable integer key per person (the
-- same staff_id in any batch or source is the same person), and the
-- establishment (funded FTE per team) with its history.

CREATE TABLE staff (
	key       serial PRIMARY KEY,
	staff_id  text NOT NULL UNIQUE
);

ALTER TABLE roster_row ADD COLUMN staff_key integer REFERENCES staff(key);
INSERT INTO staff (staff_id) SELECT DISTINCT staff_id FROM roster_row ON CONFLICT DO NOTHING;
UPDATE roster_row r SET staff_key = s.key FROM staff s WHERE s.staff_id = r.staff_id;
ALTER TABLE roster_row ALTER COLUMN staff_key SET NOT NULL;

CREATE TABLE establishment (
	team_id         integer NOT NULL REFERENCES team(id),
	effective_from  date NOT NULL,
	fte             numeric(8,2) NOT NULL CHECK (fte >= 0),
	set_by          text NOT NULL,
	set_at          timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (team_id, effective_from)
);

-- The rows of a staged upload (a temporary table with `line` and `team`)
-- whose team is unknown, as a JSON array of {row, column, value, message};
-- '[]' when every team is known.  Used by the loaders, and on its own to report
-- unknown teams together with a file's other problems.
CREATE FUNCTION steady_unknown_teams(p_table regclass) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v jsonb;
BEGIN
	EXECUTE format($q$
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		         'row', i.line, 'column', 'team', 'value', i.team,
		         'message', format('unknown team "%%s": add it first (steadyctl team add) or correct the name', i.team))
		         ORDER BY i.line), '[]')
		  FROM %s i
		 WHERE NOT EXISTS (SELECT 1 FROM team t
		                    WHERE lower(t.code) = lower(i.team) OR lower(t.name) = lower(i.team))$q$, p_table)
	   INTO v;
	RETURN v;
END
$$;

CREATE OR REPLACE FUNCTION steady_load_roster(p_source text, p_as_of date, p_by text,
                                              p_sha256 text, p_original bytea)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_batch bigint;
	v_rows integer;
	v_errors jsonb;
BEGIN
	v_errors := steady_unknown_teams('steady_in');
	IF v_errors <> '[]'::jsonb THEN
		RAISE EXCEPTION 'unknown teams in upload' USING ERRCODE = 'ST422', DETAIL = v_errors::text;
	END IF;

	SELECT count(*) INTO v_rows FROM steady_in;
	INSERT INTO upload_batch (kind, source, as_of, uploaded_by, sha256, original, row_count)
	     VALUES ('roster', p_source, p_as_of, p_by, p_sha256, p_original, v_rows)
	  RETURNING id INTO v_batch;

	INSERT INTO staff (staff_id) SELECT DISTINCT staff_id FROM steady_in ON CONFLICT DO NOTHING;

	INSERT INTO roster_row (batch_id, line, staff_id, staff_key, team_id, contract, fte, role,
	                        caseload, start_date, end_date, absence_days)
	SELECT v_batch, i.line, i.staff_id, s.key,
	       (SELECT t.id FROM team t
	         WHERE lower(t.code) = lower(i.team) OR lower(t.name) = lower(i.team)
	         ORDER BY (lower(t.code) = lower(i.team)) DESC LIMIT 1),
	       i.contract, i.fte, i.role, i.caseload, i.start_date, i.end_date, i.absence_days
	  FROM steady_in i
	  JOIN staff s ON s.staff_id = i.staff_id;

	PERFORM pg_notify('steady_changed', json_build_object('batch', v_batch, 'kind', 'roster')::text);
	RETURN v_batch;
END
$$;
