/*
** outbox.h -- the clinic's outgoing mail: a core table written in the
** transaction of the change that causes a message, and a sender that
** delivers it by SMTP with retries.  See docs/messages-and-jobs.md; the
** delivery guarantee is argued in docs/decisions.md.
**
**   outbox.c    the table: queue, claim, finish, retry, list
**   together.c  a change and its message in one transaction (host table)
**   render.c    a mail view (www/views/.../mail/NAME.xsl) -> subject, text, HTML
**   message.c   the RFC 5322 message: headers, MIME, encoded words
**   smtp.c      one delivery through libcurl
**   deliver.c   the sender: claim due rows, deliver, record the outcome
**   pages.c     /admin/outbox
**   cli_outbox.c  `cairn outbox list|send|retry|test`
*/
#ifndef CAIRN_OUTBOX_H
#define CAIRN_OUTBOX_H

#include "cairn_int.h"

/* Statuses of a row.  queued: waiting for its next attempt; sending:
** claimed by a sender (claimed = when); sent; failed: given up, shown to
** staff, retried only by hand. */
#define CAIRN_OUTBOX_QUEUED  "queued"
#define CAIRN_OUTBOX_SENDING "sending"
#define CAIRN_OUTBOX_SENT    "sent"
#define CAIRN_OUTBOX_FAILED  "failed"

/* Retries: the n-th failed attempt waits BASE * 2^(n-1) seconds, at most
** CAP, and after MAX attempts the row is failed.  One minute doubling to
** four hours: a relay down for a restart is retried within minutes, one
** down for a day is not hammered, and eight attempts span about eight
** hours, long enough to outlast an outage staff would notice. */
#define CAIRN_OUTBOX_BACKOFF_BASE_S 60
#define CAIRN_OUTBOX_BACKOFF_CAP_S (4 * 60 * 60)
#define CAIRN_OUTBOX_ATTEMPTS_MAX 8
/* A subject is one line of at most this many characters (RFC 5322's
** recommended line length, less "Subject: "). */
#define CAIRN_OUTBOX_SUBJECT_MAX 200
/* Bodies: a link email is a few hundred bytes; 256 KiB stops a runaway
** view long before it reaches a relay's size limit. */
#define CAIRN_OUTBOX_BODY_MAX (256 * 1024)
/* Rows one sender run delivers at most: bounds a run's time, so that a
** job's lease is not outlived (the rest wait for the next run). */
#define CAIRN_OUTBOX_BATCH_MAX 50
/* A sender starts no new delivery after running this long.  With the SMTP
** timeout at most CAIRN_SMTP_TIMEOUT_MAX_S, a run ends within 20 minutes,
** inside a job's 30-minute lease (core/jobs/jobs.h). */
#define CAIRN_OUTBOX_RUN_MAX_S (10 * 60)
#define CAIRN_SMTP_TIMEOUT_MAX_S (10 * 60)

/* The schema of the outbox (core migration 3, run by store.c). */
extern const char *const cairn_outbox_schema;

/* Seconds to wait after the `attempts`-th failed attempt (1-based). */
long cairn_outbox_backoff(int attempts);

/* Queue a message: to_address and to_name are checked (CAIRN_EINVAL
** naming "to" or "to_name" for anything not an address, a CR or LF, ...),
** a Message-ID is fixed now, and the row is written on the request's
** store connection, so inside a record write's transaction it commits or
** rolls back with it.  *id (may be NULL) gets the row id. */
int cairn_outbox_queue(cairn_req *req, const char *to_address,
                       const char *to_name, const char *subject,
                       const char *text, const char *html, long long *id,
                       cairn_error *err);
/* Render mail view `view` over `model` (see render.c) and queue it. */
int cairn_outbox_queue_view(cairn_req *req, const char *to_address,
                            const char *to_name, const char *view,
                            xmlDocPtr model, long long *id,
                            cairn_error *err);

/* The host table's message_queue (plugin.h, level 4). */
int cairn_message_queue_impl(cairn_req *req, const char *to_address,
                             const char *to_name, const char *view,
                             cairn_doc *model, cairn_error *err);

/* The host table's transaction (plugin.h, level 4; together.c). */
int cairn_transaction_impl(cairn_req *req,
                           int (*fn)(cairn_req *req, void *arg,
                                     cairn_error *err),
                           void *arg, cairn_error *err);

/* Render a mail view into its parts (arena strings).  *html may be NULL
** when the view gives none. */
int cairn_mail_render(cairn_req *req, const char *view, xmlDocPtr model,
                      const char **subject, const char **text,
                      const char **html, cairn_error *err);
/* The compiled views the renderer uses (cairnd sets the master's; a CLI
** process compiles them on first use from the config's directory). */
void cairn_mail_set_views(const cairn_views *views);

/* A row as the sender sees it. */
typedef struct cairn_outbox_msg {
  long long id;              /* outbox.id */
  const char *message_id;    /* "<token@host>", fixed at queue time */
  const char *to_address, *to_name; /* to_name "" for none */
  const char *subject, *text, *html; /* html "" for none */
  int attempts;              /* including the one now claimed */
} cairn_outbox_msg;

/* The outcome of one delivery (smtp.c). */
typedef enum cairn_smtp_result {
  CAIRN_SMTP_SENT = 0,       /* the relay accepted the message */
  CAIRN_SMTP_RETRY,          /* not sent: try again later (4xx, no route) */
  CAIRN_SMTP_REFUSED,        /* not sent and never will be (5xx) */
  CAIRN_SMTP_UNKNOWN         /* the whole message went out but no answer
                             ** came: it may have been delivered */
} cairn_smtp_result;

/* Deliver one message with the config's relay.  *error gets a line for
** staff (never the password). */
cairn_smtp_result cairn_smtp_send(const cairn_config *cfg,
                                  const cairn_outbox_msg *m, char *error,
                                  size_t error_size);

/* Build the RFC 5322 message of m (headers, then a multipart/alternative
** body when there is HTML).  malloc'd; CRLF line ends. */
char *cairn_mail_message(const cairn_config *cfg, const cairn_outbox_msg *m,
                         long long now);

/* The sender: deliver due rows (queued and due, or claimed longer ago
** than the config's stale-claim time) until none is left or the batch is
** done.  *sent, *failed count outcomes; messages left for later count in
** neither.  CAIRN_EINVAL when the config has no <mail>. */
int cairn_outbox_deliver(cairn_store *st, const cairn_config *cfg,
                         int *sent, int *failed, cairn_error *err);
/* Put a failed (or queued) row back in line now, attempts reset. */
int cairn_outbox_retry(cairn_store *st, long long id, cairn_error *err);

/* Claim row `id` for this sender if it is due (exposed for the sender and
** tests): 1 claimed, 0 not due or claimed elsewhere, negative on error. */
int cairn_outbox_claim(cairn_store *st, long long id, long long now,
                       int stale_claim_s, const char *holder,
                       cairn_error *err);
/* Record a delivery's outcome for a row this sender claimed. */
int cairn_outbox_finish(cairn_store *st, long long id, const char *holder,
                        cairn_smtp_result result, const char *error,
                        int attempts, long long now, cairn_error *err);

/* The mail subcommand: `cairn outbox list|send|retry ID|test ADDRESS`. */
int cairn_cli_outbox(cairn_req *req, int argc, char **argv);

/* The staff pages: GET /admin/outbox, POST /admin/outbox/ID/retry. */
int cairn_page_outbox(cairn_req *req);
int cairn_page_outbox_retry(cairn_req *req);

/* The public base URL joined with a local path ("/c/abc"), in the
** request's arena; NULL when no <public-url> is configured or the path is
** not local (one leading '/', no control characters). */
const char *cairn_public_url(cairn_req *req, const char *local_path);

#endif
