/*
 * steadyctl -- the command line for HR staff and admins: schema migrations,
 * teams, and roster uploads straight into PostgreSQL (the same validation
 * and the same one-transaction load as the daemon's upload API; the load
 * NOTIFYs, so every running steadyd pushes the new figures).
 */
#include <errno.h>
#include <getopt.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ctl_alert.h"
#include "ctl_upload.h"
#include "ctl_user.h"
#include "dates.h"
#include "errlist.h"
#include "estab.h"
#include "load.h"
#include "log.h"
#include "migrate.h"

static void usage(FILE *f)
{
	fputs("usage: steadyctl [--db CONNINFO] COMMAND ...\n"
	      "\n"
	      "commands:\n"
	      "  migrate                         apply pending schema migrations\n"
	      "  status                          show the schema version\n"
	      "  team add CODE NAME [--area AREA]\n"
	      "  team list\n"
	      "  establishment set TEAM FTE [--from DATE]   funded FTE from DATE (default today)\n"
	      "  establishment list\n"
	      CTL_UPLOAD_USAGE, f);
	ctl_user_usage(f);
	fputs("\n"
	      "The database is --db, else $STEADY_DB, else \"dbname=steady\".\n", f);
}

static PGconn *connect_db(const char *conninfo)
{
	PGconn *conn = PQconnectdb(conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "steadyctl: cannot connect to the database (%s): %s", conninfo,
			PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	return conn;
}

static int cmd_migrate(PGconn *conn)
{
	int n = migrate_apply(conn);
	if (n < 0)
		return 1;
	printf("schema at version %d (%d migration%s applied)\n", migrate_latest(), n, n == 1 ? "" : "s");
	return 0;
}

static int cmd_status(PGconn *conn)
{
	int cur = migrate_current(conn);
	if (cur < 0)
		return 1;
	printf("schema version %d, this build knows %d%s\n", cur, migrate_latest(),
	       cur < migrate_latest() ? ": run steadyctl migrate" : "");
	return cur == migrate_latest() ? 0 : 2;
}

static int cmd_team(PGconn *conn, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "list")) {
		PGresult *r = PQexec(conn,
			"SELECT t.code, t.name, coalesce(a.name, '') FROM team t "
			"LEFT JOIN service_area a ON a.id = t.area_id ORDER BY a.name NULLS LAST, t.name");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "steadyctl: listing teams: %s", PQresultErrorMessage(r));
			PQclear(r);
			return 1;
		}
		for (int i = 0; i < PQntuples(r); i++)
			printf("%s\t%s\t%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
		PQclear(r);
		return 0;
	}
	if (argc < 3 || strcmp(argv[0], "add")) {
		usage(stderr);
		return 64;
	}
	const char *code = argv[1], *name = argv[2], *area = NULL;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--area") && i + 1 < argc) {
			area = argv[++i];
		} else {
			fprintf(stderr, "steadyctl: team add: unexpected argument \"%s\"\n", argv[i]);
			return 64;
		}
	}
	const char *params[3] = { code, name, area };
	PGresult *r = PQexecParams(conn,
		"WITH a AS (INSERT INTO service_area (name) SELECT $3::text WHERE $3::text IS NOT NULL "
		"           ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id) "
		"INSERT INTO team (code, name, area_id) VALUES ($1, $2, (SELECT id FROM a)) RETURNING id",
		3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && !strcmp(state, "23505"))
			fprintf(stderr, "steadyctl: a team with code \"%s\" or name \"%s\" already exists\n", code, name);
		else
			fprintf(stderr, "steadyctl: adding team %s: %s", code, PQresultErrorMessage(r));
		PQclear(r);
		return 1;
	}
	printf("team %s added (id %s)\n", code, PQgetvalue(r, 0, 0));
	PQclear(r);
	PQclear(PQexec(conn, "NOTIFY steady_changed, '{\"kind\":\"team\"}'"));
	return 0;
}

static int cmd_establishment(PGconn *conn, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "list")) {
		PGresult *r = PQexec(conn, ESTAB_LIST_SQL);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "steadyctl: listing establishment: %s", PQresultErrorMessage(r));
			PQclear(r);
			return 1;
		}
		printf("%s\n", PQgetvalue(r, 0, 0));
		PQclear(r);
		return 0;
	}
	if (argc < 3 || strcmp(argv[0], "set")) {
		usage(stderr);
		return 64;
	}
	const char *team = argv[1], *fte = argv[2];
	char from[11], by[160];
	const char *why = NULL;
	char *end;
	double v = strtod(fte, &end);
	if (*end || end == fte || v < 0 || v > 10000) {
		fprintf(stderr, "steadyctl: FTE \"%s\" must be a number from 0 to 10000\n", fte);
		return 64;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(from, sizeof from, "%Y-%m-%d", &tm);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc) {
			if (date_parse_param(argv[++i], from, &why) < 0) {
				fprintf(stderr, "steadyctl: --from \"%s\": %s\n", argv[i], why);
				return 64;
			}
		} else {
			fprintf(stderr, "steadyctl: establishment set: unexpected argument \"%s\"\n", argv[i]);
			return 64;
		}
	}
	struct passwd *pw = getpwuid(geteuid());
	snprintf(by, sizeof by, "steadyctl:%s", pw ? pw->pw_name : "unknown");
	const char *params[4] = { team, from, fte, by };
	PGresult *r = PQexecParams(conn, ESTAB_SET_SQL, 4, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "steadyctl: setting establishment: %s", PQresultErrorMessage(r));
		PQclear(r);
		return 1;
	}
	if (PQntuples(r) != 1) {
		fprintf(stderr, "steadyctl: unknown team \"%s\": use a team code or name (steadyctl team list)\n", team);
		PQclear(r);
		return 1;
	}
	printf("establishment of %s: %s FTE from %s\n", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), from);
	PQclear(r);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = getenv("STEADY_DB");
	int c;
	/* stop at the first non-option: the command's own options follow it */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 64;
	}
	if (!db || !*db)
		db = "dbname=steady";
	const char *cmd = argv[optind];
	int sub_argc = argc - optind - 1;
	char **sub_argv = argv + optind + 1;
	if (ctl_user_handles(cmd)) {
		PGconn *uc = connect_db(db);
		int urc = uc ? ctl_user_main(uc, cmd, sub_argc, sub_argv) : 1;
		PQfinish(uc);
		return urc;
	}
	if (strcmp(cmd, "migrate") && strcmp(cmd, "status") && strcmp(cmd, "team") &&
	    strcmp(cmd, "establishment") && strcmp(cmd, "upload") &&
	    strcmp(cmd, "uploads") && strcmp(cmd, "revert") && !ctl_alert_handles(cmd)) {
		fprintf(stderr, "steadyctl: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return 64;
	}
	PGconn *conn = connect_db(db);
	if (!conn)
		return 1;
	int rc;
	if (!strcmp(cmd, "migrate"))
		rc = cmd_migrate(conn);
	else if (!strcmp(cmd, "status"))
		rc = cmd_status(conn);
	else if (!strcmp(cmd, "team"))
		rc = cmd_team(conn, sub_argc, sub_argv);
	else if (!strcmp(cmd, "establishment"))
		rc = cmd_establishment(conn, sub_argc, sub_argv);
	else if (!strcmp(cmd, "upload"))
		rc = ctl_upload(conn, sub_argc + 1, sub_argv - 1);
	else if (ctl_alert_handles(cmd))
		rc = ctl_alert(conn, sub_argc + 1, sub_argv - 1);
	else if (!strcmp(cmd, "uploads"))
		rc = ctl_uploads(conn, sub_argc + 1, sub_argv - 1);
	else
		rc = ctl_revert(conn, sub_argc + 1, sub_argv - 1);
	PQfinish(conn);
	return rc;
}
