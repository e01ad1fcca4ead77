/*
** enrol.c -- enrolment (PROGRAM.md, step 1 -> 2), from the staff page of
** an intake whose questionnaire is submitted and whose red-flag screen is
** negative or cleared.
**
** Enrolment writes through the care program's record types and events:
** the Patient gets the demographics; a program:EpisodeOfCare opens
** (status active, periodStart today, the chosen primary measure, phase
** "enrolled" under the current program definition, the goals as its PSFS
** activities a1..a5); each baseline measure becomes a program:Observation
** at timepoint "baseline" (scored by the program plugin's check hook); and
** a program:PhaseChange to "introductory" moves the episode into its first
** phase (the program plugin's check and subscriber do the rest).  Each
** write is its own transaction; when one fails, those already made are
** marked entered-in-error, so no half enrolment is left active.  Without a
** program definition the episode opens without a phase.
*/
#include "intake.h"

#include <stdlib.h>
#include <string.h>

/* The program's first phase (PROGRAM.md, step 2). */
#define INTRODUCTORY_PHASE "introductory"

/* Records made so far, to withdraw if a later one fails: the episode and
** one observation per baseline measure. */
#define ENROL_RECORDS_MAX (INTAKE_BASELINE_MAX + 1)

static const cairn_field ENROL_FIELDS[] = {
  {.name = "primary", .label = "Primary measure", .kind = CAIRN_FIELD_TEXT},
  {.name = NULL}
};

/* One enrolment under way. */
typedef struct enrolment {
  const cairn_record *intake;  /* the Intake record */
  const cairn_record *base;    /* its baseline section */
  const char *primary;         /* the primary measure's instrument id */
  long long patient;           /* the patient being enrolled */
  long long episode;           /* the episode opened, 0 until then */
  long long made[ENROL_RECORDS_MAX];   /* records made, in order */
  const intake_instrument *made_in[ENROL_RECORDS_MAX]; /* the observation's
                               ** instrument; NULL for the episode */
  int n_made;                  /* entries of made and made_in */
} enrolment;

/* The Patient again, with the demographics of the questionnaire. */
static int revise_patient(cairn_req *req, const cairn_record *intake,
                          const cairn_record *demo, cairn_error *err) {
  const cairn_record *pat;
  cairn_doc *doc;
  const char *idn, *system;
  int rc = cairn_record_get(req, cairn_record_patient(intake), &pat, err);
  if (rc != CAIRN_OK) return rc;
  doc = cairn_doc_new(req, PROGRAM_NS, "Patient");
  idn = cairn_record_value(pat, "r:identifier");
  system = cairn_record_value(pat, "r:identifier/@system");
  if (idn[0] && system[0])
    cairn_doc_text_attr(doc, "identifier", "system", system, idn);
  else
    intake_put(doc, "identifier", idn);
  intake_put(doc, "name", cairn_record_value(demo, "r:demographics/r:name"));
  intake_put(doc, "gender",
             cairn_record_value(demo, "r:demographics/r:gender"));
  intake_put(doc, "birthDate",
             cairn_record_value(demo, "r:demographics/r:birthDate"));
  return cairn_record_revise(req, cairn_record_id(pat),
                             cairn_record_version(pat), NULL, doc, err);
}

/* The episode's body.  Under a program definition it starts "enrolled"
** with the goals as its PSFS activities; a PhaseChange then moves it into
** the introductory phase. */
static cairn_doc *episode_body(cairn_req *req, const enrolment *e) {
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "EpisodeOfCare");
  const cairn_record *goals;
  int k, n;
  intake_put(doc, "status", "active");
  intake_put(doc, "cohort", intake_cfg.cohort);
  intake_put(doc, "periodStart", cairn_req_today(req));
  intake_put(doc, "primaryInstrument", e->primary);
  if (intake_data->program_version <= 0) return doc;
  goals = intake_section_record(req, cairn_record_id(e->intake), "goals");
  n = goals ? atoi(cairn_record_value(goals, "count(r:goals/r:goal)")) : 0;
  intake_put(doc, "phase", "enrolled");
  intake_put(doc, "definitionVersion",
             intake_fmt_int(req, intake_data->program_version));
  for (k = 1; k <= n && k <= INTAKE_GOALS_MAX; k++) {
    const char *goal = cairn_record_value(
        goals, cairn_req_printf(req, "r:goals/r:goal[%d]", k));
    if (goal[0])
      cairn_doc_text_attr(doc, "activity", "item",
                          cairn_req_printf(req, "a%d", k), goal);
  }
  return doc;
}

/* The baseline observation of instrument `in`, or NULL when the baseline
** holds no answer to it. */
static cairn_doc *observation_body(cairn_req *req, const enrolment *e,
                                   const intake_instrument *in) {
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "Observation");
  size_t j;
  int answered = 0;
  intake_put(doc, "episode", intake_fmt_int(req, e->episode));
  intake_put(doc, "instrument", in->id);
  intake_put(doc, "effective", cairn_record_value(e->base, "r:saved"));
  intake_put(doc, "timepoint", "baseline");
  for (j = 0; j < in->n_items; j++) {
    const char *v = cairn_record_value(e->base, cairn_req_printf(
        req, "r:baseline/r:measure[@instrument = '%s']/r:answer[@item = '%s']",
        in->id, in->items[j].id));
    if (!v[0]) continue;
    cairn_doc_text_attr(doc, "answer", "item", in->items[j].id, v);
    answered++;
  }
  return answered ? doc : NULL;
}

/* Mark the records made so far entered-in-error, each with the body it
** was made with (built again: the builders are pure). */
static void withdraw(cairn_req *req, const enrolment *e) {
  int i;
  for (i = 0; i < e->n_made; i++) {
    cairn_error err = {0, "", ""};
    cairn_doc *body = e->made_in[i] ? observation_body(req, e, e->made_in[i])
                                    : episode_body(req, e);
    if (cairn_record_revise(req, e->made[i], 1, "entered-in-error", body,
                            &err) != CAIRN_OK)
      cairn_log(CAIRN_LOG_ERROR, "intake: enrolment failed and record %lld "
                "could not be withdrawn: %s", e->made[i], err.message);
  }
}

/* Open the episode and its baseline observations, then move it into the
** introductory phase.  On failure the caller withdraws what was made. */
static int write_episode(cairn_req *req, enrolment *e, cairn_error *err) {
  size_t i;
  int rc = cairn_record_create(req, PROGRAM_T_EPISODE, e->patient,
                               episode_body(req, e), &e->episode, err);
  if (rc != CAIRN_OK) return rc;
  e->made_in[e->n_made] = NULL;
  e->made[e->n_made++] = e->episode;
  for (i = 0; i < intake_data->n_baseline; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    cairn_doc *body = observation_body(req, e, in);
    long long oid;
    if (body == NULL) continue;
    rc = cairn_record_create(req, PROGRAM_T_OBSERVATION, e->patient, body,
                             &oid, err);
    if (rc != CAIRN_OK) return rc;
    e->made_in[e->n_made] = in;
    e->made[e->n_made++] = oid;
  }
  if (intake_data->program_version > 0) {
    cairn_doc *move = cairn_doc_new(req, PROGRAM_NS, "PhaseChange");
    long long id;
    intake_put(move, "episode", intake_fmt_int(req, e->episode));
    intake_put(move, "to", INTRODUCTORY_PHASE);
    intake_put(move, "date", cairn_req_today(req));
    rc = cairn_record_create(req, PROGRAM_T_PHASE_CHANGE, e->patient, move,
                             &id, err);
  }
  return rc;
}

/* The primary measure posted: one the baseline holds. */
static void check_primary(cairn_req *req, cairn_form *f,
                          const cairn_record *base) {
  const char *primary = cairn_form_value(f, "primary");
  if (primary[0] == '\0' || intake_baseline_find(primary) == NULL ||
      !intake_baseline_holds(req, base, primary))
    cairn_form_error(f, "primary", "Choose the primary measure from those "
                                   "taken at baseline.");
}

/* POST /intake/N/enrol: unless blocked, the Patient, the episode, its
** baseline and first phase; the intake is enrolled and its link
** withdrawn. */
int intake_post_enrol(cairn_req *req) {
  const cairn_record *rec, *demo;
  cairn_error err = {0, "", ""};
  cairn_form *f = cairn_form_new(req, INTAKE_FORM_ID, ENROL_FIELDS);
  intake_fields fl;
  intake_screen s;
  enrolment e;
  int rc = intake_load_page(req, &rec);

  if (rc != CAIRN_OK) return rc;
  rc = intake_screen_load(req, rec, &s);
  if (rc != CAIRN_OK) return rc;
  if (intake_blockers(req, NULL, rec, &s) > 0) {
    cairn_form_error(f, "", "Enrolment is blocked; see why below.");
    return intake_render_review(req, rec, f, NULL, 409);
  }
  memset(&e, 0, sizeof e);
  e.intake = rec;
  e.patient = cairn_record_patient(rec);
  e.base = intake_section_record(req, cairn_record_id(rec), "baseline");
  demo = intake_section_record(req, cairn_record_id(rec), "demographics");
  if (e.base == NULL || demo == NULL) return CAIRN_EINTERNAL;  /* submitted */
  cairn_form_bind(f);
  check_primary(req, f, e.base);
  if (cairn_form_errors(f) > 0)
    return intake_render_review(req, rec, f, NULL, 422);
  e.primary = cairn_form_value(f, "primary");

  rc = revise_patient(req, rec, demo, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  rc = write_episode(req, &e, &err);
  if (rc == CAIRN_OK) {
    intake_fields_load(rec, &fl);
    fl.state = "enrolled";
    fl.episode = intake_fmt_int(req, e.episode);
    intake_link_withdraw(req, &fl);
    rc = intake_fields_save(req, rec, &fl, &err);
  }
  if (rc != CAIRN_OK) {
    withdraw(req, &e);
    return cairn_respond_failure(req, &err, 0);
  }
  return cairn_respond_redirect(req, cairn_req_printf(req, "/patients/%lld",
                                                      e.patient));
}
