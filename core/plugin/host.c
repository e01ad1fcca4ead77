/*
** host.c -- the function table handed to plugins (cairn_api in
** <cairn/plugin.h>) and the request object behind it.  Each entry is a
** thin, checked door into a core module; the table is const and only ever
** grows at its end.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/xpathInternals.h>
#include "cairn_int.h"
#include "access.h"
#include "../mail/outbox.h"
#include "sections.h"

/* ------------------------------------------------------------ request */

static const char *h_req_method(cairn_req *r) { return r->method; }
static const char *h_req_path(cairn_req *r) { return r->path; }
static const char *h_req_param(cairn_req *r, const char *name) {
  return cairn_kv_get(r->params, r->n_params, name);
}
static const char *h_req_query(cairn_req *r, const char *name) {
  return cairn_kv_get(r->query, r->n_query, name);
}
static const char *h_req_form(cairn_req *r, const char *name) {
  return cairn_kv_get(r->form, r->n_form, name);
}
static const char *h_req_content_type(cairn_req *r) {
  return r->content_type ? r->content_type : "";
}
static const char *h_req_actor(cairn_req *r) { return r->actor; }
static const char *h_req_today(cairn_req *r) { return r->today; }
static void *h_req_alloc(cairn_req *r, size_t n) {
  return cairn_arena_alloc(r->arena, n);
}
static char *h_req_strdup(cairn_req *r, const char *s) {
  return cairn_arena_strdup(r->arena, s);
}
static char *h_req_printf(cairn_req *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = cairn_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
  return s;
}

/*
** Parse the request body as a record of `type`: the content type must be
** application/xml (or text/xml), the parse uses the safe options and the
** result is validated against the type's schema.  The document remembers
** that validation, so record_create does not repeat it unless the body
** is changed in between.
*/
static cairn_doc *h_req_body_record(cairn_req *r, const char *type,
                                         cairn_error *err) {
  const cairn_rtype *rt = cairn_registry_type(r->reg, type);
  if (!rt) {
    cairn_fail(err, CAIRN_EINTERNAL, NULL, "unknown record type %s", type);
    return NULL;
  }
  if (strcmp(h_req_content_type(r), "application/xml") &&
      strcmp(h_req_content_type(r), "text/xml")) {
    cairn_fail(err, CAIRN_EINVAL, NULL,
               "Send the record as application/xml.");
    return NULL;
  }
  xmlDocPtr doc = cairn_xml_parse(r->body ? r->body : "", r->body_len, err);
  if (!doc) return NULL;
  cairn_doc *d = cairn_doc_adopt(r, doc);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (!root || !root->ns ||
      strcmp((const char *)root->ns->href, rt->decl->ns) ||
      strcmp((const char *)root->name, rt->decl->root)) {
    cairn_fail(err, CAIRN_EINVAL, root ? (const char *)root->name : NULL,
               "Expected a <%s> element in namespace %s.", rt->decl->root,
               rt->decl->ns);
    return NULL;
  }
  if (cairn_xml_validate(rt->schema, doc, err)) return NULL;
  d->valid_for = rt;
  return d;
}

/* ------------------------------------------------------------ documents */

static cairn_doc *h_doc_new(cairn_req *r, const char *ns, const char *root) {
  return cairn_doc_new(r, ns, root);
}

/* ------------------------------------------------------------ responses */

static int h_respond_view(cairn_req *r, cairn_doc *doc, const char *view,
                          int status) {
  r->view_doc = doc->xml;
  r->view = cairn_arena_strdup(r->arena, view);
  r->status = status;
  r->location = NULL;
  return status;
}

/* See plugin.h, respond_error. */
static int h_respond_error(cairn_req *r, int status, const char *field,
                           const char *message) {
  cairn_doc *doc = cairn_doc_new(r, NULL, "error");
  cairn_doc_attr_impl(doc, "status", cairn_arena_printf(r->arena, "%d",
                                                        status));
  cairn_doc_text_impl(doc, "message", message ? message : "");
  if (field != NULL && field[0] != '\0')
    cairn_doc_text_impl(doc, "field", field);
  return h_respond_view(r, doc, "error", status);
}

/* See plugin.h, respond_failure. */
static int h_respond_failure(cairn_req *r, const cairn_error *err,
                             int invalid_status) {
  int status;
  switch (err->code) {
  case CAIRN_EINVAL:
  case CAIRN_ELIMIT: status = invalid_status ? invalid_status : 422; break;
  case CAIRN_ENOTFOUND: status = 404; break;
  case CAIRN_ECONFLICT: status = 409; break;
  case CAIRN_EDENIED: status = 403; break;
  default: return err->code < 0 ? err->code : CAIRN_EINTERNAL;
  }
  return h_respond_error(r, status, err->field, err->message);
}

/*
** Redirect only to a local path: one leading '/', not "//" or "/\", no
** control characters (so nothing can reach the Location header but a path
** on this host).
*/
static int h_respond_redirect(cairn_req *r, const char *path) {
  if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
    return CAIRN_EINVAL;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++)
    if (*p < 0x20 || *p == 0x7F || *p == '\\') return CAIRN_EINVAL;
  r->location = cairn_arena_strdup(r->arena, path);
  r->view_doc = NULL;
  r->status = 303;
  return 303;
}

/* ------------------------------------------------------------ records */

static int h_record_create(cairn_req *r, const char *type, long long patient,
                           cairn_doc *body, long long *id, cairn_error *err) {
  return cairn_store_create_doc(r, type, patient, body, id, err);
}
static int h_record_revise(cairn_req *r, long long id, int expected,
                           const char *status, cairn_doc *body,
                           cairn_error *err) {
  return cairn_store_revise_doc(r, id, expected, status, body, err);
}
static long long h_record_id(const cairn_record *c) { return c->id; }
static long long h_record_patient(const cairn_record *c) { return c->patient; }
static int h_record_version(const cairn_record *c) { return c->version; }
static const char *h_record_type(const cairn_record *c) { return c->type; }
static const char *h_record_status(const cairn_record *c) { return c->status; }

/* string(xpath) over the body with "r" bound to the type's namespace,
** copied into the arena of the request that read the record. */
static const char *h_record_value(const cairn_record *c, const char *xpath) {
  xmlXPathContextPtr ctx = cairn_xpath_context(
      c->body, NULL, c->rt ? c->rt->decl->ns : NULL);
  xmlChar *expr = xmlStrdup((const xmlChar *)"string(");
  expr = xmlStrcat(expr, (const xmlChar *)xpath);
  expr = xmlStrcat(expr, (const xmlChar *)")");
  xmlXPathObjectPtr o = xmlXPathEvalExpression(expr, ctx);
  xmlFree(expr);
  const char *out = "";
  if (o && o->type == XPATH_STRING && o->stringval)
    out = cairn_arena_strdup(c->arena, (const char *)o->stringval);
  xmlXPathFreeObject(o);
  return out;
}

/* ------------------------------------------------------------ settings */

static const char *h_config_get(const cairn_plugin_config *cfg,
                                const char *name) {
  for (size_t i = 0; cfg && i < cfg->n_settings; i++)
    if (strcmp(cfg->settings[i].name, name) == 0) return cfg->settings[i].value;
  return NULL;
}

/* The schemas directory of the running process, set by cairn_host_set_schemas. */
static char host_schemas_dir[4096];

void cairn_host_set_schemas(const char *dir) {
  snprintf(host_schemas_dir, sizeof host_schemas_dir, "%s", dir);
}

static void free_xml(void *p) { xmlFreeDoc(p); }

/* A document that owns its own arena (xml_load's): strings read from it
** live there, and doc_free frees the arena, the xmlDoc with it. */
static cairn_doc *doc_standalone(xmlDocPtr xml) {
  cairn_arena *a = cairn_arena_new();
  cairn_doc *d = cairn_arena_alloc(a, sizeof *d);
  d->arena = a;
  d->xml = xml;
  d->cur = xmlDocGetRootElement(xml);
  d->ns = d->cur ? d->cur->ns : NULL;
  d->owner = cairn_arena_cleanup(a, free_xml, xml);
  d->readonly = 1;
  return d;
}

/* Free an xml_load document; a request's documents free themselves. */
static void h_doc_free(cairn_doc *d) {
  if (d != NULL && d->req == NULL) cairn_arena_free(d->arena);
}

static cairn_doc *h_xml_load(const char *path, const char *xsd,
                             cairn_error *err) {
  if (!xsd || strchr(xsd, '/')) {
    cairn_fail(err, CAIRN_EINVAL, NULL, "xml_load: xsd must be a file name");
    return NULL;
  }
  char full[4200];
  snprintf(full, sizeof full, "%s/%s", host_schemas_dir, xsd);
  xmlSchemaPtr schema = cairn_xml_schema_load(full, err);
  if (!schema) return NULL;
  xmlDocPtr doc = cairn_xml_parse_file(path, err);
  if (doc && cairn_xml_validate(schema, doc, err)) {
    char msg[sizeof err->message], field[sizeof err->field];
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(field, sizeof field, "%s", err->field);
    cairn_fail(err, CAIRN_EINVAL, field, "%s: %s", path, msg);
    xmlFreeDoc(doc);
    doc = NULL;
  }
  xmlSchemaFree(schema);
  return doc ? doc_standalone(doc) : NULL;
}

static void h_log(int level, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  cairn_logf(level, "%s", buf);
}

/* ------------------------------------------------------------ level 2 */

static const char *h_req_role(cairn_req *r) { return r->staff ? r->staff->role : NULL; }
static const char *h_req_capability(cairn_req *r) { return r->cap ? r->cap->scope : NULL; }

static int h_capability_issue(cairn_req *r, const char *scope, const char *target,
                              long long patient, long ttl, int max_uses,
                              const char **link, long long *id, cairn_error *err) {
  char token[44];
  int rc = cairn_capability_issue(r->store, r->actor, scope, target, patient, ttl,
                                  max_uses, token, id, err);
  if (rc) return rc;
  *link = cairn_arena_printf(r->arena, "/c/%s", token);
  cairn_audit_entry e = {
    .actor = r->actor, .role = r->staff ? r->staff->role : "", .method = r->method,
    .route = r->route ? r->route : "", .path = r->path ? r->path : "",
    .patient = patient, .record = 0,
    .outcome = cairn_arena_printf(r->arena, "link %lld issued (%s)", *id, scope),
    .remote = r->remote_addr ? r->remote_addr : "",
  };
  cairn_audit_append(r->store, &e, NULL);
  return 0;
}

static int h_capability_revoke(cairn_req *r, long long id, cairn_error *err) {
  int rc = cairn_capability_revoke(r->store, id, err);
  if (!rc) r->audit_outcome = cairn_arena_printf(r->arena, "link %lld revoked", id);
  return rc;
}

static int h_capability_renew_on_use(cairn_req *r, long long id,
                                     cairn_error *err) {
  return cairn_capability_renew_on_use(r->store, id, err);
}

static int h_rate_check(cairn_req *r, const char *bucket, int max, int window,
                        cairn_error *err) {
  return cairn_rate_check(r->store, bucket, r->remote_addr, max, window, err);
}

static int h_record_get_for_patient(cairn_req *r, long long patient, long long id,
                                    const cairn_record **out, cairn_error *err) {
  const cairn_record *rec = NULL;
  int rc = cairn_store_get(r, id, &rec, err);
  if (rc == 0 && rec->patient != patient) {
    /* A record reached through another patient's URL: a 404 for the
    ** client, and an audit entry saying what was tried. */
    r->audit_outcome = cairn_arena_printf(r->arena,
        "refused: record %lld does not belong to patient %lld", id, patient);
    r->audit_record = id;
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "There is no such record.");
  }
  if (rc == 0) {
    r->audit_record = id;
    *out = rec;
  }
  return rc;
}

static void h_audit_note(cairn_req *r, long long patient, long long record) {
  if (patient > 0) r->audit_patient = patient;
  if (record > 0) r->audit_record = record;
}


/* ------------------------------------------------------------ level 3 */

/* A stored record's body as a read-only document (no copy). */
static cairn_doc *h_record_body(cairn_req *r, const cairn_record *c) {
  return cairn_doc_borrow(r, c->body, 1);
}

static const char *h_date_format(cairn_req *r, long days) {
  char buf[11];
  cairn_day_format(buf, days);
  return cairn_arena_strdup(r->arena, buf);
}

/* Today in the clinic's time zone: req->today is filled from the clock in
** the config's zone (TZ is set from <timezone> at start-up). */
static long h_date_today(cairn_req *r) {
  long d = 0;
  if (cairn_day_parse(r->today, &d) != 0)
    cairn_logf(CAIRN_LOG_ERROR, "date_today: today is \"%s\"", r->today);
  return d;
}

static const char *h_url_encode(cairn_req *r, const char *s) {
  return cairn_text_url_encode(r->arena, s);
}
static const char *h_format_number(cairn_req *r, double v, int decimals) {
  return cairn_text_format_number(r->arena, v, decimals);
}
static const char *h_random_token(cairn_req *r, size_t bytes) {
  return cairn_random_token(r->arena, bytes);
}

/* Print a plugin command's output on the CLI's standard output. */
static void h_cli_print(cairn_req *r, const char *fmt, ...) {
  va_list ap;
  (void)r;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
}

const cairn_api cairn_host_table = {
  .size = sizeof(cairn_api),
  .api_level = CAIRN_API_LEVEL,
  .req_method = h_req_method,
  .req_path = h_req_path,
  .req_param = h_req_param,
  .req_query = h_req_query,
  .req_form = h_req_form,
  .req_content_type = h_req_content_type,
  .req_body_record = h_req_body_record,
  .req_actor = h_req_actor,
  .req_today = h_req_today,
  .req_alloc = h_req_alloc,
  .req_strdup = h_req_strdup,
  .req_printf = h_req_printf,
  .doc_new = h_doc_new,
  .doc_open = cairn_doc_open_impl,
  .doc_close = cairn_doc_close_impl,
  .doc_attr = cairn_doc_attr_impl,
  .doc_text = cairn_doc_text_impl,
  .doc_record = cairn_doc_record_impl,
  .respond_view = h_respond_view,
  .respond_redirect = h_respond_redirect,
  .record_create = h_record_create,
  .record_revise = h_record_revise,
  .record_get = cairn_store_get,
  .record_id = h_record_id,
  .record_patient = h_record_patient,
  .record_version = h_record_version,
  .record_type_name = h_record_type,
  .record_status = h_record_status,
  .record_value = h_record_value,
  .sql_prepare = cairn_sql_prepare,
  .sql_bind_text = cairn_sql_bind_text,
  .sql_bind_int = cairn_sql_bind_int,
  .sql_bind_real = cairn_sql_bind_real,
  .sql_step = cairn_sql_step,
  .sql_text = cairn_sql_text,
  .sql_int = cairn_sql_int,
  .sql_real = cairn_sql_real,
  .sql_is_null = cairn_sql_is_null,
  .config_get = h_config_get,
  .xml_load = h_xml_load,
  .log = h_log,
  /* level 2 */
  .req_role = h_req_role,
  .req_capability = h_req_capability,
  .capability_issue = h_capability_issue,
  .capability_revoke = h_capability_revoke,
  .rate_check = h_rate_check,
  .record_get_for_patient = h_record_get_for_patient,
  .audit_note = h_audit_note,
  .doc_text_attr = cairn_doc_text_attr_impl,
  /* level 3: reading and editing documents */
  .doc_root = cairn_doc_root,
  .doc_value = cairn_doc_value,
  .doc_number = cairn_doc_number,
  .doc_count = cairn_doc_count,
  .node_child = cairn_node_child,
  .node_next = cairn_node_next,
  .node_name = cairn_node_name,
  .node_text = cairn_node_text,
  .node_attr = cairn_node_attr,
  .doc_remove = cairn_doc_remove,
  .doc_at = cairn_doc_at,
  .doc_insert_before = cairn_doc_insert_before,
  .record_body = h_record_body,
  .doc_free = h_doc_free,
  /* level 3: dates */
  .date_parse = cairn_day_parse,
  .date_format = h_date_format,
  .date_today = h_date_today,
  .date_week_start = cairn_day_week_start,
  .date_weekday = cairn_day_weekday,
  /* level 3: text */
  .fail = cairn_fail,
  .url_encode = h_url_encode,
  .utf8_valid = cairn_utf8_valid,
  .text_check = cairn_text_check,
  .format_number = h_format_number,
  /* level 3: forms */
  .form_new = cairn_form_new,
  .form_bind = cairn_form_bind,
  .form_value = cairn_form_value,
  .form_set = cairn_form_set,
  .form_error = cairn_form_error,
  .form_errors = cairn_form_errors,
  .form_host_error = cairn_form_host_error,
  .form_doc = cairn_form_doc,
  /* level 3: tokens and hashing */
  .random_bytes = cairn_random_bytes,
  .random_token = h_random_token,
  .hash = cairn_hash,
  .equal_ct = cairn_equal_ct,
  /* level 3: CLI */
  .cli_print = h_cli_print,
  /* level 4: messages, jobs, the public address (core/mail/) */
  .public_url = cairn_public_url,
  .message_queue = cairn_message_queue_impl,
  .transaction = cairn_transaction_impl,
  /* level 6: the error page */
  .respond_error = h_respond_error,
  .respond_failure = h_respond_failure,
  .sections_fill = cairn_sections_fill_impl,
  .capability_renew_on_use = h_capability_renew_on_use,
  .sql_prepare_kept = cairn_sql_prepare_kept,
  .respond_shared = cairn_respond_shared_impl,
  .respond_shared_fresh = cairn_respond_shared_fresh_impl,
  .sql_done = cairn_sql_done,
};

/* Fill req->today from the local clock in the process's time zone (TZ is
** set from the clinic's config at start-up). */
void cairn_req_set_today(cairn_req *req) {
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  strftime(req->today, sizeof req->today, "%Y-%m-%d", &tm);
}

cairn_req *cairn_req_new(cairn_arena *a, const cairn_config *cfg,
                         const cairn_registry *reg, cairn_store *st) {
  cairn_req *r = cairn_arena_alloc(a, sizeof *r);
  r->arena = a;
  r->cfg = cfg;
  r->reg = reg;
  r->store = st;
  r->method = "CLI";
  r->path = "/";
  r->accept = "";
  r->content_type = "";
  r->remote_addr = "";
  const char *user = getenv("USER");
  r->actor = cairn_arena_printf(a, "cli:%s", user && *user ? user : "unknown");
  cairn_req_set_today(r);
  return r;
}
