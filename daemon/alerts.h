/*
 * alerts.c -- evaluating the alert rules after every figures refresh
 * (docs/alerts.md).  Reads the rules and the stored alert state, runs the
 * pure state machine (alert.c) for every team x figure that has a rule, and
 * hands the changes to steady_alert_apply() (sql/005_alerts.sql), which
 * stores state, transitions and outbox rows in one transaction under an
 * advisory lock and skips any change whose stored state moved since it was
 * read; then this module reads again and re-evaluates, so several daemons
 * evaluating the same figures store every transition exactly once.  The
 * summary document is handed back with the active alerts added as "alerts".
 */
#ifndef STEADY_ALERTS_H
#define STEADY_ALERTS_H

struct db;
struct alerts;

/* json: the summary with "alerts" added (malloc'd, callee frees); NULL only
 * when out of memory.  changed: transitions were stored (kick the outbox). */
typedef void (*alerts_done_cb)(void *ud, char *json, int changed);

struct alerts *alerts_new(struct db *db);
void alerts_free(struct alerts *a);

/* Evaluates the rules against `summary_json` (ownership taken when 0 is
 * returned).  done runs exactly once, later.  -1: out of memory or busy
 * (an evaluation is in flight); the caller keeps `summary_json`. */
int alerts_evaluate(struct alerts *a, char *summary_json, alerts_done_cb done, void *ud);

#endif
