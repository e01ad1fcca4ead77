/*
** check_evidence.c -- unit tests of the evidence beside each checkpoint
** (plugins/program/evidence.c): the band an improvement falls in, with
** its boundaries, and the Wilson score interval.
**
**   bands    < 10%, 10-30%, 30-50%, >= 50%: a boundary belongs to the
**            band above it (10% is in 10-30%), a worsening is below 10%,
**            and an improvement computed a hair under a boundary from
**            exact scores (2.1 / 7 = 0.29999999999999999) is on it;
**   wilson   the published worked examples (Newcombe RG. Two-sided
**            confidence intervals for the single proportion: comparison
**            of seven methods. Stat Med 1998;17:857-872, table I, method
**            3, the Wilson score interval of Wilson EB, J Am Stat Assoc
**            1927;22:209-212): 81/263 -> 0.2553-0.3662, 15/148 ->
**            0.0624-0.1605, 0/20 -> 0-0.1611, 1/29 -> 0.0061-0.1718; and
**            0/10 -> 0-0.2775, 10/10 -> 0.7225-1, each also recomputed
**            here from the plain formula.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>

#include "program.h"
#include "mock_host.h"

/* The 95% normal quantile the plugin uses. */
#define Z95 1.959963984540054

START_TEST(the_band_boundaries_belong_to_the_band_above) {
  ck_assert_int_eq(program_evidence_band(-0.4), 0);
  ck_assert_int_eq(program_evidence_band(0.0), 0);
  ck_assert_int_eq(program_evidence_band(0.0999), 0);
  ck_assert_int_eq(program_evidence_band(0.1), 1);
  ck_assert_int_eq(program_evidence_band(0.2999), 1);
  ck_assert_int_eq(program_evidence_band(0.3), 2);
  ck_assert_int_eq(program_evidence_band(0.4999), 2);
  ck_assert_int_eq(program_evidence_band(0.5), 3);
  ck_assert_int_eq(program_evidence_band(1.0), 3);
  ck_assert_str_eq(program_evidence_band_code(1), "10-30");
  ck_assert_str_eq(program_evidence_band_label(3), "50% or more");
}
END_TEST

START_TEST(an_improvement_from_exact_scores_on_a_boundary_is_on_it) {
  double imp;
  /* NRS 7 -> 4.9: (7 - 4.9) / 7 is 0.3 in exact arithmetic, a hair
  ** under it in double. */
  ck_assert_int_eq(instr_improvement(7, 4.9, 0, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_int_eq(program_evidence_band(imp), 2);
  /* 10 -> 9: exactly 10%. */
  ck_assert_int_eq(instr_improvement(10, 9, 0, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_int_eq(program_evidence_band(imp), 1);
  /* Higher is better (PSFS 2 -> 6 of best 10): exactly 50%. */
  ck_assert_int_eq(instr_improvement(2, 6, 10, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_int_eq(program_evidence_band(imp), 3);
}
END_TEST

/* The Wilson score interval, written out as in Newcombe 1998 (eq. 3). */
static void plain_wilson(double k, double n, double *lo, double *hi) {
  double p = k / n, z = Z95;
  double a = 2 * n * p + z * z;
  double b = z * sqrt(z * z + 4 * n * p * (1 - p));
  double c = 2 * (n + z * z);
  *lo = (a - b) / c;
  *hi = (a + b) / c;
}

static void check_wilson(long k, long n, double pub_lo, double pub_hi) {
  double lo, hi, plo, phi;
  program_wilson(k, n, Z95, &lo, &hi);
  plain_wilson((double)k, (double)n, &plo, &phi);
  /* The published figures have four decimals. */
  ck_assert_msg(fabs(lo - pub_lo) < 0.00005 && fabs(hi - pub_hi) < 0.00005,
                "%ld/%ld: %.5f-%.5f, published %.4f-%.4f", k, n, lo, hi,
                pub_lo, pub_hi);
  ck_assert_msg(fabs(lo - plo) < 1e-12 && fabs(hi - phi) < 1e-12,
                "%ld/%ld: %.12f-%.12f, plain formula %.12f-%.12f", k, n, lo,
                hi, plo, phi);
}

START_TEST(wilson_matches_the_published_worked_examples) {
  check_wilson(81, 263, 0.2553, 0.3662);
  check_wilson(15, 148, 0.0624, 0.1605);
  check_wilson(0, 20, 0.0, 0.1611);
  check_wilson(1, 29, 0.0061, 0.1718);
  check_wilson(0, 10, 0.0, 0.2775);
  check_wilson(10, 10, 0.7225, 1.0);
}
END_TEST

START_TEST(wilson_of_nothing_is_the_whole_range) {
  double lo, hi;
  program_wilson(0, 0, Z95, &lo, &hi);
  ck_assert(lo == 0 && hi == 1);
  program_wilson(0, 10, Z95, &lo, &hi);
  ck_assert(lo == 0);
  program_wilson(10, 10, Z95, &lo, &hi);
  ck_assert(hi == 1);
}
END_TEST

static Suite *evidence_suite(void) {
  Suite *s = suite_create("evidence");
  TCase *bands = tcase_create("bands");
  TCase *wilson = tcase_create("wilson");
  tcase_add_test(bands, the_band_boundaries_belong_to_the_band_above);
  tcase_add_test(bands,
                 an_improvement_from_exact_scores_on_a_boundary_is_on_it);
  tcase_add_test(wilson, wilson_matches_the_published_worked_examples);
  tcase_add_test(wilson, wilson_of_nothing_is_the_whole_range);
  suite_add_tcase(s, bands);
  suite_add_tcase(s, wilson);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(evidence_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
