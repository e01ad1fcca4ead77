/*
** xml.c -- XML that crosses a boundary: safe parsing, schema validation,
** schema compilation.
**
** Threats and answers:
**   external entities (XXE), DTD fetches, network access
**        -> an entity loader that refuses everything except files under
**           one allowed directory (XSLT imports, XSD includes), and a
**           parse that refuses any DOCTYPE outright;
**   entity expansion (billion laughs)
**        -> no DOCTYPE means no entity declarations; XML_PARSE_NOENT is
**           never set;
**   deep nesting, huge bodies
**        -> CAIRN_XML_MAX_DEPTH and CAIRN_XML_MAX_BYTES, checked while
**           parsing (the parser stops at the first element too deep);
**   costly markup (many attributes on one element: libxml2's duplicate
**   check is quadratic; a flood of elements)
**        -> CAIRN_XML_MAX_ATTRIBUTES and CAIRN_XML_MAX_ELEMENTS, counted by
**           a linear scan of the bytes before the parser sees them;
**   error text on stderr, or lost
**        -> structured error handlers on each parser, validation and
**           schema context; the first error becomes the cairn_error, with
**           its line, in words a person can act on.
** libxml2's process-wide error handlers are left alone.
*/
#define _GNU_SOURCE 1   /* memmem */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/uri.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlsave.h>
#include <libxml/xpathInternals.h>

#include "cairn_int.h"

/* Largest trusted file cairn_xml_parse_file reads: 256 MiB.  Trusted
** files include a bundle exported from a whole clinic (tens of megabytes);
** the bound only stops a wrong path (a disk image, /dev/zero) from
** exhausting memory. */
#define CAIRN_XML_FILE_MAX_BYTES (256L * 1024 * 1024)

/* The directory the entity loader serves files from (realpath, no
** trailing slash), or "" when it refuses everything. */
static char allowed_root[PATH_MAX];
/* A second directory allowed only while cairn_xml_schema_load compiles a
** schema: the schema's own directory, for its xs:include siblings. */
static char schema_root[PATH_MAX];

/* ------------------------------------------------------- entity loader */

/* 1 when `path` (a realpath) is `root` or lies beneath it. */
static int path_under(const char *path, const char *root) {
  size_t n = strlen(root);
  if (n == 0) return 0;
  if (strncmp(path, root, n) != 0) return 0;
  return path[n] == '/' || path[n] == '\0' || (n == 1 && root[0] == '/');
}

/*
** The only way libxml2 (and libxslt, which uses the same hook) reaches
** anything outside the buffer it was given.  A URL is served only when it
** is a local path ("/x", "x", or "file:///x"), its realpath exists and
** lies under the allowed directory (or, while a schema compiles, under
** that schema's directory).  Everything else -- http:, ftp:, other
** schemes, paths outside, names that do not exist -- is refused and the
** refusal logged: in a correct installation it never happens.
*/
static xmlParserInputPtr refusing_loader(const char *url, const char *id,
                                         xmlParserCtxtPtr ctxt) {
  char real[PATH_MAX];
  char *path = NULL;
  xmlParserInputPtr in;
  (void)id;

  if (url == NULL) return NULL;
  if (strncmp(url, "file://", 7) == 0) {
    const char *p = url + 7;
    if (strncmp(p, "localhost/", 10) == 0) p += 9;
    if (*p != '/') goto refuse;
    path = xmlURIUnescapeString(p, 0, NULL);
  } else {
    const char *colon = strchr(url, ':');
    const char *slash = strchr(url, '/');
    if (colon != NULL && (slash == NULL || colon < slash)) goto refuse;
    path = (char *)xmlStrdup((const xmlChar *)url);
  }
  if (path == NULL) goto refuse;
  if (realpath(path, real) == NULL) goto refuse;
  if (!path_under(real, allowed_root) && !path_under(real, schema_root))
    goto refuse;
  xmlFree(path);
  in = xmlNewInputFromFile(ctxt, real);
  return in;

refuse:
  xmlFree(path);
  cairn_logf(CAIRN_LOG_WARN, "xml: refused to load external resource %.200s",
             url);
  return NULL;
}

/*
** Install the refusing entity loader for the whole process.  allowed_dir
** (NULL: none) is the one directory whose files may be loaded by XSLT
** imports and XSD includes; it is resolved with realpath now.  Call it
** once, before any XML is parsed; a second call replaces the directory.
*/
void cairn_xml_init(const char *allowed_dir) {
  xmlInitParser();
  allowed_root[0] = '\0';
  if (allowed_dir != NULL) {
    char real[PATH_MAX];
    if (realpath(allowed_dir, real) != NULL)
      snprintf(allowed_root, sizeof allowed_root, "%s", real);
    else
      cairn_logf(CAIRN_LOG_WARN, "xml: allowed directory %s: %s",
                 allowed_dir, strerror(errno));
  }
  xmlSetExternalEntityLoader(refusing_loader);
}

/* ----------------------------------------------------------- messages */

/*
** Copy a libxml2 message into dst, made readable: namespace braces
** ("{urn:example:records}score" -> "score") go, and the trailing newline
** and spaces are trimmed.
*/
static void tidy_message(char *dst, size_t size, const char *msg) {
  size_t o = 0;
  if (size == 0) return;
  if (msg == NULL) msg = "unknown error";
  while (*msg && o + 1 < size) {
    if (*msg == '{') {
      /* A namespace ("{urn:x}name") goes; a value set ("{'a', 'b'}")
      ** stays, since it tells the person what is allowed. */
      const char *close = strchr(msg, '}');
      const char *quote = strchr(msg, '\'');
      if (close != NULL && (quote == NULL || quote > close)) {
        msg = close + 1;
        continue;
      }
    }
    dst[o++] = (*msg == '\n' || *msg == '\r') ? ' ' : *msg;
    msg++;
  }
  while (o > 0 && dst[o - 1] == ' ') o--;
  dst[o] = '\0';
}

/* ------------------------------------------------------------- parsing */

/* The state of one parse, hung on the parser context's _private. */
typedef struct parse_state {
  int depth;               /* elements open now */
  int code;                /* 0, or the CAIRN_E* of the first failure */
  int line;                /* its line, 0 when unknown */
  char message[256];       /* its text, tidied */
  startElementNsSAX2Func start;  /* the tree builder's callbacks */
  endElementNsSAX2Func end;
} parse_state;

/* Record the first failure; later ones are consequences of it. */
static void state_fail(parse_state *ps, int code, int line, const char *m) {
  if (ps->code != 0) return;
  ps->code = code;
  ps->line = line;
  tidy_message(ps->message, sizeof ps->message, m);
}

/* Structured error handler of the parser (data is the parser context). */
static void parse_error(void *data, xmlErrorPtr e) {
  xmlParserCtxtPtr ctxt = data;
  parse_state *ps = ctxt->_private;
  if (e == NULL || e->level < XML_ERR_ERROR) return;  /* warnings */
  if (e->message != NULL &&
      strncmp(e->message, "Input is not proper UTF-8", 25) == 0)
    state_fail(ps, CAIRN_EINVAL, e->line, "the text is not valid UTF-8");
  else
    state_fail(ps, CAIRN_EINVAL, e->line, e->message);
}

/* A DOCTYPE: refuse the document before any declaration in it is read. */
static void refuse_doctype(void *data, const xmlChar *name,
                           const xmlChar *external_id,
                           const xmlChar *system_id) {
  xmlParserCtxtPtr ctxt = data;
  (void)name; (void)external_id; (void)system_id;
  state_fail(ctxt->_private, CAIRN_EINVAL, xmlSAX2GetLineNumber(ctxt),
             "a DOCTYPE is not allowed (no DTDs or entities are accepted)");
  xmlStopParser(ctxt);
}

static void depth_start(void *data, const xmlChar *localname,
                        const xmlChar *prefix, const xmlChar *uri,
                        int nb_namespaces, const xmlChar **namespaces,
                        int nb_attributes, int nb_defaulted,
                        const xmlChar **attributes) {
  xmlParserCtxtPtr ctxt = data;
  parse_state *ps = ctxt->_private;
  if (++ps->depth > CAIRN_XML_MAX_DEPTH) {
    char m[96];
    snprintf(m, sizeof m, "elements are nested deeper than %d levels",
             CAIRN_XML_MAX_DEPTH);
    state_fail(ps, CAIRN_ELIMIT, xmlSAX2GetLineNumber(ctxt), m);
    xmlStopParser(ctxt);
    return;
  }
  ps->start(data, localname, prefix, uri, nb_namespaces, namespaces,
            nb_attributes, nb_defaulted, attributes);
}

static void depth_end(void *data, const xmlChar *localname,
                      const xmlChar *prefix, const xmlChar *uri) {
  xmlParserCtxtPtr ctxt = data;
  parse_state *ps = ctxt->_private;
  ps->depth--;
  ps->end(data, localname, prefix, uri);
}

/*
** Parse len bytes at buf with CAIRN_XML_PARSE_OPTS; `name` (a file path,
** or NULL) becomes the document URL and prefixes messages.
*/
static xmlDocPtr parse_buffer(const char *buf, size_t len, const char *name,
                              cairn_error *err) {
  xmlParserCtxtPtr ctxt;
  parse_state ps;
  xmlDocPtr doc = NULL;
  const char *pre = name ? name : "", *sep = name ? ": " : "";

  if (buf == NULL) len = 0;
  if (len > INT_MAX)
    return cairn_fail(err, CAIRN_ELIMIT, NULL, "%s%sthe XML is too large",
                      pre, sep), NULL;
  if (len == 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s%sthe XML is empty",
                      pre, sep), NULL;

  ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
  if (ctxt == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "%s%scannot create an XML parser", pre, sep), NULL;
  memset(&ps, 0, sizeof ps);
  ctxt->_private = &ps;
  xmlCtxtUseOptions(ctxt, CAIRN_XML_PARSE_OPTS);
  if (name != NULL && ctxt->input != NULL && ctxt->input->filename == NULL)
    ctxt->input->filename = (char *)xmlStrdup((const xmlChar *)name);
  /* Our hooks on this context's own copy of the SAX handler. */
  ctxt->sax->serror = parse_error;
  ctxt->sax->internalSubset = refuse_doctype;
  ctxt->sax->externalSubset = NULL;
  ps.start = ctxt->sax->startElementNs;
  ps.end = ctxt->sax->endElementNs;
  ctxt->sax->startElementNs = depth_start;
  ctxt->sax->endElementNs = depth_end;

  xmlParseDocument(ctxt);
  doc = ctxt->myDoc;
  ctxt->myDoc = NULL;
  if (ps.code == 0 && !ctxt->wellFormed)
    state_fail(&ps, CAIRN_EINVAL, xmlSAX2GetLineNumber(ctxt),
               "the XML is not well-formed");
  /* Belt and braces: whatever the callbacks did, no DTD gets through. */
  if (ps.code == 0 && doc != NULL && (doc->intSubset || doc->extSubset))
    state_fail(&ps, CAIRN_EINVAL, 0, "a DOCTYPE is not allowed");
  if (ps.code == 0 && (doc == NULL || xmlDocGetRootElement(doc) == NULL))
    state_fail(&ps, CAIRN_EINVAL, 0, "the XML has no root element");
  xmlFreeParserCtxt(ctxt);

  if (ps.code != 0) {
    xmlFreeDoc(doc);
    if (ps.line > 0)
      cairn_fail(err, ps.code, NULL, "%s%sline %d: %s", pre, sep, ps.line,
                 ps.message);
    else
      cairn_fail(err, ps.code, NULL, "%s%s%s", pre, sep, ps.message);
    return NULL;
  }
  return doc;
}

/*
** Count, in one pass over [buf, buf+len), the elements and the most
** attributes on one start tag, stopping as soon as either passes its
** bound.  Comments, CDATA sections, processing instructions and end tags
** are skipped; inside a start tag, every '=' outside a quoted value is an
** attribute.  Malformed markup only ends the count: the parser reports
** it.  Returns 0, or CAIRN_ELIMIT with *err.
*/
static int markup_census(const char *buf, size_t len, cairn_error *err) {
  const char *p = buf, *end = buf + len;
  long elements = 0;
  while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
    const char *close = NULL;
    int attrs = 0;
    p++;
    if (p < end && (*p == '!' || *p == '?' || *p == '/')) {
      if (end - p >= 3 && memcmp(p, "!--", 3) == 0)
        close = memmem(p, (size_t)(end - p), "-->", 3);
      else if (end - p >= 8 && memcmp(p, "![CDATA[", 8) == 0)
        close = memmem(p, (size_t)(end - p), "]]>", 3);
      else
        close = memchr(p, '>', (size_t)(end - p));
      if (close == NULL) return 0;
      p = close;
      continue;
    }
    if (++elements > CAIRN_XML_MAX_ELEMENTS)
      return cairn_fail(err, CAIRN_ELIMIT, NULL,
                        "the XML has more than %d elements", CAIRN_XML_MAX_ELEMENTS);
    for (; p < end && *p != '>'; p++) {
      if (*p == '"' || *p == '\'') {
        const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
        if (q == NULL) return 0;
        p = q;
      } else if (*p == '=' && ++attrs > CAIRN_XML_MAX_ATTRIBUTES) {
        return cairn_fail(err, CAIRN_ELIMIT, NULL,
                          "an element has more than %d attributes",
                          CAIRN_XML_MAX_ATTRIBUTES);
      }
    }
  }
  return 0;
}

/*
** Parse a buffer from outside (a request body, a stored record).  The
** caller owns the result (xmlFreeDoc).  Refused, with NULL and *err:
** more than CAIRN_XML_MAX_BYTES, more than CAIRN_XML_MAX_ELEMENTS
** elements, an element with more than CAIRN_XML_MAX_ATTRIBUTES
** attributes, or elements deeper than CAIRN_XML_MAX_DEPTH (CAIRN_ELIMIT); a DOCTYPE, anything not well-formed
** or not UTF-8 as declared, an empty buffer (CAIRN_EINVAL, the message
** gives the line of the first error).
*/
xmlDocPtr cairn_xml_parse(const char *buf, size_t len, cairn_error *err) {
  if (len > CAIRN_XML_MAX_BYTES)
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "the XML is %zu bytes; at most %d are accepted", len,
                      CAIRN_XML_MAX_BYTES), NULL;
  if (buf != NULL && markup_census(buf, len, err) != 0) return NULL;
  return parse_buffer(buf, len, NULL, err);
}

/*
** Parse a trusted file (config, instruments, schemas, a bundle) with the
** same options and refusals as cairn_xml_parse; the size bound is
** CAIRN_XML_FILE_MAX_BYTES.  Messages begin with the path.  The document
** URL is the path, so relative references resolve beside the file.  The
** caller owns the result.
*/
xmlDocPtr cairn_xml_parse_file(const char *path, cairn_error *err) {
  FILE *f;
  char *buf;
  long size;
  size_t got;
  xmlDocPtr doc;

  if (path == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no file named"), NULL;
  f = fopen(path, "rb");
  if (f == NULL)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: %s", path,
                      strerror(errno)), NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: not a regular file",
                      path), NULL;
  }
  if (size > CAIRN_XML_FILE_MAX_BYTES) {
    fclose(f);
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "%s: %ld bytes is larger than the %ld accepted", path,
                      size, CAIRN_XML_FILE_MAX_BYTES), NULL;
  }
  buf = malloc((size_t)size + 1);
  if (buf == NULL) {
    fclose(f);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: out of memory",
                      path), NULL;
  }
  got = fread(buf, 1, (size_t)size, f);
  fclose(f);
  if (got != (size_t)size) {
    free(buf);
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: short read", path), NULL;
  }
  doc = parse_buffer(buf, got, path, err);
  free(buf);
  return doc;
}

/* ---------------------------------------------------------- validation */

/* The first failure reported by a schema validation or compilation. */
typedef struct schema_state {
  int failed;              /* an error was seen */
  int line;                /* its line, 0 when unknown */
  char field[64];          /* element (or attribute) name, or "" */
  char message[256];       /* tidied text */
} schema_state;

static void schema_error(void *data, xmlErrorPtr e) {
  schema_state *ss = data;
  xmlNodePtr node;
  if (e == NULL || e->level < XML_ERR_ERROR || ss->failed) return;
  ss->failed = 1;
  ss->line = e->line;
  node = e->node;
  if (node != NULL && node->name != NULL &&
      (node->type == XML_ELEMENT_NODE || node->type == XML_ATTRIBUTE_NODE)) {
    snprintf(ss->field, sizeof ss->field, "%s", (const char *)node->name);
    if (ss->line <= 0 && node->type == XML_ELEMENT_NODE)
      ss->line = (int)xmlGetLineNo(node);
  }
  tidy_message(ss->message, sizeof ss->message, e->message);
}

/*
** Validate doc against schema.  0 when valid; CAIRN_EINVAL with the first
** error in *err when not: err->field is the local name of the element at
** fault ("score"), the message says what is wrong and on which line
** (when the document came from text).  CAIRN_EINTERNAL when the validator
** itself fails.
*/
/* Validations run by this process: the write path promises at most two
** per record written, and the tests hold it to that. */
unsigned long cairn_xml_validations;

int cairn_xml_validate(xmlSchemaPtr schema, xmlDocPtr doc, cairn_error *err) {
  xmlSchemaValidCtxtPtr v;
  schema_state ss;
  int rc;

  cairn_xml_validations++;
  if (schema == NULL || doc == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "validation without a schema or a document");
  v = xmlSchemaNewValidCtxt(schema);
  if (v == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "cannot create a schema validator");
  memset(&ss, 0, sizeof ss);
  xmlSchemaSetValidStructuredErrors(v, schema_error, &ss);
  rc = xmlSchemaValidateDoc(v, doc);
  xmlSchemaFreeValidCtxt(v);
  if (rc == 0 && !ss.failed) return 0;
  if (rc < 0 && !ss.failed)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "the schema validator failed");
  if (!ss.failed) snprintf(ss.message, sizeof ss.message, "not valid");
  if (ss.line > 0)
    return cairn_fail(err, CAIRN_EINVAL, ss.field, "line %d: %s", ss.line,
                      ss.message);
  return cairn_fail(err, CAIRN_EINVAL, ss.field, "%s", ss.message);
}

/*
** Compile the XSD at path.  Its xs:include and xs:import files load
** through the refusing entity loader, from the allowed directory or the
** schema's own directory.  The caller owns the result (xmlSchemaFree).
** NULL and *err (CAIRN_EINTERNAL: a broken install, naming the file and
** the first error) on failure.
*/
xmlSchemaPtr cairn_xml_schema_load(const char *path, cairn_error *err) {
  xmlSchemaParserCtxtPtr p;
  xmlSchemaPtr schema;
  schema_state ss;
  char real[PATH_MAX], *slash;

  if (path == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no schema named"), NULL;
  if (realpath(path, real) == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: %s", path,
                      strerror(errno)), NULL;
  p = xmlSchemaNewParserCtxt(real);
  if (p == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "%s: cannot create a schema parser", path), NULL;
  memset(&ss, 0, sizeof ss);
  xmlSchemaSetParserStructuredErrors(p, schema_error, &ss);
  /* Allow the schema's own directory for the length of the compile. */
  snprintf(schema_root, sizeof schema_root, "%s", real);
  slash = strrchr(schema_root, '/');
  if (slash != NULL) *(slash == schema_root ? slash + 1 : slash) = '\0';
  schema = xmlSchemaParse(p);
  schema_root[0] = '\0';
  xmlSchemaFreeParserCtxt(p);
  if (schema == NULL || ss.failed) {
    if (schema != NULL) xmlSchemaFree(schema);
    if (!ss.failed) snprintf(ss.message, sizeof ss.message, "not a schema");
    if (ss.line > 0)
      cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: line %d: %s", path,
                 ss.line, ss.message);
    else
      cairn_fail(err, CAIRN_EINTERNAL, NULL, "%s: %s", path, ss.message);
    return NULL;
  }
  return schema;
}

/* See cairn_int.h. */
int cairn_xml_write_line(FILE *out, xmlBufferPtr buf, xmlNodePtr node) {
  xmlBufferEmpty(buf);
  xmlSaveCtxtPtr sv = xmlSaveToBuffer(buf, "UTF-8",
                                      XML_SAVE_NO_DECL | XML_SAVE_AS_XML);
  if (!sv) abort();
  long w = xmlSaveTree(sv, node);
  xmlSaveClose(sv);
  xmlUnlinkNode(node);
  xmlFreeNode(node);
  if (w < 0) return -1;
  fputs("  ", out);
  fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out);
  fputc('\n', out);
  return 0;
}

/* See cairn_int.h. */
xmlXPathContextPtr cairn_xpath_context(xmlDocPtr doc, xmlNodePtr node,
                                       const char *ns) {
  static xmlXPathContextPtr x;
  if (x == NULL && (x = xmlXPathNewContext(NULL)) == NULL) abort();
  x->doc = doc;
  x->node = node ? node : doc ? xmlDocGetRootElement(doc) : NULL;
  x->contextSize = -1;
  x->proximityPosition = -1;
  x->error = NULL;
  x->userData = NULL;
  /* NULL removes the binding a previous caller made. */
  xmlXPathRegisterNs(x, BAD_CAST "r", (const xmlChar *)ns);
  return x;
}
