/*
** store_schema.c -- the shape of the database: the core tables, each
** record type's projection table and upsert, plugin migrations, all
** created or checked in the one transaction that opens the store.
**
** TABLES
**
**   record(id INTEGER PRIMARY KEY, type TEXT, patient INTEGER, created TEXT)
**       The envelope: one row per record, written once.  type is the
**       record type ("plugin:Name"); patient the id of the patient
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

/* Version 5: links renewed by use (cairn_capability_renew_on_use).
** renew_s is the lifetime a use gives back, in seconds; NULL for a link
** whose expiry is fixed at issue. */
static const char *const capability_renew_schema =
    "ALTER TABLE capability ADD COLUMN renew_s INTEGER;\n";

/* The script that brings the core tables from version i to i + 1. */
static const char *core_migration(int i) {
  return i == 0 ? core_schema : i == 1 ? access_schema
       : i == 2 ? cairn_outbox_schema : i == 3 ? cairn_jobs_schema
       : i == 4 ? capability_renew_schema : NULL;
}

const char *store_coltype_sql(cairn_coltype t) {
  return t == CAIRN_COL_INT ? "INTEGER" : t == CAIRN_COL_REAL ? "REAL"
                                                              : "TEXT";
}

/* Fill st->types from the registry, checking every name that goes into
** SQL text (the registry checks them too; the store does not trust). */
int store_types_build(cairn_store *st, cairn_error *err) {
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
    sqlite3_str_appendall(up, ") VALUES(:record, :patient, :version,"
                              " :status");
    for (j = 0; j < n; j++)   /* ident_ok: the name is a plain word */
      sqlite3_str_appendf(up, ", :c_%s", d->projections[j].column);
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
/* Run each plugin's migrations that have not run yet, in order. */
static int migrate(cairn_store *st, cairn_error *err) {
  static const char done_sql[] =
      "SELECT 1 FROM cairn_migration WHERE plugin = :plugin AND n = :n";
  static const char mark_sql[] =
      "INSERT INTO cairn_migration(plugin, n, applied)"
      " VALUES(:plugin, :n, :applied)";
  size_t i;
  int n;
  char now[32];
  if (st->reg == NULL) return 0;
  store_utc_now(now);
  for (i = 0; i < st->reg->n_plugins; i++) {
    const cairn_plugin *p = st->reg->plugins[i].desc;
    if (p == NULL || p->migrations == NULL) continue;
    for (n = 1; p->migrations[n - 1] != NULL; n++) {
      cairn_stmt *s = cairn_db_prepare(st, done_sql, err);
      int ran, rc;
      char *msg = NULL;
      if (s == NULL) return err ? err->code : CAIRN_EDB;
      cairn_sql_bind_text(s, ":plugin", p->name);
      cairn_sql_bind_int(s, ":n", n);
      ran = store_step(s) == SQLITE_ROW;
      cairn_db_done(s);
      if (ran) continue;
      if (store_script_run(st, p->migrations[n - 1], &msg) != 0) {
        rc = cairn_fail(err, CAIRN_EINTERNAL, NULL,
                        "plugin %s: migration %d failed: %s", p->name, n,
                        msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return rc;
      }
      s = cairn_db_prepare(st, mark_sql, err);
      if (s == NULL) return err ? err->code : CAIRN_EDB;
      cairn_sql_bind_text(s, ":plugin", p->name);
      cairn_sql_bind_int(s, ":n", n);
      cairn_sql_bind_text(s, ":applied", now);
      if ((rc = store_run(st, s, "migration", err))) return rc;
      cairn_logf(CAIRN_LOG_INFO, "store: plugin %s: migration %d applied",
                 p->name, n);
    }
  }
  return 0;
}
/* Create or check the core tables, projection tables and migrations, in
** one transaction. */
int store_prepare_schema(cairn_store *st, cairn_error *err) {
  char v[32];
  long uv;
  size_t i;
  int rc = store_exec(st, "BEGIN IMMEDIATE", err);
  if (rc) return rc;
  rc = store_pragma_text(st, "PRAGMA user_version", v, sizeof v, err);
  uv = strtol(v, NULL, 10);
  if (rc == 0 && uv >= 0 && uv < STORE_SCHEMA_VERSION) {
    for (long m = uv; rc == 0 && m < STORE_SCHEMA_VERSION; m++)
      rc = store_script(st, core_migration((int)m), err);
    if (rc == 0) {
      char set[48];
      snprintf(set, sizeof set, "PRAGMA user_version = %d",
               STORE_SCHEMA_VERSION);
      rc = store_script(st, set, err);
    }
  } else if (rc == 0 && uv != STORE_SCHEMA_VERSION) {
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL,
                    "the database has schema version %ld; this Cairn knows"
                    " version %d", uv, STORE_SCHEMA_VERSION);
  }
  for (i = 0; rc == 0 && i < st->n_types; i++)
    rc = store_projection_ensure(st, &st->types[i], err);
  if (rc == 0) rc = migrate(st, err);
  if (rc == 0) rc = store_exec(st, "COMMIT", err);
  if (rc != 0 && !sqlite3_get_autocommit(st->db))
    store_exec(st, "ROLLBACK", NULL);
  return rc;
}

