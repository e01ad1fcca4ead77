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
#include <libxml/tree.h>

const intake_content *intake_data = NULL;
static intake_content *owned = NULL;

/* The baseline measures, in the order the questionnaire asks them. */
static const char *const BASELINE_IDS[INTAKE_BASELINE_MAX] = {
  "nrs", "peg", "psfs", "odi", "ndi"
};

static int is_elem(const xmlNode *n, const char *name) {
  return n != NULL && n->type == XML_ELEMENT_NODE &&
         strcmp((const char *)n->name, name) == 0;
}

/* A malloc'd copy of the node's text, white space collapsed. */
static char *text_dup(const xmlNode *n) {
  xmlChar *raw = xmlNodeGetContent(n);
  const char *s = raw ? (const char *)raw : "";
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
  xmlFree(raw);
  return out;
}

static char *attr_dup(const xmlNode *n, const char *name) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  char *out = strdup(v ? (const char *)v : "");
  xmlFree(v);
  if (out == NULL) abort();
  return out;
}

static void load_content(const xmlNode *root, intake_content *c) {
  const xmlNode *sec, *n, *k;
  for (sec = root->children; sec; sec = sec->next) {
    if (is_elem(sec, "regions")) {
      for (n = sec->children; n; n = n->next) {
        if (!is_elem(n, "region") || c->n_regions == INTAKE_REGIONS_MAX)
          continue;
        c->regions[c->n_regions].code = attr_dup(n, "code");
        c->regions[c->n_regions].measure = attr_dup(n, "measure");
        c->regions[c->n_regions].label = text_dup(n);
        c->n_regions++;
      }
    } else if (is_elem(sec, "redflags")) {
      for (n = sec->children; n; n = n->next) {
        if (is_elem(n, "source") && c->n_sources < INTAKE_SOURCES_MAX) {
          c->sources[c->n_sources].id = attr_dup(n, "id");
          c->sources[c->n_sources].citation = text_dup(n);
          c->n_sources++;
        } else if (is_elem(n, "flag") && c->n_flags < INTAKE_FLAGS_MAX) {
          intake_flag *f = &c->flags[c->n_flags++];
          f->code = attr_dup(n, "code");
          f->sources = attr_dup(n, "sources");
          for (k = n->children; k; k = k->next) {
            if (is_elem(k, "question")) f->question = text_dup(k);
            if (is_elem(k, "concern")) f->concern = text_dup(k);
          }
        }
      }
    } else if (is_elem(sec, "terms")) {
      c->terms_version = attr_dup(sec, "version");
      for (n = sec->children; n; n = n->next)
        if (is_elem(n, "p") && c->n_terms < INTAKE_TERMS_MAX)
          c->terms[c->n_terms++] = text_dup(n);
    }
  }
}

static void load_instrument(const xmlNode *n, intake_instrument *in) {
  const xmlNode *k, *it;
  in->id = attr_dup(n, "id");
  for (k = n->children; k; k = k->next) {
    if (is_elem(k, "name")) in->name = text_dup(k);
    else if (is_elem(k, "abbreviation")) in->abbreviation = text_dup(k);
    else if (is_elem(k, "scoring")) {
      char *mm = attr_dup(k, "maxMissing");
      in->max_missing = atoi(mm);
      free(mm);
    } else if (is_elem(k, "items")) {
      for (it = k->children; it; it = it->next) {
        intake_item *item;
        const xmlNode *l;
        char *v;
        if (!is_elem(it, "item") || in->n_items == INTAKE_ITEMS_MAX) continue;
        item = &in->items[in->n_items++];
        item->id = attr_dup(it, "id");
        v = attr_dup(it, "min"); item->min = strtod(v, NULL); free(v);
        v = attr_dup(it, "max"); item->max = strtod(v, NULL); free(v);
        v = attr_dup(it, "step"); item->step = v[0] ? strtod(v, NULL) : 0;
        free(v);
        for (l = it->children; l; l = l->next)
          if (is_elem(l, "label")) item->label = text_dup(l);
        if (item->label == NULL) item->label = strdup(item->id);
      }
    }
  }
  if (in->name == NULL) in->name = strdup(in->id);
  if (in->abbreviation == NULL) in->abbreviation = strdup(in->id);
}

static void load_instruments(const xmlNode *root, intake_content *c) {
  size_t b;
  for (b = 0; b < INTAKE_BASELINE_MAX; b++) {
    const xmlNode *n;
    for (n = root->children; n; n = n->next) {
      xmlChar *id;
      int match;
      if (!is_elem(n, "instrument")) continue;
      id = xmlGetProp(n, (const xmlChar *)"id");
      match = id && strcmp((const char *)id, BASELINE_IDS[b]) == 0;
      xmlFree(id);
      if (match) {
        load_instrument(n, &c->baseline[c->n_baseline++]);
        break;
      }
    }
  }
}

int intake_content_load(const char *content_path, const char *instr_path,
                        const char *definition_path, cairn_error *err) {
  struct _xmlDoc *doc;
  intake_content *c = calloc(1, sizeof *c);
  if (c == NULL) abort();
  doc = cairn_xml_load(content_path, "intake-content.xsd", err);
  if (doc == NULL) {
    free(c);
    return err && err->code ? err->code : CAIRN_EINVAL;
  }
  load_content(xmlDocGetRootElement(doc), c);
  xmlFreeDoc(doc);
  doc = cairn_xml_load(instr_path, "instruments.xsd", err);
  if (doc == NULL) {
    owned = c;
    intake_content_free();
    return err && err->code ? err->code : CAIRN_EINVAL;
  }
  load_instruments(xmlDocGetRootElement(doc), c);
  xmlFreeDoc(doc);
  if (definition_path != NULL) {
    cairn_error derr = {0, "", ""};
    doc = cairn_xml_load(definition_path, "program-definition.xsd", &derr);
    if (doc != NULL) {
      char *cur = attr_dup(xmlDocGetRootElement(doc), "current");
      c->program_version = atoi(cur);
      free(cur);
      xmlFreeDoc(doc);
    } else {
      cairn_log(CAIRN_LOG_WARN, "intake: no program definition (%s): "
                "episodes are opened without a phase", derr.message);
    }
  }
  owned = c;
  intake_data = c;
  return CAIRN_OK;
}

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

const intake_instrument *intake_baseline_find(const char *id) {
  size_t i;
  for (i = 0; intake_data && i < intake_data->n_baseline; i++)
    if (strcmp(intake_data->baseline[i].id, id) == 0)
      return &intake_data->baseline[i];
  return NULL;
}

const intake_flag *intake_flag_find(const char *code) {
  size_t i;
  for (i = 0; intake_data && i < intake_data->n_flags; i++)
    if (strcmp(intake_data->flags[i].code, code) == 0)
      return &intake_data->flags[i];
  return NULL;
}
