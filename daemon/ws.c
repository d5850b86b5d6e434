/*
 * ws.c -- the live WebSocket endpoint on the evhttp port (see ws.h).
 *
 * libevent 2.1 has no WebSocket support, so the upgrade is done by hand:
 * the 101 response goes out through evhttp_send_reply_start() (no chunked
 * encoding for a 1xx code), then the connection's bufferevent gets our
 * callbacks and no timeouts, and from there on every byte is RFC 6455,
 * handled by wsproto (wslay).  The evhttp connection is never handed back:
 * we free it with evhttp_connection_free() when the client goes, which also
 * frees the request and the bufferevent.  evhttp_free() would free the
 * connections too, so ws_server_free() must run before it.
 *
 * Every write goes into the client's bufferevent output, never blocking;
 * a client whose unsent bytes pass max_queue is dropped (hub_should_drop), so
 * a TV on a bad link cannot stall the others or grow memory without bound.
 * One heartbeat timer and one ping timer serve all clients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "buf.h"
#include "http.h"
#include "hub.h"
#include "log.h"
#include "ws.h"
#include "wsproto.h"

/* How long a closing client gets to answer our close frame / read its last
 * bytes before the socket is closed anyway. */
#define CLOSE_WAIT_SECONDS 5

struct ws_client {
	struct ws_server *srv;
	struct ws_client *prev, *next;
	struct evhttp_connection *evcon;   /* owns the request and the bufferevent */
	struct bufferevent *bev;
	struct wsproto *ws;
	struct event *close_timer;         /* armed once the client is closing; reaps the dead */
	char peer[160];                    /* "ip:port" (+ forwarded-for), for logs */
	double last_pong;                  /* monotonic seconds */
	int pong_due;                      /* answer a {"type":"ping"} after this read */
	int closing;                       /* close sent or session finished */
	int dead;                          /* dropped, socket closed on the next loop pass */
};

struct ws_server {
	struct event_base *base;
	struct ws_limits lim;
	struct hub *hub;
	struct ws_client *clients;         /* open clients */
	size_t nclients;
	struct ws_client *dead;            /* dropped, waiting for client_reap */
	struct event *heartbeat_ev;
	struct event *ping_ev;
	struct buf heartbeat;              /* scratch for the heartbeat message */
	int warned_big;                    /* warned that an update exceeds max_queue */
};

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- client lifetime ---- */

static void list_link(struct ws_client **head, struct ws_client *c)
{
	c->prev = NULL;
	c->next = *head;
	if (*head)
		(*head)->prev = c;
	*head = c;
}

static void list_unlink(struct ws_client **head, struct ws_client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		*head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

/* Close the socket and free everything.  Never from inside one of the
 * client's bufferevent callbacks: libevent would still use the socket
 * after evhttp_connection_free() closed it. */
static void client_reap(struct ws_client *c)
{
	list_unlink(&c->srv->dead, c);
	event_free(c->close_timer);
	/* Frees the request and the bufferevent as well; shuts the socket down. */
	evhttp_connection_free(c->evcon);
	wsproto_free(c->ws);
	free(c);
}

/*
 * Drop the client: it is no longer counted nor sent anything, its socket is
 * silenced now and closed on the next pass of the loop (client_reap from the
 * client's timer).  Safe from any callback; `c` must not be used afterwards
 * by the caller.
 */
static void client_free(struct ws_client *c, const char *why)
{
	struct ws_server *srv = c->srv;
	list_unlink(&srv->clients, c);
	srv->nclients--;
	log_info("live: client %s disconnected: %s (%zu open)", c->peer, why, srv->nclients);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	bufferevent_setcb(c->bev, NULL, NULL, NULL, NULL);
	c->dead = 1;
	list_link(&srv->dead, c);
	struct timeval now = { 0, 0 };
	evtimer_add(c->close_timer, &now);   /* on failure ws_server_free reaps it */
}

static const char *close_code_name(unsigned code)
{
	switch (code) {
	case 1000: return "normal closure";
	case 1001: return "going away";
	case 1002: return "protocol error";
	case 1003: return "unsupported data";
	case 1005: return "no status code";
	case 1007: return "invalid UTF-8";
	case 1008: return "policy violation";
	case 1009: return "message too big";
	case 1011: return "internal error";
	default: return "application code";
	}
}

/* Why a finished session ended, for the disconnect log line. */
static const char *close_story(const struct ws_client *c, char *buf, size_t len)
{
	unsigned code;
	if (wsproto_close_received(c->ws)) {
		code = wsproto_close_code_received(c->ws);
		snprintf(buf, len, "closed by the client (%u %s)", code, close_code_name(code));
	} else if (wsproto_close_sent(c->ws)) {
		code = wsproto_close_code_sent(c->ws);
		snprintf(buf, len, "closed by the server (%u %s)", code, close_code_name(code));
	} else
		snprintf(buf, len, "connection closed without a close frame");
	return buf;
}

/* Move the frames wsproto produced into the socket's output buffer. */
static int client_flush(struct ws_client *c)
{
	size_t n;
	const uint8_t *p = wsproto_output(c->ws, &n);
	if (n == 0)
		return 0;
	if (evbuffer_add(bufferevent_get_output(c->bev), p, n) != 0)
		return -1;
	wsproto_output_consume(c->ws, n);
	return 0;
}

static size_t client_pending(const struct ws_client *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev)) + wsproto_pending(c->ws);
}

static void close_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct ws_client *c = arg;
	char story[96];
	if (c->dead) {
		client_reap(c);
	} else if (wsproto_finished(c->ws)) {
		/* Handshake done but the peer is not reading its last bytes. */
		close_story(c, story, sizeof story);
		client_free(c, story);
	} else {
		client_free(c, "no answer to our close frame");
	}
}

static void client_start_closing(struct ws_client *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	struct timeval tv = { CLOSE_WAIT_SECONDS, 0 };
	evtimer_add(c->close_timer, &tv);
}

/*
 * After any I/O: once the session is finished and its last bytes are
 * written, close.  Returns 1 if the client was freed.
 */
static int client_settle(struct ws_client *c)
{
	if (wsproto_finished(c->ws)) {
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
			char story[96];
			client_free(c, close_story(c, story, sizeof story));
			return 1;
		}
		client_start_closing(c);
	} else if (wsproto_close_sent(c->ws)) {
		client_start_closing(c);   /* wait for the peer's close */
	}
	return 0;
}

/*
 * Send one text message, or drop the client if it is too far behind.
 * `force` skips the queue check (the snapshot right after the 101, which
 * sits behind the response header).  Returns 0, or -1 if `c` was freed.
 */
static int client_send(struct ws_client *c, const char *msg, size_t len, int force)
{
	struct ws_server *srv = c->srv;
	if (c->closing || wsproto_close_sent(c->ws))
		return 0;
	size_t pending = client_pending(c);
	if (!force && hub_should_drop(pending, len, srv->lim.max_queue)) {
		log_warn("live: dropping slow client %s: %zu bytes still unsent, limit %zu",
			 c->peer, pending, srv->lim.max_queue);
		client_free(c, "send queue over the limit");
		return -1;
	}
	if (wsproto_send_text(c->ws, msg, len) < 0 || client_flush(c) < 0) {
		log_error("live: out of memory queueing %zu bytes for client %s", len, c->peer);
		client_free(c, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- wsproto callbacks (inside wsproto_feed: never free the client here) ---- */

static void on_text(void *user, const char *msg, size_t len)
{
	struct ws_client *c = user;
	if (hub_client_message(msg, len) == HUB_MSG_PING)
		c->pong_due = 1;
}

static void on_pong(void *user, const uint8_t *payload, size_t len)
{
	(void)payload;
	(void)len;
	struct ws_client *c = user;
	c->last_pong = mono_now();
}

static const struct wsproto_callbacks client_callbacks = { on_text, on_pong, NULL };

/* ---- bufferevent callbacks ---- */

static void client_read_cb(struct bufferevent *bev, void *arg)
{
	struct ws_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t before = client_pending(c);

	while (evbuffer_get_length(in) > 0) {
		struct evbuffer_iovec v[8];
		int k = evbuffer_peek(in, -1, NULL, v, 8);
		if (k > 8)
			k = 8;
		size_t used = 0;
		for (int i = 0; i < k; i++) {
			if (wsproto_feed(c->ws, v[i].iov_base, v[i].iov_len) < 0) {
				log_error("live: out of memory reading from client %s", c->peer);
				client_free(c, "out of memory");
				return;
			}
			used += v[i].iov_len;
		}
		evbuffer_drain(in, used);
	}
	if (client_flush(c) < 0) {
		log_error("live: out of memory answering client %s", c->peer);
		client_free(c, "out of memory");
		return;
	}
	/* Replies wslay queued on its own (pongs) count against the same
	 * bound: a client that sends pings but does not read is dropped. */
	size_t after = client_pending(c);
	if (after > before && hub_should_drop(before, after - before, c->srv->lim.max_queue)) {
		log_warn("live: dropping client %s: %zu bytes of replies unsent, limit %zu", c->peer,
			 after, c->srv->lim.max_queue);
		client_free(c, "send queue over the limit");
		return;
	}
	if (c->pong_due) {
		c->pong_due = 0;
		if (client_send(c, HUB_PONG_MSG, sizeof HUB_PONG_MSG - 1, 0) < 0)
			return;
	}
	client_settle(c);
}

static void client_write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	struct ws_client *c = arg;
	/* Output drained: a finished session can now close. */
	if (c->closing)
		client_settle(c);
}

static void client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	struct ws_client *c = arg;
	char story[160];
	if (what & BEV_EVENT_ERROR) {
		snprintf(story, sizeof story, "socket error: %s",
			 evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		client_free(c, story);
	} else if (what & BEV_EVENT_EOF) {
		close_story(c, story, sizeof story);
		client_free(c, story);
	}
}

/* ---- server timers ---- */

static void heartbeat_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct ws_server *srv = arg;
	if (!srv->clients)
		return;
	if (hub_heartbeat(&srv->heartbeat, time(NULL)) < 0) {
		log_error("live: out of memory building the heartbeat");
		return;
	}
	struct ws_client *next;
	for (struct ws_client *c = srv->clients; c; c = next) {
		next = c->next;
		client_send(c, srv->heartbeat.data, srv->heartbeat.len, 0);
	}
}

static void ping_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct ws_server *srv = arg;
	double now = mono_now();
	double limit = 2.0 * srv->lim.ping_seconds;
	struct ws_client *next;
	for (struct ws_client *c = srv->clients; c; c = next) {
		next = c->next;
		if (c->closing)
			continue;
		if (now - c->last_pong >= limit) {
			char story[64];
			snprintf(story, sizeof story, "no pong for %.0f s", now - c->last_pong);
			client_free(c, story);
			continue;
		}
		if (wsproto_send_ping(c->ws, NULL, 0) < 0 || client_flush(c) < 0) {
			log_error("live: out of memory sending a ping to client %s", c->peer);
			client_free(c, "out of memory");
		}
	}
}

/* ---- the upgrade ---- */

static int is_list_sep(char ch)
{
	return ch == ',' || ch == ' ' || ch == '\t';
}

/* Does a comma-separated header value hold `token` (case-insensitive)? */
static int has_token(const char *value, const char *token)
{
	size_t tlen = strlen(token);
	const char *p = value;
	while (*p) {
		while (*p && is_list_sep(*p))
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - start) == tlen && strncasecmp(start, token, tlen) == 0)
			return 1;
	}
	return 0;
}

/* The token in any of the (possibly repeated) `name` headers. */
static int header_has_token(struct evkeyvalq *headers, const char *name, const char *token)
{
	for (struct evkeyval *h = headers->tqh_first; h; h = h->next.tqe_next) {
		if (strcasecmp(h->key, name) == 0 && has_token(h->value, token))
			return 1;
	}
	return 0;
}

/* Copy a header value without surrounding blanks; NULL if absent or too long. */
static const char *header_trimmed(struct evkeyvalq *headers, const char *name, char *buf,
				  size_t len)
{
	const char *v = evhttp_find_header(headers, name);
	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= len)
		return NULL;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

static void reply_upgrade_required(struct evhttp_request *req, const char *message)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	evhttp_add_header(out, "Upgrade", "websocket");
	evhttp_add_header(out, "Connection", "Upgrade");
	evhttp_add_header(out, "Sec-WebSocket-Version", "13");
	http_reply_error(req, 426, message);
}

/* "ip:port", plus the first X-Forwarded-For hop (printable ASCII only). */
static void describe_peer(struct evhttp_request *req, char *buf, size_t len)
{
	char addr[80];
	http_peer(req, addr, sizeof addr);
	const char *xff = evhttp_find_header(evhttp_request_get_input_headers(req),
					     "X-Forwarded-For");
	if (!xff) {
		snprintf(buf, len, "%s", addr);
		return;
	}
	char fwd[64];
	size_t n = 0;
	for (const char *p = xff; *p && *p != ',' && n < sizeof fwd - 1; p++)
		if (*p > ' ' && *p < 0x7f)
			fwd[n++] = *p;
	fwd[n] = '\0';
	snprintf(buf, len, "%s (for %s)", addr, fwd);
}

void ws_server_handle_upgrade(struct ws_server *srv, struct evhttp_request *req)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct ws_client *c = NULL;
	char key[64], version[16], accept[WSPROTO_ACCEPT_LEN + 1];

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET");
		http_reply_error(req, 405, "the live endpoint takes GET with a WebSocket upgrade");
		return;
	}
	if (!evhttp_find_header(in, "Upgrade")) {
		reply_upgrade_required(req, "this is a WebSocket endpoint: connect with a WebSocket client");
		return;
	}
	if (!header_has_token(in, "Upgrade", "websocket")) {
		http_reply_error(req, 400, "the Upgrade header must name websocket");
		return;
	}
	if (!header_has_token(in, "Connection", "upgrade")) {
		http_reply_error(req, 400, "the Connection header must include upgrade");
		return;
	}
	if (!header_trimmed(in, "Sec-WebSocket-Version", version, sizeof version) ||
	    strcmp(version, "13") != 0) {
		reply_upgrade_required(req, "only WebSocket version 13 is supported");
		return;
	}
	if (!header_trimmed(in, "Sec-WebSocket-Key", key, sizeof key) ||
	    wsproto_accept_key(key, accept) < 0) {
		http_reply_error(req, 400, "missing or invalid Sec-WebSocket-Key");
		return;
	}
	if (srv->lim.max_clients && srv->nclients >= srv->lim.max_clients) {
		char peer[160];
		describe_peer(req, peer, sizeof peer);
		log_warn("live: refusing client %s: already %zu clients (ws_max_clients)", peer,
			 srv->nclients);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "30");
		http_reply_error(req, 503, "too many live clients; try again later");
		return;
	}

	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	if (!bev) {
		log_error("live: upgrade request without a connection");
		http_reply_error(req, 500, "internal error");
		return;
	}
	c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->srv = srv;
	c->ws = wsproto_new(&client_callbacks, c, srv->lim.max_message);
	c->close_timer = evtimer_new(srv->base, close_timer_cb, c);
	if (!c->ws || !c->close_timer)
		goto oom;
	describe_peer(req, c->peer, sizeof c->peer);

	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	if (evhttp_add_header(out, "Upgrade", "websocket") < 0 ||
	    evhttp_add_header(out, "Connection", "Upgrade") < 0 ||
	    evhttp_add_header(out, "Sec-WebSocket-Accept", accept) < 0) {
		evhttp_remove_header(out, "Upgrade");
		evhttp_remove_header(out, "Connection");
		evhttp_remove_header(out, "Sec-WebSocket-Accept");
		goto oom;
	}

	/* From here on the connection is ours. */
	evhttp_send_reply_start(req, 101, "Switching Protocols");
	c->evcon = evcon;
	c->bev = bev;
	bufferevent_setcb(bev, client_read_cb, client_write_cb, client_event_cb, c);
	bufferevent_set_timeouts(bev, NULL, NULL);
	bufferevent_setwatermark(bev, EV_READ | EV_WRITE, 0, 0);
	bufferevent_enable(bev, EV_READ | EV_WRITE);

	c->last_pong = mono_now();
	list_link(&srv->clients, c);
	srv->nclients++;
	log_info("live: client %s connected (%zu open)", c->peer, srv->nclients);

	size_t len;
	const char *snap = hub_snapshot(srv->hub, &len);
	if (client_send(c, snap, len, 1) < 0)
		return;
	/* Frames the client sent right behind its request are already buffered:
	 * handle them from the loop, once evhttp's callback has returned. */
	if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
	return;

oom:
	log_error("live: out of memory accepting a client");
	if (c) {
		if (c->close_timer)
			event_free(c->close_timer);
		wsproto_free(c->ws);
		free(c);
	}
	http_reply_error(req, 500, "internal error");
}

/* ---- server ---- */

struct ws_server *ws_server_new(struct event_base *base, const struct ws_limits *lim)
{
	struct ws_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		goto oom;
	srv->base = base;
	srv->lim = *lim;
	srv->hub = hub_new();
	if (!srv->hub)
		goto oom;
	if (lim->heartbeat_seconds > 0) {
		struct timeval tv = { lim->heartbeat_seconds, 0 };
		srv->heartbeat_ev = event_new(base, -1, EV_PERSIST, heartbeat_cb, srv);
		if (!srv->heartbeat_ev || event_add(srv->heartbeat_ev, &tv) < 0)
			goto oom;
	}
	if (lim->ping_seconds > 0) {
		struct timeval tv = { lim->ping_seconds, 0 };
		srv->ping_ev = event_new(base, -1, EV_PERSIST, ping_cb, srv);
		if (!srv->ping_ev || event_add(srv->ping_ev, &tv) < 0)
			goto oom;
	}
	return srv;
oom:
	log_error("live: out of memory creating the WebSocket server");
	ws_server_free(srv);
	return NULL;
}

int ws_server_publish(struct ws_server *srv, const char *data_json)
{
	const char *why = NULL;
	if (hub_publish(srv->hub, data_json, &why) < 0) {
		log_error("live: cannot publish the figures: %s", why);
		return -1;
	}
	size_t len;
	const char *msg = hub_update(srv->hub, &len);
	if (len > srv->lim.max_queue && !srv->warned_big) {
		log_warn("live: an update is %zu bytes, more than ws_max_queue (%zu): "
			 "clients that are not fully caught up will be dropped", len, srv->lim.max_queue);
		srv->warned_big = 1;
	} else if (len <= srv->lim.max_queue) {
		srv->warned_big = 0;
	}
	struct ws_client *next;
	for (struct ws_client *c = srv->clients; c; c = next) {
		next = c->next;
		client_send(c, msg, len, 0);
	}
	return 0;
}

size_t ws_server_client_count(const struct ws_server *srv)
{
	return srv ? srv->nclients : 0;
}

void ws_server_free(struct ws_server *srv)
{
	if (!srv)
		return;
	while (srv->clients) {
		struct ws_client *c = srv->clients;
		/* Best effort: queue 1001 and write what the socket takes now. */
		if (!wsproto_close_sent(c->ws) &&
		    wsproto_close(c->ws, WSPROTO_CLOSE_GOING_AWAY, "server shutting down") == 0)
			client_flush(c);
		struct evbuffer *out = bufferevent_get_output(c->bev);
		if (evbuffer_get_length(out) > 0) {
			/* A socket bufferevent keeps the front of its output
			 * frozen (only its own write callback drains it); it
			 * is freed right after, so write directly. */
			evbuffer_unfreeze(out, 1);
			evbuffer_write(out, bufferevent_getfd(c->bev));
		}
		client_free(c, "server shutting down");
	}
	while (srv->dead)
		client_reap(srv->dead);
	if (srv->heartbeat_ev)
		event_free(srv->heartbeat_ev);
	if (srv->ping_ev)
		event_free(srv->ping_ev);
	hub_free(srv->hub);
	buf_free(&srv->heartbeat);
	free(srv);
}
