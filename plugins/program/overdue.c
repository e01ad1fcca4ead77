/*
** overdue.c -- the job program:overdue-checkpoints: an episode whose
** phase's checkpoint (introductory, first month) went past its overdueDay
** gets one program:CheckpointOverdue record for that phase, written by
** the job, so the staff dashboard says since when from what was recorded
** that day (a later definition does not move it), and the episode keeps
** that its checkpoint went overdue after it is held.  A second run finds
** the record and writes nothing.
*/
#include "program.h"

#include <string.h>

/* Episodes looked at per run: those at a checkpoint, as the dashboard
** lists them; a backlog is finished by the next runs. */
#define OVERDUE_BATCH 200

/* Episodes at a checkpoint with no mark yet for their phase; the start of
** their introductory phase. */
static const char SQL_AT_CHECKPOINT[] =
    "SELECT e.record, e.patient, e.phase, e.definition_version,"
    " (SELECT c.change_date FROM p_program_phase_change c"
    "  WHERE c.episode = e.record AND c.to_phase = 'introductory'"
    "  AND c.status <> 'entered-in-error' ORDER BY c.record LIMIT 1)"
    " FROM p_program_episode e"
    " WHERE e.phase IN ('introductory', 'first-month')"
    " AND e.status <> 'entered-in-error'"
    " AND NOT EXISTS (SELECT 1 FROM p_program_checkpoint_overdue o"
    "  WHERE o.episode = e.record AND o.phase = e.phase"
    "  AND o.status <> 'entered-in-error')"
    " ORDER BY e.record LIMIT :n";

/* One mark to write: read first, written after the query is done. */
typedef struct overdue_mark {
  long long episode;         /* the episode at its checkpoint */
  long long patient;         /* its patient */
  const char *phase;         /* "introductory" or "first-month" */
  long due, overdue;         /* the checkpoint's dueDay and overdueDay */
} overdue_mark;

/* See careprogram.h. */
int program_job_overdue_checkpoints(cairn_req *req, cairn_error *err) {
  overdue_mark marks[OVERDUE_BATCH];
  long today = program_days(cairn_req_today(req));
  cairn_stmt *st = cairn_sql_prepare(req, SQL_AT_CHECKPOINT, err);
  int n = 0, k, rc = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":n", OVERDUE_BATCH) != 0)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "program: bind failed");
  while (n < OVERDUE_BATCH && (rc = cairn_sql_step(st)) == 1) {
    const program_def *d = program_def_find((int)cairn_sql_int(st, 3));
    program_phase ph = program_phase_parse(cairn_sql_text(st, 2));
    long start = program_days(cairn_sql_text(st, 4));
    const program_checkpoint_def *cp;
    if (d == NULL || start < 0) continue;
    cp = &d->checkpoint[ph == PHASE_INTRODUCTORY ? 0 : 1];
    if (today <= start + cp->overdue_day) continue;
    marks[n] = (overdue_mark){
        .episode = cairn_sql_int(st, 0), .patient = cairn_sql_int(st, 1),
        .phase = program_phase_code(ph), .due = start + cp->due_day,
        .overdue = start + cp->overdue_day};
    n++;
  }
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "program: query failed");
  for (k = 0; k < n; k++) {
    cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "CheckpointOverdue");
    long long id;
    cairn_doc_text(doc, "episode", program_fmt_int(req, marks[k].episode));
    cairn_doc_text(doc, "phase", marks[k].phase);
    cairn_doc_text(doc, "due", cairn_date_format(req, marks[k].due));
    cairn_doc_text(doc, "overdueSince",
                   cairn_date_format(req, marks[k].overdue));
    rc = cairn_record_create(req, PROGRAM_T_CHECKPOINT_OVERDUE,
                             marks[k].patient, doc, &id, err);
    if (rc != CAIRN_OK) return rc;
  }
  return n;
}
