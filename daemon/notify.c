/*
 * notify.c -- notification formats and retry timing (see notify.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
