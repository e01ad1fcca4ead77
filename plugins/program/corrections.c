/*
** corrections.c -- putting a record right without erasing it:
**   POST /patients/{p}/observations/{o}/error   an observation entered in
**        error: a new version with status entered-in-error and the reason
**        (errorReason); every figure leaves it out (the projections'
**        status), the chart shows it struck through with the reason;
**   POST .../episodes/{e}/visits/{v}/cancel     a scheduled visit
**        cancelled (state cancelled, the reason in its notes);
**   POST .../episodes/{e}/visits/{v}/reschedule a scheduled visit moved to
**        another day.
** Each is a new version of the record (record_revise), so the audit trail
** keeps what was there before.  Only a scheduled visit can be cancelled
** or moved: a delivered one is history.
*/
#include "program.h"

#include <stdlib.h>
#include <string.h>

/* A reason shorter than this says nothing a colleague can weigh ("x");
** "Wrong patient" is 13. */
#define REASON_MIN 5
/* And longer than a short paragraph is a note, not a reason. */
#define REASON_MAX 500
/* A visit's notes: program.xsd's Note. */
#define VISIT_NOTES_MAX 2000

/* A form was posted (these routes take no XML). */
static int is_form(cairn_req *req) {
  return strcmp(cairn_req_content_type(req),
                "application/x-www-form-urlencoded") == 0;
}

/* The reason posted in `name`: trimmed, checked as a person's text of
** REASON_MIN..REASON_MAX characters.  NULL with *err filled otherwise. */
static const char *posted_reason(cairn_req *req, const char *name,
                                 const char *what, cairn_error *err) {
  const char *r = program_trim(req, cairn_req_form(req, name));
  if (cairn_text_check(r, REASON_MAX, CAIRN_TEXT_MULTILINE, name, what,
                       err) != 0)
    return NULL;
  if (program_utf8_chars(r) < REASON_MIN) {
    cairn_fail(err, CAIRN_EINVAL, name,
               "%s is needed (at least %d characters): say what was wrong, "
               "for whoever reads the record later.", what, REASON_MIN);
    return NULL;
  }
  return r;
}

/* The record `param` of the route, of type `type`, belonging to patient
** p: *rec.  0, or what the handler returns (404 page). */
static int route_record(cairn_req *req, const program_patient *p,
                        const char *param, const char *type,
                        const cairn_record **rec) {
  cairn_error err = {0, "", ""};
  const char *v = cairn_req_param(req, param);
  long long id = v ? strtoll(v, NULL, 10) : 0;
  int rc = cairn_record_get_for_patient(req, p->id, id, rec, &err);
  if (rc == CAIRN_OK && strcmp(cairn_record_type_name(*rec), type) != 0)
    rc = CAIRN_ENOTFOUND;
  if (rc == CAIRN_ENOTFOUND)
    return cairn_respond_error(req, 404, NULL, "There is no such record for "
                                              "this patient.");
  return rc;
}

/* A copy of an Observation's body with <errorReason> at the end. */
static cairn_doc *observation_in_error(cairn_req *req,
                                       const cairn_record *rec,
                                       const char *reason) {
  cairn_doc *body = cairn_record_body(req, rec);
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "Observation");
  cairn_node *c;
  static const char *const plain[] = {"episode", "instrument", "effective",
                                      "timepoint", NULL};
  size_t i;
  for (i = 0; plain[i]; i++) {
    const char *v = program_body_text(body, plain[i]);
    if (cairn_node_child(body, NULL, plain[i])) cairn_doc_text(doc, plain[i], v);
  }
  for (c = cairn_node_child(body, NULL, "answer"); c != NULL;
       c = cairn_node_next(c, "answer"))
    cairn_doc_text_attr(doc, "answer", "item",
                        cairn_node_attr(body, c, "item"),
                        cairn_node_text(body, c));
  if (cairn_node_child(body, NULL, "score"))
    cairn_doc_text(doc, "score", program_body_text(body, "score"));
  cairn_doc_text(doc, "errorReason", reason);
  return doc;
}

int program_post_observation_error(cairn_req *req) {
  program_patient p;
  cairn_error err = {0, "", ""};
  const cairn_record *rec;
  const char *reason;
  int rc = program_patient_load(req, &p, &err);
  if (rc == CAIRN_ENOTFOUND)
    return cairn_respond_error(req, 404, NULL, err.message);
  if (rc != CAIRN_OK) return rc;
  if (!is_form(req)) return program_unsupported(req);
  rc = route_record(req, &p, "observation", PROGRAM_T_OBSERVATION, &rec);
  if (rc != 0) return rc;
  if (strcmp(cairn_record_status(rec), "entered-in-error") == 0)
    return cairn_respond_error(req, 409, NULL, "This observation is already "
                                              "marked as entered in error.");
  reason = posted_reason(req, "reason", "The reason", &err);
  if (reason == NULL) return cairn_respond_failure(req, &err, 422);
  rc = cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                           "entered-in-error",
                           observation_in_error(req, rec, reason), &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, p.href);
}

/* The visit `visit` of the route's episode, which must be scheduled: *rec.
** 0, or what the handler returns. */
static int route_planned_visit(cairn_req *req, program_patient *p,
                               program_episode *e,
                               const cairn_record **rec) {
  int rc = program_route_episode(req, p, e);
  if (rc != 0) return rc;
  if (!is_form(req)) return program_unsupported(req);
  rc = route_record(req, p, "visit", PROGRAM_T_ENCOUNTER, rec);
  if (rc != 0) return rc;
  if (strtoll(cairn_record_value(*rec, "r:episode"), NULL, 10) != e->id)
    return cairn_respond_error(req, 404, NULL, "There is no such visit in "
                                              "this episode.");
  if (strcmp(cairn_record_value(*rec, "r:state"), "planned") != 0)
    return cairn_respond_error(
        req, 409, NULL,
        "Only a scheduled visit can be cancelled or moved; this one is "
        "recorded as delivered or already cancelled.");
  return 0;
}

/* A visit's body again with a new date, state and notes. */
static cairn_doc *visit_body(cairn_req *req, const cairn_record *rec,
                             const char *date, const char *state,
                             const char *notes) {
  const char *pairs[] = {
    "episode", cairn_record_value(rec, "r:episode"),
    "date", date,
    "type", cairn_record_value(rec, "r:type"),
    "state", state,
    "notes", notes, NULL, NULL};
  return program_body(req, "Encounter", pairs);
}

/* Revise the visit and go back to the episode page. */
static int revise_visit(cairn_req *req, const program_patient *p,
                        const program_episode *e, const cairn_record *rec,
                        cairn_doc *body) {
  cairn_error err = {0, "", ""};
  int rc = cairn_record_revise(req, cairn_record_id(rec),
                               cairn_record_version(rec), NULL, body, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld", p->id, e->id));
}

int program_post_visit_cancel(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  const cairn_record *rec;
  const char *reason, *notes;
  int rc = route_planned_visit(req, &p, e, &rec);
  if (rc != 0) return rc;
  reason = posted_reason(req, "reason", "The reason for cancelling", &err);
  if (reason == NULL) return cairn_respond_failure(req, &err, 422);
  notes = cairn_record_value(rec, "r:notes");
  notes = notes[0] ? cairn_req_printf(req, "%s\nCancelled: %s", notes, reason)
                   : cairn_req_printf(req, "Cancelled: %s", reason);
  if (program_utf8_chars(notes) > VISIT_NOTES_MAX)
    notes = cairn_req_printf(req, "Cancelled: %s", reason);
  return revise_visit(req, &p, e, rec,
                      visit_body(req, rec, cairn_record_value(rec, "r:date"),
                                 "cancelled", notes));
}

int program_post_visit_reschedule(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  const cairn_record *rec;
  const char *date;
  long day;
  int rc = route_planned_visit(req, &p, e, &rec);
  if (rc != 0) return rc;
  date = program_trim(req, cairn_req_form(req, "date"));
  if (cairn_date_parse(date, &day) != 0)
    return cairn_respond_error(req, 422, "date", "Write the new date as a "
                                                "real date, YYYY-MM-DD.");
  /* The check hook refuses a day before the episode began. */
  return revise_visit(req, &p, e, rec,
                      visit_body(req, rec, date, "planned",
                                 cairn_record_value(rec, "r:notes")));
}
