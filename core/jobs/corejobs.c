/*
** corejobs.c -- the core's own scheduled work, declared by the built-in
** plugin like any plugin's jobs:
**
**   core:send-mail      deliver the outbox (core/mail/deliver.c)
**   core:expire-links   mark capability links past their expiry or their
**                       last use as expired, and delete sessions that
**                       have ended (capability cookies, idle or
**                       over-age staff sessions)
**   core:backup         a checked, anchored backup a day into the
**                       config's <backup dir>, keeping the newest
**                       <backup keep> (core/store/backup_dated.c)
**
** All are idempotent: running one twice does nothing more.
*/
#include <time.h>
#include "cairn_int.h"
#include "access.h"
#include "coresql.h"
#include "../mail/outbox.h"
#include "backup.h"
#include "jobs.h"

/* How often the backup job looks whether today's backup exists: hourly,
** so a night whose backup failed (a full disk, the machine off) gets one
** within the hour after the cause is gone, while a day still gets one. */
#define BACKUP_JOB_INTERVAL_S (60 * 60)

/* Deliver what is due.  A clinic without <mail> has nothing to send. */
static int send_mail(cairn_req *req, cairn_error *err) {
  int sent = 0, failed = 0;
  if (!req->cfg->mail) return 0;
  int rc = cairn_outbox_deliver(req->store, req->cfg, &sent, &failed, err);
  return rc < 0 ? rc : sent + failed;
}

/* One statement of the clean-up, binding :a (and :b when two_values);
** returns the rows changed or CAIRN_EDB. */
static int sweep(cairn_store *st, const char *sql, long long a, long long b,
                 int two_values, cairn_error *err) {
  cairn_q_write_ready(st);
  cairn_q *s = cairn_q_prepare(st, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":a", a);
  if (two_values) cairn_q_int(s, ":b", b);
  return cairn_q_run(st, s, err);
}

/* Expire links and end sessions; the count is links newly expired. */
static int expire_links(cairn_req *req, cairn_error *err) {
  /* :a now */
  static const char mark_sql[] =
      "UPDATE capability SET expired = :a WHERE expired IS NULL"
      " AND (expires <= :a OR uses_left = 0)";
  static const char cap_sessions_sql[] =
      "DELETE FROM capability_session WHERE expires <= :a"
      " OR capability IN (SELECT id FROM capability"
      "  WHERE revoked OR expired IS NOT NULL)";
  /* :a the idle limit, :b the absolute limit */
  static const char staff_sessions_sql[] =
      "DELETE FROM staff_session WHERE seen < :a OR created < :b";
  long long now = (long long)time(NULL);
  int marked = sweep(req->store, mark_sql, now, 0, 0, err);
  if (marked < 0) return marked;
  int rc = sweep(req->store, cap_sessions_sql, now, 0, 0, err);
  if (rc >= 0)
    rc = sweep(req->store, staff_sessions_sql, now - CAIRN_SESSION_IDLE_S,
               now - CAIRN_SESSION_ABSOLUTE_S, 1, err);
  return rc < 0 ? rc : marked;
}

/* Today's backup (UTC day, as the dated names are), unless it exists;
** then prune beyond the count kept.  The count is backups taken (0 or
** 1).  A failure is logged at error priority: `journalctl -p err` must
** show a day without a backup. */
static int backup_daily(cairn_req *req, cairn_error *err) {
  const cairn_config *c = req->cfg;
  char path[CAIRN_BACKUP_PATH_MAX];
  cairn_backup_taken t;
  time_t now = time(NULL);
  int rc, removed;
  if (!c->backup_dir) return 0;
  rc = cairn_backup_dated_exists(c->backup_dir, now, err);
  if (rc == 1) return 0;
  if (rc == 0) rc = cairn_backup_dated_path(c->backup_dir, now, path,
                                            sizeof path, err);
  if (rc == 0) rc = cairn_backup_take(c->database, path, NULL, NULL, &t, err);
  if (rc != 0) {
    cairn_logf(CAIRN_LOG_ERROR, "backup: no backup taken: %s",
               err ? err->message : "failed");
    return rc;
  }
  removed = cairn_backup_prune(c->backup_dir, c->backup_keep, NULL, NULL,
                               err);
  if (removed < 0) {
    cairn_logf(CAIRN_LOG_ERROR, "backup: %s taken, but pruning failed: %s",
               path, err ? err->message : "failed");
    return removed;
  }
  cairn_logf(CAIRN_LOG_INFO, "backup: %s taken and checked (%lld bytes, "
             "audit head %lld), %d older removed, keeping %d", path,
             t.anchor.size, t.anchor.audit_seq, removed, c->backup_keep);
  return 1;
}

const cairn_job cairn_core_jobs[] = {
  { .name = "send-mail", .interval_seconds = 60, .handler = send_mail,
    .summary = "deliver the outbox by SMTP, with retries" },
  { .name = "expire-links", .interval_seconds = 60 * 60,
    .handler = expire_links,
    .summary = "mark expired capability links, delete ended sessions" },
  { .name = "backup", .interval_seconds = BACKUP_JOB_INTERVAL_S,
    .handler = backup_daily,
    .summary = "a checked, anchored backup a day into <backup dir>, "
               "keeping the newest <backup keep>" },
  { .name = NULL }
};
