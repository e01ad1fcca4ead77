/*
** doses.c -- how many times a day a prescription is taken, and the doses
** a week of it prescribes.  One place for both, so that the patient's
** page, the staff adherence form, the sections' figures and the printed
** instructions count the same doses.
*/
#include "herbal.h"

#include <stdlib.h>
#include <string.h>

/* Days in a week of adherence. */
#define WEEK_DAYS 7

int herbal_doses_per_day(const cairn_record *rx) {
  const char *v = cairn_record_value(rx, "r:dosesPerDay");
  if (!v[0]) return HERBAL_DOSES_PER_DAY_DEFAULT;
  char *end = NULL;
  long n = strtol(v, &end, 10);
  /* The schema holds every stored value to 1-4; anything else would be a
  ** store that bypassed it, and is read as the default rather than used
  ** to multiply. */
  if (*end || n < HERBAL_DOSES_PER_DAY_MIN || n > HERBAL_DOSES_PER_DAY_MAX)
    return HERBAL_DOSES_PER_DAY_DEFAULT;
  return (int)n;
}

const char *herbal_times_a_day(cairn_req *req, int n) {
  if (n == 1) return "once a day";
  if (n == 2) return "twice a day";
  return cairn_req_printf(req, "%d times a day", n);
}

int herbal_week_doses(const cairn_record *rx, long week) {
  long start = 0;
  if (cairn_date_parse(cairn_record_value(rx, "r:startDate"), &start)) return 0;
  long end = start + strtol(cairn_record_value(rx, "r:days"), NULL, 10);
  long from = week > start ? week : start;
  long to = week + WEEK_DAYS < end ? week + WEEK_DAYS : end;
  return to > from ? (int)(to - from) * herbal_doses_per_day(rx) : 0;
}
