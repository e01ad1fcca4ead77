/*
** util.c -- helpers the referral plugin's pages share: ids,
** loading its records, probing for other plugins' tables, and rewriting a
** referral's body for a change.
*/
#include "referral.h"

#include <stdlib.h>
#include <string.h>

/* See referral.h. */
const char *referral_fmt_int(cairn_req *req, long long v) {
  return cairn_req_printf(req, "%lld", v);
}

/* See referral.h. */
long long referral_param_id(cairn_req *req, const char *name) {
  const char *p = cairn_req_param(req, name);
  char *end;
  long long v;
  if (p == NULL) return 0;
  v = strtoll(p, &end, 10);   /* patterns allow 1-18 digits: no overflow */
  return *end == '\0' && v > 0 ? v : 0;
}

/* See referral.h. */
void referral_put(cairn_doc *doc, const char *name, const char *text) {
  if (text != NULL && text[0] != '\0') cairn_doc_text(doc, name, text);
}

/* Records of one plugin of one patient: the plugin's types all begin
** "<plugin>:", so [lo, hi) with hi = "<plugin>;" (';' follows ':') is
** exactly them, on the index of record(type). */
static const char SQL_PLUGIN_RECORDS[] =
    "SELECT 1 FROM record WHERE patient = :patient"
    " AND type >= :lo AND type < :hi LIMIT 1";

/* See referral.h. */
int referral_patient_has(cairn_req *req, const char *plugin,
                         long long patient) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_PLUGIN_RECORDS, &err);
  if (st == NULL || cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_bind_text(st, ":lo", cairn_req_printf(req, "%s:", plugin)) != 0 ||
      cairn_sql_bind_text(st, ":hi", cairn_req_printf(req, "%s;", plugin)) != 0)
    return 0;
  return cairn_sql_step(st) == 1;
}

/* See referral.h. */
const referral_instrument *referral_instrument_find(const char *id) {
  size_t i;
  for (i = 0; i < referral_n_instruments; i++)
    if (strcmp(referral_instruments[i].id, id) == 0)
      return &referral_instruments[i];
  return NULL;
}

/* See referral.h. */
int referral_load(cairn_req *req, long long patient, long long id,
                  const cairn_record **out, cairn_error *err) {
  int rc;
  if (id <= 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such referral.");
  rc = patient > 0 ? cairn_record_get_for_patient(req, patient, id, out, err)
                   : cairn_record_get(req, id, out, err);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(cairn_record_type_name(*out), REFERRAL_T_REFERRAL) != 0 ||
      strcmp(cairn_record_status(*out), "entered-in-error") == 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such referral.");
  cairn_audit_note(req, cairn_record_patient(*out), id);
  return CAIRN_OK;
}

/* See referral.h. */
int referral_partner_load(cairn_req *req, long long id,
                          const cairn_record **out, cairn_error *err) {
  int rc;
  if (id <= 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such partner.");
  rc = cairn_record_get(req, id, out, err);
  if (rc != CAIRN_OK) return rc;
  if (strcmp(cairn_record_type_name(*out), REFERRAL_T_PARTNER) != 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such partner.");
  return CAIRN_OK;
}

/* See referral.h. */
int referral_closed(const char *status) {
  return strcmp(status, "cancelled") == 0 || strcmp(status, "declined") == 0;
}

/* See referral.h. */
void referral_copy_element(cairn_doc *src, cairn_node *n, cairn_doc *dst,
                           cairn_node *parent) {
  static const char *const ATTRS[] = {"from", "instrument", "label", "best",
                                      "worst", "primary", "date", "score",
                                      "goal", "baseline", "now", NULL};
  cairn_node *first = cairn_node_child(src, n, NULL), *c, *copy;
  size_t i;
  cairn_doc_at(dst, parent);
  copy = cairn_doc_insert_before(dst, NULL, cairn_node_name(n),
                                 first ? "" : cairn_node_text(src, n));
  if (copy == NULL) return;
  cairn_doc_at(dst, copy);
  for (i = 0; ATTRS[i]; i++)
    cairn_doc_attr(dst, ATTRS[i], cairn_node_attr(src, n, ATTRS[i]));
  for (c = first; c != NULL; c = cairn_node_next(c, NULL))
    referral_copy_element(src, c, dst, copy);
  cairn_doc_at(dst, parent);
}

/* The elements of a Referral, in schema order, copied as they are unless
** the change names them. */
static const char *const REFERRAL_HEAD[] = {
  "episode", "performer", "performerDisplay", "category", "priority", NULL
};

/* See referral.h. */
cairn_doc *referral_changed(cairn_req *req, const cairn_record *rec,
                            const referral_change *ch, const char *by) {
  cairn_doc *src = cairn_record_body(req, rec);
  cairn_doc *dst = cairn_doc_new(req, REFERRAL_NS, "Referral");
  const char *today = cairn_req_today(req);
  cairn_node *n;
  size_t i;
  int notes = 0;

  for (i = 0; REFERRAL_HEAD[i]; i++)
    referral_put(dst, REFERRAL_HEAD[i],
                 cairn_doc_value(src, NULL, cairn_req_printf(req, "r:%s",
                                                             REFERRAL_HEAD[i])));
  referral_put(dst, "status", ch->status ? ch->status
                                         : cairn_doc_value(src, NULL, "r:status"));
  referral_put(dst, "authoredOn", cairn_doc_value(src, NULL, "r:authoredOn"));
  referral_put(dst, "requester", cairn_doc_value(src, NULL, "r:requester"));
  referral_put(dst, "reason", cairn_doc_value(src, NULL, "r:reason"));
  referral_put(dst, "code", cairn_doc_value(src, NULL, "r:code"));
  n = cairn_node_child(src, NULL, "supportingInfo");
  if (n) referral_copy_element(src, n, dst, NULL);
  n = cairn_node_child(src, NULL, "consent");
  if (n) referral_copy_element(src, n, dst, NULL);
  referral_put(dst, "linkId", ch->link_id ? ch->link_id
                                          : cairn_doc_value(src, NULL, "r:linkId"));
  referral_put(dst, "linkExpires",
               ch->link_expires ? ch->link_expires
                                : cairn_doc_value(src, NULL, "r:linkExpires"));
  referral_put(dst, "firstAppointment",
               ch->first_appointment
                   ? ch->first_appointment
                   : cairn_doc_value(src, NULL, "r:firstAppointment"));
  referral_put(dst, "flaggedUnacknowledged",
               ch->flagged ? ch->flagged
                           : cairn_doc_value(src, NULL, "r:flaggedUnacknowledged"));
  for (n = cairn_node_child(src, NULL, "statusHistory"); n != NULL;
       n = cairn_node_next(n, "statusHistory"))
    referral_copy_element(src, n, dst, NULL);
  if (ch->status) {
    cairn_doc_open(dst, "statusHistory");
    cairn_doc_text(dst, "status", ch->status);
    cairn_doc_text(dst, "date", today);
    cairn_doc_text(dst, "by", by);
    referral_put(dst, "note", ch->status_note);
    cairn_doc_close(dst);
  }
  for (n = cairn_node_child(src, NULL, "note"); n != NULL;
       n = cairn_node_next(n, "note")) {
    referral_copy_element(src, n, dst, NULL);
    notes++;
  }
  if (ch->note_from && ch->note_text && notes < REFERRAL_NOTES_MAX) {
    cairn_doc_open(dst, "note");
    cairn_doc_attr(dst, "from", ch->note_from);
    cairn_doc_text(dst, "author", by);
    cairn_doc_text(dst, "time", today);
    cairn_doc_text(dst, "text", ch->note_text);
    cairn_doc_close(dst);
  }
  return dst;
}

/* See referral.h. */
const char *referral_partner_display(cairn_req *req,
                                     const cairn_record *partner) {
  const char *name = cairn_record_value(partner, "r:name");
  const char *org = cairn_record_value(partner, "r:organisation");
  char *s = cairn_req_printf(req, "%s%s%s", name, org[0] ? ", " : "", org);
  size_t i, chars = 0;
  /* At most REFERRAL_LINE_MAX characters, cut between two of them. */
  for (i = 0; s[i]; i++) {
    if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
    if (++chars > REFERRAL_LINE_MAX) {
      s[i] = '\0';
      break;
    }
  }
  return s;
}
