/*
** referral.c -- the referral plugin's descriptor: record types, routes with
** their audiences, the job, migrations, settings, init and fini.
**
** Referrals onward (PROGRAM.md, "Referrals"): a directory of trusted
** partners; specific referrals that carry where the patient is, what they
** need next and who the clinic trusts to take them there; the partner's
** handoff page through a capability link, sent by email; tracking for
** staff.  The plugin stands on the kit alone: it reads the program's (and,
** when installed, the herbal and exercise plugins') records through their
** projection tables and never calls another plugin.
**
** Settings (config <plugin><setting name=...>):
**   link-days      the partner's link lasts this many days (default 60,
**                  at most 90: the core's longest link)
**   ack-days       a referral sent and not acknowledged after this many
**                  days is flagged by the job (default 7)
**   instruments    path of data/instruments.xml (optional): measure names
**                  and the chart's scale; without it, ids and the scores'
**                  own range
**   clinic-phone, clinic-email, clinic-address
**                  the clinic's contact, shown on the partner's page and
**                  the letter (optional, each one line)
*/
#include "referral.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CAIRN_PLUGIN_INIT1

/* Level 4: the outbox (message_queue, public_url, transaction) and jobs;
** level 5: the FHIR mapping; level 6: the error page and sections. */
#define REFERRAL_API_LEVEL 6u

/* The link's default life (the 60 days) and the core's bounds of
** a capability link (60 s .. 90 days). */
#define LINK_DAYS_DEFAULT 60
#define LINK_DAYS_MAX 90
/* A week without an answer is worth a phone call. */
#define ACK_DAYS_DEFAULT 7
#define ACK_DAYS_MAX 60
/* How often the job looks: referrals age in days, hourly is plenty. */
#define JOB_INTERVAL_SECONDS (60 * 60)

referral_settings referral_cfg;
referral_instrument referral_instruments[REFERRAL_INSTRUMENTS_MAX];
size_t referral_n_instruments;

/* -------------------------------------------------------- record types */

static const cairn_projection partner_projections[] = {
  {.column = "name", .xpath = "r:name", .type = CAIRN_COL_TEXT},
  {.column = "organisation", .xpath = "r:organisation", .type = CAIRN_COL_TEXT},
  {.column = "discipline", .xpath = "r:discipline", .type = CAIRN_COL_TEXT},
  {.column = "email", .xpath = "r:email", .type = CAIRN_COL_TEXT},
  /* " tag1 tag2 " so that a tag is found with LIKE '% tag %'. */
  {.column = "tags",
   .xpath = "concat(' ', normalize-space(concat(r:tag[1], ' ', r:tag[2], ' ',"
            " r:tag[3], ' ', r:tag[4], ' ', r:tag[5], ' ', r:tag[6], ' ',"
            " r:tag[7], ' ', r:tag[8], ' ', r:tag[9], ' ', r:tag[10], ' ',"
            " r:tag[11], ' ', r:tag[12])), ' ')",
   .type = CAIRN_COL_TEXT},
  {.column = "active", .xpath = "r:active", .type = CAIRN_COL_TEXT},
  {.column = NULL}
};

static const cairn_projection referral_projections[] = {
  {.column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT},
  {.column = "partner", .xpath = "r:performer", .type = CAIRN_COL_INT},
  {.column = "kind", .xpath = "r:category", .type = CAIRN_COL_TEXT},
  {.column = "priority", .xpath = "r:priority", .type = CAIRN_COL_TEXT},
  {.column = "state", .xpath = "r:status", .type = CAIRN_COL_TEXT},
  {.column = "authored", .xpath = "r:authoredOn", .type = CAIRN_COL_TEXT},
  {.column = "sent",
   .xpath = "r:statusHistory[r:status = 'sent'][last()]/r:date",
   .type = CAIRN_COL_TEXT},
  {.column = "changed", .xpath = "r:statusHistory[last()]/r:date",
   .type = CAIRN_COL_TEXT},
  {.column = "flagged", .xpath = "r:flaggedUnacknowledged",
   .type = CAIRN_COL_TEXT},
  {.column = "partner_notes", .xpath = "count(r:note[@from = 'partner'])",
   .type = CAIRN_COL_INT},
  {.column = NULL}
};

static const cairn_record_type record_types[] = {
  {.name = REFERRAL_T_PARTNER, .ns = REFERRAL_NS, .root = "Partner",
   .xsd = "referral.xsd", .table = "referral_partner",
   .projections = partner_projections, .check = referral_check_partner},
  {.name = REFERRAL_T_REFERRAL, .ns = REFERRAL_NS, .root = "Referral",
   .xsd = "referral.xsd", .table = "referral_referral",
   .projections = referral_projections, .check = referral_check_referral},
  {.name = NULL}
};

/* --------------------------------------------------------------- routes */

#define ID "(?<id>[1-9][0-9]{0,17})"
#define PATIENT "/patients/(?<patient>[1-9][0-9]{0,17})"
/* Clinical detail: clinicians, and the administrator who answers for the
** clinic's data.  Writing and sending a referral is a clinician's. */
#define CLINICAL (CAIRN_AUD_CLINICIAN | CAIRN_AUD_ADMIN)

static const cairn_route routes[] = {
  {.method = "GET", .pattern = "/partners", .audience = CAIRN_AUD_STAFF,
   .handler = referral_page_partners,
   .summary = "the directory of trusted partners (?q= ?discipline= ?tag=)"},
  {.method = "GET", .pattern = "/partners/new", .audience = CLINICAL,
   .handler = referral_page_partner_new, .summary = "form for a new partner"},
  {.method = "POST", .pattern = "/partners", .audience = CLINICAL,
   .handler = referral_post_partner_new, .summary = "add a partner"},
  {.method = "GET", .pattern = "/partners/" ID, .audience = CAIRN_AUD_STAFF,
   .handler = referral_page_partner,
   .summary = "one partner: contact, what they are trusted for, referrals"},
  {.method = "POST", .pattern = "/partners/" ID, .audience = CLINICAL,
   .handler = referral_post_partner, .summary = "change a partner"},
  {.method = "GET", .pattern = "/referrals", .audience = CLINICAL,
   .handler = referral_page_list,
   .summary = "open referrals by status, unacknowledged ones flagged"},
  {.method = "GET", .pattern = PATIENT "/referrals", .audience = CLINICAL,
   .handler = referral_page_patient,
   .summary = "a patient's referrals and the partners' notes"},
  {.method = "GET", .pattern = PATIENT "/referrals/new",
   .audience = CAIRN_AUD_CLINICIAN, .handler = referral_page_new,
   .summary = "write a referral (?kind=onward|out|alongside &episode= "
              "&partner= &tag=)"},
  {.method = "POST", .pattern = PATIENT "/referrals",
   .audience = CAIRN_AUD_CLINICIAN, .handler = referral_post_new,
   .summary = "save a referral as a draft (form)"},
  {.method = "GET", .pattern = PATIENT "/referrals/" ID, .audience = CLINICAL,
   .handler = referral_page_one,
   .summary = "one referral: status, history, notes, link, actions"},
  {.method = "POST", .pattern = PATIENT "/referrals/" ID "/send",
   .audience = CAIRN_AUD_CLINICIAN, .handler = referral_post_send,
   .summary = "send (or send again): a new link to the partner by email"},
  {.method = "POST", .pattern = PATIENT "/referrals/" ID "/revoke",
   .audience = CAIRN_AUD_CLINICIAN, .handler = referral_post_revoke,
   .summary = "withdraw the partner's link"},
  {.method = "POST", .pattern = PATIENT "/referrals/" ID "/cancel",
   .audience = CAIRN_AUD_CLINICIAN, .handler = referral_post_cancel,
   .summary = "cancel the referral (its link then shows that it is closed)"},
  {.method = "POST", .pattern = PATIENT "/referrals/" ID "/notes",
   .audience = CLINICAL, .handler = referral_post_staff_note,
   .summary = "add a staff note to the referral (the partner sees it)"},
  {.method = "GET", .pattern = PATIENT "/referrals/" ID "/letter",
   .audience = CLINICAL, .handler = referral_page_letter,
   .summary = "the referral letter, print-styled"},
  /* The partner's page: only through the link, which grants this path and
  ** the ones below it for this one referral. */
  {.method = "GET", .pattern = "/handoff/" ID,
   .audience = CAIRN_AUD_CAPABILITY, .handler = referral_page_handoff,
   .summary = "link: the partner's handoff page"},
  {.method = "POST", .pattern = "/handoff/" ID "/acknowledge",
   .audience = CAIRN_AUD_CAPABILITY, .handler = referral_post_handoff_ack,
   .summary = "link: acknowledge the referral"},
  {.method = "POST", .pattern = "/handoff/" ID "/decision",
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = referral_post_handoff_decision,
   .summary = "link: accept or decline, with a note"},
  {.method = "POST", .pattern = "/handoff/" ID "/note",
   .audience = CAIRN_AUD_CAPABILITY, .handler = referral_post_handoff_note,
   .summary = "link: send a note back to the clinic"},
  {.method = "POST", .pattern = "/handoff/" ID "/appointment",
   .audience = CAIRN_AUD_CAPABILITY,
   .handler = referral_post_handoff_appointment,
   .summary = "link: record the first appointment"},
  {.method = NULL}
};

static const cairn_job jobs[] = {
  {.name = "unacknowledged", .interval_seconds = JOB_INTERVAL_SECONDS,
   .handler = referral_job_unacknowledged,
   .summary = "flag referrals sent and not acknowledged after ack-days"},
  {.name = NULL}
};

/* How referrals export as FHIR R4: ServiceRequest (docs/fhir.md). */
static const cairn_fhir_map fhir_maps[] = {
  {.record_type = REFERRAL_T_REFERRAL, .view = "fhir/referral-referral"},
  {.record_type = NULL}
};

/* Body elements that hold another record's id: a bundle import rewrites
** them when the records get new ids (the episode, the partner). */
static const cairn_reference references[] = {
  {.record_type = REFERRAL_T_REFERRAL, .element = "episode"},
  {.record_type = REFERRAL_T_REFERRAL, .element = "performer"},
  {.record_type = NULL}
};

static const char *const migrations[] = {
  "CREATE INDEX IF NOT EXISTS p_referral_referral_by_patient"
  " ON p_referral_referral(patient, authored);",
  "CREATE INDEX IF NOT EXISTS p_referral_referral_by_state"
  " ON p_referral_referral(state, sent);",
  "CREATE INDEX IF NOT EXISTS p_referral_partner_by_name"
  " ON p_referral_partner(name COLLATE NOCASE);",
  NULL
};

/* ------------------------------------------------------- init and fini */

/* An integer setting in [lo, hi], or `def` when absent.  Sets *bad and
** fills *err when it is not one. */
static int setting_int(const cairn_plugin_config *cfg, const char *name,
                       int def, int lo, int hi, cairn_error *err, int *bad) {
  const char *v = cairn_config_get(cfg, name);
  char *end;
  long x;
  if (v == NULL || v[0] == '\0') return def;
  x = strtol(v, &end, 10);
  if (*end != '\0' || x < lo || x > hi) {
    cairn_fail(err, CAIRN_EINVAL, name,
               "referral: setting %s must be a whole number from %d to %d",
               name, lo, hi);
    *bad = 1;
    return def;
  }
  return (int)x;
}

/* A one-line text setting, "" when absent; *bad when it is not one line
** of at most REFERRAL_LINE_MAX characters. */
static const char *setting_line(const cairn_plugin_config *cfg,
                                const char *name, cairn_error *err, int *bad) {
  const char *v = cairn_config_get(cfg, name);
  if (v == NULL) return "";
  if (cairn_text_check(v, REFERRAL_LINE_MAX, 0, name, name, err) != 0) {
    *bad = 1;
    return "";
  }
  return v;
}

/* Read id, label and scale of each instrument of data/instruments.xml. */
static int instruments_load(const char *path, cairn_error *err) {
  cairn_doc *doc = cairn_xml_load(path, "instruments.xsd", err);
  cairn_node *n;
  if (doc == NULL) return err->code ? err->code : CAIRN_EINVAL;
  referral_n_instruments = 0;
  for (n = cairn_node_child(doc, NULL, "instrument");
       n != NULL && referral_n_instruments < REFERRAL_INSTRUMENTS_MAX;
       n = cairn_node_next(n, "instrument")) {
    referral_instrument *in = &referral_instruments[referral_n_instruments];
    const char *id = cairn_node_attr(doc, n, "id");
    const char *abbr = cairn_doc_value(doc, n, "r:abbreviation");
    const char *name = cairn_doc_value(doc, n, "r:name");
    double best = 0, worst = 0;
    if (id == NULL || strlen(id) >= sizeof in->id) continue;
    if (cairn_doc_number(doc, n, "r:scoring/@best", &best) != 0 ||
        cairn_doc_number(doc, n, "r:scoring/@worst", &worst) != 0)
      continue;
    snprintf(in->id, sizeof in->id, "%s", id);
    snprintf(in->label, sizeof in->label, "%s%s%s", abbr[0] ? abbr : id,
             name[0] ? ": " : "", name);
    in->best = best;
    in->worst = worst;
    referral_n_instruments++;
  }
  cairn_doc_free(doc);
  return CAIRN_OK;
}

/* Check the host's level, read the settings (a bad one refuses the plugin
** with the setting named), load the instruments when a path is given. */
static int referral_init(const cairn_api *api, const cairn_plugin_config *cfg,
                         cairn_error *err) {
  const char *path;
  int bad = 0;
  if (api == NULL || api->api_level < REFERRAL_API_LEVEL) {
    if (err != NULL) {
      err->code = CAIRN_EINTERNAL;
      snprintf(err->message, sizeof err->message,
               "referral: the host's API level is below %u",
               REFERRAL_API_LEVEL);
    }
    return CAIRN_EINTERNAL;
  }
  CAIRN_PLUGIN_INIT2(api);
  referral_cfg.link_days = setting_int(cfg, "link-days", LINK_DAYS_DEFAULT, 1,
                                       LINK_DAYS_MAX, err, &bad);
  if (!bad)
    referral_cfg.ack_days = setting_int(cfg, "ack-days", ACK_DAYS_DEFAULT, 1,
                                        ACK_DAYS_MAX, err, &bad);
  if (!bad) referral_cfg.clinic_phone = setting_line(cfg, "clinic-phone", err, &bad);
  if (!bad) referral_cfg.clinic_email = setting_line(cfg, "clinic-email", err, &bad);
  if (!bad)
    referral_cfg.clinic_address = setting_line(cfg, "clinic-address", err, &bad);
  if (bad) return err->code ? err->code : CAIRN_EINVAL;
  path = cairn_config_get(cfg, "instruments");
  if (path != NULL && path[0] != '\0') {
    int rc = instruments_load(path, err);
    if (rc != CAIRN_OK) return rc;
  }
  cairn_log(CAIRN_LOG_INFO,
            "referral: links last %d days, unacknowledged after %d days, "
            "%zu instruments", referral_cfg.link_days, referral_cfg.ack_days,
            referral_n_instruments);
  return CAIRN_OK;
}

static const cairn_plugin descriptor = {
  CAIRN_PLUGIN_MAGIC,
  .name = "referral",
  .version = "0.1.0",
  .api_level = REFERRAL_API_LEVEL,
  .description = "trusted partners, referrals with the partner's handoff "
                 "page, tracking",
  .record_types = record_types,
  .routes = routes,
  .migrations = migrations,
  .init = referral_init,
  .jobs = jobs,
  .fhir = fhir_maps,
  .references = references,
  .sections = referral_sections,
};

#pragma GCC visibility push(default)
const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
#pragma GCC visibility pop
