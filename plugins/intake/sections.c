/*
** sections.c -- the seven sections of the questionnaire, each as three
** functions: load (a stored section into the form, to show it again),
** check (what the fields' kinds and limits cannot say: rows complete,
** "none" boxes against lists, goals in order, steps of a scale), and
** build (the form into the section's element of an intake:Section body).
** The fields themselves are declared in fields.c; cairn_form_bind reads
** and checks them before check runs.
*/
#include "intake.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Doses: up to 3 decimals (0.125 mg), at most 100000 (intake.xsd). */
#define DOSE_DECIMALS 3
#define DOSE_MAX 100000.0
/* Answers to a scale: up to 3 decimals. */
#define ANSWER_DECIMALS 3

/* Set field `name` from the record's value at `xpath`. */
static void from(cairn_form *f, const cairn_record *rec, const char *name,
                 const char *xpath) {
  cairn_form_set(f, name, cairn_record_value(rec, xpath));
}

/* 1 when the box `name` is ticked. */
static int is_yes(cairn_form *f, const char *name) {
  return strcmp(cairn_form_value(f, name), "yes") == 0;
}

/* ---------------------------------------------------------- demographics */

static void load_demographics(cairn_req *req, const cairn_record *rec,
                              cairn_form *f) {
  (void)req;
  from(f, rec, "name", "r:demographics/r:name");
  from(f, rec, "birthDate", "r:demographics/r:birthDate");
  from(f, rec, "gender", "r:demographics/r:gender");
  from(f, rec, "contact", "r:demographics/r:contact");
}

static void check_demographics(cairn_req *req, long long intake,
                               cairn_form *f) {
  (void)intake;
  intake_required(req, f, "name", "the full name");
  if (cairn_form_value(f, "birthDate")[0] == '\0')
    cairn_form_error(f, "birthDate", "Enter the date of birth.");
  if (cairn_form_value(f, "gender")[0] == '\0')
    cairn_form_error(f, "gender", "Choose one of the answers.");
  intake_required(req, f, "contact", "a phone number or email");
}

static void build_demographics(cairn_req *req, cairn_form *f,
                               cairn_doc *doc) {
  (void)req;
  intake_put(doc, "name", cairn_form_value(f, "name"));
  intake_put(doc, "birthDate", cairn_form_value(f, "birthDate"));
  intake_put(doc, "gender", cairn_form_value(f, "gender"));
  intake_put(doc, "contact", cairn_form_value(f, "contact"));
}

/* ------------------------------------------------------------------ pain */

static void load_pain(cairn_req *req, const cairn_record *rec,
                      cairn_form *f) {
  size_t i;
  for (i = 0; i < intake_data->n_regions; i++) {
    const char *code = intake_data->regions[i].code;
    if (cairn_record_value(rec, cairn_req_printf(
            req, "r:pain/r:site[. = '%s']", code))[0])
      cairn_form_set(f, cairn_req_printf(req, "site.%s", code), "yes");
  }
  from(f, rec, "otherSite", "r:pain/r:otherSite");
  from(f, rec, "duration", "r:pain/r:duration");
  from(f, rec, "durationUnit", "r:pain/r:duration/@unit");
}

static void check_pain(cairn_req *req, long long intake, cairn_form *f) {
  int sites = 0, other = cairn_form_value(f, "otherSite")[0] != '\0';
  size_t i;
  (void)intake;
  for (i = 0; i < intake_data->n_regions; i++)
    if (is_yes(f, cairn_req_printf(req, "site.%s",
                                   intake_data->regions[i].code)))
      sites++;
  if (sites == 0 && !other)
    cairn_form_error(f, "sites", "Tick at least one place where it hurts.");
  if (sites == 0 && other)
    cairn_form_error(f, "sites", "Tick the nearest place as well.");
  if (cairn_form_value(f, "duration")[0] == '\0')
    cairn_form_error(f, "duration", "Enter how long the pain has lasted.");
  if (cairn_form_value(f, "durationUnit")[0] == '\0')
    cairn_form_error(f, "durationUnit", "Choose weeks, months or years.");
}

static void build_pain(cairn_req *req, cairn_form *f, cairn_doc *doc) {
  size_t i;
  for (i = 0; i < intake_data->n_regions; i++)
    if (is_yes(f, cairn_req_printf(req, "site.%s",
                                   intake_data->regions[i].code)))
      intake_put(doc, "site", intake_data->regions[i].code);
  intake_put(doc, "otherSite", cairn_form_value(f, "otherSite"));
  cairn_doc_text_attr(
      doc, "duration", "unit", cairn_form_value(f, "durationUnit"),
      intake_fmt_int(req, atoi(cairn_form_value(f, "duration"))));
}

/* ------------------------------------------------------------- medicines */

static const char *const MED_PARTS[] = {"name", "dose", "unit", "frequency",
                                        NULL};
static const char *const ALLERGY_PARTS[] = {"substance", "reaction", NULL};

/* The field name of part `part` of row `row` of list `list`. */
static const char *row_field(cairn_req *req, const char *list, size_t row,
                             const char *part) {
  return cairn_req_printf(req, "%s.%zu.%s", list, row, part);
}

/* Load the rows of list `list` ("med", "allergy") from the record's
** elements `xpath` ("r:medicines/r:medication"), at most max. */
static void load_rows(cairn_req *req, const cairn_record *rec, cairn_form *f,
                      const char *list, const char *xpath,
                      const char *const *parts, size_t max) {
  size_t row, k;
  size_t n = (size_t)atoi(cairn_record_value(
      rec, cairn_req_printf(req, "count(%s)", xpath)));
  for (row = 1; row <= n && row <= max; row++)
    for (k = 0; parts[k]; k++)
      from(f, rec, row_field(req, list, row, parts[k]),
           cairn_req_printf(req, "%s[%zu]/r:%s", xpath, row, parts[k]));
}

static void load_medicines(cairn_req *req, const cairn_record *rec,
                           cairn_form *f) {
  if (atoi(cairn_record_value(rec, "count(r:medicines/r:noMedications)")))
    cairn_form_set(f, "noMedications", "yes");
  load_rows(req, rec, f, "med", "r:medicines/r:medication", MED_PARTS,
            INTAKE_MEDS_MAX);
  if (atoi(cairn_record_value(rec, "count(r:medicines/r:noAllergies)")))
    cairn_form_set(f, "noAllergies", "yes");
  load_rows(req, rec, f, "allergy", "r:medicines/r:allergy", ALLERGY_PARTS,
            INTAKE_ALLERGIES_MAX);
  from(f, rec, "pregnancy", "r:medicines/r:pregnancy");
}

/* 1 when any part of the row was filled. */
static int row_filled(cairn_req *req, cairn_form *f, const char *list,
                      size_t row, const char *const *parts) {
  size_t k;
  for (k = 0; parts[k]; k++)
    if (cairn_form_value(f, row_field(req, list, row, parts[k]))[0])
      return 1;
  return 0;
}

/* A filled medicine row: a name, a dose above 0 and up to DOSE_MAX, a unit,
** how often. */
static void check_medicine(cairn_req *req, cairn_form *f, size_t row) {
  const char *ds = row_field(req, "med", row, "dose");
  const char *dose = cairn_form_value(f, ds);
  double x;
  intake_required(req, f, row_field(req, "med", row, "name"),
                  "the medicine's name");
  if (dose[0] == '\0')
    cairn_form_error(f, ds, "Enter the dose, for example 500.");
  else if (!intake_number_parse(dose, DOSE_DECIMALS, &x) || x <= 0 ||
           x > DOSE_MAX)
    cairn_form_error(f, ds, "Enter the dose as a number above 0 and up "
                            "to 100000, at most 3 decimals.");
  if (cairn_form_value(f, row_field(req, "med", row, "unit"))[0] == '\0')
    cairn_form_error(f, row_field(req, "med", row, "unit"),
                     "Choose the unit of the dose.");
  if (cairn_form_value(f, row_field(req, "med", row, "frequency"))[0] == '\0')
    cairn_form_error(f, row_field(req, "med", row, "frequency"),
                     "Choose how often it is taken.");
}

/* A list or its "none" box, one of the two. */
static void check_list_or_none(cairn_form *f, const char *none, int rows,
                               const char *both, const char *neither) {
  if (is_yes(f, none) && rows > 0) cairn_form_error(f, none, both);
  if (!is_yes(f, none) && rows == 0) cairn_form_error(f, none, neither);
}

static void check_medicines(cairn_req *req, long long intake, cairn_form *f) {
  size_t row;
  int meds = 0, allergies = 0;
  (void)intake;
  for (row = 1; row <= INTAKE_MEDS_MAX; row++) {
    if (!row_filled(req, f, "med", row, MED_PARTS)) continue;
    meds++;
    check_medicine(req, f, row);
  }
  check_list_or_none(f, "noMedications", meds,
                     "Either list the medicines or tick \"no medicines\", "
                     "not both.",
                     "List the medicines, herbs and supplements taken, or "
                     "tick \"no medicines\".");
  for (row = 1; row <= INTAKE_ALLERGIES_MAX; row++) {
    if (!row_filled(req, f, "allergy", row, ALLERGY_PARTS)) continue;
    allergies++;
    intake_required(req, f, row_field(req, "allergy", row, "substance"),
                    "what causes the allergy");
  }
  check_list_or_none(f, "noAllergies", allergies,
                     "Either list the allergies or tick \"no known "
                     "allergies\", not both.",
                     "List any allergies, or tick \"no known allergies\".");
  if (cairn_form_value(f, "pregnancy")[0] == '\0')
    cairn_form_error(f, "pregnancy", "Choose one of the answers.");
}

/* <element><part/>*</element> for each row whose first part is filled;
** returns how many. */
static int build_rows(cairn_req *req, cairn_form *f, cairn_doc *doc,
                      const char *list, const char *element,
                      const char *const *parts, size_t max) {
  size_t row, k;
  int n = 0;
  for (row = 1; row <= max; row++) {
    if (!cairn_form_value(f, row_field(req, list, row, parts[0]))[0])
      continue;
    cairn_doc_open(doc, element);
    for (k = 0; parts[k]; k++)
      intake_put(doc, parts[k],
                 cairn_form_value(f, row_field(req, list, row, parts[k])));
    cairn_doc_close(doc);
    n++;
  }
  return n;
}

/* An element with no content at all (the schema's empty markers). */
static void put_empty(cairn_doc *doc, const char *name) {
  cairn_doc_open(doc, name);
  cairn_doc_close(doc);
}

static void build_medicines(cairn_req *req, cairn_form *f, cairn_doc *doc) {
  if (build_rows(req, f, doc, "med", "medication", MED_PARTS,
                 INTAKE_MEDS_MAX) == 0)
    put_empty(doc, "noMedications");
  if (build_rows(req, f, doc, "allergy", "allergy", ALLERGY_PARTS,
                 INTAKE_ALLERGIES_MAX) == 0)
    put_empty(doc, "noAllergies");
  intake_put(doc, "pregnancy", cairn_form_value(f, "pregnancy"));
}

/* -------------------------------------------------------------- redflags */

static void load_redflags(cairn_req *req, const cairn_record *rec,
                          cairn_form *f) {
  size_t i;
  for (i = 0; i < intake_data->n_flags; i++) {
    const char *code = intake_data->flags[i].code;
    from(f, rec, cairn_req_printf(req, "flag.%s", code),
         cairn_req_printf(req, "r:redflags/r:answer[@flag = '%s']/@value",
                          code));
  }
}

static void check_redflags(cairn_req *req, long long intake, cairn_form *f) {
  size_t i;
  (void)intake;
  for (i = 0; i < intake_data->n_flags; i++) {
    const char *field =
        cairn_req_printf(req, "flag.%s", intake_data->flags[i].code);
    if (cairn_form_value(f, field)[0] == '\0')
      cairn_form_error(f, field, "Answer yes, no or not sure.");
  }
}

static void build_redflags(cairn_req *req, cairn_form *f, cairn_doc *doc) {
  size_t i;
  for (i = 0; i < intake_data->n_flags; i++) {
    const char *code = intake_data->flags[i].code;
    cairn_doc_open(doc, "answer");
    cairn_doc_attr(doc, "flag", code);
    cairn_doc_attr(doc, "value", cairn_form_value(
        f, cairn_req_printf(req, "flag.%s", code)));
    cairn_doc_close(doc);
  }
}

/* ----------------------------------------------------------------- goals */

static void load_goals(cairn_req *req, const cairn_record *rec,
                       cairn_form *f) {
  size_t j;
  for (j = 1; j <= INTAKE_GOALS_MAX; j++)
    from(f, rec, cairn_req_printf(req, "goal.%zu", j),
         cairn_req_printf(req, "r:goals/r:goal[%zu]", j));
}

static void check_goals(cairn_req *req, long long intake, cairn_form *f) {
  size_t j;
  int n = 0, gap = 0;
  (void)intake;
  for (j = 1; j <= INTAKE_GOALS_MAX; j++) {
    const char *field = cairn_req_printf(req, "goal.%zu", j);
    if (cairn_form_value(f, field)[0] == '\0') {
      gap = 1;
      continue;
    }
    if (gap)
      cairn_form_error(f, field, "Fill the goals in order, without gaps.");
    else
      n++;
  }
  if (n < INTAKE_GOALS_MIN && cairn_form_errors(f) == 0)
    cairn_form_error(f, cairn_req_printf(req, "goal.%d", n + 1),
                     "Name at least 3 activities.");
}

static void build_goals(cairn_req *req, cairn_form *f, cairn_doc *doc) {
  size_t j;
  for (j = 1; j <= INTAKE_GOALS_MAX; j++)
    intake_put(doc, "goal",
               cairn_form_value(f, cairn_req_printf(req, "goal.%zu", j)));
}

/* -------------------------------------------------------------- baseline */

/* The field of item j of instrument in. */
static const char *item_field(cairn_req *req, const intake_instrument *in,
                              size_t j) {
  return cairn_req_printf(req, "m.%s.%s", in->id, in->items[j].id);
}

/* The region-specific measure chosen ("none" when none). */
static const char *chosen_function(cairn_form *f) {
  const char *function = cairn_form_value(f, "function");
  return function[0] ? function : "none";
}

static void load_baseline(cairn_req *req, const cairn_record *rec,
                          cairn_form *f) {
  size_t i, j;
  for (i = 0; i < intake_data->n_baseline; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    for (j = 0; j < in->n_items; j++)
      from(f, rec, item_field(req, in, j), cairn_req_printf(
          req, "r:baseline/r:measure[@instrument = '%s']"
               "/r:answer[@item = '%s']", in->id, in->items[j].id));
    if (intake_is_function_measure(in->id) &&
        intake_baseline_holds(req, rec, in->id))
      cairn_form_set(f, "function", in->id);
  }
}

/* How many goals the goals section holds (0 when not saved). */
static int goals_saved(cairn_req *req, long long intake) {
  const cairn_record *rec = intake_section_record(req, intake, "goals");
  return rec ? atoi(cairn_record_value(rec, "count(r:goals/r:goal)")) : 0;
}

/* An answer of a scale, beyond what its declaration (a number in the
** item's range) lets cairn_form_bind check: no sign, at most
** ANSWER_DECIMALS decimals, and on the item's step. */
static void check_answer(cairn_req *req, cairn_form *f, const char *field,
                         const intake_item *it) {
  const char *v = cairn_form_value(f, field);
  char *end;
  double x = strtod(v, &end), k;
  if (*end != '\0' || x < it->min || x > it->max)
    return;                  /* not a number in range: bind said so */
  if (!intake_number_parse(v, ANSWER_DECIMALS, &x)) {
    cairn_form_error(f, field, "Enter a number such as 6.");
  } else if (it->step > 0) {
    k = (x - it->min) / it->step;
    if (fabs(k - floor(k + 0.5)) > 1e-9)
      cairn_form_error(f, field, cairn_req_printf(
          req, "Choose a whole step of %g from %g.", it->step, it->min));
  }
}

/* The items of one instrument: each answered (the region-specific
** measures may miss up to max_missing); PSFS asks one item per goal. */
static void check_instrument(cairn_req *req, cairn_form *f,
                             const intake_instrument *in, int goals) {
  int psfs = strcmp(in->id, "psfs") == 0, answered = 0, asked = 0;
  int function = intake_is_function_measure(in->id);
  size_t j;
  for (j = 0; j < in->n_items; j++) {
    const char *field = item_field(req, in, j);
    if (psfs && (int)j >= goals) continue;
    asked++;
    if (cairn_form_value(f, field)[0] == '\0') {
      if (!function) cairn_form_error(f, field, "Choose a number.");
      continue;
    }
    answered++;
    check_answer(req, f, field, &in->items[j]);
  }
  if (function && asked - answered > in->max_missing)
    cairn_form_error(f, item_field(req, in, 0), cairn_req_printf(
        req, "Answer at least %d of the %d questions of the %s.",
        asked - in->max_missing, asked, in->abbreviation));
}

static void check_baseline(cairn_req *req, long long intake, cairn_form *f) {
  const char *function = chosen_function(f);
  int goals = goals_saved(req, intake);
  size_t i;
  if (strcmp(function, "none") != 0 &&
      (!intake_is_function_measure(function) ||
       !intake_baseline_find(function)))
    cairn_form_error(f, "function", "Choose one of the measures.");
  for (i = 0; i < intake_data->n_baseline; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    if (intake_is_function_measure(in->id) && strcmp(function, in->id) != 0)
      continue;
    if (strcmp(in->id, "psfs") == 0 && goals == 0) {
      cairn_form_error(f, "", "Save the goals section first: its "
                              "activities are the PSFS items.");
      continue;
    }
    check_instrument(req, f, in, goals);
  }
}

/* <measure instrument=><answer item=/>*</measure> when any is answered. */
static void build_measure(cairn_req *req, cairn_form *f, cairn_doc *doc,
                          const intake_instrument *in) {
  size_t j;
  int open = 0;
  for (j = 0; j < in->n_items; j++) {
    const char *v = cairn_form_value(f, item_field(req, in, j));
    if (!v[0]) continue;
    if (!open) {
      cairn_doc_open(doc, "measure");
      cairn_doc_attr(doc, "instrument", in->id);
      open = 1;
    }
    cairn_doc_text_attr(doc, "answer", "item", in->items[j].id, v);
  }
  if (open) cairn_doc_close(doc);
}

static void build_baseline(cairn_req *req, cairn_form *f, cairn_doc *doc) {
  const char *function = cairn_form_value(f, "function");
  size_t i;
  for (i = 0; i < intake_data->n_baseline; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    if (intake_is_function_measure(in->id) && strcmp(function, in->id) != 0)
      continue;
    build_measure(req, f, doc, in);
  }
}

/* --------------------------------------------------------------- consent */

static void load_consent(cairn_req *req, const cairn_record *rec,
                         cairn_form *f) {
  (void)req;
  if (cairn_record_value(rec, "r:consent/r:termsVersion")[0])
    cairn_form_set(f, "agree", "yes");
  from(f, rec, "signedName", "r:consent/r:signedName");
}

static void check_consent(cairn_req *req, long long intake, cairn_form *f) {
  (void)intake;
  if (!is_yes(f, "agree"))
    cairn_form_error(f, "agree", "Tick the box to agree to the program's "
                                 "terms.");
  intake_required(req, f, "signedName", "your name as your signature");
}

static void build_consent(cairn_req *req, cairn_form *f, cairn_doc *doc) {
  (void)req;
  intake_put(doc, "termsVersion", intake_data->terms_version);
  intake_put(doc, "signedName", cairn_form_value(f, "signedName"));
}

/* ------------------------------------------------------------ the table */

const intake_section INTAKE_SECTIONS[] = {
  {.name = "demographics", .load = load_demographics,
   .check = check_demographics, .build = build_demographics},
  {.name = "pain", .load = load_pain, .check = check_pain,
   .build = build_pain},
  {.name = "medicines", .load = load_medicines, .check = check_medicines,
   .build = build_medicines},
  {.name = "redflags", .load = load_redflags, .check = check_redflags,
   .build = build_redflags},
  {.name = "goals", .load = load_goals, .check = check_goals,
   .build = build_goals},
  {.name = "baseline", .load = load_baseline, .check = check_baseline,
   .build = build_baseline},
  {.name = "consent", .load = load_consent, .check = check_consent,
   .build = build_consent},
  {.name = NULL}
};
