/*
** check_view.c -- unit tests of core/view/view.c: a view's declared
** audience (<?cairn-audience ...?>) is read at load, a misspelt one stops
** the load, and cairn_views_audience_ok answers for each kind of caller.
** The load only parses: a file that is not well-formed or not a
** stylesheet stops it, one that does not compile is found when it is
** first applied (the others still render) and by cairn_views_compile_all.
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

/* A one-element document to apply views to. */
static xmlDocPtr input_doc(void) {
  xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
  xmlDocSetRootElement(doc, xmlNewNode(NULL, BAD_CAST "page"));
  return doc;
}

START_TEST(load_parses_and_first_use_compiles) {
  cairn_views *vs = NULL;
  cairn_error err = {0};
  ck_assert_int_eq(cairn_views_load(CAIRN_TEST_DATA "/views-uncompiled", &vs,
                                    &err), 0);
  ck_assert(cairn_views_has(vs, "good"));
  ck_assert(cairn_views_has(vs, "bad-xpath"));
  /* The audience is known without compiling. */
  ck_assert(!cairn_views_audience_ok(vs, "bad-xpath", CAIRN_AUD_PUBLIC));
  xmlDocPtr doc = input_doc();
  /* Twice each: the second use finds what the first compiled (or did not). */
  for (int round = 0; round < 2; round++) {
    cairn_error e = {0};
    xmlDocPtr res = cairn_views_apply(vs, "bad-xpath", doc, NULL, &e);
    ck_assert_ptr_null(res);
    ck_assert_int_eq(e.code, CAIRN_EINTERNAL);
    ck_assert_ptr_nonnull(strstr(e.message, "bad-xpath.xsl"));
    ck_assert_ptr_nonnull(strstr(e.message, "does not compile"));
    xmlChar *out = NULL;
    int len = 0;
    cairn_error e2 = {0};
    ck_assert_int_eq(cairn_views_render(vs, "good", doc, NULL, &out, &len,
                                        &e2), 0);
    ck_assert_ptr_nonnull(strstr((const char *)out, "<p>good</p>"));
    xmlFree(out);
  }
  cairn_error e3 = {0};
  ck_assert_int_eq(cairn_views_compile_all(vs, &e3), CAIRN_EINTERNAL);
  ck_assert_ptr_nonnull(strstr(e3.message, "bad-xpath.xsl"));
  xmlFreeDoc(doc);
  cairn_views_free(vs);
}
END_TEST

START_TEST(compile_all_compiles_every_view) {
  cairn_views *vs = NULL;
  cairn_error err = {0};
  ck_assert_int_eq(cairn_views_load(CAIRN_TEST_DATA "/views", &vs, &err), 0);
  ck_assert_int_eq(cairn_views_compile_all(vs, &err), 0);
  cairn_views_free(vs);
}
END_TEST

START_TEST(not_a_stylesheet_stops_the_load) {
  cairn_views *vs = NULL;
  cairn_error err = {0};
  ck_assert_int_eq(cairn_views_load(CAIRN_TEST_DATA "/views-not-xslt", &vs,
                                    &err), CAIRN_EINVAL);
  ck_assert_ptr_null(vs);
  ck_assert_ptr_nonnull(strstr(err.message, "page.xsl"));
  ck_assert_ptr_nonnull(strstr(err.message, "not an XSLT stylesheet"));
  cairn_error e2 = {0};
  ck_assert_int_eq(cairn_views_load(CAIRN_TEST_DATA "/views-not-xml", &vs,
                                    &e2), CAIRN_EINVAL);
  ck_assert_ptr_null(vs);
  ck_assert_ptr_nonnull(strstr(e2.message, "broken.xsl"));
  ck_assert_ptr_nonnull(strstr(e2.message, "does not parse"));
}
END_TEST

static Suite *view_suite(void) {
  Suite *s = suite_create("view");
  TCase *tc = tcase_create("audience");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, declared_audience_is_enforced);
  tcase_add_test(tc, misspelt_audience_stops_the_load);
  tcase_add_test(tc, load_parses_and_first_use_compiles);
  tcase_add_test(tc, compile_all_compiles_every_view);
  tcase_add_test(tc, not_a_stylesheet_stops_the_load);
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
