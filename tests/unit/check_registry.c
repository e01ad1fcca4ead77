/*
** check_registry.c -- the plugin loader.  Each refusal case is a real
** shared object built from tests/unit/plugins/ (TEST_PLUGIN_DIR): a wrong
** ABI number, a wrong descriptor size, no entry symbol, a route without an
** audience, a file that is not a shared object.  Each must be refused with
** one line naming the file and the reason, and nothing stays loaded.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>
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
START_TEST(wrong_size_is_refused) { refused("bad_size.so", "descriptor size"); }
END_TEST
START_TEST(missing_entry_is_refused) { refused("no_entry.so", "no entry symbol"); }
END_TEST
START_TEST(route_without_audience_is_refused) { refused("no_audience.so", "no audience"); }
END_TEST
START_TEST(missing_file_is_refused) { refused("does_not_exist.so", "cannot load"); }
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
    { "DELETE", "/x", CAIRN_AUD_PUBLIC, ping, "" }, { NULL, NULL, 0, NULL, NULL } };
  static const cairn_route bad_pattern[] = {
    { "GET", "x", CAIRN_AUD_PUBLIC, ping, "" }, { NULL, NULL, 0, NULL, NULL } };
  static const cairn_route bad_bits[] = {
    { "GET", "/x", 0x100, ping, "" }, { NULL, NULL, 0, NULL, NULL } };
  static const cairn_projection reserved[] = {
    { "patient", "r:x", CAIRN_COL_TEXT }, { NULL, NULL, 0 } };
  static const cairn_record_type wrong_prefix[] = {
    { "other:Thing", "urn:x", "Thing", "x.xsd", "t_thing", 0, NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL } };
  static const cairn_record_type reserved_col[] = {
    { "t:Thing", "urn:x", "Thing", "x.xsd", "t_thing", 0, reserved, NULL },
    { NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL } };
  static const cairn_record_type xsd_path[] = {
    { "t:Thing", "urn:x", "Thing", "../x.xsd", "t_thing", 0, NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL } };
  cairn_plugin d = { .abi_version = CAIRN_ABI_VERSION,
                     .size = sizeof(cairn_plugin), .name = "t",
                     .version = "1", .api_level = 1, .description = "",
                     .init = init_ok };
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
  ck_assert_int_eq(cairn_registry_check_desc(NULL, "t.so", &e), CAIRN_EINVAL);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("registry");
  TCase *t = tcase_create("load");
  tcase_add_test(t, good_plugin_loads_with_its_route);
  tcase_add_test(t, wrong_abi_is_refused);
  tcase_add_test(t, wrong_size_is_refused);
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
