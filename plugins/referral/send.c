/*
** send.c -- the clinic's actions on a referral: send it (a capability link
** to the partner's handoff page, emailed through the outbox, the link and
** the email and the new status in one transaction), send it again (the
** old link withdrawn, a new one sent), withdraw the link, cancel the
** referral, and add a note for the partner.
**
** The email carries the partner's name and the full link, nothing about
** the patient: not in the subject, not in the body.
*/
#include "referral.h"

#include <stdlib.h>
#include <string.h>

/* The mail view (www/views/referral/mail/handoff.xsl). */
#define MAIL_VIEW "referral/mail/handoff"

static const cairn_field NOTE_FIELDS[] = {
  {.name = "text", .label = "Note to the partner (they see it on their page)",
   .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
   .max = REFERRAL_TEXT_MAX},
  {.name = NULL}
};
/* A form without fields: its messages only (a refused send). */
static const cairn_field NO_FIELDS[] = {{.name = NULL}};
static const cairn_field CANCEL_FIELDS[] = {
  {.name = "reason", .label = "Why the referral is cancelled",
   .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
   .max = REFERRAL_TEXT_MAX},
  {.name = NULL}
};

/* The referral of the route (patient and id), or an error page's status
** in *page. */
static const cairn_record *route_referral(cairn_req *req, int *page) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  *page = 0;
  if (referral_load(req, referral_param_id(req, "patient"),
                    referral_param_id(req, "id"), &rec, &err) != CAIRN_OK) {
    *page = cairn_respond_failure(req, &err, 0);
    return NULL;
  }
  return rec;
}

/* Back to the referral's staff page. */
static int back(cairn_req *req, const cairn_record *rec) {
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/referrals/%lld",
                            cairn_record_patient(rec), cairn_record_id(rec)));
}

/* What one send does, for transaction(). */
typedef struct send_work {
  const cairn_record *rec;    /* the referral */
  const cairn_record *partner; /* its partner */
} send_work;

/* In one transaction: withdraw the old link, issue a new one, store it on
** the referral (draft -> sent), queue the email that carries it. */
static int send_in_transaction(cairn_req *req, void *arg, cairn_error *err) {
  send_work *w = arg;
  const cairn_record *rec = w->rec;
  const char *status = cairn_record_value(rec, "r:status");
  const char *old = cairn_record_value(rec, "r:linkId");
  const char *email = cairn_record_value(w->partner, "r:email");
  const char *name = cairn_record_value(w->partner, "r:name");
  long long id = cairn_record_id(rec), cap;
  const char *link, *url;
  referral_change ch = {0};
  cairn_doc *model;
  int rc;

  if (email[0] == '\0')
    return cairn_fail(err, CAIRN_EINVAL, "partner",
                      "The partner has no email address: add one in the "
                      "directory, or print the letter.");
  if (old[0] != '\0') {
    rc = cairn_capability_revoke(req, atoll(old), err);
    if (rc != CAIRN_OK && rc != CAIRN_ENOTFOUND) return rc;
  }
  rc = cairn_capability_issue(req, cairn_req_printf(req, "referral:%lld", id),
                              cairn_req_printf(req, "/handoff/%lld", id),
                              cairn_record_patient(rec),
                              (long)referral_cfg.link_days * 24 * 60 * 60, 0,
                              &link, &cap, err);
  if (rc != CAIRN_OK) return rc;
  url = cairn_public_url(req, link);
  if (url == NULL)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "The clinic has no public address (<public-url> in "
                      "the config): a link cannot be sent.");
  ch.status = strcmp(status, "draft") == 0 ? "sent" : NULL;
  ch.link_id = referral_fmt_int(req, cap);
  ch.link_expires = cairn_date_format(req, cairn_date_today(req) +
                                               referral_cfg.link_days);
  ch.flagged = ch.status ? "" : NULL;
  rc = cairn_record_revise(req, id, cairn_record_version(rec), NULL,
                           referral_changed(req, rec, &ch, cairn_req_actor(req)),
                           err);
  if (rc != CAIRN_OK) return rc;
  model = cairn_doc_new(req, NULL, "referral-link");
  cairn_doc_text(model, "partner-name", name);
  cairn_doc_text(model, "link", url);
  cairn_doc_text(model, "expires", ch.link_expires);
  rc = cairn_message_queue(req, email, name, MAIL_VIEW, model, err);
  if (rc == CAIRN_EINVAL && strcmp(err->field, "to_name") == 0)
    rc = cairn_message_queue(req, email, NULL, MAIL_VIEW, model, err);
  return rc;
}

/* POST /patients/P/referrals/N/send. */
int referral_post_send(cairn_req *req) {
  cairn_error err = {0, "", ""};
  send_work w;
  int page, rc;
  w.rec = route_referral(req, &page);
  if (w.rec == NULL) return page;
  if (referral_closed(cairn_record_value(w.rec, "r:status")))
    return cairn_respond_error(req, 409, NULL, "The referral is closed: write a "
                                         "new one.");
  if (referral_partner_load(req, atoll(cairn_record_value(w.rec, "r:performer")),
                            &w.partner, &err) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 0);
  rc = cairn_transaction(req, send_in_transaction, &w, &err);
  if (rc != CAIRN_OK) {
    cairn_form *f = cairn_form_new(req, "send", NO_FIELDS);
    if (err.code != CAIRN_EINVAL && err.code != CAIRN_ECONFLICT)
      return cairn_respond_failure(req, &err, 0);
    cairn_form_error(f, "", err.message);
    return referral_render_one(req, w.rec, f,
                               err.code == CAIRN_ECONFLICT ? 409 : 422);
  }
  return back(req, w.rec);
}

/* POST /patients/P/referrals/N/revoke: the link stops working now. */
int referral_post_revoke(cairn_req *req) {
  cairn_error err = {0, "", ""};
  referral_change ch = {0};
  int page;
  const cairn_record *rec = route_referral(req, &page);
  const char *link;
  if (rec == NULL) return page;
  link = cairn_record_value(rec, "r:linkId");
  if (link[0] == '\0')
    return cairn_respond_error(req, 409, NULL, "The referral has no link to "
                                         "withdraw.");
  if (cairn_capability_revoke(req, atoll(link), &err) != CAIRN_OK &&
      err.code != CAIRN_ENOTFOUND)
    return cairn_respond_failure(req, &err, 0);
  ch.link_id = "";
  ch.link_expires = "";
  if (cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                          NULL, referral_changed(req, rec, &ch,
                                                 cairn_req_actor(req)),
                          &err) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 0);
  return back(req, rec);
}

/* POST /patients/P/referrals/N/cancel: closed; the link, while it lasts,
** shows only that. */
int referral_post_cancel(cairn_req *req) {
  cairn_error err = {0, "", ""};
  referral_change ch = {0};
  cairn_form *f;
  int page;
  const cairn_record *rec = route_referral(req, &page);
  if (rec == NULL) return page;
  if (referral_closed(cairn_record_value(rec, "r:status")))
    return cairn_respond_error(req, 409, NULL, "The referral is already closed.");
  f = cairn_form_new(req, "cancel", CANCEL_FIELDS);
  if (cairn_form_bind(f) > 0) return referral_render_one(req, rec, f, 422);
  ch.status = "cancelled";
  ch.status_note = cairn_form_value(f, "reason");
  if (cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                          NULL, referral_changed(req, rec, &ch,
                                                 cairn_req_actor(req)),
                          &err) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 0);
  return back(req, rec);
}

/* POST /patients/P/referrals/N/notes: a note the partner sees. */
int referral_post_staff_note(cairn_req *req) {
  cairn_error err = {0, "", ""};
  referral_change ch = {0};
  cairn_form *f;
  int page;
  const cairn_record *rec = route_referral(req, &page);
  if (rec == NULL) return page;
  f = cairn_form_new(req, "note", NOTE_FIELDS);
  if (cairn_form_bind(f) > 0) return referral_render_one(req, rec, f, 422);
  if (atoi(cairn_record_value(rec, "count(r:note)")) >= REFERRAL_NOTES_MAX) {
    cairn_form_error(f, "text", "This referral has as many notes as it can "
                                "keep: call the partner.");
    return referral_render_one(req, rec, f, 422);
  }
  ch.note_from = "staff";
  ch.note_text = cairn_form_value(f, "text");
  if (cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                          NULL, referral_changed(req, rec, &ch,
                                                 cairn_req_actor(req)),
                          &err) != CAIRN_OK) {
    if (err.code != CAIRN_EINVAL) return cairn_respond_failure(req, &err, 0);
    cairn_form_host_error(f, &err);
    return referral_render_one(req, rec, f, 422);
  }
  return back(req, rec);
}
