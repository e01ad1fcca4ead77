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

/* Decided requests shown below the open ones: a working week's worth. */
#define RECENT_DECIDED 20
/* Open intakes and referral tasks listed: more is a list to page. */
#define LIST_MAX 100

static const char SQL_OPEN_REQUESTS[] =
    "SELECT record, name, received, state, call_at, overdue_since"
    " FROM p_intake_request"
    " WHERE state IN ('new', 'scheduled') AND status <> 'entered-in-error'"
    " ORDER BY received, record LIMIT 100";

/* The open intakes a link may be sent for, as the send form's choices. */
static const char SQL_OPEN_INTAKES[] =
    "SELECT i.record, p.name, i.opened FROM p_intake_intake i"
    " LEFT JOIN p_program_patient p ON p.record = i.patient"
    " WHERE i.state = 'open' AND i.status <> 'entered-in-error'"
    " ORDER BY i.opened, i.record LIMIT 100";

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
    "  AND t.state = 'open'),"
    " i.link_expires, i.link_sent_to"
    " FROM p_intake_intake i LEFT JOIN p_program_patient p"
    "  ON p.record = i.patient"
    " WHERE i.state IN ('open', 'submitted') AND i.status <> 'entered-in-error'"
    " ORDER BY i.opened, i.record LIMIT 100";

static const char SQL_TASKS[] =
    "SELECT t.record, t.intake, t.opened, p.name FROM p_intake_task t"
    " LEFT JOIN p_program_patient p ON p.record = t.patient"
    " WHERE t.state = 'open' AND t.status <> 'entered-in-error'"
    " ORDER BY t.opened, t.record LIMIT 100";

/* How a list's column becomes an attribute of its element. */
typedef enum column_kind {
  COL_TEXT = 1,              /* the text, always ("" for NULL) */
  COL_TEXT_OPT,              /* the text, absent for NULL or "" */
  COL_INT,                   /* the number, always */
  COL_INT_OPT,               /* the number, absent for NULL */
  COL_YES                    /* "yes" when the number is above 0 */
} column_kind;

typedef struct list_column {
  const char *attr;          /* attribute name; NULL ends the columns */
  column_kind kind;          /* how its value is shown */
} list_column;

/* A list of the queue page: one element per row of its query. */
typedef struct queue_list {
  const char *sql;           /* SELECT, columns in the order of cols */
  const char *element;       /* element name of each row */
  int limit;                 /* rows shown at most */
  list_column cols[9];       /* ends with attr == NULL */
} queue_list;

static const queue_list LISTS[] = {
  {.sql = SQL_DECIDED, .element = "decided", .limit = RECENT_DECIDED,
   .cols = {{"id", COL_INT}, {"name", COL_TEXT}, {"received", COL_TEXT},
            {"state", COL_TEXT}, {"decided", COL_TEXT},
            {"intake", COL_INT_OPT}, {NULL, 0}}},
  {.sql = SQL_INTAKES, .element = "intake", .limit = LIST_MAX,
   .cols = {{"id", COL_INT}, {"state", COL_TEXT}, {"opened", COL_TEXT},
            {"name", COL_TEXT}, {"sections", COL_INT},
            {"red-flag", COL_YES}, {"link-expires", COL_TEXT_OPT},
            {"link-sent-to", COL_TEXT_OPT}, {NULL, 0}}},
  {.sql = SQL_TASKS, .element = "task", .limit = LIST_MAX,
   .cols = {{"id", COL_INT}, {"intake", COL_INT}, {"opened", COL_TEXT},
            {"name", COL_TEXT}, {NULL, 0}}},
};

/* Add one element per row of the list's query under the current element
** of doc.  0, or CAIRN_EDB. */
static int doc_list(cairn_req *req, cairn_doc *doc, const queue_list *l) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, l->sql, &err);
  int rc = 0, n, c;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  for (n = 0; n < l->limit && (rc = cairn_sql_step(st)) == 1; n++) {
    cairn_doc_open(doc, l->element);
    for (c = 0; l->cols[c].attr; c++) {
      const char *a = l->cols[c].attr;
      switch (l->cols[c].kind) {
      case COL_TEXT: cairn_doc_attr(doc, a, cairn_sql_text(st, c)); break;
      case COL_TEXT_OPT:
        if (!cairn_sql_is_null(st, c) && cairn_sql_text(st, c)[0] != '\0')
          cairn_doc_attr(doc, a, cairn_sql_text(st, c));
        break;
      case COL_INT_OPT:
      case COL_INT:
        if (l->cols[c].kind == COL_INT_OPT && cairn_sql_is_null(st, c)) break;
        cairn_doc_attr(doc, a, intake_fmt_int(req, cairn_sql_int(st, c)));
        break;
      case COL_YES: if (cairn_sql_int(st, c) > 0) cairn_doc_attr(doc, a, "yes");
        break;
      }
    }
    cairn_doc_close(doc);
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* The open requests, oldest first; those still new and received on or
** before `cutoff` are marked overdue, with the date the job
** intake:overdue-calls recorded when it has run. */
static int doc_open_requests(cairn_req *req, cairn_doc *doc,
                             const char *cutoff) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_OPEN_REQUESTS, &err);
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    const char *received = cairn_sql_text(st, 2);
    const char *state = cairn_sql_text(st, 3);
    cairn_doc_open(doc, "request");
    cairn_doc_attr(doc, "id", intake_fmt_int(req, cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "received", received);
    cairn_doc_attr(doc, "state", state);
    if (!cairn_sql_is_null(st, 4))
      cairn_doc_attr(doc, "call", cairn_sql_text(st, 4));
    if (strcmp(state, "new") == 0 && strcmp(received, cutoff) <= 0)
      cairn_doc_attr(doc, "overdue", "yes");
    if (strcmp(state, "new") == 0 && !cairn_sql_is_null(st, 5))
      cairn_doc_attr(doc, "overdue-since", cairn_sql_text(st, 5));
    cairn_doc_close(doc);
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* See intake.h. */
const char *const *intake_open_choices(cairn_req *req) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_OPEN_INTAKES, NULL);
  const char **c = cairn_req_alloc(req, (2 * LIST_MAX + 1) * sizeof *c);
  int n = 0;
  while (st != NULL && n < 2 * LIST_MAX && cairn_sql_step(st) == 1) {
    c[n++] = intake_fmt_int(req, cairn_sql_int(st, 0));
    c[n++] = cairn_req_printf(req, "%s (intake opened %s)",
                              cairn_sql_text(st, 1), cairn_sql_text(st, 2));
  }
  c[n] = NULL;
  return c;
}

/* See intake.h.  GET /intake: open requests (overdue flagged), recent
** outcomes, open intakes, referrals out to arrange, and the form that
** emails an open intake's link. */
int intake_render_queue(cairn_req *req, cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake-queue");
  /* Received on or before this date and still new: overdue. */
  const char *cutoff =
      cairn_date_format(req, cairn_date_today(req) - intake_cfg.answer_days);
  size_t i;
  int rc;

  cairn_doc_attr(doc, "answer-days",
                 intake_fmt_int(req, intake_cfg.answer_days));
  cairn_doc_attr(doc, "role", cairn_req_role(req));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  rc = doc_open_requests(req, doc, cutoff);
  for (i = 0; rc == CAIRN_OK && i < sizeof LISTS / sizeof LISTS[0]; i++)
    rc = doc_list(req, doc, &LISTS[i]);
  if (rc != CAIRN_OK) return rc;
  cairn_doc_attr(doc, "sections-total", "7");
  if (f == NULL)
    f = cairn_form_new(req, INTAKE_SEND_FORM_ID,
                       intake_queue_link_fields(req, intake_open_choices(req)));
  cairn_form_doc(doc, f, "/intake/link", "Issue and email the link");
  return cairn_respond_view(req, doc, "intake/queue", status);
}

/* GET /intake. */
int intake_page_queue(cairn_req *req) {
  return intake_render_queue(req, NULL, 200);
}

/* ------------------------------------------------------ one request */

/* The forms of the request page: schedule the call; record the outcome. */
static const char *const FIT_CHOICES[] = {
  "good", "Good fit: create the patient and open the intake",
  "not", "Not a fit", NULL
};
static const cairn_field SCHEDULE_FIELDS[] = {
  {.name = "call", .label = "Date and time of the call",
   .kind = CAIRN_FIELD_TEXT, .hint = "YYYY-MM-DDTHH:MM"},
  {.name = NULL}
};
static const cairn_field OUTCOME_FIELDS[] = {
  {.name = "fit", .label = "Outcome of the call", .kind = CAIRN_FIELD_RADIO,
   .choices = FIT_CHOICES},
  {.name = "reason", .label = "Why the program is not a fit",
   .kind = CAIRN_FIELD_TEXTAREA, .max = INTAKE_TEXT_MAX},
  {.name = "pointedTo", .label = "Where the person was pointed instead",
   .kind = CAIRN_FIELD_TEXT, .max = INTAKE_LINE_MAX},
  {.name = NULL}
};

/* The DiscoveryRequest of the route's id (audited), or CAIRN_ENOTFOUND. */
static int load_request(cairn_req *req, const cairn_record **rec,
                        cairn_error *err) {
  long long id = intake_param_id(req, "id");
  int rc;
  if (id == 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such request.");
  rc = cairn_record_get(req, id, rec, err);
  if (rc == CAIRN_OK &&
      strcmp(cairn_record_type_name(*rec), INTAKE_T_REQUEST) != 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such request.");
  if (rc == CAIRN_OK) cairn_audit_note(req, 0, id);
  return rc;
}

/* The request page, with form f (schedule or outcome, as posted) when
** not NULL. */
static int render_request(cairn_req *req, const cairn_record *rec,
                          cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake-request");
  long received;
  cairn_doc_attr(doc, "id", intake_fmt_int(req, cairn_record_id(rec)));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  if (cairn_date_parse(cairn_record_value(rec, "r:received"), &received) ==
          CAIRN_OK &&
      strcmp(cairn_record_value(rec, "r:state"), "new") == 0 &&
      cairn_date_today(req) - received >= intake_cfg.answer_days)
    cairn_doc_attr(doc, "overdue", "yes");
  cairn_doc_record(doc, rec);
  if (f) cairn_form_doc(doc, f, NULL, NULL);
  return cairn_respond_view(req, doc, "intake/request", status);
}

/* GET /intake/requests/N. */
int intake_page_request_detail(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  int rc = load_request(req, &rec, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  /* A scheduled call is shown in the form, ready to move. */
  f = cairn_form_new(req, INTAKE_FORM_ID, SCHEDULE_FIELDS);
  cairn_form_set(f, "call", cairn_record_value(rec, "r:call"));
  return render_request(req, rec, f, 200);
}

/* The request's body again, with state and the given elements changed.
** Elements are written in the schema's order. */
typedef struct request_change {
  const char *state;         /* "scheduled", "good-fit", "not-a-fit" */
  const char *call;          /* the call's time; NULL keeps the stored one */
  const char *decided;       /* date of the outcome, or NULL */
  const char *reason;        /* not a fit: why, or NULL */
  const char *pointed_to;    /* not a fit: where to instead, or NULL */
  long long patient;         /* good fit: the new patient, else 0 */
  long long intake;          /* good fit: the new intake, else 0 */
  const char *overdue_since; /* the overdue mark; NULL keeps the stored one */
} request_change;

/* The new body of request rec after change c. */
static cairn_doc *request_body(cairn_req *req, const cairn_record *rec,
                               const request_change *c) {
  cairn_doc *doc = cairn_doc_new(req, INTAKE_NS, "DiscoveryRequest");
  const char *call = c->call ? c->call : cairn_record_value(rec, "r:call");
  intake_put(doc, "name", cairn_record_value(rec, "r:name"));
  intake_put(doc, "contact", cairn_record_value(rec, "r:contact"));
  intake_put(doc, "preferredTimes",
             cairn_record_value(rec, "r:preferredTimes"));
  intake_put(doc, "problem", cairn_record_value(rec, "r:problem"));
  intake_put(doc, "consent", "yes");
  intake_put(doc, "received", cairn_record_value(rec, "r:received"));
  intake_put(doc, "state", c->state);
  intake_put(doc, "call", call);
  intake_put(doc, "decided", c->decided);
  intake_put(doc, "reason", c->reason);
  intake_put(doc, "pointedTo", c->pointed_to);
  if (c->patient > 0)
    intake_put(doc, "patient", intake_fmt_int(req, c->patient));
  if (c->intake > 0) intake_put(doc, "intake", intake_fmt_int(req, c->intake));
  intake_put(doc, "stamp", cairn_record_value(rec, "r:stamp"));
  intake_put(doc, "overdueSince",
             c->overdue_since ? c->overdue_since
                              : cairn_record_value(rec, "r:overdueSince"));
  return doc;
}

/* 1 while the request has no outcome. */
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
  if (cairn_date_parse(date, &d) != CAIRN_OK) return 0;
  if (s[11] < '0' || s[11] > '9' || s[12] < '0' || s[12] > '9' ||
      s[14] < '0' || s[14] > '9' || s[15] < '0' || s[15] > '9')
    return 0;
  h = (s[11] - '0') * 10 + (s[12] - '0');
  m = (s[14] - '0') * 10 + (s[15] - '0');
  return h < 24 && m < 60;
}

/* Check the call's time: given, well formed, not in the past. */
static void check_call(cairn_req *req, cairn_form *f) {
  const char *call = cairn_form_value(f, "call");
  if (call[0] == '\0')
    cairn_form_error(f, "call", "Enter the date and time of the call.");
  else if (!local_time_ok(call))
    cairn_form_error(f, "call", "Write the date and time as "
                                "YYYY-MM-DDTHH:MM, for example "
                                "2026-12-01T10:30.");
  else if (strncmp(call, cairn_req_today(req), 10) < 0)
    cairn_form_error(f, "call", "The call cannot be scheduled in the past.");
}

/* POST /intake/requests/N/schedule. */
int intake_post_schedule(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  request_change c = {.state = "scheduled"};
  int rc = load_request(req, &rec, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  if (!is_open(rec))
    return cairn_respond_error(req, 409, NULL, "This request already has an outcome.");
  f = cairn_form_new(req, INTAKE_FORM_ID, SCHEDULE_FIELDS);
  cairn_form_bind(f);
  check_call(req, f);
  if (cairn_form_errors(f) > 0) return render_request(req, rec, f, 422);
  c.call = cairn_form_value(f, "call");
  rc = cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                           NULL, request_body(req, rec, &c), &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  return cairn_respond_redirect(req, "/intake");
}

/* Create the patient and the intake for a good fit; *intake gets its id. */
static int open_intake(cairn_req *req, const cairn_record *rec,
                       long long *patient, long long *intake,
                       cairn_error *err) {
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, "Patient");
  int rc;
  /* The chart number: "D" and the request's id until the clinic's own. */
  cairn_doc_text_attr(doc, "identifier", "system", "urn:cairn:intake:request",
                      cairn_req_printf(req, "D-%lld", cairn_record_id(rec)));
  intake_put(doc, "name", cairn_record_value(rec, "r:name"));
  rc = cairn_record_create(req, PROGRAM_T_PATIENT, 0, doc, patient, err);
  if (rc != CAIRN_OK) return rc;
  doc = cairn_doc_new(req, INTAKE_NS, "Intake");
  intake_put(doc, "state", "open");
  intake_put(doc, "opened", cairn_req_today(req));
  intake_put(doc, "request", intake_fmt_int(req, cairn_record_id(rec)));
  return cairn_record_create(req, INTAKE_T_INTAKE, *patient, doc, intake, err);
}

/* Check the outcome: a choice (bind refused any other value), and for
** "not a fit" why and where to. */
static void check_outcome(cairn_req *req, cairn_form *f) {
  const char *fit = cairn_form_value(f, "fit");
  if (fit[0] == '\0') {
    cairn_form_error(f, "fit", "Choose the outcome of the call.");
  } else if (strcmp(fit, "not") == 0) {
    intake_required(req, f, "reason", "why the program is not a fit");
    intake_required(req, f, "pointedTo",
                    "where the person was pointed instead");
  }
}

/* POST /intake/requests/N/outcome: a good fit opens the patient and
** the intake; not a fit records why and where to. */
int intake_post_outcome(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  request_change c = {.decided = cairn_req_today(req)};
  int rc = load_request(req, &rec, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  if (!is_open(rec))
    return cairn_respond_error(req, 409, NULL, "This request already has an outcome.");
  f = cairn_form_new(req, INTAKE_FORM_ID, OUTCOME_FIELDS);
  cairn_form_bind(f);
  check_outcome(req, f);
  if (cairn_form_errors(f) > 0) return render_request(req, rec, f, 422);
  if (strcmp(cairn_form_value(f, "fit"), "good") == 0) {
    rc = open_intake(req, rec, &c.patient, &c.intake, &err);
    if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
    c.state = "good-fit";
  } else {
    c.state = "not-a-fit";
    c.reason = cairn_form_value(f, "reason");
    c.pointed_to = cairn_form_value(f, "pointedTo");
  }
  rc = cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                           NULL, request_body(req, rec, &c), &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  if (c.intake > 0)
    return cairn_respond_redirect(req, cairn_req_printf(req, "/intake/%lld",
                                                        c.intake));
  return cairn_respond_redirect(req, "/intake");
}

/* See intake.h. */
int intake_request_mark_overdue(cairn_req *req, const cairn_record *rec,
                                const char *since, cairn_error *err) {
  request_change c = {.state = "new", .overdue_since = since};
  if (strcmp(cairn_record_value(rec, "r:state"), "new") != 0) return CAIRN_OK;
  return cairn_record_revise(req, cairn_record_id(rec),
                             cairn_record_version(rec), NULL,
                             request_body(req, rec, &c), err);
}
