/*
** view.c -- XSLT views.  At start-up the master only parses every
** stylesheet under the views directory (well-formed, an XSLT stylesheet,
** a valid <?cairn-audience?>) and keeps its name and audience; each
** process compiles a view the first time it renders it and keeps it for
** its life (a worker: "stylesheets compiled once per worker").  Compiling
** all 87 in the master cost 126 ms of start-up and 45 MiB of heap that
** every worker inherited, since each view compiles its own copy of the
** layout and libraries it imports.  cairn_views_compile_all is the full
** check (cairnd -t, the reload check).  Transforms run with libxslt's security preferences refusing
** every write and all network access; files may be read only from the
** views directory.  Output escaping is the serializer's: views never use
** disable-output-escaping (the test suite greps for it).
*/
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>
#include <libxslt/security.h>
#include <libxslt/variables.h>
#include "cairn_int.h"

/* How many views one installation may have, and how deep the directory
** tree may go: generous, and a guard against a symlink loop. */
#define VIEWS_MAX 512
#define VIEWS_DEPTH_MAX 4

typedef struct view_entry {
  char *name;                     /* "program/chart" */
  char *path;                     /* its file, under the views directory */
  xsltStylesheetPtr style;        /* compiled on first use in this
                                  ** process; NULL until then */
  char *failure;                  /* why it did not compile, once it has
                                  ** failed in this process; else NULL */
  unsigned audience;              /* CAIRN_AUD_* bits of its
                                  ** <?cairn-audience?>; 0: anyone */
} view_entry;

struct cairn_views {
  char *dir;                      /* realpath of the views directory */
  view_entry *v;
  size_t n;
  xsltSecurityPrefsPtr prefs;
};

static const char *views_dir_for_check;

/* libxslt security callbacks. */
static int sec_forbid(xsltSecurityPrefsPtr p, xsltTransformContextPtr c,
                      const char *v) {
  (void)p; (void)c; (void)v;
  return 0;
}
static int sec_read_file(xsltSecurityPrefsPtr p, xsltTransformContextPtr c,
                         const char *value) {
  (void)p; (void)c;
  char real[PATH_MAX];
  const char *path = value;
  if (strncmp(path, "file://", 7) == 0) path += 7;
  if (!views_dir_for_check || !realpath(path, real)) return 0;
  size_t n = strlen(views_dir_for_check);
  return strncmp(real, views_dir_for_check, n) == 0 && real[n] == '/';
}

/* The words of <?cairn-audience ...?> and the audience bit of each (the
** words `cairn routes` prints). */
static const struct {
  const char *word;               /* "front-desk" */
  unsigned bit;                   /* CAIRN_AUD_FRONT_DESK */
} AUDIENCE_WORDS[] = {
  {.word = "public", .bit = CAIRN_AUD_PUBLIC},
  {.word = "admin", .bit = CAIRN_AUD_ADMIN},
  {.word = "clinician", .bit = CAIRN_AUD_CLINICIAN},
  {.word = "front-desk", .bit = CAIRN_AUD_FRONT_DESK},
  {.word = "capability", .bit = CAIRN_AUD_CAPABILITY},
};

/* Longest audience word, with room. */
#define AUDIENCE_WORD_MAX 32

/*
** The audience a stylesheet declares for the data its view documents
** hold, as a processing instruction before its root element:
**   <?cairn-audience clinician admin?>
** 0 and *out 0 when it declares none; CAIRN_EINVAL for a word that is
** not an audience (a typo must not open a view to everyone).
*/
static int view_audience(xmlDocPtr sdoc, const char *path, unsigned *out,
                         cairn_error *err) {
  *out = 0;
  for (xmlNodePtr n = sdoc->children; n; n = n->next) {
    if (n->type != XML_PI_NODE ||
        strcmp((const char *)n->name, "cairn-audience"))
      continue;
    const char *p = n->content ? (const char *)n->content : "";
    while (*p) {
      size_t len = strcspn(p, " \t\r\n");
      unsigned bit = 0;
      for (size_t i = 0; len && i < sizeof AUDIENCE_WORDS /
                                      sizeof AUDIENCE_WORDS[0]; i++)
        if (strlen(AUDIENCE_WORDS[i].word) == len &&
            strncmp(p, AUDIENCE_WORDS[i].word, len) == 0)
          bit = AUDIENCE_WORDS[i].bit;
      if (len && !bit)
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "view %s: cairn-audience \"%.*s\" is not one of "
                          "public, admin, clinician, front-desk, capability",
                          path, (int)(len < AUDIENCE_WORD_MAX ? len
                                                              : AUDIENCE_WORD_MAX),
                          p);
      *out |= bit;
      p += len;
      p += strspn(p, " \t\r\n");
    }
    if (*out == 0)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "view %s: cairn-audience names no audience", path);
  }
  return 0;
}

/* The namespace of XSLT 1.0 (the root of every view is in it). */
#define XSLT_NS "http://www.w3.org/1999/XSL/Transform"

/*
** Check a view file as start-up does without compiling it: it is
** well-formed, its root is xsl:stylesheet or xsl:transform, and its
** <?cairn-audience?> names only audiences (*audience its bits).  The
** parsed document is freed: the master keeps only the file's name.
*/
static int view_check(const char *path, unsigned *audience, cairn_error *err) {
  cairn_error e2 = {0};
  xmlDocPtr sdoc = cairn_xml_parse_file(path, &e2);
  if (!sdoc)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "view %s does not parse%s%s",
                      path, e2.message[0] ? ": " : "", e2.message);
  int rc = view_audience(sdoc, path, audience, err);
  xmlNodePtr root = xmlDocGetRootElement(sdoc);
  if (!rc && (!root || !root->ns ||
              strcmp((const char *)root->ns->href, XSLT_NS) ||
              (strcmp((const char *)root->name, "stylesheet") &&
               strcmp((const char *)root->name, "transform"))))
    rc = cairn_fail(err, CAIRN_EINVAL, NULL,
                    "view %s is not an XSLT stylesheet: its root is <%s>, "
                    "not xsl:stylesheet or xsl:transform", path,
                    root ? (const char *)root->name : "");
  xmlFreeDoc(sdoc);
  return rc;
}

static int load_dir(cairn_views *vs, const char *dir, const char *prefix,
                    int depth, cairn_error *err) {
  if (depth > VIEWS_DEPTH_MAX) return 0;
  DIR *d = opendir(dir);
  if (!d)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "views: cannot open %s", dir);
  struct dirent *e;
  int rc = 0;
  while (!rc && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat sb;
    if (stat(path, &sb)) continue;
    char name[PATH_MAX];
    snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "/" : "", e->d_name);
    if (S_ISDIR(sb.st_mode)) {
      rc = load_dir(vs, path, name, depth + 1, err);
      continue;
    }
    size_t len = strlen(name);
    if (len < 5 || strcmp(name + len - 4, ".xsl")) continue;
    if (vs->n == VIEWS_MAX) {
      rc = cairn_fail(err, CAIRN_ELIMIT, NULL, "views: more than %d views",
                      VIEWS_MAX);
      break;
    }
    unsigned audience = 0;
    rc = view_check(path, &audience, err);
    if (rc) break;
    name[len - 4] = 0;
    vs->v[vs->n] = (view_entry){
      .name = strdup(name),
      .path = strdup(path),
      .style = NULL,
      .failure = NULL,
      .audience = audience,
    };
    if (!vs->v[vs->n].name || !vs->v[vs->n].path) abort();
    vs->n++;
  }
  closedir(d);
  return rc;
}

/* What libxslt and libxml2 say while a view compiles, gathered for the
** log line that names the view (they print to stderr otherwise). */
static char compile_said[sizeof ((cairn_error *)0)->message];
static size_t compile_said_len;

/* A generic error handler that appends to compile_said, each run of
** white space (libxslt's newlines, the caret lines) made one space. */
static void gather_said(void *ctx, const char *fmt, ...) {
  (void)ctx;
  char piece[sizeof compile_said];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(piece, sizeof piece, fmt, ap);
  va_end(ap);
  for (const char *p = piece; *p && compile_said_len + 1 < sizeof compile_said;
       p++) {
    int space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
    if (space && (compile_said_len == 0 ||
                  compile_said[compile_said_len - 1] == ' '))
      continue;
    compile_said[compile_said_len++] = space ? ' ' : *p;
  }
  compile_said[compile_said_len] = 0;
}

/*
** The compiled stylesheet of view e: compiled from its file the first
** time this process asks, then kept for the life of the process (the
** cache is each process's own: the master compiles nothing, so each
** worker compiles the views it renders).  A view that does not compile
** is remembered as such and answers NULL with the file and libxslt's
** reason in *err every time.  A view whose <?cairn-audience?> changed on
** disk since the load is refused too: the audience checked is the one
** read at the load.
*/
static xsltStylesheetPtr view_compiled(view_entry *e, cairn_error *err) {
  if (e->style) return e->style;
  if (!e->failure) {
    xmlGenericErrorFunc xml_was = xmlGenericError;
    void *xml_was_ctx = xmlGenericErrorContext;
    xmlGenericErrorFunc xslt_was = xsltGenericError;
    void *xslt_was_ctx = xsltGenericErrorContext;
    compile_said_len = 0;
    compile_said[0] = 0;
    xmlSetGenericErrorFunc(NULL, gather_said);
    xsltSetGenericErrorFunc(NULL, gather_said);
    cairn_error e2 = {0};
    unsigned audience = 0;
    xmlDocPtr sdoc = cairn_xml_parse_file(e->path, &e2);
    int changed = sdoc && (view_audience(sdoc, e->path, &audience, &e2) ||
                           audience != e->audience);
    xsltStylesheetPtr st = sdoc && !changed ? xsltParseStylesheetDoc(sdoc)
                                            : NULL;
    xmlSetGenericErrorFunc(xml_was_ctx, xml_was);
    xsltSetGenericErrorFunc(xslt_was_ctx, xslt_was);
    if (st) return e->style = st;
    if (sdoc) xmlFreeDoc(sdoc);
    if (compile_said_len && compile_said[compile_said_len - 1] == ' ')
      compile_said[--compile_said_len] = 0;
    /* Room for the whole of it; cairn_fail cuts it to its message. */
    char why[PATH_MAX + 2 * sizeof compile_said];
    snprintf(why, sizeof why, "view %s %s%s%s", e->path,
             changed ? "changed its cairn-audience since cairnd loaded the "
                       "views (reload cairnd)"
                     : "does not compile",
             e2.message[0] || compile_said[0] ? ": " : "",
             e2.message[0] ? e2.message : compile_said);
    e->failure = strdup(why);
    if (!e->failure) abort();
  }
  cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s", e->failure);
  return NULL;
}

/* The entry of view `name`, or NULL.  Entries are not const through a
** const cairn_views: view_compiled caches in them. */
static view_entry *view_find(const cairn_views *vs, const char *name) {
  for (size_t i = 0; i < vs->n; i++)
    if (strcmp(vs->v[i].name, name) == 0) return &vs->v[i];
  return NULL;
}

/*
** Find every .xsl under `dir` and check it without compiling it
** (view_check).  A view that does not parse, is not a stylesheet or
** declares a bad audience stops start-up with its file name; one that
** does not compile is found by cairn_views_compile_all or when it is first
** rendered.
*/
int cairn_views_load(const char *dir, cairn_views **out, cairn_error *err) {
  char real[PATH_MAX];
  if (!realpath(dir, real))
    return cairn_fail(err, CAIRN_EINVAL, NULL, "views: no directory %s", dir);
  cairn_views *vs = calloc(1, sizeof *vs);
  if (!vs) abort();
  vs->dir = strdup(real);
  vs->v = calloc(VIEWS_MAX, sizeof *vs->v);
  if (!vs->dir || !vs->v) abort();
  views_dir_for_check = vs->dir;
  vs->prefs = xsltNewSecurityPrefs();
  if (!vs->prefs) abort();
  xsltSetSecurityPrefs(vs->prefs, XSLT_SECPREF_WRITE_FILE, sec_forbid);
  xsltSetSecurityPrefs(vs->prefs, XSLT_SECPREF_CREATE_DIRECTORY, sec_forbid);
  xsltSetSecurityPrefs(vs->prefs, XSLT_SECPREF_READ_NETWORK, sec_forbid);
  xsltSetSecurityPrefs(vs->prefs, XSLT_SECPREF_WRITE_NETWORK, sec_forbid);
  xsltSetSecurityPrefs(vs->prefs, XSLT_SECPREF_READ_FILE, sec_read_file);
  int rc = load_dir(vs, vs->dir, "", 0, err);
  if (rc) {
    cairn_views_free(vs);
    return rc;
  }
  *out = vs;
  return 0;
}

void cairn_views_free(cairn_views *vs) {
  if (!vs) return;
  for (size_t i = 0; i < vs->n; i++) {
    free(vs->v[i].name);
    free(vs->v[i].path);
    free(vs->v[i].failure);
    if (vs->v[i].style) xsltFreeStylesheet(vs->v[i].style);
  }
  free(vs->v);
  if (vs->prefs) xsltFreeSecurityPrefs(vs->prefs);
  free(vs->dir);
  free(vs);
}

/*
** Compile every view now (those not compiled yet in this process): the
** full check of `cairnd -t` and of a reload.  Stops at the first that
** does not compile, naming its file.
*/
int cairn_views_compile_all(const cairn_views *vs, cairn_error *err) {
  for (size_t i = 0; i < vs->n; i++)
    if (!view_compiled(&vs->v[i], err)) return err ? err->code : CAIRN_EINTERNAL;
  return 0;
}

int cairn_views_has(const cairn_views *vs, const char *name) {
  return view_find(vs, name) != NULL;
}

int cairn_views_audience_ok(const cairn_views *vs, const char *name,
                            unsigned who) {
  const view_entry *e = view_find(vs, name);
  return !e || e->audience == 0 || (e->audience & who) != 0;
}

/* Apply the compiled stylesheet st (view `name`) as cairn_views_apply. */
static xmlDocPtr apply_style(const cairn_views *vs, const char *name,
                             xsltStylesheetPtr st, xmlDocPtr doc,
                             const char *const *params, cairn_error *err) {
  xsltTransformContextPtr ctx = xsltNewTransformContext(st, doc);
  if (!ctx) abort();
  xsltSetCtxtSecurityPrefs(vs->prefs, ctx);
  if (params && xsltQuoteUserParams(ctx, (const char **)params)) {
    xsltFreeTransformContext(ctx);
    cairn_fail(err, CAIRN_EINTERNAL, NULL, "view %s: bad parameters", name);
    return NULL;
  }
  xmlDocPtr res = xsltApplyStylesheetUser(st, doc, NULL, NULL, NULL, ctx);
  int failed = !res || ctx->state != XSLT_STATE_OK;
  xsltFreeTransformContext(ctx);
  if (failed) {
    xmlFreeDoc(res);
    cairn_fail(err, CAIRN_EINTERNAL, NULL, "view %s failed to render", name);
    return NULL;
  }
  return res;
}

/*
** Apply view `name` to `doc` and return the result tree (the caller frees
** it with xmlFreeDoc), for a caller that reads the result rather than
** sending it: the outbox takes a mail's subject, text and HTML from it.
** params as for cairn_views_render.  NULL with *err on failure, among
** them a view that does not compile (compiled here on first use).
*/
xmlDocPtr cairn_views_apply(const cairn_views *vs, const char *name,
                            xmlDocPtr doc, const char *const *params,
                            cairn_error *err) {
  view_entry *e = view_find(vs, name);
  if (!e) {
    cairn_fail(err, CAIRN_EINTERNAL, NULL, "no view named %s", name);
    return NULL;
  }
  xsltStylesheetPtr st = view_compiled(e, err);
  return st ? apply_style(vs, name, st, doc, params, err) : NULL;
}

/*
** Render `doc` with view `name`.  params is a NULL-terminated list of
** name, value pairs; values are passed as string literals (quoted by
** libxslt), never evaluated as XPath.  *out is libxslt's output buffer
** itself, handed over without a copy (xmlFree() it).
*/
int cairn_views_render(const cairn_views *vs, const char *name,
                       xmlDocPtr doc, const char *const *params,
                       xmlChar **out, int *len, cairn_error *err) {
  view_entry *e = view_find(vs, name);
  if (!e)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no view named %s", name);
  xsltStylesheetPtr st = view_compiled(e, err);
  if (!st) return err ? err->code : CAIRN_EINTERNAL;
  xmlDocPtr res = apply_style(vs, name, st, doc, params, err);
  if (!res) return err ? err->code : CAIRN_EINTERNAL;
  xmlChar *buf = NULL;
  int n = 0;
  int rc = xsltSaveResultToString(&buf, &n, res, st);
  xmlFreeDoc(res);
  if (rc != 0 || (buf == NULL && n != 0)) {
    if (buf) xmlFree(buf);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "view %s: serialization failed", name);
  }
  *out = buf;   /* NULL when the view produced nothing: an empty page */
  *len = n;
  return 0;
}
