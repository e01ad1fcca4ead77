/*
** desk.c -- the visits of one episode as front desk works them (GET
** /patients/{p}/episodes/{e}/visits): the patient, the phase, every visit
** with its date, type and state (never its notes), a form to book or
** record one, and "attended" / "missed" for a booked visit that is due
** (POST .../visits/{v}/attendance).  A refused visit posted by front desk
** comes back on this page, not on the clinician's episode page: a refusal
** shows only what its caller may read.  Front desk's home page is
** desk_home.c.
*/
#include "program.h"

#include <stdlib.h>
#include <string.h>

/* Visits the page lists: a long monthly program has ~60. */
#define DESK_VISITS_MAX 300

static const char SQL_DESK_VISITS[] =
    "SELECT record, visit_date, visit_type, state"
    " FROM p_program_encounter WHERE episode = :episode"
    " AND status <> 'entered-in-error' ORDER BY visit_date, record"
    " LIMIT 300";

static const char *const DESK_TYPE_CHOICES[] = {
  "needling", "Needling session", "herbal-review", "Herbal review",
  "exercise", "Exercise session", "other", "Other", NULL};
static const char *const DESK_STATE_CHOICES[] = {
  "planned", "Booked (to come)", "finished", "Attended (delivered)", NULL};

/* The visit form as front desk sees it: no clinical notes. */
const cairn_field program_desk_visit_fields[] = {
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED | CAIRN_FIELD_FUTURE},
  {.name = "type", .label = "Type", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = DESK_TYPE_CHOICES},
  {.name = "state", .label = "Status", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = DESK_STATE_CHOICES},
  {.name = NULL}};

/* See careprogram.h: front desk reads no clinical page. */
int program_is_front_desk(cairn_req *req) {
  const char *role = cairn_req_role(req);
  return role != NULL && strcmp(role, "front-desk") == 0;
}

/* See careprogram.h: "/patients/P/episodes/E/visits", in the arena. */
const char *program_visits_href(cairn_req *req, long long patient,
                                long long episode) {
  return cairn_req_printf(req, "/patients/%lld/episodes/%lld/visits",
                          patient, episode);
}

/* The attendance buttons of a booked visit due by today. */
static void doc_attendance(cairn_req *req, cairn_doc *doc, long long patient,
                           long long episode, long long visit,
                           const char *from) {
  cairn_doc_open(doc, "attendance");
  cairn_doc_attr(doc, "action",
                 cairn_req_printf(req, "/patients/%lld/episodes/%lld/visits/"
                                       "%lld/attendance", patient, episode,
                                  visit));
  cairn_doc_attr(doc, "from", from);
  cairn_doc_close(doc);
}

/* See careprogram.h: only a booked visit dated today or earlier can have
** happened or been missed. */
void program_doc_attendance(cairn_req *req, cairn_doc *doc, long long patient,
                            long long episode, long long visit,
                            const char *date, const char *state,
                            const char *from) {
  const char *today = cairn_req_today(req);
  if (strcmp(state, "planned") == 0 && today && strcmp(date, today) <= 0)
    doc_attendance(req, doc, patient, episode, visit, from);
}

/*
** GET .../visits  ->  view program/visits
**   <visits-page today= episode-href=?>
**     <problem>message</problem>?
**     <patient id= identifier= name= .../>
**     <episode id= phase= phase-label= period-start=/>
**     <visit id= date= type= state=><attendance action= from=/>?</visit>*
**     <form id="visit" .../>?      (while the episode runs)
**   </visits-page>
** episode-href (the clinician's episode page) only for those who may open
** it.
*/
int program_render_visits(cairn_req *req, const program_patient *p,
                          const program_episode *e, const program_form *posted,
                          int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "visits-page");
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  cairn_form *f;
  int rc, n = 0;
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  if (!program_is_front_desk(req))
    cairn_doc_attr(doc, "episode-href",
                   cairn_req_printf(req, "/patients/%lld/episodes/%lld",
                                    p->id, e->id));
  if (posted && posted->problem) cairn_doc_text(doc, "problem",
                                                posted->problem);
  program_doc_patient(doc, p);
  cairn_doc_open(doc, "episode");
  cairn_doc_attr(doc, "id", program_fmt_int(req, e->id));
  if (e->phase != PHASE_NONE) {
    cairn_doc_attr(doc, "phase", program_phase_code(e->phase));
    cairn_doc_attr(doc, "phase-label", program_phase_label(e->phase));
  }
  if (e->period_start) cairn_doc_attr(doc, "period-start", e->period_start);
  cairn_doc_close(doc);
  st = cairn_sql_prepare(req, SQL_DESK_VISITS, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", e->id);
  while ((rc = cairn_sql_step(st)) == 1 && n++ < DESK_VISITS_MAX) {
    const char *date = cairn_req_strdup(req, cairn_sql_text(st, 1));
    const char *state = cairn_req_strdup(req, cairn_sql_text(st, 3));
    cairn_doc_open(doc, "visit");
    cairn_doc_attr(doc, "id", program_fmt_int(req, cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "date", date);
    cairn_doc_attr(doc, "type", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "state", state);
    if (e->phase != PHASE_GRADUATED && e->phase != PHASE_EXITED)
      program_doc_attendance(req, doc, p->id, e->id, cairn_sql_int(st, 0),
                             date, state, "visits");
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  if (e->phase != PHASE_NONE && e->phase != PHASE_GRADUATED &&
      e->phase != PHASE_EXITED) {
    f = program_form_for(req, posted, "visit", program_desk_visit_fields);
    if (f != (posted ? posted->form : NULL)) {
      cairn_form_set(f, "type", "needling");
      cairn_form_set(f, "state", "planned");
    }
    program_form_doc(doc, f, program_visits_href(req, p->id, e->id),
                     "Save the visit", "Book or record a visit");
  }
  return cairn_respond_view(req, doc, "program/visits", status);
}

int program_page_visits(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  return program_render_visits(req, &p, e, NULL, 200);
}

/* POST .../visits/{v}/attendance  attended=yes|no [from=schedule|home]: a
** new version of the booked visit, finished (it happened) or missed.  303
** to the page it came from (the visits page, the schedule's week, home). */
int program_post_attendance(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  program_form pf = {.id = "attendance", .form = NULL, .problem = NULL};
  cairn_error err = {0, "", ""};
  const cairn_record *rec;
  const char *vid = cairn_req_param(req, "visit");
  const char *attended, *from, *notes;
  int rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  if (strcmp(cairn_req_content_type(req),
             "application/x-www-form-urlencoded") != 0)
    return program_unsupported(req);
  rc = cairn_record_get_for_patient(req, p.id, vid ? strtoll(vid, NULL, 10)
                                                   : 0, &rec, &err);
  if (rc == CAIRN_OK &&
      (strcmp(cairn_record_type_name(rec), PROGRAM_T_ENCOUNTER) != 0 ||
       strtoll(cairn_record_value(rec, "r:episode"), NULL, 10) != e->id))
    rc = cairn_fail(&err, CAIRN_ENOTFOUND, NULL, "There is no such visit.");
  if (rc == CAIRN_ENOTFOUND)
    return cairn_respond_error(req, 404, NULL, "There is no such visit.");
  if (rc != CAIRN_OK) return rc;
  attended = program_trim(req, cairn_req_form(req, "attended"));
  from = program_trim(req, cairn_req_form(req, "from"));
  pf.form = cairn_form_new(req, pf.id, program_desk_visit_fields);
  if (strcmp(cairn_record_value(rec, "r:state"), "planned") != 0) {
    pf.problem = "This visit is already recorded; it was not booked.";
    return program_render_visits(req, &p, e, &pf, 409);
  }
  if (strcmp(attended, "yes") != 0 && strcmp(attended, "no") != 0) {
    pf.problem = "Say whether the patient came: attended or missed.";
    return program_render_visits(req, &p, e, &pf, 422);
  }
  notes = cairn_record_value(rec, "r:notes");
  {
    const char *pairs[] = {
      "episode", cairn_record_value(rec, "r:episode"),
      "date", cairn_record_value(rec, "r:date"),
      "type", cairn_record_value(rec, "r:type"),
      "state", strcmp(attended, "yes") == 0 ? "finished" : "missed",
      "notes", notes, NULL, NULL};
    rc = cairn_record_revise(req, cairn_record_id(rec),
                             cairn_record_version(rec), NULL,
                             program_body(req, "Encounter", pairs), &err);
  }
  if (rc == CAIRN_OK) {
    if (strcmp(from, "schedule") == 0)
      return cairn_respond_redirect(req, cairn_req_printf(
          req, "/schedule?week=%s", cairn_record_value(rec, "r:date")));
    if (strcmp(from, "home") == 0) return cairn_respond_redirect(req, "/");
    return cairn_respond_redirect(req, program_visits_href(req, p.id, e->id));
  }
  if (rc != CAIRN_EINVAL && rc != CAIRN_ECONFLICT)
    return cairn_respond_failure(req, &err, 422);
  pf.problem = cairn_req_strdup(req, err.message);
  return program_render_visits(req, &p, e, &pf,
                               rc == CAIRN_ECONFLICT ? 409 : 422);
}
