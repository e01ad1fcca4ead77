/*
** coresql.c -- the statement wrapper of coresql.h, over the store's own
** connection (cairn_store_db).  SQL text is constant in every caller and
** every value is bound by name.
*/
#include <assert.h>
#include "coresql.h"

sqlite3_stmt *cairn_q_prepare(cairn_store *st, const char *sql,
                              cairn_error *err) {
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

static int bind_index(sqlite3_stmt *s, const char *name) {
  int i = sqlite3_bind_parameter_index(s, name);
  if (i == 0)
    cairn_logf(CAIRN_LOG_ERROR, "sql: no parameter %s in %.80s", name,
               sqlite3_sql(s));
  return i;
}

int cairn_q_text(sqlite3_stmt *s, const char *name, const char *v) {
  int i = bind_index(s, name);
  if (i == 0) return CAIRN_EINTERNAL;
  return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) == SQLITE_OK
             ? 0 : CAIRN_EDB;
}

int cairn_q_int(sqlite3_stmt *s, const char *name, long long v) {
  int i = bind_index(s, name);
  if (i == 0) return CAIRN_EINTERNAL;
  return sqlite3_bind_int64(s, i, v) == SQLITE_OK ? 0 : CAIRN_EDB;
}

int cairn_q_run(cairn_store *st, sqlite3_stmt *s, cairn_error *err) {
  sqlite3 *db = cairn_store_db(st);
  int rc = sqlite3_step(s);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    cairn_logf(CAIRN_LOG_ERROR, "sql: %.80s: %s", sqlite3_sql(s),
               sqlite3_errmsg(db));
    rc = cairn_fail(err, CAIRN_EDB, NULL, "the database failed (%s)",
                    sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return rc;
  }
  sqlite3_finalize(s);
  return sqlite3_changes(db);
}

const char *cairn_q_col(sqlite3_stmt *s, int col) {
  const unsigned char *t = sqlite3_column_text(s, col);
  return t ? (const char *)t : "";
}

void cairn_q_done(sqlite3_stmt *s) { sqlite3_finalize(s); }

void cairn_q_write_ready(cairn_store *st) {
  sqlite3 *db = cairn_store_db(st);
  if (!sqlite3_get_autocommit(db)) return;
  for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s;
       s = sqlite3_next_stmt(db, s))
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
}
