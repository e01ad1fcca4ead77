/*
** serve.c -- one request, end to end (DESIGN.md, "One request"):
** CGI params and body decoded with limits, path checked, route found,
** handler called, view rendered as HTML through XSLT or returned as XML,
** headers that every response carries, and nothing internal in a 5xx.
*/
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "serve.h"
#include "access.h"
#include "corepages.h"
#include "store_db.h"

/* Headers on every response.  The CSP allows only this origin; inline SVG
** needs no exception; inline style attributes are not used by the views. */
#define SECURITY_HEADERS \
  "X-Content-Type-Options: nosniff\r\n" \
  "Content-Security-Policy: default-src 'self'; img-src 'self' data:; " \
  "frame-ancestors 'none'; form-action 'self'; base-uri 'none'\r\n" \
  "X-Frame-Options: DENY\r\n" \
  "Cache-Control: no-store\r\n"

/* decode()'s own refusals that have no CAIRN_E* code: a method we do not
** answer (405) and a body type we do not read (415). */
#define DECODE_E405 (-405)
#define DECODE_E415 (-415)
/* Retry-After on a 503 for an unwritable audit trail: long enough for a
** busy lock to clear (CAIRN_BUSY_TIMEOUT_MS is 5 s), short for a person. */
#define AUDIT_RETRY_AFTER_S 5

static const char *reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 401: return "Unauthorized";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

/* The HTTP status for a CAIRN_E* code. */
static int status_for(int code) {
  switch (code) {
    case CAIRN_EINVAL: return 400;
    case CAIRN_ENOTFOUND: return 404;
    case CAIRN_ECONFLICT: return 409;
    case CAIRN_ELIMIT: return 413;
    case CAIRN_EDENIED: return 403;
    default: return 500;
  }
}

/* The CGI parameters decode() reads, in the order of cgi_names. */
enum {
  CGI_METHOD, CGI_ACCEPT, CGI_CONTENT_TYPE, CGI_CONTENT_LENGTH, CGI_REMOTE,
  CGI_ORIGIN, CGI_FETCH_SITE, CGI_CSRF, CGI_HOST, CGI_HTTPS, CGI_URI,
  CGI_DOCUMENT_URI, CGI_QUERY, CGI_COOKIE, CGI_COUNT
};
static const char *const cgi_names[CGI_COUNT] = {
  [CGI_METHOD] = "REQUEST_METHOD",     [CGI_ACCEPT] = "HTTP_ACCEPT",
  [CGI_CONTENT_TYPE] = "CONTENT_TYPE", [CGI_CONTENT_LENGTH] = "CONTENT_LENGTH",
  [CGI_REMOTE] = "REMOTE_ADDR",        [CGI_ORIGIN] = "HTTP_ORIGIN",
  [CGI_FETCH_SITE] = "HTTP_SEC_FETCH_SITE", [CGI_CSRF] = "HTTP_X_CSRF_TOKEN",
  [CGI_HOST] = "HTTP_HOST",            [CGI_HTTPS] = "HTTPS",
  [CGI_URI] = "REQUEST_URI",           [CGI_DOCUMENT_URI] = "DOCUMENT_URI",
  [CGI_QUERY] = "QUERY_STRING",        [CGI_COOKIE] = "HTTP_COOKIE",
};

/*
** Fill v[] with the value of each of cgi_names from the request's
** environment, "" for one it does not carry, in one pass (instead of a
** FCGX_GetParam search of every entry per name).  As FCGX_GetParam, the
** first entry of a name counts.
*/
static void cgi_params(FCGX_Request *fr, const char *v[CGI_COUNT]) {
  size_t len[CGI_COUNT];
  for (int i = 0; i < CGI_COUNT; i++) {
    v[i] = NULL;
    len[i] = strlen(cgi_names[i]);
  }
  for (char **e = fr->envp; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq) continue;
    size_t n = (size_t)(eq - *e);
    for (int i = 0; i < CGI_COUNT; i++)
      if (len[i] == n && !v[i] && memcmp(*e, cgi_names[i], n) == 0) {
        v[i] = eq + 1;
        break;
      }
  }
  for (int i = 0; i < CGI_COUNT; i++)
    if (!v[i]) v[i] = "";
}

/* Lower-cased media type without parameters: "application/xml". */
static const char *media_type(cairn_arena *a, const char *ct) {
  size_t n = strcspn(ct, ";");
  while (n && ct[n - 1] == ' ') n--;
  char *d = cairn_arena_strndup(a, ct, n);
  for (char *p = d; *p; p++) *p = (char)tolower((unsigned char)*p);
  return d;
}

/* The client wants the view XML itself: it names application/xml and not
** text/html (browsers name both, API clients name one). */
static int wants_xml(const char *accept) {
  return strstr(accept, "application/xml") && !strstr(accept, "text/html");
}

/* Set an error response: view "error" with status, title and message. */
static void set_error(cairn_req *req, int status, const char *message,
                      const char *field) {
  cairn_doc *d = cairn_doc_new(req, NULL, "error");
  char buf[8];
  snprintf(buf, sizeof buf, "%d", status);
  cairn_doc_attr_impl(d, "status", buf);
  cairn_doc_text_impl(d, "title", reason(status));
  cairn_doc_text_impl(d, "message", message);
  if (field && *field) cairn_doc_text_impl(d, "field", field);
  req->view_doc = d->xml;
  req->view = "error";
  req->status = status;
  req->location = NULL;
}

/* Headers that depend on the request: cookies, the referrer policy
** (none at all for capability pages, so a link's page never leaks its
** address), Retry-After, and the form token for XML clients. */
static void extra_headers(cairn_req *req, FCGX_Stream *out) {
  for (int i = 0; i < req->n_set_cookie; i++)
    FCGX_FPrintF(out, "Set-Cookie: %s\r\n", req->set_cookie[i]);
  FCGX_FPrintF(out, "Referrer-Policy: %s\r\n",
               req->cap || req->no_referrer ? "no-referrer" : "same-origin");
  if (req->retry_after > 0)
    FCGX_FPrintF(out, "Retry-After: %d\r\n", req->retry_after);
  if (req->want_xml && req->staff)
    FCGX_FPrintF(out, "X-CSRF-Token: %s\r\n", req->staff->csrf);
}

/* A response rendered and ready to send. */
typedef struct response {
  xmlChar *body;             /* libxml2's or libxslt's own buffer (xmlFree) */
  const char *text;          /* or a constant body (the last-resort 500) */
  int len;                   /* bytes of body or text */
  const char *ctype;         /* Content-Type */
} response;

static void response_free(response *r) {
  if (r->body) xmlFree(r->body);
  *r = (response){0};
}

/*
** *r, a shared page rendered with the marks (params: render_response's):
** kept for later visitors and handed back with this visitor's values in;
** or, when it cannot be kept, rendered again for this visitor alone.  0,
** or the failed render's code with *err.
*/
static int keep_shared(cairn_serve_ctx *sc, cairn_req *req, response *r,
                       const char **params, cairn_error *err) {
  size_t len;
  const char *filled = cairn_shared_keep(req, (const char *)r->body,
                                         (size_t)r->len, &len);
  response_free(r);
  r->ctype = "text/html; charset=utf-8";
  if (filled != NULL) {
    r->text = filled;
    r->len = (int)len;
    return 0;
  }
  /* A mark cut or changed by the view, or the page's own text looking
  ** like one: this visitor gets a page of their own. */
  cairn_logf(CAIRN_LOG_WARN, "%s %s: view %s: the page cannot be kept (a "
             "visitor's value is not whole in it); rendered for each visitor",
             req->method, req->path, req->view);
  cairn_shared_unmark(req);
  req->shared_key = NULL;
  params[7] = req->csrf ? req->csrf : "";
  return cairn_views_render(sc->views, req->view, req->view_doc, params,
                            &r->body, &r->len, err);
}

/*
** Render req's view into *r: the view document itself for XML clients,
** else HTML through the view's XSLT, handed over in libxslt's own buffer
** (no copy).  A view that fails becomes the error page (500, logged), and
** an error page that fails becomes plain text.  A 303 renders nothing.
*/
static void render_response(cairn_serve_ctx *sc, cairn_req *req, response *r) {
  *r = (response){ .ctype = "text/html; charset=utf-8" };
  if (req->status == 303 && req->location) return;
  if (req->raw_body && req->status == 200) {
    r->text = req->raw_body;
    r->len = (int)req->raw_len;
    r->ctype = req->raw_ctype;
    return;
  }
  if (!req->view_doc) set_error(req, 500, "The page produced no response.", NULL);
  unsigned who = req->staff ? cairn_role_bit(req->staff->role)
                 : req->cap ? CAIRN_AUD_CAPABILITY : CAIRN_AUD_PUBLIC;
  if (req->view && !cairn_views_audience_ok(sc->views, req->view, who)) {
    /* A view holds what its page's audience may read: a handler that
    ** re-renders it for anyone else (a refused POST) is a leak. */
    cairn_logf(CAIRN_LOG_ERROR, "%s %s: view %s is not for this caller",
               req->method, req->path, req->view);
    req->audit_outcome = "denied: view audience";
    set_error(req, 403, "Your role does not give access to this page.", NULL);
  }
  if (req->want_xml) {
    xmlDocDumpFormatMemoryEnc(req->view_doc, &r->body, &r->len, "UTF-8", 1);
    r->ctype = "application/xml; charset=utf-8";
    return;
  }
  const char *params[] = {
    "clinic", sc->cfg->clinic_name,
    "path", req->path ? req->path : "/",
    "today", req->today,
    /* a shared page holds a mark where each visitor's token goes */
    "csrf", req->shared_key && req->status == 200 ? cairn_shared_mark(0)
            : req->csrf ? req->csrf : "",
    "staff-name", req->staff ? req->staff->display_name : "",
    "staff-role", req->staff ? req->staff->role : "",
    NULL
  };
  cairn_error err = {0};
  int rc = cairn_views_render(sc->views, req->view, req->view_doc, params,
                              &r->body, &r->len, &err);
  if (rc == 0 && req->shared_key && req->status == 200 && r->body)
    rc = keep_shared(sc, req, r, params, &err);
  if (rc == 0) return;
  cairn_logf(CAIRN_LOG_ERROR, "%s %s: %s", req->method, req->path, err.message);
  set_error(req, 500, "Something went wrong on our side. It has been logged.", NULL);
  params[7] = req->csrf ? req->csrf : "";  /* the error page is not kept */
  if (cairn_views_render(sc->views, "error", req->view_doc, params, &r->body,
                         &r->len, &err) == 0)
    return;
  r->text = "Internal Server Error\n";
  r->len = (int)strlen(r->text);
  r->ctype = "text/plain; charset=utf-8";
}

/* Write the status line, headers and body of a rendered response. */
static void send_response(cairn_req *req, FCGX_Request *fr, const response *r) {
  FCGX_Stream *out = fr->out;
  int head = strcmp(req->method, "HEAD") == 0;
  if (req->status == 303 && req->location) {
    FCGX_FPrintF(out, "Status: 303 See Other\r\nLocation: %s\r\n" SECURITY_HEADERS,
                 req->location);
    extra_headers(req, out);
    FCGX_PutS("Content-Length: 0\r\n\r\n", out);
    return;
  }
  FCGX_FPrintF(out, "Status: %d %s\r\nContent-Type: %s\r\n" SECURITY_HEADERS
               "Content-Length: %d\r\n", req->status, reason(req->status),
               r->ctype, r->len);
  if (req->status == 405) FCGX_FPrintF(out, "Allow: GET, HEAD, POST\r\n");
  extra_headers(req, out);
  FCGX_PutS("\r\n", out);
  if (!head && r->len > 0)
    FCGX_PutStr(r->body ? (const char *)r->body : r->text, r->len, out);
}

/*
** Read the body: CONTENT_LENGTH must be a plain decimal number no larger
** than CAIRN_BODY_MAX, and exactly that many bytes must arrive.
*/
static int read_body(cairn_req *req, FCGX_Request *fr, const char *cl,
                     cairn_error *err) {
  if (!*cl) { req->body = ""; req->body_len = 0; return 0; }
  size_t n = 0;
  for (const char *p = cl; *p; p++) {
    if (!isdigit((unsigned char)*p) || p - cl > 9)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "Content-Length must be a number of bytes.");
    n = n * 10 + (size_t)(*p - '0');
  }
  if (n > CAIRN_BODY_MAX)
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "The request body is larger than %d bytes.", CAIRN_BODY_MAX);
  char *buf = cairn_arena_alloc(req->arena, n + 1);
  size_t got = 0;
  while (got < n) {
    int r = FCGX_GetStr(buf + got, (int)(n - got), fr->in);
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (got != n)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "The request body is shorter than its Content-Length.");
  buf[n] = 0;
  if (memchr(buf, 0, n) && strcmp(req->content_type, "application/xml"))
    return cairn_fail(err, CAIRN_EINVAL, NULL, "The request body contains a NUL byte.");
  req->body = buf;
  req->body_len = n;
  return 0;
}

/* A %-escape that spells a character needing none (a letter, a digit,
** '-', '.', '_', '~') or a '/' gives a page a second address that a check
** on the raw path (a proxy rule, a log filter) reads differently from the
** router, which sees it decoded: "/%70atients/1", "/patients%2F1".
** Browsers never send these (RFC 3986 section 2.3), so they are refused. */
static int path_escapes_check(const char *raw, cairn_error *err) {
  for (const char *p = raw; (p = strchr(p, '%')) != NULL; p++) {
    if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
      continue; /* cairn_path_check refuses a bad escape */
    char hex[3] = { p[1], p[2], 0 };
    int c = (int)strtol(hex, NULL, 16);
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "The address spells a character as %%%s; write it plainly.",
                        hex);
  }
  return 0;
}

/* Decode everything the request carries; fills *err on the first problem. */
static int decode(cairn_req *req, FCGX_Request *fr, cairn_error *err) {
  const char *cgi[CGI_COUNT];
  cgi_params(fr, cgi);
  req->method = cairn_arena_strdup(req->arena, cgi[CGI_METHOD]);
  if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD") &&
      strcmp(req->method, "POST"))
    return cairn_fail(err, DECODE_E405, NULL, "Cairn answers GET, HEAD and POST only.");
  req->accept = cgi[CGI_ACCEPT];
  req->want_xml = wants_xml(req->accept);
  req->content_type = media_type(req->arena, cgi[CGI_CONTENT_TYPE]);
  req->remote_addr = cgi[CGI_REMOTE];
  req->origin = cgi[CGI_ORIGIN];
  req->fetch_site = cgi[CGI_FETCH_SITE];
  req->csrf_header = cgi[CGI_CSRF];
  req->host = cgi[CGI_HOST];
  req->https = strcmp(cgi[CGI_HTTPS], "on") == 0;
  const char *uri = cgi[CGI_URI];
  if (!*uri) uri = cgi[CGI_DOCUMENT_URI];
  size_t plen = strcspn(uri, "?");
  char *raw = cairn_arena_strndup(req->arena, uri, plen);
  char *path;
  int rc = path_escapes_check(raw, err);
  if (rc) return rc;
  rc = cairn_path_check(req->arena, raw, &path, err);
  if (rc) return rc;
  req->path = path;
  size_t budget = CAIRN_PARAMS_MAX;
  const char *qs = cgi[CGI_QUERY];
  req->query_string = qs;
  rc = cairn_parse_urlencoded(req->arena, qs, strlen(qs), &req->query,
                              &req->n_query, &budget, err);
  if (rc) return rc;
  rc = cairn_parse_cookies(req->arena, cgi[CGI_COOKIE], &req->cookies,
                           &req->n_cookies, err);
  if (rc) return rc;
  rc = read_body(req, fr, cgi[CGI_CONTENT_LENGTH], err);
  if (rc) return rc;
  if (strcmp(req->method, "POST") == 0) {
    if (strcmp(req->content_type, "application/x-www-form-urlencoded") == 0)
      rc = cairn_parse_urlencoded(req->arena, req->body, req->body_len,
                                  &req->form, &req->n_form, &budget, err);
    else if (strcmp(req->content_type, "application/xml") &&
             strcmp(req->content_type, "text/xml"))
      rc = cairn_fail(err, DECODE_E415, NULL,
                      "Send forms as application/x-www-form-urlencoded "
                      "or records as application/xml.");
  }
  return rc;
}

/* Percent-encode s for a query value (RFC 3986 unreserved kept). */
static const char *url_encode(cairn_arena *a, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  char *d = cairn_arena_alloc(a, strlen(s) * 3 + 1), *o = d;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~' || *p == '/')
      *o++ = (char)*p;
    else { *o++ = '%'; *o++ = hex[*p >> 4]; *o++ = hex[*p & 15]; }
  }
  *o = 0;
  return d;
}

/* Who is asking: a staff session, a capability-link session, or nobody.
** An unknown or expired id is ignored (never adopted).  Sets req->csrf:
** the session's token, or for visitors without a session a random token
** in a SameSite=Strict cookie that forms echo back (double submit). */
static void resolve_identity(cairn_serve_ctx *sc, cairn_req *req) {
  const char *sid = cairn_cookie_get(req, CAIRN_COOKIE_SESSION);
  if (sid) {
    cairn_staff *who = cairn_arena_alloc(req->arena, sizeof *who);
    if (cairn_session_get(sc->store, sid, who) == 0) {
      req->staff = who;
      req->actor = cairn_arena_strdup(req->arena, who->username);
    }
  }
  const char *cid = cairn_cookie_get(req, CAIRN_COOKIE_CAPABILITY);
  if (cid) {
    cairn_capability *cap = cairn_arena_alloc(req->arena, sizeof *cap);
    if (cairn_capability_session(sc->store, cid, cap) == 0) {
      req->cap = cap;
      if (!req->staff)
        req->actor = cairn_arena_printf(req->arena, "link:%lld", cap->id);
    }
  }
  if (req->staff) {
    req->csrf = req->staff->csrf;
    return;
  }
  const char *pre = cairn_cookie_get(req, CAIRN_COOKIE_PRE);
  if (pre && strlen(pre) == 43) {
    req->csrf = pre;
    return;
  }
  char *fresh = cairn_arena_alloc(req->arena, 44);
  cairn_secret_new(fresh);
  req->csrf = fresh;
  cairn_add_cookie(req, cairn_cookie(req, CAIRN_COOKIE_PRE, fresh, -1));
}

/*
** CSRF: every POST carries the form token in its body (field "csrf") or,
** for XML clients, in an X-CSRF-Token header, equal to the session's (or
** the visitor cookie's).  A token in the query string is refused: it
** would leak through logs and Referer.  A request that says it comes
** from another origin (Origin, Sec-Fetch-Site) is refused whatever it
** carries.  A function of the decoded request alone.
*/
static int csrf_check(const cairn_req *req, cairn_error *err) {
  if (strcmp(req->method, "POST")) return 0;
  if (cairn_kv_get(req->query, req->n_query, "csrf"))
    return cairn_fail(err, CAIRN_EDENIED, "csrf",
                      "The form token must be sent in the form, not in the address.");
  const char *site = req->fetch_site;
  if (!strcmp(site, "cross-site") || !strcmp(site, "same-site"))
    return cairn_fail(err, CAIRN_EDENIED, NULL,
                      "This form was sent from another site and was refused.");
  const char *origin = req->origin;
  /* A page served with Referrer-Policy: no-referrer (capability pages)
  ** makes browsers send "Origin: null" with its own forms; the browser's
  ** Sec-Fetch-Site then says whether the form came from this origin
  ** (every browser that sends null there also sends Fetch Metadata). */
  if (!strcmp(origin, "null") && !strcmp(site, "same-origin")) origin = "";
  if (*origin) {
    const char *host = req->host;
    const char *scheme = req->https ? "https://" : "http://";
    size_t sl = strlen(scheme);
    if (strncmp(origin, scheme, sl) || strcmp(origin + sl, host))
      return cairn_fail(err, CAIRN_EDENIED, NULL,
                        "This form was sent from another site and was refused.");
  }
  const char *token = cairn_kv_get(req->form, req->n_form, "csrf");
  if (!token || !*token) token = req->csrf_header;
  const char *expect = req->staff ? req->staff->csrf
                       : cairn_cookie_get(req, CAIRN_COOKIE_PRE);
  if (!token || !*token || !expect || strlen(token) != 43 || strlen(expect) != 43 ||
      sodium_memcmp(token, expect, 43) != 0)
    return cairn_fail(err, CAIRN_EDENIED, "csrf",
                      "This form has expired or did not come from this site. "
                      "Go back, reload the page and send it again.");
  return 0;
}

/* 1 when path is target or below it ("/intake/4" covers "/intake/4/x"). */
static int path_under(const char *path, const char *target) {
  size_t n = strlen(target);
  if (strncmp(path, target, n)) return 0;
  return path[n] == 0 || path[n] == '/' || target[n - 1] == '/';
}

/*
** The route's declared audience, enforced here for every route of every
** plugin (deny by default: a route without one never loaded).  A denial
** says nothing about the page or its data.
*/
static int access_check(cairn_req *req, const cairn_route_rt *route) {
  unsigned aud = route->decl->audience;
  if (aud & CAIRN_AUD_PUBLIC) return 0;
  if (req->staff && (aud & cairn_role_bit(req->staff->role))) return 0;
  if (req->cap && (aud & CAIRN_AUD_CAPABILITY) && path_under(req->path, req->cap->target))
    return 0;
  if (req->staff) {
    req->audit_outcome = "denied: role";
    set_error(req, 403, cairn_arena_printf(req->arena,
              "Your role (%s) does not give access to this page.",
              cairn_role_label(req->staff->role)), NULL);
    return 403;
  }
  req->audit_outcome = "denied: not signed in";
  if (strcmp(req->method, "POST") && !req->want_xml && !(aud & CAIRN_AUD_CAPABILITY)) {
    const char *qs = req->n_query ? cairn_arena_printf(req->arena, "%s?%s", req->path,
                                                        req->query_string)
                                  : req->path;
    req->location = cairn_arena_printf(req->arena, "/sign-in?next=%s",
                                       url_encode(req->arena, qs));
    req->status = 303;
    return 303;
  }
  set_error(req, 401, (aud & CAIRN_AUD_CAPABILITY)
                          ? "This page opens only through the link the clinic sent you."
                          : "Sign in to open this page.", NULL);
  return 401;
}

/* One audit entry for the request, when it touched patient data, used a
** non-public route, noted a record (a public request stored) or a handler
** asked for one (sign-in, links).  Written
** and committed before the response is sent.  0 when written or not
** needed; CAIRN_EDB (logged) when it could not be written. */
static int audit_request(cairn_serve_ctx *sc, cairn_req *req,
                         const cairn_route_rt *route) {
  if (!sc->store) return 0;
  int touches = req->audit_patient > 0 || req->audit_outcome ||
                req->audit_record > 0 ||
                (route && !(route->decl->audience & CAIRN_AUD_PUBLIC));
  if (!touches) return 0;
  cairn_audit_entry e = {
    .actor = req->actor ? req->actor : "public",
    .role = req->staff ? req->staff->role : req->cap ? "link" : "",
    .method = req->method,
    .route = route ? route->decl->pattern : "",
    .path = req->path ? req->path : "",
    .patient = req->audit_patient,
    .record = req->audit_record,
    .outcome = req->audit_outcome
                   ? req->audit_outcome
                   : cairn_arena_printf(req->arena, "%d", req->status),
    .remote = req->remote_addr ? req->remote_addr : "",
  };
  cairn_error err = {0};
  if (cairn_audit_append(sc->store, &e, &err) == 0) return 0;
  cairn_logf(CAIRN_LOG_ERROR, "%s %s: %s", req->method, req->path, err.message);
  return CAIRN_EDB;
}

/* Call the route's handler and turn a failure into an error page. */
static void run_handler(cairn_req *req, const cairn_route_rt *route) {
  const char *pid = cairn_kv_get(req->params, req->n_params, "patient");
  if (pid) req->audit_patient = strtoll(pid, NULL, 10);
  int status = route->decl->handler(req);
  if (status < 0) {
    int http = status_for(status);
    if (http == 500)
      cairn_logf(CAIRN_LOG_ERROR, "%s %s: handler of plugin %s failed (%d)",
                 req->method, req->path, route->plugin->desc->name, status);
    set_error(req, http,
              http == 500 ? "Something went wrong on our side. It has been logged."
              : http == 404 ? "There is no such record."
              : "The request could not be accepted.",
              NULL);
  } else if (!req->view_doc && !req->location && !req->raw_body) {
    cairn_logf(CAIRN_LOG_ERROR, "%s %s: handler of plugin %s set no response",
               req->method, req->path, route->plugin->desc->name);
    set_error(req, 500, "Something went wrong on our side. It has been logged.", NULL);
  }
}

/*
** A request as the server starts it, in arena: nobody signed in (actor
** "public"), GET / until decoded, today in the clinic's time zone.  The
** CLI's constructor (cairn_req_new) names the Unix user instead.
*/
static cairn_req *serve_req_new(cairn_serve_ctx *sc, cairn_arena *arena) {
  cairn_req *req = cairn_arena_alloc(arena, sizeof *req);
  *req = (cairn_req){
    .arena = arena,
    .cfg = sc->cfg,
    .reg = sc->reg,
    .store = sc->store,
    .method = "GET",
    .path = "/",
    .accept = "",
    .content_type = "",
    .remote_addr = "",
    .actor = "public",
    .origin = "",
    .fetch_site = "",
    .csrf_header = "",
    .host = "",
  };
  cairn_req_set_today(req);
  return req;
}

/* Route the decoded request, check its access and form token, and run
** its handler; every refusal becomes the response. */
static const cairn_route_rt *dispatch(cairn_serve_ctx *sc, cairn_req *req) {
  cairn_error err = {0};
  resolve_identity(sc, req);
  int ri = cairn_router_match(sc->reg, req, req->method, req->path);
  if (ri == -1) {
    set_error(req, 404, "There is no page at this address.", NULL);
    return NULL;
  }
  if (ri == -2) {
    set_error(req, 405, "This address does not answer that method.", NULL);
    return NULL;
  }
  const cairn_route_rt *route = &sc->reg->routes[ri];
  req->route = route->decl->pattern;
  if (access_check(req, route) != 0) {
    /* access_check set the denial */
  } else if (csrf_check(req, &err)) {
    req->audit_outcome = "refused: form token";
    set_error(req, 403, err.message, err.field);
  } else {
    run_handler(req, route);
  }
  return route;
}

/*
** Serve one request: decode, dispatch, render, audit, send -- in that
** order, so the audit entry is committed before a byte of the answer
** leaves.  When it cannot be written, a read answers 503 and shows
** nothing of what it rendered (a POST has already stored its record: its
** answer stands, and the failure is logged).
*/
void cairn_serve_request(cairn_serve_ctx *sc, FCGX_Request *fr,
                         cairn_arena *arena) {
  struct timespec t0, t1;
  unsigned long long prepared = cairn_store_prepare_count();
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cairn_req *req = serve_req_new(sc, arena);
  cairn_error err = {0};
  const cairn_route_rt *route = NULL;
  response r;
  int rc = decode(req, fr, &err);
  if (rc == DECODE_E405) {
    set_error(req, 405, err.message, NULL);
  } else if (rc == DECODE_E415) {
    set_error(req, 415, err.message, NULL);
  } else if (rc) {
    set_error(req, status_for(rc), err.message, err.field);
  } else {
    route = dispatch(sc, req);
  }
  render_response(sc, req, &r);
  if (audit_request(sc, req, route) != 0 && strcmp(req->method, "POST") != 0) {
    response_free(&r);
    set_error(req, 503, "This page cannot be shown now: the audit trail could "
              "not be written. Try again in a moment.", NULL);
    req->retry_after = AUDIT_RETRY_AFTER_S;
    render_response(sc, req, &r);
  }
  send_response(req, fr, &r);
  response_free(&r);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (getenv("CAIRN_ACCESS_LOG"))
    cairn_logf(CAIRN_LOG_INFO, "%s %s %d %.1fms prepared=%llu", req->method,
               req->path, req->status,
               (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                   (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
               cairn_store_prepare_count() - prepared);
}
