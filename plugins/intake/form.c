/*
** form.c -- the intake questionnaire (PROGRAM.md, step 1), one section a
** page, for staff and for the patient through a capability link.
**
** Sections, in order: demographics; pain (sites from a body-region
** checklist, duration); medicines (structured medicines, allergies,
** pregnancy status); redflags (the screen of data/intake-content.xml);
** goals (3-5 activities in the patient's own words, the PSFS items);
** baseline (NRS, PEG, PSFS, and ODI or NDI, as instruments.xml defines
** them); consent (to the terms version shown).  Saving a section stores
** a new version of its intake:Section record, so progress is kept section
** by section and the patient can come back through the link.  Saving the
** consent, with every other section complete, submits the intake and
** withdraws the link.
**
** Each section's fields are declared (fields.c), bound from the request
** or loaded from the stored record into one cairn_form, checked
** (sections.c), and built into the record body; a refused form is shown
** again with status 422, every message next to its field and every value
** as typed.
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_SECTIONS 7
/* Medicine and allergy rows offered beyond those already filled. */
#define SPARE_ROWS 3

/* The section named `name`'s index in INTAKE_SECTIONS, or -1. */
static int section_index(const char *name) {
  int i;
  for (i = 0; INTAKE_SECTIONS[i].name; i++)
    if (strcmp(INTAKE_SECTIONS[i].name, name) == 0) return i;
  return -1;
}

/* ------------------------------------------------------ the view */

/* The sections saved so far: <section name= saved= version=/>*. */
static int doc_sections(cairn_req *req, cairn_doc *doc, long long intake) {
  int i;
  for (i = 0; INTAKE_SECTIONS[i].name; i++) {
    long long id;
    int version, rc = intake_section_find(req, intake, INTAKE_SECTIONS[i].name,
                                          &id, &version);
    if (rc != CAIRN_OK) return rc;
    cairn_doc_open(doc, "section");
    cairn_doc_attr(doc, "name", INTAKE_SECTIONS[i].name);
    if (id > 0) {
      cairn_doc_attr(doc, "saved", "yes");
      cairn_doc_attr(doc, "version", intake_fmt_int(req, version));
    }
    cairn_doc_close(doc);
  }
  return CAIRN_OK;
}

/* The body regions of the pain section. */
static void content_pain(cairn_doc *doc) {
  size_t i;
  for (i = 0; i < intake_data->n_regions; i++) {
    cairn_doc_open(doc, "region");
    cairn_doc_attr(doc, "code", intake_data->regions[i].code);
    cairn_doc_attr(doc, "label", intake_data->regions[i].label);
    cairn_doc_close(doc);
  }
}

/* The red-flag questions. */
static void content_redflags(cairn_doc *doc) {
  size_t i;
  for (i = 0; i < intake_data->n_flags; i++) {
    cairn_doc_open(doc, "flag");
    cairn_doc_attr(doc, "code", intake_data->flags[i].code);
    cairn_doc_attr(doc, "question", intake_data->flags[i].question);
    cairn_doc_close(doc);
  }
}

/* The program's terms and their version, and the fees of the program
** definition version the patient will enrol under:
**   <fees version= currency= pricing="/pricing"><phase name= fee=/>*</fees>
** (fee as a person reads it: "1,680", or "1,680.50" when it has cents). */
static void content_consent(cairn_req *req, cairn_doc *doc) {
  size_t i;
  cairn_doc_open(doc, "terms");
  cairn_doc_attr(doc, "version", intake_data->terms_version);
  for (i = 0; i < intake_data->n_terms; i++)
    cairn_doc_text(doc, "p", intake_data->terms[i]);
  cairn_doc_close(doc);
  if (intake_data->n_fees == 0) return;
  cairn_doc_open(doc, "fees");
  cairn_doc_attr(doc, "version",
                 intake_fmt_int(req, intake_data->program_version));
  cairn_doc_attr(doc, "currency", intake_data->currency);
  cairn_doc_attr(doc, "pricing", "/pricing");
  for (i = 0; i < intake_data->n_fees; i++) {
    double fee = atof(intake_data->fees[i].fee);
    cairn_doc_open(doc, "phase");
    cairn_doc_attr(doc, "name", intake_data->fees[i].name);
    cairn_doc_attr(doc, "fee", cairn_format_number(
        req, fee, fee == (double)(long long)fee ? 0 : 2));
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}

/* <instrument id= abbreviation= name= function=?><item/>*</instrument>:
** PSFS asks one item per saved goal, labelled with the goal. */
static void content_instrument(cairn_req *req, cairn_doc *doc,
                               const intake_instrument *in,
                               const cairn_record *goals, int n_goals) {
  int psfs = strcmp(in->id, "psfs") == 0;
  size_t j;
  cairn_doc_open(doc, "instrument");
  cairn_doc_attr(doc, "id", in->id);
  cairn_doc_attr(doc, "abbreviation", in->abbreviation);
  cairn_doc_attr(doc, "name", in->name);
  if (intake_is_function_measure(in->id))
    cairn_doc_attr(doc, "function", "yes");
  for (j = 0; j < in->n_items; j++) {
    const char *label = in->items[j].label;
    if (psfs) {
      if ((int)j >= n_goals) break;
      label = cairn_record_value(goals, cairn_req_printf(
          req, "r:goals/r:goal[%zu]", j + 1));
    }
    cairn_doc_open(doc, "item");
    cairn_doc_attr(doc, "name", cairn_req_printf(req, "m.%s.%s", in->id,
                                                 in->items[j].id));
    cairn_doc_attr(doc, "label", label);
    cairn_doc_attr(doc, "min", cairn_req_printf(req, "%g", in->items[j].min));
    cairn_doc_attr(doc, "max", cairn_req_printf(req, "%g", in->items[j].max));
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}

/* The function measure the pain sites suggest, or NULL. */
static const char *suggested_function(cairn_req *req, long long intake) {
  const cairn_record *pain = intake_section_record(req, intake, "pain");
  size_t i;
  for (i = 0; pain && i < intake_data->n_regions; i++) {
    const intake_region *r = &intake_data->regions[i];
    if (r->measure[0] && intake_baseline_find(r->measure) &&
        cairn_record_value(pain, cairn_req_printf(
            req, "r:pain/r:site[. = '%s']", r->code))[0])
      return r->measure;
  }
  return NULL;
}

/* The baseline's instruments, those not defined, and the suggested
** function measure. */
static void content_baseline(cairn_req *req, cairn_doc *doc,
                             long long intake) {
  static const char *const wanted[] = {"psfs", "odi", "ndi", NULL};
  const cairn_record *goals = intake_section_record(req, intake, "goals");
  int n_goals =
      goals ? atoi(cairn_record_value(goals, "count(r:goals/r:goal)")) : 0;
  int patient = intake_is_patient(req);
  size_t i;
  /* The patient at home is asked only what has its wording here; the
  ** region-specific index (licensed wording) is the clinic's to ask. */
  for (i = 0; i < intake_data->n_baseline; i++)
    if (!patient || !intake_is_function_measure(intake_data->baseline[i].id))
      content_instrument(req, doc, &intake_data->baseline[i], goals, n_goals);
  for (i = 0; wanted[i]; i++)
    if (!intake_baseline_find(wanted[i]) &&
        (!patient || !intake_is_function_measure(wanted[i])))
      cairn_doc_text(doc, "missing", wanted[i]);
  cairn_doc_attr(doc, "suggested-function", suggested_function(req, intake));
}

/* What the section asks, from the content and instrument files. */
static void doc_content(cairn_req *req, cairn_doc *doc, const char *section,
                        long long intake) {
  if (strcmp(section, "pain") == 0) content_pain(doc);
  else if (strcmp(section, "redflags") == 0) content_redflags(doc);
  else if (strcmp(section, "consent") == 0) content_consent(req, doc);
  else if (strcmp(section, "baseline") == 0)
    content_baseline(req, doc, intake);
}

/* 1 when the request came through a patient's link, not a staff
** session. */
static int is_capability(cairn_req *req) { return cairn_req_role(req) == NULL; }

/* The section's page with form f, as stored or as posted. */
static int render(cairn_req *req, const cairn_record *intake,
                  const char *section, cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake-form");
  long long id = cairn_record_id(intake);
  const char *action = cairn_req_printf(req, "/intake/%lld/form", id);
  int rc, idx = section_index(section);
  cairn_doc_attr(doc, "id", intake_fmt_int(req, id));
  cairn_doc_attr(doc, "section", section);
  cairn_doc_attr(doc, "action", action);
  cairn_doc_attr(doc, "state", cairn_record_value(intake, "r:state"));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  if (INTAKE_SECTIONS[idx + 1].name)
    cairn_doc_attr(doc, "next", INTAKE_SECTIONS[idx + 1].name);
  if (idx > 0) cairn_doc_attr(doc, "previous", INTAKE_SECTIONS[idx - 1].name);
  if (is_capability(req)) cairn_doc_attr(doc, "patient-view", "yes");
  rc = doc_sections(req, doc, id);
  if (rc != CAIRN_OK) return rc;
  doc_content(req, doc, section, id);
  cairn_doc_attr(doc, "med-rows", intake_fmt_int(req, INTAKE_MEDS_MAX));
  cairn_doc_attr(doc, "allergy-rows",
                 intake_fmt_int(req, INTAKE_ALLERGIES_MAX));
  cairn_doc_attr(doc, "spare-rows", intake_fmt_int(req, SPARE_ROWS));
  cairn_form_doc(doc, f, action, NULL);
  return cairn_respond_view(req, doc, "intake/form", status);
}

/* The intake of the URL, with the caller's right to it checked: staff, or
** the holder of this intake's link (scope "intake:<id>"). */
static int load_for_form(cairn_req *req, const cairn_record **rec) {
  cairn_error err = {0, "", ""};
  long long id = intake_param_id(req, "id");
  const char *cap = cairn_req_capability(req);
  int rc;
  if (is_capability(req) &&
      (cap == NULL ||
       strcmp(cap, cairn_req_printf(req, "intake:%lld", id)) != 0))
    return cairn_respond_error(req, 403, NULL, "This link does not open this page.");
  rc = intake_load(req, id, rec, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  return CAIRN_OK;
}

/* The closing page: the questionnaire is with the clinic. */
static int render_done(cairn_req *req, const char *state) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake-done");
  cairn_doc_attr(doc, "state", state);
  return cairn_respond_view(req, doc, "intake/form", 200);
}

/* The section's form as stored, or, for demographics never saved, with
** the name the discovery call already knows. */
static int form_stored(cairn_req *req, const cairn_record *rec, int idx,
                       cairn_form *f) {
  const intake_section *sec = &INTAKE_SECTIONS[idx];
  const cairn_record *srec, *pat;
  cairn_error err = {0, "", ""};
  long long sid;
  int version, rc = intake_section_find(req, cairn_record_id(rec), sec->name,
                                        &sid, &version);
  if (rc != CAIRN_OK) return rc;
  if (sid > 0) {
    if (cairn_record_get(req, sid, &srec, &err) != CAIRN_OK)
      return cairn_respond_failure(req, &err, 0);
    sec->load(req, srec, f);
  } else if (strcmp(sec->name, "demographics") == 0 &&
             cairn_record_get(req, cairn_record_patient(rec), &pat, &err) ==
                 CAIRN_OK) {
    cairn_form_set(f, "name", cairn_record_value(pat, "r:name"));
  }
  return CAIRN_OK;
}

/* GET /intake/N/form?section=: the section as stored. */
int intake_page_form(cairn_req *req) {
  const cairn_record *rec;
  const char *section = cairn_req_query(req, "section");
  cairn_form *f;
  int idx, rc = load_for_form(req, &rec);
  if (rc != CAIRN_OK) return rc;
  if (section == NULL || section[0] == '\0') section = INTAKE_SECTIONS[0].name;
  if (strcmp(section, "done") == 0)
    return render_done(req, cairn_record_value(rec, "r:state"));
  if ((idx = section_index(section)) < 0)
    return cairn_respond_error(req, 404, NULL, "There is no such section.");
  if (strcmp(cairn_record_value(rec, "r:state"), "open") != 0 &&
      is_capability(req))
    return cairn_respond_error(req, 409, NULL, "This questionnaire has already been "
                                       "sent to the clinic. Thank you.");
  f = cairn_form_new(req, INTAKE_FORM_ID, intake_section_fields(section));
  rc = form_stored(req, rec, idx, f);
  if (rc != CAIRN_OK) return rc;
  return render(req, rec, section, f, 200);
}

/* Open a referral-out task for a positive screen, unless one is open. */
static int open_task(cairn_req *req, const cairn_record *intake,
                     cairn_form *f, cairn_error *err) {
  static const char SQL[] = "SELECT 1 FROM p_intake_task WHERE intake = :i"
                            " AND state = 'open'";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, err);
  cairn_doc *doc;
  size_t i;
  long long id;
  int rc, flags = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":i", cairn_record_id(intake)) != 0)
    return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1) return CAIRN_OK;
  doc = cairn_doc_new(req, INTAKE_NS, "ReferralTask");
  intake_put(doc, "intake", intake_fmt_int(req, cairn_record_id(intake)));
  intake_put(doc, "opened", cairn_req_today(req));
  for (i = 0; i < intake_data->n_flags; i++) {
    const char *code = intake_data->flags[i].code;
    if (strcmp(cairn_form_value(f, cairn_req_printf(req, "flag.%s", code)),
               "no")) {
      intake_put(doc, "flag", code);
      flags++;
    }
  }
  intake_put(doc, "state", "open");
  if (flags == 0) return CAIRN_OK;
  return cairn_record_create(req, INTAKE_T_TASK, cairn_record_patient(intake),
                             doc, &id, err);
}

/* Consent closes the questionnaire: every other section must be saved. */
static int check_complete(cairn_req *req, long long intake, cairn_form *f) {
  long long sid;
  int i, version, rc;
  for (i = 0; i < N_SECTIONS - 1; i++) {
    rc = intake_section_find(req, intake, INTAKE_SECTIONS[i].name, &sid,
                             &version);
    if (rc != CAIRN_OK) return rc;
    if (sid == 0) {
      cairn_form_error(f, "", cairn_req_printf(
          req, "Complete every section before giving consent: \"%s\" is not "
               "saved yet.", INTAKE_SECTIONS[i].name));
      break;
    }
  }
  return CAIRN_OK;
}

/* Store the section as a new version of its Section record (the first
** version when never saved). */
static int save_section(cairn_req *req, const cairn_record *rec, int idx,
                        cairn_form *f, cairn_error *err) {
  const intake_section *sec = &INTAKE_SECTIONS[idx];
  long long iid = cairn_record_id(rec), sid;
  cairn_doc *doc = cairn_doc_new(req, INTAKE_NS, "Section");
  int version, rc;
  intake_put(doc, "intake", intake_fmt_int(req, iid));
  intake_put(doc, "name", sec->name);
  intake_put(doc, "saved", cairn_req_today(req));
  cairn_doc_open(doc, sec->name);
  if (strcmp(sec->name, "baseline") == 0 && intake_is_patient(req))
    intake_baseline_keep_staff(req, iid, f);
  sec->build(req, f, doc);
  cairn_doc_close(doc);
  rc = intake_section_find(req, iid, sec->name, &sid, &version);
  if (rc != CAIRN_OK) return rc;
  if (sid == 0)
    return cairn_record_create(req, INTAKE_T_SECTION,
                               cairn_record_patient(rec), doc, &sid, err);
  return cairn_record_revise(req, sid, version, NULL, doc, err);
}

/* After the consent: the intake is submitted and its link withdrawn. */
static int submit(cairn_req *req, const cairn_record *rec) {
  cairn_error err = {0, "", ""};
  intake_fields fl;
  int rc;
  intake_fields_load(rec, &fl);
  if (strcmp(fl.state, "open") == 0) {
    fl.state = "submitted";
    fl.submitted = cairn_req_today(req);
  }
  intake_link_withdraw(req, &fl);
  rc = intake_fields_save(req, rec, &fl, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  /* The link is withdrawn, and its session with it: say thank you here
  ** rather than redirect to a page it can no longer open. */
  if (is_capability(req)) return render_done(req, "submitted");
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/intake/%lld", cairn_record_id(rec)));
}

/* POST /intake/N/form: bind, check and store one section; then the next
** section, or, after the consent, the intake is submitted. */
int intake_post_form(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  const char *section = cairn_req_form(req, "section"), *state;
  cairn_form *f;
  long long iid;
  int idx, rc = load_for_form(req, &rec);
  if (rc != CAIRN_OK) return rc;
  iid = cairn_record_id(rec);
  state = cairn_record_value(rec, "r:state");
  if (section == NULL || (idx = section_index(section)) < 0)
    return cairn_respond_error(req, 422, NULL, "Say which section is being saved.");
  if (strcmp(state, "enrolled") == 0)
    return cairn_respond_error(req, 409, NULL, "This intake is closed: the patient is "
                                       "enrolled.");
  if (strcmp(state, "open") != 0 && is_capability(req))
    return cairn_respond_error(req, 409, NULL, "This questionnaire has already been "
                                       "sent to the clinic. Thank you.");
  f = cairn_form_new(req, INTAKE_FORM_ID, intake_section_fields(section));
  cairn_form_bind(f);
  INTAKE_SECTIONS[idx].check(req, iid, f);
  if (strcmp(section, "consent") == 0 && cairn_form_errors(f) == 0 &&
      (rc = check_complete(req, iid, f)) != CAIRN_OK)
    return rc;
  if (cairn_form_errors(f) > 0) return render(req, rec, section, f, 422);

  rc = save_section(req, rec, idx, f, &err);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_error(f, "", cairn_req_strdup(req, err.message));
    return render(req, rec, section, f, 422);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  if (strcmp(section, "redflags") == 0 &&
      (rc = open_task(req, rec, f, &err)) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 0);
  if (strcmp(section, "consent") == 0) return submit(req, rec);
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/intake/%lld/form?section=%s", iid, INTAKE_SECTIONS[idx + 1].name));
}
