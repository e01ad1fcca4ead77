/*
** queue.c -- the front desk's queue (PROGRAM.md, step 0): requests for a
** discovery call, oldest first, those not answered within answer-days
** flagged; schedule the call; record its outcome.  A good fit creates the
** patient (program:Patient) and opens the intake; not a fit records why
** and where the person was pointed instead.
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

/* Decided requests shown below the open ones: a working week's worth. */
#define RECENT_DECIDED 20
/* Open intakes and referral tasks listed: more is a list to page. */
#define LIST_MAX 100

static const char SQL_OPEN_REQUESTS[] =
    "SELECT record, name, received, state, call_at FROM p_intake_request"
    " WHERE state IN ('new', 'scheduled') AND status <> 'entered-in-error'"
    " ORDER BY received, record LIMIT 100";

static const char SQL_DECIDED[] =
    "SELECT record, name, received, state, decided, intake"
    " FROM p_intake_request"
    " WHERE state IN ('good-fit', 'not-a-fit')"
    " AND status <> 'entered-in-error'"
    " ORDER BY decided DESC, record DESC LIMIT 20";

static const char SQL_INTAKES[] =
    "SELECT i.record, i.state, i.opened, p.name,"
    " (SELECT count(*) FROM p_intake_section s WHERE s.intake = i.record"
    "  AND s.status <> 'entered-in-error'),"
    " (SELECT count(*) FROM p_intake_task t WHERE t.intake = i.record"
    "  AND t.state = 'open')"
    " FROM p_intake_intake i LEFT JOIN p_program_patient p"
    "  ON p.record = i.patient"
    " WHERE i.state IN ('open', 'submitted') AND i.status <> 'entered-in-error'"
    " ORDER BY i.opened, i.record LIMIT 100";

static const char SQL_TASKS[] =
    "SELECT t.record, t.intake, t.opened, p.name FROM p_intake_task t"
    " LEFT JOIN p_program_patient p ON p.record = t.patient"
    " WHERE t.state = 'open' AND t.status <> 'entered-in-error'"
    " ORDER BY t.opened, t.record LIMIT 100";

int intake_page_queue(cairn_req *req) {
  cairn_error err = {0, "", ""};
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake-queue");
  cairn_stmt *st;
  long today;
  const char *cutoff;
  int rc, n;

  if (!intake_date_parse(cairn_req_today(req), &today)) return CAIRN_EINTERNAL;
  /* Received on or before this date and still new: overdue. */
  cutoff = intake_date_format(req, today - intake_cfg.answer_days);
  cairn_doc_attr(doc, "answer-days",
                 intake_fmt_int(req, intake_cfg.answer_days));
  cairn_doc_attr(doc, "role", cairn_req_role(req));

  st = cairn_sql_prepare(req, SQL_OPEN_REQUESTS, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    const char *received = cairn_sql_text(st, 2);
    const char *state = cairn_sql_text(st, 3);
    cairn_doc_open(doc, "request");
    cairn_doc_attr(doc, "id", intake_fmt_int(req, cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "received", received);
    cairn_doc_attr(doc, "state", state);
    if (!cairn_sql_is_null(st, 4)) cairn_doc_attr(doc, "call", cairn_sql_text(st, 4));
    if (strcmp(state, "new") == 0 && strcmp(received, cutoff) <= 0)
      cairn_doc_attr(doc, "overdue", "yes");
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;

  st = cairn_sql_prepare(req, SQL_DECIDED, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  for (n = 0; n < RECENT_DECIDED && (rc = cairn_sql_step(st)) == 1; n++) {
    cairn_doc_open(doc, "decided");
    cairn_doc_attr(doc, "id", intake_fmt_int(req, cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "received", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "state", cairn_sql_text(st, 3));
    cairn_doc_attr(doc, "decided", cairn_sql_text(st, 4));
    if (!cairn_sql_is_null(st, 5))
      cairn_doc_attr(doc, "intake", intake_fmt_int(req, cairn_sql_int(st, 5)));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;

  st = cairn_sql_prepare(req, SQL_INTAKES, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  for (n = 0; n < LIST_MAX && (rc = cairn_sql_step(st)) == 1; n++) {
    cairn_doc_open(doc, "intake");
    cairn_doc_attr(doc, "id", intake_fmt_int(req, cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "state", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "opened", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 3));
    cairn_doc_attr(doc, "sections", intake_fmt_int(req, cairn_sql_int(st, 4)));
    if (cairn_sql_int(st, 5) > 0) cairn_doc_attr(doc, "red-flag", "yes");
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;

  st = cairn_sql_prepare(req, SQL_TASKS, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  for (n = 0; n < LIST_MAX && (rc = cairn_sql_step(st)) == 1; n++) {
    cairn_doc_open(doc, "task");
    cairn_doc_attr(doc, "id", intake_fmt_int(req, cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "intake", intake_fmt_int(req, cairn_sql_int(st, 1)));
    cairn_doc_attr(doc, "opened", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 3));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  cairn_doc_attr(doc, "sections-total", "7");
  return cairn_respond_view(req, doc, "intake/queue", 200);
}

/* ------------------------------------------------------ one request */

static int load_request(cairn_req *req, const cairn_record **rec,
                        cairn_error *err) {
  long long id = intake_param_id(req, "id");
  int rc;
  if (id == 0)
    return intake_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such request.");
  rc = cairn_record_get(req, id, rec, err);
  if (rc == CAIRN_OK &&
      strcmp(cairn_record_type_name(*rec), INTAKE_T_REQUEST) != 0)
    return intake_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such request.");
  if (rc == CAIRN_OK) cairn_audit_note(req, 0, id);
  return rc;
}

static int render_request(cairn_req *req, const cairn_record *rec,
                          intake_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake-request");
  long today, received;
  cairn_doc_attr(doc, "id", intake_fmt_int(req, cairn_record_id(rec)));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  if (intake_date_parse(cairn_req_today(req), &today) &&
      intake_date_parse(cairn_record_value(rec, "r:received"), &received) &&
      strcmp(cairn_record_value(rec, "r:state"), "new") == 0 &&
      today - received >= intake_cfg.answer_days)
    cairn_doc_attr(doc, "overdue", "yes");
  cairn_doc_record(doc, rec);
  if (f) intake_form_doc(doc, f);
  return cairn_respond_view(req, doc, "intake/request", status);
}

int intake_page_request_detail(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  intake_form f;
  int rc = load_request(req, &rec, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  /* A scheduled call is shown in the form, ready to move. */
  memset(&f, 0, sizeof f);
  intake_form_set(&f, "call", cairn_record_value(rec, "r:call"));
  return render_request(req, rec, &f, 200);
}

/* The request's body again, with state and the given elements changed.
** Elements are written in the schema's order. */
typedef struct request_change {
  const char *state, *call, *decided, *reason, *pointed_to;
  long long patient, intake;
} request_change;

static cairn_doc *request_body(cairn_req *req, const cairn_record *rec,
                               const request_change *c) {
  xmlDocPtr x = intake_xml_new(INTAKE_NS, "DiscoveryRequest");
  xmlNodePtr r = xmlDocGetRootElement(x);
  const char *call = c->call ? c->call : cairn_record_value(rec, "r:call");
  intake_xml_text(r, "name", cairn_record_value(rec, "r:name"));
  intake_xml_text(r, "contact", cairn_record_value(rec, "r:contact"));
  intake_xml_text(r, "preferredTimes",
                  cairn_record_value(rec, "r:preferredTimes"));
  intake_xml_text(r, "problem", cairn_record_value(rec, "r:problem"));
  intake_xml_text(r, "consent", "yes");
  intake_xml_text(r, "received", cairn_record_value(rec, "r:received"));
  intake_xml_text(r, "state", c->state);
  intake_xml_text(r, "call", call);
  intake_xml_text(r, "decided", c->decided);
  intake_xml_text(r, "reason", c->reason);
  intake_xml_text(r, "pointedTo", c->pointed_to);
  if (c->patient > 0) intake_xml_text(r, "patient", intake_fmt_int(req, c->patient));
  if (c->intake > 0) intake_xml_text(r, "intake", intake_fmt_int(req, c->intake));
  return intake_xml_done(req, x);
}

static int is_open(const cairn_record *rec) {
  const char *s = cairn_record_value(rec, "r:state");
  return strcmp(s, "new") == 0 || strcmp(s, "scheduled") == 0;
}

/* "YYYY-MM-DDTHH:MM" with a real date and time. */
static int local_time_ok(const char *s) {
  char date[11];
  long d;
  int h, m;
  if (strlen(s) != 16 || s[10] != 'T' || s[13] != ':') return 0;
  memcpy(date, s, 10);
  date[10] = '\0';
  if (!intake_date_parse(date, &d)) return 0;
  if (s[11] < '0' || s[11] > '9' || s[12] < '0' || s[12] > '9' ||
      s[14] < '0' || s[14] > '9' || s[15] < '0' || s[15] > '9')
    return 0;
  h = (s[11] - '0') * 10 + (s[12] - '0');
  m = (s[14] - '0') * 10 + (s[15] - '0');
  return h < 24 && m < 60;
}

int intake_post_schedule(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  intake_form f;
  request_change c;
  const char *call;
  int rc = load_request(req, &rec, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  memset(&f, 0, sizeof f);
  memset(&c, 0, sizeof c);
  if (!is_open(rec))
    return intake_error_page(req, 409, "This request already has an outcome.");
  call = intake_form_take(req, &f, "call");
  if (call[0] == '\0')
    intake_form_error(&f, "call", "Enter the date and time of the call.");
  else if (!local_time_ok(call))
    intake_form_error(&f, "call", "Write the date and time as "
                                  "YYYY-MM-DDTHH:MM, for example "
                                  "2026-12-01T10:30.");
  else if (strncmp(call, cairn_req_today(req), 10) < 0)
    intake_form_error(&f, "call", "The call cannot be scheduled in the past.");
  if (f.n_errors > 0) return render_request(req, rec, &f, 422);
  c.state = "scheduled";
  c.call = call;
  rc = cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                           NULL, request_body(req, rec, &c), &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  return cairn_respond_redirect(req, "/intake");
}

/* Create the patient and the intake for a good fit; *intake gets its id. */
static int open_intake(cairn_req *req, const cairn_record *rec,
                       long long *patient, long long *intake,
                       cairn_error *err) {
  xmlDocPtr x = intake_xml_new(PROGRAM_NS, "Patient");
  xmlNodePtr r = xmlDocGetRootElement(x), id;
  int rc;
  /* The chart number: "D" and the request's id until the clinic's own. */
  id = intake_xml_text(r, "identifier",
                       cairn_req_printf(req, "D-%lld", cairn_record_id(rec)));
  xmlSetProp(id, (const xmlChar *)"system",
             (const xmlChar *)"urn:cairn:intake:request");
  intake_xml_text(r, "name", cairn_record_value(rec, "r:name"));
  rc = cairn_record_create(req, PROGRAM_T_PATIENT, 0, intake_xml_done(req, x),
                           patient, err);
  if (rc != CAIRN_OK) return rc;
  x = intake_xml_new(INTAKE_NS, "Intake");
  r = xmlDocGetRootElement(x);
  intake_xml_text(r, "state", "open");
  intake_xml_text(r, "opened", cairn_req_today(req));
  intake_xml_text(r, "request", intake_fmt_int(req, cairn_record_id(rec)));
  return cairn_record_create(req, INTAKE_T_INTAKE, *patient,
                             intake_xml_done(req, x), intake, err);
}

int intake_post_outcome(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  intake_form f;
  request_change c;
  const char *fit, *reason, *pointed;
  long long patient = 0, intake = 0;
  int rc = load_request(req, &rec, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  memset(&f, 0, sizeof f);
  memset(&c, 0, sizeof c);
  if (!is_open(rec))
    return intake_error_page(req, 409, "This request already has an outcome.");
  fit = intake_form_take(req, &f, "fit");
  reason = intake_form_take(req, &f, "reason");
  pointed = intake_form_take(req, &f, "pointedTo");
  if (strcmp(fit, "good") != 0 && strcmp(fit, "not") != 0) {
    intake_form_error(&f, "fit", "Choose the outcome of the call.");
  } else if (strcmp(fit, "not") == 0) {
    intake_check_text(req, &f, "reason", reason, INTAKE_TEXT_MAX, 1, 1,
                      "why the program is not a fit");
    intake_check_text(req, &f, "pointedTo", pointed, INTAKE_LINE_MAX, 1, 0,
                      "where the person was pointed instead");
  }
  if (f.n_errors > 0) return render_request(req, rec, &f, 422);
  c.decided = cairn_req_today(req);
  if (strcmp(fit, "good") == 0) {
    rc = open_intake(req, rec, &patient, &intake, &err);
    if (rc != CAIRN_OK) return intake_fail_page(req, &err);
    c.state = "good-fit";
    c.patient = patient;
    c.intake = intake;
  } else {
    c.state = "not-a-fit";
    c.reason = reason;
    c.pointed_to = pointed;
  }
  rc = cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                           NULL, request_body(req, rec, &c), &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  if (intake > 0)
    return cairn_respond_redirect(req, cairn_req_printf(req, "/intake/%lld",
                                                        intake));
  return cairn_respond_redirect(req, "/intake");
}
