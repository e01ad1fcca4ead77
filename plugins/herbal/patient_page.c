/*
** patient_page.c -- the patient's own herbal page, /p/{e}/herbs, reached
** through the episode's personal link (docs/patient.md, "The hook for
** other plugins"): today's herbs and how to take them, in plain words with
** no internal codes; "doses taken this week"; "a side effect".  A serious
** side effect is stored for the clinician to decide (action "pending"),
** shows on the dashboard and asks for a stop or a change.  A link of
** another episode, or one expired or revoked, sees the same 404 page with
** nothing in it; every view is audited.
*/
#include "herbal.h"

#include <stdlib.h>
#include <string.h>

/* The episode type of the program plugin, which owns the link. */
#define EPISODE_TYPE "program:EpisodeOfCare"

/* The newest prescription still given in the episode (or, for the
** episode's patient, one that names no episode). */
static const char ACTIVE_SQL[] =
    "SELECT record FROM p_herbal_prescription"
    " WHERE (episode = :e OR (episode IS NULL AND patient = :p))"
    " AND status = 'active' ORDER BY start_date DESC, record DESC LIMIT 1";

/* The episode's personal link is active (the program's projection). */
static const char LINK_SQL[] =
    "SELECT 1 FROM p_program_patient_link WHERE episode = :e"
    " AND state = 'active' AND status <> 'entered-in-error' LIMIT 1";

/* The doses the patient gave this week, newest first. */
static const char WEEK_SQL[] =
    "SELECT doses_taken, doses_prescribed FROM p_herbal_adherence"
    " WHERE prescription = :rx AND week_start = :w AND status = 'active'"
    " ORDER BY record DESC LIMIT 1";

static const char *const HOW_BAD[] = {
  "mild", "Mild: a nuisance",
  "moderate", "Moderate: it bothers me",
  "severe", "Severe: I cannot carry on as usual",
  "serious", "Serious: I needed a doctor or a hospital",
  NULL
};

static const cairn_field dose_fields[] = {
  {.name = "dosesTaken", .label = "How many did you take?", .kind = CAIRN_FIELD_INTEGER,
   .flags = CAIRN_FIELD_REQUIRED, .min = 0, .max = 50,
   .hint = "Count each cup or each dose of granules or pills."},
  {.name = NULL}
};

static const cairn_field effect_fields[] = {
  {.name = "what", .label = "What happened", .kind = CAIRN_FIELD_TEXT,
   .flags = CAIRN_FIELD_REQUIRED, .max = 200},
  {.name = "severity", .label = "How bad is it?", .kind = CAIRN_FIELD_RADIO,
   .flags = CAIRN_FIELD_REQUIRED, .choices = HOW_BAD},
  {.name = NULL}
};

/* What a request to the page may see: the episode, its patient, and the
** newest prescription still given (NULL when none). */
typedef struct pt_ctx {
  long long episode;         /* from the path, checked against the link */
  long long patient;         /* the episode's patient */
  const cairn_record *rx;    /* the herbs now, or NULL */
} pt_ctx;

/* The same page for a wrong, expired or revoked link and a missing
** episode: nothing about anyone. */
static int nothing_here(cairn_req *req) {
  return cairn_respond_error(req, 404, NULL,
                             "This page is not available. Please use the "
                             "link your clinic sent you.");
}

/* Fill *c for the request; 0, or the answer already given (*done set). */
static int load(cairn_req *req, pt_ctx *c, int *done) {
  const char *e = cairn_req_param(req, "episode");
  const char *scope = cairn_req_capability(req);
  const cairn_record *ep;
  *done = 1;
  memset(c, 0, sizeof *c);
  c->episode = e ? strtoll(e, NULL, 10) : 0;
  if (!scope || c->episode <= 0 ||
      strcmp(scope, cairn_req_printf(req, "episode:%lld", c->episode)) != 0)
    return nothing_here(req);
  if (cairn_record_get(req, c->episode, &ep, NULL) ||
      strcmp(cairn_record_type_name(ep), EPISODE_TYPE) != 0)
    return nothing_here(req);
  cairn_stmt *st = cairn_sql_prepare(req, LINK_SQL, NULL);
  if (!st || cairn_sql_bind_int(st, ":e", c->episode) || cairn_sql_step(st) != 1)
    return nothing_here(req);
  c->patient = cairn_record_patient(ep);
  cairn_audit_note(req, c->patient, c->episode);
  cairn_error err = {0};
  st = cairn_sql_prepare(req, ACTIVE_SQL, &err);
  if (!st) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":e", c->episode);
  cairn_sql_bind_int(st, ":p", c->patient);
  int rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1 && cairn_record_get(req, cairn_sql_int(st, 0), &c->rx, &err)) return err.code;
  *done = 0;
  return 0;
}

/* The page: the herbs (names as the reference gives them, no codes), how
** to take them, this week's doses, the two forms. */
static int render(cairn_req *req, const pt_ctx *c, cairn_form *doses, cairn_form *effect,
                  int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "patient-herbs");
  const char *base = cairn_req_printf(req, "/p/%lld", c->episode);
  cairn_doc_attr(doc, "base", base);
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  const char *sent = cairn_req_query(req, "sent");
  if (sent && (strcmp(sent, "doses") == 0 || strcmp(sent, "effect") == 0 ||
               strcmp(sent, "serious") == 0))
    cairn_doc_attr(doc, "sent", sent);
  if (c->rx) {
    const cairn_record *rx = c->rx;
    const char *fid = cairn_record_value(rx, "r:formula");
    int fi = fid[0] ? herbal_db_formula(herbal_data, fid) : -1;
    long start = 0, today = cairn_date_today(req);
    long days = strtol(cairn_record_value(rx, "r:days"), NULL, 10);
    cairn_date_parse(cairn_record_value(rx, "r:startDate"), &start);
    cairn_doc_open(doc, "herbs");
    cairn_doc_attr(doc, "formula", fi >= 0 ? herbal_data->formulas[fi].pinyin : "");
    cairn_doc_attr(doc, "form", cairn_record_value(rx, "r:form"));
    cairn_doc_attr(doc, "start", cairn_record_value(rx, "r:startDate"));
    cairn_doc_attr(doc, "until", cairn_date_format(req, start + days - 1));
    if (today >= start && today < start + days)
      cairn_doc_attr(doc, "day", cairn_req_printf(req, "%ld", today - start + 1));
    cairn_doc_attr(doc, "days", cairn_req_printf(req, "%ld", days));
    cairn_doc_attr(doc, "doses-per-day", cairn_req_printf(req, "%d", herbal_doses_per_day(rx)));
    cairn_doc_text(doc, "instructions", cairn_record_value(rx, "r:instructions"));
    cairn_doc *body = cairn_record_body(req, rx);
    for (cairn_node *h = cairn_node_child(body, NULL, "herb"); h; h = cairn_node_next(h, "herb")) {
      int hi = herbal_lookup(herbal_data, cairn_doc_value(body, h, "r:name"), NULL, NULL);
      cairn_doc_open(doc, "herb");
      cairn_doc_attr(doc, "name", hi >= 0 ? herbal_data->herbs[hi].pinyin
                                          : cairn_doc_value(body, h, "r:name"));
      if (hi >= 0) cairn_doc_attr(doc, "chinese", herbal_data->herbs[hi].chinese);
      cairn_doc_close(doc);
    }
    long week = cairn_date_week_start(today);
    cairn_doc_attr(doc, "week", cairn_date_format(req, week));
    cairn_doc_attr(doc, "week-prescribed", cairn_req_printf(req, "%d", herbal_week_doses(rx, week)));
    cairn_stmt *st = cairn_sql_prepare(req, WEEK_SQL, NULL);
    if (st) {
      cairn_sql_bind_int(st, ":rx", cairn_record_id(rx));
      cairn_sql_bind_text(st, ":w", cairn_date_format(req, week));
      if (cairn_sql_step(st) == 1) cairn_doc_attr(doc, "week-taken", cairn_sql_text(st, 0));
    }
    cairn_doc_close(doc);
    cairn_form_doc(doc, doses, cairn_req_printf(req, "%s/herbs/doses", base), "Save");
    cairn_form_doc(doc, effect, cairn_req_printf(req, "%s/herbs/effect", base),
                   "Tell the clinic");
  }
  return cairn_respond_view(req, doc, "herbal/patient-herbs", status);
}

/* GET /p/{e}/herbs. */
int herbal_patient_herbs(cairn_req *req) {
  pt_ctx c;
  int done, rc = load(req, &c, &done);
  if (done) return rc;
  return render(req, &c, cairn_form_new(req, "doses", dose_fields),
                cairn_form_new(req, "effect", effect_fields), 200);
}

/* Store a record the patient gave for the herbs now; 0 or a CAIRN_E*. */
static int store(cairn_req *req, const pt_ctx *c, const char *type, cairn_doc *b,
                 cairn_error *err) {
  long long id = 0;
  return cairn_record_create(req, type, c->patient, b, &id, err);
}

/* POST /p/{e}/herbs/doses: this week's doses, as a herbal:Adherence
** recorded by the patient (the sections count the newest of a week; the
** prescription page lists every one). */
int herbal_patient_doses(cairn_req *req) {
  pt_ctx c;
  int done, rc = load(req, &c, &done);
  if (done) return rc;
  cairn_form *doses = cairn_form_new(req, "doses", dose_fields);
  cairn_form *effect = cairn_form_new(req, "effect", effect_fields);
  if (!c.rx) return render(req, &c, doses, effect, 409);
  if (cairn_form_bind(doses)) return render(req, &c, doses, effect, 422);
  long week = cairn_date_week_start(cairn_date_today(req));
  cairn_doc *b = cairn_doc_new(req, HERBAL_NS, "Adherence");
  cairn_doc_text(b, "prescription", cairn_req_printf(req, "%lld", cairn_record_id(c.rx)));
  cairn_doc_text(b, "weekStart", cairn_date_format(req, week));
  cairn_doc_text(b, "dosesTaken", cairn_form_value(doses, "dosesTaken"));
  cairn_doc_text(b, "dosesPrescribed", cairn_req_printf(req, "%d", herbal_week_doses(c.rx, week)));
  cairn_doc_text(b, "recordedBy", "patient");
  cairn_error err = {0};
  if ((rc = store(req, &c, HERBAL_T_ADHERENCE, b, &err))) {
    if (rc != CAIRN_EINVAL) return rc;
    cairn_form_host_error(doses, &err);
    return render(req, &c, doses, effect, 422);
  }
  return cairn_respond_redirect(req, cairn_req_printf(req, "/p/%lld/herbs?sent=doses", c.episode));
}

/* POST /p/{e}/herbs/effect: a side effect, as a herbal:AdverseEffect
** for the clinician to decide (action "pending"). */
int herbal_patient_effect(cairn_req *req) {
  pt_ctx c;
  int done, rc = load(req, &c, &done);
  if (done) return rc;
  cairn_form *doses = cairn_form_new(req, "doses", dose_fields);
  cairn_form *effect = cairn_form_new(req, "effect", effect_fields);
  if (!c.rx) return render(req, &c, doses, effect, 409);
  if (cairn_form_bind(effect)) return render(req, &c, doses, effect, 422);
  const char *severity = cairn_form_value(effect, "severity");
  cairn_doc *b = cairn_doc_new(req, HERBAL_NS, "AdverseEffect");
  cairn_doc_text(b, "prescription", cairn_req_printf(req, "%lld", cairn_record_id(c.rx)));
  cairn_doc_text(b, "date", cairn_req_today(req));
  cairn_doc_text(b, "what", cairn_form_value(effect, "what"));
  cairn_doc_text(b, "severity", severity);
  cairn_doc_text(b, "action", "pending");
  cairn_doc_text(b, "reportedBy", "patient");
  cairn_error err = {0};
  if ((rc = store(req, &c, HERBAL_T_ADVERSE, b, &err))) {
    if (rc != CAIRN_EINVAL) return rc;
    cairn_form_host_error(effect, &err);
    return render(req, &c, doses, effect, 422);
  }
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/p/%lld/herbs?sent=%s", c.episode,
                            strcmp(severity, "serious") == 0 ? "serious" : "effect"));
}
