/*
** bundle.c -- `cairn export` and `cairn import`: every version of every
** record as one XML file (schemas/bundle.xsd), and back.
**
** ROUND TRIP.  export -> import into a new database -> export gives the
** same records:
**
**   - Order.  Export lists versions in the order they were written (the
**     rowid of record_version, which only grows: versions are never
**     updated or deleted, and VACUUM keeps their relative order).  Import
**     replays them in that order, so a record's earlier versions, its
**     patient and every record its body refers to already exist when it
**     is written.
**
**   - Ids.  The store numbers records max(id) + 1 and never deletes one,
**     so a database's ids are 1..N in creation order; replaying into an
**     empty database therefore gives every record its old id.  Importing
**     into a database that already holds records shifts them, so import
**     keeps a map, old id -> new id, filled as each version 1 is created
**     (id_map below), and rewrites through it (a) the envelope's patient
**     attribute, before the record is written, and (b) the body elements
**     that hold record ids, as the plugins declare them
**     (cairn_plugin.references; an Observation's
**     <episode>).  A reference to an id not yet in the map is refused:
**     the bundle is not in write order, or is missing a record.
**
**   - Versions.  Version 1 is cairn_store_create (status must be
**     "active", the only status a new record gets); version k > 1 is
**     cairn_store_revise with expected version k - 1 and the bundle's
**     status, so withdrawn records stay withdrawn.
**
**   - Bodies.  Each body is written as exported, validated against its
**     type's schema and run through its check hook again (which, being
**     deterministic, recomputes what it computed the first time), and
**     projections are rebuilt by the store, so reports read the same.
**
**   - Envelope.  type, version, status and author are kept (the request's
**     actor is set to the version's author, and req->record_time to its
**     time, while it is written), so a re-export equals the first export
**     but for remapped ids.
*/
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlsave.h>

#include "bundle.h"

/* The highest version row when the export begins: the export's snapshot. */
static const char SQL_LAST_VERSION_ROW[] =
    "SELECT coalesce(max(rowid), 0) FROM record_version";

/* One batch of versions after :after, up to :last, in write order. */
static const char SQL_VERSIONS[] =
    "SELECT v.rowid, v.record, r.type, r.patient, v.version, v.status,"
    " v.author, v.time, v.body"
    " FROM record_version v JOIN record r ON r.id = v.record"
    " WHERE v.rowid > :after AND v.rowid <= :last"
    " ORDER BY v.rowid LIMIT :batch";

/* ================================================================ export */

typedef struct export_ctx {
  FILE *out;
  xmlDocPtr holder;          /* <bundle xmlns=...>: gives <record> its
                             ** namespace while it is serialized */
  xmlNsPtr ns;
  xmlBufferPtr buf;
  size_t n;
} export_ctx;

/* Serialize one version as a <record> line. */
static int export_version(export_ctx *x, cairn_stmt *st, cairn_error *err) {
  char num[32];
  long long id = cairn_sql_int(st, 1), patient = cairn_sql_int(st, 3);
  int version = (int)cairn_sql_int(st, 4);
  const char *body_text = cairn_sql_text(st, 8);
  cairn_error perr = {0};
  xmlDocPtr body = cairn_xml_parse(body_text, strlen(body_text), &perr);
  if (!body)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "record %lld version %d: the stored body does not "
                      "parse: %s", id, version, perr.message);

  xmlNodePtr rec = xmlNewDocNode(x->holder, x->ns, BAD_CAST "record", NULL);
  if (!rec) abort();
  xmlAddChild(xmlDocGetRootElement(x->holder), rec);
  snprintf(num, sizeof num, "%lld", id);
  xmlSetProp(rec, BAD_CAST "id", BAD_CAST num);
  xmlSetProp(rec, BAD_CAST "type", BAD_CAST cairn_sql_text(st, 2));
  snprintf(num, sizeof num, "%lld", patient);
  xmlSetProp(rec, BAD_CAST "patient", BAD_CAST num);
  snprintf(num, sizeof num, "%d", version);
  xmlSetProp(rec, BAD_CAST "version", BAD_CAST num);
  xmlSetProp(rec, BAD_CAST "status", BAD_CAST cairn_sql_text(st, 5));
  xmlSetProp(rec, BAD_CAST "author", BAD_CAST cairn_sql_text(st, 6));
  xmlSetProp(rec, BAD_CAST "time", BAD_CAST cairn_sql_text(st, 7));
  xmlNodePtr copy = xmlDocCopyNode(xmlDocGetRootElement(body), x->holder, 1);
  xmlFreeDoc(body);
  if (!copy) abort();
  xmlAddChild(rec, copy);

  /* The serializer escapes every text and attribute; the body keeps its
  ** own namespace declaration, <record> inherits the bundle's. */
  if (cairn_xml_write_line(x->out, x->buf, rec) != 0)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "record %lld version %d: cannot serialize", id,
                      version);
  x->n++;
  return 0;
}

/* One batch, read by its own request so that its arena (the copied rows,
** the statement) is freed with it.  *after advances; *got counts rows. */
static int export_batch(cairn_req *req, export_ctx *x, long long *after,
                        long long last, size_t *got, cairn_error *err) {
  cairn_arena *a = cairn_arena_new();
  cairn_req *r = cairn_req_new(a, req->cfg, req->reg, req->store);
  int rc = 0, step;
  *got = 0;
  cairn_stmt *st = cairn_sql_prepare(r, SQL_VERSIONS, err);
  if (!st || cairn_sql_bind_int(st, ":after", *after) ||
      cairn_sql_bind_int(st, ":last", last) ||
      cairn_sql_bind_int(st, ":batch", CAIRN_BUNDLE_EXPORT_BATCH)) {
    rc = err->code ? err->code : CAIRN_EINTERNAL;
    goto done;
  }
  while ((step = cairn_sql_step(st)) == 1) {
    if ((rc = export_version(x, st, err))) goto done;
    *after = cairn_sql_int(st, 0);
    (*got)++;
  }
  if (step < 0)
    rc = cairn_fail(err, CAIRN_EDB, NULL, "reading the records failed");
done:
  cairn_arena_free(a);
  return rc;
}

int cairn_bundle_export(cairn_req *req, FILE *out, size_t *n,
                        cairn_error *err) {
  export_ctx x;
  long long after = 0, last = 0;
  size_t got;
  int rc = 0, step;
  memset(&x, 0, sizeof x);
  if (n) *n = 0;

  /* The snapshot: versions written after this are not part of the export
  ** (rows never change once written, so later batches see the same ones). */
  cairn_arena *a = cairn_arena_new();
  cairn_req *r = cairn_req_new(a, req->cfg, req->reg, req->store);
  cairn_stmt *st = cairn_sql_prepare(r, SQL_LAST_VERSION_ROW, err);
  if (!st) rc = err->code ? err->code : CAIRN_EINTERNAL;
  else if ((step = cairn_sql_step(st)) == 1) last = cairn_sql_int(st, 0);
  else rc = cairn_fail(err, CAIRN_EDB, NULL, "reading the records failed");
  cairn_arena_free(a);
  if (rc) return rc;

  x.out = out;
  x.holder = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewDocNode(x.holder, NULL, BAD_CAST "bundle", NULL);
  x.buf = xmlBufferCreate();
  if (!x.holder || !root || !x.buf) abort();
  xmlDocSetRootElement(x.holder, root);
  x.ns = xmlNewNs(root, BAD_CAST CAIRN_BUNDLE_NS, NULL);
  xmlSetNs(root, x.ns);
  /* Declared UTF-8, attribute values keep their characters as they are
  ** (else libxml2 writes "&#xEB;" for an author named Zoë). */
  x.holder->encoding = xmlStrdup(BAD_CAST "UTF-8");

  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<bundle xmlns=\"" CAIRN_BUNDLE_NS "\" version=\"1\">\n", out);
  do {
    rc = export_batch(req, &x, &after, last, &got, err);
  } while (!rc && got == CAIRN_BUNDLE_EXPORT_BATCH);
  fputs("</bundle>\n", out);
  xmlBufferFree(x.buf);
  xmlFreeDoc(x.holder);
  if (n) *n = x.n;
  return rc;
}

/* ================================================================ import */

/* Old id -> new id, with what import needs to check the next version. */
typedef struct id_entry {
  long long old_id;          /* 0: empty slot */
  long long new_id;
  long long old_patient;     /* the bundle's patient attribute */
  int version;               /* the last version imported */
} id_entry;

typedef struct id_map { id_entry *slot; size_t cap, n; } id_map;

static size_t id_slot(const id_map *m, long long id) {
  unsigned long long h = (unsigned long long)id * 0x9E3779B97F4A7C15ULL;
  size_t k = (size_t)(h >> 17) & (m->cap - 1);
  while (m->slot[k].old_id && m->slot[k].old_id != id)
    k = (k + 1) & (m->cap - 1);
  return k;
}

static id_entry *id_get(const id_map *m, long long id) {
  if (!m->cap) return NULL;
  id_entry *e = &m->slot[id_slot(m, id)];
  return e->old_id ? e : NULL;
}

/* Add an entry for old id `id` (not present); the map doubles when half
** full. */
static id_entry *id_put(id_map *m, long long id) {
  if (2 * (m->n + 1) > m->cap) {
    id_map big = {calloc(m->cap ? 2 * m->cap : 1024, sizeof(id_entry)),
                  m->cap ? 2 * m->cap : 1024, m->n};
    if (!big.slot) abort();
    for (size_t i = 0; i < m->cap; i++)
      if (m->slot[i].old_id) big.slot[id_slot(&big, m->slot[i].old_id)] =
                                 m->slot[i];
    free(m->slot);
    *m = big;
  }
  id_entry *e = &m->slot[id_slot(m, id)];
  e->old_id = id;
  m->n++;
  return e;
}

/* An attribute of a <record> (validated by bundle.xsd, so present). */
static const char *rec_attr(xmlNodePtr n, const char *name, char *buf,
                            size_t size) {
  xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
  snprintf(buf, size, "%s", v ? (const char *)v : "");
  xmlFree(v);
  return buf;
}

/* Rewrite the ids in the body elements that the loaded plugins declare as
** references to other records (cairn_plugin.references). */
static int remap_body(const cairn_registry *reg, const id_map *m,
                      const char *type, xmlNodePtr body, cairn_error *err) {
  for (size_t p = 0; p < reg->n_plugins; p++)
  for (const cairn_reference *r = reg->plugins[p].desc->references;
       r && r->record_type; r++) {
    if (strcmp(r->record_type, type) != 0) continue;
    for (xmlNodePtr k = body->children; k; k = k->next) {
      if (k->type != XML_ELEMENT_NODE || !k->ns || !body->ns ||
          !xmlStrEqual(k->ns->href, body->ns->href) ||
          strcmp((const char *)k->name, r->element) != 0)
        continue;
      xmlChar *t = xmlNodeGetContent(k);
      char *end;
      long long old = strtoll(t ? (const char *)t : "", &end, 10);
      int ok = t && *t && !*end && old > 0;
      xmlFree(t);
      if (!ok)
        return cairn_fail(err, CAIRN_EINVAL, r->element,
                          "<%s> does not hold a record id", r->element);
      const id_entry *e = id_get(m, old);
      if (!e)
        return cairn_fail(err, CAIRN_EINVAL, r->element,
                          "<%s> refers to record %lld, which is not earlier "
                          "in the bundle", r->element, old);
      char num[32];
      snprintf(num, sizeof num, "%lld", e->new_id);
      xmlNodeSetContent(k, BAD_CAST num);
    }
  }
  return 0;
}

/* Write one <record>: its body copied into a document of its own. */
static int import_record(cairn_req *req, id_map *m, xmlNodePtr rec,
                         size_t *records, cairn_error *err) {
  char buf[256], type[128], status[64], author[256];
  long long id = strtoll(rec_attr(rec, "id", buf, sizeof buf), NULL, 10);
  long long patient =
      strtoll(rec_attr(rec, "patient", buf, sizeof buf), NULL, 10);
  int version = atoi(rec_attr(rec, "version", buf, sizeof buf));
  rec_attr(rec, "type", type, sizeof type);
  rec_attr(rec, "status", status, sizeof status);
  rec_attr(rec, "author", author, sizeof author);
  char rtime[40];
  rec_attr(rec, "time", rtime, sizeof rtime);

  const cairn_rtype *rt = cairn_registry_type(req->reg, type);
  if (!rt)
    return cairn_fail(err, CAIRN_EINVAL, "type", "no loaded plugin declares "
                      "record type %s (is its plugin in the config?)", type);
  xmlNodePtr src = rec->children;
  while (src && src->type != XML_ELEMENT_NODE) src = src->next;
  if (!src) return cairn_fail(err, CAIRN_EINVAL, NULL, "no body");

  /* The patient, in this database's ids. */
  long long new_patient = 0;
  if (rt->decl->flags & CAIRN_RT_PATIENT) {
    if (patient != id)
      return cairn_fail(err, CAIRN_EINVAL, "patient", "a %s record is its "
                        "own patient, but patient=\"%lld\"", type, patient);
  } else if (patient > 0) {
    const id_entry *p = id_get(m, patient);
    if (!p)
      return cairn_fail(err, CAIRN_EINVAL, "patient", "patient %lld is not "
                        "earlier in the bundle", patient);
    new_patient = p->new_id;
  }

  id_entry *e = id_get(m, id);
  if (version == 1 && e)
    return cairn_fail(err, CAIRN_EINVAL, "version", "version 1 appears "
                      "twice");
  if (version == 1 && strcmp(status, "active") != 0)
    return cairn_fail(err, CAIRN_EINVAL, "status", "version 1 must be "
                      "\"active\" (a record starts active; a later version "
                      "changes its status)");
  if (version > 1 && (!e || e->version != version - 1))
    return cairn_fail(err, CAIRN_EINVAL, "version", "version %d comes "
                      "before version %d of this record", version,
                      version - 1);
  if (version > 1 && e->old_patient != patient)
    return cairn_fail(err, CAIRN_EINVAL, "patient", "patient %lld differs "
                      "from version 1's patient %lld", patient,
                      e->old_patient);

  xmlDocPtr body = xmlNewDoc(BAD_CAST "1.0");
  if (!body) abort();
  /* The copy declares any namespace the body took from its ancestors. */
  xmlNodePtr copy = xmlDocCopyNode(src, body, 1);
  if (!copy) abort();
  xmlDocSetRootElement(body, copy);
  int rc = remap_body(req->reg, m, type, copy, err);
  if (rc) {
    xmlFreeDoc(body);
    return rc;
  }

  /* Each version is written by a request of its own, whose arena ends
  ** with it: the statements the check hooks and subscribers prepare on
  ** it are reset then.  On the command's one request they stayed open
  ** until the end of the file, a new one whenever the cached one was
  ** still open, and every insert had to save the position of all their
  ** cursors: a bundle with the exercise plugin's records (whose check
  ** loads the episode) took time in the square of its length.  The
  ** version keeps its author (the store records the actor) and time. */
  cairn_arena *a = cairn_arena_new();
  cairn_req *w = cairn_req_new(a, req->cfg, req->reg, req->store);
  w->actor = author;
  w->record_time = rtime;
  if (version == 1) {
    long long new_id = 0;
    rc = cairn_store_create(w, type, new_patient, body, &new_id, err);
    if (!rc) {
      e = id_put(m, id);
      e->new_id = new_id;
      e->old_patient = patient;
      e->version = 1;
      (*records)++;
    }
  } else {
    rc = cairn_store_revise(w, e->new_id, version - 1, status, body, err);
    if (!rc) e->version = version;
  }
  cairn_arena_free(a);
  return rc;
}

int cairn_bundle_import(cairn_req *req, const char *path, size_t *versions,
                        size_t *records, cairn_error *err) {
  char xsd[4096], msg[sizeof err->message], field[sizeof err->field];
  size_t nv = 0, nr = 0;
  id_map map = {NULL, 0, 0};
  int rc;
  if (versions) *versions = 0;
  if (records) *records = 0;

  snprintf(xsd, sizeof xsd, "%s/bundle.xsd", req->cfg->schemas_dir);
  xmlSchemaPtr schema = cairn_xml_schema_load(xsd, err);
  if (!schema) return err->code ? err->code : CAIRN_EINTERNAL;
  xmlDocPtr doc = cairn_xml_parse_file(path, err);
  if (!doc) {
    xmlSchemaFree(schema);
    return err->code ? err->code : CAIRN_EINVAL;
  }
  rc = cairn_xml_validate(schema, doc, err);
  xmlSchemaFree(schema);
  if (rc) {
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(field, sizeof field, "%s", err->field);
    xmlFreeDoc(doc);
    return cairn_fail(err, rc, field, "%s: %s; nothing was imported", path,
                      msg);
  }

  if ((rc = cairn_store_begin(req->store, err))) {
    xmlFreeDoc(doc);
    return rc;
  }
  for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if ((rc = import_record(req, &map, n, &nr, err))) {
      char id[32], version[16], type[128];
      size_t len = strlen(err->message);
      snprintf(msg, sizeof msg, "%.*s", (int)(len && err->message[len - 1] ==
                                              '.' ? len - 1 : len),
               err->message);
      snprintf(field, sizeof field, "%s", err->field);
      rc = cairn_fail(err, rc, field, "%s:%ld: record %s version %s (%s): "
                      "%s; nothing was imported", path, xmlGetLineNo(n),
                      rec_attr(n, "id", id, sizeof id),
                      rec_attr(n, "version", version, sizeof version),
                      rec_attr(n, "type", type, sizeof type), msg);
      break;
    }
    nv++;
  }
  free(map.slot);
  xmlFreeDoc(doc);
  if (rc) {
    cairn_store_rollback(req->store);
    return rc;
  }
  if ((rc = cairn_store_commit(req->store, err))) return rc;
  if (versions) *versions = nv;
  if (records) *records = nr;
  return 0;
}
