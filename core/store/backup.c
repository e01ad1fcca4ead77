/*
** backup.c -- the online copy, its checks and its anchor (backup.h).
** The commands that use them are in core/cli/backup.c.
*/
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "access.h"
#include "backup.h"

/* Bytes read at a time while hashing a file. */
#define HASH_CHUNK (64 * 1024)
/* A backup holds patient data: its owner and group may read it, no one
** else. */
#define BACKUP_FILE_MODE 0640
/* The -shm file's lock bytes (https://sqlite.org/walformat.html 2.3.1):
** eight locks from offset 120, then the DMS ("dead man switch") every
** open connection holds a read lock on. */
#define SHM_DMS_OFFSET 128

/* The connection's last error as a CAIRN_EDB failure about `what`. */
static int sql_fail(sqlite3 *db, cairn_error *err, const char *what) {
  return cairn_fail(err, CAIRN_EDB, NULL, "%s: %s", what,
                    db ? sqlite3_errmsg(db) : "no memory");
}

/* See backup.h: the online copy, one snapshot, left as one file. */
int cairn_backup_copy(const char *db_path, const char *dest,
                      cairn_backup_progress progress, void *arg, int *pages,
                      cairn_error *err) {
  sqlite3 *src = NULL, *dst = NULL;
  sqlite3_backup *b = NULL;
  struct stat sb;
  int rc = 0, step, created = 0;

  if (stat(db_path, &sb) != 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "database %s: %s", db_path,
                      strerror(errno));
  /* Created here, exclusively and with its mode, before SQLite opens it
  ** (an empty file is an empty database). */
  int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL, BACKUP_FILE_MODE);
  if (fd < 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: %s%s", dest,
                      strerror(errno),
                      errno == EEXIST ? " (a backup never overwrites a file)" : "");
  close(fd);
  created = 1;
  /* The source: never created, never migrated, its journal mode left as
  ** it is (WAL).  The busy timeout covers a checkpoint in progress. */
  if (sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    rc = sql_fail(src, err, db_path);
    goto done;
  }
  sqlite3_busy_timeout(src, CAIRN_BUSY_TIMEOUT_MS);
  /* One read transaction over the whole copy: backup_step keeps a read
  ** transaction it did not open, so every step reads the same snapshot
  ** and a commit by a worker meanwhile does not restart the copy. */
  if (sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL,
                   NULL, NULL) != SQLITE_OK) {
    rc = sql_fail(src, err, db_path);
    goto done;
  }
  if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    rc = sql_fail(dst, err, dest);
    goto done;
  }
  b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == NULL) {
    rc = sql_fail(dst, err, "backup");
    goto done;
  }
  do {
    step = sqlite3_backup_step(b, CAIRN_BACKUP_STEP_PAGES);
    if (progress)
      progress(arg, sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
               sqlite3_backup_pagecount(b));
    if (step == SQLITE_BUSY || step == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED);
  if (pages) *pages = sqlite3_backup_pagecount(b);
  if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
    b = NULL;
    rc = sql_fail(dst, err, "copying the database");
    goto done;
  }
  b = NULL;
  /* The copied first page says WAL; make the copy one file that needs no
  ** -wal or -shm beside it. */
  if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
    rc = sql_fail(dst, err, dest);
done:
  if (b) sqlite3_backup_finish(b);
  if (src) {
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    sqlite3_close_v2(src);
  }
  if (dst && sqlite3_close(dst) != SQLITE_OK && rc == 0)
    rc = sql_fail(dst, err, dest);
  if (rc && created) unlink(dest);
  return rc;
}

/* See backup.h: the chain's last entry, or 0 and "" when empty. */
int cairn_audit_head(cairn_store *st, long long *seq, char hash[65],
                     cairn_error *err) {
  static const char head_sql[] =
      "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
  sqlite3 *db = cairn_store_db(st);
  sqlite3_stmt *s = NULL;
  *seq = 0;
  hash[0] = 0;
  if (sqlite3_prepare_v2(db, head_sql, -1, &s, NULL) != SQLITE_OK)
    return sql_fail(db, err, "reading the audit trail");
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    const unsigned char *h = sqlite3_column_text(s, 1);
    *seq = sqlite3_column_int64(s, 0);
    snprintf(hash, 65, "%s", h ? (const char *)h : "");
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sql_fail(db, err, "reading the audit trail");
  return 0;
}

/* PRAGMA integrity_check on the store's connection: 0 when "ok", else
** CAIRN_EINVAL with SQLite's first complaint. */
static int integrity(cairn_store *st, cairn_error *err) {
  sqlite3 *db = cairn_store_db(st);
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "integrity_check failed: %s",
                      sqlite3_errmsg(db));
  int rc = sqlite3_step(s);
  const unsigned char *first = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
  if (first && strcmp((const char *)first, "ok") == 0) {
    sqlite3_finalize(s);
    return 0;
  }
  rc = cairn_fail(err, CAIRN_EINVAL, NULL, "integrity_check: %s",
                  first ? (const char *)first : sqlite3_errmsg(db));
  sqlite3_finalize(s);
  return rc;
}

/* See backup.h: integrity, then the chain by cairn_audit_verify, then its
** head into *a. */
int cairn_backup_check(const char *path, cairn_anchor *a, cairn_error *err) {
  cairn_store *st = NULL;
  cairn_error e = {0};
  /* A file that is not a database, or a truncated one, fails here or at
  ** the integrity check: say so in the words of the check. */
  if (cairn_store_open(path, NULL, &st, &e))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s is not a sound Cairn database: %s", path, e.message);
  int rc = integrity(st, &e);
  if (rc == 0) rc = cairn_audit_verify(st, &a->audit_entries, &e);
  if (rc == 0) rc = cairn_audit_head(st, &a->audit_seq, a->audit_hash, &e);
  cairn_store_close(st);
  if (rc) return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: %s", path, e.message);
  return 0;
}

/* See backup.h: the chain intact and holding the anchored entry. */
int cairn_anchor_verify(cairn_store *st, const cairn_anchor *a,
                        long long *entries, cairn_error *err) {
  static const char entry_sql[] = "SELECT hash FROM audit WHERE seq = ?1";
  long long n = 0, last = 0;
  char head[65];
  int rc = cairn_audit_verify(st, &n, err);
  if (entries) *entries = n;
  if (rc) return rc;
  rc = cairn_audit_head(st, &last, head, err);
  if (rc) return rc;
  if (a->audit_seq == 0) return 0;   /* anchored an empty trail */
  if (last < a->audit_seq)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "the audit trail ends at entry %lld but the anchor holds"
                      " entry %lld: the newest %lld entries were dropped",
                      last, a->audit_seq, a->audit_seq - last);
  sqlite3 *db = cairn_store_db(st);
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(db, entry_sql, -1, &s, NULL) != SQLITE_OK)
    return sql_fail(db, err, "reading the audit trail");
  sqlite3_bind_int64(s, 1, a->audit_seq);
  rc = sqlite3_step(s);
  const unsigned char *h = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
  int same = h && strcmp((const char *)h, a->audit_hash) == 0;
  sqlite3_finalize(s);
  if (!same)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "audit entry %lld differs from the anchor: the trail"
                      " up to it was rewritten", a->audit_seq);
  return 0;
}

/* See backup.h: SHA-256 and size of a file, read in HASH_CHUNK pieces. */
int cairn_file_sha256(const char *path, char hex[65], long long *size,
                      cairn_error *err) {
  crypto_hash_sha256_state h;
  unsigned char d[crypto_hash_sha256_BYTES];
  unsigned char *buf;
  long long n = 0;
  size_t got;
  FILE *f = fopen(path, "rb");
  if (!f)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: %s", path, strerror(errno));
  buf = malloc(HASH_CHUNK);
  if (!buf) abort();
  crypto_hash_sha256_init(&h);
  while ((got = fread(buf, 1, HASH_CHUNK, f)) > 0) {
    crypto_hash_sha256_update(&h, buf, got);
    n += (long long)got;
  }
  int bad = ferror(f);
  fclose(f);
  free(buf);
  if (bad)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: read error", path);
  crypto_hash_sha256_final(&h, d);
  sodium_bin2hex(hex, 65, d, sizeof d);
  *size = n;
  return 0;
}

/* See backup.h: fsync of path's directory, so a rename there lasts. */
int cairn_fsync_dir_of(const char *path, cairn_error *err) {
  char *copy = strdup(path);
  if (!copy) abort();
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
  int rc = 0;
  if (fd < 0 || fsync(fd) != 0)
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "fsync of the directory of %s: %s",
                    path, strerror(errno));
  if (fd >= 0) close(fd);
  free(copy);
  return rc;
}

/* See backup.h: the anchor written beside, fsynced, renamed. */
int cairn_anchor_write(const char *path, const cairn_anchor *a,
                       cairn_error *err) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wx");
  if (!f)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: %s", tmp, strerror(errno));
  fprintf(f,
          CAIRN_ANCHOR_MAGIC "\n"
          "file %s\n"
          "size %lld\n"
          "sha256 %s\n"
          "audit-seq %lld\n"
          "audit-hash %s\n"
          "audit-entries %lld\n"
          "created %s\n",
          a->file, a->size, a->sha256, a->audit_seq,
          a->audit_seq ? a->audit_hash : "-", a->audit_entries, a->created);
  int rc = 0;
  if (fflush(f) || ferror(f) || fsync(fileno(f)))
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "writing %s: %s", tmp,
                    strerror(errno));
  if (fclose(f) && !rc)
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "closing %s: %s", tmp,
                    strerror(errno));
  if (!rc && rename(tmp, path))
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "renaming %s to %s: %s", tmp,
                    path, strerror(errno));
  if (rc) unlink(tmp);
  else rc = cairn_fsync_dir_of(path, err);
  return rc;
}

/* 1 when s is exactly 64 lower-case hex digits. */
static int is_hash(const char *s) {
  size_t n = strspn(s, "0123456789abcdef");
  return n == 64 && s[64] == 0;
}

/* See backup.h: every line known, every required field present and well
** formed, or CAIRN_EINVAL naming the first line that is not. */
int cairn_anchor_read(const char *path, cairn_anchor *a, cairn_error *err) {
  char line[512];
  int lineno = 0, seen = 0;
  enum { F_FILE = 1, F_SIZE = 2, F_SHA = 4, F_SEQ = 8, F_HASH = 16 };
  memset(a, 0, sizeof *a);
  FILE *f = fopen(path, "r");
  if (!f)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "anchor %s: %s", path,
                      strerror(errno));
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (lineno > CAIRN_ANCHOR_MAX_LINES) break;
    line[strcspn(line, "\r\n")] = 0;
    if (lineno == 1) {
      if (strcmp(line, CAIRN_ANCHOR_MAGIC)) break;
      continue;
    }
    char *v = strchr(line, ' ');
    if (!v) break;
    *v++ = 0;
    char *end = NULL;
    if (!strcmp(line, "file")) {
      snprintf(a->file, sizeof a->file, "%s", v);
      seen |= F_FILE;
    } else if (!strcmp(line, "size")) {
      a->size = strtoll(v, &end, 10);
      if (*end || a->size < 0) break;
      seen |= F_SIZE;
    } else if (!strcmp(line, "sha256")) {
      if (!is_hash(v)) break;
      snprintf(a->sha256, sizeof a->sha256, "%s", v);
      seen |= F_SHA;
    } else if (!strcmp(line, "audit-seq")) {
      a->audit_seq = strtoll(v, &end, 10);
      if (*end || a->audit_seq < 0) break;
      seen |= F_SEQ;
    } else if (!strcmp(line, "audit-hash")) {
      if (strcmp(v, "-") && !is_hash(v)) break;
      snprintf(a->audit_hash, sizeof a->audit_hash, "%s", strcmp(v, "-") ? v : "");
      seen |= F_HASH;
    } else if (!strcmp(line, "audit-entries")) {
      a->audit_entries = strtoll(v, &end, 10);
      if (*end) break;
    } else if (!strcmp(line, "created")) {
      snprintf(a->created, sizeof a->created, "%s", v);
    } else {
      break;
    }
  }
  int bad = !feof(f);
  fclose(f);
  if (bad)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "anchor %s: line %d is not part of an anchor", path, lineno);
  if (lineno == 0 || seen != (F_FILE | F_SIZE | F_SHA | F_SEQ | F_HASH) ||
      (a->audit_seq > 0) != (a->audit_hash[0] != 0))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "anchor %s is incomplete: it needs file, size, sha256,"
                      " audit-seq and audit-hash", path);
  return 0;
}

/* See backup.h: F_GETLK for a write lock on the -shm's DMS byte reports
** any other process's read lock there. */
int cairn_db_holder(const char *db_path, pid_t *pid) {
  char shm[4200];
  snprintf(shm, sizeof shm, "%s-shm", db_path);
  int fd = open(shm, O_RDWR);
  if (fd < 0) fd = open(shm, O_RDONLY);
  if (fd < 0) return 0;   /* no -shm: no connection in WAL mode */
  struct flock fl = {
    .l_type = F_WRLCK,
    .l_whence = SEEK_SET,
    .l_start = SHM_DMS_OFFSET,
    .l_len = 1,
  };
  int held = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  if (held && pid) *pid = fl.l_pid;
  close(fd);
  return held;
}
