/*
 * Unit tests for notify.c: the text and bodies of notifications (generic
 * JSON, Teams adaptive card, Slack), bounded backoff, Retry-After.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_lines),
		cmocka_unit_test(bodies),
		cmocka_unit_test(backoff),
		cmocka_unit_test(retry_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
