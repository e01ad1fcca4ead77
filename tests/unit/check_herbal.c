/*
** check_herbal.c -- unit tests of the herbal plugin's reference data and
** its one safety check (plugins/herbal: herbdb.c, names.c, medicines.c,
** safety.c, and data_load.c through the core's real host table).
**
** "data" proves the shipped data keeps its own rules: every fact has a
** source or says "not found", every herb of a formula or rule exists as a
** monograph, doses are grams with 0 < min <= max; the herbs the issue
** names are there with what makes them matter; a clinic's own file merges
** and a conflict or a fact without a source is refused with the file named.
** "rules" trips each rule with a prescription, and "decide" proves what a
** clinician can and cannot override.  The data's size is printed for the
** report.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herbdb.h"
#include "names.h"
#include "medicines.h"
#include "safety.h"
#include "data_load.h"

CAIRN_PLUGIN_INIT1

/* The core's real host table and where its xml_load finds schemas
** (core/lib/cairn_int.h; not included here, where the plugin's calling
** macros are in force). */
extern const cairn_api cairn_host_table;
void cairn_host_set_schemas(const char *dir);

static const char *const shipped[] = {
  CAIRN_TEST_SRCDIR "/data/herbal/sources.xml",
  CAIRN_TEST_SRCDIR "/data/herbal/herbs.xml",
  CAIRN_TEST_SRCDIR "/data/herbal/formulas.xml",
  CAIRN_TEST_SRCDIR "/data/herbal/rules.xml",
  CAIRN_TEST_SRCDIR "/data/herbal/interactions.xml",
  NULL
};
#define FIXTURE(name) CAIRN_TEST_DATA "/herbal/" name

static herbal_db *db;

/* Load the shipped files and then `extra` (NULL: none); the status of the
** first failure (load or finish), with *err. */
static int load(herbal_db *into, const char *extra, cairn_error *err) {
  int rc;
  for (int i = 0; shipped[i]; i++)
    if ((rc = herbal_data_load(into, shipped[i], err))) return rc;
  if (extra && (rc = herbal_data_load(into, extra, err))) return rc;
  return herbal_db_finish(into, err);
}

static void setup(void) {
  cairn_host_api = &cairn_host_table;
  cairn_host_set_schemas(CAIRN_TEST_SRCDIR "/schemas");
  cairn_error err = {0};
  db = herbal_db_new();
  int rc = load(db, NULL, &err);
  ck_assert_msg(rc == 0, "shipped data refused: %s", err.message);
}
static void teardown(void) {
  herbal_db_free(db);
  db = NULL;
}

static int herb(const char *id) {
  int h = herbal_db_herb(db, id);
  ck_assert_msg(h >= 0, "no herb %s", id);
  return h;
}

static int fact_ok(const herbal_fact *f) {
  return f->src && f->src[0] &&
         (strcmp(f->src, HERBAL_NOT_FOUND) == 0 || herbal_db_source(db, f->src) >= 0);
}

/* ------------------------------------------------------------------ data */

START_TEST(data_every_fact_has_a_source_or_says_not_found) {
  int facts = 0, not_found = 0;
  for (int i = 0; i < db->n_herbs; i++) {
    const herbal_herb *h = &db->herbs[i];
    const herbal_fact *fs[] = {&h->name_fact, &h->dose_fact, &h->pregnancy_fact,
                               &h->toxicity_fact};
    for (int k = 0; k < 4; k++) {
      ck_assert_msg(fact_ok(fs[k]), "%s: fact %d unsourced", h->id, k);
      facts++;
      not_found += strcmp(fs[k]->src, HERBAL_NOT_FOUND) == 0;
    }
    for (int k = 0; k < h->n_notices; k++) {
      ck_assert(fact_ok(&h->notice_facts[k]));
      ck_assert_str_ne(h->notice_facts[k].src, HERBAL_NOT_FOUND);
      facts++;
    }
  }
  for (int i = 0; i < db->n_formulas; i++) {
    ck_assert(fact_ok(&db->formulas[i].origin_fact));
    ck_assert(fact_ok(&db->formulas[i].composition_fact));
    facts += 2;
  }
  for (int i = 0; i < db->n_pairs; i++) {
    ck_assert(fact_ok(&db->pairs[i].fact));
    ck_assert(fact_ok(&db->pairs[i].side[0].fact));
    ck_assert(fact_ok(&db->pairs[i].side[1].fact));
    facts += 3;
  }
  for (int i = 0; i < db->n_interactions; i++)
    for (int k = 0; k < db->interactions[i].n_evidence; k++) {
      ck_assert(fact_ok(&db->interactions[i].evidence[k]));
      ck_assert_str_ne(db->interactions[i].evidence[k].src, HERBAL_NOT_FOUND);
      facts++;
    }
  for (int i = 0; i < db->n_drugs; i++) {
    ck_assert(fact_ok(&db->drugs[i].fact));
    for (int k = 0; k < db->drugs[i].n_brands; k++)
      ck_assert(fact_ok(&db->drugs[i].brand_facts[k]));
  }
  int interactions_pairs = 0;
  for (int i = 0; i < db->n_interactions; i++)
    interactions_pairs += db->interactions[i].herbs.n;
  printf("herbal data: %d sources, %d herbs, %d formulas, %d incompatible "
         "pairs, %d medicines in %d classes, %d interactions; %d facts of "
         "which %d \"not found\"; review %s\n",
         db->n_sources, db->n_herbs, db->n_formulas, db->n_pairs,
         db->n_drugs, db->n_classes, db->n_interactions, facts, not_found,
         db->unverified ? "unverified" : "verified");
  ck_assert_int_gt(interactions_pairs, 0);
}
END_TEST

START_TEST(data_every_herb_of_a_formula_or_rule_is_a_monograph) {
  for (int i = 0; i < db->n_formulas; i++)
    for (int k = 0; k < db->formulas[i].n_items; k++) {
      const herbal_item *it = &db->formulas[i].items[k];
      ck_assert_int_ge(it->herb, 0);
      ck_assert_str_eq(db->herbs[it->herb].id, it->herb_id);
    }
  for (int i = 0; i < db->n_pairs; i++)
    for (int s = 0; s < 2; s++) {
      ck_assert_int_gt(db->pairs[i].side[s].herbs.n, 0);
      for (int k = 0; k < db->pairs[i].side[s].herbs.n; k++)
        ck_assert_int_lt(db->pairs[i].side[s].herbs.index[k], db->n_herbs);
    }
  for (int i = 0; i < db->n_interactions; i++)
    ck_assert_int_gt(db->interactions[i].herbs.n, 0);
}
END_TEST

START_TEST(data_doses_are_grams_with_min_at_most_max) {
  int with_dose = 0;
  for (int i = 0; i < db->n_herbs; i++) {
    const herbal_herb *h = &db->herbs[i];
    if (!h->has_dose) {
      ck_assert_str_eq(h->dose_fact.src, HERBAL_NOT_FOUND);
      continue;
    }
    with_dose++;
    ck_assert_msg(h->dose_min > 0 && h->dose_min <= h->dose_max &&
                      h->dose_max <= HERBAL_GRAMS_MAX, "%s", h->id);
  }
  for (int i = 0; i < db->n_formulas; i++)
    for (int k = 0; k < db->formulas[i].n_items; k++)
      ck_assert(db->formulas[i].items[k].grams >= 0 &&
                db->formulas[i].items[k].grams <= HERBAL_GRAMS_MAX);
  ck_assert_int_gt(with_dose, db->n_herbs / 2);
}
END_TEST

START_TEST(data_holds_what_the_issue_names) {
  const char *formulas[] = {"du-huo-ji-sheng-tang", "shen-tong-zhu-yu-tang",
                            "juan-bi-tang-yi-xue-xin-wu", "juan-bi-tang-yang-shi",
                            "shao-yao-gan-cao-tang"};
  for (size_t i = 0; i < sizeof formulas / sizeof *formulas; i++)
    ck_assert_msg(herbal_db_formula(db, formulas[i]) >= 0, "%s", formulas[i]);
  const char *aa[] = {"guan-mu-tong", "guang-fang-ji", "ma-dou-ling",
                      "tian-xian-teng", "qing-mu-xiang"};
  for (size_t i = 0; i < sizeof aa / sizeof *aa; i++)
    ck_assert_msg(db->herbs[herb(aa[i])].n_notices > 0, "%s", aa[i]);
  /* The safe herbs with similar names are not refused. */
  ck_assert_int_eq(db->herbs[herb("mu-tong")].n_notices, 0);
  ck_assert_int_eq(db->herbs[herb("fang-ji")].n_notices, 0);
  ck_assert_int_eq(db->herbs[herb("mu-xiang")].n_notices, 0);
  /* Wu Tou covers Chuan Wu, Cao Wu and Fu Zi, raw and prepared; Ban Xia
  ** its prepared forms. */
  const herbal_pair *wu = NULL;
  for (int i = 0; i < db->n_pairs; i++)
    if (strcmp(db->pairs[i].id, "fan-wu-tou") == 0) wu = &db->pairs[i];
  ck_assert_ptr_nonnull(wu);
  const char *wutou[] = {"chuan-wu", "zhi-chuan-wu", "cao-wu", "zhi-cao-wu", "fu-zi"};
  const char *banxia[] = {"ban-xia", "fa-ban-xia", "jiang-ban-xia", "qing-ban-xia"};
  for (size_t i = 0; i < 5; i++) {
    int found = 0;
    for (int k = 0; k < wu->side[0].herbs.n; k++) found |= wu->side[0].herbs.index[k] == herb(wutou[i]);
    ck_assert_msg(found, "%s", wutou[i]);
  }
  for (size_t i = 0; i < 4; i++) {
    int found = 0;
    for (int k = 0; k < wu->side[1].herbs.n; k++) found |= wu->side[1].herbs.index[k] == herb(banxia[i]);
    ck_assert_msg(found, "%s", banxia[i]);
  }
  /* Dan Shen and Dang Gui with warfarin, each with its evidence. */
  int warfarin = herbal_db_drug(db, "warfarin");
  ck_assert_int_ge(warfarin, 0);
  const char *anticoag_herbs[] = {"dan-shen", "dang-gui"};
  for (size_t i = 0; i < 2; i++) {
    int found = 0;
    for (int x = 0; x < db->n_interactions; x++) {
      const herbal_interaction *it = &db->interactions[x];
      int has_herb = 0, has_drug = 0;
      for (int k = 0; k < it->herbs.n; k++) has_herb |= it->herbs.index[k] == herb(anticoag_herbs[i]);
      for (int k = 0; k < it->classes.n; k++) has_drug |= herbal_drug_in_class(db, warfarin, it->classes.index[k]);
      for (int k = 0; k < it->drugs.n; k++) has_drug |= it->drugs.index[k] == warfarin;
      if (has_herb && has_drug && it->n_evidence > 0) found = 1;
    }
    ck_assert_msg(found, "%s with warfarin", anticoag_herbs[i]);
  }
}
END_TEST

/* A fixture loaded after the shipped data fails, naming what and where. */
static void refused(const char *fixture, const char *needle) {
  herbal_db *other = herbal_db_new();
  cairn_error err = {0};
  int rc = load(other, fixture, &err);
  herbal_db_free(other);
  ck_assert_int_eq(rc, CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, needle) != NULL, "message \"%s\" lacks \"%s\"",
                err.message, needle);
}

START_TEST(data_refuses_a_fact_citing_an_undeclared_source) {
  refused(FIXTURE("bad-source.xml"), "no-such-work");
}
END_TEST
START_TEST(data_refuses_a_dose_with_min_above_max) {
  refused(FIXTURE("bad-dose.xml"), "0 < min <= max");
}
END_TEST
START_TEST(data_refuses_a_dose_range_without_a_source) {
  refused(FIXTURE("unsourced-dose.xml"), "no source");
}
END_TEST
START_TEST(data_refuses_a_formula_naming_an_unknown_herb) {
  refused(FIXTURE("bad-formula.xml"), "no-such-herb");
}
END_TEST
START_TEST(data_names_both_files_of_a_conflict) {
  refused(FIXTURE("conflict.xml"), "herbs.xml and again in");
  refused(FIXTURE("conflict.xml"), "conflict.xml");
}
END_TEST

START_TEST(data_merges_a_clinic_file_and_checks_with_it) {
  herbal_db *merged = herbal_db_new();
  cairn_error err = {0};
  ck_assert_msg(load(merged, FIXTURE("clinic.xml"), &err) == 0, "%s", err.message);
  ck_assert_int_ge(herbal_db_herb(merged, "clinic-herb"), 0);
  ck_assert_int_ge(herbal_db_formula(merged, "clinic-formula"), 0);
  herbal_line lines[] = {{"Ben Suo Yao", 6}, {"Fang Feng", 6}};
  herbal_rx rx = {.lines = lines, .n_lines = 2, .form = HERBAL_FORM_RAW};
  herbal_findings *f = malloc(sizeof *f);
  ck_assert_int_eq(herbal_check(merged, &rx, NULL, f), HERBAL_BLOCK);
  ck_assert_int_eq(f->items[0].rule, HERBAL_RULE_INCOMPATIBLE);
  free(f);
  herbal_db_free(merged);
}
END_TEST

/* ----------------------------------------------------------------- names */

START_TEST(names_find_pinyin_tones_characters_latin_alias) {
  ck_assert_int_eq(herbal_lookup(db, "Du Huo", NULL, NULL), herb("du-huo"));
  ck_assert_int_eq(herbal_lookup(db, "duhuo", NULL, NULL), herb("du-huo"));
  ck_assert_int_eq(herbal_lookup(db, "Dú Huó", NULL, NULL), herb("du-huo"));
  ck_assert_int_eq(herbal_lookup(db, "独活", NULL, NULL), herb("du-huo"));
  ck_assert_int_eq(herbal_lookup(db, "Angelicae Pubescentis Radix", NULL, NULL), herb("du-huo"));
  ck_assert_int_eq(herbal_lookup(db, "dāng guī", NULL, NULL), herb("dang-gui"));
  ck_assert_int_eq(herbal_lookup(db, "Dong quai", NULL, NULL), herb("dang-gui"));
  ck_assert_int_eq(herbal_lookup(db, "當歸", NULL, NULL), herb("dang-gui"));
  /* Similar names stay apart. */
  ck_assert_int_eq(herbal_lookup(db, "Mu Xiang", NULL, NULL), herb("mu-xiang"));
  ck_assert_int_eq(herbal_lookup(db, "Qing Mu Xiang", NULL, NULL), herb("qing-mu-xiang"));
  ck_assert_int_eq(herbal_lookup(db, "Mu Tong", NULL, NULL), herb("mu-tong"));
  ck_assert_int_eq(herbal_lookup(db, "Fang Ji", NULL, NULL), herb("fang-ji"));
}
END_TEST

START_TEST(names_suggest_the_nearest_for_a_misspelling) {
  int s[HERBAL_SUGGESTIONS], n = 0;
  ck_assert_int_eq(herbal_lookup(db, "Du Hou", s, &n), -1);
  ck_assert_int_ge(n, 1);
  ck_assert_int_eq(s[0], herb("du-huo"));
  ck_assert_int_eq(herbal_lookup(db, "Sang Ji Shen", s, &n), -1);
  ck_assert_int_eq(s[0], herb("sang-ji-sheng"));
  ck_assert_int_eq(herbal_lookup(db, "独话", s, &n), -1);
  ck_assert_int_eq(s[0], herb("du-huo"));
  ck_assert_int_eq(herbal_lookup(db, "Salviae Miltiorhizae Radix et Rhizoma", s, &n), -1);
  ck_assert_int_eq(s[0], herb("dan-shen"));
  ck_assert_int_eq(herbal_distance("duhuo", "duhou"), 1);   /* a swap */
  ck_assert_int_eq(herbal_distance("", "abc"), 3);
}
END_TEST

START_TEST(medicines_match_generic_brand_and_class) {
  int d[HERBAL_DRUGS_PER_MEDICINE];
  int warfarin = herbal_db_drug(db, "warfarin");
  ck_assert_int_eq(herbal_medicine_drugs(db, "Coumadin 5 mg at night", d, 8), 1);
  ck_assert_int_eq(d[0], warfarin);
  ck_assert_int_eq(herbal_medicine_drugs(db, "WARFARIN sodium", d, 8), 1);
  ck_assert_int_eq(herbal_medicine_drugs(db, "acetylsalicylic acid 75 mg and Eliquis", d, 8), 2);
  /* Whole words only: "warfarins" or a word holding a brand is not it. */
  ck_assert_int_eq(herbal_medicine_drugs(db, "antiwarfarin", d, 8), 0);
  ck_assert_int_eq(herbal_medicine_drugs(db, "paracetamol 1 g", d, 8), 0);
}
END_TEST

/* ----------------------------------------------------------------- rules */

static herbal_findings *F;
static void rules_setup(void) { setup(); F = malloc(sizeof *F); }
static void rules_teardown(void) { free(F); teardown(); }

static herbal_severity check2(const char *a, double ga, const char *b, double gb,
                              const herbal_patient *pt) {
  herbal_line lines[] = {{a, ga}, {b, gb}};
  herbal_rx rx = {.lines = lines, .n_lines = b ? 2 : 1, .form = HERBAL_FORM_RAW};
  return herbal_check(db, &rx, pt, F);
}

/* The first finding of `rule` on `line`, or NULL. */
static const herbal_finding *finding(herbal_rule rule, int line) {
  for (int i = 0; i < F->n; i++)
    if (F->items[i].rule == rule && F->items[i].line == line) return &F->items[i];
  return NULL;
}

static const char *LONG_REASON = "Specialist advice documented in the chart today";

START_TEST(rule_aristolochic_acid_is_refused_without_override) {
  ck_assert_int_eq(check2("Guan Mu Tong", 3, NULL, 0, NULL), HERBAL_REFUSE);
  const herbal_finding *f = finding(HERBAL_RULE_ARISTOLOCHIC, 0);
  ck_assert_ptr_nonnull(f);
  ck_assert_ptr_nonnull(f->fact);
  ck_assert_int_eq(herbal_decide(F, 1, LONG_REASON), HERBAL_REFUSED);
  const char *others[] = {"Guang Fang Ji", "马兜铃", "Tian Xian Teng", "Qing Mu Xiang",
                          "Aristolochiae Mollissimae Herba"};
  for (size_t i = 0; i < 5; i++) {
    ck_assert_int_eq(check2(others[i], 3, NULL, 0, NULL), HERBAL_REFUSE);
    ck_assert_int_eq(herbal_decide(F, 1, LONG_REASON), HERBAL_REFUSED);
  }
}
END_TEST

START_TEST(rule_gan_cao_with_gan_sui_blocks_both_lines) {
  ck_assert_int_eq(check2("Gan Cao", 6, "Gan Sui", 1, NULL), HERBAL_BLOCK);
  const herbal_finding *a = finding(HERBAL_RULE_INCOMPATIBLE, 0);
  const herbal_finding *b = finding(HERBAL_RULE_INCOMPATIBLE, 1);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_int_eq(a->other_line, 1);
  ck_assert_int_eq(b->other_line, 0);
  ck_assert_ptr_nonnull(strstr(a->message, "eighteen incompatibilities"));
  /* Honey-fried Gan Cao is Gan Cao. */
  ck_assert_int_eq(check2("Zhi Gan Cao", 6, "Hai Zao", 9, NULL), HERBAL_BLOCK);
}
END_TEST

START_TEST(rule_wu_tou_with_ban_xia_blocks_prepared_forms_included) {
  const char *wutou[] = {"Chuan Wu", "Zhi Chuan Wu", "Cao Wu", "Zhi Cao Wu", "Fu Zi", "炮附子"};
  const char *other[] = {"Ban Xia", "Fa Ban Xia", "Jiang Ban Xia", "Qing Ban Xia",
                         "Chuan Bei Mu", "Tian Hua Fen", "Gua Lou Pi", "Bai Ji"};
  for (size_t i = 0; i < sizeof wutou / sizeof *wutou; i++)
    for (size_t k = 0; k < sizeof other / sizeof *other; k++) {
      check2(wutou[i], 1.5, other[k], 6, NULL);
      ck_assert_msg(finding(HERBAL_RULE_INCOMPATIBLE, 0) != NULL, "%s + %s",
                    wutou[i], other[k]);
    }
  /* Fu Zi with Gan Cao is no incompatibility. */
  check2("Fu Zi", 6, "Gan Cao", 6, NULL);
  ck_assert_ptr_null(finding(HERBAL_RULE_INCOMPATIBLE, 0));
}
END_TEST

START_TEST(rule_ren_shen_with_wu_ling_zhi_blocks) {
  ck_assert_int_eq(check2("Ren Shen", 6, "Wu Ling Zhi", 6, NULL), HERBAL_BLOCK);
  ck_assert_ptr_nonnull(strstr(finding(HERBAL_RULE_INCOMPATIBLE, 0)->message,
                               "nineteen antagonisms"));
}
END_TEST

START_TEST(rule_dan_shen_for_a_patient_on_warfarin_blocks) {
  const char *meds[] = {"Coumadin 5 mg daily"};
  herbal_patient pt = {.medicines = meds, .n_medicines = 1};
  ck_assert_int_eq(check2("Dan Shen", 12, NULL, 0, &pt), HERBAL_BLOCK);
  const herbal_finding *f = finding(HERBAL_RULE_INTERACTION, 0);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->medicine, 0);
  ck_assert_ptr_nonnull(strstr(f->message, "warfarin"));
  ck_assert_int_eq(herbal_decide(F, 1, "too short"), HERBAL_NEEDS_JUSTIFICATION);
  ck_assert_int_eq(herbal_decide(F, 1, LONG_REASON), HERBAL_SAVE);
  /* Without the medicine, nothing. */
  ck_assert_int_eq(check2("Dan Shen", 12, NULL, 0, NULL), HERBAL_INFO);
  /* A direct oral anticoagulant: a warning (laboratory evidence only). */
  const char *doac[] = {"apixaban 5 mg twice daily"};
  herbal_patient pt2 = {.medicines = doac, .n_medicines = 1};
  ck_assert_int_eq(check2("Dan Shen", 12, NULL, 0, &pt2), HERBAL_WARN);
}
END_TEST

START_TEST(rule_dang_gui_for_a_patient_on_warfarin_warns) {
  const char *meds[] = {"metformin 500 mg", "warfarin 3 mg"};
  herbal_patient pt = {.medicines = meds, .n_medicines = 2};
  ck_assert_int_eq(check2("Dang Gui", 9, NULL, 0, &pt), HERBAL_WARN);
  const herbal_finding *f = finding(HERBAL_RULE_INTERACTION, 0);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->medicine, 1);
  ck_assert_str_eq(f->fact->src, "page1999");
}
END_TEST

START_TEST(rule_pregnant_patient_and_a_prohibited_herb_blocks) {
  herbal_patient pt = {.pregnancy = HERBAL_PREGNANT};
  ck_assert_int_eq(check2("San Leng", 6, NULL, 0, &pt), HERBAL_BLOCK);
  ck_assert_int_eq(finding(HERBAL_RULE_PREGNANCY, 0)->severity, HERBAL_BLOCK);
  ck_assert_int_eq(herbal_decide(F, 1, "1234567890123456789"), HERBAL_NEEDS_JUSTIFICATION);
  ck_assert_int_eq(herbal_decide(F, 1, "  12345678901234567890  "), HERBAL_SAVE);
  /* Characters, not bytes: 20 Chinese characters are enough, 19 not. */
  ck_assert_int_eq(herbal_decide(F, 1, "一二三四五六七八九十一二三四五六七八九"), HERBAL_NEEDS_JUSTIFICATION);
  ck_assert_int_eq(herbal_decide(F, 1, "一二三四五六七八九十一二三四五六七八九十"), HERBAL_SAVE);
  /* Possibly pregnant counts the same. */
  herbal_patient maybe = {.pregnancy = HERBAL_POSSIBLY_PREGNANT};
  ck_assert_int_eq(check2("Gan Sui", 1, NULL, 0, &maybe), HERBAL_BLOCK);
  /* A caution herb warns; a herb with no statement says nothing. */
  ck_assert_int_eq(check2("Hong Hua", 6, NULL, 0, &pt), HERBAL_WARN);
  ck_assert_int_eq(check2("Fu Ling", 12, NULL, 0, &pt), HERBAL_INFO);
  /* Not pregnant: San Leng is no pregnancy matter. */
  ck_assert_int_eq(check2("San Leng", 6, NULL, 0, NULL), HERBAL_INFO);
}
END_TEST

START_TEST(rule_granules_are_converted_before_the_dose_check) {
  herbal_line five_raw[] = {{"Xi Xin", 5}};
  herbal_line one_granule[] = {{"Xi Xin", 1}};
  herbal_line half_granule[] = {{"Xi Xin", 0.5}};
  herbal_rx raw = {.lines = five_raw, .n_lines = 1, .form = HERBAL_FORM_RAW};
  herbal_rx gr = {.lines = one_granule, .n_lines = 1, .form = HERBAL_FORM_GRANULES, .ratio = 5};
  herbal_rx gr2 = {.lines = half_granule, .n_lines = 1, .form = HERBAL_FORM_GRANULES, .ratio = 5};
  ck_assert_int_eq(herbal_check(db, &raw, NULL, F), HERBAL_WARN);
  /* 1 g of 5:1 granules is 5 g of raw herb: above Xi Xin's 1-3 g, though
  ** 1 g alone would be inside it. */
  ck_assert_int_eq(herbal_check(db, &gr, NULL, F), HERBAL_WARN);
  const herbal_finding *f = finding(HERBAL_RULE_DOSE, 0);
  ck_assert_ptr_nonnull(f);
  ck_assert(fabs(f->raw_grams - 5) < 1e-9);
  ck_assert(fabs(F->raw[0] - 5) < 1e-9);
  ck_assert_int_eq(herbal_decide(F, 0, NULL), HERBAL_NEEDS_ACK);
  ck_assert_int_eq(herbal_decide(F, 1, NULL), HERBAL_SAVE);
  ck_assert_int_eq(herbal_check(db, &gr2, NULL, F), HERBAL_INFO);
  /* Granules without a ratio are refused: no dose could be checked. */
  gr.ratio = 0;
  ck_assert_int_eq(herbal_check(db, &gr, NULL, F), HERBAL_REFUSE);
}
END_TEST

START_TEST(rule_unknown_herb_is_refused_with_suggestions) {
  ck_assert_int_eq(check2("Du Hou", 9, NULL, 0, NULL), HERBAL_REFUSE);
  const herbal_finding *f = finding(HERBAL_RULE_UNKNOWN_HERB, 0);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_ge(f->n_suggest, 1);
  ck_assert_int_eq(f->suggest[0], herb("du-huo"));
  ck_assert_ptr_nonnull(strstr(f->message, "Du Huo (独活)"));
  ck_assert_int_eq(herbal_decide(F, 1, LONG_REASON), HERBAL_REFUSED);
}
END_TEST

START_TEST(rule_dose_below_range_warns_and_duplicates_are_summed) {
  ck_assert_int_eq(check2("Huang Qi", 3, NULL, 0, NULL), HERBAL_WARN);
  ck_assert_ptr_nonnull(strstr(finding(HERBAL_RULE_DOSE, 0)->message, "below"));
  /* Two lines of 2 g Xi Xin are 4 g: above 1-3 g. */
  ck_assert_int_eq(check2("Xi Xin", 2, "细辛", 2, NULL), HERBAL_WARN);
  ck_assert_ptr_nonnull(finding(HERBAL_RULE_DUPLICATE, 0));
  ck_assert(fabs(finding(HERBAL_RULE_DOSE, 0)->raw_grams - 4) < 1e-9);
}
END_TEST

START_TEST(rule_pills_are_not_compared_with_the_decoction_range) {
  herbal_line l[] = {{"Xi Xin", 9}};
  herbal_rx rx = {.lines = l, .n_lines = 1, .form = HERBAL_FORM_PILLS};
  ck_assert_int_eq(herbal_check(db, &rx, NULL, F), HERBAL_INFO);
  ck_assert_ptr_nonnull(finding(HERBAL_RULE_DOSE_NOT_CHECKED, 0));
}
END_TEST

START_TEST(rule_bad_grams_are_refused) {
  ck_assert_int_eq(check2("Du Huo", 0, NULL, 0, NULL), HERBAL_REFUSE);
  ck_assert_int_eq(check2("Du Huo", 501, NULL, 0, NULL), HERBAL_REFUSE);
  ck_assert_int_eq(check2("Du Huo", NAN, NULL, 0, NULL), HERBAL_REFUSE);
}
END_TEST

/* Du Huo Ji Sheng Tang at its typical grams (6 g of most herbs) against the
** Pharmacopoeia's ranges: Xi Xin (1-3 g) and Rou Gui (1-5 g) above, Sang
** Ji Sheng (9-15 g), Fu Ling (10-15 g) and Sheng Di Huang (10-15 g) below;
** warnings only, nothing blocks. */
START_TEST(du_huo_ji_sheng_tang_as_typical_warns_on_five_doses_only) {
  int fi = herbal_db_formula(db, "du-huo-ji-sheng-tang");
  const herbal_formula *fo = &db->formulas[fi];
  herbal_line lines[HERBAL_LINES_MAX];
  for (int i = 0; i < fo->n_items; i++)
    lines[i] = (herbal_line){db->herbs[fo->items[i].herb].pinyin, fo->items[i].grams};
  herbal_rx rx = {.lines = lines, .n_lines = fo->n_items, .form = HERBAL_FORM_RAW};
  ck_assert_int_eq(herbal_check(db, &rx, NULL, F), HERBAL_WARN);
  int doses = 0;
  for (int i = 0; i < F->n; i++) {
    ck_assert_int_le(F->items[i].severity, HERBAL_WARN);
    if (F->items[i].rule == HERBAL_RULE_DOSE) {
      const char *id = db->herbs[F->items[i].herb].id;
      int above = strcmp(id, "xi-xin") == 0 || strcmp(id, "rou-gui") == 0;
      int below = strcmp(id, "sang-ji-sheng") == 0 || strcmp(id, "fu-ling") == 0 ||
                  strcmp(id, "sheng-di-huang") == 0;
      ck_assert_msg(above || below, "%s", id);
      ck_assert_ptr_nonnull(strstr(F->items[i].message, above ? "above" : "below"));
      doses++;
    }
  }
  ck_assert_int_eq(doses, 5);
  /* For a patient on warfarin, Dang Gui (in the formula) warns too. */
  const char *meds[] = {"Jantoven"};
  herbal_patient pt = {.medicines = meds, .n_medicines = 1};
  herbal_check(db, &rx, &pt, F);
  int dang_gui_line = -1;
  for (int i = 0; i < fo->n_items; i++)
    if (fo->items[i].herb == herb("dang-gui")) dang_gui_line = i;
  ck_assert_ptr_nonnull(finding(HERBAL_RULE_INTERACTION, dang_gui_line));
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("herbal");
  TCase *data = tcase_create("data");
  tcase_add_checked_fixture(data, setup, teardown);
  tcase_add_test(data, data_every_fact_has_a_source_or_says_not_found);
  tcase_add_test(data, data_every_herb_of_a_formula_or_rule_is_a_monograph);
  tcase_add_test(data, data_doses_are_grams_with_min_at_most_max);
  tcase_add_test(data, data_holds_what_the_issue_names);
  tcase_add_test(data, data_refuses_a_fact_citing_an_undeclared_source);
  tcase_add_test(data, data_refuses_a_dose_with_min_above_max);
  tcase_add_test(data, data_refuses_a_dose_range_without_a_source);
  tcase_add_test(data, data_refuses_a_formula_naming_an_unknown_herb);
  tcase_add_test(data, data_names_both_files_of_a_conflict);
  tcase_add_test(data, data_merges_a_clinic_file_and_checks_with_it);
  suite_add_tcase(s, data);
  TCase *names = tcase_create("names");
  tcase_add_checked_fixture(names, setup, teardown);
  tcase_add_test(names, names_find_pinyin_tones_characters_latin_alias);
  tcase_add_test(names, names_suggest_the_nearest_for_a_misspelling);
  tcase_add_test(names, medicines_match_generic_brand_and_class);
  suite_add_tcase(s, names);
  TCase *rules = tcase_create("rules");
  tcase_add_checked_fixture(rules, rules_setup, rules_teardown);
  tcase_add_test(rules, rule_aristolochic_acid_is_refused_without_override);
  tcase_add_test(rules, rule_gan_cao_with_gan_sui_blocks_both_lines);
  tcase_add_test(rules, rule_wu_tou_with_ban_xia_blocks_prepared_forms_included);
  tcase_add_test(rules, rule_ren_shen_with_wu_ling_zhi_blocks);
  tcase_add_test(rules, rule_dan_shen_for_a_patient_on_warfarin_blocks);
  tcase_add_test(rules, rule_dang_gui_for_a_patient_on_warfarin_warns);
  tcase_add_test(rules, rule_pregnant_patient_and_a_prohibited_herb_blocks);
  tcase_add_test(rules, rule_granules_are_converted_before_the_dose_check);
  tcase_add_test(rules, rule_unknown_herb_is_refused_with_suggestions);
  tcase_add_test(rules, rule_dose_below_range_warns_and_duplicates_are_summed);
  tcase_add_test(rules, rule_pills_are_not_compared_with_the_decoction_range);
  tcase_add_test(rules, rule_bad_grams_are_refused);
  tcase_add_test(rules, du_huo_ji_sheng_tang_as_typical_warns_on_five_doses_only);
  suite_add_tcase(s, rules);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
