/*
 * csv.c -- streaming CSV tokenizer and delimiter sniffing (see csv.h).
 *
 * A byte-at-a-time state machine, so chunk boundaries may fall anywhere (in
 * the middle of a CRLF, of a doubled quote, of a UTF-8 character).  The bytes
 * of the current record live in one buffer, each field NUL-terminated; fields
 * are located by offset so the buffer may move while it grows.
 *
 * Leniencies, none of which changes the meaning of a well-formed file:
 * spaces before an opening quote and after a closing quote are dropped
 * (hand-edited `a, "b,c"`).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"

enum csv_state {
	S_RECORD,   /* between records: skipping line ends */
	S_FIELD,    /* at the start of a field (after a delimiter) */
	S_UNQUOTED, /* inside an unquoted field */
	S_QUOTED,   /* inside a quoted field */
	S_QUOTE,    /* a quote inside a quoted field: closing, or the first of "" */
	S_AFTER,    /* spaces after a closing quote */
	S_SKIP      /* a malformed record: discard the rest of the physical line */
};

struct csv_parser {
	char delim;
	size_t max_field, max_fields;
	csv_record_cb cb;
	void *ud;

	enum csv_state st;
	long line;         /* line of the byte being processed */
	int prev_cr;       /* the previous byte was CR (for CRLF line counting) */
	long rec_line;     /* line where the current record starts */
	long quote_line;   /* line where the current quoted field opened */
	int only_space;    /* the unquoted field so far is all spaces */

	struct buf data;   /* fields of the current record, each NUL-terminated */
	size_t *off, *lens;
	const char **ptrs;
	size_t nf, cap;
	size_t cur_start;  /* offset of the current field in data */

	int rec_err;
	char errmsg[240];
	size_t nerrors;
	int dead;          /* aborted or finished */
};

struct csv_parser *csv_parser_new(const struct csv_options *opt, csv_record_cb cb, void *ud)
{
	struct csv_parser *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->delim = opt && opt->delim ? opt->delim : ',';
	p->max_field = opt && opt->max_field_len ? opt->max_field_len : CSV_DEFAULT_MAX_FIELD;
	p->max_fields = opt && opt->max_fields ? opt->max_fields : CSV_DEFAULT_MAX_FIELDS;
	p->line = opt && opt->first_line > 0 ? opt->first_line : 1;
	p->cb = cb;
	p->ud = ud;
	p->st = S_RECORD;
	return p;
}

void csv_parser_free(struct csv_parser *p)
{
	if (!p)
		return;
	buf_free(&p->data);
	free(p->off);
	free(p->lens);
	free(p->ptrs);
	free(p);
}

size_t csv_error_count(const struct csv_parser *p)
{
	return p->nerrors;
}

static void set_error(struct csv_parser *p, int override, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Mark the current record malformed; the first problem wins unless `override`. */
static void set_error(struct csv_parser *p, int override, const char *fmt, ...)
{
	if (p->rec_err && !override)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->errmsg, sizeof p->errmsg, fmt, ap);
	va_end(ap);
	p->rec_err = 1;
}

static void begin_record(struct csv_parser *p)
{
	p->rec_line = p->line;
	p->nf = 0;
	p->rec_err = 0;
	buf_reset(&p->data);
}

static void begin_field(struct csv_parser *p)
{
	p->cur_start = p->data.len;
	p->only_space = 1;
}

static int add_char(struct csv_parser *p, char c)
{
	if (p->data.len - p->cur_start >= p->max_field) {
		set_error(p, 0, "a value on line %ld is longer than %zu characters; is a closing "
			  "quote (\") missing?", p->line, p->max_field);
		return 0;
	}
	return buf_putc(&p->data, c);
}

static int end_field(struct csv_parser *p)
{
	if (p->nf >= p->max_fields) {
		set_error(p, 0, "the record starting on line %ld has more than %zu values",
			  p->rec_line, p->max_fields);
		p->data.len = p->cur_start;   /* drop the bytes of the excess field */
		return 0;
	}
	if (p->nf == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		size_t *off = realloc(p->off, cap * sizeof *off);
		if (!off)
			return -1;
		p->off = off;
		size_t *lens = realloc(p->lens, cap * sizeof *lens);
		if (!lens)
			return -1;
		p->lens = lens;
		const char **ptrs = realloc(p->ptrs, cap * sizeof *ptrs);
		if (!ptrs)
			return -1;
		p->ptrs = ptrs;
		p->cap = cap;
	}
	p->off[p->nf] = p->cur_start;
	p->lens[p->nf] = p->data.len - p->cur_start;
	if (buf_putc(&p->data, '\0') < 0)
		return -1;
	p->nf++;
	return 0;
}

static int end_record(struct csv_parser *p)
{
	for (size_t i = 0; i < p->nf; i++)
		p->ptrs[i] = p->data.data + p->off[i];
	struct csv_record rec = {
		.line = p->rec_line,
		.nfields = p->nf,
		.field = p->ptrs,
		.len = p->lens,
		.error = p->rec_err ? p->errmsg : NULL,
	};
	if (p->rec_err)
		p->nerrors++;
	p->st = S_RECORD;
	if (p->cb(p->ud, &rec) < 0) {
		p->dead = 1;
		return -1;
	}
	return 0;
}

static int is_eol(char c)
{
	return c == '\r' || c == '\n';
}

static int step(struct csv_parser *p, char c)
{
	switch (p->st) {
	case S_RECORD:
		if (is_eol(c))
			return 0;          /* empty line, or the LF of a CRLF */
		begin_record(p);
		/* fall through */
	case S_FIELD:
		begin_field(p);
		if (c == '"') {
			p->quote_line = p->line;
			p->st = S_QUOTED;
			return 0;
		}
		if (c == p->delim) {
			p->st = S_FIELD;
			return end_field(p);
		}
		if (is_eol(c)) {
			if (end_field(p) < 0)
				return -1;
			return end_record(p);
		}
		p->st = S_UNQUOTED;
		p->only_space = c == ' ';
		return add_char(p, c);
	case S_UNQUOTED:
		if (c == p->delim) {
			p->st = S_FIELD;
			return end_field(p);
		}
		if (is_eol(c)) {
			if (end_field(p) < 0)
				return -1;
			return end_record(p);
		}
		if (c == '"') {
			if (p->only_space) {
				/* `a, "b"`: the spaces before the opening quote are layout */
				p->data.len = p->cur_start;
				p->quote_line = p->line;
				p->st = S_QUOTED;
				return 0;
			}
			set_error(p, 0, "line %ld has a quote (\") inside a value that does not start "
				  "with a quote; put the whole value in quotes and double the inner "
				  "quote (\"\")", p->line);
			p->st = S_SKIP;
			return 0;
		}
		if (c != ' ')
			p->only_space = 0;
		return add_char(p, c);
	case S_QUOTED:
		if (c == '"') {
			p->st = S_QUOTE;
			return 0;
		}
		return add_char(p, c);
	case S_QUOTE:
		if (c == '"') {
			p->st = S_QUOTED;
			return add_char(p, '"');
		}
		/* otherwise the quote closed the field */
		/* fall through */
	case S_AFTER:
		if (c == p->delim) {
			p->st = S_FIELD;
			return end_field(p);
		}
		if (is_eol(c)) {
			if (end_field(p) < 0)
				return -1;
			return end_record(p);
		}
		if (c == ' ') {
			p->st = S_AFTER;
			return 0;
		}
		set_error(p, 0, "line %ld has text after the closing quote of a value; a quote "
			  "inside a quoted value must be doubled (\"\")", p->line);
		p->st = S_SKIP;
		return 0;
	case S_SKIP:
		if (is_eol(c))
			return end_record(p);
		return 0;
	}
	return 0;
}

int csv_feed(struct csv_parser *p, const char *data, size_t len)
{
	if (p->dead)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (step(p, c) < 0) {
			p->dead = 1;
			return -1;
		}
		if (c == '\r') {
			p->line++;
			p->prev_cr = 1;
		} else if (c == '\n') {
			if (!p->prev_cr)
				p->line++;
			p->prev_cr = 0;
		} else {
			p->prev_cr = 0;
		}
	}
	return 0;
}

int csv_finish(struct csv_parser *p)
{
	if (p->dead)
		return -1;
	p->dead = 1;
	switch (p->st) {
	case S_RECORD:
		return 0;
	case S_FIELD:
		/* the input ended right after a delimiter: one more, empty, field */
		begin_field(p);
		if (end_field(p) < 0)
			return -1;
		return end_record(p);
	case S_QUOTED:
		set_error(p, 1, "a quoted value that starts on line %ld is never closed: a closing "
			  "quote (\") is missing", p->quote_line);
		/* fall through */
	case S_UNQUOTED:
	case S_QUOTE:
	case S_AFTER:
		if (end_field(p) < 0)
			return -1;
		/* fall through */
	case S_SKIP:
		return end_record(p);
	}
	return 0;
}

int csv_parse_buffer(const char *data, size_t len, const struct csv_options *opt,
		     csv_record_cb cb, void *ud)
{
	int rc = -1;
	struct csv_parser *p = csv_parser_new(opt, cb, ud);
	if (!p)
		return -1;
	if (csv_feed(p, data, len) < 0 || csv_finish(p) < 0)
		goto fail;
	rc = p->nerrors ? 1 : 0;
fail:
	csv_parser_free(p);
	return rc;
}

int csv_sniff(const char *data, size_t len, struct csv_dialect *d, const char **why)
{
	size_t i = 0;
	d->delim = ',';
	d->skip_bytes = 0;
	d->first_line = 1;
	*why = NULL;

	/* Excel's explicit separator line: "sep=;" */
	if (len >= 5 && memcmp(data, "sep=", 4) == 0 &&
	    (len == 5 || is_eol(data[5])) &&
	    (data[4] == ',' || data[4] == ';' || data[4] == '\t')) {
		d->delim = data[4];
		i = 5;
		if (i < len && data[i] == '\r')
			i++;
		if (i < len && data[i] == '\n')
			i++;
		d->skip_bytes = i;
		d->first_line = 2;
		return 0;
	}

	while (i < len && is_eol(data[i]))   /* leading empty lines */
		i++;
	size_t comma = 0, semi = 0, tab = 0;
	int inq = 0;
	for (; i < len; i++) {
		char c = data[i];
		if (c == '"')
			inq = !inq;
		else if (inq)
			continue;
		else if (is_eol(c))
			break;
		else if (c == ',')
			comma++;
		else if (c == ';')
			semi++;
		else if (c == '\t')
			tab++;
	}
	int kinds = (comma > 0) + (semi > 0) + (tab > 0);
	if (kinds > 1) {
		*why = "the header line contains more than one kind of separator (comma, semicolon, "
		       "tab) outside quotes, so the column separator is ambiguous; use one separator "
		       "and quote any header that contains another";
		return 1;
	}
	if (semi)
		d->delim = ';';
	else if (tab)
		d->delim = '\t';
	return 0;
}
