/*
** monitoring.c -- adherence (doses taken in a week, recorded at a visit)
** and adverse effects (what, how severe, what was done) of a prescription:
** GET/POST .../prescriptions/ID/adherence and .../adverse.  A serious
** adverse effect must stop or change the herbs (the record's check hook
** refuses "continue") and shows on the herbal alerts.  The doses a week
** prescribes come from the prescription (doses a day times the days of
** that week within it, doses.c) unless the clinician writes another
** number.
*/
#include "herbal.h"

#include <stdlib.h>
#include <string.h>

static long long route_id(cairn_req *req, const char *name) {
  const char *v = cairn_req_param(req, name);
  return v ? strtoll(v, NULL, 10) : 0;
}

static const cairn_field adherence_fields[] = {
  {.name = "weekStart", .label = "Week starting", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "dosesTaken", .label = "Doses taken that week", .kind = CAIRN_FIELD_INTEGER,
   .flags = CAIRN_FIELD_REQUIRED, .min = 0, .max = 50},
  {.name = "dosesPrescribed", .label = "Doses prescribed that week",
   .kind = CAIRN_FIELD_INTEGER, .min = 0, .max = 50,
   .hint = "Left empty: the prescription's doses a day times its days in that week"},
  {.name = NULL}
};

static const char *const SEVERITY[] = {
  "mild", "Mild", "moderate", "Moderate", "severe", "Severe",
  "serious", "Serious (hospital, lasting harm, or life-threatening)", NULL
};
static const char *const ACTION[] = {
  "continue", "Continue the herbs", "change", "Change the prescription",
  "stop", "Stop the herbs", NULL
};
static const cairn_field adverse_fields[] = {
  {.name = "date", .label = "Date", .kind = CAIRN_FIELD_DATE, .flags = CAIRN_FIELD_REQUIRED},
  {.name = "what", .label = "What happened", .kind = CAIRN_FIELD_TEXT,
   .flags = CAIRN_FIELD_REQUIRED, .max = 200},
  {.name = "severity", .label = "Severity", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = SEVERITY},
  {.name = "action", .label = "Action", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = ACTION},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA, .max = 4000},
  {.name = NULL}
};

/* The form page for one of the two record kinds, of prescription rx. */
static int render(cairn_req *req, cairn_form *form, const char *what,
                  long long patient, const cairn_record *rx, int status) {
  long long id = cairn_record_id(rx);
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-monitoring");
  cairn_doc_attr(doc, "kind", what);
  cairn_doc_attr(doc, "doses-per-day", cairn_req_printf(req, "%d", herbal_doses_per_day(rx)));
  cairn_doc_attr(doc, "patient", cairn_req_printf(req, "%lld", patient));
  cairn_doc_attr(doc, "prescription", cairn_req_printf(req, "%lld", id));
  cairn_form_doc(doc, form, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld/%s",
                                             patient, id, what),
                 strcmp(what, "adherence") == 0 ? "Save adherence" : "Save the adverse effect");
  return cairn_respond_view(req, doc, "herbal/monitoring", status);
}

static int page(cairn_req *req, const char *what, const cairn_field *fields) {
  long long patient = route_id(req, "patient"), id = route_id(req, "id");
  const cairn_record *rec;
  cairn_error err = {0};
  int rc = cairn_record_get_for_patient(req, patient, id, &rec, &err);
  if (rc) return rc;
  cairn_form *form = cairn_form_new(req, what, fields);
  long today = cairn_date_today(req);
  if (strcmp(what, "adherence") == 0) {
    cairn_form_set(form, "weekStart", cairn_date_format(req, cairn_date_week_start(today)));
    cairn_form_set(form, "dosesPrescribed", cairn_req_printf(
        req, "%d", herbal_week_doses(rec, cairn_date_week_start(today))));
  } else {
    cairn_form_set(form, "date", cairn_date_format(req, today));
  }
  return render(req, form, what, patient, rec, 200);
}

static int post(cairn_req *req, const char *what, const cairn_field *fields) {
  long long patient = route_id(req, "patient"), id = route_id(req, "id");
  const cairn_record *rec;
  cairn_error err = {0};
  int rc = cairn_record_get_for_patient(req, patient, id, &rec, &err);
  if (rc) return rc;
  cairn_form *form = cairn_form_new(req, what, fields);
  if (cairn_form_bind(form)) return render(req, form, what, patient, rec, 422);
  int adherence = strcmp(what, "adherence") == 0;
  cairn_doc *b = cairn_doc_new(req, HERBAL_NS, adherence ? "Adherence" : "AdverseEffect");
  cairn_doc_text(b, "prescription", cairn_req_printf(req, "%lld", id));
  if (adherence) {
    cairn_doc_text(b, "weekStart", cairn_form_value(form, "weekStart"));
    cairn_doc_text(b, "dosesTaken", cairn_form_value(form, "dosesTaken"));
    const char *prescribed = cairn_form_value(form, "dosesPrescribed");
    long week = 0;
    if (!prescribed[0] && cairn_date_parse(cairn_form_value(form, "weekStart"), &week) == 0)
      prescribed = cairn_req_printf(req, "%d", herbal_week_doses(rec, week));
    cairn_doc_text(b, "dosesPrescribed", prescribed);
    cairn_doc_text(b, "recordedBy", "visit");
  } else {
    static const char *const parts[] = {"date", "what", "severity", "action"};
    for (int i = 0; i < 4; i++) cairn_doc_text(b, parts[i], cairn_form_value(form, parts[i]));
    if (cairn_form_value(form, "note")[0]) cairn_doc_text(b, "note", cairn_form_value(form, "note"));
  }
  long long new_id = 0;
  rc = cairn_record_create(req, adherence ? HERBAL_T_ADHERENCE : HERBAL_T_ADVERSE, patient,
                           b, &new_id, &err);
  if (rc) {
    if (rc != CAIRN_EINVAL) return rc;
    cairn_form_host_error(form, &err);
    return render(req, form, what, patient, rec, 422);
  }
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld", patient, id));
}

int herbal_page_adherence(cairn_req *req) { return page(req, "adherence", adherence_fields); }
int herbal_post_adherence(cairn_req *req) { return post(req, "adherence", adherence_fields); }
int herbal_page_adverse(cairn_req *req) { return page(req, "adverse", adverse_fields); }
int herbal_post_adverse(cairn_req *req) { return post(req, "adverse", adverse_fields); }

static const char ADHERENCE_SQL[] =
    "SELECT week_start, doses_taken, doses_prescribed FROM p_herbal_adherence"
    " WHERE prescription = :rx AND status = 'active' ORDER BY week_start, record";
static const char REFILL_SQL[] =
    "SELECT refill_date, days_supplied FROM p_herbal_refill"
    " WHERE prescription = :rx AND status = 'active' ORDER BY refill_date, record";
static const char ADVERSE_SQL[] =
    "SELECT record, effect_date, severity, action FROM p_herbal_adverse_effect"
    " WHERE prescription = :rx AND status = 'active' ORDER BY effect_date, record";

int herbal_monitoring_doc(cairn_req *req, cairn_doc *doc, long long rx) {
  cairn_error err = {0};
  cairn_stmt *st = cairn_sql_prepare(req, ADHERENCE_SQL, &err);
  if (!st) return err.code;
  cairn_sql_bind_int(st, ":rx", rx);
  int rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "adherence");
    cairn_doc_attr(doc, "week", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "taken", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "prescribed", cairn_sql_text(st, 2));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  st = cairn_sql_prepare(req, ADVERSE_SQL, &err);
  if (!st) return err.code;
  cairn_sql_bind_int(st, ":rx", rx);
  while ((rc = cairn_sql_step(st)) == 1) {
    const cairn_record *rec;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &rec, &err)) return err.code;
    cairn_doc_open(doc, "adverse");
    cairn_doc_attr(doc, "date", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "severity", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "action", cairn_sql_text(st, 3));
    cairn_doc_text(doc, "what", cairn_record_value(rec, "r:what"));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  st = cairn_sql_prepare(req, REFILL_SQL, &err);
  if (!st) return err.code;
  cairn_sql_bind_int(st, ":rx", rx);
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "refill");
    cairn_doc_attr(doc, "date", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "days", cairn_sql_text(st, 1));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  const cairn_record *rec;
  herbal_supply_info s;
  if (cairn_record_get(req, rx, &rec, &err)) return err.code;
  if ((rc = herbal_supply(req, rec, &s))) return rc;
  cairn_doc_open(doc, "supply");
  cairn_doc_attr(doc, "runs-out", cairn_date_format(req, s.runs_out));
  cairn_doc_attr(doc, "refills", cairn_req_printf(req, "%d", s.refills));
  cairn_doc_close(doc);
  return 0;
}
