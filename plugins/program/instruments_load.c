/*
** instruments_load.c -- build the instrument table from data/instruments.xml
** once parsed and validated against schemas/instruments.xsd (the host's
** cairn_xml_load does both), reading it through the host's kit.  Kept
** apart from instruments.c so that the scoring stays free of the host.
*/
#include <cairn/plugin.h>

#include "instruments.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC visibility push(hidden)
CAIRN_PLUGIN_EXTERN
#pragma GCC visibility pop

/* The text of n's child `name` with runs of white space collapsed to one
** space and trimmed (citations wrap over lines in the file), malloc'd;
** NULL when there is no such child.  Aborts on out-of-memory like the
** host's allocators. */
static char *text_of(cairn_doc *doc, cairn_node *n, const char *name) {
  cairn_node *c = cairn_node_child(doc, n, name);
  const char *raw, *r;
  char *out, *w;
  int space = 0;
  if (c == NULL) return NULL;
  raw = cairn_node_text(doc, c);
  out = malloc(strlen(raw) + 1);
  if (out == NULL) abort();
  w = out;
  for (r = raw; *r; r++) {
    if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
      space = (w != out);
    } else {
      if (space) *w++ = ' ';
      space = 0;
      *w++ = *r;
    }
  }
  *w = '\0';
  return out;
}

/* Attribute `name` as a number; *have says whether it was present. */
static int attr_number(cairn_doc *doc, cairn_node *n, const char *name,
                       double *out, int *have) {
  const char *v = cairn_node_attr(doc, n, name);
  if (have) *have = v != NULL;
  if (v == NULL) return INSTR_OK;
  return instr_parse_number(v, out);
}

/* Copy attribute `name` into buf (size n); "" when absent. */
static void attr_copy(cairn_doc *doc, cairn_node *node, const char *name,
                      char *buf, size_t n) {
  const char *v = cairn_node_attr(doc, node, name);
  snprintf(buf, n, "%s", v ? v : "");
}

/* A malloc'd copy of s, or NULL for NULL. */
static char *copy(const char *s) {
  char *c;
  if (s == NULL) return NULL;
  c = strdup(s);
  if (c == NULL) abort();
  return c;
}

/* The <items> of an instrument into d.  INSTR_OK or INSTR_EDEF. */
static int load_items(cairn_doc *doc, cairn_node *node, instr_def *d,
                      char *msg, size_t n) {
  cairn_node *items = cairn_node_child(doc, node, "items"), *it;
  int have;
  for (it = items ? cairn_node_child(doc, items, "item") : NULL; it != NULL;
       it = cairn_node_next(it, "item")) {
    instr_item *item;
    if (d->n_items == INSTR_ITEMS_MAX) {
      snprintf(msg, n, "instrument %s: more than %d items", d->id,
               INSTR_ITEMS_MAX);
      return INSTR_EDEF;
    }
    item = &d->items[d->n_items++];
    attr_copy(doc, it, "id", item->id, sizeof item->id);
    item->label = text_of(doc, it, "label");
    if (attr_number(doc, it, "min", &item->min, NULL) != INSTR_OK ||
        attr_number(doc, it, "max", &item->max, NULL) != INSTR_OK ||
        attr_number(doc, it, "step", &item->step, &have) != INSTR_OK) {
      snprintf(msg, n, "instrument %s, item %s: min, max and step must be "
               "plain numbers", d->id, item->id);
      return INSTR_EDEF;
    }
    if (!have) item->step = 0;
  }
  return INSTR_OK;
}

/* <scoring method= direction=>: the words into d.  INSTR_OK or EDEF. */
static int load_method(cairn_doc *doc, cairn_node *scoring, instr_def *d,
                       char *msg, size_t n) {
  char word[32];
  attr_copy(doc, scoring, "method", word, sizeof word);
  if (strcmp(word, "value") == 0) d->method = INSTR_VALUE;
  else if (strcmp(word, "mean") == 0) d->method = INSTR_MEAN;
  else if (strcmp(word, "sum-percent") == 0) d->method = INSTR_SUM_PERCENT;
  else if (strcmp(word, "sum-times") == 0) d->method = INSTR_SUM_TIMES;
  else {
    snprintf(msg, n, "instrument %s: unknown scoring method \"%s\"", d->id,
             word);
    return INSTR_EDEF;
  }
  attr_copy(doc, scoring, "direction", word, sizeof word);
  if (strcmp(word, "lower-is-better") == 0)
    d->direction = INSTR_LOWER_IS_BETTER;
  else if (strcmp(word, "higher-is-better") == 0)
    d->direction = INSTR_HIGHER_IS_BETTER;
  else {
    snprintf(msg, n, "instrument %s: unknown direction \"%s\"", d->id, word);
    return INSTR_EDEF;
  }
  return INSTR_OK;
}

/* <scoring best= worst= factor= maxMissing= decimals=> into d. */
static int load_scoring(cairn_doc *doc, cairn_node *node, instr_def *d,
                        char *msg, size_t n) {
  cairn_node *scoring = cairn_node_child(doc, node, "scoring");
  double num;
  int have;
  if (scoring == NULL) {
    snprintf(msg, n, "instrument %s: <scoring> is missing", d->id);
    return INSTR_EDEF;
  }
  if (load_method(doc, scoring, d, msg, n) != INSTR_OK) return INSTR_EDEF;
  if (attr_number(doc, scoring, "best", &d->best, NULL) != INSTR_OK ||
      attr_number(doc, scoring, "worst", &d->worst, NULL) != INSTR_OK ||
      attr_number(doc, scoring, "factor", &d->factor, &have) != INSTR_OK) {
    snprintf(msg, n, "instrument %s: best, worst and factor must be plain "
             "numbers", d->id);
    return INSTR_EDEF;
  }
  if (!have) d->factor = 0;
  if (attr_number(doc, scoring, "maxMissing", &num, NULL) != INSTR_OK ||
      num < 0 || num > INSTR_ITEMS_MAX) {
    snprintf(msg, n, "instrument %s: maxMissing must be a small whole "
             "number", d->id);
    return INSTR_EDEF;
  }
  d->max_missing = (int)num;
  if (attr_number(doc, scoring, "decimals", &num, NULL) != INSTR_OK ||
      num < 0 || num > INSTR_DECIMALS_MAX) {
    snprintf(msg, n, "instrument %s: decimals must be 0 to %d", d->id,
             INSTR_DECIMALS_MAX);
    return INSTR_EDEF;
  }
  d->decimals = (int)num;
  return INSTR_OK;
}

/* One <instrument> into d.  INSTR_OK, or INSTR_EDEF with msg. */
static int load_one(cairn_doc *doc, cairn_node *node, instr_def *d,
                    char *msg, size_t n) {
  cairn_node *code = cairn_node_child(doc, node, "code");
  attr_copy(doc, node, "id", d->id, sizeof d->id);
  d->name = text_of(doc, node, "name");
  d->abbreviation = text_of(doc, node, "abbreviation");
  d->source = text_of(doc, node, "source");
  d->note = text_of(doc, node, "note");
  if (code != NULL) {
    d->code = text_of(doc, node, "code");
    d->code_system = copy(cairn_node_attr(doc, code, "system"));
  }
  if (d->name == NULL || d->abbreviation == NULL || d->source == NULL) {
    snprintf(msg, n, "instrument %s: name, abbreviation and source are "
             "required", d->id);
    return INSTR_EDEF;
  }
  if (load_items(doc, node, d, msg, n) != INSTR_OK ||
      load_scoring(doc, node, d, msg, n) != INSTR_OK)
    return INSTR_EDEF;
  return instr_def_check(d, msg, n);
}

int instr_table_load(cairn_doc *doc, instr_table **out, char *msg,
                     size_t n) {
  cairn_node *root = doc ? cairn_doc_root(doc) : NULL, *c;
  instr_table *t;
  size_t count, i;

  if (root == NULL || strcmp(cairn_node_name(root), "instruments") != 0) {
    snprintf(msg, n, "the root element must be <instruments>");
    return INSTR_EDEF;
  }
  count = 0;
  for (c = cairn_node_child(doc, NULL, "instrument"); c != NULL;
       c = cairn_node_next(c, "instrument"))
    count++;
  if (count == 0 || count > INSTR_COUNT_MAX) {
    snprintf(msg, n, "the file must define 1 to %d instruments, not %zu",
             INSTR_COUNT_MAX, count);
    return INSTR_EDEF;
  }
  t = calloc(1, sizeof *t);
  if (t == NULL) abort();
  t->defs = calloc(count, sizeof *t->defs);
  if (t->defs == NULL) abort();
  for (c = cairn_node_child(doc, NULL, "instrument"); c != NULL && t->n < count;
       c = cairn_node_next(c, "instrument")) {
    t->n++;
    if (load_one(doc, c, &t->defs[t->n - 1], msg, n) != INSTR_OK) {
      instr_table_free(t);
      return INSTR_EDEF;
    }
    for (i = 0; i + 1 < t->n; i++) {
      if (strcmp(t->defs[i].id, t->defs[t->n - 1].id) == 0) {
        snprintf(msg, n, "instrument id %s appears twice", t->defs[i].id);
        instr_table_free(t);
        return INSTR_EDEF;
      }
    }
  }
  *out = t;
  return INSTR_OK;
}

/* Free a string the table owns; the fields are const for every reader
** but this one. */
static void free_owned(const char *s) { free((void *)(uintptr_t)s); }

void instr_table_free(instr_table *t) {
  size_t i, j;
  if (t == NULL) return;
  for (i = 0; i < t->n; i++) {
    instr_def *d = &t->defs[i];
    free_owned(d->name);
    free_owned(d->abbreviation);
    free_owned(d->source);
    free_owned(d->code);
    free_owned(d->code_system);
    free_owned(d->note);
    for (j = 0; j < d->n_items; j++) free_owned(d->items[j].label);
  }
  free(t->defs);
  free(t);
}
