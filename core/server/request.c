/*
** request.c -- decoding what arrives from outside: paths, query strings,
** form bodies and cookies.  Every decoded string is valid UTF-8 with no NUL
** and no control character other than TAB (and CR/LF only in multi-line
** form fields), so nothing downstream has to ask again.  Every limit is a
** named constant in cairn_int.h and refusals name the part at fault.
*/
#include <string.h>
#include <ctype.h>
#include "cairn_int.h"

/*
** 1 when [s, s+n) is well-formed UTF-8 as RFC 3629 defines it: no
** overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
*/
int cairn_utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    unsigned c = *p;
    size_t len;
    unsigned cp;
    if (c < 0x80) { p++; continue; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return 0;
    if ((size_t)(end - p) < len) return 0;
    for (size_t i = 1; i < len; i++) {
      if ((p[i] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    p += len;
  }
  return 1;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/*
** Decode percent-escapes of [s, s+n) into a new arena string.  See the
** contract in cairn_int.h.  The decoded length never exceeds n, so one
** allocation of n+1 bytes suffices.
*/
int cairn_url_decode(cairn_arena *a, const char *s, size_t n,
                     int plus_is_space, int allow_newlines, char **out,
                     cairn_error *err) {
  char *d = cairn_arena_alloc(a, n + 1);
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (c == '%') {
      int hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
      int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return cairn_fail(err, CAIRN_EINVAL, NULL,
                          "A percent sign must be followed by two hex digits.");
      c = hi * 16 + lo;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == 0)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "The request contains a NUL character.");
    if ((c < 0x20 && c != '\t' && !(allow_newlines && (c == '\r' || c == '\n')))
        || c == 0x7F)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "The request contains a control character.");
    d[j++] = (char)c;
  }
  d[j] = 0;
  if (!cairn_utf8_valid(d, j))
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "The request is not valid UTF-8 text.");
  *out = d;
  return 0;
}

const char *cairn_kv_get(const cairn_kv *kv, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(kv[i].name, name) == 0) return kv[i].value;
  return NULL;
}

/*
** Parse application/x-www-form-urlencoded text ("a=1&b=2", also a query
** string).  Names must be non-empty and printable; a repeated name keeps
** its first value (cairn_kv_get finds the first).  *budget counts the
** fields still allowed in this request across query and body.
*/
int cairn_parse_urlencoded(cairn_arena *a, const char *s, size_t n,
                           cairn_kv **kv, size_t *n_kv, size_t *budget,
                           cairn_error *err) {
  size_t count = 0, i = 0;
  for (size_t k = 0; k < n; k++) if (s[k] == '&') count++;
  count++;
  if (count > *budget + *n_kv) count = *budget + *n_kv;
  cairn_kv *arr = cairn_arena_alloc(a, (count + *n_kv + 1) * sizeof *arr);
  if (*n_kv) memcpy(arr, *kv, *n_kv * sizeof *arr);
  size_t used = *n_kv;
  while (i < n) {
    size_t start = i, eq = (size_t)-1;
    while (i < n && s[i] != '&') {
      if (s[i] == '=' && eq == (size_t)-1) eq = i;
      i++;
    }
    size_t end = i;
    i++; /* skip '&' */
    if (end == start) continue;         /* "a=1&&b=2" */
    if (*budget == 0)
      return cairn_fail(err, CAIRN_ELIMIT, NULL,
                        "Too many fields: at most %d are accepted.",
                        CAIRN_PARAMS_MAX);
    size_t nlen = (eq == (size_t)-1 ? end : eq) - start;
    size_t vlen = eq == (size_t)-1 ? 0 : end - eq - 1;
    if (nlen == 0)
      return cairn_fail(err, CAIRN_EINVAL, NULL, "A field has no name.");
    if (nlen > CAIRN_PARAM_NAME_MAX * 3)
      return cairn_fail(err, CAIRN_ELIMIT, NULL,
                        "A field name is longer than %d bytes.",
                        CAIRN_PARAM_NAME_MAX);
    if (vlen > (size_t)CAIRN_PARAM_VALUE_MAX * 3)
      return cairn_fail(err, CAIRN_ELIMIT, NULL,
                        "A field value is longer than %d bytes.",
                        CAIRN_PARAM_VALUE_MAX);
    char *name, *value;
    int rc = cairn_url_decode(a, s + start, nlen, 1, 0, &name, err);
    if (rc) return rc;
    if (strlen(name) > CAIRN_PARAM_NAME_MAX)
      return cairn_fail(err, CAIRN_ELIMIT, NULL,
                        "A field name is longer than %d bytes.",
                        CAIRN_PARAM_NAME_MAX);
    rc = cairn_url_decode(a, eq == (size_t)-1 ? "" : s + eq + 1, vlen, 1, 1,
                          &value, err);
    if (rc) {
      /* "The field q is not accepted: the request is not valid UTF-8
      ** text." -- the decoder's reason, its first letter lowered. */
      char why[sizeof err->message] = "it is not valid";
      if (err != NULL && err->message[0] != '\0') {
        snprintf(why, sizeof why, "%s", err->message);
        if (why[0] >= 'A' && why[0] <= 'Z') why[0] = (char)(why[0] - 'A' + 'a');
      }
      return cairn_fail(err, rc, name, "The field %.60s is not accepted: %s",
                        name, why);
    }
    if (strlen(value) > CAIRN_PARAM_VALUE_MAX)
      return cairn_fail(err, CAIRN_ELIMIT, name,
                        "The field %.60s is longer than %d bytes.", name,
                        CAIRN_PARAM_VALUE_MAX);
    arr[used].name = name;
    arr[used].value = value;
    used++;
    (*budget)--;
  }
  *kv = arr;
  *n_kv = used;
  return 0;
}

/*
** Parse a Cookie header: "a=1; b=2".  Values are taken verbatim (no
** percent-decoding, RFC 6265), but must be printable ASCII without
** quotes, commas, semicolons or backslashes.  A malformed pair is skipped,
** not fatal: browsers send cookies set by other software on the host.
*/
int cairn_parse_cookies(cairn_arena *a, const char *s, cairn_kv **kv,
                        size_t *n_kv, cairn_error *err) {
  (void)err;   /* nothing in a Cookie header is fatal any more */
  cairn_kv *arr = cairn_arena_alloc(a, (CAIRN_COOKIES_MAX + CAIRN_COOKIES_OWN_MAX + 1) * sizeof *arr);
  size_t own = 0;
  size_t used = 0;
  const char *p = s;
  while (p && *p) {
    while (*p == ' ' || *p == ';') p++;
    if (!*p) break;
    const char *pair = p;
    while (*p && *p != ';') p++;
    const char *eq = memchr(pair, '=', (size_t)(p - pair));
    if (!eq || eq == pair) continue;
    size_t nlen = (size_t)(eq - pair), vlen = (size_t)(p - eq - 1);
    while (nlen && pair[nlen - 1] == ' ') nlen--;
    while (vlen && eq[vlen] == ' ') vlen--;
    int ok = nlen <= CAIRN_PARAM_NAME_MAX && vlen <= 4096;
    for (size_t i = 0; ok && i < nlen; i++)
      ok = pair[i] > 0x20 && pair[i] < 0x7F && pair[i] != '=';
    for (size_t i = 0; ok && i < vlen; i++) {
      char c = eq[1 + i];
      ok = c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != '\\';
    }
    if (!ok) continue;
    /* Past the limit, other software's cookies are ignored (refusing
    ** would lock the browser out of every page); Cairn's own still count,
    ** up to their own small limit. */
    int ours = strncmp(pair, "cairn_", 6) == 0 ||
               strncmp(pair, "__Host-cairn_", 13) == 0;
    if (used - own >= CAIRN_COOKIES_MAX && !ours) continue;
    if (ours && own >= CAIRN_COOKIES_OWN_MAX) continue;
    own += ours;
    arr[used].name = cairn_arena_strndup(a, pair, nlen);
    arr[used].value = cairn_arena_strndup(a, eq + 1, vlen);
    used++;
  }
  *kv = arr;
  *n_kv = used;
  return 0;
}

/*
** Check a request path (the part of REQUEST_URI before '?').  Cairn's
** routes are plain lower-case segments, so rather than normalise paths
** that mean the same thing to the router but not to a naive check, it
** refuses them: dot segments ("/./", "/../", also when percent-encoded),
** doubled slashes, backslashes, NUL, control characters and bad UTF-8
** are all a 400.  Decoding happens once, here.
*/
int cairn_path_check(cairn_arena *a, const char *raw, char **out,
                     cairn_error *err) {
  size_t n = strlen(raw);
  if (n == 0 || raw[0] != '/')
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "The path must begin with '/'.");
  if (n > CAIRN_PATH_MAX)
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "The path is longer than %d bytes.", CAIRN_PATH_MAX);
  char *d;
  int rc = cairn_url_decode(a, raw, n, 0, 0, &d, err);
  if (rc) return rc;
  for (const char *p = d; *p; p++) {
    /* cairn_url_decode lets TAB through (form text may hold one); a path
    ** may not (found by tests/fuzz/fuzz_path.c: "/a\t" was accepted). */
    if (*p == '\t')
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "The request contains a control character.");
    if (*p == '\\')
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "The path contains a backslash.");
    if (*p == '/' && p[1] == '/')
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "The path contains an empty segment ('//').");
    if (*p == '/' && p[1] == '.' &&
        (p[2] == '/' || p[2] == 0 || (p[2] == '.' && (p[3] == '/' || p[3] == 0))))
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "The path contains a '.' or '..' segment.");
  }
  *out = d;
  return 0;
}
