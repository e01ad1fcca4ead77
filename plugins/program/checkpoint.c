/*
** checkpoint.c -- the decision pages at the end of the introductory phase
** ("is there a meaningful response?") and at the first-month benchmark
** ("has the primary measure improved by at least 50% from baseline?"),
** GET /patients/{p}/episodes/{e}/checkpoint.  The page puts the data in
** front of the clinician: the trajectory against the baseline and the
** threshold, the improvement, the latest PGIC, visits delivered against
** planned, and a recommendation computed by the definition's rule; then
** the two forms: continue (with a justification where the benchmark is
** not reached) or exit with a reason.  Exit is a first-class outcome.
*/
#include "program.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The shortest time axis of the checkpoint chart, in days: two weeks, the
** introductory phase. */
#define CHART_MIN_DAYS 14

/* Needling sessions delivered while the episode was in `phase`, by the
** one rule the episode page and /economics use (PROGRAM_PHASE_OF_VISIT in
** careprogram.h): a visit belongs to the phase in force on its day. */
static const char SQL_NEEDLING[] =
    "SELECT count(*) FROM p_program_encounter v WHERE v.episode = :episode"
    " AND v.state = 'finished' AND v.visit_type = 'needling'"
    " AND v.status <> 'entered-in-error'"
    " AND " PROGRAM_PHASE_OF_VISIT " IN (:p1, :p2)";

static const char SQL_PGIC[] =
    "SELECT effective, score FROM p_program_observation"
    " WHERE episode = :episode AND instrument = 'pgic'"
    " AND status <> 'entered-in-error' ORDER BY effective DESC, record DESC"
    " LIMIT 1";

static long long count_needling(cairn_req *req, long long episode,
                                const char *p1, const char *p2) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_NEEDLING, &err);
  if (st == NULL) return 0;
  cairn_sql_bind_int(st, ":episode", episode);
  cairn_sql_bind_text(st, ":p1", p1);
  cairn_sql_bind_text(st, ":p2", p2);
  return cairn_sql_step(st) == 1 ? cairn_sql_int(st, 0) : 0;
}

/* The trajectory of the primary measure: <measure ...><point/>*
** <flare/>*</measure>; returns 1 and *imp when the improvement at the
** newest measure is defined, 0 when undefined, -1 without a measure after
** the baseline; *reached is 1 when that measure reaches `threshold`. */
static int doc_measure(cairn_req *req, cairn_doc *doc,
                       const program_episode *e, double threshold,
                       double *imp, int *reached) {
  program_series *s = cairn_req_alloc(req, sizeof *s);
  program_flare *fl = cairn_req_alloc(req, sizeof *fl * PROGRAM_FLARES_MAX);
  size_t nf = 0, i;
  long first, last, xmax;
  int latest, defined = -1;
  double lo, hi, base;

  *reached = 0;
  if (program_series_load(req, e->id, e->primary, s) != CAIRN_OK) return -1;
  program_flares_load(req, e->id, fl, PROGRAM_FLARES_MAX, &nf);
  cairn_doc_open(doc, "measure");
  cairn_doc_attr(doc, "instrument", e->primary);
  if (s->def) {
    cairn_doc_attr(doc, "abbreviation", s->def->abbreviation);
    cairn_doc_attr(doc, "name", s->def->name);
    cairn_doc_attr(doc, "best", program_fmt(req, s->def->best, 1));
  }
  if (s->def == NULL || s->base < 0) {
    cairn_doc_close(doc);
    return -1;
  }
  base = s->pt[s->base].score;
  first = s->pt[0].day;
  /* The axis spans the episode's data (measures, flares, moves), not up
  ** to today: weeks without data would squash the trajectory left. */
  last = s->pt[s->n - 1].day;
  for (i = 0; i < nf; i++) {
    if (fl[i].start > last) last = fl[i].start;
    if (fl[i].end > last) last = fl[i].end;
  }
  for (i = 0; i < e->n_moves; i++) {
    long d = program_days(e->moves[i].date);
    if (d > last) last = d;
  }
  xmax = last - first < CHART_MIN_DAYS ? CHART_MIN_DAYS : last - first;
  lo = fmin(s->def->best, s->def->worst);
  hi = fmax(s->def->best, s->def->worst);
  cairn_doc_attr(doc, "baseline", program_score_text(req, s->def, base));
  cairn_doc_attr(doc, "baseline-date", s->pt[s->base].date);
  cairn_doc_attr(doc, "y-min", program_fmt(req, lo, 2));
  cairn_doc_attr(doc, "y-max", program_fmt(req, hi, 2));
  cairn_doc_attr(doc, "x-max", program_fmt_int(req, xmax));
  cairn_doc_attr(doc, "threshold-score",
                 program_fmt(req, base - threshold * (base - s->def->best),
                             2));
  latest = program_series_latest(s, -1);
  if (latest >= 0) {
    cairn_doc_attr(doc, "latest", program_score_text(req, s->def, s->pt[latest].score));
    cairn_doc_attr(doc, "latest-date", s->pt[latest].date);
    defined = program_series_improvement(s, (size_t)latest, imp);
    *reached = program_series_reached(s, (size_t)latest, threshold);
    if (defined) cairn_doc_attr(doc, "improvement", program_fmt(req, *imp, 4));
    else cairn_doc_attr(doc, "improvement-undefined", "yes");
  }
  for (i = 0; i < s->n; i++) {
    double v;
    cairn_doc_open(doc, "point");
    cairn_doc_attr(doc, "date", s->pt[i].date);
    cairn_doc_attr(doc, "day", program_fmt_int(req, s->pt[i].day - first));
    cairn_doc_attr(doc, "score", program_score_text(req, s->def, s->pt[i].score));
    if ((int)i == s->base) cairn_doc_attr(doc, "baseline", "yes");
    else if (program_series_improvement(s, i, &v))
      cairn_doc_attr(doc, "improvement", program_fmt(req, v, 4));
    cairn_doc_close(doc);
  }
  for (i = 0; i < e->n_moves; i++) {
    long d = program_days(e->moves[i].date);
    if (d < first) continue;
    cairn_doc_open(doc, "phase-mark");
    cairn_doc_attr(doc, "day", program_fmt_int(req, d - first));
    cairn_doc_attr(doc, "date", e->moves[i].date);
    cairn_doc_attr(doc, "label", program_phase_label(e->moves[i].to));
    cairn_doc_close(doc);
  }
  for (i = 0; i < nf; i++) {
    long end = fl[i].end < 0 ? first + xmax : fl[i].end;
    cairn_doc_open(doc, "flare");
    cairn_doc_attr(doc, "start-day", program_fmt_int(req, fl[i].start - first));
    cairn_doc_attr(doc, "end-day", program_fmt_int(req, end - first));
    cairn_doc_attr(doc, "severity", fl[i].severity);
    cairn_doc_attr(doc, "start", fl[i].start_date);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
  return defined;
}

/* The move form before the checkpoint is due: the next phase with the
** written clinical justification the early move needs (the check hook
** refuses it without).  Otherwise as program_doc_next_form. */
const cairn_field *program_move_form_fields(cairn_req *req,
                                            const program_episode *e) {
  const program_checkpoint_def *cp;
  program_series *s;
  double imp;
  long start;
  int latest, reached;
  if (e->phase != PHASE_INTRODUCTORY && e->phase != PHASE_FIRST_MONTH)
    return program_move_fields(req, e, 0, 0);
  cp = &e->def->checkpoint[e->phase == PHASE_INTRODUCTORY ? 0 : 1];
  start = program_days(e->intro_start[0] ? e->intro_start : e->period_start);
  if (program_days(cairn_req_today(req)) < start + cp->due_day)
    return program_move_fields(req, e, 0, 1);
  s = cairn_req_alloc(req, sizeof *s);
  reached = 0;
  if (program_series_load(req, e->id, e->primary, s) == CAIRN_OK &&
      (latest = program_series_latest(s, -1)) >= 0 &&
      program_series_improvement(s, (size_t)latest, &imp))
    reached = program_series_reached(s, (size_t)latest, cp->threshold);
  return program_move_fields(req, e, !reached && cp->justification_below, 0);
}

static void doc_early_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e,
                           const program_form *posted) {
  program_phase next = (program_phase)(e->phase + 1);
  cairn_form *f = program_form_for(req, posted, "move",
                                   program_move_fields(req, e, 0, 1));
  if (f != (posted ? posted->form : NULL)) {
    cairn_form_set(f, "to", program_phase_code(next));
    cairn_form_set(f, "form", "move");
  }
  program_form_doc(doc, f,
                   cairn_req_printf(req, "/patients/%lld/episodes/%lld/moves",
                                    e->patient, e->id),
                   cairn_req_printf(req, "Continue to the %s",
                                    program_phase_label(next)),
                   cairn_req_printf(req, "Start the %s early",
                                    program_phase_label(next)));
}

/* <pgic date= score= meaning=/>: the episode's newest impression of
** change, when there is one. */
static int doc_pgic(cairn_req *req, cairn_doc *doc, const program_episode *e) {
  static const char *const meaning[] = {
    "", "very much improved", "much improved", "minimally improved",
    "no change", "minimally worse", "much worse", "very much worse"};
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_PGIC, &err);
  int iv;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", e->id);
  if (cairn_sql_step(st) != 1) return CAIRN_OK;
  iv = (int)cairn_sql_real(st, 1);
  cairn_doc_open(doc, "pgic");
  cairn_doc_attr(doc, "date", cairn_sql_text(st, 0));
  cairn_doc_attr(doc, "score", program_fmt_int(req, iv));
  cairn_doc_attr(doc, "meaning", iv >= 1 && iv <= 7 ? meaning[iv] : "");
  cairn_doc_close(doc);
  return CAIRN_OK;
}

/* <visits phase-planned= phase-needling= program-planned=
** program-needling=/>: needling sessions against the plan. */
static void doc_visits(cairn_req *req, cairn_doc *doc,
                       const program_episode *e, int k) {
  const program_phase_def *ph = &e->def->phase[k];
  cairn_doc_open(doc, "visits");
  cairn_doc_attr(doc, "phase-planned", program_fmt_int(req, ph->sessions));
  cairn_doc_attr(doc, "phase-needling",
                 program_fmt_int(req, count_needling(
                     req, e->id, program_phase_code(e->phase),
                     program_phase_code(e->phase))));
  cairn_doc_attr(doc, "program-planned",
                 program_fmt_int(req, e->def->phase[0].sessions +
                                          (k == 1 ? ph->sessions : 0)));
  cairn_doc_attr(doc, "program-needling",
                 program_fmt_int(req, count_needling(
                     req, e->id, "introductory",
                     program_phase_code(e->phase))));
  cairn_doc_close(doc);
}

/* <recommendation action=record|continue|exit text=/> from the
** improvement (`defined` as doc_measure returns it).  1 when the
** improvement is below the threshold. */
static int doc_recommendation(cairn_req *req, cairn_doc *doc,
                              const program_episode *e, int k, int defined,
                              double imp, int reached) {
  const program_checkpoint_def *cp = &e->def->checkpoint[k];
  const char *action, *text;
  if (defined < 0) {
    action = "record";
    text = cairn_req_printf(req, "Record a %s measure now: the decision "
                                 "should rest on a measure taken after the "
                                 "baseline.",
                            program_instrument_name(e->primary));
  } else if (reached) {
    action = "continue";
    text = cairn_req_printf(
        req, "Improvement %s reaches the %.0f%% threshold: continue to "
             "the %s.", program_percent_text(req, imp, cp->threshold, 1),
        cp->threshold * 100,
        program_phase_label((program_phase)(e->phase + 1)));
  } else {
    action = "exit";
    text = cairn_req_printf(
        req, "%s, below the %.0f%% threshold: the recommendation is to exit "
             "(%s)%s.",
        defined == 1 ? cairn_req_printf(req, "Improvement %s",
                                        program_percent_text(
                                            req, imp, cp->threshold, 0))
                     : "Improvement is undefined (the baseline is already "
                       "the best score)",
        cp->threshold * 100,
        k == 0 ? "no meaningful response" : "benchmark not reached",
        cp->justification_below
            ? "; continuing needs a written clinical justification"
            : "");
  }
  cairn_doc_open(doc, "recommendation");
  cairn_doc_attr(doc, "action", action);
  cairn_doc_attr(doc, "text", text);
  cairn_doc_close(doc);
  return !reached;
}

/* Where an episode with no checkpoint due stands, as a clause: "it has
** exited (2026-03-02)", "it is in the monthly program". */
static const char *where_episode_is(cairn_req *req, const program_episode *e) {
  switch (e->phase) {
  case PHASE_EXITED:
    return cairn_req_printf(req, "it has exited (%s)", e->phase_start);
  case PHASE_GRADUATED:
    return cairn_req_printf(req, "it has graduated (%s)", e->phase_start);
  case PHASE_ENROLLED:
    return "the introductory phase has not started";
  case PHASE_MONTHLY:
    return "it is in the monthly program";
  default:
    return "it is not run as the care program";
  }
}

int program_render_checkpoint(cairn_req *req, const program_patient *p,
                              const program_episode *e,
                              const program_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "checkpoint-page");
  const program_checkpoint_def *cp;
  const char *today = cairn_req_today(req), *due, *decision_day;
  double imp = 0;
  int k, defined, below, rc, reached = 0;
  long start;

  if (e->phase != PHASE_INTRODUCTORY && e->phase != PHASE_FIRST_MONTH)
    return cairn_respond_error(
        req, 404, NULL,
        cairn_req_printf(req, "No checkpoint is due for this episode: %s. "
                              "Checkpoints are taken at the end of the "
                              "introductory phase and of the first-month "
                              "continuation.", where_episode_is(req, e)));
  k = e->phase == PHASE_INTRODUCTORY ? 0 : 1;
  cp = &e->def->checkpoint[k];
  start = program_days(e->intro_start[0] ? e->intro_start : e->period_start);
  due = cairn_date_format(req, start + cp->due_day);
  cairn_doc_attr(doc, "kind", program_phase_code(e->phase));
  cairn_doc_attr(doc, "today", today);
  cairn_doc_attr(doc, "threshold", program_fmt(req, cp->threshold, 2));
  cairn_doc_attr(doc, "due", due);
  cairn_doc_attr(doc, "overdue",
                 cairn_date_format(req, start + cp->overdue_day));
  if (strcmp(today, cairn_date_format(req, start + cp->overdue_day)) > 0)
    cairn_doc_attr(doc, "is-overdue", "yes");
  /* Before the due day, moving on needs a justification for the early
  ** move (program_check_phase_change); the view adds the field. */
  if (strcmp(today, due) < 0) cairn_doc_attr(doc, "early", "yes");
  program_doc_patient(doc, p);
  program_doc_episode(req, doc, e);

  defined = doc_measure(req, doc, e, cp->threshold, &imp, &reached);
  if ((rc = doc_pgic(req, doc, e)) != CAIRN_OK) return rc;
  doc_visits(req, doc, e, k);
  below = doc_recommendation(req, doc, e, k, defined, imp,
                             defined == 1 && reached);
  /* The forms open on the due day (a decision recorded late is the due
  ** day's); before it, or when the phase began after it, on today. */
  decision_day = strcmp(today, due) < 0 || strcmp(due, e->phase_start) < 0
                     ? NULL
                     : due;
  /* Earlier patients like this one, beside the recommendation. */
  rc = program_doc_evidence(req, doc, k, defined == 1 ? &imp : NULL);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(today, due) < 0)
    doc_early_form(req, doc, e, f);
  else
    program_doc_next_form(req, doc, e, f, below && cp->justification_below,
                          decision_day);
  program_doc_exit_form(req, doc, e, f, decision_day);
  /* Beside the measures: what other plugins know of this phase (herbal
  ** adherence and adverse effects, exercise sessions). */
  cairn_sections_fill(req, "checkpoint", p->id, e->id, doc);
  return cairn_respond_view(req, doc, "program/checkpoint", status);
}

int program_page_checkpoint(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  return program_render_checkpoint(req, &p, e, NULL, 200);
}
