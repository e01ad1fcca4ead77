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

/* Each visit with the phase it counts to, by the one rule of every page
** (PROGRAM_PHASE_OF_VISIT). */
static const char SQL_VISITS[] =
    "SELECT v.record, v.visit_date, v.visit_type, v.state, v.notes, "
    PROGRAM_PHASE_OF_VISIT
    " FROM p_program_encounter v WHERE v.episode = :episode"
    " AND v.status <> 'entered-in-error' ORDER BY v.visit_date, v.record"
    " LIMIT 300";

typedef struct visit {
  long long id;
  long day;
  const char *date, *type, *state, *notes;
  program_phase phase;           /* the phase it counts to, PHASE_NONE
                                 ** before the first move */
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
    x->phase = cairn_sql_is_null(st, 5)
                   ? PHASE_NONE
                   : program_phase_parse(cairn_sql_text(st, 5));
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

static const char SQL_CHARGED[] =
    "SELECT phase, sum(amount) FROM p_program_invoice WHERE episode = :episode"
    " AND status <> 'entered-in-error' GROUP BY phase";

/* The fees invoiced to episode e per paid phase (0: none): what was
** charged, not what the definition lists. */
static int charged_load(cairn_req *req, long long episode,
                        double charged[PROGRAM_PAID_PHASES],
                        int invoiced[PROGRAM_PAID_PHASES]) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_CHARGED, &err);
  int rc, k;
  for (k = 0; k < PROGRAM_PAID_PHASES; k++) charged[k] = 0, invoiced[k] = 0;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", episode);
  while ((rc = cairn_sql_step(st)) == 1) {
    k = program_phase_paid_index(program_phase_parse(cairn_sql_text(st, 0)));
    if (k < 0) continue;
    charged[k] = cairn_sql_real(st, 1);
    invoiced[k] = 1;
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* Add <phase-visits> per paid phase: planned sessions of the episode's
** definition version, needling sessions and all visits delivered, each
** visit in the phase it counts to (the rule /economics and the checkpoint
** and graduation pages use). */
static int doc_delivery(cairn_req *req, cairn_doc *doc,
                        const program_episode *e, const visit *v, size_t n) {
  double charged[PROGRAM_PAID_PHASES];
  int invoiced[PROGRAM_PAID_PHASES], k;
  int rc = charged_load(req, e->id, charged, invoiced);
  if (rc != CAIRN_OK) return rc;
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
                   program_money(req, e->def->phase[k].fee));
    if (invoiced[k]) cairn_doc_attr(doc, "charged",
                                    program_money(req, charged[k]));
    if (start) {
      cairn_doc_attr(doc, "start", start);
      if (end) cairn_doc_attr(doc, "end", end);
      for (i = 0; i < n; i++) {
        if (v[i].phase != ph) continue;
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
  return CAIRN_OK;
}

/* A note's longest text on these forms: a few paragraphs. */
#define NOTE_MAX 2000

/* The hidden fields every move form carries: where to, and which form. */
#define MOVE_HIDDEN                                                        \
  {.name = "to", .label = "", .kind = CAIRN_FIELD_HIDDEN},                 \
  {.name = "form", .label = "", .kind = CAIRN_FIELD_HIDDEN}

const cairn_field program_exit_fields[] = {
  MOVE_HIDDEN,
  {.name = "date", .label = "Date of the decision", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "reason", .label = "Reason", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = program_exit_reason_choices},
  {.name = "note", .label = "Note (required for \"other\"; where the "
                            "patient was pointed instead)",
   .kind = CAIRN_FIELD_TEXTAREA, .max = NOTE_MAX},
  {.name = NULL}};

/* Enrolled -> introductory, introductory -> first-month. */
static const cairn_field next_fields[] = {
  MOVE_HIDDEN,
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};

/* First-month -> monthly at or above the benchmark, and below it. */
static const cairn_field monthly_fields[] = {
  MOVE_HIDDEN,
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "justification", .label = "Clinical justification (needed only "
                                     "below the 50% benchmark)",
   .kind = CAIRN_FIELD_TEXTAREA, .max = NOTE_MAX},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};
static const cairn_field monthly_below_fields[] = {
  MOVE_HIDDEN,
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "justification", .label = "Clinical justification (required: "
                                     "the 50% benchmark is not reached)",
   .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
   .max = NOTE_MAX},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};

/* Monthly -> graduated: the goals and the gains held are computed from the
** data and shown above the form (program_doc_graduation_evidence); the clinician
** records the home routine, and a justification when the data fall
** short. */
static const cairn_field graduate_fields[] = {
  MOVE_HIDDEN,
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "homeRoutine", .label = "Home routine handed over",
   .kind = CAIRN_FIELD_CHECKBOX, .flags = CAIRN_FIELD_REQUIRED},
  {.name = "justification", .label = "Clinical justification (required "
                                     "when the data above do not show "
                                     "goals met and gains held)",
   .kind = CAIRN_FIELD_TEXTAREA, .max = NOTE_MAX},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};

/* The same when the exercise plugin computes the home routine: no tick
** box (the evidence above shows the routine and its weeks). */
static const cairn_field graduate_computed_fields[] = {
  MOVE_HIDDEN,
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "justification", .label = "Clinical justification (required "
                                     "when the data above do not show "
                                     "goals met, gains held and a home "
                                     "routine)",
   .kind = CAIRN_FIELD_TEXTAREA, .max = NOTE_MAX},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};

/* Moving on before the checkpoint is due. */
static const cairn_field early_fields[] = {
  MOVE_HIDDEN,
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "justification", .label = "Clinical justification (required: "
                                     "the checkpoint is not due yet)",
   .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
   .max = NOTE_MAX},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};

static const char *const VISIT_TYPE_CHOICES[] = {
  "needling", "Needling session", "herbal-review", "Herbal review",
  "exercise", "Exercise session", "other", "Other", NULL};
static const char *const VISIT_STATE_CHOICES[] = {
  "finished", "Delivered", "planned", "Scheduled", "cancelled", "Cancelled",
  "missed", "Missed (did not come)", NULL};
/* No severity is chosen for the clinician: a first empty choice, so that
** a flare recorded in a hurry is not filed as mild by default. */
static const char *const SEVERITY_CHOICES[] = {
  "", "Choose", "mild", "Mild", "moderate", "Moderate", "severe", "Severe", NULL};
/* The visits a week a flare's response may ask (the schema allows 1-7). */
static const char *const PER_WEEK_CHOICES[] = {
  "", "Not said: the taper holds", "1", "1 a week", "2", "2 a week", "3", "3 a week", "4", "4 a week",
  "5", "5 a week", NULL};

const cairn_field program_visit_fields[] = {
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "type", .label = "Type", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = VISIT_TYPE_CHOICES},
  {.name = "state", .label = "Status", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = VISIT_STATE_CHOICES},
  {.name = "notes", .label = "Notes", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};

const cairn_field program_flare_fields[] = {
  {.name = "start", .label = "Started", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "end", .label = "Ended (leave empty while it lasts)",
   .kind = CAIRN_FIELD_DATE},
  {.name = "severity", .label = "Severity", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = SEVERITY_CHOICES},
  {.name = "trigger", .label = "Suspected trigger", .kind = CAIRN_FIELD_TEXT},
  {.name = "response", .label = "Response (more passive support, a step "
                                "back in loading, a slower taper)",
   .kind = CAIRN_FIELD_TEXTAREA, .max = NOTE_MAX},
  {.name = "visitsPerWeek", .label = "Visits a week while it lasts",
   .kind = CAIRN_FIELD_SELECT, .choices = PER_WEEK_CHOICES,
   .hint = "The taper recommends this until the flare ends, then tapers "
           "from it. Leave it empty to let the taper hold."},
  {.name = NULL}};

const cairn_field program_flare_end_fields[] = {
  {.name = "end", .label = "Ended", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "response", .label = "Response", .kind = CAIRN_FIELD_TEXTAREA,
   .max = NOTE_MAX},
  {.name = NULL}};

const cairn_field *program_move_fields(cairn_req *req,
                                       const program_episode *e,
                                       int below_benchmark, int early) {
  program_phase next = (program_phase)(e->phase + 1);
  if (early) return early_fields;
  if (next == PHASE_MONTHLY)
    return below_benchmark ? monthly_below_fields : monthly_fields;
  if (next != PHASE_GRADUATED || e->def == NULL) return next_fields;
  return program_routine_computed(req, e) ? graduate_computed_fields
                                          : graduate_fields;
}

/* The path the forms of episode e post to, under the episode. */
static const char *episode_action(cairn_req *req, const program_episode *e,
                                  const char *what) {
  return cairn_req_printf(req, "/patients/%lld/episodes/%lld/%s", e->patient,
                          e->id, what);
}

/* The exit form, shared with the checkpoint page. */
void program_doc_exit_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e,
                           const program_form *posted, const char *date) {
  cairn_form *f = program_form_for(req, posted, "exit", program_exit_fields);
  if (f != (posted ? posted->form : NULL)) {
    cairn_form_set(f, "to", "exited");
    cairn_form_set(f, "form", "exit");
    if (date) cairn_form_set(f, "date", date);
  }
  program_form_doc(doc, f, episode_action(req, e, "moves"), "Record the exit",
                   "Exit the program");
}

/* The form of the next move (enrolled -> introductory, first-month ->
** monthly, monthly -> graduated), shared with the checkpoint page. */
void program_doc_next_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e,
                           const program_form *posted, int below_benchmark,
                           const char *date) {
  program_phase next = (program_phase)(e->phase + 1);
  cairn_form *f;
  const char *label;
  if (e->phase < PHASE_ENROLLED || e->phase >= PHASE_GRADUATED) return;
  f = program_form_for(req, posted, "move",
                       program_move_fields(req, e, below_benchmark, 0));
  if (f != (posted ? posted->form : NULL)) {
    cairn_form_set(f, "to", program_phase_code(next));
    cairn_form_set(f, "form", "move");
    if (date) cairn_form_set(f, "date", date);
  }
  label = program_phase_label(next);
  program_form_doc(
      doc, f, episode_action(req, e, "moves"),
      next == PHASE_GRADUATED ? "Graduate"
                              : cairn_req_printf(req, "Continue to the %s",
                                                 label),
      next == PHASE_GRADUATED ? "Record the graduation"
                              : cairn_req_printf(req, "Start the %s", label));
}

static void doc_visit_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e,
                           const program_form *posted) {
  cairn_form *f = program_form_for(req, posted, "visit",
                                   program_visit_fields);
  if (f != (posted ? posted->form : NULL)) {
    cairn_form_set(f, "type", "needling");
    cairn_form_set(f, "state", "finished");
  }
  program_form_doc(doc, f, episode_action(req, e, "visits"),
                   "Record the visit", "Record or schedule a visit");
}

static void doc_flare_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e,
                           const program_form *posted) {
  cairn_form *f = program_form_for(req, posted, "flare",
                                   program_flare_fields);
  if (f != (posted ? posted->form : NULL)) cairn_form_set(f, "end", "");
  program_form_doc(doc, f, episode_action(req, e, "flares"),
                   "Record the flare", "Record a flare");
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
                           const program_episode *e,
                           const program_form *posted, int status) {
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
    if (posted->problem != NULL)
      cairn_doc_text(doc, "problem", posted->problem);
  }
  program_doc_patient(doc, p);
  program_doc_episode(req, doc, e);
  program_doc_intake(req, doc, p->id, e->id);
  if (e->def == NULL) {
    return cairn_respond_view(req, doc, "program/episode", status);
  }
  program_doc_definition(req, doc, e->def);
  rc = visits_load(req, e->id, v, &nv);
  if (rc != CAIRN_OK) return rc;
  rc = program_flares_load(req, e->id, fl, PROGRAM_FLARES_MAX, &nf);
  if (rc != CAIRN_OK) return rc;
  rc = doc_delivery(req, doc, e, v, nv);
  if (rc != CAIRN_OK) return rc;
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
    if (fl[i].response[0]) cairn_doc_attr(doc, "response", fl[i].response);
    if (fl[i].per_week > 0)
      cairn_doc_attr(doc, "visits-per-week",
                     program_fmt_int(req, fl[i].per_week));
    {
      /* Reported by the patient from their own page (docs/patient.md):
      ** for the clinician to confirm.  Its body's <reportedBy>, read
      ** without an XPath context of its own. */
      const cairn_record *fr;
      if (cairn_record_get(req, fl[i].id, &fr, NULL) == CAIRN_OK) {
        cairn_doc *body = cairn_record_body(req, fr);
        if (strcmp(cairn_node_text(body, cairn_node_child(body, NULL,
                                                          "reportedBy")),
                   "patient") == 0)
          cairn_doc_attr(doc, "reported-by", "patient");
      }
    }
    if (fl[i].end_date[0] == '\0') {
      const char *fid = cairn_req_printf(req, "flare-end-%lld", fl[i].id);
      cairn_form *ef = program_form_for(req, posted, fid,
                                        program_flare_end_fields);
      /* The end of a flare opens with the response already recorded. */
      if (ef != (posted ? posted->form : NULL))
        cairn_form_set(ef, "response", fl[i].response);
      program_form_doc(doc, ef,
                       cairn_req_printf(req, "/patients/%lld/episodes/%lld/"
                                             "flares/%lld/end", p->id, e->id,
                                        fl[i].id),
                       "Record the end", NULL);
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
    if (e->phase == PHASE_MONTHLY) {
      /* The graduation checklist as the data show it, for the day the
      ** form was posted for (today otherwise). */
      program_grad_evidence ev;
      const char *day = posted && posted->form
                            ? cairn_form_value(posted->form, "date")
                            : "";
      if (program_days(day) < 0) day = cairn_req_today(req);
      rc = program_graduation_evidence(req, e, day, &ev);
      if (rc != CAIRN_OK) return rc;
      program_doc_graduation_evidence(req, doc, e, &ev);
    }
    /* No graduation while a flare is open: say why instead of the form
    ** (the move is refused then too, episode.c). */
    for (i = 0; e->phase == PHASE_MONTHLY && i < nf; i++)
      if (fl[i].end < 0) break;
    if (e->phase == PHASE_MONTHLY && i < nf) {
      cairn_doc_open(doc, "graduation-waits");
      cairn_doc_attr(doc, "flare-start", fl[i].start_date);
      cairn_doc_close(doc);
    } else {
      program_doc_next_form(req, doc, e, posted, 0, NULL);
    }
  }
  patient_doc_diary_summary(req, doc, e->id);
  /* What other plugins add (herbs, exercise, referrals, maintenance). */
  cairn_sections_fill(req, "episode", p->id, e->id, doc);
  if (e->phase == PHASE_GRADUATED)
    cairn_doc_attr(doc, "graduation",
                   cairn_req_printf(req, "/patients/%lld/episodes/%lld/"
                                         "graduation", p->id, e->id));
  if (e->phase != PHASE_GRADUATED && e->phase != PHASE_EXITED) {
    if (e->phase != PHASE_INTRODUCTORY && e->phase != PHASE_FIRST_MONTH)
      program_doc_exit_form(req, doc, e, posted, NULL);
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
