/*
** job.c -- the plugin's scheduled work: referrals sent and not
** acknowledged after `ack-days` are flagged (flaggedUnacknowledged set to
** the day it was noticed), so /referrals shows them first and staff call
** the partner.  Idempotent: a flagged referral is not selected again, and
** acknowledging, deciding or re-sending clears the flag.
*/
#include "referral.h"

static const char SQL_DUE[] =
    "SELECT record FROM p_referral_referral"
    " WHERE state = 'sent' AND flagged IS NULL AND sent <= :due"
    " AND status <> 'entered-in-error' ORDER BY sent, record LIMIT :limit";

/* See referral.h.  Returns how many referrals it flagged. */
int referral_job_unacknowledged(cairn_req *req, cairn_error *err) {
  const char *due = cairn_date_format(req, cairn_date_today(req) -
                                               referral_cfg.ack_days);
  cairn_stmt *st = cairn_sql_prepare(req, SQL_DUE, err);
  long long ids[REFERRAL_JOB_BATCH];
  int n = 0, done = 0, rc = 0, i;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_text(st, ":due", due) != 0 ||
      cairn_sql_bind_int(st, ":limit", REFERRAL_JOB_BATCH) != 0)
    return CAIRN_EINTERNAL;
  /* Read the batch first: the statement is not stepped across writes. */
  while (n < REFERRAL_JOB_BATCH && (rc = cairn_sql_step(st)) == 1)
    ids[n++] = cairn_sql_int(st, 0);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "referral: the list of sent "
                                                      "referrals could not be read");
  for (i = 0; i < n; i++) {
    const cairn_record *rec;
    referral_change ch = {0};
    if (referral_load(req, 0, ids[i], &rec, err) != CAIRN_OK) return err->code;
    ch.flagged = cairn_req_today(req);
    rc = cairn_record_revise(req, ids[i], cairn_record_version(rec), NULL,
                             referral_changed(req, rec, &ch, cairn_req_actor(req)),
                             err);
    if (rc != CAIRN_OK) return rc;
    done++;
  }
  return done;
}
