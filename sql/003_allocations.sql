-- 003: case allocations (which worker held which child's case, when) and the
-- two figures built on them: caseload churn and children with 3+ workers.
-- Definitions and a worked example: docs/metrics.md, "Case allocations".
--
-- An allocations upload is one batch (upload_batch.kind = 'allocations'): the
-- case management system's full list of allocation periods as at as_of.  The
-- allocations in force at a date d are the latest loaded allocations batch
-- (any source) with as_of <= d.
--
-- Besides the rows as uploaded, steady_load_allocations stores per row a few
-- values derived once (case_no, worker_no, ord, is_change), and per batch the
-- monthly counts (allocation_month) that steady_alloc_monthly reads, so that
-- trend lines cost an index range scan instead of a pass over every period.

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

CREATE TABLE allocation_row (
	batch_id      bigint NOT NULL REFERENCES upload_batch(id) ON DELETE CASCADE,
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
	CHECK (ended_on IS NULL OR ended_on >= allocated_on),
	PRIMARY KEY (batch_id, ord)
);
-- steady_alloc_counts: the periods of one batch that are still open on or after
-- a date (most of a batch ended long before any recent window starts).
CREATE INDEX allocation_row_open ON allocation_row
	(batch_id, (coalesce(ended_on, 'infinity'::date)))
	INCLUDE (allocated_on, case_no, worker_no, team_id, ord, is_change);

-- Per batch, per month end: the counts of the 12-month window ending that month
-- end (see steady_alloc_monthly), for the service (team_id NULL, every month from
-- the first month with an allocation to the last month in which any count moves)
-- and for each team with cases open in that window.  After the last month
-- nothing changes any more.
CREATE TABLE allocation_month (
	batch_id        bigint NOT NULL REFERENCES upload_batch(id) ON DELETE CASCADE,
	month           date NOT NULL,            -- a month end
	team_id         integer REFERENCES team(id),
	cases_open      integer NOT NULL,
	worker_changes  integer NOT NULL,
	cases_3plus     integer NOT NULL
);
CREATE UNIQUE INDEX allocation_month_key ON allocation_month (batch_id, month, team_id) NULLS NOT DISTINCT;

-- Months as integers (year * 12 + month - 1), and back to the month's last day.
CREATE FUNCTION steady_month_index(d date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT date_part('year', d)::integer * 12 + date_part('month', d)::integer - 1
$$;

CREATE FUNCTION steady_month_end(m integer) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT (make_date(m / 12, m % 12 + 1, 1) + interval '1 month' - interval '1 day')::date
$$;

-- The last month (as steady_month_index) whose 12-month window still holds d.
-- Month M's window is [m - 12 months + 1 day, m] with m its last day: the first
-- day of month M-11, except that a window ending 28 February after a leap year
-- starts on 29 February (2025-02-28 - 12 months + 1 day = 2024-02-29, as the
-- figures engine's windows).  So d is in the windows of months
-- month(d) .. month(d) + 11, and of month(d) + 12 too when d is 29 February.
CREATE FUNCTION steady_alloc_last_month(d date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT steady_month_index(d) + 11
	       + CASE WHEN date_part('month', d) = 2 AND date_part('day', d) = 29 THEN 1 ELSE 0 END
$$;

-- The allocations batch in force at d: the latest loaded one with as_of <= d.
CREATE FUNCTION steady_alloc_batch(d date) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT id FROM upload_batch
	 WHERE kind = 'allocations' AND status = 'loaded' AND as_of <= d
	 ORDER BY as_of DESC, id DESC
	 LIMIT 1
$$;

-- Fills allocation_month for one batch whose allocation_row rows are stored.
--
-- Month M's window is [m - 12 months + 1 day, m], m its last day (normally the
-- first day of month M-11; see steady_alloc_last_month).  In month numbers a
-- period [a, e] is open in M's window exactly when
--     month(a) <= M <= steady_alloc_last_month(e)    (no upper bound when e is NULL),
-- its "range"; and a worker change at a counts in months
-- month(a) .. steady_alloc_last_month(a).
-- So every count is a sum of +1/-1 events at month boundaries:
--   cases open: the union of the ranges of a case's periods (of a team's
--     periods, per team), cut into disjoint pieces in period order: a period
--     adds [max(its start, the furthest end so far + 1), its end] when it
--     reaches beyond the furthest end so far (starts never decrease in that
--     order, so everything before that is covered already);
--   3+: per case, the same pieces per (case, worker) give the number of
--     distinct workers open in each month's window; the months where it is
--     >= 3 are the case's 3+ segments;
--   the team of a 3+ case in month M is the team of its latest period open in
--     M's window: the latest period whose range holds M.  Period k is that
--     latest one on [start_k, next start - 1] (no later period started yet)
--     and, when it outlasts the next period, also in the gaps that the later
--     periods' ranges leave in [next start, end_k];
--   changes: +1 at month(a), -1 at steady_alloc_last_month(a) + 1.
-- The counts of month M are the running sums of the events up to M.
CREATE FUNCTION steady_alloc_fill_months(p_batch bigint) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO allocation_month (batch_id, month, team_id, cases_open, worker_changes, cases_3plus)
	WITH p AS MATERIALIZED (
		SELECT case_no, team_id, worker_no, ord, is_change,
		       steady_month_index(allocated_on) AS s,
		       CASE WHEN ended_on IS NULL THEN 2000000000
		            ELSE steady_alloc_last_month(ended_on) END AS e,
		       CASE WHEN is_change THEN steady_alloc_last_month(allocated_on) + 1 END AS ce
		  FROM allocation_row
		 WHERE batch_id = p_batch),
	cp AS MATERIALIZED (   -- in case order
		SELECT case_no, team_id, ord, s, e,
		       coalesce(max(e) OVER (PARTITION BY case_no ORDER BY ord
		                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), -1) AS pm,
		       lead(s) OVER (PARTITION BY case_no ORDER BY ord) AS ns,
		       lead(e) OVER (PARTITION BY case_no ORDER BY ord) AS ne
		  FROM p),
	tp AS (                -- in (case, team) order
		SELECT team_id, s, e,
		       coalesce(max(e) OVER (PARTITION BY case_no, team_id ORDER BY ord
		                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), -1) AS pm
		  FROM p),
	wp AS (                -- in (case, worker) order
		SELECT case_no, s, e,
		       coalesce(max(e) OVER (PARTITION BY case_no, worker_no ORDER BY ord
		                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), -1) AS pm
		  FROM p),
	wev AS (               -- per case and month: change in the number of workers open
		SELECT case_no, m, sum(d) AS d
		  FROM (SELECT case_no, greatest(s, pm + 1) AS m, 1 AS d FROM wp WHERE e > pm
		        UNION ALL
		        SELECT case_no, e + 1, -1 FROM wp WHERE e > pm AND e < 2000000000) x
		 GROUP BY case_no, m),
	wcnt AS (
		SELECT case_no, m,
		       sum(d) OVER (PARTITION BY case_no ORDER BY m) AS n,
		       lead(m) OVER (PARTITION BY case_no ORDER BY m) AS nm
		  FROM wev),
	seg3 AS MATERIALIZED ( -- months [x, y] in which the case has 3+ workers
		SELECT case_no, m AS x, coalesce(nm - 1, 2000000000) AS y FROM wcnt WHERE n >= 3),
	ol AS (                -- periods that outlast the next one, in 3+ cases
		SELECT c.case_no, c.ord, c.team_id, c.ns, c.e
		  FROM cp c
		 WHERE c.ne < c.e AND c.case_no IN (SELECT case_no FROM seg3)),
	cov AS (               -- the later periods' ranges within [next start, end]
		SELECT o.case_no, o.ord, o.team_id, o.ns, o.e, q.s AS qs, least(q.e, o.e) AS qe
		  FROM ol o JOIN p q ON q.case_no = o.case_no AND q.ord > o.ord AND q.s <= o.e),
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
	t3 AS (
		SELECT l.team_id, greatest(g.x, l.u) AS a, least(g.y, l.v) AS b
		  FROM seg3 g JOIN lp l ON l.case_no = g.case_no AND l.u <= g.y AND l.v >= g.x),
	ev (tk, m, d_open, d_chg, d_3) AS (
		SELECT 0, greatest(s, pm + 1), 1, 0, 0 FROM cp WHERE e > pm
		UNION ALL SELECT 0, e + 1, -1, 0, 0 FROM cp WHERE e > pm AND e < 2000000000
		UNION ALL SELECT team_id, greatest(s, pm + 1), 1, 0, 0 FROM tp WHERE e > pm
		UNION ALL SELECT team_id, e + 1, -1, 0, 0 FROM tp WHERE e > pm AND e < 2000000000
		UNION ALL SELECT 0, s, 0, 1, 0 FROM p WHERE is_change
		UNION ALL SELECT 0, ce, 0, -1, 0 FROM p WHERE is_change
		UNION ALL SELECT team_id, s, 0, 1, 0 FROM p WHERE is_change
		UNION ALL SELECT team_id, ce, 0, -1, 0 FROM p WHERE is_change
		UNION ALL SELECT 0, x, 0, 0, 1 FROM seg3
		UNION ALL SELECT 0, y + 1, 0, 0, -1 FROM seg3 WHERE y < 2000000000
		UNION ALL SELECT team_id, a, 0, 0, 1 FROM t3
		UNION ALL SELECT team_id, b + 1, 0, 0, -1 FROM t3 WHERE b < 2000000000),
	agg AS MATERIALIZED (
		SELECT tk, m, sum(d_open) AS d_open, sum(d_chg) AS d_chg, sum(d_3) AS d_3
		  FROM ev GROUP BY tk, m),
	grid AS (
		SELECT t.tk, g.m
		  FROM (SELECT DISTINCT tk FROM agg) t
		 CROSS JOIN generate_series((SELECT min(m) FROM agg), (SELECT max(m) FROM agg)) AS g(m)),
	run AS (
		SELECT g.tk, g.m,
		       sum(coalesce(a.d_open, 0)) OVER w AS cases_open,
		       sum(coalesce(a.d_chg, 0)) OVER w AS worker_changes,
		       sum(coalesce(a.d_3, 0)) OVER w AS cases_3plus
		  FROM grid g LEFT JOIN agg a ON a.tk = g.tk AND a.m = g.m
		WINDOW w AS (PARTITION BY g.tk ORDER BY g.m))
	SELECT p_batch, steady_month_end(m), nullif(tk, 0), cases_open, worker_changes, cases_3plus
	  FROM run
	 WHERE tk = 0 OR cases_open > 0
$$;

-- Loads the rows staged in the session's temporary table steady_alloc_in
-- (line, case_id, team, worker_id, allocated_on, ended_on; load_alloc.c) as one
-- allocations batch.  Every team must be known (by code or name, either case):
-- otherwise it raises SQLSTATE 'ST422' with a JSON array of {row, column, value,
-- message} in the DETAIL (the first 1000 rows, then one line counting the rest),
-- and the caller's transaction is rolled back so nothing is stored.  Derives the
-- per-row values, fills allocation_month, announces the change.
CREATE FUNCTION steady_load_allocations(p_source text, p_as_of date, p_by text,
                                        p_sha256 text, p_original bytea)
RETURNS bigint LANGUAGE plpgsql AS $$
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
		         ORDER BY i.line LIMIT 1000) x;
		IF v_bad > 1000 THEN
			v_errors := v_errors || jsonb_build_array(jsonb_build_object(
			  'row', 0, 'column', 'team', 'value', NULL,
			  'message', format('%s more rows name unknown teams (%s): add them first (steadyctl team add) or correct the names',
			                    v_bad - 1000, v_unknown)));
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
	                            ended_on, case_no, worker_no, ord, is_change)
	SELECT v_batch, x.line, x.case_id, x.team_id, x.worker_id, x.allocated_on, x.ended_on,
	       x.case_no, x.worker_no, x.ord, x.prev_worker IS NOT NULL AND x.prev_worker <> x.worker_no
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

	PERFORM steady_alloc_fill_months(v_batch);

	PERFORM pg_notify('steady_changed', json_build_object('batch', v_batch, 'kind', 'allocations')::text);
	RETURN v_batch;
END
$$;

-- The counts behind caseload churn and children with 3+ workers for the window
-- [p_from, p_to] (inclusive), from the allocations batch in force at p_to:
-- one row per team with a case open in the window, and one service-wide row
-- (team_id NULL; a case that passed through several teams counts once there, so
-- it is not the sum of the team rows).  No rows at all when no allocations batch
-- is in force at p_to.
--   cases_open:     distinct cases with a period open in the window
--                   (allocated_on <= p_to and (ended_on is NULL or >= p_from));
--                   per team, with a period of that team open in the window;
--   worker_changes: periods allocated within the window whose worker differs from
--                   the previous period's worker of the case (periods in
--                   allocated_on, ended_on, file-row order), for the new period's team;
--   cases_3plus:    cases open with 3+ distinct workers among their periods open in
--                   the window; per team, by the team of the case's latest period
--                   open in the window (same order).
CREATE FUNCTION steady_alloc_counts(p_from date, p_to date)
RETURNS TABLE (team_id integer, cases_open bigint, worker_changes bigint, cases_3plus bigint)
LANGUAGE plpgsql STABLE AS $$
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
-- 12-month window ending at m ([m - 12 months + 1 day, m], e.g. 1 October 2025 -
-- 30 September 2026; 29 February 2024 - 28 February 2025), all from the allocations batch in force at p_last (an
-- extract lists past periods too, so a trend is the latest extract's view of
-- the past).  Rows as steady_alloc_counts, with the month: a service row
-- (team_id NULL) for every month end, team rows for teams with a case open.
-- For m = p_last the rows equal steady_alloc_counts(m - 12 months + 1 day, m).
-- No rows when no allocations batch is in force at p_last.
CREATE FUNCTION steady_alloc_monthly(p_first date, p_last date)
RETURNS TABLE (month date, team_id integer, cases_open bigint, worker_changes bigint,
               cases_3plus bigint)
LANGUAGE sql STABLE AS $$
	WITH b AS (SELECT steady_alloc_batch(p_last) AS id),
	span AS (
		SELECT min(a.month) AS lo, max(a.month) AS hi
		  FROM allocation_month a, b
		 WHERE a.batch_id = b.id AND a.team_id IS NULL),
	months AS (
		SELECT steady_month_end(g.m) AS m
		  FROM generate_series(steady_month_index(p_first), steady_month_index(p_last)) AS g(m)
		 WHERE steady_month_end(g.m) BETWEEN p_first AND p_last)
	SELECT mo.m, a.team_id, a.cases_open::bigint, a.worker_changes::bigint, a.cases_3plus::bigint
	  FROM b, span, months mo
	  JOIN allocation_month a ON true
	 WHERE a.batch_id = b.id AND mo.m >= span.lo
	   AND a.month = least(mo.m, span.hi)
	UNION ALL
	SELECT mo.m, NULL::integer, 0::bigint, 0::bigint, 0::bigint
	  FROM b, span, months mo
	 WHERE b.id IS NOT NULL AND (span.lo IS NULL OR mo.m < span.lo)
	 ORDER BY 1, 2 NULLS FIRST
$$;
