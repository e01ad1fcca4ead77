/*
** kept.c -- the figures /outcomes and the checkpoint evidence read, kept
** with the records they come from instead of a scan of every observation
** per page (docs/performance.md).
**
** Each patient's share of the cohort report and of the evidence is a set
** of part rows (p_program_kept_outcome_part, p_program_kept_evidence_part);
** the clinic's figures are their sums (p_program_kept_outcome,
** p_program_kept_evidence).  When an Observation, EpisodeOfCare or
** PhaseChange of a patient is written, the subscriber below, in the same
** transaction: subtracts the patient's old parts from the sums, computes
** the patient's parts again with the very fold the full report uses
** (outcomes.c, evidence.c, restricted to the one patient), stores them and
** adds them.  Means and standard deviations are combined and taken apart
** with the parallel form of Welford's method (Chan, Golub and LeVeque
** 1979): n, mean and the sum of squared deviations, never a sum of
** squares.  `cairn reindex` refills everything patient by patient.
**
** p_program_kept_state says whether the sums are complete: "filled" is 1
** once a reindex ran, or when the tables were made on a clinic with no
** observations or episodes yet; until then the pages scan as before.
** Records written from the command line (imports: thousands in a row)
** are not kept one by one: their patients are noted in
** p_program_kept_dirty, the pages scan while any is, and `cairn reindex`
** refills the sums and clears the list.
*/
#include "program.h"

#include <string.h>

/* The kept tables; appended to the plugin's migrations (program.c). */
const char program_kept_migration[] =
    "CREATE TABLE IF NOT EXISTS p_program_kept_outcome_part("
    " patient INTEGER NOT NULL, cohort TEXT NOT NULL,"
    " instrument TEXT NOT NULL, kind INTEGER NOT NULL,"
    " timepoint TEXT NOT NULL, n INTEGER NOT NULL, mean REAL NOT NULL,"
    " m2 REAL NOT NULL, day_sum REAL NOT NULL, imp_n INTEGER NOT NULL,"
    " imp_sum REAL NOT NULL, reached INTEGER NOT NULL,"
    " undefined INTEGER NOT NULL, no_baseline INTEGER NOT NULL,"
    " observations INTEGER NOT NULL,"
    /* the group row (kind 2): the patient's baseline in the group */
    " base_have INTEGER, base_score REAL, base_day INTEGER,"
    " first_score REAL, first_day INTEGER,"
    " PRIMARY KEY(patient, cohort, instrument, kind, timepoint))"
    " WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS p_program_kept_outcome("
    " cohort TEXT NOT NULL, instrument TEXT NOT NULL, kind INTEGER NOT NULL,"
    " timepoint TEXT NOT NULL, n INTEGER NOT NULL, mean REAL NOT NULL,"
    " m2 REAL NOT NULL, day_sum REAL NOT NULL, imp_n INTEGER NOT NULL,"
    " imp_sum REAL NOT NULL, reached INTEGER NOT NULL,"
    " undefined INTEGER NOT NULL, no_baseline INTEGER NOT NULL,"
    " observations INTEGER NOT NULL,"
    " PRIMARY KEY(cohort, instrument, kind, timepoint)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS p_program_kept_evidence_part("
    " patient INTEGER NOT NULL, checkpoint INTEGER NOT NULL,"
    " band INTEGER NOT NULL, patients INTEGER NOT NULL,"
    " followed INTEGER NOT NULL, reached INTEGER NOT NULL,"
    " held INTEGER NOT NULL, program INTEGER NOT NULL,"
    " graduated INTEGER NOT NULL,"
    " PRIMARY KEY(patient, checkpoint, band)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS p_program_kept_evidence("
    " checkpoint INTEGER NOT NULL, band INTEGER NOT NULL,"
    " patients INTEGER NOT NULL, followed INTEGER NOT NULL,"
    " reached INTEGER NOT NULL, held INTEGER NOT NULL,"
    " program INTEGER NOT NULL, graduated INTEGER NOT NULL,"
    " PRIMARY KEY(checkpoint, band)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS p_program_kept_state("
    " name TEXT PRIMARY KEY, value INTEGER);"
    "CREATE TABLE IF NOT EXISTS p_program_kept_dirty("
    " patient INTEGER PRIMARY KEY);"
    "INSERT OR IGNORE INTO p_program_kept_state(name, value)"
    " SELECT 'filled', NOT EXISTS (SELECT 1 FROM p_program_observation)"
    "  AND NOT EXISTS (SELECT 1 FROM p_program_episode);";

/* ------------------------------------------------------------- Welford */

/* See careprogram.h. */
void program_kept_merge(program_kept_stats *t, const program_kept_stats *b,
                        int sign) {
  double delta;
  long n;
  if (b->n == 0) {
    /* nothing to combine: only the counts and sums below */
  } else if (sign > 0) {
    n = t->n + b->n;
    delta = b->mean - t->mean;
    t->mean += delta * (double)b->n / (double)n;
    t->m2 += b->m2 + delta * delta * (double)t->n * (double)b->n / (double)n;
    t->n = n;
  } else {
    n = t->n - b->n;
    if (n <= 0) {
      t->n = 0;
      t->mean = t->m2 = 0;
    } else {
      double mean = ((double)t->n * t->mean - (double)b->n * b->mean) /
                    (double)n;
      delta = b->mean - mean;
      t->m2 -= b->m2 + delta * delta * (double)n * (double)b->n /
                           (double)t->n;
      if (t->m2 < 0) t->m2 = 0;   /* rounding at a constant series */
      t->mean = mean;
      t->n = n;
    }
  }
  t->day_sum += sign * b->day_sum;
  t->imp_n += sign * b->imp_n;
  t->imp_sum += sign * b->imp_sum;
  t->reached += sign * b->reached;
  t->undefined += sign * b->undefined;
  t->no_baseline += sign * b->no_baseline;
  t->observations += sign * b->observations;
}

/* -------------------------------------------------- the outcome sums */

/* A patient's parts; of one instrument, or of all when :instrument is
** NULL. */
static const char SQL_OUT_PARTS[] =
    "SELECT cohort, instrument, kind, timepoint, n, mean, m2, day_sum,"
    " imp_n, imp_sum, reached, undefined, no_baseline, observations"
    " FROM p_program_kept_outcome_part WHERE patient = :patient"
    " AND (:instrument IS NULL OR instrument = :instrument)";

static const char SQL_OUT_PARTS_DELETE[] =
    "DELETE FROM p_program_kept_outcome_part WHERE patient = :patient"
    " AND (:instrument IS NULL OR instrument = :instrument)";

static const char SQL_OUT_PART_INSERT[] =
    "INSERT OR REPLACE INTO p_program_kept_outcome_part(patient, cohort,"
    " instrument, kind, timepoint, n, mean, m2, day_sum, imp_n, imp_sum,"
    " reached, undefined, no_baseline, observations, base_have, base_score,"
    " base_day, first_score, first_day) VALUES(:patient, :cohort,"
    " :instrument, :kind, :timepoint, :n, :mean, :m2, :day_sum, :imp_n,"
    " :imp_sum, :reached, :undefined, :no_baseline, :observations,"
    " :base_have, :base_score, :base_day, :first_score, :first_day)";

/* One part of the patient, with the group's baseline columns. */
static const char SQL_OUT_PART[] =
    "SELECT n, mean, m2, day_sum, imp_n, imp_sum, reached, undefined,"
    " no_baseline, observations, base_have, base_score, base_day,"
    " first_score, first_day FROM p_program_kept_outcome_part"
    " WHERE patient = :patient AND cohort = :cohort"
    " AND instrument = :instrument AND kind = :kind"
    " AND timepoint = :timepoint";

/* The newest other scored observation of the patient and instrument. */
static const char SQL_OUT_NEWEST_OTHER[] =
    "SELECT max(effective) FROM p_program_observation"
    " WHERE patient = :patient AND instrument = :instrument"
    " AND record <> :record AND status <> 'entered-in-error'"
    " AND score IS NOT NULL";

static const char SQL_OUT_TOTAL[] =
    "SELECT n, mean, m2, day_sum, imp_n, imp_sum, reached, undefined,"
    " no_baseline, observations FROM p_program_kept_outcome"
    " WHERE cohort = :cohort AND instrument = :instrument AND kind = :kind"
    " AND timepoint = :timepoint";

static const char SQL_OUT_TOTAL_PUT[] =
    "INSERT OR REPLACE INTO p_program_kept_outcome(cohort, instrument, kind,"
    " timepoint, n, mean, m2, day_sum, imp_n, imp_sum, reached, undefined,"
    " no_baseline, observations) VALUES(:cohort, :instrument, :kind,"
    " :timepoint, :n, :mean, :m2, :day_sum, :imp_n, :imp_sum, :reached,"
    " :undefined, :no_baseline, :observations)";

static const char SQL_OUT_TOTAL_DELETE[] =
    "DELETE FROM p_program_kept_outcome WHERE cohort = :cohort"
    " AND instrument = :instrument AND kind = :kind"
    " AND timepoint = :timepoint";

/* See careprogram.h (the column order of SQL_OUT_TOTAL). */
void program_kept_stats_read(cairn_stmt *st, int first,
                             program_kept_stats *s) {
  s->n = (long)cairn_sql_int(st, first);
  s->mean = cairn_sql_real(st, first + 1);
  s->m2 = cairn_sql_real(st, first + 2);
  s->day_sum = cairn_sql_real(st, first + 3);
  s->imp_n = (long)cairn_sql_int(st, first + 4);
  s->imp_sum = cairn_sql_real(st, first + 5);
  s->reached = (long)cairn_sql_int(st, first + 6);
  s->undefined = (long)cairn_sql_int(st, first + 7);
  s->no_baseline = (long)cairn_sql_int(st, first + 8);
  s->observations = (long)cairn_sql_int(st, first + 9);
}

/* Bind a part's figures to :n, :mean, ... of st. */
static void bind_stats(cairn_stmt *st, const program_kept_stats *s) {
  cairn_sql_bind_int(st, "n", s->n);
  cairn_sql_bind_real(st, "mean", s->mean);
  cairn_sql_bind_real(st, "m2", s->m2);
  cairn_sql_bind_real(st, "day_sum", s->day_sum);
  cairn_sql_bind_int(st, "imp_n", s->imp_n);
  cairn_sql_bind_real(st, "imp_sum", s->imp_sum);
  cairn_sql_bind_int(st, "reached", s->reached);
  cairn_sql_bind_int(st, "undefined", s->undefined);
  cairn_sql_bind_int(st, "no_baseline", s->no_baseline);
  cairn_sql_bind_int(st, "observations", s->observations);
}

/* Bind a row's key: :cohort, :instrument, :kind, :timepoint. */
static void bind_key(cairn_stmt *st, const char *cohort,
                     const char *instrument, int kind,
                     const char *timepoint) {
  cairn_sql_bind_text(st, "cohort", cohort);
  cairn_sql_bind_text(st, "instrument", instrument);
  cairn_sql_bind_int(st, "kind", kind);
  cairn_sql_bind_text(st, "timepoint", timepoint);
}

/* Run a kept statement to its end: CAIRN_OK or CAIRN_EDB. */
static int run(cairn_stmt *st, cairn_error *err) {
  int rc;
  while ((rc = cairn_sql_step(st)) == 1) {}
  return rc < 0 ? cairn_fail(err, CAIRN_EDB, NULL, "kept figures") : CAIRN_OK;
}

/* Add (sign 1) or take away (-1) one part from its sum. */
static int total_apply(cairn_req *req, const char *cohort,
                       const char *instrument, int kind,
                       const char *timepoint, const program_kept_stats *part,
                       int sign, cairn_error *err) {
  program_kept_stats t;
  cairn_stmt *st = cairn_sql_prepare(req, SQL_OUT_TOTAL, err);
  int rc;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  memset(&t, 0, sizeof t);
  bind_key(st, cohort, instrument, kind, timepoint);
  if ((rc = cairn_sql_step(st)) < 0)
    return cairn_fail(err, CAIRN_EDB, NULL, "kept figures");
  if (rc == 1) program_kept_stats_read(st, 0, &t);
  cairn_sql_step(st);       /* done: no statement is left mid-run */
  program_kept_merge(&t, part, sign);
  if (t.n <= 0 && t.observations <= 0) {
    st = cairn_sql_prepare_kept(req, SQL_OUT_TOTAL_DELETE, err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    bind_key(st, cohort, instrument, kind, timepoint);
    return run(st, err);
  }
  st = cairn_sql_prepare_kept(req, SQL_OUT_TOTAL_PUT, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  bind_key(st, cohort, instrument, kind, timepoint);
  bind_stats(st, &t);
  return run(st, err);
}

/* One part row of the patient being kept. */
typedef struct out_part {
  const char *cohort, *instrument, *timepoint;
  int kind;
  program_kept_stats s;
} out_part;

/* Take the patient's stored parts (of `instrument`, NULL: all) away
** from the sums and delete them. */
static int outcome_parts_remove(cairn_req *req, long long patient,
                                const char *instrument, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_OUT_PARTS, err);
  out_part *parts = NULL;
  size_t n = 0, cap = 0, i;
  int rc;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  cairn_sql_bind_text(st, "instrument", instrument);
  /* Read them all first: the sums are written while no read is open. */
  while ((rc = cairn_sql_step(st)) == 1) {
    if (n == cap) {
      out_part *p;
      cap = cap ? 2 * cap : 16;
      p = cairn_req_alloc(req, cap * sizeof *p);
      if (n) memcpy(p, parts, n * sizeof *p);
      parts = p;
    }
    parts[n].cohort = cairn_req_strdup(req, cairn_sql_text(st, 0));
    parts[n].instrument = cairn_req_strdup(req, cairn_sql_text(st, 1));
    parts[n].kind = (int)cairn_sql_int(st, 2);
    parts[n].timepoint = cairn_req_strdup(req, cairn_sql_text(st, 3));
    program_kept_stats_read(st, 4, &parts[n].s);
    n++;
  }
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "kept figures");
  for (i = 0; i < n; i++) {
    rc = total_apply(req, parts[i].cohort, parts[i].instrument, parts[i].kind,
                     parts[i].timepoint, &parts[i].s, -1, err);
    if (rc != CAIRN_OK) return rc;
  }
  st = cairn_sql_prepare_kept(req, SQL_OUT_PARTS_DELETE, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  cairn_sql_bind_text(st, "instrument", instrument);
  return run(st, err);
}

/* Store a part row as it is now (replacing one of the same key). */
static int part_put(cairn_req *req, long long patient, const char *cohort,
                    const char *instrument, int kind, const char *timepoint,
                    const program_kept_stats *s,
                    const program_kept_base *base, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare_kept(req, SQL_OUT_PART_INSERT, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  bind_key(st, cohort, instrument, kind, timepoint);
  bind_stats(st, s);
  if (base != NULL) {
    cairn_sql_bind_int(st, "base_have", base->have);
    cairn_sql_bind_real(st, "base_score", base->score);
    cairn_sql_bind_int(st, "base_day", base->day);
    cairn_sql_bind_real(st, "first_score", base->first_score);
    cairn_sql_bind_int(st, "first_day", base->first_day);
  } else {
    const char *const none[] = {"base_have", "base_score", "base_day",
                                "first_score", "first_day", NULL};
    size_t i;
    for (i = 0; none[i]; i++) cairn_sql_bind_text(st, none[i], NULL);
  }
  return run(st, err);
}

/* See careprogram.h. */
int program_kept_outcome_add(cairn_req *req, long long patient,
                             const char *cohort, const char *instrument,
                             int kind, const char *timepoint,
                             const program_kept_stats *s,
                             const program_kept_base *base,
                             cairn_error *err) {
  int rc = part_put(req, patient, cohort, instrument, kind, timepoint, s,
                    base, err);
  if (rc != CAIRN_OK) return rc;
  return total_apply(req, cohort, instrument, kind, timepoint, s, 1, err);
}

/* The part (patient, cohort, instrument, kind, timepoint): 1 and *s (and
** *base when not NULL) when there is one, 0 when not, or a negative
** CAIRN_E*. */
static int part_get(cairn_req *req, long long patient, const char *cohort,
                    const char *instrument, int kind, const char *timepoint,
                    program_kept_stats *s, program_kept_base *base,
                    cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_OUT_PART, err);
  int rc;
  memset(s, 0, sizeof *s);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  bind_key(st, cohort, instrument, kind, timepoint);
  if ((rc = cairn_sql_step(st)) < 0)
    return cairn_fail(err, CAIRN_EDB, NULL, "kept figures");
  if (rc == 0) return 0;
  program_kept_stats_read(st, 0, s);
  if (base != NULL) {
    base->have = (int)cairn_sql_int(st, 10);
    base->score = cairn_sql_real(st, 11);
    base->day = (long)cairn_sql_int(st, 12);
    base->first_score = cairn_sql_real(st, 13);
    base->first_day = (long)cairn_sql_int(st, 14);
  }
  cairn_sql_step(st);
  return 1;
}

/* Change one part by delta (sign 1 adds, -1 takes away), and its sum. */
static int part_change(cairn_req *req, long long patient, const char *cohort,
                       const char *instrument, int kind,
                       const char *timepoint, const program_kept_stats *d,
                       int sign, cairn_error *err) {
  program_kept_stats s;
  program_kept_base base;
  int rc = part_get(req, patient, cohort, instrument, kind, timepoint, &s,
                    &base, err);
  if (rc < 0) return rc;
  program_kept_merge(&s, d, sign);
  rc = part_put(req, patient, cohort, instrument, kind, timepoint, &s,
                kind == PROGRAM_KEPT_GROUP ? &base : NULL, err);
  if (rc != CAIRN_OK) return rc;
  return total_apply(req, cohort, instrument, kind, timepoint, d, sign, err);
}

/* One score against a baseline, as the report counts it: n, mean, day;
** the improvement when the instrument is known. */
static void one_score(program_kept_stats *k, const instr_def *def,
                      double base, double score, long days) {
  double imp;
  memset(k, 0, sizeof *k);
  k->n = 1;
  k->mean = score;
  k->day_sum = (double)days;
  if (def == NULL) return;
  if (instr_improvement(base, score, def->best, &imp) ==
      INSTR_IMPROVEMENT_UNDEFINED) {
    k->undefined = 1;
    return;
  }
  k->imp_n = 1;
  k->imp_sum = imp;
  k->reached = instr_reached(base, score, def->best, INSTR_BENCHMARK);
}

/*
** A new observation added to the patient's parts without a scan, when no
** other of its instrument is dated later, it is not a baseline and its
** group already has the patient: it adds one score to its timepoint's
** part and becomes the group's latest follow-up (the fold of outcomes.c
** gives the same).  *done 1 when handled; 0: keep the patient in full.
*/
static int outcome_append(cairn_req *req, const cairn_record *rec,
                          int *done, cairn_error *err) {
  long long patient = cairn_record_patient(rec), record = cairn_record_id(rec);
  cairn_stmt *st = cairn_sql_prepare(req, program_outcome_row_sql, err);
  const char *cohort, *instrument, *timepoint, *effective;
  program_kept_stats g, k, old;
  program_kept_base base;
  const instr_def *def;
  double score, b_score;
  long days, b_day;
  int rc;

  *done = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "record", record);
  if ((rc = cairn_sql_step(st)) < 0)
    return cairn_fail(err, CAIRN_EDB, NULL, "kept figures");
  if (rc == 0) {                 /* not in the report: nothing changes */
    *done = 1;
    return CAIRN_OK;
  }
  cohort = cairn_req_strdup(req, cairn_sql_text(st, 1));
  instrument = cairn_req_strdup(req, cairn_sql_text(st, 2));
  timepoint = cairn_req_strdup(req, cairn_sql_text(st, 3));
  score = cairn_sql_real(st, 4);
  effective = cairn_req_strdup(req, cairn_sql_text(st, 5));
  cairn_sql_step(st);
  if (cairn_date_parse(effective, &days) != 0) {  /* the scan skips it */
    *done = 1;
    return CAIRN_OK;
  }
  if (strcmp(timepoint, PROGRAM_BASELINE) == 0) return CAIRN_OK;
  st = cairn_sql_prepare(req, SQL_OUT_NEWEST_OTHER, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  cairn_sql_bind_text(st, "instrument", instrument);
  cairn_sql_bind_int(st, "record", record);
  rc = cairn_sql_step(st);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "kept figures");
  /* Of the same day is fine: the report takes a day's observations in
  ** the order they were recorded, and this one is the newest record. */
  rc = rc == 1 && !cairn_sql_is_null(st, 0) &&
       strcmp(cairn_sql_text(st, 0), effective) > 0;
  cairn_sql_step(st);
  if (rc) return CAIRN_OK;       /* not the newest: a full fold */
  rc = part_get(req, patient, cohort, instrument, PROGRAM_KEPT_GROUP, "",
                &g, &base, err);
  if (rc <= 0) return rc;        /* the patient is new to the group */

  def = instr_find(program_instruments, instrument);
  b_score = base.have ? base.score : base.first_score;
  b_day = base.have ? base.day : base.first_day;
  /* the group: one more observation */
  memset(&k, 0, sizeof k);
  k.observations = 1;
  rc = part_change(req, patient, cohort, instrument, PROGRAM_KEPT_GROUP, "",
                   &k, 1, err);
  /* its timepoint: one more score, against the labelled baseline only */
  if (rc == CAIRN_OK && timepoint[0] != '\0') {
    one_score(&k, base.have ? def : NULL, b_score, score, days - b_day);
    if (!base.have) k.no_baseline = 1;
    rc = part_change(req, patient, cohort, instrument,
                     PROGRAM_KEPT_TIMEPOINT, timepoint, &k, 1, err);
  }
  /* the latest follow-up is this one now (it is after the baseline) */
  if (rc == CAIRN_OK && days > b_day) {
    rc = part_get(req, patient, cohort, instrument, PROGRAM_KEPT_LATEST, "",
                  &old, NULL, err);
    if (rc == 1)
      rc = total_apply(req, cohort, instrument, PROGRAM_KEPT_LATEST, "", &old,
                       -1, err);
    if (rc >= 0) {
      one_score(&k, def, b_score, score, days - b_day);
      rc = program_kept_outcome_add(req, patient, cohort, instrument,
                                    PROGRAM_KEPT_LATEST, "", &k, NULL, err);
    }
  }
  if (rc == CAIRN_OK) *done = 1;
  return rc;
}

/* ------------------------------------------------- the evidence sums */

static const char SQL_EV_PARTS[] =
    "SELECT checkpoint, band, patients, followed, reached, held, program,"
    " graduated FROM p_program_kept_evidence_part WHERE patient = :patient";

static const char SQL_EV_PARTS_DELETE[] =
    "DELETE FROM p_program_kept_evidence_part WHERE patient = :patient";

static const char SQL_EV_PART_INSERT[] =
    "INSERT INTO p_program_kept_evidence_part(patient, checkpoint, band,"
    " patients, followed, reached, held, program, graduated)"
    " VALUES(:patient, :checkpoint, :band, :patients, :followed, :reached,"
    " :held, :program, :graduated)";

/* Counts are whole numbers: the sums are added to in SQL. */
static const char SQL_EV_TOTAL_ADD[] =
    "INSERT INTO p_program_kept_evidence(checkpoint, band, patients,"
    " followed, reached, held, program, graduated)"
    " VALUES(:checkpoint, :band, :patients, :followed, :reached, :held,"
    " :program, :graduated)"
    " ON CONFLICT(checkpoint, band) DO UPDATE SET"
    " patients = patients + excluded.patients,"
    " followed = followed + excluded.followed,"
    " reached = reached + excluded.reached, held = held + excluded.held,"
    " program = program + excluded.program,"
    " graduated = graduated + excluded.graduated";

static const char SQL_EV_TOTAL_SUBTRACT[] =
    "UPDATE p_program_kept_evidence SET patients = patients - :patients,"
    " followed = followed - :followed, reached = reached - :reached,"
    " held = held - :held, program = program - :program,"
    " graduated = graduated - :graduated"
    " WHERE checkpoint = :checkpoint AND band = :band";

static const char SQL_EV_TOTAL_GC[] =
    "DELETE FROM p_program_kept_evidence WHERE patients = 0";

static const char SQL_EV_TOTALS[] =
    "SELECT checkpoint, band, patients, followed, reached, held, program,"
    " graduated FROM p_program_kept_evidence";

/* One (checkpoint, band) of a patient: checkpoint -1 counts episodes (in
** patients), band -1 the undefined improvements at a checkpoint. */
typedef struct ev_part {
  int checkpoint, band;
  program_evidence_band_counts c;
} ev_part;

/* Bind an evidence part to :checkpoint, :band and its counts. */
static void ev_bind(cairn_stmt *st, const ev_part *p) {
  cairn_sql_bind_int(st, "checkpoint", p->checkpoint);
  cairn_sql_bind_int(st, "band", p->band);
  cairn_sql_bind_int(st, "patients", p->c.patients);
  cairn_sql_bind_int(st, "followed", p->c.followed);
  cairn_sql_bind_int(st, "reached", p->c.reached);
  cairn_sql_bind_int(st, "held", p->c.held);
  cairn_sql_bind_int(st, "program", p->c.program);
  cairn_sql_bind_int(st, "graduated", p->c.graduated);
}

/* Read an evidence part (the column order of SQL_EV_PARTS). */
static void ev_read(cairn_stmt *st, ev_part *p) {
  p->checkpoint = (int)cairn_sql_int(st, 0);
  p->band = (int)cairn_sql_int(st, 1);
  p->c.patients = (long)cairn_sql_int(st, 2);
  p->c.followed = (long)cairn_sql_int(st, 3);
  p->c.reached = (long)cairn_sql_int(st, 4);
  p->c.held = (long)cairn_sql_int(st, 5);
  p->c.program = (long)cairn_sql_int(st, 6);
  p->c.graduated = (long)cairn_sql_int(st, 7);
}

/* The patient's evidence as part rows (only those with a count). */
static size_t ev_parts(const program_evidence *ev, ev_part *out) {
  size_t n = 0;
  int k, b;
  if (ev->episodes > 0) {
    memset(&out[n], 0, sizeof out[n]);
    out[n].checkpoint = out[n].band = -1;
    out[n++].c.patients = ev->episodes;
  }
  for (k = 0; k < 2; k++) {
    if (ev->undefined[k] > 0) {
      memset(&out[n], 0, sizeof out[n]);
      out[n].checkpoint = k;
      out[n].band = -1;
      out[n++].c.patients = ev->undefined[k];
    }
    for (b = 0; b < EVIDENCE_BANDS; b++) {
      if (ev->band[k][b].patients == 0) continue;
      out[n].checkpoint = k;
      out[n].band = b;
      out[n++].c = ev->band[k][b];
    }
  }
  return n;
}

/* Rows of ev_parts: the episodes, and per checkpoint the undefined and
** each band. */
#define EV_PARTS_MAX (1 + 2 * (1 + EVIDENCE_BANDS))

/* Take the patient's evidence parts out of the sums, count the
** patient's finished episodes again and add the new parts. */
static int evidence_keep(cairn_req *req, long long patient,
                         cairn_error *err) {
  ev_part old[EV_PARTS_MAX], now[EV_PARTS_MAX];
  program_evidence ev;
  size_t n_old = 0, n_now, i;
  cairn_stmt *st = cairn_sql_prepare(req, SQL_EV_PARTS, err);
  int rc;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  while ((rc = cairn_sql_step(st)) == 1 && n_old < EV_PARTS_MAX)
    ev_read(st, &old[n_old++]);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "kept evidence");
  if (rc == 1) cairn_sql_step(st);
  for (i = 0; i < n_old; i++) {
    st = cairn_sql_prepare_kept(req, SQL_EV_TOTAL_SUBTRACT, err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    ev_bind(st, &old[i]);
    if ((rc = run(st, err)) != CAIRN_OK) return rc;
  }
  if (n_old > 0) {
    st = cairn_sql_prepare_kept(req, SQL_EV_PARTS_DELETE, err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    cairn_sql_bind_int(st, "patient", patient);
    if ((rc = run(st, err)) != CAIRN_OK) return rc;
  }
  rc = program_evidence_scan(req, patient, &ev, err);
  if (rc != CAIRN_OK) return rc;
  n_now = ev_parts(&ev, now);
  for (i = 0; i < n_now; i++) {
    st = cairn_sql_prepare_kept(req, SQL_EV_PART_INSERT, err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    cairn_sql_bind_int(st, "patient", patient);
    ev_bind(st, &now[i]);
    if ((rc = run(st, err)) != CAIRN_OK) return rc;
    st = cairn_sql_prepare_kept(req, SQL_EV_TOTAL_ADD, err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    ev_bind(st, &now[i]);
    if ((rc = run(st, err)) != CAIRN_OK) return rc;
  }
  if (n_old > 0) {
    st = cairn_sql_prepare_kept(req, SQL_EV_TOTAL_GC, err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    if ((rc = run(st, err)) != CAIRN_OK) return rc;
  }
  return CAIRN_OK;
}

/* See careprogram.h. */
int program_kept_evidence_read(cairn_req *req, program_evidence *ev,
                               cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_EV_TOTALS, err);
  ev_part p;
  int rc;
  memset(ev, 0, sizeof *ev);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    ev_read(st, &p);
    if (p.checkpoint == -1) {
      ev->episodes += p.c.patients;
    } else if (p.checkpoint < 0 || p.checkpoint > 1) {
      continue;
    } else if (p.band == -1) {
      ev->undefined[p.checkpoint] += p.c.patients;
    } else if (p.band >= 0 && p.band < EVIDENCE_BANDS) {
      ev->band[p.checkpoint][p.band] = p.c;
    }
  }
  return rc < 0 ? cairn_fail(err, CAIRN_EDB, NULL, "kept evidence")
                : CAIRN_OK;
}

/* ------------------------------------------------------------ keeping */

/* Complete: filled, and no patient written by a CLI import since. */
static const char SQL_FILLED[] =
    "SELECT value = 1 AND NOT EXISTS (SELECT 1 FROM p_program_kept_dirty)"
    " FROM p_program_kept_state WHERE name = 'filled'";

static const char SQL_DIRTY[] =
    "INSERT OR IGNORE INTO p_program_kept_dirty(patient) VALUES(:patient)";
static const char SQL_KEPT_CLEAR_DIRTY[] = "DELETE FROM p_program_kept_dirty";

/* See careprogram.h. */
int program_kept_ready(cairn_req *req) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_FILLED, &err);
  int ready;
  if (st == NULL) return 0;
  ready = cairn_sql_step(st) == 1 && cairn_sql_int(st, 0) == 1;
  cairn_sql_step(st);
  return ready;
}

/* See careprogram.h. */
int program_kept_patient(cairn_req *req, long long patient,
                         const char *instrument, cairn_error *err) {
  int rc;
  if (patient <= 0) return CAIRN_OK;
  rc = outcome_parts_remove(req, patient, instrument, err);
  if (rc == CAIRN_OK) rc = program_outcomes_keep(req, patient, instrument, err);
  if (rc == CAIRN_OK) rc = evidence_keep(req, patient, err);
  return rc;
}

/* The patient's outcome and evidence parts, and the dashboard's counts
** (cairn reindex). */
static int kept_patient_all(cairn_req *req, long long patient,
                            cairn_error *err) {
  int rc = program_kept_patient(req, patient, NULL, err);
  return rc == CAIRN_OK ? program_kept_counts_patient(req, patient, err) : rc;
}

/* A new observation changes only its own instrument's rows of the
** report (its baseline, timepoints and latest are per instrument); any
** other write may move observations between cohorts or instruments, and
** the patient is kept again whole. */
int program_on_kept(cairn_req *req, const cairn_record *rec,
                    cairn_error *err) {
  const char *instrument = NULL;
  int done = 0, rc;
  /* An import from the command line writes thousands of records in a
  ** row: it only notes the patient, and the pages scan until `cairn
  ** reindex` refills the sums once (docs/performance.md). */
  if (strncmp(cairn_req_actor(req), "cli:", 4) == 0) {
    cairn_stmt *st = cairn_sql_prepare_kept(req, SQL_DIRTY, err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    cairn_sql_bind_int(st, "patient", cairn_record_patient(rec));
    return run(st, err);
  }
  /* Every write of a patient's records may move the dashboard's counts;
  ** a patient record moves nothing else kept. */
  rc = program_kept_counts_patient(req, cairn_record_patient(rec), err);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(cairn_record_type_name(rec), PROGRAM_T_PATIENT) == 0)
    return CAIRN_OK;
  if (cairn_record_version(rec) == 1 &&
      strcmp(cairn_record_type_name(rec), PROGRAM_T_OBSERVATION) == 0) {
    rc = outcome_append(req, rec, &done, err);
    if (rc != CAIRN_OK) return rc;
    if (done) return evidence_keep(req, cairn_record_patient(rec), err);
    instrument = cairn_record_value(rec, "r:instrument");
    if (instrument[0] == '\0') instrument = NULL;
  }
  return program_kept_patient(req, cairn_record_patient(rec), instrument,
                              err);
}

static const char SQL_KEPT_CLEAR_OUT_PARTS[] =
    "DELETE FROM p_program_kept_outcome_part";
static const char SQL_KEPT_CLEAR_OUT[] = "DELETE FROM p_program_kept_outcome";
static const char SQL_KEPT_CLEAR_EV_PARTS[] =
    "DELETE FROM p_program_kept_evidence_part";
static const char SQL_KEPT_CLEAR_EV[] = "DELETE FROM p_program_kept_evidence";
static const char SQL_KEPT_FILLED[] =
    "INSERT OR REPLACE INTO p_program_kept_state(name, value)"
    " VALUES('filled', 1)";
static const char SQL_KEPT_PATIENTS[] =
    "SELECT record FROM p_program_patient ORDER BY record";

/* See careprogram.h: clear every kept table, keep each patient again
** (its figures and its counts), and mark the sums and counts filled. */
int program_kept_reindex(cairn_req *req, cairn_error *err) {
  const char *const clear[] = {SQL_KEPT_CLEAR_OUT_PARTS, SQL_KEPT_CLEAR_OUT,
                               SQL_KEPT_CLEAR_EV_PARTS, SQL_KEPT_CLEAR_EV,
                               SQL_KEPT_CLEAR_DIRTY, NULL};
  cairn_stmt *st;
  long long *ids = NULL;
  size_t n = 0, cap = 0, i;
  int rc;
  for (i = 0; clear[i]; i++) {
    st = cairn_sql_prepare_kept(req, clear[i], err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    if ((rc = run(st, err)) != CAIRN_OK) return rc;
  }
  st = cairn_sql_prepare(req, SQL_KEPT_PATIENTS, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    if (n == cap) {
      long long *p;
      cap = cap ? 2 * cap : 1024;
      p = cairn_req_alloc(req, cap * sizeof *p);
      if (n) memcpy(p, ids, n * sizeof *p);
      ids = p;
    }
    ids[n++] = cairn_sql_int(st, 0);
  }
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "kept figures");
  if ((rc = program_kept_counts_clear(req, err)) != CAIRN_OK) return rc;
  for (i = 0; i < n; i++)
    if ((rc = kept_patient_all(req, ids[i], err)) != CAIRN_OK) return rc;
  st = cairn_sql_prepare_kept(req, SQL_KEPT_FILLED, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if ((rc = run(st, err)) != CAIRN_OK) return rc;
  return program_kept_counts_filled(req, err);
}
