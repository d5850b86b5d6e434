/*
 * text.c -- owns character encodings of uploaded files: detects UTF-8 (with
 * or without BOM), UTF-16LE/BE with BOM (Excel "Unicode text") and
 * Windows-1252 (UK Excel "CSV"), and converts the bytes to UTF-8 without a
 * BOM.  Pure: no I/O, no logging, no iconv.
 */
#ifndef STEADY_TEXT_H
#define STEADY_TEXT_H

#include <stddef.h>

enum text_encoding {
	TEXT_ENC_UTF8 = 0,      /* UTF-8 without BOM (includes plain ASCII) */
	TEXT_ENC_UTF8_BOM,      /* UTF-8 with a byte-order mark (Excel "CSV UTF-8") */
	TEXT_ENC_UTF16LE,       /* UTF-16 little-endian with BOM FF FE */
	TEXT_ENC_UTF16BE,       /* UTF-16 big-endian with BOM FE FF */
	TEXT_ENC_CP1252         /* Windows-1252: bytes that are not valid UTF-8 */
};

/* "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "Windows-1252". */
const char *text_encoding_name(enum text_encoding e);

struct text_utf8 {
	enum text_encoding encoding;  /* what was detected (set even on error when known) */
	const char *data;   /* the text as UTF-8, BOM removed; NOT NUL-terminated when
			     * it points into the input (UTF-8 input is not copied) */
	size_t len;
	char *owned;        /* memory behind `data` when converted; freed by text_utf8_free */
	long error_line;    /* on error: line (1-based) of the problem, 0 = whole file */
	char error[200];    /* on error: a sentence saying what is wrong and what to do */
};

/*
 * Detect the encoding of `in` and make a UTF-8 view of it.
 * Returns 0 (out->data/len hold UTF-8 text; it may point into `in`, so keep
 * `in` alive), 1 when the bytes cannot be decoded (out->error says why:
 * NUL bytes, a lone UTF-16 surrogate, an odd-length UTF-16 file, a byte
 * undefined in Windows-1252, a file mixing UTF-8 with another encoding,
 * UTF-32), or -1 when memory ran out.  Always call text_utf8_free afterwards.
 */
int text_decode(const char *in, size_t len, struct text_utf8 *out);
void text_utf8_free(struct text_utf8 *t);

/*
 * Strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF).
 * Returns `len` when all of s[0..len) is valid, else the offset of the first
 * byte of the first invalid sequence.
 */
size_t text_utf8_check(const char *s, size_t len);

/* Encode one code point (<= U+10FFFF, not a surrogate) as UTF-8 into out[0..3].
 * Returns the number of bytes written (1-4), or 0 if cp is not encodable. */
size_t text_utf8_encode(unsigned long cp, char out[4]);

#endif
