/*
** compose.c -- writing a referral: the form (kind, partner, priority,
** reason, what the patient needs next, where they are in the clinician's
** words, which items of the records go in, the patient's consent), saved
** as a draft; and the rules a Referral's schema cannot say.
**
** The page takes a pre-filled kind and episode, so that other pages can
** link to it: the intake's red-flag task (/patients/P/referrals/new?
** kind=out, its reason filled in from the open task) and graduation's
** "refer onward" (/patients/P/referrals/new?kind=onward&episode=E&
** tag=running).
*/
#include "referral.h"

#include <stdlib.h>
#include <string.h>

#define COMPOSE_FORM_ID "referral"
/* Active partners offered in one form (the directory's page size). */
#define PARTNER_CHOICES_MAX 200

static const char *const KINDS[] = {
  "onward", "Onward, after graduation: to take the patient further",
  "out", "Out: a red flag or something outside the program's scope",
  "alongside", "Alongside the program, while it runs",
  NULL
};
static const char *const PRIORITIES[] = {
  "routine", "Routine", "urgent", "Urgent", "asap", "As soon as possible",
  NULL
};
static const char *const CONSENT_METHODS[] = {
  "verbal", "Verbal, recorded here", "written", "Written, on file", NULL
};

/* The form's fields; the partner's choices are the active partners of
** the directory (filtered by ?tag=), made per request. */
static cairn_field *compose_fields(cairn_req *req, const char *tag) {
  static const char SQL[] =
      "SELECT record, name, organisation, discipline FROM p_referral_partner"
      " WHERE status <> 'entered-in-error' AND active = 'true'"
      " AND (:tag = '' OR tags LIKE '% ' || :tag || ' %')"
      " ORDER BY name COLLATE NOCASE LIMIT :limit";
  const cairn_field tmpl[] = {
    {.name = "kind", .label = "Kind of referral", .kind = CAIRN_FIELD_RADIO,
     .flags = CAIRN_FIELD_REQUIRED, .choices = KINDS},
    {.name = "partner", .label = "Partner", .kind = CAIRN_FIELD_SELECT,
     .flags = CAIRN_FIELD_REQUIRED,
     .hint = "Who we trust to take the patient there (the directory's "
             "active partners)."},
    {.name = "priority", .label = "Urgency", .kind = CAIRN_FIELD_SELECT,
     .flags = CAIRN_FIELD_REQUIRED, .choices = PRIORITIES},
    {.name = "reason", .label = "Reason for the referral",
     .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
     .max = REFERRAL_TEXT_MAX},
    {.name = "code", .label = "What the patient needs next",
     .kind = CAIRN_FIELD_TEXTAREA, .flags = CAIRN_FIELD_REQUIRED,
     .max = REFERRAL_TEXT_MAX},
    {.name = "summary", .label = "Where the patient is, in your words",
     .kind = CAIRN_FIELD_TEXTAREA, .max = REFERRAL_TEXT_MAX,
     .hint = "Shared with the partner, with the items you tick below."},
    {.name = "consent", .label = "The patient agrees to share this "
                                 "referral with the partner",
     .kind = CAIRN_FIELD_CHECKBOX, .flags = CAIRN_FIELD_REQUIRED},
    {.name = "consentMethod", .label = "How the patient agreed",
     .kind = CAIRN_FIELD_SELECT, .flags = CAIRN_FIELD_REQUIRED,
     .choices = CONSENT_METHODS},
    {.name = "episode", .label = "Episode", .kind = CAIRN_FIELD_HIDDEN},
    {.name = NULL}
  };
  cairn_field *f = cairn_req_alloc(req, sizeof tmpl);
  const char **choices =
      cairn_req_alloc(req, sizeof *choices * (2 * PARTNER_CHOICES_MAX + 1));
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL, &err);
  int n = 0;
  memcpy(f, tmpl, sizeof tmpl);
  if (st != NULL && cairn_sql_bind_text(st, ":tag", tag) == 0 &&
      cairn_sql_bind_int(st, ":limit", PARTNER_CHOICES_MAX) == 0) {
    while (n < 2 * PARTNER_CHOICES_MAX && cairn_sql_step(st) == 1) {
      const char *org = cairn_sql_text(st, 2);
      choices[n++] = cairn_req_strdup(req, cairn_sql_text(st, 0));
      choices[n++] = cairn_req_printf(req, "%s%s%s (%s)", cairn_sql_text(st, 1),
                                      org[0] ? ", " : "", org,
                                      cairn_sql_text(st, 3));
    }
  }
  choices[n] = NULL;
  f[1].choices = choices;
  return f;
}

/* ?tag= or the posted tag, checked to be a tag ("" otherwise). */
static const char *tag_param(cairn_req *req) {
  const char *t = cairn_req_query(req, "tag");
  size_t i;
  if (t == NULL || strlen(t) > 40) return "";
  for (i = 0; t[i]; i++)
    if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') ||
          t[i] == '-'))
      return "";
  return t;
}

/* The patient's newest episode, or 0. */
static long long newest_episode(cairn_req *req, long long patient) {
  static const char SQL[] =
      "SELECT record FROM p_program_episode WHERE patient = :patient"
      " AND status <> 'entered-in-error'"
      " ORDER BY period_start DESC, record DESC LIMIT 1";
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL, &err);
  if (st == NULL || cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_step(st) != 1)
    return 0;
  return cairn_sql_int(st, 0);
}

/* The reason of a referral out, from the intake's open red-flag task:
** when it was opened and which flags were positive (the questions and
** their sources are on the intake's page).  NULL when there is none. */
static const char *redflag_reason(cairn_req *req, long long patient) {
  long long task = referral_open_task(req, patient);
  const cairn_record *t;
  cairn_error err = {0, "", ""};
  const char *flags = "";
  int k, n;
  if (task == 0 || cairn_record_get(req, task, &t, &err) != CAIRN_OK)
    return NULL;
  n = atoi(cairn_record_value(t, "count(r:flag)"));
  for (k = 1; k <= n && k <= REFERRAL_FLAGS_MAX; k++)
    flags = cairn_req_printf(req, "%s%s%s", flags, k > 1 ? ", " : "",
                             cairn_record_value(t, cairn_req_printf(
                                 req, "r:flag[%d]", k)));
  return cairn_req_printf(req, "Red-flag screen at intake (%s): positive "
                               "for %s.", cairn_record_value(t, "r:opened"),
                          flags);
}

/* The compose page: patient, form, the items to share. */
static int render_new(cairn_req *req, long long patient, long long episode,
                      cairn_form *f, const char *tag, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "referral-new");
  cairn_error err = {0, "", ""};
  const cairn_record *p;
  int rc;
  if (cairn_record_get(req, patient, &p, &err) != CAIRN_OK ||
      strcmp(cairn_record_type_name(p), PROGRAM_T_PATIENT) != 0)
    return cairn_respond_error(req, 404, NULL, "There is no such patient.");
  cairn_doc_attr(doc, "patient", referral_fmt_int(req, patient));
  cairn_doc_attr(doc, "patient-name", cairn_record_value(p, "r:name"));
  if (episode > 0) cairn_doc_attr(doc, "episode", referral_fmt_int(req, episode));
  cairn_doc_attr(doc, "tag", tag);
  cairn_doc_open(doc, "offers");
  rc = referral_where_offer(req, doc, patient, episode);
  cairn_doc_close(doc);
  if (rc == CAIRN_ENOTFOUND)
    return cairn_respond_error(req, 404, NULL, "That episode is not this patient's.");
  if (rc != CAIRN_OK) return rc;
  cairn_form_doc(doc, f, cairn_req_printf(req, "/patients/%lld/referrals", patient),
                 "Save the referral");
  return cairn_respond_view(req, doc, "referral/new", status);
}

/* GET /patients/P/referrals/new?kind=&episode=&partner=&tag=. */
int referral_page_new(cairn_req *req) {
  long long patient = referral_param_id(req, "patient");
  const char *tag = tag_param(req);
  cairn_form *f = cairn_form_new(req, COMPOSE_FORM_ID, compose_fields(req, tag));
  const char *kind = cairn_req_query(req, "kind");
  const char *ep = cairn_req_query(req, "episode");
  const char *partner = cairn_req_query(req, "partner");
  long long episode = 0;
  if (ep != NULL && ep[0] != '\0') {
    char *end;
    episode = strtoll(ep, &end, 10);
    if (*end != '\0' || episode <= 0 || strlen(ep) > 18)
      return cairn_respond_error(req, 400, NULL, "The episode is a record number.");
  } else {
    episode = newest_episode(req, patient);
  }
  if (kind && (strcmp(kind, "onward") == 0 || strcmp(kind, "out") == 0 ||
               strcmp(kind, "alongside") == 0))
    cairn_form_set(f, "kind", kind);
  if (kind && strcmp(kind, "out") == 0) {
    const char *reason = redflag_reason(req, patient);
    cairn_form_set(f, "priority", "urgent");
    if (reason) cairn_form_set(f, "reason", reason);
  } else {
    cairn_form_set(f, "priority", "routine");
  }
  if (partner) cairn_form_set(f, "partner", partner);
  if (episode > 0) cairn_form_set(f, "episode", referral_fmt_int(req, episode));
  cairn_form_set(f, "consentMethod", "verbal");
  return render_new(req, patient, episode, f, tag, 200);
}

/* POST /patients/P/referrals: a draft. */
int referral_post_new(cairn_req *req) {
  long long patient = referral_param_id(req, "patient");
  cairn_form *f = cairn_form_new(req, COMPOSE_FORM_ID, compose_fields(req, ""));
  cairn_error err = {0, "", ""};
  const cairn_record *partner, *pat;
  cairn_doc *body;
  long long episode = 0, id;
  const char *today = cairn_req_today(req), *ep;
  int rc;

  if (cairn_record_get(req, patient, &pat, &err) != CAIRN_OK ||
      strcmp(cairn_record_type_name(pat), PROGRAM_T_PATIENT) != 0)
    return cairn_respond_error(req, 404, NULL, "There is no such patient.");
  cairn_form_bind(f);
  ep = cairn_form_value(f, "episode");
  if (ep[0] != '\0') {
    char *end;
    episode = strtoll(ep, &end, 10);
    if (*end != '\0' || episode <= 0) {
      cairn_form_error(f, "", "The episode is not one of this patient's.");
      episode = 0;
    }
  }
  if (cairn_form_errors(f) > 0)
    return render_new(req, patient, episode, f, "", 422);
  if (referral_partner_load(req, atoll(cairn_form_value(f, "partner")),
                            &partner, &err) != CAIRN_OK ||
      strcmp(cairn_record_value(partner, "r:active"), "true") != 0) {
    cairn_form_error(f, "partner", "Choose an active partner.");
    return render_new(req, patient, episode, f, "", 422);
  }
  body = cairn_doc_new(req, REFERRAL_NS, "Referral");
  if (episode > 0) cairn_doc_text(body, "episode", referral_fmt_int(req, episode));
  cairn_doc_text(body, "performer",
                 referral_fmt_int(req, cairn_record_id(partner)));
  cairn_doc_text(body, "performerDisplay",
                 referral_partner_display(req, partner));
  cairn_doc_text(body, "category", cairn_form_value(f, "kind"));
  cairn_doc_text(body, "priority", cairn_form_value(f, "priority"));
  cairn_doc_text(body, "status", "draft");
  cairn_doc_text(body, "authoredOn", today);
  cairn_doc_text(body, "requester", cairn_req_actor(req));
  cairn_doc_text(body, "reason", cairn_form_value(f, "reason"));
  cairn_doc_text(body, "code", cairn_form_value(f, "code"));
  rc = referral_where_build(req, body, patient, episode,
                            cairn_form_value(f, "summary"));
  if (rc == CAIRN_ENOTFOUND) {
    cairn_form_error(f, "", "The episode is not one of this patient's.");
    return render_new(req, patient, 0, f, "", 422);
  }
  if (rc != CAIRN_OK) return rc;
  cairn_doc_open(body, "consent");
  cairn_doc_text(body, "date", today);
  cairn_doc_text(body, "method", cairn_form_value(f, "consentMethod"));
  cairn_doc_text(body, "recordedBy", cairn_req_actor(req));
  cairn_doc_close(body);
  cairn_doc_open(body, "statusHistory");
  cairn_doc_text(body, "status", "draft");
  cairn_doc_text(body, "date", today);
  cairn_doc_text(body, "by", cairn_req_actor(req));
  cairn_doc_close(body);
  if (cairn_record_create(req, REFERRAL_T_REFERRAL, patient, body, &id, &err) != 0) {
    if (err.code != CAIRN_EINVAL) return cairn_respond_failure(req, &err, 0);
    cairn_form_host_error(f, &err);
    return render_new(req, patient, episode, f, "", 422);
  }
  cairn_audit_note(req, patient, id);
  return cairn_respond_redirect(
      req, cairn_req_printf(req, "/patients/%lld/referrals/%lld", patient, id));
}

/* See referral.h. */
int referral_check_referral(cairn_req *req, cairn_doc *body, cairn_error *err) {
  const cairn_record *rec;
  cairn_error e = {0, "", ""};
  const char *status = cairn_doc_value(body, NULL, "r:status");
  double performer = 0, episode = 0;
  if (cairn_doc_number(body, NULL, "r:performer", &performer) != 0 ||
      cairn_record_get(req, (long long)performer, &rec, &e) != CAIRN_OK ||
      strcmp(cairn_record_type_name(rec), REFERRAL_T_PARTNER) != 0)
    return cairn_fail(err, CAIRN_EINVAL, "partner",
                      "The partner is not one of the directory's.");
  if (cairn_doc_number(body, NULL, "r:episode", &episode) == 0 &&
      (cairn_record_get(req, (long long)episode, &rec, &e) != CAIRN_OK ||
       strcmp(cairn_record_type_name(rec), PROGRAM_T_EPISODE) != 0))
    return cairn_fail(err, CAIRN_EINVAL, "episode",
                      "The episode is not an episode of care.");
  if (strcmp(status, "draft") != 0 && strcmp(status, "cancelled") != 0 &&
      cairn_doc_count(body, NULL, "r:consent") == 0)
    return cairn_fail(err, CAIRN_EINVAL, "consent",
                      "Record the patient's consent before the referral "
                      "is sent.");
  if (strcmp(cairn_doc_value(body, NULL, "r:statusHistory[last()]/r:status"),
             status) != 0)
    return cairn_fail(err, CAIRN_EINVAL, "status",
                      "The status history does not end in the status.");
  return CAIRN_OK;
}
