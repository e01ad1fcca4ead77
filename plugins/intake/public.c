/*
** public.c -- the public page where a prospective patient asks for the
** free discovery call (PROGRAM.md, step 0).
**
** Spam is resisted without any third party:
**   - a honeypot: a field people never see or reach ("website"); a form
**     that fills it is answered as if accepted and nothing is stored, so
**     a robot learns nothing;
**   - a minimum time: the form carries a time stamp signed with a key
**     made at start-up (keyed BLAKE2b), with a random nonce so that no
**     two forms share one; a form sent sooner than
**     min-seconds after it was served, or with a stamp that is missing,
**     forged or older than a day, is refused;
**   - a stamp is good for one request: the stored request keeps its
**     BLAKE2b hash, and a second request with it is refused (the check
**     hook, inside the write's transaction);
**   - a per-address rate limit (the host's rate_check) on requests that
**     would be stored.
** A stored request is noted for the audit trail (actor "public", the
** request's record id and nothing it says).
** The host refuses a form from another origin, or without the visitor's
** form token, before this code runs (CSRF, double submit).
** The confirmation page shows nothing that was sent.
*/
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A stamp older than this is refused: a form left open overnight is
** served again rather than trusted. */
#define STAMP_MAX_AGE_S (24 * 60 * 60)
/* The MAC's length in bytes (128 bits: forging one is out of reach). */
#define STAMP_MAC_BYTES 16
/* The key's length in bytes: BLAKE2b's full 256-bit key. */
#define STAMP_KEY_BYTES 32
/* Random bytes in each stamp, so that two forms served in the same second
** carry different stamps (a stamp is good for one request). */
#define STAMP_NONCE_BYTES 8

static unsigned char stamp_key[STAMP_KEY_BYTES];

/* See intake.h: a new key each start-up. */
void intake_stamp_init(void) {
  cairn_random_bytes(stamp_key, sizeof stamp_key);
}

/* n bytes as lower-case hex into out (2n + 1 bytes). */
static void hex_of(char *out, const unsigned char *in, size_t n) {
  static const char HEX[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < n; i++) {
    out[2 * i] = HEX[in[i] >> 4];
    out[2 * i + 1] = HEX[in[i] & 0xF];
  }
  out[2 * n] = '\0';
}

/* "<seconds>.<nonce>.<32 hex digits>" for time t and a nonce of
** 2 * STAMP_NONCE_BYTES hex digits, in the arena: the seconds, the nonce,
** and the first STAMP_MAC_BYTES of the keyed BLAKE2b hash of both. */
static const char *stamp_make(cairn_req *req, long long t,
                              const char *nonce) {
  char msg[64], hex[2 * STAMP_MAC_BYTES + 1];
  unsigned char mac[32];
  snprintf(msg, sizeof msg, "%lld.%s", t, nonce);
  cairn_hash(mac, msg, strlen(msg), stamp_key, sizeof stamp_key);
  hex_of(hex, mac, STAMP_MAC_BYTES);
  return cairn_req_printf(req, "%s.%s", msg, hex);
}

/* A new stamp for now. */
static const char *stamp_new(cairn_req *req) {
  unsigned char n[STAMP_NONCE_BYTES];
  char hex[2 * STAMP_NONCE_BYTES + 1];
  cairn_random_bytes(n, sizeof n);
  hex_of(hex, n, sizeof n);
  return stamp_make(req, (long long)time(NULL), hex);
}

/* Seconds since the stamp was made, or -1 when it is missing or forged. */
static long long stamp_age(cairn_req *req, const char *stamp) {
  const char *dot = strchr(stamp, '.'), *dot2;
  char *end, nonce[2 * STAMP_NONCE_BYTES + 1];
  long long t;
  const char *want;
  size_t i;
  if (dot == NULL || dot - stamp > 12 || dot == stamp) return -1;
  t = strtoll(stamp, &end, 10);
  if (end != dot || t <= 0) return -1;
  dot2 = strchr(dot + 1, '.');
  if (dot2 == NULL || (size_t)(dot2 - dot - 1) != 2 * STAMP_NONCE_BYTES)
    return -1;
  for (i = 0; i < 2 * STAMP_NONCE_BYTES; i++) {
    char c = dot[1 + i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return -1;
    nonce[i] = c;
  }
  nonce[i] = '\0';
  want = stamp_make(req, t, nonce);
  if (strlen(want) != strlen(stamp) ||
      !cairn_equal_ct(want, stamp, strlen(want)))
    return -1;
  return (long long)time(NULL) - t;
}

/* The hex BLAKE2b-256 of a stamp, in the arena: what a request keeps. */
static const char *stamp_hash(cairn_req *req, const char *stamp) {
  unsigned char h[32];
  char *out = cairn_req_alloc(req, 2 * sizeof h + 1);
  cairn_hash(h, stamp, strlen(stamp), NULL, 0);
  hex_of(out, h, sizeof h);
  return out;
}

static const char SQL_STAMP_USED[] =
    "SELECT record FROM p_intake_request WHERE stamp = :stamp"
    " AND status <> 'entered-in-error' LIMIT 1";

/* Message of a replayed form. */
#define STAMP_USED_MESSAGE \
  "This form was already sent: we have your request. To ask again, " \
  "open the form anew."

int intake_check_request(cairn_req *req, cairn_doc *body, cairn_error *err) {
  const char *stamp = cairn_doc_value(body, NULL, "r:stamp");
  cairn_stmt *st;
  int rc;
  /* Only a new request spends its stamp; later versions carry it. */
  if (stamp[0] == '\0' ||
      strcmp(cairn_doc_value(body, NULL, "r:state"), "new") != 0)
    return CAIRN_OK;
  st = cairn_sql_prepare(req, SQL_STAMP_USED, err);
  if (st == NULL) return err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_text(st, ":stamp", stamp);
  rc = cairn_sql_step(st);
  if (rc < 0) return cairn_fail(err, CAIRN_EDB, NULL, "stamp query");
  if (rc == 1)
    return cairn_fail(err, CAIRN_ECONFLICT, "stamp", STAMP_USED_MESSAGE);
  return CAIRN_OK;
}

/* The request that spent `stamp`, or 0. */
static long long stamp_owner(cairn_req *req, const char *stamp) {
  cairn_error err = {0, "", ""};
  cairn_stmt *st = cairn_sql_prepare(req, SQL_STAMP_USED, &err);
  if (st == NULL || stamp == NULL) return 0;
  cairn_sql_bind_text(st, ":stamp", stamp_hash(req, stamp));
  return cairn_sql_step(st) == 1 ? cairn_sql_int(st, 0) : 0;
}

/* The fields of the form, in order. */
static const cairn_field FIELDS[] = {
  {.name = "name", .label = "Your name", .kind = CAIRN_FIELD_TEXT,
   .max = INTAKE_NAME_MAX},
  {.name = "contact", .label = "How can we reach you?",
   .kind = CAIRN_FIELD_TEXT, .max = INTAKE_LINE_MAX,
   .hint = "A phone number or an email address."},
  {.name = "times", .label = "When suits you for the call? (optional)",
   .kind = CAIRN_FIELD_TEXT, .max = INTAKE_LINE_MAX},
  {.name = "problem", .label = "A few lines about your pain",
   .kind = CAIRN_FIELD_TEXTAREA, .max = INTAKE_TEXT_MAX},
  {.name = "consent", .label = "I agree that the clinic may contact me "
                               "about this call, using the details above.",
   .kind = CAIRN_FIELD_CHECKBOX},
  {.name = NULL}
};

/* The public request page with form f, a fresh stamp. */
static int render(cairn_req *req, cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "request-form");
  cairn_doc_attr(doc, "action", "/request-a-call");
  cairn_doc_attr(doc, "stamp", stamp_new(req));
  cairn_form_doc(doc, f, "/request-a-call", "Send my request");
  return cairn_respond_view(req, doc, "intake/request-form", status);
}

/* The empty form's document; its stamp is each visitor's (fresh_stamp). */
static cairn_doc *empty_form(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "request-form");
  cairn_doc_attr(doc, "action", "/request-a-call");
  cairn_form_doc(doc, cairn_form_new(req, INTAKE_FORM_ID, FIELDS),
                 "/request-a-call", "Send my request");
  return doc;
}

/* A new stamp for each visitor of the kept empty form. */
static const char *fresh_stamp(cairn_req *req, const char *name) {
  (void)name;
  return stamp_new(req);
}

/* GET /request-a-call: the empty form, the same page for every visitor
** but for the form token and the stamp, so the core keeps it rendered. */
int intake_page_request(cairn_req *req) {
  static const char *const fresh[] = {"stamp", NULL};
  return cairn_respond_shared_fresh(req, empty_form, "intake/request-form",
                                    fresh, fresh_stamp);
}

/* GET /request-a-call/thanks: what happens next, nothing of what was
** sent. */
int intake_page_thanks(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "request-thanks");
  cairn_doc_attr(doc, "answer-days",
                 intake_fmt_int(req, intake_cfg.answer_days));
  return cairn_respond_view(req, doc, "intake/thanks", 200);
}

/* The form-level message when the stamp is missing, forged, stale or too
** fresh; NULL when it is good. */
static const char *stamp_problem(cairn_req *req) {
  const char *stamp = cairn_req_form(req, "stamp");
  long long age = stamp ? stamp_age(req, stamp) : -1;
  if (age < 0 || age > STAMP_MAX_AGE_S)
    return "This form had expired. Please check your answers and send it "
           "again.";
  if (age < intake_cfg.min_seconds)
    return "That was sent very quickly, so it looked automated. Please "
           "check your answers and send it again.";
  return NULL;
}

/* A form holding f's values as typed and none of its messages: a stale
** form is answered with one message, about the form. */
static cairn_form *values_only(cairn_req *req, cairn_form *f) {
  cairn_form *out = cairn_form_new(req, INTAKE_FORM_ID, FIELDS);
  size_t i;
  for (i = 0; FIELDS[i].name; i++)
    cairn_form_set(out, FIELDS[i].name, cairn_form_value(f, FIELDS[i].name));
  return out;
}

/* Check what a person sent; the messages go on the form. */
static void check_request(cairn_req *req, cairn_form *f) {
  intake_required(req, f, "name", "your name");
  intake_required(req, f, "contact",
                  "a phone number or an email address we can use");
  intake_required(req, f, "problem", "a few lines about your pain");
  if (strcmp(cairn_form_value(f, "consent"), "yes") != 0)
    cairn_form_error(f, "consent", "Tick the box so that we may contact "
                                   "you about the call.");
}

/* Store the request; *id gets its record id. */
static int store_request(cairn_req *req, cairn_form *f, long long *id,
                         cairn_error *err) {
  cairn_doc *doc = cairn_doc_new(req, INTAKE_NS, "DiscoveryRequest");
  intake_put(doc, "name", cairn_form_value(f, "name"));
  intake_put(doc, "contact", cairn_form_value(f, "contact"));
  intake_put(doc, "preferredTimes", cairn_form_value(f, "times"));
  intake_put(doc, "problem", cairn_form_value(f, "problem"));
  intake_put(doc, "consent", "yes");
  intake_put(doc, "received", cairn_req_today(req));
  intake_put(doc, "state", "new");
  intake_put(doc, "stamp", stamp_hash(req, cairn_req_form(req, "stamp")));
  return cairn_record_create(req, INTAKE_T_REQUEST, 0, doc, id, err);
}

/* POST /request-a-call: the honeypot, the stamp, the fields, the rate
** limit, then the request is stored. */
int intake_post_request(cairn_req *req) {
  cairn_form *f = cairn_form_new(req, INTAKE_FORM_ID, FIELDS);
  const char *honeypot = cairn_req_form(req, "website"), *problem;
  cairn_error err = {0, "", ""};
  long long id;
  int rc;

  cairn_form_bind(f);
  /* A robot filled the field no person sees: answer as if accepted. */
  if (honeypot != NULL && honeypot[0] != '\0')
    return cairn_respond_redirect(req, "/request-a-call/thanks");
  if ((problem = stamp_problem(req)) != NULL) {
    f = values_only(req, f);
    cairn_form_error(f, "", problem);
    return render(req, f, 422);
  }
  check_request(req, f);
  if (cairn_form_errors(f) > 0) return render(req, f, 422);

  /* Only requests that would be stored count against the address. */
  rc = cairn_rate_check(req, "intake-request", intake_cfg.rate_max,
                        intake_cfg.rate_window, &err);
  if (rc == CAIRN_ELIMIT) {
    cairn_form_error(f, "", "We have received several requests from your "
                            "connection in a short time. Please wait an "
                            "hour, or telephone the clinic.");
    return render(req, f, 429);
  }
  if (rc != CAIRN_OK) return rc;
  rc = store_request(req, f, &id, &err);
  if (rc == CAIRN_ECONFLICT) {
    /* A replay: the audit entry names the request that spent the stamp. */
    cairn_audit_note(req, 0, stamp_owner(req, cairn_req_form(req, "stamp")));
    f = values_only(req, f);
    cairn_form_error(f, "", cairn_req_strdup(req, err.message));
    return render(req, f, 409);
  }
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_error(f, "", cairn_req_strdup(req, err.message));
    return render(req, f, 422);
  }
  if (rc != CAIRN_OK) return rc;
  /* An entry in the audit trail: who (public), when, from where, and the
  ** request's id; what the person wrote stays in the record. */
  cairn_audit_note(req, 0, id);
  return cairn_respond_redirect(req, "/request-a-call/thanks");
}
