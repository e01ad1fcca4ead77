/*
** program.c -- the program plugin's descriptor: record types with their
** projections and check hooks, routes with their audiences, migrations,
** init and fini.
**
** First slice of the care program (PROGRAM.md): patients, episodes of care
** with a cohort label, scored observations; a patient list, a chart with
** the trajectory against baseline and the 50% line, an observation form,
** and the cohort outcomes report.
**
** Settings (config <plugin><setting name=...>):
**   instruments   path of the instrument definitions (data/instruments.xml),
**                 validated against schemas/instruments.xsd at start-up.
*/
#include "program.h"

#include <stdio.h>
#include <libxml/tree.h>

CAIRN_PLUGIN_INIT1

const instr_table *program_instruments = NULL;

/* The table program_instruments points to, owned here. */
static instr_table *instruments_owned = NULL;

/* ------------------------------------------------------ record types */

/* p_program_patient(identifier, name, gender, birth_date) */
static const cairn_projection patient_projections[] = {
  {"identifier", "r:identifier", CAIRN_COL_TEXT},
  {"name", "r:name", CAIRN_COL_TEXT},
  {"gender", "r:gender", CAIRN_COL_TEXT},
  {"birth_date", "r:birthDate", CAIRN_COL_TEXT},
  {NULL, NULL, 0}
};

/* p_program_episode(cohort, period_start, primary_instrument, status_text,
** period_end) */
static const cairn_projection episode_projections[] = {
  {"cohort", "r:cohort", CAIRN_COL_TEXT},
  {"period_start", "r:periodStart", CAIRN_COL_TEXT},
  {"primary_instrument", "r:primaryInstrument", CAIRN_COL_TEXT},
  {"status_text", "r:status", CAIRN_COL_TEXT},
  {"period_end", "r:periodEnd", CAIRN_COL_TEXT},
  {NULL, NULL, 0}
};

/* p_program_observation(episode, instrument, effective, timepoint, score) */
static const cairn_projection observation_projections[] = {
  {"episode", "r:episode", CAIRN_COL_INT},
  {"instrument", "r:instrument", CAIRN_COL_TEXT},
  {"effective", "r:effective", CAIRN_COL_TEXT},
  {"timepoint", "r:timepoint", CAIRN_COL_TEXT},
  {"score", "r:score", CAIRN_COL_REAL},
  {NULL, NULL, 0}
};

static const cairn_record_type record_types[] = {
  {PROGRAM_T_PATIENT, PROGRAM_NS, "Patient", "program.xsd",
   "program_patient", CAIRN_RT_PATIENT, patient_projections,
   program_check_patient},
  {PROGRAM_T_EPISODE, PROGRAM_NS, "EpisodeOfCare", "program.xsd",
   "program_episode", 0, episode_projections, program_check_episode},
  {PROGRAM_T_OBSERVATION, PROGRAM_NS, "Observation", "program.xsd",
   "program_observation", 0, observation_projections,
   program_check_observation},
  {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL}
};

/* ------------------------------------------------------------ routes */

/* A patient id in a path: 1-18 digits (fits a signed 64-bit id). */
#define PATIENT "/patients/(?<patient>[0-9]{1,18})"

/* Who may read clinical detail (charts, outcomes): clinicians, and the
** administrator who answers for the clinic's data.  Front desk sees the
** patient list (to find and schedule people) but no measures; only
** clinicians record observations. */
#define CLINICAL (CAIRN_AUD_CLINICIAN | CAIRN_AUD_ADMIN)

static const cairn_route routes[] = {
  {"GET", "/", CAIRN_AUD_STAFF, program_page_home,
   "dashboard: counts, cohorts, links"},
  {"GET", "/patients", CAIRN_AUD_STAFF, program_page_patients,
   "patient list: ?q= name or identifier, ?page= (25 a page)"},
  {"GET", PATIENT, CLINICAL, program_page_chart,
   "patient chart: episodes, observations, trajectory per instrument"},
  {"GET", PATIENT "/observations/new", CAIRN_AUD_CLINICIAN,
   program_page_observation_new,
   "form to record an observation (?instrument= chooses the items)"},
  {"POST", PATIENT "/observations", CAIRN_AUD_CLINICIAN,
   program_post_observation,
   "record an observation: form-encoded or an Observation as XML"},
  {"GET", "/outcomes", CLINICAL, program_page_outcomes,
   "cohort report: n, mean, SD, improvement from baseline, >=50%"},
  {"GET", "/instruments", CAIRN_AUD_STAFF, program_page_instruments,
   "the instrument definitions"},
  {NULL, NULL, 0, NULL, NULL}
};

/* No events yet; an empty list rather than NULL, so that no loader has
** to special-case it. */
static const cairn_subscription subscriptions[] = {{NULL, NULL}};

/* -------------------------------------------------------- migrations */

/* Indexes for the pages' queries.  The chart and the outcomes report read
** observations in (patient, instrument, effective) order; the index also
** covers the columns they read, so the outcomes scan never touches the
** table (measured: 1.3 s -> 0.8 s for 1,000,000 observations).  Episodes
** are found by patient; the list walks patients by name. */
static const char *const migrations[] = {
  "CREATE INDEX IF NOT EXISTS p_program_observation_by_patient"
  " ON p_program_observation(patient, instrument, effective, timepoint,"
  " score, episode, status);",
  "CREATE INDEX IF NOT EXISTS p_program_episode_by_patient"
  " ON p_program_episode(patient, period_start);",
  "CREATE INDEX IF NOT EXISTS p_program_patient_by_name"
  " ON p_program_patient(name COLLATE NOCASE);",
  NULL
};

/* ------------------------------------------------------ init, fini */

static int program_init(const cairn_api *api, const cairn_plugin_config *cfg,
                        cairn_error *err) {
  const char *path;
  struct _xmlDoc *doc;
  char msg[256];
  int rc;

  if (api == NULL || api->api_level < 1 || api->size < sizeof(cairn_api)) {
    return program_fail(err, CAIRN_EINTERNAL, NULL,
                        "program: the host's API table is older than the "
                        "plugin needs (level 1)");
  }
  CAIRN_PLUGIN_INIT2(api);
  path = cairn_config_get(cfg, "instruments");
  if (path == NULL || path[0] == '\0') {
    return program_fail(err, CAIRN_EINVAL, "instruments",
                        "program: set <setting name=\"instruments\"> to the "
                        "path of instruments.xml (data/instruments.xml)");
  }
  doc = cairn_xml_load(path, "instruments.xsd", err);
  if (doc == NULL) {
    if (err != NULL && err->code == 0) err->code = CAIRN_EINVAL;
    return err != NULL ? err->code : CAIRN_EINVAL;
  }
  rc = instr_table_load(doc, &instruments_owned, msg, sizeof msg);
  xmlFreeDoc(doc);
  if (rc != INSTR_OK) {
    return program_fail(err, CAIRN_EINVAL, "instruments", "%s: %s", path,
                        msg);
  }
  program_instruments = instruments_owned;
  cairn_log(CAIRN_LOG_INFO, "program: %zu instruments from %s",
            instruments_owned->n, path);
  return CAIRN_OK;
}

static void program_fini(void) {
  program_instruments = NULL;
  instr_table_free(instruments_owned);
  instruments_owned = NULL;
}

static const cairn_plugin descriptor = {
  .abi_version = CAIRN_ABI_VERSION,
  .size = sizeof(cairn_plugin),
  .name = "program",
  .version = "0.1.0",
  .api_level = 1,
  .description = "the care program: patients, episodes, scored outcome "
                 "measures, charts and the cohort report",
  .record_types = record_types,
  .routes = routes,
  .subscriptions = subscriptions,
  .migrations = migrations,
  .init = program_init,
  .fini = program_fini,
};

#pragma GCC visibility push(default)
const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
#pragma GCC visibility pop
