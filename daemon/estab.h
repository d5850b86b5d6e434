/*
 * estab.c -- the establishment (funded FTE per team, with history): the
 * statements that set and list it, shared by the API and steadyctl so both
 * match teams, keep history and announce the change the same way.
 */
#ifndef STEADY_ESTAB_H
#define STEADY_ESTAB_H

/* $1 team code or name, $2 effective_from date, $3 fte, $4 who.  Returns
 * (code, fte) of the team, or no row when the team is unknown; NOTIFYs. */
extern const char ESTAB_SET_SQL[];

/* One row, one JSON column: {"establishment": [{team, fte, effective_from, set_by}]} */
extern const char ESTAB_LIST_SQL[];

#endif
