/*
** audit.c -- the audit trail: one entry per access to patient data, per
** sign-in, denial and capability link use.  Entries are append-only (the
** database refuses UPDATE and DELETE) and hash-chained: each entry's hash
** is SHA-256 over the previous entry's hash and this entry's fields, so a
** changed, removed or inserted entry breaks the chain at a place
** `cairn audit verify` names.  (The same construction as RFC 6962's log
** leaves, kept linear because one clinic's log is small.)
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "access.h"

/* Longest stored value of one field: a path or a user name, never a body. */
#define AUDIT_FIELD_MAX 512
#define AUDIT_GENESIS \
  "0000000000000000000000000000000000000000000000000000000000000000"

/* Copy s with control characters and backslashes escaped as \xNN, so a
** logged value cannot forge a line in any export, cut at a limit. */
static void escape(char *out, size_t size, const char *s) {
  size_t o = 0;
  for (; s && *s && o + 5 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7F || c == '\\')
      o += (size_t)snprintf(out + o, size - o, "\\x%02X", c);
    else
      out[o++] = (char)c;
  }
  out[o] = 0;
}

/* The hash of one entry: SHA-256 over the fields, each followed by a 0x1F
** unit separator (escaped values contain no control characters). */
static void entry_hash(const char *prev, const char *const f[10],
                       char out[65]) {
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
  for (int i = 0; i < 10; i++) {
    crypto_hash_sha256_update(&h, (const unsigned char *)"\x1f", 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)f[i], strlen(f[i]));
  }
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&h, d);
  sodium_bin2hex(out, 65, d, sizeof d);
}

/*
** Append one entry.  Runs in its own BEGIN IMMEDIATE so the chain cannot
** fork between two workers.  The audit write is durable against a killed
** process (WAL); it uses synchronous=NORMAL so that reading a chart does
** not cost an fsync (a power cut may lose the last entries; a kill -9
** cannot).
*/
int cairn_audit_append(cairn_store *st, const cairn_audit_entry *e,
                       cairn_error *err) {
  sqlite3 *db = cairn_store_db(st);
  char actor[AUDIT_FIELD_MAX], role[64], method[16], route[AUDIT_FIELD_MAX],
      path[AUDIT_FIELD_MAX], outcome[AUDIT_FIELD_MAX], remote[128],
      patient[24] = "", record[24] = "", when[32], prev[65] = AUDIT_GENESIS,
      hash[65];
  escape(actor, sizeof actor, e->actor);
  escape(role, sizeof role, e->role);
  escape(method, sizeof method, e->method);
  escape(route, sizeof route, e->route);
  escape(path, sizeof path, e->path);
  escape(outcome, sizeof outcome, e->outcome);
  escape(remote, sizeof remote, e->remote);
  if (e->patient > 0) snprintf(patient, sizeof patient, "%lld", e->patient);
  if (e->record > 0) snprintf(record, sizeof record, "%lld", e->record);
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);

  /* The request's own read statements may still be stepped (they are
  ** reset when its arena is): each holds a read snapshot, and upgrading a
  ** stale snapshot to BEGIN IMMEDIATE fails at once with SQLITE_BUSY,
  ** without waiting out the busy timeout.  Release them first, as
  ** store.c's write_begin does for record writes (found by
  ** tests/integration/concurrency.test.mjs: chart reads lost their entries
  ** to "database is locked" under 8 workers). */
  /* Inside a caller's transaction (the host table's transaction(): a link
  ** issued and its email queued together), the entry is a savepoint that
  ** commits or rolls back with the change it records; the caller already
  ** holds the write lock, so the chain cannot fork either way. */
  int own = sqlite3_get_autocommit(db);
  if (own)
    for (sqlite3_stmt *q = sqlite3_next_stmt(db, NULL); q; q = sqlite3_next_stmt(db, q))
      if (sqlite3_stmt_busy(q)) sqlite3_reset(q);
  if (own) sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
  int rc = sqlite3_exec(db, own ? "BEGIN IMMEDIATE" : "SAVEPOINT cairn_audit",
                        NULL, NULL, NULL);
  sqlite3_stmt *s = NULL;
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db, "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1",
                            -1, &s, NULL);
  if (rc == SQLITE_OK) {
    if (sqlite3_step(s) == SQLITE_ROW)
      snprintf(prev, sizeof prev, "%s", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    s = NULL;
    const char *f[10] = { when, actor, role, method, route, path, patient,
                          record, outcome, remote };
    entry_hash(prev, f, hash);
    rc = sqlite3_prepare_v2(db,
        "INSERT INTO audit(time, actor, role, method, route, path, patient,"
        " record, outcome, remote, prev, hash)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", -1, &s, NULL);
  }
  if (rc == SQLITE_OK) {
    const char *vals[12] = { when, actor, role, method, route, path, patient,
                             record, outcome, remote, prev, hash };
    for (int i = 0; i < 12; i++) {
      if ((i == 6 || i == 7) && !vals[i][0]) sqlite3_bind_null(s, i + 1);
      else sqlite3_bind_text(s, i + 1, vals[i], -1, SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    sqlite3_finalize(s);
  }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, own ? "COMMIT" : "RELEASE cairn_audit", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    cairn_logf(CAIRN_LOG_ERROR, "audit: %s", sqlite3_errmsg(db));
    if (own && !sqlite3_get_autocommit(db))
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    else if (!own && !sqlite3_get_autocommit(db))
      sqlite3_exec(db, "ROLLBACK TO cairn_audit; RELEASE cairn_audit", NULL, NULL, NULL);
  }
  if (own) sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
  return rc == SQLITE_OK ? 0
                         : cairn_fail(err, CAIRN_EDB, NULL, "The audit trail could not be written.");
}

/*
** Verify the chain from the first entry.  seq must count 1, 2, 3... (a
** removed entry leaves a gap), each prev must equal the hash before it (an
** inserted entry breaks that), and each hash must match the fields (a
** changed entry breaks that).  The first failure is named.
*/
int cairn_audit_verify(cairn_store *st, long long *entries, cairn_error *err) {
  sqlite3_stmt *s = NULL;
  sqlite3 *db = cairn_store_db(st);
  if (sqlite3_prepare_v2(db,
        "SELECT seq, time, actor, role, method, route, path,"
        " coalesce(patient, ''), coalesce(record, ''), outcome, remote, prev, hash"
        " FROM audit ORDER BY seq", -1, &s, NULL) != SQLITE_OK)
    return cairn_fail(err, CAIRN_EDB, NULL, "cannot read the audit trail: %s",
                      sqlite3_errmsg(db));
  char prev[65] = AUDIT_GENESIS, hash[65];
  long long expect = 1, n = 0;
  int rc = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    long long seq = sqlite3_column_int64(s, 0);
    const char *f[10];
    for (int i = 0; i < 10; i++) {
      const char *v = (const char *)sqlite3_column_text(s, i + 1);
      f[i] = v ? v : "";
    }
    const char *stored_prev = (const char *)sqlite3_column_text(s, 11);
    const char *stored_hash = (const char *)sqlite3_column_text(s, 12);
    if (seq != expect) {
      rc = cairn_fail(err, CAIRN_EINVAL, NULL,
                      seq > expect
                          ? "audit entry %lld is missing (removed): the trail jumps from %lld to %lld"
                          : "audit entry %lld is out of order (%lld, %lld)",
                      expect, expect - 1, seq);
      break;
    }
    if (!stored_prev || strcmp(stored_prev, prev) != 0) {
      rc = cairn_fail(err, CAIRN_EINVAL, NULL,
                      "audit entry %lld does not follow entry %lld: an entry was inserted or removed",
                      seq, seq - 1);
      break;
    }
    entry_hash(prev, f, hash);
    if (!stored_hash || strcmp(stored_hash, hash) != 0) {
      rc = cairn_fail(err, CAIRN_EINVAL, NULL,
                      "audit entry %lld was changed after it was written", seq);
      break;
    }
    snprintf(prev, sizeof prev, "%s", stored_hash);
    expect++;
    n++;
  }
  sqlite3_finalize(s);
  *entries = n;
  return rc;
}
