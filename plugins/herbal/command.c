/*
** command.c -- `cairn herbal-data`: the reference data's size, review
** status and the works it cites; with --check FILE, the safety check of a
** draft prescription (a herbal:Prescription document) as the XML API and
** imports run it, its findings printed and nothing stored.  --pregnant,
** --possibly-pregnant and --medicine TEXT (repeatable) stand in for a
** patient's record, for a dry run before a patient exists.
*/
#include "herbal.h"
#include "data_load.h"

#include <string.h>

static int print_check(cairn_req *req, const char *path,
                       const herbal_patient *pt, cairn_error *err) {
  cairn_doc *body = cairn_xml_load(path, "herbal.xsd", err);
  if (!body) return err->code ? err->code : CAIRN_EINVAL;
  herbal_findings *out = cairn_req_alloc(req, sizeof *out);
  herbal_verdict v = herbal_check_body_for(req, body, pt, out, err);
  int rc = err->code;
  if (!rc) {
    for (int i = 0; i < out->n; i++) {
      const herbal_finding *f = &out->items[i];
      cairn_cli_print(req, "line %d\t%s\t%s\t%s\n", f->line + 1,
                      herbal_severity_word(f->severity),
                      herbal_rule_word(f->rule), f->message);
    }
    cairn_error why = {0};
    if (herbal_refusal(out, v, &why))
      cairn_cli_print(req, "verdict: not saveable (%s): %s\n", why.field, why.message);
    else
      cairn_cli_print(req, "verdict: saveable\n");
  }
  cairn_doc_free(body);
  return rc;
}

int herbal_command_data(cairn_req *req, int argc, char **argv,
                        cairn_error *err) {
  const herbal_db *db = herbal_data;
  if (argc >= 3 && strcmp(argv[1], "--check") == 0) {
    herbal_patient *pt = cairn_req_alloc(req, sizeof *pt);
    const char **meds = cairn_req_alloc(req, HERBAL_MEDICINES_MAX * sizeof *meds);
    pt->medicines = meds;
    for (int i = 3; i < argc; i++) {
      if (strcmp(argv[i], "--pregnant") == 0) pt->pregnancy = HERBAL_PREGNANT;
      else if (strcmp(argv[i], "--possibly-pregnant") == 0)
        pt->pregnancy = HERBAL_POSSIBLY_PREGNANT;
      else if (strcmp(argv[i], "--medicine") == 0 && i + 1 < argc &&
               pt->n_medicines < HERBAL_MEDICINES_MAX)
        meds[pt->n_medicines++] = argv[++i];
      else
        return cairn_fail(err, CAIRN_EINVAL, NULL, "herbal-data --check: "
                          "unknown option \"%s\"", argv[i]);
    }
    return print_check(req, argv[2], pt, err);
  }
  if (argc != 1)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "usage: cairn herbal-data [--check PRESCRIPTION.xml "
                      "[--pregnant | --possibly-pregnant] [--medicine TEXT]...]");
  int facts = 0, not_found = 0;
  for (int i = 0; i < db->n_herbs; i++) {
    const herbal_herb *h = &db->herbs[i];
    const herbal_fact *fs[] = {&h->name_fact, &h->dose_fact, &h->pregnancy_fact,
                               &h->toxicity_fact};
    for (int k = 0; k < 4; k++) {
      facts++;
      not_found += strcmp(fs[k]->src, HERBAL_NOT_FOUND) == 0;
    }
    facts += h->n_notices;
  }
  /* The rules expanded: every herb of one side with every herb of the
  ** other is one pair the check blocks. */
  int herb_pairs = 0;
  for (int i = 0; i < db->n_pairs; i++)
    herb_pairs += db->pairs[i].side[0].herbs.n * db->pairs[i].side[1].herbs.n;
  int aristolochic = 0;
  for (int i = 0; i < db->n_herbs; i++) aristolochic += db->herbs[i].n_notices > 0;
  cairn_cli_print(req,
                  "herbs %d (aristolochic acid, refused: %d)\nformulas %d\n"
                  "incompatible pairs %d (herb pairs, expanded: %d)\nmedicines %d in %d classes\n"
                  "interactions %d\nherb facts %d, of which \"not found\" %d\n"
                  "review: %s\nsources %d:\n",
                  db->n_herbs, aristolochic, db->n_formulas, db->n_pairs,
                  herb_pairs, db->n_drugs, db->n_classes, db->n_interactions, facts,
                  not_found, db->unverified ? "unverified (check every fact "
                  "against its source before clinical use)" : "verified",
                  db->n_sources);
  for (int i = 0; i < db->n_sources; i++)
    cairn_cli_print(req, "  %s: %s\n", db->sources[i].id, db->sources[i].text);
  return 0;
}
