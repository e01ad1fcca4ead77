/*
** jobtest.c -- a test plugin for the level-4 services: a declared job the
** runner must find and run, and a route that queues a message through the
** host table (tests/unit/check_jobs.c, tests/integration/mail.test.mjs).
**
** Settings (all optional):
**   log       a file the job appends one line to per run
**   sleep-ms  how long the job takes (to hold its lease in a test)
**   fail      "yes": the job fails, with a message staff would see
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cairn/plugin.h>

CAIRN_PLUGIN_INIT1

static const cairn_plugin_config *settings;

/* The job: note the run, take the time asked for, succeed with 1 item. */
static int tick(cairn_req *req, cairn_error *err) {
  const char *log = cairn_config_get(settings, "log");
  const char *sleep_ms = cairn_config_get(settings, "sleep-ms");
  const char *fail = cairn_config_get(settings, "fail");
  if (log) {
    FILE *f = fopen(log, "a");
    if (f) {
      fprintf(f, "tick by %s\n", cairn_req_actor(req));
      fclose(f);
    }
  }
  if (sleep_ms) {
    long ms = strtol(sleep_ms, NULL, 10);
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
  }
  if (fail && strcmp(fail, "yes") == 0) {
    /* Filled by hand: this plugin needs only levels 1 and 4. */
    err->code = CAIRN_EINVAL;
    snprintf(err->message, sizeof err->message, "the tick job was told to fail");
    return CAIRN_EINVAL;
  }
  return 1;
}

/* Queue the message, then (rollback=yes) refuse, as a handler whose
** later step fails: the message must go with the rest. */
static int queue_in_txn(cairn_req *req, void *arg, cairn_error *err) {
  cairn_doc *model = arg;
  const char *first = cairn_req_form(req, "first-name");
  const char *issue = cairn_req_form(req, "issue");
  if (issue && strcmp(issue, "yes") == 0) {   /* a real link, in full */
    const char *link;
    long long id;
    int rc = cairn_capability_issue(req, "jobtest:1", "/test/jobtest/mail", 0,
                                    3600, 0, &link, &id, err);
    if (rc) return rc;
    cairn_doc_text(model, "link", cairn_public_url(req, link));
  }
  int rc = cairn_message_queue(req, cairn_req_form(req, "to"),
                               cairn_req_form(req, "name"),
                               first ? "mail/link" : "mail/test", model, err);
  const char *rb = cairn_req_form(req, "rollback");
  if (rc == 0 && rb && strcmp(rb, "yes") == 0) {
    err->code = CAIRN_ECONFLICT;
    snprintf(err->field, sizeof err->field, "rollback");
    snprintf(err->message, sizeof err->message, "the step after queueing failed");
    return CAIRN_ECONFLICT;
  }
  return rc;
}

/* POST /test/jobtest/mail (to=, name=, rollback=, first-name=): queue the
** core's test message (or, with first-name, the core's link message) to
** that address with a link on the public URL, inside one transaction;
** 200 queued, 422 refused. */
static int mail(cairn_req *req) {
  cairn_error e = {0};
  const char *first = cairn_req_form(req, "first-name");
  cairn_doc *model = cairn_doc_new(req, NULL, first ? "link-mail" : "test");
  const char *link = cairn_public_url(req, "/c/jobtest-link");
  if (first) {
    cairn_doc_text(model, "first-name", first);
    cairn_doc_text(model, "purpose", "fill in your questionnaire before your first visit");
    cairn_doc_text(model, "expires", "2026-12-10");
  }
  const char *issue = cairn_req_form(req, "issue");
  if (link && !(issue && strcmp(issue, "yes") == 0))
    cairn_doc_text(model, "link", link);
  int rc = cairn_transaction(req, queue_in_txn, model, &e);
  cairn_doc *doc = cairn_doc_new(req, NULL, rc ? "error" : "queued");
  if (rc) {
    cairn_doc_attr(doc, "status", "422");
    cairn_doc_text(doc, "field", e.field);
    cairn_doc_text(doc, "message", e.message);
    return cairn_respond_view(req, doc, "error", 422);
  }
  cairn_doc_text(doc, "link", link ? link : "");
  return cairn_respond_view(req, doc, "error", 200);
}

static const cairn_route routes[] = {
  { .method = "POST", .pattern = "/test/jobtest/mail",
    .audience = CAIRN_AUD_STAFF, .handler = mail,
    .summary = "queue a test message through message_queue" },
  { .method = NULL }
};

static const cairn_job jobs[] = {
  { .name = "tick", .interval_seconds = 60, .handler = tick,
    .summary = "note a run (tests)" },
  { .name = NULL }
};

static int init(const cairn_api *api, const cairn_plugin_config *cfg,
                cairn_error *err) {
  (void)err;
  CAIRN_PLUGIN_INIT2(api);
  settings = cfg;
  return 0;
}

static const cairn_plugin descriptor = {
  .abi_version = CAIRN_ABI_VERSION,
  .size = sizeof(cairn_plugin),
  .error_size = sizeof(cairn_error),
  .name = "jobtest",
  .version = "0.0.1",
  .api_level = 4,
  .description = "test plugin: a job and a route that queues mail",
  .routes = routes,
  .init = init,
  .jobs = jobs,
};

const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
