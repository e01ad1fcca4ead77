/*
** doc.c -- building XML documents: view documents handed to XSLT, and
** record bodies handed to the store.  A small writer over libxml2's tree:
** open, attr, text, close.  Text goes into text nodes and attribute values,
** so the serializer escapes it; nothing here writes markup from strings.
** Names are checked to be XML names: a bad name is a programming error in
** a plugin and aborts in debug builds, and is skipped otherwise.
*/
#include <assert.h>
#include <stdlib.h>
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

/* A document struct in `a` over xml, its builder at the root. */
static cairn_doc *doc_wrap(cairn_arena *a, cairn_req *req, xmlDocPtr xml) {
  cairn_doc *d = cairn_arena_alloc(a, sizeof *d);
  d->req = req;
  d->arena = a;
  d->xml = xml;
  d->cur = xmlDocGetRootElement(xml);
  d->ns = d->cur ? d->cur->ns : NULL;
  return d;
}

/*
** A new document owned by the request: root element `root` in namespace
** `ns` (NULL for none).  The xmlDoc is freed with the request unless taken
** with cairn_doc_take().
*/
cairn_doc *cairn_doc_new(cairn_req *req, const char *ns, const char *root) {
  assert(name_ok(root));
  xmlDocPtr x = xmlNewDoc((const xmlChar *)"1.0");
  if (!x) abort();
  xmlNodePtr r = xmlNewDocNode(x, NULL, (const xmlChar *)root, NULL);
  if (!r) abort();
  xmlDocSetRootElement(x, r);
  if (ns) xmlSetNs(r, xmlNewNs(r, (const xmlChar *)ns, NULL));
  return cairn_doc_adopt(req, x);
}

/* A document over xml, freed with req's arena unless taken. */
cairn_doc *cairn_doc_adopt(cairn_req *req, xmlDocPtr xml) {
  cairn_doc *d = doc_wrap(req->arena, req, xml);
  d->owner = cairn_arena_cleanup(req->arena, free_doc, xml);
  return d;
}

/* A document over xml owned elsewhere: nothing is freed with it. */
cairn_doc *cairn_doc_borrow(cairn_req *req, xmlDocPtr xml, int readonly) {
  cairn_doc *d = doc_wrap(req->arena, req, xml);
  d->readonly = readonly ? 1 : 0;
  return d;
}

/*
** Detach the xmlDoc from the document and from the arena's cleanup: no
** copy.  The caller owns the result; the document is left empty (reads
** give "", edits are refused).  A borrowed document cannot be taken (its
** owner frees it): NULL, as for one taken already.
*/
xmlDocPtr cairn_doc_take(cairn_doc *d) {
  if (d == NULL || d->xml == NULL || d->owner == NULL) return NULL;
  xmlDocPtr x = d->xml;
  cairn_arena_cleanup_disarm(d->owner);
  d->owner = NULL;
  d->xml = NULL;
  d->cur = NULL;
  d->ns = NULL;
  return x;
}

/* 0 when d may be edited, and d is then marked dirty (changed since it
** was validated: the store validates it again).  A read-only or taken
** document is a plugin's programming error: logged, CAIRN_EINVAL, and the
** caller skips the edit. */
int cairn_doc_editable(cairn_doc *d, const char *what) {
  if (d != NULL && d->xml != NULL && d->cur != NULL && !d->readonly) {
    d->dirty = 1;
    return 0;
  }
  cairn_logf(CAIRN_LOG_ERROR, "%s: the document is %s; nothing changed",
             what, d && d->readonly ? "read-only" : "empty (already stored)");
  return CAIRN_EINVAL;
}

void cairn_doc_open_impl(cairn_doc *d, const char *name) {
  assert(name_ok(name));
  if (!name_ok(name) || cairn_doc_editable(d, "doc_open")) return;
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
  if (!value || !name_ok(name) || cairn_doc_editable(d, "doc_attr")) return;
  xmlSetProp(d->cur, (const xmlChar *)name, (const xmlChar *)value);
}

void cairn_doc_text_impl(cairn_doc *d, const char *name, const char *text) {
  assert(name_ok(name));
  if (!text || !name_ok(name) || cairn_doc_editable(d, "doc_text")) return;
  /* xmlNewTextChild escapes; xmlNewChild would take `text` as markup. */
  if (!xmlNewTextChild(d->cur, d->ns, (const xmlChar *)name,
                       (const xmlChar *)text))
    abort();
}

/* Add <name attr="value">text</name> under the current element. */
void cairn_doc_text_attr_impl(cairn_doc *d, const char *name,
                              const char *attr, const char *value,
                              const char *text) {
  if (!text) return;
  cairn_doc_open_impl(d, name);
  cairn_doc_attr_impl(d, attr, value);
  if (*text && d->cur) xmlNodeAddContent(d->cur, (const xmlChar *)text);
  cairn_doc_close_impl(d);
}

/* Copy a record's body under the current element, wrapped in <record>
** carrying the envelope. */
void cairn_doc_record_impl(cairn_doc *d, const cairn_record *rec) {
  char buf[32];
  if (cairn_doc_editable(d, "doc_record")) return;
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
