/*
** cli.c -- `cairn`, the admin command line.
**
**   cairn [-c cairn.xml] [-S schemas-dir] COMMAND [ARGS]
**
** One static table of commands (cgit's cmd.c), each saying what it needs
** (the registry only, or the store as well) and how to run it.  Every
** command loads the same config, plugins and database as cairnd does, and
** writes records only through the record API, as one CLI request whose
** actor is "cli:$USER".
**
** Exit status: 0 done, 1 failed (the reason is on stderr), 2 usage error.
** Results go to stdout; messages, errors and the progress bar to stderr.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "cairn_int.h"
#include "bundle.h"
#include "csvimport.h"
#include "cli_access.h"
#include "access.h"
#include "../mail/outbox.h"
#include "../jobs/jobs.h"
#include "cli_backup.h"
#include "../fhir/fhir.h"
#include <sodium.h>

#ifndef CAIRN_SCHEMAS_DIR
#define CAIRN_SCHEMAS_DIR "schemas"
#endif

#define EXIT_USAGE 2
/* Width of the synopsis column in the usage text: the commands' summaries
** then fit 80 columns. */
#define USAGE_COLUMN 16

/* What a command needs set up before it runs. */
enum { NEED_REGISTRY = 1, NEED_STORE = 2 };

/* What a command accepts after its name. */
enum {
  ARG_FILE = 1,              /* one FILE, required */
  ARG_FILE_OPTIONAL = 2,     /* one FILE, optional ("-" is stdout) */
  ARG_MAP = 4,               /* --map MAP.xml, required */
  ARG_DRY_RUN = 8,           /* --dry-run */
  ARG_REST = 16              /* everything after the name goes to the command */
};

/* The arguments of a command, checked before anything is loaded. */
typedef struct cli_args {
  const char *file;          /* FILE, or NULL */
  const char *map;           /* --map */
  int dry_run;               /* --dry-run */
  int argc;                  /* ARG_REST: the words after the command */
  char **argv;
} cli_args;

typedef struct cli {
  const char *config_path;   /* -c, $CAIRN_CONFIG or ./cairn.xml */
  const char *schemas;       /* -S, $CAIRN_SCHEMAS or CAIRN_SCHEMAS_DIR */
  cairn_config *cfg;
  cairn_registry *reg;
  cairn_store *st;           /* NULL unless the command needs it */
  cairn_arena *arena;        /* the request's */
  cairn_req *req;            /* one request for the whole command */
  int kept;                  /* reindex: plugins whose kept tables it
                             ** refilled */
} cli;

typedef struct command {
  const char *name;
  const char *args;          /* for the usage text */
  const char *summary;       /* one line */
  unsigned needs;            /* NEED_* */
  unsigned accepts;          /* ARG_* */
  int (*run)(cli *c, const cli_args *a);
} command;

static const command commands[];

/* ------------------------------------------------------------- usage */

/* One line of the command list: synopsis, then summary. */
static void usage_line(FILE *out, const char *name, const char *args,
                       const char *summary) {
  char head[96];
  snprintf(head, sizeof head, "%s%s%s", name, *args ? " " : "", args);
  if (strlen(head) > USAGE_COLUMN)   /* a long synopsis gets its own line */
    fprintf(out, "  %s\n  %-*s %s\n", head, USAGE_COLUMN, "", summary);
  else
    fprintf(out, "  %-*s %s\n", USAGE_COLUMN, head, summary);
}

/* The commands the loaded plugins add, under their plugin's name. */
static void usage_plugins(FILE *out, const cairn_registry *reg) {
  for (size_t p = 0; reg && p < reg->n_plugins; p++) {
    const cairn_plugin *d = reg->plugins[p].desc;
    if (!d->commands || !d->commands->name) continue;
    fprintf(out, "\ncommands of plugin %s:\n", d->name);
    for (const cairn_command *k = d->commands; k->name; k++)
      usage_line(out, k->name, k->usage, k->summary);
  }
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: cairn [-v] [-c cairn.xml] [-S schemas-dir] COMMAND [ARGS]\n"
          "\n"
          "  -c FILE  configuration (default $CAIRN_CONFIG or ./cairn.xml)\n"
          "  -S DIR   where config.xsd lives (default $CAIRN_SCHEMAS or %s)\n"
          "  -v       print info lines too (warnings and errors always)\n"
          "  -h       this text\n"
          "\n"
          "commands:\n", CAIRN_SCHEMAS_DIR);
  for (const command *k = commands; k->name; k++)
    usage_line(out, k->name, k->args, k->summary);
  fprintf(out,
          "\n"
          "Exit status: 0 done, 1 failed, 2 usage error.\n");
}

/* A command called with the wrong arguments. */
static int command_usage(const command *k) {
  fprintf(stderr, "usage: cairn [-c cairn.xml] %s%s%s\n", k->name,
          *k->args ? " " : "", k->args);
  return EXIT_USAGE;
}

static const command *find_command(const char *name) {
  for (const command *k = commands; k->name; k++)
    if (strcmp(k->name, name) == 0) return k;
  return NULL;
}

/* Parse the arguments after the command's name by its ARG_* flags.  0, or
** EXIT_USAGE after printing the command's usage. */
static int parse_args(const command *k, int argc, char **argv, cli_args *a) {
  memset(a, 0, sizeof *a);
  if (k->accepts & ARG_REST) {
    a->argc = argc - 1;
    a->argv = argv + 1;
    return 0;
  }
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if ((k->accepts & ARG_MAP) && strcmp(s, "--map") == 0 && i + 1 < argc)
      a->map = argv[++i];
    else if ((k->accepts & ARG_MAP) && strncmp(s, "--map=", 6) == 0)
      a->map = s + 6;
    else if ((k->accepts & ARG_DRY_RUN) && strcmp(s, "--dry-run") == 0)
      a->dry_run = 1;
    else if ((k->accepts & (ARG_FILE | ARG_FILE_OPTIONAL)) && !a->file &&
             *s && (s[0] != '-' || strcmp(s, "-") == 0))
      a->file = s;
    else
      return command_usage(k);
  }
  if ((k->accepts & ARG_FILE) && !a->file) return command_usage(k);
  if ((k->accepts & ARG_MAP) && (!a->map || !*a->map))
    return command_usage(k);
  return 0;
}

static int fail(const char *what, const cairn_error *err) {
  fprintf(stderr, "cairn: %s: %s\n", what,
          err->message[0] ? err->message : "failed");
  return 1;
}

/* ---------------------------------------------------- audience names */

/* "clinician,front-desk" for CAIRN_AUD_* bits, into buf. */
static const char *audience_names(unsigned aud, char *buf, size_t n) {
  static const struct { unsigned bit; const char *name; } names[] = {
      {CAIRN_AUD_PUBLIC, "public"},         {CAIRN_AUD_ADMIN, "admin"},
      {CAIRN_AUD_CLINICIAN, "clinician"},   {CAIRN_AUD_FRONT_DESK, "front-desk"},
      {CAIRN_AUD_CAPABILITY, "capability"},
  };
  size_t used = 0;
  buf[0] = 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!(aud & names[i].bit) || used >= n) continue;
    used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? "," : "",
                             names[i].name);
    aud &= ~names[i].bit;
  }
  if (aud && used < n)   /* bits this CLI does not know: show them */
    snprintf(buf + used, n - used, "%s0x%x", used ? "," : "", aud);
  if (!buf[0]) snprintf(buf, n, "none");
  return buf;
}

/* ---------------------------------------------------------- commands */

static int cmd_init(cli *c, const cli_args *a) {
  (void)a;
  printf("database %s is ready: %zu plugin%s, %zu record type%s\n",
         c->cfg->database, c->reg->n_plugins,
         c->reg->n_plugins == 1 ? "" : "s", c->reg->n_types,
         c->reg->n_types == 1 ? "" : "s");
  return 0;
}

static int cmd_plugins(cli *c, const cli_args *a) {
  char aud[128];
  (void)a;
  for (size_t p = 0; p < c->reg->n_plugins; p++) {
    const cairn_loaded *pl = &c->reg->plugins[p];
    const cairn_plugin *d = pl->desc;
    printf("%s %s (api level %u)%s%s\n", d->name, d->version, d->api_level,
           d->description ? ": " : "", d->description ? d->description : "");
    printf("  file: %s\n", pl->cfg->path);
    printf("  record types:\n");
    int any = 0;
    for (size_t i = 0; i < c->reg->n_types; i++) {
      const cairn_rtype *t = &c->reg->types[i];
      if (t->plugin != pl) continue;
      printf("    %-24s table p_%s, schema %s, %zu projection%s%s\n",
             t->decl->name, t->decl->table, t->decl->xsd, t->n_proj,
             t->n_proj == 1 ? "" : "s",
             t->decl->flags & CAIRN_RT_PATIENT ? ", patient records" : "");
      any = 1;
    }
    if (!any) printf("    (none)\n");
    printf("  routes:\n");
    any = 0;
    for (const cairn_route *r = d->routes; r && r->method; r++) {
      printf("    %-5s %-44s %s\n", r->method, r->pattern,
             audience_names(r->audience, aud, sizeof aud));
      any = 1;
    }
    if (!any) printf("    (none)\n");
  }
  if (!c->reg->n_plugins) printf("no plugins in %s\n", c->config_path);
  return 0;
}

static int cmd_routes(cli *c, const cli_args *a) {
  char aud[128];
  (void)a;
  printf("%-6s %-44s %-28s %s\n", "METHOD", "PATTERN", "AUDIENCE", "PLUGIN");
  for (size_t i = 0; i < c->reg->n_routes; i++) {
    const cairn_route_rt *r = &c->reg->routes[i];
    printf("%-6s %-44s %-28s %s\n", r->decl->method, r->decl->pattern,
           audience_names(r->decl->audience, aud, sizeof aud),
           r->plugin->desc->name);
  }
  return 0;
}

static int cmd_stats(cli *c, const cli_args *a) {
  long long total = 0;
  (void)a;
  printf("%-32s %s\n", "TYPE", "VERSIONS");
  for (size_t i = 0; i < c->reg->n_types; i++) {
    long long n = cairn_store_count(c->st, c->reg->types[i].decl->name);
    if (n < 0) {
      fprintf(stderr, "cairn: stats: counting %s failed\n",
              c->reg->types[i].decl->name);
      return 1;
    }
    printf("%-32s %lld\n", c->reg->types[i].decl->name, n);
    total += n;
  }
  printf("%-32s %lld\n", "total", total);
  return 0;
}

/* Rebuild every projection, then let each plugin refill its kept tables
** from them (cairn_plugin.reindex), all in the transaction around it. */
static int reindex_all(cairn_req *req, void *arg, cairn_error *err) {
  cli *c = arg;
  size_t i;
  int rc = cairn_store_reindex(c->st, err);
  for (i = 0; rc == 0 && i < c->reg->n_plugins; i++) {
    const cairn_loaded *pl = &c->reg->plugins[i];
    if (!pl->initialized || pl->desc->reindex == NULL) continue;
    if ((rc = pl->desc->reindex(req, err)) != 0 && err->code == 0)
      err->code = rc;
    if (rc == 0) c->kept++;
  }
  return rc;
}

static int cmd_reindex(cli *c, const cli_args *a) {
  cairn_error err = {0};
  (void)a;
  c->kept = 0;
  if (cairn_store_bulk(c->st, &err) ||
      cairn_transaction_impl(c->req, reindex_all, c, &err))
    return fail("reindex", &err);
  printf("projections of %zu record type%s rebuilt", c->reg->n_types,
         c->reg->n_types == 1 ? "" : "s");
  if (c->kept) printf("; kept figures of %d plugin%s refilled", c->kept,
                      c->kept == 1 ? "" : "s");
  printf("\n");
  return 0;
}

static int cmd_export(cli *c, const cli_args *a) {
  cairn_error err = {0};
  size_t n = 0;
  if (!a->file || strcmp(a->file, "-") == 0) {
    if (cairn_bundle_export(c->req, stdout, &n, &err))
      return fail("export", &err);
    if (fflush(stdout) || ferror(stdout)) {
      fprintf(stderr, "cairn: export: writing stdout: %s\n", strerror(errno));
      return 1;
    }
    fprintf(stderr, "exported %zu record version%s\n", n, n == 1 ? "" : "s");
    return 0;
  }
  /* Write beside the target and rename, so that a failed export never
  ** leaves a truncated bundle under the name asked for. */
  const char *path = a->file;
  char *tmp = cairn_arena_printf(c->arena, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wx");
  if (!f) {
    fprintf(stderr, "cairn: export: %s: %s\n", tmp, strerror(errno));
    return 1;
  }
  int rc = cairn_bundle_export(c->req, f, &n, &err);
  if (!rc && (fflush(f) || ferror(f) || fsync(fileno(f)))) {
    rc = cairn_fail(&err, CAIRN_EINTERNAL, NULL, "writing %s: %s", tmp,
                    strerror(errno));
  }
  if (fclose(f) && !rc)
    rc = cairn_fail(&err, CAIRN_EINTERNAL, NULL, "closing %s: %s", tmp,
                    strerror(errno));
  if (!rc && rename(tmp, path))
    rc = cairn_fail(&err, CAIRN_EINTERNAL, NULL, "renaming %s to %s: %s",
                    tmp, path, strerror(errno));
  if (rc) {
    unlink(tmp);
    return fail("export", &err);
  }
  printf("exported %zu record version%s to %s\n", n, n == 1 ? "" : "s",
         path);
  return 0;
}

static int cmd_import(cli *c, const cli_args *a) {
  cairn_error err = {0};
  size_t versions = 0, records = 0;
  if (cairn_store_bulk(c->st, &err) ||
      cairn_bundle_import(c->req, a->file, &versions, &records, &err))
    return fail("import", &err);
  printf("imported %zu record version%s (%zu record%s) from %s\n", versions,
         versions == 1 ? "" : "s", records, records == 1 ? "" : "s",
         a->file);
  return 0;
}

/* Read a whole regular file of at most `max` bytes, NUL-terminated (the
** NUL not counted in *len).  NULL with *err on failure. */
static char *read_whole(const char *path, long max, size_t *len,
                        cairn_error *err) {
  FILE *f = fopen(path, "rb");
  struct stat sb;
  if (!f) {
    cairn_fail(err, CAIRN_EINVAL, NULL, "%s: %s", path, strerror(errno));
    return NULL;
  }
  if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode)) {
    fclose(f);
    cairn_fail(err, CAIRN_EINVAL, NULL, "%s: not a regular file", path);
    return NULL;
  }
  if (sb.st_size > max) {
    fclose(f);
    cairn_fail(err, CAIRN_ELIMIT, NULL, "%s: %lld bytes is more than the "
               "%ld accepted", path, (long long)sb.st_size, max);
    return NULL;
  }
  char *buf = malloc((size_t)sb.st_size + 1);
  if (!buf) abort();
  size_t got = fread(buf, 1, (size_t)sb.st_size, f);
  int bad = ferror(f) || got != (size_t)sb.st_size;
  fclose(f);
  if (bad) {
    free(buf);
    cairn_fail(err, CAIRN_EINVAL, NULL, "%s: short read", path);
    return NULL;
  }
  buf[got] = 0;
  *len = got;
  return buf;
}

static int cmd_import_csv(cli *c, const cli_args *a) {
  cairn_error err = {0};
  cairn_csvmap *map = NULL;
  if (cairn_csvmap_load(a->map, c->cfg->schemas_dir, &map, &err))
    return fail("import-csv", &err);
  size_t len;
  char *buf = read_whole(a->file, CAIRN_CSV_FILE_MAX, &len, &err);
  if (!buf) {
    cairn_csvmap_free(map);
    return fail("import-csv", &err);
  }
  cairn_csv_summary sum;
  memset(&sum, 0, sizeof sum);
  /* The bar only on a terminal: logs and pipes get the summary alone. */
  int progress = isatty(STDERR_FILENO);
  int rc = cairn_store_bulk(c->st, &err);
  if (!rc)
    rc = cairn_csv_import(c->req, map, a->file, buf, len, progress,
                          a->dry_run, stderr, &sum, &err);
  free(buf);
  cairn_csvmap_free(map);
  if (rc) return fail("import-csv", &err);
  printf("%s %zu row%s of %s: %zu patient%s, %zu episode%s, %zu "
         "observation%s (%zu skipped for empty cells)%s\n",
         a->dry_run ? "checked" : "imported", sum.rows,
         sum.rows == 1 ? "" : "s", a->file, sum.patients,
         sum.patients == 1 ? "" : "s", sum.episodes,
         sum.episodes == 1 ? "" : "s", sum.observations,
         sum.observations == 1 ? "" : "s", sum.skipped,
         a->dry_run ? "; nothing stored (--dry-run)" : "");
  return 0;
}

/* `cairn help`: the core's commands, then each loaded plugin's (when the
** configuration can be loaded; help works without one). */
static int cmd_help(cli *c, const cli_args *a) {
  cairn_error err = {0};
  (void)a;
  usage(stdout);
  if (cairn_config_load(c->config_path, c->schemas, &c->cfg, &err) == 0) {
    cairn_host_set_schemas(c->cfg->schemas_dir);
    if (cairn_registry_load(c->cfg, &cairn_host_table, &c->reg, &err) == 0)
      usage_plugins(stdout, c->reg);
    else
      printf("\n(plugin commands unknown: %s)\n", err.message);
  } else {
    printf("\n(plugin commands unknown: no configuration at %s)\n",
           c->config_path);
  }
  return 0;
}

static int cmd_user(cli *c, const cli_args *a) {
  return cairn_cli_user(c->st, a->argc, a->argv);
}

static int cmd_audit(cli *c, const cli_args *a) {
  return cairn_cli_audit(c->st, a->argc, a->argv);
}

static int cmd_outbox(cli *c, const cli_args *a) {
  return cairn_cli_outbox(c->req, a->argc, a->argv);
}

static int cmd_jobs(cli *c, const cli_args *a) {
  return cairn_cli_jobs(c->req, a->argc, a->argv);
}

static int cmd_backup(cli *c, const cli_args *a) {
  return cairn_cli_backup(c->cfg, a->argc, a->argv);
}

static int cmd_restore(cli *c, const cli_args *a) {
  return cairn_cli_restore(c->cfg, a->argc, a->argv);
}

static int cmd_export_fhir(cli *c, const cli_args *a) {
  return cairn_fhir_cli(c->req, a->argc, a->argv);
}

static const command commands[] = {
    {.name = "init", .args = "",
     .summary = "create the database or bring it up to date",
     .needs = NEED_REGISTRY | NEED_STORE, .run = cmd_init},
    {.name = "plugins", .args = "",
     .summary = "each plugin: version, API level, types, routes",
     .needs = NEED_REGISTRY, .run = cmd_plugins},
    {.name = "routes", .args = "",
     .summary = "every route: method, pattern, audience, plugin",
     .needs = NEED_REGISTRY, .run = cmd_routes},
    {.name = "import", .args = "FILE",
     .summary = "import a bundle of records, all or nothing",
     .needs = NEED_REGISTRY | NEED_STORE, .accepts = ARG_FILE,
     .run = cmd_import},
    {.name = "export", .args = "[FILE]",
     .summary = "write every version of every record (stdout)",
     .needs = NEED_REGISTRY | NEED_STORE, .accepts = ARG_FILE_OPTIONAL,
     .run = cmd_export},
    {.name = "export-fhir",
     .args = "[--patient ID] [--since YYYY-MM-DD] [-o FILE]",
     .summary = "write the records as a FHIR R4 Bundle (XML, stdout)",
     .needs = NEED_REGISTRY | NEED_STORE, .accepts = ARG_REST,
     .run = cmd_export_fhir},
    {.name = "import-csv", .args = "--map MAP.xml [--dry-run] FILE.csv",
     .summary = "import a spreadsheet through a mapping, all or nothing",
     .needs = NEED_REGISTRY | NEED_STORE,
     .accepts = ARG_FILE | ARG_MAP | ARG_DRY_RUN, .run = cmd_import_csv},
    {.name = "reindex", .args = "",
     .summary = "rebuild the projection tables and the plugins' kept figures from the records",
     .needs = NEED_REGISTRY | NEED_STORE, .run = cmd_reindex},
    {.name = "stats", .args = "",
     .summary = "record versions stored, by type",
     .needs = NEED_REGISTRY | NEED_STORE, .run = cmd_stats},
    {.name = "user", .args = "add|passwd|disable|enable|list ...",
     .summary = "staff accounts (passwords are read from standard input)",
     .needs = NEED_REGISTRY | NEED_STORE, .accepts = ARG_REST,
     .run = cmd_user},
    {.name = "audit", .args = "verify [--anchor FILE]",
     .summary = "check the audit trail's hash chain, and an anchor's entry",
     .needs = NEED_REGISTRY | NEED_STORE, .accepts = ARG_REST,
     .run = cmd_audit},
    {.name = "backup", .args = "DEST | --dir DIR [--keep N]",
     .summary = "online copy, checked, with DEST.anchor beside it",
     .needs = NEED_REGISTRY, .accepts = ARG_REST, .run = cmd_backup},
    {.name = "restore", .args = "[--force] [--anchor FILE] SRC",
     .summary = "check a backup against its anchor, then restore it",
     .needs = NEED_REGISTRY, .accepts = ARG_REST, .run = cmd_restore},
    {.name = "outbox", .args = "list|send|retry|test ...",
     .summary = "outgoing mail: list it, send what is due, retry, send a test",
     .needs = NEED_REGISTRY | NEED_STORE, .accepts = ARG_REST,
     .run = cmd_outbox},
    {.name = "jobs", .args = "run [--force] [NAME...]|list",
     .summary = "run the scheduled jobs that are due, once; or list them",
     .needs = NEED_REGISTRY | NEED_STORE, .accepts = ARG_REST,
     .run = cmd_jobs},
    {.name = "help", .args = "", .summary = "this text, with the plugins'"
     " commands", .run = cmd_help},
    {.name = NULL},
};

/* -------------------------------------------------------------- main */

/* Load what the command needs; 0, or 1 after saying why on stderr. */
static int setup(cli *c, unsigned needs) {
  cairn_error err = {0};
  if (!needs) return 0;
  if (cairn_config_load(c->config_path, c->schemas, &c->cfg, &err))
    return fail("config", &err);
  /* "today" follows the clinic's time zone, as in cairnd. */
  setenv("TZ", c->cfg->timezone, 1);
  tzset();
  cairn_host_set_schemas(c->cfg->schemas_dir);
  if (cairn_registry_load(c->cfg, &cairn_host_table, &c->reg, &err))
    return fail("plugins", &err);
  if ((needs & NEED_STORE) &&
      cairn_store_open(c->cfg->database, c->reg, &c->st, &err))
    return fail("database", &err);
  c->arena = cairn_arena_new();
  c->req = cairn_req_new(c->arena, c->cfg, c->reg, c->st);
  return 0;
}

/* One audit entry for a plugin command that ran: who, which command,
** the outcome, and the patient or record it noted.  0, or 1 after saying
** on stderr that the entry could not be written. */
static int audit_command(cli *c, const cairn_command *k, int rc,
                         const cairn_error *err) {
  const char *route = cairn_arena_printf(c->arena, "cairn %s", k->name);
  cairn_audit_entry e = {
    .actor = c->req->actor, .role = "", .method = "CLI", .route = route,
    .path = route, .remote = "",
    .patient = c->req->audit_patient, .record = c->req->audit_record,
    .outcome = rc == 0 ? "ok"
               : cairn_arena_printf(c->arena, "failed (%d): %s", rc,
                                    err->message),
  };
  cairn_error ae = {0};
  if (cairn_audit_append(c->st, &e, &ae) == 0) return 0;
  fprintf(stderr, "cairn: %s: the audit entry could not be written: %s\n",
          k->name, ae.message);
  return 1;
}

/*
** `cairn NAME ARGS...` for a command a plugin declares: with the config,
** plugins and store loaded, run it as the CLI request and audit it.  Exit
** status 0, 1 with the reason on stderr, or 2 (with its usage) for
** CAIRN_EINVAL.  EXIT_USAGE when no plugin has such a command.
*/
static int run_plugin_command(cli *c, int argc, char **argv) {
  const cairn_loaded *pl = NULL;
  const cairn_command *k = cairn_registry_command(c->reg, argv[0], &pl);
  cairn_error err = {0};
  if (!k) {
    fprintf(stderr, "cairn: unknown command '%s'\n\n", argv[0]);
    usage(stderr);
    usage_plugins(stderr, c->reg);
    return EXIT_USAGE;
  }
  int rc = k->run(c->req, argc, argv, &err);
  if (audit_command(c, k, rc, &err)) return 1;
  if (fflush(stdout) || ferror(stdout)) {
    fprintf(stderr, "cairn: %s: writing stdout: %s\n", k->name,
            strerror(errno));
    return 1;
  }
  if (rc == 0) return 0;
  fprintf(stderr, "cairn: %s (plugin %s): %s\n", k->name, pl->desc->name,
          err.message[0] ? err.message : "failed");
  if (rc == CAIRN_EINVAL) {
    fprintf(stderr, "usage: cairn [-c cairn.xml] %s %s\n", k->name, k->usage);
    return EXIT_USAGE;
  }
  return 1;
}

/* 1 when the command table and the registry's list of core commands (the
** names no plugin may take) agree. */
static int core_commands_agree(void) {
  size_t n = 0, m = 0;
  for (const command *k = commands; k->name; k++, n++)
    if (!cairn_registry_core_command(k->name)) return 0;
  while (cairn_core_commands[m]) m++;
  return n == m;
}

/* Release in the reverse order: the arena first (its cleanups reset the
** request's statements), then the store, the plugins, the config. */
static void teardown(cli *c) {
  if (c->arena) cairn_arena_free(c->arena);
  if (c->st) cairn_store_close(c->st);
  if (c->reg) cairn_registry_free(c->reg);
  if (c->cfg) cairn_config_free(c->cfg);
}

int main(int argc, char **argv) {
  cli c;
  int opt, verbose = 0;
  memset(&c, 0, sizeof c);
  c.config_path = getenv("CAIRN_CONFIG");
  c.schemas = getenv("CAIRN_SCHEMAS");
  if (!c.config_path || !*c.config_path) c.config_path = "cairn.xml";
  if (!c.schemas || !*c.schemas) c.schemas = CAIRN_SCHEMAS_DIR;
  /* '+': stop at the command, whose own options are its business. */
  while ((opt = getopt(argc, argv, "+c:S:vh")) != -1) {
    switch (opt) {
      case 'v': verbose = 1; break;
      case 'c': c.config_path = optarg; break;
      case 'S': c.schemas = optarg; break;
      case 'h': usage(stdout); return 0;
      default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (!core_commands_agree()) {
    fprintf(stderr, "cairn: internal error: the command table and"
            " cairn_core_commands differ\n");
    return 1;
  }
  const command *k = find_command(argv[optind]);
  cli_args args;
  int rc = k ? parse_args(k, argc - optind, argv + optind, &args) : 0;
  if (rc) return rc;

  if (sodium_init() < 0) {
    fprintf(stderr, "cairn: libsodium could not be initialised\n");
    return 1;
  }
  xmlInitParser();
  cairn_log_set_name("cairn");
  /* Quiet unless asked: a command's info lines are for -v. */
  cairn_log_set_level(verbose ? CAIRN_LOG_INFO : CAIRN_LOG_WARN);
  cairn_xml_init(NULL);
  /* Not a core command: perhaps a plugin's, known once plugins load. */
  rc = setup(&c, k ? k->needs : NEED_REGISTRY | NEED_STORE);
  if (!rc) rc = k ? k->run(&c, &args)
                  : run_plugin_command(&c, argc - optind, argv + optind);
  teardown(&c);
  xmlCleanupParser();
  return rc;
}
