/*
** hello.c -- the smallest useful Cairn plugin, built out of Cairn's tree.
**
** It serves one public page, GET /hello, that greets whoever ?name= says
** (or "world").  The handler builds a view document and names the XSLT
** view that renders it (hello.xsl, installed as views/hello/hello.xsl);
** a client that sends "Accept: application/xml" gets the view XML itself.
** The text is escaped by the serializer: nothing here writes HTML.
**
** Build and install (see Makefile and README.md in this folder):
**   make && make install
** then add to cairn.xml:
**   <plugin path="/usr/local/lib/cairn/plugins/hello.so">
**     <setting name="greeting">Good morning</setting>
**   </plugin>
*/
#include <stddef.h>
#include <cairn/plugin.h>

/* The host's function table: cairn_doc_new() and friends call through it. */
CAIRN_PLUGIN_INIT1

/* A <setting name="greeting"> from the config, or "Hello". */
static const char *greeting = "Hello";

/* GET /hello?name=Ada -> <hello><greeting>Hello</greeting><name>Ada</name></hello> */
static int hello_page(cairn_req *req) {
  const char *name = cairn_req_query(req, "name");
  if (name == NULL || name[0] == '\0') name = "world";
  cairn_doc *view = cairn_doc_new(req, NULL, "hello");
  cairn_doc_text(view, "greeting", greeting);
  cairn_doc_text(view, "name", name);
  return cairn_respond_view(req, view, "hello/hello", 200);
}

static const cairn_route routes[] = {
  { .method = "GET", .pattern = "/hello", .audience = CAIRN_AUD_PUBLIC,
    .handler = hello_page, .summary = "greet ?name= (the example plugin)" },
  { .method = NULL }
};

/* No record types, events or migrations: each list is just its end. */
static const cairn_record_type no_types[] = { { .name = NULL } };
static const cairn_subscription no_subscriptions[] = { { .record_type = NULL } };
static const char *const no_migrations[] = { NULL };

/* Called once, before cairnd forks its workers. */
static int hello_init(const cairn_api *api, const cairn_plugin_config *cfg,
                      cairn_error *err) {
  (void)err;
  CAIRN_PLUGIN_INIT2(api);
  const char *g = cairn_config_get(cfg, "greeting");
  if (g != NULL && g[0] != '\0') greeting = g;
  return CAIRN_OK;
}

static const cairn_plugin hello_plugin = {
  .abi_version = CAIRN_ABI_VERSION,   /* first two fields: checked first */
  .size = sizeof(cairn_plugin),
  .name = "hello",
  .version = "1.0.0",
  .api_level = 1,                     /* the least host level it needs */
  .description = "Example plugin: one public page that greets you",
  .record_types = no_types,
  .routes = routes,
  .subscriptions = no_subscriptions,
  .migrations = no_migrations,
  .init = hello_init,
  .fini = NULL,
};

/* The one exported symbol. */
const cairn_plugin *cairn_plugin_entry(void) { return &hello_plugin; }
