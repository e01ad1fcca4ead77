/*
** fhir.c -- the FHIR R4 export: patients, their records, the plugins'
** mapping views, one Bundle (docs/fhir.md).
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include "fhir.h"

/* Patients, by id: all of them, or the one asked for. */
static const char SQL_PATIENTS[] =
    "SELECT id FROM record WHERE patient = id AND (:p = 0 OR id = :p)"
    " ORDER BY id";

/* The newest version of each of a patient's records, in id order, with
** the time of its first version. */
static const char SQL_RECORDS[] =
    "SELECT r.id, r.type, r.patient, v.version, v.status, v.author,"
    " r.created, v.time, v.body"
    " FROM record r JOIN record_version v ON v.record = r.id"
    " WHERE r.patient = :p AND v.version ="
    "  (SELECT max(version) FROM record_version WHERE record = r.id)"
    " ORDER BY r.id";

/* Names of the <fhir:record> attributes, in SQL_RECORDS column order
** (body last). */
static const char *const record_attrs[] = {
    "id", "type", "patient", "version", "status", "author", "created",
    "updated"};
#define RECORD_BODY_COL 8

const char *cairn_fhir_view(const cairn_registry *reg, const char *type) {
  const cairn_rtype *t = cairn_registry_type(reg, type);
  if (!t || !t->plugin || !t->plugin->desc) return NULL;
  for (const cairn_fhir_map *m = t->plugin->desc->fhir; m && m->record_type;
       m++)
    if (strcmp(m->record_type, type) == 0) return m->view;
  return NULL;
}

int cairn_fhir_check_desc(const cairn_plugin *d, const char *file,
                          cairn_error *err) {
  if (d->size >= offsetof(cairn_plugin, references) + sizeof d->references)
    for (const cairn_reference *r = d->references; r && r->record_type; r++) {
      int own = 0;
      for (const cairn_record_type *t = d->record_types; t && t->name; t++)
        if (strcmp(t->name, r->record_type) == 0) own = 1;
      if (!own || !r->element || !r->element[0])
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "%s: refused: a record reference needs one of the "
                          "plugin's record types and an element", file);
    }
  if (d->size < offsetof(cairn_plugin, fhir) + sizeof d->fhir) return 0;
  for (const cairn_fhir_map *m = d->fhir; m && m->record_type; m++) {
    int own = 0;
    for (const cairn_record_type *t = d->record_types; t && t->name; t++)
      if (strcmp(t->name, m->record_type) == 0) own = 1;
    if (!own || !m->view || !m->view[0])
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: FHIR mapping of %s needs one of the "
                        "plugin's record types and a view", file,
                        m->record_type);
    for (const cairn_fhir_map *o = d->fhir; o < m; o++)
      if (strcmp(o->record_type, m->record_type) == 0)
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "%s: refused: two FHIR mappings of %s", file,
                          m->record_type);
  }
  return 0;
}

/* The export's state across patients. */
typedef struct fhir_out {
  FILE *out;
  const cairn_views *views;
  const cairn_fhir_query *q;
  const char *base;          /* fullUrl prefix, ends with '/' */
  xmlDocPtr holder;          /* <Bundle xmlns=FHIR>: entries are built in
                             ** it, serialized, then freed */
  xmlNsPtr ns;
  xmlBufferPtr buf;
  size_t n;
} fhir_out;

/* The patient's records as the views' input: <fhir:patient> with one
** <fhir:record> per record.  *mapped counts the records that qualify
** for the export (a view and, with --since, changed since then). */
static xmlDocPtr patient_doc(cairn_req *r, fhir_out *x, long long patient,
                             size_t *mapped, cairn_error *err) {
  char num[32];
  *mapped = 0;
  cairn_stmt *st = cairn_sql_prepare(r, SQL_RECORDS, err);
  if (!st || cairn_sql_bind_int(st, ":p", patient)) return NULL;
  xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewDocNode(d, NULL, BAD_CAST "patient", NULL);
  if (!d || !root) abort();
  xmlDocSetRootElement(d, root);
  xmlNsPtr ns = xmlNewNs(root, BAD_CAST CAIRN_FHIR_IN_NS, BAD_CAST "fhir");
  xmlSetNs(root, ns);
  snprintf(num, sizeof num, "%lld", patient);
  xmlSetProp(root, BAD_CAST "id", BAD_CAST num);
  xmlSetProp(root, BAD_CAST "base", BAD_CAST x->base);
  int step;
  while ((step = cairn_sql_step(st)) == 1) {
    xmlNodePtr rec = xmlNewChild(root, ns, BAD_CAST "record", NULL);
    if (!rec) abort();
    for (int c = 0; c < RECORD_BODY_COL; c++)
      xmlSetProp(rec, BAD_CAST record_attrs[c],
                 BAD_CAST cairn_sql_text(st, c));
    const char *body = cairn_sql_text(st, RECORD_BODY_COL);
    cairn_error perr = {0};
    xmlDocPtr b = cairn_xml_parse(body, strlen(body), &perr);
    if (!b) {
      xmlFreeDoc(d);
      cairn_fail(err, CAIRN_EINTERNAL, NULL,
                 "record %s: the stored body does not parse: %s",
                 cairn_sql_text(st, 0), perr.message);
      return NULL;
    }
    xmlNodePtr copy = xmlDocCopyNode(xmlDocGetRootElement(b), d, 1);
    xmlFreeDoc(b);
    if (!copy) abort();
    xmlAddChild(rec, copy);
    const char *type = cairn_sql_text(st, 1);
    if (cairn_fhir_view(r->reg, type) &&
        (!x->q->since || strcmp(cairn_sql_text(st, 7), x->q->since) >= 0))
      (*mapped)++;
    else
      xmlSetProp(rec, BAD_CAST "context", BAD_CAST "1");
  }
  if (step < 0) {
    xmlFreeDoc(d);
    cairn_fail(err, CAIRN_EDB, NULL, "reading patient %lld's records failed",
               patient);
    return NULL;
  }
  return d;
}

/* The text of the first child element `name` of n, its value attribute
** (FHIR primitives), or NULL. */
static xmlChar *fhir_value(xmlNodePtr n, const char *name) {
  for (xmlNodePtr c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
      return xmlGetProp(c, BAD_CAST "value");
  return NULL;
}

/* Write one resource (an element of the view's output) as an entry. */
static int write_entry(fhir_out *x, xmlNodePtr res, const char *rec_id,
                       cairn_error *err) {
  xmlChar *id = fhir_value(res, "id");
  if (!id || !res->ns || !xmlStrEqual(res->ns->href, BAD_CAST CAIRN_FHIR_NS)) {
    xmlFree(id);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "record %s: the FHIR view made a %s without an id "
                      "or outside the FHIR namespace", rec_id, res->name);
  }
  xmlNodePtr entry = xmlNewDocNode(x->holder, x->ns, BAD_CAST "entry", NULL);
  if (!entry) abort();
  xmlAddChild(xmlDocGetRootElement(x->holder), entry);
  xmlNodePtr url = xmlNewChild(entry, x->ns, BAD_CAST "fullUrl", NULL);
  char *full = malloc(strlen(x->base) + xmlStrlen(res->name) +
                      (size_t)xmlStrlen(id) + 2);
  if (!url || !full) abort();
  sprintf(full, "%s%s/%s", x->base, (const char *)res->name,
          (const char *)id);
  xmlSetProp(url, BAD_CAST "value", BAD_CAST full);
  free(full);
  xmlFree(id);
  xmlNodePtr wrap = xmlNewChild(entry, x->ns, BAD_CAST "resource", NULL);
  xmlNodePtr copy = xmlDocCopyNode(res, x->holder, 1);
  if (!wrap || !copy) abort();
  xmlAddChild(wrap, copy);
  xmlReconciliateNs(x->holder, entry);

  if (cairn_xml_write_line(x->out, x->buf, entry) != 0)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "record %s: cannot serialize its FHIR entry", rec_id);
  x->n++;
  return 0;
}

/* Map one record with its type's view and write what it makes. */
static int map_record(fhir_out *x, xmlDocPtr in, xmlNodePtr rec,
                      const char *view, cairn_error *err) {
  xmlChar *id = xmlGetProp(rec, BAD_CAST "id");
  /* views apply user parameters as literal strings (xsltQuoteUserParams) */
  const char *params[] = {"record", id ? (const char *)id : "", NULL};
  if (!cairn_views_has(x->views, view)) {
    cairn_fail(err, CAIRN_EINTERNAL, NULL,
               "record %s: no FHIR view named %s is installed",
               (const char *)id, view);
    xmlFree(id);
    return CAIRN_EINTERNAL;
  }
  cairn_error verr = {0};
  xmlDocPtr res = cairn_views_apply(x->views, view, in, params, &verr);
  int rc = 0;
  if (!res) {
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL, "record %s: %s",
                    (const char *)id, verr.message);
  } else {
    xmlNodePtr root = xmlDocGetRootElement(res);
    for (xmlNodePtr c = root ? root->children : NULL; c && !rc; c = c->next)
      if (c->type == XML_ELEMENT_NODE)
        rc = write_entry(x, c, (const char *)id, err);
    xmlFreeDoc(res);
  }
  xmlFree(id);
  return rc;
}

/* One patient, read and mapped by its own request. */
static int export_patient(cairn_req *req, fhir_out *x, long long patient,
                          cairn_error *err) {
  cairn_arena *a = cairn_arena_new();
  cairn_req *r = cairn_req_new(a, req->cfg, req->reg, req->store);
  size_t mapped = 0;
  int rc = 0;
  xmlDocPtr in = patient_doc(r, x, patient, &mapped, err);
  if (!in) rc = err->code ? err->code : CAIRN_EINTERNAL;
  for (xmlNodePtr rec = in && mapped ? xmlDocGetRootElement(in)->children
                                     : NULL;
       rec && !rc; rec = rec->next) {
    if (rec->type != XML_ELEMENT_NODE) continue;
    xmlChar *ctx = xmlGetProp(rec, BAD_CAST "context");
    xmlChar *type = xmlGetProp(rec, BAD_CAST "type");
    const char *view = cairn_fhir_view(r->reg, (const char *)type);
    /* The Patient goes whenever anything of theirs does. */
    int is_patient = 0;
    const cairn_rtype *t = cairn_registry_type(r->reg, (const char *)type);
    if (t && (t->decl->flags & CAIRN_RT_PATIENT)) is_patient = 1;
    if (view && (!ctx || is_patient)) rc = map_record(x, in, rec, view, err);
    xmlFree(ctx);
    xmlFree(type);
  }
  if (in) xmlFreeDoc(in);
  cairn_arena_free(a);
  return rc;
}

int cairn_fhir_export(cairn_req *req, const cairn_views *views,
                      const cairn_fhir_query *q, FILE *out, size_t *n,
                      cairn_error *err) {
  fhir_out x;
  memset(&x, 0, sizeof x);
  x.out = out;
  x.views = views;
  x.q = q;
  if (n) *n = 0;
  const char *pub = req->cfg->public_url;
  x.base = pub && pub[0]
               ? cairn_arena_printf(req->arena, "%s%sfhir/", pub,
                                    pub[strlen(pub) - 1] == '/' ? "" : "/")
               : CAIRN_FHIR_BASE_DEFAULT;

  /* The patients first (a short list of ids), then one request each. */
  long long *ids = NULL;
  size_t n_ids = 0, cap = 0;
  cairn_stmt *st = cairn_sql_prepare(req, SQL_PATIENTS, err);
  if (!st || cairn_sql_bind_int(st, ":p", q->patient))
    return err->code ? err->code : CAIRN_EINTERNAL;
  int step;
  while ((step = cairn_sql_step(st)) == 1) {
    if (n_ids == cap) {
      cap = cap ? cap * 2 : 64;
      ids = realloc(ids, cap * sizeof *ids);
      if (!ids) abort();
    }
    ids[n_ids++] = cairn_sql_int(st, 0);
  }
  if (step < 0) {
    free(ids);
    return cairn_fail(err, CAIRN_EDB, NULL, "reading the patients failed");
  }
  if (q->patient && n_ids == 0) {
    free(ids);
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "no patient %lld",
                      q->patient);
  }

  x.holder = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewDocNode(x.holder, NULL, BAD_CAST "Bundle", NULL);
  x.buf = xmlBufferCreate();
  if (!x.holder || !root || !x.buf) abort();
  xmlDocSetRootElement(x.holder, root);
  x.ns = xmlNewNs(root, BAD_CAST CAIRN_FHIR_NS, NULL);
  xmlSetNs(root, x.ns);
  x.holder->encoding = xmlStrdup(BAD_CAST "UTF-8");

  char now[32], bid[48];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
  strftime(bid, sizeof bid, "export-%Y%m%dT%H%M%SZ", &tm);
  fprintf(out,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<Bundle xmlns=\"" CAIRN_FHIR_NS "\">\n"
          "  <id value=\"%s\"/>\n"
          "  <meta><lastUpdated value=\"%s\"/></meta>\n"
          "  <type value=\"collection\"/>\n"
          "  <timestamp value=\"%s\"/>\n", bid, now, now);
  int rc = 0;
  for (size_t i = 0; i < n_ids && !rc; i++)
    rc = export_patient(req, &x, ids[i], err);
  fputs("</Bundle>\n", out);
  free(ids);
  xmlBufferFree(x.buf);
  xmlFreeDoc(x.holder);
  if (n) *n = x.n;
  return rc;
}
