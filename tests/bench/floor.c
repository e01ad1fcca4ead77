/*
** floor.c -- the reference floor for `make bench`: the least a FastCGI
** responder can do with libfcgi.  It listens on a unix socket, forks the
** same number of worker processes as cairnd runs, and answers every
** request with a fixed small HTML page, reading nothing but the request's
** parameters (and its body, which it discards).  Served through the same
** nginx configuration as cairnd (www/nginx.conf.in), it measures what
** nginx, FastCGI and the kernel cost on this machine; Cairn's figures are
** reported as a ratio to it.
**
**   floor SOCKET WORKERS
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcgiapp.h>

/* The listen backlog: the same order as cairnd's, deeper than the
** benchmark's 16 connections. */
#define FLOOR_BACKLOG 128
/* Workers: at least one, at most a number no benchmark machine exceeds. */
#define FLOOR_WORKERS_MAX 64

static const char page[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "\r\n"
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Floor</title></head><body><h1>Floor</h1>"
    "<p>A fixed page from a bare libfcgi responder.</p></body></html>\n";

static pid_t children[FLOOR_WORKERS_MAX];
static int n_children;

/* SIGTERM to the master ends its workers too. */
static void stop(int sig) {
  for (int i = 0; i < n_children; i++) kill(children[i], sig);
  _exit(0);
}

static void serve(int sock) {
  FCGX_Request r;
  char buf[4096];
  FCGX_InitRequest(&r, sock, 0);
  while (FCGX_Accept_r(&r) >= 0) {
    while (FCGX_GetStr(buf, sizeof buf, r.in) > 0) { /* drain the body */ }
    FCGX_PutStr(page, (int)(sizeof page - 1), r.out);
    FCGX_Finish_r(&r);
  }
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: floor SOCKET WORKERS\n");
    return 2;
  }
  int workers = atoi(argv[2]);
  if (workers < 1 || workers > FLOOR_WORKERS_MAX) {
    fprintf(stderr, "floor: WORKERS must be 1 to %d\n", FLOOR_WORKERS_MAX);
    return 2;
  }
  if (FCGX_Init() != 0) return 1;
  unlink(argv[1]);
  int sock = FCGX_OpenSocket(argv[1], FLOOR_BACKLOG);
  if (sock < 0) {
    perror("floor: FCGX_OpenSocket");
    return 1;
  }
  chmod(argv[1], 0660);
  for (int i = 0; i < workers; i++) {
    pid_t p = fork();
    if (p < 0) { perror("floor: fork"); return 1; }
    if (p == 0) serve(sock);
    children[n_children++] = p;
  }
  /* The master only waits; SIGTERM or SIGINT ends it and its workers. */
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  while (wait(NULL) > 0) { }
  return 0;
}
