/*
** check_maintenance.c -- the maintenance plugin's pure rules
** (plugins/maintenance/rules.c): calendar months for billing and renewal,
** improvement from baseline, and the loss-of-gains rule at each edge.
** Day numbers are days since 1970-01-01, worked out independently
** (Python's datetime) and written here as numbers.
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "rules.h"

enum {
  D2024_01_31 = 19753, D2024_02_29 = 19782, D2025_01_31 = 20119,
  D2025_02_28 = 20147, D2026_01_15 = 20468, D2026_02_15 = 20499,
  D2026_03_15 = 20527, D2026_04_15 = 20558, D2026_03_20 = 20532,
  D2026_04_14 = 20557, D2027_01_15 = 20833, D2026_12_31 = 20818,
  D2027_01_31 = 20849, D2027_02_28 = 20877
};

START_TEST(months_clamp_to_the_last_day) {
  ck_assert_int_eq(mt_add_months(D2024_01_31, 1), D2024_02_29);
  ck_assert_int_eq(mt_add_months(D2025_01_31, 1), D2025_02_28);
  ck_assert_int_eq(mt_add_months(D2026_12_31, 1), D2027_01_31);
  ck_assert_int_eq(mt_add_months(D2027_01_31, 1), D2027_02_28);
  ck_assert_int_eq(mt_add_months(D2026_01_15, 12), D2027_01_15);
  ck_assert_int_eq(mt_add_months(D2026_02_15, -1), D2026_01_15);
}
END_TEST

START_TEST(billing_one_period_a_month_from_the_start) {
  long p[MT_PERIODS_MAX];
  /* Started 15 January, today 20 March: January, February, March. */
  int n = mt_billing_periods(D2026_01_15, D2026_03_20, 0, p, MT_PERIODS_MAX);
  ck_assert_int_eq(n, 3);
  ck_assert_int_eq(p[0], D2026_01_15);
  ck_assert_int_eq(p[1], D2026_02_15);
  ck_assert_int_eq(p[2], D2026_03_15);
  /* The day before a period begins it is not due; on its day it is. */
  ck_assert_int_eq(mt_billing_periods(D2026_01_15, D2026_02_15 - 1, 0, p, 10), 1);
  ck_assert_int_eq(mt_billing_periods(D2026_01_15, D2026_02_15, 0, p, 10), 2);
  /* A plan that has not started owes nothing. */
  ck_assert_int_eq(mt_billing_periods(D2026_02_15, D2026_01_15, 0, p, 10), 0);
}
END_TEST

START_TEST(cancelled_month_runs_out_and_no_later_one_begins) {
  long p[MT_PERIODS_MAX];
  /* Cancelled on 20 March: the March period ends 14 April. */
  long end = mt_period_end(D2026_01_15, D2026_03_20);
  ck_assert_int_eq(end, D2026_04_14);
  /* Today in May: still only three periods. */
  ck_assert_int_eq(mt_billing_periods(D2026_01_15, D2026_04_15 + 30, end, p, 10), 3);
  /* The cap is honoured. */
  ck_assert_int_eq(mt_billing_periods(D2026_01_15, D2026_03_20, 0, p, 2), 2);
}
END_TEST

START_TEST(paused_no_month_begun_in_the_pause_is_billed) {
  long p[MT_PERIODS_MAX];
  /* Paused from 20 March: January, February and March (begun before the
  ** pause) are billed; April and May, begun while paused, are not. */
  long limit = mt_billing_limit(0, D2026_03_20);
  ck_assert_int_eq(mt_billing_periods(D2026_01_15, D2026_04_15 + 30, limit, p, 10), 3);
  /* Paused on the day a month begins: that month is not billed. */
  limit = mt_billing_limit(0, D2026_03_15);
  ck_assert_int_eq(mt_billing_periods(D2026_01_15, D2026_04_15, limit, p, 10), 2);
  /* Cancelled before the pause: the earlier end holds. */
  ck_assert_int_eq(mt_billing_limit(D2026_02_15, D2026_03_20), D2026_02_15);
}
END_TEST

START_TEST(resumed_months_begin_where_the_paid_one_ran_out_or_today) {
  /* Paused 20 March, resumed 1 April: March's month runs to 14 April, so
  ** the months begin again on 15 April. */
  ck_assert_int_eq(mt_resume_from(D2026_01_15, D2026_03_20, D2026_03_20 + 12), D2026_04_15);
  /* Resumed in May: from that day. */
  ck_assert_int_eq(mt_resume_from(D2026_01_15, D2026_03_20, D2026_04_15 + 30), D2026_04_15 + 30);
  /* A pause that has not begun is withdrawn: the months are unchanged. */
  ck_assert_int_eq(mt_resume_from(D2026_01_15, D2026_04_15, D2026_03_20), D2026_01_15);
  /* Paused on the first day: nothing was paid; from today. */
  ck_assert_int_eq(mt_resume_from(D2026_01_15, D2026_01_15, D2026_03_20), D2026_03_20);
}
END_TEST

START_TEST(renewal_is_the_next_term_after_today) {
  ck_assert_int_eq(mt_next_renewal(D2026_01_15, D2026_03_20, 12), D2027_01_15);
  ck_assert_int_eq(mt_next_renewal(D2026_01_15, D2026_01_15, 3), D2026_04_15);
  ck_assert_int_eq(mt_next_renewal(D2026_01_15, D2026_04_15, 3),
                   mt_add_months(D2026_01_15, 6));
}
END_TEST

START_TEST(improvement_toward_best_and_undefined_at_best) {
  double imp;
  ck_assert_int_eq(mt_improvement(7, 3.5, 0, &imp), 0);
  ck_assert_double_eq_tol(imp, 0.5, 1e-12);
  /* Higher is better (PSFS): 2 -> 8 toward 10 is 75%. */
  ck_assert_int_eq(mt_improvement(2, 8, 10, &imp), 0);
  ck_assert_double_eq_tol(imp, 0.75, 1e-12);
  ck_assert_int_eq(mt_improvement(0, 3, 0, &imp), -1);
}
END_TEST

static const mt_loss_rule rule = {.share = 0.5, .in_a_row = 2,
                                  .near_baseline = 0.3};

START_TEST(one_bad_checkin_is_nothing) {
  /* Graduated at 80%; half is 40%.  One check-in at 35%: nothing. */
  double imp[] = {0.70, 0.35};
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, 0.8, imp, 2), MT_LOSS_NONE);
  /* Two bad ones with a good one between: still nothing. */
  double apart[] = {0.35, 0.60, 0.35};
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, 0.8, apart, 3), MT_LOSS_NONE);
}
END_TEST

START_TEST(two_bad_checkins_in_a_row_are_flagged) {
  double imp[] = {0.70, 0.35, 0.39};
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, 0.8, imp, 3),
                   MT_LOSS_BELOW_SHARE);
  /* Exactly half is not below it. */
  double edge[] = {0.40, 0.40};
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, 0.8, edge, 2), MT_LOSS_NONE);
}
END_TEST

START_TEST(near_the_baseline_once_is_flagged) {
  double imp[] = {0.29};
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, 0.8, imp, 1),
                   MT_LOSS_NEAR_BASELINE);
  double edge[] = {0.30};
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, 0.5, edge, 1), MT_LOSS_NONE);
}
END_TEST

START_TEST(undefined_baseline_is_said) {
  double imp[] = {0.1, 0.1};
  ck_assert_int_eq(mt_loss_of_gains(&rule, 1, 0.8, imp, 2), MT_LOSS_UNDEFINED);
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, NAN, imp, 2), MT_LOSS_UNDEFINED);
  ck_assert_int_eq(mt_loss_of_gains(&rule, 0, 0.8, imp, 0), MT_LOSS_NONE);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("maintenance");
  TCase *dates = tcase_create("dates");
  tcase_add_test(dates, months_clamp_to_the_last_day);
  tcase_add_test(dates, billing_one_period_a_month_from_the_start);
  tcase_add_test(dates, cancelled_month_runs_out_and_no_later_one_begins);
  tcase_add_test(dates, renewal_is_the_next_term_after_today);
  tcase_add_test(dates, paused_no_month_begun_in_the_pause_is_billed);
  tcase_add_test(dates, resumed_months_begin_where_the_paid_one_ran_out_or_today);
  suite_add_tcase(s, dates);
  TCase *loss = tcase_create("loss-of-gains");
  tcase_add_test(loss, improvement_toward_best_and_undefined_at_best);
  tcase_add_test(loss, one_bad_checkin_is_nothing);
  tcase_add_test(loss, two_bad_checkins_in_a_row_are_flagged);
  tcase_add_test(loss, near_the_baseline_once_is_flagged);
  tcase_add_test(loss, undefined_baseline_is_said);
  suite_add_tcase(s, loss);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
