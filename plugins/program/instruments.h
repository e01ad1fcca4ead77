/*
** instruments.h -- outcome-measure instruments and their scoring, as pure
** functions over plain data.
**
** An instrument (NRS, PEG, a clinic's own) is data: its items with their
** ranges and granularity, a scoring method, which direction is better, the
** best and worst possible scores, how many items may be left unanswered
** and how many decimals the score is rounded to (schemas/instruments.xsd,
** data/instruments.xml).  This module scores an answer set against such a
** definition and measures improvement.  It does not call the host, so
** unit tests link it alone (tests/unit/check_scoring.c); instruments_load.c
** builds the table from the parsed file through the host's kit.
**
** Sources of the rules encoded here:
**   - NRS: the 0-10 numeric rating scale scores the answer itself (LOINC
**     72514-3).  A 2-point or 30% drop is the usual minimal important
**     change: Farrar JT et al. Clinical importance of changes in chronic
**     pain intensity measured on an 11-point numerical pain rating scale.
**     Pain 2001;94:149-158.
**   - PEG: the mean of its three 0-10 items, to one decimal (6, 7, 4 ->
**     5.7): Krebs EE et al. Development and initial validation of the PEG,
**     a three-item scale assessing pain intensity and interference. J Gen
**     Intern Med 2009;24:733-738.
**   - ODI 2.1a: sum / (5 x answered sections) x 100, one section may be
**     missing (16/50 -> 32; 16/45 -> 35.6).  NDI: sum x 2, the same
**     missing-item rule.  (Fairbank JC, Pynsent PB. Spine 2000;25:2940;
**     Vernon H, Mior S. J Manipulative Physiol Ther 1991;14:409.)
**   - Improvement toward the best score, (baseline - now) / (baseline -
**     best), and its reading: 10-20% minimal, 30% moderate, 50%
**     substantial: Dworkin RH et al. (IMMPACT). Interpreting the clinical
**     importance of treatment outcomes in chronic pain clinical trials.
**     J Pain 2008;9:105-121.  The 50% threshold is the program's benchmark
**     (PROGRAM.md).
*/
#ifndef PROGRAM_INSTRUMENTS_H
#define PROGRAM_INSTRUMENTS_H

#include <stddef.h>

/* Internal to the plugin: the shared object exports only its entry. */
#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* Ids of instruments and items: [a-z][a-z0-9_-]{0,31} (instruments.xsd). */
#define INSTR_ID_MAX 32
/* Items per instrument: instruments.xsd's bound.  ODI and NDI have 10. */
#define INSTR_ITEMS_MAX 32
/* Instruments per table: instruments.xsd's bound. */
#define INSTR_COUNT_MAX 64
/* Decimals a score may be rounded to: instruments.xsd's bound, and the
** precision of program.xsd's Number type. */
#define INSTR_DECIMALS_MAX 6
/* Two scores closer than this are the same score: every score is rounded
** to at most INSTR_DECIMALS_MAX decimals, so real differences are >= 1e-6. */
#define INSTR_SAME_SCORE 1e-9
/* A score is stored exact to INSTR_DECIMALS_MAX decimals (7.333333 for
** PEG 8,7,7), so a stored score is within half a unit in that place of the
** exact one and two stored scores within one unit of their exact
** difference: comparisons against a threshold allow this much. */
#define INSTR_STORED_EPS 1e-6
/* The program's benchmark: at least 50% improvement from baseline. */
#define INSTR_BENCHMARK 0.5

/* Status codes.  0 is success; failures are negative. */
#define INSTR_OK        0
#define INSTR_ERANGE   (-1)   /* an answer outside its item's [min, max] */
#define INSTR_ESTEP    (-2)   /* an answer between the item's steps */
#define INSTR_EMISSING (-3)   /* more unanswered items than allowed */
#define INSTR_ENOTNUM  (-4)   /* text that is not a plain decimal number */
#define INSTR_EDEF     (-5)   /* the definition itself is inconsistent */

typedef enum instr_method {
  INSTR_VALUE = 1,        /* the single item's answer (NRS) */
  INSTR_MEAN,             /* mean of the answered items (PEG) */
  INSTR_SUM_PERCENT,      /* (sum - sum of mins) / (sum of ranges) x 100
                          ** over the answered items (ODI) */
  INSTR_SUM_TIMES         /* sum x factor, prorated by items / answered
                          ** when some are missing (NDI: factor 2) */
} instr_method;

typedef enum instr_direction {
  INSTR_LOWER_IS_BETTER = 1,   /* pain, disability */
  INSTR_HIGHER_IS_BETTER       /* function (PSFS) */
} instr_direction;

typedef struct instr_item {
  char id[INSTR_ID_MAX + 1];   /* "pain" */
  const char *label;           /* for a person; owned by the table */
  double min, max;             /* inclusive range of an answer */
  double step;                 /* answers are min + k*step; 0: any value */
} instr_item;

typedef struct instr_def {
  char id[INSTR_ID_MAX + 1];   /* "peg" */
  const char *name;            /* full name */
  const char *abbreviation;    /* short name for tables and charts */
  const char *source;          /* citation */
  const char *code;            /* terminology code ("91148-7") or NULL */
  const char *code_system;     /* "http://loinc.org" or NULL */
  const char *note;            /* or NULL */
  instr_method method;
  double factor;               /* INSTR_SUM_TIMES only */
  instr_direction direction;
  double best, worst;          /* best and worst possible scores */
  int max_missing;             /* unanswered items allowed */
  int decimals;                /* score rounded to this many decimals */
  size_t n_items;              /* 1..INSTR_ITEMS_MAX */
  instr_item items[INSTR_ITEMS_MAX];
} instr_def;

/* The instruments of one clinic, as loaded at start-up. */
typedef struct instr_table {
  size_t n;                    /* 0..INSTR_COUNT_MAX */
  instr_def *defs;             /* n definitions */
} instr_table;

/* One answer set: answer i belongs to item i of the definition. */
typedef struct instr_answers {
  double value[INSTR_ITEMS_MAX];
  unsigned char given[INSTR_ITEMS_MAX];  /* 0: the item was not answered */
} instr_answers;

/* Why scoring failed, for a person.  The message does not repeat the
** item's name: a form shows it next to the item, an API prefixes the id. */
typedef struct instr_fault {
  int item;                    /* index of the item at fault, or -1 when
                               ** the fault is the answer set's */
  char message[200];
} instr_fault;

/* The definition with id `id`, or NULL. */
const instr_def *instr_find(const instr_table *t, const char *id);

/* The index of item `id` in d, or -1. */
int instr_item_index(const instr_def *d, const char *id);

/* Check a definition for what its XSD cannot say: 1..INSTR_ITEMS_MAX items
** with distinct ids, min < max, a step that divides the range, "value"
** with exactly one item, "sum-times" with a positive factor, max_missing
** below the number of items and 0 for "value", best != worst and on the
** side its direction says, decimals in 0..INSTR_DECIMALS_MAX.  INSTR_OK,
** or INSTR_EDEF with a message in msg (size n). */
int instr_def_check(const instr_def *d, char *msg, size_t n);

/* Parse a plain decimal number: optional surrounding spaces, an optional
** sign, digits with an optional '.' and digits after it (at least one
** digit in all), at most INSTR_DECIMALS_MAX digits after the point (the
** precision program.xsd stores).  No exponent, hex, "inf" or "nan", no
** comma, and at most 15 characters so that the value is exact to the
** decimals a score keeps.  INSTR_OK with *out set, or INSTR_ENOTNUM. */
int instr_parse_number(const char *s, double *out);

/* Check one answer against item i of d: within [min, max] and on a step.
** INSTR_OK, INSTR_ERANGE or INSTR_ESTEP with *f filled (f may be NULL). */
int instr_check_answer(const instr_def *d, size_t i, double v,
                       instr_fault *f);

/* Score an answer set.  Every given answer is checked (instr_check_answer);
** at least one item must be answered and at most d->max_missing may be
** unanswered; then the method's arithmetic runs and the result is rounded
** with instr_round to d->decimals.  INSTR_OK with *score set, or
** INSTR_ERANGE / INSTR_ESTEP / INSTR_EMISSING with *f filled. */
int instr_score(const instr_def *d, const instr_answers *a, double *score,
                instr_fault *f);

/* The same, without the rounding: the exact score, which is what is
** stored and what every improvement and threshold is computed from; the
** rounding is for display only (instr_format_score).  PEG 8,7,7 ->
** 7.3333..., shown as 7.3. */
int instr_score_exact(const instr_def *d, const instr_answers *a,
                      double *score, instr_fault *f);

/* Write an exact score as stored: INSTR_DECIMALS_MAX decimals without
** trailing zeros (7.333333, 8, 5.5).  buf should hold 32 bytes. */
void instr_format_exact(double score, char *buf, size_t n);

/* 1 when `now` has improved from `baseline` toward `best` by at least
** `threshold` (0..1), computed on the scores (not on a rounded
** percentage) and allowing INSTR_STORED_EPS for stored scores: PEG
** 7.333333 -> 3.666667 reaches 50%.  0 when it has not or when the
** improvement is undefined. */
int instr_reached(double baseline, double now, double best,
                  double threshold);

/* Round x to `decimals` places, halves away from zero (the convention of
** the instruments' manuals: 5.65 -> 5.7).  A tolerance of a few units in
** the last place absorbs binary representation error, so 2.675 (stored as
** 2.67499999...) rounds to 2.68 as it does by hand.  Never returns -0. */
double instr_round(double x, int decimals);

/* Write a score rounded to d->decimals decimals into buf (size n), without
** trailing zeros: PEG 5.7 -> "5.7", 5.0 -> "5"; headache 10.75 -> "10.75"
** (not "10.75000").  buf should hold at least 32 bytes. */
void instr_format_score(const instr_def *d, double score, char *buf,
                        size_t n);

/* Improvement toward the best score: (baseline - now) / (baseline - best).
** 1 is the best score reached, 0 no change, negative a worsening; the same
** formula serves both directions (for a higher-is-better scale it is the
** share of the possible gain).  When the baseline already is the best
** score (within INSTR_SAME_SCORE) there is nothing to improve and the
** result is INSTR_IMPROVEMENT_UNDEFINED, *out untouched; callers must
** report such cases, not count them as 0 or 100%. */
typedef enum instr_improvement_result {
  INSTR_IMPROVEMENT_DEFINED = 0,
  INSTR_IMPROVEMENT_UNDEFINED = 1
} instr_improvement_result;
instr_improvement_result instr_improvement(double baseline, double now,
                                           double best, double *out);

/* The score that is 50% improvement from baseline:
** baseline - INSTR_BENCHMARK x (baseline - best). */
double instr_benchmark_target(double baseline, double best);

/* Free a table built by instr_table_load (instruments_load.c). */
void instr_table_free(instr_table *t);

/* Build a table from a document validated against instruments.xsd (from
** the host's cairn_xml_load), read through the host's kit; the table owns
** copies of every string, so the document may be freed afterwards.  Every
** definition passes instr_def_check.  INSTR_OK with *out (free with
** instr_table_free), or INSTR_EDEF with a message naming the instrument. */
struct cairn_doc;
int instr_table_load(struct cairn_doc *doc, instr_table **out, char *msg,
                     size_t n);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif /* PROGRAM_INSTRUMENTS_H */
