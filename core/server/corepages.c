/*
** corepages.c -- the core's own routes, declared with the same descriptor
** as any plugin (so `cairn routes` lists them and the same access rules
** apply): sign-in and sign-out, staff accounts, the audit trail, and the
** exchange of a capability link for a short-lived cookie.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "access.h"
#include "corepages.h"
#include "../mail/outbox.h"
#include "../fhir/fhir.h"
#include "../jobs/jobs.h"
#include "store_db.h"

#define AUDIT_PAGE_SIZE 50
#define AUDIT_PAGES_MAX 100000

/* See access.h.  Only the plain-HTTP loopback demo goes without. */
const char *cairn_cookie_name(const cairn_req *req, const char *base) {
  static char prefixed[3][32];
  static const char *const bases[3] = {
    CAIRN_COOKIE_SESSION, CAIRN_COOKIE_PRE, CAIRN_COOKIE_CAPABILITY };
  if (req->cfg && !req->cfg->secure_cookies) return base;
  for (int i = 0; i < 3; i++)
    if (strcmp(base, bases[i]) == 0) {
      if (!prefixed[i][0])
        snprintf(prefixed[i], sizeof prefixed[i], "%s%s",
                 CAIRN_COOKIE_HOST_PREFIX, base);
      return prefixed[i];
    }
  return base;
}

const char *cairn_cookie_get(const cairn_req *req, const char *base) {
  return cairn_kv_get(req->cookies, req->n_cookies,
                      cairn_cookie_name(req, base));
}

/* Build a Set-Cookie value for this deployment: `name` is the base name
** (CAIRN_COOKIE_*), prefixed with __Host- when cookies are Secure. */
const char *cairn_cookie(cairn_req *req, const char *name, const char *value,
                         long max_age) {
  const char *secure = req->cfg && !req->cfg->secure_cookies ? "" : "; Secure";
  name = cairn_cookie_name(req, name);
  if (max_age >= 0)
    return cairn_arena_printf(req->arena,
                              "%s=%s; Path=/; Max-Age=%ld; HttpOnly%s; SameSite=Strict",
                              name, value, max_age, secure);
  return cairn_arena_printf(req->arena, "%s=%s; Path=/; HttpOnly%s; SameSite=Strict",
                            name, value, secure);
}

void cairn_add_cookie(cairn_req *req, const char *cookie) {
  if (req->n_set_cookie < (int)(sizeof req->set_cookie / sizeof req->set_cookie[0]))
    req->set_cookie[req->n_set_cookie++] = cookie;
}

/*
** A `next=` target is followed only when it is a local path: one leading
** '/', then no '/' or '\' (which browsers read as another host), no
** scheme, no control character, and it passes the same check as any
** request path.  Everything else goes home.
*/
const char *cairn_safe_next(cairn_req *req, const char *next) {
  if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "/";
  for (const unsigned char *p = (const unsigned char *)next; *p; p++)
    if (*p < 0x21 || *p == 0x7F || *p == '\\') return "/";
  size_t q = strcspn(next, "?#");
  char *path;
  cairn_error e = {0};
  if (cairn_path_check(req->arena, cairn_arena_strndup(req->arena, next, q), &path, &e))
    return "/";
  if (path[1] == '/' || path[1] == '\\') return "/"; /* "/%2F..." decoded */
  return next;
}

/* --- sign-in ----------------------------------------------------------- */

static int signin_form(cairn_req *req, const char *username, const char *message,
                       int status) {
  cairn_doc *d = cairn_doc_new(req, NULL, "signin");
  cairn_doc_attr_impl(d, "next", cairn_safe_next(req, cairn_kv_get(req->query, req->n_query, "next")
                                                 ? cairn_kv_get(req->query, req->n_query, "next")
                                                 : cairn_kv_get(req->form, req->n_form, "next")));
  if (username) cairn_doc_text_impl(d, "username", username);
  if (message) cairn_doc_text_impl(d, "error", message);
  req->view_doc = d->xml;
  req->view = "core/signin";
  req->status = status;
  return status;
}

static int get_signin(cairn_req *req) {
  if (req->staff) {
    req->location = cairn_safe_next(req, cairn_kv_get(req->query, req->n_query, "next"));
    req->status = 303;
    return 303;
  }
  return signin_form(req, NULL, NULL, 200);
}

static int post_signin(cairn_req *req) {
  const char *user = cairn_kv_get(req->form, req->n_form, "username");
  const char *pw = cairn_kv_get(req->form, req->n_form, "password");
  if (!user || !*user || !pw || !*pw)
    return signin_form(req, user, "Enter your user name and password.", 422);
  if (strlen(user) > 64) return signin_form(req, NULL, "The user name or password is not right.", 401);
  char sid[44];
  int retry = 0;
  cairn_error e = {0};
  cairn_staff *who = cairn_arena_alloc(req->arena, sizeof *who);
  int rc = cairn_signin(req->store, user, pw, req->remote_addr, sid, &retry, who, &e);
  if (rc == CAIRN_ELIMIT) {
    req->retry_after = retry;
    req->audit_outcome = "sign-in throttled";
    return signin_form(req, user, e.message, 429);
  }
  if (rc) {
    req->audit_outcome = cairn_arena_printf(req->arena, "sign-in refused for %.40s", user);
    return signin_form(req, user, rc == CAIRN_EDENIED ? e.message
                                   : "Sign-in is unavailable. Try again in a moment.",
                       rc == CAIRN_EDENIED ? 401 : 503);
  }
  /* A new id at every sign-in; whatever id the client had is dropped. */
  const char *old = cairn_cookie_get(req, CAIRN_COOKIE_SESSION);
  if (old) cairn_session_end(req->store, old);
  req->staff = who;
  /* The entry names who signed in (the new session's owner), not the
  ** visitor the request came in as. */
  req->actor = cairn_arena_strdup(req->arena, who->username);
  req->audit_outcome = "signed in";
  cairn_add_cookie(req, cairn_cookie(req, CAIRN_COOKIE_SESSION, sid, -1));
  req->location = cairn_safe_next(req, cairn_kv_get(req->form, req->n_form, "next"));
  req->status = 303;
  return 303;
}

static int post_signout(cairn_req *req) {
  const char *sid = cairn_cookie_get(req, CAIRN_COOKIE_SESSION);
  if (sid) cairn_session_end(req->store, sid);
  cairn_add_cookie(req, cairn_cookie(req, CAIRN_COOKIE_SESSION, "", 0));
  req->audit_outcome = "signed out";
  req->location = "/sign-in";
  req->status = 303;
  return 303;
}

/* --- staff accounts ---------------------------------------------------- */

/* The staff list page.  A failed read is a 500 with a log line, never an
** empty list that looks like a clinic without staff. */
static int users_page(cairn_req *req, const cairn_error *e, int status) {
  cairn_doc *d = cairn_doc_new(req, NULL, "users");
  cairn_stmt *s = cairn_db_prepare(req->store,
      "SELECT username, display_name, role, disabled, created FROM staff"
      " ORDER BY disabled, username", NULL);
  int step;
  if (s == NULL) return CAIRN_EDB;
  while ((step = cairn_sql_step(s)) == 1) {
    cairn_doc_open_impl(d, "user");
    cairn_doc_attr_impl(d, "username", cairn_db_text(s, 0));
    cairn_doc_attr_impl(d, "name", cairn_db_text(s, 1));
    cairn_doc_attr_impl(d, "role", cairn_db_text(s, 2));
    cairn_doc_attr_impl(d, "role-label", cairn_role_label(cairn_db_text(s, 2)));
    cairn_doc_attr_impl(d, "disabled", cairn_sql_int(s, 3) ? "yes" : "no");
    cairn_doc_attr_impl(d, "created", cairn_db_text(s, 4));
    cairn_doc_close_impl(d);
  }
  cairn_db_done(s);
  if (step < 0) return CAIRN_EDB;
  if (e && e->code) {
    cairn_doc_open_impl(d, "error");
    cairn_doc_attr_impl(d, "field", e->field);
    cairn_doc_text_impl(d, "message", e->message);
    cairn_doc_close_impl(d);
    cairn_doc_open_impl(d, "typed");
    const char *f[] = { "username", "display_name", "role" };
    for (int i = 0; i < 3; i++)
      cairn_doc_attr_impl(d, f[i], cairn_kv_get(req->form, req->n_form, f[i]));
    cairn_doc_close_impl(d);
  }
  req->view_doc = d->xml;
  req->view = "core/users";
  req->status = status;
  return status;
}

static int get_users(cairn_req *req) { return users_page(req, NULL, 200); }

static int post_users(cairn_req *req) {
  cairn_error e = {0};
  const char *u = cairn_kv_get(req->form, req->n_form, "username");
  const char *n = cairn_kv_get(req->form, req->n_form, "display_name");
  const char *r = cairn_kv_get(req->form, req->n_form, "role");
  const char *p = cairn_kv_get(req->form, req->n_form, "password");
  int rc = cairn_staff_add(req->store, u ? u : "", n ? n : "", r ? r : "", p ? p : "", &e);
  if (rc) return users_page(req, &e, rc == CAIRN_ECONFLICT ? 409 : 422);
  req->audit_outcome = cairn_arena_printf(req->arena, "account %s added as %s", u, r);
  req->location = "/admin/users";
  req->status = 303;
  return 303;
}

static int set_disabled(cairn_req *req, int disabled) {
  const char *u = cairn_kv_get(req->params, req->n_params, "user");
  cairn_error e = {0};
  if (req->staff && disabled && strcmp(req->staff->username, u) == 0) {
    cairn_fail(&e, CAIRN_EINVAL, "username", "You cannot disable your own account.");
    return users_page(req, &e, 422);
  }
  int rc = cairn_staff_set_disabled(req->store, u, disabled, &e);
  if (rc) return users_page(req, &e, rc == CAIRN_ENOTFOUND ? 404 : 422);
  req->audit_outcome = cairn_arena_printf(req->arena, "account %s %s", u,
                                          disabled ? "disabled" : "enabled");
  req->location = "/admin/users";
  req->status = 303;
  return 303;
}
static int post_disable(cairn_req *req) { return set_disabled(req, 1); }
static int post_enable(cairn_req *req) { return set_disabled(req, 0); }

/* --- the audit trail --------------------------------------------------- */

static int get_audit(cairn_req *req) {
  const char *actor = cairn_kv_get(req->query, req->n_query, "actor");
  const char *patient = cairn_kv_get(req->query, req->n_query, "patient");
  const char *page_s = cairn_kv_get(req->query, req->n_query, "page");
  long page = 1;
  if (page_s && *page_s) {
    char *end;
    page = strtol(page_s, &end, 10);
    if (*end || page < 1 || page > AUDIT_PAGES_MAX) {
      cairn_doc *d = cairn_doc_new(req, NULL, "error");
      cairn_doc_attr_impl(d, "status", "400");
      cairn_doc_text_impl(d, "message", "page must be a whole number from 1.");
      cairn_doc_text_impl(d, "field", "page");
      req->view_doc = d->xml; req->view = "error"; req->status = 400;
      return 400;
    }
  }
  long long pid = 0;
  if (patient && *patient) {
    char *end;
    pid = strtoll(patient, &end, 10);
    if (*end || pid < 1) {
      cairn_doc *d = cairn_doc_new(req, NULL, "error");
      cairn_doc_attr_impl(d, "status", "400");
      cairn_doc_text_impl(d, "message", "patient must be a record number.");
      cairn_doc_text_impl(d, "field", "patient");
      req->view_doc = d->xml; req->view = "error"; req->status = 400;
      return 400;
    }
  }
  if (actor && strlen(actor) > 64) actor = NULL;
  cairn_doc *d = cairn_doc_new(req, NULL, "audit");
  cairn_doc_attr_impl(d, "actor", actor);
  cairn_doc_attr_impl(d, "patient", pid ? patient : NULL);
  cairn_doc_attr_impl(d, "page", cairn_arena_printf(req->arena, "%ld", page));
  cairn_stmt *s = cairn_db_prepare(req->store,
      "SELECT seq, time, actor, role, method, route, path, patient, record, outcome, remote"
      " FROM audit WHERE (:actor IS NULL OR actor = :actor)"
      " AND (:patient IS NULL OR patient = :patient)"
      " ORDER BY seq DESC LIMIT :limit OFFSET :offset", NULL);
  if (s == NULL) return CAIRN_EDB;  /* logged; a 500, never an empty trail */
  cairn_sql_bind_text(s, ":actor", actor && *actor ? actor : NULL);
  if (pid) cairn_sql_bind_int(s, ":patient", pid);
  cairn_sql_bind_int(s, ":limit", AUDIT_PAGE_SIZE + 1);
  cairn_sql_bind_int(s, ":offset", (page - 1) * AUDIT_PAGE_SIZE);
  int n = 0, step;
  static const char *const cols[] = { "seq", "time", "actor", "role", "method", "route",
                                      "path", "patient", "record", "outcome", "remote" };
  while ((step = cairn_sql_step(s)) == 1) {
    if (++n > AUDIT_PAGE_SIZE) {
      cairn_doc_attr_impl(d, "more", "yes");
      break;
    }
    cairn_doc_open_impl(d, "entry");
    for (int i = 0; i < 11; i++)
      if (!cairn_sql_is_null(s, i))
        cairn_doc_attr_impl(d, cols[i], cairn_db_text(s, i));
    cairn_doc_close_impl(d);
  }
  cairn_db_done(s);
  if (step < 0) return CAIRN_EDB;
  req->view_doc = d->xml;
  req->view = "core/audit";
  req->status = 200;
  return 200;
}

/* --- capability links -------------------------------------------------- */

/* Exchange the token in the URL for a cookie and go to a URL without the
** token, so it does not linger in history, logs or Referer headers. */
static int get_capability(cairn_req *req) {
  const char *token = cairn_kv_get(req->params, req->n_params, "token");
  cairn_capability *cap = cairn_arena_alloc(req->arena, sizeof *cap);
  char sid[44];
  cairn_error e = {0};
  req->no_referrer = 1;
  /* The path holds the token: keep it out of the audit trail and the
  ** access log (both outlive the link; only the token's hash is kept). */
  req->path = "/c/(token)";
  int rc = cairn_capability_open(req->store, token, cap, sid, &e);
  if (rc) {
    req->audit_outcome = cairn_arena_printf(req->arena, "link refused: %s", e.message);
    cairn_doc *d = cairn_doc_new(req, NULL, "error");
    int status = rc == CAIRN_ENOTFOUND ? 404 : 410;
    cairn_doc_attr_impl(d, "status", status == 404 ? "404" : "410");
    cairn_doc_text_impl(d, "title", status == 404 ? "Link not valid" : "Link no longer valid");
    cairn_doc_text_impl(d, "message", e.message);
    req->view_doc = d->xml; req->view = "error"; req->status = status;
    return status;
  }
  req->cap = cap;
  req->audit_patient = cap->patient;
  req->audit_outcome = cairn_arena_printf(req->arena, "link %lld opened (%s)", cap->id, cap->scope);
  cairn_add_cookie(req, cairn_cookie(req, CAIRN_COOKIE_CAPABILITY, sid,
                                     CAIRN_CAPABILITY_SESSION_S));
  /* Issued targets are local paths (cairn_capability_issue); checked
  ** again so that a bad row can never redirect off-site. */
  req->location = cairn_safe_next(req, cap->target);
  req->status = 303;
  return 303;
}

/* "Sign out on this device" for a link's holder: end the session the
** link was exchanged for and drop its cookie; the link itself still
** works (it is the patient's to keep).  Public: a visitor without the
** cookie simply lands on the same page. */
static int post_capability_signout(cairn_req *req) {
  const char *sid = cairn_kv_get(req->cookies, req->n_cookies, CAIRN_COOKIE_CAPABILITY);
  if (sid) cairn_capability_session_end(req->store, sid);
  cairn_add_cookie(req, cairn_cookie(req, CAIRN_COOKIE_CAPABILITY, "", 0));
  req->audit_outcome = "link session ended";
  cairn_doc *d = cairn_doc_new(req, NULL, "error");
  cairn_doc_attr_impl(d, "status", "200");
  cairn_doc_text_impl(d, "title", "Signed out on this device");
  cairn_doc_text_impl(d, "message", "You are signed out on this device. To come back, open the link your clinic sent you.");
  req->view_doc = d->xml; req->view = "error"; req->status = 200;
  return 200;
}

static const cairn_route core_routes[] = {
  { "GET", "/sign-in", CAIRN_AUD_PUBLIC, get_signin, "staff sign-in form" },
  { "POST", "/sign-in", CAIRN_AUD_PUBLIC, post_signin, "sign in (throttled per account and address)" },
  { "POST", "/sign-out", CAIRN_AUD_STAFF, post_signout, "sign out" },
  { "GET", "/admin/users", CAIRN_AUD_ADMIN, get_users, "staff accounts" },
  { "POST", "/admin/users", CAIRN_AUD_ADMIN, post_users, "add a staff account" },
  { "POST", "/admin/users/(?<user>[a-z0-9._-]{2,32})/disable", CAIRN_AUD_ADMIN, post_disable,
    "disable an account and end its sessions" },
  { "POST", "/admin/users/(?<user>[a-z0-9._-]{2,32})/enable", CAIRN_AUD_ADMIN, post_enable,
    "enable an account" },
  { "GET", "/admin/audit", CAIRN_AUD_ADMIN, get_audit, "search the audit trail" },
  { "POST", "/c/sign-out", CAIRN_AUD_PUBLIC, post_capability_signout,
    "end this device's session of a capability link" },
  { "GET", "/c/(?<token>[A-Za-z0-9_-]{43})", CAIRN_AUD_PUBLIC, get_capability,
    "open a capability link" },
  /* messages and scheduled work (core/mail/pages.c, core/jobs/pages.c) */
  { "GET", "/admin/outbox", CAIRN_AUD_ADMIN, cairn_page_outbox,
    "outgoing mail: failed, queued, sent" },
  { "POST", "/admin/outbox/(?<id>[0-9]{1,18})/retry", CAIRN_AUD_ADMIN,
    cairn_page_outbox_retry, "put a failed message back in line" },
  { "GET", "/admin/jobs", CAIRN_AUD_ADMIN, cairn_page_jobs,
    "scheduled jobs: last run, next run, last error" },
  /* one patient as FHIR R4 (core/fhir/page_fhir.c) */
  { "GET", "/patients/(?<patient>[0-9]{1,18})/fhir", CAIRN_AUD_CLINICIAN,
    cairn_page_fhir, "one patient as a FHIR R4 Bundle (application/fhir+xml)" },
  { NULL, NULL, 0, NULL, NULL }
};

static int core_init(const cairn_api *api, const cairn_plugin_config *cfg,
                     cairn_error *err) {
  (void)api; (void)cfg; (void)err;
  return 0;
}

static const cairn_plugin core_desc = {
  .abi_version = CAIRN_ABI_VERSION,
  .size = sizeof(cairn_plugin),
  .name = "core",
  .version = CAIRN_VERSION,
  .api_level = CAIRN_API_LEVEL,
  .description = "sign-in, staff accounts, audit trail, capability links, outbox, jobs",
  .routes = core_routes,
  .init = core_init,
  .jobs = cairn_core_jobs,   /* core/jobs/corejobs.c */
};

const cairn_plugin *cairn_core_plugin(void) { return &core_desc; }
