/*
 * extract.c -- what every tabular upload parser shares: decoding to UTF-8
 * (text.c), delimiter sniffing and CSV syntax (csv.c), the header row mapped
 * to canonical columns through an alias table, problem recording, empty
 * records, row limits, trimmed copies of a row's values, dates (dates.c) and
 * a set of 96-bit key hashes for repeated-row checks.  Used by roster.c and
 * alloc.c, which supply the columns and validate each row.  Pure: no I/O, no
 * database.
 */
#ifndef STEADY_EXTRACT_H
#define STEADY_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "errlist.h"

#define EXTRACT_MAX_COLS 16     /* canonical columns a parser may define */
#define EXTRACT_MAX_MAPPED 16   /* header columns remembered for a preview */

/* A header spelling, normalised (extract_normalise), and the column it means. */
struct extract_alias {
	const char *norm;
	int col;
};

/* What a parser is: its columns and how their problems are worded. */
struct extract_spec {
	const char *const *col_name;        /* canonical column names, ncols of them */
	size_t ncols;                       /* <= EXTRACT_MAX_COLS */
	const struct extract_alias *alias;  /* built-in header spellings */
	size_t nalias;
	size_t nrequired;                   /* columns 0 .. nrequired-1 must be in the header */
	const char *const *required_hint;   /* nrequired "also accepted: ..." hints */
	const char *comma_hint;             /* appended to the too-many-values message when
					     * the delimiter is a comma; NULL = none */
	int decode_error_at_line;           /* an undecodable file is reported on the line of
					     * the problem (1) or for the file as a whole (0) */
	size_t max_field;                   /* bytes in one value */
};

struct extract;

/*
 * Called for every non-empty data row once the values are read: raw[c] is the
 * untrimmed value of column c as found ("" when absent), val[c] the trimmed,
 * NUL-terminated copy (valid during the call only).  Record problems with
 * extract_problem; count a row passed on in x->valid_rows.  Return 0 to go
 * on, -1 on a fatal failure (out of memory, the caller's emit failed).
 */
typedef int (*extract_row_cb)(void *ud, struct extract *x, long row,
			      const char *const *raw, const char *const *val);

/* Column mapped from a header found in the file before the built-in aliases
 * (a saved profile): the column index, or -1.  `norm` is normalised. */
typedef int (*extract_map_cb)(void *ud, const char *norm);

struct extract {
	/* set by the caller (extract_init) */
	const struct extract_spec *spec;
	size_t max_rows;          /* 0 = no limit; more data rows is an error */
	extract_row_cb row;
	extract_map_cb map;       /* may be NULL */
	void *ud;
	struct errlist *errs;

	/* found out by extract_run */
	const char *encoding;     /* text_encoding_name(); NULL if not read */
	char delim;               /* ',', ';' or '\t'; 0 if not determined */
	int have_header;
	long col[EXTRACT_MAX_COLS];   /* field index of each column, -1 = absent */
	size_t ncols;             /* fields in the header */
	size_t n_mapped;          /* header columns recognised, in file order */
	struct { char header[64]; const char *column; } mapped[EXTRACT_MAX_MAPPED];
	long data_rows;           /* non-empty data records read (valid or not) */
	long valid_rows;          /* counted by the row callback */

	struct buf scratch;       /* trimmed copies of the current row's values */
	int bad;                  /* at least one problem recorded */
	int fatal;                /* out of memory or the row callback failed */
	int stopped;              /* ended early on purpose (header unusable, too many rows) */
};

void extract_init(struct extract *x, const struct extract_spec *spec, size_t max_rows,
		  extract_row_cb row, extract_map_cb map, void *ud, struct errlist *errs);

/*
 * Decode, sniff and parse the whole file held in memory, mapping the first
 * non-empty record as the header and calling x->row for every data row.
 * Returns 0 when the file is valid, 1 when x->errs holds at least one
 * problem, -1 on a fatal failure.  data_rows and valid_rows are meaningful
 * only when the result is not -1.  Frees what it allocated.
 */
int extract_run(struct extract *x, const char *data, size_t len);

/* Record a problem; returns 0, or -1 (and marks the parse fatal) if memory ran out. */
int extract_problem(struct extract *x, long row, const char *column, const char *value,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A date column: empty gives out = "", else "YYYY-MM-DD" or a problem.  0, or -1 (fatal). */
int extract_date(struct extract *x, long row, const char *column, const char *raw,
		 const char *v, char out[11]);

/* Trim ASCII whitespace and U+00A0 (no-break space, common in Excel exports). */
void extract_trim(const char **s, size_t *n);

/* Normalise a header or value into out (size cap): leading BOM dropped, trimmed,
 * ASCII lower case, without ' ', '_', '-', '.'.  Returns 0, or -1 if too long. */
int extract_normalise(const char *s, size_t n, char *out, size_t cap);

/* 1 when s holds a control character (line break, tab, ...). */
int extract_has_control(const char *s);

/* ---- keys seen: a 96-bit hash of each key (16 bytes a key, no copy) ---- */

struct extract_key_slot {
	uint64_t h1;
	uint32_t h2;
	uint32_t row;   /* 0 = empty slot (data rows are >= 2) */
};

struct extract_keys {
	struct extract_key_slot *v;
	size_t n, cap;  /* cap is 0 or a power of two */
};

/* Add the key made of nparts strings (none containing 0x1F) first seen on
 * `row`.  Returns 0 when new, the earlier row (> 0) when the key was already
 * there, -1 when memory ran out. */
long extract_keys_add(struct extract_keys *set, const char *const *part, size_t nparts, long row);
void extract_keys_free(struct extract_keys *set);

#endif
