/*
** csvimport.c -- spreadsheet import (`cairn import-csv`): the CSV parser,
** date parsing, the column mapping of schemas/csvmap.xsd, and the import
** of rows as program records through the record API (csvimport.h).
**
** The import never writes SQL: every record goes through
** cairn_store_create(), so validation, the program plugin's check hook,
** projections and events are the same as for a form or the XML API.  All
** rows are written inside one transaction, which is rolled back when any
** row is invalid.
*/
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "csvimport.h"

/* The records the import writes (program.xsd). */
#define PROGRAM_NS "urn:cairn:program"
#define TYPE_PATIENT "program:Patient"
#define TYPE_EPISODE "program:EpisodeOfCare"
#define TYPE_OBSERVATION "program:Observation"
#define CSVMAP_NS "urn:cairn:csvmap"

/* Width of the progress bar in characters: fits an 80-column terminal
** with the counts beside it. */
#define PROGRESS_BAR_WIDTH 30

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) abort();
  return p;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = xmalloc(n);
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
  p.scratch = xmalloc(CSV_SCRATCH_SIZE);
  p.fields = xmalloc(CAIRN_CSV_COLS_MAX * sizeof *p.fields);
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

/* ================================================================= dates */

/* The calendar itself is core/lib/date.c's; here only the spreadsheet's
** own date formats. */

static const char *month_name(int m) {
  static const char *const names[12] = {
      "January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"};
  return names[m - 1];
}

/* Read between min and max digits at *s into *v; the count read, or 0. */
static int read_digits(const char **s, int min, int max, int *v) {
  int n = 0;
  *v = 0;
  while (n < max && **s >= '0' && **s <= '9') {
    *v = *v * 10 + (**s - '0');
    (*s)++;
    n++;
  }
  return n >= min ? n : 0;
}

int cairn_date_parse(const char *s, const char *format, char out[11],
                     cairn_error *err) {
  int y = 0, m = 0, d = 0, v;
  const char *p = s;
  if (!*s) return cairn_fail(err, CAIRN_EINVAL, NULL, "no date");
  for (const char *f = format; *f; f++) {
    if (*f == 'd' || *f == 'm') {
      if (!read_digits(&p, 1, 2, &v)) goto bad_form;
      if (*f == 'd') d = v; else m = v;
    } else if (*f == 'Y') {
      if (!read_digits(&p, 4, 4, &y) || (*p >= '0' && *p <= '9'))
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "'%.40s' is not a date written %s: the year must "
                          "have four digits", s, format);
    } else if (*p++ != *f) {
      goto bad_form;
    }
  }
  if (*p) goto bad_form;
  if (m < 1 || m > 12)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "'%.40s' is not a date written %s: there is no month %d",
                      s, format, m);
  if (y < CAIRN_DATE_YEAR_MIN || y > CAIRN_DATE_YEAR_MAX)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "'%.40s': the year must be between %d and %d", s,
                      CAIRN_DATE_YEAR_MIN, CAIRN_DATE_YEAR_MAX);
  if (d < 1 || d > cairn_month_days(y, m))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "'%.40s' is not a date: %s %d has %d days", s,
                      month_name(m), y, cairn_month_days(y, m));
  cairn_date_iso(out, y, m, d);
  return 0;
bad_form:
  return cairn_fail(err, CAIRN_EINVAL, NULL,
                    "'%.40s' is not a date written %s (d day, m month, Y "
                    "four-digit year)", s, format);
}

int cairn_date_add_days(const char *iso, long days, char out[11],
                        cairn_error *err) {
  char norm[11];
  int y, m, d, rc;
  if (strlen(iso) != 10 || (rc = cairn_date_parse(iso, "Y-m-d", norm, err)))
    return cairn_fail(err, CAIRN_EINVAL, NULL, "'%.40s' is not a date "
                      "written YYYY-MM-DD", iso);
  y = atoi(norm);
  m = atoi(norm + 5);
  d = atoi(norm + 8);
  if (days > 3650000L || days < -3650000L)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "an offset of %ld days is "
                      "out of range", days);
  cairn_civil_from_days(cairn_days_from_civil(y, m, d) + days, &y, &m, &d);
  if (y < CAIRN_DATE_YEAR_MIN || y > CAIRN_DATE_YEAR_MAX)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s plus %ld days leaves the years %d to %d", iso, days,
                      CAIRN_DATE_YEAR_MIN, CAIRN_DATE_YEAR_MAX);
  cairn_date_iso(out, y, m, d);
  return 0;
}

/* =============================================================== mapping */

static int map_el(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns &&
         strcmp((const char *)n->ns->href, CSVMAP_NS) == 0 &&
         strcmp((const char *)n->name, name) == 0;
}

/* A malloc'd copy of attribute `name`, or NULL. */
static char *map_attr(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
  if (!v) return NULL;
  char *d = xstrdup((const char *)v);
  xmlFree(v);
  return d;
}

/* Fill a coded column (gender, cohort) from its element. */
static int map_coded(xmlNodePtr el, cairn_csvmap_coded *c, const char *path,
                     cairn_error *err) {
  c->column = map_attr(el, "column");
  c->col = -1;
  size_t n = 0;
  for (xmlNodePtr v = el->children; v; v = v->next) n += map_el(v, "value");
  c->values = calloc(n + 1, sizeof *c->values);
  if (!c->values) abort();
  for (xmlNodePtr v = el->children; v; v = v->next) {
    if (!map_el(v, "value")) continue;
    cairn_csvmap_value *cv = &c->values[c->n_values++];
    cv->from = map_attr(v, "from");
    cv->to = map_attr(v, "to");
    if (!cv->from || !cv->to)
      return cairn_fail(err, CAIRN_EINVAL, "value",
                        "%s:%ld: <value> needs from= and to=", path,
                        xmlGetLineNo(v));
  }
  if (!c->column || !c->n_values)
    return cairn_fail(err, CAIRN_EINVAL, (const char *)el->name,
                      "%s:%ld: <%s> needs column= and at least one <value>",
                      path, xmlGetLineNo(el), (const char *)el->name);
  return 0;
}

static int map_observation(xmlNodePtr el, cairn_csvmap_obs *o,
                           const char *path, cairn_error *err) {
  o->instrument = map_attr(el, "instrument");
  o->timepoint = map_attr(el, "timepoint");
  char *off = map_attr(el, "offset-days");
  if (!o->instrument || !o->timepoint || !off) {
    free(off);
    return cairn_fail(err, CAIRN_EINVAL, "observation",
                      "%s:%ld: <observation> needs instrument=, timepoint= "
                      "and offset-days=", path, xmlGetLineNo(el));
  }
  char *end;
  o->offset_days = strtol(off, &end, 10);
  int bad = *off == 0 || *end != 0;
  free(off);
  if (bad)
    return cairn_fail(err, CAIRN_EINVAL, "observation",
                      "%s:%ld: offset-days must be a whole number of days",
                      path, xmlGetLineNo(el));
  size_t n = 0;
  for (xmlNodePtr a = el->children; a; a = a->next) n += map_el(a, "answer");
  o->answers = calloc(n + 1, sizeof *o->answers);
  if (!o->answers) abort();
  for (xmlNodePtr a = el->children; a; a = a->next) {
    if (!map_el(a, "answer")) continue;
    cairn_csvmap_answer *an = &o->answers[o->n_answers++];
    an->item = map_attr(a, "item");
    an->column = map_attr(a, "column");
    an->col = -1;
    if (!an->item || !an->column)
      return cairn_fail(err, CAIRN_EINVAL, "answer",
                        "%s:%ld: <answer> needs item= and column=", path,
                        xmlGetLineNo(a));
  }
  if (!o->n_answers)
    return cairn_fail(err, CAIRN_EINVAL, "observation",
                      "%s:%ld: <observation> needs at least one <answer>",
                      path, xmlGetLineNo(el));
  return 0;
}

/* Fill m from the document's root.  The schema has already said the
** shape is right; the checks here keep a bad document from crashing a
** caller that skipped validation. */
static int map_fill(cairn_csvmap *m, xmlNodePtr root, const char *path,
                    cairn_error *err) {
  int rc;
  if (!root || !map_el(root, "csvmap"))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: the root element must be <csvmap xmlns=\"%s\">",
                      path, CSVMAP_NS);
  m->id_col = m->start_col = -1;
  m->gender.col = m->cohort.col = -1;
  size_t nobs = 0;
  for (xmlNodePtr n = root->children; n; n = n->next)
    nobs += map_el(n, "observation");
  m->obs = calloc(nobs + 1, sizeof *m->obs);
  if (!m->obs) abort();
  for (xmlNodePtr n = root->children; n; n = n->next) {
    if (map_el(n, "patient")) {
      m->id_column = map_attr(n, "column");
      m->id_system = map_attr(n, "system");
      m->name_format = map_attr(n, "name");
      for (xmlNodePtr g = n->children; g; g = g->next)
        if (map_el(g, "gender") && (rc = map_coded(g, &m->gender, path, err)))
          return rc;
    } else if (map_el(n, "episode")) {
      m->primary_instrument = map_attr(n, "primary-instrument");
      m->episode_status = map_attr(n, "status");
      for (xmlNodePtr e = n->children; e; e = e->next) {
        if (map_el(e, "cohort")) {
          if ((rc = map_coded(e, &m->cohort, path, err))) return rc;
        } else if (map_el(e, "start")) {
          m->start_column = map_attr(e, "column");
          m->date_format = map_attr(e, "format");
        }
      }
    } else if (map_el(n, "observation")) {
      if ((rc = map_observation(n, &m->obs[m->n_obs++], path, err)))
        return rc;
    }
  }
  if (!m->episode_status) m->episode_status = xstrdup("active");
  if (!m->id_column || !m->id_system || !m->name_format)
    return cairn_fail(err, CAIRN_EINVAL, "patient",
                      "%s: <patient> needs column=, system= and name=", path);
  if (!strstr(m->name_format, "{id}"))
    return cairn_fail(err, CAIRN_EINVAL, "patient",
                      "%s: the patient name must contain {id}", path);
  if (!m->cohort.column || !m->start_column || !m->date_format ||
      !m->primary_instrument)
    return cairn_fail(err, CAIRN_EINVAL, "episode",
                      "%s: <episode> needs primary-instrument=, <cohort> and "
                      "<start column= format=>", path);
  return 0;
}

int cairn_csvmap_from_doc(xmlDocPtr doc, const char *path,
                          cairn_csvmap **out, cairn_error *err) {
  cairn_csvmap *m = calloc(1, sizeof *m);
  if (!m) abort();
  m->path = xstrdup(path);
  int rc = map_fill(m, xmlDocGetRootElement(doc), path, err);
  if (rc) {
    cairn_csvmap_free(m);
    return rc;
  }
  *out = m;
  return 0;
}

int cairn_csvmap_load(const char *path, const char *schemas_dir,
                      cairn_csvmap **out, cairn_error *err) {
  char xsd[4096];
  snprintf(xsd, sizeof xsd, "%s/csvmap.xsd", schemas_dir);
  xmlSchemaPtr schema = cairn_xml_schema_load(xsd, err);
  if (!schema) return err && err->code ? err->code : CAIRN_EINTERNAL;
  xmlDocPtr doc = cairn_xml_parse_file(path, err);
  int rc = doc ? 0 : (err && err->code ? err->code : CAIRN_EINVAL);
  if (!rc && cairn_xml_validate(schema, doc, err)) {
    char msg[sizeof err->message], field[sizeof err->field];
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(field, sizeof field, "%s", err->field);
    rc = cairn_fail(err, CAIRN_EINVAL, field, "%s: %s", path, msg);
  }
  if (!rc) rc = cairn_csvmap_from_doc(doc, path, out, err);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  return rc;
}

static void coded_free(cairn_csvmap_coded *c) {
  free(c->column);
  for (size_t i = 0; i < c->n_values; i++) {
    free(c->values[i].from);
    free(c->values[i].to);
  }
  free(c->values);
}

void cairn_csvmap_free(cairn_csvmap *m) {
  if (!m) return;
  free(m->path);
  free(m->id_column);
  free(m->id_system);
  free(m->name_format);
  coded_free(&m->gender);
  free(m->episode_status);
  free(m->primary_instrument);
  coded_free(&m->cohort);
  free(m->start_column);
  free(m->date_format);
  for (size_t i = 0; i < m->n_obs; i++) {
    cairn_csvmap_obs *o = &m->obs[i];
    free(o->instrument);
    free(o->timepoint);
    for (size_t k = 0; k < o->n_answers; k++) {
      free(o->answers[k].item);
      free(o->answers[k].column);
    }
    free(o->answers);
  }
  free(m->obs);
  free(m);
}

/* The header index of `name` into *col. */
static int bind_column(const char *name, const char *const *header, size_t n,
                       int *col, cairn_error *err) {
  *col = -1;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(header[i], name) != 0) continue;
    if (*col >= 0)
      return cairn_fail(err, CAIRN_EINVAL, name,
                        "the header names column '%s' twice (fields %d and "
                        "%zu), so the mapping is ambiguous", name, *col + 1,
                        i + 1);
    *col = (int)i;
  }
  if (*col < 0)
    return cairn_fail(err, CAIRN_EINVAL, name,
                      "the mapping names column '%s', which is not in the "
                      "header", name);
  return 0;
}

int cairn_csvmap_bind(cairn_csvmap *m, const char *const *header, size_t n,
                      cairn_error *err) {
  int rc;
  if ((rc = bind_column(m->id_column, header, n, &m->id_col, err))) return rc;
  if (m->gender.column &&
      (rc = bind_column(m->gender.column, header, n, &m->gender.col, err)))
    return rc;
  if ((rc = bind_column(m->cohort.column, header, n, &m->cohort.col, err)))
    return rc;
  if ((rc = bind_column(m->start_column, header, n, &m->start_col, err)))
    return rc;
  for (size_t i = 0; i < m->n_obs; i++)
    for (size_t k = 0; k < m->obs[i].n_answers; k++) {
      cairn_csvmap_answer *a = &m->obs[i].answers[k];
      if ((rc = bind_column(a->column, header, n, &a->col, err))) return rc;
    }
  return 0;
}

/* ================================================================ import */

/* Identifiers seen in this file, with the line of each: an open-addressing
** hash set that doubles when half full. */
typedef struct id_slot { char *id; size_t line; } id_slot;
typedef struct id_set { id_slot *slot; size_t cap, n; } id_set;

static size_t id_hash(const char *s) {
  size_t h = 1469598103934665603ULL;   /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

/* The line `id` was first seen on, or 0 after adding it with `line`. */
static size_t id_set_add(id_set *s, const char *id, size_t line) {
  if (2 * (s->n + 1) > s->cap) {
    id_set big = {calloc(s->cap ? 2 * s->cap : 256, sizeof(id_slot)),
                  s->cap ? 2 * s->cap : 256, 0};
    if (!big.slot) abort();
    for (size_t i = 0; i < s->cap; i++) {
      if (!s->slot[i].id) continue;
      size_t k = id_hash(s->slot[i].id) & (big.cap - 1);
      while (big.slot[k].id) k = (k + 1) & (big.cap - 1);
      big.slot[k] = s->slot[i];
      big.n++;
    }
    free(s->slot);
    *s = big;
  }
  size_t k = id_hash(id) & (s->cap - 1);
  for (; s->slot[k].id; k = (k + 1) & (s->cap - 1))
    if (strcmp(s->slot[k].id, id) == 0) return s->slot[k].line;
  s->slot[k].id = xstrdup(id);
  s->slot[k].line = line;
  s->n++;
  return 0;
}

static void id_set_free(id_set *s) {
  for (size_t i = 0; i < s->cap; i++) free(s->slot[i].id);
  free(s->slot);
}

/* A stored patient: identifier and record id. */
typedef struct stored_id { char *identifier; long long record; } stored_id;

typedef struct import_ctx {
  cairn_req *req;
  cairn_csvmap *map;
  const char *label;         /* the CSV file's name, for messages */
  FILE *errs;                /* messages and the progress bar */
  int progress;              /* draw the bar */
  int bar_pct;               /* percent last drawn, -1: none on screen */
  size_t total;              /* data rows (pass 1) */
  cairn_csv_summary sum;
  id_set seen;               /* identifiers of this file */
  stored_id *stored;         /* patients already stored */
  size_t n_stored;
  size_t already;            /* rows refused as already stored */
  cairn_error fatal;         /* a database failure: stop everything */
  int fatal_rc;
} import_ctx;

static void bar_clear(import_ctx *c) {
  if (c->progress && c->bar_pct >= 0) {
    fputs("\r\033[K", c->errs);   /* back to column 0, erase the line */
    c->bar_pct = -1;
  }
}

static void bar_draw(import_ctx *c, size_t done) {
  if (!c->progress) return;
  int pct = c->total ? (int)(done * 100 / c->total) : 100;
  if (pct == c->bar_pct && done != c->total) return;
  int fill = pct * PROGRESS_BAR_WIDTH / 100;
  char bar[PROGRESS_BAR_WIDTH + 1];
  memset(bar, '#', (size_t)fill);
  memset(bar + fill, '.', (size_t)(PROGRESS_BAR_WIDTH - fill));
  bar[PROGRESS_BAR_WIDTH] = 0;
  fprintf(c->errs, "\rimporting [%s] %zu/%zu rows %3d%%", bar, done,
          c->total, pct);
  fflush(c->errs);
  c->bar_pct = pct;
}

/* Report an invalid row as "FILE:LINE: column NAME: message".  Returns
** CAIRN_ELIMIT once CAIRN_CSV_ERRORS_MAX rows have been reported. */
static int row_error(import_ctx *c, size_t line, const char *column,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int row_error(import_ctx *c, size_t line, const char *column,
                     const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  bar_clear(c);
  fprintf(c->errs, "%s:%zu: column %s: %s\n", c->label, line, column, msg);
  c->sum.errors++;
  return c->sum.errors >= CAIRN_CSV_ERRORS_MAX ? CAIRN_ELIMIT : 0;
}

/* The mapped cell `col`, trimmed of spaces and tabs, into out (of
** CAIRN_CSV_CELL_MAX + 1 bytes).  -1 when it is longer than that. */
static int get_cell(const cairn_csv_row *row, int col, char *out) {
  const char *s = row->field[col];
  size_t n = strlen(s);
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  if (n > CAIRN_CSV_CELL_MAX) return -1;
  memcpy(out, s, n);
  out[n] = 0;
  return 0;
}

/* The value a coded column maps `cell` to, or NULL. */
static const char *coded_lookup(const cairn_csvmap_coded *c,
                                const char *cell) {
  for (size_t i = 0; i < c->n_values; i++)
    if (strcmp(c->values[i].from, cell) == 0) return c->values[i].to;
  return NULL;
}

/* "1, 0" for messages. */
static void coded_list(const cairn_csvmap_coded *c, char *out, size_t n) {
  size_t used = 0;
  out[0] = 0;
  for (size_t i = 0; i < c->n_values && used < n; i++)
    used += (size_t)snprintf(out + used, n - used, "%s'%s'", i ? ", " : "",
                             c->values[i].from);
}

/* 1 for a plain decimal number: optional '-', digits, optional '.' and
** digits (no exponent, no thousands separator, no decimal comma). */
static int is_number(const char *s) {
  if (*s == '-') s++;
  if (!isdigit((unsigned char)*s)) return 0;
  while (isdigit((unsigned char)*s)) s++;
  if (*s == '.') {
    s++;
    if (!isdigit((unsigned char)*s)) return 0;
    while (isdigit((unsigned char)*s)) s++;
  }
  return *s == 0;
}

/* A new record body: root element `root` in the program namespace. */
static xmlDocPtr body_new(const char *root, xmlNsPtr *ns) {
  xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
  if (!d) abort();
  xmlNodePtr r = xmlNewDocNode(d, NULL, (const xmlChar *)root, NULL);
  if (!r) abort();
  xmlDocSetRootElement(d, r);
  *ns = xmlNewNs(r, (const xmlChar *)PROGRAM_NS, NULL);
  if (!*ns) abort();
  xmlSetNs(r, *ns);
  return d;
}

/* Add <name>text</name> (escaped by the serializer) under parent. */
static xmlNodePtr body_text(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                            const char *text) {
  xmlNodePtr n = xmlNewTextChild(parent, ns, (const xmlChar *)name,
                                 (const xmlChar *)text);
  if (!n) abort();
  return n;
}

/* The name format with {id} replaced. */
static void patient_name(const char *format, const char *id, char *out,
                         size_t n) {
  const char *at = strstr(format, "{id}");
  if (!at) {
    snprintf(out, n, "%s", format);
    return;
  }
  snprintf(out, n, "%.*s%s%s", (int)(at - format), format, id, at + 4);
}

/* The column a refusal is about: the column of the element the store
** names in err->field (pairs: element, column, ..., NULL), else `dflt`. */
static const char *refused_column(const char *field,
                                  const char *const *pairs,
                                  const char *dflt) {
  for (size_t i = 0; pairs[i]; i += 2)
    if (pairs[i + 1] && strcmp(field, pairs[i]) == 0) return pairs[i + 1];
  return dflt;
}

/* Store one record; on a refusal report it against the column chosen by
** refused_column().  Returns 0 when stored, 1 when refused (reported), or
** the negative code of a failure that stops the import (the database, or
** too many errors). */
static int store_record(import_ctx *c, size_t line, const char *type,
                        long long patient, xmlDocPtr body, long long *id,
                        const char *const *pairs, const char *dflt) {
  cairn_error e = {0};
  int rc = cairn_store_create(c->req, type, patient, body, id, &e);
  if (rc == 0) return 0;
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    int stop = row_error(c, line, refused_column(e.field, pairs, dflt),
                         "%s refused: %s%s%s%s",
                         type + sizeof "program:" - 1, e.message,
                         e.field[0] ? " (" : "", e.field,
                         e.field[0] ? ")" : "");
    return stop ? stop : 1;
  }
  c->fatal = e;
  c->fatal_rc = rc;
  return rc;
}

/* The column an Observation refusal is about: the answer whose item the
** store names in err->field ("score" or "answer.score"), else the first
** answer's column. */
static const char *obs_column(const cairn_csvmap_obs *o, const char *field) {
  const char *dot = strrchr(field, '.');   /* "answer.score" names "score" */
  const char *item = dot ? dot + 1 : field;
  for (size_t i = 0; i < o->n_answers; i++)
    if (strcmp(o->answers[i].item, item) == 0) return o->answers[i].column;
  return o->answers[0].column;
}

/* Stored patients, read once per import: (identifier, record) sorted by
** identifier.  One statement for the whole import, rather than one per
** row: a request keeps every statement it prepared until it ends. */
static int stored_cmp(const void *a, const void *b) {
  return strcmp(((const stored_id *)a)->identifier,
                ((const stored_id *)b)->identifier);
}

static const char SQL_STORED_PATIENTS[] =
    "SELECT identifier, record FROM p_program_patient "
    "WHERE identifier IS NOT NULL";

/* Fill c->stored from p_program_patient (inside the import's transaction). */
static int stored_load(import_ctx *c, cairn_error *err) {
  size_t cap = 0;
  int rc;
  cairn_stmt *st = cairn_sql_prepare(c->req, SQL_STORED_PATIENTS, err);
  if (!st) return err->code ? err->code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    if (c->n_stored == cap) {
      cap = cap ? 2 * cap : 256;
      c->stored = realloc(c->stored, cap * sizeof *c->stored);
      if (!c->stored) abort();
    }
    c->stored[c->n_stored].identifier = xstrdup(cairn_sql_text(st, 0));
    c->stored[c->n_stored].record = cairn_sql_int(st, 1);
    c->n_stored++;
  }
  if (rc < 0)
    return cairn_fail(err, CAIRN_EDB, NULL, "reading the stored patients "
                      "failed");
  if (c->n_stored)
    qsort(c->stored, c->n_stored, sizeof *c->stored, stored_cmp);
  return 0;
}

static void stored_free(import_ctx *c) {
  for (size_t i = 0; i < c->n_stored; i++) free(c->stored[i].identifier);
  free(c->stored);
}

/* The id of a stored patient with identifier `id` in the map's system, 0
** when there is none, or a negative code (in c->fatal). */
static long long stored_patient(import_ctx *c, const char *id) {
  stored_id key = {(char *)id, 0};
  if (!c->n_stored) return 0;
  stored_id *hit = bsearch(&key, c->stored, c->n_stored, sizeof *c->stored,
                           stored_cmp);
  if (!hit) return 0;
  while (hit > c->stored && strcmp(hit[-1].identifier, id) == 0) hit--;
  for (; hit < c->stored + c->n_stored && strcmp(hit->identifier, id) == 0;
       hit++) {
    const cairn_record *rec;
    cairn_error e = {0};
    int rc = cairn_store_get(c->req, hit->record, &rec, &e);
    if (rc) {
      c->fatal = e;
      c->fatal_rc = rc;
      return rc;
    }
    xmlNodePtr root = xmlDocGetRootElement(rec->body);
    for (xmlNodePtr k = root ? root->children : NULL; k; k = k->next) {
      if (k->type != XML_ELEMENT_NODE ||
          strcmp((const char *)k->name, "identifier") != 0)
        continue;
      xmlChar *sys = xmlGetNoNsProp(k, (const xmlChar *)"system");
      int same = sys && strcmp((const char *)sys, c->map->id_system) == 0;
      xmlFree(sys);
      if (same) return hit->record;
    }
  }
  return 0;
}

/* One data row: check every mapped cell, then write Patient, EpisodeOfCare
** and the Observations. */
static int import_row(import_ctx *c, const cairn_csv_row *row) {
  const cairn_csvmap *m = c->map;
  char id[CAIRN_CSV_CELL_MAX + 1], gcell[CAIRN_CSV_CELL_MAX + 1];
  char ccell[CAIRN_CSV_CELL_MAX + 1], scell[CAIRN_CSV_CELL_MAX + 1];
  char start[11], list[256];
  const char *gender = NULL, *cohort = NULL;
  size_t errors = c->sum.errors;
  int rc;
  cairn_error e = {0};

#define ROW_ERROR(column, ...)                                  \
  do {                                                          \
    if ((rc = row_error(c, row->line, (column), __VA_ARGS__)))  \
      return rc;                                                \
  } while (0)

  size_t first = 0;
  if (get_cell(row, m->id_col, id))
    ROW_ERROR(m->id_column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
  else if (!*id)
    ROW_ERROR(m->id_column, "no patient identifier");
  else if ((first = id_set_add(&c->seen, id, row->line)) != 0)
    /* The same patient twice in this file, whether or not the first row
    ** was valid. */
    ROW_ERROR(m->id_column, "patient identifier %s is also on line %zu; "
              "each patient is one row", id, first);
  if (m->gender.column) {
    if (get_cell(row, m->gender.col, gcell)) {
      ROW_ERROR(m->gender.column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
    } else if (*gcell && !(gender = coded_lookup(&m->gender, gcell))) {
      coded_list(&m->gender, list, sizeof list);
      ROW_ERROR(m->gender.column, "'%s' is not one of the mapped values (%s)",
                gcell, list);
    }
  }
  if (get_cell(row, m->cohort.col, ccell)) {
    ROW_ERROR(m->cohort.column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
  } else if (!(cohort = coded_lookup(&m->cohort, ccell))) {
    coded_list(&m->cohort, list, sizeof list);
    if (*ccell)
      ROW_ERROR(m->cohort.column, "'%s' is not one of the mapped cohorts "
                "(%s)", ccell, list);
    else
      ROW_ERROR(m->cohort.column, "no cohort (one of %s)", list);
  }
  if (get_cell(row, m->start_col, scell))
    ROW_ERROR(m->start_column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
  else if (cairn_date_parse(scell, m->date_format, start, &e))
    ROW_ERROR(m->start_column, "%s", e.message);
  for (size_t i = 0; i < m->n_obs; i++)
    for (size_t k = 0; k < m->obs[i].n_answers; k++) {
      const cairn_csvmap_answer *a = &m->obs[i].answers[k];
      char v[CAIRN_CSV_CELL_MAX + 1];
      if (get_cell(row, a->col, v))
        ROW_ERROR(a->column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
      else if (*v && !is_number(v))
        ROW_ERROR(a->column, "'%s' is not a number (write digits with a "
                  "point for decimals, as 10.75)", v);
    }
  if (c->sum.errors > errors) return 0;

  /* A patient stored by an earlier import. */
  long long existing = stored_patient(c, id);
  if (existing < 0) return (int)existing;
  if (existing > 0) {
    c->already++;
    ROW_ERROR(m->id_column, "patient %s (system %s) is already stored as "
              "record %lld; a sheet is imported once", id, m->id_system,
              existing);
    return 0;
  }

  /* Patient */
  xmlNsPtr ns;
  char name[512];
  long long pid, eid, oid;
  xmlDocPtr body = body_new("Patient", &ns);
  xmlNodePtr root = xmlDocGetRootElement(body);
  xmlNodePtr ident = body_text(root, ns, "identifier", id);
  xmlSetProp(ident, (const xmlChar *)"system", (const xmlChar *)m->id_system);
  patient_name(m->name_format, id, name, sizeof name);
  body_text(root, ns, "name", name);
  if (gender) body_text(root, ns, "gender", gender);
  const char *const patient_cols[] = {"gender", m->gender.column, NULL};
  if ((rc = store_record(c, row->line, TYPE_PATIENT, 0, body, &pid,
                         patient_cols, m->id_column)))
    return rc > 0 ? 0 : rc;
  c->sum.patients++;

  /* EpisodeOfCare */
  body = body_new("EpisodeOfCare", &ns);
  root = xmlDocGetRootElement(body);
  body_text(root, ns, "status", m->episode_status);
  body_text(root, ns, "cohort", cohort);
  body_text(root, ns, "periodStart", start);
  body_text(root, ns, "primaryInstrument", m->primary_instrument);
  const char *const episode_cols[] = {"periodStart", m->start_column, NULL};
  if ((rc = store_record(c, row->line, TYPE_EPISODE, pid, body, &eid,
                         episode_cols, m->cohort.column)))
    return rc > 0 ? 0 : rc;
  c->sum.episodes++;

  /* Observations */
  for (size_t i = 0; i < m->n_obs; i++) {
    const cairn_csvmap_obs *o = &m->obs[i];
    char v[CAIRN_CSV_CELL_MAX + 1], effective[11], eidtext[32];
    size_t filled = 0;
    for (size_t k = 0; k < o->n_answers; k++) {
      get_cell(row, o->answers[k].col, v);
      filled += *v != 0;
    }
    if (!filled) {
      c->sum.skipped++;
      continue;
    }
    if (cairn_date_add_days(start, o->offset_days, effective, &e)) {
      ROW_ERROR(m->start_column, "%s", e.message);
      continue;
    }
    body = body_new("Observation", &ns);
    root = xmlDocGetRootElement(body);
    snprintf(eidtext, sizeof eidtext, "%lld", eid);
    body_text(root, ns, "episode", eidtext);
    body_text(root, ns, "instrument", o->instrument);
    body_text(root, ns, "effective", effective);
    body_text(root, ns, "timepoint", o->timepoint);
    for (size_t k = 0; k < o->n_answers; k++) {
      get_cell(row, o->answers[k].col, v);
      if (!*v) continue;   /* a partly answered instrument: the check hook
                           ** applies its missing-item rule */
      xmlNodePtr a = body_text(root, ns, "answer", v);
      xmlSetProp(a, (const xmlChar *)"item",
                 (const xmlChar *)o->answers[k].item);
    }
    cairn_error oe = {0};
    rc = cairn_store_create(c->req, TYPE_OBSERVATION, pid, body, &oid, &oe);
    if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
      ROW_ERROR(obs_column(o, oe.field), "%s at %s refused: %s%s%s%s",
                o->instrument, o->timepoint, oe.message,
                oe.field[0] ? " (" : "", oe.field, oe.field[0] ? ")" : "");
    } else if (rc) {
      c->fatal = oe;
      c->fatal_rc = rc;
      return rc;
    } else {
      c->sum.observations++;
    }
  }
  return 0;
#undef ROW_ERROR
}

/* Pass 1: count rows, bind the header. */
static int count_row(void *vc, const cairn_csv_row *row, cairn_error *err) {
  import_ctx *c = vc;
  if (row->index == 0)
    return cairn_csvmap_bind(c->map, row->field, row->n, err);
  c->total++;
  return 0;
}

/* Pass 2: import each data row. */
static int write_row(void *vc, const cairn_csv_row *row, cairn_error *err) {
  import_ctx *c = vc;
  if (row->index == 0) return 0;
  int rc = import_row(c, row);
  c->sum.rows++;
  bar_draw(c, c->sum.rows);
  if (rc && c->fatal_rc) *err = c->fatal;
  return rc;
}

int cairn_csv_import(cairn_req *req, cairn_csvmap *map, const char *label,
                     const char *buf, size_t len, int progress, int dry_run,
                     FILE *errs, cairn_csv_summary *sum, cairn_error *err) {
  import_ctx c;
  size_t line = 0;
  int rc;
  memset(&c, 0, sizeof c);
  c.req = req;
  c.map = map;
  c.label = label;
  c.errs = errs;
  c.progress = progress;
  c.bar_pct = -1;

  /* Pass 1: the file's shape (encoding, quoting, ragged rows) and its
  ** header, before anything is written. */
  rc = cairn_csv_parse(buf, len, count_row, &c, &line, err);
  if (rc) {
    if (err->field[0])
      fprintf(errs, "%s:%zu: column %s: %s\n", label, line, err->field,
              err->message);
    else
      fprintf(errs, "%s:%zu: %s\n", label, line, err->message);
    return cairn_fail(err, rc, NULL, "%s is not imported: fix line %zu",
                      label, line);
  }
  if (map->id_col < 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s is empty: a header line "
                      "and one row per patient are needed", label);

  /* Pass 2: every row through the record API, in one transaction. */
  if ((rc = cairn_store_begin(req->store, err))) return rc;
  if ((rc = stored_load(&c, err))) {
    stored_free(&c);
    cairn_store_rollback(req->store);
    return rc;
  }
  bar_draw(&c, 0);
  rc = cairn_csv_parse(buf, len, write_row, &c, &line, err);
  bar_clear(&c);
  if (c.progress && c.sum.rows) {
    /* leave the last state of the bar on the screen */
    c.bar_pct = -1;
    bar_draw(&c, c.sum.rows);
    fputc('\n', errs);
  }
  id_set_free(&c.seen);
  stored_free(&c);
  if (sum) *sum = c.sum;
  /* Said when rows were refused as already stored: the usual cause is
  ** running the same import twice. */
  char hint[160] = "";
  if (c.already)
    snprintf(hint, sizeof hint, " (%zu of them already stored: was this "
             "sheet imported before?)", c.already);
  if (rc == CAIRN_ELIMIT && !c.fatal_rc) {
    cairn_store_rollback(req->store);
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "stopped after %zu invalid rows (line %zu)%s; nothing "
                      "was imported", c.sum.errors, line, hint);
  }
  if (rc) {
    cairn_store_rollback(req->store);
    char msg[sizeof err->message], field[sizeof err->field];
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(field, sizeof field, "%s", err->field);
    return cairn_fail(err, rc, field, "%s:%zu: %s; nothing was imported",
                      label, line, msg);
  }
  if (c.sum.errors) {
    cairn_store_rollback(req->store);
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%zu invalid row%s%s; nothing was imported",
                      c.sum.errors, c.sum.errors == 1 ? "" : "s", hint);
  }
  if (dry_run) {
    cairn_store_rollback(req->store);
    return 0;
  }
  return cairn_store_commit(req->store, err);
}
