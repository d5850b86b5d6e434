/*
 * db.c -- non-blocking PostgreSQL for the daemon (see db.h).
 *
 * States: DOWN (waiting for the retry timer), CONNECTING (PQconnectPoll
 * driven by socket readiness), OPEN (jobs run one at a time, in order; the
 * first job after every connect is the internal LISTEN).  Any failure of the
 * connection fails the running and queued jobs, calls on_lost and schedules
 * a reconnect.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 30
#define CONNECT_TIMEOUT_S 10
#define COPY_CHUNK (256 * 1024)

enum db_state { DB_DOWN, DB_CONNECTING, DB_OPEN };

struct db_pending {
	struct pgjob job;
	db_job_cb cb;
	void *ud;
	struct db_pending *next;
};

struct db {
	struct event_base *base;
	char *conninfo;
	char *channel;
	struct db_callbacks cbs;
	void *ud;

	PGconn *conn;
	enum db_state state;
	int listening;             /* LISTEN done on this connection */
	struct event *sock_ev;
	int sock_fd;
	short sock_what;
	struct event *retry_ev;
	struct event *kick_ev;
	int backoff_s;
	unsigned long reconnects;
	int ever_connected;

	struct db_pending *head, *tail;
	struct db_pending *active;
	size_t step;
	int step_sent;
	int copying;               /* sending COPY data for the current step */
	size_t copy_off;
	int rolling_back;
	PGresult *step_res;
	PGresult *prev_res;        /* the previous step's result when it is not out.result */
	const PGresult *prev;      /* the previous step's result (prev_res or out.result), for prepare */
	struct pgjob_outcome out;
};

static void on_socket(evutil_socket_t fd, short what, void *arg);
static void drive(struct db *db);
static void step_failed(struct db *db, PGresult *r, const char *msg);

static int watch(struct db *db, short what, int timeout_s)
{
	int fd = PQsocket(db->conn);
	if (fd < 0)
		return -1;
	if (db->sock_ev && (db->sock_fd != fd || db->sock_what != what)) {
		event_free(db->sock_ev);
		db->sock_ev = NULL;
	}
	if (!db->sock_ev) {
		db->sock_ev = event_new(db->base, fd, what | EV_PERSIST, on_socket, db);
		if (!db->sock_ev) {
			log_error("db: out of memory watching the connection");
			return -1;
		}
		db->sock_fd = fd;
		db->sock_what = what;
	}
	struct timeval tv = { timeout_s, 0 };
	return event_add(db->sock_ev, timeout_s ? &tv : NULL);
}

static void unwatch(struct db *db)
{
	if (db->sock_ev) {
		event_free(db->sock_ev);
		db->sock_ev = NULL;
	}
}

static void finish_active(struct db *db)
{
	struct db_pending *p = db->active;
	db->active = NULL;
	if (db->step_res) {
		PQclear(db->step_res);
		db->step_res = NULL;
	}
	if (db->prev_res) {
		PQclear(db->prev_res);
		db->prev_res = NULL;
	}
	db->prev = NULL;
	db->copying = db->rolling_back = db->step_sent = 0;
	p->cb(p->ud, &db->out);
	pgjob_outcome_clear(&db->out);
	pgjob_free(&p->job);
	free(p);
}

static void fail_all(struct db *db, const char *why)
{
	if (db->active) {
		if (!db->out.error || db->out.ok)
			pgjob_outcome_fail(&db->out, (long)db->step, NULL, why);
		finish_active(db);
	}
	while (db->head) {
		struct db_pending *p = db->head;
		db->head = p->next;
		if (!db->head)
			db->tail = NULL;
		struct pgjob_outcome out;
		memset(&out, 0, sizeof out);
		pgjob_outcome_fail(&out, -1, NULL, why);
		p->cb(p->ud, &out);
		pgjob_outcome_clear(&out);
		pgjob_free(&p->job);
		free(p);
	}
}

static void schedule_retry(struct db *db)
{
	struct timeval tv = { db->backoff_s, 0 };
	evtimer_add(db->retry_ev, &tv);
	db->backoff_s = db->backoff_s * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : db->backoff_s * 2;
}

static void connection_failed(struct db *db, const char *what)
{
	const char *msg = db->conn ? PQerrorMessage(db->conn) : "";
	char why[512];
	snprintf(why, sizeof why, "database unavailable: %s%s%.*s", what, *msg ? ": " : "",
		 (int)strcspn(msg, "\n"), msg);
	int was_open = db->state == DB_OPEN && db->listening;
	log_error("db: %s; retrying in %d s", why + strlen("database unavailable: "), db->backoff_s);
	unwatch(db);
	if (db->conn) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->state = DB_DOWN;
	db->listening = 0;
	fail_all(db, why);
	schedule_retry(db);
	if (was_open && db->cbs.on_lost)
		db->cbs.on_lost(db->ud);
}

static void on_listen_done(void *arg, struct pgjob_outcome *out)
{
	struct db *db = arg;
	if (!out->ok) {
		log_error("db: LISTEN %s failed: %s", db->channel, out->error);
		return; /* the connection is torn down by drive() below */
	}
	db->listening = 1;
	db->backoff_s = BACKOFF_MIN_S;
	if (db->ever_connected)
		db->reconnects++;
	db->ever_connected = 1;
	log_info("db: connected and listening on \"%s\"", db->channel);
	if (db->cbs.on_ready)
		db->cbs.on_ready(db->ud);
}

static int push_front_listen(struct db *db)
{
	struct db_pending *p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	struct pgjob job = PGJOB_INIT;
	p->job = job;
	p->job.what = "LISTEN";
	char *ident = PQescapeIdentifier(db->conn, db->channel, strlen(db->channel));
	char sql[256];
	if (!ident) {
		free(p);
		return -1;
	}
	snprintf(sql, sizeof sql, "LISTEN %s", ident);
	PQfreemem(ident);
	if (pgjob_add_query(&p->job, sql, 0, NULL, NULL, NULL) < 0) {
		pgjob_free(&p->job);
		free(p);
		return -1;
	}
	p->cb = on_listen_done;
	p->ud = db;
	p->next = db->head;
	db->head = p;
	if (!db->tail)
		db->tail = p;
	return 0;
}

static void connected(struct db *db)
{
	if (PQsetnonblocking(db->conn, 1) != 0) {
		connection_failed(db, "cannot make the connection non-blocking");
		return;
	}
	db->state = DB_OPEN;
	if (push_front_listen(db) < 0) {
		connection_failed(db, "out of memory");
		return;
	}
	drive(db);
}

static void poll_connect(struct db *db)
{
	switch (PQconnectPoll(db->conn)) {
	case PGRES_POLLING_READING:
		if (watch(db, EV_READ, CONNECT_TIMEOUT_S) < 0)
			connection_failed(db, "cannot watch the socket");
		break;
	case PGRES_POLLING_WRITING:
		if (watch(db, EV_WRITE, CONNECT_TIMEOUT_S) < 0)
			connection_failed(db, "cannot watch the socket");
		break;
	case PGRES_POLLING_OK:
		connected(db);
		break;
	default:
		connection_failed(db, "connect failed");
		break;
	}
}

static void start_connect(struct db *db)
{
	db->conn = PQconnectStart(db->conninfo);
	if (!db->conn) {
		log_error("db: out of memory starting a connection");
		schedule_retry(db);
		return;
	}
	if (PQstatus(db->conn) == CONNECTION_BAD) {
		connection_failed(db, "connect failed");
		return;
	}
	db->state = DB_CONNECTING;
	/* as if PQconnectPoll had last returned PGRES_POLLING_WRITING */
	if (watch(db, EV_WRITE, CONNECT_TIMEOUT_S) < 0)
		connection_failed(db, "cannot watch the socket");
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	start_connect(arg);
}

static void deliver_notifies(struct db *db)
{
	PGnotify *n;
	while (db->conn && (n = PQnotifies(db->conn)) != NULL) {
		if (db->cbs.on_notify)
			db->cbs.on_notify(db->ud, n->relname, n->extra);
		PQfreemem(n);
	}
}

static int send_step(struct db *db)
{
	const struct pgstep *st = &db->active->job.steps[db->step];
	return PQsendQueryParams(db->conn, st->sql, st->nparams, NULL,
				 (const char *const *)st->values, st->lengths, st->formats, 0) ? 0 : -1;
}

/* 1 = all data and the end marker sent, 0 = would block, -1 = error */
static int push_copy(struct db *db)
{
	const struct buf *b = &db->active->job.steps[db->step].copy;
	while (db->copy_off < b->len) {
		size_t n = b->len - db->copy_off;
		if (n > COPY_CHUNK)
			n = COPY_CHUNK;
		int r = PQputCopyData(db->conn, b->data + db->copy_off, (int)n);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		db->copy_off += n;
	}
	int r = PQputCopyEnd(db->conn, NULL);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	db->copying = 0;
	return 1;
}

static int result_ok(PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* The current step's results are all in: decide what comes next. */
static void step_done(struct db *db)
{
	struct pgjob *job = &db->active->job;
	if (db->rolling_back) {
		finish_active(db);
		return;
	}
	PGresult *r = db->step_res;
	db->step_res = NULL;
	db->step_sent = 0;
	if (!r || !result_ok(r)) {
		step_failed(db, r, PQerrorMessage(db->conn));
		return;
	}
	if (db->prev_res) {
		PQclear(db->prev_res);
		db->prev_res = NULL;
	}
	long want = job->result_step < 0 ? (long)job->n - 1 : job->result_step;
	if ((long)db->step == want) {
		if (db->out.result)
			PQclear(db->out.result);
		db->out.result = r;
	} else {
		db->prev_res = r;
	}
	db->prev = r;
	if (++db->step == job->n) {
		db->out.ok = 1;
		db->out.failed_step = -1;
		finish_active(db);
	}
}

/* The current step failed (r: its result, or NULL): roll back if a transaction
 * is open, then report. */
static void step_failed(struct db *db, PGresult *r, const char *msg)
{
	struct pgjob *job = &db->active->job;
	if (db->prev_res) {
		PQclear(db->prev_res);
		db->prev_res = NULL;
	}
	db->prev = NULL;
	pgjob_outcome_fail(&db->out, (long)db->step, r, msg);
	log_debug("db: %s failed at step %zu: %s", job->what, db->step, db->out.error);
	PGTransactionStatusType ts = PQtransactionStatus(db->conn);
	if (ts == PQTRANS_INERROR || ts == PQTRANS_INTRANS) {
		if (!PQsendQuery(db->conn, "ROLLBACK")) {
			connection_failed(db, "sending ROLLBACK");
			return;
		}
		db->rolling_back = 1;
		db->step_sent = 1;
		return;
	}
	finish_active(db);
}

static void drive(struct db *db)
{
	while (db->state == DB_OPEN) {
		if (!db->active) {
			if (!db->head)
				break;
			db->active = db->head;
			db->head = db->active->next;
			if (!db->head)
				db->tail = NULL;
			db->step = 0;
			db->step_sent = 0;
			memset(&db->out, 0, sizeof db->out);
			db->out.failed_step = -1;
			if (db->active->job.n == 0) {
				db->out.ok = 1;
				finish_active(db);
				continue;
			}
		}
		if (!db->step_sent) {
			const char *why;
			if (pgstep_prepare(&db->active->job.steps[db->step], db->prev, &why) < 0) {
				step_failed(db, NULL, why);
				continue;
			}
			if (send_step(db) < 0) {
				connection_failed(db, "sending a query");
				return;
			}
			db->step_sent = 1;
		}
		int need_write = 0;
		if (db->copying) {
			int r = push_copy(db);
			if (r < 0) {
				connection_failed(db, "sending COPY data");
				return;
			}
			need_write = r == 0;
		}
		if (!need_write) {
			int f = PQflush(db->conn);
			if (f < 0) {
				connection_failed(db, "flushing");
				return;
			}
			need_write = f == 1;
		}
		if (watch(db, need_write ? EV_READ | EV_WRITE : EV_READ, 0) < 0) {
			connection_failed(db, "cannot watch the socket");
			return;
		}
		if (need_write)
			return;
		if (!PQconsumeInput(db->conn)) {
			connection_failed(db, "reading");
			return;
		}
		deliver_notifies(db);
		if (PQisBusy(db->conn))
			return;
		PGresult *r = PQgetResult(db->conn);
		if (r) {
			if (PQresultStatus(r) == PGRES_COPY_IN) {
				PQclear(r);
				db->copying = 1;
				db->copy_off = 0;
				continue;
			}
			if (db->step_res)
				PQclear(db->step_res);
			db->step_res = r;
			continue;
		}
		struct db_pending *was = db->active;
		int listen_job = was->cb == on_listen_done;
		step_done(db);
		if (listen_job && db->state == DB_OPEN && !db->listening && !db->active) {
			connection_failed(db, "LISTEN failed");
			return;
		}
	}
	if (db->state == DB_OPEN && !db->active && db->conn)
		watch(db, EV_READ, 0);
}

static void on_socket(evutil_socket_t fd, short what, void *arg)
{
	struct db *db = arg;
	(void)fd;
	if (db->state == DB_CONNECTING) {
		if (what & EV_TIMEOUT) {
			connection_failed(db, "connect timed out");
			return;
		}
		poll_connect(db);
		return;
	}
	if (db->state != DB_OPEN)
		return;
	if (!db->active) {
		/* idle: notifications, or the server going away */
		if (!PQconsumeInput(db->conn) || PQstatus(db->conn) == CONNECTION_BAD) {
			connection_failed(db, "connection lost");
			return;
		}
		deliver_notifies(db);
		/* drop anything unexpected (there should be nothing) */
		if (db->state == DB_OPEN && !db->active && !PQisBusy(db->conn)) {
			PGresult *r;
			while (db->conn && (r = PQgetResult(db->conn)) != NULL)
				PQclear(r);
		}
	}
	drive(db);
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	struct db *db = arg;
	(void)fd;
	(void)what;
	if (db->state == DB_DOWN)
		fail_all(db, "database unavailable: reconnecting");
	else if (db->state == DB_OPEN)
		drive(db);
}

struct db *db_new(struct event_base *base, const char *conninfo, const char *listen_channel,
		  const struct db_callbacks *cbs, void *ud)
{
	struct db *db = calloc(1, sizeof *db);
	if (!db)
		goto fail;
	db->base = base;
	db->cbs = *cbs;
	db->ud = ud;
	db->backoff_s = BACKOFF_MIN_S;
	db->conninfo = strdup(conninfo);
	db->channel = strdup(listen_channel);
	db->retry_ev = evtimer_new(base, on_retry, db);
	db->kick_ev = evtimer_new(base, on_kick, db);
	if (!db->conninfo || !db->channel || !db->retry_ev || !db->kick_ev)
		goto fail;
	start_connect(db);
	return db;
fail:
	log_error("db: out of memory creating the connection");
	if (db) {
		free(db->conninfo);
		free(db->channel);
		if (db->retry_ev)
			event_free(db->retry_ev);
		if (db->kick_ev)
			event_free(db->kick_ev);
		free(db);
	}
	return NULL;
}

int db_submit(struct db *db, struct pgjob *job, db_job_cb cb, void *ud)
{
	struct db_pending *p = calloc(1, sizeof *p);
	if (!p) {
		log_error("db: out of memory queueing %s", job->what);
		return -1;
	}
	p->job = *job;
	struct pgjob empty = PGJOB_INIT;
	*job = empty;
	p->cb = cb;
	p->ud = ud;
	if (db->tail)
		db->tail->next = p;
	else
		db->head = p;
	db->tail = p;
	event_active(db->kick_ev, EV_TIMEOUT, 0);
	return 0;
}

int db_query(struct db *db, const char *sql, int nparams, const char *const *params,
	     db_job_cb cb, void *ud)
{
	struct pgjob job = PGJOB_INIT;
	if (pgjob_add_query(&job, sql, nparams, params, NULL, NULL) < 0 ||
	    db_submit(db, &job, cb, ud) < 0) {
		pgjob_free(&job);
		return -1;
	}
	return 0;
}

int db_is_up(const struct db *db)
{
	return db->state == DB_OPEN && db->listening;
}

unsigned long db_reconnects(const struct db *db)
{
	return db->reconnects;
}

void db_free(struct db *db)
{
	if (!db)
		return;
	fail_all(db, "shutting down");
	unwatch(db);
	if (db->conn)
		PQfinish(db->conn);
	event_free(db->retry_ev);
	event_free(db->kick_ev);
	free(db->conninfo);
	free(db->channel);
	free(db);
}
