/*
 * http.c -- the HTTP front door on libevent's evhttp: binding the listen
 * address, limits (headers, body), the route table for the API, static files
 * from the web root (MIME types, ETag/304, caching headers, no traversal),
 * security headers on every reply, and the JSON reply helpers.  Every
 * request passes the authorizer (http_set_authorizer) before its handler or
 * the static files: the authorizer decides, possibly asynchronously, and
 * records who made the request (http_request_user) for the handlers.
 */
#ifndef STEADY_HTTP_H
#define STEADY_HTTP_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct event_base;
struct evhttp_request;
struct http_server;

typedef void (*http_handler)(struct evhttp_request *req, void *ud);

/* listen is "host:port" ("[::1]:8080" for IPv6).  NULL on failure (logged). */
struct http_server *http_server_new(struct event_base *base, const char *listen,
				    const char *web_root, size_t max_body);

/* Exact path match; `methods` is a mask of EVHTTP_REQ_* values.  0 or -1. */
int http_route(struct http_server *srv, const char *path, int methods, http_handler fn, void *ud);

/* Every path starting with `prefix` (after exact routes found nothing). */
int http_route_prefix(struct http_server *srv, const char *prefix, int methods, http_handler fn, void *ud);

/*
 * The authorizer: called for every request (after the security headers
 * are known, before routing).  It must end with exactly one of
 * http_authz_allow() (the request proceeds to its handler or static file)
 * or http_authz_deny() (a JSON error reply), now or later from the event loop.
 */
struct http_authz;
typedef void (*http_authorizer)(struct http_authz *az, void *ud);
void http_set_authorizer(struct http_server *srv, http_authorizer fn, void *ud);
struct evhttp_request *http_authz_request(const struct http_authz *az);
const char *http_authz_path(const struct http_authz *az);   /* URL-decoded */
int http_authz_is_read(const struct http_authz *az);        /* GET or HEAD */
/* user may be NULL (public request); role is a role name or NULL. */
void http_authz_allow(struct http_authz *az, const char *user, const char *role);
void http_authz_deny(struct http_authz *az, int code, const char *message);

/* Who made this request, as the authorizer recorded it: a user name,
 * "token:LABEL", "display:LABEL", or NULL for a public request.  For audit
 * records and uploaded_by; valid as long as the request. */
const char *http_request_user(struct evhttp_request *req);
/* "viewer", "hr", "admin", "display", or NULL. */
const char *http_request_role(struct evhttp_request *req);

/* The peer's address without the port ("?" when unknown). */
const char *http_peer_addr(struct evhttp_request *req);

/* The evhttp object, so that it can be freed after the WebSocket clients. */
void http_server_free(struct http_server *srv);

/* Replies; `body` is consumed (freed) in every case. */
void http_reply_json(struct evhttp_request *req, int code, cJSON *body);
void http_reply_json_text(struct evhttp_request *req, int code, const char *json);
void http_reply_error(struct evhttp_request *req, int code, const char *message);

/* {"error": "<what>: N problems found<after>", "error_count": N,
 *  "errors": [{"row", "column", "value", "message"}]} */
struct errlist;
void http_reply_problems(struct evhttp_request *req, int code, const char *what,
			 const struct errlist *errs, const char *after);

/* Adds the security headers every reply carries (CSP, nosniff, frame denial). */
void http_security_headers(struct evhttp_request *req);

/* "ip:port" of the peer, for log messages. */
const char *http_peer(struct evhttp_request *req, char *buf, size_t len);

#endif
