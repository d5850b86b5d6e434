/*
 * figures.c -- keeps the figures engine in step with PostgreSQL and answers
 * figure requests.  Before every answer it reads the small tables (teams,
 * batch list, establishment) and fetches the rows of roster batches it does
 * not hold yet; reverted or deleted batches are dropped.  Monthly results for
 * the trend are cached and only months on or after a changed snapshot are
 * recomputed.  Everything it holds is derived from the database, so every
 * steadyd computes the same figures.
 */
#ifndef STEADY_FIGURES_H
#define STEADY_FIGURES_H

#include <limits.h>

struct db;
struct figures;

#define FIGURES_DEFAULT INT_MIN
#define FIGURES_TREND_MONTHS 36

/* json: malloc'd document (callee frees) or NULL; status: 200, 404 (unknown team), 503 (database). */
typedef void (*figures_cb)(void *ud, char *json, int status);

struct figures *figures_new(struct db *db);
void figures_free(struct figures *f);

/* Summary at `date` (days; FIGURES_DEFAULT = latest roster as_of) with the window
 * starting `from` (FIGURES_DEFAULT = 12 months before, plus a day).  0 or -1. */
int figures_summary(struct figures *f, int date, int from, figures_cb cb, void *ud);

/* One team's monthly history (last `months` month ends).  0 or -1. */
int figures_history(struct figures *f, const char *team_code, int months, figures_cb cb, void *ud);

#endif
