/*
** body.c -- record bodies of the care program: built from (element, text)
** pairs, read by element name, and the XML API of an episode's records.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int program_req_is_xml(cairn_req *req) {
  const char *ct = cairn_req_content_type(req);
  return strcmp(ct, "application/xml") == 0 || strcmp(ct, "text/xml") == 0;
}

int program_unsupported(cairn_req *req) {
  return cairn_respond_error(
      req, 415, NULL,
      "Send the form (application/x-www-form-urlencoded) or the record as "
      "XML (application/xml).");
}

int program_post_episode_xml(cairn_req *req, const char *type,
                             const program_patient *p,
                             const program_episode *e) {
  cairn_error err = {0, "", ""};
  cairn_doc *body = cairn_req_body_record(req, type, &err);
  long long id;
  int rc;
  if (body == NULL) {
    if (err.code == 0) err.code = CAIRN_EINVAL;
    return cairn_respond_failure(req, &err, 400);
  }
  if (strtoll(program_body_text(body, "episode"), NULL, 10) != e->id)
    return cairn_respond_error(req, 422, "episode",
                              "The episode in the body is not the episode "
                              "of the URL.");
  rc = cairn_record_create(req, type, p->id, body, &id, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 422);
  /* Front desk cannot open the episode page: their page is the visits. */
  if (program_is_front_desk(req))
    return cairn_respond_redirect(req, program_visits_href(req, p->id, e->id));
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/patients/%lld/episodes/%lld", p->id, e->id));
}

cairn_doc *program_body(cairn_req *req, const char *root,
                        const char *const *pairs) {
  cairn_doc *doc = cairn_doc_new(req, PROGRAM_NS, root);
  size_t i;
  for (i = 0; pairs[i] && pairs[i + 1]; i += 2) {
    if (pairs[i + 1][0] == '\0') continue;
    cairn_doc_text(doc, pairs[i], pairs[i + 1]);
  }
  return doc;
}

const char *program_body_text(cairn_doc *doc, const char *name) {
  cairn_node *n = cairn_node_child(doc, NULL, name);
  return n != NULL ? cairn_node_text(doc, n) : "";
}

cairn_node *program_last_child(cairn_doc *doc, const char *name) {
  cairn_node *n = cairn_node_child(doc, NULL, name), *next;
  while (n != NULL && (next = cairn_node_next(n, name)) != NULL) n = next;
  return n;
}

const char *program_trim(cairn_req *req, const char *v) {
  const char *e;
  char *out;
  if (v == NULL) return "";
  while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') v++;
  e = v + strlen(v);
  while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
                   e[-1] == '\r'))
    e--;
  out = cairn_req_alloc(req, (size_t)(e - v) + 1);
  memcpy(out, v, (size_t)(e - v));
  return out;
}
