/*
** csv_date.c -- dates as spreadsheets write them: parsing a cell in a
** declared day/month/year format into ISO 8601, and adding days
** (cairn_date_parse, cairn_date_add_days in csvimport.h).
*/
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "csv_int.h"

/* ================================================================= dates */

static int is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
** days_from_civil). */
static long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d) {
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

/* Write y-m-d as "YYYY-MM-DD" (11 bytes with the NUL); the caller has
** checked the ranges. */
static void iso_format(char out[11], int y, int m, int d) {
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

static const char *month_name(int m) {
  static const char *const names[12] = {
      "January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"};
  return names[m - 1];
}

/* Read between min and max digits at *s into *v; the count read, or 0. */
static int read_digits(const char **s, int min, int max, int *v) {
  int n = 0;
  *v = 0;
  while (n < max && **s >= '0' && **s <= '9') {
    *v = *v * 10 + (**s - '0');
    (*s)++;
    n++;
  }
  return n >= min ? n : 0;
}

int cairn_date_parse(const char *s, const char *format, char out[11],
                     cairn_error *err) {
  int y = 0, m = 0, d = 0, v;
  const char *p = s;
  if (!*s) return cairn_fail(err, CAIRN_EINVAL, NULL, "no date");
  for (const char *f = format; *f; f++) {
    if (*f == 'd' || *f == 'm') {
      if (!read_digits(&p, 1, 2, &v)) goto bad_form;
      if (*f == 'd') d = v; else m = v;
    } else if (*f == 'Y') {
      if (!read_digits(&p, 4, 4, &y) || (*p >= '0' && *p <= '9'))
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "'%.40s' is not a date written %s: the year must "
                          "have four digits", s, format);
    } else if (*p++ != *f) {
      goto bad_form;
    }
  }
  if (*p) goto bad_form;
  if (m < 1 || m > 12)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "'%.40s' is not a date written %s: there is no month %d",
                      s, format, m);
  if (y < CAIRN_DATE_YEAR_MIN || y > CAIRN_DATE_YEAR_MAX)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "'%.40s': the year must be between %d and %d", s,
                      CAIRN_DATE_YEAR_MIN, CAIRN_DATE_YEAR_MAX);
  if (d < 1 || d > month_days(y, m))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "'%.40s' is not a date: %s %d has %d days", s,
                      month_name(m), y, month_days(y, m));
  iso_format(out, y, m, d);
  return 0;
bad_form:
  return cairn_fail(err, CAIRN_EINVAL, NULL,
                    "'%.40s' is not a date written %s (d day, m month, Y "
                    "four-digit year)", s, format);
}

int cairn_date_add_days(const char *iso, long days, char out[11],
                        cairn_error *err) {
  char norm[11];
  int y, m, d, rc;
  if (strlen(iso) != 10 || (rc = cairn_date_parse(iso, "Y-m-d", norm, err)))
    return cairn_fail(err, CAIRN_EINVAL, NULL, "'%.40s' is not a date "
                      "written YYYY-MM-DD", iso);
  y = atoi(norm);
  m = atoi(norm + 5);
  d = atoi(norm + 8);
  if (days > 3650000L || days < -3650000L)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "an offset of %ld days is "
                      "out of range", days);
  civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
  if (y < CAIRN_DATE_YEAR_MIN || y > CAIRN_DATE_YEAR_MAX)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s plus %ld days leaves the years %d to %d", iso, days,
                      CAIRN_DATE_YEAR_MIN, CAIRN_DATE_YEAR_MAX);
  iso_format(out, y, m, d);
  return 0;
}

