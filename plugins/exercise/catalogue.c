/*
** catalogue.c -- the library page (/exercises): every exercise by stage
** with its dose, instructions, cue and drawing, the self-management tools,
** and the rules with their sources.
*/
#include "exercise.h"

int ex_page_library(cairn_req *req) {
  const ex_library *lib = exercise_library;
  cairn_doc *doc = cairn_doc_new(req, NULL, "exercise-library");
  size_t i;
  int s;
  cairn_doc_attr(doc, "qigong-source", lib->qigong_source);
  cairn_doc_open(doc, "rules");
  for (i = 0; i < EX_RULE_COUNT; i++) {
    cairn_doc_open(doc, "rule");
    cairn_doc_attr(doc, "name", lib->rule_name[i]);
    cairn_doc_attr(doc, "source", lib->rule_source[i]);
    cairn_doc_text(doc, "text", lib->rule_text[i]);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
  for (s = EX_STAGE_CORRECTIVE; s <= EX_STAGE_LOADING; s++) {
    cairn_doc_open(doc, "stage");
    cairn_doc_attr(doc, "code", ex_stage_code((ex_stage)s));
    cairn_doc_attr(doc, "label", ex_stage_label((ex_stage)s));
    for (i = 0; i < lib->n; i++) {
      if (lib->ex[i].stage != (ex_stage)s) continue;
      ex_doc_exercise(req, doc, &lib->ex[i], 1);
      cairn_doc_close(doc);
    }
    cairn_doc_close(doc);
  }
  for (i = 0; i < lib->n_tools; i++) {
    cairn_doc_open(doc, "tool");
    cairn_doc_attr(doc, "name", lib->tool[i].name);
    cairn_doc_text(doc, "advice", lib->tool[i].advice);
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "exercise/library", 200);
}
