/*
** date.c -- the civil calendar, once for the whole tree.  A date is a day
** number: whole days since 1970-01-01 in the proleptic Gregorian calendar,
** so the days between two dates is a subtraction and adding days is an
** addition.  Conversion uses Howard Hinnant's days_from_civil and
** civil_from_days ("chrono-Compatible Low-Level Date Algorithms", 2013),
** exact for every year we accept.  Behind the host table's date_* entries
** and the spreadsheet import.
*/
#include <assert.h>
#include <string.h>

#include "cairn_int.h"

/* 1 when y is a Gregorian leap year. */
static int is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1..12) of year y. */
int cairn_month_days(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};
  assert(m >= 1 && m <= 12);
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* The day number of y-m-d; the caller has checked the date is real. */
long cairn_days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The year, month (1..12) and day (1..31) of day number z. */
void cairn_civil_from_days(long z, int *y, int *m, int *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Write y-m-d as "YYYY-MM-DD" (11 bytes with the NUL); years 0..9999. */
void cairn_date_iso(char out[11], int y, int m, int d) {
  assert(y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + d / 10);
  out[9] = (char)('0' + d % 10);
  out[10] = 0;
}

/* The value of the n ASCII digits at s, or -1 when one is not a digit. */
static int digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/*
** Parse exactly "YYYY-MM-DD", a real date in years CAIRN_DAY_YEAR_MIN ..
** CAIRN_DAY_YEAR_MAX, into *days.  0, or CAIRN_EINVAL ("2026-02-30",
** "2026-2-3", "1899-12-31", trailing text).  NULL s is CAIRN_EINVAL.
*/
int cairn_day_parse(const char *s, long *days) {
  if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return CAIRN_EINVAL;
  int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
  if (y < CAIRN_DAY_YEAR_MIN || y > CAIRN_DAY_YEAR_MAX || m < 1 || m > 12 ||
      d < 1 || d > cairn_month_days(y, m))
    return CAIRN_EINVAL;
  *days = cairn_days_from_civil(y, m, d);
  return 0;
}

/* "YYYY-MM-DD" of day number `days` into out; a day outside years 0..9999
** (only reachable by adding absurd offsets) writes "0000-01-01". */
void cairn_day_format(char out[11], long days) {
  int y, m, d;
  if (days < CAIRN_DAY_MIN_ANY || days > CAIRN_DAY_MAX_ANY) {
    cairn_date_iso(out, 0, 1, 1);
    return;
  }
  cairn_civil_from_days(days, &y, &m, &d);
  cairn_date_iso(out, y, m, d);
}

/* ISO weekday of a day number: 1 Monday .. 7 Sunday (1970-01-01 was a
** Thursday, 4). */
int cairn_day_weekday(long days) {
  long r = (days + 3) % 7;          /* 0 Monday .. 6 Sunday */
  if (r < 0) r += 7;
  return (int)r + 1;
}

/* The Monday of the ISO week holding `days`. */
long cairn_day_week_start(long days) {
  return days - (cairn_day_weekday(days) - 1);
}
