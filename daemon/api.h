/*
 * api.c -- the REST endpoints (docs/api.md): health, uploads, summary, team
 * history and establishment.  Thin: parsing and validation live in load.c/roster.c,
 * figures in figures.c/engine.c/metrics.c, the document in summary.c.
 */
#ifndef STEADY_API_H
#define STEADY_API_H

#include <stddef.h>

struct db;
struct http_server;
struct ws_server;

struct figures;

struct api {
	struct db *db;
	struct figures *fig;
	struct ws_server *ws;
	size_t max_upload_rows;
};

/* Registers /healthz and every /api/v1 endpoint. */
int api_register(struct api *api, struct http_server *http);

/* api_upload.c: POST /api/v1/uploads. */
int api_upload_register(struct api *api, struct http_server *http);

#endif
