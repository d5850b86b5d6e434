/*
 * http.c -- the HTTP front door on libevent's evhttp: binding the listen
 * address, limits (headers, body), the route table for the API, static files
 * from the web root (MIME types, ETag/304, caching headers, no traversal),
 * security headers on every reply, and the JSON reply helpers.
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
