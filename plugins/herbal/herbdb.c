/*
** herbdb.c -- the herbal reference table: adding entries, the checks a
** schema cannot make, and lookups by id.
*/
#include "herbdb.h"
#include "names.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int herbal_fail(cairn_error *err, int code, const char *field,
                const char *fmt, ...) {
  if (err) {
    va_list ap;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* Memory for the table: allocation failure aborts, as the core's does. */
static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("herbal: out of memory\n", stderr);
    abort();
  }
  return q;
}

/* Make room for one more element in a growing array. */
#define GROW(arr, n, cap)                                                  \
  do {                                                                     \
    if ((n) == (cap)) {                                                    \
      (cap) = (cap) ? 2 * (cap) : 16;                                      \
      (arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr));              \
    }                                                                      \
  } while (0)

herbal_db *herbal_db_new(void) {
  herbal_db *db = xrealloc(NULL, sizeof *db);
  memset(db, 0, sizeof *db);
  return db;
}

void herbal_db_free(herbal_db *db) {
  if (!db) return;
  for (int i = 0; i < db->n_strings; i++) free(db->strings[i]);
  free(db->strings);
  free(db->sources);
  free(db->herbs);
  free(db->formulas);
  free(db->pairs);
  free(db->classes);
  free(db->drugs);
  free(db->interactions);
  free(db);
}

const char *herbal_db_str(herbal_db *db, const char *s) {
  if (!s) s = "";
  size_t n = strlen(s) + 1;
  char *copy = xrealloc(NULL, n);
  memcpy(copy, s, n);
  GROW(db->strings, db->n_strings, db->cap_strings);
  db->strings[db->n_strings++] = copy;
  return copy;
}

int herbal_db_source(const herbal_db *db, const char *id) {
  for (int i = 0; i < db->n_sources; i++)
    if (strcmp(db->sources[i].id, id) == 0) return i;
  return -1;
}
int herbal_db_herb(const herbal_db *db, const char *id) {
  for (int i = 0; i < db->n_herbs; i++)
    if (strcmp(db->herbs[i].id, id) == 0) return i;
  return -1;
}
int herbal_db_formula(const herbal_db *db, const char *id) {
  for (int i = 0; i < db->n_formulas; i++)
    if (strcmp(db->formulas[i].id, id) == 0) return i;
  return -1;
}
int herbal_db_drug(const herbal_db *db, const char *id) {
  for (int i = 0; i < db->n_drugs; i++)
    if (strcmp(db->drugs[i].id, id) == 0) return i;
  return -1;
}
static int find_pair(const herbal_db *db, const char *id) {
  for (int i = 0; i < db->n_pairs; i++)
    if (strcmp(db->pairs[i].id, id) == 0) return i;
  return -1;
}
static int find_class(const herbal_db *db, const char *id) {
  for (int i = 0; i < db->n_classes; i++)
    if (strcmp(db->classes[i].id, id) == 0) return i;
  return -1;
}
static int find_interaction(const herbal_db *db, const char *id) {
  for (int i = 0; i < db->n_interactions; i++)
    if (strcmp(db->interactions[i].id, id) == 0) return i;
  return -1;
}

/* The conflict message every add_* gives for an id defined twice. */
static int conflict(cairn_error *err, const char *what, const char *id,
                    const char *file1, const char *file2) {
  return herbal_fail(err, CAIRN_EINVAL, NULL,
                     "conflict: %s \"%s\" is defined in %s and again in %s",
                     what, id, file1, file2);
}

int herbal_db_add_source(herbal_db *db, const herbal_source *s,
                         cairn_error *err) {
  int i = herbal_db_source(db, s->id);
  if (i >= 0) return conflict(err, "source", s->id, db->sources[i].file, s->file);
  GROW(db->sources, db->n_sources, db->cap_sources);
  db->sources[db->n_sources++] = *s;
  return 0;
}

int herbal_db_add_herb(herbal_db *db, const herbal_herb *h, cairn_error *err) {
  int i = herbal_db_herb(db, h->id);
  if (i >= 0) return conflict(err, "herb", h->id, db->herbs[i].file, h->file);
  /* Two herbs answering to the same name would make a typed name
  ** ambiguous: the clinic must rename one. */
  const char *mine[] = {h->pinyin, h->chinese, h->latin};
  char a[HERBAL_FOLD_MAX], b[HERBAL_FOLD_MAX];
  for (int k = 0; k < db->n_herbs; k++) {
    const herbal_herb *o = &db->herbs[k];
    const char *theirs[] = {o->pinyin, o->chinese, o->latin};
    for (int x = 0; x < 3; x++) {
      herbal_fold(mine[x], a, sizeof a);
      herbal_fold(theirs[x], b, sizeof b);
      if (a[0] && strcmp(a, b) == 0)
        return herbal_fail(err, CAIRN_EINVAL, NULL,
                           "conflict: herb \"%s\" (%s) has the name \"%s\" "
                           "of herb \"%s\" (%s)", h->id, h->file, mine[x],
                           o->id, o->file);
    }
  }
  GROW(db->herbs, db->n_herbs, db->cap_herbs);
  db->herbs[db->n_herbs++] = *h;
  return 0;
}

int herbal_db_add_formula(herbal_db *db, const herbal_formula *f,
                          cairn_error *err) {
  int i = herbal_db_formula(db, f->id);
  if (i >= 0) return conflict(err, "formula", f->id, db->formulas[i].file, f->file);
  GROW(db->formulas, db->n_formulas, db->cap_formulas);
  db->formulas[db->n_formulas++] = *f;
  return 0;
}

int herbal_db_add_pair(herbal_db *db, const herbal_pair *p, cairn_error *err) {
  int i = find_pair(db, p->id);
  if (i >= 0) return conflict(err, "pair", p->id, db->pairs[i].file, p->file);
  GROW(db->pairs, db->n_pairs, db->cap_pairs);
  db->pairs[db->n_pairs++] = *p;
  return 0;
}

int herbal_db_add_class(herbal_db *db, const herbal_class *c,
                        cairn_error *err) {
  int i = find_class(db, c->id);
  if (i >= 0) return conflict(err, "medicine class", c->id, db->classes[i].file, c->file);
  GROW(db->classes, db->n_classes, db->cap_classes);
  db->classes[db->n_classes++] = *c;
  return 0;
}

int herbal_db_add_drug(herbal_db *db, const herbal_drug *d, cairn_error *err) {
  int i = herbal_db_drug(db, d->id);
  if (i >= 0) return conflict(err, "medicine", d->id, db->drugs[i].file, d->file);
  GROW(db->drugs, db->n_drugs, db->cap_drugs);
  db->drugs[db->n_drugs++] = *d;
  return 0;
}

int herbal_db_add_interaction(herbal_db *db, const herbal_interaction *x,
                              cairn_error *err) {
  int i = find_interaction(db, x->id);
  if (i >= 0) return conflict(err, "interaction", x->id, db->interactions[i].file, x->file);
  GROW(db->interactions, db->n_interactions, db->cap_interactions);
  db->interactions[db->n_interactions++] = *x;
  return 0;
}

/* ---------------------------------------------------------------- finish */

/* A fact's source must be "not found" or a declared source. */
static int check_fact(const herbal_db *db, const herbal_fact *f,
                      const char *what, const char *id, const char *file,
                      cairn_error *err) {
  if (!f->src || !f->src[0])
    return herbal_fail(err, CAIRN_EINVAL, NULL, "%s (%s): %s has no source",
                       id, file, what);
  if (strcmp(f->src, HERBAL_NOT_FOUND) == 0 || herbal_db_source(db, f->src) >= 0)
    return 0;
  return herbal_fail(err, CAIRN_EINVAL, NULL,
                     "%s (%s): %s cites \"%s\", which no file declares as a "
                     "<source>", id, file, what, f->src);
}

/* Which table an id list resolves against. */
typedef int (*resolve_fn)(const herbal_db *db, const char *id);

/* Split a space-separated id list and resolve each id; an unknown one is
** an error naming it. */
static int resolve(const herbal_db *db, herbal_idlist *l, resolve_fn fn,
                   const char *what, const char *owner, const char *file,
                   cairn_error *err) {
  char id[64];
  const char *p = l->ids ? l->ids : "";
  l->n = 0;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' && p[n] != '\r') n++;
    if (n == 0) break;
    if (n >= sizeof id)
      return herbal_fail(err, CAIRN_EINVAL, NULL, "%s (%s): an id is too long",
                         owner, file);
    memcpy(id, p, n);
    id[n] = '\0';
    p += n;
    if (l->n == HERBAL_IDLIST_MAX)
      return herbal_fail(err, CAIRN_EINVAL, NULL,
                         "%s (%s): more than %d ids in one list", owner, file,
                         HERBAL_IDLIST_MAX);
    int i = fn(db, id);
    if (i < 0)
      return herbal_fail(err, CAIRN_EINVAL, NULL,
                         "%s (%s) names %s \"%s\", which no file defines",
                         owner, file, what, id);
    l->index[l->n++] = i;
  }
  return 0;
}

static int finish_herb(const herbal_db *db, const herbal_herb *h,
                       cairn_error *err) {
  int rc;
  if ((rc = check_fact(db, &h->name_fact, "its names", h->id, h->file, err)) ||
      (rc = check_fact(db, &h->dose_fact, "its dose", h->id, h->file, err)) ||
      (rc = check_fact(db, &h->pregnancy_fact, "its pregnancy category", h->id, h->file, err)) ||
      (rc = check_fact(db, &h->toxicity_fact, "its toxicity note", h->id, h->file, err)))
    return rc;
  for (int i = 0; i < h->n_notices; i++)
    if ((rc = check_fact(db, &h->notice_facts[i], "its aristolochic acid notice", h->id, h->file, err)))
      return rc;
  int sourced = strcmp(h->dose_fact.src, HERBAL_NOT_FOUND) != 0;
  if (sourced && !h->has_dose)
    return herbal_fail(err, CAIRN_EINVAL, NULL,
                       "%s (%s): the dose cites %s but gives no min and max",
                       h->id, h->file, h->dose_fact.src);
  if (!sourced && h->has_dose)
    return herbal_fail(err, CAIRN_EINVAL, NULL,
                       "%s (%s): a dose range with no source (say where it "
                       "is from, or remove it)", h->id, h->file);
  if (h->has_dose && !(h->dose_min > 0 && h->dose_min <= h->dose_max))
    return herbal_fail(err, CAIRN_EINVAL, NULL,
                       "%s (%s): the dose range must be grams with "
                       "0 < min <= max", h->id, h->file);
  int preg_sourced = strcmp(h->pregnancy_fact.src, HERBAL_NOT_FOUND) != 0;
  if (preg_sourced != (h->pregnancy != HERBAL_PREG_UNKNOWN))
    return herbal_fail(err, CAIRN_EINVAL, NULL,
                       "%s (%s): the pregnancy category is \"unknown\" exactly "
                       "when its source is \"not found\"", h->id, h->file);
  return 0;
}

static int finish_formula(const herbal_db *db, herbal_formula *f,
                          cairn_error *err) {
  int rc;
  if ((rc = check_fact(db, &f->origin_fact, "its origin", f->id, f->file, err)) ||
      (rc = check_fact(db, &f->composition_fact, "its composition", f->id, f->file, err)) ||
      (f->note[0] && (rc = check_fact(db, &f->note_fact, "its note", f->id, f->file, err))))
    return rc;
  if (f->n_items == 0)
    return herbal_fail(err, CAIRN_EINVAL, NULL, "%s (%s): a formula without herbs",
                       f->id, f->file);
  for (int i = 0; i < f->n_items; i++) {
    herbal_item *it = &f->items[i];
    it->herb = herbal_db_herb(db, it->herb_id);
    if (it->herb < 0)
      return herbal_fail(err, CAIRN_EINVAL, NULL,
                         "%s (%s) names herb \"%s\", which no file defines",
                         f->id, f->file, it->herb_id);
    if (it->grams < 0)
      return herbal_fail(err, CAIRN_EINVAL, NULL, "%s (%s): negative grams",
                         f->id, f->file);
    if (it->grams > 0 && strcmp(f->composition_fact.src, HERBAL_NOT_FOUND) == 0)
      return herbal_fail(err, CAIRN_EINVAL, NULL,
                         "%s (%s): grams given but the composition has no "
                         "source", f->id, f->file);
  }
  return 0;
}

static int finish_pair(const herbal_db *db, herbal_pair *p, cairn_error *err) {
  int rc;
  if ((rc = check_fact(db, &p->fact, "the rule", p->id, p->file, err))) return rc;
  for (int s = 0; s < 2; s++) {
    herbal_side *side = &p->side[s];
    if ((rc = check_fact(db, &side->fact, "a side's herbs", p->id, p->file, err)) ||
        (rc = resolve(db, &side->herbs, herbal_db_herb, "herb", p->id, p->file, err)))
      return rc;
    if (side->herbs.n == 0)
      return herbal_fail(err, CAIRN_EINVAL, NULL, "%s (%s): a side with no herb",
                         p->id, p->file);
  }
  for (int a = 0; a < p->side[0].herbs.n; a++)
    for (int b = 0; b < p->side[1].herbs.n; b++)
      if (p->side[0].herbs.index[a] == p->side[1].herbs.index[b])
        return herbal_fail(err, CAIRN_EINVAL, NULL,
                           "%s (%s): a herb on both sides", p->id, p->file);
  return 0;
}

static int finish_drug(const herbal_db *db, herbal_drug *d, cairn_error *err) {
  int rc;
  if ((rc = check_fact(db, &d->fact, "its name and classes", d->id, d->file, err)) ||
      (rc = resolve(db, &d->classes, find_class, "medicine class", d->id, d->file, err)))
    return rc;
  for (int i = 0; i < d->n_brands; i++)
    if ((rc = check_fact(db, &d->brand_facts[i], "a brand", d->id, d->file, err)))
      return rc;
  return 0;
}

static int finish_interaction(const herbal_db *db, herbal_interaction *x,
                              cairn_error *err) {
  int rc;
  if ((rc = resolve(db, &x->herbs, herbal_db_herb, "herb", x->id, x->file, err)) ||
      (rc = resolve(db, &x->drugs, herbal_db_drug, "medicine", x->id, x->file, err)) ||
      (rc = resolve(db, &x->classes, find_class, "medicine class", x->id, x->file, err)))
    return rc;
  if (x->herbs.n == 0 || x->drugs.n + x->classes.n == 0)
    return herbal_fail(err, CAIRN_EINVAL, NULL,
                       "%s (%s): an interaction names at least one herb and "
                       "one medicine or class", x->id, x->file);
  if (x->n_evidence == 0)
    return herbal_fail(err, CAIRN_EINVAL, NULL, "%s (%s): no evidence cited",
                       x->id, x->file);
  for (int i = 0; i < x->n_evidence; i++) {
    if ((rc = check_fact(db, &x->evidence[i], "its evidence", x->id, x->file, err)))
      return rc;
    /* An interaction is only as good as its evidence: "not found" is no
    ** evidence at all. */
    if (strcmp(x->evidence[i].src, HERBAL_NOT_FOUND) == 0)
      return herbal_fail(err, CAIRN_EINVAL, NULL,
                         "%s (%s): evidence must cite a source", x->id, x->file);
  }
  return 0;
}

int herbal_db_finish(herbal_db *db, cairn_error *err) {
  int rc;
  db->finished = 0;
  for (int i = 0; i < db->n_herbs; i++)
    if ((rc = finish_herb(db, &db->herbs[i], err))) return rc;
  for (int i = 0; i < db->n_formulas; i++)
    if ((rc = finish_formula(db, &db->formulas[i], err))) return rc;
  for (int i = 0; i < db->n_pairs; i++)
    if ((rc = finish_pair(db, &db->pairs[i], err))) return rc;
  for (int i = 0; i < db->n_classes; i++)
    if ((rc = check_fact(db, &db->classes[i].fact, "its name", db->classes[i].id,
                         db->classes[i].file, err)))
      return rc;
  for (int i = 0; i < db->n_drugs; i++)
    if ((rc = finish_drug(db, &db->drugs[i], err))) return rc;
  for (int i = 0; i < db->n_interactions; i++)
    if ((rc = finish_interaction(db, &db->interactions[i], err))) return rc;
  db->finished = 1;
  return 0;
}

/* ------------------------------------------------------------ vocabulary */

static const char *const pregnancy_words[] = {
  [HERBAL_PREG_UNKNOWN] = "unknown",
  [HERBAL_PREG_NO_STATEMENT] = "no-statement",
  [HERBAL_PREG_CAUTION] = "caution",
  [HERBAL_PREG_PROHIBITED] = "prohibited",
};
int herbal_pregnancy_parse(const char *word) {
  for (int i = 0; i < (int)(sizeof pregnancy_words / sizeof *pregnancy_words); i++)
    if (word && strcmp(word, pregnancy_words[i]) == 0) return i;
  return -1;
}
const char *herbal_pregnancy_word(herbal_pregnancy p) {
  return (unsigned)p < sizeof pregnancy_words / sizeof *pregnancy_words
             ? pregnancy_words[p] : "unknown";
}

static const char *const grade_words[] = {
  [HERBAL_GRADE_CLINICAL_STUDY] = "clinical-study",
  [HERBAL_GRADE_CASE_REPORTS] = "case-reports",
  [HERBAL_GRADE_CASE_REPORT] = "case-report",
  [HERBAL_GRADE_PHARMACOLOGY] = "pharmacology",
};
int herbal_grade_parse(const char *word) {
  for (int i = 1; i < (int)(sizeof grade_words / sizeof *grade_words); i++)
    if (word && strcmp(word, grade_words[i]) == 0) return i;
  return -1;
}
const char *herbal_grade_word(herbal_grade g) {
  return (unsigned)g < sizeof grade_words / sizeof *grade_words && grade_words[g]
             ? grade_words[g] : "pharmacology";
}
