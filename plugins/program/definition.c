/*
** definition.c -- the care program's definition as versioned clinic data
** (data/program-definition.xml, schemas/program-definition.xsd): loaded
** once at start-up, every version kept, so that an episode is always
** judged and billed by the terms it began under.  Also the names of the
** phases and exit reasons.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The schema's bound on versions in one file. */
#define DEFS_MAX 100

static program_def *defs = NULL;
static size_t n_defs = 0;
static int current_version = 0;

static const char *const phase_codes[PHASE_COUNT] = {
  "enrolled", "introductory", "first-month", "monthly", "graduated",
  "exited"};
static const char *const phase_labels[PHASE_COUNT] = {
  "Enrolled", "Introductory phase", "First-month continuation",
  "Monthly program", "Graduated", "Exited"};

program_phase program_phase_parse(const char *s) {
  int i;
  if (s == NULL) return PHASE_NONE;
  for (i = 0; i < PHASE_COUNT; i++)
    if (strcmp(s, phase_codes[i]) == 0) return (program_phase)i;
  return PHASE_NONE;
}

const char *program_phase_code(program_phase p) {
  return p >= 0 && p < PHASE_COUNT ? phase_codes[p] : "";
}

const char *program_phase_label(program_phase p) {
  return p >= 0 && p < PHASE_COUNT ? phase_labels[p] : "Not in the program";
}

int program_phase_paid_index(program_phase p) {
  switch (p) {
  case PHASE_INTRODUCTORY: return 0;
  case PHASE_FIRST_MONTH: return 1;
  case PHASE_MONTHLY: return 2;
  default: return -1;
  }
}

const char *const program_exit_reasons[] = {
  "no-meaningful-response", "benchmark-not-reached", "red-flag",
  "patient-choice", "moved", "other", NULL};

/* The exit form's choices: a blank first, then each reason's code and
** label, in program_exit_reasons' order. */
const char *const program_exit_reason_choices[] = {
  "", "Choose a reason",
  "no-meaningful-response", "No meaningful response",
  "benchmark-not-reached", "Benchmark not reached",
  "red-flag", "Red flag",
  "patient-choice", "Patient's choice",
  "moved", "Moved away",
  "other", "Other",
  NULL};

const char *program_exit_reason_label(const char *code) {
  size_t i;
  for (i = 2; program_exit_reason_choices[i]; i += 2)
    if (code && strcmp(code, program_exit_reason_choices[i]) == 0)
      return program_exit_reason_choices[i + 1];
  return code ? code : "";
}

/* ---------------------------------------------------------- loading */

/* An attribute as a number; the schema has checked its form. */
static double num_attr(cairn_doc *doc, cairn_node *n, const char *name) {
  const char *v = cairn_node_attr(doc, n, name);
  return v ? strtod(v, NULL) : 0;
}

/* An attribute's value, "" when absent. */
static const char *str_attr(cairn_doc *doc, cairn_node *n, const char *name) {
  const char *v = cairn_node_attr(doc, n, name);
  return v ? v : "";
}

/* A copy of s the definitions own (freed in program_defs_free); aborts on
** out-of-memory like the host's allocators. */
static char *owned(const char *s) {
  char *c = strdup(s ? s : "");
  if (c == NULL) abort();
  return c;
}

/* The text of n's child element `name`, owned; "" when there is none. */
static char *child_text(cairn_doc *doc, cairn_node *n, const char *name) {
  cairn_node *c = cairn_node_child(doc, n, name);
  return owned(c ? cairn_node_text(doc, c) : "");
}

static int fail_def(cairn_error *err, const char *path, int v,
                    const char *what) {
  return cairn_fail(err, CAIRN_EINVAL, "definition",
                    "%s: definition version %d: %s", path, v, what);
}

/* <phase id= days= sessions= perWeekMin= perWeekMax= fee=> of d; seen
** counts each paid phase.  0, or fills *err. */
static int load_phase(cairn_doc *doc, cairn_node *c, program_def *d,
                      int seen[PROGRAM_PAID_PHASES], const char *path,
                      cairn_error *err) {
  int i = program_phase_paid_index(
      program_phase_parse(cairn_node_attr(doc, c, "id")));
  program_phase_def *ph;
  if (i < 0 || seen[i]++)
    return fail_def(err, path, d->version, "each of the three phases "
                    "must appear exactly once");
  ph = &d->phase[i];
  ph->name = child_text(doc, c, "name");
  ph->description = child_text(doc, c, "description");
  ph->if_longer = child_text(doc, c, "ifLonger");
  ph->days = (int)num_attr(doc, c, "days");
  ph->sessions = (int)num_attr(doc, c, "sessions");
  ph->per_week_min = (int)num_attr(doc, c, "perWeekMin");
  ph->per_week_max = (int)num_attr(doc, c, "perWeekMax");
  ph->fee = num_attr(doc, c, "fee");
  if (ph->per_week_min > ph->per_week_max)
    return fail_def(err, path, d->version, "perWeekMin is above "
                    "perWeekMax");
  return 0;
}

/* <checkpoint after= threshold= dueDay= overdueDay= justificationBelow=>
** of d; seen counts the two checkpoints.  0, or fills *err. */
static int load_checkpoint(cairn_doc *doc, cairn_node *c, program_def *d,
                           int seen[2], const char *path, cairn_error *err) {
  int i = program_phase_paid_index(
      program_phase_parse(cairn_node_attr(doc, c, "after")));
  const char *jb = cairn_node_attr(doc, c, "justificationBelow");
  program_checkpoint_def *cp;
  if (i < 0 || i > 1 || seen[i]++)
    return fail_def(err, path, d->version, "one checkpoint after the "
                    "introductory phase and one after first-month");
  cp = &d->checkpoint[i];
  cp->threshold = num_attr(doc, c, "threshold");
  cp->due_day = (int)num_attr(doc, c, "dueDay");
  cp->overdue_day = (int)num_attr(doc, c, "overdueDay");
  cp->justification_below =
      jb && (strcmp(jb, "true") == 0 || strcmp(jb, "1") == 0);
  if (cp->due_day > cp->overdue_day)
    return fail_def(err, path, d->version, "a checkpoint's dueDay is "
                    "after its overdueDay");
  return 0;
}

/* <taper start= floor= heldDays= flareFreeDays= tolerance=> of d. */
static int load_taper(cairn_doc *doc, cairn_node *c, program_def *d,
                      const char *path, cairn_error *err) {
  d->taper_start = (int)num_attr(doc, c, "start");
  d->taper_floor = (int)num_attr(doc, c, "floor");
  d->taper_held_days = (int)num_attr(doc, c, "heldDays");
  d->taper_flare_free_days = (int)num_attr(doc, c, "flareFreeDays");
  d->taper_tolerance = num_attr(doc, c, "tolerance");
  /* Optional in the schema: "gradually" is two weeks at each step. */
  d->taper_min_weeks = cairn_node_attr(doc, c, "minWeeksAtStep")
                           ? (int)num_attr(doc, c, "minWeeksAtStep")
                           : PROGRAM_TAPER_MIN_WEEKS;
  if (d->taper_floor > d->taper_start)
    return fail_def(err, path, d->version, "taper floor is above its "
                    "start");
  return 0;
}

/* One <definition> element into d.  0, or fills *err. */
static int load_definition(cairn_doc *doc, cairn_node *dn, program_def *d,
                           const char *path, cairn_error *err) {
  int seen[PROGRAM_PAID_PHASES] = {0, 0, 0}, seen_cp[2] = {0, 0}, rc = 0;
  cairn_node *c;
  d->version = (int)num_attr(doc, dn, "version");
  snprintf(d->effective, sizeof d->effective, "%s",
           str_attr(doc, dn, "effective"));
  snprintf(d->currency, sizeof d->currency, "%s",
           str_attr(doc, dn, "currency"));
  d->name = child_text(doc, dn, "name");
  for (c = cairn_node_child(doc, dn, NULL); c != NULL && rc == 0;
       c = cairn_node_next(c, NULL)) {
    const char *name = cairn_node_name(c);
    if (strcmp(name, "phase") == 0)
      rc = load_phase(doc, c, d, seen, path, err);
    else if (strcmp(name, "checkpoint") == 0)
      rc = load_checkpoint(doc, c, d, seen_cp, path, err);
    else if (strcmp(name, "taper") == 0)
      rc = load_taper(doc, c, d, path, err);
    else if (strcmp(name, "graduation") == 0)
      d->gains_held_weeks = (int)num_attr(doc, c, "gainsHeldWeeks");
  }
  return rc;
}

int program_defs_load(const char *path, cairn_error *err) {
  cairn_doc *doc = cairn_xml_load(path, "program-definition.xsd", err);
  cairn_node *dn;
  int rc = CAIRN_OK;

  if (doc == NULL) {
    if (err->code == 0) err->code = CAIRN_EINVAL;
    return err->code;
  }
  current_version = (int)num_attr(doc, cairn_doc_root(doc), "current");
  defs = calloc(DEFS_MAX, sizeof *defs);
  if (defs == NULL) abort();
  for (dn = cairn_node_child(doc, NULL, "definition");
       dn != NULL && rc == CAIRN_OK && n_defs < DEFS_MAX;
       dn = cairn_node_next(dn, "definition")) {
    rc = load_definition(doc, dn, &defs[n_defs++], path, err);
  }
  if (rc == CAIRN_OK) program_evidence_map_load(doc);
  cairn_doc_free(doc);
  if (rc == CAIRN_OK && program_def_find(current_version) == NULL) {
    rc = cairn_fail(err, CAIRN_EINVAL, "current",
                    "%s: current=\"%d\" names no definition in the file",
                    path, current_version);
  }
  if (rc != CAIRN_OK) program_defs_free();
  return rc;
}

void program_defs_free(void) {
  size_t i;
  int k;
  for (i = 0; i < n_defs; i++) {
    free((char *)defs[i].name);
    for (k = 0; k < PROGRAM_PAID_PHASES; k++) {
      free((char *)defs[i].phase[k].name);
      free((char *)defs[i].phase[k].description);
      free((char *)defs[i].phase[k].if_longer);
    }
  }
  free(defs);
  defs = NULL;
  n_defs = 0;
  current_version = 0;
}

const program_def *program_def_find(int v) {
  size_t i;
  for (i = 0; i < n_defs; i++)
    if (defs[i].version == v) return &defs[i];
  return NULL;
}

const program_def *program_def_current(void) {
  return program_def_find(current_version);
}

void program_doc_definition(cairn_req *req, cairn_doc *doc,
                            const program_def *d) {
  int i;
  cairn_doc_open(doc, "definition");
  cairn_doc_attr(doc, "version", program_fmt_int(req, d->version));
  cairn_doc_attr(doc, "effective", d->effective);
  cairn_doc_attr(doc, "currency", d->currency);
  cairn_doc_attr(doc, "name", d->name);
  for (i = 0; i < PROGRAM_PAID_PHASES; i++) {
    const program_phase_def *p = &d->phase[i];
    cairn_doc_open(doc, "phase");
    cairn_doc_attr(doc, "id", program_phase_code((program_phase)(i + 1)));
    cairn_doc_attr(doc, "name", p->name);
    cairn_doc_attr(doc, "days", program_fmt_int(req, p->days));
    cairn_doc_attr(doc, "weeks", program_fmt(req, p->days / 7.0, 0));
    cairn_doc_attr(doc, "sessions", program_fmt_int(req, p->sessions));
    cairn_doc_attr(doc, "per-week-min", program_fmt_int(req, p->per_week_min));
    cairn_doc_attr(doc, "per-week-max", program_fmt_int(req, p->per_week_max));
    cairn_doc_attr(doc, "fee", program_money(req, p->fee));
    if (p->sessions > 0)
      cairn_doc_attr(doc, "fee-per-planned-session",
                     program_money(req, p->fee / p->sessions));
    cairn_doc_text(doc, "description", p->description);
    if (p->if_longer[0]) cairn_doc_text(doc, "if-longer", p->if_longer);
    cairn_doc_close(doc);
  }
  for (i = 0; i < 2; i++) {
    const program_checkpoint_def *c = &d->checkpoint[i];
    cairn_doc_open(doc, "checkpoint");
    cairn_doc_attr(doc, "after", program_phase_code((program_phase)(i + 1)));
    cairn_doc_attr(doc, "threshold", program_fmt(req, c->threshold, 2));
    cairn_doc_attr(doc, "due-day", program_fmt_int(req, c->due_day));
    cairn_doc_attr(doc, "overdue-day", program_fmt_int(req, c->overdue_day));
    cairn_doc_attr(doc, "justification-below",
                   c->justification_below ? "yes" : "no");
    cairn_doc_close(doc);
  }
  cairn_doc_open(doc, "taper");
  cairn_doc_attr(doc, "start", program_fmt_int(req, d->taper_start));
  cairn_doc_attr(doc, "floor", program_fmt_int(req, d->taper_floor));
  cairn_doc_attr(doc, "held-days", program_fmt_int(req, d->taper_held_days));
  cairn_doc_attr(doc, "flare-free-days",
                 program_fmt_int(req, d->taper_flare_free_days));
  cairn_doc_attr(doc, "min-weeks-at-step",
                 program_fmt_int(req, d->taper_min_weeks));
  cairn_doc_close(doc);
  cairn_doc_open(doc, "graduation");
  cairn_doc_attr(doc, "gains-held-weeks",
                 program_fmt_int(req, d->gains_held_weeks));
  cairn_doc_close(doc);
  cairn_doc_close(doc);
}
