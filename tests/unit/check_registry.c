/*
** check_registry.c -- the plugin loader.  Each refusal case is a real
** shared object built from tests/unit/plugins/ (TEST_PLUGIN_DIR): a wrong
** ABI number, a descriptor larger than the host's, a different
** cairn_error, an API level the host lacks, no entry symbol, a route
** without an audience, a file that is not a shared object.  Each must be
** refused with one line naming the file and the reason, and nothing stays
** loaded.  An older, shorter descriptor loads; a plugin's `cairn` command
** is found, runs through the host table, and is listed by `cairn help`.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn_int.h"

#ifndef TEST_PLUGIN_DIR
#error "TEST_PLUGIN_DIR must name the directory holding the built test plugins"
#endif

static int load(const char *const *names, size_t n, cairn_registry **reg,
                cairn_error *e) {
  static struct cairn_plugin_config pcs[4];
  static char paths[4][4096];
  cairn_config cfg = {0};
  cfg.schemas_dir = (char *)".";
  for (size_t i = 0; i < n; i++) {
    snprintf(paths[i], sizeof paths[i], "%s/%s", TEST_PLUGIN_DIR, names[i]);
    pcs[i].path = paths[i];
    pcs[i].settings = NULL;
    pcs[i].n_settings = 0;
  }
  cfg.plugins = pcs;
  cfg.n_plugins = n;
  return cairn_registry_load(&cfg, &cairn_host_table, reg, e);
}

START_TEST(good_plugin_loads_with_its_route) {
  const char *names[] = { "good.so" };
  cairn_registry *reg = NULL;
  cairn_error e = {0};
  ck_assert_int_eq(load(names, 1, &reg, &e), 0);
  ck_assert_uint_eq(reg->n_plugins, 2); /* the built-in core, then good */
  ck_assert_str_eq(reg->plugins[0].desc->name, "core");
  ck_assert_str_eq(reg->plugins[1].desc->name, "good");
  const cairn_route_rt *last = &reg->routes[reg->n_routes - 1];
  ck_assert_str_eq(last->decl->pattern, "/test/good/ping");
  ck_assert_ptr_eq(last->plugin, &reg->plugins[1]);
  cairn_registry_free(reg);
}
END_TEST

static void refused(const char *file, const char *reason) {
  const char *names[] = { "good.so", file };
  cairn_registry *reg = (cairn_registry *)0x1;
  cairn_error e = {0};
  ck_assert_int_eq(load(names, 2, &reg, &e), CAIRN_EINVAL);
  ck_assert_msg(strstr(e.message, file) != NULL, "message names the file: %s", e.message);
  ck_assert_msg(strstr(e.message, reason) != NULL, "message says \"%s\": %s", reason,
                e.message);
  ck_assert_ptr_nonnull(strstr(e.message, "refused"));
  ck_assert_ptr_null(strchr(e.message, '\n'));
  ck_assert_ptr_eq(reg, (cairn_registry *)0x1); /* nothing handed out */
}

START_TEST(wrong_abi_is_refused) { refused("bad_abi.so", "ABI"); }
END_TEST
START_TEST(larger_descriptor_is_refused) {
  refused("bad_size.so", "larger than this host's");
}
END_TEST
START_TEST(other_error_size_is_refused) {
  refused("bad_error_size.so", "cairn_error");
}
END_TEST
START_TEST(higher_api_level_is_refused_by_name) {
  char want[128];
  snprintf(want, sizeof want, "plugin needs_level needs API level %u, this "
           "host has %u", CAIRN_API_LEVEL + 1, CAIRN_API_LEVEL);
  refused("needs_level.so", want);
}
END_TEST

/* A plugin built against an older plugin.h (level 2, its descriptor ends
** at fini) loads, and the fields it lacks read as zero. */
START_TEST(older_shorter_descriptor_loads) {
  const char *names[] = { "old_level2.so" };
  cairn_registry *reg = NULL;
  cairn_error e = {0};
  ck_assert_msg(load(names, 1, &reg, &e) == 0, "refused: %s", e.message);
  const cairn_plugin *d = reg->plugins[1].desc;
  ck_assert_str_eq(d->name, "old_level2");
  ck_assert_uint_eq(d->api_level, 2);
  ck_assert_uint_lt(d->size, sizeof(cairn_plugin));
  ck_assert_ptr_null(d->commands);
  ck_assert_ptr_eq(reg->plugins[1].own_desc, d); /* the host-sized copy */
  cairn_registry_free(reg);
}
END_TEST

/* Runs `cairn kit-hello ...` through the registry as cli.c does, with
** stdout caught in a file; returns the command's status, *out its output. */
static int run_command(const cairn_registry *reg, int argc, char **argv,
                       char *out, size_t outsz, cairn_error *e) {
  const cairn_loaded *pl = NULL;
  const cairn_command *k = cairn_registry_command(reg, argv[0], &pl);
  ck_assert_ptr_nonnull(k);
  ck_assert_str_eq(pl->desc->name, "command");
  cairn_arena *a = cairn_arena_new();
  cairn_config cfg = {0};
  cairn_req *req = cairn_req_new(a, &cfg, reg, NULL);
  FILE *tmp = tmpfile();
  ck_assert_ptr_nonnull(tmp);
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  dup2(fileno(tmp), STDOUT_FILENO);
  int rc = k->run(req, argc, argv, e);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  rewind(tmp);
  size_t n = fread(out, 1, outsz - 1, tmp);
  out[n] = '\0';
  fclose(tmp);
  cairn_arena_free(a);
  return rc;
}

START_TEST(plugin_command_runs_through_the_host) {
  const char *names[] = { "command.so" };
  cairn_registry *reg = NULL;
  cairn_error e = {0};
  char out[256];
  ck_assert_msg(load(names, 1, &reg, &e) == 0, "refused: %s", e.message);
  ck_assert_ptr_null(cairn_registry_command(reg, "no-such", NULL));
  char *ok[] = { (char *)"kit-hello", (char *)"Ann", NULL };
  ck_assert_int_eq(run_command(reg, 2, ok, out, sizeof out, &e), 0);
  ck_assert_msg(strncmp(out, "hello Ann from cli:", 19) == 0, "out: %s", out);
  char *bad[] = { (char *)"kit-hello", NULL };
  ck_assert_int_eq(run_command(reg, 1, bad, out, sizeof out, &e),
                   CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "got 0 words"));
  cairn_registry_free(reg);
}
END_TEST

/* `cairn help` with a config that loads command.so lists its command and
** summary; `cairn kit-hello Bo` runs it. */
START_TEST(plugin_command_is_listed_by_help) {
  const char *tmpdir = getenv("CAIRN_TEST_TMPDIR");
  char cfgpath[4096], cmd[12288], line[512];
  int listed = 0, greeted = 0;
  if (!tmpdir || !*tmpdir) tmpdir = "/tmp";
  snprintf(cfgpath, sizeof cfgpath, "%s/registry-help.xml", tmpdir);
  FILE *f = fopen(cfgpath, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "<cairn xmlns=\"urn:cairn:config\"><listen>unix:%s/s</listen>"
          "<workers>1</workers><database>%s/registry-help.db</database>"
          "<schemas>%s/schemas</schemas><views>%s/www/views</views>"
          "<clinic><name>Test</name></clinic><plugins>"
          "<plugin path=\"%s/command.so\"/></plugins></cairn>\n",
          tmpdir, tmpdir, CAIRN_TEST_SRCDIR, CAIRN_TEST_SRCDIR,
          TEST_PLUGIN_DIR);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s/cairn' -c '%s' -S '%s/schemas' help; "
           "'%s/cairn' -c '%s' -S '%s/schemas' kit-hello Bo",
           CAIRN_TEST_BUILDDIR, cfgpath, CAIRN_TEST_SRCDIR,
           CAIRN_TEST_BUILDDIR, cfgpath, CAIRN_TEST_SRCDIR);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  while (fgets(line, sizeof line, p)) {
    if (strstr(line, "kit-hello NAME") && strstr(line, "greet NAME (test)"))
      listed = 1;
    if (strncmp(line, "hello Bo from cli:", 18) == 0) greeted = 1;
  }
  ck_assert_int_eq(pclose(p), 0);
  ck_assert_msg(listed, "cairn help does not list kit-hello");
  ck_assert_msg(greeted, "cairn kit-hello Bo did not greet");
  /* the run left one audit entry naming the command */
  char dbpath[4096];
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  snprintf(dbpath, sizeof dbpath, "%s/registry-help.db", tmpdir);
  ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE"
                   " route = 'cairn kit-hello' AND outcome = 'ok'", -1, &st,
                   NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  ck_assert_int_ge(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}
END_TEST
START_TEST(missing_entry_is_refused) { refused("no_entry.so", "no entry symbol"); }
END_TEST
START_TEST(route_without_audience_is_refused) { refused("no_audience.so", "no audience"); }
END_TEST
START_TEST(missing_file_is_refused) { refused("does_not_exist.so", "cannot load"); }
END_TEST

/* Two plugins declaring one command: the second is refused, naming the
** first.  (command.so twice is also refused by name; this loads a copy.) */
START_TEST(command_declared_by_two_plugins_is_refused) {
  const char *names[] = { "command.so", "command2.so" };
  cairn_registry *reg = NULL;
  cairn_error e = {0};
  ck_assert_int_eq(load(names, 2, &reg, &e), CAIRN_EINVAL);
  ck_assert_msg(strstr(e.message, "command kit-hello is already plugin "
                       "command's") != NULL, "%s", e.message);
}
END_TEST

START_TEST(same_plugin_twice_is_refused) {
  const char *names[] = { "good.so", "good.so" };
  cairn_registry *reg = NULL;
  cairn_error e = {0};
  ck_assert_int_eq(load(names, 2, &reg, &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "already loaded"));
}
END_TEST

/* Descriptor checks that need no shared object. */
static int ping(cairn_req *r) { (void)r; return 200; }
static int init_ok(const cairn_api *a, const cairn_plugin_config *c, cairn_error *e) {
  (void)a; (void)c; (void)e;
  return 0;
}

START_TEST(descriptor_rules) {
  cairn_error e = {0};
  static const cairn_route bad_method[] = {
    { .method = "DELETE", .pattern = "/x", .audience = CAIRN_AUD_PUBLIC,
      .handler = ping, .summary = "" },
    { .method = NULL } };
  static const cairn_route bad_pattern[] = {
    { .method = "GET", .pattern = "x", .audience = CAIRN_AUD_PUBLIC,
      .handler = ping, .summary = "" },
    { .method = NULL } };
  static const cairn_route bad_bits[] = {
    { .method = "GET", .pattern = "/x", .audience = 0x100, .handler = ping,
      .summary = "" },
    { .method = NULL } };
  static const cairn_projection reserved[] = {
    { .column = "patient", .xpath = "r:x", .type = CAIRN_COL_TEXT },
    { .column = NULL } };
  static const cairn_record_type wrong_prefix[] = {
    { .name = "other:Thing", .ns = "urn:x", .root = "Thing", .xsd = "x.xsd",
      .table = "t_thing" },
    { .name = NULL } };
  static const cairn_record_type reserved_col[] = {
    { .name = "t:Thing", .ns = "urn:x", .root = "Thing", .xsd = "x.xsd",
      .table = "t_thing", .projections = reserved },
    { .name = NULL } };
  static const cairn_record_type xsd_path[] = {
    { .name = "t:Thing", .ns = "urn:x", .root = "Thing", .xsd = "../x.xsd",
      .table = "t_thing" },
    { .name = NULL } };
  cairn_plugin d = { CAIRN_PLUGIN_MAGIC, .name = "t", .version = "1",
                     .api_level = 1, .description = "", .init = init_ok };
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), 0);
  d.api_level = CAIRN_API_LEVEL + 1;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "API level"));
  d.api_level = 1;
  d.name = "Bad-Name";
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  d.name = "t";
  d.init = NULL;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  d.init = init_ok;
  d.routes = bad_method;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  d.routes = bad_pattern;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  d.routes = bad_bits;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  d.routes = NULL;
  d.record_types = wrong_prefix;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  d.record_types = reserved_col;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "reserved"));
  d.record_types = xsd_path;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  d.record_types = NULL;
  d.size = offsetof(cairn_plugin, fini);   /* shorter than any ABI 2 one */
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "smaller"));
  d.size = sizeof(cairn_plugin);
  ck_assert_int_eq(cairn_registry_check_desc(NULL, "t.so", &e), CAIRN_EINVAL);
}
END_TEST

static int cmd_ok(cairn_req *r, int argc, char **argv, cairn_error *e) {
  (void)r; (void)argc; (void)argv; (void)e;
  return 0;
}

/* Plugin commands: a name of the pattern, a run function, a summary and
** usage, no core command shadowed, none declared twice. */
START_TEST(command_rules) {
  cairn_error e = {0};
  cairn_command ks[3] = {
    { .name = "tidy-up", .usage = "", .summary = "s", .run = cmd_ok },
    { .name = NULL }, { .name = NULL } };
  cairn_plugin d = { CAIRN_PLUGIN_MAGIC, .name = "t", .version = "1",
                     .api_level = 3, .description = "", .init = init_ok,
                     .commands = ks };
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), 0);
  ks[0].name = "import";
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "shadow"));
  for (const char *const *c = cairn_core_commands; *c; c++) {
    ks[0].name = *c;
    ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  }
  ks[0].name = "Tidy";
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ks[0].name = "tidy-up";
  ks[0].run = NULL;
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ks[0].run = cmd_ok;
  ks[1] = ks[0];
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "twice"));
}
END_TEST

/* FHIR mappings (level 5): each names one of the plugin's own record
** types, at most once, with a view; the lookup finds the view by type. */
START_TEST(fhir_map_rules) {
  cairn_error e = {0};
  cairn_record_type types[] = {
    { .name = "t:Thing", .ns = "urn:t", .root = "Thing", .xsd = "t.xsd",
      .table = "t_thing" },
    { .name = NULL } };
  cairn_fhir_map maps[3] = {
    { .record_type = "t:Thing", .view = "fhir/t-thing" },
    { .record_type = NULL }, { .record_type = NULL } };
  cairn_plugin d = { CAIRN_PLUGIN_MAGIC, .name = "t", .version = "1",
                     .api_level = 3, .description = "", .init = init_ok,
                     .record_types = types, .fhir = maps };
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), 0);
  maps[0].record_type = "other:Thing";       /* not the plugin's own */
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "FHIR"));
  maps[0].record_type = "t:Thing";
  maps[0].view = "";
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  maps[0].view = "fhir/t-thing";
  maps[1] = maps[0];                         /* twice */
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), CAIRN_EINVAL);
  ck_assert_ptr_nonnull(strstr(e.message, "two FHIR"));
  /* a descriptor too short to have the field is not read past its end */
  maps[1].record_type = NULL;
  d.size = offsetof(cairn_plugin, fhir);
  ck_assert_int_eq(cairn_registry_check_desc(&d, "t.so", &e), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("registry");
  TCase *t = tcase_create("load");
  tcase_add_test(t, good_plugin_loads_with_its_route);
  tcase_add_test(t, wrong_abi_is_refused);
  tcase_add_test(t, larger_descriptor_is_refused);
  tcase_add_test(t, other_error_size_is_refused);
  tcase_add_test(t, higher_api_level_is_refused_by_name);
  tcase_add_test(t, older_shorter_descriptor_loads);
  tcase_add_test(t, plugin_command_runs_through_the_host);
  tcase_add_test(t, plugin_command_is_listed_by_help);
  tcase_add_test(t, command_rules);
  tcase_add_test(t, fhir_map_rules);
  tcase_add_test(t, command_declared_by_two_plugins_is_refused);
  tcase_add_test(t, missing_entry_is_refused);
  tcase_add_test(t, route_without_audience_is_refused);
  tcase_add_test(t, missing_file_is_refused);
  tcase_add_test(t, same_plugin_twice_is_refused);
  tcase_add_test(t, descriptor_rules);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
