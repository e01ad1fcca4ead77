/*
** backup_dated.c -- one backup taken whole (copied, checked, hashed,
** renamed into place, anchored) and the dated backups of a directory:
** their names, whether today's exists, and pruning beyond a count.
** Shared by `cairn backup` (core/cli/backup.c) and the core's backup job
** (core/jobs/corejobs.c), so both take and prune backups the same way.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "backup.h"

/* Seconds since t0 (CLOCK_MONOTONIC). */
static double since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The last component of path (the file name). */
static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Put `what: ` before the message of the failure in *err (kept apart
** first: cairn_fail writes where the old message is). */
static int prefixed(cairn_error *err, int rc, const char *what) {
  char why[sizeof err->message];
  if (!err) return rc;
  snprintf(why, sizeof why, "%s", err->message);
  return cairn_fail(err, rc, NULL, "%s: %s", what, why);
}

/* See backup.h. */
int cairn_backup_take(const char *db_path, const char *dest,
                      cairn_backup_progress progress, void *arg,
                      cairn_backup_taken *t, cairn_error *err) {
  char tmp[CAIRN_BACKUP_PATH_MAX + 32];
  struct timespec t0;
  time_t now;
  struct tm tm;
  int fd;
  memset(t, 0, sizeof *t);
  if (strlen(dest) + sizeof CAIRN_ANCHOR_SUFFIX > sizeof t->anchor_path)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: the name is too long",
                      dest);
  if (access(dest, F_OK) == 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s exists already: a backup "
                      "never overwrites a file", dest);
  snprintf(t->path, sizeof t->path, "%s", dest);
  snprintf(t->anchor_path, sizeof t->anchor_path, "%s" CAIRN_ANCHOR_SUFFIX,
           dest);
  /* DEST.tmpPID is created with mode 0640 (backup.c); rename keeps it. */
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", dest, (long)getpid());
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (cairn_backup_copy(db_path, tmp, progress, arg, &t->pages, err))
    return err ? err->code : CAIRN_EDB;
  t->copy_s = since(&t0);
  int rc = cairn_backup_check(tmp, &t->anchor, err);
  if (rc) {
    unlink(tmp);
    return prefixed(err, rc, "the copy failed its check");
  }
  if ((rc = cairn_file_sha256(tmp, t->anchor.sha256, &t->anchor.size, err))) {
    unlink(tmp);
    return rc;
  }
  /* The copy is durable before it takes the name. */
  fd = open(tmp, O_RDONLY);
  if (fd < 0 || fsync(fd) != 0) {
    rc = cairn_fail(err, CAIRN_EINVAL, NULL, "fsync %s: %s", tmp,
                    strerror(errno));
    if (fd >= 0) close(fd);
    unlink(tmp);
    return rc;
  }
  close(fd);
  if (rename(tmp, dest) != 0) {
    rc = cairn_fail(err, CAIRN_EINVAL, NULL, "renaming %s to %s: %s", tmp,
                    dest, strerror(errno));
    unlink(tmp);
    return rc;
  }
  snprintf(t->anchor.file, sizeof t->anchor.file, "%s", base_name(dest));
  now = time(NULL);
  gmtime_r(&now, &tm);
  strftime(t->anchor.created, sizeof t->anchor.created, "%Y-%m-%dT%H:%M:%SZ",
           &tm);
  if ((rc = cairn_anchor_write(t->anchor_path, &t->anchor, err))) {
    unlink(dest);
    return prefixed(err, rc, "the anchor");
  }
  t->total_s = since(&t0);
  return 0;
}

/* See backup.h. */
int cairn_backup_dated_path(const char *dir, time_t when, char *out,
                            size_t size, cairn_error *err) {
  struct tm tm;
  char stamp[32];
  gmtime_r(&when, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H%M%SZ", &tm);
  int n = snprintf(out, size, "%s/" CAIRN_BACKUP_DATED_PREFIX "%s"
                   CAIRN_BACKUP_DATED_SUFFIX, dir, stamp);
  if (n < 0 || (size_t)n >= size ||
      (size_t)n + sizeof CAIRN_ANCHOR_SUFFIX > CAIRN_BACKUP_PATH_MAX)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "backup directory %s: the name is too long", dir);
  return 0;
}

/* 1 when name is a dated backup: cairn-YYYY-MM-DDTHHMMSSZ.db. */
static int is_dated(const char *name) {
  size_t p = strlen(CAIRN_BACKUP_DATED_PREFIX);
  size_t s = strlen(CAIRN_BACKUP_DATED_SUFFIX);
  if (strlen(name) != p + CAIRN_BACKUP_DATED_STAMP_LEN + s) return 0;
  if (strncmp(name, CAIRN_BACKUP_DATED_PREFIX, p) ||
      strcmp(name + p + CAIRN_BACKUP_DATED_STAMP_LEN,
             CAIRN_BACKUP_DATED_SUFFIX))
    return 0;
  for (size_t i = 0; i < CAIRN_BACKUP_DATED_STAMP_LEN; i++) {
    char c = name[p + i];
    if (!((c >= '0' && c <= '9') || c == '-' || c == 'T' || c == 'Z'))
      return 0;
  }
  return 1;
}

/* qsort order of file names: byte order, which is time order for dated
** backups. */
static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The dated backups of dir, sorted oldest first (malloc'd, each name
** too); *n their count.  CAIRN_EINVAL when dir cannot be read. */
static int dated_list(const char *dir, char ***out, size_t *n,
                      cairn_error *err) {
  DIR *d = opendir(dir);
  char **names = NULL;
  size_t cap = 0;
  struct dirent *e;
  *n = 0;
  if (!d)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "backup directory %s: %s",
                      dir, strerror(errno));
  while ((e = readdir(d)) != NULL) {
    if (!is_dated(e->d_name)) continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 32;
      names = realloc(names, cap * sizeof *names);
      if (!names) abort();
    }
    names[*n] = strdup(e->d_name);
    if (!names[*n]) abort();
    (*n)++;
  }
  closedir(d);
  if (*n) qsort(names, *n, sizeof *names, compare_names);
  *out = names;
  return 0;
}

static void dated_free(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* See backup.h. */
int cairn_backup_dated_exists(const char *dir, time_t when,
                              cairn_error *err) {
  char **names, day[16], anchor[CAIRN_BACKUP_PATH_MAX + 64];
  size_t n, p = strlen(CAIRN_BACKUP_DATED_PREFIX);
  struct tm tm;
  int found = 0;
  int rc = dated_list(dir, &names, &n, err);
  if (rc) return rc;
  gmtime_r(&when, &tm);
  strftime(day, sizeof day, "%Y-%m-%d", &tm);
  for (size_t i = 0; i < n && !found; i++) {
    /* A backup counts once its anchor is written: the last step. */
    snprintf(anchor, sizeof anchor, "%s/%s" CAIRN_ANCHOR_SUFFIX, dir,
             names[i]);
    found = strncmp(names[i] + p, day, strlen(day)) == 0 &&
            access(anchor, F_OK) == 0;
  }
  dated_free(names, n);
  return found;
}

/* See backup.h. */
int cairn_backup_prune(const char *dir, long keep,
                       cairn_backup_removed removed, void *arg,
                       cairn_error *err) {
  char **names;
  size_t n;
  int gone = 0, bad = 0;
  if (keep < 1 || keep > CAIRN_BACKUP_KEEP_MAX)
    return cairn_fail(err, CAIRN_EINVAL, "keep",
                      "keep takes a number from 1 to %d",
                      CAIRN_BACKUP_KEEP_MAX);
  int rc = dated_list(dir, &names, &n, err);
  if (rc) return rc;
  for (size_t i = 0; i + (size_t)keep < n; i++) {
    char path[CAIRN_BACKUP_PATH_MAX + 64], anchor[CAIRN_BACKUP_PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    snprintf(anchor, sizeof anchor, "%s" CAIRN_ANCHOR_SUFFIX, path);
    if (unlink(path) != 0) {
      if (!bad++)
        cairn_fail(err, CAIRN_EINVAL, NULL, "removing %s: %s", path,
                   strerror(errno));
      continue;
    }
    unlink(anchor);
    gone++;
    if (removed) removed(arg, path);
  }
  dated_free(names, n);
  return bad ? CAIRN_EINVAL : gone;
}
