/*
 * ws.c -- the live WebSocket endpoint (/api/v1/live) on the evhttp port:
 * takes over an upgraded evhttp connection, runs RFC 6455 through wsproto,
 * sends the latest snapshot on connect and every published update after it,
 * heartbeats, pings, and drops a client whose send queue grows past the bound
 * so that one slow TV never stalls the others.
 */
#ifndef STEADY_WS_H
#define STEADY_WS_H

#include <stddef.h>

struct event_base;
struct evhttp_request;
struct ws_server;

struct ws_limits {
	size_t max_message;        /* largest message accepted from a client (bytes) */
	size_t max_queue;          /* bytes queued to one client before it is dropped */
	size_t max_clients;        /* connections refused (503) beyond this */
	int heartbeat_seconds;     /* {"type":"heartbeat"} text message interval */
	int ping_seconds;          /* ping frame interval; no pong within 2x = dropped */
};

struct ws_server *ws_server_new(struct event_base *base, const struct ws_limits *lim);

/*
 * Called by the HTTP layer for GET /api/v1/live.  Validates the upgrade
 * request (400/426 reply if it is not one), else answers 101 and takes the
 * connection over.  The client immediately gets
 *   {"type":"snapshot","data":<latest published data>}
 * (or {"type":"snapshot","data":null} if nothing was published yet).
 */
void ws_server_handle_upgrade(struct ws_server *srv, struct evhttp_request *req);

/*
 * Store `data_json` (a JSON value, copied) as the latest state and send
 *   {"type":"update","data":<data_json>}
 * to every open client.  Returns 0 or -1 (out of memory).
 */
int ws_server_publish(struct ws_server *srv, const char *data_json);

size_t ws_server_client_count(const struct ws_server *srv);

/* Sends close (1001 going away) to every client, frees them and the server. */
void ws_server_free(struct ws_server *srv);

#endif
