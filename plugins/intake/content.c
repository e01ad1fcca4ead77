/*
** content.c -- what the questionnaire asks, loaded once at start-up:
** data/intake-content.xml (regions, the red-flag screen with its sources,
** the program terms and their version) and, from data/instruments.xml
** (the program plugin's definitions: one file, one truth), the items of
** the baseline measures.  Both files are validated against their schemas
** by the host before anything is read.
*/
#include "intake.h"

#include <stdlib.h>
#include <string.h>

const intake_content *intake_data = NULL;
static intake_content *owned = NULL;

/* The baseline measures, in the order the questionnaire asks them. */
static const char *const BASELINE_IDS[INTAKE_BASELINE_MAX] = {
  "nrs", "peg", "psfs", "odi", "ndi"
};

/* A malloc'd copy of s, white space collapsed and trimmed. */
static char *collapsed_dup(const char *s) {
  char *out = malloc(strlen(s) + 1), *w = out;
  int space = 0;
  if (out == NULL) abort();
  for (; *s; s++) {
    if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
      space = w != out;
      continue;
    }
    if (space) *w++ = ' ';
    space = 0;
    *w++ = *s;
  }
  *w = '\0';
  return out;
}

/* The element's text, white space collapsed, malloc'd. */
static char *text_dup(cairn_doc *doc, cairn_node *n) {
  return collapsed_dup(cairn_node_text(doc, n));
}

/* The text of n's first child `name`, or NULL when it has none. */
static char *child_text_dup(cairn_doc *doc, cairn_node *n, const char *name) {
  cairn_node *c = cairn_node_child(doc, n, name);
  return c ? text_dup(doc, c) : NULL;
}

/* An attribute's value ("" when absent), malloc'd. */
static char *attr_dup(cairn_doc *doc, cairn_node *n, const char *name) {
  const char *v = cairn_node_attr(doc, n, name);
  char *out = strdup(v ? v : "");
  if (out == NULL) abort();
  return out;
}

/* s, or abort when an allocation failed. */
static char *must(char *s) {
  if (s == NULL) abort();
  return s;
}

/* <region code= measure=>label</region>* of <regions>. */
static void load_regions(cairn_doc *doc, cairn_node *sec, intake_content *c) {
  cairn_node *n;
  for (n = cairn_node_child(doc, sec, "region");
       n && c->n_regions < INTAKE_REGIONS_MAX;
       n = cairn_node_next(n, "region")) {
    intake_region *r = &c->regions[c->n_regions++];
    r->code = attr_dup(doc, n, "code");
    r->measure = attr_dup(doc, n, "measure");
    r->label = text_dup(doc, n);
  }
}

/* <source id=>citation</source>* and <flag code= sources=><question/>
** <concern/></flag>* of <redflags>. */
static void load_redflags(cairn_doc *doc, cairn_node *sec, intake_content *c) {
  cairn_node *n;
  for (n = cairn_node_child(doc, sec, "source");
       n && c->n_sources < INTAKE_SOURCES_MAX;
       n = cairn_node_next(n, "source")) {
    c->sources[c->n_sources].id = attr_dup(doc, n, "id");
    c->sources[c->n_sources].citation = text_dup(doc, n);
    c->n_sources++;
  }
  for (n = cairn_node_child(doc, sec, "flag");
       n && c->n_flags < INTAKE_FLAGS_MAX; n = cairn_node_next(n, "flag")) {
    intake_flag *f = &c->flags[c->n_flags++];
    f->code = attr_dup(doc, n, "code");
    f->sources = attr_dup(doc, n, "sources");
    f->question = child_text_dup(doc, n, "question");
    f->concern = child_text_dup(doc, n, "concern");
  }
}

/* <terms version=><p/>*</terms>. */
static void load_terms(cairn_doc *doc, cairn_node *sec, intake_content *c) {
  cairn_node *n;
  c->terms_version = attr_dup(doc, sec, "version");
  for (n = cairn_node_child(doc, sec, "p");
       n && c->n_terms < INTAKE_TERMS_MAX; n = cairn_node_next(n, "p"))
    c->terms[c->n_terms++] = text_dup(doc, n);
}

/* The three parts of data/intake-content.xml. */
static void load_content(cairn_doc *doc, intake_content *c) {
  cairn_node *sec;
  if ((sec = cairn_node_child(doc, NULL, "regions")) != NULL)
    load_regions(doc, sec, c);
  if ((sec = cairn_node_child(doc, NULL, "redflags")) != NULL)
    load_redflags(doc, sec, c);
  if ((sec = cairn_node_child(doc, NULL, "terms")) != NULL)
    load_terms(doc, sec, c);
}

/* A number attribute: 0 when absent or not a number. */
static double attr_number(cairn_doc *doc, cairn_node *n, const char *name) {
  const char *v = cairn_node_attr(doc, n, name);
  return v && v[0] ? strtod(v, NULL) : 0;
}

/* <item id= min= max= step=?><label/>?</item>* of an instrument. */
static void load_items(cairn_doc *doc, cairn_node *items,
                       intake_instrument *in) {
  cairn_node *it;
  for (it = cairn_node_child(doc, items, "item");
       it && in->n_items < INTAKE_ITEMS_MAX; it = cairn_node_next(it, "item")) {
    intake_item *item = &in->items[in->n_items++];
    item->id = attr_dup(doc, it, "id");
    item->min = attr_number(doc, it, "min");
    item->max = attr_number(doc, it, "max");
    item->step = attr_number(doc, it, "step");
    item->label = child_text_dup(doc, it, "label");
    if (item->label == NULL) item->label = must(strdup(item->id));
  }
}

/* One <instrument id=> of instruments.xml. */
static void load_instrument(cairn_doc *doc, cairn_node *n,
                            intake_instrument *in) {
  cairn_node *k;
  in->id = attr_dup(doc, n, "id");
  in->name = child_text_dup(doc, n, "name");
  in->abbreviation = child_text_dup(doc, n, "abbreviation");
  if ((k = cairn_node_child(doc, n, "scoring")) != NULL)
    in->max_missing = (int)attr_number(doc, k, "maxMissing");
  if ((k = cairn_node_child(doc, n, "items")) != NULL)
    load_items(doc, k, in);
  if (in->name == NULL) in->name = must(strdup(in->id));
  if (in->abbreviation == NULL) in->abbreviation = must(strdup(in->id));
}

/* The baseline instruments instruments.xml defines, in BASELINE_IDS
** order. */
static void load_instruments(cairn_doc *doc, intake_content *c) {
  size_t b;
  for (b = 0; b < INTAKE_BASELINE_MAX; b++) {
    cairn_node *n;
    for (n = cairn_node_child(doc, NULL, "instrument"); n;
         n = cairn_node_next(n, "instrument")) {
      const char *id = cairn_node_attr(doc, n, "id");
      if (id && strcmp(id, BASELINE_IDS[b]) == 0) {
        load_instrument(doc, n, &c->baseline[c->n_baseline++]);
        break;
      }
    }
  }
}

/* The current version of the care program's definition, or 0 (with a
** warning) when there is none. */
static int load_program_version(const char *definition_path) {
  cairn_error derr = {0, "", ""};
  cairn_doc *doc;
  const char *cur;
  int v;
  if (definition_path == NULL) return 0;
  doc = cairn_xml_load(definition_path, "program-definition.xsd", &derr);
  if (doc == NULL) {
    cairn_log(CAIRN_LOG_WARN, "intake: no program definition (%s): "
              "episodes are opened without a phase", derr.message);
    return 0;
  }
  cur = cairn_node_attr(doc, cairn_doc_root(doc), "current");
  v = cur ? atoi(cur) : 0;
  cairn_doc_free(doc);
  return v;
}

/* See intake.h. */
int intake_content_load(const char *content_path, const char *instr_path,
                        const char *definition_path, cairn_error *err) {
  cairn_doc *doc;
  intake_content *c = calloc(1, sizeof *c);
  if (c == NULL) abort();
  owned = c;
  doc = cairn_xml_load(content_path, "intake-content.xsd", err);
  if (doc == NULL) {
    intake_content_free();
    return err && err->code ? err->code : CAIRN_EINVAL;
  }
  load_content(doc, c);
  cairn_doc_free(doc);
  doc = cairn_xml_load(instr_path, "instruments.xsd", err);
  if (doc == NULL) {
    intake_content_free();
    return err && err->code ? err->code : CAIRN_EINVAL;
  }
  load_instruments(doc, c);
  cairn_doc_free(doc);
  c->program_version = load_program_version(definition_path);
  intake_data = c;
  return CAIRN_OK;
}

/* See intake.h. */
void intake_content_free(void) {
  size_t i, j;
  intake_content *c = owned;
  if (c == NULL) return;
  for (i = 0; i < c->n_regions; i++) {
    free(c->regions[i].code); free(c->regions[i].label);
    free(c->regions[i].measure);
  }
  for (i = 0; i < c->n_flags; i++) {
    free(c->flags[i].code); free(c->flags[i].question);
    free(c->flags[i].concern); free(c->flags[i].sources);
  }
  for (i = 0; i < c->n_sources; i++) {
    free(c->sources[i].id); free(c->sources[i].citation);
  }
  for (i = 0; i < c->n_terms; i++) free(c->terms[i]);
  free(c->terms_version);
  for (i = 0; i < c->n_baseline; i++) {
    intake_instrument *in = &c->baseline[i];
    for (j = 0; j < in->n_items; j++) {
      free(in->items[j].id); free(in->items[j].label);
    }
    free(in->id); free(in->name); free(in->abbreviation);
  }
  free(c);
  owned = NULL;
  intake_data = NULL;
}

/* See intake.h. */
const intake_instrument *intake_baseline_find(const char *id) {
  size_t i;
  for (i = 0; intake_data && i < intake_data->n_baseline; i++)
    if (strcmp(intake_data->baseline[i].id, id) == 0)
      return &intake_data->baseline[i];
  return NULL;
}
