/*
** cairnd.c -- the FastCGI server.
**
**   cairnd [-c cairn.xml] [-S schemas-dir] [-t]
**
** The master validates the config, loads and checks every plugin, compiles
** every schema and route, parses every view (each worker compiles a view
** when it first renders it), applies migrations, opens the listening
** socket (a Unix socket, a loopback TCP port, the socket handed over on
** fd 0 by spawn-fcgi or mod_fcgid, or the one systemd passes to a
** socket-activated service), then forks N workers.  A worker opens
** its own SQLite connection after the fork and serves requests one at a
** time.  The master replaces a worker that dies (with back-off when they
** die young), and on SIGTERM or SIGINT lets each worker finish the request
** in hand and exits.  On SIGHUP it reloads (reload.c checks the new state
** first): new workers start with the new state while the old ones finish
** the request in hand and exit; a reload that fails changes nothing and
** the log says why.  -t checks everything, compiling every view, and exits
** without serving.
*/
#define _GNU_SOURCE 1   /* ppoll() */
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <libxml/parser.h>
#include <libxslt/xslt.h>
#include "cairn_int.h"
#include "serve.h"
#include "reload.h"
#include "sdlisten.h"
#include "../jobs/jobs.h"
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#ifndef CAIRN_SCHEMAS_DIR
#define CAIRN_SCHEMAS_DIR "schemas"
#endif

/* Listen backlog: connections nginx may queue while every worker is busy. */
#define LISTEN_BACKLOG 128
/* A worker that dies within this many seconds of its start counts as dying
** young; that slot's respawn then waits, doubling up to BACKOFF_MAX_MS.
** The wait is per slot and the master never sleeps in it: a slot whose
** workers keep dying (a peer sending records that abort libfcgi) never
** delays the replacement of another slot's worker. */
#define YOUNG_DEATH_S 2
#define BACKOFF_MAX_MS 5000
/* How long the master waits for workers to finish in-flight requests on
** shutdown before it kills them. */
#define DRAIN_TIMEOUT_S 10
#define WORKERS_MAX 64
/* Workers of earlier generations still finishing their request after
** reloads: tracked so that the drain at shutdown waits for them too. */
#define RETIRING_MAX (4 * WORKERS_MAX)

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t child_exited;
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t jobs_due;     /* SIGALRM: time to run jobs */

static void on_stop(int sig) { (void)sig; stop_requested = 1; }
static void on_child(int sig) { (void)sig; child_exited = 1; }
static void on_reload(int sig) { (void)sig; reload_requested = 1; }
static void on_alarm(int sig) { (void)sig; jobs_due = 1; }

/* Where the master reads its state from again on SIGHUP. */
static const char *config_path;
static const char *schemas_path;
/* Old workers told to finish and exit (pid 0: free entry). */
static pid_t retiring[RETIRING_MAX];
/* 1 when a reload failed after its check passed: the master holds no
** state to start workers with until a reload succeeds. */
static int stateless;

typedef struct worker {
  pid_t pid;                 /* 0: no process in this slot */
  time_t started;            /* when the process was forked */
  long backoff_ms;           /* the slot's current back-off, 0 when none */
  struct timespec respawn_at; /* when an empty slot is refilled */
} worker;

/* A start-up failure on stderr: "cairnd: why", with the error priority
** when stderr is the journal (log.c). */
static void startup_error(const char *why) {
  fprintf(stderr, "%scairnd: %s\n", cairn_log_to_journal() ? "<3>" : "", why);
}

static void usage(void) {
  fprintf(stderr,
          "usage: cairnd [-c cairn.xml] [-S schemas-dir] [-t]\n"
          "  -c FILE  configuration (default $CAIRN_CONFIG or ./cairn.xml)\n"
          "  -S DIR   where config.xsd lives (default %s)\n"
          "  -t       check the configuration, plugins, schemas and views (compiling\n"
          "           every view: start-up only parses them), then exit\n",
          CAIRN_SCHEMAS_DIR);
}

/* Give the unix socket at `path` mode 0660 and, when `group` is given,
** that group (the web server's), so that only the owner and that group can
** connect: a process that can open the socket can send any FastCGI
** record, and libfcgi trusts those (docs/decisions.md). */
static int restrict_socket(const char *path, const char *group,
                           cairn_error *err) {
  if (group != NULL) {
    struct group *g = getgrnam(group);
    if (g == NULL)
      return cairn_fail(err, CAIRN_EINVAL, "listen",
                        "listen group=\"%s\": no such group", group);
    if (chown(path, (uid_t)-1, g->gr_gid) != 0)
      return cairn_fail(err, CAIRN_EINVAL, "listen",
                        "cannot give %s to group %s: %s", path, group,
                        strerror(errno));
  }
  if (chmod(path, 0660) != 0)
    return cairn_fail(err, CAIRN_EINVAL, "listen", "cannot chmod %s: %s",
                      path, strerror(errno));
  return 0;
}

/* Open the listening socket named by cfg->listen.  Returns the fd. */
static int open_listener(const char *listen, const char *group,
                         cairn_error *err) {
  if (strcmp(listen, "fd:0") == 0) return 0;
  if (strcmp(listen, "systemd") == 0) return cairn_sd_listen_fd(err);
  if (strncmp(listen, "unix:", 5) == 0) {
    const char *path = listen + 5;
    unlink(path); /* a stale socket from a killed master */
    int fd = FCGX_OpenSocket(path, LISTEN_BACKLOG);
    if (fd < 0)
      return cairn_fail(err, CAIRN_EINVAL, NULL, "cannot listen on %s", listen);
    /* nginx's workers must be able to connect: owner and group only. */
    if (restrict_socket(path, group, err) != 0) { close(fd); return -1; }
    return fd;
  }
  /* host:port.  libfcgi binds to the host part when it is given. */
  if (!strchr(listen, ':'))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "listen must be unix:PATH, HOST:PORT, fd:0 or systemd, not %s", listen);
  int fd = FCGX_OpenSocket(listen, LISTEN_BACKLOG);
  if (fd < 0)
    return cairn_fail(err, CAIRN_EINVAL, NULL, "cannot listen on %s", listen);
  return fd;
}

/* Free heap a worker keeps at the top for the next request (M_TRIM_THRESHOLD). */
#define WORKER_HEAP_KEEP (4 * 1024 * 1024)
/* Blocks from this size up get an mmap of their own (M_MMAP_THRESHOLD). */
#define WORKER_HEAP_MMAP (1024 * 1024)
/* Extra bytes asked of the kernel each time the heap grows (M_TOP_PAD). */
#define WORKER_HEAP_PAD (256 * 1024)

/* Tune the worker's heap for a loop of like requests.  glibc gives memory
** back to the kernel (trims the heap with brk) whenever more than 128 KiB
** lies free at its top, and serves blocks from 128 KiB up with an mmap and
** munmap of their own, moving that line as it sees them.  A request's
** transform and the page cache SQLite drops after another worker's commit
** free and take again about that much each time: two or three brk calls
** and a dozen page faults per request under load.  The worker keeps up to
** WORKER_HEAP_KEEP free for the next request instead.  (The sign-in's
** Argon2id maps its own 64 MiB and gives it back either way.) */
static void worker_heap_setup(void) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, WORKER_HEAP_MMAP);
  mallopt(M_TRIM_THRESHOLD, WORKER_HEAP_KEEP);
  mallopt(M_TOP_PAD, WORKER_HEAP_PAD);
#endif
}

/* The worker: own connection, accept loop, drain on SIGTERM.
**
** SIGTERM is blocked except while the worker waits in ppoll() for a
** connection on the (non-blocking) listening socket.  libfcgi's accept
** also reads the request's first records, and a signal there would make
** it drop the connection it had just accepted; so a worker told to stop
** (shutdown, or retired by a reload) stops only between requests, and a
** request it accepted is always answered. */
static int worker_main(cairn_serve_ctx *sc, int listen_fd) {
  struct sigaction sa = {0};
  sa.sa_handler = on_stop; /* no SA_RESTART: interrupts the wait */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);   /* reloads are the master's business */
  sigset_t term, waiting;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigaddset(&term, SIGINT);
  sigprocmask(SIG_BLOCK, &term, &waiting);
  sigdelset(&waiting, SIGTERM);
  sigdelset(&waiting, SIGINT);

  worker_heap_setup();
  cairn_error err = {0};
  if (cairn_store_open(sc->cfg->database, sc->reg, &sc->store, &err)) {
    cairn_logf(CAIRN_LOG_ERROR, "worker: %s", err.message);
    return 1;
  }
  FCGX_Request fr;
  FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
  cairn_arena *arena = cairn_arena_new();
  while (!stop_requested) {
    struct pollfd p = { .fd = listen_fd, .events = POLLIN };
    if (ppoll(&p, 1, NULL, &waiting) < 0 || stop_requested) continue;
    if (FCGX_Accept_r(&fr) < 0) {
      /* Another worker took the connection (the socket is non-blocking),
      ** or the peer gave up before it was read. */
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
          errno == ECONNABORTED)
        continue;
      cairn_logf(CAIRN_LOG_ERROR, "worker: accept failed: %s", strerror(errno));
      break;
    }
    cairn_serve_request(sc, &fr, arena);
    FCGX_Finish_r(&fr);
    cairn_arena_reset(arena);
  }
  cairn_arena_free(arena);
  cairn_store_close(sc->store);
  sc->store = NULL;
  return 0;
}

static pid_t spawn(cairn_serve_ctx *sc, int listen_fd) {
  pid_t pid = fork();
  if (pid < 0) {
    cairn_logf(CAIRN_LOG_ERROR, "fork failed: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int rc = worker_main(sc, listen_fd);
#if defined(__SANITIZE_ADDRESS__)
    /* _exit skips LeakSanitizer's check at exit: run it here, so that a
    ** worker that leaks fails a sanitizer build (scripts/test runs the
    ** integration tests against one) instead of passing in silence. */
    __lsan_do_leak_check();
#endif
    _exit(rc);
  }
  return pid;
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) && errno == EINTR && !stop_requested) {}
}

static void now_plus_ms(struct timespec *t, long ms) {
  clock_gettime(CLOCK_MONOTONIC, t);
  t->tv_sec += ms / 1000;
  t->tv_nsec += (ms % 1000) * 1000000L;
  if (t->tv_nsec >= 1000000000L) { t->tv_sec++; t->tv_nsec -= 1000000000L; }
}

/* Milliseconds from now until t (0 when it has passed). */
static long ms_until(const struct timespec *t) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long ms = (long)(t->tv_sec - now.tv_sec) * 1000 +
            (t->tv_nsec - now.tv_nsec) / 1000000L;
  return ms > 0 ? ms : 0;
}

/* A worker of slot `s` has exited: log it and set when the slot is refilled
** (now, or after the slot's back-off when the worker died young). */
static void worker_exited(worker *s, pid_t pid, int status) {
  if (stateless) {          /* nothing to start a replacement with */
    cairn_logf(CAIRN_LOG_ERROR, "worker %d exited and cannot be replaced "
               "until a reload succeeds (fix the configuration, then "
               "systemctl reload cairnd)", (int)pid);
    s->pid = 0;
    now_plus_ms(&s->respawn_at, BACKOFF_MAX_MS);
    return;
  }
  if (WIFSIGNALED(status))
    cairn_logf(CAIRN_LOG_WARN, "worker %d killed by signal %d; replacing it",
               (int)pid, WTERMSIG(status));
  else
    cairn_logf(CAIRN_LOG_WARN, "worker %d exited with %d; replacing it",
               (int)pid, WEXITSTATUS(status));
  if (time(NULL) - s->started < YOUNG_DEATH_S) {
    s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : 100;
    if (s->backoff_ms > BACKOFF_MAX_MS) s->backoff_ms = BACKOFF_MAX_MS;
  } else {
    s->backoff_ms = 0;
  }
  s->pid = 0;
  now_plus_ms(&s->respawn_at, s->backoff_ms);
}

/* Scheduled work (core/jobs/master.c): every <jobs><interval-seconds>,
** one forked runner at a time, the first one a moment after (re)start;
** none when the config has no interval. */
static void jobs_timer(const cairn_config *cfg) {
  struct itimerval it = {{0, 0}, {0, 0}};
  if (cfg && cfg->jobs_interval > 0) {
    it.it_interval.tv_sec = cfg->jobs_interval;
    it.it_value.tv_sec = 1;
  }
  setitimer(ITIMER_REAL, &it, NULL);
}

/* 1 when pid was a retiring worker (its entry is freed). */
static int retired(pid_t pid) {
  for (int i = 0; i < RETIRING_MAX; i++)
    if (retiring[i] == pid) {
      retiring[i] = 0;
      return 1;
    }
  return 0;
}

/*
** SIGHUP: check the new configuration in a child (reload.c); if it loads,
** unload the master's state and load the new one, start a new generation
** of *n workers, and tell the old ones to finish their request in hand
** and exit (SIGTERM; they stop only between requests).  The listening
** socket stays open throughout, so connections queue there and none is
** refused.  A reload that fails changes nothing.
*/
static void reload(cairn_serve_ctx *sc, int listen_fd, worker *w, int *n) {
  cairn_error err = {0};
  cairn_logf(CAIRN_LOG_INFO, "reload: reading %s", config_path);
  if (cairn_reload_check(config_path, schemas_path, sc, &err)) {
    cairn_logf(CAIRN_LOG_ERROR, "reload refused: %s; still serving with the "
               "configuration loaded before", err.message);
    return;
  }
  cairn_serve_unload(sc);
  if (cairn_serve_load(config_path, schemas_path, sc, &err)) {
    /* Only if the files changed again since the check a moment ago. */
    stateless = 1;
    cairn_logf(CAIRN_LOG_ERROR, "reload failed after its check passed: %s; "
               "the running workers go on serving, but none can be replaced "
               "until a reload succeeds", err.message);
    return;
  }
  stateless = 0;
  jobs_timer(sc->cfg);   /* the interval may have changed */
  int old_n = *n, retire = 0;
  for (int i = 0; i < old_n; i++) {
    if (w[i].pid <= 0) continue;
    for (int k = 0; k < RETIRING_MAX; k++)
      if (retiring[k] == 0) { retiring[k] = w[i].pid; break; }
    kill(w[i].pid, SIGTERM);
    retire++;
  }
  *n = sc->cfg->workers;
  memset(w, 0, sizeof *w * WORKERS_MAX);
  for (int i = 0; i < *n; i++) {
    w[i].pid = spawn(sc, listen_fd);
    w[i].started = time(NULL);
    if (w[i].pid < 0) w[i].pid = 0;   /* refilled by supervise() */
  }
  cairn_logf(CAIRN_LOG_INFO, "reloaded %s: %d new workers; %d old ones "
             "finish their request in hand and exit", config_path, *n, retire);
}

/* The master loop: keep N workers alive until asked to stop, reloading on
** SIGHUP, and fork the job runner when it falls due.  Returns with the
** workers still running (the caller drains them) and *jobs_pid the runner
** still running, or 0. */
static void supervise(cairn_serve_ctx *sc, int listen_fd, worker *w, int *np,
                      pid_t *jobs_pid) {
  /* Signals are blocked except inside pselect(), so none is lost between
  ** the check of a flag and the wait. */
  sigset_t block, waitmask;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGHUP);
  sigaddset(&block, SIGALRM);
  sigprocmask(SIG_BLOCK, &block, &waitmask);
  *jobs_pid = 0;
  jobs_timer(sc->cfg);
  while (!stop_requested) {
    if (reload_requested) {
      reload_requested = 0;
      reload(sc, listen_fd, w, np);
    }
    int n = *np;
    long wait_ms = -1;             /* -1: until a signal */
    for (int i = 0; i < n; i++) {
      if (w[i].pid != 0 || stateless) continue;
      long due = ms_until(&w[i].respawn_at);
      if (due == 0) {
        w[i].pid = spawn(sc, listen_fd);
        w[i].started = time(NULL);
        if (w[i].pid > 0) continue;
        w[i].pid = 0;              /* fork failed: try again later */
        now_plus_ms(&w[i].respawn_at, BACKOFF_MAX_MS);
        due = BACKOFF_MAX_MS;
      }
      if (wait_ms < 0 || due < wait_ms) wait_ms = due;
    }
    if (!child_exited && !reload_requested && !jobs_due) {
      struct timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000L };
      pselect(0, NULL, NULL, NULL, wait_ms < 0 ? NULL : &ts, &waitmask);
    }
    if (jobs_due) {
      jobs_due = 0;
      if (*jobs_pid <= 0 && !stop_requested && !stateless)
        *jobs_pid = cairn_jobs_fork(sc->cfg, sc->reg);
    }
    if (!child_exited) continue;
    child_exited = 0;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == *jobs_pid) { *jobs_pid = 0; continue; }
      if (retired(pid)) continue;   /* an old generation's worker, done */
      for (int i = 0; i < n; i++)
        if (w[i].pid == pid) worker_exited(&w[i], pid, status);
    }
  }
}

/* Start N workers, supervise them until SIGTERM or SIGINT, then drain. */
static int master(cairn_serve_ctx *sc, int listen_fd) {
  int n = sc->cfg->workers;
  worker w[WORKERS_MAX];
  pid_t jobs_pid = 0;
  memset(w, 0, sizeof w);
  for (int i = 0; i < n; i++) {
    w[i].pid = spawn(sc, listen_fd);
    w[i].started = time(NULL);
    if (w[i].pid < 0) w[i].pid = 0;   /* refilled by supervise() */
  }
  cairn_logf(CAIRN_LOG_INFO, "listening on %s with %d workers", sc->cfg->listen, n);
  supervise(sc, listen_fd, w, &n, &jobs_pid);
  /* Drain: each worker finishes its request in hand, then exits; so do
  ** the old generations' workers still finishing theirs.  A job runner is
  ** stopped too: its claims and lease expire by design. */
  if (jobs_pid > 0) {
    kill(jobs_pid, SIGTERM);
    waitpid(jobs_pid, NULL, 0);
  }
  for (int i = 0; i < n; i++) if (w[i].pid > 0) kill(w[i].pid, SIGTERM);
  for (int k = 0; k < RETIRING_MAX; k++)
    if (retiring[k] > 0) {
      while (waitpid(retiring[k], NULL, 0) < 0 && errno == EINTR) {}
      retiring[k] = 0;
    }
  time_t deadline = time(NULL) + DRAIN_TIMEOUT_S;
  int alive = 1;
  while (alive) {
    alive = 0;
    for (int i = 0; i < n; i++) {
      if (w[i].pid <= 0) continue;
      pid_t r = waitpid(w[i].pid, NULL, WNOHANG);
      if (r == w[i].pid || (r < 0 && errno == ECHILD)) w[i].pid = 0;
      else alive = 1;
    }
    if (alive && time(NULL) > deadline) {
      for (int i = 0; i < n; i++) if (w[i].pid > 0) kill(w[i].pid, SIGKILL);
      deadline = time(NULL) + 60;
    }
    if (alive) sleep_ms(20);
  }
  if (sc->cfg && strncmp(sc->cfg->listen, "unix:", 5) == 0)
    unlink(sc->cfg->listen + 5);
  cairn_logf(CAIRN_LOG_INFO, "stopped");
  return 0;
}

int main(int argc, char **argv) {
  const char *config = getenv("CAIRN_CONFIG");
  const char *schemas = getenv("CAIRN_SCHEMAS");
  int check_only = 0, opt;
  if (!config) config = "cairn.xml";
  if (!schemas) schemas = CAIRN_SCHEMAS_DIR;
  while ((opt = getopt(argc, argv, "c:S:th")) != -1) {
    switch (opt) {
      case 'c': config = optarg; break;
      case 'S': schemas = optarg; break;
      case 't': check_only = 1; break;
      case 'h': usage(); return 0;
      default: usage(); return 2;
    }
  }
  if (optind != argc) { usage(); return 2; }

  if (sodium_init() < 0) {
    fprintf(stderr, "cairnd: libsodium could not be initialised\n");
    return 1;
  }
  xmlInitParser();
  cairn_xml_init(NULL); /* nothing may be loaded before we know the views */
  cairn_serve_ctx sc = {0};
  cairn_error err = {0};
  config_path = config;
  schemas_path = schemas;
  if (cairn_serve_load(config, schemas, &sc, &err)) {
    startup_error(err.message);
    return 1;
  }
  const cairn_config *cfg = sc.cfg;
  if (check_only) {
    /* Start-up only parses the views; -t compiles every one (the full
    ** check, as nginx -t), naming the first that does not compile. */
    if (cairn_views_compile_all(sc.views, &err)) {
      startup_error(err.message);
      cairn_serve_unload(&sc);
      return 1;
    }
    printf("cairnd: %s is fine: %zu plugins, %zu record types, %zu routes\n",
           config, sc.reg->n_plugins, sc.reg->n_types, sc.reg->n_routes);
    cairn_serve_unload(&sc);
    return 0;
  }
  int fd = -1;
  if (FCGX_Init()) cairn_fail(&err, CAIRN_EINTERNAL, NULL, "FCGX_Init failed");
  else fd = open_listener(cfg->listen, cfg->listen_group, &err);
  if (fd < 0) {
    startup_error(err.message);
    cairn_serve_unload(&sc);
    return 1;
  }
  /* Workers wait for connections in ppoll() and never block in accept():
  ** a connection another worker took must not hold this one. */
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  struct sigaction sa = {0};
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_reload;
  sigaction(SIGHUP, &sa, NULL);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = on_alarm;
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  int rc = master(&sc, fd);
  cairn_serve_unload(&sc);
  xsltCleanupGlobals();
  xmlCleanupParser();
  return rc;
}
