/*
 * dropname.c -- the pure half of the drop folder (dropdir.c): what a file's
 * name says (kind, source, as-of date), when a file is safe to load (its size
 * and modification time unchanged across two polls, or a NAME.ready marker),
 * and the report written next to a loaded or failed file.  No I/O.
 *
 * Names: KIND-SOURCE-YYYY-MM-DD[-anything].csv|.txt|.tsv, e.g.
 * roster-hr-2026-09-30.csv, allocations-cms-2026-09-30-nightly.csv.
 * KIND is roster or allocations; SOURCE is [a-z0-9_]{1,32}.
 */
#ifndef STEADY_DROPNAME_H
#define STEADY_DROPNAME_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

#include "errlist.h"

struct drop_name {
	char kind[16];
	char source[33];
	char as_of[11];
};

/* 0 and *out filled, or -1 with *why (a static sentence) when the name does not fit. */
int dropname_parse(const char *name, struct drop_name *out, const char **why);

/* 1 when a directory entry is one the watcher ignores: hidden or partial files
 * (".x", "x.part", "x.tmp", "~x"), reports and markers ("x.report.json", "x.ready"). */
int dropname_ignored(const char *name);

/* What the watcher remembers about a file between polls. */
struct drop_seen {
	long long size;
	time_t mtime;
	int polls;       /* consecutive polls with this size and mtime */
};

/* Records this poll's size and mtime; returns 1 when the file may be loaded now:
 * unchanged since the previous poll (so it is not being written), or `ready_marker`. */
int dropname_settled(struct drop_seen *s, long long size, time_t mtime, int ready_marker);

/* The report document: {"file", "status", "batch_id", "kind", "source", "as_of",
 * "rows", "duplicate", "error_count", "errors", "message", "finished_at"}.
 * status: "loaded", "duplicate" or "rejected" / "failed".  NULL when out of memory. */
cJSON *dropname_report(const char *file, const char *status, const struct drop_name *n,
		       long batch_id, long rows, const struct errlist *errs, const char *message,
		       time_t now);

#endif
