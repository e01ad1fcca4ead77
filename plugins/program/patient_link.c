/*
** patient_link.c -- the staff side of the patient's page: issue the
** episode's personal link (a capability of scope "episode:{id}" opening
** /p/{id}) and email it in one transaction, show it once after the
** redirect, revoke it; the patient's diary as the clinician sees it,
** with entered-in-error.  docs/patient.md.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

CAIRN_PLUGIN_EXTERN

static const char *const CADENCE_CHOICES[] = {
  "weekly", "Once a week", "daily", "Every day", NULL};

static const cairn_field LINK_FIELDS[] = {
  {.name = "email", .label = "The patient's email address",
   .kind = CAIRN_FIELD_EMAIL, .flags = CAIRN_FIELD_REQUIRED, .max = 254},
  {.name = "diary", .label = "How often the diary asks",
   .kind = CAIRN_FIELD_RADIO, .flags = CAIRN_FIELD_REQUIRED,
   .choices = CADENCE_CHOICES},
  {.name = NULL}};

/* See patient.h. */
const cairn_record *patient_link_active(cairn_req *req, long long episode) {
  static const char SQL[] =
      "SELECT record FROM p_program_patient_link WHERE episode = :e"
      " AND state = 'active' AND status <> 'entered-in-error'"
      " ORDER BY record DESC LIMIT 1";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  const cairn_record *rec;
  if (st == NULL || cairn_sql_bind_int(st, ":e", episode) != 0 ||
      cairn_sql_step(st) != 1)
    return NULL;
  if (cairn_record_get(req, cairn_sql_int(st, 0), &rec, NULL) != CAIRN_OK)
    return NULL;
  return rec;
}

/* A PatientLink body. */
static cairn_doc *link_body(cairn_req *req, long long episode,
                            long long link, const char *issued,
                            const char *expires, const char *email,
                            const char *diary, const char *state,
                            const char *url) {
  cairn_doc *doc = cairn_doc_new(req, PATIENT_NS, "PatientLink");
  cairn_doc_text(doc, "episode", program_fmt_int(req, episode));
  cairn_doc_text(doc, "link", program_fmt_int(req, link));
  cairn_doc_text(doc, "issued", issued);
  cairn_doc_text(doc, "expires", expires);
  cairn_doc_text(doc, "email", email);
  cairn_doc_text(doc, "diary", diary);
  cairn_doc_text(doc, "state", state);
  if (url != NULL) cairn_doc_text(doc, "url", url);
  return doc;
}

/* Revoke the episode's active link (its capability and its record). */
static int revoke_active(cairn_req *req, long long episode,
                         cairn_error *err) {
  const cairn_record *r = patient_link_active(req, episode);
  int rc;
  if (r == NULL) return CAIRN_OK;
  rc = cairn_capability_revoke(
      req, strtoll(cairn_record_value(r, "r:link"), NULL, 10), err);
  if (rc != CAIRN_OK && rc != CAIRN_ENOTFOUND) return rc;
  return cairn_record_revise(
      req, cairn_record_id(r), cairn_record_version(r), NULL,
      link_body(req, episode,
                strtoll(cairn_record_value(r, "r:link"), NULL, 10),
                cairn_record_value(r, "r:issued"),
                cairn_record_value(r, "r:expires"),
                cairn_record_value(r, "r:email"),
                cairn_record_value(r, "r:diary"), "revoked", NULL),
      err);
}

/* What the issuing transaction needs and gives back. */
typedef struct issue_ctx {
  const program_episode *e;  /* the episode */
  const char *email;         /* where the link goes */
  const char *diary;         /* "daily" or "weekly" */
  const char *url;           /* out: the full URL of the link */
  long long record;          /* out: the PatientLink record */
} issue_ctx;

/* Inside one transaction: withdraw the old link, issue the new one,
** record it and queue the email that carries it. */
static int issue(cairn_req *req, void *arg, cairn_error *err) {
  issue_ctx *c = arg;
  const char *path;
  long long cap;
  long today = cairn_date_today(req);
  cairn_doc *mail;
  int rc = revoke_active(req, c->e->id, err);
  if (rc != CAIRN_OK) return rc;
  rc = cairn_capability_issue(
      req, cairn_req_printf(req, "episode:%lld", c->e->id),
      cairn_req_printf(req, "/p/%lld", c->e->id), c->e->patient,
      (long)PATIENT_LINK_DAYS * 24 * 60 * 60, 0, &path, &cap, err);
  if (rc != CAIRN_OK) return rc;
  /* Renewed by use: it ends PATIENT_LINK_DAYS after the patient last
  ** opened it, so a patient who keeps the diary never loses the page. */
  rc = cairn_capability_renew_on_use(req, cap, err);
  if (rc != CAIRN_OK) return rc;
  c->url = cairn_public_url(req, path);
  if (c->url == NULL)
    return cairn_fail(err, CAIRN_EINVAL, "email",
                      "The clinic has no public address (<public-url> in "
                      "the configuration): a link could not be sent.");
  rc = cairn_record_create(
      req, PROGRAM_T_PATIENT_LINK, c->e->patient,
      link_body(req, c->e->id, cap, cairn_date_format(req, today),
                cairn_date_format(req, today + PATIENT_LINK_DAYS), c->email,
                c->diary, "active", c->url),
      &c->record, err);
  if (rc != CAIRN_OK) return rc;
  mail = cairn_doc_new(req, NULL, "link-mail");
  cairn_doc_text(mail, "purpose",
                 "your own page: your progress, your diary and your visits");
  cairn_doc_text(mail, "link", c->url);
  cairn_doc_text(mail, "expires",
                 cairn_date_format(req, today + PATIENT_LINK_DAYS));
  cairn_doc_text(mail, "renewed-days", program_fmt_int(req, PATIENT_LINK_DAYS));
  return cairn_message_queue(req, c->email, NULL, "mail/link", mail, err);
}

/* The URL just issued with record `issued` (the ?issued= of the
** redirect), shown once: it is removed from the record as it is shown,
** so a reload shows nothing and the store keeps only the token's hash.
** NULL when there is none to show. */
static const char *shown_url(cairn_req *req, const program_episode *e) {
  const char *q = cairn_req_query(req, "issued");
  const cairn_record *r = patient_link_active(req, e->id);
  const char *url;
  cairn_error err = {0, "", ""};
  if (q == NULL || r == NULL || strtoll(q, NULL, 10) != cairn_record_id(r))
    return NULL;
  url = cairn_record_value(r, "r:url");
  if (url[0] == '\0') return NULL;
  if (cairn_record_revise(
          req, cairn_record_id(r), cairn_record_version(r), NULL,
          link_body(req, e->id,
                    strtoll(cairn_record_value(r, "r:link"), NULL, 10),
                    cairn_record_value(r, "r:issued"),
                    cairn_record_value(r, "r:expires"),
                    cairn_record_value(r, "r:email"),
                    cairn_record_value(r, "r:diary"), "active", NULL),
          &err) != CAIRN_OK)
    return NULL;
  return url;
}

/* The staff page: the link's state, the form to issue or re-issue, the
** revoke button, the patient's diary. */
static int link_page(cairn_req *req, const program_patient *p,
                     const program_episode *e, cairn_form *f,
                     const char *url, int status) {
  static const char SQL[] =
      "SELECT record, entry_date, instrument, score, status FROM"
      " p_program_diary WHERE episode = :e ORDER BY entry_date DESC,"
      " record DESC LIMIT :n";
  cairn_doc *doc = cairn_doc_new(req, NULL, "patient-link");
  const cairn_record *r = patient_link_active(req, e->id);
  const char *base = cairn_req_printf(req, "/patients/%lld/episodes/%lld",
                                      p->id, e->id);
  cairn_stmt *st;
  program_doc_patient(doc, p);
  cairn_doc_open(doc, "episode");
  cairn_doc_attr(doc, "id", program_fmt_int(req, e->id));
  cairn_doc_attr(doc, "href", base);
  cairn_doc_close(doc);
  if (r != NULL) {
    cairn_doc_open(doc, "link");
    cairn_doc_attr(doc, "issued", cairn_record_value(r, "r:issued"));
    cairn_doc_attr(doc, "expires", cairn_record_value(r, "r:expires"));
    cairn_doc_attr(doc, "email", cairn_record_value(r, "r:email"));
    cairn_doc_attr(doc, "diary", cairn_record_value(r, "r:diary"));
    cairn_doc_attr(doc, "revoke", cairn_req_printf(req, "%s/patient-link/"
                                                   "revoke", base));
    if (url != NULL) cairn_doc_attr(doc, "url", url);
    cairn_doc_close(doc);
  }
  if (f == NULL) {
    f = cairn_form_new(req, "patient-link", LINK_FIELDS);
    cairn_form_set(f, "diary", r != NULL ? cairn_record_value(r, "r:diary")
                                         : "weekly");
    if (r != NULL) cairn_form_set(f, "email", cairn_record_value(r, "r:email"));
  }
  cairn_form_doc(doc, f, cairn_req_printf(req, "%s/patient-link", base),
                 r != NULL ? "Issue a new link (the old one stops working)"
                           : "Issue and email the link");
  st = cairn_sql_prepare(req, SQL, NULL);
  if (st != NULL && cairn_sql_bind_int(st, ":e", e->id) == 0 &&
      cairn_sql_bind_int(st, ":n", PATIENT_DIARY_ROWS) == 0) {
    while (cairn_sql_step(st) == 1) {
      cairn_doc_open(doc, "entry");
      cairn_doc_attr(doc, "id", cairn_sql_text(st, 0));
      cairn_doc_attr(doc, "date", cairn_sql_text(st, 1));
      {
        const instr_def *d = instr_find(program_instruments,
                                        cairn_sql_text(st, 2));
        char buf[32];
        cairn_doc_attr(doc, "instrument", d != NULL ? d->abbreviation
                                                    : cairn_sql_text(st, 2));
        if (d != NULL) {
          instr_format_score(d, cairn_sql_real(st, 3), buf, sizeof buf);
          cairn_doc_attr(doc, "score", cairn_req_strdup(req, buf));
        } else {
          cairn_doc_attr(doc, "score", cairn_sql_text(st, 3));
        }
      }
      cairn_doc_attr(doc, "status", cairn_sql_text(st, 4));
      cairn_doc_attr(doc, "error", cairn_req_printf(
          req, "%s/diary/%s/error", base, cairn_sql_text(st, 0)));
      cairn_doc_close(doc);
    }
  }
  return cairn_respond_view(req, doc, "program/patient-link", status);
}

/* GET .../patient-link: shows a just-issued URL once (?issued=). */
int program_page_patient_link(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  return link_page(req, &p, e, NULL, shown_url(req, e), 200);
}

/* POST .../patient-link: issue and email in one transaction, then
** redirect to the page that shows the link. */
int program_post_patient_link(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  issue_ctx c;
  cairn_form *f;
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  f = cairn_form_new(req, "patient-link", LINK_FIELDS);
  if (cairn_form_bind(f) > 0) return link_page(req, &p, e, f, NULL, 422);
  c = (issue_ctx){.e = e, .email = cairn_form_value(f, "email"),
                  .diary = cairn_form_value(f, "diary")};
  rc = cairn_transaction(req, issue, &c, &err);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    if (strcmp(err.field, "to") == 0) snprintf(err.field, sizeof err.field,
                                               "email");
    cairn_form_host_error(f, &err);
    return link_page(req, &p, e, f, NULL, 422);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/patient-link?issued=%lld", p.id,
      e->id, c.record));
}

/* POST .../patient-link/revoke. */
int program_post_patient_link_revoke(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  rc = revoke_active(req, e->id, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/patient-link", p.id, e->id));
}

/* POST .../diary/{d}/error: a new version marked entered-in-error. */
int program_post_diary_error(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  const cairn_record *r;
  const char *s = cairn_req_param(req, "entry");
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  rc = cairn_record_get_for_patient(req, p.id, strtoll(s, NULL, 10), &r,
                                    &err);
  if (rc != CAIRN_OK || strcmp(cairn_record_type_name(r), PROGRAM_T_DIARY) ||
      strtoll(cairn_record_value(r, "r:episode"), NULL, 10) != e->id)
    return cairn_respond_error(req, 404, NULL, "No such diary entry.");
  {
    /* The same entry again, as a new version marked entered-in-error. */
    static const char *const NAMES[] = {"episode", "date", "instrument",
                                        "score", "note", NULL};
    cairn_doc *body = cairn_doc_new(req, PATIENT_NS, "DiaryEntry");
    size_t i;
    for (i = 0; NAMES[i] != NULL; i++) {
      const char *v = cairn_record_value(
          r, cairn_req_printf(req, "r:%s", NAMES[i]));
      if (v[0]) cairn_doc_text(body, NAMES[i], v);
    }
    rc = cairn_record_revise(req, cairn_record_id(r),
                             cairn_record_version(r), "entered-in-error",
                             body, &err);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/patient-link", p.id, e->id));
}

/* See patient.h. */
void patient_doc_diary_summary(cairn_req *req, cairn_doc *doc,
                               long long episode) {
  static const char SQL[] =
      "SELECT count(*), max(entry_date) FROM p_program_diary"
      " WHERE episode = :e AND status <> 'entered-in-error'";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  const cairn_record *link = patient_link_active(req, episode);
  cairn_doc_open(doc, "patient-diary");
  cairn_doc_attr(doc, "link", link != NULL ? "active" : "none");
  if (st != NULL && cairn_sql_bind_int(st, ":e", episode) == 0 &&
      cairn_sql_step(st) == 1) {
    cairn_doc_attr(doc, "entries", cairn_sql_text(st, 0));
    if (!cairn_sql_is_null(st, 1))
      cairn_doc_attr(doc, "last", cairn_sql_text(st, 1));
  }
  cairn_doc_close(doc);
}

/* See patient.h. */
void patient_doc_diary_count(cairn_req *req, cairn_doc *doc) {
  static const char SQL[] =
      "SELECT count(*) FROM p_program_diary"
      " WHERE status <> 'entered-in-error'";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  if (st != NULL && cairn_sql_step(st) == 1)
    cairn_doc_attr(doc, "patient-reported", cairn_sql_text(st, 0));
}
