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
**   referrals    "yes" when the referral plugin is loaded: an open
**                red-flag task then links to writing the referral out
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CAIRN_PLUGIN_INIT1

/* The kit: documents, dates, text, forms and hashing through the host. */
#define INTAKE_API_LEVEL 6u

intake_settings intake_cfg;

/* -------------------------------------------------------- record types */

static const cairn_projection request_projections[] = {
  {.column = "name", .xpath = "r:name", .type = CAIRN_COL_TEXT},
  {.column = "received", .xpath = "r:received", .type = CAIRN_COL_TEXT},
  {.column = "state", .xpath = "r:state", .type = CAIRN_COL_TEXT},
  {.column = "call_at", .xpath = "r:call", .type = CAIRN_COL_TEXT},
  {.column = "decided", .xpath = "r:decided", .type = CAIRN_COL_TEXT},
  {.column = "intake", .xpath = "r:intake", .type = CAIRN_COL_INT},
  {.column = "stamp", .xpath = "r:stamp", .type = CAIRN_COL_TEXT},
  {.column = "overdue_since", .xpath = "r:overdueSince",
   .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

static const cairn_projection intake_projections[] = {
  {.column = "state", .xpath = "r:state", .type = CAIRN_COL_TEXT},
  {.column = "opened", .xpath = "r:opened", .type = CAIRN_COL_TEXT},
  {.column = "request", .xpath = "r:request", .type = CAIRN_COL_INT},
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "link_expires", .xpath = "r:linkExpires",
   .type = CAIRN_COL_TEXT},
  {.column = "link_sent_to", .xpath = "r:linkSentTo",
   .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

static const cairn_projection section_projections[] = {
  {.column = "intake", .xpath = "r:intake", .type = CAIRN_COL_INT},
  {.column = "name", .xpath = "r:name", .type = CAIRN_COL_TEXT},
  {.column = "saved", .xpath = "r:saved", .type = CAIRN_COL_TEXT},
  {.column = "positive",
   .xpath = "count(r:redflags/r:answer[@value != 'no'])",
   .type = CAIRN_COL_INT},
  {.column = NULL}
};

static const cairn_projection task_projections[] = {
  {.column = "intake", .xpath = "r:intake", .type = CAIRN_COL_INT},
  {.column = "opened", .xpath = "r:opened", .type = CAIRN_COL_TEXT},
  {.column = "state", .xpath = "r:state", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

static const cairn_record_type record_types[] = {
  {.name = INTAKE_T_REQUEST, .ns = INTAKE_NS, .root = "DiscoveryRequest",
   .xsd = "intake.xsd", .table = "intake_request",
   .projections = request_projections, .check = intake_check_request},
  {.name = INTAKE_T_INTAKE, .ns = INTAKE_NS, .root = "Intake",
   .xsd = "intake.xsd", .table = "intake_intake",
   .projections = intake_projections},
  {.name = INTAKE_T_SECTION, .ns = INTAKE_NS, .root = "Section",
   .xsd = "intake.xsd", .table = "intake_section",
   .projections = section_projections, .check = intake_check_section},
  {.name = INTAKE_T_TASK, .ns = INTAKE_NS, .root = "ReferralTask",
   .xsd = "intake.xsd", .table = "intake_task",
   .projections = task_projections},
  {.name = NULL}
};

/* --------------------------------------------------------------- routes */

#define ID "(?<id>[1-9][0-9]{0,17})"
/* The front desk answers requests; clinicians and the administrator see
** and do everything the front desk does. */
#define DESK CAIRN_AUD_STAFF

static const cairn_route routes[] = {
  {.method = "GET", .pattern = "/request-a-call",
   .audience = CAIRN_AUD_PUBLIC, .handler = intake_page_request,
   .summary = "public: ask for a free discovery call"},
  {.method = "POST", .pattern = "/request-a-call",
   .audience = CAIRN_AUD_PUBLIC, .handler = intake_post_request,
   .summary = "public: send the request (honeypot, minimum time, rate limit)"},
  {.method = "GET", .pattern = "/request-a-call/thanks",
   .audience = CAIRN_AUD_PUBLIC, .handler = intake_page_thanks,
   .summary = "public: thank you and what happens next"},
  {.method = "GET", .pattern = "/intake",
   .audience = DESK, .handler = intake_page_queue,
   .summary = "front desk: requests (unanswered flagged), open intakes, "
              "referrals"},
  {.method = "GET", .pattern = "/intake/requests/" ID,
   .audience = DESK, .handler = intake_page_request_detail,
   .summary = "one discovery-call request: schedule, outcome"},
  {.method = "POST", .pattern = "/intake/requests/" ID "/schedule",
   .audience = DESK, .handler = intake_post_schedule,
   .summary = "schedule the call"},
  {.method = "POST", .pattern = "/intake/requests/" ID "/outcome",
   .audience = DESK, .handler = intake_post_outcome,
   .summary = "record the call's outcome: good fit (patient + intake) or not"},
  {.method = "GET", .pattern = "/intake/" ID,
   .audience = DESK, .handler = intake_page_intake,
   .summary = "an intake: sections, red flags, link, enrolment"},
  {.method = "POST", .pattern = "/intake/link",
   .audience = DESK, .handler = intake_post_queue_link,
   .summary = "issue an open intake's link and email it (the queue's "
              "form)"},
  {.method = "POST", .pattern = "/intake/" ID "/link",
   .audience = DESK, .handler = intake_post_link,
   .summary = "issue the patient's intake link, emailed when an address "
              "is given (the previous one is withdrawn)"},
  {.method = "GET", .pattern = "/intake/" ID "/form",
   .audience = DESK | CAIRN_AUD_CAPABILITY, .handler = intake_page_form,
   .summary = "the questionnaire, one section a page (?section=)"},
  {.method = "POST", .pattern = "/intake/" ID "/form",
   .audience = DESK | CAIRN_AUD_CAPABILITY, .handler = intake_post_form,
   .summary = "save one section"},
  {.method = "POST", .pattern = "/intake/" ID "/clear",
   .audience = CAIRN_AUD_CLINICIAN, .handler = intake_post_clear,
   .summary = "clinician: clear a positive red-flag screen with a "
              "written reason"},
  {.method = "POST", .pattern = "/intake/" ID "/referral",
   .audience = CAIRN_AUD_CLINICIAN, .handler = intake_post_referral,
   .summary = "clinician: record the referral out that a red flag asked for"},
  {.method = "POST", .pattern = "/intake/" ID "/enrol",
   .audience = CAIRN_AUD_CLINICIAN, .handler = intake_post_enrol,
   .summary = "clinician: open the episode of care with its baseline"},
  {.method = NULL}
};

/* The referral plugin's records, read as data: a referral out that is
** sent closes the red-flag task it answers (no such records, no calls). */
static const cairn_subscription subscriptions[] = {
  {.record_type = "referral:Referral", .fn = intake_on_referral},
  {.record_type = NULL}
};

static const char *const migrations[] = {
  "CREATE INDEX IF NOT EXISTS p_intake_request_by_state"
  " ON p_intake_request(state, received);",
  "CREATE INDEX IF NOT EXISTS p_intake_section_by_intake"
  " ON p_intake_section(intake, name);",
  "CREATE INDEX IF NOT EXISTS p_intake_task_by_intake"
  " ON p_intake_task(intake, state);",
  "CREATE INDEX IF NOT EXISTS p_intake_request_by_stamp"
  " ON p_intake_request(stamp);",
  NULL
};

/* ------------------------------------------------------ the check hook */

/* What a Section's schema cannot say: it holds the section it is named
** for, and was not saved after today. */
int intake_check_section(cairn_req *req, cairn_doc *body, cairn_error *err) {
  const char *name = cairn_doc_value(body, NULL, "r:name");
  const char *saved = cairn_doc_value(body, NULL, "r:saved");
  if (name[0] == '\0' || cairn_doc_count(body, NULL, "r:saved") == 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "A Section needs a name.");
  if (cairn_node_child(body, NULL, name) == NULL)
    return cairn_fail(err, CAIRN_EINVAL, "name",
                      "The section is named %.20s but holds another section.",
                      name);
  if (strcmp(saved, cairn_req_today(req)) > 0)
    return cairn_fail(err, CAIRN_EINVAL, "saved",
                      "A section cannot be saved after today.");
  return CAIRN_OK;
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
    cairn_fail(err, CAIRN_EINVAL, name,
               "intake: setting %s must be a whole number from %d to %d",
               name, lo, hi);
    *bad = 1;
  }
  return (int)x;
}

/* The integer settings and the cohort into intake_cfg.  0, or
** CAIRN_EINVAL with *err naming the last bad setting. */
static int read_settings(const cairn_plugin_config *cfg, cairn_error *err) {
  const char *cohort = cairn_config_get(cfg, "cohort");
  const char *referrals = cairn_config_get(cfg, "referrals");
  int bad = 0;
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
  intake_cfg.cohort = cohort && cohort[0] ? cohort : "program";
  intake_cfg.referrals = referrals != NULL && strcmp(referrals, "yes") == 0;
  return bad ? CAIRN_EINVAL : CAIRN_OK;
}

/* The program definition's path: its own setting, else
** program-definition.xml beside instruments.xml (where the program plugin
** looks too), written into buf. */
static const char *definition_path(const cairn_plugin_config *cfg,
                                   const char *instruments, char *buf,
                                   size_t size) {
  const char *definition = cairn_config_get(cfg, "definition");
  const char *slash = strrchr(instruments, '/');
  int n = slash ? (int)(slash - instruments) : 1;
  if (definition != NULL && definition[0] != '\0') return definition;
  snprintf(buf, size, "%.*s/program-definition.xml", n,
           slash ? instruments : ".");
  return buf;
}

/* Check the host's level, read the settings, make the stamp's key, load
** the content and declare the questionnaire's fields. */
static int intake_init(const cairn_api *api, const cairn_plugin_config *cfg,
                       cairn_error *err) {
  const char *content, *instruments;
  char defpath[4096];
  if (api == NULL || api->api_level < INTAKE_API_LEVEL ||
      !CAIRN_API_HAS(api, respond_shared_fresh)) {
    /* The host's fail() may be the very entry it lacks. */
    if (err) {
      err->code = CAIRN_EINTERNAL;
      err->field[0] = '\0';
      snprintf(err->message, sizeof err->message, "intake: the host's API "
               "level is older than the plugin needs (%u)", INTAKE_API_LEVEL);
    }
    return CAIRN_EINTERNAL;
  }
  CAIRN_PLUGIN_INIT2(api);
  content = cairn_config_get(cfg, "content");
  instruments = cairn_config_get(cfg, "instruments");
  if (content == NULL || content[0] == '\0' || instruments == NULL ||
      instruments[0] == '\0')
    return cairn_fail(err, CAIRN_EINVAL, "content",
                      "intake: set <setting name=\"content\" kind=\"path\"> "
                      "(data/intake-content.xml) and <setting "
                      "name=\"instruments\" kind=\"path\"> "
                      "(data/instruments.xml)");
  if (read_settings(cfg, err) != CAIRN_OK) return CAIRN_EINVAL;
  intake_stamp_init();
  if (intake_content_load(content, instruments,
                          definition_path(cfg, instruments, defpath,
                                          sizeof defpath),
                          err) != CAIRN_OK) {
    if (err && err->code == 0) err->code = CAIRN_EINVAL;
    return err ? err->code : CAIRN_EINVAL;
  }
  if (intake_fields_init(err) != CAIRN_OK) {
    intake_content_free();
    return err && err->code ? err->code : CAIRN_EINTERNAL;
  }
  if (intake_baseline_find("nrs") == NULL ||
      intake_baseline_find("peg") == NULL)
    cairn_log(CAIRN_LOG_WARN, "intake: instruments.xml lacks nrs or peg; "
                              "the baseline asks only what is defined");
  cairn_log(CAIRN_LOG_INFO, "intake: %zu red-flag questions, %zu regions, "
            "%zu baseline measures, terms %s, program definition %d",
            intake_data->n_flags, intake_data->n_regions,
            intake_data->n_baseline, intake_data->terms_version,
            intake_data->program_version);
  return CAIRN_OK;
}

/* Free what init loaded. */
static void intake_fini(void) {
  intake_fields_free();
  intake_content_free();
}

/* How its records export as FHIR R4 (docs/fhir.md): the red-flag
** section as Flags. */
static const cairn_fhir_map fhir_maps[] = {
  {.record_type = INTAKE_T_SECTION, .view = "fhir/intake-section"},
  {.record_type = NULL}};

/* Scheduled work (docs/messages-and-jobs.md): hourly, so a request is
** marked within the hour it falls answer-days behind. */
static const cairn_job jobs[] = {
  {.name = "overdue-calls", .interval_seconds = 60 * 60,
   .handler = intake_job_overdue_calls,
   .summary = "mark discovery-call requests not answered within "
              "answer-days as overdue (queue and front-desk home)"},
  {.name = NULL}
};

static const cairn_plugin descriptor = {
  CAIRN_PLUGIN_MAGIC,
  .name = "intake",
  .version = "0.1.0",
  .api_level = INTAKE_API_LEVEL,
  .description = "discovery-call requests, the intake questionnaire, red "
                 "flags, baseline measures and enrolment",
  .record_types = record_types,
  .routes = routes,
  .subscriptions = subscriptions,
  .migrations = migrations,
  .init = intake_init,
  .fini = intake_fini,
  .jobs = jobs,
  .fhir = fhir_maps,
};

#pragma GCC visibility push(default)
const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
#pragma GCC visibility pop
