/*
** attention.c -- the exercise progression's worklist (/exercise): episodes
** whose gate is open (ready to move on a stage) and episodes a flare
** stepped back in the last two weeks (EX_STEPPED_BACK_DAYS).  The staff
** dashboard shows the first of each (sections.c, slot "dashboard") and
** links here for the whole list.
*/
#include "exercise.h"

static const char SQL_ACTIVE[] =
    "SELECT DISTINCT s.episode, s.patient FROM p_exercise_stage s"
    " JOIN p_program_episode e ON e.record = s.episode"
    " WHERE s.status <> 'entered-in-error'"
    " AND COALESCE(e.phase, '') NOT IN ('graduated', 'exited')"
    " ORDER BY s.episode LIMIT :max";

static void doc_row(cairn_req *req, cairn_doc *doc, const char *name,
                    const ex_episode *e, const char *why,
                    const char *date) {
  cairn_doc_open(doc, name);
  cairn_doc_attr(doc, "patient", e->patient_name);
  cairn_doc_attr(doc, "stage", ex_stage_label(e->stage));
  cairn_doc_attr(doc, "why", why);
  cairn_doc_attr(doc, "date", date);
  cairn_doc_attr(doc, "href", cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id));
  cairn_doc_close(doc);
}

/* See exercise.h. */
int ex_active_episodes(cairn_req *req, long long *ids, long long *patients,
                       size_t max, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_ACTIVE, err);
  size_t n = 0;
  int rc = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":max", (long long)max);
  while (n < max && (rc = cairn_sql_step(st)) == 1) {
    ids[n] = cairn_sql_int(st, 0);
    patients[n] = cairn_sql_int(st, 1);
    n++;
  }
  if (n < max && rc < 0)
    return cairn_fail(err, CAIRN_EDB, NULL,
                      "exercise: reading the progressions failed");
  return (int)n;
}

int ex_page_attention(cairn_req *req) {
  cairn_error err = {0};
  cairn_doc *doc = cairn_doc_new(req, NULL, "exercise-attention");
  long long ids[EX_ACTIVE_MAX], pats[EX_ACTIVE_MAX];
  size_t n, i;
  int rc = ex_active_episodes(req, ids, pats, EX_ACTIVE_MAX, &err);
  if (rc < 0) return cairn_respond_failure(req, &err, 0);
  n = (size_t)rc;
  cairn_doc_attr(doc, "recent-days", ex_fmt_int(req, EX_STEPPED_BACK_DAYS));
  for (i = 0; i < n; i++) {
    ex_episode *e;
    const ex_change *c;
    if (ex_episode_load(req, pats[i], ids[i], &e, &err) != 0) continue;
    cairn_audit_note(req, e->patient, 0);
    if (e->gate.open)
      doc_row(req, doc, "open", e, e->gate.why, e->stage_since_date);
    if ((c = ex_recent_step_back(e)) != NULL)
      doc_row(req, doc, "stepped-back", e, ex_step_back_words(c), c->date);
  }
  return cairn_respond_view(req, doc, "exercise/attention", 200);
}
