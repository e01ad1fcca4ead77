/*
** coresql.c -- the statement wrapper of coresql.h, over the store's own
** connection (cairn_store_db).  SQL text is constant in every caller and
** every value is bound by name.
*/
#include <assert.h>
#include "coresql.h"

/* Each function's contract is in coresql.h. */
cairn_q *cairn_q_prepare(cairn_store *st, const char *sql, cairn_error *err) {
  sqlite3_stmt *s = NULL;
  sqlite3 *db = cairn_store_db(st);
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
    cairn_logf(CAIRN_LOG_ERROR, "sql: prepare %.80s: %s", sql,
               sqlite3_errmsg(db));
    cairn_fail(err, CAIRN_EDB, NULL, "the database failed (%s)",
               sqlite3_errmsg(db));
    return NULL;
  }
  return s;
}

/* The index of parameter `name`, or 0 (logged: a bug in the caller). */
static int bind_index(cairn_q *q, const char *name) {
  int i = sqlite3_bind_parameter_index(q, name);
  if (i == 0)
    cairn_logf(CAIRN_LOG_ERROR, "sql: no parameter %s in %.80s", name,
               sqlite3_sql(q));
  return i;
}

int cairn_q_text(cairn_q *q, const char *name, const char *v) {
  int i = bind_index(q, name);
  if (i == 0) return CAIRN_EINTERNAL;
  return sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT) == SQLITE_OK
             ? 0 : CAIRN_EDB;
}

int cairn_q_int(cairn_q *q, const char *name, long long v) {
  int i = bind_index(q, name);
  if (i == 0) return CAIRN_EINTERNAL;
  return sqlite3_bind_int64(q, i, v) == SQLITE_OK ? 0 : CAIRN_EDB;
}

int cairn_q_step(cairn_q *q) {
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  cairn_logf(CAIRN_LOG_ERROR, "sql: %.80s: %s", sqlite3_sql(q),
             sqlite3_errmsg(sqlite3_db_handle(q)));
  return CAIRN_EDB;
}

const char *cairn_q_col(cairn_q *q, int col) {
  const unsigned char *t = sqlite3_column_text(q, col);
  return t ? (const char *)t : "";
}

long long cairn_q_colint(cairn_q *q, int col) {
  return sqlite3_column_int64(q, col);
}

int cairn_q_isnull(cairn_q *q, int col) {
  return sqlite3_column_type(q, col) == SQLITE_NULL;
}

int cairn_q_run(cairn_store *st, cairn_q *q, cairn_error *err) {
  sqlite3 *db = cairn_store_db(st);
  int rc = sqlite3_step(q);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    cairn_logf(CAIRN_LOG_ERROR, "sql: %.80s: %s", sqlite3_sql(q),
               sqlite3_errmsg(db));
    rc = cairn_fail(err, CAIRN_EDB, NULL, "the database failed (%s)",
                    sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return rc;
  }
  sqlite3_finalize(q);
  return sqlite3_changes(db);
}

long long cairn_q_last_id(cairn_store *st) {
  return sqlite3_last_insert_rowid(cairn_store_db(st));
}

void cairn_q_done(cairn_q *q) { sqlite3_finalize(q); }

void cairn_q_write_ready(cairn_store *st) {
  sqlite3 *db = cairn_store_db(st);
  if (!sqlite3_get_autocommit(db)) return;
  for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s;
       s = sqlite3_next_stmt(db, s))
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
}
