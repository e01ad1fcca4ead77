/*
** link.c -- the patient's intake link: issued (the previous one withdrawn)
** and, when an address is given, emailed, in one transaction, from the
** intake's page or from the queue page; then a redirect to the intake's
** page, which shows the link in full once.  A reload of that page shows
** nothing and issues nothing.
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A name in a message header: the outbox's own limit (RFC 5322's line
** of 78 characters). */
#define LINK_NAME_MAX 78
/* An address: RFC 5321's path limit, as the outbox checks it. */
#define LINK_EMAIL_MAX 254

/* The mail view every plugin may use for a personal link. */
#define LINK_MAIL_VIEW "mail/link"

/* What the patient is asked to do, completing "Here is your personal
** link to ...": no clinical content. */
#define LINK_PURPOSE "fill in your questionnaire before your first visit"

const cairn_field INTAKE_LINK_FIELDS[] = {
  {.name = "email", .label = "Email it to (optional)",
   .kind = CAIRN_FIELD_EMAIL, .max = LINK_EMAIL_MAX,
   .hint = "The patient's address. Leave it empty to hand the link over "
           "another way."},
  {.name = "name", .label = "Their name on the email (optional)",
   .kind = CAIRN_FIELD_TEXT, .max = LINK_NAME_MAX},
  {.name = NULL}
};

/* See intake.h. */
cairn_field *intake_queue_link_fields(cairn_req *req,
                                      const char *const *choices) {
  cairn_field *f = cairn_req_alloc(req, 4 * sizeof *f);
  f[0] = (cairn_field){.name = "intake", .label = "Which intake",
                       .kind = CAIRN_FIELD_SELECT,
                       .flags = CAIRN_FIELD_REQUIRED, .choices = choices};
  f[1] = (cairn_field){.name = "email", .label = "The patient's email address",
                       .kind = CAIRN_FIELD_EMAIL,
                       .flags = CAIRN_FIELD_REQUIRED, .max = LINK_EMAIL_MAX};
  f[2] = INTAKE_LINK_FIELDS[1];
  f[3] = (cairn_field){.name = NULL};
  return f;
}

/* What the issuing transaction needs and gives back. */
typedef struct link_issue {
  const cairn_record *rec;   /* the Intake, state open */
  const char *email;         /* where the link goes; "" for nowhere */
  const char *name;          /* the To name; "" for none */
  long long link;            /* out: the capability's id */
} link_issue;

/* The first word of the patient's name: the greeting, and all the
** message says about them.  "" when the patient cannot be read. */
static const char *first_name(cairn_req *req, long long patient) {
  const cairn_record *p;
  const char *name, *end;
  if (cairn_record_get(req, patient, &p, NULL) != CAIRN_OK) return "";
  name = cairn_record_value(p, "r:name");
  while (*name == ' ') name++;
  end = strchr(name, ' ');
  return end ? cairn_req_printf(req, "%.*s", (int)(end - name), name) : name;
}

/* Inside one transaction: withdraw the old link, issue the new one, keep
** it on the Intake until shown, and queue the email that carries it. */
static int issue(cairn_req *req, void *arg, cairn_error *err) {
  link_issue *li = arg;
  long long id = cairn_record_id(li->rec);
  long today = cairn_date_today(req);
  intake_fields fl;
  const char *path, *url;
  cairn_doc *mail;
  int rc;

  intake_fields_load(li->rec, &fl);
  intake_link_withdraw(req, &fl);
  rc = cairn_capability_issue(req, cairn_req_printf(req, "intake:%lld", id),
                              cairn_req_printf(req, "/intake/%lld/form", id),
                              cairn_record_patient(li->rec),
                              (long)intake_cfg.link_days * 24 * 60 * 60,
                              intake_cfg.link_uses, &path, &li->link, err);
  if (rc != CAIRN_OK) return rc;
  url = cairn_public_url(req, path);
  if (url == NULL && li->email[0] != '\0')
    return cairn_fail(err, CAIRN_EINVAL, "email",
                      "The clinic has no public address (<public-url> in "
                      "the configuration): a link cannot be emailed.");
  fl.link_id = intake_fmt_int(req, li->link);
  fl.link_expires = cairn_date_format(req, today + intake_cfg.link_days);
  /* Without a public address the page shows the path, and says so. */
  fl.link_url = url ? url : path;
  fl.link_sent_to = li->email;
  rc = intake_fields_save(req, li->rec, &fl, err);
  if (rc != CAIRN_OK || li->email[0] == '\0') return rc;
  mail = cairn_doc_new(req, NULL, "link-mail");
  cairn_doc_text(mail, "first-name",
                 first_name(req, cairn_record_patient(li->rec)));
  cairn_doc_text(mail, "purpose", LINK_PURPOSE);
  cairn_doc_text(mail, "link", url);
  cairn_doc_text(mail, "expires", fl.link_expires);
  return cairn_message_queue(req, li->email,
                             li->name[0] ? li->name : NULL, LINK_MAIL_VIEW,
                             mail, err);
}

/* Issue (and email) the link of intake rec from the bound form f; put a
** refusal on the form's field.  0 with li->link set, CAIRN_EINVAL with
** the message on the form, or another CAIRN_E* with *err. */
static int issue_from_form(cairn_req *req, const cairn_record *rec,
                           cairn_form *f, link_issue *li, cairn_error *err) {
  int rc;
  *li = (link_issue){.rec = rec, .email = cairn_form_value(f, "email"),
                     .name = cairn_form_value(f, "name")};
  rc = cairn_transaction(req, issue, li, err);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    /* The outbox names its own fields: they are the form's. */
    if (strcmp(err->field, "to") == 0)
      snprintf(err->field, sizeof err->field, "email");
    else if (strcmp(err->field, "to_name") == 0)
      snprintf(err->field, sizeof err->field, "name");
    cairn_form_host_error(f, err);
    return CAIRN_EINVAL;
  }
  return rc;
}

/* The intake page that shows the link just issued. */
static int redirect_shown(cairn_req *req, long long intake, long long link) {
  return cairn_respond_redirect(req, cairn_req_printf(
      req, "/intake/%lld?issued=%lld", intake, link));
}

/* 409 unless the intake still waits for its questionnaire. */
static int refuse_closed(cairn_req *req, const cairn_record *rec) {
  if (strcmp(cairn_record_value(rec, "r:state"), "open") == 0) return 0;
  return cairn_respond_error(req, 409, NULL, "The questionnaire has been "
                             "sent; a link is no longer needed.");
}

/* POST /intake/N/link: from the intake's page. */
int intake_post_link(cairn_req *req) {
  const cairn_record *rec;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  link_issue li;
  int rc = intake_load_page(req, &rec);
  if (rc != CAIRN_OK) return rc;
  if ((rc = refuse_closed(req, rec)) != 0) return rc;
  f = cairn_form_new(req, "link", INTAKE_LINK_FIELDS);
  if (cairn_form_bind(f) > 0)
    return intake_render_link_form(req, rec, f, 422);
  rc = issue_from_form(req, rec, f, &li, &err);
  if (rc == CAIRN_EINVAL)
    return intake_render_link_form(req, rec, f, 422);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  return redirect_shown(req, cairn_record_id(rec), li.link);
}

/* POST /intake/link: from the queue page, the intake chosen among the
** open ones. */
int intake_post_queue_link(cairn_req *req) {
  cairn_error err = {0, "", ""};
  const cairn_record *rec;
  cairn_form *f;
  link_issue li;
  long long id;
  int rc;
  f = cairn_form_new(req, INTAKE_SEND_FORM_ID,
                     intake_queue_link_fields(req, intake_open_choices(req)));
  if (cairn_form_bind(f) > 0) return intake_render_queue(req, f, 422);
  id = strtoll(cairn_form_value(f, "intake"), NULL, 10);
  rc = intake_load(req, id, &rec, &err);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  if ((rc = refuse_closed(req, rec)) != 0) return rc;
  rc = issue_from_form(req, rec, f, &li, &err);
  if (rc == CAIRN_EINVAL) return intake_render_queue(req, f, 422);
  if (rc != CAIRN_OK) return cairn_respond_failure(req, &err, 0);
  return redirect_shown(req, id, li.link);
}

/* See intake.h. */
const char *intake_link_take(cairn_req *req, const cairn_record **rec,
                             const char **sent_to) {
  const char *q = cairn_req_query(req, "issued");
  cairn_error err = {0, "", ""};
  intake_fields fl;
  const char *url;
  *sent_to = "";
  if (q == NULL) return NULL;
  intake_fields_load(*rec, &fl);
  if (fl.link_url[0] == '\0' || strcmp(q, fl.link_id) != 0) return NULL;
  url = fl.link_url;
  *sent_to = fl.link_sent_to;
  fl.link_url = "";
  if (intake_fields_save(req, *rec, &fl, &err) != CAIRN_OK ||
      intake_load(req, cairn_record_id(*rec), rec, &err) != CAIRN_OK)
    return NULL;
  return url;
}
