/*
** text.c -- text for people and for URLs: percent-encoding, checking a
** person's free text, and numbers written the way the clinic reads them.
** Behind the host table's url_encode, text_check and format_number; the
** UTF-8 validator is request.c's cairn_utf8_valid and errors go through
** log.c's cairn_fail (one copy of each).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cairn_int.h"

/* The clinic's number format.  Cairn's clinics write numbers as English
** does: ',' between thousands, '.' before decimals ("1,680.00"); a config
** setting can choose these when a clinic needs another. */
#define TEXT_THOUSANDS ","
#define TEXT_DECIMAL "."
/* Most decimal places format_number writes: a clinical quantity never
** needs more, and 6 keeps every double's rounding exact enough. */
#define TEXT_DECIMALS_MAX 6
/* Numbers at or beyond 1e15 are printed without grouping in exponent
** form: no clinic quantity is that large, and a double loses units there. */
#define TEXT_GROUP_LIMIT 1e15

/* 1 for the bytes RFC 3986 leaves unreserved: ALPHA DIGIT - . _ ~ */
static int unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

/*
** Percent-encode s for a query value or a path segment: every byte but
** the unreserved ones becomes %XX (upper-case hex, UTF-8 bytes one by
** one).  The result is in arena a; NULL s gives "".
*/
const char *cairn_text_url_encode(cairn_arena *a, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  if (s == NULL) return "";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    n += unreserved(*p) ? 1 : 3;
  char *out = cairn_arena_alloc(a, n + 1), *o = out;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (unreserved(*p)) {
      *o++ = (char)*p;
    } else {
      *o++ = '%';
      *o++ = hex[*p >> 4];
      *o++ = hex[*p & 15];
    }
  }
  *o = '\0';
  return out;
}

/*
** Check a person's free text: valid UTF-8, at most max_chars characters
** (code points, not bytes), no control characters -- C0, DEL and C1 --
** except TAB, CR and LF when flags has CAIRN_TEXT_MULTILINE.  0, or
** CAIRN_EINVAL with *err naming `field` and saying in words about `what`
** ("The reason") what is wrong.  NULL s counts as "".
*/
int cairn_text_check(const char *s, size_t max_chars, unsigned flags,
                     const char *field, const char *what, cairn_error *err) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t len = strlen((const char *)p), chars = 0;
  if (what == NULL || *what == '\0') what = "This text";
  if (!cairn_utf8_valid((const char *)p, len))
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "%s has characters that are not valid text (UTF-8);"
                      " type it again or paste it as plain text.", what);
  for (size_t i = 0; i < len; i++) {
    unsigned c = p[i];
    if ((c & 0xC0) != 0x80) chars++;       /* a character's first byte */
    int line = c == '\n' || c == '\r' || c == '\t';
    int c1 = c == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F;
    if ((c < 0x20 && !(line && (flags & CAIRN_TEXT_MULTILINE))) ||
        c == 0x7F || c1)
      return cairn_fail(err, CAIRN_EINVAL, field,
                        line ? "%s must be one line: remove the line breaks"
                               " and tabs."
                             : "%s has an invisible control character;"
                               " remove it and try again.", what);
  }
  if (chars > max_chars)
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "%s is %zu characters long; at most %zu are allowed.",
                      what, chars, max_chars);
  return 0;
}

/*
** v with `decimals` places (0..6; clamped), rounded half away from zero,
** thousands grouped with TEXT_THOUSANDS: 1680 -> "1,680.00" for 2
** places; -0.004 with 2 places is "0.00" (no negative zero).  NaN and the
** infinities give "-"; magnitudes of TEXT_GROUP_LIMIT and above use "%g".
** The result is in arena a.
*/
const char *cairn_text_format_number(cairn_arena *a, double v, int decimals) {
  char digits[64], *o;
  if (decimals < 0) decimals = 0;
  if (decimals > TEXT_DECIMALS_MAX) decimals = TEXT_DECIMALS_MAX;
  if (isnan(v) || isinf(v)) return "-";
  if (fabs(v) >= TEXT_GROUP_LIMIT) return cairn_arena_printf(a, "%g", v);
  double scale = pow(10, decimals);
  /* round half away from zero on the scaled value; the nudge corrects
  ** binary fractions such as 2.675 (stored as 2.67499999...) */
  double r = round(v * scale * (1 + 4 * 2.220446049250313e-16)) / scale;
  int neg = r < 0;
  snprintf(digits, sizeof digits, "%.*f", decimals, fabs(r));
  const char *dot = strchr(digits, '.');
  size_t ilen = dot ? (size_t)(dot - digits) : strlen(digits);
  size_t groups = (ilen - 1) / 3;
  char *out = cairn_arena_alloc(a, strlen(digits) + groups *
                                strlen(TEXT_THOUSANDS) + 2);
  o = out;
  if (neg) *o++ = '-';
  for (size_t i = 0; i < ilen; i++) {
    *o++ = digits[i];
    size_t left = ilen - 1 - i;
    if (left > 0 && left % 3 == 0) {
      memcpy(o, TEXT_THOUSANDS, strlen(TEXT_THOUSANDS));
      o += strlen(TEXT_THOUSANDS);
    }
  }
  if (dot) {
    memcpy(o, TEXT_DECIMAL, strlen(TEXT_DECIMAL));
    o += strlen(TEXT_DECIMAL);
    strcpy(o, dot + 1);
  } else {
    *o = '\0';
  }
  return out;
}
