/*
** render.c -- a mail view turns a model into a message's parts.  A mail
** view is an XSLT view like any page's, named like one ("mail/test",
** "intake/mail/link"), that imports www/views/mail/layout.xsl and fills
** three modes for the model's root element: subject, text and html.  The
** layout puts them in one result document,
**
**   <mail><subject>..</subject><text>..</text><html><html>..</html></html></mail>
**
** in the clinic's name (its name in the signature and the HTML frame).
** The serializer escapes everything; nothing is written as raw HTML.
*/
#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLtree.h>
#include "cairn_int.h"
#include "address.h"
#include "outbox.h"

static const cairn_views *mail_views;   /* set by cairnd, or compiled on
                                        ** first use in a CLI process */
static cairn_views *own_views;          /* what this file compiled */

void cairn_mail_set_views(const cairn_views *views) { mail_views = views; }

/* The first child element of n named `name`, or NULL. */
static xmlNodePtr child(xmlNodePtr n, const char *name) {
  for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && strcmp((const char *)k->name, name) == 0)
      return k;
  return NULL;
}

/* The text content of n (NULL: ""), in the request's arena. */
static const char *content(cairn_req *req, xmlNodePtr n) {
  xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
  const char *s = cairn_arena_strdup(req->arena, t ? (const char *)t : "");
  xmlFree(t);
  return s;
}

/* Serialize the <html> element under `parent` as an HTML document. */
static const char *html_part(cairn_req *req, xmlNodePtr parent) {
  xmlNodePtr h = child(parent, "html");
  if (!h) return NULL;
  xmlDocPtr d = htmlNewDocNoDtD(NULL, NULL);
  if (!d) abort();
  xmlDocSetRootElement(d, xmlDocCopyNode(h, d, 1));
  xmlChar *buf = NULL;
  int len = 0;
  htmlDocDumpMemoryFormat(d, &buf, &len, 0);
  xmlFreeDoc(d);
  const char *s = cairn_arena_printf(req->arena, "<!DOCTYPE html>\n%s",
                                     buf ? (const char *)buf : "");
  xmlFree(buf);
  return s;
}

/*
** Render mail view `view` over `model` into subject, text and html
** (request arena).  The views come from cairn_mail_set_views, or are
** compiled once from the config's views directory.  CAIRN_EINTERNAL when
** the view is missing, fails, or does not produce <mail> with a subject
** and a text part: a broken view is a bug, not the person's input.
*/
int cairn_mail_render(cairn_req *req, const char *view, xmlDocPtr model,
                      const char **subject, const char **text,
                      const char **html, cairn_error *err) {
  if (!mail_views) {
    if (!req->cfg || !req->cfg->views_dir)
      return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no views to render mail");
    /* Mail views import mail/layout.xsl: allow the views directory, as
    ** cairnd does at start-up. */
    cairn_xml_init(req->cfg->views_dir);
    int rc = cairn_views_load(req->cfg->views_dir, &own_views, err);
    if (rc) return rc;
    mail_views = own_views;
  }
  const char *params[] = {
    "clinic", req->cfg && req->cfg->clinic_name ? req->cfg->clinic_name : "",
    "public-url", req->cfg && req->cfg->public_url ? req->cfg->public_url : "",
    NULL
  };
  xmlDocPtr res = cairn_views_apply(mail_views, view, model, params, err);
  if (!res) return err ? err->code : CAIRN_EINTERNAL;
  xmlNodePtr root = xmlDocGetRootElement(res);
  xmlNodePtr s = child(root, "subject"), t = child(root, "text");
  if (!root || strcmp((const char *)root->name, "mail") != 0 || !s || !t) {
    xmlFreeDoc(res);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "mail view %s must produce <mail> with <subject> and "
                      "<text> (import mail/layout.xsl)", view);
  }
  *subject = content(req, s);
  *text = content(req, t);
  *html = html_part(req, child(root, "html"));
  xmlFreeDoc(res);
  return 0;
}

/* Render and queue (outbox.h). */
int cairn_outbox_queue_view(cairn_req *req, const char *to_address,
                            const char *to_name, const char *view,
                            xmlDocPtr model, long long *id,
                            cairn_error *err) {
  const char *subject, *text, *html;
  /* The person's input first: a bad address is their mistake (EINVAL),
  ** and must not hide behind a view's failure. */
  int rc = cairn_mail_address_check(to_address, "to", err);
  if (!rc && to_name && *to_name)
    rc = cairn_mail_name_check(to_name, "to_name", err);
  if (rc) return rc;
  rc = cairn_mail_render(req, view, model, &subject, &text, &html, err);
  if (rc) return rc;
  return cairn_outbox_queue(req, to_address, to_name, subject, text, html,
                            id, err);
}

/* The host table's message_queue: a plugin's model is a cairn_doc. */
int cairn_message_queue_impl(cairn_req *req, const char *to_address,
                             const char *to_name, const char *view,
                             cairn_doc *model, cairn_error *err) {
  if (!model || !model->xml)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "message_queue: no model");
  return cairn_outbox_queue_view(req, to_address, to_name, view, model->xml,
                                 NULL, err);
}
