/*
** check_exercise.c -- unit tests of the exercise plugin's pure rules
** (plugins/exercise/stage.c, load.c, routine.c: the stage machine, the
** gate with its reason, load steps and their replay, the home routine) and
** of its library loader (library.c) run against the core's own host table
** on the shipped data/exercise-library.xml.
**
** Days are day numbers (days since 1970): D0 below is an arbitrary Monday,
** so the tests read as "day 0, day 3, ...".
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn_int.h"
#include "library.h"
#include "progression.h"

#ifndef CAIRN_TEST_SRCDIR
#define CAIRN_TEST_SRCDIR "."
#endif

/* The plugin's sources call the host through this pointer (the macros of
** <cairn/plugin.h>); here it is the core's real table. */
const cairn_api *cairn_host_api = &cairn_host_table;

#define D0 20000L   /* 2024-10-04: any day will do */

/* The shipped rules (data/exercise-library.xml), spelled out so a change
** to the data is a deliberate change to these tests too. */
static const ex_rules R = {
  .max_pain = 5, .gate_sessions = 3, .flare_free_days = 7,
  .progress_sessions = 2, .min_percent = 5, .max_percent = 10,
  .increment = 1, .max_sets = 4, .mastery_sessions = 3 };

static ex_session sess(long day, ex_stage st, int pain, ex_response r) {
  ex_session s = { .day = day, .stage = st, .pain = pain,
                   .next_morning = r };
  return s;
}

/* ========================================================= stage machine */

START_TEST(stages_run_in_one_order_and_never_reset) {
  ck_assert_int_eq(ex_stage_next(EX_STAGE_NONE), EX_STAGE_CORRECTIVE);
  ck_assert_int_eq(ex_stage_next(EX_STAGE_CORRECTIVE), EX_STAGE_QIGONG);
  ck_assert_int_eq(ex_stage_next(EX_STAGE_QIGONG), EX_STAGE_LOADING);
  ck_assert_int_eq(ex_stage_next(EX_STAGE_LOADING), EX_STAGE_LOADING);
  ck_assert_int_eq(ex_stage_back(EX_STAGE_LOADING), EX_STAGE_QIGONG);
  ck_assert_int_eq(ex_stage_back(EX_STAGE_QIGONG), EX_STAGE_CORRECTIVE);
  /* never back to "not started" */
  ck_assert_int_eq(ex_stage_back(EX_STAGE_CORRECTIVE), EX_STAGE_CORRECTIVE);
  ck_assert_int_eq(ex_stage_back(EX_STAGE_NONE), EX_STAGE_NONE);
  int ok = 0;
  ck_assert_int_eq(ex_stage_parse("qigong", &ok), EX_STAGE_QIGONG);
  ck_assert_int_eq(ok, 1);
  ck_assert_int_eq(ex_stage_parse("yoga", &ok), EX_STAGE_NONE);
  ck_assert_int_eq(ok, 0);
  ck_assert_str_eq(ex_stage_code(EX_STAGE_LOADING), "loading");
}
END_TEST

START_TEST(each_stage_requires_the_one_before) {
  const char *why = NULL;
  ck_assert_int_eq(ex_move_check(EX_MOVE_START, EX_STAGE_NONE,
                                 EX_STAGE_CORRECTIVE, &why), 0);
  ck_assert_int_eq(ex_move_check(EX_MOVE_START, EX_STAGE_NONE,
                                 EX_STAGE_QIGONG, &why), -1);
  ck_assert_int_eq(ex_move_check(EX_MOVE_ADVANCE, EX_STAGE_CORRECTIVE,
                                 EX_STAGE_LOADING, &why), -1);
  ck_assert_ptr_nonnull(strstr(why, "one before"));
  ck_assert_int_eq(ex_move_check(EX_MOVE_ADVANCE, EX_STAGE_NONE,
                                 EX_STAGE_CORRECTIVE, &why), -1);
  ck_assert_int_eq(ex_move_check(EX_MOVE_ADVANCE, EX_STAGE_QIGONG,
                                 EX_STAGE_LOADING, &why), 0);
  ck_assert_int_eq(ex_move_check(EX_MOVE_ADVANCE, EX_STAGE_LOADING,
                                 EX_STAGE_LOADING, &why), -1);
  /* a severe flare: exactly one stage back, not to the start */
  ck_assert_int_eq(ex_move_check(EX_MOVE_FLARE_STAGE, EX_STAGE_LOADING,
                                 EX_STAGE_QIGONG, &why), 0);
  ck_assert_int_eq(ex_move_check(EX_MOVE_FLARE_STAGE, EX_STAGE_LOADING,
                                 EX_STAGE_CORRECTIVE, &why), -1);
  ck_assert_int_eq(ex_move_check(EX_MOVE_FLARE_STAGE, EX_STAGE_LOADING,
                                 EX_STAGE_NONE, &why), -1);
  ck_assert_int_eq(ex_move_check(EX_MOVE_FLARE_STAGE, EX_STAGE_CORRECTIVE,
                                 EX_STAGE_CORRECTIVE, &why), 0);
  ck_assert_int_eq(ex_move_check(EX_MOVE_FLARE_LOAD, EX_STAGE_QIGONG,
                                 EX_STAGE_QIGONG, &why), 0);
  ck_assert_int_eq(ex_move_check(EX_MOVE_FLARE_LOAD, EX_STAGE_NONE,
                                 EX_STAGE_NONE, &why), -1);
}
END_TEST

/* =============================================================== gates */

START_TEST(pain_model_boundary_is_five_of_ten_and_a_settled_morning) {
  ck_assert(ex_inside_model(&R, 5, EX_RESP_SAME));
  ck_assert(ex_inside_model(&R, 0, EX_RESP_BETTER));
  ck_assert(!ex_inside_model(&R, 6, EX_RESP_BETTER));
  ck_assert(!ex_inside_model(&R, 2, EX_RESP_WORSE));
  ck_assert(!ex_inside_model(&R, 2, EX_RESP_UNKNOWN));
  ck_assert_int_eq(ex_response_parse("worse"), EX_RESP_WORSE);
  ck_assert_int_eq(ex_response_parse(""), EX_RESP_UNKNOWN);
}
END_TEST

START_TEST(gate_opens_after_n_sessions_inside_the_model_and_no_flare) {
  ex_session s[3] = {
    sess(D0 + 1, EX_STAGE_CORRECTIVE, 3, EX_RESP_SAME),
    sess(D0 + 4, EX_STAGE_CORRECTIVE, 5, EX_RESP_BETTER),
    sess(D0 + 8, EX_STAGE_CORRECTIVE, 2, EX_RESP_SAME) };
  /* a flare that ended 8 days before today is outside the 7 days */
  ex_flare f = { .start = D0 - 5, .end = D0 + 2, .severe = 0 };
  ex_gate g;
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 3, &f, 1, D0 + 10, &g);
  ck_assert_int_eq(g.open, 1);
  ck_assert_int_eq(g.run, 3);
  ck_assert_ptr_nonnull(strstr(g.why, "ready for Qi gong"));
}
END_TEST

START_TEST(gate_closed_by_pain_six_of_ten) {
  ex_session s[3] = {
    sess(D0 + 1, EX_STAGE_CORRECTIVE, 3, EX_RESP_SAME),
    sess(D0 + 4, EX_STAGE_CORRECTIVE, 4, EX_RESP_SAME),
    sess(D0 + 8, EX_STAGE_CORRECTIVE, 6, EX_RESP_SAME) };
  ex_gate g;
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 3, NULL, 0, D0 + 10, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_int_eq(g.run, 0);
  ck_assert_ptr_nonnull(strstr(g.why, "6/10"));
  ck_assert_ptr_nonnull(strstr(g.why, "5/10"));
}
END_TEST

START_TEST(gate_closed_by_a_worse_next_morning) {
  ex_session s[3] = {
    sess(D0 + 1, EX_STAGE_QIGONG, 1, EX_RESP_SAME),
    sess(D0 + 4, EX_STAGE_QIGONG, 2, EX_RESP_SAME),
    sess(D0 + 8, EX_STAGE_QIGONG, 2, EX_RESP_WORSE) };
  ex_gate g;
  ex_gate_eval(&R, EX_STAGE_QIGONG, D0, s, 3, NULL, 0, D0 + 10, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_ptr_nonnull(strstr(g.why, "worse than usual"));
}
END_TEST

START_TEST(gate_closed_by_a_flare_last_week) {
  ex_session s[3] = {
    sess(D0 + 1, EX_STAGE_CORRECTIVE, 3, EX_RESP_SAME),
    sess(D0 + 4, EX_STAGE_CORRECTIVE, 3, EX_RESP_SAME),
    sess(D0 + 8, EX_STAGE_CORRECTIVE, 2, EX_RESP_SAME) };
  ex_flare ended = { .start = D0 + 2, .end = D0 + 5, .severe = 0 };
  ex_flare open = { .start = D0 + 9, .end = -1, .severe = 0 };
  ex_gate g;
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 3, &ended, 1, D0 + 10, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_ptr_nonnull(strstr(g.why, "ended 5 days ago"));
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 3, &open, 1, D0 + 10, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_ptr_nonnull(strstr(g.why, "still open"));
  /* the last day of the window still counts; the day after does not */
  ended.end = D0 + 3;
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 3, &ended, 1, D0 + 10, &g);
  ck_assert_int_eq(g.open, 0);
  ended.end = D0 + 2;
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 3, &ended, 1, D0 + 10, &g);
  ck_assert_int_eq(g.open, 1);
}
END_TEST

START_TEST(gate_closed_by_too_few_sessions) {
  ex_session s[4] = {
    sess(D0 + 1, EX_STAGE_CORRECTIVE, 7, EX_RESP_SAME),   /* breaks a run */
    sess(D0 + 4, EX_STAGE_CORRECTIVE, 3, EX_RESP_SAME),
    sess(D0 + 8, EX_STAGE_CORRECTIVE, 2, EX_RESP_BETTER),
    /* another stage's session never counts */
    sess(D0 + 9, EX_STAGE_QIGONG, 2, EX_RESP_BETTER) };
  ex_gate g;
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 4, NULL, 0, D0 + 10, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_int_eq(g.run, 2);
  ck_assert_str_eq(g.why, "2 of 3 sessions in a row inside the "
                          "pain-monitoring model so far");
  /* sessions before the stage (re)began do not count either */
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0 + 5, s, 4, NULL, 0, D0 + 10, &g);
  ck_assert_int_eq(g.run, 1);
  ck_assert_int_eq(g.open, 0);
}
END_TEST

START_TEST(gate_waits_for_the_next_morning_and_states_the_ends) {
  ex_session s[3] = {
    sess(D0 + 1, EX_STAGE_CORRECTIVE, 3, EX_RESP_SAME),
    sess(D0 + 4, EX_STAGE_CORRECTIVE, 3, EX_RESP_SAME),
    sess(D0 + 8, EX_STAGE_CORRECTIVE, 2, EX_RESP_UNKNOWN) };
  ex_gate g;
  ex_gate_eval(&R, EX_STAGE_CORRECTIVE, D0, s, 3, NULL, 0, D0 + 8, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_ptr_nonnull(strstr(g.why, "not recorded yet"));
  ex_gate_eval(&R, EX_STAGE_NONE, D0, s, 3, NULL, 0, D0 + 8, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_ptr_nonnull(strstr(g.why, "not started"));
  ex_gate_eval(&R, EX_STAGE_LOADING, D0, s, 3, NULL, 0, D0 + 8, &g);
  ck_assert_int_eq(g.open, 0);
  ck_assert_ptr_nonnull(strstr(g.why, "last stage"));
}
END_TEST

START_TEST(gains_held_as_the_taper_defines_it) {
  ex_point p[3] = { { D0, 0.55 }, { D0 + 7, 0.50 }, { D0 + 14, 0.60 } };
  ck_assert(ex_gains_held(p, 3, D0 + 14, 14, 0.1));
  p[1].improvement = 0.40;    /* fell 15 points below: not held */
  ck_assert(!ex_gains_held(p, 3, D0 + 14, 14, 0.1));
  ck_assert(!ex_gains_held(p, 1, D0 + 14, 14, 0.1));   /* nothing since */
  p[0].improvement = 0;       /* no gain to hold */
  p[1].improvement = 0.1;
  ck_assert(!ex_gains_held(p, 3, D0 + 14, 14, 0.1));
}
END_TEST

/* =============================================================== loads */

static ex_dose dose(int sets, int reps, double load) {
  ex_dose d = { .sets = sets, .reps = reps, .hold = 0, .load = load };
  return d;
}

START_TEST(load_arithmetic_sets_times_reps_times_load) {
  ex_dose d = dose(3, 8, 10);
  ck_assert(fabs(ex_dose_volume(&d) - 240) < 1e-9);
  ex_dose carry = { .sets = 3, .reps = 0, .hold = 30, .load = 12 };
  ck_assert(fabs(ex_dose_volume(&carry) - 1080) < 1e-9);
  ex_dose body = dose(3, 8, 0);
  ck_assert(fabs(ex_dose_volume(&body)) < 1e-9);
}
END_TEST

START_TEST(load_step_is_five_to_ten_percent_rounded_to_the_increment) {
  const char *how = NULL;
  /* 10 kg: +5% = 10.5, up to 11 (10%) */
  ex_dose d = ex_dose_up(&R, dose(3, 8, 10), &how);
  ck_assert(fabs(d.load - 11) < 1e-9);
  ck_assert_int_eq(d.sets, 3);
  /* 20 kg: +5% = 21 exactly */
  d = ex_dose_up(&R, dose(3, 8, 20), &how);
  ck_assert(fabs(d.load - 21) < 1e-9);
  /* 40 kg with 2.5 kg plates: 42 -> 42.5 (6.25%) */
  ex_rules r25 = R;
  r25.increment = 2.5;
  d = ex_dose_up(&r25, dose(3, 8, 40), &how);
  ck_assert(fabs(d.load - 42.5) < 1e-9);
  /* 8 kg: one kilo is 12.5%, more than 10%: one more set instead */
  d = ex_dose_up(&R, dose(3, 8, 8), &how);
  ck_assert(fabs(d.load - 8) < 1e-9);
  ck_assert_int_eq(d.sets, 4);
  ck_assert_ptr_nonnull(strstr(how, "one more set"));
  /* ... and at the ceiling of sets, the smallest increment */
  d = ex_dose_up(&R, dose(4, 8, 8), &how);
  ck_assert(fabs(d.load - 9) < 1e-9);
  ck_assert_int_eq(d.sets, 4);
  /* body weight: a set more, then the clinician's choice */
  d = ex_dose_up(&R, dose(3, 8, 0), &how);
  ck_assert_int_eq(d.sets, 4);
  d = ex_dose_up(&R, dose(4, 8, 0), &how);
  ck_assert_int_eq(d.sets, 4);
  ck_assert_ptr_nonnull(strstr(how, "clinician"));
}
END_TEST

START_TEST(load_step_down_is_the_inverse_never_below_zero) {
  ex_dose d = ex_dose_down(&R, dose(3, 8, 11));
  ck_assert(fabs(d.load - 10) < 1e-9);
  d = ex_dose_down(&R, dose(3, 8, 21));
  ck_assert(fabs(d.load - 20) < 1e-9);
  d = ex_dose_down(&R, dose(4, 8, 8));      /* light: a set fewer */
  ck_assert_int_eq(d.sets, 3);
  ck_assert(fabs(d.load - 8) < 1e-9);
  d = ex_dose_down(&R, dose(1, 8, 1));
  ck_assert(fabs(d.load) < 1e-9);
  d = ex_dose_down(&R, dose(1, 8, 0));
  ck_assert_int_eq(d.sets, 1);
  ck_assert(fabs(d.load) < 1e-9);
}
END_TEST

static ex_load_session ls(long day, ex_dose d, int pain, ex_response r) {
  ex_load_session s = { .day = day, .done = d, .pain = pain,
                        .next_morning = r };
  return s;
}

START_TEST(two_sessions_inside_the_model_step_the_load_up) {
  ex_dose start = dose(3, 8, 20);
  ex_load_session s[2] = { ls(D0, dose(3, 8, 20), 3, EX_RESP_SAME),
                           ls(D0 + 3, dose(3, 8, 20), 4, EX_RESP_BETTER) };
  ex_load_state st;
  ex_load_replay(&R, &start, s, 1, NULL, 0, &st);
  ck_assert(fabs(st.next.load - 20) < 1e-9);       /* one is not enough */
  ck_assert_int_eq(st.streak, 1);
  ex_load_replay(&R, &start, s, 2, NULL, 0, &st);
  ck_assert(fabs(st.next.load - 21) < 1e-9);
  ck_assert_int_eq(st.ups, 1);
  ck_assert_int_eq(st.streak, 0);
  /* pain 6/10 in between clears the streak */
  s[1].pain = 6;
  ex_load_replay(&R, &start, s, 2, NULL, 0, &st);
  ck_assert(fabs(st.next.load - 20) < 1e-9);
  ck_assert_int_eq(st.streak, 0);
}
END_TEST

START_TEST(a_worse_next_morning_steps_that_load_back_one_level) {
  ex_dose start = dose(3, 8, 20);
  ex_load_session s[4] = {
    ls(D0, dose(3, 8, 20), 3, EX_RESP_SAME),
    ls(D0 + 3, dose(3, 8, 20), 3, EX_RESP_SAME),       /* -> 21 */
    ls(D0 + 7, dose(3, 8, 21), 4, EX_RESP_SAME),
    ls(D0 + 10, dose(3, 8, 21), 4, EX_RESP_WORSE) };   /* -> back to 20 */
  ex_load_state st;
  ex_load_replay(&R, &start, s, 4, NULL, 0, &st);
  ck_assert(fabs(st.next.load - 20) < 1e-9);
  ck_assert_int_eq(st.backs, 1);
  ck_assert_ptr_nonnull(strstr(st.why, "worse"));
}
END_TEST

START_TEST(a_flare_steps_back_one_level_and_never_resets) {
  ex_dose start = dose(3, 8, 20);
  ex_load_session s[6] = {
    ls(D0, dose(3, 8, 20), 2, EX_RESP_SAME),
    ls(D0 + 3, dose(3, 8, 20), 2, EX_RESP_SAME),       /* -> 21 */
    ls(D0 + 7, dose(3, 8, 21), 2, EX_RESP_SAME),
    ls(D0 + 10, dose(3, 8, 21), 2, EX_RESP_SAME),      /* -> 23 (22.05) */
    ls(D0 + 14, dose(3, 8, 23), 2, EX_RESP_SAME),
    ls(D0 + 17, dose(3, 8, 23), 2, EX_RESP_SAME) };    /* -> 25 (24.15) */
  long flare = D0 + 20;
  ex_load_state st;
  ex_load_replay(&R, &start, s, 6, NULL, 0, &st);
  ck_assert(fabs(st.next.load - 25) < 1e-9);
  ck_assert_int_eq(st.ups, 3);
  ex_load_replay(&R, &start, s, 6, &flare, 1, &st);
  ck_assert(fabs(st.next.load - 23) < 1e-9);        /* one level, not 20 */
  ck_assert_ptr_nonnull(strstr(st.why, "flare"));
  /* two flares: two levels, still not the start */
  long two[2] = { D0 + 20, D0 + 21 };
  ex_load_replay(&R, &start, s, 6, two, 2, &st);
  ck_assert(fabs(st.next.load - 21) < 1e-9);
  /* a flare before the exercise was first done steps nothing back */
  long early = D0 - 3;
  ex_load_replay(&R, &start, s, 2, &early, 1, &st);
  ck_assert(fabs(st.next.load - 21) < 1e-9);
}
END_TEST

START_TEST(an_unknown_morning_holds_and_the_clinicians_dose_stands) {
  ex_dose start = dose(3, 8, 20);
  ex_load_session s[3] = {
    ls(D0, dose(3, 8, 20), 3, EX_RESP_SAME),
    ls(D0 + 3, dose(3, 8, 20), 3, EX_RESP_UNKNOWN),    /* not yet known */
    ls(D0 + 7, dose(3, 8, 20), 3, EX_RESP_BETTER) };   /* the second */
  ex_load_state st;
  ex_load_replay(&R, &start, s, 2, NULL, 0, &st);
  ck_assert_int_eq(st.streak, 1);
  ck_assert_ptr_nonnull(strstr(st.why, "waiting"));
  ex_load_replay(&R, &start, s, 3, NULL, 0, &st);
  ck_assert(fabs(st.next.load - 21) < 1e-9);
  /* the clinician chose 30 kg: that is the level, and the streak starts
  ** again from it */
  s[2].done = dose(3, 8, 30);
  ex_load_replay(&R, &start, s, 3, NULL, 0, &st);
  ck_assert(fabs(st.next.load - 30) < 1e-9);
  ck_assert_int_eq(st.streak, 1);
}
END_TEST

START_TEST(a_severe_flare_steps_back_a_stage) {
  ex_stage s = EX_STAGE_LOADING;
  s = ex_stage_back(s);
  ck_assert_int_eq(s, EX_STAGE_QIGONG);
  s = ex_stage_back(s);
  ck_assert_int_eq(s, EX_STAGE_CORRECTIVE);
  s = ex_stage_back(s);                 /* a third: still corrective */
  ck_assert_int_eq(s, EX_STAGE_CORRECTIVE);
}
END_TEST

/* ============================================================= routine */

START_TEST(home_routine_is_what_was_mastered_in_stage_order) {
  ex_routine_item it[5] = {
    { .stage = EX_STAGE_LOADING, .order = 20, .inside = 5 },
    { .stage = EX_STAGE_QIGONG, .order = 2, .inside = 3 },
    { .stage = EX_STAGE_CORRECTIVE, .order = 4, .inside = 2 }, /* not yet */
    { .stage = EX_STAGE_QIGONG, .order = 1, .inside = 4 },
    { .stage = EX_STAGE_CORRECTIVE, .order = 9, .inside = 3 } };
  size_t out[5];
  size_t m = ex_routine_assemble(&R, it, 5, out, 5);
  ck_assert_uint_eq(m, 4);
  ck_assert_uint_eq(out[0], 4);
  ck_assert_uint_eq(out[1], 3);
  ck_assert_uint_eq(out[2], 1);
  ck_assert_uint_eq(out[3], 0);
  ck_assert(!ex_mastered(&R, 2));
  ck_assert(ex_mastered(&R, 3));
}
END_TEST

/* ======================================================= shipped library */

static ex_library lib;
static char tmpdir[1024];

static void lib_setup(void) {
  const char *t = getenv("CAIRN_TEST_TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s", t ? t : "/tmp");
  cairn_host_set_schemas(CAIRN_TEST_SRCDIR "/schemas");
}

static int load_shipped(const char *local, cairn_error *err) {
  memset(err, 0, sizeof *err);
  return ex_library_load(&lib, CAIRN_TEST_SRCDIR "/data/exercise-library.xml",
                         local, err);
}

START_TEST(every_exercise_has_stage_region_dose_instructions_and_a_drawing) {
  cairn_error err;
  int per_stage[EX_STAGE_COUNT] = {0};
  ck_assert_msg(load_shipped(NULL, &err) == 0, "%s", err.message);
  for (size_t i = 0; i < lib.n; i++) {
    const ex_exercise *e = &lib.ex[i];
    ck_assert_msg(e->stage != EX_STAGE_NONE, "%s: no stage", e->id);
    ck_assert_msg(e->n_regions > 0, "%s: no region", e->id);
    ck_assert_msg(e->pattern[0] != '\0', "%s: no pattern", e->id);
    ck_assert_msg(e->dose.sets > 0 && (e->dose.reps > 0 || e->dose.hold > 0),
                  "%s: no dose", e->id);
    ck_assert_msg(e->per_week > 0, "%s: how often?", e->id);
    ck_assert_msg(strlen(e->instructions) > 80, "%s: instructions", e->id);
    ck_assert_msg(e->cue[0] != '\0', "%s: no cue", e->id);
    ck_assert_msg(e->description[0] != '\0', "%s: no description", e->id);
    ck_assert_msg(e->n_strokes >= 2 && e->head_cx != NULL, "%s: drawing",
                  e->id);
    per_stage[e->stage]++;
    if (e->stage == EX_STAGE_LOADING) {
      ck_assert_msg(e->tempo[0] != '\0' || e->dose.hold > 0,
                    "%s: a loading exercise needs a tempo", e->id);
      ck_assert_msg(e->rest > 0, "%s: a loading exercise needs rest", e->id);
    }
  }
  ck_assert_int_ge(per_stage[EX_STAGE_CORRECTIVE], 12);
  ck_assert_int_eq(per_stage[EX_STAGE_QIGONG], 8);
  ck_assert_int_ge(per_stage[EX_STAGE_LOADING], 10);
  const char *corrective[] = { "dead-bug", "bird-dog", "glute-bridge",
    "chin-tuck", "side-plank", "clamshell", "cat-camel", "wall-angel",
    "prone-y-t", "pelvic-tilt", "mcgill-curl-up", "quadruped-rock-back" };
  for (size_t i = 0; i < sizeof corrective / sizeof *corrective; i++)
    ck_assert_msg(ex_library_find(&lib, corrective[i]) != NULL, "%s",
                  corrective[i]);
  ex_library_free(&lib);
}
END_TEST

START_TEST(ba_duan_jin_is_complete_and_in_its_standard_order) {
  cairn_error err;
  /* The Chinese Health Qigong Association's order and pinyin names. */
  static const char *const pinyin[EX_QIGONG_PIECES] = {
    "Liǎng Shǒu Tuō Tiān Lǐ Sān Jiāo", "Zuǒ Yòu Kāi Gōng Sì Shè Diāo",
    "Tiáo Lǐ Pí Wèi Xū Dān Jǔ", "Wǔ Láo Qī Shāng Wǎng Hòu Qiáo",
    "Yáo Tóu Bǎi Wěi Qù Xīn Huǒ", "Liǎng Shǒu Pān Zú Gù Shèn Yāo",
    "Cuán Quán Nù Mù Zēng Qì Lì", "Bèi Hòu Qī Diān Bǎi Bìng Xiāo" };
  const ex_exercise *piece[EX_QIGONG_PIECES + 1] = {0};
  int last_index = -1;
  ck_assert_msg(load_shipped(NULL, &err) == 0, "%s", err.message);
  for (size_t i = 0; i < lib.n; i++) {
    if (lib.ex[i].stage != EX_STAGE_QIGONG) continue;
    ck_assert_ptr_null(piece[lib.ex[i].order]);
    piece[lib.ex[i].order] = &lib.ex[i];
  }
  for (int o = 1; o <= EX_QIGONG_PIECES; o++) {
    ck_assert_msg(piece[o] != NULL, "piece %d missing", o);
    ck_assert_str_eq(piece[o]->pinyin, pinyin[o - 1]);
    ck_assert_msg(piece[o]->index > last_index, "piece %d out of order", o);
    last_index = piece[o]->index;
  }
  ck_assert_ptr_nonnull(strstr(piece[1]->name, "sky"));
  ck_assert_ptr_nonnull(strstr(piece[8]->name, "heels"));
  ck_assert_ptr_nonnull(strstr(lib.qigong_source, "Health Qigong"));
  ex_library_free(&lib);
}
END_TEST

START_TEST(every_rule_has_a_source_and_the_numbers_are_the_data_s) {
  cairn_error err;
  ck_assert_msg(load_shipped(NULL, &err) == 0, "%s", err.message);
  ck_assert_int_eq(lib.rules.max_pain, R.max_pain);
  ck_assert_int_eq(lib.rules.gate_sessions, R.gate_sessions);
  ck_assert_int_eq(lib.rules.flare_free_days, R.flare_free_days);
  ck_assert_int_eq(lib.rules.progress_sessions, R.progress_sessions);
  ck_assert(fabs(lib.rules.min_percent - R.min_percent) < 1e-9);
  ck_assert(fabs(lib.rules.max_percent - R.max_percent) < 1e-9);
  ck_assert(fabs(lib.rules.increment - R.increment) < 1e-9);
  ck_assert_int_eq(lib.rules.max_sets, R.max_sets);
  ck_assert_int_eq(lib.rules.mastery_sessions, R.mastery_sessions);
  for (int i = 0; i < EX_RULE_COUNT; i++)
    ck_assert_msg(lib.rule_source[i] != NULL && strlen(lib.rule_source[i]) > 10,
                  "rule %d has no source", i);
  ck_assert_ptr_nonnull(strstr(lib.rule_source[EX_RULE_PAIN_MODEL],
                               "Silbernagel"));
  ck_assert_ptr_nonnull(strstr(lib.rule_source[EX_RULE_PAIN_MODEL],
                               "2007;35(6):897-906"));
  /* unsourced numbers say so */
  ck_assert_ptr_nonnull(strstr(lib.rule_source[EX_RULE_STAGE_GATE],
                               "not found"));
  ck_assert_ptr_nonnull(strstr(lib.rule_source[EX_RULE_MASTERY], "not found"));
  const char *tools[] = { "pacing", "heat", "breathing", "flare-plan" };
  for (size_t i = 0; i < 4; i++)
    ck_assert_msg(ex_library_tool(&lib, tools[i]) != NULL, "%s", tools[i]);
  ex_library_free(&lib);
}
END_TEST

static const char *write_local(const char *name, const char *body) {
  static char path[1200];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("<?xml version=\"1.0\"?>\n"
        "<exerciseLibrary xmlns=\"urn:cairn:exercise-library\">\n", f);
  fputs(body, f);
  fputs("</exerciseLibrary>\n", f);
  fclose(f);
  return path;
}

#define LOCAL_EXERCISE(ID) \
  "<exercise id=\"" ID "\" stage=\"corrective\"><name>Our own</name>" \
  "<region>back</region><pattern>ours</pattern>" \
  "<dose sets=\"2\" reps=\"8\" perWeek=\"3\"/>" \
  "<instructions>Do it gently.</instructions><cue>Gently.</cue>" \
  "<description>A person.</description><drawing><head cx=\"10\" " \
  "cy=\"10\"/><stroke points=\"10,15 10,30\"/></drawing></exercise>\n"

START_TEST(a_clinic_file_is_merged_and_its_conflicts_named) {
  cairn_error err;
  size_t shipped;
  ck_assert_int_eq(load_shipped(NULL, &err), 0);
  shipped = lib.n;
  ex_library_free(&lib);
  const char *ok = write_local("ours.xml", LOCAL_EXERCISE("towel-squeeze"));
  ck_assert_msg(load_shipped(ok, &err) == 0, "%s", err.message);
  ck_assert_uint_eq(lib.n, shipped + 1);
  ck_assert_ptr_nonnull(ex_library_find(&lib, "towel-squeeze"));
  ex_library_free(&lib);

  const char *clash = write_local("clash.xml", LOCAL_EXERCISE("dead-bug"));
  ck_assert_int_eq(load_shipped(clash, &err), CAIRN_ECONFLICT);
  ck_assert_ptr_nonnull(strstr(err.message, "\"dead-bug\""));
  ck_assert_ptr_nonnull(strstr(err.message, "exercise-library.xml"));
  ck_assert_ptr_nonnull(strstr(err.message, "clash.xml"));

  const char *rules = write_local("rules.xml",
    "<rules><painModel maxPain=\"7\" source=\"a source of ours\">x"
    "</painModel><stageGate sessions=\"1\" flareFreeDays=\"1\" source="
    "\"a source of ours\">x</stageGate><loadProgression sessions=\"1\" "
    "minPercent=\"5\" maxPercent=\"10\" increment=\"1\" maxSets=\"4\" "
    "source=\"a source of ours\">x</loadProgression><stepBack source="
    "\"a source of ours\">x</stepBack><flare source=\"a source of ours\">x"
    "</flare><mastery sessions=\"1\" source=\"a source of ours\">x</mastery>"
    "</rules>\n");
  ck_assert_int_eq(load_shipped(rules, &err), CAIRN_ECONFLICT);
  ck_assert_ptr_nonnull(strstr(err.message, "<rules>"));

  const char *bad = write_local("bad.xml", "<exercise id=\"Bad Id\"/>\n");
  ck_assert_int_eq(load_shipped(bad, &err), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "bad.xml"));
}
END_TEST

static Suite *rules_suite(void) {
  Suite *s = suite_create("exercise-rules");
  TCase *tc = tcase_create("stages");
  tcase_add_test(tc, stages_run_in_one_order_and_never_reset);
  tcase_add_test(tc, each_stage_requires_the_one_before);
  suite_add_tcase(s, tc);
  tc = tcase_create("gates");
  tcase_add_test(tc, pain_model_boundary_is_five_of_ten_and_a_settled_morning);
  tcase_add_test(tc, gate_opens_after_n_sessions_inside_the_model_and_no_flare);
  tcase_add_test(tc, gate_closed_by_pain_six_of_ten);
  tcase_add_test(tc, gate_closed_by_a_worse_next_morning);
  tcase_add_test(tc, gate_closed_by_a_flare_last_week);
  tcase_add_test(tc, gate_closed_by_too_few_sessions);
  tcase_add_test(tc, gate_waits_for_the_next_morning_and_states_the_ends);
  tcase_add_test(tc, gains_held_as_the_taper_defines_it);
  suite_add_tcase(s, tc);
  tc = tcase_create("loads");
  tcase_add_test(tc, load_arithmetic_sets_times_reps_times_load);
  tcase_add_test(tc, load_step_is_five_to_ten_percent_rounded_to_the_increment);
  tcase_add_test(tc, load_step_down_is_the_inverse_never_below_zero);
  tcase_add_test(tc, two_sessions_inside_the_model_step_the_load_up);
  tcase_add_test(tc, a_worse_next_morning_steps_that_load_back_one_level);
  tcase_add_test(tc, a_flare_steps_back_one_level_and_never_resets);
  tcase_add_test(tc, an_unknown_morning_holds_and_the_clinicians_dose_stands);
  tcase_add_test(tc, a_severe_flare_steps_back_a_stage);
  suite_add_tcase(s, tc);
  tc = tcase_create("routine");
  tcase_add_test(tc, home_routine_is_what_was_mastered_in_stage_order);
  suite_add_tcase(s, tc);
  return s;
}

static Suite *library_suite(void) {
  Suite *s = suite_create("exercise-library");
  TCase *tc = tcase_create("shipped");
  tcase_add_checked_fixture(tc, lib_setup, NULL);
  tcase_add_test(tc, every_exercise_has_stage_region_dose_instructions_and_a_drawing);
  tcase_add_test(tc, ba_duan_jin_is_complete_and_in_its_standard_order);
  tcase_add_test(tc, every_rule_has_a_source_and_the_numbers_are_the_data_s);
  tcase_add_test(tc, a_clinic_file_is_merged_and_its_conflicts_named);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(rules_suite());
  int failed;
  srunner_add_suite(sr, library_suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
