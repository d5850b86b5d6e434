/*
 * dropdir.c -- the drop folder: steadyd polls `drop_dir` every
 * `drop_poll_seconds` with a libevent timer, and loads each settled file
 * (dropname.h: named KIND-SOURCE-YYYY-MM-DD.csv, unchanged across two polls
 * or marked with NAME.ready) through the same path as POST /api/v1/uploads
 * (load.c, the source's default mapping profile, one db_submit job), then
 * moves it to done/ or failed/ next to NAME.report.json.  One file at a
 * time; the event loop never waits for the database.
 */
#ifndef STEADY_DROPDIR_H
#define STEADY_DROPDIR_H

#include <stddef.h>

struct event_base;
struct db;
struct dropdir;

/* NULL on failure (logged), e.g. the directory or its done/ and failed/ cannot be made. */
struct dropdir *dropdir_new(struct event_base *base, struct db *db, const char *dir, int poll_seconds,
			    size_t max_bytes, size_t max_rows);
/* Call after db_free (a job in flight reports to the dropdir). NULL is fine. */
void dropdir_free(struct dropdir *d);

#endif
