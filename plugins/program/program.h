/*
** program.h -- what the program plugin's files share (never installed).
**
** The plugin: program.c (descriptor, record types, routes, init),
** observation_check.c (the check hooks of Observation, EpisodeOfCare and
** Patient), observation.c (the observation form and its POST), pages.c
** (home, patient list, chart, instruments), outcomes.c (the cohort report), util.c (helpers), instruments.c (pure scoring) and
** instruments_load.c (the instrument table from instruments.xml); the
** care program in the files careprogram.h lists (docs/care-program.md).
** The plugin includes only <cairn/plugin.h>: documents, dates, text and
** forms go through the host's kit (API level 3).
**
** Every symbol but cairn_plugin_entry() is hidden: the plugin exports
** exactly one function (DESIGN.md, "Plugin ABI").
*/
#ifndef PROGRAM_PROGRAM_H
#define PROGRAM_PROGRAM_H

#include <cairn/plugin.h>

#pragma GCC visibility push(hidden)

#include "instruments.h"

CAIRN_PLUGIN_EXTERN

/* The namespace of the plugin's record types (schemas/program.xsd). */
#define PROGRAM_NS "urn:cairn:program"

/* Record type names, as declared in program.c. */
#define PROGRAM_T_PATIENT     "program:Patient"
#define PROGRAM_T_EPISODE     "program:EpisodeOfCare"
#define PROGRAM_T_OBSERVATION "program:Observation"
#define PROGRAM_T_PHASE_CHANGE "program:PhaseChange"
#define PROGRAM_T_ENCOUNTER   "program:Encounter"
#define PROGRAM_T_FLARE       "program:Flare"
#define PROGRAM_T_INVOICE     "program:Invoice"
#define PROGRAM_T_GRADUATION  "program:Graduation"
#define PROGRAM_T_CHECKPOINT_OVERDUE "program:CheckpointOverdue"

/* The timepoint improvement is counted from (PROGRAM.md). */
#define PROGRAM_BASELINE "baseline"
/* The name of the outcomes report's row of latest follow-ups (outcomes.c). */
#define PROGRAM_LATEST "latest"

/* The instruments loaded by init from the "instruments" setting; valid
** from init to fini, read-only (workers fork after init). */
extern const instr_table *program_instruments;

/* ------------------------------------------------------------ handlers */
int program_page_home(cairn_req *req);            /* GET / */
int program_page_patients(cairn_req *req);        /* GET /patients */
int program_page_chart(cairn_req *req);           /* GET /patients/{id} */
int program_page_instruments(cairn_req *req);     /* GET /instruments */
int program_page_outcomes(cairn_req *req);        /* GET /outcomes */
int program_page_observation_new(cairn_req *req); /* GET .../new */
int program_post_observation(cairn_req *req);     /* POST .../observations */

/* The care program. */
int program_page_patient_new(cairn_req *req);     /* GET /patients/new */
int program_post_patient(cairn_req *req);         /* POST /patients */
int program_page_enrol(cairn_req *req);           /* GET .../enrol */
int program_post_episode(cairn_req *req);         /* POST .../episodes */
int program_page_episode(cairn_req *req);         /* GET .../episodes/{e} */
int program_post_move(cairn_req *req);            /* POST .../moves */
int program_page_checkpoint(cairn_req *req);      /* GET .../checkpoint */
int program_post_visit(cairn_req *req);           /* POST .../visits */
int program_post_flare(cairn_req *req);           /* POST .../flares */
int program_post_flare_end(cairn_req *req);       /* POST .../flares/{f}/end */
int program_page_graduation(cairn_req *req);      /* GET .../graduation */
int program_page_schedule(cairn_req *req);        /* GET /schedule */
int program_page_visits(cairn_req *req);          /* GET .../visits */
int program_post_attendance(cairn_req *req);      /* POST .../attendance */
int program_page_pricing(cairn_req *req);         /* GET /pricing */
int program_page_economics(cairn_req *req);       /* GET /economics */
/* Corrections (corrections.c). */
int program_post_observation_error(cairn_req *req); /* POST .../error */
int program_post_visit_cancel(cairn_req *req);    /* POST .../cancel */
int program_post_visit_reschedule(cairn_req *req); /* POST .../reschedule */

/* ---------------------------------------------------------- check hooks */
/* Form fields and error fields of an observation's answers are
** "answer." + the item id. */
#define PROGRAM_ANSWER_PREFIX "answer."
/* "answer.<item>" in the arena. */
const char *program_answer_field(cairn_req *req, const char *item);
/* Mark the request whose handler has scored its Observation itself, for
** the length of its record_create, so that the check hook does not score
** it again; NULL afterwards. */
void program_observation_scored(cairn_req *req);

/* Observation: instrument known, answers known and in range, enough items
** answered, effective not after today; sets <score>.  Fields at fault are
** named as in the form: "instrument", "effective", "answer.<item>". */
int program_check_observation(cairn_req *req, cairn_doc *body,
                              cairn_error *err);
/* EpisodeOfCare: primaryInstrument known, periodEnd not before
** periodStart. */
int program_check_episode(cairn_req *req, cairn_doc *body,
                          cairn_error *err);
/* Patient: birthDate not after today. */
int program_check_patient(cairn_req *req, cairn_doc *body,
                          cairn_error *err);

/* PhaseChange: the move is legal from the episode's current phase, with
** what it needs (episode.c); sets from, definitionVersion, improvement,
** benchmarkMet.  Illegal moves are CAIRN_ECONFLICT, missing input
** CAIRN_EINVAL naming the field. */
int program_check_phase_change(cairn_req *req, cairn_doc *body,
                               cairn_error *err);
/* Encounter: episode exists; a finished visit is not after today. */
int program_check_encounter(cairn_req *req, cairn_doc *body,
                            cairn_error *err);
/* Flare: episode exists; start not after today; end not before start. */
int program_check_flare(cairn_req *req, cairn_doc *body,
                        cairn_error *err);
/* Subscriber of PhaseChange: revises the episode to the new phase, raises
** the phase's invoice, writes the Graduation record (episode.c). */
int program_on_phase_change(cairn_req *req, const cairn_record *rec,
                            cairn_error *err);

/* -------------------------------------------------------------- helpers */

/* A patient as the pages show it (strings in the request arena). */
typedef struct program_patient {
  long long id;
  const char *id_text;          /* "12" */
  const char *href;             /* "/patients/12", the chart */
  const char *identifier, *name, *gender, *birth_date;  /* "" when absent */
} program_patient;

/* Whether a patient (not withdrawn) already has identifier `value` in
** `system` ("" or NULL: no system attribute): *taken gets its record id,
** else 0.  Identifiers name one patient within a system, so a new patient
** must not reuse one.  CAIRN_OK, or a DB error with *err. */
int program_identifier_taken(cairn_req *req, const char *system,
                             const char *value, long long *taken,
                             cairn_error *err);

/* Load the patient named by the route's "patient" parameter.  CAIRN_OK,
** CAIRN_ENOTFOUND (no such patient, or withdrawn: the caller answers 404),
** or CAIRN_EDB / CAIRN_EINTERNAL with *err. */
int program_patient_load(cairn_req *req, program_patient *p,
                         cairn_error *err);
/* Add <patient id= identifier= name= gender= birth-date= href=/> to doc
** (attributes with empty values are left out). */
void program_doc_patient(cairn_doc *doc, const program_patient *p);

/* Days since 1970-01-01 of a "YYYY-MM-DD" date (cairn_date_parse), or -1
** when it is not a real date: for dates the schema or a form has already
** checked, where -1 only marks a broken row. */
long program_days(const char *date);

/* 1 when s is a timepoint code: [a-z0-9][a-z0-9._-]{0,31} (program.xsd). */
int program_timepoint_valid(const char *s);

/* Number of characters (code points) in valid UTF-8 text. */
size_t program_utf8_chars(const char *s);

/* A double as text with `decimals` decimals and no grouping, in the
** request arena: for view attributes that a stylesheet reads as numbers
** (format-number); text for people uses cairn_format_number. */
const char *program_fmt(cairn_req *req, double v, int decimals);
/* An instrument's short name for people ("PEG", "NRS pain"), or its id
** when it is no longer defined: never the code where a name is known. */
const char *program_instrument_name(const char *id);
/* An improvement (a fraction) as a percent for people, whole ("50%"),
** unless rounding would carry a value below `threshold` up to it
** (49.6% is not "50%, below the 50% threshold"): then one decimal,
** rounded down ("49.6%").  `reached` is the decision on exact scores. */
const char *program_percent_text(cairn_req *req, double imp, double threshold,
                                 int reached);
/* A score for people: rounded by the instrument's documented rule
** (instr_format_score: PEG 7.333333 -> "7.3", 8 -> "8"), the one display
** rule of every program page. */
const char *program_score_text(cairn_req *req, const instr_def *d, double v);
/* An amount of money as an XSD decimal with two places ("1680.00"), for
** record bodies and view attributes (the views group it for people). */
const char *program_money(cairn_req *req, double v);
/* A whole number as text, in the request arena. */
const char *program_fmt_int(cairn_req *req, long long v);

/* Axis ticks: a "nice" step (1, 2 or 5 x 10^k) giving about `target`
** intervals over [lo, hi]. */
double program_nice_step(double lo, double hi, int target);

#include "careprogram.h"
#include "patient.h"

#pragma GCC visibility pop

#endif /* PROGRAM_PROGRAM_H */
