/*
** arena.c -- the per-request arena (nginx's ngx_pool_t idea).
**
** Memory comes from a chain of blocks.  Small allocations are carved from
** the current block; when it is full a new block of ARENA_BLOCK bytes
** becomes current.  An allocation larger than ARENA_LARGE gets a block of
** its own, linked into the chain without becoming current, so one big
** body does not waste the rest of the current block.
**
** Cleanups (for what is not memory: statements to reset, xmlDocs to
** free) are kept in a list allocated from the arena itself and run in
** reverse order of registration (LIFO, like destructors) on reset and on
** free.  Reset keeps the first block, so a worker reuses one arena for
** every request without calling malloc in the common case.
**
** Every allocation is zeroed and aligned to ARENA_ALIGN.  Out of memory
** and size overflow abort the process: a worker that cannot allocate a
** few kilobytes cannot do anything useful, and the master replaces it.
*/
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn_int.h"

/* Alignment of every allocation: 16 bytes, the alignment of max_align_t
** and of long double on x86-64 and aarch64, so any object fits. */
#define ARENA_ALIGN 16
/* Size of an ordinary block: 16 KiB holds a typical request (decoded
** parameters, a few records, view strings) in the first block alone. */
#define ARENA_BLOCK (16 * 1024)
/* Allocations above a quarter block get their own block, so a large body
** costs its own size and does not strand the current block's tail. */
#define ARENA_LARGE (ARENA_BLOCK / 4)

typedef struct arena_block {
  struct arena_block *next;  /* next block in the chain, NULL at the end */
  size_t size;               /* bytes of data[] */
  size_t used;               /* bytes of data[] handed out (with padding) */
  _Alignas(ARENA_ALIGN) unsigned char data[];  /* the memory itself */
} arena_block;

typedef struct cairn_arena_cleanup_h {
  struct cairn_arena_cleanup_h *prev;  /* registered before this one */
  void (*fn)(void *);          /* what to run; NULL once disarmed */
  void *arg;                   /* its argument */
} arena_cleanup;

struct cairn_arena {
  arena_block *first;        /* kept by reset; head of the chain */
  arena_block *cur;          /* where small allocations are carved */
  arena_cleanup *cleanups;   /* newest first */
  size_t used;               /* bytes handed out since the last reset */
};

static void arena_oom(size_t n) {
  cairn_logf(CAIRN_LOG_ERROR, "arena: out of memory allocating %zu bytes", n);
  abort();
}

/* Round n up to ARENA_ALIGN; aborts when that overflows. */
static size_t round_up(size_t n) {
  if (n > SIZE_MAX - (ARENA_ALIGN - 1)) arena_oom(n);
  return (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
}

/* A new block with room for `size` bytes of data; aborts on OOM. */
static arena_block *block_new(size_t size) {
  arena_block *b;
  if (size > SIZE_MAX - sizeof(arena_block)) arena_oom(size);
  b = aligned_alloc(ARENA_ALIGN, round_up(sizeof(arena_block) + size));
  if (b == NULL) arena_oom(size);
  b->next = NULL;
  b->size = size;
  b->used = 0;
  return b;
}

/*
** A new, empty arena with one block.  Aborts on OOM; never NULL.  Free it
** with cairn_arena_free().
*/
cairn_arena *cairn_arena_new(void) {
  cairn_arena *a = calloc(1, sizeof *a);
  if (a == NULL) arena_oom(sizeof *a);
  a->first = a->cur = block_new(ARENA_BLOCK);
  return a;
}

/*
** n zeroed bytes aligned to 16, valid until the arena is reset or freed.
** n == 0 gives a unique, valid pointer to no bytes.  Aborts on OOM or when
** n is so large that its size arithmetic overflows.
*/
void *cairn_arena_alloc(cairn_arena *a, size_t n) {
  size_t need;
  void *p;
  assert(a != NULL);
  need = round_up(n ? n : 1);
  if (need > ARENA_LARGE) {
    arena_block *b = block_new(need);
    b->used = need;
    b->next = a->first->next;   /* behind the first block; cur unchanged */
    a->first->next = b;
    p = b->data;
  } else {
    if (a->cur->size - a->cur->used < need) {
      arena_block *b = block_new(ARENA_BLOCK);
      b->next = a->cur->next;
      a->cur->next = b;
      a->cur = b;
    }
    p = a->cur->data + a->cur->used;
    a->cur->used += need;
  }
  a->used += need;
  memset(p, 0, need);
  return p;
}

/* A copy of s in the arena; NULL gives NULL. */
char *cairn_arena_strdup(cairn_arena *a, const char *s) {
  if (s == NULL) return NULL;
  return cairn_arena_strndup(a, s, strlen(s));
}

/*
** A NUL-terminated copy of at most n bytes of s (stopping early at a NUL,
** like strndup); NULL gives NULL.
*/
char *cairn_arena_strndup(cairn_arena *a, const char *s, size_t n) {
  char *d;
  size_t len;
  if (s == NULL) return NULL;
  len = strnlen(s, n);
  if (len == SIZE_MAX) arena_oom(len);
  d = cairn_arena_alloc(a, len + 1);
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

/* vprintf into the arena: the formatted string, NUL-terminated.  Aborts
** if the format cannot be formatted (only possible with a wide-character
** conversion, which Cairn never uses). */
char *cairn_arena_vprintf(cairn_arena *a, const char *fmt, va_list ap) {
  va_list ap2;
  int n;
  char *s;
  va_copy(ap2, ap);
  n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    cairn_logf(CAIRN_LOG_ERROR, "arena: cannot format \"%s\"", fmt);
    abort();
  }
  s = cairn_arena_alloc(a, (size_t)n + 1);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

/* printf into the arena; see cairn_arena_vprintf. */
char *cairn_arena_printf(cairn_arena *a, const char *fmt, ...) {
  va_list ap;
  char *s;
  va_start(ap, fmt);
  s = cairn_arena_vprintf(a, fmt, ap);
  va_end(ap);
  return s;
}

/*
** Run fn(arg) when the arena is next reset or freed.  Cleanups run newest
** first.  A cleanup may itself register cleanups; they run in the same
** pass.  Returns a handle, valid until the arena is reset or freed, that
** cairn_arena_cleanup_disarm() takes to cancel the cleanup (nginx's
** ngx_pool_cleanup_t: whoever takes the object over disarms its cleanup).
*/
cairn_arena_cleanup_h *cairn_arena_cleanup(cairn_arena *a, void (*fn)(void *),
                                           void *arg) {
  arena_cleanup *c;
  assert(a != NULL && fn != NULL);
  c = cairn_arena_alloc(a, sizeof *c);
  c->fn = fn;
  c->arg = arg;
  c->prev = a->cleanups;
  a->cleanups = c;
  return c;
}

/*
** Cancel a cleanup registered with cairn_arena_cleanup: it will not run.
** The object it would have released now belongs to the caller.  NULL is a
** no-op; disarming twice is harmless.
*/
void cairn_arena_cleanup_disarm(cairn_arena_cleanup_h *h) {
  if (h == NULL) return;
  h->fn = NULL;
  h->arg = NULL;
}

/* Run every cleanup, newest first, and forget them. */
static void run_cleanups(cairn_arena *a) {
  while (a->cleanups != NULL) {
    arena_cleanup *c = a->cleanups;
    a->cleanups = c->prev;
    if (c->fn != NULL) c->fn(c->arg);
  }
}

/*
** Run the cleanups, free every block but the first and empty it.  Every
** pointer the arena handed out becomes invalid.
*/
void cairn_arena_reset(cairn_arena *a) {
  arena_block *b, *next;
  if (a == NULL) return;
  run_cleanups(a);
  for (b = a->first->next; b != NULL; b = next) {
    next = b->next;
    free(b);
  }
  a->first->next = NULL;
  a->first->used = 0;
  a->cur = a->first;
  a->used = 0;
}

/* Run the cleanups and free everything.  NULL is a no-op. */
void cairn_arena_free(cairn_arena *a) {
  if (a == NULL) return;
  cairn_arena_reset(a);
  free(a->first);
  free(a);
}

/* Bytes handed out since the last reset, with alignment padding. */
size_t cairn_arena_used(const cairn_arena *a) {
  return a ? a->used : 0;
}
