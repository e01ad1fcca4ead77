/*
** stage.c -- the stage machine (not started -> corrective -> qi gong ->
** loading), the gate between stages and the "gains held" rule that lets
** the progression start.  Pure (progression.h).
*/
#include "progression.h"

#include <stdio.h>
#include <string.h>

static const char *const stage_codes[EX_STAGE_COUNT] = {
  "not-started", "corrective", "qigong", "loading" };
static const char *const stage_labels[EX_STAGE_COUNT] = {
  "Not started", "Corrective exercise", "Qi gong", "Progressive loading" };

ex_stage ex_stage_parse(const char *code, int *ok) {
  int i;
  if (ok != NULL) *ok = 0;
  if (code == NULL) return EX_STAGE_NONE;
  for (i = 0; i < EX_STAGE_COUNT; i++) {
    if (strcmp(code, stage_codes[i]) == 0) {
      if (ok != NULL) *ok = 1;
      return (ex_stage)i;
    }
  }
  return EX_STAGE_NONE;
}

const char *ex_stage_code(ex_stage s) {
  return (s >= EX_STAGE_NONE && s <= EX_STAGE_LOADING) ? stage_codes[s]
                                                       : stage_codes[0];
}

const char *ex_stage_label(ex_stage s) {
  return (s >= EX_STAGE_NONE && s <= EX_STAGE_LOADING) ? stage_labels[s]
                                                       : stage_labels[0];
}

ex_stage ex_stage_next(ex_stage s) {
  return s < EX_STAGE_LOADING ? (ex_stage)(s + 1) : EX_STAGE_LOADING;
}

ex_stage ex_stage_back(ex_stage s) {
  return s > EX_STAGE_CORRECTIVE ? (ex_stage)(s - 1) : s;
}

int ex_move_check(ex_move kind, ex_stage from, ex_stage to,
                  const char **why) {
  const char *w = NULL;
  switch (kind) {
  case EX_MOVE_START:
    if (from != EX_STAGE_NONE) w = "the progression has already started";
    else if (to != EX_STAGE_CORRECTIVE)
      w = "the progression starts with corrective exercise";
    break;
  case EX_MOVE_ADVANCE:
    if (from == EX_STAGE_NONE) w = "the progression has not started yet";
    else if (from == EX_STAGE_LOADING)
      w = "progressive loading is the last stage";
    else if (to != ex_stage_next(from))
      w = "each stage requires the one before it: move on one stage at a "
          "time";
    break;
  case EX_MOVE_FLARE_STAGE:
    if (from == EX_STAGE_NONE) w = "the progression has not started yet";
    else if (to != ex_stage_back(from))
      w = "a severe flare steps back exactly one stage, never to the start";
    break;
  case EX_MOVE_FLARE_LOAD:
    if (from == EX_STAGE_NONE) w = "the progression has not started yet";
    else if (to != from) w = "a flare's load step keeps the stage";
    break;
  default:
    w = "unknown kind of change";
  }
  if (why != NULL) *why = w;
  return w == NULL ? 0 : -1;
}

ex_response ex_response_parse(const char *code) {
  if (code == NULL) return EX_RESP_UNKNOWN;
  if (strcmp(code, "better") == 0) return EX_RESP_BETTER;
  if (strcmp(code, "same") == 0) return EX_RESP_SAME;
  if (strcmp(code, "worse") == 0) return EX_RESP_WORSE;
  return EX_RESP_UNKNOWN;
}

const char *ex_response_code(ex_response r) {
  switch (r) {
  case EX_RESP_BETTER: return "better";
  case EX_RESP_SAME: return "same";
  case EX_RESP_WORSE: return "worse";
  default: return "";
  }
}

int ex_inside_model(const ex_rules *r, int pain, ex_response next_morning) {
  return pain >= 0 && pain <= r->max_pain &&
         (next_morning == EX_RESP_BETTER || next_morning == EX_RESP_SAME);
}

/* The index of the session of `stage` on or after `since` that is the
** newest strictly before `below` (day, then position), or -1.  Sessions
** come in any order; position breaks ties on the same day. */
static int newest_before(const ex_session *s, size_t n, ex_stage stage,
                         long since, int below) {
  int best = -1;
  size_t i;
  for (i = 0; i < n; i++) {
    if (s[i].stage != stage || s[i].day < since) continue;
    if (below >= 0 && (s[i].day > s[below].day ||
                       (s[i].day == s[below].day && (int)i >= below)))
      continue;
    if (best < 0 || s[i].day > s[best].day ||
        (s[i].day == s[best].day && (int)i > best))
      best = (int)i;
  }
  return best;
}

void ex_gate_eval(const ex_rules *r, ex_stage stage, long since,
                  const ex_session *s, size_t n, const ex_flare *f,
                  size_t nf, long today, ex_gate *g) {
  int last, i;
  size_t k;
  memset(g, 0, sizeof *g);
  g->needed = r->gate_sessions;
  if (stage == EX_STAGE_NONE) {
    snprintf(g->why, sizeof g->why,
             "the progression has not started: it starts in the monthly "
             "program once gains hold, or earlier with a written reason");
    return;
  }
  /* the run of sessions inside the model, newest backwards */
  last = newest_before(s, n, stage, since, -1);
  for (i = last; i >= 0; i = newest_before(s, n, stage, since, i)) {
    if (!ex_inside_model(r, s[i].pain, s[i].next_morning)) break;
    g->run++;
  }
  if (stage == EX_STAGE_LOADING) {
    snprintf(g->why, sizeof g->why,
             "progressive loading is the last stage: each exercise's load "
             "steps up on its own");
    return;
  }
  for (k = 0; k < nf; k++) {
    long end = f[k].end < 0 ? today : f[k].end;
    if (f[k].start <= today && end >= today - r->flare_free_days) {
      if (f[k].end < 0)
        snprintf(g->why, sizeof g->why,
                 "a flare began %ld day%s ago and is still open: no flare in "
                 "the last %d days is needed", today - f[k].start,
                 today - f[k].start == 1 ? "" : "s", r->flare_free_days);
      else
        snprintf(g->why, sizeof g->why,
                 "a flare ended %ld day%s ago: no flare in the last %d days "
                 "is needed", today - f[k].end,
                 today - f[k].end == 1 ? "" : "s", r->flare_free_days);
      return;
    }
  }
  if (last >= 0 && !ex_inside_model(r, s[last].pain, s[last].next_morning)) {
    if (s[last].pain > r->max_pain)
      snprintf(g->why, sizeof g->why,
               "pain during the last session was %d/10, above the %d/10 the "
               "pain-monitoring model accepts", s[last].pain, r->max_pain);
    else if (s[last].next_morning == EX_RESP_WORSE)
      snprintf(g->why, sizeof g->why,
               "the morning after the last session was worse than usual");
    else
      snprintf(g->why, sizeof g->why,
               "the next-morning response to the last session is not "
               "recorded yet");
    return;
  }
  if (g->run < r->gate_sessions) {
    snprintf(g->why, sizeof g->why,
             "%d of %d session%s in a row inside the pain-monitoring model "
             "so far", g->run, r->gate_sessions,
             r->gate_sessions == 1 ? "" : "s");
    return;
  }
  g->open = 1;
  snprintf(g->why, sizeof g->why,
           "%d sessions in a row inside the pain-monitoring model and no "
           "flare in the last %d days: ready for %s", g->run,
           r->flare_free_days, ex_stage_label(ex_stage_next(stage)));
}

int ex_gains_held(const ex_point *p, size_t n, long today, int held_days,
                  double tolerance) {
  long w0 = today - held_days;
  int ref = -1;
  size_t i, in_window = 0;
  for (i = 0; i < n; i++)
    if (p[i].day <= w0 && (ref < 0 || p[i].day >= p[ref].day)) ref = (int)i;
  if (ref < 0 || p[ref].improvement <= 0) return 0;
  for (i = 0; i < n; i++) {
    if (p[i].day <= w0 || p[i].day > today) continue;
    in_window++;
    if (p[i].improvement < p[ref].improvement - tolerance) return 0;
  }
  return in_window > 0;
}
