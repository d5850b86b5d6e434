/*
 * api_upload.c -- the upload endpoints (docs/api.md "Uploads"):
 *   POST /api/v1/uploads            store (or, with dry_run=1, preview) a roster
 *                                   or allocations extract; saved mapping profile
 *                                   applied; same bytes again = duplicate, not stored
 *   GET  /api/v1/uploads            history: every batch and every rejected upload
 *   GET  /api/v1/uploads/{id}/original   the bytes as uploaded
 *   POST /api/v1/uploads/{id}/revert     the batch stops counting everywhere
 *   GET/PUT /api/v1/mapping-profiles      saved column mappings per source
 * Validation and job building live in load.c; every database step is a
 * db_submit job, so the event loop never waits for PostgreSQL.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "load.h"
#include "log.h"

/* Who is uploading, for upload_batch.uploaded_by and reverted_by: the identity
 * the authorizer recorded (user name, "token:LABEL"), else "api:<peer>". */
static void request_identity(struct evhttp_request *req, char *out, size_t len)
{
	const char *user = http_request_user(req);
	char peer[80];
	if (user && *user) {
		snprintf(out, len, "%s", user);
		return;
	}
	http_peer(req, peer, sizeof peer);
	snprintf(out, len, "api:%s", peer);
}

static int only_parameter_errors(const struct errlist *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		const char *c = errs->v[i].column;
		if (errs->v[i].row != 0 || !c ||
		    (strcmp(c, "kind") && strcmp(c, "source") && strcmp(c, "as_of")))
			return 0;
	}
	return errs->n > 0;
}

struct upload_ctx {
	struct api *api;
	struct evhttp_request *req;
	struct errlist errs;     /* the file's own problems, when the job only checks */
	struct load_profile profile;
	int check_only;
	int dry_run;
	struct load_plan plan;   /* kept for the preview document (its job is moved out) */
	char peer[80];
	char by[120];
	char kind[16];
	char source[40];
	char as_of_param[40];
	char profile_name[72];
	int have_profile_name;
	char sha256[65];
	size_t bytes;
	long rows;
	struct timespec started;
};

static void upload_free(struct upload_ctx *u)
{
	if (!u)
		return;
	errlist_free(&u->errs);
	load_profile_free(&u->profile);
	load_plan_free(&u->plan);
	free(u);
}

static struct load_request upload_request(struct upload_ctx *u)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(u->req);
	size_t len = evbuffer_get_length(in);
	const char *data = len ? (const char *)evbuffer_pullup(in, -1) : "";
	struct load_request lr = {
		.kind = u->kind[0] ? u->kind : NULL,
		.source = u->source[0] ? u->source : NULL,
		.as_of = u->as_of_param[0] ? u->as_of_param : NULL,
		.by = u->by,
		.data = data ? data : "",
		.len = data ? len : 0,
		.max_rows = u->api->max_upload_rows,
		.dry_run = u->dry_run,
		.profile = u->profile.name,
		.aliases = u->profile.v,
		.n_aliases = u->profile.n,
	};
	return lr;
}

static void rejected_stored(void *arg, struct pgjob_outcome *out)
{
	struct upload_ctx *u = arg;
	if (!out->ok)
		log_warn("upload history: recording the rejected upload from %s failed: %s", u->peer, out->error);
	http_reply_problems(u->req, 422, "the file was rejected", &u->errs, "; nothing was stored");
	upload_free(u);
}

/* Answers 422 once the rejection is noted for the history page (best effort: the
 * answer goes out even if the note cannot be written).  Consumes u. */
static void reply_rejected(struct upload_ctx *u)
{
	errlist_sort(&u->errs);
	log_info("upload from %s rejected: %zu problems", u->peer, errlist_total(&u->errs));
	cJSON *arr = errlist_json(&u->errs);
	char *json = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	char bytes[32], count[32];
	snprintf(bytes, sizeof bytes, "%zu", u->bytes);
	snprintf(count, sizeof count, "%zu", errlist_total(&u->errs));
	const char *params[8] = { u->kind, u->source, u->plan.as_of[0] ? u->plan.as_of : NULL, u->by,
				  u->sha256, bytes, count, json };
	if (json && db_query(u->api->db,
			     "INSERT INTO upload_rejected (kind, source, as_of, uploaded_by, sha256,"
			     " byte_count, error_count, errors) VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8::jsonb)",
			     8, params, rejected_stored, u) == 0) {
		free(json);
		return;
	}
	free(json);
	log_warn("upload history: cannot record the rejected upload from %s (out of memory)", u->peer);
	http_reply_problems(u->req, 422, "the file was rejected", &u->errs, "; nothing was stored");
	upload_free(u);
}

static void reply_preview(struct upload_ctx *u, const char *db_preview)
{
	struct load_request lr = upload_request(u);
	cJSON *doc = load_preview_json(&lr, &u->plan, &u->errs, db_preview);
	if (!doc) {
		http_reply_error(u->req, 500, "out of memory");
		return;
	}
	log_info("upload preview from %s: source %s, as of %s, %ld rows, %zu problems", u->peer,
		 u->source, u->plan.as_of, u->rows, errlist_total(&u->errs));
	http_reply_json(u->req, 200, doc);
}

static void upload_done(void *arg, struct pgjob_outcome *out)
{
	struct upload_ctx *u = arg;
	if (u->check_only) {
		/* the file had problems; the database was only asked for its own (unknown teams) */
		if (!out->ok)
			log_warn("upload from %s: checking teams failed: %s", u->peer, out->error);
		if (load_check_errors(out, &u->errs) < 0) {
			http_reply_error(u->req, 500, "out of memory");
			goto done;
		}
		if (u->dry_run) {
			reply_preview(u, NULL);
			goto done;
		}
		reply_rejected(u);
		return;
	}
	if (out->ok && u->dry_run) {
		const char *doc = out->result && PQntuples(out->result) == 1 ? PQgetvalue(out->result, 0, 0) : NULL;
		reply_preview(u, doc);
		goto done;
	}
	if (out->ok) {
		long batch = load_batch_id(out);
		int dup = load_is_duplicate(out);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		log_info("upload: batch %ld %s, %ld rows, source %s, as of %s, from %s in %.0f ms",
			 batch, dup ? "already held these bytes (duplicate, nothing stored)" : "stored",
			 u->rows, u->source, u->plan.as_of, u->peer,
			 (double)(now.tv_sec - u->started.tv_sec) * 1e3 +
			 (double)(now.tv_nsec - u->started.tv_nsec) / 1e6);
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddNumberToObject(o, "batch_id", (double)batch) ||
		    !cJSON_AddStringToObject(o, "kind", u->kind) ||
		    !cJSON_AddStringToObject(o, "source", u->source) ||
		    !cJSON_AddStringToObject(o, "as_of", u->plan.as_of) ||
		    !cJSON_AddNumberToObject(o, "rows", (double)u->rows) ||
		    !cJSON_AddBoolToObject(o, "duplicate", dup) ||
		    !(u->profile.name ? cJSON_AddStringToObject(o, "profile", u->profile.name)
				      : cJSON_AddNullToObject(o, "profile"))) {
			cJSON_Delete(o);
			http_reply_error(u->req, 500, "out of memory");
			goto done;
		}
		http_reply_json(u->req, dup ? 200 : 201, o);
		goto done;
	}
	int dbe = load_db_errors(out, &u->errs);
	if (dbe > 0) {
		reply_rejected(u);
		return;
	} else if (dbe < 0) {
		http_reply_error(u->req, 500, "out of memory");
	} else if (!out->result) {
		log_warn("upload from %s not stored: %s", u->peer, out->error);
		http_reply_error(u->req, 503, "the database is unavailable; nothing was stored, try again");
	} else {
		log_error("upload from %s failed at step %ld: %s (SQLSTATE %s)", u->peer, out->failed_step,
			  out->error, pgjob_sqlstate(out));
		http_reply_error(u->req, 500, "storing the upload failed; nothing was stored");
	}
done:
	upload_free(u);
}

/* Validates and submits; consumes u in every case. */
static void upload_go(struct upload_ctx *u)
{
	struct load_request lr = upload_request(u);
	int rc = load_prepare(&lr, &u->plan, &u->errs);
	if (rc < 0)
		goto oom;
	memcpy(u->sha256, u->plan.sha256, sizeof u->sha256);
	u->rows = u->plan.rows;
	if (rc > 0 && !u->plan.check_only) {
		if (only_parameter_errors(&u->errs)) {
			log_info("upload from %s: bad request (%zu problems)", u->peer, errlist_total(&u->errs));
			http_reply_problems(u->req, 400, "the request is incomplete", &u->errs,
					    "; nothing was stored");
		} else if (u->dry_run) {
			reply_preview(u, NULL);
		} else {
			reply_rejected(u);
			return;
		}
		upload_free(u);
		return;
	}
	if (rc > 0)
		u->check_only = 1;  /* also ask the database for unknown teams: every problem at once */
	if (db_submit(u->api->db, &u->plan.job, upload_done, u) < 0)
		goto oom;
	return;
oom:
	log_error("upload from %s: out of memory", u->peer);
	http_reply_error(u->req, 500, "out of memory");
	upload_free(u);
}

static void profile_loaded(void *arg, struct pgjob_outcome *out)
{
	struct upload_ctx *u = arg;
	if (!out->ok) {
		log_warn("upload from %s: reading mapping profiles failed: %s", u->peer, out->error);
		http_reply_error(u->req, out->result ? 500 : 503,
				 "the database is unavailable; nothing was stored, try again");
		upload_free(u);
		return;
	}
	if (load_profile_from_result(out->result, &u->profile) < 0) {
		http_reply_error(u->req, 500, "out of memory");
		upload_free(u);
		return;
	}
	if (u->have_profile_name && !u->profile.name) {
		struct errlist e = ERRLIST_INIT;
		if (errlist_add(&e, 0, "profile", u->profile_name,
				"source %s has no mapping profile named \"%s\" (GET /api/v1/mapping-profiles?source=%s)",
				u->source, u->profile_name, u->source) < 0)
			http_reply_error(u->req, 500, "out of memory");
		else
			http_reply_problems(u->req, 400, "the request is incomplete", &e, "; nothing was stored");
		errlist_free(&e);
		upload_free(u);
		return;
	}
	upload_go(u);
}

static int flag_set(const char *v)
{
	return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes"));
}

static void handle_upload(struct evhttp_request *req, struct api *api)
{
	struct evkeyvalq q;
	struct upload_ctx *u = NULL;

	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	if (evhttp_parse_query_str(query ? query : "", &q) < 0) {
		evhttp_clear_headers(&q);
		http_reply_error(req, 400, "the query string is malformed");
		return;
	}
	u = calloc(1, sizeof *u);
	if (!u) {
		evhttp_clear_headers(&q);
		log_error("upload: out of memory");
		http_reply_error(req, 500, "out of memory");
		return;
	}
	struct pgjob empty = PGJOB_INIT;
	u->plan.job = empty;
	u->api = api;
	u->req = req;
	clock_gettime(CLOCK_MONOTONIC, &u->started);
	http_peer(req, u->peer, sizeof u->peer);
	request_identity(req, u->by, sizeof u->by);
	const char *kind = evhttp_find_header(&q, "kind");
	const char *source = evhttp_find_header(&q, "source");
	const char *as_of = evhttp_find_header(&q, "as_of");
	const char *profile = evhttp_find_header(&q, "profile");
	snprintf(u->kind, sizeof u->kind, "%s", kind ? kind : "");
	if (kind && strlen(kind) >= sizeof u->kind)
		snprintf(u->kind, sizeof u->kind, "?");
	snprintf(u->source, sizeof u->source, "%s", source ? source : "");
	if (source && strlen(source) >= sizeof u->source)
		snprintf(u->source, sizeof u->source, "?");
	snprintf(u->as_of_param, sizeof u->as_of_param, "%s", as_of ? as_of : "");
	u->dry_run = flag_set(evhttp_find_header(&q, "dry_run"));
	u->bytes = evbuffer_get_length(evhttp_request_get_input_buffer(req));
	if (profile && *profile) {
		snprintf(u->profile_name, sizeof u->profile_name, "%s", profile);
		u->have_profile_name = 1;
	}
	evhttp_clear_headers(&q);

	if (strcmp(u->kind, "roster") == 0 && u->source[0] && strcmp(u->source, "?")) {
		const char *params[2] = { u->source, u->have_profile_name ? u->profile_name : NULL };
		if (db_query(api->db, LOAD_PROFILE_SQL, 2, params, profile_loaded, u) < 0) {
			http_reply_error(req, 500, "out of memory");
			upload_free(u);
		}
		return;
	}
	upload_go(u);
}

/* ---- GET /api/v1/uploads ---- */

static const char HISTORY_SQL[] =
	"SELECT coalesce(jsonb_agg(x ORDER BY x.uploaded_at DESC, x.id DESC), '[]')::text FROM ("
	" SELECT b.id, b.kind, b.source, b.as_of, b.uploaded_by, b.uploaded_at, b.sha256,"
	"  octet_length(b.original) AS bytes, b.row_count AS rows, b.status,"
	"  b.reverted_by, b.reverted_at, 0 AS error_count, NULL::jsonb AS errors"
	"  FROM upload_batch b"
	" UNION ALL"
	" SELECT NULL, r.kind, r.source, r.as_of, r.uploaded_by, r.uploaded_at, r.sha256,"
	"  r.byte_count, NULL, 'rejected', NULL, NULL, r.error_count, r.errors"
	"  FROM upload_rejected r"
	" ORDER BY uploaded_at DESC LIMIT $1) x";

static void text_doc_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok || !out->result || PQntuples(out->result) != 1) {
		log_warn("upload history: query failed: %s", out->error ? out->error : "no result");
		http_reply_error(req, out->result ? 500 : 503, "the database is unavailable, try again");
		return;
	}
	struct buf b = BUF_INIT;
	if (buf_puts(&b, "{\"uploads\":") < 0 || buf_puts(&b, PQgetvalue(out->result, 0, 0)) < 0 ||
	    buf_puts(&b, "}") < 0) {
		buf_free(&b);
		http_reply_error(req, 500, "out of memory");
		return;
	}
	http_reply_json_text(req, 200, b.data);
	buf_free(&b);
}

static void handle_history(struct evhttp_request *req, struct api *api)
{
	struct evkeyvalq q;
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	char limit[24] = "500";
	if (evhttp_parse_query_str(query ? query : "", &q) == 0) {
		const char *l = evhttp_find_header(&q, "limit");
		char *end = NULL;
		long n = l ? strtol(l, &end, 10) : 0;
		if (l && (!*l || *end || n < 1 || n > 10000)) {
			evhttp_clear_headers(&q);
			http_reply_error(req, 400, "limit must be a number from 1 to 10000");
			return;
		}
		if (l)
			snprintf(limit, sizeof limit, "%ld", n);
	}
	evhttp_clear_headers(&q);
	const char *params[1] = { limit };
	if (db_query(api->db, HISTORY_SQL, 1, params, text_doc_done, req) < 0)
		http_reply_error(req, 500, "out of memory");
}

static void uploads_root(struct evhttp_request *req, void *arg)
{
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST)
		handle_upload(req, arg);
	else
		handle_history(req, arg);
}

/* ---- /api/v1/uploads/{id}/original and /revert ---- */

struct batch_ctx {
	struct evhttp_request *req;
	long id;
	char by[120];
};

static void original_done(void *arg, struct pgjob_outcome *out)
{
	struct batch_ctx *b = arg;
	struct evhttp_request *req = b->req;
	if (!out->ok || !out->result) {
		http_reply_error(req, out->result ? 500 : 503, "the database is unavailable, try again");
		goto done;
	}
	if (PQntuples(out->result) != 1) {
		http_reply_error(req, 404, "no such upload");
		goto done;
	}
	struct evbuffer *body = evbuffer_new();
	if (!body) {
		http_reply_error(req, 500, "out of memory");
		goto done;
	}
	char disp[160];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s-%s-%s-batch%ld.csv\"",
		 PQgetvalue(out->result, 0, 1), PQgetvalue(out->result, 0, 2),
		 PQgetvalue(out->result, 0, 3), b->id);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	http_security_headers(req);
	evhttp_add_header(h, "Content-Type", "application/octet-stream");
	evhttp_add_header(h, "Content-Disposition", disp);
	evhttp_add_header(h, "Cache-Control", "no-store");
	size_t blen = 0;
	unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(out->result, 0, 0), &blen);
	if (!bytes || evbuffer_add(body, bytes, blen) < 0) {
		PQfreemem(bytes);
		evbuffer_free(body);
		http_reply_error(req, 500, "out of memory");
		goto done;
	}
	PQfreemem(bytes);
	evhttp_send_reply(req, 200, "OK", body);
	evbuffer_free(body);
done:
	free(b);
}

static void revert_done(void *arg, struct pgjob_outcome *out)
{
	struct batch_ctx *b = arg;
	struct evhttp_request *req = b->req;
	if (!out->ok || !out->result || PQntuples(out->result) != 1) {
		log_warn("revert of batch %ld failed: %s", b->id, out->error ? out->error : "no result");
		http_reply_error(req, out->result ? 500 : 503, "the database is unavailable; nothing changed, try again");
		goto done;
	}
	const char *st = PQgetvalue(out->result, 0, 0);
	char body[160];
	if (!strcmp(st, "missing")) {
		http_reply_error(req, 404, "no such upload");
	} else if (!strcmp(st, "already")) {
		http_reply_error(req, 409, "this upload was already reverted");
	} else {
		log_info("upload: batch %ld reverted by %s", b->id, b->by);
		snprintf(body, sizeof body, "{\"batch_id\":%ld,\"status\":\"reverted\"}", b->id);
		http_reply_json_text(req, 200, body);
	}
done:
	free(b);
}

static void uploads_item(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	const char *rest = path + strlen("/api/v1/uploads/");
	char *end = NULL;
	long id = strtol(rest, &end, 10);
	int cmd = evhttp_request_get_command(req);
	if (end == rest || id <= 0 || (strcmp(end, "/original") && strcmp(end, "/revert"))) {
		http_reply_error(req, 404, "no such API endpoint");
		return;
	}
	int revert = strcmp(end, "/revert") == 0;
	if ((revert && cmd != EVHTTP_REQ_POST) || (!revert && cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD)) {
		http_reply_error(req, 405, "method not allowed");
		return;
	}
	struct batch_ctx *b = calloc(1, sizeof *b);
	if (!b) {
		http_reply_error(req, 500, "out of memory");
		return;
	}
	b->req = req;
	b->id = id;
	request_identity(req, b->by, sizeof b->by);
	char ids[24];
	snprintf(ids, sizeof ids, "%ld", id);
	int rc;
	if (revert) {
		const char *params[2] = { ids, b->by };
		rc = db_query(api->db, "SELECT steady_revert_batch($1::bigint, $2)", 2, params, revert_done, b);
	} else {
		const char *params[1] = { ids };
		rc = db_query(api->db,
			      "SELECT original, kind, source, as_of FROM upload_batch WHERE id = $1::bigint",
			      1, params, original_done, b);
	}
	if (rc < 0) {
		free(b);
		http_reply_error(req, 500, "out of memory");
	}
}

/* ---- /api/v1/mapping-profiles ---- */

static void profiles_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok || !out->result || PQntuples(out->result) != 1) {
		http_reply_error(req, out->result ? 500 : 503, "the database is unavailable, try again");
		return;
	}
	http_reply_json_text(req, 200, PQgetvalue(out->result, 0, 0));
}

static void profile_saved(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok) {
		if (!strncmp(pgjob_sqlstate(out), "23", 2) || !strncmp(pgjob_sqlstate(out), "22", 2))
			http_reply_error(req, 400, "the profile was refused: check source and name "
				"(source [a-z0-9_-]{1,32}, name letters, digits, space, _ . -)");
		else
			http_reply_error(req, out->result ? 500 : 503, "the database is unavailable, try again");
		return;
	}
	http_reply_json_text(req, 200, "{\"saved\":true}");
}

static void upload_profiles(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		struct evkeyvalq q;
		const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
		if (evhttp_parse_query_str(query ? query : "", &q) < 0) {
			http_reply_error(req, 400, "the query string is malformed");
			return;
		}
		const char *params[1] = { evhttp_find_header(&q, "source") };
		int rc = db_query(api->db,
			"SELECT json_build_object('profiles', coalesce(json_agg(json_build_object("
			"'source', source, 'name', name, 'mapping', mapping, 'default', is_default,"
			"'updated_by', updated_by, 'updated_at', updated_at) ORDER BY source, name), '[]'))::text"
			" FROM upload_profile WHERE $1::text IS NULL OR source = $1",
			1, params, profiles_done, req);
		evhttp_clear_headers(&q);
		if (rc < 0)
			http_reply_error(req, 500, "out of memory");
		return;
	}
	/* PUT/POST {"source": "hr", "name": "council", "mapping": {"Employee Number": "staff_id"}, "default": true} */
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *data = len ? (const char *)evbuffer_pullup(in, -1) : NULL;
	cJSON *doc = data ? cJSON_ParseWithLength(data, len) : NULL;
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(doc, "source");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
	const cJSON *map = cJSON_GetObjectItemCaseSensitive(doc, "mapping");
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(doc, "default");
	char *mtxt = NULL;
	if (!cJSON_IsString(src) || !cJSON_IsString(name) || !cJSON_IsObject(map)) {
		http_reply_error(req, 400, "send {\"source\": \"hr\", \"name\": \"...\", "
			"\"mapping\": {\"Header as exported\": \"staff_id\", ...}, \"default\": true}");
		goto done;
	}
	const cJSON *m;
	cJSON_ArrayForEach(m, map) {
		if (!cJSON_IsString(m) || !roster_column_known(m->valuestring)) {
			char msg[200];
			snprintf(msg, sizeof msg, "mapping \"%.60s\": the value must be a column: staff_id, team, "
				 "contract, fte, hours, role, caseload, start_date, end_date, absence_days", m->string);
			http_reply_error(req, 400, msg);
			goto done;
		}
	}
	if (!(mtxt = cJSON_PrintUnformatted(map))) {
		http_reply_error(req, 500, "out of memory");
		goto done;
	}
	char by[120];
	request_identity(req, by, sizeof by);
	const char *params[5] = { src->valuestring, name->valuestring, mtxt,
				  cJSON_IsTrue(def) ? "true" : "false", by };
	if (db_query(api->db, "SELECT steady_save_profile($1, $2, $3::jsonb, $4::boolean, $5)",
		     5, params, profile_saved, req) < 0)
		http_reply_error(req, 500, "out of memory");
done:
	free(mtxt);
	cJSON_Delete(doc);
}

int api_upload_register(struct api *api, struct http_server *http)
{
	if (http_route(http, "/api/v1/uploads", EVHTTP_REQ_POST | EVHTTP_REQ_GET | EVHTTP_REQ_HEAD,
		       uploads_root, api) < 0 ||
	    http_route_prefix(http, "/api/v1/uploads/", EVHTTP_REQ_POST | EVHTTP_REQ_GET | EVHTTP_REQ_HEAD,
			      uploads_item, api) < 0 ||
	    http_route(http, "/api/v1/mapping-profiles", EVHTTP_REQ_GET | EVHTTP_REQ_PUT | EVHTTP_REQ_POST,
		       upload_profiles, api) < 0)
		return -1;
	return 0;
}
