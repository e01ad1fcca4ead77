/*
** patient.c -- the patient's own pages under /p/{episode}: home (where
** they are, their measure against baseline and the 50% line, visits,
** this week's plan), a flare as it happens, and their own summary.
** Every page is reached only through the episode's personal link (a
** capability of scope "episode:{id}"), shows only this patient's data,
** never a staff note, and is audited.  docs/patient.md.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

CAIRN_PLUGIN_EXTERN

/* The chart's drawing box (SVG user units). */
#define CHART_W 320
#define CHART_H 160
#define CHART_PAD 16

/* Instruments a patient can report on their own (never ODI/NDI, whose
** wording the clinic holds on paper). */
static const char *const REPORTABLE[] = {"nrs", "peg", "psfs", "psfs2",
                                         "pgic", "headache", NULL};

/* The route's episode id, 0 when absent. */
static long long route_episode(cairn_req *req) {
  const char *s = cairn_req_param(req, "episode");
  return s != NULL ? strtoll(s, NULL, 10) : 0;
}

/* The same page for a wrong, expired or revoked link and a missing
** episode: nothing about anyone. */
static int nothing_here(cairn_req *req) {
  return cairn_respond_error(req, 404, NULL,
                            "This page is not available. Please use the "
                            "link your clinic sent you.");
}

/* See patient.h: the scope must be exactly this episode. */
int patient_route_episode(cairn_req *req, program_episode *e, int *done) {
  cairn_error err = {0, "", ""};
  const char *scope = cairn_req_capability(req);
  long long id = route_episode(req);
  int rc;
  *done = 1;
  if (scope == NULL || id <= 0 ||
      strcmp(scope, cairn_req_printf(req, "episode:%lld", id)) != 0)
    return nothing_here(req);
  rc = program_episode_load(req, 0, id, e, &err);
  if (rc == CAIRN_ENOTFOUND) return nothing_here(req);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 500);
  if (patient_link_active(req, id) == NULL) return nothing_here(req);
  cairn_audit_note(req, e->patient, e->id);
  *done = 0;
  return 0;
}

/* See patient.h. */
const instr_def *patient_diary_instrument(const program_episode *e) {
  size_t i;
  for (i = 0; REPORTABLE[i] != NULL; i++)
    if (e->primary != NULL && strcmp(e->primary, REPORTABLE[i]) == 0) {
      const instr_def *d = instr_find(program_instruments, e->primary);
      if (d != NULL) return d;
    }
  return instr_find(program_instruments, "nrs");
}

/* The baseline score of the episode's instrument `instr`: 1 and *out,
** or 0 when there is none. */
static int baseline_of(cairn_req *req, long long episode, const char *instr,
                       double *out) {
  static const char SQL[] =
      "SELECT score FROM p_program_observation WHERE episode = :e"
      " AND instrument = :i AND timepoint = 'baseline'"
      " AND status <> 'entered-in-error' AND score IS NOT NULL"
      " ORDER BY effective, record LIMIT 1";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  if (st == NULL || cairn_sql_bind_int(st, ":e", episode) != 0 ||
      cairn_sql_bind_text(st, ":i", instr) != 0 || cairn_sql_step(st) != 1)
    return 0;
  *out = cairn_sql_real(st, 0);
  return 1;
}

/* The score that is half way from baseline to the best score: the
** program's 50% line. */
static double half_line(const instr_def *d, double baseline) {
  return baseline + (d->best - baseline) * 0.5;
}

/* y of score v on the chart (best at the top). */
static double chart_y(const instr_def *d, double v) {
  double span = d->worst - d->best;
  double frac = span != 0 ? (v - d->best) / span : 0;
  return CHART_PAD + frac * (CHART_H - 2 * CHART_PAD);
}

/* <measure abbreviation= best= worst= baseline= half= baseline-y= half-y=
** points=><point date= score= by=/>*</measure>: the clinic's
** measurements and the patient's diary, oldest first, with the chart's
** coordinates computed here so that the view only draws. */
static void doc_measure(cairn_req *req, cairn_doc *doc,
                        const program_episode *e, const instr_def *d) {
  static const char SQL[] =
      "SELECT effective, score, 'clinic' FROM p_program_observation"
      " WHERE episode = :e AND instrument = :i AND score IS NOT NULL"
      " AND status <> 'entered-in-error'"
      " UNION ALL SELECT entry_date, score, 'you' FROM p_program_diary"
      " WHERE episode = :e AND instrument = :i"
      " AND status <> 'entered-in-error'"
      " ORDER BY 1 DESC LIMIT :n";
  char buf[32];
  const char *date[PATIENT_CHART_MAX], *by[PATIENT_CHART_MAX];
  double score[PATIENT_CHART_MAX], base = 0;
  size_t n = 0, i;
  char *points = cairn_req_strdup(req, "");
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  int has_base = baseline_of(req, e->id, d->id, &base);
  if (st == NULL || cairn_sql_bind_int(st, ":e", e->id) != 0 ||
      cairn_sql_bind_text(st, ":i", d->id) != 0 ||
      cairn_sql_bind_int(st, ":n", PATIENT_CHART_MAX) != 0)
    return;
  while (n < PATIENT_CHART_MAX && cairn_sql_step(st) == 1) {
    date[n] = cairn_req_strdup(req, cairn_sql_text(st, 0));
    score[n] = cairn_sql_real(st, 1);
    by[n] = cairn_req_strdup(req, cairn_sql_text(st, 2));
    n++;
  }
  cairn_doc_open(doc, "measure");
  cairn_doc_attr(doc, "abbreviation", d->abbreviation);
  cairn_doc_attr(doc, "name", d->name);
  cairn_doc_attr(doc, "width", program_fmt_int(req, CHART_W));
  cairn_doc_attr(doc, "height", program_fmt_int(req, CHART_H));
  cairn_doc_attr(doc, "lower-is-better",
                 d->direction == INSTR_LOWER_IS_BETTER ? "yes" : "no");
  if (has_base) {
    instr_format_score(d, base, buf, sizeof buf);
    cairn_doc_attr(doc, "baseline", cairn_req_strdup(req, buf));
    instr_format_score(d, half_line(d, base), buf, sizeof buf);
    cairn_doc_attr(doc, "half", cairn_req_strdup(req, buf));
    cairn_doc_attr(doc, "baseline-y",
                   program_fmt(req, chart_y(d, base), 1));
    cairn_doc_attr(doc, "half-y",
                   program_fmt(req, chart_y(d, half_line(d, base)), 1));
  }
  for (i = n; i-- > 0;) {
    double x = n > 1 ? CHART_PAD + (double)(n - 1 - i) *
                           (CHART_W - 2 * CHART_PAD) / (double)(n - 1)
                     : CHART_W / 2.0;
    const char *xy = cairn_req_printf(req, "%.1f,%.1f", x,
                                      chart_y(d, score[i]));
    points = cairn_req_printf(req, "%s%s%s", points, points[0] ? " " : "",
                              xy);
    cairn_doc_open(doc, "point");
    cairn_doc_attr(doc, "date", date[i]);
    instr_format_score(d, score[i], buf, sizeof buf);
    cairn_doc_attr(doc, "score", cairn_req_strdup(req, buf));
    cairn_doc_attr(doc, "by", by[i]);
    cairn_doc_attr(doc, "x", program_fmt(req, x, 1));
    cairn_doc_attr(doc, "y", program_fmt(req, chart_y(d, score[i]), 1));
    cairn_doc_close(doc);
  }
  cairn_doc_attr(doc, "points", points);
  cairn_doc_close(doc);
}

/* <visit date=/>* the planned visits from today on (no notes). */
static void doc_visits(cairn_req *req, cairn_doc *doc, long long episode) {
  static const char SQL[] =
      "SELECT visit_date FROM p_program_encounter WHERE episode = :e"
      " AND state = 'planned' AND visit_date >= :t"
      " AND status <> 'entered-in-error' ORDER BY visit_date LIMIT :n";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  if (st == NULL || cairn_sql_bind_int(st, ":e", episode) != 0 ||
      cairn_sql_bind_text(st, ":t", cairn_req_today(req)) != 0 ||
      cairn_sql_bind_int(st, ":n", PATIENT_VISITS_MAX) != 0)
    return;
  while (cairn_sql_step(st) == 1)
    cairn_doc_text_attr(doc, "visit", "date", cairn_sql_text(st, 0), "");
}

/* <where phase= phase-label= day= checkpoint-date=? checkpoint-day=?
** threshold=? per-week-min=? per-week-max=?/>: the road map. */
static void doc_where(cairn_req *req, cairn_doc *doc,
                      const program_episode *e) {
  long today = cairn_date_today(req);
  long start = program_days(e->intro_start[0] ? e->intro_start
                                              : e->period_start);
  int cp = e->phase == PHASE_INTRODUCTORY ? 0
           : e->phase == PHASE_FIRST_MONTH ? 1 : -1;
  int paid = program_phase_paid_index(e->phase);
  cairn_doc_open(doc, "where");
  cairn_doc_attr(doc, "phase", program_phase_code(e->phase));
  cairn_doc_attr(doc, "phase-label", program_phase_label(e->phase));
  if (start >= 0 && today >= start)
    cairn_doc_attr(doc, "day", program_fmt_int(req, today - start + 1));
  if (e->def != NULL && cp >= 0 && e->intro_start[0]) {
    const program_checkpoint_def *c = &e->def->checkpoint[cp];
    cairn_doc_attr(doc, "checkpoint-date",
                   cairn_date_format(req, start + c->due_day));
    if (start + c->due_day <= today) cairn_doc_attr(doc, "checkpoint-due", "yes");
    cairn_doc_attr(doc, "threshold",
                   program_fmt_int(req, (long long)(c->threshold * 100 + 0.5)));
  }
  if (e->def != NULL && paid >= 0) {
    cairn_doc_attr(doc, "per-week-min",
                   program_fmt_int(req, e->def->phase[paid].per_week_min));
    cairn_doc_attr(doc, "per-week-max",
                   program_fmt_int(req, e->def->phase[paid].per_week_max));
  }
  cairn_doc_close(doc);
}

/* <cards><card name= title= href=/>*</cards>: the parts other plugins
** add to the home page (the program's "patient-cards" setting). */
static void doc_cards(cairn_req *req, cairn_doc *doc, long long episode) {
  const char *list = program_patient_cards;
  char *copy, *tok, *save = NULL;
  cairn_doc_open(doc, "cards");
  if (list != NULL) {
    copy = cairn_req_strdup(req, list);
    for (tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
      char *title = strchr(tok, '=');
      while (*tok == ' ') tok++;
      if (title == NULL) continue;
      *title++ = '\0';
      cairn_doc_open(doc, "card");
      cairn_doc_attr(doc, "name", tok);
      cairn_doc_attr(doc, "title", title);
      cairn_doc_attr(doc, "href",
                     cairn_req_printf(req, "/p/%lld/%s", episode, tok));
      cairn_doc_close(doc);
    }
  }
  cairn_doc_close(doc);
}

/* The newest diary entry's date of the episode, "" when none. */
static const char *last_diary(cairn_req *req, long long episode) {
  static const char SQL[] =
      "SELECT max(entry_date) FROM p_program_diary WHERE episode = :e"
      " AND status <> 'entered-in-error'";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  if (st == NULL || cairn_sql_bind_int(st, ":e", episode) != 0 ||
      cairn_sql_step(st) != 1)
    return "";
  return cairn_req_strdup(req, cairn_sql_text(st, 0));
}

/* The start of every patient page's document. */
static cairn_doc *patient_doc(cairn_req *req, const char *root,
                              const program_episode *e) {
  cairn_doc *doc = cairn_doc_new(req, NULL, root);
  cairn_doc_attr(doc, "episode", program_fmt_int(req, e->id));
  cairn_doc_attr(doc, "base", cairn_req_printf(req, "/p/%lld", e->id));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  return doc;
}

/* The measures the patient sees: the episode's primary measure as the
** clinic takes it (an ODI or NDI is on paper at visits, never in the
** diary), then the diary's instrument when it is another one and the
** patient has kept the diary (`last`: the last diary date, "" for none).
** Without the first, a patient measured on the ODI read "No scores yet"
** after months of measures. */
static void doc_measures(cairn_req *req, cairn_doc *doc,
                         const program_episode *e, const instr_def *d,
                         const char *last) {
  const instr_def *primary =
      e->primary != NULL ? instr_find(program_instruments, e->primary) : NULL;
  if (primary != NULL && primary != d) {
    doc_measure(req, doc, e, primary);
    if (d != NULL && last[0]) doc_measure(req, doc, e, d);
    return;
  }
  if (d != NULL) doc_measure(req, doc, e, d);
}

/* GET /p/{e}: where the patient is, their measure, visits, the week. */
int program_patient_home(cairn_req *req) {
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int done, rc = patient_route_episode(req, e, &done);
  const cairn_record *link;
  const instr_def *d;
  cairn_doc *doc;
  const char *last;
  if (done) return rc;
  link = patient_link_active(req, e->id);
  d = patient_diary_instrument(e);
  doc = patient_doc(req, "patient-home", e);
  last = last_diary(req, e->id);
  cairn_doc_attr(doc, "diary", cairn_record_value(link, "r:diary"));
  {
    const char *sent = cairn_req_query(req, "sent");
    if (sent != NULL && (strcmp(sent, "flare") == 0 ||
                         strcmp(sent, "diary") == 0))
      cairn_doc_attr(doc, "sent", sent);
  }
  if (last[0]) cairn_doc_attr(doc, "last-diary", last);
  if (strcmp(last, cairn_req_today(req)) == 0)
    cairn_doc_attr(doc, "diary-done", "yes");
  doc_where(req, doc, e);
  doc_measures(req, doc, e, d, last);
  doc_visits(req, doc, e->id);
  doc_cards(req, doc, e->id);
  return cairn_respond_view(req, doc, "program/patient-home", 200);
}

/* GET /p/{e}/summary: their own summary, no staff notes or codes. */
/* The clinic's PSFS ratings of the episode, oldest first. */
static const char SQL_PSFS[] =
    "SELECT record FROM p_program_observation WHERE episode = :episode"
    " AND instrument IN ('psfs', 'psfs2') AND status <> 'entered-in-error'"
    " ORDER BY effective, record";

/* <goal activity= goal=? start=? now=?/> per activity the episode names:
** the patient's own goal, and how they rated the activity at the clinic
** first and last (0 unable, 10 as before the problem).  With one rating
** only, it is where they are now, not where they began. */
static void doc_goals(cairn_req *req, cairn_doc *doc,
                      const program_episode *e) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_PSFS, NULL);
  const cairn_record *r0 = NULL, *r1 = NULL;
  long long first = 0, last = 0;
  int i;
  if (st != NULL && cairn_sql_bind_int(st, ":episode", e->id) == 0)
    while (cairn_sql_step(st) == 1) {
      if (first == 0) first = cairn_sql_int(st, 0);
      last = cairn_sql_int(st, 0);
    }
  if (first) cairn_record_get(req, first, &r0, NULL);
  if (last) cairn_record_get(req, last, &r1, NULL);
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) {
    const char *xp = cairn_req_printf(req, "r:answer[@item='a%d']", i + 1);
    if (e->activity[i] == NULL || e->activity[i][0] == '\0') continue;
    cairn_doc_open(doc, "goal");
    cairn_doc_attr(doc, "activity", e->activity[i]);
    if (e->goal[i][0]) cairn_doc_attr(doc, "goal", e->goal[i]);
    if (r0 != NULL && last != first && cairn_record_value(r0, xp)[0])
      cairn_doc_attr(doc, "start", cairn_record_value(r0, xp));
    if (r1 != NULL && cairn_record_value(r1, xp)[0])
      cairn_doc_attr(doc, "now", cairn_record_value(r1, xp));
    cairn_doc_close(doc);
  }
}

int program_patient_summary(cairn_req *req) {
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int done, rc = patient_route_episode(req, e, &done);
  const instr_def *d;
  cairn_doc *doc;
  if (done) return rc;
  d = patient_diary_instrument(e);
  doc = patient_doc(req, "patient-summary", e);
  cairn_doc_attr(doc, "graduated", e->phase == PHASE_GRADUATED ? "yes"
                                                              : "no");
  if (e->phase == PHASE_GRADUATED)
    cairn_doc_attr(doc, "graduated-on", e->phase_start);
  doc_where(req, doc, e);
  doc_measures(req, doc, e, d, last_diary(req, e->id));
  doc_goals(req, doc, e);
  doc_cards(req, doc, e->id);
  /* The patient's part of what other plugins hold (the home routine,
  ** the plan after graduation): slot "patient-summary", whose fills show
  ** no staff notes, justifications or internal codes. */
  cairn_sections_fill(req, "patient-summary", e->patient, e->id, doc);
  return cairn_respond_view(req, doc, "program/patient-summary", 200);
}

/* ------------------------------------------------------------- flare */

static const char *const SEVERITY_CHOICES[] = {
  "mild", "Mild: I can still do most things",
  "moderate", "Moderate: it stops me doing some things",
  "severe", "Severe: it stops me doing most things", NULL};

static const cairn_field FLARE_FIELDS[] = {
  {.name = "start", .label = "When did it start?",
   .kind = CAIRN_FIELD_DATE, .flags = CAIRN_FIELD_REQUIRED},
  {.name = "severity", .label = "How bad is it?", .kind = CAIRN_FIELD_RADIO,
   .flags = CAIRN_FIELD_REQUIRED, .choices = SEVERITY_CHOICES},
  {.name = "trigger", .label = "What do you think set it off? (optional)",
   .kind = CAIRN_FIELD_TEXT, .max = 200},
  {.name = NULL}};

/* The flare page with form f (NULL: a fresh one). */
static int flare_page(cairn_req *req, const program_episode *e,
                      cairn_form *f, int status) {
  cairn_doc *doc = patient_doc(req, "patient-flare", e);
  if (f == NULL) {
    f = cairn_form_new(req, "flare", FLARE_FIELDS);
    cairn_form_set(f, "start", cairn_req_today(req));
  }
  cairn_form_doc(doc, f, cairn_req_printf(req, "/p/%lld/flare", e->id),
                 "Tell my clinic");
  return cairn_respond_view(req, doc, "program/patient-flare", status);
}

/* GET /p/{e}/flare: the form. */
int program_patient_flare(cairn_req *req) {
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int done, rc = patient_route_episode(req, e, &done);
  if (done) return rc;
  return flare_page(req, e, NULL, 200);
}

/* POST /p/{e}/flare: a program:Flare reported by the patient, for the
** clinician to confirm; a refusal stores nothing. */
int program_patient_flare_post(cairn_req *req) {
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  cairn_form *f;
  long long id;
  int done, rc = patient_route_episode(req, e, &done);
  if (done) return rc;
  f = cairn_form_new(req, "flare", FLARE_FIELDS);
  if (cairn_form_bind(f) > 0) return flare_page(req, e, f, 422);
  {
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "start", cairn_form_value(f, "start"),
      "severity", cairn_form_value(f, "severity"),
      "trigger", cairn_form_value(f, "trigger"),
      "reportedBy", "patient", NULL, NULL};
    rc = cairn_record_create(req, PROGRAM_T_FLARE, e->patient,
                             program_body(req, "Flare", pairs), &id, &err);
  }
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_host_error(f, &err);
    return flare_page(req, e, f, 422);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/p/%lld?sent=flare", e->id));
}
