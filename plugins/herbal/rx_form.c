/*
** rx_form.c -- the prescribing form: a new prescription for a patient
** (GET/POST /patients/P/herbal/prescribe, optionally from a formula) and a
** new version of one (GET/POST .../prescriptions/ID/revise, with a
** reason).  The findings of the one safety check are shown beside the herb
** each concerns; nothing is stored until the verdict allows it, and then
** the record's check hook runs the same check again on the write.
*/
#include "herbal.h"
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Herb rows the form shows: the largest formula has 15 herbs; room to
** add. */
#define RX_ROWS 20
/* Characters of a change's summary ("Du Huo 9 -> 12 g; added ..."). */
#define RX_CHANGES_MAX 3900

static const char *const FORMS[] = {
  "raw", "Raw herbs for decoction", "granules", "Granules", "pills", "Pills", NULL
};

/* How many times a day, as the form offers it; the words are those the
** printed instructions use. */
static const char *const DOSES_PER_DAY[] = {
  "1", "Once a day", "2", "Twice a day", "3", "3 times a day", "4", "4 times a day",
  NULL
};

static const cairn_field fields[] = {
  {.name = "formula", .label = "Formula", .kind = CAIRN_FIELD_HIDDEN},
  {.name = "version", .label = "Version", .kind = CAIRN_FIELD_HIDDEN},
  {.name = "episode", .label = "Episode", .kind = CAIRN_FIELD_HIDDEN},
  {.name = "form", .label = "Form", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = FORMS},
  {.name = "ratio", .label = "Granule ratio (raw herb : granules)",
   .kind = CAIRN_FIELD_NUMBER, .min = HERBAL_RATIO_MIN, .max = HERBAL_RATIO_MAX,
   .hint = "5 for 5:1 granules; doses are converted to raw herb for the checks"},
  {.name = "days", .label = "Days", .kind = CAIRN_FIELD_INTEGER,
   .flags = CAIRN_FIELD_REQUIRED, .min = 1, .max = 365},
  {.name = "dosesPerDay", .label = "Doses a day", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = DOSES_PER_DAY,
   .hint = "How many times a day the patient takes the day's herbs"},
  {.name = "startDate", .label = "Start date", .kind = CAIRN_FIELD_DATE,
   .flags = CAIRN_FIELD_REQUIRED | CAIRN_FIELD_FUTURE},
  {.name = "instructions", .label = "Instructions for the patient",
   .kind = CAIRN_FIELD_TEXTAREA, .max = 4000},
  {.name = "reason", .label = "Reason for the change", .kind = CAIRN_FIELD_TEXTAREA,
   .max = 4000},
  {.name = "acknowledged", .label = "I have read the warnings",
   .kind = CAIRN_FIELD_CHECKBOX},
  {.name = "justification", .label = "Justification for overriding a block",
   .kind = CAIRN_FIELD_TEXTAREA, .max = 4000,
   .hint = "At least 20 characters; stored with the prescription"},
  {.name = NULL}
};

static const char *row_name(cairn_req *req, const char *what, int row) {
  return cairn_req_printf(req, "herb-%d-%s", row, what);
}

/* The route's patient id, or 0. */
static long long route_id(cairn_req *req, const char *name) {
  const char *v = cairn_req_param(req, name);
  return v ? strtoll(v, NULL, 10) : 0;
}

/* Fill the herb rows of the form from a formula. */
static void rows_from_formula(cairn_req *req, cairn_form *form,
                              const herbal_formula *f) {
  for (int i = 0; i < f->n_items && i < RX_ROWS; i++) {
    cairn_form_set(form, row_name(req, "name", i + 1),
                   herbal_data->herbs[f->items[i].herb].pinyin);
    if (f->items[i].grams > 0)
      cairn_form_set(form, row_name(req, "grams", i + 1),
                     cairn_req_printf(req, "%g", f->items[i].grams));
  }
}

/* Fill the form from a stored prescription (to revise it). */
static void form_from_record(cairn_req *req, cairn_form *form,
                             const cairn_record *rec) {
  cairn_form_set(form, "formula", cairn_record_value(rec, "r:formula"));
  cairn_form_set(form, "version", cairn_req_printf(req, "%d", cairn_record_version(rec)));
  cairn_form_set(form, "episode", cairn_record_value(rec, "r:episode"));
  cairn_form_set(form, "form", cairn_record_value(rec, "r:form"));
  cairn_form_set(form, "ratio", cairn_record_value(rec, "r:ratio"));
  cairn_form_set(form, "days", cairn_record_value(rec, "r:days"));
  cairn_form_set(form, "dosesPerDay", cairn_req_printf(req, "%d", herbal_doses_per_day(rec)));
  cairn_form_set(form, "startDate", cairn_record_value(rec, "r:startDate"));
  cairn_form_set(form, "instructions", cairn_record_value(rec, "r:instructions"));
  int n = atoi(cairn_record_value(rec, "count(r:herb)"));
  for (int i = 1; i <= n && i <= RX_ROWS; i++) {
    cairn_form_set(form, row_name(req, "name", i),
                   cairn_record_value(rec, cairn_req_printf(req, "r:herb[%d]/r:name", i)));
    cairn_form_set(form, row_name(req, "grams", i),
                   cairn_record_value(rec, cairn_req_printf(req, "r:herb[%d]/r:grams", i)));
  }
}

/* The herb rows as posted: names and grams in lines[], with the row each
** came from in rows[].  Messages go on the row's fields. */
static int read_rows(cairn_req *req, cairn_form *form, herbal_line *lines,
                     int *rows) {
  int n = 0;
  for (int r = 1; r <= RX_ROWS; r++) {
    const char *name = cairn_req_form(req, row_name(req, "name", r));
    const char *grams = cairn_req_form(req, row_name(req, "grams", r));
    cairn_error err = {0};
    name = name ? name : "";
    grams = grams ? grams : "";
    cairn_form_set(form, row_name(req, "name", r), name);
    cairn_form_set(form, row_name(req, "grams", r), grams);
    name = cairn_form_value(form, row_name(req, "name", r));
    grams = cairn_form_value(form, row_name(req, "grams", r));
    if (!name[0] && !grams[0]) continue;
    if (cairn_text_check(name, 200, 0, row_name(req, "name", r), "The herb", &err)) {
      cairn_form_host_error(form, &err);
      continue;
    }
    if (!name[0]) {
      cairn_form_error(form, row_name(req, "name", r), "Name the herb, or clear its grams.");
      continue;
    }
    char *end = NULL;
    double g = strtod(grams, &end);
    if (!grams[0] || *end || !(g > 0) || g > HERBAL_GRAMS_MAX) {
      cairn_form_error(form, row_name(req, "grams", r),
                       "Enter the grams a day: a number more than 0, at most 500.");
      continue;
    }
    lines[n].name = name;
    lines[n].grams = g;
    rows[n++] = r;
  }
  if (n == 0) cairn_form_error(form, "herb-1-name", "Add at least one herb.");
  return n;
}

/* classical when the herbs and grams are the formula's, modified when a
** formula was the start, custom otherwise. */
static const char *formula_kind(const herbal_formula *f, const herbal_line *lines,
                                int n) {
  if (!f) return "custom";
  if (n != f->n_items) return "modified";
  for (int i = 0; i < n; i++) {
    int h = herbal_lookup(herbal_data, lines[i].name, NULL, NULL);
    if (h != f->items[i].herb || (f->items[i].grams > 0 && lines[i].grams != f->items[i].grams))
      return "modified";
  }
  return "classical";
}

/* What changed between the stored version and the new one, in words:
** "doses a day 2 -> 3; days 14 -> 21; Du Huo 9 g -> 12 g; added Dan Shen
** 10 g; removed Xi Xin" (form the bound form, lines its herbs). */
static const char *changes(cairn_req *req, const cairn_record *old, cairn_form *form,
                           const herbal_line *lines, int n) {
  char *out = cairn_req_alloc(req, RX_CHANGES_MAX + 1);
  size_t used = 0;
  int m = atoi(cairn_record_value(old, "count(r:herb)"));
#define SAY(...) do { if (used < RX_CHANGES_MAX) used += (size_t)snprintf(out + used, RX_CHANGES_MAX + 1 - used, __VA_ARGS__); } while (0)
  int old_doses = herbal_doses_per_day(old);
  int new_doses = atoi(cairn_form_value(form, "dosesPerDay"));
  if (new_doses != old_doses) SAY("doses a day %d -> %d", old_doses, new_doses);
  const char *old_form = cairn_record_value(old, "r:form");
  const char *new_form = cairn_form_value(form, "form");
  if (strcmp(old_form, new_form) != 0) SAY("%sform %s -> %s", used ? "; " : "", old_form, new_form);
  long old_days = strtol(cairn_record_value(old, "r:days"), NULL, 10);
  long new_days = strtol(cairn_form_value(form, "days"), NULL, 10);
  if (new_days != old_days) SAY("%sdays %ld -> %ld", used ? "; " : "", old_days, new_days);
  for (int i = 0; i < n; i++) {
    int h = herbal_lookup(herbal_data, lines[i].name, NULL, NULL);
    int found = 0;
    for (int k = 1; k <= m; k++) {
      const char *oname = cairn_record_value(old, cairn_req_printf(req, "r:herb[%d]/r:name", k));
      if (herbal_lookup(herbal_data, oname, NULL, NULL) != h) continue;
      found = 1;
      double og = atof(cairn_record_value(old, cairn_req_printf(req, "r:herb[%d]/r:grams", k)));
      if (og != lines[i].grams)
        SAY("%s%s %g g -> %g g", used ? "; " : "", lines[i].name, og, lines[i].grams);
      break;
    }
    if (!found) SAY("%sadded %s %g g", used ? "; " : "", lines[i].name, lines[i].grams);
  }
  for (int k = 1; k <= m; k++) {
    const char *oname = cairn_record_value(old, cairn_req_printf(req, "r:herb[%d]/r:name", k));
    int h = herbal_lookup(herbal_data, oname, NULL, NULL), found = 0;
    for (int i = 0; i < n && !found; i++)
      found = herbal_lookup(herbal_data, lines[i].name, NULL, NULL) == h;
    if (!found) SAY("%sremoved %s", used ? "; " : "", oname);
  }
#undef SAY
  return used ? out : "herbs, doses and days unchanged";
}

/* Build the Prescription body from the bound form and rows. */
static cairn_doc *body_of(cairn_req *req, cairn_form *form, long long patient,
                          const herbal_line *lines, int n, const cairn_record *old) {
  const char *fid = cairn_form_value(form, "formula");
  int fi = fid[0] ? herbal_db_formula(herbal_data, fid) : -1;
  const herbal_formula *f = fi >= 0 ? &herbal_data->formulas[fi] : NULL;
  cairn_doc *b = cairn_doc_new(req, HERBAL_NS, "Prescription");
  cairn_doc_text(b, "subject", cairn_req_printf(req, "%lld", patient));
  const char *episode = cairn_form_value(form, "episode");
  if (episode[0] && strtoll(episode, NULL, 10) > 0) cairn_doc_text(b, "episode", episode);
  cairn_doc_text_attr(b, "formula", "kind", formula_kind(f, lines, n), f ? f->id : "");
  const char *form_word = cairn_form_value(form, "form");
  cairn_doc_text(b, "form", form_word);
  if (strcmp(form_word, "granules") == 0 && cairn_form_value(form, "ratio")[0])
    cairn_doc_text(b, "ratio", cairn_form_value(form, "ratio"));
  cairn_doc_text(b, "days", cairn_form_value(form, "days"));
  cairn_doc_text(b, "dosesPerDay", cairn_form_value(form, "dosesPerDay"));
  cairn_doc_text(b, "startDate", cairn_form_value(form, "startDate"));
  cairn_doc_text(b, "prescriber", cairn_req_actor(req));
  if (cairn_form_value(form, "instructions")[0])
    cairn_doc_text(b, "instructions", cairn_form_value(form, "instructions"));
  if (old) {
    cairn_doc_text(b, "reason", cairn_form_value(form, "reason"));
    /* Carry the history forward and add this change. */
    int k = atoi(cairn_record_value(old, "count(r:change)"));
    for (int i = 1; i <= k; i++) {
      cairn_doc_open(b, "change");
      static const char *const parts[] = {"version", "date", "by", "reason", "what"};
      for (int p = 0; p < 5; p++)
        cairn_doc_text(b, parts[p], cairn_record_value(
            old, cairn_req_printf(req, "r:change[%d]/r:%s", i, parts[p])));
      cairn_doc_close(b);
    }
    cairn_doc_open(b, "change");
    cairn_doc_text(b, "version", cairn_req_printf(req, "%d", cairn_record_version(old) + 1));
    cairn_doc_text(b, "date", cairn_req_today(req));
    cairn_doc_text(b, "by", cairn_req_actor(req));
    cairn_doc_text(b, "reason", cairn_form_value(form, "reason"));
    cairn_doc_text(b, "what", changes(req, old, form, lines, n));
    cairn_doc_close(b);
  }
  for (int i = 0; i < n; i++) {
    cairn_doc_open(b, "herb");
    cairn_doc_text(b, "name", lines[i].name);
    cairn_doc_text(b, "grams", cairn_req_printf(req, "%g", lines[i].grams));
    cairn_doc_close(b);
  }
  if (strcmp(cairn_form_value(form, "acknowledged"), "yes") == 0)
  {
    /* An empty element: doc_text with "" would add an empty text node,
    ** which the schema's empty content type refuses. */
    cairn_doc_open(b, "acknowledged");
    cairn_doc_close(b);
  }
  if (cairn_form_value(form, "justification")[0])
    cairn_doc_text(b, "justification", cairn_form_value(form, "justification"));
  return b;
}

/* Render the form, with the findings beside their rows (rows[line]). */
static int render(cairn_req *req, cairn_form *form, long long patient,
                  long long rx_id, const herbal_findings *out, const int *rows,
                  const char *verdict, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "herbal-prescribe");
  cairn_doc_attr(doc, "patient", cairn_req_printf(req, "%lld", patient));
  if (rx_id) cairn_doc_attr(doc, "prescription", cairn_req_printf(req, "%lld", rx_id));
  cairn_doc_attr(doc, "rows", cairn_req_printf(req, "%d", RX_ROWS));
  if (verdict) cairn_doc_attr(doc, "verdict", verdict);
  cairn_doc_attr(doc, "review", herbal_data->unverified ? "unverified" : "verified");
  const char *action = rx_id
      ? cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld/revise", patient, rx_id)
      : cairn_req_printf(req, "/patients/%lld/herbal/prescribe", patient);
  cairn_form_doc(doc, form, action, rx_id ? "Save the new version" : "Prescribe");
  if (out) {
    for (int i = 0; i < out->n; i++) {
      const herbal_finding *f = &out->items[i];
      cairn_doc_open(doc, "finding");
      cairn_doc_attr(doc, "row", f->line >= 0 ? cairn_req_printf(req, "%d", rows[f->line]) : "0");
      cairn_doc_attr(doc, "severity", herbal_severity_word(f->severity));
      cairn_doc_attr(doc, "rule", herbal_rule_word(f->rule));
      if (f->fact) cairn_doc_attr(doc, "src", f->fact->src);
      cairn_doc_text(doc, "message", f->message);
      for (int k = 0; k < f->n_suggest; k++) {
        const herbal_herb *h = &herbal_data->herbs[f->suggest[k]];
        cairn_doc_text_attr(doc, "suggest", "chinese", h->chinese, h->pinyin);
      }
      cairn_doc_close(doc);
    }
  }
  for (int i = 0; i < herbal_data->n_formulas; i++) {
    const herbal_formula *f = &herbal_data->formulas[i];
    cairn_doc_open(doc, "formula-choice");
    cairn_doc_attr(doc, "id", f->id);
    cairn_doc_attr(doc, "pinyin", f->pinyin);
    cairn_doc_attr(doc, "chinese", f->chinese);
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "herbal/prescribe", status);
}

int herbal_page_prescribe(cairn_req *req) {
  long long patient = route_id(req, "patient");
  cairn_form *form = cairn_form_new(req, "rx", fields);
  cairn_form_set(form, "form", "raw");
  cairn_form_set(form, "days", "14");
  cairn_form_set(form, "dosesPerDay",
                 cairn_req_printf(req, "%d", HERBAL_DOSES_PER_DAY_DEFAULT));
  cairn_form_set(form, "startDate", cairn_req_today(req));
  const char *fid = cairn_req_query(req, "formula");
  int fi = fid ? herbal_db_formula(herbal_data, fid) : -1;
  if (fi >= 0) {
    cairn_form_set(form, "formula", herbal_data->formulas[fi].id);
    rows_from_formula(req, form, &herbal_data->formulas[fi]);
  }
  const char *episode = cairn_req_query(req, "episode");
  if (episode && strtoll(episode, NULL, 10) > 0) cairn_form_set(form, "episode", episode);
  cairn_audit_note(req, patient, 0);
  return render(req, form, patient, 0, NULL, NULL, NULL, 200);
}

int herbal_page_revise(cairn_req *req) {
  long long patient = route_id(req, "patient"), id = route_id(req, "id");
  const cairn_record *rec;
  cairn_error err = {0};
  int rc = cairn_record_get_for_patient(req, patient, id, &rec, &err);
  if (rc) return rc;
  cairn_form *form = cairn_form_new(req, "rx", fields);
  form_from_record(req, form, rec);
  return render(req, form, patient, id, NULL, NULL, NULL, 200);
}

/* POST of a new prescription (rx_id 0) or a new version of one. */
static int post(cairn_req *req, long long patient, long long rx_id) {
  const cairn_record *old = NULL;
  cairn_error err = {0};
  if (rx_id) {
    int rc = cairn_record_get_for_patient(req, patient, rx_id, &old, &err);
    if (rc) return rc;
  }
  cairn_form *form = cairn_form_new(req, "rx", fields);
  cairn_form_bind(form);
  herbal_line lines[RX_ROWS];
  int rows[RX_ROWS];
  int n = read_rows(req, form, lines, rows);
  if (rx_id && herbal_text_chars(cairn_form_value(form, "reason")) < 3)
    cairn_form_error(form, "reason", "Say why the prescription changes.");
  if (strcmp(cairn_form_value(form, "form"), "granules") == 0 &&
      !cairn_form_value(form, "ratio")[0])
    cairn_form_error(form, "ratio", "Granules need their ratio (5 for 5:1) to check doses as raw herb.");
  if (cairn_form_errors(form))
    return render(req, form, patient, rx_id, NULL, NULL, NULL, 422);
  cairn_doc *body = body_of(req, form, patient, lines, n, old);
  herbal_findings *out = cairn_req_alloc(req, sizeof *out);
  herbal_verdict v = herbal_check_body(req, body, out, &err);
  if (err.code) return err.code;
  if (v != HERBAL_SAVE) {
    herbal_refusal(out, v, &err);
    cairn_form_host_error(form, &err);
    static const char *const words[] = {"save", "needs-acknowledgement",
                                        "needs-justification", "refused"};
    return render(req, form, patient, rx_id, out, rows, words[v], 422);
  }
  long long id = rx_id;
  int rc = rx_id ? cairn_record_revise(req, rx_id, atoi(cairn_form_value(form, "version")),
                                       NULL, body, &err)
                 : cairn_record_create(req, HERBAL_T_PRESCRIPTION, patient, body, &id, &err);
  if (rc) {
    if (rc != CAIRN_EINVAL && rc != CAIRN_ECONFLICT) return rc;
    cairn_form_host_error(form, &err);
    return render(req, form, patient, rx_id, out, rows, NULL, rc == CAIRN_ECONFLICT ? 409 : 422);
  }
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld", patient, id));
}

int herbal_post_prescribe(cairn_req *req) {
  return post(req, route_id(req, "patient"), 0);
}

int herbal_post_revise(cairn_req *req) {
  return post(req, route_id(req, "patient"), route_id(req, "id"));
}
