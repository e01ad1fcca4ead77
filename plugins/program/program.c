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
**   patient-cards the patient home's cards of other plugins, NAME=Title,...
**                 (docs/patient.md)
**   exercise      "yes" when the exercise plugin is loaded beside this one:
**                 graduation's "home routine" is then computed from its
**                 home routine (p_exercise_routine) instead of a tick box.
**                 (A plugin may not read sqlite_master to find out.)
*/
#include "program.h"

#include <stdio.h>
#include <string.h>

CAIRN_PLUGIN_INIT1

/* The least host the plugin runs on: level 3, the kit (documents, dates,
** text and forms through the host). */
#define PROGRAM_API_LEVEL 6u

const instr_table *program_instruments = NULL;
int program_exercise_loaded = 0;   /* see careprogram.h */
const char *program_patient_cards = NULL;

/* The table program_instruments points to, owned here. */
static instr_table *instruments_owned = NULL;

/* ------------------------------------------------------ record types */

/* p_program_patient(identifier, name, gender, birth_date) */
static const cairn_projection patient_projections[] = {
  {.column = "identifier", .xpath = "r:identifier", .type = CAIRN_COL_TEXT},
  {.column = "name", .xpath = "r:name", .type = CAIRN_COL_TEXT},
  {.column = "gender", .xpath = "r:gender", .type = CAIRN_COL_TEXT},
  {.column = "birth_date", .xpath = "r:birthDate", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

/* p_program_episode(cohort, period_start, primary_instrument, status_text,
** period_end) */
static const cairn_projection episode_projections[] = {
  {.column = "cohort", .xpath = "r:cohort", .type = CAIRN_COL_TEXT},
  {.column = "period_start", .xpath = "r:periodStart", .type = CAIRN_COL_TEXT},
  {.column = "primary_instrument", .xpath = "r:primaryInstrument",
   .type = CAIRN_COL_TEXT},
  {.column = "status_text", .xpath = "r:status", .type = CAIRN_COL_TEXT},
  {.column = "period_end", .xpath = "r:periodEnd", .type = CAIRN_COL_TEXT},
  {.column = "phase", .xpath = "r:phase", .type = CAIRN_COL_TEXT},
  {.column = "definition_version", .xpath = "r:definitionVersion",
   .type = CAIRN_COL_INT},
  {.column = NULL}
};

/* p_program_observation(episode, instrument, effective, timepoint, score) */
static const cairn_projection observation_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "instrument", .xpath = "r:instrument", .type = CAIRN_COL_TEXT},
  {.column = "effective", .xpath = "r:effective", .type = CAIRN_COL_TEXT},
  {.column = "timepoint", .xpath = "r:timepoint", .type = CAIRN_COL_TEXT},
  {.column = "score", .xpath = "r:score", .type = CAIRN_COL_REAL},
  {.column = NULL}
};

/* The care program's records. */
static const cairn_projection phase_change_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "from_phase", .xpath = "r:from", .type = CAIRN_COL_TEXT},
  {.column = "to_phase", .xpath = "r:to", .type = CAIRN_COL_TEXT},
  {.column = "change_date", .xpath = "r:date", .type = CAIRN_COL_TEXT},
  {.column = "reason", .xpath = "r:reason", .type = CAIRN_COL_TEXT},
  {.column = "justification", .xpath = "r:justification",
   .type = CAIRN_COL_TEXT},
  {.column = "note", .xpath = "r:note", .type = CAIRN_COL_TEXT},
  {.column = "improvement", .xpath = "r:improvement", .type = CAIRN_COL_REAL},
  {.column = "benchmark_met", .xpath = "r:benchmarkMet",
   .type = CAIRN_COL_TEXT},
  {.column = "definition_version", .xpath = "r:definitionVersion",
   .type = CAIRN_COL_INT},
  {.column = NULL}
};
static const cairn_projection encounter_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "visit_date", .xpath = "r:date", .type = CAIRN_COL_TEXT},
  {.column = "visit_type", .xpath = "r:type", .type = CAIRN_COL_TEXT},
  {.column = "state", .xpath = "r:state", .type = CAIRN_COL_TEXT},
  {.column = "notes", .xpath = "r:notes", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};
static const cairn_projection patient_link_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "state", .xpath = "r:state", .type = CAIRN_COL_TEXT},
  {.column = "expires", .xpath = "r:expires", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

static const cairn_projection diary_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "entry_date", .xpath = "r:date", .type = CAIRN_COL_TEXT},
  {.column = "instrument", .xpath = "r:instrument", .type = CAIRN_COL_TEXT},
  {.column = "score", .xpath = "r:score", .type = CAIRN_COL_REAL},
  {.column = NULL}
};

static const cairn_projection flare_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "start_date", .xpath = "r:start", .type = CAIRN_COL_TEXT},
  {.column = "end_date", .xpath = "r:end", .type = CAIRN_COL_TEXT},
  {.column = "severity", .xpath = "r:severity", .type = CAIRN_COL_TEXT},
  {.column = "trigger_text", .xpath = "r:trigger", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};
static const cairn_projection invoice_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "phase", .xpath = "r:phase", .type = CAIRN_COL_TEXT},
  {.column = "date", .xpath = "r:date", .type = CAIRN_COL_TEXT},
  {.column = "amount", .xpath = "r:amount", .type = CAIRN_COL_REAL},
  {.column = "currency", .xpath = "r:currency", .type = CAIRN_COL_TEXT},
  {.column = "definition_version", .xpath = "r:definitionVersion",
   .type = CAIRN_COL_INT},
  {.column = NULL}
};
static const cairn_projection graduation_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "date", .xpath = "r:date", .type = CAIRN_COL_TEXT},
  {.column = "days", .xpath = "r:daysInProgram", .type = CAIRN_COL_INT},
  {.column = "improvement", .xpath = "r:improvement", .type = CAIRN_COL_REAL},
  {.column = NULL}
};

static const cairn_projection overdue_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "phase", .xpath = "r:phase", .type = CAIRN_COL_TEXT},
  {.column = "overdue_since", .xpath = "r:overdueSince",
   .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

static const cairn_record_type record_types[] = {
  {.name = PROGRAM_T_PATIENT, .ns = PROGRAM_NS, .root = "Patient",
   .xsd = "program.xsd", .table = "program_patient", .flags = CAIRN_RT_PATIENT,
   .projections = patient_projections,
   .check = program_check_patient},
  {.name = PROGRAM_T_EPISODE, .ns = PROGRAM_NS, .root = "EpisodeOfCare",
   .xsd = "program.xsd", .table = "program_episode",
   .projections = episode_projections,
   .check = program_check_episode},
  {.name = PROGRAM_T_OBSERVATION, .ns = PROGRAM_NS, .root = "Observation",
   .xsd = "program.xsd", .table = "program_observation",
   .projections = observation_projections,
   .check = program_check_observation},
  {.name = PROGRAM_T_PHASE_CHANGE, .ns = PROGRAM_NS, .root = "PhaseChange",
   .xsd = "program.xsd", .table = "program_phase_change",
   .projections = phase_change_projections,
   .check = program_check_phase_change},
  {.name = PROGRAM_T_ENCOUNTER, .ns = PROGRAM_NS, .root = "Encounter",
   .xsd = "program.xsd", .table = "program_encounter",
   .projections = encounter_projections,
   .check = program_check_encounter},
  {.name = PROGRAM_T_FLARE, .ns = PROGRAM_NS, .root = "Flare",
   .xsd = "program.xsd", .table = "program_flare",
   .projections = flare_projections,
   .check = program_check_flare},
  /* Written only by the PhaseChange subscriber: no check of their own. */
  {.name = PROGRAM_T_INVOICE, .ns = PROGRAM_NS, .root = "Invoice",
   .xsd = "program.xsd", .table = "program_invoice",
   .projections = invoice_projections},
  {.name = PROGRAM_T_GRADUATION, .ns = PROGRAM_NS, .root = "Graduation",
   .xsd = "program.xsd", .table = "program_graduation",
   .projections = graduation_projections},
  /* Written only by the job program:overdue-checkpoints. */
  {.name = PROGRAM_T_CHECKPOINT_OVERDUE, .ns = PROGRAM_NS,
   .root = "CheckpointOverdue", .xsd = "program.xsd",
   .table = "program_checkpoint_overdue",
   .projections = overdue_projections},
  /* The patient's side (patient.xsd, docs/patient.md). */
  {.name = PROGRAM_T_PATIENT_LINK, .ns = PATIENT_NS, .root = "PatientLink",
   .xsd = "patient.xsd", .table = "program_patient_link",
   .projections = patient_link_projections},
  {.name = PROGRAM_T_DIARY, .ns = PATIENT_NS, .root = "DiaryEntry",
   .xsd = "patient.xsd", .table = "program_diary",
   .projections = diary_projections},
  {.name = NULL}
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

/* The patient's own pages: /p/{episode}, the target of the episode's
** personal link. */
#define PATIENT_HOME "/p/(?<episode>[1-9][0-9]{0,17})"

/* An episode of a patient in a path. */
#define EPISODE PATIENT "/episodes/(?<episode>[1-9][0-9]{0,17})"

static const cairn_route routes[] = {
  {.method = "GET", .pattern = "/",
   .audience = CAIRN_AUD_STAFF,
   .handler = program_page_home,
   .summary = "dashboard: counts, cohorts, links"},
  {.method = "GET", .pattern = "/patients",
   .audience = CAIRN_AUD_STAFF,
   .handler = program_page_patients,
   .summary = "patient list: ?q= name or identifier, ?page= (25 a page)"},
  {.method = "GET", .pattern = PATIENT,
   .audience = CLINICAL,
   .handler = program_page_chart,
   .summary = "patient chart: episodes, observations, trajectory per "
              "instrument"},
  {.method = "GET", .pattern = PATIENT "/observations/new",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_page_observation_new,
   .summary = "form to record an observation (?instrument= chooses the items)"},
  {.method = "POST", .pattern = PATIENT "/observations",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_observation,
   .summary = "record an observation: form-encoded or an Observation as XML"},
  {.method = "POST",
   .pattern = PATIENT "/observations/(?<observation>[1-9][0-9]{0,17})/error",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_observation_error,
   .summary = "mark an observation entered in error, with the reason"},
  {.method = "GET", .pattern = "/outcomes",
   .audience = CLINICAL,
   .handler = program_page_outcomes,
   .summary = "cohort report: n, mean, SD, improvement from baseline, >=50%"},
  {.method = "GET", .pattern = "/instruments",
   .audience = CAIRN_AUD_STAFF,
   .handler = program_page_instruments,
   .summary = "the instrument definitions"},

  /* The care program.  Front desk registers patients and
  ** schedules visits; every clinical decision is a clinician's. */
  {.method = "GET", .pattern = "/patients/new",
   .audience = CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   .handler = program_page_patient_new,
   .summary = "form for a new patient"},
  {.method = "POST", .pattern = "/patients",
   .audience = CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   .handler = program_post_patient,
   .summary = "create a patient: form or a Patient as XML"},
  {.method = "GET", .pattern = PATIENT "/enrol",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_page_enrol,
   .summary = "form to enrol a patient in the care program"},
  {.method = "POST", .pattern = PATIENT "/episodes",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_episode,
   .summary = "enrol: an EpisodeOfCare in phase enrolled (form or XML)"},
  {.method = "GET", .pattern = EPISODE,
   .audience = CLINICAL,
   .handler = program_page_episode,
   .summary = "an episode: its path, visits per phase, flares, taper, next "
              "steps"},
  {.method = "POST", .pattern = EPISODE "/moves",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_move,
   .summary = "move the episode to its next phase or exit (a PhaseChange)"},
  {.method = "GET", .pattern = EPISODE "/checkpoint",
   .audience = CLINICAL,
   .handler = program_page_checkpoint,
   .summary = "the checkpoint decision page"},
  {.method = "POST", .pattern = EPISODE "/visits",
   .audience = CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   .handler = program_post_visit,
   .summary = "record or schedule a visit (an Encounter)"},
  {.method = "GET", .pattern = EPISODE "/visits",
   .audience = CAIRN_AUD_STAFF,
   .handler = program_page_visits,
   .summary = "an episode's visits without clinical notes: book, record, "
              "attended or missed"},
  {.method = "POST",
   .pattern = EPISODE "/visits/(?<visit>[1-9][0-9]{0,17})/attendance",
   .audience = CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   .handler = program_post_attendance,
   .summary = "a booked visit happened (attended=yes) or was missed (no)"},
  {.method = "POST",
   .pattern = EPISODE "/visits/(?<visit>[1-9][0-9]{0,17})/cancel",
   .audience = CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   .handler = program_post_visit_cancel,
   .summary = "cancel a scheduled visit, with the reason"},
  {.method = "POST",
   .pattern = EPISODE "/visits/(?<visit>[1-9][0-9]{0,17})/reschedule",
   .audience = CAIRN_AUD_CLINICIAN | CAIRN_AUD_FRONT_DESK,
   .handler = program_post_visit_reschedule,
   .summary = "move a scheduled visit to another day"},
  {.method = "POST", .pattern = EPISODE "/flares",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_flare,
   .summary = "record a flare"},
  {.method = "POST",
   .pattern = EPISODE "/flares/(?<flare>[1-9][0-9]{0,17})/end",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_flare_end,
   .summary = "record the end of a flare"},
  {.method = "GET", .pattern = EPISODE "/graduation",
   .audience = CLINICAL,
   .handler = program_page_graduation,
   .summary = "the printable graduation summary"},
  {.method = "GET", .pattern = "/schedule",
   .audience = CAIRN_AUD_STAFF,
   .handler = program_page_schedule,
   .summary = "the week's visits: ?week=YYYY-MM-DD"},
  {.method = "GET", .pattern = "/pricing",
   .audience = CAIRN_AUD_PUBLIC,
   .handler = program_page_pricing,
   .summary = "public: the program's phases and flat fees"},
  {.method = "GET", .pattern = "/economics",
   .audience = CLINICAL,
   .handler = program_page_economics,
   .summary = "fees against visits per phase and month, checkpoints, "
              "benchmark"},

  /* The patient's side (docs/patient.md): staff issue the link and see
  ** the diary; the link's holder sees /p/{episode} and below only, and
  ** each handler checks the link's scope is this episode. */
  {.method = "GET", .pattern = EPISODE "/patient-link",
   .audience = CLINICAL,
   .handler = program_page_patient_link,
   .summary = "the patient's personal link and diary"},
  {.method = "POST", .pattern = EPISODE "/patient-link",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_patient_link,
   .summary = "issue (or re-issue) and email the patient's personal link"},
  {.method = "POST", .pattern = EPISODE "/patient-link/revoke",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_patient_link_revoke,
   .summary = "revoke the patient's personal link"},
  {.method = "POST",
   .pattern = EPISODE "/diary/(?<entry>[1-9][0-9]{0,17})/error",
   .audience = CAIRN_AUD_CLINICIAN,
   .handler = program_post_diary_error,
   .summary = "mark a patient's diary entry entered-in-error"},
  {.method = "GET", .pattern = PATIENT_HOME,
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = program_patient_home,
   .summary = "the patient's home: road map, progress, visits"},
  {.method = "GET", .pattern = PATIENT_HOME "/diary",
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = program_patient_diary,
   .summary = "the patient's diary check"},
  {.method = "POST", .pattern = PATIENT_HOME "/diary",
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = program_patient_diary_post,
   .summary = "save the day's diary check (one a day)"},
  {.method = "GET", .pattern = PATIENT_HOME "/flare",
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = program_patient_flare,
   .summary = "tell the clinic about a flare"},
  {.method = "POST", .pattern = PATIENT_HOME "/flare",
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = program_patient_flare_post,
   .summary = "record a patient-reported flare"},
  {.method = "GET", .pattern = PATIENT_HOME "/summary",
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = program_patient_summary,
   .summary = "the patient's own (graduation) summary, printable"},
  {.method = NULL}
};

/* A move revises its episode, raises the phase's invoice and writes the
** Graduation record, in the move's own transaction. */
static const cairn_subscription subscriptions[] = {
  {.record_type = PROGRAM_T_PHASE_CHANGE, .fn = program_on_phase_change},
  /* The figures /outcomes and the checkpoint evidence read (kept.c). */
  {.record_type = PROGRAM_T_OBSERVATION, .fn = program_on_kept},
  {.record_type = PROGRAM_T_EPISODE, .fn = program_on_kept},
  {.record_type = PROGRAM_T_PHASE_CHANGE, .fn = program_on_kept},
  /* The dashboard's count of patients (kept_counts.c). */
  {.record_type = PROGRAM_T_PATIENT, .fn = program_on_kept},
  {.record_type = NULL}};

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
  /* One diary entry a day (docs/patient.md): the pages check first; the
  ** index makes a race of two posts the same day store one. */
  "CREATE UNIQUE INDEX IF NOT EXISTS p_program_diary_one_a_day"
  " ON p_program_diary(episode, entry_date)"
  " WHERE status <> 'entered-in-error';",
  "CREATE INDEX IF NOT EXISTS p_program_patient_link_by_episode"
  " ON p_program_patient_link(episode, state);",
  /* The kept figures of /outcomes and the evidence (kept.c). */
  program_kept_migration,
  /* The dashboard's kept counts (kept_counts.c). */
  program_kept_counts_migration,
  /* The dashboard's episodes by phase and at a checkpoint: only episodes
  ** of a program have a phase (measured on the large clinic: 1.1 and
  ** 1.2 ms scans of 10,401 episodes -> 0.01 and 0.02 ms). */
  "CREATE INDEX IF NOT EXISTS p_program_episode_by_phase"
  " ON p_program_episode(phase, status) WHERE phase IS NOT NULL;",
  /* An episode's graduation, read for each graduate by the maintenance
  ** plugin's dashboard section (a scan of every graduation before). */
  "CREATE INDEX IF NOT EXISTS p_program_graduation_by_episode"
  " ON p_program_graduation(episode, status);",
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
  {
    /* The patient home's cards (docs/patient.md), copied: settings are
    ** read here only. */
    static char cards[PATIENT_CARDS_MAX];
    const char *c = cairn_config_get(cfg, "patient-cards");
    program_patient_cards = NULL;
    if (c != NULL && c[0] != '\0') {
      snprintf(cards, sizeof cards, "%s", c);
      program_patient_cards = cards;
    }
  }
  {
    const char *x = cairn_config_get(cfg, "exercise");
    program_exercise_loaded = x != NULL && strcmp(x, "yes") == 0;
  }
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

/* How its records export as FHIR R4 (www/views/fhir/, docs/fhir.md); the
** PhaseChange records are read by the episode's view (status history). */
/* Body elements that hold another record's id: a bundle import rewrites
** them when the records get new ids. */
static const cairn_reference references[] = {
  {.record_type = PROGRAM_T_OBSERVATION, .element = "episode"},
  {.record_type = PROGRAM_T_PHASE_CHANGE, .element = "episode"},
  {.record_type = PROGRAM_T_ENCOUNTER, .element = "episode"},
  {.record_type = PROGRAM_T_FLARE, .element = "episode"},
  {.record_type = PROGRAM_T_INVOICE, .element = "episode"},
  {.record_type = PROGRAM_T_GRADUATION, .element = "episode"},
  {.record_type = PROGRAM_T_PATIENT_LINK, .element = "episode"},
  {.record_type = PROGRAM_T_DIARY, .element = "episode"},
  {.record_type = PROGRAM_T_CHECKPOINT_OVERDUE, .element = "episode"},
  {.record_type = NULL},
};

/* Scheduled work (docs/messages-and-jobs.md): hourly, so a checkpoint is
** marked within the hour it goes overdue. */
static const cairn_job jobs[] = {
  {.name = "overdue-checkpoints", .interval_seconds = 60 * 60,
   .handler = program_job_overdue_checkpoints,
   .summary = "record checkpoints gone past their overdueDay (the staff "
              "dashboard's \"overdue since\")"},
  {.name = NULL}
};

static const cairn_fhir_map fhir_maps[] = {
  {.record_type = PROGRAM_T_PATIENT, .view = "fhir/program-patient"},
  {.record_type = PROGRAM_T_EPISODE, .view = "fhir/program-episode"},
  {.record_type = PROGRAM_T_OBSERVATION, .view = "fhir/program-observation"},
  {.record_type = PROGRAM_T_ENCOUNTER, .view = "fhir/program-encounter"},
  {.record_type = PROGRAM_T_DIARY, .view = "fhir/program-diary"},
  {.record_type = NULL}};

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
  .jobs = jobs,
  .fhir = fhir_maps,
  .references = references,
  .reindex = program_kept_reindex,
};

#pragma GCC visibility push(default)
const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
#pragma GCC visibility pop
