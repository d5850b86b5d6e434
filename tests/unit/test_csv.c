/*
 * test_csv.c -- unit tests for the byte-level input modules: text.c
 * (encodings), csv.c (tokenizer, sniffing, streaming) and dates.c.
 * Every expected value is worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "dates.h"
#include "text.h"

/* ------------------------------------------------------------------ */
/* text.c                                                              */
/* ------------------------------------------------------------------ */

static void test_text_plain_utf8_not_copied(void **state)
{
	(void)state;
	static const char in[] = "a,b\n\xC2\xA3,\xE2\x82\xAC\n";   /* £ and € in UTF-8 */
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 0);
	assert_int_equal(t.encoding, TEXT_ENC_UTF8);
	assert_string_equal(text_encoding_name(t.encoding), "UTF-8");
	assert_ptr_equal(t.data, in);          /* valid UTF-8 is used in place */
	assert_int_equal(t.len, sizeof in - 1);
	assert_null(t.owned);
	text_utf8_free(&t);
}

static void test_text_utf8_bom_stripped(void **state)
{
	(void)state;
	static const char in[] = "\xEF\xBB\xBFstaff_id\r\n";
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 0);
	assert_int_equal(t.encoding, TEXT_ENC_UTF8_BOM);
	assert_string_equal(text_encoding_name(t.encoding), "UTF-8 with BOM");
	assert_ptr_equal(t.data, in + 3);
	assert_int_equal(t.len, 10);           /* "staff_id\r\n" */
	assert_memory_equal(t.data, "staff_id\r\n", 10);
	text_utf8_free(&t);
}

static void test_text_utf16le_pound(void **state)
{
	(void)state;
	/* BOM, "a" TAB "£" CR LF: £ = U+00A3 -> UTF-8 C2 A3 */
	static const char in[] = "\xFF\xFE" "a\0" "\t\0" "\xA3\0" "\r\0" "\n\0";
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 0);
	assert_int_equal(t.encoding, TEXT_ENC_UTF16LE);
	assert_string_equal(text_encoding_name(t.encoding), "UTF-16LE");
	assert_int_equal(t.len, 6);
	assert_memory_equal(t.data, "a\t\xC2\xA3\r\n", 6);
	assert_int_equal(t.data[6], '\0');     /* converted text is NUL-terminated */
	text_utf8_free(&t);
}

static void test_text_utf16be_and_surrogate_pair(void **state)
{
	(void)state;
	/* BE BOM, "x", U+1F600 as D83D DE00 -> F0 9F 98 80, U+20AC (€) -> E2 82 AC */
	static const char in[] = "\xFE\xFF" "\0x" "\xD8\x3D\xDE\x00" "\x20\xAC";
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 0);
	assert_int_equal(t.encoding, TEXT_ENC_UTF16BE);
	assert_int_equal(t.len, 1 + 4 + 3);
	assert_memory_equal(t.data, "x\xF0\x9F\x98\x80\xE2\x82\xAC", 8);
	text_utf8_free(&t);
}

static void test_text_utf16_lone_surrogate(void **state)
{
	(void)state;
	/* "a" LF then a high surrogate D800 followed by "b": lone, on line 2 */
	static const char in[] = "\xFF\xFE" "a\0" "\n\0" "\x00\xD8" "b\0";
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 1);
	assert_int_equal(t.encoding, TEXT_ENC_UTF16LE);
	assert_int_equal(t.error_line, 2);
	assert_non_null(strstr(t.error, "lone surrogate"));
	assert_non_null(strstr(t.error, "line 2"));
	assert_non_null(strstr(t.error, "0xD800"));
	text_utf8_free(&t);

	/* a low surrogate first is just as invalid: line 1 */
	static const char in2[] = "\xFF\xFE" "\x00\xDC";
	assert_int_equal(text_decode(in2, sizeof in2 - 1, &t), 1);
	assert_int_equal(t.error_line, 1);
	text_utf8_free(&t);

	/* high surrogate at the very end */
	static const char in3[] = "\xFF\xFE" "a\0" "\x3D\xD8";
	assert_int_equal(text_decode(in3, sizeof in3 - 1, &t), 1);
	assert_non_null(strstr(t.error, "lone surrogate"));
	text_utf8_free(&t);
}

static void test_text_utf16_odd_and_nul(void **state)
{
	(void)state;
	struct text_utf8 t;
	static const char odd[] = "\xFF\xFE" "a\0" "b";
	assert_int_equal(text_decode(odd, sizeof odd - 1, &t), 1);
	assert_non_null(strstr(t.error, "odd number of bytes"));
	text_utf8_free(&t);

	static const char nul[] = "\xFF\xFE" "a\0" "\n\0" "\0\0";
	assert_int_equal(text_decode(nul, sizeof nul - 1, &t), 1);
	assert_int_equal(t.error_line, 2);
	assert_non_null(strstr(t.error, "NUL"));
	text_utf8_free(&t);
}

static void test_text_cp1252_to_utf8(void **state)
{
	(void)state;
	/* £ 0xA3 -> C2 A3; curly quotes 0x93/0x94 -> E2 80 9C / E2 80 9D;
	 * € 0x80 -> E2 82 AC; é 0xE9 -> C3 A9; ’ 0x92 -> E2 80 99 */
	static const char in[] = "\xA3" "5;\x93hi\x94;\x80;caf\xE9;O\x92Neil";
	static const char want[] = "\xC2\xA3" "5;\xE2\x80\x9Chi\xE2\x80\x9D;\xE2\x82\xAC;caf\xC3\xA9;"
				   "O\xE2\x80\x99Neil";
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 0);
	assert_int_equal(t.encoding, TEXT_ENC_CP1252);
	assert_string_equal(text_encoding_name(t.encoding), "Windows-1252");
	assert_int_equal(t.len, sizeof want - 1);
	assert_memory_equal(t.data, want, sizeof want - 1);
	assert_int_equal(text_utf8_check(t.data, t.len), t.len);
	text_utf8_free(&t);
}

static void test_text_cp1252_undefined_byte(void **state)
{
	(void)state;
	/* 0x81 is undefined in Windows-1252 and not UTF-8 either: line 3 */
	static const char in[] = "a\r\nb\r\nc\x81\r\n";
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 1);
	assert_int_equal(t.error_line, 3);
	assert_non_null(strstr(t.error, "0x81"));
	text_utf8_free(&t);
}

static void test_text_nul_in_8bit(void **state)
{
	(void)state;
	/* UTF-16LE without a BOM looks like 8-bit text with NULs */
	static const char in[] = "s\0,\0t\0";
	struct text_utf8 t;
	assert_int_equal(text_decode(in, sizeof in - 1, &t), 1);
	assert_int_equal(t.error_line, 1);
	assert_non_null(strstr(t.error, "NUL byte"));
	assert_non_null(strstr(t.error, "UTF-16"));
	text_utf8_free(&t);
}

static void test_text_mixed_and_bad_bom(void **state)
{
	(void)state;
	struct text_utf8 t;
	/* UTF-8 £ on line 1, Windows-1252 £ on line 2 */
	static const char mixed[] = "\xC2\xA3\n\xA3\n";
	assert_int_equal(text_decode(mixed, sizeof mixed - 1, &t), 1);
	assert_int_equal(t.error_line, 2);
	assert_non_null(strstr(t.error, "mixes encodings (line 1 is UTF-8 but line 2 is not)"));
	text_utf8_free(&t);

	/* a UTF-8 BOM promises UTF-8: a Windows-1252 byte after it is an error */
	static const char bom[] = "\xEF\xBB\xBF" "a\n\xA3\n";
	assert_int_equal(text_decode(bom, sizeof bom - 1, &t), 1);
	assert_int_equal(t.encoding, TEXT_ENC_UTF8_BOM);
	assert_int_equal(t.error_line, 2);
	text_utf8_free(&t);

	/* UTF-32LE BOM */
	static const char u32[] = "\xFF\xFE\0\0a\0\0\0";
	assert_int_equal(text_decode(u32, sizeof u32 - 1, &t), 1);
	assert_non_null(strstr(t.error, "UTF-32"));
	text_utf8_free(&t);
}

static void test_text_empty(void **state)
{
	(void)state;
	struct text_utf8 t;
	assert_int_equal(text_decode("", 0, &t), 0);
	assert_int_equal(t.len, 0);
	assert_int_equal(t.encoding, TEXT_ENC_UTF8);
	text_utf8_free(&t);
}

static void test_text_utf8_check(void **state)
{
	(void)state;
	assert_int_equal(text_utf8_check("abc", 3), 3);
	assert_int_equal(text_utf8_check("a\xC0\x80", 3), 1);          /* overlong NUL */
	assert_int_equal(text_utf8_check("ab\xE0\x80\x80", 5), 2);     /* overlong 3-byte */
	assert_int_equal(text_utf8_check("\xED\xA0\x80", 3), 0);       /* surrogate D800 */
	assert_int_equal(text_utf8_check("\xF4\x90\x80\x80", 4), 0);   /* > U+10FFFF */
	assert_int_equal(text_utf8_check("x\xE2\x82", 3), 1);          /* truncated € */
	assert_int_equal(text_utf8_check("\xF0\x9F\x98\x80", 4), 4);   /* U+1F600 */
	char o[4];
	assert_int_equal(text_utf8_encode(0xA3, o), 2);
	assert_memory_equal(o, "\xC2\xA3", 2);
	assert_int_equal(text_utf8_encode(0xD800, o), 0);
	assert_int_equal(text_utf8_encode(0x110000, o), 0);
}

/* ------------------------------------------------------------------ */
/* csv.c                                                               */
/* ------------------------------------------------------------------ */

/* Records serialised as: "<line>:" fields joined by '|' ("!error" for a
 * malformed record), one per '\n'.  Easy to compare exactly. */
struct collect {
	struct buf out;
	int abort_after;   /* > 0: return -1 on that record */
	int seen;
};

static int collect_cb(void *ud, const struct csv_record *rec)
{
	struct collect *c = ud;
	c->seen++;
	buf_printf(&c->out, "%ld:", rec->line);
	if (rec->error) {
		buf_puts(&c->out, "!error");
	} else {
		for (size_t i = 0; i < rec->nfields; i++) {
			assert_int_equal(strlen(rec->field[i]), rec->len[i]);
			if (i)
				buf_putc(&c->out, '|');
			buf_append(&c->out, rec->field[i], rec->len[i]);
		}
	}
	buf_putc(&c->out, '\n');
	if (c->abort_after && c->seen == c->abort_after)
		return -1;
	return 0;
}

/* Parse `in` whole with delimiter d and return the serialised records. */
static char *parse_all(const char *in, size_t len, char d, int *rc)
{
	struct collect c = { BUF_INIT, 0, 0 };
	struct csv_options o = { d, 0, 0, 0 };
	*rc = csv_parse_buffer(in, len, &o, collect_cb, &c);
	buf_putc(&c.out, '\0');   /* ensure non-NULL */
	return buf_steal(&c.out);
}

#define PARSE_EQ(in, d, want_rc, want)                                        \
	do {                                                                  \
		int rc_;                                                      \
		char *got_ = parse_all((in), sizeof(in) - 1, (d), &rc_);      \
		assert_string_equal(got_, (want));                            \
		assert_int_equal(rc_, (want_rc));                             \
		free(got_);                                                   \
	} while (0)

static void test_csv_simple(void **state)
{
	(void)state;
	PARSE_EQ("a,b,c\n1,2,3\n", ',', 0, "1:a|b|c\n2:1|2|3\n");
	/* no final line end */
	PARSE_EQ("a,b\n1,2", ',', 0, "1:a|b\n2:1|2\n");
	/* empty fields, and a trailing delimiter at EOF */
	PARSE_EQ(",,\na,b,", ',', 0, "1:||\n2:a|b|\n");
}

static void test_csv_quoted_newlines_line_numbers(void **state)
{
	(void)state;
	/* record 2 starts on line 2 and spans lines 2-4; record 3 starts on line 5 */
	PARSE_EQ("id,note\n1,\"one\ntwo\nthree\"\n2,x\n", ',', 0,
		 "1:id|note\n2:1|one\ntwo\nthree\n5:2|x\n");
	/* CRLF inside the quotes counts as one line break and is kept as is */
	PARSE_EQ("\"a\r\nb\",c\r\nd,e\r\n", ',', 0, "1:a\r\nb|c\n3:d|e\n");
	/* a quoted CR alone is a line break too */
	PARSE_EQ("\"a\rb\",c\nd\n", ',', 0, "1:a\rb|c\n3:d\n");
}

static void test_csv_doubled_quotes_and_delims(void **state)
{
	(void)state;
	PARSE_EQ("\"He said \"\"hi\"\"\",\"a,b\",\"\"\n", ',', 0, "1:He said \"hi\"|a,b|\n");
	PARSE_EQ("\"\"\"\"\n", ',', 0, "1:\"\n");   /* a field holding one quote */
	/* spaces around a quoted value are layout, not content */
	PARSE_EQ("a, \"b,c\" ,d\n", ',', 0, "1:a|b,c|d\n");
	/* spaces in unquoted values are content */
	PARSE_EQ(" a , b \n", ',', 0, "1: a | b \n");
}

static void test_csv_line_ends(void **state)
{
	(void)state;
	PARSE_EQ("a,b\r\nc,d\r\n", ',', 0, "1:a|b\n2:c|d\n");
	PARSE_EQ("a,b\rc,d\r", ',', 0, "1:a|b\n2:c|d\n");                 /* CR only */
	PARSE_EQ("a\r\nb\nc\rd", ',', 0, "1:a\n2:b\n3:c\n4:d\n");        /* mixed */
	/* empty lines are skipped but counted; trailing empty lines ignored */
	PARSE_EQ("a\n\nb\r\n\r\n\r\nc\n\n\n\n", ',', 0, "1:a\n3:b\n6:c\n");
	PARSE_EQ("\n\n", ',', 0, "");
	PARSE_EQ("", ',', 0, "");
}

static void test_csv_semicolon_and_tab(void **state)
{
	(void)state;
	PARSE_EQ("a;b,c;\"d;e\"\n", ';', 0, "1:a|b,c|d;e\n");
	PARSE_EQ("a\tb c\t\"d\te\"\n1\t2\t3", '\t', 0, "1:a|b c|d\te\n2:1|2|3\n");
}

static void test_csv_malformed_quotes(void **state)
{
	(void)state;
	/* quote inside an unquoted value: that record is an error, the next is read */
	PARSE_EQ("a,b\"c,d\ne,f\n", ',', 1, "1:!error\n2:e|f\n");
	/* text after a closing quote */
	PARSE_EQ("x\n\"a\"b,c\ny\n", ',', 1, "1:x\n2:!error\n3:y\n");
	/* unterminated quote at EOF: the record starting on line 2 */
	PARSE_EQ("a,b\n\"c,d\ne,f\n", ',', 1, "1:a|b\n2:!error\n");
}

static int capture_error_cb(void *ud, const struct csv_record *rec)
{
	struct buf *b = ud;
	if (rec->error)
		buf_printf(b, "%ld %s\n", rec->line, rec->error);
	return 0;
}

static void test_csv_error_messages(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	/* record starts on line 2; the bad quote is on line 3 */
	static const char in[] = "h\n\"multi\nline\" x,y\n";
	assert_int_equal(csv_parse_buffer(in, sizeof in - 1, NULL, capture_error_cb, &b), 1);
	assert_string_equal(b.data, "2 line 3 has text after the closing quote of a value; a quote "
			    "inside a quoted value must be doubled (\"\")\n");
	buf_reset(&b);

	static const char in2[] = "a\nb,\"c\nd\ne\n";
	assert_int_equal(csv_parse_buffer(in2, sizeof in2 - 1, NULL, capture_error_cb, &b), 1);
	assert_string_equal(b.data, "2 a quoted value that starts on line 2 is never closed: a "
			    "closing quote (\") is missing\n");
	buf_reset(&b);

	static const char in3[] = "a,O\"Brien\n";
	assert_int_equal(csv_parse_buffer(in3, sizeof in3 - 1, NULL, capture_error_cb, &b), 1);
	assert_non_null(strstr(b.data, "1 line 1 has a quote (\") inside a value"));
	buf_free(&b);
}

static void test_csv_limits(void **state)
{
	(void)state;
	struct collect c = { BUF_INIT, 0, 0 };
	struct csv_options o = { ',', 4, 3, 0 };
	/* "abcde" is 5 bytes > 4; "a,b,c,d" has 4 > 3 fields; the others are fine */
	static const char in[] = "abcd,x\nabcde,y\na,b,c,d\n\"wxyz\"\n";
	assert_int_equal(csv_parse_buffer(in, sizeof in - 1, &o, collect_cb, &c), 1);
	assert_string_equal(c.out.data, "1:abcd|x\n2:!error\n3:!error\n4:wxyz\n");
	buf_free(&c.out);
}

static void test_csv_first_line_option(void **state)
{
	(void)state;
	struct collect c = { BUF_INIT, 0, 0 };
	struct csv_options o = { ';', 0, 0, 2 };
	static const char in[] = "a;b\nc;d\n";
	assert_int_equal(csv_parse_buffer(in, sizeof in - 1, &o, collect_cb, &c), 0);
	assert_string_equal(c.out.data, "2:a|b\n3:c|d\n");
	buf_free(&c.out);
}

/* Feeding in pieces must give exactly what the whole buffer gives. */
static void test_csv_streaming_any_split(void **state)
{
	(void)state;
	static const char in[] =
		"id,\"no\"\"te\"\r\n1,\"a\r\nb\"\r\n\r\n2, \"x,y\" ,z\r3,\"q\"\"\"\n4,b\"ad\n5,e";
	const size_t len = sizeof in - 1;
	static const char want[] =
		"1:id|no\"te\n2:1|a\r\nb\n5:2|x,y|z\n6:3|q\"\n7:!error\n8:5|e\n";
	int rc;
	char *whole = parse_all(in, len, ',', &rc);
	assert_string_equal(whole, want);
	assert_int_equal(rc, 1);
	free(whole);

	/* every two-piece split, then one byte at a time */
	for (size_t cut = 0; cut <= len; cut++) {
		struct collect c = { BUF_INIT, 0, 0 };
		struct csv_parser *p = csv_parser_new(NULL, collect_cb, &c);
		assert_non_null(p);
		assert_int_equal(csv_feed(p, in, cut), 0);
		assert_int_equal(csv_feed(p, in + cut, len - cut), 0);
		assert_int_equal(csv_finish(p), 0);
		assert_int_equal(csv_error_count(p), 1);
		assert_string_equal(c.out.data, want);
		csv_parser_free(p);
		buf_free(&c.out);
	}
	struct collect c = { BUF_INIT, 0, 0 };
	struct csv_parser *p = csv_parser_new(NULL, collect_cb, &c);
	assert_non_null(p);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(csv_feed(p, in + i, 1), 0);
	assert_int_equal(csv_finish(p), 0);
	assert_string_equal(c.out.data, want);
	csv_parser_free(p);
	buf_free(&c.out);
}

static void test_csv_callback_abort(void **state)
{
	(void)state;
	struct collect c = { BUF_INIT, 2, 0 };
	struct csv_parser *p = csv_parser_new(NULL, collect_cb, &c);
	assert_non_null(p);
	assert_int_equal(csv_feed(p, "a\nb\nc\nd\n", 8), -1);
	assert_int_equal(c.seen, 2);
	assert_int_equal(csv_feed(p, "e\n", 2), -1);   /* stays dead */
	assert_int_equal(csv_finish(p), -1);
	assert_int_equal(c.seen, 2);
	csv_parser_free(p);
	buf_free(&c.out);

	struct collect c2 = { BUF_INIT, 1, 0 };
	assert_int_equal(csv_parse_buffer("a\nb\n", 4, NULL, collect_cb, &c2), -1);
	buf_free(&c2.out);
}

/* A long stream in small chunks keeps the parser's memory at one record. */
static int count_cb(void *ud, const struct csv_record *rec)
{
	long *n = ud;
	(*n)++;
	if (rec->nfields != 3 || rec->line != *n)
		return -1;
	return 0;
}

static void test_csv_long_stream(void **state)
{
	(void)state;
	long n = 0;
	struct csv_parser *p = csv_parser_new(NULL, count_cb, &n);
	assert_non_null(p);
	char chunk[64];
	for (int i = 0; i < 100000; i++) {
		int k = snprintf(chunk, sizeof chunk, "%05d,\"t,%d\",x\r\n", i, i % 7);
		assert_int_equal(csv_feed(p, chunk, (size_t)k), 0);
	}
	assert_int_equal(csv_finish(p), 0);
	assert_int_equal(n, 100000);
	csv_parser_free(p);
}

static void test_csv_sniff(void **state)
{
	(void)state;
	struct csv_dialect d;
	const char *why;
	static const char comma[] = "staff_id,team,contract\n1;2;3\n";
	assert_int_equal(csv_sniff(comma, sizeof comma - 1, &d, &why), 0);
	assert_int_equal(d.delim, ',');
	assert_int_equal(d.skip_bytes, 0);
	assert_int_equal(d.first_line, 1);

	static const char semi[] = "\"a,b\";team;contract\r\n";   /* comma inside quotes */
	assert_int_equal(csv_sniff(semi, sizeof semi - 1, &d, &why), 0);
	assert_int_equal(d.delim, ';');

	static const char tab[] = "\n\nStaff ID\tTeam\tContract\n";   /* leading blank lines */
	assert_int_equal(csv_sniff(tab, sizeof tab - 1, &d, &why), 0);
	assert_int_equal(d.delim, '\t');

	/* a quoted header spanning lines: the comma on line 2 is still the header's */
	static const char ml[] = "\"multi\nline\";b;c\nx,y\n";
	assert_int_equal(csv_sniff(ml, sizeof ml - 1, &d, &why), 0);
	assert_int_equal(d.delim, ';');

	static const char one[] = "staff_id\n1\n";
	assert_int_equal(csv_sniff(one, sizeof one - 1, &d, &why), 0);
	assert_int_equal(d.delim, ',');

	static const char amb[] = "staff_id,team;contract\n";
	assert_int_equal(csv_sniff(amb, sizeof amb - 1, &d, &why), 1);
	assert_non_null(why);
	assert_non_null(strstr(why, "ambiguous"));

	static const char amb2[] = "a\tb,c\n";
	assert_int_equal(csv_sniff(amb2, sizeof amb2 - 1, &d, &why), 1);

	static const char sep[] = "sep=;\r\na;b\r\n";
	assert_int_equal(csv_sniff(sep, sizeof sep - 1, &d, &why), 0);
	assert_int_equal(d.delim, ';');
	assert_int_equal(d.skip_bytes, 7);
	assert_int_equal(d.first_line, 2);
}

/* ------------------------------------------------------------------ */
/* dates.c                                                             */
/* ------------------------------------------------------------------ */

#define DATE_OK(in, want)                                                     \
	do {                                                                  \
		char out_[11];                                                \
		const char *why_ = NULL;                                      \
		assert_int_equal(date_parse((in), out_, &why_), 0);           \
		assert_string_equal(out_, (want));                            \
	} while (0)

#define DATE_BAD(in, want_why)                                                \
	do {                                                                  \
		char out_[11];                                                \
		const char *why_ = NULL;                                      \
		assert_int_equal(date_parse((in), out_, &why_), -1);          \
		assert_non_null(why_);                                        \
		assert_string_equal(why_, (want_why));                        \
		assert_string_equal(out_, "");                                \
	} while (0)

static const char TWO_DIGIT[] = "two-digit year is ambiguous: write 2026-09-30 or 30/09/2026";
static const char US[] = "looks like a US month/day date (the second number is over 12); dates "
			 "are read as day/month/year: write 30/09/2026 or 2026-09-30";
static const char LEAP[] = "not a real calendar date: 29 February only exists in leap years";
static const char DAY[] = "not a real calendar date: that month does not have that many days";
static const char FORMAT[] =
	"not a recognised date: write yyyy-mm-dd (2026-09-30) or dd/mm/yyyy (30/09/2026)";

static void test_dates_formats(void **state)
{
	(void)state;
	DATE_OK("2026-09-30", "2026-09-30");
	DATE_OK("2026-9-3", "2026-09-03");
	DATE_OK("2026/09/30", "2026-09-30");
	DATE_OK("30/09/2026", "2026-09-30");
	DATE_OK("3/9/2026", "2026-09-03");
	DATE_OK("30-09-2026", "2026-09-30");
	DATE_OK("30.09.2026", "2026-09-30");
	DATE_OK("3 Sep 2026", "2026-09-03");
	DATE_OK("03-Sep-2026", "2026-09-03");
	DATE_OK("3 September 2026", "2026-09-03");
	DATE_OK("3 sept 2026", "2026-09-03");
	DATE_OK("3 SEPT. 2026", "2026-09-03");
	DATE_OK("28-feb-2027", "2027-02-28");
	DATE_OK("  30/09/2026 ", "2026-09-30");
	DATE_OK("30/09/2026 00:00", "2026-09-30");       /* Excel often adds a time */
	DATE_OK("30/09/2026 17:45:09", "2026-09-30");
	DATE_OK("2026-09-30T10:15:00.123", "2026-09-30");
	/* both numbers <= 12: a UK product reads day/month */
	DATE_OK("05/06/2026", "2026-06-05");
	DATE_OK("12/01/2026", "2026-01-12");
	/* first > 12: only day/month makes sense */
	DATE_OK("13/12/2026", "2026-12-13");
}

static void test_dates_rejections(void **state)
{
	(void)state;
	DATE_BAD("30/09/26", TWO_DIGIT);
	DATE_BAD("3-Sep-26", TWO_DIGIT);
	DATE_BAD("1/13/26", TWO_DIGIT);
	DATE_BAD("09/30/2026", US);
	DATE_BAD("12/13/2026", US);
	DATE_BAD("1/31/2026", US);
	DATE_BAD("29/02/2023", LEAP);
	DATE_BAD("2023-02-29", LEAP);
	DATE_BAD("1900-02-29", LEAP);                     /* 1900 is not a leap year */
	DATE_BAD("31/04/2026", DAY);
	DATE_BAD("0/04/2026", DAY);
	DATE_BAD("2026-04-31", DAY);
	DATE_BAD("2026-13-01", "the month must be 1 to 12 (dates are read as yyyy-mm-dd or "
		  "dd/mm/yyyy)");
	DATE_BAD("13/13/2026", "the month must be 1 to 12 (dates are read as yyyy-mm-dd or "
		  "dd/mm/yyyy)");
	DATE_BAD("30/09/1899", "the year must be between 1900 and 2100");
	DATE_BAD("", "the date is empty");
	DATE_BAD("   ", "the date is empty");
	DATE_BAD("tomorrow", FORMAT);
	DATE_BAD("30/09-2026", FORMAT);
	DATE_BAD("30/09/02026", FORMAT);
	DATE_BAD("20260930", FORMAT);
	DATE_BAD("2026-09-30x", "the time after the date is not a valid hh:mm or hh:mm:ss");
	DATE_BAD("30/09/2026 25:00", "the time after the date is not a valid hh:mm or hh:mm:ss");
	DATE_BAD("3 Spt 2026", "not a recognised month name: use Jan, Feb, ... or January, "
		  "February, ...");
	DATE_BAD("Sep 3 2026", FORMAT);
	DATE_BAD("-46295", FORMAT);

	char out[11];
	assert_int_equal(date_parse(NULL, out, NULL), -1);   /* why may be NULL */
	assert_int_equal(date_parse_n("30/09/2026trailing", 10, out, NULL), 0);
	assert_string_equal(out, "2026-09-30");
}

static void test_dates_excel_serial(void **state)
{
	(void)state;
	int y, m, d;
	/* 1900 system: 1 = 1900-01-01, 59 = 1900-02-28, 60 = phantom 1900-02-29,
	 * 61 = 1900-03-01 */
	assert_int_equal(date_from_excel_serial(1, &y, &m, &d), 0);
	assert_true(y == 1900 && m == 1 && d == 1);
	assert_int_equal(date_from_excel_serial(59, &y, &m, &d), 0);
	assert_true(y == 1900 && m == 2 && d == 28);
	assert_int_equal(date_from_excel_serial(60, &y, &m, &d), -1);
	assert_int_equal(date_from_excel_serial(61, &y, &m, &d), 0);
	assert_true(y == 1900 && m == 3 && d == 1);
	assert_int_equal(date_from_excel_serial(0, &y, &m, &d), -1);

	/* By hand: 2000-01-01 is 36526 (documented Excel value).  2000..2025 holds
	 * 26 years of which 7 leap (2000,04,08,12,16,20,24): 26*365+7 = 9497, so
	 * 2026-01-01 = 46023.  Jan..Aug 2026 = 31+28+31+30+31+30+31+31 = 243 days,
	 * so 2026-09-01 = 46266 and 2026-09-30 = 46295. */
	DATE_OK("46295", "2026-09-30");
	DATE_OK("46023", "2026-01-01");
	DATE_OK("36526", "2000-01-01");
	DATE_OK("46295.75", "2026-09-30");   /* the fraction is the time of day */
	/* The accepted range.  1950-01-01 = 36526 - (50*365 + 12 leap days) = 18264;
	 * 1954-01-01 = 18264 + 4*365 + 1 = 19725; 20000 - 19725 = 275 days later =
	 * day 276 of 1954 = 3 October (273 days to the end of September).
	 * 2100-01-01 = 36526 + 100*365 + 25 = 73051, so 73000 is 51 days before:
	 * 2099-12-31 = 73050, 2099-11-30 = 73019, 2099-11-11 = 73000. */
	DATE_OK("20000", "1954-10-03");
	DATE_OK("73000", "2099-11-11");
	static const char SERIAL[] =
		"a plain number is read as an Excel date serial number, and this one is not "
		"between 20000 (1954) and 73000 (2099); format the column as a date or write "
		"yyyy-mm-dd";
	DATE_BAD("19999", SERIAL);
	DATE_BAD("73001", SERIAL);
	DATE_BAD("61", SERIAL);       /* real Excel date, but not a plausible one here */
	DATE_BAD("60", SERIAL);
	DATE_BAD("0", SERIAL);
	DATE_BAD("123456", SERIAL);
	DATE_BAD("46295.", FORMAT);
}

static void test_dates_param(void **state)
{
	(void)state;
	char out[11];
	const char *why = NULL;
	static const char PARAM[] = "write the date as yyyy-mm-dd (2026-09-30) or dd/mm/yyyy "
				    "(30/09/2026), without a time";
	assert_int_equal(date_parse_param("2026-09-30", out, &why), 0);
	assert_string_equal(out, "2026-09-30");
	assert_int_equal(date_parse_param("30/09/2026", out, &why), 0);
	assert_string_equal(out, "2026-09-30");
	assert_int_equal(date_parse_param("3 OCT 2026", out, &why), 0);
	assert_string_equal(out, "2026-10-03");
	assert_int_equal(date_parse_param("46295", out, &why), -1);   /* serials are for files */
	assert_string_equal(why, PARAM);
	assert_string_equal(out, "");
	assert_int_equal(date_parse_param("46295.5", out, &why), -1);
	assert_string_equal(why, PARAM);
	assert_int_equal(date_parse_param("2026-09-30T00:00", out, &why), -1);
	assert_string_equal(why, PARAM);
	assert_int_equal(date_parse_param("30/09/26", out, &why), -1);
	assert_string_equal(why, TWO_DIGIT);
	assert_int_equal(date_parse_param("09/30/2026", out, &why), -1);
	assert_string_equal(why, US);
	assert_int_equal(date_parse_param("", out, &why), -1);
	assert_string_equal(why, "the date is empty");
	assert_int_equal(date_parse_param(NULL, out, &why), -1);
}

static void test_dates_calendar(void **state)
{
	(void)state;
	int y, m, d;
	assert_int_equal(date_to_days(1970, 1, 1), 0);
	assert_int_equal(date_to_days(2000, 3, 1), 11017);   /* 30 years * 365 + 7 leap + 31 + 29 */
	assert_int_equal(date_to_days(1969, 12, 31), -1);
	assert_true(date_is_leap(2024) && date_is_leap(2000) && !date_is_leap(1900) &&
		    !date_is_leap(2023));
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(2023, 2), 28);
	assert_int_equal(date_days_in_month(2023, 13), 0);
	/* every day from 1900 to 2100 round-trips and is consecutive */
	long first = date_to_days(1900, 1, 1), last = date_to_days(2100, 12, 31);
	int py = 1899, pm = 12, pd = 31;
	for (long z = first; z <= last; z++) {
		date_from_days(z, &y, &m, &d);
		assert_true(date_valid(y, m, d));
		assert_int_equal(date_to_days(y, m, d), z);
		if (d == 1)
			assert_true((m == 1 && y == py + 1 && pm == 12) || (m == pm + 1 && y == py));
		else
			assert_true(d == pd + 1 && m == pm && y == py);
		py = y, pm = m, pd = d;
	}
	char out[11];
	date_format(2026, 9, 3, out);
	assert_string_equal(out, "2026-09-03");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_plain_utf8_not_copied),
		cmocka_unit_test(test_text_utf8_bom_stripped),
		cmocka_unit_test(test_text_utf16le_pound),
		cmocka_unit_test(test_text_utf16be_and_surrogate_pair),
		cmocka_unit_test(test_text_utf16_lone_surrogate),
		cmocka_unit_test(test_text_utf16_odd_and_nul),
		cmocka_unit_test(test_text_cp1252_to_utf8),
		cmocka_unit_test(test_text_cp1252_undefined_byte),
		cmocka_unit_test(test_text_nul_in_8bit),
		cmocka_unit_test(test_text_mixed_and_bad_bom),
		cmocka_unit_test(test_text_empty),
		cmocka_unit_test(test_text_utf8_check),
		cmocka_unit_test(test_csv_simple),
		cmocka_unit_test(test_csv_quoted_newlines_line_numbers),
		cmocka_unit_test(test_csv_doubled_quotes_and_delims),
		cmocka_unit_test(test_csv_line_ends),
		cmocka_unit_test(test_csv_semicolon_and_tab),
		cmocka_unit_test(test_csv_malformed_quotes),
		cmocka_unit_test(test_csv_error_messages),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_csv_first_line_option),
		cmocka_unit_test(test_csv_streaming_any_split),
		cmocka_unit_test(test_csv_callback_abort),
		cmocka_unit_test(test_csv_long_stream),
		cmocka_unit_test(test_csv_sniff),
		cmocka_unit_test(test_dates_formats),
		cmocka_unit_test(test_dates_rejections),
		cmocka_unit_test(test_dates_excel_serial),
		cmocka_unit_test(test_dates_param),
		cmocka_unit_test(test_dates_calendar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
