/*
** check_referral.c -- unit tests of the referral plugin's rules against
** the mock host table (tests/unit/mock_host.h): every source of the plugin
** is compiled in, bodies are built with the core's own documents.
**
**   partner    a partner's tags are unique;
**   referral   a referral names a partner of the directory (the mock
**              has no records, so any partner is outside it; the rules
**              that need a partner -- consent before sending, the history
**              ending in the status -- are tested over HTTP in
**              tests/integration/referral.test.mjs);
**   states     which states close a referral (its link shows only that);
**   plugins    another plugin's tables are read only when the patient
**              has its records.
*/
#include <check.h>
#include <string.h>

#include "referral.h"
#include "mock_host.h"

#define TODAY "2026-03-31"
#define SCHEMAS CAIRN_TEST_SRCDIR "/schemas"

static cairn_req *req;

static void setup(void) {
  CAIRN_PLUGIN_INIT2(&mock_api);
  req = mock_host_reset(TODAY, SCHEMAS);
}

static void teardown(void) { mock_host_free(); }

/* A Partner body with the tags given (NULL-terminated). */
static cairn_doc *partner(const char *const *tags) {
  cairn_doc *b = cairn_doc_new(req, REFERRAL_NS, "Partner");
  cairn_doc_text(b, "name", "Tom Trainer");
  cairn_doc_text(b, "discipline", "personal-trainer");
  for (; *tags; tags++) cairn_doc_text(b, "tag", *tags);
  cairn_doc_text(b, "active", "true");
  return b;
}

START_TEST(a_tag_given_twice_is_refused_by_name) {
  static const char *const twice[] = {"running", "pelvic-health", "running",
                                      NULL};
  cairn_error err = {0, "", ""};
  ck_assert_int_eq(referral_check_partner(req, partner(twice), &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "tags");
  ck_assert_ptr_nonnull(strstr(err.message, "running"));
}
END_TEST

START_TEST(distinct_tags_and_no_tags_are_accepted) {
  static const char *const distinct[] = {"running", "pelvic-health", NULL};
  static const char *const none[] = {NULL};
  cairn_error err = {0, "", ""};
  ck_assert_int_eq(referral_check_partner(req, partner(distinct), &err),
                   CAIRN_OK);
  ck_assert_int_eq(referral_check_partner(req, partner(none), &err), CAIRN_OK);
}
END_TEST

/* A Referral body in `status` with a history ending in `last`. */
static cairn_doc *referral(const char *status, const char *last,
                           int consent) {
  cairn_doc *b = cairn_doc_new(req, REFERRAL_NS, "Referral");
  cairn_doc_text(b, "performer", "5");
  cairn_doc_text(b, "category", "onward");
  cairn_doc_text(b, "priority", "routine");
  cairn_doc_text(b, "status", status);
  cairn_doc_text(b, "authoredOn", TODAY);
  cairn_doc_text(b, "requester", "cleo");
  cairn_doc_text(b, "reason", "r");
  cairn_doc_text(b, "code", "c");
  cairn_doc_open(b, "supportingInfo");
  cairn_doc_close(b);
  if (consent) {
    cairn_doc_open(b, "consent");
    cairn_doc_text(b, "date", TODAY);
    cairn_doc_text(b, "method", "verbal");
    cairn_doc_text(b, "recordedBy", "cleo");
    cairn_doc_close(b);
  }
  cairn_doc_open(b, "statusHistory");
  cairn_doc_text(b, "status", last);
  cairn_doc_text(b, "date", TODAY);
  cairn_doc_text(b, "by", "cleo");
  cairn_doc_close(b);
  return b;
}

START_TEST(a_partner_outside_the_directory_is_refused) {
  cairn_error err = {0, "", ""};
  /* The mock has no record 5: the partner is not one of the directory's. */
  ck_assert_int_eq(referral_check_referral(req, referral("draft", "draft", 1),
                                           &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "partner");
}
END_TEST

START_TEST(closed_means_declined_or_cancelled) {
  ck_assert_int_eq(referral_closed("declined"), 1);
  ck_assert_int_eq(referral_closed("cancelled"), 1);
  ck_assert_int_eq(referral_closed("draft"), 0);
  ck_assert_int_eq(referral_closed("sent"), 0);
  ck_assert_int_eq(referral_closed("acknowledged"), 0);
  ck_assert_int_eq(referral_closed("accepted"), 0);
  ck_assert_int_eq(referral_closed("first-appointment"), 0);
}
END_TEST

START_TEST(another_plugins_tables_wait_for_its_records) {
  ck_assert_int_eq(referral_patient_has(req, "herbal", 3), 0);
  mock_sql_rows("FROM record WHERE patient", 1, 1, "1");
  ck_assert_int_eq(referral_patient_has(req, "herbal", 3), 1);
}
END_TEST

static Suite *referral_suite(void) {
  Suite *s = suite_create("referral");
  TCase *rules = tcase_create("rules");
  tcase_add_checked_fixture(rules, setup, teardown);
  tcase_add_test(rules, a_tag_given_twice_is_refused_by_name);
  tcase_add_test(rules, distinct_tags_and_no_tags_are_accepted);
  tcase_add_test(rules, a_partner_outside_the_directory_is_refused);
  tcase_add_test(rules, closed_means_declined_or_cancelled);
  tcase_add_test(rules, another_plugins_tables_wait_for_its_records);
  suite_add_tcase(s, rules);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(referral_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
