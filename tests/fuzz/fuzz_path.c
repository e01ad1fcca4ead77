/*
** fuzz_path.c -- libFuzzer target for the request path check,
** cairn_path_check(): a path it accepts is valid UTF-8, starts with '/',
** holds no control character, no "//" and no dot segment, is at most
** CAIRN_PATH_MAX bytes, and checking it again gives itself (accepted
** paths are already normal).
*/
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "cairn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cairn_arena *a = cairn_arena_new();
  char *raw = cairn_arena_strndup(a, (const char *)data, size);
  char *out = NULL;
  cairn_error err = {0};
  if (cairn_path_check(a, raw, &out, &err) == 0) {
    size_t n = strlen(out);
    assert(n >= 1 && n <= CAIRN_PATH_MAX && out[0] == '/');
    assert(cairn_utf8_valid(out, n));
    for (size_t i = 0; i < n; i++) assert((unsigned char)out[i] >= 0x20 && out[i] != 0x7F);
    assert(!strstr(out, "//") && !strstr(out, "/./") && !strstr(out, "/../"));
    /* A path that does not hold '%' decodes to itself. */
    if (!strchr(out, '%')) {
      char *again = NULL;
      assert(cairn_path_check(a, out, &again, &err) == 0);
      assert(strcmp(again, out) == 0);
    }
  }
  cairn_arena_free(a);
  return 0;
}
