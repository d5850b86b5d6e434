/*
 * notify.c -- notification formats and retry timing (see notify.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "notify.h"

static const char *str(const cJSON *o, const char *key, const char *dflt)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
	return s ? s : dflt;
}

static void fmt_value(const char *unit, const cJSON *v, char *out, size_t len)
{
	if (!cJSON_IsNumber(v))
		snprintf(out, len, "no data");
	else if (!strcmp(unit, "per_fte"))
		snprintf(out, len, "%.1f cases per FTE", v->valuedouble);
	else if (!strcmp(unit, "per_case"))
		snprintf(out, len, "%.2f worker changes per case", v->valuedouble);
	else
		snprintf(out, len, "%.1f%%", v->valuedouble);
}

void notify_text(const cJSON *p, char *out, size_t len)
{
	const char *tr = str(p, "transition", "");
	const char *level = str(p, "level", "");
	const char *unit = str(p, "unit", "percent");
	const cJSON *team = cJSON_GetObjectItemCaseSensitive(p, "team");
	const cJSON *th = cJSON_GetObjectItemCaseSensitive(p, "thresholds");
	char value[64], limit[64], tag[24];
	fmt_value(unit, cJSON_GetObjectItemCaseSensitive(p, "value"), value, sizeof value);
	const char *name = str(team, "name", str(team, "code", "?"));
	const char *label = str(p, "figure_label", str(p, "figure", "?"));
	const char *as_of = str(p, "as_of", "?");
	if (!strcmp(tr, "resolve")) {
		fmt_value(unit, cJSON_GetObjectItemCaseSensitive(th, "amber_clear"), limit, sizeof limit);
		snprintf(out, len, "[RESOLVED] %s in %s is back to %s (clear level %s), as of %s", label, name, value,
			 limit, as_of);
		return;
	}
	if (!strcmp(tr, "no_data")) {
		snprintf(out, len, "[NO DATA] %s in %s can no longer be computed; its alert has ended, as of %s",
			 label, name, as_of);
		return;
	}
	int red = !strcmp(level, "red");
	fmt_value(unit, cJSON_GetObjectItemCaseSensitive(th, red ? "red" : "amber"), limit, sizeof limit);
	snprintf(tag, sizeof tag, "%s", red ? "RED" : "AMBER");
	snprintf(out, len, "[%s]%s %s in %s is %s (%s at %s), as of %s", tag,
		 !strcmp(tr, "worsen") ? " worse:" : "", label, name, value, red ? "red" : "amber", limit, as_of);
}

/* Appends a new object to array `arr`; NULL on ENOMEM. */
static cJSON *push_obj(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static char *teams_body(const cJSON *p, const char *text)
{
	char *out = NULL;
	cJSON *root = cJSON_CreateObject();
	if (!root || !cJSON_AddStringToObject(root, "type", "message"))
		goto fail;
	cJSON *atts = cJSON_AddArrayToObject(root, "attachments");
	cJSON *att = atts ? push_obj(atts) : NULL;
	if (!att || !cJSON_AddStringToObject(att, "contentType", "application/vnd.microsoft.card.adaptive") ||
	    !cJSON_AddNullToObject(att, "contentUrl"))
		goto fail;
	cJSON *card = cJSON_AddObjectToObject(att, "content");
	if (!card || !cJSON_AddStringToObject(card, "$schema", "http://adaptivecards.io/schemas/adaptive-card.json") ||
	    !cJSON_AddStringToObject(card, "type", "AdaptiveCard") || !cJSON_AddStringToObject(card, "version", "1.4"))
		goto fail;
	cJSON *body = cJSON_AddArrayToObject(card, "body");
	cJSON *tb = body ? push_obj(body) : NULL;
	if (!tb || !cJSON_AddStringToObject(tb, "type", "TextBlock") || !cJSON_AddStringToObject(tb, "text", text) ||
	    !cJSON_AddStringToObject(tb, "weight", "Bolder") || !cJSON_AddBoolToObject(tb, "wrap", 1))
		goto fail;
	cJSON *fs = push_obj(body);
	if (!fs || !cJSON_AddStringToObject(fs, "type", "FactSet"))
		goto fail;
	cJSON *facts = cJSON_AddArrayToObject(fs, "facts");
	if (!facts)
		goto fail;
	const cJSON *team = cJSON_GetObjectItemCaseSensitive(p, "team");
	const char *kv[][2] = {
		{ "Team", str(team, "name", "") }, { "Figure", str(p, "figure_label", "") },
		{ "Level", str(p, "level", "") }, { "As of", str(p, "as_of", "") },
	};
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		cJSON *fact = push_obj(facts);
		if (!fact || !cJSON_AddStringToObject(fact, "title", kv[i][0]) ||
		    !cJSON_AddStringToObject(fact, "value", kv[i][1]))
			goto fail;
	}
	out = cJSON_PrintUnformatted(root);
fail:
	cJSON_Delete(root);
	return out;
}

char *notify_body(const char *kind, const cJSON *payload)
{
	char text[512];
	if (!strcmp(kind, "json"))
		return cJSON_PrintUnformatted(payload);
	notify_text(payload, text, sizeof text);
	if (!strcmp(kind, "teams"))
		return teams_body(payload, text);
	if (!strcmp(kind, "slack")) {
		char *out = NULL;
		cJSON *o = cJSON_CreateObject();
		if (o && cJSON_AddStringToObject(o, "text", text))
			out = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		return out;
	}
	return NULL;
}

/* ---- email ---- */

static int atext(int c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Is s[0..n) one address (see notify.h)? */
static int email_addr(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	if (!at)
		return 0;
	size_t local = (size_t)(at - s), dom = n - local - 1;
	if (local < 1 || local > 64 || dom < 1 || dom > 253)
		return 0;
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (i == 0 || i == local - 1 || s[i - 1] == '.')
				return 0;
		} else if (c > 127 || !atext(c)) {
			return 0;
		}
	}
	size_t label = 0;
	for (const char *d = at + 1; d <= s + n; d++) {
		if (d == s + n || *d == '.') {
			if (label < 1 || label > 63 || d[-1] == '-')
				return 0;
			label = 0;
		} else if (*d == '-' ? label == 0 : !(*d > 0 && isalnum((unsigned char)*d))) {
			return 0;
		} else {
			label++;
		}
	}
	return 1;
}

int notify_email_list(const char *in, char *out, size_t len, const char **why)
{
	size_t o = 0;
	int count = 0;
	*why = NULL;
	if (!in || !len)
		goto bad;
	for (const char *p = in;;) {
		while (*p == ' ')
			p++;
		const char *start = p;
		while (*p && *p != ',' && *p != ' ')
			p++;
		size_t n = (size_t)(p - start);
		while (*p == ' ')
			p++;
		if (*p && *p != ',') {
			*why = "addresses are separated by commas; no display names (\"Name <a@x>\")";
			return -1;
		}
		if (!email_addr(start, n)) {
			*why = n ? "not a plain address (local@domain: ASCII letters, digits, dots and "
				   "!#$%&'*+-/=?^_`{|}~ before the @, a host name after it)"
				 : "an empty address";
			return -1;
		}
		if (++count > NOTIFY_EMAIL_MAX) {
			*why = "too many addresses (at most 20)";
			return -1;
		}
		if (o + n + (o ? 2 : 0) >= len) {
			*why = "the list is too long";
			return -1;
		}
		if (o) {
			out[o++] = ',';
			out[o++] = ' ';
		}
		memcpy(out + o, start, n);
		o += n;
		out[o] = '\0';
		if (!*p)
			return 0;
		p++;
	}
bad:
	*why = "an address is required";
	return -1;
}

/* Copies s to out (len bytes) with control characters (CR, LF, tab ...)
 * replaced by spaces, cut at a UTF-8 character boundary if too long. */
static void clean(const char *s, char *out, size_t len)
{
	size_t n = 0;
	for (; s[n] && n + 1 < len; n++) {
		unsigned char c = (unsigned char)s[n];
		out[n] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	if (s[n])  /* cut short: not inside a character (s[n] a continuation byte) */
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	out[n] = '\0';
}

static const char *cstr(const cJSON *o, const char *key, char *out, size_t len)
{
	clean(str(o, key, ""), out, len);
	return out;
}

static int ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > 127)
			return 0;
	return 1;
}

/* The words of text (split at spaces) on lines of at most `width` columns
 * where the words allow, the first line starting at column `col`, ending with
 * a line break.  fold: every word is preceded by a space, so a broken line goes
 * on with white space (RFC 5322 header folding); otherwise a new line starts
 * flush with its first word. */
static int put_words(struct buf *b, const char *text, size_t width, size_t col, int fold)
{
	int first = 1;
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		size_t w = (size_t)(end - p);
		if (!first && col > 0 && col + 1 + w > width) {
			if (buf_putc(b, '\n') < 0)
				return -1;
			col = 0;
		}
		int space = fold || col > 0;
		if ((space && buf_putc(b, ' ') < 0) || buf_append(b, p, w) < 0)
			return -1;
		col += (size_t)space + w;
		first = 0;
		p = end;
	}
	return buf_putc(b, '\n');
}

/* "Name: value" folded at spaces so that lines stay within 78 characters
 * where the words allow (value: printable ASCII). */
static int put_folded(struct buf *b, const char *name, const char *value)
{
	if (buf_printf(b, "%s:", name) < 0)
		return -1;
	return put_words(b, value, 78, strlen(name) + 1, 1);
}

/* text wrapped at spaces into lines of at most `width` characters where the words allow */
static int put_wrapped(struct buf *b, const char *text, size_t width)
{
	return put_words(b, text, width, 0, 0);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Subject: ASCII folded, else RFC 2047 encoded words ("=?UTF-8?B?...?=", at
 * most 39 bytes of text each, never splitting a character), one per line. */
static int put_subject(struct buf *b, const char *text)
{
	if (ascii(text))
		return put_folded(b, "Subject", text);
	if (buf_puts(b, "Subject:") < 0)
		return -1;
	size_t n = strlen(text), i = 0;
	while (i < n) {
		size_t k = n - i > 39 ? 39 : n - i;
		while (i + k < n && k > 1 && ((unsigned char)text[i + k] & 0xc0) == 0x80)
			k--;
		if (buf_puts(b, i ? "\n =?UTF-8?B?" : " =?UTF-8?B?") < 0)
			return -1;
		const unsigned char *q = (const unsigned char *)text + i;
		for (size_t j = 0; j < k; j += 3) {
			unsigned v = (unsigned)q[j] << 16 | (j + 1 < k ? (unsigned)q[j + 1] << 8 : 0) |
				     (j + 2 < k ? q[j + 2] : 0);
			char quad[4] = { B64[v >> 18 & 63], B64[v >> 12 & 63], j + 1 < k ? B64[v >> 6 & 63] : '=',
					 j + 2 < k ? B64[v & 63] : '=' };
			if (buf_append(b, quad, 4) < 0)
				return -1;
		}
		if (buf_puts(b, "?=") < 0)
			return -1;
		i += k;
	}
	return buf_putc(b, '\n');
}

/* The body in quoted-printable (RFC 2045 6.7): lines of at most 76
 * characters, soft breaks ("=" at the end) where longer. */
static int put_qp(struct buf *b, const char *text)
{
	size_t col = 0;
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n') {
			if (buf_putc(b, '\n') < 0)
				return -1;
			col = 0;
			continue;
		}
		char tok[4];
		int last = p[1] == '\n' || !p[1];
		if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
			snprintf(tok, sizeof tok, "%c", c);
		else
			snprintf(tok, sizeof tok, "=%02X", c);
		size_t w = strlen(tok);
		/* room for the token, plus "=" for a soft break unless the line ends here */
		if (col + w + (last ? 0 : 1) > 76) {
			if (buf_puts(b, "=\n") < 0)
				return -1;
			col = 0;
		}
		if (buf_puts(b, tok) < 0)
			return -1;
		col += w;
	}
	return 0;
}

static void fmt_limit(const char *unit, const cJSON *th, const char *lvl, const char *clr, int lower, char *out,
		      size_t len)
{
	char a[64], c[64];
	fmt_value(unit, cJSON_GetObjectItemCaseSensitive(th, lvl), a, sizeof a);
	fmt_value(unit, cJSON_GetObjectItemCaseSensitive(th, clr), c, sizeof c);
	snprintf(out, len, "%s (clears %s %s)", a, lower ? "above" : "below", c);
}

/* "2026-11-23T11:40:00Z" -> "Mon, 23 Nov 2026 11:40:00 +0000"; else from `now`. */
static void fmt_date(const char *at, time_t now, char *out, size_t len)
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	int y, mo, d, h, mi, s;
	char z;
	memset(&tm, 0, sizeof tm);
	if (at && sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) == 7 && z == 'Z' &&
	    mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60) {
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = s;
		now = timegm(&tm);
	}
	gmtime_r(&now, &tm);
	snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static long num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

char *notify_email(const cJSON *p, const struct notify_mail *m, const char **why)
{
	struct buf b = BUF_INIT, body = BUF_INIT;
	char from[300], to[2100], text[1024], subject[600], date[48];
	char name[204], code[68], area[204], label[104], as_of[24], level[16], prev[16], tr[16], at[32], url[504];
	char value[64], amber[160], red[160];
	*why = "out of memory";
	if (!m->from || notify_email_list(m->from, from, sizeof from, why) < 0 || strchr(from, ',')) {
		*why = "mail_from is not one plain address";
		return NULL;
	}
	if (!m->to || notify_email_list(m->to, to, sizeof to, why) < 0)
		return NULL;
	*why = "out of memory";
	const cJSON *team = cJSON_GetObjectItemCaseSensitive(p, "team");
	const cJSON *th = cJSON_GetObjectItemCaseSensitive(p, "thresholds");
	const char *unit = str(p, "unit", "percent");
	int lower = !strcmp(str(th, "direction", ""), "lower_is_worse");
	cstr(team, "name", name, sizeof name);
	cstr(team, "code", code, sizeof code);
	cstr(team, "area", area, sizeof area);
	clean(str(p, "figure_label", str(p, "figure", "?")), label, sizeof label);
	cstr(p, "as_of", as_of, sizeof as_of);
	cstr(p, "level", level, sizeof level);
	cstr(p, "previous_level", prev, sizeof prev);
	cstr(p, "transition", tr, sizeof tr);
	cstr(p, "at", at, sizeof at);
	if (!*name)
		snprintf(name, sizeof name, "%s", *code ? code : "?");
	fmt_value(unit, cJSON_GetObjectItemCaseSensitive(p, "value"), value, sizeof value);
	fmt_limit(unit, th, "amber", "amber_clear", lower, amber, sizeof amber);
	fmt_limit(unit, th, "red", "red_clear", lower, red, sizeof red);

	/* Subject: "[Steady] RED: Agency rate (FTE) in Assessment is 33.3% (red at 30.0%)" */
	if (!strcmp(tr, "resolve")) {
		snprintf(subject, sizeof subject, "[Steady] RESOLVED: %s in %s is back to %s", label, name, value);
	} else if (!strcmp(tr, "no_data")) {
		snprintf(subject, sizeof subject, "[Steady] NO DATA: %s in %s can no longer be computed", label, name);
	} else {
		int is_red = !strcmp(level, "red");
		char limit[64];
		fmt_value(unit, cJSON_GetObjectItemCaseSensitive(th, is_red ? "red" : "amber"), limit, sizeof limit);
		snprintf(subject, sizeof subject, "[Steady] %s%s: %s in %s is %s (%s at %s)", is_red ? "RED" : "AMBER",
			 !strcmp(tr, "worsen") ? " (worse)" : "", label, name, value, is_red ? "red" : "amber", limit);
	}
	notify_text(p, text, sizeof text);
	clean(text, text, sizeof text);
	fmt_date(*at ? at : NULL, m->now, date, sizeof date);

	const cJSON *den = cJSON_GetObjectItemCaseSensitive(p, "den");
	char denbuf[48] = "";
	if (cJSON_IsNumber(den) && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(p, "value")))
		snprintf(denbuf, sizeof denbuf, " (denominator %g)", den->valuedouble);
	if (put_wrapped(&body, text, 72) < 0 || buf_putc(&body, '\n') < 0 ||
	    buf_printf(&body, "Team:       %s%s%s%s%s", name, *code ? " (" : "", code, *code ? ")" : "",
		       *area ? ", " : "") < 0 || buf_puts(&body, area) < 0 ||
	    buf_printf(&body, "\nFigure:     %s\nValue:      %s%s\nLevel:      %s (was %s)\n"
			      "Amber at:   %s\nRed at:     %s\nAs of:      %s\n",
		       label, value, denbuf, level, prev, amber, red, as_of) < 0 ||
	    buf_printf(&body, "Alert:      %ld (%s, event %ld, at %s)\n", num(p, "alert_id"), tr, num(p, "event_id"),
		       *at ? at : date) < 0)
		goto fail;
	if (m->dashboard_url && *m->dashboard_url) {
		clean(m->dashboard_url, url, sizeof url);
		if (buf_printf(&body, "Dashboard:  %s\n", url) < 0)
			goto fail;
	}
	if (buf_printf(&body, "\n-- \nSent by Steady (delivery %ld). A message with the same Message-ID is a\n"
			      "repeat of this one.\n", m->outbox_id) < 0)
		goto fail;

	const char *domain = strchr(from, '@') + 1;
	if (buf_printf(&b, "From: Steady <%s>\n", from) < 0 || put_folded(&b, "To", to) < 0 ||
	    put_subject(&b, subject) < 0 ||
	    buf_printf(&b, "Date: %s\nMessage-ID: <steady.%ld.%ld@%s>\nMIME-Version: 1.0\n"
			   "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n"
			   "Auto-Submitted: auto-generated\nX-Steady-Delivery: %ld\n\n",
		       date, m->outbox_id, num(p, "event_id"), domain, m->outbox_id) < 0 ||
	    put_qp(&b, body.data) < 0)
		goto fail;
	buf_free(&body);
	*why = NULL;
	return buf_steal(&b);
fail:
	buf_free(&body);
	buf_free(&b);
	return NULL;
}

long notify_backoff(int attempts, long base, long max, long retry_after, long max_retry_after)
{
	long d = base < 1 ? 1 : base;
	for (int i = 1; i < attempts && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	if (retry_after >= 0) {
		long ra = retry_after > max_retry_after ? max_retry_after : retry_after;
		if (ra > d)
			d = ra;
	}
	return d;
}

int notify_retry_after(const char *v, time_t now, long *seconds)
{
	if (!v)
		return -1;
	while (*v == ' ')
		v++;
	if (isdigit((unsigned char)*v)) {
		char *end;
		long s = strtol(v, &end, 10);
		while (*end == ' ')
			end++;
		if (*end || s < 0)
			return -1;
		*seconds = s;
		return 0;
	}
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char wd[4], mon[4], gmt[4];
	int d, y, hh, mm, ss;
	if (sscanf(v, "%3s, %d %3s %d %d:%d:%d %3s", wd, &d, mon, &y, &hh, &mm, &ss, gmt) != 8 || strcmp(gmt, "GMT"))
		return -1;
	const char *m = strstr(months, mon);
	if (!m || (m - months) % 3 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || y < 1970)
		return -1;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = (int)((m - months) / 3);
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	time_t at = timegm(&tm);
	*seconds = at > now ? (long)(at - now) : 0;
	return 0;
}
