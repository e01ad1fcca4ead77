/*
** exercise.c -- the exercise plugin's descriptor: record types with their
** projections and check hooks, routes with their audiences, the
** program:Flare subscription, migrations, init and fini.
**
** Exercise progression (PROGRAM.md): corrective exercise, then qi gong,
** then progressive loading, each gated by data under the pain-monitoring
** model, and the home routine built from what the patient has mastered.
** docs/exercise.md tells the rules and their sources.
**
** Settings (config <plugin><setting name=...>):
**   library       path of data/exercise-library.xml (required), validated
**                 against schemas/exercise-library.xsd at start-up
**   local         a clinic's own exercises in a file of the same shape,
**                 merged at start-up; an id in both files refuses start-up
**   instruments   path of data/instruments.xml, for the best score of the
**                 episode's primary measure ("gains held"); without it the
**                 progression always starts with a written reason
**
** The plugin reads the program plugin's projections (p_program_episode,
** p_program_patient, p_program_observation, p_program_flare) and never
** calls it; it needs the program plugin loaded before it.
*/
#include "exercise.h"

#include <stdlib.h>
#include <string.h>

CAIRN_PLUGIN_INIT1

/* The library and the best score of each instrument, owned here. */
static ex_library library_owned;
const ex_library *exercise_library = &library_owned;

/* Instruments a clinic defines: a handful; 64 leaves room. */
#define EX_INSTRUMENTS_MAX 64
static struct {
  char id[41];               /* instrument id, "nrs" */
  double best;               /* its best score */
} instruments[EX_INSTRUMENTS_MAX];
static size_t n_instruments;

int ex_instrument_best(const char *id, double *best) {
  size_t i;
  for (i = 0; i < n_instruments; i++)
    if (strcmp(instruments[i].id, id) == 0) {
      *best = instruments[i].best;
      return 0;
    }
  return CAIRN_ENOTFOUND;
}

/* ------------------------------------------------------ record types */

static const cairn_projection stage_projections[] = {
  { .column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT },
  { .column = "change_date", .xpath = "r:date", .type = CAIRN_COL_TEXT },
  { .column = "from_stage", .xpath = "r:from", .type = CAIRN_COL_TEXT },
  { .column = "to_stage", .xpath = "r:to", .type = CAIRN_COL_TEXT },
  { .column = "kind", .xpath = "r:kind", .type = CAIRN_COL_TEXT },
  { .column = "reason", .xpath = "r:reason", .type = CAIRN_COL_TEXT },
  { .column = "gate", .xpath = "r:gate", .type = CAIRN_COL_TEXT },
  { .column = "flare", .xpath = "r:flare", .type = CAIRN_COL_INT },
  { .column = NULL }
};

static const cairn_projection session_projections[] = {
  { .column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT },
  { .column = "session_date", .xpath = "r:date",
    .type = CAIRN_COL_TEXT },
  { .column = "stage", .xpath = "r:stage", .type = CAIRN_COL_TEXT },
  { .column = "pain", .xpath = "r:pain", .type = CAIRN_COL_INT },
  { .column = "next_morning", .xpath = "r:nextMorning",
    .type = CAIRN_COL_TEXT },
  { .column = "exercises", .xpath = "count(r:done)",
    .type = CAIRN_COL_INT },
  { .column = NULL }
};

/* For the program's graduation: since when the home routine exists
** (`since`) and when it was last reviewed; weeks practised as of a day D
** are (julianday(D) - julianday(since)) / 7, whole weeks. */
static const cairn_projection routine_projections[] = {
  { .column = "episode", .xpath = "r:episode", .type = CAIRN_COL_INT },
  { .column = "review_date", .xpath = "r:date", .type = CAIRN_COL_TEXT },
  { .column = "since", .xpath = "r:since", .type = CAIRN_COL_TEXT },
  { .column = "items", .xpath = "count(r:item)", .type = CAIRN_COL_INT },
  { .column = "tools", .xpath = "count(r:tool)", .type = CAIRN_COL_INT },
  { .column = NULL }
};

static const cairn_record_type record_types[] = {
  { .name = EX_T_STAGE, .ns = EXERCISE_NS, .root = "Stage",
    .xsd = "exercise.xsd", .table = "exercise_stage",
    .projections = stage_projections, .check = ex_check_stage },
  { .name = EX_T_SESSION, .ns = EXERCISE_NS, .root = "Session",
    .xsd = "exercise.xsd", .table = "exercise_session",
    .projections = session_projections, .check = ex_check_session },
  { .name = EX_T_ROUTINE, .ns = EXERCISE_NS, .root = "HomeRoutine",
    .xsd = "exercise.xsd", .table = "exercise_routine",
    .projections = routine_projections, .check = ex_check_routine },
  { .name = NULL }
};

/* ------------------------------------------------------------ routes */

#define EPISODE "/patients/(?<patient>[1-9][0-9]{0,17})" \
                "/episodes/(?<episode>[1-9][0-9]{0,17})/exercise"
#define PATIENT_ROUTINE "/p/(?<episode>[1-9][0-9]{0,17})/routine"
/* Clinical detail: clinicians, and the administrator who answers for the
** clinic's data; only clinicians record. */
#define CLINICAL (CAIRN_AUD_CLINICIAN | CAIRN_AUD_ADMIN)

static const cairn_route routes[] = {
  { .method = "GET", .pattern = EPISODE, .audience = CLINICAL,
    .handler = ex_page_section,
    .summary = "an episode's exercise progression: stage, gate and why, "
               "next step, loads, home routine" },
  { .method = "POST", .pattern = EPISODE "/stages",
    .audience = CAIRN_AUD_CLINICIAN, .handler = ex_post_stage,
    .summary = "start the progression or move on a stage (exercise:Stage)" },
  { .method = "GET", .pattern = EPISODE "/sessions/new",
    .audience = CAIRN_AUD_CLINICIAN, .handler = ex_page_session_new,
    .summary = "the exercise session form" },
  { .method = "POST", .pattern = EPISODE "/sessions",
    .audience = CAIRN_AUD_CLINICIAN, .handler = ex_post_session,
    .summary = "record a session (form or an exercise:Session as XML)" },
  { .method = "POST",
    .pattern = EPISODE "/sessions/(?<session>[1-9][0-9]{0,17})/morning",
    .audience = CAIRN_AUD_CLINICIAN, .handler = ex_post_morning,
    .summary = "record the next-morning response to a session" },
  { .method = "POST", .pattern = EPISODE "/routine",
    .audience = CAIRN_AUD_CLINICIAN, .handler = ex_post_routine,
    .summary = "review the home routine: a new version of "
               "exercise:HomeRoutine (form, or the record as XML)" },
  { .method = "GET", .pattern = EPISODE "/handout", .audience = CLINICAL,
    .handler = ex_page_handout,
    .summary = "the home routine handout: one printed A4 page" },
  { .method = "GET", .pattern = "/exercise", .audience = CLINICAL,
    .handler = ex_page_attention,
    .summary = "worklist: gates open, episodes a flare stepped back" },
  { .method = "GET", .pattern = "/exercises", .audience = CAIRN_AUD_STAFF,
    .handler = ex_page_library,
    .summary = "the exercise library and its rules with their sources" },
  /* The patient's own page (docs/patient.md): reached through the
  ** episode's personal link only; each handler checks its scope. */
  { .method = "GET", .pattern = PATIENT_ROUTINE,
    .audience = CAIRN_AUD_CAPABILITY, .handler = ex_patient_routine,
    .summary = "the patient's home routine and their session log" },
  { .method = "POST", .pattern = PATIENT_ROUTINE "/sessions",
    .audience = CAIRN_AUD_CAPABILITY, .handler = ex_patient_session,
    .summary = "the patient logs a session at home (exercise:Session)" },
  { .method = "POST",
    .pattern = PATIENT_ROUTINE "/sessions/(?<session>[1-9][0-9]{0,17})"
               "/morning",
    .audience = CAIRN_AUD_CAPABILITY, .handler = ex_patient_morning,
    .summary = "the patient adds a session's next-morning response" },
  { .method = NULL }
};

/* A flare steps back a load level, a severe one a stage. */
static const cairn_subscription subscriptions[] = {
  { .record_type = EX_T_FLARE, .fn = ex_on_flare },
  { .record_type = NULL }
};

static const char *const migrations[] = {
  "CREATE INDEX IF NOT EXISTS p_exercise_stage_by_episode"
  " ON p_exercise_stage(episode, change_date);",
  "CREATE INDEX IF NOT EXISTS p_exercise_session_by_episode"
  " ON p_exercise_session(episode, session_date);",
  "CREATE INDEX IF NOT EXISTS p_exercise_routine_by_episode"
  " ON p_exercise_routine(episode);",
  NULL
};

/* ------------------------------------------------------ init, fini */

static int load_instruments(const char *path, cairn_error *err) {
  cairn_doc *d = cairn_xml_load(path, "instruments.xsd", err);
  cairn_node *n;
  if (d == NULL) return err->code ? err->code : CAIRN_EINVAL;
  n_instruments = 0;
  for (n = cairn_node_child(d, NULL, "instrument");
       n != NULL && n_instruments < EX_INSTRUMENTS_MAX;
       n = cairn_node_next(n, "instrument")) {
    double best = 0;
    const char *id = cairn_node_attr(d, n, "id");
    if (id == NULL || cairn_doc_number(d, n, "r:scoring/@best", &best) != 0)
      continue;
    strncpy(instruments[n_instruments].id, id,
            sizeof instruments[0].id - 1);
    instruments[n_instruments].best = best;
    n_instruments++;
  }
  cairn_doc_free(d);
  return 0;
}

static int exercise_init(const cairn_api *api, const cairn_plugin_config *cfg,
                         cairn_error *err) {
  const char *path, *local, *instr;
  int rc;
  if (api == NULL || api->api_level < 3 || !CAIRN_API_HAS(api, cli_print)) {
    if (err != NULL) {
      err->code = CAIRN_EINTERNAL;
      strcpy(err->message, "exercise: the host's API table is older than "
                           "the plugin needs (level 3)");
    }
    return CAIRN_EINTERNAL;
  }
  CAIRN_PLUGIN_INIT2(api);
  path = cairn_config_get(cfg, "library");
  if (path == NULL || path[0] == '\0')
    return cairn_fail(err, CAIRN_EINVAL, "library",
                      "exercise: set <setting name=\"library\"> to the path "
                      "of exercise-library.xml (data/exercise-library.xml)");
  local = cairn_config_get(cfg, "local");
  rc = ex_library_load(&library_owned, path, local, err);
  if (rc != 0) return rc;
  instr = cairn_config_get(cfg, "instruments");
  if (instr != NULL && instr[0] != '\0' &&
      (rc = load_instruments(instr, err)) != 0) {
    ex_library_free(&library_owned);
    return rc;
  }
  cairn_log(CAIRN_LOG_INFO, "exercise: %zu exercises, %zu tools",
            library_owned.n, library_owned.n_tools);
  return 0;
}

static void exercise_fini(void) { ex_library_free(&library_owned); }

/* The body elements that hold record ids (level 5): `cairn import`
** rewrites them when a bundle's records get new ids. */
static const cairn_reference references[] = {
  {.record_type = EX_T_STAGE, .element = "episode"},
  {.record_type = EX_T_STAGE, .element = "flare"},
  {.record_type = EX_T_SESSION, .element = "episode"},
  {.record_type = EX_T_ROUTINE, .element = "episode"},
  {.record_type = NULL}};

static const cairn_plugin descriptor = {
  CAIRN_PLUGIN_MAGIC,
  .name = "exercise",
  .version = "0.1.0",
  .api_level = 6,
  .description = "exercise progression: corrective, qi gong, loading, "
                 "gated by the pain-monitoring model; the home routine",
  .record_types = record_types,
  .routes = routes,
  .subscriptions = subscriptions,
  .migrations = migrations,
  .init = exercise_init,
  .fini = exercise_fini,
  .sections = exercise_sections,
  .references = references,
};

const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
