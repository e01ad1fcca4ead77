/*
** backup.h -- backups a clinic can check: an online copy of the database,
** the copy's checks (integrity and the audit chain), and its anchor, a
** small text file beside the copy that records the copy's size and
** SHA-256 and the audit chain's head (last entry and its hash).  The
** anchor is what docs/decisions.md called missing: kept apart from the
** database (mailed, printed, on another machine), it lets `cairn audit
** verify --anchor` see that entries older than the anchor were dropped
** or changed, and lets `cairn restore` refuse a copy that is not the one
** the anchor describes.
*/
#ifndef CAIRN_BACKUP_H
#define CAIRN_BACKUP_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "cairn_int.h"

/* The anchor is the backup's name plus this. */
#define CAIRN_ANCHOR_SUFFIX ".anchor"
/* The first line of every anchor file, with its format version. */
#define CAIRN_ANCHOR_MAGIC "cairn-backup-anchor 1"
/* Pages copied per sqlite3_backup_step: 256 pages of 4 KiB is 1 MiB, a
** few milliseconds of work, so progress moves visibly on a large file
** while the step count stays small. */
#define CAIRN_BACKUP_STEP_PAGES 256
/* Most lines an anchor file may have: it writes eight. */
#define CAIRN_ANCHOR_MAX_LINES 16

/* What an anchor records. */
typedef struct cairn_anchor {
  char file[256];            /* base name of the backup it describes */
  long long size;            /* the backup's size in bytes */
  char sha256[65];           /* of the backup file, hex */
  long long audit_seq;       /* the chain's last entry (0: trail empty) */
  char audit_hash[65];       /* that entry's hash, hex ("" when empty) */
  long long audit_entries;   /* entries verified in the backup */
  char created[32];          /* UTC, ISO 8601 */
} cairn_anchor;

/* Called after each step of a copy: pages copied so far and in all. */
typedef void (*cairn_backup_progress)(void *arg, int done, int total);

/*
** Copy the live database at `db_path` to the new file `dest` (which must
** not exist) with SQLite's online backup API, CAIRN_BACKUP_STEP_PAGES at a
** time, calling `progress` (may be NULL) after each step.  The source is
** read inside one read transaction, so the copy is the database as it was
** when the copy began: every commit before that is in it, none after, and
** writers are never blocked (WAL).  The copy is left in rollback-journal
** mode, one self-contained file.  *pages (may be NULL) gets the page
** count.  CAIRN_EDB with the reason; `dest` is removed on failure.
*/
int cairn_backup_copy(const char *db_path, const char *dest,
                      cairn_backup_progress progress, void *arg, int *pages,
                      cairn_error *err);

/*
** Check the database file at `path`: PRAGMA integrity_check, then the
** audit chain walked as `cairn audit verify` walks it (cairn_audit_verify).
** Fills a->audit_seq, a->audit_hash and a->audit_entries with the
** chain's head.  Opens the file through the store (core tables only), so
** the file must be a copy the caller may write: an older copy is brought
** up to the current core schema.  CAIRN_EINVAL naming what is wrong.
*/
int cairn_backup_check(const char *path, cairn_anchor *a, cairn_error *err);

/* The audit chain's last entry: *seq 0 and hash "" when the trail is
** empty.  CAIRN_EDB when it cannot be read. */
int cairn_audit_head(cairn_store *st, long long *seq, char hash[65],
                     cairn_error *err);

/*
** Check that the audit trail of `st` is intact (cairn_audit_verify) and
** still holds the anchored head: entry a->audit_seq with hash
** a->audit_hash.  A trail that ends before it lost its newest entries; one
** whose entry differs was rewritten.  0, or CAIRN_EINVAL saying which;
** *entries (may be NULL) gets the entries verified.
*/
int cairn_anchor_verify(cairn_store *st, const cairn_anchor *a,
                        long long *entries, cairn_error *err);

/* SHA-256 (hex) and size of a regular file. */
int cairn_file_sha256(const char *path, char hex[65], long long *size,
                      cairn_error *err);

/* Write the anchor to `path`: beside it first, fsync, rename. */
int cairn_anchor_write(const char *path, const cairn_anchor *a,
                       cairn_error *err);
/* Read an anchor; CAIRN_EINVAL naming the line that is wrong. */
int cairn_anchor_read(const char *path, cairn_anchor *a, cairn_error *err);

/*
** 1 when another process has the WAL database at `db_path` open (a cairnd
** worker, a CLI), with its pid in *pid; 0 when none has.  Every
** connection to a WAL database holds a read lock on the "DMS" byte (offset
** 128) of its -shm file for as long as it is open
** (https://sqlite.org/walformat.html, section 2.3.1), so a test for a
** conflicting write lock there sees them all.
*/
int cairn_db_holder(const char *db_path, pid_t *pid);

/* fsync the directory that holds `path`, so a rename in it is durable. */
int cairn_fsync_dir_of(const char *path, cairn_error *err);


/* --- a backup taken whole, and dated backups in a directory ----------
** (core/store/backup_dated.c; used by `cairn backup` and the core's
** backup job). */

/* Longest path of a backup or its anchor: PATH_MAX on Linux. */
#define CAIRN_BACKUP_PATH_MAX 4096
/* Dated backups in a directory: PREFIX + "YYYY-MM-DDTHHMMSSZ" (UTC) +
** SUFFIX, so that the names sort in the order they were taken. */
#define CAIRN_BACKUP_DATED_PREFIX "cairn-"
#define CAIRN_BACKUP_DATED_SUFFIX ".db"
#define CAIRN_BACKUP_DATED_STAMP_LEN 18
/* Most dated backups a directory may be asked to keep: a bound that
** catches a typo (a year of dailies is 365). */
#define CAIRN_BACKUP_KEEP_MAX 10000

/* What cairn_backup_take did. */
typedef struct cairn_backup_taken {
  char path[CAIRN_BACKUP_PATH_MAX];        /* the backup written */
  char anchor_path[CAIRN_BACKUP_PATH_MAX]; /* its anchor, beside it */
  cairn_anchor anchor;                     /* what the anchor says */
  int pages;                               /* pages copied */
  double copy_s;                           /* seconds the copy took */
  double total_s;                          /* seconds in all, checks too */
} cairn_backup_taken;

/*
** Take one backup of the database at `db_path` as `dest` (which must not
** exist): copy beside it (DEST.tmpPID, cairn_backup_copy with `progress`),
** check the copy (cairn_backup_check), hash it, fsync it, rename it to
** DEST, then write DEST.anchor.  A failure leaves neither DEST nor its
** anchor behind; *err says which step failed.  *t is filled on success.
*/
int cairn_backup_take(const char *db_path, const char *dest,
                      cairn_backup_progress progress, void *arg,
                      cairn_backup_taken *t, cairn_error *err);

/* The name of a dated backup taken at `when` in `dir`:
** DIR/cairn-YYYY-MM-DDTHHMMSSZ.db.  CAIRN_EINVAL when it does not fit. */
int cairn_backup_dated_path(const char *dir, time_t when, char *out,
                            size_t size, cairn_error *err);

/* 1 when `dir` holds a dated backup (with its anchor) taken on the UTC
** day of `when`, 0 when not; CAIRN_EINVAL when dir cannot be read. */
int cairn_backup_dated_exists(const char *dir, time_t when,
                              cairn_error *err);

/* Called for each backup cairn_backup_prune removes. */
typedef void (*cairn_backup_removed)(void *arg, const char *path);

/*
** Remove the oldest dated backups of `dir` (and their anchors) beyond the
** newest `keep` (1..CAIRN_BACKUP_KEEP_MAX), calling `removed` (may be
** NULL) for each.  Files that are not dated backups are never touched.
** Returns how many were removed, or CAIRN_EINVAL naming the first file
** that could not be (the others are still tried).
*/
int cairn_backup_prune(const char *dir, long keep,
                       cairn_backup_removed removed, void *arg,
                       cairn_error *err);

#endif
