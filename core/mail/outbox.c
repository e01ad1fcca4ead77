/*
** outbox.c -- the outbox table: one row per message, written on the
** store's connection in whatever transaction is open (a record write's,
** an event subscriber's, an import's), so that a message exists exactly
** when the change that caused it committed.
**
** TABLE (core migration 3)
**
**   outbox(id, message_id UNIQUE, to_address, to_name, subject,
**          text_body, html_body, status, attempts, next_attempt, claimed,
**          claimed_by, last_error, created, created_by, sent)
**     status queued | sending | sent | failed; times are Unix seconds.
**     message_id is fixed at queue time ("<random@host>") and never
**     changes, so a message sent twice after a crash carries the same
**     Message-ID and a receiving system can drop the second copy.
**     claimed/claimed_by: when and by which sender a row went "sending".
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cairn_int.h"
#include "access.h"
#include "coresql.h"
#include "address.h"
#include "outbox.h"

const char *const cairn_outbox_schema =
    "CREATE TABLE outbox(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  message_id TEXT NOT NULL UNIQUE,\n"
    "  to_address TEXT NOT NULL,\n"
    "  to_name TEXT NOT NULL DEFAULT '',\n"
    "  subject TEXT NOT NULL,\n"
    "  text_body TEXT NOT NULL,\n"
    "  html_body TEXT NOT NULL DEFAULT '',\n"
    "  status TEXT NOT NULL DEFAULT 'queued'\n"
    "    CHECK(status IN ('queued','sending','sent','failed')),\n"
    "  attempts INTEGER NOT NULL DEFAULT 0,\n"
    "  next_attempt INTEGER NOT NULL,\n"
    "  claimed INTEGER,\n"
    "  claimed_by TEXT,\n"
    "  last_error TEXT,\n"
    "  created INTEGER NOT NULL,\n"
    "  created_by TEXT NOT NULL,\n"
    "  sent INTEGER);\n"
    "CREATE INDEX outbox_due ON outbox(status, next_attempt);\n";

/*
** Seconds to wait after the n-th failed attempt: BASE * 2^(n-1), capped.
** n < 1 is taken as 1.  Pure, for the unit tests.
*/
long cairn_outbox_backoff(int attempts) {
  long wait = CAIRN_OUTBOX_BACKOFF_BASE_S;
  for (int i = 1; i < attempts && wait < CAIRN_OUTBOX_BACKOFF_CAP_S; i++)
    wait *= 2;
  return wait > CAIRN_OUTBOX_BACKOFF_CAP_S ? CAIRN_OUTBOX_BACKOFF_CAP_S : wait;
}

/* The host part of a Message-ID: the public URL's host, else the
** from-address's domain, else "localhost". */
static const char *message_host(cairn_req *req) {
  const char *u = req->cfg ? req->cfg->public_url : NULL;
  if (u) {
    const char *h = strstr(u, "://");
    if (h) {
      h += 3;
      size_t n = strcspn(h, ":/");
      if (*h == '[') n = strcspn(h, "]") + 1;
      return cairn_arena_strndup(req->arena, h, n);
    }
  }
  if (req->cfg && req->cfg->mail) {
    const char *at = strrchr(req->cfg->mail->from_address, '@');
    if (at) return at + 1;
  }
  return "localhost";
}

/* One line, trimmed, white space runs collapsed; NULL when it is empty,
** too long or holds a control character. */
static const char *subject_line(cairn_req *req, const char *s,
                                cairn_error *err) {
  size_t n = strlen(s), chars = 0;
  char *out = cairn_arena_alloc(req->arena, n + 1), *o = out;
  int space = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
      space = o > out;
      continue;
    }
    if (*p < 0x20 || *p == 0x7F) {
      cairn_fail(err, CAIRN_EINTERNAL, "subject",
                 "a mail subject cannot hold control characters");
      return NULL;
    }
    if (space) { *o++ = ' '; chars++; space = 0; }
    *o++ = (char)*p;
    if ((*p & 0xC0) != 0x80) chars++;
  }
  *o = '\0';
  if (chars == 0 || chars > CAIRN_OUTBOX_SUBJECT_MAX) {
    cairn_fail(err, CAIRN_EINTERNAL, "subject",
               "a mail subject must be 1 to %d characters",
               CAIRN_OUTBOX_SUBJECT_MAX);
    return NULL;
  }
  return out;
}

/*
** Queue a message (outbox.h).  The checks come first, so that nothing is
** written for a refused address.  Bodies must be valid UTF-8 within
** CAIRN_OUTBOX_BODY_MAX.
*/
int cairn_outbox_queue(cairn_req *req, const char *to_address,
                       const char *to_name, const char *subject,
                       const char *text, const char *html, long long *id,
                       cairn_error *err) {
  static const char sql[] =
      "INSERT INTO outbox(message_id, to_address, to_name, subject,"
      " text_body, html_body, next_attempt, created, created_by)"
      " VALUES(:mid, :to, :name, :subject, :text, :html, :now, :now, :by)";
  int rc = cairn_mail_address_check(to_address, "to", err);
  if (rc) return rc;
  if (to_name && *to_name &&
      (rc = cairn_mail_name_check(to_name, "to_name", err)) != 0)
    return rc;
  if (!req->store || !req->cfg)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "messages can be queued only while serving a request");
  if (!req->cfg->mail)
    return cairn_fail(err, CAIRN_EINVAL, "to",
                      "This clinic does not send email yet: an administrator"
                      " must add <mail> to its configuration.");
  if (!text) text = "";
  if (!html) html = "";
  if (strlen(text) > CAIRN_OUTBOX_BODY_MAX ||
      strlen(html) > CAIRN_OUTBOX_BODY_MAX ||
      !cairn_utf8_valid(text, strlen(text)) ||
      !cairn_utf8_valid(html, strlen(html)))
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "a mail body must be UTF-8 of at most %d bytes",
                      CAIRN_OUTBOX_BODY_MAX);
  const char *line = subject_line(req, subject ? subject : "", err);
  if (!line) return err ? err->code : CAIRN_EINTERNAL;

  char token[44];
  cairn_secret_new(token);   /* 256 random bits: unique without a lookup */
  const char *mid = cairn_arena_printf(req->arena, "<%s@%s>", token,
                                       message_host(req));
  long long now = (long long)time(NULL);
  cairn_q_write_ready(req->store);
  cairn_q *s = cairn_q_prepare(req->store, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_text(s, ":mid", mid);
  cairn_q_text(s, ":to", to_address);
  cairn_q_text(s, ":name", to_name ? to_name : "");
  cairn_q_text(s, ":subject", line);
  cairn_q_text(s, ":text", text);
  cairn_q_text(s, ":html", html);
  cairn_q_int(s, ":now", now);
  cairn_q_text(s, ":by", req->actor ? req->actor : "unknown");
  rc = cairn_q_run(req->store, s, err);
  if (rc < 0) return rc;
  if (id) *id = cairn_q_last_id(req->store);
  return 0;
}

/*
** Claim row `id`: status "sending", this holder, now.  A row is due when
** queued and its next attempt has come, or when another sender claimed it
** more than stale_claim_s ago (that sender died or hung; docs/decisions.md
** says why sending it again then is the right failure).  The UPDATE's
** WHERE is the whole test, so two senders never both claim one row.
*/
int cairn_outbox_claim(cairn_store *st, long long id, long long now,
                       int stale_claim_s, const char *holder,
                       cairn_error *err) {
  static const char sql[] =
      "UPDATE outbox SET status = 'sending', claimed = :now,"
      " claimed_by = :holder, attempts = attempts + 1"
      " WHERE id = :id AND ((status = 'queued' AND next_attempt <= :now)"
      "  OR (status = 'sending' AND claimed < :stale))";
  cairn_q_write_ready(st);
  cairn_q *s = cairn_q_prepare(st, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":now", now);
  cairn_q_text(s, ":holder", holder);
  cairn_q_int(s, ":id", id);
  cairn_q_int(s, ":stale", now - stale_claim_s);
  return cairn_q_run(st, s, err);
}

/*
** Record the outcome of a delivery of a row this holder claimed:
**   SENT     status sent, sent = now
**   RETRY    queued again after cairn_outbox_backoff(attempts), or failed
**            once CAIRN_OUTBOX_ATTEMPTS_MAX attempts were made
**   REFUSED  failed now: the relay said it never will
**   UNKNOWN  left "sending": the message may have been delivered, so it
**            is sent again only after the stale-claim time, like a row
**            whose sender was killed
** The error is kept for staff in each case but SENT.  A row another
** sender took over meanwhile (stale claim) is left to that sender.
*/
int cairn_outbox_finish(cairn_store *st, long long id, const char *holder,
                        cairn_smtp_result result, const char *error,
                        int attempts, long long now, cairn_error *err) {
  static const char sent_sql[] =
      "UPDATE outbox SET status = 'sent', sent = :now, last_error = NULL"
      " WHERE id = :id AND claimed_by = :holder AND status = 'sending'";
  static const char again_sql[] =
      "UPDATE outbox SET status = :status, next_attempt = :next,"
      " last_error = :error, claimed = NULL, claimed_by = NULL"
      " WHERE id = :id AND claimed_by = :holder AND status = 'sending'";
  static const char unknown_sql[] =
      "UPDATE outbox SET last_error = :error"
      " WHERE id = :id AND claimed_by = :holder AND status = 'sending'";
  const char *sql = result == CAIRN_SMTP_SENT ? sent_sql
                    : result == CAIRN_SMTP_UNKNOWN ? unknown_sql
                                                   : again_sql;
  cairn_q_write_ready(st);
  cairn_q *s = cairn_q_prepare(st, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":id", id);
  cairn_q_text(s, ":holder", holder);
  if (result == CAIRN_SMTP_SENT) {
    cairn_q_int(s, ":now", now);
  } else if (result == CAIRN_SMTP_UNKNOWN) {
    cairn_q_text(s, ":error", error);
  } else {
    int give_up = result == CAIRN_SMTP_REFUSED ||
                  attempts >= CAIRN_OUTBOX_ATTEMPTS_MAX;
    cairn_q_text(s, ":status", give_up ? CAIRN_OUTBOX_FAILED
                                       : CAIRN_OUTBOX_QUEUED);
    cairn_q_int(s, ":next", now + (give_up ? 0 : cairn_outbox_backoff(attempts)));
    cairn_q_text(s, ":error", error);
  }
  int rc = cairn_q_run(st, s, err);
  return rc < 0 ? rc : 0;
}

/*
** Put row `id` back in line now with its attempts reset: staff retry a
** failed message (or hurry a queued one).  A row being sent or already
** sent is CAIRN_ECONFLICT; no such row CAIRN_ENOTFOUND.
*/
int cairn_outbox_retry(cairn_store *st, long long id, cairn_error *err) {
  static const char sql[] =
      "UPDATE outbox SET status = 'queued', attempts = 0,"
      " next_attempt = :now WHERE id = :id"
      " AND status IN ('queued', 'failed')";
  static const char exists_sql[] = "SELECT status FROM outbox WHERE id = :id";
  cairn_q_write_ready(st);
  cairn_q *s = cairn_q_prepare(st, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":now", (long long)time(NULL));
  cairn_q_int(s, ":id", id);
  int rc = cairn_q_run(st, s, err);
  if (rc < 0) return rc;
  if (rc == 1) return 0;
  s = cairn_q_prepare(st, exists_sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_int(s, ":id", id);
  int found = cairn_q_step(s) == 1;
  char status[16] = "";
  if (found) snprintf(status, sizeof status, "%s", cairn_q_col(s, 0));
  cairn_q_done(s);
  if (!found)
    return cairn_fail(err, CAIRN_ENOTFOUND, "id", "There is no message %lld.",
                      id);
  return cairn_fail(err, CAIRN_ECONFLICT, "id",
                    "Message %lld is %s; only a queued or failed message "
                    "can be retried.", id, status);
}

/*
** The public base URL joined with a local path (outbox.h).  The path must
** start with exactly one '/' and hold no control character or space
** (callers URL-encode what they put in it).
*/
const char *cairn_public_url(cairn_req *req, const char *local_path) {
  if (!req || !req->cfg || !req->cfg->public_url || !local_path ||
      local_path[0] != '/' || local_path[1] == '/' || local_path[1] == '\\')
    return NULL;
  for (const unsigned char *p = (const unsigned char *)local_path; *p; p++)
    if (*p <= 0x20 || *p == 0x7F || *p == '\\') return NULL;
  return cairn_arena_printf(req->arena, "%s%s", req->cfg->public_url,
                            local_path);
}
