-- 003: case allocations (which worker held which child's case, when) and the
-- two figures built on them: caseload churn and children with 3+ workers.
-- Definitions and a worked example: docs/metrics.md, "Case allocations";
-- timings: docs/benchmarks.md, "Allocations".
--
-- An allocations upload is one batch (upload_batch.kind = 'allocations'): the
-- case management system's full list of allocation periods as at as_of.  The
-- allocations in force at a date d are the latest loaded allocations batch
-- (any source) with as_of <= d.
--
-- Besides the rows as uploaded, steady_load_allocations stores a few values
-- per row derived once (case_no, worker_no, ord, is_change, open_until), and
-- per batch the counts of the 12-month window ending on every day
-- (allocation_day, run-length encoded), so that the figures' usual windows and
-- the monthly trends are index look-ups instead of passes over every period.

-- upload_batch.kind gains 'allocations', keeping whatever kinds earlier
-- migrations allow (the constraint is rebuilt from its own definition).
DO $$
DECLARE
	v_name text;
	v_def text;
	v_kinds text[];
BEGIN
	SELECT c.conname, pg_get_constraintdef(c.oid)
	  INTO v_name, v_def
	  FROM pg_constraint c
	 WHERE c.conrelid = 'upload_batch'::regclass AND c.contype = 'c'
	   AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
	                          WHERE attrelid = 'upload_batch'::regclass AND attname = 'kind')];
	IF v_name IS NOT NULL THEN
		v_kinds := ARRAY(SELECT m[1] FROM regexp_matches(v_def, '''([^'']*)''', 'g') AS m);
		EXECUTE format('ALTER TABLE upload_batch DROP CONSTRAINT %I', v_name);
	ELSE
		v_kinds := ARRAY['roster'];
	END IF;
	IF NOT 'allocations' = ANY (v_kinds) THEN
		v_kinds := v_kinds || 'allocations'::text;
	END IF;
	EXECUTE format('ALTER TABLE upload_batch ADD CONSTRAINT upload_batch_kind_check CHECK (kind = ANY (%L::text[]))',
	               v_kinds);
END
$$;

-- batch_id has no foreign key: checking one per row costs more than the rest of
-- the insert (each check locks the batch row); steady_load_allocations writes
-- the rows of the batch it has just inserted, and steady_alloc_batch_deleted
-- below removes them with their batch.
CREATE TABLE allocation_row (
	batch_id      bigint NOT NULL,
	line          integer NOT NULL,           -- row of the uploaded file (header = 1)
	case_id       text NOT NULL,
	team_id       integer NOT NULL REFERENCES team(id),
	worker_id     text NOT NULL,
	allocated_on  date NOT NULL,
	ended_on      date,                       -- NULL: still allocated
	-- derived at load time, within the batch:
	case_no       integer NOT NULL,           -- dense number of case_id
	worker_no     integer NOT NULL,           -- dense number of worker_id
	ord           integer NOT NULL,           -- position in (case_id, allocated_on, ended_on NULLS LAST, line) order
	is_change     boolean NOT NULL,           -- worker differs from the case's previous period's worker
	open_until    date NOT NULL,              -- steady_alloc_last_day(ended_on): 'infinity' while open
	CHECK (ended_on IS NULL OR ended_on >= allocated_on),
	-- (case_no, ord): a scan of one batch comes in case order, which the
	-- window passes of steady_alloc_fill_days need without sorting
	PRIMARY KEY (batch_id, case_no, ord)
);
-- Windows other than 12 months (steady_alloc_counts): the periods of one batch
-- still open on or after a date (most of a batch ended long before any recent
-- window starts).  Not a covering index: that would make the rare custom
-- window faster but every upload slower (docs/benchmarks.md).
CREATE INDEX allocation_row_open ON allocation_row
	(batch_id, (coalesce(ended_on, 'infinity'::date)));

-- Per batch: the counts of the 12-month window ending on day d ([d - 12 months +
-- 1 day, d]) for the service (tk 0) and each team (tk = team id), run-length
-- encoded: a row holds from from_day until the next row of its (batch_id, tk).
-- Before a tk's first row its counts are 0.
CREATE TABLE allocation_day (
	batch_id        bigint NOT NULL,          -- (no foreign key: as allocation_row)
	tk              integer NOT NULL,         -- 0 = the whole service, else team.id
	from_day        date NOT NULL,
	cases_open      integer NOT NULL,
	worker_changes  integer NOT NULL,
	cases_3plus     integer NOT NULL,
	PRIMARY KEY (batch_id, tk, from_day)
);

-- A deleted batch takes its allocation rows and counts with it.
CREATE FUNCTION steady_alloc_batch_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM allocation_row r USING gone g WHERE r.batch_id = g.id;
	DELETE FROM allocation_day a USING gone g WHERE a.batch_id = g.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER upload_batch_alloc_deleted AFTER DELETE ON upload_batch
	REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION steady_alloc_batch_deleted();

-- The last day d whose 12-month window [d - 12 months + 1 day, d] still holds
-- day e ('infinity' for NULL or 'infinity').  Normally e + 12 months - 1 day;
-- with 29 February around it moves by a day: the window ending 28 February
-- 2025 starts on 29 February 2024 (2025-02-28 - 12 months + 1 day, as the
-- figures engine's windows), so L(2023-03-01) = 2024-02-29 and
-- L(2024-03-01) = 2025-02-28.  (Not STRICT: a STRICT SQL function is only
-- inlined when its body is strict too.)
CREATE FUNCTION steady_alloc_last_day(e date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN e IS NULL OR e = 'infinity'::date THEN 'infinity'::date
	            WHEN ((c.c + 1) - interval '12 months')::date <= e - 1 THEN c.c + 1
	            ELSE c.c END
	  FROM (SELECT ((e - 1) + interval '12 months')::date AS c) c
$$;

-- The allocations batch in force at d: the latest loaded one with as_of <= d.
CREATE FUNCTION steady_alloc_batch(d date) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT id FROM upload_batch
	 WHERE kind = 'allocations' AND status = 'loaded' AND as_of <= d
	 ORDER BY as_of DESC, id DESC
	 LIMIT 1
$$;

-- Fills allocation_day for one batch whose allocation_row rows are stored.
--
-- In days, a period [a, e] is open in the 12-month window ending on day d
-- exactly when a <= d <= L(e) (L = steady_alloc_last_day; no upper bound while
-- open): its "range".  A worker change at a counts in the windows ending on
-- a .. L(a).  So every count is a sum of +1/-1 events:
--   cases open: the union of the ranges of a case's periods (of a team's
--     periods, per team) as islands, in period order: starts never decrease in
--     that order, so a period starts a new island when it starts after the
--     furthest end so far + 1, and ends its island when the next period starts
--     after its own furthest end + 1 (+1 at an island's start, -1 after its end);
--   3+: per case, the same islands per (case, worker) give the number of
--     distinct workers open in each window; the days where it is >= 3 are the
--     case's 3+ segments (only the crossings of 3 are kept);
--   the team of a 3+ case on day d is the team of its latest period open in
--     d's window: the latest period whose range holds d.  Period k is that
--     latest one on [start_k, next start - 1] (no later period started yet)
--     and, when it outlasts the next period, also in the gaps that the later
--     periods' ranges leave in [next start, end_k];
--   changes: +1 at a, -1 at L(a) + 1.
-- The counts on day d are the running sums of the events up to d.  Changes and
-- 3+ cases each belong to exactly one team, so the service's are the teams' sums.
-- Memory: the passes sort within a case only (the primary key's order), but
-- the intermediate results of a 2-million-row batch want more than the default
-- work_mem.
CREATE FUNCTION steady_alloc_fill_days(p_batch bigint) RETURNS void
LANGUAGE sql SET work_mem = '128MB' AS $$
	INSERT INTO allocation_day (batch_id, tk, from_day, cases_open, worker_changes, cases_3plus)
	WITH a0 AS (           -- pass 1, in case order (the primary key's, so no sort)
		SELECT case_no, team_id, ord, is_change, allocated_on AS s, open_until AS e,
		       coalesce(max(open_until) OVER wp, '-infinity'::date) AS pm,
		       lead(allocated_on) OVER w AS ns,
		       lead(open_until) OVER w AS ne
		  FROM allocation_row
		 WHERE batch_id = p_batch
		WINDOW w AS (PARTITION BY case_no ORDER BY ord),
		       wp AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
	cp AS MATERIALIZED (
		SELECT a0.*, greatest(a0.pm, a0.e) AS cm FROM a0),
	tp AS MATERIALIZED (   -- pass 2, in (case, team) order
		SELECT t.team_id, t.s, t.pm, t.ns, greatest(t.pm, t.e) AS cm
		  FROM (SELECT team_id, allocated_on AS s, open_until AS e,
		               coalesce(max(open_until) OVER wp, '-infinity'::date) AS pm,
		               lead(allocated_on) OVER w AS ns
		          FROM allocation_row
		         WHERE batch_id = p_batch
		        WINDOW w AS (PARTITION BY case_no, team_id ORDER BY ord),
		               wp AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) t),
	wi AS (                -- pass 3, in (case, worker) order: islands of one worker on a case
		SELECT w.case_no, w.s, w.pm, w.ns, greatest(w.pm, w.e) AS cm,
		       count(*) FILTER (WHERE w.pm = '-infinity'::date) OVER (PARTITION BY w.case_no) AS nw
		  FROM (SELECT case_no, allocated_on AS s, open_until AS e,
		               coalesce(max(open_until) OVER wp, '-infinity'::date) AS pm,
		               lead(allocated_on) OVER w AS ns
		          FROM allocation_row
		         WHERE batch_id = p_batch
		        WINDOW w AS (PARTITION BY case_no, worker_no ORDER BY ord),
		               wp AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) w),
	wx AS (                -- the days where a case's number of workers open crosses 3
		-- (one sort by (case, day) serves the three windows: n is the number
		-- after all of the day's events, dd the day's net change)
		SELECT c.case_no, c.m, c.n >= 3 AS up
		  FROM (SELECT w.case_no, v.m,
		               (sum(v.d) OVER (PARTITION BY w.case_no ORDER BY v.m))::integer AS n,
		               (sum(v.d) OVER (PARTITION BY w.case_no, v.m))::integer AS dd,
		               row_number() OVER (PARTITION BY w.case_no, v.m) AS k
		          FROM wi w
		         CROSS JOIN LATERAL (VALUES
		               (CASE WHEN w.s > w.pm + 1 THEN w.s END, 1),
		               (CASE WHEN (w.ns IS NULL OR w.ns > w.cm + 1) AND w.cm < 'infinity'::date
		                     THEN w.cm + 1 END, -1)) AS v(m, d)
		         WHERE w.nw >= 3 AND v.m IS NOT NULL) c
		 WHERE c.k = 1 AND (c.n >= 3) <> (c.n - c.dd >= 3)),
	seg3 AS MATERIALIZED ( -- days [x, y] on which the case has 3+ workers
		SELECT x.case_no, x.m AS x, x.y
		  FROM (SELECT case_no, m, up,
		               coalesce(lead(m) OVER (PARTITION BY case_no ORDER BY m) - 1,
		                        'infinity'::date) AS y
		          FROM wx) x
		 WHERE x.up),
	ob AS MATERIALIZED (   -- the periods of 3+ cases in which a period outlasts the next
		SELECT case_no, ord, team_id, s, e, ns, ne
		  FROM cp
		 WHERE case_no IN (SELECT case_no FROM cp WHERE ne < e
		                   INTERSECT SELECT case_no FROM seg3)),
	cov AS (               -- the later periods' ranges within [next start, end]
		SELECT o.case_no, o.ord, o.team_id, o.ns, o.e, q.s AS qs, least(q.e, o.e) AS qe
		  FROM ob o JOIN ob q ON q.case_no = o.case_no AND q.ord > o.ord AND q.s <= o.e
		 WHERE o.ne < o.e),
	covm AS (
		SELECT case_no, ord, team_id, e, qs,
		       coalesce(max(qe) OVER (PARTITION BY case_no, ord ORDER BY qs, qe
		                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), ns - 1) AS pm,
		       max(qe) OVER (PARTITION BY case_no, ord) AS allmax
		  FROM cov),
	lp AS (                -- pieces [u, v] where a period is the latest open one
		SELECT case_no, team_id, s AS u, least(e, coalesce(ns - 1, e)) AS v
		  FROM cp
		 WHERE (ns IS NULL OR ns > s) AND case_no IN (SELECT case_no FROM seg3)
		UNION ALL
		SELECT case_no, team_id, pm + 1, qs - 1 FROM covm WHERE qs > pm + 1
		UNION ALL
		SELECT DISTINCT case_no, team_id, allmax + 1, e FROM covm WHERE allmax < e),
	t3 AS MATERIALIZED (
		SELECT l.team_id, greatest(g.x, l.u) AS a, least(g.y, l.v) AS b
		  FROM seg3 g JOIN lp l ON l.case_no = g.case_no AND l.u <= g.y AND l.v >= g.x),
	ev (tk, m, d_open, d_chg, d_3) AS (
		-- the service's open cases: islands of the union of a case's ranges
		SELECT 0, s, 1, 0, 0 FROM cp WHERE s > pm + 1
		UNION ALL
		SELECT 0, cm + 1, -1, 0, 0 FROM cp
		 WHERE (ns IS NULL OR ns > cm + 1) AND cm < 'infinity'::date
		-- per team: open cases (islands per case and team), changes, 3+ cases
		UNION ALL
		SELECT team_id, s, 1, 0, 0 FROM tp WHERE s > pm + 1
		UNION ALL
		SELECT team_id, cm + 1, -1, 0, 0 FROM tp
		 WHERE (ns IS NULL OR ns > cm + 1) AND cm < 'infinity'::date
		UNION ALL
		SELECT team_id, s, 0, 1, 0 FROM cp WHERE is_change
		UNION ALL
		SELECT team_id, steady_alloc_last_day(s) + 1, 0, -1, 0 FROM cp WHERE is_change
		UNION ALL
		SELECT team_id, a, 0, 0, 1 FROM t3
		UNION ALL
		SELECT team_id, b + 1, 0, 0, -1 FROM t3 WHERE b < 'infinity'::date),
	agg AS MATERIALIZED (
		SELECT tk, m, sum(d_open)::integer AS d_open, sum(d_chg)::integer AS d_chg,
		       sum(d_3)::integer AS d_3
		  FROM ev GROUP BY tk, m),
	agg2 AS (              -- the service's changes and 3+ cases: the teams' sums
		SELECT tk, m, d_open, d_chg, d_3 FROM agg WHERE tk <> 0
		UNION ALL
		SELECT 0, m, coalesce(sum(d_open) FILTER (WHERE tk = 0), 0),
		       coalesce(sum(d_chg) FILTER (WHERE tk <> 0), 0),
		       coalesce(sum(d_3) FILTER (WHERE tk <> 0), 0)
		  FROM agg GROUP BY m)
	SELECT p_batch, tk, m,
	       sum(d_open) OVER w, sum(d_chg) OVER w, sum(d_3) OVER w
	  FROM agg2
	WINDOW w AS (PARTITION BY tk ORDER BY m)
$$;

-- Loads the rows staged in the session's temporary table steady_alloc_in
-- (line, case_id, team, worker_id, allocated_on, ended_on; load_alloc.c) as one
-- allocations batch.  Every team must be known (by code or name, either case):
-- otherwise it raises SQLSTATE 'ST422' with a JSON array of {row, column, value,
-- message} in the DETAIL (the first 999 rows, then one line counting the rest:
-- 1000 problems, what an upload's error list keeps),
-- and the caller's transaction is rolled back so nothing is stored.  Derives the
-- per-row values, fills allocation_day, announces the change.
CREATE FUNCTION steady_load_allocations(p_source text, p_as_of date, p_by text,
                                        p_sha256 text, p_original bytea)
RETURNS bigint LANGUAGE plpgsql SET work_mem = '256MB' AS $$
DECLARE
	v_batch bigint;
	v_rows integer;
	v_names text[];
	v_ids integer[];
	v_errors jsonb;
	v_bad bigint;
	v_unknown text;
BEGIN
	-- each distinct team value once: its team, code matches first
	SELECT array_agg(d.team), array_agg(t.id)
	  INTO v_names, v_ids
	  FROM (SELECT DISTINCT team FROM steady_alloc_in) d
	  LEFT JOIN LATERAL (SELECT t.id FROM team t
	                      WHERE lower(t.code) = lower(d.team) OR lower(t.name) = lower(d.team)
	                      ORDER BY (lower(t.code) = lower(d.team)) DESC LIMIT 1) t ON true;

	SELECT string_agg(format('"%s"', u.name), ', ' ORDER BY u.name)
	  INTO v_unknown
	  FROM unnest(v_names, v_ids) AS u(name, id)
	 WHERE u.id IS NULL;
	IF v_unknown IS NOT NULL THEN
		SELECT count(*) INTO v_bad
		  FROM steady_alloc_in i
		  JOIN unnest(v_names, v_ids) AS u(name, id) ON u.name = i.team AND u.id IS NULL;
		SELECT jsonb_agg(jsonb_build_object(
		         'row', x.line, 'column', 'team', 'value', x.team,
		         'message', format('unknown team "%s": add it first (steadyctl team add) or correct the name', x.team))
		         ORDER BY x.line)
		  INTO v_errors
		  FROM (SELECT i.line, i.team
		          FROM steady_alloc_in i
		          JOIN unnest(v_names, v_ids) AS u(name, id) ON u.name = i.team AND u.id IS NULL
		         ORDER BY i.line LIMIT 999) x;
		IF v_bad > 999 THEN
			v_errors := v_errors || jsonb_build_array(jsonb_build_object(
			  'row', 0, 'column', 'team', 'value', NULL,
			  'message', format('%s more rows name unknown teams (%s): add them first (steadyctl team add) or correct the names',
			                    v_bad - 999, v_unknown)));
		END IF;
		RAISE EXCEPTION 'unknown teams in upload' USING ERRCODE = 'ST422', DETAIL = v_errors::text;
	END IF;

	SELECT count(*) INTO v_rows FROM steady_alloc_in;
	INSERT INTO upload_batch (kind, source, as_of, uploaded_by, sha256, original, row_count)
	     VALUES ('allocations', p_source, p_as_of, p_by, p_sha256, p_original, v_rows)
	  RETURNING id INTO v_batch;

	-- One sort by (case_id, allocated_on, ended_on, line) gives case_no, ord and the
	-- previous period's worker.  Case ids compare bytewise (COLLATE "C"): the
	-- order only groups a case's periods, and bytewise is many times faster.
	INSERT INTO allocation_row (batch_id, line, case_id, team_id, worker_id, allocated_on,
	                            ended_on, case_no, worker_no, ord, is_change, open_until)
	SELECT v_batch, x.line, x.case_id, x.team_id, x.worker_id, x.allocated_on, x.ended_on,
	       x.case_no, x.worker_no, x.ord, x.prev_worker IS NOT NULL AND x.prev_worker <> x.worker_no,
	       steady_alloc_last_day(x.ended_on)
	  FROM (SELECT i.line, i.case_id, u.id AS team_id, i.worker_id, i.allocated_on, i.ended_on,
	               w.worker_no,
	               (dense_rank() OVER (ORDER BY i.case_id COLLATE "C"))::integer AS case_no,
	               (row_number() OVER (ORDER BY i.case_id COLLATE "C", i.allocated_on,
	                                   i.ended_on NULLS LAST, i.line))::integer AS ord,
	               lag(w.worker_no) OVER (PARTITION BY i.case_id COLLATE "C"
	                                      ORDER BY i.allocated_on, i.ended_on NULLS LAST, i.line) AS prev_worker
	          FROM steady_alloc_in i
	          JOIN unnest(v_names, v_ids) AS u(name, id) ON u.name = i.team
	          JOIN (SELECT d.worker_id, (row_number() OVER ())::integer AS worker_no
	                  FROM (SELECT DISTINCT worker_id FROM steady_alloc_in) d) w
	            ON w.worker_id = i.worker_id) x;

	-- fresh statistics, or the planner sizes the next steps for an empty table
	ANALYZE allocation_row;
	PERFORM steady_alloc_fill_days(v_batch);

	PERFORM pg_notify('steady_changed', json_build_object('batch', v_batch, 'kind', 'allocations')::text);
	RETURN v_batch;
END
$$;

-- The counts of the 12-month window ending on day d from batch p_batch's
-- allocation_day: the service row (team_id NULL) and teams with a case open.
CREATE FUNCTION steady_alloc_day_counts(p_batch bigint, d date)
RETURNS TABLE (team_id integer, cases_open bigint, worker_changes bigint, cases_3plus bigint)
LANGUAGE sql STABLE AS $$
	SELECT nullif(k.tk, 0), coalesce(x.cases_open, 0), coalesce(x.worker_changes, 0),
	       coalesce(x.cases_3plus, 0)
	  FROM (SELECT 0 AS tk UNION ALL SELECT id FROM team) k
	  LEFT JOIN LATERAL (
		SELECT a.cases_open::bigint, a.worker_changes::bigint, a.cases_3plus::bigint
		  FROM allocation_day a
		 WHERE a.batch_id = p_batch AND a.tk = k.tk AND a.from_day <= d
		 ORDER BY a.from_day DESC
		 LIMIT 1) x ON true
	 WHERE k.tk = 0 OR x.cases_open > 0
	 ORDER BY k.tk
$$;

-- The counts behind caseload churn and children with 3+ workers for the window
-- [p_from, p_to] (inclusive), from the allocations batch in force at p_to:
-- one row per team with a case open in the window, and one service-wide row
-- (team_id NULL, first; a case that passed through several teams counts once
-- there, so it is not the sum of the team rows).  No rows at all when no
-- allocations batch is in force at p_to.
--   cases_open:     distinct cases with a period open in the window
--                   (allocated_on <= p_to and (ended_on is NULL or >= p_from));
--                   per team, with a period of that team open in the window;
--   worker_changes: periods allocated within the window whose worker differs from
--                   the previous period's worker of the case (periods in
--                   allocated_on, ended_on, file-row order), for the new period's team;
--   cases_3plus:    cases open with 3+ distinct workers among their periods open in
--                   the window; per team, by the team of the case's latest period
--                   open in the window (same order).
-- A 12-month window (p_from = p_to - 12 months + 1 day, the figures' default)
-- is read from allocation_day; any other is computed from the periods.
CREATE FUNCTION steady_alloc_counts(p_from date, p_to date)
RETURNS TABLE (team_id integer, cases_open bigint, worker_changes bigint, cases_3plus bigint)
LANGUAGE plpgsql STABLE SET work_mem = '64MB' AS $$
DECLARE
	v_batch bigint;
BEGIN
	IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
		RAISE EXCEPTION 'steady_alloc_counts: the window [%, %] is empty', p_from, p_to
		      USING ERRCODE = '22023';
	END IF;
	v_batch := steady_alloc_batch(p_to);
	IF v_batch IS NULL THEN
		RETURN;
	END IF;
	IF p_from = (p_to - interval '12 months')::date + 1 THEN
		RETURN QUERY SELECT * FROM steady_alloc_day_counts(v_batch, p_to);
		RETURN;
	END IF;
	RETURN QUERY
	WITH o AS MATERIALIZED (
		SELECT r.case_no, r.worker_no, r.team_id, r.ord,
		       r.is_change AND r.allocated_on >= p_from AS chg
		  FROM allocation_row r
		 WHERE r.batch_id = v_batch
		   AND coalesce(r.ended_on, 'infinity'::date) >= p_from
		   AND r.allocated_on <= p_to),
	pc AS MATERIALIZED (   -- per case: the team of its latest open period (max ord)
		SELECT o.case_no, (max((o.ord::bigint << 32) | o.team_id) & 4294967295)::integer AS last_team
		  FROM o GROUP BY o.case_no),
	c3 AS MATERIALIZED (
		SELECT x.case_no
		  FROM (SELECT DISTINCT o.case_no, o.worker_no FROM o) x
		 GROUP BY x.case_no HAVING count(*) >= 3),
	t_open AS (
		SELECT x.team_id, count(*) AS n
		  FROM (SELECT DISTINCT o.case_no, o.team_id FROM o) x GROUP BY x.team_id),
	t_chg AS (
		SELECT o.team_id, count(*) AS n FROM o WHERE o.chg GROUP BY o.team_id),
	t_3 AS (
		SELECT pc.last_team AS team_id, count(*) AS n
		  FROM c3 JOIN pc ON pc.case_no = c3.case_no GROUP BY pc.last_team)
	SELECT NULL::integer, (SELECT count(*) FROM pc), (SELECT count(*) FROM o WHERE o.chg),
	       (SELECT count(*) FROM c3)
	UNION ALL
	(SELECT t.team_id, t.n, coalesce(c.n, 0), coalesce(x.n, 0)
	   FROM t_open t
	   LEFT JOIN t_chg c ON c.team_id = t.team_id
	   LEFT JOIN t_3 x ON x.team_id = t.team_id
	  ORDER BY t.team_id);
END
$$;

-- The same counts for every month end m with p_first <= m <= p_last, each for the
-- 12-month window ending at m ([m - 12 months + 1 day, m]: 1 October 2025 -
-- 30 September 2026; 29 February 2024 - 28 February 2025), all from the
-- allocations batch in force at p_last (an extract lists past periods too, so a
-- trend is the latest extract's view of the past).  Rows as steady_alloc_counts
-- with the month: a service row (team_id NULL) for every month end, team rows
-- for teams with a case open; ordered by month, service first.  For m = p_last
-- they equal steady_alloc_counts(m - 12 months + 1 day, m).  No rows when no
-- allocations batch is in force at p_last.
CREATE FUNCTION steady_alloc_monthly(p_first date, p_last date)
RETURNS TABLE (month date, team_id integer, cases_open bigint, worker_changes bigint,
               cases_3plus bigint)
LANGUAGE sql STABLE AS $$
	SELECT mo.m, c.team_id, c.cases_open, c.worker_changes, c.cases_3plus
	  FROM (SELECT steady_alloc_batch(p_last) AS id) b
	 CROSS JOIN (SELECT (g + interval '1 month' - interval '1 day')::date AS m
	               FROM generate_series(date_trunc('month', p_first), p_last, interval '1 month') AS g) mo
	 CROSS JOIN LATERAL steady_alloc_day_counts(b.id, mo.m) c
	 WHERE b.id IS NOT NULL AND mo.m BETWEEN p_first AND p_last
	 ORDER BY mo.m, c.team_id NULLS FIRST
$$;
