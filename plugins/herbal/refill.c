/*
** refill.c -- refills of a prescription: recording one (date, days
** supplied), refusing one for a stopped prescription (the record type's
** check, so imports and the XML path refuse it too), and when the next is
** due: the supply runs out on the start date plus the prescription's days
** plus every refill's days supplied.  The form refuses any refill of a
** stopped prescription; the check, which also runs on imports, refuses one
** dated after the stop.
*/
#include "herbal.h"

#include <stdlib.h>
#include <string.h>

/* The route's named id, 0 when absent. */
static long long route_id(cairn_req *req, const char *name) {
  const char *v = cairn_req_param(req, name);
  return v ? strtoll(v, NULL, 10) : 0;
}

static const cairn_field refill_fields[] = {
  {.name = "date", .label = "Date dispensed", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = "daysSupplied", .label = "Days supplied", .kind = CAIRN_FIELD_INTEGER,
   .flags = CAIRN_FIELD_REQUIRED, .min = 1, .max = 365},
  {.name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA, .max = 4000},
  {.name = NULL}
};

static const char STOPPED_MESSAGE[] =
    "This prescription is stopped: it cannot be refilled. "
    "Prescribe again if the herbs are to continue.";

static const char REFILL_DAYS_SQL[] =
    "SELECT count(*), coalesce(sum(days_supplied), 0) FROM p_herbal_refill"
    " WHERE prescription = :rx AND status = 'active'";

/* See herbal.h. */
int herbal_supply(cairn_req *req, const cairn_record *rx, herbal_supply_info *out) {
  cairn_error err = {0};
  memset(out, 0, sizeof *out);
  out->stopped = strcmp(cairn_record_status(rx), "stopped") == 0 ||
                 cairn_record_value(rx, "r:stopped/r:date")[0] != '\0';
  long start = 0;
  if (cairn_date_parse(cairn_record_value(rx, "r:startDate"), &start)) return CAIRN_EINVAL;
  long days = strtol(cairn_record_value(rx, "r:days"), NULL, 10);
  cairn_stmt *st = cairn_sql_prepare(req, REFILL_DAYS_SQL, &err);
  if (!st) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":rx", cairn_record_id(rx));
  if (cairn_sql_step(st) != 1) return CAIRN_EDB;
  out->refills = (int)cairn_sql_int(st, 0);
  out->runs_out = start + days + cairn_sql_int(st, 1);
  return 0;
}

/* The record type's check: a refill names a herbal:Prescription that is
** still given. */
int herbal_check_refill(cairn_req *req, cairn_doc *body, cairn_error *err) {
  double id = 0;
  const cairn_record *rx;
  cairn_error gerr = {0};
  if (cairn_doc_number(body, NULL, "r:prescription", &id) ||
      cairn_record_get(req, (long long)id, &rx, &gerr) ||
      strcmp(cairn_record_type_name(rx), HERBAL_T_PRESCRIPTION) != 0)
    return cairn_fail(err, CAIRN_EINVAL, "prescription",
                      "A refill must name a herbal prescription.");
  herbal_supply_info s;
  int rc = herbal_supply(req, rx, &s);
  if (rc) return cairn_fail(err, rc, "prescription", "The prescription could not be read.");
  /* A refill dated after the stop is refused; one dated before it is the
  ** history of a prescription stopped since (a bundle replays a stopped
  ** prescription's versions before the refills recorded while it ran). */
  const char *stop = cairn_record_value(rx, "r:stopped/r:date");
  if (s.stopped && (!stop[0] || strcmp(cairn_doc_value(body, NULL, "r:date"), stop) > 0))
    return cairn_fail(err, CAIRN_EINVAL, "prescription", "%s", STOPPED_MESSAGE);
  return 0;
}

/* The refill form with when the supply runs out. */
static int render(cairn_req *req, cairn_form *form, long long patient, long long id,
                  const herbal_supply_info *s, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-monitoring");
  cairn_doc_attr(doc, "kind", "refill");
  cairn_doc_attr(doc, "patient", cairn_req_printf(req, "%lld", patient));
  cairn_doc_attr(doc, "prescription", cairn_req_printf(req, "%lld", id));
  cairn_doc_attr(doc, "runs-out", cairn_date_format(req, s->runs_out));
  cairn_doc_attr(doc, "refills", cairn_req_printf(req, "%d", s->refills));
  if (s->stopped) cairn_doc_attr(doc, "stopped", "yes");
  cairn_form_doc(doc, form, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld/refill",
                                             patient, id), "Save the refill");
  return cairn_respond_view(req, doc, "herbal/monitoring", status);
}

/* GET and POST .../prescriptions/ID/refill. */
static int refill(cairn_req *req, int post) {
  long long patient = route_id(req, "patient"), id = route_id(req, "id");
  const cairn_record *rec;
  cairn_error err = {0};
  int rc = cairn_record_get_for_patient(req, patient, id, &rec, &err);
  if (rc) return rc;
  if (strcmp(cairn_record_type_name(rec), HERBAL_T_PRESCRIPTION) != 0)
    return cairn_respond_error(req, 404, NULL, "No such prescription.");
  herbal_supply_info s;
  if ((rc = herbal_supply(req, rec, &s))) return rc;
  cairn_form *form = cairn_form_new(req, "refill", refill_fields);
  if (!post) {
    cairn_form_set(form, "date", cairn_req_today(req));
    cairn_form_set(form, "daysSupplied", cairn_record_value(rec, "r:days"));
    return render(req, form, patient, id, &s, 200);
  }
  if (cairn_form_bind(form)) return render(req, form, patient, id, &s, 422);
  /* The form refuses any refill once stopped, whatever its date. */
  if (s.stopped) {
    cairn_form_error(form, "", STOPPED_MESSAGE);
    return render(req, form, patient, id, &s, 422);
  }
  cairn_doc *b = cairn_doc_new(req, HERBAL_NS, "Refill");
  cairn_doc_text(b, "prescription", cairn_req_printf(req, "%lld", id));
  cairn_doc_text(b, "date", cairn_form_value(form, "date"));
  cairn_doc_text(b, "daysSupplied", cairn_form_value(form, "daysSupplied"));
  if (cairn_form_value(form, "note")[0]) cairn_doc_text(b, "note", cairn_form_value(form, "note"));
  long long new_id = 0;
  rc = cairn_record_create(req, HERBAL_T_REFILL, patient, b, &new_id, &err);
  if (rc) {
    if (rc != CAIRN_EINVAL) return rc;
    cairn_form_host_error(form, &err);
    return render(req, form, patient, id, &s, 422);
  }
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld", patient, id));
}

int herbal_page_refill(cairn_req *req) { return refill(req, 0); }
int herbal_post_refill(cairn_req *req) { return refill(req, 1); }
