/*
** hello.c -- an example Cairn plugin on the level-3 kit, built out of
** Cairn's tree against nothing but the installed <cairn/plugin.h> and
** cairn-plugin.pc (no libxml2, no libsodium: the host does that work).
**
**   GET  /hello?name=Ada   greets Ada (or "world") and shows a form
**   POST /hello            the form: a name and a day; the kit's form model
**                          checks both, and a refused form comes back with
**                          what was typed and a message per field
**   cairn hello NAME       the same greeting on the command line, with
**                          today's date in the clinic's time zone
**
** The handler builds a view document and names the XSLT view that renders
** it (hello.xsl, installed as views/hello/hello.xsl, which renders the form
** with the shared views/form-lib.xsl).  Text is escaped by the serializer:
** nothing here writes HTML.
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

/* Names of the days, Monday first, as date_weekday counts them (1..7). */
static const char *const weekdays[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
  "Sunday" };

/* The form: a required name of at most 40 characters, and a day that may
** lie in the future. */
static const cairn_field hello_fields[] = {
  { .name = "name", .label = "Your name", .kind = CAIRN_FIELD_TEXT,
    .flags = CAIRN_FIELD_REQUIRED, .max = 40 },
  { .name = "day", .label = "A day", .kind = CAIRN_FIELD_DATE,
    .flags = CAIRN_FIELD_REQUIRED | CAIRN_FIELD_FUTURE,
    .hint = "year-month-day; we will tell you its weekday" },
  { .name = NULL }
};

/*
** The page: <hello><greeting/><name/><day weekday=/>?<form .../></hello>.
** `form` carries what was typed and any messages; status is 200 or 422.
*/
static int hello_view(cairn_req *req, cairn_form *form, const char *name,
                      int status) {
  cairn_doc *view = cairn_doc_new(req, NULL, "hello");
  long day;
  cairn_doc_text(view, "greeting", greeting);
  cairn_doc_text(view, "name", name);
  if (status == 200 &&
      cairn_date_parse(cairn_form_value(form, "day"), &day) == CAIRN_OK)
    cairn_doc_text_attr(view, "day", "weekday",
                        weekdays[cairn_date_weekday(day) - 1],
                        cairn_date_format(req, day));
  cairn_form_doc(view, form, "/hello", "Greet me");
  return cairn_respond_view(req, view, "hello/hello", status);
}

/* GET /hello?name=Ada: greet, and offer the form with today filled in. */
static int hello_page(cairn_req *req) {
  const char *name = cairn_req_query(req, "name");
  if (name == NULL || name[0] == '\0') name = "world";
  cairn_form *form = cairn_form_new(req, "hello", hello_fields);
  cairn_form_set(form, "day", cairn_date_format(req, cairn_date_today(req)));
  return hello_view(req, form, name, 200);
}

/* POST /hello: bind and check the form; greet, or show what to fix. */
static int hello_post(cairn_req *req) {
  cairn_form *form = cairn_form_new(req, "hello", hello_fields);
  if (cairn_form_bind(form) > 0)
    return hello_view(req, form, "world", 422);
  return hello_view(req, form, cairn_form_value(form, "name"), 200);
}

static const cairn_route routes[] = {
  { .method = "GET", .pattern = "/hello", .audience = CAIRN_AUD_PUBLIC,
    .handler = hello_page, .summary = "greet ?name= (the example plugin)" },
  { .method = "POST", .pattern = "/hello", .audience = CAIRN_AUD_PUBLIC,
    .handler = hello_post, .summary = "greet the name posted, with a day" },
  { .method = NULL }
};

/* `cairn hello NAME`: the greeting, with today's date in the clinic. */
static int hello_command(cairn_req *req, int argc, char **argv,
                         cairn_error *err) {
  if (argc != 2)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "say whom to greet");
  int rc = cairn_text_check(argv[1], 40, 0, "NAME", "The name", err);
  if (rc != CAIRN_OK) return rc;
  long today = cairn_date_today(req);
  cairn_cli_print(req, "%s, %s! Today is %s, %s.\n", greeting, argv[1],
                  weekdays[cairn_date_weekday(today) - 1],
                  cairn_date_format(req, today));
  return CAIRN_OK;
}

static const cairn_command commands[] = {
  { .name = "hello", .usage = "NAME",
    .summary = "greet NAME with today's date (the example plugin)",
    .run = hello_command },
  { .name = NULL }
};

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
  CAIRN_PLUGIN_MAGIC,                 /* ABI, sizes: checked first */
  .name = "hello",
  .version = "2.0.0",
  .api_level = 3,                     /* the least host level it needs */
  .description = "Example plugin: a page and a form that greet you",
  .routes = routes,                   /* no record types, events or */
  .init = hello_init,                 /* migrations: NULL lists */
  .commands = commands,
};

/* The one exported symbol. */
const cairn_plugin *cairn_plugin_entry(void) { return &hello_plugin; }
