/*
** homeroutine.c -- the episode's home routine as stored (the newest
** version of its exercise:HomeRoutine), read in one place for every page
** that shows it: the handout, the parts the program's pages carry
** (episode, graduation, the patient's summary) and the patient's own
** routine page; and how the routine is said in words.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

/* The dose attributes of an <item> (or <done>) element. */
static ex_dose read_dose(cairn_doc *body, cairn_node *n) {
  ex_dose d = { .sets = 1 };
  const char *v;
  v = cairn_node_attr(body, n, "sets");
  d.sets = v ? atoi(v) : 1;
  v = cairn_node_attr(body, n, "reps");
  d.reps = v ? atoi(v) : 0;
  v = cairn_node_attr(body, n, "hold");
  d.hold = v ? atoi(v) : 0;
  v = cairn_node_attr(body, n, "load");
  d.load = v ? strtod(v, NULL) : 0;
  return d;
}

/* See exercise.h. */
int ex_routine_load(cairn_req *req, const ex_episode *e, ex_routine *r,
                    cairn_error *err) {
  const ex_library *lib = exercise_library;
  const cairn_record *rec;
  cairn_doc *body;
  cairn_node *n;
  long since;
  memset(r, 0, sizeof *r);
  if (e->routine_id == 0) return 0;
  if (cairn_record_get_for_patient(req, e->patient, e->routine_id, &rec,
                                   err) != 0)
    return err->code ? err->code : CAIRN_EINTERNAL;
  body = cairn_record_body(req, rec);
  r->version = cairn_record_version(rec);
  r->since = cairn_doc_value(body, NULL, "r:since");
  r->reviewed = cairn_doc_value(body, NULL, "r:date");
  r->note = cairn_doc_value(body, NULL, "r:note");
  r->weeks = cairn_date_parse(r->since, &since) == 0 && e->today >= since
                 ? (e->today - since) / 7 : 0;
  for (n = cairn_node_child(body, NULL, "item");
       n != NULL && r->n_items < EX_ROUTINE_ITEMS_MAX;
       n = cairn_node_next(n, "item")) {
    ex_routine_entry *it = &r->item[r->n_items];
    const char *v = cairn_node_attr(body, n, "perWeek");
    it->x = ex_library_find(lib, cairn_node_attr(body, n, "exercise"));
    if (it->x == NULL) continue;   /* a clinic file no longer loaded */
    it->dose = read_dose(body, n);
    it->per_week = v ? atoi(v) : 1;
    r->n_items++;
  }
  for (n = cairn_node_child(body, NULL, "tool");
       n != NULL && r->n_tools < EX_ROUTINE_TOOLS_MAX;
       n = cairn_node_next(n, "tool")) {
    const ex_tool *t = ex_library_tool(lib, cairn_node_text(body, n));
    if (t == NULL) continue;
    if (strcmp(t->id, EX_FLARE_PLAN_TOOL) == 0) r->flare_plan = t;
    else r->tool[r->n_tools++] = t;
  }
  return 1;
}

/* See exercise.h. */
const char *ex_how_often(cairn_req *req, int per_week) {
  if (per_week >= 7) return "every day";
  if (per_week <= 1) return "once a week";
  if (per_week == 2) return "twice a week";
  return cairn_req_printf(req, "%d times a week", per_week);
}

/* See exercise.h. */
const char *ex_flare_step_back(cairn_req *req, const ex_routine *r) {
  const ex_rules *rules = &exercise_library->rules;
  const char *out = "";
  size_t i;
  for (i = 0; i < r->n_items; i++) {
    ex_dose back;
    if (r->item[i].x->stage != EX_STAGE_LOADING) continue;
    back = ex_dose_down(rules, r->item[i].dose);
    out = cairn_req_printf(req, "%s%s%s %s", out, out[0] ? "; " : "",
                           r->item[i].x->name, ex_dose_text(req, &back));
  }
  if (out[0] == '\0')
    return "fewer repetitions of the movements above, done slowly, until "
           "it settles.";
  return cairn_req_printf(req, "%s, and keep the gentle movements. If it "
                          "is severe, leave the loaded exercises out until "
                          "it settles.", out);
}
