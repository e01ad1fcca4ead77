/*
** enrol.c -- a new patient, and enrolment in the care program: an
** EpisodeOfCare in phase "enrolled" under the current program definition,
** with its primary measure (which drives the checkpoints) and the
** patient's own PSFS activities and goals.  The intake plugin enrols
** through the same record; these pages let a clinic run the
** program without it.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const GENDERS[] = {"female", "male", "other", "unknown",
                                      NULL};

static const char *const GENDER_CHOICES[] = {
  "", "Not recorded", "female", "Female", "male", "Male", "other", "Other",
  "unknown", "Unknown", NULL};

static const cairn_field PATIENT_FIELDS[] = {
  {.name = "identifier", .label = "Identifier (chart number)",
   .kind = CAIRN_FIELD_TEXT, .flags = CAIRN_FIELD_REQUIRED,
   .hint = "Letters, digits and . _ : / -"},
  {.name = "name", .label = "Name", .kind = CAIRN_FIELD_TEXT,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "gender", .label = "Gender", .kind = CAIRN_FIELD_SELECT,
   .choices = GENDER_CHOICES},
  {.name = "birthDate", .label = "Birth date", .kind = CAIRN_FIELD_DATE,
   .hint = "YYYY-MM-DD"},
  {.name = NULL}};
static const char *const PATIENT_NAMES[] = {"identifier", "name", "gender",
                                            "birthDate", NULL};

static int render_patient_form(cairn_req *req, cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "form-page");
  cairn_doc_attr(doc, "title", "New patient");
  cairn_form_doc(doc, f, "/patients", "Create the patient");
  return cairn_respond_view(req, doc, "program/form", status);
}

int program_page_patient_new(cairn_req *req) {
  return render_patient_form(req, cairn_form_new(req, "patient",
                                                 PATIENT_FIELDS), 200);
}

/* An identifier as program.xsd's IdentifierValue. */
static int identifier_ok(const char *s) {
  size_t n = strlen(s), i;
  if (n < 1 || n > 64) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
             (c >= '0' && c <= '9');
    if (i > 0) ok = ok || strchr("._:/-", c) != NULL;
    if (!ok) return 0;
  }
  return 1;
}

/* The XML API: a Patient whose identifier no other patient has. */
static int post_patient_xml(cairn_req *req) {
  cairn_error err = {0, "", ""};
  cairn_doc *body = cairn_req_body_record(req, PROGRAM_T_PATIENT, &err);
  cairn_node *ident;
  const char *v, *sys;
  long long taken, id;
  int rc;
  if (body == NULL) {
    if (err.code == 0) err.code = CAIRN_EINVAL;
    return cairn_respond_failure(req, &err, 400);
  }
  /* The schema requires one identifier, first. */
  ident = cairn_node_child(body, NULL, NULL);
  v = ident ? cairn_node_text(body, ident) : "";
  sys = ident ? cairn_node_attr(body, ident, "system") : NULL;
  rc = program_identifier_taken(req, sys, v, &taken, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 500);
  if (taken > 0)
    return cairn_respond_error(
        req, 409, "identifier",
        cairn_req_printf(req, "Another patient (%lld) already has "
                              "identifier \"%.64s\".", taken, v));
  rc = cairn_record_create(req, PROGRAM_T_PATIENT, 0, body, &id, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, cairn_req_printf(req, "/patients/%lld",
                                                      id));
}

/* Check the new patient's form; a taken identifier is refused too.
** CAIRN_OK (messages on f), or a DB error with *err. */
static int check_patient(cairn_req *req, cairn_form *f, cairn_error *err) {
  long long taken;
  int rc;
  if (!identifier_ok(cairn_form_value(f, "identifier")))
    cairn_form_error(f, "identifier", "Enter the identifier: 1-64 letters, "
                                      "digits and . _ : / - (not first).");
  if (cairn_form_value(f, "name")[0] == '\0')
    cairn_form_error(f, "name", "Enter the patient's name.");
  else if (program_utf8_chars(cairn_form_value(f, "name")) > 200)
    cairn_form_error(f, "name", "At most 200 characters.");
  program_form_choice(f, "gender", GENDERS, 0, "Choose from the list.");
  program_form_date(req, f, "birthDate", 0, 0);
  if (cairn_form_errors(f) > 0) return CAIRN_OK;
  rc = program_identifier_taken(req, NULL, cairn_form_value(f, "identifier"),
                                &taken, err);
  if (rc != CAIRN_OK) return rc;
  if (taken > 0)
    cairn_form_error(f, "identifier",
                     cairn_req_printf(req, "Another patient already has this "
                                           "identifier (patient %lld).",
                                      taken));
  return CAIRN_OK;
}

int program_post_patient(cairn_req *req) {
  cairn_error err = {0, "", ""};
  cairn_form *f;
  long long id;
  int rc;

  if (program_req_is_xml(req)) return post_patient_xml(req);
  if (strcmp(cairn_req_content_type(req),
             "application/x-www-form-urlencoded") != 0)
    return program_unsupported(req);
  f = cairn_form_new(req, "patient", PATIENT_FIELDS);
  program_form_read(req, f, PATIENT_NAMES);
  rc = check_patient(req, f, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 500);
  if (cairn_form_errors(f) > 0) return render_patient_form(req, f, 422);
  {
    const char *pairs[] = {
      "identifier", cairn_form_value(f, "identifier"),
      "name", cairn_form_value(f, "name"),
      "gender", cairn_form_value(f, "gender"),
      "birthDate", cairn_form_value(f, "birthDate"),
      NULL, NULL};
    rc = cairn_record_create(req, PROGRAM_T_PATIENT, 0,
                             program_body(req, "Patient", pairs), &id, &err);
  }
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_host_error(f, &err);
    return render_patient_form(req, f, 422);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  /* Front desk may not open the chart (clinician|admin): send them to the
  ** list, found by the new identifier, instead of to a 403.  The
  ** identifier passed identifier_ok, so its characters are all legal in a
  ** query string as they are. */
  {
    const char *role = cairn_req_role(req);
    if (role != NULL && strcmp(role, "front-desk") == 0)
      return cairn_respond_redirect(
          req, cairn_req_printf(req, "/patients?q=%s",
                                cairn_form_value(f, "identifier")));
  }
  return cairn_respond_redirect(req, cairn_req_printf(req, "/patients/%lld",
                                                      id));
}

/* --------------------------------------------------------- enrolment */

static const char *const ENROL_NAMES[] = {
  "cohort", "periodStart", "primaryInstrument", "a1", "a2", "a3", "a4",
  "a5", "goal1", "goal2", "goal3", "goal4", "goal5", NULL};

/* The enrolment form; primaryInstrument's choices are the instruments
** loaded at init (enrol_fields sets them). */
static const cairn_field ENROL_FIELDS[] = {
  {.name = "cohort", .label = "Cohort (reports group by it)",
   .kind = CAIRN_FIELD_TEXT, .flags = CAIRN_FIELD_REQUIRED},
  {.name = "periodStart", .label = "Enrolment date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "primaryInstrument",
   .label = "Primary measure (drives the checkpoints and the 50% benchmark)",
   .kind = CAIRN_FIELD_SELECT, .flags = CAIRN_FIELD_REQUIRED},
  {.name = "a1", .label = "PSFS activity 1 (in the patient's words)",
   .kind = CAIRN_FIELD_TEXT,
   .hint = "Activities pain took away: 3 to 5"},
  {.name = "goal1",
   .label = "Goal for activity 1 (0-10, PSFS version 1 scale)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "a2", .label = "PSFS activity 2 (in the patient's words)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "goal2",
   .label = "Goal for activity 2 (0-10, PSFS version 1 scale)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "a3", .label = "PSFS activity 3 (in the patient's words)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "goal3",
   .label = "Goal for activity 3 (0-10, PSFS version 1 scale)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "a4", .label = "PSFS activity 4 (in the patient's words)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "goal4",
   .label = "Goal for activity 4 (0-10, PSFS version 1 scale)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "a5", .label = "PSFS activity 5 (in the patient's words)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = "goal5",
   .label = "Goal for activity 5 (0-10, PSFS version 1 scale)",
   .kind = CAIRN_FIELD_TEXT},
  {.name = NULL}};

/* An instrument can drive checkpoints when improvement from a baseline
** means something: every one but an impression of change (PGIC). */
static int can_be_primary(const instr_def *d) {
  return d && strcmp(d->id, "pgic") != 0;
}

/* ENROL_FIELDS with the instruments that can be primary as the choices
** of primaryInstrument, in the request's arena. */
static const cairn_field *enrol_fields(cairn_req *req) {
  cairn_field *f = program_fields_copy(req, ENROL_FIELDS);
  const char **choices =
      cairn_req_alloc(req, sizeof *choices * (2 * program_instruments->n + 1));
  size_t i, n = 0;
  for (i = 0; i < program_instruments->n; i++) {
    const instr_def *x = &program_instruments->defs[i];
    if (!can_be_primary(x)) continue;
    choices[n++] = x->id;
    choices[n++] = x->name;
  }
  program_field(f, "primaryInstrument")->choices = choices;
  return f;
}

static int render_enrol(cairn_req *req, const program_patient *p,
                        cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "form-page");
  const program_def *d = program_def_current();
  cairn_doc_attr(doc, "title", "Enrol in the care program");
  cairn_doc_attr(doc, "intro",
                 cairn_req_printf(req, "The episode begins under program "
                                       "definition version %d (%s) and keeps "
                                       "its terms.", d->version, d->name));
  program_doc_patient(doc, p);
  cairn_form_doc(doc, f, cairn_req_printf(req, "/patients/%lld/episodes",
                                          p->id), "Enrol");
  return cairn_respond_view(req, doc, "program/form", status);
}

int program_page_enrol(cairn_req *req) {
  program_patient p;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  int rc = program_patient_load(req, &p, &err);
  if (rc == CAIRN_ENOTFOUND) return cairn_respond_error(req, 404, NULL,
                                                       err.message);
  if (rc != CAIRN_OK) return rc;
  f = cairn_form_new(req, "enrol", enrol_fields(req));
  cairn_form_set(f, "cohort", "program");
  cairn_form_set(f, "periodStart", cairn_req_today(req));
  return render_enrol(req, &p, f, 200);
}

/* The XML API: an EpisodeOfCare in phase enrolled; the definition version
** is the current one unless a known one is named. */
static int post_episode_xml(cairn_req *req, const program_patient *p) {
  cairn_error err = {0, "", ""};
  cairn_doc *body = cairn_req_body_record(req, PROGRAM_T_EPISODE, &err);
  cairn_node *phase, *ver;
  long long id;
  int rc;
  if (body == NULL) {
    if (err.code == 0) err.code = CAIRN_EINVAL;
    return cairn_respond_failure(req, &err, 400);
  }
  phase = cairn_node_child(body, NULL, "phase");
  ver = cairn_node_child(body, NULL, "definitionVersion");
  if (phase == NULL)
    return cairn_respond_error(req, 422, "phase",
                              "An episode of the care program starts in "
                              "phase \"enrolled\": add <phase>enrolled"
                              "</phase>.");
  if (strcmp(cairn_node_text(body, phase), "enrolled") != 0)
    return cairn_respond_error(req, 409, "phase",
                              "An episode starts in phase \"enrolled\"; "
                              "later phases are reached by moves "
                              "(PhaseChange).");
  if (ver != NULL &&
      program_def_find(atoi(cairn_node_text(body, ver))) == NULL)
    return cairn_respond_error(req, 422, "definitionVersion",
                              "There is no program definition of that "
                              "version.");
  if (!can_be_primary(instr_find(
          program_instruments, program_body_text(body, "primaryInstrument"))))
    return cairn_respond_error(req, 422, "primaryInstrument",
                              "Name the primary measure (an instrument "
                              "that has a baseline to improve from).");
  if (ver == NULL) {
    /* definitionVersion follows phase in the schema's sequence (before
    ** nothing: appended to the root). */
    cairn_doc_at(body, NULL);
    cairn_doc_insert_before(
        body, cairn_node_next(phase, NULL), "definitionVersion",
        program_fmt_int(req, program_def_current()->version));
  }
  rc = cairn_record_create(req, PROGRAM_T_EPISODE, p->id, body, &id, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/episodes/%lld", p->id, id));
}

/* Check the PSFS activities a1..a5 and their goals: each at most 200
** characters, a goal 0-10 in tenths and only beside its activity, and 3 to
** 5 activities or none. */
static void check_activities(cairn_req *req, cairn_form *f) {
  int i, n_act = 0;
  for (i = 1; i <= PROGRAM_ACTIVITIES_MAX; i++) {
    const char *aname = cairn_req_printf(req, "a%d", i);
    const char *gname = cairn_req_printf(req, "goal%d", i);
    const char *a = cairn_form_value(f, aname), *g = cairn_form_value(f, gname);
    double v;
    if (a[0]) n_act++;
    if (program_utf8_chars(a) > 200)
      cairn_form_error(f, aname, "At most 200 characters.");
    if (g[0] && (a[0] == '\0' || instr_parse_number(g, &v) != INSTR_OK ||
                 v < 0 || v > 10 || v * 10 != (double)(long)(v * 10)))
      cairn_form_error(f, gname, a[0] ? "A goal is a score from 0 to 10 (one "
                                   "decimal at most)."
                                 : "Write the activity before its goal.");
  }
  if (n_act > 0 && n_act < 3)
    cairn_form_error(f, "a1", "PSFS uses 3 to 5 activities: add more, or leave "
                         "them all empty.");
}

/* The EpisodeOfCare of a checked enrolment form, in phase enrolled under
** the current definition. */
static cairn_doc *enrol_body(cairn_req *req, cairn_form *f) {
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "EpisodeOfCare");
  int i;
  cairn_doc_text(doc, "status", "active");
  cairn_doc_text(doc, "cohort", cairn_form_value(f, "cohort"));
  cairn_doc_text(doc, "periodStart", cairn_form_value(f, "periodStart"));
  cairn_doc_text(doc, "primaryInstrument",
                 cairn_form_value(f, "primaryInstrument"));
  cairn_doc_text(doc, "phase", "enrolled");
  cairn_doc_text(doc, "definitionVersion",
                 program_fmt_int(req, program_def_current()->version));
  for (i = 1; i <= PROGRAM_ACTIVITIES_MAX; i++) {
    const char *a = cairn_form_value(f, cairn_req_printf(req, "a%d", i));
    const char *g = cairn_form_value(f, cairn_req_printf(req, "goal%d", i));
    if (a[0] == '\0') continue;
    cairn_doc_text_attr(doc, "activity", "item",
                        cairn_req_printf(req, "a%d", i), a);
    if (g[0]) {
      cairn_doc_at(doc, program_last_child(doc, "activity"));
      cairn_doc_attr(doc, "goal", g);
      cairn_doc_at(doc, NULL);
    }
  }
  return doc;
}

int program_post_episode(cairn_req *req) {
  program_patient p;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  long long id;
  int rc;

  rc = program_patient_load(req, &p, &err);
  if (rc == CAIRN_ENOTFOUND) return cairn_respond_error(req, 404, NULL,
                                                       err.message);
  if (rc != CAIRN_OK) return rc;
  if (program_req_is_xml(req)) return post_episode_xml(req, &p);
  if (strcmp(cairn_req_content_type(req),
             "application/x-www-form-urlencoded") != 0)
    return program_unsupported(req);

  f = cairn_form_new(req, "enrol", enrol_fields(req));
  program_form_read(req, f, ENROL_NAMES);
  if (cairn_form_value(f, "cohort")[0] == '\0')
    cairn_form_error(f, "cohort", "Enter a cohort label.");
  program_form_date(req, f, "periodStart", 1, 0);
  if (!can_be_primary(instr_find(program_instruments,
                                 cairn_form_value(f, "primaryInstrument"))))
    cairn_form_error(f, "primaryInstrument", "Choose the primary measure.");
  check_activities(req, f);
  if (cairn_form_errors(f) > 0) return render_enrol(req, &p, f, 422);
  rc = cairn_record_create(req, PROGRAM_T_EPISODE, p.id, enrol_body(req, f),
                           &id, &err);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_host_error(f, &err);
    return render_enrol(req, &p, f, 422);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/episodes/%lld", p.id, id));
}
