/*
** rules.c -- calendar months and the loss-of-gains rule (rules.h).
*/
#include "rules.h"

#include <math.h>

/* Civil date of a day number (Howard Hinnant's days_from_civil inverse). */
static void civil_from_days(long z, long *y, int *m, int *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* Day number of a civil date. */
static long days_from_civil(long y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Days in month m of year y. */
static int month_days(long y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

long mt_add_months(long day, int months) {
  long y;
  int m, d;
  civil_from_days(day, &y, &m, &d);
  long idx = y * 12 + (m - 1) + months;
  long ny = idx >= 0 ? idx / 12 : (idx - 11) / 12;
  int nm = (int)(idx - ny * 12) + 1;
  int last = month_days(ny, nm);
  return days_from_civil(ny, nm, d > last ? last : d);
}

int mt_billing_periods(long start, long today, long end, long *out, int max) {
  int n = 0;
  for (int k = 0; n < max && k < MT_PERIODS_MAX; k++) {
    long p = mt_add_months(start, k);
    if (p > today || (end > 0 && p > end)) break;
    out[n++] = p;
  }
  return n;
}

long mt_period_end(long start, long day) {
  for (int k = 1; k <= MT_PERIODS_MAX * 10; k++) {
    long next = mt_add_months(start, k);
    if (next > day) return next - 1;
  }
  return day;
}

long mt_billing_limit(long end, long paused) {
  return end == 0 || paused - 1 < end ? paused - 1 : end;
}

long mt_resume_from(long from, long paused, long today) {
  if (paused > today) return from;
  long again = paused > from ? mt_period_end(from, paused - 1) + 1 : from;
  return again > today ? again : today;
}

long mt_next_renewal(long start, long today, int term_months) {
  if (term_months < 1) term_months = 12;
  for (int k = 1; k <= MT_PERIODS_MAX; k++) {
    long r = mt_add_months(start, k * term_months);
    if (r > today) return r;
  }
  return mt_add_months(start, MT_PERIODS_MAX * term_months);
}

int mt_improvement(double baseline, double now, double best, double *out) {
  if (baseline == best || isnan(baseline) || isnan(now)) return -1;
  *out = (baseline - now) / (baseline - best);
  return 0;
}

mt_loss mt_loss_of_gains(const mt_loss_rule *rule, int undefined,
                         double at_graduation, const double *imp, int n) {
  if (undefined || isnan(at_graduation) || at_graduation <= 0)
    return MT_LOSS_UNDEFINED;
  int run = 0;
  mt_loss verdict = MT_LOSS_NONE;
  for (int i = 0; i < n; i++) {
    if (imp[i] < rule->near_baseline) return MT_LOSS_NEAR_BASELINE;
    if (imp[i] < rule->share * at_graduation) {
      if (++run >= rule->in_a_row) verdict = MT_LOSS_BELOW_SHARE;
    } else {
      run = 0;
    }
  }
  return verdict;
}
