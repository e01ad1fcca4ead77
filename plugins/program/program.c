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
**   definition    path of the care program's definition
**                 (data/program-definition.xml, schemas/program-
**                 definition.xsd); default: program-definition.xml in the
**                 directory of the instruments file.
*/
#include "program.h"

#include <stdio.h>
#include <string.h>

CAIRN_PLUGIN_INIT1

/* The least host the plugin runs on: level 3, the kit (documents, dates,
** text and forms through the host). */
#define PROGRAM_API_LEVEL 3u

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
  {"phase", "r:phase", CAIRN_COL_TEXT},
  {"definition_version", "r:definitionVersion", CAIRN_COL_INT},
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

/* The care program's records. */
static const cairn_projection phase_change_projections[] = {
  {"episode", "r:episode", CAIRN_COL_INT},
  {"from_phase", "r:from", CAIRN_COL_TEXT},
  {"to_phase", "r:to", CAIRN_COL_TEXT},
  {"change_date", "r:date", CAIRN_COL_TEXT},
  {"reason", "r:reason", CAIRN_COL_TEXT},
  {"justification", "r:justification", CAIRN_COL_TEXT},
  {"note", "r:note", CAIRN_COL_TEXT},
  {"improvement", "r:improvement", CAIRN_COL_REAL},
  {"benchmark_met", "r:benchmarkMet", CAIRN_COL_TEXT},
  {"definition_version", "r:definitionVersion", CAIRN_COL_INT},
  {NULL, NULL, 0}
};
static const cairn_projection encounter_projections[] = {
  {"episode", "r:episode", CAIRN_COL_INT},
  {"visit_date", "r:date", CAIRN_COL_TEXT},
  {"visit_type", "r:type", CAIRN_COL_TEXT},
  {"state", "r:state", CAIRN_COL_TEXT},
  {"notes", "r:notes", CAIRN_COL_TEXT},
  {NULL, NULL, 0}
};
static const cairn_projection flare_projections[] = {
  {"episode", "r:episode", CAIRN_COL_INT},
  {"start_date", "r:start", CAIRN_COL_TEXT},
  {"end_date", "r:end", CAIRN_COL_TEXT},
  {"severity", "r:severity", CAIRN_COL_TEXT},
  {"trigger_text", "r:trigger", CAIRN_COL_TEXT},
  {NULL, NULL, 0}
};
static const cairn_projection invoice_projections[] = {
  {"episode", "r:episode", CAIRN_COL_INT},
  {"phase", "r:phase", CAIRN_COL_TEXT},
  {"date", "r:date", CAIRN_COL_TEXT},
  {"amount", "r:amount", CAIRN_COL_REAL},
  {"currency", "r:currency", CAIRN_COL_TEXT},
  {"definition_version", "r:definitionVersion", CAIRN_COL_INT},
  {NULL, NULL, 0}
};
static const cairn_projection graduation_projections[] = {
  {"episode", "r:episode", CAIRN_COL_INT},
  {"date", "r:date", CAIRN_COL_TEXT},
  {"days", "r:daysInProgram", CAIRN_COL_INT},
  {"improvement", "r:improvement", CAIRN_COL_REAL},
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
  {PROGRAM_T_PHASE_CHANGE, PROGRAM_NS, "PhaseChange", "program.xsd",
   "program_phase_change", 0, phase_change_projections,
   program_check_phase_change},
  {PROGRAM_T_ENCOUNTER, PROGRAM_NS, "Encounter", "program.xsd",
   "program_encounter", 0, encounter_projections, program_check_encounter},
  {PROGRAM_T_FLARE, PROGRAM_NS, "Flare", "program.xsd", "program_flare", 0,
   flare_projections, program_check_flare},
  /* Written only by the PhaseChange subscriber: no check of their own. */
  {PROGRAM_T_INVOICE, PROGRAM_NS, "Invoice", "program.xsd",
   "program_invoice", 0, invoice_projections, NULL},
  {PROGRAM_T_GRADUATION, PROGRAM_NS, "Graduation", "program.xsd",
   "program_graduation", 0, graduation_projections, NULL},
  {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL}
};

/* ------------------------------------------------------------ routes */

/* A patient id in a path: 1-18 digits without a leading zero, so each
** record has exactly one address (fits a signed 64-bit id). */
#define PATIENT "/patients/(?<patient>[1-9][0-9]{0,17})"

/* Who may read clinical detail (charts, outcomes): clinicians, and the
** administrator who answers for the clinic's data.  Front desk sees the
** patient list (to find and schedule people) but no measures; only
** clinicians record observations. */
#define CLINICAL (CAIRN_AUD_CLINICIAN | CAIRN_AUD_ADMIN)

/* An episode of a patient in a path. */
#define EPISODE PATIENT "/episodes/(?<episode>[1-9][0-9]{0,17})"

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

  /* The care program.  Front desk registers patients and
  ** schedules visits; every clinical decision is a clinician's. */
  {"GET", "/patients/new", CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   program_page_patient_new, "form for a new patient"},
  {"POST", "/patients", CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   program_post_patient, "create a patient: form or a Patient as XML"},
  {"GET", PATIENT "/enrol", CAIRN_AUD_CLINICIAN, program_page_enrol,
   "form to enrol a patient in the care program"},
  {"POST", PATIENT "/episodes", CAIRN_AUD_CLINICIAN, program_post_episode,
   "enrol: an EpisodeOfCare in phase enrolled (form or XML)"},
  {"GET", EPISODE, CLINICAL, program_page_episode,
   "an episode: its path, visits per phase, flares, taper, next steps"},
  {"POST", EPISODE "/moves", CAIRN_AUD_CLINICIAN, program_post_move,
   "move the episode to its next phase or exit (a PhaseChange)"},
  {"GET", EPISODE "/checkpoint", CLINICAL, program_page_checkpoint,
   "the checkpoint decision page"},
  {"POST", EPISODE "/visits", CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   program_post_visit, "record or schedule a visit (an Encounter)"},
  {"POST", EPISODE "/flares", CAIRN_AUD_CLINICIAN, program_post_flare,
   "record a flare"},
  {"POST", EPISODE "/flares/(?<flare>[1-9][0-9]{0,17})/end", CAIRN_AUD_CLINICIAN,
   program_post_flare_end, "record the end of a flare"},
  {"GET", EPISODE "/graduation", CLINICAL, program_page_graduation,
   "the printable graduation summary"},
  {"GET", "/schedule", CAIRN_AUD_STAFF, program_page_schedule,
   "the week's visits: ?week=YYYY-MM-DD"},
  {"GET", "/pricing", CAIRN_AUD_PUBLIC, program_page_pricing,
   "public: the program's phases and flat fees"},
  {"GET", "/economics", CLINICAL, program_page_economics,
   "fees against visits per phase and month, checkpoints, benchmark"},
  {NULL, NULL, 0, NULL, NULL}
};

/* A move revises its episode, raises the phase's invoice and writes the
** Graduation record, in the move's own transaction. */
static const cairn_subscription subscriptions[] = {
  {PROGRAM_T_PHASE_CHANGE, program_on_phase_change},
  {NULL, NULL}};

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
  "CREATE INDEX IF NOT EXISTS p_program_phase_change_by_episode"
  " ON p_program_phase_change(episode, change_date);",
  "CREATE INDEX IF NOT EXISTS p_program_encounter_by_episode"
  " ON p_program_encounter(episode, visit_date);",
  "CREATE INDEX IF NOT EXISTS p_program_encounter_by_date"
  " ON p_program_encounter(visit_date);",
  "CREATE INDEX IF NOT EXISTS p_program_flare_by_episode"
  " ON p_program_flare(episode, start_date);",
  "CREATE INDEX IF NOT EXISTS p_program_observation_by_episode"
  " ON p_program_observation(episode, instrument, effective);",
  NULL
};

/* ------------------------------------------------------ init, fini */

static void program_fini(void);

static int program_init(const cairn_api *api, const cairn_plugin_config *cfg,
                        cairn_error *err) {
  const char *path;
  cairn_doc *doc;
  char msg[256];
  int rc;

  /* The host refuses a plugin whose api_level it lacks; this guards a
  ** host that calls init without that check (levels, never sizes), and
  ** cannot call the host's fail() on a table it cannot trust. */
  if (api == NULL || api->api_level < PROGRAM_API_LEVEL) {
    if (err != NULL) {
      err->code = CAIRN_EINTERNAL;
      snprintf(err->message, sizeof err->message,
               "program: the host's API level is below %u",
               PROGRAM_API_LEVEL);
    }
    return CAIRN_EINTERNAL;
  }
  CAIRN_PLUGIN_INIT2(api);
  path = cairn_config_get(cfg, "instruments");
  if (path == NULL || path[0] == '\0') {
    return cairn_fail(err, CAIRN_EINVAL, "instruments",
                      "program: set <setting name=\"instruments\"> to the "
                      "path of instruments.xml (data/instruments.xml)");
  }
  doc = cairn_xml_load(path, "instruments.xsd", err);
  if (doc == NULL) {
    if (err != NULL && err->code == 0) err->code = CAIRN_EINVAL;
    return err != NULL ? err->code : CAIRN_EINVAL;
  }
  rc = instr_table_load(doc, &instruments_owned, msg, sizeof msg);
  cairn_doc_free(doc);
  if (rc != INSTR_OK) {
    return cairn_fail(err, CAIRN_EINVAL, "instruments", "%s: %s", path,
                      msg);
  }
  program_instruments = instruments_owned;
  cairn_log(CAIRN_LOG_INFO, "program: %zu instruments from %s",
            instruments_owned->n, path);

  /* The program definition: its own setting, else program-definition.xml
  ** beside instruments.xml (the shipped data directory). */
  {
    const char *def = cairn_config_get(cfg, "definition");
    char buf[4096];
    if (def == NULL || def[0] == '\0') {
      const char *slash = strrchr(path, '/');
      int n = slash ? (int)(slash - path) : 1;
      snprintf(buf, sizeof buf, "%.*s/program-definition.xml", n,
               slash ? path : ".");
      def = buf;
    }
    rc = program_defs_load(def, err);
    if (rc != CAIRN_OK) {
      program_fini();
      return rc;
    }
    cairn_log(CAIRN_LOG_INFO, "program: definition version %d from %s",
              program_def_current()->version, def);
  }
  return CAIRN_OK;
}

static void program_fini(void) {
  program_defs_free();
  program_instruments = NULL;
  instr_table_free(instruments_owned);
  instruments_owned = NULL;
}

static const cairn_plugin descriptor = {
  CAIRN_PLUGIN_MAGIC,
  .name = "program",
  .version = "0.1.0",
  .api_level = PROGRAM_API_LEVEL,
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
