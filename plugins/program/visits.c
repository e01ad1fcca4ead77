/*
** visits.c -- what happens between checkpoints: visits (program:Encounter)
** and flares (program:Flare).  Their check hooks (every write path), the
** POSTs that record them (form or XML), the end of a flare (a new
** version), and the week view of the schedule (GET /schedule?week=).
** A delivered ("finished") visit cannot be after today; a scheduled
** ("planned") one may be.  A flare cannot start or end after today, or
** end before it starts.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Visits one week view lists: a busy clinic's week, with room. */
#define WEEK_VISITS_MAX 500

static const char SQL_EPISODE_EXISTS[] =
    "SELECT phase, period_start FROM p_program_episode WHERE record = :id"
    " AND status <> 'entered-in-error'";

/* The episode named in a body exists and is run as the program; *start
** (arena) gets the first day of its period. */
static int episode_ok(cairn_req *req, const char *id, const char **start,
                      cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_EPISODE_EXISTS, err);
  int rc;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":id", strtoll(id, NULL, 10));
  rc = cairn_sql_step(st);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "episode query");
  if (rc == 0)
    return cairn_fail(err, CAIRN_EINVAL, "episode",
                      "There is no episode %s.", id);
  *start = cairn_req_strdup(req, cairn_sql_text(st, 1));
  return CAIRN_OK;
}

int program_check_encounter(cairn_req *req, cairn_doc *body,
                            cairn_error *err) {
  const char *today = cairn_req_today(req);
  const char *start = "", *date = program_body_text(body, "date");
  int rc = episode_ok(req, program_body_text(body, "episode"), &start, err);
  if (rc != CAIRN_OK) return rc;
  /* A visit before the episode began belongs to no phase of it: counted
  ** nowhere consistently, so refused. */
  if (start[0] && strcmp(date, start) < 0)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "The visit (%s) cannot be dated before the episode "
                      "began (%s).", date, start);
  if (strcmp(program_body_text(body, "state"), "finished") == 0 && today &&
      strcmp(program_body_text(body, "date"), today) > 0)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "A delivered visit cannot be after today (%s); "
                      "schedule it instead.", today);
  if (strcmp(program_body_text(body, "state"), "missed") == 0 && today &&
      strcmp(program_body_text(body, "date"), today) > 0)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "A visit on %s cannot be missed yet: it is after "
                      "today (%s).", program_body_text(body, "date"), today);
  return CAIRN_OK;
}

int program_check_flare(cairn_req *req, cairn_doc *body,
                        cairn_error *err) {
  const char *today = cairn_req_today(req);
  const char *start = program_body_text(body, "start");
  const char *end = program_body_text(body, "end");
  const char *ep_start = "";
  int rc = episode_ok(req, program_body_text(body, "episode"), &ep_start, err);
  if (rc != CAIRN_OK) return rc;
  if (today && strcmp(start, today) > 0)
    return cairn_fail(err, CAIRN_EINVAL, "start",
                      "A flare cannot start after today (%s).", today);
  if (end[0] && strcmp(end, start) < 0)
    return cairn_fail(err, CAIRN_EINVAL, "end",
                      "The flare cannot end (%s) before it starts (%s).",
                      end, start);
  if (end[0] && today && strcmp(end, today) > 0)
    return cairn_fail(err, CAIRN_EINVAL, "end",
                      "The end cannot be after today (%s).", today);
  return CAIRN_OK;
}

static const char *const VISIT_NAMES[] = {"date", "type", "state", "notes",
                                          NULL};
static const char *const VISIT_TYPES[] = {"needling", "herbal-review",
                                          "exercise", "other", NULL};
static const char *const VISIT_STATES[] = {"planned", "finished",
                                           "cancelled", "missed", NULL};

/* Shared by the visit and flare POSTs: load patient and episode, take an
** XML record of `type` for this episode, or hand back the form. */
static int post_common(cairn_req *req, const char *type, program_patient *p,
                       program_episode *e, int *done) {
  int rc = program_route_episode(req, p, e);
  *done = 1;
  if (rc != 0) return rc;
  if (e->phase == PHASE_NONE)
    return cairn_respond_error(req, 409, "episode",
                              "This episode is not run as the care program.");
  if (program_req_is_xml(req))
    return program_post_episode_xml(req, type, p, e);
  if (strcmp(cairn_req_content_type(req),
             "application/x-www-form-urlencoded") != 0)
    return program_unsupported(req);
  *done = 0;
  return 0;
}

/* The page a refused form comes back on: the episode page, or for front
** desk (who may not read it) the episode's visits page. */
static int rerender(cairn_req *req, const program_patient *p,
                    const program_episode *e, program_form *pf, int status) {
  if (program_is_front_desk(req))
    return program_render_visits(req, p, e, pf, status);
  return program_render_episode(req, p, e, pf, status);
}

/* Create `type` from pairs; on refusal re-render the caller's page. */
static int create_or_rerender(cairn_req *req, const char *type,
                              const char *root, const char *const *pairs,
                              const program_patient *p,
                              const program_episode *e, program_form *pf) {
  cairn_error err = {0, "", ""};
  long long id;
  int rc;
  if (cairn_form_errors(pf->form) > 0) return rerender(req, p, e, pf, 422);
  rc = cairn_record_create(req, type, p->id, program_body(req, root, pairs),
                           &id, &err);
  if (rc == CAIRN_OK)
    return cairn_respond_redirect(
        req, program_is_front_desk(req)
                 ? program_visits_href(req, p->id, e->id)
                 : cairn_req_printf(req, "/patients/%lld/episodes/%lld",
                                    p->id, e->id));
  if (rc != CAIRN_EINVAL && rc != CAIRN_ELIMIT)
    return cairn_respond_failure(req, &err, 422);
  program_form_refused(req, pf, &err);
  return rerender(req, p, e, pf, 422);
}

int program_post_visit(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  program_form pf = {.id = "visit", .form = NULL, .problem = NULL};
  cairn_form *f;
  int done, rc = post_common(req, PROGRAM_T_ENCOUNTER, &p, e, &done);
  if (done) return rc;
  f = pf.form = cairn_form_new(req, pf.id, program_is_front_desk(req)
                                              ? program_desk_visit_fields
                                              : program_visit_fields);
  program_form_read(req, f, VISIT_NAMES);
  program_form_choice(f, "type", VISIT_TYPES, 1, "Choose the type of visit.");
  program_form_choice(f, "state", VISIT_STATES, 1, "Choose delivered, "
                                                   "scheduled or cancelled.");
  program_form_date(req, f, "date", 1,
                    strcmp(cairn_form_value(f, "state"), "finished") != 0);
  {
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "date", cairn_form_value(f, "date"),
      "type", cairn_form_value(f, "type"),
      "state", cairn_form_value(f, "state"),
      "notes", cairn_form_value(f, "notes"), NULL, NULL};
    return create_or_rerender(req, PROGRAM_T_ENCOUNTER, "Encounter", pairs,
                              &p, e, &pf);
  }
}

static const char *const FLARE_NAMES[] = {"start", "end", "severity",
                                          "trigger", "response",
                                          "visitsPerWeek", NULL};
static const char *const SEVERITIES[] = {"mild", "moderate", "severe", NULL};
static const char *const PER_WEEK[] = {"1", "2", "3", "4", "5", NULL};

int program_post_flare(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  program_form pf = {.id = "flare", .form = NULL, .problem = NULL};
  cairn_form *f;
  int done, rc = post_common(req, PROGRAM_T_FLARE, &p, e, &done);
  if (done) return rc;
  f = pf.form = cairn_form_new(req, pf.id, program_flare_fields);
  program_form_read(req, f, FLARE_NAMES);
  program_form_date(req, f, "start", 1, 0);
  program_form_date(req, f, "end", 0, 0);
  program_form_choice(f, "severity", SEVERITIES, 1, "Choose the severity.");
  program_form_choice(f, "visitsPerWeek", PER_WEEK, 0,
                      "Choose 1 to 5 visits a week, or leave it empty.");
  if (program_utf8_chars(cairn_form_value(f, "trigger")) > 200)
    cairn_form_error(f, "trigger", "At most 200 characters.");
  {
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "start", cairn_form_value(f, "start"),
      "end", cairn_form_value(f, "end"),
      "severity", cairn_form_value(f, "severity"),
      "trigger", cairn_form_value(f, "trigger"),
      "response", cairn_form_value(f, "response"),
      "visitsPerWeek", cairn_form_value(f, "visitsPerWeek"), NULL, NULL};
    return create_or_rerender(req, PROGRAM_T_FLARE, "Flare", pairs, &p, e,
                              &pf);
  }
}

/* The flare `id` of the route, of episode e: *rec.  0, or what the
** handler returns. */
static int route_flare(cairn_req *req, program_patient *p,
                       program_episode *e, const cairn_record **rec) {
  cairn_error err = {0, "", ""};
  const char *fid = cairn_req_param(req, "flare");
  long long id = fid ? strtoll(fid, NULL, 10) : 0;
  int rc = program_patient_load(req, p, &err);
  if (rc == CAIRN_OK) rc = program_episode_of_route(req, p, e, &err);
  if (rc == CAIRN_OK)
    rc = cairn_record_get_for_patient(req, p->id, id, rec, &err);
  if (rc == CAIRN_OK &&
      (strcmp(cairn_record_type_name(*rec), PROGRAM_T_FLARE) != 0 ||
       strtoll(cairn_record_value(*rec, "r:episode"), NULL, 10) != e->id))
    rc = cairn_fail(&err, CAIRN_ENOTFOUND, NULL, "There is no such flare.");
  if (rc == CAIRN_ENOTFOUND) return cairn_respond_error(req, 404, NULL,
                                                       err.message);
  return rc;
}

/* POST .../flares/{f}/end: a new version of the flare with its end. */
int program_post_flare_end(cairn_req *req) {
  static const char *const names[] = {"end", "response", NULL};
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  const cairn_record *rec;
  program_form pf = {.id = NULL, .form = NULL, .problem = NULL};
  const char *resp;
  int rc = route_flare(req, &p, e, &rec);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(cairn_req_content_type(req),
             "application/x-www-form-urlencoded") != 0)
    return program_unsupported(req);
  pf.id = cairn_req_printf(req, "flare-end-%lld", cairn_record_id(rec));
  pf.form = cairn_form_new(req, pf.id, program_flare_end_fields);
  program_form_read(req, pf.form, names);
  if (cairn_record_value(rec, "r:end")[0])
    return cairn_respond_error(req, 409, "end", "This flare has already "
                                               "ended.");
  if (program_form_date(req, pf.form, "end", 1, 0)) {
    resp = cairn_form_value(pf.form, "response");
    const char *pairs[] = {
      "episode", cairn_record_value(rec, "r:episode"),
      "start", cairn_record_value(rec, "r:start"),
      "end", cairn_form_value(pf.form, "end"),
      "severity", cairn_record_value(rec, "r:severity"),
      "trigger", cairn_record_value(rec, "r:trigger"),
      "response", resp[0] ? resp : cairn_record_value(rec, "r:response"),
      "visitsPerWeek", cairn_record_value(rec, "r:visitsPerWeek"),
      "reportedBy", cairn_record_value(rec, "r:reportedBy"),
      NULL, NULL};
    rc = cairn_record_revise(req, cairn_record_id(rec),
                             cairn_record_version(rec), NULL,
                             program_body(req, "Flare", pairs), &err);
    if (rc == CAIRN_OK)
      return cairn_respond_redirect(req, cairn_req_printf(
          req, "/patients/%lld/episodes/%lld", p.id, e->id));
    if (rc != CAIRN_EINVAL) return cairn_respond_failure(req, &err, 422);
    program_form_refused(req, &pf, &err);
  }
  return program_render_episode(req, &p, e, &pf, 422);
}

/* ------------------------------------------------------------ week */

static const char SQL_WEEK[] =
    "SELECT v.visit_date, v.visit_type, v.state, v.episode, v.patient,"
    " p.name, p.identifier, v.record FROM p_program_encounter v"
    " JOIN p_program_patient p ON p.record = v.patient"
    " WHERE v.visit_date >= :from AND v.visit_date < :to"
    " AND v.status <> 'entered-in-error'"
    " ORDER BY v.visit_date, p.name, v.record LIMIT 501";

/*
** GET /schedule?week=YYYY-MM-DD  ->  view program/schedule
**   <schedule week= prev= next= today=>
**     <day date= weekday=><visit id= type= state= name= identifier=
**          href= visits=><attendance action= from=/>?</visit>*</day>*7
**   </schedule>
** The week runs Monday to Sunday and contains the given date (today when
** absent).  A date that is not a real date is 400.  href is the episode
** page (clinicians), visits the episode's visits page (front desk); a
** visit booked for today or earlier carries its attended / missed
** buttons.
*/
int program_page_schedule(cairn_req *req) {
  static const char *const wd[] = {"Monday", "Tuesday", "Wednesday",
                                   "Thursday", "Friday", "Saturday", "Sunday"};
  const char *q = cairn_req_query(req, "week");
  cairn_error err = {0, "", ""};
  cairn_doc *doc;
  cairn_stmt *st;
  long day, monday;
  int rc, k, n = 0;
  if (q == NULL || q[0] == '\0') q = cairn_req_today(req);
  if (cairn_date_parse(q, &day) != 0)
    return cairn_respond_error(req, 400, "week", "Give the week as a date, "
                                                "YYYY-MM-DD.");
  /* 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays. */
  monday = day - (((day + 3) % 7) + 7) % 7;
  doc = cairn_doc_new(req, NULL, "schedule");
  cairn_doc_attr(doc, "week", cairn_date_format(req, monday));
  cairn_doc_attr(doc, "prev", cairn_date_format(req, monday - 7));
  cairn_doc_attr(doc, "next", cairn_date_format(req, monday + 7));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  st = cairn_sql_prepare(req, SQL_WEEK, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_text(st, ":from", cairn_date_format(req, monday));
  cairn_sql_bind_text(st, ":to", cairn_date_format(req, monday + 7));
  rc = cairn_sql_step(st);
  for (k = 0; k < 7; k++) {
    const char *date = cairn_date_format(req, monday + k);
    cairn_doc_open(doc, "day");
    cairn_doc_attr(doc, "date", date);
    cairn_doc_attr(doc, "weekday", wd[k]);
    while (rc == 1 && strcmp(cairn_sql_text(st, 0), date) == 0) {
      if (++n > WEEK_VISITS_MAX) {
        rc = 0;
        break;
      }
      cairn_doc_open(doc, "visit");
      cairn_doc_attr(doc, "id", program_fmt_int(req, cairn_sql_int(st, 7)));
      cairn_doc_attr(doc, "type", cairn_sql_text(st, 1));
      cairn_doc_attr(doc, "state", cairn_sql_text(st, 2));
      cairn_doc_attr(doc, "name", cairn_sql_text(st, 5));
      cairn_doc_attr(doc, "identifier", cairn_sql_text(st, 6));
      cairn_doc_attr(doc, "href",
                     cairn_req_printf(req, "/patients/%lld/episodes/%lld",
                                      cairn_sql_int(st, 4),
                                      cairn_sql_int(st, 3)));
      cairn_doc_attr(doc, "visits",
                     program_visits_href(req, cairn_sql_int(st, 4),
                                         cairn_sql_int(st, 3)));
      program_doc_attendance(req, doc, cairn_sql_int(st, 4),
                             cairn_sql_int(st, 3), cairn_sql_int(st, 7),
                             date, cairn_sql_text(st, 2), "schedule");
      cairn_doc_close(doc);
      rc = cairn_sql_step(st);
    }
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  if (n > WEEK_VISITS_MAX) cairn_doc_attr(doc, "truncated", "yes");
  return cairn_respond_view(req, doc, "program/schedule", 200);
}
