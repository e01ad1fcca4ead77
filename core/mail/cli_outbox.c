/*
** cli_outbox.c -- `cairn outbox`:
**
**   cairn outbox list [queued|sending|sent|failed]   newest first
**   cairn outbox send                deliver what is due now, then exit
**   cairn outbox retry ID            put a failed message back in line
**   cairn outbox test ADDRESS [NAME] queue a test message (mail/test), to
**                                    check the relay settings end to end
**
** Exit status 0 done, 1 failed, 2 usage error or refused input.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cairn_int.h"
#include "coresql.h"
#include "outbox.h"

/* Rows `list` prints at most: the newest are the ones asked about. */
#define LIST_MAX 100

/* The usage text on stderr; exit status 2. */
static int usage(void) {
  fprintf(stderr,
          "usage: cairn outbox list [queued|sending|sent|failed]\n"
          "       cairn outbox send\n"
          "       cairn outbox retry ID\n"
          "       cairn outbox test ADDRESS [NAME]\n");
  return 2;
}

/* Report a failure on stderr: 2 for the person's input (CAIRN_EINVAL),
** 1 for anything else. */
static int say(int rc, const cairn_error *e) {
  fprintf(stderr, "cairn: outbox: %s%s%s\n", e->field[0] ? e->field : "",
          e->field[0] ? ": " : "", e->message);
  return rc == CAIRN_EINVAL ? 2 : 1;
}

/* Print the newest LIST_MAX rows (of one status, or all), one per line:
** id, status, attempts, queued, to, Message-ID, subject; the last error
** on a line of its own. */
static int list(cairn_req *req, const char *status) {
  static const char sql[] =
      "SELECT id, status, attempts, to_address, subject,"
      " strftime('%Y-%m-%d %H:%M', created, 'unixepoch'),"
      " coalesce(last_error, ''), message_id FROM outbox"
      " WHERE :status IS NULL OR status = :status"
      " ORDER BY id DESC LIMIT :max";
  cairn_error e = {0};
  cairn_q *s = cairn_q_prepare(req->store, sql, &e);
  if (!s) return say(e.code, &e);
  if (status) cairn_q_text(s, ":status", status);
  cairn_q_int(s, ":max", LIST_MAX);
  while (cairn_q_step(s) == 1) {
    printf("%lld\t%s\t%d\t%s\t%s\t%s\t%s\n", cairn_q_colint(s, 0),
           cairn_q_col(s, 1), (int)cairn_q_colint(s, 2), cairn_q_col(s, 5),
           cairn_q_col(s, 3), cairn_q_col(s, 7), cairn_q_col(s, 4));
    if (*cairn_q_col(s, 6)) printf("\tlast error: %s\n", cairn_q_col(s, 6));
  }
  cairn_q_done(s);
  return 0;
}

/* Queue mail/test to `to`, with the sign-in page's full URL in it. */
static int test_message(cairn_req *req, const char *to, const char *name) {
  cairn_error e = {0};
  cairn_doc *d = cairn_doc_new(req, NULL, "test");
  const char *link = cairn_public_url(req, "/sign-in");
  if (link) cairn_doc_text_impl(d, "link", link);
  cairn_doc_text_impl(d, "actor", req->actor);
  long long id = 0;
  int rc = cairn_outbox_queue_view(req, to, name, "mail/test", d->xml, &id, &e);
  if (rc) return say(rc, &e);
  printf("queued message %lld to %s\n", id, to);
  return 0;
}

/* `cairn outbox ...` (outbox.h); argv[0] is the subcommand. */
int cairn_cli_outbox(cairn_req *req, int argc, char **argv) {
  cairn_error e = {0};
  if (argc < 1) return usage();
  const char *cmd = argv[0];
  if (strcmp(cmd, "list") == 0 && argc <= 2) {
    const char *st = argc == 2 ? argv[1] : NULL;
    if (st && strcmp(st, CAIRN_OUTBOX_QUEUED) && strcmp(st, CAIRN_OUTBOX_SENDING) &&
        strcmp(st, CAIRN_OUTBOX_SENT) && strcmp(st, CAIRN_OUTBOX_FAILED))
      return usage();
    return list(req, st);
  }
  if (strcmp(cmd, "send") == 0 && argc == 1) {
    int sent = 0, failed = 0;
    int rc = cairn_outbox_deliver(req->store, req->cfg, &sent, &failed, &e);
    if (rc) return say(rc, &e);
    printf("sent %d, failed %d\n", sent, failed);
    return 0;
  }
  if (strcmp(cmd, "retry") == 0 && argc == 2) {
    char *end;
    long long id = strtoll(argv[1], &end, 10);
    if (*end || id < 1) return usage();
    int rc = cairn_outbox_retry(req->store, id, &e);
    if (rc) return say(rc, &e);
    printf("message %lld is queued again\n", id);
    return 0;
  }
  if (strcmp(cmd, "test") == 0 && (argc == 2 || argc == 3))
    return test_message(req, argv[1], argc == 3 ? argv[2] : NULL);
  return usage();
}
