/*
** form.c -- the intake questionnaire (PROGRAM.md, step 1), one section a
** page, for staff and for the patient through a capability link.
**
** Sections, in order: demographics; pain (sites from a body-region
** checklist, duration); medicines (structured medicines, allergies,
** pregnancy status); redflags (the screen of data/intake-content.xml);
** goals (3-5 activities in the patient's own words, the PSFS items);
** baseline (NRS, PEG, PSFS, and ODI or NDI, as instruments.xml defines
** them); consent (to the terms version shown).  Saving a section stores
** a new version of its intake:Section record, so progress is kept section
** by section and the patient can come back through the link.  Saving the
** consent, with every other section complete, submits the intake and
** withdraws the link.
**
** Each section is read from the form or from its stored record into the
** same name -> value model (intake_form), checked, and built into the
** record body; a refused form is shown again with status 422, every
** message next to its field and every value as typed.
*/
#include "intake.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

static const char *const SECTIONS[] = {"demographics", "pain", "medicines",
                                       "redflags", "goals", "baseline",
                                       "consent", NULL};
#define N_SECTIONS 7

static const char *const GENDERS[] = {"female", "male", "other", "unknown",
                                      NULL};
static const char *const UNITS[] = {"mg", "g", "mcg", "ml", "IU", "tablet",
                                    "capsule", "drop", "puff", "patch", NULL};
static const char *const FREQUENCIES[] = {
  "once-daily", "twice-daily", "three-times-daily", "four-times-daily",
  "at-night", "weekly", "as-needed", NULL};
static const char *const PREGNANCY[] = {"not-pregnant", "pregnant",
                                        "possibly-pregnant", "breastfeeding",
                                        "not-applicable", NULL};
static const char *const DURATION_UNITS[] = {"weeks", "months", "years",
                                             NULL};
/* Doses: up to 3 decimals (0.125 mg), at most 100000 (intake.xsd). */
#define DOSE_DECIMALS 3
#define DOSE_MAX 100000.0
/* Medicine and allergy rows offered beyond those already filled. */
#define SPARE_ROWS 3

static int in_list(const char *const *list, const char *v) {
  for (; *list; list++)
    if (strcmp(*list, v) == 0) return 1;
  return 0;
}

static int section_index(const char *name) {
  int i;
  for (i = 0; SECTIONS[i]; i++)
    if (strcmp(SECTIONS[i], name) == 0) return i;
  return -1;
}

/* ----------------------------------------------------- field names */

static const char *fname(cairn_req *req, const char *fmt, const char *a,
                         int n) {
  return n ? cairn_req_printf(req, fmt, n, a) : cairn_req_printf(req, fmt, a);
}

/* The baseline's region-specific measures: ODI and NDI, when defined. */
static int is_function_measure(const char *id) {
  return strcmp(id, "odi") == 0 || strcmp(id, "ndi") == 0;
}

/* --------------------------------------------- load from a record */

static void load_record(cairn_req *req, const char *section,
                        const cairn_record *rec, intake_form *f) {
  size_t i, j;
  int n;
#define V(name, xp) intake_form_set(f, name, cairn_record_value(rec, xp))
  if (strcmp(section, "demographics") == 0) {
    V("name", "r:demographics/r:name");
    V("birthDate", "r:demographics/r:birthDate");
    V("gender", "r:demographics/r:gender");
    V("contact", "r:demographics/r:contact");
  } else if (strcmp(section, "pain") == 0) {
    for (i = 0; i < intake_data->n_regions; i++) {
      const char *code = intake_data->regions[i].code;
      if (cairn_record_value(rec, cairn_req_printf(
              req, "r:pain/r:site[. = '%s']", code))[0])
        intake_form_set(f, fname(req, "site.%s", code, 0), "yes");
    }
    V("otherSite", "r:pain/r:otherSite");
    V("duration", "r:pain/r:duration");
    V("durationUnit", "r:pain/r:duration/@unit");
  } else if (strcmp(section, "medicines") == 0) {
    if (atoi(cairn_record_value(rec, "count(r:medicines/r:noMedications)")))
      intake_form_set(f, "noMedications", "yes");
    n = atoi(cairn_record_value(rec, "count(r:medicines/r:medication)"));
    for (j = 1; j <= (size_t)n && j <= INTAKE_MEDS_MAX; j++) {
      static const char *const parts[] = {"name", "dose", "unit", "frequency"};
      for (i = 0; i < 4; i++)
        intake_form_set(f, cairn_req_printf(req, "med.%zu.%s", j, parts[i]),
                        cairn_record_value(rec, cairn_req_printf(
                            req, "r:medicines/r:medication[%zu]/r:%s", j,
                            parts[i])));
    }
    if (atoi(cairn_record_value(rec, "count(r:medicines/r:noAllergies)")))
      intake_form_set(f, "noAllergies", "yes");
    n = atoi(cairn_record_value(rec, "count(r:medicines/r:allergy)"));
    for (j = 1; j <= (size_t)n && j <= INTAKE_ALLERGIES_MAX; j++) {
      intake_form_set(f, cairn_req_printf(req, "allergy.%zu.substance", j),
                      cairn_record_value(rec, cairn_req_printf(
                          req, "r:medicines/r:allergy[%zu]/r:substance", j)));
      intake_form_set(f, cairn_req_printf(req, "allergy.%zu.reaction", j),
                      cairn_record_value(rec, cairn_req_printf(
                          req, "r:medicines/r:allergy[%zu]/r:reaction", j)));
    }
    V("pregnancy", "r:medicines/r:pregnancy");
  } else if (strcmp(section, "redflags") == 0) {
    for (i = 0; i < intake_data->n_flags; i++) {
      const char *code = intake_data->flags[i].code;
      intake_form_set(f, fname(req, "flag.%s", code, 0),
                      cairn_record_value(rec, cairn_req_printf(
                          req, "r:redflags/r:answer[@flag = '%s']/@value",
                          code)));
    }
  } else if (strcmp(section, "goals") == 0) {
    for (j = 1; j <= INTAKE_GOALS_MAX; j++)
      intake_form_set(f, cairn_req_printf(req, "goal.%zu", j),
                      cairn_record_value(rec, cairn_req_printf(
                          req, "r:goals/r:goal[%zu]", j)));
  } else if (strcmp(section, "baseline") == 0) {
    for (i = 0; i < intake_data->n_baseline; i++) {
      const intake_instrument *in = &intake_data->baseline[i];
      for (j = 0; j < in->n_items; j++)
        intake_form_set(f, cairn_req_printf(req, "m.%s.%s", in->id,
                                            in->items[j].id),
                        cairn_record_value(rec, cairn_req_printf(
                            req, "r:baseline/r:measure[@instrument = '%s']"
                                 "/r:answer[@item = '%s']",
                            in->id, in->items[j].id)));
      if (is_function_measure(in->id) &&
          atoi(cairn_record_value(rec, cairn_req_printf(
              req, "count(r:baseline/r:measure[@instrument = '%s'])",
              in->id))))
        intake_form_set(f, "function", in->id);
    }
  } else if (strcmp(section, "consent") == 0) {
    if (cairn_record_value(rec, "r:consent/r:termsVersion")[0])
      intake_form_set(f, "agree", "yes");
    V("signedName", "r:consent/r:signedName");
    V("termsVersion", "r:consent/r:termsVersion");
  }
#undef V
}

/* ------------------------------------------ read from the request */

static void read_request(cairn_req *req, const char *section, intake_form *f) {
  size_t i, j;
  if (strcmp(section, "demographics") == 0) {
    static const char *const names[] = {"name", "birthDate", "gender",
                                        "contact", NULL};
    for (i = 0; names[i]; i++) intake_form_take(req, f, names[i]);
  } else if (strcmp(section, "pain") == 0) {
    for (i = 0; i < intake_data->n_regions; i++)
      intake_form_take(req, f, fname(req, "site.%s",
                                     intake_data->regions[i].code, 0));
    intake_form_take(req, f, "otherSite");
    intake_form_take(req, f, "duration");
    intake_form_take(req, f, "durationUnit");
  } else if (strcmp(section, "medicines") == 0) {
    intake_form_take(req, f, "noMedications");
    for (j = 1; j <= INTAKE_MEDS_MAX; j++) {
      intake_form_take(req, f, cairn_req_printf(req, "med.%zu.name", j));
      intake_form_take(req, f, cairn_req_printf(req, "med.%zu.dose", j));
      intake_form_take(req, f, cairn_req_printf(req, "med.%zu.unit", j));
      intake_form_take(req, f, cairn_req_printf(req, "med.%zu.frequency", j));
    }
    intake_form_take(req, f, "noAllergies");
    for (j = 1; j <= INTAKE_ALLERGIES_MAX; j++) {
      intake_form_take(req, f, cairn_req_printf(req, "allergy.%zu.substance", j));
      intake_form_take(req, f, cairn_req_printf(req, "allergy.%zu.reaction", j));
    }
    intake_form_take(req, f, "pregnancy");
  } else if (strcmp(section, "redflags") == 0) {
    for (i = 0; i < intake_data->n_flags; i++)
      intake_form_take(req, f, fname(req, "flag.%s",
                                     intake_data->flags[i].code, 0));
  } else if (strcmp(section, "goals") == 0) {
    for (j = 1; j <= INTAKE_GOALS_MAX; j++)
      intake_form_take(req, f, cairn_req_printf(req, "goal.%zu", j));
  } else if (strcmp(section, "baseline") == 0) {
    for (i = 0; i < intake_data->n_baseline; i++) {
      const intake_instrument *in = &intake_data->baseline[i];
      for (j = 0; j < in->n_items; j++)
        intake_form_take(req, f, cairn_req_printf(req, "m.%s.%s", in->id,
                                                  in->items[j].id));
    }
    intake_form_take(req, f, "function");
  } else if (strcmp(section, "consent") == 0) {
    intake_form_take(req, f, "agree");
    intake_form_take(req, f, "signedName");
  }
}

/* ------------------------------------------------------- checking */

/* How many goals the goals section holds (0 when not saved). */
static int goals_saved(cairn_req *req, long long intake) {
  long long id;
  int version;
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  if (intake_section_find(req, intake, "goals", &id, &version) != 0 || id == 0)
    return 0;
  if (cairn_record_get(req, id, &rec, &err) != CAIRN_OK) return 0;
  return atoi(cairn_record_value(rec, "count(r:goals/r:goal)"));
}

static void check_answer(cairn_req *req, intake_form *f, const char *field,
                         const char *v, const intake_item *it) {
  double x;
  if (!intake_number_parse(v, 3, &x)) {
    intake_form_error(f, field, "Enter a number such as 6.");
    return;
  }
  if (x < it->min || x > it->max) {
    intake_form_error(f, field, cairn_req_printf(req, "Choose a number from "
                                                      "%g to %g.", it->min,
                                                 it->max));
    return;
  }
  if (it->step > 0) {
    double k = (x - it->min) / it->step;
    if (fabs(k - floor(k + 0.5)) > 1e-9)
      intake_form_error(f, field, cairn_req_printf(
          req, "Choose a whole step of %g from %g.", it->step, it->min));
  }
}

static void check_section(cairn_req *req, long long intake,
                          const char *section, intake_form *f) {
  size_t i, j;
  if (strcmp(section, "demographics") == 0) {
    long d, today;
    const char *bd = intake_form_get(f, "birthDate");
    intake_check_text(req, f, "name", intake_form_get(f, "name"),
                      INTAKE_NAME_MAX, 1, 0, "the full name");
    if (bd[0] == '\0')
      intake_form_error(f, "birthDate", "Enter the date of birth.");
    else if (!intake_date_parse(bd, &d))
      intake_form_error(f, "birthDate", "Write the date as YYYY-MM-DD, for "
                                        "example 1970-04-30.");
    else if (intake_date_parse(cairn_req_today(req), &today) && d > today)
      intake_form_error(f, "birthDate", "The date of birth cannot be after "
                                        "today.");
    if (!in_list(GENDERS, intake_form_get(f, "gender")))
      intake_form_error(f, "gender", "Choose one of the answers.");
    intake_check_text(req, f, "contact", intake_form_get(f, "contact"),
                      INTAKE_LINE_MAX, 1, 0, "a phone number or email");
  } else if (strcmp(section, "pain") == 0) {
    int sites = 0;
    const char *dur = intake_form_get(f, "duration");
    for (i = 0; i < intake_data->n_regions; i++)
      if (strcmp(intake_form_get(f, fname(req, "site.%s",
                                          intake_data->regions[i].code, 0)),
                 "yes") == 0)
        sites++;
    intake_check_text(req, f, "otherSite", intake_form_get(f, "otherSite"),
                      INTAKE_LINE_MAX, 0, 0, "");
    if (sites == 0 && intake_form_get(f, "otherSite")[0] == '\0')
      intake_form_error(f, "sites", "Tick at least one place where it hurts.");
    if (sites == 0 && intake_form_get(f, "otherSite")[0] != '\0')
      intake_form_error(f, "sites", "Tick the nearest place as well.");
    if (dur[0] == '\0')
      intake_form_error(f, "duration", "Enter how long the pain has lasted.");
    else if (strspn(dur, "0123456789") != strlen(dur) || strlen(dur) > 3 ||
             atoi(dur) < 1)
      intake_form_error(f, "duration", "Enter a whole number from 1 to 999.");
    if (!in_list(DURATION_UNITS, intake_form_get(f, "durationUnit")))
      intake_form_error(f, "durationUnit", "Choose weeks, months or years.");
  } else if (strcmp(section, "medicines") == 0) {
    int meds = 0, allergies = 0;
    for (j = 1; j <= INTAKE_MEDS_MAX; j++) {
      const char *nm = cairn_req_printf(req, "med.%zu.name", j);
      const char *ds = cairn_req_printf(req, "med.%zu.dose", j);
      const char *un = cairn_req_printf(req, "med.%zu.unit", j);
      const char *fr = cairn_req_printf(req, "med.%zu.frequency", j);
      const char *dose = intake_form_get(f, ds);
      double x;
      if (!intake_form_get(f, nm)[0] && !dose[0] && !intake_form_get(f, un)[0] &&
          !intake_form_get(f, fr)[0])
        continue;
      meds++;
      intake_check_text(req, f, nm, intake_form_get(f, nm), INTAKE_LINE_MAX, 1,
                        0, "the medicine's name");
      if (dose[0] == '\0')
        intake_form_error(f, ds, "Enter the dose, for example 500.");
      else if (!intake_number_parse(dose, DOSE_DECIMALS, &x) || x <= 0 ||
               x > DOSE_MAX)
        intake_form_error(f, ds, "Enter the dose as a number above 0 and up "
                                 "to 100000, at most 3 decimals.");
      if (!in_list(UNITS, intake_form_get(f, un)))
        intake_form_error(f, un, "Choose the unit of the dose.");
      if (!in_list(FREQUENCIES, intake_form_get(f, fr)))
        intake_form_error(f, fr, "Choose how often it is taken.");
    }
    if (strcmp(intake_form_get(f, "noMedications"), "yes") == 0 && meds > 0)
      intake_form_error(f, "noMedications", "Either list the medicines or "
                                            "tick \"no medicines\", not both.");
    if (strcmp(intake_form_get(f, "noMedications"), "yes") != 0 && meds == 0)
      intake_form_error(f, "noMedications", "List the medicines, herbs and "
                                            "supplements taken, or tick \"no "
                                            "medicines\".");
    for (j = 1; j <= INTAKE_ALLERGIES_MAX; j++) {
      const char *sb = cairn_req_printf(req, "allergy.%zu.substance", j);
      const char *re = cairn_req_printf(req, "allergy.%zu.reaction", j);
      if (!intake_form_get(f, sb)[0] && !intake_form_get(f, re)[0]) continue;
      allergies++;
      intake_check_text(req, f, sb, intake_form_get(f, sb), INTAKE_LINE_MAX, 1,
                        0, "what causes the allergy");
      intake_check_text(req, f, re, intake_form_get(f, re), INTAKE_LINE_MAX, 0,
                        0, "");
    }
    if (strcmp(intake_form_get(f, "noAllergies"), "yes") == 0 && allergies > 0)
      intake_form_error(f, "noAllergies", "Either list the allergies or tick "
                                          "\"no known allergies\", not both.");
    if (strcmp(intake_form_get(f, "noAllergies"), "yes") != 0 && allergies == 0)
      intake_form_error(f, "noAllergies", "List any allergies, or tick \"no "
                                          "known allergies\".");
    if (!in_list(PREGNANCY, intake_form_get(f, "pregnancy")))
      intake_form_error(f, "pregnancy", "Choose one of the answers.");
  } else if (strcmp(section, "redflags") == 0) {
    for (i = 0; i < intake_data->n_flags; i++) {
      const char *field = fname(req, "flag.%s", intake_data->flags[i].code, 0);
      const char *v = intake_form_get(f, field);
      if (strcmp(v, "no") && strcmp(v, "yes") && strcmp(v, "unsure"))
        intake_form_error(f, field, "Answer yes, no or not sure.");
    }
  } else if (strcmp(section, "goals") == 0) {
    int n = 0, gap = 0;
    for (j = 1; j <= INTAKE_GOALS_MAX; j++) {
      const char *field = cairn_req_printf(req, "goal.%zu", j);
      const char *v = intake_form_get(f, field);
      if (v[0] == '\0') { gap = 1; continue; }
      if (gap) {
        intake_form_error(f, field, "Fill the goals in order, without gaps.");
        continue;
      }
      if (intake_check_text(req, f, field, v, INTAKE_GOAL_MAX, 1, 0, "")) n++;
    }
    if (n < INTAKE_GOALS_MIN && f->n_errors == 0)
      intake_form_error(f, cairn_req_printf(req, "goal.%d", n + 1),
                        "Name at least 3 activities.");
  } else if (strcmp(section, "baseline") == 0) {
    const char *function = intake_form_get(f, "function");
    int goals = goals_saved(req, intake);
    if (function[0] == '\0') function = "none";
    if (strcmp(function, "none") != 0 &&
        (!is_function_measure(function) || !intake_baseline_find(function)))
      intake_form_error(f, "function", "Choose one of the measures.");
    for (i = 0; i < intake_data->n_baseline; i++) {
      const intake_instrument *in = &intake_data->baseline[i];
      int psfs = strcmp(in->id, "psfs") == 0, answered = 0, asked = 0;
      if (is_function_measure(in->id) && strcmp(function, in->id) != 0)
        continue;
      if (psfs && goals == 0) {
        intake_form_error(f, "", "Save the goals section first: its "
                                 "activities are the PSFS items.");
        continue;
      }
      for (j = 0; j < in->n_items; j++) {
        const char *field = cairn_req_printf(req, "m.%s.%s", in->id,
                                             in->items[j].id);
        const char *v = intake_form_get(f, field);
        if (psfs && (int)j >= goals) continue;
        asked++;
        if (v[0] == '\0') {
          if (!is_function_measure(in->id))
            intake_form_error(f, field, "Choose a number.");
          continue;
        }
        answered++;
        check_answer(req, f, field, v, &in->items[j]);
      }
      if (is_function_measure(in->id) && asked - answered > in->max_missing)
        intake_form_error(f, cairn_req_printf(req, "m.%s.%s", in->id,
                                              in->items[0].id),
                          cairn_req_printf(req, "Answer at least %d of the "
                                                "%d questions of the %s.",
                                           asked - in->max_missing, asked,
                                           in->abbreviation));
    }
  } else if (strcmp(section, "consent") == 0) {
    if (strcmp(intake_form_get(f, "agree"), "yes") != 0)
      intake_form_error(f, "agree", "Tick the box to agree to the program's "
                                    "terms.");
    intake_check_text(req, f, "signedName", intake_form_get(f, "signedName"),
                      INTAKE_NAME_MAX, 1, 0, "your name as your signature");
  }
}

/* ------------------------------------------------------- building */

static void build_section(cairn_req *req, const char *section,
                          const intake_form *f, xmlNodePtr s) {
  size_t i, j;
  xmlNodePtr n;
  if (strcmp(section, "demographics") == 0) {
    intake_xml_text(s, "name", intake_form_get(f, "name"));
    intake_xml_text(s, "birthDate", intake_form_get(f, "birthDate"));
    intake_xml_text(s, "gender", intake_form_get(f, "gender"));
    intake_xml_text(s, "contact", intake_form_get(f, "contact"));
  } else if (strcmp(section, "pain") == 0) {
    for (i = 0; i < intake_data->n_regions; i++)
      if (strcmp(intake_form_get(f, fname(req, "site.%s",
                                          intake_data->regions[i].code, 0)),
                 "yes") == 0)
        intake_xml_text(s, "site", intake_data->regions[i].code);
    intake_xml_text(s, "otherSite", intake_form_get(f, "otherSite"));
    n = intake_xml_text(s, "duration",
                        intake_fmt_int(req, atoi(intake_form_get(f, "duration"))));
    xmlSetProp(n, (const xmlChar *)"unit",
               (const xmlChar *)intake_form_get(f, "durationUnit"));
  } else if (strcmp(section, "medicines") == 0) {
    int meds = 0, allergies = 0;
    for (j = 1; j <= INTAKE_MEDS_MAX; j++) {
      const char *nm = intake_form_get(f, cairn_req_printf(req, "med.%zu.name", j));
      if (!nm[0]) continue;
      n = xmlNewChild(s, s->ns, (const xmlChar *)"medication", NULL);
      intake_xml_text(n, "name", nm);
      intake_xml_text(n, "dose", intake_form_get(f, cairn_req_printf(req, "med.%zu.dose", j)));
      intake_xml_text(n, "unit", intake_form_get(f, cairn_req_printf(req, "med.%zu.unit", j)));
      intake_xml_text(n, "frequency", intake_form_get(f, cairn_req_printf(req, "med.%zu.frequency", j)));
      meds++;
    }
    if (meds == 0) xmlNewChild(s, s->ns, (const xmlChar *)"noMedications", NULL);
    for (j = 1; j <= INTAKE_ALLERGIES_MAX; j++) {
      const char *sb = intake_form_get(f, cairn_req_printf(req, "allergy.%zu.substance", j));
      if (!sb[0]) continue;
      n = xmlNewChild(s, s->ns, (const xmlChar *)"allergy", NULL);
      intake_xml_text(n, "substance", sb);
      intake_xml_text(n, "reaction", intake_form_get(f, cairn_req_printf(req, "allergy.%zu.reaction", j)));
      allergies++;
    }
    if (allergies == 0) xmlNewChild(s, s->ns, (const xmlChar *)"noAllergies", NULL);
    intake_xml_text(s, "pregnancy", intake_form_get(f, "pregnancy"));
  } else if (strcmp(section, "redflags") == 0) {
    for (i = 0; i < intake_data->n_flags; i++) {
      const char *code = intake_data->flags[i].code;
      n = xmlNewChild(s, s->ns, (const xmlChar *)"answer", NULL);
      xmlSetProp(n, (const xmlChar *)"flag", (const xmlChar *)code);
      xmlSetProp(n, (const xmlChar *)"value",
                 (const xmlChar *)intake_form_get(f, fname(req, "flag.%s", code, 0)));
    }
  } else if (strcmp(section, "goals") == 0) {
    for (j = 1; j <= INTAKE_GOALS_MAX; j++)
      intake_xml_text(s, "goal", intake_form_get(f, cairn_req_printf(req, "goal.%zu", j)));
  } else if (strcmp(section, "baseline") == 0) {
    const char *function = intake_form_get(f, "function");
    for (i = 0; i < intake_data->n_baseline; i++) {
      const intake_instrument *in = &intake_data->baseline[i];
      xmlNodePtr m = NULL;
      if (is_function_measure(in->id) && strcmp(function, in->id) != 0)
        continue;
      for (j = 0; j < in->n_items; j++) {
        const char *v = intake_form_get(f, cairn_req_printf(req, "m.%s.%s", in->id,
                                                            in->items[j].id));
        xmlNodePtr a;
        if (!v[0]) continue;
        if (m == NULL) {
          m = xmlNewChild(s, s->ns, (const xmlChar *)"measure", NULL);
          xmlSetProp(m, (const xmlChar *)"instrument", (const xmlChar *)in->id);
        }
        a = intake_xml_text(m, "answer", v);
        xmlSetProp(a, (const xmlChar *)"item", (const xmlChar *)in->items[j].id);
      }
    }
  } else if (strcmp(section, "consent") == 0) {
    intake_xml_text(s, "termsVersion", intake_data->terms_version);
    intake_xml_text(s, "signedName", intake_form_get(f, "signedName"));
  }
}

/* ------------------------------------------------------ the view */

/* The sections saved so far: <section name= saved= version=/>*. */
static int doc_sections(cairn_req *req, cairn_doc *doc, long long intake,
                        int *complete) {
  int i;
  *complete = 0;
  for (i = 0; SECTIONS[i]; i++) {
    long long id;
    int version, rc = intake_section_find(req, intake, SECTIONS[i], &id, &version);
    if (rc != CAIRN_OK) return rc;
    cairn_doc_open(doc, "section");
    cairn_doc_attr(doc, "name", SECTIONS[i]);
    if (id > 0) {
      cairn_doc_attr(doc, "saved", "yes");
      cairn_doc_attr(doc, "version", intake_fmt_int(req, version));
      (*complete)++;
    }
    cairn_doc_close(doc);
  }
  return CAIRN_OK;
}

/* What the section asks, from the content and instrument files. */
static void doc_content(cairn_req *req, cairn_doc *doc, const char *section,
                        long long intake) {
  size_t i, j;
  if (strcmp(section, "pain") == 0) {
    for (i = 0; i < intake_data->n_regions; i++) {
      cairn_doc_open(doc, "region");
      cairn_doc_attr(doc, "code", intake_data->regions[i].code);
      cairn_doc_attr(doc, "label", intake_data->regions[i].label);
      cairn_doc_close(doc);
    }
  } else if (strcmp(section, "redflags") == 0) {
    for (i = 0; i < intake_data->n_flags; i++) {
      cairn_doc_open(doc, "flag");
      cairn_doc_attr(doc, "code", intake_data->flags[i].code);
      cairn_doc_attr(doc, "question", intake_data->flags[i].question);
      cairn_doc_close(doc);
    }
  } else if (strcmp(section, "consent") == 0) {
    cairn_doc_open(doc, "terms");
    cairn_doc_attr(doc, "version", intake_data->terms_version);
    for (i = 0; i < intake_data->n_terms; i++)
      cairn_doc_text(doc, "p", intake_data->terms[i]);
    cairn_doc_close(doc);
  } else if (strcmp(section, "baseline") == 0) {
    long long gid;
    int gversion, goals = 0;
    const cairn_record *grec = NULL;
    cairn_error err = {0, "", ""};
    if (intake_section_find(req, intake, "goals", &gid, &gversion) == 0 &&
        gid > 0 && cairn_record_get(req, gid, &grec, &err) == CAIRN_OK)
      goals = atoi(cairn_record_value(grec, "count(r:goals/r:goal)"));
    for (i = 0; i < intake_data->n_baseline; i++) {
      const intake_instrument *in = &intake_data->baseline[i];
      int psfs = strcmp(in->id, "psfs") == 0;
      cairn_doc_open(doc, "instrument");
      cairn_doc_attr(doc, "id", in->id);
      cairn_doc_attr(doc, "abbreviation", in->abbreviation);
      cairn_doc_attr(doc, "name", in->name);
      if (is_function_measure(in->id)) cairn_doc_attr(doc, "function", "yes");
      for (j = 0; j < in->n_items; j++) {
        const char *label = in->items[j].label;
        if (psfs) {
          if ((int)j >= goals) break;
          label = cairn_record_value(grec, cairn_req_printf(req, "r:goals/r:goal[%zu]", j + 1));
        }
        cairn_doc_open(doc, "item");
        cairn_doc_attr(doc, "name", cairn_req_printf(req, "m.%s.%s", in->id, in->items[j].id));
        cairn_doc_attr(doc, "label", label);
        cairn_doc_attr(doc, "min", cairn_req_printf(req, "%g", in->items[j].min));
        cairn_doc_attr(doc, "max", cairn_req_printf(req, "%g", in->items[j].max));
        cairn_doc_close(doc);
      }
      cairn_doc_close(doc);
    }
    for (i = 0; i < 3; i++) {   /* what instruments.xml does not define */
      static const char *const wanted[] = {"psfs", "odi", "ndi"};
      if (!intake_baseline_find(wanted[i])) cairn_doc_text(doc, "missing", wanted[i]);
    }
    /* The suggested function measure, from the pain sites. */
    {
      long long pid;
      int pversion;
      const cairn_record *prec;
      if (intake_section_find(req, intake, "pain", &pid, &pversion) == 0 && pid > 0 &&
          cairn_record_get(req, pid, &prec, &err) == CAIRN_OK) {
        for (i = 0; i < intake_data->n_regions; i++) {
          const intake_region *r = &intake_data->regions[i];
          if (r->measure[0] && intake_baseline_find(r->measure) &&
              cairn_record_value(prec, cairn_req_printf(req, "r:pain/r:site[. = '%s']",
                                                        r->code))[0]) {
            cairn_doc_attr(doc, "suggested-function", r->measure);
            break;
          }
        }
      }
    }
  }
}

static int is_capability(cairn_req *req) { return cairn_req_role(req) == NULL; }

static int render(cairn_req *req, const cairn_record *intake,
                  const char *section, const intake_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "intake-form");
  long long id = cairn_record_id(intake);
  int complete, rc, idx = section_index(section);
  cairn_doc_attr(doc, "id", intake_fmt_int(req, id));
  cairn_doc_attr(doc, "section", section);
  cairn_doc_attr(doc, "action", cairn_req_printf(req, "/intake/%lld/form", id));
  cairn_doc_attr(doc, "state", cairn_record_value(intake, "r:state"));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  if (SECTIONS[idx + 1]) cairn_doc_attr(doc, "next", SECTIONS[idx + 1]);
  if (idx > 0) cairn_doc_attr(doc, "previous", SECTIONS[idx - 1]);
  if (is_capability(req)) cairn_doc_attr(doc, "patient-view", "yes");
  rc = doc_sections(req, doc, id, &complete);
  if (rc != CAIRN_OK) return rc;
  doc_content(req, doc, section, id);
  cairn_doc_attr(doc, "med-rows", intake_fmt_int(req, INTAKE_MEDS_MAX));
  cairn_doc_attr(doc, "allergy-rows", intake_fmt_int(req, INTAKE_ALLERGIES_MAX));
  cairn_doc_attr(doc, "spare-rows", intake_fmt_int(req, SPARE_ROWS));
  intake_form_doc(doc, f);
  return cairn_respond_view(req, doc, "intake/form", status);
}

/* The intake of the URL, with the caller's right to it checked: staff, or
** the holder of this intake's link (scope "intake:<id>"). */
static int load_for_form(cairn_req *req, const cairn_record **rec) {
  cairn_error err = {0, "", ""};
  long long id = intake_param_id(req, "id");
  const char *cap = cairn_req_capability(req);
  int rc;
  if (is_capability(req) &&
      (cap == NULL || strcmp(cap, cairn_req_printf(req, "intake:%lld", id)) != 0))
    return intake_error_page(req, 403, "This link does not open this page.");
  rc = intake_load(req, id, rec, &err);
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  return CAIRN_OK;
}

int intake_page_form(cairn_req *req) {
  const cairn_record *rec, *srec;
  cairn_error err = {0, "", ""};
  const char *section = cairn_req_query(req, "section");
  intake_form f;
  long long sid;
  int version, rc = load_for_form(req, &rec);
  if (rc != CAIRN_OK) return rc;
  if (section == NULL || section[0] == '\0') section = SECTIONS[0];
  if (strcmp(section, "done") == 0) {
    cairn_doc *doc = cairn_doc_new(req, NULL, "intake-done");
    cairn_doc_attr(doc, "state", cairn_record_value(rec, "r:state"));
    return cairn_respond_view(req, doc, "intake/form", 200);
  }
  if (section_index(section) < 0)
    return intake_error_page(req, 404, "There is no such section.");
  if (strcmp(cairn_record_value(rec, "r:state"), "open") != 0 && is_capability(req))
    return intake_error_page(req, 409, "This questionnaire has already been "
                                       "sent to the clinic. Thank you.");
  memset(&f, 0, sizeof f);
  rc = intake_section_find(req, cairn_record_id(rec), section, &sid, &version);
  if (rc != CAIRN_OK) return rc;
  if (sid > 0) {
    if (cairn_record_get(req, sid, &srec, &err) != CAIRN_OK)
      return intake_fail_page(req, &err);
    load_record(req, section, srec, &f);
  } else if (strcmp(section, "demographics") == 0) {
    /* Start from what the discovery call already knows. */
    const cairn_record *pat;
    if (cairn_record_get(req, cairn_record_patient(rec), &pat, &err) == CAIRN_OK)
      intake_form_set(&f, "name", cairn_record_value(pat, "r:name"));
  }
  return render(req, rec, section, &f, 200);
}

/* Open a referral-out task for a positive screen, unless one is open. */
static int open_task(cairn_req *req, const cairn_record *intake,
                     const intake_form *f, cairn_error *err) {
  static const char SQL[] = "SELECT 1 FROM p_intake_task WHERE intake = :i"
                            " AND state = 'open'";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, err);
  xmlDocPtr x;
  xmlNodePtr r;
  size_t i;
  long long id;
  int rc, flags = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":i", cairn_record_id(intake)) != 0)
    return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1) return CAIRN_OK;
  x = intake_xml_new(INTAKE_NS, "ReferralTask");
  r = xmlDocGetRootElement(x);
  intake_xml_text(r, "intake", intake_fmt_int(req, cairn_record_id(intake)));
  intake_xml_text(r, "opened", cairn_req_today(req));
  for (i = 0; i < intake_data->n_flags; i++) {
    const char *code = intake_data->flags[i].code;
    if (strcmp(intake_form_get(f, cairn_req_printf(req, "flag.%s", code)), "no")) {
      intake_xml_text(r, "flag", code);
      flags++;
    }
  }
  intake_xml_text(r, "state", "open");
  if (flags == 0) { xmlFreeDoc(x); return CAIRN_OK; }
  return cairn_record_create(req, INTAKE_T_TASK, cairn_record_patient(intake),
                             intake_xml_done(req, x), &id, err);
}

int intake_post_form(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  const char *section = cairn_req_form(req, "section");
  intake_form f;
  xmlDocPtr x;
  xmlNodePtr root, s;
  long long sid, iid;
  int version, idx, rc = load_for_form(req, &rec);
  if (rc != CAIRN_OK) return rc;
  iid = cairn_record_id(rec);
  if (section == NULL || (idx = section_index(section)) < 0)
    return intake_error_page(req, 422, "Say which section is being saved.");
  if (strcmp(cairn_record_value(rec, "r:state"), "enrolled") == 0)
    return intake_error_page(req, 409, "This intake is closed: the patient is "
                                       "enrolled.");
  if (strcmp(cairn_record_value(rec, "r:state"), "open") != 0 && is_capability(req))
    return intake_error_page(req, 409, "This questionnaire has already been "
                                       "sent to the clinic. Thank you.");
  memset(&f, 0, sizeof f);
  read_request(req, section, &f);
  check_section(req, iid, section, &f);
  if (strcmp(section, "consent") == 0 && f.n_errors == 0) {
    int i;
    for (i = 0; i < N_SECTIONS - 1; i++) {
      rc = intake_section_find(req, iid, SECTIONS[i], &sid, &version);
      if (rc != CAIRN_OK) return rc;
      if (sid == 0) {
        intake_form_error(&f, "", cairn_req_printf(
            req, "Complete every section before giving consent: \"%s\" is not "
                 "saved yet.", SECTIONS[i]));
        break;
      }
    }
  }
  if (f.n_errors > 0) return render(req, rec, section, &f, 422);

  x = intake_xml_new(INTAKE_NS, "Section");
  root = xmlDocGetRootElement(x);
  intake_xml_text(root, "intake", intake_fmt_int(req, iid));
  intake_xml_text(root, "name", section);
  intake_xml_text(root, "saved", cairn_req_today(req));
  s = xmlNewChild(root, root->ns, (const xmlChar *)section, NULL);
  build_section(req, section, &f, s);
  rc = intake_section_find(req, iid, section, &sid, &version);
  if (rc != CAIRN_OK) { xmlFreeDoc(x); return rc; }
  if (sid == 0) {
    rc = cairn_record_create(req, INTAKE_T_SECTION, cairn_record_patient(rec),
                             intake_xml_done(req, x), &sid, &err);
  } else {
    rc = cairn_record_revise(req, sid, version, NULL, intake_xml_done(req, x), &err);
  }
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    intake_form_error(&f, "", cairn_req_strdup(req, err.message));
    return render(req, rec, section, &f, 422);
  }
  if (rc != CAIRN_OK) return intake_fail_page(req, &err);

  if (strcmp(section, "redflags") == 0) {
    rc = open_task(req, rec, &f, &err);
    if (rc != CAIRN_OK) return intake_fail_page(req, &err);
  }
  if (strcmp(section, "consent") == 0) {
    intake_fields fl;
    int patient = is_capability(req);
    intake_fields_load(rec, &fl);
    if (strcmp(fl.state, "open") == 0) {
      fl.state = "submitted";
      fl.submitted = cairn_req_today(req);
    }
    intake_link_withdraw(req, &fl);
    rc = intake_fields_save(req, rec, &fl, &err);
    if (rc != CAIRN_OK) return intake_fail_page(req, &err);
    if (patient) {
      /* The link is withdrawn, and its session with it: say thank you
      ** here rather than redirect to a page it can no longer open. */
      cairn_doc *doc = cairn_doc_new(req, NULL, "intake-done");
      cairn_doc_attr(doc, "state", "submitted");
      return cairn_respond_view(req, doc, "intake/form", 200);
    }
    return cairn_respond_redirect(req, cairn_req_printf(req, "/intake/%lld", iid));
  }
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/intake/%lld/form?section=%s", iid, SECTIONS[idx + 1]));
}
