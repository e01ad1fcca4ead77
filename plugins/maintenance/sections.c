/*
** sections.c -- the parts the maintenance plugin adds to the program's
** pages (kit level 6, cairn_section), each from the plan data and records:
**   episode          the staff episode page: the plan, its state, the next
**                    check-in, the loss-of-gains verdict, links; on a
**                    return, the previous episode's baseline and graduation
**   graduation       the staff graduation summary: what comes next
**   patient-summary  the patient's own summary: the plan, its fee, the
**                    check-ins and how to come back, in plain words (no
**                    codes, no staff notes, no staff links)
**   dashboard        staff: how many graduates to talk to about coming back
**   outcomes         /outcomes: the figures per check-in timepoint
**   pricing          /pricing (public): the plans below the program
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

/* Check-in dates a summary lists at most (the plan data's timepoints). */
#define MT_SUMMARY_CHECKINS MT_CHECKINS_MAX
/* Graduates the dashboard judges at most (as the /maintenance list). */
#define MT_TALK_MAX 2000

/* The builder's place for a section's lines: an empty element the lines
** go before, so that each line can be given its attributes and the next
** still lands in the section (section-lib.xsl shows only line, note and
** action). */
typedef struct lines {
  cairn_doc *doc;
  cairn_node *end;           /* <end/> of the section */
} lines;

/* Start the lines of a section at the builder's current element. */
static lines lines_begin(cairn_doc *doc) {
  return (lines){.doc = doc, .end = cairn_doc_insert_before(doc, NULL, "end",
                                                            "")};
}

/* <line label= level=>text</line>; level NULL: plain. */
static void line(lines *l, const char *label, const char *level,
                 const char *text) {
  cairn_node *n = cairn_doc_insert_before(l->doc, l->end, "line", text);
  cairn_doc_at(l->doc, n);
  cairn_doc_attr(l->doc, "label", label);
  if (level) cairn_doc_attr(l->doc, "level", level);
}

/* <note>text</note>: a sentence. */
static void note(lines *l, const char *text) {
  cairn_doc_insert_before(l->doc, l->end, "note", text);
}

/* <action href=>label</action>: a local link. */
static void action(lines *l, const char *href, const char *label) {
  cairn_node *n = cairn_doc_insert_before(l->doc, l->end, "action", label);
  cairn_doc_at(l->doc, n);
  cairn_doc_attr(l->doc, "href", href);
}

/* "1 month", "3 months". */
static const char *months_words(cairn_req *req, long long n) {
  return cairn_req_printf(req, "%lld month%s", n, n == 1 ? "" : "s");
}

/* 1 when the caller is clinical staff (the plan page is theirs). */
static int clinical(cairn_req *req) {
  const char *r = cairn_req_role(req);
  return r && (strcmp(r, "clinician") == 0 || strcmp(r, "admin") == 0);
}

/* A plan's fee in words: "AUD 120.00 a month, 1 visit included". */
static const char *fee_text(cairn_req *req, const mt_terms *t,
                            const mt_option *o) {
  if (strcmp(o->kind, "membership") == 0)
    return cairn_req_printf(req, "%s %s a month, %d visit%s a month included",
                            t->currency, mt_money(req, o->monthly_fee),
                            o->visits_included,
                            o->visits_included == 1 ? "" : "s");
  if (strcmp(o->kind, "as-needed") == 0)
    return cairn_req_printf(req, "%s %s a visit, only when you come",
                            t->currency, mt_money(req, o->visit_fee));
  if (strcmp(o->kind, "external") == 0)
    return "the therapist's or trainer's own fee (through a referral)";
  return "no fee";
}

/* A plan's state in words. */
static const char *state_text(const mt_plan_fields *f) {
  if (strcmp(f->state, "paused") == 0) return "paused";
  if (strcmp(f->state, "ended") == 0) return "ended";
  return "active";
}

static const char NEXT_CHECKIN_SQL[] =
    "SELECT months, due FROM p_maintenance_checkin WHERE episode = :e"
    " AND status = 'active' AND state <> 'done' ORDER BY due LIMIT 1";
static const char SCHEDULE_SQL[] =
    "SELECT months, due, state FROM p_maintenance_checkin WHERE episode = :e"
    " AND status = 'active' ORDER BY months LIMIT 12";
static const char CAME_FROM_SQL[] =
    "SELECT r.previous, r.return_date, r.phase, g.date, g.improvement"
    " FROM p_maintenance_return r"
    " LEFT JOIN p_program_graduation g ON g.episode = r.previous"
    "  AND g.status = 'active'"
    " WHERE r.episode = :e AND r.status = 'active' LIMIT 1";
static const char CAME_BACK_SQL[] =
    "SELECT episode, return_date FROM p_maintenance_return"
    " WHERE previous = :e AND status = 'active' LIMIT 1";

/* The previous episode's baseline and graduation on a return's page. */
static int came_from(cairn_req *req, lines *l, long long patient,
                     long long episode, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, CAME_FROM_SQL, err);
  if (!st) return err->code;
  cairn_sql_bind_int(st, ":e", episode);
  if (cairn_sql_step(st) != 1) return 0;
  long long prev = cairn_sql_int(st, 0);
  line(l, "Came back", NULL,
       cairn_req_printf(req, "on %s from episode %lld, starting at the %s "
                        "phase", cairn_sql_text(st, 1), prev,
                        cairn_sql_text(st, 2)));
  if (!cairn_sql_is_null(st, 3))
    line(l, "Previous graduation", NULL,
         cairn_sql_is_null(st, 4)
             ? cairn_req_printf(req, "%s, improvement undefined",
                                cairn_sql_text(st, 3))
             : cairn_req_printf(req, "%s, %s%% improvement from baseline",
                                cairn_sql_text(st, 3),
                                cairn_format_number(
                                    req, cairn_sql_real(st, 4) * 100, 0)));
  const char *instrument;
  double baseline;
  if (mt_episode_baseline(req, prev, &instrument, &baseline) == CAIRN_OK)
    line(l, "Previous baseline", NULL,
         cairn_req_printf(req, "%s %s", instrument,
                          cairn_format_number(req, baseline, 1)));
  action(l, cairn_req_printf(req, "/patients/%lld/episodes/%lld", patient,
                             prev),
         "The previous episode");
  return 1;
}

/* The staff episode page: the plan, its state, the next check-in, the
** verdict and the links; on a return, where it came from. */
static int fill_episode(cairn_req *req, long long patient, long long episode,
                        cairn_doc *doc, cairn_error *err) {
  lines l = lines_begin(doc);
  int shown = came_from(req, &l, patient, episode, err);
  if (shown < 0) return shown;
  const cairn_record *p = mt_plan_of_episode(req, episode);
  if (!p) return shown;
  mt_plan_fields f;
  mt_plan_fields_read(p, &f);
  const mt_terms *t = mt_terms_find(atoi(f.terms_version));
  const mt_option *o = mt_option_find(t, f.option);
  line(&l, "Plan", NULL, o ? o->name : f.option);
  line(&l, "Status", strcmp(f.state, "active") == 0 ? "ok" : "warn",
       strcmp(f.state, "paused") == 0
           ? cairn_req_printf(req, "paused from %s: %s", f.paused_on,
                              f.pause_reason ? f.pause_reason : "")
       : strcmp(f.state, "ended") == 0
           ? cairn_req_printf(req, "ended %s", f.end_date ? f.end_date : "")
           : cairn_req_printf(req, "active since %s", f.start));
  if (o) line(&l, "Fee", NULL, fee_text(req, t, o));
  cairn_stmt *st = cairn_sql_prepare(req, NEXT_CHECKIN_SQL, err);
  if (!st) return err->code;
  cairn_sql_bind_int(st, ":e", episode);
  line(&l, "Next check-in", NULL,
       cairn_sql_step(st) == 1
           ? cairn_req_printf(req, "%s after graduation, due %s",
                              months_words(req, cairn_sql_int(st, 0)),
                              cairn_sql_text(st, 1))
           : "none left: every check-in is answered");
  mt_loss v = mt_episode_verdict(req, episode, mt_terms_current());
  line(&l, "Loss of gains",
       v == MT_LOSS_NONE ? "ok" : v == MT_LOSS_UNDEFINED ? "warn" : "alert",
       mt_loss_text(v));
  const char *page = cairn_req_printf(req, "/patients/%lld/maintenance",
                                      patient);
  st = cairn_sql_prepare(req, CAME_BACK_SQL, err);
  if (!st) return err->code;
  cairn_sql_bind_int(st, ":e", episode);
  if (cairn_sql_step(st) == 1) {
    line(&l, "Came back", NULL,
         cairn_req_printf(req, "on %s: episode %s", cairn_sql_text(st, 1),
                          cairn_sql_text(st, 0)));
    action(&l, cairn_req_printf(req, "/patients/%lld/episodes/%s", patient,
                                cairn_sql_text(st, 0)),
           "The new episode");
  } else if (v == MT_LOSS_BELOW_SHARE || v == MT_LOSS_NEAR_BASELINE) {
    action(&l, cairn_req_printf(req, "%s#episode-%lld", page, episode),
           "Talk about coming back");
  }
  if (clinical(req)) action(&l, page, "The plan, check-ins and invoices");
  return 1;
}

/* The check-in dates of an episode as one line of text. */
static const char *schedule_text(cairn_req *req, long long episode,
                                 int plain, cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SCHEDULE_SQL, err);
  if (!st) return NULL;
  cairn_sql_bind_int(st, ":e", episode);
  const char *out = "";
  int n = 0;
  while (n < MT_SUMMARY_CHECKINS && cairn_sql_step(st) == 1) {
    const char *done = strcmp(cairn_sql_text(st, 2), "done") == 0
                           ? (plain ? " (done, thank you)" : " (answered)")
                           : "";
    out = cairn_req_printf(req, "%s%s%s: %s%s", out, n ? "; " : "",
                           months_words(req, cairn_sql_int(st, 0)),
                           cairn_sql_text(st, 1), done);
    n++;
  }
  return n ? out : NULL;
}

/* The staff graduation summary: what comes next, from the plan. */
static int fill_graduation(cairn_req *req, long long patient,
                           long long episode, cairn_doc *doc,
                           cairn_error *err) {
  const cairn_record *p = mt_plan_of_episode(req, episode);
  if (!p) return 0;
  lines l = lines_begin(doc);
  mt_plan_fields f;
  mt_plan_fields_read(p, &f);
  const mt_terms *t = mt_terms_find(atoi(f.terms_version));
  const mt_option *o = mt_option_find(t, f.option);
  line(&l, "Maintenance plan", NULL,
       cairn_req_printf(req, "%s (%s, from %s)", o ? o->name : f.option,
                        state_text(&f), f.start));
  if (o) line(&l, "Fee", NULL, fee_text(req, t, o));
  if (f.renewal) line(&l, "Renews", NULL, f.renewal);
  const char *s = schedule_text(req, episode, 0, err);
  if (err->code) return err->code;
  if (s) line(&l, "Check-ins", NULL, s);
  note(&l, "A sustained loss of gains on the check-ins prompts a "
           "conversation about coming back; coming back opens a new "
           "episode at the phase the clinician chooses, at the program's "
           "current fees.");
  if (clinical(req))
    action(&l, cairn_req_printf(req, "/patients/%lld/maintenance", patient),
           "Choose or change the plan");
  return 1;
}

/* The patient's own summary: plain words, no codes, no staff links. */
static int fill_patient(cairn_req *req, long long patient, long long episode,
                        cairn_doc *doc, cairn_error *err) {
  (void)patient;
  const cairn_record *p = mt_plan_of_episode(req, episode);
  if (!p) return 0;
  lines l = lines_begin(doc);
  mt_plan_fields f;
  mt_plan_fields_read(p, &f);
  const mt_terms *t = mt_terms_find(atoi(f.terms_version));
  const mt_option *o = mt_option_find(t, f.option);
  if (o) {
    line(&l, "Your plan", NULL, o->name);
    if (o->description) note(&l, o->description);
    line(&l, "Its fee", NULL, fee_text(req, t, o));
  }
  if (strcmp(f.state, "paused") == 0)
    line(&l, "For now", "warn",
         cairn_req_printf(req, "your plan is paused from %s", f.paused_on));
  else if (strcmp(f.state, "ended") == 0)
    line(&l, "For now", NULL, cairn_req_printf(req, "your plan ended on %s",
                                              f.end_date ? f.end_date : ""));
  const char *s = schedule_text(req, episode, 1, err);
  if (err->code) return err->code;
  if (s) {
    line(&l, "We check in with you", NULL, s);
    note(&l, "Each time we send you a short form by email: how you are "
             "doing, whether you are keeping up the home routine, and "
             "anything you want to tell us.");
  }
  note(&l, "How to come back: if the pain returns or your progress slips, "
           "contact the clinic. We will talk it through with you and, if it "
           "helps, you can come back to the program at the step that suits "
           "you.");
  return 1;
}

static const char TALK_SQL[] =
    "SELECT p.episode FROM p_maintenance_plan p"
    " WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM"
    "  p_maintenance_return r WHERE r.previous = p.episode"
    "  AND r.status = 'active') ORDER BY p.episode LIMIT 2000";
static const char CALLS_SQL[] =
    "SELECT count(*) FROM p_maintenance_checkin WHERE status = 'active'"
    " AND state <> 'done' AND due <= :today";

/* The dashboard: graduates to talk to about coming back, calls to make. */
static int fill_dashboard(cairn_req *req, long long patient,
                          long long episode, cairn_doc *doc,
                          cairn_error *err) {
  (void)patient, (void)episode;
  const mt_terms *t = mt_terms_current();
  long long eps[MT_TALK_MAX];
  int n = 0, talk = 0;
  cairn_stmt *st = cairn_sql_prepare(req, TALK_SQL, err);
  if (!st) return err->code;
  while (n < MT_TALK_MAX && cairn_sql_step(st) == 1) eps[n++] = cairn_sql_int(st, 0);
  for (int i = 0; i < n; i++) {
    mt_loss v = mt_episode_verdict(req, eps[i], t);
    talk += v == MT_LOSS_BELOW_SHARE || v == MT_LOSS_NEAR_BASELINE;
  }
  st = cairn_sql_prepare(req, CALLS_SQL, err);
  if (!st) return err->code;
  cairn_sql_bind_text(st, ":today",
                      cairn_date_format(req, cairn_date_today(req)));
  int calls = cairn_sql_step(st) == 1 ? (int)cairn_sql_int(st, 0) : 0;
  lines l = lines_begin(doc);
  line(&l, "Talk about coming back", talk ? "warn" : "ok",
       cairn_req_printf(req, "%d graduate%s", talk, talk == 1 ? "" : "s"));
  line(&l, "Check-ins due, unanswered", calls ? "warn" : "ok",
       mt_int(req, calls));
  action(&l, "/maintenance", talk ? "Talk about coming back"
                                  : "Graduates and check-ins");
  return 1;
}

/* /outcomes: per check-in timepoint, the figures of mt_timepoint_figures. */
static int fill_outcomes(cairn_req *req, long long patient, long long episode,
                         cairn_doc *doc, cairn_error *err) {
  (void)patient, (void)episode;
  const mt_terms *t = mt_terms_current();
  lines l = lines_begin(doc);
  for (int i = 0; i < t->n_checkins; i++) {
    mt_timepoint f;
    int rc = mt_timepoint_figures(req, t->checkin_months[i], &f, err);
    if (rc) return rc;
    const char *label = cairn_req_printf(req, "%s after graduation",
                                         months_words(req, f.months));
    if (f.n == 0)
      line(&l, label, NULL, "n 0: no answered check-in yet");
    else
      line(&l, label, NULL,
           cairn_req_printf(req, "n %d; mean improvement from baseline "
                            "%s%%; still at 50%% or better %s%%; came back "
                            "%s%%", f.n,
                            cairn_format_number(req, 100.0 * f.mean, 1),
                            cairn_format_number(req, 100.0 * f.share_50, 1),
                            cairn_format_number(req, 100.0 * f.share_back,
                                                1)));
  }
  note(&l, "As the trial's 12-month follow-up: each graduate's improvement "
           "from the episode's baseline on the check-in answered at that "
           "time; check-ins whose improvement is undefined (a baseline "
           "already at the best score) are left out.");
  action(&l, "/outcomes/maintenance", "After graduation in detail");
  return 1;
}

/* /pricing (public): the plans of the current terms, below the program. */
static int fill_pricing(cairn_req *req, long long patient, long long episode,
                        cairn_doc *doc, cairn_error *err) {
  (void)patient, (void)episode, (void)err;
  const mt_terms *t = mt_terms_current();
  lines l = lines_begin(doc);
  for (int i = 0; i < t->n_options; i++)
    line(&l, t->options[i].name, NULL, fee_text(req, t, &t->options[i]));
  const char *months = "";
  for (int i = 0; i < t->n_checkins; i++)
    months = cairn_req_printf(req, "%s%s%d", months,
                              i == 0 ? ""
                              : i == t->n_checkins - 1 ? " and " : ", ",
                              t->checkin_months[i]);
  note(&l, cairn_req_printf(req, "After you graduate, whichever plan you "
                                 "choose, we check in with you %s months "
                                 "later. A membership can be cancelled at "
                                 "any time: the month you have paid for "
                                 "runs out.", months));
  action(&l, "/pricing/maintenance", "The maintenance plans in full");
  return 1;
}

const cairn_section mt_sections[] = {
  {.slot = "episode", .title = "Maintenance", .fill = fill_episode},
  {.slot = "graduation", .title = "What comes next",
   .fill = fill_graduation},
  {.slot = "patient-summary", .title = "What comes next",
   .fill = fill_patient},
  {.slot = "dashboard", .title = "After graduation", .fill = fill_dashboard},
  {.slot = "outcomes", .title = "After graduation",
   .fill = fill_outcomes},
  {.slot = "pricing", .title = "After the program: maintenance plans",
   .fill = fill_pricing},
  {.slot = NULL}
};
