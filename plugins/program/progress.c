/*
** progress.c -- reading an episode as the program pages need it: the
** episode with its moves, its measures of one instrument with the
** baseline they are counted from, its flares, and the marks a chart draws
** (phase changes, flares).  Reads projections only; writes nothing.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_EPISODE[] =
    "SELECT patient, version, status_text, cohort, period_start, period_end,"
    " primary_instrument, phase, definition_version FROM p_program_episode"
    " WHERE record = :id AND status <> 'entered-in-error'";

static const char SQL_MOVES[] =
    "SELECT record, from_phase, to_phase, change_date, reason,"
    " justification, improvement, benchmark_met, note"
    " FROM p_program_phase_change WHERE episode = :episode"
    " AND status <> 'entered-in-error' ORDER BY change_date, record";

/*
** The index 0..PROGRAM_ACTIVITIES_MAX-1 of a PSFS item "a1".."a5", or -1
** for anything else (NULL included).
*/
static int activity_index(const char *item) {
  if (item == NULL || item[0] != 'a' || item[1] < '1' ||
      item[1] >= '1' + PROGRAM_ACTIVITIES_MAX || item[2] != '\0')
    return -1;
  return item[1] - '1';
}

int program_episode_load(cairn_req *req, long long patient, long long id,
                         program_episode *e, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_EPISODE, err);
  const cairn_record *rec;
  int rc, i;
  memset(e, 0, sizeof *e);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":id", id);
  rc = cairn_sql_step(st);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "episode query");
  if (rc == 0 || (patient > 0 && cairn_sql_int(st, 0) != patient))
    return cairn_fail(err, CAIRN_ENOTFOUND, "episode",
                      "There is no episode %lld for this patient.", id);
  e->id = id;
  e->patient = cairn_sql_int(st, 0);
  e->version = (int)cairn_sql_int(st, 1);
  e->status = cairn_req_strdup(req, cairn_sql_text(st, 2));
  e->cohort = cairn_req_strdup(req, cairn_sql_text(st, 3));
  e->period_start = cairn_req_strdup(req, cairn_sql_text(st, 4));
  e->period_end = cairn_req_strdup(req, cairn_sql_text(st, 5));
  e->primary = cairn_req_strdup(req, cairn_sql_text(st, 6));
  e->phase = cairn_sql_is_null(st, 7)
                 ? PHASE_NONE
                 : program_phase_parse(cairn_sql_text(st, 7));
  e->def_version = (int)cairn_sql_int(st, 8);
  e->def = e->phase == PHASE_NONE ? NULL : program_def_find(e->def_version);
  e->phase_start = e->period_start;
  e->intro_start = "";

  st = cairn_sql_prepare(req, SQL_MOVES, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", id);
  while ((rc = cairn_sql_step(st)) == 1) {
    program_move *m;
    if (e->n_moves == PROGRAM_MOVES_MAX) break;
    m = &e->moves[e->n_moves++];
    m->id = cairn_sql_int(st, 0);
    m->from = program_phase_parse(cairn_sql_text(st, 1));
    m->to = program_phase_parse(cairn_sql_text(st, 2));
    m->date = cairn_req_strdup(req, cairn_sql_text(st, 3));
    m->reason = cairn_req_strdup(req, cairn_sql_text(st, 4));
    m->justification = cairn_req_strdup(req, cairn_sql_text(st, 5));
    m->has_improvement = !cairn_sql_is_null(st, 6);
    m->improvement = cairn_sql_real(st, 6);
    m->benchmark_met = cairn_req_strdup(req, cairn_sql_text(st, 7));
    m->note = cairn_req_strdup(req, cairn_sql_text(st, 8));
    e->phase_start = m->date;
    if (m->to == PHASE_INTRODUCTORY) e->intro_start = m->date;
  }
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "moves query");

  /* The PSFS activities live in the body only: its <activity item="aN"
  ** goal=?> children, read by walking them (an XPath per item and goal,
  ** each with a context of its own, was a third of the episode page). */
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++)
    e->activity[i] = e->goal[i] = "";
  if (cairn_record_get(req, id, &rec, err) == CAIRN_OK) {
    cairn_doc *body = cairn_record_body(req, rec);
    cairn_node *n;
    /* The schema makes the items unique (activityItemUnique). */
    for (n = cairn_node_child(body, NULL, "activity"); n != NULL;
         n = cairn_node_next(n, "activity")) {
      const char *item = cairn_node_attr(body, n, "item"), *goal;
      int k = activity_index(item);
      if (k < 0) continue;
      e->activity[k] = cairn_node_text(body, n);
      goal = cairn_node_attr(body, n, "goal");
      e->goal[k] = goal ? goal : "";
    }
  }
  return CAIRN_OK;
}

int program_episode_of_route(cairn_req *req, const program_patient *p,
                             program_episode *e, cairn_error *err) {
  const char *param = cairn_req_param(req, "episode");
  long long id = param ? strtoll(param, NULL, 10) : 0;
  if (id <= 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, "episode",
                      "There is no such episode.");
  return program_episode_load(req, p->id, id, e, err);
}

int program_route_episode(cairn_req *req, program_patient *p,
                          program_episode *e) {
  cairn_error err = {0, "", ""};
  int rc = program_patient_load(req, p, &err);
  if (rc == CAIRN_OK) rc = program_episode_of_route(req, p, e, &err);
  if (rc == CAIRN_ENOTFOUND) return cairn_respond_error(req, 404, NULL,
                                                       err.message);
  return rc;
}

void program_doc_episode(cairn_req *req, cairn_doc *doc,
                         const program_episode *e) {
  size_t i;
  cairn_doc_open(doc, "episode");
  cairn_doc_attr(doc, "id", program_fmt_int(req, e->id));
  cairn_doc_attr(doc, "href", cairn_req_printf(req, "/patients/%lld/episodes/%lld",
                                               e->patient, e->id));
  cairn_doc_attr(doc, "phase", program_phase_code(e->phase));
  cairn_doc_attr(doc, "phase-label", program_phase_label(e->phase));
  cairn_doc_attr(doc, "status", e->status);
  cairn_doc_attr(doc, "cohort", e->cohort);
  cairn_doc_attr(doc, "period-start", e->period_start);
  if (e->period_end[0]) cairn_doc_attr(doc, "period-end", e->period_end);
  cairn_doc_attr(doc, "primary-instrument", e->primary);
  if (e->primary[0])
    cairn_doc_attr(doc, "primary-name", program_instrument_name(e->primary));
  if (e->def) {
    cairn_doc_attr(doc, "definition-version",
                   program_fmt_int(req, e->def_version));
  }
  cairn_doc_attr(doc, "phase-start", e->phase_start);
  if (e->intro_start[0]) cairn_doc_attr(doc, "intro-start", e->intro_start);
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) {
    if (e->activity[i][0] == '\0') continue;
    cairn_doc_open(doc, "activity");
    cairn_doc_attr(doc, "item", cairn_req_printf(req, "a%zu", i + 1));
    if (e->goal[i][0]) cairn_doc_attr(doc, "goal", e->goal[i]);
    cairn_doc_attr(doc, "text", e->activity[i]);
    cairn_doc_close(doc);
  }
  for (i = 0; i < e->n_moves; i++) {
    const program_move *m = &e->moves[i];
    cairn_doc_open(doc, "move");
    cairn_doc_attr(doc, "id", program_fmt_int(req, m->id));
    if (m->from != PHASE_NONE)
      cairn_doc_attr(doc, "from", program_phase_code(m->from));
    cairn_doc_attr(doc, "to", program_phase_code(m->to));
    cairn_doc_attr(doc, "to-label", program_phase_label(m->to));
    cairn_doc_attr(doc, "date", m->date);
    if (m->reason[0]) {
      cairn_doc_attr(doc, "reason", m->reason);
      cairn_doc_attr(doc, "reason-label",
                     program_exit_reason_label(m->reason));
    }
    if (m->has_improvement)
      cairn_doc_attr(doc, "improvement", program_fmt(req, m->improvement, 4));
    if (m->benchmark_met[0])
      cairn_doc_attr(doc, "threshold-met", m->benchmark_met);
    if (m->justification[0])
      cairn_doc_text(doc, "justification", m->justification);
    if (m->note[0]) cairn_doc_text(doc, "note", m->note);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}

/* ----------------------------------------------------------- series */

static const char SQL_SERIES[] =
    "SELECT effective, score, timepoint FROM p_program_observation"
    " WHERE episode = :episode AND instrument = :instrument"
    " AND status <> 'entered-in-error' AND score IS NOT NULL"
    " ORDER BY effective, record LIMIT 400";

int program_series_load(cairn_req *req, long long episode,
                        const char *instrument, program_series *s) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_SERIES, &err);
  int rc;
  memset(s, 0, sizeof *s);
  s->base = -1;
  s->def = instr_find(program_instruments, instrument);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", episode);
  cairn_sql_bind_text(st, ":instrument", instrument);
  while ((rc = cairn_sql_step(st)) == 1 && s->n < PROGRAM_SERIES_MAX) {
    program_point *p = &s->pt[s->n];
    p->date = cairn_req_strdup(req, cairn_sql_text(st, 0));
    p->day = program_days(p->date);
    p->score = cairn_sql_real(st, 1);
    p->is_baseline = strcmp(cairn_sql_text(st, 2), PROGRAM_BASELINE) == 0;
    if (p->is_baseline && s->base < 0) s->base = (int)s->n;
    s->n++;
  }
  if (rc < 0) return CAIRN_EDB;
  if (s->base < 0 && s->n > 0) s->base = 0;
  return CAIRN_OK;
}

int program_series_improvement(const program_series *s, size_t i,
                               double *out) {
  if (s->def == NULL || s->base < 0 || i >= s->n) return 0;
  return instr_improvement(s->pt[s->base].score, s->pt[i].score,
                           s->def->best, out) == INSTR_IMPROVEMENT_DEFINED;
}

int program_series_reached(const program_series *s, size_t i,
                           double threshold) {
  if (s->def == NULL || s->base < 0 || i >= s->n) return 0;
  return instr_reached(s->pt[s->base].score, s->pt[i].score, s->def->best,
                       threshold);
}

int program_series_latest(const program_series *s, long until) {
  int i;
  for (i = (int)s->n - 1; i >= 0; i--) {
    if (i == s->base) continue;
    if (until >= 0 && s->pt[i].day > until) continue;
    if (s->base >= 0 && s->pt[i].day < s->pt[s->base].day) continue;
    return i;
  }
  return -1;
}

/* ----------------------------------------------------------- flares */

static const char SQL_FLARES[] =
    "SELECT record, start_date, end_date, severity, trigger_text"
    " FROM p_program_flare WHERE episode = :episode"
    " AND status <> 'entered-in-error' ORDER BY start_date, record";

/* A flare's recorded response and the visits a week it asks, from its
** body (the projection has no column for free text of that length). */
static void flare_response(cairn_req *req, program_flare *f) {
  cairn_error err = {0, "", ""};
  const cairn_record *rec;
  if (cairn_record_get(req, f->id, &rec, &err) != CAIRN_OK) return;
  f->response = cairn_record_value(rec, "r:response");
  f->per_week = atoi(cairn_record_value(rec, "r:visitsPerWeek"));
}

int program_flares_load(cairn_req *req, long long episode,
                        program_flare *f, size_t max, size_t *n) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_FLARES, &err);
  size_t i;
  int rc;
  *n = 0;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", episode);
  while ((rc = cairn_sql_step(st)) == 1 && *n < max) {
    program_flare *x = &f[(*n)++];
    x->id = cairn_sql_int(st, 0);
    x->start_date = cairn_req_strdup(req, cairn_sql_text(st, 1));
    x->end_date = cairn_req_strdup(req, cairn_sql_text(st, 2));
    x->start = program_days(x->start_date);
    x->end = x->end_date[0] ? program_days(x->end_date) : -1;
    x->severity = cairn_req_strdup(req, cairn_sql_text(st, 3));
    x->trigger = cairn_req_strdup(req, cairn_sql_text(st, 4));
    x->response = "";
    x->per_week = 0;
  }
  if (rc < 0) return CAIRN_EDB;
  for (i = 0; i < *n; i++) flare_response(req, &f[i]);
  return CAIRN_OK;
}

/* ------------------------------------------------------------ marks */

static const char SQL_MARK_MOVES[] =
    "SELECT change_date, to_phase FROM p_program_phase_change"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    " ORDER BY change_date, record LIMIT 32";
static const char SQL_MARK_FLARES[] =
    "SELECT start_date, end_date, severity, record FROM p_program_flare"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    " ORDER BY start_date, record LIMIT 32";

int program_marks_load(cairn_req *req, long long patient, program_mark *m,
                       size_t max, size_t *n) {
  size_t first;
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_MARK_MOVES, &err);
  int rc;
  *n = 0;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":patient", patient);
  while ((rc = cairn_sql_step(st)) == 1 && *n < max) {
    program_mark *x = &m[(*n)++];
    x->day = program_days(cairn_sql_text(st, 0));
    x->end = -1;
    x->kind = "phase";
    x->label = program_phase_label(program_phase_parse(cairn_sql_text(st, 1)));
    x->response = "";
  }
  if (rc < 0) return CAIRN_EDB;
  st = cairn_sql_prepare(req, SQL_MARK_FLARES, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":patient", patient);
  while ((rc = cairn_sql_step(st)) == 1 && *n < max) {
    program_mark *x = &m[(*n)++];
    const char *end = cairn_sql_text(st, 1);
    x->day = program_days(cairn_sql_text(st, 0));
    x->end = end[0] ? program_days(end) : -2;
    x->kind = "flare";
    x->label = cairn_req_printf(req, "%s flare", cairn_sql_text(st, 2));
    x->response = program_fmt_int(req, cairn_sql_int(st, 3));
  }
  if (rc < 0) return CAIRN_EDB;
  /* The statement is done: now read each flare's response (the record
  ** id was kept in `response` meanwhile). */
  for (first = 0; first < *n; first++)
    if (strcmp(m[first].kind, "flare") == 0) {
      program_flare f = {.id = strtoll(m[first].response, NULL, 10),
                         .response = ""};
      flare_response(req, &f);
      m[first].response = f.response;
    }
  return CAIRN_OK;
}
