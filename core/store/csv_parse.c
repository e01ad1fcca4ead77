/*
** csv_parse.c -- the RFC 4180 CSV parser behind `cairn import-csv` (see
** cairn_csv_parse in csvimport.h): pure, bytes in, rows out through a
** callback.  It is the fuzz target (tests/fuzz/fuzz_csv.c).  Also the
** allocation helpers the import's files share.
*/
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "csv_int.h"

void *csv_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

char *csv_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = csv_xmalloc(n);
  memcpy(d, s, n);
  return d;
}
/* ============================================================ CSV parser */

/* The length of the valid UTF-8 sequence at p (avail bytes left), or 0.
** Overlong forms, surrogates (U+D800..U+DFFF) and code points past
** U+10FFFF are invalid (RFC 3629). */
static size_t utf8_seq(const unsigned char *p, size_t avail) {
  unsigned c = p[0];
  unsigned lo = 0x80, hi = 0xBF;
  size_t n;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 3;
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (avail < n || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  return n;
}

typedef struct csv_parser {
  const unsigned char *buf;  /* the input */
  size_t len;                /* its length */
  size_t pos;                /* next byte to read */
  size_t line;               /* physical line of buf[pos], 1-based */
  size_t rec_start;          /* offset where the current record starts */
  size_t rec_line;           /* line where the current record starts */
  char *scratch;             /* unquoted field text, NUL after each field */
  size_t used;               /* bytes of scratch in use */
  const char **fields;       /* pointers into scratch */
  size_t nf;                 /* fields of the current record */
  size_t expected;           /* fields of the first record, 0 before it */
  size_t *err_line;          /* where to report the line at fault */
  cairn_error *err;
} csv_parser;

/* Capacity of the scratch buffer: a record's text is at most its raw
** length, at most CAIRN_CSV_LINE_MAX bytes, checked after each character
** (a UTF-8 sequence may overshoot by 3 before the check), plus one NUL per
** field. */
#define CSV_SCRATCH_SIZE (CAIRN_CSV_LINE_MAX + 4 + CAIRN_CSV_COLS_MAX + 1)

static int csv_fail(csv_parser *p, size_t line, int code, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
static int csv_fail(csv_parser *p, size_t line, int code, const char *fmt,
                    ...) {
  char msg[sizeof p->err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (p->err_line) *p->err_line = line;
  return cairn_fail(p->err, code, NULL, "%s", msg);
}

/* Refuse the record once its raw bytes pass the limit. */
static int csv_check_length(csv_parser *p) {
  if (p->pos - p->rec_start > CAIRN_CSV_LINE_MAX)
    return csv_fail(p, p->rec_line, CAIRN_ELIMIT,
                    "the record is longer than %d bytes",
                    CAIRN_CSV_LINE_MAX);
  return 0;
}

/* Copy the character at pos (one byte, or one whole UTF-8 sequence) into
** the current field, refusing NUL and bad UTF-8. */
static int csv_take(csv_parser *p) {
  const unsigned char *c = p->buf + p->pos;
  if (*c == 0)
    return csv_fail(p, p->line, CAIRN_EINVAL,
                    "a NUL byte: this is not a text file (save the sheet as "
                    "\"CSV UTF-8\")");
  size_t n = utf8_seq(c, p->len - p->pos);
  if (!n)
    return csv_fail(p, p->line, CAIRN_EINVAL,
                    "bad UTF-8 at byte %zu (save the sheet as \"CSV UTF-8\")",
                    p->pos + 1);
  memcpy(p->scratch + p->used, c, n);
  p->used += n;
  p->pos += n;
  if (*c == '\n') p->line++;
  return csv_check_length(p);
}

/* Parse one record starting at pos into fields[0..nf). */
static int csv_record(csv_parser *p) {
  int rc;
  p->rec_start = p->pos;
  p->rec_line = p->line;
  p->used = 0;
  p->nf = 0;
  for (;;) {
    if (p->nf == CAIRN_CSV_COLS_MAX)
      return csv_fail(p, p->rec_line, CAIRN_ELIMIT,
                      "more than %d fields in one record",
                      CAIRN_CSV_COLS_MAX);
    p->fields[p->nf++] = p->scratch + p->used;
    if (p->pos < p->len && p->buf[p->pos] == '"') {
      size_t open_line = p->line;
      p->pos++;
      for (;;) {
        if (p->pos >= p->len)
          return csv_fail(p, open_line, CAIRN_EINVAL,
                          "field %zu opens a quote that is never closed",
                          p->nf);
        if (p->buf[p->pos] == '"') {
          if (p->pos + 1 < p->len && p->buf[p->pos + 1] == '"') {
            p->scratch[p->used++] = '"';
            p->pos += 2;
            if ((rc = csv_check_length(p))) return rc;
            continue;
          }
          p->pos++;
          break;
        }
        if ((rc = csv_take(p))) return rc;
      }
      if (p->pos < p->len && p->buf[p->pos] != ',' &&
          p->buf[p->pos] != '\r' && p->buf[p->pos] != '\n')
        return csv_fail(p, p->line, CAIRN_EINVAL,
                        "text after the closing quote of field %zu (a quote "
                        "inside a quoted field is written twice: \"\")",
                        p->nf);
    } else {
      while (p->pos < p->len) {
        unsigned char c = p->buf[p->pos];
        if (c == ',' || c == '\r' || c == '\n') break;
        if (c == '"')
          return csv_fail(p, p->line, CAIRN_EINVAL,
                          "a quote inside unquoted field %zu (quote the "
                          "whole field and write the quote twice: \"\")",
                          p->nf);
        if ((rc = csv_take(p))) return rc;
      }
    }
    p->scratch[p->used++] = 0;
    if ((rc = csv_check_length(p))) return rc;
    if (p->pos >= p->len) return 0;
    if (p->buf[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->buf[p->pos] == '\r') {
      if (p->pos + 1 >= p->len || p->buf[p->pos + 1] != '\n')
        return csv_fail(p, p->line, CAIRN_EINVAL,
                        "a carriage return not followed by a line feed "
                        "outside quotes");
      p->pos++;
    }
    p->pos++;        /* the '\n' */
    p->line++;
    return 0;
  }
}

/* 1 when only line endings remain from pos: blank lines at the very end
** of a file are not records (editors and spreadsheets leave them). */
static int csv_only_newlines_left(const csv_parser *p) {
  for (size_t i = p->pos; i < p->len; i++)
    if (p->buf[i] != '\n' && p->buf[i] != '\r') return 0;
  return 1;
}

int cairn_csv_parse(const char *buf, size_t len, cairn_csv_row_fn fn,
                    void *ctx, size_t *err_line, cairn_error *err) {
  csv_parser p;
  int rc = 0;
  memset(&p, 0, sizeof p);
  p.buf = (const unsigned char *)buf;
  p.len = len;
  p.line = 1;
  p.err = err;
  p.err_line = err_line;
  if (err_line) *err_line = 0;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) p.pos = 3;
  if (p.pos >= len || csv_only_newlines_left(&p)) return 0;
  p.scratch = csv_xmalloc(CSV_SCRATCH_SIZE);
  p.fields = csv_xmalloc(CAIRN_CSV_COLS_MAX * sizeof *p.fields);
  for (size_t index = 0; p.pos < p.len; index++) {
    if (index > 0 && csv_only_newlines_left(&p)) break;
    if ((rc = csv_record(&p))) break;
    if (index == 0) {
      p.expected = p.nf;
    } else if (p.nf != p.expected) {
      rc = csv_fail(&p, p.rec_line, CAIRN_EINVAL,
                    "%zu field%s where the first line has %zu",
                    p.nf, p.nf == 1 ? "" : "s", p.expected);
      break;
    }
    cairn_csv_row row = {.field = p.fields, .n = p.nf,
                         .line = p.rec_line, .index = index};
    if ((rc = fn(ctx, &row, err))) {
      if (err_line) *err_line = p.rec_line;
      break;
    }
  }
  free(p.scratch);
  free(p.fields);
  return rc;
}

