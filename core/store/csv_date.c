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

/* The calendar itself is core/lib/date.c's; here only the spreadsheet's
** own date formats. */

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
  if (d < 1 || d > cairn_month_days(y, m))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "'%.40s' is not a date: %s %d has %d days", s,
                      month_name(m), y, cairn_month_days(y, m));
  cairn_date_iso(out, y, m, d);
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
  cairn_civil_from_days(cairn_days_from_civil(y, m, d) + days, &y, &m, &d);
  if (y < CAIRN_DATE_YEAR_MIN || y > CAIRN_DATE_YEAR_MAX)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s plus %ld days leaves the years %d to %d", iso, days,
                      CAIRN_DATE_YEAR_MIN, CAIRN_DATE_YEAR_MAX);
  cairn_date_iso(out, y, m, d);
  return 0;
}

