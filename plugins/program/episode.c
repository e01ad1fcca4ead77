/*
** episode.c -- the episode of care as a state machine (PROGRAM.md):
**
**   enrolled -> introductory -> first-month -> monthly -> graduated
**        \            \              \             \
**         `------------`--------------`-------------`--> exited (reason)
**
** Each move is a program:PhaseChange record (FHIR keeps such moves as
** EpisodeOfCare.statusHistory; here they are records of their own so that
** each has its author, time and reasons, and other plugins can subscribe
** to them).  Its check hook (program_check_phase_change) is the one place
** the rules live, so the pages and the XML API refuse alike:
**   - a move that is not the next phase or an exit: CAIRN_ECONFLICT (409),
**     saying which moves are possible;
**   - a move whose requirements are missing: CAIRN_EINVAL (422) naming
**     the field: an exit without a reason; starting the introductory phase
**     without a baseline of the primary measure; a checkpoint decision
**     without a measure after the baseline; entering the monthly program
**     below the 50% benchmark without a written clinical justification;
**     moving on from a checkpoint before it is due without a written
**     clinical justification for the early move;
**     graduating without the checklist.
** The subscriber (program_on_phase_change) then, in the same transaction,
** revises the EpisodeOfCare to the new phase, raises the flat invoice of a
** paid phase entered (never per visit), and writes a program:Graduation
** record when the episode graduates.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Improvement of the primary measure at `date` (the newest measure after
** the baseline on or before it) and whether it reaches `threshold` (on
** the exact scores, *reached).  1: defined; 0: undefined (*why says
** why); -1: no measure after the baseline. */
static int improvement_at(cairn_req *req, const program_episode *e,
                          const char *date, double threshold, double *imp,
                          int *reached, const char **why) {
  program_series *s = cairn_req_alloc(req, sizeof *s);
  int i;
  *why = "";
  *reached = 0;
  if (program_series_load(req, e->id, e->primary, s) != CAIRN_OK) return -1;
  i = program_series_latest(s, program_days(date));
  if (i < 0) return -1;
  if (!program_series_improvement(s, (size_t)i, imp)) {
    *why = "the baseline is already the best score, so improvement is "
           "undefined";
    return 0;
  }
  *reached = program_series_reached(s, (size_t)i, threshold);
  return 1;
}

/* A move as posted, with the episode it moves and what the check
** computes for it. */
typedef struct proposed_move {
  program_episode *e;            /* the episode, as stored */
  program_phase to;
  const char *to_text;           /* as posted, for messages */
  const char *date, *reason, *justification, *note;
  int has_improvement;           /* 1: improvement below is defined */
  double improvement;            /* of the primary measure, 0..1 */
  const char *benchmark_met;     /* "yes", "no", or "" when not judged */
  const char *goals_met, *gains_held;  /* computed at graduation, else
                                 ** NULL */
  const char *home_routine;      /* computed at graduation when the
                                 ** exercise plugin is loaded, else NULL */
} proposed_move;

/* Read the move in `body` and load its episode, which must be run as the
** program.  0, or fills *err. */
static int read_move(cairn_req *req, cairn_doc *body, proposed_move *m,
                     cairn_error *err) {
  long long ep_id;
  int rc;
  if (strcmp(cairn_node_name(cairn_doc_root(body)), "PhaseChange") != 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "the record must be a PhaseChange in namespace "
                      PROGRAM_NS ".");
  memset(m, 0, sizeof *m);
  m->e = cairn_req_alloc(req, sizeof *m->e);
  ep_id = strtoll(program_body_text(body, "episode"), NULL, 10);
  rc = program_episode_load(req, 0, ep_id, m->e, err);
  if (rc == CAIRN_ENOTFOUND)
    return cairn_fail(err, CAIRN_EINVAL, "episode",
                      "There is no episode %lld.", ep_id);
  if (rc != CAIRN_OK) return rc;
  if (m->e->phase == PHASE_NONE || m->e->def == NULL)
    return cairn_fail(err, CAIRN_ECONFLICT, "episode",
                      "Episode %lld is not run as the care program (it "
                      "has no phase); enrol the patient first.", ep_id);
  m->to_text = program_body_text(body, "to");
  m->to = program_phase_parse(m->to_text);
  m->date = program_body_text(body, "date");
  m->reason = program_body_text(body, "reason");
  m->justification = program_body_text(body, "justification");
  m->note = program_body_text(body, "note");
  m->benchmark_met = "";
  return 0;
}

/* The move goes one step forward or exits, from a phase that is not an
** end, on a day between the start of the current phase and today. */
static int check_step(cairn_req *req, const proposed_move *m,
                      cairn_error *err) {
  const program_episode *e = m->e;
  const char *today = cairn_req_today(req);
  if (e->phase == PHASE_GRADUATED || e->phase == PHASE_EXITED)
    return cairn_fail(err, CAIRN_ECONFLICT, "to",
                      "This episode has already %s (%s); nothing can "
                      "follow. Open a new episode to start again.",
                      e->phase == PHASE_GRADUATED ? "graduated" : "exited",
                      e->phase_start);
  if (!(m->to == PHASE_EXITED || (int)m->to == (int)e->phase + 1))
    return cairn_fail(err, CAIRN_ECONFLICT, "to",
                      "An episode in the %s can move only to the %s or "
                      "exit; moving to \"%s\" would skip or go back a "
                      "step.", program_phase_label(e->phase),
                      program_phase_label((program_phase)(e->phase + 1)),
                      program_phase_label(m->to));
  if (today && today[0] && strcmp(m->date, today) > 0)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "The date of the move cannot be after today (%s).",
                      today);
  if (strcmp(m->date, e->phase_start) < 0)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "The move cannot be dated before the current phase "
                      "began (%s).", e->phase_start);
  return 0;
}

/* An exit names its reason ("other" explained in the note); no other move
** has one. */
static int check_reason(const proposed_move *m, cairn_error *err) {
  if (m->to != PHASE_EXITED) {
    if (m->reason[0] == '\0') return 0;
    return cairn_fail(err, CAIRN_EINVAL, "reason",
                      "A reason is given only when the episode exits.");
  }
  if (m->reason[0] == '\0')
    return cairn_fail(err, CAIRN_EINVAL, "reason",
                      "Choose why the episode ends (no meaningful "
                      "response, benchmark not reached, red flag, "
                      "patient's choice, moved, other).");
  if (strcmp(m->reason, "other") == 0 && m->note[0] == '\0')
    return cairn_fail(err, CAIRN_EINVAL, "note",
                      "The reason is \"other\": write it in the note.");
  return 0;
}

/* The introductory phase starts from a baseline of the primary measure. */
static int check_baseline(cairn_req *req, const proposed_move *m,
                          cairn_error *err) {
  program_series *s;
  int rc;
  if (m->to != PHASE_INTRODUCTORY) return 0;
  s = cairn_req_alloc(req, sizeof *s);
  rc = program_series_load(req, m->e->id, m->e->primary, s);
  if (rc != CAIRN_OK) return cairn_fail(err, rc, NULL, "series query");
  if (s->n == 0)
    return cairn_fail(err, CAIRN_EINVAL, "to",
                      "Record a baseline %s measure for this episode "
                      "before the introductory phase starts.",
                      program_instrument_name(m->e->primary));
  return 0;
}

/* "; 12 written" when something was written, for the messages below. */
static const char *written(cairn_req *req, size_t n) {
  return n ? cairn_req_printf(req, "; %zu written", n) : "";
}

/* Entering the monthly program below the benchmark needs a written
** clinical justification when the definition says so. */
static int check_below_benchmark(cairn_req *req, const proposed_move *m,
                                 const program_checkpoint_def *cp,
                                 cairn_error *err) {
  size_t n = program_utf8_chars(m->justification);
  if (m->to != PHASE_MONTHLY || strcmp(m->benchmark_met, "yes") == 0 ||
      !cp->justification_below || n >= PROGRAM_JUSTIFICATION_MIN)
    return 0;
  return cairn_fail(
      err, CAIRN_EINVAL, "justification",
      "%s: below the %.0f%% benchmark, so the monthly program needs a "
      "written clinical justification (at least %d characters%s).",
      m->has_improvement
          ? cairn_req_printf(req, "Improvement is %s",
                             program_percent_text(req, m->improvement,
                                                  cp->threshold, 0))
          : "Improvement is undefined",
      cp->threshold * 100, PROGRAM_JUSTIFICATION_MIN, written(req, n));
}

/* Moving on before the checkpoint is due (the target duration of the
** definition, counted from the start of the introductory phase) is an
** exception a colleague must be able to weigh: it needs a written clinical
** justification.  Exit stays possible any day. */
static int check_early(cairn_req *req, const proposed_move *m,
                       const program_checkpoint_def *cp, cairn_error *err) {
  const program_episode *e = m->e;
  const char *from = e->intro_start[0] ? e->intro_start : e->period_start;
  long due = program_days(from) + cp->due_day;
  size_t n = program_utf8_chars(m->justification);
  if (m->to == PHASE_EXITED || program_days(m->date) >= due ||
      n >= PROGRAM_JUSTIFICATION_MIN)
    return 0;
  return cairn_fail(
      err, CAIRN_EINVAL, "justification",
      "The %s checkpoint is not due until %s (%d days from the start "
      "of the introductory phase); moving on before then needs a "
      "written clinical justification for the early move (at least "
      "%d characters%s). Exit is possible at any time.",
      e->phase == PHASE_INTRODUCTORY ? "introductory" : "first-month",
      cairn_date_format(req, due), cp->due_day, PROGRAM_JUSTIFICATION_MIN,
      written(req, n));
}

/* At a checkpoint (leaving introductory or first-month, either way) the
** improvement is computed and kept with the decision, which rests on a
** measure taken after the baseline. */
static int check_checkpoint(cairn_req *req, proposed_move *m,
                            cairn_error *err) {
  const program_episode *e = m->e;
  const program_checkpoint_def *cp;
  const char *why;
  int k, rc, reached;
  if (e->phase != PHASE_INTRODUCTORY && e->phase != PHASE_FIRST_MONTH)
    return 0;
  cp = &e->def->checkpoint[e->phase == PHASE_INTRODUCTORY ? 0 : 1];
  k = improvement_at(req, e, m->date, cp->threshold, &m->improvement,
                     &reached, &why);
  if (k < 0 && m->to != PHASE_EXITED)
    return cairn_fail(err, CAIRN_EINVAL, "to",
                      "Record a %s measure taken after the baseline "
                      "(on or before %s) so that the checkpoint "
                      "decision rests on data.",
                      program_instrument_name(e->primary), m->date);
  m->has_improvement = k == 1;
  if (k >= 0)
    m->benchmark_met = k == 1 && reached ? "yes" : "no";
  rc = check_below_benchmark(req, m, cp, err);
  if (rc != 0) return rc;
  return check_early(req, m, cp, err);
}

/* No graduation while a flare is open on its date (begun on or before it
** and not ended by it): the flare is answered first, as its response says,
** and the gains are judged once it has settled. */
static int check_no_open_flare(cairn_req *req, const proposed_move *m,
                               cairn_error *err) {
  program_flare *fl = cairn_req_alloc(req, sizeof *fl * PROGRAM_FLARES_MAX);
  size_t nf, i;
  long day = program_days(m->date);
  if (program_flares_load(req, m->e->id, fl, PROGRAM_FLARES_MAX, &nf) !=
      CAIRN_OK)
    return cairn_fail(err, CAIRN_EDB, NULL, "flares query");
  for (i = 0; i < nf; i++) {
    if (fl[i].start > day || (fl[i].end >= 0 && fl[i].end <= day)) continue;
    return cairn_fail(err, CAIRN_ECONFLICT, "to",
                      "A flare is open since %s: graduation waits until it "
                      "has ended. Record its end on the episode page "
                      "first.", fl[i].start_date);
  }
  return 0;
}

/* Graduation is checked against the data (evidence.c): the functional
** goals and the gains held are computed, never taken from the client; the
** home routine too when the exercise plugin holds the episode's
** progression (a routine written on its page), else the clinician records
** it and it is required.
** Graduating while the data fall short needs a written clinical
** justification, which is kept with the move and counted in /economics.
** Its improvement is kept. */
static int check_graduation(cairn_req *req, cairn_doc *body,
                            proposed_move *m, cairn_error *err) {
  program_grad_evidence ev;
  const char *short_of = "", *why;
  size_t n = program_utf8_chars(m->justification);
  int reached, rc;
  if (m->to != PHASE_GRADUATED) return 0;
  rc = check_no_open_flare(req, m, err);
  if (rc != 0) return rc;
  rc = program_graduation_evidence(req, m->e, m->date, &ev);
  if (rc != CAIRN_OK) return cairn_fail(err, rc, NULL, "evidence query");
  if (!ev.routine_computed &&
      strcmp(program_body_text(body, "homeRoutine"), "yes") != 0)
    return cairn_fail(err, CAIRN_EINVAL, "homeRoutine",
                      "Graduation needs the home routine handed over: "
                      "record it on the checklist.");
  m->goals_met = ev.goals_met ? "yes" : "no";
  m->gains_held = ev.gains_held ? "yes" : "no";
  if (!ev.goals_met)
    short_of = ev.psfs_date[0]
                   ? "the newest PSFS does not show every goal met"
                   : "no PSFS of the patient's activities is recorded";
  if (!ev.gains_held)
    short_of = cairn_req_printf(
        req, "%s%sthe primary measure is not shown to have held its gains "
             "for %ld weeks", short_of, short_of[0] ? "; " : "",
        ev.window_days / 7);
  if (ev.routine_computed) {
    m->home_routine = ev.routine ? "yes" : "no";
    if (!ev.routine)
      short_of = cairn_req_printf(
          req, "%s%sno home routine is written on the exercise page",
          short_of, short_of[0] ? "; " : "");
  }
  if (short_of[0] && n < PROGRAM_JUSTIFICATION_MIN)
    return cairn_fail(err, CAIRN_EINVAL, "justification",
                      "The data do not show the end of the program: %s. "
                      "Graduating without them needs a written clinical "
                      "justification (at least %d characters%s).",
                      short_of, PROGRAM_JUSTIFICATION_MIN, written(req, n));
  m->has_improvement = improvement_at(req, m->e, m->date, 0, &m->improvement,
                                      &reached, &why) == 1;
  return 0;
}

/* Computed elements replace whatever a client sent: from (before to), and
** at the end definitionVersion, improvement and benchmarkMet. */
static void set_computed(cairn_req *req, cairn_doc *body,
                         const proposed_move *m) {
  double imp = m->improvement;
  cairn_doc_remove(body, NULL, "r:from");
  cairn_doc_remove(body, NULL, "r:definitionVersion");
  cairn_doc_remove(body, NULL, "r:improvement");
  cairn_doc_remove(body, NULL, "r:benchmarkMet");
  if (m->goals_met) {
    cairn_node *home;
    cairn_doc_remove(body, NULL, "r:goalsMet");
    cairn_doc_remove(body, NULL, "r:gainsHeld");
    if (m->home_routine) cairn_doc_remove(body, NULL, "r:homeRoutine");
    home = cairn_node_child(body, NULL, "homeRoutine");
    cairn_doc_at(body, NULL);
    cairn_doc_insert_before(body, home, "goalsMet", m->goals_met);
    cairn_doc_insert_before(body, home, "gainsHeld", m->gains_held);
    if (m->home_routine)
      cairn_doc_insert_before(body, NULL, "homeRoutine", m->home_routine);
  }
  cairn_doc_insert_before(body, cairn_node_child(body, NULL, "to"), "from",
                          program_phase_code(m->e->phase));
  cairn_doc_at(body, NULL);
  cairn_doc_text(body, "definitionVersion",
                 program_fmt_int(req, m->e->def_version));
  if (m->has_improvement) {
    if (imp < -1000) imp = -1000;
    cairn_doc_text(body, "improvement", program_fmt(req, imp, 4));
  }
  if (m->benchmark_met[0])
    cairn_doc_text(body, "benchmarkMet", m->benchmark_met);
}

int program_check_phase_change(cairn_req *req, cairn_doc *body,
                               cairn_error *err) {
  proposed_move m;
  int rc = read_move(req, body, &m, err);
  if (rc == 0) rc = check_step(req, &m, err);
  if (rc == 0) rc = check_reason(&m, err);
  if (rc == 0) rc = check_baseline(req, &m, err);
  if (rc == 0) rc = check_checkpoint(req, &m, err);
  if (rc == 0) rc = check_graduation(req, body, &m, err);
  if (rc != 0) return rc;
  set_computed(req, body, &m);
  return CAIRN_OK;
}

/* ------------------------------------------------------- subscriber */

/* The episode's body again with a new phase (and, at the end, status
** finished and periodEnd). */
static cairn_doc *episode_body(cairn_req *req, const program_episode *e,
                               program_phase to, const char *date) {
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "EpisodeOfCare");
  int end = to == PHASE_GRADUATED || to == PHASE_EXITED, i;
  cairn_doc_text(doc, "status", end ? "finished" : "active");
  cairn_doc_text(doc, "cohort", e->cohort);
  cairn_doc_text(doc, "periodStart", e->period_start);
  if (e->primary[0]) cairn_doc_text(doc, "primaryInstrument", e->primary);
  if (end) cairn_doc_text(doc, "periodEnd", date);
  cairn_doc_text(doc, "phase", program_phase_code(to));
  cairn_doc_text(doc, "definitionVersion",
                 program_fmt_int(req, e->def_version));
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) {
    if (e->activity[i][0] == '\0') continue;
    cairn_doc_text_attr(doc, "activity", "item",
                        cairn_req_printf(req, "a%d", i + 1), e->activity[i]);
    if (e->goal[i][0]) {
      cairn_doc_at(doc, program_last_child(doc, "activity"));
      cairn_doc_attr(doc, "goal", e->goal[i]);
      cairn_doc_at(doc, NULL);
    }
  }
  return doc;
}

int program_on_phase_change(cairn_req *req, const cairn_record *rec,
                            cairn_error *err) {
  long long ep_id = strtoll(cairn_record_value(rec, "r:episode"), NULL, 10);
  program_phase to = program_phase_parse(cairn_record_value(rec, "r:to"));
  const char *date = cairn_record_value(rec, "r:date");
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int rc, paid;
  long long id;

  rc = program_episode_load(req, 0, ep_id, e, err);
  if (rc != CAIRN_OK) return rc;
  rc = cairn_record_revise(req, e->id, e->version, NULL,
                           episode_body(req, e, to, date), err);
  if (rc != CAIRN_OK) return rc;

  paid = program_phase_paid_index(to);
  if (paid >= 0 && e->def) {
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "phase", program_phase_code(to),
      "date", date,
      "amount", program_money(req, e->def->phase[paid].fee),
      "currency", e->def->currency,
      "definitionVersion", program_fmt_int(req, e->def_version),
      NULL, NULL};
    rc = cairn_record_create(req, PROGRAM_T_INVOICE, e->patient,
                             program_body(req, "Invoice", pairs), &id, err);
    if (rc != CAIRN_OK) return rc;
  }
  if (to == PHASE_GRADUATED) {
    const char *start = e->intro_start[0] ? e->intro_start : e->period_start;
    long days = program_days(date) - program_days(start);
    const char *imp = cairn_record_value(rec, "r:improvement");
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "date", date,
      "daysInProgram", program_fmt_int(req, days < 0 ? 0 : days),
      "improvement", imp,
      NULL, NULL};
    rc = cairn_record_create(req, PROGRAM_T_GRADUATION, e->patient,
                             program_body(req, "Graduation", pairs), &id,
                             err);
    if (rc != CAIRN_OK) return rc;
  }
  return CAIRN_OK;
}

/* ------------------------------------------------------ POST a move */

/* What a move form posts (the exit form and the move forms together). */
static const char *const MOVE_NAMES[] = {
  "to", "date", "reason", "justification", "note", "goalsMet", "gainsHeld",
  "homeRoutine", "form", NULL};

static int rerender(cairn_req *req, const program_patient *p,
                    const program_episode *e, const program_form *f,
                    int status) {
  if (e->phase == PHASE_INTRODUCTORY || e->phase == PHASE_FIRST_MONTH)
    return program_render_checkpoint(req, p, e, f, status);
  return program_render_episode(req, p, e, f, status);
}

/* The PhaseChange of a checked move form; checkboxes send "yes" or
** nothing. */
static cairn_doc *move_body(cairn_req *req, const program_episode *e,
                            cairn_form *f) {
  const char *pairs[] = {
    "episode", program_fmt_int(req, e->id),
    "to", cairn_form_value(f, "to"),
    "date", cairn_form_value(f, "date"),
    "reason", cairn_form_value(f, "reason"),
    "justification", cairn_form_value(f, "justification"),
    "note", cairn_form_value(f, "note"),
    "goalsMet", cairn_form_value(f, "goalsMet")[0] ? "yes" : "",
    "gainsHeld", cairn_form_value(f, "gainsHeld")[0] ? "yes" : "",
    "homeRoutine", cairn_form_value(f, "homeRoutine")[0] ? "yes" : "",
    NULL, NULL};
  return program_body(req, "PhaseChange", pairs);
}

int program_post_move(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  program_form pf = {.id = "move", .form = NULL, .problem = NULL};
  long long id;
  int rc;

  rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  if (program_req_is_xml(req))
    return program_post_episode_xml(req, PROGRAM_T_PHASE_CHANGE, &p, e);
  if (strcmp(cairn_req_content_type(req),
             "application/x-www-form-urlencoded") != 0)
    return program_unsupported(req);

  if (strcmp(program_trim(req, cairn_req_form(req, "form")), "exit") == 0)
    pf.id = "exit";
  pf.form = cairn_form_new(req, pf.id,
                           strcmp(pf.id, "exit") == 0
                               ? program_exit_fields
                               : program_move_form_fields(req, e));
  program_form_read(req, pf.form, MOVE_NAMES);
  program_form_date(req, pf.form, "date", 1, 0);
  if (program_phase_parse(cairn_form_value(pf.form, "to")) == PHASE_NONE)
    cairn_form_error(pf.form, "to", "Choose the phase to move to.");
  program_form_choice(pf.form, "reason", program_exit_reasons, 0,
                      "Choose a reason from the list.");
  if (cairn_form_errors(pf.form) > 0) return rerender(req, &p, e, &pf, 422);
  rc = cairn_record_create(req, PROGRAM_T_PHASE_CHANGE, p.id,
                           move_body(req, e, pf.form), &id, &err);
  if (rc == CAIRN_OK)
    return cairn_respond_redirect(req, cairn_req_printf(
        req, "/patients/%lld/episodes/%lld", p.id, e->id));
  if (rc != CAIRN_EINVAL && rc != CAIRN_ECONFLICT && rc != CAIRN_ELIMIT)
    return cairn_respond_failure(req, &err, 422);
  program_form_refused(req, &pf, &err);
  return rerender(req, &p, e, &pf, rc == CAIRN_ECONFLICT ? 409 : 422);
}
