/*
** check_backup.c -- unit tests of core/store/backup.c: the online copy is
** a checked, self-contained database; the anchor is written and read back
** exactly and a damaged one is refused; the anchor check finds dropped or
** rewritten newest audit entries; the holder test sees an open connection.
**
** Needs: core/store/backup.c and the core library (store, audit).
*/
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn_int.h"
#include "access.h"
#include "backup.h"

static char dir[64], db[128], copy[160];
static cairn_store *st;

/* A store with `n` audit entries. */
static void fill_audit(int n) {
  cairn_error err = {0};
  for (int i = 0; i < n; i++) {
    cairn_audit_entry e = {
      .actor = "test", .role = "clinician", .method = "GET", .route = "/x",
      .path = "/x", .outcome = "200", .remote = "127.0.0.1", .patient = i + 1,
    };
    ck_assert_int_eq(cairn_audit_append(st, &e, &err), 0);
  }
}

static void setup(void) {
  cairn_error err = {0};
  cairn_xml_init(NULL);
  snprintf(dir, sizeof dir, "/tmp/cairn-backup-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(db, sizeof db, "%s/clinic.db", dir);
  snprintf(copy, sizeof copy, "%s/copy.db", dir);
  ck_assert_int_eq(cairn_store_open(db, NULL, &st, &err), 0);
}

static void teardown(void) {
  char cmd[160];
  if (st) cairn_store_close(st);
  st = NULL;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* Run SQL on a plain connection (a hand edit of the file). */
static void edit(const char *path, const char *sql) {
  sqlite3 *h;
  ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
}

START_TEST(copy_holds_the_trail_and_checks_clean) {
  cairn_error err = {0};
  cairn_anchor a;
  int pages = 0;
  memset(&a, 0, sizeof a);
  fill_audit(5);
  ck_assert_int_eq(cairn_backup_copy(db, copy, NULL, NULL, &pages, &err), 0);
  ck_assert_int_gt(pages, 0);
  ck_assert_int_eq(cairn_backup_check(copy, &a, &err), 0);
  ck_assert_int_eq(a.audit_entries, 5);
  ck_assert_int_eq(a.audit_seq, 5);
  long long seq;
  char hash[65];
  ck_assert_int_eq(cairn_audit_head(st, &seq, hash, &err), 0);
  ck_assert_int_eq(seq, 5);
  ck_assert_str_eq(hash, a.audit_hash);
  /* One file: no -wal or -shm left beside the copy. */
  char side[200];
  snprintf(side, sizeof side, "%s-wal", copy);
  ck_assert_int_ne(access(side, F_OK), 0);
}
END_TEST

START_TEST(copy_never_overwrites_a_file) {
  cairn_error err = {0};
  FILE *f = fopen(copy, "w");
  fputs("keep me", f);
  fclose(f);
  ck_assert_int_eq(cairn_backup_copy(db, copy, NULL, NULL, NULL, &err), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "never overwrites"));
  f = fopen(copy, "r");
  char buf[16] = "";
  ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
  fclose(f);
  ck_assert_str_eq(buf, "keep me");
}
END_TEST

START_TEST(a_changed_audit_entry_fails_the_check) {
  cairn_error err = {0};
  cairn_anchor a;
  fill_audit(3);
  ck_assert_int_eq(cairn_backup_copy(db, copy, NULL, NULL, NULL, &err), 0);
  edit(copy, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone' WHERE seq = 2;");
  ck_assert_int_eq(cairn_backup_check(copy, &a, &err), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "audit entry 2 was changed"));
}
END_TEST

START_TEST(anchor_round_trips_and_a_damaged_one_is_refused) {
  cairn_error err = {0};
  cairn_anchor a = { .size = 1234, .audit_seq = 7, .audit_entries = 7 };
  cairn_anchor b;
  char path[200];
  snprintf(a.file, sizeof a.file, "cairn-2026-12-03T132500Z.db");
  snprintf(a.sha256, sizeof a.sha256, "%064d", 0);
  memset(a.audit_hash, 'a', 64);
  a.audit_hash[64] = 0;
  snprintf(a.created, sizeof a.created, "2026-12-03T13:25:00Z");
  snprintf(path, sizeof path, "%s/x.anchor", dir);
  ck_assert_int_eq(cairn_anchor_write(path, &a, &err), 0);
  ck_assert_int_eq(cairn_anchor_read(path, &b, &err), 0);
  ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);

  FILE *f = fopen(path, "w");
  fputs("cairn-backup-anchor 1\nfile x.db\nsize 12\nsha256 nothex\n", f);
  fclose(f);
  ck_assert_int_eq(cairn_anchor_read(path, &b, &err), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "line 4"));
  f = fopen(path, "w");
  fputs("cairn-backup-anchor 1\nfile x.db\n", f);
  fclose(f);
  ck_assert_int_eq(cairn_anchor_read(path, &b, &err), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "incomplete"));
}
END_TEST

START_TEST(anchor_check_finds_dropped_and_rewritten_newest_entries) {
  cairn_error err = {0};
  cairn_anchor a;
  long long n;
  memset(&a, 0, sizeof a);
  fill_audit(6);
  ck_assert_int_eq(cairn_audit_head(st, &a.audit_seq, a.audit_hash, &err), 0);
  fill_audit(2);                      /* entries after the anchor are fine */
  ck_assert_int_eq(cairn_anchor_verify(st, &a, &n, &err), 0);
  ck_assert_int_eq(n, 8);

  cairn_store_close(st);
  st = NULL;
  edit(db, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 4;");
  ck_assert_int_eq(cairn_store_open(db, NULL, &st, &err), 0);
  ck_assert_int_eq(cairn_audit_verify(st, &n, &err), 0);   /* still a chain */
  ck_assert_int_eq(cairn_anchor_verify(st, &a, &n, &err), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "ends at entry 4 but the anchor holds entry 6"));

  a.audit_seq = 3;                    /* an anchor whose entry 3 differs */
  ck_assert_int_eq(cairn_anchor_verify(st, &a, &n, &err), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "audit entry 3 differs"));
}
END_TEST

START_TEST(holder_test_sees_an_open_connection_of_another_process) {
  pid_t pid = 0;
  /* This process's own connection does not count (POSIX locks are per
  ** process): restore runs without one. */
  ck_assert_int_eq(cairn_db_holder(db, &pid), 0);
  /* SQLite's state must not cross fork(): the child opens its own. */
  cairn_store_close(st);
  st = NULL;
  int fds[2];
  ck_assert_int_eq(pipe(fds), 0);
  pid_t child = fork();
  if (child == 0) {
    sqlite3 *h;
    sqlite3_open(db, &h);
    sqlite3_exec(h, "SELECT count(*) FROM audit", NULL, NULL, NULL);
    close(fds[0]);
    ssize_t w = write(fds[1], "x", 1);
    (void)w;
    for (;;) pause();                  /* holding it, until killed */
  }
  char c;
  close(fds[1]);
  ck_assert_int_eq(read(fds[0], &c, 1), 1);
  ck_assert_int_eq(cairn_db_holder(db, &pid), 1);
  ck_assert_int_eq(pid, child);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  close(fds[0]);
  ck_assert_int_eq(cairn_db_holder(db, &pid), 0);   /* gone with it */
}
END_TEST

static Suite *backup_suite(void) {
  Suite *s = suite_create("backup");
  TCase *t = tcase_create("backup");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 30);
  suite_add_tcase(s, t);
  tcase_add_test(t, copy_holds_the_trail_and_checks_clean);
  tcase_add_test(t, copy_never_overwrites_a_file);
  tcase_add_test(t, a_changed_audit_entry_fails_the_check);
  tcase_add_test(t, anchor_round_trips_and_a_damaged_one_is_refused);
  tcase_add_test(t, anchor_check_finds_dropped_and_rewritten_newest_entries);
  tcase_add_test(t, holder_test_sees_an_open_connection_of_another_process);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(backup_suite());
  int failed;
  srunner_run_all(r, CK_NORMAL);
  failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
