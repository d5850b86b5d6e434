/*
 * auth.c -- access control logic, pure (see auth.h).
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"

static const char *const role_names[] = { "anonymous", "display", "viewer", "hr", "admin" };

int auth_role_parse(const char *name, enum auth_level *out)
{
	for (int i = AUTH_DISPLAY; i <= AUTH_ADMIN; i++) {
		if (name && !strcmp(name, role_names[i])) {
			*out = (enum auth_level)i;
			return 0;
		}
	}
	return -1;
}

const char *auth_role_name(enum auth_level level)
{
	if ((int)level >= AUTH_PUBLIC && level <= AUTH_ADMIN)
		return role_names[level];
	return "?";
}

static int has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* path equals p, or continues with '/' after it */
static int under(const char *path, const char *p)
{
	size_t n = strlen(p);
	return !strncmp(path, p, n) && (path[n] == '\0' || path[n] == '/');
}

enum auth_level auth_required(int is_read, const char *path)
{
	if (!has_prefix(path, "/api/")) {
		if (!strcmp(path, "/metrics"))
			return AUTH_METRICS;
		return AUTH_PUBLIC; /* the wall page, login page, assets, /healthz, /readyz */
	}
	if (!strcmp(path, "/api/v1/auth/login"))
		return AUTH_PUBLIC;
	if (!strcmp(path, "/api/v1/auth/me"))
		return AUTH_DISPLAY;
	if (!strcmp(path, "/api/v1/auth/logout"))
		return AUTH_VIEWER;
	if (is_read) {
		if (!strcmp(path, "/api/v1/summary") || !strcmp(path, "/api/v1/live"))
			return AUTH_DISPLAY;
		if (has_prefix(path, "/api/v1/teams/")) {
			const char *code = path + strlen("/api/v1/teams/");
			const char *slash = strchr(code, '/');
			if (slash && slash != code && !strcmp(slash, "/history"))
				return AUTH_DISPLAY;
		}
		if (!strcmp(path, "/api/v1/establishment"))
			return AUTH_VIEWER;
		/* alert history and the rules behind it: directors read them */
		if (!strcmp(path, "/api/v1/alerts") || !strcmp(path, "/api/v1/rules") ||
		    !strcmp(path, "/api/v1/rules/audit"))
			return AUTH_VIEWER;
	} else if (has_prefix(path, "/api/v1/alerts/")) {
		/* acknowledging: /api/v1/alerts/{id}/ack, by whoever watches the wall */
		const char *id = path + strlen("/api/v1/alerts/");
		const char *slash = strchr(id, '/');
		if (slash && slash != id && !strcmp(slash, "/ack"))
			return AUTH_VIEWER;
	}
	if (under(path, "/api/v1/uploads") || has_prefix(path, "/api/v1/mapping"))
		return AUTH_HR;
	return AUTH_ADMIN; /* deny by default */
}

int auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u << 20)

int auth_password_hash(const char *password, char out[AUTH_PWHASH_LEN])
{
	_Static_assert(AUTH_PWHASH_LEN == crypto_pwhash_STRBYTES, "pwhash length");
	if (crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT) != 0)
		return -1;
	return 0;
}

int auth_password_verify(const char *hash, const char *password)
{
	if (!hash || !password || strlen(hash) >= AUTH_PWHASH_LEN)
		return -1;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
}

const char *auth_password_problem(const char *password)
{
	size_t n = strlen(password);
	if (n < AUTH_MIN_PASSWORD)
		return "the password must have at least 10 characters";
	if (n > AUTH_MAX_PASSWORD)
		return "the password must have at most 1024 characters";
	return NULL;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int auth_token_new(const char *prefix, char out[AUTH_TOKEN_LEN])
{
	unsigned char raw[32];
	size_t n = strlen(prefix);
	if (n != 4)
		return -1;
	randombytes_buf(raw, sizeof raw);
	memcpy(out, prefix, n);
	hex(raw, sizeof raw, out + n);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

int auth_token_wellformed(const char *s)
{
	if (!s || strlen(s) != AUTH_TOKEN_LEN - 1 || s[3] != '_' || s[0] != 's' || s[1] != 't')
		return 0;
	for (const char *p = s + 4; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

void auth_token_hash(const char *token, char out[AUTH_HASH_LEN])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	hex(d, sizeof d, out);
}

int auth_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na != nb)
		return 0;
	return sodium_memcmp(a, b, na) == 0;
}

int auth_cookie_get(const char *h, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);
	if (!h)
		return -1;
	while (*h) {
		while (*h == ' ' || *h == ';' || *h == '\t')
			h++;
		const char *end = strchr(h, ';');
		size_t seg = end ? (size_t)(end - h) : strlen(h);
		if (seg > nl && !strncmp(h, name, nl) && h[nl] == '=') {
			size_t vl = seg - nl - 1;
			const char *v = h + nl + 1;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= len)
				return -1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		h += seg;
	}
	return -1;
}

const char *auth_bearer(const char *a)
{
	if (!a || strncasecmp(a, "Bearer ", 7))
		return NULL;
	a += 7;
	while (*a == ' ')
		a++;
	return *a ? a : NULL;
}

int auth_origin_matches(const char *origin, const char *host)
{
	if (!origin || !host)
		return 0;
	const char *p = strstr(origin, "://");
	if (!p)
		return 0;
	p += 3;
	return strcasecmp(p, host) == 0;
}

int auth_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!isalnum(c) && c != '.' && c != '_' && c != '@' && c != '-')
			return 0;
	}
	return 1;
}

long auth_throttle_delay(long failures)
{
	if (failures < AUTH_FREE_FAILURES)
		return 0;
	long n = failures - AUTH_FREE_FAILURES;
	if (n >= 10)
		return AUTH_MAX_DELAY;
	long d = 1L << n;
	return d > AUTH_MAX_DELAY ? AUTH_MAX_DELAY : d;
}

long auth_throttle_wait(long failures, double since)
{
	long d = auth_throttle_delay(failures);
	if (since < 0)
		since = 0;
	if (since >= (double)d)
		return 0;
	long w = (long)((double)d - since);
	return w < 1 ? 1 : w;
}
