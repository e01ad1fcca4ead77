/*
** plan.c -- a patient's maintenance plan: made at graduation (the
** program:Graduation subscriber), shown on the patient's maintenance page,
** chosen or changed, and cancelled (the month runs out).
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

#define PLANNERS "/patients/%lld/maintenance"

/* ------------------------------------------------------ at graduation */

static const char HAS_PLAN_SQL[] =
    "SELECT count(*) FROM p_maintenance_plan WHERE episode = :e";

int mt_on_graduation(cairn_req *req, const cairn_record *rec,
                     cairn_error *err) {
  const mt_terms *t = mt_terms_current();
  const char *episode = cairn_record_value(rec, "r:episode");
  const char *date = cairn_record_value(rec, "r:date");
  long long patient = cairn_record_patient(rec), id;
  long grad;
  if (cairn_date_parse(date, &grad) != CAIRN_OK)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "maintenance: the graduation has no date");
  cairn_stmt *st = cairn_sql_prepare(req, HAS_PLAN_SQL, err);
  if (!st) return err->code;
  cairn_sql_bind_int(st, ":e", strtoll(episode, NULL, 10));
  if (cairn_sql_step(st) == 1 && cairn_sql_int(st, 0) > 0) return CAIRN_OK;
  mt_plan_fields f = {
    .episode = episode, .option = "home", .kind = "home", .start = date,
    .graduated = date, .terms_version = mt_int(req, t->version),
    .state = "active",
  };
  int rc = cairn_record_create(req, MT_T_PLAN, patient, mt_plan_body(req, &f),
                               &id, err);
  for (int i = 0; rc == CAIRN_OK && i < t->n_checkins; i++) {
    mt_checkin_fields c = {
      .episode = episode, .months = mt_int(req, t->checkin_months[i]),
      .due = cairn_date_format(req, mt_add_months(grad, t->checkin_months[i])),
      .state = "scheduled",
    };
    rc = cairn_record_create(req, MT_T_CHECKIN, patient,
                             mt_checkin_body(req, &c), &id, err);
  }
  return rc;
}

/* ---------------------------------------------------------- the forms */

/* The plans of the current terms as radio choices: id, name, ... NULL. */
static const char *const *option_choices(cairn_req *req) {
  const mt_terms *t = mt_terms_current();
  const char **c = cairn_req_alloc(req, sizeof *c * (2 * t->n_options + 1));
  for (int i = 0; i < t->n_options; i++) {
    c[2 * i] = t->options[i].id;
    c[2 * i + 1] = t->options[i].name;
  }
  return c;
}

/* The plan form's fields (choices from the current terms). */
static cairn_field *plan_fields(cairn_req *req) {
  cairn_field *f = cairn_req_alloc(req, sizeof *f * 5);
  f[0] = (cairn_field){.name = "option", .label = "Plan",
                       .kind = CAIRN_FIELD_RADIO,
                       .flags = CAIRN_FIELD_REQUIRED,
                       .choices = option_choices(req)};
  f[1] = (cairn_field){.name = "start", .label = "Starts on",
                       .kind = CAIRN_FIELD_DATE,
                       .flags = CAIRN_FIELD_REQUIRED | CAIRN_FIELD_FUTURE};
  f[2] = (cairn_field){.name = "email", .label = "Email for check-ins and notices",
                       .kind = CAIRN_FIELD_EMAIL,
                       .hint = "Check-in links and renewal notices go here."};
  f[3] = (cairn_field){.name = "firstName", .label = "First name (for the greeting)",
                       .kind = CAIRN_FIELD_TEXT, .max = 60};
  return f;
}

static const cairn_field cancel_fields[] = {
  {.name = "reason", .label = "Reason", .kind = CAIRN_FIELD_TEXTAREA,
   .flags = CAIRN_FIELD_REQUIRED, .max = MT_TEXT_MAX},
  {.name = NULL}
};


/* ----------------------------------------------------------- the page */

static const char PATIENT_SQL[] =
    "SELECT name FROM p_program_patient WHERE record = :p";
static const char GRADUATED_SQL[] =
    "SELECT g.episode, g.date, g.improvement FROM p_program_graduation g"
    " WHERE g.patient = :p AND g.status = 'active' ORDER BY g.date, g.record";
static const char CHECKINS_SQL[] =
    "SELECT record FROM p_maintenance_checkin WHERE episode = :e"
    " AND status = 'active' ORDER BY months";
static const char INVOICES_SQL[] =
    "SELECT period_start, period_end, amount, visit FROM p_maintenance_invoice"
    " WHERE plan = :plan AND status = 'active' ORDER BY period_start, record";
static const char VISITS_SQL[] =
    "SELECT visit_date, kind FROM p_maintenance_visit"
    " WHERE plan = :plan AND status = 'active' ORDER BY visit_date, record";
static const char RETURN_SQL[] =
    "SELECT episode, phase, return_date FROM p_maintenance_return"
    " WHERE previous = :e AND status = 'active'";
static const char CAME_FROM_SQL[] =
    "SELECT previous FROM p_maintenance_return WHERE episode = :e"
    " AND status = 'active'";

/* One plan as attributes of <plan>. */
static void plan_doc(cairn_req *req, cairn_doc *doc, const cairn_record *p) {
  mt_plan_fields f;
  mt_plan_fields_read(p, &f);
  const mt_terms *t = mt_terms_find(atoi(f.terms_version ? f.terms_version : "0"));
  const mt_option *o = mt_option_find(t, f.option);
  cairn_doc_open(doc, "plan");
  cairn_doc_attr(doc, "record", mt_int(req, cairn_record_id(p)));
  cairn_doc_attr(doc, "option", f.option);
  cairn_doc_attr(doc, "kind", f.kind);
  cairn_doc_attr(doc, "start", f.start);
  cairn_doc_attr(doc, "renewal", f.renewal);
  cairn_doc_attr(doc, "state", f.state);
  cairn_doc_attr(doc, "end-date", f.end_date);
  cairn_doc_attr(doc, "email", f.email);
  cairn_doc_attr(doc, "terms-version", f.terms_version);
  cairn_doc_attr(doc, "paused-on", f.paused_on);
  cairn_doc_attr(doc, "resumed-on", f.resumed_on);
  cairn_doc_attr(doc, "billed-from", f.billed_from);
  if (o) {
    cairn_doc_attr(doc, "name", o->name);
    if (strcmp(o->kind, "membership") == 0) {
      cairn_doc_attr(doc, "monthly-fee", mt_money(req, o->monthly_fee));
      cairn_doc_attr(doc, "visits-included", mt_int(req, o->visits_included));
    }
    if (strcmp(o->kind, "as-needed") == 0)
      cairn_doc_attr(doc, "visit-fee", mt_money(req, o->visit_fee));
    cairn_doc_attr(doc, "currency", t->currency);
  }
  cairn_doc_text(doc, "end-reason", f.end_reason);
  cairn_doc_text(doc, "pause-reason", f.pause_reason);
  cairn_error err = {0};
  cairn_stmt *st = cairn_sql_prepare(req, INVOICES_SQL, &err);
  if (st) {
    cairn_sql_bind_int(st, ":plan", cairn_record_id(p));
    while (cairn_sql_step(st) == 1) {
      cairn_doc_open(doc, "invoice");
      cairn_doc_attr(doc, "period-start", cairn_sql_text(st, 0));
      cairn_doc_attr(doc, "period-end", cairn_sql_text(st, 1));
      cairn_doc_attr(doc, "amount", mt_money(req, cairn_sql_real(st, 2)));
      if (!cairn_sql_is_null(st, 3)) cairn_doc_attr(doc, "visit", "yes");
      cairn_doc_close(doc);
    }
  }
  st = cairn_sql_prepare(req, VISITS_SQL, &err);
  if (st) {
    cairn_sql_bind_int(st, ":plan", cairn_record_id(p));
    while (cairn_sql_step(st) == 1) {
      cairn_doc_open(doc, "visit");
      cairn_doc_attr(doc, "date", cairn_sql_text(st, 0));
      cairn_doc_attr(doc, "kind", cairn_sql_text(st, 1));
      cairn_doc_close(doc);
    }
  }
  cairn_doc_close(doc);
}

/* The check-ins of an episode, with each improvement. */
static void checkins_doc(cairn_req *req, cairn_doc *doc, long long episode) {
  cairn_error err = {0};
  const char *instrument = NULL;
  double baseline = 0;
  int have_base = mt_episode_baseline(req, episode, &instrument, &baseline) == 0;
  const mt_instrument *in = have_base ? mt_instrument_find(instrument) : NULL;
  cairn_stmt *st = cairn_sql_prepare(req, CHECKINS_SQL, &err);
  if (!st) return;
  cairn_sql_bind_int(st, ":e", episode);
  while (cairn_sql_step(st) == 1) {
    const cairn_record *c;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &c, &err)) continue;
    mt_checkin_fields f;
    mt_checkin_fields_read(c, &f);
    cairn_doc_open(doc, "checkin");
    cairn_doc_attr(doc, "record", mt_int(req, cairn_record_id(c)));
    cairn_doc_attr(doc, "months", f.months);
    cairn_doc_attr(doc, "due", f.due);
    cairn_doc_attr(doc, "state", f.state);
    cairn_doc_attr(doc, "sent", f.sent);
    cairn_doc_attr(doc, "reminded", f.reminded);
    cairn_doc_attr(doc, "answered", f.answered);
    cairn_doc_attr(doc, "via", f.via);
    cairn_doc_attr(doc, "score", f.score);
    cairn_doc_attr(doc, "pgic", f.pgic);
    cairn_doc_attr(doc, "home-routine", f.home);
    double imp;
    if (f.score && in &&
        mt_improvement(baseline, strtod(f.score, NULL), in->best, &imp) == 0)
      cairn_doc_attr(doc, "improvement", cairn_format_number(req, imp * 100, 0));
    cairn_doc_text(doc, "comment", f.comment);
    cairn_doc_close(doc);
  }
}

/* The forms of an episode's plan, each posting to its own path. */
typedef struct plan_form {
  const char *action;        /* the path's last part and the form id's
                             ** prefix: "plan" posts to .../plan */
  const char *button;        /* its button */
} plan_form;

static const plan_form forms[] = {
  {.action = "plan", .button = "Save the plan"},
  {.action = "cancel", .button = "Cancel the plan"},
  {.action = "return", .button = "Open a new episode"},
  {.action = "pause", .button = "Pause the plan"},
  {.action = "resume", .button = "Resume the plan"},
  {.action = "visits", .button = "Record the visit"},
  {.action = NULL}
};

/* Every form of episode e (plan p, or NULL), `bound` in place of the one
** whose id is bound_id. */
static void episode_forms(cairn_req *req, cairn_doc *doc, long long patient,
                          long long e, const cairn_record *p,
                          cairn_form *bound, const char *bound_id) {
  const char *base = cairn_req_printf(req, PLANNERS "/episodes/%lld",
                                      patient, e);
  for (const plan_form *pf = forms; pf->action; pf++) {
    const char *id = cairn_req_printf(req, "%s-%lld", pf->action, e);
    const cairn_field *fields =
        strcmp(pf->action, "plan") == 0      ? plan_fields(req)
        : strcmp(pf->action, "cancel") == 0  ? cancel_fields
        : strcmp(pf->action, "return") == 0  ? mt_return_fields
        : strcmp(pf->action, "pause") == 0   ? mt_pause_fields
        : strcmp(pf->action, "resume") == 0  ? mt_resume_fields
                                             : mt_visit_fields;
    cairn_form *f;
    if (bound && strcmp(bound_id, id) == 0) {
      f = bound;
    } else {
      f = cairn_form_new(req, id, fields);
      if (strcmp(pf->action, "plan") == 0 && p) {
        cairn_form_set(f, "option", cairn_record_value(p, "r:option"));
        cairn_form_set(f, "start", cairn_req_today(req));
        cairn_form_set(f, "email", cairn_record_value(p, "r:email"));
        cairn_form_set(f, "firstName", cairn_record_value(p, "r:firstName"));
      }
      if (strcmp(pf->action, "pause") == 0 || strcmp(pf->action, "visits") == 0)
        cairn_form_set(f, strcmp(pf->action, "pause") == 0 ? "from" : "date",
                       cairn_req_today(req));
    }
    cairn_form_doc(doc, f, cairn_req_printf(req, "%s/%s", base, pf->action),
                   pf->button);
  }
}

/* The page, with `bound` (a form that was refused, or NULL) in place of
** the form of the same id for episode `bound_episode`. */
static int render(cairn_req *req, long long patient, cairn_form *bound,
                  const char *bound_id, int status) {
  cairn_error err = {0};
  const mt_terms *t = mt_terms_current();
  cairn_doc *doc = cairn_doc_new(req, NULL, "maintenance-patient");
  cairn_doc_attr(doc, "patient", mt_int(req, patient));
  cairn_stmt *st = cairn_sql_prepare(req, PATIENT_SQL, &err);
  if (!st) return err.code;
  cairn_sql_bind_int(st, ":p", patient);
  if (cairn_sql_step(st) != 1)
    return mt_error_page(req, 404, "There is no such patient.");
  cairn_doc_attr(doc, "name", cairn_sql_text(st, 0));
  cairn_doc_attr(doc, "referral-form", mt_referrals ? "yes" : "no");
  cairn_doc_attr(doc, "currency", t->currency);
  cairn_stmt *g = cairn_sql_prepare(req, GRADUATED_SQL, &err);
  if (!g) return err.code;
  cairn_sql_bind_int(g, ":p", patient);
  while (cairn_sql_step(g) == 1) {
    long long e = cairn_sql_int(g, 0);
    const char *ep = mt_int(req, e);
    cairn_doc_open(doc, "episode");
    cairn_doc_attr(doc, "id", ep);
    cairn_doc_attr(doc, "graduated", cairn_sql_text(g, 1));
    if (!cairn_sql_is_null(g, 2))
      cairn_doc_attr(doc, "improvement",
                     cairn_format_number(req, cairn_sql_real(g, 2) * 100, 0));
    mt_loss v = mt_episode_verdict(req, e, t);
    cairn_doc_attr(doc, "verdict",
                   v == MT_LOSS_NONE ? "held"
                   : v == MT_LOSS_UNDEFINED ? "undefined" : "talk");
    cairn_doc_text(doc, "verdict-text", mt_loss_text(v));
    const cairn_record *p = mt_plan_of_episode(req, e);
    if (p) plan_doc(req, doc, p);
    checkins_doc(req, doc, e);
    st = cairn_sql_prepare(req, RETURN_SQL, &err);
    if (st) {
      cairn_sql_bind_int(st, ":e", e);
      if (cairn_sql_step(st) == 1) {
        cairn_doc_open(doc, "came-back");
        cairn_doc_attr(doc, "episode", cairn_sql_text(st, 0));
        cairn_doc_attr(doc, "phase", cairn_sql_text(st, 1));
        cairn_doc_attr(doc, "date", cairn_sql_text(st, 2));
        cairn_doc_close(doc);
      }
    }
    st = cairn_sql_prepare(req, CAME_FROM_SQL, &err);
    if (st) {
      cairn_sql_bind_int(st, ":e", e);
      if (cairn_sql_step(st) == 1)
        cairn_doc_text(doc, "previous", cairn_sql_text(st, 0));
    }
    episode_forms(req, doc, patient, e, p, bound, bound_id);
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "maintenance/patient", status);
}

int mt_page_patient(cairn_req *req) {
  long long patient = mt_param_id(req, "patient");
  cairn_audit_note(req, patient, 0);
  return render(req, patient, NULL, "", 200);
}

/* See maintenance.h. */
int mt_load_plan(cairn_req *req, long long patient, long long episode,
                     const cairn_record **plan) {
  cairn_error err = {0};
  const cairn_record *ep;
  if (cairn_record_get_for_patient(req, patient, episode, &ep, &err))
    return mt_error_page(req, 404, "There is no such episode.");
  *plan = mt_plan_of_episode(req, episode);
  if (!*plan)
    return mt_error_page(req, 409, "This episode has not graduated: it has "
                                   "no maintenance plan.");
  return CAIRN_OK;
}

/* A form bound to what was posted. */
static cairn_form *bind(cairn_req *req, const char *id,
                        const cairn_field *fields) {
  cairn_form *f = cairn_form_new(req, id, fields);
  cairn_form_bind(f);
  return f;
}

int mt_post_plan(cairn_req *req) {
  long long patient = mt_param_id(req, "patient");
  long long episode = mt_param_id(req, "episode");
  const cairn_record *plan;
  int rc = mt_load_plan(req, patient, episode, &plan);
  if (rc) return rc;
  const char *id = cairn_req_printf(req, "plan-%lld", episode);
  cairn_form *f = bind(req, id, plan_fields(req));
  const mt_terms *t = mt_terms_current();
  const mt_option *o = mt_option_find(t, cairn_form_value(f, "option"));
  long start = 0;
  if (cairn_form_errors(f) == 0) {
    cairn_date_parse(cairn_form_value(f, "start"), &start);
    long grad;
    cairn_date_parse(cairn_record_value(plan, "r:graduated"), &grad);
    if (start < grad)
      cairn_form_error(f, "start", "A maintenance plan cannot start before "
                                   "the graduation.");
    if (o && strcmp(o->kind, "membership") == 0 &&
        !cairn_form_value(f, "email")[0])
      cairn_form_error(f, "email", "A membership needs an email address for "
                                   "its renewal notice.");
  }
  if (cairn_form_errors(f) == 0 && o) {
    mt_plan_fields pf;
    mt_plan_fields_read(plan, &pf);
    pf.option = o->id;
    pf.kind = o->kind;
    pf.start = cairn_form_value(f, "start");
    pf.terms_version = mt_int(req, t->version);
    pf.renewal = strcmp(o->kind, "membership") == 0
        ? cairn_date_format(req, mt_next_renewal(start, start, o->term_months))
        : NULL;
    pf.state = "active";
    pf.end_date = pf.end_reason = pf.notice_for = NULL;
    pf.billed_from = pf.paused_on = pf.pause_reason = pf.resumed_on = NULL;
    pf.email = cairn_form_value(f, "email");
    pf.first_name = cairn_form_value(f, "firstName");
    cairn_error err = {0};
    if (cairn_record_revise(req, cairn_record_id(plan),
                            cairn_record_version(plan), NULL,
                            mt_plan_body(req, &pf), &err) == CAIRN_OK)
      return cairn_respond_redirect(
          req, cairn_req_printf(req, PLANNERS, patient));
    cairn_form_host_error(f, &err);
  }
  return render(req, patient, f, id, 422);
}

int mt_post_cancel(cairn_req *req) {
  long long patient = mt_param_id(req, "patient");
  long long episode = mt_param_id(req, "episode");
  const cairn_record *plan;
  int rc = mt_load_plan(req, patient, episode, &plan);
  if (rc) return rc;
  const char *id = cairn_req_printf(req, "cancel-%lld", episode);
  cairn_form *f = bind(req, id, cancel_fields);
  mt_plan_fields pf;
  mt_plan_fields_read(plan, &pf);
  if (strcmp(pf.state, "ended") == 0)
    cairn_form_error(f, "reason", "The plan has already ended.");
  if (cairn_form_errors(f) == 0) {
    long today = cairn_date_today(req), start;
    cairn_date_parse(mt_billed_from(&pf), &start);
    /* A membership's paid month runs out; anything else, or a paused
    ** membership (its pause stays on the record and bounds its billing),
    ** ends today. */
    int runs_out = strcmp(pf.kind, "membership") == 0 &&
                   strcmp(pf.state, "active") == 0 && start <= today;
    pf.state = "ended";
    pf.end_reason = cairn_form_value(f, "reason");
    pf.end_date = cairn_date_format(
        req, runs_out ? mt_period_end(start, today) : today);
    cairn_error err = {0};
    if (cairn_record_revise(req, cairn_record_id(plan),
                            cairn_record_version(plan), NULL,
                            mt_plan_body(req, &pf), &err) == CAIRN_OK)
      return cairn_respond_redirect(
          req, cairn_req_printf(req, PLANNERS, patient));
    cairn_form_host_error(f, &err);
  }
  return render(req, patient, f, id, 422);
}

int mt_render_patient(cairn_req *req, long long patient, cairn_form *bound,
                      const char *bound_id, int status) {
  return render(req, patient, bound, bound_id, status);
}
