/*
 * dates.c -- owns what counts as a date in uploads and query parameters:
 * ISO yyyy-mm-dd, UK dd/mm/yyyy, "3 Sep 2026" / "03-Sep-2026", and Excel
 * serial day numbers (1900 date system), normalised to "YYYY-MM-DD".
 * Ambiguous input (two-digit years, US month/day order) is rejected with a
 * reason, never guessed.  Pure: no I/O, no locale, no time zone.
 */
#ifndef STEADY_DATES_H
#define STEADY_DATES_H

#include <stddef.h>

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2100
/* Plain numbers are read as Excel serial day numbers only in this range
 * (1954-10-03 .. 2099-11-10), so a stray number is not taken for a date. */
#define DATE_EXCEL_SERIAL_MIN 20000L
#define DATE_EXCEL_SERIAL_MAX 73000L

/*
 * Parse a date written as (surrounding whitespace ignored):
 *   2026-09-30, 2026/09/30           ISO (year first)
 *   30/09/2026, 3/9/2026, 30-09-2026, 30.09.2026   UK day/month/year
 *   3 Sep 2026, 03-Sep-2026, 3 September 2026
 *   46295, 46295.25                   Excel serial day (fraction = time, ignored)
 * optionally followed by a time (" 00:00", "T09:30:00"), which is ignored.
 * On success writes "YYYY-MM-DD" and NUL into out and returns 0.  On
 * rejection returns -1 and sets *why (if why is not NULL) to a static sentence
 * a person can act on, e.g. "two-digit year is ambiguous: write 2026-09-30 or
 * 30/09/2026".
 */
int date_parse(const char *s, char out[11], const char **why);
/* The same for s[0..len), which need not be NUL-terminated. */
int date_parse_n(const char *s, size_t len, char out[11], const char **why);

/*
 * For query parameters such as `as_of` (docs/api.md: ISO or UK date): like
 * date_parse but a date written out -- never an Excel serial number and never
 * a time of day.  0 or -1 with *why set.
 */
int date_parse_param(const char *s, char out[11], const char **why);

int date_is_leap(int y);
int date_days_in_month(int y, int m);            /* 0 when m is not 1..12 */
int date_valid(int y, int m, int d);             /* 1 when a real calendar day */

/* Days since 1970-01-01 (proleptic Gregorian), and back. */
long date_to_days(int y, int m, int d);
void date_from_days(long days, int *y, int *m, int *d);

/*
 * Excel 1900 date system: serial 1 = 1900-01-01; 60 is Lotus 1-2-3's
 * non-existent 1900-02-29 and is refused; 61 = 1900-03-01.  Returns 0, or -1
 * for serial < 1, serial 60 or a year past 9999.  No range policy here.
 */
int date_from_excel_serial(long serial, int *y, int *m, int *d);

/* Writes "YYYY-MM-DD". */
void date_format(int y, int m, int d, char out[11]);

#endif
