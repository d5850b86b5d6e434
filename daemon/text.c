/*
 * text.c -- encoding detection and conversion to UTF-8 (see text.h).
 *
 * Decision order: a UTF-32 BOM is refused; a UTF-16 BOM selects UTF-16;
 * otherwise the bytes (after an optional UTF-8 BOM) must be valid UTF-8, or,
 * failing that, are read as Windows-1252 -- unless they also contain valid
 * multi-byte UTF-8 sequences, in which case the file mixes encodings and is
 * refused rather than guessed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define RESAVE_HINT "save it again from Excel as \"CSV UTF-8 (Comma delimited)\""

/* Windows-1252 0x80..0x9F; 0 = undefined byte. */
static const unsigned short cp1252_c1[32] = {
	0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
	0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

const char *text_encoding_name(enum text_encoding e)
{
	switch (e) {
	case TEXT_ENC_UTF8: return "UTF-8";
	case TEXT_ENC_UTF8_BOM: return "UTF-8 with BOM";
	case TEXT_ENC_UTF16LE: return "UTF-16LE";
	case TEXT_ENC_UTF16BE: return "UTF-16BE";
	case TEXT_ENC_CP1252: return "Windows-1252";
	}
	return "unknown";
}

size_t text_utf8_encode(unsigned long cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence starting at p (1-4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned c = p[0];
	size_t n;
	unsigned long cp, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 1; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 2; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 3; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (avail <= n)
		return 0;
	for (size_t k = 1; k <= n; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n + 1;
}

size_t text_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_seq(p + i, len - i);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

/* Line (1-based) of byte offset `off` in 8-bit text: CRLF, LF and CR each end a line. */
static long line_at8(const unsigned char *p, size_t off)
{
	long line = 1;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n' || (p[i] == '\r' && (i + 1 >= off || p[i + 1] != '\n')))
			line++;
	}
	return line;
}

static unsigned u16_at(const unsigned char *p, size_t i, int be)
{
	return be ? (unsigned)(p[2 * i] << 8 | p[2 * i + 1])
		  : (unsigned)(p[2 * i + 1] << 8 | p[2 * i]);
}

/* Line (1-based) of UTF-16 code unit `unit`. */
static long line_at16(const unsigned char *p, size_t unit, int be)
{
	long line = 1;
	for (size_t i = 0; i < unit; i++) {
		unsigned u = u16_at(p, i, be);
		if (u == '\n' || (u == '\r' && (i + 1 >= unit || u16_at(p, i + 1, be) != '\n')))
			line++;
	}
	return line;
}

static int fail_at(struct text_utf8 *out, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record why the file cannot be decoded; returns 1 (the "undecodable" result). */
static int fail_at(struct text_utf8 *out, long line, const char *fmt, ...)
{
	va_list ap;
	out->error_line = line;
	va_start(ap, fmt);
	vsnprintf(out->error, sizeof out->error, fmt, ap);
	va_end(ap);
	return 1;
}

static int lone_surrogate(struct text_utf8 *out, const unsigned char *p, size_t i, int be,
			  unsigned long cu)
{
	long line = line_at16(p, i, be);
	return fail_at(out, line, "the file is not valid UTF-16: line %ld has a lone surrogate "
		       "(code unit 0x%04lX), so it is damaged; " RESAVE_HINT, line, cu);
}

static int decode_utf16(const unsigned char *p, size_t len, int be, struct text_utf8 *out)
{
	if (len % 2) {
		out->error_line = 0;
		snprintf(out->error, sizeof out->error,
			 "the file is UTF-16 but has an odd number of bytes, so it is cut short or "
			 "damaged; " RESAVE_HINT);
		return 1;
	}
	size_t units = len / 2;
	if (units > ((size_t)-1 - 1) / 3)
		return -1;
	char *o = malloc(units * 3 + 1);
	if (!o)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < units; i++) {
		unsigned long cp = u16_at(p, i, be);
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			unsigned lo = i + 1 < units ? u16_at(p, i + 1, be) : 0;
			if (lo < 0xDC00 || lo > 0xDFFF) {
				free(o);
				return lone_surrogate(out, p, i, be, cp);
			}
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			i++;
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			free(o);
			return lone_surrogate(out, p, i, be, cp);
		} else if (cp == 0) {
			long line = line_at16(p, i, be);
			free(o);
			return fail_at(out, line, "line %ld contains a NUL character, which cannot "
				       "appear in a text file; " RESAVE_HINT, line);
		}
		n += text_utf8_encode(cp, o + n);
	}
	o[n] = '\0';
	out->owned = o;
	out->data = o;
	out->len = n;
	return 0;
}

static int decode_cp1252(const unsigned char *p, size_t len, struct text_utf8 *out)
{
	size_t need = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned c = p[i];
		if (c < 0x80) {
			need += 1;
		} else if (c < 0xA0) {
			if (!cp1252_c1[c - 0x80]) {
				long line = line_at8(p, i);
				return fail_at(out, line, "the file is neither UTF-8 nor Windows-1252: "
					       "byte 0x%02X on line %ld is not a character in either; "
					       RESAVE_HINT, c, line);
			}
			need += 3;
		} else {
			need += 2;
		}
	}
	char *o = malloc(need + 1);
	if (!o)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned c = p[i];
		unsigned long cp = c < 0x80 || c >= 0xA0 ? c : cp1252_c1[c - 0x80];
		n += text_utf8_encode(cp, o + n);
	}
	o[n] = '\0';
	out->owned = o;
	out->data = o;
	out->len = n;
	return 0;
}

int text_decode(const char *in, size_t len, struct text_utf8 *out)
{
	const unsigned char *p = (const unsigned char *)in;
	memset(out, 0, sizeof *out);
	out->encoding = TEXT_ENC_UTF8;

	if (len >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) ||
			 (p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF))) {
		snprintf(out->error, sizeof out->error,
			 "the file is UTF-32, which is not supported; " RESAVE_HINT);
		return 1;
	}
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		out->encoding = TEXT_ENC_UTF16LE;
		return decode_utf16(p + 2, len - 2, 0, out);
	}
	if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		out->encoding = TEXT_ENC_UTF16BE;
		return decode_utf16(p + 2, len - 2, 1, out);
	}

	const unsigned char *body = p;
	size_t blen = len;
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		out->encoding = TEXT_ENC_UTF8_BOM;
		body += 3;
		blen -= 3;
	}
	const unsigned char *nul = memchr(body, 0, blen);
	if (nul) {
		long line = line_at8(body, (size_t)(nul - body));
		return fail_at(out, line, "line %ld contains a NUL byte, so this is not a plain "
			       "text file (it may be UTF-16 without a byte-order mark); "
			       RESAVE_HINT, line);
	}

	size_t bad = text_utf8_check((const char *)body, blen);
	if (bad == blen) {
		out->data = (const char *)body;
		out->len = blen;
		return 0;
	}
	if (out->encoding == TEXT_ENC_UTF8_BOM) {
		long line = line_at8(body, bad);
		return fail_at(out, line, "the file starts with a UTF-8 byte-order mark but line "
			       "%ld is not valid UTF-8, so it mixes encodings; " RESAVE_HINT, line);
	}

	/* Not UTF-8.  If it nevertheless holds real multi-byte UTF-8 sequences, the
	 * file mixes two encodings: refuse rather than produce mojibake. */
	for (size_t i = 0; i < blen;) {
		if (body[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_seq(body + i, blen - i);
		if (n >= 2) {
			long l1 = line_at8(body, i), l2 = line_at8(body, bad);
			return fail_at(out, l2, "the file mixes encodings (line %ld is UTF-8 but "
				       "line %ld is not); " RESAVE_HINT, l1, l2);
		}
		i++;
	}
	out->encoding = TEXT_ENC_CP1252;
	return decode_cp1252(body, blen, out);
}

void text_utf8_free(struct text_utf8 *t)
{
	free(t->owned);
	t->owned = NULL;
	t->data = NULL;
	t->len = 0;
}
