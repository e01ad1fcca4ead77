/*
** csvimport.c -- spreadsheet import (`cairn import-csv`): the rows of a
** parsed sheet (csv_parse.c, csv_date.c) written through the record API
** (csvimport.h) as the records the mapping's <records> names (csvmap.c):
** the core knows no plugin's types.
**
** The import never writes SQL: every record goes through
** cairn_store_create(), so validation, the record type's check hook,
** projections and events are the same as for a form or the XML API.  All
** rows are written inside one transaction, which is rolled back when any
** row is invalid.
*/
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "csv_int.h"

/* Width of the progress bar in characters: fits an 80-column terminal
** with the counts beside it. */
#define PROGRESS_BAR_WIDTH 30

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
  s->slot[k].id = csv_xstrdup(id);
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

/* A new record body: the record's root element in its namespace. */
static xmlDocPtr body_new(const cairn_csvmap_record *rec, xmlNsPtr *ns) {
  xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
  if (!d) abort();
  xmlNodePtr r = xmlNewDocNode(d, NULL, (const xmlChar *)rec->element, NULL);
  if (!r) abort();
  xmlDocSetRootElement(d, r);
  *ns = xmlNewNs(r, (const xmlChar *)rec->ns, NULL);
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
                         strchr(type, ':') + 1, e.message,
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

/* The loaded record type the mapping names as rec, checked to have the
** namespace and root element the mapping says; NULL with *err filled. */
static const cairn_record_type *record_type(const cairn_req *req,
                                            const cairn_csvmap_record *rec,
                                            cairn_error *err) {
  const cairn_registry *reg = req->reg;
  for (size_t i = 0; reg && i < reg->n_types; i++) {
    const cairn_record_type *d = reg->types[i].decl;
    if (!d || strcmp(d->name, rec->type) != 0) continue;
    if (strcmp(d->ns, rec->ns) != 0 || strcmp(d->root, rec->element) != 0) {
      cairn_fail(err, CAIRN_EINVAL, "records",
                 "the mapping says %s is <%s xmlns=\"%s\">, but its plugin "
                 "declares <%s xmlns=\"%s\">", rec->type, rec->element,
                 rec->ns, d->root, d->ns);
      return NULL;
    }
    return d;
  }
  cairn_fail(err, CAIRN_EINVAL, "records", "no loaded plugin declares the "
             "record type %s that the mapping names", rec->type);
  return NULL;
}

/* Check the mapping's records against the loaded plugins, and build the
** query of stored patients' identifiers from the patient type's declared
** table and projection column (names from the declaration, never from the
** file: the column must be one the type declares).  *sql is
** sqlite3_free'd by the caller. */
static int records_check(import_ctx *c, char **sql, cairn_error *err) {
  const cairn_csvmap *m = c->map;
  const cairn_record_type *pt = record_type(c->req, &m->patient_rec, err);
  if (!pt || !record_type(c->req, &m->episode_rec, err) ||
      !record_type(c->req, &m->obs_rec, err))
    return CAIRN_EINVAL;
  for (size_t j = 0; pt->projections && pt->projections[j].column; j++) {
    const char *col = pt->projections[j].column;
    if (strcmp(col, m->fills.identifier_column) != 0) continue;
    *sql = sqlite3_mprintf("SELECT \"%w\", record FROM \"p_%w\""
                           " WHERE \"%w\" IS NOT NULL", col, pt->table, col);
    if (!*sql) abort();
    return 0;
  }
  return cairn_fail(err, CAIRN_EINVAL, "records",
                    "%s declares no projection column %s (the mapping's "
                    "identifier-column)", pt->name,
                    m->fills.identifier_column);
}

/* Fill c->stored from the patient type's projection table (inside the
** import's transaction). */
static int stored_load(import_ctx *c, cairn_error *err) {
  size_t cap = 0;
  int rc;
  char *sql = NULL;
  if ((rc = records_check(c, &sql, err))) return rc;
  cairn_stmt *st = cairn_sql_prepare(c->req, sql, err);
  sqlite3_free(sql);
  if (!st) return err->code ? err->code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    if (c->n_stored == cap) {
      cap = cap ? 2 * cap : 256;
      c->stored = realloc(c->stored, cap * sizeof *c->stored);
      if (!c->stored) abort();
    }
    c->stored[c->n_stored].identifier = csv_xstrdup(cairn_sql_text(st, 0));
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
          strcmp((const char *)k->name, c->map->fills.identifier) != 0)
        continue;
      xmlChar *sys = xmlGetNoNsProp(k, (const xmlChar *)"system");
      int same = sys && strcmp((const char *)sys, c->map->id_system) == 0;
      xmlFree(sys);
      if (same) return hit->record;
    }
  }
  return 0;
}

/* Report a problem in column `column` of the row and return from the
** calling function when the import must stop (too many errors). */
#define ROW_ERROR(column, ...)                                  \
  do {                                                          \
    if ((rc = row_error(c, row->line, (column), __VA_ARGS__)))  \
      return rc;                                                \
  } while (0)

/* What one row's mapped cells say, once checked. */
typedef struct row_values {
  char id[CAIRN_CSV_CELL_MAX + 1];   /* the patient identifier */
  const char *gender;        /* mapped, or NULL */
  const char *cohort;        /* mapped */
  char start[11];            /* the episode's start, YYYY-MM-DD */
} row_values;

/* Check the patient's cells: identifier (present, once in the file) and
** gender (empty or mapped). */
static int check_patient_cells(import_ctx *c, const cairn_csv_row *row,
                               row_values *rv) {
  const cairn_csvmap *m = c->map;
  char gcell[CAIRN_CSV_CELL_MAX + 1], list[256];
  size_t first = 0;
  int rc;
  if (get_cell(row, m->id_col, rv->id))
    ROW_ERROR(m->id_column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
  else if (!*rv->id)
    ROW_ERROR(m->id_column, "no patient identifier");
  else if ((first = id_set_add(&c->seen, rv->id, row->line)) != 0)
    /* The same patient twice in this file, whether or not the first row
    ** was valid. */
    ROW_ERROR(m->id_column, "patient identifier %s is also on line %zu; "
              "each patient is one row", rv->id, first);
  if (!m->gender.column) return 0;
  if (get_cell(row, m->gender.col, gcell)) {
    ROW_ERROR(m->gender.column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
  } else if (*gcell && !(rv->gender = coded_lookup(&m->gender, gcell))) {
    coded_list(&m->gender, list, sizeof list);
    ROW_ERROR(m->gender.column, "'%s' is not one of the mapped values (%s)",
              gcell, list);
  }
  return 0;
}

/* Check the episode's cells (cohort mapped, start a date) and every
** answer cell (empty or a number). */
static int check_episode_cells(import_ctx *c, const cairn_csv_row *row,
                               row_values *rv) {
  const cairn_csvmap *m = c->map;
  char ccell[CAIRN_CSV_CELL_MAX + 1], scell[CAIRN_CSV_CELL_MAX + 1];
  char list[256];
  cairn_error e = {0};
  int rc;
  if (get_cell(row, m->cohort.col, ccell)) {
    ROW_ERROR(m->cohort.column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
  } else if (!(rv->cohort = coded_lookup(&m->cohort, ccell))) {
    coded_list(&m->cohort, list, sizeof list);
    if (*ccell)
      ROW_ERROR(m->cohort.column, "'%s' is not one of the mapped cohorts "
                "(%s)", ccell, list);
    else
      ROW_ERROR(m->cohort.column, "no cohort (one of %s)", list);
  }
  if (get_cell(row, m->start_col, scell))
    ROW_ERROR(m->start_column, "longer than %d bytes", CAIRN_CSV_CELL_MAX);
  else if (cairn_date_parse(scell, m->date_format, rv->start, &e))
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
  return 0;
}

/* Write the patient record; *pid its id.  0 stored, 1 refused (reported),
** negative: stop. */
static int write_patient(import_ctx *c, const cairn_csv_row *row,
                         const row_values *rv, long long *pid) {
  const cairn_csvmap *m = c->map;
  const cairn_csvmap_fills *f = &m->fills;
  xmlNsPtr ns;
  char name[512];
  xmlDocPtr body = body_new(&m->patient_rec, &ns);
  xmlNodePtr root = xmlDocGetRootElement(body);
  xmlNodePtr ident = body_text(root, ns, f->identifier, rv->id);
  xmlSetProp(ident, (const xmlChar *)"system", (const xmlChar *)m->id_system);
  patient_name(m->name_format, rv->id, name, sizeof name);
  body_text(root, ns, f->name, name);
  if (rv->gender) body_text(root, ns, f->gender, rv->gender);
  const char *const cols[] = {f->gender, m->gender.column, NULL};
  return store_record(c, row->line, m->patient_rec.type, 0, body, pid, cols,
                      m->id_column);
}

/* Write the episode record of patient pid; *eid its id.  As
** write_patient. */
static int write_episode(import_ctx *c, const cairn_csv_row *row,
                         const row_values *rv, long long pid,
                         long long *eid) {
  const cairn_csvmap *m = c->map;
  const cairn_csvmap_fills *f = &m->fills;
  xmlNsPtr ns;
  xmlDocPtr body = body_new(&m->episode_rec, &ns);
  xmlNodePtr root = xmlDocGetRootElement(body);
  body_text(root, ns, f->status, m->episode_status);
  body_text(root, ns, f->cohort, rv->cohort);
  body_text(root, ns, f->start, rv->start);
  body_text(root, ns, f->primary_instrument, m->primary_instrument);
  const char *const cols[] = {f->start, m->start_column, NULL};
  return store_record(c, row->line, m->episode_rec.type, pid, body, eid,
                      cols, m->cohort.column);
}

/* Write observation o of the row, if any of its cells is filled.  0 on
** success, a skip or a reported refusal; nonzero: stop. */
static int write_observation(import_ctx *c, const cairn_csv_row *row,
                             const row_values *rv, const cairn_csvmap_obs *o,
                             long long pid, long long eid) {
  const cairn_csvmap *m = c->map;
  const cairn_csvmap_fills *f = &m->fills;
  char v[CAIRN_CSV_CELL_MAX + 1], effective[11], eidtext[32];
  size_t filled = 0;
  cairn_error e = {0};
  long long oid;
  xmlNsPtr ns;
  int rc;
  for (size_t k = 0; k < o->n_answers; k++) {
    get_cell(row, o->answers[k].col, v);
    filled += *v != 0;
  }
  if (!filled) {
    c->sum.skipped++;
    return 0;
  }
  if (cairn_date_add_days(rv->start, o->offset_days, effective, &e)) {
    ROW_ERROR(m->start_column, "%s", e.message);
    return 0;
  }
  xmlDocPtr body = body_new(&m->obs_rec, &ns);
  xmlNodePtr root = xmlDocGetRootElement(body);
  snprintf(eidtext, sizeof eidtext, "%lld", eid);
  body_text(root, ns, f->episode, eidtext);
  body_text(root, ns, f->instrument, o->instrument);
  body_text(root, ns, f->effective, effective);
  body_text(root, ns, f->timepoint, o->timepoint);
  for (size_t k = 0; k < o->n_answers; k++) {
    get_cell(row, o->answers[k].col, v);
    if (!*v) continue;   /* a partly answered instrument: the check hook
                         ** applies its missing-item rule */
    xmlNodePtr a = body_text(root, ns, f->answer, v);
    xmlSetProp(a, (const xmlChar *)f->item,
               (const xmlChar *)o->answers[k].item);
  }
  rc = cairn_store_create(c->req, m->obs_rec.type, pid, body, &oid, &e);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    ROW_ERROR(obs_column(o, e.field), "%s at %s refused: %s%s%s%s",
              o->instrument, o->timepoint, e.message,
              e.field[0] ? " (" : "", e.field, e.field[0] ? ")" : "");
  } else if (rc) {
    c->fatal = e;
    c->fatal_rc = rc;
    return rc;
  } else {
    c->sum.observations++;
  }
  return 0;
}

/* One data row: check every mapped cell, then write the patient, the
** episode and the observations. */
static int import_row(import_ctx *c, const cairn_csv_row *row) {
  const cairn_csvmap *m = c->map;
  size_t errors = c->sum.errors;
  row_values rv = {0};
  long long pid, eid;
  int rc;

  if ((rc = check_patient_cells(c, row, &rv))) return rc;
  if ((rc = check_episode_cells(c, row, &rv))) return rc;
  if (c->sum.errors > errors) return 0;

  /* A patient stored by an earlier import. */
  long long existing = stored_patient(c, rv.id);
  if (existing < 0) return (int)existing;
  if (existing > 0) {
    c->already++;
    ROW_ERROR(m->id_column, "patient %s (system %s) is already stored as "
              "record %lld; a sheet is imported once", rv.id, m->id_system,
              existing);
    return 0;
  }
  if ((rc = write_patient(c, row, &rv, &pid))) return rc > 0 ? 0 : rc;
  c->sum.patients++;
  if ((rc = write_episode(c, row, &rv, pid, &eid))) return rc > 0 ? 0 : rc;
  c->sum.episodes++;
  for (size_t i = 0; i < m->n_obs; i++)
    if ((rc = write_observation(c, row, &rv, &m->obs[i], pid, eid)))
      return rc;
  return 0;
}
#undef ROW_ERROR

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

