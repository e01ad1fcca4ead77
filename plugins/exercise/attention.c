/*
** attention.c -- the exercise progression's worklist (/exercise): episodes
** whose gate is open (ready to move on a stage) and episodes a flare
** stepped back in the last two weeks.  The dashboard is the program's page
** and the kit has no way for another plugin to add to it, so this list is
** a page of its own, linked from the library.
*/
#include "exercise.h"

#include <string.h>

/* Episodes looked at: every active episode with a progression, up to a
** clinic's worth; "recent" flares are those of the last two weeks. */
#define EX_ATTENTION_MAX 500
#define EX_RECENT_DAYS 14

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

int ex_page_attention(cairn_req *req) {
  cairn_error err = {0};
  cairn_doc *doc = cairn_doc_new(req, NULL, "exercise-attention");
  cairn_stmt *st = cairn_sql_prepare(req, SQL_ACTIVE, &err);
  long long ids[EX_ATTENTION_MAX], pats[EX_ATTENTION_MAX];
  size_t n = 0, i, k;
  int rc;
  if (st == NULL) return cairn_respond_failure(req, &err, 0);
  cairn_sql_bind_int(st, ":max", EX_ATTENTION_MAX);
  while ((rc = cairn_sql_step(st)) == 1 && n < EX_ATTENTION_MAX) {
    ids[n] = cairn_sql_int(st, 0);
    pats[n] = cairn_sql_int(st, 1);
    n++;
  }
  if (rc < 0) return CAIRN_EDB;
  cairn_doc_attr(doc, "recent-days", ex_fmt_int(req, EX_RECENT_DAYS));
  for (i = 0; i < n; i++) {
    ex_episode *e;
    if (ex_episode_load(req, pats[i], ids[i], &e, &err) != 0) continue;
    cairn_audit_note(req, e->patient, 0);
    if (e->gate.open)
      doc_row(req, doc, "open", e, e->gate.why, e->stage_since_date);
    for (k = e->n_changes; k-- > 0;) {
      const ex_change *c = &e->change[k];
      long day;
      if (strncmp(c->kind, "flare-", 6) != 0) continue;
      if (cairn_date_parse(c->date, &day) != 0 ||
          day < e->today - EX_RECENT_DAYS)
        break;
      doc_row(req, doc, "stepped-back", e,
              strcmp(c->kind, "flare-stage") == 0
                  ? "a severe flare: one stage back"
                  : "a flare: one load level back",
              c->date);
      break;
    }
  }
  return cairn_respond_view(req, doc, "exercise/attention", 200);
}
