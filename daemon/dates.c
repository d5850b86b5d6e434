/*
 * dates.c -- date parsing and calendar arithmetic (see dates.h).
 */
#include <stdio.h>
#include <string.h>

#include "dates.h"

static const char WHY_EMPTY[] = "the date is empty";
static const char WHY_FORMAT[] =
	"not a recognised date: write yyyy-mm-dd (2026-09-30) or dd/mm/yyyy (30/09/2026)";
static const char WHY_TWO_DIGIT[] =
	"two-digit year is ambiguous: write 2026-09-30 or 30/09/2026";
static const char WHY_US[] =
	"looks like a US month/day date (the second number is over 12); dates are read as "
	"day/month/year: write 30/09/2026 or 2026-09-30";
static const char WHY_MONTH[] =
	"the month must be 1 to 12 (dates are read as yyyy-mm-dd or dd/mm/yyyy)";
static const char WHY_DAY[] = "not a real calendar date: that month does not have that many days";
static const char WHY_LEAP[] = "not a real calendar date: 29 February only exists in leap years";
static const char WHY_YEAR[] = "the year must be between 1900 and 2100";
static const char WHY_SERIAL[] =
	"a plain number is read as an Excel date serial number, and this one is not between "
	"20000 (1954) and 73000 (2099); format the column as a date or write yyyy-mm-dd";
static const char WHY_MONTH_NAME[] =
	"not a recognised month name: use Jan, Feb, ... or January, February, ...";
static const char WHY_TIME[] = "the time after the date is not a valid hh:mm or hh:mm:ss";
static const char WHY_PARAM[] =
	"write the date as yyyy-mm-dd (2026-09-30) or dd/mm/yyyy (30/09/2026), without a time";

int date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && date_is_leap(y) ? 29 : dim[m - 1];
}

int date_valid(int y, int m, int d)
{
	return d >= 1 && d <= date_days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long date_to_days(int y, int m, int d)
{
	long yy = (long)y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int date_from_excel_serial(long serial, int *y, int *m, int *d)
{
	if (serial < 1 || serial == 60 || serial > 2958465L)   /* 2958465 = 9999-12-31 */
		return -1;
	/* Before the phantom 29 Feb 1900 day 0 is 1899-12-31; after it, 1899-12-30. */
	long base = serial < 60 ? date_to_days(1899, 12, 31) : date_to_days(1899, 12, 30);
	date_from_days(base + serial, y, m, d);
	return 0;
}

void date_format(int y, int m, int d, char out[11])
{
	/* Values are range-checked by callers; clamp so the output always fits. */
	if (y < 0 || y > 9999)
		y = 0;
	if (m < 0 || m > 99)
		m = 0;
	if (d < 0 || d > 99)
		d = 0;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

struct cursor {
	const char *s;
	size_t i, n;
};

static int at(const struct cursor *c)
{
	return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Read a run of digits (at most 9 kept); returns how many digits were read. */
static size_t digits(struct cursor *c, long *v)
{
	size_t k = 0;
	*v = 0;
	while (is_digit(at(c))) {
		if (k < 9)
			*v = *v * 10 + (at(c) - '0');
		k++;
		c->i++;
	}
	return k;
}

static int month_from_name(const char *s, size_t n)
{
	static const char *const names[12] = {
		"january", "february", "march", "april", "may", "june", "july",
		"august", "september", "october", "november", "december",
	};
	char low[16];
	if (n < 3 || n >= sizeof low)
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	low[n] = '\0';
	if (strcmp(low, "sept") == 0)
		return 9;
	for (int m = 0; m < 12; m++) {
		if ((n == 3 && strncmp(low, names[m], 3) == 0) || strcmp(low, names[m]) == 0)
			return m + 1;
	}
	return 0;
}

/* An optional time after the date: (' ' | 'T') hh:mm[:ss[.fff]].  0 or -1. */
static int skip_time(struct cursor *c)
{
	long h, mi, sec;
	if (at(c) < 0)
		return 0;
	if (at(c) != ' ' && at(c) != 'T')
		return -1;
	c->i++;
	size_t k = digits(c, &h);
	if (k < 1 || k > 2 || at(c) != ':')
		return -1;
	c->i++;
	if (digits(c, &mi) != 2)
		return -1;
	sec = 0;
	if (at(c) == ':') {
		c->i++;
		if (digits(c, &sec) != 2)
			return -1;
		if (at(c) == '.') {
			long frac;
			c->i++;
			if (digits(c, &frac) < 1)
				return -1;
		}
	}
	if (at(c) >= 0 || h > 23 || mi > 59 || sec > 59)
		return -1;
	return 0;
}

static int reject(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

static int finish(int y, int m, int d, char out[11], const char **why)
{
	if (m < 1 || m > 12)
		return reject(why, WHY_MONTH);
	if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR)
		return reject(why, WHY_YEAR);
	if (!date_valid(y, m, d))
		return reject(why, m == 2 && d == 29 ? WHY_LEAP : WHY_DAY);
	date_format(y, m, d, out);
	return 0;
}

int date_parse_n(const char *s, size_t len, char out[11], const char **why)
{
	struct cursor c;
	long a, b, yr;
	size_t ka, kb, ky;

	out[0] = '\0';
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
			   s[len - 1] == '\n'))
		len--;
	if (len == 0)
		return reject(why, WHY_EMPTY);
	c.s = s;
	c.i = 0;
	c.n = len;

	ka = digits(&c, &a);
	if (ka == 0)
		return reject(why, WHY_FORMAT);

	/* Excel serial: digits, optionally a fraction (the time of day). */
	if (at(&c) < 0 || (at(&c) == '.' && c.i + 1 < c.n && is_digit((unsigned char)s[c.i + 1]) &&
			   ka >= 5)) {
		if (at(&c) == '.') {
			long frac;
			c.i++;
			digits(&c, &frac);
			if (at(&c) >= 0)
				return reject(why, WHY_FORMAT);
		}
		if (ka > 5 || a < DATE_EXCEL_SERIAL_MIN || a > DATE_EXCEL_SERIAL_MAX)
			return reject(why, ka == 8 ? WHY_FORMAT : WHY_SERIAL);
		int y, m, d;
		if (date_from_excel_serial(a, &y, &m, &d) < 0)
			return reject(why, WHY_SERIAL);
		return finish(y, m, d, out, why);
	}

	int sep = at(&c);
	if (ka == 4 && (sep == '-' || sep == '/')) {          /* yyyy-mm-dd */
		c.i++;
		kb = digits(&c, &b);
		if (kb < 1 || kb > 2 || at(&c) != sep)
			return reject(why, WHY_FORMAT);
		c.i++;
		long dd;
		size_t kd = digits(&c, &dd);
		if (kd < 1 || kd > 2)
			return reject(why, WHY_FORMAT);
		if (skip_time(&c) < 0)
			return reject(why, WHY_TIME);
		return finish((int)a, (int)b, (int)dd, out, why);
	}
	if (ka > 2)
		return reject(why, WHY_FORMAT);

	if (sep == '/' || sep == '.' || sep == '-' || sep == ' ') {
		c.i++;
		if (sep == ' ')
			while (at(&c) == ' ')
				c.i++;
		int m;
		if (is_digit(at(&c))) {                        /* dd/mm/yyyy */
			if (sep == ' ')
				return reject(why, WHY_FORMAT);
			kb = digits(&c, &b);
			if (kb < 1 || kb > 2 || at(&c) != sep)
				return reject(why, WHY_FORMAT);
			c.i++;
			ky = digits(&c, &yr);
			if (ky == 0 || (at(&c) >= 0 && at(&c) != ' ' && at(&c) != 'T'))
				return reject(why, WHY_FORMAT);
			if (ky == 2)
				return reject(why, WHY_TWO_DIGIT);
			if (ky != 4)
				return reject(why, WHY_FORMAT);
			if (a >= 1 && a <= 12 && b > 12)
				return reject(why, WHY_US);
			m = (int)b;
		} else if (is_alpha(at(&c))) {                 /* 3 Sep 2026, 03-Sep-2026 */
			size_t start = c.i;
			while (is_alpha(at(&c)))
				c.i++;
			m = month_from_name(s + start, c.i - start);
			if (!m)
				return reject(why, WHY_MONTH_NAME);
			if (at(&c) == '.' && sep == ' ')       /* "3 Sept. 2026" */
				c.i++;
			if (at(&c) != sep)
				return reject(why, WHY_FORMAT);
			c.i++;
			if (sep == ' ')
				while (at(&c) == ' ')
					c.i++;
			ky = digits(&c, &yr);
			if (ky == 0 || (at(&c) >= 0 && at(&c) != ' ' && at(&c) != 'T'))
				return reject(why, WHY_FORMAT);
			if (ky == 2)
				return reject(why, WHY_TWO_DIGIT);
			if (ky != 4)
				return reject(why, WHY_FORMAT);
		} else {
			return reject(why, WHY_FORMAT);
		}
		if (skip_time(&c) < 0)
			return reject(why, WHY_TIME);
		return finish((int)yr, m, (int)a, out, why);
	}
	return reject(why, WHY_FORMAT);
}

int date_parse(const char *s, char out[11], const char **why)
{
	if (!s) {
		out[0] = '\0';
		return reject(why, WHY_EMPTY);
	}
	return date_parse_n(s, strlen(s), out, why);
}

int date_parse_param(const char *s, char out[11], const char **why)
{
	out[0] = '\0';
	if (!s)
		return reject(why, WHY_EMPTY);
	size_t n = strlen(s), digits_only = 1, any = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':' || (s[i] == 'T' && i > 0 && is_digit((unsigned char)s[i - 1])))
			return reject(why, WHY_PARAM);   /* a time of day */
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		any = 1;
		if (!is_digit((unsigned char)s[i]) && s[i] != '.')
			digits_only = 0;
	}
	if (any && digits_only)
		return reject(why, WHY_PARAM);
	return date_parse_n(s, n, out, why);
}
