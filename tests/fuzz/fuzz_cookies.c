/*
** fuzz_cookies.c -- libFuzzer target for the Cookie header parser,
** cairn_parse_cookies(): any header text gives a status and at most
** CAIRN_COOKIES_MAX pairs, each with a name and a value.
*/
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "cairn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cairn_arena *a = cairn_arena_new();
  char *s = cairn_arena_strndup(a, (const char *)data, size);
  cairn_kv *kv = NULL;
  size_t n = 0;
  cairn_error err = {0};
  if (cairn_parse_cookies(a, s, &kv, &n, &err) == 0) {
    assert(n <= CAIRN_COOKIES_MAX + CAIRN_COOKIES_OWN_MAX);
    for (size_t i = 0; i < n; i++) {
      assert(kv[i].name && kv[i].value);
      (void)cairn_kv_get(kv, n, kv[i].name);
    }
  }
  cairn_arena_free(a);
  return 0;
}
