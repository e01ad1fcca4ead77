/*
** where.c -- "where you are": the items a referral can share, assembled
** from the records of the patient's episode, of which the clinician
** chooses what goes in (minimum necessary).
**
**   measure.ID   a measure from its baseline to now (the episode's primary
**                measure first), with its chart on the partner's page
**   goals        the patient's own activities (PSFS) with the score aimed
**                for and the first and latest ratings
**   exercise     the exercise stage and the home routine, when the
**                patient has the exercise plugin's records
**   herbs        current herbal prescriptions, when the patient has the
**                herbal plugin's records
**
** What is chosen is copied into the referral when it is written, so the
** partner sees exactly that, even after the records change.  Other
** plugins' tables are read through SQL only (never their code); a plugin
** that is not installed simply offers nothing.
*/
#include "referral.h"

#include <stdlib.h>
#include <string.h>

/* Lines of the home routine and current prescriptions (schema bounds). */
#define ROUTINE_MAX 40
#define HERBS_MAX 8
/* Herbs listed per prescription: a formula has rarely more than 15. */
#define HERBS_PER_RX 20

typedef struct where_measure {
  const char *instrument;      /* "nrs" */
  const char *label;           /* "NRS: Numeric rating scale ..." */
  double best, worst;          /* the chart's scale */
  int primary;                 /* the episode's primary measure */
  int n;                       /* points */
  const char *date[REFERRAL_POINTS_MAX]; /* from baseline, in date order */
  double score[REFERRAL_POINTS_MAX];
} where_measure;

typedef struct where_items {
  where_measure measure[REFERRAL_MEASURES_MAX]; /* with a score each */
  int n_measures;              /* entries of measure */
  const cairn_record *episode; /* the episode, or NULL */
  const cairn_record *psfs_first, *psfs_last; /* its PSFS ratings */
  int n_goals;                 /* activities of the episode */
  const char *stage;           /* exercise stage, or NULL */
  const char *routine[ROUTINE_MAX]; /* home routine lines */
  int n_routine;               /* entries of routine */
  const char *herbs[HERBS_MAX]; /* current prescriptions, a line each */
  int n_herbs;                 /* entries of herbs */
} where_items;

/* ---------------------------------------------------------- measures */

static const char SQL_OBSERVATIONS[] =
    "SELECT instrument, effective, score, timepoint, record"
    " FROM p_program_observation"
    " WHERE patient = :patient AND (:episode = 0 OR episode = :episode)"
    " AND status <> 'entered-in-error' AND score IS NOT NULL"
    " AND instrument NOT IN ('psfs', 'psfs2')"
    " ORDER BY instrument, effective, record";

/* The measure for `instrument` in w, added when new (NULL when full). */
static where_measure *measure_for(where_items *w, const char *instrument,
                                  cairn_req *req) {
  const referral_instrument *in;
  where_measure *m;
  int i;
  for (i = 0; i < w->n_measures; i++)
    if (strcmp(w->measure[i].instrument, instrument) == 0)
      return &w->measure[i];
  if (w->n_measures == REFERRAL_MEASURES_MAX) return NULL;
  m = &w->measure[w->n_measures++];
  memset(m, 0, sizeof *m);
  m->instrument = cairn_req_strdup(req, instrument);
  in = referral_instrument_find(instrument);
  m->label = in ? in->label : m->instrument;
  m->best = in ? in->best : 0;
  m->worst = in ? in->worst : 10;
  return m;
}

/* Add a score to m: a baseline restarts the series (what came before it
** is not "from baseline"); past the bound the newest points are kept
** after the first. */
static void measure_add(where_measure *m, const char *date, double score,
                        int baseline) {
  if (baseline) m->n = 0;
  if (m->n == REFERRAL_POINTS_MAX) {
    memmove(&m->date[1], &m->date[2], sizeof m->date[0] * (size_t)(m->n - 2));
    memmove(&m->score[1], &m->score[2], sizeof m->score[0] * (size_t)(m->n - 2));
    m->n--;
  }
  m->date[m->n] = date;
  m->score[m->n++] = score;
}

/* Every scored measure of the episode (of the patient when episode is
** 0), PSFS aside (it is the goals'), from its baseline on; the episode's
** primary measure first.  0 or CAIRN_EDB. */
static int collect_measures(cairn_req *req, where_items *w, long long patient,
                            long long episode) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_OBSERVATIONS, &err);
  const char *primary =
      w->episode ? cairn_record_value(w->episode, "r:primaryInstrument") : "";
  int rc, i;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_bind_int(st, ":episode", episode) != 0)
    return CAIRN_EINTERNAL;
  while ((rc = cairn_sql_step(st)) == 1) {
    where_measure *m = measure_for(w, cairn_sql_text(st, 0), req);
    if (m == NULL) continue;
    measure_add(m, cairn_req_strdup(req, cairn_sql_text(st, 1)),
                cairn_sql_real(st, 2),
                strcmp(cairn_sql_text(st, 3), "baseline") == 0);
  }
  if (rc < 0) return CAIRN_EDB;
  /* The primary measure first. */
  for (i = 0; i < w->n_measures; i++) {
    if (strcmp(w->measure[i].instrument, primary) != 0) continue;
    w->measure[i].primary = 1;
    if (i > 0) {
      where_measure t = w->measure[0];
      w->measure[0] = w->measure[i];
      w->measure[i] = t;
    }
    break;
  }
  return CAIRN_OK;
}

/* ------------------------------------------------------------- goals */

static const char SQL_PSFS[] =
    "SELECT record FROM p_program_observation"
    " WHERE episode = :episode AND instrument IN ('psfs', 'psfs2')"
    " AND status <> 'entered-in-error' ORDER BY effective, record";

/* The episode's activities, and its first and latest PSFS observations
** (their ratings of each activity).  0 or CAIRN_EDB. */
static int collect_goals(cairn_req *req, where_items *w) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  int rc;
  if (w->episode == NULL) return CAIRN_OK;
  w->n_goals = atoi(cairn_record_value(w->episode, "count(r:activity)"));
  if (w->n_goals == 0) return CAIRN_OK;
  st = cairn_sql_prepare(req, SQL_PSFS, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":episode", cairn_record_id(w->episode)) != 0)
    return CAIRN_EINTERNAL;
  while ((rc = cairn_sql_step(st)) == 1) {
    const cairn_record *o;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &o, &err) != CAIRN_OK)
      continue;
    if (w->psfs_first == NULL) w->psfs_first = o;
    w->psfs_last = o;
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* ---------------------------------------------------- other plugins */

/* The exercise plugin's stage codes (exercise:Stage <to>) as a partner
** reads them; a code not listed is left out rather than shown. */
static const struct {
  const char *code;            /* the exercise plugin's stage code */
  const char *label;           /* what the partner reads */
} STAGE_LABELS[] = {
  {.code = "corrective", .label = "Corrective exercise"},
  {.code = "qigong", .label = "Qi gong movement"},
  {.code = "loading", .label = "Progressive loading"},
  {.code = NULL, .label = NULL}};

/* Another plugin's id as words for a partner: "glute-bridge" as
** "Glute bridge", or with `every_word` "du-huo-ji-sheng-tang" as "Du Huo
** Ji Sheng Tang" (a formula's pinyin). */
static const char *id_words(cairn_req *req, const char *id, int every_word) {
  char *w = cairn_req_strdup(req, id);
  for (char *c = w; *c; c++) {
    if (*c == '-' || *c == '_') *c = ' ';
    if ((c == w || (every_word && c[-1] == ' ')) && *c >= 'a' && *c <= 'z')
      *c = (char)(*c - 'a' + 'A');
  }
  return w;
}

/* The exercise plugin's stage and home routine, when the patient has its
** records: the stage the episode last moved to (p_exercise_stage's
** to_stage, as a label) and the routine's items (exercise:HomeRoutine
** <item exercise= sets= reps= hold= perWeek=/>) as lines of words. */
static void collect_exercise(cairn_req *req, where_items *w, long long patient,
                             long long episode) {
  static const char SQL_STAGE[] =
      "SELECT to_stage FROM p_exercise_stage WHERE episode = :episode"
      " AND status <> 'entered-in-error'"
      " ORDER BY change_date DESC, record DESC LIMIT 1";
  static const char SQL_ROUTINE[] =
      "SELECT record FROM p_exercise_routine WHERE episode = :episode"
      " AND status <> 'entered-in-error' ORDER BY record DESC LIMIT 1";
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  const cairn_record *r;
  int i, n;
  if (episode == 0 || !referral_patient_has(req, "exercise", patient)) return;
  if ((st = cairn_sql_prepare(req, SQL_STAGE, &err)) != NULL &&
      cairn_sql_bind_int(st, ":episode", episode) == 0 &&
      cairn_sql_step(st) == 1)
    for (i = 0; STAGE_LABELS[i].code != NULL; i++)
      if (strcmp(cairn_sql_text(st, 0), STAGE_LABELS[i].code) == 0)
        w->stage = STAGE_LABELS[i].label;
  if ((st = cairn_sql_prepare(req, SQL_ROUTINE, &err)) == NULL ||
      cairn_sql_bind_int(st, ":episode", episode) != 0 ||
      cairn_sql_step(st) != 1 ||
      cairn_record_get(req, cairn_sql_int(st, 0), &r, &err) != CAIRN_OK)
    return;
  n = atoi(cairn_record_value(r, "count(r:item)"));
  for (i = 1; i <= n && w->n_routine < ROUTINE_MAX; i++) {
    const char *at = cairn_req_printf(req, "r:item[%d]/@", i);
    const char *id = cairn_record_value(r, cairn_req_printf(req, "%sexercise", at));
    const char *sets = cairn_record_value(r, cairn_req_printf(req, "%ssets", at));
    const char *reps = cairn_record_value(r, cairn_req_printf(req, "%sreps", at));
    const char *hold = cairn_record_value(r, cairn_req_printf(req, "%shold", at));
    const char *week = cairn_record_value(r, cairn_req_printf(req, "%sperWeek", at));
    if (!id[0]) continue;
    w->routine[w->n_routine++] = cairn_req_printf(
        req, "%s: %s set%s%s%s%s%s%s%s", id_words(req, id, 0), sets[0] ? sets : "1",
        strcmp(sets, "1") == 0 ? "" : "s",
        reps[0] && strcmp(reps, "0") != 0 ? " of " : "",
        reps[0] && strcmp(reps, "0") != 0 ? reps : "",
        hold[0] && strcmp(hold, "0") != 0 ? cairn_req_printf(req, ", holding %s s", hold) : "",
        week[0] ? ", " : "", week[0] ? week : "", week[0] ? " times a week" : "");
  }
}

/* One line for a prescription: "Formula (granules): Du Huo 9 g/day, ...;
** 14 days from 2026-11-02". */
static const char *herb_line(cairn_req *req, const cairn_record *rx) {
  const char *formula = cairn_record_value(rx, "normalize-space(r:formula)");
  const char *line = cairn_req_printf(
      req, "%s (%s):", formula[0] ? id_words(req, formula, 1) : "Custom formula",
      cairn_record_value(rx, "normalize-space(r:form)"));
  int n = atoi(cairn_record_value(rx, "count(r:herb)")), i;
  for (i = 1; i <= n && i <= HERBS_PER_RX; i++)
    line = cairn_req_printf(
        req, "%s%s %s %s g/day", line, i > 1 ? "," : "",
        cairn_record_value(rx, cairn_req_printf(req, "normalize-space(r:herb[%d]/r:name)", i)),
        cairn_record_value(rx, cairn_req_printf(req, "r:herb[%d]/r:grams", i)));
  return cairn_req_printf(req, "%s; %s days from %s", line,
                          cairn_record_value(rx, "r:days"),
                          cairn_record_value(rx, "r:startDate"));
}

/* The herbal plugin's current prescriptions of the patient, when its
** table exists: active, begun, and not past their days. */
static void collect_herbs(cairn_req *req, where_items *w, long long patient) {
  static const char SQL[] =
      "SELECT record FROM p_herbal_prescription"
      " WHERE patient = :patient AND status = 'active'"
      " AND start_date <= :today"
      " AND date(start_date, '+' || days || ' days') > :today"
      " ORDER BY start_date DESC, record DESC LIMIT :limit";
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  if (!referral_patient_has(req, "herbal", patient)) return;
  st = cairn_sql_prepare(req, SQL, &err);
  if (st == NULL || cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_bind_text(st, ":today", cairn_req_today(req)) != 0 ||
      cairn_sql_bind_int(st, ":limit", HERBS_MAX) != 0)
    return;
  while (w->n_herbs < HERBS_MAX && cairn_sql_step(st) == 1) {
    const cairn_record *rx;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &rx, &err) == CAIRN_OK)
      w->herbs[w->n_herbs++] = herb_line(req, rx);
  }
}

/* ---------------------------------------------------------- together */

/* Everything the records hold for the episode.  CAIRN_ENOTFOUND when
** `episode` is not an EpisodeOfCare of `patient`. */
static int collect(cairn_req *req, where_items *w, long long patient,
                   long long episode) {
  cairn_error err = {0, "", ""};
  int rc;
  memset(w, 0, sizeof *w);
  if (episode > 0) {
    if (cairn_record_get_for_patient(req, patient, episode, &w->episode,
                                     &err) != CAIRN_OK ||
        strcmp(cairn_record_type_name(w->episode), PROGRAM_T_EPISODE) != 0)
      return cairn_fail(NULL, CAIRN_ENOTFOUND, NULL, "no such episode");
  }
  rc = collect_measures(req, w, patient, episode);
  if (rc == CAIRN_OK) rc = collect_goals(req, w);
  if (rc != CAIRN_OK) return rc;
  collect_exercise(req, w, patient, episode);
  collect_herbs(req, w, patient);
  return CAIRN_OK;
}

/* 1 when the form said yes to sharing `key`. */
static int chosen(cairn_req *req, const char *key) {
  const char *v = cairn_req_form(req, cairn_req_printf(req, "share.%s", key));
  return v != NULL && strcmp(v, "yes") == 0;
}

/* A score for a person: whole numbers without decimals, else one. */
static const char *score_text(cairn_req *req, double v) {
  return cairn_format_number(req, v, (double)(long long)v == v ? 0 : 1);
}

/* <offer key= label= checked=?>detail</offer>. */
static void offer(cairn_req *req, cairn_doc *doc, const char *key,
                  const char *label, const char *detail) {
  cairn_doc_open(doc, "offer");
  cairn_doc_attr(doc, "key", key);
  cairn_doc_attr(doc, "label", label);
  if (chosen(req, key)) cairn_doc_attr(doc, "checked", "yes");
  cairn_doc_text(doc, "detail", detail);
  cairn_doc_close(doc);
}

/* A PSFS rating of activity `item` in observation o, or "". */
static const char *rating(cairn_req *req, const cairn_record *o,
                          const char *item) {
  if (o == NULL) return "";
  return cairn_record_value(o, cairn_req_printf(req, "r:answer[@item = '%s']",
                                                item));
}

/* See referral.h. */
int referral_where_offer(cairn_req *req, cairn_doc *doc, long long patient,
                         long long episode) {
  where_items w;
  int rc = collect(req, &w, patient, episode), i;
  if (rc != CAIRN_OK) return rc;
  for (i = 0; i < w.n_measures; i++) {
    const where_measure *m = &w.measure[i];
    offer(req, doc, cairn_req_printf(req, "measure.%s", m->instrument),
          cairn_req_printf(req, "%s%s", m->label,
                           m->primary ? " (primary measure)" : ""),
          cairn_req_printf(req, "%s on %s, %s on %s (%d scores)",
                           score_text(req, m->score[0]), m->date[0],
                           score_text(req, m->score[m->n - 1]),
                           m->date[m->n - 1], m->n));
  }
  if (w.n_goals > 0) {
    const char *detail = "";
    for (i = 1; i <= w.n_goals; i++)
      detail = cairn_req_printf(
          req, "%s%s%s", detail, i > 1 ? "; " : "",
          cairn_record_value(w.episode, cairn_req_printf(
              req, "normalize-space(r:activity[%d])", i)));
    offer(req, doc, "goals", "Functional goals and PSFS ratings", detail);
  }
  if (w.stage || w.n_routine > 0)
    offer(req, doc, "exercise", "Exercise stage and home routine",
          cairn_req_printf(req, "Stage: %s; %d routine items",
                           w.stage ? w.stage : "not recorded", w.n_routine));
  if (w.n_herbs > 0) {
    const char *detail = "";
    for (i = 0; i < w.n_herbs; i++)
      detail = cairn_req_printf(req, "%s%s%s", detail, i ? " | " : "", w.herbs[i]);
    offer(req, doc, "herbs", "Current herbal prescriptions", detail);
  }
  return CAIRN_OK;
}

/* <goal goal= baseline= now=>activity</goal> for each activity. */
static void build_goals(cairn_req *req, cairn_doc *body, const where_items *w) {
  int i;
  for (i = 1; i <= w->n_goals; i++) {
    const char *at = cairn_req_printf(req, "r:activity[%d]", i);
    const char *item = cairn_record_value(w->episode, cairn_req_printf(
        req, "%s/@item", at));
    const char *goal = cairn_record_value(w->episode, cairn_req_printf(
        req, "%s/@goal", at));
    const char *first = rating(req, w->psfs_first, item);
    const char *now = rating(req, w->psfs_last, item);
    cairn_node *g = cairn_doc_insert_before(
        body, NULL, "goal",
        cairn_record_value(w->episode, cairn_req_printf(req, "normalize-space(%s)", at)));
    if (g == NULL) continue;
    cairn_doc_at(body, g);
    if (goal[0]) cairn_doc_attr(body, "goal", goal);
    if (first[0]) cairn_doc_attr(body, "baseline", first);
    if (now[0] && w->psfs_last != w->psfs_first) cairn_doc_attr(body, "now", now);
    cairn_doc_at(body, cairn_node_child(body, NULL, "supportingInfo"));
  }
}

/* See referral.h. */
int referral_where_build(cairn_req *req, cairn_doc *body, long long patient,
                         long long episode, const char *summary) {
  where_items w;
  int rc = collect(req, &w, patient, episode), i, k;
  if (rc != CAIRN_OK) return rc;
  cairn_doc_open(body, "supportingInfo");
  referral_put(body, "summary", summary);
  for (i = 0; i < w.n_measures; i++) {
    const where_measure *m = &w.measure[i];
    if (!chosen(req, cairn_req_printf(req, "measure.%s", m->instrument)))
      continue;
    cairn_doc_open(body, "measure");
    cairn_doc_attr(body, "instrument", m->instrument);
    cairn_doc_attr(body, "label", m->label);
    cairn_doc_attr(body, "best", cairn_req_printf(req, "%g", m->best));
    cairn_doc_attr(body, "worst", cairn_req_printf(req, "%g", m->worst));
    if (m->primary) cairn_doc_attr(body, "primary", "true");
    for (k = 0; k < m->n; k++) {
      cairn_doc_open(body, "point");
      cairn_doc_attr(body, "date", m->date[k]);
      cairn_doc_attr(body, "score", cairn_req_printf(req, "%.2f", m->score[k]));
      cairn_doc_close(body);
    }
    cairn_doc_close(body);
  }
  if (w.n_goals > 0 && chosen(req, "goals")) build_goals(req, body, &w);
  if (chosen(req, "exercise")) {
    referral_put(body, "exerciseStage", w.stage);
    for (i = 0; i < w.n_routine; i++)
      cairn_doc_text(body, "homeRoutine", w.routine[i]);
  }
  if (chosen(req, "herbs"))
    for (i = 0; i < w.n_herbs; i++) cairn_doc_text(body, "herbs", w.herbs[i]);
  cairn_doc_close(body);
  return CAIRN_OK;
}
