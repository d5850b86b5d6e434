/*
 * api_ops.c -- endpoints for the operator: GET /readyz (the database is
 * reachable and its schema is the version this build expects) and GET
 * /metrics (Prometheus text format 0.0.4: WebSocket clients, uploads, push
 * latency, database state and reconnects, webhook backlog).  Who may read
 * /metrics is the authorizer's decision (metrics_access).
 */
#ifndef STEADY_API_OPS_H
#define STEADY_API_OPS_H

struct db;
struct http_server;
struct ws_server;
struct ops;

struct ops *ops_new(struct db *db, struct ws_server *ws);
int ops_register(struct ops *ops, struct http_server *http);
/* One push of new figures to the WebSocket clients, `seconds` after the change. */
void ops_observe_push(struct ops *ops, double seconds);
void ops_free(struct ops *ops);

#endif
