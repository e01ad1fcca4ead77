/*
** reference.c -- the reference pages: GET /herbs (monographs, formulas
** and rules, searchable, each fact with its source) and POST /herbs/check
** (the XML API's dry run of the safety check: a draft herbal:Prescription
** in, its findings out, nothing stored).
*/
#include "herbal.h"
#include "names.h"

#include <string.h>

/* Longest search a person types (characters). */
#define HERBAL_QUERY_MAX 100

/* Add a fact's source as attributes src= and at= of the current element. */
static void fact_attrs(cairn_doc *doc, const herbal_fact *f) {
  cairn_doc_attr(doc, "src", f->src);
  if (f->at && f->at[0]) cairn_doc_attr(doc, "at", f->at);
}

/* <name src= at=>text</name>, text "" when the fact was not found. */
static void fact_text(cairn_doc *doc, const char *name, const char *text,
                      const herbal_fact *f) {
  cairn_doc_open(doc, name);
  fact_attrs(doc, f);
  cairn_doc_text(doc, "text", text);
  cairn_doc_close(doc);
}

static const char *grams(cairn_req *req, double g) {
  return cairn_req_printf(req, "%g", g);
}

/* 1 when the folded query is empty or found in one of the herb's names. */
static int herb_matches(const herbal_herb *h, const char *q) {
  char name[HERBAL_FOLD_MAX];
  const char *names[4 + HERBAL_ALIASES_MAX];
  int n = 0;
  if (!q[0]) return 1;
  names[n++] = h->pinyin;
  names[n++] = h->chinese;
  names[n++] = h->latin;
  names[n++] = h->id;
  for (int i = 0; i < h->n_aliases; i++) names[n++] = h->aliases[i];
  for (int i = 0; i < n; i++) {
    herbal_fold(names[i], name, sizeof name);
    if (strstr(name, q)) return 1;
  }
  return 0;
}

/* <herb-ref id= pinyin= chinese=/> */
static void herb_ref(cairn_doc *doc, int h) {
  const herbal_herb *herb = &herbal_data->herbs[h];
  cairn_doc_open(doc, "herb-ref");
  cairn_doc_attr(doc, "id", herb->id);
  cairn_doc_attr(doc, "pinyin", herb->pinyin);
  cairn_doc_attr(doc, "chinese", herb->chinese);
  cairn_doc_close(doc);
}

static void herb_doc(cairn_req *req, cairn_doc *doc, const herbal_herb *h) {
  cairn_doc_open(doc, "herb");
  cairn_doc_attr(doc, "id", h->id);
  cairn_doc_attr(doc, "pinyin", h->pinyin);
  cairn_doc_attr(doc, "chinese", h->chinese);
  cairn_doc_attr(doc, "latin", h->latin);
  if (h->n_notices) cairn_doc_attr(doc, "aristolochic", "yes");
  cairn_doc_open(doc, "names");
  fact_attrs(doc, &h->name_fact);
  cairn_doc_close(doc);
  for (int i = 0; i < h->n_aliases; i++) cairn_doc_text(doc, "alias", h->aliases[i]);
  cairn_doc_open(doc, "dose");
  if (h->has_dose) {
    cairn_doc_attr(doc, "min", grams(req, h->dose_min));
    cairn_doc_attr(doc, "max", grams(req, h->dose_max));
  }
  fact_attrs(doc, &h->dose_fact);
  cairn_doc_close(doc);
  cairn_doc_open(doc, "pregnancy");
  cairn_doc_attr(doc, "category", herbal_pregnancy_word(h->pregnancy));
  fact_attrs(doc, &h->pregnancy_fact);
  cairn_doc_close(doc);
  fact_text(doc, "toxicity", h->toxicity, &h->toxicity_fact);
  for (int i = 0; i < h->n_notices; i++)
    fact_text(doc, "notice", h->notices[i], &h->notice_facts[i]);
  cairn_doc_close(doc);
}

static void formula_doc(cairn_req *req, cairn_doc *doc, const herbal_formula *f) {
  cairn_doc_open(doc, "formula");
  cairn_doc_attr(doc, "id", f->id);
  cairn_doc_attr(doc, "pinyin", f->pinyin);
  cairn_doc_attr(doc, "chinese", f->chinese);
  if (f->english[0]) cairn_doc_attr(doc, "english", f->english);
  fact_text(doc, "origin", f->origin, &f->origin_fact);
  cairn_doc_open(doc, "composition");
  fact_attrs(doc, &f->composition_fact);
  for (int i = 0; i < f->n_items; i++) {
    const herbal_item *it = &f->items[i];
    const herbal_herb *h = &herbal_data->herbs[it->herb];
    cairn_doc_open(doc, "item");
    cairn_doc_attr(doc, "herb", h->id);
    cairn_doc_attr(doc, "pinyin", h->pinyin);
    cairn_doc_attr(doc, "chinese", h->chinese);
    if (it->grams > 0) cairn_doc_attr(doc, "grams", grams(req, it->grams));
    if (it->original[0]) cairn_doc_attr(doc, "original", it->original);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
  if (f->note[0]) fact_text(doc, "note", f->note, &f->note_fact);
  cairn_doc_close(doc);
}

/* 1 when the id list holds a herb the query matched. */
static int list_matches(const herbal_idlist *l, const unsigned char *hit) {
  for (int i = 0; i < l->n; i++)
    if (hit[l->index[i]]) return 1;
  return 0;
}

int herbal_page_reference(cairn_req *req) {
  const herbal_db *db = herbal_data;
  cairn_error err = {0};
  const char *typed = cairn_req_query(req, "q");
  if (!typed) typed = "";
  if (cairn_text_check(typed, HERBAL_QUERY_MAX, 0, "q", "The search", &err))
    typed = "";
  char q[HERBAL_FOLD_MAX];
  herbal_fold(typed, q, sizeof q);
  unsigned char *hit = cairn_req_alloc(req, (size_t)db->n_herbs + 1);
  for (int i = 0; i < db->n_herbs; i++) hit[i] = (unsigned char)herb_matches(&db->herbs[i], q);

  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-reference");
  cairn_doc_attr(doc, "q", typed);
  cairn_doc_attr(doc, "review", db->unverified ? "unverified" : "verified");
  cairn_doc_attr(doc, "herbs", cairn_req_printf(req, "%d", db->n_herbs));
  cairn_doc_attr(doc, "formulas", cairn_req_printf(req, "%d", db->n_formulas));
  cairn_doc_attr(doc, "pairs", cairn_req_printf(req, "%d", db->n_pairs));
  cairn_doc_attr(doc, "interactions", cairn_req_printf(req, "%d", db->n_interactions));
  for (int i = 0; i < db->n_herbs; i++)
    if (hit[i]) herb_doc(req, doc, &db->herbs[i]);
  for (int i = 0; i < db->n_formulas; i++) {
    const herbal_formula *f = &db->formulas[i];
    int show = !q[0];
    char name[HERBAL_FOLD_MAX];
    herbal_fold(f->pinyin, name, sizeof name);
    show |= strstr(name, q) != NULL;
    for (int k = 0; !show && k < f->n_items; k++) show = hit[f->items[k].herb];
    if (show) formula_doc(req, doc, f);
  }
  for (int i = 0; i < db->n_pairs; i++) {
    const herbal_pair *p = &db->pairs[i];
    if (q[0] && !list_matches(&p->side[0].herbs, hit) &&
        !list_matches(&p->side[1].herbs, hit))
      continue;
    cairn_doc_open(doc, "pair");
    cairn_doc_attr(doc, "id", p->id);
    cairn_doc_attr(doc, "list", p->list);
    fact_attrs(doc, &p->fact);
    for (int s = 0; s < 2; s++) {
      cairn_doc_open(doc, "side");
      cairn_doc_attr(doc, "name", p->side[s].name);
      fact_attrs(doc, &p->side[s].fact);
      for (int k = 0; k < p->side[s].herbs.n; k++) herb_ref(doc, p->side[s].herbs.index[k]);
      cairn_doc_close(doc);
    }
    cairn_doc_close(doc);
  }
  for (int i = 0; i < db->n_interactions; i++) {
    const herbal_interaction *x = &db->interactions[i];
    if (q[0] && !list_matches(&x->herbs, hit)) continue;
    cairn_doc_open(doc, "interaction");
    cairn_doc_attr(doc, "id", x->id);
    cairn_doc_attr(doc, "grade", herbal_grade_word(x->grade));
    cairn_doc_attr(doc, "action", x->blocks ? "block" : "warn");
    for (int k = 0; k < x->herbs.n; k++) herb_ref(doc, x->herbs.index[k]);
    for (int k = 0; k < x->drugs.n; k++)
      cairn_doc_text(doc, "drug", db->drugs[x->drugs.index[k]].generic);
    for (int k = 0; k < x->classes.n; k++)
      cairn_doc_text(doc, "class", db->classes[x->classes.index[k]].name);
    cairn_doc_text(doc, "effect", x->effect);
    for (int k = 0; k < x->n_evidence; k++) {
      cairn_doc_open(doc, "evidence");
      fact_attrs(doc, &x->evidence[k]);
      cairn_doc_close(doc);
    }
    cairn_doc_close(doc);
  }
  if (!q[0]) {
    for (int i = 0; i < db->n_drugs; i++) {
      const herbal_drug *d = &db->drugs[i];
      cairn_doc_open(doc, "drug");
      cairn_doc_attr(doc, "id", d->id);
      cairn_doc_attr(doc, "generic", d->generic);
      fact_attrs(doc, &d->fact);
      for (int k = 0; k < d->classes.n; k++)
        cairn_doc_text(doc, "class", db->classes[d->classes.index[k]].name);
      for (int k = 0; k < d->n_brands; k++)
        fact_text(doc, "brand", d->brands[k], &d->brand_facts[k]);
      cairn_doc_close(doc);
    }
  }
  for (int i = 0; i < db->n_sources; i++) {
    cairn_doc_open(doc, "source");
    cairn_doc_attr(doc, "id", db->sources[i].id);
    cairn_doc_text(doc, "text", db->sources[i].text);
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "herbal/reference", 200);
}

int herbal_post_check(cairn_req *req) {
  cairn_error err = {0};
  cairn_doc *body = cairn_req_body_record(req, HERBAL_T_PRESCRIPTION, &err);
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-check");
  if (!body) {
    cairn_doc_attr(doc, "verdict", "invalid");
    cairn_doc_text(doc, "error", err.message);
    return cairn_respond_view(req, doc, "herbal/check", 400);
  }
  herbal_findings *out = cairn_req_alloc(req, sizeof *out);
  herbal_verdict v = herbal_check_body(req, body, out, &err);
  if (err.code) return err.code;
  static const char *const verdicts[] = {
    [HERBAL_SAVE] = "save", [HERBAL_NEEDS_ACK] = "needs-acknowledgement",
    [HERBAL_NEEDS_JUSTIFICATION] = "needs-justification",
    [HERBAL_REFUSED] = "refused",
  };
  cairn_doc_attr(doc, "verdict", verdicts[v]);
  cairn_error why = {0};
  if (herbal_refusal(out, v, &why)) {
    cairn_doc_attr(doc, "field", why.field);
    cairn_doc_text(doc, "error", why.message);
  }
  herbal_findings_doc(req, doc, out);
  return cairn_respond_view(req, doc, "herbal/check", 200);
}
