/*
** pricing.c -- the public pricing page (GET /pricing, no sign-in),
** generated from the current program definition: each phase, what it
** holds, and its flat fee.  The clinic bills per phase, never per visit
** (PROGRAM.md); the page says so, and shows the fee per planned session
** only as an illustration of how the rate falls as care goes on.
*/
#include "program.h"

/* The page's document: the current definition, clinic data read at
** start-up. */
static cairn_doc *pricing_doc(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "pricing");
  program_doc_definition(req, doc, program_def_current());
  /* What other plugins add below the program (the maintenance plans). */
  cairn_sections_fill(req, "pricing", 0, 0, doc);
  return doc;
}

/* The same for every visitor: rendered once per worker and data version. */
int program_page_pricing(cairn_req *req) {
  return cairn_respond_shared(req, pricing_doc, "program/pricing");
}
