/*
** diary.c -- the patient's short check between visits: the measure the
** episode is judged by, when a patient can report it, and an optional
** note; at most one entry a day (the clinic's day), whether the clinician
** asked for it daily or weekly.  Entries are program:DiaryEntry records,
** kept apart from the clinic's observations.  docs/patient.md.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"

CAIRN_PLUGIN_EXTERN

/* A posted item's name: "item-<id>". */
#define ITEM_PREFIX "item-"

/* The diary's fields for instrument d: one integer per item (PSFS items
** named after the episode's activities; items without one are left out),
** then the note.  NULL-terminated, in the arena. */
static cairn_field *diary_fields(cairn_req *req, const program_episode *e,
                                 const instr_def *d) {
  cairn_field *f = cairn_req_alloc(req, sizeof *f * (d->n_items + 2));
  size_t i, n = 0;
  int psfs = strncmp(d->id, "psfs", 4) == 0;
  for (i = 0; i < d->n_items; i++) {
    const char *label = d->items[i].label;
    if (psfs) {
      if (i >= PROGRAM_ACTIVITIES_MAX || e->activity[i] == NULL ||
          e->activity[i][0] == '\0')
        continue;
      label = cairn_req_printf(req, "How well can you %s today?",
                               e->activity[i]);
    }
    f[n] = (cairn_field){
      .name = cairn_req_printf(req, ITEM_PREFIX "%s", d->items[i].id),
      .label = label, .kind = CAIRN_FIELD_INTEGER,
      .flags = CAIRN_FIELD_REQUIRED, .min = d->items[i].min,
      .max = d->items[i].max,
      .hint = cairn_req_printf(req, "%g to %g", d->items[i].min,
                               d->items[i].max)};
    n++;
  }
  f[n++] = (cairn_field){.name = "note", .label = "Anything to add? (optional)",
                         .kind = CAIRN_FIELD_TEXTAREA,
                         .max = PATIENT_NOTE_MAX};
  f[n] = (cairn_field){.name = NULL};
  return f;
}

/* 1 when the episode has a diary entry dated today. */
static int done_today(cairn_req *req, long long episode) {
  static const char SQL[] =
      "SELECT 1 FROM p_program_diary WHERE episode = :e AND entry_date = :d"
      " AND status <> 'entered-in-error' LIMIT 1";
  cairn_stmt *st = cairn_sql_prepare(req, SQL, NULL);
  if (st == NULL || cairn_sql_bind_int(st, ":e", episode) != 0 ||
      cairn_sql_bind_text(st, ":d", cairn_req_today(req)) != 0)
    return 0;
  return cairn_sql_step(st) == 1;
}

/* The diary page: form f (NULL: fresh), or the "done today" notice. */
static int diary_page(cairn_req *req, const program_episode *e,
                      const instr_def *d, cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "patient-diary");
  cairn_doc_attr(doc, "episode", program_fmt_int(req, e->id));
  cairn_doc_attr(doc, "base", cairn_req_printf(req, "/p/%lld", e->id));
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  cairn_doc_attr(doc, "instrument", d->abbreviation);
  if (d->note != NULL) cairn_doc_attr(doc, "about", d->note);
  if (done_today(req, e->id)) {
    cairn_doc_attr(doc, "done-today", "yes");
  } else {
    if (f == NULL) f = cairn_form_new(req, "diary", diary_fields(req, e, d));
    cairn_form_doc(doc, f, cairn_req_printf(req, "/p/%lld/diary", e->id),
                   "Save today's check");
  }
  return cairn_respond_view(req, doc, "program/patient-diary", status);
}

/* GET /p/{e}/diary: the form, or "done today". */
int program_patient_diary(cairn_req *req) {
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int done, rc = patient_route_episode(req, e, &done);
  const instr_def *d;
  if (done) return rc;
  d = patient_diary_instrument(e);
  if (d == NULL) return cairn_respond_error(req, 404, NULL, "No diary.");
  return diary_page(req, e, d, NULL, 200);
}

/* The DiaryEntry body. */
static cairn_doc *entry_body(cairn_req *req, long long episode,
                             const instr_def *d, double score,
                             const char *note) {
  char buf[32];
  cairn_doc *doc = cairn_doc_new(req, PATIENT_NS, "DiaryEntry");
  instr_format_score(d, score, buf, sizeof buf);
  cairn_doc_text(doc, "episode", program_fmt_int(req, episode));
  cairn_doc_text(doc, "date", cairn_req_today(req));
  cairn_doc_text(doc, "instrument", d->id);
  cairn_doc_text(doc, "score", cairn_req_strdup(req, buf));
  if (note != NULL && note[0]) cairn_doc_text(doc, "note", note);
  return doc;
}

/* POST /p/{e}/diary: one entry a day; a refusal stores nothing. */
int program_patient_diary_post(cairn_req *req) {
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  const instr_def *d;
  cairn_form *f;
  instr_answers a;
  instr_fault fault;
  double score;
  long long id;
  size_t i;
  int done, rc = patient_route_episode(req, e, &done);
  if (done) return rc;
  d = patient_diary_instrument(e);
  if (d == NULL) return cairn_respond_error(req, 404, NULL, "No diary.");
  /* One a day: a second check the same day stores nothing. */
  if (done_today(req, e->id))
    return cairn_respond_error(req, 409, NULL,
                              "You have already done today's check. You "
                              "can do the next one tomorrow.");
  f = cairn_form_new(req, "diary", diary_fields(req, e, d));
  if (cairn_form_bind(f) > 0) return diary_page(req, e, d, f, 422);
  memset(&a, 0, sizeof a);
  for (i = 0; i < d->n_items; i++) {
    const char *v = cairn_form_value(
        f, cairn_req_printf(req, ITEM_PREFIX "%s", d->items[i].id));
    if (v != NULL && v[0] && instr_parse_number(v, &a.value[i]) == 0)
      a.given[i] = 1;
  }
  if (instr_score(d, &a, &score, &fault) != INSTR_OK) {
    cairn_form_error(f, "", fault.message);
    return diary_page(req, e, d, f, 422);
  }
  rc = cairn_record_create(req, PROGRAM_T_DIARY, e->patient,
                           entry_body(req, e->id, d, score,
                                      cairn_form_value(f, "note")),
                           &id, &err);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_host_error(f, &err);
    return diary_page(req, e, d, f, 422);
  }
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/p/%lld?sent=diary", e->id));
}
