/*
** session.c -- the exercise session a clinician records at a visit: the
** form (rows of exercise and dose, prefilled with the next level of each
** exercise of the stage), its POST (form or an exercise:Session as XML),
** and the next-morning response added later as a new version.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

/* Rows of the form: a session of one stage rarely has more; the record
** allows EX_DONE_MAX. */
#define EX_ROWS 6
/* Fields before the rows, and per row. */
#define EX_HEAD_FIELDS 5
#define EX_ROW_FIELDS 5

static const char *const responses[] = {
  "better", "Better than usual", "same", "Same as usual", "worse",
  "Worse than usual", NULL };

/* The form's fields: the session, then EX_ROWS rows of exercise, sets,
** reps, hold, load.  Built per request: the exercise choices are those of
** the stages the episode has reached. */
static cairn_field *session_fields(cairn_req *req, const ex_episode *e) {
  const ex_library *lib = exercise_library;
  cairn_field *f = cairn_req_alloc(
      req, (EX_HEAD_FIELDS + EX_ROWS * EX_ROW_FIELDS + 1) * sizeof *f);
  const char **choices = cairn_req_alloc(req, (2 * lib->n + 3) *
                                                  sizeof *choices);
  size_t c = 0, i;
  int k = 0, row;
  choices[c++] = "";
  choices[c++] = "(none)";
  for (i = 0; i < lib->n; i++) {
    if (lib->ex[i].stage > e->stage) continue;
    choices[c++] = lib->ex[i].id;
    choices[c++] = cairn_req_printf(req, "%s (%s)", lib->ex[i].name,
                                    ex_stage_label(lib->ex[i].stage));
  }
  choices[c] = NULL;
  f[k++] = (cairn_field){ .name = "date", .label = "Date",
                          .kind = CAIRN_FIELD_DATE,
                          .flags = CAIRN_FIELD_REQUIRED };
  f[k++] = (cairn_field){ .name = "pain", .label = "Pain during (0-10)",
                          .kind = CAIRN_FIELD_INTEGER,
                          .flags = CAIRN_FIELD_REQUIRED, .min = 0, .max = 10,
                          .hint = "Up to 5 is acceptable when it settles "
                                  "by the next morning." };
  f[k++] = (cairn_field){ .name = "nextMorning",
                          .label = "Next morning",
                          .kind = CAIRN_FIELD_RADIO, .choices = responses,
                          .hint = "Leave empty until it is known; add it "
                                  "from the exercise page." };
  f[k++] = (cairn_field){ .name = "notes", .label = "Notes",
                          .kind = CAIRN_FIELD_TEXTAREA, .max = 2000 };
  f[k++] = (cairn_field){ .name = "stage", .label = "Stage",
                          .kind = CAIRN_FIELD_HIDDEN, .max = 20 };
  for (row = 1; row <= EX_ROWS; row++) {
    f[k++] = (cairn_field){
        .name = cairn_req_printf(req, "ex%d", row),
        .label = "Exercise",
        .kind = CAIRN_FIELD_SELECT, .choices = choices };
    f[k++] = (cairn_field){ .name = cairn_req_printf(req, "sets%d", row),
                            .label = "Sets",
                            .kind = CAIRN_FIELD_INTEGER, .min = 1,
                            .max = 10 };
    f[k++] = (cairn_field){ .name = cairn_req_printf(req, "reps%d", row),
                            .label = "Reps",
                            .kind = CAIRN_FIELD_INTEGER, .min = 1,
                            .max = 50 };
    f[k++] = (cairn_field){
        .name = cairn_req_printf(req, "hold%d", row),
        .label = "Hold, s",
        .kind = CAIRN_FIELD_INTEGER, .min = 1, .max = 300 };
    f[k++] = (cairn_field){
        .name = cairn_req_printf(req, "load%d", row),
        .label = "Load, kg",
        .kind = CAIRN_FIELD_NUMBER, .min = 0, .max = 300 };
  }
  f[k].name = NULL;
  return f;
}

static void set_int(cairn_req *req, cairn_form *f, const char *name,
                    int row, int v) {
  cairn_form_set(f, cairn_req_printf(req, "%s%d", name, row),
                 v > 0 ? ex_fmt_int(req, v) : "");
}

/* Prefill: the exercises of the current stage with their next dose. */
static void prefill(cairn_req *req, cairn_form *f, const ex_episode *e) {
  const ex_library *lib = exercise_library;
  size_t i;
  int row = 1;
  cairn_form_set(f, "date", cairn_date_format(req, e->today));
  cairn_form_set(f, "stage", ex_stage_code(e->stage));
  for (i = 0; i < lib->n && row <= EX_ROWS; i++) {
    const ex_exercise *x = &lib->ex[i];
    ex_dose d;
    if (x->stage != e->stage) continue;
    d = ex_current_dose(e, x);
    cairn_form_set(f, cairn_req_printf(req, "ex%d", row), x->id);
    set_int(req, f, "sets", row, d.sets);
    set_int(req, f, "reps", row, d.reps);
    set_int(req, f, "hold", row, d.hold);
    cairn_form_set(f, cairn_req_printf(req, "load%d", row),
                   ex_fmt_kg(req, d.load));
    row++;
  }
}

static int render_form(cairn_req *req, const ex_episode *e, cairn_form *f,
                       int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "exercise-session-form");
  ex_doc_episode_head(req, doc, e);
  cairn_doc_open(doc, "stage");
  cairn_doc_attr(doc, "label", ex_stage_label(e->stage));
  cairn_doc_attr(doc, "max-pain",
                 ex_fmt_int(req, exercise_library->rules.max_pain));
  cairn_doc_close(doc);
  cairn_doc_attr(doc, "rows", ex_fmt_int(req, EX_ROWS));
  cairn_form_doc(doc, f, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise/sessions", e->patient,
      e->id), "Record the session");
  return cairn_respond_view(req, doc, "exercise/session-form", status);
}

int ex_page_session_new(cairn_req *req) {
  ex_episode *e;
  cairn_form *f;
  int rc = ex_route_episode(req, &e);
  if (rc != 0) return rc;
  if (e->stage == EX_STAGE_NONE)
    return cairn_respond_error(req, 409, "stage",
                         "The exercise progression has not started: start "
                         "it on the exercise page first.");
  f = cairn_form_new(req, "session", session_fields(req, e));
  prefill(req, f, e);
  return render_form(req, e, f, 200);
}

/* The Session body from a bound form; row errors go on the form. */
static cairn_doc *form_body(cairn_req *req, const ex_episode *e,
                            cairn_form *f) {
  cairn_doc *b = cairn_doc_new(req, EXERCISE_NS, "Session");
  int row, n = 0;
  cairn_doc_text(b, "episode", ex_fmt_int(req, e->id));
  cairn_doc_text(b, "date", cairn_form_value(f, "date"));
  cairn_doc_text(b, "stage", cairn_form_value(f, "stage"));
  for (row = 1; row <= EX_ROWS; row++) {
    const char *x = cairn_form_value(f, cairn_req_printf(req, "ex%d", row));
    const char *sets = cairn_form_value(f, cairn_req_printf(req, "sets%d",
                                                            row));
    const char *reps = cairn_form_value(f, cairn_req_printf(req, "reps%d",
                                                            row));
    const char *hold = cairn_form_value(f, cairn_req_printf(req, "hold%d",
                                                            row));
    const char *load = cairn_form_value(f, cairn_req_printf(req, "load%d",
                                                            row));
    if (x[0] == '\0') continue;
    if (sets[0] == '\0')
      cairn_form_error(f, cairn_req_printf(req, "sets%d", row),
                       "Sets: how many sets were done?");
    if (reps[0] == '\0' && hold[0] == '\0')
      cairn_form_error(f, cairn_req_printf(req, "reps%d", row),
                       "Give the repetitions, a hold in seconds, or both.");
    cairn_doc_open(b, "done");
    cairn_doc_attr(b, "exercise", x);
    cairn_doc_attr(b, "sets", sets);
    if (reps[0]) cairn_doc_attr(b, "reps", reps);
    if (hold[0]) cairn_doc_attr(b, "hold", hold);
    cairn_doc_attr(b, "load", load[0] ? load : "0");
    cairn_doc_close(b);
    n++;
  }
  if (n == 0)
    cairn_form_error(f, "ex1", "Choose at least one exercise that was done.");
  cairn_doc_text(b, "pain", cairn_form_value(f, "pain"));
  if (cairn_form_value(f, "nextMorning")[0])
    cairn_doc_text(b, "nextMorning", cairn_form_value(f, "nextMorning"));
  if (cairn_form_value(f, "notes")[0])
    cairn_doc_text(b, "notes", cairn_form_value(f, "notes"));
  return b;
}

static int refused(cairn_req *req, const ex_episode *e, cairn_form *f,
                   const cairn_error *err) {
  if (err->code != CAIRN_EINVAL && err->code != CAIRN_ECONFLICT &&
      err->code != CAIRN_ELIMIT)
    return cairn_respond_failure(req, err, 0);
  cairn_form_host_error(f, err);
  if (err->field[0] == '\0' || strcmp(err->field, "done") == 0 ||
      strcmp(err->field, "stage") == 0)
    cairn_form_error(f, "", err->message);
  return render_form(req, e, f, err->code == CAIRN_ECONFLICT ? 409 : 422);
}

int ex_post_session(cairn_req *req) {
  ex_episode *e;
  cairn_error err = {0};
  cairn_form *f;
  cairn_doc *body;
  long long id;
  const char *back;
  int rc = ex_route_episode(req, &e);
  if (rc != 0) return rc;
  back = cairn_req_printf(req, "/patients/%lld/episodes/%lld/exercise",
                          e->patient, e->id);
  if (ex_req_is_xml(req)) {
    body = cairn_req_body_record(req, EX_T_SESSION, &err);
    if (body == NULL) return cairn_respond_failure(req, &err, 0);
    rc = cairn_record_create(req, EX_T_SESSION, e->patient, body, &id, &err);
    return rc == 0 ? cairn_respond_redirect(req, back)
                   : cairn_respond_failure(req, &err, 0);
  }
  f = cairn_form_new(req, "session", session_fields(req, e));
  cairn_form_bind(f);
  body = form_body(req, e, f);
  if (cairn_form_errors(f) > 0) return render_form(req, e, f, 422);
  rc = cairn_record_create(req, EX_T_SESSION, e->patient, body, &id, &err);
  if (rc == 0) return cairn_respond_redirect(req, back);
  return refused(req, e, f, &err);
}

/* See exercise.h. */
cairn_doc *ex_session_with_morning(cairn_req *req, const ex_episode *e,
                                   const ex_session_rec *s, const char *v) {
  cairn_doc *b = cairn_doc_new(req, EXERCISE_NS, "Session");
  size_t i;
  cairn_doc_text(b, "episode", ex_fmt_int(req, e->id));
  cairn_doc_text(b, "date", s->date);
  cairn_doc_text(b, "stage", ex_stage_code(s->s.stage));
  for (i = 0; i < s->n_done; i++) {
    const ex_dose *d = &s->done[i].dose;
    cairn_doc_open(b, "done");
    cairn_doc_attr(b, "exercise", s->done[i].exercise);
    cairn_doc_attr(b, "sets", ex_fmt_int(req, d->sets));
    if (d->reps > 0) cairn_doc_attr(b, "reps", ex_fmt_int(req, d->reps));
    if (d->hold > 0) cairn_doc_attr(b, "hold", ex_fmt_int(req, d->hold));
    cairn_doc_attr(b, "load", ex_fmt_kg(req, d->load));
    cairn_doc_close(b);
  }
  cairn_doc_text(b, "pain", ex_fmt_int(req, s->s.pain));
  cairn_doc_text(b, "nextMorning", v);
  if (s->notes[0]) cairn_doc_text(b, "notes", s->notes);
  return b;
}

int ex_post_morning(cairn_req *req) {
  ex_episode *e;
  cairn_error err = {0};
  const char *v = cairn_req_form(req, "nextMorning");
  long long sid = strtoll(cairn_req_param(req, "session"), NULL, 10);
  const ex_session_rec *s = NULL;
  cairn_doc *b;
  size_t i;
  int rc = ex_route_episode(req, &e);
  if (rc != 0) return rc;
  for (i = 0; i < e->n_sessions; i++)
    if (e->session[i].id == sid) s = &e->session[i];
  if (s == NULL)
    return cairn_respond_error(req, 404, "session",
                         "There is no such session in this episode.");
  if (v == NULL || ex_response_parse(v) == EX_RESP_UNKNOWN)
    return cairn_respond_error(req, 422, "nextMorning",
                         "Next morning: choose better, same or worse than "
                         "usual.");
  b = ex_session_with_morning(req, e, s, v);
  rc = cairn_record_revise(req, sid, s->version, NULL, b, &err);
  if (rc != 0) return cairn_respond_failure(req, &err, 0);
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id));
}
