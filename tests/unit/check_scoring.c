/*
** check_scoring.c -- unit tests of plugins/program/instruments.c, the pure
** scoring of outcome measures.  Links instruments.c alone (no host, no
** libxml2): the definitions below are built in C, mirroring
** data/instruments.xml, plus ODI and NDI to prove the other methods.
**
** The "shipped-instruments" suite loads data/instruments.xml itself (with
** instruments_load.c, through the mock host table's xml_load, which
** validates as the host does) and checks the worked examples against
** the definitions a clinic runs: PEG 6,7,4 -> 5.7; ODI 16/50 -> 32 and
** 16/45 -> 35.6 with one section missing, two missing refused; NDI sum x 2;
** PSFS v1 and v2.0 pointing opposite ways; PGIC's improved end.
**
** Built by Makefile.am with tests/unit/mock_host.c and libcairncore.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments.h"
#include "mock_host.h"

/* instruments_load.c calls the host through this table. */
CAIRN_PLUGIN_INIT1

static instr_def nrs, peg, headache, odi, ndi, psfs;

static void add_item(instr_def *d, const char *id, double min, double max,
                     double step) {
  instr_item *it = &d->items[d->n_items++];
  strcpy(it->id, id);
  it->label = id;
  it->min = min;
  it->max = max;
  it->step = step;
}

static void define(instr_def *d, const char *id, instr_method m,
                   instr_direction dir, double best, double worst,
                   int max_missing, int decimals) {
  memset(d, 0, sizeof *d);
  strcpy(d->id, id);
  d->name = d->abbreviation = d->source = id;
  d->method = m;
  d->direction = dir;
  d->best = best;
  d->worst = worst;
  d->max_missing = max_missing;
  d->decimals = decimals;
}

static void setup(void) {
  define(&nrs, "nrs", INSTR_VALUE, INSTR_LOWER_IS_BETTER, 0, 10, 0, 0);
  add_item(&nrs, "pain", 0, 10, 1);

  define(&peg, "peg", INSTR_MEAN, INSTR_LOWER_IS_BETTER, 0, 10, 0, 1);
  add_item(&peg, "pain", 0, 10, 1);
  add_item(&peg, "enjoyment", 0, 10, 1);
  add_item(&peg, "activity", 0, 10, 1);

  define(&headache, "headache", INSTR_VALUE, INSTR_LOWER_IS_BETTER, 0, 140,
         0, 5);
  add_item(&headache, "score", 0, 140, 0);

  define(&odi, "odi", INSTR_SUM_PERCENT, INSTR_LOWER_IS_BETTER, 0, 100, 1, 1);
  define(&ndi, "ndi", INSTR_SUM_TIMES, INSTR_LOWER_IS_BETTER, 0, 100, 1, 1);
  ndi.factor = 2;
  for (int i = 0; i < 10; i++) {
    char id[8];
    snprintf(id, sizeof id, "s%d", i + 1);
    add_item(&odi, id, 0, 5, 1);
    add_item(&ndi, id, 0, 5, 1);
  }

  define(&psfs, "psfs", INSTR_MEAN, INSTR_HIGHER_IS_BETTER, 10, 0, 2, 1);
  add_item(&psfs, "a1", 0, 10, 1);
  add_item(&psfs, "a2", 0, 10, 1);
  add_item(&psfs, "a3", 0, 10, 1);
}

/* Fill answers from values; NAN marks an unanswered item. */
static instr_answers answers(size_t n, const double *v) {
  instr_answers a;
  memset(&a, 0, sizeof a);
  for (size_t i = 0; i < n; i++) {
    if (!isnan(v[i])) {
      a.value[i] = v[i];
      a.given[i] = 1;
    }
  }
  return a;
}

START_TEST(test_definitions_mirroring_the_shipped_file_are_consistent) {
  char msg[200];
  ck_assert_int_eq(instr_def_check(&nrs, msg, sizeof msg), INSTR_OK);
  ck_assert_int_eq(instr_def_check(&peg, msg, sizeof msg), INSTR_OK);
  ck_assert_int_eq(instr_def_check(&headache, msg, sizeof msg), INSTR_OK);
  ck_assert_int_eq(instr_def_check(&odi, msg, sizeof msg), INSTR_OK);
  ck_assert_int_eq(instr_def_check(&ndi, msg, sizeof msg), INSTR_OK);
  ck_assert_int_eq(instr_def_check(&psfs, msg, sizeof msg), INSTR_OK);
}
END_TEST

START_TEST(test_peg_6_7_4_scores_5_7) {
  double v[] = {6, 7, 4}, s = -1;
  instr_answers a = answers(3, v);
  char buf[32];
  ck_assert_int_eq(instr_score(&peg, &a, &s, NULL), INSTR_OK);
  ck_assert_double_eq_tol(s, 5.7, 1e-12);
  instr_format_score(&peg, s, buf, sizeof buf);
  ck_assert_str_eq(buf, "5.7");
}
END_TEST

START_TEST(test_nrs_scores_the_answer_itself) {
  double v[] = {7}, s = -1;
  instr_answers a = answers(1, v);
  char buf[32];
  ck_assert_int_eq(instr_score(&nrs, &a, &s, NULL), INSTR_OK);
  ck_assert_double_eq(s, 7.0);
  instr_format_score(&nrs, s, buf, sizeof buf);
  ck_assert_str_eq(buf, "7");
}
END_TEST

START_TEST(test_headache_keeps_five_decimals_of_trial_data) {
  double v[] = {15.33333}, s = -1;
  instr_answers a = answers(1, v);
  char buf[32];
  ck_assert_int_eq(instr_score(&headache, &a, &s, NULL), INSTR_OK);
  instr_format_score(&headache, s, buf, sizeof buf);
  ck_assert_str_eq(buf, "15.33333");
}
END_TEST

START_TEST(test_improvement_lower_is_better_is_the_percent_drop) {
  double imp = -99;
  /* NRS 8 -> 4: half the way to 0. */
  ck_assert_int_eq(instr_improvement(8, 4, nrs.best, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_double_eq_tol(imp, 0.5, 1e-12);
  /* Trial: headache 10.75 -> 5.375 is exactly the 50% benchmark. */
  ck_assert_int_eq(instr_improvement(10.75, 5.375, 0, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert(imp >= INSTR_BENCHMARK);
  ck_assert_double_eq_tol(instr_benchmark_target(10.75, 0), 5.375, 1e-12);
}
END_TEST

START_TEST(test_improvement_higher_is_better_is_the_share_of_possible_gain) {
  double imp = -99;
  /* PSFS-like, best 10: 4 -> 7 gains 3 of the 6 possible points. */
  ck_assert_int_eq(instr_improvement(4, 7, psfs.best, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_double_eq_tol(imp, 0.5, 1e-12);
  ck_assert_double_eq_tol(instr_benchmark_target(4, 10), 7.0, 1e-12);
  /* Falling from 4 to 2 is a worsening: negative. */
  ck_assert_int_eq(instr_improvement(4, 2, psfs.best, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_double_eq_tol(imp, -1.0 / 3.0, 1e-12);
}
END_TEST

START_TEST(test_improvement_worsening_is_negative_and_full_recovery_is_one) {
  double imp = -99;
  ck_assert_int_eq(instr_improvement(5, 7.5, 0, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_double_eq_tol(imp, -0.5, 1e-12);
  ck_assert_int_eq(instr_improvement(5, 0, 0, &imp),
                   INSTR_IMPROVEMENT_DEFINED);
  ck_assert_double_eq_tol(imp, 1.0, 1e-12);
}
END_TEST

START_TEST(test_improvement_undefined_when_baseline_is_already_best) {
  double imp = -99;
  ck_assert_int_eq(instr_improvement(0, 0, 0, &imp),
                   INSTR_IMPROVEMENT_UNDEFINED);
  ck_assert_int_eq(instr_improvement(0, 3, 0, &imp),
                   INSTR_IMPROVEMENT_UNDEFINED);
  ck_assert_int_eq(instr_improvement(10, 8, 10, &imp),
                   INSTR_IMPROVEMENT_UNDEFINED);
  ck_assert_double_eq(imp, -99);   /* untouched */
}
END_TEST

START_TEST(test_missing_item_refused_when_instrument_allows_none) {
  double v[] = {6, NAN, 4}, s = -1;
  instr_answers a = answers(3, v);
  instr_fault f;
  ck_assert_int_eq(instr_score(&peg, &a, &s, &f), INSTR_EMISSING);
  ck_assert_int_eq(f.item, 1);       /* names the unanswered item */
  ck_assert_ptr_nonnull(strstr(f.message, "every item"));
  ck_assert_double_eq(s, -1);
}
END_TEST

START_TEST(test_nothing_answered_is_refused) {
  double v[] = {NAN}, s = -1;
  instr_answers a = answers(1, v);
  instr_fault f;
  ck_assert_int_eq(instr_score(&nrs, &a, &s, &f), INSTR_EMISSING);
  ck_assert_int_eq(f.item, 0);
}
END_TEST

START_TEST(test_odi_full_16_of_50_scores_32) {
  double v[] = {2, 2, 2, 2, 2, 2, 1, 1, 1, 1}, s = -1;
  instr_answers a = answers(10, v);
  ck_assert_int_eq(instr_score(&odi, &a, &s, NULL), INSTR_OK);
  ck_assert_double_eq_tol(s, 32.0, 1e-12);
}
END_TEST

START_TEST(test_odi_one_missing_16_of_45_scores_35_6) {
  double v[] = {2, 2, 2, 2, 2, 2, 2, 1, 1, NAN}, s = -1;
  instr_answers a = answers(10, v);
  ck_assert_int_eq(instr_score(&odi, &a, &s, NULL), INSTR_OK);
  ck_assert_double_eq_tol(s, 35.6, 1e-12);
}
END_TEST

START_TEST(test_odi_two_missing_refused) {
  double v[] = {2, 2, 2, 2, 2, 2, 2, 2, NAN, NAN}, s = -1;
  instr_answers a = answers(10, v);
  instr_fault f;
  ck_assert_int_eq(instr_score(&odi, &a, &s, &f), INSTR_EMISSING);
  ck_assert_int_eq(f.item, 8);
}
END_TEST

START_TEST(test_ndi_sum_times_two_and_prorated_when_one_missing) {
  double full[] = {2, 2, 2, 2, 2, 2, 1, 1, 1, 1};
  double part[] = {2, 2, 2, 2, 2, 2, 2, 2, 2, NAN};
  double s = -1;
  instr_answers a = answers(10, full);
  ck_assert_int_eq(instr_score(&ndi, &a, &s, NULL), INSTR_OK);
  ck_assert_double_eq_tol(s, 32.0, 1e-12);
  /* 18 of 45: the ODI rule, 18 x 2 x 10/9 = 40. */
  a = answers(10, part);
  ck_assert_int_eq(instr_score(&ndi, &a, &s, NULL), INSTR_OK);
  ck_assert_double_eq_tol(s, 40.0, 1e-12);
}
END_TEST

START_TEST(test_rounding_halves_away_from_zero_despite_binary_error) {
  ck_assert_double_eq_tol(instr_round(5.65, 1), 5.7, 1e-12);
  ck_assert_double_eq_tol(instr_round(2.675, 2), 2.68, 1e-12);
  ck_assert_double_eq_tol(instr_round(0.5, 0), 1.0, 1e-12);
  ck_assert_double_eq_tol(instr_round(-2.5, 0), -3.0, 1e-12);
  ck_assert_double_eq_tol(instr_round(5.64999, 1), 5.6, 1e-12);
  ck_assert_double_eq_tol(instr_round(17.0 / 3.0, 1), 5.7, 1e-12);
  ck_assert_double_eq_tol(instr_round(16.0 / 3.0, 1), 5.3, 1e-12);
  /* No negative zero: it would print as "-0.0". */
  ck_assert(!signbit(instr_round(-0.04, 1)));
}
END_TEST

START_TEST(test_peg_mean_is_rounded_to_one_decimal) {
  double v[] = {1, 2, 2}, s = -1;       /* 1.666... */
  instr_answers a = answers(3, v);
  char buf[32];
  ck_assert_int_eq(instr_score(&peg, &a, &s, NULL), INSTR_OK);
  ck_assert_double_eq_tol(s, 1.7, 1e-12);
  instr_format_score(&peg, 0, buf, sizeof buf);
  ck_assert_str_eq(buf, "0");
  instr_format_score(&peg, 5.04, buf, sizeof buf);
  ck_assert_str_eq(buf, "5");
  instr_format_score(&headache, 10.75, buf, sizeof buf);
  ck_assert_str_eq(buf, "10.75");
  instr_format_score(&nrs, 10, buf, sizeof buf);
  ck_assert_str_eq(buf, "10");
}
END_TEST

START_TEST(test_out_of_range_answer_refused_and_named) {
  double hi[] = {6, 11, 4}, lo[] = {-1, 7, 4}, s = -1;
  instr_answers a = answers(3, hi);
  instr_fault f;
  ck_assert_int_eq(instr_score(&peg, &a, &s, &f), INSTR_ERANGE);
  ck_assert_int_eq(f.item, 1);
  ck_assert_ptr_nonnull(strstr(f.message, "11"));
  ck_assert_ptr_nonnull(strstr(f.message, "0 to 10"));
  a = answers(3, lo);
  ck_assert_int_eq(instr_score(&peg, &a, &s, &f), INSTR_ERANGE);
  ck_assert_int_eq(f.item, 0);
  /* The headache score's validation bound. */
  double typo[] = {1075};
  a = answers(1, typo);
  ck_assert_int_eq(instr_score(&headache, &a, &s, &f), INSTR_ERANGE);
  ck_assert_double_eq(s, -1);
}
END_TEST

START_TEST(test_answer_between_steps_refused) {
  double v[] = {6.5}, s = -1;
  instr_answers a = answers(1, v);
  instr_fault f;
  ck_assert_int_eq(instr_score(&nrs, &a, &s, &f), INSTR_ESTEP);
  ck_assert_ptr_nonnull(strstr(f.message, "whole number"));
  /* Bounds themselves are on the scale. */
  double ends[] = {0};
  a = answers(1, ends);
  ck_assert_int_eq(instr_score(&nrs, &a, &s, &f), INSTR_OK);
  ends[0] = 10;
  a = answers(1, ends);
  ck_assert_int_eq(instr_score(&nrs, &a, &s, &f), INSTR_OK);
}
END_TEST

START_TEST(test_parse_number_accepts_plain_decimals_only) {
  double v = -1;
  ck_assert_int_eq(instr_parse_number("6", &v), INSTR_OK);
  ck_assert_double_eq(v, 6);
  ck_assert_int_eq(instr_parse_number(" 10.75 ", &v), INSTR_OK);
  ck_assert_double_eq(v, 10.75);
  ck_assert_int_eq(instr_parse_number("-0.5", &v), INSTR_OK);
  ck_assert_double_eq(v, -0.5);
  ck_assert_int_eq(instr_parse_number(".5", &v), INSTR_OK);
  ck_assert_int_eq(instr_parse_number("15.333333", &v), INSTR_OK);
  const char *bad[] = {"", " ", ".", "-", "1e3", "nan", "inf", "0x10",
                       "6,5", "6 7", "six", "1..2", "--1",
                       "1234567890123456", "1.1234567", NULL};
  for (int i = 0; bad[i]; i++) {
    ck_assert_msg(instr_parse_number(bad[i], &v) == INSTR_ENOTNUM,
                  "accepted \"%s\"", bad[i]);
  }
  ck_assert_int_eq(instr_parse_number(NULL, &v), INSTR_ENOTNUM);
}
END_TEST

START_TEST(test_inconsistent_definitions_refused) {
  char msg[200];
  instr_def d = peg;
  d.method = INSTR_VALUE;                 /* value with 3 items */
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
  d = nrs;
  d.best = d.worst = 10;                  /* nothing to improve toward */
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
  d = nrs;
  d.direction = INSTR_HIGHER_IS_BETTER;   /* best 0 < worst 10 */
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
  ck_assert_ptr_nonnull(strstr(msg, "direction"));
  d = ndi;
  d.factor = 0;
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
  d = peg;
  d.max_missing = 3;                      /* all may be missing */
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
  d = peg;
  strcpy(d.items[2].id, "pain");          /* duplicate item id */
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
  d = peg;
  d.items[0].step = 3;                    /* 3 does not divide 0..10 */
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
  d = peg;
  d.items[0].min = 10;                    /* empty range */
  ck_assert_int_eq(instr_def_check(&d, msg, sizeof msg), INSTR_EDEF);
}
END_TEST

START_TEST(test_find_instrument_and_item_by_id) {
  instr_def defs[2];
  instr_table t = {2, defs};
  defs[0] = nrs;
  defs[1] = peg;
  ck_assert_ptr_eq(instr_find(&t, "peg"), &defs[1]);
  ck_assert_ptr_null(instr_find(&t, "odi"));
  ck_assert_int_eq(instr_item_index(&peg, "activity"), 2);
  ck_assert_int_eq(instr_item_index(&peg, "mood"), -1);
}
END_TEST

static Suite *scoring_suite(void) {
  Suite *s = suite_create("scoring");
  TCase *tc = tcase_create("instruments");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, test_definitions_mirroring_the_shipped_file_are_consistent);
  tcase_add_test(tc, test_peg_6_7_4_scores_5_7);
  tcase_add_test(tc, test_nrs_scores_the_answer_itself);
  tcase_add_test(tc, test_headache_keeps_five_decimals_of_trial_data);
  tcase_add_test(tc, test_improvement_lower_is_better_is_the_percent_drop);
  tcase_add_test(tc,
      test_improvement_higher_is_better_is_the_share_of_possible_gain);
  tcase_add_test(tc,
      test_improvement_worsening_is_negative_and_full_recovery_is_one);
  tcase_add_test(tc, test_improvement_undefined_when_baseline_is_already_best);
  tcase_add_test(tc, test_missing_item_refused_when_instrument_allows_none);
  tcase_add_test(tc, test_nothing_answered_is_refused);
  tcase_add_test(tc, test_odi_full_16_of_50_scores_32);
  tcase_add_test(tc, test_odi_one_missing_16_of_45_scores_35_6);
  tcase_add_test(tc, test_odi_two_missing_refused);
  tcase_add_test(tc, test_ndi_sum_times_two_and_prorated_when_one_missing);
  tcase_add_test(tc, test_rounding_halves_away_from_zero_despite_binary_error);
  tcase_add_test(tc, test_peg_mean_is_rounded_to_one_decimal);
  tcase_add_test(tc, test_out_of_range_answer_refused_and_named);
  tcase_add_test(tc, test_answer_between_steps_refused);
  tcase_add_test(tc, test_parse_number_accepts_plain_decimals_only);
  tcase_add_test(tc, test_inconsistent_definitions_refused);
  tcase_add_test(tc, test_find_instrument_and_item_by_id);
  suite_add_tcase(s, tc);
  return s;
}

/* ------------------------------------------------ the shipped file */

/* The definitions of data/instruments.xml itself (loaded and validated
** through the mock host and built by instruments_load.c, as the plugin
** does at init), so
** that the worked examples are checked against what a clinic runs, not
** only against definitions written here. */
static instr_table *shipped;

static void load_shipped(void) {
  char path[1024], msg[256];
  cairn_error err = {0, "", ""};
  cairn_doc *doc;
  CAIRN_PLUGIN_INIT2(&mock_api);
  mock_host_reset("2026-01-01", CAIRN_TEST_SRCDIR "/schemas");
  snprintf(path, sizeof path, "%s/data/instruments.xml", CAIRN_TEST_SRCDIR);
  doc = cairn_xml_load(path, "instruments.xsd", &err);
  ck_assert_msg(doc != NULL, "cannot load %s: %s", path, err.message);
  ck_assert_int_eq(instr_table_load(doc, &shipped, msg, sizeof msg), INSTR_OK);
  cairn_doc_free(doc);
}

static void free_shipped(void) {
  instr_table_free(shipped);
  shipped = NULL;
  mock_host_free();
}

/* Score the answers v (NAN: unanswered) with shipped instrument id. */
static int score_shipped(const char *id, size_t n, const double *v,
                         double *s) {
  const instr_def *d = instr_find(shipped, id);
  instr_answers a;
  ck_assert_msg(d != NULL, "data/instruments.xml has no %s", id);
  ck_assert_int_eq((int)d->n_items, (int)n);
  a = answers(n, v);
  return instr_score(d, &a, s, NULL);
}

START_TEST(test_shipped_peg_6_7_4_scores_5_7) {
  double v[] = {6, 7, 4}, s;
  ck_assert_int_eq(score_shipped("peg", 3, v, &s), INSTR_OK);
  ck_assert_double_eq_tol(s, 5.7, 1e-9);
}
END_TEST

START_TEST(test_shipped_odi_16_of_50_scores_32) {
  double v[] = {2, 2, 2, 2, 2, 2, 1, 1, 1, 1}, s;
  ck_assert_int_eq(score_shipped("odi", 10, v, &s), INSTR_OK);
  ck_assert_double_eq_tol(s, 32, 1e-9);
}
END_TEST

START_TEST(test_shipped_odi_one_missing_16_of_45_scores_35_6) {
  double v[] = {2, 2, 2, 2, 2, 2, 2, 1, 1, NAN}, s;
  ck_assert_int_eq(score_shipped("odi", 10, v, &s), INSTR_OK);
  ck_assert_double_eq_tol(s, 35.6, 1e-9);
}
END_TEST

START_TEST(test_shipped_odi_two_missing_refused) {
  double v[] = {2, 2, 2, 2, 2, 2, 2, 2, NAN, NAN}, s;
  ck_assert_int_eq(score_shipped("odi", 10, v, &s), INSTR_EMISSING);
}
END_TEST

START_TEST(test_shipped_odi_section_above_5_refused) {
  double v[] = {6, 2, 2, 2, 2, 2, 2, 2, 2, 2}, s;
  ck_assert_int_eq(score_shipped("odi", 10, v, &s), INSTR_ERANGE);
}
END_TEST

START_TEST(test_shipped_ndi_is_sum_times_two) {
  double v[] = {2, 2, 2, 2, 2, 2, 2, 2, 1, 1}, s;
  ck_assert_int_eq(score_shipped("ndi", 10, v, &s), INSTR_OK);
  ck_assert_double_eq_tol(s, 36, 1e-9);
}
END_TEST

START_TEST(test_shipped_psfs_versions_point_opposite_ways) {
  const instr_def *v1, *v2;
  double a[] = {2, 3, 2, NAN, NAN}, s;
  ck_assert_int_eq(score_shipped("psfs", 5, a, &s), INSTR_OK);
  ck_assert_double_eq_tol(s, 2.3, 1e-9);   /* mean of the rated items */
  v1 = instr_find(shipped, "psfs");
  v2 = instr_find(shipped, "psfs2");
  ck_assert_ptr_nonnull(v2);
  ck_assert_int_eq(v1->direction, INSTR_HIGHER_IS_BETTER);
  ck_assert_int_eq(v2->direction, INSTR_LOWER_IS_BETTER);
  ck_assert_double_eq(v1->best, 10);
  ck_assert_double_eq(v2->best, 0);
  /* Two activities only is fewer than PSFS's three. */
  {
    double b[] = {2, 3, NAN, NAN, NAN};
    ck_assert_int_eq(score_shipped("psfs", 5, b, &s), INSTR_EMISSING);
  }
}
END_TEST

START_TEST(test_shipped_pgic_is_ordinal_with_the_improved_end_stored) {
  const instr_def *d;
  double v[] = {2}, bad[] = {8}, s;
  ck_assert_int_eq(score_shipped("pgic", 1, v, &s), INSTR_OK);
  ck_assert_double_eq(s, 2);
  ck_assert_int_eq(score_shipped("pgic", 1, bad, &s), INSTR_ERANGE);
  d = instr_find(shipped, "pgic");
  ck_assert_int_eq(d->direction, INSTR_LOWER_IS_BETTER);   /* 1 = very much improved */
  ck_assert_double_eq(d->best, 1);
  ck_assert_double_eq(d->worst, 7);
}
END_TEST

static Suite *shipped_suite(void) {
  Suite *s = suite_create("shipped-instruments");
  TCase *tc = tcase_create("worked-examples");
  tcase_add_checked_fixture(tc, load_shipped, free_shipped);
  tcase_add_test(tc, test_shipped_peg_6_7_4_scores_5_7);
  tcase_add_test(tc, test_shipped_odi_16_of_50_scores_32);
  tcase_add_test(tc, test_shipped_odi_one_missing_16_of_45_scores_35_6);
  tcase_add_test(tc, test_shipped_odi_two_missing_refused);
  tcase_add_test(tc, test_shipped_odi_section_above_5_refused);
  tcase_add_test(tc, test_shipped_ndi_is_sum_times_two);
  tcase_add_test(tc, test_shipped_psfs_versions_point_opposite_ways);
  tcase_add_test(tc, test_shipped_pgic_is_ordinal_with_the_improved_end_stored);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(scoring_suite());
  srunner_add_suite(sr, shipped_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
