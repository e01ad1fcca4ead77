/*
** util.c -- what the maintenance plugin's pages and jobs share: ids in
** paths, numbers for people, the plan and check-in bodies, and an
** episode's baseline and loss-of-gains verdict read from the program's
** projections.
*/
#include "maintenance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest run of check-ins one verdict reads. */
#define MT_VERDICT_MAX 64

long long mt_param_id(cairn_req *req, const char *name) {
  const char *v = cairn_req_param(req, name);
  return v ? strtoll(v, NULL, 10) : 0;
}

const char *mt_int(cairn_req *req, long long v) {
  return cairn_req_printf(req, "%lld", v);
}

const char *mt_money(cairn_req *req, double v) {
  return cairn_format_number(req, v, 2);
}

int mt_error_page(cairn_req *req, int status, const char *message) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "maintenance-message");
  cairn_doc_attr(doc, "status", mt_int(req, status));
  cairn_doc_text(doc, "message", message);
  return cairn_respond_view(req, doc, "maintenance/message", status);
}

static const char PLAN_OF_EPISODE_SQL[] =
    "SELECT record FROM p_maintenance_plan WHERE episode = :e"
    " AND status = 'active' ORDER BY record DESC LIMIT 1";

const cairn_record *mt_plan_of_episode(cairn_req *req, long long episode) {
  cairn_error err = {0};
  const cairn_record *rec = NULL;
  cairn_stmt *st = cairn_sql_prepare(req, PLAN_OF_EPISODE_SQL, &err);
  if (!st) return NULL;
  cairn_sql_bind_int(st, ":e", episode);
  if (cairn_sql_step(st) == 1)
    cairn_record_get(req, cairn_sql_int(st, 0), &rec, &err);
  return rec;
}

/* An element's text of a record body, NULL when empty. */
static const char *value_or_null(const cairn_record *rec, const char *xp) {
  const char *v = cairn_record_value(rec, xp);
  return v && v[0] ? v : NULL;
}

void mt_plan_fields_read(const cairn_record *rec, mt_plan_fields *f) {
  f->episode = value_or_null(rec, "r:episode");
  f->option = value_or_null(rec, "r:option");
  f->kind = value_or_null(rec, "r:kind");
  f->start = value_or_null(rec, "r:start");
  f->graduated = value_or_null(rec, "r:graduated");
  f->terms_version = value_or_null(rec, "r:termsVersion");
  f->renewal = value_or_null(rec, "r:renewal");
  f->state = value_or_null(rec, "r:state");
  f->end_date = value_or_null(rec, "r:endDate");
  f->end_reason = value_or_null(rec, "r:endReason");
  f->email = value_or_null(rec, "r:email");
  f->first_name = value_or_null(rec, "r:firstName");
  f->notice_for = value_or_null(rec, "r:noticeFor");
  f->billed_from = value_or_null(rec, "r:billedFrom");
  f->paused_on = value_or_null(rec, "r:pausedOn");
  f->pause_reason = value_or_null(rec, "r:pauseReason");
  f->resumed_on = value_or_null(rec, "r:resumedOn");
}

/* doc_text of a value that may be NULL or "" (nothing written). */
static void text_opt(cairn_doc *d, const char *name, const char *v) {
  if (v && v[0]) cairn_doc_text(d, name, v);
}

cairn_doc *mt_plan_body(cairn_req *req, const mt_plan_fields *f) {
  cairn_doc *d = cairn_doc_new(req, MT_NS, "Plan");
  text_opt(d, "episode", f->episode);
  text_opt(d, "option", f->option);
  text_opt(d, "kind", f->kind);
  text_opt(d, "start", f->start);
  text_opt(d, "graduated", f->graduated);
  text_opt(d, "termsVersion", f->terms_version);
  text_opt(d, "renewal", f->renewal);
  text_opt(d, "state", f->state);
  text_opt(d, "endDate", f->end_date);
  text_opt(d, "endReason", f->end_reason);
  text_opt(d, "email", f->email);
  text_opt(d, "firstName", f->first_name);
  text_opt(d, "noticeFor", f->notice_for);
  text_opt(d, "billedFrom", f->billed_from);
  text_opt(d, "pausedOn", f->paused_on);
  text_opt(d, "pauseReason", f->pause_reason);
  text_opt(d, "resumedOn", f->resumed_on);
  return d;
}

void mt_checkin_fields_read(const cairn_record *rec, mt_checkin_fields *f) {
  f->episode = value_or_null(rec, "r:episode");
  f->months = value_or_null(rec, "r:months");
  f->due = value_or_null(rec, "r:due");
  f->state = value_or_null(rec, "r:state");
  f->sent = value_or_null(rec, "r:sent");
  f->reminded = value_or_null(rec, "r:reminded");
  f->link_id = value_or_null(rec, "r:linkId");
  f->answered = value_or_null(rec, "r:answered");
  f->via = value_or_null(rec, "r:via");
  f->observation = value_or_null(rec, "r:observation");
  f->score = value_or_null(rec, "r:score");
  f->pgic = value_or_null(rec, "r:pgic");
  f->home = value_or_null(rec, "r:homeRoutine");
  f->comment = value_or_null(rec, "r:comment");
}

cairn_doc *mt_checkin_body(cairn_req *req, const mt_checkin_fields *f) {
  cairn_doc *d = cairn_doc_new(req, MT_NS, "CheckIn");
  text_opt(d, "episode", f->episode);
  text_opt(d, "months", f->months);
  text_opt(d, "due", f->due);
  text_opt(d, "state", f->state);
  text_opt(d, "sent", f->sent);
  text_opt(d, "reminded", f->reminded);
  text_opt(d, "linkId", f->link_id);
  text_opt(d, "answered", f->answered);
  text_opt(d, "via", f->via);
  text_opt(d, "observation", f->observation);
  text_opt(d, "score", f->score);
  text_opt(d, "pgic", f->pgic);
  text_opt(d, "homeRoutine", f->home);
  text_opt(d, "comment", f->comment);
  return d;
}

/* The episode's baseline on its primary measure: its first observation
** at the "baseline" timepoint, else its first observation, first by date
** then by record.  Two statements, each walking the observations by
** episode index in (effective, record) order and stopping at the first
** row: one ORDER BY putting baseline rows first sorted every observation
** of the episode, for each graduate on the dashboard (measured on the
** large clinic, 1,000 plans: 52 ms -> 10 ms). */
#define BASELINE_FROM \
  "SELECT e.primary_instrument, o.score FROM p_program_episode e" \
  " JOIN p_program_observation o ON o.episode = e.record" \
  "  AND o.instrument = e.primary_instrument AND o.status = 'active'" \
  "  AND o.score IS NOT NULL"
static const char BASELINE_AT_SQL[] =
    BASELINE_FROM " AND o.timepoint = 'baseline'"
    " WHERE e.record = :e ORDER BY o.effective, o.record LIMIT 1";
static const char BASELINE_FIRST_SQL[] =
    BASELINE_FROM " WHERE e.record = :e ORDER BY o.effective, o.record LIMIT 1";

int mt_episode_baseline(cairn_req *req, long long episode,
                        const char **instrument, double *baseline) {
  cairn_error err = {0};
  for (int i = 0; i < 2; i++) {
    cairn_stmt *st = cairn_sql_prepare(
        req, i == 0 ? BASELINE_AT_SQL : BASELINE_FIRST_SQL, &err);
    if (!st) return err.code;
    cairn_sql_bind_int(st, ":e", episode);
    int found = cairn_sql_step(st) == 1;
    if (found) {
      *instrument = cairn_req_strdup(req, cairn_sql_text(st, 0));
      *baseline = cairn_sql_real(st, 1);
    }
    cairn_sql_done(st);
    if (found) return CAIRN_OK;
  }
  return CAIRN_ENOTFOUND;
}

static const char GRADUATION_SQL[] =
    "SELECT improvement FROM p_program_graduation WHERE episode = :e"
    " AND status = 'active' ORDER BY record DESC LIMIT 1";
static const char ANSWERED_SQL[] =
    "SELECT score FROM p_maintenance_checkin WHERE episode = :e"
    " AND status = 'active' AND state = 'done' AND score IS NOT NULL"
    " ORDER BY months";

mt_loss mt_episode_verdict(cairn_req *req, long long episode,
                           const mt_terms *t) {
  cairn_error err = {0};
  const char *instrument;
  double baseline, at_grad = NAN, imp[MT_VERDICT_MAX];
  int n = 0;
  if (mt_episode_baseline(req, episode, &instrument, &baseline) != CAIRN_OK)
    return MT_LOSS_UNDEFINED;
  const mt_instrument *in = mt_instrument_find(instrument);
  if (!in) return MT_LOSS_UNDEFINED;
  cairn_stmt *st = cairn_sql_prepare(req, GRADUATION_SQL, &err);
  if (!st) return MT_LOSS_UNDEFINED;
  cairn_sql_bind_int(st, ":e", episode);
  if (cairn_sql_step(st) == 1 && !cairn_sql_is_null(st, 0))
    at_grad = cairn_sql_real(st, 0);
  cairn_sql_done(st);
  st = cairn_sql_prepare(req, ANSWERED_SQL, &err);
  if (!st) return MT_LOSS_UNDEFINED;
  cairn_sql_bind_int(st, ":e", episode);
  int undefined = baseline == in->best;
  while (n < MT_VERDICT_MAX && cairn_sql_step(st) == 1) {
    if (mt_improvement(baseline, cairn_sql_real(st, 0), in->best, &imp[n]) == 0)
      n++;
  }
  cairn_sql_done(st);
  return mt_loss_of_gains(&t->loss, undefined, at_grad, imp, n);
}

const char *mt_loss_text(mt_loss v) {
  switch (v) {
    case MT_LOSS_BELOW_SHARE:
      return "Talk about coming back: the improvement has fallen below half "
             "of the improvement at graduation on check-ins in a row.";
    case MT_LOSS_NEAR_BASELINE:
      return "Talk about coming back: the measure has returned close to the "
             "baseline.";
    case MT_LOSS_UNDEFINED:
      return "Loss of gains cannot be judged: the baseline was already the "
             "best score (or there was no improvement at graduation), so "
             "improvement is undefined.";
    case MT_LOSS_NONE:
    default:
      return "Gains held.";
  }
}
