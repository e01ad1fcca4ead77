/*
** sections.c -- the referral plugin's parts of pages the program owns
** (kit sections, API level 6):
**   episode     this episode's referrals with their status, and the notes
**               the partners sent back;
**   graduation  "refer onward": the episode's referrals, and the directory
**               by what the patient wants next (one line per tag, with the
**               partners trusted for it and a link that writes the
**               referral with the directory filtered to them);
**   chart       the patient's referrals and the partners' notes, and, when
**               the intake's red-flag screen opened a referral task that is
**               still open, the link that writes it as a referral out.
** Referrals are clinical: clinicians and the administrator see these
** parts, nobody else (the routes they link to say the same).
*/
#include "referral.h"

#include <stdlib.h>
#include <string.h>

/* Referrals one section lists, newest first: a page shows a summary and
** links to the full list. */
#define SECTION_REFERRALS_MAX 10
/* Partners' notes one section shows, newest first. */
#define SECTION_NOTES_MAX 5
/* Tags the graduation section offers, and partners named per tag: the
** directory page has the rest. */
#define SECTION_TAGS_MAX 16
#define SECTION_TAG_PARTNERS_MAX 4
/* Active partners read to gather tags (the compose form's choices). */
#define SECTION_PARTNERS_MAX 200
/* A tag is at most 40 characters (the schema's Tag). */
#define TAG_LEN_MAX 40

/* A patient's referrals, newest first; of one episode when :episode > 0. */
static const char SQL_REFERRALS[] =
    "SELECT r.record, r.state, r.kind, r.changed, r.flagged, r.sent,"
    " pa.name, r.partner_notes"
    " FROM p_referral_referral r"
    " LEFT JOIN p_referral_partner pa ON pa.record = r.partner"
    " WHERE r.patient = :patient AND r.status <> 'entered-in-error'"
    " AND (:episode = 0 OR r.episode = :episode)"
    " ORDER BY r.record DESC LIMIT :limit";

/* The active partners and their tags. */
static const char SQL_PARTNERS[] =
    "SELECT name, tags FROM p_referral_partner"
    " WHERE status <> 'entered-in-error' AND active = 'true'"
    " ORDER BY name COLLATE NOCASE LIMIT :limit";

/* The patient's newest open red-flag task of the intake. */
static const char SQL_TASK[] =
    "SELECT record FROM p_intake_task WHERE patient = :patient"
    " AND state = 'open' AND status <> 'entered-in-error'"
    " ORDER BY record DESC LIMIT 1";

/* 1 when the caller may see referrals. */
static int clinical(cairn_req *req) {
  const char *role = cairn_req_role(req);
  return role != NULL &&
         (strcmp(role, "clinician") == 0 || strcmp(role, "admin") == 0);
}

/* 1 when the caller may write one. */
static int writer(cairn_req *req) {
  const char *role = cairn_req_role(req);
  return role != NULL && strcmp(role, "clinician") == 0;
}

/* A <line label= level=>text</line> under the current element, which
** stays current. */
static void put_line(cairn_doc *doc, const char *label, const char *level,
                     const char *text) {
  cairn_node *n = cairn_doc_insert_before(doc, NULL, "line", text);
  if (n == NULL) return;
  cairn_doc_at(doc, n);
  cairn_doc_attr(doc, "label", label);
  cairn_doc_attr(doc, "level", level);
  cairn_doc_close(doc);
}

/* A status in words, as the referral pages say it. */
static const char *status_words(const char *s) {
  if (strcmp(s, "draft") == 0) return "Draft: not sent yet";
  if (strcmp(s, "sent") == 0) return "Sent: waiting for the partner";
  if (strcmp(s, "acknowledged") == 0) return "Acknowledged";
  if (strcmp(s, "accepted") == 0) return "Accepted";
  if (strcmp(s, "declined") == 0) return "Declined";
  if (strcmp(s, "first-appointment") == 0) return "First appointment done";
  if (strcmp(s, "cancelled") == 0) return "Cancelled";
  return s;
}

/* What one listed referral needs after the statement is done. */
typedef struct listed {
  long long id;               /* the referral's record id */
  int partner_notes;          /* notes from the partner it holds */
} listed;

/* One <line> per referral of the patient (of `episode` when > 0), with
** the notes partners sent back as <note>s.  Returns
** how many were listed, or a negative CAIRN_E*. */
static int put_referrals(cairn_req *req, cairn_doc *doc, long long patient,
                         long long episode, cairn_error *err) {
  const char *due = cairn_date_format(req, cairn_date_today(req) -
                                               referral_cfg.ack_days);
  cairn_stmt *st = cairn_sql_prepare(req, SQL_REFERRALS, err);
  listed got[SECTION_REFERRALS_MAX];
  int n = 0, rc = 0, i, notes = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_bind_int(st, ":episode", episode) != 0 ||
      cairn_sql_bind_int(st, ":limit", SECTION_REFERRALS_MAX) != 0)
    return CAIRN_EINTERNAL;
  while (n < SECTION_REFERRALS_MAX && (rc = cairn_sql_step(st)) == 1) {
    const char *state = cairn_sql_text(st, 1), *sent = cairn_sql_text(st, 5);
    const char *flagged = cairn_sql_text(st, 4), *name = cairn_sql_text(st, 6);
    int late = strcmp(state, "sent") == 0 &&
               (flagged[0] || (sent[0] && strcmp(sent, due) <= 0));
    put_line(doc,
             cairn_req_printf(req, "%s (%s)", name[0] ? name : "A partner",
                              cairn_sql_text(st, 2)),
             late || strcmp(state, "declined") == 0 ? "warn" : "ok",
             cairn_req_printf(
                 req, "%s since %s%s", status_words(state),
                 cairn_sql_text(st, 3),
                 late ? cairn_req_printf(req, ": not acknowledged after %d "
                                              "days", referral_cfg.ack_days)
                      : ""));
    got[n].id = cairn_sql_int(st, 0);
    got[n].partner_notes = (int)cairn_sql_int(st, 7);
    n++;
  }
  if (n < SECTION_REFERRALS_MAX && rc < 0) return CAIRN_EDB;
  /* The partners' notes, newest referral first, newest note first. */
  for (i = 0; i < n && notes < SECTION_NOTES_MAX; i++) {
    const cairn_record *rec;
    int k;
    if (got[i].partner_notes == 0 ||
        cairn_record_get(req, got[i].id, &rec, err) != CAIRN_OK)
      continue;
    for (k = atoi(cairn_record_value(rec, "count(r:note)"));
         k >= 1 && notes < SECTION_NOTES_MAX; k--) {
      const char *at = cairn_req_printf(req, "r:note[%d]", k);
      if (strcmp(cairn_record_value(rec, cairn_req_printf(req, "%s/@from", at)),
                 "partner") != 0)
        continue;
      cairn_doc_text(doc, "note", cairn_req_printf(
          req, "%s, %s: %s",
          cairn_record_value(rec, cairn_req_printf(req, "%s/r:author", at)),
          cairn_record_value(rec, cairn_req_printf(req, "%s/r:time", at)),
          cairn_record_value(rec, cairn_req_printf(req, "%s/r:text", at))));
      notes++;
    }
  }
  return n;
}

/* An <action href=>label</action>. */
static void put_action(cairn_doc *doc, const char *href, const char *label) {
  cairn_doc_text_attr(doc, "action", "href", href, label);
}

/* Slot "episode". */
static int fill_episode(cairn_req *req, long long patient, long long episode,
                        cairn_doc *doc, cairn_error *err) {
  int n;
  if (!clinical(req)) return 0;
  n = put_referrals(req, doc, patient, episode, err);
  if (n < 0) return n;
  if (n == 0) cairn_doc_text(doc, "note", "No referral from this episode yet.");
  if (writer(req))
    put_action(doc, cairn_req_printf(
                        req, "/patients/%lld/referrals/new?kind=alongside&episode=%lld",
                        patient, episode),
               "Write a referral");
  put_action(doc, cairn_req_printf(req, "/patients/%lld/referrals", patient),
             "All the patient's referrals");
  return 1;
}

/* A tag of the directory and the partners trusted for it. */
typedef struct tag_count {
  char tag[TAG_LEN_MAX + 1];  /* "running" */
  int partners;               /* active partners carrying it */
  const char *names;          /* the first few, "Tom Trainer, Mia ..." */
} tag_count;

/* Count each tag of the active partners into tags[0..*n). */
static int gather_tags(cairn_req *req, tag_count *tags, int *n,
                       cairn_error *err) {
  cairn_stmt *st = cairn_sql_prepare(req, SQL_PARTNERS, err);
  int rc;
  *n = 0;
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  if (cairn_sql_bind_int(st, ":limit", SECTION_PARTNERS_MAX) != 0)
    return CAIRN_EINTERNAL;
  while ((rc = cairn_sql_step(st)) == 1) {
    const char *name = cairn_sql_text(st, 0), *p = cairn_sql_text(st, 1);
    while (*p) {
      size_t len = strcspn(p, " ");
      int i;
      if (len == 0 || len > TAG_LEN_MAX) {
        p += len ? len : 1;
        continue;
      }
      for (i = 0; i < *n; i++)
        if (strlen(tags[i].tag) == len && strncmp(tags[i].tag, p, len) == 0)
          break;
      if (i == *n && *n < SECTION_TAGS_MAX) {
        memcpy(tags[i].tag, p, len);
        tags[i].tag[len] = '\0';
        tags[i].partners = 0;
        tags[i].names = "";
        (*n)++;
      }
      if (i < *n) {
        if (tags[i].partners < SECTION_TAG_PARTNERS_MAX)
          tags[i].names = cairn_req_printf(req, "%s%s%s", tags[i].names,
                                           tags[i].partners ? ", " : "", name);
        else if (tags[i].partners == SECTION_TAG_PARTNERS_MAX)
          tags[i].names = cairn_req_printf(req, "%s, ...", tags[i].names);
        tags[i].partners++;
      }
      p += len;
    }
  }
  return rc < 0 ? CAIRN_EDB : CAIRN_OK;
}

/* Tags in alphabetical order, for qsort. */
static int tag_cmp(const void *a, const void *b) {
  return strcmp(((const tag_count *)a)->tag, ((const tag_count *)b)->tag);
}

/* Slot "graduation": refer onward, by what the patient wants next. */
static int fill_graduation(cairn_req *req, long long patient,
                           long long episode, cairn_doc *doc,
                           cairn_error *err) {
  tag_count tags[SECTION_TAGS_MAX];
  int n, rc, i;
  if (!clinical(req)) return 0;
  n = put_referrals(req, doc, patient, episode, err);
  if (n < 0) return n;
  rc = gather_tags(req, tags, &n, err);
  if (rc != CAIRN_OK) return rc;
  if (n == 0) {
    cairn_doc_text(doc, "note", "The directory has no active partner with "
                                "a tag yet: add partners and what they are "
                                "trusted for.");
  } else {
    qsort(tags, (size_t)n, sizeof *tags, tag_cmp);
    cairn_doc_text(doc, "note", "The directory's partners, by what the "
                                "clinic trusts them for. Choose what the "
                                "patient wants next: its link writes the "
                                "referral with only the partners trusted "
                                "for it.");
    for (i = 0; i < n; i++)
      put_line(doc, tags[i].tag, NULL, tags[i].names);
  }
  if (writer(req)) {
    for (i = 0; i < n; i++)
      put_action(doc, cairn_req_printf(
                          req, "/patients/%lld/referrals/new?kind=onward"
                               "&episode=%lld&tag=%s",
                          patient, episode, cairn_url_encode(req, tags[i].tag)),
                 cairn_req_printf(req, "Refer onward: %s", tags[i].tag));
    put_action(doc, cairn_req_printf(
                        req, "/patients/%lld/referrals/new?kind=onward&episode=%lld",
                        patient, episode),
               "Refer onward (every partner)");
  }
  put_action(doc, "/partners", "The directory");
  return 1;
}

/* See referral.h. */
long long referral_open_task(cairn_req *req, long long patient) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st;
  /* Only a patient with intake records can have a task, and only then is
  ** the intake's table asked about (it may not be installed). */
  if (!referral_patient_has(req, "intake", patient)) return 0;
  st = cairn_sql_prepare(req, SQL_TASK, &err);
  if (st == NULL || cairn_sql_bind_int(st, ":patient", patient) != 0 ||
      cairn_sql_step(st) != 1)
    return 0;
  return cairn_sql_int(st, 0);
}

/* Slot "chart": the patient's referrals, the partners' notes, and the
** red-flag task waiting to become a referral out. */
static int fill_chart(cairn_req *req, long long patient, long long episode,
                      cairn_doc *doc, cairn_error *err) {
  long long task;
  int n;
  (void)episode;
  if (!clinical(req)) return 0;
  task = referral_open_task(req, patient);
  if (task > 0) {
    put_line(doc, "Red flag", "alert",
             "The intake's red-flag screen asks for a referral out.");
    if (writer(req))
      put_action(doc, cairn_req_printf(
                          req, "/patients/%lld/referrals/new?kind=out", patient),
                 "Write the referral out");
  }
  n = put_referrals(req, doc, patient, 0, err);
  if (n < 0) return n;
  if (n == 0 && task == 0) return 0;
  put_action(doc, cairn_req_printf(req, "/patients/%lld/referrals", patient),
             "All the patient's referrals");
  return 1;
}

const cairn_section referral_sections[] = {
  {.slot = "episode", .title = "Referrals", .fill = fill_episode},
  {.slot = "graduation", .title = "Refer onward", .fill = fill_graduation},
  {.slot = "chart", .title = "Referrals", .fill = fill_chart},
  {.slot = NULL}
};
