/*
** cairn_int.h -- the core's internal shapes, shared by cairnd, the cairn
** CLI and the unit tests.  Never installed; plugins see only
** <cairn/plugin.h>.
*/
#ifndef CAIRN_INT_H
#define CAIRN_INT_H

#include <stddef.h>
#include <stdio.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <sqlite3.h>
/* The core implements the host table; the calling macros of plugin.h
** are for plugins only, and would clash with the core's own names. */
#define CAIRN_CORE_BUILD 1
#include "cairn/plugin.h"

/* ---------------------------------------------------------------- errors */

/* Fill *err (if not NULL) and return code.  The message is truncated to
** fit; field may be NULL. */
int cairn_fail(cairn_error *err, int code, const char *field,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ----------------------------------------------------------------- arena */

/* A per-request pool (nginx's ngx_pool_t idea): many allocations, one
** free.  Cleanups run in reverse order of registration when the arena is
** reset or freed, for what is not memory (statements, xmlDocs). */
typedef struct cairn_arena cairn_arena;

cairn_arena *cairn_arena_new(void);                 /* aborts on OOM */
void *cairn_arena_alloc(cairn_arena *a, size_t n);  /* zeroed; aborts */
char *cairn_arena_strdup(cairn_arena *a, const char *s); /* NULL -> NULL */
char *cairn_arena_strndup(cairn_arena *a, const char *s, size_t n);
char *cairn_arena_printf(cairn_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *cairn_arena_vprintf(cairn_arena *a, const char *fmt, va_list ap);
/* A registered cleanup, to disarm when its object is taken over. */
typedef struct cairn_arena_cleanup_h cairn_arena_cleanup_h;
cairn_arena_cleanup_h *cairn_arena_cleanup(cairn_arena *a, void (*fn)(void *),
                                           void *arg);
void cairn_arena_cleanup_disarm(cairn_arena_cleanup_h *h); /* NULL: no-op */
void cairn_arena_reset(cairn_arena *a);   /* run cleanups, keep 1st block */
void cairn_arena_free(cairn_arena *a);    /* run cleanups, free all */
size_t cairn_arena_used(const cairn_arena *a);

/* ----------------------------------------------------------------- dates */

/* The years a date may have (date_parse, forms, imports): every date a
** clinic records, born 1900 or later, planned up to 2199. */
#define CAIRN_DAY_YEAR_MIN 1900
#define CAIRN_DAY_YEAR_MAX 2199
/* Day numbers of 0000-01-01 and 9999-12-31: what "YYYY-MM-DD" can show. */
#define CAIRN_DAY_MIN_ANY (-719528L)
#define CAIRN_DAY_MAX_ANY 2932896L

int cairn_month_days(int y, int m);
long cairn_days_from_civil(int y, int m, int d);
void cairn_civil_from_days(long days, int *y, int *m, int *d);
void cairn_date_iso(char out[11], int y, int m, int d);
int cairn_day_parse(const char *s, long *days);     /* date_parse */
void cairn_day_format(char out[11], long days);
int cairn_day_weekday(long days);                   /* 1 Monday .. 7 */
long cairn_day_week_start(long days);               /* its Monday */

/* ------------------------------------------------------------ XML safety */

/* Parser options used for every document that crosses a boundary: no
** network, no DTD loading or validation, no entity substitution
** (XML_PARSE_NOENT is deliberately absent), no XInclude, no HUGE. */
#define CAIRN_XML_PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOCDATA)
/* Maximum element depth of a document accepted from outside. */
#define CAIRN_XML_MAX_DEPTH 64
/* Maximum size of an XML body accepted from outside: 1 MiB, far above
** any single clinical record. */
#define CAIRN_XML_MAX_BYTES (1024 * 1024)
/* Most attributes one element of an outside document may carry: a record
** element has a handful; libxml2's duplicate-attribute check costs the
** square of the count, so 143,364 attributes on one element (1 MB) held a
** worker for a minute.  Counted before parsing. */
#define CAIRN_XML_MAX_ATTRIBUTES 64
/* Most elements in one outside document: the largest record (an intake
** section of 80 fields) has a few hundred; 20,000 leaves room for any
** record while bounding the tree libxml2 builds.  Counted before
** parsing. */
#define CAIRN_XML_MAX_ELEMENTS 20000

/* Install the entity loader that refuses everything outside `allowed_dir`
** (NULL: refuse all).  Called once per process. */
void cairn_xml_init(const char *allowed_dir);
/* Parse a buffer from outside.  DOCTYPE is refused outright.  NULL with
** *err (CAIRN_EINVAL, message with line number) on failure. */
xmlDocPtr cairn_xml_parse(const char *buf, size_t len, cairn_error *err);
/* Parse a trusted file (config, instruments, schemas) the same way. */
xmlDocPtr cairn_xml_parse_file(const char *path, cairn_error *err);
/* Validate against a compiled schema; the first error goes in *err with
** the element name as field. */
int cairn_xml_validate(xmlSchemaPtr schema, xmlDocPtr doc, cairn_error *err);
/* Serialize `node` (escaped, no declaration) into buf and write it to out
** as one indented line, then unlink and free node: the streaming writers
** of bundles and FHIR exports.  0, or -1 when it cannot be serialized
** (nothing written; node freed all the same). */
int cairn_xml_write_line(FILE *out, xmlBufferPtr buf, xmlNodePtr node);
/* How many times cairn_xml_validate has run in this process (for tests). */
extern unsigned long cairn_xml_validations;
/* Compile an XSD file. */
xmlSchemaPtr cairn_xml_schema_load(const char *path, cairn_error *err);
/* The process's one XPath context, set to evaluate in `doc` at `node`
** (NULL: the root element) with the prefix "r" bound to `ns` (NULL: not
** bound) and no error handler.  Reused because xmlXPathNewContext
** registers every XPath function in a new hash table each time (with its
** free, 7% of a bundle import).  Valid until the next call; never freed
** by the caller.  Workers are single-threaded processes. */
xmlXPathContextPtr cairn_xpath_context(xmlDocPtr doc, xmlNodePtr node,
                                       const char *ns);

/* ---------------------------------------------------------------- config */

typedef struct cairn_setting { const char *name, *value; } cairn_setting;

struct cairn_plugin_config {
  char *path;               /* the .so file */
  cairn_setting *settings;  /* <setting name=> children */
  size_t n_settings;
};

typedef struct cairn_config {
  int secure_cookies;       /* 0 only for a loopback demo over plain HTTP */
  char *listen;             /* "unix:/path", "127.0.0.1:9000", or "fd:0" */
  char *listen_group;       /* group of the unix socket, or NULL: the
                            ** process's own */
  int workers;              /* 1..64 */
  char *database;           /* SQLite file */
  char *schemas_dir;        /* XSDs */
  char *views_dir;          /* XSLT views */
  char *clinic_name;        /* shown in every page's frame */
  char *timezone;           /* for "today", e.g. "Europe/London" */
  struct cairn_plugin_config *plugins;
  size_t n_plugins;
  /* --- messages and scheduled work (core/lib/config_outbound.c) --- */
  char *public_url;          /* "https://clinic.example" or with a base
                             ** path, never a trailing '/'; NULL: unset */
  struct cairn_mail_config *mail; /* <mail>, or NULL: nothing is sent */
  int jobs_interval;         /* seconds between the master's job runs;
                             ** 0: the master runs none (timer or cron) */
  char *backup_dir;          /* <backup dir=>: where the daily backup job
                             ** writes dated backups; NULL: no job backups */
  int backup_keep;           /* <backup keep=>: dated backups kept there */
} cairn_config;

/* <mail>: how the outbox reaches the clinic's SMTP relay. */
typedef struct cairn_mail_config {
  char *host;                /* relay host name or address */
  int port;                  /* 1..65535; default 587 */
  int starttls;              /* 1: STARTTLS required (default); 0: plain */
  char *user;                /* AUTH user, or NULL for no AUTH */
  char *password_file;       /* read at send time, never logged; or NULL */
  char *from_address;        /* envelope and From: address */
  char *from_name;           /* From: display name (default: the clinic) */
  int timeout_s;             /* one delivery's whole SMTP conversation */
  int stale_claim_s;         /* a row left "sending" this long is retried */
} cairn_mail_config;

/* Read <public-url>, <mail>, <jobs> or <backup> (config_outbound.c) into c; 0 for
** any other element.  CAIRN_EINVAL naming the element for a bad value. */
int cairn_config_outbound(xmlNodePtr n, const char *base, cairn_config *c,
                          cairn_error *err);
void cairn_config_outbound_free(cairn_config *c);
/* Check a public base URL: http or https, a host, an optional port and
** base path; no user, query or fragment.  Writes the normalised URL (no
** trailing '/') to out. */
int cairn_public_url_check(const char *url, char *out, size_t size,
                           cairn_error *err);

/* Parse and validate `path` against schemas_dir/config.xsd.  Relative
** paths in the file are taken relative to the file's directory. */
int cairn_config_load(const char *path, const char *schemas_dir,
                      cairn_config **out, cairn_error *err);
void cairn_config_free(cairn_config *cfg);

/* -------------------------------------------------------------- registry */

/* A record type as loaded: the plugin's declaration, its compiled schema
** and projection XPaths. */
typedef struct cairn_rtype {
  const cairn_record_type *decl;
  const struct cairn_loaded *plugin;
  xmlSchemaPtr schema;
  xmlXPathCompExprPtr *proj;      /* one per projection */
  size_t n_proj;
} cairn_rtype;

typedef struct cairn_loaded {
  void *dl;                        /* dlopen handle */
  const cairn_plugin *desc;        /* the host-sized copy (or the core's) */
  cairn_plugin *own_desc;          /* that copy, freed with the registry;
                                   ** NULL for the built-in core */
  const struct cairn_plugin_config *cfg;
  int initialized;
} cairn_loaded;

typedef struct cairn_route_rt {
  const cairn_route *decl;
  const cairn_loaded *plugin;
  void *code;                      /* pcre2_code_8 * */
} cairn_route_rt;

typedef struct cairn_registry {
  cairn_loaded *plugins;   size_t n_plugins;
  cairn_rtype *types;      size_t n_types;
  cairn_route_rt *routes;  size_t n_routes;
  const char *schemas_dir;
} cairn_registry;

/* Load every plugin of cfg, check its descriptor, compile its schemas,
** projections and routes, call init.  All or nothing: on failure *err
** names the file and the reason and nothing stays loaded. */
int cairn_registry_load(const cairn_config *cfg, const cairn_api *api,
                        cairn_registry **out, cairn_error *err);
/* Check one descriptor (exposed for tests): ABI, size, error size, names,
** API level, lists, commands. */
int cairn_registry_check_desc(const cairn_plugin *d, const char *file,
                              cairn_error *err);
/* Check d and copy it into a zeroed, host-sized, malloc'd descriptor. */
int cairn_registry_adopt_desc(const cairn_plugin *d, const char *file,
                              cairn_plugin **out, cairn_error *err);
/* The core's `cairn` commands (NULL-terminated), which plugins may not
** shadow; 1 when name is one of them. */
extern const char *const cairn_core_commands[];
int cairn_registry_core_command(const char *name);
/* A plugin's command by name (and its plugin), or NULL. */
const cairn_command *cairn_registry_command(const cairn_registry *reg,
                                            const char *name,
                                            const struct cairn_loaded **plugin);
void cairn_registry_free(cairn_registry *reg);
const cairn_rtype *cairn_registry_type(const cairn_registry *reg,
                                       const char *name);

/* ---------------------------------------------------------------- router */

/* Limits for every match (pcre2 match and depth limits): a route pattern
** is small and anchored, so a legitimate match needs very little. */
#define CAIRN_ROUTE_MATCH_LIMIT 10000
#define CAIRN_ROUTE_DEPTH_LIMIT 1000
/* Longest path we route: 2 KiB, well past any URL Cairn makes. */
#define CAIRN_PATH_MAX 2048

/* Compile a route pattern (anchored at both ends, UTF mode, JIT). */
int cairn_route_compile(const char *pattern, void **code, cairn_error *err);
void cairn_route_free(void *code);
/* Find the route for method+path.  Returns the route index, -1 when no
** pattern matches (404), -2 when a pattern matches but not the method
** (405).  Named groups are stored in req->params. */
int cairn_router_match(const cairn_registry *reg, cairn_req *req,
                       const char *method, const char *path);

/* ------------------------------------------------------ request decoding */

typedef struct cairn_kv { const char *name, *value; } cairn_kv;

/* Decoding limits (each a named constant, each tested). */
#define CAIRN_BODY_MAX (1024 * 1024)   /* 1 MiB: a form or one record */
#define CAIRN_PARAMS_MAX 200           /* query + form fields per request */
#define CAIRN_PARAM_NAME_MAX 128       /* bytes in a field name */
#define CAIRN_PARAM_VALUE_MAX 65536    /* bytes in one decoded value */
#define CAIRN_COOKIES_MAX 32            /* others' cookies kept; more are
                                       ** ignored, not refused */
#define CAIRN_COOKIES_OWN_MAX 8         /* Cairn's own (cairn_*, __Host-) */

struct cairn_doc;

struct cairn_req {
  cairn_arena *arena;
  const cairn_config *cfg;
  const cairn_registry *reg;
  struct cairn_store *store;
  /* input */
  const char *method;        /* "GET", "POST", "CLI" */
  const char *path;          /* decoded, checked */
  const char *accept;        /* HTTP Accept or "" */
  const char *content_type;  /* without parameters, lower-case, or "" */
  const char *remote_addr;
  const char *query_string;  /* raw, as received */
  const char *body;          /* raw body, NUL-terminated */
  size_t body_len;
  cairn_kv *query;  size_t n_query;
  cairn_kv *form;   size_t n_form;
  cairn_kv *params; size_t n_params;
  cairn_kv *cookies; size_t n_cookies;
  const char *actor;
  const char *record_time;   /* NULL: writes are stamped now; set only by
                             ** a bundle import, to keep versions' times */
  char today[11];
  int event_depth;
  /* output */
  int status;
  xmlDocPtr view_doc;
  const char *view;          /* "program/chart" */
  const char *location;      /* for 303 */
  int want_xml;              /* client asked for application/xml */
  const char *raw_body;      /* or a body sent as it is (the FHIR export) */
  size_t raw_len;
  const char *raw_ctype;     /* its Content-Type; set with raw_body */
  const char *shared_key;    /* respond_shared: keep the rendered page
                             ** under this key (core/server/shared.c) */
  unsigned long long shared_stamp; /* at this data version */
  const char *shared_values[5]; /* this visitor's form token and fresh
                             ** values, filled into the kept page's holes
                             ** ([0] the token; NULL after the last) */
  /* access (core/server/access.c, core/server/serve.c) */
  struct cairn_staff *staff; /* the signed-in staff member, or NULL */
  struct cairn_capability *cap; /* the capability link in use, or NULL */
  const char *csrf;          /* the form token views put in forms */
  const char *route;         /* the matched route's pattern, for audit */
  long long audit_patient;   /* noted by handlers or the route's group */
  long long audit_record;
  const char *audit_outcome; /* overrides the status in the audit entry */
  const char *set_cookie[4]; /* Set-Cookie values to send */
  int n_set_cookie;
  int retry_after;           /* seconds, sent with 429 */
  int no_referrer;           /* capability pages: Referrer-Policy no-referrer */
  /* what the CSRF check reads, decoded with the rest (core/server/serve.c) */
  const char *origin;        /* HTTP Origin, or "" */
  const char *fetch_site;    /* Sec-Fetch-Site, or "" */
  const char *csrf_header;   /* X-CSRF-Token (XML clients), or "" */
  const char *host;          /* HTTP Host, or "" */
  int https;                 /* the front end says HTTPS=on */
};

/* Decode percent-encoding of [s, s+n) into the arena.  plus_is_space for
** form encoding.  CAIRN_EINVAL on a bad escape, a decoded NUL, bad UTF-8
** or a control character other than TAB/CR/LF (CR/LF refused too when
** !allow_newlines). */
int cairn_url_decode(cairn_arena *a, const char *s, size_t n,
                     int plus_is_space, int allow_newlines, char **out,
                     cairn_error *err);
/* Parse "a=1&b=2" into kv pairs, appending at most CAIRN_PARAMS_MAX in
** total across calls. */
int cairn_parse_urlencoded(cairn_arena *a, const char *s, size_t n,
                           cairn_kv **kv, size_t *n_kv, size_t *budget,
                           cairn_error *err);
/* Parse a Cookie header. */
int cairn_parse_cookies(cairn_arena *a, const char *s, cairn_kv **kv,
                        size_t *n_kv, cairn_error *err);
/* Check and normalise a request path: decode it, refuse NUL, bad UTF-8,
** control characters, dot segments, doubled slashes and over-long paths. */
int cairn_path_check(cairn_arena *a, const char *raw, char **out,
                     cairn_error *err);
/* 1 when s is valid UTF-8 (no overlongs, no surrogates). */
int cairn_utf8_valid(const char *s, size_t n);
/* Find a kv value by name or NULL. */
const char *cairn_kv_get(const cairn_kv *kv, size_t n, const char *name);

/* ----------------------------------------------------------------- store */

typedef struct cairn_store cairn_store;

/* SQLite's busy timeout: a writer waits this long for the lock before the
** request fails with a 503 (never "database is locked" to the client). */
#define CAIRN_BUSY_TIMEOUT_MS 5000
/* Events may write records that fire events; stop runaway chains here. */
#define CAIRN_EVENT_DEPTH_MAX 4

/* Open (creating if needed) the database: WAL, synchronous=FULL, busy
** timeout, foreign keys on; create the core tables; create or rebuild each
** record type's projection table; run plugin migrations once each. */
int cairn_store_open(const char *path, const cairn_registry *reg,
                     cairn_store **out, cairn_error *err);
void cairn_store_close(cairn_store *st);
sqlite3 *cairn_store_db(cairn_store *st);

/* The page cache of a connection that writes in bulk from the command line
** (`cairn import`, `cairn import-csv`, `cairn reindex`), in KiB: enough
** that one bundle's transaction keeps its changed pages in memory until
** its commit.  SQLite's default is 2,000 KiB. */
#define CAIRN_BULK_CACHE_KIB (256 * 1024)

/* Set the store's connection up for a bulk write from the command line:
** the bulk page cache, and temp_store=MEMORY, which keeps the savepoint
** journal of each record written inside the import's transaction in
** memory instead of a temporary file (that journal only ever serves to
** roll one record back within the transaction; it is never what makes a
** commit durable).  synchronous, the WAL and every check stay as they
** are, so the commit is as durable as any other. */
int cairn_store_bulk(cairn_store *st, cairn_error *err);

/* Transactions for multi-record work (import): BEGIN IMMEDIATE / COMMIT /
** ROLLBACK.  Record writes inside one use savepoints. */
int cairn_store_begin(cairn_store *st, cairn_error *err);
int cairn_store_commit(cairn_store *st, cairn_error *err);
void cairn_store_rollback(cairn_store *st);

/* The record API (behind the host table's record_* entries).  `body` is
** taken over by the store on success and on failure. */
int cairn_store_create(cairn_req *req, const char *type, long long patient,
                       xmlDocPtr body, long long *id, cairn_error *err);
int cairn_store_revise(cairn_req *req, long long id, int expected_version,
                       const char *status, xmlDocPtr body,
                       cairn_error *err);
/* The same, taking a cairn_doc's xmlDoc without copying it (the document
** is left empty); a body validated against the type and unchanged since
** is not validated again before the check hook. */
int cairn_store_create_doc(cairn_req *req, const char *type,
                           long long patient, struct cairn_doc *body,
                           long long *id, cairn_error *err);
int cairn_store_revise_doc(cairn_req *req, long long id, int expected_version,
                           const char *status, struct cairn_doc *body,
                           cairn_error *err);
int cairn_store_get(cairn_req *req, long long id, const cairn_record **out,
                    cairn_error *err);
/* Rebuild every projection table from the newest versions. */
int cairn_store_reindex(cairn_store *st, cairn_error *err);
/* Count of record versions (for tests and `cairn stats`). */
long long cairn_store_count(cairn_store *st, const char *type);

struct cairn_record {
  long long id, patient;
  int version;
  const char *type, *status, *author, *time;
  xmlDocPtr body;            /* owned by the request arena */
  const cairn_rtype *rt;
  cairn_arena *arena;        /* the arena of the request that read it */
};

/* Read-only statements over projections, for plugins and the CLI. */
cairn_stmt *cairn_sql_prepare(cairn_req *req, const char *sql,
                              cairn_error *err);
/* The database's data version as seen by this connection: PRAGMA
** data_version (other connections' commits) and this connection's own
** changes, in one number that moves whenever the data may have.  0 or
** CAIRN_EDB. */
int cairn_store_data_stamp(struct cairn_store *st, unsigned long long *out);
/* Pages the same for every visitor without a staff session
** (core/server/shared.c; plugin.h, respond_shared). */
int cairn_shared_get(const char *key, unsigned long long stamp,
                     const char *today, const char **body, size_t *len);
void cairn_shared_put(const char *key, unsigned long long stamp,
                      const char *today, const char *body, size_t len);
void cairn_shared_clear(void);
/* The placeholder rendered where hole `which` goes (0: the form token,
** 1..: the fresh values in order): letters and digits only. */
const char *cairn_shared_mark(unsigned which);
/* The kept page `key` with req->shared_values in its holes, in req's
** arena; NULL when there is none at this stamp and date. */
const char *cairn_shared_serve(cairn_req *req, const char *key,
                               unsigned long long stamp, size_t *len);
/* Keep `body` (rendered with the marks) and return it with req's values
** in the holes (req's arena); NULL when a mark was cut or changed by the
** view, and then nothing is kept. */
const char *cairn_shared_keep(cairn_req *req, const char *body, size_t len,
                              size_t *out_len);
/* Put req's own fresh values back where the marks stand on the view
** document's root, for a page rendered for this visitor alone. */
void cairn_shared_unmark(cairn_req *req);
int cairn_respond_shared_impl(cairn_req *req,
                              cairn_doc *(*build)(cairn_req *req),
                              const char *view);
int cairn_respond_shared_fresh_impl(cairn_req *req,
                                    cairn_doc *(*build)(cairn_req *req),
                                    const char *view,
                                    const char *const *fresh_names,
                                    const char *(*fresh)(cairn_req *req,
                                                         const char *name));
/* The same, also writing kept tables, in a write transaction only. */
cairn_stmt *cairn_sql_prepare_kept(cairn_req *req, const char *sql,
                                   cairn_error *err);
int cairn_sql_bind_text(cairn_stmt *st, const char *name, const char *v);
int cairn_sql_bind_int(cairn_stmt *st, const char *name, long long v);
int cairn_sql_bind_real(cairn_stmt *st, const char *name, double v);
int cairn_sql_step(cairn_stmt *st);
const char *cairn_sql_text(cairn_stmt *st, int col);
long long cairn_sql_int(cairn_stmt *st, int col);
double cairn_sql_real(cairn_stmt *st, int col);
int cairn_sql_is_null(cairn_stmt *st, int col);
void cairn_sql_done(cairn_stmt *st);

/* ------------------------------------------------------------- documents */

struct cairn_doc {
  cairn_req *req;            /* the request it belongs to; NULL for a
                             ** document from xml_load */
  cairn_arena *arena;        /* strings read from it live here: the
                             ** request's arena, or xml_load's own */
  xmlDocPtr xml;             /* NULL once taken by the store */
  xmlNodePtr cur;            /* the builder's current element */
  xmlNsPtr ns;               /* the root's namespace, for new elements */
  cairn_arena_cleanup_h *owner; /* frees xml with the arena; disarmed by
                             ** cairn_doc_take; NULL when not owned */
  const struct cairn_rtype *valid_for; /* validated against this type's
                             ** schema and unchanged since (see dirty) */
  unsigned dirty : 1;        /* changed since valid_for was set */
  unsigned readonly : 1;     /* a stored record's body: editing refused */
};
cairn_doc *cairn_doc_new(cairn_req *req, const char *ns, const char *root);
/* A document over xml, owned by req's arena (freed with it). */
cairn_doc *cairn_doc_adopt(cairn_req *req, xmlDocPtr xml);
/* A document over xml that someone else owns and frees (the store's
** body during a check hook, a record's body); nothing is freed with it. */
cairn_doc *cairn_doc_borrow(cairn_req *req, xmlDocPtr xml, int readonly);
/* Detach the doc's xmlDoc (no copy): the caller owns it afterwards and the
** document is left empty.  NULL when it was taken already. */
xmlDocPtr cairn_doc_take(cairn_doc *doc);
/* The writer behind the host table's doc_* entries (see plugin.h). */
void cairn_doc_open_impl(cairn_doc *d, const char *name);
void cairn_doc_close_impl(cairn_doc *d);
void cairn_doc_attr_impl(cairn_doc *d, const char *name, const char *value);
void cairn_doc_text_impl(cairn_doc *d, const char *name, const char *text);
void cairn_doc_text_attr_impl(cairn_doc *d, const char *name,
                              const char *attr, const char *value,
                              const char *text);
void cairn_doc_record_impl(cairn_doc *d, const cairn_record *rec);
/* 0 when d may be edited (and marks it dirty); logs and returns
** CAIRN_EINVAL for a read-only or taken document. */
int cairn_doc_editable(cairn_doc *d, const char *what);

/* Reading and editing (core/lib/doc_read.c; see plugin.h's level 3). */
cairn_node *cairn_doc_root(cairn_doc *d);
const char *cairn_doc_value(cairn_doc *d, cairn_node *ctx, const char *xpath);
int cairn_doc_number(cairn_doc *d, cairn_node *ctx, const char *xpath,
                     double *out);
int cairn_doc_count(cairn_doc *d, cairn_node *ctx, const char *xpath);
cairn_node *cairn_node_child(cairn_doc *d, cairn_node *parent,
                             const char *name);
cairn_node *cairn_node_next(cairn_node *node, const char *name);
const char *cairn_node_name(cairn_node *node);
const char *cairn_node_text(cairn_doc *d, cairn_node *node);
const char *cairn_node_attr(cairn_doc *d, cairn_node *node, const char *name);
int cairn_doc_remove(cairn_doc *d, cairn_node *ctx, const char *xpath);
void cairn_doc_at(cairn_doc *d, cairn_node *node);
cairn_node *cairn_doc_insert_before(cairn_doc *d, cairn_node *before,
                                    const char *name, const char *text);

/* ------------------------------------------------------------------ text */

/* core/lib/text.c; see plugin.h's url_encode, text_check, format_number. */
const char *cairn_text_url_encode(cairn_arena *a, const char *s);
int cairn_text_check(const char *s, size_t max_chars, unsigned flags,
                     const char *field, const char *what, cairn_error *err);
const char *cairn_text_format_number(cairn_arena *a, double v, int decimals);

/* ---------------------------------------------------------------- tokens */

/* core/lib/token.c (libsodium); see plugin.h's level 3. */
void cairn_random_bytes(void *buf, size_t n);
const char *cairn_random_token(cairn_arena *a, size_t bytes);
void cairn_hash(unsigned char out[32], const void *in, size_t n,
                const void *key, size_t keylen);
int cairn_equal_ct(const void *a, const void *b, size_t n);

/* ----------------------------------------------------------------- forms */

/* core/plugin/form.c; see plugin.h's form_* entries. */
cairn_form *cairn_form_new(cairn_req *req, const char *id,
                           const cairn_field *fields);
int cairn_form_bind(cairn_form *f);
const char *cairn_form_value(cairn_form *f, const char *name);
void cairn_form_set(cairn_form *f, const char *name, const char *value);
void cairn_form_error(cairn_form *f, const char *field, const char *msg);
int cairn_form_errors(cairn_form *f);
void cairn_form_host_error(cairn_form *f, const cairn_error *err);
void cairn_form_doc(cairn_doc *d, cairn_form *f, const char *action,
                    const char *submit);

/* ------------------------------------------------------------------ host */

/* The table handed to plugins (level CAIRN_API_LEVEL). */
extern const cairn_api cairn_host_table;

/* Where h_xml_load finds schemas (set once at start-up). */
void cairn_host_set_schemas(const char *dir);
/* Fill req->today ("YYYY-MM-DD", local time in TZ). */
void cairn_req_set_today(cairn_req *req);

/* A request for CLI work: arena, store, registry, actor "cli:<user>". */
cairn_req *cairn_req_new(cairn_arena *a, const cairn_config *cfg,
                         const cairn_registry *reg, cairn_store *st);

/* ----------------------------------------------------------------- views */

typedef struct cairn_views cairn_views;
/* Find and parse every .xsl under dir (recursively): well-formed, an
** XSLT stylesheet, a valid <?cairn-audience?>; nothing is compiled.  Each
** process compiles a view when it first renders it and keeps it. */
int cairn_views_load(const char *dir, cairn_views **out, cairn_error *err);
void cairn_views_free(cairn_views *v);
/* Compile every view not yet compiled in this process; the first that
** does not compile fails, naming its file (cairnd -t, a reload's check). */
int cairn_views_compile_all(const cairn_views *v, cairn_error *err);
/* 1 when a view of that name was found by cairn_views_load. */
int cairn_views_has(const cairn_views *v, const char *name);
/* 1 when a caller of audience bits `who` (a role's bit, or
** CAIRN_AUD_CAPABILITY, or CAIRN_AUD_PUBLIC) may be shown view `name`:
** the view declares no <?cairn-audience?> or names one of them.  A view
** holds what its GET route's audience may read, so a handler that
** re-renders it for anyone else (a refused POST) is answered 403. */
int cairn_views_audience_ok(const cairn_views *v, const char *name,
                            unsigned who);
/* Render doc with view `name`, passing clinic name and path as params.
** *out is libxslt's own output buffer, not a copy (xmlFree it); *len its
** length. */
int cairn_views_render(const cairn_views *v, const char *name,
                       xmlDocPtr doc, const char *const *params,
                       xmlChar **out, int *len, cairn_error *err);
/* Apply view `name` and return the result tree (caller frees), or NULL
** with *err: for results read by the core, such as a mail's parts. */
xmlDocPtr cairn_views_apply(const cairn_views *v, const char *name,
                            xmlDocPtr doc, const char *const *params,
                            cairn_error *err);

/* ---------------------------------------------------------------- logging */
/* Name the program in log lines (default "cairnd"). */
void cairn_log_set_name(const char *name);
/* 1 when stderr is the systemd journal (lines then carry "<N>"). */
int cairn_log_to_journal(void);
/* Write only lines of `level` or more important (CAIRN_LOG_ERROR <
** CAIRN_LOG_WARN < CAIRN_LOG_INFO); CAIRN_LOG_INFO, everything, by
** default. */
void cairn_log_set_level(int level);
void cairn_logf(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* CAIRN_INT_H */
