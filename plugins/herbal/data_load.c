/*
** data_load.c -- herbal-data.xsd files into a herbal_db, through the kit.
*/
#include "data_load.h"

#include <stdlib.h>
#include <string.h>

CAIRN_PLUGIN_EXTERN

/* A reading pass over one file: the document and the table it fills. */
typedef struct loader {
  herbal_db *db;
  cairn_doc *doc;
  const char *file;          /* owned by db */
} loader;

/* An attribute's value copied into the table ("" when absent). */
static const char *attr(loader *L, cairn_node *n, const char *name) {
  return herbal_db_str(L->db, cairn_node_attr(L->doc, n, name));
}
static const char *text(loader *L, cairn_node *n) {
  return herbal_db_str(L->db, n ? cairn_node_text(L->doc, n) : "");
}
static herbal_fact fact(loader *L, cairn_node *n) {
  return (herbal_fact){.src = attr(L, n, "src"), .at = attr(L, n, "at")};
}
/* A number attribute; 0 when absent (the schema has checked its form). */
static double number(loader *L, cairn_node *n, const char *name, int *present) {
  const char *v = cairn_node_attr(L->doc, n, name);
  if (present) *present = v != NULL && v[0] != '\0';
  return v ? strtod(v, NULL) : 0;
}

static int load_sources(loader *L, cairn_node *sect, cairn_error *err) {
  for (cairn_node *n = cairn_node_child(L->doc, sect, "source"); n;
       n = cairn_node_next(n, "source")) {
    herbal_source s = {.id = attr(L, n, "id"), .text = text(L, n), .file = L->file};
    int rc = herbal_db_add_source(L->db, &s, err);
    if (rc) return rc;
  }
  return 0;
}

static int load_herb(loader *L, cairn_node *n, cairn_error *err) {
  herbal_herb h = {.id = attr(L, n, "id"), .file = L->file};
  cairn_node *name = cairn_node_child(L->doc, n, "name");
  h.pinyin = attr(L, name, "pinyin");
  h.chinese = attr(L, name, "chinese");
  h.latin = attr(L, name, "latin");
  h.name_fact = fact(L, name);
  for (cairn_node *a = cairn_node_child(L->doc, n, "alias");
       a && h.n_aliases < HERBAL_ALIASES_MAX; a = cairn_node_next(a, "alias"))
    h.aliases[h.n_aliases++] = text(L, a);
  cairn_node *dose = cairn_node_child(L->doc, n, "dose");
  int has_min = 0, has_max = 0;
  h.dose_min = number(L, dose, "min", &has_min);
  h.dose_max = number(L, dose, "max", &has_max);
  h.has_dose = has_min && has_max;
  h.dose_fact = fact(L, dose);
  if (has_min != has_max)
    return herbal_fail(err, CAIRN_EINVAL, NULL,
                       "%s (%s): a dose needs both min and max", h.id, L->file);
  cairn_node *preg = cairn_node_child(L->doc, n, "pregnancy");
  int p = herbal_pregnancy_parse(cairn_node_attr(L->doc, preg, "category"));
  h.pregnancy = p < 0 ? HERBAL_PREG_UNKNOWN : (herbal_pregnancy)p;
  h.pregnancy_fact = fact(L, preg);
  cairn_node *tox = cairn_node_child(L->doc, n, "toxicity");
  h.toxicity = text(L, tox);
  h.toxicity_fact = fact(L, tox);
  for (cairn_node *a = cairn_node_child(L->doc, n, "aristolochic");
       a && h.n_notices < HERBAL_NOTICES_MAX; a = cairn_node_next(a, "aristolochic")) {
    h.notice_facts[h.n_notices] = fact(L, a);
    h.notices[h.n_notices++] = text(L, a);
  }
  return herbal_db_add_herb(L->db, &h, err);
}

static int load_formula(loader *L, cairn_node *n, cairn_error *err) {
  herbal_formula f = {.id = attr(L, n, "id"), .file = L->file};
  cairn_node *name = cairn_node_child(L->doc, n, "name");
  f.pinyin = attr(L, name, "pinyin");
  f.chinese = attr(L, name, "chinese");
  f.english = attr(L, name, "english");
  cairn_node *origin = cairn_node_child(L->doc, n, "origin");
  f.origin = text(L, origin);
  f.origin_fact = fact(L, origin);
  cairn_node *comp = cairn_node_child(L->doc, n, "composition");
  f.composition_fact = fact(L, comp);
  for (cairn_node *it = cairn_node_child(L->doc, comp, "item"); it;
       it = cairn_node_next(it, "item")) {
    if (f.n_items == HERBAL_ITEMS_MAX)
      return herbal_fail(err, CAIRN_EINVAL, NULL, "%s (%s): more than %d herbs",
                         f.id, L->file, HERBAL_ITEMS_MAX);
    herbal_item *item = &f.items[f.n_items++];
    item->herb_id = attr(L, it, "herb");
    item->herb = -1;
    item->grams = number(L, it, "grams", NULL);
    item->original = attr(L, it, "original");
  }
  cairn_node *note = cairn_node_child(L->doc, n, "note");
  f.note = text(L, note);
  f.note_fact = note ? fact(L, note) : (herbal_fact){.src = HERBAL_NOT_FOUND, .at = ""};
  return herbal_db_add_formula(L->db, &f, err);
}

static int load_pair(loader *L, cairn_node *n, cairn_error *err) {
  herbal_pair p = {.id = attr(L, n, "id"), .list = attr(L, n, "list"),
                   .fact = fact(L, n), .file = L->file};
  int s = 0;
  for (cairn_node *side = cairn_node_child(L->doc, n, "side"); side && s < 2;
       side = cairn_node_next(side, "side"), s++) {
    p.side[s].name = attr(L, side, "name");
    p.side[s].herbs.ids = attr(L, side, "herbs");
    p.side[s].fact = fact(L, side);
  }
  return herbal_db_add_pair(L->db, &p, err);
}

static int load_medicines(loader *L, cairn_node *sect, cairn_error *err) {
  int rc;
  for (cairn_node *n = cairn_node_child(L->doc, sect, "class"); n;
       n = cairn_node_next(n, "class")) {
    herbal_class c = {.id = attr(L, n, "id"), .name = attr(L, n, "name"),
                      .fact = fact(L, n), .file = L->file};
    if ((rc = herbal_db_add_class(L->db, &c, err))) return rc;
  }
  for (cairn_node *n = cairn_node_child(L->doc, sect, "drug"); n;
       n = cairn_node_next(n, "drug")) {
    herbal_drug d = {.id = attr(L, n, "id"), .generic = attr(L, n, "generic"),
                     .fact = fact(L, n), .file = L->file};
    d.classes.ids = attr(L, n, "classes");
    for (cairn_node *b = cairn_node_child(L->doc, n, "brand");
         b && d.n_brands < HERBAL_BRANDS_MAX; b = cairn_node_next(b, "brand")) {
      d.brand_facts[d.n_brands] = fact(L, b);
      d.brands[d.n_brands++] = text(L, b);
    }
    if ((rc = herbal_db_add_drug(L->db, &d, err))) return rc;
  }
  return 0;
}

static int load_interaction(loader *L, cairn_node *n, cairn_error *err) {
  herbal_interaction x = {.id = attr(L, n, "id"), .file = L->file};
  x.herbs.ids = attr(L, n, "herbs");
  x.drugs.ids = attr(L, n, "drugs");
  x.classes.ids = attr(L, n, "classes");
  int g = herbal_grade_parse(cairn_node_attr(L->doc, n, "grade"));
  x.grade = g < 0 ? HERBAL_GRADE_PHARMACOLOGY : (herbal_grade)g;
  const char *action = cairn_node_attr(L->doc, n, "action");
  x.blocks = action && strcmp(action, "block") == 0;
  x.effect = text(L, cairn_node_child(L->doc, n, "effect"));
  for (cairn_node *e = cairn_node_child(L->doc, n, "evidence");
       e && x.n_evidence < HERBAL_EVIDENCE_MAX; e = cairn_node_next(e, "evidence"))
    x.evidence[x.n_evidence++] = fact(L, e);
  return herbal_db_add_interaction(L->db, &x, err);
}

/* Run `fn` over every `child` element of section `sect`. */
static int each(loader *L, const char *sect, const char *child,
                int (*fn)(loader *, cairn_node *, cairn_error *),
                cairn_error *err) {
  cairn_node *s = cairn_node_child(L->doc, NULL, sect);
  if (!s) return 0;
  for (cairn_node *n = cairn_node_child(L->doc, s, child); n;
       n = cairn_node_next(n, child)) {
    int rc = fn(L, n, err);
    if (rc) return rc;
  }
  return 0;
}

int herbal_data_load(herbal_db *db, const char *path, cairn_error *err) {
  loader L = {.db = db, .file = herbal_db_str(db, path)};
  L.doc = cairn_xml_load(path, HERBAL_DATA_XSD, err);
  if (!L.doc) return err && err->code ? err->code : CAIRN_EINVAL;
  const char *review = cairn_node_attr(L.doc, cairn_doc_root(L.doc), "review");
  if (!review || strcmp(review, "verified") != 0) db->unverified = 1;
  cairn_node *sources = cairn_node_child(L.doc, NULL, "sources");
  int rc = 0;
  if (sources) rc = load_sources(&L, sources, err);
  if (!rc) rc = each(&L, "herbs", "herb", load_herb, err);
  if (!rc) rc = each(&L, "formulas", "formula", load_formula, err);
  if (!rc) rc = each(&L, "pairs", "pair", load_pair, err);
  cairn_node *meds = cairn_node_child(L.doc, NULL, "medicines");
  if (!rc && meds) rc = load_medicines(&L, meds, err);
  if (!rc) rc = each(&L, "interactions", "interaction", load_interaction, err);
  cairn_doc_free(L.doc);
  return rc;
}
