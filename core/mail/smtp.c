/*
** smtp.c -- one delivery through libcurl's SMTP client: the envelope
** (MAIL FROM, RCPT TO) from the config and the row, STARTTLS required when
** the config says so (CURLOPT_USE_SSL, CURLUSESSL_ALL: never a silent
** fall-back to plain text), AUTH with the user from the config and the
** password read from its file now, kept in memory only for the transfer
** and wiped after it.
**
** The outcome tells the sender what to do with the row (outbox.h): a 5xx
** is final, a 4xx or no connection is worth another try, and a failure
** after the whole message went out (no answer to the end of DATA) is
** unknown: the relay may have taken it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <sodium.h>
#include "cairn_int.h"
#include "outbox.h"

/* Connecting is a small part of a delivery: a relay that does not answer
** the TCP handshake in ten seconds is down. */
#define SMTP_CONNECT_TIMEOUT_S 10
/* A password file holds one line; SMTP passwords are short. */
#define SMTP_PASSWORD_MAX 512

/* The message being uploaded, and whether libcurl took all of it. */
typedef struct upload {
  const char *data;          /* the whole message */
  size_t len, off;           /* its length; bytes handed over so far */
  int eof;                   /* the read callback said "no more" */
} upload;

/* libcurl's read callback: the next piece of the message; 0 at the end,
** which is noted (then the relay has the whole message). */
static size_t read_cb(char *out, size_t size, size_t nmemb, void *arg) {
  upload *u = arg;
  size_t room = size * nmemb, left = u->len - u->off;
  size_t n = left < room ? left : room;
  memcpy(out, u->data + u->off, n);
  u->off += n;
  if (n == 0) u->eof = 1;
  return n;
}

/* Read the first line of the password file into pw; 0 or -1 with *error
** (which names the file, never its content). */
static int read_password(const char *path, char *pw, size_t size,
                         char *error, size_t error_size) {
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(error, error_size, "cannot read the SMTP password file %s",
             path);
    return -1;
  }
  if (!fgets(pw, (int)size, f)) pw[0] = '\0';
  fclose(f);
  pw[strcspn(pw, "\r\n")] = '\0';
  return 0;
}

/* libcurl's process-wide set-up, once (the sender is single-threaded). */
static void global_init(void) {
  static int done;
  if (!done) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    done = 1;
  }
}

/*
** Deliver m with cfg's relay (outbox.h).  error gets one line for staff:
** what failed and the relay's code when it gave one.
*/
cairn_smtp_result cairn_smtp_send(const cairn_config *cfg,
                                  const cairn_outbox_msg *m, char *error,
                                  size_t error_size) {
  const cairn_mail_config *mc = cfg->mail;
  char url[400], from[300], to[300], pw[SMTP_PASSWORD_MAX];
  char cerr[CURL_ERROR_SIZE] = "";
  error[0] = '\0';
  if (!mc) {
    snprintf(error, error_size, "no <mail> in the configuration");
    return CAIRN_SMTP_RETRY;
  }
  pw[0] = '\0';
  if (mc->password_file &&
      read_password(mc->password_file, pw, sizeof pw, error, error_size))
    return CAIRN_SMTP_RETRY;
  global_init();
  CURL *c = curl_easy_init();
  if (!c) {
    sodium_memzero(pw, sizeof pw);
    snprintf(error, error_size, "libcurl could not start");
    return CAIRN_SMTP_RETRY;
  }
  snprintf(url, sizeof url, strchr(mc->host, ':') ? "smtp://[%s]:%d"
                                                  : "smtp://%s:%d",
           mc->host, mc->port);
  snprintf(from, sizeof from, "<%s>", mc->from_address);
  snprintf(to, sizeof to, "<%s>", m->to_address);
  char *msg = cairn_mail_message(cfg, m, (long long)time(NULL));
  upload u = { .data = msg, .len = strlen(msg) };
  struct curl_slist *rcpt = curl_slist_append(NULL, to);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   (long)(mc->starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  if (mc->user) curl_easy_setopt(c, CURLOPT_USERNAME, mc->user);
  if (mc->password_file) curl_easy_setopt(c, CURLOPT_PASSWORD, pw);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(c, CURLOPT_READDATA, &u);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)mc->timeout_s);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
                   (long)(mc->timeout_s < SMTP_CONNECT_TIMEOUT_S
                              ? mc->timeout_s : SMTP_CONNECT_TIMEOUT_S));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(c);
  sodium_memzero(pw, sizeof pw);
  free(msg);
  if (rc == CURLE_OK) return CAIRN_SMTP_SENT;
  const char *why = cerr[0] ? cerr : curl_easy_strerror(rc);
  if (code >= 500 && code <= 599) {
    snprintf(error, error_size, "the relay %s:%d refused the message (%ld): %s",
             mc->host, mc->port, code, why);
    return CAIRN_SMTP_REFUSED;
  }
  if (code >= 400 && code <= 499) {
    snprintf(error, error_size, "the relay %s:%d deferred the message (%ld): %s",
             mc->host, mc->port, code, why);
    return CAIRN_SMTP_RETRY;
  }
  if (u.eof) {
    snprintf(error, error_size, "the relay %s:%d did not confirm the message"
             " after receiving it (%s); it may have been delivered",
             mc->host, mc->port, why);
    return CAIRN_SMTP_UNKNOWN;
  }
  snprintf(error, error_size, "cannot deliver through %s:%d: %s", mc->host,
           mc->port, why);
  return CAIRN_SMTP_RETRY;
}
