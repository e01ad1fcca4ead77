/*
** exercise.h -- what the exercise plugin's files share (never installed).
**
**   exercise.c  descriptor: record types, routes, subscription, init
**   episode.c   an episode's exercise data read from projections (the
**               program's episode and flares, our stages and sessions)
**               and what the rules make of it (stage, gate, loads)
**   hooks.c     the check hooks of Stage, Session and HomeRoutine
**   section.c   the episode's exercise page, its stage form
**   sections.c  its parts of the program's pages (episode, graduation,
**               the patient's summary, the dashboard)
**   homeroutine.c the stored home routine, read for every page showing it
**   patient_routine.c the patient's own routine page and session log
**   session.c   the session form, its POST, the next-morning response
**   routine.c   (pure) / handout.c: the home routine, its review, the
**               printed handout
**   catalogue.c the library page (/exercises)
**   attention.c the worklist (/exercise): gates open, flares' step backs
**   flare.c     the program:Flare subscriber
**   view.c      view helpers: the library's exercises and doses in a view
** The pure rules are in progression.h (stage.c, load.c, routine.c); the
** library in library.h (library.c).
**
** Every symbol but cairn_plugin_entry() is hidden.
*/
#ifndef EXERCISE_EXERCISE_H
#define EXERCISE_EXERCISE_H

#include <cairn/plugin.h>

#include "library.h"
#include "progression.h"

#pragma GCC visibility push(hidden)

CAIRN_PLUGIN_EXTERN

#define EXERCISE_NS "urn:cairn:exercise"
#define EX_T_STAGE "exercise:Stage"
#define EX_T_SESSION "exercise:Session"
#define EX_T_ROUTINE "exercise:HomeRoutine"
#define EX_T_FLARE "program:Flare"

/* The library, loaded at init. */
extern const ex_library *exercise_library;

/* The care program's "gains held" window and tolerance (its taper rule,
** data/program-definition.xml: heldDays 14, tolerance 0.1), and the best
** score of the primary measure; see episode.c. */
int ex_instrument_best(const char *id, double *best);

/* Bounds of what one episode holds: a monthly program of 3-4 months has
** at most a few visits a week; these leave room for a long one. */
#define EX_SESSIONS_MAX 200
#define EX_CHANGES_MAX 64
#define EX_FLARES_MAX 64
#define EX_DONE_MAX 12          /* exercises in one session (schema) */
#define EX_POINTS_MAX 400       /* measures of the primary instrument */
/* A written reason to start before the data say gains hold: at least a
** sentence, as the program asks of its justifications. */
#define EX_REASON_MIN 20

typedef struct ex_done {
  const char *exercise;      /* library id */
  ex_dose dose;
} ex_done;

typedef struct ex_session_rec {
  long long id;
  int version;
  const char *date;
  ex_session s;              /* day, stage, pain, next morning */
  const char *notes;
  size_t n_done;
  ex_done done[EX_DONE_MAX];
} ex_session_rec;

typedef struct ex_change {
  long long id;
  const char *date, *from, *to, *kind, *reason, *gate;
  long long flare;
} ex_change;

typedef struct ex_flare_rec {
  long long id;
  const char *start, *end, *severity;
} ex_flare_rec;

typedef struct ex_episode {
  long long id, patient;
  const char *patient_name;
  const char *phase;         /* the program's phase code */
  const char *period_start;
  const char *primary;       /* primary instrument id */
  long today;
  ex_stage stage;            /* in force: the newest change's `to` */
  long stage_since;          /* day it began; -1 when not started */
  const char *stage_since_date;
  size_t n_changes;
  ex_change change[EX_CHANGES_MAX];      /* oldest first */
  size_t n_sessions;
  ex_session_rec session[EX_SESSIONS_MAX]; /* oldest first */
  ex_session gate_sessions[EX_SESSIONS_MAX];
  size_t n_flares;
  ex_flare_rec flare_rec[EX_FLARES_MAX];
  ex_flare flare[EX_FLARES_MAX];
  long flare_days[EX_FLARES_MAX];        /* starts, oldest first */
  int gains_held;            /* 1: the data say the gains are stabilizing */
  ex_gate gate;
  long long routine_id;      /* 0: no home routine yet */
  int routine_version;
  const char *routine_since, *routine_date;
} ex_episode;

/* Load episode `id` (of `patient` when > 0) with everything the pages and
** hooks need, computed for today.  The episode is arena memory.
** CAIRN_ENOTFOUND, CAIRN_EDB, or 0. */
int ex_episode_load(cairn_req *req, long long patient, long long id,
                    ex_episode **out, cairn_error *err);
/* The route's patient and episode: 0 with *out, or the status of the
** error page already sent (404). */
int ex_route_episode(cairn_req *req, ex_episode **out);

/* Sessions inside the pain-monitoring model that did exercise `id`. */
int ex_inside_count(const ex_episode *e, const char *id);
/* The loading replay of exercise `x` over the episode's sessions in the
** loading stage and its flares. */
void ex_exercise_loads(const ex_episode *e, const ex_exercise *x,
                       ex_load_state *st);
/* The dose to hand over for exercise x: for a loading exercise its next
** level (ex_exercise_loads); for the others the last dose done, else the
** library's (only loads progress by rule). */
ex_dose ex_current_dose(const ex_episode *e, const ex_exercise *x);

/* Build a Stage body. */
cairn_doc *ex_stage_body(cairn_req *req, const ex_episode *e,
                         const char *date, ex_stage to, const char *kind,
                         const char *reason, long long flare);

/* The episode's home routine as stored (homeroutine.c). */
#define EX_ROUTINE_ITEMS_MAX 30  /* the schema's maxOccurs of <item> */
#define EX_ROUTINE_TOOLS_MAX 20  /* ... and of <tool> */
/* The tool whose advice is the flare plan (data/exercise-library.xml). */
#define EX_FLARE_PLAN_TOOL "flare-plan"

typedef struct ex_routine_entry {
  const ex_exercise *x;      /* the library's exercise */
  ex_dose dose;              /* as prescribed at the review */
  int per_week;              /* days a week at home */
} ex_routine_entry;

typedef struct ex_routine {
  const char *since;         /* the day version 1 was written */
  const char *reviewed;      /* the newest review's day */
  const char *note;          /* the clinician's note to the patient, or "" */
  int version;               /* reviews so far */
  long weeks;                /* whole weeks practised as of today */
  size_t n_items;
  ex_routine_entry item[EX_ROUTINE_ITEMS_MAX]; /* in the stored order */
  size_t n_tools;
  const ex_tool *tool[EX_ROUTINE_TOOLS_MAX];   /* but the flare plan */
  const ex_tool *flare_plan; /* the flare plan when chosen, else NULL */
} ex_routine;

/* Read episode e's home routine into *r: 1 when it has one, 0 when not
** (*r zeroed), or a negative CAIRN_E* with *err.  Strings are arena
** memory; items whose exercise the library no longer holds are left
** out. */
int ex_routine_load(cairn_req *req, const ex_episode *e, ex_routine *r,
                    cairn_error *err);
/* "every day", "twice a week", "3 times a week", "once a week". */
const char *ex_how_often(cairn_req *req, int per_week);
/* The flare plan's step back in words: each loading exercise one level
** down ("Goblet squat 3 x 8 at 8 kg; ..."), and what to keep doing. */
const char *ex_flare_step_back(cairn_req *req, const ex_routine *r);
/* The next step for the episode, in words. */
const char *ex_next_step(cairn_req *req, const ex_episode *e);

int ex_render_section(cairn_req *req, ex_episode *e, cairn_form *posted,
                      int status);
/* A dose in words: "3 x 8 at 12 kg", "2 x 30 s hold", "2 x 8, 5 s
** hold". */
const char *ex_dose_text(cairn_req *req, const ex_dose *d);
void ex_doc_dose(cairn_req *req, cairn_doc *doc, const ex_dose *d);
void ex_doc_exercise(cairn_req *req, cairn_doc *doc, const ex_exercise *x,
                     int with_drawing);
void ex_doc_episode_head(cairn_req *req, cairn_doc *doc, const ex_episode *e);
const char *ex_fmt_int(cairn_req *req, long long v);
const char *ex_fmt_kg(cairn_req *req, double kg);
int ex_req_is_xml(cairn_req *req);

/* Handlers. */
int ex_page_section(cairn_req *req);
int ex_post_stage(cairn_req *req);
int ex_page_session_new(cairn_req *req);
int ex_post_session(cairn_req *req);
int ex_post_morning(cairn_req *req);
int ex_post_routine(cairn_req *req);
int ex_page_handout(cairn_req *req);
int ex_page_library(cairn_req *req);
int ex_page_attention(cairn_req *req);
int ex_patient_routine(cairn_req *req);
int ex_patient_session(cairn_req *req);
int ex_patient_morning(cairn_req *req);

/* The parts of the program's pages (sections.c). */
extern const cairn_section exercise_sections[];
/* A flare's step back stays on the episode page and the dashboard for
** two weeks: long enough to be seen at the next visits of a taper. */
#define EX_STEPPED_BACK_DAYS 14
/* The newest stage change a flare made within EX_STEPPED_BACK_DAYS of
** today, or NULL. */
const ex_change *ex_recent_step_back(const ex_episode *e);
/* Episodes the worklist and the dashboard look at: every active
** progression, up to a clinic's worth. */
#define EX_ACTIVE_MAX 500
/* The active episodes with a progression (not graduated or exited), up to
** max, into ids and patients: how many, or a negative CAIRN_E*. */
int ex_active_episodes(cairn_req *req, long long *ids, long long *patients,
                       size_t max, cairn_error *err);
/* "a severe flare: one stage back", "a flare: one load level back". */
const char *ex_step_back_words(const ex_change *c);

/* Session s of e again with its next-morning response `v` (a code), for
** record_revise. */
cairn_doc *ex_session_with_morning(cairn_req *req, const ex_episode *e,
                                   const ex_session_rec *s, const char *v);

/* Check hooks and the subscriber. */
int ex_check_stage(cairn_req *req, cairn_doc *body, cairn_error *err);
int ex_check_session(cairn_req *req, cairn_doc *body, cairn_error *err);
int ex_check_routine(cairn_req *req, cairn_doc *body, cairn_error *err);
int ex_on_flare(cairn_req *req, const cairn_record *rec, cairn_error *err);

#pragma GCC visibility pop

#endif /* EXERCISE_EXERCISE_H */
