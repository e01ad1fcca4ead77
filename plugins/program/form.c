/*
** form.c -- the posted forms of the care-program pages on the host's form
** model (cairn_form): read what was posted into a form declared by a
** static field table, check dates and choices with the program's own
** messages, and write the form into a view for the shared form library
** (www/views/form-lib.xsl), with what was typed and each message next to
** its field.
**
** The fields are read without form_bind's generic checks: the program's
** messages ("Choose why the episode ends", "Write a real date ...") are
** part of its behaviour, and each field is checked here or by the record
** type's check hook, which every write path runs.
*/
#include "program.h"

#include <string.h>

void program_form_read(cairn_req *req, cairn_form *f,
                       const char *const *names) {
  size_t i;
  for (i = 0; names[i]; i++)
    cairn_form_set(f, names[i], program_trim(req, cairn_req_form(req,
                                                                 names[i])));
}

int program_form_date(cairn_req *req, cairn_form *f, const char *name,
                      int required, int allow_future) {
  const char *v = cairn_form_value(f, name), *today = cairn_req_today(req);
  long days;
  if (v[0] == '\0') {
    if (!required) return 1;
    cairn_form_error(f, name, "Enter the date (YYYY-MM-DD).");
    return 0;
  }
  if (cairn_date_parse(v, &days) != 0) {
    cairn_form_error(f, name, "Write a real date as YYYY-MM-DD, for example "
                              "2026-03-31.");
    return 0;
  }
  if (!allow_future && today && today[0] && strcmp(v, today) > 0) {
    cairn_form_error(f, name, cairn_req_printf(req, "The date cannot be "
                                                    "after today (%s).",
                                               today));
    return 0;
  }
  return 1;
}

int program_form_choice(cairn_form *f, const char *name,
                        const char *const *allowed, int required,
                        const char *msg) {
  const char *v = cairn_form_value(f, name);
  size_t i;
  if (v[0] == '\0' && !required) return 1;
  for (i = 0; allowed[i]; i++)
    if (strcmp(v, allowed[i]) == 0) return 1;
  cairn_form_error(f, name, msg);
  return 0;
}

void program_form_refused(cairn_req *req, program_form *pf,
                          const cairn_error *err) {
  cairn_form_host_error(pf->form, err);
  pf->problem = cairn_req_strdup(req, err->message);
}

cairn_form *program_form_for(cairn_req *req, const program_form *posted,
                             const char *id, const cairn_field *fields) {
  cairn_form *f;
  if (posted != NULL && strcmp(posted->id, id) == 0) return posted->form;
  f = cairn_form_new(req, id, fields);
  cairn_form_set(f, "date", cairn_req_today(req));
  cairn_form_set(f, "start", cairn_req_today(req));
  cairn_form_set(f, "end", cairn_req_today(req));
  return f;
}

void program_form_doc(cairn_doc *doc, cairn_form *f, const char *action,
                      const char *submit, const char *title) {
  cairn_form_doc(doc, f, action, submit);
  if (title == NULL) return;
  cairn_doc_at(doc, program_last_child(doc, "form"));
  cairn_doc_attr(doc, "title", title);
  cairn_doc_at(doc, NULL);
}

cairn_field *program_fields_copy(cairn_req *req, const cairn_field *fields) {
  size_t n = 0;
  cairn_field *copy;
  while (fields[n].name) n++;
  copy = cairn_req_alloc(req, sizeof *copy * (n + 1));
  memcpy(copy, fields, sizeof *copy * (n + 1));
  return copy;
}

cairn_field *program_field(cairn_field *fields, const char *name) {
  size_t i;
  for (i = 0; fields[i].name; i++)
    if (strcmp(fields[i].name, name) == 0) return &fields[i];
  return NULL;
}
