/*
** review.c -- the staff page of one intake: its sections, the red-flag
** screen (a positive answer blocks enrolment, says why with the source of
** the question, and opens a referral-out task; a clinician may clear it
** with a written reason), the patient's link, and enrolment.
**
** Enrolment (PROGRAM.md, step 1 -> 2) writes through the care program's
** record types and events: the Patient gets the demographics; a
** program:EpisodeOfCare opens (status active, periodStart today, the
** chosen primary measure, phase "enrolled" under the current program
** definition, the goals as its PSFS activities a1..a5); each baseline
** measure becomes a program:Observation at timepoint "baseline" (scored by
** the program plugin's check hook); and a program:PhaseChange to
** "introductory" moves the episode into its first phase (the program
** plugin's check and subscriber do the rest).  Each write is its own
** transaction; when one fails, those already made are marked
** entered-in-error, so no half enrolment is left active.  Without a
** program definition the episode opens without a phase.
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>


static const char *const SECTION_NAMES[] = {"demographics", "pain", "medicines",
                                            "redflags", "goals", "baseline",
                                            "consent", NULL};

/* The red-flag screen's state for the page and for enrolment. */
typedef struct screen {
  const cairn_record *rec;     /* NULL when not saved */
  int version, positive, cleared;
} screen;

static int load_screen(cairn_req *req, const cairn_record *intake, screen *s) {
  cairn_error err = {0, "", ""};
  long long id;
  int rc;
  memset(s, 0, sizeof *s);
  rc = intake_section_find(req, cairn_record_id(intake), "redflags", &id,
                           &s->version);
  if (rc != CAIRN_OK) return rc;
  if (id == 0) return CAIRN_OK;
  rc = cairn_record_get(req, id, &s->rec, &err);
  if (rc != CAIRN_OK) return rc;
  s->positive = atoi(cairn_record_value(
      s->rec, "count(r:redflags/r:answer[@value != 'no'])"));
  s->cleared = s->positive > 0 &&
               atoi(cairn_record_value(intake, "r:clearedScreen")) == s->version;
  return CAIRN_OK;
}

static const cairn_record *section_record(cairn_req *req, long long intake,
                                          const char *name) {
  long long id;
  int version;
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  if (intake_section_find(req, intake, name, &id, &version) != 0 || id == 0)
    return NULL;
  return cairn_record_get(req, id, &rec, &err) == CAIRN_OK ? rec : NULL;
}

/* Why enrolment cannot happen now: adds <blocker> elements, returns how
** many. */
static int blockers(cairn_req *req, cairn_doc *doc, const cairn_record *intake,
                    const screen *s) {
  int n = 0;
  const char *state = cairn_record_value(intake, "r:state");
  if (strcmp(state, "enrolled") == 0) {
    if (doc) cairn_doc_text(doc, "blocker", "The patient is already enrolled.");
    return 1;
  }
  if (strcmp(state, "submitted") != 0) {
    if (doc) cairn_doc_text(doc, "blocker", "The questionnaire is not complete: "
                                            "every section must be saved and "
                                            "consent given.");
    n++;
  }
  if (s->positive > 0 && !s->cleared) {
    if (doc) cairn_doc_text(doc, "blocker",
                            cairn_req_printf(req, "The red-flag screen has %d "
                                                  "positive answer%s: refer the "
                                                  "patient on, or a clinician "
                                                  "clears it with a reason.",
                                             s->positive, s->positive == 1 ? "" : "s"));
    n++;
  }
  return n;
}

static int render(cairn_req *req, const cairn_record *intake,
                  const intake_form *f, const char *link, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake");
  cairn_error err = {0, "", ""};
  long long id = cairn_record_id(intake);
  const cairn_record *pat, *base;
  screen s;
  size_t i;
  int rc;

  cairn_doc_attr(doc, "id", intake_fmt_int(req, id));
  cairn_doc_attr(doc, "role", cairn_req_role(req));
  cairn_doc_attr(doc, "terms-version", intake_data->terms_version);
  if (cairn_record_get(req, cairn_record_patient(intake), &pat, &err) == CAIRN_OK) {
    cairn_doc_attr(doc, "patient", intake_fmt_int(req, cairn_record_patient(intake)));
    cairn_doc_attr(doc, "patient-name", cairn_record_value(pat, "r:name"));
  }
  cairn_doc_record(doc, intake);
  for (i = 0; SECTION_NAMES[i]; i++) {
    const cairn_record *sec = section_record(req, id, SECTION_NAMES[i]);
    cairn_doc_open(doc, "section");
    cairn_doc_attr(doc, "name", SECTION_NAMES[i]);
    if (sec) {
      cairn_doc_attr(doc, "saved", cairn_record_value(sec, "r:saved"));
      cairn_doc_attr(doc, "version", intake_fmt_int(req, cairn_record_version(sec)));
      cairn_doc_record(doc, sec);
    }
    cairn_doc_close(doc);
  }

  rc = load_screen(req, intake, &s);
  if (rc != CAIRN_OK) return rc;
  cairn_doc_open(doc, "screen");
  cairn_doc_attr(doc, "saved", s.rec ? "yes" : "no");
  cairn_doc_attr(doc, "positive", intake_fmt_int(req, s.positive));
  if (s.cleared) cairn_doc_attr(doc, "cleared", "yes");
  for (i = 0; s.rec && i < intake_data->n_flags; i++) {
    const intake_flag *fl = &intake_data->flags[i];
    const char *answer = cairn_record_value(s.rec, cairn_req_printf(
        req, "r:redflags/r:answer[@flag = '%s']/@value", fl->code));
    size_t k;
    if (strcmp(answer, "no") == 0 || answer[0] == '\0') continue;
    cairn_doc_open(doc, "flag");
    cairn_doc_attr(doc, "code", fl->code);
    cairn_doc_attr(doc, "answer", answer);
    cairn_doc_attr(doc, "question", fl->question);
    cairn_doc_attr(doc, "concern", fl->concern);
    for (k = 0; k < intake_data->n_sources; k++) {
      const intake_source *src = &intake_data->sources[k];
      const char *p = strstr(fl->sources, src->id);
      size_t len = strlen(src->id);
      if (p && (p == fl->sources || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
        cairn_doc_text(doc, "source", src->citation);
    }
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);

  /* Measures the baseline holds: the choices of primary measure. */
  base = section_record(req, id, "baseline");
  for (i = 0; base && i < intake_data->n_baseline; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    if (atoi(cairn_record_value(base, cairn_req_printf(
            req, "count(r:baseline/r:measure[@instrument = '%s'])", in->id))) == 0)
      continue;
    cairn_doc_open(doc, "measure");
    cairn_doc_attr(doc, "id", in->id);
    cairn_doc_attr(doc, "abbreviation", in->abbreviation);
    cairn_doc_attr(doc, "name", in->name);
    cairn_doc_close(doc);
  }
  {
    static const char SQL_TASK[] =
        "SELECT record FROM p_intake_task WHERE intake = :i"
        " AND status <> 'entered-in-error' ORDER BY record DESC LIMIT 1";
    cairn_stmt *st = cairn_sql_prepare(req, SQL_TASK, &err);
    const cairn_record *t;
    if (st == NULL) return err.code ? err.code : CAIRN_EDB;
    if (cairn_sql_bind_int(st, ":i", id) != 0) return CAIRN_EINTERNAL;
    rc = cairn_sql_step(st);
    if (rc < 0) return CAIRN_EDB;
    if (rc == 1 && cairn_record_get(req, cairn_sql_int(st, 0), &t, &err) == CAIRN_OK) {
      cairn_doc_open(doc, "task");
      cairn_doc_attr(doc, "state", cairn_record_value(t, "r:state"));
      cairn_doc_attr(doc, "opened", cairn_record_value(t, "r:opened"));
      cairn_doc_text(doc, "note", cairn_record_value(t, "r:note"));
      cairn_doc_close(doc);
    }
  }
  blockers(req, doc, intake, &s);
  if (link) {
    cairn_doc_open(doc, "new-link");
    cairn_doc_attr(doc, "href", link);
    cairn_doc_attr(doc, "days", intake_fmt_int(req, intake_cfg.link_days));
    cairn_doc_attr(doc, "uses", intake_fmt_int(req, intake_cfg.link_uses));
    cairn_doc_close(doc);
  }
  if (f) intake_form_doc(doc, f);
  return cairn_respond_view(req, doc, "intake/intake", status);
}

static int load(cairn_req *req, const cairn_record **rec) {
  cairn_error err = {0, "", ""};
  int rc = intake_load(req, intake_param_id(req, "id"), rec, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  return CAIRN_OK;
}

int intake_page_intake(cairn_req *req) {
  const cairn_record *rec;
  int rc = load(req, &rec);
  if (rc != CAIRN_OK) return rc;
  return render(req, rec, NULL, NULL, 200);
}

int intake_post_link(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  intake_fields fl;
  const char *link;
  long long link_id, id;
  long today;
  int rc = load(req, &rec);
  if (rc != CAIRN_OK) return rc;
  id = cairn_record_id(rec);
  intake_fields_load(rec, &fl);
  if (strcmp(fl.state, "open") != 0)
    return intake_error_page(req, 409, "The questionnaire has been sent; a "
                                       "link is no longer needed.");
  intake_link_withdraw(req, &fl);
  rc = cairn_capability_issue(req, cairn_req_printf(req, "intake:%lld", id),
                              cairn_req_printf(req, "/intake/%lld/form", id),
                              cairn_record_patient(rec),
                              (long)intake_cfg.link_days * 24 * 60 * 60,
                              intake_cfg.link_uses, &link, &link_id, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  if (!intake_date_parse(cairn_req_today(req), &today)) return CAIRN_EINTERNAL;
  fl.link_id = intake_fmt_int(req, link_id);
  fl.link_expires = intake_date_format(req, today + intake_cfg.link_days);
  rc = intake_fields_save(req, rec, &fl, &err);
  if (rc != CAIRN_OK) {
    cairn_capability_revoke(req, link_id, NULL);
    return intake_fail_page(req, &err);
  }
  rc = intake_load(req, id, &rec, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  return render(req, rec, NULL, link, 200);
}

/* Close the intake's open referral task with `state` ("cleared" or
** "referred") and the note.  CAIRN_ENOTFOUND when none is open. */
static int close_task(cairn_req *req, long long intake, const char *state,
                      const char *note, cairn_error *err) {
  static const char SQL[] = "SELECT record FROM p_intake_task"
                            " WHERE intake = :i AND state = 'open'";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, err);
  const cairn_record *t;
  xmlDocPtr x;
  xmlNodePtr r;
  int rc, n, k;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":i", intake) != 0) return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 0)
    return intake_fail(err, CAIRN_ENOTFOUND, NULL, "No referral is open.");
  rc = cairn_record_get(req, cairn_sql_int(st, 0), &t, err);
  if (rc != CAIRN_OK) return rc;
  x = intake_xml_new(INTAKE_NS, "ReferralTask");
  r = xmlDocGetRootElement(x);
  intake_xml_text(r, "intake", cairn_record_value(t, "r:intake"));
  intake_xml_text(r, "opened", cairn_record_value(t, "r:opened"));
  n = atoi(cairn_record_value(t, "count(r:flag)"));
  for (k = 1; k <= n; k++)
    intake_xml_text(r, "flag", cairn_record_value(t, cairn_req_printf(req, "r:flag[%d]", k)));
  intake_xml_text(r, "state", state);
  intake_xml_text(r, "note", note);
  return cairn_record_revise(req, cairn_record_id(t), cairn_record_version(t),
                             NULL, intake_xml_done(req, x), err);
}

int intake_post_referral(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  intake_form f;
  const char *to;
  int rc = load(req, &rec);
  if (rc != CAIRN_OK) return rc;
  memset(&f, 0, sizeof f);
  to = intake_form_take(req, &f, "referredTo");
  intake_check_text(req, &f, "referredTo", to, INTAKE_LINE_MAX, 1, 0,
                    "to whom the patient was referred, and how urgently");
  if (f.n_errors > 0) return render(req, rec, &f, NULL, 422);
  rc = close_task(req, cairn_record_id(rec), "referred",
                  cairn_req_printf(req, "Referred to: %s (%s, %s)", to,
                                   cairn_req_actor(req), cairn_req_today(req)),
                  &err);
  if (rc == CAIRN_ENOTFOUND)
    return intake_error_page(req, 409, "There is no open referral to record.");
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  return cairn_respond_redirect(req, cairn_req_printf(req, "/intake/%lld",
                                                      cairn_record_id(rec)));
}

int intake_post_clear(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  intake_form f;
  intake_fields fl;
  screen s;
  const char *reason;
  int rc = load(req, &rec);
  if (rc != CAIRN_OK) return rc;
  memset(&f, 0, sizeof f);
  rc = load_screen(req, rec, &s);
  if (rc != CAIRN_OK) return rc;
  if (s.positive == 0)
    return intake_error_page(req, 409, "The red-flag screen has no positive "
                                       "answer to clear.");
  reason = intake_form_take(req, &f, "reason");
  intake_check_text(req, &f, "reason", reason, INTAKE_TEXT_MAX, 1, 1,
                    "why it is safe to go on (what was checked, by whom)");
  if (f.n_errors > 0) return render(req, rec, &f, NULL, 422);
  intake_fields_load(rec, &fl);
  fl.cleared_screen = intake_fmt_int(req, s.version);
  fl.cleared_by = cairn_req_actor(req);
  fl.cleared_on = cairn_req_today(req);
  fl.cleared_reason = reason;
  rc = intake_fields_save(req, rec, &fl, &err);
  if (rc == CAIRN_OK) {
    rc = close_task(req, cairn_record_id(rec), "cleared", reason, &err);
    if (rc == CAIRN_ENOTFOUND) rc = CAIRN_OK;   /* already referred */
  }
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  return cairn_respond_redirect(req, cairn_req_printf(req, "/intake/%lld",
                                                      cairn_record_id(rec)));
}

/* ------------------------------------------------------------ enrolment */

/* The program's first phase (PROGRAM.md, step 2). */
#define INTRODUCTORY_PHASE "introductory"

/* Records made so far, to withdraw if a later one fails. */
#define ENROL_RECORDS_MAX (INTAKE_BASELINE_MAX + 1)

/* Mark the records made so far entered-in-error, with the bodies they
** were made with (copies, freed here). */
static void withdraw(cairn_req *req, const long long *ids, xmlDocPtr *bodies,
                     int n) {
  int i;
  for (i = 0; i < n; i++) {
    cairn_error err = {0, "", ""};
    if (cairn_record_revise(req, ids[i], 1, "entered-in-error",
                            intake_xml_done(req, bodies[i]), &err) != CAIRN_OK)
      cairn_log(CAIRN_LOG_ERROR, "intake: enrolment failed and record %lld "
                "could not be withdrawn: %s", ids[i], err.message);
    bodies[i] = NULL;
  }
}

static void free_bodies(xmlDocPtr *bodies, int n) {
  int i;
  for (i = 0; i < n; i++) xmlFreeDoc(bodies[i]);
}

static int revise_patient(cairn_req *req, const cairn_record *intake,
                          const cairn_record *demo, cairn_error *err) {
  const cairn_record *pat;
  xmlDocPtr x;
  xmlNodePtr r, idn;
  const char *system;
  int rc = cairn_record_get(req, cairn_record_patient(intake), &pat, err);
  if (rc != CAIRN_OK) return rc;
  x = intake_xml_new(PROGRAM_NS, "Patient");
  r = xmlDocGetRootElement(x);
  idn = intake_xml_text(r, "identifier", cairn_record_value(pat, "r:identifier"));
  system = cairn_record_value(pat, "r:identifier/@system");
  if (idn && system[0]) xmlSetProp(idn, (const xmlChar *)"system", (const xmlChar *)system);
  intake_xml_text(r, "name", cairn_record_value(demo, "r:demographics/r:name"));
  intake_xml_text(r, "gender", cairn_record_value(demo, "r:demographics/r:gender"));
  intake_xml_text(r, "birthDate", cairn_record_value(demo, "r:demographics/r:birthDate"));
  return cairn_record_revise(req, cairn_record_id(pat), cairn_record_version(pat),
                             NULL, intake_xml_done(req, x), err);
}

int intake_post_enrol(cairn_req *req) {
  const cairn_record *rec, *base, *demo;
  cairn_error err = {0, "", ""};
  intake_form f;
  intake_fields fl;
  screen s;
  const char *primary;
  long long made[ENROL_RECORDS_MAX], episode = 0, patient;
  xmlDocPtr copies[ENROL_RECORDS_MAX];
  int n_made = 0, rc = load(req, &rec);
  size_t i, j;
  xmlDocPtr x;
  xmlNodePtr r;

  if (rc != CAIRN_OK) return rc;
  memset(&f, 0, sizeof f);
  patient = cairn_record_patient(rec);
  rc = load_screen(req, rec, &s);
  if (rc != CAIRN_OK) return rc;
  if (blockers(req, NULL, rec, &s) > 0) {
    intake_form_error(&f, "", "Enrolment is blocked; see why below.");
    return render(req, rec, &f, NULL, 409);
  }
  base = section_record(req, cairn_record_id(rec), "baseline");
  demo = section_record(req, cairn_record_id(rec), "demographics");
  if (base == NULL || demo == NULL) return CAIRN_EINTERNAL;  /* submitted */
  primary = intake_form_take(req, &f, "primary");
  if (primary[0] == '\0' || intake_baseline_find(primary) == NULL ||
      atoi(cairn_record_value(base, cairn_req_printf(
          req, "count(r:baseline/r:measure[@instrument = '%s'])", primary))) == 0)
    intake_form_error(&f, "primary", "Choose the primary measure from those "
                                     "taken at baseline.");
  if (f.n_errors > 0) return render(req, rec, &f, NULL, 422);

  rc = revise_patient(req, rec, demo, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);

  x = intake_xml_new(PROGRAM_NS, "EpisodeOfCare");
  r = xmlDocGetRootElement(x);
  intake_xml_text(r, "status", "active");
  intake_xml_text(r, "cohort", intake_cfg.cohort);
  intake_xml_text(r, "periodStart", cairn_req_today(req));
  intake_xml_text(r, "primaryInstrument", primary);
  if (intake_data->program_version > 0) {
    /* The care program's own records: the episode starts "enrolled" under
    ** the current definition, with the goals as its PSFS activities; a
    ** PhaseChange below moves it into the introductory phase. */
    const cairn_record *goals = section_record(req, cairn_record_id(rec), "goals");
    int k, n = goals ? atoi(cairn_record_value(goals, "count(r:goals/r:goal)")) : 0;
    intake_xml_text(r, "phase", "enrolled");
    intake_xml_text(r, "definitionVersion",
                    intake_fmt_int(req, intake_data->program_version));
    for (k = 1; k <= n && k <= INTAKE_GOALS_MAX; k++) {
      xmlNodePtr a = intake_xml_text(r, "activity", cairn_record_value(
          goals, cairn_req_printf(req, "r:goals/r:goal[%d]", k)));
      if (a) xmlSetProp(a, (const xmlChar *)"item",
                        (const xmlChar *)cairn_req_printf(req, "a%d", k));
    }
  }
  copies[n_made] = xmlCopyDoc(x, 1);
  rc = cairn_record_create(req, PROGRAM_T_EPISODE, patient,
                           intake_xml_done(req, x), &episode, &err);
  if (rc != CAIRN_OK) {
    xmlFreeDoc(copies[n_made]);
    return intake_fail_page(req, &err);
  }
  made[n_made++] = episode;

  for (i = 0; i < intake_data->n_baseline && rc == CAIRN_OK; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    long long oid;
    int answered = 0;
    x = intake_xml_new(PROGRAM_NS, "Observation");
    r = xmlDocGetRootElement(x);
    intake_xml_text(r, "episode", intake_fmt_int(req, episode));
    intake_xml_text(r, "instrument", in->id);
    intake_xml_text(r, "effective", cairn_record_value(base, "r:saved"));
    intake_xml_text(r, "timepoint", "baseline");
    for (j = 0; j < in->n_items; j++) {
      const char *v = cairn_record_value(base, cairn_req_printf(
          req, "r:baseline/r:measure[@instrument = '%s']/r:answer[@item = '%s']",
          in->id, in->items[j].id));
      xmlNodePtr a;
      if (!v[0]) continue;
      a = intake_xml_text(r, "answer", v);
      xmlSetProp(a, (const xmlChar *)"item", (const xmlChar *)in->items[j].id);
      answered++;
    }
    if (answered == 0) { xmlFreeDoc(x); continue; }
    copies[n_made] = xmlCopyDoc(x, 1);
    rc = cairn_record_create(req, PROGRAM_T_OBSERVATION, patient,
                             intake_xml_done(req, x), &oid, &err);
    if (rc == CAIRN_OK) made[n_made++] = oid;
    else xmlFreeDoc(copies[n_made]);
  }
  if (rc == CAIRN_OK && intake_data->program_version > 0) {
    long long move;
    x = intake_xml_new(PROGRAM_NS, "PhaseChange");
    r = xmlDocGetRootElement(x);
    intake_xml_text(r, "episode", intake_fmt_int(req, episode));
    intake_xml_text(r, "to", INTRODUCTORY_PHASE);
    intake_xml_text(r, "date", cairn_req_today(req));
    rc = cairn_record_create(req, PROGRAM_T_PHASE_CHANGE, patient,
                             intake_xml_done(req, x), &move, &err);
  }
  if (rc == CAIRN_OK) {
    intake_fields_load(rec, &fl);
    fl.state = "enrolled";
    fl.episode = intake_fmt_int(req, episode);
    intake_link_withdraw(req, &fl);
    rc = intake_fields_save(req, rec, &fl, &err);
  }
  if (rc != CAIRN_OK) {
    withdraw(req, made, copies, n_made);
    return intake_fail_page(req, &err);
  }
  free_bodies(copies, n_made);
  return cairn_respond_redirect(req, cairn_req_printf(req, "/patients/%lld", patient));
}
