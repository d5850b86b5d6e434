/*
 * wsproto.c -- RFC 6455 for one server-side WebSocket connection, over memory
 * buffers.  Pure: no sockets, no logging, no globals.  The I/O layer (ws.c)
 * feeds the bytes it reads with wsproto_feed() and writes out whatever
 * wsproto_output() holds; framing, masking rules, fragmentation, control
 * frames, UTF-8 checks and the close handshake are done by wslay's event API.
 *
 * What the session does on its own (through wslay):
 *   - answers a ping with a pong carrying the same payload;
 *   - answers a close frame with a close frame (echoing the peer's code);
 *   - an unmasked client frame, a reserved bit, an unknown opcode or a bad
 *     continuation: close 1002 and stop reading;
 *   - a message larger than max_message (counted over all its fragments):
 *     close 1009 and stop reading, before any of its payload is buffered;
 *   - a text message that is not UTF-8: close 1007;
 *   - a frame wslay's frame layer rejects outright (a fragmented control
 *     frame, a control frame over 125 bytes): a close frame without a code.
 *
 * Lifetime, as seen by the I/O layer:
 *   while (bytes arrive) { wsproto_feed(); write wsproto_output(); consume; }
 *   wsproto_finished() -> write out what is left, then close the socket.
 *   wsproto_feed() returning -1 -> close the socket now.
 */
#ifndef STEADY_WSPROTO_H
#define STEADY_WSPROTO_H

#include <stddef.h>
#include <stdint.h>

/* RFC 6455 close codes used by Steady. */
enum {
	WSPROTO_CLOSE_NORMAL = 1000,
	WSPROTO_CLOSE_GOING_AWAY = 1001,
	WSPROTO_CLOSE_PROTOCOL_ERROR = 1002,
	WSPROTO_CLOSE_NO_STATUS = 1005,       /* never sent: "close frame had no code" */
	WSPROTO_CLOSE_ABNORMAL = 1006,        /* never sent: "no close frame at all" */
	WSPROTO_CLOSE_INVALID_DATA = 1007,
	WSPROTO_CLOSE_POLICY = 1008,
	WSPROTO_CLOSE_TOO_BIG = 1009,
	WSPROTO_CLOSE_INTERNAL_ERROR = 1011
};

#define WSPROTO_ACCEPT_LEN 28   /* base64 of a SHA-1 digest, without the NUL */

/*
 * Is `client_key` a valid Sec-WebSocket-Key, i.e. the base64 encoding of 16
 * bytes (24 characters ending in "==")?  No surrounding whitespace allowed.
 */
int wsproto_key_valid(const char *client_key);

/*
 * Sec-WebSocket-Accept for `client_key`: base64(SHA-1(key + RFC 6455 GUID)),
 * NUL-terminated in `out`.  Returns 0, or -1 if the key is not valid (out is
 * then the empty string).
 */
int wsproto_accept_key(const char *client_key, char out[WSPROTO_ACCEPT_LEN + 1]);

/*
 * Event callbacks, all optional, called from inside wsproto_feed().  They may
 * queue messages (wsproto_send_text, wsproto_close...) but must not free the
 * session.
 */
struct wsproto_callbacks {
	/* A complete text message (all fragments joined, UTF-8 checked).  `msg`
	 * is NUL-terminated for convenience; `len` excludes the NUL. */
	void (*on_text)(void *user, const char *msg, size_t len);
	/* A pong frame (solicited or not) with its payload. */
	void (*on_pong)(void *user, const uint8_t *payload, size_t len);
	/* The peer's close frame: code (WSPROTO_CLOSE_NO_STATUS if it had none)
	 * and reason (not NUL-terminated).  The reply close frame is already
	 * queued when this is called. */
	void (*on_close)(void *user, unsigned code, const char *reason, size_t len);
};

struct wsproto;

/*
 * New session for a connection whose 101 response has been sent.
 * `max_message` bounds one incoming message (0 = 64 KiB).  Returns NULL if
 * memory ran out.
 */
struct wsproto *wsproto_new(const struct wsproto_callbacks *cb, void *user, size_t max_message);
void wsproto_free(struct wsproto *ws);

/*
 * Process bytes received from the peer (any split: a byte at a time is fine).
 * Callbacks run from here; replies (pong, close) land in the output.  Bytes
 * after the session stopped reading (close received, protocol error) are
 * discarded.  Returns 0, or -1 on a fatal error (out of memory): the I/O
 * layer must then drop the connection without further ado.
 */
int wsproto_feed(struct wsproto *ws, const void *data, size_t len);

/*
 * Queue an unfragmented text message / a ping (payload <= 125 bytes) / a close
 * frame (code 1000-4999, reason <= 123 bytes, may be NULL).  The frame bytes
 * are in the output when these return.  They return 0, or -1 if the session
 * no longer sends (a close was already queued or sent), the argument is
 * invalid, or memory ran out.
 */
int wsproto_send_text(struct wsproto *ws, const char *msg, size_t len);
int wsproto_send_ping(struct wsproto *ws, const void *payload, size_t len);
int wsproto_close(struct wsproto *ws, unsigned code, const char *reason);

/* Bytes waiting to be written to the peer, and how to mark them written. */
const uint8_t *wsproto_output(const struct wsproto *ws, size_t *len);
void wsproto_output_consume(struct wsproto *ws, size_t n);

/* Bytes the session holds for the peer (output not yet consumed + queued). */
size_t wsproto_pending(const struct wsproto *ws);

/* 1 once the session sent its close frame / got the peer's close frame. */
int wsproto_close_sent(const struct wsproto *ws);
int wsproto_close_received(const struct wsproto *ws);

/* The code in the close frame sent / received (WSPROTO_CLOSE_ABNORMAL if
 * none yet, WSPROTO_CLOSE_NO_STATUS if the frame had no code). */
unsigned wsproto_close_code_sent(const struct wsproto *ws);
unsigned wsproto_close_code_received(const struct wsproto *ws);

/*
 * 1 when the session will neither read nor produce anything more: the close
 * handshake is complete, or a close was sent after a protocol error.  The I/O
 * layer writes out what wsproto_output() still holds and closes the socket.
 * (After wsproto_close() the session keeps reading until the peer's close
 * arrives; the I/O layer bounds that wait with a timer.)
 */
int wsproto_finished(const struct wsproto *ws);

#endif
