/*
** review.c -- the staff page of one intake: its sections, the red-flag
** screen (a positive answer blocks enrolment, says why with the source of
** the question, and opens a referral-out task; a clinician may clear it
** with a written reason or record the referral out), and the patient's
** link.  Enrolment itself is enrol.c's.
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const SECTION_NAMES[] = {"demographics", "pain", "medicines",
                                            "redflags", "goals", "baseline",
                                            "consent", NULL};

static const cairn_field REFERRAL_FIELDS[] = {
  {.name = "referredTo", .label = "Referred to", .kind = CAIRN_FIELD_TEXT,
   .max = INTAKE_LINE_MAX},
  {.name = NULL}
};
static const cairn_field CLEAR_FIELDS[] = {
  {.name = "reason", .label = "Why it is safe to go on",
   .kind = CAIRN_FIELD_TEXTAREA, .max = INTAKE_TEXT_MAX},
  {.name = NULL}
};

/* See intake.h. */
int intake_screen_load(cairn_req *req, const cairn_record *intake,
                       intake_screen *s) {
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
  s->cleared =
      s->positive > 0 &&
      atoi(cairn_record_value(intake, "r:clearedScreen")) == s->version;
  return CAIRN_OK;
}

/* See intake.h. */
const cairn_record *intake_section_record(cairn_req *req, long long intake,
                                          const char *name) {
  long long id;
  int version;
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  if (intake_section_find(req, intake, name, &id, &version) != 0 || id == 0)
    return NULL;
  return cairn_record_get(req, id, &rec, &err) == CAIRN_OK ? rec : NULL;
}

/* See intake.h. */
int intake_blockers(cairn_req *req, cairn_doc *doc, const cairn_record *intake,
                    const intake_screen *s) {
  int n = 0;
  const char *state = cairn_record_value(intake, "r:state");
  if (strcmp(state, "enrolled") == 0) {
    if (doc) cairn_doc_text(doc, "blocker", "The patient is already enrolled.");
    return 1;
  }
  if (strcmp(state, "submitted") != 0) {
    if (doc)
      cairn_doc_text(doc, "blocker", "The questionnaire is not complete: "
                                     "every section must be saved and "
                                     "consent given.");
    n++;
  }
  if (s->positive > 0 && !s->cleared) {
    if (doc)
      cairn_doc_text(doc, "blocker", cairn_req_printf(
          req, "The red-flag screen has %d positive answer%s: refer the "
               "patient on, or a clinician clears it with a reason.",
          s->positive, s->positive == 1 ? "" : "s"));
    n++;
  }
  return n;
}

/* <section name= saved=? version=?>record?</section> for each section. */
static void doc_sections(cairn_req *req, cairn_doc *doc, long long id) {
  size_t i;
  for (i = 0; SECTION_NAMES[i]; i++) {
    const cairn_record *sec = intake_section_record(req, id, SECTION_NAMES[i]);
    cairn_doc_open(doc, "section");
    cairn_doc_attr(doc, "name", SECTION_NAMES[i]);
    if (sec) {
      cairn_doc_attr(doc, "saved", cairn_record_value(sec, "r:saved"));
      cairn_doc_attr(doc, "version",
                     intake_fmt_int(req, cairn_record_version(sec)));
      cairn_doc_record(doc, sec);
    }
    cairn_doc_close(doc);
  }
}

/* 1 when the space-separated list `ids` holds `id`. */
static int in_words(const char *ids, const char *id) {
  size_t len = strlen(id);
  const char *p;
  for (p = strstr(ids, id); p; p = strstr(p + 1, id))
    if ((p == ids || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
      return 1;
  return 0;
}

/* <flag code= answer= question= concern=><source/>*</flag> for a positive
** answer of the screen. */
static void doc_flag(cairn_doc *doc, const intake_flag *fl,
                     const char *answer) {
  size_t k;
  cairn_doc_open(doc, "flag");
  cairn_doc_attr(doc, "code", fl->code);
  cairn_doc_attr(doc, "answer", answer);
  cairn_doc_attr(doc, "question", fl->question);
  cairn_doc_attr(doc, "concern", fl->concern);
  for (k = 0; k < intake_data->n_sources; k++)
    if (in_words(fl->sources, intake_data->sources[k].id))
      cairn_doc_text(doc, "source", intake_data->sources[k].citation);
  cairn_doc_close(doc);
}

/* <screen saved= positive= cleared=?><flag/>*</screen>. */
static void doc_screen(cairn_req *req, cairn_doc *doc, const intake_screen *s) {
  size_t i;
  cairn_doc_open(doc, "screen");
  cairn_doc_attr(doc, "saved", s->rec ? "yes" : "no");
  cairn_doc_attr(doc, "positive", intake_fmt_int(req, s->positive));
  if (s->cleared) cairn_doc_attr(doc, "cleared", "yes");
  for (i = 0; s->rec && i < intake_data->n_flags; i++) {
    const intake_flag *fl = &intake_data->flags[i];
    const char *answer = cairn_record_value(s->rec, cairn_req_printf(
        req, "r:redflags/r:answer[@flag = '%s']/@value", fl->code));
    if (strcmp(answer, "no") == 0 || answer[0] == '\0') continue;
    doc_flag(doc, fl, answer);
  }
  cairn_doc_close(doc);
}

/* <measure id= abbreviation= name=/> for each measure the baseline holds:
** the choices of primary measure. */
static void doc_measures(cairn_req *req, cairn_doc *doc, long long id) {
  const cairn_record *base = intake_section_record(req, id, "baseline");
  size_t i;
  for (i = 0; base && i < intake_data->n_baseline; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    if (!intake_baseline_holds(req, base, in->id)) continue;
    cairn_doc_open(doc, "measure");
    cairn_doc_attr(doc, "id", in->id);
    cairn_doc_attr(doc, "abbreviation", in->abbreviation);
    cairn_doc_attr(doc, "name", in->name);
    cairn_doc_close(doc);
  }
}

/* <task state= opened=><note/></task> for the intake's newest referral
** task, if any. */
static int doc_task(cairn_req *req, cairn_doc *doc, long long id) {
  static const char SQL_TASK[] =
      "SELECT record FROM p_intake_task WHERE intake = :i"
      " AND status <> 'entered-in-error' ORDER BY record DESC LIMIT 1";
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_TASK, &err);
  const cairn_record *t;
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":i", id) != 0) return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1 &&
      cairn_record_get(req, cairn_sql_int(st, 0), &t, &err) == CAIRN_OK) {
    cairn_doc_open(doc, "task");
    cairn_doc_attr(doc, "state", cairn_record_value(t, "r:state"));
    cairn_doc_attr(doc, "opened", cairn_record_value(t, "r:opened"));
    cairn_doc_text(doc, "note", cairn_record_value(t, "r:note"));
    cairn_doc_close(doc);
  }
  return CAIRN_OK;
}

/* The staff page of an intake: form f (a refused clear, referral or
** enrolment) and lf (a refused link form) as posted, either NULL; the
** link just issued in full (shown once) and the address it was emailed
** to ("" for none), or NULL. */
static int render(cairn_req *req, const cairn_record *intake, cairn_form *f,
                  cairn_form *lf, const char *link, const char *sent_to,
                  int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake");
  cairn_error err = {0, "", ""};
  long long id = cairn_record_id(intake);
  const cairn_record *pat;
  intake_screen s;
  int rc;

  cairn_doc_attr(doc, "id", intake_fmt_int(req, id));
  cairn_doc_attr(doc, "role", cairn_req_role(req));
  cairn_doc_attr(doc, "terms-version", intake_data->terms_version);
  cairn_doc_attr(doc, "referrals", intake_cfg.referrals ? "yes" : "no");
  if (cairn_record_get(req, cairn_record_patient(intake), &pat, &err) ==
      CAIRN_OK) {
    cairn_doc_attr(doc, "patient",
                   intake_fmt_int(req, cairn_record_patient(intake)));
    cairn_doc_attr(doc, "patient-name", cairn_record_value(pat, "r:name"));
  }
  cairn_doc_record(doc, intake);
  doc_sections(req, doc, id);
  rc = intake_screen_load(req, intake, &s);
  if (rc != CAIRN_OK) return rc;
  doc_screen(req, doc, &s);
  doc_measures(req, doc, id);
  rc = doc_task(req, doc, id);
  if (rc != CAIRN_OK) return rc;
  intake_blockers(req, doc, intake, &s);
  if (link) {
    cairn_doc_open(doc, "new-link");
    cairn_doc_attr(doc, "href", link);
    /* A path alone: the clinic has no public address configured. */
    if (link[0] == '/') cairn_doc_attr(doc, "local", "yes");
    if (sent_to[0] != '\0') cairn_doc_attr(doc, "sent-to", sent_to);
    cairn_doc_attr(doc, "days", intake_fmt_int(req, intake_cfg.link_days));
    cairn_doc_attr(doc, "uses", intake_fmt_int(req, intake_cfg.link_uses));
    cairn_doc_close(doc);
  }
  if (f) cairn_form_doc(doc, f, NULL, NULL);
  if (lf == NULL) lf = cairn_form_new(req, "link", INTAKE_LINK_FIELDS);
  cairn_doc_open(doc, "link-form");
  cairn_form_doc(doc, lf, cairn_req_printf(req, "/intake/%lld/link", id),
                 "Issue the link");
  cairn_doc_close(doc);
  return cairn_respond_view(req, doc, "intake/intake", status);
}

/* See intake.h. */
int intake_render_review(cairn_req *req, const cairn_record *intake,
                         cairn_form *f, const char *link, int status) {
  return render(req, intake, f, NULL, link, "", status);
}

/* See intake.h. */
int intake_render_link_form(cairn_req *req, const cairn_record *intake,
                            cairn_form *lf, int status) {
  return render(req, intake, NULL, lf, NULL, "", status);
}

/* See intake.h. */
int intake_load_page(cairn_req *req, const cairn_record **rec) {
  cairn_error err = {0, "", ""};
  int rc = intake_load(req, intake_param_id(req, "id"), rec, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  return CAIRN_OK;
}

/* GET /intake/N: with ?issued=L just after the link L was issued, the
** link in full, once. */
int intake_page_intake(cairn_req *req) {
  const cairn_record *rec;
  const char *link, *sent_to;
  int rc = intake_load_page(req, &rec);
  if (rc != CAIRN_OK) return rc;
  link = intake_link_take(req, &rec, &sent_to);
  return render(req, rec, NULL, NULL, link, sent_to, 200);
}

/* The ReferralTask t again, with state and note set. */
static cairn_doc *task_body(cairn_req *req, const cairn_record *t,
                            const char *state, const char *note) {
  cairn_doc *doc = cairn_doc_new(req, INTAKE_NS, "ReferralTask");
  int n = atoi(cairn_record_value(t, "count(r:flag)")), k;
  intake_put(doc, "intake", cairn_record_value(t, "r:intake"));
  intake_put(doc, "opened", cairn_record_value(t, "r:opened"));
  for (k = 1; k <= n; k++)
    intake_put(doc, "flag", cairn_record_value(
        t, cairn_req_printf(req, "r:flag[%d]", k)));
  intake_put(doc, "state", state);
  intake_put(doc, "note", note);
  return doc;
}

/* Close the intake's open referral task with `state` ("cleared" or
** "referred") and the note.  CAIRN_ENOTFOUND when none is open. */
static int close_task(cairn_req *req, long long intake, const char *state,
                      const char *note, cairn_error *err) {
  static const char SQL[] = "SELECT record FROM p_intake_task"
                            " WHERE intake = :i AND state = 'open'";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, err);
  const cairn_record *t;
  int rc;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":i", intake) != 0) return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "No referral is open.");
  rc = cairn_record_get(req, cairn_sql_int(st, 0), &t, err);
  if (rc != CAIRN_OK) return rc;
  return cairn_record_revise(req, cairn_record_id(t), cairn_record_version(t),
                             NULL, task_body(req, t, state, note), err);
}

/* POST /intake/N/referral: close the open referral task as referred. */
int intake_post_referral(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  const char *to;
  int rc = intake_load_page(req, &rec);
  if (rc != CAIRN_OK) return rc;
  f = cairn_form_new(req, INTAKE_FORM_ID, REFERRAL_FIELDS);
  cairn_form_bind(f);
  intake_required(req, f, "referredTo",
                  "to whom the patient was referred, and how urgently");
  if (cairn_form_errors(f) > 0)
    return intake_render_review(req, rec, f, NULL, 422);
  to = cairn_form_value(f, "referredTo");
  rc = close_task(req, cairn_record_id(rec), "referred",
                  cairn_req_printf(req, "Referred to: %s (%s, %s)", to,
                                   cairn_req_actor(req), cairn_req_today(req)),
                  &err);
  if (rc == CAIRN_ENOTFOUND)
    return cairn_respond_error(req, 409, NULL, "There is no open referral to record.");
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  return cairn_respond_redirect(req, cairn_req_printf(req, "/intake/%lld",
                                                      cairn_record_id(rec)));
}

/* Open tasks one patient can have at once (one per intake; a patient
** with more intakes than this open at once is a data error). */
#define OPEN_TASKS_MAX 8

/* See intake.h. */
int intake_on_referral(cairn_req *req, const cairn_record *rec,
                       cairn_error *err) {
  static const char SQL[] =
      "SELECT intake FROM p_intake_task WHERE patient = :patient"
      " AND state = 'open' AND status <> 'entered-in-error'"
      " ORDER BY record LIMIT :limit";
  long long intakes[OPEN_TASKS_MAX];
  const char *to, *note;
  cairn_stmt *st;
  int n = 0, i, rc = 0;
  /* Only a referral out, as it is sent (its newest move is to "sent"). */
  if (strcmp(cairn_record_value(rec, "r:category"), "out") != 0 ||
      strcmp(cairn_record_value(rec, "r:status"), "sent") != 0 ||
      strcmp(cairn_record_value(rec, "r:statusHistory[last()]/r:status"),
             "sent") != 0)
    return CAIRN_OK;
  st = cairn_sql_prepare(req, SQL, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", cairn_record_patient(rec)) != 0 ||
      cairn_sql_bind_int(st, ":limit", OPEN_TASKS_MAX) != 0)
    return CAIRN_EINTERNAL;
  while (n < OPEN_TASKS_MAX && (rc = cairn_sql_step(st)) == 1)
    intakes[n++] = cairn_sql_int(st, 0);
  if (rc < 0) return CAIRN_EDB;
  to = cairn_record_value(rec, "r:performerDisplay");
  note = cairn_req_printf(req, "Referred to: %s (referral %lld, sent by %s, "
                               "%s)", to[0] ? to : "a partner of the directory",
                          cairn_record_id(rec), cairn_req_actor(req),
                          cairn_req_today(req));
  for (i = 0; i < n; i++) {
    rc = close_task(req, intakes[i], "referred", note, err);
    if (rc != CAIRN_OK && rc != CAIRN_ENOTFOUND) return rc;
  }
  return CAIRN_OK;
}

/* POST /intake/N/clear: a clinician clears this version of the screen
** with a reason; the open referral task closes as cleared. */
int intake_post_clear(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  intake_fields fl;
  intake_screen s;
  int rc = intake_load_page(req, &rec);
  if (rc != CAIRN_OK) return rc;
  rc = intake_screen_load(req, rec, &s);
  if (rc != CAIRN_OK) return rc;
  if (s.positive == 0)
    return cairn_respond_error(req, 409, NULL, "The red-flag screen has no positive "
                                       "answer to clear.");
  f = cairn_form_new(req, INTAKE_FORM_ID, CLEAR_FIELDS);
  cairn_form_bind(f);
  intake_required(req, f, "reason",
                  "why it is safe to go on (what was checked, by whom)");
  if (cairn_form_errors(f) > 0)
    return intake_render_review(req, rec, f, NULL, 422);
  intake_fields_load(rec, &fl);
  fl.cleared_screen = intake_fmt_int(req, s.version);
  fl.cleared_by = cairn_req_actor(req);
  fl.cleared_on = cairn_req_today(req);
  fl.cleared_reason = cairn_form_value(f, "reason");
  rc = intake_fields_save(req, rec, &fl, &err);
  if (rc == CAIRN_OK) {
    rc = close_task(req, cairn_record_id(rec), "cleared", fl.cleared_reason,
                    &err);
    if (rc == CAIRN_ENOTFOUND) rc = CAIRN_OK;   /* already referred */
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  return cairn_respond_redirect(req, cairn_req_printf(req, "/intake/%lld",
                                                      cairn_record_id(rec)));
}
