/*
** shared.c -- pages that are the same for every visitor without a staff
** session (a public price list), rendered once per worker and data
** version instead of once per request (plugin.h, respond_shared).
**
** A kept page is found by its view, path and query, and used only while
** the database is at the same data version (PRAGMA data_version, which
** moves when another connection commits, and the connection's own count
** of changes, which moves when this one does) and the clinic's date is
** the same.  It is rendered without a form token: a shared page holds
** no visitor's anything.  Each worker keeps SHARED_PAGES_MAX pages at
** most, the least recently used giving way.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairn_int.h"

/* Pages a worker keeps, and the largest body it keeps. */
#define SHARED_PAGES_MAX 16
#define SHARED_BODY_MAX (512 * 1024)

typedef struct shared_page {
  char *key;                 /* "view\npath\nquery" (malloc'd), or NULL */
  unsigned long long stamp;  /* the data version it was rendered at */
  char today[11];            /* and the clinic's date */
  char *body;                /* the rendered page (malloc'd) */
  size_t len;
  unsigned long long used;   /* when it was last served, for LRU */
} shared_page;

static shared_page pages[SHARED_PAGES_MAX];
static unsigned long long ticks;

int cairn_shared_get(const char *key, unsigned long long stamp,
                     const char *today, const char **body, size_t *len) {
  size_t i;
  for (i = 0; i < SHARED_PAGES_MAX; i++) {
    shared_page *p = &pages[i];
    if (p->key == NULL || strcmp(p->key, key) != 0) continue;
    if (p->stamp != stamp || strcmp(p->today, today) != 0) return 0;
    p->used = ++ticks;
    *body = p->body;
    *len = p->len;
    return 1;
  }
  return 0;
}

void cairn_shared_put(const char *key, unsigned long long stamp,
                      const char *today, const char *body, size_t len) {
  shared_page *slot = NULL;
  size_t i;
  char *k, *b;
  if (len > SHARED_BODY_MAX) return;
  for (i = 0; i < SHARED_PAGES_MAX && slot == NULL; i++)
    if (pages[i].key != NULL && strcmp(pages[i].key, key) == 0)
      slot = &pages[i];
  for (i = 0; i < SHARED_PAGES_MAX && slot == NULL; i++)
    if (pages[i].key == NULL) slot = &pages[i];
  if (slot == NULL) {
    slot = &pages[0];
    for (i = 1; i < SHARED_PAGES_MAX; i++)
      if (pages[i].used < slot->used) slot = &pages[i];
  }
  k = strdup(key);
  b = malloc(len ? len : 1);
  if (k == NULL || b == NULL) {
    free(k);
    free(b);
    return;
  }
  memcpy(b, body, len);
  free(slot->key);
  free(slot->body);
  slot->key = k;
  slot->body = b;
  slot->len = len;
  slot->stamp = stamp;
  snprintf(slot->today, sizeof slot->today, "%s", today);
  slot->used = ++ticks;
}

void cairn_shared_clear(void) {
  size_t i;
  for (i = 0; i < SHARED_PAGES_MAX; i++) {
    free(pages[i].key);
    free(pages[i].body);
    memset(&pages[i], 0, sizeof pages[i]);
  }
}

/* See plugin.h, respond_shared. */
int cairn_respond_shared_impl(cairn_req *req,
                              cairn_doc *(*build)(cairn_req *req),
                              const char *view) {
  const char *key, *body;
  unsigned long long stamp = 0;
  size_t len;
  cairn_doc *doc;
  int shared = req->store != NULL && req->staff == NULL && req->cap == NULL &&
               !req->want_xml && req->method != NULL &&
               (strcmp(req->method, "GET") == 0 ||
                strcmp(req->method, "HEAD") == 0) &&
               cairn_store_data_stamp(req->store, &stamp) == 0;
  if (shared) {
    key = cairn_arena_printf(req->arena, "%s\n%s\n%s", view,
                             req->path ? req->path : "",
                             req->query_string ? req->query_string : "");
    if (cairn_shared_get(key, stamp, req->today, &body, &len)) {
      req->raw_body = body;
      req->raw_len = len;
      req->raw_ctype = "text/html; charset=utf-8";
      req->view_doc = NULL;
      req->status = 200;
      return 200;
    }
  }
  doc = build(req);
  if (doc == NULL) return CAIRN_EINTERNAL;
  req->view_doc = doc->xml;
  req->view = cairn_arena_strdup(req->arena, view);
  req->status = 200;
  req->location = NULL;
  if (shared) {
    req->shared_key = key;
    req->shared_stamp = stamp;
  }
  return 200;
}
