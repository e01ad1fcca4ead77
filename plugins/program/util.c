/*
** util.c -- small helpers the program plugin's pages share: error views,
** loading the patient of a URL, numbers as machine-readable text for
** views.  Dates, URL encoding and failures are the host's (the kit).
*/
#include "program.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Patients with an identifier value; the system lives in the body only. */
static const char SQL_PATIENTS_BY_IDENTIFIER[] =
    "SELECT record FROM p_program_patient"
    " WHERE identifier = :identifier AND status <> 'entered-in-error'"
    " ORDER BY record";

int program_identifier_taken(cairn_req *req, const char *system,
                             const char *value, long long *taken,
                             cairn_error *err) {
  cairn_stmt *st;
  int rc;
  *taken = 0;
  if (value == NULL || value[0] == '\0') return CAIRN_OK;
  if (system == NULL) system = "";
  st = cairn_sql_prepare(req, SQL_PATIENTS_BY_IDENTIFIER, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_text(st, ":identifier", value) != 0)
    return CAIRN_EINTERNAL;
  while ((rc = cairn_sql_step(st)) == 1) {
    long long id = cairn_sql_int(st, 0);
    const cairn_record *rec;
    cairn_error e2 = {0, "", ""};
    if (cairn_record_get(req, id, &rec, &e2) != CAIRN_OK) continue;
    if (strcmp(cairn_record_value(rec, "r:identifier/@system"), system) ==
        0) {
      *taken = id;
      return CAIRN_OK;
    }
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

static const char SQL_PATIENT[] =
    "SELECT identifier, name, gender, birth_date FROM p_program_patient"
    " WHERE record = :id AND status <> 'entered-in-error'";

int program_patient_load(cairn_req *req, program_patient *p,
                         cairn_error *err) {
  const char *param = cairn_req_param(req, "patient");
  cairn_stmt *st;
  char *end;
  long long id;
  int rc;

  memset(p, 0, sizeof *p);
  /* The route's pattern allows only 1-18 digits, so this cannot overflow;
  ** 0 is simply not a record. */
  if (param == NULL) {
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "route has no patient parameter");
  }
  id = strtoll(param, &end, 10);
  if (*end != '\0' || id <= 0) {
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL,
                      "There is no patient with id %s.", param);
  }
  st = cairn_sql_prepare(req, SQL_PATIENT, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":id", id) != 0) {
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "bind :id");
  }
  rc = cairn_sql_step(st);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "patient query");
  if (rc == 0) {
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL,
                      "There is no patient with id %lld.", id);
  }
  p->id = id;
  p->id_text = program_fmt_int(req, id);
  p->href = cairn_req_printf(req, "/patients/%lld", id);
  p->identifier = cairn_req_strdup(req, cairn_sql_text(st, 0));
  p->name = cairn_req_strdup(req, cairn_sql_text(st, 1));
  p->gender = cairn_req_strdup(req, cairn_sql_text(st, 2));
  p->birth_date = cairn_req_strdup(req, cairn_sql_text(st, 3));
  return CAIRN_OK;
}

/* Set attribute name to value unless value is empty. */
static void attr_nonempty(cairn_doc *doc, const char *name, const char *v) {
  if (v != NULL && v[0] != '\0') cairn_doc_attr(doc, name, v);
}

void program_doc_patient(cairn_doc *doc, const program_patient *p) {
  cairn_doc_open(doc, "patient");
  cairn_doc_attr(doc, "id", p->id_text);
  attr_nonempty(doc, "identifier", p->identifier);
  attr_nonempty(doc, "name", p->name);
  attr_nonempty(doc, "gender", p->gender);
  attr_nonempty(doc, "birth-date", p->birth_date);
  cairn_doc_attr(doc, "href", p->href);
  cairn_doc_close(doc);
}

long program_days(const char *date) {
  long d;
  return cairn_date_parse(date, &d) == 0 ? d : -1;
}

int program_timepoint_valid(const char *s) {
  size_t i, n;
  if (s == NULL) return 0;
  n = strlen(s);
  if (n < 1 || n > 32) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (i > 0) ok = ok || c == '.' || c == '_' || c == '-';
    if (!ok) return 0;
  }
  return 1;
}

size_t program_utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++) {
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  }
  return n;
}

const char *program_percent_text(cairn_req *req, double imp, double threshold,
                                 int reached) {
  double pct = imp * 100;
  if (!reached && floor(pct + 0.5) >= floor(threshold * 100 + 0.5))
    return cairn_req_printf(req, "%.1f%%", floor(pct * 10) / 10);
  return cairn_req_printf(req, "%.0f%%", pct);
}

const char *program_instrument_name(const char *id) {
  const instr_def *d = instr_find(program_instruments, id ? id : "");
  if (d == NULL) return id ? id : "";
  return d->abbreviation && d->abbreviation[0] ? d->abbreviation : d->name;
}

const char *program_score_text(cairn_req *req, const instr_def *d,
                               double v) {
  char buf[64];
  instr_format_score(d, v, buf, sizeof buf);
  return cairn_req_strdup(req, buf);
}

const char *program_fmt(cairn_req *req, double v, int decimals) {
  if (v == 0) v = 0;   /* no "-0.0" */
  return cairn_req_printf(req, "%.*f", decimals, v);
}

const char *program_money(cairn_req *req, double v) {
  return program_fmt(req, v, 2);
}

const char *program_fmt_int(cairn_req *req, long long v) {
  return cairn_req_printf(req, "%lld", v);
}

double program_nice_step(double lo, double hi, int target) {
  double range = hi - lo, raw, mag, f;
  if (!(range > 0) || target < 1) return 1;
  raw = range / target;
  mag = pow(10, floor(log10(raw)));
  f = raw / mag;
  if (f <= 1) f = 1;
  else if (f <= 2) f = 2;
  else if (f <= 5) f = 5;
  else f = 10;
  return f * mag;
}
