/*
** graduation_evidence.c -- graduation checked against the data (PROGRAM.md: "the end
** is set by data: functional goals met, gains held, the patient able to
** carry on alone").  Each item of the checklist is computed:
**   - goals: every PSFS activity with a goal is rated at or beyond it at
**     the episode's newest PSFS on or before the day (version 1 higher is
**     better, version 2.0 lower);
**   - gains held: the primary measure stayed within the definition's
**     tolerance over the definition's window (gainsHeldWeeks), by the
**     rule the taper uses (program_gains_held);
**   - the home routine: with the exercise plugin loaded (the setting
**     exercise=yes) and the episode's progression recorded with it, a
**     routine of at least one exercise written on or before the day, from
**     its projection p_exercise_routine, with the weeks practised since;
**     otherwise (no exercise plugin, or an episode it never saw, such as
**     one begun before the clinic installed it) ticked by the clinician.
** The check hook (episode.c) replaces any goalsMet / gainsHeld a client
** sends with these, and asks a written clinical justification to
** graduate when the data fall short.  The graduation form shows them.
*/
#include "program.h"

#include <stdlib.h>
#include <string.h>

static const char SQL_PSFS_LATEST[] =
    "SELECT record, effective, instrument FROM p_program_observation"
    " WHERE episode = :episode AND instrument IN ('psfs', 'psfs2')"
    " AND status <> 'entered-in-error' AND effective <= :date"
    " ORDER BY effective DESC, record DESC LIMIT 1";

/* The episode's home routine as the exercise plugin keeps it (its newest
** version; docs/exercise.md "For the program's graduation"), and whole
** weeks practised as of :date. */
static const char SQL_ROUTINE[] =
    "SELECT since, items, CAST((julianday(:date) - julianday(since)) / 7"
    " AS INTEGER) FROM p_exercise_routine WHERE episode = :episode"
    " AND status <> 'entered-in-error' AND since <= :date"
    " ORDER BY record DESC LIMIT 1";

/* Whether the exercise plugin holds a progression of the episode. */
static const char SQL_PROGRESSION[] =
    "SELECT count(*) FROM p_exercise_stage WHERE episode = :episode"
    " AND status <> 'entered-in-error'";

int program_routine_computed(cairn_req *req, const program_episode *e) {
  cairn_stmt *st;
  if (!program_exercise_loaded) return 0;
  st = cairn_sql_prepare(req, SQL_PROGRESSION, NULL);
  if (st == NULL || cairn_sql_bind_int(st, ":episode", e->id) != 0 ||
      cairn_sql_step(st) != 1)
    return 0;
  return cairn_sql_int(st, 0) > 0;
}

/* Fill the routine part of *ev from the exercise plugin's projection. */
static int routine_evidence(cairn_req *req, const program_episode *e,
                            const char *date, program_grad_evidence *ev) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  int rc;
  if (!program_routine_computed(req, e)) return CAIRN_OK;
  ev->routine_computed = 1;
  st = cairn_sql_prepare(req, SQL_ROUTINE, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", e->id);
  cairn_sql_bind_text(st, ":date", date);
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1) {
    ev->routine_since = cairn_req_strdup(req, cairn_sql_text(st, 0));
    ev->routine_items = (int)cairn_sql_int(st, 1);
    ev->routine_weeks = (long)cairn_sql_int(st, 2);
    ev->routine = ev->routine_items > 0;
  }
  return CAIRN_OK;
}

int program_goals_met(const program_episode *e, const double *rating,
                      const int *rated, int higher_better) {
  int i, with_goal = 0;
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) {
    double goal;
    if (e->activity[i][0] == '\0' || e->goal[i][0] == '\0') continue;
    with_goal++;
    goal = strtod(e->goal[i], NULL);
    if (!rated[i]) return 0;
    if (higher_better ? rating[i] < goal : rating[i] > goal) return 0;
  }
  return with_goal > 0;
}

int program_graduation_evidence(cairn_req *req, const program_episode *e,
                                const char *date, program_grad_evidence *ev) {
  cairn_error err = {0, "", ""};
  program_series *s = cairn_req_alloc(req, sizeof *s);
  cairn_stmt *st;
  int i, rc;
  long day = program_days(date);
  memset(ev, 0, sizeof *ev);
  ev->psfs_date = "";
  ev->routine_since = "";
  ev->higher_better = 1;
  ev->window_days = e->def ? e->def->gains_held_weeks * 7L : 0;

  st = cairn_sql_prepare(req, SQL_PSFS_LATEST, &err);
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":episode", e->id);
  cairn_sql_bind_text(st, ":date", date);
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1) {
    const cairn_record *r = NULL;
    long long id = cairn_sql_int(st, 0);
    const instr_def *d = instr_find(program_instruments, cairn_sql_text(st, 2));
    ev->psfs_date = cairn_req_strdup(req, cairn_sql_text(st, 1));
    if (d) ev->higher_better = d->direction == INSTR_HIGHER_IS_BETTER;
    if (cairn_record_get(req, id, &r, &err) == CAIRN_OK) {
      for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) {
        const char *v = cairn_record_value(
            r, cairn_req_printf(req, "r:answer[@item='a%d']", i + 1));
        if (v[0] == '\0') continue;
        ev->rated[i] = 1;
        ev->rating[i] = strtod(v, NULL);
      }
    }
  }
  ev->goals_met = program_goals_met(e, ev->rating, ev->rated,
                                    ev->higher_better);

  if (e->def && program_series_load(req, e->id, e->primary, s) == CAIRN_OK)
    ev->gains_held = program_gains_held(s, day, ev->window_days,
                                        e->def->taper_tolerance);
  return routine_evidence(req, e, date, ev);
}

void program_doc_graduation_evidence(cairn_req *req, cairn_doc *doc,
                          const program_episode *e,
                          const program_grad_evidence *ev) {
  int i;
  cairn_doc_open(doc, "evidence");
  cairn_doc_attr(doc, "goals-met", ev->goals_met ? "yes" : "no");
  cairn_doc_attr(doc, "gains-held", ev->gains_held ? "yes" : "no");
  cairn_doc_attr(doc, "weeks", program_fmt_int(req, ev->window_days / 7));
  if (e->def)
    cairn_doc_attr(doc, "tolerance",
                   program_fmt(req, e->def->taper_tolerance, 2));
  if (ev->psfs_date[0]) cairn_doc_attr(doc, "psfs-date", ev->psfs_date);
  cairn_doc_attr(doc, "direction", ev->higher_better ? "higher" : "lower");
  cairn_doc_attr(doc, "home-routine", !ev->routine_computed ? "ticked"
                                      : ev->routine ? "yes" : "no");
  if (ev->routine) {
    cairn_doc_attr(doc, "routine-since", ev->routine_since);
    cairn_doc_attr(doc, "routine-weeks",
                   program_fmt_int(req, ev->routine_weeks));
    cairn_doc_attr(doc, "routine-items",
                   program_fmt_int(req, ev->routine_items));
  }
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) {
    if (e->activity[i][0] == '\0') continue;
    cairn_doc_open(doc, "activity");
    cairn_doc_attr(doc, "text", e->activity[i]);
    if (e->goal[i][0]) cairn_doc_attr(doc, "goal", e->goal[i]);
    if (ev->rated[i])
      cairn_doc_attr(doc, "rating", program_fmt_int(req, (long long)ev->rating[i]));
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}
