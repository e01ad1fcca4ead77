/*
** intake_view.c -- what the intake recorded that stays clinically live
** after enrolment: the patient's medicines, allergies and pregnancy status
** (the herbal safety checks need them) and the red-flag screen with a
** clinician's clearance, shown on the chart and the episode page with a
** link to the intake.  The intake plugin's records are read as data: found
** through its projections (p_intake_intake, p_intake_section) and read
** through the record API; the plugins never call each other.  Without the
** intake plugin its tables are absent and nothing is shown.
*/
#include "program.h"

#include <stdlib.h>
#include <string.h>

/* Medicines and allergies one intake holds (intake.xsd allows 15 and 8). */
#define INTAKE_MEDICATIONS_MAX 15
#define INTAKE_ALLERGIES_MAX 8

/* The newest intake of a patient (episode 0), or the one that opened an
** episode. */
static const char SQL_INTAKE_OF[] =
    "SELECT record, state FROM p_intake_intake WHERE patient = :patient"
    " AND (:episode = 0 OR episode = :episode)"
    " AND status <> 'entered-in-error' ORDER BY record DESC LIMIT 1";

static const char SQL_INTAKE_SECTION[] =
    "SELECT record, positive FROM p_intake_section WHERE intake = :intake"
    " AND name = :name AND status <> 'entered-in-error'"
    " ORDER BY record DESC LIMIT 1";

/* Whether this process found the intake plugin's tables absent: plugins
** are loaded at start-up, so the answer holds until the worker ends, and
** the store's "refused SQL" is logged once, not on every page. */
static int intake_absent = 0;

cairn_stmt *program_intake_prepare(cairn_req *req, const char *sql) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  if (intake_absent) return NULL;
  st = cairn_sql_prepare(req, sql, &err);
  if (st == NULL) intake_absent = 1;
  return st;
}

/* The section `name` of intake `id`: *rec, and *positive (red flags
** answered other than "no").  0 when there is none. */
static int section_of(cairn_req *req, long long id, const char *name,
                      const cairn_record **rec, long long *positive) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = program_intake_prepare(req, SQL_INTAKE_SECTION);
  long long sid;
  if (st == NULL) return 0;
  cairn_sql_bind_int(st, ":intake", id);
  cairn_sql_bind_text(st, ":name", name);
  if (cairn_sql_step(st) != 1) return 0;
  sid = cairn_sql_int(st, 0);
  if (positive) *positive = cairn_sql_int(st, 1);
  return cairn_record_get(req, sid, rec, &err) == CAIRN_OK;
}

/* <medication name= dose= unit= frequency=/>*, <allergy substance=
** reaction=?/>*, no-medications= no-allergies= pregnancy= on the current
** element. */
static void doc_medicines(cairn_req *req, cairn_doc *doc,
                          const cairn_record *rec) {
  int i, n;
  n = atoi(cairn_record_value(rec, "count(r:medicines/r:medication)"));
  if (n > INTAKE_MEDICATIONS_MAX) n = INTAKE_MEDICATIONS_MAX;
  if (cairn_record_value(rec, "count(r:medicines/r:noMedications)")[0] == '1')
    cairn_doc_attr(doc, "no-medications", "yes");
  if (cairn_record_value(rec, "count(r:medicines/r:noAllergies)")[0] == '1')
    cairn_doc_attr(doc, "no-allergies", "yes");
  cairn_doc_attr(doc, "pregnancy",
                 cairn_record_value(rec, "r:medicines/r:pregnancy"));
  for (i = 1; i <= n; i++) {
    const char *m = cairn_req_printf(req, "r:medicines/r:medication[%d]", i);
    cairn_doc_open(doc, "medication");
    cairn_doc_attr(doc, "name", cairn_record_value(
        rec, cairn_req_printf(req, "%s/r:name", m)));
    cairn_doc_attr(doc, "dose", cairn_record_value(
        rec, cairn_req_printf(req, "%s/r:dose", m)));
    cairn_doc_attr(doc, "unit", cairn_record_value(
        rec, cairn_req_printf(req, "%s/r:unit", m)));
    cairn_doc_attr(doc, "frequency", cairn_record_value(
        rec, cairn_req_printf(req, "%s/r:frequency", m)));
    cairn_doc_close(doc);
  }
  n = atoi(cairn_record_value(rec, "count(r:medicines/r:allergy)"));
  if (n > INTAKE_ALLERGIES_MAX) n = INTAKE_ALLERGIES_MAX;
  for (i = 1; i <= n; i++) {
    const char *a = cairn_req_printf(req, "r:medicines/r:allergy[%d]", i);
    const char *reaction = cairn_record_value(
        rec, cairn_req_printf(req, "%s/r:reaction", a));
    cairn_doc_open(doc, "allergy");
    cairn_doc_attr(doc, "substance", cairn_record_value(
        rec, cairn_req_printf(req, "%s/r:substance", a)));
    if (reaction[0]) cairn_doc_attr(doc, "reaction", reaction);
    cairn_doc_close(doc);
  }
}

void program_doc_intake(cairn_req *req, cairn_doc *doc, long long patient,
                        long long episode) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = program_intake_prepare(req, SQL_INTAKE_OF);
  const cairn_record *intake, *med, *flags;
  long long id, positive = 0;
  if (st == NULL) return;            /* no intake plugin: nothing to show */
  cairn_sql_bind_int(st, ":patient", patient);
  cairn_sql_bind_int(st, ":episode", episode);
  if (cairn_sql_step(st) != 1) return;
  id = cairn_sql_int(st, 0);
  if (cairn_record_get(req, id, &intake, &err) != CAIRN_OK) return;
  cairn_doc_open(doc, "intake");
  cairn_doc_attr(doc, "id", program_fmt_int(req, id));
  cairn_doc_attr(doc, "href", cairn_req_printf(req, "/intake/%lld", id));
  cairn_doc_attr(doc, "state", cairn_record_value(intake, "r:state"));
  if (section_of(req, id, "redflags", &flags, &positive)) {
    const char *by = cairn_record_value(intake, "r:clearedBy");
    cairn_doc_attr(doc, "screen", positive == 0 ? "negative"
                                  : by[0]       ? "cleared"
                                                : "positive");
    cairn_doc_attr(doc, "screened", cairn_record_value(flags, "r:saved"));
    if (positive > 0 && by[0]) {
      cairn_doc_attr(doc, "cleared-by", by);
      cairn_doc_attr(doc, "cleared-on",
                     cairn_record_value(intake, "r:clearedOn"));
      cairn_doc_text(doc, "cleared-reason",
                     cairn_record_value(intake, "r:clearedReason"));
    }
  }
  if (section_of(req, id, "medicines", &med, NULL)) {
    cairn_doc_attr(doc, "medicines-saved", cairn_record_value(med, "r:saved"));
    doc_medicines(req, doc, med);
  }
  cairn_doc_close(doc);
}
