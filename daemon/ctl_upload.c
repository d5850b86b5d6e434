/*
 * ctl_upload.c -- steadyctl upload / uploads / revert (see ctl_upload.h):
 * blocking libpq, the jobs built by load.c, the SQL functions of sql/004.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ctl_upload.h"
#include "errlist.h"
#include "load.h"

static int read_all(const char *path, struct buf *out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "steadyctl: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(out, chunk, n) < 0) {
			fprintf(stderr, "steadyctl: out of memory reading %s\n", path);
			rc = -1;
			break;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "steadyctl: reading %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

static void print_errors(FILE *to, const char *file, const struct errlist *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		const struct load_error *e = &errs->v[i];
		fprintf(to, "%s: row %ld", file, e->row);
		if (e->column)
			fprintf(to, ", column %s", e->column);
		if (e->value)
			fprintf(to, ", value \"%s\"", e->value);
		fprintf(to, ": %s\n", e->message);
	}
	if (errs->dropped)
		fprintf(to, "%s: ... and %zu more problems\n", file, errs->dropped);
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void rate(char *out, size_t len, const cJSON *side)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(side, "agency_rate_fte");
	if (cJSON_IsNumber(v))
		snprintf(out, len, "%.1f%%", v->valuedouble);
	else
		snprintf(out, len, "no data");
}

/* The preview for people: what was read, problems, warnings, changes. */
static void print_preview(const char *path, const cJSON *pv, const struct errlist *errs)
{
	const cJSON *enc = cJSON_GetObjectItemCaseSensitive(pv, "encoding");
	const cJSON *del = cJSON_GetObjectItemCaseSensitive(pv, "delimiter");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(pv, "rows");
	printf("%s: %s, %s-delimited; %.0f data rows, %.0f valid\n", path,
	       cJSON_IsString(enc) ? enc->valuestring : "?",
	       cJSON_IsString(del) ? (!strcmp(del->valuestring, "\t") ? "tab" : del->valuestring) : "?",
	       num(rows, "data"), num(rows, "valid"));
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(pv, "columns")) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(c, "header");
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(c, "column");
		if (cJSON_IsString(h) && cJSON_IsString(to))
			printf("  column \"%s\" -> %s\n", h->valuestring, to->valuestring);
	}
	print_errors(stdout, path, errs);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(pv, "warnings")) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, "message");
		if (cJSON_IsString(m))
			printf("warning: %s\n", m->valuestring);
	}
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(pv, "changes");
	if (cJSON_IsObject(ch)) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(ch, "starters");
		const cJSON *lv = cJSON_GetObjectItemCaseSensitive(ch, "leavers");
		printf("starters: %.0f (%.2f FTE); leavers: %.0f (%.2f FTE)\n", num(st, "headcount"),
		       num(st, "fte"), num(lv, "headcount"), num(lv, "fte"));
		printf("agency rate (FTE) before -> after:\n");
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ch, "teams")) {
			char b[24], a[24];
			const cJSON *code = cJSON_GetObjectItemCaseSensitive(c, "code");
			rate(b, sizeof b, cJSON_GetObjectItemCaseSensitive(c, "before"));
			rate(a, sizeof a, cJSON_GetObjectItemCaseSensitive(c, "after"));
			printf("  %-16s %8s -> %s\n", cJSON_IsString(code) ? code->valuestring : "?", b, a);
		}
		const cJSON *svc = cJSON_GetObjectItemCaseSensitive(ch, "service");
		char b[24], a[24];
		rate(b, sizeof b, cJSON_GetObjectItemCaseSensitive(svc, "before"));
		rate(a, sizeof a, cJSON_GetObjectItemCaseSensitive(svc, "after"));
		printf("  %-16s %8s -> %s\n", "service", b, a);
	}
	printf("dry run: nothing was stored (%zu problem%s)\n", errlist_total(errs),
	       errlist_total(errs) == 1 ? "" : "s");
}

static int load_profile(PGconn *conn, const char *source, const char *name, struct load_profile *p)
{
	const char *params[2] = { source, name };
	PGresult *res = PQexecParams(conn, LOAD_PROFILE_SQL, 2, NULL, params, NULL, NULL, 0);
	int rc = -1;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "steadyctl: reading mapping profiles failed: %s", PQerrorMessage(conn));
		goto done;
	}
	if (load_profile_from_result(res, p) < 0) {
		fprintf(stderr, "steadyctl: out of memory\n");
		goto done;
	}
	if (name && !p->name) {
		fprintf(stderr, "steadyctl: source %s has no mapping profile named \"%s\"\n", source, name);
		goto done;
	}
	rc = 0;
done:
	PQclear(res);
	return rc;
}

int ctl_upload(PGconn *conn, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "source", required_argument, NULL, 's' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "profile", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct load_request req;
	memset(&req, 0, sizeof req);
	req.kind = "roster";
	const char *profile = NULL;
	int json = 0, c;
	optind = 0; /* glibc: re-initialise getopt for the sub-command */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': req.kind = optarg; break;
		case 's': req.source = optarg; break;
		case 'a': req.as_of = optarg; break;
		case 'p': profile = optarg; break;
		case 'n': req.dry_run = 1; break;
		case 'j': json = 1; break;
		default: return 64;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "steadyctl: upload needs exactly one FILE (or - for standard input)\n");
		return 64;
	}
	const char *path = argv[optind];
	struct buf data = BUF_INIT;
	struct errlist errs = ERRLIST_INIT;
	struct load_plan plan;
	struct load_profile prof;
	struct pgjob_outcome out;
	int rc = 1, prepared = 0;
	memset(&out, 0, sizeof out);
	memset(&prof, 0, sizeof prof);

	char by[160];
	struct passwd *pw = getpwuid(geteuid());
	snprintf(by, sizeof by, "steadyctl:%s", pw ? pw->pw_name : "unknown");
	req.by = by;

	if (read_all(path, &data) < 0)
		goto done;
	if (req.kind && !strcmp(req.kind, "roster") && req.source) {
		if (load_profile(conn, req.source, profile, &prof) < 0)
			goto done;
		req.profile = prof.name;
		req.aliases = prof.v;
		req.n_aliases = prof.n;
	}
	req.data = data.data ? data.data : "";
	req.len = data.len;
	int p = load_prepare(&req, &plan, &errs);
	prepared = 1;
	if (p < 0) {
		fprintf(stderr, "steadyctl: out of memory validating %s\n", path);
		goto done;
	}
	if (p > 0 && plan.check_only) {
		/* ask the database for unknown teams too, so every problem shows at once */
		pgjob_run_sync(conn, &plan.job, &out);
		if (load_check_errors(&out, &errs) < 0)
			goto done;
	} else if (p == 0 && pgjob_run_sync(conn, &plan.job, &out) < 0) {
		if (load_db_errors(&out, &errs) <= 0) {
			fprintf(stderr, "steadyctl: storing %s failed, nothing was stored: %s\n", path,
				out.error ? out.error : "unknown error");
			goto done;
		}
		p = 1;
	}
	if (req.dry_run) {
		const char *doc = p == 0 && out.ok && out.result && PQntuples(out.result) == 1
			? PQgetvalue(out.result, 0, 0) : NULL;
		cJSON *pv = load_preview_json(&req, &plan, &errs, doc);
		if (!pv) {
			fprintf(stderr, "steadyctl: out of memory\n");
			goto done;
		}
		if (json) {
			char *txt = cJSON_Print(pv);
			if (txt)
				printf("%s\n", txt);
			free(txt);
		} else {
			print_preview(path, pv, &errs);
		}
		cJSON_Delete(pv);
		rc = errlist_total(&errs) ? 2 : 0;
		goto done;
	}
	if (p > 0) {
		print_errors(stderr, path, &errs);
		fprintf(stderr, "steadyctl: %zu problem%s found; nothing was stored\n",
			errlist_total(&errs), errlist_total(&errs) == 1 ? "" : "s");
		rc = 2;
		goto done;
	}
	if (load_is_duplicate(&out))
		printf("batch %ld already holds these bytes (duplicate): nothing stored from %s\n",
		       load_batch_id(&out), path);
	else
		printf("batch %ld: %ld rows from %s (source %s, as of %s)\n", load_batch_id(&out), plan.rows,
		       path, req.source, plan.as_of);
	rc = 0;
done:
	if (prepared)
		load_plan_free(&plan);
	load_profile_free(&prof);
	pgjob_outcome_clear(&out);
	errlist_free(&errs);
	buf_free(&data);
	return rc;
}

int ctl_uploads(PGconn *conn, int argc, char **argv)
{
	const char *limit = "50";
	if (argc == 3 && !strcmp(argv[1], "--limit"))
		limit = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "steadyctl: usage: uploads [--limit N]\n");
		return 64;
	}
	const char *params[1] = { limit };
	PGresult *res = PQexecParams(conn,
		"SELECT id, kind, source, as_of, status, row_count, uploaded_by,"
		" to_char(uploaded_at, 'YYYY-MM-DD HH24:MI'), coalesce(reverted_by, '')"
		" FROM upload_batch ORDER BY id DESC LIMIT $1::integer", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "steadyctl: reading the upload history failed: %s", PQerrorMessage(conn));
		PQclear(res);
		return 1;
	}
	printf("%6s  %-12s %-10s %-10s %-9s %7s  %-16s %s\n", "batch", "kind", "source", "as_of", "status",
	       "rows", "uploaded", "by");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%6s  %-12s %-10s %-10s %-9s %7s  %-16s %s%s%s\n", PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		       PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 7),
		       PQgetvalue(res, i, 6), *PQgetvalue(res, i, 8) ? "; reverted by " : "",
		       PQgetvalue(res, i, 8));
	PQclear(res);
	return 0;
}

int ctl_revert(PGconn *conn, int argc, char **argv)
{
	char *end = NULL;
	if (argc != 2 || strtol(argv[1], &end, 10) <= 0 || *end) {
		fprintf(stderr, "steadyctl: usage: revert BATCH_ID\n");
		return 64;
	}
	char by[160];
	struct passwd *pw = getpwuid(geteuid());
	snprintf(by, sizeof by, "steadyctl:%s", pw ? pw->pw_name : "unknown");
	const char *params[2] = { argv[1], by };
	PGresult *res = PQexecParams(conn, "SELECT steady_revert_batch($1::bigint, $2)", 2, NULL, params,
				     NULL, NULL, 0);
	int rc = 1;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "steadyctl: revert failed: %s", PQerrorMessage(conn));
	} else if (!strcmp(PQgetvalue(res, 0, 0), "missing")) {
		fprintf(stderr, "steadyctl: there is no batch %s\n", argv[1]);
	} else if (!strcmp(PQgetvalue(res, 0, 0), "already")) {
		fprintf(stderr, "steadyctl: batch %s was already reverted\n", argv[1]);
		rc = 3;
	} else {
		printf("batch %s reverted: it no longer counts in any figure\n", argv[1]);
		rc = 0;
	}
	PQclear(res);
	return rc;
}
