/*
** library.h -- the exercise library in memory (library.c): the shipped
** data/exercise-library.xml and a clinic's own file, validated against
** schemas/exercise-library.xsd and merged at start-up.
*/
#ifndef EXERCISE_LIBRARY_H
#define EXERCISE_LIBRARY_H

#include <cairn/plugin.h>

#include "progression.h"

#pragma GCC visibility push(hidden)

/* The schema's own bounds: exercises per file, tools, regions per
** exercise, strokes and props per drawing. */
#define EX_LIBRARY_MAX 400       /* two files of at most 200 each */
#define EX_TOOLS_MAX 40          /* two files of at most 20 each */
#define EX_REGIONS_MAX 3
#define EX_STROKES_MAX 12
#define EX_PROPS_MAX 6
/* The Ba Duan Jin has eight pieces. */
#define EX_QIGONG_PIECES 8

/* Rules with their text and source, in the order of <rules>. */
typedef enum ex_rule_id {
  EX_RULE_PAIN_MODEL = 0, EX_RULE_STAGE_GATE, EX_RULE_LOAD_PROGRESSION,
  EX_RULE_STEP_BACK, EX_RULE_FLARE, EX_RULE_MASTERY, EX_RULE_COUNT
} ex_rule_id;

typedef struct ex_exercise {
  const char *id;            /* "dead-bug" */
  ex_stage stage;
  int order;                 /* qi gong: place in the set (1..8); 0 */
  int index;                 /* position in the merged library */
  const char *name, *pinyin; /* pinyin "" unless qi gong */
  const char *region[EX_REGIONS_MAX];
  int n_regions;
  const char *pattern, *instructions, *cue, *description;
  ex_dose dose;              /* the starting dose */
  const char *tempo;         /* "3-1-1" or "" */
  int rest;                  /* seconds between sets, 0 when not given */
  int per_week;              /* how often a week at home */
  const char *head_cx, *head_cy;
  const char *stroke[EX_STROKES_MAX];
  int n_strokes;
  const char *prop[EX_PROPS_MAX];
  int n_props;
  const char *file;          /* the file it came from */
} ex_exercise;

typedef struct ex_tool {
  const char *id, *name, *advice;
} ex_tool;

typedef struct ex_library {
  ex_rules rules;
  const char *rule_name[EX_RULE_COUNT];   /* element name: "painModel" */
  const char *rule_text[EX_RULE_COUNT];
  const char *rule_source[EX_RULE_COUNT];
  const char *qigong_source;
  size_t n;
  ex_exercise ex[EX_LIBRARY_MAX];
  size_t n_tools;
  ex_tool tool[EX_TOOLS_MAX];
  cairn_doc *doc[2];         /* the files, kept while strings point in */
} ex_library;

/*
** Load the shipped library `path` and, when `local` is not NULL or "",
** a clinic's own file, both validated against exercise-library.xsd.  The
** shipped file must hold <rules>, a clinic's may not; an exercise or tool
** id in both is refused naming the id and both files; the qi gong pieces
** must be numbered 1..8 once each.  0, or a CAIRN_E* code with *err.
** Calls the host (xml_load, doc_*): init only.
*/
int ex_library_load(ex_library *lib, const char *path, const char *local,
                    cairn_error *err);
void ex_library_free(ex_library *lib);
/* The exercise with this id, or NULL. */
const ex_exercise *ex_library_find(const ex_library *lib, const char *id);
const ex_tool *ex_library_tool(const ex_library *lib, const char *id);

#pragma GCC visibility pop

#endif /* EXERCISE_LIBRARY_H */
