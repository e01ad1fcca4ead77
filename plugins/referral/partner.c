/*
** partner.c -- the directory of trusted partners: the list (filtered by
** name, discipline or what they are trusted for), a new partner, one
** partner with the referrals sent to them, and changes (a new version of
** the Partner record; "active" off keeps them out of new referrals).
*/
#include "referral.h"

#include <string.h>

#define PARTNER_FORM_ID "partner"

/* value, label pairs, as the form model takes them. */
static const char *const DISCIPLINES[] = {
  "physical-therapist", "Physical therapist",
  "movement-specialist", "Movement specialist",
  "massage-therapist", "Massage therapist",
  "personal-trainer", "Personal trainer",
  "physician", "Physician",
  "psychologist", "Psychologist",
  "other", "Other",
  NULL
};

static const cairn_field PARTNER_FIELDS[] = {
  {.name = "name", .label = "Name", .kind = CAIRN_FIELD_TEXT,
   .flags = CAIRN_FIELD_REQUIRED, .max = REFERRAL_LINE_MAX},
  {.name = "organisation", .label = "Organisation or practice",
   .kind = CAIRN_FIELD_TEXT, .max = REFERRAL_LINE_MAX},
  {.name = "discipline", .label = "Discipline", .kind = CAIRN_FIELD_SELECT,
   .flags = CAIRN_FIELD_REQUIRED, .choices = DISCIPLINES},
  {.name = "email", .label = "Email", .kind = CAIRN_FIELD_EMAIL,
   .max = 254, .hint = "Referrals are sent here: the email carries only "
                       "their name and a link."},
  {.name = "phone", .label = "Phone", .kind = CAIRN_FIELD_TEXT,
   .max = REFERRAL_LINE_MAX},
  {.name = "address", .label = "Address", .kind = CAIRN_FIELD_TEXTAREA,
   .max = REFERRAL_TEXT_MAX},
  {.name = "trustedFor", .label = "What we trust them for",
   .kind = CAIRN_FIELD_TEXTAREA, .max = REFERRAL_TEXT_MAX},
  {.name = "tags", .label = "Tags", .kind = CAIRN_FIELD_TEXT,
   .max = REFERRAL_LINE_MAX,
   .hint = "Words separated by spaces or commas, such as "
           "post-rehab-strength running pelvic-health"},
  {.name = "active", .label = "Active: offered for new referrals",
   .kind = CAIRN_FIELD_CHECKBOX},
  {.name = NULL}
};

/* ------------------------------------------------------------- tags */

/* 1 when c may be part of a tag: [a-z0-9-]. */
static int tag_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Split "running, Pelvic health" into tags under the current element of
** `body` (lower case; spaces and commas separate).  Refuses a tag with
** another character, a long one, or more than the schema allows. */
static int tags_put(cairn_req *req, cairn_doc *body, const char *text,
                    cairn_form *f) {
  char *s = cairn_req_strdup(req, text), *p = s;
  int n = 0;
  while (*p) {
    char *start;
    while (*p == ' ' || *p == ',') p++;
    if (*p == '\0') break;
    start = p;
    while (*p && *p != ' ' && *p != ',') {
      if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
      if (!tag_char(*p)) {
        cairn_form_error(f, "tags", "A tag is made of letters a-z, digits "
                                    "and hyphens, such as pelvic-health.");
        return CAIRN_EINVAL;
      }
      p++;
    }
    if (*p) *p++ = '\0';
    if (strlen(start) > 40 || ++n > REFERRAL_TAGS_MAX) {
      cairn_form_error(f, "tags", cairn_req_printf(
          req, "At most %d tags of at most 40 characters each.",
          REFERRAL_TAGS_MAX));
      return CAIRN_EINVAL;
    }
    cairn_doc_text(body, "tag", start);
  }
  return CAIRN_OK;
}

/* See referral.h: what the schema cannot say. */
int referral_check_partner(cairn_req *req, cairn_doc *body, cairn_error *err) {
  cairn_node *a, *b;
  (void)req;
  for (a = cairn_node_child(body, NULL, "tag"); a; a = cairn_node_next(a, "tag"))
    for (b = cairn_node_next(a, "tag"); b; b = cairn_node_next(b, "tag"))
      if (strcmp(cairn_node_text(body, a), cairn_node_text(body, b)) == 0)
        return cairn_fail(err, CAIRN_EINVAL, "tags", "The tag %.40s is given "
                          "twice.", cairn_node_text(body, a));
  return CAIRN_OK;
}

/* ------------------------------------------------------------- forms */

/* The Partner body from a bound form, or NULL with the form's messages
** set. */
static cairn_doc *partner_body(cairn_req *req, cairn_form *f) {
  cairn_doc *body = cairn_doc_new(req, REFERRAL_NS, "Partner");
  referral_put(body, "name", cairn_form_value(f, "name"));
  referral_put(body, "organisation", cairn_form_value(f, "organisation"));
  referral_put(body, "discipline", cairn_form_value(f, "discipline"));
  referral_put(body, "email", cairn_form_value(f, "email"));
  referral_put(body, "phone", cairn_form_value(f, "phone"));
  referral_put(body, "address", cairn_form_value(f, "address"));
  referral_put(body, "trustedFor", cairn_form_value(f, "trustedFor"));
  if (tags_put(req, body, cairn_form_value(f, "tags"), f) != CAIRN_OK)
    return NULL;
  cairn_doc_text(body, "active",
                 strcmp(cairn_form_value(f, "active"), "yes") == 0 ? "true"
                                                                   : "false");
  return body;
}

/* Fill the form with a stored partner's values. */
static void form_from_partner(cairn_req *req, cairn_form *f,
                              const cairn_record *p) {
  static const char *const NAMES[] = {"name", "organisation", "discipline",
                                      "email", "phone", "address",
                                      "trustedFor", NULL};
  size_t i;
  for (i = 0; NAMES[i]; i++)
    cairn_form_set(f, NAMES[i], cairn_record_value(
        p, cairn_req_printf(req, "r:%s", NAMES[i])));
  cairn_form_set(f, "tags", cairn_record_value(
      p, "normalize-space(concat(r:tag[1], ' ', r:tag[2], ' ', r:tag[3], ' ',"
         " r:tag[4], ' ', r:tag[5], ' ', r:tag[6], ' ', r:tag[7], ' ',"
         " r:tag[8], ' ', r:tag[9], ' ', r:tag[10], ' ', r:tag[11], ' ',"
         " r:tag[12]))"));
  cairn_form_set(f, "active",
                 strcmp(cairn_record_value(p, "r:active"), "true") == 0
                     ? "yes" : "");
}

/* The new-partner page, with a refused form when there is one. */
static int render_new(cairn_req *req, cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "partner-new");
  cairn_form_doc(doc, f, "/partners", "Add the partner");
  return cairn_respond_view(req, doc, "referral/partner", status);
}

/* GET /partners/new. */
int referral_page_partner_new(cairn_req *req) {
  cairn_form *f = cairn_form_new(req, PARTNER_FORM_ID, PARTNER_FIELDS);
  cairn_form_set(f, "active", "yes");
  return render_new(req, f, 200);
}

/* POST /partners. */
int referral_post_partner_new(cairn_req *req) {
  cairn_form *f = cairn_form_new(req, PARTNER_FORM_ID, PARTNER_FIELDS);
  cairn_error err = {0, "", ""};
  cairn_doc *body;
  long long id;
  if (cairn_form_bind(f) > 0) return render_new(req, f, 422);
  body = partner_body(req, f);
  if (body == NULL) return render_new(req, f, 422);
  if (cairn_record_create(req, REFERRAL_T_PARTNER, 0, body, &id, &err) != 0) {
    if (err.code != CAIRN_EINVAL) return cairn_respond_failure(req, &err, 0);
    cairn_form_host_error(f, &err);
    return render_new(req, f, 422);
  }
  return cairn_respond_redirect(req, cairn_req_printf(req, "/partners/%lld", id));
}

/* ------------------------------------------------------------ pages */

/* <referral id= patient= name= state= sent=/>* of the referrals sent to
** partner `id`, newest first. */
static int doc_partner_referrals(cairn_req *req, cairn_doc *doc, long long id) {
  static const char SQL[] =
      "SELECT r.record, r.patient, p.name, r.state, r.sent, r.kind"
      " FROM p_referral_referral r LEFT JOIN p_program_patient p"
      " ON p.record = r.patient"
      " WHERE r.partner = :partner AND r.status <> 'entered-in-error'"
      " ORDER BY r.record DESC LIMIT :limit";
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL, &err);
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":partner", id) != 0 ||
      cairn_sql_bind_int(st, ":limit", REFERRAL_LIST_MAX) != 0)
    return CAIRN_EINTERNAL;
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "referral");
    cairn_doc_attr(doc, "id", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "patient", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "state", cairn_sql_text(st, 3));
    cairn_doc_attr(doc, "sent", cairn_sql_text(st, 4));
    cairn_doc_attr(doc, "kind", cairn_sql_text(st, 5));
    cairn_doc_close(doc);
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* One partner's page, with its edit form. */
static int render_partner(cairn_req *req, const cairn_record *p, cairn_form *f,
                          int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "partner");
  const char *role = cairn_req_role(req);
  long long id = cairn_record_id(p);
  int rc;
  cairn_doc_attr(doc, "id", referral_fmt_int(req, id));
  cairn_doc_attr(doc, "role", role);
  cairn_doc_record(doc, p);
  rc = doc_partner_referrals(req, doc, id);
  if (rc != CAIRN_OK) return rc;
  if (role && strcmp(role, "front-desk") != 0) {
    if (f == NULL) {
      f = cairn_form_new(req, PARTNER_FORM_ID, PARTNER_FIELDS);
      form_from_partner(req, f, p);
    }
    cairn_form_doc(doc, f, cairn_req_printf(req, "/partners/%lld", id),
                   "Save the changes");
  }
  return cairn_respond_view(req, doc, "referral/partner", status);
}

/* GET /partners/N. */
int referral_page_partner(cairn_req *req) {
  const cairn_record *p;
  cairn_error err = {0, "", ""};
  if (referral_partner_load(req, referral_param_id(req, "id"), &p, &err) != 0)
    return cairn_respond_failure(req, &err, 0);
  return render_partner(req, p, NULL, 200);
}

/* POST /partners/N: a new version of the partner. */
int referral_post_partner(cairn_req *req) {
  const cairn_record *p;
  cairn_error err = {0, "", ""};
  cairn_form *f;
  cairn_doc *body;
  if (referral_partner_load(req, referral_param_id(req, "id"), &p, &err) != 0)
    return cairn_respond_failure(req, &err, 0);
  f = cairn_form_new(req, PARTNER_FORM_ID, PARTNER_FIELDS);
  if (cairn_form_bind(f) > 0) return render_partner(req, p, f, 422);
  body = partner_body(req, f);
  if (body == NULL) return render_partner(req, p, f, 422);
  if (cairn_record_revise(req, cairn_record_id(p), cairn_record_version(p),
                          NULL, body, &err) != 0) {
    if (err.code != CAIRN_EINVAL) return cairn_respond_failure(req, &err, 0);
    cairn_form_host_error(f, &err);
    return render_partner(req, p, f, 422);
  }
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/partners/%lld", cairn_record_id(p)));
}

/* GET /partners: the directory, filtered by ?q= (name or organisation),
** ?discipline= and ?tag=; active partners first. */
int referral_page_partners(cairn_req *req) {
  static const char SQL[] =
      "SELECT record, name, organisation, discipline, email, tags, active"
      " FROM p_referral_partner"
      " WHERE status <> 'entered-in-error'"
      " AND (:q = '' OR name LIKE '%' || :q || '%' ESCAPE '\\'"
      "      OR organisation LIKE '%' || :q || '%' ESCAPE '\\')"
      " AND (:discipline = '' OR discipline = :discipline)"
      " AND (:tag = '' OR tags LIKE '% ' || :tag || ' %' ESCAPE '\\')"
      " ORDER BY active = 'true' DESC, name COLLATE NOCASE LIMIT :limit";
  cairn_error err = {0, "", ""};
  cairn_doc *doc = cairn_doc_new(req, NULL, "partners");
  cairn_stmt *st = cairn_sql_prepare(req, SQL, &err);
  const char *q = cairn_req_query(req, "q");
  const char *discipline = cairn_req_query(req, "discipline");
  const char *tag = cairn_req_query(req, "tag");
  int rc;
  if (st == NULL) return err.code ? err.code : CAIRN_EDB;
  q = q ? q : "";
  discipline = discipline ? discipline : "";
  tag = tag ? tag : "";
  /* LIKE's own characters in what was typed match themselves. */
  if (strpbrk(q, "%_\\") || strpbrk(tag, "%_\\"))
    return cairn_respond_error(req, 400, NULL, "Search for letters, digits and "
                                         "spaces only.");
  if (cairn_sql_bind_text(st, ":q", q) != 0 ||
      cairn_sql_bind_text(st, ":discipline", discipline) != 0 ||
      cairn_sql_bind_text(st, ":tag", tag) != 0 ||
      cairn_sql_bind_int(st, ":limit", REFERRAL_LIST_MAX) != 0)
    return CAIRN_EINTERNAL;
  cairn_doc_attr(doc, "role", cairn_req_role(req));
  cairn_doc_attr(doc, "q", q);
  cairn_doc_attr(doc, "discipline", discipline);
  cairn_doc_attr(doc, "tag", tag);
  while ((rc = cairn_sql_step(st)) == 1) {
    cairn_doc_open(doc, "partner");
    cairn_doc_attr(doc, "id", cairn_sql_text(st, 0));
    cairn_doc_attr(doc, "name", cairn_sql_text(st, 1));
    cairn_doc_attr(doc, "organisation", cairn_sql_text(st, 2));
    cairn_doc_attr(doc, "discipline", cairn_sql_text(st, 3));
    cairn_doc_attr(doc, "email", cairn_sql_text(st, 4));
    cairn_doc_attr(doc, "tags", cairn_sql_text(st, 5));
    cairn_doc_attr(doc, "active", cairn_sql_text(st, 6));
    cairn_doc_close(doc);
  }
  if (rc < 0) return CAIRN_EDB;
  return cairn_respond_view(req, doc, "referral/partners", 200);
}
