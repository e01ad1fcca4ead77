/*
** kept_counts.c -- the dashboard's counts (patients, episodes,
** observations, and per cohort its patients and episodes), kept with the
** records instead of a count of every observation per request
** (docs/performance.md).
**
** As in kept.c: each patient's share is a set of part rows
** (p_program_kept_count_part, cohort '' for the clinic's own counts) and
** the dashboard reads their sums (p_program_kept_count).  The subscriber
** of kept.c, in the write's own transaction, takes the patient's old
** parts out of the sums, counts the patient's records again (a few rows,
** by the patient's indexes) and adds the new parts.  Imports from the
** command line only note their patients (p_program_kept_dirty) and the
** dashboard counts every row until `cairn reindex`.  State "counts" says
** the sums are complete: 1 once a reindex ran, or when the tables were
** made on a clinic with no patient yet.
*/
#include "program.h"

/* The tables; a migration of its own (program.c), so that a clinic whose
** other kept figures were filled before these existed counts by the scan
** until its next reindex. */
const char program_kept_counts_migration[] =
    "CREATE TABLE IF NOT EXISTS p_program_kept_count_part("
    " patient INTEGER NOT NULL, cohort TEXT NOT NULL,"
    " patients INTEGER NOT NULL, episodes INTEGER NOT NULL,"
    " observations INTEGER NOT NULL,"
    " PRIMARY KEY(patient, cohort)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS p_program_kept_count("
    " cohort TEXT PRIMARY KEY NOT NULL, patients INTEGER NOT NULL,"
    " episodes INTEGER NOT NULL, observations INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "INSERT OR REPLACE INTO p_program_kept_state(name, value)"
    " SELECT 'counts', NOT EXISTS (SELECT 1 FROM p_program_patient)"
    "  AND NOT EXISTS (SELECT 1 FROM p_program_observation)"
    "  AND NOT EXISTS (SELECT 1 FROM p_program_episode);";

/* The patient's parts as they are now: the clinic's row (cohort ''),
** then one row per cohort the patient has an episode in. */
static const char SQL_COUNT_NOW[] =
    "SELECT '', (SELECT count(*) FROM p_program_patient"
    "   WHERE record = :patient AND status <> 'entered-in-error'),"
    " (SELECT count(*) FROM p_program_episode"
    "   WHERE patient = :patient AND status <> 'entered-in-error'),"
    " (SELECT count(*) FROM p_program_observation"
    "   WHERE patient = :patient AND status <> 'entered-in-error')"
    " UNION ALL"
    " SELECT cohort, 1, count(*), 0 FROM p_program_episode"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    " AND cohort IS NOT NULL GROUP BY cohort";

/* Take the patient's old parts out of the sums, then forget them. */
static const char SQL_COUNT_SUBTRACT[] =
    "UPDATE p_program_kept_count SET"
    " patients = patients - p.dp, episodes = episodes - p.de,"
    " observations = observations - p.dobs"
    " FROM (SELECT cohort AS c, patients AS dp, episodes AS de,"
    "  observations AS dobs FROM p_program_kept_count_part"
    "  WHERE patient = :patient) AS p"
    " WHERE cohort = p.c";

static const char SQL_COUNT_PARTS_DELETE[] =
    "DELETE FROM p_program_kept_count_part WHERE patient = :patient";

static const char SQL_COUNT_PART_INSERT[] =
    "INSERT INTO p_program_kept_count_part(patient, cohort, patients,"
    " episodes, observations) VALUES(:patient, :cohort, :patients,"
    " :episodes, :observations)";

static const char SQL_COUNT_ADD[] =
    "INSERT INTO p_program_kept_count(cohort, patients, episodes,"
    " observations) VALUES(:cohort, :patients, :episodes, :observations)"
    " ON CONFLICT(cohort) DO UPDATE SET"
    " patients = patients + excluded.patients,"
    " episodes = episodes + excluded.episodes,"
    " observations = observations + excluded.observations";

/* A cohort nobody is in any more is not listed (as the scan). */
static const char SQL_COUNT_GC[] =
    "DELETE FROM p_program_kept_count WHERE cohort <> '' AND patients = 0"
    " AND episodes = 0";

static const char SQL_COUNTS_READY[] =
    "SELECT value = 1 AND NOT EXISTS (SELECT 1 FROM p_program_kept_dirty)"
    " FROM p_program_kept_state WHERE name = 'counts'";

static const char SQL_COUNTS_CLEAR_PARTS[] =
    "DELETE FROM p_program_kept_count_part";
static const char SQL_COUNTS_CLEAR[] = "DELETE FROM p_program_kept_count";
static const char SQL_COUNTS_FILLED[] =
    "INSERT OR REPLACE INTO p_program_kept_state(name, value)"
    " VALUES('counts', 1)";

/* The rows a patient has at most: the clinic's and one per cohort. */
#define COUNT_PARTS_MAX 64

/* One part row (the column order of SQL_COUNT_NOW). */
typedef struct count_part {
  const char *cohort;     /* '' for the clinic's row */
  long long patients;     /* 0 or 1 */
  long long episodes;     /* the patient's episodes (in the cohort) */
  long long observations; /* the patient's observations (clinic row) */
} count_part;

/* Step st to its end; CAIRN_OK or CAIRN_EDB in err. */
static int run(cairn_stmt *st, cairn_error *err) {
  int rc;
  while ((rc = cairn_sql_step(st)) == 1) {}
  return rc < 0 ? cairn_fail(err, CAIRN_EDB, NULL, "kept counts") : CAIRN_OK;
}

/* Prepare a kept statement bound to :patient and run it. */
static int run_patient(cairn_req *req, const char *sql, long long patient,
                       cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare_kept(req, sql, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  return run(st, err);
}

/* See careprogram.h. */
int program_kept_counts_patient(cairn_req *req, long long patient,
                                cairn_error *err) {
  count_part now[COUNT_PARTS_MAX];
  size_t n = 0, i;
  cairn_stmt *st;
  int rc;
  if (patient <= 0) return CAIRN_OK;
  if ((rc = run_patient(req, SQL_COUNT_SUBTRACT, patient, err)) != CAIRN_OK ||
      (rc = run_patient(req, SQL_COUNT_PARTS_DELETE, patient, err)) !=
          CAIRN_OK)
    return rc;
  st = cairn_sql_prepare(req, SQL_COUNT_NOW, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, "patient", patient);
  while ((rc = cairn_sql_step(st)) == 1) {
    if (n == COUNT_PARTS_MAX)
      return cairn_fail(err, CAIRN_ELIMIT, NULL,
                        "patient %lld: more than %d cohorts", patient,
                        COUNT_PARTS_MAX - 1);
    now[n] = (count_part){.cohort = cairn_sql_text(st, 0),
                          .patients = cairn_sql_int(st, 1),
                          .episodes = cairn_sql_int(st, 2),
                          .observations = cairn_sql_int(st, 3)};
    n++;
  }
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "kept counts");
  for (i = 0; i < n; i++) {
    const char *const sql[] = {SQL_COUNT_PART_INSERT, SQL_COUNT_ADD, NULL};
    size_t k;
    if (now[i].patients == 0 && now[i].episodes == 0 &&
        now[i].observations == 0)
      continue;
    for (k = 0; sql[k]; k++) {
      st = cairn_sql_prepare_kept(req, sql[k], err);
      if (st == NULL) return err->code ? err->code : CAIRN_EDB;
      if (k == 0) cairn_sql_bind_int(st, "patient", patient);
      cairn_sql_bind_text(st, "cohort", now[i].cohort);
      cairn_sql_bind_int(st, "patients", now[i].patients);
      cairn_sql_bind_int(st, "episodes", now[i].episodes);
      cairn_sql_bind_int(st, "observations", now[i].observations);
      if ((rc = run(st, err)) != CAIRN_OK) return rc;
    }
  }
  st = cairn_sql_prepare_kept(req, SQL_COUNT_GC, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  return run(st, err);
}

/* See careprogram.h. */
int program_kept_counts_ready(cairn_req *req) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_COUNTS_READY, &err);
  int ready;
  if (st == NULL) return 0;
  ready = cairn_sql_step(st) == 1 && cairn_sql_int(st, 0) == 1;
  cairn_sql_step(st);
  return ready;
}

/* See careprogram.h. */
int program_kept_counts_clear(cairn_req *req, cairn_error *err) {
  const char *const clear[] = {SQL_COUNTS_CLEAR_PARTS, SQL_COUNTS_CLEAR,
                               NULL};
  size_t i;
  int rc;
  for (i = 0; clear[i]; i++) {
    cairn_stmt *st = cairn_sql_prepare_kept(req, clear[i], err);
    if (st == NULL) return err->code ? err->code : CAIRN_EDB;
    if ((rc = run(st, err)) != CAIRN_OK) return rc;
  }
  return CAIRN_OK;
}

/* See careprogram.h. */
int program_kept_counts_filled(cairn_req *req, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare_kept(req, SQL_COUNTS_FILLED, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  return run(st, err);
}
