/*
** rx_pages.c -- a patient's herbal pages: the overview (medicines,
** prescriptions), one prescription with its history, the printable
** patient instructions and dispensing sheet, stopping a prescription, the
** XML API's create, and the medicines and pregnancy status (versioned).
*/
#include "herbal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Grams a dose are shown to the hundredth of a gram: 10 g a day three
** times a day is 3.33 g a dose, finer than a dispensary's scale weighs. */
#define GRAMS_PER_DOSE_SCALE 100.0

/* Medicine lines the medicines form shows. */
#define MEDS_ROWS 15

static long long route_id(cairn_req *req, const char *name) {
  const char *v = cairn_req_param(req, name);
  return v ? strtoll(v, NULL, 10) : 0;
}

static const char PRESCRIPTIONS_SQL[] =
    "SELECT record, version, status, formula, kind, form, start_date, days"
    " FROM p_herbal_prescription WHERE patient = :patient"
    " ORDER BY start_date DESC, record DESC";

/* The patient's name from the program plugin's projection, when it is
** loaded; "" otherwise. */
static const char *patient_name(cairn_req *req, long long patient) {
  cairn_error err = {0};
  /* A program:Patient record means the program plugin's table exists. */
  cairn_stmt *st = cairn_sql_prepare(
      req, "SELECT 1 FROM record WHERE id = :patient AND type = 'program:Patient'", &err);
  if (!st) return "";
  cairn_sql_bind_int(st, ":patient", patient);
  if (cairn_sql_step(st) != 1) return "";
  st = cairn_sql_prepare(
      req, "SELECT name FROM p_program_patient WHERE record = :patient", &err);
  if (!st) return "";
  cairn_sql_bind_int(st, ":patient", patient);
  return cairn_sql_step(st) == 1 ? cairn_req_strdup(req, cairn_sql_text(st, 0)) : "";
}

/* <patient id= name=/> and the medicines known for the checks. */
static int patient_doc(cairn_req *req, cairn_doc *doc, long long patient,
                       herbal_context *ctx) {
  cairn_error err = {0};
  int rc = herbal_patient_context(req, patient, ctx, &err);
  if (rc) return rc;
  cairn_doc_open(doc, "patient");
  cairn_doc_attr(doc, "id", cairn_req_printf(req, "%lld", patient));
  cairn_doc_attr(doc, "name", patient_name(req, patient));
  cairn_doc_attr(doc, "pregnancy", ctx->pregnancy_word);
  if (ctx->medications_record)
    cairn_doc_attr(doc, "medications", cairn_req_printf(req, "%lld", ctx->medications_record));
  if (ctx->intake_section) cairn_doc_attr(doc, "from", "intake");
  for (int i = 0; i < ctx->patient.n_medicines; i++)
    cairn_doc_text(doc, "medicine", ctx->medicines[i]);
  cairn_doc_close(doc);
  return 0;
}

int herbal_page_patient(cairn_req *req) {
  long long patient = route_id(req, "patient");
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-patient");
  herbal_context ctx;
  int rc = patient_doc(req, doc, patient, &ctx);
  if (rc) return rc;
  cairn_error err = {0};
  cairn_stmt *st = cairn_sql_prepare(req, PRESCRIPTIONS_SQL, &err);
  if (!st) return err.code;
  cairn_sql_bind_int(st, ":patient", patient);
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "prescription");
    cairn_doc_attr(doc, "id", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "version", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "status", cairn_sql_text(st, 2));
    const char *fid = cairn_sql_text(st, 3);
    int fi = fid[0] ? herbal_db_formula(herbal_data, fid) : -1;
    cairn_doc_attr(doc, "formula", fi >= 0 ? herbal_data->formulas[fi].pinyin : "custom");
    cairn_doc_attr(doc, "kind", cairn_sql_text(st, 4));
    cairn_doc_attr(doc, "form", cairn_sql_text(st, 5));
    cairn_doc_attr(doc, "start", cairn_sql_text(st, 6));
    cairn_doc_attr(doc, "days", cairn_sql_text(st, 7));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  for (int i = 0; i < herbal_data->n_formulas; i++) {
    cairn_doc_open(doc, "formula-choice");
    cairn_doc_attr(doc, "id", herbal_data->formulas[i].id);
    cairn_doc_attr(doc, "pinyin", herbal_data->formulas[i].pinyin);
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "herbal/patient", 200);
}

/* The prescription of the route, re-checked for the patient as they are
** now; the view shows both what was saved and what the check says today. */
static int prescription_view(cairn_req *req, const char *view) {
  long long patient = route_id(req, "patient"), id = route_id(req, "id");
  const cairn_record *rec;
  cairn_error err = {0};
  int rc = cairn_record_get_for_patient(req, patient, id, &rec, &err);
  if (rc) return rc;
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-prescription");
  int per_day = herbal_doses_per_day(rec);
  cairn_doc_attr(doc, "doses-per-day", cairn_req_printf(req, "%d", per_day));
  herbal_context ctx;
  if ((rc = patient_doc(req, doc, patient, &ctx))) return rc;
  cairn_doc_record(doc, rec);
  const char *fid = cairn_record_value(rec, "r:formula");
  int fi = fid[0] ? herbal_db_formula(herbal_data, fid) : -1;
  if (fi >= 0) {
    cairn_doc_open(doc, "formula");
    cairn_doc_attr(doc, "pinyin", herbal_data->formulas[fi].pinyin);
    cairn_doc_attr(doc, "chinese", herbal_data->formulas[fi].chinese);
    cairn_doc_close(doc);
  }
  /* The herbs resolved: names as the data gives them, raw grams, totals. */
  cairn_doc *body = cairn_record_body(req, rec);
  const char *form = cairn_doc_value(body, NULL, "r:form");
  double ratio = 0, days = 0;
  if (cairn_doc_number(body, NULL, "r:ratio", &ratio)) ratio = 0;
  if (cairn_doc_number(body, NULL, "r:days", &days)) days = 0;
  int line = 0;
  for (cairn_node *h = cairn_node_child(body, NULL, "herb"); h;
       h = cairn_node_next(h, "herb"), line++) {
    double g = 0;
    if (cairn_doc_number(body, h, "r:grams", &g)) g = 0;
    int hi = herbal_lookup(herbal_data, cairn_doc_value(body, h, "r:name"), NULL, NULL);
    cairn_doc_open(doc, "line");
    cairn_doc_attr(doc, "n", cairn_req_printf(req, "%d", line + 1));
    if (hi >= 0) {
      cairn_doc_attr(doc, "pinyin", herbal_data->herbs[hi].pinyin);
      cairn_doc_attr(doc, "chinese", herbal_data->herbs[hi].chinese);
      cairn_doc_attr(doc, "latin", herbal_data->herbs[hi].latin);
    } else {
      cairn_doc_attr(doc, "pinyin", cairn_doc_value(body, h, "r:name"));
    }
    cairn_doc_attr(doc, "grams", cairn_req_printf(req, "%g", g));
    cairn_doc_attr(doc, "per-dose", cairn_req_printf(
        req, "%g", round(g / per_day * GRAMS_PER_DOSE_SCALE) / GRAMS_PER_DOSE_SCALE));
    if (strcmp(form, "granules") == 0 && ratio > 0)
      cairn_doc_attr(doc, "raw", cairn_req_printf(req, "%g", g * ratio));
    cairn_doc_attr(doc, "total", cairn_req_printf(req, "%g", g * days));
    cairn_doc_close(doc);
  }
  if ((rc = herbal_monitoring_doc(req, doc, id))) return rc;
  if (cairn_doc_count(body, NULL, "r:stopped") == 0) {
    herbal_findings *out = cairn_req_alloc(req, sizeof *out);
    cairn_error cerr = {0};
    herbal_verdict v = herbal_check_body(req, body, out, &cerr);
    if (cerr.code) return cerr.code;
    cairn_doc_open(doc, "today");
    static const char *const words[] = {"save", "needs-acknowledgement",
                                        "needs-justification", "refused"};
    cairn_doc_attr(doc, "verdict", words[v]);
    herbal_findings_doc(req, doc, out);
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, view, 200);
}

int herbal_page_prescription(cairn_req *req) {
  return prescription_view(req, "herbal/prescription");
}
int herbal_page_instructions(cairn_req *req) {
  return prescription_view(req, "herbal/instructions");
}
int herbal_page_dispensing(cairn_req *req) {
  return prescription_view(req, "herbal/dispensing");
}

/* POST .../stop: a new version with <stopped> (date, reason). */
int herbal_post_stop(cairn_req *req) {
  long long patient = route_id(req, "patient"), id = route_id(req, "id");
  const cairn_record *rec;
  cairn_error err = {0};
  int rc = cairn_record_get_for_patient(req, patient, id, &rec, &err);
  if (rc) return rc;
  const char *reason = cairn_req_form(req, "reason");
  if (!reason || herbal_text_chars(reason) < 3 ||
      cairn_text_check(reason, 4000, CAIRN_TEXT_MULTILINE, "reason", "The reason", &err))
    return cairn_respond_redirect(
        req, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld?stop=reason", patient, id));
  /* Copy the body, adding <stopped> before the first herb. */
  cairn_doc *old = cairn_record_body(req, rec);
  cairn_doc *b = cairn_doc_new(req, HERBAL_NS, "Prescription");
  for (cairn_node *n = cairn_node_child(old, NULL, NULL); n; n = cairn_node_next(n, NULL)) {
    const char *name = cairn_node_name(n);
    if (strcmp(name, "herb") == 0 && cairn_doc_count(b, NULL, "r:stopped") == 0) {
      cairn_doc_open(b, "stopped");
      cairn_doc_text(b, "date", cairn_req_today(req));
      cairn_doc_text(b, "reason", reason);
      cairn_doc_close(b);
    }
    if (strcmp(name, "herb") == 0) {
      cairn_doc_open(b, "herb");
      cairn_doc_text(b, "name", cairn_doc_value(old, n, "r:name"));
      cairn_doc_text(b, "grams", cairn_doc_value(old, n, "r:grams"));
      cairn_doc_close(b);
    } else if (strcmp(name, "change") == 0 || strcmp(name, "finding") == 0) {
      cairn_doc_open(b, name);
      for (cairn_node *k = cairn_node_child(old, n, NULL); k; k = cairn_node_next(k, NULL))
        cairn_doc_text(b, cairn_node_name(k), cairn_node_text(old, k));
      cairn_doc_close(b);
    } else if (strcmp(name, "formula") == 0) {
      cairn_doc_text_attr(b, "formula", "kind", cairn_node_attr(old, n, "kind"),
                          cairn_node_text(old, n));
    } else if (strcmp(name, "stopped") != 0) {
      cairn_doc_text(b, name, cairn_node_text(old, n));
    }
  }
  rc = cairn_record_revise(req, id, cairn_record_version(rec), "stopped", b, &err);
  if (rc) return rc;
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld", patient, id));
}

/* POST /patients/P/herbal/prescriptions (application/xml): the XML API.
** The record's check hook runs the one check; a refusal is a 422 with the
** message, and nothing is stored. */
int herbal_post_prescription_xml(cairn_req *req) {
  long long patient = route_id(req, "patient");
  cairn_error err = {0};
  cairn_doc *body = cairn_req_body_record(req, HERBAL_T_PRESCRIPTION, &err);
  long long id = 0;
  /* The check reads the medicines of the body's subject: it must be the
  ** patient of the route, or the check would read someone else's. */
  double subject = 0;
  if (body && (cairn_doc_number(body, NULL, "r:subject", &subject) ||
               (long long)subject != patient))
    cairn_fail(&err, CAIRN_EINVAL, "subject",
               "<subject> must be this patient's id, %lld: the safety check "
               "reads that patient's medicines and pregnancy status.", patient);
  int rc = err.code ? err.code
         : body ? cairn_record_create(req, HERBAL_T_PRESCRIPTION, patient, body, &id, &err)
                : CAIRN_EINVAL;
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-check");
  if (rc) {
    if (rc != CAIRN_EINVAL) return rc;
    cairn_doc_attr(doc, "field", err.field);
    cairn_doc_text(doc, "error", err.message);
    return cairn_respond_view(req, doc, "herbal/check", 422);
  }
  cairn_doc_attr(doc, "id", cairn_req_printf(req, "%lld", id));
  cairn_doc_attr(doc, "verdict", "save");
  return cairn_respond_view(req, doc, "herbal/check", 201);
}

/* ------------------------------------------------------------ medicines */

static const char *const PREGNANCY[] = {
  "unknown", "Not recorded", "not-pregnant", "Not pregnant", "pregnant", "Pregnant",
  "possibly-pregnant", "Possibly pregnant", "breastfeeding", "Breastfeeding",
  "not-applicable", "Not applicable", NULL
};
static const cairn_field med_fields[] = {
  {.name = "pregnancy", .label = "Pregnancy", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = PREGNANCY},
  {.name = "reason", .label = "What changed", .kind = CAIRN_FIELD_TEXT, .max = 200},
  {.name = "version", .label = "Version", .kind = CAIRN_FIELD_HIDDEN},
  {.name = NULL}
};

static int render_meds(cairn_req *req, cairn_form *form, long long patient,
                       int from_intake, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-medicines");
  cairn_doc_attr(doc, "patient", cairn_req_printf(req, "%lld", patient));
  if (from_intake) cairn_doc_attr(doc, "from", "intake");
  cairn_doc_attr(doc, "rows", cairn_req_printf(req, "%d", MEDS_ROWS));
  cairn_form_doc(doc, form, cairn_req_printf(req, "/patients/%lld/herbal/medicines", patient),
                 "Save the medicines");
  return cairn_respond_view(req, doc, "herbal/medicines", status);
}

int herbal_page_medicines(cairn_req *req) {
  long long patient = route_id(req, "patient");
  herbal_context ctx;
  cairn_error err = {0};
  int rc = herbal_patient_context(req, patient, &ctx, &err);
  if (rc) return rc;
  cairn_form *form = cairn_form_new(req, "meds", med_fields);
  cairn_form_set(form, "pregnancy", ctx.pregnancy_word);
  if (ctx.medications_record) {
    const cairn_record *rec;
    if ((rc = cairn_record_get(req, ctx.medications_record, &rec, &err))) return rc;
    cairn_form_set(form, "version", cairn_req_printf(req, "%d", cairn_record_version(rec)));
  }
  for (int i = 0; i < ctx.patient.n_medicines && i < MEDS_ROWS; i++)
    cairn_form_set(form, cairn_req_printf(req, "medicine-%d", i + 1), ctx.medicines[i]);
  cairn_audit_note(req, patient, ctx.medications_record);
  return render_meds(req, form, patient, ctx.intake_section != 0, 200);
}

int herbal_post_medicines(cairn_req *req) {
  long long patient = route_id(req, "patient");
  herbal_context ctx;
  cairn_error err = {0};
  int rc = herbal_patient_context(req, patient, &ctx, &err);
  if (rc) return rc;
  cairn_form *form = cairn_form_new(req, "meds", med_fields);
  cairn_form_bind(form);
  cairn_doc *b = cairn_doc_new(req, HERBAL_NS, "Medications");
  cairn_doc_text(b, "pregnancy", cairn_form_value(form, "pregnancy"));
  for (int i = 1; i <= MEDS_ROWS; i++) {
    const char *name = cairn_req_printf(req, "medicine-%d", i);
    const char *v = cairn_req_form(req, name);
    cairn_form_set(form, name, v ? v : "");
    v = cairn_form_value(form, name);
    if (!v[0]) continue;
    cairn_error terr = {0};
    if (cairn_text_check(v, 200, 0, name, "The medicine", &terr)) {
      cairn_form_host_error(form, &terr);
      continue;
    }
    cairn_doc_text(b, "medicine", v);
  }
  if (cairn_form_value(form, "reason")[0])
    cairn_doc_text(b, "reason", cairn_form_value(form, "reason"));
  if (cairn_form_errors(form)) return render_meds(req, form, patient, 0, 422);
  long long id = ctx.medications_record;
  rc = id ? cairn_record_revise(req, id, atoi(cairn_form_value(form, "version")), NULL, b, &err)
          : cairn_record_create(req, HERBAL_T_MEDICATIONS, patient, b, &id, &err);
  if (rc) {
    if (rc != CAIRN_EINVAL && rc != CAIRN_ECONFLICT) return rc;
    cairn_form_host_error(form, &err);
    return render_meds(req, form, patient, 0, rc == CAIRN_ECONFLICT ? 409 : 422);
  }
  return cairn_respond_redirect(req, cairn_req_printf(req, "/patients/%lld/herbal", patient));
}

/* ---------------------------------------------------------------- alerts */

static const char ACTIVE_SQL[] =
    "SELECT record, patient, blocks_overridden FROM p_herbal_prescription"
    " WHERE status = 'active' ORDER BY record";
static const char SERIOUS_SQL[] =
    "SELECT record, patient, prescription, effect_date, action"
    " FROM p_herbal_adverse_effect"
    " WHERE severity = 'serious' AND status = 'active'"
    " ORDER BY effect_date DESC, record DESC";

/* See herbal.h: stopped, or changed (a <change> dated on or after the
** effect) closes it. */
int herbal_effect_open(cairn_req *req, const cairn_record *rx, const char *effect_date) {
  if (strcmp(cairn_record_status(rx), "stopped") == 0) return 0;
  cairn_doc *body = cairn_record_body(req, rx);
  if (cairn_doc_count(body, NULL, "r:stopped") > 0) return 0;
  for (cairn_node *c = cairn_node_child(body, NULL, "change"); c; c = cairn_node_next(c, "change"))
    if (strcmp(cairn_doc_value(body, c, "r:date"), effect_date) >= 0) return 0;
  return 1;
}

/* See herbal.h.  Every active prescription is checked again against its
** patient's medicines and pregnancy status as they are now (so every
** change of either is seen at once); one that now blocks more than it did
** when saved, or is refused, is listed with today's findings. */
int herbal_alerts_each(cairn_req *req,
                       int (*visit)(cairn_req *req, const herbal_alert *a, void *ctx),
                       void *ctx) {
  cairn_error err = {0};
  cairn_stmt *st = cairn_sql_prepare(req, ACTIVE_SQL, &err);
  if (!st) return err.code ? err.code : CAIRN_EDB;
  int rc;
  /* One buffer for every check: each visit uses it before the next. */
  herbal_findings *out = cairn_req_alloc(req, sizeof *out);
  while ((rc = cairn_sql_step(st)) == 1) {
    long long id = cairn_sql_int(st, 0), patient = cairn_sql_int(st, 1);
    long long overridden = cairn_sql_int(st, 2);
    const cairn_record *rec;
    if (cairn_record_get(req, id, &rec, &err)) return err.code;
    cairn_doc *body = cairn_record_body(req, rec);
    herbal_check_body(req, body, out, &err);
    if (err.code) return err.code;
    if (out->count[HERBAL_REFUSE] == 0 && out->count[HERBAL_BLOCK] <= overridden) continue;
    herbal_alert a = {.kind = "unsafe", .patient = patient, .prescription = id,
                      .name = patient_name(req, patient), .findings = out};
    if ((rc = visit(req, &a, ctx))) return rc;
  }
  if (rc < 0) return CAIRN_EDB;
  st = cairn_sql_prepare(req, SERIOUS_SQL, &err);
  if (!st) return err.code ? err.code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    long long patient = cairn_sql_int(st, 1), rx_id = cairn_sql_int(st, 2);
    const char *date = cairn_req_strdup(req, cairn_sql_text(st, 3));
    const cairn_record *rx;
    int open = cairn_record_get(req, rx_id, &rx, NULL) == 0 &&
               herbal_effect_open(req, rx, date);
    herbal_alert a = {.kind = "serious", .patient = patient, .prescription = rx_id,
                      .record = cairn_sql_int(st, 0), .name = patient_name(req, patient),
                      .date = date, .action = cairn_req_strdup(req, cairn_sql_text(st, 4)),
                      .open = open};
    int vrc = visit(req, &a, ctx);
    if (vrc) return vrc;
  }
  return rc < 0 ? CAIRN_EDB : 0;
}

/* One alert as the alerts page shows it. */
static int alert_doc(cairn_req *req, const herbal_alert *a, void *ctx) {
  cairn_doc *doc = ctx;
  cairn_doc_open(doc, a->kind);
  if (a->record) cairn_doc_attr(doc, "record", cairn_req_printf(req, "%lld", a->record));
  cairn_doc_attr(doc, "patient", cairn_req_printf(req, "%lld", a->patient));
  cairn_doc_attr(doc, "name", a->name);
  cairn_doc_attr(doc, "prescription", cairn_req_printf(req, "%lld", a->prescription));
  cairn_doc_attr(doc, "date", a->date);
  cairn_doc_attr(doc, "action", a->action);
  if (a->record) cairn_doc_attr(doc, "open", a->open ? "yes" : "no");
  if (a->findings) herbal_findings_doc(req, doc, a->findings);
  cairn_doc_close(doc);
  cairn_audit_note(req, a->patient, a->record ? a->record : a->prescription);
  return 0;
}

/* GET /herbal/alerts: what the dashboard shows, in full. */
int herbal_page_alerts(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-alerts");
  int rc = herbal_alerts_each(req, alert_doc, doc);
  if (rc) return rc;
  return cairn_respond_view(req, doc, "herbal/alerts", 200);
}
