/*
** store_sql.c -- prepared statements: one cache per connection keyed by
** SQL text, the core's own statements (store_db.h: trusted, bound by
** name) and the read-only statements plugins get (cairn_sql_prepare).
**
**   The store's statements are reset right after use.  Those handed to a
**   request by cairn_sql_prepare are reset and their bindings cleared by
**   an arena cleanup when the request ends.  Plugin statements are
**   prepared under an authorizer that allows only SELECT over p_* tables,
**   record and record_version, and must be one read-only statement.
**   Binding is by name for both (an unknown name is an error).
*/
#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store_db.h"
#include "store_int.h"

/* sqlite3_prepare calls made by this process (cairn_store_prepare_count). */
static unsigned long long n_prepares;

/* ---------------------------------------------------- statement cache */

static unsigned sql_hash(const char *s) {
  unsigned h = 2166136261u;  /* FNV-1a */
  while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; }
  return h;
}

static cairn_stmt *cache_find(cairn_store *st, const char *sql, unsigned h,
                              int internal) {
  cairn_stmt *e;
  for (e = st->buckets[h % STMT_BUCKETS]; e; e = e->next)
    if (e->hash == h && e->internal == internal && strcmp(e->sql, sql) == 0)
      return e;
  return NULL;
}

/* The slot of the SQL text's address in the table of recent lookups. */
static size_t seen_slot(const char *sql) {
  return (size_t)(((uintptr_t)sql >> 3) % STMT_SEEN_SLOTS);
}

/* cache_find without hashing the text, for a caller that passes the same
** text at the same address again (SQL is a constant in the code): the
** entry found for that address last time, when it holds the very same
** text (compared: a caller may build SQL in a buffer it reuses).  NULL
** when there is none; cache_find then decides. */
static cairn_stmt *cache_find_seen(cairn_store *st, const char *sql,
                                   int internal) {
  size_t i = seen_slot(sql);
  cairn_stmt *e = st->seen[i];
  if (e != NULL && st->seen_key[i] == sql && e->internal == internal &&
      strcmp(e->sql, sql) == 0)
    return e;
  return NULL;
}

/* Remember that sql, at this address, is cached entry e.  Entries in the
** cache live as long as the store, so the table never holds a freed one. */
static void cache_note_seen(cairn_store *st, const char *sql, cairn_stmt *e) {
  if (e == NULL || !e->cached) return;
  size_t i = seen_slot(sql);
  st->seen_key[i] = sql;
  st->seen[i] = e;
}

/* A new entry for a prepared statement, in the cache when `cache`. */
static cairn_stmt *stmt_entry(cairn_store *st, sqlite3_stmt *s,
                              const char *sql, unsigned h, int internal,
                              int cache) {
  cairn_stmt *e = calloc(1, sizeof *e);
  if (e == NULL || (e->sql = strdup(sql)) == NULL) {
    cairn_logf(CAIRN_LOG_ERROR, "store: out of memory");
    abort();
  }
  e->s = s;
  e->hash = h;
  e->internal = internal;
  if (cache) {
    e->cached = 1;
    e->next = st->buckets[h % STMT_BUCKETS];
    st->buckets[h % STMT_BUCKETS] = e;
    st->n_cached++;
  }
  return e;
}

/*
** The store's own cached entry for sql, idle and ready to bind.  NULL
** (logged, *err filled) when SQLite refuses the text or the statement is
** being stepped already (a bug: re-entered mid-iteration).
*/
static cairn_stmt *internal_entry(cairn_store *st, const char *sql,
                                  cairn_error *err) {
  unsigned h = 0;
  cairn_stmt *e = cache_find_seen(st, sql, 1);
  sqlite3_stmt *s;
  if (e == NULL) {
    h = sql_hash(sql);
    if ((e = cache_find(st, sql, h, 1)) != NULL) cache_note_seen(st, sql, e);
  }
  if (e != NULL) {
    if (sqlite3_stmt_busy(e->s)) {
      cairn_logf(CAIRN_LOG_ERROR, "store: statement in use: %.80s", sql);
      cairn_fail(err, CAIRN_EINTERNAL, NULL, "internal statement re-used");
      return NULL;
    }
    return e;
  }
  n_prepares++;
  if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
                         NULL) != SQLITE_OK) {
    cairn_logf(CAIRN_LOG_ERROR, "store: prepare %.80s", sql);
    store_db_fail(st, err, "prepare");
    return NULL;
  }
  e = stmt_entry(st, s, sql, h, 1, 1);
  cache_note_seen(st, sql, e);
  return e;
}

/* See store_int.h.  Counted as one prepare: SQLite prepares each of
** its statements in turn. */
int store_script_run(cairn_store *st, const char *sql, char **msg) {
  n_prepares++;
  return sqlite3_exec(st->db, sql, NULL, NULL, msg);
}

/* See store_int.h. */
int store_script(cairn_store *st, const char *sql, cairn_error *err) {
  char *msg = NULL;
  if (store_script_run(st, sql, &msg) == SQLITE_OK) return 0;
  cairn_logf(CAIRN_LOG_ERROR, "store: %.60s: %s", sql,
             msg ? msg : sqlite3_errmsg(st->db));
  sqlite3_free(msg);
  return store_db_fail(st, err, "exec");
}

/* See store_int.h. */
int store_step(cairn_stmt *e) {
  assert(e != NULL);
  if (e->bad_bind) return SQLITE_MISUSE;   /* logged by the bind */
  return sqlite3_step(e->s);
}

/* See store_int.h. */
int store_run(cairn_store *st, cairn_stmt *e, const char *what,
              cairn_error *err) {
  int rc;
  if (e == NULL) return err && err->code ? err->code : CAIRN_EDB;
  if (e->bad_bind) {
    cairn_db_done(e);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "%s: a value was bound to a name the statement does"
                      " not have", what);
  }
  rc = sqlite3_step(e->s);
  rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_db_fail(st, err, what);
  cairn_db_done(e);
  return rc;
}

/* ------------------------------------------------ read-only statements */

/* Reset a statement handed to a request when the request ends. */
static void stmt_release(void *arg) {
  cairn_stmt *e = arg;
  assert(e->handed || !e->cached);
  if (e->cached) {
    sqlite3_reset(e->s);
    sqlite3_clear_bindings(e->s);
    e->handed = 0;
    e->bad_bind = 0;
    e->req = NULL;
  } else {
    sqlite3_finalize(e->s);
    free(e->sql);
    free(e);
  }
}

/* 1 when [s, ...) holds only white space and SQL comments. */
static int only_comments(const char *s) {
  while (*s) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
      s++;
    } else if (s[0] == '-' && s[1] == '-') {
      while (*s && *s != '\n') s++;
    } else if (s[0] == '/' && s[1] == '*') {
      const char *end = strstr(s + 2, "*/");
      if (end == NULL) return 1;  /* SQLite ends a comment at the end too */
      s = end + 2;
    } else {
      return 0;
    }
  }
  return 1;
}

static cairn_stmt *plugin_prepare(cairn_req *req, const char *sql, int kept,
                                  cairn_error *err);

/*
** Prepare a read-only statement over projection tables (p_*), record and
** record_version, for the current request.  The same SQL text gets the
** same cached statement back, reset and with no bindings -- unless that
** statement is in the middle of a run (a caller is still stepping through
** its rows): then a fresh one is prepared, finalized when the request
** ends, so nested loops over the same query each have their own cursor.
** Either way it is reset and its bindings cleared when the request's
** arena is reset.  Refused (NULL, CAIRN_EINTERNAL, logged: it
** is a bug in the caller) when sql is not exactly one statement, or not
** read-only, or touches anything else (PRAGMA, ATTACH, transactions,
** other tables).
*/
cairn_stmt *cairn_sql_prepare(cairn_req *req, const char *sql,
                              cairn_error *err) {
  return plugin_prepare(req, sql, 0, err);
}

/*
** As cairn_sql_prepare, for a statement that may also write the rows of
** kept tables (p_<plugin>_kept_*, made by a plugin's migration): figures
** derived from records and kept with them.  Refused (NULL,
** CAIRN_EINTERNAL) outside a write transaction -- an event subscriber,
** the transaction entry or a plugin's reindex -- so that kept figures
** change only together with the records they come from.
*/
cairn_stmt *cairn_sql_prepare_kept(cairn_req *req, const char *sql,
                                   cairn_error *err) {
  if (req == NULL || req->store == NULL ||
      sqlite3_get_autocommit(req->store->db))
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "kept tables are written only in a write transaction"),
           NULL;
  return plugin_prepare(req, sql, 1, err);
}

/* See cairn_int.h.  PRAGMA data_version alone does not move for this
** connection's own commits; its total of changes does. */
int cairn_store_data_stamp(cairn_store *st, unsigned long long *out) {
  cairn_stmt *e;
  int rc;
  *out = 0;
  if (st == NULL) return CAIRN_EDB;
  e = internal_entry(st, "PRAGMA data_version", NULL);
  if (e == NULL) return CAIRN_EDB;
  rc = sqlite3_step(e->s);
  if (rc == SQLITE_ROW)
    *out = (unsigned long long)sqlite3_column_int64(e->s, 0) << 40 ^
           (unsigned long long)sqlite3_total_changes64(st->db);
  sqlite3_reset(e->s);
  return rc == SQLITE_ROW ? 0 : CAIRN_EDB;
}

/* cairn_sql_prepare's work; kept: the statement may write kept tables. */
static cairn_stmt *plugin_prepare(cairn_req *req, const char *sql, int kept,
                                  cairn_error *err) {
  cairn_store *st;
  cairn_stmt *e;
  sqlite3_stmt *s = NULL;
  const char *tail = NULL;
  unsigned h;
  int rc, cache;

  if (req == NULL || (st = req->store) == NULL || req->arena == NULL ||
      sql == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no store or no SQL"),
           NULL;
  h = 0;
  e = cache_find_seen(st, sql, kept ? STORE_STMT_KEPT : 0);
  if (e == NULL) {
    h = sql_hash(sql);
    e = cache_find(st, sql, h, kept ? STORE_STMT_KEPT : 0);
    cache_note_seen(st, sql, e);
  }
  if (e != NULL && !sqlite3_stmt_busy(e->s)) {  /* idle: start it afresh */
    sqlite3_reset(e->s);
    sqlite3_clear_bindings(e->s);
    if (e->handed) {         /* its cleanup is registered already */
      e->req = req;
      return e;
    }
    goto hand;
  }
  if (e != NULL) h = e->hash;  /* busy: a second, uncached copy */
  cache = e == NULL && st->n_cached < STMT_CACHE_MAX;
  n_prepares++;
  st->restrict_sql = kept ? STORE_SQL_KEPT : 1;
  rc = sqlite3_prepare_v3(st->db, sql, -1,
                          cache ? SQLITE_PREPARE_PERSISTENT : 0, &s, &tail);
  st->restrict_sql = 0;
  if (rc != SQLITE_OK) {
    cairn_logf(CAIRN_LOG_ERROR, "store: refused SQL: %s: %.200s",
               sqlite3_errmsg(st->db), sql);
    if ((rc & 0xFF) == SQLITE_AUTH)
      return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                        "only SELECT over projection tables is allowed"),
             NULL;
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "bad SQL: %s",
                      sqlite3_errmsg(st->db)), NULL;
  }
  if (s == NULL || !only_comments(tail) ||
      (!kept && !sqlite3_stmt_readonly(s))) {
    cairn_logf(CAIRN_LOG_ERROR, "store: refused SQL (%s): %.200s",
               s == NULL ? "empty" : !only_comments(tail)
                                         ? "more than one statement"
                                         : "not read-only", sql);
    sqlite3_finalize(s);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "only one read-only SELECT is allowed"), NULL;
  }
  e = stmt_entry(st, s, sql, h, kept ? STORE_STMT_KEPT : 0, cache);
  cache_note_seen(st, sql, e);
hand:
  e->handed = 1;
  e->req = req;
  cairn_arena_cleanup(req->arena, stmt_release, e);
  return e;
}

/* The index of parameter name (":name" or "name"), or 0.  The statement
** is reset first: binding starts a new run with the new values (SQLite
** refuses binds on a statement that has run until it is reset). */
static int bind_index(cairn_stmt *e, const char *name) {
  char buf[BIND_NAME_MAX + 1];
  int idx = 0;
  if (e == NULL || name == NULL) return 0;
  sqlite3_reset(e->s);
  if (name[0] == ':') {
    if (strlen(name) <= BIND_NAME_MAX)
      idx = sqlite3_bind_parameter_index(e->s, name);
  } else {
    size_t n = strlen(name);
    if (n < BIND_NAME_MAX) {   /* ":" + name, without snprintf's cost */
      buf[0] = ':';
      memcpy(buf + 1, name, n + 1);
      idx = sqlite3_bind_parameter_index(e->s, buf);
    }
  }
  if (idx == 0) {
    cairn_logf(CAIRN_LOG_ERROR, "store: no parameter %.64s in: %.200s",
               name, e->sql);
    e->bad_bind = 1;
  }
  return idx;
}

static int bind_rc(cairn_stmt *e, int rc) {
  if (rc == SQLITE_OK) return 0;
  cairn_logf(CAIRN_LOG_ERROR, "store: bind: %s",
             sqlite3_errmsg(sqlite3_db_handle(e->s)));
  return CAIRN_EDB;
}

/* Bind text v (NULL binds NULL) to parameter :name (the ':' may be
** left out), restarting the statement.  CAIRN_EINVAL when the statement
** has no such parameter (Fossil's db_bind rule); CAIRN_EDB otherwise. */
int cairn_sql_bind_text(cairn_stmt *e, const char *name, const char *v) {
  int i = bind_index(e, name);
  if (i == 0) return CAIRN_EINVAL;
  return bind_rc(e, v ? sqlite3_bind_text(e->s, i, v, -1, SQLITE_TRANSIENT)
                      : sqlite3_bind_null(e->s, i));
}

/* As cairn_sql_bind_text, for an integer. */
int cairn_sql_bind_int(cairn_stmt *e, const char *name, long long v) {
  int i = bind_index(e, name);
  if (i == 0) return CAIRN_EINVAL;
  return bind_rc(e, sqlite3_bind_int64(e->s, i, v));
}

/* As cairn_sql_bind_text, for a double. */
int cairn_sql_bind_real(cairn_stmt *e, const char *name, double v) {
  int i = bind_index(e, name);
  if (i == 0) return CAIRN_EINVAL;
  return bind_rc(e, sqlite3_bind_double(e->s, i, v));
}

/* 1: a row is ready; 0: done (a further step starts again); CAIRN_EDB
** on failure (logged). */
int cairn_sql_step(cairn_stmt *e) {
  int rc;
  if (e == NULL) return CAIRN_EINTERNAL;
  if (e->internal && e->bad_bind) return CAIRN_EINTERNAL;  /* logged */
  rc = sqlite3_step(e->s);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  cairn_logf(CAIRN_LOG_ERROR, "store: step: %s: %.200s",
             sqlite3_errmsg(sqlite3_db_handle(e->s)), e->sql);
  return CAIRN_EDB;
}

/* Column col of the current row as text copied into the request's arena
** (valid until the request ends); "" for NULL. */
const char *cairn_sql_text(cairn_stmt *e, int col) {
  const unsigned char *t;
  if (e == NULL || e->req == NULL) return "";
  t = sqlite3_column_text(e->s, col);
  if (t == NULL) return "";
  return cairn_arena_strndup(e->req->arena, (const char *)t,
                             (size_t)sqlite3_column_bytes(e->s, col));
}

/* Column col of the current row as an integer (0 for NULL). */
long long cairn_sql_int(cairn_stmt *e, int col) {
  return e ? sqlite3_column_int64(e->s, col) : 0;
}

/* Column col of the current row as a double (0.0 for NULL). */
double cairn_sql_real(cairn_stmt *e, int col) {
  return e ? sqlite3_column_double(e->s, col) : 0.0;
}

/* 1 when column col of the current row is NULL. */
int cairn_sql_is_null(cairn_stmt *e, int col) {
  return e ? sqlite3_column_type(e->s, col) == SQLITE_NULL : 1;
}

/*
** The caller has read what it needs of e (the first row of a LIMIT 1,
** say): reset it now.  The next cairn_sql_prepare of the same SQL in this
** request then gets it back instead of a fresh copy: every statement left
** in the middle of its rows keeps a cursor open, and each open cursor
** slows every other statement's steps (measured: 1,000 graduates' baseline
** reads left open made the large clinic's dashboard 274 ms instead of
** 22 ms of SQL).  Text read with cairn_sql_text stays valid.
*/
void cairn_sql_done(cairn_stmt *e) {
  if (e != NULL && e->s != NULL) sqlite3_reset(e->s);
}

/* ------------------------------------------------ the core's statements */

/* See store_db.h. */
cairn_stmt *cairn_db_prepare(cairn_store *st, const char *sql,
                             cairn_error *err) {
  if (st == NULL || sql == NULL) {
    cairn_fail(err, CAIRN_EINTERNAL, NULL, "no store or no SQL");
    return NULL;
  }
  return internal_entry(st, sql, err);
}

/* See store_db.h. */
int cairn_db_bind_text_static(cairn_stmt *e, const char *name, const char *v,
                              size_t len) {
  int i = bind_index(e, name);
  if (i == 0) return CAIRN_EINVAL;
  if (len > INT_MAX) return CAIRN_ELIMIT;
  return bind_rc(e, sqlite3_bind_text(e->s, i, v, (int)len, SQLITE_STATIC));
}

/* See store_db.h. */
const char *cairn_db_text(cairn_stmt *e, int col) {
  const unsigned char *t = e ? sqlite3_column_text(e->s, col) : NULL;
  return t ? (const char *)t : "";
}

/* See store_db.h. */
void cairn_db_done(cairn_stmt *e) {
  if (e == NULL) return;
  sqlite3_reset(e->s);
  sqlite3_clear_bindings(e->s);
  e->bad_bind = 0;
}

/* See store_db.h. */
int cairn_db_run(cairn_stmt *e, cairn_error *err) {
  sqlite3 *db;
  int rc;
  if (e == NULL)
    return err && err->code ? err->code
                            : cairn_fail(err, CAIRN_EDB, NULL,
                                         "the database failed; the server"
                                         " log has the details");
  db = sqlite3_db_handle(e->s);
  if (e->bad_bind) {
    cairn_db_done(e);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "a value was bound to a name the statement does not"
                      " have; the server log names it");
  }
  rc = sqlite3_step(e->s);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
    cairn_db_done(e);
    return 0;
  }
  rc = sqlite3_extended_errcode(db);
  cairn_logf(CAIRN_LOG_ERROR, "store: %s (%d): %.200s", sqlite3_errmsg(db),
             rc, e->sql);
  cairn_db_done(e);
  if ((rc & 0xFF) == SQLITE_CONSTRAINT)
    return cairn_fail(err, CAIRN_ECONFLICT, NULL,
                      "the database refused this change");
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
    return cairn_fail(err, CAIRN_EDB, NULL,
                      "the database is busy; try again in a moment");
  return cairn_fail(err, CAIRN_EDB, NULL,
                    "the database failed; the server log has the details");
}

/* See store_db.h. */
int cairn_db_exec(cairn_store *st, const char *sql, cairn_error *err) {
  return cairn_db_run(cairn_db_prepare(st, sql, err), err);
}

/* See store_db.h. */
long long cairn_db_int(cairn_stmt *e, long long dflt) {
  long long v = dflt;
  int rc;
  if (e == NULL) return dflt;
  rc = cairn_sql_step(e);
  if (rc == 1) v = sqlite3_column_int64(e->s, 0);
  cairn_db_done(e);
  return v;
}

/* See store_db.h. */
long long cairn_db_changes(cairn_store *st) {
  return sqlite3_changes64(st->db);
}

/* See store_db.h. */
int cairn_db_in_transaction(cairn_store *st) {
  return !sqlite3_get_autocommit(st->db);
}

/* See store_db.h. */
long long cairn_db_last_id(cairn_store *st) {
  return sqlite3_last_insert_rowid(st->db);
}

/* See store_db.h. */
unsigned long long cairn_store_prepare_count(void) { return n_prepares; }
