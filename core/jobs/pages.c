/*
** pages.c -- /admin/jobs: every declared job, when it last ran, how that
** went, and when it runs next.  Admins only.  Read-only: jobs run from
** the timer or the master, never from a page.
*/
#include <string.h>
#include "cairn_int.h"
#include "coresql.h"
#include "jobs.h"

/* GET /admin/jobs */
int cairn_page_jobs(cairn_req *req) {
  static const char sql[] =
      "SELECT strftime('%Y-%m-%d %H:%M:%S', last_start, 'unixepoch'),"
      " strftime('%Y-%m-%d %H:%M:%S', last_end, 'unixepoch'),"
      " last_status, last_error, last_count,"
      " strftime('%Y-%m-%d %H:%M:%S', next_due, 'unixepoch'),"
      " lease_holder IS NOT NULL AND lease_expires >= CAST(strftime('%s','now') AS INTEGER)"
      " FROM job WHERE name = :name";
  cairn_error err = {0};
  cairn_doc *d = cairn_doc_new(req, NULL, "jobs");
  cairn_doc_attr_impl(d, "master-interval",
                      cairn_arena_printf(req->arena, "%d",
                                         req->cfg ? req->cfg->jobs_interval : 0));
  for (size_t p = 0; p < req->reg->n_plugins; p++) {
    const cairn_plugin *pd = req->reg->plugins[p].desc;
    for (const cairn_job *j = cairn_plugin_jobs(pd); j && j->name; j++) {
      const char *full = cairn_arena_printf(req->arena, "%s:%s", pd->name, j->name);
      cairn_q *s = cairn_q_prepare(req->store, sql, &err);
      if (!s) return err.code;
      cairn_q_text(s, ":name", full);
      cairn_doc_open_impl(d, "job");
      cairn_doc_attr_impl(d, "name", full);
      cairn_doc_attr_impl(d, "every", cairn_arena_printf(req->arena, "%u",
                                                         j->interval_seconds));
      cairn_doc_attr_impl(d, "summary", j->summary);
      if (cairn_q_step(s) == 1) {
        static const char *const cols[] = { "last-start", "last-end",
          "status", NULL, "count", "next" };
        for (int c = 0; c < 6; c++)
          if (cols[c] && !cairn_q_isnull(s, c))
            cairn_doc_attr_impl(d, cols[c], cairn_q_col(s, c));
        if ((int)cairn_q_colint(s, 6)) cairn_doc_attr_impl(d, "running", "yes");
        if (!cairn_q_isnull(s, 3))
          cairn_doc_text_impl(d, "error", cairn_q_col(s, 3));
      }
      cairn_q_done(s);
      cairn_doc_close_impl(d);
    }
  }
  req->view_doc = d->xml;
  req->view = "core/jobs";
  req->status = 200;
  return 200;
}
