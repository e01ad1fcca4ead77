/*
** episode_page.c -- one episode of the care program (GET
** /patients/{p}/episodes/{e}): its whole path of moves, visits delivered
** against planned per phase, flares, the taper (recommended against
** actual visits a week), and the forms for what can happen next.  The
** forms' POSTs re-render this page with the message next to the field
** and the typed values kept (422), or 409 for a move that is not allowed.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Visits one episode page lists: a long monthly program has ~60. */
#define VISITS_MAX 300

static const char SQL_VISITS[] =
    "SELECT record, visit_date, visit_type, state, notes"
    " FROM p_program_encounter WHERE episode = :episode"
    " AND status <> 'entered-in-error' ORDER BY visit_date, record"
    " LIMIT 300";

typedef struct visit {
  long long id;
  long day;
  const char *date, *type, *state, *notes;
} visit;

static int visits_load(cairn_req *req, long long episode, visit *v,
                       size_t *n) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_VISITS, &err);
  int rc;
  *n = 0;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", episode);
  while ((rc = cairn_sql_step(st)) == 1 && *n < VISITS_MAX) {
    visit *x = &v[(*n)++];
    x->id = cairn_sql_int(st, 0);
    x->date = cairn_req_strdup(req, cairn_sql_text(st, 1));
    x->day = program_days(x->date);
    x->type = cairn_req_strdup(req, cairn_sql_text(st, 2));
    x->state = cairn_req_strdup(req, cairn_sql_text(st, 3));
    x->notes = cairn_req_strdup(req, cairn_sql_text(st, 4));
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* The date phase `ph` began in this episode, or NULL; *end the date the
** next move was made (NULL while the phase runs). */
static const char *phase_span(const program_episode *e, program_phase ph,
                              const char **end) {
  size_t i;
  *end = NULL;
  for (i = 0; i < e->n_moves; i++) {
    if (e->moves[i].to == ph) {
      if (i + 1 < e->n_moves) *end = e->moves[i + 1].date;
      return e->moves[i].date;
    }
  }
  return NULL;
}

/* Add <phase-visits> per paid phase: planned sessions of the episode's
** definition version, needling sessions and all visits delivered. */
static void doc_delivery(cairn_req *req, cairn_doc *doc,
                         const program_episode *e, const visit *v, size_t n) {
  int k;
  for (k = 0; k < PROGRAM_PAID_PHASES; k++) {
    program_phase ph = (program_phase)(k + 1);
    const char *end, *start = phase_span(e, ph, &end);
    size_t i;
    int needling = 0, all = 0, planned_ahead = 0;
    cairn_doc_open(doc, "phase-visits");
    cairn_doc_attr(doc, "phase", program_phase_code(ph));
    cairn_doc_attr(doc, "name", e->def->phase[k].name);
    cairn_doc_attr(doc, "planned",
                   program_fmt_int(req, e->def->phase[k].sessions));
    cairn_doc_attr(doc, "fee",
                   cairn_req_printf(req, "%.2f", e->def->phase[k].fee));
    if (start) {
      cairn_doc_attr(doc, "start", start);
      if (end) cairn_doc_attr(doc, "end", end);
      for (i = 0; i < n; i++) {
        if (strcmp(v[i].date, start) < 0) continue;
        if (end && strcmp(v[i].date, end) >= 0) continue;
        if (strcmp(v[i].state, "finished") == 0) {
          all++;
          if (strcmp(v[i].type, "needling") == 0) needling++;
        } else if (strcmp(v[i].state, "planned") == 0) {
          planned_ahead++;
        }
      }
      cairn_doc_attr(doc, "needling", program_fmt_int(req, needling));
      cairn_doc_attr(doc, "delivered", program_fmt_int(req, all));
      cairn_doc_attr(doc, "scheduled", program_fmt_int(req, planned_ahead));
    }
    cairn_doc_close(doc);
  }
}

static void date_field(cairn_doc *doc, const char *name, const char *label) {
  pform_field(doc, name, label, "date", 1, NULL);
  cairn_doc_close(doc);
}

/* The form `id`: the posted one when it is that form, else defaults. */
static const pform *form_for(cairn_req *req, const pform *posted,
                             const char *id, pform *fresh) {
  /* fresh is always initialised: callers set defaults on it either way. */
  pform_init(fresh, id);
  if (posted && strcmp(posted->id, id) == 0) return posted;
  pform_set(fresh, "date", cairn_req_today(req));
  pform_set(fresh, "start", cairn_req_today(req));
  pform_set(fresh, "end", cairn_req_today(req));
  return fresh;
}

/* The exit form, shared with the checkpoint page. */
void program_doc_exit_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e, const pform *posted) {
  pform fresh;
  const pform *f = form_for(req, posted, "exit", &fresh);
  size_t i;
  pform_set(&fresh, "to", "exited");
  pform_set(&fresh, "form", "exit");
  pform_doc_open(doc, f, cairn_req_printf(req, "/patients/%lld/episodes/"
                                               "%lld/moves", e->patient, e->id),
                 "Record the exit");
  cairn_doc_attr(doc, "title", "Exit the program");
  pform_field(doc, "to", "", "hidden", 0, NULL);
  cairn_doc_close(doc);
  pform_field(doc, "form", "", "hidden", 0, NULL);
  cairn_doc_close(doc);
  date_field(doc, "date", "Date of the decision");
  pform_field(doc, "reason", "Reason", "select", 1, NULL);
  pform_option(doc, "", "Choose a reason");
  for (i = 0; program_exit_reasons[i]; i++)
    pform_option(doc, program_exit_reasons[i],
                 program_exit_reason_label(program_exit_reasons[i]));
  cairn_doc_close(doc);
  pform_field(doc, "note", "Note (required for \"other\"; where the "
              "patient was pointed instead)", "textarea", 0, NULL);
  cairn_doc_close(doc);
  cairn_doc_close(doc);
}

/* The form of the next move (enrolled -> introductory, first-month ->
** monthly, monthly -> graduated), shared with the checkpoint page. */
void program_doc_next_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e, const pform *posted,
                           int below_benchmark) {
  pform fresh;
  const pform *f = form_for(req, posted, "move", &fresh);
  program_phase next = (program_phase)(e->phase + 1);
  if (e->phase < PHASE_ENROLLED || e->phase >= PHASE_GRADUATED) return;
  pform_set(&fresh, "to", program_phase_code(next));
  pform_set(&fresh, "form", "move");
  pform_doc_open(doc, f, cairn_req_printf(req, "/patients/%lld/episodes/"
                                               "%lld/moves", e->patient, e->id),
                 next == PHASE_GRADUATED
                     ? "Graduate"
                     : cairn_req_printf(req, "Continue to the %s",
                                        program_phase_label(next)));
  cairn_doc_attr(doc, "title",
                 next == PHASE_GRADUATED
                     ? "Graduation checklist"
                     : cairn_req_printf(req, "Start the %s",
                                        program_phase_label(next)));
  pform_field(doc, "to", "", "hidden", 0, NULL);
  cairn_doc_close(doc);
  pform_field(doc, "form", "", "hidden", 0, NULL);
  cairn_doc_close(doc);
  date_field(doc, "date", "Date");
  if (next == PHASE_MONTHLY) {
    pform_field(doc, "justification",
                below_benchmark
                    ? "Clinical justification (required: the 50% benchmark "
                      "is not reached)"
                    : "Clinical justification (needed only below the 50% "
                      "benchmark)",
                "textarea", below_benchmark, NULL);
    cairn_doc_close(doc);
  }
  if (next == PHASE_GRADUATED) {
    pform_field(doc, "goalsMet", "Functional goals met on PSFS", "checkbox",
                1, NULL);
    cairn_doc_close(doc);
    pform_field(doc, "gainsHeld",
                cairn_req_printf(req, "Gains held for %d weeks",
                                 e->def->gains_held_weeks),
                "checkbox", 1, NULL);
    cairn_doc_close(doc);
    pform_field(doc, "homeRoutine", "Home routine handed over", "checkbox",
                1, NULL);
    cairn_doc_close(doc);
  }
  pform_field(doc, "note", "Note", "textarea", 0, NULL);
  cairn_doc_close(doc);
  cairn_doc_close(doc);
}

static void doc_visit_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e, const pform *posted) {
  pform fresh;
  const pform *f = form_for(req, posted, "visit", &fresh);
  pform_set(&fresh, "type", "needling");
  pform_set(&fresh, "state", "finished");
  pform_doc_open(doc, f, cairn_req_printf(req, "/patients/%lld/episodes/"
                                               "%lld/visits", e->patient, e->id),
                 "Record the visit");
  cairn_doc_attr(doc, "title", "Record or schedule a visit");
  date_field(doc, "date", "Date");
  pform_field(doc, "type", "Type", "select", 1, NULL);
  pform_option(doc, "needling", "Needling session");
  pform_option(doc, "herbal-review", "Herbal review");
  pform_option(doc, "exercise", "Exercise session");
  pform_option(doc, "other", "Other");
  cairn_doc_close(doc);
  pform_field(doc, "state", "Status", "select", 1, NULL);
  pform_option(doc, "finished", "Delivered");
  pform_option(doc, "planned", "Scheduled");
  pform_option(doc, "cancelled", "Cancelled");
  cairn_doc_close(doc);
  pform_field(doc, "notes", "Notes", "textarea", 0, NULL);
  cairn_doc_close(doc);
  cairn_doc_close(doc);
}

static void doc_flare_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e, const pform *posted) {
  pform fresh;
  const pform *f = form_for(req, posted, "flare", &fresh);
  pform_set(&fresh, "end", "");
  pform_doc_open(doc, f, cairn_req_printf(req, "/patients/%lld/episodes/"
                                               "%lld/flares", e->patient, e->id),
                 "Record the flare");
  cairn_doc_attr(doc, "title", "Record a flare");
  date_field(doc, "start", "Started");
  pform_field(doc, "end", "Ended (leave empty while it lasts)", "date", 0,
              NULL);
  cairn_doc_close(doc);
  pform_field(doc, "severity", "Severity", "select", 1, NULL);
  pform_option(doc, "mild", "Mild");
  pform_option(doc, "moderate", "Moderate");
  pform_option(doc, "severe", "Severe");
  cairn_doc_close(doc);
  pform_field(doc, "trigger", "Suspected trigger", "text", 0, NULL);
  cairn_doc_close(doc);
  pform_field(doc, "response", "Response (more passive support, a step back "
              "in loading, a slower taper)", "textarea", 0, NULL);
  cairn_doc_close(doc);
  cairn_doc_close(doc);
}

/* The taper of the monthly phase: <taper current= ><week .../>*</taper>. */
static int doc_taper(cairn_req *req, cairn_doc *doc, const program_episode *e,
                     const visit *v, size_t nv, const program_flare *fl,
                     size_t nf) {
  const char *end, *start = phase_span(e, PHASE_MONTHLY, &end);
  program_series *s;
  program_taper_week *w;
  long *days, today = program_days(cairn_req_today(req)), last;
  size_t i, n, k = 0;
  if (start == NULL) return CAIRN_OK;
  s = cairn_req_alloc(req, sizeof *s);
  if (program_series_load(req, e->id, e->primary, s) != CAIRN_OK)
    return CAIRN_EDB;
  days = cairn_req_alloc(req, sizeof *days * (nv + 1));
  for (i = 0; i < nv; i++)
    if (strcmp(v[i].state, "finished") == 0) days[k++] = v[i].day;
  w = cairn_req_alloc(req, sizeof *w * PROGRAM_TAPER_WEEKS_MAX);
  last = end ? program_days(end) : today;
  n = program_taper(e->def, program_days(start), last, s, fl, nf, days, k, w,
                    PROGRAM_TAPER_WEEKS_MAX);
  cairn_doc_open(doc, "taper");
  if (n > 0)
    cairn_doc_attr(doc, "current", program_fmt_int(req, w[n - 1].recommended));
  for (i = 0; i < n; i++) {
    cairn_doc_open(doc, "week");
    cairn_doc_attr(doc, "start", cairn_date_format(req, w[i].start));
    cairn_doc_attr(doc, "recommended", program_fmt_int(req, w[i].recommended));
    cairn_doc_attr(doc, "actual", program_fmt_int(req, w[i].actual));
    cairn_doc_attr(doc, "why", w[i].why);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
  return CAIRN_OK;
}

int program_render_episode(cairn_req *req, const program_patient *p,
                           const program_episode *e, const pform *posted,
                           int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "episode-page");
  visit *v = cairn_req_alloc(req, sizeof *v * VISITS_MAX);
  program_flare *fl = cairn_req_alloc(req, sizeof *fl * PROGRAM_FLARES_MAX);
  size_t nv, nf, i;
  int rc;

  cairn_doc_attr(doc, "today", cairn_req_today(req));
  /* A refused move of an episode that has ended has no form to show its
  ** message next to: it goes at the top of the page. */
  if (posted && (e->phase == PHASE_GRADUATED || e->phase == PHASE_EXITED ||
                 e->phase == PHASE_NONE)) {
    for (i = 0; i < posted->n_err; i++)
      cairn_doc_text(doc, "problem", posted->err_msg[i]);
  }
  program_doc_patient(doc, p);
  program_doc_episode(req, doc, e);
  if (e->def == NULL) {
    return cairn_respond_view(req, doc, "program/episode", status);
  }
  program_doc_definition(req, doc, e->def);
  rc = visits_load(req, e->id, v, &nv);
  if (rc != CAIRN_OK) return rc;
  rc = program_flares_load(req, e->id, fl, PROGRAM_FLARES_MAX, &nf);
  if (rc != CAIRN_OK) return rc;
  doc_delivery(req, doc, e, v, nv);
  for (i = 0; i < nv; i++) {
    cairn_doc_open(doc, "visit");
    cairn_doc_attr(doc, "id", program_fmt_int(req, v[i].id));
    cairn_doc_attr(doc, "date", v[i].date);
    cairn_doc_attr(doc, "type", v[i].type);
    cairn_doc_attr(doc, "state", v[i].state);
    if (v[i].notes[0]) cairn_doc_attr(doc, "notes", v[i].notes);
    cairn_doc_close(doc);
  }
  for (i = 0; i < nf; i++) {
    cairn_doc_open(doc, "flare");
    cairn_doc_attr(doc, "id", program_fmt_int(req, fl[i].id));
    cairn_doc_attr(doc, "start", fl[i].start_date);
    if (fl[i].end_date[0]) cairn_doc_attr(doc, "end", fl[i].end_date);
    cairn_doc_attr(doc, "severity", fl[i].severity);
    if (fl[i].trigger[0]) cairn_doc_attr(doc, "trigger", fl[i].trigger);
    if (fl[i].end_date[0] == '\0') {
      pform fresh;
      const pform *f;
      const char *fid = cairn_req_printf(req, "flare-end-%lld", fl[i].id);
      f = form_for(req, posted, fid, &fresh);
      pform_doc_open(doc, f, cairn_req_printf(
          req, "/patients/%lld/episodes/%lld/flares/%lld/end", p->id, e->id,
          fl[i].id), "Record the end");
      pform_field(doc, "end", "Ended", "date", 1, NULL);
      cairn_doc_close(doc);
      pform_field(doc, "response", "Response", "textarea", 0, NULL);
      cairn_doc_close(doc);
      cairn_doc_close(doc);
    }
    cairn_doc_close(doc);
  }
  rc = doc_taper(req, doc, e, v, nv, fl, nf);
  if (rc != CAIRN_OK) return rc;

  if (e->phase == PHASE_INTRODUCTORY || e->phase == PHASE_FIRST_MONTH) {
    cairn_doc_attr(doc, "checkpoint",
                   cairn_req_printf(req, "/patients/%lld/episodes/%lld/"
                                         "checkpoint", p->id, e->id));
  } else if (e->phase == PHASE_ENROLLED || e->phase == PHASE_MONTHLY) {
    program_doc_next_form(req, doc, e, posted, 0);
  }
  if (e->phase == PHASE_GRADUATED)
    cairn_doc_attr(doc, "graduation",
                   cairn_req_printf(req, "/patients/%lld/episodes/%lld/"
                                         "graduation", p->id, e->id));
  if (e->phase != PHASE_GRADUATED && e->phase != PHASE_EXITED) {
    if (e->phase != PHASE_INTRODUCTORY && e->phase != PHASE_FIRST_MONTH)
      program_doc_exit_form(req, doc, e, posted);
    doc_visit_form(req, doc, e, posted);
    doc_flare_form(req, doc, e, posted);
  }
  return cairn_respond_view(req, doc, "program/episode", status);
}

int program_page_episode(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  return program_render_episode(req, &p, e, NULL, 200);
}
