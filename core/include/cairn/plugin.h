/*
** cairn/plugin.h -- the one public header of Cairn: the plugin ABI.
**
** A plugin is a shared object that exports exactly one function,
** cairn_plugin_entry(), returning a pointer to a static const
** cairn_plugin descriptor.  The host (cairnd, or the cairn CLI) checks the
** descriptor's first two fields -- the ABI version, which must match
** exactly, and the descriptor's own size -- before it reads anything else
** (the idea of PostgreSQL's PG_MODULE_MAGIC).  The plugin then names the
** least API level it needs (Geany's scheme): the host table only ever grows
** at its end (SQLite's sqlite3_api_routines), so a plugin built for level N
** runs on any host of level >= N with the same ABI version.
**
** Plugins call the host only through the table handed to init(), through
** the macros at the end of this file, never through core symbols: plugins
** are loaded with RTLD_LOCAL and can be unit-tested against a mock table.
** Plugins see opaque handles (cairn_req, cairn_doc, cairn_record,
** cairn_stmt) and never allocate or embed the host's structs.
**
** Ownership: every pointer the host returns to a plugin during a request
** lives in the request's arena and is freed when the request ends, unless a
** function says otherwise.  Plugins never free host memory.
**
** Errors: functions that can fail return 0 or a negative CAIRN_E* code and,
** where they take a cairn_error, fill it with a message a person can act on
** and, for bad input, the name of the field at fault.
*/
#ifndef CAIRN_PLUGIN_H
#define CAIRN_PLUGIN_H

#include <stddef.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: bumped on any incompatible change to the structs below or to
** the meaning of an existing table entry.  Must match exactly. */
#define CAIRN_ABI_VERSION 1u

/* API level: the number of the newest additions at the end of cairn_api.
** Level 1: everything up to and including log.
** Level 2: access (role, capability links, rate limits, patient-scoped
**          reads, audit notes) and doc_text_attr. */
#define CAIRN_API_LEVEL 2u

/* Status codes.  0 is success; failures are negative. */
#define CAIRN_OK          0
#define CAIRN_EINVAL     (-1)   /* bad input: the person can fix it (4xx) */
#define CAIRN_ENOTFOUND  (-2)   /* no such record, route or row (404) */
#define CAIRN_ECONFLICT  (-3)   /* stale version, illegal state move (409) */
#define CAIRN_ELIMIT     (-4)   /* a declared limit was exceeded (413/422) */
#define CAIRN_EDB        (-5)   /* the database failed (500, logged) */
#define CAIRN_EINTERNAL  (-6)   /* a bug or a broken install (500, logged) */
#define CAIRN_EDENIED    (-7)   /* access refused (403) */

/* A failure, filled by the host.  Plain data: plugins may declare one on
** the stack.  Both strings are always NUL-terminated. */
typedef struct cairn_error {
  int code;                 /* one of CAIRN_E*, 0 when nothing failed */
  char field[64];           /* the form field or record element at fault,
                            ** or "" when the failure is not about one */
  char message[320];        /* for a person: what is wrong, what to do */
} cairn_error;

/* Opaque handles. */
typedef struct cairn_req cairn_req;       /* one unit of work: an HTTP
                                          ** request or one CLI command */
typedef struct cairn_doc cairn_doc;       /* an XML document being built:
                                          ** a view or a record body */
typedef struct cairn_record cairn_record; /* one stored version of a record */
typedef struct cairn_stmt cairn_stmt;     /* a prepared read-only query */
typedef struct cairn_plugin_config cairn_plugin_config; /* <plugin> settings */
struct _xmlDoc;                           /* libxml2's xmlDoc */

/* Audiences.  Every route declares who may call it; 0 is refused when the
** plugin is loaded (deny by default).  Roles combine with '|'. */
#define CAIRN_AUD_PUBLIC      0x01u  /* anyone, no sign-in */
#define CAIRN_AUD_ADMIN       0x02u  /* staff role: administrator */
#define CAIRN_AUD_CLINICIAN   0x04u  /* staff role: clinician */
#define CAIRN_AUD_FRONT_DESK  0x08u  /* staff role: front desk */
#define CAIRN_AUD_CAPABILITY  0x10u  /* holder of a capability link */
#define CAIRN_AUD_STAFF (CAIRN_AUD_ADMIN|CAIRN_AUD_CLINICIAN|CAIRN_AUD_FRONT_DESK)

/* A route handler.  Returns the HTTP status of the response it set with
** cairn_respond_view() or cairn_respond_redirect() (which return that
** status for convenience), or a negative CAIRN_E* code, which the core
** turns into an error page that shows no internals. */
typedef int (*cairn_handler)(cairn_req *req);

typedef struct cairn_route {
  const char *method;        /* "GET" or "POST"; HEAD is served by GET */
  const char *pattern;       /* pcre2 pattern over the decoded path, anchored
                             ** by the core; named groups become path params:
                             ** "/patients/(?<patient>[0-9]{1,18})" */
  unsigned audience;         /* CAIRN_AUD_* bits; 0 is refused at load */
  cairn_handler handler;     /* NULL only in the terminating entry */
  const char *summary;       /* one line for `cairn routes` */
} cairn_route;

/* Column types of a projection. */
typedef enum cairn_coltype {
  CAIRN_COL_TEXT = 1,        /* string(xpath) */
  CAIRN_COL_INT  = 2,        /* number(xpath), must be integral */
  CAIRN_COL_REAL = 3         /* number(xpath) */
} cairn_coltype;

/* A typed column extracted from each record body into the record type's
** index table.  The XPath is evaluated with the record's root element as
** context node and the prefix "r" bound to the record type's namespace.
** An empty string or NaN is stored as NULL. */
typedef struct cairn_projection {
  const char *column;        /* [a-z][a-z0-9_]{0,30}; NULL ends the list */
  const char *xpath;         /* "r:instrument", "r:score" */
  cairn_coltype type;
} cairn_projection;

/* A record type: an XML document type validated by an XSD before anything
** is stored.  Its projections live in table "p_<table>" with columns
** (record INTEGER PRIMARY KEY, patient, version, status, <projections>),
** always reflecting the newest version of each record. */
typedef struct cairn_record_type {
  const char *name;          /* "program:Observation"; NULL ends the list */
  const char *ns;            /* namespace URI of the root element */
  const char *root;          /* local name of the root element */
  const char *xsd;           /* schema file name in the schemas directory */
  const char *table;         /* [a-z][a-z0-9_]{0,40}: "program_observation" */
  unsigned flags;            /* CAIRN_RT_* */
  const cairn_projection *projections;
  /* Rules an XSD cannot say (an answer within its instrument's range, a
  ** score recomputed from the answers): called on every write path (form,
  ** XML API, import) after schema validation and before anything is
  ** stored.  It may change the body (set a computed element); the body is
  ** validated again afterwards.  Non-zero refuses the write with *err.
  ** May be NULL. */
  int (*check)(cairn_req *req, struct _xmlDoc *body, cairn_error *err);
} cairn_record_type;

#define CAIRN_RT_PATIENT 0x01u  /* records of this type are patients: their
                                ** patient column is their own id */

/* An event subscriber: runs when a record of the named type commits,
** inside the same transaction, after its projections are written.  A
** non-zero return rolls the whole write back.  Writes made by a subscriber
** fire events too, up to a bounded depth. */
typedef int (*cairn_event_fn)(cairn_req *req, const cairn_record *rec,
                              cairn_error *err);
typedef struct cairn_subscription {
  const char *record_type;   /* NULL ends the list */
  cairn_event_fn fn;
} cairn_subscription;

typedef struct cairn_api cairn_api;

/* The descriptor.  The first two fields never move. */
typedef struct cairn_plugin {
  unsigned abi_version;      /* CAIRN_ABI_VERSION */
  size_t size;               /* sizeof(cairn_plugin) */
  const char *name;          /* [a-z][a-z0-9_]{0,31}: "program" */
  const char *version;       /* the plugin's own version: "0.1.0" */
  unsigned api_level;        /* the least CAIRN_API_LEVEL it needs */
  const char *description;   /* one line */
  const cairn_record_type *record_types; /* terminated by name == NULL */
  const cairn_route *routes;             /* terminated by method == NULL */
  const cairn_subscription *subscriptions; /* terminated by type == NULL */
  const char *const *migrations; /* SQL scripts run once each, in order, on
                                 ** the plugin's own projection tables (for
                                 ** example indexes); NULL-terminated */
  /* Called once in the master before workers fork.  api stays valid until
  ** fini.  A non-zero return refuses the plugin and cairnd does not start. */
  int (*init)(const cairn_api *api, const cairn_plugin_config *cfg,
              cairn_error *err);
  void (*fini)(void);        /* may be NULL */
} cairn_plugin;

/* The entry symbol every plugin exports.  Declared with default visibility
** so a plugin may build with -fvisibility=hidden and export only this. */
#define CAIRN_PLUGIN_ENTRY_SYMBOL "cairn_plugin_entry"
__attribute__((visibility("default")))
const cairn_plugin *cairn_plugin_entry(void);

/* Log levels for cairn_log(). */
#define CAIRN_LOG_ERROR 0
#define CAIRN_LOG_WARN  1
#define CAIRN_LOG_INFO  2

/*
** The host table.  Entries are only ever added at the end; each is marked
** with the API level that added it.
*/
struct cairn_api {
  unsigned size;             /* sizeof(cairn_api) of the host */
  unsigned api_level;        /* CAIRN_API_LEVEL of the host */

  /* --- level 1: the request -------------------------------------------- */
  /* "GET", "POST", ...; "CLI" for a CLI command. */
  const char *(*req_method)(cairn_req *req);
  /* The decoded path, always starting with '/'. */
  const char *(*req_path)(cairn_req *req);
  /* A named group of the route's pattern, or NULL. */
  const char *(*req_param)(cairn_req *req, const char *name);
  /* A decoded query-string parameter (valid UTF-8, no NUL), or NULL. */
  const char *(*req_query)(cairn_req *req, const char *name);
  /* A decoded application/x-www-form-urlencoded body parameter, or NULL. */
  const char *(*req_form)(cairn_req *req, const char *name);
  /* The request's Content-Type without parameters ("" when absent). */
  const char *(*req_content_type)(cairn_req *req);
  /* Parse the request body as a record of `type` with the core's safe
  ** options and validate it against the type's XSD.  The document belongs
  ** to the request.  CAIRN_EINVAL with a message naming the line and
  ** element at fault. */
  struct _xmlDoc *(*req_body_record)(cairn_req *req, const char *type,
                                     cairn_error *err);
  /* Who is acting: a staff user name, "cli:<user>", or "public". */
  const char *(*req_actor)(cairn_req *req);
  /* Today's date in the clinic as "YYYY-MM-DD". */
  const char *(*req_today)(cairn_req *req);
  /* Arena allocation: zeroed, aborts on exhaustion, freed with the request. */
  void *(*req_alloc)(cairn_req *req, size_t n);
  char *(*req_strdup)(cairn_req *req, const char *s);
  char *(*req_printf)(cairn_req *req, const char *fmt, ...)
      __attribute__((format(printf, 2, 3)));

  /* --- level 1: documents (views and record bodies) -------------------- */
  /* A record body from a parsed document (for example req_body_record's),
  ** as a cairn_doc that record_create accepts.  The doc is copied. */
  cairn_doc *(*doc_from_xml)(cairn_req *req, struct _xmlDoc *xml);
  /* A new document with root element `root` in namespace `ns` (NULL for
  ** none, as for views).  All text is escaped by the serializer. */
  cairn_doc *(*doc_new)(cairn_req *req, const char *ns, const char *root);
  /* Open a child element of the current element and make it current. */
  void (*doc_open)(cairn_doc *doc, const char *name);
  /* Close the current element; the root is never closed. */
  void (*doc_close)(cairn_doc *doc);
  /* Set an attribute on the current element; NULL value sets nothing. */
  void (*doc_attr)(cairn_doc *doc, const char *name, const char *value);
  /* Add <name>text</name> under the current element; NULL text adds
  ** nothing, "" adds an empty element. */
  void (*doc_text)(cairn_doc *doc, const char *name, const char *text);
  /* Copy a record's body (its root element) under the current element,
  ** wrapped in <record id= type= version= status= author= time=>. */
  void (*doc_record)(cairn_doc *doc, const cairn_record *rec);

  /* --- level 1: responses ---------------------------------------------- */
  /* Respond with view document `doc` rendered by the XSLT view `view`
  ** ("program/chart" is www/views/program/chart.xsl), or with the XML
  ** itself when the client asks for application/xml.  Returns status. */
  int (*respond_view)(cairn_req *req, cairn_doc *doc, const char *view,
                      int status);
  /* 303 See Other to a local path (must start with one '/', no CR/LF).
  ** Returns 303, or CAIRN_EINVAL for a path that is not local. */
  int (*respond_redirect)(cairn_req *req, const char *local_path);

  /* --- level 1: records ------------------------------------------------ */
  /* Validate `body` against the type's XSD and store it as version 1 of a
  ** new record of `type` belonging to patient `patient` (0 for a patient
  ** type: the record is its own patient).  Projections and events run in
  ** the same transaction; on any failure nothing is stored.  *id gets the
  ** new record id. */
  int (*record_create)(cairn_req *req, const char *type, long long patient,
                       cairn_doc *body, long long *id, cairn_error *err);
  /* Store a new version of record `id`.  `expected_version` must be the
  ** newest version (else CAIRN_ECONFLICT); `status` is "active",
  ** "entered-in-error" or a type-specific status, NULL for "active". */
  int (*record_revise)(cairn_req *req, long long id, int expected_version,
                       const char *status, cairn_doc *body, cairn_error *err);
  /* The newest version of record `id`, or CAIRN_ENOTFOUND. */
  int (*record_get)(cairn_req *req, long long id, const cairn_record **out,
                    cairn_error *err);
  long long (*record_id)(const cairn_record *rec);
  long long (*record_patient)(const cairn_record *rec);
  int (*record_version)(const cairn_record *rec);
  const char *(*record_type_name)(const cairn_record *rec);
  const char *(*record_status)(const cairn_record *rec);
  /* The value of an XPath over the body ("r" bound as for projections),
  ** as a string ("" when empty), in the request arena. */
  const char *(*record_value)(const cairn_record *rec, const char *xpath);

  /* --- level 1: read-only SQL over projection tables ------------------- */
  /* Prepare (cached per worker) a read-only statement; writes are refused.
  ** Parameters are named ":name".  The statement is reset when the request
  ** ends; it is never finalized by the plugin. */
  cairn_stmt *(*sql_prepare)(cairn_req *req, const char *sql,
                             cairn_error *err);
  /* Bind by name; an unknown name is CAIRN_EINVAL (Fossil's db_bind). */
  int (*sql_bind_text)(cairn_stmt *st, const char *name, const char *v);
  int (*sql_bind_int)(cairn_stmt *st, const char *name, long long v);
  int (*sql_bind_real)(cairn_stmt *st, const char *name, double v);
  /* 1: a row is ready; 0: done; negative: CAIRN_EDB. */
  int (*sql_step)(cairn_stmt *st);
  const char *(*sql_text)(cairn_stmt *st, int col); /* "" for NULL */
  long long (*sql_int)(cairn_stmt *st, int col);
  double (*sql_real)(cairn_stmt *st, int col);
  int (*sql_is_null)(cairn_stmt *st, int col);

  /* --- level 1: plugin settings, data files, logging ------------------- */
  /* A <setting name=...> of this plugin in the config, or NULL. */
  const char *(*config_get)(const cairn_plugin_config *cfg,
                            const char *name);
  /* Parse an XML file with the core's safe options (no network, no DTD, no
  ** entities, no XInclude) and validate it against `xsd` (a file name in
  ** the schemas directory).  The caller owns the result (xmlFreeDoc). */
  struct _xmlDoc *(*xml_load)(const char *path, const char *xsd,
                              cairn_error *err);
  void (*log)(int level, const char *fmt, ...)
      __attribute__((format(printf, 2, 3)));

  /* --- level 2: access, capability links, audit ----------------------- */
  /* The signed-in staff member's role: "admin", "clinician" or
  ** "front-desk"; NULL for a request without a staff session. */
  const char *(*req_role)(cairn_req *req);
  /* The scope of the capability link this request came through (as given
  ** to capability_issue, e.g. "intake:42"), or NULL. */
  const char *(*req_capability)(cairn_req *req);
  /* Issue a capability link: a random 256-bit token of which only a hash
  ** is stored.  `scope` names the one thing it grants ("referral:17");
  ** `target` is the local path it opens, and the link then grants routes
  ** of audience CAIRN_AUD_CAPABILITY under that path only; `patient` the
  ** patient it concerns (0 for none); it expires after `ttl_seconds`
  ** (60 s .. 90 days) and allows `max_uses` openings (0: unlimited until
  ** expiry).  *link gets the path to hand out, "/c/<token>" (request
  ** arena): it is shown once and cannot be recovered.  *id the link's id
  ** for revocation.  Audited. */
  int (*capability_issue)(cairn_req *req, const char *scope,
                          const char *target, long long patient,
                          long ttl_seconds, int max_uses, const char **link,
                          long long *id, cairn_error *err);
  /* Revoke link `id` now; later openings and its sessions are refused. */
  int (*capability_revoke)(cairn_req *req, long long id, cairn_error *err);
  /* A fixed-window rate limit shared by all workers: counts one event for
  ** (bucket, the client's address) and returns CAIRN_ELIMIT when more than
  ** `max` fell in the last `window_seconds`.  For public forms. */
  int (*rate_check)(cairn_req *req, const char *bucket, int max,
                    int window_seconds, cairn_error *err);
  /* record_get for a record reached through a patient's URL: a record that
  ** does not belong to `patient` is CAIRN_ENOTFOUND, and the attempt is
  ** audited. */
  int (*record_get_for_patient)(cairn_req *req, long long patient,
                                long long id, const cairn_record **out,
                                cairn_error *err);
  /* Tell the audit trail which patient (and record, 0 for none) this
  ** request read or wrote.  The core writes one entry per request with the
  ** actor, route and outcome; routes with a named group "patient" are
  ** noted automatically. */
  void (*audit_note)(cairn_req *req, long long patient, long long record);
  /* Add <name attr="value">text</name> under the current element. */
  void (*doc_text_attr)(cairn_doc *doc, const char *name, const char *attr,
                        const char *value, const char *text);
};

/*
** Calling the host.  One source file of the plugin says CAIRN_PLUGIN_INIT1
** at file scope; its init() says CAIRN_PLUGIN_INIT2(api).  Other files of
** the plugin declare CAIRN_PLUGIN_EXTERN.  Then cairn_req_query(req, "q")
** and friends call through the table.
*/
#ifndef CAIRN_CORE_BUILD   /* the core itself implements the table */
#define CAIRN_PLUGIN_INIT1 const cairn_api *cairn_host_api = 0;
#define CAIRN_PLUGIN_EXTERN extern const cairn_api *cairn_host_api;
#define CAIRN_PLUGIN_INIT2(api) (cairn_host_api = (api))

#define cairn_req_method      cairn_host_api->req_method
#define cairn_req_path        cairn_host_api->req_path
#define cairn_req_param       cairn_host_api->req_param
#define cairn_req_query       cairn_host_api->req_query
#define cairn_req_form        cairn_host_api->req_form
#define cairn_req_content_type cairn_host_api->req_content_type
#define cairn_req_body_record cairn_host_api->req_body_record
#define cairn_doc_from_xml    cairn_host_api->doc_from_xml
#define cairn_req_actor       cairn_host_api->req_actor
#define cairn_req_today       cairn_host_api->req_today
#define cairn_req_alloc       cairn_host_api->req_alloc
#define cairn_req_strdup      cairn_host_api->req_strdup
#define cairn_req_printf      cairn_host_api->req_printf
#define cairn_doc_new         cairn_host_api->doc_new
#define cairn_doc_open        cairn_host_api->doc_open
#define cairn_doc_close       cairn_host_api->doc_close
#define cairn_doc_attr        cairn_host_api->doc_attr
#define cairn_doc_text        cairn_host_api->doc_text
#define cairn_doc_record      cairn_host_api->doc_record
#define cairn_respond_view    cairn_host_api->respond_view
#define cairn_respond_redirect cairn_host_api->respond_redirect
#define cairn_record_create   cairn_host_api->record_create
#define cairn_record_revise   cairn_host_api->record_revise
#define cairn_record_get      cairn_host_api->record_get
#define cairn_record_id       cairn_host_api->record_id
#define cairn_record_patient  cairn_host_api->record_patient
#define cairn_record_version  cairn_host_api->record_version
#define cairn_record_type_name cairn_host_api->record_type_name
#define cairn_record_status   cairn_host_api->record_status
#define cairn_record_value    cairn_host_api->record_value
#define cairn_sql_prepare     cairn_host_api->sql_prepare
#define cairn_sql_bind_text   cairn_host_api->sql_bind_text
#define cairn_sql_bind_int    cairn_host_api->sql_bind_int
#define cairn_sql_bind_real   cairn_host_api->sql_bind_real
#define cairn_sql_step        cairn_host_api->sql_step
#define cairn_sql_text        cairn_host_api->sql_text
#define cairn_sql_int         cairn_host_api->sql_int
#define cairn_sql_real        cairn_host_api->sql_real
#define cairn_sql_is_null     cairn_host_api->sql_is_null
#define cairn_config_get      cairn_host_api->config_get
#define cairn_xml_load        cairn_host_api->xml_load
#define cairn_log             cairn_host_api->log
#define cairn_req_role        cairn_host_api->req_role
#define cairn_req_capability  cairn_host_api->req_capability
#define cairn_capability_issue cairn_host_api->capability_issue
#define cairn_capability_revoke cairn_host_api->capability_revoke
#define cairn_rate_check      cairn_host_api->rate_check
#define cairn_record_get_for_patient cairn_host_api->record_get_for_patient
#define cairn_audit_note      cairn_host_api->audit_note
#define cairn_doc_text_attr   cairn_host_api->doc_text_attr
#endif /* CAIRN_CORE_BUILD */

#ifdef __cplusplus
}
#endif
#endif /* CAIRN_PLUGIN_H */
