/*
** sdlisten.h -- the listening socket systemd passes to a socket-activated
** service (sd_listen_fds(3) semantics, without libsystemd: the protocol
** is two environment variables and descriptor 3).
*/
#ifndef CAIRN_SDLISTEN_H
#define CAIRN_SDLISTEN_H

#include "cairn_int.h"

/* The first descriptor systemd passes (SD_LISTEN_FDS_START). */
#define CAIRN_SD_LISTEN_FDS_START 3

/*
** The one listening stream socket systemd passed: LISTEN_PID must be this
** process and LISTEN_FDS exactly 1; the descriptor (3) must be a socket
** that listens.  The variables are removed from the environment so that
** no child takes them for its own.  Returns the descriptor, or -1 with
** *err saying what is missing (started without cairnd.socket, say).
*/
int cairn_sd_listen_fd(cairn_error *err);

#endif
