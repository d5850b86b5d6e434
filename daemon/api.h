/*
 * api.c -- the REST endpoints (docs/api.md): health, uploads, summary; and
 * the figures query shared by GET /api/v1/summary and the live push.  Thin:
 * parsing and validation live in load.c/roster.c, arithmetic in metrics.c,
 * the document in summary.c.
 */
#ifndef STEADY_API_H
#define STEADY_API_H

#include <stddef.h>

struct db;
struct http_server;
struct ws_server;

struct api {
	struct db *db;
	struct ws_server *ws;
	size_t max_upload_rows;
};

/* Registers /healthz, /api/v1/uploads, /api/v1/summary, /api/v1/live. */
int api_register(struct api *api, struct http_server *http);

/* Runs the figures query; calls done(ud, json) with a malloc'd document
 * (the callee frees it) or NULL when the database failed (logged). */
typedef void (*api_figures_cb)(void *ud, char *json);
int api_fetch_figures(struct db *db, api_figures_cb done, void *ud);

#endif
