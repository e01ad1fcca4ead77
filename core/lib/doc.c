/*
** doc.c -- building XML documents: view documents handed to XSLT, and
** record bodies handed to the store.  A small writer over libxml2's tree:
** open, attr, text, close.  Text goes into text nodes and attribute values,
** so the serializer escapes it; nothing here writes markup from strings.
** Names are checked to be XML names: a bad name is a programming error in
** a plugin and aborts in debug builds, and is skipped otherwise.
*/
#include <assert.h>
#include <string.h>
#include "cairn_int.h"

static void free_doc(void *p) { xmlFreeDoc(p); }

/* 1 when s is a plain XML name (ASCII letters, digits, '-', '_', '.'). */
static int name_ok(const char *s) {
  if (!s || !*s) return 0;
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
      return 0;
  return 1;
}

/*
** A new document owned by the request: root element `root` in namespace
** `ns` (NULL for none).  The xmlDoc is freed with the request unless taken
** with cairn_doc_take().
*/
cairn_doc *cairn_doc_new(cairn_req *req, const char *ns, const char *root) {
  assert(name_ok(root));
  cairn_doc *d = cairn_arena_alloc(req->arena, sizeof *d);
  d->req = req;
  d->xml = xmlNewDoc((const xmlChar *)"1.0");
  if (!d->xml) abort();
  xmlNodePtr r = xmlNewDocNode(d->xml, NULL, (const xmlChar *)root, NULL);
  if (!r) abort();
  xmlDocSetRootElement(d->xml, r);
  if (ns) {
    d->ns = xmlNewNs(r, (const xmlChar *)ns, NULL);
    xmlSetNs(r, d->ns);
  }
  d->cur = r;
  cairn_arena_cleanup(req->arena, free_doc, d->xml);
  return d;
}

/* Detach the xmlDoc from the arena; the caller owns it afterwards. */
xmlDocPtr cairn_doc_take(cairn_doc *d) {
  xmlDocPtr x = xmlCopyDoc(d->xml, 1);
  if (!x) abort();
  return x;
}

void cairn_doc_open_impl(cairn_doc *d, const char *name) {
  assert(name_ok(name));
  if (!name_ok(name)) return;
  xmlNodePtr n = xmlNewChild(d->cur, d->ns, (const xmlChar *)name, NULL);
  if (!n) abort();
  d->cur = n;
}

void cairn_doc_close_impl(cairn_doc *d) {
  if (d->cur && d->cur->parent && d->cur->parent->type == XML_ELEMENT_NODE)
    d->cur = d->cur->parent;
}

void cairn_doc_attr_impl(cairn_doc *d, const char *name, const char *value) {
  assert(name_ok(name));
  if (!value || !name_ok(name)) return;
  xmlSetProp(d->cur, (const xmlChar *)name, (const xmlChar *)value);
}

void cairn_doc_text_impl(cairn_doc *d, const char *name, const char *text) {
  assert(name_ok(name));
  if (!text || !name_ok(name)) return;
  /* xmlNewTextChild escapes; xmlNewChild would take `text` as markup. */
  if (!xmlNewTextChild(d->cur, d->ns, (const xmlChar *)name,
                       (const xmlChar *)text))
    abort();
}

/* Copy a record's body under the current element, wrapped in <record>
** carrying the envelope. */
void cairn_doc_record_impl(cairn_doc *d, const cairn_record *rec) {
  char buf[32];
  xmlNodePtr w = xmlNewChild(d->cur, d->ns, (const xmlChar *)"record", NULL);
  if (!w) abort();
  snprintf(buf, sizeof buf, "%lld", rec->id);
  xmlSetProp(w, (const xmlChar *)"id", (const xmlChar *)buf);
  xmlSetProp(w, (const xmlChar *)"type", (const xmlChar *)rec->type);
  snprintf(buf, sizeof buf, "%d", rec->version);
  xmlSetProp(w, (const xmlChar *)"version", (const xmlChar *)buf);
  snprintf(buf, sizeof buf, "%lld", rec->patient);
  xmlSetProp(w, (const xmlChar *)"patient", (const xmlChar *)buf);
  xmlSetProp(w, (const xmlChar *)"status", (const xmlChar *)rec->status);
  xmlSetProp(w, (const xmlChar *)"author", (const xmlChar *)rec->author);
  xmlSetProp(w, (const xmlChar *)"time", (const xmlChar *)rec->time);
  xmlNodePtr body = xmlDocCopyNode(xmlDocGetRootElement(rec->body), d->xml, 1);
  if (!body) abort();
  xmlAddChild(w, body);
}

/* A cairn_doc holding a copy of a parsed document (a record body). */
cairn_doc *cairn_doc_from_xml_impl(cairn_req *req, xmlDocPtr xml) {
  cairn_doc *d = cairn_arena_alloc(req->arena, sizeof *d);
  d->req = req;
  d->xml = xmlCopyDoc(xml, 1);
  if (!d->xml) abort();
  d->cur = xmlDocGetRootElement(d->xml);
  d->ns = d->cur ? d->cur->ns : NULL;
  cairn_arena_cleanup(req->arena, free_doc, d->xml);
  return d;
}
