/*
** cli_access.c -- the access commands of the `cairn` CLI:
**
**   cairn user add NAME --role admin|clinician|front-desk --name "Full Name"
**   cairn user passwd NAME
**   cairn user disable NAME | enable NAME
**   cairn user list
**   cairn audit verify [--anchor FILE]
**
** Passwords are read from standard input: on a terminal twice, without
** echo; otherwise one line (so a script can pipe one in).  They are never
** taken from the command line, where `ps` and shell history would see them.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>
#include "access.h"
#include "cli_access.h"
#include "store_db.h"
#include "cli_backup.h"

#define EXIT_USAGE 2

static int read_line(const char *prompt, char *buf, size_t n, int echo_off) {
  struct termios old, quiet;
  int tty = isatty(STDIN_FILENO);
  if (tty) {
    fprintf(stderr, "%s", prompt);
    if (echo_off && tcgetattr(STDIN_FILENO, &old) == 0) {
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    } else {
      echo_off = 0;
    }
  }
  char *r = fgets(buf, (int)n, stdin);
  if (tty && echo_off) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
  }
  if (!r) return -1;
  size_t len = strcspn(buf, "\r\n");
  if (buf[len] == 0 && len == n - 1) return -2; /* longer than the buffer */
  buf[len] = 0;
  return 0;
}

/* Read a new password; on a terminal, twice. */
static int read_password(char *buf, size_t n) {
  int rc = read_line("New password: ", buf, n, 1);
  if (rc == -2) {
    fprintf(stderr, "cairn: the password is longer than %d characters\n",
            CAIRN_PASSWORD_MAX);
    return 1;
  }
  if (rc) {
    fprintf(stderr, "cairn: no password on standard input\n");
    return 1;
  }
  if (isatty(STDIN_FILENO)) {
    char again[CAIRN_PASSWORD_MAX + 2];
    if (read_line("Again: ", again, sizeof again, 1) || strcmp(again, buf)) {
      sodium_memzero(again, sizeof again);
      fprintf(stderr, "cairn: the two passwords differ\n");
      return 1;
    }
    sodium_memzero(again, sizeof again);
  }
  return 0;
}

static int user_usage(void) {
  fprintf(stderr,
          "usage: cairn user add NAME --role admin|clinician|front-desk --name \"Full Name\"\n"
          "       cairn user passwd NAME\n"
          "       cairn user disable NAME\n"
          "       cairn user enable NAME\n"
          "       cairn user list\n"
          "The password is read from standard input.\n");
  return EXIT_USAGE;
}

int cairn_cli_user(cairn_store *st, int argc, char **argv) {
  if (argc < 1) return user_usage();
  const char *sub = argv[0];
  cairn_error err = {0};
  if (!strcmp(sub, "list") && argc == 1) {
    cairn_stmt *s = cairn_db_prepare(st,
        "SELECT username, role, display_name, disabled, changed FROM staff"
        " ORDER BY username", &err);
    int step;
    if (s == NULL) {
      fprintf(stderr, "cairn user list: %s\n", err.message);
      return 1;
    }
    printf("%-20s %-11s %-9s %s\n", "USER", "ROLE", "STATE", "NAME");
    while ((step = cairn_sql_step(s)) == 1)
      printf("%-20s %-11s %-9s %s\n", cairn_db_text(s, 0), cairn_db_text(s, 1),
             cairn_sql_int(s, 3) ? "disabled" : "active", cairn_db_text(s, 2));
    cairn_db_done(s);
    return step < 0 ? 1 : 0;
  }
  if (argc < 2) return user_usage();
  const char *name = argv[1];
  if (!strcmp(sub, "add")) {
    const char *role = NULL, *display = NULL;
    for (int i = 2; i < argc; i++) {
      if (!strcmp(argv[i], "--role") && i + 1 < argc) role = argv[++i];
      else if (!strcmp(argv[i], "--name") && i + 1 < argc) display = argv[++i];
      else return user_usage();
    }
    if (!role || !display) return user_usage();
    char pw[CAIRN_PASSWORD_MAX + 2];
    if (read_password(pw, sizeof pw)) return 1;
    int rc = cairn_staff_add(st, name, display, role, pw, &err);
    sodium_memzero(pw, sizeof pw);
    if (rc) {
      fprintf(stderr, "cairn: user add: %s\n", err.message);
      return 1;
    }
    fprintf(stderr, "cairn: added %s (%s)\n", name, role);
    return 0;
  }
  if (argc != 2) return user_usage();
  int rc;
  if (!strcmp(sub, "passwd")) {
    char pw[CAIRN_PASSWORD_MAX + 2];
    if (read_password(pw, sizeof pw)) return 1;
    rc = cairn_staff_passwd(st, name, pw, &err);
    sodium_memzero(pw, sizeof pw);
  } else if (!strcmp(sub, "disable")) {
    rc = cairn_staff_set_disabled(st, name, 1, &err);
  } else if (!strcmp(sub, "enable")) {
    rc = cairn_staff_set_disabled(st, name, 0, &err);
  } else {
    return user_usage();
  }
  if (rc) {
    fprintf(stderr, "cairn: user %s: %s\n", sub, err.message);
    return 1;
  }
  return 0;
}

int cairn_cli_audit(cairn_store *st, int argc, char **argv) {
  /* --anchor FILE: also check that the trail holds an anchored head
  ** (core/cli/backup.c). */
  if (argc == 3 && !strcmp(argv[0], "verify") && !strcmp(argv[1], "--anchor"))
    return cairn_cli_audit_anchor(st, argv[2]);
  if (argc != 1 || strcmp(argv[0], "verify")) {
    fprintf(stderr, "usage: cairn audit verify [--anchor FILE]\n");
    return EXIT_USAGE;
  }
  long long n = 0;
  cairn_error err = {0};
  if (cairn_audit_verify(st, &n, &err)) {
    printf("audit trail BROKEN: %s\n", err.message);
    return 1;
  }
  printf("audit trail intact: %lld entries\n", n);
  return 0;
}
