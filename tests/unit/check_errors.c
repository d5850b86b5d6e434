/* check_errors.c -- see check_errors.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "check_errors.h"

void check_error(const struct errlist *errs, size_t i, long row, const char *column,
		 const char *value, const char *msg)
{
	if (i >= errs->n)
		fail_msg("expected error #%zu (row %ld) but there are only %zu", i, row, errs->n);
	const struct load_error *e = &errs->v[i];
	if (e->row != row)
		fail_msg("error #%zu: row %ld, expected %ld (%s)", i, e->row, row, e->message);
	if (column) {
		if (!e->column || strcmp(e->column, column) != 0)
			fail_msg("error #%zu: column %s, expected %s (%s)", i,
				 e->column ? e->column : "(none)", column, e->message);
	} else {
		assert_null(e->column);
	}
	if (value)
		assert_non_null(e->value), assert_string_equal(e->value, value);
	else
		assert_null(e->value);
	if (!strstr(e->message, msg))
		fail_msg("error #%zu message \"%s\" lacks \"%s\"", i, e->message, msg);
}

