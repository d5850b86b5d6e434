/*
 * webhook.c -- delivering the alert outbox (sql/005_alerts.sql) with
 * evhttp's client, never blocking the event loop.  Every `poll` seconds (and
 * when kicked after an evaluation stored notifications) it claims due rows
 * with FOR UPDATE SKIP LOCKED and a lease (the receiver's timeout plus a
 * margin), so two daemons never send the same row at once and a daemon
 * killed mid-send leaves the row to be sent again after the lease.  A 2xx
 * marks the row delivered at once; anything else records the attempt and
 * schedules the next one with bounded exponential backoff, honouring
 * Retry-After (429, 503); after `give_up_seconds` the row is marked failed,
 * visible through the API.  Each request carries X-Steady-Delivery (the
 * outbox id) so that a receiver can drop the duplicate a crash between its
 * 2xx and our commit could cause.  https receivers are verified against the
 * system's CAs (plus alert_ca_file) and their host name.  Email receivers
 * go through the same outbox, leases, backoff and give-up: the message
 * (notify_email) is handed to the local sendmail (mailer.c); exit status 0
 * marks the row delivered, anything else (EX_TEMPFAIL or not, a timeout) is a
 * failed attempt with sendmail's exit status and first stderr line as the
 * error.
 */
#ifndef STEADY_WEBHOOK_H
#define STEADY_WEBHOOK_H

struct db;
struct event_base;
struct webhook;

struct webhook_config {
	int poll_seconds;        /* default 1 */
	int backoff_base;        /* seconds, default 1 */
	int backoff_max;         /* seconds, default 300 */
	int retry_after_max;     /* seconds, default 3600 */
	int give_up_seconds;     /* default 86400 */
	int max_in_flight;       /* default 8 */
	const char *ca_file;     /* extra trusted CAs for https receivers (PEM), or NULL */
	const char *sendmail;    /* email receivers: default /usr/sbin/sendmail */
	const char *mail_from;   /* sender address; NULL: steady@<host name> */
	const char *dashboard_url; /* in email bodies, or NULL */
};

void webhook_config_defaults(struct webhook_config *c);

struct webhook *webhook_new(struct event_base *base, struct db *db, const struct webhook_config *cfg);
/* Look for due rows now (after an evaluation stored notifications). */
void webhook_kick(struct webhook *w);
/* Abandons requests in flight (their rows are sent again after the lease). */
void webhook_free(struct webhook *w);

#endif
