/*
 * strset.c -- interned strings (see strset.h).
 */
#include <stdlib.h>
#include <string.h>

#include "strset.h"

static size_t hash(const char *s)
{
	size_t h = (size_t)1469598103934665603u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211u;
	return h;
}

static int grow(struct strset *set)
{
	size_t nslots = set->nslots ? set->nslots * 2 : 64;
	size_t *slot = calloc(nslots, sizeof *slot);
	if (!slot)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		size_t j = hash(set->v[i]) & (nslots - 1);
		while (slot[j])
			j = (j + 1) & (nslots - 1);
		slot[j] = i + 1;
	}
	free(set->slot);
	set->slot = slot;
	set->nslots = nslots;
	return 0;
}

long strset_add(struct strset *set, const char *s)
{
	if (2 * (set->n + 1) >= set->nslots && grow(set) < 0)
		return -1;
	size_t j = hash(s) & (set->nslots - 1);
	for (; set->slot[j]; j = (j + 1) & (set->nslots - 1))
		if (strcmp(set->v[set->slot[j] - 1], s) == 0)
			return (long)set->slot[j] - 1;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 32;
		char **v = realloc(set->v, cap * sizeof *v);
		if (!v)
			return -1;
		set->v = v;
		set->cap = cap;
	}
	if (!(set->v[set->n] = strdup(s)))
		return -1;
	set->slot[j] = ++set->n;
	return (long)set->n - 1;
}

void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	free(set->slot);
	memset(set, 0, sizeof *set);
}
