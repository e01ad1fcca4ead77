/*
** evidence.c -- what happened to earlier patients like this one: for each
** checkpoint and each band of improvement at it, how many of the clinic's
** FINISHED episodes later reached the 50% benchmark, held at least 50% at
** their last follow-up, or graduated; counts with a 95% Wilson score
** interval, shown only where n >= EVIDENCE_MIN_N (docs/evidence.md).
**
** Two sources of history, read alike:
**   - episodes run as the program: the checkpoint is the PhaseChange out
**     of the introductory (checkpoint 0) or first-month (1) phase, and the
**     measure at it the newest measure of the primary instrument on or
**     before that move's day, other than the baseline;
**   - imported cohorts (no phase): the checkpoint measure is the first
**     observation whose timepoint the definition file's <checkpointMap>
**     maps to that checkpoint (the trial's month-3 -> first-month).
** Improvement is (baseline - now) / (baseline - best) on the stored
** scores (instruments.h), the baseline the chart's (the observation marked
** baseline, else the first).  "Later" is any measure dated after the
** checkpoint measure's day; the last follow-up is the newest of them.
**
** Counts, not a model: one ordered scan of the finished episodes'
** primary-instrument observations (index p_program_observation_by_episode)
** and one of their moves, folded episode by episode in C.
*/
#include "program.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------- pure rules */

/* The band boundaries, as fractions of the possible improvement. */
static const double band_lower[EVIDENCE_BANDS] = {-INFINITY, 0.10, 0.30,
                                                  0.50};
static const char *const band_codes[EVIDENCE_BANDS] = {
  "under-10", "10-30", "30-50", "50-up"};
static const char *const band_labels[EVIDENCE_BANDS] = {
  "less than 10%", "10-30%", "30-50%", "50% or more"};

int program_evidence_band(double improvement) {
  int b;
  for (b = EVIDENCE_BANDS - 1; b > 0; b--) {
    /* A boundary belongs to the band above it; the tolerance is the one
    ** the threshold checks use, so 0.1 computed as 0.0999999999 is 10%. */
    if (improvement >= band_lower[b] - INSTR_SAME_SCORE) return b;
  }
  return 0;
}

const char *program_evidence_band_code(int band) {
  return band >= 0 && band < EVIDENCE_BANDS ? band_codes[band] : "";
}

const char *program_evidence_band_label(int band) {
  return band >= 0 && band < EVIDENCE_BANDS ? band_labels[band] : "";
}

void program_wilson(long k, long n, double z, double *lo, double *hi) {
  double p, z2n, centre, half;
  if (n <= 0) {
    *lo = 0;
    *hi = 1;
    return;
  }
  p = (double)k / (double)n;
  z2n = z * z / (double)n;
  centre = (p + z2n / 2) / (1 + z2n);
  half = z / (1 + z2n) *
         sqrt(p * (1 - p) / (double)n + z * z / (4.0 * (double)n * (double)n));
  *lo = k == 0 ? 0 : fmax(0, centre - half);
  *hi = k == n ? 1 : fmin(1, centre + half);
}

/* ------------------------------------------------- the checkpoint map */

/* Timepoint codes of imported cohorts mapped to checkpoints: the
** schema's bound. */
#define EVIDENCE_MAP_MAX 100
/* program.xsd's longest timepoint code, and its NUL. */
#define EVIDENCE_TIMEPOINT_SIZE 33

typedef struct evidence_map_entry {
  char timepoint[EVIDENCE_TIMEPOINT_SIZE]; /* "month-3" */
  int checkpoint;                          /* 0 introductory, 1 first-month */
} evidence_map_entry;

static evidence_map_entry map[EVIDENCE_MAP_MAX];
static size_t n_map = 0;

void program_evidence_map_load(cairn_doc *doc) {
  cairn_node *n;
  n_map = 0;
  for (n = cairn_node_child(doc, NULL, "checkpointMap");
       n != NULL && n_map < EVIDENCE_MAP_MAX;
       n = cairn_node_next(n, "checkpointMap")) {
    const char *tp = cairn_node_attr(doc, n, "timepoint");
    const char *after = cairn_node_attr(doc, n, "after");
    int k = program_phase_paid_index(program_phase_parse(after));
    if (tp == NULL || k < 0 || k > 1) continue;
    snprintf(map[n_map].timepoint, sizeof map[n_map].timepoint, "%s", tp);
    map[n_map].checkpoint = k;
    n_map++;
  }
}

/* The checkpoint a timepoint code stands for, or -1. */
static int map_checkpoint(const char *timepoint) {
  size_t i;
  for (i = 0; i < n_map; i++)
    if (strcmp(map[i].timepoint, timepoint) == 0) return map[i].checkpoint;
  return -1;
}

/* ------------------------------------------------------------ the scan */

/* Observations of one episode's primary instrument the fold reads; as
** the chart's series (PROGRAM_SERIES_MAX): more is a broken record. */
#define EVIDENCE_ROWS_MAX PROGRAM_SERIES_MAX

#define EV_ROWS_SELECT \
  "SELECT e.record, e.phase, e.primary_instrument, o.timepoint, o.score," \
  " o.effective" \
  " FROM p_program_episode e" \
  " JOIN p_program_observation o ON o.episode = e.record" \
  "  AND o.instrument = e.primary_instrument" \
  " WHERE e.status_text = 'finished' AND e.status <> 'entered-in-error'" \
  "  AND o.status <> 'entered-in-error' AND o.score IS NOT NULL"
#define EV_ROWS_ORDER " ORDER BY e.record, o.effective"

static const char SQL_ROWS[] = EV_ROWS_SELECT EV_ROWS_ORDER;
/* The same for one patient's episodes (the kept figures). */
static const char SQL_ROWS_PATIENT[] =
    EV_ROWS_SELECT " AND e.patient = :patient" EV_ROWS_ORDER;

/* The checkpoint decisions of finished episodes, in the same episode
** order: the move out of the introductory or first-month phase. */
#define EV_DECISIONS_SELECT \
  "SELECT c.episode, c.from_phase, c.change_date" \
  " FROM p_program_phase_change c" \
  " JOIN p_program_episode e ON e.record = c.episode" \
  " WHERE e.status_text = 'finished' AND e.status <> 'entered-in-error'" \
  "  AND c.status <> 'entered-in-error'" \
  "  AND c.from_phase IN ('introductory', 'first-month')"
#define EV_DECISIONS_ORDER " ORDER BY c.episode, c.change_date"

static const char SQL_DECISIONS[] = EV_DECISIONS_SELECT EV_DECISIONS_ORDER;
static const char SQL_DECISIONS_PATIENT[] =
    EV_DECISIONS_SELECT " AND e.patient = :patient" EV_DECISIONS_ORDER;

typedef struct ev_row {
  long day;                          /* days since 1970 */
  double score;
  int is_baseline;                   /* timepoint "baseline" */
  int checkpoint;                    /* mapped checkpoint, -1 */
} ev_row;

/* One episode being folded. */
typedef struct ev_episode {
  long long id;
  int in_program;                    /* has a phase: run as the program */
  int graduated;
  const instr_def *def;
  long decision[2];                  /* day of the checkpoint move, -1 */
  size_t n;
  ev_row rows[EVIDENCE_ROWS_MAX];
} ev_episode;

/* Fold one episode into the counts at each checkpoint. */
static void fold(const ev_episode *ep, program_evidence *ev) {
  size_t i;
  int base = -1, k;
  if (ep->n == 0 || ep->def == NULL) return;
  for (i = 0; i < ep->n && base < 0; i++)
    if (ep->rows[i].is_baseline) base = (int)i;
  if (base < 0) base = 0;
  for (k = 0; k < 2; k++) {
    program_evidence_band_counts *bc;
    long cday;
    int c = -1, band, any = 0, reached = 0, held = 0;
    double imp;
    if (ep->in_program) {
      if (ep->decision[k] < 0) continue;
      for (i = 0; i < ep->n; i++)
        if ((int)i != base && ep->rows[i].day <= ep->decision[k])
          c = (int)i;
    } else {
      for (i = 0; i < ep->n && c < 0; i++)
        if (ep->rows[i].checkpoint == k && (int)i != base) c = (int)i;
    }
    if (c < 0) continue;
    if (instr_improvement(ep->rows[base].score, ep->rows[c].score,
                          ep->def->best, &imp) ==
        INSTR_IMPROVEMENT_UNDEFINED) {
      ev->undefined[k]++;
      continue;
    }
    band = program_evidence_band(imp);
    bc = &ev->band[k][band];
    bc->patients++;
    cday = ep->rows[c].day;
    for (i = (size_t)c + 1; i < ep->n; i++) {
      double later;
      if (ep->rows[i].day <= cday) continue;
      if (instr_improvement(ep->rows[base].score, ep->rows[i].score,
                            ep->def->best, &later) ==
          INSTR_IMPROVEMENT_UNDEFINED)
        continue;
      any = 1;
      held = later >= INSTR_BENCHMARK - INSTR_SAME_SCORE;
      if (held) reached = 1;
    }
    if (any) {
      bc->followed++;
      bc->reached += reached;
      bc->held += held;
    }
    if (ep->in_program) {
      bc->program++;
      bc->graduated += ep->graduated;
    }
  }
}

/* Read the decision rows of episode `id` from the ordered statement (its
** current row is the next unread one; *more 0 once it is done). */
static void decisions_for(cairn_stmt *st, int *more, long long id,
                          long decision[2]) {
  decision[0] = decision[1] = -1;
  while (*more == 1 && cairn_sql_int(st, 0) <= id) {
    if (cairn_sql_int(st, 0) == id) {
      int k = program_phase_paid_index(
          program_phase_parse(cairn_sql_text(st, 1)));
      long day = program_days(cairn_sql_text(st, 2));
      /* The first decision out of a phase is the checkpoint's. */
      if (k >= 0 && k < 2 && decision[k] < 0) decision[k] = day;
    }
    *more = cairn_sql_step(st);
  }
}

int program_evidence_compute(cairn_req *req, program_evidence *ev,
                             cairn_error *err) {
  if (program_kept_ready(req)) return program_kept_evidence_read(req, ev, err);
  return program_evidence_scan(req, 0, ev, err);
}

int program_evidence_scan(cairn_req *req, long long patient,
                          program_evidence *ev, cairn_error *err) {
  cairn_stmt *rows =
      cairn_sql_prepare(req, patient ? SQL_ROWS_PATIENT : SQL_ROWS, err);
  cairn_stmt *dec;
  /* One scan at a time per process: a static buffer keeps an import's
  ** thousands of kept updates from growing the request's arena. */
  static ev_episode episode;
  ev_episode *ep = &episode;
  char instrument[EVIDENCE_TIMEPOINT_SIZE] = "";
  const instr_def *def = NULL;
  int rc, more;

  memset(ev, 0, sizeof *ev);
  if (rows == NULL) return err->code ? err->code : CAIRN_EDB;
  dec = cairn_sql_prepare(req, patient ? SQL_DECISIONS_PATIENT
                                       : SQL_DECISIONS, err);
  if (dec == NULL) return err->code ? err->code : CAIRN_EDB;
  if (patient) {
    cairn_sql_bind_int(rows, "patient", patient);
    cairn_sql_bind_int(dec, "patient", patient);
  }
  more = cairn_sql_step(dec);
  ep->id = 0;
  ep->n = 0;
  while ((rc = cairn_sql_step(rows)) == 1) {
    long long id = cairn_sql_int(rows, 0);
    ev_row *r;
    long day;
    if (id != ep->id) {
      if (ep->id != 0) {
        fold(ep, ev);
        ev->episodes++;
      }
      ep->id = id;
      ep->n = 0;
      ep->in_program = !cairn_sql_is_null(rows, 1) &&
                       cairn_sql_text(rows, 1)[0] != '\0';
      ep->graduated = ep->in_program &&
                      strcmp(cairn_sql_text(rows, 1), "graduated") == 0;
      if (strcmp(cairn_sql_text(rows, 2), instrument) != 0) {
        snprintf(instrument, sizeof instrument, "%s", cairn_sql_text(rows, 2));
        def = instr_find(program_instruments, cairn_sql_text(rows, 2));
      }
      ep->def = def;
      decisions_for(dec, &more, id, ep->decision);
    }
    if (ep->n == EVIDENCE_ROWS_MAX) continue;
    day = program_days(cairn_sql_text(rows, 5));
    if (day < 0) continue;
    r = &ep->rows[ep->n++];
    r->day = day;
    r->score = cairn_sql_real(rows, 4);
    r->is_baseline = strcmp(cairn_sql_text(rows, 3), PROGRAM_BASELINE) == 0;
    r->checkpoint = map_checkpoint(cairn_sql_text(rows, 3));
  }
  if (rc < 0 || more < 0)
    return cairn_fail(err, CAIRN_EDB, NULL, "evidence query");
  if (ep->id != 0) {
    fold(ep, ev);
    ev->episodes++;
  }
  return CAIRN_OK;
}

/* ------------------------------------------------------------ the XML */

/* The normal quantile of a two-sided 95% interval. */
#define EVIDENCE_Z 1.959963984540054

/* Decimals of the figures in the XML (the views round for people). */
#define EVIDENCE_FIG 4

static const char *const outcome_kinds[] = {"reached", "held", "graduated"};

/* <outcome kind= n= k= [share= low= high=] enough=yes|no/> */
static void doc_outcome(cairn_req *req, cairn_doc *doc, const char *kind,
                        long k, long n) {
  double lo, hi;
  cairn_doc_open(doc, "outcome");
  cairn_doc_attr(doc, "kind", kind);
  cairn_doc_attr(doc, "n", program_fmt_int(req, n));
  cairn_doc_attr(doc, "k", program_fmt_int(req, k));
  if (n >= EVIDENCE_MIN_N) {
    program_wilson(k, n, EVIDENCE_Z, &lo, &hi);
    cairn_doc_attr(doc, "share",
                   program_fmt(req, (double)k / (double)n, EVIDENCE_FIG));
    cairn_doc_attr(doc, "low", program_fmt(req, lo, EVIDENCE_FIG));
    cairn_doc_attr(doc, "high", program_fmt(req, hi, EVIDENCE_FIG));
    cairn_doc_attr(doc, "enough", "yes");
  } else {
    cairn_doc_attr(doc, "enough", "no");
  }
  cairn_doc_close(doc);
}

/* What checkpoint k is called in a sentence: "by day 14 (the introductory
** checkpoint)". */
static const char *checkpoint_when(cairn_req *req, int k) {
  const program_def *d = program_def_current();
  const char *mapped = "";
  size_t i;
  /* Say which imported timepoints stand for it: the trial's patients
  ** were at 3 months, not at day 28. */
  for (i = 0; i < n_map; i++) {
    if (map[i].checkpoint != k) continue;
    mapped = cairn_req_printf(req, "%s%s%s", mapped, mapped[0] ? ", " : "",
                              map[i].timepoint);
  }
  if (mapped[0])
    mapped = cairn_req_printf(req, "; %s in imported cohorts", mapped);
  if (d == NULL)
    return cairn_req_printf(req, "by the %s checkpoint%s",
                            k == 0 ? "introductory" : "first-month", mapped);
  return cairn_req_printf(req, "by day %d (the %s checkpoint%s)",
                          d->checkpoint[k].due_day,
                          k == 0 ? "introductory" : "first-month", mapped);
}

/* The plain sentence for band b at checkpoint k. */
static const char *sentence(cairn_req *req, int k, int b,
                            const program_evidence_band_counts *bc) {
  long n = bc->followed;
  long x = k == 0 ? bc->reached : bc->held;
  double lo, hi;
  if (n < EVIDENCE_MIN_N)
    return cairn_req_printf(
        req, "Not enough history yet: %ld earlier patient%s who had "
             "improved %s %s had a later measure (at least %d are needed).",
        n, n == 1 ? "" : "s", band_labels[b], checkpoint_when(req, k),
        EVIDENCE_MIN_N);
  program_wilson(x, n, EVIDENCE_Z, &lo, &hi);
  return cairn_req_printf(
      req, "Of %ld earlier patients who had improved %s %s, %ld (%.0f%%, "
           "95%% CI %.0f-%.0f%%) %s.",
      n, band_labels[b], checkpoint_when(req, k), x,
      100.0 * (double)x / (double)n, 100 * lo, 100 * hi,
      k == 0 ? "later reached the 50% benchmark"
             : "held at least 50% improvement at their last follow-up");
}

/* <checkpoint after= ...><band .../>*</checkpoint> for checkpoint k;
** current: the band to mark and phrase, or -1. */
static void doc_checkpoint(cairn_req *req, cairn_doc *doc,
                           const program_evidence *ev, int k, int current) {
  int b;
  cairn_doc_open(doc, "checkpoint");
  cairn_doc_attr(doc, "after", program_phase_code((program_phase)(k + 1)));
  cairn_doc_attr(doc, "when", checkpoint_when(req, k));
  cairn_doc_attr(doc, "undefined", program_fmt_int(req, ev->undefined[k]));
  for (b = 0; b < EVIDENCE_BANDS; b++) {
    const program_evidence_band_counts *bc = &ev->band[k][b];
    cairn_doc_open(doc, "band");
    cairn_doc_attr(doc, "code", band_codes[b]);
    cairn_doc_attr(doc, "label", band_labels[b]);
    if (b == current) cairn_doc_attr(doc, "current", "yes");
    cairn_doc_attr(doc, "patients", program_fmt_int(req, bc->patients));
    cairn_doc_attr(doc, "no-follow-up",
                   program_fmt_int(req, bc->patients - bc->followed));
    cairn_doc_attr(doc, "sentence", sentence(req, k, b, bc));
    doc_outcome(req, doc, outcome_kinds[0], bc->reached, bc->followed);
    doc_outcome(req, doc, outcome_kinds[1], bc->held, bc->followed);
    doc_outcome(req, doc, outcome_kinds[2], bc->graduated, bc->program);
    cairn_doc_close(doc);
  }
  cairn_doc_close(doc);
}

/* <evidence episodes= min-n= benchmark= confidence="0.95"> */
static void doc_open_evidence(cairn_req *req, cairn_doc *doc,
                              const program_evidence *ev) {
  cairn_doc_open(doc, "evidence");
  cairn_doc_attr(doc, "episodes", program_fmt_int(req, ev->episodes));
  cairn_doc_attr(doc, "min-n", program_fmt_int(req, EVIDENCE_MIN_N));
  cairn_doc_attr(doc, "benchmark",
                 cairn_req_printf(req, "%g", INSTR_BENCHMARK));
  cairn_doc_attr(doc, "confidence", "0.95");
}

int program_doc_evidence(cairn_req *req, cairn_doc *doc, int k,
                         const double *improvement) {
  cairn_error err = {0, "", ""};
  program_evidence *ev = cairn_req_alloc(req, sizeof *ev);
  int rc = program_evidence_compute(req, ev, &err);
  if (rc != CAIRN_OK) return rc;
  doc_open_evidence(req, doc, ev);
  doc_checkpoint(req, doc, ev, k,
                 improvement ? program_evidence_band(*improvement) : -1);
  cairn_doc_close(doc);
  return CAIRN_OK;
}

int program_doc_evidence_all(cairn_req *req, cairn_doc *doc) {
  cairn_error err = {0, "", ""};
  program_evidence *ev = cairn_req_alloc(req, sizeof *ev);
  int rc = program_evidence_compute(req, ev, &err), k;
  if (rc != CAIRN_OK) return rc;
  doc_open_evidence(req, doc, ev);
  for (k = 0; k < 2; k++) doc_checkpoint(req, doc, ev, k, -1);
  cairn_doc_close(doc);
  return CAIRN_OK;
}
