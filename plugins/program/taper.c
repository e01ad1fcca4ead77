/*
** taper.c -- the recommended weekly visit frequency of the monthly
** program (PROGRAM.md: visits start at 2-3 a week and taper to 1 as the
** patient holds gains between visits; a flare is answered with a slower
** taper, never counted as failure).  Pure: computed from the episode's
** measures, flares and visits, nothing stored, so the recommendation is
** always the data's.  The rule is in careprogram.h (program_taper).
*/
#include "program.h"

#include <string.h>

/* Improvement at point i, or 0 when undefined. */
static double imp_at(const program_series *s, size_t i) {
  double v = 0;
  return program_series_improvement(s, i, &v) ? v : 0;
}

int program_gains_held(const program_series *s, long t, long days,
                       double tolerance) {
  long w0 = t - days;
  int ref = -1;
  size_t i, in_window = 0;
  double ref_imp;
  if (s->def == NULL || s->base < 0) return 0;
  for (i = 0; i < s->n; i++)
    if (s->pt[i].day <= w0) ref = (int)i;
  if (ref < 0) return 0;
  ref_imp = imp_at(s, (size_t)ref);
  if (ref_imp <= 0) return 0;
  for (i = 0; i < s->n; i++) {
    if (s->pt[i].day <= w0 || s->pt[i].day > t) continue;
    in_window++;
    if (imp_at(s, i) < ref_imp - tolerance) return 0;
  }
  return in_window > 0;
}

/* The flares of the week from t (up to today, the last day known): *asked
** is the most visits a week the response of one open at some time in the
** week asks (0 when none says); returns 1 when this is the week of today
** and one is open today (an earlier week was judged at its start, before
** a flare begun in it was known). */
static int open_in_week(const program_flare *f, size_t n, long t, long today,
                        int *asked) {
  long last = t + 6 < today ? t + 6 : today;
  int open = 0;
  size_t i;
  *asked = 0;
  for (i = 0; i < n; i++) {
    if (f[i].start > last || (f[i].end >= 0 && f[i].end < t)) continue;
    if (last == today && (f[i].end < 0 || f[i].end >= today)) open = 1;
    if (f[i].per_week > *asked) *asked = f[i].per_week;
  }
  return open;
}

size_t program_taper(const program_def *d, long from, long today,
                     const program_series *s, const program_flare *f,
                     size_t n_flares, const long *visits, size_t n_visits,
                     program_taper_week *out, size_t max) {
  size_t n = 0, i;
  int rec = d->taper_start, weeks_at = 0;   /* weeks at the current step */
  long t;
  for (t = from; t <= today && n < max; t += 7) {
    program_taper_week *w = &out[n];
    int asked, open = open_in_week(f, n_flares, t, today, &asked);
    if (asked > 0) {
      /* The flare's response says how often to come while it lasts; the
      ** taper goes on from there once it has ended. */
      if (asked != rec) weeks_at = 0;
      rec = asked;
      w->why = "an open flare: as its response asks";
    } else if (n == 0) {
      w->why = "the monthly program starts at the top of the taper";
    } else {
      long lo = t - d->taper_flare_free_days;
      int recent = 0, severe = 0;
      for (i = 0; i < n_flares; i++) {
        long end = f[i].end < 0 ? t : f[i].end;
        if (f[i].start < t && end >= lo) {
          recent = 1;
          if (f[i].start >= lo && strcmp(f[i].severity, "severe") == 0)
            severe = 1;
        }
      }
      int before = rec;
      if (severe) {
        if (rec < d->taper_start) rec++;
        w->why = "a severe flare in the last days: step back";
      } else if (recent || open) {
        w->why = open ? "an open flare: hold" : "a flare in the last days: hold";
      } else if (weeks_at < d->taper_min_weeks && rec > d->taper_floor) {
        w->why = "gradually: each step is held for a while before the next";
      } else if (program_gains_held(s, t, d->taper_held_days,
                                    d->taper_tolerance)) {
        if (rec > d->taper_floor) {
          rec--;
          w->why = "gains held and no flare: step down";
        } else {
          w->why = "gains held: at the floor";
        }
      } else {
        w->why = "gains not yet shown to hold: hold";
      }
      if (rec != before) weeks_at = 0;
    }
    weeks_at++;
    w->start = t;
    w->recommended = rec;
    w->actual = 0;
    for (i = 0; i < n_visits; i++)
      if (visits[i] >= t && visits[i] < t + 7) w->actual++;
    n++;
  }
  return n;
}
