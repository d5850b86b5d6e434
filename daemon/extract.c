/*
 * extract.c -- the machinery shared by the tabular upload parsers (see
 * extract.h).
 *
 * Pipeline: text_decode (encoding -> UTF-8) -> csv_sniff (delimiter) -> csv
 * streaming parse, one callback per record -> header mapping (first
 * non-empty record) -> row limit, surplus values, trimmed copies -> the
 * parser's row callback.  Memory is one record (the CSV parser's buffer plus
 * a trimmed copy), never the parsed rows.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "dates.h"
#include "extract.h"
#include "text.h"

/* ---- small string helpers ---- */

void extract_trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	for (;;) {
		if (len >= 1 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
			p++, len--;
		} else if (len >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
			p += 2, len -= 2;
		} else {
			break;
		}
	}
	for (;;) {
		char c = len ? p[len - 1] : 0;
		if (len >= 1 && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
			len--;
		else if (len >= 2 && (unsigned char)p[len - 2] == 0xC2 &&
			 (unsigned char)p[len - 1] == 0xA0)
			len -= 2;
		else
			break;
	}
	*s = p;
	*n = len;
}

static int has_bom(const char *s, size_t n)
{
	return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	       (unsigned char)s[2] == 0xBF;
}

int extract_normalise(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	if (has_bom(s, n))
		s += 3, n -= 3;
	extract_trim(&s, &n);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '_' || c == '-' || c == '.')
			continue;
		if (k + 1 >= cap)
			return -1;
		out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	out[k] = '\0';
	return 0;
}

int extract_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

/* ---- keys seen ---- */

static uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/* Two unrelated 64-bit hashes of the key: FNV-1a (xor, multiply) and a
 * multiplicative polynomial (multiply, add), each finished with fmix64.  The
 * parts are separated by 0x1F, which no valid value contains. */
static void key_hash(const char *const *part, size_t nparts, uint64_t *a, uint32_t *b)
{
	uint64_t f = 1469598103934665603ULL, p = 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; i < nparts; i++) {
		for (const unsigned char *s = (const unsigned char *)part[i];; s++) {
			unsigned c = *s ? *s : 0x1F;
			f = (f ^ c) * 1099511628211ULL;
			p = p * 0x100000001B3ULL * 31 + c + 1;
			if (!*s)
				break;
		}
	}
	*a = fmix64(f);
	*b = (uint32_t)(fmix64(p) >> 32);
}

static int keys_grow(struct extract_keys *set)
{
	size_t cap = set->cap ? set->cap * 2 : 4096;
	struct extract_key_slot *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < set->cap; i++) {
		if (!set->v[i].row)
			continue;
		size_t j = (size_t)set->v[i].h1 & (cap - 1);
		while (v[j].row)
			j = (j + 1) & (cap - 1);
		v[j] = set->v[i];
	}
	free(set->v);
	set->v = v;
	set->cap = cap;
	return 0;
}

long extract_keys_add(struct extract_keys *set, const char *const *part, size_t nparts, long row)
{
	if ((set->n + 1) * 4 > set->cap * 3 && keys_grow(set) < 0)
		return -1;
	uint64_t h1;
	uint32_t h2;
	key_hash(part, nparts, &h1, &h2);
	size_t j = (size_t)h1 & (set->cap - 1);
	while (set->v[j].row) {
		if (set->v[j].h1 == h1 && set->v[j].h2 == h2)
			return (long)set->v[j].row;
		j = (j + 1) & (set->cap - 1);
	}
	set->v[j].h1 = h1;
	set->v[j].h2 = h2;
	/* rows beyond 4e9 cannot occur within any upload limit; clamp, never wrap */
	set->v[j].row = row > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)row;
	set->n++;
	return 0;
}

void extract_keys_free(struct extract_keys *set)
{
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
}

/* ---- problems ---- */

int extract_problem(struct extract *x, long row, const char *column, const char *value,
		    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	x->bad = 1;
	if (errlist_add(x->errs, row, column, value, "%s", msg) < 0) {
		x->fatal = 1;
		return -1;
	}
	return 0;
}

int extract_date(struct extract *x, long row, const char *column, const char *raw,
		 const char *v, char out[11])
{
	const char *why = NULL;
	out[0] = '\0';
	if (!*v)
		return 0;
	if (date_parse(v, out, &why) < 0) {
		out[0] = '\0';
		return extract_problem(x, row, column, raw, "%s", why ? why : "not a date");
	}
	return 0;
}

static const char *delim_name(char d)
{
	return d == ';' ? "semicolon" : d == '\t' ? "tab" : "comma";
}

/* ---- the parse ---- */

void extract_init(struct extract *x, const struct extract_spec *spec, size_t max_rows,
		  extract_row_cb row, extract_map_cb map, void *ud, struct errlist *errs)
{
	memset(x, 0, sizeof *x);
	x->spec = spec;
	x->max_rows = max_rows;
	x->row = row;
	x->map = map;
	x->ud = ud;
	x->errs = errs;
}

static int record_empty(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *s = rec->field[i];
		size_t n = rec->len[i];
		extract_trim(&s, &n);
		if (n)
			return 0;
	}
	return 1;
}

/* The column a header means: the caller's profile first, then the aliases. */
static int header_column(struct extract *x, const char *norm)
{
	int c = x->map ? x->map(x->ud, norm) : -1;
	for (size_t a = 0; c < 0 && a < x->spec->nalias; a++)
		if (strcmp(norm, x->spec->alias[a].norm) == 0)
			c = x->spec->alias[a].col;
	return c >= 0 && (size_t)c < x->spec->ncols ? c : -1;
}

static void remember_mapped(struct extract *x, const char *raw, size_t n, int c)
{
	if (x->n_mapped >= sizeof x->mapped / sizeof x->mapped[0])
		return;
	size_t hn = n < sizeof x->mapped[0].header ? n : sizeof x->mapped[0].header - 1;
	memcpy(x->mapped[x->n_mapped].header, raw, hn);
	x->mapped[x->n_mapped].header[hn] = '\0';
	x->mapped[x->n_mapped].column = x->spec->col_name[c];
	x->n_mapped++;
}

static int do_header(struct extract *x, const struct csv_record *rec)
{
	const struct extract_spec *sp = x->spec;
	struct buf found = BUF_INIT;
	char norm[64];
	int rc = -1;
	size_t errs_before = errlist_total(x->errs);

	x->have_header = 1;
	x->ncols = rec->nfields;
	for (size_t c = 0; c < EXTRACT_MAX_COLS; c++)
		x->col[c] = -1;

	for (size_t i = 0; i < rec->nfields; i++) {
		const char *raw = rec->field[i];
		size_t n = rec->len[i];
		if (has_bom(raw, n))
			raw += 3, n -= 3;
		extract_trim(&raw, &n);
		if (n == 0)
			continue;
		if ((found.len && buf_puts(&found, ", ") < 0) || buf_append(&found, raw, n) < 0)
			goto fail;
		if (extract_normalise(raw, n, norm, sizeof norm) < 0)
			continue;   /* too long to be one of ours: an extra column */
		int c = header_column(x, norm);
		if (c < 0)
			continue;
		if (x->col[c] >= 0) {
			const char *prev = rec->field[x->col[c]];
			if (extract_problem(x, rec->line, sp->col_name[c], rec->field[i],
					    "columns %ld (\"%s\") and %zu (\"%s\") both mean %s; "
					    "remove or rename one of them",
					    x->col[c] + 1, prev, i + 1, rec->field[i],
					    sp->col_name[c]) < 0)
				goto fail;
		} else {
			x->col[c] = (long)i;
			remember_mapped(x, raw, n, c);
		}
	}
	for (size_t c = 0; c < sp->nrequired; c++) {
		if (x->col[c] >= 0)
			continue;
		if (extract_problem(x, rec->line, sp->col_name[c], NULL,
				    "the required column %s is missing (%s); the headers found are: %s",
				    sp->col_name[c], sp->required_hint[c],
				    found.len ? found.data : "(none)") < 0)
			goto fail;
	}
	if (errlist_total(x->errs) != errs_before)
		x->stopped = 1;   /* rows cannot be read without a usable header */
	rc = 0;
fail:
	buf_free(&found);
	return rc;
}

static int do_row(struct extract *x, const struct csv_record *rec)
{
	const struct extract_spec *sp = x->spec;
	long row = rec->line;
	const char *raw[EXTRACT_MAX_COLS];
	const char *val[EXTRACT_MAX_COLS];
	size_t off[EXTRACT_MAX_COLS];

	x->data_rows++;
	if (x->max_rows && (size_t)x->data_rows > x->max_rows) {
		x->stopped = 1;
		return extract_problem(x, 0, NULL, NULL,
				       "the file has more than %zu data rows, the most one upload may hold",
				       x->max_rows);
	}

	/* more values than headers: only empty extras (trailing separators) are harmless */
	for (size_t i = x->ncols; i < rec->nfields; i++) {
		const char *s = rec->field[i];
		size_t n = rec->len[i];
		extract_trim(&s, &n);
		if (n)
			return extract_problem(x, row, NULL, rec->field[i],
					       "this row has %zu values but the header has %zu columns; a "
					       "value containing a %s must be in quotes%s",
					       rec->nfields, x->ncols, delim_name(x->delim),
					       x->delim == ',' && sp->comma_hint ? sp->comma_hint : "");
	}

	/* trimmed, NUL-terminated copies of the values */
	buf_reset(&x->scratch);
	for (size_t c = 0; c < sp->ncols; c++) {
		const char *s = "";
		size_t n = 0;
		long i = x->col[c];
		if (i >= 0 && (size_t)i < rec->nfields) {
			s = rec->field[i];
			n = rec->len[i];
		}
		raw[c] = s;
		extract_trim(&s, &n);
		off[c] = x->scratch.len;
		if (buf_append(&x->scratch, s, n) < 0 || buf_putc(&x->scratch, '\0') < 0) {
			x->fatal = 1;
			return -1;
		}
	}
	for (size_t c = 0; c < sp->ncols; c++)
		val[c] = x->scratch.data + off[c];

	if (x->row(x->ud, x, row, raw, val) < 0) {
		x->fatal = 1;
		return -1;
	}
	return 0;
}

static int on_record(void *ud, const struct csv_record *rec)
{
	struct extract *x = ud;
	if (rec->error) {
		if (extract_problem(x, rec->line, NULL, NULL, "%s", rec->error) < 0)
			return -1;
		if (!x->have_header) {
			x->stopped = 1;
			return -1;
		}
		x->data_rows++;
		return 0;
	}
	if (record_empty(rec))
		return 0;
	if (!x->have_header) {
		if (do_header(x, rec) < 0) {
			x->fatal = 1;
			return -1;
		}
	} else if (do_row(x, rec) < 0) {
		return -1;
	}
	return x->stopped ? -1 : 0;
}

int extract_run(struct extract *x, const char *data, size_t len)
{
	struct text_utf8 text;
	int rc = -1;

	int dec = text_decode(data ? data : "", data ? len : 0, &text);
	if (dec < 0)
		goto fail;
	x->encoding = text_encoding_name(text.encoding);
	if (dec == 1) {
		if (extract_problem(x, x->spec->decode_error_at_line ? text.error_line : 0,
				    NULL, NULL, "%s", text.error) < 0)
			goto fail;
		rc = 1;
		goto fail;
	}

	struct csv_dialect dialect;
	const char *why = NULL;
	if (csv_sniff(text.data, text.len, &dialect, &why) != 0) {
		if (extract_problem(x, 1, NULL, NULL, "%s", why) < 0)
			goto fail;
		rc = 1;
		goto fail;
	}
	x->delim = dialect.delim;

	struct csv_options co = { dialect.delim, x->spec->max_field, 0, dialect.first_line };
	int crc = csv_parse_buffer(text.data + dialect.skip_bytes, text.len - dialect.skip_bytes,
				   &co, on_record, x);
	if (x->fatal || (crc < 0 && !x->stopped))
		goto fail;
	if (!x->have_header && !x->bad &&
	    extract_problem(x, 0, NULL, NULL, "the file is empty: it has no header line") < 0)
		goto fail;
	rc = x->bad ? 1 : 0;
fail:
	text_utf8_free(&text);
	buf_free(&x->scratch);
	return rc;
}
