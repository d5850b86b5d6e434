-- 007: loading a roster as fast as a plain COPY (issue 4: a 100,000-row file
-- in no more than 3x the time of psql's \copy of it).  The daemon and steadyctl
-- now COPY the validated rows straight into roster_row, in one transaction:
--
--   BEGIN
--   steady_roster_open()   duplicate check, the batch's id, each distinct team
--                          value of the file resolved once; the batch row with
--                          the original bytes is inserted by the same statement
--   COPY roster_row        team_id already resolved by the client from what
--                          steady_roster_open returned; batch_id is the column
--                          default, the batch steady_roster_open opened
--   steady_roster_close()  unknown teams -> ST422 with every row (the
--                          transaction is rolled back: nothing stored), profile,
--                          NOTIFY
--   COMMIT
--
-- What made the old path 10-15x \copy (docs/benchmarks.md): a staging table
-- copied again by INSERT ... SELECT, three per-row foreign-key checks
-- (100,000 trigger calls each), a join with the staff table and new ids added
-- to it, a text primary key, JIT compilation of the insert, pglz of the
-- original bytes.

-- The staff key is no longer stored: the figures engine numbers staff ids
-- itself (daemon/figures.c), and nothing else read staff_key or the staff table.
ALTER TABLE roster_row DROP COLUMN staff_key;
DROP TABLE staff;

-- Per-row foreign keys out: the loader resolves team_id from the team table in
-- the same transaction (and locks those teams against deletion until it
-- commits); batch rows go with their batch by a statement-level trigger, like
-- allocation_row's (sql/003).
ALTER TABLE roster_row DROP CONSTRAINT roster_row_batch_id_fkey;
ALTER TABLE roster_row DROP CONSTRAINT roster_row_team_id_fkey;

-- The primary key was (batch_id, staff_id): a text key for an index only ever
-- searched by batch_id.  Staff ids are unique within a file (the parser rejects
-- duplicates); the line a row starts on is unique too and is an integer.
ALTER TABLE roster_row DROP CONSTRAINT roster_row_pkey;
ALTER TABLE roster_row ADD PRIMARY KEY (batch_id, line);

-- The batch being loaded by this transaction (set by steady_roster_open).
-- Unset, the default fails: no row can be stored without an opened batch.
ALTER TABLE roster_row ALTER COLUMN batch_id
	SET DEFAULT current_setting('steady.roster_batch')::bigint;

CREATE FUNCTION steady_roster_batch_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM roster_row r USING gone g WHERE r.batch_id = g.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER upload_batch_roster_deleted AFTER DELETE ON upload_batch
	REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION steady_roster_batch_deleted();

-- A team still named by roster rows cannot be deleted (what the foreign key did).
CREATE FUNCTION steady_team_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_id integer;
BEGIN
	SELECT g.id INTO v_id FROM gone g
	 WHERE EXISTS (SELECT 1 FROM roster_row r WHERE r.team_id = g.id) LIMIT 1;
	IF v_id IS NOT NULL THEN
		RAISE EXCEPTION 'team % is still named by roster rows', v_id
		      USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER team_deleted_roster AFTER DELETE ON team
	REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION steady_team_deleted();

-- The original bytes: lz4 compresses several times faster than pglz (about
-- 1.25x the stored size); servers built without lz4 keep pglz.
DO $$
BEGIN
	ALTER TABLE upload_batch ALTER COLUMN original SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
	RAISE NOTICE 'lz4 is not available: the original bytes stay pglz-compressed';
END
$$;

-- The id of each team value, as a roster's team column names it: the team whose
-- code matches (case-insensitively), else the one whose name matches; NULL when
-- none.  One entry per value of p_teams, in order.
CREATE FUNCTION steady_resolve_teams(p_teams text[]) RETURNS integer[]
LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(
	         (SELECT t.id FROM team t
	           WHERE lower(t.code) = lower(v.team) OR lower(t.name) = lower(v.team)
	           ORDER BY (lower(t.code) = lower(v.team)) DESC LIMIT 1)
	         ORDER BY v.n), '{}')
	  FROM unnest(p_teams) WITH ORDINALITY AS v(team, n)
$$;

-- Opens a roster upload: unless a batch with the same bytes for the same source
-- and as-of date is already loaded (then that batch is returned with duplicate
-- = true and nothing is stored), takes the new batch's id and makes it the
-- default batch_id of roster_row for this transaction.  team_ids resolves
-- p_teams (the distinct team values of the file) in order, NULL for unknown
-- ones; the teams found are locked against deletion until the transaction ends.
-- The caller inserts the upload_batch row itself, in the same statement (see
-- daemon/load.c): a 5 MB bytea passed through PL/pgSQL costs ~150 ms more than
-- in plain SQL.
CREATE FUNCTION steady_roster_open(p_source text, p_as_of date, p_sha256 text, p_teams text[])
RETURNS TABLE (batch_id bigint, duplicate boolean, team_ids integer[])
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
	v_ids integer[];
BEGIN
	-- two identical uploads at once: the second waits and then sees the first
	PERFORM pg_advisory_xact_lock(hashtext('steady_upload:roster:' || p_source));
	PERFORM set_config('steady.roster_batch', '', true);
	v_ids := steady_resolve_teams(p_teams);
	SELECT b.id INTO v_id FROM upload_batch b
	 WHERE b.kind = 'roster' AND b.source = p_source AND b.as_of = p_as_of
	   AND b.sha256 = p_sha256 AND b.status = 'loaded'
	 ORDER BY b.id DESC LIMIT 1;
	IF v_id IS NOT NULL THEN
		PERFORM set_config('steady.roster_duplicate', v_id::text, true);
		RETURN QUERY SELECT v_id, true, v_ids;
		RETURN;
	END IF;
	PERFORM set_config('steady.roster_duplicate', '', true);
	PERFORM set_config('steady.roster_unknown',
	                   CASE WHEN EXISTS (SELECT 1 FROM unnest(v_ids) i WHERE i IS NULL) THEN 'yes' ELSE '' END, true);
	PERFORM 1 FROM team t WHERE t.id = ANY (v_ids) FOR KEY SHARE;
	v_id := nextval(pg_get_serial_sequence('upload_batch', 'id'));
	PERFORM set_config('steady.roster_batch', v_id::text, true);
	RETURN QUERY SELECT v_id, false, v_ids;
END
$$;

-- Closes the upload steady_roster_open opened, after the COPY.  Rows whose team
-- steady_roster_open could not resolve were stored with team_id = -n (n = the
-- value's position in p_teams, the same array): they make it raise SQLSTATE
-- 'ST422' with a JSON array of {row, column, value, message} in the DETAIL, every
-- such row in line order, so that the caller's transaction is rolled back and
-- nothing is stored.  Makes a named profile the source's
-- default, announces the change.  Returns the batch and whether it was a duplicate.
CREATE FUNCTION steady_roster_close(p_source text, p_profile text, p_teams text[])
RETURNS TABLE (batch_id bigint, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
	v_dup text := current_setting('steady.roster_duplicate', true);
	v_errors jsonb;
BEGIN
	IF coalesce(v_dup, '') <> '' THEN
		RETURN QUERY SELECT v_dup::bigint, true;
		RETURN;
	END IF;
	v_id := nullif(current_setting('steady.roster_batch', true), '')::bigint;
	IF v_id IS NULL THEN
		RAISE EXCEPTION 'steady_roster_close: no roster upload was opened in this transaction';
	END IF;
	IF current_setting('steady.roster_unknown', true) = 'yes' THEN
		SELECT jsonb_agg(jsonb_build_object(
		         'row', r.line, 'column', 'team', 'value', p_teams[-r.team_id],
		         'message', format('unknown team "%s": add it first (steadyctl team add) or correct the name',
		                           p_teams[-r.team_id]))
		         ORDER BY r.line)
		  INTO v_errors
		  FROM roster_row r
		 WHERE r.batch_id = v_id AND r.team_id < 0;
		IF v_errors IS NOT NULL THEN
			RAISE EXCEPTION 'unknown teams in upload' USING ERRCODE = 'ST422', DETAIL = v_errors::text;
		END IF;
	END IF;
	IF p_profile IS NOT NULL AND EXISTS (SELECT 1 FROM upload_profile
	                                      WHERE source = p_source AND name = p_profile) THEN
		UPDATE upload_profile SET is_default = (name = p_profile) WHERE source = p_source;
	END IF;
	PERFORM set_config('steady.roster_batch', '', true);
	PERFORM pg_notify('steady_changed', json_build_object('batch', v_id, 'kind', 'roster')::text);
	RETURN QUERY SELECT v_id, false;
END
$$;

-- The staging loader (steady_upload with a staged steady_in) on the new table:
-- the same results, without the staff table.
CREATE OR REPLACE FUNCTION steady_load_roster(p_source text, p_as_of date, p_by text,
                                              p_sha256 text, p_original bytea)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_batch bigint;
	v_rows integer;
	v_errors jsonb;
BEGIN
	ANALYZE steady_in;
	v_errors := steady_unknown_teams('steady_in');
	IF v_errors <> '[]'::jsonb THEN
		RAISE EXCEPTION 'unknown teams in upload' USING ERRCODE = 'ST422', DETAIL = v_errors::text;
	END IF;

	SELECT count(*) INTO v_rows FROM steady_in;
	INSERT INTO upload_batch (kind, source, as_of, uploaded_by, sha256, original, row_count)
	     VALUES ('roster', p_source, p_as_of, p_by, p_sha256, p_original, v_rows)
	  RETURNING id INTO v_batch;

	INSERT INTO roster_row (batch_id, line, staff_id, team_id, contract, fte, role,
	                        caseload, start_date, end_date, absence_days)
	SELECT v_batch, i.line, i.staff_id, m.team_id,
	       i.contract, i.fte, i.role, i.caseload, i.start_date, i.end_date, i.absence_days
	  FROM steady_in i
	  JOIN (SELECT u.team, u.id AS team_id
	          FROM (SELECT array_agg(DISTINCT team) AS teams FROM steady_in) a,
	               unnest(a.teams, steady_resolve_teams(a.teams)) AS u(team, id)) m ON m.team = i.team;

	PERFORM pg_notify('steady_changed', json_build_object('batch', v_batch, 'kind', 'roster')::text);
	RETURN v_batch;
END
$$;
