/*
** observation.c -- recording observations: the observation form and its
** POST (form-encoded or an Observation as application/xml).  The check
** hooks every write path runs are in observation_check.c.
**
** On invalid form input the form is rendered again with status 422, each
** message next to its field and every typed value kept (DESIGN.md, "Bad
** input and limits").  Field names are shared by the form, the check hook
** and the XML API's errors: instrument, effective, timepoint, episode,
** answer.<item>.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Timepoints offered as suggestions on the form: enough for a long
** program's schedule, few enough for one datalist. */
#define TIMEPOINT_SUGGESTIONS_MAX 50

/* ---------------------------------------------------------- the form */

/* The form's declared fields; the answers are values "answer.<item>" of
** the instrument shown (its items vary), laid out by the view itself
** (www/views/program/observation-form.xsl), not by the shared library. */
static const cairn_field OBSERVATION_FIELDS[] = {
  {.name = "instrument", .label = "Instrument", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "effective", .label = "Date of the measure",
   .kind = CAIRN_FIELD_DATE, .flags = CAIRN_FIELD_REQUIRED},
  {.name = "timepoint", .label = "Timepoint", .kind = CAIRN_FIELD_TEXT,
   .max = 32},
  {.name = "episode", .label = "Episode of care", .kind = CAIRN_FIELD_SELECT},
  {.name = NULL}};

/* What the form shows: the patient, the instrument whose items are shown,
** and the host's form model with the values as typed and the messages. */
typedef struct observation_page {
  const program_patient *patient;
  const instr_def *def;        /* whose items are shown */
  cairn_form *form;            /* values and messages */
} observation_page;

/* A value of the form ("" when empty). */
static const char *value(const observation_page *fs, const char *name) {
  return cairn_form_value(fs->form, name);
}

static const char SQL_EPISODES[] =
    "SELECT record, cohort, period_start, primary_instrument"
    " FROM p_program_episode"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    " ORDER BY period_start DESC, record DESC";

/* Its own text, not SQL_EPISODES with a LIMIT: a request that runs both
** must not be handed the same cached statement twice. */
static const char SQL_LATEST_EPISODE[] =
    "SELECT record, primary_instrument FROM p_program_episode"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    " ORDER BY period_start DESC, record DESC LIMIT 1";

static const char SQL_EPISODE_OF_PATIENT[] =
    "SELECT 1 FROM p_program_episode"
    " WHERE record = :episode AND patient = :patient"
    " AND status <> 'entered-in-error'";

static const char SQL_EPISODE_START[] =
    "SELECT period_start FROM p_program_episode WHERE record = :episode";

static const char SQL_PATIENT_TIMEPOINTS[] =
    "SELECT DISTINCT timepoint FROM p_program_observation"
    " WHERE patient = :patient AND timepoint IS NOT NULL"
    " AND status <> 'entered-in-error'"
    " ORDER BY timepoint LIMIT 50";

static const char SQL_HAS_INSTRUMENT[] =
    "SELECT 1 FROM p_program_observation"
    " WHERE patient = :patient AND instrument = :instrument"
    " AND status <> 'entered-in-error' LIMIT 1";

/* The patient's newest episode: its id (0 when none) and primary
** instrument (arena copy, "" when none). */
static int latest_episode(cairn_req *req, long long patient, long long *id,
                          const char **instrument) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_LATEST_EPISODE, &err);
  int rc;
  *id = 0;
  *instrument = "";
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", patient) != 0) return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1) {
    *id = cairn_sql_int(st, 0);
    *instrument = cairn_req_strdup(req, cairn_sql_text(st, 1));
  }
  return CAIRN_OK;
}

/* 1 when episode `id` belongs to the patient, 0 when not, <0 on error. */
static int episode_of_patient(cairn_req *req, long long id,
                              long long patient) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_EPISODE_OF_PATIENT, &err);
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":episode", id) != 0 ||
      cairn_sql_bind_int(st, ":patient", patient) != 0)
    return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  return rc < 0 ? CAIRN_EDB : rc;
}

/* Why an observation dated `effective` cannot belong to patient p (and to
** episode `episode` when > 0): before the patient's birth date or before
** the episode's start.  *why is NULL when the date is possible (or not a
** date at all: the check hook refuses that).  CAIRN_OK or a DB error.
** Here and not in the check hook, which sees the body but not the
** patient. */
static int effective_impossible(cairn_req *req, const program_patient *p,
                                const char *effective, long long episode,
                                const char **why) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  long days;
  int rc;
  *why = NULL;
  if (effective == NULL || cairn_date_parse(effective, &days) != 0)
    return CAIRN_OK;
  if (p->birth_date[0] != '\0' && strcmp(effective, p->birth_date) < 0) {
    *why = cairn_req_printf(req, "The date cannot be before the patient's "
                                 "birth date (%s).", p->birth_date);
    return CAIRN_OK;
  }
  if (episode <= 0) return CAIRN_OK;
  st = cairn_sql_prepare(req, SQL_EPISODE_START, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":episode", episode) != 0)
    return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1 && cairn_sql_text(st, 0)[0] != '\0' &&
      strcmp(effective, cairn_sql_text(st, 0)) < 0) {
    *why = cairn_req_printf(req, "The date cannot be before the start of "
                                 "episode %lld (%s).", episode,
                            cairn_sql_text(st, 0));
  }
  return CAIRN_OK;
}

static void attr_if(cairn_doc *doc, const char *name, const char *v) {
  if (v != NULL && v[0] != '\0') cairn_doc_attr(doc, name, v);
}

/* Render the form view (www/views/program/observation-form.xsl). */
static int render_form(cairn_req *req, observation_page *fs, int status) {
  const program_patient *p = fs->patient;
  const instr_def *d = fs->def;
  cairn_error err = {0, "", ""};
  cairn_doc *doc;
  cairn_stmt *st;
  program_episode *ep;
  size_t i;
  int rc, n;

  doc = cairn_doc_new(req, NULL, "observation-form");
  cairn_doc_attr(doc, "action",
                 cairn_req_printf(req, "/patients/%lld/observations", p->id));
  cairn_doc_attr(doc, "choose-action",
                 cairn_req_printf(req, "/patients/%lld/observations/new",
                                  p->id));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  program_doc_patient(doc, p);

  for (i = 0; i < program_instruments->n; i++) {
    const instr_def *x = &program_instruments->defs[i];
    cairn_doc_open(doc, "instrument");
    cairn_doc_attr(doc, "id", x->id);
    cairn_doc_attr(doc, "abbreviation", x->abbreviation);
    cairn_doc_attr(doc, "name", x->name);
    if (x == d) cairn_doc_attr(doc, "selected", "yes");
    cairn_doc_close(doc);
  }

  st = cairn_sql_prepare(req, SQL_EPISODES, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", p->id) != 0) return CAIRN_EINTERNAL;
  while ((rc = cairn_sql_step(st)) == 1) {
    const char *id = program_fmt_int(req, cairn_sql_int(st, 0));
    cairn_doc_open(doc, "episode");
    cairn_doc_attr(doc, "id", id);
    attr_if(doc, "cohort", cairn_sql_text(st, 1));
    attr_if(doc, "period-start", cairn_sql_text(st, 2));
    if (strcmp(value(fs, "episode"), id) == 0)
      cairn_doc_attr(doc, "selected", "yes");
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;

  /* Timepoint suggestions: "baseline" and what this patient already has. */
  cairn_doc_open(doc, "timepoint");
  cairn_doc_attr(doc, "value", PROGRAM_BASELINE);
  cairn_doc_close(doc);
  st = cairn_sql_prepare(req, SQL_PATIENT_TIMEPOINTS, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", p->id) != 0) return CAIRN_EINTERNAL;
  for (n = 0; n < TIMEPOINT_SUGGESTIONS_MAX &&
              (rc = cairn_sql_step(st)) == 1; n++) {
    const char *tp = cairn_sql_text(st, 0);
    if (strcmp(tp, PROGRAM_BASELINE) == 0) continue;
    cairn_doc_open(doc, "timepoint");
    cairn_doc_attr(doc, "value", tp);
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;


  cairn_doc_open(doc, "scoring");
  cairn_doc_attr(doc, "instrument", d->id);
  cairn_doc_attr(doc, "method",
                 d->method == INSTR_VALUE ? "value"
                 : d->method == INSTR_MEAN ? "mean"
                 : d->method == INSTR_SUM_PERCENT ? "sum-percent"
                                                  : "sum-times");
  cairn_doc_attr(doc, "direction", d->direction == INSTR_LOWER_IS_BETTER
                                       ? "lower-is-better"
                                       : "higher-is-better");
  cairn_doc_attr(doc, "max-missing", program_fmt_int(req, d->max_missing));
  cairn_doc_close(doc);

  /* PSFS items are the patient's own activities: named by their words
  ** (the episode's a1..a5), never "a1". */
  ep = NULL;
  if (strncmp(d->id, "psfs", 4) == 0 && value(fs, "episode")[0] != '\0') {
    cairn_error err = {0, "", ""};
    ep = cairn_req_alloc(req, sizeof *ep);
    if (program_episode_load(req, fs->patient->id,
                             strtoll(value(fs, "episode"), NULL, 10), ep,
                             &err) != CAIRN_OK)
      ep = NULL;
  }
  for (i = 0; i < d->n_items; i++) {
    const instr_item *it = &d->items[i];
    const char *label = it->label ? it->label : it->id;
    if (ep && i < PROGRAM_ACTIVITIES_MAX && ep->activity[i][0])
      label = ep->activity[i];
    cairn_doc_open(doc, "item");
    cairn_doc_attr(doc, "id", it->id);
    cairn_doc_attr(doc, "name", program_answer_field(req, it->id));
    cairn_doc_attr(doc, "label", label);
    cairn_doc_attr(doc, "min", cairn_req_printf(req, "%.6g", it->min));
    cairn_doc_attr(doc, "max", cairn_req_printf(req, "%.6g", it->max));
    cairn_doc_attr(doc, "step",
                   it->step > 0 ? cairn_req_printf(req, "%.6g", it->step)
                                : "any");
    cairn_doc_close(doc);
  }

  cairn_form_doc(doc, fs->form, cairn_req_printf(req, "/patients/%lld/"
                                                      "observations", p->id),
                 "Save the observation");
  return cairn_respond_view(req, doc, "program/observation-form", status);
}

/* The instrument a new form starts with: the newest episode's primary
** instrument when it is known, else the first defined. */
static const instr_def *default_instrument(const char *episode_instrument) {
  const instr_def *d = instr_find(program_instruments, episode_instrument);
  return d ? d : &program_instruments->defs[0];
}

int program_page_observation_new(cairn_req *req) {
  program_patient p;
  cairn_error err = {0, "", ""};
  observation_page fs;
  const char *asked = cairn_req_query(req, "instrument");
  const char *ep_instrument;
  long long ep;
  cairn_stmt *st;
  int rc;

  rc = program_patient_load(req, &p, &err);
  if (rc == CAIRN_ENOTFOUND) return cairn_respond_error(req, 404, NULL,
                                                       err.message);
  if (rc != CAIRN_OK) return rc;
  rc = latest_episode(req, p.id, &ep, &ep_instrument);
  if (rc != CAIRN_OK) return rc;

  memset(&fs, 0, sizeof fs);
  fs.patient = &p;
  fs.form = cairn_form_new(req, "observation", OBSERVATION_FIELDS);
  if (asked != NULL && asked[0] != '\0') {
    fs.def = instr_find(program_instruments, asked);
    if (fs.def == NULL) {
      return cairn_respond_error(
          req, 400, "instrument",
          cairn_req_printf(req, "There is no instrument \"%.40s\"; choose "
                                "one of those listed at /instruments.",
                           asked));
    }
  } else {
    fs.def = default_instrument(ep_instrument);
  }
  cairn_form_set(fs.form, "instrument", fs.def->id);
  cairn_form_set(fs.form, "effective", cairn_req_today(req));
  cairn_form_set(fs.form, "episode", ep ? program_fmt_int(req, ep) : "");
  cairn_form_set(fs.form, "timepoint", "");
  /* The first observation of an instrument is usually its baseline. */
  st = cairn_sql_prepare(req, SQL_HAS_INSTRUMENT, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", p.id) != 0 ||
      cairn_sql_bind_text(st, ":instrument", fs.def->id) != 0)
    return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 0) cairn_form_set(fs.form, "timepoint", PROGRAM_BASELINE);
  return render_form(req, &fs, 200);
}

/* Map a field named by the host or a check hook onto a form field: the
** record's element names equal the form's names, except that what is not
** on the form belongs to the whole form. */
static const char *form_field_of(const char *field) {
  static const char *const fields[] = {"instrument", "effective",
                                       "timepoint", "episode", NULL};
  size_t i;
  if (strncmp(field, PROGRAM_ANSWER_PREFIX, strlen(PROGRAM_ANSWER_PREFIX)) == 0)
    return field;
  for (i = 0; fields[i]; i++) {
    if (strcmp(field, fields[i]) == 0) return fields[i];
  }
  return "";
}

/* Build the Observation body from validated form values, with the score
** the form computed (the check hook then leaves it alone). */
static cairn_doc *form_body(cairn_req *req, const observation_page *fs,
                            double score) {
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "Observation");
  char buf[64];
  size_t i;
  if (value(fs, "episode")[0] != '\0')
    cairn_doc_text(doc, "episode", value(fs, "episode"));
  cairn_doc_text(doc, "instrument", fs->def->id);
  cairn_doc_text(doc, "effective", value(fs, "effective"));
  if (value(fs, "timepoint")[0] != '\0')
    cairn_doc_text(doc, "timepoint", value(fs, "timepoint"));
  for (i = 0; i < fs->def->n_items; i++) {
    const char *typed = value(fs, program_answer_field(
                                      req, fs->def->items[i].id));
    if (typed[0] == '\0') continue;
    /* The text as typed: instr_parse_number accepted it, so it is a
    ** plain decimal that program.xsd's Number type accepts too. */
    cairn_doc_text_attr(doc, "answer", "item", fs->def->items[i].id, typed);
  }
  instr_format_exact(score, buf, sizeof buf);
  cairn_doc_text(doc, "score", buf);
  return doc;
}

/* A posted field without the white space around it (people paste " 6");
** "" when absent. */
static const char *posted_value(cairn_req *req, const char *name) {
  return program_trim(req, cairn_req_form(req, name));
}

/* The effective date of the form is present, a real date and not after
** today: 1, else a message is added and 0. */
static int effective_valid(cairn_req *req, observation_page *fs) {
  const char *today = cairn_req_today(req);
  long days;
  if (value(fs, "effective")[0] == '\0') {
    cairn_form_error(fs->form, "effective", "Enter the date of the measure.");
  } else if (cairn_date_parse(value(fs, "effective"), &days) != 0) {
    cairn_form_error(fs->form, "effective",
                   "Write the date as YYYY-MM-DD, for example 2024-03-31.");
  } else if (today && today[0] && strcmp(value(fs, "effective"), today) > 0) {
    cairn_form_error(fs->form, "effective",
                   cairn_req_printf(req, "The date cannot be after today "
                                         "(%s).", today));
  } else {
    return 1;
  }
  return 0;
}

/* The episode of the form, one of the patient's: *episode gets its id (0
** for none).  CAIRN_OK (with any message added), or a DB error. */
static int check_episode_field(cairn_req *req, observation_page *fs,
                               long long *episode) {
  char *end;
  long long e;
  int rc;
  *episode = 0;
  if (value(fs, "episode")[0] == '\0') return CAIRN_OK;
  e = strtoll(value(fs, "episode"), &end, 10);
  rc = (*end == '\0' && e > 0 && strlen(value(fs, "episode")) <= 18)
           ? episode_of_patient(req, e, fs->patient->id)
           : 0;
  if (rc < 0) return rc;
  if (rc == 0)
    cairn_form_error(fs->form, "episode",
                     "Choose one of this patient's episodes.");
  else
    *episode = e;
  return CAIRN_OK;
}

/* Read and check each answer of fs->def; the number of answers refused. */
static int read_form_answers(cairn_req *req, observation_page *fs,
                             instr_answers *answers) {
  instr_fault fault;
  size_t i;
  int refused = 0;
  for (i = 0; i < fs->def->n_items; i++) {
    const char *field = program_answer_field(req, fs->def->items[i].id);
    const char *typed = posted_value(req, field);
    cairn_form_set(fs->form, field, typed);
    if (typed[0] == '\0') continue;
    if (instr_parse_number(typed, &answers->value[i]) != INSTR_OK) {
      cairn_form_error(fs->form, field,
                     "Enter a number such as 6 or 6.5 (at most 6 decimals).");
      refused++;
    } else if (instr_check_answer(fs->def, i, answers->value[i], &fault) !=
               INSTR_OK) {
      cairn_form_error(fs->form, field, cairn_req_strdup(req, fault.message));
      refused++;
    } else {
      answers->given[i] = 1;
    }
  }
  return refused;
}

/* Read the form's fields into fs and check all but the answers.  The
** instrument falls back to the newest episode's (so the page can show
** items) when the one posted is unknown. */
static int read_form(cairn_req *req, observation_page *fs, long long *episode) {
  const char *ep_instrument, *why;
  long long ep;
  int rc, effective_ok;
  cairn_form_set(fs->form, "instrument", posted_value(req, "instrument"));
  cairn_form_set(fs->form, "effective", posted_value(req, "effective"));
  cairn_form_set(fs->form, "timepoint", posted_value(req, "timepoint"));
  cairn_form_set(fs->form, "episode", posted_value(req, "episode"));
  rc = latest_episode(req, fs->patient->id, &ep, &ep_instrument);
  if (rc != CAIRN_OK) return rc;
  /* A client that sends no episode field at all (not the form, which
  ** always does) gets the patient's newest episode; an empty field means
  ** "no episode". */
  if (cairn_req_form(req, "episode") == NULL && ep > 0)
    cairn_form_set(fs->form, "episode", program_fmt_int(req, ep));
  fs->def = instr_find(program_instruments, value(fs, "instrument"));
  if (fs->def == NULL) {
    fs->def = default_instrument(ep_instrument);
    cairn_form_error(fs->form, "instrument",
                     value(fs, "instrument")[0]
                         ? "Choose an instrument from the list."
                         : "Choose the instrument.");
  }
  effective_ok = effective_valid(req, fs);
  if (value(fs, "timepoint")[0] != '\0' &&
      !program_timepoint_valid(value(fs, "timepoint"))) {
    cairn_form_error(fs->form, "timepoint",
                     "Use a short code in lower case: letters, digits, '.', "
                     "'_' or '-' (for example baseline, month-3).");
  }
  rc = check_episode_field(req, fs, episode);
  if (rc != CAIRN_OK || !effective_ok) return rc;
  /* Only a real date can be before the birth or the episode. */
  rc = effective_impossible(req, fs->patient, value(fs, "effective"),
                            *episode, &why);
  if (rc != CAIRN_OK) return rc;
  if (why != NULL) cairn_form_error(fs->form, "effective", why);
  return CAIRN_OK;
}

/* Store the scored observation of a checked form; on a refusal show the
** form again with the message. */
static int store_form(cairn_req *req, observation_page *fs, double score) {
  cairn_error err = {0, "", ""};
  cairn_doc *body = form_body(req, fs, score);
  long long id;
  int rc;
  program_observation_scored(req);
  rc = cairn_record_create(req, PROGRAM_T_OBSERVATION, fs->patient->id, body,
                           &id, &err);
  program_observation_scored(NULL);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_error(fs->form, form_field_of(err.field),
                   cairn_req_strdup(req, err.message));
    return render_form(req, fs, 422);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, fs->patient->href);
}

static int post_form(cairn_req *req, const program_patient *p) {
  observation_page fs;
  instr_answers answers;
  instr_fault fault;
  long long episode;
  double score = 0;
  int rc, instrument_ok;

  memset(&fs, 0, sizeof fs);
  memset(&answers, 0, sizeof answers);
  fs.patient = p;
  fs.form = cairn_form_new(req, "observation", OBSERVATION_FIELDS);
  rc = read_form(req, &fs, &episode);
  if (rc != CAIRN_OK) return rc;
  instrument_ok = strcmp(fs.def->id, value(&fs, "instrument")) == 0;
  if (read_form_answers(req, &fs, &answers) == 0 && instrument_ok &&
      instr_score_exact(fs.def, &answers, &score, &fault) != INSTR_OK) {
    cairn_form_error(fs.form,
                   fault.item >= 0
                       ? program_answer_field(req,
                                              fs.def->items[fault.item].id)
                       : "",
                   cairn_req_strdup(req, fault.message));
  }
  if (cairn_form_errors(fs.form) > 0) return render_form(req, &fs, 422);
  return store_form(req, &fs, score);
}

static int post_xml(cairn_req *req, const program_patient *p) {
  cairn_error err = {0, "", ""};
  cairn_doc *body = cairn_req_body_record(req, PROGRAM_T_OBSERVATION, &err);
  long long id, episode = 0;
  const char *why, *t;
  int rc;

  if (body == NULL) {
    if (err.code == 0) err.code = CAIRN_EINVAL;
    return cairn_respond_failure(req, &err, 400);
  }
  if (cairn_node_child(body, NULL, "episode") != NULL) {
    t = program_trim(req, program_body_text(body, "episode"));
    episode = strtoll(t, NULL, 10);   /* schema: a positive long */
    rc = episode_of_patient(req, episode, p->id);
    if (rc < 0) return rc;
    if (rc == 0) {
      return cairn_respond_error(
          req, 422, "episode",
          cairn_req_printf(req, "Episode %s is not an episode of patient "
                                "%lld.", t, p->id));
    }
  }
  rc = effective_impossible(
      req, p, program_trim(req, program_body_text(body, "effective")),
      episode, &why);
  if (rc != CAIRN_OK) return rc;
  if (why != NULL) return cairn_respond_error(req, 422, "effective", why);
  rc = cairn_record_create(req, PROGRAM_T_OBSERVATION, p->id, body, &id,
                           &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, p->href);
}

int program_post_observation(cairn_req *req) {
  program_patient p;
  cairn_error err = {0, "", ""};
  const char *ct = cairn_req_content_type(req);
  int rc = program_patient_load(req, &p, &err);
  if (rc == CAIRN_ENOTFOUND) return cairn_respond_error(req, 404, NULL,
                                                       err.message);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(ct, "application/x-www-form-urlencoded") == 0)
    return post_form(req, &p);
  if (strcmp(ct, "application/xml") == 0 || strcmp(ct, "text/xml") == 0)
    return post_xml(req, &p);
  return cairn_respond_error(
      req, 415, NULL,
      "Send the form (application/x-www-form-urlencoded) or an Observation "
      "record (application/xml).");
}
