/*
** reports.c -- the staff list of graduates to talk to about coming back
** (GET /maintenance), the figures after graduation per check-in timepoint
** (GET /outcomes/maintenance) and the public price list of the plans
** (GET /pricing/maintenance, linked from /pricing).
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

/* Graduates the list reads at most. */
#define MT_LIST_MAX 2000

static const char GRADUATES_SQL[] =
    "SELECT p.episode, p.patient, pt.name, p.kind, p.state"
    " FROM p_maintenance_plan p JOIN p_program_patient pt"
    "  ON pt.record = p.patient"
    " WHERE p.status = 'active'"
    "  AND NOT EXISTS (SELECT 1 FROM p_maintenance_return r"
    "   WHERE r.previous = p.episode AND r.status = 'active')"
    " ORDER BY pt.name, p.episode LIMIT 2000";
static const char OPEN_CHECKINS_SQL[] =
    "SELECT c.record, c.episode, c.patient, pt.name, c.months, c.due, c.state"
    " FROM p_maintenance_checkin c JOIN p_program_patient pt"
    "  ON pt.record = c.patient"
    " WHERE c.status = 'active' AND c.state <> 'done' AND c.due <= :today"
    " ORDER BY c.due, c.record LIMIT 500";

int mt_page_list(cairn_req *req) {
  cairn_error err = {0};
  const mt_terms *t = mt_terms_current();
  cairn_doc *doc = cairn_doc_new(req, NULL, "maintenance-list");
  cairn_stmt *st = cairn_sql_prepare(req, GRADUATES_SQL, &err);
  if (!st) return err.code;
  long long ep[MT_LIST_MAX], pat[MT_LIST_MAX];
  const char *name[MT_LIST_MAX], *kind[MT_LIST_MAX], *state[MT_LIST_MAX];
  int n = 0;
  while (n < MT_LIST_MAX && cairn_sql_step(st) == 1) {
    ep[n] = cairn_sql_int(st, 0);
    pat[n] = cairn_sql_int(st, 1);
    name[n] = cairn_req_strdup(req, cairn_sql_text(st, 2));
    kind[n] = cairn_req_strdup(req, cairn_sql_text(st, 3));
    state[n] = cairn_req_strdup(req, cairn_sql_text(st, 4));
    n++;
  }
  int talk = 0;
  for (int i = 0; i < n; i++) {
    mt_loss v = mt_episode_verdict(req, ep[i], t);
    cairn_doc_open(doc, "graduate");
    cairn_doc_attr(doc, "episode", mt_int(req, ep[i]));
    cairn_doc_attr(doc, "patient", mt_int(req, pat[i]));
    cairn_doc_attr(doc, "name", name[i]);
    cairn_doc_attr(doc, "plan", kind[i]);
    cairn_doc_attr(doc, "plan-state", state[i]);
    cairn_doc_attr(doc, "verdict", v == MT_LOSS_NONE ? "held"
                                   : v == MT_LOSS_UNDEFINED ? "undefined"
                                                            : "talk");
    cairn_doc_text(doc, "verdict-text", mt_loss_text(v));
    cairn_doc_close(doc);
    talk += v == MT_LOSS_BELOW_SHARE || v == MT_LOSS_NEAR_BASELINE;
  }
  cairn_doc_attr(doc, "talk", mt_int(req, talk));
  st = cairn_sql_prepare(req, OPEN_CHECKINS_SQL, &err);
  if (!st) return err.code;
  cairn_sql_bind_text(st, ":today", cairn_date_format(req, cairn_date_today(req)));
  while (cairn_sql_step(st) == 1) {
    cairn_doc_open(doc, "open-checkin");
    cairn_doc_attr(doc, "record", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "episode", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "patient", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 3));
    cairn_doc_attr(doc, "months", cairn_sql_text(st, 4));
    cairn_doc_attr(doc, "due", cairn_sql_text(st, 5));
    cairn_doc_attr(doc, "state", cairn_sql_text(st, 6));
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "maintenance/list", 200);
}

static const char ANSWERED_AT_SQL[] =
    "SELECT c.episode, c.score FROM p_maintenance_checkin c"
    " WHERE c.months = :m AND c.state = 'done' AND c.status = 'active'"
    "  AND c.score IS NOT NULL ORDER BY c.episode";
static const char CAME_BACK_SQL[] =
    "SELECT count(*) FROM p_maintenance_return WHERE previous = :e"
    " AND status = 'active'";
/* The 50% benchmark of PROGRAM.md. */
#define MT_BENCHMARK 0.5

/* See maintenance.h.  The baseline is the episode's (mt_episode_baseline);
** improvement toward the instrument's best; "came back": a Return from the
** episode exists. */
int mt_timepoint_figures(cairn_req *req, int months, mt_timepoint *out,
                         cairn_error *err) {
  long long eps[MT_LIST_MAX];
  double scores[MT_LIST_MAX], sum = 0;
  int k = 0, at50 = 0, back = 0;
  *out = (mt_timepoint){.months = months};
  cairn_stmt *st = cairn_sql_prepare(req, ANSWERED_AT_SQL, err);
  if (!st) return err->code;
  cairn_sql_bind_int(st, ":m", months);
  while (k < MT_LIST_MAX && cairn_sql_step(st) == 1) {
    eps[k] = cairn_sql_int(st, 0);
    scores[k++] = cairn_sql_real(st, 1);
  }
  for (int j = 0; j < k; j++) {
    const char *instrument;
    double baseline, imp;
    const mt_instrument *in = NULL;
    if (mt_episode_baseline(req, eps[j], &instrument, &baseline) == 0)
      in = mt_instrument_find(instrument);
    if (!in || mt_improvement(baseline, scores[j], in->best, &imp) != 0) {
      out->undefined++;
      continue;
    }
    out->n++;
    sum += imp;
    at50 += imp >= MT_BENCHMARK;
    cairn_stmt *b = cairn_sql_prepare(req, CAME_BACK_SQL, err);
    if (!b) return err->code;
    cairn_sql_bind_int(b, ":e", eps[j]);
    back += cairn_sql_step(b) == 1 && cairn_sql_int(b, 0) > 0;
    cairn_sql_done(b);
  }
  if (out->n > 0) {
    out->mean = sum / out->n;
    out->share_50 = (double)at50 / out->n;
    out->share_back = (double)back / out->n;
  }
  return CAIRN_OK;
}

int mt_page_outcomes(cairn_req *req) {
  cairn_error err = {0};
  const mt_terms *t = mt_terms_current();
  cairn_doc *doc = cairn_doc_new(req, NULL, "maintenance-outcomes");
  for (int i = 0; i < t->n_checkins; i++) {
    mt_timepoint f;
    if (mt_timepoint_figures(req, t->checkin_months[i], &f, &err))
      return err.code;
    cairn_doc_open(doc, "timepoint");
    cairn_doc_attr(doc, "months", mt_int(req, f.months));
    cairn_doc_attr(doc, "n", mt_int(req, f.n));
    cairn_doc_attr(doc, "undefined", mt_int(req, f.undefined));
    if (f.n > 0) {
      cairn_doc_attr(doc, "mean-improvement",
                     cairn_format_number(req, 100.0 * f.mean, 1));
      cairn_doc_attr(doc, "share-50",
                     cairn_format_number(req, 100.0 * f.share_50, 1));
      cairn_doc_attr(doc, "share-came-back",
                     cairn_format_number(req, 100.0 * f.share_back, 1));
    }
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "maintenance/outcomes", 200);
}

int mt_page_pricing(cairn_req *req) {
  const mt_terms *t = mt_terms_current();
  cairn_doc *doc = cairn_doc_new(req, NULL, "maintenance-pricing");
  cairn_doc_attr(doc, "version", mt_int(req, t->version));
  cairn_doc_attr(doc, "currency", t->currency);
  cairn_doc_attr(doc, "effective", t->effective);
  for (int i = 0; i < t->n_options; i++) {
    const mt_option *o = &t->options[i];
    cairn_doc_open(doc, "plan");
    cairn_doc_attr(doc, "id", o->id);
    cairn_doc_attr(doc, "kind", o->kind);
    if (strcmp(o->kind, "membership") == 0) {
      cairn_doc_attr(doc, "monthly-fee", mt_money(req, o->monthly_fee));
      cairn_doc_attr(doc, "visits-included", mt_int(req, o->visits_included));
      cairn_doc_attr(doc, "term-months", mt_int(req, o->term_months));
    }
    if (strcmp(o->kind, "as-needed") == 0)
      cairn_doc_attr(doc, "visit-fee", mt_money(req, o->visit_fee));
    cairn_doc_text(doc, "name", o->name);
    cairn_doc_text(doc, "description", o->description);
    cairn_doc_close(doc);
  }
  cairn_doc_open(doc, "check-ins");
  for (int i = 0; i < t->n_checkins; i++)
    cairn_doc_text(doc, "month", mt_int(req, t->checkin_months[i]));
  cairn_doc_close(doc);
  return cairn_respond_view(req, doc, "maintenance/pricing", 200);
}
