/*
** careprogram.h -- the care program of PROGRAM.md inside the program
** plugin: its versioned definition (definition.c), the episode
** as a state machine (episode.c), progress against baseline
** (progress.c), the taper (taper.c), forms on the host's form model
** (form.c), record bodies (body.c) and the pages that use them
** (episode_page.c, checkpoint.c, visits.c -- visits and flares --,
** enrol.c, graduation.c, pricing.c, economics.c, dashboard.c).
**
** Included by program.h only, inside its hidden-visibility block.
*/
#ifndef PROGRAM_CAREPROGRAM_H
#define PROGRAM_CAREPROGRAM_H

/* ------------------------------------------------------------ phases */

/* The states of an episode run as the program.  The order is the
** program's: each active phase can move only to the next one or exit. */
typedef enum program_phase {
  PHASE_NONE = -1,       /* an episode not run as the program (imported) */
  PHASE_ENROLLED = 0,
  PHASE_INTRODUCTORY,
  PHASE_FIRST_MONTH,
  PHASE_MONTHLY,
  PHASE_GRADUATED,
  PHASE_EXITED,
  PHASE_COUNT
} program_phase;

/* The three paid phases are 0..2 of a definition's phase table. */
#define PROGRAM_PAID_PHASES 3

/* "introductory" -> PHASE_INTRODUCTORY; PHASE_NONE for anything else. */
program_phase program_phase_parse(const char *s);
/* The code ("first-month") and a name for people ("First-month
** continuation" when a definition is at hand, else a plain label). */
const char *program_phase_code(program_phase p);
const char *program_phase_label(program_phase p);
/* Index 0..2 of a paid phase in a definition, -1 for the others. */
int program_phase_paid_index(program_phase p);

/* Exit reasons (program.xsd ExitReason), NULL-terminated, with labels. */
extern const char *const program_exit_reasons[];
/* The same as choices of a form: "", "Choose a reason", then code, label
** pairs; NULL-terminated. */
extern const char *const program_exit_reason_choices[];
const char *program_exit_reason_label(const char *code);

/* -------------------------------------------------------- definition */

typedef struct program_phase_def {
  const char *name;          /* "Introductory phase" */
  const char *description;   /* for the pricing page */
  const char *if_longer;     /* what happens when care runs longer than
                             ** `days` (pricing page), "" when unsaid */
  int days;                  /* target duration, days */
  int sessions;              /* planned needling sessions in the phase */
  int per_week_min, per_week_max;  /* cadence, visits a week */
  double fee;                /* flat fee of the phase, in currency */
} program_phase_def;

typedef struct program_checkpoint_def {
  double threshold;          /* improvement of the primary measure, 0..1 */
  int due_day, overdue_day;  /* days from the start of the introductory
                             ** phase */
  int justification_below;   /* 1: continuing below threshold needs a
                             ** written clinical justification */
} program_checkpoint_def;

typedef struct program_def {
  int version;
  char effective[11];        /* YYYY-MM-DD */
  char currency[4];          /* ISO 4217 */
  const char *name;
  program_phase_def phase[PROGRAM_PAID_PHASES];
  program_checkpoint_def checkpoint[2];  /* 0: after introductory,
                                         ** 1: after first-month */
  int taper_start, taper_floor;  /* visits a week */
  int taper_held_days;       /* window over which gains must hold */
  int taper_flare_free_days; /* no flare in this many days to step down */
  double taper_tolerance;    /* a loss of improvement up to this still
                             ** counts as held */
  int taper_min_weeks;       /* weeks held at each step before the next
                             ** step down ("gradually") */
  int gains_held_weeks;      /* graduation rule */
} program_def;

/* Load every version from a file validated against
** program-definition.xsd (init only).  0, or fills *err. */
int program_defs_load(const char *path, cairn_error *err);
void program_defs_free(void);
/* The version new episodes begin under. */
const program_def *program_def_current(void);
/* Version v, or NULL. */
const program_def *program_def_find(int v);
/* Add <definition version= effective= currency= name=><phase .../>...
** <checkpoint .../>... to doc. */
void program_doc_definition(cairn_req *req, cairn_doc *doc,
                            const program_def *d);

/* The phase an episode was in on a visit's day, as a SQL expression over
** a visit row `v` of p_program_encounter: the newest move dated before
** the visit, or on its day when the move enters a paid phase (a visit on
** the day of an exit or graduation belongs to the phase being left).
** NULL before the first move.  The one rule for the checkpoint page and
** /economics. */
#define PROGRAM_PHASE_OF_VISIT                                             \
  "(SELECT c.to_phase FROM p_program_phase_change c"                       \
  " WHERE c.episode = v.episode AND c.status <> 'entered-in-error'"        \
  " AND (c.change_date < v.visit_date OR (c.change_date = v.visit_date"    \
  " AND c.to_phase IN ('introductory', 'first-month', 'monthly')))"        \
  " ORDER BY c.change_date DESC, c.record DESC LIMIT 1)"

/* ------------------------------------------------------------ episode */

/* PSFS asks for 3 to 5 activities the patient finds hard (Stratford
** 1995): a1..a5 of an episode. */
#define PROGRAM_ACTIVITIES_MAX 5
/* A justification shorter than this says nothing a colleague can weigh
** ("ok", "continue"); 20 characters is one short sentence. */
#define PROGRAM_JUSTIFICATION_MIN 20

/* Moves of an episode kept per page; a program has at most 6 moves, the
** rest room for nothing: more means a broken record. */
#define PROGRAM_MOVES_MAX 16

typedef struct program_move {
  long long id;
  program_phase from, to;
  const char *date, *reason, *justification, *note;
  int has_improvement;
  double improvement;
  const char *benchmark_met;     /* "yes", "no" or "" */
} program_move;

/* An episode with what the program pages need (strings in the arena). */
typedef struct program_episode {
  long long id, patient;
  int version;
  program_phase phase;
  const program_def *def;        /* NULL for PHASE_NONE */
  int def_version;
  const char *status, *cohort, *period_start, *period_end, *primary;
  const char *phase_start;       /* date the current phase began */
  const char *intro_start;       /* date the introductory phase began,
                                 ** "" before */
  size_t n_moves;
  program_move moves[PROGRAM_MOVES_MAX];
  const char *activity[PROGRAM_ACTIVITIES_MAX]; /* PSFS activities a1..a5,
                                 ** "" when none */
  const char *goal[PROGRAM_ACTIVITIES_MAX];     /* their goals, "" when
                                 ** none */
} program_episode;

/* Load episode `id`; patient > 0 requires it to belong to that patient.
** CAIRN_OK, CAIRN_ENOTFOUND, or CAIRN_EDB. */
int program_episode_load(cairn_req *req, long long patient, long long id,
                         program_episode *e, cairn_error *err);
/* Load the episode of the route's "episode" parameter for patient p. */
int program_episode_of_route(cairn_req *req, const program_patient *p,
                             program_episode *e, cairn_error *err);
/* The start of every episode page: load the route's patient and episode.
** 0 when both are found; otherwise what the handler returns as it is
** (the 404 page for a patient or episode that is not there, or a
** negative CAIRN_E*). */
int program_route_episode(cairn_req *req, program_patient *p,
                          program_episode *e);
/* Add <episode id= phase= ... ><move .../>*</episode> to doc. */
void program_doc_episode(cairn_req *req, cairn_doc *doc,
                         const program_episode *e);
/* Days since 1970 of a date known to be valid; -1 when it is not. */
long program_days(const char *date);
/* The date `days` after 1970-01-01, in the arena. */
const char *program_date_of(cairn_req *req, long days);

/* ----------------------------------------------------------- progress */

/* Observations per episode and instrument a computation reads. */
#define PROGRAM_SERIES_MAX 400

typedef struct program_point {
  long day;                      /* days since 1970 */
  const char *date;
  double score;
  int is_baseline;
} program_point;

/* An episode's measures of one instrument, oldest first, and where the
** improvement is counted from (PROGRAM.md): the observation marked
** baseline, else the first.  Flares never move it. */
typedef struct program_series {
  const instr_def *def;          /* NULL when the instrument is unknown */
  size_t n;
  program_point pt[PROGRAM_SERIES_MAX];
  int base;                      /* index of the baseline, -1 when n == 0 */
} program_series;

int program_series_load(cairn_req *req, long long episode,
                        const char *instrument, program_series *s);
/* Improvement of point i from the baseline.  1 with *out, 0 when
** undefined (baseline already best, or no baseline). */
int program_series_improvement(const program_series *s, size_t i,
                               double *out);
/* 1 when point i has improved from the baseline by at least `threshold`
** (instr_reached: on the exact scores, never on a rounded percentage). */
int program_series_reached(const program_series *s, size_t i,
                           double threshold);
/* The newest point on or before day `until` (-1: no limit) other than the
** baseline, or -1. */
int program_series_latest(const program_series *s, long until);

/* -------------------------------------------------------------- taper */

#define PROGRAM_TAPER_WEEKS_MAX 60   /* over a year of monthly program */
/* Weeks at each step of the taper when the definition does not say. */
#define PROGRAM_TAPER_MIN_WEEKS 2
#define PROGRAM_FLARES_MAX 64        /* flares one episode can show */

typedef struct program_flare {
  long long id;
  long start, end;               /* days since 1970; end -1 while open */
  const char *start_date, *end_date, *severity, *trigger, *response;
  int per_week;                  /* visits a week its response asks while
                                    open (visitsPerWeek); 0 when not said */
} program_flare;

int program_flares_load(cairn_req *req, long long episode,
                        program_flare *f, size_t max, size_t *n);

typedef struct program_taper_week {
  long start;                    /* first day of the week */
  int recommended;               /* visits a week */
  int actual;                    /* finished visits that week */
  const char *why;               /* static text */
} program_taper_week;

/* Recommended weekly visits for each week of the monthly phase from its
** start (`from`, days) to `today`, by the rule of the definition:
** begin at taper_start; in a week when a flare whose response asks N
** visits a week (visitsPerWeek) is open, N, and the taper goes on from N
** once it has ended; else at each new week, a severe flare begun in the
** last flare_free_days steps back one; any flare in that window, or one
** still open in the week (up to today), holds;
** a step held for fewer than taper_min_weeks weeks holds ("gradually");
** else gains held over the last held_days (every measure in the window
** within `tolerance` of the improvement at its start, which must be a
** gain, and at least one measure in the window) steps down one, to
** taper_floor.  visits: days of finished visits.  Returns weeks filled. */
size_t program_taper(const program_def *d, long from, long today,
                     const program_series *s, const program_flare *f,
                     size_t n_flares, const long *visits, size_t n_visits,
                     program_taper_week *out, size_t max);

/* Gains held over (t - days, t]: the improvement at the newest measure on
** or before t - days is a gain (> 0), at least one measure falls in the
** window, and none in it is more than `tolerance` below that level.  The
** taper's step down and graduation's "gains held" are this rule. */
int program_gains_held(const program_series *s, long t, long days,
                       double tolerance);

/* ----------------------------------------------------------- graduation */

/* 1 when the setting "exercise" is "yes": the exercise plugin is loaded,
** and graduation's home routine is computed from its projection
** p_exercise_routine (docs/exercise.md) instead of a tick box. */
extern int program_exercise_loaded;
/* 1 when graduation's home routine of e is computed: the exercise plugin
** is loaded and holds e's progression (an episode it never saw keeps the
** tick box). */
int program_routine_computed(cairn_req *req, const program_episode *e);

/* The graduation checklist computed from the data (graduation_evidence.c). */
typedef struct program_grad_evidence {
  int goals_met;                 /* every activity with a goal reached */
  int gains_held;                /* the primary measure held (window) */
  int routine_computed;          /* 1: the home routine below is computed
                                 ** (program_routine_computed); 0: the
                                 ** clinician ticks it */
  int routine;                   /* a home routine with at least one
                                 ** exercise exists on the date */
  const char *routine_since;     /* since when, "" when none */
  long routine_weeks;            /* whole weeks practised by the date */
  int routine_items;             /* its exercises */
  long window_days;              /* gainsHeldWeeks x 7 of the definition */
  const char *psfs_date;         /* the newest PSFS read, "" when none */
  int higher_better;             /* 1: PSFS version 1, 0: version 2.0 */
  double rating[PROGRAM_ACTIVITIES_MAX];  /* its rating of a1..a5 */
  int rated[PROGRAM_ACTIVITIES_MAX];      /* 1: a1..a5 rated */
} program_grad_evidence;

/* 1 when every activity of e that has a goal is rated at or beyond it
** (ratings of a1..a5; higher_better 0 for PSFS 2.0); 0 when one falls
** short, is not rated, or no activity has a goal. */
int program_goals_met(const program_episode *e, const double *rating,
                      const int *rated, int higher_better);
/* The evidence of episode e on `date`.  CAIRN_OK or a DB error. */
int program_graduation_evidence(cairn_req *req, const program_episode *e,
                                const char *date, program_grad_evidence *ev);
/* <evidence goals-met= gains-held= weeks= tolerance= psfs-date=?
** direction= home-routine="yes|no|ticked" routine-since=?
** routine-weeks=? routine-items=?><activity text= goal=?
** rating=?/>*</evidence>; home-routine "ticked": the clinician records
** it (the exercise plugin is not loaded). */
void program_doc_graduation_evidence(cairn_req *req, cairn_doc *doc,
                          const program_episode *e,
                          const program_grad_evidence *ev);

/* --------------------------------------------------------------- forms */

/* A form posted to a care-program page, as the page shows it again: which
** of the page's forms it is, the host's form model with what was typed
** and the messages, and the refusal of the record's check hook, if any
** (shown at the top of a page that no longer has the form). */
typedef struct program_form {
  const char *id;                /* "move", "exit", "visit", "flare",
                                 ** "flare-end-<id>" */
  cairn_form *form;              /* values and messages */
  const char *problem;           /* the host's refusal, or NULL */
} program_form;

/* Set each of `names` (NULL-terminated) from the posted form, trimmed,
** "" when absent: declared fields or not (a value without a field is kept
** for the handler and not shown). */
void program_form_read(cairn_req *req, cairn_form *f,
                       const char *const *names);
/* 1 when the field is a real date (and not after today unless
** allow_future); else adds a message and returns 0.  Empty is an error
** when required, else fine. */
int program_form_date(cairn_req *req, cairn_form *f, const char *name,
                      int required, int allow_future);
/* 1 when the value is one of `allowed` (NULL-terminated) or is empty and
** not required; else adds `msg`. */
int program_form_choice(cairn_form *f, const char *name,
                        const char *const *allowed, int required,
                        const char *msg);
/* The record's refusal: on the field it names (else the whole form), and
** kept as pf->problem. */
void program_form_refused(cairn_req *req, program_form *pf,
                          const cairn_error *err);
/* The form `id` of a page: the posted one when it is that form, else a
** new one of `fields` with today in its date, start and end. */
cairn_form *program_form_for(cairn_req *req, const program_form *posted,
                             const char *id, const cairn_field *fields);
/* cairn_form_doc, then title= on the form (`title` NULL: none; only for a
** form written under the view's root element). */
void program_form_doc(cairn_doc *doc, cairn_form *f, const char *action,
                      const char *submit, const char *title);
/* A request's copy of a static field table, to set a label or a choice
** list known only at run time; the field `name` of such a copy. */
cairn_field *program_fields_copy(cairn_req *req, const cairn_field *fields);
cairn_field *program_field(cairn_field *fields, const char *name);

/* 1 when the request carries XML (application/xml or text/xml). */
int program_req_is_xml(cairn_req *req);
/* The request's form content type is right, else a 415 page. */
int program_unsupported(cairn_req *req);

/* The XML API of a record of an episode (a PhaseChange, Encounter or
** Flare posted to the episode's URL): parse and validate the body as
** `type`, require its <episode> to be the URL's, store it and answer 303
** to the episode page, or the error page. */
int program_post_episode_xml(cairn_req *req, const char *type,
                             const program_patient *p,
                             const program_episode *e);

/* Build a record body <root xmlns=PROGRAM_NS> from (element, text) pairs,
** skipping empty texts; NULL-terminated list of pairs. */
cairn_doc *program_body(cairn_req *req, const char *root,
                        const char *const *pairs);
/* The text of the root's first child element `name` of a record body
** (the document's, "" when there is none), as it is. */
const char *program_body_text(cairn_doc *doc, const char *name);
/* The root's last child element `name`, or NULL: to set an attribute
** on an element just added with cairn_doc_text_attr (cairn_doc_at). */
cairn_node *program_last_child(cairn_doc *doc, const char *name);
/* s without the white space around it, in the arena; NULL -> "". */
const char *program_trim(cairn_req *req, const char *s);

/* ------------------------------------------------------------- pages */

/* Front desk's side of an episode (desk.c): 1 when the caller is front
** desk; the visits page's address; the page itself, with a posted form's
** values and messages (NULL: none) and the status; "attended" / "missed"
** buttons (<attendance action= from=/>) under the current element for a
** visit booked for today or earlier; the visit form's fields without
** notes. */
int program_is_front_desk(cairn_req *req);
const char *program_visits_href(cairn_req *req, long long patient,
                                long long episode);
int program_render_visits(cairn_req *req, const program_patient *p,
                          const program_episode *e, const program_form *posted,
                          int status);
void program_doc_attendance(cairn_req *req, cairn_doc *doc, long long patient,
                            long long episode, long long visit,
                            const char *date, const char *state,
                            const char *from);
extern const cairn_field program_desk_visit_fields[];
/* Add what the patient's intake recorded (intake_view.c):
**   <intake id= href= state= screen="negative|positive|cleared"?
**           screened=? cleared-by=? cleared-on=? medicines-saved=?
**           no-medications=? no-allergies=? pregnancy=?>
**     <cleared-reason/>? <medication name= dose= unit= frequency=/>*
**     <allergy substance= reaction=?/>*
**   </intake>
** of the intake that opened `episode` (0: the patient's newest); nothing
** when there is none or the intake plugin is not installed. */
void program_doc_intake(cairn_req *req, cairn_doc *doc, long long patient,
                        long long episode);
/* Prepare a read of the intake plugin's projections; NULL (and, once per
** process, the store's log line) when the intake plugin is not installed. */
cairn_stmt *program_intake_prepare(cairn_req *req, const char *sql);
/* GET / for front desk: today's visits, the call queue, intakes waiting. */
int program_page_desk_home(cairn_req *req);

/* Render the episode page / the checkpoint page with a posted form's
** values and messages (f may be NULL) and the given status. */
int program_render_episode(cairn_req *req, const program_patient *p,
                           const program_episode *e, const program_form *f,
                           int status);
int program_render_checkpoint(cairn_req *req, const program_patient *p,
                              const program_episode *e,
                              const program_form *f, int status);
/* The exit form and the next-move form (episode_page.c); a new form opens
** with `date` as the date of the decision (NULL: today; the checkpoint
** page gives the due date). */
void program_doc_exit_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e,
                           const program_form *posted, const char *date);
void program_doc_next_form(cairn_req *req, cairn_doc *doc,
                           const program_episode *e,
                           const program_form *posted, int below_benchmark,
                           const char *date);
/* The fields of the exit form, and of the move form an episode page
** shows: the next phase's (with a justification when entering the
** monthly program, required below the benchmark; the checklist to
** graduate) or, before a checkpoint is due, the early move's. */
extern const cairn_field program_exit_fields[];
/* The visit, flare and end-of-flare forms of the episode page. */
extern const cairn_field program_visit_fields[];
extern const cairn_field program_flare_fields[];
extern const cairn_field program_flare_end_fields[];
const cairn_field *program_move_fields(cairn_req *req,
                                       const program_episode *e,
                                       int below_benchmark, int early);
/* The fields of the move form the page of episode e shows now (at a
** checkpoint: early or not, below the benchmark or not), so that a
** refused move is shown again in the form it came from (checkpoint.c). */
const cairn_field *program_move_form_fields(cairn_req *req,
                                            const program_episode *e);

/* ---------------------------------------------------------- dashboard */

/* Add the program's part of the home page: <program> with phases,
** checkpoints due and overdue, open flares. */
int program_dashboard(cairn_req *req, cairn_doc *doc);
/* The job program:overdue-checkpoints (overdue.c): a CheckpointOverdue
** record for each episode whose phase's checkpoint went past its
** overdueDay and has none yet.  The count written, or CAIRN_E*. */
int program_job_overdue_checkpoints(cairn_req *req, cairn_error *err);

/* Chart marks for one patient (pages.c draws them on each trajectory). */
typedef struct program_mark {
  long day, end;                 /* end -1: a point in time; -2: open */
  const char *kind;              /* "flare" or "phase" */
  const char *label;
  const char *response;          /* a flare's recorded response, "" */
} program_mark;
#define PROGRAM_MARKS_MAX 64
int program_marks_load(cairn_req *req, long long patient, program_mark *m,
                       size_t max, size_t *n);

/* ----------------------------------------------------------- evidence */

/* What happened to earlier patients like this one (evidence.c,
** docs/evidence.md): bands of improvement at a checkpoint, 0..3 for
** < 10%, 10-30%, 30-50%, >= 50%; a boundary belongs to the band above. */
#define EVIDENCE_BANDS 4
/* Below this many patients a share is not shown: "not enough history". */
#define EVIDENCE_MIN_N 20

/* The band of an improvement (0..1, may be negative). */
int program_evidence_band(double improvement);
const char *program_evidence_band_code(int band);   /* "10-30" */
const char *program_evidence_band_label(int band);  /* "10-30%" */
/* The Wilson score interval of k successes in n at normal quantile z
** (Wilson 1927; Newcombe 1998, method 3): [0, 1] when n is 0. */
void program_wilson(long k, long n, double z, double *lo, double *hi);
/* Read the <checkpointMap timepoint= after=/> elements of the definition
** file (init only). */
void program_evidence_map_load(cairn_doc *doc);

typedef struct program_evidence_band_counts {
  long patients;                 /* finished episodes in the band */
  long followed;                 /* of them, with a measure after it */
  long reached;                  /* a later measure >= 50% */
  long held;                     /* the last later measure >= 50% */
  long program;                  /* run as the program (may graduate) */
  long graduated;                /* of them, graduated */
} program_evidence_band_counts;

typedef struct program_evidence {
  long episodes;                 /* finished episodes with a measure */
  long undefined[2];             /* baseline already the best score */
  program_evidence_band_counts band[2][EVIDENCE_BANDS]; /* [checkpoint] */
} program_evidence;

/* The clinic's counts: from the kept sums once they are filled
** (kept.c), else by counting every finished episode.  CAIRN_OK or
** CAIRN_EDB with *err. */
int program_evidence_compute(cairn_req *req, program_evidence *ev,
                             cairn_error *err);
/* Count the finished episodes of one patient (0: of every patient). */
int program_evidence_scan(cairn_req *req, long long patient,
                          program_evidence *ev, cairn_error *err);
/* Add <evidence ...><checkpoint ...><band ...><outcome/>*</band>*
** </checkpoint></evidence> for checkpoint k (0, 1) to doc, the band of
** `improvement` marked current (NULL: none); or for both checkpoints. */
int program_doc_evidence(cairn_req *req, cairn_doc *doc, int k,
                         const double *improvement);
int program_doc_evidence_all(cairn_req *req, cairn_doc *doc);

/* -------------------------------------------------------- kept figures */

/* One row of the cohort report as kept (kept.c): n, mean and sum of
** squared deviations (Welford), and the report's counts. */
typedef struct program_kept_stats {
  long n;                        /* scores (kind 2: patients, 1 each) */
  double mean, m2;               /* Welford's mean and squared deviations */
  double day_sum;                /* days since baseline, summed */
  long imp_n;                    /* improvements defined */
  double imp_sum;
  long reached, undefined, no_baseline;
  long observations;             /* kind 2: the group's observations */
} program_kept_stats;

/* A patient's baseline in one (cohort, instrument), kept with its group
** part so that a later observation can be added without a new scan. */
typedef struct program_kept_base {
  int have;                      /* an observation marked baseline */
  double score;                  /* its score */
  long day;                      /* its day */
  double first_score;            /* the group's first observation */
  long first_day;
} program_kept_base;

/* Kinds of kept outcome rows: a timepoint, the "latest" row, and the
** group itself (its patients and observations). */
#define PROGRAM_KEPT_TIMEPOINT 0
#define PROGRAM_KEPT_LATEST 1
#define PROGRAM_KEPT_GROUP 2

/* The SQL that makes the kept tables (a migration of the plugin). */
extern const char program_kept_migration[];
/* Combine part b into t (sign 1) or take it back out (-1): Chan, Golub
** and LeVeque's pairwise form of Welford's method; counts and sums add. */
void program_kept_merge(program_kept_stats *t, const program_kept_stats *b,
                        int sign);
/* Columns first.. of st, in the order n, mean, m2, day_sum, imp_n,
** imp_sum, reached, undefined, no_baseline, observations. */
void program_kept_stats_read(cairn_stmt *st, int first,
                             program_kept_stats *s);
/* Store one part row of the patient and add it to its sum. */
int program_kept_outcome_add(cairn_req *req, long long patient,
                             const char *cohort, const char *instrument,
                             int kind, const char *timepoint,
                             const program_kept_stats *s,
                             const program_kept_base *base,
                             cairn_error *err);
/* SELECT of one observation's row of the report (outcomes.c): patient,
** cohort, instrument, timepoint, score, effective; bound :record. */
extern const char program_outcome_row_sql[];
/* Compute the patient's parts of the cohort report (of one instrument
** when it is not NULL) and store them (outcomes.c; the old ones are
** already taken away). */
int program_outcomes_keep(cairn_req *req, long long patient,
                          const char *instrument, cairn_error *err);
/* 1 when the kept sums are complete and the pages may read them. */
int program_kept_ready(cairn_req *req);
/* The clinic's evidence from the kept sums. */
int program_kept_evidence_read(cairn_req *req, program_evidence *ev,
                               cairn_error *err);
/* Keep the patient's figures again (in a write transaction); only its
** outcome parts of `instrument` when that is not NULL. */
int program_kept_patient(cairn_req *req, long long patient,
                         const char *instrument, cairn_error *err);
/* The subscriber on Observation, EpisodeOfCare, PhaseChange and Patient. */
int program_on_kept(cairn_req *req, const cairn_record *rec,
                    cairn_error *err);
/* cairn reindex: refill every kept table, patient by patient. */
int program_kept_reindex(cairn_req *req, cairn_error *err);

/* The SQL that makes the dashboard's kept count tables (kept_counts.c). */
extern const char program_kept_counts_migration[];
/* Count the patient's records again and put the new parts in the sums
** in place of the old (in a write transaction). */
int program_kept_counts_patient(cairn_req *req, long long patient,
                                cairn_error *err);
/* 1 when the kept counts are complete and the dashboard may read them. */
int program_kept_counts_ready(cairn_req *req);
/* Empty the kept count tables (cairn reindex, before refilling). */
int program_kept_counts_clear(cairn_req *req, cairn_error *err);
/* Mark the kept counts complete (cairn reindex, after refilling). */
int program_kept_counts_filled(cairn_req *req, cairn_error *err);

#endif /* PROGRAM_CAREPROGRAM_H */
