/*
 * migrate.c -- the schema: numbered SQL files from sql/ (compiled in by
 * scripts/embed-sql as steady_migrations[]) applied in order, each in its own
 * transaction, recorded in steady_schema_version with the SHA-256 of the file
 * (a database whose applied migrations differ from this build's is refused).
 * Blocking; used by
 * `steadyctl migrate` and by steadyd before it starts serving.
 */
#ifndef STEADY_MIGRATE_H
#define STEADY_MIGRATE_H

#include <libpq-fe.h>

struct migration {
	int version;
	const char *name;
	const char *sql;
};

/* Terminated by an entry with version 0. */
extern const struct migration steady_migrations[];

/* Highest version this build knows. */
int migrate_latest(void);

/* Applies every pending migration; two processes migrating at once are
 * serialised with an advisory lock.  Returns the number applied, or -1 (logged). */
int migrate_apply(PGconn *conn);

/* Current version in the database (0 = none), or -1 on error (logged). */
int migrate_current(PGconn *conn);

#endif
