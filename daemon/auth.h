/*
 * auth.c -- access control logic, pure (no I/O, no logging): roles and their
 * order, the route policy (which role a (method, path) needs), password
 * hashing (argon2id via libsodium crypto_pwhash_str), random tokens and their
 * SHA-256 digests (what the database stores), constant-time comparison for
 * CSRF tokens, Cookie / Authorization / Origin header parsing, and the
 * login-throttle policy.  The I/O side is api_auth.c (daemon) and ctl_user.c
 * (steadyctl).
 */
#ifndef STEADY_AUTH_H
#define STEADY_AUTH_H

#include <stddef.h>

/* Principals and requirements on one scale: a principal may do what needs a
 * level at or below its own.  A display token is below viewer: it sees the
 * aggregate endpoints (summary, live, team history) only. */
enum auth_level {
	AUTH_PUBLIC = 0,    /* no credentials needed / anonymous */
	AUTH_DISPLAY = 1,   /* viewer or a display token */
	AUTH_VIEWER = 2,
	AUTH_HR = 3,
	AUTH_ADMIN = 4,
	AUTH_METRICS = 99,  /* requirement only: /metrics, decided by configuration */
};

/* "viewer", "hr", "admin" (and "display" for AUTH_DISPLAY).  0 or -1. */
int auth_role_parse(const char *name, enum auth_level *out);
const char *auth_role_name(enum auth_level level);

/* What a request needs.  is_read: GET or HEAD.  `path` is URL-decoded. */
enum auth_level auth_required(int is_read, const char *path);

/* sodium_init(); 0 or -1.  Call once before the functions below. */
int auth_init(void);

#define AUTH_PWHASH_LEN 128   /* crypto_pwhash_STRBYTES */
#define AUTH_MIN_PASSWORD 10
#define AUTH_MAX_PASSWORD 1024
/* argon2id string (OWASP parameters: t=2, m=19 MiB).  0, or -1 (out of memory). */
int auth_password_hash(const char *password, char out[AUTH_PWHASH_LEN]);
/* 0 when password matches hash, -1 otherwise (also for a malformed hash). */
int auth_password_verify(const char *hash, const char *password);
/* NULL when acceptable, else why not (length). */
const char *auth_password_problem(const char *password);

/* Token prefixes: they say what a leaked string is, and route Bearer lookups. */
#define AUTH_PREFIX_API "stk_"
#define AUTH_PREFIX_DISPLAY "std_"
#define AUTH_PREFIX_SESSION "sts_"
#define AUTH_TOKEN_LEN 69     /* prefix (4) + 64 hex + NUL */
#define AUTH_HASH_LEN 65      /* 64 hex + NUL */
/* prefix + 256 random bits in hex; 0 or -1 (prefix longer than 4). */
int auth_token_new(const char *prefix, char out[AUTH_TOKEN_LEN]);
/* 1 when s looks like a token of ours (prefix, 64 lower-case hex digits). */
int auth_token_wellformed(const char *s);
/* SHA-256 of the token, in lower-case hex. */
void auth_token_hash(const char *token, char out[AUTH_HASH_LEN]);
/* Constant-time string equality: 1 when equal. */
int auth_equal(const char *a, const char *b);

/* The value of cookie `name` in a Cookie header, copied to out.  0, or -1 when
 * absent or longer than len - 1. */
int auth_cookie_get(const char *cookie_header, const char *name, char *out, size_t len);
/* The credential of an "Authorization: Bearer X" header, or NULL. */
const char *auth_bearer(const char *authorization);
/* 1 when an Origin header ("scheme://host[:port]") names `host` (the Host header). */
int auth_origin_matches(const char *origin, const char *host);
/* 1 when a user name is acceptable ([A-Za-z0-9._@-], 1..64). */
int auth_name_valid(const char *name);

/* Login throttling: after AUTH_FREE_FAILURES failed attempts in a row, each
 * further attempt must wait 2^(n - free) seconds after the last failure,
 * capped at AUTH_MAX_DELAY.  Returns the wait in seconds for `failures`. */
#define AUTH_FREE_FAILURES 3
#define AUTH_MAX_DELAY 900
long auth_throttle_delay(long failures);
/* Seconds still to wait (0 = may try now), `since` = seconds since the last failure. */
long auth_throttle_wait(long failures, double since);

#endif
