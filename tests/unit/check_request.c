/*
** check_request.c -- request decoding: percent-decoding, UTF-8, form and
** query parsing with their limits, cookies, and path checks.  Each refusal
** is tested with the input that must be refused.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "cairn_int.h"

static cairn_arena *A;
static void setup(void) { A = cairn_arena_new(); }
static void teardown(void) { cairn_arena_free(A); }

static int dec(const char *s, char **out) {
  cairn_error e = {0};
  return cairn_url_decode(A, s, strlen(s), 1, 0, out, &e);
}

START_TEST(decode_plus_and_percent) {
  char *o;
  ck_assert_int_eq(dec("a+b%20c%2Fd", &o), 0);
  ck_assert_str_eq(o, "a b c/d");
  ck_assert_int_eq(dec("caf%C3%A9", &o), 0);
  ck_assert_str_eq(o, "caf\xc3\xa9");
}
END_TEST

START_TEST(decode_refuses_nul_bad_escape_and_bad_utf8) {
  char *o;
  ck_assert_int_eq(dec("a%00b", &o), CAIRN_EINVAL);
  ck_assert_int_eq(dec("a%zz", &o), CAIRN_EINVAL);
  ck_assert_int_eq(dec("a%4", &o), CAIRN_EINVAL);
  ck_assert_int_eq(dec("%", &o), CAIRN_EINVAL);
  ck_assert_int_eq(dec("%C3%28", &o), CAIRN_EINVAL);      /* bad continuation */
  ck_assert_int_eq(dec("%C0%AF", &o), CAIRN_EINVAL);      /* overlong '/' */
  ck_assert_int_eq(dec("%ED%A0%80", &o), CAIRN_EINVAL);   /* surrogate */
  ck_assert_int_eq(dec("%F4%90%80%80", &o), CAIRN_EINVAL);/* > U+10FFFF */
  ck_assert_int_eq(dec("a%0Db", &o), CAIRN_EINVAL);       /* CR, single line */
  ck_assert_int_eq(dec("a%1Bb", &o), CAIRN_EINVAL);       /* ESC */
}
END_TEST

START_TEST(decode_allows_newlines_only_when_asked) {
  char *o;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_url_decode(A, "a%0D%0Ab", 8, 1, 1, &o, &e), 0);
  ck_assert_str_eq(o, "a\r\nb");
}
END_TEST

START_TEST(urlencoded_pairs_and_first_value_wins) {
  cairn_kv *kv = NULL;
  size_t n = 0, budget = CAIRN_PARAMS_MAX;
  cairn_error e = {0};
  const char *s = "q=smith&page=2&&flag&q=other";
  ck_assert_int_eq(cairn_parse_urlencoded(A, s, strlen(s), &kv, &n, &budget, &e), 0);
  ck_assert_uint_eq(n, 4);
  ck_assert_str_eq(cairn_kv_get(kv, n, "q"), "smith");
  ck_assert_str_eq(cairn_kv_get(kv, n, "page"), "2");
  ck_assert_str_eq(cairn_kv_get(kv, n, "flag"), "");
  ck_assert_ptr_null(cairn_kv_get(kv, n, "missing"));
}
END_TEST

/* A run found "The field q: The field q: s not valid UTF-8 text.": the
** message was formatted from its own buffer. */
START_TEST(bad_field_value_message_names_the_field_once) {
  cairn_kv *kv = NULL;
  size_t n = 0, budget = CAIRN_PARAMS_MAX;
  cairn_error e = {0};
  const char *s = "q=%FF";
  ck_assert_int_eq(cairn_parse_urlencoded(A, s, strlen(s), &kv, &n, &budget, &e),
                   CAIRN_EINVAL);
  ck_assert_str_eq(e.field, "q");
  ck_assert_str_eq(e.message,
                   "The field q is not accepted: the request is not valid UTF-8 text.");
}
END_TEST

/* cairn_fail may be handed its own error's message or field. */
START_TEST(fail_may_quote_its_own_message) {
  cairn_error e = {0};
  cairn_fail(&e, CAIRN_EINVAL, "x", "inner %d", 1);
  cairn_fail(&e, CAIRN_EINVAL, e.field, "outer (%s): %s", e.field, e.message);
  ck_assert_str_eq(e.message, "outer (x): inner 1");
  ck_assert_str_eq(e.field, "x");
}
END_TEST

START_TEST(urlencoded_limits) {
  cairn_kv *kv = NULL;
  size_t n = 0, budget = CAIRN_PARAMS_MAX;
  cairn_error e = {0};
  /* one field more than allowed */
  size_t cap = (CAIRN_PARAMS_MAX + 1) * 4 + 1;
  char *s = calloc(1, cap);
  for (int i = 0; i <= CAIRN_PARAMS_MAX; i++) strcat(s, "a=1&");
  ck_assert_int_eq(cairn_parse_urlencoded(A, s, strlen(s), &kv, &n, &budget, &e),
                   CAIRN_ELIMIT);
  free(s);
  /* a value one byte over the limit */
  s = malloc(CAIRN_PARAM_VALUE_MAX + 4);
  memcpy(s, "v=", 2);
  memset(s + 2, 'x', CAIRN_PARAM_VALUE_MAX + 1);
  s[CAIRN_PARAM_VALUE_MAX + 3] = 0;
  n = 0; budget = CAIRN_PARAMS_MAX;
  ck_assert_int_eq(cairn_parse_urlencoded(A, s, strlen(s), &kv, &n, &budget, &e),
                   CAIRN_ELIMIT);
  ck_assert_str_eq(e.field, "v");
  free(s);
  /* an empty name */
  n = 0; budget = CAIRN_PARAMS_MAX;
  ck_assert_int_eq(cairn_parse_urlencoded(A, "=x", 2, &kv, &n, &budget, &e),
                   CAIRN_EINVAL);
  /* a NUL inside a value names the field */
  n = 0; budget = CAIRN_PARAMS_MAX;
  ck_assert_int_eq(cairn_parse_urlencoded(A, "name=a%00", 9, &kv, &n, &budget, &e),
                   CAIRN_EINVAL);
  ck_assert_str_eq(e.field, "name");
}
END_TEST

START_TEST(budget_is_shared_between_query_and_body) {
  cairn_kv *kv = NULL;
  size_t n = 0, budget = 3;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_parse_urlencoded(A, "a=1&b=2", 7, &kv, &n, &budget, &e), 0);
  ck_assert_int_eq(cairn_parse_urlencoded(A, "c=1&d=2", 7, &kv, &n, &budget, &e),
                   CAIRN_ELIMIT);
}
END_TEST

START_TEST(cookies_parse_and_skip_garbage) {
  cairn_kv *kv = NULL;
  size_t n = 0;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_parse_cookies(A, "sid=abc123; bad; x=\"q\"; theme=dark",
                                       &kv, &n, &e), 0);
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(cairn_kv_get(kv, n, "sid"), "abc123");
  ck_assert_str_eq(cairn_kv_get(kv, n, "theme"), "dark");
}
END_TEST

/* Past CAIRN_COOKIES_MAX, other software's cookies are ignored rather
** than refused (a 413 on every request locked the browser out), and
** Cairn's own are still read, wherever they stand. */
START_TEST(cookies_limit) {
  char s[4096] = "";
  for (int i = 0; i < CAIRN_COOKIES_MAX + 10; i++) {
    char one[32];
    snprintf(one, sizeof one, "c%d=v; ", i);
    strcat(s, one);
  }
  strcat(s, "__Host-cairn_sid=ours; cairn_pre=token");
  cairn_kv *kv = NULL;
  size_t n = 0;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_parse_cookies(A, s, &kv, &n, &e), 0);
  ck_assert_uint_eq(n, CAIRN_COOKIES_MAX + 2);
  ck_assert_str_eq(cairn_kv_get(kv, n, "c0"), "v");
  ck_assert_ptr_null(cairn_kv_get(kv, n, "c40"));
  ck_assert_str_eq(cairn_kv_get(kv, n, "__Host-cairn_sid"), "ours");
  ck_assert_str_eq(cairn_kv_get(kv, n, "cairn_pre"), "token");
}
END_TEST

static int path(const char *raw, char **out) {
  cairn_error e = {0};
  return cairn_path_check(A, raw, out, &e);
}

START_TEST(path_accepts_plain_paths) {
  char *o;
  ck_assert_int_eq(path("/patients/12", &o), 0);
  ck_assert_str_eq(o, "/patients/12");
  ck_assert_int_eq(path("/patients%2F12", &o), 0); /* same to the router */
  ck_assert_str_eq(o, "/patients/12");
  ck_assert_int_eq(path("/", &o), 0);
  ck_assert_int_eq(path("/a.b/c..d", &o), 0);       /* dots inside names */
}
END_TEST

START_TEST(path_refuses_what_means_something_else) {
  char *o;
  ck_assert_int_eq(path("", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("patients", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/patients/../admin", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/patients/%2e%2e/admin", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/patients/%2E%2e", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/./patients", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/patients/.", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("//evil.example/x", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/patients//12", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/patients%2F%2F12", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/\\evil", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/%5Cevil", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/a%00b", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/a%0D%0ASet-Cookie:x", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/%FF", &o), CAIRN_EINVAL);
}
END_TEST

/* Found by tests/fuzz/fuzz_path.c: a TAB, raw or escaped, passed the path
** check although a path may hold no control character. */
START_TEST(path_refuses_tab_found_by_fuzzing) {
  char *o;
  ck_assert_int_eq(path("/a\t", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/patients/%0912", &o), CAIRN_EINVAL);
  ck_assert_int_eq(path("/a%09", &o), CAIRN_EINVAL);
}
END_TEST

START_TEST(path_length_limit) {
  char *s = malloc(CAIRN_PATH_MAX + 2);
  s[0] = '/';
  memset(s + 1, 'a', CAIRN_PATH_MAX);
  s[CAIRN_PATH_MAX + 1] = 0;
  char *o;
  ck_assert_int_eq(path(s, &o), CAIRN_ELIMIT);
  s[CAIRN_PATH_MAX] = 0; /* exactly the limit */
  ck_assert_int_eq(path(s, &o), 0);
  free(s);
}
END_TEST

START_TEST(utf8_validator) {
  ck_assert(cairn_utf8_valid("plain", 5));
  ck_assert(cairn_utf8_valid("\xe6\x97\xa5\xf0\x9f\x98\x80", 7));
  ck_assert(!cairn_utf8_valid("\xe6\x97", 2));  /* truncated */
  ck_assert(!cairn_utf8_valid("\xf8\x88\x80\x80\x80", 5));
  ck_assert(!cairn_utf8_valid("\xe0\x80\xaf", 3)); /* overlong */
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("request");
  TCase *t = tcase_create("decode");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, decode_plus_and_percent);
  tcase_add_test(t, decode_refuses_nul_bad_escape_and_bad_utf8);
  tcase_add_test(t, decode_allows_newlines_only_when_asked);
  tcase_add_test(t, urlencoded_pairs_and_first_value_wins);
  tcase_add_test(t, bad_field_value_message_names_the_field_once);
  tcase_add_test(t, fail_may_quote_its_own_message);
  tcase_add_test(t, urlencoded_limits);
  tcase_add_test(t, budget_is_shared_between_query_and_body);
  tcase_add_test(t, cookies_parse_and_skip_garbage);
  tcase_add_test(t, cookies_limit);
  tcase_add_test(t, path_accepts_plain_paths);
  tcase_add_test(t, path_refuses_what_means_something_else);
  tcase_add_test(t, path_refuses_tab_found_by_fuzzing);
  tcase_add_test(t, path_length_limit);
  tcase_add_test(t, utf8_validator);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
