/*
** check_program.c -- unit tests of the program plugin's clinical rules
** against the mock host table (tests/unit/mock_host.h): every source of
** the plugin is compiled in, the instruments and the program definition
** are the shipped data files, and the episode a rule reads is preloaded
** as the rows its queries would return.
**
**   phases      the state machine of program_check_phase_change: the next
**               phase or exit only, an exit's reason, a baseline before
**               the introductory phase, the computed elements;
**   checkpoint  moving on before the checkpoint is due, and entering the
**               monthly program below the 50% benchmark, each need a
**               written clinical justification of 20 characters;
**   taper       3 -> 2 -> 1 visits a week as gains hold, two weeks at each
**               step, by the numbers of data/program-definition.xml; a
**               severe flare steps back;
**   scoring     the Observation check hook scores PEG 6, 7, 4 as 5.7,
**               replaces a score the client sent, and leaves alone a body
**               the form handler has scored.
*/
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "program.h"
#include "mock_host.h"

/* The day the tests run on: every date below is relative to it. */
#define TODAY "2026-03-31"
#define SCHEMAS CAIRN_TEST_SRCDIR "/schemas"

static cairn_req *req;
static instr_table *instruments;

/* A fresh mock request with the shipped instruments and definition. */
static void setup(void) {
  cairn_error err = {0, "", ""};
  char msg[256];
  cairn_doc *doc;
  CAIRN_PLUGIN_INIT2(&mock_api);
  req = mock_host_reset(TODAY, SCHEMAS);
  doc = cairn_xml_load(CAIRN_TEST_SRCDIR "/data/instruments.xml",
                       "instruments.xsd", &err);
  ck_assert_msg(doc != NULL, "instruments: %s", err.message);
  ck_assert_int_eq(instr_table_load(doc, &instruments, msg, sizeof msg),
                   INSTR_OK);
  program_instruments = instruments;
  ck_assert_int_eq(program_defs_load(CAIRN_TEST_SRCDIR
                                     "/data/program-definition.xml", &err),
                   CAIRN_OK);
}

static void teardown(void) {
  program_defs_free();
  instr_table_free(instruments);
  program_instruments = NULL;
  mock_host_free();
}

/* ------------------------------------------------------------ fixtures */

/* Episode 7 of patient 3 in `phase`, enrolled on `start`, measured with
** the NRS (0 best, 10 worst). */
static void episode_in(const char *phase, const char *start) {
  mock_sql_rows("FROM p_program_episode", 9, 1,
                "3", "2", "active", "program", start, NULL, "nrs", phase,
                "1");
}

/* A PhaseChange body for episode 7: to, date, then optional
** justification, reason and note ("" leaves them out). */
static cairn_doc *move(const char *to, const char *date, const char *just,
                       const char *reason, const char *note) {
  cairn_doc *b = cairn_doc_new(req, PROGRAM_NS, "PhaseChange");
  cairn_doc_text(b, "episode", "7");
  cairn_doc_text(b, "to", to);
  cairn_doc_text(b, "date", date);
  if (reason[0]) cairn_doc_text(b, "reason", reason);
  if (just[0]) cairn_doc_text(b, "justification", just);
  if (note[0]) cairn_doc_text(b, "note", note);
  return b;
}

/* The text of the body's `name`, "" when absent. */
static const char *elem(cairn_doc *b, const char *name) {
  return program_body_text(b, name);
}

/* ------------------------------------------------------------- phases */

START_TEST(enrolled_to_introductory_with_baseline_is_legal) {
  cairn_error err = {0, "", ""};
  cairn_doc *b;
  episode_in("enrolled", "2026-03-01");
  mock_sql_rows("FROM p_program_observation", 3, 1,
                "2026-03-01", "8", "baseline");
  b = move("introductory", "2026-03-02", "", "", "");
  ck_assert_int_eq(program_check_phase_change(req, b, &err), CAIRN_OK);
  ck_assert_str_eq(elem(b, "from"), "enrolled");
  ck_assert_str_eq(elem(b, "definitionVersion"), "1");
  ck_assert_str_eq(elem(b, "benchmarkMet"), "");
}
END_TEST

START_TEST(introductory_needs_a_baseline) {
  cairn_error err = {0, "", ""};
  episode_in("enrolled", "2026-03-01");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("introductory", "2026-03-02", "", "", ""),
                       &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "to");
  ck_assert_ptr_nonnull(strstr(err.message, "baseline"));
}
END_TEST

START_TEST(skipping_a_phase_is_a_conflict) {
  cairn_error err = {0, "", ""};
  episode_in("enrolled", "2026-03-01");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("first-month", "2026-03-02", "", "", ""),
                       &err),
                   CAIRN_ECONFLICT);
  ck_assert_str_eq(err.field, "to");
  ck_assert_ptr_nonnull(strstr(err.message, "can move only to the "
                                            "Introductory phase or exit"));
}
END_TEST

START_TEST(nothing_follows_an_exit) {
  cairn_error err = {0, "", ""};
  episode_in("exited", "2026-03-01");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("introductory", "2026-03-02", "", "", ""),
                       &err),
                   CAIRN_ECONFLICT);
  ck_assert_ptr_nonnull(strstr(err.message, "already exited"));
}
END_TEST

START_TEST(an_exit_needs_a_reason_and_other_needs_a_note) {
  cairn_error err = {0, "", ""};
  episode_in("enrolled", "2026-03-01");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("exited", "2026-03-02", "", "", ""), &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "reason");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("exited", "2026-03-02", "", "other", ""),
                       &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "note");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("exited", "2026-03-02", "", "other",
                                 "moved interstate"), &err),
                   CAIRN_OK);
}
END_TEST

START_TEST(a_move_cannot_be_after_today) {
  cairn_error err = {0, "", ""};
  episode_in("enrolled", "2026-03-01");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("exited", "2026-04-01", "", "moved", ""),
                       &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "date");
}
END_TEST

/* --------------------------------------------------------- checkpoint */

/* Episode 7 in the introductory phase since `intro`, NRS 8 at baseline
** and `latest` on `on`. */
static void introductory_since(const char *intro, const char *latest,
                               const char *on) {
  episode_in("introductory", "2026-03-01");
  mock_sql_rows("FROM p_program_phase_change", 9, 1,
                "11", "enrolled", "introductory", intro, NULL, NULL, NULL,
                NULL, NULL);
  mock_sql_rows("FROM p_program_observation", 3, 2,
                "2026-03-01", "8", "baseline", on, latest, "week-2");
}

START_TEST(moving_on_before_the_checkpoint_is_due_needs_a_justification) {
  cairn_error err = {0, "", ""};
  cairn_doc *b;
  /* Introductory since 03-25: the checkpoint is due on day 14 (04-08). */
  introductory_since("2026-03-25", "4", "2026-03-30");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("first-month", "2026-03-31", "", "", ""),
                       &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "justification");
  ck_assert_ptr_nonnull(strstr(err.message, "not due until 2026-04-08"));
  /* 19 characters are not enough; 20 are. */
  ck_assert_int_eq(program_check_phase_change(
                       req, move("first-month", "2026-03-31",
                                 "too short to weigh!", "", ""), &err),
                   CAIRN_EINVAL);
  b = move("first-month", "2026-03-31", "travelling for 3 wks", "", "");
  ck_assert_int_eq(program_check_phase_change(req, b, &err), CAIRN_OK);
  ck_assert_str_eq(elem(b, "improvement"), "0.5000");
  ck_assert_str_eq(elem(b, "benchmarkMet"), "yes");
}
END_TEST

START_TEST(exit_is_possible_before_the_checkpoint_is_due) {
  cairn_error err = {0, "", ""};
  introductory_since("2026-03-25", "8", "2026-03-30");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("exited", "2026-03-31", "",
                                 "no-meaningful-response", ""), &err),
                   CAIRN_OK);
}
END_TEST

START_TEST(a_checkpoint_decision_rests_on_a_measure_after_the_baseline) {
  cairn_error err = {0, "", ""};
  episode_in("introductory", "2026-03-01");
  mock_sql_rows("FROM p_program_phase_change", 9, 1,
                "11", "enrolled", "introductory", "2026-03-02", NULL, NULL,
                NULL, NULL, NULL);
  mock_sql_rows("FROM p_program_observation", 3, 1,
                "2026-03-01", "8", "baseline");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("first-month", "2026-03-20", "", "", ""),
                       &err),
                   CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "measure taken after the "
                                            "baseline"));
}
END_TEST

START_TEST(monthly_below_the_benchmark_needs_a_justification) {
  cairn_error err = {0, "", ""};
  cairn_doc *b;
  /* First-month since 03-03 after introductory since 03-01 (day 28 is
  ** 03-29, so the move on 03-31 is not early); improvement 8 -> 6 is 25%,
  ** below the 50% benchmark. */
  episode_in("first-month", "2026-03-01");
  mock_sql_rows("FROM p_program_phase_change", 9, 2,
                "11", "enrolled", "introductory", "2026-03-01", NULL, NULL,
                NULL, NULL, NULL,
                "12", "introductory", "first-month", "2026-03-03", NULL,
                NULL, "0.4", "yes", NULL);
  mock_sql_rows("FROM p_program_observation", 3, 2,
                "2026-03-01", "8", "baseline", "2026-03-30", "6", "week-4");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("monthly", "2026-03-31", "", "", ""), &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "justification");
  ck_assert_ptr_nonnull(strstr(err.message, "Improvement is 25%"));
  b = move("monthly", "2026-03-31", "Steady functional gains at work", "",
           "");
  ck_assert_int_eq(program_check_phase_change(req, b, &err), CAIRN_OK);
  ck_assert_str_eq(elem(b, "benchmarkMet"), "no");
  ck_assert_str_eq(elem(b, "from"), "first-month");
}
END_TEST

/* The first-month checkpoint of a PEG episode: baseline `base` on 03-01,
** then `now` on 03-30 (both as stored: exact to six decimals). */
static void peg_first_month(const char *base, const char *now) {
  mock_sql_rows("FROM p_program_episode", 9, 1,
                "3", "2", "active", "program", "2026-03-01", NULL, "peg",
                "first-month", "1");
  mock_sql_rows("FROM p_program_phase_change", 9, 2,
                "11", "enrolled", "introductory", "2026-03-01", NULL, NULL,
                NULL, NULL, NULL,
                "12", "introductory", "first-month", "2026-03-15", NULL,
                NULL, "0.4", "yes", NULL);
  mock_sql_rows("FROM p_program_observation", 3, 2,
                "2026-03-01", base, "baseline", "2026-03-30", now, "week-4");
}

START_TEST(the_benchmark_is_decided_on_exact_scores) {
  cairn_error err = {0, "", ""};
  cairn_doc *b;
  double s8 = 0, s4 = 0;
  const instr_def *d = instr_find(program_instruments, "peg");
  instr_answers a;
  char buf[32];
  /* PEG 8,7,7 -> 4,4,3: 7.333... -> 3.666..., exactly 50%.  The rounded
  ** scores (7.3 -> 3.7) would make it 49%. */
  memset(&a, 0, sizeof a);
  a.value[0] = 8, a.value[1] = 7, a.value[2] = 7;
  a.given[0] = a.given[1] = a.given[2] = 1;
  ck_assert_int_eq(instr_score_exact(d, &a, &s8, NULL), INSTR_OK);
  a.value[0] = 4, a.value[1] = 4, a.value[2] = 3;
  ck_assert_int_eq(instr_score_exact(d, &a, &s4, NULL), INSTR_OK);
  instr_format_exact(s8, buf, sizeof buf);
  ck_assert_str_eq(buf, "7.333333");
  ck_assert(instr_reached(7.333333, 3.666667, 0, 0.5));
  ck_assert(!instr_reached(7.3, 3.7, 0, 0.5));
  ck_assert(!instr_reached(8, 5.333333, 0, 0.5));
  peg_first_month("7.333333", "3.666667");
  b = move("monthly", "2026-03-31", "", "", "");
  ck_assert_int_eq(program_check_phase_change(req, b, &err), CAIRN_OK);
  ck_assert_str_eq(elem(b, "benchmarkMet"), "yes");
  ck_assert_str_eq(elem(b, "improvement"), "0.5000");
}
END_TEST

START_TEST(a_third_of_the_way_is_said_as_33_percent) {
  cairn_error err = {0, "", ""};
  /* PEG 8,8,8 -> 6,5,5 is 33.3%: below, and said as 33% (not 34%, which
  ** the rounded 5.3 gave). */
  peg_first_month("8", "5.333333");
  ck_assert_int_eq(program_check_phase_change(
                       req, move("monthly", "2026-03-31", "", "", ""), &err),
                   CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.message, "Improvement is 33%"));
}
END_TEST

START_TEST(a_percent_below_the_threshold_never_rounds_up_to_it) {
  ck_assert_str_eq(program_percent_text(req, 0.49999995, 0.5, 1), "50%");
  ck_assert_str_eq(program_percent_text(req, 0.496, 0.5, 0), "49.6%");
  ck_assert_str_eq(program_percent_text(req, 0.3333333, 0.5, 0), "33%");
  ck_assert_str_eq(program_percent_text(req, 0.61, 0.5, 1), "61%");
}
END_TEST

/* ---------------------------------------------------------- graduation */

/* Episode 7 in the monthly program since 01-29 (introductory 01-01,
** first-month 01-15), NRS 8 at baseline then 3 every week from 02-01:
** gains held. */
static void monthly_held(void) {
  mock_sql_rows("FROM p_program_episode", 9, 1,
                "3", "2", "active", "program", "2026-01-01", NULL, "nrs",
                "monthly", "1");
  mock_sql_rows("FROM p_program_phase_change", 9, 3,
                "11", "enrolled", "introductory", "2026-01-01", NULL, NULL,
                NULL, NULL, NULL,
                "12", "introductory", "first-month", "2026-01-15", NULL,
                NULL, "0.6", "yes", NULL,
                "13", "first-month", "monthly", "2026-01-29", NULL, NULL,
                "0.6", "yes", NULL);
  /* No PSFS recorded (the newest-PSFS query: first match wins). */
  mock_sql_rows("instrument IN ('psfs', 'psfs2')", 3, 0);
  mock_sql_rows("FROM p_program_observation", 3, 10,
                "2026-01-01", "8", "baseline", "2026-02-01", "3", "",
                "2026-02-08", "3", "", "2026-02-15", "3", "",
                "2026-02-22", "3", "", "2026-03-01", "3", "",
                "2026-03-08", "3", "", "2026-03-15", "3", "",
                "2026-03-22", "3", "", "2026-03-29", "3", "");
}

START_TEST(graduating_without_the_data_needs_a_justification) {
  cairn_error err = {0, "", ""};
  cairn_doc *b;
  monthly_held();
  /* The new user's input: the boxes ticked, no PSFS ever recorded. */
  b = move("graduated", "2026-03-31", "", "", "");
  cairn_doc_text(b, "goalsMet", "yes");
  cairn_doc_text(b, "gainsHeld", "yes");
  cairn_doc_text(b, "homeRoutine", "yes");
  ck_assert_int_eq(program_check_phase_change(req, b, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "justification");
  ck_assert_ptr_nonnull(strstr(err.message, "no PSFS"));
  /* Written down, it is allowed; the checklist is the data's. */
  b = move("graduated", "2026-03-31",
           "Goals reviewed in person; moving abroad next week", "", "");
  cairn_doc_text(b, "goalsMet", "yes");
  cairn_doc_text(b, "homeRoutine", "yes");
  ck_assert_int_eq(program_check_phase_change(req, b, &err), CAIRN_OK);
  ck_assert_str_eq(elem(b, "goalsMet"), "no");
  ck_assert_str_eq(elem(b, "gainsHeld"), "yes");
  ck_assert_int_eq(cairn_doc_count(b, NULL, "r:goalsMet"), 1);
}
END_TEST

START_TEST(the_home_routine_is_recorded_by_the_clinician) {
  cairn_error err = {0, "", ""};
  monthly_held();
  ck_assert_int_eq(program_check_phase_change(
                       req, move("graduated", "2026-03-31",
                                 "Goals reviewed in person; moving abroad",
                                 "", ""),
                       &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "homeRoutine");
}
END_TEST

START_TEST(goals_are_met_when_every_activity_reaches_its_goal) {
  program_episode e;
  double r[PROGRAM_ACTIVITIES_MAX] = {8, 7, 6, 0, 0};
  int rated[PROGRAM_ACTIVITIES_MAX] = {1, 1, 1, 0, 0};
  int i;
  memset(&e, 0, sizeof e);
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) e.activity[i] = e.goal[i] = "";
  e.activity[0] = "Walk the dog", e.goal[0] = "8";
  e.activity[1] = "Garden", e.goal[1] = "7";
  e.activity[2] = "Lift my grandson", e.goal[2] = "6";
  ck_assert(program_goals_met(&e, r, rated, 1));
  r[1] = 6.5;
  ck_assert(!program_goals_met(&e, r, rated, 1));
  /* PSFS 2.0: lower is better, so 6.5 for a goal of 7 is past it. */
  ck_assert(program_goals_met(&e, r, rated, 0));
  r[0] = 8, r[1] = 7, r[2] = 6;
  rated[2] = 0;
  ck_assert(!program_goals_met(&e, r, rated, 1));
  /* No goal set at all: nothing shows them met. */
  for (i = 0; i < PROGRAM_ACTIVITIES_MAX; i++) e.goal[i] = "";
  rated[2] = 1;
  ck_assert(!program_goals_met(&e, r, rated, 1));
}
END_TEST

/* -------------------------------------------------------------- taper */

/* A series of the NRS: baseline 8 at day `from` - 20, then 3 every few
** days up to `until` (62.5% better, held). */
static void held_series(program_series *s, long from, long until) {
  long d;
  memset(s, 0, sizeof *s);
  s->def = instr_find(program_instruments, "nrs");
  s->base = 0;
  s->pt[s->n].day = from - 20;
  s->pt[s->n++].score = 8;
  for (d = from - 10; d <= until; d += 3) {
    s->pt[s->n].day = d;
    s->pt[s->n++].score = 3;
  }
}

START_TEST(the_taper_steps_down_3_2_1_as_gains_hold) {
  static program_series s;
  program_taper_week w[8];
  const program_def *d = program_def_current();
  long from;
  size_t n;
  ck_assert_int_eq(cairn_date_parse("2026-01-05", &from), 0);
  held_series(&s, from, from + 42);
  ck_assert_int_eq(d->taper_start, 3);
  ck_assert_int_eq(d->taper_floor, 1);
  ck_assert_int_eq(d->taper_min_weeks, 2);
  /* Gradually: two weeks at each step, never 3 -> 2 -> 1 in consecutive
  ** weeks, though the gains hold from the first week. */
  n = program_taper(d, from, from + 41, &s, NULL, 0, NULL, 0, w, 8);
  ck_assert_uint_eq(n, 6);
  ck_assert_int_eq(w[0].recommended, 3);
  ck_assert_int_eq(w[1].recommended, 3);
  ck_assert_ptr_nonnull(strstr(w[1].why, "gradually"));
  ck_assert_int_eq(w[2].recommended, 2);
  ck_assert_int_eq(w[3].recommended, 2);
  ck_assert_int_eq(w[4].recommended, 1);
  ck_assert_int_eq(w[5].recommended, 1);
  ck_assert_str_eq(w[5].why, "gains held: at the floor");
}
END_TEST

START_TEST(a_severe_flare_steps_the_taper_back) {
  static program_series s;
  program_taper_week w[8];
  program_flare f = {.id = 1, .severity = "severe"};
  long from;
  size_t n;
  ck_assert_int_eq(cairn_date_parse("2026-01-05", &from), 0);
  held_series(&s, from, from + 28);
  f.start = from + 16;   /* in week 2, before week 3 begins */
  f.end = -1;
  n = program_taper(program_def_current(), from, from + 27, &s, &f, 1, NULL,
                    0, w, 8);
  ck_assert_uint_eq(n, 4);
  ck_assert_int_eq(w[2].recommended, 2);
  ck_assert_int_eq(w[3].recommended, 3);
  ck_assert_ptr_nonnull(strstr(w[3].why, "severe flare"));
}
END_TEST

START_TEST(an_open_flare_sets_the_taper_it_asks) {
  static program_series s;
  program_taper_week w[10];
  program_flare f = {.id = 1, .severity = "moderate", .per_week = 2};
  long from;
  size_t n;
  ck_assert_int_eq(cairn_date_parse("2026-01-05", &from), 0);
  held_series(&s, from, from + 56);
  /* Tapered to the floor by week 4; a flare begun on day 51 (week 7, the
  ** week of today) asks two visits a week: two, though gains held. */
  f.start = from + 51;
  f.end = -1;
  n = program_taper(program_def_current(), from, from + 53, &s, &f, 1, NULL,
                    0, w, 8);
  ck_assert_uint_eq(n, 8);
  ck_assert_int_eq(w[6].recommended, 1);
  ck_assert_int_eq(w[7].recommended, 2);
  ck_assert_str_eq(w[7].why, "an open flare: as its response asks");
  /* Saying nothing, the open flare holds the week of today. */
  f.per_week = 0;
  f.severity = "mild";
  n = program_taper(program_def_current(), from, from + 53, &s, &f, 1, NULL,
                    0, w, 8);
  ck_assert_int_eq(w[7].recommended, 1);
  ck_assert_str_eq(w[7].why, "an open flare: hold");
  /* Ended on day 52: the taper goes on from two, gradually. */
  f.per_week = 2;
  f.end = from + 52;
  n = program_taper(program_def_current(), from, from + 62, &s, &f, 1, NULL,
                    0, w, 10);
  ck_assert_uint_eq(n, 9);
  ck_assert_int_eq(w[7].recommended, 2);
  ck_assert_int_eq(w[8].recommended, 2);
}
END_TEST

START_TEST(gains_not_yet_held_hold_the_taper) {
  static program_series s;
  program_taper_week w[4];
  long from;
  ck_assert_int_eq(cairn_date_parse("2026-01-05", &from), 0);
  memset(&s, 0, sizeof s);
  s.def = instr_find(program_instruments, "nrs");
  s.n = 1;
  s.pt[0].day = from - 20;
  s.pt[0].score = 8;
  ck_assert_uint_eq(program_taper(program_def_current(), from, from + 13, &s,
                                  NULL, 0, NULL, 0, w, 4),
                    2);
  ck_assert_int_eq(w[1].recommended, 3);
}
END_TEST

/* ------------------------------------------------------------ scoring */

/* A PEG observation answering pain, enjoyment, activity. */
static cairn_doc *peg(const char *a, const char *b, const char *c,
                      const char *score) {
  cairn_doc *o = cairn_doc_new(req, PROGRAM_NS, "Observation");
  cairn_doc_text(o, "instrument", "peg");
  cairn_doc_text(o, "effective", "2026-03-30");
  cairn_doc_text_attr(o, "answer", "item", "pain", a);
  cairn_doc_text_attr(o, "answer", "item", "enjoyment", b);
  cairn_doc_text_attr(o, "answer", "item", "activity", c);
  if (score) cairn_doc_text(o, "score", score);
  return o;
}

START_TEST(the_check_hook_scores_peg_and_replaces_a_sent_score) {
  cairn_error err = {0, "", ""};
  cairn_doc *o = peg("6", "7", "4", "9.9");
  ck_assert_int_eq(program_check_observation(req, o, &err), CAIRN_OK);
  /* Stored exact; 5.7 is what people are shown. */
  ck_assert_str_eq(elem(o, "score"), "5.666667");
  ck_assert_int_eq(cairn_doc_count(o, NULL, "r:score"), 1);
  ck_assert_str_eq(program_score_text(req, instr_find(program_instruments,
                                                      "peg"),
                                      5.666667),
                   "5.7");
}
END_TEST

START_TEST(an_answer_out_of_range_is_refused_by_item) {
  cairn_error err = {0, "", ""};
  ck_assert_int_eq(program_check_observation(req, peg("6", "11", "4", NULL),
                                             &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "answer.enjoyment");
}
END_TEST

START_TEST(a_bare_score_of_a_single_value_instrument_becomes_its_answer) {
  cairn_error err = {0, "", ""};
  cairn_doc *o = cairn_doc_new(req, PROGRAM_NS, "Observation");
  cairn_doc_text(o, "instrument", "nrs");
  cairn_doc_text(o, "effective", "2026-03-30");
  cairn_doc_text(o, "score", "4");
  ck_assert_int_eq(program_check_observation(req, o, &err), CAIRN_OK);
  ck_assert_str_eq(cairn_doc_value(o, NULL, "r:answer/@item"), "pain");
  ck_assert_str_eq(elem(o, "answer"), "4");
  ck_assert_str_eq(elem(o, "score"), "4");
}
END_TEST

START_TEST(a_body_the_form_scored_is_not_scored_again) {
  cairn_error err = {0, "", ""};
  /* A score the hook would replace: left alone while the request is
  ** marked, replaced once it is not. */
  cairn_doc *o = peg("6", "7", "4", "5.7");
  cairn_doc_remove(o, NULL, "r:answer");
  program_observation_scored(req);
  ck_assert_int_eq(program_check_observation(req, o, &err), CAIRN_OK);
  program_observation_scored(NULL);
  ck_assert_int_eq(cairn_doc_count(o, NULL, "r:answer"), 0);
  ck_assert_str_eq(elem(o, "score"), "5.7");
  ck_assert_int_eq(program_check_observation(req, o, &err), CAIRN_EINVAL);
}
END_TEST

/* The kept sums (kept.c): parts combined with Welford's pairwise form,
** and taken out again, give the mean and the squared deviations of the
** series computed directly. */
START_TEST(kept_sums_merge_and_unmerge_as_a_direct_computation) {
  static const double x[] = {12.5, 3.25, 40, 40, 7.333333, 0, 19.75, 28,
                             28.5, 1.125, 66, 12.5};
  program_kept_stats parts[3], t, u;
  double mean = 0, m2 = 0, d;
  size_t i, n = sizeof x / sizeof x[0];
  memset(parts, 0, sizeof parts);
  for (i = 0; i < n; i++) {  /* three parts, one Welford each */
    program_kept_stats *p = &parts[i % 3];
    p->n++;
    d = x[i] - p->mean;
    p->mean += d / (double)p->n;
    p->m2 += d * (x[i] - p->mean);
    p->reached += x[i] > 20;
  }
  for (i = 0; i < n; i++) mean += x[i] / (double)n;
  for (i = 0; i < n; i++) m2 += (x[i] - mean) * (x[i] - mean);
  memset(&t, 0, sizeof t);
  for (i = 0; i < 3; i++) program_kept_merge(&t, &parts[i], 1);
  ck_assert_int_eq(t.n, (long)n);
  ck_assert_double_eq_tol(t.mean, mean, 1e-9);
  ck_assert_double_eq_tol(t.m2, m2, 1e-7);
  ck_assert_int_eq(t.reached, 5);
  /* taking part 1 out leaves parts 0 and 2 */
  program_kept_merge(&t, &parts[1], -1);
  memset(&u, 0, sizeof u);
  program_kept_merge(&u, &parts[0], 1);
  program_kept_merge(&u, &parts[2], 1);
  ck_assert_int_eq(t.n, u.n);
  ck_assert_double_eq_tol(t.mean, u.mean, 1e-9);
  ck_assert_double_eq_tol(t.m2, u.m2, 1e-7);
  ck_assert_int_eq(t.reached, u.reached);
  /* and everything out leaves nothing */
  program_kept_merge(&t, &parts[0], -1);
  program_kept_merge(&t, &parts[2], -1);
  ck_assert_int_eq(t.n, 0);
  ck_assert_double_eq(t.mean, 0);
  ck_assert_double_eq(t.m2, 0);
  ck_assert_int_eq(t.reached, 0);
}
END_TEST

static Suite *program_suite(void) {
  Suite *s = suite_create("program");
  TCase *phases = tcase_create("phases");
  TCase *checkpoint = tcase_create("checkpoint");
  TCase *taper = tcase_create("taper");
  TCase *scoring = tcase_create("scoring");
  tcase_add_checked_fixture(phases, setup, teardown);
  tcase_add_checked_fixture(checkpoint, setup, teardown);
  tcase_add_checked_fixture(taper, setup, teardown);
  tcase_add_checked_fixture(scoring, setup, teardown);
  tcase_add_test(phases, enrolled_to_introductory_with_baseline_is_legal);
  tcase_add_test(phases, introductory_needs_a_baseline);
  tcase_add_test(phases, skipping_a_phase_is_a_conflict);
  tcase_add_test(phases, nothing_follows_an_exit);
  tcase_add_test(phases, an_exit_needs_a_reason_and_other_needs_a_note);
  tcase_add_test(phases, a_move_cannot_be_after_today);
  tcase_add_test(checkpoint,
                 moving_on_before_the_checkpoint_is_due_needs_a_justification);
  tcase_add_test(checkpoint, exit_is_possible_before_the_checkpoint_is_due);
  tcase_add_test(checkpoint,
                 a_checkpoint_decision_rests_on_a_measure_after_the_baseline);
  tcase_add_test(checkpoint, monthly_below_the_benchmark_needs_a_justification);
  tcase_add_test(checkpoint, the_benchmark_is_decided_on_exact_scores);
  tcase_add_test(checkpoint, a_third_of_the_way_is_said_as_33_percent);
  tcase_add_test(checkpoint,
                 a_percent_below_the_threshold_never_rounds_up_to_it);
  tcase_add_test(checkpoint, graduating_without_the_data_needs_a_justification);
  tcase_add_test(checkpoint, the_home_routine_is_recorded_by_the_clinician);
  tcase_add_test(checkpoint, goals_are_met_when_every_activity_reaches_its_goal);
  tcase_add_test(taper, the_taper_steps_down_3_2_1_as_gains_hold);
  tcase_add_test(taper, a_severe_flare_steps_the_taper_back);
  tcase_add_test(taper, an_open_flare_sets_the_taper_it_asks);
  tcase_add_test(taper, gains_not_yet_held_hold_the_taper);
  tcase_add_test(scoring, the_check_hook_scores_peg_and_replaces_a_sent_score);
  tcase_add_test(scoring, an_answer_out_of_range_is_refused_by_item);
  tcase_add_test(scoring, kept_sums_merge_and_unmerge_as_a_direct_computation);
  tcase_add_test(scoring,
                 a_bare_score_of_a_single_value_instrument_becomes_its_answer);
  tcase_add_test(scoring, a_body_the_form_scored_is_not_scored_again);
  suite_add_tcase(s, phases);
  suite_add_tcase(s, checkpoint);
  suite_add_tcase(s, taper);
  suite_add_tcase(s, scoring);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(program_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? 0 : 1;
}
