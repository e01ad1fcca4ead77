/*
** pause.c -- pausing a plan and resuming it.  A paused membership is not
** billed for any month that begins on or after the day it was paused
** (the month already begun runs out); on resuming, its months count from
** the day that month ran out, or from today when that is later.  A paused
** plan gets no renewal notice and takes no visit.
*/
#include "maintenance.h"

#include <string.h>

const cairn_field mt_pause_fields[] = {
  {.name = "from", .label = "Paused from", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED | CAIRN_FIELD_FUTURE,
   .hint = "No month that begins on or after this day is billed."},
  {.name = "reason", .label = "Reason for the pause",
   .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
   .max = MT_TEXT_MAX},
  {.name = NULL}
};

/* Resuming asks nothing: the button is the decision. */
const cairn_field mt_resume_fields[] = {{.name = NULL}};

static const char LAST_MONTH_SQL[] =
    "SELECT max(period_start) FROM p_maintenance_invoice WHERE plan = :plan"
    " AND visit IS NULL AND status = 'active'";

/* See maintenance.h: billedFrom when the plan was resumed, else start. */
const char *mt_billed_from(const mt_plan_fields *f) {
  return f->billed_from ? f->billed_from : f->start;
}

/* Refuse a pause the plan's state or invoices rule out (errors on f). */
static void check_pause(cairn_req *req, const cairn_record *plan,
                        const mt_plan_fields *pf, cairn_form *f) {
  long from, start;
  cairn_error err = {0};
  if (strcmp(pf->state, "active") != 0) {
    cairn_form_error(f, "reason", "Only an active plan can be paused.");
    return;
  }
  if (cairn_form_errors(f) ||
      cairn_date_parse(cairn_form_value(f, "from"), &from) ||
      cairn_date_parse(pf->start, &start))
    return;
  if (from < start) {
    cairn_form_error(f, "from", "The plan cannot be paused before it starts.");
    return;
  }
  cairn_stmt *st = cairn_sql_prepare(req, LAST_MONTH_SQL, &err);
  if (!st) return;
  cairn_sql_bind_int(st, ":plan", cairn_record_id(plan));
  if (cairn_sql_step(st) == 1 && !cairn_sql_is_null(st, 0) &&
      strcmp(cairn_form_value(f, "from"), cairn_sql_text(st, 0)) <= 0)
    cairn_form_error(f, "from", cairn_req_printf(
        req, "The month beginning %s is already invoiced: pause from a "
             "later day.", cairn_sql_text(st, 0)));
}

/* POST .../pause: the plan paused from the day given, with the reason;
** a refused form stores nothing and shows the page again (422). */
int mt_post_pause(cairn_req *req) {
  long long patient = mt_param_id(req, "patient");
  long long episode = mt_param_id(req, "episode");
  const cairn_record *plan;
  int rc = mt_load_plan(req, patient, episode, &plan);
  if (rc) return rc;
  const char *id = cairn_req_printf(req, "pause-%lld", episode);
  cairn_form *f = cairn_form_new(req, id, mt_pause_fields);
  cairn_form_bind(f);
  mt_plan_fields pf;
  mt_plan_fields_read(plan, &pf);
  check_pause(req, plan, &pf, f);
  if (cairn_form_errors(f) == 0) {
    pf.state = "paused";
    pf.paused_on = cairn_form_value(f, "from");
    pf.pause_reason = cairn_form_value(f, "reason");
    pf.resumed_on = NULL;
    cairn_error err = {0};
    if (cairn_record_revise(req, cairn_record_id(plan),
                            cairn_record_version(plan), NULL,
                            mt_plan_body(req, &pf), &err) == CAIRN_OK)
      return cairn_respond_redirect(
          req, cairn_req_printf(req, "/patients/%lld/maintenance", patient));
    cairn_form_host_error(f, &err);
  }
  return mt_render_patient(req, patient, f, id, 422);
}

/* POST .../resume: a paused plan active again, its months counted from
** mt_resume_from; 409 when the plan is not paused. */
int mt_post_resume(cairn_req *req) {
  long long patient = mt_param_id(req, "patient");
  long long episode = mt_param_id(req, "episode");
  const cairn_record *plan;
  int rc = mt_load_plan(req, patient, episode, &plan);
  if (rc) return rc;
  mt_plan_fields pf;
  mt_plan_fields_read(plan, &pf);
  if (strcmp(pf.state, "paused") != 0)
    return cairn_respond_error(req, 409, NULL, "The plan is not paused.");
  long today = cairn_date_today(req), from, paused;
  if (cairn_date_parse(mt_billed_from(&pf), &from) ||
      cairn_date_parse(pf.paused_on, &paused))
    return cairn_respond_error(req, 409, NULL, "The plan's dates are not "
                                              "readable.");
  /* A pause that has not begun is simply withdrawn.  Otherwise the months
  ** begin again where the paid one ran out, or today. */
  if (paused <= today)
    pf.billed_from = cairn_date_format(req, mt_resume_from(from, paused,
                                                           today));
  pf.state = "active";
  pf.paused_on = pf.pause_reason = NULL;
  pf.resumed_on = cairn_date_format(req, today);
  cairn_error err = {0};
  if (cairn_record_revise(req, cairn_record_id(plan),
                          cairn_record_version(plan), NULL,
                          mt_plan_body(req, &pf), &err) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 409);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/maintenance", patient));
}
