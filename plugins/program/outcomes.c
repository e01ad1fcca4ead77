/*
** outcomes.c -- the cohort report (GET /outcomes).
**
** For each cohort (the episode's cohort label), instrument and timepoint:
** n, mean and sample standard deviation (n - 1) of the score; and, against
** each patient's own baseline (the first observation of the same
** instrument in the same cohort whose timepoint is "baseline"): the mean
** improvement, how many reached at least 50% (INSTR_BENCHMARK), how many
** have an undefined improvement because their baseline already was the
** best score (reported, never counted as 0 or 100%), and how many have no
** baseline at all.  Improvement is (baseline - now) / (baseline - best)
** (instruments.h; PROGRAM.md; Dworkin 2008).
**
** Observations recorded without a timepoint (the observation form's
** default) are at no named timepoint, but they are follow-up all the
** same: each (cohort, instrument) also gets a "latest" row, built from
** each patient's latest observation dated after their baseline, whatever
** its timepoint.  Its baseline is the chart's: the first observation
** marked "baseline", else the patient's first observation in the group.
** So a program cohort whose observations carry no timepoint reports the
** improvement the chart shows.  The named-timepoint rows are unchanged.
**
** One pass, in C, over one ordered query: rows come patient by patient in
** the order of the index p_program_observation(patient, instrument,
** effective), so SQLite sorts only the observations of one day by record
** (the order they were recorded); one patient's rows are buffered,
** then folded into per-(cohort, instrument, timepoint) accumulators found
** through a hash table.  Memory is bounded by the number of accumulators
** and by one patient's observations, not by the cohort; at 10,000 patients
** and 1,000,000 observations the cost is the scan.
**
** The page itself reads the same figures from the kept sums (kept.c),
** which keep each patient's share of this fold with the records; the scan
** runs for one patient when their records change, and for every patient
** only until `cairn reindex` has filled the sums.
*/
#include "program.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct (cohort, instrument, timepoint) triples in one report: a
** hundred cohorts of ten instruments at ten timepoints.  Beyond it the
** timepoint codes are being used as free text, and the report refuses
** rather than print thousands of rows. */
#define OUTCOME_BUCKETS_MAX 10000

/* Each observation in a cohort: its episode's cohort; without an episode,
** the cohort of the patient's episode in force on the observation's date
** (the latest one started on or before it), else of the patient's first
** episode.  Observations without a score are left out; those without a
** timepoint count only in the group's "latest" row. */
#define OUTCOME_ROWS_SELECT \
    "SELECT o.patient, e.cohort, o.instrument, o.timepoint, o.score," \
    " o.effective" \
    " FROM p_program_observation o" \
    " JOIN p_program_episode e" \
    "   ON e.record = COALESCE(o.episode," \
    "      (SELECT e2.record FROM p_program_episode e2" \
    "        WHERE e2.patient = o.patient" \
    "          AND e2.status <> 'entered-in-error'" \
    "          AND e2.period_start <= o.effective" \
    "        ORDER BY e2.period_start DESC, e2.record DESC LIMIT 1)," \
    "      (SELECT e3.record FROM p_program_episode e3" \
    "        WHERE e3.patient = o.patient" \
    "          AND e3.status <> 'entered-in-error'" \
    "        ORDER BY e3.period_start, e3.record LIMIT 1))" \
    "  AND e.patient = o.patient" \
    " WHERE o.status <> 'entered-in-error'" \
    "   AND e.status <> 'entered-in-error'" \
    "   AND o.score IS NOT NULL" \
    "   AND e.cohort IS NOT NULL" \
    
/* Observations of the same day in the order they were recorded, so that
** the latest follow-up of a day is the one recorded last (and a new one
** can be added to the kept sums without a scan: kept.c). */
#define OUTCOME_ROWS_ORDER \
  " ORDER BY o.patient, o.instrument, o.effective, o.record"

static const char SQL_OUTCOME_ROWS[] = OUTCOME_ROWS_SELECT OUTCOME_ROWS_ORDER;
/* The same for one patient (the kept figures), and for one patient's
** observations of one instrument (a new observation changes no other). */
static const char SQL_OUTCOME_ROWS_PATIENT[] =
    OUTCOME_ROWS_SELECT " AND o.patient = :patient" OUTCOME_ROWS_ORDER;
/* One observation's row, as the scan would read it (none when the scan
** leaves it out). */
const char program_outcome_row_sql[] =
    OUTCOME_ROWS_SELECT " AND o.record = :record";
static const char SQL_OUTCOME_ROWS_INSTRUMENT[] =
    OUTCOME_ROWS_SELECT " AND o.patient = :patient"
    " AND o.instrument = :instrument" OUTCOME_ROWS_ORDER;

typedef struct tp_stats tp_stats;

/* One (cohort, instrument): a table of the report. */
typedef struct out_group {
  const char *cohort, *instrument;   /* copies (acc_alloc) */
  const instr_def *def;              /* NULL: no longer in the file */
  long patients;                     /* with any row in the group */
  long observations;                 /* its rows */
  program_kept_base base;            /* the last patient folded: its
                                     ** baseline here (kept parts) */
  tp_stats **tps;                    /* its timepoints */
  size_t n_tps, cap_tps;
  tp_stats *latest;                  /* latest after baseline; NULL until
                                     ** a patient has one */
} out_group;

/* One (cohort, instrument, timepoint): a row of the report. */
struct tp_stats {
  out_group *group;
  const char *timepoint;             /* arena copy */
  unsigned hash;
  int is_baseline;                   /* timepoint == "baseline" */
  long n;                            /* scores */
  double mean, m2;                   /* Welford's running mean and sum of
                                     ** squared deviations */
  double day_sum;                    /* days since the patient's baseline
                                     ** (or first row), to order rows */
  long imp_n;                        /* improvements defined */
  double imp_sum;
  long reached;                      /* improvement >= INSTR_BENCHMARK */
  long undefined;                    /* baseline == best */
  long no_baseline;                  /* patient has no baseline */
};

/* The accumulators: an open-addressing hash of tp_stats by triple, and
** the list of groups. */
typedef struct outcome_acc {
  cairn_req *req;
  void *scratch;                     /* malloc'd blocks when not NULL-less:
                                     ** see acc_alloc */
  int own;                           /* 1: allocate with malloc, freed by
                                     ** acc_free (many kept updates in one
                                     ** request must not grow its arena) */
  tp_stats **slots;
  size_t cap, n;                     /* cap a power of two, n <= cap/2 */
  out_group **groups;
  size_t n_groups, cap_groups;
} outcome_acc;

/* One buffered row of the current patient. */
typedef struct out_row {
  out_group *group;
  tp_stats *tp;                      /* NULL: no timepoint */
  double score;
  long days;
} out_row;

/* The current patient's baseline in one group. */
typedef struct out_base {
  out_group *group;
  int have;
  double score;
  long day, first_day;
  double first_score;                /* the first row's, for "latest" */
  long latest;                       /* row index of the latest follow-up
                                     ** after the baseline, or -1 */
} out_base;

/* n zeroed bytes: from the request's arena, or (acc->own) a malloc'd
** block on the acc's list, which acc_free frees. */
static void *acc_alloc(outcome_acc *acc, size_t n) {
  void **b;
  if (!acc->own) return cairn_req_alloc(acc->req, n);
  b = calloc(1, sizeof(void *) * 2 + n);
  if (b == NULL) abort();
  b[0] = acc->scratch;
  acc->scratch = b;
  return b + 2;
}

static char *acc_strdup(outcome_acc *acc, const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(acc_alloc(acc, n), s, n);
}

static void acc_free(outcome_acc *acc) {
  while (acc->scratch != NULL) {
    void **b = acc->scratch;
    acc->scratch = b[0];
    free(b);
  }
}

/* Grow an array of `size`-byte elements to hold at least need. */
static void *grow(outcome_acc *acc, void *old, size_t size, size_t n,
                  size_t *cap, size_t need) {
  size_t c = *cap ? *cap : 16;
  void *p;
  if (need <= *cap) return old;
  while (c < need) c *= 2;
  p = acc_alloc(acc, size * c);
  if (n) memcpy(p, old, size * n);
  *cap = c;
  return p;
}

/* FNV-1a over the three strings, with a separator between them. */
static unsigned triple_hash(const char *a, const char *b, const char *c) {
  unsigned h = 2166136261u;
  const char *parts[3] = {a, b, c};
  int i;
  for (i = 0; i < 3; i++) {
    const unsigned char *s = (const unsigned char *)parts[i];
    for (; *s; s++) h = (h ^ *s) * 16777619u;
    h = (h ^ 0x1f) * 16777619u;
  }
  return h;
}

static out_group *group_get(outcome_acc *acc, const char *cohort,
                            const char *instrument) {
  out_group *g;
  size_t i;
  for (i = 0; i < acc->n_groups; i++) {
    g = acc->groups[i];
    if (strcmp(g->cohort, cohort) == 0 &&
        strcmp(g->instrument, instrument) == 0)
      return g;
  }
  g = acc_alloc(acc, sizeof *g);
  g->cohort = acc_strdup(acc, cohort);
  g->instrument = acc_strdup(acc, instrument);
  g->def = instr_find(program_instruments, instrument);
  acc->groups = grow(acc, acc->groups, sizeof *acc->groups,
                     acc->n_groups, &acc->cap_groups, acc->n_groups + 1);
  acc->groups[acc->n_groups++] = g;
  return g;
}

static void slots_insert(tp_stats **slots, size_t cap, tp_stats *tp) {
  size_t i = tp->hash & (cap - 1);
  while (slots[i] != NULL) i = (i + 1) & (cap - 1);
  slots[i] = tp;
}

/* The accumulator of a triple, created on first use; NULL when
** OUTCOME_BUCKETS_MAX would be passed. */
static tp_stats *tp_get(outcome_acc *acc, const char *cohort,
                        const char *instrument, const char *timepoint) {
  unsigned h = triple_hash(cohort, instrument, timepoint);
  size_t i = h & (acc->cap - 1);
  tp_stats *tp;
  out_group *g;
  for (; (tp = acc->slots[i]) != NULL; i = (i + 1) & (acc->cap - 1)) {
    if (tp->hash == h && strcmp(tp->timepoint, timepoint) == 0 &&
        strcmp(tp->group->instrument, instrument) == 0 &&
        strcmp(tp->group->cohort, cohort) == 0)
      return tp;
  }
  if (acc->n == OUTCOME_BUCKETS_MAX) return NULL;
  if (2 * (acc->n + 1) > acc->cap) {
    size_t cap = acc->cap * 2, j;
    tp_stats **slots = acc_alloc(acc, sizeof *slots * cap);
    for (j = 0; j < acc->cap; j++) {
      if (acc->slots[j]) slots_insert(slots, cap, acc->slots[j]);
    }
    acc->slots = slots;
    acc->cap = cap;
  }
  g = group_get(acc, cohort, instrument);
  tp = acc_alloc(acc, sizeof *tp);
  tp->group = g;
  tp->timepoint = acc_strdup(acc, timepoint);
  tp->hash = h;
  tp->is_baseline = strcmp(timepoint, PROGRAM_BASELINE) == 0;
  slots_insert(acc->slots, acc->cap, tp);
  acc->n++;
  g->tps = grow(acc, g->tps, sizeof *g->tps, g->n_tps, &g->cap_tps,
                g->n_tps + 1);
  g->tps[g->n_tps++] = tp;
  return tp;
}

static out_base *base_of(out_base *b, size_t n, const out_group *g) {
  size_t i;
  for (i = 0; i < n; i++) {
    if (b[i].group == g) return &b[i];
  }
  return NULL;
}

/* Count one patient's latest follow-up in its group's "latest" row,
** against the labelled baseline, else the patient's first observation
** (as the chart does). */
static void latest_add(outcome_acc *acc, const out_base *b,
                       const out_row *rows) {
  out_group *g = b->group;
  tp_stats *tp;
  const out_row *r;
  double base, imp, delta;
  long base_day;
  if (b->latest < 0) return;
  r = &rows[b->latest];
  if (g->latest == NULL) {
    g->latest = acc_alloc(acc, sizeof *g->latest);
    g->latest->group = g;
    g->latest->timepoint = PROGRAM_LATEST;
  }
  tp = g->latest;
  base = b->have ? b->score : b->first_score;
  base_day = b->have ? b->day : b->first_day;
  tp->n++;
  delta = r->score - tp->mean;
  tp->mean += delta / (double)tp->n;
  tp->m2 += delta * (r->score - tp->mean);
  tp->day_sum += (double)(r->days - base_day);
  if (g->def == NULL) return;
  if (instr_improvement(base, r->score, g->def->best, &imp) ==
      INSTR_IMPROVEMENT_UNDEFINED) {
    tp->undefined++;
    return;
  }
  tp->imp_n++;
  tp->imp_sum += imp;
  if (instr_reached(base, r->score, g->def->best, INSTR_BENCHMARK))
    tp->reached++;
}

/* Fold one patient's rows into the accumulators. */
static void patient_flush(outcome_acc *acc, const out_row *rows, size_t n,
                          out_base **bases, size_t *cap_bases) {
  size_t nb = 0, i;
  out_base *b;
  double imp, delta;
  for (i = 0; i < n; i++) {
    const out_row *r = &rows[i];
    b = base_of(*bases, nb, r->group);
    if (b == NULL) {
      *bases = grow(acc, *bases, sizeof **bases, nb, cap_bases, nb + 1);
      b = &(*bases)[nb++];
      memset(b, 0, sizeof *b);
      b->group = r->group;
      b->first_day = r->days;
      b->first_score = r->score;
      b->latest = -1;
    }
    if (r->days < b->first_day) b->first_day = r->days;
    if (r->tp != NULL && r->tp->is_baseline && !b->have) {
      b->have = 1;
      b->score = r->score;
      b->day = r->days;
    }
  }
  for (i = 0; i < nb; i++) (*bases)[i].group->patients++;
  /* Rows come by date: the last one after the baseline's day is the
  ** latest follow-up. */
  for (i = 0; i < n; i++) {
    b = base_of(*bases, nb, rows[i].group);
    if (rows[i].days > (b->have ? b->day : b->first_day)) b->latest = (long)i;
  }
  for (i = 0; i < nb; i++) {
    out_base *k = &(*bases)[i];
    latest_add(acc, k, rows);
    k->group->base.have = k->have;
    k->group->base.score = k->score;
    k->group->base.day = k->day;
    k->group->base.first_score = k->first_score;
    k->group->base.first_day = k->first_day;
  }
  for (i = 0; i < n; i++) {
    const out_row *r = &rows[i];
    tp_stats *tp = r->tp;
    const instr_def *d;
    if (tp == NULL) continue;
    d = tp->group->def;
    b = base_of(*bases, nb, tp->group);
    tp->n++;
    delta = r->score - tp->mean;
    tp->mean += delta / (double)tp->n;
    tp->m2 += delta * (r->score - tp->mean);
    tp->day_sum += (double)(r->days - (b->have ? b->day : b->first_day));
    if (tp->is_baseline) continue;
    if (!b->have) {
      tp->no_baseline++;
      continue;
    }
    if (d == NULL) continue;
    if (instr_improvement(b->score, r->score, d->best, &imp) ==
        INSTR_IMPROVEMENT_UNDEFINED) {
      tp->undefined++;
      continue;
    }
    tp->imp_n++;
    tp->imp_sum += imp;
    if (instr_reached(b->score, r->score, d->best, INSTR_BENCHMARK))
      tp->reached++;
  }
}

static int group_cmp(const void *a, const void *b) {
  const out_group *x = *(const out_group *const *)a;
  const out_group *y = *(const out_group *const *)b;
  int c = strcmp(x->cohort, y->cohort);
  return c ? c : strcmp(x->instrument, y->instrument);
}

/* Baseline first, then by mean days since baseline, then by name. */
static int tp_cmp(const void *a, const void *b) {
  const tp_stats *x = *(const tp_stats *const *)a;
  const tp_stats *y = *(const tp_stats *const *)b;
  double dx, dy;
  if (x->is_baseline != y->is_baseline) return y->is_baseline - x->is_baseline;
  dx = x->n ? x->day_sum / (double)x->n : 0;
  dy = y->n ? y->day_sum / (double)y->n : 0;
  if (dx < dy) return -1;
  if (dx > dy) return 1;
  return strcmp(x->timepoint, y->timepoint);
}

/* Precision of the report's figures in the XML: four decimals, so that a
** reader can check them against an independent computation; the view
** rounds for people. */
#define FIG 4

static void emit_row(cairn_req *req, cairn_doc *doc, const char *element,
                     const tp_stats *tp);

static void emit_group(cairn_req *req, cairn_doc *doc, out_group *g) {
  const instr_def *d = g->def;
  size_t i;
  if (g->n_tps > 1) qsort(g->tps, g->n_tps, sizeof *g->tps, tp_cmp);
  cairn_doc_open(doc, "group");
  cairn_doc_attr(doc, "cohort", g->cohort);
  cairn_doc_attr(doc, "instrument", g->instrument);
  cairn_doc_attr(doc, "patients", program_fmt_int(req, g->patients));
  if (d != NULL) {
    cairn_doc_attr(doc, "known", "yes");
    cairn_doc_attr(doc, "abbreviation", d->abbreviation);
    cairn_doc_attr(doc, "name", d->name);
    cairn_doc_attr(doc, "direction", d->direction == INSTR_LOWER_IS_BETTER
                                         ? "lower-is-better"
                                         : "higher-is-better");
    cairn_doc_attr(doc, "best", cairn_req_printf(req, "%.6g", d->best));
    cairn_doc_text(doc, "source", d->source);
  } else {
    cairn_doc_attr(doc, "known", "no");
  }
  for (i = 0; i < g->n_tps; i++) emit_row(req, doc, "timepoint", g->tps[i]);
  if (g->latest != NULL) emit_row(req, doc, "latest", g->latest);
  cairn_doc_close(doc);
}

static void emit_row(cairn_req *req, cairn_doc *doc, const char *element,
                     const tp_stats *tp) {
  {
    cairn_doc_open(doc, element);
    cairn_doc_attr(doc, "name", tp->timepoint);
    if (tp->is_baseline) cairn_doc_attr(doc, "baseline", "yes");
    cairn_doc_attr(doc, "n", program_fmt_int(req, tp->n));
    cairn_doc_attr(doc, "mean", program_fmt(req, tp->mean, FIG));
    if (tp->n >= 2)
      cairn_doc_attr(doc, "sd", program_fmt(req, sqrt(tp->m2 /
                                                      (double)(tp->n - 1)),
                                            FIG));
    cairn_doc_attr(doc, "mean-day",
                   program_fmt(req, tp->day_sum / (double)tp->n, 1));
    if (!tp->is_baseline) {
      cairn_doc_attr(doc, "improvement-n", program_fmt_int(req, tp->imp_n));
      if (tp->imp_n > 0) {
        cairn_doc_attr(doc, "improvement-mean",
                       program_fmt(req, tp->imp_sum / (double)tp->imp_n,
                                   FIG));
        cairn_doc_attr(doc, "reached-share",
                       program_fmt(req, (double)tp->reached /
                                            (double)tp->imp_n, FIG));
      }
      cairn_doc_attr(doc, "reached", program_fmt_int(req, tp->reached));
      cairn_doc_attr(doc, "undefined", program_fmt_int(req, tp->undefined));
      cairn_doc_attr(doc, "no-baseline",
                     program_fmt_int(req, tp->no_baseline));
    }
    cairn_doc_close(doc);
  }
}

/* Scan the observations (of one patient; 0: of every patient; of one
** instrument when it is not NULL) into acc.  *counted gets how many rows
** were read.  CAIRN_OK; CAIRN_ELIMIT when OUTCOME_BUCKETS_MAX would be
** passed; CAIRN_EDB. */
static int outcome_scan(outcome_acc *acc, long long only,
                        const char *instrument, long long *counted,
                        cairn_error *err) {
  cairn_req *req = acc->req;
  cairn_stmt *st;
  out_row *rows = NULL;
  out_base *bases = NULL;
  size_t n_rows = 0, cap_rows = 0, cap_bases = 0;
  long long patient = 0;
  int rc;

  acc->cap = 64;
  acc->slots = acc_alloc(acc, sizeof *acc->slots * acc->cap);
  *counted = 0;
  st = cairn_sql_prepare(req, !only ? SQL_OUTCOME_ROWS
                              : instrument ? SQL_OUTCOME_ROWS_INSTRUMENT
                                           : SQL_OUTCOME_ROWS_PATIENT, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (only) cairn_sql_bind_int(st, "patient", only);
  if (only && instrument) cairn_sql_bind_text(st, "instrument", instrument);
  while ((rc = cairn_sql_step(st)) == 1) {
    long long p = cairn_sql_int(st, 0);
    long days;
    tp_stats *tp;
    out_group *g;
    if (p != patient && n_rows > 0) {
      patient_flush(acc, rows, n_rows, &bases, &cap_bases);
      n_rows = 0;
    }
    patient = p;
    if (cairn_date_parse(cairn_sql_text(st, 5), &days) != 0) continue;
    if (cairn_sql_is_null(st, 3) || cairn_sql_text(st, 3)[0] == '\0') {
      tp = NULL;
      g = group_get(acc, cairn_sql_text(st, 1), cairn_sql_text(st, 2));
    } else {
      tp = tp_get(acc, cairn_sql_text(st, 1), cairn_sql_text(st, 2),
                  cairn_sql_text(st, 3));
      g = tp ? tp->group : NULL;
    }
    if (g == NULL) {
      while (cairn_sql_step(st) == 1) {}
      return cairn_fail(err, CAIRN_ELIMIT, NULL,
                        "The report would have more than %d rows (cohort, "
                        "instrument, timepoint): use a fixed set of "
                        "timepoint codes.", OUTCOME_BUCKETS_MAX);
    }
    rows = grow(acc, rows, sizeof *rows, n_rows, &cap_rows, n_rows + 1);
    rows[n_rows].group = g;
    rows[n_rows].tp = tp;
    rows[n_rows].score = cairn_sql_real(st, 4);
    rows[n_rows].days = days;
    n_rows++;
    g->observations++;
    (*counted)++;
  }
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "outcomes query");
  if (n_rows > 0) patient_flush(acc, rows, n_rows, &bases, &cap_bases);
  return CAIRN_OK;
}

/* A row's figures as a kept part, and back. */
static void stats_of(const tp_stats *tp, program_kept_stats *k) {
  memset(k, 0, sizeof *k);
  k->n = tp->n;
  k->mean = tp->mean;
  k->m2 = tp->m2;
  k->day_sum = tp->day_sum;
  k->imp_n = tp->imp_n;
  k->imp_sum = tp->imp_sum;
  k->reached = tp->reached;
  k->undefined = tp->undefined;
  k->no_baseline = tp->no_baseline;
}

static void stats_to(const program_kept_stats *k, tp_stats *tp) {
  tp->n = k->n;
  tp->mean = k->mean;
  tp->m2 = k->m2;
  tp->day_sum = k->day_sum;
  tp->imp_n = k->imp_n;
  tp->imp_sum = k->imp_sum;
  tp->reached = k->reached;
  tp->undefined = k->undefined;
  tp->no_baseline = k->no_baseline;
}

/* See careprogram.h: the patient's groups, timepoints and latest rows as
** part rows, each added to its sum. */
int program_outcomes_keep(cairn_req *req, long long patient,
                          const char *instrument, cairn_error *err) {
  outcome_acc acc;
  long long counted;
  size_t i, j;
  int rc;
  memset(&acc, 0, sizeof acc);
  acc.req = req;
  acc.own = 1;
  rc = outcome_scan(&acc, patient, instrument, &counted, err);
  /* A patient past the report's limit is refused with the write that
  ** would pass it. */
  for (i = 0; rc == CAIRN_OK && i < acc.n_groups; i++) {
    out_group *g = acc.groups[i];
    program_kept_stats k;
    memset(&k, 0, sizeof k);
    k.n = g->patients;
    k.observations = g->observations;
    rc = program_kept_outcome_add(req, patient, g->cohort, g->instrument,
                                  PROGRAM_KEPT_GROUP, "", &k, &g->base, err);
    for (j = 0; rc == CAIRN_OK && j < g->n_tps; j++) {
      stats_of(g->tps[j], &k);
      rc = program_kept_outcome_add(req, patient, g->cohort, g->instrument,
                                    PROGRAM_KEPT_TIMEPOINT,
                                    g->tps[j]->timepoint, &k, NULL, err);
    }
    if (rc == CAIRN_OK && g->latest != NULL) {
      stats_of(g->latest, &k);
      rc = program_kept_outcome_add(req, patient, g->cohort, g->instrument,
                                    PROGRAM_KEPT_LATEST, "", &k, NULL, err);
    }
  }
  acc_free(&acc);
  return rc;
}

static const char SQL_KEPT_OUTCOMES[] =
    "SELECT cohort, instrument, kind, timepoint, n, mean, m2, day_sum,"
    " imp_n, imp_sum, reached, undefined, no_baseline, observations"
    " FROM p_program_kept_outcome";

/* Fill acc from the kept sums (kept.c) instead of a scan. */
static int outcome_read_kept(outcome_acc *acc, long long *counted,
                             cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(acc->req, SQL_KEPT_OUTCOMES, err);
  int rc;
  acc->cap = 64;
  acc->slots = acc_alloc(acc, sizeof *acc->slots * acc->cap);
  *counted = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  while ((rc = cairn_sql_step(st)) == 1) {
    program_kept_stats k;
    int kind = (int)cairn_sql_int(st, 2);
    out_group *g;
    tp_stats *tp;
    program_kept_stats_read(st, 4, &k);
    if (kind == PROGRAM_KEPT_TIMEPOINT) {
      tp = tp_get(acc, cairn_sql_text(st, 0), cairn_sql_text(st, 1),
                  cairn_sql_text(st, 3));
      if (tp == NULL) break;
      stats_to(&k, tp);
      continue;
    }
    g = group_get(acc, cairn_sql_text(st, 0), cairn_sql_text(st, 1));
    if (kind == PROGRAM_KEPT_GROUP) {
      g->patients = k.n;
      g->observations = k.observations;
      *counted += k.observations;
    } else if (kind == PROGRAM_KEPT_LATEST) {
      g->latest = acc_alloc(acc, sizeof *g->latest);
      g->latest->group = g;
      g->latest->timepoint = PROGRAM_LATEST;
      stats_to(&k, g->latest);
    }
  }
  if (rc == 1) {
    while (cairn_sql_step(st) == 1) {}
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "The report would have more than %d rows (cohort, "
                      "instrument, timepoint): use a fixed set of "
                      "timepoint codes.", OUTCOME_BUCKETS_MAX);
  }
  return rc < 0 ? cairn_fail(err, CAIRN_EDB, NULL, "kept outcomes")
                : CAIRN_OK;
}

/*
** GET /outcomes  ->  view program/outcomes
**   <outcomes benchmark="0.5" observations="1027">
**     <group cohort="acupuncture" instrument="headache" patients="205"
**            known="yes" abbreviation= name= direction= best="0">
**       <source>Vickers AJ ...</source>
**       <timepoint name="baseline" baseline="yes" n="205"
**                  mean="25.1234" sd="14.0123" mean-day="0.0"/>
**       <timepoint name="month-3" n="170" mean= sd= mean-day="91.2"
**                  improvement-n="170" improvement-mean="0.3412"
**                  reached-share="0.4000" reached="68" undefined="0"
**                  no-baseline="0"/>*
**       <latest name="latest" n= mean= sd= mean-day= improvement-n= ...
**               no-baseline="0"/>?
**     </group>*
**   </outcomes>
** sd is absent when n < 2; improvement-mean and reached-share when
** improvement-n is 0.  improvement-n + undefined + no-baseline = n.
** latest: each patient's latest observation after their baseline (any
** timepoint or none), against the labelled baseline else their first
** observation; absent when no patient has one.
*/
int program_page_outcomes(cairn_req *req) {
  cairn_error err = {0, "", ""};
  outcome_acc acc;
  cairn_doc *doc;
  long long counted = 0;
  size_t i;
  int rc;

  memset(&acc, 0, sizeof acc);
  acc.req = req;
  /* The kept sums once they are complete; a full scan until then. */
  rc = program_kept_ready(req) ? outcome_read_kept(&acc, &counted, &err)
                               : outcome_scan(&acc, 0, NULL, &counted, &err);
  if (rc == CAIRN_ELIMIT) return cairn_respond_error(req, 500, NULL, err.message);
  if (rc != CAIRN_OK) return rc;

  doc = cairn_doc_new(req, NULL, "outcomes");
  cairn_doc_attr(doc, "benchmark", cairn_req_printf(req, "%g",
                                                    INSTR_BENCHMARK));
  cairn_doc_attr(doc, "observations", program_fmt_int(req, counted));
  patient_doc_diary_count(req, doc);
  if (acc.n_groups > 1)
    qsort(acc.groups, acc.n_groups, sizeof *acc.groups, group_cmp);
  for (i = 0; i < acc.n_groups; i++) emit_group(req, doc, acc.groups[i]);
  /* From checkpoint to outcome, for the whole clinic. */
  if ((rc = program_doc_evidence_all(req, doc)) != CAIRN_OK) return rc;
  /* What other plugins add (after graduation, per check-in). */
  cairn_sections_fill(req, "outcomes", 0, 0, doc);
  return cairn_respond_view(req, doc, "program/outcomes", 200);
}
