/*
 * alloc.c -- turns the bytes of a case-allocation extract (from the case
 * management system: one row per period during which a named worker held a
 * child's case) into validated rows: encoding to UTF-8 (text.c), delimiter
 * and CSV syntax (csv.c), header mapping with aliases, dates (dates.c),
 * period order, repeated periods.  Pure: no I/O, no database; whether a team
 * exists is checked where the teams live (SQL, sql/003_allocations.sql).
 *
 * Rules (docs/metrics.md, "Case allocations"):
 *  - columns case_id, team, worker_id, allocated_on, ended_on are all
 *    required in the header (an unrecognised end-date header must not quietly
 *    turn every allocation into a still-open one); ended_on may be empty on a
 *    row (= still allocated); other columns are ignored;
 *  - ids are text, trimmed, never parsed as numbers;
 *  - ended_on before allocated_on is an error; ended_on == allocated_on (a
 *    one-day period) is fine;
 *  - periods may overlap, for the same case, even for the same worker
 *    (co-working, cover, a team transfer recorded as a new period): they are
 *    real states of a case and the figures are defined for them;
 *  - the same worker starting the same case twice on the same date (same
 *    case_id, worker_id and allocated_on on two rows: a repeated row or two
 *    contradictory versions of one period) is an error naming both rows.
 *    Detected with a 96-bit hash of that key per row (16 bytes a row, no
 *    copy of the ids): memory stays flat in everything but that table.
 */
#ifndef STEADY_ALLOC_H
#define STEADY_ALLOC_H

#include <stddef.h>

#include "errlist.h"

struct alloc_row {
	long row;               /* line of the file where this record starts (header = 1) */
	const char *case_id;    /* UTF-8, trimmed, never empty; valid during the callback only */
	const char *team;       /* UTF-8, trimmed, never empty */
	const char *worker_id;  /* UTF-8, trimmed, never empty */
	char allocated_on[11];  /* "YYYY-MM-DD" */
	char ended_on[11];      /* "YYYY-MM-DD", or "" while still allocated */
};

/* Return 0 to go on, -1 to abort the parse (e.g. out of memory). */
typedef int (*alloc_row_cb)(void *ud, const struct alloc_row *row);

struct alloc_options {
	size_t max_rows;        /* 0 = no limit; more data rows is an error */
};

/* What alloc_parse_info found out about the file, for messages and previews. */
struct alloc_info {
	const char *encoding;   /* text_encoding_name() of the detected encoding; NULL if not read */
	char delimiter;         /* ',', ';' or '\t'; 0 if not determined */
	long data_rows;         /* non-empty data records read (valid or not) */
	long valid_rows;        /* rows passed to emit */
};

/*
 * Parse and validate a whole allocation extract held in memory.  `emit` is
 * called for every valid data row in file order (also when other rows have
 * errors: the caller stores nothing when the result is 1).  opt may be NULL.
 * Returns 0 when the file is valid, 1 when `errs` holds at least one problem,
 * -1 on a fatal failure (allocation, or `emit` returned -1).
 */
int alloc_parse(const char *data, size_t len, const struct alloc_options *opt,
		alloc_row_cb emit, void *ud, struct errlist *errs);

/* alloc_parse, also filling *info (which may be NULL). */
int alloc_parse_info(const char *data, size_t len, const struct alloc_options *opt,
		     alloc_row_cb emit, void *ud, struct errlist *errs, struct alloc_info *info);

#endif
