/*
** tracking.c -- what staff see: /referrals (open referrals by status,
** those not acknowledged in time flagged), a patient's referrals with the
** partners' notes (for the chart), one referral with its history and
** actions, and the referral letter (the handoff page's content,
** print-styled, for partners who want paper).
*/
#include "referral.h"

#include <stdlib.h>
#include <string.h>

/* Open referrals by status (draft first: they wait on us), then by when
** they were sent. */
static const char SQL_OPEN[] =
    "SELECT r.record, r.patient, p.name, r.state, r.kind, r.priority,"
    " r.sent, r.changed, r.flagged, r.partner_notes, pa.name, r.authored"
    " FROM p_referral_referral r"
    " LEFT JOIN p_program_patient p ON p.record = r.patient"
    " LEFT JOIN p_referral_partner pa ON pa.record = r.partner"
    " WHERE r.status <> 'entered-in-error'"
    " AND r.state IN ('draft', 'sent', 'acknowledged', 'accepted')"
    " ORDER BY CASE r.state WHEN 'draft' THEN 0 WHEN 'sent' THEN 1"
    " WHEN 'acknowledged' THEN 2 ELSE 3 END, r.sent, r.record LIMIT :limit";

/* A patient's referrals, newest first. */
static const char SQL_PATIENT[] =
    "SELECT r.record, r.patient, '', r.state, r.kind, r.priority,"
    " r.sent, r.changed, r.flagged, r.partner_notes, pa.name, r.authored"
    " FROM p_referral_referral r"
    " LEFT JOIN p_referral_partner pa ON pa.record = r.partner"
    " WHERE r.patient = :patient AND r.status <> 'entered-in-error'"
    " ORDER BY r.record DESC LIMIT :limit";

/* <referral id= patient= name= state= kind= priority= sent= changed=
** flagged= overdue=? partner-notes= partner= authored=/> per row. */
static int doc_rows(cairn_req *req, cairn_doc *doc, cairn_stmt *st) {
  const char *due = cairn_date_format(req, cairn_date_today(req) -
                                               referral_cfg.ack_days);
  int rc, n = 0;
  while ((rc = cairn_sql_step(st)) == 1) {
    const char *state = cairn_sql_text(st, 3), *sent = cairn_sql_text(st, 6);
    cairn_doc_open(doc, "referral");
    cairn_doc_attr(doc, "id", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "patient", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "state", state);
    cairn_doc_attr(doc, "kind", cairn_sql_text(st, 4));
    cairn_doc_attr(doc, "priority", cairn_sql_text(st, 5));
    cairn_doc_attr(doc, "sent", sent);
    cairn_doc_attr(doc, "changed", cairn_sql_text(st, 7));
    cairn_doc_attr(doc, "flagged", cairn_sql_text(st, 8));
    if (strcmp(state, "sent") == 0 && sent[0] && strcmp(sent, due) <= 0)
      cairn_doc_attr(doc, "overdue", "yes");
    cairn_doc_attr(doc, "partner-notes", cairn_sql_text(st, 9));
    cairn_doc_attr(doc, "partner", cairn_sql_text(st, 10));
    cairn_doc_attr(doc, "authored", cairn_sql_text(st, 11));
    cairn_doc_close(doc);
    n++;
  }
  if (rc < 0) return CAIRN_EDB;
  if (n == REFERRAL_LIST_MAX) cairn_doc_attr(doc, "more", "yes");
  return CAIRN_OK;
}

/* GET /referrals. */
int referral_page_list(cairn_req *req) {
  cairn_error err = {0, "", ""};
  cairn_doc *doc = cairn_doc_new(req, NULL, "referrals");
  cairn_stmt *st = cairn_sql_prepare(req, SQL_OPEN, &err);
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":limit", REFERRAL_LIST_MAX) != 0)
    return CAIRN_EINTERNAL;
  cairn_doc_attr(doc, "ack-days", referral_fmt_int(req, referral_cfg.ack_days));
  rc = doc_rows(req, doc, st);
  if (rc != CAIRN_OK) return rc;
  return cairn_respond_view(req, doc, "referral/list", 200);
}

/* <note referral= partner= from= author= time=>text</note> for every note
** of the patient's referrals, newest referral first. */
static int doc_patient_notes(cairn_req *req, cairn_doc *doc, long long patient) {
  static const char SQL[] =
      "SELECT record FROM p_referral_referral WHERE patient = :patient"
      " AND status <> 'entered-in-error' ORDER BY record DESC LIMIT :limit";
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL, &err);
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_bind_int(st, ":limit", REFERRAL_LIST_MAX) != 0)
    return CAIRN_EINTERNAL;
  while ((rc = cairn_sql_step(st)) == 1) {
    const cairn_record *rec;
    cairn_doc *body;
    cairn_node *n;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &rec, &err) != CAIRN_OK)
      continue;
    body = cairn_record_body(req, rec);
    for (n = cairn_node_child(body, NULL, "note"); n; n = cairn_node_next(n, "note")) {
      cairn_doc_open(doc, "note");
      cairn_doc_attr(doc, "referral", referral_fmt_int(req, cairn_record_id(rec)));
      cairn_doc_attr(doc, "from", cairn_node_attr(body, n, "from"));
      cairn_doc_attr(doc, "author", cairn_doc_value(body, n, "r:author"));
      cairn_doc_attr(doc, "time", cairn_doc_value(body, n, "r:time"));
      cairn_doc_text(doc, "text", cairn_doc_value(body, n, "r:text"));
      cairn_doc_close(doc);
    }
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* <patient id= name=/> of the route's patient, or CAIRN_ENOTFOUND. */
static int doc_patient(cairn_req *req, cairn_doc *doc, long long patient) {
  const cairn_record *p;
  cairn_error err = {0, "", ""};
  if (cairn_record_get(req, patient, &p, &err) != CAIRN_OK ||
      strcmp(cairn_record_type_name(p), PROGRAM_T_PATIENT) != 0)
    return CAIRN_ENOTFOUND;
  cairn_doc_open(doc, "patient");
  cairn_doc_attr(doc, "id", referral_fmt_int(req, patient));
  cairn_doc_attr(doc, "name", cairn_record_value(p, "r:name"));
  cairn_doc_close(doc);
  return CAIRN_OK;
}

/* GET /patients/P/referrals: the patient's referrals and partners'
** notes. */
int referral_page_patient(cairn_req *req) {
  cairn_error err = {0, "", ""};
  long long patient = referral_param_id(req, "patient");
  cairn_doc *doc = cairn_doc_new(req, NULL, "patient-referrals");
  cairn_stmt *st;
  int rc;
  if (doc_patient(req, doc, patient) != CAIRN_OK)
    return cairn_respond_error(req, 404, NULL, "There is no such patient.");
  st = cairn_sql_prepare(req, SQL_PATIENT, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_bind_int(st, ":limit", REFERRAL_LIST_MAX) != 0)
    return CAIRN_EINTERNAL;
  cairn_doc_open(doc, "list");
  rc = doc_rows(req, doc, st);
  cairn_doc_close(doc);
  if (rc == CAIRN_OK) rc = doc_patient_notes(req, doc, patient);
  if (rc != CAIRN_OK) return rc;
  return cairn_respond_view(req, doc, "referral/patient", 200);
}

/* See referral.h. */
int referral_doc_shared(cairn_req *req, cairn_doc *doc,
                        const cairn_record *rec) {
  cairn_error err = {0, "", ""};
  const cairn_record *p, *partner;
  cairn_doc *body = cairn_record_body(req, rec);
  cairn_node *n;
  if (cairn_record_get(req, cairn_record_patient(rec), &p, &err) != CAIRN_OK)
    return err.code;
  cairn_doc_open(doc, "patient");
  cairn_doc_attr(doc, "name", cairn_record_value(p, "r:name"));
  cairn_doc_attr(doc, "birth-date", cairn_record_value(p, "r:birthDate"));
  cairn_doc_close(doc);
  if (referral_partner_load(req, atoll(cairn_record_value(rec, "r:performer")),
                            &partner, &err) == CAIRN_OK) {
    cairn_doc_open(doc, "partner");
    cairn_doc_attr(doc, "name", cairn_record_value(partner, "r:name"));
    cairn_doc_attr(doc, "organisation",
                   cairn_record_value(partner, "r:organisation"));
    cairn_doc_attr(doc, "discipline", cairn_record_value(partner, "r:discipline"));
    cairn_doc_close(doc);
  }
  cairn_doc_open(doc, "clinic");
  referral_put(doc, "phone", referral_cfg.clinic_phone);
  referral_put(doc, "email", referral_cfg.clinic_email);
  referral_put(doc, "address", referral_cfg.clinic_address);
  cairn_doc_close(doc);
  cairn_doc_open(doc, "request");
  cairn_doc_attr(doc, "kind", cairn_record_value(rec, "r:category"));
  cairn_doc_attr(doc, "priority", cairn_record_value(rec, "r:priority"));
  cairn_doc_attr(doc, "authored", cairn_record_value(rec, "r:authoredOn"));
  cairn_doc_attr(doc, "requester", cairn_record_value(rec, "r:requester"));
  cairn_doc_attr(doc, "status", cairn_record_value(rec, "r:status"));
  cairn_doc_attr(doc, "first-appointment",
                 cairn_record_value(rec, "r:firstAppointment"));
  cairn_doc_text(doc, "reason", cairn_record_value(rec, "r:reason"));
  cairn_doc_text(doc, "code", cairn_record_value(rec, "r:code"));
  cairn_doc_close(doc);
  /* What was shared: the referral's own copy, made when it was written. */
  n = cairn_node_child(body, NULL, "supportingInfo");
  if (n) referral_copy_element(body, n, doc, NULL);
  /* The conversation: status moves (without who, for staff) and notes. */
  for (n = cairn_node_child(body, NULL, "statusHistory"); n;
       n = cairn_node_next(n, "statusHistory")) {
    cairn_doc_open(doc, "event");
    cairn_doc_attr(doc, "status", cairn_doc_value(body, n, "r:status"));
    cairn_doc_attr(doc, "date", cairn_doc_value(body, n, "r:date"));
    cairn_doc_text(doc, "note", cairn_doc_value(body, n, "r:note"));
    cairn_doc_close(doc);
  }
  for (n = cairn_node_child(body, NULL, "note"); n; n = cairn_node_next(n, "note")) {
    cairn_doc_open(doc, "note");
    cairn_doc_attr(doc, "from", cairn_node_attr(body, n, "from"));
    cairn_doc_attr(doc, "author", cairn_doc_value(body, n, "r:author"));
    cairn_doc_attr(doc, "time", cairn_doc_value(body, n, "r:time"));
    cairn_doc_text(doc, "text", cairn_doc_value(body, n, "r:text"));
    cairn_doc_close(doc);
  }
  return CAIRN_OK;
}

/* See referral.h. */
int referral_render_one(cairn_req *req, const cairn_record *rec,
                        cairn_form *form, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "referral");
  long long id = cairn_record_id(rec), patient = cairn_record_patient(rec);
  const char *base = cairn_req_printf(req, "/patients/%lld/referrals/%lld",
                                      patient, id);
  const char *state = cairn_record_value(rec, "r:status");
  const cairn_record *partner;
  cairn_error err = {0, "", ""};
  int rc;
  cairn_doc_attr(doc, "id", referral_fmt_int(req, id));
  cairn_doc_attr(doc, "patient", referral_fmt_int(req, patient));
  cairn_doc_attr(doc, "base", base);
  cairn_doc_attr(doc, "role", cairn_req_role(req));
  cairn_doc_attr(doc, "state", state);
  cairn_doc_attr(doc, "link-expires", cairn_record_value(rec, "r:linkExpires"));
  if (referral_closed(state)) cairn_doc_attr(doc, "closed", "yes");
  if (referral_partner_load(req, atoll(cairn_record_value(rec, "r:performer")),
                            &partner, &err) == CAIRN_OK) {
    cairn_doc_attr(doc, "partner-id",
                   referral_fmt_int(req, cairn_record_id(partner)));
    cairn_doc_attr(doc, "partner-email", cairn_record_value(partner, "r:email"));
  }
  cairn_doc_attr(doc, "consent-date", cairn_record_value(rec, "r:consent/r:date"));
  cairn_doc_attr(doc, "consent-method",
                 cairn_record_value(rec, "r:consent/r:method"));
  cairn_doc_attr(doc, "consent-by",
                 cairn_record_value(rec, "r:consent/r:recordedBy"));
  cairn_doc_attr(doc, "flagged",
                 cairn_record_value(rec, "r:flaggedUnacknowledged"));
  /* The full history, with who moved it, for staff. */
  cairn_doc_open(doc, "history");
  {
    int k, n = atoi(cairn_record_value(rec, "count(r:statusHistory)"));
    for (k = 1; k <= n; k++) {
      const char *at = cairn_req_printf(req, "r:statusHistory[%d]", k);
      cairn_doc_open(doc, "move");
      cairn_doc_attr(doc, "status", cairn_record_value(
          rec, cairn_req_printf(req, "%s/r:status", at)));
      cairn_doc_attr(doc, "date", cairn_record_value(
          rec, cairn_req_printf(req, "%s/r:date", at)));
      cairn_doc_attr(doc, "by", cairn_record_value(
          rec, cairn_req_printf(req, "%s/r:by", at)));
      cairn_doc_close(doc);
    }
  }
  cairn_doc_close(doc);
  rc = referral_doc_shared(req, doc, rec);
  if (rc != CAIRN_OK) return rc;
  if (form) cairn_form_doc(doc, form, NULL, NULL);
  return cairn_respond_view(req, doc, "referral/referral", status);
}

/* GET /patients/P/referrals/N. */
int referral_page_one(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  if (referral_load(req, referral_param_id(req, "patient"),
                    referral_param_id(req, "id"), &rec, &err) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 0);
  return referral_render_one(req, rec, NULL, 200);
}

/* GET /patients/P/referrals/N/letter: the handoff page's content on
** paper. */
int referral_page_letter(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  cairn_doc *doc;
  int rc;
  if (referral_load(req, referral_param_id(req, "patient"),
                    referral_param_id(req, "id"), &rec, &err) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 0);
  doc = cairn_doc_new(req, NULL, "letter");
  cairn_doc_attr(doc, "id", referral_fmt_int(req, cairn_record_id(rec)));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  rc = referral_doc_shared(req, doc, rec);
  if (rc != CAIRN_OK) return rc;
  return cairn_respond_view(req, doc, "referral/letter", 200);
}
