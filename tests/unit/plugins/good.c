/*
** good.c -- a minimal plugin the loader must accept (tests/unit/check_registry.c).
**
** The refusal cases include this file after defining one TEST_* macro, so
** each differs from a loadable plugin in exactly the one way its file name
** says: bad_abi.c, bad_size.c, bad_error_size.c, needs_level.c,
** no_entry.c, no_audience.c; command.c adds a `cairn` command.
*/
#include <stddef.h>
#include <cairn/plugin.h>

#ifndef TEST_NAME
#define TEST_NAME "good"
#endif
#ifndef TEST_ABI_VERSION
#define TEST_ABI_VERSION CAIRN_ABI_VERSION
#endif
#ifndef TEST_DESC_SIZE
#define TEST_DESC_SIZE sizeof(cairn_plugin)
#endif
#ifndef TEST_ERROR_SIZE
#define TEST_ERROR_SIZE sizeof(cairn_error)
#endif
#ifndef TEST_API_LEVEL
#define TEST_API_LEVEL CAIRN_API_LEVEL
#endif
#ifndef TEST_COMMANDS
#define TEST_COMMANDS NULL
#endif
#ifndef TEST_AUDIENCE
#define TEST_AUDIENCE CAIRN_AUD_PUBLIC
#endif
#ifndef TEST_ENTRY
#define TEST_ENTRY cairn_plugin_entry
#endif

CAIRN_PLUGIN_INIT1

/* GET /test/<name>/ping: a view naming the plugin that answered. */
static int ping(cairn_req *req) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "ping");
  cairn_doc_text(doc, "plugin", TEST_NAME);
  return cairn_respond_view(req, doc, "test/ping", 200);
}

static const cairn_route routes[] = {
  { .method = "GET", .pattern = "/test/" TEST_NAME "/ping",
    .audience = TEST_AUDIENCE, .handler = ping,
    .summary = "answer with the plugin's name" },
  { .method = NULL }
};

static const cairn_record_type record_types[] = { { .name = NULL } };
static const cairn_subscription subscriptions[] = { { .record_type = NULL } };
static const char *const migrations[] = { NULL };

static int init(const cairn_api *api, const cairn_plugin_config *cfg,
                cairn_error *err) {
  (void)cfg;
  (void)err;
  CAIRN_PLUGIN_INIT2(api);
  return 0;
}

static const cairn_plugin descriptor = {
  .abi_version = TEST_ABI_VERSION,
  .size = TEST_DESC_SIZE,
  .error_size = TEST_ERROR_SIZE,
  .name = TEST_NAME,
  .version = "0.0.1",
  .api_level = TEST_API_LEVEL,
  .description = "test plugin for the loader: " TEST_NAME,
  .record_types = record_types,
  .routes = routes,
  .subscriptions = subscriptions,
  .migrations = migrations,
  .init = init,
  .fini = NULL,
  .commands = TEST_COMMANDS,
};

const cairn_plugin *TEST_ENTRY(void) { return &descriptor; }
