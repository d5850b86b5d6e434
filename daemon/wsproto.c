/*
 * wsproto.c -- RFC 6455 server-side session over memory buffers, on wslay's
 * event API.  See wsproto.h.
 *
 * wslay reads through our recv callback, which hands out the bytes given to
 * wsproto_feed() and reports WSLAY_ERR_WOULDBLOCK once they are used up (so
 * wslay_event_recv() returns instead of treating "no data" as a failure);
 * partial frames stay in wslay's own frame buffer between feeds.  wslay
 * writes through our send callback, which appends to an output buffer that
 * always accepts everything: the I/O layer bounds it (ws.c drops a client
 * whose backlog passes ws_max_queue).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <wslay/wslay.h>

#include "buf.h"
#include "wsproto.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_KEY_LEN 24             /* base64 of 16 bytes */
#define DEFAULT_MAX_MESSAGE (64u * 1024u)
#define OUT_KEEP 4096             /* output buffer kept between writes */

struct wsproto {
	wslay_event_context_ptr ctx;
	struct wsproto_callbacks cb;
	void *user;
	const uint8_t *in;        /* bytes of the current wsproto_feed() not yet given to wslay */
	size_t in_len;
	struct buf out;           /* frames produced, out.data[out_off..out.len) not yet written */
	size_t out_off;
	struct buf scratch;       /* NUL-terminated copy of a received text message */
	int in_recv;              /* inside wslay_event_recv(): queue, do not send yet */
	int nomem;                /* an allocation failed in a callback */
};

/* ---- handshake ---- */

static int is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int wsproto_key_valid(const char *key)
{
	if (!key || strlen(key) != WS_KEY_LEN)
		return 0;
	/* 16 bytes = 5 groups of 3 (20 chars) + 1 byte (2 chars + "=="). */
	for (size_t i = 0; i < WS_KEY_LEN - 2; i++)
		if (!is_b64(key[i]))
			return 0;
	if (key[WS_KEY_LEN - 2] != '=' || key[WS_KEY_LEN - 1] != '=')
		return 0;
	/* The last byte's 4 spare bits must be zero (canonical encoding): the
	 * 22nd character is then one of A, Q, g, w. */
	return strchr("AQgw", key[WS_KEY_LEN - 3]) != NULL;
}

int wsproto_accept_key(const char *key, char out[WSPROTO_ACCEPT_LEN + 1])
{
	out[0] = '\0';
	if (!wsproto_key_valid(key))
		return -1;
	unsigned char in[WS_KEY_LEN + sizeof WS_GUID - 1];
	memcpy(in, key, WS_KEY_LEN);
	memcpy(in + WS_KEY_LEN, WS_GUID, sizeof WS_GUID - 1);
	unsigned char digest[SHA_DIGEST_LENGTH];
	if (!SHA1(in, sizeof in, digest))
		return -1;
	if (EVP_EncodeBlock((unsigned char *)out, digest, SHA_DIGEST_LENGTH) != WSPROTO_ACCEPT_LEN) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---- wslay callbacks ---- */

static ssize_t recv_cb(wslay_event_context_ptr ctx, uint8_t *dst, size_t len, int flags,
		       void *user_data)
{
	(void)flags;
	struct wsproto *ws = user_data;
	if (ws->in_len == 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	size_t n = len < ws->in_len ? len : ws->in_len;
	memcpy(dst, ws->in, n);
	ws->in += n;
	ws->in_len -= n;
	return (ssize_t)n;
}

static ssize_t send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
		       void *user_data)
{
	(void)flags;
	struct wsproto *ws = user_data;
	if (buf_append(&ws->out, data, len) < 0) {
		ws->nomem = 1;
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return (ssize_t)len;
}

static void on_msg_cb(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
		      void *user_data)
{
	(void)ctx;
	struct wsproto *ws = user_data;
	switch (arg->opcode) {
	case WSLAY_TEXT_FRAME:
		if (!ws->cb.on_text)
			break;
		buf_reset(&ws->scratch);
		if (buf_append(&ws->scratch, arg->msg, arg->msg_length) < 0) {
			ws->nomem = 1;
			break;
		}
		ws->cb.on_text(ws->user, ws->scratch.data, arg->msg_length);
		break;
	case WSLAY_PONG:
		if (ws->cb.on_pong)
			ws->cb.on_pong(ws->user, arg->msg, arg->msg_length);
		break;
	case WSLAY_CONNECTION_CLOSE:
		if (ws->cb.on_close) {
			unsigned code = arg->status_code ? arg->status_code : WSPROTO_CLOSE_NO_STATUS;
			const char *reason = arg->msg_length > 2 ? (const char *)arg->msg + 2 : "";
			size_t rlen = arg->msg_length > 2 ? arg->msg_length - 2 : 0;
			ws->cb.on_close(ws->user, code, reason, rlen);
		}
		break;
	default:
		/* Binary messages are ignored; pings are answered by wslay. */
		break;
	}
}

/* ---- session ---- */

struct wsproto *wsproto_new(const struct wsproto_callbacks *cb, void *user, size_t max_message)
{
	struct wslay_event_callbacks wcb = {
		.recv_callback = recv_cb,
		.send_callback = send_cb,
		.on_msg_recv_callback = on_msg_cb,
	};
	struct wsproto *ws = calloc(1, sizeof *ws);
	if (!ws)
		goto fail;
	if (cb)
		ws->cb = *cb;
	ws->user = user;
	if (wslay_event_context_server_init(&ws->ctx, &wcb, ws) != 0) {
		ws->ctx = NULL;
		goto fail;
	}
	wslay_event_config_set_max_recv_msg_length(ws->ctx,
						   max_message ? max_message : DEFAULT_MAX_MESSAGE);
	return ws;
fail:
	wsproto_free(ws);
	return NULL;
}

void wsproto_free(struct wsproto *ws)
{
	if (!ws)
		return;
	if (ws->ctx)
		wslay_event_context_free(ws->ctx);
	buf_free(&ws->out);
	buf_free(&ws->scratch);
	free(ws);
}

/* Move everything wslay has queued into the output buffer. */
static int pump(struct wsproto *ws)
{
	if (ws->in_recv)
		return 0;
	if (wslay_event_want_write(ws->ctx) && wslay_event_send(ws->ctx) != 0)
		return -1;
	return ws->nomem ? -1 : 0;
}

int wsproto_feed(struct wsproto *ws, const void *data, size_t len)
{
	if (ws->nomem)
		return -1;
	if (len > 0 && wslay_event_get_read_enabled(ws->ctx)) {
		ws->in = data;
		ws->in_len = len;
		ws->in_recv = 1;
		int r = wslay_event_recv(ws->ctx);
		ws->in_recv = 0;
		ws->in = NULL;
		ws->in_len = 0;   /* anything wslay did not take came after the end */
		if (r == WSLAY_ERR_NOMEM)
			ws->nomem = 1;
		/* Any other failure (a frame wslay's frame layer rejects outright)
		 * has stopped reading and queued a close: it is flushed below and
		 * the session then reports finished. */
		(void)r;
	}
	if (pump(ws) < 0)
		return -1;
	return ws->nomem ? -1 : 0;
}

static int queue(struct wsproto *ws, uint8_t opcode, const void *data, size_t len)
{
	struct wslay_event_msg msg = { opcode, data, len };
	if (wslay_event_queue_msg(ws->ctx, &msg) != 0)
		return -1;
	return pump(ws);
}

int wsproto_send_text(struct wsproto *ws, const char *msg, size_t len)
{
	return queue(ws, WSLAY_TEXT_FRAME, msg, len);
}

int wsproto_send_ping(struct wsproto *ws, const void *payload, size_t len)
{
	if (len > 125)
		return -1;
	return queue(ws, WSLAY_PING, payload, len);
}

static int close_code_sendable(unsigned code)
{
	return (code >= 1000 && code <= 1011 && code != 1004 && code != 1005 && code != 1006) ||
	       (code >= 3000 && code <= 4999);
}

int wsproto_close(struct wsproto *ws, unsigned code, const char *reason)
{
	size_t rlen = reason ? strlen(reason) : 0;
	if (!close_code_sendable(code) || rlen > 123)
		return -1;
	if (wslay_event_queue_close(ws->ctx, (uint16_t)code, (const uint8_t *)reason, rlen) != 0)
		return -1;
	return pump(ws);
}

const uint8_t *wsproto_output(const struct wsproto *ws, size_t *len)
{
	*len = ws->out.len - ws->out_off;
	return *len ? (const uint8_t *)ws->out.data + ws->out_off : NULL;
}

void wsproto_output_consume(struct wsproto *ws, size_t n)
{
	size_t avail = ws->out.len - ws->out_off;
	ws->out_off += n < avail ? n : avail;
	if (ws->out_off == ws->out.len) {
		/* All written: keep a small buffer for the next frames, but do not
		 * hold on to one the size of the largest message ever sent. */
		if (ws->out.cap > OUT_KEEP)
			buf_free(&ws->out);
		else
			buf_reset(&ws->out);
		ws->out_off = 0;
	} else if (ws->out_off >= 65536 && ws->out_off > ws->out.len / 2) {
		memmove(ws->out.data, ws->out.data + ws->out_off, ws->out.len - ws->out_off + 1);
		ws->out.len -= ws->out_off;
		ws->out_off = 0;
	}
}

size_t wsproto_pending(const struct wsproto *ws)
{
	return ws->out.len - ws->out_off + wslay_event_get_queued_msg_length(ws->ctx);
}

int wsproto_close_sent(const struct wsproto *ws)
{
	return wslay_event_get_close_sent(ws->ctx);
}

int wsproto_close_received(const struct wsproto *ws)
{
	return wslay_event_get_close_received(ws->ctx);
}

unsigned wsproto_close_code_sent(const struct wsproto *ws)
{
	return wslay_event_get_status_code_sent(ws->ctx);
}

unsigned wsproto_close_code_received(const struct wsproto *ws)
{
	return wslay_event_get_status_code_received(ws->ctx);
}

int wsproto_finished(const struct wsproto *ws)
{
	return !wslay_event_get_read_enabled(ws->ctx) && !wslay_event_want_write(ws->ctx);
}
