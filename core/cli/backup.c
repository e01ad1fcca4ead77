/*
** backup.c -- the backup commands of the `cairn` CLI:
**
**   cairn backup DEST
**   cairn backup --dir DIR [--keep N]
**   cairn restore [--force] [--anchor FILE] SRC
**   cairn audit verify --anchor FILE      (through cli_access.c)
**
** A backup is taken while cairnd serves, checked, and anchored (DEST and
** DEST.anchor, core/store/backup.h).  A restore checks the backup against
** its anchor and itself before anything is replaced, then replaces the
** database in one rename.  Results go to stdout, progress to stderr.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "backup.h"
#include "cli_backup.h"

#define EXIT_USAGE 2
/* Progress lines when stderr is not a terminal: one per this many percent. */
#define PROGRESS_LINE_PERCENT 10

/* ---------------------------------------------------------- helpers */

/* UTC now as "2026-12-03T13:25:00Z" (iso) and "2026-12-03T132500Z"
** (stamp, for file names: no colons). */
static void utc_now(char iso[32], char stamp[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(iso, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  strftime(stamp, 32, "%Y-%m-%dT%H%M%SZ", &tm);
}

/* Progress of a copy on stderr: a bar redrawn in place on a terminal,
** else a line every PROGRESS_LINE_PERCENT. */
typedef struct progress_state {
  int tty;                   /* stderr is a terminal */
  int last;                  /* last percentage shown, -1 at first */
} progress_state;

/* The cairn_backup_progress of the CLI; arg is a progress_state. */
static void show_progress(void *arg, int done, int total) {
  progress_state *p = arg;
  int pct = total > 0 ? (int)((long long)done * 100 / total) : 100;
  if (p->tty) {
    fprintf(stderr, "\rbackup: %3d%% (%d of %d pages)", pct, done, total);
    if (done >= total) fputc('\n', stderr);
  } else if (p->last < 0 || pct >= p->last + PROGRESS_LINE_PERCENT ||
             (done >= total && p->last != 100)) {
    fprintf(stderr, "backup: %d%% (%d of %d pages)\n", pct, done, total);
    p->last = pct;
  }
}

/* Say on stderr that `what` failed and why; the exit status 1. */
static int failed(const char *what, const cairn_error *err) {
  fprintf(stderr, "cairn: %s: %s\n", what, err->message[0] ? err->message : "failed");
  return 1;
}

/* ----------------------------------------------------------- backup */

/* Take one backup of cfg->database at `dest` (cairn_backup_take) and say
** what was done on stdout. */
static int backup_one(const cairn_config *cfg, const char *dest) {
  cairn_error err = {0};
  cairn_backup_taken t;
  progress_state ps = { .tty = isatty(STDERR_FILENO), .last = -1 };
  if (cairn_backup_take(cfg->database, dest, show_progress, &ps, &t, &err))
    return failed("backup", &err);
  printf("backup of %s: %d pages, %lld bytes, copied in %.2f s, %.2f s in all\n",
         cfg->database, t.pages, t.anchor.size, t.copy_s, t.total_s);
  printf("checked: integrity ok, audit trail intact (%lld entries)\n",
         t.anchor.audit_entries);
  printf("written: %s (sha256 %s)\n", dest, t.anchor.sha256);
  if (t.anchor.audit_seq)
    printf("anchor: %s (audit head: entry %lld, %s)\n", t.anchor_path,
           t.anchor.audit_seq, t.anchor.audit_hash);
  else
    printf("anchor: %s (the audit trail is empty)\n", t.anchor_path);
  return 0;
}

/* The cairn_backup_removed of the CLI: says so on stdout; arg the count
** kept. */
static void said_removed(void *arg, const char *path) {
  printf("removed: %s (keeping the newest %ld)\n", path, *(long *)arg);
}

/* The usage of `cairn backup`; the exit status 2. */
static int backup_usage(void) {
  fprintf(stderr,
          "usage: cairn backup DEST\n"
          "       cairn backup --dir DIR [--keep N]\n");
  return EXIT_USAGE;
}

/* `cairn backup DEST` or `cairn backup --dir DIR [--keep N]` (argv after
** the command's name): 0, 1 failed, 2 usage. */
int cairn_cli_backup(const cairn_config *cfg, int argc, char **argv) {
  const char *dest = NULL, *dir = NULL;
  long keep = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
      dir = argv[++i];
    } else if (!strcmp(argv[i], "--keep") && i + 1 < argc) {
      char *end;
      keep = strtol(argv[++i], &end, 10);
      if (*end || keep < 1 || keep > CAIRN_BACKUP_KEEP_MAX) {
        fprintf(stderr, "cairn: backup: --keep takes a number from 1 to %d\n",
                CAIRN_BACKUP_KEEP_MAX);
        return EXIT_USAGE;
      }
    } else if (argv[i][0] != '-' && !dest) {
      dest = argv[i];
    } else {
      return backup_usage();
    }
  }
  if ((dest != NULL) == (dir != NULL) || (keep && !dir)) return backup_usage();
  if (dest) return backup_one(cfg, dest);

  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    fprintf(stderr, "cairn: backup: %s is not a directory\n", dir);
    return 1;
  }
  char path[CAIRN_BACKUP_PATH_MAX];
  cairn_error err = {0};
  if (cairn_backup_dated_path(dir, time(NULL), path, sizeof path, &err))
    return failed("backup", &err);
  int rc = backup_one(cfg, path);
  /* Prune only after a good backup: a failing run must not eat the
  ** backups that are left. */
  if (rc == 0 && keep &&
      cairn_backup_prune(dir, keep, said_removed, &keep, &err) < 0)
    rc = failed("backup", &err);
  return rc;
}

/* ---------------------------------------------------------- restore */

/* The usage of `cairn restore`; the exit status 2. */
static int restore_usage(void) {
  fprintf(stderr, "usage: cairn restore [--force] [--anchor FILE] SRC\n");
  return EXIT_USAGE;
}

/* Say who holds the database and how to stop it. */
static int refuse_held(const char *db, pid_t pid) {
  fprintf(stderr,
          "cairn: restore: %s is open in process %ld (a running cairnd?); "
          "nothing was replaced.\n"
          "Stop cairnd first (systemctl stop cairnd, or kill -TERM %ld and "
          "wait until it has exited), then restore again; or pass --force "
          "to copy the backup into the open database.\n",
          db, (long)pid, (long)pid);
  return 1;
}

/* Copy the file src to the new file dst (exclusive) and fsync it.  dst
** gets the owner, group and mode of `like` when that exists (the
** database it will replace: cairnd's user must still open it after a
** restore run as root), else mode 0640. */
static int copy_file(const char *src, const char *dst, const char *like,
                     cairn_error *err) {
  char buf[64 * 1024];
  struct stat sb;
  int in = open(src, O_RDONLY), out = -1, rc = 0;
  if (in < 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: %s", src, strerror(errno));
  out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0640);
  if (out < 0) {
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: %s", dst, strerror(errno));
    close(in);
    return rc;
  }
  if (stat(like, &sb) == 0) {
    /* Only root may give the file away; anyone else keeps it as theirs,
    ** which is then the database's owner anyway. */
    if (fchown(out, sb.st_uid, sb.st_gid) != 0 && geteuid() == 0)
      rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "chown %s: %s", dst, strerror(errno));
    if (!rc && fchmod(out, sb.st_mode & 07777) != 0)
      rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "chmod %s: %s", dst, strerror(errno));
  }
  while (!rc) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) rc = cairn_fail(err, CAIRN_EINVAL, NULL, "%s: %s", src, strerror(errno));
      break;
    }
    for (ssize_t o = 0; o < n && !rc;) {
      ssize_t w = write(out, buf + o, (size_t)(n - o));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: %s", dst, strerror(errno));
      else o += w;
    }
    if (rc) break;
  }
  if (!rc && fsync(out) != 0)
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "fsync %s: %s", dst, strerror(errno));
  close(in);
  if (close(out) != 0 && !rc)
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: %s", dst, strerror(errno));
  if (rc) unlink(dst);
  return rc;
}

/* Fold the WAL of the database at `db` into it, so that the file alone is
** the database (only while no other process has it open). */
static int checkpoint(const char *db, cairn_error *err) {
  sqlite3 *h = NULL;
  int rc = 0;
  if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    rc = cairn_fail(err, CAIRN_EDB, NULL, "%s: %s", db,
                    h ? sqlite3_errmsg(h) : "no memory");
  if (h) sqlite3_close(h);
  return rc;
}

/* Copy the checked file `copy` into the open database `db` with the
** backup API: one write transaction, which workers see whole or not. */
static int copy_into_open(const char *copy, const char *db, cairn_error *err) {
  sqlite3 *src = NULL, *dst = NULL;
  sqlite3_backup *b = NULL;
  int rc = 0;
  if (sqlite3_open_v2(copy, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_open_v2(db, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    rc = cairn_fail(err, CAIRN_EDB, NULL, "opening %s or %s failed", copy, db);
    goto done;
  }
  sqlite3_busy_timeout(dst, CAIRN_BUSY_TIMEOUT_MS);
  b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) {
    rc = cairn_fail(err, CAIRN_EDB, NULL, "%s: %s", db, sqlite3_errmsg(dst));
    goto done;
  }
  int step;
  do {
    step = sqlite3_backup_step(b, -1);
    if (step == SQLITE_BUSY || step == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (step == SQLITE_BUSY || step == SQLITE_LOCKED || step == SQLITE_OK);
  if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE)
    rc = cairn_fail(err, CAIRN_EDB, NULL, "copying into %s: %s", db,
                    sqlite3_errmsg(dst));
done:
  if (src) sqlite3_close(src);
  if (dst) sqlite3_close(dst);
  return rc;
}

/* `cairn restore [--force] [--anchor FILE] SRC`: check SRC against its
** anchor, then as a database, and only then replace cfg->database with it
** (one rename; or with --force and a running cairnd, one transaction).
** 0, 1 refused or failed (nothing replaced), 2 usage. */
/* Read the anchor at anchor_path into *a and check that src is the file it
** describes: its size, then its SHA-256.  0, or 1 with the refusal
** printed (nothing replaced). */
static int restore_matches_anchor(const char *src, const char *anchor_path,
                                  cairn_anchor *a) {
  cairn_error err = {0};
  if (cairn_anchor_read(anchor_path, a, &err))
    return failed("restore: refused", &err);
  char sha[65];
  long long size = 0;
  if (cairn_file_sha256(src, sha, &size, &err)) return failed("restore", &err);
  if (size != a->size) {
    fprintf(stderr, "cairn: restore: refused: %s has %lld bytes but its "
            "anchor %s says %lld: the backup is %s; nothing was replaced\n",
            src, size, anchor_path, a->size,
            size < a->size ? "truncated" : "longer than it was written");
    return 1;
  }
  if (strcmp(sha, a->sha256)) {
    fprintf(stderr, "cairn: restore: refused: the SHA-256 of %s differs from "
            "its anchor %s: the backup was altered after it was taken; "
            "nothing was replaced\n", src, anchor_path);
    return 1;
  }
  return 0;
}

int cairn_cli_restore(const cairn_config *cfg, int argc, char **argv) {
  const char *src = NULL, *anchor_path = NULL;
  int force = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--force")) force = 1;
    else if (!strcmp(argv[i], "--anchor") && i + 1 < argc) anchor_path = argv[++i];
    else if (argv[i][0] != '-' && !src) src = argv[i];
    else return restore_usage();
  }
  if (!src) return restore_usage();
  char anchor_buf[4200], copy[4200], kept[4300], iso[32], stamp[32];
  const char *db = cfg->database;
  if (!anchor_path) {
    snprintf(anchor_buf, sizeof anchor_buf, "%s" CAIRN_ANCHOR_SUFFIX, src);
    anchor_path = anchor_buf;
  }
  cairn_error err = {0};
  pid_t holder = 0;
  if (cairn_db_holder(db, &holder) && !force) return refuse_held(db, holder);

  /* 1. The file is the one the anchor describes: size, then SHA-256. */
  cairn_anchor a, seen;
  memset(&seen, 0, sizeof seen);
  int rc = restore_matches_anchor(src, anchor_path, &a);
  if (rc) return rc;
  /* 2. A copy beside the database, checked as the database it will be. */
  snprintf(copy, sizeof copy, "%s.restore%ld", db, (long)getpid());
  if (copy_file(src, copy, db, &err)) return failed("restore", &err);
  if (cairn_backup_check(copy, &seen, &err)) {
    unlink(copy);
    return failed("restore: refused (nothing was replaced)", &err);
  }
  if (seen.audit_seq != a.audit_seq || strcmp(seen.audit_hash, a.audit_hash)) {
    unlink(copy);
    fprintf(stderr, "cairn: restore: refused: the audit trail of %s ends at "
            "entry %lld, not at the anchored entry %lld with its hash; "
            "nothing was replaced\n", src, seen.audit_seq, a.audit_seq);
    return 1;
  }
  /* 3. Replace.  Checked again: cairnd may have started meanwhile. */
  holder = 0;
  int held = cairn_db_holder(db, &holder);
  if (held && !force) {
    unlink(copy);
    return refuse_held(db, holder);
  }
  utc_now(iso, stamp);
  if (held) {
    rc = copy_into_open(copy, db, &err);
    unlink(copy);
    if (rc) return failed("restore", &err);
    printf("restored %s into the open database %s (--force): audit trail "
           "intact, %lld entries, head = anchor\n", src, db, seen.audit_entries);
    return 0;
  }
  kept[0] = 0;
  if (access(db, F_OK) == 0) {
    /* Keep the database being replaced, whole: its WAL folded in first,
    ** then a second name for it (a hard link, so the swap below is one
    ** rename and the database path never goes missing). */
    snprintf(kept, sizeof kept, "%s.before-restore-%s", db, stamp);
    if (checkpoint(db, &err) || link(db, kept) != 0) {
      if (!err.message[0])
        cairn_fail(&err, CAIRN_EINTERNAL, NULL, "keeping %s as %s: %s", db,
                   kept, strerror(errno));
      unlink(copy);
      return failed("restore", &err);
    }
  }
  if (rename(copy, db) != 0) {
    fprintf(stderr, "cairn: restore: renaming %s to %s: %s\n", copy, db,
            strerror(errno));
    unlink(copy);
    return 1;
  }
  /* A -wal or -shm of the old database must never meet the new one. */
  char side[4300];
  snprintf(side, sizeof side, "%s-wal", db);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", db);
  unlink(side);
  if (cairn_fsync_dir_of(db, &err)) return failed("restore", &err);
  printf("restored %s into %s: integrity ok, audit trail intact (%lld "
         "entries, head = anchor entry %lld)\n", src, db, seen.audit_entries,
         a.audit_seq);
  if (kept[0]) printf("the database it replaced is kept as %s\n", kept);
  return 0;
}

/* ------------------------------------------------------ audit anchor */

/* `cairn audit verify --anchor FILE`: 0 when the trail is intact and holds
** the anchored entry; 1 with the reason on stdout, as `audit verify`. */
int cairn_cli_audit_anchor(cairn_store *st, const char *anchor_path) {
  cairn_anchor a;
  cairn_error err = {0};
  long long n = 0;
  if (cairn_anchor_read(anchor_path, &a, &err)) return failed("audit verify", &err);
  if (cairn_anchor_verify(st, &a, &n, &err)) {
    printf("audit trail BROKEN: %s\n", err.message);
    return 1;
  }
  printf("audit trail intact: %lld entries, and holds the anchored entry "
         "%lld of %s\n", n, a.audit_seq, anchor_path);
  return 0;
}
