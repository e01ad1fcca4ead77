/*
** economics.c -- the report that shows whether the flat-fee model does
** what it promises (PROGRAM.md, "Pricing and the economics of the
** model"), GET /economics:
**   - per phase: episodes that entered it, fees invoiced (one invoice per
**     phase entered), visits delivered while in it, and the effective
**     per-visit rate (fees / visits delivered);
**   - per month: fees invoiced and visits delivered that month;
**   - per episode: fees against visits;
**   - the checkpoints: decisions at each, exits, continuations with a
**     written justification (each shown with its text);
**   - the share of first-month decisions that reached the 50% benchmark;
**   - median days from the start of the introductory phase to
**     graduation.
** A visit belongs to the phase its episode was in on its day; a visit on
** the day of an exit or graduation belongs to the phase being left.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every table counts the same visits: those delivered while a paid phase
** was in force (PROGRAM_PHASE_OF_VISIT); the rest are counted once, as
** visits-outside-phases. */
#define PHASE_OF_VISIT PROGRAM_PHASE_OF_VISIT

static const char SQL_FEES_BY_PHASE[] =
    "SELECT phase, count(DISTINCT episode), sum(amount), min(currency)"
    " FROM p_program_invoice WHERE status <> 'entered-in-error'"
    " GROUP BY phase";

static const char SQL_VISITS_BY_PHASE[] =
    "SELECT " PHASE_OF_VISIT " AS ph, count(*),"
    " sum(v.visit_type = 'needling') FROM p_program_encounter v"
    " WHERE v.state = 'finished' AND v.status <> 'entered-in-error'"
    " GROUP BY ph";

static const char SQL_MONTHS[] =
    "SELECT m, sum(fees), sum(visits) FROM ("
    " SELECT substr(date, 1, 7) AS m, amount AS fees, 0 AS visits"
    " FROM p_program_invoice WHERE status <> 'entered-in-error'"
    " UNION ALL SELECT substr(v.visit_date, 1, 7), 0, 1"
    " FROM p_program_encounter v WHERE v.state = 'finished'"
    " AND v.status <> 'entered-in-error'"
    " AND " PHASE_OF_VISIT " IN ('introductory', 'first-month', 'monthly'))"
    " GROUP BY m ORDER BY m LIMIT 240";

static const char SQL_EPISODES[] =
    "SELECT e.record, e.patient, p.name, e.phase,"
    " (SELECT sum(amount) FROM p_program_invoice i WHERE i.episode = e.record"
    "  AND i.status <> 'entered-in-error'),"
    " (SELECT count(*) FROM p_program_encounter v WHERE v.episode = e.record"
    "  AND v.state = 'finished' AND v.status <> 'entered-in-error'"
    "  AND " PHASE_OF_VISIT " IN ('introductory', 'first-month', 'monthly'))"
    " FROM p_program_episode e JOIN p_program_patient p"
    " ON p.record = e.patient"
    " WHERE e.phase IS NOT NULL AND e.status <> 'entered-in-error'"
    " ORDER BY p.name, e.record LIMIT 500";

static const char SQL_DECISIONS[] =
    "SELECT from_phase, to_phase, benchmark_met, count(*),"
    " sum(justification IS NOT NULL AND justification <> '')"
    " FROM p_program_phase_change WHERE status <> 'entered-in-error'"
    " AND from_phase IN ('introductory', 'first-month', 'monthly')"
    " GROUP BY from_phase, to_phase, benchmark_met"
    " ORDER BY CASE from_phase WHEN 'introductory' THEN 1"
    " WHEN 'first-month' THEN 2 ELSE 3 END, to_phase = 'exited',"
    " benchmark_met DESC";

/* Continuations below the benchmark and graduations the data did not
** show (both carry a written clinical justification). */
static const char SQL_JUSTIFIED[] =
    "SELECT c.patient, c.episode, p.name, c.change_date, c.improvement,"
    " c.justification, c.to_phase FROM p_program_phase_change c"
    " JOIN p_program_patient p ON p.record = c.patient"
    " WHERE c.status <> 'entered-in-error' AND ((c.to_phase = 'monthly'"
    " AND c.benchmark_met <> 'yes') OR (c.to_phase = 'graduated'"
    " AND c.justification IS NOT NULL AND c.justification <> ''))"
    " ORDER BY c.change_date LIMIT 200";

static const char SQL_GRAD_DAYS[] =
    "SELECT days FROM p_program_graduation WHERE status <> 'entered-in-error'"
    " ORDER BY days";

/* The paid phases, in order (index k is PHASE_INTRODUCTORY + k). */
static const char *const PAID[PROGRAM_PAID_PHASES] = {
  "introductory", "first-month", "monthly"};

/* Prepare `sql`; NULL with *rc set when it fails. */
static cairn_stmt *prepare(cairn_req *req, const char *sql, int *rc) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, sql, &err);
  *rc = st ? CAIRN_OK : err.code ? err.code : CAIRN_EDB;
  return st;
}

/* Index 0..2 of a paid phase's code, -1 for others. */
static int paid_index(const char *code) {
  int k;
  for (k = 0; k < PROGRAM_PAID_PHASES; k++)
    if (strcmp(code, PAID[k]) == 0) return k;
  return -1;
}

/* <phase id= name= entered= fees= visits= needling= per-visit=?>*3 and
** visits-outside-phases: fees raised and visits delivered per phase. */
static int doc_phases(cairn_req *req, cairn_doc *doc) {
  double fees[PROGRAM_PAID_PHASES] = {0, 0, 0};
  long long entered[PROGRAM_PAID_PHASES] = {0, 0, 0};
  long long visits[PROGRAM_PAID_PHASES] = {0, 0, 0};
  long long needling[PROGRAM_PAID_PHASES] = {0, 0, 0}, outside = 0;
  cairn_stmt *st;
  int rc, k;
  if ((st = prepare(req, SQL_FEES_BY_PHASE, &rc)) == NULL) return rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    if ((k = paid_index(cairn_sql_text(st, 0))) < 0) continue;
    entered[k] = cairn_sql_int(st, 1);
    fees[k] = cairn_sql_real(st, 2);
  }
  if (rc < 0) return CAIRN_EDB;
  if ((st = prepare(req, SQL_VISITS_BY_PHASE, &rc)) == NULL) return rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    if ((k = paid_index(cairn_sql_text(st, 0))) < 0) {
      outside += cairn_sql_int(st, 1);
      continue;
    }
    visits[k] = cairn_sql_int(st, 1);
    needling[k] = cairn_sql_int(st, 2);
  }
  if (rc < 0) return CAIRN_EDB;
  for (k = 0; k < PROGRAM_PAID_PHASES; k++) {
    cairn_doc_open(doc, "phase");
    cairn_doc_attr(doc, "id", PAID[k]);
    cairn_doc_attr(doc, "name", program_phase_label((program_phase)(k + 1)));
    cairn_doc_attr(doc, "entered", program_fmt_int(req, entered[k]));
    cairn_doc_attr(doc, "fees", program_money(req, fees[k]));
    cairn_doc_attr(doc, "visits", program_fmt_int(req, visits[k]));
    cairn_doc_attr(doc, "needling", program_fmt_int(req, needling[k]));
    if (visits[k] > 0)
      cairn_doc_attr(doc, "per-visit",
                     program_money(req, fees[k] / visits[k]));
    cairn_doc_close(doc);
  }
  if (outside > 0)
    cairn_doc_attr(doc, "visits-outside-phases", program_fmt_int(req, outside));
  return CAIRN_OK;
}

/* Add <name href=? name=? ... fees= visits= per-visit=? no-fee=?/> for
** the (fees, visits) pair of a row.  Visits with no fee in the same row (a
** month after the phase's fee was invoiced) have no per-visit rate: a
** rate of 0.00 would say the visits were free; no-fee="yes" says why. */
static void doc_fees(cairn_req *req, cairn_doc *doc, double fees,
                     long long visits) {
  cairn_doc_attr(doc, "fees", program_money(req, fees));
  cairn_doc_attr(doc, "visits", program_fmt_int(req, visits));
  if (visits > 0 && fees > 0)
    cairn_doc_attr(doc, "per-visit", program_money(req, fees / visits));
  else if (visits > 0)
    cairn_doc_attr(doc, "no-fee", "yes");
}

/* <month month= fees= visits= per-visit=?/>*: by calendar month. */
static int doc_months(cairn_req *req, cairn_doc *doc) {
  cairn_stmt *st;
  int rc;
  if ((st = prepare(req, SQL_MONTHS, &rc)) == NULL) return rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "month");
    cairn_doc_attr(doc, "month", cairn_sql_text(st, 0));
    doc_fees(req, doc, cairn_sql_real(st, 1), cairn_sql_int(st, 2));
    cairn_doc_close(doc);
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* <episode href= name= phase= fees= visits= per-visit=?/>*. */
static int doc_episodes(cairn_req *req, cairn_doc *doc) {
  cairn_stmt *st;
  int rc;
  if ((st = prepare(req, SQL_EPISODES, &rc)) == NULL) return rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "episode");
    cairn_doc_attr(doc, "href", cairn_req_printf(
        req, "/patients/%lld/episodes/%lld", cairn_sql_int(st, 1),
        cairn_sql_int(st, 0)));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "phase", cairn_sql_text(st, 3));
    doc_fees(req, doc, cairn_sql_real(st, 4), cairn_sql_int(st, 5));
    cairn_doc_close(doc);
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* <decision from= to= threshold-met=? count= justified=/>* and
** <benchmark decisions= reached= share=?/>: the first-month checkpoint
** decisions that reached the benchmark. */
static int doc_decisions(cairn_req *req, cairn_doc *doc) {
  long long fm_total = 0, fm_met = 0;
  cairn_stmt *st;
  int rc;
  if ((st = prepare(req, SQL_DECISIONS, &rc)) == NULL) return rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    const char *from = cairn_sql_text(st, 0), *met = cairn_sql_text(st, 2);
    long long n = cairn_sql_int(st, 3);
    cairn_doc_open(doc, "decision");
    cairn_doc_attr(doc, "from", from);
    cairn_doc_attr(doc, "to", cairn_sql_text(st, 1));
    if (met[0]) cairn_doc_attr(doc, "threshold-met", met);
    cairn_doc_attr(doc, "count", program_fmt_int(req, n));
    cairn_doc_attr(doc, "justified",
                   program_fmt_int(req, cairn_sql_int(st, 4)));
    cairn_doc_close(doc);
    if (strcmp(from, "first-month") == 0) {
      fm_total += n;
      if (strcmp(met, "yes") == 0) fm_met += n;
    }
  }
  if (rc < 0) return CAIRN_EDB;
  cairn_doc_open(doc, "benchmark");
  cairn_doc_attr(doc, "decisions", program_fmt_int(req, fm_total));
  cairn_doc_attr(doc, "reached", program_fmt_int(req, fm_met));
  if (fm_total > 0)
    cairn_doc_attr(doc, "share",
                   program_fmt(req, (double)fm_met / fm_total, 4));
  cairn_doc_close(doc);
  return CAIRN_OK;
}

/* <justification href= name= date= improvement=?><text/></...>*. */
static int doc_justifications(cairn_req *req, cairn_doc *doc) {
  cairn_stmt *st;
  int rc;
  if ((st = prepare(req, SQL_JUSTIFIED, &rc)) == NULL) return rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "justification");
    cairn_doc_attr(doc, "href", cairn_req_printf(
        req, "/patients/%lld/episodes/%lld", cairn_sql_int(st, 0),
        cairn_sql_int(st, 1)));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "date", cairn_sql_text(st, 3));
    if (!cairn_sql_is_null(st, 4))
      cairn_doc_attr(doc, "improvement",
                     program_fmt(req, cairn_sql_real(st, 4), 4));
    cairn_doc_attr(doc, "to", cairn_sql_text(st, 6));
    cairn_doc_text(doc, "text", cairn_sql_text(st, 5));
    cairn_doc_close(doc);
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* <graduation count= median-days=?/>: days in the program to graduation
** (the query sorts them, so the median is the middle). */
static int doc_graduation(cairn_req *req, cairn_doc *doc) {
  long long n = 0, cap = 64, *days = cairn_req_alloc(req, sizeof *days * 64);
  cairn_stmt *st;
  int rc;
  if ((st = prepare(req, SQL_GRAD_DAYS, &rc)) == NULL) return rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    if (n == cap) {
      long long *bigger = cairn_req_alloc(req, sizeof *days * (size_t)cap * 2);
      memcpy(bigger, days, sizeof *days * (size_t)cap);
      days = bigger;
      cap *= 2;
    }
    days[n++] = cairn_sql_int(st, 0);
  }
  if (rc < 0) return CAIRN_EDB;
  cairn_doc_open(doc, "graduation");
  cairn_doc_attr(doc, "count", program_fmt_int(req, n));
  if (n > 0) {
    double med = n % 2 ? (double)days[n / 2]
                       : (days[n / 2 - 1] + days[n / 2]) / 2.0;
    cairn_doc_attr(doc, "median-days", program_fmt(req, med, 1));
  }
  cairn_doc_close(doc);
  return CAIRN_OK;
}

int program_page_economics(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "economics");
  int rc;
  cairn_doc_attr(doc, "currency", program_def_current()->currency);
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  if ((rc = doc_phases(req, doc)) != CAIRN_OK ||
      (rc = doc_months(req, doc)) != CAIRN_OK ||
      (rc = doc_episodes(req, doc)) != CAIRN_OK ||
      (rc = doc_decisions(req, doc)) != CAIRN_OK ||
      (rc = doc_justifications(req, doc)) != CAIRN_OK ||
      (rc = doc_graduation(req, doc)) != CAIRN_OK)
    return rc;
  return cairn_respond_view(req, doc, "program/economics", 200);
}
