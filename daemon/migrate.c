/*
 * migrate.c -- applying the numbered schema migrations.
 */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "migrate.h"

#define MIGRATE_LOCK_KEY "7465616479" /* arbitrary, constant: "teady" */

static int exec_ok(PGconn *conn, const char *sql, const char *what)
{
	PGresult *r = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		log_error("migrate: %s failed: %s", what, PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

int migrate_latest(void)
{
	int v = 0;
	for (const struct migration *m = steady_migrations; m->version; m++)
		if (m->version > v)
			v = m->version;
	return v;
}

int migrate_current(PGconn *conn)
{
	PGresult *r = PQexec(conn,
		"SELECT CASE WHEN to_regclass('steady_schema_version') IS NULL THEN 0 "
		"ELSE (SELECT coalesce(max(version), 0) FROM steady_schema_version) END");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_error("migrate: reading schema version failed: %s", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	int v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

int migrate_apply(PGconn *conn)
{
	int applied = 0;
	if (exec_ok(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the migration lock") < 0)
		return -1;
	if (exec_ok(conn,
		    "CREATE TABLE IF NOT EXISTS steady_schema_version ("
		    " version integer PRIMARY KEY,"
		    " name text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    "creating steady_schema_version") < 0)
		goto fail;
	int current = migrate_current(conn);
	if (current < 0)
		goto fail;
	if (current > migrate_latest()) {
		log_error("migrate: the database is at schema version %d but this build knows only up to %d: "
			  "upgrade steady before using this database", current, migrate_latest());
		goto fail;
	}
	for (const struct migration *m = steady_migrations; m->version; m++) {
		if (m->version <= current)
			continue;
		if (exec_ok(conn, "BEGIN", "BEGIN") < 0)
			goto fail;
		PGresult *r = PQexec(conn, m->sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
			log_error("migrate: %s failed: %s", m->name, PQresultErrorMessage(r));
			PQclear(r);
			exec_ok(conn, "ROLLBACK", "ROLLBACK");
			goto fail;
		}
		PQclear(r);
		char vbuf[16];
		snprintf(vbuf, sizeof vbuf, "%d", m->version);
		const char *params[2] = { vbuf, m->name };
		r = PQexecParams(conn, "INSERT INTO steady_schema_version (version, name) VALUES ($1, $2)",
				 2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			log_error("migrate: recording %s failed: %s", m->name, PQresultErrorMessage(r));
			PQclear(r);
			exec_ok(conn, "ROLLBACK", "ROLLBACK");
			goto fail;
		}
		PQclear(r);
		if (exec_ok(conn, "COMMIT", "COMMIT") < 0)
			goto fail;
		log_info("migrate: applied %s", m->name);
		applied++;
	}
	exec_ok(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", "releasing the migration lock");
	return applied;
fail:
	exec_ok(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", "releasing the migration lock");
	return -1;
}
