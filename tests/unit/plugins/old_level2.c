/*
** old_level2.c -- a plugin built against an older plugin.h of the same
** ABI: its descriptor ends at fini (API level 2, no `commands` field), so
** it is shorter than the host's.  The host must load it and read the
** missing fields as zero.  The struct below is that older descriptor's
** layout, field for field.
*/
#include <stddef.h>
#include <cairn/plugin.h>

CAIRN_PLUGIN_INIT1

typedef struct old_plugin {
  unsigned abi_version;
  size_t size;
  size_t error_size;
  const char *name;
  const char *version;
  unsigned api_level;
  const char *description;
  const cairn_record_type *record_types;
  const cairn_route *routes;
  const cairn_subscription *subscriptions;
  const char *const *migrations;
  int (*init)(const cairn_api *api, const cairn_plugin_config *cfg,
              cairn_error *err);
  void (*fini)(void);
} old_plugin;

/* The same layout as the host's up to fini, or this test proves nothing. */
_Static_assert(offsetof(old_plugin, fini) == offsetof(cairn_plugin, fini),
               "old_plugin must match cairn_plugin up to fini");
_Static_assert(sizeof(old_plugin) < sizeof(cairn_plugin),
               "old_plugin must be shorter than the host's descriptor");

static int init(const cairn_api *api, const cairn_plugin_config *cfg,
                cairn_error *err) {
  (void)cfg;
  (void)err;
  CAIRN_PLUGIN_INIT2(api);
  return 0;
}

static const old_plugin descriptor = {
  .abi_version = CAIRN_ABI_VERSION,
  .size = sizeof(old_plugin),
  .error_size = sizeof(cairn_error),
  .name = "old_level2",
  .version = "0.0.1",
  .api_level = 2,
  .description = "a level-2 plugin from an older plugin.h",
  .init = init,
};

const cairn_plugin *cairn_plugin_entry(void) {
  return (const cairn_plugin *)(const void *)&descriptor;
}
