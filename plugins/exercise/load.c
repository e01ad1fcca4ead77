/*
** load.c -- progressive loading: one level up or down, and the replay of
** an exercise's sessions and the episode's flares into the level for the
** next session.  Pure (progression.h).
*/
#include "progression.h"

#include <math.h>
#include <string.h>

/* Loads are compared to the gram: kg values come from decimal text and
** products of percentages, never exact in binary. */
#define EX_KG_EPSILON 0.0005

double ex_dose_volume(const ex_dose *d) {
  double per_set = d->reps > 0 ? (double)d->reps : (double)d->hold;
  return (double)d->sets * per_set * d->load;
}

int ex_dose_same(const ex_dose *a, const ex_dose *b) {
  return a->sets == b->sets && a->reps == b->reps && a->hold == b->hold &&
         fabs(a->load - b->load) < EX_KG_EPSILON;
}

/* v rounded up / down to a multiple of inc, to the gram. */
static double round_up(double v, double inc) {
  return ceil(v / inc - EX_KG_EPSILON) * inc;
}
static double round_down(double v, double inc) {
  return floor(v / inc + EX_KG_EPSILON) * inc;
}

ex_dose ex_dose_up(const ex_rules *r, ex_dose d, const char **how) {
  const char *w;
  if (d.load > EX_KG_EPSILON) {
    double next = round_up(d.load * (1.0 + r->min_percent / 100.0),
                           r->increment);
    if (next < d.load + r->increment - EX_KG_EPSILON)
      next = d.load + r->increment;
    if (next - d.load <= d.load * r->max_percent / 100.0 + EX_KG_EPSILON) {
      d.load = next;
      w = "load up 5-10%, rounded to the clinic's increment";
    } else if (d.sets < r->max_sets) {
      d.sets++;
      w = "one more set: one load increment is more than the step allows";
    } else {
      d.load += r->increment;
      w = "the smallest load increment: the sets are at their ceiling";
    }
  } else if (d.sets < r->max_sets) {
    d.sets++;
    w = "one more set at body weight";
  } else {
    w = "body weight at the most sets: the clinician chooses a load";
  }
  if (how != NULL) *how = w;
  return d;
}

ex_dose ex_dose_down(const ex_rules *r, ex_dose d) {
  int too_big = d.load > EX_KG_EPSILON &&
                r->increment > d.load * r->max_percent / 100.0 +
                               EX_KG_EPSILON;
  if ((d.load <= EX_KG_EPSILON || too_big) && d.sets > 1) {
    d.sets--;
  } else if (d.load > EX_KG_EPSILON) {
    double prev = round_down(d.load / (1.0 + r->min_percent / 100.0),
                             r->increment);
    if (prev > d.load - r->increment + EX_KG_EPSILON)
      prev = d.load - r->increment;
    d.load = prev < 0 ? 0 : prev;
  }
  return d;
}

/* One level back: the level before the last step up, else one down. */
static void step_back(const ex_rules *r, ex_load_state *st) {
  if (st->n_levels > 0) st->next = st->level[--st->n_levels];
  else st->next = ex_dose_down(r, st->next);
  st->streak = 0;
  st->backs++;
}

static void step_up(const ex_rules *r, ex_load_state *st) {
  const char *how = NULL;
  ex_dose up = ex_dose_up(r, st->next, &how);
  st->streak = 0;
  if (ex_dose_same(&up, &st->next)) {
    st->why = how;
    return;
  }
  if (st->n_levels == EX_LEVELS_MAX) {
    memmove(&st->level[0], &st->level[1],
            (EX_LEVELS_MAX - 1) * sizeof st->level[0]);
    st->n_levels--;
  }
  st->level[st->n_levels++] = st->next;
  st->next = up;
  st->ups++;
  st->why = how;
}

void ex_load_replay(const ex_rules *r, const ex_dose *start,
                    const ex_load_session *s, size_t n,
                    const long *flare_days, size_t nf, ex_load_state *out) {
  size_t i = 0, k = 0;
  memset(out, 0, sizeof *out);
  out->next = *start;
  out->why = "the library's starting dose";
  /* a flare before the exercise was first done has nothing to step back */
  while (k < nf && (n == 0 || flare_days[k] < s[0].day)) k++;
  while (i < n || k < nf) {
    if (k < nf && (i == n || flare_days[k] < s[i].day)) {
      step_back(r, out);
      out->why = "a flare: one load level back";
      k++;
      continue;
    }
    if (!ex_dose_same(&s[i].done, &out->next)) {
      /* the clinician's dose stands; a return to the level below is that
      ** level, not a new one */
      if (out->n_levels > 0 &&
          ex_dose_same(&s[i].done, &out->level[out->n_levels - 1]))
        out->n_levels--;
      out->next = s[i].done;
      out->streak = 0;
    }
    if (s[i].next_morning == EX_RESP_WORSE) {
      step_back(r, out);
      out->why = "the next morning was worse than usual: one level back";
    } else if (ex_inside_model(r, s[i].pain, s[i].next_morning)) {
      if (++out->streak >= r->progress_sessions) step_up(r, out);
      else out->why = "inside the pain-monitoring model: hold for now";
    } else if (s[i].pain > r->max_pain) {
      out->streak = 0;
      out->why = "pain above the pain-monitoring model: hold";
    } else {
      out->why = "waiting for the next-morning response: hold";
    }
    i++;
  }
}
