/*
** util.c -- helpers the intake plugin's pages share: errors, the form
** model (values as typed, messages per field), text and date checks,
** record bodies built with libxml2, and small record look-ups.
*/
#include "intake.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

int intake_fail(cairn_error *err, int code, const char *field,
                const char *fmt, ...) {
  va_list ap;
  if (err == NULL) return code;
  err->code = code;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return code;
}

const char *intake_fmt_int(cairn_req *req, long long v) {
  return cairn_req_printf(req, "%lld", v);
}

int intake_error_page(cairn_req *req, int status, const char *message) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "error");
  cairn_doc_attr(doc, "status", intake_fmt_int(req, status));
  cairn_doc_text(doc, "message", message);
  return cairn_respond_view(req, doc, "error", status);
}

int intake_fail_page(cairn_req *req, const cairn_error *err) {
  switch (err->code) {
  case CAIRN_EINVAL:
  case CAIRN_ELIMIT: return intake_error_page(req, 422, err->message);
  case CAIRN_ENOTFOUND: return intake_error_page(req, 404, err->message);
  case CAIRN_ECONFLICT: return intake_error_page(req, 409, err->message);
  case CAIRN_EDENIED: return intake_error_page(req, 403, err->message);
  default: return err->code < 0 ? err->code : CAIRN_EINTERNAL;
  }
}

/* ------------------------------------------------------------ the form */

void intake_form_set(intake_form *f, const char *name, const char *value) {
  size_t i;
  for (i = 0; i < f->n; i++) {
    if (strcmp(f->name[i], name) == 0) {
      f->value[i] = value;
      return;
    }
  }
  if (f->n == INTAKE_FORM_VALUES) return;   /* bounded by the sections */
  f->name[f->n] = name;
  f->value[f->n] = value;
  f->n++;
}

const char *intake_form_get(const intake_form *f, const char *name) {
  size_t i;
  for (i = 0; i < f->n; i++)
    if (strcmp(f->name[i], name) == 0) return f->value[i];
  return "";
}

void intake_form_error(intake_form *f, const char *field, const char *msg) {
  size_t i;
  for (i = 0; i < f->n_errors; i++)   /* one message per field is enough */
    if (strcmp(f->err_field[i], field) == 0) return;
  if (f->n_errors == INTAKE_FORM_ERRORS) return;
  f->err_field[f->n_errors] = field;
  f->err_message[f->n_errors] = msg;
  f->n_errors++;
}

const char *intake_form_take(cairn_req *req, intake_form *f,
                             const char *name) {
  const char *v = cairn_req_form(req, name), *e;
  char *out;
  if (v == NULL) v = "";
  while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') v++;
  e = v + strlen(v);
  while (e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                   e[-1] == '\n'))
    e--;
  out = cairn_req_alloc(req, (size_t)(e - v) + 1);
  memcpy(out, v, (size_t)(e - v));
  intake_form_set(f, name, out);
  return out;
}

void intake_form_doc(cairn_doc *doc, const intake_form *f) {
  size_t i;
  for (i = 0; i < f->n; i++) {
    if (f->value[i][0] == '\0') continue;
    cairn_doc_text_attr(doc, "value", "name", f->name[i], f->value[i]);
  }
  for (i = 0; i < f->n_errors; i++)
    cairn_doc_text_attr(doc, "error", "field", f->err_field[i],
                        f->err_message[i]);
}

/* Characters in valid UTF-8, or (size_t)-1 when s is not valid UTF-8 or
** holds a control character (line breaks and tabs allowed when
** multiline). */
static size_t text_chars(const char *s, int multiline) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = 0;
  while (*p) {
    unsigned c = *p;
    int len;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) {
        if (!(multiline && (c == '\n' || c == '\r' || c == '\t')))
          return (size_t)-1;
      }
      len = 1;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) len = 2;
    else if ((c & 0xF0) == 0xE0) len = 3;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4) len = 4;
    else return (size_t)-1;
    for (int i = 1; i < len; i++)
      if ((p[i] & 0xC0) != 0x80) return (size_t)-1;
    /* C1 controls (U+0080..U+009F) are control characters too. */
    if (len == 2 && c == 0xC2 && p[1] < 0xA0) return (size_t)-1;
    p += len;
    n++;
  }
  return n;
}

int intake_check_text(cairn_req *req, intake_form *f, const char *field,
                      const char *value, size_t max, int required,
                      int multiline, const char *what) {
  size_t n;
  if (value[0] == '\0') {
    if (required) {
      intake_form_error(f, field,
                        cairn_req_printf(req, "Enter %s.", what));
      return 0;
    }
    return 1;
  }
  n = text_chars(value, multiline);
  if (n == (size_t)-1) {
    intake_form_error(f, field,
                      multiline ? "Use plain text: no control characters."
                                : "Use one line of plain text.");
    return 0;
  }
  if (n > max) {
    intake_form_error(f, field,
                      cairn_req_printf(req, "Keep this to %zu characters or "
                                            "fewer (it has %zu).", max, n));
    return 0;
  }
  return 1;
}

/* ------------------------------------------------------------- dates */

int intake_date_parse(const char *s, long *days) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d, i, leap;
  long yy, era, yoe, doy, doe;
  if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (i = 0; i < 10; i++) {
    if (i == 4 || i == 7) continue;
    if (s[i] < '0' || s[i] > '9') return 0;
  }
  y = atoi(s);
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return 0;
  leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > mdays[m - 1] + (m == 2 && leap)) return 0;
  /* Days from civil (H. Hinnant), proleptic Gregorian. */
  yy = y - (m <= 2);
  era = yy / 400;
  yoe = yy - era * 400;
  doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *days = era * 146097 + doe - 719468;
  return 1;
}

const char *intake_date_format(cairn_req *req, long z) {
  long era, doe, yoe, y, doy, mp, d, m;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  return cairn_req_printf(req, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
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

/* ---------------------------------------------------------- XML bodies */

struct _xmlDoc *intake_xml_new(const char *ns, const char *root) {
  xmlDocPtr x = xmlNewDoc((const xmlChar *)"1.0");
  xmlNodePtr r = xmlNewDocNode(x, NULL, (const xmlChar *)root, NULL);
  xmlNsPtr n = xmlNewNs(r, (const xmlChar *)ns, NULL);
  xmlSetNs(r, n);
  xmlDocSetRootElement(x, r);
  return x;
}

struct _xmlNode *intake_xml_text(struct _xmlNode *parent, const char *name,
                                 const char *text) {
  if (text == NULL || text[0] == '\0') return NULL;
  return xmlNewTextChild(parent, parent->ns, (const xmlChar *)name,
                         (const xmlChar *)text);
}

cairn_doc *intake_xml_done(cairn_req *req, struct _xmlDoc *x) {
  cairn_doc *d = cairn_doc_from_xml(req, x);
  xmlFreeDoc(x);
  return d;
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
    return intake_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such intake.");
  rc = cairn_record_get(req, id, out, err);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(cairn_record_type_name(*out), INTAKE_T_INTAKE) != 0)
    return intake_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such intake.");
  cairn_audit_note(req, cairn_record_patient(*out), id);
  return CAIRN_OK;
}

int intake_redflags_positive(cairn_req *req, long long intake,
                             int *screen_version) {
  long long id;
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  const char *n;
  *screen_version = 0;
  if (intake_section_find(req, intake, "redflags", &id, screen_version) != 0 ||
      id == 0)
    return 0;
  if (cairn_record_get(req, id, &rec, &err) != CAIRN_OK) return 0;
  n = cairn_record_value(rec, "count(r:redflags/r:answer[@value != 'no'])");
  return atoi(n) > 0;
}

/* ------------------------------------------------------ the Intake record */

void intake_fields_load(const cairn_record *rec, intake_fields *f) {
  f->state = cairn_record_value(rec, "r:state");
  f->opened = cairn_record_value(rec, "r:opened");
  f->request = cairn_record_value(rec, "r:request");
  f->link_id = cairn_record_value(rec, "r:linkId");
  f->link_expires = cairn_record_value(rec, "r:linkExpires");
  f->submitted = cairn_record_value(rec, "r:submitted");
  f->cleared_screen = cairn_record_value(rec, "r:clearedScreen");
  f->cleared_by = cairn_record_value(rec, "r:clearedBy");
  f->cleared_on = cairn_record_value(rec, "r:clearedOn");
  f->cleared_reason = cairn_record_value(rec, "r:clearedReason");
  f->episode = cairn_record_value(rec, "r:episode");
}

int intake_fields_save(cairn_req *req, const cairn_record *rec,
                       const intake_fields *f, cairn_error *err) {
  xmlDocPtr x = intake_xml_new(INTAKE_NS, "Intake");
  xmlNodePtr r = xmlDocGetRootElement(x);
  intake_xml_text(r, "state", f->state);
  intake_xml_text(r, "opened", f->opened);
  intake_xml_text(r, "request", f->request);
  intake_xml_text(r, "linkId", f->link_id);
  intake_xml_text(r, "linkExpires", f->link_expires);
  intake_xml_text(r, "submitted", f->submitted);
  intake_xml_text(r, "clearedScreen", f->cleared_screen);
  intake_xml_text(r, "clearedBy", f->cleared_by);
  intake_xml_text(r, "clearedOn", f->cleared_on);
  intake_xml_text(r, "clearedReason", f->cleared_reason);
  intake_xml_text(r, "episode", f->episode);
  return cairn_record_revise(req, cairn_record_id(rec),
                             cairn_record_version(rec), NULL,
                             intake_xml_done(req, x), err);
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
}
