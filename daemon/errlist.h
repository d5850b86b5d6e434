/*
 * errlist.c -- the list of problems found in an uploaded file, each naming
 * the row (line of the file where the record starts; the header is row 1),
 * the column, the offending value and a reason a person can act on.
 * Pure: used by every parser; errlist_json() is the one JSON form of it.
 */
#ifndef STEADY_ERRLIST_H
#define STEADY_ERRLIST_H

#include <stddef.h>

struct load_error {
	long row;        /* 0 = the file as a whole */
	char *column;    /* canonical column or field name; NULL if none */
	char *value;     /* offending value as found (truncated); NULL if none */
	char *message;
};

struct errlist {
	struct load_error *v;
	size_t n, cap;
	size_t limit;    /* keep at most this many (0 = 1000); the rest are only counted */
	size_t dropped;  /* errors found beyond the limit */
};

#define ERRLIST_INIT { NULL, 0, 0, 0, 0 }

struct cJSON;

/* Returns 0, or -1 if memory ran out (the error is then lost, the caller must fail). */
int errlist_add(struct errlist *e, long row, const char *column, const char *value,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
size_t errlist_total(const struct errlist *e);   /* n + dropped */
/* Orders the problems by row, keeping the order of problems on the same row. */
void errlist_sort(struct errlist *e);
void errlist_free(struct errlist *e);

/* The kept problems as a JSON array [{row, column, value, message}] (column
 * and value null when absent); NULL when out of memory. */
struct cJSON *errlist_json(const struct errlist *errs);

#endif
