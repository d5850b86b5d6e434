/*
 * notify.c -- notifications, pure: the text and the body of a notification
 * for each receiver kind (generic JSON, Microsoft Teams Workflows adaptive
 * card, Slack incoming webhook), the retry delay (bounded exponential
 * backoff, honouring Retry-After), and Retry-After parsing.
 */
#ifndef STEADY_NOTIFY_H
#define STEADY_NOTIFY_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

/* One line for people, e.g. "[RED] Agency rate (FTE) in Assessment is 40.0%
 * (red at 30.0%), as of 2026-09-30".  Writes at most len bytes. */
void notify_text(const cJSON *payload, char *out, size_t len);

/* The body to POST for receiver `kind` ("json", "teams", "slack"); malloc'd
 * or NULL (ENOMEM / unknown kind). */
char *notify_body(const char *kind, const cJSON *payload);

/* Seconds to wait before attempt `attempts + 1` after `attempts` failed ones:
 * base x 2^(attempts-1), capped at max; at least retry_after (when >= 0),
 * capped at max_retry_after. */
long notify_backoff(int attempts, long base, long max, long retry_after, long max_retry_after);

/* Retry-After: delta-seconds or an IMF-fixdate.  0 and *seconds (>= 0), or -1. */
int notify_retry_after(const char *value, time_t now, long *seconds);

#endif
