/*
** handout.c -- the home routine: its review by the clinician (a new
** version of the episode's exercise:HomeRoutine, assembled from what the
** patient has mastered plus the self-management tools chosen) and the
** handout printed for the patient: each exercise with its cue, dose and
** how often, the tools, the flare plan, the clinic's name; no internal
** codes.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

/* The routine's exercises: everything mastered, in stage order. */
static size_t mastered(cairn_req *req, const ex_episode *e, size_t *out,
                       size_t max) {
  const ex_library *lib = exercise_library;
  ex_routine_item *items =
      cairn_req_alloc(req, (lib->n ? lib->n : 1) * sizeof *items);
  size_t i;
  for (i = 0; i < lib->n; i++) {
    items[i].stage = lib->ex[i].stage;
    items[i].order = lib->ex[i].order > 0 ? lib->ex[i].order
                                          : lib->ex[i].index;
    items[i].inside = ex_inside_count(e, lib->ex[i].id);
  }
  return ex_routine_assemble(&lib->rules, items, lib->n, out, max);
}

int ex_post_routine(cairn_req *req) {
  const ex_library *lib = exercise_library;
  ex_episode *e;
  cairn_error err = {0};
  cairn_doc *b;
  size_t idx[EX_LIBRARY_MAX], m, i;
  const char *today, *note;
  long long id;
  int rc = ex_route_episode(req, &e);
  if (rc != 0) return rc;
  if (ex_req_is_xml(req)) {
    b = cairn_req_body_record(req, EX_T_ROUTINE, &err);
    if (b == NULL) return cairn_respond_failure(req, &err, 0);
    rc = e->routine_id > 0
             ? cairn_record_revise(req, e->routine_id, e->routine_version,
                                   NULL, b, &err)
             : cairn_record_create(req, EX_T_ROUTINE, e->patient, b, &id,
                                   &err);
    if (rc != 0) return cairn_respond_failure(req, &err, 0);
    return cairn_respond_redirect(req, cairn_req_printf(
        req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id));
  }
  m = mastered(req, e, idx, 30);
  if (m == 0)
    return cairn_respond_error(req, 409, "item",
                         "Nothing is mastered yet: an exercise joins the "
                         "home routine after enough sessions inside the "
                         "pain-monitoring model.");
  today = cairn_date_format(req, e->today);
  note = cairn_req_form(req, "note");
  if (note != NULL && note[0] != '\0' &&
      cairn_text_check(note, 2000, CAIRN_TEXT_MULTILINE, "note", "The note",
                       &err) != 0)
    return cairn_respond_failure(req, &err, 0);
  b = cairn_doc_new(req, EXERCISE_NS, "HomeRoutine");
  cairn_doc_text(b, "episode", ex_fmt_int(req, e->id));
  cairn_doc_text(b, "date", today);
  cairn_doc_text(b, "since", e->routine_id > 0 ? e->routine_since : today);
  for (i = 0; i < m; i++) {
    const ex_exercise *x = &lib->ex[idx[i]];
    ex_dose d = ex_current_dose(e, x);
    cairn_doc_open(b, "item");
    cairn_doc_attr(b, "exercise", x->id);
    cairn_doc_attr(b, "sets", ex_fmt_int(req, d.sets));
    if (d.reps > 0) cairn_doc_attr(b, "reps", ex_fmt_int(req, d.reps));
    if (d.hold > 0) cairn_doc_attr(b, "hold", ex_fmt_int(req, d.hold));
    cairn_doc_attr(b, "load", ex_fmt_kg(req, d.load));
    cairn_doc_attr(b, "perWeek", ex_fmt_int(req, x->per_week));
    cairn_doc_close(b);
  }
  for (i = 0; i < lib->n_tools; i++) {
    const char *v = cairn_req_form(
        req, cairn_req_printf(req, "tool-%s", lib->tool[i].id));
    if (v != NULL && strcmp(v, "yes") == 0)
      cairn_doc_text(b, "tool", lib->tool[i].id);
  }
  if (note != NULL && note[0] != '\0') cairn_doc_text(b, "note", note);
  rc = e->routine_id > 0
           ? cairn_record_revise(req, e->routine_id, e->routine_version, NULL,
                                 b, &err)
           : cairn_record_create(req, EX_T_ROUTINE, e->patient, b, &id,
                                 &err);
  if (rc != 0) return cairn_respond_failure(req, &err, 0);
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id));
}

int ex_page_handout(cairn_req *req) {
  const ex_library *lib = exercise_library;
  ex_episode *e;
  ex_routine *r;
  cairn_error err = {0};
  cairn_doc *doc;
  size_t i;
  int rc = ex_route_episode(req, &e);
  if (rc != 0) return rc;
  r = cairn_req_alloc(req, sizeof *r);
  rc = ex_routine_load(req, e, r, &err);
  if (rc < 0) return cairn_respond_failure(req, &err, 0);
  if (rc == 0)
    return cairn_respond_error(req, 404, "routine",
                         "There is no home routine yet: review it on the "
                         "exercise page first.");
  doc = cairn_doc_new(req, NULL, "exercise-handout");
  cairn_doc_attr(doc, "patient", e->patient_name);
  cairn_doc_attr(doc, "reviewed", r->reviewed);
  cairn_doc_attr(doc, "since", r->since);
  cairn_doc_attr(doc, "max-pain", ex_fmt_int(req, lib->rules.max_pain));
  cairn_doc_attr(doc, "back-href", cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id));
  for (i = 0; i < r->n_items; i++) {
    const ex_routine_entry *it = &r->item[i];
    ex_doc_exercise(req, doc, it->x, 1);
    cairn_doc_attr(doc, "how-often", ex_how_often(req, it->per_week));
    cairn_doc_open(doc, "prescribed");
    ex_doc_dose(req, doc, &it->dose);
    cairn_doc_close(doc);
    if (it->x->stage == EX_STAGE_LOADING) {
      ex_dose back = ex_dose_down(&lib->rules, it->dose);
      cairn_doc_open(doc, "flare-dose");
      ex_doc_dose(req, doc, &back);
      cairn_doc_close(doc);
    }
    cairn_doc_close(doc);
  }
  for (i = 0; i < r->n_tools; i++) {
    cairn_doc_open(doc, "tool");
    cairn_doc_attr(doc, "name", r->tool[i]->name);
    cairn_doc_text(doc, "advice", r->tool[i]->advice);
    cairn_doc_close(doc);
  }
  if (r->flare_plan != NULL) {
    cairn_doc_open(doc, "tool");
    cairn_doc_attr(doc, "flare-plan", "yes");
    cairn_doc_attr(doc, "name", r->flare_plan->name);
    cairn_doc_text(doc, "advice", r->flare_plan->advice);
    cairn_doc_close(doc);
  }
  cairn_doc_text(doc, "note", r->note);
  return cairn_respond_view(req, doc, "exercise/handout", 200);
}
