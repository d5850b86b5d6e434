/*
 * jsonw.c -- streaming JSON writer (see jsonw.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jsonw.h"

void jw_init(struct jsonw *w, struct buf *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->first[0] = 1;
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	if (!w->failed && buf_append(w->out, s, n) < 0)
		w->failed = 1;
}

/* Before a value: a comma unless it is the first at this level or follows a key. */
static void sep(struct jsonw *w)
{
	if (!w->first[w->depth])
		put(w, ",", 1);
	w->first[w->depth] = 0;
}

static void open_(struct jsonw *w, char c)
{
	sep(w);
	put(w, &c, 1);
	if (w->depth + 1 >= JSONW_DEPTH) {
		w->failed = 1;
		return;
	}
	w->first[++w->depth] = 1;
}

static void close_(struct jsonw *w, char c)
{
	if (w->depth == 0) {
		w->failed = 1;
		return;
	}
	w->depth--;
	put(w, &c, 1);
}

void jw_obj(struct jsonw *w) { open_(w, '{'); }
void jw_arr(struct jsonw *w) { open_(w, '['); }
void jw_end_obj(struct jsonw *w) { close_(w, '}'); }
void jw_end_arr(struct jsonw *w) { close_(w, ']'); }

static void string(struct jsonw *w, const char *s)
{
	put(w, "\"", 1);
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(p - run));
		char esc[8];
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			put(w, esc, 6);
		}
		run = p + 1;
	}
	put(w, run, strlen(run));
	put(w, "\"", 1);
}

void jw_key(struct jsonw *w, const char *key)
{
	sep(w);
	string(w, key);
	put(w, ":", 1);
	w->first[w->depth] = 1; /* the value that follows takes no comma */
}

void jw_str(struct jsonw *w, const char *s)
{
	sep(w);
	string(w, s);
}

void jw_num(struct jsonw *w, double v)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	char num[32];
	int n = snprintf(num, sizeof num, "%.15g", v);
	sep(w);
	put(w, num, (size_t)n);
}

void jw_int(struct jsonw *w, long v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%ld", v);
	sep(w);
	put(w, num, (size_t)n);
}

void jw_bool(struct jsonw *w, int v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

int jw_done(const struct jsonw *w)
{
	return w->failed || w->depth != 0 ? -1 : 0;
}
