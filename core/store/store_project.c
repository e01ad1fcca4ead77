/*
** store_project.c -- projection tables: the columns a record type
** declares, extracted from each record's newest body by XPath in the
** transaction that writes it; tables created, rebuilt when their
** declaration changes, and refilled by cairn_store_reindex.
*/
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "store_db.h"
#include "store_int.h"

/* ---------------------------------------------------------- projection */

static void xpath_error(void *data, xmlErrorPtr e) {
  (void)data;
  if (e != NULL && e->message != NULL)
    cairn_logf(CAIRN_LOG_ERROR, "store: projection: %.200s", e->message);
}

/*
** Compute t's projections of body and upsert the row of record id.
** patient 0 is stored as NULL.
*/
int store_project(cairn_store *st, const store_type *t, long long id,
                  long long patient, int version, const char *status,
                  xmlDocPtr body, cairn_error *err) {
  const cairn_record_type *d = t->rt->decl;
  xmlXPathContextPtr x;
  cairn_stmt *s;
  size_t j;
  int rc = 0;

  s = cairn_db_prepare(st, t->upsert, err);
  if (s == NULL) return err ? err->code : CAIRN_EDB;
  x = cairn_xpath_context(body, NULL, d->ns);
  x->error = xpath_error;
  cairn_sql_bind_int(s, ":record", id);
  if (patient > 0) cairn_sql_bind_int(s, ":patient", patient);
  cairn_sql_bind_int(s, ":version", version);
  cairn_sql_bind_text(s, ":status", status);
  for (j = 0; j < t->n_cols && rc == 0; j++) {
    const cairn_projection *p = &d->projections[j];
    xmlXPathObjectPtr v = xmlXPathCompiledEval(t->rt->proj[j], x);
    char col[BIND_NAME_MAX + 1];
    snprintf(col, sizeof col, ":c_%s", p->column);   /* see upsert */
    if (v == NULL) {
      rc = cairn_fail(err, CAIRN_EINTERNAL, p->column,
                      "record type %s: projection %s (%s) failed", d->name,
                      p->column, p->xpath);
      break;
    }
    if (p->type == CAIRN_COL_TEXT) {
      xmlChar *sv = xmlXPathCastToString(v);
      if (sv != NULL && sv[0] != '\0')
        cairn_sql_bind_text(s, col, (const char *)sv);
      xmlFree(sv);
    } else {
      double n = xmlXPathCastToNumber(v);
      if (isnan(n) || isinf(n)) {
        /* empty or not a number: NULL */
      } else if (p->type == CAIRN_COL_REAL) {
        cairn_sql_bind_real(s, col, n);
      } else if (n != floor(n) || fabs(n) > 9007199254740992.0) {
        rc = cairn_fail(err, CAIRN_EINVAL, p->column,
                        "%s must be a whole number, not %g", p->column, n);
      } else {
        cairn_sql_bind_int(s, col, (long long)n);
      }
    }
    xmlXPathFreeObject(v);
  }
  x->error = NULL;
  if (rc == 0) return store_run(st, s, t->table, err);
  cairn_db_done(s);
  return rc;
}

/*
** Write the projection row of every record of type t from its newest
** version (used when a table is created or rebuilt, and by reindex).
*/
int store_project_all(cairn_store *st, const store_type *t,
                      cairn_error *err) {
  static const char sql[] =
      "SELECT r.id, r.patient, v.version, v.status, v.body"
      " FROM record r JOIN record_version v ON v.record = r.id"
      " WHERE r.type = :type AND v.version ="
      " (SELECT max(version) FROM record_version WHERE record = r.id)"
      " ORDER BY r.id";
  cairn_stmt *s = cairn_db_prepare(st, sql, err);
  int rc = 0, step;
  if (s == NULL) return err ? err->code : CAIRN_EDB;
  cairn_sql_bind_text(s, ":type", t->rt->decl->name);
  while (rc == 0 && (step = store_step(s)) == SQLITE_ROW) {
    long long id = cairn_sql_int(s, 0);
    const char *body = cairn_db_text(s, 4);
    cairn_error perr = {0};
    xmlDocPtr doc = cairn_xml_parse(body, strlen(body), &perr);
    if (doc == NULL) {
      cairn_logf(CAIRN_LOG_ERROR, "store: record %lld: stored body: %s", id,
                 perr.message);
      rc = cairn_fail(err, CAIRN_EDB, NULL,
                      "record %lld has a damaged body; see the server log",
                      id);
      break;
    }
    rc = store_project(st, t, id, cairn_sql_int(s, 1), (int)cairn_sql_int(s, 2),
                       cairn_db_text(s, 3), doc, err);
    xmlFreeDoc(doc);
  }
  if (rc == 0 && step != SQLITE_DONE) rc = store_db_fail(st, err, "project_all");
  cairn_db_done(s);
  return rc;
}

/* 1 when table t exists with exactly the declared columns, 0 when it
** differs, -1 when it does not exist; CAIRN_E* (< -1) on error. */
static int projection_matches(cairn_store *st, const store_type *t,
                              cairn_error *err) {
  static const char sql[] =
      "SELECT name, type FROM pragma_table_info(:table) ORDER BY cid";
  static const char *const fixed[][2] = {{"record", "INTEGER"},
                                         {"patient", "INTEGER"},
                                         {"version", "INTEGER"},
                                         {"status", "TEXT"}};
  cairn_stmt *s = cairn_db_prepare(st, sql, err);
  size_t i = 0;
  int same = 1, step;
  if (s == NULL) return err && err->code < -1 ? err->code : CAIRN_EDB;
  cairn_sql_bind_text(s, ":table", t->table);
  while ((step = store_step(s)) == SQLITE_ROW) {
    const char *name = cairn_db_text(s, 0);
    const char *type = cairn_db_text(s, 1);
    const char *want_name, *want_type;
    if (i < 4) {
      want_name = fixed[i][0];
      want_type = fixed[i][1];
    } else if (i - 4 < t->n_cols) {
      want_name = t->rt->decl->projections[i - 4].column;
      want_type = store_coltype_sql(t->rt->decl->projections[i - 4].type);
    } else {
      want_name = want_type = NULL;
    }
    if (want_name == NULL || strcmp(name, want_name) != 0 ||
        strcasecmp(type, want_type) != 0)
      same = 0;
    i++;
  }
  cairn_db_done(s);
  if (step != SQLITE_DONE) return store_db_fail(st, err, "table_info");
  if (i == 0) return -1;
  return same && i == 4 + t->n_cols;
}

static int projection_create(cairn_store *st, const store_type *t,
                             cairn_error *err) {
  sqlite3_str *c = sqlite3_str_new(st->db);
  char *sql;
  size_t j;
  int rc;
  sqlite3_str_appendf(c, "CREATE TABLE \"%w\"(\n"
                         "  record INTEGER PRIMARY KEY REFERENCES record(id),\n"
                         "  patient INTEGER,\n"
                         "  version INTEGER,\n"
                         "  status TEXT", t->table);
  for (j = 0; j < t->n_cols; j++)
    sqlite3_str_appendf(c, ",\n  \"%w\" %s",
                        t->rt->decl->projections[j].column,
                        store_coltype_sql(t->rt->decl->projections[j].type));
  sqlite3_str_appendf(c, ");\nCREATE INDEX \"%w_patient\" ON \"%w\"(patient);",
                      t->table, t->table);
  sql = sqlite3_str_finish(c);
  if (sql == NULL) {
    cairn_logf(CAIRN_LOG_ERROR, "store: out of memory");
    abort();
  }
  rc = store_script(st, sql, err);
  sqlite3_free(sql);
  return rc;
}

/*
** Make t's projection table match its declaration: create it when
** missing; when its columns differ, keep the CREATE INDEX text of its
** other indexes, drop it, create it, fill it from the newest versions and
** recreate those indexes (an index on a column that is gone is dropped,
** with a warning in the log).
*/
int store_projection_ensure(cairn_store *st, const store_type *t,
                            cairn_error *err) {
  static const char idx_sql[] =
      "SELECT sql FROM sqlite_master WHERE type = 'index'"
      " AND tbl_name = :table AND sql IS NOT NULL"
      " AND name <> :table || '_patient'";
  char **saved = NULL;
  size_t n_saved = 0, i;
  int m = projection_matches(st, t, err), rc = 0;
  cairn_stmt *s;

  if (m == 1) return 0;
  if (m < -1) return m;
  if (m == 0) {
    char *drop;
    s = cairn_db_prepare(st, idx_sql, err);
    if (s == NULL) return err ? err->code : CAIRN_EDB;
    cairn_sql_bind_text(s, ":table", t->table);
    while (store_step(s) == SQLITE_ROW) {
      char **more = realloc(saved, (n_saved + 1) * sizeof *saved);
      if (more == NULL) abort();
      saved = more;
      saved[n_saved] = strdup(cairn_db_text(s, 0));
      if (saved[n_saved] == NULL) abort();
      n_saved++;
    }
    cairn_db_done(s);
    cairn_logf(CAIRN_LOG_INFO, "store: %s: columns changed; rebuilding",
               t->table);
    drop = sqlite3_mprintf("DROP TABLE \"%w\"", t->table);
    rc = store_script(st, drop, err);
    sqlite3_free(drop);
  }
  if (rc == 0) rc = projection_create(st, t, err);
  if (rc == 0) rc = store_project_all(st, t, err);
  for (i = 0; i < n_saved; i++) {
    if (rc == 0 && store_script_run(st, saved[i], NULL) != 0)
      cairn_logf(CAIRN_LOG_WARN, "store: %s: index not kept: %s (%s)",
                 t->table, saved[i], sqlite3_errmsg(st->db));
    free(saved[i]);
  }
  free(saved);
  return rc;
}
/*
** Rebuild every projection table from the newest version of each record,
** in one transaction (or savepoint): the result is identical to what the
** writes produced.  On failure nothing changes.
*/
int cairn_store_reindex(cairn_store *st, cairn_error *err) {
  cairn_error local;
  size_t i;
  int own, rc;
  if (err == NULL) err = &local;
  memset(err, 0, sizeof *err);
  if ((rc = store_write_begin(st, &own, err)) != 0) return rc;
  for (i = 0; rc == 0 && i < st->n_types; i++) {
    char *del = sqlite3_mprintf("DELETE FROM \"%w\"", st->types[i].table);
    rc = store_script(st, del, err);
    sqlite3_free(del);
    if (rc == 0) rc = store_project_all(st, &st->types[i], err);
  }
  if (rc == 0) return store_write_end(st, own, err);
  store_write_abort(st, own);
  return rc;
}
