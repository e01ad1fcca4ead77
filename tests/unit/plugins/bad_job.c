/*
** bad_job.c -- a plugin whose job has no handler: the loader must refuse
** it by name before anything of it runs (tests/unit/check_jobs.c).
*/
#include <stddef.h>
#include <cairn/plugin.h>

static int init(const cairn_api *api, const cairn_plugin_config *cfg,
                cairn_error *err) {
  (void)api; (void)cfg; (void)err;
  return 0;
}

static const cairn_job jobs[] = {
  { .name = "nohandler", .interval_seconds = 60, .handler = NULL,
    .summary = "broken" },
  { .name = NULL }
};

static const cairn_plugin descriptor = {
  .abi_version = CAIRN_ABI_VERSION,
  .size = sizeof(cairn_plugin),
  .error_size = sizeof(cairn_error),
  .name = "bad_job",
  .version = "0.0.1",
  .api_level = 4,
  .description = "test plugin: a job without a handler",
  .init = init,
  .jobs = jobs,
};

const cairn_plugin *cairn_plugin_entry(void) { return &descriptor; }
