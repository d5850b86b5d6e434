/*
 * api_auth.c -- the authorizer, login/logout/me, users and tokens API, and
 * the audit log (see api_auth.h).  Credentials are looked up in PostgreSQL on
 * every request (revocation from steadyctl or another instance takes effect
 * at once); only SHA-256 digests of secrets ever reach the database, and no
 * secret is ever logged.
 */
#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_auth.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "pwworker.h"

#define PEER_SLOTS 128
#define SESSION_COOKIE "steady_session"
#define CSRF_COOKIE "steady_csrf"
#define DISPLAY_COOKIE "steady_display"

enum metrics_mode { METRICS_LOOPBACK, METRICS_PUBLIC, METRICS_ADMIN };

struct peer_fail {
	char addr[64];
	long failures;
	time_t last;   /* monotonic seconds of the last failure */
};

struct auth_api {
	struct db *db;
	struct pwworker *pw;  /* argon2id checks on a thread: never on the loop */
	int session_idle;
	int session_max;
	enum metrics_mode metrics;
	char *proxies;        /* "a b c" */
	char *proxy_header;   /* NULL = off */
	char dummy_hash[AUTH_PWHASH_LEN];  /* verified against for unknown users (same timing) */
	struct peer_fail peers[PEER_SLOTS];
};

static time_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* ---- audit ---- */

static void audit_done(void *arg, struct pgjob_outcome *out)
{
	(void)arg;
	if (!out->ok)
		log_error("audit: recording an audit entry failed: %s", out->error);
}

#define AUDIT_SQL "INSERT INTO audit_log (who, action, detail) VALUES ($1, $2, $3)"

void audit_log(struct db *db, const char *who, const char *action, const char *detail)
{
	const char *p[3] = { who ? who : "anonymous", action, detail };
	if (db_query(db, AUDIT_SQL, 3, p, audit_done, NULL) < 0)
		log_error("audit: out of memory recording %s by %s", action, p[0]);
}

/* ---- settings ---- */

static int set_copy(char **dst, const char *v)
{
	char *c = NULL;
	if (v && *v && !(c = strdup(v)))
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

int auth_api_configure(struct auth_api *a, const struct config *cfg)
{
	a->session_idle = cfg->session_idle_seconds > 0 ? cfg->session_idle_seconds : 43200;
	a->session_max = cfg->session_max_seconds > 0 ? cfg->session_max_seconds : 604800;
	a->metrics = METRICS_LOOPBACK;
	if (cfg->metrics_access && !strcmp(cfg->metrics_access, "public"))
		a->metrics = METRICS_PUBLIC;
	else if (cfg->metrics_access && !strcmp(cfg->metrics_access, "admin"))
		a->metrics = METRICS_ADMIN;
	if (set_copy(&a->proxies, cfg->trusted_proxies) < 0 ||
	    set_copy(&a->proxy_header, cfg->proxy_user_header) < 0) {
		log_error("auth: out of memory applying settings");
		return -1;
	}
	if (a->proxy_header && !a->proxies)
		log_warn("auth: proxy_user_header is set but trusted_proxies is empty: proxy authentication is off");
	return 0;
}

struct auth_api *auth_api_new(struct event_base *base, struct db *db, const struct config *cfg)
{
	struct auth_api *a = calloc(1, sizeof *a);
	if (!a) {
		log_error("auth: out of memory");
		return NULL;
	}
	a->db = db;
	if (auth_init() < 0) {
		log_error("auth: libsodium cannot be initialised");
		goto fail;
	}
	char pw[AUTH_TOKEN_LEN];
	if (auth_token_new("dmy_", pw) < 0 || auth_password_hash(pw, a->dummy_hash) < 0) {
		log_error("auth: out of memory hashing");
		goto fail;
	}
	if (auth_api_configure(a, cfg) < 0)
		goto fail;
	a->pw = pwworker_new(base);
	if (!a->pw)
		goto fail;
	return a;
fail:
	auth_api_free(a);
	return NULL;
}

void auth_api_free(struct auth_api *a)
{
	if (!a)
		return;
	pwworker_free(a->pw);
	free(a->proxies);
	free(a->proxy_header);
	free(a);
}

/* ---- request facts ---- */

static const char *in_header(struct evhttp_request *req, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(req), name);
}

static int peer_is_trusted(const struct auth_api *a, const char *addr)
{
	if (!a->proxies)
		return 0;
	size_t n = strlen(addr);
	for (const char *p = a->proxies; *p; ) {
		p += strspn(p, " ,\t");
		size_t m = strcspn(p, " ,\t");
		if (m == n && m && !strncmp(p, addr, n))
			return 1;
		p += m;
	}
	return 0;
}

static int is_loopback(const char *addr)
{
	return !strncmp(addr, "127.", 4) || !strcmp(addr, "::1") || !strcmp(addr, "::ffff:127.0.0.1");
}

/* The client's address: the peer, or the last X-Forwarded-For hop a trusted proxy added. */
static void client_addr(const struct auth_api *a, struct evhttp_request *req, char *out, size_t len)
{
	const char *peer = http_peer_addr(req);
	const char *xff = in_header(req, "X-Forwarded-For");
	if (xff && peer_is_trusted(a, peer)) {
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		snprintf(out, len, "%s", last);
		return;
	}
	snprintf(out, len, "%s", peer);
}

static int over_tls(const struct auth_api *a, struct evhttp_request *req)
{
	const char *proto = in_header(req, "X-Forwarded-Proto");
	return proto && !strcasecmp(proto, "https") && peer_is_trusted(a, http_peer_addr(req));
}

static void set_cookie(const struct auth_api *a, struct evhttp_request *req, const char *name,
		       const char *value, int http_only, long max_age)
{
	char c[256];
	char age[40] = "";
	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
	snprintf(c, sizeof c, "%s=%s; Path=/; SameSite=Strict%s%s%s", name, value,
		 http_only ? "; HttpOnly" : "", over_tls(a, req) ? "; Secure" : "", age);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", c);
}

/* ---- the authorizer ---- */

enum cred { CRED_SESSION, CRED_API, CRED_DISPLAY, CRED_PROXY };

struct authz_ctx {
	struct auth_api *a;
	struct http_authz *az;
	enum auth_level need;
	enum cred cred;
};

#define SESSION_SQL \
	"UPDATE app_session s SET last_seen = now() FROM app_user u " \
	"WHERE s.id_hash = $1 AND u.id = s.user_id AND NOT u.disabled " \
	"AND s.last_seen > now() - make_interval(secs => $2::int) " \
	"AND s.created_at > now() - make_interval(secs => $3::int) " \
	"RETURNING u.name, u.role, s.csrf"
#define API_TOKEN_SQL \
	"SELECT 'token:' || label, role, NULL FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL"
#define DISPLAY_TOKEN_SQL \
	"SELECT 'display:' || label, 'display', NULL FROM display_token " \
	"WHERE token_hash = $1 AND revoked_at IS NULL"
#define PROXY_USER_SQL \
	"SELECT name, role, NULL FROM app_user WHERE name = $1 AND NOT disabled"

static int csrf_ok(struct evhttp_request *req, const char *expected)
{
	const char *origin = in_header(req, "Origin");
	if (origin && !auth_origin_matches(origin, in_header(req, "Host")))
		return 0;
	const char *got = in_header(req, "X-CSRF-Token");
	/* Proxy authentication has no token of ours: a matching Origin (checked
	 * above), or a custom header, which no cross-site form can send. */
	if (!expected)
		return origin != NULL || got != NULL;
	return got && auth_equal(got, expected);
}

static void authz_looked_up(void *arg, struct pgjob_outcome *out)
{
	struct authz_ctx *c = arg;
	struct evhttp_request *req = http_authz_request(c->az);
	enum auth_level level;
	if (!out->ok) {
		log_error("auth: looking up credentials failed: %s", out->error);
		http_authz_deny(c->az, 503, "the database is unavailable; try again shortly");
		goto done;
	}
	if (PQntuples(out->result) != 1) {
		http_authz_deny(c->az, 401, c->cred == CRED_SESSION
				? "the session has expired: log in again"
				: "authentication required: the credentials are not valid");
		goto done;
	}
	const char *who = PQgetvalue(out->result, 0, 0), *role = PQgetvalue(out->result, 0, 1);
	if (auth_role_parse(role, &level) < 0) {
		http_authz_deny(c->az, 403, "forbidden");
		goto done;
	}
	if (level < c->need) {
		char msg[120];
		snprintf(msg, sizeof msg, "forbidden: this needs the %s role", auth_role_name(c->need));
		http_authz_deny(c->az, 403, msg);
		goto done;
	}
	if (!http_authz_is_read(c->az) && (c->cred == CRED_SESSION || c->cred == CRED_PROXY) &&
	    !csrf_ok(req, c->cred == CRED_SESSION ? PQgetvalue(out->result, 0, 2) : NULL)) {
		char peer[80];
		log_warn("auth: %s from %s refused: CSRF token missing or wrong", http_authz_path(c->az),
			 http_peer(req, peer, sizeof peer));
		http_authz_deny(c->az, 403, "forbidden: the X-CSRF-Token header is missing or wrong");
		goto done;
	}
	http_authz_allow(c->az, who, role);
done:
	free(c);
}

/* ?display=TOKEN on the wall page: remember it in a cookie, so that the page's
 * own requests (summary, live) carry it without the page knowing about it. */
static void display_from_query(struct auth_api *a, struct evhttp_request *req, int set_cookie_too,
			       char *out, size_t len)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq q;
	out[0] = '\0';
	if (!query || evhttp_parse_query_str(query, &q) < 0)
		return;
	const char *t = evhttp_find_header(&q, "display");
	if (t && auth_token_wellformed(t) && !strncmp(t, AUTH_PREFIX_DISPLAY, 4) && strlen(t) < len) {
		snprintf(out, len, "%s", t);
		if (set_cookie_too)
			set_cookie(a, req, DISPLAY_COOKIE, t, 1, 10L * 366 * 86400);
	}
	evhttp_clear_headers(&q);
}

static void authorize(struct http_authz *az, void *ud)
{
	struct auth_api *a = ud;
	struct evhttp_request *req = http_authz_request(az);
	const char *path = http_authz_path(az);
	enum auth_level need = auth_required(http_authz_is_read(az), path);
	char token[AUTH_TOKEN_LEN + 8], hash[AUTH_HASH_LEN], idle[16], max_age[16];
	const char *sql = NULL;
	const char *params[3] = { hash, idle, max_age };
	int nparams = 1;
	enum cred cred = CRED_API;

	if (need == AUTH_PUBLIC) {
		if (!strcmp(path, "/") || !strcmp(path, "/index.html"))
			display_from_query(a, req, 1, token, sizeof token);
		http_authz_allow(az, NULL, NULL);
		return;
	}
	if (need == AUTH_METRICS) {
		if (a->metrics == METRICS_PUBLIC ||
		    (a->metrics == METRICS_LOOPBACK && is_loopback(http_peer_addr(req)))) {
			http_authz_allow(az, NULL, NULL);
			return;
		}
		need = AUTH_ADMIN;
	}
	const char *proxy_user = a->proxy_header ? in_header(req, a->proxy_header) : NULL;
	const char *bearer = auth_bearer(in_header(req, "Authorization"));
	const char *cookies = in_header(req, "Cookie");
	if (proxy_user && peer_is_trusted(a, http_peer_addr(req))) {
		if (!auth_name_valid(proxy_user)) {
			http_authz_deny(az, 401, "authentication required: the proxy's user name is not valid");
			return;
		}
		snprintf(hash, sizeof hash, "%s", proxy_user);
		sql = PROXY_USER_SQL;
		cred = CRED_PROXY;
	} else if (bearer) {
		if (!auth_token_wellformed(bearer)) {
			http_authz_deny(az, 401, "authentication required: the bearer token is not valid");
			return;
		}
		auth_token_hash(bearer, hash);
		if (!strncmp(bearer, AUTH_PREFIX_API, 4)) {
			sql = API_TOKEN_SQL;
		} else if (!strncmp(bearer, AUTH_PREFIX_DISPLAY, 4)) {
			sql = DISPLAY_TOKEN_SQL;
			cred = CRED_DISPLAY;
		} else {
			http_authz_deny(az, 401, "authentication required: the bearer token is not valid");
			return;
		}
	} else if (auth_cookie_get(cookies, SESSION_COOKIE, token, sizeof token) == 0 &&
		   auth_token_wellformed(token)) {
		auth_token_hash(token, hash);
		snprintf(idle, sizeof idle, "%d", a->session_idle);
		snprintf(max_age, sizeof max_age, "%d", a->session_max);
		sql = SESSION_SQL;
		nparams = 3;
		cred = CRED_SESSION;
	} else if ((display_from_query(a, req, 0, token, sizeof token), token[0]) ||
		   (auth_cookie_get(cookies, DISPLAY_COOKIE, token, sizeof token) == 0 &&
		    auth_token_wellformed(token))) {
		auth_token_hash(token, hash);
		sql = DISPLAY_TOKEN_SQL;
		cred = CRED_DISPLAY;
	} else {
		http_authz_deny(az, 401, "authentication required: log in at /login.html");
		return;
	}
	sodium_memzero(token, sizeof token);
	struct authz_ctx *c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->a = a;
	c->az = az;
	c->need = need;
	c->cred = cred;
	if (db_query(a->db, sql, nparams, params, authz_looked_up, c) < 0) {
		free(c);
		goto oom;
	}
	return;
oom:
	log_error("auth: out of memory");
	http_authz_deny(az, 500, "out of memory");
}

/* ---- JSON bodies ---- */

static cJSON *json_body(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *data = len ? (const char *)evbuffer_pullup(in, -1) : NULL;
	cJSON *o = data ? cJSON_ParseWithLength(data, len) : NULL;
	if (o && !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		o = NULL;
	}
	return o;
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- POST /api/v1/auth/login ---- */

static struct peer_fail *peer_slot(struct auth_api *a, const char *addr, int create)
{
	struct peer_fail *victim = NULL;
	for (size_t i = 0; i < PEER_SLOTS; i++) {
		struct peer_fail *p = &a->peers[i];
		if (p->failures && !strcmp(p->addr, addr))
			return p;
		if (!victim || (victim->failures && (!p->failures || p->last < victim->last)))
			victim = p;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	snprintf(victim->addr, sizeof victim->addr, "%s", addr);
	return victim;
}

struct login_ctx {
	struct auth_api *a;
	struct evhttp_request *req;
	char name[65];
	char client[64];
	char *password;
	char role[16];
	int found;            /* the user exists (and is not disabled) */
	int has_hash;         /* ... and has a password */
	char user_id[24];
	char session[AUTH_TOKEN_LEN];
	char csrf[AUTH_TOKEN_LEN];
};

static void login_free(struct login_ctx *c)
{
	if (c->password) {
		sodium_memzero(c->password, strlen(c->password));
		free(c->password);
	}
	sodium_memzero(c->session, sizeof c->session);
	free(c);
}

static void too_many(struct evhttp_request *req, long wait)
{
	char v[24];
	snprintf(v, sizeof v, "%ld", wait);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", v);
	http_reply_error(req, 429, "too many failed logins: wait before trying again");
}

static void login_failed(struct login_ctx *c, const char *user_id)
{
	struct peer_fail *p = peer_slot(c->a, c->client, 1);
	p->failures++;
	p->last = mono_now();
	if (user_id) {
		const char *params[1] = { user_id };
		if (db_query(c->a->db, "UPDATE app_user SET failed_logins = failed_logins + 1, "
			     "last_failed_at = now() WHERE id = $1", 1, params, audit_done, NULL) < 0)
			log_error("auth: out of memory counting a failed login");
	}
	char detail[160];
	snprintf(detail, sizeof detail, "user %s from %s", c->name, c->client);
	audit_log(c->a->db, c->name, "login-failed", detail);
	log_info("auth: failed login for \"%s\" from %s", c->name, c->client);
	http_reply_error(c->req, 401, "wrong user name or password");
}

static void login_stored(void *arg, struct pgjob_outcome *out)
{
	struct login_ctx *c = arg;
	if (!out->ok) {
		log_error("auth: storing a session failed: %s", out->error);
		http_reply_error(c->req, 503, "the database is unavailable; try again shortly");
		goto done;
	}
	struct peer_fail *p = peer_slot(c->a, c->client, 0);
	if (p)
		p->failures = 0;
	log_info("auth: %s logged in from %s (%s)", c->name, c->client, c->role);
	set_cookie(c->a, c->req, SESSION_COOKIE, c->session, 1, -1);
	set_cookie(c->a, c->req, CSRF_COOKIE, c->csrf, 0, -1);
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddStringToObject(o, "user", c->name) || !cJSON_AddStringToObject(o, "role", c->role) ||
	    !cJSON_AddStringToObject(o, "csrf_token", c->csrf)) {
		cJSON_Delete(o);
		http_reply_error(c->req, 500, "out of memory");
		goto done;
	}
	http_reply_json(c->req, 200, o);
done:
	login_free(c);
}

static void login_checked(void *arg, int ok);

static void login_looked_up(void *arg, struct pgjob_outcome *out)
{
	struct login_ctx *c = arg;
	if (!out->ok) {
		log_error("auth: looking up a user failed: %s", out->error);
		http_reply_error(c->req, 503, "the database is unavailable; try again shortly");
		goto done;
	}
	int found = PQntuples(out->result) == 1;
	const char *hash = found && !PQgetisnull(out->result, 0, 2) ? PQgetvalue(out->result, 0, 2) : NULL;
	if (found) {
		long wait = auth_throttle_wait(atol(PQgetvalue(out->result, 0, 3)),
					       atof(PQgetvalue(out->result, 0, 4)));
		if (wait > 0) {
			log_info("auth: login for \"%s\" from %s throttled (%ld s)", c->name, c->client, wait);
			too_many(c->req, wait);
			goto done;
		}
	}
	c->found = found;
	c->has_hash = hash != NULL;
	if (found) {
		snprintf(c->user_id, sizeof c->user_id, "%s", PQgetvalue(out->result, 0, 0));
		snprintf(c->role, sizeof c->role, "%s", PQgetvalue(out->result, 0, 1));
	}
	/* verify even for an unknown user: the same time either way; on the
	 * worker thread, the loop goes on serving meanwhile */
	if (pwworker_verify(c->a->pw, hash ? hash : c->a->dummy_hash, c->password, login_checked, c) < 0) {
		http_reply_error(c->req, 500, "out of memory");
		goto done;
	}
	return;
done:
	login_free(c);
}

static void login_checked(void *arg, int ok)
{
	struct login_ctx *c = arg;
	struct pgjob job = PGJOB_INIT;
	if (!ok || !c->has_hash) {
		login_failed(c, c->found ? c->user_id : NULL);
		goto done;
	}
	char sid_hash[AUTH_HASH_LEN], detail[120];
	if (auth_token_new(AUTH_PREFIX_SESSION, c->session) < 0 || auth_token_new("stc_", c->csrf) < 0)
		goto oom;
	auth_token_hash(c->session, sid_hash);
	snprintf(detail, sizeof detail, "from %s", c->client);
	const char *uid = c->user_id;
	const char *p_ins[4] = { sid_hash, uid, c->csrf, c->client };
	const char *p_uid[1] = { uid };
	const char *p_audit[3] = { c->name, "login", detail };
	if (pgjob_add_query(&job, "INSERT INTO app_session (id_hash, user_id, csrf, peer) VALUES ($1, $2, $3, $4)",
			    4, p_ins, NULL, NULL) < 0 ||
	    pgjob_add_query(&job, "UPDATE app_user SET failed_logins = 0, last_failed_at = NULL WHERE id = $1",
			    1, p_uid, NULL, NULL) < 0 ||
	    pgjob_add_query(&job, "DELETE FROM app_session WHERE last_seen < now() - interval '31 days'",
			    0, NULL, NULL, NULL) < 0 ||
	    pgjob_add_query(&job, AUDIT_SQL, 3, p_audit, NULL, NULL) < 0)
		goto oom;
	job.what = "login";
	if (db_submit(c->a->db, &job, login_stored, c) < 0)
		goto oom;
	return;
oom:
	pgjob_free(&job);
	log_error("auth: out of memory");
	http_reply_error(c->req, 500, "out of memory");
done:
	login_free(c);
}

static void handle_login(struct evhttp_request *req, void *arg)
{
	struct auth_api *a = arg;
	cJSON *body = json_body(req);
	struct login_ctx *c = NULL;
	const char *name = json_str(body, "user"), *pw = json_str(body, "password");
	if (!name || !pw) {
		http_reply_error(req, 400, "the body must be a JSON object: {\"user\": ..., \"password\": ...}");
		goto done;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->a = a;
	c->req = req;
	client_addr(a, req, c->client, sizeof c->client);
	struct peer_fail *p = peer_slot(a, c->client, 0);
	long wait = p ? auth_throttle_wait(p->failures, (double)(mono_now() - p->last)) : 0;
	if (wait > 0) {
		log_info("auth: login from %s throttled (%ld s)", c->client, wait);
		too_many(req, wait);
		goto done;
	}
	if (!auth_name_valid(name) || strlen(pw) > AUTH_MAX_PASSWORD) {
		snprintf(c->name, sizeof c->name, "(invalid)");
		login_failed(c, NULL);
		goto done;
	}
	snprintf(c->name, sizeof c->name, "%s", name);
	c->password = strdup(pw);
	if (!c->password)
		goto oom;
	const char *params[1] = { c->name };
	if (db_query(a->db, "SELECT id, role, password_hash, failed_logins, "
		     "coalesce(extract(epoch FROM now() - last_failed_at), 1e9) "
		     "FROM app_user WHERE name = $1 AND NOT disabled", 1, params, login_looked_up, c) < 0)
		goto oom;
	c = NULL;
	goto done;
oom:
	log_error("auth: out of memory");
	http_reply_error(req, 500, "out of memory");
done:
	if (c)
		login_free(c);
	if (body) {
		cJSON *pv = cJSON_GetObjectItemCaseSensitive(body, "password");
		if (cJSON_IsString(pv))
			sodium_memzero(pv->valuestring, strlen(pv->valuestring));
	}
	cJSON_Delete(body);
}

/* ---- POST /api/v1/auth/logout, GET /api/v1/auth/me ---- */

static void reply_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok) {
		log_error("auth: %s", out->error);
		http_reply_error(req, 503, "the database is unavailable; try again shortly");
		return;
	}
	http_reply_json_text(req, 200, "{\"ok\":true}");
}

static void handle_logout(struct evhttp_request *req, void *arg)
{
	struct auth_api *a = arg;
	char token[AUTH_TOKEN_LEN + 8], hash[AUTH_HASH_LEN];
	struct pgjob job = PGJOB_INIT;
	set_cookie(a, req, SESSION_COOKIE, "", 1, 0);
	set_cookie(a, req, CSRF_COOKIE, "", 0, 0);
	if (auth_cookie_get(in_header(req, "Cookie"), SESSION_COOKIE, token, sizeof token) < 0 ||
	    !auth_token_wellformed(token)) {
		http_reply_json_text(req, 200, "{\"ok\":true}");
		return;
	}
	auth_token_hash(token, hash);
	const char *p_del[1] = { hash };
	const char *p_audit[3] = { http_request_user(req), "logout", NULL };
	if (pgjob_add_query(&job, "DELETE FROM app_session WHERE id_hash = $1", 1, p_del, NULL, NULL) < 0 ||
	    pgjob_add_query(&job, AUDIT_SQL, 3, p_audit, NULL, NULL) < 0 ||
	    db_submit(a->db, &job, reply_done, req) < 0) {
		pgjob_free(&job);
		http_reply_error(req, 500, "out of memory");
	}
}

static void handle_me(struct evhttp_request *req, void *arg)
{
	(void)arg;
	cJSON *o = cJSON_CreateObject();
	const char *u = http_request_user(req), *r = http_request_role(req);
	char csrf[AUTH_TOKEN_LEN + 8];
	if (!o || !cJSON_AddStringToObject(o, "user", u ? u : "") ||
	    !cJSON_AddStringToObject(o, "role", r ? r : "")) {
		cJSON_Delete(o);
		http_reply_error(req, 500, "out of memory");
		return;
	}
	if (auth_cookie_get(in_header(req, "Cookie"), CSRF_COOKIE, csrf, sizeof csrf) == 0 &&
	    !cJSON_AddStringToObject(o, "csrf_token", csrf)) {
		cJSON_Delete(o);
		http_reply_error(req, 500, "out of memory");
		return;
	}
	http_reply_json(req, 200, o);
}

/* ---- admin: users, API tokens, display tokens ---- */

struct admin_ctx {
	struct evhttp_request *req;
	int code;
	char token[AUTH_TOKEN_LEN];  /* a new token, shown once */
};

static void admin_done(void *arg, struct pgjob_outcome *out)
{
	struct admin_ctx *c = arg;
	if (!out->ok) {
		const char *st = pgjob_sqlstate(out);
		if (!strcmp(st, "23505"))
			http_reply_error(c->req, 409, "it exists already");
		else if (!strncmp(st, "23", 2) || !strncmp(st, "22", 2))
			http_reply_error(c->req, 422, "the request was refused by the database's checks");
		else {
			log_error("auth: admin request failed: %s", out->error);
			http_reply_error(c->req, 503, "the database is unavailable; nothing was changed");
		}
		goto done;
	}
	if (PQntuples(out->result) < 1 || PQgetisnull(out->result, 0, 0)) {
		http_reply_error(c->req, 404, "not found");
		goto done;
	}
	const char *json = PQgetvalue(out->result, 0, 0);
	if (!c->token[0]) {
		http_reply_json_text(c->req, c->code, json);
		goto done;
	}
	cJSON *o = cJSON_Parse(json);
	if (!o || !cJSON_AddStringToObject(o, "token", c->token)) {
		cJSON_Delete(o);
		http_reply_error(c->req, 500, "out of memory");
		goto done;
	}
	http_reply_json(c->req, c->code, o);
done:
	sodium_memzero(c->token, sizeof c->token);
	free(c);
}

/* Submits `sql` (its first column of the first row is the reply) plus an audit record. */
static void admin_submit(struct auth_api *a, struct evhttp_request *req, int code, const char *token,
			 const char *sql, int n, const char *const *params, const char *action,
			 const char *detail)
{
	struct pgjob job = PGJOB_INIT;
	struct admin_ctx *c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->req = req;
	c->code = code;
	if (token)
		snprintf(c->token, sizeof c->token, "%s", token);
	if (pgjob_add_query(&job, sql, n, params, NULL, NULL) < 0)
		goto oom;
	if (action) {
		const char *p_audit[3] = { http_request_user(req), action, detail };
		if (pgjob_add_query(&job, AUDIT_SQL, 3, p_audit, NULL, NULL) < 0)
			goto oom;
	}
	job.result_step = 0;
	job.what = "admin request";
	if (db_submit(a->db, &job, admin_done, c) < 0)
		goto oom;
	return;
oom:
	pgjob_free(&job);
	free(c);
	log_error("auth: out of memory");
	http_reply_error(req, 500, "out of memory");
}

#define USERS_LIST_SQL \
	"SELECT coalesce(json_agg(json_build_object('name', name, 'role', role, 'disabled', disabled, " \
	"'created_at', created_at) ORDER BY name), '[]')::text FROM app_user"
#define TOKENS_LIST_SQL \
	"SELECT coalesce(json_agg(json_build_object('id', id, 'label', label, 'role', role, " \
	"'created_at', created_at, 'created_by', created_by, 'revoked_at', revoked_at) ORDER BY id), '[]')::text " \
	"FROM api_token"
#define DISPLAYS_LIST_SQL \
	"SELECT coalesce(json_agg(json_build_object('id', id, 'label', label, " \
	"'created_at', created_at, 'created_by', created_by, 'revoked_at', revoked_at) ORDER BY id), '[]')::text " \
	"FROM display_token"

static const char *tail_id(struct evhttp_request *req, const char *base)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	size_t n = strlen(base);
	if (strncmp(path, base, n))
		return NULL;
	if (path[n] == '\0')
		return "";
	if (path[n] != '/')
		return NULL;
	return path + n + 1;
}

static int all_digits(const char *s)
{
	if (!*s || strlen(s) > 9)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

#define USER_ADD_SQL "INSERT INTO app_user (name, role, password_hash) VALUES ($1, $2, $3) " \
	"RETURNING json_build_object('name', name, 'role', role)::text"

struct user_add_ctx {
	struct auth_api *a;
	struct evhttp_request *req;
	char name[65];
	char role[16];
};

static void user_add_hashed(void *arg, const char *hash)
{
	struct user_add_ctx *c = arg;
	if (!hash) {
		http_reply_error(c->req, 500, "out of memory");
	} else {
		const char *p[3] = { c->name, c->role, hash };
		char detail[100];
		snprintf(detail, sizeof detail, "%s as %s", c->name, c->role);
		admin_submit(c->a, c->req, 201, NULL, USER_ADD_SQL, 3, p, "user-add", detail);
	}
	free(c);
}

static void handle_users(struct evhttp_request *req, void *arg)
{
	struct auth_api *a = arg;
	int method = (int)evhttp_request_get_command(req);
	const char *id = tail_id(req, "/api/v1/users");
	cJSON *body = NULL;
	if (!id) {
		http_reply_error(req, 404, "no such API endpoint");
		return;
	}
	if (method == EVHTTP_REQ_GET && !*id) {
		admin_submit(a, req, 200, NULL, USERS_LIST_SQL, 0, NULL, NULL, NULL);
		return;
	}
	if (method == EVHTTP_REQ_DELETE && *id) {
		const char *p[1] = { id };
		admin_submit(a, req, 200, NULL, "DELETE FROM app_user WHERE name = $1 "
			     "RETURNING json_build_object('deleted', name)::text", 1, p, "user-delete", id);
		return;
	}
	if (method != EVHTTP_REQ_POST || *id) {
		http_reply_error(req, 405, "method not allowed");
		return;
	}
	body = json_body(req);
	const char *name = json_str(body, "name"), *role = json_str(body, "role"), *pw = json_str(body, "password");
	enum auth_level level;
	if (!name || !auth_name_valid(name) || !role || auth_role_parse(role, &level) < 0 || level < AUTH_VIEWER) {
		http_reply_error(req, 422, "name ([A-Za-z0-9._@-], up to 64) and role (viewer, hr or admin) are required");
		goto done;
	}
	if (pw && auth_password_problem(pw)) {
		http_reply_error(req, 422, auth_password_problem(pw));
		goto done;
	}
	if (pw) {
		/* argon2id on the worker thread; stored when the hash comes back */
		struct user_add_ctx *c = calloc(1, sizeof *c);
		if (c) {
			c->a = a;
			c->req = req;
			snprintf(c->name, sizeof c->name, "%s", name);
			snprintf(c->role, sizeof c->role, "%s", role);
		}
		if (!c || pwworker_hash(a->pw, pw, user_add_hashed, c) < 0) {
			free(c);
			http_reply_error(req, 500, "out of memory");
		}
		goto done;
	}
	const char *p[3] = { name, role, NULL };
	char detail[100];
	snprintf(detail, sizeof detail, "%s as %s", name, role);
	admin_submit(a, req, 201, NULL, USER_ADD_SQL, 3, p, "user-add", detail);
done:
	if (body) {
		cJSON *pv = cJSON_GetObjectItemCaseSensitive(body, "password");
		if (cJSON_IsString(pv))
			sodium_memzero(pv->valuestring, strlen(pv->valuestring));
	}
	cJSON_Delete(body);
}

static void handle_tokens(struct evhttp_request *req, void *arg, int display)
{
	struct auth_api *a = arg;
	int method = (int)evhttp_request_get_command(req);
	const char *base = display ? "/api/v1/display-tokens" : "/api/v1/tokens";
	const char *table = display ? "display_token" : "api_token";
	const char *id = tail_id(req, base);
	char sql[400], token[AUTH_TOKEN_LEN], hash[AUTH_HASH_LEN];
	cJSON *body = NULL;
	if (!id) {
		http_reply_error(req, 404, "no such API endpoint");
		return;
	}
	if (method == EVHTTP_REQ_GET && !*id) {
		admin_submit(a, req, 200, NULL, display ? DISPLAYS_LIST_SQL : TOKENS_LIST_SQL, 0, NULL, NULL, NULL);
		return;
	}
	if (method == EVHTTP_REQ_DELETE && all_digits(id)) {
		const char *p[1] = { id };
		snprintf(sql, sizeof sql, "UPDATE %s SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 "
			 "RETURNING json_build_object('id', id, 'label', label, 'revoked_at', revoked_at)::text", table);
		admin_submit(a, req, 200, NULL, sql, 1, p, display ? "display-token-revoke" : "token-revoke", id);
		return;
	}
	if (method != EVHTTP_REQ_POST || *id) {
		http_reply_error(req, method == EVHTTP_REQ_DELETE ? 404 : 405,
				 method == EVHTTP_REQ_DELETE ? "no such token" : "method not allowed");
		return;
	}
	body = json_body(req);
	const char *label = json_str(body, "label"), *role = display ? "display" : json_str(body, "role");
	enum auth_level level;
	if (!label || !*label || strlen(label) > 100 || !role || auth_role_parse(role, &level) < 0 ||
	    (!display && level < AUTH_VIEWER)) {
		http_reply_error(req, 422, display ? "label (1 to 100 characters) is required"
				 : "label (1 to 100 characters) and role (viewer, hr or admin) are required");
		goto done;
	}
	if (auth_token_new(display ? AUTH_PREFIX_DISPLAY : AUTH_PREFIX_API, token) < 0) {
		http_reply_error(req, 500, "internal error");
		goto done;
	}
	auth_token_hash(token, hash);
	const char *p[4] = { hash, label, http_request_user(req), role };
	if (display)
		snprintf(sql, sizeof sql, "INSERT INTO display_token (token_hash, label, created_by) VALUES ($1, $2, $3) "
			 "RETURNING json_build_object('id', id, 'label', label)::text");
	else
		snprintf(sql, sizeof sql, "INSERT INTO api_token (token_hash, label, created_by, role) "
			 "VALUES ($1, $2, $3, $4) RETURNING json_build_object('id', id, 'label', label, 'role', role)::text");
	admin_submit(a, req, 201, token, sql, display ? 3 : 4, p, display ? "display-token-add" : "token-add", label);
	sodium_memzero(token, sizeof token);
done:
	cJSON_Delete(body);
}

static void handle_api_tokens(struct evhttp_request *req, void *arg)
{
	handle_tokens(req, arg, 0);
}

static void handle_display_tokens(struct evhttp_request *req, void *arg)
{
	handle_tokens(req, arg, 1);
}

int auth_api_register(struct auth_api *a, struct http_server *http)
{
	int rw = EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE;
	http_set_authorizer(http, authorize, a);
	if (http_route(http, "/api/v1/auth/login", EVHTTP_REQ_POST, handle_login, a) < 0 ||
	    http_route(http, "/api/v1/auth/logout", EVHTTP_REQ_POST, handle_logout, a) < 0 ||
	    http_route(http, "/api/v1/auth/me", EVHTTP_REQ_GET, handle_me, a) < 0 ||
	    http_route(http, "/api/v1/users", rw, handle_users, a) < 0 ||
	    http_route_prefix(http, "/api/v1/users/", rw, handle_users, a) < 0 ||
	    http_route(http, "/api/v1/tokens", rw, handle_api_tokens, a) < 0 ||
	    http_route_prefix(http, "/api/v1/tokens/", rw, handle_api_tokens, a) < 0 ||
	    http_route(http, "/api/v1/display-tokens", rw, handle_display_tokens, a) < 0 ||
	    http_route_prefix(http, "/api/v1/display-tokens/", rw, handle_display_tokens, a) < 0)
		return -1;
	return 0;
}
