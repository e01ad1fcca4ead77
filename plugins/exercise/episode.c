/*
** episode.c -- an episode's exercise data, read through projection tables
** with read-only SQL (the program's patient, episode, observations and
** flares; our stages and sessions), and what the rules of progression.h
** make of it for today: the stage in force, the gate, each exercise's
** loads.  Nothing here writes.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

/* The care program's "gains held" rule, as its taper applies it
** (data/program-definition.xml, <taper heldDays="14" tolerance="0.1">):
** the program publishes no projection of it, so the exercise plugin
** computes it the same way with the program's default numbers. */
#define EX_HELD_DAYS 14
#define EX_HELD_TOLERANCE 0.1

static const char SQL_EPISODE[] =
    "SELECT e.patient, COALESCE(p.name, ''), COALESCE(e.phase, ''),"
    " COALESCE(e.period_start, ''), COALESCE(e.primary_instrument, '')"
    " FROM p_program_episode e LEFT JOIN p_program_patient p"
    " ON p.record = e.patient"
    " WHERE e.record = :episode AND e.status <> 'entered-in-error'";

static const char SQL_CHANGES[] =
    "SELECT record, change_date, from_stage, to_stage, kind,"
    " COALESCE(reason, ''), COALESCE(gate, ''), COALESCE(flare, 0)"
    " FROM p_exercise_stage WHERE episode = :episode"
    " AND status <> 'entered-in-error' ORDER BY change_date, record";

static const char SQL_SESSIONS[] =
    "SELECT record FROM p_exercise_session WHERE episode = :episode"
    " AND status <> 'entered-in-error' ORDER BY session_date, record";

static const char SQL_FLARES[] =
    "SELECT record, start_date, COALESCE(end_date, ''), severity"
    " FROM p_program_flare WHERE episode = :episode"
    " AND status <> 'entered-in-error' ORDER BY start_date, record";

static const char SQL_OBSERVATIONS[] =
    "SELECT effective, score, COALESCE(timepoint, '') FROM"
    " p_program_observation WHERE episode = :episode"
    " AND instrument = :instrument AND status <> 'entered-in-error'"
    " AND score IS NOT NULL ORDER BY effective, record";

static const char SQL_ROUTINE[] =
    "SELECT record, version, since, review_date FROM p_exercise_routine"
    " WHERE episode = :episode AND status <> 'entered-in-error'"
    " ORDER BY record DESC LIMIT 1";

static long day_of(const char *date) {
  long d = -1;
  if (date == NULL || cairn_date_parse(date, &d) != 0) return -1;
  return d;
}

static int db_fail(cairn_error *err, const char *what) {
  return cairn_fail(err, CAIRN_EDB, NULL, "exercise: reading %s failed",
                    what);
}

static cairn_stmt *prepare_episode(cairn_req *req, const char *sql,
                                   long long id, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, sql, err);
  if (st == NULL) return NULL;
  if (cairn_sql_bind_int(st, ":episode", id) != 0) {
    cairn_fail(err, CAIRN_EINTERNAL, NULL, "exercise: bind :episode");
    return NULL;
  }
  return st;
}

/* A Session record's body into r. */
static void read_session(cairn_req *req, const cairn_record *rec,
                         ex_session_rec *r) {
  cairn_doc *b = cairn_record_body(req, rec);
  cairn_node *n;
  int ok;
  r->id = cairn_record_id(rec);
  r->version = cairn_record_version(rec);
  r->date = cairn_doc_value(b, NULL, "r:date");
  r->s.day = day_of(r->date);
  r->s.stage = ex_stage_parse(cairn_doc_value(b, NULL, "r:stage"), &ok);
  r->s.pain = atoi(cairn_doc_value(b, NULL, "r:pain"));
  r->s.next_morning =
      ex_response_parse(cairn_doc_value(b, NULL, "r:nextMorning"));
  r->notes = cairn_doc_value(b, NULL, "r:notes");
  r->n_done = 0;
  for (n = cairn_node_child(b, NULL, "done");
       n != NULL && r->n_done < EX_DONE_MAX; n = cairn_node_next(n, "done")) {
    ex_done *d = &r->done[r->n_done++];
    const char *v;
    d->exercise = cairn_node_attr(b, n, "exercise");
    v = cairn_node_attr(b, n, "sets");
    d->dose.sets = v ? atoi(v) : 1;
    v = cairn_node_attr(b, n, "reps");
    d->dose.reps = v ? atoi(v) : 0;
    v = cairn_node_attr(b, n, "hold");
    d->dose.hold = v ? atoi(v) : 0;
    v = cairn_node_attr(b, n, "load");
    d->dose.load = v ? strtod(v, NULL) : 0;
  }
}

/* Gains held for the episode's primary measure, as of today. */
static int gains_held(cairn_req *req, ex_episode *e, cairn_error *err) {
  cairn_stmt *st;
  ex_point *p;
  double best, base = 0;
  size_t n = 0, i;
  int rc, have_base = 0;
  long *days;
  double *score;
  if (e->primary[0] == '\0' || ex_instrument_best(e->primary, &best) != 0)
    return 0;
  st = prepare_episode(req, SQL_OBSERVATIONS, e->id, err);
  if (st == NULL) return -1;
  cairn_sql_bind_text(st, ":instrument", e->primary);
  p = cairn_req_alloc(req, EX_POINTS_MAX * sizeof *p);
  days = cairn_req_alloc(req, EX_POINTS_MAX * sizeof *days);
  score = cairn_req_alloc(req, EX_POINTS_MAX * sizeof *score);
  while ((rc = cairn_sql_step(st)) == 1 && n < EX_POINTS_MAX) {
    days[n] = day_of(cairn_sql_text(st, 0));
    score[n] = cairn_sql_real(st, 1);
    if (!have_base && strcmp(cairn_sql_text(st, 2), "baseline") == 0) {
      base = score[n];
      have_base = 1;
    }
    n++;
  }
  if (rc < 0) return db_fail(err, "observations");
  if (n == 0) return 0;
  if (!have_base) base = score[0];
  if (base == best) return 0;   /* improvement undefined */
  for (i = 0; i < n; i++) {
    p[i].day = days[i];
    p[i].improvement = (base - score[i]) / (base - best);
  }
  return ex_gains_held(p, n, e->today, EX_HELD_DAYS, EX_HELD_TOLERANCE);
}

int ex_episode_load(cairn_req *req, long long patient, long long id,
                    ex_episode **out, cairn_error *err) {
  ex_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_stmt *st;
  int rc, ok;
  *out = NULL;
  e->id = id;
  e->today = cairn_date_today(req);
  e->stage = EX_STAGE_NONE;
  e->stage_since = -1;
  e->stage_since_date = "";

  if ((st = prepare_episode(req, SQL_EPISODE, id, err)) == NULL)
    return err->code;
  rc = cairn_sql_step(st);
  if (rc < 0) return db_fail(err, "the episode");
  if (rc == 0 || (patient > 0 && cairn_sql_int(st, 0) != patient))
    return cairn_fail(err, CAIRN_ENOTFOUND, "episode",
                      "There is no episode %lld for this patient.", id);
  e->patient = cairn_sql_int(st, 0);
  e->patient_name = cairn_req_strdup(req, cairn_sql_text(st, 1));
  e->phase = cairn_req_strdup(req, cairn_sql_text(st, 2));
  e->period_start = cairn_req_strdup(req, cairn_sql_text(st, 3));
  e->primary = cairn_req_strdup(req, cairn_sql_text(st, 4));

  if ((st = prepare_episode(req, SQL_CHANGES, id, err)) == NULL)
    return err->code;
  while ((rc = cairn_sql_step(st)) == 1 && e->n_changes < EX_CHANGES_MAX) {
    ex_change *c = &e->change[e->n_changes++];
    c->id = cairn_sql_int(st, 0);
    c->date = cairn_req_strdup(req, cairn_sql_text(st, 1));
    c->from = cairn_req_strdup(req, cairn_sql_text(st, 2));
    c->to = cairn_req_strdup(req, cairn_sql_text(st, 3));
    c->kind = cairn_req_strdup(req, cairn_sql_text(st, 4));
    c->reason = cairn_req_strdup(req, cairn_sql_text(st, 5));
    c->gate = cairn_req_strdup(req, cairn_sql_text(st, 6));
    c->flare = cairn_sql_int(st, 7);
    /* a load step back keeps the stage, and its start */
    if (strcmp(c->kind, "flare-load") != 0 || e->stage_since < 0) {
      e->stage = ex_stage_parse(c->to, &ok);
      e->stage_since = day_of(c->date);
      e->stage_since_date = c->date;
    }
  }
  if (rc < 0) return db_fail(err, "stage changes");

  if ((st = prepare_episode(req, SQL_SESSIONS, id, err)) == NULL)
    return err->code;
  while ((rc = cairn_sql_step(st)) == 1 && e->n_sessions < EX_SESSIONS_MAX) {
    const cairn_record *rec;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &rec, err) != 0)
      return err->code;
    read_session(req, rec, &e->session[e->n_sessions]);
    e->gate_sessions[e->n_sessions] = e->session[e->n_sessions].s;
    e->n_sessions++;
  }
  if (rc < 0) return db_fail(err, "sessions");

  if ((st = prepare_episode(req, SQL_FLARES, id, err)) == NULL)
    return err->code;
  while ((rc = cairn_sql_step(st)) == 1 && e->n_flares < EX_FLARES_MAX) {
    ex_flare_rec *f = &e->flare_rec[e->n_flares];
    f->id = cairn_sql_int(st, 0);
    f->start = cairn_req_strdup(req, cairn_sql_text(st, 1));
    f->end = cairn_req_strdup(req, cairn_sql_text(st, 2));
    f->severity = cairn_req_strdup(req, cairn_sql_text(st, 3));
    e->flare[e->n_flares].start = day_of(f->start);
    e->flare[e->n_flares].end = f->end[0] ? day_of(f->end) : -1;
    e->flare[e->n_flares].severe = strcmp(f->severity, "severe") == 0;
    e->flare_days[e->n_flares] = e->flare[e->n_flares].start;
    e->n_flares++;
  }
  if (rc < 0) return db_fail(err, "flares");

  if ((st = prepare_episode(req, SQL_ROUTINE, id, err)) == NULL)
    return err->code;
  rc = cairn_sql_step(st);
  if (rc < 0) return db_fail(err, "the home routine");
  if (rc == 1) {
    e->routine_id = cairn_sql_int(st, 0);
    e->routine_version = (int)cairn_sql_int(st, 1);
    e->routine_since = cairn_req_strdup(req, cairn_sql_text(st, 2));
    e->routine_date = cairn_req_strdup(req, cairn_sql_text(st, 3));
  }

  rc = gains_held(req, e, err);
  if (rc < 0) return err->code;
  e->gains_held = rc;
  ex_gate_eval(&exercise_library->rules, e->stage, e->stage_since,
               e->gate_sessions, e->n_sessions, e->flare, e->n_flares,
               e->today, &e->gate);
  *out = e;
  return 0;
}

int ex_route_episode(cairn_req *req, ex_episode **out) {
  cairn_error err = {0};
  long long p = strtoll(cairn_req_param(req, "patient"), NULL, 10);
  long long id = strtoll(cairn_req_param(req, "episode"), NULL, 10);
  int rc = ex_episode_load(req, p, id, out, &err);
  if (rc == 0) return 0;
  return cairn_respond_failure(req, &err, 0);
}

int ex_inside_count(const ex_episode *e, const char *id) {
  const ex_rules *r = &exercise_library->rules;
  size_t i, k;
  int n = 0;
  for (i = 0; i < e->n_sessions; i++) {
    const ex_session_rec *s = &e->session[i];
    if (!ex_inside_model(r, s->s.pain, s->s.next_morning)) continue;
    for (k = 0; k < s->n_done; k++)
      if (strcmp(s->done[k].exercise, id) == 0) {
        n++;
        break;
      }
  }
  return n;
}

void ex_exercise_loads(const ex_episode *e, const ex_exercise *x,
                       ex_load_state *st) {
  ex_load_session s[EX_SESSIONS_MAX];
  size_t n = 0, i, k;
  for (i = 0; i < e->n_sessions; i++) {
    const ex_session_rec *r = &e->session[i];
    for (k = 0; k < r->n_done; k++) {
      if (strcmp(r->done[k].exercise, x->id) != 0) continue;
      s[n].day = r->s.day;
      s[n].done = r->done[k].dose;
      s[n].pain = r->s.pain;
      s[n].next_morning = r->s.next_morning;
      n++;
      break;
    }
  }
  ex_load_replay(&exercise_library->rules, &x->dose, s, n, e->flare_days,
                 e->n_flares, st);
}

ex_dose ex_current_dose(const ex_episode *e, const ex_exercise *x) {
  ex_load_state st;
  size_t i, k;
  if (x->stage == EX_STAGE_LOADING) {
    ex_exercise_loads(e, x, &st);
    return st.next;
  }
  /* corrective and qi gong keep their dose: the last one done */
  for (i = e->n_sessions; i-- > 0;)
    for (k = 0; k < e->session[i].n_done; k++)
      if (strcmp(e->session[i].done[k].exercise, x->id) == 0)
        return e->session[i].done[k].dose;
  return x->dose;
}

cairn_doc *ex_stage_body(cairn_req *req, const ex_episode *e,
                         const char *date, ex_stage to, const char *kind,
                         const char *reason, long long flare) {
  cairn_doc *b = cairn_doc_new(req, EXERCISE_NS, "Stage");
  cairn_doc_text(b, "episode", ex_fmt_int(req, e->id));
  cairn_doc_text(b, "date", date);
  cairn_doc_text(b, "from", ex_stage_code(e->stage));
  cairn_doc_text(b, "to", ex_stage_code(to));
  cairn_doc_text(b, "kind", kind);
  if (reason != NULL && reason[0] != '\0')
    cairn_doc_text(b, "reason", reason);
  if (e->stage != EX_STAGE_NONE && e->gate.why[0] != '\0')
    cairn_doc_text(b, "gate", e->gate.why);
  if (flare > 0) cairn_doc_text(b, "flare", ex_fmt_int(req, flare));
  return b;
}
