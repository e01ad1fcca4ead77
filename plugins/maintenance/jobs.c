/*
** jobs.c -- the maintenance plugin's scheduled work: a membership's monthly
** invoice (never per visit), the renewal notice N days before, and the
** check-in messages with their one reminder.  Each is idempotent: what was
** done is recorded on the record it concerns, so a second run finds
** nothing to do.
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

#define SECONDS_A_DAY (24L * 60 * 60)

/* ------------------------------------------------------------ billing */

static const char MEMBERSHIPS_SQL[] =
    "SELECT record FROM p_maintenance_plan WHERE kind = 'membership'"
    " AND status = 'active' AND state IN ('active', 'paused', 'ended')"
    " ORDER BY record LIMIT 1000";
static const char INVOICED_SQL[] =
    "SELECT count(*) FROM p_maintenance_invoice WHERE plan = :plan"
    " AND period_start = :start AND visit IS NULL AND status = 'active'";

/* Bill the periods of one plan not billed yet; how many were. */
static int bill_plan(cairn_req *req, const cairn_record *p, int budget,
                     cairn_error *err) {
  mt_plan_fields f;
  long start, end = 0, paused, periods[MT_PERIODS_MAX];
  mt_plan_fields_read(p, &f);
  const mt_terms *t = mt_terms_find(atoi(f.terms_version));
  const mt_option *o = mt_option_find(t, f.option);
  if (!o || cairn_date_parse(mt_billed_from(&f), &start)) return 0;
  if (f.end_date && cairn_date_parse(f.end_date, &end)) return 0;
  /* Paused: no period that begins on or after the pause is billed. */
  if (f.paused_on && cairn_date_parse(f.paused_on, &paused) == CAIRN_OK) {
    end = mt_billing_limit(end, paused);
    if (end < start) return 0;
  }
  int n = mt_billing_periods(start, cairn_date_today(req), end, periods,
                             MT_PERIODS_MAX), done = 0;
  for (int i = 0; i < n && done < budget; i++) {
    const char *ps = cairn_date_format(req, periods[i]);
    cairn_stmt *st = cairn_sql_prepare(req, INVOICED_SQL, err);
    if (!st) return err->code;
    cairn_sql_bind_int(st, ":plan", cairn_record_id(p));
    cairn_sql_bind_text(st, ":start", ps);
    if (cairn_sql_step(st) == 1 && cairn_sql_int(st, 0) > 0) continue;
    cairn_doc *b = cairn_doc_new(req, MT_NS, "Invoice");
    cairn_doc_text(b, "plan", mt_int(req, cairn_record_id(p)));
    cairn_doc_text(b, "periodStart", ps);
    cairn_doc_text(b, "periodEnd",
                   cairn_date_format(req, mt_period_end(start, periods[i])));
    cairn_doc_text(b, "amount", cairn_req_printf(req, "%.2f", o->monthly_fee));
    cairn_doc_text(b, "currency", t->currency);
    cairn_doc_text(b, "termsVersion", f.terms_version);
    long long id;
    int rc = cairn_record_create(req, MT_T_INVOICE, cairn_record_patient(p), b,
                                 &id, err);
    if (rc) return rc;
    done++;
  }
  return done;
}

int mt_job_billing(cairn_req *req, cairn_error *err) {
  int total = 0;
  cairn_stmt *st = cairn_sql_prepare(req, MEMBERSHIPS_SQL, err);
  if (!st) return err->code;
  long long ids[MT_BATCH_MAX];
  int n = 0;
  while (n < MT_BATCH_MAX && cairn_sql_step(st) == 1)
    ids[n++] = cairn_sql_int(st, 0);
  for (int i = 0; i < n && total < MT_BATCH_MAX; i++) {
    const cairn_record *p;
    if (cairn_record_get(req, ids[i], &p, err)) return err->code;
    int rc = bill_plan(req, p, MT_BATCH_MAX - total, err);
    if (rc < 0) return rc;
    total += rc;
  }
  return total;
}

/* ---------------------------------------------------- renewal notices */

static const char NOTICE_SQL[] =
    "SELECT record FROM p_maintenance_plan WHERE kind = 'membership'"
    " AND status = 'active' AND state = 'active' ORDER BY record LIMIT 1000";

typedef struct notice {
  const cairn_record *plan;  /* the membership */
  const mt_option *option;   /* its plan in its terms */
  const mt_terms *terms;
  long renewal;              /* the renewal it is a notice of */
} notice;

static int send_notice(cairn_req *req, void *arg, cairn_error *err) {
  notice *n = arg;
  mt_plan_fields f;
  mt_plan_fields_read(n->plan, &f);
  cairn_doc *m = cairn_doc_new(req, NULL, "renewal-mail");
  cairn_doc_text(m, "first-name", f.first_name);
  cairn_doc_text(m, "plan", n->option->name);
  cairn_doc_text(m, "renewal", cairn_date_format(req, n->renewal));
  cairn_doc_text(m, "fee", mt_money(req, n->option->monthly_fee));
  cairn_doc_text(m, "currency", n->terms->currency);
  int rc = cairn_message_queue(req, f.email, NULL,
                               "maintenance/mail/renewal", m, err);
  if (rc) return rc;
  f.renewal = f.notice_for = cairn_date_format(req, n->renewal);
  return cairn_record_revise(req, cairn_record_id(n->plan),
                             cairn_record_version(n->plan), NULL,
                             mt_plan_body(req, &f), err);
}

int mt_job_notices(cairn_req *req, cairn_error *err) {
  long today = cairn_date_today(req);
  long long ids[MT_BATCH_MAX];
  int n = 0, done = 0;
  cairn_stmt *st = cairn_sql_prepare(req, NOTICE_SQL, err);
  if (!st) return err->code;
  while (n < MT_BATCH_MAX && cairn_sql_step(st) == 1)
    ids[n++] = cairn_sql_int(st, 0);
  for (int i = 0; i < n; i++) {
    const cairn_record *p;
    mt_plan_fields f;
    long start;
    if (cairn_record_get(req, ids[i], &p, err)) return err->code;
    mt_plan_fields_read(p, &f);
    const mt_terms *t = mt_terms_find(atoi(f.terms_version));
    const mt_option *o = mt_option_find(t, f.option);
    if (!o || !f.email || cairn_date_parse(f.start, &start)) continue;
    long renewal = mt_next_renewal(start, today, o->term_months);
    if (today < renewal - o->notice_days) continue;
    if (f.notice_for &&
        strcmp(f.notice_for, cairn_date_format(req, renewal)) == 0)
      continue;
    notice nt = {.plan = p, .option = o, .terms = t, .renewal = renewal};
    cairn_error e = {0};
    if (cairn_transaction(req, send_notice, &nt, &e) != CAIRN_OK) {
      cairn_log(CAIRN_LOG_WARN, "maintenance: renewal notice of plan %lld: %s",
                ids[i], e.message);
      continue;
    }
    done++;
  }
  return done;
}

/* ----------------------------------------------------------- check-ins */

static const char DUE_CHECKINS_SQL[] =
    "SELECT record FROM p_maintenance_checkin WHERE status = 'active'"
    " AND ((state = 'scheduled' AND due <= :today)"
    "  OR (state = 'sent' AND sent_date <= :remind))"
    " ORDER BY due, record LIMIT 200";

typedef struct sending {
  const cairn_record *checkin;
  const char *email, *first_name;
  const mt_terms *terms;
} sending;

static int send_checkin(cairn_req *req, void *arg, cairn_error *err) {
  sending *s = arg;
  mt_checkin_fields f;
  mt_checkin_fields_read(s->checkin, &f);
  long long id = cairn_record_id(s->checkin), link_id;
  const char *link;
  int reminder = strcmp(f.state, "sent") == 0;
  if (reminder && f.link_id)
    cairn_capability_revoke(req, strtoll(f.link_id, NULL, 10), NULL);
  int rc = cairn_capability_issue(
      req, cairn_req_printf(req, "maintenance-checkin:%lld", id),
      cairn_req_printf(req, "/maintenance/check-ins/%lld", id),
      cairn_record_patient(s->checkin),
      (long)s->terms->link_days * SECONDS_A_DAY, 0, &link, &link_id, err);
  if (rc) return rc;
  const char *url = cairn_public_url(req, link);
  if (!url)
    return cairn_fail(err, CAIRN_EINVAL, "public-url",
                      "The clinic has no public address (<public-url>): a "
                      "check-in link cannot be sent.");
  cairn_doc *m = cairn_doc_new(req, NULL, "link-mail");
  cairn_doc_text(m, "first-name", s->first_name);
  cairn_doc_text(m, "purpose",
                 reminder ? "tell us how you are doing (a reminder: it takes "
                            "two minutes)"
                          : "tell us how you are doing since you finished the "
                            "program (it takes two minutes)");
  cairn_doc_text(m, "link", url);
  cairn_doc_text(m, "expires",
                 cairn_date_format(req, cairn_date_today(req) +
                                            s->terms->link_days));
  rc = cairn_message_queue(req, s->email, NULL, "mail/link", m, err);
  if (rc) return rc;
  const char *today = cairn_date_format(req, cairn_date_today(req));
  if (reminder) {
    f.state = "reminded";
    f.reminded = today;
  } else {
    f.state = "sent";
    f.sent = today;
  }
  f.link_id = mt_int(req, link_id);
  return cairn_record_revise(req, id, cairn_record_version(s->checkin), NULL,
                             mt_checkin_body(req, &f), err);
}

int mt_job_checkins(cairn_req *req, cairn_error *err) {
  const mt_terms *t = mt_terms_current();
  long today = cairn_date_today(req);
  long long ids[MT_BATCH_MAX];
  int n = 0, done = 0;
  cairn_stmt *st = cairn_sql_prepare(req, DUE_CHECKINS_SQL, err);
  if (!st) return err->code;
  cairn_sql_bind_text(st, ":today", cairn_date_format(req, today));
  cairn_sql_bind_text(st, ":remind",
                      cairn_date_format(req, today - t->reminder_days));
  while (n < MT_BATCH_MAX && cairn_sql_step(st) == 1)
    ids[n++] = cairn_sql_int(st, 0);
  for (int i = 0; i < n; i++) {
    const cairn_record *c;
    if (cairn_record_get(req, ids[i], &c, err)) return err->code;
    const cairn_record *p = mt_plan_of_episode(
        req, strtoll(cairn_record_value(c, "r:episode"), NULL, 10));
    const char *email = p ? cairn_record_value(p, "r:email") : "";
    if (!email[0]) continue;     /* no address: staff call instead */
    sending s = {.checkin = c, .email = email,
                 .first_name = cairn_record_value(p, "r:firstName"),
                 .terms = t};
    cairn_error e = {0};
    if (cairn_transaction(req, send_checkin, &s, &e) != CAIRN_OK) {
      cairn_log(CAIRN_LOG_WARN, "maintenance: check-in %lld: %s", ids[i],
                e.message);
      continue;
    }
    done++;
  }
  return done;
}
