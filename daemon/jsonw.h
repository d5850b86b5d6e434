/*
 * jsonw.c -- writes JSON text straight into a buf, for the large documents
 * pushed to every wall display on every change (the figures summary): no
 * tree of nodes to allocate and free, so a 1,000-team document costs a few
 * milliseconds.  Commas are placed automatically.  Pure.  Parsing and small
 * documents use cJSON.
 */
#ifndef STEADY_JSONW_H
#define STEADY_JSONW_H

#include "buf.h"

#define JSONW_DEPTH 16

struct jsonw {
	struct buf *out;
	int depth;
	int first[JSONW_DEPTH];  /* no member written yet at this level */
	int failed;              /* out of memory or misuse; the text is then incomplete */
};

void jw_init(struct jsonw *w, struct buf *out);
void jw_obj(struct jsonw *w);             /* { */
void jw_arr(struct jsonw *w);             /* [ */
void jw_end_obj(struct jsonw *w);         /* } */
void jw_end_arr(struct jsonw *w);         /* ] */
void jw_key(struct jsonw *w, const char *key);   /* "key": (then one value) */
void jw_str(struct jsonw *w, const char *s);
void jw_num(struct jsonw *w, double v);   /* finite; NaN and infinities become null */
void jw_int(struct jsonw *w, long v);
void jw_bool(struct jsonw *w, int v);
void jw_null(struct jsonw *w);
/* 0 when everything was written, -1 otherwise. */
int jw_done(const struct jsonw *w);

#endif
