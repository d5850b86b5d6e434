/*
 * roster.c -- turns the bytes of a roster extract (HR or agency supplier)
 * into validated rows: encoding to UTF-8, delimiter, header mapping with
 * aliases, contract types, FTE, dates, duplicate staff ids.  Pure: no I/O,
 * no database; whether a team exists is checked where the teams live (SQL).
 */
#ifndef STEADY_ROSTER_H
#define STEADY_ROSTER_H

#include <stddef.h>

#include "errlist.h"

enum contract { CONTRACT_PERMANENT = 0, CONTRACT_FIXED_TERM = 1, CONTRACT_AGENCY = 2 };
#define CONTRACT_COUNT 3

/* "permanent", "fixed_term", "agency" */
const char *contract_name(enum contract c);

struct roster_row {
	long row;               /* line of the file where this record starts (header = 1) */
	const char *staff_id;   /* UTF-8, trimmed, never empty; valid during the callback only */
	const char *team;       /* UTF-8, trimmed, never empty */
	enum contract contract;
	double fte;             /* 0 < fte <= 1 */
	const char *role;       /* NULL when absent or empty */
	int caseload;           /* -1 when absent or empty */
	char start_date[11];    /* "YYYY-MM-DD", or "" when absent */
	char end_date[11];      /* "YYYY-MM-DD", or "" when absent */
	double absence_days;    /* -1 when absent or empty */
};

/* Return 0 to go on, -1 to abort the parse (e.g. out of memory). */
typedef int (*roster_row_cb)(void *ud, const struct roster_row *row);

/* One entry of a saved column-mapping profile: a header as some system spells
 * it -> a canonical column name ("staff_id", "team", ...).  Compared like the
 * built-in aliases (case, spaces, '_', '-', '.' ignored) and tried first. */
struct roster_alias {
	const char *header;
	const char *column;
};

struct roster_options {
	double standard_week_hours;  /* for an `hours` column instead of `fte`; 0 = 37 */
	size_t max_rows;             /* 0 = no limit; more data rows is an error */
	const struct roster_alias *extra_aliases;  /* may be NULL */
	size_t n_extra_aliases;
};

/* 1 when `name` is a canonical roster column (what a profile may map to). */
int roster_column_known(const char *name);

/*
 * Parse and validate a whole roster file held in memory.  `emit` is called for
 * every valid data row in file order (rows are emitted even if other rows have
 * errors: the caller stores nothing when the result is 1).
 * Returns 0 when the file is valid, 1 when `errs` holds at least one problem,
 * -1 on a fatal failure (allocation, or `emit` returned -1).
 */
int roster_parse(const char *data, size_t len, const struct roster_options *opt,
		 roster_row_cb emit, void *ud, struct errlist *errs);

/* What roster_parse_info found out about the file, for an upload preview. */
struct roster_info {
	const char *encoding;   /* text_encoding_name() of the detected encoding; NULL if not read */
	char delimiter;         /* ',', ';' or '\t'; 0 if not determined */
	long data_rows;         /* non-empty data records read (valid or not) */
	long valid_rows;        /* rows passed to emit */
	size_t n_mapped;        /* header columns recognised, in file order: */
	struct { char header[64]; const char *column; } mapped[16];
};

/* roster_parse, also filling *info (which may be NULL). */
int roster_parse_info(const char *data, size_t len, const struct roster_options *opt,
		      roster_row_cb emit, void *ud, struct errlist *errs,
		      struct roster_info *info);

/* Map a contract value as written in an extract ("Perm", "Fixed Term", "Locum", ...;
 * case and surrounding spaces ignored).  0, or -1 when it is not a known type. */
int contract_parse(const char *s, enum contract *out);

#endif
