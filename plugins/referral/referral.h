/*
** referral.h -- what the referral plugin's files share (never installed).
**
** The plugin (PROGRAM.md, "Referrals"): referral.c (descriptor, record
** types, routes, settings), partner.c (the directory of trusted partners
** and its staff pages), where.c ("where you are": the items a referral can
** share, assembled from the records), compose.c (writing a referral),
** send.c (sending it: the partner's link and the email, in one
** transaction; revoking and re-issuing the link; cancelling), handoff.c
** (the partner's page through the link, and its actions), tracking.c
** (/referrals, the patient's referrals, one referral, the letter),
** sections.c (its parts of the program's pages), job.c (the
** unacknowledged flag), util.c (helpers).
**
** Every symbol but cairn_plugin_entry() is hidden.
*/
#ifndef REFERRAL_REFERRAL_H
#define REFERRAL_REFERRAL_H

#include <stddef.h>
#include <cairn/plugin.h>

#pragma GCC visibility push(hidden)

CAIRN_PLUGIN_EXTERN

#define REFERRAL_NS "urn:cairn:referral"
#define REFERRAL_T_PARTNER  "referral:Partner"
#define REFERRAL_T_REFERRAL "referral:Referral"

/* The care program's record types (plugins/program), read-only here. */
#define PROGRAM_T_PATIENT "program:Patient"
#define PROGRAM_T_EPISODE "program:EpisodeOfCare"

/* Text limits, in characters: the schema's Line and Text. */
#define REFERRAL_LINE_MAX 200
#define REFERRAL_TEXT_MAX 2000
/* Tags a partner carries (the schema's bound). */
#define REFERRAL_TAGS_MAX 12
/* Notes a referral keeps (the schema's bound): a referral with fifty notes
** is a conversation that belongs on the phone. */
#define REFERRAL_NOTES_MAX 50
/* Measures one referral can share (the schema's bound) and points per
** measure: a year of weekly scores is more than a partner reads. */
#define REFERRAL_MEASURES_MAX 8
#define REFERRAL_POINTS_MAX 60
/* Red flags one intake task names (intake.xsd: one per question of the
** screen, at most 32). */
#define REFERRAL_FLAGS_MAX 32
/* Rows a list page shows: a clinic has tens of open referrals, not
** thousands; the page says when there are more. */
#define REFERRAL_LIST_MAX 200
/* Referrals the job flags in one run (a bounded batch). */
#define REFERRAL_JOB_BATCH 100

/* Settings, read by init (referral.c). */
typedef struct referral_settings {
  int link_days;              /* the partner's link lasts this many days */
  int ack_days;               /* unacknowledged after this many: flagged */
  const char *clinic_phone;   /* the clinic's contact on the handoff page, */
  const char *clinic_email;   /* each "" when not set */
  const char *clinic_address;
} referral_settings;
extern referral_settings referral_cfg;

/* An instrument as data/instruments.xml defines it, for labels and the
** chart's scale (best and worst).  Loaded by init when the "instruments"
** setting names the file; without it measures show their id and a scale
** from their own scores. */
#define REFERRAL_INSTRUMENTS_MAX 32
typedef struct referral_instrument {
  char id[32];                /* "nrs" */
  char label[200];            /* "NRS: Numeric rating scale ..." */
  double best, worst;         /* the scale's ends */
} referral_instrument;
extern referral_instrument referral_instruments[REFERRAL_INSTRUMENTS_MAX];
extern size_t referral_n_instruments;

/* ----------------------------------------------------------- util.c */

/* A route's named id group as a positive number, or 0. */
long long referral_param_id(cairn_req *req, const char *name);
/* "%lld" in the request's arena. */
const char *referral_fmt_int(cairn_req *req, long long v);
/* Add <name>text</name> unless text is NULL or "". */
void referral_put(cairn_doc *doc, const char *name, const char *text);
/* 1 when patient `patient` has records of plugin `plugin` ("herbal":
** types "herbal:..."), read from the core's record table.  Only then are
** that plugin's projection tables read: a plugin never installed has no
** records and no tables, and is not asked about. */
int referral_patient_has(cairn_req *req, const char *plugin,
                         long long patient);
/* The instrument of id `id`, or NULL. */
const referral_instrument *referral_instrument_find(const char *id);

/* The newest version of Referral `id` of patient `patient` (0: any
** patient), noted in the audit trail.  CAIRN_ENOTFOUND for another type
** or patient. */
int referral_load(cairn_req *req, long long patient, long long id,
                  const cairn_record **out, cairn_error *err);
/* The newest version of Partner `id`.  CAIRN_ENOTFOUND for another type. */
int referral_partner_load(cairn_req *req, long long id,
                          const cairn_record **out, cairn_error *err);

/* A referral's body being rewritten: every element of the stored version
** copied into a new document, with what a change sets in between.  Start
** with referral_copy_begin(), change what the change changes, finish with
** referral_copy_end(); then revise with the body. */
typedef struct referral_change {
  const char *status;         /* the new status, or NULL: unchanged */
  const char *status_note;    /* the note of the status move, or NULL */
  const char *link_id;        /* "" to clear, NULL unchanged */
  const char *link_expires;   /* as link_id */
  const char *first_appointment; /* NULL unchanged */
  const char *flagged;        /* NULL unchanged, "" to clear */
  const char *note_from;      /* "staff" or "partner": add a note */
  const char *note_text;      /* its text */
} referral_change;
/* The stored body of `rec` with `ch` applied, ready for record_revise.
** The status move and the note are stamped with today and the actor
** (`by`: "partner" for the link's holder, else the staff name). */
cairn_doc *referral_changed(cairn_req *req, const cairn_record *rec,
                            const referral_change *ch, const char *by);
/* Copy element `n` of the document `src` -- its name, the attributes the
** referral schema gives elements, and its text or children -- as the last
** child of `parent` in `dst` (NULL: its root).  The builder's current
** element is left at `parent`. */
void referral_copy_element(cairn_doc *src, cairn_node *n, cairn_doc *dst,
                           cairn_node *parent);
/* "Name, Organisation" of a partner, at most REFERRAL_LINE_MAX
** characters: the referral keeps it as performerDisplay. */
const char *referral_partner_display(cairn_req *req,
                                     const cairn_record *partner);
/* 1 when a referral in `status` is closed (its link shows only that). */
int referral_closed(const char *status);

/* -------------------------------------------------------- partner.c */

int referral_page_partners(cairn_req *req);
int referral_page_partner_new(cairn_req *req);
int referral_post_partner_new(cairn_req *req);
int referral_page_partner(cairn_req *req);
int referral_post_partner(cairn_req *req);
/* Check hook of referral:Partner: tags unique. */
int referral_check_partner(cairn_req *req, cairn_doc *body, cairn_error *err);

/* ---------------------------------------------------------- where.c */

/* Offer every item of "where you are" the records hold for the episode:
** <offer key= label= >detail</offer>* under the current element. */
int referral_where_offer(cairn_req *req, cairn_doc *doc, long long patient,
                         long long episode);
/* Write <supportingInfo> with the items whose keys were chosen (a form
** field "share.KEY" = "yes") under the current element of body. */
int referral_where_build(cairn_req *req, cairn_doc *body, long long patient,
                         long long episode, const char *summary);

/* -------------------------------------------------------- compose.c */

int referral_page_new(cairn_req *req);
int referral_post_new(cairn_req *req);
/* Check hook of referral:Referral: a partner that is one, an episode of
** the same patient, consent before anything leaves draft. */
int referral_check_referral(cairn_req *req, cairn_doc *body, cairn_error *err);

/* ----------------------------------------------------------- send.c */

int referral_post_send(cairn_req *req);
int referral_post_revoke(cairn_req *req);
int referral_post_cancel(cairn_req *req);
int referral_post_staff_note(cairn_req *req);

/* -------------------------------------------------------- handoff.c */

int referral_page_handoff(cairn_req *req);
int referral_post_handoff_ack(cairn_req *req);
int referral_post_handoff_decision(cairn_req *req);
int referral_post_handoff_note(cairn_req *req);
int referral_post_handoff_appointment(cairn_req *req);

/* ------------------------------------------------------- tracking.c */

int referral_page_list(cairn_req *req);
int referral_page_patient(cairn_req *req);
int referral_page_one(cairn_req *req);
int referral_page_letter(cairn_req *req);
/* The view of one referral as the partner sees it: patient, what was
** shared, the clinic's contact (handoff page and letter alike). */
int referral_doc_shared(cairn_req *req, cairn_doc *doc,
                        const cairn_record *rec);
/* The staff page of one referral with an optional form and status. */
int referral_render_one(cairn_req *req, const cairn_record *rec,
                        cairn_form *form, int status);

/* ------------------------------------------------------- sections.c */

/* The parts of the program's pages (slots episode, graduation, chart). */
extern const cairn_section referral_sections[];
/* The record id of the patient's newest open red-flag task of the intake
** (intake:ReferralTask), or 0: none, or no intake records at all. */
long long referral_open_task(cairn_req *req, long long patient);

/* ------------------------------------------------------------ job.c */

int referral_job_unacknowledged(cairn_req *req, cairn_error *err);

#pragma GCC visibility pop

#endif /* REFERRAL_REFERRAL_H */
