/*
** overdue.c -- the job intake:overdue-calls: a discovery-call request
** still new answer-days after it arrived is marked overdue on the request
** itself (overdueSince, the day it fell behind), so the queue and the
** front desk's home say "overdue since" and the record keeps, with the
** job as its author, that the clinic did not call back in time.  Marked
** once: a second run finds nothing to do.
*/
#include "intake.h"

#include <stdio.h>
#include <string.h>

/* Requests marked per run at most: a backlog is finished by the next
** runs, each well inside its lease. */
#define OVERDUE_BATCH 200

static const char SQL_DUE[] =
    "SELECT record, received FROM p_intake_request"
    " WHERE state = 'new' AND status <> 'entered-in-error'"
    " AND overdue_since IS NULL AND received <= :cutoff"
    " ORDER BY received, record LIMIT :n";

/* See intake.h. */
int intake_job_overdue_calls(cairn_req *req, cairn_error *err) {
  long today = cairn_date_today(req);
  cairn_stmt *st = cairn_sql_prepare(req, SQL_DUE, err);
  long long ids[OVERDUE_BATCH];
  const char *since[OVERDUE_BATCH];
  int n = 0, k, rc, done = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_text(st, ":cutoff",
                          cairn_date_format(req, today -
                                                     intake_cfg.answer_days)) ||
      cairn_sql_bind_int(st, ":n", OVERDUE_BATCH))
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "intake: bind failed");
  /* Read the batch first: each mark is a write. */
  while (n < OVERDUE_BATCH && (rc = cairn_sql_step(st)) == 1) {
    long received;
    ids[n] = cairn_sql_int(st, 0);
    since[n] = cairn_date_parse(cairn_sql_text(st, 1), &received) == CAIRN_OK
                   ? cairn_date_format(req, received + intake_cfg.answer_days)
                   : cairn_req_today(req);
    n++;
  }
  for (k = 0; k < n; k++) {
    const cairn_record *rec;
    rc = cairn_record_get(req, ids[k], &rec, err);
    if (rc == CAIRN_OK) rc = intake_request_mark_overdue(req, rec, since[k], err);
    /* A request answered meanwhile is a conflict: it is not overdue. */
    if (rc == CAIRN_ECONFLICT) continue;
    if (rc != CAIRN_OK) return rc;
    done++;
  }
  return done;
}
