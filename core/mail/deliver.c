/*
** deliver.c -- the sender.  It finds the rows that are due, claims each
** with one UPDATE (outbox.c) and commits the claim before it talks to the
** relay, then records what the relay said.  No transaction is held while
** a message is in flight: record writes never wait for a slow relay.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cairn_int.h"
#include "access.h"
#include "coresql.h"
#include "outbox.h"

/* A line for staff about one failure: the relay's words fit easily. */
#define DELIVER_ERROR_MAX 400

/* The ids of up to `max` due rows, oldest first.  Returns how many. */
static int due_ids(cairn_store *st, long long now, int stale_claim_s,
                   long long *ids, int max, cairn_error *err) {
  static const char sql[] =
      "SELECT id FROM outbox"
      " WHERE (status = 'queued' AND next_attempt <= :now)"
      "  OR (status = 'sending' AND claimed < :stale)"
      " ORDER BY next_attempt, id LIMIT :max";
  cairn_q *s = cairn_q_prepare(st, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":now", now);
  cairn_q_int(s, ":stale", now - stale_claim_s);
  cairn_q_int(s, ":max", max);
  int n = 0;
  while (n < max && cairn_q_step(s) == 1)
    ids[n++] = cairn_q_colint(s, 0);
  cairn_q_done(s);
  return n;
}

/* Load a claimed row into *m; its strings live in `a`. */
static int load(cairn_store *st, cairn_arena *a, long long id,
                cairn_outbox_msg *m, cairn_error *err) {
  static const char sql[] =
      "SELECT message_id, to_address, to_name, subject, text_body,"
      " html_body, attempts FROM outbox WHERE id = :id";
  cairn_q *s = cairn_q_prepare(st, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":id", id);
  int rc = cairn_q_step(s) == 1 ? 0 : CAIRN_ENOTFOUND;
  if (rc == 0) {
    m->id = id;
    m->message_id = cairn_arena_strdup(a, cairn_q_col(s, 0));
    m->to_address = cairn_arena_strdup(a, cairn_q_col(s, 1));
    m->to_name = cairn_arena_strdup(a, cairn_q_col(s, 2));
    m->subject = cairn_arena_strdup(a, cairn_q_col(s, 3));
    m->text = cairn_arena_strdup(a, cairn_q_col(s, 4));
    m->html = cairn_arena_strdup(a, cairn_q_col(s, 5));
    m->attempts = (int)cairn_q_colint(s, 6);
  }
  cairn_q_done(s);
  return rc;
}

/*
** Deliver what is due (outbox.h).  The holder name (host, pid and a
** random part) is what the claim and the outcome are matched on, so a
** sender never records an outcome on a row another took over.
*/
int cairn_outbox_deliver(cairn_store *st, const cairn_config *cfg,
                         int *sent, int *failed, cairn_error *err) {
  long long ids[CAIRN_OUTBOX_BATCH_MAX];
  char host[64] = "localhost", token[44], holder[128];
  *sent = *failed = 0;
  if (!cfg->mail)
    return cairn_fail(err, CAIRN_EINVAL, "mail",
                      "no <mail> in the configuration: nothing can be sent");
  gethostname(host, sizeof host - 1);
  cairn_secret_new(token);
  snprintf(holder, sizeof holder, "%.60s:%d:%.8s", host, (int)getpid(), token);
  long long started = (long long)time(NULL);
  int n = due_ids(st, started, cfg->mail->stale_claim_s, ids,
                  CAIRN_OUTBOX_BATCH_MAX, err);
  if (n < 0) return n;
  cairn_arena *a = cairn_arena_new();
  int rc = 0;
  for (int i = 0; i < n && rc == 0; i++) {
    long long now = (long long)time(NULL);
    if (now - started > CAIRN_OUTBOX_RUN_MAX_S) break;   /* the rest: next run */
    int got = cairn_outbox_claim(st, ids[i], now, cfg->mail->stale_claim_s,
                                 holder, err);
    if (got < 0) { rc = got; break; }
    if (got == 0) continue;              /* another sender has it */
    cairn_outbox_msg m;
    if ((rc = load(st, a, ids[i], &m, err)) != 0) break;
    char why[DELIVER_ERROR_MAX];
    cairn_smtp_result r = cairn_smtp_send(cfg, &m, why, sizeof why);
    if (r == CAIRN_SMTP_SENT) {
      (*sent)++;
      cairn_logf(CAIRN_LOG_INFO, "outbox: message %lld sent", m.id);
    } else {
      cairn_logf(CAIRN_LOG_WARN, "outbox: message %lld: %s", m.id, why);
      if (r == CAIRN_SMTP_REFUSED ||
          (r == CAIRN_SMTP_RETRY && m.attempts >= CAIRN_OUTBOX_ATTEMPTS_MAX))
        (*failed)++;
    }
    rc = cairn_outbox_finish(st, m.id, holder, r, why, m.attempts,
                             (long long)time(NULL), err);
    cairn_arena_reset(a);
  }
  cairn_arena_free(a);
  return rc;
}
