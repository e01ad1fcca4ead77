/*
** handoff.c -- the partner's page, reached only through the capability
** link the clinic emailed (scope "referral:N", target /handoff/N): what
** the clinician chose to share and nothing else, the clinic's contact,
** and the partner's actions -- acknowledge, accept or decline with a
** note, send a note back, record the first appointment.
**
** Every view and action is one audit entry (the core writes it for the
** route; the handler names the patient and the referral).  A closed
** referral's link shows only that it is closed.  A refused action stores
** nothing.
*/
#include "referral.h"

#include <stdlib.h>
#include <string.h>

static const char *const DECISIONS[] = {
  "accept", "Accept: we will see the patient",
  "decline", "Decline: we cannot take the patient",
  NULL
};

static const cairn_field DECISION_FIELDS[] = {
  {.name = "decision", .label = "Your decision", .kind = CAIRN_FIELD_RADIO,
   .flags = CAIRN_FIELD_REQUIRED, .choices = DECISIONS},
  {.name = "note", .label = "Note to the clinic",
   .kind = CAIRN_FIELD_TEXTAREA, .max = REFERRAL_TEXT_MAX,
   .hint = "Required when you decline: say why, or who could help."},
  {.name = NULL}
};
static const cairn_field NOTE_FIELDS[] = {
  {.name = "text", .label = "Note to the clinic",
   .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
   .max = REFERRAL_TEXT_MAX},
  {.name = NULL}
};
static const cairn_field APPOINTMENT_FIELDS[] = {
  {.name = "date", .label = "Date of the first appointment",
   .kind = CAIRN_FIELD_DATE, .flags = CAIRN_FIELD_REQUIRED},
  {.name = NULL}
};

/* The referral this link grants, checked against the route: the link's
** scope must name the referral of the path.  Fills *page with an error
** page's status when it does not. */
static const cairn_record *link_referral(cairn_req *req, int *page) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  long long id = referral_param_id(req, "id");
  const char *scope = cairn_req_capability(req);
  *page = 0;
  if (scope == NULL ||
      strcmp(scope, cairn_req_printf(req, "referral:%lld", id)) != 0) {
    *page = cairn_respond_error(req, 404, NULL, "This page opens only through the "
                                          "link the clinic sent you.");
    return NULL;
  }
  if (referral_load(req, 0, id, &rec, &err) != CAIRN_OK) {
    *page = cairn_respond_failure(req, &err, 0);
    return NULL;
  }
  return rec;
}

/* Who the partner is, for the status history and notes: "Name (partner)". */
static const char *partner_by(cairn_req *req, const cairn_record *rec) {
  const cairn_record *p;
  cairn_error err = {0, "", ""};
  if (referral_partner_load(req, atoll(cairn_record_value(rec, "r:performer")),
                            &p, &err) != CAIRN_OK)
    return "partner";
  return cairn_req_printf(req, "%s (partner)", cairn_record_value(p, "r:name"));
}

/* The handoff page: closed, or what was shared with the actions its
** status allows; `form` is a refused form to show again. */
static int render(cairn_req *req, const cairn_record *rec, cairn_form *form,
                  int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "handoff");
  const char *state = cairn_record_value(rec, "r:status");
  long long id = cairn_record_id(rec);
  const char *base = cairn_req_printf(req, "/handoff/%lld", id);
  int rc;
  cairn_doc_attr(doc, "id", referral_fmt_int(req, id));
  cairn_doc_attr(doc, "state", state);
  if (referral_closed(state)) {
    /* Only that it is closed, and whom to call. */
    cairn_doc_attr(doc, "closed", "yes");
    cairn_doc_open(doc, "clinic");
    referral_put(doc, "phone", referral_cfg.clinic_phone);
    referral_put(doc, "email", referral_cfg.clinic_email);
    cairn_doc_close(doc);
    return cairn_respond_view(req, doc, "referral/handoff", status);
  }
  cairn_doc_attr(doc, "base", base);
  rc = referral_doc_shared(req, doc, rec);
  if (rc != CAIRN_OK) return rc;
  cairn_doc_open(doc, "actions");
  if (strcmp(state, "sent") == 0) cairn_doc_text(doc, "acknowledge", "");
  if (strcmp(state, "sent") == 0 || strcmp(state, "acknowledged") == 0) {
    cairn_form *f = form && strcmp(cairn_req_path(req), cairn_req_printf(
                                req, "%s/decision", base)) == 0
                        ? form : cairn_form_new(req, "decision", DECISION_FIELDS);
    cairn_form_doc(doc, f, cairn_req_printf(req, "%s/decision", base),
                   "Send the decision");
  }
  if (strcmp(state, "accepted") == 0) {
    cairn_form *f = form && strcmp(cairn_req_path(req), cairn_req_printf(
                                req, "%s/appointment", base)) == 0
                        ? form : cairn_form_new(req, "appointment",
                                                APPOINTMENT_FIELDS);
    cairn_form_doc(doc, f, cairn_req_printf(req, "%s/appointment", base),
                   "Record the first appointment");
  }
  {
    cairn_form *f = form && strcmp(cairn_req_path(req), cairn_req_printf(
                                req, "%s/note", base)) == 0
                        ? form : cairn_form_new(req, "note", NOTE_FIELDS);
    cairn_form_doc(doc, f, cairn_req_printf(req, "%s/note", base),
                   "Send the note");
  }
  cairn_doc_close(doc);
  return cairn_respond_view(req, doc, "referral/handoff", status);
}

/* GET /handoff/N. */
int referral_page_handoff(cairn_req *req) {
  int page;
  const cairn_record *rec = link_referral(req, &page);
  if (rec == NULL) return page;
  return render(req, rec, NULL, 200);
}

/* Store `ch` on the referral as the partner, then back to the page.  A
** refusal stores nothing and says why. */
static int apply(cairn_req *req, const cairn_record *rec,
                 const referral_change *ch) {
  cairn_error err = {0, "", ""};
  if (cairn_record_revise(req, cairn_record_id(rec), cairn_record_version(rec),
                          NULL, referral_changed(req, rec, ch,
                                                 partner_by(req, rec)),
                          &err) != CAIRN_OK)
    return cairn_respond_failure(req, &err, 0);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/handoff/%lld", cairn_record_id(rec)));
}

/* The referral for an action, refused when it is closed. */
static const cairn_record *open_referral(cairn_req *req, int *page) {
  const cairn_record *rec = link_referral(req, page);
  if (rec != NULL && referral_closed(cairn_record_value(rec, "r:status"))) {
    *page = cairn_respond_error(req, 409, NULL, "This referral is closed.");
    return NULL;
  }
  return rec;
}

/* POST /handoff/N/acknowledge: sent -> acknowledged. */
int referral_post_handoff_ack(cairn_req *req) {
  referral_change ch = {0};
  int page;
  const cairn_record *rec = open_referral(req, &page);
  if (rec == NULL) return page;
  if (strcmp(cairn_record_value(rec, "r:status"), "sent") != 0)
    return cairn_respond_error(req, 409, NULL, "The referral was acknowledged "
                                         "already.");
  ch.status = "acknowledged";
  ch.flagged = "";
  return apply(req, rec, &ch);
}

/* POST /handoff/N/decision: accept, or decline with a note. */
int referral_post_handoff_decision(cairn_req *req) {
  referral_change ch = {0};
  cairn_form *f;
  const char *state, *decision, *note;
  int page;
  const cairn_record *rec = open_referral(req, &page);
  if (rec == NULL) return page;
  state = cairn_record_value(rec, "r:status");
  if (strcmp(state, "sent") != 0 && strcmp(state, "acknowledged") != 0)
    return cairn_respond_error(req, 409, NULL, "The referral was decided already.");
  f = cairn_form_new(req, "decision", DECISION_FIELDS);
  cairn_form_bind(f);
  decision = cairn_form_value(f, "decision");
  note = cairn_form_value(f, "note");
  if (strcmp(decision, "decline") == 0 && note[0] == '\0')
    cairn_form_error(f, "note", "Say why you decline, or who could help.");
  if (cairn_form_errors(f) > 0) return render(req, rec, f, 422);
  ch.status = strcmp(decision, "accept") == 0 ? "accepted" : "declined";
  ch.flagged = "";
  /* The note is the partner's word to the clinic: kept with the others,
  ** so that the patient's referrals page shows why a partner declined. */
  if (note[0]) {
    ch.note_from = "partner";
    ch.note_text = note;
  }
  return apply(req, rec, &ch);
}

/* POST /handoff/N/note: a note back to the clinic. */
int referral_post_handoff_note(cairn_req *req) {
  referral_change ch = {0};
  cairn_form *f;
  int page;
  const cairn_record *rec = open_referral(req, &page);
  if (rec == NULL) return page;
  f = cairn_form_new(req, "note", NOTE_FIELDS);
  if (cairn_form_bind(f) > 0) return render(req, rec, f, 422);
  if (atoi(cairn_record_value(rec, "count(r:note)")) >= REFERRAL_NOTES_MAX) {
    cairn_form_error(f, "text", "This referral keeps no more notes: please "
                                "call the clinic.");
    return render(req, rec, f, 422);
  }
  ch.note_from = "partner";
  ch.note_text = cairn_form_value(f, "text");
  return apply(req, rec, &ch);
}

/* POST /handoff/N/appointment: accepted -> first-appointment. */
int referral_post_handoff_appointment(cairn_req *req) {
  referral_change ch = {0};
  cairn_form *f;
  long day, authored;
  int page;
  const cairn_record *rec = open_referral(req, &page);
  if (rec == NULL) return page;
  if (strcmp(cairn_record_value(rec, "r:status"), "accepted") != 0)
    return cairn_respond_error(req, 409, NULL, "Accept the referral before you "
                                         "record its first appointment.");
  f = cairn_form_new(req, "appointment", APPOINTMENT_FIELDS);
  if (cairn_form_bind(f) > 0) return render(req, rec, f, 422);
  if (cairn_date_parse(cairn_form_value(f, "date"), &day) == 0 &&
      cairn_date_parse(cairn_record_value(rec, "r:authoredOn"), &authored) == 0 &&
      day < authored) {
    cairn_form_error(f, "date", "The first appointment cannot be before the "
                                "referral was written.");
    return render(req, rec, f, 422);
  }
  ch.status = "first-appointment";
  ch.first_appointment = cairn_form_value(f, "date");
  return apply(req, rec, &ch);
}
