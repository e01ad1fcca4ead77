/*
** prescription.c -- the check every herbal:Prescription write goes
** through (form, XML API, import), and the patient context it reads.
**
** The check hook reads the body's herbs, form and ratio, the subject's
** medicines and pregnancy status (newest herbal:Medications), runs
** herbal_check (safety.c) and refuses the write unless the verdict allows
** it: a refusal always, a block without a justification of 20 characters,
** a warning without <acknowledged/>.  On success it replaces the body's
** <finding> elements with the findings just made, so the stored version
** says what the clinician saw and overrode (and the audit trail holds who
** wrote it).
*/
#include "herbal.h"

#include <stdlib.h>
#include <string.h>

/* The newest active Medications record of a patient. */
static const char MEDICATIONS_SQL[] =
    "SELECT record FROM p_herbal_medications"
    " WHERE patient = :patient AND status = 'active'"
    " ORDER BY record DESC LIMIT 1";

/* The newest medicines section of the intake of any of the patient's
** episodes (intake and program plugins' projections). */
static const char INTAKE_SQL[] =
    "SELECT s.record FROM p_intake_section s"
    " JOIN p_intake_intake i ON i.record = s.intake"
    " JOIN p_program_episode e ON e.record = i.episode"
    " WHERE e.patient = :patient AND s.name = 'medicines'"
    " AND s.status = 'active' ORDER BY s.record DESC LIMIT 1";

/* Whether any record of the intake's sections exists: when none does, the
** intake plugin's tables may not exist either, and querying them would
** only fill the log with refused SQL. */
static const char INTAKE_PRESENT_SQL[] =
    "SELECT 1 FROM record WHERE type = 'intake:Section' LIMIT 1";

/* Read the intake's medicines into ctx; nothing when the intake plugin is
** not loaded or the patient came without one. */
static int intake_context(cairn_req *req, long long patient,
                          herbal_context *ctx, cairn_error *err) {
  cairn_error quiet = {0};
  cairn_stmt *st = cairn_sql_prepare(req, INTAKE_PRESENT_SQL, &quiet);
  if (!st || cairn_sql_step(st) != 1) return 0;
  st = cairn_sql_prepare(req, INTAKE_SQL, &quiet);
  if (!st) return 0;            /* no intake tables: nothing to read */
  cairn_sql_bind_int(st, ":patient", patient);
  int rc = cairn_sql_step(st);
  if (rc <= 0) return rc < 0 ? cairn_fail(err, CAIRN_EDB, NULL, "herbal: reading the intake failed") : 0;
  const cairn_record *rec;
  if ((rc = cairn_record_get(req, cairn_sql_int(st, 0), &rec, err))) return rc;
  ctx->intake_section = cairn_record_id(rec);
  const char *preg = cairn_record_value(rec, "r:medicines/r:pregnancy");
  if (preg[0]) ctx->pregnancy_word = preg;
  int n = atoi(cairn_record_value(rec, "count(r:medicines/r:medication)"));
  for (int i = 1; i <= n && ctx->patient.n_medicines < HERBAL_MEDICINES_MAX; i++) {
    const char *at = cairn_req_printf(req, "r:medicines/r:medication[%d]/r:", i);
    const char *freq = cairn_req_strdup(
        req, cairn_record_value(rec, cairn_req_printf(req, "%sfrequency", at)));
    for (char *p = (char *)freq; *p; p++) if (*p == '-') *p = ' ';
    ctx->medicines[ctx->patient.n_medicines++] = cairn_req_printf(
        req, "%s %s %s %s",
        cairn_record_value(rec, cairn_req_printf(req, "%sname", at)),
        cairn_record_value(rec, cairn_req_printf(req, "%sdose", at)),
        cairn_record_value(rec, cairn_req_printf(req, "%sunit", at)), freq);
  }
  return 0;
}

int herbal_patient_context(cairn_req *req, long long patient,
                           herbal_context *ctx, cairn_error *err) {
  memset(ctx, 0, sizeof *ctx);
  ctx->patient.pregnancy = HERBAL_NOT_PREGNANT;
  ctx->patient.medicines = ctx->medicines;
  ctx->pregnancy_word = "unknown";
  if (patient <= 0) return 0;
  cairn_stmt *st = cairn_sql_prepare(req, MEDICATIONS_SQL, err);
  if (!st) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":patient", patient);
  int rc = cairn_sql_step(st);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "herbal: reading medicines failed");
  if (rc == 0) {
    if ((rc = intake_context(req, patient, ctx, err))) return rc;
    goto pregnancy;
  }
  long long id = cairn_sql_int(st, 0);
  const cairn_record *rec;
  if ((rc = cairn_record_get(req, id, &rec, err))) return rc;
  ctx->medications_record = id;
  ctx->pregnancy_word = cairn_record_value(rec, "r:pregnancy");
  int n = atoi(cairn_record_value(rec, "count(r:medicine)"));
  for (int i = 1; i <= n && ctx->patient.n_medicines < HERBAL_MEDICINES_MAX; i++)
    ctx->medicines[ctx->patient.n_medicines++] = cairn_record_value(
        rec, cairn_req_printf(req, "r:medicine[%d]", i));
pregnancy:
  if (strcmp(ctx->pregnancy_word, "pregnant") == 0)
    ctx->patient.pregnancy = HERBAL_PREGNANT;
  else if (strcmp(ctx->pregnancy_word, "possibly-pregnant") == 0)
    ctx->patient.pregnancy = HERBAL_POSSIBLY_PREGNANT;
  return 0;
}

herbal_verdict herbal_check_body(cairn_req *req, cairn_doc *body,
                                 herbal_findings *out, cairn_error *err) {
  return herbal_check_body_for(req, body, NULL, out, err);
}

herbal_verdict herbal_check_body_for(cairn_req *req, cairn_doc *body,
                                     const herbal_patient *pt,
                                     herbal_findings *out, cairn_error *err) {
  herbal_line *lines = cairn_req_alloc(req, HERBAL_LINES_MAX * sizeof *lines);
  herbal_rx rx = {.lines = lines};
  for (cairn_node *h = cairn_node_child(body, NULL, "herb");
       h && rx.n_lines < HERBAL_LINES_MAX; h = cairn_node_next(h, "herb")) {
    double grams = 0;
    lines[rx.n_lines].name = cairn_doc_value(body, h, "r:name");
    if (cairn_doc_number(body, h, "r:grams", &grams)) grams = 0;
    lines[rx.n_lines++].grams = grams;
  }
  int form = herbal_form_parse(cairn_doc_value(body, NULL, "r:form"));
  rx.form = form < 0 ? (herbal_form)0 : (herbal_form)form;
  if (cairn_doc_number(body, NULL, "r:ratio", &rx.ratio)) rx.ratio = 0;
  double subject = 0;
  if (cairn_doc_number(body, NULL, "r:subject", &subject)) subject = 0;
  herbal_context ctx;
  int rc = pt ? 0 : herbal_patient_context(req, (long long)subject, &ctx, err);
  if (rc) {
    /* Without the patient's medicines the check would be incomplete: the
    ** prescription is refused rather than checked half. */
    memset(out, 0, sizeof *out);
    out->count[HERBAL_REFUSE] = 1;
    return HERBAL_REFUSED;
  }
  herbal_check(herbal_data, &rx, pt ? pt : &ctx.patient, out);
  int acknowledged = cairn_doc_count(body, NULL, "r:acknowledged") > 0;
  const char *justification = cairn_doc_value(body, NULL, "r:justification");
  return herbal_decide(out, acknowledged, justification);
}

void herbal_findings_doc(cairn_req *req, cairn_doc *doc,
                         const herbal_findings *out) {
  for (int i = 0; i < out->n; i++) {
    const herbal_finding *f = &out->items[i];
    const char *source = "";
    if (f->fact && f->fact->src)
      source = f->fact->at && f->fact->at[0]
                   ? cairn_req_printf(req, "%s, %s", f->fact->src, f->fact->at)
                   : f->fact->src;
    cairn_doc_open(doc, "finding");
    cairn_doc_text(doc, "rule", herbal_rule_word(f->rule));
    cairn_doc_text(doc, "severity", herbal_severity_word(f->severity));
    cairn_doc_text(doc, "line", cairn_req_printf(req, "%d", f->line));
    cairn_doc_text(doc, "herb", f->herb >= 0 ? herbal_data->herbs[f->herb].id : "");
    cairn_doc_text(doc, "source", source);
    cairn_doc_text(doc, "message", f->message);
    cairn_doc_close(doc);
  }
}

/* The first kept finding of severity `sev`, or NULL. */
static const herbal_finding *first(const herbal_findings *out,
                                   herbal_severity sev) {
  for (int i = 0; i < out->n; i++)
    if (out->items[i].severity == sev) return &out->items[i];
  return NULL;
}

int herbal_refusal(const herbal_findings *out, herbal_verdict v,
                   cairn_error *err) {
  int total = out->count[HERBAL_WARN] + out->count[HERBAL_BLOCK] +
              out->count[HERBAL_REFUSE];
  const herbal_finding *f;
  switch (v) {
  case HERBAL_SAVE:
    return 0;
  case HERBAL_REFUSED:
    f = first(out, HERBAL_REFUSE);
    return cairn_fail(err, CAIRN_EINVAL, "herb", "Not saved: %s (%d finding%s "
                      "in all.)", f ? f->message : "the check could not run.",
                      total, total == 1 ? "" : "s");
  case HERBAL_NEEDS_JUSTIFICATION:
    f = first(out, HERBAL_BLOCK);
    return cairn_fail(err, CAIRN_EINVAL, "justification",
                      "Not saved: %s To prescribe anyway, write why in a "
                      "justification of at least %d characters. (%d finding%s "
                      "in all.)", f ? f->message : "", HERBAL_JUSTIFICATION_MIN,
                      total, total == 1 ? "" : "s");
  case HERBAL_NEEDS_ACK:
    f = first(out, HERBAL_WARN);
    return cairn_fail(err, CAIRN_EINVAL, "acknowledged",
                      "Not saved: %s Acknowledge the warnings to save. (%d "
                      "finding%s in all.)", f ? f->message : "", total,
                      total == 1 ? "" : "s");
  }
  return cairn_fail(err, CAIRN_EINTERNAL, NULL, "herbal: unknown verdict");
}

int herbal_check_prescription(cairn_req *req, cairn_doc *body,
                              cairn_error *err) {
  /* A stopped prescription is no longer given: stopping one must always
  ** be possible, even after a new medicine made it unsafe. */
  if (cairn_doc_count(body, NULL, "r:stopped") > 0) return 0;
  herbal_findings *out = cairn_req_alloc(req, sizeof *out);
  cairn_error context_err = {0};
  herbal_verdict v = herbal_check_body(req, body, out, &context_err);
  if (context_err.code) {
    *err = context_err;
    return context_err.code;
  }
  if (v != HERBAL_SAVE) return herbal_refusal(out, v, err);
  /* What the clinician saw is stored with what they saved. */
  cairn_doc_remove(body, NULL, "r:finding");
  cairn_doc_at(body, NULL);
  herbal_findings_doc(req, body, out);
  return 0;
}

int herbal_check_adverse(cairn_req *req, cairn_doc *body, cairn_error *err) {
  (void)req;
  const char *severity = cairn_doc_value(body, NULL, "r:severity");
  const char *action = cairn_doc_value(body, NULL, "r:action");
  if (strcmp(severity, "serious") == 0 && strcmp(action, "continue") == 0)
    return cairn_fail(err, CAIRN_EINVAL, "action",
                      "A serious adverse effect asks for the herbs to be "
                      "stopped or changed, not continued.");
  /* "pending" is the patient's report: the clinician decides. */
  if (strcmp(action, "pending") == 0 &&
      strcmp(cairn_doc_value(body, NULL, "r:reportedBy"), "patient") != 0)
    return cairn_fail(err, CAIRN_EINVAL, "action",
                      "Choose what is done about the adverse effect: continue, "
                      "change or stop.");
  return 0;
}
