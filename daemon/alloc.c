/*
 * alloc.c -- case-allocation extract validation (see alloc.h).
 *
 * Pipeline, as roster.c: text_decode (encoding -> UTF-8) -> csv_sniff
 * (delimiter) -> csv streaming parse, one callback per record -> header
 * mapping (first non-empty record) -> per-row validation -> emit.  Memory is
 * one record (the CSV parser's buffer plus a trimmed copy) and a table of
 * 16-byte key hashes for the repeated-period check, never the parsed rows.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "csv.h"
#include "dates.h"
#include "text.h"

#define ALLOC_MAX_FIELD 4096   /* bytes in one value */

enum col { COL_CASE, COL_TEAM, COL_WORKER, COL_ALLOCATED, COL_ENDED, COL_COUNT };

static const char *const col_name[COL_COUNT] = {
	"case_id", "team", "worker_id", "allocated_on", "ended_on",
};

/* Header spellings, normalised: ASCII lower case without spaces, '_', '-', '.'. */
static const struct {
	const char *norm;
	enum col col;
} header_alias[] = {
	{ "caseid", COL_CASE }, { "casereference", COL_CASE }, { "caseref", COL_CASE },
	{ "casenumber", COL_CASE }, { "caseno", COL_CASE }, { "childid", COL_CASE },
	{ "childreference", COL_CASE }, { "childref", COL_CASE },
	{ "team", COL_TEAM }, { "teamname", COL_TEAM }, { "teamcode", COL_TEAM },
	{ "allocatedteam", COL_TEAM },
	{ "workerid", COL_WORKER }, { "worker", COL_WORKER }, { "allocatedworker", COL_WORKER },
	{ "allocatedworkerid", COL_WORKER }, { "socialworkerid", COL_WORKER },
	{ "socialworker", COL_WORKER }, { "staffid", COL_WORKER },
	{ "allocatedon", COL_ALLOCATED }, { "startdate", COL_ALLOCATED },
	{ "allocationstart", COL_ALLOCATED }, { "allocationstartdate", COL_ALLOCATED },
	{ "allocationdate", COL_ALLOCATED }, { "dateallocated", COL_ALLOCATED },
	{ "endedon", COL_ENDED }, { "enddate", COL_ENDED }, { "allocationend", COL_ENDED },
	{ "allocationenddate", COL_ENDED }, { "dateended", COL_ENDED },
};

static const char *const required_hint[COL_COUNT] = {
	"also accepted: Child ID, Case Reference, Case Number",
	"also accepted: Team Name, Team Code, Allocated Team",
	"also accepted: Worker, Allocated Worker, Social Worker ID, Staff ID",
	"also accepted: Start Date, Allocation Start, Allocation Date",
	"also accepted: End Date, Allocation End; leave the value empty while the worker still holds the case",
};

/* ---- small string helpers (as roster.c) ---- */

/* Trim ASCII whitespace and U+00A0 (no-break space, common in Excel exports). */
static void trim(const char **s, size_t *n)
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

/* Normalise a header into out (size cap): trimmed, ASCII lower case, without
 * ' ', '_', '-', '.'.  Returns 0, or -1 if too long. */
static int normalise(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	trim(&s, &n);
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

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

/* ---- period keys: (case_id, worker_id, allocated_on) as a 96-bit hash ---- */

struct key_slot {
	uint64_t h1;
	uint32_t h2;
	uint32_t row;   /* 0 = empty slot (data rows are >= 2) */
};

struct key_set {
	struct key_slot *v;
	size_t n, cap;  /* cap is 0 or a power of two */
};

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
static void key_hash(const char *const part[3], uint64_t *a, uint32_t *b)
{
	uint64_t f = 1469598103934665603ULL, p = 0x9E3779B97F4A7C15ULL;
	for (int i = 0; i < 3; i++) {
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

static int key_set_grow(struct key_set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 4096;
	struct key_slot *v = calloc(cap, sizeof *v);
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

/* Add the key of `row`.  Returns 0 when new, the earlier row (> 0) when the
 * key was already there, -1 when memory ran out. */
static long key_set_add(struct key_set *set, const char *const part[3], long row)
{
	if ((set->n + 1) * 4 > set->cap * 3 && key_set_grow(set) < 0)
		return -1;
	uint64_t h1;
	uint32_t h2;
	key_hash(part, &h1, &h2);
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

/* ---- the parse ---- */

struct aparse {
	const struct alloc_options *opt;
	alloc_row_cb emit;
	void *ud;
	struct errlist *errs;

	int have_header;
	long col[COL_COUNT];   /* field index of each column, -1 = absent */
	size_t ncols;
	char delim;

	struct key_set keys;
	struct buf scratch;    /* trimmed copies of the current row's values */
	long data_rows, valid_rows;

	int bad;       /* at least one problem recorded */
	int fatal;     /* out of memory or emit failed */
	int stopped;   /* parse ended early on purpose (header unusable, too many rows) */
};

static int problem(struct aparse *r, long row, const char *column, const char *value,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Record a problem; returns 0, or -1 (and marks the parse fatal) if memory ran out. */
static int problem(struct aparse *r, long row, const char *column, const char *value,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->bad = 1;
	if (errlist_add(r->errs, row, column, value, "%s", msg) < 0) {
		r->fatal = 1;
		return -1;
	}
	return 0;
}

static const char *delim_name(char d)
{
	return d == ';' ? "semicolon" : d == '\t' ? "tab" : "comma";
}

static int record_empty(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *s = rec->field[i];
		size_t n = rec->len[i];
		trim(&s, &n);
		if (n)
			return 0;
	}
	return 1;
}

static int do_header(struct aparse *r, const struct csv_record *rec)
{
	struct buf found = BUF_INIT;
	char norm[64];
	int rc = -1;
	size_t errs_before = errlist_total(r->errs);

	r->have_header = 1;
	r->ncols = rec->nfields;
	for (int c = 0; c < COL_COUNT; c++)
		r->col[c] = -1;

	for (size_t i = 0; i < rec->nfields; i++) {
		const char *raw = rec->field[i];
		size_t n = rec->len[i];
		if (n >= 3 && (unsigned char)raw[0] == 0xEF && (unsigned char)raw[1] == 0xBB &&
		    (unsigned char)raw[2] == 0xBF)
			raw += 3, n -= 3;
		trim(&raw, &n);
		if (n == 0)
			continue;
		if ((found.len && buf_puts(&found, ", ") < 0) || buf_append(&found, raw, n) < 0)
			goto fail;
		if (normalise(raw, n, norm, sizeof norm) < 0)
			continue;   /* too long to be one of ours: an extra column */
		for (size_t a = 0; a < sizeof header_alias / sizeof header_alias[0]; a++) {
			if (strcmp(norm, header_alias[a].norm) != 0)
				continue;
			enum col c = header_alias[a].col;
			if (r->col[c] >= 0) {
				const char *prev = rec->field[r->col[c]];
				if (problem(r, rec->line, col_name[c], rec->field[i],
					    "columns %ld (\"%s\") and %zu (\"%s\") both mean %s; "
					    "remove or rename one of them",
					    r->col[c] + 1, prev, i + 1, rec->field[i], col_name[c]) < 0)
					goto fail;
			} else {
				r->col[c] = (long)i;
			}
			break;
		}
	}
	for (int c = 0; c < COL_COUNT; c++) {
		if (r->col[c] >= 0)
			continue;
		if (problem(r, rec->line, col_name[c], NULL,
			    "the required column %s is missing (%s); the headers found are: %s",
			    col_name[c], required_hint[c], found.len ? found.data : "(none)") < 0)
			goto fail;
	}
	if (errlist_total(r->errs) != errs_before)
		r->stopped = 1;   /* rows cannot be read without a usable header */
	rc = 0;
fail:
	buf_free(&found);
	return rc;
}

/* An id column: required, no control characters.  0, or -1 (fatal). */
static int check_id(struct aparse *r, long row, enum col c, const char *raw, const char *v,
		    const char *empty_msg)
{
	if (!*v)
		return problem(r, row, col_name[c], raw, "%s", empty_msg);
	if (has_control(v))
		return problem(r, row, col_name[c], raw, "%s contains a line break or tab",
			       col_name[c]);
	return 0;
}

static int check_date(struct aparse *r, long row, enum col c, const char *raw, const char *v,
		      char out[11])
{
	const char *why = NULL;
	out[0] = '\0';
	if (!*v)
		return 0;
	if (date_parse(v, out, &why) < 0) {
		out[0] = '\0';
		return problem(r, row, col_name[c], raw, "%s", why ? why : "not a date");
	}
	return 0;
}

static int do_row(struct aparse *r, const struct csv_record *rec)
{
	long row = rec->line;
	const char *raw[COL_COUNT];
	const char *val[COL_COUNT];
	size_t off[COL_COUNT];
	size_t errs_before = errlist_total(r->errs);

	r->data_rows++;
	if (r->opt && r->opt->max_rows && (size_t)r->data_rows > r->opt->max_rows) {
		r->stopped = 1;
		return problem(r, 0, NULL, NULL,
			       "the file has more than %zu data rows, the most one upload may hold",
			       r->opt->max_rows);
	}

	/* more values than headers: only empty extras (trailing separators) are harmless */
	for (size_t i = r->ncols; i < rec->nfields; i++) {
		const char *s = rec->field[i];
		size_t n = rec->len[i];
		trim(&s, &n);
		if (n)
			return problem(r, row, NULL, rec->field[i],
				       "this row has %zu values but the header has %zu columns; a "
				       "value containing a %s must be in quotes",
				       rec->nfields, r->ncols, delim_name(r->delim));
	}

	/* trimmed, NUL-terminated copies of the values */
	buf_reset(&r->scratch);
	for (int c = 0; c < COL_COUNT; c++) {
		const char *s = "";
		size_t n = 0;
		long i = r->col[c];
		if (i >= 0 && (size_t)i < rec->nfields) {
			s = rec->field[i];
			n = rec->len[i];
		}
		raw[c] = s;
		trim(&s, &n);
		off[c] = r->scratch.len;
		if (buf_append(&r->scratch, s, n) < 0 || buf_putc(&r->scratch, '\0') < 0) {
			r->fatal = 1;
			return -1;
		}
	}
	for (int c = 0; c < COL_COUNT; c++)
		val[c] = r->scratch.data + off[c];

	struct alloc_row out;
	memset(&out, 0, sizeof out);
	out.row = row;
	out.case_id = val[COL_CASE];
	out.team = val[COL_TEAM];
	out.worker_id = val[COL_WORKER];

	if (check_id(r, row, COL_CASE, raw[COL_CASE], val[COL_CASE],
		     "case_id is empty: every row needs the child's case reference") < 0 ||
	    check_id(r, row, COL_TEAM, raw[COL_TEAM], val[COL_TEAM],
		     "team is empty: every row needs the team that held the case") < 0 ||
	    check_id(r, row, COL_WORKER, raw[COL_WORKER], val[COL_WORKER],
		     "worker_id is empty: every row needs the allocated worker (a period "
		     "without a worker is not an allocation; leave it out)") < 0)
		return -1;
	int ids_ok = errlist_total(r->errs) == errs_before;

	if (!*val[COL_ALLOCATED]) {
		if (problem(r, row, "allocated_on", raw[COL_ALLOCATED],
			    "allocated_on is empty: every row needs the date the worker was "
			    "allocated, e.g. 2026-03-31 or 31/03/2026") < 0)
			return -1;
	} else if (check_date(r, row, COL_ALLOCATED, raw[COL_ALLOCATED], val[COL_ALLOCATED],
			      out.allocated_on) < 0) {
		return -1;
	}
	if (check_date(r, row, COL_ENDED, raw[COL_ENDED], val[COL_ENDED], out.ended_on) < 0)
		return -1;
	if (out.allocated_on[0] && out.ended_on[0] && strcmp(out.ended_on, out.allocated_on) < 0 &&
	    problem(r, row, "ended_on", raw[COL_ENDED],
		    "ended_on %s is before allocated_on %s: check the order of the two dates",
		    out.ended_on, out.allocated_on) < 0)
		return -1;

	if (ids_ok && out.allocated_on[0]) {
		const char *key[3] = { out.case_id, out.worker_id, out.allocated_on };
		long prev = key_set_add(&r->keys, key, row);
		if (prev < 0) {
			r->fatal = 1;
			return -1;
		}
		if (prev > 0 &&
		    problem(r, row, "allocated_on", raw[COL_ALLOCATED],
			    "case %s is allocated to worker %s from %s on both row %ld and row %ld; "
			    "a period appears once: remove the repeated row or correct its dates",
			    out.case_id, out.worker_id, out.allocated_on, prev, row) < 0)
			return -1;
	}

	if (errlist_total(r->errs) != errs_before)
		return 0;   /* the row has problems: not emitted */
	r->valid_rows++;
	if (r->emit(r->ud, &out) < 0) {
		r->fatal = 1;
		return -1;
	}
	return 0;
}

static int on_record(void *ud, const struct csv_record *rec)
{
	struct aparse *r = ud;
	if (rec->error) {
		if (problem(r, rec->line, NULL, NULL, "%s", rec->error) < 0)
			return -1;
		if (!r->have_header) {
			r->stopped = 1;
			return -1;
		}
		r->data_rows++;
		return 0;
	}
	if (record_empty(rec))
		return 0;
	if (!r->have_header) {
		if (do_header(r, rec) < 0) {
			r->fatal = 1;
			return -1;
		}
	} else if (do_row(r, rec) < 0) {
		return -1;
	}
	return r->stopped ? -1 : 0;
}

int alloc_parse_info(const char *data, size_t len, const struct alloc_options *opt,
		     alloc_row_cb emit, void *ud, struct errlist *errs, struct alloc_info *info)
{
	struct text_utf8 text;
	struct aparse r;
	struct alloc_info dummy;
	int rc = -1;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	memset(&r, 0, sizeof r);
	r.opt = opt;
	r.emit = emit;
	r.ud = ud;
	r.errs = errs;

	int dec = text_decode(data ? data : "", data ? len : 0, &text);
	if (dec < 0)
		goto fail;
	info->encoding = text_encoding_name(text.encoding);
	if (dec == 1) {
		if (problem(&r, text.error_line, NULL, NULL, "%s", text.error) < 0)
			goto fail;
		rc = 1;
		goto done;
	}

	struct csv_dialect dialect;
	const char *why = NULL;
	if (csv_sniff(text.data, text.len, &dialect, &why) != 0) {
		if (problem(&r, 1, NULL, NULL, "%s", why) < 0)
			goto fail;
		rc = 1;
		goto done;
	}
	info->delimiter = dialect.delim;
	r.delim = dialect.delim;

	struct csv_options co = { dialect.delim, ALLOC_MAX_FIELD, 0, dialect.first_line };
	int crc = csv_parse_buffer(text.data + dialect.skip_bytes, text.len - dialect.skip_bytes,
				   &co, on_record, &r);
	if (r.fatal || (crc < 0 && !r.stopped))
		goto fail;
	if (!r.have_header && !r.bad &&
	    problem(&r, 0, NULL, NULL, "the file is empty: it has no header line") < 0)
		goto fail;
	rc = r.bad ? 1 : 0;
done:
	info->data_rows = r.data_rows;
	info->valid_rows = r.valid_rows;
fail:
	text_utf8_free(&text);
	free(r.keys.v);
	buf_free(&r.scratch);
	return rc;
}

int alloc_parse(const char *data, size_t len, const struct alloc_options *opt,
		alloc_row_cb emit, void *ud, struct errlist *errs)
{
	return alloc_parse_info(data, len, opt, emit, ud, errs, NULL);
}
