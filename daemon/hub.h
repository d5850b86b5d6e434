/*
 * hub.c -- what the live endpoint sends, and when a client is too far behind
 * to keep.  Pure (no I/O, no logging): ws.c does the sockets.
 *
 *  - the latest published figures, kept as ready-made envelopes
 *      {"type":"snapshot","data":DATA}   for a client that just connected,
 *      {"type":"update","data":DATA}     for every client, once per publish;
 *  - the heartbeat {"type":"heartbeat","ts":"YYYY-MM-DDTHH:MM:SSZ"};
 *  - classifying client messages (all ignored, except {"type":"ping"}, which
 *    is answered with {"type":"pong"} so that a browser, which cannot send
 *    ping frames, can check the link itself);
 *  - the bounded send queue policy.
 */
#ifndef STEADY_HUB_H
#define STEADY_HUB_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct hub;

/* A hub with nothing published: the snapshot is {"type":"snapshot","data":null}. */
struct hub *hub_new(void);
void hub_free(struct hub *h);

/*
 * Make `data_json` the latest state.  It must be exactly one JSON value
 * (whitespace around it is fine); NULL means null.  Returns 0, or -1 with
 * *why set to a static sentence ("not a single JSON value", "out of memory");
 * on failure the previous state is kept.
 */
int hub_publish(struct hub *h, const char *data_json, const char **why);

/* 1 once something was published (even null). */
int hub_has_data(const struct hub *h);

/* The current envelopes (NUL-terminated; valid until the next hub_publish). */
const char *hub_snapshot(const struct hub *h, size_t *len);
const char *hub_update(const struct hub *h, size_t *len);   /* NULL before the first publish */

/* Replace `out`'s contents with the heartbeat for `now` (UTC).  0 or -1. */
int hub_heartbeat(struct buf *out, time_t now);

#define HUB_PONG_MSG "{\"type\":\"pong\"}"

enum hub_client_msg {
	HUB_MSG_IGNORE,   /* anything else: not JSON, not an object, unknown type */
	HUB_MSG_PING      /* {"type":"ping"}: answer with HUB_PONG_MSG */
};
enum hub_client_msg hub_client_message(const char *msg, size_t len);

/*
 * Bounded send queue: should a client that already has `pending` bytes
 * waiting to be written be dropped rather than be given a `msg_len`-byte
 * message?  Yes when the total would pass `max_queue` -- except when nothing
 * is pending: a client that keeps up always gets the next message, even one
 * larger than max_queue (else a summary that outgrew the limit would make
 * every client reconnect forever).  So one client holds at most
 * max(max_queue, one message) bytes.
 */
int hub_should_drop(size_t pending, size_t msg_len, size_t max_queue);

#endif
