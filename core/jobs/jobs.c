/*
** jobs.c -- the job table and the runner.
**
** TABLE (core migration 4)
**
**   job(name PRIMARY KEY, last_start, last_end, last_status, last_error,
**       last_count, next_due, lease_holder, lease_expires)
**     One row per job ever run, "<plugin>:<job>".  Times are Unix
**     seconds.  last_status ok | failed; last_count what the handler said
**     it did.  The lease (holder, expiry) is taken by one UPDATE whose
**     WHERE says "due, and nobody holds it or the lease ran out", so two
**     runners started at once cannot both run a job: SQLite serialises
**     the two UPDATEs and the second changes no row.
**
** The migration also gives capability links an `expired` column, set by
** the core's expire-links job (corejobs.c).
*/
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cairn_int.h"
#include "access.h"
#include "coresql.h"
#include "jobs.h"

/* A plugin declares at most this many jobs: a guard against a missing
** terminator, far above any real plugin. */
#define JOBS_PER_PLUGIN_MAX 32

const char *const cairn_jobs_schema =
    "CREATE TABLE job(\n"
    "  name TEXT PRIMARY KEY,\n"
    "  last_start INTEGER,\n"
    "  last_end INTEGER,\n"
    "  last_status TEXT CHECK(last_status IN ('ok','failed')),\n"
    "  last_error TEXT,\n"
    "  last_count INTEGER,\n"
    "  next_due INTEGER NOT NULL DEFAULT 0,\n"
    "  lease_holder TEXT,\n"
    "  lease_expires INTEGER);\n"
    "ALTER TABLE capability ADD COLUMN expired INTEGER;\n";

/* The descriptor's jobs, read only when its size says it has the field
** (jobs.h). */
const cairn_job *cairn_plugin_jobs(const cairn_plugin *d) {
  if (!d || d->size < offsetof(cairn_plugin, jobs) + sizeof d->jobs)
    return NULL;
  return d->jobs;
}

/* 1 when s matches [a-z][a-z0-9-]{0,31}. */
static int job_name_ok(const char *s) {
  size_t n = 0;
  if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
  for (; *s; s++, n++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
      return 0;
  return n <= 32;
}

/*
** Check a descriptor's jobs (jobs.h).  Called by the registry with the
** other descriptor checks, before anything of the plugin runs.
*/
int cairn_jobs_check_desc(const cairn_plugin *d, const char *file,
                          cairn_error *err) {
  size_t n = 0;
  for (const cairn_job *j = cairn_plugin_jobs(d); j && j->name; j++, n++) {
    if (n >= JOBS_PER_PLUGIN_MAX)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: more than %d jobs (missing terminator?)",
                        file, JOBS_PER_PLUGIN_MAX);
    if (!job_name_ok(j->name))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: job name must match [a-z][a-z0-9-]{0,31}",
                        file);
    if (!j->handler)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: job %s has no handler", file, j->name);
    if (j->interval_seconds < CAIRN_JOB_INTERVAL_MIN_S ||
        j->interval_seconds > CAIRN_JOB_INTERVAL_MAX_S)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: job %s: interval %u s is outside %d s"
                        " .. %u s", file, j->name, j->interval_seconds,
                        CAIRN_JOB_INTERVAL_MIN_S, CAIRN_JOB_INTERVAL_MAX_S);
    for (const cairn_job *k = cairn_plugin_jobs(d); k != j; k++)
      if (strcmp(k->name, j->name) == 0)
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "%s: refused: job %s is declared twice", file,
                          j->name);
  }
  return 0;
}

/* 1 when `holder` ("host:pid:random", see cairn_jobs_run) names a
** process of this host that no longer exists: a runner killed mid-run
** (cairnd stopped while its job child was sending).  Its lease need not
** be waited out; the rows it claimed keep their own stale-claim rule. */
static int holder_is_dead_here(const char *holder) {
  char host[64] = "localhost";
  gethostname(host, sizeof host - 1);
  size_t n = strlen(host);
  if (strncmp(holder, host, n) != 0 || holder[n] != ':') return 0;
  char *end;
  long pid = strtol(holder + n + 1, &end, 10);
  if (*end != ':' || pid <= 1) return 0;
  return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/*
** Take job `name`'s lease (jobs.h).  The row is created on first sight,
** due at once.  When the UPDATE changes nothing, one more read says why,
** for the runner's report.
*/
int cairn_job_lease(cairn_store *st, const char *name, const char *holder,
                    long long now, int force, cairn_job_outcome *outcome,
                    cairn_error *err) {
  static const char ensure_sql[] =
      "INSERT OR IGNORE INTO job(name, next_due) VALUES(:name, 0)";
  static const char take_sql[] =
      "UPDATE job SET lease_holder = :holder, lease_expires = :expires,"
      " last_start = :now"
      " WHERE name = :name AND (:force OR next_due <= :now)"
      " AND (lease_holder IS NULL OR lease_expires < :now)";
  static const char why_sql[] =
      "SELECT lease_holder IS NOT NULL AND lease_expires >= :now,"
      " lease_holder FROM job WHERE name = :name";
  static const char takeover_sql[] =
      "UPDATE job SET lease_holder = :holder, lease_expires = :expires,"
      " last_start = :now"
      " WHERE name = :name AND lease_holder = :dead"
      " AND (:force OR next_due <= :now)";
  cairn_q_write_ready(st);
  cairn_q *s = cairn_q_prepare(st, ensure_sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_text(s, ":name", name);
  int rc = cairn_q_run(st, s, err);
  if (rc < 0) return rc;
  if (!(s = cairn_q_prepare(st, take_sql, err))) return err ? err->code : CAIRN_EDB;
  cairn_q_text(s, ":holder", holder);
  cairn_q_int(s, ":expires", now + CAIRN_JOB_LEASE_S);
  cairn_q_int(s, ":now", now);
  cairn_q_text(s, ":name", name);
  cairn_q_int(s, ":force", force ? 1 : 0);
  rc = cairn_q_run(st, s, err);
  if (rc < 0) return rc;
  if (rc == 1) {
    *outcome = CAIRN_JOB_RAN;
    return 1;
  }
  if (!(s = cairn_q_prepare(st, why_sql, err))) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":now", now);
  cairn_q_text(s, ":name", name);
  int held = cairn_q_step(s) == 1 && (int)cairn_q_colint(s, 0);
  char dead[128] = "";
  if (held && holder_is_dead_here(cairn_q_col(s, 1)))
    snprintf(dead, sizeof dead, "%s", cairn_q_col(s, 1));
  cairn_q_done(s);
  if (dead[0]) {     /* one UPDATE again: two runners cannot both take it */
    if (!(s = cairn_q_prepare(st, takeover_sql, err))) return err ? err->code : CAIRN_EDB;
    cairn_q_text(s, ":holder", holder);
    cairn_q_int(s, ":expires", now + CAIRN_JOB_LEASE_S);
    cairn_q_int(s, ":now", now);
    cairn_q_text(s, ":name", name);
    cairn_q_text(s, ":dead", dead);
    cairn_q_int(s, ":force", force ? 1 : 0);
    rc = cairn_q_run(st, s, err);
    if (rc < 0) return rc;
    if (rc == 1) {
      cairn_logf(CAIRN_LOG_WARN, "job %s: its runner %s is gone; taking over",
                 name, dead);
      *outcome = CAIRN_JOB_RAN;
      return 1;
    }
  }
  *outcome = held ? CAIRN_JOB_ELSEWHERE : CAIRN_JOB_NOT_DUE;
  return 0;
}

/* Record a run's end and give the lease back (only if still ours). */
static int job_finish(cairn_store *st, const char *name, const char *holder,
                      long long start, unsigned interval, int count,
                      const char *error, cairn_error *err) {
  static const char sql[] =
      "UPDATE job SET last_end = :end, last_status = :status,"
      " last_error = :error, last_count = :count, next_due = :next,"
      " lease_holder = NULL, lease_expires = NULL"
      " WHERE name = :name AND lease_holder = :holder";
  cairn_q_write_ready(st);
  cairn_q *s = cairn_q_prepare(st, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":end", (long long)time(NULL));
  cairn_q_text(s, ":status", error ? "failed" : "ok");
  if (error) cairn_q_text(s, ":error", error);
  if (!error) cairn_q_int(s, ":count", count);
  cairn_q_int(s, ":next", start + interval);
  cairn_q_text(s, ":name", name);
  cairn_q_text(s, ":holder", holder);
  int rc = cairn_q_run(st, s, err);
  return rc < 0 ? rc : 0;
}

/* 1 when `full` is one of names[0..n) (or n == 0: every job). */
static int wanted(const char *full, char **names, int n) {
  if (n == 0) return 1;
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], full) == 0) return 1;
  return 0;
}

/* Run one job whose lease this holder took, with a request of its own. */
static int run_one(cairn_req *base, const cairn_job *j, const char *full,
                   const char *holder, long long start, FILE *out,
                   cairn_error *err) {
  cairn_arena *a = cairn_arena_new();
  cairn_req *req = cairn_req_new(a, base->cfg, base->reg, base->store);
  req->actor = cairn_arena_printf(a, "job:%s", full);
  cairn_error je = {0};
  int n = j->handler(req, &je);
  int rc;
  if (n < 0) {
    if (!je.message[0])
      snprintf(je.message, sizeof je.message, "failed with code %d", n);
    fprintf(out, "job %s failed: %s\n", full, je.message);
    cairn_logf(CAIRN_LOG_WARN, "job %s failed: %s", full, je.message);
    rc = job_finish(base->store, full, holder, start, j->interval_seconds,
                    0, je.message, err);
  } else {
    fprintf(out, "job %s ran: %d done\n", full, n);
    rc = job_finish(base->store, full, holder, start, j->interval_seconds,
                    n, NULL, err);
  }
  cairn_arena_free(a);
  if (rc) return rc;
  return n < 0 ? 1 : 0;
}

/*
** Run what is due (jobs.h).  Jobs run one after another in registry
** order (the core's first).  A job that fails does not stop the others.
*/
int cairn_jobs_run(cairn_req *base, int force, char **names, int n_names,
                   FILE *out, cairn_error *err) {
  char host[64] = "localhost", token[44], holder[128];
  int failures = 0, matched = 0;
  gethostname(host, sizeof host - 1);
  cairn_secret_new(token);
  snprintf(holder, sizeof holder, "%.60s:%d:%.8s", host, (int)getpid(), token);
  for (size_t p = 0; p < base->reg->n_plugins; p++) {
    const cairn_plugin *d = base->reg->plugins[p].desc;
    for (const cairn_job *j = cairn_plugin_jobs(d); j && j->name; j++) {
      char full[CAIRN_JOB_NAME_MAX];
      snprintf(full, sizeof full, "%s:%s", d->name, j->name);
      if (!wanted(full, names, n_names)) continue;
      matched++;
      long long now = (long long)time(NULL);
      cairn_job_outcome why;
      int got = cairn_job_lease(base->store, full, holder, now, force, &why,
                                err);
      if (got < 0) return got;
      if (!got) {
        /* "Not due" is said only of a job asked for by name: a timer
        ** runs this every minute, and its log should hold what happened. */
        if (why == CAIRN_JOB_ELSEWHERE)
          fprintf(out, "job %s is running elsewhere\n", full);
        else if (n_names > 0)
          fprintf(out, "job %s is not due yet\n", full);
        continue;
      }
      int rc = run_one(base, j, full, holder, now, out, err);
      if (rc < 0) return rc;
      failures += rc;
    }
  }
  if (n_names > matched)
    return cairn_fail(err, CAIRN_EINVAL, "name",
                      "no such job among the names given (see cairn jobs list)");
  return failures;
}
