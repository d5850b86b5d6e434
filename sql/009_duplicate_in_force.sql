-- 009: a file counts as a duplicate only when its bytes are those of the batch
-- in force for its kind, source and as-of date (the latest loaded one), not of
-- any batch ever loaded for that date.  Before, uploading v1, then v2, then v1
-- again (to undo v2) answered "duplicate" and left v2 in force.
-- The functions below are those of 004 and 007 with only that query changed,
-- through steady_duplicate_of().

-- The batch in force for (kind, source, as_of) when it holds these exact bytes, else NULL.
CREATE FUNCTION steady_duplicate_of(p_kind text, p_source text, p_as_of date, p_sha256 text)
RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT cur.id FROM (SELECT b.id, b.sha256 FROM upload_batch b
	                     WHERE b.kind = p_kind AND b.source = p_source AND b.as_of = p_as_of
	                       AND b.status = 'loaded'
	                     ORDER BY b.id DESC LIMIT 1) cur
	 WHERE cur.sha256 = p_sha256
$$;

-- as in 004_uploads.sql, duplicates through steady_duplicate_of()
CREATE OR REPLACE FUNCTION steady_upload(p_kind text, p_source text, p_as_of date, p_by text,
                              p_sha256 text, p_original bytea, p_profile text)
RETURNS TABLE (batch_id bigint, duplicate boolean) LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	-- two identical uploads at once: the second waits and then sees the first
	PERFORM pg_advisory_xact_lock(hashtext('steady_upload:' || p_kind || ':' || p_source));
	v_id := steady_duplicate_of(p_kind, p_source, p_as_of, p_sha256);
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

-- as in 004_uploads.sql, duplicates through steady_duplicate_of()
CREATE OR REPLACE FUNCTION steady_preview_roster(p_source text, p_as_of date, p_sha256 text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_dup bigint;
	v_rep record;
	v_unknown jsonb;
	v_changes jsonb;
	v_warn jsonb := '[]';
	v_later date;
BEGIN
	v_dup := steady_duplicate_of('roster', p_source, p_as_of, p_sha256);
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

-- as in 004_uploads.sql, duplicates through steady_duplicate_of()
CREATE OR REPLACE FUNCTION steady_preview_allocations(p_source text, p_as_of date, p_sha256 text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_dup bigint;
	v_rep bigint;
	v_unknown jsonb;
BEGIN
	v_dup := steady_duplicate_of('allocations', p_source, p_as_of, p_sha256);
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

-- as in 007_fast_roster_load.sql, duplicates through steady_duplicate_of()
CREATE OR REPLACE FUNCTION steady_roster_open(p_source text, p_as_of date, p_sha256 text, p_teams text[])
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
	v_id := steady_duplicate_of('roster', p_source, p_as_of, p_sha256);
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
