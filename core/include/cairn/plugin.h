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

/*
** ABI version: bumped on any incompatible change to the structs below or to
** the meaning of an existing table entry.  Must match exactly.
** Version 2: no libxml2 type in the ABI (the check hook, req_body_record
** and xml_load speak cairn_doc; doc_from_xml is gone); the descriptor may
** be shorter than the host's (fields it lacks read as zero). */
#define CAIRN_ABI_VERSION 2u

/* API level: the number of the newest additions at the end of cairn_api.
** Level 1: everything up to and including log.
** Level 2: access (role, capability links, rate limits, patient-scoped
**          reads, audit notes) and doc_text_attr.
** Level 3: the kit -- reading and editing documents, dates, text, one
**          form model, tokens and hashing, CLI output.
** Level 4: messages, jobs, the public address -- public_url,
**          message_queue, and the descriptor's `jobs`.
** Level 5: FHIR mappings and record references (descriptor fields fhir,
**          references).
** Level 6: the core's error page (respond_error, respond_failure);
**          sections one plugin adds to another's page (descriptor field
**          sections, host entry sections_fill); links renewed by use
**          (capability_renew_on_use); kept aggregates (sql_prepare_kept,
**          descriptor field reindex); public pages rendered once per data
**          version (respond_shared, respond_shared_fresh); statements
**          reset once read (sql_done). */
#define CAIRN_API_LEVEL 6u

/* 1 when the host table `api` has entry `member` (a plugin that can do
** without a newer entry tests for it this way; what it cannot do without
** it names as its api_level instead). */
#define CAIRN_API_HAS(api, member) \
  (offsetof(cairn_api, member) + sizeof((api)->member) <= (size_t)(api)->size)

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
typedef struct cairn_node cairn_node;     /* an element of a cairn_doc */
typedef struct cairn_form cairn_form;     /* a form being bound (level 3) */
struct cairn_field;

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
  const char *name;          /* "herbal:Prescription"; NULL ends the list */
  const char *ns;            /* namespace URI of the root element */
  const char *root;          /* local name of the root element */
  const char *xsd;           /* schema file name in the schemas directory */
  const char *table;         /* [a-z][a-z0-9_]{0,40}: "program_observation" */
  unsigned flags;            /* CAIRN_RT_* */
  const cairn_projection *projections;
  /* Rules an XSD cannot say (an answer within its instrument's range, a
  ** score recomputed from the answers): called on every write path (form,
  ** XML API, import) after schema validation and before anything is
  ** stored.  It reads the body with the doc_* entries and may change it
  ** (doc_remove, doc_at, doc_insert_before, doc_text: set a computed
  ** element); a changed body is validated again afterwards.  Non-zero
  ** refuses the write with *err.  May be NULL. */
  int (*check)(cairn_req *req, cairn_doc *body, cairn_error *err);
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

/* A `cairn` subcommand a plugin owns (imports, data checks, maintenance):
** `cairn NAME ARGS...` runs it with a CLI request (actor "cli:<user>",
** the store open, writes through the record API and audited).  argv[0] is
** the command's name.  Returns 0, or a CAIRN_E* code with *err filled,
** which the CLI prints and turns into exit status 1 (2 for CAIRN_EINVAL:
** a usage error).  Write output with cairn_cli_print. */
typedef int (*cairn_command_fn)(cairn_req *req, int argc, char **argv,
                                cairn_error *err);
typedef struct cairn_command {
  const char *name;          /* [a-z][a-z0-9-]{0,31}; NULL ends the list;
                             ** may not shadow a core command */
  const char *usage;         /* "import-csv --map FILE.xml FILE.csv" */
  const char *summary;       /* one line for `cairn help` */
  cairn_command_fn run;
} cairn_command;

/* Scheduled work a plugin owns (level 4): overdue checkpoints, reminders
** that fall due.  `cairn jobs run` (a systemd timer or cron) and the
** cairnd master run each job when `interval_seconds` have passed since
** its last start, one process at a time across the whole installation (a
** lease in the database).  The handler gets a request like a CLI
** command's (actor "job:<plugin>:<name>", the store open), finds what is
** due and does it; it must be idempotent -- a run cut short is simply run
** again -- and should do at most a bounded batch per run.  Returns the
** number of items it handled (0 or more), or a negative CAIRN_E* code
** with *err filled, which staff see on /admin/jobs. */
typedef int (*cairn_job_fn)(cairn_req *req, cairn_error *err);
typedef struct cairn_job {
  const char *name;          /* [a-z][a-z0-9-]{0,31}; NULL ends the list;
                             ** shown as "<plugin>:<name>" */
  unsigned interval_seconds; /* 60 .. 2,592,000 (30 days) */
  cairn_job_fn handler;
  const char *summary;       /* one line for `cairn jobs list` */
} cairn_job;

/* How records of one type export as FHIR R4 (level 5): `cairn export-fhir`
** and GET /patients/{p}/fhir apply the XSLT view `view` (a file under
** www/views/, named like any view: "herbal/fhir/prescription" is
** www/views/herbal/fhir/prescription.xsl, or "fhir/observation" for
** www/views/fhir/observation.xsl) to every record of the type.  The view's
** input is the patient's whole export (urn:cairn:fhir, docs/fhir.md):
**   <fhir:patient id="12" base="https://clinic/fhir/">
**     <fhir:record id= type= patient= version= status= author= created=
**                  updated=> BODY </fhir:record> ...
**   </fhir:patient>
** with the parameter $record the id of the record to map, so a view may
** read the patient's other records (an episode its phase changes).  Its
** output is <fhir:resources> holding zero or more FHIR resources in the
** namespace http://hl7.org/fhir, each with an <id>; the core wraps each
** in a Bundle entry with fullUrl BASE + "Type/id".  References between
** resources are relative: "Patient/12", "EpisodeOfCare/40". */
typedef struct cairn_fhir_map {
  const char *record_type;   /* "herbal:Prescription"; NULL ends the list;
                             ** one of the plugin's own record types */
  const char *view;          /* "fhir/observation" */
} cairn_fhir_map;

/* A part a plugin adds to a page another plugin owns (level 6): the
** program's episode page asks every loaded plugin for its section of slot
** "episode", the checkpoint page for "checkpoint", the graduation summary
** for "graduation", the patient's own summary (/p/{e}/summary) for
** "patient-summary" (whose fills show no staff notes, justifications or
** internal codes: the patient reads it), the patient's chart
** (/patients/{p}) for "chart" (episode 0).  The owner calls sections_fill; the core calls each
** declared fill in load order, inside an element
**   <section plugin="exercise" slot="episode" title="Exercise">
** that fill adds to in one shared shape, which www/views/section-lib.xsl
** renders the same on every page:
**   <line label="Stage" value="Corrective" level="ok|warn|alert"/>  a fact
**     (or its value as the text: doc_text_attr(doc, "line", "label", ...))
**   <action href="/patients/1/episodes/2/exercise">Record a session</action>
**   <note>plain text</note>
** fill returns 1 when it added something to show, 0 when it has nothing
** for this episode (the element is then marked empty="1"), or a negative
** CAIRN_E* code (logged; the element is marked failed="1" and the page
** still answers).  fill sees the request as the page's handler does and
** must show the caller only what its role may see (cairn_req_role). */
typedef struct cairn_section {
  const char *slot;          /* "episode", "checkpoint", "graduation", or
                             ** a slot another plugin documents */
  const char *title;         /* the section's heading, plain words */
  int (*fill)(cairn_req *req, long long patient, long long episode,
              cairn_doc *doc, cairn_error *err);
} cairn_section;

/* A body element that holds the id of another record (level 5): a bundle
** import (`cairn import`) rewrites it when the records get new ids.  The
** element is a direct child of the body's root, in the type's namespace,
** and holds a record id written earlier in the bundle. */
typedef struct cairn_reference {
  const char *record_type;   /* "herbal:Prescription"; NULL ends the list;
                             ** one of the plugin's own record types */
  const char *element;       /* local name: "episode" */
} cairn_reference;

typedef struct cairn_api cairn_api;

/* The descriptor.  The first three fields never move.  Fields are only
** ever added at the end: the host reads a descriptor no larger than its
** own (and at least up to `fini`) and takes the fields an older plugin
** lacks as zero; a larger one, from a newer header, is refused.  Fill it
** with designated initializers, starting with CAIRN_PLUGIN_MAGIC. */
typedef struct cairn_plugin {
  unsigned abi_version;      /* CAIRN_ABI_VERSION */
  size_t size;               /* sizeof(cairn_plugin) */
  size_t error_size;         /* sizeof(cairn_error): the plugin declares
                             ** them on its stack, so they must agree */
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
  /* --- added with API level 3 ---------------------------------------- */
  const cairn_command *commands; /* terminated by name == NULL; may be
                                 ** NULL */
  /* --- added with API level 4 ---------------------------------------- */
  const cairn_job *jobs;     /* terminated by name == NULL; may be NULL */
  /* --- added with API level 5 ---------------------------------------- */
  const cairn_fhir_map *fhir; /* terminated by record_type == NULL; may be
                              ** NULL: the plugin's records do not export */
  const cairn_reference *references; /* terminated by record_type == NULL;
                              ** may be NULL: no body holds a record id */
  /* --- added with API level 6 ---------------------------------------- */
  const cairn_section *sections; /* terminated by slot == NULL; may be
                              ** NULL: the plugin adds to no other page */
  /* Refill the plugin's kept tables from its projections: `cairn
  ** reindex` calls it after rebuilding every projection, in the same
  ** transaction, with a CLI request (sql_prepare_kept works).  Non-zero
  ** rolls the whole reindex back.  May be NULL: no kept tables. */
  int (*reindex)(cairn_req *req, cairn_error *err);
} cairn_plugin;

/* The descriptor's first fields, for its designated initializer:
**   static const cairn_plugin descriptor = { CAIRN_PLUGIN_MAGIC,
**     .name = "hello", ... }; */
#define CAIRN_PLUGIN_MAGIC \
  .abi_version = CAIRN_ABI_VERSION, .size = sizeof(cairn_plugin), \
  .error_size = sizeof(cairn_error)

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
  ** to the request (record_create and record_revise accept it).
  ** CAIRN_EINVAL with a message naming the line and element at fault. */
  cairn_doc *(*req_body_record)(cairn_req *req, const char *type,
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
  ** new record id.  The store takes the body over without copying it: on
  ** success and on failure the document is empty afterwards (reads give
  ** "", edits are refused).  A body from req_body_record that was not
  ** edited since is not validated again before the type's check hook. */
  int (*record_create)(cairn_req *req, const char *type, long long patient,
                       cairn_doc *body, long long *id, cairn_error *err);
  /* Store a new version of record `id`.  `expected_version` must be the
  ** newest version (else CAIRN_ECONFLICT); `status` is "active",
  ** "entered-in-error" or a type-specific status, NULL for "active".  The
  ** body is taken over as by record_create. */
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
  /* Parse an XML data file with the core's safe options (no network, no
  ** DTD, no entities, no XInclude) and validate it against `xsd` (a file
  ** name in the schemas directory).  The caller owns the result and frees
  ** it with doc_free; strings read from it live as long as it does.  For
  ** init(): clinic data such as definitions and instruments. */
  cairn_doc *(*xml_load)(const char *path, const char *xsd,
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

  /* --- level 3: reading and editing documents ------------------------- */
  /* Every XPath below is evaluated with the given node as context (NULL:
  ** the root element), the prefix "r" bound to the root's namespace.
  ** Strings returned live as long as the document (a request's document:
  ** the request; xml_load's: until doc_free). */
  /* The root element. */
  cairn_node *(*doc_root)(cairn_doc *doc);
  /* The string value of `xpath` ("" when empty or on no match). */
  const char *(*doc_value)(cairn_doc *doc, cairn_node *ctx,
                           const char *xpath);
  /* The number value of `xpath`: 0 and *out set, or CAIRN_ENOTFOUND when
  ** it is empty or not a number. */
  int (*doc_number)(cairn_doc *doc, cairn_node *ctx, const char *xpath,
                    double *out);
  /* How many nodes `xpath` selects. */
  int (*doc_count)(cairn_doc *doc, cairn_node *ctx, const char *xpath);
  /* The first child element of `parent` (NULL: the root) with local name
  ** `name` (NULL: any), or NULL; then its next sibling of that name. */
  cairn_node *(*node_child)(cairn_doc *doc, cairn_node *parent,
                            const char *name);
  cairn_node *(*node_next)(cairn_node *node, const char *name);
  /* The element's local name; its text content ("" when empty); an
  ** attribute's value, or NULL when absent. */
  const char *(*node_name)(cairn_node *node);
  const char *(*node_text)(cairn_doc *doc, cairn_node *node);
  const char *(*node_attr)(cairn_doc *doc, cairn_node *node,
                           const char *name);
  /* Editing, for check hooks that set computed elements.  Remove every
  ** element `xpath` selects (never the root); returns how many.  Node
  ** handles inside a removed element are invalid afterwards. */
  int (*doc_remove)(cairn_doc *doc, cairn_node *ctx, const char *xpath);
  /* Make `node` the builder's current element, so that doc_open, doc_text
  ** and doc_attr add under it; NULL: the root. */
  void (*doc_at)(cairn_doc *doc, cairn_node *node);
  /* Add <name>text</name> (in the root's namespace) as the previous
  ** sibling of `before` (NULL: as the last child of the builder's current
  ** element); returns it, or NULL when the document is read-only. */
  cairn_node *(*doc_insert_before)(cairn_doc *doc, cairn_node *before,
                                   const char *name, const char *text);
  /* The body of a stored record, read-only (editing it is refused). */
  cairn_doc *(*record_body)(cairn_req *req, const cairn_record *rec);
  /* Free a document from xml_load (request documents free themselves). */
  void (*doc_free)(cairn_doc *doc);

  /* --- level 3: dates --------------------------------------------------- */
  /* Dates are whole days since 1970-01-01 (a long): days between two
  ** dates is b - a, adding days is addition. */
  /* Parse "YYYY-MM-DD" (a real date, years 1900..2199) into *days;
  ** CAIRN_EINVAL otherwise. */
  int (*date_parse)(const char *s, long *days);
  /* "YYYY-MM-DD" of a day number, in the request's arena. */
  const char *(*date_format)(cairn_req *req, long days);
  /* Today in the clinic's time zone (the config's), as a day number. */
  long (*date_today)(cairn_req *req);
  /* The Monday of the ISO week holding `days`; and 1 (Monday) .. 7. */
  long (*date_week_start)(long days);
  int (*date_weekday)(long days);

  /* --- level 3: text ---------------------------------------------------- */
  /* Fill *err (if not NULL) and return `code`.  The message is cut to fit
  ** at a UTF-8 character boundary; field may be NULL. */
  int (*fail)(cairn_error *err, int code, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
  /* Percent-encode for a URL query value or path segment (RFC 3986:
  ** everything but ALPHA DIGIT - . _ ~), in the request's arena. */
  const char *(*url_encode)(cairn_req *req, const char *s);
  /* 1 when [s, s+n) is valid UTF-8 (no overlongs, no surrogates). */
  int (*utf8_valid)(const char *s, size_t n);
  /* Check a person's free text: valid UTF-8, at most `max_chars`
  ** characters, no control characters (CAIRN_TEXT_MULTILINE allows line
  ** breaks and tabs).  0, or CAIRN_EINVAL with *err naming `field` and
  ** saying what is wrong in words about `what` ("The reason"). */
  int (*text_check)(const char *s, size_t max_chars, unsigned flags,
                    const char *field, const char *what, cairn_error *err);
  /* A number for a person: `decimals` places, rounded half away from
  ** zero, thousands grouped as the clinic's locale groups them
  ** ("1,680.00"). */
  const char *(*format_number)(cairn_req *req, double v, int decimals);

  /* --- level 3: forms ---------------------------------------------------- */
  /* One form model for every plugin: declare the fields, bind what was
  ** posted (an urlencoded form, or the children of an XML body's root
  ** element of the same names), get a message per field, and put the form
  ** in a view with what was typed, for the shared form library
  ** (www/views/form-lib.xsl) to render.  Values are trimmed. */
  cairn_form *(*form_new)(cairn_req *req, const char *id,
                          const struct cairn_field *fields);
  /* Bind the request and check each declared field: required, kind
  ** (date, integer, number, choice, email), limits.  Returns the number
  ** of messages (0: all good). */
  int (*form_bind)(cairn_form *form);
  /* A field's value ("" when empty); set a value (a default, or one the
  ** plugin computed). */
  const char *(*form_value)(cairn_form *form, const char *name);
  void (*form_set)(cairn_form *form, const char *name, const char *value);
  /* Add a message for a field ("" or NULL: the whole form); the number of
  ** messages so far. */
  void (*form_error)(cairn_form *form, const char *field, const char *msg);
  int (*form_errors)(cairn_form *form);
  /* Put a host error (from record_create, say) on the field it names. */
  void (*form_host_error)(cairn_form *form, const cairn_error *err);
  /* Write <form id= action= submit=><value/>*<error/>*<field/>*</form>
  ** under the current element of `doc`. */
  void (*form_doc)(cairn_doc *doc, cairn_form *form, const char *action,
                   const char *submit);

  /* --- level 3: tokens and hashing -------------------------------------- */
  /* `n` random bytes from the system's CSPRNG. */
  void (*random_bytes)(void *buf, size_t n);
  /* A random token of `bytes` bytes (16..64), base64url without padding,
  ** in the request's arena. */
  const char *(*random_token)(cairn_req *req, size_t bytes);
  /* BLAKE2b-256 of [in, in+n), keyed when key is not NULL (16..64
  ** bytes). */
  void (*hash)(unsigned char out[32], const void *in, size_t n,
               const void *key, size_t keylen);
  /* 1 when the n bytes at a and b are equal, in time independent of
  ** where they differ. */
  int (*equal_ct)(const void *a, const void *b, size_t n);

  /* --- level 3: CLI ------------------------------------------------------ */
  /* Print to the CLI's standard output (a plugin command's report). */
  void (*cli_print)(cairn_req *req, const char *fmt, ...)
      __attribute__((format(printf, 2, 3)));

  /* --- level 4: messages, jobs, the public address ---------------------- */
  /* The full URL of a local path on the clinic's public address (the
  ** config's <public-url>): "/c/abc" -> "https://clinic.example/c/abc",
  ** in the request's arena.  NULL when no public address is configured or
  ** the path is not local (one leading '/', no space or control
  ** character).  Every link handed to a person is shown and sent in full. */
  const char *(*public_url)(cairn_req *req, const char *local_path);
  /* Queue an email to `to_address` (`to_name` may be NULL) whose subject,
  ** text and HTML come from mail view `view` ("intake/mail/link" is
  ** www/views/intake/mail/link.xsl, which imports mail/layout.xsl and
  ** fills its modes subject, text and html) rendered over `model`.  The
  ** row is written in the current transaction: queued from an event
  ** subscriber, it commits or rolls back with the record write; queued
  ** from a handler, it commits at once.  The core delivers it later by
  ** SMTP, with retries.  A message carries no clinical content beyond a
  ** patient's first name, and nothing about a patient in its subject.
  ** CAIRN_EINVAL naming "to" or "to_name" for an address or name that is
  ** not one (a CR or LF, no '@', ...) and when the clinic has no mail
  ** settings; CAIRN_EINTERNAL for a view that fails.  Nothing is queued
  ** on failure. */
  int (*message_queue)(cairn_req *req, const char *to_address,
                       const char *to_name, const char *view,
                       cairn_doc *model, cairn_error *err);
  /* Run fn(req, arg, err) in one transaction: every write it makes
  ** (records, capability links, messages) commits together when it
  ** returns 0, and none of them does when it returns non-zero, which is
  ** then returned with *err as fn filled it.  For a change and the
  ** message it causes, made in a handler: issue a link and queue the
  ** email that carries it, so that neither exists without the other.
  ** Not nested (CAIRN_EINTERNAL); CAIRN_EDB when the commit fails. */
  int (*transaction)(cairn_req *req,
                     int (*fn)(cairn_req *req, void *arg, cairn_error *err),
                     void *arg, cairn_error *err);

  /* --- level 6: the error page ------------------------------------------ */
  /* Answer with the core's error page (view "error": the status, the
  ** message in plain words, and the form field at fault when `field` is
  ** neither NULL nor empty).  Returns `status`, for `return
  ** cairn_respond_error(req, 404, NULL, "No such referral.");`. */
  int (*respond_error)(cairn_req *req, int status, const char *field,
                       const char *message);
  /* Answer a failure *err with the error page at the status its code
  ** means: CAIRN_EINVAL and CAIRN_ELIMIT at `invalid_status` (0: 422),
  ** CAIRN_ENOTFOUND 404, CAIRN_ECONFLICT 409, CAIRN_EDENIED 403.  Any
  ** other code (CAIRN_EDB, CAIRN_EINTERNAL) is returned as it is, for the
  ** core to log and answer 500 without showing the message. */
  int (*respond_failure)(cairn_req *req, const cairn_error *err,
                         int invalid_status);
  /* Add every loaded plugin's section of `slot` for this patient and
  ** episode (see cairn_section) at the builder's position, inside
  ** <sections slot="...">.  Returns how many have something to show.
  ** A failing fill is logged and marked, never fails the page. */
  int (*sections_fill)(cairn_req *req, const char *slot, long long patient,
                       long long episode, cairn_doc *doc);
  /* Make link `id` (from capability_issue) renewed by use: each use, an
  ** opening or a page seen through its session, moves its expiry to the
  ** time of use plus the lifetime it was issued with, at most once a day;
  ** so a link of 90 days ends 90 days after its last use, and one never
  ** used ends 90 days after issue.  Revocation still ends it at once.
  ** Call it after capability_issue, in the same transaction.
  ** CAIRN_ENOTFOUND when there is no such live link. */
  int (*capability_renew_on_use)(cairn_req *req, long long id,
                                 cairn_error *err);
  /* As sql_prepare, for a statement that may also INSERT, UPDATE and
  ** DELETE rows of kept tables: tables named p_<plugin>_kept_<name> that
  ** the plugin creates in a migration, holding figures derived from its
  ** records (aggregates a page reads instead of scanning every record).
  ** Kept tables change only with the records they come from: this is
  ** refused (NULL, CAIRN_EINTERNAL) outside a write transaction, so it
  ** is for event subscribers, the transaction entry and the plugin's
  ** reindex (cairn_plugin.reindex), which refills them from the
  ** projections. */
  cairn_stmt *(*sql_prepare_kept)(cairn_req *req, const char *sql,
                                  cairn_error *err);
  /* Answer with a page that is the same for every visitor without a
  ** staff session (a public price list; no form, no visitor's data): the
  ** core keeps the rendered page per worker and answers with it again,
  ** without calling build, while the database's data version, the path
  ** and query and the clinic's date are the same.  build returns the view
  ** document (NULL: CAIRN_EINTERNAL).  A signed-in or capability visitor
  ** and an XML client get build's document rendered as respond_view does.
  ** The form token is each visitor's own (the kept page has a placeholder
  ** where it goes).  Returns 200. */
  int (*respond_shared)(cairn_req *req, cairn_doc *(*build)(cairn_req *req),
                        const char *view);
  /* As respond_shared, for a page whose form also carries values that
  ** differ per visitor (a single-use stamp): fresh_names (NULL-terminated,
  ** at most 4) name attributes of the view document's root element, and
  ** fresh(req, name) makes this visitor's value of each, called on every
  ** request; build need not set them.  A value must be letters, digits
  ** and ._~- only, at most 256 bytes (else the page is rendered for this
  ** visitor alone), and the view must copy it whole into the page. */
  int (*respond_shared_fresh)(cairn_req *req,
                              cairn_doc *(*build)(cairn_req *req),
                              const char *view,
                              const char *const *fresh_names,
                              const char *(*fresh)(cairn_req *req,
                                                   const char *name));
  /* The caller has read what it needs of st (the first row of a LIMIT 1):
  ** reset it now, so that the next sql_prepare of the same SQL in this
  ** request gets it back rather than a fresh copy.  A statement left in
  ** the middle of its rows keeps a cursor open, and open cursors slow
  ** every other statement: call it in a loop that reads one row per
  ** patient or episode.  Text read with sql_text stays valid. */
  void (*sql_done)(cairn_stmt *st);
};

/* A form field (level 3).  Declare a static array ending with name ==
** NULL, with designated initializers. */
typedef enum cairn_field_kind {
  CAIRN_FIELD_TEXT = 1,      /* one line of text, at most max characters */
  CAIRN_FIELD_TEXTAREA,      /* lines of text, at most max characters */
  CAIRN_FIELD_DATE,          /* YYYY-MM-DD; not after today unless
                             ** CAIRN_FIELD_FUTURE */
  CAIRN_FIELD_INTEGER,       /* a whole number in [min, max] */
  CAIRN_FIELD_NUMBER,        /* a decimal number in [min, max] */
  CAIRN_FIELD_SELECT,        /* one of choices */
  CAIRN_FIELD_CHECKBOX,      /* "yes" or "" */
  CAIRN_FIELD_EMAIL,         /* an address: local@domain, no CR/LF */
  CAIRN_FIELD_HIDDEN,        /* carried through the form, not shown */
  CAIRN_FIELD_RADIO          /* one of choices, shown as radio buttons */
} cairn_field_kind;

#define CAIRN_FIELD_REQUIRED 0x01u  /* empty is refused */
#define CAIRN_FIELD_FUTURE   0x02u  /* dates: after today is allowed */

#define CAIRN_TEXT_MULTILINE 0x01u  /* text_check: line breaks, tabs ok */

typedef struct cairn_field {
  const char *name;          /* the posted name and the XML element name;
                             ** NULL ends the list */
  const char *label;         /* for a person */
  cairn_field_kind kind;
  unsigned flags;            /* CAIRN_FIELD_* */
  double min, max;           /* numbers: the range, inclusive (none when
                             ** min == max); text, textarea, hidden: max
                             ** characters (0: 200; 4,000 for textarea) */
  const char *const *choices; /* select, radio: value, label, value,
                             ** label, ... NULL-terminated */
  const char *hint;          /* shown under the label, or NULL */
} cairn_field;

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
/* level 3 */
#define cairn_doc_root        cairn_host_api->doc_root
#define cairn_doc_value       cairn_host_api->doc_value
#define cairn_doc_number      cairn_host_api->doc_number
#define cairn_doc_count       cairn_host_api->doc_count
#define cairn_node_child      cairn_host_api->node_child
#define cairn_node_next       cairn_host_api->node_next
#define cairn_node_name       cairn_host_api->node_name
#define cairn_node_text       cairn_host_api->node_text
#define cairn_node_attr       cairn_host_api->node_attr
#define cairn_doc_remove      cairn_host_api->doc_remove
#define cairn_doc_at          cairn_host_api->doc_at
#define cairn_doc_insert_before cairn_host_api->doc_insert_before
#define cairn_record_body     cairn_host_api->record_body
#define cairn_doc_free        cairn_host_api->doc_free
#define cairn_date_parse      cairn_host_api->date_parse
#define cairn_date_format     cairn_host_api->date_format
#define cairn_date_today      cairn_host_api->date_today
#define cairn_date_week_start cairn_host_api->date_week_start
#define cairn_date_weekday    cairn_host_api->date_weekday
#define cairn_fail            cairn_host_api->fail
#define cairn_url_encode      cairn_host_api->url_encode
#define cairn_utf8_valid      cairn_host_api->utf8_valid
#define cairn_text_check      cairn_host_api->text_check
#define cairn_format_number   cairn_host_api->format_number
#define cairn_form_new        cairn_host_api->form_new
#define cairn_form_bind       cairn_host_api->form_bind
#define cairn_form_value      cairn_host_api->form_value
#define cairn_form_set        cairn_host_api->form_set
#define cairn_form_error      cairn_host_api->form_error
#define cairn_form_errors     cairn_host_api->form_errors
#define cairn_form_host_error cairn_host_api->form_host_error
#define cairn_form_doc        cairn_host_api->form_doc
#define cairn_random_bytes    cairn_host_api->random_bytes
#define cairn_random_token    cairn_host_api->random_token
#define cairn_hash            cairn_host_api->hash
#define cairn_equal_ct        cairn_host_api->equal_ct
#define cairn_cli_print       cairn_host_api->cli_print
/* level 4 */
#define cairn_public_url      cairn_host_api->public_url
#define cairn_message_queue   cairn_host_api->message_queue
#define cairn_transaction     cairn_host_api->transaction
/* level 6 */
#define cairn_respond_error   cairn_host_api->respond_error
#define cairn_respond_failure cairn_host_api->respond_failure
#define cairn_sections_fill   cairn_host_api->sections_fill
#define cairn_capability_renew_on_use cairn_host_api->capability_renew_on_use
#define cairn_sql_prepare_kept cairn_host_api->sql_prepare_kept
#define cairn_respond_shared  cairn_host_api->respond_shared
#define cairn_respond_shared_fresh cairn_host_api->respond_shared_fresh
#define cairn_sql_done        cairn_host_api->sql_done
#endif /* CAIRN_CORE_BUILD */

#ifdef __cplusplus
}
#endif
#endif /* CAIRN_PLUGIN_H */
