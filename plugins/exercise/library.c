/*
** library.c -- load the exercise library (library.h) through the kit:
** xml_load validates each file against exercise-library.xsd, then the
** rules the schema cannot say are checked here.
*/
#include "library.h"

#include <stdlib.h>
#include <string.h>

CAIRN_PLUGIN_EXTERN

static const char *const rule_elements[EX_RULE_COUNT] = {
  "painModel", "stageGate", "loadProgression", "stepBack", "flare",
  "mastery" };

/* An attribute as an int / a double (the schema has checked its form). */
static int attr_int(cairn_doc *d, cairn_node *n, const char *name) {
  const char *v = cairn_node_attr(d, n, name);
  return v != NULL ? atoi(v) : 0;
}
static double attr_real(cairn_doc *d, cairn_node *n, const char *name) {
  const char *v = cairn_node_attr(d, n, name);
  return v != NULL ? strtod(v, NULL) : 0;
}
static const char *child_text(cairn_doc *d, cairn_node *n, const char *name) {
  cairn_node *c = cairn_node_child(d, n, name);
  return c != NULL ? cairn_node_text(d, c) : "";
}

static int load_rules(ex_library *lib, cairn_doc *d, cairn_node *rules,
                      const char *path, cairn_error *err) {
  ex_rules *r = &lib->rules;
  cairn_node *n[EX_RULE_COUNT];
  int i;
  for (i = 0; i < EX_RULE_COUNT; i++) {
    n[i] = cairn_node_child(d, rules, rule_elements[i]);
    if (n[i] == NULL)   /* the schema requires each: a broken install */
      return cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: <%s> missing",
                        path, rule_elements[i]);
    lib->rule_name[i] = rule_elements[i];
    lib->rule_text[i] = cairn_node_text(d, n[i]);
    lib->rule_source[i] = cairn_node_attr(d, n[i], "source");
  }
  r->max_pain = attr_int(d, n[EX_RULE_PAIN_MODEL], "maxPain");
  r->gate_sessions = attr_int(d, n[EX_RULE_STAGE_GATE], "sessions");
  r->flare_free_days = attr_int(d, n[EX_RULE_STAGE_GATE], "flareFreeDays");
  r->progress_sessions = attr_int(d, n[EX_RULE_LOAD_PROGRESSION],
                                  "sessions");
  r->min_percent = attr_real(d, n[EX_RULE_LOAD_PROGRESSION], "minPercent");
  r->max_percent = attr_real(d, n[EX_RULE_LOAD_PROGRESSION], "maxPercent");
  r->increment = attr_real(d, n[EX_RULE_LOAD_PROGRESSION], "increment");
  r->max_sets = attr_int(d, n[EX_RULE_LOAD_PROGRESSION], "maxSets");
  r->mastery_sessions = attr_int(d, n[EX_RULE_MASTERY], "sessions");
  if (r->min_percent > r->max_percent)
    return cairn_fail(err, CAIRN_EINVAL, "loadProgression",
                      "%s: loadProgression minPercent %g is above maxPercent "
                      "%g", path, r->min_percent, r->max_percent);
  return 0;
}

/* A list attribute of the drawing: every child `name` into out[]. */
static int load_points(cairn_doc *d, cairn_node *drawing, const char *name,
                       const char **out, int max) {
  int k = 0;
  cairn_node *c;
  for (c = cairn_node_child(d, drawing, name); c != NULL && k < max;
       c = cairn_node_next(c, name))
    out[k++] = cairn_node_attr(d, c, "points");
  return k;
}

static int load_exercise(ex_library *lib, cairn_doc *d, cairn_node *n,
                         const char *path, cairn_error *err) {
  ex_exercise *e;
  cairn_node *c, *dose, *drawing, *head;
  const char *id = cairn_node_attr(d, n, "id");
  const ex_exercise *dup = ex_library_find(lib, id);
  if (dup != NULL)
    return cairn_fail(err, CAIRN_ECONFLICT, "exercise",
                      "exercise \"%s\" is in both %s and %s: give the "
                      "clinic's own exercise another id", id, dup->file,
                      path);
  if (lib->n == EX_LIBRARY_MAX)
    return cairn_fail(err, CAIRN_ELIMIT, "exercise",
                      "%s: more than %d exercises in all", path,
                      EX_LIBRARY_MAX);
  e = &lib->ex[lib->n];
  memset(e, 0, sizeof *e);
  e->id = id;
  e->stage = ex_stage_parse(cairn_node_attr(d, n, "stage"), NULL);
  e->order = attr_int(d, n, "order");
  e->index = (int)lib->n;
  e->name = child_text(d, n, "name");
  e->pinyin = child_text(d, n, "pinyin");
  for (c = cairn_node_child(d, n, "region");
       c != NULL && e->n_regions < EX_REGIONS_MAX;
       c = cairn_node_next(c, "region"))
    e->region[e->n_regions++] = cairn_node_text(d, c);
  e->pattern = child_text(d, n, "pattern");
  e->instructions = child_text(d, n, "instructions");
  e->cue = child_text(d, n, "cue");
  e->description = child_text(d, n, "description");
  dose = cairn_node_child(d, n, "dose");
  e->dose.sets = attr_int(d, dose, "sets");
  e->dose.reps = attr_int(d, dose, "reps");
  e->dose.hold = attr_int(d, dose, "holdSeconds");
  e->dose.load = attr_real(d, dose, "load");
  e->tempo = cairn_node_attr(d, dose, "tempo");
  if (e->tempo == NULL) e->tempo = "";
  e->rest = attr_int(d, dose, "restSeconds");
  e->per_week = attr_int(d, dose, "perWeek");
  if (e->dose.reps == 0 && e->dose.hold == 0)
    return cairn_fail(err, CAIRN_EINVAL, "dose",
                      "%s: exercise \"%s\": its dose needs reps or "
                      "holdSeconds", path, id);
  if ((e->stage == EX_STAGE_QIGONG) != (e->order > 0))
    return cairn_fail(err, CAIRN_EINVAL, "order",
                      "%s: exercise \"%s\": qi gong pieces, and only they, "
                      "carry their order in the set", path, id);
  drawing = cairn_node_child(d, n, "drawing");
  head = cairn_node_child(d, drawing, "head");
  e->head_cx = cairn_node_attr(d, head, "cx");
  e->head_cy = cairn_node_attr(d, head, "cy");
  e->n_strokes = load_points(d, drawing, "stroke", e->stroke,
                             EX_STROKES_MAX);
  e->n_props = load_points(d, drawing, "prop", e->prop, EX_PROPS_MAX);
  e->file = path;
  lib->n++;
  return 0;
}

static int load_file(ex_library *lib, int which, const char *path,
                     cairn_error *err) {
  cairn_doc *d = cairn_xml_load(path, "exercise-library.xsd", err);
  cairn_node *root, *c;
  int rc;
  if (d == NULL) return err->code ? err->code : CAIRN_EINVAL;
  lib->doc[which] = d;
  root = cairn_doc_root(d);
  c = cairn_node_child(d, root, "rules");
  if (which == 0 && c == NULL)
    return cairn_fail(err, CAIRN_EINVAL, "rules",
                      "%s: the shipped library must hold <rules>", path);
  if (which == 1 && c != NULL)
    return cairn_fail(err, CAIRN_ECONFLICT, "rules",
                      "%s: a clinic's own library may not hold <rules>: "
                      "they are in the shipped file, and one set of numbers "
                      "is in force", path);
  if (c != NULL && (rc = load_rules(lib, d, c, path, err)) != 0) return rc;
  if (which == 0)
    lib->qigong_source = child_text(d, root, "qigongSource");
  for (c = cairn_node_child(d, root, "exercise"); c != NULL;
       c = cairn_node_next(c, "exercise"))
    if ((rc = load_exercise(lib, d, c, path, err)) != 0) return rc;
  for (c = cairn_node_child(d, root, "tool"); c != NULL;
       c = cairn_node_next(c, "tool")) {
    const char *id = cairn_node_attr(d, c, "id");
    if (ex_library_tool(lib, id) != NULL)
      return cairn_fail(err, CAIRN_ECONFLICT, "tool",
                        "tool \"%s\" is in both the shipped library and %s",
                        id, path);
    if (lib->n_tools == EX_TOOLS_MAX)
      return cairn_fail(err, CAIRN_ELIMIT, "tool", "%s: too many tools",
                        path);
    lib->tool[lib->n_tools].id = id;
    lib->tool[lib->n_tools].name = child_text(d, c, "name");
    lib->tool[lib->n_tools].advice = child_text(d, c, "advice");
    lib->n_tools++;
  }
  return 0;
}

int ex_library_load(ex_library *lib, const char *path, const char *local,
                    cairn_error *err) {
  int rc, seen[EX_QIGONG_PIECES + 1] = {0};
  size_t i;
  memset(lib, 0, sizeof *lib);
  if ((rc = load_file(lib, 0, path, err)) != 0) goto fail;
  if (local != NULL && local[0] != '\0' &&
      (rc = load_file(lib, 1, local, err)) != 0)
    goto fail;
  for (i = 0; i < lib->n; i++) {
    int o = lib->ex[i].order;
    if (lib->ex[i].stage != EX_STAGE_QIGONG) continue;
    if (o > EX_QIGONG_PIECES || seen[o]) {
      rc = cairn_fail(err, CAIRN_ECONFLICT, "order",
                      "%s: qi gong piece %d of \"%s\" is %s", lib->ex[i].file,
                      o, lib->ex[i].id,
                      o > EX_QIGONG_PIECES ? "beyond the eight of the set"
                                           : "numbered twice");
      goto fail;
    }
    seen[o] = 1;
  }
  return 0;
fail:
  ex_library_free(lib);
  return rc;
}

void ex_library_free(ex_library *lib) {
  int i;
  for (i = 0; i < 2; i++) {
    if (lib->doc[i] != NULL) cairn_doc_free(lib->doc[i]);
    lib->doc[i] = NULL;
  }
  lib->n = lib->n_tools = 0;
}

const ex_exercise *ex_library_find(const ex_library *lib, const char *id) {
  size_t i;
  if (id == NULL) return NULL;
  for (i = 0; i < lib->n; i++)
    if (strcmp(lib->ex[i].id, id) == 0) return &lib->ex[i];
  return NULL;
}

const ex_tool *ex_library_tool(const ex_library *lib, const char *id) {
  size_t i;
  if (id == NULL) return NULL;
  for (i = 0; i < lib->n_tools; i++)
    if (strcmp(lib->tool[i].id, id) == 0) return &lib->tool[i];
  return NULL;
}
