/*
** public.c -- the public page where a prospective patient asks for the
** free discovery call (PROGRAM.md, step 0).
**
** Spam is resisted without any third party:
**   - a honeypot: a field people never see or reach ("website"); a form
**     that fills it is answered as if accepted and nothing is stored, so
**     a robot learns nothing;
**   - a minimum time: the form carries a time stamp signed with a key
**     made at start-up (keyed BLAKE2b); a form sent sooner than
**     min-seconds after it was served, or with a stamp that is missing,
**     forged or older than a day, is refused;
**   - a per-address rate limit (the host's rate_check) on requests that
**     would be stored.
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

static unsigned char stamp_key[STAMP_KEY_BYTES];

/* See intake.h: a new key each start-up. */
void intake_stamp_init(void) {
  cairn_random_bytes(stamp_key, sizeof stamp_key);
}

/* "<seconds>.<32 hex digits>" for time t, in the arena: the seconds and
** the first STAMP_MAC_BYTES of their keyed BLAKE2b hash. */
static const char *stamp_make(cairn_req *req, long long t) {
  static const char HEX[] = "0123456789abcdef";
  char msg[32], hex[2 * STAMP_MAC_BYTES + 1];
  unsigned char mac[32];
  size_t i;
  snprintf(msg, sizeof msg, "%lld", t);
  cairn_hash(mac, msg, strlen(msg), stamp_key, sizeof stamp_key);
  for (i = 0; i < STAMP_MAC_BYTES; i++) {
    hex[2 * i] = HEX[mac[i] >> 4];
    hex[2 * i + 1] = HEX[mac[i] & 0xF];
  }
  hex[2 * STAMP_MAC_BYTES] = '\0';
  return cairn_req_printf(req, "%s.%s", msg, hex);
}

/* Seconds since the stamp was made, or -1 when it is missing or forged. */
static long long stamp_age(cairn_req *req, const char *stamp) {
  const char *dot = strchr(stamp, '.');
  char *end;
  long long t;
  const char *want;
  if (dot == NULL || dot - stamp > 12 || dot == stamp) return -1;
  t = strtoll(stamp, &end, 10);
  if (end != dot || t <= 0) return -1;
  want = stamp_make(req, t);
  if (strlen(want) != strlen(stamp) ||
      !cairn_equal_ct(want, stamp, strlen(want)))
    return -1;
  return (long long)time(NULL) - t;
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
  cairn_doc_attr(doc, "stamp", stamp_make(req, (long long)time(NULL)));
  cairn_form_doc(doc, f, "/request-a-call", "Send my request");
  return cairn_respond_view(req, doc, "intake/request-form", status);
}

/* GET /request-a-call: the empty form. */
int intake_page_request(cairn_req *req) {
  return render(req, cairn_form_new(req, INTAKE_FORM_ID, FIELDS), 200);
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
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    cairn_form_error(f, "", cairn_req_strdup(req, err.message));
    return render(req, f, 422);
  }
  if (rc != CAIRN_OK) return rc;
  return cairn_respond_redirect(req, "/request-a-call/thanks");
}
