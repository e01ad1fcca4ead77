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
#include <sodium.h>
#include <libxml/tree.h>

/* A stamp older than this is refused: a form left open overnight is
** served again rather than trusted. */
#define STAMP_MAX_AGE_S (24 * 60 * 60)
/* The MAC's length in bytes (128 bits: forging one is out of reach). */
#define STAMP_MAC_BYTES 16

static unsigned char stamp_key[crypto_generichash_KEYBYTES];

int intake_stamp_init(void) {
  if (sodium_init() < 0) return -1;
  randombytes_buf(stamp_key, sizeof stamp_key);
  return 0;
}

/* "<seconds>.<32 hex digits>" for time t, in the arena. */
static const char *stamp_make(cairn_req *req, long long t) {
  char msg[32], hex[2 * STAMP_MAC_BYTES + 1];
  unsigned char mac[STAMP_MAC_BYTES];
  snprintf(msg, sizeof msg, "%lld", t);
  crypto_generichash(mac, sizeof mac, (const unsigned char *)msg, strlen(msg),
                     stamp_key, sizeof stamp_key);
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
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
      sodium_memcmp(want, stamp, strlen(want)) != 0)
    return -1;
  return (long long)time(NULL) - t;
}

/* The fields of the form, in order. */
static const char *const FIELDS[] = {"name", "contact", "times", "problem",
                                     "consent", NULL};

static int render(cairn_req *req, intake_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "request-form");
  cairn_doc_attr(doc, "action", "/request-a-call");
  cairn_doc_attr(doc, "stamp", stamp_make(req, (long long)time(NULL)));
  cairn_doc_attr(doc, "name-max", intake_fmt_int(req, INTAKE_NAME_MAX));
  cairn_doc_attr(doc, "line-max", intake_fmt_int(req, INTAKE_LINE_MAX));
  cairn_doc_attr(doc, "text-max", intake_fmt_int(req, INTAKE_TEXT_MAX));
  intake_form_doc(doc, f);
  return cairn_respond_view(req, doc, "intake/request-form", status);
}

int intake_page_request(cairn_req *req) {
  intake_form f;
  memset(&f, 0, sizeof f);
  return render(req, &f, 200);
}

int intake_page_thanks(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "request-thanks");
  cairn_doc_attr(doc, "answer-days",
                 intake_fmt_int(req, intake_cfg.answer_days));
  return cairn_respond_view(req, doc, "intake/thanks", 200);
}

int intake_post_request(cairn_req *req) {
  intake_form f;
  const char *name, *contact, *times, *problem, *consent, *honeypot, *stamp;
  cairn_error err = {0, "", ""};
  long long age, id;
  xmlDocPtr x;
  xmlNodePtr root;
  size_t i;
  int rc;

  memset(&f, 0, sizeof f);
  for (i = 0; FIELDS[i]; i++) intake_form_take(req, &f, FIELDS[i]);
  name = intake_form_get(&f, "name");
  contact = intake_form_get(&f, "contact");
  times = intake_form_get(&f, "times");
  problem = intake_form_get(&f, "problem");
  consent = intake_form_get(&f, "consent");
  honeypot = cairn_req_form(req, "website");
  stamp = cairn_req_form(req, "stamp");

  /* A robot filled the field no person sees: answer as if accepted. */
  if (honeypot != NULL && honeypot[0] != '\0')
    return cairn_respond_redirect(req, "/request-a-call/thanks");

  age = stamp ? stamp_age(req, stamp) : -1;
  if (age < 0 || age > STAMP_MAX_AGE_S) {
    intake_form_error(&f, "", "This form had expired. Please check your "
                              "answers and send it again.");
    return render(req, &f, 422);
  }
  if (age < intake_cfg.min_seconds) {
    intake_form_error(&f, "", "That was sent very quickly, so it looked "
                              "automated. Please check your answers and "
                              "send it again.");
    return render(req, &f, 422);
  }

  intake_check_text(req, &f, "name", name, INTAKE_NAME_MAX, 1, 0,
                    "your name");
  intake_check_text(req, &f, "contact", contact, INTAKE_LINE_MAX, 1, 0,
                    "a phone number or an email address we can use");
  intake_check_text(req, &f, "times", times, INTAKE_LINE_MAX, 0, 0,
                    "when suits you");
  intake_check_text(req, &f, "problem", problem, INTAKE_TEXT_MAX, 1, 1,
                    "a few lines about your pain");
  if (strcmp(consent, "yes") != 0)
    intake_form_error(&f, "consent", "Tick the box so that we may contact "
                                     "you about the call.");
  if (f.n_errors > 0) return render(req, &f, 422);

  /* Only requests that would be stored count against the address. */
  rc = cairn_rate_check(req, "intake-request", intake_cfg.rate_max,
                        intake_cfg.rate_window, &err);
  if (rc == CAIRN_ELIMIT) {
    intake_form_error(&f, "", "We have received several requests from your "
                              "connection in a short time. Please wait an "
                              "hour, or telephone the clinic.");
    return render(req, &f, 429);
  }
  if (rc != CAIRN_OK) return rc;

  x = intake_xml_new(INTAKE_NS, "DiscoveryRequest");
  root = xmlDocGetRootElement(x);
  intake_xml_text(root, "name", name);
  intake_xml_text(root, "contact", contact);
  intake_xml_text(root, "preferredTimes", times);
  intake_xml_text(root, "problem", problem);
  intake_xml_text(root, "consent", "yes");
  intake_xml_text(root, "received", cairn_req_today(req));
  intake_xml_text(root, "state", "new");
  rc = cairn_record_create(req, INTAKE_T_REQUEST, 0, intake_xml_done(req, x),
                           &id, &err);
  if (rc == CAIRN_EINVAL || rc == CAIRN_ELIMIT) {
    intake_form_error(&f, "", cairn_req_strdup(req, err.message));
    return render(req, &f, 422);
  }
  if (rc != CAIRN_OK) return rc;
  return cairn_respond_redirect(req, "/request-a-call/thanks");
}
