/*
** fuzz_urlencoded.c -- libFuzzer target for form and query decoding:
** cairn_parse_urlencoded() over the input as a query string or a form
** body (with the shared parameter budget), and cairn_url_decode() in both
** modes.  Whatever the bytes, decoding must return a status, never read
** or write outside its buffers, and every pair it returns must be valid
** UTF-8 (the decoder's own promise).
*/
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "cairn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cairn_arena *a = cairn_arena_new();
  /* An exact-size copy, so ASan sees a read past the end of the input. */
  char *s = cairn_arena_strndup(a, (const char *)data, size);
  cairn_kv *kv = NULL;
  size_t n = 0, budget = CAIRN_PARAMS_MAX;
  cairn_error err = {0};
  /* The query string (NUL-terminated text), then the body (length-bound,
  ** possibly with NULs) against the same budget, as serve.c does. */
  (void)cairn_parse_urlencoded(a, s, strlen(s), &kv, &n, &budget, &err);
  (void)cairn_parse_urlencoded(a, (const char *)data, size, &kv, &n, &budget, &err);
  for (size_t i = 0; i < n; i++) {
    assert(kv[i].name && kv[i].value);
    assert(cairn_utf8_valid(kv[i].name, strlen(kv[i].name)));
    assert(cairn_utf8_valid(kv[i].value, strlen(kv[i].value)));
    (void)cairn_kv_get(kv, n, kv[i].name);
  }
  for (int plus = 0; plus < 2; plus++)
    for (int nl = 0; nl < 2; nl++) {
      char *out = NULL;
      if (cairn_url_decode(a, (const char *)data, size, plus, nl, &out, &err) == 0)
        assert(out && cairn_utf8_valid(out, strlen(out)));
    }
  cairn_arena_free(a);
  return 0;
}
