/*
 * Unit tests for notify.c: the text and bodies of notifications (generic
 * JSON, Teams adaptive card, Slack), the email message (exact bytes,
 * header injection, RFC 2047 subject, quoted-printable), recipient lists,
 * bounded backoff, Retry-After.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

static const char *PAYLOAD =
	"{\"type\":\"steady.alert\",\"transition\":\"fire\",\"level\":\"red\",\"previous_level\":\"normal\","
	"\"figure\":\"agency_rate_fte\",\"figure_label\":\"Agency rate (FTE)\",\"unit\":\"percent\","
	"\"value\":33.3,\"den\":15,\"as_of\":\"2026-09-30\",\"team\":{\"code\":\"ASSESS\",\"name\":\"Assessment\","
	"\"area\":\"Front door\"},\"thresholds\":{\"direction\":\"higher_is_worse\",\"amber\":20,"
	"\"amber_clear\":18,\"red\":30,\"red_clear\":27},\"event_id\":7,\"alert_id\":3}";

static void text_lines(void **st)
{
	(void)st;
	cJSON *p = cJSON_Parse(PAYLOAD);
	char t[512];
	notify_text(p, t, sizeof t);
	assert_string_equal(t, "[RED] Agency rate (FTE) in Assessment is 33.3% (red at 30.0%), as of 2026-09-30");
	cJSON_ReplaceItemInObject(p, "transition", cJSON_CreateString("resolve"));
	cJSON_ReplaceItemInObject(p, "value", cJSON_CreateNumber(12));
	notify_text(p, t, sizeof t);
	assert_string_equal(t, "[RESOLVED] Agency rate (FTE) in Assessment is back to 12.0% (clear level 18.0%), "
			       "as of 2026-09-30");
	cJSON_ReplaceItemInObject(p, "transition", cJSON_CreateString("worsen"));
	cJSON_ReplaceItemInObject(p, "unit", cJSON_CreateString("per_fte"));
	cJSON_ReplaceItemInObject(p, "value", cJSON_CreateNumber(23.5));
	notify_text(p, t, sizeof t);
	assert_string_equal(t, "[RED] worse: Agency rate (FTE) in Assessment is 23.5 cases per FTE "
			       "(red at 30.0 cases per FTE), as of 2026-09-30");
	char small[8];
	notify_text(p, small, sizeof small);   /* truncated, terminated */
	assert_int_equal(strlen(small), 7);
	cJSON_Delete(p);
}

static void bodies(void **st)
{
	(void)st;
	cJSON *p = cJSON_Parse(PAYLOAD);
	char *j = notify_body("json", p);
	cJSON *back = cJSON_Parse(j);
	assert_true(cJSON_Compare(back, p, 1));
	cJSON_Delete(back);
	free(j);

	char *s = notify_body("slack", p);
	cJSON *sl = cJSON_Parse(s);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(sl, "text")),
			    "[RED] Agency rate (FTE) in Assessment is 33.3% (red at 30.0%), as of 2026-09-30");
	cJSON_Delete(sl);
	free(s);

	char *m = notify_body("teams", p);
	cJSON *tm = cJSON_Parse(m);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(tm, "type")), "message");
	cJSON *att = cJSON_GetArrayItem(cJSON_GetObjectItem(tm, "attachments"), 0);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(att, "contentType")),
			    "application/vnd.microsoft.card.adaptive");
	cJSON *card = cJSON_GetObjectItem(att, "content");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(card, "type")), "AdaptiveCard");
	cJSON *body = cJSON_GetObjectItem(card, "body");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(body, 0), "type")), "TextBlock");
	cJSON *facts = cJSON_GetObjectItem(cJSON_GetArrayItem(body, 1), "facts");
	assert_int_equal(cJSON_GetArraySize(facts), 4);
	cJSON_Delete(tm);
	free(m);

	assert_null(notify_body("pigeon", p));
	cJSON_Delete(p);
}

static void backoff(void **st)
{
	(void)st;
	/* 1, 2, 4, 8 ... capped at 300 */
	assert_int_equal(notify_backoff(1, 1, 300, -1, 3600), 1);
	assert_int_equal(notify_backoff(2, 1, 300, -1, 3600), 2);
	assert_int_equal(notify_backoff(3, 1, 300, -1, 3600), 4);
	assert_int_equal(notify_backoff(9, 1, 300, -1, 3600), 256);
	assert_int_equal(notify_backoff(10, 1, 300, -1, 3600), 300);
	assert_int_equal(notify_backoff(1000, 1, 300, -1, 3600), 300);
	/* Retry-After longer than the backoff wins; bounded */
	assert_int_equal(notify_backoff(1, 1, 300, 120, 3600), 120);
	assert_int_equal(notify_backoff(1, 1, 300, 999999, 3600), 3600);
	/* shorter Retry-After never makes it retry sooner than the backoff */
	assert_int_equal(notify_backoff(5, 1, 300, 2, 3600), 16);
}

static void retry_after(void **st)
{
	(void)st;
	long s;
	assert_int_equal(notify_retry_after("120", 0, &s), 0);
	assert_int_equal(s, 120);
	assert_int_equal(notify_retry_after(" 5 ", 0, &s), 0);
	assert_int_equal(s, 5);
	assert_int_equal(notify_retry_after("-1", 0, &s), -1);
	assert_int_equal(notify_retry_after("soon", 0, &s), -1);
	assert_int_equal(notify_retry_after(NULL, 0, &s), -1);
	/* 1994-11-06 08:49:37 UTC = 784111777 */
	assert_int_equal(notify_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30, &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(notify_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(notify_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0, &s), -1);
}

/* ---- email ---- */

static const char *EMAIL_PAYLOAD =
	"{\"type\":\"steady.alert\",\"transition\":\"fire\",\"level\":\"red\",\"previous_level\":\"normal\","
	"\"figure\":\"agency_rate_fte\",\"figure_label\":\"Agency rate (FTE)\",\"unit\":\"percent\","
	"\"value\":33.3,\"den\":15,\"as_of\":\"2026-09-30\",\"team\":{\"code\":\"ASSESS\",\"name\":\"Assessment\","
	"\"area\":\"Front door\"},\"thresholds\":{\"direction\":\"higher_is_worse\",\"amber\":20,"
	"\"amber_clear\":18,\"red\":30,\"red_clear\":27},\"event_id\":7,\"alert_id\":3,"
	"\"at\":\"2026-11-23T11:40:00Z\"}";

static const struct notify_mail MAIL = {
	.from = "steady@steady.example",
	.to = "ops@council.example,  head@council.example",
	.dashboard_url = "https://steady.council.example/alerts.html",
	.outbox_id = 12,
	.now = 0,
};

/* Written by hand from docs/alerts.md ("Email"); 2026-11-23 is a Monday. */
static const char EXPECTED_MAIL[] =
	"From: Steady <steady@steady.example>\n"
	"To: ops@council.example, head@council.example\n"
	"Subject: [Steady] RED: Agency rate (FTE) in Assessment is 33.3% (red at 30.0%)\n"
	"Date: Mon, 23 Nov 2026 11:40:00 +0000\n"
	"Message-ID: <steady.12.7@steady.example>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"Auto-Submitted: auto-generated\n"
	"X-Steady-Delivery: 12\n"
	"\n"
	"[RED] Agency rate (FTE) in Assessment is 33.3% (red at 30.0%), as of\n"
	"2026-09-30\n"
	"\n"
	"Team:       Assessment (ASSESS), Front door\n"
	"Figure:     Agency rate (FTE)\n"
	"Value:      33.3% (denominator 15)\n"
	"Level:      red (was normal)\n"
	"Amber at:   20.0% (clears below 18.0%)\n"
	"Red at:     30.0% (clears below 27.0%)\n"
	"As of:      2026-09-30\n"
	"Alert:      3 (fire, event 7, at 2026-11-23T11:40:00Z)\n"
	"Dashboard:  https://steady.council.example/alerts.html\n"
	"\n"
	"--=20\n"
	"Sent by Steady (delivery 12). A message with the same Message-ID is a\n"
	"repeat of this one.\n";

static void email_exact(void **st)
{
	(void)st;
	cJSON *p = cJSON_Parse(EMAIL_PAYLOAD);
	const char *why;
	char *m = notify_email(p, &MAIL, &why);
	assert_non_null(m);
	assert_string_equal(m, EXPECTED_MAIL);
	free(m);

	/* a retry formats the same bytes: same Message-ID, same Date */
	struct notify_mail later = MAIL;
	later.now = 2000000000;
	m = notify_email(p, &later, &why);
	assert_string_equal(m, EXPECTED_MAIL);
	free(m);

	/* resolved, lower is worse, no dashboard, no "at": Date from now */
	cJSON_ReplaceItemInObject(p, "transition", cJSON_CreateString("resolve"));
	cJSON_ReplaceItemInObject(p, "level", cJSON_CreateString("normal"));
	cJSON_ReplaceItemInObject(p, "previous_level", cJSON_CreateString("amber"));
	cJSON_ReplaceItemInObject(p, "figure_label", cJSON_CreateString("Stability index"));
	cJSON_ReplaceItemInObject(p, "value", cJSON_CreateNumber(85));
	cJSON *th = cJSON_GetObjectItem(p, "thresholds");
	cJSON_ReplaceItemInObject(th, "direction", cJSON_CreateString("lower_is_worse"));
	cJSON_DeleteItemFromObject(p, "at");
	later.dashboard_url = NULL;
	later.now = 784111777;  /* Sun, 06 Nov 1994 08:49:37 GMT */
	m = notify_email(p, &later, &why);
	assert_non_null(m);
	assert_non_null(strstr(m, "\nSubject: [Steady] RESOLVED: Stability index in Assessment is back to 85.0%\n"));
	assert_non_null(strstr(m, "\nDate: Sun, 06 Nov 1994 08:49:37 +0000\n"));
	assert_non_null(strstr(m, "\nAmber at:   20.0% (clears above 18.0%)\n"));
	assert_non_null(strstr(m, "\nAlert:      3 (resolve, event 7, at Sun, 06 Nov 1994 08:49:37 +0000)\n"));
	assert_null(strstr(m, "Dashboard"));
	free(m);
	cJSON_Delete(p);
}

/* The header block of message m: every line, checked to be one of ours or a continuation. */
static void assert_headers_ours(const char *m)
{
	static const char *names[] = { "From: ", "To: ", "Subject: ", "Date: ", "Message-ID: ", "MIME-Version: ",
				       "Content-Type: ", "Content-Transfer-Encoding: ", "Auto-Submitted: ",
				       "X-Steady-Delivery: ", " " };
	const char *end = strstr(m, "\n\n");
	assert_non_null(end);
	int seen[11] = { 0 };
	for (const char *l = m; l <= end; l = strchr(l, '\n') + 1) {
		size_t i;
		for (i = 0; i < 11; i++)
			if (!strncmp(l, names[i], strlen(names[i])))
				break;
		assert_true(i < 11);
		seen[i]++;
		assert_true(strchr(l, '\n') - l <= 998);
		for (const char *c = l; *c != '\n'; c++)
			assert_true(*c != '\r' && (unsigned char)*c >= 0x20);
	}
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(seen[i], 1);
}

static void email_injection(void **st)
{
	(void)st;
	cJSON *p = cJSON_Parse(EMAIL_PAYLOAD);
	cJSON *team = cJSON_GetObjectItem(p, "team");
	cJSON_ReplaceItemInObject(team, "name", cJSON_CreateString("Evil\r\nBcc: victim@example.org\r\n\r\nbody"));
	cJSON_ReplaceItemInObject(team, "code", cJSON_CreateString("E\nVIL"));
	cJSON_ReplaceItemInObject(p, "at", cJSON_CreateString("2026-11-23T11:40:00Z\r\nX-Evil: 1"));
	const char *why;
	char *m = notify_email(p, &MAIL, &why);
	assert_non_null(m);
	assert_headers_ours(m);
	assert_null(strstr(m, "\nBcc:"));
	assert_null(strstr(m, "\nX-Evil"));
	assert_null(strchr(m, '\r'));
	/* folded after 78 columns: the continuation starts with a space */
	assert_non_null(strstr(m, "\nSubject: [Steady] RED: Agency rate (FTE) in Evil Bcc: victim@example.org body\n"
				  " is 33.3% (red at 30.0%)\n"));
	assert_non_null(strstr(m, "\nTeam:       Evil  Bcc: victim@example.org    body (E VIL), Front door\n"));
	free(m);

	/* recipients and sender cannot carry anything but addresses */
	struct notify_mail bad = MAIL;
	bad.to = "ops@council.example\r\nBcc: victim@example.org";
	assert_null(notify_email(p, &bad, &why));
	assert_non_null(why);
	bad = MAIL;
	bad.from = "steady@x\nBcc: victim@example.org";
	assert_null(notify_email(p, &bad, &why));
	bad.from = "a@x, b@y";
	assert_null(notify_email(p, &bad, &why));
	cJSON_Delete(p);
}

static void email_non_ascii(void **st)
{
	(void)st;
	cJSON *p = cJSON_Parse(EMAIL_PAYLOAD);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(p, "team"), "name",
				  cJSON_CreateString("\xc3\x89quipe d\xe2\x80\x99" "accueil"));  /* Équipe d’accueil */
	const char *why;
	char *m = notify_email(p, &MAIL, &why);
	assert_non_null(m);
	assert_headers_ours(m);
	/* RFC 2047, UTF-8, base64; at most 39 bytes a word, never splitting a character (computed with
	 * Python's base64 module) */
	assert_non_null(strstr(m, "\nSubject: =?UTF-8?B?W1N0ZWFkeV0gUkVEOiBBZ2VuY3kgcmF0ZSAoRlRFKSBpbiDDiXF1?=\n"
				  " =?UTF-8?B?aXBlIGTigJlhY2N1ZWlsIGlzIDMzLjMlIChyZWQgYXQgMzAuMCUp?=\n"));
	/* quoted-printable body */
	assert_non_null(strstr(m, "\nTeam:       =C3=89quipe d=E2=80=99accueil (ASSESS), Front door\n"));
	for (const char *c = m; *c; c++)
		assert_true((unsigned char)*c < 128);
	free(m);

	/* a long line gets soft breaks: 75 characters and "=" */
	struct notify_mail u = MAIL;
	u.dashboard_url = "https://steady.council.example/alerts.html?view=teams&x=0123456789012345678901234567890";
	m = notify_email(p, &u, &why);
	assert_non_null(m);
	assert_non_null(strstr(m, "\nDashboard:  https://steady.council.example/alerts.html?view=3Dteams&x=3D012=\n"
				  "3456789012345678901234567890\n"));
	free(m);

	/* a long non-ASCII name: every body line within 76 characters, no =XX split by a soft break */
	char longname[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(longname, "\xc3\xa9");  /* é */
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(p, "team"), "name", cJSON_CreateString(longname));
	m = notify_email(p, &MAIL, &why);
	assert_non_null(m);
	assert_headers_ours(m);
	for (const char *l = strstr(m, "\n\n") + 2; *l; l = strchr(l, '\n') + 1) {
		size_t n = (size_t)(strchr(l, '\n') - l);
		assert_true(n <= 76);
		for (size_t i = 0; i < n; i++)
			if (l[i] == '=')
				assert_true(i + 1 == n || (i + 2 < n && strchr("0123456789ABCDEF", l[i + 1]) &&
							   strchr("0123456789ABCDEF", l[i + 2])));
	}
	free(m);
	cJSON_Delete(p);
}

static void email_lists(void **st)
{
	(void)st;
	char out[200];
	const char *why;
	assert_int_equal(notify_email_list("ops@council.example", out, sizeof out, &why), 0);
	assert_string_equal(out, "ops@council.example");
	assert_int_equal(notify_email_list(" a@x ,b.c+tag@y-z.example,  root@localhost ", out, sizeof out, &why), 0);
	assert_string_equal(out, "a@x, b.c+tag@y-z.example, root@localhost");
	assert_int_equal(notify_email_list("o'brien/ops=1@x.example", out, sizeof out, &why), 0);
	const char *bad[] = {
		"", " ", "a@x,", ",a@x", "a@x,,b@y", "ops", "@x", "a@", "a@@x", "a@x@y", ".a@x", "a.@x", "a..b@x",
		"a@.x", "a@x.", "a@x..y", "a@-x", "a@x-", "a@x_y", "Ops <a@x>", "\"a b\"@x", "a b@x", "a@x\r\n",
		"a@x\nBcc: b@y", "a\t@x", "\xc3\xa9@x", "a@\xc3\xa9.example", "a@[127.0.0.1]", "a@x;b@y",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		if (notify_email_list(bad[i], out, sizeof out, &why) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(why);
	}
	/* limits: local part 64, label 63, 20 addresses, output room */
	char s[400];
	memset(s, 'a', 64);
	strcpy(s + 64, "@x");
	assert_int_equal(notify_email_list(s, out, sizeof out, &why), 0);
	memset(s, 'a', 65);
	strcpy(s + 65, "@x");
	assert_int_equal(notify_email_list(s, out, sizeof out, &why), -1);
	strcpy(s, "a@");
	memset(s + 2, 'b', 63);
	strcpy(s + 65, ".example");
	assert_int_equal(notify_email_list(s, out, sizeof out, &why), 0);
	strcpy(s, "a@");
	memset(s + 2, 'b', 64);
	strcpy(s + 66, ".example");
	assert_int_equal(notify_email_list(s, out, sizeof out, &why), -1);
	s[0] = '\0';
	for (int i = 0; i < 20; i++)
		strcat(s, i ? ",a@x" : "a@x");
	assert_int_equal(notify_email_list(s, out, sizeof out, &why), 0);
	strcat(s, ",a@x");
	assert_int_equal(notify_email_list(s, out, sizeof out, &why), -1);
	assert_int_equal(notify_email_list("abcdef@x", out, 8, &why), -1);
	assert_int_equal(notify_email_list("abcde@x", out, 8, &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_lines),
		cmocka_unit_test(bodies),
		cmocka_unit_test(backoff),
		cmocka_unit_test(retry_after),
		cmocka_unit_test(email_exact),
		cmocka_unit_test(email_injection),
		cmocka_unit_test(email_non_ascii),
		cmocka_unit_test(email_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
