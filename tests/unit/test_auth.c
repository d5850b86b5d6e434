/*
 * test_auth.c -- auth.c: role order and the route policy, argon2id password
 * hashing, tokens and their digests, cookie / bearer / origin parsing, and
 * the login-throttle policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth.h"

static void roles(void **state)
{
	(void)state;
	enum auth_level l;
	assert_int_equal(auth_role_parse("viewer", &l), 0);
	assert_int_equal(l, AUTH_VIEWER);
	assert_int_equal(auth_role_parse("hr", &l), 0);
	assert_int_equal(l, AUTH_HR);
	assert_int_equal(auth_role_parse("admin", &l), 0);
	assert_int_equal(l, AUTH_ADMIN);
	assert_int_equal(auth_role_parse("root", &l), -1);
	assert_int_equal(auth_role_parse("Admin", &l), -1);
	assert_true(AUTH_DISPLAY < AUTH_VIEWER && AUTH_VIEWER < AUTH_HR && AUTH_HR < AUTH_ADMIN);
	assert_string_equal(auth_role_name(AUTH_HR), "hr");
}

static void policy(void **state)
{
	(void)state;
	/* public */
	assert_int_equal(auth_required(1, "/"), AUTH_PUBLIC);
	assert_int_equal(auth_required(1, "/app.js"), AUTH_PUBLIC);
	assert_int_equal(auth_required(1, "/login.html"), AUTH_PUBLIC);
	assert_int_equal(auth_required(1, "/healthz"), AUTH_PUBLIC);
	assert_int_equal(auth_required(1, "/readyz"), AUTH_PUBLIC);
	assert_int_equal(auth_required(0, "/api/v1/auth/login"), AUTH_PUBLIC);
	assert_int_equal(auth_required(1, "/metrics"), AUTH_METRICS);
	/* aggregates: a display token is enough */
	assert_int_equal(auth_required(1, "/api/v1/summary"), AUTH_DISPLAY);
	assert_int_equal(auth_required(1, "/api/v1/live"), AUTH_DISPLAY);
	assert_int_equal(auth_required(1, "/api/v1/teams/ASSESS/history"), AUTH_DISPLAY);
	assert_int_equal(auth_required(1, "/api/v1/teams//history"), AUTH_ADMIN);
	assert_int_equal(auth_required(1, "/api/v1/teams/A/staff"), AUTH_ADMIN);
	assert_int_equal(auth_required(0, "/api/v1/summary"), AUTH_ADMIN);
	/* hr */
	assert_int_equal(auth_required(0, "/api/v1/uploads"), AUTH_HR);
	assert_int_equal(auth_required(1, "/api/v1/uploads"), AUTH_HR);
	assert_int_equal(auth_required(0, "/api/v1/uploads/12/revert"), AUTH_HR);
	assert_int_equal(auth_required(1, "/api/v1/uploads/12/original"), AUTH_HR);
	assert_int_equal(auth_required(1, "/api/v1/mapping-profiles"), AUTH_HR);
	assert_int_equal(auth_required(1, "/api/v1/uploadsX"), AUTH_ADMIN);
	/* admin and deny by default */
	assert_int_equal(auth_required(1, "/api/v1/establishment"), AUTH_VIEWER);
	assert_int_equal(auth_required(0, "/api/v1/establishment"), AUTH_ADMIN);
	assert_int_equal(auth_required(1, "/api/v1/users"), AUTH_ADMIN);
	assert_int_equal(auth_required(0, "/api/v1/display-tokens"), AUTH_ADMIN);
	/* alerts: history, rules and acknowledging for viewers; changing rules and receivers for admins */
	assert_int_equal(auth_required(1, "/api/v1/alerts"), AUTH_VIEWER);
	assert_int_equal(auth_required(1, "/api/v1/rules"), AUTH_VIEWER);
	assert_int_equal(auth_required(1, "/api/v1/rules/audit"), AUTH_VIEWER);
	assert_int_equal(auth_required(0, "/api/v1/alerts/7/ack"), AUTH_VIEWER);
	assert_int_equal(auth_required(0, "/api/v1/alerts//ack"), AUTH_ADMIN);
	assert_int_equal(auth_required(0, "/api/v1/alerts/7/ackx"), AUTH_ADMIN);
	assert_int_equal(auth_required(0, "/api/v1/alerts"), AUTH_ADMIN);
	assert_int_equal(auth_required(0, "/api/v1/rules"), AUTH_ADMIN);
	assert_int_equal(auth_required(1, "/api/v1/receivers"), AUTH_ADMIN);
	assert_int_equal(auth_required(0, "/api/v1/receivers"), AUTH_ADMIN);
	assert_int_equal(auth_required(1, "/api/v2/anything"), AUTH_ADMIN);
	assert_int_equal(auth_required(1, "/api/"), AUTH_ADMIN);
	/* session endpoints */
	assert_int_equal(auth_required(1, "/api/v1/auth/me"), AUTH_DISPLAY);
	assert_int_equal(auth_required(0, "/api/v1/auth/logout"), AUTH_VIEWER);
}

static void passwords(void **state)
{
	(void)state;
	char h[AUTH_PWHASH_LEN], h2[AUTH_PWHASH_LEN];
	assert_int_equal(auth_init(), 0);
	assert_int_equal(auth_password_hash("correct horse battery", h), 0);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_null(strstr(h, "correct"));
	assert_int_equal(auth_password_verify(h, "correct horse battery"), 0);
	assert_int_equal(auth_password_verify(h, "correct horse batterY"), -1);
	assert_int_equal(auth_password_verify(h, ""), -1);
	assert_int_equal(auth_password_verify("not a hash", "x"), -1);
	assert_int_equal(auth_password_verify(NULL, "x"), -1);
	/* salted: the same password hashes differently */
	assert_int_equal(auth_password_hash("correct horse battery", h2), 0);
	assert_string_not_equal(h, h2);
	assert_non_null(auth_password_problem("short"));
	assert_null(auth_password_problem("long enough!"));
}

static void tokens(void **state)
{
	(void)state;
	char a[AUTH_TOKEN_LEN], b[AUTH_TOKEN_LEN], ha[AUTH_HASH_LEN], hb[AUTH_HASH_LEN];
	assert_int_equal(auth_init(), 0);
	assert_int_equal(auth_token_new(AUTH_PREFIX_API, a), 0);
	assert_int_equal(auth_token_new(AUTH_PREFIX_API, b), 0);
	assert_int_equal(strlen(a), AUTH_TOKEN_LEN - 1);
	assert_memory_equal(a, "stk_", 4);
	assert_string_not_equal(a, b);
	assert_true(auth_token_wellformed(a));
	assert_int_equal(auth_token_new("toolong_", a), -1);
	assert_false(auth_token_wellformed("stk_abc"));
	assert_false(auth_token_wellformed(NULL));
	b[10] = 'G';
	assert_false(auth_token_wellformed(b));
	auth_token_hash(a, ha);
	auth_token_hash(a, hb);
	assert_string_equal(ha, hb);
	assert_int_equal(strlen(ha), 64);
	/* SHA-256("abc") */
	auth_token_hash("abc", ha);
	assert_string_equal(ha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(auth_equal("abc", "abc"));
	assert_false(auth_equal("abc", "abd"));
	assert_false(auth_equal("abc", "abcd"));
}

static void headers(void **state)
{
	(void)state;
	char v[80];
	assert_int_equal(auth_cookie_get("a=1; steady_session=xyz; b=2", "steady_session", v, sizeof v), 0);
	assert_string_equal(v, "xyz");
	assert_int_equal(auth_cookie_get("steady_session=first", "steady_session", v, sizeof v), 0);
	assert_string_equal(v, "first");
	assert_int_equal(auth_cookie_get("xsteady_session=no", "steady_session", v, sizeof v), -1);
	assert_int_equal(auth_cookie_get("steady_sessionx=no", "steady_session", v, sizeof v), -1);
	assert_int_equal(auth_cookie_get(NULL, "a", v, sizeof v), -1);
	assert_int_equal(auth_cookie_get("a=0123456789", "a", v, 5), -1);
	assert_string_equal(auth_bearer("Bearer stk_1"), "stk_1");
	assert_string_equal(auth_bearer("bearer  stk_1"), "stk_1");
	assert_null(auth_bearer("Basic dXNlcjpwdw=="));
	assert_null(auth_bearer("Bearer "));
	assert_null(auth_bearer(NULL));
	assert_true(auth_origin_matches("http://127.0.0.1:8080", "127.0.0.1:8080"));
	assert_true(auth_origin_matches("https://steady.example.org", "steady.example.org"));
	assert_false(auth_origin_matches("https://evil.example", "steady.example.org"));
	assert_false(auth_origin_matches("null", "steady.example.org"));
	assert_false(auth_origin_matches("http://127.0.0.1:8080", NULL));
	assert_true(auth_name_valid("jo.bloggs@council.gov.uk"));
	assert_false(auth_name_valid(""));
	assert_false(auth_name_valid("jo bloggs"));
	assert_false(auth_name_valid("x'; DROP TABLE"));
}

static void throttle(void **state)
{
	(void)state;
	assert_int_equal(auth_throttle_delay(0), 0);
	assert_int_equal(auth_throttle_delay(2), 0);
	assert_int_equal(auth_throttle_delay(3), 1);
	assert_int_equal(auth_throttle_delay(4), 2);
	assert_int_equal(auth_throttle_delay(8), 32);
	assert_int_equal(auth_throttle_delay(13), AUTH_MAX_DELAY);
	assert_int_equal(auth_throttle_delay(1000), AUTH_MAX_DELAY);
	assert_int_equal(auth_throttle_wait(2, 0), 0);
	assert_int_equal(auth_throttle_wait(5, 0), 4);
	assert_int_equal(auth_throttle_wait(5, 1.5), 2);
	assert_int_equal(auth_throttle_wait(5, 3.9), 1);
	assert_int_equal(auth_throttle_wait(5, 4), 0);
	assert_int_equal(auth_throttle_wait(5, 1e9), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles),
		cmocka_unit_test(policy),
		cmocka_unit_test(passwords),
		cmocka_unit_test(tokens),
		cmocka_unit_test(headers),
		cmocka_unit_test(throttle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
