/*
** patient_routine.c -- the patient's own routine page under /p/{episode}
** (docs/patient.md, "The hook for other plugins"): the home routine as on
** the handout, a form to log a session at home (the exercises done from
** the routine, pain during 0-10, a note) and, for sessions whose next
** morning is not known yet, the next-morning response.  A session logged
** here is an exercise:Session like one recorded at a visit, so it counts
** for the gate, the load steps and mastery under the same check hook.
**
** Every handler is reached only through the episode's personal link: the
** capability's scope must be "episode:{id}" of the path and the link
** still active, else the same 404 as the program's patient pages.  Every
** view is audited.  Nothing here shows a code or a staff note.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

/* Sessions offered for their next-morning response: the newest few whose
** morning is still unknown (a week of daily practice). */
#define EX_MORNINGS_SHOWN 7

/* Whether the episode's personal link is still active (the program's
** projection of its PatientLink): a revoked one shows nothing even while
** a session made through it lives. */
static const char SQL_LINK_ACTIVE[] =
    "SELECT count(*) FROM p_program_patient_link WHERE episode = :episode"
    " AND state = 'active' AND status <> 'entered-in-error'";

/* The same answer for a wrong, revoked or expired link and a missing
** episode or session: nothing about anyone. */
static int nothing_here(cairn_req *req) {
  return cairn_respond_error(req, 404, NULL,
                             "This page is not available. Please use the "
                             "link your clinic sent you.");
}

/* The route's episode for the capability holder: 0 with *out, or the
** status of the 404 already sent.  Audits the view. */
static int route(cairn_req *req, ex_episode **out) {
  cairn_error err = {0};
  const char *scope = cairn_req_capability(req);
  const char *p = cairn_req_param(req, "episode");
  long long id = p ? strtoll(p, NULL, 10) : 0;
  cairn_stmt *st;
  int rc;
  if (scope == NULL || id <= 0 ||
      strcmp(scope, cairn_req_printf(req, "episode:%lld", id)) != 0)
    return nothing_here(req);
  rc = ex_episode_load(req, 0, id, out, &err);
  if (rc == CAIRN_ENOTFOUND) return nothing_here(req);
  if (rc != 0) return cairn_respond_failure(req, &err, 0);
  st = cairn_sql_prepare(req, SQL_LINK_ACTIVE, &err);
  if (st == NULL || cairn_sql_bind_int(st, ":episode", id) != 0 ||
      cairn_sql_step(st) != 1 || cairn_sql_int(st, 0) == 0)
    return nothing_here(req);
  cairn_audit_note(req, (*out)->patient, (*out)->id);
  return 0;
}

/* 1 when item `it` may be logged today: its stage is reached (a severe
** flare may have stepped the episode back below a loaded exercise). */
static int loggable(const ex_episode *e, const ex_routine_entry *it) {
  return it->x->stage <= e->stage;
}

/* The form's fields: the date, a box per loggable item ("x1".."xN" in
** the routine's order), pain during, a note.  Built per request. */
static cairn_field *log_fields(cairn_req *req, const ex_episode *e,
                               const ex_routine *r) {
  static const cairn_field head[] = {
    { .name = "date", .label = "When did you do it?",
      .kind = CAIRN_FIELD_DATE, .flags = CAIRN_FIELD_REQUIRED },
  };
  static const cairn_field tail[] = {
    { .name = "pain", .label = "Pain while exercising, 0 (none) to 10 "
                               "(the worst imaginable)",
      .kind = CAIRN_FIELD_INTEGER, .flags = CAIRN_FIELD_REQUIRED,
      .min = 0, .max = 10 },
    { .name = "notes", .label = "Anything to tell your clinician? "
                                "(optional)",
      .kind = CAIRN_FIELD_TEXTAREA, .max = 500 },
    { .name = NULL }
  };
  cairn_field *f = cairn_req_alloc(req, (r->n_items + 4) * sizeof *f);
  size_t i, k = 0;
  f[k++] = head[0];
  for (i = 0; i < r->n_items; i++) {
    const ex_routine_entry *it = &r->item[i];
    if (!loggable(e, it)) continue;
    f[k++] = (cairn_field){
      .name = cairn_req_printf(req, "x%zu", i + 1),
      .label = cairn_req_printf(req, "%s: %s", it->x->name,
                                ex_dose_text(req, &it->dose)),
      .kind = CAIRN_FIELD_CHECKBOX };
  }
  for (i = 0; i < sizeof tail / sizeof tail[0]; i++) f[k++] = tail[i];
  return f;
}

/* The page, with form f (NULL: a fresh one) at `status`. */
static int render(cairn_req *req, const ex_episode *e, const ex_routine *r,
                  int have, cairn_form *f, int status) {
  const ex_library *lib = exercise_library;
  cairn_doc *doc = cairn_doc_new(req, NULL, "exercise-patient-routine");
  const char *sent = cairn_req_query(req, "sent");
  size_t i, shown = 0;
  cairn_doc_attr(doc, "episode", ex_fmt_int(req, e->id));
  cairn_doc_attr(doc, "base", cairn_req_printf(req, "/p/%lld", e->id));
  cairn_doc_attr(doc, "today", cairn_date_format(req, e->today));
  cairn_doc_attr(doc, "max-pain", ex_fmt_int(req, lib->rules.max_pain));
  if (sent != NULL && (strcmp(sent, "session") == 0 ||
                       strcmp(sent, "morning") == 0))
    cairn_doc_attr(doc, "sent", sent);
  if (!have) return cairn_respond_view(req, doc, "exercise/patient-routine",
                                       status);
  cairn_doc_attr(doc, "since", r->since);
  cairn_doc_attr(doc, "weeks", ex_fmt_int(req, r->weeks));
  for (i = 0; i < r->n_items; i++) {
    const ex_routine_entry *it = &r->item[i];
    ex_doc_exercise(req, doc, it->x, 1);
    cairn_doc_attr(doc, "how-often", ex_how_often(req, it->per_week));
    if (!loggable(e, it)) cairn_doc_attr(doc, "paused", "yes");
    cairn_doc_open(doc, "prescribed");
    ex_doc_dose(req, doc, &it->dose);
    cairn_doc_close(doc);
    cairn_doc_close(doc);
  }
  for (i = 0; i < r->n_tools; i++) {
    cairn_doc_open(doc, "tool");
    cairn_doc_attr(doc, "name", r->tool[i]->name);
    cairn_doc_text(doc, "advice", r->tool[i]->advice);
    cairn_doc_close(doc);
  }
  cairn_doc_open(doc, "flare-plan");
  cairn_doc_text(doc, "advice", r->flare_plan ? r->flare_plan->advice : NULL);
  cairn_doc_text(doc, "step-back", ex_flare_step_back(req, r));
  cairn_doc_close(doc);
  cairn_doc_text(doc, "note", r->note[0] ? r->note : NULL);

  /* the next mornings still unknown, newest first */
  for (i = e->n_sessions; i-- > 0 && shown < EX_MORNINGS_SHOWN;) {
    const ex_session_rec *s = &e->session[i];
    size_t k;
    const char *names = "";
    if (s->s.next_morning != EX_RESP_UNKNOWN) continue;
    for (k = 0; k < s->n_done; k++) {
      const ex_exercise *x = ex_library_find(lib, s->done[k].exercise);
      names = cairn_req_printf(req, "%s%s%s", names, k ? ", " : "",
                               x ? x->name : "an exercise");
    }
    cairn_doc_open(doc, "morning");
    cairn_doc_attr(doc, "date", s->date);
    cairn_doc_attr(doc, "exercises", names);
    cairn_doc_attr(doc, "pain", ex_fmt_int(req, s->s.pain));
    cairn_doc_attr(doc, "action", cairn_req_printf(
        req, "/p/%lld/routine/sessions/%lld/morning", e->id, s->id));
    cairn_doc_close(doc);
    shown++;
  }
  if (f == NULL) {
    f = cairn_form_new(req, "session", log_fields(req, e, r));
    cairn_form_set(f, "date", cairn_date_format(req, e->today));
  }
  cairn_form_doc(doc, f, cairn_req_printf(req, "/p/%lld/routine/sessions",
                                          e->id), "Save this session");
  return cairn_respond_view(req, doc, "exercise/patient-routine", status);
}

/* GET /p/{e}/routine: the routine and the log. */
int ex_patient_routine(cairn_req *req) {
  ex_episode *e;
  ex_routine *r;
  cairn_error err = {0};
  int have, rc = route(req, &e);
  if (rc != 0) return rc;
  r = cairn_req_alloc(req, sizeof *r);
  have = ex_routine_load(req, e, r, &err);
  if (have < 0) return cairn_respond_failure(req, &err, 0);
  return render(req, e, r, have, NULL, 200);
}

/* POST /p/{e}/routine/sessions: a session logged at home; 303 back to the
** page, or the page again with what was typed and why at 409/422. */
int ex_patient_session(cairn_req *req) {
  ex_episode *e;
  ex_routine *r;
  cairn_error err = {0};
  cairn_form *f;
  cairn_doc *b;
  long long id;
  size_t i;
  int n = 0, have, rc = route(req, &e);
  if (rc != 0) return rc;
  r = cairn_req_alloc(req, sizeof *r);
  have = ex_routine_load(req, e, r, &err);
  if (have < 0) return cairn_respond_failure(req, &err, 0);
  if (have == 0)
    return cairn_respond_error(req, 409, NULL,
                               "Your clinician has not written your home "
                               "routine yet: there is nothing to log.");
  f = cairn_form_new(req, "session", log_fields(req, e, r));
  cairn_form_bind(f);
  b = cairn_doc_new(req, EXERCISE_NS, "Session");
  cairn_doc_text(b, "episode", ex_fmt_int(req, e->id));
  cairn_doc_text(b, "date", cairn_form_value(f, "date"));
  cairn_doc_text(b, "stage", ex_stage_code(e->stage));
  for (i = 0; i < r->n_items && n < EX_DONE_MAX; i++) {
    const ex_routine_entry *it = &r->item[i];
    if (!loggable(e, it) ||
        strcmp(cairn_form_value(f, cairn_req_printf(req, "x%zu", i + 1)),
               "yes") != 0)
      continue;
    cairn_doc_open(b, "done");
    cairn_doc_attr(b, "exercise", it->x->id);
    cairn_doc_attr(b, "sets", ex_fmt_int(req, it->dose.sets));
    if (it->dose.reps > 0)
      cairn_doc_attr(b, "reps", ex_fmt_int(req, it->dose.reps));
    if (it->dose.hold > 0)
      cairn_doc_attr(b, "hold", ex_fmt_int(req, it->dose.hold));
    cairn_doc_attr(b, "load", ex_fmt_kg(req, it->dose.load));
    cairn_doc_close(b);
    n++;
  }
  if (n == 0) cairn_form_error(f, "", "Tick at least one exercise you did.");
  cairn_doc_text(b, "pain", cairn_form_value(f, "pain"));
  if (cairn_form_value(f, "notes")[0])
    cairn_doc_text(b, "notes", cairn_form_value(f, "notes"));
  if (cairn_form_errors(f) > 0) return render(req, e, r, have, f, 422);
  rc = cairn_record_create(req, EX_T_SESSION, e->patient, b, &id, &err);
  if (rc == 0)
    return cairn_respond_redirect(
        req, cairn_req_printf(req, "/p/%lld/routine?sent=session", e->id));
  if (rc != CAIRN_EINVAL && rc != CAIRN_ECONFLICT && rc != CAIRN_ELIMIT)
    return cairn_respond_failure(req, &err, 0);
  cairn_form_host_error(f, &err);
  if (err.field[0] == '\0' || strcmp(err.field, "date") != 0)
    cairn_form_error(f, "", err.message);
  return render(req, e, r, have, f, rc == CAIRN_ECONFLICT ? 409 : 422);
}

/* POST /p/{e}/routine/sessions/{s}/morning: a session's next morning, once
** (a new version of the session). */
int ex_patient_morning(cairn_req *req) {
  ex_episode *e;
  cairn_error err = {0};
  const char *v = cairn_req_form(req, "nextMorning");
  const char *p = cairn_req_param(req, "session");
  long long sid = p ? strtoll(p, NULL, 10) : 0;
  const ex_session_rec *s = NULL;
  size_t i;
  int rc = route(req, &e);
  if (rc != 0) return rc;
  for (i = 0; i < e->n_sessions; i++)
    if (e->session[i].id == sid) s = &e->session[i];
  if (s == NULL) return nothing_here(req);
  if (v == NULL || ex_response_parse(v) == EX_RESP_UNKNOWN)
    return cairn_respond_error(req, 422, "nextMorning",
                               "Choose how the next morning was: better, "
                               "the same or worse than usual.");
  if (s->s.next_morning != EX_RESP_UNKNOWN)
    return cairn_respond_error(req, 409, "nextMorning",
                               "The next morning of that session is "
                               "already recorded.");
  rc = cairn_record_revise(req, sid, s->version, NULL,
                           ex_session_with_morning(req, e, s, v), &err);
  if (rc != 0) return cairn_respond_failure(req, &err, 0);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/p/%lld/routine?sent=morning", e->id));
}
