/* pwworker: password checks and hashing run on the worker thread, their
 * callbacks on the loop's thread, in the order queued, with the right answers;
 * a worker freed with checks still queued drops them without calling back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "pwworker.h"

struct seen {
	int n;
	int ok[8];
	int tag[8];
	int wrong_thread;
	pthread_t loop_thread;
	struct event_base *base;
	int stop_after;
};

struct call {
	struct seen *s;
	int tag;
};

static void on_checked(void *arg, int ok)
{
	struct call *c = arg;
	struct seen *s = c->s;
	if (!pthread_equal(pthread_self(), s->loop_thread))
		s->wrong_thread = 1;
	s->ok[s->n] = ok;
	s->tag[s->n] = c->tag;
	if (++s->n == s->stop_after)
		event_base_loopbreak(s->base);
}

static void test_checks(void **state)
{
	(void)state;
	char hash[AUTH_PWHASH_LEN];
	assert_int_equal(auth_init(), 0);
	assert_int_equal(auth_password_hash("correct horse battery", hash), 0);

	struct event_base *base = event_base_new();
	assert_non_null(base);
	struct pwworker *w = pwworker_new(base);
	assert_non_null(w);
	struct seen s = { .loop_thread = pthread_self(), .base = base, .stop_after = 4 };
	struct call calls[4] = { { &s, 1 }, { &s, 2 }, { &s, 3 }, { &s, 4 } };
	assert_int_equal(pwworker_verify(w, hash, "correct horse battery", on_checked, &calls[0]), 0);
	assert_int_equal(pwworker_verify(w, hash, "correct horse batterY", on_checked, &calls[1]), 0);
	assert_int_equal(pwworker_verify(w, "not a hash", "correct horse battery", on_checked, &calls[2]), 0);
	assert_int_equal(pwworker_verify(w, hash, "", on_checked, &calls[3]), 0);
	assert_int_equal(s.n, 0); /* nothing is answered before the loop runs */
	assert_int_equal(event_base_dispatch(base), 0);

	assert_int_equal(s.n, 4);
	assert_false(s.wrong_thread);
	int want_ok[4] = { 1, 0, 0, 0 }, want_tag[4] = { 1, 2, 3, 4 };
	assert_memory_equal(s.ok, want_ok, sizeof want_ok);
	assert_memory_equal(s.tag, want_tag, sizeof want_tag);
	pwworker_free(w);
	event_base_free(base);
}

struct hashed {
	char hash[AUTH_PWHASH_LEN];
	int calls;
	int wrong_thread;
	pthread_t loop_thread;
	struct event_base *base;
};

static void on_hashed(void *arg, const char *hash)
{
	struct hashed *h = arg;
	if (!pthread_equal(pthread_self(), h->loop_thread))
		h->wrong_thread = 1;
	h->calls++;
	if (hash)
		snprintf(h->hash, sizeof h->hash, "%s", hash);
	event_base_loopbreak(h->base);
}

/* a hash made on the thread verifies on the loop (and not for another password) */
static void test_hash(void **state)
{
	(void)state;
	assert_int_equal(auth_init(), 0);
	struct event_base *base = event_base_new();
	assert_non_null(base);
	struct pwworker *w = pwworker_new(base);
	assert_non_null(w);
	struct hashed h = { .loop_thread = pthread_self(), .base = base };
	assert_int_equal(pwworker_hash(w, "a new password 1", on_hashed, &h), 0);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_int_equal(h.calls, 1);
	assert_false(h.wrong_thread);
	assert_true(strncmp(h.hash, "$argon2id$", 10) == 0);
	assert_int_equal(auth_password_verify(h.hash, "a new password 1"), 0);
	assert_int_equal(auth_password_verify(h.hash, "a new password 2"), -1);
	pwworker_free(w);
	event_base_free(base);
}

static void test_free_with_queued_checks(void **state)
{
	(void)state;
	char hash[AUTH_PWHASH_LEN];
	assert_int_equal(auth_init(), 0);
	assert_int_equal(auth_password_hash("another password", hash), 0);
	struct event_base *base = event_base_new();
	assert_non_null(base);
	struct pwworker *w = pwworker_new(base);
	assert_non_null(w);
	struct seen s = { .loop_thread = pthread_self(), .base = base, .stop_after = 99 };
	struct call c = { &s, 1 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(pwworker_verify(w, hash, "another password", on_checked, &c), 0);
	pwworker_free(w); /* joins the thread; the rest are dropped, ASan sees no leak */
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 1); /* no events left */
	assert_int_equal(s.n, 0);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_free_with_queued_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
