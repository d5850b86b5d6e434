/*
 * http.c -- evhttp server, routing and static files (see http.h).
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "errlist.h"
#include "log.h"

#define MAX_ROUTES 64
#define MAX_HEADERS_SIZE 16384

/* Request-scoped facts set by the authorizer, kept as input headers of the
 * request (stripped from what the client sent first, so never forgeable). */
#define USER_HEADER "X-Steady-Internal-User"
#define ROLE_HEADER "X-Steady-Internal-Role"

struct route {
	char *path;
	int prefix;
	int methods;
	http_handler fn;
	void *ud;
};

struct http_server {
	struct evhttp *http;
	char *web_root;
	struct route routes[MAX_ROUTES];
	size_t nroutes;
	http_authorizer authz;
	void *authz_ud;
};

struct http_authz {
	struct http_server *srv;
	struct evhttp_request *req;
	char *path;
	int method;
};

static const struct { const char *ext; const char *type; } mime_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json" },
	{ ".map", "application/json" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
};

void http_security_headers(struct evhttp_request *req)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
}

const char *http_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	const char *addr = "?";
	ev_uint16_t port = 0;
	if (evcon)
		evhttp_connection_get_peer(evcon, (char **)&addr, &port);
	snprintf(buf, len, "%s:%u", addr ? addr : "?", (unsigned)port);
	return buf;
}

void http_reply_json_text(struct evhttp_request *req, int code, const char *json)
{
	struct evbuffer *out = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	http_security_headers(req);
	if (out)
		evbuffer_add(out, json, strlen(json));
	if (out)
		evbuffer_add(out, "\n", 1);
	evhttp_send_reply(req, code, NULL, out);
	if (out)
		evbuffer_free(out);
}

void http_reply_json(struct evhttp_request *req, int code, cJSON *body)
{
	char *text = body ? cJSON_PrintUnformatted(body) : NULL;
	cJSON_Delete(body);
	if (!text) {
		log_error("http: out of memory rendering a JSON reply");
		http_reply_json_text(req, 500, "{\"error\":\"out of memory\"}");
		return;
	}
	http_reply_json_text(req, code, text);
	free(text);
}

void http_reply_error(struct evhttp_request *req, int code, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	if (o && !cJSON_AddStringToObject(o, "error", message)) {
		cJSON_Delete(o);
		o = NULL;
	}
	if (!o) {
		http_reply_json_text(req, code, "{\"error\":\"out of memory\"}");
		return;
	}
	http_reply_json(req, code, o);
}

void http_reply_problems(struct evhttp_request *req, int code, const char *what,
			   const struct errlist *errs, const char *after)
{
	char msg[200];
	size_t total = errlist_total(errs);
	snprintf(msg, sizeof msg, "%s: %zu problem%s found%s", what, total, total == 1 ? "" : "s", after);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = errlist_json(errs);
	if (!o || !arr || !cJSON_AddStringToObject(o, "error", msg) ||
	    !cJSON_AddNumberToObject(o, "error_count", (double)total)) {
		cJSON_Delete(o);
		cJSON_Delete(arr);
		http_reply_error(req, 500, "out of memory");
		return;
	}
	cJSON_AddItemToObject(o, "errors", arr);
	http_reply_json(req, code, o);
}

static const char *mime_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot) {
		for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
			if (!strcmp(dot, mime_types[i].ext))
				return mime_types[i].type;
	}
	return "application/octet-stream";
}

/* Only [A-Za-z0-9._-] segments, no empty, "." or ".." segments, no hidden files. */
static int safe_path(const char *p)
{
	if (*p != '/')
		return 0;
	const char *seg = p + 1;
	for (;;) {
		size_t n = strcspn(seg, "/");
		if (n == 0 || seg[0] == '.')
			return 0;
		for (size_t i = 0; i < n; i++) {
			char c = seg[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '.' || c == '_' || c == '-'))
				return 0;
		}
		if (!seg[n])
			return 1;
		seg += n + 1;
	}
}

static void serve_static(struct http_server *srv, struct evhttp_request *req, const char *path)
{
	char full[4096], etag[64];
	int fd = -1;
	struct evbuffer *body = NULL;

	if (!strcmp(path, "/"))
		path = "/index.html";
	if (!safe_path(path)) {
		http_reply_error(req, 404, "not found");
		return;
	}
	if ((size_t)snprintf(full, sizeof full, "%s%s", srv->web_root, path) >= sizeof full) {
		http_reply_error(req, 404, "not found");
		return;
	}
	fd = open(full, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		http_reply_error(req, 404, "not found");
		return;
	}
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtime);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	http_security_headers(req);
	evhttp_add_header(out, "ETag", etag);
	/* Revalidate everything: a TV left on for weeks must pick up a new release. */
	evhttp_add_header(out, "Cache-Control", "no-cache");
	const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");
	if (inm && !strcmp(inm, etag)) {
		close(fd);
		evhttp_send_reply(req, 304, "Not Modified", NULL);
		return;
	}
	evhttp_add_header(out, "Content-Type", mime_type(path));
	body = evbuffer_new();
	if (!body || evbuffer_add_file(body, fd, 0, st.st_size) < 0) {
		/* evbuffer_add_file owns fd once it succeeds */
		log_error("http: cannot serve %s: out of memory", full);
		if (body)
			evbuffer_free(body);
		close(fd);
		http_reply_error(req, 500, "internal error");
		return;
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)
		evbuffer_drain(body, evbuffer_get_length(body));
	evhttp_send_reply(req, 200, "OK", body);
	evbuffer_free(body);
}

static void route_request(struct http_server *srv, struct evhttp_request *req, const char *path,
			  int method)
{
	for (size_t i = 0; i < srv->nroutes; i++) {
		struct route *r = &srv->routes[i];
		if (r->prefix ? strncmp(r->path, path, strlen(r->path)) : strcmp(r->path, path))
			continue;
		if (!(r->methods & method)) {
			http_reply_error(req, 405, "method not allowed");
			return;
		}
		r->fn(req, r->ud);
		return;
	}
	if (!strncmp(path, "/api/", 5)) {
		http_reply_error(req, 404, "no such API endpoint");
		return;
	}
	if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
		http_reply_error(req, 405, "method not allowed");
		return;
	}
	serve_static(srv, req, path);
}

void http_set_authorizer(struct http_server *srv, http_authorizer fn, void *ud)
{
	srv->authz = fn;
	srv->authz_ud = ud;
}

struct evhttp_request *http_authz_request(const struct http_authz *az)
{
	return az->req;
}

const char *http_authz_path(const struct http_authz *az)
{
	return az->path;
}

int http_authz_is_read(const struct http_authz *az)
{
	return az->method == EVHTTP_REQ_GET || az->method == EVHTTP_REQ_HEAD;
}

static void authz_free(struct http_authz *az)
{
	free(az->path);
	free(az);
}

void http_authz_allow(struct http_authz *az, const char *user, const char *role)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(az->req);
	if ((user && evhttp_add_header(in, USER_HEADER, user) < 0) ||
	    (role && evhttp_add_header(in, ROLE_HEADER, role) < 0)) {
		log_error("http: out of memory recording the request's user");
		http_reply_error(az->req, 500, "out of memory");
	} else {
		route_request(az->srv, az->req, az->path, az->method);
	}
	authz_free(az);
}

void http_authz_deny(struct http_authz *az, int code, const char *message)
{
	http_reply_error(az->req, code, message);
	authz_free(az);
}

const char *http_request_user(struct evhttp_request *req)
{
	return evhttp_find_header(evhttp_request_get_input_headers(req), USER_HEADER);
}

const char *http_request_role(struct evhttp_request *req)
{
	return evhttp_find_header(evhttp_request_get_input_headers(req), ROLE_HEADER);
}

const char *http_peer_addr(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	const char *addr = NULL;
	ev_uint16_t port = 0;
	if (evcon)
		evhttp_connection_get_peer(evcon, (char **)&addr, &port);
	return addr ? addr : "?";
}

static void dispatch(struct evhttp_request *req, void *arg)
{
	struct http_server *srv = arg;
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	while (evhttp_find_header(in, USER_HEADER))
		evhttp_remove_header(in, USER_HEADER);
	while (evhttp_find_header(in, ROLE_HEADER))
		evhttp_remove_header(in, ROLE_HEADER);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
	size_t plen = 0;
	char *path = raw ? evhttp_uridecode(raw, 0, &plen) : NULL;
	if (!path || strlen(path) != plen) {
		/* no path, or one with an encoded NUL */
		free(path);
		http_reply_error(req, 400, "bad request path");
		return;
	}
	int method = (int)evhttp_request_get_command(req);
	if (!srv->authz) {
		route_request(srv, req, path, method);
		free(path);
		return;
	}
	struct http_authz *az = calloc(1, sizeof *az);
	if (!az) {
		free(path);
		log_error("http: out of memory");
		http_reply_error(req, 500, "out of memory");
		return;
	}
	az->srv = srv;
	az->req = req;
	az->path = path;
	az->method = method;
	srv->authz(az, srv->authz_ud);
}

static int split_listen(const char *listen, char *host, size_t hostlen, ev_uint16_t *port)
{
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return -1;
	const char *h = listen;
	size_t n = (size_t)(colon - listen);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 0 || p > 65535)
		return -1;
	*port = (ev_uint16_t)p;
	return 0;
}

struct http_server *http_server_new(struct event_base *base, const char *listen,
				    const char *web_root, size_t max_body)
{
	char host[256];
	ev_uint16_t port;
	struct http_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		goto oom;
	if (split_listen(listen, host, sizeof host, &port) < 0) {
		log_error("http: listen address \"%s\" is not host:port", listen);
		goto fail;
	}
	srv->web_root = strdup(web_root);
	srv->http = evhttp_new(base);
	if (!srv->web_root || !srv->http)
		goto oom;
	evhttp_set_max_headers_size(srv->http, MAX_HEADERS_SIZE);
	evhttp_set_max_body_size(srv->http, (ev_ssize_t)max_body);
	evhttp_set_timeout(srv->http, 60);
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
				   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(srv->http, dispatch, srv);
	if (!evhttp_bind_socket_with_handle(srv->http, host, port)) {
		log_error("http: cannot listen on %s: %s", listen, strerror(errno));
		goto fail;
	}
	return srv;
oom:
	log_error("http: out of memory");
fail:
	http_server_free(srv);
	return NULL;
}

static int add_route(struct http_server *srv, const char *path, int prefix, int methods,
		     http_handler fn, void *ud)
{
	if (srv->nroutes == MAX_ROUTES) {
		log_error("http: too many routes (adding %s)", path);
		return -1;
	}
	struct route *r = &srv->routes[srv->nroutes];
	r->path = strdup(path);
	if (!r->path)
		return -1;
	r->prefix = prefix;
	r->methods = methods;
	r->fn = fn;
	r->ud = ud;
	srv->nroutes++;
	return 0;
}

int http_route(struct http_server *srv, const char *path, int methods, http_handler fn, void *ud)
{
	return add_route(srv, path, 0, methods, fn, ud);
}

int http_route_prefix(struct http_server *srv, const char *prefix, int methods, http_handler fn, void *ud)
{
	return add_route(srv, prefix, 1, methods, fn, ud);
}

void http_server_free(struct http_server *srv)
{
	if (!srv)
		return;
	if (srv->http)
		evhttp_free(srv->http);
	for (size_t i = 0; i < srv->nroutes; i++)
		free(srv->routes[i].path);
	free(srv->web_root);
	free(srv);
}
