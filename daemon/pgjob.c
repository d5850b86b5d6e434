/*
 * pgjob.c -- database jobs: building them, and running them blocking.
 */
#include <stdlib.h>
#include <string.h>

#include "pgjob.h"

static struct pgstep *add_step(struct pgjob *job, enum pgstep_kind kind, const char *sql)
{
	if (job->n == job->cap) {
		size_t cap = job->cap ? job->cap * 2 : 8;
		struct pgstep *s = realloc(job->steps, cap * sizeof *s);
		if (!s)
			return NULL;
		job->steps = s;
		job->cap = cap;
	}
	struct pgstep *st = &job->steps[job->n];
	memset(st, 0, sizeof *st);
	st->kind = kind;
	st->sql = strdup(sql);
	if (!st->sql)
		return NULL;
	job->n++;
	return st;
}

static void free_step(struct pgstep *st)
{
	for (int i = 0; i < st->nparams; i++)
		free(st->values[i]);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->sql);
	buf_free(&st->copy);
	if (st->prepare_free)
		st->prepare_free(st->prepare_ud);
}

int pgjob_add_query(struct pgjob *job, const char *sql, int nparams,
		    const char *const *values, const int *lengths, const int *formats)
{
	struct pgstep *st = add_step(job, PGSTEP_QUERY, sql);
	if (!st)
		return -1;
	if (nparams == 0)
		return 0;
	st->values = calloc((size_t)nparams, sizeof *st->values);
	st->lengths = calloc((size_t)nparams, sizeof *st->lengths);
	st->formats = calloc((size_t)nparams, sizeof *st->formats);
	if (!st->values || !st->lengths || !st->formats)
		goto fail;
	st->nparams = nparams;
	for (int i = 0; i < nparams; i++) {
		if (!values[i])
			continue;
		int bin = formats && formats[i];
		size_t len = bin ? (size_t)lengths[i] : strlen(values[i]);
		st->values[i] = malloc(len + 1);
		if (!st->values[i])
			goto fail;
		memcpy(st->values[i], values[i], len);
		st->values[i][len] = '\0';
		st->lengths[i] = (int)len;
		st->formats[i] = bin;
	}
	return 0;
fail:
	/* leave the step in place: pgjob_free releases what was allocated */
	return -1;
}

struct buf *pgjob_add_copy(struct pgjob *job, const char *sql)
{
	struct pgstep *st = add_step(job, PGSTEP_COPY_IN, sql);
	return st ? &st->copy : NULL;
}

void pgjob_set_prepare(struct pgjob *job, pgstep_prepare_fn fn, void *ud, void (*ud_free)(void *))
{
	struct pgstep *st = &job->steps[job->n - 1];
	st->prepare = fn;
	st->prepare_ud = ud;
	st->prepare_free = ud_free;
}

int pgstep_prepare(struct pgstep *st, const PGresult *prev, const char **why)
{
	*why = NULL;
	if (!st->prepare)
		return 0;
	if (st->prepare(st->prepare_ud, st, prev, why) < 0) {
		if (!*why)
			*why = "preparing a statement failed";
		return -1;
	}
	return 0;
}

void pgjob_free(struct pgjob *job)
{
	for (size_t i = 0; i < job->n; i++)
		free_step(&job->steps[i]);
	free(job->steps);
	job->steps = NULL;
	job->n = job->cap = 0;
}

int pgcopy_field(struct buf *b, const char *s, int first)
{
	if (!first && buf_putc(b, '\t') < 0)
		return -1;
	if (!s)
		return buf_append(b, "\\N", 2);
	/* runs of plain characters in one append (per character, this was a fifth of a parse) */
	for (;;) {
		size_t n = strcspn(s, "\\\t\n\r");
		if (n && buf_append(b, s, n) < 0)
			return -1;
		s += n;
		if (!*s)
			return 0;
		const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : "\\r";
		if (buf_append(b, esc, 2) < 0)
			return -1;
		s++;
	}
}

const char *pgjob_sqlstate(const struct pgjob_outcome *out)
{
	const char *s = out->result ? PQresultErrorField(out->result, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

void pgjob_outcome_clear(struct pgjob_outcome *out)
{
	if (out->result)
		PQclear(out->result);
	free(out->error);
	memset(out, 0, sizeof *out);
	out->failed_step = -1;
}

int pgjob_outcome_fail(struct pgjob_outcome *out, long step, PGresult *res, const char *msg)
{
	out->ok = 0;
	out->failed_step = step;
	if (out->result && out->result != res)
		PQclear(out->result);
	out->result = res;
	const char *m = msg;
	if (res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY))
		m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	free(out->error);
	out->error = strdup(m ? m : "unknown database error");
	/* strip the trailing newline libpq puts on connection messages */
	if (out->error) {
		size_t n = strlen(out->error);
		while (n && (out->error[n - 1] == '\n' || out->error[n - 1] == ' '))
			out->error[--n] = '\0';
	}
	return -1;
}

static int result_ok(PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

int pgjob_run_sync(PGconn *conn, const struct pgjob *job, struct pgjob_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->failed_step = -1;
	long want = job->result_step < 0 ? (long)job->n - 1 : job->result_step;
	PGresult *prev = NULL;   /* the previous step's result, for a prepare function */

	for (size_t i = 0; i < job->n; i++) {
		struct pgstep *st = &job->steps[i];
		const char *why;
		int prepared = pgstep_prepare(st, prev, &why);
		if (prev && prev != out->result)
			PQclear(prev);
		prev = NULL;
		if (prepared < 0) {
			pgjob_outcome_fail(out, (long)i, NULL, why);
			goto fail;
		}
		PGresult *r = PQexecParams(conn, st->sql, st->nparams, NULL,
					   (const char *const *)st->values, st->lengths,
					   st->formats, 0);
		if (st->kind == PGSTEP_COPY_IN && r && PQresultStatus(r) == PGRES_COPY_IN) {
			PQclear(r);
			if (PQputCopyData(conn, st->copy.data ? st->copy.data : "",
					  (int)st->copy.len) != 1 ||
			    PQputCopyEnd(conn, NULL) != 1) {
				pgjob_outcome_fail(out, (long)i, NULL, PQerrorMessage(conn));
				goto fail;
			}
			r = PQgetResult(conn);
			PGresult *extra;
			while ((extra = PQgetResult(conn)) != NULL)
				PQclear(extra);
		}
		if (!r || !result_ok(r)) {
			pgjob_outcome_fail(out, (long)i, r, PQerrorMessage(conn));
			goto fail;
		}
		if ((long)i == want)
			out->result = r;
		prev = r;
	}
	if (prev && prev != out->result)
		PQclear(prev);
	out->ok = 1;
	return 0;
fail:
	if (PQtransactionStatus(conn) == PQTRANS_INERROR ||
	    PQtransactionStatus(conn) == PQTRANS_INTRANS)
		PQclear(PQexec(conn, "ROLLBACK"));
	return -1;
}
