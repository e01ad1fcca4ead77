/*
** doc_read.c -- reading and editing a cairn_doc through the kit (the host
** table's doc_value, doc_number, doc_count, node_*, doc_remove, doc_at,
** doc_insert_before).  XPath runs with the given node as context (NULL:
** the root element) and the prefix "r" bound to the root's namespace, so
** plugins read record bodies without libxml2.  A cairn_node is an
** xmlNode of the document; strings read are copied into the document's
** arena (the request's, or xml_load's own).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xpathInternals.h>

#include "cairn_int.h"

/* The xmlNode behind a node handle, or the root element for NULL. */
static xmlNodePtr node_or_root(cairn_doc *d, cairn_node *n) {
  if (n != NULL) return (xmlNodePtr)n;
  return d && d->xml ? xmlDocGetRootElement(d->xml) : NULL;
}

/* Evaluate xpath with ctx (NULL: root) as context node; NULL when the
** document is empty or the expression does not compile (logged: it is a
** plugin's programming error).  Free the result with xmlXPathFreeObject. */
static xmlXPathObjectPtr eval(cairn_doc *d, cairn_node *ctx,
                              const char *xpath) {
  xmlNodePtr at = node_or_root(d, ctx);
  if (at == NULL || xpath == NULL) return NULL;
  xmlNodePtr root = xmlDocGetRootElement(d->xml);
  xmlXPathContextPtr xc = cairn_xpath_context(
      d->xml, at, root && root->ns ? (const char *)root->ns->href : NULL);
  xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, xc);
  if (o == NULL)
    cairn_logf(CAIRN_LOG_ERROR, "doc: XPath \"%s\" does not evaluate", xpath);
  return o;
}

/* The root element, or NULL for an empty (taken) document. */
cairn_node *cairn_doc_root(cairn_doc *d) {
  return (cairn_node *)node_or_root(d, NULL);
}

/* string(xpath) in the document's arena; "" when empty or no match. */
const char *cairn_doc_value(cairn_doc *d, cairn_node *ctx, const char *xpath) {
  xmlXPathObjectPtr o = eval(d, ctx, xpath);
  const char *out = "";
  if (o != NULL) {
    xmlChar *s = xmlXPathCastToString(o);
    if (s && *s) out = cairn_arena_strdup(d->arena, (const char *)s);
    xmlFree(s);
  }
  xmlXPathFreeObject(o);
  return out;
}

/* number(xpath) into *out: 0, or CAIRN_ENOTFOUND when it is empty or not
** a number (NaN). */
int cairn_doc_number(cairn_doc *d, cairn_node *ctx, const char *xpath,
                     double *out) {
  xmlXPathObjectPtr o = eval(d, ctx, xpath);
  double v = o ? xmlXPathCastToNumber(o) : NAN;
  xmlXPathFreeObject(o);
  if (isnan(v)) return CAIRN_ENOTFOUND;
  *out = v;
  return 0;
}

/* How many nodes xpath selects (0 for a non-node-set result). */
int cairn_doc_count(cairn_doc *d, cairn_node *ctx, const char *xpath) {
  xmlXPathObjectPtr o = eval(d, ctx, xpath);
  int n = o && o->type == XPATH_NODESET && o->nodesetval
              ? o->nodesetval->nodeNr : 0;
  xmlXPathFreeObject(o);
  return n;
}

/* 1 when n is an element named `name` (NULL: any element). */
static int element_named(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE &&
         (name == NULL || strcmp((const char *)n->name, name) == 0);
}

/* The first child element of parent (NULL: root) named `name`. */
cairn_node *cairn_node_child(cairn_doc *d, cairn_node *parent,
                             const char *name) {
  xmlNodePtr p = node_or_root(d, parent);
  for (xmlNodePtr n = p ? p->children : NULL; n; n = n->next)
    if (element_named(n, name)) return (cairn_node *)n;
  return NULL;
}

/* The next sibling element of node named `name` (NULL: any). */
cairn_node *cairn_node_next(cairn_node *node, const char *name) {
  for (xmlNodePtr n = node ? ((xmlNodePtr)node)->next : NULL; n; n = n->next)
    if (element_named(n, name)) return (cairn_node *)n;
  return NULL;
}

/* The element's local name (lives as long as the document). */
const char *cairn_node_name(cairn_node *node) {
  return node ? (const char *)((xmlNodePtr)node)->name : "";
}

/* The element's text content, "" when empty. */
const char *cairn_node_text(cairn_doc *d, cairn_node *node) {
  if (node == NULL) return "";
  xmlChar *s = xmlNodeGetContent((xmlNodePtr)node);
  const char *out = s && *s ? cairn_arena_strdup(d->arena, (const char *)s)
                            : "";
  xmlFree(s);
  return out;
}

/* An attribute's value, or NULL when absent. */
const char *cairn_node_attr(cairn_doc *d, cairn_node *node,
                            const char *name) {
  if (node == NULL || name == NULL) return NULL;
  xmlChar *s = xmlGetProp((xmlNodePtr)node, (const xmlChar *)name);
  if (s == NULL) return NULL;
  const char *out = cairn_arena_strdup(d->arena, (const char *)s);
  xmlFree(s);
  return out;
}

/* Remove every element xpath selects (never the root); how many.  The
** builder's current element moves to the root if it was removed. */
int cairn_doc_remove(cairn_doc *d, cairn_node *ctx, const char *xpath) {
  if (cairn_doc_editable(d, "doc_remove")) return 0;
  xmlXPathObjectPtr o = eval(d, ctx, xpath);
  xmlNodePtr root = xmlDocGetRootElement(d->xml);
  int n = 0;
  if (o && o->type == XPATH_NODESET && o->nodesetval) {
    for (int i = 0; i < o->nodesetval->nodeNr; i++) {
      xmlNodePtr x = o->nodesetval->nodeTab[i];
      if (x->type != XML_ELEMENT_NODE || x == root) continue;
      for (xmlNodePtr c = d->cur; c; c = c->parent)
        if (c == x) { d->cur = root; break; }
      xmlUnlinkNode(x);
      xmlFreeNode(x);
      o->nodesetval->nodeTab[i] = NULL;
      n++;
    }
  }
  xmlXPathFreeObject(o);
  return n;
}

/* Make node (NULL: root) the builder's current element. */
void cairn_doc_at(cairn_doc *d, cairn_node *node) {
  if (d == NULL || d->xml == NULL) return;
  d->cur = node_or_root(d, node);
}

/* Add <name>text</name> in the root's namespace as the previous sibling
** of `before` (NULL: the last child of the current element). */
cairn_node *cairn_doc_insert_before(cairn_doc *d, cairn_node *before,
                                    const char *name, const char *text) {
  if (cairn_doc_editable(d, "doc_insert_before") || name == NULL)
    return NULL;
  xmlNodePtr n = xmlNewDocNode(d->xml, d->ns, (const xmlChar *)name, NULL);
  if (n == NULL) abort();
  if (text && *text) xmlNodeAddContent(n, (const xmlChar *)text);
  if (before != NULL) {
    if (xmlAddPrevSibling((xmlNodePtr)before, n) == NULL) abort();
  } else if (xmlAddChild(d->cur, n) == NULL) {
    abort();
  }
  return (cairn_node *)n;
}
