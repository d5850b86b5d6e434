/*
 * roster.c -- roster extract validation (see roster.h).
 *
 * Pipeline: text_decode (encoding -> UTF-8) -> csv_sniff (delimiter) ->
 * csv streaming parse, one callback per record -> header mapping (first
 * non-empty record) -> per-row validation -> emit; all but the per-row
 * validation is extract.c's.  Memory is one record (the CSV parser's buffer
 * plus a trimmed copy) and a table of 16-byte hashes of the staff ids seen,
 * never the parsed rows.
 */
#include <stdint.h>
#include <string.h>

#include "extract.h"
#include "roster.h"

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
static const struct extract_alias header_alias[] = {
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

/* ---- values ---- */

int contract_parse(const char *s, enum contract *out)
{
	char norm[32];
	if (!s || extract_normalise(s, strlen(s), norm, sizeof norm) < 0)
		return -1;
	for (size_t i = 0; i < sizeof contract_alias / sizeof contract_alias[0]; i++) {
		if (strcmp(norm, contract_alias[i].norm) == 0) {
			*out = contract_alias[i].c;
			return 0;
		}
	}
	return -1;
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

/* ---- the parse ---- */

static const struct extract_spec roster_spec = {
	col_name, COL_COUNT,
	header_alias, sizeof header_alias / sizeof header_alias[0],
	3, required_hint,   /* staff_id, team, contract */
	", and decimals need a full stop (0.5)",
	0,                  /* an undecodable file: the file as a whole */
	ROSTER_MAX_FIELD,
};

struct rparse {
	const struct roster_options *opt;
	struct extract *x;
	double week;
	roster_row_cb emit;
	void *ud;
	struct extract_keys ids;   /* staff ids seen */
};

/* A saved profile's mapping of a header, tried before the built-in aliases. */
static int map_profile(void *ud, const char *norm)
{
	struct rparse *r = ud;
	int c = -1;
	for (size_t a = 0; r->opt && a < r->opt->n_extra_aliases && c < 0; a++) {
		const struct roster_alias *x = &r->opt->extra_aliases[a];
		char xn[64];
		if (!x->header || !x->column ||
		    extract_normalise(x->header, strlen(x->header), xn, sizeof xn) < 0 ||
		    strcmp(norm, xn))
			continue;
		for (int k = 0; k < COL_COUNT; k++)
			if (strcmp(x->column, col_name[k]) == 0)
				c = k;
	}
	return c;
}

/* The decimal in v into *x (allow_pct: "50%" is 0.5): 1.  Otherwise a problem
 * for column is recorded (a decimal comma: "use a full stop for decimals
 * (example), not a comma"; anything else: not_a_number) and 0 is returned, or
 * -1 when memory ran out. */
static int decimal_or_problem(struct rparse *r, long row, const char *column, const char *raw, const char *v,
			      int allow_pct, const char *example, const char *not_a_number, double *x)
{
	int pct;
	switch (parse_decimal(v, allow_pct, x, &pct)) {
	case NUM_COMMA:
		return extract_problem(r->x, row, column, raw, "use a full stop for decimals (%s), not a comma",
				       example);
	case NUM_BAD:
		return extract_problem(r->x, row, column, raw, "%s", not_a_number);
	case NUM_OK:
		break;
	}
	return 1;
}

static int check_fte(struct rparse *r, long row, const char *raw, const char *v, double *fte)
{
	double x;
	*fte = 1.0;
	if (!*v)
		return 0;
	int rc = decimal_or_problem(r, row, "fte", raw, v, 1, "0.5",
				    "fte is not a number: write e.g. 1 for full time, 0.5 or 50% for half time", &x);
	if (rc != 1)
		return rc;
	if (!(x > 0.0) || x > 1.0)
		return extract_problem(r->x, row, "fte", raw,
				       "fte must be more than 0 and at most 1: write e.g. 1 for full time, "
				       "0.5 or 50%% for half time");
	*fte = x;
	return 0;
}

static int check_hours(struct rparse *r, long row, const char *raw, const char *v, double *fte)
{
	double x;
	*fte = 1.0;
	if (!*v)
		return 0;
	int rc = decimal_or_problem(r, row, "hours", raw, v, 0, "18.5",
				    "hours is not a number: write the contracted hours per week, e.g. 18.5", &x);
	if (rc != 1)
		return rc;
	if (!(x > 0.0))
		return extract_problem(r->x, row, "hours", raw, "hours per week must be more than 0");
	if (x > r->week)
		return extract_problem(r->x, row, "hours", raw,
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
		return extract_problem(r->x, row, "caseload", raw, "caseload must not be negative");
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > ROSTER_MAX_CASELOAD)
			return extract_problem(r->x, row, "caseload", raw,
					       "caseload is implausibly large");
	}
	if (p == v || *p)
		return extract_problem(r->x, row, "caseload", raw,
				       "caseload must be a whole number of children, e.g. 14");
	*out = (int)n;
	return 0;
}

static int check_absence(struct rparse *r, long row, const char *raw, const char *v, double *out)
{
	double x;
	*out = -1;
	if (!*v)
		return 0;
	int rc = decimal_or_problem(r, row, "absence_days", raw, v, 0, "2.5",
				    "absence_days must be a number of working days, e.g. 3 or 2.5", &x);
	if (rc != 1)
		return rc;
	if (x < 0)
		return extract_problem(r->x, row, "absence_days", raw,
				       "absence_days must not be negative");
	if (x > ROSTER_MAX_ABSENCE)
		return extract_problem(r->x, row, "absence_days", raw,
				       "absence_days is more than the days in a year");
	*out = x;
	return 0;
}

static int do_row(void *ud, struct extract *x, long row, const char *const *raw,
		  const char *const *val)
{
	struct rparse *r = ud;
	size_t errs_before = errlist_total(x->errs);

	struct roster_row out;
	memset(&out, 0, sizeof out);
	out.row = row;

	/* staff_id */
	if (!*val[COL_STAFF_ID]) {
		if (extract_problem(x, row, "staff_id", raw[COL_STAFF_ID],
				 "staff_id is empty: every row needs the person's identifier") < 0)
			return -1;
	} else if (extract_has_control(val[COL_STAFF_ID])) {
		if (extract_problem(x, row, "staff_id", raw[COL_STAFF_ID],
				 "staff_id contains a line break or tab") < 0)
			return -1;
	} else {
		long prev = extract_keys_add(&r->ids, &val[COL_STAFF_ID], 1, row);
		if (prev < 0)
			return -1;
		if (prev > 0 &&
		    extract_problem(x, row, "staff_id", raw[COL_STAFF_ID],
				 "staff_id %s appears on both row %ld and row %ld; each person must "
				 "appear once in a file", val[COL_STAFF_ID], prev, row) < 0)
			return -1;
	}
	out.staff_id = val[COL_STAFF_ID];

	/* team */
	if (!*val[COL_TEAM]) {
		if (extract_problem(x, row, "team", raw[COL_TEAM],
				    "team is empty: every row needs a team") < 0)
			return -1;
	} else if (extract_has_control(val[COL_TEAM])) {
		if (extract_problem(x, row, "team", raw[COL_TEAM],
				    "team contains a line break or tab") < 0)
			return -1;
	}
	out.team = val[COL_TEAM];

	/* contract */
	if (!*val[COL_CONTRACT]) {
		if (extract_problem(x, row, "contract", raw[COL_CONTRACT],
				 "contract is empty: use permanent, fixed_term or agency") < 0)
			return -1;
	} else if (contract_parse(val[COL_CONTRACT], &out.contract) < 0) {
		if (extract_problem(x, row, "contract", raw[COL_CONTRACT],
				 "unknown contract type: use permanent, fixed_term or agency (also "
				 "accepted: perm, employee, established, fixed term, temporary, FTC, "
				 "locum, interim, contractor)") < 0)
			return -1;
	}

	/* fte, or hours against the standard week */
	if (x->col[COL_FTE] < 0 && x->col[COL_HOURS] >= 0) {
		if (check_hours(r, row, raw[COL_HOURS], val[COL_HOURS], &out.fte) < 0)
			return -1;
	} else if (check_fte(r, row, raw[COL_FTE], val[COL_FTE], &out.fte) < 0) {
		return -1;
	}

	out.role = *val[COL_ROLE] ? val[COL_ROLE] : NULL;
	if (check_caseload(r, row, raw[COL_CASELOAD], val[COL_CASELOAD], &out.caseload) < 0 ||
	    extract_date(x, row, col_name[COL_START], raw[COL_START], val[COL_START],
			 out.start_date) < 0 ||
	    extract_date(x, row, col_name[COL_END], raw[COL_END], val[COL_END], out.end_date) < 0 ||
	    check_absence(r, row, raw[COL_ABSENCE], val[COL_ABSENCE], &out.absence_days) < 0)
		return -1;
	if (out.start_date[0] && out.end_date[0] && strcmp(out.end_date, out.start_date) < 0 &&
	    extract_problem(x, row, "end_date", raw[COL_END],
			    "end_date %s is before start_date %s", out.end_date, out.start_date) < 0)
		return -1;

	if (errlist_total(x->errs) != errs_before)
		return 0;   /* the row has problems: not emitted */
	x->valid_rows++;
	return r->emit(r->ud, &out) < 0 ? -1 : 0;
}

int roster_parse_info(const char *data, size_t len, const struct roster_options *opt,
		      roster_row_cb emit, void *ud, struct errlist *errs,
		      struct roster_info *info)
{
	struct extract x;
	struct rparse r = { opt, &x, 37.0, emit, ud, { NULL, 0, 0 } };
	struct roster_info dummy;

	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	if (opt && opt->standard_week_hours > 0)
		r.week = opt->standard_week_hours;
	extract_init(&x, &roster_spec, opt ? opt->max_rows : 0, do_row, map_profile, &r, errs);
	int rc = extract_run(&x, data, len);
	info->encoding = x.encoding;
	info->delimiter = x.delim;
	if (rc >= 0) {
		info->data_rows = x.data_rows;
		info->valid_rows = x.valid_rows;
	}
	for (size_t i = 0; i < x.n_mapped && i < sizeof info->mapped / sizeof info->mapped[0]; i++) {
		memcpy(info->mapped[i].header, x.mapped[i].header, sizeof info->mapped[i].header);
		info->mapped[i].column = x.mapped[i].column;
		info->n_mapped++;
	}
	extract_keys_free(&r.ids);
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
