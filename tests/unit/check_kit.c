/*
** check_kit.c -- the level-3 kit, called through the host table as a
** plugin calls it (cairn_host_table.<entry>): dates, text, documents,
** the form model, tokens and hashing; and the write path the kit makes
** possible: an arena cleanup disarmed when the store takes a document,
** and a record body validated at most twice (again only when the check
** hook changed it).
**
** CAIRN_TEST_DATA is tests/unit/data (note.xsd: the test:Note record).
*/
#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libxml/xpathInternals.h>
#include <sodium.h>

#include "cairn_int.h"
#include "access.h"
#include "store_db.h"

#ifndef CAIRN_TEST_DATA
#define CAIRN_TEST_DATA "tests/unit/data"
#endif

#define NS "urn:cairn:test"

static const cairn_api *api = &cairn_host_table;
static cairn_arena *arena;
static cairn_req req;

/* A request in a fresh arena, "today" fixed at 2026-12-03 (a Thursday). */
static void req_setup(void) {
  arena = cairn_arena_new();
  memset(&req, 0, sizeof req);
  req.arena = arena;
  req.method = "POST";
  req.path = "/";
  req.content_type = "";
  req.actor = "cli:tester";
  snprintf(req.today, sizeof req.today, "2026-12-03");
}

static void req_teardown(void) {
  cairn_arena_free(arena);
  arena = NULL;
}

/* ================================================================ table */

/* Every entry of the host table is filled: a missing designated
** initializer would leave a NULL that a plugin calls. */
START_TEST(host_table_has_no_empty_entry) {
  const unsigned char *base = (const unsigned char *)api;
  size_t first = offsetof(cairn_api, req_method);
  ck_assert_uint_eq(api->size, sizeof(cairn_api));
  ck_assert_uint_eq(api->api_level, CAIRN_API_LEVEL);
  ck_assert_uint_eq((sizeof(cairn_api) - first) % sizeof(void (*)(void)), 0);
  for (size_t off = first; off < sizeof(cairn_api);
       off += sizeof(void (*)(void))) {
    void (*fn)(void);
    memcpy(&fn, base + off, sizeof fn);
    ck_assert_msg(fn != NULL, "host table entry at offset %zu is NULL", off);
  }
  ck_assert(CAIRN_API_HAS(api, cli_print));
  ck_assert(CAIRN_API_HAS(api, doc_text_attr));
  /* a level-2 host's table ends before doc_root */
  cairn_api older = *api;
  older.size = offsetof(cairn_api, doc_root);
  ck_assert(CAIRN_API_HAS(&older, doc_text_attr));
  ck_assert(!CAIRN_API_HAS(&older, doc_root));
  ck_assert(!CAIRN_API_HAS(&older, cli_print));
}
END_TEST

/* ================================================================ dates */

static long day(const char *s) {
  long d = 0;
  ck_assert_msg(api->date_parse(s, &d) == 0, "%s should parse", s);
  return d;
}

START_TEST(dates_parse_real_days_and_refuse_the_rest) {
  long d;
  ck_assert_int_eq(day("1970-01-01"), 0);
  ck_assert_int_eq(day("1900-01-01"), -25567);   /* the first day allowed */
  ck_assert_int_eq(day("2199-12-31"), 84005);    /* the last */
  ck_assert_int_eq(day("2026-12-03"), 20790);
  ck_assert_int_eq(day("2024-02-29") + 1, day("2024-03-01"));  /* leap */
  ck_assert_int_eq(day("2000-02-29") + 1, day("2000-03-01"));  /* 400 */
  static const char *const bad[] = {
    "2023-02-29", "1900-02-29", "2100-02-29",  /* not leap years */
    "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
    "1899-12-31", "2200-01-01",                /* outside 1900..2199 */
    "2026-2-03", "26-02-03", "2026/02/03", "2026-02-03x", " 2026-02-03",
    "2026-02-3 ", "", "yyyy-mm-dd", "2026-0a-03", NULL };
  for (const char *const *s = bad; *s; s++)
    ck_assert_msg(api->date_parse(*s, &d) == CAIRN_EINVAL, "%s parsed", *s);
  ck_assert_int_eq(api->date_parse(NULL, &d), CAIRN_EINVAL);
}
END_TEST

/* Every day from 1900 to 2199 formats and parses back to itself, and
** consecutive days follow the calendar. */
START_TEST(dates_round_trip_every_day_of_the_range) {
  long first = day("1900-01-01"), last = day("2199-12-31");
  char prev[11] = "";
  /* Plain ifs inside the loop: each ck_assert marks a point through
  ** Check's pipe, and 110,000 of them outlast its timeout on a busy
  ** machine. */
  for (long d = first; d <= last; d++) {
    const char *s = api->date_format(&req, d);
    long back = -1;
    if (api->date_parse(s, &back) != 0 || back != d)
      ck_abort_msg("%ld -> %s -> %ld", d, s, back);
    if (strcmp(prev, s) >= 0) ck_abort_msg("%s after %s", s, prev);
    memcpy(prev, s, sizeof prev);
  }
  ck_assert_str_eq(api->date_format(&req, 0), "1970-01-01");
  ck_assert_str_eq(api->date_format(&req, day("2026-02-28") + 1),
                   "2026-03-01");
}
END_TEST

START_TEST(dates_week_start_is_monday) {
  ck_assert_int_eq(api->date_weekday(0), 4);                /* Thursday */
  ck_assert_int_eq(api->date_weekday(day("2026-12-03")), 4);
  ck_assert_int_eq(api->date_weekday(day("2026-12-06")), 7);  /* Sunday */
  ck_assert_int_eq(api->date_weekday(day("2026-11-30")), 1);  /* Monday */
  ck_assert_int_eq(api->date_weekday(day("1969-12-29")), 1);  /* before 0 */
  ck_assert_int_eq(api->date_week_start(day("2026-12-06")),
                   day("2026-11-30"));
  ck_assert_int_eq(api->date_week_start(day("2026-11-30")),
                   day("2026-11-30"));
  ck_assert_int_eq(api->date_week_start(day("1970-01-01")),
                   day("1969-12-29"));
  ck_assert_int_eq(api->date_week_start(day("1900-01-01")),
                   day("1900-01-01"));   /* 1900-01-01 was a Monday */
  ck_assert_int_eq(api->date_today(&req), day("2026-12-03"));
}
END_TEST

/* ================================================================= text */

START_TEST(url_encode_leaves_only_unreserved_bytes) {
  ck_assert_str_eq(api->url_encode(&req, "a b&c=d/\xC3\xA9~-._"),
                   "a%20b%26c%3Dd%2F%C3%A9~-._");
  ck_assert_str_eq(api->url_encode(&req, "100%+?#"), "100%25%2B%3F%23");
  ck_assert_str_eq(api->url_encode(&req, ""), "");
  ck_assert_str_eq(api->url_encode(&req, NULL), "");
}
END_TEST

START_TEST(text_check_counts_characters_and_refuses_controls) {
  cairn_error e = {0};
  ck_assert_int_eq(api->text_check("fine", 10, 0, "reason", "The reason",
                                   &e), 0);
  /* bad UTF-8: a lone lead byte, an overlong '/', a surrogate */
  static const char *const bad[] = { "\xC3(", "\xC0\xAF", "\xED\xA0\x80",
                                     NULL };
  for (const char *const *s = bad; *s; s++) {
    ck_assert_int_eq(api->text_check(*s, 10, 0, "reason", "The reason", &e),
                     CAIRN_EINVAL);
    ck_assert_str_eq(e.field, "reason");
    ck_assert_ptr_nonnull(strstr(e.message, "The reason"));
    ck_assert_ptr_nonnull(strstr(e.message, "UTF-8"));
  }
  /* four characters in eight bytes: the limit counts characters */
  const char *four = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";
  ck_assert_int_eq(api->text_check(four, 4, 0, "n", "The name", &e), 0);
  ck_assert_int_eq(api->text_check(four, 3, 0, "n", "The name", &e),
                   CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "4 characters"));
  ck_assert_ptr_nonnull(strstr(e.message, "at most 3"));
  /* controls: C0, DEL, C1 (U+0085); line breaks only when multiline */
  ck_assert_int_eq(api->text_check("a\x01" "b", 10, 0, "n", "It", &e),
                   CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "control character"));
  ck_assert_int_eq(api->text_check("a\x7F", 10, CAIRN_TEXT_MULTILINE, "n",
                                   "It", &e), CAIRN_EINVAL);
  ck_assert_int_eq(api->text_check("a\xC2\x85", 10, CAIRN_TEXT_MULTILINE,
                                   "n", "It", &e), CAIRN_EINVAL);
  ck_assert_int_eq(api->text_check("a\nb", 10, 0, "n", "It", &e),
                   CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "one line"));
  ck_assert_int_eq(api->text_check("a\r\n\tb", 10, CAIRN_TEXT_MULTILINE,
                                   "n", "It", &e), 0);
  ck_assert_int_eq(api->utf8_valid(four, strlen(four)), 1);
  ck_assert_int_eq(api->utf8_valid(four, 3), 0);   /* cut mid-character */
}
END_TEST

START_TEST(fail_cuts_at_a_character_boundary) {
  cairn_error e = {0};
  char big[1000];
  for (size_t i = 0; i + 2 < sizeof big; i += 2) memcpy(big + i, "\xC3\xA9", 2);
  big[sizeof big - 2] = '\0';
  ck_assert_int_eq((api->fail)(&e, CAIRN_EINVAL, "f", "%s", big), CAIRN_EINVAL);
  ck_assert_int_eq(e.code, CAIRN_EINVAL);
  ck_assert_int_eq(cairn_utf8_valid(e.message, strlen(e.message)), 1);
  ck_assert_int_eq((api->fail)(NULL, CAIRN_EDB, NULL, "x"), CAIRN_EDB);
}
END_TEST

START_TEST(format_number_groups_and_rounds_half_away_from_zero) {
  ck_assert_str_eq(api->format_number(&req, 1680, 2), "1,680.00");
  ck_assert_str_eq(api->format_number(&req, 0, 0), "0");
  ck_assert_str_eq(api->format_number(&req, 123, 0), "123");
  ck_assert_str_eq(api->format_number(&req, 1234, 0), "1,234");
  ck_assert_str_eq(api->format_number(&req, 999999, 0), "999,999");
  ck_assert_str_eq(api->format_number(&req, 1000000, 0), "1,000,000");
  ck_assert_str_eq(api->format_number(&req, -1234567.891, 1),
                   "-1,234,567.9");
  ck_assert_str_eq(api->format_number(&req, 2.675, 2), "2.68");
  ck_assert_str_eq(api->format_number(&req, 999.995, 2), "1,000.00");
  ck_assert_str_eq(api->format_number(&req, 0.5, 0), "1");
  ck_assert_str_eq(api->format_number(&req, -0.5, 0), "-1");
  ck_assert_str_eq(api->format_number(&req, 2.5, 0), "3");
  ck_assert_str_eq(api->format_number(&req, -0.004, 2), "0.00");
  ck_assert_str_eq(api->format_number(&req, 12.5, 9), "12.500000");
  ck_assert_str_eq(api->format_number(&req, NAN, 2), "-");
}
END_TEST

/* ============================================================ documents */

/* <Obs xmlns="urn:t" kind="pain"><score>7</score><item n="1">a</item>
**  <item n="2">b</item><item n="3">c</item></Obs> */
static cairn_doc *sample(void) {
  cairn_doc *d = api->doc_new(&req, "urn:t", "Obs");
  api->doc_attr(d, "kind", "pain");
  api->doc_text(d, "score", "7");
  for (int i = 1; i <= 3; i++) {
    char n[4];
    snprintf(n, sizeof n, "%d", i);
    api->doc_text_attr(d, "item", "n", n, i == 1 ? "a" : i == 2 ? "b" : "c");
  }
  return d;
}

START_TEST(doc_reads_values_numbers_and_counts) {
  cairn_doc *d = sample();
  double v = 0;
  ck_assert_str_eq(api->node_name(api->doc_root(d)), "Obs");
  ck_assert_str_eq(api->doc_value(d, NULL, "r:score"), "7");
  ck_assert_str_eq(api->doc_value(d, NULL, "@kind"), "pain");
  ck_assert_str_eq(api->doc_value(d, NULL, "r:missing"), "");
  ck_assert_int_eq(api->doc_number(d, NULL, "r:score", &v), 0);
  ck_assert(v == 7.0);
  ck_assert_int_eq(api->doc_number(d, NULL, "r:item[1]", &v),
                   CAIRN_ENOTFOUND);   /* "a" is not a number */
  ck_assert_int_eq(api->doc_number(d, NULL, "r:none", &v), CAIRN_ENOTFOUND);
  ck_assert_int_eq(api->doc_count(d, NULL, "r:item"), 3);
  ck_assert_int_eq(api->doc_count(d, NULL, "r:item[@n > 1]"), 2);
  ck_assert_int_eq(api->doc_count(d, NULL, "r:nothing"), 0);
  /* "" is an element with no child node (an XSD empty element accepts
  ** it), not one holding an empty text node. */
  api->doc_text(d, "flag", "");
  ck_assert_int_eq(api->doc_count(d, NULL, "r:flag"), 1);
  ck_assert_int_eq(api->doc_count(d, NULL, "r:flag/node()"), 0);
  api->doc_text_attr(d, "mark", "n", "1", "");
  ck_assert_int_eq(api->doc_count(d, NULL, "r:mark/node()"), 0);
}
END_TEST

START_TEST(doc_iterates_children_by_name) {
  cairn_doc *d = sample();
  char seen[16] = "";
  for (cairn_node *n = api->node_child(d, NULL, "item"); n;
       n = api->node_next(n, "item")) {
    strcat(seen, api->node_attr(d, n, "n"));
    strcat(seen, api->node_text(d, n));
  }
  ck_assert_str_eq(seen, "1a2b3c");
  cairn_node *first = api->node_child(d, NULL, NULL);
  ck_assert_str_eq(api->node_name(first), "score");
  ck_assert_str_eq(api->node_name(api->node_next(first, NULL)), "item");
  ck_assert_ptr_null(api->node_attr(d, first, "absent"));
  ck_assert_ptr_null(api->node_child(d, NULL, "absent"));
  /* XPath relative to a node */
  cairn_node *second = api->node_next(api->node_child(d, NULL, "item"),
                                      "item");
  ck_assert_str_eq(api->doc_value(d, second, "@n"), "2");
}
END_TEST

START_TEST(doc_edits_remove_insert_and_build_at_a_node) {
  cairn_doc *d = sample();
  ck_assert_int_eq(d->dirty, 1);   /* built, so changed */
  d->dirty = 0;
  ck_assert_int_eq(api->doc_remove(d, NULL, "r:item[@n != 2]"), 2);
  ck_assert_int_eq(d->dirty, 1);
  ck_assert_int_eq(api->doc_count(d, NULL, "r:item"), 1);
  ck_assert_int_eq(api->doc_remove(d, NULL, "/*"), 0);  /* never the root */
  cairn_node *item = api->node_child(d, NULL, "item");
  cairn_node *n = api->doc_insert_before(d, item, "note", "x < y & z");
  ck_assert_str_eq(api->node_name(api->node_next(n, NULL)), "item");
  ck_assert_str_eq(api->doc_value(d, NULL, "r:note"), "x < y & z");
  api->doc_at(d, item);
  api->doc_text(d, "sub", "inside");
  ck_assert_str_eq(api->doc_value(d, NULL, "r:item/r:sub"), "inside");
  api->doc_at(d, NULL);
  api->doc_text(d, "tail", "end");
  ck_assert_str_eq(api->node_name(api->node_next(item, NULL)), "tail");
  /* removing the builder's current element moves it to the root */
  api->doc_at(d, item);
  ck_assert_int_eq(api->doc_remove(d, NULL, "r:item"), 1);
  api->doc_text(d, "after", "ok");
  ck_assert_str_eq(api->doc_value(d, NULL, "r:after"), "ok");
}
END_TEST

START_TEST(record_body_is_read_only_and_take_empties) {
  cairn_doc *d = sample();
  cairn_record rec = { .id = 1, .body = d->xml, .arena = arena };
  cairn_doc *body = api->record_body(&req, &rec);
  ck_assert_str_eq(api->doc_value(body, NULL, "r:score"), "7");
  api->doc_text(body, "extra", "no");
  ck_assert_int_eq(api->doc_remove(body, NULL, "r:score"), 0);
  ck_assert_ptr_null(api->doc_insert_before(body, NULL, "x", "y"));
  ck_assert_int_eq(body->dirty, 0);
  ck_assert_int_eq(api->doc_count(d, NULL, "r:extra"), 0);
  ck_assert_ptr_null(cairn_doc_take(body));   /* borrowed: not ours */
  xmlDocPtr x = cairn_doc_take(d);
  ck_assert_ptr_nonnull(x);
  ck_assert_ptr_null(cairn_doc_take(d));
  ck_assert_str_eq(api->doc_value(d, NULL, "r:score"), "");
  ck_assert_ptr_null(api->doc_root(d));
  api->doc_text(d, "ignored", "x");            /* refused, no crash */
  xmlFreeDoc(x);   /* ours now; the arena must not free it again */
}
END_TEST

/* ============================================================ the form */

static const char *const colours[] = { "red", "Red", "blue", "Blue", NULL };
static const cairn_field fields[] = {
  { .name = "name", .label = "Name", .kind = CAIRN_FIELD_TEXT,
    .flags = CAIRN_FIELD_REQUIRED, .max = 5 },
  { .name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA },
  { .name = "born", .label = "Date of birth", .kind = CAIRN_FIELD_DATE },
  { .name = "due", .label = "Due", .kind = CAIRN_FIELD_DATE,
    .flags = CAIRN_FIELD_FUTURE },
  { .name = "pain", .label = "Pain", .kind = CAIRN_FIELD_INTEGER,
    .min = 0, .max = 10 },
  { .name = "dose", .label = "Dose", .kind = CAIRN_FIELD_NUMBER,
    .min = 0.5, .max = 40, .hint = "mg" },
  { .name = "colour", .label = "Colour", .kind = CAIRN_FIELD_SELECT,
    .choices = colours },
  { .name = "side", .label = "Side", .kind = CAIRN_FIELD_RADIO,
    .flags = CAIRN_FIELD_REQUIRED, .choices = colours },
  { .name = "agree", .label = "Agree", .kind = CAIRN_FIELD_CHECKBOX },
  { .name = "email", .label = "Email", .kind = CAIRN_FIELD_EMAIL },
  { .name = "token", .label = "Token", .kind = CAIRN_FIELD_HIDDEN },
  { .name = NULL }
};

/* Post name=value pairs as an urlencoded form (values already decoded). */
static void post(const char *const *kv) {
  size_t n = 0;
  while (kv[2 * n]) n++;
  req.content_type = "application/x-www-form-urlencoded";
  req.form = cairn_arena_alloc(arena, (n + 1) * sizeof *req.form);
  for (size_t i = 0; i < n; i++) {
    req.form[i].name = kv[2 * i];
    req.form[i].value = kv[2 * i + 1];
  }
  req.n_form = n;
}

/* The message the form holds for `field`, or NULL. */
static const char *message_for(cairn_form *f, const char *field) {
  cairn_doc *d = api->doc_new(&req, NULL, "page");
  api->form_doc(d, f, "/x", "Save");
  char xp[96];
  snprintf(xp, sizeof xp, "form/error[@field = '%s']", field);
  if (api->doc_count(d, NULL, xp) == 0) return NULL;
  return api->doc_value(d, NULL, xp);
}

START_TEST(form_accepts_good_input_trimmed) {
  static const char *const kv[] = {
    "name", "  Ann ", "note", "line one\nline two", "born", "1980-02-29",
    "due", "2030-01-01", "pain", "7", "dose", "2.5", "colour", "blue",
    "side", "red", "agree", "yes", "email", "ann@example.org",
    "token", "abc", NULL };
  post(kv);
  cairn_form *f = api->form_new(&req, "t", fields);
  ck_assert_int_eq(api->form_bind(f), 0);
  ck_assert_str_eq(api->form_value(f, "name"), "Ann");
  ck_assert_str_eq(api->form_value(f, "pain"), "7");
  ck_assert_str_eq(api->form_value(f, "unknown"), "");
  ck_assert_int_eq(api->form_errors(f), 0);
}
END_TEST

START_TEST(form_says_what_is_wrong_with_each_kind) {
  static const char *const kv[] = {
    "name", "Annabel", "note", "bad\x01", "born", "2026-02-30",
    "due", "soon", "pain", "11", "dose", "1e3", "colour", "green",
    "side", "", "agree", "on", "email", "ann@", "token", "a\nb", NULL };
  post(kv);
  cairn_form *f = api->form_new(&req, "t", fields);
  ck_assert_int_eq(api->form_bind(f), 11);
  static const struct { const char *field, *says; } want[] = {
    { "name", "Name is 7 characters long; at most 5" },
    { "note", "Note has an invisible control character" },
    { "born", "2026-02-30 is not a date in the calendar" },
    { "due", "Due: enter a date as year-month-day" },
    { "pain", "Pain must be between 0 and 10" },
    { "dose", "Dose: enter a number" },
    { "colour", "Colour: choose one of the options" },
    { "side", "Side: choose one" },
    { "agree", "Agree: tick the box or leave it empty" },
    { "email", "Email: enter an email address" },
    { "token", "Token must be one line" },
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const char *m = message_for(f, want[i].field);
    ck_assert_msg(m != NULL, "no message for %s", want[i].field);
    ck_assert_msg(strstr(m, want[i].says) != NULL, "%s: \"%s\"",
                  want[i].field, m);
  }
}
END_TEST

START_TEST(form_refuses_future_dates_and_missing_required) {
  static const char *const kv[] = { "born", "2026-12-04", "due",
                                    "2026-12-04", "pain", "4.5", NULL };
  post(kv);
  cairn_form *f = api->form_new(&req, "t", fields);
  ck_assert_int_eq(api->form_bind(f), 4);   /* name, side, born, pain */
  ck_assert_ptr_nonnull(strstr(message_for(f, "born"),
                               "cannot be after today (2026-12-03)"));
  ck_assert_ptr_null(message_for(f, "due"));   /* FUTURE allows it */
  ck_assert_ptr_nonnull(strstr(message_for(f, "name"), "required"));
  ck_assert_ptr_nonnull(strstr(message_for(f, "pain"), "whole number"));
}
END_TEST

START_TEST(form_binds_the_children_of_an_xml_body) {
  static const char body[] =
      "<Obs xmlns='urn:t'><name> Bo </name><pain>3</pain>"
      "<side>blue</side><stray>x</stray></Obs>";
  req.content_type = "application/xml";
  req.body = body;
  req.body_len = strlen(body);
  cairn_form *f = api->form_new(&req, "t", fields);
  ck_assert_int_eq(api->form_bind(f), 0);
  ck_assert_str_eq(api->form_value(f, "name"), "Bo");
  ck_assert_str_eq(api->form_value(f, "pain"), "3");
  ck_assert_str_eq(api->form_value(f, "stray"), "");  /* not declared */
  /* a body that is not XML is one message about the whole form */
  req.body = "<Obs>";
  req.body_len = 5;
  f = api->form_new(&req, "t", fields);
  ck_assert_int_eq(api->form_bind(f), 1);
  ck_assert_ptr_nonnull(message_for(f, ""));
}
END_TEST

START_TEST(form_doc_keeps_what_was_typed) {
  static const char *const kv[] = { "name", "<b>Al</b>", "pain", "x", NULL };
  post(kv);
  cairn_form *f = api->form_new(&req, "move", fields);
  api->form_bind(f);
  api->form_set(f, "computed", "42");
  cairn_error he = {0};
  cairn_fail(&he, CAIRN_ECONFLICT, "dose", "changed meanwhile");
  api->form_host_error(f, &he);
  cairn_fail(&he, CAIRN_EDB, "nowhere", "database down");
  api->form_host_error(f, &he);
  api->form_error(f, NULL, "whole form");
  cairn_doc *d = api->doc_new(&req, NULL, "page");
  api->form_doc(d, f, "/patients/1/moves", "Continue");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/@id"), "move");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/@action"),
                   "/patients/1/moves");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/@submit"), "Continue");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/value[@name='name']"),
                   "<b>Al</b>");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/value[@name='pain']"), "x");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/value[@name='computed']"),
                   "42");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/error[@field='dose']"),
                   "changed meanwhile");
  ck_assert_int_eq(api->doc_count(d, NULL, "form/error[@field='']"), 2);
  ck_assert_int_eq(api->doc_count(d, NULL, "form/field"), 11);
  ck_assert_str_eq(api->doc_value(d, NULL, "form/field[@name='side']/@kind"),
                   "radio");
  ck_assert_str_eq(api->doc_value(d, NULL,
                                  "form/field[@name='name']/@required"),
                   "yes");
  ck_assert_str_eq(api->doc_value(d, NULL,
                                  "form/field[@name='dose']/@hint"), "mg");
  ck_assert_str_eq(api->doc_value(d, NULL, "form/field[@name='pain']/@max"),
                   "10");
  ck_assert_int_eq(api->doc_count(d, NULL,
                                  "form/field[@name='colour']/option"), 2);
  ck_assert_str_eq(api->doc_value(d, NULL,
                   "form/field[@name='colour']/option[2]/@label"), "Blue");
  ck_assert_int_eq(api->form_errors(f), 6);  /* name, pain, side; 2 host; 1 */
}
END_TEST

/* ==================================================== tokens and hashes */

START_TEST(random_token_is_base64url_of_its_length) {
  const char *a = api->random_token(&req, 32), *b = api->random_token(&req, 32);
  ck_assert_uint_eq(strlen(a), 43);
  ck_assert_str_ne(a, b);
  ck_assert_uint_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                              "vwxyz0123456789-_"), 43);
  ck_assert_uint_eq(strlen(api->random_token(&req, 16)), 22);
  ck_assert_uint_eq(strlen(api->random_token(&req, 1)), 22);   /* >= 16 */
  ck_assert_uint_eq(strlen(api->random_token(&req, 999)), 86); /* <= 64 */
  unsigned char z[32] = {0}, r[32] = {0};
  api->random_bytes(r, sizeof r);
  ck_assert_int_eq(api->equal_ct(z, r, sizeof r), 0);
}
END_TEST

START_TEST(hash_is_blake2b_256) {
  static const unsigned char abc[32] = {   /* RFC 7693's "abc", 256-bit */
    0xbd, 0xdd, 0x81, 0x3c, 0x63, 0x42, 0x39, 0x72, 0x31, 0x71, 0xef,
    0x3f, 0xee, 0x98, 0x57, 0x9b, 0x94, 0x96, 0x4e, 0x3b, 0xb1, 0xcb,
    0x3e, 0x42, 0x72, 0x62, 0xc8, 0xc0, 0x68, 0xd5, 0x23, 0x19 };
  unsigned char out[32], keyed[32], key[16] = "0123456789abcdef";
  api->hash(out, "abc", 3, NULL, 0);
  ck_assert_int_eq(memcmp(out, abc, 32), 0);
  api->hash(keyed, "abc", 3, key, sizeof key);
  ck_assert_int_ne(memcmp(keyed, abc, 32), 0);
  api->hash(keyed, "abc", 3, key, 8);   /* a key too short: all zeros */
  ck_assert_int_eq(memcmp(keyed, (unsigned char[32]){0}, 32), 0);
  ck_assert_int_eq(api->equal_ct(out, abc, 32), 1);
  out[31] ^= 1;
  ck_assert_int_eq(api->equal_ct(out, abc, 32), 0);
  ck_assert_int_eq(api->equal_ct(out, abc, 0), 1);
}
END_TEST

/* =========================================================== write path */

static int ran;
static void count_run(void *p) { (void)p; ran++; }

START_TEST(arena_cleanup_can_be_disarmed) {
  cairn_arena *a = cairn_arena_new();
  ran = 0;
  cairn_arena_cleanup(a, count_run, NULL);
  cairn_arena_cleanup_h *h = cairn_arena_cleanup(a, count_run, NULL);
  cairn_arena_cleanup(a, count_run, NULL);
  cairn_arena_cleanup_disarm(h);
  cairn_arena_cleanup_disarm(h);      /* twice is harmless */
  cairn_arena_cleanup_disarm(NULL);
  cairn_arena_reset(a);
  ck_assert_int_eq(ran, 2);
  cairn_arena_reset(a);               /* cleanups run once */
  ck_assert_int_eq(ran, 2);
  cairn_arena_free(a);
}
END_TEST

/* The store, with one record type test:Note whose check hook does what
** hook_mode says: 0 reads only, 1 sets <checked> through the kit, 2 sets an
** out-of-range score through the kit (the second validation refuses). */
static int hook_mode;
static int note_hook(cairn_req *r, cairn_doc *body, cairn_error *err) {
  (void)r;
  (void)err;
  ck_assert_str_eq(api->doc_value(body, NULL, "r:subject"), "hello");
  if (hook_mode == 1) {
    api->doc_remove(body, NULL, "r:checked");
    api->doc_at(body, NULL);
    api->doc_text(body, "checked", "yes");
  } else if (hook_mode == 2) {
    api->doc_insert_before(body, api->node_child(body, NULL, "checked"),
                           "score", "99");
  }
  return 0;
}

static const cairn_projection note_proj[] = {
  { .column = "subject", .xpath = "r:subject", .type = CAIRN_COL_TEXT },
  { .column = NULL } };
static const cairn_record_type note_types[] = {
  { .name = "test:Note", .ns = NS, .root = "Note", .xsd = "note.xsd",
    .table = "test_note", .projections = note_proj, .check = note_hook },
  { .name = NULL } };
static const cairn_plugin note_plugin = {
  CAIRN_PLUGIN_MAGIC, .name = "test", .version = "0", .api_level = 3,
  .record_types = note_types };

static char dir[64], dbpath[96];
static cairn_loaded loaded;
static cairn_rtype rtype;
static cairn_registry reg;
static cairn_store *store;

static void store_setup(void) {
  cairn_error e = {0};
  req_setup();
  cairn_xml_init(CAIRN_TEST_DATA);
  snprintf(dir, sizeof dir, "/tmp/cairn-kit-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(dbpath, sizeof dbpath, "%s/kit.db", dir);
  memset(&rtype, 0, sizeof rtype);
  rtype.schema = cairn_xml_schema_load(CAIRN_TEST_DATA "/note.xsd", &e);
  ck_assert_msg(rtype.schema != NULL, "%s", e.message);
  loaded.desc = &note_plugin;
  rtype.decl = &note_types[0];
  rtype.plugin = &loaded;
  rtype.n_proj = 1;
  rtype.proj = calloc(1, sizeof *rtype.proj);
  xmlXPathContextPtr xc = xmlXPathNewContext(NULL);
  xmlXPathRegisterNs(xc, BAD_CAST "r", BAD_CAST NS);
  rtype.proj[0] = xmlXPathCtxtCompile(xc, BAD_CAST "r:subject");
  xmlXPathFreeContext(xc);
  reg = (cairn_registry){ .plugins = &loaded, .n_plugins = 1,
                          .types = &rtype, .n_types = 1,
                          .schemas_dir = CAIRN_TEST_DATA };
  ck_assert_msg(cairn_store_open(dbpath, &reg, &store, &e) == 0, "open: %s",
                e.message);
  req.reg = &reg;
  req.store = store;
}

static void store_teardown(void) {
  char cmd[128];
  req_teardown();
  cairn_store_close(store);
  xmlXPathFreeCompExpr(rtype.proj[0]);
  free(rtype.proj);
  xmlSchemaFree(rtype.schema);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* POST a Note as application/xml and store it through the host table;
** returns record_create's status, *validations how many schema
** validations the whole request ran. */
static int post_note(const char *body, unsigned long *validations,
                     cairn_error *e) {
  req.content_type = "application/xml";
  req.body = body;
  req.body_len = strlen(body);
  unsigned long before = cairn_xml_validations;
  cairn_doc *d = api->req_body_record(&req, "test:Note", e);
  ck_assert_msg(d != NULL, "body: %s", e->message);
  long long id = 0;
  int rc = api->record_create(&req, "test:Note", 0, d, &id, e);
  *validations = cairn_xml_validations - before;
  ck_assert_ptr_null(d->xml);   /* taken, not copied */
  return rc;
}

static const char note[] =
    "<Note xmlns='urn:cairn:test'><subject>hello</subject></Note>";

START_TEST(unchanged_body_is_validated_once) {
  unsigned long n = 0;
  cairn_error e = {0};
  hook_mode = 0;
  ck_assert_msg(post_note(note, &n, &e) == 0, "%s", e.message);
  ck_assert_uint_eq(n, 1);   /* req_body_record's; the store trusts it */
}
END_TEST

START_TEST(body_changed_by_the_hook_is_validated_again) {
  unsigned long n = 0;
  cairn_error e = {0};
  hook_mode = 1;
  ck_assert_msg(post_note(note, &n, &e) == 0, "%s", e.message);
  ck_assert_uint_eq(n, 2);
  hook_mode = 2;   /* the change breaks the schema: refused */
  ck_assert_int_eq(post_note(note, &n, &e), CAIRN_EINVAL);
  ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(built_body_is_validated_before_the_hook) {
  cairn_error e = {0};
  hook_mode = 0;
  cairn_doc *d = api->doc_new(&req, NS, "Note");
  api->doc_text(d, "subject", "hello");
  unsigned long before = cairn_xml_validations;
  ck_assert_msg(api->record_create(&req, "test:Note", 0, d, NULL, &e) == 0,
                "%s", e.message);
  ck_assert_uint_eq(cairn_xml_validations - before, 1);
  /* a body edited after req_body_record is validated by the store */
  req.content_type = "application/xml";
  req.body = note;
  req.body_len = strlen(note);
  d = api->req_body_record(&req, "test:Note", &e);
  api->doc_text(d, "score", "99");
  before = cairn_xml_validations;
  ck_assert_int_eq(api->record_create(&req, "test:Note", 0, d, NULL, &e),
                   CAIRN_EINVAL);
  ck_assert_uint_eq(cairn_xml_validations - before, 1);
}
END_TEST

/* ============================================================= sections */

static int fills;              /* how many fill calls the test saw */

static int fill_lines(cairn_req *r, long long patient, long long episode,
                      cairn_doc *doc, cairn_error *err) {
  (void)err;
  fills++;
  api->doc_open(doc, "line");                 /* left open on purpose */
  api->doc_attr(doc, "label", "Stage");
  api->doc_attr(doc, "patient", api->req_printf(r, "%lld", patient));
  api->doc_attr(doc, "episode", api->req_printf(r, "%lld", episode));
  return 1;
}
static int fill_nothing(cairn_req *r, long long patient, long long episode,
                        cairn_doc *doc, cairn_error *err) {
  (void)r; (void)patient; (void)episode; (void)doc; (void)err;
  fills++;
  return 0;
}
static int fill_fails(cairn_req *r, long long patient, long long episode,
                      cairn_doc *doc, cairn_error *err) {
  (void)r; (void)patient; (void)episode; (void)doc;
  fills++;
  return cairn_fail(err, CAIRN_EINTERNAL, NULL, "broken on purpose");
}

static const cairn_section sections_a[] = {
  { .slot = "episode", .title = "Exercise", .fill = fill_lines },
  { .slot = "checkpoint", .title = "Exercise", .fill = fill_nothing },
  { .slot = NULL } };
static const cairn_section sections_b[] = {
  { .slot = "episode", .title = "Herbs", .fill = fill_fails },
  { .slot = "episode", .title = "Plan", .fill = fill_nothing },
  { .slot = NULL } };
static const cairn_section sections_bad[] = {
  { .slot = "Episode!", .title = "x", .fill = fill_nothing },
  { .slot = NULL } };
static const cairn_section sections_untitled[] = {
  { .slot = "episode", .title = "", .fill = fill_nothing },
  { .slot = NULL } };

/* Each plugin's sections of the slot asked for, in load order, inside
** their own element; a fill that leaves an element open does not spill
** over; nothing, failure and something are told apart; other slots and
** plugins not initialized are not asked. */
START_TEST(sections_fill_asks_each_plugin_of_the_slot) {
  static const cairn_plugin pa = { CAIRN_PLUGIN_MAGIC, .name = "exercise",
    .version = "0", .api_level = 6, .sections = sections_a };
  static const cairn_plugin pb = { CAIRN_PLUGIN_MAGIC, .name = "herbal",
    .version = "0", .api_level = 6, .sections = sections_b };
  cairn_loaded pl[3] = { { .desc = &pa, .initialized = 1 },
                         { .desc = &pb, .initialized = 1 },
                         { .desc = &pa, .initialized = 0 } };
  cairn_registry r = { .plugins = pl, .n_plugins = 3 };
  cairn_doc *doc = api->doc_new(&req, NULL, "page");
  req.reg = &r;
  fills = 0;
  ck_assert_int_eq(api->sections_fill(&req, "episode", 7, 42, doc), 1);
  ck_assert_int_eq(fills, 3);
  api->doc_text(doc, "after", "x");          /* back at the root */
  ck_assert_str_eq(api->doc_value(doc, NULL, "count(/page/sections/section)"),
                   "3");
  ck_assert_str_eq(api->doc_value(doc, NULL, "/page/sections/@slot"), "episode");
  ck_assert_str_eq(api->doc_value(doc, NULL, "/page/sections/section[1]/@plugin"),
                   "exercise");
  ck_assert_str_eq(api->doc_value(doc, NULL,
                   "/page/sections/section[1]/line/@episode"), "42");
  ck_assert_str_eq(api->doc_value(doc, NULL,
                   "/page/sections/section[1]/line/@patient"), "7");
  ck_assert_str_eq(api->doc_value(doc, NULL, "/page/sections/section[2]/@failed"),
                   "1");
  ck_assert_str_eq(api->doc_value(doc, NULL, "/page/sections/section[3]/@empty"),
                   "1");
  ck_assert_str_eq(api->doc_value(doc, NULL, "/page/sections/section[3]/@title"),
                   "Plan");
  ck_assert_str_eq(api->doc_value(doc, NULL, "count(/page/after)"), "1");
  fills = 0;
  ck_assert_int_eq(api->sections_fill(&req, "graduation", 7, 42, doc), 0);
  ck_assert_int_eq(fills, 0);
  req.reg = NULL;
}
END_TEST

static int init_nothing(const cairn_api *a, const cairn_plugin_config *cfg,
                        cairn_error *err) {
  (void)a; (void)cfg; (void)err;
  return 0;
}

/* A slot that is not a name, a section without a title, are refused at
** load, naming the file. */
START_TEST(sections_are_checked_at_load) {
  static const cairn_plugin bad = { CAIRN_PLUGIN_MAGIC, .init = init_nothing,
    .name = "bad",
    .version = "0", .api_level = 6, .sections = sections_bad };
  static const cairn_plugin untitled = { CAIRN_PLUGIN_MAGIC, .init = init_nothing,
    .name = "bad",
    .version = "0", .api_level = 6, .sections = sections_untitled };
  static const cairn_plugin good = { CAIRN_PLUGIN_MAGIC, .init = init_nothing,
    .name = "good",
    .version = "0", .api_level = 6, .sections = sections_a };
  cairn_error e = {0};
  ck_assert_int_eq(cairn_registry_check_desc(&bad, "bad.so", &e),
                   CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "bad.so"));
  ck_assert_int_eq(cairn_registry_check_desc(&untitled, "u.so", &e),
                   CAIRN_EINVAL);
  ck_assert_msg(cairn_registry_check_desc(&good, "good.so", &e) == 0, "%s",
                e.message);
}
END_TEST

/* The error page: status, message and field in the core's shape; a
** failure's code picks the status, and what is not the caller's fault is
** handed back for the core to log. */
/* sql_prepare_kept is in the table and refuses a request with no store
** (the store tests show what it allows inside a transaction). */
START_TEST(sql_prepare_kept_needs_a_store_and_a_transaction) {
  cairn_error err = {0, "", ""};
  ck_assert_ptr_nonnull(api->sql_prepare_kept);
  ck_assert_ptr_null(api->sql_prepare_kept(&req, "DELETE FROM p_x_kept_y",
                                           &err));
  ck_assert_int_eq(err.code, CAIRN_EINTERNAL);
}
END_TEST

/* A shared page is served again only at the same data version and date,
** the least recently used one gives way, and a page too large is not
** kept. */
START_TEST(shared_pages_are_kept_per_data_version) {
  const char *body = NULL;
  size_t len = 0;
  char key[32];
  int i;
  cairn_shared_clear();
  cairn_shared_put("pricing\n/pricing\n", 7, "2026-12-03", "<p>fees</p>", 11);
  ck_assert_int_eq(cairn_shared_get("pricing\n/pricing\n", 7, "2026-12-03",
                                    &body, &len), 1);
  ck_assert_int_eq(len, 11);
  ck_assert_int_eq(memcmp(body, "<p>fees</p>", 11), 0);
  ck_assert_int_eq(cairn_shared_get("pricing\n/pricing\n", 8, "2026-12-03",
                                    &body, &len), 0);
  ck_assert_int_eq(cairn_shared_get("pricing\n/pricing\n", 7, "2026-12-04",
                                    &body, &len), 0);
  ck_assert_int_eq(cairn_shared_get("pricing\n/pricing\nq=1", 7,
                                    "2026-12-03", &body, &len), 0);
  /* sixteen more pages: the first, not served since, gives way */
  for (i = 0; i < 16; i++) {
    snprintf(key, sizeof key, "page %d", i);
    cairn_shared_put(key, 1, "2026-12-03", "x", 1);
  }
  ck_assert_int_eq(cairn_shared_get("pricing\n/pricing\n", 7, "2026-12-03",
                                    &body, &len), 0);
  ck_assert_int_eq(cairn_shared_get("page 15", 1, "2026-12-03", &body, &len),
                   1);
  {
    size_t big = 600 * 1024;
    char *b = calloc(1, big);
    cairn_shared_put("big", 1, "2026-12-03", b, big);
    free(b);
    ck_assert_int_eq(cairn_shared_get("big", 1, "2026-12-03", &body, &len), 0);
  }
  cairn_shared_clear();
}
END_TEST

/* A kept page with holes: every visitor gets the page with their own
** form token and fresh values where the marks stood, the kept copy keeps
** the marks, and a page whose mark a view cut is not kept. */
START_TEST(shared_pages_fill_each_visitors_values) {
  char body[512];
  const char *out;
  size_t len = 0;
  cairn_shared_clear();
  snprintf(body, sizeof body, "<input value=\"%s\"><input value=\"%s\">%s",
           cairn_shared_mark(0), cairn_shared_mark(1), cairn_shared_mark(0));
  req.shared_key = "form\n/form\n";
  req.shared_stamp = 3;
  req.shared_values[0] = "TOKEN-a";
  req.shared_values[1] = "1.stamp.a";
  req.shared_values[2] = NULL;
  out = cairn_shared_keep(&req, body, strlen(body), &len);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "<input value=\"TOKEN-a\"><input value=\"1.stamp.a\">"
                        "TOKEN-a");
  ck_assert_int_eq(len, strlen(out));
  req.shared_values[0] = "other_token";
  req.shared_values[1] = "2.stamp.b";
  out = cairn_shared_serve(&req, "form\n/form\n", 3, &len);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "<input value=\"other_token\"><input value=\"2.stamp.b\">"
                        "other_token");
  ck_assert_ptr_null(strstr(out, "cairnmark"));
  /* another data version: not served */
  ck_assert_ptr_null(cairn_shared_serve(&req, "form\n/form\n", 4, &len));
  /* a hole without a value is not filled */
  req.shared_values[1] = NULL;
  ck_assert_ptr_null(cairn_shared_serve(&req, "form\n/form\n", 3, &len));
  /* a mark cut short by the view: nothing kept, nothing to send */
  snprintf(body, sizeof body, "<p>%.20s</p>", cairn_shared_mark(1));
  req.shared_key = "cut\n/cut\n";
  req.shared_values[1] = "x";
  ck_assert_ptr_null(cairn_shared_keep(&req, body, strlen(body), &len));
  ck_assert_ptr_null(cairn_shared_serve(&req, "cut\n/cut\n", 3, &len));
  /* the marks are letters and digits, and differ by hole */
  ck_assert_str_ne(cairn_shared_mark(0), cairn_shared_mark(1));
  ck_assert_int_eq(strspn(cairn_shared_mark(2),
                          "abcdefghijklmnopqrstuvwxyz0123456789"),
                   strlen(cairn_shared_mark(2)));
  cairn_shared_clear();
}
END_TEST

/* Without a store (or for a signed-in visitor) respond_shared renders as
** respond_view does, calling build every time. */
static int builds;
static cairn_doc *build_page(cairn_req *r) {
  builds++;
  return api->doc_new(r, NULL, "pricing");
}
START_TEST(respond_shared_without_a_store_builds_every_time) {
  builds = 0;
  req.method = "GET";
  ck_assert_int_eq(api->respond_shared(&req, build_page, "program/pricing"),
                   200);
  ck_assert_int_eq(api->respond_shared(&req, build_page, "program/pricing"),
                   200);
  ck_assert_int_eq(builds, 2);
  ck_assert_str_eq(req.view, "program/pricing");
  ck_assert_ptr_nonnull(req.view_doc);
  ck_assert_ptr_null(req.shared_key);
}
END_TEST

START_TEST(error_page_answers_by_the_failure_code) {
  cairn_error e = {0};
  ck_assert_int_eq(api->respond_error(&req, 404, NULL, "No such thing."),
                   404);
  ck_assert_str_eq(req.view, "error");
  cairn_fail(&e, CAIRN_EINVAL, "date", "The date is not a date.");
  ck_assert_int_eq(api->respond_failure(&req, &e, 0), 422);
  cairn_fail(&e, CAIRN_EINVAL, "date", "The date is not a date.");
  ck_assert_int_eq(api->respond_failure(&req, &e, 400), 400);
  cairn_fail(&e, CAIRN_ECONFLICT, NULL, "stale");
  ck_assert_int_eq(api->respond_failure(&req, &e, 0), 409);
  cairn_fail(&e, CAIRN_EDENIED, NULL, "no");
  ck_assert_int_eq(api->respond_failure(&req, &e, 0), 403);
  cairn_fail(&e, CAIRN_ENOTFOUND, NULL, "gone");
  ck_assert_int_eq(api->respond_failure(&req, &e, 0), 404);
  cairn_fail(&e, CAIRN_EDB, NULL, "disk");
  ck_assert_int_eq(api->respond_failure(&req, &e, 0), CAIRN_EDB);
}
END_TEST

/* ================================================= links renewed by use */

#define DAY_S (24LL * 60 * 60)

/* Move link `id` `days` into the past, as if issued that much earlier. */
static void link_age(long long id, long long days) {
  cairn_stmt *s = cairn_db_prepare(store,
      "UPDATE capability SET created = created - :d, expires = expires - :d"
      " WHERE id = :id", NULL);
  cairn_sql_bind_int(s, ":d", days * DAY_S);
  cairn_sql_bind_int(s, ":id", id);
  ck_assert_int_eq(cairn_db_run(s, NULL), 0);
}

/* Link `id`'s expiry is `days` days and `extra_s` seconds from now (the
** few seconds the test takes allowed for). */
static void link_left(long long id, long long days, long long extra_s) {
  cairn_stmt *s = cairn_db_prepare(store,
      "SELECT expires FROM capability WHERE id = :id", NULL);
  cairn_sql_bind_int(s, ":id", id);
  long long left = cairn_db_int(s, 0) - (long long)time(NULL);
  long long want = days * DAY_S + extra_s;
  ck_assert_msg(left <= want && left >= want - 5,
                "link %lld: %lld s left, expected %lld", id, left, want);
}

/* Issue a 90-day link through the kit; renewable when `renew`. */
static long long link_new(int renew, const char **token) {
  cairn_error e = {0};
  const char *link = NULL;
  long long id = 0;
  ck_assert_int_eq(api->capability_issue(&req, "episode:7", "/p/7", 0,
                                         90 * DAY_S, 0, &link, &id, &e), 0);
  if (renew) ck_assert_int_eq(api->capability_renew_on_use(&req, id, &e), 0);
  *token = link + 3;  /* "/c/<token>" */
  return id;
}

static int link_open(const char *token, char sid[44]) {
  cairn_capability cap;
  cairn_error e = {0};
  return cairn_capability_open(store, token, &cap, sid, &e);
}

/* A renewable link used on day 80 still opens on day 100, and its expiry
** is then 90 days from the last use; a fixed link of the same age and a
** renewable one never used have expired; revocation ends a renewed link
** and its session; a use less than a day after the last renewal writes
** nothing. */
START_TEST(renewed_link_lives_while_used_and_dies_when_revoked) {
  const char *used_tok, *fixed_tok, *idle_tok;
  char sid[44], sid2[44];
  cairn_capability cap;
  cairn_error e = {0};
  long long used = link_new(1, &used_tok);
  long long fixed = link_new(0, &fixed_tok);
  long long idle = link_new(1, &idle_tok);
  link_left(used, 90, 0);
  /* day 80: the used one is renewed, the fixed one keeps its 10 days */
  link_age(used, 80); link_age(fixed, 80); link_age(idle, 80);
  ck_assert_int_eq(link_open(used_tok, sid), 0);
  link_left(used, 90, 0);
  /* marked again after a renewal: the lifetime stays 90 days, not 170 */
  ck_assert_int_eq(api->capability_renew_on_use(&req, used, &e), 0);
  link_age(used, 1);
  ck_assert_int_eq(link_open(used_tok, sid), 0);
  link_left(used, 90, 0);
  ck_assert_int_eq(link_open(fixed_tok, sid2), 0);
  link_left(fixed, 10, 0);
  /* day 100 */
  link_age(used, 20); link_age(fixed, 20); link_age(idle, 20);
  ck_assert_int_eq(link_open(used_tok, sid), 0);
  link_left(used, 90, 0);
  ck_assert_int_eq(link_open(fixed_tok, sid2), CAIRN_EDENIED);
  ck_assert_int_eq(link_open(idle_tok, sid2), CAIRN_EDENIED);
  link_left(idle, -10, 0);
  /* an expired link is not brought back by marking it renewable */
  ck_assert_int_eq(api->capability_renew_on_use(&req, idle, &e),
                   CAIRN_ENOTFOUND);
  /* a page seen through the session renews too; at most once a day */
  link_age(used, 30);
  link_left(used, 60, 0);
  ck_assert_int_eq(cairn_capability_session(store, sid, &cap), 0);
  ck_assert_int_eq(cap.id, used);
  link_left(used, 90, 0);
  {
    cairn_stmt *s = cairn_db_prepare(store,
        "UPDATE capability SET expires = expires - 3600 WHERE id = :id", NULL);
    cairn_sql_bind_int(s, ":id", used);
    ck_assert_int_eq(cairn_db_run(s, NULL), 0);
  }
  ck_assert_int_eq(cairn_capability_session(store, sid, &cap), 0);
  link_left(used, 90, -3600);  /* not moved: less than a day */
  /* revoked: neither the link nor its session opens, and use renews nothing */
  ck_assert_int_eq(api->capability_revoke(&req, used, &e), 0);
  ck_assert_int_eq(link_open(used_tok, sid2), CAIRN_EDENIED);
  ck_assert_int_eq(cairn_capability_session(store, sid, &cap),
                   CAIRN_ENOTFOUND);
  ck_assert_int_eq(api->capability_renew_on_use(&req, used, &e),
                   CAIRN_ENOTFOUND);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("kit");
  TCase *t = tcase_create("table");
  tcase_add_test(t, host_table_has_no_empty_entry);
  suite_add_tcase(s, t);
  t = tcase_create("dates");
  tcase_add_checked_fixture(t, req_setup, req_teardown);
  tcase_add_test(t, dates_parse_real_days_and_refuse_the_rest);
  tcase_add_test(t, dates_round_trip_every_day_of_the_range);
  tcase_add_test(t, dates_week_start_is_monday);
  suite_add_tcase(s, t);
  t = tcase_create("text");
  tcase_add_checked_fixture(t, req_setup, req_teardown);
  tcase_add_test(t, url_encode_leaves_only_unreserved_bytes);
  tcase_add_test(t, text_check_counts_characters_and_refuses_controls);
  tcase_add_test(t, fail_cuts_at_a_character_boundary);
  tcase_add_test(t, format_number_groups_and_rounds_half_away_from_zero);
  suite_add_tcase(s, t);
  t = tcase_create("documents");
  tcase_add_checked_fixture(t, req_setup, req_teardown);
  tcase_add_test(t, doc_reads_values_numbers_and_counts);
  tcase_add_test(t, doc_iterates_children_by_name);
  tcase_add_test(t, doc_edits_remove_insert_and_build_at_a_node);
  tcase_add_test(t, record_body_is_read_only_and_take_empties);
  suite_add_tcase(s, t);
  t = tcase_create("forms");
  tcase_add_checked_fixture(t, req_setup, req_teardown);
  tcase_add_test(t, form_accepts_good_input_trimmed);
  tcase_add_test(t, form_says_what_is_wrong_with_each_kind);
  tcase_add_test(t, form_refuses_future_dates_and_missing_required);
  tcase_add_test(t, form_binds_the_children_of_an_xml_body);
  tcase_add_test(t, form_doc_keeps_what_was_typed);
  suite_add_tcase(s, t);
  t = tcase_create("tokens");
  tcase_add_checked_fixture(t, req_setup, req_teardown);
  tcase_add_test(t, random_token_is_base64url_of_its_length);
  tcase_add_test(t, hash_is_blake2b_256);
  suite_add_tcase(s, t);
  t = tcase_create("sections and errors");
  tcase_add_checked_fixture(t, req_setup, req_teardown);
  tcase_add_test(t, sections_fill_asks_each_plugin_of_the_slot);
  tcase_add_test(t, sections_are_checked_at_load);
  tcase_add_test(t, sql_prepare_kept_needs_a_store_and_a_transaction);
  tcase_add_test(t, shared_pages_are_kept_per_data_version);
  tcase_add_test(t, shared_pages_fill_each_visitors_values);
  tcase_add_test(t, respond_shared_without_a_store_builds_every_time);
  tcase_add_test(t, error_page_answers_by_the_failure_code);
  suite_add_tcase(s, t);
  t = tcase_create("write path");
  tcase_add_checked_fixture(t, store_setup, store_teardown);
  tcase_add_test(t, arena_cleanup_can_be_disarmed);
  tcase_add_test(t, unchanged_body_is_validated_once);
  tcase_add_test(t, body_changed_by_the_hook_is_validated_again);
  tcase_add_test(t, built_body_is_validated_before_the_hook);
  tcase_add_test(t, renewed_link_lives_while_used_and_dies_when_revoked);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  if (sodium_init() < 0) return EXIT_FAILURE;
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
