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
#include <libxml/tree.h>

#define DEF_NS "urn:cairn:program-definition"
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
static const char *const exit_reason_labels[] = {
  "No meaningful response", "Benchmark not reached", "Red flag",
  "Patient's choice", "Moved away", "Other"};

const char *program_exit_reason_label(const char *code) {
  size_t i;
  for (i = 0; program_exit_reasons[i]; i++)
    if (code && strcmp(code, program_exit_reasons[i]) == 0)
      return exit_reason_labels[i];
  return code ? code : "";
}

/* ---------------------------------------------------------- loading */

static int is_def(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && n->ns &&
         strcmp((const char *)n->ns->href, DEF_NS) == 0 &&
         strcmp((const char *)n->name, name) == 0;
}

/* An attribute as a number; the schema has checked its form. */
static double num_attr(const xmlNode *n, const char *name) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  double d = v ? strtod((const char *)v, NULL) : 0;
  xmlFree(v);
  return d;
}

/* An attribute or the text of a child, strdup'ed (freed in defs_free). */
static char *str_attr(const xmlNode *n, const char *name) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  char *s = strdup(v ? (const char *)v : "");
  xmlFree(v);
  return s;
}
static char *child_text(const xmlNode *n, const char *name) {
  const xmlNode *c;
  for (c = n->children; c; c = c->next) {
    if (is_def(c, name)) {
      xmlChar *v = xmlNodeGetContent(c);
      char *s = strdup(v ? (const char *)v : "");
      xmlFree(v);
      return s;
    }
  }
  return strdup("");
}

static int fail_def(cairn_error *err, const char *path, int v,
                    const char *what) {
  return program_fail(err, CAIRN_EINVAL, "definition",
                      "%s: definition version %d: %s", path, v, what);
}

int program_defs_load(const char *path, cairn_error *err) {
  struct _xmlDoc *doc = cairn_xml_load(path, "program-definition.xsd", err);
  xmlNode *root, *dn, *c;
  int rc = CAIRN_OK;

  if (doc == NULL) {
    if (err->code == 0) err->code = CAIRN_EINVAL;
    return err->code;
  }
  root = xmlDocGetRootElement(doc);
  current_version = (int)num_attr(root, "current");
  defs = calloc(DEFS_MAX, sizeof *defs);
  if (defs == NULL) {
    xmlFreeDoc(doc);
    return program_fail(err, CAIRN_EINTERNAL, NULL, "out of memory");
  }
  for (dn = root->children; dn && rc == CAIRN_OK; dn = dn->next) {
    program_def *d;
    char *s;
    int seen[PROGRAM_PAID_PHASES] = {0, 0, 0}, seen_cp[2] = {0, 0};
    if (!is_def(dn, "definition") || n_defs == DEFS_MAX) continue;
    d = &defs[n_defs++];
    d->version = (int)num_attr(dn, "version");
    s = str_attr(dn, "effective");
    snprintf(d->effective, sizeof d->effective, "%s", s);
    free(s);
    s = str_attr(dn, "currency");
    snprintf(d->currency, sizeof d->currency, "%s", s);
    free(s);
    d->name = child_text(dn, "name");
    for (c = dn->children; c; c = c->next) {
      if (is_def(c, "phase")) {
        char *id = str_attr(c, "id");
        int i = program_phase_paid_index(program_phase_parse(id));
        free(id);
        if (i < 0 || seen[i]++) {
          rc = fail_def(err, path, d->version, "each of the three phases "
                        "must appear exactly once");
          break;
        }
        d->phase[i].name = child_text(c, "name");
        d->phase[i].description = child_text(c, "description");
        d->phase[i].days = (int)num_attr(c, "days");
        d->phase[i].sessions = (int)num_attr(c, "sessions");
        d->phase[i].per_week_min = (int)num_attr(c, "perWeekMin");
        d->phase[i].per_week_max = (int)num_attr(c, "perWeekMax");
        d->phase[i].fee = num_attr(c, "fee");
        if (d->phase[i].per_week_min > d->phase[i].per_week_max) {
          rc = fail_def(err, path, d->version, "perWeekMin is above "
                        "perWeekMax");
          break;
        }
      } else if (is_def(c, "checkpoint")) {
        char *after = str_attr(c, "after");
        int i = program_phase_paid_index(program_phase_parse(after));
        xmlChar *jb = xmlGetProp(c, (const xmlChar *)"justificationBelow");
        free(after);
        if (i < 0 || i > 1 || seen_cp[i]++) {
          xmlFree(jb);
          rc = fail_def(err, path, d->version, "one checkpoint after the "
                        "introductory phase and one after first-month");
          break;
        }
        d->checkpoint[i].threshold = num_attr(c, "threshold");
        d->checkpoint[i].due_day = (int)num_attr(c, "dueDay");
        d->checkpoint[i].overdue_day = (int)num_attr(c, "overdueDay");
        d->checkpoint[i].justification_below =
            jb && (strcmp((const char *)jb, "true") == 0 ||
                   strcmp((const char *)jb, "1") == 0);
        xmlFree(jb);
        if (d->checkpoint[i].due_day > d->checkpoint[i].overdue_day) {
          rc = fail_def(err, path, d->version, "a checkpoint's dueDay is "
                        "after its overdueDay");
          break;
        }
      } else if (is_def(c, "taper")) {
        d->taper_start = (int)num_attr(c, "start");
        d->taper_floor = (int)num_attr(c, "floor");
        d->taper_held_days = (int)num_attr(c, "heldDays");
        d->taper_flare_free_days = (int)num_attr(c, "flareFreeDays");
        d->taper_tolerance = num_attr(c, "tolerance");
        if (d->taper_floor > d->taper_start) {
          rc = fail_def(err, path, d->version, "taper floor is above its "
                        "start");
          break;
        }
      } else if (is_def(c, "graduation")) {
        d->gains_held_weeks = (int)num_attr(c, "gainsHeldWeeks");
      }
    }
  }
  xmlFreeDoc(doc);
  if (rc == CAIRN_OK && program_def_find(current_version) == NULL) {
    rc = program_fail(err, CAIRN_EINVAL, "current",
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

static const char *money(cairn_req *req, double v) {
  return cairn_req_printf(req, "%.2f", v);
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
    cairn_doc_attr(doc, "fee", money(req, p->fee));
    if (p->sessions > 0)
      cairn_doc_attr(doc, "fee-per-planned-session",
                     money(req, p->fee / p->sessions));
    cairn_doc_text(doc, "description", p->description);
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
  cairn_doc_close(doc);
  cairn_doc_open(doc, "graduation");
  cairn_doc_attr(doc, "gains-held-weeks",
                 program_fmt_int(req, d->gains_held_weeks));
  cairn_doc_close(doc);
  cairn_doc_close(doc);
}
