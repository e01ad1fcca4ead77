/*
** pages.c -- the program plugin's read-only pages: the dashboard, the
** patient list, the patient chart and the instrument definitions.
**
** Each handler reads projections with constant SQL and named binds, builds
** a view document (shapes in the comment above each handler) and names
** the XSLT view that renders it; the same URL returns the document itself
** for Accept: application/xml.
*/
#include "program.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Patients per page of the list (the brief's 25: a screenful). */
#define PATIENTS_PER_PAGE 25
/* Highest page number accepted: 100000 pages of 25 is 2.5 million
** patients, far past one clinic; bounds the OFFSET a request can ask. */
#define PAGE_MAX 100000
/* Longest search text, in characters: longer than any name or identifier
** (program.xsd: 200 and 64). */
#define QUERY_CHARS_MAX 200
/* Observations drawn on one chart: ten years of daily scores on one
** instrument.  More are counted and reported as left out. */
#define CHART_OBSERVATIONS_MAX 5000
/* Room for this many points first; doubled as the rows come. */
#define CHART_POINTS_FIRST 64
/* About this many intervals on each chart axis. */
#define AXIS_INTERVALS 5
/* When the scores span less than this share of the instrument's range the
** chart zooms to the data (a headache score of 10-30 on 0-140); otherwise
** it shows the whole scale. */
#define ZOOM_BELOW 0.4
/* Scales this short are always drawn whole: on a 0-10 scale a reader
** expects to see 0 and 10, and zooming would invent half points. */
#define ZOOM_MIN_RANGE 20.0
/* The time axis spans at least a week, so that one or two early
** observations are not stretched across the whole chart. */
#define DAYS_MIN 7

static const char *method_name(instr_method m) {
  switch (m) {
  case INSTR_VALUE: return "value";
  case INSTR_MEAN: return "mean";
  case INSTR_SUM_PERCENT: return "sum-percent";
  case INSTR_SUM_TIMES: return "sum-times";
  }
  return "unknown";
}

static const char *direction_name(instr_direction d) {
  return d == INSTR_LOWER_IS_BETTER ? "lower-is-better" : "higher-is-better";
}

static void attr_if(cairn_doc *doc, const char *name, const char *v) {
  if (v != NULL && v[0] != '\0') cairn_doc_attr(doc, name, v);
}

/* "%.6g" of v in the arena: numbers from the instrument file. */
static const char *num(cairn_req *req, double v) {
  if (v == 0) v = 0;
  return cairn_req_printf(req, "%.6g", v);
}

/* Prepare, or return the failure from the enclosing handler. */
#define PREPARE(st, sql)                                             \
  do {                                                               \
    cairn_error perr_ = {0, "", ""};                                 \
    (st) = cairn_sql_prepare(req, (sql), &perr_);                    \
    if ((st) == NULL) return perr_.code ? perr_.code : CAIRN_EDB;    \
  } while (0)
/* A failed bind is a bug in this file: the names are constants. */
#define BIND_OK(call) do { if ((call) != 0) return CAIRN_EINTERNAL; } while (0)

/* ================================================================ home */

static const char SQL_COUNTS[] =
    "SELECT"
    " (SELECT count(*) FROM p_program_patient"
    "   WHERE status <> 'entered-in-error'),"
    " (SELECT count(*) FROM p_program_episode"
    "   WHERE status <> 'entered-in-error'),"
    " (SELECT count(*) FROM p_program_observation"
    "   WHERE status <> 'entered-in-error')";

static const char SQL_COHORTS[] =
    "SELECT cohort, count(DISTINCT patient), count(*)"
    " FROM p_program_episode"
    " WHERE status <> 'entered-in-error' AND cohort IS NOT NULL"
    " GROUP BY cohort ORDER BY cohort";

/* The same counts from the sums kept with the records (kept_counts.c). */
static const char SQL_COUNTS_KEPT[] =
    "SELECT patients, episodes, observations FROM p_program_kept_count"
    " WHERE cohort = ''"
    " UNION ALL SELECT 0, 0, 0 WHERE NOT EXISTS"
    " (SELECT 1 FROM p_program_kept_count WHERE cohort = '')";

static const char SQL_COHORTS_KEPT[] =
    "SELECT cohort, patients, episodes FROM p_program_kept_count"
    " WHERE cohort <> '' ORDER BY cohort";

/*
** GET /  ->  view program/home
**   <home today="2024-05-01">
**     <counts patients="400" episodes="400" observations="1027"/>
**     <cohort name="acupuncture" patients="205" episodes="205"/>*
**     <instrument id="peg" abbreviation="PEG" name="..."/>*
**   </home>
*/
int program_page_home(cairn_req *req) {
  cairn_doc *doc;
  cairn_stmt *st;
  size_t i;
  int rc, kept;

  /* Front desk's day is visits, calls and intakes, not cohorts. */
  if (program_is_front_desk(req)) return program_page_desk_home(req);
  doc = cairn_doc_new(req, NULL, "home");
  cairn_doc_attr(doc, "today", cairn_req_today(req));
  /* Kept counts once complete; until then every row is counted. */
  kept = program_kept_counts_ready(req);
  PREPARE(st, kept ? SQL_COUNTS_KEPT : SQL_COUNTS);
  if (cairn_sql_step(st) != 1) return CAIRN_EDB;
  cairn_doc_open(doc, "counts");
  cairn_doc_attr(doc, "patients", program_fmt_int(req, cairn_sql_int(st, 0)));
  cairn_doc_attr(doc, "episodes", program_fmt_int(req, cairn_sql_int(st, 1)));
  cairn_doc_attr(doc, "observations",
                 program_fmt_int(req, cairn_sql_int(st, 2)));
  cairn_doc_close(doc);

  PREPARE(st, kept ? SQL_COHORTS_KEPT : SQL_COHORTS);
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "cohort");
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "patients",
                   program_fmt_int(req, cairn_sql_int(st, 1)));
    cairn_doc_attr(doc, "episodes",
                   program_fmt_int(req, cairn_sql_int(st, 2)));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;

  for (i = 0; i < program_instruments->n; i++) {
    const instr_def *d = &program_instruments->defs[i];
    cairn_doc_open(doc, "instrument");
    cairn_doc_attr(doc, "id", d->id);
    cairn_doc_attr(doc, "abbreviation", d->abbreviation);
    cairn_doc_attr(doc, "name", d->name);
    cairn_doc_close(doc);
  }
  /* The care program's dashboard shows clinical detail (checkpoints,
  ** flares): not for front desk, who see the schedule instead. */
  {
    const char *role = cairn_req_role(req);
    if (role == NULL || strcmp(role, "front-desk") != 0) {
      rc = program_dashboard(req, doc);
      if (rc != CAIRN_OK) return rc;
    }
  }
  /* What other plugins put on the dashboard (slot "dashboard", no patient
  ** or episode): herbal alerts, exercise gates open and flares' step
  ** backs, who to talk to about coming back.  Each fill shows what the
  ** role may see. */
  cairn_sections_fill(req, "dashboard", 0, 0, doc);
  return cairn_respond_view(req, doc, "program/home", 200);
}

/* ======================================================== patient list */

/* The WHERE clause shared by the count and the page: every patient when
** :q is empty, else a name or identifier containing :q (LIKE pattern
** :like, with \ escaping the wildcards typed by the person). */
#define PATIENTS_WHERE                                                  \
  " WHERE p.status <> 'entered-in-error'"                               \
  "   AND (:q = '' OR p.name LIKE :like ESCAPE '\\'"                    \
  "        OR p.identifier LIKE :like ESCAPE '\\')"

static const char SQL_PATIENTS_COUNT[] =
    "SELECT count(*) FROM p_program_patient p" PATIENTS_WHERE;

/* The page is chosen first (walking the name index), and only its 25
** rows get the per-patient look-ups; computing those for every patient
** before sorting costs seconds at 10,000 patients. */
static const char SQL_PATIENTS_PAGE[] =
    "SELECT p.record, p.identifier, p.name, p.gender, p.birth_date,"
    " (SELECT e.cohort FROM p_program_episode e"
    "   WHERE e.patient = p.record AND e.status <> 'entered-in-error'"
    "   ORDER BY e.period_start DESC, e.record DESC LIMIT 1),"
    " (SELECT count(*) FROM p_program_observation o"
    "   WHERE o.patient = p.record AND o.status <> 'entered-in-error'),"
    " (SELECT e.record FROM p_program_episode e"
    "   WHERE e.patient = p.record AND e.status <> 'entered-in-error'"
    "   AND e.phase IS NOT NULL"
    "   ORDER BY e.period_start DESC, e.record DESC LIMIT 1)"
    " FROM (SELECT p.record, p.identifier, p.name, p.gender, p.birth_date"
    "       FROM p_program_patient p" PATIENTS_WHERE
    "       ORDER BY p.name COLLATE NOCASE, p.record"
    "       LIMIT :limit OFFSET :offset) p"
    " ORDER BY p.name COLLATE NOCASE, p.record";

/* A LIKE pattern matching text that contains q, with %, _ and \ in q
** escaped by \. */
static const char *like_contains(cairn_req *req, const char *q) {
  size_t n = strlen(q);
  char *out = cairn_req_alloc(req, 2 * n + 3), *w = out;
  *w++ = '%';
  for (; *q; q++) {
    if (*q == '%' || *q == '_' || *q == '\\') *w++ = '\\';
    *w++ = *q;
  }
  *w++ = '%';
  *w = '\0';
  return out;
}

/* A page number: 1..PAGE_MAX written with digits only.  0 when bad. */
static long parse_page(const char *s) {
  long v = 0;
  size_t i;
  if (s == NULL || s[0] == '\0' || strlen(s) > 6) return 0;
  for (i = 0; s[i]; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  return v >= 1 && v <= PAGE_MAX ? v : 0;
}

static const char *patients_href(cairn_req *req, const char *q, long page) {
  if (q[0] == '\0') return cairn_req_printf(req, "/patients?page=%ld", page);
  return cairn_req_printf(req, "/patients?q=%s&page=%ld",
                          cairn_url_encode(req, q), page);
}

/* One <patient> of the list, from the current row of SQL_PATIENTS_PAGE. */
static void patient_row(cairn_req *req, cairn_doc *doc, cairn_stmt *st) {
  long long id = cairn_sql_int(st, 0);
  cairn_doc_open(doc, "patient");
  cairn_doc_attr(doc, "id", program_fmt_int(req, id));
  attr_if(doc, "identifier", cairn_sql_text(st, 1));
  attr_if(doc, "name", cairn_sql_text(st, 2));
  attr_if(doc, "gender", cairn_sql_text(st, 3));
  attr_if(doc, "birth-date", cairn_sql_text(st, 4));
  attr_if(doc, "cohort", cairn_sql_text(st, 5));
  cairn_doc_attr(doc, "observations",
                 program_fmt_int(req, cairn_sql_int(st, 6)));
  cairn_doc_attr(doc, "href", cairn_req_printf(req, "/patients/%lld", id));
  /* The newest episode run as the program: front desk books its visits
  ** there; a patient without one is to be enrolled. */
  if (!cairn_sql_is_null(st, 7))
    cairn_doc_attr(doc, "visits",
                   program_visits_href(req, id, cairn_sql_int(st, 7)));
  else
    cairn_doc_attr(doc, "enrol",
                   cairn_req_printf(req, "/patients/%lld/enrol", id));
  cairn_doc_close(doc);
}

/*
** GET /patients?q=&page=N  ->  view program/patients
**   <patients q="" page="1" pages="16" total="400" per-page="25"
**             first="1" last="25">
**     <link rel="prev|next" href="/patients?q=...&page=2"/>*
**     <patient id="12" identifier="100" name="..." gender="female"
**              birth-date="1953-01-01" cohort="acupuncture"
**              observations="3" href="/patients/12"/>*
**   </patients>
** 400 (error view, field "page" or "q") for a page that is not 1..100000
** or a search longer than 200 characters.
*/
int program_page_patients(cairn_req *req) {
  const char *q = cairn_req_query(req, "q");
  const char *page_text = cairn_req_query(req, "page");
  const char *like;
  cairn_doc *doc;
  cairn_stmt *st;
  long page = 1, pages;
  long long total, shown = 0;
  int rc;

  if (q == NULL) q = "";
  if (program_utf8_chars(q) > QUERY_CHARS_MAX) {
    return cairn_respond_error(
        req, 400, "q",
        cairn_req_printf(req, "The search text is longer than %d "
                              "characters; search by part of a name or an "
                              "identifier.", QUERY_CHARS_MAX));
  }
  /* Leading and trailing spaces are not part of any name worth finding. */
  while (*q == ' ') q++;
  {
    size_t n = strlen(q);
    while (n > 0 && q[n - 1] == ' ') n--;
    q = cairn_req_printf(req, "%.*s", (int)n, q);
  }
  /* An empty page= (a form that left it blank) means the first page. */
  if (page_text != NULL && page_text[0] != '\0') {
    page = parse_page(page_text);
    if (page == 0) {
      return cairn_respond_error(
          req, 400, "page",
          cairn_req_printf(req, "The page must be a whole number from 1 to "
                                "%d.", PAGE_MAX));
    }
  }
  like = like_contains(req, q);

  PREPARE(st, SQL_PATIENTS_COUNT);
  BIND_OK(cairn_sql_bind_text(st, ":q", q));
  BIND_OK(cairn_sql_bind_text(st, ":like", like));
  if (cairn_sql_step(st) != 1) return CAIRN_EDB;
  total = cairn_sql_int(st, 0);
  pages = total == 0 ? 1 : (long)((total + PATIENTS_PER_PAGE - 1) /
                                  PATIENTS_PER_PAGE);

  doc = cairn_doc_new(req, NULL, "patients");
  cairn_doc_attr(doc, "q", q);
  cairn_doc_attr(doc, "page", program_fmt_int(req, page));
  cairn_doc_attr(doc, "pages", program_fmt_int(req, pages));
  cairn_doc_attr(doc, "total", program_fmt_int(req, total));
  cairn_doc_attr(doc, "per-page", program_fmt_int(req, PATIENTS_PER_PAGE));
  if (page > 1) {
    cairn_doc_open(doc, "link");
    cairn_doc_attr(doc, "rel", "prev");
    cairn_doc_attr(doc, "href", patients_href(req, q, page > pages ? pages
                                                                   : page - 1));
    cairn_doc_close(doc);
  }
  if (page < pages) {
    cairn_doc_open(doc, "link");
    cairn_doc_attr(doc, "rel", "next");
    cairn_doc_attr(doc, "href", patients_href(req, q, page + 1));
    cairn_doc_close(doc);
  }

  PREPARE(st, SQL_PATIENTS_PAGE);
  BIND_OK(cairn_sql_bind_text(st, ":q", q));
  BIND_OK(cairn_sql_bind_text(st, ":like", like));
  BIND_OK(cairn_sql_bind_int(st, ":limit", PATIENTS_PER_PAGE));
  BIND_OK(cairn_sql_bind_int(st, ":offset",
                             (long long)(page - 1) * PATIENTS_PER_PAGE));
  while ((rc = cairn_sql_step(st)) == 1) {
    patient_row(req, doc, st);
    shown++;
  }
  if (rc < 0) return CAIRN_EDB;
  if (shown > 0) {
    long long first = (long long)(page - 1) * PATIENTS_PER_PAGE + 1;
    cairn_doc_attr(doc, "first", program_fmt_int(req, first));
    cairn_doc_attr(doc, "last", program_fmt_int(req, first + shown - 1));
  }
  return cairn_respond_view(req, doc, "program/patients", 200);
}

/* ============================================================== chart */

static const char SQL_CHART_EPISODES[] =
    "SELECT record, status_text, cohort, period_start, period_end,"
    " primary_instrument, phase FROM p_program_episode"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    " ORDER BY period_start, record";

/* The clinic's observations and the patient's diary entries (last
** column 1: reported by the patient), one instrument after another. */
static const char SQL_CHART_OBSERVATIONS[] =
    "SELECT record, episode, instrument, effective, timepoint, score, 0"
    " FROM p_program_observation"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    "   AND score IS NOT NULL"
    " UNION ALL"
    " SELECT record, episode, instrument, entry_date, '', score, 1"
    " FROM p_program_diary"
    " WHERE patient = :patient AND status <> 'entered-in-error'"
    "   AND score IS NOT NULL"
    " ORDER BY 3, 4, 1"
    " LIMIT :limit";

/* One observation on the chart. */
typedef struct chart_point {
  long long id, episode;       /* episode 0 when none */
  const char *instrument;      /* arena copy */
  const char *effective;       /* arena copy, YYYY-MM-DD */
  const char *timepoint;       /* arena copy, "" when none */
  double score;
  long days;                   /* days since 1970-01-01 */
  int by_patient;              /* 1: a diary entry, reported by the patient */
} chart_point;

/* Emit one <trajectory> for points [from, to) of one instrument. */
/* One instrument's run of a patient's points, pt[from..to), as a
** trajectory draws it. */
typedef struct trajectory {
  const chart_point *pt;         /* the patient's points */
  size_t from, to;               /* this instrument's run */
  size_t base;                   /* the baseline's index */
  long first;                    /* day of the first point: day 0 */
  const instr_def *d;            /* NULL when the instrument is unknown */
  const char *href;              /* the patient's page, "/patients/12" */
} trajectory;

/* The points of an instrument no longer in the file: listed, not drawn. */
static void doc_unknown_points(cairn_req *req, cairn_doc *doc,
                               const trajectory *t) {
  size_t i;
  cairn_doc_attr(doc, "known", "no");
  for (i = t->from; i < t->to; i++) {
    cairn_doc_open(doc, "point");
    cairn_doc_attr(doc, "id", program_fmt_int(req, t->pt[i].id));
    cairn_doc_attr(doc, "effective", t->pt[i].effective);
    cairn_doc_attr(doc, "day", program_fmt_int(req, t->pt[i].days - t->first));
    attr_if(doc, "timepoint", t->pt[i].timepoint);
    cairn_doc_attr(doc, "score", num(req, t->pt[i].score));
    cairn_doc_close(doc);
  }
}

/* The instrument's scale and the baseline: the first observation marked
** "baseline", else the first.  1 when improvement from it is defined. */
static int doc_baseline(cairn_req *req, cairn_doc *doc, const trajectory *t,
                        int base_labelled) {
  const instr_def *d = t->d;
  double base = t->pt[t->base].score, imp;
  char buf[64];
  cairn_doc_attr(doc, "known", "yes");
  cairn_doc_attr(doc, "name", d->name);
  cairn_doc_attr(doc, "abbreviation", d->abbreviation);
  cairn_doc_attr(doc, "direction", direction_name(d->direction));
  cairn_doc_attr(doc, "min", num(req, fmin(d->best, d->worst)));
  cairn_doc_attr(doc, "max", num(req, fmax(d->best, d->worst)));
  cairn_doc_attr(doc, "best", num(req, d->best));
  cairn_doc_attr(doc, "worst", num(req, d->worst));
  instr_format_score(d, base, buf, sizeof buf);
  cairn_doc_attr(doc, "baseline", cairn_req_strdup(req, buf));
  cairn_doc_attr(doc, "baseline-from", base_labelled ? "timepoint" : "first");
  cairn_doc_attr(doc, "baseline-date", t->pt[t->base].effective);
  /* PGIC rates change itself: improvement from its first answer means
  ** nothing, so no baseline or 50% line is drawn for it. */
  if (strcmp(d->id, "pgic") == 0) {
    cairn_doc_attr(doc, "change-rating", "yes");
    cairn_doc_attr(doc, "improvement", "undefined");
    return 0;
  }
  if (instr_improvement(base, base, d->best, &imp) !=
      INSTR_IMPROVEMENT_DEFINED) {
    cairn_doc_attr(doc, "improvement", "undefined");
    return 0;
  }
  cairn_doc_attr(doc, "improvement", "defined");
  cairn_doc_attr(doc, "target",
                 num(req, instr_benchmark_target(base, d->best)));
  /* For people, by the instrument's rule (the line is drawn at target). */
  cairn_doc_attr(doc, "target-text",
                 program_score_text(req, d,
                                    instr_benchmark_target(base, d->best)));
  return 1;
}

/* The value axis: the whole scale, or zoomed to the data and the best
** score when the data use little of it; y-min, y-max and the ticks. */
static void doc_value_axis(cairn_req *req, cairn_doc *doc,
                           const trajectory *t) {
  double ilo = fmin(t->d->best, t->d->worst);
  double ihi = fmax(t->d->best, t->d->worst);
  double lo = t->d->best, hi = t->d->best, step, ymin, ymax, v;
  size_t i;
  for (i = t->from; i < t->to; i++) {
    lo = fmin(lo, t->pt[i].score);
    hi = fmax(hi, t->pt[i].score);
  }
  if (ihi - ilo <= ZOOM_MIN_RANGE || hi - lo >= ZOOM_BELOW * (ihi - ilo)) {
    lo = ilo;
    hi = ihi;
  }
  step = program_nice_step(lo, hi, AXIS_INTERVALS);
  ymin = fmax(ilo, floor(lo / step) * step);
  ymax = fmin(ihi, ceil(hi / step) * step);
  if (ymax <= ymin) ymax = fmin(ihi, ymin + step);
  cairn_doc_attr(doc, "y-min", num(req, ymin));
  cairn_doc_attr(doc, "y-max", num(req, ymax));
  for (v = ymin; v <= ymax + step * 1e-9; v += step) {
    cairn_doc_open(doc, "y-tick");
    cairn_doc_attr(doc, "value", num(req, v));
    cairn_doc_close(doc);
  }
}

/* The time axis: days since the first observation, stretched to show
** the program's marks that come after the last one (an open flare runs
** to today).  Returns its end, x-max. */
static double doc_time_axis(cairn_req *req, cairn_doc *doc,
                            const trajectory *t, long span,
                            const program_mark *marks, size_t n_marks) {
  double xmax, xstep, v;
  size_t i;
  for (i = 0; i < n_marks; i++) {
    long end = marks[i].end == -2 ? program_days(cairn_req_today(req))
               : marks[i].end < 0 ? marks[i].day : marks[i].end;
    if (marks[i].day >= t->first && end - t->first > span)
      span = end - t->first;
  }
  xmax = span > DAYS_MIN ? (double)span : DAYS_MIN;
  xstep = program_nice_step(0, xmax, AXIS_INTERVALS);
  if (xstep < 1) xstep = 1;
  xmax = ceil(xmax / xstep) * xstep;
  cairn_doc_attr(doc, "x-max", num(req, xmax));
  for (v = 0; v <= xmax + 1e-9; v += xstep) {
    cairn_doc_open(doc, "x-tick");
    cairn_doc_attr(doc, "day", num(req, v));
    cairn_doc_close(doc);
  }
  return xmax;
}

/* <point id= episode=? effective= day= timepoint=? score= baseline=?
** improvement=? reached=?/> for each point. */
static void doc_points(cairn_req *req, cairn_doc *doc, const trajectory *t,
                       int defined) {
  double base = t->pt[t->base].score, imp;
  char buf[64];
  size_t i;
  for (i = t->from; i < t->to; i++) {
    const chart_point *p = &t->pt[i];
    cairn_doc_open(doc, "point");
    cairn_doc_attr(doc, "id", program_fmt_int(req, p->id));
    if (p->episode > 0)
      cairn_doc_attr(doc, "episode", program_fmt_int(req, p->episode));
    cairn_doc_attr(doc, "effective", p->effective);
    cairn_doc_attr(doc, "day", program_fmt_int(req, p->days - t->first));
    attr_if(doc, "timepoint", p->timepoint);
    instr_format_score(t->d, p->score, buf, sizeof buf);
    cairn_doc_attr(doc, "score", cairn_req_strdup(req, buf));
    if (i == t->base) cairn_doc_attr(doc, "baseline", "yes");
    if (p->by_patient) {
      /* Performer: the patient.  Entered-in-error by the clinician. */
      cairn_doc_attr(doc, "performer", "patient");
      cairn_doc_attr(doc, "error", cairn_req_printf(
          req, "%s/episodes/%lld/diary/%lld/error",
          t->href, p->episode, p->id));
    }
    if (defined && i != t->base &&
        instr_improvement(base, p->score, t->d->best, &imp) ==
            INSTR_IMPROVEMENT_DEFINED) {
      cairn_doc_attr(doc, "improvement", program_fmt(req, imp, 4));
      /* The benchmark is the clinic's measurement's to reach: a diary
      ** entry shows its improvement but never the badge. */
      if (!p->by_patient &&
          instr_reached(base, p->score, t->d->best, INSTR_BENCHMARK))
        cairn_doc_attr(doc, "reached", "yes");
    }
    cairn_doc_close(doc);
  }
}

/* Phase changes and flares on the same time axis, clipped to it; an open
** flare runs to the axis' end. */
static void doc_marks(cairn_req *req, cairn_doc *doc, long first,
                      double xmax, const program_mark *marks,
                      size_t n_marks) {
  size_t i;
  for (i = 0; i < n_marks; i++) {
    long a = marks[i].day - first, b;
    if (a > (long)xmax) continue;
    b = marks[i].end == -2 ? (long)xmax
        : marks[i].end < 0 ? a : marks[i].end - first;
    if (b < 0) continue;
    if (a < 0) a = 0;
    if (b > (long)xmax) b = (long)xmax;
    cairn_doc_open(doc, "mark");
    cairn_doc_attr(doc, "kind", marks[i].kind);
    cairn_doc_attr(doc, "day", program_fmt_int(req, a));
    cairn_doc_attr(doc, "end-day", program_fmt_int(req, b));
    cairn_doc_attr(doc, "label", marks[i].label);
    if (marks[i].response && marks[i].response[0])
      cairn_doc_attr(doc, "response", marks[i].response);
    cairn_doc_close(doc);
  }
}

static void chart_trajectory(cairn_req *req, cairn_doc *doc,
                             const char *href, const chart_point *pt,
                             size_t from, size_t to,
                             const program_mark *marks, size_t n_marks) {
  trajectory t = {.pt = pt, .from = from, .to = to, .base = from,
                  .href = href,
                  .first = pt[from].days,
                  .d = instr_find(program_instruments, pt[from].instrument)};
  long span = pt[to - 1].days - t.first;
  int base_labelled = 0, defined;
  double xmax;
  size_t i;

  for (i = from; i < to; i++) {
    if (strcmp(pt[i].timepoint, PROGRAM_BASELINE) == 0) {
      t.base = i;
      base_labelled = 1;
      break;
    }
  }
  /* Without one marked, the baseline is the clinic's first measurement:
  ** a diary entry is the baseline only of a run that has nothing else. */
  for (i = from; !base_labelled && i < to; i++) {
    if (!pt[i].by_patient) {
      t.base = i;
      break;
    }
  }
  cairn_doc_open(doc, "trajectory");
  cairn_doc_attr(doc, "instrument", pt[from].instrument);
  cairn_doc_attr(doc, "first", pt[from].effective);
  cairn_doc_attr(doc, "last", pt[to - 1].effective);
  cairn_doc_attr(doc, "span", program_fmt_int(req, span));
  cairn_doc_attr(doc, "points", program_fmt_int(req, (long long)(to - from)));
  if (t.d == NULL) {
    doc_unknown_points(req, doc, &t);
  } else {
    defined = doc_baseline(req, doc, &t, base_labelled);
    doc_value_axis(req, doc, &t);
    xmax = doc_time_axis(req, doc, &t, span, marks, n_marks);
    doc_points(req, doc, &t, defined);
    doc_marks(req, doc, t.first, xmax, marks, n_marks);
  }
  cairn_doc_close(doc);
}

/*
** GET /patients/{id}  ->  view program/chart  (404 error view when there
** is no such patient)
**   <chart new-observation="/patients/12/observations/new">
**     <patient id= identifier= name= gender= birth-date= href=/>
**     <episode id= status= cohort= period-start= period-end=
**              primary-instrument=/>*
**     <trajectory instrument="headache" known="yes" name= abbreviation=
**        direction="lower-is-better" min="0" max="140" best="0"
**        worst="140" first="2000-03-24" last= span="365" points="3"
**        baseline="10.75" baseline-from="timepoint|first"
**        baseline-date= improvement="defined|undefined"
**        target="5.375" (only when defined: 50% of the way to best)
**        y-min="0" y-max="20" x-max="400">
**       <y-tick value="0"/>*  <x-tick day="0"/>*
**       <point id= episode= effective= day="0" timepoint="baseline"
**              score="10.75" baseline="yes"
**              improvement="0.3412" reached="yes"/>*
**     </trajectory>*
**   </chart>
** Scores are formatted with the instrument's decimals; improvement is a
** fraction (0.5 = 50%), absent on the baseline point and when undefined.
*/
/* Observations marked entered in error: listed (struck through, with the
** reason) and counted nowhere. */
static const char SQL_CHART_IN_ERROR[] =
    "SELECT record, instrument, effective, score FROM p_program_observation"
    " WHERE patient = :patient AND status = 'entered-in-error'"
    " ORDER BY effective, record LIMIT 100";   /* CHART_IN_ERROR_MAX */

/* Observations in error one chart lists: more means a broken record. */
#define CHART_IN_ERROR_MAX 100

/* <in-error id= instrument= effective= score=? reason=/>* of patient p. */
static int doc_in_error(cairn_req *req, cairn_doc *doc, long long patient) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_CHART_IN_ERROR, &err);
  long long ids[CHART_IN_ERROR_MAX];
  const char *inst[CHART_IN_ERROR_MAX], *date[CHART_IN_ERROR_MAX];
  const char *score[CHART_IN_ERROR_MAX];
  size_t n = 0, i;
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  cairn_sql_bind_int(st, ":patient", patient);
  while ((rc = cairn_sql_step(st)) == 1 && n < CHART_IN_ERROR_MAX) {
    const instr_def *d = instr_find(program_instruments, cairn_sql_text(st, 1));
    ids[n] = cairn_sql_int(st, 0);
    inst[n] = cairn_req_strdup(req,
                               program_instrument_name(cairn_sql_text(st, 1)));
    date[n] = cairn_req_strdup(req, cairn_sql_text(st, 2));
    score[n] = d && !cairn_sql_is_null(st, 3)
                   ? program_score_text(req, d, cairn_sql_real(st, 3))
                   : "";
    n++;
  }
  if (rc < 0) return CAIRN_EDB;
  /* The statement is done: now each one's reason, from its body. */
  for (i = 0; i < n; i++) {
    const cairn_record *rec;
    cairn_doc_open(doc, "in-error");
    cairn_doc_attr(doc, "id", program_fmt_int(req, ids[i]));
    cairn_doc_attr(doc, "instrument", inst[i]);
    cairn_doc_attr(doc, "effective", date[i]);
    if (score[i][0]) cairn_doc_attr(doc, "score", score[i]);
    if (cairn_record_get(req, ids[i], &rec, &err) == CAIRN_OK)
      cairn_doc_attr(doc, "reason", cairn_record_value(rec, "r:errorReason"));
    cairn_doc_close(doc);
  }
  return CAIRN_OK;
}

int program_page_chart(cairn_req *req) {
  program_patient p;
  cairn_error err = {0, "", ""};
  cairn_doc *doc;
  cairn_stmt *st;
  chart_point *pts;
  program_mark *marks;
  size_t n = 0, cap, i, from, nm;
  int rc;

  rc = program_patient_load(req, &p, &err);
  if (rc == CAIRN_ENOTFOUND) return cairn_respond_error(req, 404, NULL,
                                                       err.message);
  if (rc != CAIRN_OK) return rc;

  doc = cairn_doc_new(req, NULL, "chart");
  cairn_doc_attr(doc, "href", p.href);
  cairn_doc_attr(doc, "new-observation",
                 cairn_req_printf(req, "/patients/%lld/observations/new",
                                  p.id));
  program_doc_patient(doc, &p);
  program_doc_intake(req, doc, p.id, 0);
  /* What other plugins add to the chart (referrals and partners' notes). */
  cairn_sections_fill(req, "chart", p.id, 0, doc);

  PREPARE(st, SQL_CHART_EPISODES);
  BIND_OK(cairn_sql_bind_int(st, ":patient", p.id));
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "episode");
    cairn_doc_attr(doc, "id", program_fmt_int(req, cairn_sql_int(st, 0)));
    attr_if(doc, "status", cairn_sql_text(st, 1));
    attr_if(doc, "cohort", cairn_sql_text(st, 2));
    attr_if(doc, "period-start", cairn_sql_text(st, 3));
    attr_if(doc, "period-end", cairn_sql_text(st, 4));
    attr_if(doc, "primary-instrument", cairn_sql_text(st, 5));
    attr_if(doc, "primary-name", program_instrument_name(cairn_sql_text(st, 5)));
    if (!cairn_sql_is_null(st, 6)) {
      cairn_doc_attr(doc, "phase", cairn_sql_text(st, 6));
      cairn_doc_attr(doc, "phase-label", program_phase_label(
          program_phase_parse(cairn_sql_text(st, 6))));
      cairn_doc_attr(doc, "href", cairn_req_printf(
          req, "/patients/%lld/episodes/%lld", p.id, cairn_sql_int(st, 0)));
    }
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;

  /* The points grow with the rows: the arena zeroes what it hands out,
  ** and room for CHART_OBSERVATIONS_MAX up front was 320 KiB cleared per
  ** chart. */
  cap = CHART_POINTS_FIRST;
  pts = cairn_req_alloc(req, sizeof *pts * cap);
  PREPARE(st, SQL_CHART_OBSERVATIONS);
  BIND_OK(cairn_sql_bind_int(st, ":patient", p.id));
  BIND_OK(cairn_sql_bind_int(st, ":limit", CHART_OBSERVATIONS_MAX + 1));
  while ((rc = cairn_sql_step(st)) == 1) {
    chart_point *c;
    if (n == CHART_OBSERVATIONS_MAX) {
      cairn_doc_attr(doc, "truncated", "yes");
      break;
    }
    if (n == cap) {
      chart_point *more = cairn_req_alloc(req, sizeof *pts * cap * 2);
      memcpy(more, pts, sizeof *pts * n);
      pts = more;
      cap *= 2;
    }
    c = &pts[n];
    c->id = cairn_sql_int(st, 0);
    c->episode = cairn_sql_is_null(st, 1) ? 0 : cairn_sql_int(st, 1);
    c->instrument = cairn_req_strdup(req, cairn_sql_text(st, 2));
    c->effective = cairn_req_strdup(req, cairn_sql_text(st, 3));
    c->timepoint = cairn_req_strdup(req, cairn_sql_text(st, 4));
    c->score = cairn_sql_real(st, 5);
    c->by_patient = cairn_sql_int(st, 6) != 0;
    /* The schema admits only real dates, so this cannot fail; a row that
    ** somehow does is left off rather than drawn at a wrong place. */
    if (cairn_date_parse(c->effective, &c->days) != 0) continue;
    n++;
  }
  if (rc < 0) return CAIRN_EDB;

  {
    size_t n_marks = 0;
    marks = cairn_req_alloc(req, sizeof *marks * PROGRAM_MARKS_MAX);
    rc = program_marks_load(req, p.id, marks, PROGRAM_MARKS_MAX, &n_marks);
    if (rc != CAIRN_OK) return rc;
    nm = n_marks;
  }
  for (from = 0, i = 1; i <= n; i++) {
    if (i == n || strcmp(pts[i].instrument, pts[from].instrument) != 0) {
      chart_trajectory(req, doc, p.href, pts, from, i, marks, nm);
      from = i;
    }
  }
  rc = doc_in_error(req, doc, p.id);
  if (rc != CAIRN_OK) return rc;
  return cairn_respond_view(req, doc, "program/chart", 200);
}

/* ======================================================== instruments */

/*
** GET /instruments  ->  view program/instruments
**   <instruments>
**     <instrument id="peg" abbreviation="PEG" name="..." method="mean"
**                 factor= direction="lower-is-better" best="0" worst="10"
**                 max-missing="0" decimals="1" code="91148-7"
**                 code-system="http://loinc.org">
**       <source>Krebs EE ...</source>
**       <note>...</note>?
**       <item id="pain" label="..." min="0" max="10" step="1|any"/>*
**     </instrument>*
**   </instruments>
*/
int program_page_instruments(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "instruments");
  size_t i, j;
  for (i = 0; i < program_instruments->n; i++) {
    const instr_def *d = &program_instruments->defs[i];
    cairn_doc_open(doc, "instrument");
    cairn_doc_attr(doc, "id", d->id);
    cairn_doc_attr(doc, "abbreviation", d->abbreviation);
    cairn_doc_attr(doc, "name", d->name);
    cairn_doc_attr(doc, "method", method_name(d->method));
    if (d->method == INSTR_SUM_TIMES)
      cairn_doc_attr(doc, "factor", num(req, d->factor));
    cairn_doc_attr(doc, "direction", direction_name(d->direction));
    cairn_doc_attr(doc, "best", num(req, d->best));
    cairn_doc_attr(doc, "worst", num(req, d->worst));
    cairn_doc_attr(doc, "max-missing", program_fmt_int(req, d->max_missing));
    cairn_doc_attr(doc, "decimals", program_fmt_int(req, d->decimals));
    attr_if(doc, "code", d->code);
    attr_if(doc, "code-system", d->code_system);
    cairn_doc_text(doc, "source", d->source);
    if (d->note != NULL) cairn_doc_text(doc, "note", d->note);
    for (j = 0; j < d->n_items; j++) {
      const instr_item *it = &d->items[j];
      cairn_doc_open(doc, "item");
      cairn_doc_attr(doc, "id", it->id);
      cairn_doc_attr(doc, "label", it->label ? it->label : it->id);
      cairn_doc_attr(doc, "min", num(req, it->min));
      cairn_doc_attr(doc, "max", num(req, it->max));
      cairn_doc_attr(doc, "step", it->step > 0 ? num(req, it->step) : "any");
      cairn_doc_close(doc);
    }
    cairn_doc_close(doc);
  }
  return cairn_respond_view(req, doc, "program/instruments", 200);
}
