/*
** herbal.c -- the herbal plugin: its descriptor, record types, routes and
** command, and loading the reference data at start-up.
**
** Settings (config <plugin path=".../herbal.so">):
**   data         the directory of the shipped reference files
**                (data/herbal/ installed); required
**   clinic-data  a clinic's own file of the same schema; optional
** cairnd refuses to start when a file is invalid, a fact has no source, a
** reference is dangling or an id is defined twice (both files named).
*/
#include "herbal.h"
#include "data_load.h"

#include <stdio.h>

CAIRN_PLUGIN_INIT1

herbal_db *herbal_data = NULL;

/* The shipped files, in the order they load (sources first: every other
** file cites them). */
static const char *const shipped_files[] = {
  "sources.xml", "herbs.xml", "formulas.xml", "rules.xml", "interactions.xml",
  NULL
};

/* Longest path of a data file. */
#define HERBAL_PATH_MAX 4096

static const cairn_projection prescription_projections[] = {
  {"subject", "r:subject", CAIRN_COL_INT},
  {"episode", "r:episode", CAIRN_COL_INT},
  {"formula", "r:formula", CAIRN_COL_TEXT},
  {"kind", "r:formula/@kind", CAIRN_COL_TEXT},
  {"form", "r:form", CAIRN_COL_TEXT},
  {"start_date", "r:startDate", CAIRN_COL_TEXT},
  {"days", "r:days", CAIRN_COL_INT},
  {"blocks_overridden", "count(r:finding[r:severity='block'])", CAIRN_COL_INT},
  {NULL, NULL, 0}
};
static const cairn_projection medications_projections[] = {
  {"pregnancy", "r:pregnancy", CAIRN_COL_TEXT},
  {"medicines", "count(r:medicine)", CAIRN_COL_INT},
  {NULL, NULL, 0}
};
static const cairn_projection adherence_projections[] = {
  {"prescription", "r:prescription", CAIRN_COL_INT},
  {"week_start", "r:weekStart", CAIRN_COL_TEXT},
  {"doses_taken", "r:dosesTaken", CAIRN_COL_INT},
  {"doses_prescribed", "r:dosesPrescribed", CAIRN_COL_INT},
  {NULL, NULL, 0}
};
/* The dashboard reads serious adverse effects from here
** (p_herbal_adverse_effect where severity = 'serious'). */
static const cairn_projection adverse_projections[] = {
  {"prescription", "r:prescription", CAIRN_COL_INT},
  {"effect_date", "r:date", CAIRN_COL_TEXT},
  {"severity", "r:severity", CAIRN_COL_TEXT},
  {"action", "r:action", CAIRN_COL_TEXT},
  {NULL, NULL, 0}
};

static const cairn_projection refill_projections[] = {
  {"prescription", "r:prescription", CAIRN_COL_INT},
  {"refill_date", "r:date", CAIRN_COL_TEXT},
  {"days_supplied", "r:daysSupplied", CAIRN_COL_INT},
  {NULL, NULL, 0}
};

static const cairn_record_type record_types[] = {
  {.name = HERBAL_T_PRESCRIPTION, .ns = HERBAL_NS, .root = "Prescription",
   .xsd = "herbal.xsd", .table = "herbal_prescription",
   .projections = prescription_projections, .check = herbal_check_prescription},
  {.name = HERBAL_T_MEDICATIONS, .ns = HERBAL_NS, .root = "Medications",
   .xsd = "herbal.xsd", .table = "herbal_medications",
   .projections = medications_projections},
  {.name = HERBAL_T_ADHERENCE, .ns = HERBAL_NS, .root = "Adherence",
   .xsd = "herbal.xsd", .table = "herbal_adherence",
   .projections = adherence_projections},
  {.name = HERBAL_T_ADVERSE, .ns = HERBAL_NS, .root = "AdverseEffect",
   .xsd = "herbal.xsd", .table = "herbal_adverse_effect",
   .projections = adverse_projections, .check = herbal_check_adverse},
  {.name = HERBAL_T_REFILL, .ns = HERBAL_NS, .root = "Refill",
   .xsd = "herbal.xsd", .table = "herbal_refill",
   .projections = refill_projections, .check = herbal_check_refill},
  {.name = NULL}
};

#define PRESCRIBERS (CAIRN_AUD_CLINICIAN | CAIRN_AUD_ADMIN)
#define PATIENT "/patients/(?<patient>[0-9]{1,18})/herbal"
#define RX PATIENT "/prescriptions/(?<id>[0-9]{1,18})"
/* The patient's own page, reached through the episode's personal link
** (docs/patient.md, "The hook for other plugins"). */
#define HERBS_PAGE "/p/(?<episode>[1-9][0-9]{0,17})/herbs"

static const cairn_route routes[] = {
  {"GET", PATIENT, CAIRN_AUD_STAFF, herbal_page_patient,
   "a patient's herbal prescriptions and medicines"},
  {"GET", PATIENT "/prescribe", PRESCRIBERS, herbal_page_prescribe,
   "the prescribing form (?formula= starts from a formula)"},
  {"POST", PATIENT "/prescribe", PRESCRIBERS, herbal_post_prescribe,
   "prescribe: checked, findings beside each herb"},
  {"POST", PATIENT "/prescriptions", PRESCRIBERS, herbal_post_prescription_xml,
   "XML API: create a herbal:Prescription (the same check)"},
  {"GET", RX, CAIRN_AUD_STAFF, herbal_page_prescription,
   "one prescription, its history and today's check"},
  {"GET", RX "/instructions", CAIRN_AUD_STAFF, herbal_page_instructions,
   "printable instructions for the patient"},
  {"GET", RX "/dispensing", CAIRN_AUD_STAFF, herbal_page_dispensing,
   "printable dispensing sheet"},
  {"GET", RX "/revise", PRESCRIBERS, herbal_page_revise,
   "change a prescription (a new version with a reason)"},
  {"POST", RX "/revise", PRESCRIBERS, herbal_post_revise,
   "save a new version, checked"},
  {"POST", RX "/stop", PRESCRIBERS, herbal_post_stop,
   "stop a prescription with a reason"},
  {"GET", PATIENT "/medicines", CAIRN_AUD_STAFF, herbal_page_medicines,
   "the patient's medicines and pregnancy status"},
  {"POST", PATIENT "/medicines", PRESCRIBERS, herbal_post_medicines,
   "save a new version of the medicines"},
  {"GET", RX "/adherence", PRESCRIBERS, herbal_page_adherence,
   "record doses taken in a week"},
  {"POST", RX "/adherence", PRESCRIBERS, herbal_post_adherence,
   "save adherence"},
  {"GET", RX "/adverse", PRESCRIBERS, herbal_page_adverse,
   "record an adverse effect"},
  {"POST", RX "/adverse", PRESCRIBERS, herbal_post_adverse,
   "save an adverse effect (serious: stop or change)"},
  {"GET", RX "/refill", PRESCRIBERS, herbal_page_refill,
   "record a refill (date, days supplied); shows when the next is due"},
  {"POST", RX "/refill", PRESCRIBERS, herbal_post_refill,
   "save a refill (refused for a stopped prescription)"},
  {"GET", HERBS_PAGE, CAIRN_AUD_CAPABILITY, herbal_patient_herbs,
   "the patient's own: today's herbs, how to take them"},
  {"POST", HERBS_PAGE "/doses", CAIRN_AUD_CAPABILITY, herbal_patient_doses,
   "the patient records the doses taken this week"},
  {"POST", HERBS_PAGE "/effect", CAIRN_AUD_CAPABILITY, herbal_patient_effect,
   "the patient reports a side effect"},
  {"GET", "/herbal/alerts", CAIRN_AUD_STAFF, herbal_page_alerts,
   "prescriptions unsafe since saved; serious adverse effects"},
  {"GET", "/herbs", CAIRN_AUD_STAFF, herbal_page_reference,
   "herb monographs, formulas and rules, each fact with its source"},
  {"POST", "/herbs/check", PRESCRIBERS, herbal_post_check,
   "check a draft herbal:Prescription (XML), storing nothing"},
  {NULL, NULL, 0, NULL, NULL}
};

static const cairn_subscription subscriptions[] = {{NULL, NULL}};

static const char *const migrations[] = {
  "CREATE INDEX IF NOT EXISTS p_herbal_prescription_by_patient"
  " ON p_herbal_prescription(patient, start_date);",
  "CREATE INDEX IF NOT EXISTS p_herbal_adverse_by_severity"
  " ON p_herbal_adverse_effect(severity, effect_date);",
  "CREATE INDEX IF NOT EXISTS p_herbal_refill_by_prescription"
  " ON p_herbal_refill(prescription);",
  "CREATE INDEX IF NOT EXISTS p_herbal_prescription_by_episode"
  " ON p_herbal_prescription(episode);",
  NULL
};

static const cairn_command commands[] = {
  {"herbal-data", "herbal-data [--check PRESCRIPTION.xml [--pregnant] "
   "[--medicine TEXT]...]",
   "the herbal reference data's size and sources; check a prescription",
   herbal_command_data},
  {NULL, NULL, NULL, NULL}
};

static int herbal_init(const cairn_api *api, const cairn_plugin_config *cfg,
                       cairn_error *err) {
  CAIRN_PLUGIN_INIT2(api);
  const char *dir = cairn_config_get(cfg, "data");
  const char *clinic = cairn_config_get(cfg, "clinic-data");
  if (!dir || !dir[0])
    return cairn_fail(err, CAIRN_EINVAL, "data",
                      "herbal: the setting \"data\" (the directory of the "
                      "herbal reference files) is required");
  herbal_db *db = herbal_db_new();
  char path[HERBAL_PATH_MAX];
  int rc = 0;
  for (int i = 0; !rc && shipped_files[i]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, shipped_files[i]);
    rc = herbal_data_load(db, path, err);
  }
  if (!rc && clinic && clinic[0]) rc = herbal_data_load(db, clinic, err);
  if (!rc) rc = herbal_db_finish(db, err);
  if (rc) {
    herbal_db_free(db);
    return rc;
  }
  herbal_data = db;
  cairn_log(CAIRN_LOG_INFO,
            "herbal: %d herbs, %d formulas, %d incompatible pairs, "
            "%d interactions loaded%s", db->n_herbs, db->n_formulas,
            db->n_pairs, db->n_interactions,
            db->unverified ? " (data not yet verified against its sources)" : "");
  return 0;
}

static void herbal_fini(void) {
  herbal_names_forget();
  herbal_db_free(herbal_data);
  herbal_data = NULL;
}

/* How its records export as FHIR R4 (docs/fhir.md). */
static const cairn_fhir_map fhir_maps[] = {
  {.record_type = HERBAL_T_PRESCRIPTION, .view = "fhir/herbal-prescription"},
  {.record_type = NULL}};

/* Body elements that hold another record's id, rewritten by a bundle
** import when the records get new ids. */
static const cairn_reference references[] = {
  {.record_type = HERBAL_T_PRESCRIPTION, .element = "subject"},
  {.record_type = HERBAL_T_PRESCRIPTION, .element = "episode"},
  {.record_type = HERBAL_T_ADHERENCE, .element = "prescription"},
  {.record_type = HERBAL_T_ADVERSE, .element = "prescription"},
  {.record_type = HERBAL_T_REFILL, .element = "prescription"},
  {.record_type = NULL}};

/* Parts of the program's pages (level 6): the episode page, the
** checkpoint page (adherence and adverse effects beside the measures),
** the staff dashboard and the patient's own summary. */
static const cairn_section sections[] = {
  {.slot = "episode", .title = "Herbal medicine", .fill = herbal_section_episode},
  {.slot = "checkpoint", .title = "Herbal medicine this phase",
   .fill = herbal_section_checkpoint},
  {.slot = "dashboard", .title = "Herbal alerts", .fill = herbal_section_dashboard},
  {.slot = "patient-summary", .title = "Your herbal medicine",
   .fill = herbal_section_patient_summary},
  {.slot = NULL}};

static const cairn_plugin descriptor = {
  CAIRN_PLUGIN_MAGIC,
  .name = "herbal",
  .version = "0.1.0",
  .api_level = 6,
  .description = "herbal prescriptions checked for safety against sourced "
                 "reference data",
  .record_types = record_types,
  .routes = routes,
  .subscriptions = subscriptions,
  .migrations = migrations,
  .init = herbal_init,
  .fini = herbal_fini,
  .commands = commands,
  .fhir = fhir_maps,
  .references = references,
  .sections = sections,
};

const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
