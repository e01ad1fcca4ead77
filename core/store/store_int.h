/*
** store_int.h -- what the store's files share and nothing else includes:
** the store's structs, its limits and its internal helpers.  Each file
** says at its top which idea it holds (store_open.c, store_schema.c,
** store_project.c, store_write.c, store_read.c, store_sql.c).
*/
#ifndef CAIRN_STORE_INT_H
#define CAIRN_STORE_INT_H

#include "cairn_int.h"

#include "cairn_int.h"

/* Version of the core tables' shape, kept in PRAGMA user_version: the
** number of core_migration() scripts applied. */
#define STORE_SCHEMA_VERSION 5
/* Buckets of the statement cache: a power of two near the number of
** distinct statements a worker uses (a few dozen). */
#define STMT_BUCKETS 64
/* Statements kept prepared per connection.  SQL text is constant in the
** code, so the set is bounded by the code; this cap only keeps a caller
** that builds SQL at run time from growing memory for ever (past it,
** statements are finalized when their request ends). */
#define STMT_CACHE_MAX 256
/* Slots of the table of recent lookups by the SQL text's address (the text
** is a constant in the code, so the same statement comes back at the same
** address): a power of two, above the number of statements in use. */
#define STMT_SEEN_SLOTS 512
/* Longest parameter name accepted by cairn_sql_bind_*, ':' included. */
#define BIND_NAME_MAX 64
/* Longest status word: "entered-in-error" and friends fit easily. */
#define STATUS_MAX 32

/* A record type as the store sees it. */
typedef struct store_type {
  const cairn_rtype *rt;     /* from the registry */
  char *table;               /* "p_program_observation" (sqlite3_malloc) */
  char *upsert;              /* INSERT ... ON CONFLICT DO UPDATE ... */
  size_t n_cols;             /* declared projection columns */
} store_type;

struct cairn_stmt {
  sqlite3_stmt *s;           /* the prepared statement */
  cairn_req *req;            /* request holding it (for arena copies) */
  char *sql;                 /* malloc'd copy: the cache key */
  unsigned hash;             /* of sql */
  int internal;              /* the store's own: not authorizer-limited */
  int cached;                /* in the cache; else finalized when released */
  int handed;                /* held by a request until its arena resets */
  int bad_bind;              /* a name it does not have was bound: a core
                             ** statement then refuses to run */
  struct cairn_stmt *next;   /* bucket chain */
};

struct cairn_store {
  sqlite3 *db;               /* this process's connection */
  const cairn_registry *reg; /* record types, plugins, subscriptions */
  store_type *types;         /* one per reg->types entry, same order */
  size_t n_types;
  cairn_stmt *buckets[STMT_BUCKETS];  /* the statement cache */
  size_t n_cached;
  const char *seen_key[STMT_SEEN_SLOTS];  /* address of the SQL text last
                             ** looked up in each slot */
  cairn_stmt *seen[STMT_SEEN_SLOTS];  /* the cached entry found for it */
  int restrict_sql;          /* 1 while preparing a plugin statement,
                             ** STORE_SQL_KEPT for one that may write
                             ** kept tables (cairn_sql_prepare_kept) */
  long long busy_since_us;   /* monotonic time the current wait for a
                             ** lock began (store_open.c's busy handler) */
};

/* restrict_sql for a statement that may also write kept tables. */
#define STORE_SQL_KEPT 2
/* The statement cache's `internal` for such a statement: never handed
** out for the same text prepared read-only. */
#define STORE_STMT_KEPT 2

/* store_open.c: log the connection's last error and fill *err without
** internals (CAIRN_EDB; "busy" for a lock timeout). */
int store_db_fail(cairn_store *st, cairn_error *err, const char *what);
/* Run one statement that binds nothing (transaction control) through the
** statement cache. */
int store_exec(cairn_store *st, const char *sql, cairn_error *err);
/* The first column of a one-row statement (a PRAGMA) as text in out. */
int store_pragma_text(cairn_store *st, const char *sql, char *out,
                      size_t size, cairn_error *err);
/* UTC now as ISO-8601 with seconds: "2026-11-29T19:48:13Z". */
void store_utc_now(char buf[32]);
/* The store's view of record type name, or NULL. */
const store_type *store_find_type(const cairn_store *st, const char *name);
/* A record write's own transaction: BEGIN IMMEDIATE in autocommit (*own
** set), else a savepoint inside the caller's transaction. */
int store_write_begin(cairn_store *st, int *own, cairn_error *err);
void store_write_abort(cairn_store *st, int own);
int store_write_end(cairn_store *st, int own, cairn_error *err);

/* store_schema.c */
const char *store_coltype_sql(cairn_coltype t);
int store_types_build(cairn_store *st, cairn_error *err);
int store_prepare_schema(cairn_store *st, cairn_error *err);

/* store_project.c */
int store_project(cairn_store *st, const store_type *t, long long id,
                  long long patient, int version, const char *status,
                  xmlDocPtr body, cairn_error *err);
int store_project_all(cairn_store *st, const store_type *t, cairn_error *err);
int store_projection_ensure(cairn_store *st, const store_type *t,
                            cairn_error *err);

/* store_sql.c: the store's own use of its statements (store_db.h).
** store_step steps s once and returns SQLite's code (SQLITE_ROW,
** SQLITE_DONE, or an error for store_db_fail to report, unlogged);
** store_run steps a write to its end and cairn_db_done's it: 0, or
** store_db_fail's CAIRN_EDB naming `what` in the log. */
int store_step(cairn_stmt *s);
int store_run(cairn_store *st, cairn_stmt *s, const char *what,
              cairn_error *err);
/* Run SQL text of one or more statements that bind nothing, uncached:
** only the schema work of opening the store and of reindexing (DDL built
** from declarations).  store_script fills *err; store_script_run returns
** SQLite's code and its message in *msg (sqlite3_free it). */
int store_script(cairn_store *st, const char *sql, cairn_error *err);
int store_script_run(cairn_store *st, const char *sql, char **msg);

#endif
