/*
** check_arena.c -- unit tests of core/lib/arena.c (the per-request arena) and
** core/lib/log.c (cairn_fail, cairn_logf).
**
** Needs: core/lib/arena.c core/lib/log.c.
*/
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn_int.h"

/* ------------------------------------------------------------- arena */

START_TEST(allocations_are_zeroed_aligned_and_distinct) {
  cairn_arena *a = cairn_arena_new();
  unsigned char *prev = NULL;
  size_t n;
  for (n = 0; n < 3000; n += 7) {
    unsigned char *p = cairn_arena_alloc(a, n);
    size_t i;
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(((uintptr_t)p & 15) == 0, "size %zu not 16-aligned", n);
    for (i = 0; i < n && p[i] == 0; i++) continue;
    ck_assert_msg(i == n, "size %zu: byte %zu not zero", n, i);
    memset(p, 0xA5, n);  /* dirty it: a reused block must come back zeroed */
    ck_assert_ptr_ne(p, prev);
    prev = p;
  }
  cairn_arena_reset(a);
  for (n = 1; n < 3000; n += 7) {
    unsigned char *p = cairn_arena_alloc(a, n);
    size_t i;
    for (i = 0; i < n && p[i] == 0; i++) continue;
    ck_assert_msg(i == n, "after reset, size %zu: byte %zu not zero", n, i);
  }
  cairn_arena_free(a);
}
END_TEST

/* Data written across many blocks stays intact until the reset. */
START_TEST(many_blocks_keep_their_contents) {
  cairn_arena *a = cairn_arena_new();
  char *p[2000];
  int i;
  for (i = 0; i < 2000; i++) {
    p[i] = cairn_arena_alloc(a, 100 + (size_t)(i % 300));
    snprintf(p[i], 100, "block-%d", i);
  }
  for (i = 0; i < 2000; i++) {
    char want[32];
    snprintf(want, sizeof want, "block-%d", i);
    ck_assert_str_eq(p[i], want);
  }
  ck_assert_uint_ge(cairn_arena_used(a), 2000u * 100u);
  cairn_arena_free(a);
}
END_TEST

START_TEST(large_allocation_gets_its_own_block) {
  cairn_arena *a = cairn_arena_new();
  char *small1 = cairn_arena_alloc(a, 16), *big, *small2;
  big = cairn_arena_alloc(a, 1024 * 1024);
  memset(big, 'x', 1024 * 1024);
  small2 = cairn_arena_alloc(a, 16);
  /* the small ones still come from the first block, one after the other */
  ck_assert_ptr_eq(small2, small1 + 16);
  ck_assert_int_eq(big[1024 * 1024 - 1], 'x');
  cairn_arena_free(a);
}
END_TEST

START_TEST(reset_keeps_the_first_block_and_empties_it) {
  cairn_arena *a = cairn_arena_new();
  void *first = cairn_arena_alloc(a, 32);
  int i;
  for (i = 0; i < 100; i++) cairn_arena_alloc(a, 4000);  /* more blocks */
  cairn_arena_alloc(a, 100000);
  ck_assert_uint_gt(cairn_arena_used(a), 400000u);
  cairn_arena_reset(a);
  ck_assert_uint_eq(cairn_arena_used(a), 0u);
  ck_assert_ptr_eq(cairn_arena_alloc(a, 32), first);
  cairn_arena_free(a);
  cairn_arena_free(NULL);   /* no-op */
  cairn_arena_reset(NULL);  /* no-op */
}
END_TEST

START_TEST(string_helpers_copy_into_the_arena) {
  cairn_arena *a = cairn_arena_new();
  char src[] = "hello, world";
  char *d = cairn_arena_strdup(a, src), *big, *fmt;
  ck_assert_ptr_ne(d, src);
  ck_assert_str_eq(d, "hello, world");
  ck_assert_ptr_null(cairn_arena_strdup(a, NULL));
  ck_assert_ptr_null(cairn_arena_strndup(a, NULL, 3));
  ck_assert_str_eq(cairn_arena_strndup(a, src, 5), "hello");
  ck_assert_str_eq(cairn_arena_strndup(a, "ab", 10), "ab");  /* stops at NUL */
  ck_assert_str_eq(cairn_arena_strndup(a, "ab", SIZE_MAX), "ab");
  ck_assert_str_eq(cairn_arena_strndup(a, src, 0), "");
  ck_assert_str_eq(cairn_arena_printf(a, "%s=%d;%.1f", "pain", 6, 5.67),
                   "pain=6;5.7");
  big = malloc(100001);
  memset(big, 'y', 100000);
  big[100000] = '\0';
  fmt = cairn_arena_printf(a, "[%s]", big);
  ck_assert_uint_eq(strlen(fmt), 100002u);
  ck_assert_int_eq(fmt[100001], ']');
  free(big);
  cairn_arena_free(a);
}
END_TEST

static char order[16];
static size_t n_order;
static void note(void *arg) { order[n_order++] = *(const char *)arg; }
static cairn_arena *reentrant_arena;
static void register_more(void *arg) {
  (void)arg;
  order[n_order++] = 'R';
  cairn_arena_cleanup(reentrant_arena, note, "z");
}

START_TEST(cleanups_run_in_reverse_order_on_reset_and_free) {
  cairn_arena *a = cairn_arena_new();
  n_order = 0;
  cairn_arena_cleanup(a, note, "a");
  cairn_arena_cleanup(a, note, "b");
  cairn_arena_cleanup(a, note, "c");
  cairn_arena_reset(a);
  order[n_order] = '\0';
  ck_assert_str_eq(order, "cba");
  cairn_arena_reset(a);  /* they ran once; nothing left */
  ck_assert_uint_eq(n_order, 3u);

  n_order = 0;
  cairn_arena_cleanup(a, note, "x");
  cairn_arena_cleanup(a, note, "y");
  cairn_arena_free(a);
  order[n_order] = '\0';
  ck_assert_str_eq(order, "yx");
}
END_TEST

START_TEST(cleanup_may_register_another_cleanup) {
  reentrant_arena = cairn_arena_new();
  n_order = 0;
  cairn_arena_cleanup(reentrant_arena, note, "a");
  cairn_arena_cleanup(reentrant_arena, register_more, NULL);
  cairn_arena_reset(reentrant_arena);
  order[n_order] = '\0';
  ck_assert_str_eq(order, "Rza");
  cairn_arena_free(reentrant_arena);
}
END_TEST

START_TEST(overflowing_size_aborts) {
  cairn_arena *a = cairn_arena_new();
  cairn_arena_alloc(a, SIZE_MAX - 3);  /* rounding up overflows */
}
END_TEST

START_TEST(size_max_allocation_aborts) {
  cairn_arena *a = cairn_arena_new();
  cairn_arena_alloc(a, SIZE_MAX);
}
END_TEST

/* --------------------------------------------------------------- log */

START_TEST(fail_fills_the_error_and_returns_the_code) {
  cairn_error err;
  memset(&err, 'Q', sizeof err);
  ck_assert_int_eq(cairn_fail(&err, CAIRN_EINVAL, "score", "%d is out of"
                              " range", 11), CAIRN_EINVAL);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "score");
  ck_assert_str_eq(err.message, "11 is out of range");
  cairn_fail(&err, CAIRN_EDB, NULL, "x");
  ck_assert_str_eq(err.field, "");
  ck_assert_int_eq(cairn_fail(NULL, CAIRN_ENOTFOUND, NULL, "nobody hears"),
                   CAIRN_ENOTFOUND);
}
END_TEST

START_TEST(fail_truncates_at_a_character_boundary) {
  cairn_error err;
  char longmsg[1000];
  size_t i, n;
  /* 'e' + 2-byte characters: the cut must not leave half of one */
  longmsg[0] = 'e';
  for (i = 1; i + 2 < sizeof longmsg; i += 2) {
    longmsg[i] = (char)0xC3;
    longmsg[i + 1] = (char)0xA9;
  }
  longmsg[i] = '\0';
  cairn_fail(&err, CAIRN_EINVAL, longmsg, "%s", longmsg);
  n = strlen(err.message);
  ck_assert_uint_lt(n, sizeof err.message);
  ck_assert_uint_eq(n % 2, 1u);  /* 'e' and whole characters only */
  ck_assert_int_eq((unsigned char)err.message[n - 1], 0xA9);
  n = strlen(err.field);
  ck_assert_uint_eq(n % 2, 1u);
  ck_assert_int_eq((unsigned char)err.field[n - 1], 0xA9);
}
END_TEST

START_TEST(log_writes_one_line_with_pid_and_level) {
  FILE *f = tmpfile();
  int saved = dup(2);
  char buf[512], want[160];
  size_t n;
  ck_assert_ptr_nonnull(f);
  dup2(fileno(f), 2);
  cairn_logf(CAIRN_LOG_WARN, "value %s", "a\nforged: line\r");
  cairn_logf(CAIRN_LOG_ERROR, "second");
  dup2(saved, 2);
  close(saved);
  rewind(f);
  n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  snprintf(want, sizeof want, "cairnd[%ld]: warning: value a forged: line \n"
           "cairnd[%ld]: error: second\n", (long)getpid(), (long)getpid());
  ck_assert_str_eq(buf, want);
}
END_TEST

static Suite *arena_suite(int forking) {
  Suite *s = suite_create("arena");
  TCase *a = tcase_create("arena"), *l = tcase_create("log");
  tcase_add_test(a, allocations_are_zeroed_aligned_and_distinct);
  tcase_add_test(a, many_blocks_keep_their_contents);
  tcase_add_test(a, large_allocation_gets_its_own_block);
  tcase_add_test(a, reset_keeps_the_first_block_and_empties_it);
  tcase_add_test(a, string_helpers_copy_into_the_arena);
  tcase_add_test(a, cleanups_run_in_reverse_order_on_reset_and_free);
  tcase_add_test(a, cleanup_may_register_another_cleanup);
  if (forking) {  /* an abort would end a CK_FORK=no run */
    tcase_add_test_raise_signal(a, overflowing_size_aborts, SIGABRT);
    tcase_add_test_raise_signal(a, size_max_allocation_aborts, SIGABRT);
  }
  tcase_add_test(l, fail_fills_the_error_and_returns_the_code);
  tcase_add_test(l, fail_truncates_at_a_character_boundary);
  tcase_add_test(l, log_writes_one_line_with_pid_and_level);
  suite_add_tcase(s, a);
  suite_add_tcase(s, l);
  return s;
}

int main(void) {
  const char *fork_env = getenv("CK_FORK");
  SRunner *r = srunner_create(
      arena_suite(fork_env == NULL || strcmp(fork_env, "no") != 0));
  int failed;
  srunner_run_all(r, CK_NORMAL);
  failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
