/*
** together.c -- a change and the message it causes, in one transaction.
** A handler that issues a capability link and emails it makes two writes;
** the host table's transaction() wraps them (and any record writes, which
** then use savepoints inside it) in one BEGIN IMMEDIATE, so that a crash
** or a refusal between them leaves neither: no link that was never sent,
** no message for a link that does not exist.
*/
#include "cairn_int.h"
#include "coresql.h"
#include "outbox.h"

/*
** Run fn in one transaction (plugin.h, transaction).  The request's
** half-stepped reads are reset first, as for any write (store.c).
*/
int cairn_transaction_impl(cairn_req *req,
                           int (*fn)(cairn_req *req, void *arg,
                                     cairn_error *err),
                           void *arg, cairn_error *err) {
  if (!req || !req->store || !fn)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "transaction: no store or no function");
  /* cairn_store_begin refuses a nested transaction (CAIRN_EINTERNAL). */
  cairn_q_write_ready(req->store);
  int rc = cairn_store_begin(req->store, err);
  if (rc) return rc;
  rc = fn(req, arg, err);
  if (rc) {
    cairn_store_rollback(req->store);
    if (err && err->code == 0) err->code = rc;
    return rc;
  }
  return cairn_store_commit(req->store, err);
}
