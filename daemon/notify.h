/*
 * notify.c -- notifications, pure: the text and the body of a notification
 * for each receiver kind (generic JSON, Microsoft Teams Workflows adaptive
 * card, Slack incoming webhook), the email message for sendmail, the retry
 * delay (bounded exponential backoff, honouring Retry-After), and
 * Retry-After parsing.
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

/* Email recipients: a comma-separated list of 1 to NOTIFY_EMAIL_MAX plain
 * addresses, each local@domain with a dot-atom local part (letters, digits
 * and !#$%&'*+-/=?^_`{|}~, dots between them, at most 64 characters) and a
 * host-name domain (labels of letters, digits and inner hyphens, at most 63
 * characters each and 253 in all; one label, e.g. "localhost", allowed).
 * ASCII only; no display names, comments or quoted local parts.  Blanks
 * around the commas are allowed.  On success writes the list normalised as
 * "a@x, b@y" to out (len bytes) and returns 0; else -1 with a reason in
 * *why (a static string).  Never accepts CR, LF or any other control
 * character, so a valid list cannot inject a header. */
#define NOTIFY_EMAIL_MAX 20
int notify_email_list(const char *in, char *out, size_t len, const char **why);

struct notify_mail {
	const char *from;          /* one address (steadyd.conf mail_from) */
	const char *to;            /* the receiver's list (notify_email_list syntax) */
	const char *dashboard_url; /* shown in the body, or NULL */
	long outbox_id;            /* with event_id, the Message-ID: the same on every retry */
	time_t now;                /* the Date when the payload has no "at" */
};

/* The RFC 5322 message for `sendmail -i -t`: From, To, Subject (RFC 2047
 * encoded when not ASCII, folded), Date (the notification's "at"),
 * Message-ID, MIME-Version, text/plain UTF-8 in quoted-printable,
 * Auto-Submitted, X-Steady-Delivery, then the body.  Lines end in LF (the
 * local sendmail convention; the MTA sends CRLF).  Team names and other
 * texts from the payload have their control characters replaced by spaces,
 * so nothing in a payload can add a header.  malloc'd; NULL with *why set
 * when from or to is invalid or memory runs out. */
char *notify_email(const cJSON *payload, const struct notify_mail *m, const char **why);

/* Seconds to wait before attempt `attempts + 1` after `attempts` failed ones:
 * base x 2^(attempts-1), capped at max; at least retry_after (when >= 0),
 * capped at max_retry_after. */
long notify_backoff(int attempts, long base, long max, long retry_after, long max_retry_after);

/* Retry-After: delta-seconds or an IMF-fixdate.  0 and *seconds (>= 0), or -1. */
int notify_retry_after(const char *value, time_t now, long *seconds);

#endif
