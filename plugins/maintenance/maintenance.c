/*
** maintenance.c -- the maintenance plugin: what follows graduation.  Its
** descriptor (record types, routes, the program:Graduation subscription,
** jobs) and loading the plan data at start-up.
**
** Settings (config <plugin path=".../maintenance.so">):
**   plans        data/maintenance-plans.xml installed; required
**   instruments  data/instruments.xml (best scores, items); required
**   definition   data/program-definition.xml (its current version is the
**                one a return to the program begins under); required
*/
#include "maintenance.h"

#include <string.h>

CAIRN_PLUGIN_INIT1

static const cairn_projection plan_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "kind", .xpath = "r:kind", .type = CAIRN_COL_TEXT},
  {.column = "option", .xpath = "r:option", .type = CAIRN_COL_TEXT},
  {.column = "start_date", .xpath = "r:start", .type = CAIRN_COL_TEXT},
  {.column = "state", .xpath = "r:state", .type = CAIRN_COL_TEXT},
  {.column = "end_date", .xpath = "r:endDate", .type = CAIRN_COL_TEXT},
  {.column = "terms_version", .xpath = "r:termsVersion", .type = CAIRN_COL_INT},
  {.column = NULL}
};
static const cairn_projection invoice_projections[] = {
  {.column = "plan", .xpath = "r:plan", .type = CAIRN_COL_INT},
  {.column = "period_start", .xpath = "r:periodStart", .type = CAIRN_COL_TEXT},
  {.column = "period_end", .xpath = "r:periodEnd", .type = CAIRN_COL_TEXT},
  {.column = "amount", .xpath = "r:amount", .type = CAIRN_COL_REAL},
  {.column = "visit", .xpath = "r:visit", .type = CAIRN_COL_INT},
  {.column = NULL}
};
static const cairn_projection visit_projections[] = {
  {.column = "plan", .xpath = "r:plan", .type = CAIRN_COL_INT},
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "visit_date", .xpath = "r:date", .type = CAIRN_COL_TEXT},
  {.column = "kind", .xpath = "r:kind", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};
static const cairn_projection checkin_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "months", .xpath = "r:months", .type = CAIRN_COL_INT},
  {.column = "due", .xpath = "r:due", .type = CAIRN_COL_TEXT},
  {.column = "state", .xpath = "r:state", .type = CAIRN_COL_TEXT},
  {.column = "sent_date", .xpath = "r:sent", .type = CAIRN_COL_TEXT},
  {.column = "answered", .xpath = "r:answered", .type = CAIRN_COL_TEXT},
  {.column = "score", .xpath = "r:score", .type = CAIRN_COL_REAL},
  {.column = NULL}
};
static const cairn_projection return_projections[] = {
  {.column = "previous", .xpath = "r:previous", .type = CAIRN_COL_INT},
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "phase", .xpath = "r:phase", .type = CAIRN_COL_TEXT},
  {.column = "return_date", .xpath = "r:date", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

static const cairn_record_type record_types[] = {
  {.name = MT_T_PLAN, .ns = MT_NS, .root = "Plan", .xsd = "maintenance.xsd",
   .table = "maintenance_plan", .projections = plan_projections},
  {.name = MT_T_INVOICE, .ns = MT_NS, .root = "Invoice",
   .xsd = "maintenance.xsd", .table = "maintenance_invoice",
   .projections = invoice_projections},
  {.name = MT_T_CHECKIN, .ns = MT_NS, .root = "CheckIn",
   .xsd = "maintenance.xsd", .table = "maintenance_checkin",
   .projections = checkin_projections},
  {.name = MT_T_RETURN, .ns = MT_NS, .root = "Return",
   .xsd = "maintenance.xsd", .table = "maintenance_return",
   .projections = return_projections},
  {.name = MT_T_VISIT, .ns = MT_NS, .root = "Visit", .xsd = "maintenance.xsd",
   .table = "maintenance_visit", .projections = visit_projections},
  {.name = NULL}
};

#define CLINICAL (CAIRN_AUD_CLINICIAN | CAIRN_AUD_ADMIN)
#define PATIENT "/patients/(?<patient>[1-9][0-9]{0,17})/maintenance"
#define EPISODE PATIENT "/episodes/(?<episode>[1-9][0-9]{0,17})"
#define CHECKIN "/maintenance/check-ins/(?<id>[1-9][0-9]{0,17})"

static const cairn_route routes[] = {
  {.method = "GET", .pattern = "/maintenance", .audience = CAIRN_AUD_STAFF,
   .handler = mt_page_list,
   .summary = "graduates: talk about coming back, check-ins to take by phone"},
  {.method = "GET", .pattern = PATIENT, .audience = CLINICAL,
   .handler = mt_page_patient,
   .summary = "a graduate's plan, check-ins, invoices and the way back"},
  {.method = "POST", .pattern = EPISODE "/plan", .audience = CAIRN_AUD_STAFF,
   .handler = mt_post_plan, .summary = "choose or change the plan"},
  {.method = "POST", .pattern = EPISODE "/cancel", .audience = CAIRN_AUD_STAFF,
   .handler = mt_post_cancel,
   .summary = "cancel the plan (a membership's month runs out)"},
  {.method = "POST", .pattern = EPISODE "/pause", .audience = CAIRN_AUD_STAFF,
   .handler = mt_post_pause,
   .summary = "pause the plan from a day, with a reason (no month billed)"},
  {.method = "POST", .pattern = EPISODE "/resume", .audience = CAIRN_AUD_STAFF,
   .handler = mt_post_resume, .summary = "resume a paused plan"},
  {.method = "POST", .pattern = EPISODE "/visits", .audience = CLINICAL,
   .handler = mt_post_visit,
   .summary = "record a maintenance visit (as needed: invoiced at its fee)"},
  {.method = "POST", .pattern = EPISODE "/return", .audience = CLINICAL,
   .handler = mt_post_return,
   .summary = "re-enrol: a new episode linked to this one, with a reason"},
  {.method = "GET", .pattern = CHECKIN,
   .audience = CLINICAL | CAIRN_AUD_CAPABILITY, .handler = mt_page_checkin,
   .summary = "a check-in's form (the patient's link, or staff by phone)"},
  {.method = "POST", .pattern = CHECKIN,
   .audience = CLINICAL | CAIRN_AUD_CAPABILITY, .handler = mt_post_checkin,
   .summary = "answer a check-in"},
  {.method = "GET", .pattern = "/outcomes/maintenance", .audience = CLINICAL,
   .handler = mt_page_outcomes,
   .summary = "after graduation, per check-in: n, mean improvement, >=50%, "
              "came back"},
  {.method = "GET", .pattern = "/pricing/maintenance",
   .audience = CAIRN_AUD_PUBLIC, .handler = mt_page_pricing,
   .summary = "public: the maintenance plans and their fees"},
  {.method = NULL}
};

static const cairn_subscription subscriptions[] = {
  {.record_type = "program:Graduation", .fn = mt_on_graduation},
  {.record_type = NULL}
};

static const char *const migrations[] = {
  "CREATE INDEX IF NOT EXISTS p_maintenance_plan_by_episode"
  " ON p_maintenance_plan(episode);",
  "CREATE INDEX IF NOT EXISTS p_maintenance_invoice_by_plan"
  " ON p_maintenance_invoice(plan, period_start);",
  "CREATE INDEX IF NOT EXISTS p_maintenance_checkin_by_state"
  " ON p_maintenance_checkin(state, due);",
  "CREATE INDEX IF NOT EXISTS p_maintenance_return_by_previous"
  " ON p_maintenance_return(previous);",
  "CREATE INDEX IF NOT EXISTS p_maintenance_visit_by_plan"
  " ON p_maintenance_visit(plan, visit_date);",
  /* An episode's answered check-ins, read for each graduate on the
  ** dashboard and /maintenance (large clinic, 1,000 plans and 4,000
  ** check-ins: 0.88 s of scans by state -> 3 ms). */
  "CREATE INDEX IF NOT EXISTS p_maintenance_checkin_by_episode"
  " ON p_maintenance_checkin(episode, months);",
  NULL
};

/* Intervals of the jobs. */
#define HOURLY (60 * 60)

static const cairn_job jobs[] = {
  {.name = "billing", .interval_seconds = HOURLY, .handler = mt_job_billing,
   .summary = "one invoice a month per membership, never per visit"},
  {.name = "renewal-notices", .interval_seconds = HOURLY,
   .handler = mt_job_notices,
   .summary = "email a membership's renewal notice N days before"},
  {.name = "check-ins", .interval_seconds = HOURLY, .handler = mt_job_checkins,
   .summary = "send check-ins that fall due, and one reminder"},
  {.name = NULL}
};

int mt_referrals;   /* see maintenance.h */

static int maintenance_init(const cairn_api *api,
                            const cairn_plugin_config *cfg,
                            cairn_error *err) {
  CAIRN_PLUGIN_INIT2(api);
  if (!CAIRN_API_HAS(api, sql_done))
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "maintenance: the host is older than the plugin needs "
                      "(level 6 with sql_done)");
  static const char *const required[] = {"plans", "instruments", "definition",
                                         NULL};
  for (int i = 0; required[i]; i++) {
    const char *v = cairn_config_get(cfg, required[i]);
    if (!v || !v[0])
      return cairn_fail(err, CAIRN_EINVAL, required[i],
                        "maintenance: the setting \"%s\" is required",
                        required[i]);
  }
  const char *ref = cairn_config_get(cfg, "referrals");
  mt_referrals = ref != NULL && strcmp(ref, "yes") == 0;
  int rc = mt_data_load(cairn_config_get(cfg, "plans"),
                        cairn_config_get(cfg, "instruments"),
                        cairn_config_get(cfg, "definition"), err);
  if (rc) {
    mt_data_free();
    return rc;
  }
  cairn_log(CAIRN_LOG_INFO, "maintenance: terms version %d current, %d plans",
            mt.current, mt_terms_current()->n_options);
  return CAIRN_OK;
}

static void maintenance_fini(void) { mt_data_free(); }

/* The body elements that hold record ids (level 5): `cairn import`
** rewrites them when a bundle's records get new ids.  A check-in's linkId
** is a capability's id, not a record's. */
static const cairn_reference references[] = {
  {.record_type = MT_T_PLAN, .element = "episode"},
  {.record_type = MT_T_INVOICE, .element = "plan"},
  {.record_type = MT_T_INVOICE, .element = "visit"},
  {.record_type = MT_T_VISIT, .element = "plan"},
  {.record_type = MT_T_VISIT, .element = "episode"},
  {.record_type = MT_T_CHECKIN, .element = "episode"},
  {.record_type = MT_T_CHECKIN, .element = "observation"},
  {.record_type = MT_T_RETURN, .element = "previous"},
  {.record_type = MT_T_RETURN, .element = "episode"},
  {.record_type = NULL}};

static const cairn_plugin descriptor = {
  CAIRN_PLUGIN_MAGIC,
  .name = "maintenance",
  .version = "0.1.0",
  .api_level = 6,
  .description = "after graduation: plans, memberships billed by the month, "
                 "check-ins and the way back",
  .record_types = record_types,
  .routes = routes,
  .subscriptions = subscriptions,
  .migrations = migrations,
  .init = maintenance_init,
  .fini = maintenance_fini,
  .jobs = jobs,
  .sections = mt_sections,
  .references = references,
};

const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
