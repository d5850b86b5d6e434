/*
 * test_wsproto.c -- RFC 6455 handshake and framing (wsproto) and the live
 * message envelopes / queue policy (hub).  Expected bytes are worked out by
 * hand from RFC 6455 (section 1.3 for the handshake, 5.2 for the frame
 * layout, 5.7 for the examples): the masking key 37 fa 21 3d is the RFC's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hub.h"
#include "wsproto.h"

/* ---- fixture: a session that records what it was told ---- */

struct rec {
	struct wsproto *ws;
	int texts;
	struct buf text;        /* last text message */
	size_t text_len;
	int text_nul_ok;        /* msg[len] == '\0' */
	int pongs;
	struct buf pong;
	int closes;
	unsigned close_code;
	struct buf close_reason;
	int reply_in_callback;  /* on_text answers "ack" from inside the callback */
};

static void on_text(void *user, const char *msg, size_t len)
{
	struct rec *r = user;
	r->texts++;
	buf_reset(&r->text);
	assert_int_equal(buf_append(&r->text, msg, len), 0);
	r->text_len = len;
	r->text_nul_ok = msg[len] == '\0';
	if (r->reply_in_callback)
		assert_int_equal(wsproto_send_text(r->ws, "ack", 3), 0);
}

static void on_pong(void *user, const uint8_t *payload, size_t len)
{
	struct rec *r = user;
	r->pongs++;
	buf_reset(&r->pong);
	assert_int_equal(buf_append(&r->pong, payload, len), 0);
}

static void on_close(void *user, unsigned code, const char *reason, size_t len)
{
	struct rec *r = user;
	r->closes++;
	r->close_code = code;
	buf_reset(&r->close_reason);
	assert_int_equal(buf_append(&r->close_reason, reason, len), 0);
}

static const struct wsproto_callbacks cbs = { on_text, on_pong, on_close };

static struct rec *rec_new(size_t max_message)
{
	struct rec *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->ws = wsproto_new(&cbs, r, max_message);
	assert_non_null(r->ws);
	return r;
}

static void rec_free(struct rec *r)
{
	wsproto_free(r->ws);
	buf_free(&r->text);
	buf_free(&r->pong);
	buf_free(&r->close_reason);
	free(r);
}

static void feed(struct rec *r, const uint8_t *p, size_t n)
{
	assert_int_equal(wsproto_feed(r->ws, p, n), 0);
}

/* The session's output must be exactly `want`; it is then consumed. */
static void expect_output(struct rec *r, const uint8_t *want, size_t n)
{
	size_t len;
	const uint8_t *out = wsproto_output(r->ws, &len);
	assert_int_equal(len, n);
	if (n)
		assert_memory_equal(out, want, n);
	wsproto_output_consume(r->ws, len);
	assert_null(wsproto_output(r->ws, &len));
	assert_int_equal(len, 0);
}

static void expect_no_output(struct rec *r)
{
	size_t len;
	assert_null(wsproto_output(r->ws, &len));
	assert_int_equal(len, 0);
}

/* RFC 6455 5.7: masked "Hello" with masking key 37 fa 21 3d. */
static const uint8_t masked_hello[] = {
	0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
};

/* ---- handshake ---- */

static void test_accept_key_rfc_example(void **state)
{
	(void)state;
	char out[WSPROTO_ACCEPT_LEN + 1];
	assert_int_equal(wsproto_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out), 0);
	/* RFC 6455 section 1.3 (and `openssl sha1 -binary | base64`). */
	assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	assert_true(wsproto_key_valid("dGhlIHNhbXBsZSBub25jZQ=="));
}

static void test_accept_key_other(void **state)
{
	(void)state;
	/* 16 zero bytes; expected value from
	 *   printf 'AAAAAAAAAAAAAAAAAAAAAA==258EAFA5-E914-47DA-95CA-C5AB0DC85B11' |
	 *   openssl sha1 -binary | base64 */
	char out[WSPROTO_ACCEPT_LEN + 1];
	assert_int_equal(wsproto_accept_key("AAAAAAAAAAAAAAAAAAAAAA==", out), 0);
	assert_string_equal(out, "ICX+Yqv66kxgM0FcWaLWlFLwTAI=");
}

static void test_accept_key_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"dGhlIHNhbXBsZSBub25jZQ=",      /* 23 chars */
		"dGhlIHNhbXBsZSBub25jZQ===",    /* 25 chars */
		"dGhlIHNhbXBsZSBub25jZQ",       /* no padding */
		"dGhlIHNhbXBsZSBub25jZ===",     /* 15 bytes + extra '=' */
		"dGhlIHNhbXBsZSBub25jZQ=x",     /* bad padding */
		"dGhlIHNhbXBs*SBub25jZQ==",     /* not base64 */
		"dGhlIHNhbXBs ZSBub25jZQ=",     /* space */
		" dGhlIHNhbXBsZSBub25jZQ==",    /* leading space */
		"dGhlIHNhbXBsZSBub25jZR==",     /* non-zero spare bits: not 16 bytes canonically */
		"dGhlIHNhbXBsZSBub25jZQ==dGhl", /* too long */
		"dGhlIHNhbXBsZSBub25jZSBub25jZQ==", /* 24 bytes, valid base64 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[WSPROTO_ACCEPT_LEN + 1] = "x";
		assert_false(wsproto_key_valid(bad[i]));
		assert_int_equal(wsproto_accept_key(bad[i], out), -1);
		assert_string_equal(out, "");
	}
	assert_false(wsproto_key_valid(NULL));
}

/* ---- receiving ---- */

static void test_masked_hello(void **state)
{
	(void)state;
	struct rec *r = rec_new(0);
	feed(r, masked_hello, sizeof masked_hello);
	assert_int_equal(r->texts, 1);
	assert_int_equal(r->text_len, 5);
	assert_memory_equal(r->text.data, "Hello", 5);
	assert_true(r->text_nul_ok);
	expect_no_output(r);
	assert_false(wsproto_finished(r->ws));
	rec_free(r);
}

/* RFC 6455 5.7 "Hel" + "lo", masked as a client must: 01 83 | 80 82. */
static const uint8_t frag1[] = { 0x01, 0x83, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d };
static const uint8_t frag2[] = { 0x80, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x5b, 0x95 };

static void test_fragmented(void **state)
{
	(void)state;
	struct rec *r = rec_new(0);
	feed(r, frag1, sizeof frag1);
	assert_int_equal(r->texts, 0);
	feed(r, frag2, sizeof frag2);
	assert_int_equal(r->texts, 1);
	assert_int_equal(r->text_len, 5);
	assert_memory_equal(r->text.data, "Hello", 5);
	expect_no_output(r);
	rec_free(r);
}

static void test_fragmented_with_ping_between(void **state)
{
	(void)state;
	/* A control frame may come between fragments (RFC 6455 5.4). */
	static const uint8_t ping_empty[] = { 0x89, 0x80, 0x37, 0xfa, 0x21, 0x3d };
	static const uint8_t pong_empty[] = { 0x8a, 0x00 };
	uint8_t all[sizeof frag1 + sizeof ping_empty + sizeof frag2];
	memcpy(all, frag1, sizeof frag1);
	memcpy(all + sizeof frag1, ping_empty, sizeof ping_empty);
	memcpy(all + sizeof frag1 + sizeof ping_empty, frag2, sizeof frag2);
	struct rec *r = rec_new(0);
	feed(r, all, sizeof all);
	assert_int_equal(r->texts, 1);
	assert_memory_equal(r->text.data, "Hello", 5);
	expect_output(r, pong_empty, sizeof pong_empty);
	rec_free(r);
}

static void test_one_byte_at_a_time(void **state)
{
	(void)state;
	struct rec *r = rec_new(0);
	/* Two messages back to back, fed byte by byte. */
	uint8_t all[sizeof masked_hello + sizeof frag1 + sizeof frag2];
	memcpy(all, masked_hello, sizeof masked_hello);
	memcpy(all + sizeof masked_hello, frag1, sizeof frag1);
	memcpy(all + sizeof masked_hello + sizeof frag1, frag2, sizeof frag2);
	for (size_t i = 0; i < sizeof all; i++) {
		feed(r, all + i, 1);
		int want = i + 1 >= sizeof all ? 2 : i + 1 >= sizeof masked_hello ? 1 : 0;
		assert_int_equal(r->texts, want);
	}
	assert_memory_equal(r->text.data, "Hello", 5);
	expect_no_output(r);
	rec_free(r);
}

static void test_two_messages_one_feed(void **state)
{
	(void)state;
	struct rec *r = rec_new(0);
	uint8_t two[2 * sizeof masked_hello];
	memcpy(two, masked_hello, sizeof masked_hello);
	memcpy(two + sizeof masked_hello, masked_hello, sizeof masked_hello);
	feed(r, two, sizeof two);
	assert_int_equal(r->texts, 2);
	rec_free(r);
}

static void test_unmasked_client_frame(void **state)
{
	(void)state;
	static const uint8_t unmasked[] = { 0x81, 0x05, 'H', 'e', 'l', 'l', 'o' };
	static const uint8_t close_1002[] = { 0x88, 0x02, 0x03, 0xea };
	struct rec *r = rec_new(0);
	feed(r, unmasked, sizeof unmasked);
	assert_int_equal(r->texts, 0);
	expect_output(r, close_1002, sizeof close_1002);
	assert_true(wsproto_close_sent(r->ws));
	assert_int_equal(wsproto_close_code_sent(r->ws), 1002);
	assert_true(wsproto_finished(r->ws));
	/* Nothing more is read or sent. */
	feed(r, masked_hello, sizeof masked_hello);
	assert_int_equal(r->texts, 0);
	assert_int_equal(wsproto_send_text(r->ws, "x", 1), -1);
	expect_no_output(r);
	rec_free(r);
}

static void test_oversize_single_frame(void **state)
{
	(void)state;
	/* 11-byte text frame, limit 10: refused as soon as the header and the
	 * first payload byte are in, without waiting for (or buffering) the
	 * rest of the payload. */
	static const uint8_t hdr[] = { 0x81, 0x8b, 0x37, 0xfa, 0x21, 0x3d, 0x00 };
	static const uint8_t close_1009[] = { 0x88, 0x02, 0x03, 0xf1 };
	struct rec *r = rec_new(10);
	feed(r, hdr, sizeof hdr);
	assert_int_equal(r->texts, 0);
	expect_output(r, close_1009, sizeof close_1009);
	assert_int_equal(wsproto_close_code_sent(r->ws), 1009);
	assert_true(wsproto_finished(r->ws));
	rec_free(r);
}

static void test_oversize_limit_is_inclusive(void **state)
{
	(void)state;
	/* Exactly max_message bytes is accepted. */
	struct rec *r = rec_new(5);
	feed(r, masked_hello, sizeof masked_hello);
	assert_int_equal(r->texts, 1);
	expect_no_output(r);
	rec_free(r);
}

static void test_oversize_fragmented(void **state)
{
	(void)state;
	/* "Hel" + "lo" with limit 4: the total counts, not each fragment. */
	static const uint8_t close_1009[] = { 0x88, 0x02, 0x03, 0xf1 };
	struct rec *r = rec_new(4);
	feed(r, frag1, sizeof frag1);
	expect_no_output(r);
	feed(r, frag2, sizeof frag2);
	assert_int_equal(r->texts, 0);
	expect_output(r, close_1009, sizeof close_1009);
	assert_true(wsproto_finished(r->ws));
	rec_free(r);
}

static void test_default_limit_64k(void **state)
{
	(void)state;
	/* Start of a 65537-byte masked text frame: 0x81, 0xff, 64-bit length,
	 * mask, one payload byte. */
	static const uint8_t big[] = { 0x81, 0xff, 0, 0, 0, 0, 0, 0x01, 0x00, 0x01,
				       0x37, 0xfa, 0x21, 0x3d, 0x00 };
	static const uint8_t close_1009[] = { 0x88, 0x02, 0x03, 0xf1 };
	struct rec *r = rec_new(0);
	feed(r, big, sizeof big);
	expect_output(r, close_1009, sizeof close_1009);
	rec_free(r);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* Text frame with the single byte 0xff (masked: 0xff ^ 0x37 = 0xc8). */
	static const uint8_t bad[] = { 0x81, 0x81, 0x37, 0xfa, 0x21, 0x3d, 0xc8 };
	static const uint8_t close_1007[] = { 0x88, 0x02, 0x03, 0xef };
	struct rec *r = rec_new(0);
	feed(r, bad, sizeof bad);
	assert_int_equal(r->texts, 0);
	expect_output(r, close_1007, sizeof close_1007);
	rec_free(r);
}

static void test_continuation_without_start(void **state)
{
	(void)state;
	static const uint8_t close_1002[] = { 0x88, 0x02, 0x03, 0xea };
	struct rec *r = rec_new(0);
	feed(r, frag2, sizeof frag2);
	assert_int_equal(r->texts, 0);
	expect_output(r, close_1002, sizeof close_1002);
	rec_free(r);
}

static void test_reserved_bit(void **state)
{
	(void)state;
	/* masked_hello with RSV1 set (0xc1): no extension was negotiated. */
	uint8_t rsv[sizeof masked_hello];
	memcpy(rsv, masked_hello, sizeof rsv);
	rsv[0] = 0xc1;
	static const uint8_t close_1002[] = { 0x88, 0x02, 0x03, 0xea };
	struct rec *r = rec_new(0);
	feed(r, rsv, sizeof rsv);
	assert_int_equal(r->texts, 0);
	expect_output(r, close_1002, sizeof close_1002);
	rec_free(r);
}

static void test_fragmented_control_frame(void **state)
{
	(void)state;
	/* A ping without FIN is malformed: the session must close and finish
	 * (wslay's frame layer rejects it before the event layer sees it). */
	static const uint8_t bad[] = { 0x09, 0x80, 0x37, 0xfa, 0x21, 0x3d };
	struct rec *r = rec_new(0);
	feed(r, bad, sizeof bad);
	size_t len;
	const uint8_t *out = wsproto_output(r->ws, &len);
	assert_non_null(out);
	assert_true(len >= 2);
	assert_int_equal(out[0], 0x88);
	assert_true(wsproto_close_sent(r->ws));
	assert_true(wsproto_finished(r->ws));
	rec_free(r);
}

static void test_binary_ignored(void **state)
{
	(void)state;
	/* Binary "Hello": no callback, no reply, session stays open. */
	uint8_t bin[sizeof masked_hello];
	memcpy(bin, masked_hello, sizeof bin);
	bin[0] = 0x82;
	struct rec *r = rec_new(0);
	feed(r, bin, sizeof bin);
	assert_int_equal(r->texts, 0);
	expect_no_output(r);
	assert_false(wsproto_finished(r->ws));
	rec_free(r);
}

/* ---- control frames ---- */

static void test_ping_gets_pong(void **state)
{
	(void)state;
	/* Masked ping "Hello" -> unmasked pong "Hello" (RFC 6455 5.7). */
	static const uint8_t ping[] = { 0x89, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	static const uint8_t pong[] = { 0x8a, 0x05, 'H', 'e', 'l', 'l', 'o' };
	struct rec *r = rec_new(0);
	feed(r, ping, sizeof ping);
	expect_output(r, pong, sizeof pong);
	assert_int_equal(r->texts, 0);
	assert_false(wsproto_finished(r->ws));
	rec_free(r);
}

static void test_pong_callback(void **state)
{
	(void)state;
	static const uint8_t pong[] = { 0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					0x7f, 0x9f, 0x4d, 0x51, 0x58 };
	struct rec *r = rec_new(0);
	feed(r, pong, sizeof pong);
	assert_int_equal(r->pongs, 1);
	assert_int_equal(r->pong.len, 5);
	assert_memory_equal(r->pong.data, "Hello", 5);
	expect_no_output(r);
	rec_free(r);
}

static void test_server_ping_bytes(void **state)
{
	(void)state;
	static const uint8_t want[] = { 0x89, 0x02, 'h', 'i' };
	static const uint8_t want_empty[] = { 0x89, 0x00 };
	struct rec *r = rec_new(0);
	assert_int_equal(wsproto_send_ping(r->ws, "hi", 2), 0);
	expect_output(r, want, sizeof want);
	assert_int_equal(wsproto_send_ping(r->ws, NULL, 0), 0);
	expect_output(r, want_empty, sizeof want_empty);
	uint8_t big[126] = { 0 };
	assert_int_equal(wsproto_send_ping(r->ws, big, sizeof big), -1);
	expect_no_output(r);
	rec_free(r);
}

/* ---- sending ---- */

static void test_server_text_bytes(void **state)
{
	(void)state;
	static const uint8_t want[] = { 0x81, 0x05, 'H', 'e', 'l', 'l', 'o' };
	struct rec *r = rec_new(0);
	assert_int_equal(wsproto_send_text(r->ws, "Hello", 5), 0);
	assert_int_equal(wsproto_pending(r->ws), sizeof want);
	expect_output(r, want, sizeof want);
	assert_int_equal(wsproto_pending(r->ws), 0);
	rec_free(r);
}

static void test_server_text_125_126(void **state)
{
	(void)state;
	struct rec *r = rec_new(0);
	char msg[126];
	memset(msg, 'a', sizeof msg);
	/* 125 still fits the 7-bit length. */
	assert_int_equal(wsproto_send_text(r->ws, msg, 125), 0);
	size_t len;
	const uint8_t *out = wsproto_output(r->ws, &len);
	assert_int_equal(len, 2 + 125);
	assert_int_equal(out[0], 0x81);
	assert_int_equal(out[1], 125);
	wsproto_output_consume(r->ws, len);
	/* 126 takes the 16-bit form. */
	assert_int_equal(wsproto_send_text(r->ws, msg, 126), 0);
	out = wsproto_output(r->ws, &len);
	assert_int_equal(len, 4 + 126);
	assert_int_equal(out[1], 126);
	assert_int_equal(out[2], 0x00);
	assert_int_equal(out[3], 0x7e);
	rec_free(r);
}

static void test_server_text_200(void **state)
{
	(void)state;
	char msg[200];
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (char)('a' + i % 26);
	uint8_t want[4 + 200] = { 0x81, 0x7e, 0x00, 0xc8 };
	memcpy(want + 4, msg, sizeof msg);
	struct rec *r = rec_new(0);
	assert_int_equal(wsproto_send_text(r->ws, msg, sizeof msg), 0);
	expect_output(r, want, sizeof want);
	rec_free(r);
}

static void test_server_text_64bit_length(void **state)
{
	(void)state;
	size_t n = 65536;
	char *msg = malloc(n);
	assert_non_null(msg);
	memset(msg, 'z', n);
	static const uint8_t hdr[] = { 0x81, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00 };
	struct rec *r = rec_new(0);
	assert_int_equal(wsproto_send_text(r->ws, msg, n), 0);
	size_t len;
	const uint8_t *out = wsproto_output(r->ws, &len);
	assert_int_equal(len, sizeof hdr + n);
	assert_memory_equal(out, hdr, sizeof hdr);
	assert_memory_equal(out + sizeof hdr, msg, n);
	/* Partial consumption keeps the rest, in order (here past the point
	 * where the buffer compacts itself). */
	assert_int_equal(wsproto_send_text(r->ws, "!", 1), 0);
	wsproto_output_consume(r->ws, 65540);
	static const uint8_t rest[] = { 'z', 'z', 'z', 'z', 'z', 'z', 0x81, 0x01, '!' };
	expect_output(r, rest, sizeof rest);
	free(msg);
	rec_free(r);
}

static void test_output_consume_partial(void **state)
{
	(void)state;
	static const uint8_t want[] = { 0x81, 0x02, 'a', 'b', 0x81, 0x01, 'c' };
	struct rec *r = rec_new(0);
	assert_int_equal(wsproto_send_text(r->ws, "ab", 2), 0);
	size_t len;
	wsproto_output(r->ws, &len);
	wsproto_output_consume(r->ws, 3);          /* 81 02 'a' written */
	assert_int_equal(wsproto_send_text(r->ws, "c", 1), 0);
	assert_int_equal(wsproto_pending(r->ws), sizeof want - 3);
	expect_output(r, want + 3, sizeof want - 3);
	rec_free(r);
}

static void test_reply_from_callback(void **state)
{
	(void)state;
	/* A message queued inside on_text comes out after the feed. */
	static const uint8_t ack[] = { 0x81, 0x03, 'a', 'c', 'k' };
	struct rec *r = rec_new(0);
	r->reply_in_callback = 1;
	feed(r, masked_hello, sizeof masked_hello);
	assert_int_equal(r->texts, 1);
	expect_output(r, ack, sizeof ack);
	rec_free(r);
}

/* ---- close handshake ---- */

static void test_client_initiated_close(void **state)
{
	(void)state;
	/* Masked close 1000 + "bye": payload 03 e8 62 79 65 ^ 37 fa 21 3d 37. */
	static const uint8_t close_in[] = { 0x88, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					    0x34, 0x12, 0x43, 0x44, 0x52 };
	static const uint8_t close_out[] = { 0x88, 0x05, 0x03, 0xe8, 'b', 'y', 'e' };
	struct rec *r = rec_new(0);
	assert_false(wsproto_close_received(r->ws));
	assert_int_equal(wsproto_close_code_received(r->ws), WSPROTO_CLOSE_ABNORMAL);
	feed(r, close_in, sizeof close_in);
	assert_int_equal(r->closes, 1);
	assert_int_equal(r->close_code, 1000);
	assert_int_equal(r->close_reason.len, 3);
	assert_memory_equal(r->close_reason.data, "bye", 3);
	expect_output(r, close_out, sizeof close_out);
	assert_true(wsproto_close_received(r->ws));
	assert_true(wsproto_close_sent(r->ws));
	assert_int_equal(wsproto_close_code_received(r->ws), 1000);
	assert_true(wsproto_finished(r->ws));
	/* Closed: nothing more goes out, nothing more comes in. */
	assert_int_equal(wsproto_send_text(r->ws, "x", 1), -1);
	assert_int_equal(wsproto_send_ping(r->ws, NULL, 0), -1);
	assert_int_equal(wsproto_close(r->ws, 1000, NULL), -1);
	feed(r, masked_hello, sizeof masked_hello);
	assert_int_equal(r->texts, 0);
	expect_no_output(r);
	rec_free(r);
}

static void test_client_close_without_code(void **state)
{
	(void)state;
	static const uint8_t close_in[] = { 0x88, 0x80, 0x37, 0xfa, 0x21, 0x3d };
	static const uint8_t close_out[] = { 0x88, 0x00 };
	struct rec *r = rec_new(0);
	feed(r, close_in, sizeof close_in);
	assert_int_equal(r->closes, 1);
	assert_int_equal(r->close_code, WSPROTO_CLOSE_NO_STATUS);
	assert_int_equal(r->close_reason.len, 0);
	expect_output(r, close_out, sizeof close_out);
	assert_int_equal(wsproto_close_code_received(r->ws), WSPROTO_CLOSE_NO_STATUS);
	assert_true(wsproto_finished(r->ws));
	rec_free(r);
}

static void test_client_close_bad_code(void **state)
{
	(void)state;
	/* Close carrying 1005 (reserved, must not be sent): 03 ed ^ 37 fa. */
	static const uint8_t close_in[] = { 0x88, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x34, 0x17 };
	static const uint8_t close_1002[] = { 0x88, 0x02, 0x03, 0xea };
	struct rec *r = rec_new(0);
	feed(r, close_in, sizeof close_in);
	expect_output(r, close_1002, sizeof close_1002);
	assert_true(wsproto_finished(r->ws));
	rec_free(r);
}

static void test_server_initiated_close(void **state)
{
	(void)state;
	static const uint8_t close_out[] = { 0x88, 0x05, 0x03, 0xe9, 'b', 'y', 'e' };
	/* Client's answer: masked close 1001 (03 e9 ^ 37 fa = 34 13). */
	static const uint8_t close_in[] = { 0x88, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x34, 0x13 };
	struct rec *r = rec_new(0);
	assert_int_equal(wsproto_close(r->ws, WSPROTO_CLOSE_GOING_AWAY, "bye"), 0);
	expect_output(r, close_out, sizeof close_out);
	assert_true(wsproto_close_sent(r->ws));
	assert_int_equal(wsproto_close_code_sent(r->ws), 1001);
	assert_false(wsproto_finished(r->ws));   /* waiting for the peer's close */
	assert_int_equal(wsproto_send_text(r->ws, "x", 1), -1);
	/* Data the client sent before it saw our close is still delivered. */
	feed(r, masked_hello, sizeof masked_hello);
	assert_int_equal(r->texts, 1);
	feed(r, close_in, sizeof close_in);
	assert_int_equal(r->closes, 1);
	assert_int_equal(r->close_code, 1001);
	expect_no_output(r);                     /* no second close frame */
	assert_true(wsproto_finished(r->ws));
	rec_free(r);
}

static void test_close_arguments(void **state)
{
	(void)state;
	struct rec *r = rec_new(0);
	char reason[125];
	memset(reason, 'r', sizeof reason - 1);
	reason[124] = '\0';                      /* 124 > 123 */
	assert_int_equal(wsproto_close(r->ws, 1000, reason), -1);
	assert_int_equal(wsproto_close(r->ws, 1005, NULL), -1);
	assert_int_equal(wsproto_close(r->ws, 1006, NULL), -1);
	assert_int_equal(wsproto_close(r->ws, 999, NULL), -1);
	assert_int_equal(wsproto_close(r->ws, 5000, NULL), -1);
	expect_no_output(r);
	reason[123] = '\0';
	assert_int_equal(wsproto_close(r->ws, 4000, reason), 0);
	size_t len;
	const uint8_t *out = wsproto_output(r->ws, &len);
	assert_int_equal(len, 2 + 2 + 123);
	assert_int_equal(out[0], 0x88);
	assert_int_equal(out[1], 125);
	assert_int_equal(out[2], 0x0f);          /* 4000 = 0x0fa0 */
	assert_int_equal(out[3], 0xa0);
	rec_free(r);
}

static void test_close_flushes_queued_text_first(void **state)
{
	(void)state;
	static const uint8_t want[] = { 0x81, 0x01, 'a', 0x88, 0x02, 0x03, 0xe8 };
	struct rec *r = rec_new(0);
	assert_int_equal(wsproto_send_text(r->ws, "a", 1), 0);
	assert_int_equal(wsproto_close(r->ws, 1000, NULL), 0);
	expect_output(r, want, sizeof want);
	rec_free(r);
}

/* ---- hub ---- */

static void test_hub_initial_snapshot(void **state)
{
	(void)state;
	struct hub *h = hub_new();
	assert_non_null(h);
	size_t len;
	assert_string_equal(hub_snapshot(h, &len), "{\"type\":\"snapshot\",\"data\":null}");
	assert_int_equal(len, strlen("{\"type\":\"snapshot\",\"data\":null}"));
	assert_null(hub_update(h, &len));
	assert_int_equal(len, 0);
	assert_false(hub_has_data(h));
	hub_free(h);
}

static void test_hub_publish(void **state)
{
	(void)state;
	struct hub *h = hub_new();
	assert_non_null(h);
	const char *why = NULL;
	size_t len;
	assert_int_equal(hub_publish(h, " {\"as_of\":\"2026-09-30\",\"n\":[1,2]}\n", &why), 0);
	assert_true(hub_has_data(h));
	assert_string_equal(hub_snapshot(h, &len),
			    "{\"type\":\"snapshot\",\"data\":{\"as_of\":\"2026-09-30\",\"n\":[1,2]}}");
	assert_string_equal(hub_update(h, &len),
			    "{\"type\":\"update\",\"data\":{\"as_of\":\"2026-09-30\",\"n\":[1,2]}}");
	assert_int_equal(len, strlen("{\"type\":\"update\",\"data\":{\"as_of\":\"2026-09-30\",\"n\":[1,2]}}"));

	/* Rejected input keeps the previous state. */
	static const char *const bad[] = { "", "   ", "{", "{\"a\":1} {\"b\":2}", "{\"a\":1}x",
					   "[1,2", "nul", "'x'" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		assert_int_equal(hub_publish(h, bad[i], &why), -1);
		assert_string_equal(why, "not a single JSON value");
	}
	assert_string_equal(hub_update(h, &len),
			    "{\"type\":\"update\",\"data\":{\"as_of\":\"2026-09-30\",\"n\":[1,2]}}");

	/* NULL publishes null (e.g. the database went away). */
	assert_int_equal(hub_publish(h, NULL, &why), 0);
	assert_string_equal(hub_snapshot(h, &len), "{\"type\":\"snapshot\",\"data\":null}");
	assert_string_equal(hub_update(h, &len), "{\"type\":\"update\",\"data\":null}");
	assert_int_equal(hub_publish(h, "42", &why), 0);
	assert_string_equal(hub_update(h, &len), "{\"type\":\"update\",\"data\":42}");
	hub_free(h);
}

static void test_hub_heartbeat(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(buf_puts(&b, "old contents"), 0);
	/* 1795430412 = 2026-11-23T10:40:12Z (date -u -d @1795430412). */
	assert_int_equal(hub_heartbeat(&b, (time_t)1795430412), 0);
	assert_string_equal(b.data, "{\"type\":\"heartbeat\",\"ts\":\"2026-11-23T10:40:12Z\"}");
	assert_int_equal(hub_heartbeat(&b, (time_t)0), 0);
	assert_string_equal(b.data, "{\"type\":\"heartbeat\",\"ts\":\"1970-01-01T00:00:00Z\"}");
	buf_free(&b);
}

static void test_hub_client_message(void **state)
{
	(void)state;
	static const char ping[] = "{\"type\":\"ping\"}";
	assert_int_equal(hub_client_message(ping, strlen(ping)), HUB_MSG_PING);
	static const char ping2[] = " { \"id\": 3, \"type\" : \"ping\" } ";
	assert_int_equal(hub_client_message(ping2, strlen(ping2)), HUB_MSG_PING);
	static const char *const other[] = {
		"", "ping", "{\"type\":\"PING\"}", "{\"type\":\"pong\"}", "{\"type\":1}",
		"[\"ping\"]", "\"ping\"", "{\"Type\":\"ping\"}", "{\"type\":\"ping\"",
	};
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		assert_int_equal(hub_client_message(other[i], strlen(other[i])), HUB_MSG_IGNORE);
	/* Only `len` bytes count: the ping is cut short here. */
	assert_int_equal(hub_client_message(ping, strlen(ping) - 1), HUB_MSG_IGNORE);
}

static void test_hub_should_drop(void **state)
{
	(void)state;
	/* Nothing pending: always send, even a message over the limit. */
	assert_false(hub_should_drop(0, 10, 100));
	assert_false(hub_should_drop(0, 1000, 100));
	/* Up to the limit inclusive. */
	assert_false(hub_should_drop(50, 50, 100));
	assert_true(hub_should_drop(50, 51, 100));
	assert_true(hub_should_drop(1, 100, 100));
	assert_false(hub_should_drop(1, 99, 100));
	/* Already over (after an oversized message): drop on the next one. */
	assert_true(hub_should_drop(1000, 1, 100));
	assert_true(hub_should_drop(1000, 0, 100));
	/* No overflow on huge sizes. */
	assert_true(hub_should_drop(10, (size_t)-1, 100));
	assert_true(hub_should_drop((size_t)-1, (size_t)-1, (size_t)-1));
	assert_false(hub_should_drop(1, (size_t)-2, (size_t)-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_key_rfc_example),
		cmocka_unit_test(test_accept_key_other),
		cmocka_unit_test(test_accept_key_invalid),
		cmocka_unit_test(test_masked_hello),
		cmocka_unit_test(test_fragmented),
		cmocka_unit_test(test_fragmented_with_ping_between),
		cmocka_unit_test(test_one_byte_at_a_time),
		cmocka_unit_test(test_two_messages_one_feed),
		cmocka_unit_test(test_unmasked_client_frame),
		cmocka_unit_test(test_oversize_single_frame),
		cmocka_unit_test(test_oversize_limit_is_inclusive),
		cmocka_unit_test(test_oversize_fragmented),
		cmocka_unit_test(test_default_limit_64k),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_continuation_without_start),
		cmocka_unit_test(test_reserved_bit),
		cmocka_unit_test(test_fragmented_control_frame),
		cmocka_unit_test(test_binary_ignored),
		cmocka_unit_test(test_ping_gets_pong),
		cmocka_unit_test(test_pong_callback),
		cmocka_unit_test(test_server_ping_bytes),
		cmocka_unit_test(test_server_text_bytes),
		cmocka_unit_test(test_server_text_125_126),
		cmocka_unit_test(test_server_text_200),
		cmocka_unit_test(test_server_text_64bit_length),
		cmocka_unit_test(test_output_consume_partial),
		cmocka_unit_test(test_reply_from_callback),
		cmocka_unit_test(test_client_initiated_close),
		cmocka_unit_test(test_client_close_without_code),
		cmocka_unit_test(test_client_close_bad_code),
		cmocka_unit_test(test_server_initiated_close),
		cmocka_unit_test(test_close_arguments),
		cmocka_unit_test(test_close_flushes_queued_text_first),
		cmocka_unit_test(test_hub_initial_snapshot),
		cmocka_unit_test(test_hub_publish),
		cmocka_unit_test(test_hub_heartbeat),
		cmocka_unit_test(test_hub_client_message),
		cmocka_unit_test(test_hub_should_drop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
