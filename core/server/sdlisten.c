/*
** sdlisten.c -- socket activation (sdlisten.h).  `<listen>systemd</listen>`
** makes cairnd take its socket from systemd (systemd/cairnd.socket), as
** `fd:0` takes it from spawn-fcgi or mod_fcgid.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sdlisten.h"

/* See sdlisten.h: LISTEN_PID ours, LISTEN_FDS 1, descriptor 3 a
** listening socket; the variables then unset. */
int cairn_sd_listen_fd(cairn_error *err) {
  const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
  if (!pid_s || !fds_s) {
    cairn_fail(err, CAIRN_EINVAL, "listen",
               "listen is systemd but systemd passed no socket (LISTEN_PID and "
               "LISTEN_FDS are not set): start cairnd through cairnd.socket, "
               "or give listen a unix: path");
    return -1;
  }
  char *end;
  long pid = strtol(pid_s, &end, 10);
  if (*end || pid != (long)getpid()) {
    cairn_fail(err, CAIRN_EINVAL, "listen",
               "LISTEN_PID=%s is not this process (%ld): the socket was meant "
               "for another", pid_s, (long)getpid());
    return -1;
  }
  long n = strtol(fds_s, &end, 10);
  if (*end || n != 1) {
    cairn_fail(err, CAIRN_EINVAL, "listen",
               "systemd passed %s sockets; cairnd takes exactly one "
               "(one ListenStream= in cairnd.socket)", fds_s);
    return -1;
  }
  int fd = CAIRN_SD_LISTEN_FDS_START, listening = 0;
  socklen_t len = sizeof listening;
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISSOCK(sb.st_mode) ||
      getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 ||
      !listening) {
    cairn_fail(err, CAIRN_EINVAL, "listen",
               "descriptor %d from systemd is not a listening socket "
               "(Accept=no and a ListenStream= are needed)", fd);
    return -1;
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_FDNAMES");
  return fd;
}
