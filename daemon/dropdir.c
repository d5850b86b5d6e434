/*
 * dropdir.c -- the drop-folder watcher (see dropdir.h); the pure rules are in
 * dropname.c.
 */
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "dropdir.h"
#include "dropname.h"
#include "load.h"
#include "log.h"

struct drop_file {
	char *name;
	struct drop_seen seen;
	int present;
};

struct drop_job;

struct dropdir {
	struct event_base *base;
	struct event *timer;
	struct db *db;
	char *dir;
	size_t max_bytes, max_rows;
	struct drop_file *files;
	size_t n, cap;
	struct drop_job *busy;
};

struct drop_job {
	struct dropdir *d;
	char *name;
	struct drop_name dn;
	struct buf data;
	struct errlist errs;
	struct load_plan plan;
	struct load_profile prof;
	int check_only;
	char by[300];
};

static void job_free(struct drop_job *j)
{
	if (!j)
		return;
	free(j->name);
	buf_free(&j->data);
	errlist_free(&j->errs);
	load_plan_free(&j->plan);
	load_profile_free(&j->prof);
	free(j);
}

static void forget(struct dropdir *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->files[i].name, name) == 0) {
			free(d->files[i].name);
			d->files[i] = d->files[--d->n];
			return;
		}
	}
}

/* path = dir/sub/name (sub may be NULL); -1 if it does not fit. */
static int join(char *out, size_t len, const char *dir, const char *sub, const char *name)
{
	int n = sub ? snprintf(out, len, "%s/%s/%s", dir, sub, name) : snprintf(out, len, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int write_report(const char *path, const cJSON *report)
{
	char tmp[4200];
	char *text = cJSON_Print(report);
	int rc = -1;
	if (!text || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		goto done;
	FILE *f = fopen(tmp, "w");
	if (!f)
		goto done;
	int bad = fputs(text, f) < 0 || fputc('\n', f) < 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) < 0) {
		unlink(tmp);
		goto done;
	}
	rc = 0;
done:
	free(text);
	return rc;
}

/* Moves the file to done/ or failed/ with its report; ends the job. */
static void finish(struct drop_job *j, int ok, const char *status, long batch, long rows, const char *message)
{
	struct dropdir *d = j->d;
	const char *sub = ok ? "done" : "failed";
	char src[4096], dst[4096], rep[4096], marker[4200];
	char target[600];
	snprintf(target, sizeof target, "%s", j->name);
	if (join(src, sizeof src, d->dir, NULL, j->name) < 0 || join(dst, sizeof dst, d->dir, sub, target) < 0)
		goto out;
	if (access(dst, F_OK) == 0) {
		/* an earlier file of the same name: keep both */
		snprintf(target, sizeof target, "%s.%ld", j->name, (long)time(NULL));
		if (join(dst, sizeof dst, d->dir, sub, target) < 0)
			goto out;
	}
	if (snprintf(rep, sizeof rep, "%s.report.json", dst) >= (int)sizeof rep)
		goto out;
	cJSON *report = dropname_report(j->name, status, j->dn.kind[0] ? &j->dn : NULL, batch, rows,
					&j->errs, message, time(NULL));
	if (!report || write_report(rep, report) < 0)
		log_error("drop folder: cannot write %s: %s", rep, report ? strerror(errno) : "out of memory");
	cJSON_Delete(report);
	if (rename(src, dst) < 0)
		log_error("drop folder: cannot move %s to %s: %s", src, dst, strerror(errno));
	else
		log_info("drop folder: %s %s (%s%s%s), moved to %s/", j->name, status,
			 message ? message : "", message ? "; " : "", ok ? "loaded" : "nothing stored", sub);
	if (snprintf(marker, sizeof marker, "%s.ready", src) < (int)sizeof marker)
		unlink(marker);
out:
	forget(d, j->name);
	d->busy = NULL;
	job_free(j);
}

/* The database could not be asked: leave the file where it is and try again later. */
static void retry_later(struct drop_job *j, const char *why)
{
	struct dropdir *d = j->d;
	log_warn("drop folder: %s not loaded now (%s); trying again at a later poll", j->name, why);
	forget(d, j->name);
	d->busy = NULL;
	job_free(j);
}

static void job_done(void *arg, struct pgjob_outcome *out)
{
	struct drop_job *j = arg;
	char msg[200];
	if (j->check_only) {
		if (load_check_errors(out, &j->errs) < 0) {
			retry_later(j, "out of memory");
			return;
		}
		snprintf(msg, sizeof msg, "%zu problems; nothing was stored", errlist_total(&j->errs));
		finish(j, 0, "rejected", -1, j->plan.rows, msg);
		return;
	}
	if (out->ok) {
		int dup = load_is_duplicate(out);
		long batch = load_batch_id(out);
		snprintf(msg, sizeof msg, dup ? "the same bytes are already loaded as batch %ld: nothing stored twice"
					      : "stored as batch %ld", batch);
		finish(j, 1, dup ? "duplicate" : "loaded", batch, j->plan.rows, msg);
		return;
	}
	int dbe = load_db_errors(out, &j->errs);
	if (dbe > 0) {
		errlist_sort(&j->errs);
		snprintf(msg, sizeof msg, "%zu problems; nothing was stored", errlist_total(&j->errs));
		finish(j, 0, "rejected", -1, j->plan.rows, msg);
	} else if (!out->result || dbe < 0) {
		retry_later(j, out->error ? out->error : "database unavailable");
	} else {
		log_error("drop folder: storing %s failed: %s (SQLSTATE %s)", j->name, out->error, pgjob_sqlstate(out));
		finish(j, 0, "failed", -1, 0, "storing the file failed in the database; see the daemon's log");
	}
}

static void job_go(struct drop_job *j)
{
	struct dropdir *d = j->d;
	struct load_request lr = {
		.kind = j->dn.kind, .source = j->dn.source, .as_of = j->dn.as_of, .by = j->by,
		.data = j->data.data ? j->data.data : "", .len = j->data.len, .max_rows = d->max_rows,
		.profile = j->prof.name, .aliases = j->prof.v, .n_aliases = j->prof.n,
	};
	int rc = load_prepare(&lr, &j->plan, &j->errs);
	if (rc < 0) {
		retry_later(j, "out of memory");
		return;
	}
	if (rc > 0 && !j->plan.check_only) {
		char msg[120];
		snprintf(msg, sizeof msg, "%zu problems; nothing was stored", errlist_total(&j->errs));
		finish(j, 0, "rejected", -1, j->plan.rows, msg);
		return;
	}
	j->check_only = rc > 0;
	if (db_submit(d->db, &j->plan.job, job_done, j) < 0)
		retry_later(j, "out of memory");
}

static void profile_done(void *arg, struct pgjob_outcome *out)
{
	struct drop_job *j = arg;
	if (!out->ok) {
		retry_later(j, out->error ? out->error : "database unavailable");
		return;
	}
	if (load_profile_from_result(out->result, &j->prof) < 0) {
		retry_later(j, "out of memory");
		return;
	}
	job_go(j);
}

static int read_small(const char *path, size_t max, struct buf *out, const char **why)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	if (!f) {
		*why = strerror(errno);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > max) {
			fclose(f);
			*why = "the file is larger than max_upload_bytes";
			return 1;
		}
		if (buf_append(out, chunk, n) < 0) {
			fclose(f);
			*why = "out of memory";
			return -1;
		}
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		*why = "read error";
		return -1;
	}
	return 0;
}

static void start(struct dropdir *d, const char *name)
{
	struct drop_job *j = calloc(1, sizeof *j);
	const char *why = NULL;
	char path[4096];
	if (!j || !(j->name = strdup(name))) {
		free(j);
		log_error("drop folder: out of memory");
		return;
	}
	struct pgjob empty = PGJOB_INIT;
	j->plan.job = empty;
	j->d = d;
	d->busy = j;
	snprintf(j->by, sizeof j->by, "drop:%s", name);
	if (dropname_parse(name, &j->dn, &why) < 0) {
		finish(j, 0, "failed", -1, 0, why);
		return;
	}
	if (join(path, sizeof path, d->dir, NULL, name) < 0) {
		finish(j, 0, "failed", -1, 0, "the path is too long");
		return;
	}
	int rc = read_small(path, d->max_bytes, &j->data, &why);
	if (rc > 0) {
		finish(j, 0, "failed", -1, 0, why);
		return;
	}
	if (rc < 0) {
		retry_later(j, why);
		return;
	}
	log_info("drop folder: loading %s (%zu bytes, %s, source %s, as of %s)", name, j->data.len,
		 j->dn.kind, j->dn.source, j->dn.as_of);
	if (strcmp(j->dn.kind, "roster") == 0) {
		const char *params[2] = { j->dn.source, NULL };
		if (db_query(d->db, LOAD_PROFILE_SQL, 2, params, profile_done, j) < 0)
			retry_later(j, "out of memory");
		return;
	}
	job_go(j);
}

static struct drop_file *seen_file(struct dropdir *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->files[i].name, name) == 0)
			return &d->files[i];
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct drop_file *v = realloc(d->files, cap * sizeof *v);
		if (!v)
			return NULL;
		d->files = v;
		d->cap = cap;
	}
	struct drop_file *f = &d->files[d->n];
	memset(f, 0, sizeof *f);
	if (!(f->name = strdup(name)))
		return NULL;
	d->n++;
	return f;
}

static void poll_dir(evutil_socket_t fd, short what, void *arg)
{
	struct dropdir *d = arg;
	(void)fd;
	(void)what;
	if (d->busy || !db_is_up(d->db))
		return;
	DIR *dir = opendir(d->dir);
	if (!dir) {
		log_warn("drop folder: cannot read %s: %s", d->dir, strerror(errno));
		return;
	}
	for (size_t i = 0; i < d->n; i++)
		d->files[i].present = 0;
	char ready_name[600] = "";
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		const char *name = e->d_name;
		char path[4096], marker[4200];
		struct stat st;
		if (dropname_ignored(name) || join(path, sizeof path, d->dir, NULL, name) < 0 ||
		    lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || strlen(name) >= sizeof ready_name)
			continue;
		struct drop_file *f = seen_file(d, name);
		if (!f) {
			log_error("drop folder: out of memory");
			break;
		}
		f->present = 1;
		snprintf(marker, sizeof marker, "%s.ready", path);
		int settled = dropname_settled(&f->seen, (long long)st.st_size, st.st_mtime,
					       access(marker, F_OK) == 0);
		if (settled && !ready_name[0])
			snprintf(ready_name, sizeof ready_name, "%s", name);
	}
	closedir(dir);
	for (size_t i = 0; i < d->n;) {
		if (!d->files[i].present) {
			free(d->files[i].name);
			d->files[i] = d->files[--d->n];
		} else {
			i++;
		}
	}
	if (ready_name[0])
		start(d, ready_name);
}

struct dropdir *dropdir_new(struct event_base *base, struct db *db, const char *dir, int poll_seconds,
			    size_t max_bytes, size_t max_rows)
{
	struct dropdir *d = calloc(1, sizeof *d);
	char sub[4096];
	if (!d || !(d->dir = strdup(dir))) {
		log_error("drop folder: out of memory");
		goto fail;
	}
	d->base = base;
	d->db = db;
	d->max_bytes = max_bytes;
	d->max_rows = max_rows;
	static const char *const subs[] = { "done", "failed" };
	for (size_t i = 0; i < 2; i++) {
		if (join(sub, sizeof sub, dir, NULL, subs[i]) < 0 || (mkdir(sub, 0750) < 0 && errno != EEXIST)) {
			log_error("drop folder: cannot create %s: %s", sub, strerror(errno));
			goto fail;
		}
	}
	d->timer = event_new(base, -1, EV_PERSIST, poll_dir, d);
	struct timeval tv = { poll_seconds > 0 ? poll_seconds : 5, 0 };
	if (!d->timer || event_add(d->timer, &tv) < 0) {
		log_error("drop folder: cannot start the timer");
		goto fail;
	}
	log_info("drop folder: watching %s every %d s", dir, (int)tv.tv_sec);
	return d;
fail:
	dropdir_free(d);
	return NULL;
}

void dropdir_free(struct dropdir *d)
{
	if (!d)
		return;
	if (d->timer)
		event_free(d->timer);
	for (size_t i = 0; i < d->n; i++)
		free(d->files[i].name);
	free(d->files);
	job_free(d->busy);
	free(d->dir);
	free(d);
}
