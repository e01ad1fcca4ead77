/*
** safety.h -- the one safety check of a herbal prescription, used by the
** prescribing form, the XML API and imports alike (through the record
** type's check hook), and again whenever a patient's medicines or
** pregnancy status change.  Pure: it reads the reference table, the
** prescription and what is known of the patient, and returns findings,
** each about one line (one herb) of the prescription.
**
** The rules (PROGRAM.md, "Herbal protocols"):
**   - a name that is no herb: refused, with the nearest names;
**   - an aristolochic-acid herb: refused, no override (the notices cited
**     in the herb's monograph: FDA 2001, UK SI 2001/1841, China 2003/2004);
**   - a daily dose outside the herb's usual range (the Pharmacopoeia's,
**     for decoction): a warning.  Granules are converted to raw-herb grams
**     first (grams x ratio: 2 g of 5:1 granules is 10 g of raw herb);
**     pills are not compared with the decoction range;
**   - the patient pregnant or possibly pregnant: a prohibited herb
**     blocks; a caution herb, or one with no sourced category, warns;
**   - an incompatible pair (eighteen incompatibilities, nineteen
**     antagonisms, a clinic's own): blocks;
**   - an interaction with one of the patient's medicines: blocks or warns
**     as the interaction's data says.
** Blocks yield to a written justification of HERBAL_JUSTIFICATION_MIN
** characters or more (stored with the prescription, so audited);
** warnings to an acknowledgement; a refusal to nothing.
*/
#ifndef HERBAL_SAFETY_H
#define HERBAL_SAFETY_H

#include "herbdb.h"
#include "names.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* Herbs in one prescription: a formula holds at most HERBAL_ITEMS_MAX,
** and a prescription is a formula, modified. */
#define HERBAL_LINES_MAX HERBAL_ITEMS_MAX
/* Findings kept per check: four per line covers name, dose, pregnancy and
** an interaction; more (many pairs) are counted, not kept. */
#define HERBAL_FINDINGS_MAX (4 * HERBAL_LINES_MAX)
/* Patient's medicines read per check: a long medicine list. */
#define HERBAL_MEDICINES_MAX 40
/* A finding's message for a person. */
#define HERBAL_MESSAGE_MAX 400
/* Least characters of a written justification overriding a block
** (ISSUE: "a written justification of 20 or more characters"). */
#define HERBAL_JUSTIFICATION_MIN 20
/* Grams a day on one line: herbal-data.xsd's Grams bound. */
#define HERBAL_GRAMS_MAX 500.0
/* Granule concentration ratio (raw herb : granules), "5" for 5:1.  The
** bounds catch a typing error, not a maker's real range. */
#define HERBAL_RATIO_MIN 1.0
#define HERBAL_RATIO_MAX 20.0

typedef enum herbal_form {
  HERBAL_FORM_RAW = 1,       /* raw herbs for decoction */
  HERBAL_FORM_GRANULES,      /* granules; raw grams = grams x ratio */
  HERBAL_FORM_PILLS          /* pills: the decoction range does not apply */
} herbal_form;

typedef enum herbal_pregnancy_status {
  HERBAL_NOT_PREGNANT = 0,
  HERBAL_PREGNANT,
  HERBAL_POSSIBLY_PREGNANT
} herbal_pregnancy_status;

typedef enum herbal_rule {
  HERBAL_RULE_INPUT = 1,     /* grams or ratio missing or out of bounds */
  HERBAL_RULE_UNKNOWN_HERB,
  HERBAL_RULE_ARISTOLOCHIC,
  HERBAL_RULE_DOSE,          /* outside the usual range */
  HERBAL_RULE_DOSE_UNKNOWN,  /* no sourced range: not checked */
  HERBAL_RULE_DOSE_NOT_CHECKED, /* pills */
  HERBAL_RULE_DUPLICATE,     /* the same herb on two lines */
  HERBAL_RULE_PREGNANCY,
  HERBAL_RULE_INCOMPATIBLE,
  HERBAL_RULE_INTERACTION
} herbal_rule;

typedef enum herbal_severity {
  HERBAL_INFO = 0,           /* shown, needs nothing */
  HERBAL_WARN,               /* acknowledged to save */
  HERBAL_BLOCK,              /* a written justification to save */
  HERBAL_REFUSE              /* cannot be saved */
} herbal_severity;

/* One line of a prescription as typed. */
typedef struct herbal_line {
  const char *name;          /* what was typed: pinyin, characters, Latin */
  double grams;              /* grams a day as dispensed (granule grams
                             ** for granules) */
} herbal_line;

typedef struct herbal_rx {
  const herbal_line *lines;
  int n_lines;
  herbal_form form;
  double ratio;              /* granules only: 5 for 5:1 */
} herbal_rx;

typedef struct herbal_patient {
  herbal_pregnancy_status pregnancy;
  const char *const *medicines; /* the current list, as written */
  int n_medicines;
} herbal_patient;

typedef struct herbal_finding {
  herbal_rule rule;
  herbal_severity severity;
  int line;                  /* the line it concerns; -1: the whole */
  int herb;                  /* the herb (db index), or -1 */
  int other_line;            /* incompatible: the other herb's line */
  int pair;                  /* incompatible: db pair index, else -1 */
  int interaction;           /* db interaction index, else -1 */
  int drug;                  /* interaction: db drug index, else -1 */
  int medicine;              /* interaction: index in the patient's list */
  double raw_grams;          /* dose: raw-herb grams a day compared */
  int suggest[HERBAL_SUGGESTIONS]; /* unknown herb: nearest herbs */
  int n_suggest;
  const herbal_fact *fact;   /* the source of the rule applied, or NULL */
  char message[HERBAL_MESSAGE_MAX]; /* for a person, plain words */
} herbal_finding;

typedef struct herbal_findings {
  herbal_finding items[HERBAL_FINDINGS_MAX];
  int n;                     /* kept */
  int count[HERBAL_REFUSE + 1]; /* by severity, kept or not */
  int herb[HERBAL_LINES_MAX]; /* each line's herb, -1 when unknown */
  double raw[HERBAL_LINES_MAX]; /* each line's raw-herb grams a day (for
                             ** pills: the grams as typed) */
} herbal_findings;

/* Check `rx` for `pt` against the table; fills *out (every field).
** Returns the worst severity found (HERBAL_INFO when none). */
herbal_severity herbal_check(const herbal_db *db, const herbal_rx *rx,
                             const herbal_patient *pt, herbal_findings *out);

typedef enum herbal_verdict {
  HERBAL_SAVE = 0,           /* nothing stands in the way */
  HERBAL_NEEDS_ACK,          /* warnings not acknowledged */
  HERBAL_NEEDS_JUSTIFICATION,/* blocks without a justification long enough */
  HERBAL_REFUSED             /* a refusal: no override */
} herbal_verdict;

/* Whether a checked prescription may be stored, given the clinician's
** acknowledgement of warnings and written justification (NULL: none). */
herbal_verdict herbal_decide(const herbal_findings *f, int acknowledged,
                             const char *justification);

/* Characters (not bytes) of `s` without leading and trailing white
** space. */
int herbal_text_chars(const char *s);

/* Data words: "dose-range", "warning", "granules", ... and back. */
const char *herbal_rule_word(herbal_rule r);
const char *herbal_severity_word(herbal_severity s);
const char *herbal_form_word(herbal_form f);
int herbal_form_parse(const char *word);  /* -1 for another word */

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#endif /* HERBAL_SAFETY_H */
