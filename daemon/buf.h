/*
 * buf.c -- a growable byte buffer (always NUL-terminated) for building
 * strings, JSON and COPY data without fixed-size arrays.
 */
#ifndef STEADY_BUF_H
#define STEADY_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

int buf_reserve(struct buf *b, size_t extra);          /* 0 or -1 (ENOMEM) */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);                         /* len = 0, keeps memory */
void buf_free(struct buf *b);
char *buf_steal(struct buf *b);                        /* caller frees; b is emptied */

#endif
