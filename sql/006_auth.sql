-- 006: access control.  Users with roles (viewer < hr < admin), their login
-- sessions, API tokens for HR systems, display tokens for wall TVs, and the
-- audit log.  Session ids and tokens are stored only as SHA-256 hex digests of
-- the secret (high-entropy random values); passwords only as argon2id strings
-- (libsodium crypto_pwhash_str).  See daemon/auth.c and docs/operations.md.

CREATE TABLE app_user (
	id serial PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
	role text NOT NULL CHECK (role IN ('viewer', 'hr', 'admin')),
	password_hash text,                -- NULL: no password login (proxy auth / tokens only)
	failed_logins integer NOT NULL DEFAULT 0,
	last_failed_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	disabled boolean NOT NULL DEFAULT false
);

CREATE TABLE app_session (
	id_hash text PRIMARY KEY,          -- sha256 hex of the cookie value
	user_id integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
	csrf text NOT NULL,                -- the double-submit token (not a credential on its own)
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen timestamptz NOT NULL DEFAULT now(),
	peer text
);
CREATE INDEX app_session_user ON app_session (user_id);

CREATE TABLE api_token (
	id serial PRIMARY KEY,
	token_hash text NOT NULL UNIQUE,
	label text NOT NULL,
	role text NOT NULL CHECK (role IN ('viewer', 'hr', 'admin')),
	created_at timestamptz NOT NULL DEFAULT now(),
	created_by text,
	revoked_at timestamptz
);

CREATE TABLE display_token (
	id serial PRIMARY KEY,
	token_hash text NOT NULL UNIQUE,
	label text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	created_by text,
	revoked_at timestamptz
);

CREATE TABLE audit_log (
	id bigserial PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT now(),
	who text NOT NULL,
	action text NOT NULL,
	detail text
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Uploads, reverts and alert-rule changes reach the audit log however they
-- are made (API, steadyctl, drop folder), in the same transaction as the
-- change itself: a rejected upload leaves no audit record either.
CREATE FUNCTION steady_audit_upload() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO audit_log (who, action, detail)
		VALUES (NEW.uploaded_by, 'upload',
		        format('batch %s: %s from %s as of %s, %s rows', NEW.id, NEW.kind, NEW.source, NEW.as_of,
		               NEW.row_count));
	ELSIF NEW.status = 'reverted' AND OLD.status IS DISTINCT FROM 'reverted' THEN
		INSERT INTO audit_log (who, action, detail)
		VALUES (coalesce(NEW.reverted_by, 'unknown'), 'revert',
		        format('batch %s: %s from %s as of %s', NEW.id, NEW.kind, NEW.source, NEW.as_of));
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER upload_batch_audit AFTER INSERT OR UPDATE OF status ON upload_batch
	FOR EACH ROW EXECUTE FUNCTION steady_audit_upload();

CREATE FUNCTION steady_audit_rule() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := to_jsonb(NEW);   -- by name: no dependence on 005's column order or keywords
BEGIN
	INSERT INTO audit_log (who, action, detail)
	VALUES (coalesce(r->>'by', 'unknown'), 'rule-' || coalesce(r->>'action', 'change'),
	        format('%s%s', r->>'figure', coalesce(' for team ' || (r->>'team'), '')));
	RETURN NULL;
END $$;
CREATE TRIGGER alert_rule_audit_log AFTER INSERT ON alert_rule_audit
	FOR EACH ROW EXECUTE FUNCTION steady_audit_rule();
