/*
** master.c -- scheduled work from cairnd's master.  Every
** <jobs><interval-seconds> the master forks one child that opens its own
** store connection (never one carried across fork()), runs the jobs that
** are due, and exits; the master only reaps it.  A job therefore never
** blocks the master or a worker, and while one child runs the master
** starts no other (the job leases would make a second one harmless, but
** pointless).
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn_int.h"
#include "jobs.h"

/* The child: run what is due, report to the log, exit. */
static int child_main(const cairn_config *cfg, const cairn_registry *reg) {
  cairn_error err = {0};
  cairn_store *st = NULL;
  if (cairn_store_open(cfg->database, reg, &st, &err)) {
    cairn_logf(CAIRN_LOG_ERROR, "jobs: %s", err.message);
    return 1;
  }
  cairn_arena *a = cairn_arena_new();
  cairn_req *req = cairn_req_new(a, cfg, reg, st);
  req->actor = "job:master";
  /* Lines for the log, not a terminal: the master's stderr is the log. */
  FILE *out = fopen("/dev/null", "w");
  int rc = cairn_jobs_run(req, 0, NULL, 0, out ? out : stderr, &err);
  if (out) fclose(out);
  if (rc < 0) cairn_logf(CAIRN_LOG_ERROR, "jobs: %s", err.message);
  cairn_arena_free(a);
  cairn_store_close(st);
  return rc == 0 ? 0 : 1;
}

/* Fork the runner (jobs.h).  The child restores default signal handling
** (SIGTERM ends it: its claims and leases expire by design). */
pid_t cairn_jobs_fork(const cairn_config *cfg, const cairn_registry *reg) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  sigset_t none;
  sigemptyset(&none);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGALRM, SIG_DFL);
  sigprocmask(SIG_SETMASK, &none, NULL);
  cairn_log_set_name("cairnd-jobs");
  _exit(child_main(cfg, reg));
}
