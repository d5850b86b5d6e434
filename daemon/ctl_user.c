/*
 * ctl_user.c -- steadyctl user / token / display-token (see ctl_user.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "ctl_user.h"

void ctl_user_usage(FILE *f)
{
	fputs("  user add NAME --role viewer|hr|admin [--no-password]   password from the terminal or stdin\n"
	      "  user passwd NAME                 set a new password (ends the user's sessions)\n"
	      "  user role NAME viewer|hr|admin\n"
	      "  user del NAME\n"
	      "  user list\n"
	      "  token add LABEL --role viewer|hr|admin   prints a new API token (Bearer) once\n"
	      "  token list\n"
	      "  token revoke ID\n"
	      "  display-token add LABEL          prints a wall-display URL path with a new token once\n"
	      "  display-token list\n"
	      "  display-token revoke ID\n", f);
}

int ctl_user_handles(const char *cmd)
{
	return !strcmp(cmd, "user") || !strcmp(cmd, "token") || !strcmp(cmd, "display-token");
}

/* One statement; prints the error and returns NULL on failure. */
static PGresult *exec(PGconn *conn, const char *sql, int n, const char *const *params, const char *what)
{
	PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && !strcmp(state, "23505"))
			fprintf(stderr, "steadyctl: %s: it exists already\n", what);
		else
			fprintf(stderr, "steadyctl: %s failed: %s", what, PQresultErrorMessage(r));
		PQclear(r);
		return NULL;
	}
	return r;
}

static int audit(PGconn *conn, const char *action, const char *detail)
{
	char who[80];
	const char *login = getenv("USER");
	snprintf(who, sizeof who, "steadyctl:%s", login && *login ? login : "?");
	const char *p[3] = { who, action, detail };
	PGresult *r = exec(conn, "INSERT INTO audit_log (who, action, detail) VALUES ($1, $2, $3)", 3, p,
			   "recording the audit entry");
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

/* A password: prompted twice with echo off on a terminal, else the first line of stdin. */
static int read_password(char *out, size_t len)
{
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	char again[AUTH_MAX_PASSWORD + 2];
	int rc = -1;
	for (int round = 0; round < (tty ? 2 : 1); round++) {
		char *dst = round ? again : out;
		size_t dlen = round ? sizeof again : len;
		if (tty) {
			fputs(round ? "Repeat the password: " : "Password: ", stderr);
			if (tcgetattr(STDIN_FILENO, &old) < 0)
				goto done;
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
		char *got = fgets(dst, (int)dlen, stdin);
		if (tty) {
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			fputc('\n', stderr);
		}
		if (!got) {
			fputs("steadyctl: no password given\n", stderr);
			goto done;
		}
		dst[strcspn(dst, "\r\n")] = '\0';
	}
	if (tty && strcmp(out, again)) {
		fputs("steadyctl: the passwords differ\n", stderr);
		goto done;
	}
	const char *why = auth_password_problem(out);
	if (why) {
		fprintf(stderr, "steadyctl: %s\n", why);
		goto done;
	}
	rc = 0;
done:
	sodium_memzero(again, sizeof again);
	return rc;
}

static int print_rows(PGresult *r)
{
	int n = PQntuples(r), m = PQnfields(r);
	for (int j = 0; j < m; j++)
		printf("%s%s", j ? "\t" : "", PQfname(r, j));
	putchar('\n');
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < m; j++)
			printf("%s%s", j ? "\t" : "", PQgetisnull(r, i, j) ? "-" : PQgetvalue(r, i, j));
		putchar('\n');
	}
	PQclear(r);
	return 0;
}

static int role_arg(const char *v, const char **out)
{
	enum auth_level l;
	if (!v || auth_role_parse(v, &l) < 0 || l < AUTH_VIEWER) {
		fprintf(stderr, "steadyctl: the role must be viewer, hr or admin\n");
		return -1;
	}
	*out = v;
	return 0;
}

static int cmd_user(PGconn *conn, int argc, char **argv)
{
	char pw[AUTH_MAX_PASSWORD + 2], hash[AUTH_PWHASH_LEN];
	int rc = 1;
	PGresult *r = NULL;
	const char *sub = argc ? argv[0] : "";
	if (!strcmp(sub, "list") && argc == 1) {
		r = exec(conn, "SELECT name, role, CASE WHEN disabled THEN 'disabled' WHEN password_hash IS NULL "
			 "THEN 'no password' ELSE 'password' END AS login, created_at::date AS created "
			 "FROM app_user ORDER BY name", 0, NULL, "listing users");
		return r ? print_rows(r) : 1;
	}
	if (argc < 2) {
		fputs("steadyctl: user: expected add, passwd, role, del or list (see steadyctl --help)\n", stderr);
		return 64;
	}
	const char *name = argv[1];
	if (!auth_name_valid(name)) {
		fprintf(stderr, "steadyctl: \"%s\" is not a valid user name ([A-Za-z0-9._@-], up to 64)\n", name);
		return 64;
	}
	if (!strcmp(sub, "add")) {
		const char *role = NULL;
		int no_password = 0;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--role") && i + 1 < argc) {
				if (role_arg(argv[++i], &role) < 0)
					return 64;
			} else if (!strcmp(argv[i], "--no-password")) {
				no_password = 1;
			} else {
				fprintf(stderr, "steadyctl: user add: unexpected argument \"%s\"\n", argv[i]);
				return 64;
			}
		}
		if (!role) {
			fputs("steadyctl: user add: --role viewer|hr|admin is required\n", stderr);
			return 64;
		}
		if (!no_password && (read_password(pw, sizeof pw) < 0 || auth_password_hash(pw, hash) < 0))
			goto done;
		const char *p[3] = { name, role, no_password ? NULL : hash };
		r = exec(conn, "INSERT INTO app_user (name, role, password_hash) VALUES ($1, $2, $3)", 3, p,
			 "adding the user");
		if (!r)
			goto done;
		char detail[100];
		snprintf(detail, sizeof detail, "%s as %s", name, role);
		audit(conn, "user-add", detail);
		printf("user %s added (%s)\n", name, role);
		rc = 0;
	} else if (!strcmp(sub, "passwd") && argc == 2) {
		if (read_password(pw, sizeof pw) < 0 || auth_password_hash(pw, hash) < 0)
			goto done;
		const char *p[2] = { name, hash };
		r = exec(conn, "WITH u AS (UPDATE app_user SET password_hash = $2, failed_logins = 0, "
			 "last_failed_at = NULL WHERE name = $1 RETURNING id), "
			 "s AS (DELETE FROM app_session WHERE user_id IN (SELECT id FROM u)) SELECT count(*) FROM u",
			 2, p, "setting the password");
		if (!r)
			goto done;
		if (strcmp(PQgetvalue(r, 0, 0), "1")) {
			fprintf(stderr, "steadyctl: no user \"%s\"\n", name);
			goto done;
		}
		audit(conn, "user-passwd", name);
		printf("password of %s changed; their sessions have ended\n", name);
		rc = 0;
	} else if (!strcmp(sub, "role") && argc == 3) {
		const char *role;
		if (role_arg(argv[2], &role) < 0)
			return 64;
		const char *p[2] = { name, role };
		r = exec(conn, "UPDATE app_user SET role = $2 WHERE name = $1", 2, p, "changing the role");
		if (!r)
			goto done;
		if (strcmp(PQcmdTuples(r), "1")) {
			fprintf(stderr, "steadyctl: no user \"%s\"\n", name);
			goto done;
		}
		char detail[100];
		snprintf(detail, sizeof detail, "%s to %s", name, role);
		audit(conn, "user-role", detail);
		printf("%s is now %s\n", name, role);
		rc = 0;
	} else if (!strcmp(sub, "del") && argc == 2) {
		const char *p[1] = { name };
		r = exec(conn, "DELETE FROM app_user WHERE name = $1", 1, p, "deleting the user");
		if (!r)
			goto done;
		if (strcmp(PQcmdTuples(r), "1")) {
			fprintf(stderr, "steadyctl: no user \"%s\"\n", name);
			goto done;
		}
		audit(conn, "user-delete", name);
		printf("user %s deleted\n", name);
		rc = 0;
	} else {
		fputs("steadyctl: user: expected add, passwd, role, del or list (see steadyctl --help)\n", stderr);
		rc = 64;
	}
done:
	PQclear(r);
	sodium_memzero(pw, sizeof pw);
	return rc;
}

static int cmd_token(PGconn *conn, int argc, char **argv, int display)
{
	const char *what = display ? "display-token" : "token";
	const char *table = display ? "display_token" : "api_token";
	const char *sub = argc ? argv[0] : "";
	char sql[300], token[AUTH_TOKEN_LEN], hash[AUTH_HASH_LEN];
	PGresult *r = NULL;
	int rc = 1;
	if (!strcmp(sub, "list") && argc == 1) {
		snprintf(sql, sizeof sql, "SELECT id, label, %s created_at::date AS created, created_by, "
			 "CASE WHEN revoked_at IS NULL THEN 'active' ELSE 'revoked ' || revoked_at::date END AS state "
			 "FROM %s ORDER BY id", display ? "" : "role,", table);
		r = exec(conn, sql, 0, NULL, "listing tokens");
		return r ? print_rows(r) : 1;
	}
	if (!strcmp(sub, "revoke") && argc == 2) {
		char *end;
		long id = strtol(argv[1], &end, 10);
		if (*end || id <= 0) {
			fprintf(stderr, "steadyctl: %s revoke: \"%s\" is not a token id (see %s list)\n", what,
				argv[1], what);
			return 64;
		}
		const char *p[1] = { argv[1] };
		snprintf(sql, sizeof sql, "UPDATE %s SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1", table);
		r = exec(conn, sql, 1, p, "revoking the token");
		if (!r)
			return 1;
		if (strcmp(PQcmdTuples(r), "1")) {
			fprintf(stderr, "steadyctl: no %s with id %s\n", what, argv[1]);
			PQclear(r);
			return 1;
		}
		PQclear(r);
		audit(conn, display ? "display-token-revoke" : "token-revoke", argv[1]);
		printf("%s %s revoked\n", what, argv[1]);
		return 0;
	}
	if (strcmp(sub, "add") || argc < 2) {
		fprintf(stderr, "steadyctl: %s: expected add, list or revoke (see steadyctl --help)\n", what);
		return 64;
	}
	const char *label = argv[1], *role = "display";
	if (!*label || strlen(label) > 100) {
		fputs("steadyctl: the label must have 1 to 100 characters\n", stderr);
		return 64;
	}
	if (!display) {
		role = NULL;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--role") && i + 1 < argc) {
				if (role_arg(argv[++i], &role) < 0)
					return 64;
			} else {
				fprintf(stderr, "steadyctl: token add: unexpected argument \"%s\"\n", argv[i]);
				return 64;
			}
		}
		if (!role) {
			fputs("steadyctl: token add: --role viewer|hr|admin is required\n", stderr);
			return 64;
		}
	} else if (argc != 2) {
		fprintf(stderr, "steadyctl: display-token add: unexpected argument \"%s\"\n", argv[2]);
		return 64;
	}
	if (auth_token_new(display ? AUTH_PREFIX_DISPLAY : AUTH_PREFIX_API, token) < 0)
		goto done;
	auth_token_hash(token, hash);
	char who[80];
	const char *login = getenv("USER");
	snprintf(who, sizeof who, "steadyctl:%s", login && *login ? login : "?");
	const char *p[4] = { hash, label, who, role };
	snprintf(sql, sizeof sql, display
		 ? "INSERT INTO display_token (token_hash, label, created_by) VALUES ($1, $2, $3) RETURNING id"
		 : "INSERT INTO api_token (token_hash, label, created_by, role) VALUES ($1, $2, $3, $4) RETURNING id");
	r = exec(conn, sql, display ? 3 : 4, p, "adding the token");
	if (!r)
		goto done;
	audit(conn, display ? "display-token-add" : "token-add", label);
	if (display)
		printf("%s\t/?display=%s\n", PQgetvalue(r, 0, 0), token);
	else
		printf("%s\t%s\n", PQgetvalue(r, 0, 0), token);
	fflush(stdout);
	fprintf(stderr, "steadyctl: %s %s added; it is shown only now: keep it somewhere safe\n", what,
		PQgetvalue(r, 0, 0));
	rc = 0;
done:
	PQclear(r);
	sodium_memzero(token, sizeof token);
	return rc;
}

int ctl_user_main(PGconn *conn, const char *cmd, int argc, char **argv)
{
	if (auth_init() < 0) {
		fputs("steadyctl: libsodium cannot be initialised\n", stderr);
		return 1;
	}
	if (!strcmp(cmd, "user"))
		return cmd_user(conn, argc, argv);
	return cmd_token(conn, argc, argv, !strcmp(cmd, "display-token"));
}
