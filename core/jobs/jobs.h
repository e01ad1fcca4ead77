/*
** jobs.h -- scheduled work: the jobs plugins (and the core) declare in
** their descriptors, run when due by `cairn jobs run` or the cairnd
** master, one runner at a time per job across every process (a lease row
** in the database).  See docs/messages-and-jobs.md.
**
**   jobs.c       the job table, the lease, running what is due
**   corejobs.c   the core's own jobs: send mail, expire links
**   master.c     the cairnd master's forked job runner
**   pages.c      /admin/jobs
**   cli_jobs.c   `cairn jobs run|list`
*/
#ifndef CAIRN_JOBS_H
#define CAIRN_JOBS_H

#include <stdio.h>
#include <sys/types.h>
#include "cairn_int.h"

/* A job's lease: how long a runner may hold it before another may take it
** over.  Longer than any one run (the outbox sends at most a bounded
** batch, each delivery bounded by the SMTP timeout), so a live runner is
** never overtaken; a runner killed mid-run blocks the job for at most
** this long. */
#define CAIRN_JOB_LEASE_S (30 * 60)
/* Bounds of a declared interval: a minute (the finest a timer is run at)
** to thirty days. */
#define CAIRN_JOB_INTERVAL_MIN_S 60
#define CAIRN_JOB_INTERVAL_MAX_S (30u * 24 * 60 * 60)
/* A job's full name, "<plugin>:<job>", fits here. */
#define CAIRN_JOB_NAME_MAX 80

/* The job table (core migration 4, run by store.c). */
extern const char *const cairn_jobs_schema;

/* The core's own jobs (corejobs.c), declared by the built-in plugin. */
extern const cairn_job cairn_core_jobs[];

/* The jobs of a descriptor, or NULL: reads `jobs` only when the plugin's
** descriptor is large enough to have it (a plugin built before level 4
** declares none). */
const cairn_job *cairn_plugin_jobs(const cairn_plugin *d);

/* Check a descriptor's jobs at load time: names, intervals, handlers,
** the terminator.  CAIRN_EINVAL naming the file. */
int cairn_jobs_check_desc(const cairn_plugin *d, const char *file,
                          cairn_error *err);

/* What happened to one job in a run. */
typedef enum cairn_job_outcome {
  CAIRN_JOB_RAN = 0,         /* it ran and succeeded */
  CAIRN_JOB_FAILED,          /* it ran and returned an error */
  CAIRN_JOB_NOT_DUE,         /* its interval has not passed */
  CAIRN_JOB_ELSEWHERE        /* another runner holds its lease */
} cairn_job_outcome;

/* Run every job of the registry that is due (all when force), or only
** those named in names[0..n_names), once each, and report one line per
** job that ran or was skipped on `out` ("job core:send-mail ran: 2 done";
** "job X is running elsewhere"; "job X is not due yet" only for a job
** asked for by name).  `base` supplies the config, registry and store; each job
** gets a request of its own.  Returns the number of jobs that failed, or
** a negative CAIRN_E* when the runner itself could not work. */
int cairn_jobs_run(cairn_req *base, int force, char **names, int n_names,
                   FILE *out, cairn_error *err);

/* Take the lease of job `name` for `holder` if it is due (or force) and
** free: 1 taken, 0 not (then *outcome says why).  Exposed for tests. */
int cairn_job_lease(cairn_store *st, const char *name, const char *holder,
                    long long now, int force, cairn_job_outcome *outcome,
                    cairn_error *err);

/* The master's runner: fork a child that opens the store, runs what is
** due and exits.  Returns the child's pid, or -1. */
pid_t cairn_jobs_fork(const cairn_config *cfg, const cairn_registry *reg);

/* `cairn jobs run [--force] [NAME...]` and `cairn jobs list`. */
int cairn_cli_jobs(cairn_req *req, int argc, char **argv);

/* GET /admin/jobs. */
int cairn_page_jobs(cairn_req *req);

#endif
