/*
** store_open.c -- opening and closing the store, the helpers every store
** file shares, and transactions.
**
**
** DURABILITY AND LOCKING
**   WAL mode with synchronous=FULL: a commit returns only after the WAL is
**   on disk, so every acknowledged write survives kill -9 (and power
**   loss).  Writes take the write lock up front (BEGIN IMMEDIATE) so two
**   workers never deadlock upgrading a read lock; a waiting writer waits
**   CAIRN_BUSY_TIMEOUT_MS.  A record write inside a caller's transaction
**   (an import) uses a savepoint instead, so one failed record undoes only
**
** READING
**   No PRAGMA mmap_size.  Each audited request commits, and another
**   connection's commit makes SQLite drop its page cache at the next read
**   transaction, so pages are read again with pread.  A mapping does not
**   save that work in WAL mode: SQLite unmaps the whole file when it sees
**   a new snapshot and maps it again, and the page faults cost more than
**   the copies (docs/performance.md, "Per-request costs").
**
** Every connection belongs to one process: open it after fork().
*/
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store_db.h"
#include "store_int.h"

/* A connection waiting for another's write lock tries again after
** BUSY_FIRST_US, doubling up to BUSY_STEP_MAX_US, until
** CAIRN_BUSY_TIMEOUT_MS have passed.  An audit append holds the lock for
** a fraction of a millisecond; SQLite's own busy_timeout sleeps 1, 2, 5,
** 10 ms... so a worker slept a whole millisecond or more behind an entry
** long since written. */
#define BUSY_FIRST_US 50
#define BUSY_STEP_MAX_US 2000

/* Log the connection's last error and fill *err without internals. */
int store_db_fail(cairn_store *st, cairn_error *err, const char *what) {
  int rc = sqlite3_extended_errcode(st->db);
  cairn_logf(CAIRN_LOG_ERROR, "store: %s: %s (%d)", what,
             sqlite3_errmsg(st->db), rc);
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
    return cairn_fail(err, CAIRN_EDB, NULL,
                      "the database is busy; try again in a moment");
  return cairn_fail(err, CAIRN_EDB, NULL,
                    "the database failed; the server log has the details");
}

/* Microseconds on the monotonic clock. */
static long long mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
** SQLite's busy handler for the store's connection: sleep and try again
** (return 1) until CAIRN_BUSY_TIMEOUT_MS have passed since this wait
** began, then give up (return 0: the statement fails with SQLITE_BUSY),
** as sqlite3_busy_timeout did, only with shorter first sleeps.  `tries`
** counts SQLite's calls for this wait, from 0.
*/
static int store_busy(void *arg, int tries) {
  cairn_store *st = arg;
  long long now = mono_us();
  if (tries == 0) st->busy_since_us = now;
  long long waited = now - st->busy_since_us;
  long long left = (long long)CAIRN_BUSY_TIMEOUT_MS * 1000 - waited;
  if (left <= 0) return 0;
  long long step = BUSY_FIRST_US << (tries < 10 ? tries : 10);
  if (step > BUSY_STEP_MAX_US) step = BUSY_STEP_MAX_US;
  if (step > left) step = left;
  struct timespec d = { .tv_sec = step / 1000000,
                        .tv_nsec = (long)(step % 1000000) * 1000 };
  nanosleep(&d, NULL);
  return 1;
}

/* Run one statement that binds nothing (transaction control) through the
** statement cache. */
int store_exec(cairn_store *st, const char *sql, cairn_error *err) {
  return cairn_db_exec(st, sql, err);
}

/* UTC now as ISO-8601 with seconds: "2026-11-29T19:48:13Z". */
void store_utc_now(char buf[32]) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* 1 when s matches [a-z][a-z0-9_]{0,max-1}. */

const store_type *store_find_type(const cairn_store *st, const char *name) {
  size_t i;
  if (name == NULL) return NULL;
  for (i = 0; i < st->n_types; i++)
    if (strcmp(st->types[i].rt->decl->name, name) == 0) return &st->types[i];
  return NULL;
}

/* 1 when `table` is a kept table: "p_<plugin>_kept_<name>", made by a
** plugin's migration, and not a record type's projection table. */
static int kept_table(const cairn_store *st, const char *table) {
  const char *us;
  size_t i;
  if (table == NULL || strncmp(table, "p_", 2) != 0) return 0;
  us = strstr(table + 2, "_kept_");
  if (us == NULL || us == table + 2 || us[6] == '\0') return 0;
  for (i = 0; i < st->n_types; i++)
    if (strcmp(st->types[i].table, table) == 0) return 0;
  return 1;
}

/*
** The authorizer.  The store's own SQL is trusted; while a plugin (or CLI)
** statement is prepared it may only SELECT, call functions and read
** projection tables, record and record_version -- not other core tables,
** not PRAGMA, ATTACH, transactions or any write.  A statement prepared
** with cairn_sql_prepare_kept may also INSERT, UPDATE and DELETE rows of
** kept tables (kept_table), and nothing else.
*/
static int authorize(void *data, int action, const char *a1, const char *a2,
                     const char *db, const char *trigger) {
  cairn_store *st = data;
  (void)a2; (void)db; (void)trigger;
  if (!st->restrict_sql) return SQLITE_OK;
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_READ:
      if (a1 != NULL && (strncmp(a1, "p_", 2) == 0 ||
                         strcmp(a1, "record") == 0 ||
                         strcmp(a1, "record_version") == 0))
        return SQLITE_OK;
      return SQLITE_DENY;
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      if (st->restrict_sql == STORE_SQL_KEPT && kept_table(st, a1))
        return SQLITE_OK;
      return SQLITE_DENY;
    default:
      return SQLITE_DENY;
  }
}

int store_pragma_text(cairn_store *st, const char *sql, char *out,
                      size_t size, cairn_error *err) {
  cairn_stmt *s = cairn_db_prepare(st, sql, err);
  int rc;
  out[0] = '\0';
  if (s == NULL) return err && err->code ? err->code : CAIRN_EDB;
  rc = cairn_sql_step(s);
  if (rc == 1) snprintf(out, size, "%s", cairn_db_text(s, 0));
  cairn_db_done(s);
  return rc >= 0 ? 0 : store_db_fail(st, err, sql);
}

/*
** Open (creating if needed) the database at path for this process: WAL,
** synchronous=FULL, busy timeout, foreign keys on, defensive mode; create
** the core tables; create or rebuild each record type's projection table;
** run plugin migrations not yet run.  reg (may be NULL: no record types)
** must outlive the store.  On failure *out is NULL and *err says why
** (CAIRN_EDB: the file; CAIRN_EINTERNAL: a declaration or migration).
*/
int cairn_store_open(const char *path, const cairn_registry *reg,
                     cairn_store **out, cairn_error *err) {
  cairn_store *st;
  char mode[16], fk[8];
  int rc;

  *out = NULL;
  st = calloc(1, sizeof *st);
  if (st == NULL) return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no memory");
  st->reg = reg;
  rc = sqlite3_open_v2(path, &st->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                           SQLITE_OPEN_NOMUTEX,
                       NULL);
  if (rc != SQLITE_OK) {
    rc = cairn_fail(err, CAIRN_EDB, NULL, "cannot open database %s: %s",
                    path, st->db ? sqlite3_errmsg(st->db) : "no memory");
    cairn_store_close(st);
    return rc;
  }
  sqlite3_extended_result_codes(st->db, 1);
  sqlite3_busy_handler(st->db, store_busy, st);
  sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);

  rc = store_pragma_text(st, "PRAGMA journal_mode = WAL", mode, sizeof mode, err);
  if (rc == 0 && strcmp(mode, "wal") != 0 &&
      !(strcmp(path, ":memory:") == 0 && strcmp(mode, "memory") == 0))
    rc = cairn_fail(err, CAIRN_EDB, NULL,
                    "database %s: cannot use WAL mode (got %s)", path, mode);
  if (rc == 0)
    rc = store_script(st, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
                      err);
  if (rc == 0) rc = store_pragma_text(st, "PRAGMA foreign_keys", fk, sizeof fk, err);
  if (rc == 0 && strcmp(fk, "1") != 0)
    rc = cairn_fail(err, CAIRN_EDB, NULL,
                    "this SQLite cannot enforce foreign keys");
  if (rc == 0) sqlite3_set_authorizer(st->db, authorize, st);
  if (rc == 0) rc = store_types_build(st, err);
  if (rc == 0) rc = store_prepare_schema(st, err);
  if (rc != 0) {
    cairn_store_close(st);
    return rc;
  }
  *out = st;
  return 0;
}

/* See cairn_int.h.  A negative cache_size is in KiB. */
int cairn_store_bulk(cairn_store *st, cairn_error *err) {
  char sql[96];
  snprintf(sql, sizeof sql,
           "PRAGMA cache_size = -%d; PRAGMA temp_store = MEMORY",
           CAIRN_BULK_CACHE_KIB);
  return store_script(st, sql, err);
}

/*
** Close the store.  Requests that used it should have ended (their arenas
** reset) first; a statement still held by one is finalized when its arena
** is reset, and the connection closes after it.  NULL is a no-op.
*/
void cairn_store_close(cairn_store *st) {
  size_t i;
  if (st == NULL) return;
  for (i = 0; i < STMT_BUCKETS; i++) {
    cairn_stmt *e = st->buckets[i], *next;
    for (; e; e = next) {
      next = e->next;
      if (e->handed) {        /* its cleanup finalizes and frees it */
        e->cached = 0;
        e->next = NULL;
        continue;
      }
      sqlite3_finalize(e->s);
      free(e->sql);
      free(e);
    }
  }
  for (i = 0; i < st->n_types; i++) {
    sqlite3_free(st->types[i].table);
    sqlite3_free(st->types[i].upsert);
  }
  free(st->types);
  if (st->db) sqlite3_close_v2(st->db);
  free(st);
}

/* The connection itself, for the CLI and tests (the store keeps it). */
sqlite3 *cairn_store_db(cairn_store *st) { return st ? st->db : NULL; }

/* -------------------------------------------------------- transactions */

/*
** Begin a transaction for multi-record work (BEGIN IMMEDIATE: the write
** lock now, or CAIRN_EDB "busy" after CAIRN_BUSY_TIMEOUT_MS).  Record
** writes inside it use savepoints.  Nesting is a bug (CAIRN_EINTERNAL).
*/
int cairn_store_begin(cairn_store *st, cairn_error *err) {
  if (!sqlite3_get_autocommit(st->db))
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "a transaction is already open");
  return store_exec(st, "BEGIN IMMEDIATE", err);
}

/* Commit; on failure everything since cairn_store_begin is rolled back. */
int cairn_store_commit(cairn_store *st, cairn_error *err) {
  int rc;
  if (sqlite3_get_autocommit(st->db))
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no transaction is open");
  rc = store_exec(st, "COMMIT", err);
  if (rc != 0) cairn_store_rollback(st);
  return rc;
}

/* See store_db.h. */
void cairn_store_release_reads(cairn_store *st) {
  if (!sqlite3_get_autocommit(st->db)) return;
  for (sqlite3_stmt *s = sqlite3_next_stmt(st->db, NULL); s;
       s = sqlite3_next_stmt(st->db, s))
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
}

/* Roll back the open transaction, if any. */
void cairn_store_rollback(cairn_store *st) {
  if (st != NULL && !sqlite3_get_autocommit(st->db))
    store_exec(st, "ROLLBACK", NULL);
}

/*
** A record write's own transaction: BEGIN IMMEDIATE in autocommit, else a
** savepoint inside the caller's transaction.  Outside a caller's
** transaction, any read statement the
** request left half-stepped is reset first: it holds a read snapshot, and
** upgrading a stale snapshot to a write lock fails at once with
** SQLITE_BUSY, without waiting out the busy timeout (found by the crash
** test: two workers posting at once got "database is locked").  So a
** plugin must not write while it is still iterating rows it needs.
*/
int store_write_begin(cairn_store *st, int *own, cairn_error *err) {
  *own = sqlite3_get_autocommit(st->db);
  if (*own) cairn_store_release_reads(st);
  return store_exec(st, *own ? "BEGIN IMMEDIATE" : "SAVEPOINT cairn_write", err);
}

void store_write_abort(cairn_store *st, int own) {
  if (own) {
    if (!sqlite3_get_autocommit(st->db))
      store_exec(st, "ROLLBACK", NULL);
  } else if (!sqlite3_get_autocommit(st->db)) {
    /* Fails only when SQLite already rolled the whole transaction back
    ** (disk full, I/O error); the caller's COMMIT then reports it. */
    if (store_exec(st, "ROLLBACK TO cairn_write", NULL) == 0)
      store_exec(st, "RELEASE cairn_write", NULL);
  }
}

int store_write_end(cairn_store *st, int own, cairn_error *err) {
  int rc = store_exec(st, own ? "COMMIT" : "RELEASE cairn_write", err);
  if (rc != 0) store_write_abort(st, own);
  return rc;
}
