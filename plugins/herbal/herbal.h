/*
** herbal.h -- the herbal plugin's shared state and its parts: the
** reference data loaded at start-up, the record checks, the reference
** pages and the CLI command.  Written on the level-3 kit only.
*/
#ifndef HERBAL_HERBAL_H
#define HERBAL_HERBAL_H

#include <cairn/plugin.h>
#include "herbdb.h"
#include "safety.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

CAIRN_PLUGIN_EXTERN

#define HERBAL_NS "urn:cairn:herbal"
#define HERBAL_T_PRESCRIPTION "herbal:Prescription"
#define HERBAL_T_MEDICATIONS "herbal:Medications"
#define HERBAL_T_ADHERENCE "herbal:Adherence"
#define HERBAL_T_ADVERSE "herbal:AdverseEffect"
#define HERBAL_T_REFILL "herbal:Refill"

/* Doses a day (herbal:Prescription's dosesPerDay): how many times a day
** the patient takes the day's herbs.  1 to 4, as the usual ways of taking
** a decoction or granules are (once; morning and evening; with midday; and
** at bedtime); a prescription stored before the field existed is read as
** 2, what its printed instructions said (half in the morning, half in the
** evening). */
#define HERBAL_DOSES_PER_DAY_MIN 1
#define HERBAL_DOSES_PER_DAY_MAX 4
#define HERBAL_DOSES_PER_DAY_DEFAULT 2
/* Days before the supply runs out from which a refill shows as due. */
#define HERBAL_REFILL_NOTICE_DAYS 3

/* The reference table, loaded once in init (before workers fork) and
** read-only afterwards. */
extern herbal_db *herbal_data;

/* What is known of a patient for the check: pregnancy status and current
** medicines, from the newest herbal:Medications record. */
typedef struct herbal_context {
  herbal_patient patient;    /* what herbal_check reads */
  const char *medicines[HERBAL_MEDICINES_MAX]; /* request arena */
  long long medications_record; /* the record read, 0 for none */
  long long intake_section;  /* no record yet: the intake's medicines
                             ** section read instead, 0 for none */
  const char *pregnancy_word; /* as recorded, "unknown" when none */
} herbal_context;

/* Fill *ctx for patient `patient` (0: no patient, nothing known): from
** the newest herbal:Medications record, or, before the clinician has saved
** one, from the medicines the patient gave in the intake questionnaire
** (read through the intake and program plugins' projections when they are
** loaded), so that a medicine declared at intake is checked from the first
** prescription.  Only "pregnant" and "possibly-pregnant" trip the
** pregnancy rule; "unknown" and "breastfeeding" are shown. */
int herbal_patient_context(cairn_req *req, long long patient,
                           herbal_context *ctx, cairn_error *err);

/* Read a herbal:Prescription body and check it for its subject: fills
** *out (request arena) and returns the verdict for the acknowledgement
** and justification the body holds. */
herbal_verdict herbal_check_body(cairn_req *req, cairn_doc *body,
                                 herbal_findings *out, cairn_error *err);
/* The same for a patient given by the caller (the CLI's dry run); pt NULL
** reads the body's subject as herbal_check_body does. */
herbal_verdict herbal_check_body_for(cairn_req *req, cairn_doc *body,
                                     const herbal_patient *pt,
                                     herbal_findings *out, cairn_error *err);

/* Write out's findings as <finding> children of the current element of
** doc (rule, severity, line, herb, source, message). */
void herbal_findings_doc(cairn_req *req, cairn_doc *doc,
                         const herbal_findings *out);

/* Fill *err with what stands in the way of saving (verdict v), naming the
** field the clinician must act on; 0 for HERBAL_SAVE. */
int herbal_refusal(const herbal_findings *out, herbal_verdict v,
                   cairn_error *err);

/* A prescription's supply (refill.c): refills so far, and the day the
** supply runs out (start date + days + every refill's days supplied),
** which is when the next refill is due. */
typedef struct herbal_supply_info {
  int refills;               /* active refill records */
  long runs_out;             /* day number (cairn_date_parse) */
  int stopped;               /* the prescription is stopped */
} herbal_supply_info;
int herbal_supply(cairn_req *req, const cairn_record *rx, herbal_supply_info *out);

/* Doses a day of prescription rx (doses.c): its dosesPerDay, or
** HERBAL_DOSES_PER_DAY_DEFAULT when it has none. */
int herbal_doses_per_day(const cairn_record *rx);
/* n doses a day in the words the printed instructions use ("once a day",
** "twice a day", "3 times a day"); request arena. */
const char *herbal_times_a_day(cairn_req *req, int n);
/* Doses prescription rx prescribes in the week starting on day `week`
** (cairn_date_parse day number): the days of that week within the
** prescription's span (fewer in its first and last weeks), times its
** doses a day; 0 for a week outside it. */
int herbal_week_doses(const cairn_record *rx, long week);

/* Record checks (cairn_record_type.check). */
int herbal_check_prescription(cairn_req *req, cairn_doc *body,
                              cairn_error *err);
int herbal_check_adverse(cairn_req *req, cairn_doc *body, cairn_error *err);
int herbal_check_refill(cairn_req *req, cairn_doc *body, cairn_error *err);

/* Pages (routes in herbal.c). */
int herbal_page_reference(cairn_req *req);   /* GET /herbs */
int herbal_post_check(cairn_req *req);       /* POST /herbs/check */
int herbal_page_patient(cairn_req *req);
int herbal_page_prescribe(cairn_req *req);
int herbal_post_prescribe(cairn_req *req);
int herbal_post_prescription_xml(cairn_req *req);
int herbal_page_prescription(cairn_req *req);
int herbal_page_instructions(cairn_req *req);
int herbal_page_dispensing(cairn_req *req);
int herbal_page_revise(cairn_req *req);
int herbal_post_revise(cairn_req *req);
int herbal_post_stop(cairn_req *req);
int herbal_page_medicines(cairn_req *req);
int herbal_post_medicines(cairn_req *req);
int herbal_page_alerts(cairn_req *req);
int herbal_page_adherence(cairn_req *req);
int herbal_post_adherence(cairn_req *req);
int herbal_page_adverse(cairn_req *req);
int herbal_post_adverse(cairn_req *req);
int herbal_page_refill(cairn_req *req);
int herbal_post_refill(cairn_req *req);
/* The patient's own page under /p/{e}/herbs (patient_page.c). */
int herbal_patient_herbs(cairn_req *req);
int herbal_patient_doses(cairn_req *req);
int herbal_patient_effect(cairn_req *req);
/* Sections on the program's pages (sections.c, cairn_section.fill). */
int herbal_section_episode(cairn_req *req, long long patient, long long episode,
                           cairn_doc *doc, cairn_error *err);
int herbal_section_checkpoint(cairn_req *req, long long patient, long long episode,
                              cairn_doc *doc, cairn_error *err);
int herbal_section_patient_summary(cairn_req *req, long long patient, long long episode,
                                   cairn_doc *doc, cairn_error *err);
int herbal_section_dashboard(cairn_req *req, long long patient, long long episode,
                             cairn_doc *doc, cairn_error *err);
/* What the dashboard and /herbal/alerts list (rx_pages.c): active
** prescriptions unsafe since saved, and serious adverse effects still
** waiting for a stop or change.  visit is called once per item. */
typedef struct herbal_alert {
  const char *kind;          /* "unsafe" or "serious" */
  long long patient;         /* the patient's record id */
  long long prescription;    /* the prescription concerned */
  long long record;          /* the adverse effect ("serious"), else 0 */
  const char *name;          /* the patient's name, "" when unknown */
  const char *date;          /* the effect's date ("serious") */
  const char *action;        /* the effect's recorded action ("serious") */
  int open;                  /* "serious": still no stop or change since */
  const herbal_findings *findings; /* "unsafe": today's check */
} herbal_alert;
int herbal_alerts_each(cairn_req *req,
                       int (*visit)(cairn_req *req, const herbal_alert *a, void *ctx),
                       void *ctx);
/* 1 when serious adverse effect `effect_date` of prescription rx has had
** no stop or change since (rx_pages.c). */
int herbal_effect_open(cairn_req *req, const cairn_record *rx, const char *effect_date);
/* <adherence week= taken= prescribed=/>*, <adverse date= severity=
** action=><what/></adverse>*, <refill date= days=/>* and <supply runs-out=
** refills=/> of prescription rx under doc's current element. */
int herbal_monitoring_doc(cairn_req *req, cairn_doc *doc, long long rx);

/* `cairn herbal-data [--check FILE.xml]` */
int herbal_command_data(cairn_req *req, int argc, char **argv,
                        cairn_error *err);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#endif /* HERBAL_HERBAL_H */
