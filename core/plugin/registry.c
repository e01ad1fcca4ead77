/*
** registry.c -- loading plugins.  Each plugin is dlopen()ed with
** RTLD_LOCAL (plugins never see core symbols, nor each other's), its one
** entry symbol called, and its descriptor checked field by field before
** anything in it is trusted: first the ABI version and the descriptor's
** size (PostgreSQL's magic block idea), then the API level it needs,
** names, record types, routes.  Loading is all or nothing: the first
** refusal unloads everything and names the file and the reason in one line.
*/
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xpathInternals.h>
#include "cairn_int.h"
#include "corepages.h"
#include "../jobs/jobs.h"
#include "../fhir/fhir.h"
#include "sections.h"

/* A plugin declares at most this many of each: far beyond any real plugin,
** small enough that a descriptor missing its terminator is caught. */
#define REG_MAX_TYPES 64
#define REG_MAX_ROUTES 256
#define REG_MAX_PROJECTIONS 32
#define REG_MAX_PLUGINS 32
#define REG_MAX_COMMANDS 64

/* The smallest descriptor of this ABI: every field up to and including
** fini (API levels 1 and 2).  Later fields may be missing (read as 0). */
#define REG_DESC_MIN (offsetof(cairn_plugin, fini) + sizeof(void (*)(void)))

/*
** The `cairn` commands of the core, which no plugin command may shadow.
** core/cli/cli.c checks at start-up that its table and this list agree.
*/
const char *const cairn_core_commands[] = {
  "init", "plugins", "routes", "import", "export",
  "export-fhir",      /* the FHIR R4 Bundle (core/fhir) */
  "import-csv", "reindex",
  "stats", "user", "audit", "help",
  "outbox", "jobs",   /* messages and scheduled work (core/mail, core/jobs) */
  "backup", "restore", /* backups with an anchor (core/cli/backup.c) */
  NULL,
};

/* 1 when name is one of cairn_core_commands. */
int cairn_registry_core_command(const char *name) {
  for (const char *const *c = cairn_core_commands; *c; c++)
    if (strcmp(*c, name) == 0) return 1;
  return 0;
}

/* 1 when s matches [a-z][a-z0-9-]{0,31}: a command's name. */
static int command_name_ok(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
  size_t n = 0;
  for (; *s; s++, n++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
      return 0;
  return n <= 32;
}

/* Check a plugin's commands: names, runners, no core command shadowed. */
static int check_commands(const cairn_plugin *d, const char *file,
                          cairn_error *err) {
  size_t n = 0;
  for (const cairn_command *k = d->commands; k && k->name; k++, n++) {
    if (n >= REG_MAX_COMMANDS)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: more than %d commands (missing terminator?)",
                        file, REG_MAX_COMMANDS);
    if (!command_name_ok(k->name))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: command \"%.40s\": a name must match"
                        " [a-z][a-z0-9-]{0,31}", file, k->name);
    if (cairn_registry_core_command(k->name))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: command %s would shadow the core's"
                        " `cairn %s`", file, k->name, k->name);
    if (!k->run || !k->summary || !k->usage)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: command %s needs a run function, a"
                        " usage line and a summary", file, k->name);
    for (const cairn_command *j = d->commands; j < k; j++)
      if (strcmp(j->name, k->name) == 0)
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "%s: refused: command %s is declared twice", file,
                          k->name);
  }
  return 0;
}

/* 1 when s matches [a-z][a-z0-9_]{0,max-1}. */
static int ident_ok(const char *s, size_t max) {
  if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
  size_t n = 0;
  for (; *s; s++, n++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return n <= max;
}

/*
** Check a descriptor without calling into it.  Order matters: abi_version
** is read first, then the size, and nothing past `size` bytes is read:
** a descriptor may be shorter than the host's (an older plugin.h; the
** fields it lacks are read as zero by cairn_registry_adopt_desc) but not
** shorter than REG_DESC_MIN, nor longer than the host's (a newer plugin.h
** whose fields this host cannot honour).  Then sizeof(cairn_error), the
** name, and the API level by name.
*/
int cairn_registry_check_desc(const cairn_plugin *d, const char *file,
                              cairn_error *err) {
  if (!d)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: %s returned NULL", file,
                      CAIRN_PLUGIN_ENTRY_SYMBOL);
  if (d->abi_version != CAIRN_ABI_VERSION)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: built for plugin ABI %u, this cairnd has ABI %u",
                      file, d->abi_version, CAIRN_ABI_VERSION);
  if (d->size > sizeof(cairn_plugin))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: descriptor size %zu is larger than this "
                      "host's %zu (built against a newer plugin.h: update Cairn)",
                      file, d->size, sizeof(cairn_plugin));
  if (d->size < REG_DESC_MIN)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: descriptor size %zu is smaller than any "
                      "ABI %u descriptor (%zu; built against another plugin.h)",
                      file, d->size, CAIRN_ABI_VERSION, (size_t)REG_DESC_MIN);
  if (d->error_size != sizeof(cairn_error))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: its cairn_error is %zu bytes, this host's"
                      " %zu (built against another plugin.h)",
                      file, d->error_size, sizeof(cairn_error));
  if (!ident_ok(d->name, 32))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: plugin name must match [a-z][a-z0-9_]{0,31}",
                      file);
  if (d->api_level > CAIRN_API_LEVEL)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: plugin %s needs API level %u, this host "
                      "has %u", file, d->name, d->api_level, CAIRN_API_LEVEL);
  if (!d->version || !*d->version)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: refused: no version", file);
  if (!d->init)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: refused: no init function",
                      file);
  size_t n = 0;
  for (const cairn_record_type *t = d->record_types; t && t->name; t++, n++) {
    if (n >= REG_MAX_TYPES)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: more than %d record types (missing terminator?)",
                        file, REG_MAX_TYPES);
    size_t plen = strlen(d->name);
    if (strncmp(t->name, d->name, plen) != 0 || t->name[plen] != ':')
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: record type %s must be named %s:<Type>",
                        file, t->name, d->name);
    if (!t->ns || !t->root || !t->xsd || !ident_ok(t->table, 40))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: record type %s needs ns, root, xsd and a table name",
                        file, t->name);
    if (strchr(t->xsd, '/'))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: record type %s: xsd must be a file name in the schemas directory",
                        file, t->name);
    size_t np = 0;
    for (const cairn_projection *p = t->projections; p && p->column; p++, np++) {
      if (np >= REG_MAX_PROJECTIONS || !ident_ok(p->column, 31) || !p->xpath ||
          p->type < CAIRN_COL_TEXT || p->type > CAIRN_COL_REAL)
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "%s: refused: record type %s has a bad projection",
                          file, t->name);
      if (!strcmp(p->column, "record") || !strcmp(p->column, "patient") ||
          !strcmp(p->column, "version") || !strcmp(p->column, "status"))
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "%s: refused: record type %s: projection column %s is reserved",
                          file, t->name, p->column);
    }
  }
  n = 0;
  for (const cairn_route *r = d->routes; r && r->method; r++, n++) {
    if (n >= REG_MAX_ROUTES)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: more than %d routes (missing terminator?)",
                        file, REG_MAX_ROUTES);
    if (strcmp(r->method, "GET") && strcmp(r->method, "POST"))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: route %s %s: method must be GET or POST",
                        file, r->method, r->pattern ? r->pattern : "?");
    if (!r->pattern || r->pattern[0] != '/' || !r->handler)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: route %s %s needs a pattern starting with '/' and a handler",
                        file, r->method, r->pattern ? r->pattern : "?");
    if (r->audience == 0)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: route %s %s declares no audience (deny by default)",
                        file, r->method, r->pattern);
    if (r->audience & ~(CAIRN_AUD_PUBLIC | CAIRN_AUD_STAFF | CAIRN_AUD_CAPABILITY))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: route %s %s has unknown audience bits",
                        file, r->method, r->pattern);
  }
  n = 0;
  for (const cairn_subscription *s = d->subscriptions; s && s->record_type;
       s++, n++)
    if (!s->fn || n >= REG_MAX_TYPES)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: bad event subscription", file);
  /* Fields after fini exist only in a descriptor that long. */
  if (d->size >= offsetof(cairn_plugin, commands) + sizeof d->commands) {
    int rc = check_commands(d, file, err);
    if (rc) return rc;
  }
  int rc = cairn_jobs_check_desc(d, file, err);   /* level 4: jobs */
  if (rc == 0) rc = cairn_fhir_check_desc(d, file, err); /* level 5: fhir */
  return rc ? rc : cairn_sections_check_desc(d, file, err); /* level 6 */
}

/*
** Check the plugin's descriptor d and copy it into a zeroed descriptor of
** the host's size (PostgreSQL's magic block, grown SQLite-style): the
** fields an older plugin lacks read as zero.  *out is malloc'd; the
** registry frees it.
*/
int cairn_registry_adopt_desc(const cairn_plugin *d, const char *file,
                              cairn_plugin **out, cairn_error *err) {
  int rc = cairn_registry_check_desc(d, file, err);
  if (rc) return rc;
  cairn_plugin *copy = calloc(1, sizeof *copy);
  if (!copy) abort();
  memcpy(copy, d, d->size);
  *out = copy;
  return 0;
}

/* The plugin command `name` and its plugin, or NULL. */
const cairn_command *cairn_registry_command(const cairn_registry *reg,
                                            const char *name,
                                            const cairn_loaded **plugin) {
  for (size_t p = 0; reg && p < reg->n_plugins; p++)
    for (const cairn_command *k = reg->plugins[p].desc->commands;
         k && k->name; k++)
      if (strcmp(k->name, name) == 0) {
        if (plugin) *plugin = &reg->plugins[p];
        return k;
      }
  return NULL;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) abort();
  return q;
}

/* Compile a record type's schema and projection XPaths. */
static int load_type(cairn_registry *reg, const cairn_loaded *pl,
                     const cairn_record_type *t, cairn_error *err) {
  if (cairn_registry_type(reg, t->name))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: record type %s is declared twice",
                      pl->cfg->path, t->name);
  for (size_t i = 0; i < reg->n_types; i++)
    if (strcmp(reg->types[i].decl->table, t->table) == 0)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: projection table %s is already used by %s",
                        pl->cfg->path, t->table, reg->types[i].decl->name);
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", reg->schemas_dir, t->xsd);
  cairn_error e2 = {0};
  xmlSchemaPtr schema = cairn_xml_schema_load(path, &e2);
  if (!schema)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: refused: record type %s: %s",
                      pl->cfg->path, t->name, e2.message);
  reg->types = xrealloc(reg->types, (reg->n_types + 1) * sizeof *reg->types);
  cairn_rtype *rt = &reg->types[reg->n_types++];
  memset(rt, 0, sizeof *rt);
  rt->decl = t;
  rt->plugin = pl;
  rt->schema = schema;
  for (const cairn_projection *p = t->projections; p && p->column; p++)
    rt->n_proj++;
  rt->proj = calloc(rt->n_proj + 1, sizeof *rt->proj);
  if (!rt->proj) abort();
  /* Compile each XPath with the "r" prefix bound to the type's namespace,
  ** so a typo is caught at start-up, not at the first write. */
  xmlXPathContextPtr ctx = xmlXPathNewContext(NULL);
  if (!ctx) abort();
  xmlXPathRegisterNs(ctx, (const xmlChar *)"r", (const xmlChar *)t->ns);
  for (size_t i = 0; i < rt->n_proj; i++) {
    rt->proj[i] = xmlXPathCtxtCompile(ctx, (const xmlChar *)t->projections[i].xpath);
    if (!rt->proj[i]) {
      xmlXPathFreeContext(ctx);
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: record type %s: projection %s: XPath \"%s\" does not compile",
                        pl->cfg->path, t->name, t->projections[i].column,
                        t->projections[i].xpath);
    }
  }
  xmlXPathFreeContext(ctx);
  return 0;
}

const cairn_rtype *cairn_registry_type(const cairn_registry *reg,
                                       const char *name) {
  for (size_t i = 0; i < reg->n_types; i++)
    if (strcmp(reg->types[i].decl->name, name) == 0) return &reg->types[i];
  return NULL;
}

/* Load one plugin file: dlopen, entry, descriptor check. */
static int load_one(cairn_registry *reg, const struct cairn_plugin_config *pc,
                    cairn_error *err) {
  dlerror();
  void *dl = dlopen(pc->path, RTLD_NOW | RTLD_LOCAL);
  if (!dl)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: refused: cannot load: %s",
                      pc->path, dlerror());
  const cairn_plugin *(*entry)(void);
  *(void **)&entry = dlsym(dl, CAIRN_PLUGIN_ENTRY_SYMBOL);
  if (!entry) {
    dlclose(dl);
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: no entry symbol %s (is it a Cairn plugin?)",
                      pc->path, CAIRN_PLUGIN_ENTRY_SYMBOL);
  }
  cairn_plugin *d = NULL;
  int rc = cairn_registry_adopt_desc(entry(), pc->path, &d, err);
  if (rc) { dlclose(dl); return rc; }
  for (size_t i = 0; !rc && i < reg->n_plugins; i++)
    if (strcmp(reg->plugins[i].desc->name, d->name) == 0)
      rc = cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: a plugin named %s is already loaded",
                      pc->path, d->name);
  for (const cairn_command *k = d->commands; !rc && k && k->name; k++) {
    const cairn_loaded *owner = NULL;
    if (cairn_registry_command(reg, k->name, &owner))
      rc = cairn_fail(err, CAIRN_EINVAL, NULL,
                      "%s: refused: command %s is already plugin %s's",
                      pc->path, k->name, owner->desc->name);
  }
  if (rc) {
    free(d);
    dlclose(dl);
    return rc;
  }
  reg->plugins = xrealloc(reg->plugins, (reg->n_plugins + 1) * sizeof *reg->plugins);
  cairn_loaded *pl = &reg->plugins[reg->n_plugins++];
  memset(pl, 0, sizeof *pl);
  pl->dl = dl;
  pl->desc = d;
  pl->own_desc = d;
  pl->cfg = pc;
  return 0;
}

/* Compile every route of every plugin into the one table. */
static int load_routes(cairn_registry *reg, cairn_error *err) {
  for (size_t p = 0; p < reg->n_plugins; p++) {
    const cairn_loaded *pl = &reg->plugins[p];
    for (const cairn_route *r = pl->desc->routes; r && r->method; r++) {
      for (size_t i = 0; i < reg->n_routes; i++)
        if (!strcmp(reg->routes[i].decl->pattern, r->pattern) &&
            !strcmp(reg->routes[i].decl->method, r->method))
          return cairn_fail(err, CAIRN_EINVAL, NULL,
                            "%s: refused: route %s %s is already served by plugin %s",
                            pl->cfg->path, r->method, r->pattern,
                            reg->routes[i].plugin->desc->name);
      void *code;
      cairn_error e2 = {0};
      if (cairn_route_compile(r->pattern, &code, &e2))
        return cairn_fail(err, CAIRN_EINVAL, NULL, "%s: refused: %s",
                          pl->cfg->path, e2.message);
      reg->routes = xrealloc(reg->routes, (reg->n_routes + 1) * sizeof *reg->routes);
      cairn_route_rt *rt = &reg->routes[reg->n_routes++];
      rt->decl = r;
      rt->plugin = pl;
      rt->code = code;
    }
  }
  return 0;
}

/*
** Load every plugin of the config, in order (see cairn_int.h).  Plugin init
** runs last, after every descriptor, schema and route has been accepted, so
** a refusal never leaves an initialised plugin behind except through its
** own init failing, in which case earlier plugins are finalised.
*/
int cairn_registry_load(const cairn_config *cfg, const cairn_api *api,
                        cairn_registry **out, cairn_error *err) {
  cairn_registry *reg = calloc(1, sizeof *reg);
  if (!reg) abort();
  reg->schemas_dir = cfg->schemas_dir;
  int rc = 0;
  /* The core's own routes come first, as a plugin without a file. */
  static const struct cairn_plugin_config core_cfg = {
    .path = (char *)"(built in)", .settings = NULL, .n_settings = 0 };
  reg->plugins = xrealloc(NULL, sizeof *reg->plugins);
  memset(reg->plugins, 0, sizeof *reg->plugins);
  reg->plugins[0].desc = cairn_core_plugin();
  reg->plugins[0].cfg = &core_cfg;
  reg->n_plugins = 1;
  if (cfg->n_plugins > REG_MAX_PLUGINS)
    rc = cairn_fail(err, CAIRN_EINVAL, NULL, "at most %d plugins", REG_MAX_PLUGINS);
  for (size_t i = 0; !rc && i < cfg->n_plugins; i++)
    rc = load_one(reg, &cfg->plugins[i], err);
  for (size_t p = 0; !rc && p < reg->n_plugins; p++)
    for (const cairn_record_type *t = reg->plugins[p].desc->record_types;
         !rc && t && t->name; t++)
      rc = load_type(reg, &reg->plugins[p], t, err);
  if (!rc) rc = load_routes(reg, err);
  for (size_t p = 0; !rc && p < reg->n_plugins; p++) {
    cairn_loaded *pl = &reg->plugins[p];
    cairn_error e2 = {0};
    if (pl->desc->init(api, pl->cfg, &e2)) {
      rc = cairn_fail(err, CAIRN_EINVAL, e2.field, "%s: refused: init failed: %s",
                      pl->cfg->path, e2.message[0] ? e2.message : "no reason given");
      break;
    }
    pl->initialized = 1;
  }
  if (rc) {
    cairn_registry_free(reg);
    return rc;
  }
  *out = reg;
  return 0;
}

void cairn_registry_free(cairn_registry *reg) {
  if (!reg) return;
  for (size_t i = 0; i < reg->n_routes; i++) cairn_route_free(reg->routes[i].code);
  free(reg->routes);
  for (size_t i = 0; i < reg->n_types; i++) {
    for (size_t k = 0; k < reg->types[i].n_proj; k++)
      xmlXPathFreeCompExpr(reg->types[i].proj[k]);
    free(reg->types[i].proj);
    xmlSchemaFree(reg->types[i].schema);
  }
  free(reg->types);
  for (size_t i = reg->n_plugins; i-- > 0;) {
    if (reg->plugins[i].initialized && reg->plugins[i].desc->fini)
      reg->plugins[i].desc->fini();
    if (reg->plugins[i].dl) dlclose(reg->plugins[i].dl);
    free(reg->plugins[i].own_desc);
  }
  free(reg->plugins);
  free(reg);
}
