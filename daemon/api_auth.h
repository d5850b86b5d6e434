/*
 * api_auth.c -- access control on the daemon side: the authorizer every HTTP
 * request passes (credentials -> principal -> role, the route policy of
 * auth.c, CSRF for cookie sessions, 401/403 JSON replies), the login /
 * logout / me endpoints with login throttling, the admin API for users, API
 * tokens and display tokens, and audit_log() for every module.
 */
#ifndef STEADY_API_AUTH_H
#define STEADY_API_AUTH_H

struct config;
struct db;
struct event_base;
struct http_server;
struct auth_api;

/* Password checks run on a worker thread whose answers come back on `base`. */
struct auth_api *auth_api_new(struct event_base *base, struct db *db, const struct config *cfg);
/* (Re)applies the access-control settings (start-up and SIGHUP).  0 or -1. */
int auth_api_configure(struct auth_api *a, const struct config *cfg);
/* Installs the authorizer on `http` and registers /api/v1/auth/..., users, tokens. */
int auth_api_register(struct auth_api *a, struct http_server *http);
void auth_api_free(struct auth_api *a);

/* Appends an audit record (fire and forget; a failure is logged).  `who` is
 * usually http_request_user(req); never pass a password or token in detail. */
void audit_log(struct db *db, const char *who, const char *action, const char *detail);

#endif
