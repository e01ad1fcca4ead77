/*
** sections.c -- the exercise progression's parts of the program's pages
** (kit sections, plugin.h cairn_section):
**   episode          the staff episode page: stage, gate and why, a flare's
**                    step back, next step, the routine since when and weeks
**                    practised; links to record a session, the exercise
**                    page, the handout
**   graduation       the staff graduation summary: the home routine handed
**                    over (each exercise with its cue, dose and how often,
**                    the tools, the flare plan)
**   patient-summary  the patient's own summary: the same routine in plain
**                    words, no codes, no staff notes
**   dashboard        the staff home: episodes whose gate is open and those
**                    a flare stepped back lately (the worklist /exercise)
*/
#include "exercise.h"

#include <string.h>

/* Names the dashboard lists per heading before pointing to the
** worklist. */
#define EX_DASHBOARD_SHOWN 12

/* 1 for the roles that see clinical detail (the exercise pages'
** audience); 0 for front desk and anyone else. */
static int clinical(cairn_req *req) {
  const char *role = cairn_req_role(req);
  return role != NULL &&
         (strcmp(role, "clinician") == 0 || strcmp(role, "admin") == 0);
}

/* Load the episode; 0 with *out, 1 when there is none (nothing to show),
** or a negative CAIRN_E*. */
static int load(cairn_req *req, long long patient, long long episode,
                ex_episode **out, cairn_error *err) {
  int rc = ex_episode_load(req, patient, episode, out, err);
  if (rc == CAIRN_ENOTFOUND) return 1;
  return rc;
}

/*
** Writing a section.  A <line> carries a label, a level and its text; the
** kit's builder adds text only with an element (doc_text, doc_text_attr
** with one attribute), so each part is inserted before an anchor -- the
** section's last action, written first -- and given its attributes with
** doc_at.  The parts keep the order they are written in; the builder's
** position after a fill does not matter (sections_fill resets it).
*/
typedef struct ex_writer {
  cairn_doc *doc;
  cairn_node *anchor;        /* the section's last <action> */
} ex_writer;

/* Start the section with its last action: <action href=>label</action>. */
static void writer_start(ex_writer *w, cairn_doc *doc, const char *href,
                         const char *label) {
  w->doc = doc;
  w->anchor = cairn_doc_insert_before(doc, NULL, "action", label);
  cairn_doc_at(doc, w->anchor);
  cairn_doc_attr(doc, "href", href);
}

/* <line label= level=>text</line>; level "ok", "warn" or "alert". */
static void fact(ex_writer *w, const char *label, const char *level,
                 const char *text) {
  cairn_node *n = cairn_doc_insert_before(w->doc, w->anchor, "line", text);
  cairn_doc_at(w->doc, n);
  cairn_doc_attr(w->doc, "label", label);
  cairn_doc_attr(w->doc, "level", level);
}

/* <note>text</note>: plain words under the lines. */
static void note(ex_writer *w, const char *text) {
  cairn_doc_insert_before(w->doc, w->anchor, "note", text);
}

/* An action before the last one. */
static void action(ex_writer *w, const char *href, const char *label) {
  cairn_node *n = cairn_doc_insert_before(w->doc, w->anchor, "action",
                                          label);
  cairn_doc_at(w->doc, n);
  cairn_doc_attr(w->doc, "href", href);
}

/* See exercise.h. */
const ex_change *ex_recent_step_back(const ex_episode *e) {
  size_t k;
  for (k = e->n_changes; k-- > 0;) {
    const ex_change *c = &e->change[k];
    long day;
    if (strncmp(c->kind, "flare-", 6) != 0) continue;
    if (cairn_date_parse(c->date, &day) != 0 ||
        day < e->today - EX_STEPPED_BACK_DAYS)
      return NULL;
    return c;
  }
  return NULL;
}

/* See exercise.h. */
const char *ex_step_back_words(const ex_change *c) {
  return strcmp(c->kind, "flare-stage") == 0
             ? "a severe flare: one stage back"
             : "a flare: one load level back";
}

/* ------------------------------------------------------------ episode */

/* The staff episode page: where the progression is and what comes next. */
static int fill_episode(cairn_req *req, long long patient, long long episode,
                        cairn_doc *doc, cairn_error *err) {
  ex_episode *e;
  ex_routine *r;
  ex_writer w;
  const ex_change *back;
  const char *base;
  int rc;
  if (!clinical(req)) return 0;
  if ((rc = load(req, patient, episode, &e, err)) != 0) return rc < 0 ? rc : 0;
  r = cairn_req_alloc(req, sizeof *r);
  if ((rc = ex_routine_load(req, e, r, err)) < 0) return rc;
  base = cairn_req_printf(req, "/patients/%lld/episodes/%lld/exercise",
                          e->patient, e->id);
  writer_start(&w, doc, base, "The exercise page");

  if (e->stage == EX_STAGE_NONE) {
    fact(&w, "Stage", "warn", "Not started");
  } else if (e->stage == EX_STAGE_LOADING) {
    /* no gate after the last stage: the loads step up on their own */
    fact(&w, "Stage", "ok",
         cairn_req_printf(req, "%s, since %s", ex_stage_label(e->stage),
                          e->stage_since_date));
  } else {
    fact(&w, "Stage", "ok",
         cairn_req_printf(req, "%s, since %s", ex_stage_label(e->stage),
                          e->stage_since_date));
    fact(&w, "Gate", e->gate.open ? "ok" : "warn",
         cairn_req_printf(req, "%s: %s", e->gate.open ? "Open" : "Closed",
                          e->gate.why));
  }
  if ((back = ex_recent_step_back(e)) != NULL)
    fact(&w, "Stepped back", "alert",
         cairn_req_printf(req, "%s, on %s", ex_step_back_words(back),
                          back->date));
  fact(&w, "Next step",
       e->gate.open || e->stage == EX_STAGE_LOADING ? "ok" : "warn",
       ex_next_step(req, e));
  if (rc == 1)
    fact(&w, "Home routine", "ok",
         cairn_req_printf(req, "Since %s: %ld week%s practised (%zu "
                          "exercise%s, reviewed %s)", r->since, r->weeks,
                          r->weeks == 1 ? "" : "s", r->n_items,
                          r->n_items == 1 ? "" : "s", r->reviewed));
  else if (e->stage != EX_STAGE_NONE)
    fact(&w, "Home routine", "warn",
         "None yet: review it on the exercise page once an exercise is "
         "mastered.");

  if (e->stage != EX_STAGE_NONE && strcmp(e->phase, "graduated") != 0 &&
      strcmp(e->phase, "exited") != 0 &&
      strcmp(cairn_req_role(req), "clinician") == 0)
    action(&w, cairn_req_printf(req, "%s/sessions/new", base),
           "Record a session");
  if (rc == 1)
    action(&w, cairn_req_printf(req, "%s/handout", base), "The handout");
  return 1;
}

/* --------------------------------------------------------- graduation */

/* The staff graduation summary: the routine handed over. */
static int fill_graduation(cairn_req *req, long long patient,
                           long long episode, cairn_doc *doc,
                           cairn_error *err) {
  ex_episode *e;
  ex_routine *r;
  ex_writer w;
  size_t i;
  int rc;
  if (!clinical(req)) return 0;
  if ((rc = load(req, patient, episode, &e, err)) != 0) return rc < 0 ? rc : 0;
  r = cairn_req_alloc(req, sizeof *r);
  if ((rc = ex_routine_load(req, e, r, err)) < 0) return rc;
  if (rc == 0) {
    if (e->stage == EX_STAGE_NONE) return 0;
    writer_start(&w, doc, cairn_req_printf(
        req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id),
        "The exercise page");
    fact(&w, "Home routine", "warn", "None was recorded.");
    return 1;
  }
  writer_start(&w, doc, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise/handout", e->patient,
      e->id), "The handout");
  fact(&w, "Since", "ok",
       cairn_req_printf(req, "%s (reviewed %s, version %d)", r->since,
                        r->reviewed, r->version));
  for (i = 0; i < r->n_items; i++) {
    const ex_routine_entry *it = &r->item[i];
    fact(&w, it->x->name, "ok",
         cairn_req_printf(req, "%s, %s. %s", ex_dose_text(req, &it->dose),
                          ex_how_often(req, it->per_week), it->x->cue));
  }
  for (i = 0; i < r->n_tools; i++)
    fact(&w, r->tool[i]->name, "ok", r->tool[i]->advice);
  fact(&w, "If it flares", r->flare_plan ? "ok" : "warn",
       cairn_req_printf(req, "%sStep back to: %s",
                        r->flare_plan ? cairn_req_printf(
                            req, "%s ", r->flare_plan->advice) : "",
                        ex_flare_step_back(req, r)));
  if (r->note[0]) note(&w, r->note);
  return 1;
}

/* ---------------------------------------------------- patient-summary */

/* The patient's own summary: the routine in plain words, no codes. */
static int fill_patient(cairn_req *req, long long patient, long long episode,
                        cairn_doc *doc, cairn_error *err) {
  const char *scope = cairn_req_capability(req);
  ex_episode *e;
  ex_routine *r;
  ex_writer w;
  size_t i;
  int rc;
  (void)patient;
  if (scope == NULL ||
      strcmp(scope, cairn_req_printf(req, "episode:%lld", episode)) != 0)
    return 0;
  if ((rc = load(req, 0, episode, &e, err)) != 0) return rc < 0 ? rc : 0;
  r = cairn_req_alloc(req, sizeof *r);
  if ((rc = ex_routine_load(req, e, r, err)) <= 0) return rc;
  writer_start(&w, doc, cairn_req_printf(req, "/p/%lld/routine", e->id),
               "Your routine, and log a session");
  note(&w, cairn_req_printf(
      req, "Your routine since %s. Some discomfort is fine: up to %d out of "
      "10 while you exercise, as long as it has settled by the next "
      "morning.", r->since, exercise_library->rules.max_pain));
  for (i = 0; i < r->n_items; i++) {
    const ex_routine_entry *it = &r->item[i];
    fact(&w, it->x->name, "ok",
         cairn_req_printf(req, "%s, %s. %s", ex_dose_text(req, &it->dose),
                          ex_how_often(req, it->per_week), it->x->cue));
  }
  for (i = 0; i < r->n_tools; i++)
    fact(&w, r->tool[i]->name, "ok", r->tool[i]->advice);
  fact(&w, "If it flares", "ok",
       cairn_req_printf(req, "%sStep back to: %s",
                        r->flare_plan ? cairn_req_printf(
                            req, "%s ", r->flare_plan->advice) : "",
                        ex_flare_step_back(req, r)));
  return 1;
}

/* ---------------------------------------------------------- dashboard */

/* The staff home: who can move on, who a flare stepped back. */
static int fill_dashboard(cairn_req *req, long long patient,
                          long long episode, cairn_doc *doc,
                          cairn_error *err) {
  long long ids[EX_ACTIVE_MAX], pats[EX_ACTIVE_MAX];
  size_t n, i, open = 0, back = 0;
  ex_writer w;
  int rc;
  (void)patient;
  (void)episode;
  if (!clinical(req)) return 0;
  rc = ex_active_episodes(req, ids, pats, EX_ACTIVE_MAX, err);
  if (rc < 0) return rc;
  n = (size_t)rc;
  if (n == 0) return 0;          /* no progression: nothing to say */
  writer_start(&w, doc, "/exercise", "The exercise worklist");
  for (i = 0; i < n; i++) {
    ex_episode *e;
    const ex_change *c;
    const char *href;
    if (ex_episode_load(req, pats[i], ids[i], &e, err) != 0) continue;
    href = cairn_req_printf(req, "/patients/%lld/episodes/%lld/exercise",
                            e->patient, e->id);
    if (e->gate.open && open++ < EX_DASHBOARD_SHOWN) {
      cairn_audit_note(req, e->patient, 0);
      fact(&w, "Gate open", "ok",
           cairn_req_printf(req, "%s: %s", e->patient_name, e->gate.why));
      action(&w, href, e->patient_name);
    }
    if ((c = ex_recent_step_back(e)) != NULL && back++ < EX_DASHBOARD_SHOWN) {
      cairn_audit_note(req, e->patient, 0);
      fact(&w, "Stepped back", "alert",
           cairn_req_printf(req, "%s: %s, on %s", e->patient_name,
                            ex_step_back_words(c), c->date));
      action(&w, href, e->patient_name);
    }
  }
  if (open == 0 && back == 0)
    note(&w, "No exercise gate is open, and no flare stepped anyone back "
             "in the last two weeks.");
  else if (open > EX_DASHBOARD_SHOWN || back > EX_DASHBOARD_SHOWN)
    note(&w, "More on the exercise worklist.");
  return 1;
}

const cairn_section exercise_sections[] = {
  { .slot = "episode", .title = "Exercise", .fill = fill_episode },
  { .slot = "graduation", .title = "Home routine handed over",
    .fill = fill_graduation },
  { .slot = "patient-summary", .title = "Your exercises at home",
    .fill = fill_patient },
  { .slot = "dashboard", .title = "Exercise", .fill = fill_dashboard },
  { .slot = NULL }
};
