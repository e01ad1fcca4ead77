/*
** instruments.c -- scoring of outcome-measure instruments (pure C: no host
** calls, no libxml2).  The rules and their sources are in instruments.h.
*/
#include "instruments.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Longest number text instr_parse_number accepts, spaces excluded: 15
** characters keep every accepted value exact to INSTR_DECIMALS_MAX
** decimals within a double's 15-16 significant digits. */
#define NUMBER_TEXT_MAX 15

/* Tolerance, in units of the last place, for rounding and step checks:
** a mean or a percentage carries a few ulps of binary error. */
#define ULPS 16.0

const instr_def *instr_find(const instr_table *t, const char *id) {
  size_t i;
  if (t == NULL || id == NULL) return NULL;
  for (i = 0; i < t->n; i++) {
    if (strcmp(t->defs[i].id, id) == 0) return &t->defs[i];
  }
  return NULL;
}

int instr_item_index(const instr_def *d, const char *id) {
  size_t i;
  if (d == NULL || id == NULL) return -1;
  for (i = 0; i < d->n_items; i++) {
    if (strcmp(d->items[i].id, id) == 0) return (int)i;
  }
  return -1;
}

/* 1 when x is (within tolerance) a whole number. */
static int is_whole(double x) {
  double r = nearbyint(x);
  return fabs(x - r) <= ULPS * DBL_EPSILON * fmax(1.0, fabs(x)) + 1e-9;
}

int instr_def_check(const instr_def *d, char *msg, size_t n) {
  size_t i, j;
  if (d->n_items < 1 || d->n_items > INSTR_ITEMS_MAX) {
    snprintf(msg, n, "instrument %s: it needs 1 to %d items, not %zu",
             d->id, INSTR_ITEMS_MAX, d->n_items);
    return INSTR_EDEF;
  }
  for (i = 0; i < d->n_items; i++) {
    const instr_item *it = &d->items[i];
    if (it->id[0] == '\0') {
      snprintf(msg, n, "instrument %s: item %zu has no id", d->id, i + 1);
      return INSTR_EDEF;
    }
    for (j = 0; j < i; j++) {
      if (strcmp(d->items[j].id, it->id) == 0) {
        snprintf(msg, n, "instrument %s: item id %s appears twice", d->id,
                 it->id);
        return INSTR_EDEF;
      }
    }
    if (!(isfinite(it->min) && isfinite(it->max) && it->min < it->max)) {
      snprintf(msg, n, "instrument %s, item %s: min must be below max",
               d->id, it->id);
      return INSTR_EDEF;
    }
    if (it->step < 0 || !isfinite(it->step) ||
        (it->step > 0 && !is_whole((it->max - it->min) / it->step))) {
      snprintf(msg, n,
               "instrument %s, item %s: step must be positive and divide "
               "max - min", d->id, it->id);
      return INSTR_EDEF;
    }
  }
  switch (d->method) {
  case INSTR_VALUE:
    if (d->n_items != 1 || d->max_missing != 0) {
      snprintf(msg, n,
               "instrument %s: method \"value\" needs exactly one item and "
               "maxMissing 0", d->id);
      return INSTR_EDEF;
    }
    break;
  case INSTR_SUM_TIMES:
    if (!(d->factor > 0 && isfinite(d->factor))) {
      snprintf(msg, n,
               "instrument %s: method \"sum-times\" needs a positive factor",
               d->id);
      return INSTR_EDEF;
    }
    break;
  case INSTR_MEAN:
  case INSTR_SUM_PERCENT:
    break;
  default:
    snprintf(msg, n, "instrument %s: unknown scoring method", d->id);
    return INSTR_EDEF;
  }
  if (d->max_missing < 0 || (size_t)d->max_missing >= d->n_items) {
    snprintf(msg, n,
             "instrument %s: maxMissing must be below the number of items "
             "(%zu)", d->id, d->n_items);
    return INSTR_EDEF;
  }
  if (!(isfinite(d->best) && isfinite(d->worst)) ||
      fabs(d->best - d->worst) <= INSTR_SAME_SCORE) {
    snprintf(msg, n, "instrument %s: best and worst must differ", d->id);
    return INSTR_EDEF;
  }
  if ((d->direction == INSTR_LOWER_IS_BETTER && !(d->best < d->worst)) ||
      (d->direction == INSTR_HIGHER_IS_BETTER && !(d->best > d->worst)) ||
      (d->direction != INSTR_LOWER_IS_BETTER &&
       d->direction != INSTR_HIGHER_IS_BETTER)) {
    snprintf(msg, n,
             "instrument %s: best and worst contradict its direction",
             d->id);
    return INSTR_EDEF;
  }
  if (d->decimals < 0 || d->decimals > INSTR_DECIMALS_MAX) {
    snprintf(msg, n, "instrument %s: decimals must be 0 to %d", d->id,
             INSTR_DECIMALS_MAX);
    return INSTR_EDEF;
  }
  return INSTR_OK;
}

int instr_parse_number(const char *s, double *out) {
  const char *p, *start, *end;
  size_t digits = 0, len;
  char buf[NUMBER_TEXT_MAX + 1];
  double v;
  if (s == NULL) return INSTR_ENOTNUM;
  p = s;
  while (*p == ' ') p++;
  start = p;
  if (*p == '-' || *p == '+') p++;
  while (*p >= '0' && *p <= '9') { p++; digits++; }
  if (*p == '.') {
    size_t decimals = 0;
    p++;
    while (*p >= '0' && *p <= '9') { p++; digits++; decimals++; }
    if (decimals > INSTR_DECIMALS_MAX) return INSTR_ENOTNUM;
  }
  end = p;
  while (*p == ' ') p++;
  if (*p != '\0' || digits == 0) return INSTR_ENOTNUM;
  len = (size_t)(end - start);
  if (len > NUMBER_TEXT_MAX) return INSTR_ENOTNUM;
  memcpy(buf, start, len);
  buf[len] = '\0';
  /* The text is now [+-]digits[.digits]: strtod's locale-free subset,
  ** except for the decimal point, which sscanf would read per locale;
  ** Cairn never calls setlocale, so "C" applies. */
  if (sscanf(buf, "%lf", &v) != 1 || !isfinite(v)) return INSTR_ENOTNUM;
  *out = v;
  return INSTR_OK;
}

/* Write a number for a person: shortest form, no trailing zeros. */
static void fmt_number(char *buf, size_t n, double v) {
  snprintf(buf, n, "%.6g", v);
}

int instr_check_answer(const instr_def *d, size_t i, double v,
                       instr_fault *f) {
  const instr_item *it;
  char a[32], lo[32], hi[32], st[32];
  assert(i < d->n_items);
  it = &d->items[i];
  if (!isfinite(v) || v < it->min || v > it->max) {
    if (f) {
      f->item = (int)i;
      fmt_number(a, sizeof a, v);
      fmt_number(lo, sizeof lo, it->min);
      fmt_number(hi, sizeof hi, it->max);
      snprintf(f->message, sizeof f->message,
               "%s is outside the range %s to %s.", a, lo, hi);
    }
    return INSTR_ERANGE;
  }
  if (it->step > 0 && !is_whole((v - it->min) / it->step)) {
    if (f) {
      f->item = (int)i;
      fmt_number(a, sizeof a, v);
      fmt_number(st, sizeof st, it->step);
      fmt_number(lo, sizeof lo, it->min);
      if (it->step == 1.0 && is_whole(it->min))
        snprintf(f->message, sizeof f->message,
                 "%s is not a whole number.", a);
      else
        snprintf(f->message, sizeof f->message,
                 "%s is not a step of %s from %s.", a, st, lo);
    }
    return INSTR_ESTEP;
  }
  return INSTR_OK;
}

int instr_score(const instr_def *d, const instr_answers *a, double *score,
                instr_fault *f) {
  int rc = instr_score_exact(d, a, score, f);
  if (rc == INSTR_OK) *score = instr_round(*score, d->decimals);
  return rc;
}

int instr_score_exact(const instr_def *d, const instr_answers *a,
                      double *score, instr_fault *f) {
  size_t i, answered = 0, first_missing = d->n_items;
  double sum = 0, sum_min = 0, sum_range = 0, raw;
  int rc;
  assert(d->n_items >= 1 && d->n_items <= INSTR_ITEMS_MAX);
  for (i = 0; i < d->n_items; i++) {
    if (!a->given[i]) {
      if (first_missing == d->n_items) first_missing = i;
      continue;
    }
    rc = instr_check_answer(d, i, a->value[i], f);
    if (rc != INSTR_OK) return rc;
    answered++;
    sum += a->value[i];
    sum_min += d->items[i].min;
    sum_range += d->items[i].max - d->items[i].min;
  }
  if (answered == 0 || d->n_items - answered > (size_t)d->max_missing) {
    if (f) {
      f->item = (int)first_missing;
      if (d->max_missing == 0)
        snprintf(f->message, sizeof f->message,
                 "An answer is needed: %s is scored only when every item "
                 "is answered.", d->abbreviation ? d->abbreviation : d->id);
      else
        snprintf(f->message, sizeof f->message,
                 "An answer is needed: %s allows at most %d unanswered "
                 "item%s.", d->abbreviation ? d->abbreviation : d->id,
                 d->max_missing, d->max_missing == 1 ? "" : "s");
    }
    return INSTR_EMISSING;
  }
  switch (d->method) {
  case INSTR_VALUE:
    raw = sum;
    break;
  case INSTR_MEAN:
    raw = sum / (double)answered;
    break;
  case INSTR_SUM_PERCENT:
    /* ODI 2.1a: sum / (5 x answered) x 100 when items are 0-5. */
    raw = (sum - sum_min) / sum_range * 100.0;
    break;
  case INSTR_SUM_TIMES:
    /* NDI: sum x 2; with one section missing the sum is prorated to ten
    ** sections, which is again sum / (5 x answered) x 100. */
    raw = sum * d->factor * (double)d->n_items / (double)answered;
    break;
  default:
    if (f) {
      f->item = -1;
      snprintf(f->message, sizeof f->message,
               "%s: unknown scoring method.", d->id);
    }
    return INSTR_EDEF;
  }
  *score = raw;
  return INSTR_OK;
}

void instr_format_exact(double score, char *buf, size_t n) {
  double r = instr_round(score, INSTR_DECIMALS_MAX);
  size_t len;
  snprintf(buf, n, "%.*f", INSTR_DECIMALS_MAX, r);
  len = strlen(buf);
  while (len > 0 && buf[len - 1] == '0') buf[--len] = '\0';
  if (len > 0 && buf[len - 1] == '.') buf[--len] = '\0';
}

int instr_reached(double baseline, double now, double best,
                  double threshold) {
  double room = baseline - best;
  if (fabs(room) <= INSTR_SAME_SCORE) return 0;
  /* (baseline - now) / room >= threshold, multiplied out by |room| so
  ** that the allowance is in score units, whatever the direction. */
  if (room > 0) return baseline - now >= threshold * room - INSTR_STORED_EPS;
  return now - baseline >= threshold * -room - INSTR_STORED_EPS;
}

double instr_round(double x, int decimals) {
  double p, y, r;
  assert(decimals >= 0 && decimals <= INSTR_DECIMALS_MAX);
  p = pow(10.0, decimals);
  y = fabs(x) * p;
  r = floor(y + 0.5 + ULPS * DBL_EPSILON * y);
  r = r / p;
  if (r == 0) return 0.0;   /* never -0 */
  return x < 0 ? -r : r;
}

void instr_format_score(const instr_def *d, double score, char *buf,
                        size_t n) {
  double r = instr_round(score, d->decimals);
  size_t len;
  snprintf(buf, n, "%.*f", d->decimals, r);
  if (strchr(buf, '.') == NULL) return;
  len = strlen(buf);
  while (len > 0 && buf[len - 1] == '0') buf[--len] = '\0';
  if (len > 0 && buf[len - 1] == '.') buf[--len] = '\0';
}

instr_improvement_result instr_improvement(double baseline, double now,
                                           double best, double *out) {
  double room = baseline - best;
  if (fabs(room) <= INSTR_SAME_SCORE) return INSTR_IMPROVEMENT_UNDEFINED;
  *out = (baseline - now) / room;
  return INSTR_IMPROVEMENT_DEFINED;
}

double instr_benchmark_target(double baseline, double best) {
  return baseline - INSTR_BENCHMARK * (baseline - best);
}
