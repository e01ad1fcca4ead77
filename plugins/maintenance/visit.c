/*
** visit.c -- a maintenance visit here, recorded by staff.  On the plan of
** visits as needed it is invoiced at the plan's stated fee, one invoice
** per visit, in the same transaction; a membership's visits are included
** in its monthly fee and never invoiced (the billing job bills the
** month).  Other plans take no visit: choose one of those two first.
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

const cairn_field mt_visit_fields[] = {
  {.name = "date", .label = "Visit on", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED},
  {.name = NULL}
};

typedef struct visit_write {
  const cairn_record *plan;  /* the plan the visit is under */
  const mt_terms *terms;     /* the plan's terms */
  const mt_option *option;   /* its option in them */
  const char *date;          /* the visit's day */
} visit_write;

/* In one transaction: the Visit, and under visits as needed its Invoice
** at the plan's visitFee naming the visit. */
static int write_visit(cairn_req *req, void *arg, cairn_error *err) {
  visit_write *w = arg;
  long long patient = cairn_record_patient(w->plan), visit, id;
  const char *plan = mt_int(req, cairn_record_id(w->plan));
  cairn_doc *v = cairn_doc_new(req, MT_NS, "Visit");
  cairn_doc_text(v, "plan", plan);
  cairn_doc_text(v, "episode", cairn_record_value(w->plan, "r:episode"));
  cairn_doc_text(v, "date", w->date);
  cairn_doc_text(v, "kind", w->option->kind);
  cairn_doc_text(v, "termsVersion", mt_int(req, w->terms->version));
  int rc = cairn_record_create(req, MT_T_VISIT, patient, v, &visit, err);
  if (rc || strcmp(w->option->kind, "as-needed") != 0) return rc;
  cairn_doc *b = cairn_doc_new(req, MT_NS, "Invoice");
  cairn_doc_text(b, "plan", plan);
  cairn_doc_text(b, "periodStart", w->date);
  cairn_doc_text(b, "periodEnd", w->date);
  cairn_doc_text(b, "amount",
                 cairn_req_printf(req, "%.2f", w->option->visit_fee));
  cairn_doc_text(b, "currency", w->terms->currency);
  cairn_doc_text(b, "termsVersion", mt_int(req, w->terms->version));
  cairn_doc_text(b, "visit", mt_int(req, visit));
  return cairn_record_create(req, MT_T_INVOICE, patient, b, &id, err);
}

/* POST .../visits: 409 when the plan takes no visit (its kind, paused or
** ended); 422 for a date in the future or before the plan's start. */
int mt_post_visit(cairn_req *req) {
  long long patient = mt_param_id(req, "patient");
  long long episode = mt_param_id(req, "episode");
  const cairn_record *plan;
  int rc = mt_load_plan(req, patient, episode, &plan);
  if (rc) return rc;
  mt_plan_fields pf;
  mt_plan_fields_read(plan, &pf);
  const mt_terms *t = mt_terms_find(atoi(pf.terms_version));
  const mt_option *o = mt_option_find(t, pf.option);
  if (!o || (strcmp(o->kind, "membership") != 0 &&
             strcmp(o->kind, "as-needed") != 0))
    return cairn_respond_error(req, 409, NULL,
                               "A visit here is part of a membership or of "
                               "visits as needed: choose one of those plans "
                               "first.");
  if (strcmp(pf.state, "active") != 0)
    return cairn_respond_error(req, 409, NULL,
                               "The plan is paused or has ended: it takes no "
                               "visit.");
  const char *id = cairn_req_printf(req, "visits-%lld", episode);
  cairn_form *f = cairn_form_new(req, id, mt_visit_fields);
  cairn_form_bind(f);
  if (cairn_form_errors(f) == 0 &&
      strcmp(cairn_form_value(f, "date"), pf.start) < 0)
    cairn_form_error(f, "date", "The visit is before the plan starts.");
  if (cairn_form_errors(f) == 0) {
    visit_write w = {.plan = plan, .terms = t, .option = o,
                     .date = cairn_form_value(f, "date")};
    cairn_error err = {0};
    if (cairn_transaction(req, write_visit, &w, &err) == CAIRN_OK)
      return cairn_respond_redirect(
          req, cairn_req_printf(req, "/patients/%lld/maintenance", patient));
    cairn_form_host_error(f, &err);
  }
  return mt_render_patient(req, patient, f, id, 422);
}
