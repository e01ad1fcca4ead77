/*
** config_outbound.c -- the parts of the config that reach outside the
** clinic's server: the public base URL that every emailed link is built
** on, the SMTP relay the outbox delivers through, and how often the master
** runs scheduled work.  Shape (schemas/config.xsd has the rules):
**
**   <public-url>https://clinic.example</public-url>
**   <mail>
**     <smtp>
**       <host>smtp.example</host> <port>587</port> <starttls>on</starttls>
**       <user>clinic</user> <password-file>smtp-password</password-file>
**       <timeout-seconds>60</timeout-seconds>
**     </smtp>
**     <from-address>desk@clinic.example</from-address>
**     <from-name>Riverside Pain Clinic</from-name>
**     <stale-claim-seconds>900</stale-claim-seconds>
**   </mail>
**   <jobs><interval-seconds>60</interval-seconds></jobs>
**   <backup dir="/var/lib/cairn/backups" keep="14"/>
**
** The password file's name is kept; the password itself is read by the
** sender at each delivery (core/mail/smtp.c) and never stored or logged.
*/
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cairn_int.h"
#include "../mail/address.h"
#include "../mail/outbox.h"

#define CONFIG_NS "urn:cairn:config"

/* Longest public base URL: a scheme, a host name (253) and a short base
** path fit with room to spare; links built on it stay well under the
** 2,000 characters every mail client keeps intact. */
#define PUBLIC_URL_MAX 512
/* Defaults and bounds of <mail>. */
#define SMTP_PORT_DEFAULT 587        /* submission (RFC 6409) */
#define SMTP_TIMEOUT_DEFAULT_S 60    /* RFC 5321 4.5.3.2 asks clients to
                                     ** wait minutes per step; one minute
                                     ** for the whole exchange is plenty
                                     ** for a relay on the clinic's LAN */
/* Dated backups the daily job keeps when <backup> does not say: two
** weeks of nights, so a mistake noticed after a weekend away is still
** before the oldest. */
#define BACKUP_KEEP_DEFAULT 14
#define STALE_CLAIM_DEFAULT_S 900    /* a quarter hour: far past any one
                                     ** delivery, short enough that a
                                     ** killed sender's mail is not late
                                     ** by much */

/* 1 when n is the config namespace's element `name`. */
static int is_el(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns &&
         strcmp((const char *)n->ns->href, CONFIG_NS) == 0 &&
         strcmp((const char *)n->name, name) == 0;
}

/* Text of a node, malloc'd (the schema already refused surrounding white
** space and line breaks). */
static char *text(xmlNodePtr n) {
  xmlChar *t = xmlNodeGetContent(n);
  char *d = strdup(t ? (const char *)t : "");
  xmlFree(t);
  if (!d) abort();
  return d;
}

/* The integer value of n (the schema checked its range). */
static int number(xmlNodePtr n) {
  char *s = text(n);
  int v = atoi(s);
  free(s);
  return v;
}

/* A relative path made absolute against the config's directory. */
static char *path_text(xmlNodePtr n, const char *base) {
  char *p = text(n);
  if (p[0] == '/' || !base) return p;
  size_t len = strlen(base) + strlen(p) + 2;
  char *d = malloc(len);
  if (!d) abort();
  snprintf(d, len, "%s/%s", base, p);
  free(p);
  return d;
}

/*
** Check a public base URL and normalise it into out: "http" or "https",
** "://", a host (letters, digits, '-', '.', or an [IPv6] literal), an
** optional ":port" (1..65535), and an optional base path of segments of
** unreserved characters; one trailing '/' is dropped.  Refused: user
** info, a query, a fragment, anything else.  0, or CAIRN_EINVAL with
** field "public-url".
*/
int cairn_public_url_check(const char *url, char *out, size_t size,
                           cairn_error *err) {
  const char *p = url;
  size_t n = strlen(url);
  if (n == 0 || n >= PUBLIC_URL_MAX || n >= size)
    return cairn_fail(err, CAIRN_EINVAL, "public-url",
                      "public-url must be 1 to %d characters",
                      PUBLIC_URL_MAX - 1);
  if (strncmp(p, "https://", 8) == 0) p += 8;
  else if (strncmp(p, "http://", 7) == 0) p += 7;
  else
    return cairn_fail(err, CAIRN_EINVAL, "public-url",
                      "public-url must start with https:// (or http://)");
  const char *host = p;
  if (*p == '[') {
    p++;
    while (isxdigit((unsigned char)*p) || *p == ':' || *p == '.') p++;
    if (*p != ']' || p == host + 1)
      return cairn_fail(err, CAIRN_EINVAL, "public-url",
                        "public-url has a bad [IPv6] host");
    p++;
  } else {
    while (isalnum((unsigned char)*p) || *p == '-' || *p == '.') p++;
  }
  if (p == host || host[0] == '.' || host[0] == '-')
    return cairn_fail(err, CAIRN_EINVAL, "public-url",
                      "public-url needs a host name after the scheme");
  if (*p == ':') {
    const char *d = ++p;
    long port = 0;
    while (isdigit((unsigned char)*p) && p - d < 6) port = port * 10 + (*p++ - '0');
    if (p == d || port < 1 || port > 65535)
      return cairn_fail(err, CAIRN_EINVAL, "public-url",
                        "public-url has a bad port (1 to 65535)");
  }
  /* The base path: "/seg/seg", unreserved characters only. */
  while (*p == '/') {
    p++;
    while (isalnum((unsigned char)*p) || (*p && strchr("-._~", *p))) p++;
    if (*p == '/' && p[-1] == '/')
      return cairn_fail(err, CAIRN_EINVAL, "public-url",
                        "public-url has an empty path segment");
  }
  if (*p != '\0')
    return cairn_fail(err, CAIRN_EINVAL, "public-url",
                      "public-url may hold a scheme, host, port and base "
                      "path only (no user, query, fragment or '%c')", *p);
  snprintf(out, size, "%s", url);
  n = strlen(out);
  if (n > 0 && out[n - 1] == '/') out[n - 1] = '\0';
  return 0;
}

/* Read <mail> into a new c->mail, with its defaults, and check what the
** schema cannot: a password file needs a user, the stale-claim time must
** outlast the SMTP timeout, the from-address and name must be ones. */
static int read_mail(xmlNodePtr n, const char *base, cairn_config *c,
                     cairn_error *err) {
  cairn_mail_config *m = calloc(1, sizeof *m);
  if (!m) abort();
  c->mail = m;
  m->port = SMTP_PORT_DEFAULT;
  m->starttls = 1;
  m->timeout_s = SMTP_TIMEOUT_DEFAULT_S;
  m->stale_claim_s = STALE_CLAIM_DEFAULT_S;
  for (xmlNodePtr k = n->children; k; k = k->next) {
    if (is_el(k, "smtp")) {
      for (xmlNodePtr s = k->children; s; s = s->next) {
        if (is_el(s, "host")) { free(m->host); m->host = text(s); }
        else if (is_el(s, "port")) m->port = number(s);
        else if (is_el(s, "starttls")) {
          char *v = text(s);
          m->starttls = strcmp(v, "off") != 0;
          free(v);
        } else if (is_el(s, "user")) { free(m->user); m->user = text(s); }
        else if (is_el(s, "password-file")) {
          free(m->password_file);
          m->password_file = path_text(s, base);
        } else if (is_el(s, "timeout-seconds")) m->timeout_s = number(s);
      }
    } else if (is_el(k, "from-address")) {
      free(m->from_address);
      m->from_address = text(k);
    } else if (is_el(k, "from-name")) {
      free(m->from_name);
      m->from_name = text(k);
    } else if (is_el(k, "stale-claim-seconds")) {
      m->stale_claim_s = number(k);
    }
  }
  if (!m->host || !m->from_address)
    return cairn_fail(err, CAIRN_EINVAL, "mail",
                      "<mail> needs <smtp><host> and <from-address>");
  if (m->port < 1 || m->port > 65535)
    return cairn_fail(err, CAIRN_EINVAL, "port",
                      "<smtp><port> must be 1 to 65535");
  if (m->password_file && !m->user)
    return cairn_fail(err, CAIRN_EINVAL, "password-file",
                      "<password-file> needs a <user> to sign in as");
  if (m->timeout_s > CAIRN_SMTP_TIMEOUT_MAX_S)
    return cairn_fail(err, CAIRN_EINVAL, "timeout-seconds",
                      "<timeout-seconds> may be at most %d: a delivery must end"
                      " well within a job's lease", CAIRN_SMTP_TIMEOUT_MAX_S);
  if (m->stale_claim_s <= m->timeout_s)
    return cairn_fail(err, CAIRN_EINVAL, "stale-claim-seconds",
                      "<stale-claim-seconds> (%d) must be longer than "
                      "<timeout-seconds> (%d), or a slow delivery still "
                      "under way would be sent again", m->stale_claim_s,
                      m->timeout_s);
  int rc = cairn_mail_address_check(m->from_address, "from-address", err);
  if (!rc && m->from_name)
    rc = cairn_mail_name_check(m->from_name, "from-name", err);
  return rc;
}

/*
** Read one top-level element of the config if it is <public-url>, <mail>,
** <jobs> or <backup>; 0 (nothing done) for any other.  Paths are resolved against
** `base`, the config file's directory.
*/
int cairn_config_outbound(xmlNodePtr n, const char *base, cairn_config *c,
                          cairn_error *err) {
  if (is_el(n, "public-url")) {
    char *v = text(n), buf[PUBLIC_URL_MAX];
    int rc = cairn_public_url_check(v, buf, sizeof buf, err);
    free(v);
    if (rc) return rc;
    free(c->public_url);
    c->public_url = strdup(buf);
    if (!c->public_url) abort();
    return 0;
  }
  if (is_el(n, "mail")) return read_mail(n, base, c, err);
  if (is_el(n, "jobs")) {
    for (xmlNodePtr k = n->children; k; k = k->next)
      if (is_el(k, "interval-seconds")) c->jobs_interval = number(k);
    return 0;
  }
  if (is_el(n, "backup")) {
    xmlChar *dir = xmlGetProp(n, BAD_CAST "dir");
    xmlChar *keep = xmlGetProp(n, BAD_CAST "keep");
    char *p = NULL;
    if (dir && dir[0] != '/' && base) {
      size_t len = strlen(base) + strlen((const char *)dir) + 2;
      p = malloc(len);
      if (!p) abort();
      snprintf(p, len, "%s/%s", base, (const char *)dir);
    } else {
      p = strdup(dir ? (const char *)dir : "");
      if (!p) abort();
    }
    free(c->backup_dir);
    c->backup_dir = p;
    c->backup_keep = keep ? atoi((const char *)keep) : BACKUP_KEEP_DEFAULT;
    xmlFree(dir);
    xmlFree(keep);
    return 0;
  }
  return 0;
}

/* Free what cairn_config_outbound read (cairn_config_free calls it). */
void cairn_config_outbound_free(cairn_config *c) {
  free(c->public_url);
  free(c->backup_dir);
  if (c->mail) {
    free(c->mail->host); free(c->mail->user); free(c->mail->password_file);
    free(c->mail->from_address); free(c->mail->from_name);
    free(c->mail);
  }
}
