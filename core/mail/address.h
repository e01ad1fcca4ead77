/*
** address.h -- what may stand in a mail header: an address and a display
** name, checked before anything is queued (core/mail/address.c).
*/
#ifndef CAIRN_MAIL_ADDRESS_H
#define CAIRN_MAIL_ADDRESS_H

#include "cairn/plugin.h"

/* RFC 5321 4.5.3.1: a path of at most 256 octets including the angle
** brackets, so an address of at most 254; a local part of at most 64. */
#define CAIRN_MAIL_ADDRESS_MAX 254
#define CAIRN_MAIL_LOCAL_MAX 64
/* A display name: a person's or a clinic's name, in characters.  78 is
** RFC 5322's recommended line length; a name longer than a header line
** is a mistake, not a name. */
#define CAIRN_MAIL_NAME_MAX 78

/* Check an address for the envelope and a header: local@domain, the local
** part of RFC 5322 dot-atom characters (no quoted strings), the domain of
** letters, digits and hyphens in dot-separated labels (or a UTF-8 name),
** nothing else: no space, no CR, no LF, no '<', '>', ',' or ';'.
** 0, or CAIRN_EINVAL with *err naming `field`. */
int cairn_mail_address_check(const char *address, const char *field,
                             cairn_error *err);
/* Check a display name: valid UTF-8, 1..CAIRN_MAIL_NAME_MAX characters,
** no control character (CR and LF above all), no '"', '\', '<' or '>'.
** 0, or CAIRN_EINVAL naming `field`. */
int cairn_mail_name_check(const char *name, const char *field,
                          cairn_error *err);

#endif
