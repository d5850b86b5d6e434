/*
 * strset.h -- a set of strings numbered 0, 1, ... in the order they were
 * first added (interning): the distinct team values of an upload, the staff
 * ids the figures engine knows.
 */
#ifndef STEADY_STRSET_H
#define STEADY_STRSET_H

#include <stddef.h>

struct strset {
	char **v;            /* v[i] = the string numbered i */
	size_t n, cap;
	size_t *slot;        /* open addressing: number + 1, 0 = empty */
	size_t nslots;       /* a power of two, more than twice n */
};

#define STRSET_INIT { NULL, 0, 0, NULL, 0 }

/* The number of `s`, added (copied) if new; -1 when out of memory. */
long strset_add(struct strset *set, const char *s);
void strset_free(struct strset *set);

#endif
