/*
** reenrol.c -- the way back: a clinician opens a new episode for a
** graduate, linked to the previous one (a maintenance:Return), at the
** phase chosen with a written reason, under the program definition
** current today (its fees).  Never automatic: only this POST does it.
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

#define PROGRAM_NS "urn:cairn:program"
#define PROGRAM_T_EPISODE "program:EpisodeOfCare"
#define PROGRAM_T_INVOICE "program:Invoice"

static const char *const phases[] = {
  "introductory", "Introductory phase (a new baseline first)",
  "first-month", "First-month continuation",
  "monthly", "Monthly program",
  NULL
};
const cairn_field mt_return_fields[] = {
  {.name = "phase", .label = "Start at", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = phases},
  {.name = "reason", .label = "Why (written reason, 20 characters or more)",
   .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
   .max = MT_TEXT_MAX},
  {.name = NULL}
};

static const char RETURNED_SQL[] =
    "SELECT count(*) FROM p_maintenance_return WHERE previous = :e"
    " AND status = 'active'";

typedef struct way_back {
  const cairn_record *previous; /* the graduated episode */
  const cairn_record *plan;     /* its maintenance plan, ended here */
  const char *phase, *reason;
  long long episode;            /* out: the new episode */
} way_back;

/* A return that starts at a paid phase skips the move into it, so the
** phase's flat fee is raised here, as the program raises it on a move: one
** program:Invoice at the fee of the definition current today.  The
** introductory phase starts from "enrolled": the program invoices it when
** the clinician moves the episode on after the new baseline. */
static int invoice_phase(cairn_req *req, const way_back *w, const char *today,
                         cairn_error *err) {
  int k = -1;
  long long id;
  if (strcmp(w->phase, "introductory") == 0) return CAIRN_OK;
  for (int i = 0; i < MT_PAID_PHASES; i++)
    if (strcmp(w->phase, mt_paid_phases[i]) == 0) k = i;
  if (k < 0 || mt.definition_version <= 0 || !mt.definition_currency[0])
    return cairn_fail(err, CAIRN_EINVAL, "phase",
                      "The program definition has no fee for this phase.");
  cairn_doc *b = cairn_doc_new(req, PROGRAM_NS, "Invoice");
  cairn_doc_text(b, "episode", mt_int(req, w->episode));
  cairn_doc_text(b, "phase", w->phase);
  cairn_doc_text(b, "date", today);
  cairn_doc_text(b, "amount", cairn_req_printf(req, "%.2f", mt.phase_fee[k]));
  cairn_doc_text(b, "currency", mt.definition_currency);
  cairn_doc_text(b, "definitionVersion", mt_int(req, mt.definition_version));
  return cairn_record_create(req, PROGRAM_T_INVOICE,
                             cairn_record_patient(w->previous), b, &id, err);
}

static int open_episode(cairn_req *req, void *arg, cairn_error *err) {
  way_back *w = arg;
  long long patient = cairn_record_patient(w->previous), id;
  const char *today = cairn_date_format(req, cairn_date_today(req));
  cairn_doc *e = cairn_doc_new(req, PROGRAM_NS, "EpisodeOfCare");
  cairn_doc_text(e, "status", "active");
  cairn_doc_text(e, "cohort", cairn_record_value(w->previous, "r:cohort"));
  cairn_doc_text(e, "periodStart", today);
  const char *instrument = cairn_record_value(w->previous,
                                              "r:primaryInstrument");
  if (instrument[0]) cairn_doc_text(e, "primaryInstrument", instrument);
  /* The introductory phase begins with a new baseline: the episode waits
  ** in "enrolled" as any new one does.  A later phase starts at once. */
  cairn_doc_text(e, "phase",
                 strcmp(w->phase, "introductory") == 0 ? "enrolled"
                                                        : w->phase);
  if (mt.definition_version > 0)
    cairn_doc_text(e, "definitionVersion",
                   mt_int(req, mt.definition_version));
  int rc = cairn_record_create(req, PROGRAM_T_EPISODE, patient, e,
                               &w->episode, err);
  if (rc) return rc;
  cairn_doc *r = cairn_doc_new(req, MT_NS, "Return");
  cairn_doc_text(r, "previous", mt_int(req, cairn_record_id(w->previous)));
  cairn_doc_text(r, "episode", mt_int(req, w->episode));
  cairn_doc_text(r, "phase", w->phase);
  cairn_doc_text(r, "date", today);
  cairn_doc_text(r, "reason", w->reason);
  cairn_doc_text(r, "definitionVersion",
                 mt_int(req, mt.definition_version > 0 ? mt.definition_version
                                                       : 1));
  rc = cairn_record_create(req, MT_T_RETURN, patient, r, &id, err);
  if (rc) return rc;
  rc = invoice_phase(req, w, today, err);
  if (rc) return rc;
  mt_plan_fields f;
  mt_plan_fields_read(w->plan, &f);
  if (strcmp(f.state, "ended") != 0) {
    long start, now = cairn_date_today(req);
    cairn_date_parse(f.start, &start);
    f.state = "ended";
    f.end_reason = cairn_req_printf(req, "Came back to the program "
                                         "(episode %lld).", w->episode);
    f.end_date = cairn_date_format(
        req, strcmp(f.kind, "membership") == 0 && start <= now
                 ? mt_period_end(start, now) : now);
  }
  return cairn_record_revise(req, cairn_record_id(w->plan),
                             cairn_record_version(w->plan), NULL,
                             mt_plan_body(req, &f), err);
}

int mt_post_return(cairn_req *req) {
  long long patient = mt_param_id(req, "patient");
  long long episode = mt_param_id(req, "episode");
  cairn_error err = {0};
  const cairn_record *prev;
  if (cairn_record_get_for_patient(req, patient, episode, &prev, &err) ||
      strcmp(cairn_record_type_name(prev), PROGRAM_T_EPISODE) != 0)
    return mt_error_page(req, 404, "There is no such episode.");
  const cairn_record *plan = mt_plan_of_episode(req, episode);
  if (!plan)
    return mt_error_page(req, 409, "This episode has not graduated: there "
                                   "is nothing to come back from.");
  const char *id = cairn_req_printf(req, "return-%lld", episode);
  cairn_form *f = cairn_form_new(req, id, mt_return_fields);
  cairn_form_bind(f);
  const char *reason = cairn_form_value(f, "reason");
  if (reason[0] && strlen(reason) < MT_REASON_MIN)
    cairn_form_error(f, "reason", "Write the reason for coming back in a "
                                  "sentence (20 characters or more).");
  cairn_stmt *st = cairn_sql_prepare(req, RETURNED_SQL, &err);
  if (!st) return err.code;
  cairn_sql_bind_int(st, ":e", episode);
  if (cairn_sql_step(st) == 1 && cairn_sql_int(st, 0) > 0)
    return mt_error_page(req, 409, "A new episode has already been opened "
                                   "from this one.");
  if (cairn_form_errors(f) == 0) {
    way_back w = {.previous = prev, .plan = plan,
                  .phase = cairn_form_value(f, "phase"), .reason = reason};
    if (cairn_transaction(req, open_episode, &w, &err) == CAIRN_OK)
      return cairn_respond_redirect(
          req, cairn_req_printf(req, "/patients/%lld/episodes/%lld", patient,
                                w.episode));
    cairn_form_host_error(f, &err);
  }
  return mt_render_patient(req, patient, f, id, 422);
}
