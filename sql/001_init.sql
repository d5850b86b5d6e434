-- 001: teams, upload batches, roster snapshots, and the roster-at-a-date view.
-- Applied by steadyctl migrate / steadyd at start, in one transaction.

CREATE TABLE service_area (
	id    serial PRIMARY KEY,
	name  text NOT NULL UNIQUE
);

CREATE TABLE team (
	id       serial PRIMARY KEY,
	code     text NOT NULL,
	name     text NOT NULL,
	area_id  integer REFERENCES service_area(id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (code <> '' AND name <> '')
);
-- a roster's team column may hold the code or the name, case-insensitively
CREATE UNIQUE INDEX team_code_ci ON team (lower(code));
CREATE UNIQUE INDEX team_name_ci ON team (lower(name));

-- Every upload is a batch: who, when, what, the original bytes and their hash.
CREATE TABLE upload_batch (
	id           bigserial PRIMARY KEY,
	kind         text NOT NULL CHECK (kind IN ('roster')),
	source       text NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,32}$'),
	as_of        date NOT NULL,
	uploaded_by  text NOT NULL,
	uploaded_at  timestamptz NOT NULL DEFAULT now(),
	sha256       text NOT NULL,
	original     bytea NOT NULL,
	row_count    integer NOT NULL,
	status       text NOT NULL DEFAULT 'loaded' CHECK (status IN ('loaded', 'reverted'))
);
CREATE INDEX upload_batch_current ON upload_batch (kind, source, as_of DESC, id DESC)
	WHERE status = 'loaded';

CREATE TABLE roster_row (
	batch_id      bigint NOT NULL REFERENCES upload_batch(id) ON DELETE CASCADE,
	line          integer NOT NULL,
	staff_id      text NOT NULL,
	team_id       integer NOT NULL REFERENCES team(id),
	contract      text NOT NULL CHECK (contract IN ('permanent', 'fixed_term', 'agency')),
	fte           numeric(5,4) NOT NULL CHECK (fte > 0 AND fte <= 1),
	role          text,
	caseload      integer CHECK (caseload >= 0),
	start_date    date,
	end_date      date,
	absence_days  numeric(6,2) CHECK (absence_days >= 0),
	PRIMARY KEY (batch_id, staff_id)
);

-- The batches in force at date d: per source, the latest loaded roster on or before d.
CREATE FUNCTION steady_roster_batches(d date) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	SELECT DISTINCT ON (source) id
	  FROM upload_batch
	 WHERE kind = 'roster' AND status = 'loaded' AND as_of <= d
	 ORDER BY source, as_of DESC, id DESC
$$;

-- Staff in post at date d (leavers whose end_date is on or before d are out).
CREATE FUNCTION steady_in_post(d date)
RETURNS TABLE (staff_id text, team_id integer, contract text, fte numeric, caseload integer)
LANGUAGE sql STABLE AS $$
	SELECT r.staff_id, r.team_id, r.contract, r.fte, r.caseload
	  FROM roster_row r
	 WHERE r.batch_id IN (SELECT steady_roster_batches(d))
	   AND (r.end_date IS NULL OR r.end_date > d)
	   AND (r.start_date IS NULL OR r.start_date <= d)
$$;

-- Loads the rows staged in the session's temporary table steady_in as one roster
-- batch.  Every team must be known: otherwise it raises SQLSTATE 'ST422' with a
-- JSON array of {row, column, value, message} in the DETAIL, and the caller's
-- transaction is rolled back so nothing is stored.  Announces the change.
CREATE FUNCTION steady_load_roster(p_source text, p_as_of date, p_by text,
                                   p_sha256 text, p_original bytea)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_batch bigint;
	v_rows integer;
	v_errors jsonb;
BEGIN
	SELECT jsonb_agg(jsonb_build_object(
	         'row', i.line, 'column', 'team', 'value', i.team,
	         'message', format('unknown team "%s": add it first (steadyctl team add) or correct the name', i.team))
	         ORDER BY i.line)
	  INTO v_errors
	  FROM steady_in i
	 WHERE NOT EXISTS (SELECT 1 FROM team t
	                    WHERE lower(t.code) = lower(i.team) OR lower(t.name) = lower(i.team));
	IF v_errors IS NOT NULL THEN
		RAISE EXCEPTION 'unknown teams in upload' USING ERRCODE = 'ST422', DETAIL = v_errors::text;
	END IF;

	SELECT count(*) INTO v_rows FROM steady_in;
	INSERT INTO upload_batch (kind, source, as_of, uploaded_by, sha256, original, row_count)
	     VALUES ('roster', p_source, p_as_of, p_by, p_sha256, p_original, v_rows)
	  RETURNING id INTO v_batch;

	INSERT INTO roster_row (batch_id, line, staff_id, team_id, contract, fte, role,
	                        caseload, start_date, end_date, absence_days)
	SELECT v_batch, i.line, i.staff_id,
	       (SELECT t.id FROM team t
	         WHERE lower(t.code) = lower(i.team) OR lower(t.name) = lower(i.team)
	         ORDER BY (lower(t.code) = lower(i.team)) DESC LIMIT 1),
	       i.contract, i.fte, i.role, i.caseload, i.start_date, i.end_date, i.absence_days
	  FROM steady_in i;

	PERFORM pg_notify('steady_changed', json_build_object('batch', v_batch, 'kind', 'roster')::text);
	RETURN v_batch;
END
$$;
