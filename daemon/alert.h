/*
 * alert.c -- the alert state machine, pure: one (figure, team) pair's state,
 * the rule that applies to it and the figure just computed go in; the next
 * state, what happened (the transition) and whether receivers are told come
 * out.  No I/O, no clock: "time" is the figures' reference date (as_of), so
 * evaluating the same figures twice (two daemons, a reconnect) is a no-op.
 *
 * Levels: NORMAL < AMBER < RED, plus NODATA (the figure is missing or its
 * denominator is under the rule's minimum), which is not an alert.
 *
 * Hysteresis (direction "higher is worse"; mirrored for "lower is worse"):
 *   - a level is entered when value >= level (amber or red);
 *   - a level is left only when value < its clear level (strictly below);
 *     between the clear level and the level the current level is kept.
 * Pending period: an escalation fires only once it has been seen on
 * `pending` distinct reference dates in a row (1 = at once, the default).
 * Re-evaluating the same reference date never counts twice.
 * Acknowledge lasts until the alert clears or worsens (amber -> red clears
 * the acknowledgement and notifies again); red -> amber keeps it.
 */
#ifndef STEADY_ALERT_H
#define STEADY_ALERT_H

enum alert_level { ALERT_NORMAL = 0, ALERT_AMBER = 1, ALERT_RED = 2, ALERT_NODATA = 3 };

enum alert_transition {
	ALERT_T_NONE = 0,    /* nothing visible changed (pending counters may have) */
	ALERT_T_FIRE,        /* normal (or no data) -> amber/red: a new alert */
	ALERT_T_WORSEN,      /* amber -> red: same alert, acknowledgement cleared */
	ALERT_T_IMPROVE,     /* red -> amber: same alert, still active */
	ALERT_T_RESOLVE,     /* amber/red -> normal: the alert is resolved */
	ALERT_T_NODATA,      /* any -> no data (an active alert is closed as "no data") */
	ALERT_T_DATA,        /* no data -> normal */
	ALERT_T_ACK,         /* acknowledged (alert_ack) */
};

enum alert_direction { ALERT_HIGHER_WORSE = 1, ALERT_LOWER_WORSE = -1 };

struct alert_rule {
	int enabled;
	enum alert_direction direction;
	double amber, amber_clear;  /* enter amber at `amber`, leave below `amber_clear` */
	double red, red_clear;
	double min_den;             /* den < min_den counts as no data (0 = none) */
	int pending;                /* distinct reference dates an escalation must hold (>= 1) */
	int notify_nodata;          /* tell receivers when an alert ends in "no data" (default 0) */
};

struct alert_state {
	enum alert_level level;
	int acked;                  /* the active alert is acknowledged */
	enum alert_level pending_level; /* escalation being watched (NORMAL = none) */
	int pending_count;          /* distinct dates it has held */
	int last_date;              /* reference date last counted (days), or ALERT_NO_DATE */
};

#define ALERT_NO_DATE (-2147483647 - 1)

struct alert_input {
	int has_value;              /* 0: missing */
	double value;
	double den;
	int date;                   /* reference date of the figures (days) */
};

struct alert_result {
	struct alert_state next;
	enum alert_transition transition;
	enum alert_level from, to;
	int notify;                 /* receivers are to be told */
	int changed;                /* next differs from the previous state (store it) */
};

void alert_state_init(struct alert_state *s);

/* One evaluation. */
void alert_step(const struct alert_state *prev, const struct alert_rule *rule,
		const struct alert_input *in, struct alert_result *out);

/* Acknowledge: 0 and ALERT_T_ACK when an unacknowledged alert is active,
 * 1 (nothing to do) when already acknowledged, -1 when no alert is active. */
int alert_ack(const struct alert_state *prev, struct alert_result *out);

/* The level a value is at, with hysteresis from `current` (NORMAL/AMBER/RED). */
enum alert_level alert_level_for(const struct alert_rule *rule, enum alert_level current, double value);

const char *alert_level_name(enum alert_level l);       /* "normal", "amber", "red", "no_data" */
const char *alert_transition_name(enum alert_transition t); /* "fire", "worsen", ... */
int alert_level_parse(const char *s, enum alert_level *out);

#endif
