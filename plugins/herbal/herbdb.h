/*
** herbdb.h -- the herbal reference data in memory: works cited, herb
** monographs, formulas, incompatible pairs, medicines and herb-drug
** interactions, as plain data.
**
** The data is XML (schemas/herbal-data.xsd, the files in data/herbal/, a
** clinic's own file); data_load.c reads it through the host and adds each
** entry here, then herbal_db_finish() checks what a schema cannot say and
** resolves every reference to an index.  This module calls neither the
** host nor libxml2, so unit tests link it alone (tests/unit/check_herbal.c).
**
** Every fact carries a herbal_fact: the id of a declared source, or the
** literal "not found" (HERBAL_NOT_FOUND).  herbal_db_finish refuses a
** fact whose source is neither.
*/
#ifndef HERBAL_HERBDB_H
#define HERBAL_HERBDB_H

#include <stddef.h>
#include <cairn/plugin.h>   /* cairn_error: plain data, no host call */

/* Internal to the plugin: the shared object exports only its entry. */
#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* The literal a fact's source holds when no source was found. */
#define HERBAL_NOT_FOUND "not found"
/* Aliases per herb: herbal-data.xsd's bound. */
#define HERBAL_ALIASES_MAX 8
/* Regulators' notices per aristolochic herb: herbal-data.xsd's bound. */
#define HERBAL_NOTICES_MAX 4
/* Herbs per formula: herbal-data.xsd's bound. */
#define HERBAL_ITEMS_MAX 40
/* Brands per drug: herbal-data.xsd's bound. */
#define HERBAL_BRANDS_MAX 12
/* Evidence per interaction: herbal-data.xsd's bound. */
#define HERBAL_EVIDENCE_MAX 8
/* Ids in one id list (a pair's side, an interaction's herbs): more than
** any classical name covers (the Wu Tou side has 15). */
#define HERBAL_IDLIST_MAX 32

/* Where a fact comes from. */
typedef struct herbal_fact {
  const char *src;           /* a source id, or HERBAL_NOT_FOUND */
  const char *at;            /* where in it (a monograph's title), or "" */
} herbal_fact;

/* Pregnancy categories, from the Pharmacopoeia's wording for pregnant
** women: "prohibited" (禁用/忌用), "caution" (慎用); "no statement" when the
** cited monograph says nothing; "unknown" when no source was found. */
typedef enum herbal_pregnancy {
  HERBAL_PREG_UNKNOWN = 0,
  HERBAL_PREG_NO_STATEMENT,
  HERBAL_PREG_CAUTION,
  HERBAL_PREG_PROHIBITED
} herbal_pregnancy;

typedef struct herbal_source {
  const char *id;            /* "chp2020" */
  const char *text;          /* the full citation */
  const char *file;          /* the file that declared it */
} herbal_source;

typedef struct herbal_herb {
  const char *id;            /* "du-huo" */
  const char *pinyin;        /* "Du Huo", without tones */
  const char *chinese;       /* "独活" */
  const char *latin;         /* "Angelicae Pubescentis Radix" */
  herbal_fact name_fact;     /* source of the three names */
  const char *aliases[HERBAL_ALIASES_MAX]; /* other names a clinician types */
  int n_aliases;
  int has_dose;              /* 1 when the usual range is known */
  double dose_min, dose_max; /* usual adult daily dose in decoction, g */
  herbal_fact dose_fact;
  herbal_pregnancy pregnancy;
  herbal_fact pregnancy_fact;
  const char *toxicity;      /* a note in our words, "" when not found */
  herbal_fact toxicity_fact;
  const char *notices[HERBAL_NOTICES_MAX]; /* aristolochic acid: each
                             ** regulator's notice; any one refuses the herb */
  herbal_fact notice_facts[HERBAL_NOTICES_MAX];
  int n_notices;
  const char *file;          /* the file that defined it */
} herbal_herb;

typedef struct herbal_item {
  const char *herb_id;       /* as written in the file */
  int herb;                  /* index into herbs, set by finish */
  double grams;              /* typical grams a day; 0 when not given */
  const char *original;      /* the classical amount ("3 liang"), or "" */
} herbal_item;

typedef struct herbal_formula {
  const char *id, *pinyin, *chinese, *english;  /* english may be "" */
  const char *origin;        /* the classical text's title */
  herbal_fact origin_fact;
  herbal_fact composition_fact; /* source of the herbs and their grams */
  herbal_item items[HERBAL_ITEMS_MAX];
  int n_items;
  const char *note;          /* "" when none */
  herbal_fact note_fact;
  const char *file;
} herbal_formula;

/* A list of ids as written ("gan-cao zhi-gan-cao"), resolved by finish. */
typedef struct herbal_idlist {
  const char *ids;           /* space-separated, as in the file */
  int index[HERBAL_IDLIST_MAX]; /* resolved indexes */
  int n;
} herbal_idlist;

typedef struct herbal_side {
  const char *name;          /* the classical name: "Wu Tou (...)" */
  herbal_idlist herbs;       /* every herb the name covers */
  herbal_fact fact;          /* source of that expansion */
} herbal_side;

typedef struct herbal_pair {
  const char *id;            /* "fan-wu-tou" */
  const char *list;          /* "eighteen-incompatibilities", ... */
  herbal_fact fact;          /* the classical rule's source */
  herbal_side side[2];
  const char *file;
} herbal_pair;

typedef struct herbal_class {
  const char *id, *name;     /* "vitamin-k-antagonist" */
  herbal_fact fact;
  const char *file;
} herbal_class;

typedef struct herbal_drug {
  const char *id;            /* "warfarin" */
  const char *generic;       /* "warfarin" */
  herbal_idlist classes;     /* class ids, resolved to herbal_class */
  herbal_fact fact;          /* source of the name and classes */
  const char *brands[HERBAL_BRANDS_MAX];
  herbal_fact brand_facts[HERBAL_BRANDS_MAX];
  int n_brands;
  const char *file;
} herbal_drug;

/* Strength of the evidence for an interaction, strongest first. */
typedef enum herbal_grade {
  HERBAL_GRADE_CLINICAL_STUDY = 1,  /* a controlled study in people */
  HERBAL_GRADE_CASE_REPORTS,        /* two or more published cases */
  HERBAL_GRADE_CASE_REPORT,         /* one published case */
  HERBAL_GRADE_PHARMACOLOGY         /* animal or laboratory data */
} herbal_grade;

typedef struct herbal_interaction {
  const char *id;
  herbal_idlist herbs;       /* herb indexes */
  herbal_idlist drugs;       /* drug indexes (may be empty) */
  herbal_idlist classes;     /* class indexes (may be empty) */
  herbal_grade grade;
  int blocks;                /* 1: action "block"; 0: "warn" */
  const char *effect;        /* what happens, in our words */
  herbal_fact evidence[HERBAL_EVIDENCE_MAX];
  int n_evidence;
  const char *file;
} herbal_interaction;

/* The whole table.  Arrays grow as entries are added; indexes are stable,
** pointers into the arrays are not until herbal_db_finish. */
typedef struct herbal_db {
  herbal_source *sources; int n_sources, cap_sources;
  herbal_herb *herbs; int n_herbs, cap_herbs;
  herbal_formula *formulas; int n_formulas, cap_formulas;
  herbal_pair *pairs; int n_pairs, cap_pairs;
  herbal_class *classes; int n_classes, cap_classes;
  herbal_drug *drugs; int n_drugs, cap_drugs;
  herbal_interaction *interactions; int n_interactions, cap_interactions;
  int unverified;            /* some file says review="unverified" */
  char **strings; int n_strings, cap_strings; /* owned copies */
  int finished;              /* herbal_db_finish succeeded */
} herbal_db;

/* A new, empty table; aborts when memory is exhausted. */
herbal_db *herbal_db_new(void);
/* Free the table and every string it copied.  NULL is a no-op. */
void herbal_db_free(herbal_db *db);
/* A copy of `s` (NULL: "") owned by the table. */
const char *herbal_db_str(herbal_db *db, const char *s);

/* Add an entry, copied by value; its strings must already be owned by the
** table (herbal_db_str).  An id already defined is a conflict: CAIRN_EINVAL
** with a message naming the id and both files.  A herb whose pinyin,
** Chinese or Latin name (folded) is another herb's is a conflict too. */
int herbal_db_add_source(herbal_db *db, const herbal_source *s,
                         cairn_error *err);
int herbal_db_add_herb(herbal_db *db, const herbal_herb *h, cairn_error *err);
int herbal_db_add_formula(herbal_db *db, const herbal_formula *f,
                          cairn_error *err);
int herbal_db_add_pair(herbal_db *db, const herbal_pair *p, cairn_error *err);
int herbal_db_add_class(herbal_db *db, const herbal_class *c,
                        cairn_error *err);
int herbal_db_add_drug(herbal_db *db, const herbal_drug *d, cairn_error *err);
int herbal_db_add_interaction(herbal_db *db, const herbal_interaction *x,
                              cairn_error *err);

/* Check what the schema cannot say and resolve references: every fact's
** source is declared or "not found"; a dose with a source has
** 0 < min <= max and one without has neither; every herb a formula, pair
** or interaction names, every drug and class, exists.  0, or CAIRN_EINVAL
** with the first failure, naming the entry and its file. */
int herbal_db_finish(herbal_db *db, cairn_error *err);

/* Index of the entry with this id, or -1. */
int herbal_db_herb(const herbal_db *db, const char *id);
int herbal_db_formula(const herbal_db *db, const char *id);
int herbal_db_source(const herbal_db *db, const char *id);
int herbal_db_drug(const herbal_db *db, const char *id);

/* Pregnancy category from its data word ("caution"); -1 for another. */
int herbal_pregnancy_parse(const char *word);
/* The data word of a category ("no-statement"). */
const char *herbal_pregnancy_word(herbal_pregnancy p);
/* Grade from its data word ("case-report"); -1 for another. */
int herbal_grade_parse(const char *word);
const char *herbal_grade_word(herbal_grade g);

/* Fill *err (when not NULL) and return code: the plugin's own cairn_fail
** for code that may not call the host. */
int herbal_fail(cairn_error *err, int code, const char *field,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#endif /* HERBAL_HERBDB_H */
