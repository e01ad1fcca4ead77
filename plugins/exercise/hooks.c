/*
** hooks.c -- the check hooks: every rule of a Stage, a Session and a
** HomeRoutine, so that the pages, the XML API and the flare subscriber are
** refused alike, before anything is stored.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

/* The episode a body names, loaded for today; a patient in the route must
** own it. */
static int body_episode(cairn_req *req, cairn_doc *body, ex_episode **e,
                        cairn_error *err) {
  const char *p = cairn_req_param(req, "patient");
  long long id = strtoll(cairn_doc_value(body, NULL, "r:episode"), NULL, 10);
  int rc = ex_episode_load(req, p ? strtoll(p, NULL, 10) : 0, id, e, err);
  if (rc == CAIRN_ENOTFOUND)
    return cairn_fail(err, CAIRN_EINVAL, "episode",
                      "There is no episode %lld for this patient.", id);
  return rc;
}

/* A date that is real, not after today and not before `floor` (a day
** number, -1 for none; floor_what says what it is). */
static int check_date(cairn_req *req, const char *date, long floor,
                      const char *floor_what, cairn_error *err) {
  long d;
  if (cairn_date_parse(date, &d) != 0)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "The date \"%s\" is not a real date (YYYY-MM-DD).",
                      date);
  if (d > cairn_date_today(req))
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "The date %s is in the future.", date);
  if (floor >= 0 && d < floor)
    return cairn_fail(err, CAIRN_EINVAL, "date",
                      "The date %s is before %s (%s).", date, floor_what,
                      cairn_date_format(req, floor));
  return 0;
}

static int episode_active(const ex_episode *e, cairn_error *err) {
  if (strcmp(e->phase, "graduated") == 0 || strcmp(e->phase, "exited") == 0)
    return cairn_fail(err, CAIRN_ECONFLICT, "episode",
                      "The episode has ended (%s): its exercise record is "
                      "closed.", e->phase);
  return 0;
}

int ex_check_stage(cairn_req *req, cairn_doc *body, cairn_error *err) {
  ex_episode *e;
  const char *why = NULL;
  const char *kind = cairn_doc_value(body, NULL, "r:kind");
  const char *date = cairn_doc_value(body, NULL, "r:date");
  const char *reason = cairn_doc_value(body, NULL, "r:reason");
  int ok;
  ex_stage from = ex_stage_parse(cairn_doc_value(body, NULL, "r:from"), &ok);
  ex_stage to = ex_stage_parse(cairn_doc_value(body, NULL, "r:to"), &ok);
  ex_move move = strcmp(kind, "start") == 0 ? EX_MOVE_START
               : strcmp(kind, "advance") == 0 ? EX_MOVE_ADVANCE
               : strcmp(kind, "flare-stage") == 0 ? EX_MOVE_FLARE_STAGE
                                                  : EX_MOVE_FLARE_LOAD;
  int rc = body_episode(req, body, &e, err);
  if (rc != 0) return rc;
  if ((rc = episode_active(e, err)) != 0) return rc;
  if (from != e->stage)
    return cairn_fail(err, CAIRN_ECONFLICT, "from",
                      "The episode's stage is now %s, not %s: reload the "
                      "page.", ex_stage_label(e->stage),
                      ex_stage_label(from));
  if (ex_move_check(move, from, to, &why) != 0)
    return cairn_fail(err, CAIRN_ECONFLICT, "to", "Not possible: %s.", why);
  if ((rc = check_date(req, date, e->stage_since, "the current stage began",
                       err)) != 0)
    return rc;
  if (move == EX_MOVE_START) {
    long start = -1;
    if (cairn_date_parse(e->period_start, &start) == 0 &&
        (rc = check_date(req, date, start, "the episode began", err)) != 0)
      return rc;
    if (!(strcmp(e->phase, "monthly") == 0 && e->gains_held) &&
        strlen(reason) < EX_REASON_MIN)
      return cairn_fail(err, CAIRN_EINVAL, "reason",
                        "The data do not yet say the gains are stabilizing "
                        "(the monthly program, gains held): starting now "
                        "needs a written reason of at least %d characters.",
                        EX_REASON_MIN);
  } else if (move == EX_MOVE_ADVANCE) {
    if (!e->gate.open)
      return cairn_fail(err, CAIRN_ECONFLICT, "to",
                        "The gate to %s is closed: %s.",
                        ex_stage_label(to), e->gate.why);
  } else {
    long long flare = strtoll(cairn_doc_value(body, NULL, "r:flare"), NULL,
                              10);
    size_t i;
    for (i = 0; i < e->n_flares; i++)
      if (e->flare_rec[i].id == flare) break;
    if (i == e->n_flares)
      return cairn_fail(err, CAIRN_EINVAL, "flare",
                        "A step back for a flare names a flare of this "
                        "episode.");
  }
  return 0;
}

int ex_check_session(cairn_req *req, cairn_doc *body, cairn_error *err) {
  const ex_library *lib = exercise_library;
  ex_episode *e;
  cairn_node *n;
  const char *seen[EX_DONE_MAX];
  size_t n_seen = 0, i;
  int ok, rc = body_episode(req, body, &e, err);
  ex_stage stage = ex_stage_parse(cairn_doc_value(body, NULL, "r:stage"),
                                  &ok);
  if (rc != 0) return rc;
  if ((rc = episode_active(e, err)) != 0) return rc;
  if (e->stage == EX_STAGE_NONE)
    return cairn_fail(err, CAIRN_ECONFLICT, "stage",
                      "The exercise progression has not started: start it "
                      "before recording a session.");
  /* a session of an earlier stage may still be completed (its next
  ** morning); none of a stage not reached */
  if (stage > e->stage || stage == EX_STAGE_NONE)
    return cairn_fail(err, CAIRN_ECONFLICT, "stage",
                      "The episode's stage is %s, not %s: reload the page.",
                      ex_stage_label(e->stage), ex_stage_label(stage));
  if ((rc = check_date(req, cairn_doc_value(body, NULL, "r:date"),
                       stage == e->stage ? e->stage_since : -1,
                       "the current stage began", err)) != 0)
    return rc;
  for (n = cairn_node_child(body, NULL, "done"); n != NULL;
       n = cairn_node_next(n, "done")) {
    const char *id = cairn_node_attr(body, n, "exercise");
    const ex_exercise *x = ex_library_find(lib, id);
    const char *reps = cairn_node_attr(body, n, "reps");
    const char *hold = cairn_node_attr(body, n, "hold");
    if (x == NULL)
      return cairn_fail(err, CAIRN_EINVAL, "done",
                        "\"%s\" is not an exercise of the library.", id);
    if (x->stage > stage)
      return cairn_fail(err, CAIRN_EINVAL, "done",
                        "%s belongs to %s, a stage the patient has not "
                        "reached: each stage requires the one before.",
                        x->name, ex_stage_label(x->stage));
    if (reps == NULL && hold == NULL)
      return cairn_fail(err, CAIRN_EINVAL, "done",
                        "%s: give the repetitions, a hold in seconds, or "
                        "both.", x->name);
    for (i = 0; i < n_seen; i++)
      if (strcmp(seen[i], id) == 0)
        return cairn_fail(err, CAIRN_EINVAL, "done",
                          "%s is listed twice in one session.", x->name);
    if (n_seen < EX_DONE_MAX) seen[n_seen++] = id;
  }
  return 0;
}

int ex_check_routine(cairn_req *req, cairn_doc *body, cairn_error *err) {
  const ex_library *lib = exercise_library;
  ex_episode *e;
  cairn_node *n;
  long since, date;
  int rc = body_episode(req, body, &e, err);
  if (rc != 0) return rc;
  if ((rc = check_date(req, cairn_doc_value(body, NULL, "r:date"), -1, "",
                       err)) != 0)
    return rc;
  if (cairn_date_parse(cairn_doc_value(body, NULL, "r:since"), &since) ||
      cairn_date_parse(cairn_doc_value(body, NULL, "r:date"), &date) ||
      since > date)
    return cairn_fail(err, CAIRN_EINVAL, "since",
                      "The routine cannot exist since after its review.");
  if (e->routine_id > 0 && strcmp(e->routine_since,
                                  cairn_doc_value(body, NULL, "r:since")))
    return cairn_fail(err, CAIRN_EINVAL, "since",
                      "The routine exists since %s; a review keeps that "
                      "date.", e->routine_since);
  for (n = cairn_node_child(body, NULL, "item"); n != NULL;
       n = cairn_node_next(n, "item")) {
    const char *id = cairn_node_attr(body, n, "exercise");
    const ex_exercise *x = ex_library_find(lib, id);
    int inside;
    if (x == NULL)
      return cairn_fail(err, CAIRN_EINVAL, "item",
                        "\"%s\" is not an exercise of the library.", id);
    inside = ex_inside_count(e, id);
    if (!ex_mastered(&lib->rules, inside))
      return cairn_fail(err, CAIRN_EINVAL, "item",
                        "%s is not mastered yet: %d of %d sessions inside "
                        "the pain-monitoring model.", x->name, inside,
                        lib->rules.mastery_sessions);
  }
  for (n = cairn_node_child(body, NULL, "tool"); n != NULL;
       n = cairn_node_next(n, "tool"))
    if (ex_library_tool(lib, cairn_node_text(body, n)) == NULL)
      return cairn_fail(err, CAIRN_EINVAL, "tool",
                        "\"%s\" is not a self-management tool of the "
                        "library.", cairn_node_text(body, n));
  return 0;
}
