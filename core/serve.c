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
#include "serve.h"

/* Headers on every response.  The CSP allows only this origin; inline SVG
** needs no exception; inline style attributes are not used by the views. */
#define SECURITY_HEADERS \
  "X-Content-Type-Options: nosniff\r\n" \
  "Content-Security-Policy: default-src 'self'; img-src 'self' data:; " \
  "frame-ancestors 'none'; form-action 'self'; base-uri 'none'\r\n" \
  "X-Frame-Options: DENY\r\n" \
  "Referrer-Policy: same-origin\r\n" \
  "Cache-Control: no-store\r\n"

/* decode()'s own refusals that have no CAIRN_E* code: a method we do not
** answer (405) and a body type we do not read (415). */
#define DECODE_E405 (-405)
#define DECODE_E415 (-415)

static const char *reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
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

static const char *param(FCGX_Request *fr, const char *name) {
  const char *v = FCGX_GetParam(name, fr->envp);
  return v ? v : "";
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

static void write_response(cairn_serve_ctx *sc, cairn_req *req,
                           FCGX_Request *fr) {
  FCGX_Stream *out = fr->out;
  int head = strcmp(req->method, "HEAD") == 0;
  if (req->status == 303 && req->location) {
    FCGX_FPrintF(out, "Status: 303 See Other\r\nLocation: %s\r\n" SECURITY_HEADERS
                 "Content-Length: 0\r\n\r\n", req->location);
    return;
  }
  if (!req->view_doc) set_error(req, 500, "The page produced no response.", NULL);
  char *body = NULL;
  int len = 0;
  const char *ctype = "text/html; charset=utf-8";
  xmlChar *xbuf = NULL;
  if (req->want_xml) {
    xmlDocDumpFormatMemoryEnc(req->view_doc, &xbuf, &len, "UTF-8", 1);
    body = (char *)xbuf;
    ctype = "application/xml; charset=utf-8";
  } else {
    const char *params[] = {
      "clinic", sc->cfg->clinic_name,
      "path", req->path ? req->path : "/",
      "today", req->today,
      NULL
    };
    cairn_error err = {0};
    if (cairn_views_render(sc->views, req->view, req->view_doc, params, &body,
                           &len, &err)) {
      cairn_logf(CAIRN_LOG_ERROR, "%s %s: %s", req->method, req->path, err.message);
      set_error(req, 500, "Something went wrong on our side. It has been logged.",
                NULL);
      if (cairn_views_render(sc->views, "error", req->view_doc, params, &body,
                             &len, &err)) {
        body = strdup("Internal Server Error\n");
        len = (int)strlen(body);
        ctype = "text/plain; charset=utf-8";
      }
    }
  }
  FCGX_FPrintF(out, "Status: %d %s\r\nContent-Type: %s\r\n" SECURITY_HEADERS
               "Content-Length: %d\r\n", req->status, reason(req->status), ctype,
               len);
  if (req->status == 405) FCGX_FPrintF(out, "Allow: GET, HEAD, POST\r\n");
  FCGX_PutS("\r\n", out);
  if (!head && len > 0) FCGX_PutStr(body, len, out);
  if (xbuf) xmlFree(xbuf); else free(body);
}

/*
** Read the body: CONTENT_LENGTH must be a plain decimal number no larger
** than CAIRN_BODY_MAX, and exactly that many bytes must arrive.
*/
static int read_body(cairn_req *req, FCGX_Request *fr, cairn_error *err) {
  const char *cl = param(fr, "CONTENT_LENGTH");
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

/* Decode everything the request carries; fills *err on the first problem. */
static int decode(cairn_req *req, FCGX_Request *fr, cairn_error *err) {
  req->method = cairn_arena_strdup(req->arena, param(fr, "REQUEST_METHOD"));
  if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD") &&
      strcmp(req->method, "POST"))
    return cairn_fail(err, DECODE_E405, NULL, "Cairn answers GET, HEAD and POST only.");
  req->accept = param(fr, "HTTP_ACCEPT");
  req->want_xml = wants_xml(req->accept);
  req->content_type = media_type(req->arena, param(fr, "CONTENT_TYPE"));
  req->remote_addr = param(fr, "REMOTE_ADDR");
  const char *uri = param(fr, "REQUEST_URI");
  if (!*uri) uri = param(fr, "DOCUMENT_URI");
  size_t plen = strcspn(uri, "?");
  char *raw = cairn_arena_strndup(req->arena, uri, plen);
  char *path;
  int rc = cairn_path_check(req->arena, raw, &path, err);
  if (rc) return rc;
  req->path = path;
  size_t budget = CAIRN_PARAMS_MAX;
  const char *qs = param(fr, "QUERY_STRING");
  rc = cairn_parse_urlencoded(req->arena, qs, strlen(qs), &req->query,
                              &req->n_query, &budget, err);
  if (rc) return rc;
  rc = cairn_parse_cookies(req->arena, param(fr, "HTTP_COOKIE"), &req->cookies,
                           &req->n_cookies, err);
  if (rc) return rc;
  rc = read_body(req, fr, err);
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

void cairn_serve_request(cairn_serve_ctx *sc, FCGX_Request *fr,
                         cairn_arena *arena) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cairn_req *req = cairn_req_new(arena, sc->cfg, sc->reg, sc->store);
  req->actor = "public"; /* staff sign-in arrives with the sessions module */
  req->method = "GET";
  req->path = "/";
  cairn_error err = {0};
  int rc = decode(req, fr, &err);
  if (rc == DECODE_E405) {
    set_error(req, 405, err.message, NULL);
  } else if (rc == DECODE_E415) {
    set_error(req, 415, err.message, NULL);
  } else if (rc) {
    set_error(req, status_for(rc), err.message, err.field);
  } else {
    int ri = cairn_router_match(sc->reg, req, req->method, req->path);
    if (ri == -1) {
      set_error(req, 404, "There is no page at this address.", NULL);
    } else if (ri == -2) {
      set_error(req, 405, "This address does not answer that method.", NULL);
    } else {
      const cairn_route_rt *route = &sc->reg->routes[ri];
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
      } else if (!req->view_doc && !req->location) {
        cairn_logf(CAIRN_LOG_ERROR, "%s %s: handler of plugin %s set no response",
                   req->method, req->path, route->plugin->desc->name);
        set_error(req, 500, "Something went wrong on our side. It has been logged.",
                  NULL);
      }
    }
  }
  write_response(sc, req, fr);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (getenv("CAIRN_ACCESS_LOG"))
    cairn_logf(CAIRN_LOG_INFO, "%s %s %d %.1fms", req->method, req->path,
               req->status,
               (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                   (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
}
