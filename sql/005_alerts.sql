-- 005: alerts (docs/alerts.md): rules with an audit of every change, the
-- state of every (figure, team) pair, the alerts with their history of
-- transitions, receivers, and the outbox of notifications with every
-- delivery attempt.  The state machine runs in C (daemon/alert.c); the
-- daemon hands its results to steady_alert_apply(), which stores state,
-- transitions and outbox rows in one transaction, under an advisory lock,
-- and applies a change only when the stored state is the one the daemon
-- evaluated (version check), so several daemons evaluating the same
-- figures store every transition once.

CREATE TABLE alert_rule (
	id          serial PRIMARY KEY,
	figure      text NOT NULL,
	team_id     integer REFERENCES team(id) ON DELETE CASCADE,  -- NULL: the service-wide default
	enabled     boolean NOT NULL DEFAULT true,
	direction   smallint NOT NULL CHECK (direction IN (1, -1)), -- 1 higher is worse, -1 lower is worse
	amber       double precision NOT NULL,
	amber_clear double precision NOT NULL,
	red         double precision NOT NULL,
	red_clear   double precision NOT NULL,
	min_den     double precision NOT NULL DEFAULT 0 CHECK (min_den >= 0),
	pending     integer NOT NULL DEFAULT 1 CHECK (pending BETWEEN 1 AND 24),
	notify_nodata boolean NOT NULL DEFAULT false,
	updated_at  timestamptz NOT NULL DEFAULT now(),
	updated_by  text NOT NULL DEFAULT 'migration'
);
CREATE UNIQUE INDEX alert_rule_key ON alert_rule (figure, coalesce(team_id, 0));

CREATE TABLE alert_rule_audit (
	id      bigserial PRIMARY KEY,
	at      timestamptz NOT NULL DEFAULT now(),
	by      text NOT NULL,
	action  text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
	figure  text NOT NULL,
	team    text,              -- team code, NULL for the default
	old     jsonb,
	new     jsonb
);

CREATE FUNCTION steady_rule_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r alert_rule;
	who text;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := OLD;
		who := coalesce(nullif(current_setting('steady.actor', true), ''), session_user);
	ELSE
		r := NEW;
		who := NEW.updated_by;
	END IF;
	INSERT INTO alert_rule_audit (by, action, figure, team, old, new)
	VALUES (who, lower(TG_OP), r.figure, (SELECT code FROM team WHERE id = r.team_id),
		CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'updated_at' - 'updated_by' END,
		CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'updated_at' - 'updated_by' END);
	RETURN NULL;
END $$;
CREATE TRIGGER alert_rule_audit AFTER INSERT OR UPDATE OR DELETE ON alert_rule
	FOR EACH ROW EXECUTE FUNCTION steady_rule_audit();

-- the shipped defaults (the same as rules_defaults() in daemon/rules.c)
INSERT INTO alert_rule (figure, direction, amber, amber_clear, red, red_clear, min_den) VALUES
	('agency_rate_fte',   1, 20, 18, 30, 27, 5),
	('vacancy_rate',      1, 15, 13, 25, 22, 5),
	('turnover_rate',     1, 15, 13, 25, 22, 5),
	('stability_index',  -1, 80, 82, 70, 73, 5),
	('average_caseload',  1, 18, 17, 22, 20, 2),
	('caseload_churn',    1, 0.5, 0.45, 1.0, 0.9, 10);

-- One row per firing, from fire to resolve (or to "no data").
CREATE TABLE alert (
	id            bigserial PRIMARY KEY,
	figure        text NOT NULL,
	team_id       integer NOT NULL REFERENCES team(id) ON DELETE CASCADE,
	level         text NOT NULL CHECK (level IN ('normal', 'amber', 'red', 'no_data')),
	peak_level    text NOT NULL CHECK (peak_level IN ('amber', 'red')),
	fired_at      timestamptz NOT NULL DEFAULT now(),
	fired_value   double precision,
	fired_den     double precision,
	fired_as_of   date,
	value         double precision,      -- the latest value that moved the alert
	acked_at      timestamptz,           -- the acknowledgement in force (cleared on worsening)
	acked_by      text,
	ack_comment   text,
	cleared_at    timestamptz,
	cleared_value double precision,
	cleared_how   text CHECK (cleared_how IN ('resolved', 'no_data'))
);
CREATE INDEX alert_active ON alert (id) WHERE cleared_at IS NULL;

CREATE TABLE alert_state (
	figure        text NOT NULL,
	team_id       integer NOT NULL REFERENCES team(id) ON DELETE CASCADE,
	level         text NOT NULL DEFAULT 'normal' CHECK (level IN ('normal', 'amber', 'red', 'no_data')),
	acked         boolean NOT NULL DEFAULT false,
	pending_level text NOT NULL DEFAULT 'normal',
	pending_count integer NOT NULL DEFAULT 0,
	last_date     date,
	alert_id      bigint REFERENCES alert(id) ON DELETE SET NULL,
	version       bigint NOT NULL DEFAULT 0,
	updated_at    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (figure, team_id)
);

-- Every transition, and every acknowledgement.
CREATE TABLE alert_event (
	id          bigserial PRIMARY KEY,
	alert_id    bigint REFERENCES alert(id) ON DELETE CASCADE,
	figure      text NOT NULL,
	team_id     integer NOT NULL REFERENCES team(id) ON DELETE CASCADE,
	at          timestamptz NOT NULL DEFAULT now(),
	transition  text NOT NULL,
	from_level  text NOT NULL,
	to_level    text NOT NULL,
	value       double precision,
	den         double precision,
	as_of       date,
	by          text,
	comment     text
);
CREATE INDEX alert_event_alert ON alert_event (alert_id);

CREATE TABLE alert_receiver (
	id          serial PRIMARY KEY,
	name        text NOT NULL UNIQUE CHECK (name <> ''),
	kind        text NOT NULL CHECK (kind IN ('json', 'teams', 'slack')),
	url         text NOT NULL CHECK (url ~ '^https?://'),
	enabled     boolean NOT NULL DEFAULT true,
	timeout_ms  integer NOT NULL DEFAULT 5000 CHECK (timeout_ms BETWEEN 100 AND 120000),
	created_at  timestamptz NOT NULL DEFAULT now(),
	created_by  text NOT NULL DEFAULT 'unknown'
);

CREATE TABLE alert_outbox (
	id              bigserial PRIMARY KEY,
	event_id        bigint NOT NULL REFERENCES alert_event(id) ON DELETE CASCADE,
	receiver_id     integer NOT NULL REFERENCES alert_receiver(id) ON DELETE CASCADE,
	payload         jsonb NOT NULL,     -- the generic document; formatted per receiver kind when sent
	created_at      timestamptz NOT NULL DEFAULT now(),
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	attempts        integer NOT NULL DEFAULT 0,
	lease_until     timestamptz,        -- a daemon is sending it until then
	lease_owner     text,
	last_status     integer,
	last_error      text,
	delivered_at    timestamptz,
	failed_at       timestamptz         -- given up (visible on the admin page)
);
CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

CREATE TABLE alert_delivery_attempt (
	id          bigserial PRIMARY KEY,
	outbox_id   bigint NOT NULL REFERENCES alert_outbox(id) ON DELETE CASCADE,
	at          timestamptz NOT NULL DEFAULT now(),
	status      integer,               -- HTTP status, NULL when no answer
	error       text,
	duration_ms integer
);

-- The active alerts as a JSON array (for the API and the live banner).
CREATE FUNCTION steady_alerts_active() RETURNS jsonb LANGUAGE sql AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', a.id, 'figure', a.figure, 'team', t.code, 'team_name', t.name, 'level', a.level,
		'peak_level', a.peak_level, 'fired_at', a.fired_at, 'fired_value', a.fired_value,
		'value', a.value, 'as_of', a.fired_as_of, 'acknowledged', a.acked_at IS NOT NULL,
		'acked_by', a.acked_by, 'acked_at', a.acked_at, 'ack_comment', a.ack_comment)
		ORDER BY CASE a.level WHEN 'red' THEN 0 ELSE 1 END, a.fired_at, a.id), '[]'::jsonb)
	FROM alert a JOIN team t ON t.id = a.team_id
	WHERE a.cleared_at IS NULL
$$;

-- Applies the daemon's evaluation.  p: [{figure, team_id, expected_version,
-- level, acked, pending_level, pending_count, last_date, transition, from,
-- to, notify, value, den, as_of, payload}]; returns how many entries were
-- skipped because the stored state changed since the daemon read it (the
-- daemon then reads again and re-evaluates) and the active alerts after the
-- change: {"conflicts": N, "active": [...]}.
CREATE FUNCTION steady_alert_apply(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	c jsonb;
	st alert_state;
	conflicts integer := 0;
	aid bigint;
	eid bigint;
	tr text;
	v double precision;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('steady_alerts'));
	FOR c IN SELECT * FROM jsonb_array_elements(p) LOOP
		SELECT * INTO st FROM alert_state WHERE figure = c->>'figure' AND team_id = (c->>'team_id')::integer;
		IF coalesce(st.version, 0) <> (c->>'expected_version')::bigint THEN
			conflicts := conflicts + 1;
			CONTINUE;
		END IF;
		tr := c->>'transition';
		v := (c->>'value')::double precision;
		aid := st.alert_id;
		IF tr = 'fire' THEN
			INSERT INTO alert (figure, team_id, level, peak_level, fired_value, fired_den, fired_as_of, value)
			VALUES (c->>'figure', (c->>'team_id')::integer, c->>'to', c->>'to', v,
				(c->>'den')::double precision, (c->>'as_of')::date, v)
			RETURNING id INTO aid;
		ELSIF tr IN ('worsen', 'improve') AND aid IS NOT NULL THEN
			UPDATE alert SET level = c->>'to', value = v,
				peak_level = CASE WHEN c->>'to' = 'red' THEN 'red' ELSE peak_level END,
				acked_at = CASE WHEN tr = 'worsen' THEN NULL ELSE acked_at END,
				acked_by = CASE WHEN tr = 'worsen' THEN NULL ELSE acked_by END,
				ack_comment = CASE WHEN tr = 'worsen' THEN NULL ELSE ack_comment END
			WHERE id = aid;
		ELSIF tr IN ('resolve', 'no_data') AND aid IS NOT NULL THEN
			UPDATE alert SET level = c->>'to', cleared_at = now(), cleared_value = v,
				cleared_how = CASE WHEN tr = 'resolve' THEN 'resolved' ELSE 'no_data' END
			WHERE id = aid;
		END IF;
		IF tr <> 'none' THEN
			INSERT INTO alert_event (alert_id, figure, team_id, transition, from_level, to_level, value, den, as_of)
			VALUES (CASE WHEN tr IN ('fire', 'worsen', 'improve', 'resolve') OR (tr = 'no_data' AND aid IS NOT NULL)
				     THEN aid END,
				c->>'figure', (c->>'team_id')::integer, tr, c->>'from', c->>'to', v,
				(c->>'den')::double precision, (c->>'as_of')::date)
			RETURNING id INTO eid;
			IF (c->>'notify')::boolean THEN
				INSERT INTO alert_outbox (event_id, receiver_id, payload)
				SELECT eid, r.id, c->'payload' || jsonb_build_object('event_id', eid, 'alert_id', aid,
					'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
				FROM alert_receiver r WHERE r.enabled;
			END IF;
		END IF;
		IF tr IN ('resolve', 'no_data') THEN
			aid := NULL;
		END IF;
		INSERT INTO alert_state (figure, team_id, level, acked, pending_level, pending_count, last_date,
					 alert_id, version, updated_at)
		VALUES (c->>'figure', (c->>'team_id')::integer, c->>'level', (c->>'acked')::boolean,
			c->>'pending_level', (c->>'pending_count')::integer, (c->>'last_date')::date, aid, 1, now())
		ON CONFLICT (figure, team_id) DO UPDATE SET level = EXCLUDED.level, acked = EXCLUDED.acked,
			pending_level = EXCLUDED.pending_level, pending_count = EXCLUDED.pending_count,
			last_date = EXCLUDED.last_date, alert_id = EXCLUDED.alert_id,
			version = alert_state.version + 1, updated_at = now();
	END LOOP;
	RETURN jsonb_build_object('conflicts', conflicts, 'active', steady_alerts_active());
END $$;

-- Acknowledge an active alert: 'ok', 'already', 'not_active' or 'not_found'.
CREATE FUNCTION steady_alert_ack(p_id bigint, p_by text, p_comment text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	a alert;
	st alert_state;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('steady_alerts'));
	SELECT * INTO a FROM alert WHERE id = p_id;
	IF NOT FOUND THEN
		RETURN 'not_found';
	END IF;
	IF a.cleared_at IS NOT NULL THEN
		RETURN 'not_active';
	END IF;
	SELECT * INTO st FROM alert_state WHERE alert_id = p_id;
	IF st.acked THEN
		RETURN 'already';
	END IF;
	UPDATE alert_state SET acked = true, version = version + 1, updated_at = now()
	WHERE figure = a.figure AND team_id = a.team_id;
	UPDATE alert SET acked_at = now(), acked_by = p_by, ack_comment = p_comment WHERE id = p_id;
	INSERT INTO alert_event (alert_id, figure, team_id, transition, from_level, to_level, value, by, comment)
	VALUES (p_id, a.figure, a.team_id, 'ack', a.level, a.level, a.value, p_by, p_comment);
	-- every daemon re-reads and pushes the banner with the acknowledgement
	PERFORM pg_notify('steady_changed', 'alert_ack');
	RETURN 'ok';
END $$;
