/*
** maintenance.h -- the maintenance plugin's private declarations: its
** record types, the plan data it loads at start-up, and the handlers each
** file defines.
*/
#ifndef MAINTENANCE_H
#define MAINTENANCE_H

#include <cairn/plugin.h>

#include "rules.h"

CAIRN_PLUGIN_EXTERN

#define MT_NS "urn:cairn:maintenance"
#define MT_T_PLAN "maintenance:Plan"

/* 1 when the setting "referrals" is "yes": the referral plugin is loaded
** beside this one, so a plan's external options link to its form.  (A
** plugin may not read sqlite_master to find out for itself.) */
extern int mt_referrals;
#define MT_T_INVOICE "maintenance:Invoice"
#define MT_T_CHECKIN "maintenance:CheckIn"
#define MT_T_RETURN "maintenance:Return"
#define MT_T_VISIT "maintenance:Visit"

/* Limits of the plan data. */
#define MT_TERMS_MAX 32          /* versions of the terms */
#define MT_OPTIONS_MAX 16        /* plans per version */
#define MT_CHECKINS_MAX 12       /* check-in timepoints per version */
#define MT_INSTRUMENTS_MAX 64    /* instruments read from instruments.xml */
#define MT_ITEMS_MAX 32          /* items per instrument */
/* A reason, a comment: shortest and longest. */
#define MT_REASON_MIN 20
#define MT_TEXT_MAX 2000
/* Rows one job run handles at most (a bounded batch). */
#define MT_BATCH_MAX 200

typedef struct mt_option {
  const char *id;            /* "membership" */
  const char *kind;          /* home, membership, as-needed, external */
  const char *name;          /* for a person */
  const char *description;   /* for a person */
  double monthly_fee;        /* membership: the flat fee a month */
  int visits_included;       /* membership: visits the fee includes */
  int term_months;           /* membership: months to the renewal */
  int notice_days;           /* membership: days of notice before it */
  double visit_fee;          /* as-needed: the fee of a visit */
} mt_option;

typedef struct mt_terms {
  int version;               /* plans keep the version they began under */
  const char *effective;     /* YYYY-MM-DD */
  const char *currency;      /* "AUD" */
  mt_option options[MT_OPTIONS_MAX]; /* the plans offered */
  int n_options;
  int checkin_months[MT_CHECKINS_MAX]; /* months after graduation */
  int n_checkins;
  int reminder_days;         /* a reminder this long after the message */
  int link_days;             /* the patient's link lasts this long */
  mt_loss_rule loss;         /* the loss-of-gains thresholds */
} mt_terms;

typedef struct mt_item {
  const char *id;            /* the answer's item id */
  const char *label;         /* for a person */
  double min, max;           /* the answer's range */
} mt_item;

typedef struct mt_instrument {
  const char *id;            /* "peg" */
  const char *name;          /* the short name */
  double best;               /* the best score: improvement goes toward it */
  mt_item items[MT_ITEMS_MAX]; /* its items, for the check-in form */
  int n_items;
} mt_instrument;

/* The program's paid phases, in order (a return may start at each). */
#define MT_PAID_PHASES 3
extern const char *const mt_paid_phases[MT_PAID_PHASES];

typedef struct mt_data {
  mt_terms terms[MT_TERMS_MAX]; /* every version in the file */
  int n_terms;
  int current;               /* the version new plans begin under */
  mt_instrument instruments[MT_INSTRUMENTS_MAX];
  int n_instruments;
  int definition_version;    /* the program definition's current version */
  double phase_fee[MT_PAID_PHASES];       /* its fee of each of mt_paid_phases */
  char definition_currency[4]; /* its currency: "AUD" */
} mt_data;

extern mt_data mt;

/* data.c: load the plan file, instruments.xml and the program
** definition's current version (documents kept until mt_data_free). */
int mt_data_load(const char *plans, const char *instruments,
                 const char *definition, cairn_error *err);
void mt_data_free(void);
const mt_terms *mt_terms_find(int version);
const mt_terms *mt_terms_current(void);
const mt_option *mt_option_find(const mt_terms *t, const char *id);
const mt_instrument *mt_instrument_find(const char *id);

/* util.c */
/* A path parameter as an id (0 when absent: the route's pattern allows
** only 1-18 digits). */
long long mt_param_id(cairn_req *req, const char *name);
/* An integer and an amount of money as text, in the request's arena. */
const char *mt_int(cairn_req *req, long long v);
const char *mt_money(cairn_req *req, double v);
/* A page that says `message` with `status`; returns the status. */
int mt_error_page(cairn_req *req, int status, const char *message);
/* The newest plan of an episode, or NULL. */
const cairn_record *mt_plan_of_episode(cairn_req *req, long long episode);
/* Write a plan's body from its fields (the builder's document). */
typedef struct mt_plan_fields {
  const char *episode, *option, *kind, *start, *graduated, *terms_version,
      *renewal, *state, *end_date, *end_reason, *email, *first_name,
      *notice_for,
      *billed_from,          /* billing periods count from this day (a
                             ** resumed membership); absent: from start */
      *paused_on, *pause_reason, /* a pause: no period that begins on or
                             ** after paused_on is billed */
      *resumed_on;           /* each NULL or "" when absent */
} mt_plan_fields;
void mt_plan_fields_read(const cairn_record *rec, mt_plan_fields *f);
cairn_doc *mt_plan_body(cairn_req *req, const mt_plan_fields *f);
/* A check-in's fields, read and written alike. */
typedef struct mt_checkin_fields {
  const char *episode, *months, *due, *state, *sent, *reminded, *link_id,
      *answered, *via, *observation, *score, *pgic, *home, *comment;
} mt_checkin_fields;
void mt_checkin_fields_read(const cairn_record *rec, mt_checkin_fields *f);
cairn_doc *mt_checkin_body(cairn_req *req, const mt_checkin_fields *f);
/* The baseline score of an episode's primary measure and that measure;
** 0, or CAIRN_ENOTFOUND when it has none. */
int mt_episode_baseline(cairn_req *req, long long episode,
                        const char **instrument, double *baseline);
/* The loss-of-gains verdict of an episode from its data. */
mt_loss mt_episode_verdict(cairn_req *req, long long episode,
                           const mt_terms *t);
const char *mt_loss_text(mt_loss v);

/* plan.c: the program:Graduation subscriber (a plan and its check-ins,
** in the graduation's transaction; nothing when the episode has a plan)
** and the patient's page with its forms. */
int mt_on_graduation(cairn_req *req, const cairn_record *rec,
                     cairn_error *err);
int mt_page_patient(cairn_req *req);
int mt_post_plan(cairn_req *req);
int mt_post_cancel(cairn_req *req);
/* The page with a refused form `bound` (form id `bound_id`) in place. */
int mt_render_patient(cairn_req *req, long long patient, cairn_form *bound,
                      const char *bound_id, int status);
/* checkin.c: GET and POST of a check-in (link holder or staff). */
int mt_page_checkin(cairn_req *req);
int mt_post_checkin(cairn_req *req);
/* jobs.c: each returns how many items it handled, or CAIRN_E*. */
int mt_job_billing(cairn_req *req, cairn_error *err);
int mt_job_notices(cairn_req *req, cairn_error *err);
int mt_job_checkins(cairn_req *req, cairn_error *err);
/* reports.c: /maintenance, /outcomes/maintenance, /pricing/maintenance. */
int mt_page_list(cairn_req *req);
int mt_page_outcomes(cairn_req *req);
int mt_page_pricing(cairn_req *req);
/* The plan of the URL's episode, which must be the URL's patient's: 0, or
** the status of the error page already answered. */
int mt_load_plan(cairn_req *req, long long patient, long long episode,
                 const cairn_record **plan);
/* pause.c: pause (with the day and a reason) and resume a plan; the day
** a plan's billing periods count from. */
extern const cairn_field mt_pause_fields[], mt_resume_fields[];
int mt_post_pause(cairn_req *req);
int mt_post_resume(cairn_req *req);
const char *mt_billed_from(const mt_plan_fields *f);
/* visit.c: a maintenance visit (as needed: invoiced at the visit fee). */
extern const cairn_field mt_visit_fields[];
int mt_post_visit(cairn_req *req);
/* sections.c: the parts this plugin adds to the program's pages. */
extern const cairn_section mt_sections[];
/* reports.c: the figures after graduation at one check-in timepoint. */
typedef struct mt_timepoint {
  int months;                /* after graduation */
  int n;                     /* answered, with an improvement defined */
  int undefined;             /* answered, improvement undefined */
  double mean;               /* mean improvement (0-1), when n > 0 */
  double share_50;           /* share at 50% or better (0-1) */
  double share_back;         /* share who came back (0-1) */
} mt_timepoint;
int mt_timepoint_figures(cairn_req *req, int months, mt_timepoint *out,
                         cairn_error *err);
/* reenrol.c: the return form's fields (the page shows it too) */
extern const cairn_field mt_return_fields[];
int mt_post_return(cairn_req *req);

#endif /* MAINTENANCE_H */
