/*
 * webhook.c -- outbox delivery (see webhook.h).
 */
#include <cjson/cJSON.h>
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "mailer.h"
#include "notify.h"
#include "webhook.h"

#define LEASE_MARGIN_SECONDS 5

static const char CLAIM_SQL[] =
	"UPDATE alert_outbox o SET attempts = o.attempts + 1, lease_owner = $1, "
	" lease_until = now() + make_interval(secs => r.timeout_ms / 1000.0 + $3::integer) "
	"FROM alert_receiver r "
	"WHERE r.id = o.receiver_id AND o.id IN (SELECT id FROM alert_outbox "
	"  WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now() "
	"  AND (lease_until IS NULL OR lease_until < now()) ORDER BY id LIMIT $2::integer "
	"  FOR UPDATE SKIP LOCKED) "
	"RETURNING o.id, o.payload::text, r.kind, r.url, r.timeout_ms, o.attempts, "
	" extract(epoch FROM now() - o.created_at)::bigint, r.name";

static const char DELIVERED_SQL[] =
	"UPDATE alert_outbox SET delivered_at = now(), last_status = $2::integer, last_error = NULL, "
	" lease_until = NULL WHERE id = $1::bigint AND delivered_at IS NULL";

static const char FAILED_SQL[] =
	"UPDATE alert_outbox SET last_status = $2::integer, last_error = $3, lease_until = NULL, "
	" next_attempt_at = now() + make_interval(secs => $4::integer), "
	" failed_at = CASE WHEN $5::boolean THEN now() END "
	"WHERE id = $1::bigint AND delivered_at IS NULL";

static const char ATTEMPT_SQL[] =
	"INSERT INTO alert_delivery_attempt (outbox_id, status, error, duration_ms) "
	"SELECT $1::bigint, $2::integer, $3, $4::integer WHERE EXISTS (SELECT 1 FROM alert_outbox WHERE id = $1::bigint)";

struct delivery {
	struct webhook *w;
	struct delivery *next;
	long id;
	int attempts;
	long age;
	char name[64];
	struct evhttp_connection *conn;
	struct mailer *mail;     /* email receivers: sendmail running */
	struct event *done_ev;
	struct timespec t0;
};

struct webhook {
	struct event_base *base;
	struct db *db;
	struct evdns_base *dns;
	struct webhook_config cfg;
	struct event *timer;
	SSL_CTX *tls;            /* https receivers: peer and host name verified */
	int claiming;
	int kick_again;
	int in_flight;
	struct delivery *list;
	char owner[64];
	char mail_from[256];
};

void webhook_config_defaults(struct webhook_config *c)
{
	c->poll_seconds = 1;
	c->backoff_base = 1;
	c->backoff_max = 300;
	c->retry_after_max = 3600;
	c->give_up_seconds = 86400;
	c->max_in_flight = 8;
	c->ca_file = NULL;
	c->sendmail = "/usr/sbin/sendmail";
	c->mail_from = NULL;
	c->dashboard_url = NULL;
}

/* An https connection to host:port with certificate and host name checks.  NULL on failure. */
static struct evhttp_connection *tls_connection(struct webhook *w, const char *host, int port)
{
	SSL *ssl = SSL_new(w->tls);
	if (!ssl)
		return NULL;
	unsigned char addr[16];
	int is_ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
	if ((is_ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, host) : SSL_set1_host(ssl, host)) != 1 ||
	    (!is_ip && SSL_set_tlsext_host_name(ssl, host) != 1)) {
		SSL_free(ssl);
		return NULL;
	}
	struct bufferevent *bev = bufferevent_openssl_socket_new(w->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
								 BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (!bev) {
		SSL_free(ssl);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	struct evhttp_connection *c = evhttp_connection_base_bufferevent_new(w->base, w->dns, bev, host,
									    (unsigned short)port);
	if (!c)
		bufferevent_free(bev);
	return c;
}

static void unlink_delivery(struct webhook *w, struct delivery *d)
{
	for (struct delivery **p = &w->list; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
}

static void delivery_free(struct delivery *d)
{
	if (d->done_ev)
		event_free(d->done_ev);
	if (d->conn)
		evhttp_connection_free(d->conn);
	mailer_cancel(d->mail);
	free(d);
}

static void recorded(void *arg, struct pgjob_outcome *out)
{
	(void)arg;
	if (!out->ok)
		log_error("webhook: recording a delivery attempt failed: %s (the row is retried after its lease)",
			  out->error);
}

/* Records the outcome of one attempt: ok (HTTP 2xx, sendmail exit 0) or
 * not; status: the HTTP status or sendmail's exit status, -1 for none (no
 * answer, killed). */
static void record(struct delivery *d, int ok, int status, const char *error, long retry_after)
{
	struct webhook *w = d->w;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (now.tv_sec - d->t0.tv_sec) * 1000 + (now.tv_nsec - d->t0.tv_nsec) / 1000000;
	char id[32], st[16], dur[32], delay_s[32];
	snprintf(id, sizeof id, "%ld", d->id);
	snprintf(st, sizeof st, "%d", status);
	snprintf(dur, sizeof dur, "%ld", ms);
	struct pgjob job = PGJOB_INIT;
	job.what = "webhook delivery result";
	const char *attempt[4] = { id, status >= 0 ? st : NULL, ok ? NULL : error, dur };
	int rc;
	if (ok) {
		const char *p[2] = { id, status >= 0 ? st : NULL };
		rc = pgjob_add_query(&job, DELIVERED_SQL, 2, p, NULL, NULL);
		log_info("webhook: outbox %ld delivered to %s (%s %d, attempt %d)", d->id, d->name,
			 d->conn ? "HTTP" : "sendmail exit", status, d->attempts);
	} else {
		long delay = notify_backoff(d->attempts, w->cfg.backoff_base, w->cfg.backoff_max, retry_after,
					    w->cfg.retry_after_max);
		int give_up = d->age + delay > w->cfg.give_up_seconds;
		snprintf(delay_s, sizeof delay_s, "%ld", delay);
		const char *p[5] = { id, status >= 0 ? st : NULL, error, delay_s, give_up ? "true" : "false" };
		rc = pgjob_add_query(&job, FAILED_SQL, 5, p, NULL, NULL);
		if (give_up)
			log_error("webhook: giving up on outbox %ld to %s after %d attempts: %s", d->id, d->name,
				  d->attempts, error);
		else
			log_warn("webhook: outbox %ld to %s failed (attempt %d: %s); next try in %ld s", d->id,
				 d->name, d->attempts, error, delay);
	}
	if (rc < 0 || pgjob_add_query(&job, ATTEMPT_SQL, 4, attempt, NULL, NULL) < 0 ||
	    db_submit(w->db, &job, recorded, w) < 0)
		log_error("webhook: out of memory recording outbox %ld (retried after its lease)", d->id);
	pgjob_free(&job);
}

static void done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct delivery *d = arg;
	struct webhook *w = d->w;
	(void)fd;
	(void)what;
	unlink_delivery(w, d);
	w->in_flight--;
	delivery_free(d);
	webhook_kick(w);
}

static void response_cb(struct evhttp_request *req, void *arg)
{
	struct delivery *d = arg;
	if (!d->conn || d->done_ev)
		return;  /* being freed */
	int status = req ? evhttp_request_get_response_code(req) : 0;
	long retry_after = -1;
	char err[200];
	if (status == 0) {
		struct bufferevent *bev = evhttp_connection_get_bufferevent(d->conn);
		unsigned long e = bev ? bufferevent_get_openssl_error(bev) : 0;
		if (!e)
			e = ERR_get_error();
		if (e) {
			char why[160];
			ERR_error_string_n(e, why, sizeof why);
			snprintf(err, sizeof err, "TLS: %s", why);
			ERR_clear_error();
		} else {
			snprintf(err, sizeof err, "no answer (connection refused, timed out or reset)");
		}
	} else {
		snprintf(err, sizeof err, "HTTP %d", status);
		const char *ra = evhttp_find_header(evhttp_request_get_input_headers(req), "Retry-After");
		if ((status == 429 || status == 503) && notify_retry_after(ra, time(NULL), &retry_after) < 0)
			retry_after = -1;
	}
	record(d, status >= 200 && status < 300, status ? status : -1, err, retry_after);
	/* the connection cannot be freed inside its own callback: next loop turn */
	struct timeval zero = { 0, 0 };
	d->done_ev = evtimer_new(d->w->base, done_cb, d);
	if (!d->done_ev || evtimer_add(d->done_ev, &zero) < 0)
		log_error("webhook: cannot schedule freeing a connection; it is freed at exit");
}

/* sendmail has finished (mailer.c frees itself after this returns). */
static void mail_done(void *arg, int exit_status, const char *error)
{
	struct delivery *d = arg;
	struct webhook *w = d->w;
	d->mail = NULL;
	record(d, exit_status == 0, exit_status, error ? error : "", -1);
	unlink_delivery(w, d);
	w->in_flight--;
	delivery_free(d);
	webhook_kick(w);
}

/* An email receiver: `to` is its recipient list. */
static int start_mail(struct webhook *w, struct delivery *d, const char *payload, const char *to, int timeout_ms)
{
	char why[300];
	const char *err = "the notification could not be read";
	cJSON *p = cJSON_Parse(payload);
	struct notify_mail nm = { w->mail_from, to, w->cfg.dashboard_url, d->id, time(NULL) };
	char *msg = p ? notify_email(p, &nm, &err) : NULL;
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	if (msg) {
		d->mail = mailer_send(w->base, w->cfg.sendmail, msg, timeout_ms, mail_done, d, why, sizeof why);
		err = why;
	}
	if (d->mail)
		log_debug("webhook: mailing outbox %ld to %s (%s, attempt %d)", d->id, d->name, to, d->attempts);
	else
		record(d, 0, -1, err, -1);
	cJSON_Delete(p);
	free(msg);
	return d->mail ? 0 : -1;
}

static int start_delivery(struct webhook *w, struct delivery *d, const char *payload, const char *kind,
			  const char *url, int timeout_ms)
{
	if (!strcmp(kind, "email"))
		return start_mail(w, d, payload, url, timeout_ms);
	struct evhttp_uri *uri = evhttp_uri_parse(url);
	cJSON *p = cJSON_Parse(payload);
	char *body = p ? notify_body(kind, p) : NULL;
	const char *err = NULL;
	int rc = -1;
	if (!uri || !evhttp_uri_get_host(uri) || !evhttp_uri_get_scheme(uri)) {
		err = "the receiver's URL cannot be parsed";
		goto fail;
	}
	int https = !strcmp(evhttp_uri_get_scheme(uri), "https");
	if (!https && strcmp(evhttp_uri_get_scheme(uri), "http")) {
		err = "the receiver's URL must be http:// or https://";
		goto fail;
	}
	if (!body) {
		err = "the notification could not be formatted";
		goto fail;
	}
	int port = evhttp_uri_get_port(uri);
	const char *host = evhttp_uri_get_host(uri);
	d->conn = https ? tls_connection(w, host, port > 0 ? port : 443)
		        : evhttp_connection_base_new(w->base, w->dns, host, (unsigned short)(port > 0 ? port : 80));
	struct evhttp_request *req = d->conn ? evhttp_request_new(response_cb, d) : NULL;
	if (!req) {
		err = "out of memory";
		goto fail;
	}
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	evhttp_connection_set_timeout_tv(d->conn, &tv);
	evhttp_connection_set_retries(d->conn, 0);
	char hostport[300], idbuf[32];
	snprintf(hostport, sizeof hostport, port > 0 ? "%s:%d" : "%s", host, port);
	snprintf(idbuf, sizeof idbuf, "%ld", d->id);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	const char *path = evhttp_uri_get_path(uri), *query = evhttp_uri_get_query(uri);
	char target[2048];
	snprintf(target, sizeof target, "%s%s%s", path && *path ? path : "/", query ? "?" : "", query ? query : "");
	if (evhttp_add_header(h, "Host", hostport) < 0 ||
	    evhttp_add_header(h, "Content-Type", "application/json") < 0 ||
	    evhttp_add_header(h, "User-Agent", "steadyd") < 0 || evhttp_add_header(h, "X-Steady-Delivery", idbuf) < 0 ||
	    evhttp_add_header(h, "Connection", "close") < 0 ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body)) < 0) {
		evhttp_request_free(req);
		err = "out of memory";
		goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	if (evhttp_make_request(d->conn, req, EVHTTP_REQ_POST, target) < 0) {
		err = "the request could not be started";  /* libevent freed req */
		goto fail;
	}
	log_debug("webhook: sending outbox %ld to %s (%s, attempt %d)", d->id, d->name, kind, d->attempts);
	rc = 0;
fail:
	if (rc < 0) {
		clock_gettime(CLOCK_MONOTONIC, &d->t0);
		record(d, 0, -1, err, -1);
	}
	if (uri)
		evhttp_uri_free(uri);
	cJSON_Delete(p);
	free(body);
	return rc;
}

static void claimed(void *arg, struct pgjob_outcome *out)
{
	struct webhook *w = arg;
	w->claiming = 0;
	if (!out->ok) {
		log_warn("webhook: claiming outbox rows failed: %s", out->error);
		return;
	}
	int n = PQntuples(out->result);
	for (int i = 0; i < n; i++) {
		struct delivery *d = calloc(1, sizeof *d);
		if (!d) {
			log_error("webhook: out of memory; outbox rows are retried after their lease");
			break;
		}
		d->w = w;
		d->id = atol(PQgetvalue(out->result, i, 0));
		d->attempts = atoi(PQgetvalue(out->result, i, 5));
		d->age = atol(PQgetvalue(out->result, i, 6));
		snprintf(d->name, sizeof d->name, "%s", PQgetvalue(out->result, i, 7));
		if (start_delivery(w, d, PQgetvalue(out->result, i, 1), PQgetvalue(out->result, i, 2),
				   PQgetvalue(out->result, i, 3), atoi(PQgetvalue(out->result, i, 4))) < 0) {
			delivery_free(d);
			continue;
		}
		d->next = w->list;
		w->list = d;
		w->in_flight++;
	}
	if (w->kick_again) {
		w->kick_again = 0;
		webhook_kick(w);
	}
}

void webhook_kick(struct webhook *w)
{
	if (w->claiming) {
		w->kick_again = 1;
		return;
	}
	int room = w->cfg.max_in_flight - w->in_flight;
	if (room <= 0 || !db_is_up(w->db))
		return;
	char lim[16], margin[16];
	snprintf(lim, sizeof lim, "%d", room);
	snprintf(margin, sizeof margin, "%d", LEASE_MARGIN_SECONDS);
	const char *p[3] = { w->owner, lim, margin };
	if (db_query(w->db, CLAIM_SQL, 3, p, claimed, w) == 0)
		w->claiming = 1;
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	webhook_kick(arg);
}

struct webhook *webhook_new(struct event_base *base, struct db *db, const struct webhook_config *cfg)
{
	struct webhook *w = calloc(1, sizeof *w);
	if (!w)
		goto fail;
	w->base = base;
	w->db = db;
	w->cfg = *cfg;
	char host[256] = "", norm[300];
	const char *why;
	gethostname(host, sizeof host - 1);
	snprintf(w->owner, sizeof w->owner, "%.40s:%ld", host, (long)getpid());
	/* the sender: mail_from, else steady@<host name> when that is an address */
	if (cfg->mail_from && *cfg->mail_from)
		snprintf(w->mail_from, sizeof w->mail_from, "%s", cfg->mail_from);
	else if (snprintf(norm, sizeof norm, "steady@%s", host) >= (int)sizeof norm ||
		 notify_email_list(norm, w->mail_from, sizeof w->mail_from, &why) < 0)
		snprintf(w->mail_from, sizeof w->mail_from, "steady@localhost");
	if (!w->cfg.sendmail)
		w->cfg.sendmail = "/usr/sbin/sendmail";
	w->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (!w->dns)
		w->dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	w->tls = SSL_CTX_new(TLS_client_method());
	if (!w->tls || SSL_CTX_set_min_proto_version(w->tls, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_default_verify_paths(w->tls) != 1 ||
	    (cfg->ca_file && SSL_CTX_load_verify_locations(w->tls, cfg->ca_file, NULL) != 1)) {
		log_error("webhook: cannot set up TLS%s%s", cfg->ca_file ? " with CA file " : "",
			  cfg->ca_file ? cfg->ca_file : "");
		goto fail;
	}
	SSL_CTX_set_verify(w->tls, SSL_VERIFY_PEER, NULL);
	w->timer = event_new(base, -1, EV_PERSIST, tick, w);
	struct timeval tv = { cfg->poll_seconds > 0 ? cfg->poll_seconds : 1, 0 };
	if (!w->dns || !w->timer || event_add(w->timer, &tv) < 0)
		goto fail;
	return w;
fail:
	log_error("webhook: cannot start the delivery worker");
	webhook_free(w);
	return NULL;
}

void webhook_free(struct webhook *w)
{
	if (!w)
		return;
	while (w->list) {
		struct delivery *d = w->list;
		w->list = d->next;
		struct evhttp_connection *c = d->conn;
		d->conn = NULL;  /* a callback during the free sees it and returns */
		if (c)
			evhttp_connection_free(c);
		delivery_free(d);
	}
	if (w->timer)
		event_free(w->timer);
	if (w->dns)
		evdns_base_free(w->dns, 0);
	if (w->tls)
		SSL_CTX_free(w->tls);
	free(w);
}
