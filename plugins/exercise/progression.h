/*
** progression.h -- the exercise progression's rules as pure functions
** (stage.c, load.c, routine.c): no host, no allocation, no clock.  The
** plugin's pages and hooks feed them what they read from the store; the
** unit tests (tests/unit/check_exercise.c) compile them alone.
**
** The rules and their sources (data/exercise-library.xml, <rules>):
**   - the pain-monitoring model: pain during exercise up to 5/10 is
**     acceptable when it has settled by the next morning (Silbernagel KG
**     et al. Am J Sports Med 2007;35(6):897-906);
**   - stages in a fixed order, each gated by the one before, a flare steps
**     back a load level or a stage, nothing resets (PROGRAM.md: the care
**     program's own rule, no external source);
**   - load steps of 5-10% after two sessions inside the model (adapted
**     from the ACSM position stand on progression models, Med Sci Sports
**     Exerc 2009;41(3):687-708: 2-10% after two consecutive sessions).
** Every number comes from ex_rules, which the plugin fills from the data.
*/
#ifndef EXERCISE_PROGRESSION_H
#define EXERCISE_PROGRESSION_H

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* ------------------------------------------------------------ stages */

/* The stages of an episode's progression, in their one order. */
typedef enum ex_stage {
  EX_STAGE_NONE = 0,         /* not started */
  EX_STAGE_CORRECTIVE,       /* motor control, first */
  EX_STAGE_QIGONG,           /* Ba Duan Jin, second */
  EX_STAGE_LOADING           /* progressive loading, last */
} ex_stage;

#define EX_STAGE_COUNT 4

/* "corrective" -> EX_STAGE_CORRECTIVE; "not-started" and anything else
** -> EX_STAGE_NONE.  *ok (may be NULL) is 0 for an unknown code. */
ex_stage ex_stage_parse(const char *code, int *ok);
/* "not-started", "corrective", "qigong", "loading". */
const char *ex_stage_code(ex_stage s);
/* For people: "Not started", "Corrective exercise", "Qi gong",
** "Progressive loading". */
const char *ex_stage_label(ex_stage s);
/* The stage after s (loading stays loading). */
ex_stage ex_stage_next(ex_stage s);
/* One stage back, never before corrective once started (nothing ever
** resets to the start); not started stays not started. */
ex_stage ex_stage_back(ex_stage s);

/* Kinds of a stage change (exercise:Stage/kind). */
typedef enum ex_move {
  EX_MOVE_START = 1,         /* not started -> corrective */
  EX_MOVE_ADVANCE,           /* one stage on, the gate open */
  EX_MOVE_FLARE_STAGE,       /* a severe flare: one stage back */
  EX_MOVE_FLARE_LOAD         /* a flare: one load level back, same stage */
} ex_move;

/* 0 when a change of kind `kind` from `from` to `to` is legal, else -1
** with *why (static text) saying why not.  START only from not started to
** corrective; ADVANCE exactly one stage on; FLARE_STAGE exactly
** ex_stage_back(from) and only once started; FLARE_LOAD keeps the stage
** and only once started. */
int ex_move_check(ex_move kind, ex_stage from, ex_stage to,
                  const char **why);

/* ------------------------------------------------------------- rules */

typedef struct ex_rules {
  int max_pain;              /* pain during exercise accepted, 0-10 (5) */
  int gate_sessions;         /* sessions in a row inside the model to move
                             ** on a stage (3) */
  int flare_free_days;       /* no flare in this many days to move on (7) */
  int progress_sessions;     /* sessions in a row inside the model for a
                             ** load step (2) */
  double min_percent;        /* a load step: at least this % (5) */
  double max_percent;        /* ... and at most this % (10) */
  double increment;          /* the clinic's smallest load step, kg (1) */
  int max_sets;              /* one more set only up to this many (4) */
  int mastery_sessions;      /* sessions inside the model to count an
                             ** exercise mastered (3) */
} ex_rules;

/* The next-morning response to a session. */
typedef enum ex_response {
  EX_RESP_UNKNOWN = 0,       /* not recorded yet */
  EX_RESP_BETTER,
  EX_RESP_SAME,
  EX_RESP_WORSE              /* worse than usual */
} ex_response;

/* "better", "same", "worse"; anything else (and "") is unknown. */
ex_response ex_response_parse(const char *code);
const char *ex_response_code(ex_response r);   /* "" for unknown */

/* 1 when a session is inside the pain-monitoring model: pain during
** <= max_pain and the next morning no worse than usual (better or the
** same).  Unknown next morning is not (yet) inside. */
int ex_inside_model(const ex_rules *r, int pain, ex_response next_morning);

/* ------------------------------------------------------------- gates */

/* A session as the gate sees it: its day (days since 1970), stage, pain
** during (0-10) and next-morning response. */
typedef struct ex_session {
  long day;                  /* days since 1970-01-01 */
  ex_stage stage;            /* the stage it was performed in */
  int pain;                  /* pain during, 0-10 */
  ex_response next_morning;
} ex_session;

/* A flare of the episode (program:Flare, read through its projection). */
typedef struct ex_flare {
  long start;                /* days since 1970 */
  long end;                  /* days since 1970; -1 while open */
  int severe;                /* 1 when its severity is "severe" */
} ex_flare;

/* Room for the gate's reason in words. */
#define EX_WHY_MAX 240

typedef struct ex_gate {
  int open;                  /* 1: the next stage may begin */
  int run;                   /* sessions in a row inside the model, newest
                             ** backwards, in the current stage */
  int needed;                /* rules->gate_sessions */
  char why[EX_WHY_MAX];      /* the reason, for a person */
} ex_gate;

/*
** The gate out of stage `stage` (entered on day `since`), from the
** episode's sessions (any order; those of other stages or before `since`
** are ignored) and flares, on day `today`.  Open when the last
** gate_sessions sessions of the stage are all inside the model and no
** flare was open in the last flare_free_days days.  The reason names the
** first thing that keeps it closed, in this order: not started, the last
** stage, a recent flare, the last session (pain above the model, a worse
** next morning, a next morning not yet recorded), too few sessions.
*/
void ex_gate_eval(const ex_rules *r, ex_stage stage, long since,
                  const ex_session *s, size_t n, const ex_flare *f,
                  size_t nf, long today, ex_gate *g);

/* Gains held (the care program's taper rule, computed the same way): the
** improvement at the newest point on or before today - held_days is a
** gain (> 0), at least one point lies after it up to today, and none of
** those fell more than `tolerance` below it.  Points: improvement 0..1 of
** the primary measure by day, any order. */
typedef struct ex_point {
  long day;                  /* days since 1970 */
  double improvement;        /* share of the possible gain, 0..1 */
} ex_point;
int ex_gains_held(const ex_point *p, size_t n, long today, int held_days,
                  double tolerance);

/* ------------------------------------------------------------- loads */

/* A dose of one exercise: sets of reps (or of a hold) at a load. */
typedef struct ex_dose {
  int sets;                  /* 1..10 */
  int reps;                  /* per set; 0 when the set is one hold */
  int hold;                  /* seconds held: the set's, or each rep's
                             ** when reps > 0; 0 for none */
  double load;               /* kg in total; 0 is body weight */
} ex_dose;

/* sets x reps x load (sets x hold seconds x load for a hold), kg: the
** work of a session, for the chart.  0 at body weight. */
double ex_dose_volume(const ex_dose *d);
/* 1 when a and b are the same level (sets, reps, hold, load to 1 g). */
int ex_dose_same(const ex_dose *a, const ex_dose *b);

/* One level up: the load times (1 + min_percent), rounded UP to the
** increment; when that step is more than max_percent of the load (one
** increment is too big for a light load) or the load is body weight, one
** more set instead, up to max_sets; at max_sets the smallest load step
** (an increment).  *how (static text, may be NULL) says which. */
ex_dose ex_dose_up(const ex_rules *r, ex_dose d, const char **how);
/* One level down when no earlier level is known: the inverse of
** ex_dose_up (a set fewer when above 1 set and the load is body weight
** or one increment is too big, else the load divided by (1 +
** min_percent) rounded DOWN to the increment, at least one increment
** less, never below 0). */
ex_dose ex_dose_down(const ex_rules *r, ex_dose d);

/* A session of one exercise in the loading stage. */
typedef struct ex_load_session {
  long day;                  /* days since 1970 */
  ex_dose done;              /* what was done */
  int pain;                  /* pain during, 0-10 */
  ex_response next_morning;
} ex_load_session;

/* Levels remembered per exercise for stepping back (each step up pushes
** one; a program of 3-4 months has at most a few dozen sessions). */
#define EX_LEVELS_MAX 64

typedef struct ex_load_state {
  ex_dose next;              /* the level for the next session */
  int streak;                /* sessions in a row inside the model at it */
  int ups, backs;            /* steps up and back so far */
  int n_levels;
  ex_dose level[EX_LEVELS_MAX]; /* the levels below `next`, oldest first */
  const char *why;           /* static text: the last change's reason */
} ex_load_state;

/*
** Replay one exercise's history: start at `start` (the library's starting
** dose), then in day order sessions (oldest first) and flare starts
** (flare_days, oldest first; a flare on a session's day counts after it).
** A session done at a dose other than `next` makes it the level (the
** clinician's choice stands).  A worse next morning steps back one level
** (to the level before the last step up, else ex_dose_down); a session
** inside the model adds to the streak, and `progress_sessions` of them
** step up one level; pain above the model holds and clears the streak;
** an unknown next morning holds the streak.  Each flare steps back one
** level.  Never back to the start in one go: one level at a time.
*/
void ex_load_replay(const ex_rules *r, const ex_dose *start,
                    const ex_load_session *s, size_t n,
                    const long *flare_days, size_t nf, ex_load_state *out);

/* ----------------------------------------------------------- routine */

/* An exercise as the home routine sees it. */
typedef struct ex_routine_item {
  ex_stage stage;            /* the exercise's stage */
  int order;                 /* library order (qi gong: its place in the
                             ** set) */
  int inside;                /* sessions of it inside the model */
} ex_routine_item;

/* 1 when an exercise is mastered: performed inside the model for at
** least mastery_sessions sessions. */
int ex_mastered(const ex_rules *r, int inside);

/* The home routine: the indexes of the mastered items, in stage order
** (corrective, qi gong, loading), then `order`.  Writes at most `max`
** into out; returns how many. */
size_t ex_routine_assemble(const ex_rules *r, const ex_routine_item *items,
                           size_t n, size_t *out, size_t max);

#pragma GCC visibility pop

#endif /* EXERCISE_PROGRESSION_H */
