/*
** pricing.c -- the public pricing page (GET /pricing, no sign-in),
** generated from the current program definition: each phase, what it
** holds, and its flat fee.  The clinic bills per phase, never per visit
** (PROGRAM.md); the page says so, and shows the fee per planned session
** only as an illustration of how the rate falls as care goes on.
*/
#include "program.h"

int program_page_pricing(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "pricing");
  const program_def *d = program_def_current();
  program_doc_definition(req, doc, d);
  /* What other plugins add below the program (the maintenance plans). */
  cairn_sections_fill(req, "pricing", 0, 0, doc);
  return cairn_respond_view(req, doc, "program/pricing", 200);
}
