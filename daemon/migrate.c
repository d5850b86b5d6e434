/*
 * migrate.c -- applying the numbered schema migrations, and refusing a
 * database whose applied migrations differ from this build's files.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int sql_sha256(const char *sql, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_Digest(sql, strlen(sql), md, &n, EVP_sha256(), NULL) || n != 32) {
		log_error("migrate: SHA-256 of a migration failed");
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static const struct migration *find_migration(int version)
{
	for (const struct migration *m = steady_migrations; m->version; m++)
		if (m->version == version)
			return m;
	return NULL;
}

/* Every applied migration this build knows must be byte for byte the file it
 * has: an edited migration would leave this database without what the edit
 * added (an old database never runs it again).  Rows recorded before the
 * checksums were kept get this build's checksum. */
static int check_applied(PGconn *conn, unsigned char *applied, int napplied)
{
	int rc = -1;
	PGresult *r = PQexec(conn, "SELECT version, name, sha256, applied_at::date FROM steady_schema_version ORDER BY version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		log_error("migrate: reading steady_schema_version failed: %s", PQresultErrorMessage(r));
		goto fail;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		int v = atoi(PQgetvalue(r, i, 0));
		const struct migration *m = find_migration(v);
		char sha[65];
		if (v > 0 && v < napplied)
			applied[v] = 1;
		if (!m)
			continue; /* newer than this build: migrate_apply refuses it */
		if (sql_sha256(m->sql, sha) < 0)
			goto fail;
		if (PQgetisnull(r, i, 2)) {
			const char *params[2] = { sha, PQgetvalue(r, i, 0) };
			PGresult *u = PQexecParams(conn, "UPDATE steady_schema_version SET sha256 = $1 WHERE version = $2::integer",
						   2, NULL, params, NULL, NULL, 0);
			int ok = PQresultStatus(u) == PGRES_COMMAND_OK;
			if (!ok)
				log_error("migrate: recording the checksum of %s failed: %s", m->name, PQresultErrorMessage(u));
			PQclear(u);
			if (!ok)
				goto fail;
			continue;
		}
		if (strcmp(PQgetvalue(r, i, 2), sha)) {
			log_error("migrate: migration %s was applied to this database on %s from a different file "
				  "(SHA-256 %.12s..., this build has %.12s...): an applied migration must never be edited; "
				  "restore the database from a backup made with the matching release, or recreate it",
				  m->name, PQgetvalue(r, i, 3), PQgetvalue(r, i, 2), sha);
			goto fail;
		}
	}
	rc = 0;
fail:
	PQclear(r);
	return rc;
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
	int napplied = migrate_latest() + 1;
	unsigned char *done = calloc((size_t)napplied, 1);
	if (!done) {
		log_error("migrate: out of memory");
		return -1;
	}
	if (exec_ok(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the migration lock") < 0)
		return -1;
	if (exec_ok(conn,
		    "CREATE TABLE IF NOT EXISTS steady_schema_version ("
		    " version integer PRIMARY KEY,"
		    " name text NOT NULL,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    "creating steady_schema_version") < 0 ||
	    exec_ok(conn, "ALTER TABLE steady_schema_version ADD COLUMN IF NOT EXISTS sha256 text",
		    "adding checksums to steady_schema_version") < 0 ||
	    check_applied(conn, done, napplied) < 0)
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
		if (done[m->version])
			continue;
		if (m->version < current)
			log_warn("migrate: %s is applied after version %d (it was added below a newer one: "
				 "a development database)", m->name, current);
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
		char vbuf[16], sha[65];
		snprintf(vbuf, sizeof vbuf, "%d", m->version);
		if (sql_sha256(m->sql, sha) < 0) {
			exec_ok(conn, "ROLLBACK", "ROLLBACK");
			goto fail;
		}
		const char *params[3] = { vbuf, m->name, sha };
		r = PQexecParams(conn, "INSERT INTO steady_schema_version (version, name, sha256) VALUES ($1, $2, $3)",
				 3, NULL, params, NULL, NULL, 0);
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
	free(done);
	return applied;
fail:
	exec_ok(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", "releasing the migration lock");
	free(done);
	return -1;
}
