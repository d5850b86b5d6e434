-- 004: uploads people can trust: duplicate detection, revert, previews (dry runs),
-- column-mapping profiles per source, and a record of rejected uploads.

-- Who reverted a batch, and when.
ALTER TABLE upload_batch ADD COLUMN reverted_by text, ADD COLUMN reverted_at timestamptz;
CREATE INDEX upload_batch_sha ON upload_batch (sha256);

-- Saved column mappings ({"Employee Number": "staff_id", ...}) per source; the
-- default profile is applied when an upload names none, and the last profile
-- used for a successful upload becomes the default ("remembered").
CREATE TABLE upload_profile (
	source      text NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,32}$'),
	name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9 _.-]{1,64}$'),
	mapping     jsonb NOT NULL CHECK (jsonb_typeof(mapping) = 'object'),
	is_default  boolean NOT NULL DEFAULT false,
	updated_by  text NOT NULL,
	updated_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (source, name)
);
CREATE UNIQUE INDEX upload_profile_one_default ON upload_profile (source) WHERE is_default;

-- Uploads that stored nothing because the file had problems: shown in the history.
CREATE TABLE upload_rejected (
	id           bigserial PRIMARY KEY,
	kind         text NOT NULL,
	source       text NOT NULL,
	as_of        date,
	uploaded_by  text NOT NULL,
	uploaded_at  timestamptz NOT NULL DEFAULT now(),
	sha256       text NOT NULL,
	byte_count   bigint NOT NULL,
	error_count  integer NOT NULL,
	errors       jsonb NOT NULL
);

-- Saves a profile; p_default makes it the source's default.
CREATE FUNCTION steady_save_profile(p_source text, p_name text, p_mapping jsonb,
                                    p_default boolean, p_by text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_default THEN
		UPDATE upload_profile SET is_default = false WHERE source = p_source AND name <> p_name;
	END IF;
	INSERT INTO upload_profile (source, name, mapping, is_default, updated_by)
	     VALUES (p_source, p_name, p_mapping, p_default, p_by)
	ON CONFLICT (source, name) DO UPDATE
	   SET mapping = EXCLUDED.mapping,
	       is_default = upload_profile.is_default OR EXCLUDED.is_default,
	       updated_by = EXCLUDED.updated_by, updated_at = now();
END
$$;

-- Stores the staged upload (steady_in or steady_alloc_in) unless a batch with the
-- same bytes for the same kind, source and as-of date is already loaded: then that
-- batch is returned with duplicate = true and nothing is stored (no second count).
-- A successful upload that named a profile makes it the source's default.
CREATE FUNCTION steady_upload(p_kind text, p_source text, p_as_of date, p_by text,
                              p_sha256 text, p_original bytea, p_profile text)
RETURNS TABLE (batch_id bigint, duplicate boolean) LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	-- two identical uploads at once: the second waits and then sees the first
	PERFORM pg_advisory_xact_lock(hashtext('steady_upload:' || p_kind || ':' || p_source));
	SELECT b.id INTO v_id FROM upload_batch b
	 WHERE b.kind = p_kind AND b.source = p_source AND b.as_of = p_as_of
	   AND b.sha256 = p_sha256 AND b.status = 'loaded'
	 ORDER BY b.id DESC LIMIT 1;
	IF v_id IS NOT NULL THEN
		RETURN QUERY SELECT v_id, true;
		RETURN;
	END IF;
	IF p_kind = 'roster' THEN
		v_id := steady_load_roster(p_source, p_as_of, p_by, p_sha256, p_original);
	ELSE
		v_id := steady_load_allocations(p_source, p_as_of, p_by, p_sha256, p_original);
	END IF;
	IF p_profile IS NOT NULL AND EXISTS (SELECT 1 FROM upload_profile
	                                      WHERE source = p_source AND name = p_profile) THEN
		UPDATE upload_profile SET is_default = (name = p_profile) WHERE source = p_source;
	END IF;
	RETURN QUERY SELECT v_id, false;
END
$$;

-- What storing the roster staged in steady_in would change at p_as_of, without
-- storing it: the source's snapshot it replaces (the latest loaded one of the
-- same source on or before p_as_of), starters (in post in the file, not in the
-- replaced snapshot) and leavers (in post in the replaced snapshot, not in the
-- file), and per team the agency rate by FTE, A / (A + E) x 100, before and after
-- (after = every source's snapshot in force at p_as_of, this file replacing its
-- source's).  Unknown teams are reported as errors and the changes left out.
CREATE FUNCTION steady_preview_roster(p_source text, p_as_of date, p_sha256 text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_dup bigint;
	v_rep record;
	v_unknown jsonb;
	v_changes jsonb;
	v_warn jsonb := '[]';
	v_later date;
BEGIN
	SELECT b.id INTO v_dup FROM upload_batch b
	 WHERE b.kind = 'roster' AND b.source = p_source AND b.as_of = p_as_of
	   AND b.sha256 = p_sha256 AND b.status = 'loaded' ORDER BY b.id DESC LIMIT 1;
	SELECT b.id, b.as_of INTO v_rep FROM upload_batch b
	 WHERE b.kind = 'roster' AND b.status = 'loaded' AND b.source = p_source AND b.as_of <= p_as_of
	 ORDER BY b.as_of DESC, b.id DESC LIMIT 1;
	SELECT max(b.as_of) INTO v_later FROM upload_batch b
	 WHERE b.kind = 'roster' AND b.status = 'loaded' AND b.source = p_source AND b.as_of > p_as_of;
	IF v_later IS NOT NULL THEN
		v_warn := v_warn || jsonb_build_object('code', 'older_than_latest', 'message',
		  format('source %s already has a snapshot as of %s: this file changes the figures for dates before it only',
		         p_source, v_later));
	END IF;
	IF v_rep.as_of = p_as_of AND v_dup IS NULL THEN
		v_warn := v_warn || jsonb_build_object('code', 'replaces_same_date', 'message',
		  format('this file replaces batch %s, uploaded earlier for the same source and date', v_rep.id));
	END IF;
	IF v_dup IS NOT NULL THEN
		v_warn := v_warn || jsonb_build_object('code', 'duplicate', 'message',
		  format('these exact bytes are already loaded as batch %s: committing stores nothing new', v_dup));
	END IF;

	v_unknown := steady_unknown_teams('steady_in');
	IF jsonb_array_length(v_unknown) > 0 THEN
		RETURN jsonb_build_object('duplicate_of', v_dup, 'replaces', v_rep.id,
		                          'errors', v_unknown, 'warnings', v_warn, 'changes', NULL);
	END IF;

	CREATE TEMP TABLE steady_prev_new ON COMMIT DROP AS
	SELECT i.staff_id, i.contract, i.fte,
	       (SELECT t.id FROM team t
	         WHERE lower(t.code) = lower(i.team) OR lower(t.name) = lower(i.team)
	         ORDER BY (lower(t.code) = lower(i.team)) DESC LIMIT 1) AS team_id
	  FROM steady_in i
	 WHERE (i.end_date IS NULL OR i.end_date > p_as_of)
	   AND (i.start_date IS NULL OR i.start_date <= p_as_of);
	CREATE TEMP TABLE steady_prev_old ON COMMIT DROP AS
	SELECT r.staff_id, r.contract, r.fte, r.team_id
	  FROM roster_row r
	 WHERE r.batch_id = v_rep.id
	   AND (r.end_date IS NULL OR r.end_date > p_as_of)
	   AND (r.start_date IS NULL OR r.start_date <= p_as_of);
	CREATE TEMP TABLE steady_prev_before ON COMMIT DROP AS
	SELECT r.batch_id, r.team_id, r.contract, r.fte
	  FROM roster_row r
	 WHERE r.batch_id IN (SELECT steady_roster_batches(p_as_of))
	   AND (r.end_date IS NULL OR r.end_date > p_as_of)
	   AND (r.start_date IS NULL OR r.start_date <= p_as_of);

	WITH after AS (
		SELECT team_id, contract, fte FROM steady_prev_before WHERE batch_id IS DISTINCT FROM v_rep.id
		UNION ALL
		SELECT team_id, contract, fte FROM steady_prev_new
	), b AS (
		SELECT team_id, sum(fte) FILTER (WHERE contract = 'agency') AS a, sum(fte) AS t
		  FROM steady_prev_before GROUP BY team_id
	), a AS (
		SELECT team_id, sum(fte) FILTER (WHERE contract = 'agency') AS a, sum(fte) AS t
		  FROM after GROUP BY team_id
	), teams AS (
		SELECT t.code, t.name,
		       coalesce(b.a, 0) AS ba, coalesce(b.t, 0) AS bt,
		       coalesce(a.a, 0) AS aa, coalesce(a.t, 0) AS at
		  FROM team t
		  LEFT JOIN b ON b.team_id = t.id
		  LEFT JOIN a ON a.team_id = t.id
		 WHERE b.team_id IS NOT NULL OR a.team_id IS NOT NULL
	), starters AS (
		SELECT n.staff_id, t.code AS team, n.contract, n.fte FROM steady_prev_new n
		  JOIN team t ON t.id = n.team_id
		 WHERE NOT EXISTS (SELECT 1 FROM steady_prev_old o WHERE o.staff_id = n.staff_id)
	), leavers AS (
		SELECT o.staff_id, t.code AS team, o.contract, o.fte FROM steady_prev_old o
		  JOIN team t ON t.id = o.team_id
		 WHERE NOT EXISTS (SELECT 1 FROM steady_prev_new n WHERE n.staff_id = o.staff_id)
	)
	SELECT jsonb_build_object(
	  'starters', jsonb_build_object(
	     'headcount', (SELECT count(*) FROM starters),
	     'fte', (SELECT coalesce(round(sum(fte), 2), 0) FROM starters),
	     'staff', (SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.staff_id), '[]')
	                 FROM (SELECT * FROM starters ORDER BY staff_id LIMIT 200) s)),
	  'leavers', jsonb_build_object(
	     'headcount', (SELECT count(*) FROM leavers),
	     'fte', (SELECT coalesce(round(sum(fte), 2), 0) FROM leavers),
	     'staff', (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.staff_id), '[]')
	                 FROM (SELECT * FROM leavers ORDER BY staff_id LIMIT 200) l)),
	  'teams', (SELECT coalesce(jsonb_agg(jsonb_build_object(
	       'code', code, 'name', name,
	       'before', jsonb_build_object('agency_fte', round(ba, 2), 'total_fte', round(bt, 2),
	                                    'agency_rate_fte', CASE WHEN bt > 0 THEN round(100 * ba / bt, 1) END),
	       'after', jsonb_build_object('agency_fte', round(aa, 2), 'total_fte', round(at, 2),
	                                   'agency_rate_fte', CASE WHEN at > 0 THEN round(100 * aa / at, 1) END),
	       'changed', ba <> aa OR bt <> at) ORDER BY code), '[]') FROM teams),
	  'service', (SELECT jsonb_build_object(
	       'before', jsonb_build_object('agency_fte', round(sum(ba), 2), 'total_fte', round(sum(bt), 2),
	          'agency_rate_fte', CASE WHEN sum(bt) > 0 THEN round(100 * sum(ba) / sum(bt), 1) END),
	       'after', jsonb_build_object('agency_fte', round(sum(aa), 2), 'total_fte', round(sum(at), 2),
	          'agency_rate_fte', CASE WHEN sum(at) > 0 THEN round(100 * sum(aa) / sum(at), 1) END))
	     FROM teams))
	  INTO v_changes;

	IF (v_changes->'leavers'->>'headcount')::int > 0 AND v_rep.id IS NOT NULL THEN
		v_warn := v_warn || jsonb_build_object('code', 'missing_staff', 'message',
		  format('%s staff in the snapshot this file replaces (batch %s) are not in it: they count as leavers',
		         v_changes->'leavers'->>'headcount', v_rep.id));
	END IF;
	RETURN jsonb_build_object('duplicate_of', v_dup, 'replaces', v_rep.id, 'replaces_as_of', v_rep.as_of,
	                          'errors', '[]'::jsonb, 'warnings', v_warn, 'changes', v_changes);
END
$$;

-- The same for an allocations file: no figures preview, only duplicates and replacement.
CREATE FUNCTION steady_preview_allocations(p_source text, p_as_of date, p_sha256 text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_dup bigint;
	v_rep bigint;
	v_unknown jsonb;
BEGIN
	SELECT b.id INTO v_dup FROM upload_batch b
	 WHERE b.kind = 'allocations' AND b.source = p_source AND b.as_of = p_as_of
	   AND b.sha256 = p_sha256 AND b.status = 'loaded' ORDER BY b.id DESC LIMIT 1;
	SELECT b.id INTO v_rep FROM upload_batch b
	 WHERE b.kind = 'allocations' AND b.status = 'loaded' AND b.as_of <= p_as_of
	 ORDER BY b.as_of DESC, b.id DESC LIMIT 1;
	v_unknown := steady_unknown_teams('steady_alloc_in');
	RETURN jsonb_build_object('duplicate_of', v_dup, 'replaces', v_rep, 'errors', v_unknown,
	  'warnings', CASE WHEN v_dup IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(
	     'code', 'duplicate', 'message',
	     format('these exact bytes are already loaded as batch %s: committing stores nothing new', v_dup))) END,
	  'changes', NULL);
END
$$;

-- Reverts a loaded batch: its rows stop counting everywhere (the figures engine
-- and the SQL views only use status 'loaded') and every daemon is told.
-- Returns 'reverted', 'already' (it was reverted before) or 'missing'.
CREATE FUNCTION steady_revert_batch(p_id bigint, p_by text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_status text;
	v_kind text;
BEGIN
	SELECT status, kind INTO v_status, v_kind FROM upload_batch WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'missing';
	END IF;
	IF v_status = 'reverted' THEN
		RETURN 'already';
	END IF;
	UPDATE upload_batch SET status = 'reverted', reverted_by = p_by, reverted_at = now() WHERE id = p_id;
	PERFORM pg_notify('steady_changed',
	                  json_build_object('batch', p_id, 'kind', v_kind, 'reverted', true)::text);
	RETURN 'reverted';
END
$$;

-- The loader again (002's logic, same results), faster on large files: the staged
-- rows get statistics, each distinct team value is resolved once (not per row),
-- and only staff ids not seen before are offered to the staff table.
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

	INSERT INTO staff (staff_id)
	SELECT i.staff_id FROM steady_in i
	 WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.staff_id = i.staff_id)
	ON CONFLICT DO NOTHING;

	INSERT INTO roster_row (batch_id, line, staff_id, staff_key, team_id, contract, fte, role,
	                        caseload, start_date, end_date, absence_days)
	SELECT v_batch, i.line, i.staff_id, s.key, m.team_id,
	       i.contract, i.fte, i.role, i.caseload, i.start_date, i.end_date, i.absence_days
	  FROM steady_in i
	  JOIN staff s ON s.staff_id = i.staff_id
	  JOIN (SELECT d.team,
	               (SELECT t.id FROM team t
	                 WHERE lower(t.code) = lower(d.team) OR lower(t.name) = lower(d.team)
	                 ORDER BY (lower(t.code) = lower(d.team)) DESC LIMIT 1) AS team_id
	          FROM (SELECT DISTINCT team FROM steady_in) d) m ON m.team = i.team;

	PERFORM pg_notify('steady_changed', json_build_object('batch', v_batch, 'kind', 'roster')::text);
	RETURN v_batch;
END
$$;
