/*
** check_view.c -- unit tests of core/view/view.c: a view's declared
** audience (<?cairn-audience ...?>) is read at load, a misspelt one stops
** the load, and cairn_views_audience_ok answers for each kind of caller.
**
** CAIRN_TEST_DATA is the directory of tests/unit/data.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cairn_int.h"

#ifndef CAIRN_TEST_DATA
#define CAIRN_TEST_DATA "tests/unit/data"
#endif

static void setup(void) { cairn_xml_init(CAIRN_TEST_DATA); }

START_TEST(declared_audience_is_enforced) {
  cairn_views *vs = NULL;
  cairn_error err = {0};
  ck_assert_int_eq(cairn_views_load(CAIRN_TEST_DATA "/views", &vs, &err), 0);
  ck_assert(cairn_views_has(vs, "program/clinical"));
  ck_assert(cairn_views_audience_ok(vs, "program/clinical",
                                    CAIRN_AUD_CLINICIAN));
  ck_assert(cairn_views_audience_ok(vs, "program/clinical", CAIRN_AUD_ADMIN));
  ck_assert(!cairn_views_audience_ok(vs, "program/clinical",
                                     CAIRN_AUD_FRONT_DESK));
  ck_assert(!cairn_views_audience_ok(vs, "program/clinical",
                                     CAIRN_AUD_PUBLIC));
  ck_assert(!cairn_views_audience_ok(vs, "program/clinical",
                                     CAIRN_AUD_CAPABILITY));
  /* No declaration: the route's audience alone decides. */
  ck_assert(cairn_views_audience_ok(vs, "open", CAIRN_AUD_PUBLIC));
  ck_assert(cairn_views_audience_ok(vs, "open", CAIRN_AUD_FRONT_DESK));
  cairn_views_free(vs);
}
END_TEST

START_TEST(misspelt_audience_stops_the_load) {
  cairn_views *vs = NULL;
  cairn_error err = {0};
  ck_assert_int_eq(cairn_views_load(CAIRN_TEST_DATA "/views-bad", &vs, &err),
                   CAIRN_EINVAL);
  ck_assert_ptr_null(vs);
  ck_assert_ptr_nonnull(strstr(err.message, "clinican"));
  ck_assert_ptr_nonnull(strstr(err.message, "typo.xsl"));
}
END_TEST

static Suite *view_suite(void) {
  Suite *s = suite_create("view");
  TCase *tc = tcase_create("audience");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, declared_audience_is_enforced);
  tcase_add_test(tc, misspelt_audience_stops_the_load);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(view_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
