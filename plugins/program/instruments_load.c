/*
** instruments_load.c -- build the instrument table from data/instruments.xml
** once parsed and validated against schemas/instruments.xsd (the host's
** cairn_xml_load does both).  Kept apart from instruments.c so that the
** scoring stays free of libxml2.
*/
#include "instruments.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#define INSTRUMENTS_NS "urn:cairn:instruments"

/* 1 when node is the element `name` in the instruments namespace. */
static int is_elem(const xmlNode *node, const char *name) {
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         node->ns != NULL &&
         strcmp((const char *)node->ns->href, INSTRUMENTS_NS) == 0 &&
         strcmp((const char *)node->name, name) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *name) {
  xmlNode *c;
  for (c = parent->children; c != NULL; c = c->next) {
    if (is_elem(c, name)) return c;
  }
  return NULL;
}

/* The node's text with runs of white space collapsed to one space and
** trimmed (citations wrap over lines in the file), malloc'd; NULL for a
** NULL node.  Aborts on out-of-memory like the host's allocators. */
static char *text_of(const xmlNode *node) {
  xmlChar *raw;
  char *out, *w;
  const char *r;
  int space = 0;
  if (node == NULL) return NULL;
  raw = xmlNodeGetContent(node);
  if (raw == NULL) abort();
  out = malloc(strlen((const char *)raw) + 1);
  if (out == NULL) abort();
  w = out;
  for (r = (const char *)raw; *r; r++) {
    if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
      space = (w != out);
    } else {
      if (space) *w++ = ' ';
      space = 0;
      *w++ = *r;
    }
  }
  *w = '\0';
  xmlFree(raw);
  return out;
}

/* Attribute `name` as a number; *have says whether it was present. */
static int attr_number(const xmlNode *node, const char *name, double *out,
                       int *have) {
  xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
  int rc;
  if (v == NULL) {
    if (have) *have = 0;
    return INSTR_OK;
  }
  if (have) *have = 1;
  rc = instr_parse_number((const char *)v, out);
  xmlFree(v);
  return rc;
}

/* Copy attribute `name` into buf (size n); "" when absent. */
static void attr_copy(const xmlNode *node, const char *name, char *buf,
                      size_t n) {
  xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
  buf[0] = '\0';
  if (v == NULL) return;
  snprintf(buf, n, "%s", (const char *)v);
  xmlFree(v);
}

static int load_one(const xmlNode *node, instr_def *d, char *msg,
                    size_t n) {
  xmlNode *items, *it, *scoring, *code;
  char word[32];
  double num;
  int have;

  attr_copy(node, "id", d->id, sizeof d->id);
  d->name = text_of(child(node, "name"));
  d->abbreviation = text_of(child(node, "abbreviation"));
  d->source = text_of(child(node, "source"));
  d->note = text_of(child(node, "note"));
  code = child(node, "code");
  if (code != NULL) {
    xmlChar *sys = xmlGetProp(code, (const xmlChar *)"system");
    d->code = text_of(code);
    if (sys != NULL) {
      d->code_system = strdup((const char *)sys);
      xmlFree(sys);
      if (d->code_system == NULL) abort();
    }
  }
  if (d->name == NULL || d->abbreviation == NULL || d->source == NULL) {
    snprintf(msg, n, "instrument %s: name, abbreviation and source are "
             "required", d->id);
    return INSTR_EDEF;
  }

  items = child(node, "items");
  for (it = items ? items->children : NULL; it != NULL; it = it->next) {
    instr_item *item;
    if (!is_elem(it, "item")) continue;
    if (d->n_items == INSTR_ITEMS_MAX) {
      snprintf(msg, n, "instrument %s: more than %d items", d->id,
               INSTR_ITEMS_MAX);
      return INSTR_EDEF;
    }
    item = &d->items[d->n_items++];
    attr_copy(it, "id", item->id, sizeof item->id);
    item->label = text_of(child(it, "label"));
    if (attr_number(it, "min", &item->min, NULL) != INSTR_OK ||
        attr_number(it, "max", &item->max, NULL) != INSTR_OK ||
        attr_number(it, "step", &item->step, &have) != INSTR_OK) {
      snprintf(msg, n, "instrument %s, item %s: min, max and step must be "
               "plain numbers", d->id, item->id);
      return INSTR_EDEF;
    }
    if (!have) item->step = 0;
  }

  scoring = child(node, "scoring");
  if (scoring == NULL) {
    snprintf(msg, n, "instrument %s: <scoring> is missing", d->id);
    return INSTR_EDEF;
  }
  attr_copy(scoring, "method", word, sizeof word);
  if (strcmp(word, "value") == 0) d->method = INSTR_VALUE;
  else if (strcmp(word, "mean") == 0) d->method = INSTR_MEAN;
  else if (strcmp(word, "sum-percent") == 0) d->method = INSTR_SUM_PERCENT;
  else if (strcmp(word, "sum-times") == 0) d->method = INSTR_SUM_TIMES;
  else {
    snprintf(msg, n, "instrument %s: unknown scoring method \"%s\"", d->id,
             word);
    return INSTR_EDEF;
  }
  attr_copy(scoring, "direction", word, sizeof word);
  if (strcmp(word, "lower-is-better") == 0)
    d->direction = INSTR_LOWER_IS_BETTER;
  else if (strcmp(word, "higher-is-better") == 0)
    d->direction = INSTR_HIGHER_IS_BETTER;
  else {
    snprintf(msg, n, "instrument %s: unknown direction \"%s\"", d->id, word);
    return INSTR_EDEF;
  }
  if (attr_number(scoring, "best", &d->best, NULL) != INSTR_OK ||
      attr_number(scoring, "worst", &d->worst, NULL) != INSTR_OK ||
      attr_number(scoring, "factor", &d->factor, &have) != INSTR_OK) {
    snprintf(msg, n, "instrument %s: best, worst and factor must be plain "
             "numbers", d->id);
    return INSTR_EDEF;
  }
  if (!have) d->factor = 0;
  if (attr_number(scoring, "maxMissing", &num, NULL) != INSTR_OK ||
      num < 0 || num > INSTR_ITEMS_MAX) {
    snprintf(msg, n, "instrument %s: maxMissing must be a small whole "
             "number", d->id);
    return INSTR_EDEF;
  }
  d->max_missing = (int)num;
  if (attr_number(scoring, "decimals", &num, NULL) != INSTR_OK ||
      num < 0 || num > INSTR_DECIMALS_MAX) {
    snprintf(msg, n, "instrument %s: decimals must be 0 to %d", d->id,
             INSTR_DECIMALS_MAX);
    return INSTR_EDEF;
  }
  d->decimals = (int)num;
  return instr_def_check(d, msg, n);
}

int instr_table_load(const void *xml_doc, instr_table **out, char *msg,
                     size_t n) {
  const xmlDoc *doc = xml_doc;
  xmlNode *root, *c;
  instr_table *t;
  size_t count = 0, i;

  root = doc ? xmlDocGetRootElement(doc) : NULL;
  if (!is_elem(root, "instruments")) {
    snprintf(msg, n, "the root element must be <instruments> in namespace "
             INSTRUMENTS_NS);
    return INSTR_EDEF;
  }
  for (c = root->children; c != NULL; c = c->next) {
    if (is_elem(c, "instrument")) count++;
  }
  if (count == 0 || count > INSTR_COUNT_MAX) {
    snprintf(msg, n, "the file must define 1 to %d instruments, not %zu",
             INSTR_COUNT_MAX, count);
    return INSTR_EDEF;
  }
  t = calloc(1, sizeof *t);
  if (t == NULL) abort();
  t->defs = calloc(count, sizeof *t->defs);
  if (t->defs == NULL) abort();
  for (c = root->children; c != NULL; c = c->next) {
    if (!is_elem(c, "instrument")) continue;
    t->n++;
    if (load_one(c, &t->defs[t->n - 1], msg, n) != INSTR_OK) {
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
