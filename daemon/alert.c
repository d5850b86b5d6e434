/*
 * alert.c -- the alert state machine (see alert.h for the semantics).
 */
#include <math.h>
#include <string.h>

#include "alert.h"

void alert_state_init(struct alert_state *s)
{
	memset(s, 0, sizeof *s);
	s->level = ALERT_NORMAL;
	s->pending_level = ALERT_NORMAL;
	s->last_date = ALERT_NO_DATE;
}

enum alert_level alert_level_for(const struct alert_rule *rule, enum alert_level current, double value)
{
	/* mirror "lower is worse" so that every comparison reads "higher is worse" */
	double d = rule->direction == ALERT_LOWER_WORSE ? -1.0 : 1.0;
	double v = value * d;
	double amber = rule->amber * d, amber_clear = rule->amber_clear * d;
	double red = rule->red * d, red_clear = rule->red_clear * d;

	switch (current) {
	case ALERT_RED:
		if (v >= red_clear)
			return ALERT_RED;
		return v >= amber_clear ? ALERT_AMBER : ALERT_NORMAL;
	case ALERT_AMBER:
		if (v >= red)
			return ALERT_RED;
		return v >= amber_clear ? ALERT_AMBER : ALERT_NORMAL;
	default:
		if (v >= red)
			return ALERT_RED;
		return v >= amber ? ALERT_AMBER : ALERT_NORMAL;
	}
}

static int same_state(const struct alert_state *a, const struct alert_state *b)
{
	return a->level == b->level && a->acked == b->acked && a->pending_level == b->pending_level &&
	       a->pending_count == b->pending_count && a->last_date == b->last_date;
}

static void finish(const struct alert_state *prev, struct alert_result *out)
{
	out->from = prev->level;
	out->to = out->next.level;
	out->changed = !same_state(prev, &out->next);
}

void alert_step(const struct alert_state *prev, const struct alert_rule *rule,
		const struct alert_input *in, struct alert_result *out)
{
	memset(out, 0, sizeof *out);
	out->next = *prev;
	struct alert_state *n = &out->next;
	int active = prev->level == ALERT_AMBER || prev->level == ALERT_RED;

	int nodata = !in->has_value || isnan(in->value) || (rule->min_den > 0 && !(in->den >= rule->min_den));
	if (nodata && rule->enabled) {
		if (prev->level != ALERT_NODATA) {
			n->level = ALERT_NODATA;
			n->acked = 0;
			out->transition = ALERT_T_NODATA;
			out->notify = active && rule->notify_nodata;
		}
		n->pending_level = ALERT_NORMAL;
		n->pending_count = 0;
		finish(prev, out);
		return;
	}

	enum alert_level current = prev->level == ALERT_NODATA ? ALERT_NORMAL : prev->level;
	enum alert_level target = rule->enabled ? alert_level_for(rule, current, in->value) : ALERT_NORMAL;
	int pending = rule->pending < 1 ? 1 : rule->pending;

	if (target <= current) {
		n->pending_level = ALERT_NORMAL;
		n->pending_count = 0;
		if (target < current) {
			n->level = target;
			if (target == ALERT_NORMAL) {
				n->acked = 0;
				out->transition = ALERT_T_RESOLVE;
				out->notify = 1;
			} else {
				out->transition = ALERT_T_IMPROVE; /* acknowledgement kept */
			}
		} else if (prev->level == ALERT_NODATA) {
			n->level = ALERT_NORMAL;
			out->transition = ALERT_T_DATA;
		}
		if (rule->enabled)
			n->last_date = in->date;
		finish(prev, out);
		return;
	}

	/* escalation: watch it for `pending` distinct reference dates */
	if (prev->pending_level > current && prev->pending_count > 0) {
		if (in->date != prev->last_date)
			n->pending_count = prev->pending_count + 1;
		n->pending_level = prev->pending_level < target ? prev->pending_level : target;
	} else {
		n->pending_level = target;
		n->pending_count = 1;
	}
	n->last_date = in->date;
	if (n->pending_count >= pending) {
		n->level = n->pending_level;
		n->acked = 0;
		out->transition = current == ALERT_NORMAL ? ALERT_T_FIRE : ALERT_T_WORSEN;
		out->notify = 1;
		n->pending_level = ALERT_NORMAL;
		n->pending_count = 0;
	} else if (prev->level == ALERT_NODATA) {
		n->level = ALERT_NORMAL;
		out->transition = ALERT_T_DATA;
	}
	finish(prev, out);
}

int alert_ack(const struct alert_state *prev, struct alert_result *out)
{
	memset(out, 0, sizeof *out);
	out->next = *prev;
	out->from = out->to = prev->level;
	if (prev->level != ALERT_AMBER && prev->level != ALERT_RED)
		return -1;
	if (prev->acked)
		return 1;
	out->next.acked = 1;
	out->transition = ALERT_T_ACK;
	out->changed = 1;
	return 0;
}

const char *alert_level_name(enum alert_level l)
{
	switch (l) {
	case ALERT_AMBER: return "amber";
	case ALERT_RED: return "red";
	case ALERT_NODATA: return "no_data";
	default: return "normal";
	}
}

int alert_level_parse(const char *s, enum alert_level *out)
{
	static const enum alert_level all[] = { ALERT_NORMAL, ALERT_AMBER, ALERT_RED, ALERT_NODATA };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(s, alert_level_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	return -1;
}

const char *alert_transition_name(enum alert_transition t)
{
	switch (t) {
	case ALERT_T_FIRE: return "fire";
	case ALERT_T_WORSEN: return "worsen";
	case ALERT_T_IMPROVE: return "improve";
	case ALERT_T_RESOLVE: return "resolve";
	case ALERT_T_NODATA: return "no_data";
	case ALERT_T_DATA: return "data";
	case ALERT_T_ACK: return "ack";
	default: return "none";
	}
}
