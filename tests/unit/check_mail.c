/*
** check_mail.c -- unit tests of core/mail/ and the public URL: address and
** name checks (nothing with a CR or LF, nothing that is not an address),
** the back-off arithmetic, the message as built for the relay, and the
** outbox table's queue, claim, finish and retry on a real store.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cairn_int.h"
#include "address.h"
#include "outbox.h"

/* ------------------------------------------------------------ addresses */

START_TEST(addresses_that_are_addresses_pass) {
  static const char *const ok[] = {
    "a@b.org", "first.last+tag@sub.example.co.uk", "o'brien@clinic.ie",
    "x_y-z@example-clinic.org", "1234@123.example", NULL
  };
  cairn_error e = {0};
  for (int i = 0; ok[i]; i++)
    ck_assert_msg(cairn_mail_address_check(ok[i], "to", &e) == 0, "%s: %s",
                  ok[i], e.message);
}
END_TEST

START_TEST(anything_else_is_refused_naming_the_field) {
  static const char *const bad[] = {
    "", "a", "a@", "@b.org", "a@b", "a b@c.org", "a@b.org\r\n",
    "a@b.org\nBcc: x@y.org", "a@b.org\rX", "a@@b.org", "a..b@c.org",
    ".a@b.org", "a.@b.org", "a@-b.org", "a@b-.org", "a@b..org",
    "<a@b.org>", "a@b.org,c@d.org", "a@b.org;", "\"a\"@b.org",
    "a@b.org ", NULL
  };
  for (int i = 0; bad[i]; i++) {
    cairn_error e = {0};
    ck_assert_msg(cairn_mail_address_check(bad[i], "to", &e) == CAIRN_EINVAL,
                  "accepted: %s", bad[i]);
    ck_assert_str_eq(e.field, "to");
    ck_assert(e.message[0] != '\0');
  }
  char local[80];
  memset(local, 'a', 65);
  strcpy(local + 65, "@b.org");
  ck_assert_int_eq(cairn_mail_address_check(local, "to", NULL), CAIRN_EINVAL);
  local[1] = '@';
  local[2] = '\0';
  ck_assert_int_eq(cairn_mail_address_check(NULL, "to", NULL), CAIRN_EINVAL);
}
END_TEST

START_TEST(line_breaks_in_an_address_say_so) {
  cairn_error e = {0};
  cairn_mail_address_check("a@b.org\r\nBcc: x@y.org", "to", &e);
  ck_assert_ptr_nonnull(strstr(e.message, "line break"));
}
END_TEST

START_TEST(names_refuse_cr_lf_quotes_and_length) {
  cairn_error e = {0};
  ck_assert_int_eq(cairn_mail_name_check("Zoë O'Brien-Smith", "to_name", &e), 0);
  static const char *const bad[] = {
    "", "Eve\r\nBcc: x@y.org", "Eve\nX", "Eve\rX", "A\"B", "A\\B", "<A>",
    "tab\there", "\x7f", NULL
  };
  for (int i = 0; bad[i]; i++) {
    cairn_error f = {0};
    ck_assert_msg(cairn_mail_name_check(bad[i], "to_name", &f) == CAIRN_EINVAL,
                  "accepted: %s", bad[i]);
    ck_assert_str_eq(f.field, "to_name");
  }
  char name[200];
  memset(name, 'n', CAIRN_MAIL_NAME_MAX);
  name[CAIRN_MAIL_NAME_MAX] = '\0';
  ck_assert_int_eq(cairn_mail_name_check(name, "n", NULL), 0);
  name[CAIRN_MAIL_NAME_MAX] = 'n';
  name[CAIRN_MAIL_NAME_MAX + 1] = '\0';
  ck_assert_int_eq(cairn_mail_name_check(name, "n", NULL), CAIRN_EINVAL);
  ck_assert_int_eq(cairn_mail_name_check("\xff\xfe", "n", NULL), CAIRN_EINVAL);
}
END_TEST

/* ------------------------------------------------------------- back-off */

START_TEST(backoff_doubles_from_a_minute_and_stops_at_the_cap) {
  ck_assert_int_eq(cairn_outbox_backoff(0), 60);
  ck_assert_int_eq(cairn_outbox_backoff(1), 60);
  ck_assert_int_eq(cairn_outbox_backoff(2), 120);
  ck_assert_int_eq(cairn_outbox_backoff(3), 240);
  ck_assert_int_eq(cairn_outbox_backoff(8), 60L << 7);
  ck_assert_int_eq(cairn_outbox_backoff(9), CAIRN_OUTBOX_BACKOFF_CAP_S);
  ck_assert_int_eq(cairn_outbox_backoff(1000), CAIRN_OUTBOX_BACKOFF_CAP_S);
  /* The attempts before giving up span hours, not minutes. */
  long total = 0;
  for (int i = 1; i < CAIRN_OUTBOX_ATTEMPTS_MAX; i++) total += cairn_outbox_backoff(i);
  ck_assert_int_gt(total, 2 * 60 * 60);
}
END_TEST

/* ----------------------------------------------------------- public URL */

START_TEST(public_url_takes_a_base_and_refuses_the_rest) {
  char out[512];
  ck_assert_int_eq(cairn_public_url_check("https://clinic.example", out, sizeof out, NULL), 0);
  ck_assert_str_eq(out, "https://clinic.example");
  ck_assert_int_eq(cairn_public_url_check("https://x.org/base/", out, sizeof out, NULL), 0);
  ck_assert_str_eq(out, "https://x.org/base");
  ck_assert_int_eq(cairn_public_url_check("http://127.0.0.1:8080", out, sizeof out, NULL), 0);
  ck_assert_int_eq(cairn_public_url_check("https://[::1]:8443/a/b", out, sizeof out, NULL), 0);
  static const char *const bad[] = {
    "ftp://x.org", "https://user@x.org", "https://x.org/?q=1", "https://x.org/#f",
    "https://x.org:0", "https://x.org:99999", "https://", "https://x.org//a",
    "https://x.org/a b", "clinic.example", "https://x.org/a%20b", NULL
  };
  for (int i = 0; bad[i]; i++) {
    cairn_error e = {0};
    ck_assert_msg(cairn_public_url_check(bad[i], out, sizeof out, &e) == CAIRN_EINVAL,
                  "accepted: %s", bad[i]);
    ck_assert_str_eq(e.field, "public-url");
  }
}
END_TEST

/* -------------------------------------------------------------- message */

static cairn_mail_config mail_cfg = {
  .host = (char *)"127.0.0.1", .port = 2525, .starttls = 0,
  .from_address = (char *)"desk@clinic.example", .timeout_s = 5,
  .stale_claim_s = 60,
};

START_TEST(message_lines_stay_short_and_headers_are_encoded) {
  cairn_config cfg = { .clinic_name = (char *)"Clínica Río", .mail = &mail_cfg };
  char text[600];
  memset(text, 'x', 300);
  strcpy(text + 300, " end\n.leading dot\nlast line ");
  cairn_outbox_msg m = {
    .id = 1, .message_id = "<abcDEF123_-xyz@clinic.example>",
    .to_address = "zoe@example.org", .to_name = "Zoë Smith",
    .subject = "Your link from Clínica Río, with a subject long enough to fold",
    .text = text, .html = "<p>Hello = world</p>", .attempts = 1,
  };
  char *msg = cairn_mail_message(&cfg, &m, 1764770400LL);
  ck_assert_ptr_nonnull(strstr(msg, "Message-ID: <abcDEF123_-xyz@clinic.example>\r\n"));
  ck_assert_ptr_nonnull(strstr(msg, "Date: Wed, 03 Dec 2025 14:00:00 +0000\r\n"));
  ck_assert_ptr_nonnull(strstr(msg, "From: =?UTF-8?B?"));
  ck_assert_ptr_nonnull(strstr(msg, "To: =?UTF-8?B?Wm/DqyBTbWl0aA==?= <zoe@example.org>\r\n"));
  ck_assert_ptr_nonnull(strstr(msg, "Subject: =?UTF-8?B?"));
  ck_assert_ptr_nonnull(strstr(msg, "multipart/alternative"));
  ck_assert_ptr_nonnull(strstr(msg, "Hello =3D world"));
  ck_assert_ptr_nonnull(strstr(msg, "last line=20\r\n"));
  /* Every line ends CRLF and holds at most 76 characters in the bodies
  ** (RFC 2045 6.7), 998 anywhere (RFC 5322 2.1.1). */
  size_t len = 0;
  const char *body = strstr(msg, "\r\n\r\n");
  ck_assert_ptr_nonnull(body);
  for (const char *p = msg; *p; p++) {
    if (*p == '\n') {
      ck_assert_msg(p > msg && p[-1] == '\r', "bare LF at %td", p - msg);
      ck_assert_msg(len <= (p > body ? 77u : 999u), "line of %zu characters", len);
      len = 0;
    } else {
      len++;
    }
  }
  free(msg);
}
END_TEST

/* ----------------------------------------------------- the outbox table */

static char dir[64], path[96];
static cairn_store *st;
static cairn_arena *arena;
static cairn_config cfg;
static cairn_req *req;

static void setup(void) {
  cairn_error e = {0};
  snprintf(dir, sizeof dir, "/tmp/cairn-mail-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/test.db", dir);
  ck_assert_msg(cairn_store_open(path, NULL, &st, &e) == 0, "%s", e.message);
  arena = cairn_arena_new();
  memset(&cfg, 0, sizeof cfg);
  cfg.clinic_name = (char *)"Test clinic";
  cfg.public_url = (char *)"https://clinic.example";
  cfg.mail = &mail_cfg;
  req = cairn_req_new(arena, &cfg, NULL, st);
}

static void teardown(void) {
  cairn_arena_free(arena);
  cairn_store_close(st);
  char f[128];
  const char *const suffix[] = { "", "-wal", "-shm" };
  for (int i = 0; i < 3; i++) {
    snprintf(f, sizeof f, "%s%s", path, suffix[i]);
    unlink(f);
  }
  rmdir(dir);
}

static long long count(const char *where) {
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE %s", where);
  sqlite3_stmt *s;
  ck_assert_int_eq(sqlite3_prepare_v2(cairn_store_db(st), sql, -1, &s, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
  long long n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return n;
}

START_TEST(queue_writes_one_row_with_a_fixed_message_id) {
  long long id = 0;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org", "Ann", "Hello", "text",
                                      NULL, &id, &e), 0);
  ck_assert_int_gt(id, 0);
  ck_assert_int_eq(count("status = 'queued' AND message_id LIKE '<%@clinic.example>'"), 1);
}
END_TEST

START_TEST(a_refused_address_queues_nothing) {
  cairn_error e = {0};
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org\r\nBcc: x@y.org", NULL,
                                      "Hi", "t", NULL, NULL, &e), CAIRN_EINVAL);
  ck_assert_str_eq(e.field, "to");
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org", "Eve\nBcc: x", "Hi", "t",
                                      NULL, NULL, &e), CAIRN_EINVAL);
  ck_assert_str_eq(e.field, "to_name");
  ck_assert_int_eq(count("1"), 0);
}
END_TEST

START_TEST(a_message_queued_in_a_rolled_back_transaction_is_gone) {
  cairn_error e = {0};
  ck_assert_int_eq(cairn_store_begin(st, &e), 0);
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org", NULL, "Hi", "t", NULL,
                                      NULL, &e), 0);
  ck_assert_int_eq(count("1"), 1);
  cairn_store_rollback(st);
  ck_assert_int_eq(count("1"), 0);
}
END_TEST

START_TEST(a_row_is_claimed_once_until_its_claim_goes_stale) {
  long long id = 0, now = 1000000;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org", NULL, "Hi", "t", NULL,
                                      &id, &e), 0);
  long long t = (long long)time(NULL);
  ck_assert_int_eq(cairn_outbox_claim(st, id, t, 60, "one", &e), 1);
  ck_assert_int_eq(cairn_outbox_claim(st, id, t, 60, "two", &e), 0);
  ck_assert_int_eq(cairn_outbox_claim(st, id, t + 59, 60, "two", &e), 0);
  /* The first sender died: after the stale-claim time another takes it,
  ** and the first can no longer record an outcome. */
  ck_assert_int_eq(cairn_outbox_claim(st, id, t + 61, 60, "two", &e), 1);
  ck_assert_int_eq(cairn_outbox_finish(st, id, "one", CAIRN_SMTP_SENT, "",
                                       1, t + 62, &e), 0);
  ck_assert_int_eq(count("status = 'sending' AND claimed_by = 'two' AND attempts = 2"), 1);
  (void)now;
}
END_TEST

START_TEST(a_deferred_message_waits_then_fails_after_the_last_attempt) {
  long long id = 0;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org", NULL, "Hi", "t", NULL,
                                      &id, &e), 0);
  long long t = (long long)time(NULL);
  ck_assert_int_eq(cairn_outbox_claim(st, id, t, 60, "s", &e), 1);
  ck_assert_int_eq(cairn_outbox_finish(st, id, "s", CAIRN_SMTP_RETRY,
                                       "relay down", 1, t, &e), 0);
  char where[160];
  snprintf(where, sizeof where,
           "status = 'queued' AND next_attempt = %lld AND last_error = 'relay down'",
           t + 60);
  ck_assert_int_eq(count(where), 1);
  ck_assert_int_eq(cairn_outbox_claim(st, id, t + 59, 60, "s", &e), 0);  /* not due */
  ck_assert_int_eq(cairn_outbox_claim(st, id, t + 60, 60, "s", &e), 1);
  ck_assert_int_eq(cairn_outbox_finish(st, id, "s", CAIRN_SMTP_RETRY, "down",
                                       CAIRN_OUTBOX_ATTEMPTS_MAX, t, &e), 0);
  ck_assert_int_eq(count("status = 'failed' AND last_error = 'down'"), 1);
  /* Staff retry it: back in line, attempts from zero. */
  ck_assert_int_eq(cairn_outbox_retry(st, id, &e), 0);
  ck_assert_int_eq(count("status = 'queued' AND attempts = 0"), 1);
  ck_assert_int_eq(cairn_outbox_retry(st, id + 100, &e), CAIRN_ENOTFOUND);
}
END_TEST

START_TEST(a_refusal_fails_at_once_and_an_unknown_outcome_stays_claimed) {
  long long a = 0, b = 0;
  cairn_error e = {0};
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org", NULL, "A", "t", NULL, &a, &e), 0);
  ck_assert_int_eq(cairn_outbox_queue(req, "b@b.org", NULL, "B", "t", NULL, &b, &e), 0);
  long long t = (long long)time(NULL);
  ck_assert_int_eq(cairn_outbox_claim(st, a, t, 60, "s", &e), 1);
  ck_assert_int_eq(cairn_outbox_finish(st, a, "s", CAIRN_SMTP_REFUSED, "550", 1, t, &e), 0);
  ck_assert_int_eq(count("status = 'failed' AND subject = 'A'"), 1);
  ck_assert_int_eq(cairn_outbox_claim(st, b, t, 60, "s", &e), 1);
  ck_assert_int_eq(cairn_outbox_finish(st, b, "s", CAIRN_SMTP_UNKNOWN, "no answer", 1, t, &e), 0);
  ck_assert_int_eq(count("status = 'sending' AND subject = 'B' AND last_error = 'no answer'"), 1);
  ck_assert_int_eq(cairn_outbox_retry(st, b, &e), CAIRN_ECONFLICT);
}
END_TEST

START_TEST(public_url_joins_local_paths_only) {
  ck_assert_str_eq(cairn_public_url(req, "/c/abc"), "https://clinic.example/c/abc");
  ck_assert_ptr_null(cairn_public_url(req, "c/abc"));
  ck_assert_ptr_null(cairn_public_url(req, "//evil.example/x"));
  ck_assert_ptr_null(cairn_public_url(req, "/a\r\nb"));
  ck_assert_ptr_null(cairn_public_url(req, "/a b"));
  cfg.public_url = NULL;
  ck_assert_ptr_null(cairn_public_url(req, "/c/abc"));
}
END_TEST

START_TEST(without_mail_settings_nothing_is_queued) {
  cairn_error e = {0};
  cfg.mail = NULL;
  ck_assert_int_eq(cairn_outbox_queue(req, "a@b.org", NULL, "Hi", "t", NULL,
                                      NULL, &e), CAIRN_EINVAL);
  ck_assert_int_eq(count("1"), 0);
}
END_TEST

static Suite *mail_suite(void) {
  Suite *s = suite_create("mail");
  TCase *a = tcase_create("addresses");
  tcase_add_test(a, addresses_that_are_addresses_pass);
  tcase_add_test(a, anything_else_is_refused_naming_the_field);
  tcase_add_test(a, line_breaks_in_an_address_say_so);
  tcase_add_test(a, names_refuse_cr_lf_quotes_and_length);
  tcase_add_test(a, backoff_doubles_from_a_minute_and_stops_at_the_cap);
  tcase_add_test(a, public_url_takes_a_base_and_refuses_the_rest);
  tcase_add_test(a, message_lines_stay_short_and_headers_are_encoded);
  suite_add_tcase(s, a);
  TCase *o = tcase_create("outbox");
  tcase_add_checked_fixture(o, setup, teardown);
  tcase_add_test(o, queue_writes_one_row_with_a_fixed_message_id);
  tcase_add_test(o, a_refused_address_queues_nothing);
  tcase_add_test(o, a_message_queued_in_a_rolled_back_transaction_is_gone);
  tcase_add_test(o, a_row_is_claimed_once_until_its_claim_goes_stale);
  tcase_add_test(o, a_deferred_message_waits_then_fails_after_the_last_attempt);
  tcase_add_test(o, a_refusal_fails_at_once_and_an_unknown_outcome_stays_claimed);
  tcase_add_test(o, public_url_joins_local_paths_only);
  tcase_add_test(o, without_mail_settings_nothing_is_queued);
  suite_add_tcase(s, o);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(mail_suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
