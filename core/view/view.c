/*
** view.c -- XSLT views.  Every stylesheet under the views directory is
** compiled once, in the master before workers fork, and shared read-only
** by them.  Transforms run with libxslt's security preferences refusing
** every write and all network access; files may be read only from the
** views directory.  Output escaping is the serializer's: views never use
** disable-output-escaping (the test suite greps for it).
*/
#include <dirent.h>
#include <limits.h>
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
  xsltStylesheetPtr style;
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
    cairn_error e2 = {0};
    unsigned audience = 0;
    xmlDocPtr sdoc = cairn_xml_parse_file(path, &e2);
    if (sdoc && view_audience(sdoc, path, &audience, err)) {
      xmlFreeDoc(sdoc);
      rc = err->code;
      break;
    }
    xsltStylesheetPtr st = sdoc ? xsltParseStylesheetDoc(sdoc) : NULL;
    if (!st) {
      if (sdoc) xmlFreeDoc(sdoc);
      rc = cairn_fail(err, CAIRN_EINVAL, NULL, "view %s does not compile%s%s",
                      path, e2.message[0] ? ": " : "", e2.message);
      break;
    }
    name[len - 4] = 0;
    vs->v[vs->n].name = strdup(name);
    if (!vs->v[vs->n].name) abort();
    vs->v[vs->n].style = st;
    vs->v[vs->n].audience = audience;
    vs->n++;
  }
  closedir(d);
  return rc;
}

/*
** Compile every .xsl under `dir`.  A view that does not compile stops
** start-up with its file name.
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
    xsltFreeStylesheet(vs->v[i].style);
  }
  free(vs->v);
  if (vs->prefs) xsltFreeSecurityPrefs(vs->prefs);
  free(vs->dir);
  free(vs);
}

int cairn_views_has(const cairn_views *vs, const char *name) {
  for (size_t i = 0; i < vs->n; i++)
    if (strcmp(vs->v[i].name, name) == 0) return 1;
  return 0;
}

int cairn_views_audience_ok(const cairn_views *vs, const char *name,
                            unsigned who) {
  for (size_t i = 0; i < vs->n; i++)
    if (strcmp(vs->v[i].name, name) == 0)
      return vs->v[i].audience == 0 || (vs->v[i].audience & who) != 0;
  return 1;
}

/*
** Apply view `name` to `doc` and return the result tree (the caller frees
** it with xmlFreeDoc), for a caller that reads the result rather than
** sending it: the outbox takes a mail's subject, text and HTML from it.
** params as for cairn_views_render.  NULL with *err on failure.
*/
xmlDocPtr cairn_views_apply(const cairn_views *vs, const char *name,
                            xmlDocPtr doc, const char *const *params,
                            cairn_error *err) {
  xsltStylesheetPtr st = NULL;
  for (size_t i = 0; i < vs->n; i++)
    if (strcmp(vs->v[i].name, name) == 0) { st = vs->v[i].style; break; }
  if (!st) {
    cairn_fail(err, CAIRN_EINTERNAL, NULL, "no view named %s", name);
    return NULL;
  }
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

/* The stylesheet of view `name` (it exists: cairn_views_apply said so). */
static xsltStylesheetPtr view_style(const cairn_views *vs, const char *name) {
  for (size_t i = 0; i < vs->n; i++)
    if (strcmp(vs->v[i].name, name) == 0) return vs->v[i].style;
  return NULL;
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
  xmlDocPtr res = cairn_views_apply(vs, name, doc, params, err);
  if (!res) return err ? err->code : CAIRN_EINTERNAL;
  xsltStylesheetPtr st = view_style(vs, name);
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
