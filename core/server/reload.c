/*
** reload.c -- loading cairnd's state, and checking a reload before the
** master commits to it (reload.h).  The master's side of SIGHUP (new
** workers started, old ones retired) is in cairnd.c.
**
** Why the check runs in a child: plugins keep their loaded data in static
** variables of their shared object, so the master cannot hold the old and
** the new state of one plugin at once.  The child can throw the old state
** away, try the new one, and die; only when it succeeded does the master
** unload and load for real.
*/
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "reload.h"
#include "../mail/outbox.h"
#include "../fhir/fhir.h"

/* See reload.h: config, views, time zone, plugins, views, migrations. */
int cairn_serve_load(const char *config, const char *schemas,
                     cairn_serve_ctx *sc, cairn_error *err) {
  cairn_config *cfg = NULL;
  cairn_registry *reg = NULL;
  cairn_views *views = NULL;
  cairn_store *st = NULL;
  cairn_error e = {0};
  if (cairn_config_load(config, schemas, &cfg, err)) return err ? err->code : CAIRN_EINVAL;
  /* Views import layout.xsl: files under the views directory, and only
  ** those, may be loaded from now on. */
  cairn_xml_init(cfg->views_dir);
  if (!cfg->secure_cookies)
    cairn_logf(CAIRN_LOG_WARN, "cookies are sent without the Secure flag "
               "(<plain-http-demo/>): for a loopback demo only");
  setenv("TZ", cfg->timezone, 1);
  tzset();
  cairn_host_set_schemas(cfg->schemas_dir);
  int rc = cairn_registry_load(cfg, &cairn_host_table, &reg, err);
  if (rc == 0) rc = cairn_views_load(cfg->views_dir, &views, err);
  /* Migrations run here, once, in the master; the connection is closed
  ** before any fork (SQLite connections must not cross fork()). */
  if (rc == 0 && (rc = cairn_store_open(cfg->database, reg, &st, &e)) != 0)
    cairn_fail(err, rc, NULL, "%s: %s", cfg->database, e.message);
  if (st) cairn_store_close(st);
  if (rc) {
    cairn_views_free(views);
    cairn_registry_free(reg);
    cairn_config_free(cfg);
    return rc;
  }
  sc->cfg = cfg;
  sc->reg = reg;
  sc->views = views;
  cairn_mail_set_views(views);   /* mail is rendered with the same views */
  cairn_fhir_set_views(views);   /* and the FHIR export mapped with them */
  return 0;
}

/* See reload.h: views, plugins (fini), config, in that order. */
void cairn_serve_unload(cairn_serve_ctx *sc) {
  cairn_mail_set_views(NULL);
  cairn_fhir_set_views(NULL);
  if (sc->views) cairn_views_free((cairn_views *)sc->views);
  if (sc->reg) cairn_registry_free((cairn_registry *)sc->reg);
  if (sc->cfg) cairn_config_free((cairn_config *)sc->cfg);
  sc->views = NULL;
  sc->reg = NULL;
  sc->cfg = NULL;
}

/* 1 when a and b are both NULL or equal strings. */
static int same(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The child of cairn_reload_check: load, compare, report, exit. */
static void check_child(int out, const char *config, const char *schemas,
                        const cairn_serve_ctx *current) {
  cairn_serve_ctx old = *current, fresh = {0};
  cairn_error err = {0};
  char listen[256] = "", group[64] = "";
  if (old.cfg) {
    snprintf(listen, sizeof listen, "%s", old.cfg->listen);
    snprintf(group, sizeof group, "%s",
             old.cfg->listen_group ? old.cfg->listen_group : "");
  }
  cairn_serve_unload(&old);
  int rc = cairn_serve_load(config, schemas, &fresh, &err);
  /* The load only parses the views: compile them all here, in the child,
  ** so a view that does not compile refuses the reload as before. */
  if (rc == 0) rc = cairn_views_compile_all(fresh.views, &err);
  if (rc == 0 && listen[0] &&
      (!same(listen, fresh.cfg->listen) ||
       !same(group, fresh.cfg->listen_group ? fresh.cfg->listen_group : "")))
    rc = cairn_fail(&err, CAIRN_EINVAL, "listen",
                    "listen changed from %s to %s: moving the socket needs a "
                    "restart (systemctl restart cairnd)", listen,
                    fresh.cfg->listen);
  if (rc) {
    size_t n = strlen(err.message);
    ssize_t w = write(out, err.message, n ? n : 1);
    (void)w;
  }
  _exit(rc ? 1 : 0);
}

/* See reload.h: fork, let the child load, read its verdict from a pipe
** within CAIRN_RELOAD_CHECK_TIMEOUT_S. */
int cairn_reload_check(const char *config, const char *schemas,
                       const cairn_serve_ctx *current, cairn_error *err) {
  int fds[2];
  if (pipe(fds) != 0)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "fork: %s", strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    check_child(fds[1], config, schemas, current);
  }
  close(fds[1]);
  char msg[sizeof err->message];
  size_t got = 0;
  time_t deadline = time(NULL) + CAIRN_RELOAD_CHECK_TIMEOUT_S;
  int timed_out = 0;
  for (;;) {
    struct pollfd p = { .fd = fds[0], .events = POLLIN };
    long left = (long)(deadline - time(NULL));
    if (left <= 0) { timed_out = 1; break; }
    int r = poll(&p, 1, (int)(left * 1000));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) { timed_out = r == 0; break; }
    ssize_t n = read(fds[0], msg + got, sizeof msg - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
    if (got == sizeof msg - 1) break;
  }
  msg[got] = 0;
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (timed_out)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "loading the new configuration took more than %d s",
                      CAIRN_RELOAD_CHECK_TIMEOUT_S);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (got) return cairn_fail(err, CAIRN_EINVAL, NULL, "%s", msg);
  return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                    "the check of the new configuration died (%s %d)",
                    WIFSIGNALED(status) ? "signal" : "status",
                    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}
