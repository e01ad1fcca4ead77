/*
** config.c -- the one configuration file, validated against
** schemas/config.xsd before any of it is used.  Shape:
**
**   <cairn xmlns="urn:cairn:config">
**     <listen>unix:/run/cairn.sock | 127.0.0.1:9000 | fd:0</listen>
**     <workers>2</workers>
**     <database>clinic.db</database>
**     <schemas>/usr/share/cairn/schemas</schemas>
**     <views>/usr/share/cairn/views</views>
**     <clinic><name>..</name><timezone>Europe/London</timezone></clinic>
**     <plugins>
**       <plugin path="program.so"><setting name="instruments">..</setting></plugin>
**     </plugins>
**   </cairn>
**
** Relative paths are taken relative to the config file's directory, so a
** clinic's folder can be moved whole.
*/
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include "cairn_int.h"

#define CONFIG_NS "urn:cairn:config"

static char *xstrdup(const char *s) {
  char *d = strdup(s ? s : "");
  if (!d) abort();
  return d;
}

/* Text of a node, trimmed of surrounding white space, malloc'd. */
static char *node_text(xmlNodePtr n) {
  xmlChar *t = xmlNodeGetContent(n);
  const char *s = t ? (const char *)t : "";
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  size_t len = strlen(s);
  while (len && strchr(" \t\r\n", s[len - 1])) len--;
  char *d = malloc(len + 1);
  if (!d) abort();
  memcpy(d, s, len);
  d[len] = 0;
  xmlFree(t);
  return d;
}

/* Make `p` absolute against `base` (a directory).  Takes ownership of p. */
static char *resolve(const char *base, char *p) {
  if (p[0] == '/' || !base) return p;
  size_t n = strlen(base) + strlen(p) + 2;
  char *d = malloc(n);
  if (!d) abort();
  snprintf(d, n, "%s/%s", base, p);
  free(p);
  return d;
}

static int is_el(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && n->ns &&
         strcmp((const char *)n->ns->href, CONFIG_NS) == 0 &&
         strcmp((const char *)n->name, name) == 0;
}

/* The <listen> value, a relative "unix:" socket path resolved against
** base (the config file's directory). */
static char *listen_load(xmlNodePtr n, const char *base) {
  char *v = node_text(n);
  if (strncmp(v, "unix:", 5) == 0 && v[5] != '/') {
    char *rel = resolve(base, xstrdup(v + 5));
    size_t len = strlen(rel) + 6;
    free(v);
    v = malloc(len);
    if (!v) abort();
    snprintf(v, len, "unix:%s", rel);
    free(rel);
  }
  return v;
}

/* Fill c->plugins from <plugins>: each plugin's path and settings, paths
** (the plugin's own, and settings of kind "path") resolved against base. */
static void plugins_load(cairn_config *c, xmlNodePtr n, const char *base) {
  size_t np = 0;
  for (xmlNodePtr k = n->children; k; k = k->next) np += is_el(k, "plugin");
  c->plugins = calloc(np + 1, sizeof *c->plugins);
  if (!c->plugins) abort();
  for (xmlNodePtr k = n->children; k; k = k->next) {
    if (!is_el(k, "plugin")) continue;
    struct cairn_plugin_config *pc = &c->plugins[c->n_plugins++];
    xmlChar *pp = xmlGetProp(k, (const xmlChar *)"path");
    pc->path = resolve(base, xstrdup((const char *)pp));
    xmlFree(pp);
    size_t ns = 0;
    for (xmlNodePtr s = k->children; s; s = s->next) ns += is_el(s, "setting");
    pc->settings = calloc(ns + 1, sizeof *pc->settings);
    if (!pc->settings) abort();
    for (xmlNodePtr s = k->children; s; s = s->next) {
      if (!is_el(s, "setting")) continue;
      xmlChar *nm = xmlGetProp(s, (const xmlChar *)"name");
      cairn_setting *st = &pc->settings[pc->n_settings++];
      st->name = xstrdup((const char *)nm);
      /* A setting that names a file is resolved like every path; any
      ** other value is kept as written. */
      char *v = node_text(s);
      xmlChar *kind = xmlGetProp(s, (const xmlChar *)"kind");
      if (kind && strcmp((const char *)kind, "path") == 0) v = resolve(base, v);
      xmlFree(kind);
      st->value = v;
      xmlFree(nm);
    }
  }
}

/*
** Load `path`, validate it against schemas_dir/config.xsd, and fill a new
** cairn_config (caller frees with cairn_config_free).  The listen value
** "unix:" and plugin paths are resolved against the file's directory.
*/
int cairn_config_load(const char *path, const char *schemas_dir,
                      cairn_config **out, cairn_error *err) {
  char xsd[4096];
  snprintf(xsd, sizeof xsd, "%s/config.xsd", schemas_dir);
  xmlSchemaPtr schema = cairn_xml_schema_load(xsd, err);
  if (!schema) return err ? err->code : CAIRN_EINTERNAL;
  xmlDocPtr doc = cairn_xml_parse_file(path, err);
  if (!doc) {
    xmlSchemaFree(schema);
    return err ? err->code : CAIRN_EINVAL;
  }
  int rc = cairn_xml_validate(schema, doc, err);
  xmlSchemaFree(schema);
  if (rc) {
    char msg[sizeof err->message], field[sizeof err->field];
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(field, sizeof field, "%s", err->field);
    cairn_fail(err, CAIRN_EINVAL, field, "%s: %s", path, msg);
    xmlFreeDoc(doc);
    return CAIRN_EINVAL;
  }
  char *dircopy = xstrdup(path);
  char *base = xstrdup(dirname(dircopy));
  free(dircopy);

  cairn_config *c = calloc(1, sizeof *c);
  if (!c) abort();
  c->workers = 2;
  c->secure_cookies = 1;
  c->timezone = xstrdup("UTC");
  c->clinic_name = xstrdup("Cairn clinic");
  c->schemas_dir = xstrdup(schemas_dir);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  int orc = 0;
  for (xmlNodePtr n = root->children; n && !orc; n = n->next) {
    if ((orc = cairn_config_outbound(n, base, c, err)) != 0) break;
    if (is_el(n, "listen")) {
      c->listen = listen_load(n, base);
      xmlChar *g = xmlGetProp(n, (const xmlChar *)"group");
      if (g) { c->listen_group = xstrdup((const char *)g); xmlFree(g); }
    } else if (is_el(n, "workers")) {
      char *v = node_text(n);
      c->workers = atoi(v);
      free(v);
    } else if (is_el(n, "database")) {
      c->database = resolve(base, node_text(n));
    } else if (is_el(n, "schemas")) {
      free(c->schemas_dir);
      c->schemas_dir = resolve(base, node_text(n));
    } else if (is_el(n, "views")) {
      c->views_dir = resolve(base, node_text(n));
    } else if (is_el(n, "clinic")) {
      for (xmlNodePtr k = n->children; k; k = k->next) {
        if (is_el(k, "name")) { free(c->clinic_name); c->clinic_name = node_text(k); }
        if (is_el(k, "timezone")) { free(c->timezone); c->timezone = node_text(k); }
      }
    } else if (is_el(n, "security")) {
      for (xmlNodePtr k = n->children; k; k = k->next)
        if (is_el(k, "plain-http-demo")) c->secure_cookies = 0;
    } else if (is_el(n, "plugins")) {
      plugins_load(c, n, base);
    }
  }
  free(base);
  xmlFreeDoc(doc);
  if (orc) {
    char msg[sizeof err->message], field[sizeof err->field];
    snprintf(msg, sizeof msg, "%s", err->message);
    snprintf(field, sizeof field, "%s", err->field);
    cairn_config_free(c);
    return cairn_fail(err, orc, field, "%s: %s", path, msg);
  }
  if (!c->database || !c->views_dir || !c->listen) {
    cairn_config_free(c);
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: listen, database and views are required", path);
  }
  if (c->workers < 1 || c->workers > 64) {
    cairn_config_free(c);
    return cairn_fail(err, CAIRN_EINVAL, "workers",
                      "%s: workers must be between 1 and 64", path);
  }
  *out = c;
  return 0;
}

void cairn_config_free(cairn_config *c) {
  if (!c) return;
  free(c->listen); free(c->listen_group); free(c->database); free(c->schemas_dir);
  free(c->views_dir); free(c->clinic_name); free(c->timezone);
  for (size_t i = 0; i < c->n_plugins; i++) {
    free(c->plugins[i].path);
    for (size_t k = 0; k < c->plugins[i].n_settings; k++) {
      free((char *)c->plugins[i].settings[k].name);
      free((char *)c->plugins[i].settings[k].value);
    }
    free(c->plugins[i].settings);
  }
  free(c->plugins);
  cairn_config_outbound_free(c);
  free(c);
}
