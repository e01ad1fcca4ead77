/*
** shared.c -- pages that are the same for every visitor without a staff
** session (a public price list, the public request form), rendered once
** per worker and data version instead of once per request (plugin.h,
** respond_shared and respond_shared_fresh).
**
** A kept page is found by its view, path and query, and used only while
** the database is at the same data version (PRAGMA data_version, which
** moves when another connection commits, and the connection's own count
** of changes, which moves when this one does) and the clinic's date is
** the same.  What differs per visitor (the form token, and the values a
** plugin names as fresh, such as a form's single-use stamp) is rendered
** as a placeholder, a "mark"; the kept page remembers where each mark
** stands (its holes) and every visitor gets the page with their own
** values put in.  So a kept page holds no visitor's anything.  Each
** worker keeps SHARED_PAGES_MAX pages at most, the least recently used
** giving way.
*/
#define _GNU_SOURCE 1   /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "cairn_int.h"

/* Pages a worker keeps, and the largest body it keeps. */
#define SHARED_PAGES_MAX 16
#define SHARED_BODY_MAX (512 * 1024)
/* Holes one page may have (each a place a visitor's value goes). */
#define SHARED_HOLES_MAX 16
/* Values a visitor's page may carry: the form token and the fresh ones. */
#define SHARED_VALUES_MAX 5
/* The longest value put in a hole. */
#define SHARED_VALUE_MAX 256
/* A mark: "cairnmark", 24 random letters and digits, the hole's index. */
#define MARK_PREFIX "cairnmark"
#define MARK_RANDOM 24
#define MARK_LEN (sizeof MARK_PREFIX - 1 + MARK_RANDOM + 1)

typedef struct shared_hole {
  size_t at;                 /* offset of the mark in the kept body */
  unsigned which;            /* 0: the form token; 1..: fresh value */
} shared_hole;

typedef struct shared_page {
  char *key;                 /* "view\npath\nquery" (malloc'd), or NULL */
  unsigned long long stamp;  /* the data version it was rendered at */
  char today[11];            /* and the clinic's date */
  char *body;                /* the rendered page (malloc'd), marks in */
  size_t len;
  shared_hole holes[SHARED_HOLES_MAX]; /* where the marks stand */
  size_t n_holes;
  unsigned long long used;   /* when it was last served, for LRU */
} shared_page;

static shared_page pages[SHARED_PAGES_MAX];
static unsigned long long ticks;
/* The marks, made once per process: [which][MARK_LEN + 1]. */
static char marks[SHARED_VALUES_MAX][MARK_LEN + 1];

const char *cairn_shared_mark(unsigned which) {
  static const char ALNUM[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char raw[MARK_RANDOM];
  size_t i, k;
  if (which >= SHARED_VALUES_MAX) abort();
  if (marks[0][0] == 0) {
    cairn_random_bytes(raw, sizeof raw);
    for (k = 0; k < SHARED_VALUES_MAX; k++) {
      memcpy(marks[k], MARK_PREFIX, sizeof MARK_PREFIX - 1);
      for (i = 0; i < MARK_RANDOM; i++)
        marks[k][sizeof MARK_PREFIX - 1 + i] = ALNUM[raw[i] % 36];
      marks[k][MARK_LEN - 1] = (char)('a' + k);
      marks[k][MARK_LEN] = 0;
    }
  }
  return marks[which];
}

/* Find the marks in body: their holes in h (at most SHARED_HOLES_MAX),
** their count in *n.  -1 when a mark's prefix stands anywhere without
** being a whole mark (the view cut or changed a value): such a page
** cannot be filled. */
static int find_holes(const char *body, size_t len, shared_hole *h,
                      size_t *n) {
  const char *p = body, *end = body + len;
  size_t k;
  *n = 0;
  cairn_shared_mark(0);
  while ((p = memmem(p, (size_t)(end - p), MARK_PREFIX,
                     sizeof MARK_PREFIX - 1)) != NULL) {
    for (k = 0; k < SHARED_VALUES_MAX; k++)
      if ((size_t)(end - p) >= MARK_LEN && memcmp(p, marks[k], MARK_LEN) == 0)
        break;
    if (k == SHARED_VALUES_MAX || *n == SHARED_HOLES_MAX) return -1;
    h[*n].at = (size_t)(p - body);
    h[*n].which = (unsigned)k;
    (*n)++;
    p += MARK_LEN;
  }
  return 0;
}

/* body with req's values in its holes, in req's arena; NULL when a hole
** has no value. */
static const char *fill(cairn_req *req, const char *body, size_t len,
                        const shared_hole *h, size_t n, size_t *out_len) {
  size_t total = len, i, from = 0, o = 0;
  char *out;
  for (i = 0; i < n; i++) {
    const char *v = req->shared_values[h[i].which];
    if (v == NULL) return NULL;
    total = total - MARK_LEN + strlen(v);
  }
  out = cairn_arena_alloc(req->arena, total + 1);
  for (i = 0; i < n; i++) {
    const char *v = req->shared_values[h[i].which];
    size_t vl = strlen(v);
    memcpy(out + o, body + from, h[i].at - from);
    o += h[i].at - from;
    memcpy(out + o, v, vl);
    o += vl;
    from = h[i].at + MARK_LEN;
  }
  memcpy(out + o, body + from, len - from);
  o += len - from;
  out[o] = 0;
  *out_len = o;
  return out;
}

/* The kept page `key` at this stamp and date, marked as just used; NULL
** when there is none, or only an older one. */
static shared_page *find(const char *key, unsigned long long stamp,
                         const char *today) {
  size_t i;
  for (i = 0; i < SHARED_PAGES_MAX; i++) {
    shared_page *p = &pages[i];
    if (p->key == NULL || strcmp(p->key, key) != 0) continue;
    if (p->stamp != stamp || strcmp(p->today, today) != 0) return NULL;
    p->used = ++ticks;
    return p;
  }
  return NULL;
}

int cairn_shared_get(const char *key, unsigned long long stamp,
                     const char *today, const char **body, size_t *len) {
  shared_page *p = find(key, stamp, today);
  if (p == NULL) return 0;
  *body = p->body;
  *len = p->len;
  return 1;
}

void cairn_shared_put(const char *key, unsigned long long stamp,
                      const char *today, const char *body, size_t len) {
  shared_page *slot = NULL;
  size_t i, n_holes;
  shared_hole holes[SHARED_HOLES_MAX];
  char *k, *b;
  if (len > SHARED_BODY_MAX || find_holes(body, len, holes, &n_holes)) return;
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
  memcpy(slot->holes, holes, sizeof holes);
  slot->n_holes = n_holes;
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

const char *cairn_shared_serve(cairn_req *req, const char *key,
                               unsigned long long stamp, size_t *len) {
  shared_page *p = find(key, stamp, req->today);
  return p ? fill(req, p->body, p->len, p->holes, p->n_holes, len) : NULL;
}

const char *cairn_shared_keep(cairn_req *req, const char *body, size_t len,
                              size_t *out_len) {
  shared_hole holes[SHARED_HOLES_MAX];
  size_t n;
  if (find_holes(body, len, holes, &n)) return NULL;
  cairn_shared_put(req->shared_key, req->shared_stamp, req->today, body, len);
  return fill(req, body, len, holes, n, out_len);
}

void cairn_shared_unmark(cairn_req *req) {
  xmlNodePtr root = req->view_doc ? xmlDocGetRootElement(req->view_doc) : NULL;
  for (xmlAttrPtr a = root ? root->properties : NULL; a; a = a->next) {
    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
    for (unsigned k = 1; v && k < SHARED_VALUES_MAX; k++)
      if (strcmp((const char *)v, cairn_shared_mark(k)) == 0)
        xmlSetProp(root, a->name, BAD_CAST(req->shared_values[k]
                                               ? req->shared_values[k] : ""));
    xmlFree(v);
  }
}

/* 1 when v may be put in a page as it is: letters, digits and ._~- only
** (a form token, a stamp), at most SHARED_VALUE_MAX bytes. */
static int plain_value(const char *v) {
  size_t i;
  if (v == NULL || strlen(v) > SHARED_VALUE_MAX) return 0;
  for (i = 0; v[i]; i++)
    if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
          (v[i] >= '0' && v[i] <= '9') || strchr("._~-", v[i])))
      return 0;
  return 1;
}

/* See plugin.h, respond_shared_fresh. */
int cairn_respond_shared_fresh_impl(cairn_req *req,
                                    cairn_doc *(*build)(cairn_req *req),
                                    const char *view,
                                    const char *const *fresh_names,
                                    const char *(*fresh)(cairn_req *req,
                                                         const char *name)) {
  const char *key = NULL, *body;
  unsigned long long stamp = 0;
  size_t len, n = 0, i;
  cairn_doc *doc;
  int shared = req->store != NULL && req->staff == NULL && req->cap == NULL &&
               !req->want_xml && req->method != NULL &&
               (strcmp(req->method, "GET") == 0 ||
                strcmp(req->method, "HEAD") == 0) &&
               plain_value(req->csrf) &&
               cairn_store_data_stamp(req->store, &stamp) == 0;
  while (fresh_names && fresh_names[n]) n++;
  if (n >= SHARED_VALUES_MAX || (n && fresh == NULL)) {
    cairn_logf(CAIRN_LOG_ERROR, "%s: respond_shared_fresh: at most %d fresh "
               "values, and a function to make them", view,
               SHARED_VALUES_MAX - 1);
    return CAIRN_EINTERNAL;
  }
  memset(req->shared_values, 0, sizeof req->shared_values);
  req->shared_values[0] = req->csrf;
  for (i = 0; shared && i < n; i++) {
    req->shared_values[i + 1] = fresh(req, fresh_names[i]);
    shared = plain_value(req->shared_values[i + 1]);
  }
  if (shared) {
    key = cairn_arena_printf(req->arena, "%s\n%s\n%s", view,
                             req->path ? req->path : "",
                             req->query_string ? req->query_string : "");
    if ((body = cairn_shared_serve(req, key, stamp, &len)) != NULL) {
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
  for (i = 0; i < n; i++)
    xmlSetProp(xmlDocGetRootElement(doc->xml), BAD_CAST fresh_names[i],
               BAD_CAST(shared ? cairn_shared_mark((unsigned)i + 1)
                        : req->shared_values[i + 1] ? req->shared_values[i + 1]
                                                    : fresh(req, fresh_names[i])));
  if (shared) {
    req->shared_key = key;
    req->shared_stamp = stamp;
  }
  return 200;
}

/* See plugin.h, respond_shared. */
int cairn_respond_shared_impl(cairn_req *req,
                              cairn_doc *(*build)(cairn_req *req),
                              const char *view) {
  return cairn_respond_shared_fresh_impl(req, build, view, NULL, NULL);
}
