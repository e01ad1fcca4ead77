/*
** address.c -- mail addresses and display names, checked once, at the
** door: whatever reaches a header or the SMTP envelope has passed here, so
** a CR or LF (header injection) can never reach the relay.
*/
#include <string.h>
#include "cairn_int.h"
#include "address.h"

/* RFC 5322 atext: the characters of a dot-atom besides letters and
** digits. */
static int atext(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* 1 when [s, s+n) is a dot-atom: atext runs joined by single dots. */
static int dot_atom(const char *s, size_t n) {
  if (n == 0 || s[0] == '.' || s[n - 1] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return 0;
    } else if (!atext((unsigned char)s[i])) {
      return 0;
    }
  }
  return 1;
}

/* 1 when [s, s+n) is a domain: labels of 1..63 letters, digits, hyphens
** (or UTF-8 bytes, for a name the relay converts), not starting or ending
** with '-', at least two labels. */
static int domain_ok(const char *s, size_t n) {
  size_t label = 0, labels = 1;
  if (n == 0 || n > 253) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '.') {
      if (label == 0 || s[i - 1] == '-') return 0;
      label = 0;
      labels++;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c >= 0x80))
      return 0;
    if (c == '-' && label == 0) return 0;
    if (++label > 63) return 0;
  }
  return label > 0 && s[n - 1] != '-' && labels >= 2;
}

/*
** Check an address (see address.h).  The message says what a person can
** fix; the field is the caller's name for the input.
*/
int cairn_mail_address_check(const char *address, const char *field,
                             cairn_error *err) {
  if (address == NULL || *address == '\0')
    return cairn_fail(err, CAIRN_EINVAL, field, "Enter an email address.");
  size_t n = strlen(address);
  if (strpbrk(address, "\r\n") != NULL)
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "An email address cannot contain a line break.");
  if (n > CAIRN_MAIL_ADDRESS_MAX)
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "An email address has at most %d characters.",
                      CAIRN_MAIL_ADDRESS_MAX);
  if (!cairn_utf8_valid(address, n))
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "The email address is not valid text.");
  const char *at = strrchr(address, '@');
  if (at == NULL || strchr(address, '@') != at)
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "An email address has one @, as in name@example.org.");
  size_t local = (size_t)(at - address);
  if (local == 0 || local > CAIRN_MAIL_LOCAL_MAX ||
      !dot_atom(address, local))
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "The part before the @ is not a valid mailbox name.");
  if (!domain_ok(at + 1, n - local - 1))
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "The part after the @ is not a valid domain, as in "
                      "example.org.");
  return 0;
}

/*
** Check a display name (see address.h).  Names are written into headers
** as RFC 2047 encoded words (core/mail/message.c), so any printable UTF-8
** is safe there; the characters refused would need quoting that a person
** never means.
*/
int cairn_mail_name_check(const char *name, const char *field,
                          cairn_error *err) {
  if (name == NULL || *name == '\0')
    return cairn_fail(err, CAIRN_EINVAL, field, "Enter a name.");
  size_t n = strlen(name), chars = 0;
  if (strpbrk(name, "\r\n") != NULL)
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "A name cannot contain a line break.");
  if (!cairn_utf8_valid(name, n))
    return cairn_fail(err, CAIRN_EINVAL, field, "The name is not valid text.");
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    if (*p < 0x20 || *p == 0x7F)
      return cairn_fail(err, CAIRN_EINVAL, field,
                        "A name cannot contain control characters.");
    if (strchr("\"\\<>", *p) && *p)
      return cairn_fail(err, CAIRN_EINVAL, field,
                        "A name cannot contain \", \\, < or >.");
    if ((*p & 0xC0) != 0x80) chars++;
  }
  if (chars > CAIRN_MAIL_NAME_MAX)
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "A name has at most %d characters.",
                      CAIRN_MAIL_NAME_MAX);
  return 0;
}
