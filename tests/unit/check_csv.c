/*
** check_csv.c -- unit tests of core/store/csv*.c without a database: the
** CSV parser (RFC 4180 and every refusal, with its line), day/month/year
** dates and date arithmetic, and the column mapping (schemas/csvmap.xsd,
** data/headache-trial-2004.map.xml) with its binding to a header.
**
** Needs: core/store/csv*.c core/lib/xml.c core/lib/log.c core/lib/arena.c, and the
** store symbols csvimport.c refers to for the import itself (link
** libcairncore.la; no test here opens a store).  CAIRN_TEST_SRCDIR is the
** source tree (schemas/ and data/ are read from it); CAIRN_TEST_TMPDIR, in
** the environment, a scratch directory (default /tmp).
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvimport.h"

#ifndef CAIRN_TEST_SRCDIR
#define CAIRN_TEST_SRCDIR "."
#endif
#define SCHEMAS CAIRN_TEST_SRCDIR "/schemas"
#define TRIAL_CSV CAIRN_TEST_SRCDIR "/data/headache-trial-2004.csv"
#define TRIAL_MAP CAIRN_TEST_SRCDIR "/data/headache-trial-2004.map.xml"

/* ------------------------------------------------------------ helpers */

/* What the parser handed to the callback, flattened: each record as
** "line:f1|f2|..." joined by "\n". */
typedef struct seen {
  char text[8192];
  size_t records;
  size_t stop_at;            /* stop when this record index arrives (0: never) */
} seen;

static int collect(void *ctx, const cairn_csv_row *row, cairn_error *err) {
  seen *s = ctx;
  size_t used = strlen(s->text);
  if (s->stop_at && row->index == s->stop_at)
    return cairn_fail(err, CAIRN_EINVAL, "x", "stopped at record %zu",
                      row->index);
  used += (size_t)snprintf(s->text + used, sizeof s->text - used, "%s%zu:",
                           s->records ? "\n" : "", row->line);
  for (size_t i = 0; i < row->n && used < sizeof s->text; i++)
    used += (size_t)snprintf(s->text + used, sizeof s->text - used, "%s%s",
                             i ? "|" : "", row->field[i]);
  s->records++;
  return 0;
}

/* Parse a buffer of explicit length; return the status, fill s, *line. */
static int parse_n(const char *buf, size_t len, seen *s, size_t *line,
                   cairn_error *err) {
  memset(s, 0, sizeof *s);
  memset(err, 0, sizeof *err);
  return cairn_csv_parse(buf, len, collect, s, line, err);
}

static int parse(const char *buf, seen *s, size_t *line, cairn_error *err) {
  return parse_n(buf, strlen(buf), s, line, err);
}

static int count_only(void *ctx, const cairn_csv_row *row, cairn_error *err) {
  (void)row;
  (void)err;
  (*(size_t *)ctx)++;
  return 0;
}

/* ------------------------------------------------------------- parser */

START_TEST(plain_records_are_split_into_fields) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("id,group\n100,1\n101,0\n", &s, &line, &err), 0);
  ck_assert_str_eq(s.text, "1:id|group\n2:100|1\n3:101|0");
  ck_assert_uint_eq(s.records, 3);
}
END_TEST

START_TEST(empty_fields_are_kept_including_a_trailing_one) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b,c\n,,\n1,,\n", &s, &line, &err), 0);
  ck_assert_str_eq(s.text, "1:a|b|c\n2:||\n3:1||");
}
END_TEST

START_TEST(quoted_fields_keep_commas_line_breaks_and_doubled_quotes) {
  seen s;
  size_t line;
  cairn_error err;
  const char *csv =
      "id,note\n"
      "1,\"a, b\"\n"
      "2,\"said \"\"ouch\"\"\"\n"
      "3,\"two\nlines\"\n"
      "4,\"\"\n"
      "5,x\n";
  ck_assert_int_eq(parse(csv, &s, &line, &err), 0);
  /* Record 5 starts on line 6: the quoted line break counts. */
  ck_assert_str_eq(s.text, "1:id|note\n2:1|a, b\n3:2|said \"ouch\"\n"
                           "4:3|two\nlines\n6:4|\n7:5|x");
}
END_TEST

START_TEST(crlf_and_lf_line_endings_both_end_records) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b\r\n1,2\r\n3,4\n5,\"6\r\n7\"\r\n", &s, &line,
                         &err), 0);
  ck_assert_str_eq(s.text, "1:a|b\n2:1|2\n3:3|4\n4:5|6\r\n7");
}
END_TEST

START_TEST(last_record_without_a_line_ending_is_read) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b\n1,2", &s, &line, &err), 0);
  ck_assert_str_eq(s.text, "1:a|b\n2:1|2");
  ck_assert_int_eq(parse("a,b\r\n1,\"2\"", &s, &line, &err), 0);
  ck_assert_str_eq(s.text, "1:a|b\n2:1|2");
}
END_TEST

START_TEST(blank_lines_at_the_end_are_not_records) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b\n1,2\n\n\r\n", &s, &line, &err), 0);
  ck_assert_uint_eq(s.records, 2);
}
END_TEST

START_TEST(byte_order_mark_is_skipped) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("\xEF\xBB\xBFid,x\n1,2\n", &s, &line, &err), 0);
  ck_assert_str_eq(s.text, "1:id|x\n2:1|2");
}
END_TEST

START_TEST(empty_input_has_no_records) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("", &s, &line, &err), 0);
  ck_assert_uint_eq(s.records, 0);
  ck_assert_int_eq(parse("\n\n", &s, &line, &err), 0);
  ck_assert_uint_eq(s.records, 0);
}
END_TEST

START_TEST(utf8_text_is_accepted) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("name\nZo\xC3\xAB\n\xE6\x97\xA5\n\xF0\x9F\x98\x80\n",
                         &s, &line, &err), 0);
  ck_assert_str_eq(s.text, "1:name\n2:Zo\xC3\xAB\n3:\xE6\x97\xA5\n"
                           "4:\xF0\x9F\x98\x80");
}
END_TEST

START_TEST(ragged_row_is_refused_with_its_line) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b,c\n1,2,3\n4,5\n6,7,8\n", &s, &line, &err),
                   CAIRN_EINVAL);
  ck_assert_uint_eq(line, 3);
  ck_assert_msg(strstr(err.message, "2 fields") &&
                strstr(err.message, "has 3"), "%s", err.message);
  /* Nothing past the ragged record was handed out. */
  ck_assert_uint_eq(s.records, 2);
  /* Too many fields is ragged too, and a blank line inside the file. */
  ck_assert_int_eq(parse("a,b\n1,2,3\n", &s, &line, &err), CAIRN_EINVAL);
  ck_assert_uint_eq(line, 2);
  ck_assert_int_eq(parse("a,b\n1,2\n\n3,4\n", &s, &line, &err), CAIRN_EINVAL);
  ck_assert_uint_eq(line, 3);
}
END_TEST

START_TEST(nul_byte_is_refused_with_its_line) {
  seen s;
  size_t line;
  cairn_error err;
  static const char csv[] = "a,b\n1,2\n3,x\0y\n";
  ck_assert_int_eq(parse_n(csv, sizeof csv - 1, &s, &line, &err),
                   CAIRN_EINVAL);
  ck_assert_uint_eq(line, 3);
  ck_assert_msg(strstr(err.message, "NUL"), "%s", err.message);
  /* Inside quotes too. */
  static const char q[] = "a\n\"x\0\"\n";
  ck_assert_int_eq(parse_n(q, sizeof q - 1, &s, &line, &err), CAIRN_EINVAL);
  ck_assert_uint_eq(line, 2);
}
END_TEST

START_TEST(bad_utf8_is_refused_with_its_line) {
  static const char *const bad[] = {
      "a\n\xC3\n",                /* lead byte without its continuation */
      "a\n\xC0\xAF\n",            /* overlong '/' */
      "a\n\xE0\x80\xAF\n",        /* overlong, 3 bytes */
      "a\n\xED\xA0\x80\n",        /* UTF-16 surrogate U+D800 */
      "a\n\xF4\x90\x80\x80\n",    /* past U+10FFFF */
      "a\n\xFF\n",                /* never valid */
      "a\n\x80\n",                /* continuation without a lead */
      "a\n\"caf\xE9\"\n",         /* Latin-1, quoted */
      "a\n\xE6\x97",              /* cut at the end of the buffer */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    seen s;
    size_t line = 0;
    cairn_error err;
    ck_assert_msg(parse(bad[i], &s, &line, &err) == CAIRN_EINVAL,
                  "case %zu accepted", i);
    ck_assert_msg(line == 2, "case %zu: line %zu", i, line);
    ck_assert_msg(strstr(err.message, "UTF-8"), "case %zu: %s", i,
                  err.message);
  }
}
END_TEST

/* A record of exactly `len` bytes: "x" repeated, no line ending. */
static char *long_record(size_t len) {
  char *b = malloc(len + 8);
  ck_assert_ptr_nonnull(b);
  memcpy(b, "h\n", 2);
  memset(b + 2, 'x', len);
  memcpy(b + 2 + len, "\n", 2);
  return b;
}

START_TEST(line_at_the_limit_is_accepted_and_one_byte_more_refused) {
  seen s;
  size_t line, n = 0;
  cairn_error err = {0};
  char *ok = long_record(CAIRN_CSV_LINE_MAX);
  ck_assert_int_eq(cairn_csv_parse(ok, strlen(ok), count_only, &n, &line,
                                   &err), 0);
  ck_assert_uint_eq(n, 2);
  free(ok);
  char *big = long_record(CAIRN_CSV_LINE_MAX + 1);
  ck_assert_int_eq(parse(big, &s, &line, &err), CAIRN_ELIMIT);
  ck_assert_uint_eq(line, 2);
  ck_assert_msg(strstr(err.message, "longer than"), "%s", err.message);
  free(big);
  /* The quotes of a quoted record count as bytes of the record. */
  char *q = malloc(CAIRN_CSV_LINE_MAX + 8);
  ck_assert_ptr_nonnull(q);
  q[0] = 'h';
  q[1] = '\n';
  q[2] = '"';
  memset(q + 3, 'x', CAIRN_CSV_LINE_MAX - 1);
  q[CAIRN_CSV_LINE_MAX + 2] = '"';
  q[CAIRN_CSV_LINE_MAX + 3] = 0;
  ck_assert_int_eq(parse(q, &s, &line, &err), CAIRN_ELIMIT);
  free(q);
}
END_TEST

/* A header of `n` fields "c,c,...,c". */
static char *wide_header(size_t n) {
  char *b = malloc(2 * n + 2);
  ck_assert_ptr_nonnull(b);
  for (size_t i = 0; i < n; i++) {
    b[2 * i] = 'c';
    b[2 * i + 1] = i + 1 < n ? ',' : '\n';
  }
  b[2 * n] = 0;
  return b;
}

START_TEST(columns_at_the_limit_are_accepted_and_one_more_refused) {
  size_t line, n = 0;
  cairn_error err = {0};
  char *ok = wide_header(CAIRN_CSV_COLS_MAX);
  ck_assert_int_eq(cairn_csv_parse(ok, strlen(ok), count_only, &n, &line,
                                   &err), 0);
  ck_assert_uint_eq(n, 1);
  free(ok);
  char *wide = wide_header(CAIRN_CSV_COLS_MAX + 1);
  ck_assert_int_eq(cairn_csv_parse(wide, strlen(wide), count_only, &n, &line,
                                   &err), CAIRN_ELIMIT);
  ck_assert_uint_eq(line, 1);
  ck_assert_msg(strstr(err.message, "fields"), "%s", err.message);
  free(wide);
}
END_TEST

START_TEST(unclosed_quote_is_refused_naming_the_line_it_opened) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b\n1,\"open\n2,3\n4,5\n", &s, &line, &err),
                   CAIRN_EINVAL);
  ck_assert_uint_eq(line, 2);
  ck_assert_msg(strstr(err.message, "never closed"), "%s", err.message);
}
END_TEST

START_TEST(stray_quotes_are_refused) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b\n1,ab\"c\n", &s, &line, &err), CAIRN_EINVAL);
  ck_assert_uint_eq(line, 2);
  ck_assert_msg(strstr(err.message, "unquoted field 2"), "%s", err.message);
  ck_assert_int_eq(parse("a,b\n\"x\"y,2\n", &s, &line, &err), CAIRN_EINVAL);
  ck_assert_uint_eq(line, 2);
  ck_assert_msg(strstr(err.message, "closing quote of field 1"), "%s",
                err.message);
}
END_TEST

START_TEST(bare_carriage_return_is_refused) {
  seen s;
  size_t line;
  cairn_error err;
  ck_assert_int_eq(parse("a,b\r1,2\r\n", &s, &line, &err), CAIRN_EINVAL);
  ck_assert_uint_eq(line, 1);
  ck_assert_msg(strstr(err.message, "carriage return"), "%s", err.message);
}
END_TEST

START_TEST(callback_refusal_stops_the_parse_with_its_line) {
  seen s;
  cairn_error err = {0};
  size_t line = 0;
  memset(&s, 0, sizeof s);
  s.stop_at = 2;
  ck_assert_int_eq(cairn_csv_parse("h\n\"a\nb\"\nc\nd\n", 12, collect, &s,
                                   &line, &err), CAIRN_EINVAL);
  ck_assert_uint_eq(line, 4);    /* record 2 starts on line 4 */
  ck_assert_uint_eq(s.records, 2);
  ck_assert_str_eq(err.field, "x");
}
END_TEST

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(b);
  ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  b[n] = 0;
  *len = (size_t)n;
  return b;
}

/* Header fields, kept by the callback for the mapping tests. */
typedef struct header { char *field[128]; size_t n, rows, last_line; } header;

static int keep_header(void *ctx, const cairn_csv_row *row, cairn_error *e) {
  header *h = ctx;
  (void)e;
  ck_assert_uint_le(row->n, 128);
  if (row->index == 0) {
    for (size_t i = 0; i < row->n; i++) h->field[i] = strdup(row->field[i]);
    h->n = row->n;
  } else {
    h->rows++;
  }
  h->last_line = row->line;
  return 0;
}

static void header_free(header *h) {
  for (size_t i = 0; i < h->n; i++) free(h->field[i]);
}

START_TEST(trial_file_parses_into_401_rows_of_94_fields) {
  size_t len, line;
  header h = {0};
  cairn_error err = {0};
  char *buf = read_file(TRIAL_CSV, &len);
  ck_assert_int_eq(cairn_csv_parse(buf, len, keep_header, &h, &line, &err),
                   0);
  ck_assert_uint_eq(h.n, 94);
  ck_assert_uint_eq(h.rows, 401);
  ck_assert_uint_eq(h.last_line, 402);  /* no line ending after it */
  ck_assert_str_eq(h.field[0], "id");
  ck_assert_str_eq(h.field[6], "date_randomized");
  header_free(&h);
  free(buf);
}
END_TEST

/* -------------------------------------------------------------- dates */

static void date_ok(const char *in, const char *fmt, const char *want) {
  char out[11];
  cairn_error err = {0};
  ck_assert_msg(cairn_date_parse(in, fmt, out, &err) == 0, "%s (%s): %s", in,
                fmt, err.message);
  ck_assert_str_eq(out, want);
}

static void date_refused(const char *in, const char *fmt, const char *says) {
  char out[11];
  cairn_error err = {0};
  ck_assert_msg(cairn_date_parse(in, fmt, out, &err) == CAIRN_EINVAL,
                "'%s' (%s) accepted", in, fmt);
  ck_assert_msg(strstr(err.message, says), "'%s': %s", in, err.message);
}

START_TEST(day_month_year_dates_take_one_or_two_digit_days_and_months) {
  date_ok("24/03/2000", "d/m/Y", "2000-03-24");
  date_ok("5/4/2000", "d/m/Y", "2000-04-05");
  date_ok("13/02/2001", "d/m/Y", "2001-02-13");
  date_ok("1/12/1999", "d/m/Y", "1999-12-01");
  date_ok("4/5/2000", "m/d/Y", "2000-04-05");
  date_ok("2000-03-24", "Y-m-d", "2000-03-24");
  date_ok("24.03.2000", "d.m.Y", "2000-03-24");
}
END_TEST

START_TEST(dates_that_do_not_exist_are_refused) {
  date_refused("31/02/2000", "d/m/Y", "February 2000 has 29 days");
  date_refused("30/02/2000", "d/m/Y", "has 29 days");
  date_refused("29/02/1900", "d/m/Y", "February 1900 has 28 days");
  date_refused("29/02/2001", "d/m/Y", "has 28 days");
  date_refused("31/04/2000", "d/m/Y", "April 2000 has 30 days");
  date_refused("0/1/2000", "d/m/Y", "has 31 days");
  date_refused("1/13/2000", "d/m/Y", "no month 13");
  date_refused("1/0/2000", "d/m/Y", "no month 0");
  date_ok("29/02/2000", "d/m/Y", "2000-02-29");  /* 2000 is a leap year */
}
END_TEST

START_TEST(two_digit_years_are_refused) {
  date_refused("5/4/00", "d/m/Y", "four digits");
  date_refused("24/03/99", "d/m/Y", "four digits");
  date_refused("1/1/20000", "d/m/Y", "four digits");
}
END_TEST

START_TEST(dates_in_another_form_are_refused) {
  date_refused("24-03-2000", "d/m/Y", "written d/m/Y");
  date_refused("2000-03-24", "d/m/Y", "written d/m/Y");
  date_refused("24/03/2000x", "d/m/Y", "written d/m/Y");
  date_refused(" 24/03/2000", "d/m/Y", "written d/m/Y");
  date_refused("124/03/2000", "d/m/Y", "written d/m/Y");
  date_refused("", "d/m/Y", "no date");
  date_refused("1/1/1899", "d/m/Y", "between");
  date_refused("1/1/2200", "d/m/Y", "between");
}
END_TEST

START_TEST(days_are_added_across_months_years_and_leap_days) {
  char out[11];
  cairn_error err = {0};
  ck_assert_int_eq(cairn_date_add_days("2000-03-24", 0, out, &err), 0);
  ck_assert_str_eq(out, "2000-03-24");
  ck_assert_int_eq(cairn_date_add_days("2000-03-24", 91, out, &err), 0);
  ck_assert_str_eq(out, "2000-06-23");
  ck_assert_int_eq(cairn_date_add_days("2000-03-24", 365, out, &err), 0);
  ck_assert_str_eq(out, "2001-03-24");
  ck_assert_int_eq(cairn_date_add_days("2000-02-28", 1, out, &err), 0);
  ck_assert_str_eq(out, "2000-02-29");
  ck_assert_int_eq(cairn_date_add_days("1999-12-31", 1, out, &err), 0);
  ck_assert_str_eq(out, "2000-01-01");
  ck_assert_int_eq(cairn_date_add_days("2000-03-01", -1, out, &err), 0);
  ck_assert_str_eq(out, "2000-02-29");
  ck_assert_int_eq(cairn_date_add_days("2001-03-01", -365, out, &err), 0);
  ck_assert_str_eq(out, "2000-03-01");
  ck_assert_int_eq(cairn_date_add_days("2199-12-31", 1, out, &err),
                   CAIRN_EINVAL);
  ck_assert_int_eq(cairn_date_add_days("2000-3-24", 1, out, &err),
                   CAIRN_EINVAL);
  ck_assert_int_eq(cairn_date_add_days("2000-02-30", 1, out, &err),
                   CAIRN_EINVAL);
}
END_TEST

/* ------------------------------------------------------------ mapping */

static const char map_head[] =
    "<csvmap xmlns='urn:cairn:csvmap' version='1'>\n"
    " <records>\n"
    "  <patient type='x:Patient' namespace='urn:x' element='Patient'"
    " identifier='identifier' name='name' gender='gender'"
    " identifier-column='identifier'/>\n"
    "  <episode type='x:Episode' namespace='urn:x' element='Episode'"
    " status='status' cohort='cohort' start='start'"
    " primary-instrument='primary'/>\n"
    "  <observation type='x:Observation' namespace='urn:x'"
    " element='Observation' episode='episode' instrument='instrument'"
    " effective='effective' timepoint='timepoint' answer='answer'"
    " item='item'/>\n"
    " </records>\n";
static const char map_patient[] =
    " <patient column='id' system='urn:x:trial' name='P {id}'>\n"
    "  <gender column='sex'><value from='1' to='female'/>"
    "<value from='0' to='male'/></gender>\n"
    " </patient>\n";
static const char map_episode[] =
    " <episode primary-instrument='headache'>\n"
    "  <cohort column='group'><value from='1' to='acupuncture'/>"
    "<value from='0' to='usual-care'/></cohort>\n"
    "  <start column='date_randomized' format='d/m/Y'/>\n"
    " </episode>\n";
static const char map_obs[] =
    " <observation instrument='headache' timepoint='baseline' "
    "offset-days='0'><answer item='score' column='pk1'/></observation>\n";
static const char map_tail[] = "</csvmap>\n";

/* Write xml to a temporary file and load it as a mapping. */
static int load_map_text(const char *xml, cairn_csvmap **out,
                         cairn_error *err) {
  char path[4096];
  const char *tmp = getenv("CAIRN_TEST_TMPDIR");
  snprintf(path, sizeof path, "%s/check_csv_map_XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
  close(fd);
  memset(err, 0, sizeof *err);
  *out = NULL;
  int rc = cairn_csvmap_load(path, SCHEMAS, out, err);
  unlink(path);
  return rc;
}

/* Load head + the parts given + tail; NULL parts are left out. */
static int load_map_parts(const char *patient, const char *episode,
                          const char *obs, cairn_csvmap **out,
                          cairn_error *err) {
  char xml[4096];
  snprintf(xml, sizeof xml, "%s%s%s%s%s", map_head, patient ? patient : "",
           episode ? episode : "", obs ? obs : "", map_tail);
  return load_map_text(xml, out, err);
}

static void setup(void) { cairn_xml_init(NULL); }

START_TEST(trial_mapping_loads_and_binds_to_the_trial_header) {
  cairn_csvmap *m = NULL;
  cairn_error err = {0};
  ck_assert_msg(cairn_csvmap_load(TRIAL_MAP, SCHEMAS, &m, &err) == 0, "%s",
                err.message);
  ck_assert_str_eq(m->id_column, "id");
  ck_assert_str_eq(m->name_format, "Trial patient {id}");
  /* The records are named by the file, not by the core. */
  ck_assert_str_eq(m->patient_rec.type, "program:Patient");
  ck_assert_str_eq(m->patient_rec.ns, "urn:cairn:program");
  ck_assert_str_eq(m->episode_rec.element, "EpisodeOfCare");
  ck_assert_str_eq(m->obs_rec.type, "program:Observation");
  ck_assert_str_eq(m->fills.start, "periodStart");
  ck_assert_str_eq(m->fills.identifier_column, "identifier");
  ck_assert_str_eq(m->fills.item, "item");
  ck_assert_str_eq(m->gender.column, "sex");
  ck_assert_uint_eq(m->gender.n_values, 2);
  ck_assert_str_eq(m->gender.values[0].from, "1");
  ck_assert_str_eq(m->gender.values[0].to, "female");
  ck_assert_str_eq(m->cohort.column, "group");
  ck_assert_str_eq(m->cohort.values[0].to, "acupuncture");
  ck_assert_str_eq(m->cohort.values[1].from, "0");
  ck_assert_str_eq(m->cohort.values[1].to, "usual-care");
  ck_assert_str_eq(m->start_column, "date_randomized");
  ck_assert_str_eq(m->date_format, "d/m/Y");
  ck_assert_str_eq(m->primary_instrument, "headache");
  ck_assert_uint_eq(m->n_obs, 3);
  static const char *const tp[] = {"baseline", "month-3", "month-12"};
  static const char *const col[] = {"pk1", "pk2", "pk5"};
  static const long off[] = {0, 91, 365};
  for (size_t i = 0; i < 3; i++) {
    ck_assert_str_eq(m->obs[i].instrument, "headache");
    ck_assert_str_eq(m->obs[i].timepoint, tp[i]);
    ck_assert_int_eq(m->obs[i].offset_days, off[i]);
    ck_assert_uint_eq(m->obs[i].n_answers, 1);
    ck_assert_str_eq(m->obs[i].answers[0].item, "score");
    ck_assert_str_eq(m->obs[i].answers[0].column, col[i]);
  }

  size_t len, line;
  header h = {0};
  char *buf = read_file(TRIAL_CSV, &len);
  ck_assert_int_eq(cairn_csv_parse(buf, len, keep_header, &h, &line, &err),
                   0);
  ck_assert_msg(cairn_csvmap_bind(m, (const char *const *)h.field, h.n,
                                  &err) == 0, "%s", err.message);
  ck_assert_int_eq(m->id_col, 0);
  ck_assert_int_eq(m->gender.col, 2);
  ck_assert_int_eq(m->start_col, 6);
  ck_assert_int_eq(m->cohort.col, 8);
  ck_assert_int_eq(m->obs[0].answers[0].col, 9);
  ck_assert_int_eq(m->obs[2].answers[0].col, 11);
  header_free(&h);
  free(buf);
  cairn_csvmap_free(m);
}
END_TEST

START_TEST(mapping_without_records_is_refused) {
  cairn_csvmap *m;
  cairn_error err;
  /* A map in the old shape names no records: the core will not guess. */
  ck_assert_int_eq(load_map_text(
      "<csvmap xmlns='urn:cairn:csvmap' version='1'>"
      " <patient column='id' system='urn:x' name='P {id}'/>"
      " <episode primary-instrument='headache'><cohort column='g'>"
      "<value from='1' to='a'/></cohort>"
      "<start column='d' format='d/m/Y'/></episode></csvmap>", &m, &err),
      CAIRN_EINVAL);
  ck_assert_ptr_null(m);
}
END_TEST

START_TEST(minimal_mapping_loads_with_defaults) {
  cairn_csvmap *m;
  cairn_error err;
  ck_assert_msg(load_map_parts(" <patient column='id' system='urn:x' "
                               "name='{id}'/>\n", map_episode, NULL, &m,
                               &err) == 0, "%s", err.message);
  ck_assert_ptr_null(m->gender.column);
  ck_assert_str_eq(m->episode_status, "active");
  ck_assert_uint_eq(m->n_obs, 0);
  cairn_csvmap_free(m);
}
END_TEST

/* A mapping the schema refuses: the message names the file's line and
** the reason. */
static void map_refused(const char *patient, const char *episode,
                        const char *obs, const char *says) {
  cairn_csvmap *m;
  cairn_error err;
  ck_assert_int_eq(load_map_parts(patient, episode, obs, &m, &err),
                   CAIRN_EINVAL);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err.message, says), "wanted '%s' in: %s", says,
                err.message);
  ck_assert_msg(strstr(err.message, "check_csv_map_"), "%s", err.message);
}

START_TEST(mapping_refusals_name_what_is_wrong) {
  /* A gender the record model does not have. */
  map_refused(" <patient column='id' system='urn:x' name='P {id}'>"
              "<gender column='sex'><value from='1' to='woman'/></gender>"
              "</patient>\n", map_episode, NULL, "woman");
  /* One cell value mapped twice. */
  map_refused(map_patient,
              " <episode primary-instrument='headache'><cohort column='g'>"
              "<value from='1' to='a'/><value from='1' to='b'/></cohort>"
              "<start column='d' format='d/m/Y'/></episode>\n", NULL,
              "Duplicate");
  /* A name that does not tell patients apart. */
  map_refused(" <patient column='id' system='urn:x' name='Patient'/>\n",
              map_episode, NULL, "Patient");
  /* A timepoint program.xsd would refuse. */
  map_refused(map_patient, map_episode,
              " <observation instrument='headache' timepoint='3 months' "
              "offset-days='91'><answer item='score' column='pk2'/>"
              "</observation>\n", "timepoint");
  /* Two-digit years are not a format. */
  map_refused(map_patient,
              " <episode primary-instrument='headache'><cohort column='g'>"
              "<value from='1' to='a'/></cohort>"
              "<start column='d' format='d/m/y'/></episode>\n", NULL,
              "d/m/y");
  /* The same instrument twice at one timepoint. */
  char twice[1024];
  snprintf(twice, sizeof twice, "%s%s", map_obs, map_obs);
  map_refused(map_patient, map_episode, twice, "Duplicate");
  /* An observation without answers, an offset that is not a number. */
  map_refused(map_patient, map_episode,
              " <observation instrument='headache' timepoint='baseline' "
              "offset-days='0'/>\n", "answer");
  map_refused(map_patient, map_episode,
              " <observation instrument='headache' timepoint='baseline' "
              "offset-days='3 months'><answer item='score' column='pk1'/>"
              "</observation>\n", "offset-days");
  /* No episode. */
  map_refused(map_patient, NULL, NULL, "episode");
}
END_TEST

START_TEST(mapping_in_another_namespace_or_with_a_doctype_is_refused) {
  cairn_csvmap *m;
  cairn_error err;
  ck_assert_int_eq(load_map_text("<csvmap version='1'/>", &m, &err),
                   CAIRN_EINVAL);
  ck_assert_int_eq(load_map_text("<!DOCTYPE csvmap [<!ENTITY x 'y'>]>"
                                 "<csvmap xmlns='urn:cairn:csvmap' "
                                 "version='1'/>", &m, &err), CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, "DOCTYPE"), "%s", err.message);
}
END_TEST

START_TEST(binding_refuses_missing_and_ambiguous_columns) {
  cairn_csvmap *m;
  cairn_error err;
  char xml[4096];
  snprintf(xml, sizeof xml, "%s%s%s%s%s", map_head, map_patient, map_episode,
           map_obs, map_tail);
  ck_assert_msg(load_map_text(xml, &m, &err) == 0, "%s", err.message);
  const char *const good[] = {"id", "sex", "group", "date_randomized", "pk1"};
  ck_assert_int_eq(cairn_csvmap_bind(m, good, 5, &err), 0);
  const char *const missing[] = {"id", "sex", "group", "date_randomized"};
  ck_assert_int_eq(cairn_csvmap_bind(m, missing, 4, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "pk1");
  ck_assert_msg(strstr(err.message, "not in the header"), "%s", err.message);
  const char *const twice[] = {"id", "sex", "group", "date_randomized", "pk1",
                               "id"};
  ck_assert_int_eq(cairn_csvmap_bind(m, twice, 6, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "id");
  ck_assert_msg(strstr(err.message, "twice"), "%s", err.message);
  /* Header names match exactly: case and spaces count. */
  const char *const near[] = {"ID", "sex", "group", "date_randomized", "pk1"};
  ck_assert_int_eq(cairn_csvmap_bind(m, near, 5, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "id");
  cairn_csvmap_free(m);
}
END_TEST

static Suite *csv_suite(void) {
  Suite *s = suite_create("csv");
  TCase *p = tcase_create("parser");
  TCase *d = tcase_create("dates");
  TCase *m = tcase_create("mapping");
  tcase_add_checked_fixture(m, setup, NULL);
  tcase_add_test(p, plain_records_are_split_into_fields);
  tcase_add_test(p, empty_fields_are_kept_including_a_trailing_one);
  tcase_add_test(p, quoted_fields_keep_commas_line_breaks_and_doubled_quotes);
  tcase_add_test(p, crlf_and_lf_line_endings_both_end_records);
  tcase_add_test(p, last_record_without_a_line_ending_is_read);
  tcase_add_test(p, blank_lines_at_the_end_are_not_records);
  tcase_add_test(p, byte_order_mark_is_skipped);
  tcase_add_test(p, empty_input_has_no_records);
  tcase_add_test(p, utf8_text_is_accepted);
  tcase_add_test(p, ragged_row_is_refused_with_its_line);
  tcase_add_test(p, nul_byte_is_refused_with_its_line);
  tcase_add_test(p, bad_utf8_is_refused_with_its_line);
  tcase_add_test(p, line_at_the_limit_is_accepted_and_one_byte_more_refused);
  tcase_add_test(p, columns_at_the_limit_are_accepted_and_one_more_refused);
  tcase_add_test(p, unclosed_quote_is_refused_naming_the_line_it_opened);
  tcase_add_test(p, stray_quotes_are_refused);
  tcase_add_test(p, bare_carriage_return_is_refused);
  tcase_add_test(p, callback_refusal_stops_the_parse_with_its_line);
  tcase_add_test(p, trial_file_parses_into_401_rows_of_94_fields);
  tcase_add_test(d, day_month_year_dates_take_one_or_two_digit_days_and_months);
  tcase_add_test(d, dates_that_do_not_exist_are_refused);
  tcase_add_test(d, two_digit_years_are_refused);
  tcase_add_test(d, dates_in_another_form_are_refused);
  tcase_add_test(d, days_are_added_across_months_years_and_leap_days);
  tcase_add_test(m, trial_mapping_loads_and_binds_to_the_trial_header);
  tcase_add_test(m, minimal_mapping_loads_with_defaults);
  tcase_add_test(m, mapping_without_records_is_refused);
  tcase_add_test(m, mapping_refusals_name_what_is_wrong);
  tcase_add_test(m, mapping_in_another_namespace_or_with_a_doctype_is_refused);
  tcase_add_test(m, binding_refuses_missing_and_ambiguous_columns);
  suite_add_tcase(s, p);
  suite_add_tcase(s, d);
  suite_add_tcase(s, m);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(csv_suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  xmlCleanupParser();
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
