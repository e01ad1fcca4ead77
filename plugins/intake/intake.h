/*
** intake.h -- what the intake plugin's files share (never installed).
**
** The plugin (PROGRAM.md, steps 0 and 1): intake.c (descriptor, record
** types, routes, settings), content.c (the questionnaire's content and
** the instrument items, loaded at start-up), public.c (the public
** discovery-call request page and its spam defences), queue.c (the front
** desk's queue: schedule the call, record its outcome), form.c (the
** questionnaire, section by section, for staff and through a capability
** link), fields.c (the questionnaire's fields), review.c (the staff page
** of an intake: red flags, links, clearing the screen), enrol.c
** (enrolment into the care program), util.c (helpers).
**
** Every symbol but cairn_plugin_entry() is hidden.
*/
#ifndef INTAKE_INTAKE_H
#define INTAKE_INTAKE_H

#include <stddef.h>
#include <cairn/plugin.h>

#pragma GCC visibility push(hidden)

CAIRN_PLUGIN_EXTERN

#define INTAKE_NS "urn:cairn:intake"
#define INTAKE_T_REQUEST "intake:DiscoveryRequest"
#define INTAKE_T_INTAKE  "intake:Intake"
#define INTAKE_T_SECTION "intake:Section"
#define INTAKE_T_TASK    "intake:ReferralTask"

/* The care program's record types (plugins/program, schemas/program.xsd):
** enrolment writes through them. */
#define PROGRAM_NS "urn:cairn:program"
#define PROGRAM_T_PATIENT "program:Patient"
#define PROGRAM_T_EPISODE "program:EpisodeOfCare"
#define PROGRAM_T_OBSERVATION "program:Observation"
#define PROGRAM_T_PHASE_CHANGE "program:PhaseChange"

/* Text limits, in characters.  A name: the longest real names are far
** below 100.  A line (contact, times, a medicine): 200, the schema's Line.
** A few lines about the problem or a reason: 2000, the schema's Text (a
** page of handwriting).  A goal: 120, one sentence. */
#define INTAKE_NAME_MAX 100
#define INTAKE_LINE_MAX 200
#define INTAKE_TEXT_MAX 2000
#define INTAKE_GOAL_MAX 120

/* Rows the questionnaire offers (the schema's own bounds). */
#define INTAKE_MEDS_MAX 15
#define INTAKE_ALLERGIES_MAX 8
#define INTAKE_GOALS_MIN 3       /* PSFS: 3 to 5 activities (Stratford 1995) */
#define INTAKE_GOALS_MAX 5

/* -------------------------------------------------------------- content */

/* Bounds of data/intake-content.xml (schemas/intake-content.xsd). */
#define INTAKE_REGIONS_MAX 32
#define INTAKE_FLAGS_MAX 32
#define INTAKE_SOURCES_MAX 16
#define INTAKE_TERMS_MAX 20

typedef struct intake_region {
  char *code, *label;          /* "lower-back", "Lower back" */
  char *measure;               /* suggested function measure, "" for none */
} intake_region;

typedef struct intake_flag {
  char *code;                  /* "ce-saddle" */
  char *question;              /* as the patient reads it */
  char *concern;               /* what a positive answer may mean */
  char *sources;               /* space-separated source ids */
} intake_flag;

typedef struct intake_source {
  char *id;                    /* "finucane-2020", named by flags' sources */
  char *citation;              /* the reference as a reader cites it */
} intake_source;

/* Items of an instrument, as data/instruments.xml defines them. */
#define INTAKE_ITEMS_MAX 32
typedef struct intake_item {
  char *id;                    /* "pain", "s1", "a1" */
  char *label;                 /* the question; its id when it has none */
  double min, max, step;       /* the answer's range; step 0: any decimal */
} intake_item;
typedef struct intake_instrument {
  char *id;                    /* "nrs", "peg", "psfs", "odi", "ndi" */
  char *abbreviation;          /* "ODI"; its id when it has none */
  char *name;                  /* "Oswestry Disability Index"; or its id */
  intake_item items[INTAKE_ITEMS_MAX]; /* in the order they are asked */
  size_t n_items;              /* entries of items */
  int max_missing;             /* items that may go unanswered */
} intake_instrument;

/* The baseline measures the questionnaire can ask, in order: pain (NRS),
** pain and interference (PEG), the patient's own activities (PSFS), and
** one region-specific disability index (ODI for the low back, NDI for the
** neck).  Those not defined in instruments.xml are left out. */
#define INTAKE_BASELINE_MAX 5

/* The paid phases of a program definition (introductory, first month,
** monthly): the fees the consent page shows. */
#define INTAKE_FEES_MAX 3

/* A phase's flat fee in the current program definition. */
typedef struct intake_fee {
  char *name;                  /* "Introductory phase" */
  char *fee;                   /* "420.00", as the definition writes it */
} intake_fee;

typedef struct intake_content {
  intake_region regions[INTAKE_REGIONS_MAX]; /* the pain section's sites */
  size_t n_regions;            /* entries of regions */
  intake_flag flags[INTAKE_FLAGS_MAX]; /* the red-flag questions */
  size_t n_flags;              /* entries of flags */
  intake_source sources[INTAKE_SOURCES_MAX]; /* the flags' sources */
  size_t n_sources;            /* entries of sources */
  char *terms_version;         /* the terms' version, "2026-1" */
  char *terms[INTAKE_TERMS_MAX]; /* the terms, a paragraph each */
  size_t n_terms;              /* entries of terms */
  intake_instrument baseline[INTAKE_BASELINE_MAX]; /* in BASELINE order */
  size_t n_baseline;           /* entries of baseline */
  /* The care program's current definition version (the "current"
  ** attribute of program-definition.xml), or 0 when there is no
  ** definition: enrolment then opens a plain episode, without phase. */
  int program_version;
  char *currency;              /* that version's currency ("AUD"), or NULL */
  intake_fee fees[INTAKE_FEES_MAX]; /* that version's phases and fees */
  size_t n_fees;               /* entries of fees */
} intake_content;

/* Loaded by init (content.c); read-only afterwards. */
extern const intake_content *intake_data;

/* Settings, with their defaults (intake.c). */
typedef struct intake_settings {
  int answer_days;             /* a request unanswered this long is flagged */
  int link_days;               /* a patient's link lasts this long */
  int link_uses;               /* and opens at most this often */
  int min_seconds;             /* a public form sent faster is refused */
  int rate_max;                /* public requests per address ... */
  int rate_window;             /* ... per this many seconds */
  const char *cohort;          /* the cohort label of enrolled episodes */
  int referrals;               /* the referral plugin is loaded: the red-flag
                               ** task links to its referral out */
} intake_settings;
extern intake_settings intake_cfg;

/* Load the content file, the baseline instruments of instruments.xml and
** the current version of the program definition (0, with a warning, when
** definition_path is NULL or unreadable) into intake_data, copied: the
** documents are freed before it returns.  0, or the host's error. */
int intake_content_load(const char *content_path, const char *instr_path,
                        const char *definition_path, cairn_error *err);
/* Free intake_data (fini). */
void intake_content_free(void);
/* The baseline instrument `id`, or NULL when instruments.xml lacks it. */
const intake_instrument *intake_baseline_find(const char *id);

/* ------------------------------------------------------------- handlers */
int intake_page_request(cairn_req *req);       /* GET  /request-a-call */
int intake_post_request(cairn_req *req);       /* POST /request-a-call */
int intake_page_thanks(cairn_req *req);        /* GET  .../thanks */
int intake_page_queue(cairn_req *req);         /* GET  /intake */
int intake_page_request_detail(cairn_req *req);/* GET  /intake/requests/N */
int intake_post_schedule(cairn_req *req);      /* POST .../schedule */
int intake_post_outcome(cairn_req *req);       /* POST .../outcome */
int intake_page_intake(cairn_req *req);        /* GET  /intake/N */
int intake_post_link(cairn_req *req);          /* POST /intake/N/link */
int intake_post_queue_link(cairn_req *req);    /* POST /intake/link */
int intake_page_form(cairn_req *req);          /* GET  /intake/N/form */
int intake_post_form(cairn_req *req);          /* POST /intake/N/form */
int intake_post_clear(cairn_req *req);         /* POST /intake/N/clear */
int intake_post_enrol(cairn_req *req);         /* POST /intake/N/enrol */
int intake_post_referral(cairn_req *req);      /* POST /intake/N/referral */
/* Event on referral:Referral (the referral plugin's, when it is loaded): a
** referral out, as it is sent, closes the patient's open red-flag tasks
** as referred, naming the partner and the referral. */
int intake_on_referral(cairn_req *req, const cairn_record *rec,
                       cairn_error *err);

int intake_check_section(cairn_req *req, cairn_doc *body, cairn_error *err);
/* A new DiscoveryRequest's stamp has not been used by another request
** (CAIRN_ECONFLICT on field "stamp"); runs inside the write's
** transaction, so two replays sent at once cannot both pass (public.c). */
int intake_check_request(cairn_req *req, cairn_doc *body, cairn_error *err);

/* ------------------------------------------------------------ the secret */
/* Make the key that signs the public form's time stamp (public.c). */
void intake_stamp_init(void);

/* ---------------------------------------------------------------- forms */

/* The id of every intake form: its controls are "f-<field>" in the views
** (www/views/form-lib.xsl). */
#define INTAKE_FORM_ID "f"

/* The questionnaire's fields, one table per section, declared at init
** from the content (regions, red flags, baseline items) and freed at fini
** (fields.c).  NULL for a name that is not a section. */
int intake_fields_init(cairn_error *err);
void intake_fields_free(void);
const cairn_field *intake_section_fields(const char *section);
/* A section of the questionnaire (sections.c): load a stored section
** into the form; check the bound form beyond its fields' kinds and limits
** (the intake's id, for sections that depend on others); build the form
** into the section's element, the builder's current element of doc. */
typedef struct intake_section {
  const char *name;            /* "demographics"; NULL ends the table */
  void (*load)(cairn_req *req, const cairn_record *rec, cairn_form *f);
  void (*check)(cairn_req *req, long long intake, cairn_form *f);
  void (*build)(cairn_req *req, cairn_form *f, cairn_doc *doc);
} intake_section;
/* The seven sections, in the order they are asked. */
extern const intake_section INTAKE_SECTIONS[];

/* 1 for the baseline's region-specific measures: ODI and NDI. */
int intake_is_function_measure(const char *id);

/* 1 when field `name` of form f has a value; else puts "Enter <what>." on
** the field and returns 0.  (Kinds and limits are the form model's:
** cairn_form_bind checks them.) */
int intake_required(cairn_req *req, cairn_form *f, const char *name,
                    const char *what);

/* -------------------------------------------------------------- helpers */


/* A decimal of at most `decimals` decimals, no sign, no exponent. */
int intake_number_parse(const char *s, int decimals, double *out);

/* Text of a number, in the arena. */
const char *intake_fmt_int(cairn_req *req, long long v);

/* The record id in the route's parameter `name` (1-18 digits), or 0. */
long long intake_param_id(cairn_req *req, const char *name);

/* Add <name>text</name> under the current element of a record body,
** nothing when text is NULL or "" (the schema's optional elements). */
void intake_put(cairn_doc *doc, const char *name, const char *text);
/* 1 when the caller is the patient (the holder of the intake's link, no
** staff role): patient-facing forms ask only what can be shipped with
** its wording (NRS, PEG, PSFS), never the licensed ODI / NDI, whose
** section scores staff enter from the clinic's paper form. */
int intake_is_patient(cairn_req *req);
/* Before the patient's baseline is saved: the region-specific index is
** what staff stored (their values and choice), never what was posted. */
void intake_baseline_keep_staff(cairn_req *req, long long intake,
                                cairn_form *f);

/* The newest version of the section record `name` of intake `intake`:
** its id (0 when never saved) and version. */
int intake_section_find(cairn_req *req, long long intake, const char *name,
                        long long *id, int *version);
/* Load an intake record (type checked): CAIRN_ENOTFOUND for another
** type. */
int intake_load(cairn_req *req, long long id, const cairn_record **out,
                cairn_error *err);

/* The red-flag screen of an intake, for its page and for enrolment
** (review.c). */
typedef struct intake_screen {
  const cairn_record *rec;     /* the redflags section; NULL when not saved */
  int version;                 /* its version, 0 when not saved */
  int positive;                /* answers other than "no" */
  int cleared;                 /* 1 when a clinician cleared this version */
} intake_screen;
int intake_screen_load(cairn_req *req, const cairn_record *intake,
                       intake_screen *s);
/* The newest version of section `name` of intake `intake`, or NULL when
** it was never saved. */
const cairn_record *intake_section_record(cairn_req *req, long long intake,
                                          const char *name);
/* 1 when the baseline section `base` holds a measure of instrument `id`. */
int intake_baseline_holds(cairn_req *req, const cairn_record *base,
                          const char *id);
/* Why enrolment cannot happen now: adds <blocker> elements to doc (when
** not NULL), returns how many. */
int intake_blockers(cairn_req *req, cairn_doc *doc, const cairn_record *intake,
                    const intake_screen *s);
/* The intake of the route's "id" for a staff page: 0, or the response
** already sent (an error page). */
int intake_load_page(cairn_req *req, const cairn_record **rec);
/* The staff page of an intake, with form f (as posted, with its
** messages) and the link just issued, either may be NULL. */
int intake_render_review(cairn_req *req, const cairn_record *intake,
                         cairn_form *f, const char *link, int status);
/* The staff page of an intake with its link form lf refused (as
** posted, with its messages). */
int intake_render_link_form(cairn_req *req, const cairn_record *intake,
                            cairn_form *lf, int status);

/* ------------------------------------------------------- the link (link.c) */

/* The form that issues the patient's link on the intake's page (the
** address is optional there: without it the link is only shown) and the
** one on the queue page (which intake, the address required). */
extern const cairn_field INTAKE_LINK_FIELDS[];
/* The queue page's form for the open intakes `choices` (value, label
** pairs, NULL-terminated, in the request's arena). */
cairn_field *intake_queue_link_fields(cairn_req *req,
                                      const char *const *choices);
/* The id of the form on the queue page: its controls are "send-<field>". */
#define INTAKE_SEND_FORM_ID "send"
/* The link to show on intake rec's page for ?issued=: its URL when it is
** the link just issued and not yet shown, removed from the record as it
** is shown (so a reload shows nothing); NULL otherwise.  *sent_to gets
** the address it was emailed to, or "". */
const char *intake_link_take(cairn_req *req, const cairn_record **rec,
                             const char **sent_to);
/* The open intakes as choices of the queue page's form: id, "name
** (opened date)", ..., NULL (request arena; at most LIST_MAX). */
const char *const *intake_open_choices(cairn_req *req);
/* The queue page with the send form f (as posted) at `status`. */
int intake_render_queue(cairn_req *req, cairn_form *f, int status);

/* ---------------------------------------------------- jobs (overdue.c) */
/* Mark the requests still new answer-days after they arrived: their
** overdueSince is set once, so a second run changes nothing.  The count
** marked, or CAIRN_E*. */
int intake_job_overdue_calls(cairn_req *req, cairn_error *err);
/* Store request rec again, still new, marked overdue since `since`
** (queue.c, which owns the request's body).  Nothing for a request no
** longer new. */
int intake_request_mark_overdue(cairn_req *req, const cairn_record *rec,
                                const char *since, cairn_error *err);

/* The Intake record's fields as text ("" when absent), to change some
** and store the record again (intake_fields_save revises it with the
** record's version, so a concurrent change is a conflict). */
typedef struct intake_fields {
  const char *state;           /* "open", "submitted", "enrolled" */
  const char *opened;          /* date the intake was opened */
  const char *request;         /* the DiscoveryRequest's id */
  const char *link_id;         /* the patient's link, "" when none */
  const char *link_expires;    /* the link's last day */
  const char *link_url;        /* the link in full until shown once, or "" */
  const char *link_sent_to;    /* the address it was emailed to, or "" */
  const char *submitted;       /* date the consent was given */
  const char *cleared_screen;  /* the redflags version a clinician cleared */
  const char *cleared_by;      /* who cleared it */
  const char *cleared_on;      /* and when */
  const char *cleared_reason;  /* and why */
  const char *episode;         /* the episode enrolment opened */
} intake_fields;
void intake_fields_load(const cairn_record *rec, intake_fields *f);
int intake_fields_save(cairn_req *req, const cairn_record *rec,
                       const intake_fields *f, cairn_error *err);
/* Withdraw the intake's current link, if any (f->link_id cleared). */
void intake_link_withdraw(cairn_req *req, intake_fields *f);

#pragma GCC visibility pop

#endif /* INTAKE_INTAKE_H */
