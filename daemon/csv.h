/*
 * csv.c -- owns the CSV syntax (RFC 4180 plus what spreadsheets really
 * write): delimiter sniffing, quoted fields with embedded delimiters, doubled
 * quotes and line breaks, CRLF/LF/CR line ends, and the file line on which
 * each record starts.  A streaming parser: feed chunks, get one callback per
 * record, memory bounded by one record.  Pure: no I/O, no logging.
 *
 * Input is bytes (normally UTF-8 from text.c); only the ASCII delimiter,
 * quote, CR and LF are special, so multi-byte UTF-8 passes through intact.
 */
#ifndef STEADY_CSV_H
#define STEADY_CSV_H

#include <stddef.h>

#define CSV_DEFAULT_MAX_FIELD  65536   /* bytes per field */
#define CSV_DEFAULT_MAX_FIELDS 1024    /* fields per record */

struct csv_options {
	char delim;            /* ',', ';' or '\t'; 0 = ',' */
	size_t max_field_len;  /* 0 = CSV_DEFAULT_MAX_FIELD */
	size_t max_fields;     /* 0 = CSV_DEFAULT_MAX_FIELDS */
	long first_line;       /* line number of the first byte fed; 0 = 1 */
};

struct csv_record {
	long line;                  /* line of the file on which the record starts */
	size_t nfields;             /* >= 1 */
	const char *const *field;   /* NUL-terminated field values, quotes removed */
	const size_t *len;          /* their lengths in bytes */
	/* NULL, or why the record is malformed (a sentence naming the problem).
	 * The fields of a malformed record hold what was read before the problem
	 * and must not be trusted.  Parsing goes on with the next line. */
	const char *error;
};

/* Called once per record, valid during the call only.  Return 0 to go on,
 * -1 to abort the parse (csv_feed/csv_finish then return -1). */
typedef int (*csv_record_cb)(void *ud, const struct csv_record *rec);

/*
 * Lines that are completely empty (nothing between two line ends) are skipped
 * and produce no record; a line of only delimiters (",,,") is a record of
 * empty fields.  Recoverable problems (a quote inside an unquoted value, text
 * after a closing quote, a value longer than max_field_len, more than
 * max_fields fields, a quoted value never closed at the end of input) are
 * reported as a record with `error` set.
 */
struct csv_parser;

struct csv_parser *csv_parser_new(const struct csv_options *opt, csv_record_cb cb, void *ud);
/* 0, or -1 (out of memory, or the callback aborted). */
int csv_feed(struct csv_parser *p, const char *data, size_t len);
/* Flush the last record at end of input: 0 or -1.  The parser is then spent. */
int csv_finish(struct csv_parser *p);
/* Number of malformed records reported so far. */
size_t csv_error_count(const struct csv_parser *p);
void csv_parser_free(struct csv_parser *p);

/* Whole buffer in one call.  Returns 0 when every record was well formed,
 * 1 when at least one malformed record was reported, -1 on a fatal failure. */
int csv_parse_buffer(const char *data, size_t len, const struct csv_options *opt,
		     csv_record_cb cb, void *ud);

struct csv_dialect {
	char delim;          /* ',', ';' or '\t' */
	size_t skip_bytes;   /* bytes of an Excel "sep=X" line to skip, else 0 */
	long first_line;     /* line number of data + skip_bytes (2 after "sep=X") */
};

/*
 * Pick the delimiter from the header line (the first non-empty line, quotes
 * respected): the one of ',', ';', TAB that occurs outside quotes.  Excel's
 * "sep=X" first line is honoured.  A header with none of them is one column,
 * read as ','.  Returns 0, or 1 when more than one kind occurs (ambiguous) and
 * *why says so.
 */
int csv_sniff(const char *data, size_t len, struct csv_dialect *d, const char **why);

#endif
