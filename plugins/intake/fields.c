/*
** fields.c -- the questionnaire's fields, one cairn_field table per
** section.  Demographics, goals and consent are static; the others depend
** on the content (body regions, red-flag questions, baseline items) or
** repeat a row (medicines, allergies), so their tables are built once at
** init and freed at fini.
*/
#include "intake.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Choices: value, label, ... NULL (the kit's shape). */
/* Choices shown as radio buttons are declared CAIRN_FIELD_RADIO. */
static const char *const GENDERS[] = {
  "female", "Female", "male", "Male", "other", "Other",
  "unknown", "Prefer not to say", NULL};
static const char *const UNITS[] = {
  "mg", "mg", "g", "g", "mcg", "mcg", "ml", "ml", "IU", "IU",
  "tablet", "tablet(s)", "capsule", "capsule(s)", "drop", "drop(s)",
  "puff", "puff(s)", "patch", "patch(es)", NULL};
static const char *const FREQUENCIES[] = {
  "once-daily", "once a day", "twice-daily", "twice a day",
  "three-times-daily", "three times a day",
  "four-times-daily", "four times a day", "at-night", "at night",
  "weekly", "once a week", "as-needed", "when needed", NULL};
static const char *const PREGNANCY[] = {
  "not-pregnant", "No", "pregnant", "Yes", "possibly-pregnant", "Possibly",
  "breastfeeding", "I am breastfeeding",
  "not-applicable", "Does not apply to me", NULL};
static const char *const DURATION_UNITS[] = {
  "weeks", "weeks", "months", "months", "years", "years", NULL};
static const char *const ANSWERS[] = {
  "no", "No", "yes", "Yes", "unsure", "Not sure", NULL};

/* Longest duration typed: 999 weeks, months or years. */
#define DURATION_MAX 999

static const cairn_field DEMOGRAPHICS[] = {
  {.name = "name", .label = "Full name", .kind = CAIRN_FIELD_TEXT,
   .max = INTAKE_NAME_MAX},
  {.name = "birthDate", .label = "Date of birth", .kind = CAIRN_FIELD_DATE,
   .hint = "YYYY-MM-DD, for example 1970-04-30."},
  {.name = "gender", .label = "Gender", .kind = CAIRN_FIELD_RADIO,
   .choices = GENDERS},
  {.name = "contact", .label = "Phone or email", .kind = CAIRN_FIELD_TEXT,
   .max = INTAKE_LINE_MAX},
  {.name = NULL}
};

static const cairn_field GOALS[] = {
  {.name = "goal.1", .label = "Activity 1", .kind = CAIRN_FIELD_TEXT,
   .max = INTAKE_GOAL_MAX},
  {.name = "goal.2", .label = "Activity 2", .kind = CAIRN_FIELD_TEXT,
   .max = INTAKE_GOAL_MAX},
  {.name = "goal.3", .label = "Activity 3", .kind = CAIRN_FIELD_TEXT,
   .max = INTAKE_GOAL_MAX},
  {.name = "goal.4", .label = "Activity 4 (optional)",
   .kind = CAIRN_FIELD_TEXT, .max = INTAKE_GOAL_MAX},
  {.name = "goal.5", .label = "Activity 5 (optional)",
   .kind = CAIRN_FIELD_TEXT, .max = INTAKE_GOAL_MAX},
  {.name = NULL}
};

static const cairn_field CONSENT[] = {
  {.name = "agree", .label = "I have read and agree to these terms",
   .kind = CAIRN_FIELD_CHECKBOX},
  {.name = "signedName", .label = "Your full name, as your signature",
   .kind = CAIRN_FIELD_TEXT, .max = INTAKE_NAME_MAX},
  {.name = NULL}
};

/* Fields of the built tables, at most: medicines has 15 rows of 4, 8 of
** 2, pregnancy and two "none" boxes (79); the baseline 5 instruments of
** at most 32 items and the choice of function measure. */
#define TABLE_FIELDS_MAX (INTAKE_BASELINE_MAX * INTAKE_ITEMS_MAX + 2)
/* Names and labels made for the built tables, at most. */
#define OWNED_MAX 1024
/* The function measure's choices: ODI, NDI, none (value and label each). */
#define FUNCTION_CHOICES_MAX 8

/* A table being built, and the strings it owns. */
typedef struct table {
  cairn_field *fields;         /* malloc'd, TABLE_FIELDS_MAX + 1 entries */
  size_t n;                    /* filled so far */
} table;

static table pain, medicines, redflags, baseline;
static char *owned[OWNED_MAX];
static size_t n_owned;
static const char *function_choices[FUNCTION_CHOICES_MAX + 1];

/* A malloc'd, formatted string the tables own; NULL when the pool is
** full. */
static const char *own(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static const char *own(const char *fmt, ...) {
  va_list ap;
  char *s;
  int n;
  if (n_owned == OWNED_MAX) return NULL;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) abort();
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  owned[n_owned++] = s;
  return s;
}

/* Append a field; 0, or CAIRN_ELIMIT when the table or pool is full. */
static int add(table *t, const cairn_field *f) {
  if (t->n == TABLE_FIELDS_MAX || f->name == NULL) return CAIRN_ELIMIT;
  t->fields[t->n++] = *f;
  return CAIRN_OK;
}

/* pain: a checkbox per body region, another site, the duration. */
static int build_pain(void) {
  size_t i;
  int rc = CAIRN_OK;
  for (i = 0; rc == CAIRN_OK && i < intake_data->n_regions; i++)
    rc = add(&pain, &(cairn_field){
        .name = own("site.%s", intake_data->regions[i].code),
        .label = intake_data->regions[i].label,
        .kind = CAIRN_FIELD_CHECKBOX});
  if (rc == CAIRN_OK)
    rc = add(&pain, &(cairn_field){
        .name = "otherSite", .label = "Anywhere else, in your words",
        .kind = CAIRN_FIELD_TEXT, .max = INTAKE_LINE_MAX});
  if (rc == CAIRN_OK)
    rc = add(&pain, &(cairn_field){
        .name = "duration", .label = "How long has it lasted?",
        .kind = CAIRN_FIELD_INTEGER, .min = 1, .max = DURATION_MAX});
  if (rc == CAIRN_OK)
    rc = add(&pain, &(cairn_field){
        .name = "durationUnit", .label = "Unit", .kind = CAIRN_FIELD_SELECT,
        .choices = DURATION_UNITS});
  return rc;
}

/* One medicine row: name, dose, unit, how often. */
static int add_medicine(int row) {
  int rc = add(&medicines, &(cairn_field){
      .name = own("med.%d.name", row), .label = "Name",
      .kind = CAIRN_FIELD_TEXT, .max = INTAKE_LINE_MAX});
  if (rc == CAIRN_OK)
    rc = add(&medicines, &(cairn_field){
        /* Text: sections.c checks it as a dose (above 0, at most 3
        ** decimals, no sign), in words about doses. */
        .name = own("med.%d.dose", row), .label = "Dose",
        .kind = CAIRN_FIELD_TEXT});
  if (rc == CAIRN_OK)
    rc = add(&medicines, &(cairn_field){
        .name = own("med.%d.unit", row), .label = "Unit",
        .kind = CAIRN_FIELD_SELECT, .choices = UNITS});
  if (rc == CAIRN_OK)
    rc = add(&medicines, &(cairn_field){
        .name = own("med.%d.frequency", row), .label = "How often",
        .kind = CAIRN_FIELD_SELECT, .choices = FREQUENCIES});
  return rc;
}

/* One allergy row: to what, and the reaction. */
static int add_allergy(int row) {
  int rc = add(&medicines, &(cairn_field){
      .name = own("allergy.%d.substance", row),
      .label = own("Allergy %d: to what", row),
      .kind = CAIRN_FIELD_TEXT, .max = INTAKE_LINE_MAX});
  if (rc == CAIRN_OK)
    rc = add(&medicines, &(cairn_field){
        .name = own("allergy.%d.reaction", row),
        .label = "Reaction (optional)", .kind = CAIRN_FIELD_TEXT,
        .max = INTAKE_LINE_MAX});
  return rc;
}

/* medicines: the "none" boxes, the medicine and allergy rows,
** pregnancy. */
static int build_medicines(void) {
  int row, rc = add(&medicines, &(cairn_field){
      .name = "noMedications",
      .label = "I take no medicines, herbs or supplements",
      .kind = CAIRN_FIELD_CHECKBOX});
  for (row = 1; rc == CAIRN_OK && row <= INTAKE_MEDS_MAX; row++)
    rc = add_medicine(row);
  if (rc == CAIRN_OK)
    rc = add(&medicines, &(cairn_field){
        .name = "noAllergies", .label = "I have no known allergies",
        .kind = CAIRN_FIELD_CHECKBOX});
  for (row = 1; rc == CAIRN_OK && row <= INTAKE_ALLERGIES_MAX; row++)
    rc = add_allergy(row);
  if (rc == CAIRN_OK)
    rc = add(&medicines, &(cairn_field){
        .name = "pregnancy", .label = "Are you pregnant, or could you be?",
        .kind = CAIRN_FIELD_RADIO, .choices = PREGNANCY});
  return rc;
}

/* redflags: no, yes or not sure to each question. */
static int build_redflags(void) {
  size_t i;
  int rc = CAIRN_OK;
  for (i = 0; rc == CAIRN_OK && i < intake_data->n_flags; i++)
    rc = add(&redflags, &(cairn_field){
        .name = own("flag.%s", intake_data->flags[i].code),
        .label = intake_data->flags[i].question,
        .kind = CAIRN_FIELD_RADIO, .choices = ANSWERS});
  return rc;
}

/* See intake.h. */
int intake_is_function_measure(const char *id) {
  return strcmp(id, "odi") == 0 || strcmp(id, "ndi") == 0;
}

/* The choice of region-specific measure: those defined, and none. */
static void build_function_choices(void) {
  size_t i, n = 0;
  for (i = 0; i < intake_data->n_baseline && n + 2 < FUNCTION_CHOICES_MAX;
       i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    if (!intake_is_function_measure(in->id)) continue;
    function_choices[n++] = in->id;
    function_choices[n++] = own("%s (%s)", in->abbreviation, in->name);
  }
  function_choices[n++] = "none";
  function_choices[n++] = "None of these";
  function_choices[n] = NULL;
}

/* baseline: each item of each instrument, and the choice of
** region-specific measure. */
static int build_baseline(void) {
  size_t i, j;
  int rc = CAIRN_OK;
  for (i = 0; rc == CAIRN_OK && i < intake_data->n_baseline; i++) {
    const intake_instrument *in = &intake_data->baseline[i];
    for (j = 0; rc == CAIRN_OK && j < in->n_items; j++)
      rc = add(&baseline, &(cairn_field){
          .name = own("m.%s.%s", in->id, in->items[j].id),
          .label = in->items[j].label, .kind = CAIRN_FIELD_NUMBER,
          .min = in->items[j].min, .max = in->items[j].max});
  }
  build_function_choices();
  if (rc == CAIRN_OK)
    rc = add(&baseline, &(cairn_field){
        .name = "function", .label = "Region-specific disability measure",
        .kind = CAIRN_FIELD_SELECT, .choices = function_choices});
  return rc;
}

/* See intake.h. */
int intake_fields_init(cairn_error *err) {
  table *t[] = {&pain, &medicines, &redflags, &baseline};
  size_t i;
  int rc;
  for (i = 0; i < sizeof t / sizeof t[0]; i++)
    if ((t[i]->fields = calloc(TABLE_FIELDS_MAX + 1, sizeof *t[i]->fields)) ==
        NULL)
      abort();
  rc = build_pain();
  if (rc == CAIRN_OK) rc = build_medicines();
  if (rc == CAIRN_OK) rc = build_redflags();
  if (rc == CAIRN_OK) rc = build_baseline();
  if (rc != CAIRN_OK) {
    intake_fields_free();
    return cairn_fail(err, CAIRN_ELIMIT, NULL, "intake: the questionnaire "
                      "has more fields than the plugin can hold");
  }
  return CAIRN_OK;
}

/* See intake.h. */
void intake_fields_free(void) {
  table *t[] = {&pain, &medicines, &redflags, &baseline};
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    free(t[i]->fields);
    t[i]->fields = NULL;
    t[i]->n = 0;
  }
  for (i = 0; i < n_owned; i++) free(owned[i]);
  n_owned = 0;
}

/* See intake.h. */
const cairn_field *intake_section_fields(const char *section) {
  static const struct {
    const char *name;          /* the section */
    const cairn_field *fixed;  /* its static table, or NULL */
    const table *built;        /* or its built one */
  } SECTIONS[] = {
    {.name = "demographics", .fixed = DEMOGRAPHICS},
    {.name = "pain", .built = &pain},
    {.name = "medicines", .built = &medicines},
    {.name = "redflags", .built = &redflags},
    {.name = "goals", .fixed = GOALS},
    {.name = "baseline", .built = &baseline},
    {.name = "consent", .fixed = CONSENT},
  };
  size_t i;
  for (i = 0; i < sizeof SECTIONS / sizeof SECTIONS[0]; i++)
    if (strcmp(SECTIONS[i].name, section) == 0)
      return SECTIONS[i].fixed ? SECTIONS[i].fixed : SECTIONS[i].built->fields;
  return NULL;
}
