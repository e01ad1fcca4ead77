/*
** intake.c -- the intake plugin's descriptor: record types, routes with
** their audiences, migrations, settings, init and fini.
**
** How a person becomes a patient (PROGRAM.md, steps 0 and 1): a public
** request for a discovery call, the front desk's queue, the intake
** questionnaire (filled in by staff or by the patient through a
** capability link), the red-flag screen, and enrolment into the care
** program (program:EpisodeOfCare and baseline program:Observation).
**
** Settings (config <plugin><setting name=...>):
**   content      path of data/intake-content.xml (required)
**   instruments  path of data/instruments.xml (required; the same file as
**                the program plugin's)
**   answer-days  a request not answered within this many days is flagged
**                (default 2)
**   link-days    a patient's intake link lasts this many days (default 14)
**   link-uses    and may be opened this many times (default 20): enough
**                to come back over several evenings
**   min-seconds  the public form sent sooner than this after it was
**                served is refused as automated (default 3)
**   rate-max, rate-window   at most rate-max public requests per address
**                per rate-window seconds (defaults 3 per 3600)
**   cohort       the cohort label of enrolled episodes (default "program")
**   definition   the care program's definition (default: program-
**                definition.xml beside instruments.xml); its current
**                version is the one new episodes begin under
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

CAIRN_PLUGIN_INIT1

intake_settings intake_cfg;

/* -------------------------------------------------------- record types */

static const cairn_projection request_projections[] = {
  {"name", "r:name", CAIRN_COL_TEXT},
  {"received", "r:received", CAIRN_COL_TEXT},
  {"state", "r:state", CAIRN_COL_TEXT},
  {"call_at", "r:call", CAIRN_COL_TEXT},
  {"decided", "r:decided", CAIRN_COL_TEXT},
  {"intake", "r:intake", CAIRN_COL_INT},
  {NULL, NULL, 0}
};

static const cairn_projection intake_projections[] = {
  {"state", "r:state", CAIRN_COL_TEXT},
  {"opened", "r:opened", CAIRN_COL_TEXT},
  {"request", "r:request", CAIRN_COL_INT},
  {"episode", "r:episode", CAIRN_COL_INT},
  {NULL, NULL, 0}
};

static const cairn_projection section_projections[] = {
  {"intake", "r:intake", CAIRN_COL_INT},
  {"name", "r:name", CAIRN_COL_TEXT},
  {"saved", "r:saved", CAIRN_COL_TEXT},
  {"positive", "count(r:redflags/r:answer[@value != 'no'])", CAIRN_COL_INT},
  {NULL, NULL, 0}
};

static const cairn_projection task_projections[] = {
  {"intake", "r:intake", CAIRN_COL_INT},
  {"opened", "r:opened", CAIRN_COL_TEXT},
  {"state", "r:state", CAIRN_COL_TEXT},
  {NULL, NULL, 0}
};

static const cairn_record_type record_types[] = {
  {INTAKE_T_REQUEST, INTAKE_NS, "DiscoveryRequest", "intake.xsd",
   "intake_request", 0, request_projections, NULL},
  {INTAKE_T_INTAKE, INTAKE_NS, "Intake", "intake.xsd", "intake_intake", 0,
   intake_projections, NULL},
  {INTAKE_T_SECTION, INTAKE_NS, "Section", "intake.xsd", "intake_section", 0,
   section_projections, intake_check_section},
  {INTAKE_T_TASK, INTAKE_NS, "ReferralTask", "intake.xsd", "intake_task", 0,
   task_projections, NULL},
  {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL}
};

/* --------------------------------------------------------------- routes */

#define ID "(?<id>[1-9][0-9]{0,17})"
/* The front desk answers requests; clinicians and the administrator see
** and do everything the front desk does. */
#define DESK CAIRN_AUD_STAFF

static const cairn_route routes[] = {
  {"GET", "/request-a-call", CAIRN_AUD_PUBLIC, intake_page_request,
   "public: ask for a free discovery call"},
  {"POST", "/request-a-call", CAIRN_AUD_PUBLIC, intake_post_request,
   "public: send the request (honeypot, minimum time, rate limit)"},
  {"GET", "/request-a-call/thanks", CAIRN_AUD_PUBLIC, intake_page_thanks,
   "public: thank you and what happens next"},
  {"GET", "/intake", DESK, intake_page_queue,
   "front desk: requests (unanswered flagged), open intakes, referrals"},
  {"GET", "/intake/requests/" ID, DESK, intake_page_request_detail,
   "one discovery-call request: schedule, outcome"},
  {"POST", "/intake/requests/" ID "/schedule", DESK, intake_post_schedule,
   "schedule the call"},
  {"POST", "/intake/requests/" ID "/outcome", DESK, intake_post_outcome,
   "record the call's outcome: good fit (patient + intake) or not"},
  {"GET", "/intake/" ID, DESK, intake_page_intake,
   "an intake: sections, red flags, link, enrolment"},
  {"POST", "/intake/" ID "/link", DESK, intake_post_link,
   "issue the patient's intake link (the previous one is withdrawn)"},
  {"GET", "/intake/" ID "/form", DESK | CAIRN_AUD_CAPABILITY, intake_page_form,
   "the questionnaire, one section a page (?section=)"},
  {"POST", "/intake/" ID "/form", DESK | CAIRN_AUD_CAPABILITY,
   intake_post_form, "save one section"},
  {"POST", "/intake/" ID "/clear", CAIRN_AUD_CLINICIAN, intake_post_clear,
   "clinician: clear a positive red-flag screen with a written reason"},
  {"POST", "/intake/" ID "/referral", CAIRN_AUD_CLINICIAN, intake_post_referral,
   "clinician: record the referral out that a red flag asked for"},
  {"POST", "/intake/" ID "/enrol", CAIRN_AUD_CLINICIAN, intake_post_enrol,
   "clinician: open the episode of care with its baseline"},
  {NULL, NULL, 0, NULL, NULL}
};

static const cairn_subscription subscriptions[] = {{NULL, NULL}};

static const char *const migrations[] = {
  "CREATE INDEX IF NOT EXISTS p_intake_request_by_state"
  " ON p_intake_request(state, received);",
  "CREATE INDEX IF NOT EXISTS p_intake_section_by_intake"
  " ON p_intake_section(intake, name);",
  "CREATE INDEX IF NOT EXISTS p_intake_task_by_intake"
  " ON p_intake_task(intake, state);",
  NULL
};

/* ------------------------------------------------------ the check hook */

static const xmlNode *child(const xmlNode *p, const char *name) {
  const xmlNode *c;
  for (c = p->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
      return c;
  return NULL;
}

int intake_check_section(cairn_req *req, struct _xmlDoc *body,
                         cairn_error *err) {
  const xmlNode *root = xmlDocGetRootElement(body), *name, *saved;
  xmlChar *n, *s;
  int rc = CAIRN_OK;
  if (root == NULL || (name = child(root, "name")) == NULL ||
      (saved = child(root, "saved")) == NULL)
    return intake_fail(err, CAIRN_EINVAL, NULL, "A Section needs a name.");
  n = xmlNodeGetContent(name);
  s = xmlNodeGetContent(saved);
  if (child(root, (const char *)n) == NULL) {
    rc = intake_fail(err, CAIRN_EINVAL, "name",
                     "The section is named %.20s but holds another section.",
                     (const char *)n);
  } else if (strcmp((const char *)s, cairn_req_today(req)) > 0) {
    rc = intake_fail(err, CAIRN_EINVAL, "saved",
                     "A section cannot be saved after today.");
  }
  xmlFree(n);
  xmlFree(s);
  return rc;
}

/* ------------------------------------------------------- init and fini */

/* An integer setting in [lo, hi], or its default. */
static int setting_int(const cairn_plugin_config *cfg, const char *name,
                       int def, int lo, int hi, cairn_error *err, int *bad) {
  const char *v = cairn_config_get(cfg, name);
  char *end;
  long x;
  if (v == NULL || v[0] == '\0') return def;
  x = strtol(v, &end, 10);
  if (*end != '\0' || x < lo || x > hi) {
    intake_fail(err, CAIRN_EINVAL, name,
                "intake: setting %s must be a whole number from %d to %d",
                name, lo, hi);
    *bad = 1;
  }
  return (int)x;
}

static int intake_init(const cairn_api *api, const cairn_plugin_config *cfg,
                       cairn_error *err) {
  const char *content, *instruments, *cohort, *definition;
  char defpath[4096];
  int bad = 0;
  if (api == NULL || api->api_level < 2 || api->size < sizeof(cairn_api))
    return intake_fail(err, CAIRN_EINTERNAL, NULL,
                       "intake: the host's API table is older than the "
                       "plugin needs (level 2)");
  CAIRN_PLUGIN_INIT2(api);
  content = cairn_config_get(cfg, "content");
  instruments = cairn_config_get(cfg, "instruments");
  if (content == NULL || content[0] == '\0' || instruments == NULL ||
      instruments[0] == '\0')
    return intake_fail(err, CAIRN_EINVAL, "content",
                       "intake: set <setting name=\"content\" kind=\"path\"> "
                       "(data/intake-content.xml) and <setting "
                       "name=\"instruments\" kind=\"path\"> "
                       "(data/instruments.xml)");
  /* Bounds: a day at least, a month at most, for flags and links alike;
  ** the link's days stay under the host's 90-day cap. */
  intake_cfg.answer_days = setting_int(cfg, "answer-days", 2, 1, 30, err, &bad);
  intake_cfg.link_days = setting_int(cfg, "link-days", 14, 1, 60, err, &bad);
  intake_cfg.link_uses = setting_int(cfg, "link-uses", 20, 1, 1000, err, &bad);
  intake_cfg.min_seconds = setting_int(cfg, "min-seconds", 3, 0, 120, err,
                                       &bad);
  intake_cfg.rate_max = setting_int(cfg, "rate-max", 3, 1, 1000, err, &bad);
  intake_cfg.rate_window = setting_int(cfg, "rate-window", 3600, 1, 86400,
                                       err, &bad);
  if (bad) return CAIRN_EINVAL;
  cohort = cairn_config_get(cfg, "cohort");
  intake_cfg.cohort = cohort && cohort[0] ? cohort : "program";
  if (intake_stamp_init() != 0)
    return intake_fail(err, CAIRN_EINTERNAL, NULL,
                       "intake: libsodium could not be initialised");
  /* The program definition: its own setting, else program-definition.xml
  ** beside instruments.xml (where the program plugin looks too). */
  definition = cairn_config_get(cfg, "definition");
  if (definition == NULL || definition[0] == '\0') {
    const char *slash = strrchr(instruments, '/');
    int n = slash ? (int)(slash - instruments) : 1;
    snprintf(defpath, sizeof defpath, "%.*s/program-definition.xml", n,
             slash ? instruments : ".");
    definition = defpath;
  }
  if (intake_content_load(content, instruments, definition, err) != CAIRN_OK) {
    if (err && err->code == 0) err->code = CAIRN_EINVAL;
    return err ? err->code : CAIRN_EINVAL;
  }
  if (intake_baseline_find("nrs") == NULL || intake_baseline_find("peg") == NULL)
    cairn_log(CAIRN_LOG_WARN, "intake: instruments.xml lacks nrs or peg; "
                              "the baseline asks only what is defined");
  cairn_log(CAIRN_LOG_INFO, "intake: %zu red-flag questions, %zu regions, "
            "%zu baseline measures, terms %s, program definition %d",
            intake_data->n_flags, intake_data->n_regions,
            intake_data->n_baseline, intake_data->terms_version,
            intake_data->program_version);
  return CAIRN_OK;
}

static void intake_fini(void) { intake_content_free(); }

static const cairn_plugin descriptor = {
  .abi_version = CAIRN_ABI_VERSION,
  .size = sizeof(cairn_plugin),
  .name = "intake",
  .version = "0.1.0",
  .api_level = 2,
  .description = "discovery-call requests, the intake questionnaire, red "
                 "flags, baseline measures and enrolment",
  .record_types = record_types,
  .routes = routes,
  .subscriptions = subscriptions,
  .migrations = migrations,
  .init = intake_init,
  .fini = intake_fini,
};

#pragma GCC visibility push(default)
const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
#pragma GCC visibility pop
