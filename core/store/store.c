/*
** store.c -- records over SQLite: the only way anything clinical is
** written or read by id.
**
** TABLES
**
**   record(id INTEGER PRIMARY KEY, type TEXT, patient INTEGER, created TEXT)
**       The envelope: one row per record, written once.  type is the
**       record type ("program:Observation"); patient the id of the patient
**       record it belongs to (its own id for a patient type, NULL for a
**       record about no patient); created the UTC time of version 1.
**       Indexed on type and on patient.
**
**   record_version(record, version, status, author, time, body,
**                  PRIMARY KEY(record, version))
**       Append-only history: every change is a new row.  version counts
**       from 1 without gaps (a trigger checks it); status is "active",
**       "entered-in-error" or a type's own word; author the actor
**       ("clinician name", "cli:user"); time UTC ISO-8601
**       ("2026-11-29T19:48:13Z"); body the record's XML, UTF-8, without
**       XML declaration.  Triggers RAISE(ABORT) on any UPDATE or DELETE of
**       record_version and of record, so nothing clinical is ever
**       overwritten or removed, whoever holds the database handle.
**
**   p_<table>(record INTEGER PRIMARY KEY REFERENCES record(id),
**             patient INTEGER, version INTEGER, status TEXT, <columns>)
**       One projection table per record type, one row per record, always
**       the newest version: the declared columns (TEXT, INTEGER or REAL)
**       are extracted from the body by XPath in the same transaction as
**       the write.  Indexed on patient.  Derived data: created when
**       missing, dropped and rebuilt when its columns differ from the
**       declaration (indexes made by migrations are recreated when their
**       columns still exist), rebuilt by cairn_store_reindex.  Plugins
**       query these with cairn_sql_prepare.
**
**   cairn_migration(plugin TEXT, n INTEGER, applied TEXT,
**                   PRIMARY KEY(plugin, n))
**       One row per plugin migration script run (n counts from 1), so each
**       runs exactly once, in order, in the transaction that opens the
**       store.
**
**   PRAGMA user_version holds STORE_SCHEMA_VERSION, the shape of the core
**   tables above; a database from a newer Cairn is refused.
**
** DURABILITY AND LOCKING
**   WAL mode with synchronous=FULL: a commit returns only after the WAL is
**   on disk, so every acknowledged write survives kill -9 (and power
**   loss).  Writes take the write lock up front (BEGIN IMMEDIATE) so two
**   workers never deadlock upgrading a read lock; a waiting writer waits
**   CAIRN_BUSY_TIMEOUT_MS.  A record write inside a caller's transaction
**   (an import) uses a savepoint instead, so one failed record undoes only
**   itself and the caller decides about the rest.
**
** STATEMENTS
**   Prepared statements are cached per connection, keyed by SQL text.
**   The store's own are reset right after use.  Those handed to a request
**   by cairn_sql_prepare are reset and their bindings cleared by an arena
**   cleanup when the request ends.  Plugin statements are prepared under
**   an authorizer that allows only SELECT over p_* tables, record and
**   record_version, and must be one read-only statement.
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

#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "cairn_int.h"

/* Version of the core tables' shape, kept in PRAGMA user_version: the
** number of core_migration() scripts applied. */
#define STORE_SCHEMA_VERSION 4
/* Buckets of the statement cache: a power of two near the number of
** distinct statements a worker uses (a few dozen). */
#define STMT_BUCKETS 64
/* Statements kept prepared per connection.  SQL text is constant in the
** code, so the set is bounded by the code; this cap only keeps a caller
** that builds SQL at run time from growing memory for ever (past it,
** statements are finalized when their request ends). */
#define STMT_CACHE_MAX 256
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
  struct cairn_stmt *next;   /* bucket chain */
};

struct cairn_store {
  sqlite3 *db;               /* this process's connection */
  const cairn_registry *reg; /* record types, plugins, subscriptions */
  store_type *types;         /* one per reg->types entry, same order */
  size_t n_types;
  cairn_stmt *buckets[STMT_BUCKETS];  /* the statement cache */
  size_t n_cached;
  int restrict_sql;          /* 1 while preparing a plugin statement */
};

/* ------------------------------------------------------------- helpers */

/* Log the connection's last error and fill *err without internals. */
static int db_fail(cairn_store *st, cairn_error *err, const char *what) {
  int rc = sqlite3_extended_errcode(st->db);
  cairn_logf(CAIRN_LOG_ERROR, "store: %s: %s (%d)", what,
             sqlite3_errmsg(st->db), rc);
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
    return cairn_fail(err, CAIRN_EDB, NULL,
                      "the database is busy; try again in a moment");
  return cairn_fail(err, CAIRN_EDB, NULL,
                    "the database failed; the server log has the details");
}

static int exec(cairn_store *st, const char *sql, cairn_error *err) {
  char *msg = NULL;
  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
  cairn_logf(CAIRN_LOG_ERROR, "store: %.60s: %s", sql,
             msg ? msg : sqlite3_errmsg(st->db));
  sqlite3_free(msg);
  return db_fail(st, err, "exec");
}

/* UTC now as ISO-8601 with seconds: "2026-11-29T19:48:13Z". */
static void utc_now(char buf[32]) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* 1 when s matches [a-z][a-z0-9_]{0,max-1}. */
static int ident_ok(const char *s, size_t max) {
  size_t i;
  if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
  for (i = 1; s[i]; i++)
    if (i >= max || !((s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return 0;
  return 1;
}

/* 1 when s is a status word: [a-z][a-z0-9-]{0,STATUS_MAX-1}. */
static int status_ok(const char *s) {
  size_t i;
  if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
  for (i = 1; s[i]; i++)
    if (i >= STATUS_MAX || !((s[i] >= 'a' && s[i] <= 'z') ||
                             (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
      return 0;
  return 1;
}

static const store_type *find_type(const cairn_store *st, const char *name) {
  size_t i;
  if (name == NULL) return NULL;
  for (i = 0; i < st->n_types; i++)
    if (strcmp(st->types[i].rt->decl->name, name) == 0) return &st->types[i];
  return NULL;
}

static void free_doc(void *doc) { xmlFreeDoc(doc); }

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
** The store's own cached statement for sql, ready to bind.  The caller
** resets it with stmt_done() as soon as it has read what it needs.
*/
static sqlite3_stmt *stmt_internal(cairn_store *st, const char *sql,
                                   cairn_error *err) {
  unsigned h = sql_hash(sql);
  cairn_stmt *e = cache_find(st, sql, h, 1);
  sqlite3_stmt *s;
  if (e != NULL) {
    if (sqlite3_stmt_busy(e->s)) {  /* a bug: re-entered mid-iteration */
      cairn_logf(CAIRN_LOG_ERROR, "store: statement in use: %.80s", sql);
      cairn_fail(err, CAIRN_EINTERNAL, NULL, "internal statement re-used");
      return NULL;
    }
    return e->s;
  }
  if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
                         NULL) != SQLITE_OK) {
    cairn_logf(CAIRN_LOG_ERROR, "store: prepare %.80s", sql);
    db_fail(st, err, "prepare");
    return NULL;
  }
  return stmt_entry(st, s, sql, h, 1, 1)->s;
}

/* Reset one of the store's own statements and clear its bindings. */
static void stmt_done(sqlite3_stmt *s) {
  assert(s != NULL);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
}

/* ------------------------------------------------------------- schema */

static const char *const core_schema =
    "CREATE TABLE record(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  type TEXT NOT NULL,\n"
    "  patient INTEGER REFERENCES record(id),\n"
    "  created TEXT NOT NULL);\n"
    "CREATE INDEX record_type ON record(type);\n"
    "CREATE INDEX record_patient ON record(patient);\n"
    "CREATE TABLE record_version(\n"
    "  record INTEGER NOT NULL REFERENCES record(id),\n"
    "  version INTEGER NOT NULL CHECK(version >= 1),\n"
    "  status TEXT NOT NULL,\n"
    "  author TEXT NOT NULL,\n"
    "  time TEXT NOT NULL,\n"
    "  body TEXT NOT NULL,\n"
    "  PRIMARY KEY(record, version));\n"
    "CREATE TRIGGER record_version_consecutive BEFORE INSERT ON"
    " record_version\n"
    "  WHEN NEW.version <> (SELECT coalesce(max(version), 0) + 1\n"
    "                       FROM record_version WHERE record = NEW.record)\n"
    "  BEGIN SELECT RAISE(ABORT, 'record versions must be consecutive');"
    " END;\n"
    "CREATE TRIGGER record_version_no_update BEFORE UPDATE ON"
    " record_version\n"
    "  BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END;\n"
    "CREATE TRIGGER record_version_no_delete BEFORE DELETE ON"
    " record_version\n"
    "  BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END;\n"
    "CREATE TRIGGER record_no_update BEFORE UPDATE ON record\n"
    "  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;\n"
    "CREATE TRIGGER record_no_delete BEFORE DELETE ON record\n"
    "  BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;\n"
    "CREATE TABLE cairn_migration(\n"
    "  plugin TEXT NOT NULL,\n"
    "  n INTEGER NOT NULL,\n"
    "  applied TEXT NOT NULL,\n"
    "  PRIMARY KEY(plugin, n));\n";

/*
** Version 2: access.  Not records (DESIGN.md: core tables are not
** records), and plugins cannot read them (the SQL authorizer).
**   staff            accounts; pwhash is libsodium's argon2id string.
**   staff_session    sessions by the BLAKE2b hash of their id (the id
**                    itself is only in the cookie); csrf is the form token;
**                    created/seen are Unix seconds for absolute and idle
**                    expiry.
**   signin_failure   failed sign-ins per key ("user:NAME", "addr:IP").
**   capability       links by token hash, scoped, expiring, revocable.
**   capability_session  the short-lived cookie a link is exchanged for.
**   rate_event       fixed-window counters for public forms.
**   audit            append-only, hash-chained: hash = SHA-256 over prev
**                    and the entry's fields (core/store/audit.c).
*/
static const char *const access_schema =
    "CREATE TABLE staff(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  username TEXT NOT NULL UNIQUE,\n"
    "  display_name TEXT NOT NULL,\n"
    "  role TEXT NOT NULL CHECK(role IN ('admin','clinician','front-desk')),\n"
    "  pwhash TEXT NOT NULL,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0,\n"
    "  created TEXT NOT NULL,\n"
    "  changed TEXT NOT NULL);\n"
    "CREATE TABLE staff_session(\n"
    "  id_hash TEXT PRIMARY KEY,\n"
    "  staff INTEGER NOT NULL REFERENCES staff(id),\n"
    "  csrf TEXT NOT NULL,\n"
    "  created INTEGER NOT NULL,\n"
    "  seen INTEGER NOT NULL);\n"
    "CREATE INDEX staff_session_staff ON staff_session(staff);\n"
    "CREATE TABLE signin_failure(\n"
    "  key TEXT PRIMARY KEY,\n"
    "  failures INTEGER NOT NULL,\n"
    "  last INTEGER NOT NULL);\n"
    "CREATE TABLE capability(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  token_hash TEXT NOT NULL UNIQUE,\n"
    "  scope TEXT NOT NULL,\n"
    "  target TEXT NOT NULL,\n"
    "  patient INTEGER,\n"
    "  created INTEGER NOT NULL,\n"
    "  created_by TEXT NOT NULL,\n"
    "  expires INTEGER NOT NULL,\n"
    "  uses_left INTEGER,\n"
    "  revoked INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE INDEX capability_scope ON capability(scope);\n"
    "CREATE TABLE capability_session(\n"
    "  id_hash TEXT PRIMARY KEY,\n"
    "  capability INTEGER NOT NULL REFERENCES capability(id),\n"
    "  expires INTEGER NOT NULL);\n"
    "CREATE TABLE rate_event(\n"
    "  bucket TEXT NOT NULL,\n"
    "  key TEXT NOT NULL,\n"
    "  window INTEGER NOT NULL,\n"
    "  count INTEGER NOT NULL,\n"
    "  PRIMARY KEY(bucket, key));\n"
    "CREATE TABLE audit(\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  time TEXT NOT NULL,\n"
    "  actor TEXT NOT NULL,\n"
    "  role TEXT NOT NULL,\n"
    "  method TEXT NOT NULL,\n"
    "  route TEXT NOT NULL,\n"
    "  path TEXT NOT NULL,\n"
    "  patient INTEGER,\n"
    "  record INTEGER,\n"
    "  outcome TEXT NOT NULL,\n"
    "  remote TEXT NOT NULL,\n"
    "  prev TEXT NOT NULL,\n"
    "  hash TEXT NOT NULL);\n"
    "CREATE INDEX audit_patient ON audit(patient);\n"
    "CREATE INDEX audit_actor ON audit(actor);\n"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;\n"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;\n";

/* Versions 3 and 4: the outbox (core/mail/outbox.c) and the job table
** (core/jobs/jobs.c), described where they are used. */
extern const char *const cairn_outbox_schema;
extern const char *const cairn_jobs_schema;

/* The script that brings the core tables from version i to i + 1. */
static const char *core_migration(int i) {
  return i == 0 ? core_schema : i == 1 ? access_schema
       : i == 2 ? cairn_outbox_schema : i == 3 ? cairn_jobs_schema : NULL;
}

static const char *coltype_sql(cairn_coltype t) {
  return t == CAIRN_COL_INT ? "INTEGER" : t == CAIRN_COL_REAL ? "REAL"
                                                              : "TEXT";
}

/* Fill st->types from the registry, checking every name that goes into
** SQL text (the registry checks them too; the store does not trust). */
static int types_build(cairn_store *st, cairn_error *err) {
  const cairn_registry *reg = st->reg;
  size_t i, j, k;
  if (reg == NULL || reg->n_types == 0) return 0;
  st->types = calloc(reg->n_types, sizeof *st->types);
  if (st->types == NULL) {
    cairn_logf(CAIRN_LOG_ERROR, "store: out of memory");
    abort();
  }
  for (i = 0; i < reg->n_types; i++) {
    const cairn_rtype *rt = &reg->types[i];
    const cairn_record_type *d = rt->decl;
    store_type *t = &st->types[st->n_types];
    sqlite3_str *up;
    size_t n = 0;
    if (d == NULL || d->name == NULL || d->ns == NULL || d->root == NULL ||
        !ident_ok(d->table, 41) || rt->schema == NULL)
      return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                        "record type %s: incomplete declaration",
                        d && d->name ? d->name : "(unnamed)");
    for (j = 0; d->projections && d->projections[j].column; j++) {
      const char *c = d->projections[j].column;
      if (!ident_ok(c, 31) || !strcmp(c, "record") ||
          !strcmp(c, "patient") || !strcmp(c, "version") ||
          !strcmp(c, "status"))
        return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                          "record type %s: bad projection column \"%s\"",
                          d->name, c);
      for (k = 0; k < j; k++)
        if (!strcmp(d->projections[k].column, c))
          return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                            "record type %s: column %s declared twice",
                            d->name, c);
      if (j >= rt->n_proj || rt->proj == NULL || rt->proj[j] == NULL)
        return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                          "record type %s: projection %s not compiled",
                          d->name, c);
      n++;
    }
    for (k = 0; k < st->n_types; k++) {
      if (!strcmp(st->types[k].rt->decl->table, d->table))
        return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                          "record types %s and %s share table p_%s",
                          st->types[k].rt->decl->name, d->name, d->table);
      if (!strcmp(st->types[k].rt->decl->name, d->name))
        return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                          "record type %s declared twice", d->name);
    }
    t->rt = rt;
    t->n_cols = n;
    t->table = sqlite3_mprintf("p_%s", d->table);
    up = sqlite3_str_new(NULL);
    sqlite3_str_appendf(up, "INSERT INTO \"%w\"(record, patient, version,"
                        " status", t->table);
    for (j = 0; j < n; j++)
      sqlite3_str_appendf(up, ", \"%w\"", d->projections[j].column);
    sqlite3_str_appendall(up, ") VALUES(?1, ?2, ?3, ?4");
    for (j = 0; j < n; j++) sqlite3_str_appendf(up, ", ?%d", (int)j + 5);
    sqlite3_str_appendall(up, ") ON CONFLICT(record) DO UPDATE SET"
                              " patient = excluded.patient,"
                              " version = excluded.version,"
                              " status = excluded.status");
    for (j = 0; j < n; j++)
      sqlite3_str_appendf(up, ", \"%w\" = excluded.\"%w\"",
                          d->projections[j].column, d->projections[j].column);
    t->upsert = sqlite3_str_finish(up);
    if (t->table == NULL || t->upsert == NULL) {
      cairn_logf(CAIRN_LOG_ERROR, "store: out of memory");
      abort();
    }
    st->n_types++;
  }
  return 0;
}

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
static int project(cairn_store *st, const store_type *t, long long id,
                   long long patient, int version, const char *status,
                   xmlDocPtr body, cairn_error *err) {
  const cairn_record_type *d = t->rt->decl;
  xmlXPathContextPtr x;
  sqlite3_stmt *s;
  size_t j;
  int rc = 0;

  s = stmt_internal(st, t->upsert, err);
  if (s == NULL) return err ? err->code : CAIRN_EDB;
  x = xmlXPathNewContext(body);
  if (x == NULL) {
    stmt_done(s);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no XPath context");
  }
  x->node = xmlDocGetRootElement(body);
  x->error = xpath_error;
  xmlXPathRegisterNs(x, BAD_CAST "r", BAD_CAST d->ns);
  sqlite3_bind_int64(s, 1, id);
  if (patient > 0) sqlite3_bind_int64(s, 2, patient);
  sqlite3_bind_int(s, 3, version);
  sqlite3_bind_text(s, 4, status, -1, SQLITE_TRANSIENT);
  for (j = 0; j < t->n_cols && rc == 0; j++) {
    const cairn_projection *p = &d->projections[j];
    xmlXPathObjectPtr v = xmlXPathCompiledEval(t->rt->proj[j], x);
    int col = (int)j + 5;
    if (v == NULL) {
      rc = cairn_fail(err, CAIRN_EINTERNAL, p->column,
                      "record type %s: projection %s (%s) failed", d->name,
                      p->column, p->xpath);
      break;
    }
    if (p->type == CAIRN_COL_TEXT) {
      xmlChar *sv = xmlXPathCastToString(v);
      if (sv != NULL && sv[0] != '\0')
        sqlite3_bind_text(s, col, (const char *)sv, -1, SQLITE_TRANSIENT);
      xmlFree(sv);
    } else {
      double n = xmlXPathCastToNumber(v);
      if (isnan(n) || isinf(n)) {
        /* empty or not a number: NULL */
      } else if (p->type == CAIRN_COL_REAL) {
        sqlite3_bind_double(s, col, n);
      } else if (n != floor(n) || fabs(n) > 9007199254740992.0) {
        rc = cairn_fail(err, CAIRN_EINVAL, p->column,
                        "%s must be a whole number, not %g", p->column, n);
      } else {
        sqlite3_bind_int64(s, col, (sqlite3_int64)n);
      }
    }
    xmlXPathFreeObject(v);
  }
  xmlXPathFreeContext(x);
  if (rc == 0 && sqlite3_step(s) != SQLITE_DONE)
    rc = db_fail(st, err, t->table);
  stmt_done(s);
  return rc;
}

/*
** Write the projection row of every record of type t from its newest
** version (used when a table is created or rebuilt, and by reindex).
*/
static int project_all(cairn_store *st, const store_type *t,
                       cairn_error *err) {
  static const char sql[] =
      "SELECT r.id, r.patient, v.version, v.status, v.body"
      " FROM record r JOIN record_version v ON v.record = r.id"
      " WHERE r.type = ?1 AND v.version ="
      " (SELECT max(version) FROM record_version WHERE record = r.id)"
      " ORDER BY r.id";
  sqlite3_stmt *s = stmt_internal(st, sql, err);
  int rc = 0, step;
  if (s == NULL) return err ? err->code : CAIRN_EDB;
  sqlite3_bind_text(s, 1, t->rt->decl->name, -1, SQLITE_STATIC);
  while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(s, 0);
    const char *body = (const char *)sqlite3_column_text(s, 4);
    cairn_error perr = {0};
    xmlDocPtr doc = cairn_xml_parse(body, body ? strlen(body) : 0, &perr);
    if (doc == NULL) {
      cairn_logf(CAIRN_LOG_ERROR, "store: record %lld: stored body: %s", id,
                 perr.message);
      rc = cairn_fail(err, CAIRN_EDB, NULL,
                      "record %lld has a damaged body; see the server log",
                      id);
      break;
    }
    rc = project(st, t, id, sqlite3_column_int64(s, 1),
                 sqlite3_column_int(s, 2),
                 (const char *)sqlite3_column_text(s, 3), doc, err);
    xmlFreeDoc(doc);
  }
  if (rc == 0 && step != SQLITE_DONE) rc = db_fail(st, err, "project_all");
  stmt_done(s);
  return rc;
}

/* 1 when table t exists with exactly the declared columns, 0 when it
** differs, -1 when it does not exist; CAIRN_E* (< -1) on error. */
static int projection_matches(cairn_store *st, const store_type *t,
                              cairn_error *err) {
  static const char sql[] =
      "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid";
  static const char *const fixed[][2] = {{"record", "INTEGER"},
                                         {"patient", "INTEGER"},
                                         {"version", "INTEGER"},
                                         {"status", "TEXT"}};
  sqlite3_stmt *s = stmt_internal(st, sql, err);
  size_t i = 0;
  int same = 1, step;
  if (s == NULL) return err && err->code < -1 ? err->code : CAIRN_EDB;
  sqlite3_bind_text(s, 1, t->table, -1, SQLITE_STATIC);
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    const char *type = (const char *)sqlite3_column_text(s, 1);
    const char *want_name, *want_type;
    if (i < 4) {
      want_name = fixed[i][0];
      want_type = fixed[i][1];
    } else if (i - 4 < t->n_cols) {
      want_name = t->rt->decl->projections[i - 4].column;
      want_type = coltype_sql(t->rt->decl->projections[i - 4].type);
    } else {
      want_name = want_type = NULL;
    }
    if (want_name == NULL || name == NULL || type == NULL ||
        strcmp(name, want_name) != 0 || strcasecmp(type, want_type) != 0)
      same = 0;
    i++;
  }
  stmt_done(s);
  if (step != SQLITE_DONE) return db_fail(st, err, "table_info");
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
                        coltype_sql(t->rt->decl->projections[j].type));
  sqlite3_str_appendf(c, ");\nCREATE INDEX \"%w_patient\" ON \"%w\"(patient);",
                      t->table, t->table);
  sql = sqlite3_str_finish(c);
  if (sql == NULL) {
    cairn_logf(CAIRN_LOG_ERROR, "store: out of memory");
    abort();
  }
  rc = exec(st, sql, err);
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
static int projection_ensure(cairn_store *st, const store_type *t,
                             cairn_error *err) {
  static const char idx_sql[] =
      "SELECT sql FROM sqlite_master WHERE type = 'index'"
      " AND tbl_name = ?1 AND sql IS NOT NULL AND name <> ?1 || '_patient'";
  char **saved = NULL;
  size_t n_saved = 0, i;
  int m = projection_matches(st, t, err), rc = 0;
  sqlite3_stmt *s;

  if (m == 1) return 0;
  if (m < -1) return m;
  if (m == 0) {
    char *drop;
    s = stmt_internal(st, idx_sql, err);
    if (s == NULL) return err ? err->code : CAIRN_EDB;
    sqlite3_bind_text(s, 1, t->table, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
      char **more = realloc(saved, (n_saved + 1) * sizeof *saved);
      if (more == NULL) abort();
      saved = more;
      saved[n_saved] = strdup((const char *)sqlite3_column_text(s, 0));
      if (saved[n_saved] == NULL) abort();
      n_saved++;
    }
    stmt_done(s);
    cairn_logf(CAIRN_LOG_INFO, "store: %s: columns changed; rebuilding",
               t->table);
    drop = sqlite3_mprintf("DROP TABLE \"%w\"", t->table);
    rc = exec(st, drop, err);
    sqlite3_free(drop);
  }
  if (rc == 0) rc = projection_create(st, t, err);
  if (rc == 0) rc = project_all(st, t, err);
  for (i = 0; i < n_saved; i++) {
    if (rc == 0 && sqlite3_exec(st->db, saved[i], NULL, NULL, NULL) != 0)
      cairn_logf(CAIRN_LOG_WARN, "store: %s: index not kept: %s (%s)",
                 t->table, saved[i], sqlite3_errmsg(st->db));
    free(saved[i]);
  }
  free(saved);
  return rc;
}

/* Run each plugin's migrations that have not run yet, in order. */
static int migrate(cairn_store *st, cairn_error *err) {
  static const char done_sql[] =
      "SELECT 1 FROM cairn_migration WHERE plugin = ?1 AND n = ?2";
  static const char mark_sql[] =
      "INSERT INTO cairn_migration(plugin, n, applied) VALUES(?1, ?2, ?3)";
  size_t i;
  int n;
  char now[32];
  if (st->reg == NULL) return 0;
  utc_now(now);
  for (i = 0; i < st->reg->n_plugins; i++) {
    const cairn_plugin *p = st->reg->plugins[i].desc;
    if (p == NULL || p->migrations == NULL) continue;
    for (n = 1; p->migrations[n - 1] != NULL; n++) {
      sqlite3_stmt *s = stmt_internal(st, done_sql, err);
      int ran, rc;
      char *msg = NULL;
      if (s == NULL) return err ? err->code : CAIRN_EDB;
      sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
      sqlite3_bind_int(s, 2, n);
      ran = sqlite3_step(s) == SQLITE_ROW;
      stmt_done(s);
      if (ran) continue;
      if (sqlite3_exec(st->db, p->migrations[n - 1], NULL, NULL, &msg) != 0) {
        rc = cairn_fail(err, CAIRN_EINTERNAL, NULL,
                        "plugin %s: migration %d failed: %s", p->name, n,
                        msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return rc;
      }
      s = stmt_internal(st, mark_sql, err);
      if (s == NULL) return err ? err->code : CAIRN_EDB;
      sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
      sqlite3_bind_int(s, 2, n);
      sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
      rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, err, "migration");
      stmt_done(s);
      if (rc) return rc;
      cairn_logf(CAIRN_LOG_INFO, "store: plugin %s: migration %d applied",
                 p->name, n);
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- open */

/*
** The authorizer.  The store's own SQL is trusted; while a plugin (or CLI)
** statement is prepared it may only SELECT, call functions and read
** projection tables, record and record_version -- not other core tables,
** not PRAGMA, ATTACH, transactions or any write.
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
    default:
      return SQLITE_DENY;
  }
}

static int pragma_text(cairn_store *st, const char *sql, char *out,
                       size_t size, cairn_error *err) {
  sqlite3_stmt *s;
  int rc;
  out[0] = '\0';
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
    return db_fail(st, err, sql);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0
                                                 : db_fail(st, err, sql);
}

/* Create or check the core tables, projection tables and migrations, in
** one transaction. */
static int store_prepare_schema(cairn_store *st, cairn_error *err) {
  char v[32];
  long uv;
  size_t i;
  int rc = exec(st, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  rc = pragma_text(st, "PRAGMA user_version", v, sizeof v, err);
  uv = strtol(v, NULL, 10);
  if (rc == 0 && uv >= 0 && uv < STORE_SCHEMA_VERSION) {
    for (long m = uv; rc == 0 && m < STORE_SCHEMA_VERSION; m++)
      rc = exec(st, core_migration((int)m), err);
    if (rc == 0) {
      char set[48];
      snprintf(set, sizeof set, "PRAGMA user_version = %d",
               STORE_SCHEMA_VERSION);
      rc = exec(st, set, err);
    }
  } else if (rc == 0 && uv != STORE_SCHEMA_VERSION) {
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL,
                    "the database has schema version %ld; this Cairn knows"
                    " version %d", uv, STORE_SCHEMA_VERSION);
  }
  for (i = 0; rc == 0 && i < st->n_types; i++)
    rc = projection_ensure(st, &st->types[i], err);
  if (rc == 0) rc = migrate(st, err);
  if (rc == 0) rc = exec(st, "COMMIT", err);
  if (rc != 0 && !sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
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
  sqlite3_busy_timeout(st->db, CAIRN_BUSY_TIMEOUT_MS);
  sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);

  rc = pragma_text(st, "PRAGMA journal_mode = WAL", mode, sizeof mode, err);
  if (rc == 0 && strcmp(mode, "wal") != 0 &&
      !(strcmp(path, ":memory:") == 0 && strcmp(mode, "memory") == 0))
    rc = cairn_fail(err, CAIRN_EDB, NULL,
                    "database %s: cannot use WAL mode (got %s)", path, mode);
  if (rc == 0)
    rc = exec(st, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", err);
  if (rc == 0) rc = pragma_text(st, "PRAGMA foreign_keys", fk, sizeof fk, err);
  if (rc == 0 && strcmp(fk, "1") != 0)
    rc = cairn_fail(err, CAIRN_EDB, NULL,
                    "this SQLite cannot enforce foreign keys");
  if (rc == 0) sqlite3_set_authorizer(st->db, authorize, st);
  if (rc == 0) rc = types_build(st, err);
  if (rc == 0) rc = store_prepare_schema(st, err);
  if (rc != 0) {
    cairn_store_close(st);
    return rc;
  }
  *out = st;
  return 0;
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
  return exec(st, "BEGIN IMMEDIATE", err);
}

/* Commit; on failure everything since cairn_store_begin is rolled back. */
int cairn_store_commit(cairn_store *st, cairn_error *err) {
  int rc;
  if (sqlite3_get_autocommit(st->db))
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no transaction is open");
  rc = exec(st, "COMMIT", err);
  if (rc != 0) cairn_store_rollback(st);
  return rc;
}

/* Roll back the open transaction, if any. */
void cairn_store_rollback(cairn_store *st) {
  if (st != NULL && !sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A record write's own transaction: BEGIN IMMEDIATE in autocommit, else a
** savepoint inside the caller's transaction. */
/*
** Start a write.  Outside a caller's transaction, any read statement the
** request left half-stepped is reset first: it holds a read snapshot, and
** upgrading a stale snapshot to a write lock fails at once with
** SQLITE_BUSY, without waiting out the busy timeout (found by the crash
** test: two workers posting at once got "database is locked").  So a
** plugin must not write while it is still iterating rows it needs.
*/
static int write_begin(cairn_store *st, int *own, cairn_error *err) {
  *own = sqlite3_get_autocommit(st->db);
  if (*own) {
    for (sqlite3_stmt *s = sqlite3_next_stmt(st->db, NULL); s;
         s = sqlite3_next_stmt(st->db, s))
      if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
  }
  return exec(st, *own ? "BEGIN IMMEDIATE" : "SAVEPOINT cairn_write", err);
}

static void write_abort(cairn_store *st, int own) {
  if (own) {
    if (!sqlite3_get_autocommit(st->db))
      sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  } else if (!sqlite3_get_autocommit(st->db)) {
    /* Fails only when SQLite already rolled the whole transaction back
    ** (disk full, I/O error); the caller's COMMIT then reports it. */
    sqlite3_exec(st->db, "ROLLBACK TO cairn_write; RELEASE cairn_write",
                 NULL, NULL, NULL);
  }
}

static int write_end(cairn_store *st, int own, cairn_error *err) {
  int rc = exec(st, own ? "COMMIT" : "RELEASE cairn_write", err);
  if (rc != 0) write_abort(st, own);
  return rc;
}

/* -------------------------------------------------------------- writes */

/* Serialize body's root element as UTF-8 without XML declaration. */
static char *serialize(xmlDocPtr body, size_t *len) {
  xmlBufferPtr b = xmlBufferCreate();
  xmlSaveCtxtPtr sv;
  char *out = NULL;
  if (b == NULL) return NULL;
  sv = xmlSaveToBuffer(b, "UTF-8", XML_SAVE_NO_DECL | XML_SAVE_AS_XML);
  if (sv != NULL) {
    if (xmlSaveDoc(sv, body) >= 0 && xmlSaveClose(sv) >= 0) {
      *len = (size_t)xmlBufferLength(b);
      out = malloc(*len + 1);
      if (out != NULL) {
        memcpy(out, xmlBufferContent(b), *len);
        out[*len] = '\0';
      }
    }
  }
  xmlBufferFree(b);
  return out;
}

/* Run every subscriber of rec's type, from every plugin, in order. */
static int fire_events(cairn_req *req, const cairn_record *rec,
                       cairn_error *err) {
  const cairn_registry *reg = req->store->reg;
  size_t i;
  if (reg == NULL) return 0;
  for (i = 0; i < reg->n_plugins; i++) {
    const cairn_plugin *p = reg->plugins[i].desc;
    const cairn_subscription *sub;
    if (p == NULL || p->subscriptions == NULL) continue;
    for (sub = p->subscriptions; sub->record_type != NULL; sub++) {
      cairn_error se = {0};
      int rc;
      if (strcmp(sub->record_type, rec->type) != 0 || sub->fn == NULL)
        continue;
      if (req->event_depth >= CAIRN_EVENT_DEPTH_MAX)
        return cairn_fail(err, CAIRN_ELIMIT, NULL,
                          "events nested deeper than %d writing %s (plugin"
                          " %s); nothing was stored", CAIRN_EVENT_DEPTH_MAX,
                          rec->type, p->name);
      req->event_depth++;
      rc = sub->fn(req, rec, &se);
      req->event_depth--;
      assert(req->event_depth >= 0);
      if (rc != 0) {
        int code = se.code ? se.code : rc < 0 ? rc : CAIRN_EINTERNAL;
        if (se.message[0] == '\0')
          return cairn_fail(err, code, se.field,
                            "plugin %s refused this %s", p->name, rec->type);
        if (err != NULL) *err = se;
        if (err != NULL) err->code = code;
        return code;
      }
    }
  }
  return 0;
}

/* What a write is about. */
typedef struct write_req {
  cairn_req *req;
  const store_type *t;       /* the record type */
  long long id;              /* 0: a new record */
  long long patient;         /* 0: none (or itself, for a patient type) */
  int version;               /* the version being written */
  const char *status;
  xmlDocPtr body;
  const cairn_rtype *valid_for; /* body already validated against this
                             ** type's schema, unchanged since (or NULL) */
} write_req;

/* Validate (unless the body was validated against this type already),
** run the check hook, and validate again only when the hook changed the
** body: at most two validations per write. */
static int write_check(write_req *w, cairn_error *err) {
  const cairn_record_type *d = w->t->rt->decl;
  xmlNodePtr root = xmlDocGetRootElement(w->body);
  int rc;
  if (root == NULL || root->ns == NULL ||
      !xmlStrEqual(root->ns->href, BAD_CAST d->ns) ||
      !xmlStrEqual(root->name, BAD_CAST d->root))
    return cairn_fail(err, CAIRN_EINVAL, root ? (const char *)root->name : "",
                      "a %s record must be a <%s> element in namespace %s",
                      d->name, d->root, d->ns);
  if (w->valid_for != w->t->rt) {
    rc = cairn_xml_validate(w->t->rt->schema, w->body, err);
    if (rc != 0) return rc;
  }
  if (d->check != NULL) {
    cairn_error ce = {0};
    cairn_doc *hd = cairn_doc_borrow(w->req, w->body, 0);
    rc = d->check(w->req, hd, &ce);
    if (rc != 0) {
      int code = ce.code ? ce.code : rc < 0 ? rc : CAIRN_EINVAL;
      if (ce.message[0] == '\0')
        return cairn_fail(err, code, ce.field, "this %s was refused",
                          d->name);
      if (err != NULL) { *err = ce; err->code = code; }
      return code;
    }
    if (hd->dirty) {
      rc = cairn_xml_validate(w->t->rt->schema, w->body, err);
      if (rc != 0) return rc;
    }
  }
  return 0;
}

/* Insert the envelope (new records) and the version, project, fire
** events.  Runs inside write_begin/write_end. */
static int write_store(write_req *w, cairn_error *err) {
  static const char next_id_sql[] =
      "SELECT coalesce(max(id), 0) + 1 FROM record";
  static const char record_sql[] =
      "INSERT INTO record(id, type, patient, created) VALUES(?1, ?2, ?3, ?4)";
  static const char version_sql[] =
      "INSERT INTO record_version(record, version, status, author, time,"
      " body) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
  cairn_store *st = w->req->store;
  const cairn_record_type *d = w->t->rt->decl;
  cairn_record *rec;
  sqlite3_stmt *s;
  char now[32], *text;
  size_t len = 0;
  int rc;

  assert(w->version >= 1 && (w->id == 0) == (w->version == 1));
  text = serialize(w->body, &len);
  if (text == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "cannot serialize");
  if (len > CAIRN_XML_MAX_BYTES) {
    free(text);
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "this %s is %zu bytes; at most %d are accepted",
                      d->name, len, CAIRN_XML_MAX_BYTES);
  }
  if (w->req->record_time) /* a bundle import keeps the original time */
    snprintf(now, sizeof now, "%s", w->req->record_time);
  else
    utc_now(now);
  if (w->id == 0) {
    if ((s = stmt_internal(st, next_id_sql, err)) == NULL) goto db;
    if (sqlite3_step(s) != SQLITE_ROW) { stmt_done(s); goto dbf; }
    w->id = sqlite3_column_int64(s, 0);
    stmt_done(s);
    if (d->flags & CAIRN_RT_PATIENT) w->patient = w->id;
    if ((s = stmt_internal(st, record_sql, err)) == NULL) goto db;
    sqlite3_bind_int64(s, 1, w->id);
    sqlite3_bind_text(s, 2, d->name, -1, SQLITE_STATIC);
    if (w->patient > 0) sqlite3_bind_int64(s, 3, w->patient);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    stmt_done(s);
    if (rc != SQLITE_DONE) goto dbf;
  }
  if ((s = stmt_internal(st, version_sql, err)) == NULL) goto db;
  sqlite3_bind_int64(s, 1, w->id);
  sqlite3_bind_int(s, 2, w->version);
  sqlite3_bind_text(s, 3, w->status, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, w->req->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, text, (int)len, SQLITE_STATIC);
  rc = sqlite3_step(s);
  stmt_done(s);
  free(text);
  text = NULL;
  if (rc != SQLITE_DONE) goto dbf;

  rc = project(st, w->t, w->id, w->patient, w->version, w->status, w->body,
               err);
  if (rc != 0) return rc;

  rec = cairn_arena_alloc(w->req->arena, sizeof *rec);
  rec->id = w->id;
  rec->patient = w->patient;
  rec->version = w->version;
  rec->type = d->name;
  rec->status = cairn_arena_strdup(w->req->arena, w->status);
  rec->author = cairn_arena_strdup(w->req->arena, w->req->actor);
  rec->time = cairn_arena_strdup(w->req->arena, now);
  rec->body = w->body;
  rec->rt = w->t->rt;
  rec->arena = w->req->arena;   /* record_value copies into it */
  return fire_events(w->req, rec, err);

dbf:
  free(text);
  return db_fail(st, err, d->name);
db:
  free(text);
  return err && err->code ? err->code : CAIRN_EDB;
}

/* Common checks of both write entry points; frees body on failure. */
static int write_precheck(cairn_req *req, const char *status,
                          xmlDocPtr body, cairn_error *err) {
  if (req == NULL || req->store == NULL || req->arena == NULL ||
      body == NULL) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "a record write needs a request, a store and a body");
  }
  if (req->actor == NULL || req->actor[0] == '\0') {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "a record write needs an actor");
  }
  if (!status_ok(status)) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINVAL, "status",
                      "\"%.40s\" is not a record status", status);
  }
  return 0;
}

/*
** Store body as version 1 of a new record of `type` for patient `patient`
** (0 for a patient type: the record is its own patient; 0 for another
** type: a record about no patient).  In order: the body is checked to be
** the type's root element and validated against its XSD, the type's check
** hook runs (it may change the body) and the body is validated again; the
** envelope and version are inserted, projections upserted and
** subscribers run -- all in one transaction (or savepoint, inside the
** caller's), so on any failure nothing is stored.  The store takes body
** over in every case.  *id (may be NULL) gets the new id.
** Errors: CAIRN_EINVAL (invalid body, bad patient or type, field named),
** CAIRN_ENOTFOUND (no such patient), CAIRN_ELIMIT (body too big, events
** too deep), CAIRN_EDB, or whatever a hook or subscriber returned.
*/
static int store_create(cairn_req *req, const char *type, long long patient,
                        xmlDocPtr body, const cairn_rtype *valid_for,
                        long long *id, cairn_error *err) {
  static const char patient_sql[] = "SELECT type FROM record WHERE id = ?1";
  cairn_error local;
  write_req w;
  int own, rc;

  if (err == NULL) err = &local;
  memset(err, 0, sizeof *err);
  if ((rc = write_precheck(req, "active", body, err)) != 0) return rc;
  memset(&w, 0, sizeof w);
  w.req = req;
  w.t = find_type(req->store, type);
  w.version = 1;
  w.status = "active";
  w.body = body;
  w.valid_for = valid_for;
  if (w.t == NULL) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINVAL, "type", "no record type \"%.60s\"",
                      type ? type : "");
  }
  if ((w.t->rt->decl->flags & CAIRN_RT_PATIENT) ? patient != 0
                                                 : patient < 0) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINVAL, "patient",
                      "%s: patient %lld is not allowed here",
                      w.t->rt->decl->name, patient);
  }
  w.patient = patient;
  if ((rc = write_begin(req->store, &own, err)) != 0) {
    xmlFreeDoc(body);
    return rc;
  }
  if (patient > 0) {  /* it must be a patient record */
    sqlite3_stmt *s = stmt_internal(req->store, patient_sql, err);
    const store_type *pt = NULL;
    int found = 0;
    if (s == NULL) { rc = err->code ? err->code : CAIRN_EDB; goto fail; }
    sqlite3_bind_int64(s, 1, patient);
    if (sqlite3_step(s) == SQLITE_ROW) {
      found = 1;
      pt = find_type(req->store, (const char *)sqlite3_column_text(s, 0));
    }
    stmt_done(s);
    if (!found) {
      rc = cairn_fail(err, CAIRN_ENOTFOUND, "patient", "no patient %lld",
                      patient);
      goto fail;
    }
    if (pt == NULL || !(pt->rt->decl->flags & CAIRN_RT_PATIENT)) {
      rc = cairn_fail(err, CAIRN_EINVAL, "patient",
                      "record %lld is not a patient", patient);
      goto fail;
    }
  }
  if ((rc = write_check(&w, err)) != 0) goto fail;
  if ((rc = write_store(&w, err)) != 0) goto fail;
  if ((rc = write_end(req->store, own, err)) != 0) goto fail_ended;
  xmlFreeDoc(body);
  if (id != NULL) *id = w.id;
  return 0;

fail:
  write_abort(req->store, own);
fail_ended:
  xmlFreeDoc(body);
  if (err->code == 0) err->code = rc;
  return rc;
}

/*
** Store body as a new version of record id.  expected_version must be its
** newest version, else CAIRN_ECONFLICT (someone changed it meanwhile).
** status NULL means "active"; "entered-in-error" withdraws the record.
** Same checks, transaction and ownership of body as cairn_store_create;
** CAIRN_ENOTFOUND when there is no record id.
*/
static int store_revise(cairn_req *req, long long id, int expected_version,
                        const char *status, xmlDocPtr body,
                        const cairn_rtype *valid_for, cairn_error *err) {
  static const char head_sql[] =
      "SELECT r.type, r.patient, (SELECT max(version) FROM record_version"
      " WHERE record = r.id) FROM record r WHERE r.id = ?1";
  cairn_error local;
  write_req w;
  sqlite3_stmt *s;
  int own, rc, newest = 0, found = 0;

  if (err == NULL) err = &local;
  memset(err, 0, sizeof *err);
  if (status == NULL) status = "active";
  if ((rc = write_precheck(req, status, body, err)) != 0) return rc;
  memset(&w, 0, sizeof w);
  w.req = req;
  w.id = id;
  w.status = status;
  w.body = body;
  w.valid_for = valid_for;
  if ((rc = write_begin(req->store, &own, err)) != 0) {
    xmlFreeDoc(body);
    return rc;
  }
  s = stmt_internal(req->store, head_sql, err);
  if (s == NULL) { rc = err->code ? err->code : CAIRN_EDB; goto fail; }
  sqlite3_bind_int64(s, 1, id);
  if (sqlite3_step(s) == SQLITE_ROW) {
    found = 1;
    w.t = find_type(req->store, (const char *)sqlite3_column_text(s, 0));
    w.patient = sqlite3_column_int64(s, 1);
    newest = sqlite3_column_int(s, 2);
  }
  stmt_done(s);
  if (!found) {
    rc = cairn_fail(err, CAIRN_ENOTFOUND, NULL, "no record %lld", id);
    goto fail;
  }
  if (w.t == NULL) {
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL,
                    "record %lld is of a type no loaded plugin declares", id);
    goto fail;
  }
  if (newest != expected_version) {
    rc = cairn_fail(err, CAIRN_ECONFLICT, "version",
                    "record %lld is at version %d, not %d: it was changed"
                    " meanwhile; reload it and try again", id, newest,
                    expected_version);
    goto fail;
  }
  w.version = newest + 1;
  if ((rc = write_check(&w, err)) != 0) goto fail;
  if ((rc = write_store(&w, err)) != 0) goto fail;
  if ((rc = write_end(req->store, own, err)) != 0) goto fail_ended;
  xmlFreeDoc(body);
  return 0;

fail:
  write_abort(req->store, own);
fail_ended:
  xmlFreeDoc(body);
  if (err->code == 0) err->code = rc;
  return rc;
}

int cairn_store_create(cairn_req *req, const char *type, long long patient,
                       xmlDocPtr body, long long *id, cairn_error *err) {
  return store_create(req, type, patient, body, NULL, id, err);
}

int cairn_store_revise(cairn_req *req, long long id, int expected_version,
                       const char *status, xmlDocPtr body,
                       cairn_error *err) {
  return store_revise(req, id, expected_version, status, body, NULL, err);
}

/* The same writes from a request's document: its xmlDoc is detached (no
** copy) and, when it was validated against the type and not changed
** since (req_body_record's), not validated again before the hook. */
int cairn_store_create_doc(cairn_req *req, const char *type,
                           long long patient, cairn_doc *body, long long *id,
                           cairn_error *err) {
  const cairn_rtype *v = body && !body->dirty ? body->valid_for : NULL;
  return store_create(req, type, patient, cairn_doc_take(body), v, id, err);
}

int cairn_store_revise_doc(cairn_req *req, long long id, int expected_version,
                           const char *status, cairn_doc *body,
                           cairn_error *err) {
  const cairn_rtype *v = body && !body->dirty ? body->valid_for : NULL;
  return store_revise(req, id, expected_version, status, cairn_doc_take(body),
                      v, err);
}

/* --------------------------------------------------------------- reads */

/*
** The newest version of record id, in req's arena: strings copied, body
** parsed into an xmlDoc freed when the request ends.  rec->rt is NULL
** when no loaded plugin declares the type.  CAIRN_ENOTFOUND when there is
** no such record.
*/
int cairn_store_get(cairn_req *req, long long id, const cairn_record **out,
                    cairn_error *err) {
  static const char sql[] =
      "SELECT r.type, r.patient, v.version, v.status, v.author, v.time,"
      " v.body FROM record r JOIN record_version v ON v.record = r.id"
      " WHERE r.id = ?1 ORDER BY v.version DESC LIMIT 1";
  cairn_store *st;
  sqlite3_stmt *s;
  cairn_record *rec;
  const char *body;
  const store_type *t;
  cairn_error perr = {0};
  int step;

  *out = NULL;
  if (req == NULL || (st = req->store) == NULL || req->arena == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no store");
  if ((s = stmt_internal(st, sql, err)) == NULL)
    return err && err->code ? err->code : CAIRN_EDB;
  sqlite3_bind_int64(s, 1, id);
  step = sqlite3_step(s);
  if (step == SQLITE_DONE) {
    stmt_done(s);
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "no record %lld", id);
  }
  if (step != SQLITE_ROW) {
    stmt_done(s);
    return db_fail(st, err, "get");
  }
  rec = cairn_arena_alloc(req->arena, sizeof *rec);
  rec->id = id;
  rec->patient = sqlite3_column_int64(s, 1);
  rec->version = sqlite3_column_int(s, 2);
  rec->type = cairn_arena_strdup(req->arena,
                                 (const char *)sqlite3_column_text(s, 0));
  rec->status = cairn_arena_strdup(req->arena,
                                   (const char *)sqlite3_column_text(s, 3));
  rec->author = cairn_arena_strdup(req->arena,
                                   (const char *)sqlite3_column_text(s, 4));
  rec->time = cairn_arena_strdup(req->arena,
                                 (const char *)sqlite3_column_text(s, 5));
  body = (const char *)sqlite3_column_text(s, 6);
  rec->body = cairn_xml_parse(body, body ? strlen(body) : 0, &perr);
  stmt_done(s);
  if (rec->body == NULL) {
    cairn_logf(CAIRN_LOG_ERROR, "store: record %lld: stored body: %s", id,
               perr.message);
    return cairn_fail(err, CAIRN_EDB, NULL,
                      "record %lld has a damaged body; see the server log",
                      id);
  }
  cairn_arena_cleanup(req->arena, free_doc, rec->body);
  t = find_type(st, rec->type);
  rec->rt = t ? t->rt : NULL;
  rec->arena = req->arena;      /* record_value copies into it */
  *out = rec;
  return 0;
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
  if ((rc = write_begin(st, &own, err)) != 0) return rc;
  for (i = 0; rc == 0 && i < st->n_types; i++) {
    char *del = sqlite3_mprintf("DELETE FROM \"%w\"", st->types[i].table);
    rc = exec(st, del, err);
    sqlite3_free(del);
    if (rc == 0) rc = project_all(st, &st->types[i], err);
  }
  if (rc == 0) return write_end(st, own, err);
  write_abort(st, own);
  return rc;
}

/* Number of record versions of `type` (NULL: of every type); -1 on a
** database error (logged). */
long long cairn_store_count(cairn_store *st, const char *type) {
  static const char all_sql[] = "SELECT count(*) FROM record_version";
  static const char type_sql[] =
      "SELECT count(*) FROM record_version v JOIN record r"
      " ON r.id = v.record WHERE r.type = ?1";
  sqlite3_stmt *s = stmt_internal(st, type ? type_sql : all_sql, NULL);
  long long n = -1;
  if (s == NULL) return -1;
  if (type) sqlite3_bind_text(s, 1, type, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
  else db_fail(st, NULL, "count");
  stmt_done(s);
  return n;
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
  h = sql_hash(sql);
  e = cache_find(st, sql, h, 0);
  if (e != NULL && !sqlite3_stmt_busy(e->s)) {  /* idle: start it afresh */
    sqlite3_reset(e->s);
    sqlite3_clear_bindings(e->s);
    if (e->handed) {         /* its cleanup is registered already */
      e->req = req;
      return e;
    }
    goto hand;
  }
  cache = e == NULL && st->n_cached < STMT_CACHE_MAX;
  st->restrict_sql = 1;
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
  if (s == NULL || !only_comments(tail) || !sqlite3_stmt_readonly(s)) {
    cairn_logf(CAIRN_LOG_ERROR, "store: refused SQL (%s): %.200s",
               s == NULL ? "empty" : !only_comments(tail)
                                         ? "more than one statement"
                                         : "not read-only", sql);
    sqlite3_finalize(s);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "only one read-only SELECT is allowed"), NULL;
  }
  e = stmt_entry(st, s, sql, h, 0, cache);
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
  } else if (strlen(name) < BIND_NAME_MAX) {
    snprintf(buf, sizeof buf, ":%s", name);
    idx = sqlite3_bind_parameter_index(e->s, buf);
  }
  if (idx == 0)
    cairn_logf(CAIRN_LOG_ERROR, "store: no parameter %.64s in: %.200s",
               name, e->sql);
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
