/*
 * errlist.c -- problems found in an uploaded file (see errlist.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "errlist.h"

#define VALUE_MAX 80

static char *dup_trunc(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	char *p;
	if (n > max) {
		/* cut on a UTF-8 character boundary and mark the cut */
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		p = malloc(n + 4);
		if (!p)
			return NULL;
		memcpy(p, s, n);
		memcpy(p + n, "...", 4);
		return p;
	}
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int errlist_add(struct errlist *e, long row, const char *column, const char *value,
		const char *fmt, ...)
{
	size_t limit = e->limit ? e->limit : 1000;
	if (e->n >= limit) {
		e->dropped++;
		return 0;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct load_error *v = realloc(e->v, cap * sizeof *v);
		if (!v)
			return -1;
		e->v = v;
		e->cap = cap;
	}
	struct load_error *le = &e->v[e->n];
	memset(le, 0, sizeof *le);
	le->row = row;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	le->message = strdup(msg);
	if (column)
		le->column = strdup(column);
	if (value)
		le->value = dup_trunc(value, VALUE_MAX);
	if (!le->message || (column && !le->column) || (value && !le->value)) {
		free(le->message);
		free(le->column);
		free(le->value);
		return -1;
	}
	e->n++;
	return 0;
}

void errlist_sort(struct errlist *e)
{
	/* insertion sort: stable, and lists are short (at most `limit`) and mostly in order */
	for (size_t i = 1; i < e->n; i++) {
		struct load_error cur = e->v[i];
		size_t j = i;
		while (j > 0 && e->v[j - 1].row > cur.row) {
			e->v[j] = e->v[j - 1];
			j--;
		}
		e->v[j] = cur;
	}
}

size_t errlist_total(const struct errlist *e)
{
	return e->n + e->dropped;
}

void errlist_free(struct errlist *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].column);
		free(e->v[i].value);
		free(e->v[i].message);
	}
	free(e->v);
	e->v = NULL;
	e->n = e->cap = e->dropped = 0;
}

cJSON *errlist_json(const struct errlist *errs)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return NULL;
	for (size_t i = 0; i < errs->n; i++) {
		const struct load_error *e = &errs->v[i];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		if (!cJSON_AddNumberToObject(o, "row", (double)e->row) ||
		    !(e->column ? cJSON_AddStringToObject(o, "column", e->column)
				: cJSON_AddNullToObject(o, "column")) ||
		    !(e->value ? cJSON_AddStringToObject(o, "value", e->value)
			       : cJSON_AddNullToObject(o, "value")) ||
		    !cJSON_AddStringToObject(o, "message", e->message ? e->message : ""))
			goto fail;
	}
	return arr;
fail:
	cJSON_Delete(arr);
	return NULL;
}
