/*
** csvmap.c -- the column mapping of schemas/csvmap.xsd: loading and
** validating a mapping file, the records it names, and binding its columns
** to a sheet's header (cairn_csvmap_* in csvimport.h).
*/
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "csv_int.h"

/* =============================================================== mapping */

static int map_el(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns &&
         strcmp((const char *)n->ns->href, CSVMAP_NS) == 0 &&
         strcmp((const char *)n->name, name) == 0;
}

/* A malloc'd copy of attribute `name`, or NULL. */
static char *map_attr(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
  if (!v) return NULL;
  char *d = csv_xstrdup((const char *)v);
  xmlFree(v);
  return d;
}

/* Fill a coded column (gender, cohort) from its element. */
static int map_coded(xmlNodePtr el, cairn_csvmap_coded *c, const char *path,
                     cairn_error *err) {
  c->column = map_attr(el, "column");
  c->col = -1;
  size_t n = 0;
  for (xmlNodePtr v = el->children; v; v = v->next) n += map_el(v, "value");
  c->values = calloc(n + 1, sizeof *c->values);
  if (!c->values) abort();
  for (xmlNodePtr v = el->children; v; v = v->next) {
    if (!map_el(v, "value")) continue;
    cairn_csvmap_value *cv = &c->values[c->n_values++];
    cv->from = map_attr(v, "from");
    cv->to = map_attr(v, "to");
    if (!cv->from || !cv->to)
      return cairn_fail(err, CAIRN_EINVAL, "value",
                        "%s:%ld: <value> needs from= and to=", path,
                        xmlGetLineNo(v));
  }
  if (!c->column || !c->n_values)
    return cairn_fail(err, CAIRN_EINVAL, (const char *)el->name,
                      "%s:%ld: <%s> needs column= and at least one <value>",
                      path, xmlGetLineNo(el), (const char *)el->name);
  return 0;
}

static int map_observation(xmlNodePtr el, cairn_csvmap_obs *o,
                           const char *path, cairn_error *err) {
  o->instrument = map_attr(el, "instrument");
  o->timepoint = map_attr(el, "timepoint");
  char *off = map_attr(el, "offset-days");
  if (!o->instrument || !o->timepoint || !off) {
    free(off);
    return cairn_fail(err, CAIRN_EINVAL, "observation",
                      "%s:%ld: <observation> needs instrument=, timepoint= "
                      "and offset-days=", path, xmlGetLineNo(el));
  }
  char *end;
  o->offset_days = strtol(off, &end, 10);
  int bad = *off == 0 || *end != 0;
  free(off);
  if (bad)
    return cairn_fail(err, CAIRN_EINVAL, "observation",
                      "%s:%ld: offset-days must be a whole number of days",
                      path, xmlGetLineNo(el));
  size_t n = 0;
  for (xmlNodePtr a = el->children; a; a = a->next) n += map_el(a, "answer");
  o->answers = calloc(n + 1, sizeof *o->answers);
  if (!o->answers) abort();
  for (xmlNodePtr a = el->children; a; a = a->next) {
    if (!map_el(a, "answer")) continue;
    cairn_csvmap_answer *an = &o->answers[o->n_answers++];
    an->item = map_attr(a, "item");
    an->column = map_attr(a, "column");
    an->col = -1;
    if (!an->item || !an->column)
      return cairn_fail(err, CAIRN_EINVAL, "answer",
                        "%s:%ld: <answer> needs item= and column=", path,
                        xmlGetLineNo(a));
  }
  if (!o->n_answers)
    return cairn_fail(err, CAIRN_EINVAL, "observation",
                      "%s:%ld: <observation> needs at least one <answer>",
                      path, xmlGetLineNo(el));
  return 0;
}

/* Fill one record of <records>: type, namespace, root element. */
static int map_record(xmlNodePtr el, cairn_csvmap_record *r, const char *path,
                      cairn_error *err) {
  r->type = map_attr(el, "type");
  r->ns = map_attr(el, "namespace");
  r->element = map_attr(el, "element");
  if (!r->type || !strchr(r->type, ':') || !r->ns || !r->element)
    return cairn_fail(err, CAIRN_EINVAL, (const char *)el->name,
                      "%s:%ld: <records><%s> needs type=, namespace= and "
                      "element=", path, xmlGetLineNo(el),
                      (const char *)el->name);
  return 0;
}

/* Fill the records and the elements they fill from <records>. */
static int map_records(cairn_csvmap *m, xmlNodePtr el, const char *path,
                       cairn_error *err) {
  cairn_csvmap_fills *f = &m->fills;
  int rc;
  for (xmlNodePtr n = el->children; n; n = n->next) {
    if (map_el(n, "patient")) {
      if ((rc = map_record(n, &m->patient_rec, path, err))) return rc;
      f->identifier = map_attr(n, "identifier");
      f->name = map_attr(n, "name");
      f->gender = map_attr(n, "gender");
      f->identifier_column = map_attr(n, "identifier-column");
    } else if (map_el(n, "episode")) {
      if ((rc = map_record(n, &m->episode_rec, path, err))) return rc;
      f->status = map_attr(n, "status");
      f->cohort = map_attr(n, "cohort");
      f->start = map_attr(n, "start");
      f->primary_instrument = map_attr(n, "primary-instrument");
    } else if (map_el(n, "observation")) {
      if ((rc = map_record(n, &m->obs_rec, path, err))) return rc;
      f->episode = map_attr(n, "episode");
      f->instrument = map_attr(n, "instrument");
      f->effective = map_attr(n, "effective");
      f->timepoint = map_attr(n, "timepoint");
      f->answer = map_attr(n, "answer");
      f->item = map_attr(n, "item");
    }
  }
  const char *const all[] = {
    f->identifier, f->name, f->gender, f->identifier_column, f->status,
    f->cohort, f->start, f->primary_instrument, f->episode, f->instrument,
    f->effective, f->timepoint, f->answer, f->item };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (!all[i] || !m->patient_rec.type || !m->episode_rec.type ||
        !m->obs_rec.type)
      return cairn_fail(err, CAIRN_EINVAL, "records",
                        "%s:%ld: <records> needs <patient>, <episode> and "
                        "<observation> with every element they fill named",
                        path, xmlGetLineNo(el));
  return 0;
}

/* Fill m from the document's root.  The schema has already said the
** shape is right; the checks here keep a bad document from crashing a
** caller that skipped validation. */
static int map_fill(cairn_csvmap *m, xmlNodePtr root, const char *path,
                    cairn_error *err) {
  int rc;
  if (!root || !map_el(root, "csvmap"))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: the root element must be <csvmap xmlns=\"%s\">",
                      path, CSVMAP_NS);
  m->id_col = m->start_col = -1;
  m->gender.col = m->cohort.col = -1;
  size_t nobs = 0;
  for (xmlNodePtr n = root->children; n; n = n->next)
    nobs += map_el(n, "observation");
  m->obs = calloc(nobs + 1, sizeof *m->obs);
  if (!m->obs) abort();
  int have_records = 0;
  for (xmlNodePtr n = root->children; n; n = n->next) {
    if (map_el(n, "records")) {
      if ((rc = map_records(m, n, path, err))) return rc;
      have_records = 1;
    } else if (map_el(n, "patient")) {
      m->id_column = map_attr(n, "column");
      m->id_system = map_attr(n, "system");
      m->name_format = map_attr(n, "name");
      for (xmlNodePtr g = n->children; g; g = g->next)
        if (map_el(g, "gender") && (rc = map_coded(g, &m->gender, path, err)))
          return rc;
    } else if (map_el(n, "episode")) {
      m->primary_instrument = map_attr(n, "primary-instrument");
      m->episode_status = map_attr(n, "status");
      for (xmlNodePtr e = n->children; e; e = e->next) {
        if (map_el(e, "cohort")) {
          if ((rc = map_coded(e, &m->cohort, path, err))) return rc;
        } else if (map_el(e, "start")) {
          m->start_column = map_attr(e, "column");
          m->date_format = map_attr(e, "format");
        }
      }
    } else if (map_el(n, "observation")) {
      if ((rc = map_observation(n, &m->obs[m->n_obs++], path, err)))
        return rc;
    }
  }
  if (!m->episode_status) m->episode_status = csv_xstrdup("active");
  if (!have_records)
    return cairn_fail(err, CAIRN_EINVAL, "records",
                      "%s: <records> must name the records the rows become",
                      path);
  if (!m->id_column || !m->id_system || !m->name_format)
    return cairn_fail(err, CAIRN_EINVAL, "patient",
                      "%s: <patient> needs column=, system= and name=", path);
  if (!strstr(m->name_format, "{id}"))
    return cairn_fail(err, CAIRN_EINVAL, "patient",
                      "%s: the patient name must contain {id}", path);
  if (!m->cohort.column || !m->start_column || !m->date_format ||
      !m->primary_instrument)
    return cairn_fail(err, CAIRN_EINVAL, "episode",
                      "%s: <episode> needs primary-instrument=, <cohort> and "
                      "<start column= format=>", path);
  return 0;
}

int cairn_csvmap_from_doc(xmlDocPtr doc, const char *path,
                          cairn_csvmap **out, cairn_error *err) {
  cairn_csvmap *m = calloc(1, sizeof *m);
  if (!m) abort();
  m->path = csv_xstrdup(path);
  int rc = map_fill(m, xmlDocGetRootElement(doc), path, err);
  if (rc) {
    cairn_csvmap_free(m);
    return rc;
  }
  *out = m;
  return 0;
}

int cairn_csvmap_load(const char *path, const char *schemas_dir,
                      cairn_csvmap **out, cairn_error *err) {
  char xsd[4096];
  snprintf(xsd, sizeof xsd, "%s/csvmap.xsd", schemas_dir);
  xmlSchemaPtr schema = cairn_xml_schema_load(xsd, err);
  if (!schema) return err && err->code ? err->code : CAIRN_EINTERNAL;
  xmlDocPtr doc = cairn_xml_parse_file(path, err);
  int rc = doc ? 0 : (err && err->code ? err->code : CAIRN_EINVAL);
  if (!rc && cairn_xml_validate(schema, doc, err)) {
    char msg[sizeof err->message], field[sizeof err->field];
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(field, sizeof field, "%s", err->field);
    rc = cairn_fail(err, CAIRN_EINVAL, field, "%s: %s", path, msg);
  }
  if (!rc) rc = cairn_csvmap_from_doc(doc, path, out, err);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  return rc;
}

static void coded_free(cairn_csvmap_coded *c) {
  free(c->column);
  for (size_t i = 0; i < c->n_values; i++) {
    free(c->values[i].from);
    free(c->values[i].to);
  }
  free(c->values);
}

static void record_free(cairn_csvmap_record *r) {
  free(r->type);
  free(r->ns);
  free(r->element);
}

static void fills_free(cairn_csvmap_fills *f) {
  char *const all[] = {
    f->identifier, f->name, f->gender, f->identifier_column, f->status,
    f->cohort, f->start, f->primary_instrument, f->episode, f->instrument,
    f->effective, f->timepoint, f->answer, f->item };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
}

void cairn_csvmap_free(cairn_csvmap *m) {
  if (!m) return;
  free(m->path);
  record_free(&m->patient_rec);
  record_free(&m->episode_rec);
  record_free(&m->obs_rec);
  fills_free(&m->fills);
  free(m->id_column);
  free(m->id_system);
  free(m->name_format);
  coded_free(&m->gender);
  free(m->episode_status);
  free(m->primary_instrument);
  coded_free(&m->cohort);
  free(m->start_column);
  free(m->date_format);
  for (size_t i = 0; i < m->n_obs; i++) {
    cairn_csvmap_obs *o = &m->obs[i];
    free(o->instrument);
    free(o->timepoint);
    for (size_t k = 0; k < o->n_answers; k++) {
      free(o->answers[k].item);
      free(o->answers[k].column);
    }
    free(o->answers);
  }
  free(m->obs);
  free(m);
}

/* The header index of `name` into *col. */
static int bind_column(const char *name, const char *const *header, size_t n,
                       int *col, cairn_error *err) {
  *col = -1;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(header[i], name) != 0) continue;
    if (*col >= 0)
      return cairn_fail(err, CAIRN_EINVAL, name,
                        "the header names column '%s' twice (fields %d and "
                        "%zu), so the mapping is ambiguous", name, *col + 1,
                        i + 1);
    *col = (int)i;
  }
  if (*col < 0)
    return cairn_fail(err, CAIRN_EINVAL, name,
                      "the mapping names column '%s', which is not in the "
                      "header", name);
  return 0;
}

int cairn_csvmap_bind(cairn_csvmap *m, const char *const *header, size_t n,
                      cairn_error *err) {
  int rc;
  if ((rc = bind_column(m->id_column, header, n, &m->id_col, err))) return rc;
  if (m->gender.column &&
      (rc = bind_column(m->gender.column, header, n, &m->gender.col, err)))
    return rc;
  if ((rc = bind_column(m->cohort.column, header, n, &m->cohort.col, err)))
    return rc;
  if ((rc = bind_column(m->start_column, header, n, &m->start_col, err)))
    return rc;
  for (size_t i = 0; i < m->n_obs; i++)
    for (size_t k = 0; k < m->obs[i].n_answers; k++) {
      cairn_csvmap_answer *a = &m->obs[i].answers[k];
      if ((rc = bind_column(a->column, header, n, &a->col, err))) return rc;
    }
  return 0;
}

