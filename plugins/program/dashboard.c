/*
** dashboard.c -- the care program's part of the staff home page (GET /):
** patients by phase, checkpoints due this week (Monday to Sunday) and
** overdue, and open flares; then the parts other plugins add (slot
** "dashboard").  A checkpoint is due on its definition's
** dueDay and overdue after its overdueDay, both counted from the start of
** the introductory phase, by the definition version the episode began
** under; once the job program:overdue-checkpoints has recorded it
** (overdue.c), the date it recorded.
*/
#include "program.h"

#include <string.h>

/* Rows each list shows: a clinic's week fits; more is a backlog to see
** on the patient list. */
#define DASH_ROWS_MAX 200

static const char SQL_BY_PHASE[] =
    "SELECT phase, count(*) FROM p_program_episode"
    " WHERE phase IS NOT NULL AND status <> 'entered-in-error'"
    " GROUP BY phase";

static const char SQL_AT_CHECKPOINT[] =
    "SELECT e.record, e.patient, p.name, e.phase, e.definition_version,"
    " (SELECT c.change_date FROM p_program_phase_change c"
    "  WHERE c.episode = e.record AND c.to_phase = 'introductory'"
    "  AND c.status <> 'entered-in-error' ORDER BY c.record LIMIT 1),"
    /* The job program:overdue-checkpoints' mark for this phase, if any. */
    " (SELECT o.overdue_since FROM p_program_checkpoint_overdue o"
    "  WHERE o.episode = e.record AND o.phase = e.phase"
    "  AND o.status <> 'entered-in-error' LIMIT 1)"
    " FROM p_program_episode e JOIN p_program_patient p"
    " ON p.record = e.patient"
    " WHERE e.phase IN ('introductory', 'first-month')"
    " AND e.status <> 'entered-in-error' ORDER BY p.name LIMIT 200";

static const char SQL_OPEN_FLARES[] =
    "SELECT f.start_date, f.severity, p.name, f.patient, f.episode,"
    " f.trigger_text FROM p_program_flare f JOIN p_program_patient p"
    " ON p.record = f.patient WHERE f.end_date IS NULL"
    " AND f.status <> 'entered-in-error' ORDER BY f.start_date LIMIT 200";

int program_dashboard(cairn_req *req, cairn_doc *doc) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  long today = program_days(cairn_req_today(req));
  long sunday = today + (6 - (((today + 3) % 7) + 7) % 7);
  int rc, k;
  long long counts[PHASE_COUNT] = {0};

  cairn_doc_open(doc, "program");
  cairn_doc_attr(doc, "week-end", cairn_date_format(req, sunday));
  st = cairn_sql_prepare(req, SQL_BY_PHASE, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    program_phase ph = program_phase_parse(cairn_sql_text(st, 0));
    if (ph != PHASE_NONE) counts[ph] = cairn_sql_int(st, 1);
  }
  if (rc < 0) return CAIRN_EDB;
  for (k = 0; k < PHASE_COUNT; k++) {
    cairn_doc_open(doc, "phase");
    cairn_doc_attr(doc, "id", program_phase_code((program_phase)k));
    cairn_doc_attr(doc, "name", program_phase_label((program_phase)k));
    cairn_doc_attr(doc, "episodes", program_fmt_int(req, counts[k]));
    cairn_doc_close(doc);
  }

  st = cairn_sql_prepare(req, SQL_AT_CHECKPOINT, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  for (k = 0; k < DASH_ROWS_MAX && (rc = cairn_sql_step(st)) == 1; k++) {
    const program_def *d = program_def_find((int)cairn_sql_int(st, 4));
    program_phase ph = program_phase_parse(cairn_sql_text(st, 3));
    long start = program_days(cairn_sql_text(st, 5)), due, overdue;
    const program_checkpoint_def *cp;
    const char *state;
    if (d == NULL || start < 0) continue;
    cp = &d->checkpoint[ph == PHASE_INTRODUCTORY ? 0 : 1];
    due = start + cp->due_day;
    overdue = start + cp->overdue_day;
    /* Marked by the job: overdue since the day it recorded. */
    if (!cairn_sql_is_null(st, 6)) {
      long marked = program_days(cairn_sql_text(st, 6));
      if (marked >= 0) overdue = marked;
    }
    if (today > overdue || !cairn_sql_is_null(st, 6)) state = "overdue";
    else if (due <= sunday) state = "due";
    else continue;
    cairn_doc_open(doc, "checkpoint");
    cairn_doc_attr(doc, "state", state);
    cairn_doc_attr(doc, "phase", program_phase_code(ph));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "due", cairn_date_format(req, due));
    cairn_doc_attr(doc, "overdue", cairn_date_format(req, overdue));
    cairn_doc_attr(doc, "href", cairn_req_printf(
        req, "/patients/%lld/episodes/%lld/checkpoint", cairn_sql_int(st, 1),
        cairn_sql_int(st, 0)));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;

  st = cairn_sql_prepare(req, SQL_OPEN_FLARES, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "flare");
    cairn_doc_attr(doc, "start", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "severity", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "trigger", cairn_sql_text(st, 5));
    cairn_doc_attr(doc, "href", cairn_req_printf(
        req, "/patients/%lld/episodes/%lld", cairn_sql_int(st, 3),
        cairn_sql_int(st, 4)));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  cairn_doc_close(doc);
  return CAIRN_OK;
}
