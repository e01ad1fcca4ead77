/*
** section.c -- the episode's exercise section: the stage and since when,
** the gate and why, the next step, the sessions, each exercise's loads
** (a chart per exercise), progress towards mastery, the home routine; and
** the POST that starts the progression or moves it on a stage.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

/* Sessions shown on the page, newest first: a season of visits. */
#define EX_SESSIONS_SHOWN 40

static const cairn_field stage_fields[] = {
  { .name = "from", .label = "Current stage", .kind = CAIRN_FIELD_HIDDEN,
    .flags = CAIRN_FIELD_REQUIRED, .max = 20 },
  { .name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
    .flags = CAIRN_FIELD_REQUIRED },
  { .name = "reason", .label = "Reason", .kind = CAIRN_FIELD_TEXTAREA,
    .max = 2000,
    .hint = "Needed to start before the data say the gains are "
            "stabilizing (the monthly program with gains held)." },
  { .name = NULL }
};

/* See exercise.h. */
const char *ex_next_step(cairn_req *req, const ex_episode *e) {
  if (e->stage == EX_STAGE_NONE) {
    if (strcmp(e->phase, "monthly") == 0 && e->gains_held)
      return "The data say the gains are stabilizing: start corrective "
             "exercise.";
    if (strcmp(e->phase, "monthly") == 0)
      return "Gains are not yet shown to hold: wait, or start corrective "
             "exercise now with a written reason.";
    return "The active progression starts in the monthly program once gains "
           "hold; before then only with a written reason.";
  }
  if (e->stage == EX_STAGE_LOADING)
    return "Step each exercise's load up by its rule (the loads on the "
           "exercise page), and build the home routine from what is "
           "mastered.";
  if (e->gate.open)
    return cairn_req_printf(req, "Move on to %s.",
                            ex_stage_label(ex_stage_next(e->stage)));
  return cairn_req_printf(req, "Keep going with %s until the gate opens.",
                          ex_stage_label(e->stage));
}

/* <loads><exercise ...><point date= load= volume= text=/>*<next/>
** </exercise>*</loads>: each loading exercise done so far. */
static void doc_loads(cairn_req *req, cairn_doc *doc, const ex_episode *e) {
  const ex_library *lib = exercise_library;
  size_t i, k, j;
  cairn_doc_open(doc, "loads");
  for (j = 0; j < lib->n; j++) {
    const ex_exercise *x = &lib->ex[j];
    ex_load_state st;
    int any = 0;
    if (x->stage != EX_STAGE_LOADING) continue;
    for (i = 0; i < e->n_sessions && !any; i++)
      for (k = 0; k < e->session[i].n_done; k++)
        if (strcmp(e->session[i].done[k].exercise, x->id) == 0) any = 1;
    if (!any && e->stage != EX_STAGE_LOADING) continue;
    ex_exercise_loads(e, x, &st);
    cairn_doc_open(doc, "exercise");
    cairn_doc_attr(doc, "id", x->id);
    cairn_doc_attr(doc, "name", x->name);
    cairn_doc_attr(doc, "why", st.why);
    cairn_doc_attr(doc, "ups", ex_fmt_int(req, st.ups));
    cairn_doc_attr(doc, "backs", ex_fmt_int(req, st.backs));
    for (i = 0; i < e->n_sessions; i++)
      for (k = 0; k < e->session[i].n_done; k++) {
        const ex_done *d = &e->session[i].done[k];
        if (strcmp(d->exercise, x->id) != 0) continue;
        cairn_doc_open(doc, "point");
        cairn_doc_attr(doc, "date", e->session[i].date);
        cairn_doc_attr(doc, "day", ex_fmt_int(req, e->session[i].s.day));
        cairn_doc_attr(doc, "pain", ex_fmt_int(req, e->session[i].s.pain));
        ex_doc_dose(req, doc, &d->dose);
        cairn_doc_close(doc);
      }
    cairn_doc_open(doc, "next");
    ex_doc_dose(req, doc, &st.next);
    cairn_doc_close(doc);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}

static void doc_sessions(cairn_req *req, cairn_doc *doc,
                         const ex_episode *e) {
  const ex_rules *r = &exercise_library->rules;
  size_t i, k, shown = 0;
  cairn_doc_open(doc, "sessions");
  for (i = e->n_sessions; i-- > 0 && shown < EX_SESSIONS_SHOWN; shown++) {
    const ex_session_rec *s = &e->session[i];
    cairn_doc_open(doc, "session");
    cairn_doc_attr(doc, "id", ex_fmt_int(req, s->id));
    cairn_doc_attr(doc, "date", s->date);
    cairn_doc_attr(doc, "stage", ex_stage_label(s->s.stage));
    cairn_doc_attr(doc, "pain", ex_fmt_int(req, s->s.pain));
    cairn_doc_attr(doc, "next-morning", ex_response_code(s->s.next_morning));
    cairn_doc_attr(doc, "inside",
                   ex_inside_model(r, s->s.pain, s->s.next_morning) ? "yes"
                                                                    : "no");
    cairn_doc_attr(doc, "morning-href", cairn_req_printf(
        req, "/patients/%lld/episodes/%lld/exercise/sessions/%lld/morning",
        e->patient, e->id, s->id));
    for (k = 0; k < s->n_done; k++) {
      const ex_exercise *x = ex_library_find(exercise_library,
                                             s->done[k].exercise);
      cairn_doc_open(doc, "done");
      cairn_doc_attr(doc, "exercise", s->done[k].exercise);
      cairn_doc_attr(doc, "name", x ? x->name : s->done[k].exercise);
      ex_doc_dose(req, doc, &s->done[k].dose);
      cairn_doc_close(doc);
    }
    cairn_doc_text(doc, "notes", s->notes[0] ? s->notes : NULL);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}

/* <mastery><exercise id= name= stage= inside= needed= mastered=/>*: every
** exercise done at least once. */
static void doc_mastery(cairn_req *req, cairn_doc *doc, const ex_episode *e) {
  const ex_library *lib = exercise_library;
  size_t j, i, k;
  cairn_doc_open(doc, "mastery");
  cairn_doc_attr(doc, "needed",
                 ex_fmt_int(req, lib->rules.mastery_sessions));
  for (j = 0; j < lib->n; j++) {
    const ex_exercise *x = &lib->ex[j];
    int done = 0, inside;
    for (i = 0; i < e->n_sessions && !done; i++)
      for (k = 0; k < e->session[i].n_done; k++)
        if (strcmp(e->session[i].done[k].exercise, x->id) == 0) done = 1;
    if (!done) continue;
    inside = ex_inside_count(e, x->id);
    cairn_doc_open(doc, "exercise");
    cairn_doc_attr(doc, "id", x->id);
    cairn_doc_attr(doc, "name", x->name);
    cairn_doc_attr(doc, "stage", ex_stage_label(x->stage));
    cairn_doc_attr(doc, "inside", ex_fmt_int(req, inside));
    cairn_doc_attr(doc, "mastered",
                   ex_mastered(&lib->rules, inside) ? "yes" : "no");
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}

int ex_render_section(cairn_req *req, ex_episode *e, cairn_form *posted,
                      int status) {
  const ex_library *lib = exercise_library;
  cairn_doc *doc = cairn_doc_new(req, NULL, "exercise-section");
  const char *base = cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id);
  cairn_form *form = posted;
  size_t i;
  cairn_doc_attr(doc, "today", cairn_date_format(req, e->today));
  ex_doc_episode_head(req, doc, e);

  cairn_doc_open(doc, "stage");
  cairn_doc_attr(doc, "code", ex_stage_code(e->stage));
  cairn_doc_attr(doc, "label", ex_stage_label(e->stage));
  cairn_doc_attr(doc, "since", e->stage_since_date);
  cairn_doc_attr(doc, "next-label",
                 e->stage == EX_STAGE_LOADING
                     ? NULL : ex_stage_label(ex_stage_next(e->stage)));
  cairn_doc_close(doc);
  cairn_doc_open(doc, "gate");
  cairn_doc_attr(doc, "open", e->gate.open ? "yes" : "no");
  cairn_doc_attr(doc, "run", ex_fmt_int(req, e->gate.run));
  cairn_doc_attr(doc, "needed", ex_fmt_int(req, e->gate.needed));
  cairn_doc_attr(doc, "why", e->gate.why);
  cairn_doc_close(doc);
  cairn_doc_open(doc, "start");
  cairn_doc_attr(doc, "phase", e->phase);
  cairn_doc_attr(doc, "gains-held", e->gains_held ? "yes" : "no");
  cairn_doc_close(doc);
  cairn_doc_text(doc, "next", ex_next_step(req, e));

  cairn_doc_open(doc, "changes");
  for (i = 0; i < e->n_changes; i++) {
    const ex_change *c = &e->change[i];
    int ok;
    cairn_doc_open(doc, "change");
    cairn_doc_attr(doc, "date", c->date);
    cairn_doc_attr(doc, "from", ex_stage_label(ex_stage_parse(c->from, &ok)));
    cairn_doc_attr(doc, "to", ex_stage_label(ex_stage_parse(c->to, &ok)));
    cairn_doc_attr(doc, "kind", c->kind);
    cairn_doc_attr(doc, "reason", c->reason[0] ? c->reason : NULL);
    cairn_doc_attr(doc, "gate", c->gate[0] ? c->gate : NULL);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);

  doc_sessions(req, doc, e);
  doc_loads(req, doc, e);
  doc_mastery(req, doc, e);

  if (e->routine_id > 0) {
    long since = -1;
    cairn_date_parse(e->routine_since, &since);
    cairn_doc_open(doc, "routine");
    cairn_doc_attr(doc, "since", e->routine_since);
    cairn_doc_attr(doc, "reviewed", e->routine_date);
    cairn_doc_attr(doc, "version", ex_fmt_int(req, e->routine_version));
    cairn_doc_attr(doc, "weeks",
                   ex_fmt_int(req, since >= 0 ? (e->today - since) / 7 : 0));
    cairn_doc_attr(doc, "handout-href",
                   cairn_req_printf(req, "%s/handout", base));
    cairn_doc_close(doc);
  }
  cairn_doc_open(doc, "links");
  cairn_doc_attr(doc, "session-new",
                 cairn_req_printf(req, "%s/sessions/new", base));
  cairn_doc_attr(doc, "routine", cairn_req_printf(req, "%s/routine", base));
  cairn_doc_attr(doc, "library", "/exercises");
  cairn_doc_close(doc);
  cairn_doc_open(doc, "tools");
  for (i = 0; i < lib->n_tools; i++) {
    cairn_doc_open(doc, "tool");
    cairn_doc_attr(doc, "id", lib->tool[i].id);
    cairn_doc_attr(doc, "name", lib->tool[i].name);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);

  if (e->stage != EX_STAGE_LOADING &&
      strcmp(e->phase, "graduated") != 0 && strcmp(e->phase, "exited") != 0) {
    if (form == NULL) {
      form = cairn_form_new(req, "stage", stage_fields);
      cairn_form_set(form, "date", cairn_date_format(req, e->today));
    }
    cairn_form_set(form, "from", ex_stage_code(e->stage));
    cairn_form_doc(doc, form, cairn_req_printf(req, "%s/stages", base),
                   e->stage == EX_STAGE_NONE
                       ? "Start corrective exercise"
                       : cairn_req_printf(
                             req, "Move on to %s",
                             ex_stage_label(ex_stage_next(e->stage))));
  }
  return cairn_respond_view(req, doc, "exercise/section", status);
}

int ex_page_section(cairn_req *req) {
  ex_episode *e;
  int rc = ex_route_episode(req, &e);
  if (rc != 0) return rc;
  return ex_render_section(req, e, NULL, 200);
}

int ex_post_stage(cairn_req *req) {
  ex_episode *e;
  cairn_error err = {0};
  cairn_form *form;
  cairn_doc *body;
  long long id;
  int rc = ex_route_episode(req, &e);
  const char *back;
  if (rc != 0) return rc;
  back = cairn_req_printf(req, "/patients/%lld/episodes/%lld/exercise",
                          e->patient, e->id);
  if (ex_req_is_xml(req)) {
    body = cairn_req_body_record(req, EX_T_STAGE, &err);
    if (body == NULL) return cairn_respond_failure(req, &err, 0);
    rc = cairn_record_create(req, EX_T_STAGE, e->patient, body, &id, &err);
    return rc == 0 ? cairn_respond_redirect(req, back)
                   : cairn_respond_failure(req, &err, 0);
  }
  form = cairn_form_new(req, "stage", stage_fields);
  if (cairn_form_bind(form) > 0) return ex_render_section(req, e, form, 422);
  if (strcmp(cairn_form_value(form, "from"), ex_stage_code(e->stage)) != 0) {
    cairn_form_error(form, "", cairn_req_printf(
        req, "The stage changed to %s meanwhile: look again before moving "
        "on.", ex_stage_label(e->stage)));
    return ex_render_section(req, e, form, 409);
  }
  body = ex_stage_body(req, e, cairn_form_value(form, "date"),
                       ex_stage_next(e->stage),
                       e->stage == EX_STAGE_NONE ? "start" : "advance",
                       cairn_form_value(form, "reason"), 0);
  rc = cairn_record_create(req, EX_T_STAGE, e->patient, body, &id, &err);
  if (rc == 0) return cairn_respond_redirect(req, back);
  if (rc != CAIRN_EINVAL && rc != CAIRN_ECONFLICT && rc != CAIRN_ELIMIT)
    return cairn_respond_failure(req, &err, 0);
  cairn_form_host_error(form, &err);
  return ex_render_section(req, e, form, rc == CAIRN_ECONFLICT ? 409 : 422);
}
