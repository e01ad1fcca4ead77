/*
** graduation.c -- the printable graduation summary (GET
** /patients/{p}/episodes/{e}/graduation): the path through the program,
** the primary measure from baseline to the end, each PSFS activity in the
** patient's words from its first rating to its last against its goal,
** visits delivered and days in the program.  The program:Graduation
** record itself is written by the PhaseChange subscriber (episode.c).
*/
#include "program.h"

#include <stdio.h>
#include <string.h>

static const char SQL_PSFS[] =
    "SELECT record, effective, instrument FROM p_program_observation"
    " WHERE episode = :episode AND instrument IN ('psfs', 'psfs2')"
    " AND status <> 'entered-in-error' ORDER BY effective, record";

/* Visits delivered per phase, by the rule of every page
** (PROGRAM_PHASE_OF_VISIT): the summary's total is the sum of the paid
** phases, as on the episode page and in /economics. */
static const char SQL_VISIT_COUNT[] =
    "SELECT ph, count(*), sum(visit_type = 'needling') FROM ("
    " SELECT v.visit_type, " PROGRAM_PHASE_OF_VISIT " AS ph"
    " FROM p_program_encounter v WHERE v.episode = :episode"
    " AND v.state = 'finished' AND v.status <> 'entered-in-error')"
    " WHERE ph IN ('introductory', 'first-month', 'monthly') GROUP BY ph";

int program_page_graduation(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  program_series *s = cairn_req_alloc(req, sizeof *s);
  cairn_error err = {0, "", ""};
  cairn_doc *doc;
  cairn_stmt *st;
  long long first_id = 0, last_id = 0;
  const char *first_date = "", *last_date = "";
  int rc, latest, i;
  double imp;

  rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;
  if (e->phase != PHASE_GRADUATED)
    return cairn_respond_error(req, 404, NULL,
                              "This episode has not graduated yet: the "
                              "summary is written at graduation.");
  doc = cairn_doc_new(req, NULL, "graduation");
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  program_doc_patient(doc, &p);
  program_doc_episode(req, doc, e);
  {
    const char *start = e->intro_start[0] ? e->intro_start : e->period_start;
    cairn_doc_attr(doc, "days",
                   program_fmt_int(req, program_days(e->phase_start) -
                                            program_days(start)));
    cairn_doc_attr(doc, "weeks-held",
                   program_fmt_int(req, e->def ? e->def->gains_held_weeks : 0));
  }

  {
    /* What the data showed on the day of graduation: the summary says
    ** only what they show, and a justification when they fell short. */
    program_grad_evidence ev;
    rc = program_graduation_evidence(req, e, e->phase_start, &ev);
    if (rc != CAIRN_OK) return rc;
    program_doc_graduation_evidence(req, doc, e, &ev);
  }

  if (program_series_load(req, e->id, e->primary, s) == CAIRN_OK &&
      s->def && s->base >= 0) {
    cairn_doc_open(doc, "primary");
    cairn_doc_attr(doc, "abbreviation", s->def->abbreviation);
    cairn_doc_attr(doc, "baseline", program_score_text(req, s->def, s->pt[s->base].score));
    cairn_doc_attr(doc, "baseline-date", s->pt[s->base].date);
    latest = program_series_latest(s, -1);
    if (latest >= 0) {
      cairn_doc_attr(doc, "latest", program_score_text(req, s->def, s->pt[latest].score));
      cairn_doc_attr(doc, "latest-date", s->pt[latest].date);
      if (program_series_improvement(s, (size_t)latest, &imp))
        cairn_doc_attr(doc, "improvement", program_fmt(req, imp, 4));
    }
    cairn_doc_close(doc);
  }

  st = cairn_sql_prepare(req, SQL_PSFS, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", e->id);
  while ((rc = cairn_sql_step(st)) == 1) {
    if (first_id == 0) {
      first_id = cairn_sql_int(st, 0);
      first_date = cairn_req_strdup(req, cairn_sql_text(st, 1));
    }
    last_id = cairn_sql_int(st, 0);
    last_date = cairn_req_strdup(req, cairn_sql_text(st, 1));
  }
  if (rc < 0) return CAIRN_EDB;
  {
    const cairn_record *r0 = NULL, *r1 = NULL;
    if (first_id) cairn_record_get(req, first_id, &r0, &err);
    if (last_id) cairn_record_get(req, last_id, &r1, &err);
    for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) {
      const char *xp = cairn_req_printf(req, "r:answer[@item='a%d']", i + 1);
      if (e->activity[i][0] == '\0') continue;
      cairn_doc_open(doc, "activity");
      cairn_doc_attr(doc, "text", e->activity[i]);
      if (e->goal[i][0]) cairn_doc_attr(doc, "goal", e->goal[i]);
      /* One PSFS only is where the patient is now, not where they began. */
      if (r0 && last_id != first_id) {
        cairn_doc_attr(doc, "first", cairn_record_value(r0, xp));
        cairn_doc_attr(doc, "first-date", first_date);
      }
      if (r1) {
        cairn_doc_attr(doc, "last", cairn_record_value(r1, xp));
        cairn_doc_attr(doc, "last-date", last_date);
      }
      cairn_doc_close(doc);
    }
  }

  st = cairn_sql_prepare(req, SQL_VISIT_COUNT, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", e->id);
  {
    long long all = 0, needling = 0;
    cairn_doc_open(doc, "visits");
    while ((rc = cairn_sql_step(st)) == 1) {
      cairn_doc_open(doc, "phase-visits");
      cairn_doc_attr(doc, "phase", cairn_sql_text(st, 0));
      cairn_doc_attr(doc, "delivered", program_fmt_int(req, cairn_sql_int(st, 1)));
      cairn_doc_attr(doc, "needling", program_fmt_int(req, cairn_sql_int(st, 2)));
      cairn_doc_close(doc);
      all += cairn_sql_int(st, 1);
      needling += cairn_sql_int(st, 2);
    }
    if (rc < 0) return CAIRN_EDB;
    cairn_doc_attr(doc, "delivered", program_fmt_int(req, all));
    cairn_doc_attr(doc, "needling", program_fmt_int(req, needling));
    cairn_doc_close(doc);
  }
  /* What comes next and the home routine, from the plugins that own
  ** them (maintenance, exercise, referral). */
  cairn_sections_fill(req, "graduation", p.id, e->id, doc);
  return cairn_respond_view(req, doc, "program/graduation", 200);
}
