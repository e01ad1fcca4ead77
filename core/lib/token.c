/*
** token.c -- randomness and hashing through the host (libsodium), so a
** plugin needs no crypto library: the host table's random_bytes,
** random_token, hash and equal_ct.  sodium_init() has run in main() of
** cairnd and cairn before any of these is called.
*/
#include <sodium.h>

#include "cairn_int.h"

/* A token's random bytes: 16 (128 bits, past guessing) to 64. */
#define TOKEN_BYTES_MIN 16
#define TOKEN_BYTES_MAX 64

/* n bytes from the system's CSPRNG. */
void cairn_random_bytes(void *buf, size_t n) { randombytes_buf(buf, n); }

/*
** A token of `bytes` random bytes (clamped to 16..64), base64url without
** padding, in arena a.
*/
const char *cairn_random_token(cairn_arena *a, size_t bytes) {
  unsigned char raw[TOKEN_BYTES_MAX];
  if (bytes < TOKEN_BYTES_MIN) bytes = TOKEN_BYTES_MIN;
  if (bytes > TOKEN_BYTES_MAX) bytes = TOKEN_BYTES_MAX;
  randombytes_buf(raw, bytes);
  size_t len = sodium_base64_ENCODED_LEN(
      bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = cairn_arena_alloc(a, len);
  sodium_bin2base64(out, len, raw, bytes,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  return out;
}

/*
** BLAKE2b-256 of [in, in+n) into out, keyed when key is not NULL.  A key
** outside 16..64 bytes is a plugin's programming error: it is logged and
** out is all zeros (a wrong key must never silently weaken a MAC).
*/
void cairn_hash(unsigned char out[32], const void *in, size_t n,
                const void *key, size_t keylen) {
  if (key != NULL && (keylen < crypto_generichash_KEYBYTES_MIN ||
                      keylen > crypto_generichash_KEYBYTES_MAX)) {
    cairn_logf(CAIRN_LOG_ERROR, "hash: a key of %zu bytes (16..64 needed)",
               keylen);
    sodium_memzero(out, 32);
    return;
  }
  crypto_generichash(out, 32, in, n, key, key ? keylen : 0);
}

/* 1 when the n bytes at a and b are equal, in constant time. */
int cairn_equal_ct(const void *a, const void *b, size_t n) {
  return sodium_memcmp(a, b, n) == 0;
}
