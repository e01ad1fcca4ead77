/*
** desk_home.c -- front desk's start page (GET / for front desk): today's
** visits with attended / missed, the discovery-call queue and the intakes
** waiting.  What the front desk's day is made of; no measures, no cohort
** statistics.  The intake lists are the intake plugin's projections, read
** as data (program_intake_prepare): absent without that plugin.
*/
#include "program.h"

/* Rows each list of the front desk's home shows; more is on the
** schedule and the intake queue. */
#define DESK_HOME_ROWS_MAX 200

static const char SQL_DESK_TODAY[] =
    "SELECT v.record, v.visit_type, v.state, v.episode, v.patient, p.name,"
    " p.identifier FROM p_program_encounter v"
    " JOIN p_program_patient p ON p.record = v.patient"
    " WHERE v.visit_date = :today AND v.status <> 'entered-in-error'"
    " ORDER BY p.name, v.record LIMIT 200";

/* The intake plugin's projections, read as data (plugins never call each
** other): open discovery-call requests and intakes not yet enrolled. */
static const char SQL_DESK_CALLS[] =
    "SELECT record, name, received, state, call_at, overdue_since"
    " FROM p_intake_request"
    " WHERE state IN ('new', 'scheduled') AND status <> 'entered-in-error'"
    " ORDER BY state = 'scheduled', coalesce(call_at, received), record"
    " LIMIT 200";
static const char SQL_DESK_INTAKES[] =
    "SELECT i.record, i.state, i.opened, p.name FROM p_intake_intake i"
    " LEFT JOIN p_program_patient p ON p.record = i.patient"
    " WHERE i.state IN ('open', 'submitted')"
    " AND i.status <> 'entered-in-error' ORDER BY i.opened, i.record"
    " LIMIT 200";

/* Rows of one of the intake lists, or nothing when the intake plugin is
** not installed (its tables are absent: the statement does not prepare). */
static int desk_intake_rows(cairn_req *req, cairn_doc *doc, const char *sql,
                            int calls) {
  cairn_stmt *st = program_intake_prepare(req, sql);
  int rc = 0, k;
  if (st == NULL) return CAIRN_OK;
  for (k = 0; k < DESK_HOME_ROWS_MAX && (rc = cairn_sql_step(st)) == 1; k++) {
    long long id = cairn_sql_int(st, 0);
    if (calls) {
      cairn_doc_open(doc, "call");
      cairn_doc_attr(doc, "name", cairn_sql_text(st, 1));
      cairn_doc_attr(doc, "received", cairn_sql_text(st, 2));
      cairn_doc_attr(doc, "state", cairn_sql_text(st, 3));
      if (!cairn_sql_is_null(st, 4))
        cairn_doc_attr(doc, "call", cairn_sql_text(st, 4));
      /* Marked by the intake plugin's job intake:overdue-calls. */
      if (!cairn_sql_is_null(st, 5))
        cairn_doc_attr(doc, "overdue-since", cairn_sql_text(st, 5));
      cairn_doc_attr(doc, "href",
                     cairn_req_printf(req, "/intake/requests/%lld", id));
    } else {
      cairn_doc_open(doc, "intake");
      cairn_doc_attr(doc, "state", cairn_sql_text(st, 1));
      cairn_doc_attr(doc, "opened", cairn_sql_text(st, 2));
      cairn_doc_attr(doc, "name", cairn_sql_text(st, 3));
      cairn_doc_attr(doc, "href", cairn_req_printf(req, "/intake/%lld", id));
    }
    cairn_doc_close(doc);
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/*
** GET / for front desk  ->  view program/desk-home
**   <desk-home today=>
**     <visit id= type= state= name= identifier= visits=>
**       <attendance action= from=/>?</visit>*     today's visits
**     <call name= received= state= call=? href=/>*  the call queue
**     <intake state= opened= name= href=/>*         intakes waiting
**   </desk-home>
** What the front desk's day is made of; no measures, no cohorts.
*/
int program_page_desk_home(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "desk-home");
  cairn_error err = {0, "", ""};
  const char *today = cairn_req_today(req);
  cairn_stmt *st;
  int rc, k;
  cairn_doc_attr(doc, "today", today);
  st = cairn_sql_prepare(req, SQL_DESK_TODAY, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_text(st, ":today", today);
  for (k = 0; k < DESK_HOME_ROWS_MAX && (rc = cairn_sql_step(st)) == 1; k++) {
    long long patient = cairn_sql_int(st, 4), episode = cairn_sql_int(st, 3);
    cairn_doc_open(doc, "visit");
    cairn_doc_attr(doc, "id", program_fmt_int(req, cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "type", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "state", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 5));
    cairn_doc_attr(doc, "identifier", cairn_sql_text(st, 6));
    cairn_doc_attr(doc, "visits", program_visits_href(req, patient, episode));
    program_doc_attendance(req, doc, patient, episode, cairn_sql_int(st, 0),
                           today, cairn_sql_text(st, 2), "home");
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  rc = desk_intake_rows(req, doc, SQL_DESK_CALLS, 1);
  if (rc == CAIRN_OK) rc = desk_intake_rows(req, doc, SQL_DESK_INTAKES, 0);
  if (rc != CAIRN_OK) return rc;
  /* What other plugins add (after graduation: check-ins to call). */
  cairn_sections_fill(req, "dashboard", 0, 0, doc);
  return cairn_respond_view(req, doc, "program/desk-home", 200);
}
