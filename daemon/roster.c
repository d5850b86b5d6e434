/*
 * roster.c -- roster extract validation (see roster.h).
 *
 * Pipeline: text_decode (encoding -> UTF-8) -> csv_sniff (delimiter) ->
 * csv streaming parse, one callback per record -> header mapping (first
 * non-empty record) -> per-row validation -> emit.  Memory is one record
 * (the CSV parser's buffer plus a trimmed copy) and the set of staff ids seen,
 * never the parsed rows.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "dates.h"
#include "roster.h"
#include "text.h"

#define ROSTER_MAX_FIELD 4096          /* bytes in one value */
#define ROSTER_MAX_CASELOAD 1000000
#define ROSTER_MAX_ABSENCE 366.0

enum col {
	COL_STAFF_ID, COL_TEAM, COL_CONTRACT, COL_FTE, COL_HOURS, COL_ROLE,
	COL_CASELOAD, COL_START, COL_END, COL_ABSENCE, COL_COUNT
};

static const char *const col_name[COL_COUNT] = {
	"staff_id", "team", "contract", "fte", "hours", "role",
	"caseload", "start_date", "end_date", "absence_days",
};

/* Header spellings, normalised: ASCII lower case without spaces, '_', '-', '.'. */
static const struct {
	const char *norm;
	enum col col;
} header_alias[] = {
	{ "staffid", COL_STAFF_ID }, { "employeenumber", COL_STAFF_ID },
	{ "employeeno", COL_STAFF_ID }, { "employeeid", COL_STAFF_ID },
	{ "payrollnumber", COL_STAFF_ID }, { "payrollno", COL_STAFF_ID },
	{ "workerid", COL_STAFF_ID }, { "staffnumber", COL_STAFF_ID },
	{ "staffno", COL_STAFF_ID },
	{ "team", COL_TEAM }, { "costcentre", COL_TEAM }, { "costcenter", COL_TEAM },
	{ "teamname", COL_TEAM },
	{ "contract", COL_CONTRACT }, { "contracttype", COL_CONTRACT },
	{ "employmenttype", COL_CONTRACT },
	{ "fte", COL_FTE }, { "wte", COL_FTE },
	{ "hours", COL_HOURS }, { "contractedhours", COL_HOURS }, { "weeklyhours", COL_HOURS },
	{ "role", COL_ROLE }, { "jobtitle", COL_ROLE }, { "post", COL_ROLE },
	{ "caseload", COL_CASELOAD }, { "cases", COL_CASELOAD },
	{ "startdate", COL_START },
	{ "enddate", COL_END }, { "leavingdate", COL_END }, { "terminationdate", COL_END },
	{ "absencedays", COL_ABSENCE }, { "sicknessdays", COL_ABSENCE },
};

static const char *const required_hint[3] = {
	"also accepted: Employee Number, Employee No, Payroll Number, Worker ID",
	"also accepted: Cost Centre, Team Name",
	"also accepted: Contract Type, Employment Type",
};

/* Contract values, normalised like headers. */
static const struct {
	const char *norm;
	enum contract c;
} contract_alias[] = {
	{ "permanent", CONTRACT_PERMANENT }, { "perm", CONTRACT_PERMANENT },
	{ "employee", CONTRACT_PERMANENT }, { "established", CONTRACT_PERMANENT },
	{ "permanentcontract", CONTRACT_PERMANENT },
	{ "fixedterm", CONTRACT_FIXED_TERM }, { "temporary", CONTRACT_FIXED_TERM },
	{ "ftc", CONTRACT_FIXED_TERM }, { "fixedtermcontract", CONTRACT_FIXED_TERM },
	{ "agency", CONTRACT_AGENCY }, { "locum", CONTRACT_AGENCY },
	{ "interim", CONTRACT_AGENCY }, { "contractor", CONTRACT_AGENCY },
};

const char *contract_name(enum contract c)
{
	switch (c) {
	case CONTRACT_PERMANENT: return "permanent";
	case CONTRACT_FIXED_TERM: return "fixed_term";
	case CONTRACT_AGENCY: return "agency";
	}
	return "unknown";
}

/* ---- small string helpers ---- */

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

/* Normalise a header or contract value into out (size cap): trimmed, BOM dropped,
 * ASCII lower case, without ' ', '_', '-', '.'.  Returns 0, or -1 if too long. */
static int normalise(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF)
		s += 3, n -= 3;
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

int contract_parse(const char *s, enum contract *out)
{
	char norm[32];
	if (!s || normalise(s, strlen(s), norm, sizeof norm) < 0)
		return -1;
	for (size_t i = 0; i < sizeof contract_alias / sizeof contract_alias[0]; i++) {
		if (strcmp(norm, contract_alias[i].norm) == 0) {
			*out = contract_alias[i].c;
			return 0;
		}
	}
	return -1;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

enum num_result { NUM_OK, NUM_BAD, NUM_COMMA };

/*
 * A plain decimal: optional '-', digits, optional '.' and digits (at least one
 * digit in all); with allow_pct an optional trailing '%' (spaces before it
 * allowed) divides by 100.  Exact for up to 15 significant digits.
 */
static enum num_result parse_decimal(const char *s, int allow_pct, double *out, int *is_pct)
{
	static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
					 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	int neg = 0, sig = 0, frac = 0, seen_dot = 0, ndigits = 0;
	int64_t mant = 0;
	const char *p = s;
	*is_pct = 0;
	if (*p == '-')
		neg = 1, p++;
	for (;; p++) {
		if (*p >= '0' && *p <= '9') {
			ndigits++;
			if (sig || *p != '0')
				sig++;
			if (sig > 15 || (seen_dot && frac >= 15)) {
				if (!seen_dot)
					return NUM_BAD;   /* absurdly large */
				continue;   /* digits past 1e-15 or past double precision: dropped */
			}
			mant = mant * 10 + (*p - '0');
			frac += seen_dot;
		} else if (*p == '.' && !seen_dot) {
			seen_dot = 1;
		} else {
			break;
		}
	}
	if (*p == ',' && ndigits && !strchr(p + 1, ',') && p[1] >= '0' && p[1] <= '9')
		return NUM_COMMA;
	if (!ndigits)
		return NUM_BAD;
	if (allow_pct) {
		while (*p == ' ')
			p++;
		if (*p == '%')
			*is_pct = 1, p++;
	}
	if (*p)
		return NUM_BAD;
	double v = (double)mant / pow10[frac];
	if (*is_pct)
		v /= 100.0;
	*out = neg ? -v : v;
	return NUM_OK;
}

/* ---- staff id set: open addressing, FNV-1a ---- */

struct id_entry {
	char *id;      /* NULL = empty slot */
	uint64_t hash;
	long row;
};

struct id_set {
	struct id_entry *v;
	size_t n, cap;   /* cap is 0 or a power of two */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int id_set_grow(struct id_set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 1024;
	struct id_entry *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < set->cap; i++) {
		if (!set->v[i].id)
			continue;
		size_t j = (size_t)set->v[i].hash & (cap - 1);
		while (v[j].id)
			j = (j + 1) & (cap - 1);
		v[j] = set->v[i];
	}
	free(set->v);
	set->v = v;
	set->cap = cap;
	return 0;
}

/* Add id (first seen on `row`).  Returns 0 when new, the earlier row (> 0)
 * when already present, -1 when memory ran out. */
static long id_set_add(struct id_set *set, const char *id, long row)
{
	if ((set->n + 1) * 2 > set->cap && id_set_grow(set) < 0)
		return -1;
	uint64_t h = fnv1a(id);
	size_t j = (size_t)h & (set->cap - 1);
	while (set->v[j].id) {
		if (set->v[j].hash == h && strcmp(set->v[j].id, id) == 0)
			return set->v[j].row;
		j = (j + 1) & (set->cap - 1);
	}
	char *copy = strdup(id);
	if (!copy)
		return -1;
	set->v[j].id = copy;
	set->v[j].hash = h;
	set->v[j].row = row;
	set->n++;
	return 0;
}

static void id_set_free(struct id_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->v[i].id);
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
}

/* ---- the parse ---- */

struct rparse {
	const struct roster_options *opt;
	struct roster_info *info;
	double week;
	roster_row_cb emit;
	void *ud;
	struct errlist *errs;

	int have_header;
	long header_row;
	long col[COL_COUNT];   /* field index of each column, -1 = absent */
	size_t ncols;
	int use_hours;
	char delim;

	struct id_set ids;
	struct buf scratch;    /* trimmed copies of the current row's values */
	long data_rows, valid_rows;

	int bad;       /* at least one problem recorded */
	int fatal;     /* out of memory or emit failed */
	int stopped;   /* parse ended early on purpose (header unusable, too many rows) */
};

static int problem(struct rparse *r, long row, const char *column, const char *value,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Record a problem; returns 0, or -1 (and marks the parse fatal) if memory ran out. */
static int problem(struct rparse *r, long row, const char *column, const char *value,
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

static int do_header(struct rparse *r, const struct csv_record *rec)
{
	struct buf found = BUF_INIT;
	char norm[64];
	int rc = -1;
	size_t errs_before = errlist_total(r->errs);

	r->have_header = 1;
	r->header_row = rec->line;
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
		int c = -1;
		for (size_t a = 0; r->opt && a < r->opt->n_extra_aliases && c < 0; a++) {
			const struct roster_alias *x = &r->opt->extra_aliases[a];
			char xn[64];
			if (!x->header || !x->column ||
			    normalise(x->header, strlen(x->header), xn, sizeof xn) < 0 || strcmp(norm, xn))
				continue;
			for (int k = 0; k < COL_COUNT; k++)
				if (strcmp(x->column, col_name[k]) == 0)
					c = k;
		}
		for (size_t a = 0; c < 0 && a < sizeof header_alias / sizeof header_alias[0]; a++)
			if (strcmp(norm, header_alias[a].norm) == 0)
				c = (int)header_alias[a].col;
		if (c < 0)
			continue;
		if (r->col[c] >= 0) {
			const char *prev = rec->field[r->col[c]];
			if (problem(r, rec->line, col_name[c], rec->field[i],
				    "columns %ld (\"%s\") and %zu (\"%s\") both mean %s; "
				    "remove or rename one of them",
				    r->col[c] + 1, prev, i + 1, rec->field[i], col_name[c]) < 0)
				goto fail;
		} else {
			r->col[c] = (long)i;
			struct roster_info *in = r->info;
			if (in && in->n_mapped < sizeof in->mapped / sizeof in->mapped[0]) {
				size_t hn = n < sizeof in->mapped[0].header ? n : sizeof in->mapped[0].header - 1;
				memcpy(in->mapped[in->n_mapped].header, raw, hn);
				in->mapped[in->n_mapped].header[hn] = '\0';
				in->mapped[in->n_mapped].column = col_name[c];
				in->n_mapped++;
			}
		}
	}
	for (int c = COL_STAFF_ID; c <= COL_CONTRACT; c++) {
		if (r->col[c] >= 0)
			continue;
		if (problem(r, rec->line, col_name[c], NULL,
			    "the required column %s is missing (%s); the headers found are: %s",
			    col_name[c], required_hint[c], found.len ? found.data : "(none)") < 0)
			goto fail;
	}
	r->use_hours = r->col[COL_FTE] < 0 && r->col[COL_HOURS] >= 0;
	if (errlist_total(r->errs) != errs_before)
		r->stopped = 1;   /* rows cannot be read without a usable header */
	rc = 0;
fail:
	buf_free(&found);
	return rc;
}

static int check_fte(struct rparse *r, long row, const char *raw, const char *v, double *fte)
{
	double x;
	int pct;
	*fte = 1.0;
	if (!*v)
		return 0;
	switch (parse_decimal(v, 1, &x, &pct)) {
	case NUM_COMMA:
		return problem(r, row, "fte", raw, "use a full stop for decimals (0.5), not a comma");
	case NUM_BAD:
		return problem(r, row, "fte", raw,
			       "fte is not a number: write e.g. 1 for full time, 0.5 or 50%% for half time");
	case NUM_OK:
		break;
	}
	if (!(x > 0.0) || x > 1.0)
		return problem(r, row, "fte", raw,
			       "fte must be more than 0 and at most 1: write e.g. 1 for full time, "
			       "0.5 or 50%% for half time");
	*fte = x;
	return 0;
}

static int check_hours(struct rparse *r, long row, const char *raw, const char *v, double *fte)
{
	double x;
	int pct;
	*fte = 1.0;
	if (!*v)
		return 0;
	switch (parse_decimal(v, 0, &x, &pct)) {
	case NUM_COMMA:
		return problem(r, row, "hours", raw,
			       "use a full stop for decimals (18.5), not a comma");
	case NUM_BAD:
		return problem(r, row, "hours", raw,
			       "hours is not a number: write the contracted hours per week, e.g. 18.5");
	case NUM_OK:
		break;
	}
	if (!(x > 0.0))
		return problem(r, row, "hours", raw, "hours per week must be more than 0");
	if (x > r->week)
		return problem(r, row, "hours", raw,
			       "%g hours is more than the standard week of %g hours, so the FTE "
			       "would be over 1; check the value or the standard week setting",
			       x, r->week);
	*fte = x / r->week;
	return 0;
}

static int check_caseload(struct rparse *r, long row, const char *raw, const char *v, int *out)
{
	long n = 0;
	*out = -1;
	if (!*v)
		return 0;
	const char *p = v;
	if (*p == '-' && p[1] >= '0' && p[1] <= '9')
		return problem(r, row, "caseload", raw, "caseload must not be negative");
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > ROSTER_MAX_CASELOAD)
			return problem(r, row, "caseload", raw, "caseload is implausibly large");
	}
	if (p == v || *p)
		return problem(r, row, "caseload", raw,
			       "caseload must be a whole number of children, e.g. 14");
	*out = (int)n;
	return 0;
}

static int check_absence(struct rparse *r, long row, const char *raw, const char *v, double *out)
{
	double x;
	int pct;
	*out = -1;
	if (!*v)
		return 0;
	switch (parse_decimal(v, 0, &x, &pct)) {
	case NUM_COMMA:
		return problem(r, row, "absence_days", raw,
			       "use a full stop for decimals (2.5), not a comma");
	case NUM_BAD:
		return problem(r, row, "absence_days", raw,
			       "absence_days must be a number of working days, e.g. 3 or 2.5");
	case NUM_OK:
		break;
	}
	if (x < 0)
		return problem(r, row, "absence_days", raw, "absence_days must not be negative");
	if (x > ROSTER_MAX_ABSENCE)
		return problem(r, row, "absence_days", raw,
			       "absence_days is more than the days in a year");
	*out = x;
	return 0;
}

static int check_date(struct rparse *r, long row, enum col c, const char *raw, const char *v,
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

static int do_row(struct rparse *r, const struct csv_record *rec)
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
				       "value containing a %s must be in quotes%s",
				       rec->nfields, r->ncols, delim_name(r->delim),
				       r->delim == ',' ? ", and decimals need a full stop (0.5)" : "");
	}

	/* trimmed, NUL-terminated copies of the values we use */
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

	struct roster_row out;
	memset(&out, 0, sizeof out);
	out.row = row;

	/* staff_id */
	if (!*val[COL_STAFF_ID]) {
		if (problem(r, row, "staff_id", raw[COL_STAFF_ID],
			    "staff_id is empty: every row needs the person's identifier") < 0)
			return -1;
	} else if (has_control(val[COL_STAFF_ID])) {
		if (problem(r, row, "staff_id", raw[COL_STAFF_ID],
			    "staff_id contains a line break or tab") < 0)
			return -1;
	} else {
		long prev = id_set_add(&r->ids, val[COL_STAFF_ID], row);
		if (prev < 0) {
			r->fatal = 1;
			return -1;
		}
		if (prev > 0 &&
		    problem(r, row, "staff_id", raw[COL_STAFF_ID],
			    "staff_id %s appears on both row %ld and row %ld; each person must "
			    "appear once in a file", val[COL_STAFF_ID], prev, row) < 0)
			return -1;
	}
	out.staff_id = val[COL_STAFF_ID];

	/* team */
	if (!*val[COL_TEAM]) {
		if (problem(r, row, "team", raw[COL_TEAM], "team is empty: every row needs a team") < 0)
			return -1;
	} else if (has_control(val[COL_TEAM])) {
		if (problem(r, row, "team", raw[COL_TEAM], "team contains a line break or tab") < 0)
			return -1;
	}
	out.team = val[COL_TEAM];

	/* contract */
	if (!*val[COL_CONTRACT]) {
		if (problem(r, row, "contract", raw[COL_CONTRACT],
			    "contract is empty: use permanent, fixed_term or agency") < 0)
			return -1;
	} else if (contract_parse(val[COL_CONTRACT], &out.contract) < 0) {
		if (problem(r, row, "contract", raw[COL_CONTRACT],
			    "unknown contract type: use permanent, fixed_term or agency (also "
			    "accepted: perm, employee, established, fixed term, temporary, FTC, "
			    "locum, interim, contractor)") < 0)
			return -1;
	}

	/* fte, or hours against the standard week */
	if (r->use_hours) {
		if (check_hours(r, row, raw[COL_HOURS], val[COL_HOURS], &out.fte) < 0)
			return -1;
	} else if (check_fte(r, row, raw[COL_FTE], val[COL_FTE], &out.fte) < 0) {
		return -1;
	}

	out.role = *val[COL_ROLE] ? val[COL_ROLE] : NULL;
	if (check_caseload(r, row, raw[COL_CASELOAD], val[COL_CASELOAD], &out.caseload) < 0 ||
	    check_date(r, row, COL_START, raw[COL_START], val[COL_START], out.start_date) < 0 ||
	    check_date(r, row, COL_END, raw[COL_END], val[COL_END], out.end_date) < 0 ||
	    check_absence(r, row, raw[COL_ABSENCE], val[COL_ABSENCE], &out.absence_days) < 0)
		return -1;
	if (out.start_date[0] && out.end_date[0] && strcmp(out.end_date, out.start_date) < 0 &&
	    problem(r, row, "end_date", raw[COL_END], "end_date %s is before start_date %s",
		    out.end_date, out.start_date) < 0)
		return -1;

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
	struct rparse *r = ud;
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

int roster_parse_info(const char *data, size_t len, const struct roster_options *opt,
		      roster_row_cb emit, void *ud, struct errlist *errs,
		      struct roster_info *info)
{
	struct text_utf8 text;
	struct rparse r;
	struct roster_info dummy;
	int rc = -1;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	memset(&r, 0, sizeof r);
	r.opt = opt;
	r.info = info;
	r.week = opt && opt->standard_week_hours > 0 ? opt->standard_week_hours : 37.0;
	r.emit = emit;
	r.ud = ud;
	r.errs = errs;

	int dec = text_decode(data ? data : "", data ? len : 0, &text);
	if (dec < 0)
		goto fail;
	info->encoding = text_encoding_name(text.encoding);
	if (dec == 1) {
		if (problem(&r, 0, NULL, NULL, "%s", text.error) < 0)
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

	struct csv_options co = { dialect.delim, ROSTER_MAX_FIELD, 0, dialect.first_line };
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
	id_set_free(&r.ids);
	buf_free(&r.scratch);
	return rc;
}

int roster_column_known(const char *name)
{
	for (int k = 0; name && k < COL_COUNT; k++)
		if (strcmp(name, col_name[k]) == 0)
			return 1;
	return 0;
}

int roster_parse(const char *data, size_t len, const struct roster_options *opt,
		 roster_row_cb emit, void *ud, struct errlist *errs)
{
	return roster_parse_info(data, len, opt, emit, ud, errs, NULL);
}
