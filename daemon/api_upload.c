/*
 * api_upload.c -- the upload endpoints: POST /api/v1/uploads (roster and
 * allocation extracts: validate, then store in one transaction through
 * load.c; a file with problems stores nothing and every problem is reported).
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "db.h"
#include "http.h"
#include "load.h"
#include "log.h"

/* ---- POST /api/v1/uploads ---- */

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
	struct evhttp_request *req;
	struct errlist errs;     /* the file's own problems, when the job only checks */
	int check_only;
	char peer[80];
	char kind[16];
	char source[40];
	char as_of[11];
	long rows;
	struct timespec started;
};

static void upload_done(void *arg, struct pgjob_outcome *out)
{
	struct upload_ctx *u = arg;
	struct errlist errs = ERRLIST_INIT;
	if (u->check_only) {
		/* the file had problems; the database was only asked for its own (unknown teams) */
		if (!out->ok)
			log_warn("upload from %s: checking teams failed: %s", u->peer, out->error);
		if (load_check_errors(out, &u->errs) < 0) {
			http_reply_error(u->req, 500, "out of memory");
			goto done;
		}
		log_info("upload from %s rejected: %zu problems", u->peer, errlist_total(&u->errs));
		http_reply_problems(u->req, 422, "the file was rejected", &u->errs, "; nothing was stored");
		goto done;
	}
	if (out->ok) {
		long batch = load_batch_id(out);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		log_info("upload: batch %ld stored, %ld rows, source %s, as of %s, from %s in %.0f ms",
			 batch, u->rows, u->source, u->as_of, u->peer,
			 (double)(now.tv_sec - u->started.tv_sec) * 1e3 +
			 (double)(now.tv_nsec - u->started.tv_nsec) / 1e6);
		char body[256];
		snprintf(body, sizeof body,
			 "{\"batch_id\":%ld,\"kind\":\"%s\",\"source\":\"%s\",\"as_of\":\"%s\",\"rows\":%ld}",
			 batch, u->kind, u->source, u->as_of, u->rows);
		http_reply_json_text(u->req, 201, body);
		goto done;
	}
	int dbe = load_db_errors(out, &errs);
	if (dbe > 0) {
		log_info("upload from %s rejected by the database: %zu problems", u->peer, errlist_total(&errs));
		http_reply_problems(u->req, 422, "the file was rejected", &errs, "; nothing was stored");
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
	errlist_free(&errs);
	errlist_free(&u->errs);
	free(u);
}

static void handle_upload(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	struct evkeyvalq q;
	struct errlist errs = ERRLIST_INIT;
	struct load_plan plan;
	struct upload_ctx *u = NULL;
	int prepared = 0;
	char by[120];

	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	if (evhttp_parse_query_str(query ? query : "", &q) < 0) {
		evhttp_clear_headers(&q);
		http_reply_error(req, 400, "the query string is malformed");
		return;
	}
	u = calloc(1, sizeof *u);
	if (!u)
		goto oom;
	u->req = req;
	clock_gettime(CLOCK_MONOTONIC, &u->started);
	http_peer(req, u->peer, sizeof u->peer);
	snprintf(by, sizeof by, "api:%s", u->peer);

	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *data = len ? (const char *)evbuffer_pullup(in, -1) : "";
	if (len && !data)
		goto oom;

	struct load_request lr = {
		.kind = evhttp_find_header(&q, "kind"),
		.source = evhttp_find_header(&q, "source"),
		.as_of = evhttp_find_header(&q, "as_of"),
		.by = by,
		.data = data,
		.len = len,
		.max_rows = api->max_upload_rows,
	};
	int rc = load_prepare(&lr, &plan, &errs);
	prepared = 1;
	if (rc < 0)
		goto oom;
	if (rc > 0 && !plan.check_only) {
		int params = only_parameter_errors(&errs);
		log_info("upload from %s rejected: %zu problems", u->peer, errlist_total(&errs));
		http_reply_problems(req, params ? 400 : 422,
			       params ? "the request is incomplete" : "the file was rejected", &errs,
			       "; nothing was stored");
		goto done;
	}
	if (rc > 0) {
		/* also ask the database for unknown teams: every problem in one answer */
		u->check_only = 1;
		u->errs = errs;
		memset(&errs, 0, sizeof errs);
	}
	snprintf(u->kind, sizeof u->kind, "%s", lr.kind);
	snprintf(u->source, sizeof u->source, "%s", lr.source);
	snprintf(u->as_of, sizeof u->as_of, "%s", plan.as_of);
	u->rows = plan.rows;
	if (db_submit(api->db, &plan.job, upload_done, u) < 0)
		goto oom;
	u = NULL; /* upload_done owns it now */
	goto done;
oom:
	log_error("upload: out of memory");
	http_reply_error(req, 500, "out of memory");
done:
	if (prepared)
		load_plan_free(&plan);
	if (u)
		errlist_free(&u->errs);
	free(u);
	errlist_free(&errs);
	evhttp_clear_headers(&q);
}

int api_upload_register(struct api *api, struct http_server *http)
{
	return http_route(http, "/api/v1/uploads", EVHTTP_REQ_POST, handle_upload, api);
}
