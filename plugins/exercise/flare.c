/*
** flare.c -- the answer to a program:Flare (PROGRAM.md: a flare steps back
** a stage or a load level, and never resets progress).  On the flare's
** first version, in its transaction: a severe flare writes an
** exercise:Stage one stage back (kind flare-stage); any other a Stage
** that keeps the stage (kind flare-load) and marks the load step back the
** loads replay from the flare's start.  Before the progression started
** there is nothing to step back.  Later versions of the flare (its end,
** a correction) change nothing here.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

int ex_on_flare(cairn_req *req, const cairn_record *rec, cairn_error *err) {
  ex_episode *e;
  long long episode;
  const char *severity, *start;
  long long id;
  long day;
  int severe, rc;
  if (cairn_record_version(rec) != 1) return 0;
  episode = strtoll(cairn_record_value(rec, "r:episode"), NULL, 10);
  severity = cairn_record_value(rec, "r:severity");
  start = cairn_record_value(rec, "r:start");
  rc = ex_episode_load(req, cairn_record_patient(rec), episode, &e, err);
  if (rc == CAIRN_ENOTFOUND) return 0;   /* not an episode we follow */
  if (rc != 0) return rc;
  if (e->stage == EX_STAGE_NONE) return 0;
  if (strcmp(e->phase, "graduated") == 0 || strcmp(e->phase, "exited") == 0)
    return 0;
  severe = strcmp(severity, "severe") == 0;
  /* a flare dated before the stage began steps back from today */
  if (cairn_date_parse(start, &day) != 0 || day < e->stage_since ||
      day > e->today)
    start = cairn_date_format(req, e->today);
  return cairn_record_create(
      req, EX_T_STAGE, e->patient,
      ex_stage_body(req, e, start,
                    severe ? ex_stage_back(e->stage) : e->stage,
                    severe ? "flare-stage" : "flare-load",
                    severe ? "A severe flare: one stage back."
                           : "A flare: one load level back.",
                    cairn_record_id(rec)),
      &id, err);
}
