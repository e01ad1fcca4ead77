/*
** pages.c -- /admin/outbox: what the clinic has sent, what waits, what
** failed and why, with a retry button for a failed message.  Admins only
** (the route's audience); the retry is a POST, so the core checks its
** CSRF token before this code runs.  Bodies are not shown: a subject and
** an address say which message it is.
*/
#include <stdlib.h>
#include <string.h>
#include "cairn_int.h"
#include "coresql.h"
#include "outbox.h"

/* Rows shown per status section: the newest; older ones are in the
** database (`cairn outbox list`). */
#define OUTBOX_PAGE_ROWS 100

static const char *const sections[] = {
  CAIRN_OUTBOX_FAILED, CAIRN_OUTBOX_QUEUED, CAIRN_OUTBOX_SENDING,
  CAIRN_OUTBOX_SENT, NULL
};

/* <message id= status= to= name= subject= attempts= created= next= sent=
**  message-id=><error>..</error></message> for each row of `status`. */
static int section(cairn_req *req, cairn_doc *d, const char *status,
                   cairn_error *err) {
  static const char sql[] =
      "SELECT id, to_address, to_name, subject, attempts,"
      " strftime('%Y-%m-%d %H:%M', created, 'unixepoch'),"
      " strftime('%Y-%m-%d %H:%M', next_attempt, 'unixepoch'),"
      " strftime('%Y-%m-%d %H:%M', sent, 'unixepoch'),"
      " last_error, message_id"
      " FROM outbox WHERE status = :status ORDER BY id DESC LIMIT :max";
  cairn_q *s = cairn_q_prepare(req->store, sql, err);
  if (!s) return err ? err->code : CAIRN_EDB;
  cairn_q_text(s, ":status", status);
  cairn_q_int(s, ":max", OUTBOX_PAGE_ROWS);
  cairn_doc_open_impl(d, "section");
  cairn_doc_attr_impl(d, "status", status);
  while (cairn_q_step(s) == 1) {
    cairn_doc_open_impl(d, "message");
    cairn_doc_attr_impl(d, "id", cairn_q_col(s, 0));
    cairn_doc_attr_impl(d, "to", cairn_q_col(s, 1));
    cairn_doc_attr_impl(d, "name", cairn_q_col(s, 2));
    cairn_doc_attr_impl(d, "subject", cairn_q_col(s, 3));
    cairn_doc_attr_impl(d, "attempts", cairn_q_col(s, 4));
    cairn_doc_attr_impl(d, "created", cairn_q_col(s, 5));
    cairn_doc_attr_impl(d, "next", cairn_q_col(s, 6));
    if (!cairn_q_isnull(s, 7))
      cairn_doc_attr_impl(d, "sent", cairn_q_col(s, 7));
    cairn_doc_attr_impl(d, "message-id", cairn_q_col(s, 9));
    if (!cairn_q_isnull(s, 8))
      cairn_doc_text_impl(d, "error", cairn_q_col(s, 8));
    cairn_doc_close_impl(d);
  }
  cairn_q_done(s);
  cairn_doc_close_impl(d);
  return 0;
}

/* The whole page with `status`, and a refusal to show (or NULL). */
static int outbox_page(cairn_req *req, const cairn_error *shown, int status) {
  cairn_error err = {0};
  cairn_doc *d = cairn_doc_new(req, NULL, "outbox");
  cairn_doc_attr_impl(d, "configured", req->cfg && req->cfg->mail ? "yes" : "no");
  if (req->cfg && req->cfg->mail) {
    cairn_doc_attr_impl(d, "relay", cairn_arena_printf(req->arena, "%s:%d",
                        req->cfg->mail->host, req->cfg->mail->port));
    cairn_doc_attr_impl(d, "from", req->cfg->mail->from_address);
  }
  for (int i = 0; sections[i]; i++)
    if (section(req, d, sections[i], &err)) return err.code;
  if (shown && shown->code) cairn_doc_text_impl(d, "error", shown->message);
  req->view_doc = d->xml;
  req->view = "core/outbox";
  req->status = status;
  return status;
}

/* GET /admin/outbox */
int cairn_page_outbox(cairn_req *req) { return outbox_page(req, NULL, 200); }

/* POST /admin/outbox/ID/retry: back in line now, then back to the page. */
int cairn_page_outbox_retry(cairn_req *req) {
  const char *id_s = cairn_kv_get(req->params, req->n_params, "id");
  long long id = id_s ? strtoll(id_s, NULL, 10) : 0;
  cairn_error e = {0};
  int rc = cairn_outbox_retry(req->store, id, &e);
  if (rc == CAIRN_ENOTFOUND) return outbox_page(req, &e, 404);
  if (rc == CAIRN_ECONFLICT) return outbox_page(req, &e, 409);
  if (rc) return rc;
  req->audit_outcome = cairn_arena_printf(req->arena,
                                          "message %lld queued again", id);
  req->location = "/admin/outbox";
  req->status = 303;
  return 303;
}
