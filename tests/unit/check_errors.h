/*
 * check_errors.h -- for the cmocka tests of the extract parsers (roster,
 * allocations): asserts what one recorded problem says (check_errors.c).
 */
#ifndef STEADY_TEST_CHECK_ERRORS_H
#define STEADY_TEST_CHECK_ERRORS_H

#include <stddef.h>

#include "errlist.h"

/* Problem #i of errs is on row, in column (NULL: none), about value (NULL:
 * none), and its message contains msg; a cmocka failure otherwise. */
void check_error(const struct errlist *errs, size_t i, long row, const char *column,
		 const char *value, const char *msg);

#endif
