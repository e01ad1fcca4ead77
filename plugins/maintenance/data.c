/*
** data.c -- the plan data (data/maintenance-plans.xml), the instruments'
** best scores and items (data/instruments.xml) and the program
** definition's current version (data/program-definition.xml), read once at
** start-up.  The documents stay loaded: the strings point into them.
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

mt_data mt;

static cairn_doc *plans_doc, *instruments_doc;

/* A number attribute, or `dflt` when absent. */
static double num_attr(cairn_doc *doc, cairn_node *n, const char *name,
                       double dflt) {
  const char *v = cairn_node_attr(doc, n, name);
  return v && v[0] ? strtod(v, NULL) : dflt;
}

/* Read one <terms> version. */
static int load_terms(cairn_doc *doc, cairn_node *tn, mt_terms *t,
                      const char *path, cairn_error *err) {
  t->version = (int)num_attr(doc, tn, "version", 0);
  t->effective = cairn_node_attr(doc, tn, "effective");
  t->currency = cairn_node_attr(doc, tn, "currency");
  for (cairn_node *p = cairn_node_child(doc, tn, "plan"); p;
       p = cairn_node_next(p, "plan")) {
    mt_option *o = &t->options[t->n_options++];
    o->id = cairn_node_attr(doc, p, "id");
    o->kind = cairn_node_attr(doc, p, "kind");
    o->name = cairn_doc_value(doc, p, "r:name");
    o->description = cairn_doc_value(doc, p, "r:description");
    o->monthly_fee = num_attr(doc, p, "monthlyFee", 0);
    o->visits_included = (int)num_attr(doc, p, "visitsIncluded", 0);
    o->term_months = (int)num_attr(doc, p, "termMonths", 12);
    o->notice_days = (int)num_attr(doc, p, "noticeDays", 14);
    o->visit_fee = num_attr(doc, p, "visitFee", 0);
    if (strcmp(o->kind, "membership") == 0 &&
        !cairn_node_attr(doc, p, "monthlyFee"))
      return cairn_fail(err, CAIRN_EINVAL, "monthlyFee",
                        "%s: the membership \"%s\" of terms %d has no "
                        "monthlyFee", path, o->id, t->version);
    if (strcmp(o->kind, "as-needed") == 0 &&
        !cairn_node_attr(doc, p, "visitFee"))
      return cairn_fail(err, CAIRN_EINVAL, "visitFee",
                        "%s: the plan \"%s\" of terms %d has no visitFee",
                        path, o->id, t->version);
  }
  cairn_node *c = cairn_node_child(doc, tn, "checkIns");
  const char *months = cairn_node_attr(doc, c, "months");
  char *end;
  for (const char *s = months; *s && t->n_checkins < MT_CHECKINS_MAX; s = end) {
    long m = strtol(s, &end, 10);
    if (end == s) break;
    t->checkin_months[t->n_checkins++] = (int)m;
  }
  t->reminder_days = (int)num_attr(doc, c, "reminderDays", 7);
  t->link_days = (int)num_attr(doc, c, "linkDays", 30);
  cairn_node *l = cairn_node_child(doc, tn, "lossOfGains");
  t->loss.share = num_attr(doc, l, "share", 0.5);
  t->loss.in_a_row = (int)num_attr(doc, l, "inARow", 2);
  t->loss.near_baseline = num_attr(doc, l, "nearBaseline", 0.3);
  return CAIRN_OK;
}

/* Read the instruments' best scores and items. */
static void load_instruments(cairn_doc *doc) {
  for (cairn_node *n = cairn_node_child(doc, NULL, "instrument");
       n && mt.n_instruments < MT_INSTRUMENTS_MAX;
       n = cairn_node_next(n, "instrument")) {
    mt_instrument *in = &mt.instruments[mt.n_instruments++];
    in->id = cairn_node_attr(doc, n, "id");
    in->name = cairn_doc_value(doc, n, "r:abbreviation");
    cairn_node *sc = cairn_node_child(doc, n, "scoring");
    in->best = num_attr(doc, sc, "best", 0);
    cairn_node *items = cairn_node_child(doc, n, "items");
    for (cairn_node *it = cairn_node_child(doc, items, "item");
         it && in->n_items < MT_ITEMS_MAX; it = cairn_node_next(it, "item")) {
      mt_item *x = &in->items[in->n_items++];
      x->id = cairn_node_attr(doc, it, "id");
      x->label = cairn_doc_value(doc, it, "r:label");
      x->min = num_attr(doc, it, "min", 0);
      x->max = num_attr(doc, it, "max", 10);
    }
  }
}

/* The current program definition's fee of each paid phase and its
** currency, copied (the document is freed): a return to the program at a
** paid phase is invoiced at these. */
static void load_fees(cairn_doc *def) {
  for (cairn_node *d = cairn_node_child(def, NULL, "definition"); d;
       d = cairn_node_next(d, "definition")) {
    if ((int)num_attr(def, d, "version", 0) != mt.definition_version) continue;
    const char *cur = cairn_node_attr(def, d, "currency");
    if (cur && strlen(cur) < sizeof mt.definition_currency)
      strcpy(mt.definition_currency, cur);
    for (cairn_node *p = cairn_node_child(def, d, "phase"); p;
         p = cairn_node_next(p, "phase"))
      for (int i = 0; i < MT_PAID_PHASES; i++)
        if (strcmp(cairn_node_attr(def, p, "id"), mt_paid_phases[i]) == 0)
          mt.phase_fee[i] = num_attr(def, p, "fee", 0);
  }
}

const char *const mt_paid_phases[MT_PAID_PHASES] = {"introductory",
                                                    "first-month", "monthly"};

int mt_data_load(const char *plans, const char *instruments,
                 const char *definition, cairn_error *err) {
  memset(&mt, 0, sizeof mt);
  plans_doc = cairn_xml_load(plans, "maintenance-plans.xsd", err);
  if (!plans_doc) return err->code ? err->code : CAIRN_EINVAL;
  mt.current = (int)num_attr(plans_doc, cairn_doc_root(plans_doc), "current", 0);
  for (cairn_node *tn = cairn_node_child(plans_doc, NULL, "terms"); tn;
       tn = cairn_node_next(tn, "terms")) {
    int rc = load_terms(plans_doc, tn, &mt.terms[mt.n_terms++], plans, err);
    if (rc) return rc;
  }
  if (!mt_terms_current())
    return cairn_fail(err, CAIRN_EINVAL, "current",
                      "%s: current=\"%d\" names no terms in the file", plans,
                      mt.current);
  instruments_doc = cairn_xml_load(instruments, "instruments.xsd", err);
  if (!instruments_doc) return err->code ? err->code : CAIRN_EINVAL;
  load_instruments(instruments_doc);
  cairn_doc *def = cairn_xml_load(definition, "program-definition.xsd", err);
  if (!def) return err->code ? err->code : CAIRN_EINVAL;
  mt.definition_version =
      (int)num_attr(def, cairn_doc_root(def), "current", 0);
  load_fees(def);
  cairn_doc_free(def);
  return CAIRN_OK;
}

void mt_data_free(void) {
  if (plans_doc) cairn_doc_free(plans_doc);
  if (instruments_doc) cairn_doc_free(instruments_doc);
  plans_doc = instruments_doc = NULL;
}

const mt_terms *mt_terms_find(int version) {
  for (int i = 0; i < mt.n_terms; i++)
    if (mt.terms[i].version == version) return &mt.terms[i];
  return NULL;
}

const mt_terms *mt_terms_current(void) { return mt_terms_find(mt.current); }

const mt_option *mt_option_find(const mt_terms *t, const char *id) {
  for (int i = 0; t && id && i < t->n_options; i++)
    if (strcmp(t->options[i].id, id) == 0) return &t->options[i];
  return NULL;
}

const mt_instrument *mt_instrument_find(const char *id) {
  for (int i = 0; id && i < mt.n_instruments; i++)
    if (strcmp(mt.instruments[i].id, id) == 0) return &mt.instruments[i];
  return NULL;
}
