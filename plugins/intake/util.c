/*
** util.c -- helpers the intake plugin's pages share: numbers
** and ids read from a form or a route, record bodies, and small record
** look-ups.
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *intake_fmt_int(cairn_req *req, long long v) {
  return cairn_req_printf(req, "%lld", v);
}

int intake_required(cairn_req *req, cairn_form *f, const char *name,
                    const char *what) {
  if (cairn_form_value(f, name)[0] != '\0') return 1;
  cairn_form_error(f, name, cairn_req_printf(req, "Enter %s.", what));
  return 0;
}

int intake_number_parse(const char *s, int decimals, double *out) {
  const char *p = s, *dot = NULL;
  int digits = 0;
  if (*p == '\0' || strlen(s) > 16) return 0;
  for (; *p; p++) {
    if (*p == '.') {
      if (dot) return 0;
      dot = p;
    } else if (*p >= '0' && *p <= '9') {
      digits++;
    } else {
      return 0;
    }
  }
  if (digits == 0 || (dot && (dot[1] == '\0' || dot == s))) return 0;
  if (dot && (int)strlen(dot + 1) > decimals) return 0;
  *out = strtod(s, NULL);
  return 1;
}

long long intake_param_id(cairn_req *req, const char *name) {
  const char *p = cairn_req_param(req, name);
  char *end;
  long long v;
  if (p == NULL) return 0;
  v = strtoll(p, &end, 10);   /* patterns allow 1-18 digits: no overflow */
  return *end == '\0' && v > 0 ? v : 0;
}

/* ---------------------------------------------------------- record bodies */

void intake_put(cairn_doc *doc, const char *name, const char *text) {
  if (text != NULL && text[0] != '\0') cairn_doc_text(doc, name, text);
}

int intake_is_patient(cairn_req *req) {
  return cairn_req_role(req) == NULL && cairn_req_capability(req) != NULL;
}

/* ------------------------------------------------------------ look-ups */

static const char SQL_SECTION[] =
    "SELECT record, version FROM p_intake_section"
    " WHERE intake = :intake AND name = :name"
    " AND status <> 'entered-in-error' ORDER BY record DESC LIMIT 1";

int intake_section_find(cairn_req *req, long long intake, const char *name,
                        long long *id, int *version) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_SECTION, &err);
  int rc;
  *id = 0;
  *version = 0;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":intake", intake) != 0 ||
      cairn_sql_bind_text(st, ":name", name) != 0)
    return CAIRN_EINTERNAL;
  rc = cairn_sql_step(st);
  if (rc < 0) return CAIRN_EDB;
  if (rc == 1) {
    *id = cairn_sql_int(st, 0);
    *version = (int)cairn_sql_int(st, 1);
  }
  return CAIRN_OK;
}

int intake_load(cairn_req *req, long long id, const cairn_record **out,
                cairn_error *err) {
  int rc;
  if (id <= 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such intake.");
  rc = cairn_record_get(req, id, out, err);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(cairn_record_type_name(*out), INTAKE_T_INTAKE) != 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such intake.");
  cairn_audit_note(req, cairn_record_patient(*out), id);
  return CAIRN_OK;
}

int intake_baseline_holds(cairn_req *req, const cairn_record *base,
                          const char *id) {
  return atoi(cairn_record_value(base, cairn_req_printf(
             req, "count(r:baseline/r:measure[@instrument = '%s'])", id))) > 0;
}

/* ------------------------------------------------------ the Intake record */

void intake_fields_load(const cairn_record *rec, intake_fields *f) {
  f->state = cairn_record_value(rec, "r:state");
  f->opened = cairn_record_value(rec, "r:opened");
  f->request = cairn_record_value(rec, "r:request");
  f->link_id = cairn_record_value(rec, "r:linkId");
  f->link_expires = cairn_record_value(rec, "r:linkExpires");
  f->link_url = cairn_record_value(rec, "r:linkUrl");
  f->link_sent_to = cairn_record_value(rec, "r:linkSentTo");
  f->submitted = cairn_record_value(rec, "r:submitted");
  f->cleared_screen = cairn_record_value(rec, "r:clearedScreen");
  f->cleared_by = cairn_record_value(rec, "r:clearedBy");
  f->cleared_on = cairn_record_value(rec, "r:clearedOn");
  f->cleared_reason = cairn_record_value(rec, "r:clearedReason");
  f->episode = cairn_record_value(rec, "r:episode");
}

int intake_fields_save(cairn_req *req, const cairn_record *rec,
                       const intake_fields *f, cairn_error *err) {
  cairn_doc *doc = cairn_doc_new(req, INTAKE_NS, "Intake");
  intake_put(doc, "state", f->state);
  intake_put(doc, "opened", f->opened);
  intake_put(doc, "request", f->request);
  intake_put(doc, "linkId", f->link_id);
  intake_put(doc, "linkExpires", f->link_expires);
  intake_put(doc, "linkUrl", f->link_url);
  intake_put(doc, "linkSentTo", f->link_sent_to);
  intake_put(doc, "submitted", f->submitted);
  intake_put(doc, "clearedScreen", f->cleared_screen);
  intake_put(doc, "clearedBy", f->cleared_by);
  intake_put(doc, "clearedOn", f->cleared_on);
  intake_put(doc, "clearedReason", f->cleared_reason);
  intake_put(doc, "episode", f->episode);
  return cairn_record_revise(req, cairn_record_id(rec),
                             cairn_record_version(rec), NULL, doc, err);
}

void intake_link_withdraw(cairn_req *req, intake_fields *f) {
  cairn_error err = {0, "", ""};
  long long id = strtoll(f->link_id, NULL, 10);
  if (id > 0 && cairn_capability_revoke(req, id, &err) != CAIRN_OK &&
      err.code != CAIRN_ENOTFOUND)
    cairn_log(CAIRN_LOG_WARN, "intake: link %lld not withdrawn: %s", id,
              err.message);
  f->link_id = "";
  f->link_expires = "";
  f->link_url = "";
  f->link_sent_to = "";
}
