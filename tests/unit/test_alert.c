/*
 * Unit tests for alert.c: the state machine, case by case (crossing up,
 * flapping around a level, clearing below the clear level, worsening,
 * acknowledged then worsened, no data, minimum denominator, pending period,
 * lower-is-worse) and exhaustively over a grid of values and states
 * (idempotence, hysteresis bands, notification rules).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "alert.h"

/* agency rate default: amber 20 (clear 18), red 30 (clear 27), min den 5 */
static const struct alert_rule AGENCY = { 1, ALERT_HIGHER_WORSE, 20, 18, 30, 27, 5, 1, 0 };
/* stability: lower is worse, amber 80 (clear 82), red 70 (clear 73) */
static const struct alert_rule STAB = { 1, ALERT_LOWER_WORSE, 80, 82, 70, 73, 5, 1, 0 };

static int day = 20000;

/* Evaluates `value` (den 20) on a new reference date; returns the transition. */
static enum alert_transition feed(struct alert_state *s, const struct alert_rule *r, double value,
				  int *notify)
{
	struct alert_input in = { 1, value, 20, ++day };
	struct alert_result res;
	alert_step(s, r, &in, &res);
	*s = res.next;
	if (notify)
		*notify = res.notify;
	return res.transition;
}

static enum alert_transition feed_in(struct alert_state *s, const struct alert_rule *r,
				     struct alert_input in, int *notify)
{
	struct alert_result res;
	alert_step(s, r, &in, &res);
	*s = res.next;
	if (notify)
		*notify = res.notify;
	return res.transition;
}

static void crossing_up(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	assert_int_equal(feed(&s, &AGENCY, 10, &n), ALERT_T_NONE);
	assert_int_equal(n, 0);
	assert_int_equal(feed(&s, &AGENCY, 19.9, &n), ALERT_T_NONE);
	assert_int_equal(feed(&s, &AGENCY, 20, &n), ALERT_T_FIRE);   /* at the level: fires */
	assert_int_equal(n, 1);
	assert_int_equal(s.level, ALERT_AMBER);
	assert_int_equal(feed(&s, &AGENCY, 25, &n), ALERT_T_NONE);
	assert_int_equal(n, 0);
	assert_int_equal(feed(&s, &AGENCY, 30, &n), ALERT_T_WORSEN);
	assert_int_equal(n, 1);
	assert_int_equal(s.level, ALERT_RED);
}

static void crossing_straight_to_red(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	assert_int_equal(feed(&s, &AGENCY, 45, &n), ALERT_T_FIRE);
	assert_int_equal(n, 1);
	assert_int_equal(s.level, ALERT_RED);
	assert_int_equal(feed(&s, &AGENCY, 45, &n), ALERT_T_NONE);
	assert_int_equal(n, 0);
}

static void flapping_around_amber(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n, notifications = 0;
	/* 19.9 / 20.1 / 19.9 ... : one alert, never cleared (19.9 is above the clear level 18) */
	for (int i = 0; i < 20; i++) {
		enum alert_transition t = feed(&s, &AGENCY, i % 2 ? 19.9 : 20.1, &n);
		notifications += n;
		assert_true(i == 0 ? t == ALERT_T_FIRE : t == ALERT_T_NONE);
		assert_int_equal(s.level, ALERT_AMBER);
	}
	assert_int_equal(notifications, 1);
}

static void flapping_around_red(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n, notifications = 0;
	for (int i = 0; i < 20; i++) {
		feed(&s, &AGENCY, i % 2 ? 29.5 : 30.5, &n);
		notifications += n;
		assert_int_equal(s.level, ALERT_RED);
	}
	assert_int_equal(notifications, 1);
}

static void flapping_below_level_never_fires(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(feed(&s, &AGENCY, i % 2 ? 19.99 : 18.5, &n), ALERT_T_NONE);
		assert_int_equal(n, 0);
	}
}

static void clear_below_clear_level(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	feed(&s, &AGENCY, 22, &n);
	assert_int_equal(s.level, ALERT_AMBER);
	assert_int_equal(feed(&s, &AGENCY, 19, &n), ALERT_T_NONE);   /* under the level, above clear */
	assert_int_equal(feed(&s, &AGENCY, 18, &n), ALERT_T_NONE);   /* at the clear level: kept */
	assert_int_equal(s.level, ALERT_AMBER);
	assert_int_equal(feed(&s, &AGENCY, 17.9, &n), ALERT_T_RESOLVE);
	assert_int_equal(n, 1);
	assert_int_equal(s.level, ALERT_NORMAL);
	/* back to 19: normal (must reach 20 again to fire) */
	assert_int_equal(feed(&s, &AGENCY, 19, &n), ALERT_T_NONE);
	assert_int_equal(feed(&s, &AGENCY, 20, &n), ALERT_T_FIRE);
}

static void red_clears_in_steps(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	feed(&s, &AGENCY, 35, &n);
	assert_int_equal(feed(&s, &AGENCY, 28, &n), ALERT_T_NONE);    /* above red clear 27 */
	assert_int_equal(feed(&s, &AGENCY, 27, &n), ALERT_T_NONE);    /* at red clear: kept */
	assert_int_equal(s.level, ALERT_RED);
	assert_int_equal(feed(&s, &AGENCY, 26.9, &n), ALERT_T_IMPROVE);
	assert_int_equal(n, 0);
	assert_int_equal(s.level, ALERT_AMBER);
	/* red -> well below everything: resolved at once */
	feed(&s, &AGENCY, 35, &n);
	assert_int_equal(feed(&s, &AGENCY, 5, &n), ALERT_T_RESOLVE);
	assert_int_equal(s.level, ALERT_NORMAL);
	/* red -> between amber clear and amber: amber (it had been above amber) */
	feed(&s, &AGENCY, 35, &n);
	assert_int_equal(feed(&s, &AGENCY, 19, &n), ALERT_T_IMPROVE);
	assert_int_equal(s.level, ALERT_AMBER);
}

static void acknowledged_then_worsened(void **st)
{
	(void)st;
	struct alert_state s;
	struct alert_result r;
	alert_state_init(&s);
	int n;
	assert_int_equal(alert_ack(&s, &r), -1);  /* nothing to acknowledge */
	feed(&s, &AGENCY, 22, &n);
	assert_int_equal(alert_ack(&s, &r), 0);
	assert_int_equal(r.transition, ALERT_T_ACK);
	assert_int_equal(r.notify, 0);
	s = r.next;
	assert_true(s.acked);
	assert_int_equal(alert_ack(&s, &r), 1);   /* already */
	assert_int_equal(feed(&s, &AGENCY, 24, &n), ALERT_T_NONE);
	assert_true(s.acked);
	assert_int_equal(feed(&s, &AGENCY, 31, &n), ALERT_T_WORSEN);
	assert_int_equal(n, 1);
	assert_false(s.acked);                    /* worsening needs a new acknowledgement */
	assert_int_equal(alert_ack(&s, &r), 0);
	s = r.next;
	assert_int_equal(feed(&s, &AGENCY, 25, &n), ALERT_T_IMPROVE);
	assert_true(s.acked);                     /* improving keeps it */
	assert_int_equal(feed(&s, &AGENCY, 31, &n), ALERT_T_WORSEN);
	assert_false(s.acked);
	alert_ack(&s, &r);
	s = r.next;
	assert_int_equal(feed(&s, &AGENCY, 1, &n), ALERT_T_RESOLVE);
	assert_false(s.acked);                    /* cleared: gone with the alert */
	assert_int_equal(feed(&s, &AGENCY, 21, &n), ALERT_T_FIRE);
	assert_false(s.acked);
}

static void no_data(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	struct alert_input missing = { 0, 0, 0, 0 };
	missing.date = ++day;
	assert_int_equal(feed_in(&s, &AGENCY, missing, &n), ALERT_T_NODATA);
	assert_int_equal(n, 0);
	assert_int_equal(s.level, ALERT_NODATA);
	missing.date = ++day;
	assert_int_equal(feed_in(&s, &AGENCY, missing, &n), ALERT_T_NONE);
	assert_int_equal(feed(&s, &AGENCY, 10, &n), ALERT_T_DATA);
	assert_int_equal(s.level, ALERT_NORMAL);
	/* from no data straight over a level: fires */
	missing.date = ++day;
	feed_in(&s, &AGENCY, missing, &n);
	assert_int_equal(feed(&s, &AGENCY, 40, &n), ALERT_T_FIRE);
	assert_int_equal(n, 1);
	/* an active alert losing its data ends as "no data", silently by default */
	missing.date = ++day;
	assert_int_equal(feed_in(&s, &AGENCY, missing, &n), ALERT_T_NODATA);
	assert_int_equal(n, 0);
	assert_int_equal(s.level, ALERT_NODATA);
	/* ... unless the rule asks for it */
	struct alert_rule r = AGENCY;
	r.notify_nodata = 1;
	feed(&s, &r, 40, &n);
	missing.date = ++day;
	assert_int_equal(feed_in(&s, &r, missing, &n), ALERT_T_NODATA);
	assert_int_equal(n, 1);
	/* NaN counts as missing */
	struct alert_input nan_in = { 1, NAN, 20, ++day };
	feed(&s, &AGENCY, 10, &n);
	assert_int_equal(feed_in(&s, &AGENCY, nan_in, &n), ALERT_T_NODATA);
}

static void min_denominator(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	/* a team of two, both agency: 100%, but den 2 < 5 -> no data, no alert */
	struct alert_input tiny = { 1, 100, 2, ++day };
	assert_int_equal(feed_in(&s, &AGENCY, tiny, &n), ALERT_T_NODATA);
	assert_int_equal(n, 0);
	/* exactly the minimum counts */
	struct alert_input five = { 1, 40, 5, ++day };
	assert_int_equal(feed_in(&s, &AGENCY, five, &n), ALERT_T_FIRE);
	/* no minimum: a team of two alerts */
	struct alert_rule r = AGENCY;
	r.min_den = 0;
	alert_state_init(&s);
	tiny.date = ++day;
	assert_int_equal(feed_in(&s, &r, tiny, &n), ALERT_T_FIRE);
}

static void pending_period(void **st)
{
	(void)st;
	struct alert_rule r = AGENCY;
	r.pending = 2;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	struct alert_input in = { 1, 25, 20, ++day };
	assert_int_equal(feed_in(&s, &r, in, &n), ALERT_T_NONE);
	assert_int_equal(s.level, ALERT_NORMAL);
	assert_int_equal(s.pending_count, 1);
	/* the same reference date again (another daemon, a reconnect): does not count */
	assert_int_equal(feed_in(&s, &r, in, &n), ALERT_T_NONE);
	assert_int_equal(s.pending_count, 1);
	/* dips: the watch restarts */
	assert_int_equal(feed(&s, &r, 10, &n), ALERT_T_NONE);
	assert_int_equal(s.pending_count, 0);
	assert_int_equal(feed(&s, &r, 25, &n), ALERT_T_NONE);
	assert_int_equal(feed(&s, &r, 26, &n), ALERT_T_FIRE);
	assert_int_equal(n, 1);
	assert_int_equal(s.level, ALERT_AMBER);
	/* worsening waits too; red then amber-region: escalates to the level that held */
	assert_int_equal(feed(&s, &r, 35, &n), ALERT_T_NONE);
	assert_int_equal(s.level, ALERT_AMBER);
	assert_int_equal(feed(&s, &r, 36, &n), ALERT_T_WORSEN);
	assert_int_equal(s.level, ALERT_RED);
	/* clearing does not wait */
	assert_int_equal(feed(&s, &r, 5, &n), ALERT_T_RESOLVE);
	/* red then amber on the next date: fires amber */
	alert_state_init(&s);
	feed(&s, &r, 40, &n);
	assert_int_equal(feed(&s, &r, 22, &n), ALERT_T_FIRE);
	assert_int_equal(s.level, ALERT_AMBER);
}

static void lower_is_worse(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	assert_int_equal(feed(&s, &STAB, 90, &n), ALERT_T_NONE);
	assert_int_equal(feed(&s, &STAB, 80.1, &n), ALERT_T_NONE);
	assert_int_equal(feed(&s, &STAB, 80, &n), ALERT_T_FIRE);
	assert_int_equal(s.level, ALERT_AMBER);
	assert_int_equal(feed(&s, &STAB, 81, &n), ALERT_T_NONE);    /* under clear 82 */
	assert_int_equal(feed(&s, &STAB, 82, &n), ALERT_T_NONE);    /* at clear: kept */
	assert_int_equal(feed(&s, &STAB, 69, &n), ALERT_T_WORSEN);
	assert_int_equal(feed(&s, &STAB, 72, &n), ALERT_T_NONE);    /* under red clear 73 */
	assert_int_equal(feed(&s, &STAB, 73.5, &n), ALERT_T_IMPROVE);
	assert_int_equal(feed(&s, &STAB, 82.5, &n), ALERT_T_RESOLVE);
}

static void disabled_rule_resolves(void **st)
{
	(void)st;
	struct alert_state s;
	alert_state_init(&s);
	int n;
	feed(&s, &AGENCY, 40, &n);
	struct alert_rule off = AGENCY;
	off.enabled = 0;
	assert_int_equal(feed(&s, &off, 40, &n), ALERT_T_RESOLVE);
	assert_int_equal(feed(&s, &off, 90, &n), ALERT_T_NONE);
	struct alert_input missing = { 0, 0, 0, ++day };
	assert_int_equal(feed_in(&s, &off, missing, &n), ALERT_T_NONE);
}

static void names(void **st)
{
	(void)st;
	enum alert_level l;
	assert_string_equal(alert_level_name(ALERT_NODATA), "no_data");
	assert_int_equal(alert_level_parse("red", &l), 0);
	assert_int_equal(l, ALERT_RED);
	assert_int_equal(alert_level_parse("purple", &l), -1);
	assert_string_equal(alert_transition_name(ALERT_T_WORSEN), "worsen");
	assert_string_equal(alert_transition_name(ALERT_T_NONE), "none");
}

/* Every starting state x every value on a fine grid x both directions:
 * - the same input twice: the second evaluation changes nothing;
 * - notify only on fire, worsen, resolve (and no-data when asked);
 * - a value inside a hysteresis band never moves the level. */
static void exhaustive_grid(void **st)
{
	(void)st;
	const struct alert_rule *rules[2] = { &AGENCY, &STAB };
	for (int ri = 0; ri < 2; ri++) {
		const struct alert_rule *r = rules[ri];
		for (int lvl = ALERT_NORMAL; lvl <= ALERT_NODATA; lvl++)
			for (int acked = 0; acked < 2; acked++)
				for (int v10 = 0; v10 <= 1000; v10++) {
					struct alert_state s;
					alert_state_init(&s);
					s.level = (enum alert_level)lvl;
					s.acked = (lvl == ALERT_AMBER || lvl == ALERT_RED) && acked;
					double v = v10 / 10.0;
					struct alert_input in = { 1, v, 20, 30000 };
					struct alert_result a, b;
					alert_step(&s, r, &in, &a);
					alert_step(&a.next, r, &in, &b);
					assert_int_equal(b.transition, ALERT_T_NONE);
					assert_false(b.changed);
					assert_false(b.notify);
					int should_notify = a.transition == ALERT_T_FIRE ||
							    a.transition == ALERT_T_WORSEN ||
							    a.transition == ALERT_T_RESOLVE;
					assert_int_equal(a.notify, should_notify);
					if (a.transition == ALERT_T_NONE)
						assert_int_equal(a.next.level, lvl);
					/* acknowledgement survives only staying or improving */
					if (a.next.acked)
						assert_true(a.transition == ALERT_T_NONE ||
							    a.transition == ALERT_T_IMPROVE);
					/* hysteresis: from amber, values in [clear, level) stay amber */
					double d = r->direction;
					if (lvl == ALERT_AMBER && v * d >= r->amber_clear * d && v * d < r->red * d)
						assert_int_equal(a.next.level, ALERT_AMBER);
					if (lvl == ALERT_RED && v * d >= r->red_clear * d)
						assert_int_equal(a.next.level, ALERT_RED);
					if (lvl == ALERT_NORMAL && v * d < r->amber * d)
						assert_int_equal(a.next.level, ALERT_NORMAL);
					/* the level is always the one alert_level_for gives */
					enum alert_level cur = lvl == ALERT_NODATA ? ALERT_NORMAL : (enum alert_level)lvl;
					assert_int_equal(a.next.level, alert_level_for(r, cur, v));
				}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crossing_up),
		cmocka_unit_test(crossing_straight_to_red),
		cmocka_unit_test(flapping_around_amber),
		cmocka_unit_test(flapping_around_red),
		cmocka_unit_test(flapping_below_level_never_fires),
		cmocka_unit_test(clear_below_clear_level),
		cmocka_unit_test(red_clears_in_steps),
		cmocka_unit_test(acknowledged_then_worsened),
		cmocka_unit_test(no_data),
		cmocka_unit_test(min_denominator),
		cmocka_unit_test(pending_period),
		cmocka_unit_test(lower_is_worse),
		cmocka_unit_test(disabled_rule_resolves),
		cmocka_unit_test(names),
		cmocka_unit_test(exhaustive_grid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
