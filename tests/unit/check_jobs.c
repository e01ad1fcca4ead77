/*
** check_jobs.c -- the job runner against a real plugin from
** tests/unit/plugins/jobtest.c: its declared job is found and run when
** due, not again before its interval, and never while another runner
** holds its lease; a failing job is recorded; a job without a handler is
** refused at load.  The core's own jobs: expire-links, and the daily
** backup (one checked, anchored backup a day, older ones pruned).
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn_int.h"
#include "backup.h"
#include "jobs.h"

#ifndef TEST_PLUGIN_DIR
#error "TEST_PLUGIN_DIR must name the directory holding the built test plugins"
#endif

static char dir[64], db[96], logf_[96];
static cairn_setting settings[2];
static struct cairn_plugin_config pc;
static char plugin_path[4096];
static cairn_config cfg;
static cairn_registry *reg;
static cairn_store *st;
static cairn_arena *arena;
static cairn_req *req;

static void load(const char *file, const char *fail) {
  cairn_error e = {0};
  snprintf(plugin_path, sizeof plugin_path, "%s/%s", TEST_PLUGIN_DIR, file);
  settings[0].name = "log";
  settings[0].value = logf_;
  settings[1].name = "fail";
  settings[1].value = fail;
  pc.path = plugin_path;
  pc.settings = settings;
  pc.n_settings = 2;
  memset(&cfg, 0, sizeof cfg);
  cfg.schemas_dir = (char *)".";
  cfg.plugins = &pc;
  cfg.n_plugins = 1;
  ck_assert_msg(cairn_registry_load(&cfg, &cairn_host_table, &reg, &e) == 0,
                "%s", e.message);
  ck_assert_msg(cairn_store_open(db, reg, &st, &e) == 0, "%s", e.message);
  arena = cairn_arena_new();
  req = cairn_req_new(arena, &cfg, reg, st);
}

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/cairn-jobs-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(db, sizeof db, "%s/test.db", dir);
  snprintf(logf_, sizeof logf_, "%s/ticks", dir);
  reg = NULL;
  st = NULL;
  arena = NULL;
}

static void teardown(void) {
  if (arena) cairn_arena_free(arena);
  if (st) cairn_store_close(st);
  if (reg) cairn_registry_free(reg);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* Lines in the job's log: how many times it ran. */
static int ticks(void) {
  FILE *f = fopen(logf_, "r");
  int n = 0, c;
  if (!f) return 0;
  while ((c = fgetc(f)) != EOF) n += c == '\n';
  fclose(f);
  return n;
}

/* Run the runner, returning its report in out (static). */
static int run(int force, const char *only, char **report) {
  static char *buf;
  size_t len;
  free(buf);
  FILE *out = open_memstream(&buf, &len);
  char *names[1] = { (char *)only };
  cairn_error e = {0};
  int rc = cairn_jobs_run(req, force, only ? names : NULL, only ? 1 : 0, out, &e);
  fclose(out);
  *report = buf;
  return rc;
}

START_TEST(a_due_job_runs_once_then_waits_for_its_interval) {
  char *r;
  load("jobtest.so", "no");
  ck_assert_int_eq(run(0, NULL, &r), 0);
  ck_assert_msg(strstr(r, "job jobtest:tick ran: 1 done") != NULL, "%s", r);
  ck_assert_msg(strstr(r, "job core:send-mail ran") != NULL, "%s", r);
  ck_assert_int_eq(ticks(), 1);
  ck_assert_int_eq(run(0, NULL, &r), 0);
  ck_assert_msg(strcmp(r, "") == 0, "a run with nothing due says nothing: %s", r);
  ck_assert_int_eq(run(0, "jobtest:tick", &r), 0);
  ck_assert_msg(strstr(r, "job jobtest:tick is not due yet") != NULL, "%s", r);
  ck_assert_int_eq(ticks(), 1);
  ck_assert_int_eq(run(1, "jobtest:tick", &r), 0);   /* --force, by name */
  ck_assert_int_eq(ticks(), 2);
  ck_assert_ptr_null(strstr(r, "core:"));
}
END_TEST

START_TEST(a_job_whose_lease_is_held_elsewhere_is_skipped) {
  char *r;
  cairn_job_outcome why;
  cairn_error e = {0};
  load("jobtest.so", "no");
  long long now = (long long)time(NULL);
  ck_assert_int_eq(cairn_job_lease(st, "jobtest:tick", "other-runner", now, 0,
                                   &why, &e), 1);
  ck_assert_int_eq(run(1, "jobtest:tick", &r), 0);
  ck_assert_msg(strstr(r, "job jobtest:tick is running elsewhere") != NULL, "%s", r);
  ck_assert_int_eq(ticks(), 0);
  /* The other runner died: once its lease ran out, the job is taken over. */
  ck_assert_int_eq(cairn_job_lease(st, "jobtest:tick", "third",
                                   now + CAIRN_JOB_LEASE_S + 1, 1, &why, &e), 1);
  ck_assert_int_eq(cairn_job_lease(st, "jobtest:tick", "fourth",
                                   now + CAIRN_JOB_LEASE_S + 2, 1, &why, &e), 0);
  ck_assert_int_eq(why, CAIRN_JOB_ELSEWHERE);
}
END_TEST

START_TEST(a_lease_held_by_a_dead_process_of_this_host_is_taken_over) {
  char *r, host[64] = "localhost", holder[128];
  cairn_job_outcome why;
  cairn_error e = {0};
  load("jobtest.so", "no");
  gethostname(host, sizeof host - 1);
  pid_t pid = fork();              /* a process that is gone at once */
  if (pid == 0) _exit(0);
  waitpid(pid, NULL, 0);
  snprintf(holder, sizeof holder, "%s:%d:deadbeef", host, (int)pid);
  long long now = (long long)time(NULL);
  ck_assert_int_eq(cairn_job_lease(st, "jobtest:tick", holder, now, 1, &why, &e), 1);
  ck_assert_int_eq(run(1, "jobtest:tick", &r), 0);
  ck_assert_msg(strstr(r, "job jobtest:tick ran: 1 done") != NULL, "%s", r);
  /* A live holder (this process) is waited for. */
  snprintf(holder, sizeof holder, "%s:%d:cafe", host, (int)getpid());
  ck_assert_int_eq(cairn_job_lease(st, "jobtest:tick", holder, now, 1, &why, &e), 1);
  ck_assert_int_eq(run(1, "jobtest:tick", &r), 0);
  ck_assert_msg(strstr(r, "is running elsewhere") != NULL, "%s", r);
  ck_assert_int_eq(ticks(), 1);
}
END_TEST

START_TEST(a_failing_job_is_recorded_with_its_message) {
  char *r;
  load("jobtest.so", "yes");
  ck_assert_int_eq(run(0, "jobtest:tick", &r), 1);
  ck_assert_msg(strstr(r, "job jobtest:tick failed: the tick job was told to fail") != NULL,
                "%s", r);
  sqlite3_stmt *s;
  ck_assert_int_eq(sqlite3_prepare_v2(cairn_store_db(st),
      "SELECT last_status, last_error, lease_holder IS NULL FROM job"
      " WHERE name = 'jobtest:tick'", -1, &s, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
  ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "failed");
  ck_assert_str_eq((const char *)sqlite3_column_text(s, 1), "the tick job was told to fail");
  ck_assert_int_eq(sqlite3_column_int(s, 2), 1);   /* the lease is given back */
  sqlite3_finalize(s);
}
END_TEST

START_TEST(an_unknown_job_name_is_a_usage_error) {
  char *r;
  load("jobtest.so", "no");
  ck_assert_int_eq(run(0, "jobtest:nope", &r), CAIRN_EINVAL);
}
END_TEST

START_TEST(a_job_without_a_handler_is_refused_at_load) {
  cairn_error e = {0};
  snprintf(plugin_path, sizeof plugin_path, "%s/bad_job.so", TEST_PLUGIN_DIR);
  pc.path = plugin_path;
  pc.settings = NULL;
  pc.n_settings = 0;
  memset(&cfg, 0, sizeof cfg);
  cfg.schemas_dir = (char *)".";
  cfg.plugins = &pc;
  cfg.n_plugins = 1;
  ck_assert_int_eq(cairn_registry_load(&cfg, &cairn_host_table, &reg, &e), CAIRN_EINVAL);
  reg = NULL;
  ck_assert_msg(strstr(e.message, "bad_job.so") && strstr(e.message, "no handler"),
                "%s", e.message);
}
END_TEST

START_TEST(expire_links_marks_expired_links_and_ends_their_sessions) {
  char *r;
  load("jobtest.so", "no");
  sqlite3 *db = cairn_store_db(st);
  long long now = (long long)time(NULL);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO capability(id, token_hash, scope, target, created,"
           " created_by, expires, uses_left) VALUES"
           " (1, 'h1', 'test:1', '/x', %lld, 't', %lld, NULL),"  /* expired */
           " (2, 'h2', 'test:2', '/x', %lld, 't', %lld, 0),"     /* used up */
           " (3, 'h3', 'test:3', '/x', %lld, 't', %lld, 5);"     /* live */
           "INSERT INTO capability_session(id_hash, capability, expires) VALUES"
           " ('s1', 1, %lld), ('s3', 3, %lld);",
           now - 100, now - 10, now - 100, now + 1000, now - 100, now + 1000,
           now + 500, now + 500);
  ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  ck_assert_int_eq(run(1, "core:expire-links", &r), 0);
  ck_assert_msg(strstr(r, "job core:expire-links ran: 2 done") != NULL, "%s", r);
  sqlite3_stmt *s;
  ck_assert_int_eq(sqlite3_prepare_v2(db,
      "SELECT group_concat(id) FROM (SELECT id FROM capability"
      " WHERE expired IS NOT NULL ORDER BY id)", -1, &s, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
  ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "1,2");
  sqlite3_finalize(s);
  ck_assert_int_eq(sqlite3_prepare_v2(db,
      "SELECT group_concat(id_hash) FROM capability_session", -1, &s, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
  ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "s3");
  sqlite3_finalize(s);
  /* Idempotent: a second run marks nothing more. */
  ck_assert_int_eq(run(1, "core:expire-links", &r), 0);
  ck_assert_msg(strstr(r, "ran: 0 done") != NULL, "%s", r);
}
END_TEST

/* The names in directory d, sorted, joined by spaces (static). */
static const char *listing(const char *d) {
  static char buf[4096];
  char cmd[256];
  snprintf(cmd, sizeof cmd, "ls -1 %s | tr '\\n' ' '", d);
  FILE *p = popen(cmd, "r");
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  buf[n] = 0;
  pclose(p);
  return buf;
}

/* Create an empty file at dir/name. */
static void touch(const char *d, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", d, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
}

START_TEST(backup_job_takes_one_checked_backup_a_day_and_prunes) {
  char *r, bdir[128], today[64], path[512], sha[65];
  cairn_anchor a;
  cairn_error e = {0};
  long long size, seq;
  char head[65];
  load("jobtest.so", "no");
  /* Without <backup> the job does nothing. */
  ck_assert_int_eq(run(1, "core:backup", &r), 0);
  ck_assert_msg(strstr(r, "job core:backup ran: 0 done") != NULL, "%s", r);
  snprintf(bdir, sizeof bdir, "%s/backups", dir);
  ck_assert_int_eq(mkdir(bdir, 0700), 0);
  /* Three older dated backups, and files that are not dated backups. */
  touch(bdir, "cairn-2026-01-01T010000Z.db");
  touch(bdir, "cairn-2026-01-01T010000Z.db.anchor");
  touch(bdir, "cairn-2026-01-02T010000Z.db");
  touch(bdir, "cairn-2026-01-02T010000Z.db.anchor");
  touch(bdir, "cairn-2026-01-03T010000Z.db");
  touch(bdir, "cairn-2026-01-03T010000Z.db.anchor");
  touch(bdir, "monday.db");
  cfg.database = db;
  cfg.backup_dir = bdir;
  cfg.backup_keep = 2;
  ck_assert_int_eq(run(1, "core:backup", &r), 0);
  ck_assert_msg(strstr(r, "job core:backup ran: 1 done") != NULL, "%s", r);
  /* today's and the newest older one are kept; the others are gone */
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(today, sizeof today, "cairn-%Y-%m-%dT", &tm);
  const char *l = listing(bdir);
  ck_assert_msg(strstr(l, "cairn-2026-01-01") == NULL, "%s", l);
  ck_assert_msg(strstr(l, "cairn-2026-01-02") == NULL, "%s", l);
  ck_assert_msg(strstr(l, "cairn-2026-01-03T010000Z.db cairn-2026-01-03T010000Z.db.anchor ") != NULL, "%s", l);
  ck_assert_msg(strstr(l, "monday.db") != NULL, "%s", l);
  const char *mine = strstr(l, today);
  ck_assert_msg(mine != NULL, "%s", l);
  /* the backup is the one its anchor describes, with the live chain's head */
  snprintf(path, sizeof path, "%s/%.*s", bdir, (int)strcspn(mine, " "), mine);
  ck_assert_int_eq(cairn_file_sha256(path, sha, &size, &e), 0);
  strcat(path, CAIRN_ANCHOR_SUFFIX);
  ck_assert_msg(cairn_anchor_read(path, &a, &e) == 0, "%s", e.message);
  ck_assert_str_eq(a.sha256, sha);
  ck_assert_int_eq(a.size, size);
  ck_assert_int_eq(cairn_audit_head(st, &seq, head, &e), 0);
  ck_assert_int_eq(a.audit_seq, seq);
  /* Idempotent within the day: nothing taken, nothing removed. */
  char before[4096];
  snprintf(before, sizeof before, "%s", l);
  ck_assert_int_eq(run(1, "core:backup", &r), 0);
  ck_assert_msg(strstr(r, "job core:backup ran: 0 done") != NULL, "%s", r);
  ck_assert_str_eq(listing(bdir), before);
  /* A directory that is not there fails the job, recorded with why. */
  cfg.backup_dir = (char *)"/nonexistent/cairn-backups";
  ck_assert_int_eq(run(1, "core:backup", &r), 1);
  ck_assert_msg(strstr(r, "job core:backup failed: backup directory "
                          "/nonexistent/cairn-backups") != NULL, "%s", r);
  cfg.backup_dir = NULL;
  cfg.database = NULL;
}
END_TEST

static Suite *jobs_suite(void) {
  Suite *s = suite_create("jobs");
  TCase *t = tcase_create("runner");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, a_due_job_runs_once_then_waits_for_its_interval);
  tcase_add_test(t, a_job_whose_lease_is_held_elsewhere_is_skipped);
  tcase_add_test(t, a_failing_job_is_recorded_with_its_message);
  tcase_add_test(t, a_lease_held_by_a_dead_process_of_this_host_is_taken_over);
  tcase_add_test(t, an_unknown_job_name_is_a_usage_error);
  tcase_add_test(t, a_job_without_a_handler_is_refused_at_load);
  tcase_add_test(t, expire_links_marks_expired_links_and_ends_their_sessions);
  tcase_add_test(t, backup_job_takes_one_checked_backup_a_day_and_prunes);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(jobs_suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
