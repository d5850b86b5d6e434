/*
 * config.c -- steadyd settings (see config.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "notify.h"

#ifndef STEADY_PKGDATADIR
#define STEADY_PKGDATADIR "/usr/local/share/steady"
#endif

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->max_upload_bytes = 32u << 20;
	c->max_upload_rows = 200000;
	c->ws_max_message = 64u << 10;
	c->ws_max_queue = 4u << 20;
	c->ws_max_clients = 1000;
	c->ws_heartbeat_seconds = 5;
	c->ws_ping_seconds = 30;
	c->drop_poll_seconds = 5;
	c->migrate_on_start = 1;
	c->alert_give_up_seconds = 86400;
	c->alert_backoff_max_seconds = 300;
	c->session_idle_seconds = 43200;
	c->session_max_seconds = 604800;
}

static int set_str(char **dst, const char *v)
{
	char *p = strdup(v);
	if (!p)
		return -1;
	free(*dst);
	*dst = p;
	return 0;
}

static int parse_size(const char *v, size_t min, size_t max, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v)
		return -1;
	if (*end == 'k' || *end == 'K')
		n <<= 10, end++;
	else if (*end == 'M')
		n <<= 20, end++;
	if (*end || n < min || n > max)
		return -1;
	*out = (size_t)n;
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, const char **why)
{
	size_t n;
	*why = NULL;
	if (!strcmp(key, "listen") || !strcmp(key, "db") || !strcmp(key, "web_root")) {
		if (!*value) {
			*why = "must not be empty";
			return 1;
		}
		return set_str(!strcmp(key, "listen") ? &c->listen : !strcmp(key, "db") ? &c->db : &c->web_root,
			       value);
	}
	if (!strcmp(key, "drop_dir"))
		return set_str(&c->drop_dir, value);
	if (!strcmp(key, "alert_ca_file"))
		return set_str(&c->alert_ca_file, value);
	if (!strcmp(key, "sendmail")) {
		if (value[0] != '/' || strpbrk(value, " \t")) {
			*why = "must be the absolute path of a sendmail program (no arguments)";
			return 1;
		}
		return set_str(&c->sendmail, value);
	}
	if (!strcmp(key, "mail_from")) {
		char one[300];
		const char *bad;
		if (notify_email_list(value, one, sizeof one, &bad) < 0 || strchr(one, ',')) {
			*why = "must be one plain address, e.g. steady@council.example";
			return 1;
		}
		return set_str(&c->mail_from, one);
	}
	if (!strcmp(key, "dashboard_url")) {
		int ok = (!strncmp(value, "http://", 7) || !strncmp(value, "https://", 8)) && strlen(value) <= 500;
		for (const char *p = value; ok && *p; p++)
			ok = *p > 0x20 && *p < 0x7f;
		if (!ok) {
			*why = "must be an http:// or https:// URL (ASCII, no spaces, at most 500 characters)";
			return 1;
		}
		return set_str(&c->dashboard_url, value);
	}
	if (!strcmp(key, "log_level")) {
		if (strcmp(value, "debug") && strcmp(value, "info") && strcmp(value, "warn") &&
		    strcmp(value, "error")) {
			*why = "log_level must be debug, info, warn or error";
			return 1;
		}
		return set_str(&c->log_level, value);
	}
	struct { const char *key; size_t *dst; size_t min, max; } sizes[] = {
		{ "max_upload_bytes", &c->max_upload_bytes, 1024, (size_t)1 << 30 },
		{ "max_upload_rows", &c->max_upload_rows, 1, 10000000 },
		{ "ws_max_message", &c->ws_max_message, 128, 16u << 20 },
		{ "ws_max_queue", &c->ws_max_queue, 4096, (size_t)1 << 30 },
		{ "ws_max_clients", &c->ws_max_clients, 1, 100000 },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		if (strcmp(key, sizes[i].key))
			continue;
		if (parse_size(value, sizes[i].min, sizes[i].max, sizes[i].dst) < 0) {
			*why = "not a whole number in the allowed range (suffixes K and M allowed)";
			return 1;
		}
		return 0;
	}
	if (!strcmp(key, "alert_give_up_seconds") || !strcmp(key, "alert_backoff_max_seconds")) {
		int give_up = !strcmp(key, "alert_give_up_seconds");
		if (parse_size(value, give_up ? 5 : 1, give_up ? 30u * 86400u : 3600, &n) < 0) {
			*why = give_up ? "must be a number of seconds from 5 to 2592000 (30 days)"
				       : "must be a number of seconds from 1 to 3600";
			return 1;
		}
		*(give_up ? &c->alert_give_up_seconds : &c->alert_backoff_max_seconds) = (int)n;
		return 0;
	}
	struct { const char *key; int *dst; } secs[] = {
		{ "ws_heartbeat_seconds", &c->ws_heartbeat_seconds },
		{ "ws_ping_seconds", &c->ws_ping_seconds },
		{ "drop_poll_seconds", &c->drop_poll_seconds },
	};
	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		if (strcmp(key, secs[i].key))
			continue;
		if (parse_size(value, 1, 3600, &n) < 0) {
			*why = "must be a number of seconds from 1 to 3600";
			return 1;
		}
		*secs[i].dst = (int)n;
		return 0;
	}
	if (!strcmp(key, "session_idle_seconds") || !strcmp(key, "session_max_seconds")) {
		if (parse_size(value, 60, 366u * 86400u, &n) < 0) {
			*why = "must be a number of seconds from 60 to 31622400";
			return 1;
		}
		*(key[8] == 'i' ? &c->session_idle_seconds : &c->session_max_seconds) = (int)n;
		return 0;
	}
	if (!strcmp(key, "metrics_access")) {
		if (strcmp(value, "loopback") && strcmp(value, "public") && strcmp(value, "admin")) {
			*why = "metrics_access must be loopback, public or admin";
			return 1;
		}
		return set_str(&c->metrics_access, value);
	}
	if (!strcmp(key, "trusted_proxies"))
		return set_str(&c->trusted_proxies, value);
	if (!strcmp(key, "proxy_user_header")) {
		for (const char *p = value; *p; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-') {
				*why = "must be a header name (letters, digits and -)";
				return 1;
			}
		}
		return set_str(&c->proxy_user_header, value);
	}
	if (!strcmp(key, "migrate_on_start")) {
		if (strcmp(value, "yes") && strcmp(value, "no")) {
			*why = "must be yes or no";
			return 1;
		}
		c->migrate_on_start = !strcmp(value, "yes");
		return 0;
	}
	*why = "unknown setting";
	return 1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int config_parse(struct config *c, const char *text, struct errlist *errs)
{
	char *copy = strdup(text);
	if (!copy)
		return -1;
	long lineno = 0;
	/* strtok_r would skip empty lines and break numbering: split by hand */
	for (char *line = copy; line; ) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *l = trim(line);
		if (*l) {
			char *eq = strchr(l, '=');
			if (!eq) {
				if (errlist_add(errs, lineno, NULL, l, "expected `key = value`") < 0)
					goto oom;
			} else {
				*eq = '\0';
				char *key = trim(l), *val = trim(eq + 1);
				const char *why;
				int r = config_set(c, key, val, &why);
				if (r < 0)
					goto oom;
				if (r > 0 && errlist_add(errs, lineno, key, val, "%s", why) < 0)
					goto oom;
			}
		}
		line = next;
	}
	free(copy);
	return 0;
oom:
	free(copy);
	return -1;
}

int config_load_file(struct config *c, const char *path)
{
	struct buf text = BUF_INIT;
	struct errlist errs = ERRLIST_INIT;
	int rc = -1;
	FILE *f = fopen(path, "r");
	if (!f) {
		log_error("config: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(&text, chunk, n) < 0)
			goto done;
	if (ferror(f)) {
		log_error("config: reading %s: %s", path, strerror(errno));
		goto done;
	}
	if (config_parse(c, text.data ? text.data : "", &errs) < 0)
		goto done;
	for (size_t i = 0; i < errs.n; i++)
		log_error("config: %s line %ld: %s%s%s", path, errs.v[i].row,
			  errs.v[i].column ? errs.v[i].column : "",
			  errs.v[i].column ? ": " : "", errs.v[i].message);
	rc = errs.n ? -1 : 0;
done:
	if (f)
		fclose(f);
	buf_free(&text);
	errlist_free(&errs);
	return rc;
}

void config_free(struct config *c)
{
	free(c->listen);
	free(c->db);
	free(c->web_root);
	free(c->log_level);
	free(c->drop_dir);
	free(c->alert_ca_file);
	free(c->sendmail);
	free(c->mail_from);
	free(c->dashboard_url);
	free(c->metrics_access);
	free(c->trusted_proxies);
	free(c->proxy_user_header);
	memset(c, 0, sizeof *c);
}
