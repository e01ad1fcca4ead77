/*
** sections.c -- the herbal plugin's parts of the program's pages (kit
** level 6, cairn_section): on the episode page the current prescription,
** adherence, adverse effects, refills due and links to act; on the
** checkpoint page this phase's prescriptions with doses taken against
** prescribed and adverse effects, beside the measures (whether the herbs
** contribute is part of what the introductory phase asks); on the staff
** dashboard the prescriptions unsafe since saved and the serious adverse
** effects that still ask for a stop or a change.  Adherence and adverse
** effects are clinical: clinicians and admins see them, front desk sees
** the prescription and the refill due, a patient's link sees nothing here.
*/
#include "herbal.h"

#include <stdlib.h>
#include <string.h>

/* Adherence below this share of the prescribed doses is a warning. */
#define ADHERENCE_WARN_PERCENT 80
/* Alerts the dashboard lists before pointing to /herbal/alerts. */
#define DASHBOARD_ALERTS_MAX 10

/* The episode's prescriptions (and the patient's that name no episode)
** still given, or given on or after :from. */
static const char RX_SQL[] =
    "SELECT record FROM p_herbal_prescription"
    " WHERE (episode = :e OR (episode IS NULL AND patient = :p))"
    " AND status <> 'entered-in-error'"
    " AND (status = 'active' OR date(start_date, '+' || days || ' days') >= :from)"
    " ORDER BY start_date, record";

/* The newest record of each week. */
static const char ADHERENCE_SQL[] =
    "SELECT week_start, doses_taken, doses_prescribed FROM p_herbal_adherence a"
    " WHERE a.prescription = :rx AND a.status = 'active' AND a.week_start >= :from"
    " AND a.record = (SELECT max(b.record) FROM p_herbal_adherence b"
    "  WHERE b.prescription = a.prescription AND b.week_start = a.week_start"
    "  AND b.status = 'active')"
    " ORDER BY a.week_start";

static const char ADVERSE_SQL[] =
    "SELECT record, effect_date, severity, action FROM p_herbal_adverse_effect"
    " WHERE prescription = :rx AND status = 'active' AND effect_date >= :from"
    " ORDER BY effect_date, record";

/* The start of the episode's current phase (the program's projections),
** "" when unknown: the checkpoint looks at this phase. */
static const char PHASE_START_SQL[] =
    "SELECT c.change_date FROM p_program_episode e JOIN p_program_phase_change c"
    " ON c.episode = e.record AND c.to_phase = e.phase"
    " WHERE e.record = :e AND c.status <> 'entered-in-error'"
    " ORDER BY c.change_date DESC, c.record DESC LIMIT 1";

/* 1 when the caller may see clinical detail (adherence, effects). */
static int clinical(cairn_req *req) {
  const char *role = cairn_req_role(req);
  return role && (strcmp(role, "clinician") == 0 || strcmp(role, "admin") == 0);
}

/* 1 when the caller may prescribe and record (the routes' audience). */
static int prescriber(cairn_req *req) { return clinical(req); }

/* Writing a section.  The kit's builder adds text only as a new child
** element with at most one attribute, and a line needs two (label, level):
** so the section gets its closing note first, and every line and action
** is inserted before it (doc_insert_before), then given its attributes. */
typedef struct out {
  cairn_doc *doc;
  cairn_node *end;           /* the closing note; everything goes before */
} out;

/* Start the section with its closing note. */
static void out_start(out *o, cairn_doc *doc, const char *note) {
  o->doc = doc;
  o->end = cairn_doc_insert_before(doc, NULL, "note", note);
}

/* <line label= level=>text</line> before the closing note. */
static void put_line(out *o, const char *label, const char *level, const char *text) {
  cairn_node *n = cairn_doc_insert_before(o->doc, o->end, "line", text);
  if (!n) return;
  cairn_doc_at(o->doc, n);
  cairn_doc_attr(o->doc, "label", label);
  cairn_doc_attr(o->doc, "level", level);
}

/* <action href=>label</action> before the closing note. */
static void put_action(out *o, const char *href, const char *label) {
  cairn_node *n = cairn_doc_insert_before(o->doc, o->end, "action", label);
  if (!n) return;
  cairn_doc_at(o->doc, n);
  cairn_doc_attr(o->doc, "href", href);
}

/* The closing note of the episode and checkpoint sections. */
static const char *data_note(void) {
  return herbal_data->unverified
             ? "The herbal reference data is not yet verified against its "
               "printed sources; a pharmacist or senior herbalist checks it "
               "before clinical use."
             : "Every fact of the herbal reference data names its source (Herbs).";
}

/* The formula's name in plain words. */
static const char *formula_name(const cairn_record *rx) {
  const char *fid = cairn_record_value(rx, "r:formula");
  int fi = fid[0] ? herbal_db_formula(herbal_data, fid) : -1;
  return fi >= 0 ? herbal_data->formulas[fi].pinyin : "Custom formula";
}

/* "Du Huo Ji Sheng Tang (modified), granules 5:1, 14 days from
** 2026-12-03, 3 doses a day, version 2; stopped 2026-12-10: reason" */
static const char *rx_text(cairn_req *req, const cairn_record *rx) {
  const char *kind = cairn_record_value(rx, "r:formula/@kind");
  const char *form = cairn_record_value(rx, "r:form");
  const char *ratio = cairn_record_value(rx, "r:ratio");
  const char *t = cairn_req_printf(
      req, "%s%s, %s%s%s, %s days from %s, %d dose%s a day, version %d", formula_name(rx),
      strcmp(kind, "modified") == 0 ? " (modified)" : "",
      strcmp(form, "raw") == 0 ? "raw herbs for decoction" : form,
      ratio[0] ? " " : "", ratio[0] ? cairn_req_printf(req, "%s:1", ratio) : "",
      cairn_record_value(rx, "r:days"), cairn_record_value(rx, "r:startDate"),
      herbal_doses_per_day(rx), herbal_doses_per_day(rx) == 1 ? "" : "s",
      cairn_record_version(rx));
  const char *stopped = cairn_record_value(rx, "r:stopped/r:date");
  if (stopped[0])
    t = cairn_req_printf(req, "%s; stopped %s: %s", t, stopped,
                         cairn_record_value(rx, "r:stopped/r:reason"));
  return t;
}

/* What the section showed of one prescription. */
typedef struct rx_part {
  int weeks;                 /* weeks with doses recorded */
  long long taken, prescribed; /* doses, summed over those weeks */
  int effects;               /* adverse effects shown */
  int open_serious;          /* serious ones still asking for stop/change */
} rx_part;

/* The adherence line of prescription rx since `from`. */
static int adherence_line(cairn_req *req, out *o, long long rx, const char *from,
                          int stopped, rx_part *part) {
  cairn_error err = {0};
  cairn_stmt *st = cairn_sql_prepare(req, ADHERENCE_SQL, &err);
  if (!st) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":rx", rx);
  cairn_sql_bind_text(st, ":from", from);
  const char *last = "";
  int rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    part->weeks++;
    part->taken += cairn_sql_int(st, 1);
    part->prescribed += cairn_sql_int(st, 2);
    last = cairn_req_printf(req, "%lld of %lld in the week of %s", cairn_sql_int(st, 1),
                            cairn_sql_int(st, 2), cairn_sql_text(st, 0));
  }
  if (rc < 0) return CAIRN_EDB;
  if (part->weeks == 0) {
    if (!stopped) put_line(o, "Doses taken", "warn", "none recorded yet");
    return 0;
  }
  long long pct = part->prescribed ? part->taken * 100 / part->prescribed : 100;
  put_line(o, "Doses taken", pct < ADHERENCE_WARN_PERCENT ? "warn" : "ok",
           cairn_req_printf(req, "%lld of %lld prescribed (%lld%%) over %d week%s; "
                            "latest: %s", part->taken, part->prescribed, pct,
                            part->weeks, part->weeks == 1 ? "" : "s", last));
  return 0;
}

/* The adverse effect lines of prescription rx since `from`: a serious one
** that still asks for a stop or a change is an alert. */
static int adverse_lines(cairn_req *req, out *o, const cairn_record *rx,
                         const char *from, rx_part *part) {
  cairn_error err = {0};
  cairn_stmt *st = cairn_sql_prepare(req, ADVERSE_SQL, &err);
  if (!st) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":rx", cairn_record_id(rx));
  cairn_sql_bind_text(st, ":from", from);
  int rc;
  while ((rc = cairn_sql_step(st)) == 1) {
    const cairn_record *ae;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &ae, &err)) return err.code;
    const char *date = cairn_req_strdup(req, cairn_sql_text(st, 1));
    const char *sev = cairn_req_strdup(req, cairn_sql_text(st, 2));
    const char *action = cairn_req_strdup(req, cairn_sql_text(st, 3));
    int serious = strcmp(sev, "serious") == 0;
    int open = serious && herbal_effect_open(req, rx, date);
    part->effects++;
    part->open_serious += open;
    const char *text = cairn_req_printf(
        req, "%s, %s: %s; action: %s%s%s", date, sev, cairn_record_value(ae, "r:what"),
        strcmp(action, "pending") == 0 ? "for the clinician to decide" : action,
        strcmp(cairn_record_value(ae, "r:reportedBy"), "patient") == 0
            ? " (reported by the patient)" : "",
        open ? ". Serious: asks for a stop or a change of the herbs" : "");
    put_line(o, "Adverse effect",
             open ? "alert" : strcmp(sev, "mild") == 0 ? "ok" : "warn", text);
  }
  if (rc < 0) return CAIRN_EDB;
  if (part->effects == 0) put_line(o, "Adverse effects", "ok", "none recorded");
  return 0;
}

/* The refill line of a prescription still given. */
static int refill_line(cairn_req *req, out *o, const cairn_record *rx) {
  herbal_supply_info s;
  int rc = herbal_supply(req, rx, &s);
  if (rc) return rc;
  long today = cairn_date_today(req);
  const char *level = s.runs_out < today ? "alert"
                    : s.runs_out - today <= HERBAL_REFILL_NOTICE_DAYS ? "warn" : "ok";
  put_line(o, "Next refill", level,
           cairn_req_printf(req, "%s %s (%d refill%s so far)",
                            s.runs_out < today ? "overdue since" : "due",
                            cairn_date_format(req, s.runs_out), s.refills,
                            s.refills == 1 ? "" : "s"));
  return 0;
}

/* Every line of one prescription since `from`; the refill line on the
** episode page only. */
static int rx_lines(cairn_req *req, out *o, const cairn_record *rx, const char *from,
                    int with_refill, rx_part *part) {
  int stopped = strcmp(cairn_record_status(rx), "stopped") == 0;
  memset(part, 0, sizeof *part);
  put_line(o, stopped ? "Prescription (stopped)" : "Prescription", "ok", rx_text(req, rx));
  int rc = 0;
  if (clinical(req)) {
    if ((rc = adherence_line(req, o, cairn_record_id(rx), from, stopped, part))) return rc;
    if ((rc = adverse_lines(req, o, rx, from, part))) return rc;
  }
  if (with_refill && !stopped) rc = refill_line(req, o, rx);
  return rc;
}

/* The prescriptions of the episode given since `from` ("" for all), each
** with its lines; the number shown, or a negative CAIRN_E*. */
static int each_rx(cairn_req *req, out *o, long long patient, long long episode,
                   const char *from, int with_refill, int with_actions) {
  cairn_error err = {0};
  cairn_stmt *st = cairn_sql_prepare(req, RX_SQL, &err);
  if (!st) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":e", episode);
  cairn_sql_bind_int(st, ":p", patient);
  cairn_sql_bind_text(st, ":from", from[0] ? from : "0000-00-00");
  int rc, n = 0;
  while ((rc = cairn_sql_step(st)) == 1) {
    const cairn_record *rx;
    long long id = cairn_sql_int(st, 0);
    if (cairn_record_get(req, id, &rx, &err)) return err.code;
    rx_part part;
    int lrc = rx_lines(req, o, rx, from, with_refill, &part);
    if (lrc) return lrc;
    n++;
    if (!with_actions || strcmp(cairn_record_status(rx), "stopped") == 0) continue;
    const char *base = cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld",
                                        patient, id);
    put_action(o, base, cairn_req_printf(req, "Open %s", formula_name(rx)));
    if (prescriber(req)) {
      put_action(o, cairn_req_printf(req, "%s/revise", base), "Modify");
      put_action(o, cairn_req_printf(req, "%s/adherence", base), "Record doses taken");
      put_action(o, cairn_req_printf(req, "%s/adverse", base), "Record an adverse effect");
      put_action(o, cairn_req_printf(req, "%s/refill", base), "Record a refill");
    }
  }
  return rc < 0 ? CAIRN_EDB : n;
}

/* See herbal.h: the episode page. */
int herbal_section_episode(cairn_req *req, long long patient, long long episode,
                           cairn_doc *doc, cairn_error *err) {
  if (!cairn_req_role(req)) return 0;
  out o;
  out_start(&o, doc, data_note());
  /* Every active prescription, and any stopped in the last weeks. */
  long today = cairn_date_today(req);
  int n = each_rx(req, &o, patient, episode, cairn_date_format(req, today - 28), 1, 1);
  if (n < 0) return cairn_fail(err, n, NULL, "herbal: the episode's prescriptions could not be read");
  if (n == 0) put_line(&o, "Prescription", "ok", "no herbal prescription in this episode");
  if (prescriber(req))
    put_action(&o, cairn_req_printf(req, "/patients/%lld/herbal/prescribe?episode=%lld",
                                    patient, episode), "Prescribe herbs");
  put_action(&o, cairn_req_printf(req, "/patients/%lld/herbal", patient),
             "Medicines and all prescriptions");
  return 1;
}

/* See herbal.h: the checkpoint page, this phase. */
int herbal_section_checkpoint(cairn_req *req, long long patient, long long episode,
                              cairn_doc *doc, cairn_error *err) {
  if (!cairn_req_role(req)) return 0;
  const char *from = "";
  cairn_stmt *st = cairn_sql_prepare(req, PHASE_START_SQL, NULL);
  if (st) {
    cairn_sql_bind_int(st, ":e", episode);
    if (cairn_sql_step(st) == 1) from = cairn_req_strdup(req, cairn_sql_text(st, 0));
  }
  out o;
  out_start(&o, doc, from[0] ? cairn_req_printf(req, "Since the phase began on %s. %s",
                                                from, data_note())
                             : data_note());
  int n = each_rx(req, &o, patient, episode, from, 0, 1);
  if (n < 0) return cairn_fail(err, n, NULL, "herbal: the phase's prescriptions could not be read");
  if (n == 0) put_line(&o, "Prescription", "ok", "no herbs this phase");
  return 1;
}

/* What the dashboard fill gathers. */
typedef struct dash {
  out *o;                    /* the section being written */
  int shown;                 /* alerts listed */
  int more;                  /* alerts past DASHBOARD_ALERTS_MAX */
} dash;

/* One alert as a dashboard line with a link to its prescription: an
** unsafe prescription with what now blocks, or a serious adverse effect
** still open; closed effects are left out, and past DASHBOARD_ALERTS_MAX
** only counted. */
static int dash_item(cairn_req *req, const herbal_alert *a, void *ctx) {
  dash *d = ctx;
  if (strcmp(a->kind, "serious") == 0 && !a->open) return 0;
  if (d->shown >= DASHBOARD_ALERTS_MAX) {
    d->more++;
    return 0;
  }
  const char *who = a->name[0] ? a->name : cairn_req_printf(req, "Patient %lld", a->patient);
  const char *text;
  if (strcmp(a->kind, "serious") == 0) {
    text = cairn_req_printf(req, "serious adverse effect on %s: asks for a stop or a "
                            "change of the herbs", a->date);
  } else {
    text = "";
    for (int i = 0; i < a->findings->n; i++) {
      const herbal_finding *f = &a->findings->items[i];
      if (f->severity != HERBAL_BLOCK && f->severity != HERBAL_REFUSE) continue;
      text = cairn_req_printf(req, "%s%s%s", text, text[0] ? "; " : "", f->message);
    }
    text = cairn_req_printf(req, "unsafe since saved (medicines or pregnancy changed): %s", text);
  }
  put_line(d->o, who, "alert", text);
  put_action(d->o, cairn_req_printf(req, "/patients/%lld/herbal/prescriptions/%lld",
                                    a->patient, a->prescription),
             cairn_req_printf(req, "%s: the prescription", who));
  cairn_audit_note(req, a->patient, a->record ? a->record : a->prescription);
  d->shown++;
  return 0;
}

/* See herbal.h: the staff dashboard (clinicians and admins). */
int herbal_section_dashboard(cairn_req *req, long long patient, long long episode,
                             cairn_doc *doc, cairn_error *err) {
  (void)patient;
  (void)episode;
  if (!clinical(req)) return 0;
  out o;
  out_start(&o, doc, "Every active prescription is checked again on each view, "
                     "against its patient's medicines and pregnancy status as they are now.");
  dash d = {.o = &o};
  int rc = herbal_alerts_each(req, dash_item, &d);
  if (rc) return cairn_fail(err, rc, NULL, "herbal: the alerts could not be read");
  if (d.more) put_line(&o, "More", "alert", cairn_req_printf(req, "%d more", d.more));
  if (d.shown == 0) return 0;
  put_action(&o, "/herbal/alerts", "All herbal alerts");
  return 1;
}

/* See herbal.h: the patient's own summary (/p/{e}/summary), for the
** holder of this episode's link only: the formulas taken, when, and how
** many times a day; no grams, findings or codes. */
int herbal_section_patient_summary(cairn_req *req, long long patient, long long episode,
                                   cairn_doc *doc, cairn_error *err) {
  const char *scope = cairn_req_capability(req);
  if (cairn_req_role(req) || !scope ||
      strcmp(scope, cairn_req_printf(req, "episode:%lld", episode)) != 0)
    return 0;
  cairn_stmt *st = cairn_sql_prepare(req, RX_SQL, NULL);
  if (!st) return 0;
  cairn_sql_bind_int(st, ":e", episode);
  cairn_sql_bind_int(st, ":p", patient);
  cairn_sql_bind_text(st, ":from", "0000-00-00");
  out o;
  out_start(&o, doc, "Tell your clinic before you start any new medicine, or if "
                     "you become or may be pregnant.");
  int rc, n = 0, active = 0;
  while ((rc = cairn_sql_step(st)) == 1) {
    const cairn_record *rx;
    if (cairn_record_get(req, cairn_sql_int(st, 0), &rx, err)) return err->code;
    int stopped = strcmp(cairn_record_status(rx), "stopped") == 0;
    active += !stopped;
    const char *stop = cairn_record_value(rx, "r:stopped/r:date");
    put_line(&o, "Your herbs", "ok",
             cairn_req_printf(req, "%s, from %s for %s days, %s%s%s", formula_name(rx),
                              cairn_record_value(rx, "r:startDate"),
                              cairn_record_value(rx, "r:days"),
                              herbal_times_a_day(req, herbal_doses_per_day(rx)),
                              stop[0] ? "; stopped on " : "", stop));
    n++;
  }
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "herbal: prescriptions unreadable");
  if (n == 0) return 0;
  if (active)
    put_action(&o, cairn_req_printf(req, "/p/%lld/herbs", episode), "Your herbs today");
  return 1;
}
