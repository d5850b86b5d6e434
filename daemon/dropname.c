/*
 * dropname.c -- drop-folder names, settling and reports (see dropname.h).
 */
#include <stdio.h>
#include <string.h>

#include "dropname.h"
#include "load.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int dropname_ignored(const char *name)
{
	return name[0] == '.' || name[0] == '~' || ends_with(name, ".part") || ends_with(name, ".tmp") ||
	       ends_with(name, ".report.json") || ends_with(name, ".ready") || ends_with(name, ".crdownload");
}

static int is_date(const char *p)
{
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (p[i] != '-')
				return 0;
		} else if (p[i] < '0' || p[i] > '9') {
			return 0;
		}
	}
	return 1;
}

int dropname_parse(const char *name, struct drop_name *out, const char **why)
{
	static const char *const kinds[] = { "roster", "allocations" };
	memset(out, 0, sizeof *out);
	const char *dot = strrchr(name, '.');
	if (!dot || (strcmp(dot, ".csv") && strcmp(dot, ".txt") && strcmp(dot, ".tsv") &&
		     strcmp(dot, ".CSV") && strcmp(dot, ".TXT"))) {
		*why = "the file name must end in .csv, .tsv or .txt (e.g. roster-hr-2026-09-30.csv)";
		return -1;
	}
	const char *p = name;
	size_t k;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t n = strlen(kinds[k]);
		if (!strncmp(p, kinds[k], n) && p[n] == '-') {
			snprintf(out->kind, sizeof out->kind, "%s", kinds[k]);
			p += n + 1;
			break;
		}
	}
	if (k == sizeof kinds / sizeof kinds[0]) {
		*why = "the file name must start with roster- or allocations- (e.g. roster-hr-2026-09-30.csv)";
		return -1;
	}
	size_t s = 0;
	while (p[s] && p[s] != '-' && s < 33) {
		char c = p[s];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			break;
		s++;
	}
	if (s == 0 || s > 32 || p[s] != '-') {
		*why = "after the kind the file name must name the source, [a-z0-9_]{1,32}, then -YYYY-MM-DD "
		       "(e.g. roster-hr-2026-09-30.csv)";
		return -1;
	}
	memcpy(out->source, p, s);
	out->source[s] = '\0';
	p += s + 1;
	if ((size_t)(dot - p) < 10 || !is_date(p) || (p + 10 != dot && p[10] != '-')) {
		*why = "after the source the file name must give the as-of date as YYYY-MM-DD "
		       "(e.g. roster-hr-2026-09-30.csv)";
		return -1;
	}
	memcpy(out->as_of, p, 10);
	out->as_of[10] = '\0';
	return 0;
}

int dropname_settled(struct drop_seen *s, long long size, time_t mtime, int ready_marker)
{
	if (s->polls > 0 && s->size == size && s->mtime == mtime)
		s->polls++;
	else
		s->polls = 1;
	s->size = size;
	s->mtime = mtime;
	return ready_marker || s->polls >= 2;
}

cJSON *dropname_report(const char *file, const char *status, const struct drop_name *n,
		       long batch_id, long rows, const struct errlist *errs, const char *message,
		       time_t now)
{
	char when[32];
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON *o = cJSON_CreateObject();
	size_t nerr = errs ? errlist_total(errs) : 0;
	cJSON *e = errs ? errlist_json(errs) : cJSON_CreateArray();
	if (!o || !e || !cJSON_AddItemToObject(o, "errors", e)) {
		cJSON_Delete(e);
		cJSON_Delete(o);
		return NULL;
	}
	if (!cJSON_AddStringToObject(o, "file", file) || !cJSON_AddStringToObject(o, "status", status) ||
	    !(n && n->kind[0] ? cJSON_AddStringToObject(o, "kind", n->kind) : cJSON_AddNullToObject(o, "kind")) ||
	    !(n && n->source[0] ? cJSON_AddStringToObject(o, "source", n->source)
				: cJSON_AddNullToObject(o, "source")) ||
	    !(n && n->as_of[0] ? cJSON_AddStringToObject(o, "as_of", n->as_of) : cJSON_AddNullToObject(o, "as_of")) ||
	    !(batch_id > 0 ? cJSON_AddNumberToObject(o, "batch_id", (double)batch_id)
			   : cJSON_AddNullToObject(o, "batch_id")) ||
	    !cJSON_AddNumberToObject(o, "rows", (double)rows) ||
	    !cJSON_AddNumberToObject(o, "error_count", (double)nerr) ||
	    !(message ? cJSON_AddStringToObject(o, "message", message) : cJSON_AddNullToObject(o, "message")) ||
	    !cJSON_AddStringToObject(o, "finished_at", when)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
