/*
** patient.h -- the patient's side of the care program (docs/patient.md):
** the personal link of an episode (patient_link.c), the patient's pages
** under /p/{episode} (patient.c) and the diary (diary.c).
**
** Included by program.h only, inside its hidden-visibility block.
*/
#ifndef PROGRAM_PATIENT_H
#define PROGRAM_PATIENT_H

#define PATIENT_NS          "urn:cairn:patient"
#define PROGRAM_T_PATIENT_LINK "program:PatientLink"
#define PROGRAM_T_DIARY     "program:DiaryEntry"

/* The personal link lives 90 days (the most capability_issue allows). */
#define PATIENT_LINK_DAYS 90
/* A diary note, in characters (patient.xsd Note). */
#define PATIENT_NOTE_MAX 1000
/* The "patient-cards" setting, in bytes. */
#define PATIENT_CARDS_MAX 512
/* Planned visits the home lists; diary rows the staff page lists. */
#define PATIENT_VISITS_MAX 10
#define PATIENT_DIARY_ROWS 60
/* Points on the home page's chart: the newest ones. */
#define PATIENT_CHART_MAX 40

/* The program's "patient-cards" setting: the cards other plugins add to
** the patient's home, "name=Title,name=Title" (each served at
** /p/{episode}/{name}); NULL when none.  Set by init. */
extern const char *program_patient_cards;

/* The episode of a patient route (/p/{episode}/...), for the holder of
** that episode's link only: 0 with *e loaded and the view audited, or
** the status of the "nothing here" page already answered. */
int patient_route_episode(cairn_req *req, program_episode *e, int *done);

/* The instrument the diary asks: the episode's primary measure when a
** patient can report it (NRS, PEG, PSFS, PGIC, headache), else the NRS. */
const instr_def *patient_diary_instrument(const program_episode *e);

/* The newest active PatientLink record of episode `id`, or NULL. */
const cairn_record *patient_link_active(cairn_req *req, long long episode);

/* Add <patient-diary link="active|none" entries= last=?/> to doc: the
** episode page's line about the patient's own reports. */
void patient_doc_diary_summary(cairn_req *req, cairn_doc *doc,
                               long long episode);

/* Set patient-reported="N" on the current element: the diary entries
** /outcomes leaves out (counted apart, never mixed with the clinic's). */
void patient_doc_diary_count(cairn_req *req, cairn_doc *doc);

/* Patient pages (patient.c, diary.c). */
int program_patient_home(cairn_req *req);     /* GET /p/{e} */
int program_patient_summary(cairn_req *req);  /* GET /p/{e}/summary */
int program_patient_diary(cairn_req *req);    /* GET /p/{e}/diary */
int program_patient_diary_post(cairn_req *req); /* POST /p/{e}/diary */
int program_patient_flare(cairn_req *req);    /* GET /p/{e}/flare */
int program_patient_flare_post(cairn_req *req); /* POST /p/{e}/flare */
/* Staff pages (patient_link.c). */
int program_page_patient_link(cairn_req *req);  /* GET .../patient-link */
int program_post_patient_link(cairn_req *req);  /* POST .../patient-link */
int program_post_patient_link_revoke(cairn_req *req);
int program_post_diary_error(cairn_req *req);   /* POST .../diary/{d}/error */

#endif
