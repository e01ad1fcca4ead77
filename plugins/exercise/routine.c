/*
** routine.c -- the home routine: what the patient has mastered, in the
** order of the stages.  Pure (progression.h).
*/
#include "progression.h"

int ex_mastered(const ex_rules *r, int inside) {
  return inside >= r->mastery_sessions;
}

/* 1 when item a comes before item b in the routine. */
static int before(const ex_routine_item *a, const ex_routine_item *b) {
  if (a->stage != b->stage) return a->stage < b->stage;
  return a->order < b->order;
}

size_t ex_routine_assemble(const ex_rules *r, const ex_routine_item *items,
                           size_t n, size_t *out, size_t max) {
  size_t m = 0, i, j;
  for (i = 0; i < n && m < max; i++) {
    if (items[i].stage == EX_STAGE_NONE || !ex_mastered(r, items[i].inside))
      continue;
    /* insertion sort: a routine is a handful of exercises */
    for (j = m; j > 0 && before(&items[i], &items[out[j - 1]]); j--)
      out[j] = out[j - 1];
    out[j] = i;
    m++;
  }
  return m;
}
