/*
 * api_alerts.c -- the alerting endpoints (docs/api.md, docs/alerts.md):
 * rules (GET/PUT/DELETE /api/v1/rules, GET /api/v1/rules/audit), alerts
 * (GET /api/v1/alerts, POST /api/v1/alerts/{id}/ack) and receivers
 * (GET/POST /api/v1/receivers, DELETE /api/v1/receivers/{id}) with their
 * delivery failures.  Access control is the central authorizer's (http.c).
 */
#ifndef STEADY_API_ALERTS_H
#define STEADY_API_ALERTS_H

struct api;
struct http_server;

int api_alerts_register(struct api *api, struct http_server *http);

#endif
