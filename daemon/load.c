/*
 * load.c -- building the store-an-upload database job (or the dry-run job
 * that stages the rows, asks for the preview and rolls back), reading saved
 * mapping profiles, and the preview document.  No network, no event loop.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "load.h"
#include "load_alloc.h"
#include "roster.h"
#include "strset.h"

static const char STAGE_SQL[] =
	"CREATE TEMP TABLE steady_in ("
	" line integer, staff_id text, team text, contract text, fte numeric,"
	" role text, caseload integer, start_date date, end_date date, absence_days numeric"
	") ON COMMIT DROP";

static const char COPY_SQL[] =
	"COPY steady_in (line, staff_id, team, contract, fte, role, caseload,"
	" start_date, end_date, absence_days) FROM STDIN";

/* The direct path (not a preview, no problems in the file): the rows go
 * straight into roster_row.  Each row starts with its team as a fixed-width
 * placeholder, the team value's number in the file (1, 2, ...), which
 * patch_teams turns into the team id steady_roster_open returned (or -number
 * for a team it does not know, which steady_roster_close reports). */
static const char DIRECT_COPY_SQL[] =
	"COPY roster_row (team_id, line, staff_id, contract, fte, role, caseload,"
	" start_date, end_date, absence_days) FROM STDIN";
#define TEAM_FIELD 11   /* "%011ld": any int4, with its sign */

/* The batch row is inserted here, not in PL/pgSQL (see sql/007). */
static const char OPEN_SQL[] =
	"WITH o AS (SELECT * FROM steady_roster_open($1, $2::date, $4, $7::text[])),"
	" b AS (INSERT INTO upload_batch (id, kind, source, as_of, uploaded_by, sha256, original, row_count)"
	"       SELECT o.batch_id, 'roster', $1, $2::date, $3, $4, $5::bytea, $6::integer"
	"         FROM o WHERE NOT o.duplicate)"
	" SELECT batch_id, duplicate, team_ids FROM o";

/* The team values as a PostgreSQL text[] literal. */
static int team_array(const struct strset *t, struct buf *b)
{
	if (buf_putc(b, '{') < 0)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		if ((i && buf_putc(b, ',') < 0) || buf_putc(b, '"') < 0)
			return -1;
		for (const char *p = t->v[i]; *p; p++)
			if (((*p == '"' || *p == '\\') && buf_putc(b, '\\') < 0) || buf_putc(b, *p) < 0)
				return -1;
		if (buf_putc(b, '"') < 0)
			return -1;
	}
	return buf_putc(b, '}');
}

struct team_patch {
	size_t nteams;
	int done;
};

/* prepare function of the COPY step: prev is steady_roster_open's row
 * (batch_id, duplicate, team_ids). */
static int patch_teams(void *ud, struct pgstep *st, const PGresult *prev, const char **why)
{
	struct team_patch *tp = ud;
	if (tp->done) {
		*why = "a roster upload job cannot be run twice";
		return -1;
	}
	tp->done = 1;
	if (!prev || PQntuples(prev) != 1 || PQnfields(prev) < 3) {
		*why = "steady_roster_open returned no row";
		return -1;
	}
	if (strcmp(PQgetvalue(prev, 0, 1), "t") == 0) {
		st->copy.len = 0;   /* a duplicate: nothing is stored */
		return 0;
	}
	long *ids = calloc(tp->nteams ? tp->nteams : 1, sizeof *ids);
	if (!ids) {
		*why = "out of memory";
		return -1;
	}
	const char *p = PQgetvalue(prev, 0, 2);
	size_t n = 0;
	if (*p == '{')
		p++;
	while (*p && *p != '}') {
		if (n == tp->nteams)
			goto bad;
		if (strncmp(p, "NULL", 4) == 0) {
			ids[n++] = 0;
			p += 4;
		} else {
			char *end;
			ids[n++] = strtol(p, &end, 10);
			if (end == p || ids[n - 1] <= 0)
				goto bad;
			p = end;
		}
		if (*p == ',')
			p++;
	}
	if (n != tp->nteams)
		goto bad;
	char *d = st->copy.data;
	size_t len = st->copy.len;
	for (size_t pos = 0; pos + TEAM_FIELD <= len;) {
		char num[24];
		memcpy(num, d + pos, TEAM_FIELD);
		num[TEAM_FIELD] = '\0';
		long k = strtol(num, NULL, 10);
		if (k < 1 || (size_t)k > n)
			goto bad;
		snprintf(num, sizeof num, "%011ld", ids[k - 1] ? ids[k - 1] : -k);
		memcpy(d + pos, num, TEAM_FIELD);
		const char *nl = memchr(d + pos, '\n', len - pos);
		if (!nl)
			break;
		pos = (size_t)(nl - d) + 1;
	}
	free(ids);
	return 0;
bad:
	free(ids);
	*why = "steady_roster_open returned unexpected team ids";
	return -1;
}

static int valid_source(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (!(islower(c) || isdigit(c) || c == '_' || c == '-'))
			return 0;
	}
	return n >= 1 && n <= 32;
}

static int sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -1;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

struct copy_ctx {
	struct buf *copy;
	long rows;
	struct strset *teams;    /* the direct path: the team field is a placeholder */
};

static int emit_row(void *ud, const struct roster_row *r)
{
	struct copy_ctx *cx = ud;
	struct buf *b = cx->copy;
	char line[24], fte[32], caseload[24], absence[32];
	snprintf(line, sizeof line, "%ld", r->row);
	snprintf(fte, sizeof fte, "%.4f", r->fte);
	snprintf(caseload, sizeof caseload, "%d", r->caseload);
	snprintf(absence, sizeof absence, "%.2f", r->absence_days);
	if (cx->teams) {
		long k = strset_add(cx->teams, r->team) + 1;   /* numbered from 1 */
		char num[24];
		if (k < 1)
			return -1;
		snprintf(num, sizeof num, "%011ld", k);
		if (buf_append(b, num, TEAM_FIELD) < 0 ||
		    pgcopy_field(b, line, 0) < 0 ||
		    pgcopy_field(b, r->staff_id, 0) < 0)
			return -1;
	} else if (pgcopy_field(b, line, 1) < 0 ||
		   pgcopy_field(b, r->staff_id, 0) < 0 ||
		   pgcopy_field(b, r->team, 0) < 0) {
		return -1;
	}
	if (
	    pgcopy_field(b, contract_name(r->contract), 0) < 0 ||
	    pgcopy_field(b, fte, 0) < 0 ||
	    pgcopy_field(b, r->role, 0) < 0 ||
	    pgcopy_field(b, r->caseload >= 0 ? caseload : NULL, 0) < 0 ||
	    pgcopy_field(b, r->start_date[0] ? r->start_date : NULL, 0) < 0 ||
	    pgcopy_field(b, r->end_date[0] ? r->end_date : NULL, 0) < 0 ||
	    pgcopy_field(b, r->absence_days >= 0 ? absence : NULL, 0) < 0 ||
	    buf_putc(b, '\n') < 0)
		return -1;
	cx->rows++;
	return 0;
}

int load_add_store(const struct load_request *req, struct load_plan *plan)
{
	int roster = strcmp(req->kind, "roster") == 0;
	if (req->dry_run) {
		const char *params[3] = { req->source, plan->as_of, plan->sha256 };
		if (pgjob_add_query(&plan->job, roster
				    ? "SELECT steady_preview_roster($1, $2::date, $3)"
				    : "SELECT steady_preview_allocations($1, $2::date, $3)",
				    3, params, NULL, NULL) < 0)
			return -1;
		plan->job.result_step = (long)plan->job.n - 1;
		plan->dry_run = 1;
		return pgjob_add_query(&plan->job, "ROLLBACK", 0, NULL, NULL, NULL);
	}
	const char *params[7] = { req->kind, req->source, plan->as_of, req->by ? req->by : "unknown",
				  plan->sha256, req->data, req->profile };
	int lengths[7] = { 0, 0, 0, 0, 0, (int)req->len, 0 };
	int formats[7] = { 0, 0, 0, 0, 0, 1, 0 };
	if (pgjob_add_query(&plan->job,
			    "SELECT batch_id, duplicate FROM steady_upload($1, $2, $3::date, $4, $5, $6::bytea, $7)",
			    7, params, lengths, formats) < 0)
		return -1;
	plan->job.result_step = (long)plan->job.n - 1;
	return pgjob_add_query(&plan->job, "COMMIT", 0, NULL, NULL, NULL);
}

/* Parses the file into cx (the COPY text): 0 = valid rows, 1 = problems (in
 * errs; a header without data rows is one), -1 = out of memory. */
static int parse_rows(const struct load_request *req, struct copy_ctx *cx, struct errlist *errs,
		      struct roster_info *info)
{
	struct roster_options opt = { 0, req->max_rows, req->aliases, req->n_aliases };
	int rc = roster_parse_info(req->data, req->len, &opt, emit_row, cx, errs, info);
	return load_need_rows(rc, cx->rows, errs);
}

int load_need_rows(int rc, long rows, struct errlist *errs)
{
	if (rc != 0 || rows > 0)
		return rc;
	return errlist_add(errs, 0, NULL, NULL, "the file has a header but no data rows") < 0 ? -1 : 1;
}

/* The rows staged into the temporary table steady_in (a preview, or a file with
 * problems whose other rows are checked for unknown teams): BEGIN, the table, the
 * COPY; 0, 1 when the file has problems (the job is freed when no row was
 * valid), -1 when out of memory (the job is freed). */
static int prepare_staged(const struct load_request *req, struct load_plan *plan,
			  struct errlist *errs, struct roster_info *info)
{
	struct copy_ctx cx = { NULL, 0, NULL };
	if (pgjob_add_query(&plan->job, "BEGIN", 0, NULL, NULL, NULL) < 0 ||
	    pgjob_add_query(&plan->job, STAGE_SQL, 0, NULL, NULL, NULL) < 0 ||
	    !(cx.copy = pgjob_add_copy(&plan->job, COPY_SQL)))
		goto fail;

	int rc = parse_rows(req, &cx, errs, info);
	if (rc < 0)
		goto fail;
	plan->rows = cx.rows;
	if (rc == 1 && cx.rows == 0)
		load_plan_free(plan);
	return rc;
fail:
	load_plan_free(plan);
	return -1;
}

/* A real upload: the rows go straight into roster_row (see DIRECT_COPY_SQL):
 * BEGIN, steady_roster_open, COPY, steady_roster_close, COMMIT.  A file with
 * problems is parsed again into the staging table for the unknown-team check. */
static int prepare_direct(const struct load_request *req, struct load_plan *plan, struct errlist *errs)
{
	struct strset teams = STRSET_INIT;
	struct team_patch *tp = NULL;
	struct buf copy = BUF_INIT, arr = BUF_INIT;
	struct copy_ctx cx = { &copy, 0, &teams };
	/* the COPY text is about 1.4x the file (ISO dates, 4-decimal FTE, the team
	 * placeholder): one allocation instead of a dozen copies while it grows */
	if (buf_reserve(&copy, req->len + req->len / 2) < 0)
		goto fail;
	int rc = parse_rows(req, &cx, errs, &plan->info);
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		buf_free(&copy);
		strset_free(&teams);
		if (cx.rows == 0) {
			plan->rows = 0;
			return 1;
		}
		struct errlist again = ERRLIST_INIT;
		struct roster_info info;
		rc = prepare_staged(req, plan, &again, &info);
		errlist_free(&again);
		if (rc < 0)
			return -1;
		return load_add_team_check(plan, "steady_in") < 0 ? -1 : 1;
	}
	plan->rows = cx.rows;
	char rows[24];
	snprintf(rows, sizeof rows, "%ld", cx.rows);
	if (team_array(&teams, &arr) < 0 || !(tp = calloc(1, sizeof *tp)))
		goto fail;
	tp->nteams = teams.n;
	const char *open_params[7] = { req->source, plan->as_of, req->by ? req->by : "unknown",
				       plan->sha256, req->data, rows, arr.data };
	int open_lengths[7] = { 0, 0, 0, 0, (int)req->len, 0, 0 };
	int open_formats[7] = { 0, 0, 0, 0, 1, 0, 0 };
	const char *close_params[3] = { req->source, req->profile, arr.data };
	struct buf *dst;
	if (pgjob_add_query(&plan->job, "BEGIN", 0, NULL, NULL, NULL) < 0 ||
	    pgjob_add_query(&plan->job, "SET LOCAL plan_cache_mode = force_generic_plan", 0, NULL, NULL, NULL) < 0 ||
	    pgjob_add_query(&plan->job, OPEN_SQL, 7, open_params, open_lengths, open_formats) < 0 ||
	    !(dst = pgjob_add_copy(&plan->job, DIRECT_COPY_SQL)))
		goto fail;
	*dst = copy;
	memset(&copy, 0, sizeof copy);
	pgjob_set_prepare(&plan->job, patch_teams, tp, free);
	tp = NULL;
	if (pgjob_add_query(&plan->job,
			    "SELECT batch_id, duplicate FROM steady_roster_close($1, $2, $3::text[])",
			    3, close_params, NULL, NULL) < 0)
		goto fail;
	plan->job.result_step = (long)plan->job.n - 1;
	if (pgjob_add_query(&plan->job, "COMMIT", 0, NULL, NULL, NULL) < 0)
		goto fail;
	buf_free(&arr);
	strset_free(&teams);
	return 0;
fail:
	free(tp);
	buf_free(&arr);
	buf_free(&copy);
	strset_free(&teams);
	load_plan_free(plan);
	return -1;
}

int load_prepare(const struct load_request *req, struct load_plan *plan, struct errlist *errs)
{
	struct pgjob empty = PGJOB_INIT;
	memset(plan, 0, sizeof *plan);
	plan->job = empty;
	plan->job.what = req->dry_run ? "upload preview" : "roster upload";

	int bad = 0;
	if (!req->kind || (strcmp(req->kind, "roster") != 0 && strcmp(req->kind, "allocations") != 0)) {
		if (errlist_add(errs, 0, "kind", req->kind, "%s", !req->kind
				? "kind is required: roster or allocations"
				: "unknown kind: this version accepts roster or allocations") < 0)
			return -1;
		bad = 1;
	}
	if (!req->source || !valid_source(req->source)) {
		if (errlist_add(errs, 0, "source", req->source, "%s",
				!req->source || !*req->source
				? "source is required: the system the extract comes from, e.g. hr or agency"
				: "source must be 1-32 characters of a-z, 0-9, _ or - (e.g. hr, agency)") < 0)
			return -1;
		bad = 1;
	}
	const char *why = NULL;
	if (!req->as_of || !*req->as_of) {
		why = "as_of is required: the date the extract describes, e.g. 2026-09-30";
	} else if (date_parse_param(req->as_of, plan->as_of, &why) < 0) {
		if (!why)
			why = "as_of is not a date";
	} else {
		why = NULL;
	}
	if (why) {
		if (errlist_add(errs, 0, "as_of", req->as_of, "%s", why) < 0)
			return -1;
		bad = 1;
	}
	if (bad)
		return 1;

	if (req->len == 0) {
		if (errlist_add(errs, 0, NULL, NULL, "the file is empty") < 0)
			return -1;
		return 1;
	}

	if (sha256_hex(req->data, req->len, plan->sha256) < 0)
		return -1;
	if (strcmp(req->kind, "allocations") == 0)
		return load_alloc_prepare(req, plan, errs);

	if (!req->dry_run)
		return prepare_direct(req, plan, errs);
	struct roster_info info;
	int rc = prepare_staged(req, plan, errs, &info);
	if (rc < 0)
		return -1;
	plan->info = info;
	if (rc == 1)
		return plan->rows == 0 || load_add_team_check(plan, "steady_in") == 0 ? 1 : -1;
	if (load_add_store(req, plan) < 0)
		goto fail;
	return 0;
fail:
	load_plan_free(plan);
	return -1;
}

void load_plan_free(struct load_plan *plan)
{
	pgjob_free(&plan->job);
}

/* Adds the problems of a JSON array [{row, column, value, message}]; 1, or -1 (ENOMEM). */
static int add_json_errors(const char *json, const char *fallback, struct errlist *errs)
{
	cJSON *arr = json ? cJSON_Parse(json) : NULL;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		return errlist_add(errs, 0, NULL, NULL, "%s", fallback) < 0 ? -1 : 1;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		const cJSON *row = cJSON_GetObjectItemCaseSensitive(e, "row");
		const cJSON *col = cJSON_GetObjectItemCaseSensitive(e, "column");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(e, "value");
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
		if (errlist_add(errs, cJSON_IsNumber(row) ? (long)row->valuedouble : 0,
				cJSON_IsString(col) ? col->valuestring : NULL,
				cJSON_IsString(val) ? val->valuestring : NULL, "%s",
				cJSON_IsString(msg) ? msg->valuestring : "rejected") < 0) {
			cJSON_Delete(arr);
			return -1;
		}
	}
	cJSON_Delete(arr);
	return 1;
}

int load_db_errors(const struct pgjob_outcome *out, struct errlist *errs)
{
	if (strcmp(pgjob_sqlstate(out), "ST422") != 0)
		return 0;
	return add_json_errors(PQresultErrorField(out->result, PG_DIAG_MESSAGE_DETAIL),
			       out->error ? out->error : "rejected", errs);
}

int load_add_team_check(struct load_plan *plan, const char *staged_table)
{
	const char *params[1] = { staged_table };
	if (pgjob_add_query(&plan->job, "SELECT steady_unknown_teams($1::regclass)", 1, params, NULL, NULL) < 0)
		return -1;
	plan->job.result_step = (long)plan->job.n - 1;
	if (pgjob_add_query(&plan->job, "ROLLBACK", 0, NULL, NULL, NULL) < 0)
		return -1;
	plan->check_only = 1;
	return 0;
}

int load_check_errors(const struct pgjob_outcome *out, struct errlist *errs)
{
	if (out->ok && out->result && PQntuples(out->result) == 1 &&
	    add_json_errors(PQgetvalue(out->result, 0, 0), "rejected", errs) < 0)
		return -1;
	errlist_sort(errs);
	return 0;
}

long load_batch_id(const struct pgjob_outcome *out)
{
	if (!out->ok || !out->result || PQntuples(out->result) < 1)
		return -1;
	return atol(PQgetvalue(out->result, 0, 0));
}

int load_is_duplicate(const struct pgjob_outcome *out)
{
	if (!out->ok || !out->result || PQntuples(out->result) < 1 || PQnfields(out->result) < 2)
		return 0;
	return strcmp(PQgetvalue(out->result, 0, 1), "t") == 0;
}

const char LOAD_PROFILE_SQL[] =
	"SELECT p.name, m.key, m.value FROM upload_profile p, jsonb_each_text(p.mapping) m"
	" WHERE p.source = $1 AND (p.name = $2 OR ($2 IS NULL AND p.is_default)) ORDER BY m.key";

void load_profile_free(struct load_profile *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free((char *)p->v[i].header);
		free((char *)p->v[i].column);
	}
	free(p->v);
	free(p->name);
	memset(p, 0, sizeof *p);
}

int load_profile_from_result(const PGresult *res, struct load_profile *p)
{
	int n = PQntuples(res);
	memset(p, 0, sizeof *p);
	if (n <= 0)
		return 0;
	if (!(p->name = strdup(PQgetvalue(res, 0, 0))) ||
	    !(p->v = calloc((size_t)n, sizeof *p->v)))
		goto fail;
	for (int i = 0; i < n; i++) {
		char *h = strdup(PQgetvalue(res, i, 1));
		char *c = strdup(PQgetvalue(res, i, 2));
		if (!h || !c) {
			free(h);
			free(c);
			goto fail;
		}
		p->v[p->n].header = h;
		p->v[p->n].column = c;
		p->n++;
	}
	return 0;
fail:
	load_profile_free(p);
	return -1;
}


static int add_item(cJSON *o, const char *key, cJSON *v)
{
	if (!v)
		return -1;
	if (!cJSON_AddItemToObject(o, key, v)) {
		cJSON_Delete(v);
		return -1;
	}
	return 0;
}

static cJSON *str_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

cJSON *load_preview_json(const struct load_request *req, const struct load_plan *plan,
			 struct errlist *errs, const char *db_preview)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *db = db_preview ? cJSON_Parse(db_preview) : NULL;
	if (!o)
		goto fail;
	if (db) {
		const cJSON *dberrs = cJSON_GetObjectItemCaseSensitive(db, "errors");
		if (cJSON_IsArray(dberrs) && cJSON_GetArraySize(dberrs) > 0) {
			char *txt = cJSON_PrintUnformatted(dberrs);
			int rc = txt ? add_json_errors(txt, "rejected", errs) : -1;
			free(txt);
			if (rc < 0)
				goto fail;
			errlist_sort(errs);
		}
	}
	char delim[2] = { plan->info.delimiter, 0 };
	int roster = req->kind && strcmp(req->kind, "roster") == 0;
	if (add_item(o, "dry_run", cJSON_CreateTrue()) < 0 ||
	    add_item(o, "kind", str_or_null(req->kind)) < 0 ||
	    add_item(o, "source", str_or_null(req->source)) < 0 ||
	    add_item(o, "as_of", str_or_null(plan->as_of[0] ? plan->as_of : NULL)) < 0 ||
	    add_item(o, "sha256", str_or_null(plan->sha256[0] ? plan->sha256 : NULL)) < 0 ||
	    add_item(o, "bytes", cJSON_CreateNumber((double)req->len)) < 0 ||
	    add_item(o, "profile", str_or_null(req->profile)) < 0 ||
	    add_item(o, "encoding", str_or_null(roster ? plan->info.encoding : NULL)) < 0 ||
	    add_item(o, "delimiter", str_or_null(delim[0] ? delim : NULL)) < 0)
		goto fail;
	cJSON *cols = cJSON_CreateArray();
	if (add_item(o, "columns", cols) < 0)
		goto fail;
	for (size_t i = 0; i < plan->info.n_mapped; i++) {
		cJSON *c = cJSON_CreateObject();
		if (!c || add_item(c, "header", cJSON_CreateString(plan->info.mapped[i].header)) < 0 ||
		    add_item(c, "column", cJSON_CreateString(plan->info.mapped[i].column)) < 0 ||
		    !cJSON_AddItemToArray(cols, c)) {
			cJSON_Delete(c);
			goto fail;
		}
	}
	cJSON *rows = cJSON_CreateObject();
	if (add_item(o, "rows", rows) < 0 ||
	    add_item(rows, "data", cJSON_CreateNumber((double)(roster ? plan->info.data_rows : plan->rows))) < 0 ||
	    add_item(rows, "valid", cJSON_CreateNumber((double)(roster ? plan->info.valid_rows : plan->rows))) < 0)
		goto fail;
	size_t nerr = errlist_total(errs);
	if (add_item(o, "valid", cJSON_CreateBool(nerr == 0)) < 0 ||
	    add_item(o, "error_count", cJSON_CreateNumber((double)nerr)) < 0 ||
	    add_item(o, "errors", errlist_json(errs)) < 0)
		goto fail;
	static const char *const from_db[] = { "warnings", "duplicate_of", "replaces", "replaces_as_of", "changes" };
	for (size_t i = 0; i < sizeof from_db / sizeof from_db[0]; i++) {
		cJSON *v = db ? cJSON_DetachItemFromObjectCaseSensitive(db, from_db[i]) : NULL;
		if (!v)
			v = i == 0 ? cJSON_CreateArray() : cJSON_CreateNull();
		if (add_item(o, from_db[i], v) < 0)
			goto fail;
	}
	cJSON_Delete(db);
	return o;
fail:
	cJSON_Delete(db);
	cJSON_Delete(o);
	return NULL;
}
