/*
** cli_jobs.c -- `cairn jobs`:
**
**   cairn jobs run [--force] [NAME...]   run each due job once, then exit
**   cairn jobs list                      every job: interval, last run, next
**
** `run` is what a systemd timer or a crontab line calls
** (docs/messages-and-jobs.md).  Exit status 0 when no job failed (a job
** running elsewhere or not due is not a failure), 1 when one did, 2 for a
** usage error.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cairn_int.h"
#include "coresql.h"
#include "jobs.h"

/* The usage text on stderr; exit status 2. */
static int usage(void) {
  fprintf(stderr, "usage: cairn jobs run [--force] [NAME...]\n"
                  "       cairn jobs list\n");
  return 2;
}

/* "2026-12-03 13:20 UTC" for a Unix time, or "-" for none. */
static void when(cairn_q *s, int col, char *out, size_t size) {
  if (cairn_q_isnull(s, col)) {
    snprintf(out, size, "-");
    return;
  }
  time_t t = (time_t)cairn_q_colint(s, col);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

/* Print every declared job: interval, last run, outcome, next run, and
** its last error on a line of its own. */
static int list(cairn_req *req) {
  static const char sql[] =
      "SELECT last_start, last_status, last_error, next_due FROM job"
      " WHERE name = :name";
  cairn_error err = {0};
  printf("%-24s %8s  %-20s %-7s %-20s\n", "JOB", "EVERY", "LAST RUN",
         "STATUS", "NEXT");
  for (size_t p = 0; p < req->reg->n_plugins; p++) {
    const cairn_plugin *d = req->reg->plugins[p].desc;
    for (const cairn_job *j = cairn_plugin_jobs(d); j && j->name; j++) {
      char full[CAIRN_JOB_NAME_MAX], last[32] = "-", next[32] = "now",
           status[16] = "-", error[200] = "";
      snprintf(full, sizeof full, "%s:%s", d->name, j->name);
      cairn_q *s = cairn_q_prepare(req->store, sql, &err);
      if (!s) {
        fprintf(stderr, "cairn: %s\n", err.message);
        return 1;
      }
      cairn_q_text(s, ":name", full);
      if (cairn_q_step(s) == 1) {
        when(s, 0, last, sizeof last);
        snprintf(status, sizeof status, "%s", cairn_q_col(s, 1));
        snprintf(error, sizeof error, "%s", cairn_q_col(s, 2));
        when(s, 3, next, sizeof next);
      }
      cairn_q_done(s);
      printf("%-24s %7us  %-20s %-7s %-20s %s\n", full, j->interval_seconds,
             last, status, next, j->summary ? j->summary : "");
      if (*error) printf("%-24s last error: %s\n", "", error);
    }
  }
  return 0;
}

/* `cairn jobs ...` (jobs.h); argv[0] is the subcommand. */
int cairn_cli_jobs(cairn_req *req, int argc, char **argv) {
  if (argc < 1) return usage();
  if (strcmp(argv[0], "list") == 0) return argc == 1 ? list(req) : usage();
  if (strcmp(argv[0], "run") != 0) return usage();
  int force = 0, first = 1;
  if (argc > 1 && strcmp(argv[1], "--force") == 0) { force = 1; first = 2; }
  for (int i = first; i < argc; i++)
    if (argv[i][0] == '-') return usage();
  cairn_error err = {0};
  int rc = cairn_jobs_run(req, force, argv + first, argc - first, stdout, &err);
  fflush(stdout);
  if (rc < 0) {
    fprintf(stderr, "cairn: jobs: %s\n", err.message);
    return rc == CAIRN_EINVAL ? 2 : 1;
  }
  return rc > 0 ? 1 : 0;
}
