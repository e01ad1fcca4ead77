/*
** safety.c -- the safety check of a herbal prescription (see safety.h for
** the rules and their sources).
*/
#include "safety.h"
#include "medicines.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Record a finding: counted always, kept while there is room.  Returns
** the kept finding or NULL. */
static herbal_finding *add(herbal_findings *out, herbal_rule rule,
                           herbal_severity sev, int line, int herb,
                           const herbal_fact *fact, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static herbal_finding *add(herbal_findings *out, herbal_rule rule,
                           herbal_severity sev, int line, int herb,
                           const herbal_fact *fact, const char *fmt, ...) {
  out->count[sev]++;
  if (out->n == HERBAL_FINDINGS_MAX) return NULL;
  herbal_finding *f = &out->items[out->n++];
  memset(f, 0, sizeof *f);
  f->rule = rule;
  f->severity = sev;
  f->line = line;
  f->herb = herb;
  f->other_line = -1;
  f->pair = -1;
  f->interaction = -1;
  f->drug = -1;
  f->medicine = -1;
  f->fact = fact;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->message, sizeof f->message, fmt, ap);
  va_end(ap);
  return f;
}

/* "Du Huo (独活)" into buf. */
static const char *label(const herbal_herb *h, char *buf, size_t n) {
  snprintf(buf, n, "%s (%s)", h->pinyin, h->chinese);
  return buf;
}

/* The first line at or after `from` holding herb `h`, or -1. */
static int line_of(const herbal_findings *out, int n_lines, int h, int from) {
  for (int i = from; i < n_lines; i++)
    if (out->herb[i] == h) return i;
  return -1;
}

/* 1 when line i is the first line of its herb (later duplicates are
** checked through the first). */
static int first_of_herb(const herbal_findings *out, int i) {
  return out->herb[i] >= 0 && line_of(out, i, out->herb[i], 0) < 0;
}

static int in_list(const herbal_idlist *l, int index) {
  for (int i = 0; i < l->n; i++)
    if (l->index[i] == index) return 1;
  return 0;
}

/* Names, grams and aristolochic acid, line by line. */
static void check_lines(const herbal_db *db, const herbal_rx *rx,
                        herbal_findings *out) {
  char lb[160];
  for (int i = 0; i < rx->n_lines; i++) {
    const herbal_line *l = &rx->lines[i];
    int suggest[HERBAL_SUGGESTIONS], n_suggest = 0;
    int h = herbal_lookup(db, l->name, suggest, &n_suggest);
    out->herb[i] = h;
    if (h < 0) {
      char names[3 * 160] = "";
      for (int k = 0; k < n_suggest; k++) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s",
                 k ? (k + 1 == n_suggest ? " or " : ", ") : "",
                 label(&db->herbs[suggest[k]], lb, sizeof lb));
      }
      herbal_finding *f = add(out, HERBAL_RULE_UNKNOWN_HERB, HERBAL_REFUSE, i,
                              -1, NULL,
                              "\"%s\" is not a herb in the materia medica.%s%s%s",
                              l->name ? l->name : "", n_suggest ? " Did you mean " : "",
                              names, n_suggest ? "?" : "");
      if (f) {
        memcpy(f->suggest, suggest, sizeof suggest);
        f->n_suggest = n_suggest;
      }
      continue;
    }
    const herbal_herb *herb = &db->herbs[h];
    if (!(l->grams > 0) || l->grams > HERBAL_GRAMS_MAX || isnan(l->grams))
      add(out, HERBAL_RULE_INPUT, HERBAL_REFUSE, i, h, NULL,
          "%s: enter the grams a day, more than 0 and at most %g.",
          label(herb, lb, sizeof lb), HERBAL_GRAMS_MAX);
    out->raw[i] = rx->form == HERBAL_FORM_GRANULES ? l->grams * rx->ratio
                                                   : l->grams;
    if (herb->n_notices > 0)
      add(out, HERBAL_RULE_ARISTOLOCHIC, HERBAL_REFUSE, i, h,
          &herb->notice_facts[0],
          "%s contains aristolochic acid and cannot be prescribed (%s). "
          "There is no override.", label(herb, lb, sizeof lb), herb->notices[0]);
  }
}

/* The daily dose of each herb, all its lines together, against its usual
** range. */
static void check_doses(const herbal_db *db, const herbal_rx *rx,
                        herbal_findings *out) {
  char lb[160];
  for (int i = 0; i < rx->n_lines; i++) {
    if (!first_of_herb(out, i)) continue;
    int h = out->herb[i];
    const herbal_herb *herb = &db->herbs[h];
    if (herb->n_notices > 0) continue;   /* refused already */
    double total = 0;
    int lines = 0;
    for (int j = i; j >= 0; j = line_of(out, rx->n_lines, h, j + 1)) {
      total += out->raw[j];
      lines++;
    }
    if (lines > 1)
      add(out, HERBAL_RULE_DUPLICATE, HERBAL_WARN, i, h, NULL,
          "%s is on %d lines; the dose checked is their total, %g g a day.",
          label(herb, lb, sizeof lb), lines, total);
    if (rx->form == HERBAL_FORM_PILLS) {
      add(out, HERBAL_RULE_DOSE_NOT_CHECKED, HERBAL_INFO, i, h, NULL,
          "%s: pills are not compared with the usual range for decoction.",
          label(herb, lb, sizeof lb));
      continue;
    }
    if (!herb->has_dose) {
      add(out, HERBAL_RULE_DOSE_UNKNOWN, HERBAL_INFO, i, h, &herb->dose_fact,
          "%s: no usual dose range with a source; the dose is not checked.",
          label(herb, lb, sizeof lb));
      continue;
    }
    if (total >= herb->dose_min && total <= herb->dose_max) continue;
    char as_raw[120] = "";
    if (rx->form == HERBAL_FORM_GRANULES)
      snprintf(as_raw, sizeof as_raw, " (%g g of %g:1 granules)",
               total / rx->ratio, rx->ratio);
    herbal_finding *f = add(out, HERBAL_RULE_DOSE, HERBAL_WARN, i, h,
                            &herb->dose_fact,
                            "%s: %g g of raw herb a day%s is %s the usual %g-%g g.",
                            label(herb, lb, sizeof lb), total, as_raw,
                            total < herb->dose_min ? "below" : "above",
                            herb->dose_min, herb->dose_max);
    if (f) f->raw_grams = total;
  }
}

static void check_pregnancy(const herbal_db *db, const herbal_rx *rx,
                            const herbal_patient *pt, herbal_findings *out) {
  char lb[160];
  if (pt->pregnancy == HERBAL_NOT_PREGNANT) return;
  const char *who = pt->pregnancy == HERBAL_PREGNANT ? "pregnant"
                                                     : "possibly pregnant";
  for (int i = 0; i < rx->n_lines; i++) {
    if (!first_of_herb(out, i)) continue;
    const herbal_herb *herb = &db->herbs[out->herb[i]];
    if (herb->n_notices > 0) continue;
    switch (herb->pregnancy) {
    case HERBAL_PREG_PROHIBITED:
      add(out, HERBAL_RULE_PREGNANCY, HERBAL_BLOCK, i, out->herb[i],
          &herb->pregnancy_fact,
          "%s is prohibited in pregnancy, and the patient is %s.",
          label(herb, lb, sizeof lb), who);
      break;
    case HERBAL_PREG_CAUTION:
      add(out, HERBAL_RULE_PREGNANCY, HERBAL_WARN, i, out->herb[i],
          &herb->pregnancy_fact,
          "%s is to be used with caution in pregnancy, and the patient is %s.",
          label(herb, lb, sizeof lb), who);
      break;
    case HERBAL_PREG_UNKNOWN:
      add(out, HERBAL_RULE_PREGNANCY, HERBAL_WARN, i, out->herb[i],
          &herb->pregnancy_fact,
          "%s: no source on its safety in pregnancy was found, and the "
          "patient is %s.", label(herb, lb, sizeof lb), who);
      break;
    case HERBAL_PREG_NO_STATEMENT:
      break;
    }
  }
}

static const char *list_name(const char *list) {
  if (strcmp(list, "eighteen-incompatibilities") == 0)
    return "one of the eighteen incompatibilities";
  if (strcmp(list, "nineteen-antagonisms") == 0)
    return "one of the nineteen antagonisms";
  return "an incompatibility the clinic added";
}

static void check_pairs(const herbal_db *db, const herbal_rx *rx,
                        herbal_findings *out) {
  char la[160], lb[160];
  for (int p = 0; p < db->n_pairs; p++) {
    const herbal_pair *pair = &db->pairs[p];
    for (int i = 0; i < rx->n_lines; i++) {
      if (!first_of_herb(out, i) || !in_list(&pair->side[0].herbs, out->herb[i]))
        continue;
      for (int j = 0; j < rx->n_lines; j++) {
        if (!first_of_herb(out, j) || !in_list(&pair->side[1].herbs, out->herb[j]))
          continue;
        const herbal_herb *a = &db->herbs[out->herb[i]], *b = &db->herbs[out->herb[j]];
        /* One finding beside each of the two herbs. */
        for (int k = 0; k < 2; k++) {
          int line = k ? j : i, other = k ? i : j;
          const herbal_herb *x = k ? b : a, *y = k ? a : b;
          herbal_finding *f = add(
              out, HERBAL_RULE_INCOMPATIBLE, HERBAL_BLOCK, line, out->herb[line],
              &pair->fact,
              "%s and %s may not be combined: %s (%s against %s).",
              label(x, la, sizeof la), label(y, lb, sizeof lb),
              list_name(pair->list), pair->side[0].name, pair->side[1].name);
          if (f) {
            f->other_line = other;
            f->pair = p;
          }
        }
      }
    }
  }
}

static void check_interactions(const herbal_db *db, const herbal_rx *rx,
                               const herbal_patient *pt, herbal_findings *out) {
  char lb[160];
  int n_meds = pt->n_medicines < HERBAL_MEDICINES_MAX ? pt->n_medicines
                                                      : HERBAL_MEDICINES_MAX;
  for (int m = 0; m < n_meds; m++) {
    int drugs[HERBAL_DRUGS_PER_MEDICINE];
    int n = herbal_medicine_drugs(db, pt->medicines[m], drugs,
                                  HERBAL_DRUGS_PER_MEDICINE);
    for (int k = 0; k < n; k++) {
      int d = drugs[k];
      for (int x = 0; x < db->n_interactions; x++) {
        const herbal_interaction *it = &db->interactions[x];
        int applies = in_list(&it->drugs, d);
        for (int c = 0; !applies && c < it->classes.n; c++)
          applies = herbal_drug_in_class(db, d, it->classes.index[c]);
        if (!applies) continue;
        for (int i = 0; i < rx->n_lines; i++) {
          if (!first_of_herb(out, i) || !in_list(&it->herbs, out->herb[i]))
            continue;
          const herbal_herb *herb = &db->herbs[out->herb[i]];
          herbal_finding *f = add(
              out, HERBAL_RULE_INTERACTION, it->blocks ? HERBAL_BLOCK : HERBAL_WARN,
              i, out->herb[i], &it->evidence[0],
              "%s with %s (the patient's \"%s\"): %s Evidence: %s.",
              label(herb, lb, sizeof lb), db->drugs[d].generic,
              pt->medicines[m], it->effect, herbal_grade_word(it->grade));
          if (f) {
            f->interaction = x;
            f->drug = d;
            f->medicine = m;
          }
        }
      }
    }
  }
}

herbal_severity herbal_check(const herbal_db *db, const herbal_rx *rx,
                             const herbal_patient *pt, herbal_findings *out) {
  static const herbal_patient nobody = {.pregnancy = HERBAL_NOT_PREGNANT};
  memset(out, 0, sizeof *out);
  for (int i = 0; i < HERBAL_LINES_MAX; i++) out->herb[i] = -1;
  if (!pt) pt = &nobody;
  if (rx->n_lines <= 0 || rx->n_lines > HERBAL_LINES_MAX) {
    add(out, HERBAL_RULE_INPUT, HERBAL_REFUSE, -1, -1, NULL,
        "A prescription holds 1 to %d herbs.", HERBAL_LINES_MAX);
    return HERBAL_REFUSE;
  }
  if (rx->form != HERBAL_FORM_RAW && rx->form != HERBAL_FORM_GRANULES &&
      rx->form != HERBAL_FORM_PILLS) {
    add(out, HERBAL_RULE_INPUT, HERBAL_REFUSE, -1, -1, NULL,
        "The form must be raw herbs, granules or pills.");
    return HERBAL_REFUSE;
  }
  if (rx->form == HERBAL_FORM_GRANULES &&
      !(rx->ratio >= HERBAL_RATIO_MIN && rx->ratio <= HERBAL_RATIO_MAX)) {
    add(out, HERBAL_RULE_INPUT, HERBAL_REFUSE, -1, -1, NULL,
        "Granules need their concentration ratio, %g to %g (5 for 5:1), "
        "to convert doses to raw herb.", HERBAL_RATIO_MIN, HERBAL_RATIO_MAX);
    return HERBAL_REFUSE;
  }
  check_lines(db, rx, out);
  check_doses(db, rx, out);
  check_pregnancy(db, rx, pt, out);
  check_pairs(db, rx, out);
  check_interactions(db, rx, pt, out);
  for (int s = HERBAL_REFUSE; s > HERBAL_INFO; s--)
    if (out->count[s]) return (herbal_severity)s;
  return HERBAL_INFO;
}

int herbal_text_chars(const char *s) {
  if (!s) return 0;
  const char *end = s + strlen(s);
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
                     end[-1] == '\r'))
    end--;
  int n = 0;
  for (const char *p = s; p < end; p++)
    if (((unsigned char)*p & 0xC0) != 0x80) n++;
  return n;
}

herbal_verdict herbal_decide(const herbal_findings *f, int acknowledged,
                             const char *justification) {
  if (f->count[HERBAL_REFUSE]) return HERBAL_REFUSED;
  if (f->count[HERBAL_BLOCK] &&
      herbal_text_chars(justification) < HERBAL_JUSTIFICATION_MIN)
    return HERBAL_NEEDS_JUSTIFICATION;
  if (f->count[HERBAL_WARN] && !acknowledged) return HERBAL_NEEDS_ACK;
  return HERBAL_SAVE;
}

const char *herbal_rule_word(herbal_rule r) {
  switch (r) {
  case HERBAL_RULE_INPUT: return "input";
  case HERBAL_RULE_UNKNOWN_HERB: return "unknown-herb";
  case HERBAL_RULE_ARISTOLOCHIC: return "aristolochic-acid";
  case HERBAL_RULE_DOSE: return "dose-range";
  case HERBAL_RULE_DOSE_UNKNOWN: return "dose-unknown";
  case HERBAL_RULE_DOSE_NOT_CHECKED: return "dose-not-checked";
  case HERBAL_RULE_DUPLICATE: return "duplicate";
  case HERBAL_RULE_PREGNANCY: return "pregnancy";
  case HERBAL_RULE_INCOMPATIBLE: return "incompatible";
  case HERBAL_RULE_INTERACTION: return "interaction";
  }
  return "input";
}

const char *herbal_severity_word(herbal_severity s) {
  switch (s) {
  case HERBAL_INFO: return "info";
  case HERBAL_WARN: return "warning";
  case HERBAL_BLOCK: return "block";
  case HERBAL_REFUSE: return "refused";
  }
  return "refused";
}

static const char *const form_words[] = {
  [HERBAL_FORM_RAW] = "raw", [HERBAL_FORM_GRANULES] = "granules",
  [HERBAL_FORM_PILLS] = "pills",
};
const char *herbal_form_word(herbal_form f) {
  return (unsigned)f < sizeof form_words / sizeof *form_words && form_words[f]
             ? form_words[f] : "raw";
}
int herbal_form_parse(const char *word) {
  for (int i = 1; i < (int)(sizeof form_words / sizeof *form_words); i++)
    if (word && strcmp(word, form_words[i]) == 0) return i;
  return -1;
}
