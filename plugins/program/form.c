/*
** form.c -- posted forms of the care-program pages: read and trim the
** fields, check dates and choices, keep what was typed and the messages,
** and echo both into the view so the page shows each message next to its
** field (www/views/program/form-lib.xsl).  Also record bodies built from
** (element, text) pairs.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pform_init(pform *f, const char *id) {
  memset(f, 0, sizeof *f);
  f->id = id;
}


void pform_read(cairn_req *req, pform *f, const char *const *names) {
  size_t i;
  for (i = 0; names[i]; i++)
    pform_set(f, names[i], program_trim(req, cairn_req_form(req, names[i])));
}

const char *pform_get(const pform *f, const char *name) {
  size_t i;
  for (i = 0; i < f->n; i++)
    if (strcmp(f->name[i], name) == 0) return f->value[i];
  return "";
}

void pform_set(pform *f, const char *name, const char *value) {
  size_t i;
  for (i = 0; i < f->n; i++) {
    if (strcmp(f->name[i], name) == 0) {
      f->value[i] = value;
      return;
    }
  }
  if (f->n == PFORM_MAX) return;   /* forms are far smaller */
  f->name[f->n] = name;
  f->value[f->n++] = value;
}

void pform_error(pform *f, const char *field, const char *msg) {
  if (f->n_err == PFORM_MAX) return;
  f->err_field[f->n_err] = field ? field : "";
  f->err_msg[f->n_err++] = msg;
}

int pform_date(cairn_req *req, pform *f, const char *name, int required,
               int allow_future) {
  const char *v = pform_get(f, name), *today = cairn_req_today(req);
  long days;
  if (v[0] == '\0') {
    if (!required) return 1;
    pform_error(f, name, "Enter the date (YYYY-MM-DD).");
    return 0;
  }
  if (cairn_date_parse(v, &days) != 0) {
    pform_error(f, name, "Write a real date as YYYY-MM-DD, for example "
                         "2026-03-31.");
    return 0;
  }
  if (!allow_future && today && today[0] && strcmp(v, today) > 0) {
    pform_error(f, name, cairn_req_printf(req, "The date cannot be after "
                                               "today (%s).", today));
    return 0;
  }
  return 1;
}

int pform_choice(pform *f, const char *name, const char *const *allowed,
                 int required, const char *msg) {
  const char *v = pform_get(f, name);
  size_t i;
  if (v[0] == '\0' && !required) return 1;
  for (i = 0; allowed[i]; i++)
    if (strcmp(v, allowed[i]) == 0) return 1;
  pform_error(f, name, msg);
  return 0;
}

void pform_doc_open(cairn_doc *doc, const pform *f, const char *action,
                    const char *submit) {
  size_t i;
  cairn_doc_open(doc, "form");
  cairn_doc_attr(doc, "submit", submit);
  cairn_doc_attr(doc, "id", f->id);
  cairn_doc_attr(doc, "action", action);
  for (i = 0; i < f->n; i++)
    cairn_doc_text_attr(doc, "value", "name", f->name[i], f->value[i]);
  for (i = 0; i < f->n_err; i++)
    cairn_doc_text_attr(doc, "error", "field", f->err_field[i],
                        f->err_msg[i]);
}

void pform_field(cairn_doc *doc, const char *name, const char *label,
                 const char *kind, int required, const char *hint) {
  cairn_doc_open(doc, "field");
  cairn_doc_attr(doc, "name", name);
  cairn_doc_attr(doc, "label", label);
  cairn_doc_attr(doc, "kind", kind);
  if (required) cairn_doc_attr(doc, "required", "yes");
  if (hint != NULL && hint[0]) cairn_doc_attr(doc, "hint", hint);
}

void pform_option(cairn_doc *doc, const char *value, const char *label) {
  cairn_doc_open(doc, "option");
  cairn_doc_attr(doc, "value", value);
  cairn_doc_attr(doc, "label", label);
  cairn_doc_close(doc);
}

void pform_host_error(cairn_req *req, pform *f, const cairn_error *err) {
  const char *field = "";
  size_t i;
  for (i = 0; i < f->n; i++)
    if (strcmp(f->name[i], err->field) == 0) field = f->name[i];
  pform_error(f, field, cairn_req_strdup(req, err->message));
}

int program_req_is_xml(cairn_req *req) {
  const char *ct = cairn_req_content_type(req);
  return strcmp(ct, "application/xml") == 0 || strcmp(ct, "text/xml") == 0;
}

int program_unsupported(cairn_req *req) {
  return program_error_page(
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
    return program_fail_page(req, &err, 400);
  }
  if (strtoll(program_body_text(body, "episode"), NULL, 10) != e->id)
    return program_error_page(req, 422, "episode",
                              "The episode in the body is not the episode "
                              "of the URL.");
  rc = cairn_record_create(req, type, p->id, body, &id, &err);
  if (rc != CAIRN_OK) return program_fail_page(req, &err, 422);
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
