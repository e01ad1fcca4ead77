/*
** names.c -- herb names as typed: folding, exact lookup, nearest names.
*/
#include "names.h"

#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 character at *s (input already valid UTF-8: the core
** checks every request once); advance *s.  Invalid bytes decode as
** themselves, one at a time, so nothing loops. */
static unsigned decode(const unsigned char **s) {
  const unsigned char *p = *s;
  unsigned c = p[0];
  int n = 0;
  if (c >= 0xF0 && c < 0xF8) { c &= 0x07; n = 3; }
  else if (c >= 0xE0) { c &= 0x0F; n = 2; }
  else if (c >= 0xC0) { c &= 0x1F; n = 1; }
  for (int i = 1; i <= n; i++) {
    if ((p[i] & 0xC0) != 0x80) { *s = p + 1; return p[0]; }
    c = (c << 6) | (p[i] & 0x3F);
  }
  *s = p + 1 + n;
  return c;
}

/* The plain letter of a pinyin vowel with a tone mark or diaeresis (either
** case), or 0 for any other character. */
static char pinyin_base(unsigned c) {
  static const struct { unsigned cp; char base; } marks[] = {
    {0x0101,'a'},{0x00E1,'a'},{0x01CE,'a'},{0x00E0,'a'},
    {0x0100,'a'},{0x00C1,'a'},{0x01CD,'a'},{0x00C0,'a'},
    {0x0113,'e'},{0x00E9,'e'},{0x011B,'e'},{0x00E8,'e'},
    {0x0112,'e'},{0x00C9,'e'},{0x011A,'e'},{0x00C8,'e'},
    {0x012B,'i'},{0x00ED,'i'},{0x01D0,'i'},{0x00EC,'i'},
    {0x012A,'i'},{0x00CD,'i'},{0x01CF,'i'},{0x00CC,'i'},
    {0x014D,'o'},{0x00F3,'o'},{0x01D2,'o'},{0x00F2,'o'},
    {0x014C,'o'},{0x00D3,'o'},{0x01D1,'o'},{0x00D2,'o'},
    {0x016B,'u'},{0x00FA,'u'},{0x01D4,'u'},{0x00F9,'u'},
    {0x016A,'u'},{0x00DA,'u'},{0x01D3,'u'},{0x00D9,'u'},
    {0x00FC,'u'},{0x01D6,'u'},{0x01D8,'u'},{0x01DA,'u'},{0x01DC,'u'},
    {0x00DC,'u'},{0x01D5,'u'},{0x01D7,'u'},{0x01D9,'u'},{0x01DB,'u'},
    {0x0144,'n'},{0x0148,'n'},{0x01F9,'n'},
  };
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if (marks[i].cp == c) return marks[i].base;
  return 0;
}

/* Folding, as names.h says.  A character that would not fit whole is
** dropped with everything after it. */
size_t herbal_fold(const char *in, char *out, size_t cap) {
  size_t n = 0;
  if (cap == 0) return 0;
  const unsigned char *p = (const unsigned char *)(in ? in : "");
  while (*p) {
    const unsigned char *start = p;
    unsigned c = decode(&p);
    if (c < 0x80) {
      char a = (char)c;
      if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
      if (a == 'v') a = 'u';
      if (!((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9'))) continue;
      if (n + 1 >= cap) break;
      out[n++] = a;
      continue;
    }
    char base = pinyin_base(c);
    if (base) {
      if (n + 1 >= cap) break;
      out[n++] = base;
      continue;
    }
    size_t len = (size_t)(p - start);
    if (n + len >= cap) break;
    memcpy(out + n, start, len);
    n += len;
  }
  out[n] = '\0';
  return n;
}

/* Decode a folded name into at most HERBAL_DISTANCE_CHARS characters. */
static int chars(const char *s, unsigned *out) {
  const unsigned char *p = (const unsigned char *)s;
  int n = 0;
  while (*p && n < HERBAL_DISTANCE_CHARS) out[n++] = decode(&p);
  return n;
}

/* Optimal string alignment distance over characters. */
int herbal_distance(const char *a, const char *b) {
  unsigned x[HERBAL_DISTANCE_CHARS], y[HERBAL_DISTANCE_CHARS];
  int m = chars(a, x), n = chars(b, y);
  static const int W = HERBAL_DISTANCE_CHARS + 1;
  int d[(HERBAL_DISTANCE_CHARS + 1) * (HERBAL_DISTANCE_CHARS + 1)];
  for (int i = 0; i <= m; i++) d[i * W] = i;
  for (int j = 0; j <= n; j++) d[j] = j;
  for (int i = 1; i <= m; i++) {
    for (int j = 1; j <= n; j++) {
      int cost = x[i - 1] != y[j - 1];
      int v = d[(i - 1) * W + j] + 1;
      if (d[i * W + j - 1] + 1 < v) v = d[i * W + j - 1] + 1;
      if (d[(i - 1) * W + j - 1] + cost < v) v = d[(i - 1) * W + j - 1] + cost;
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
          d[(i - 2) * W + j - 2] + 1 < v)
        v = d[(i - 2) * W + j - 2] + 1;
      d[i * W + j] = v;
    }
  }
  return d[m * W + n];
}

/* The names a herb answers to, NULL-terminated, in `names` (room for
** 4 + HERBAL_ALIASES_MAX + 1). */
static int herb_names(const herbal_herb *h, const char **names) {
  int n = 0;
  names[n++] = h->id;
  names[n++] = h->pinyin;
  names[n++] = h->chinese;
  names[n++] = h->latin;
  for (int i = 0; i < h->n_aliases; i++) names[n++] = h->aliases[i];
  names[n] = NULL;
  return n;
}

/* Names a herb answers to, at most. */
#define HERB_NAMES_MAX (4 + HERBAL_ALIASES_MAX)

/* Every herb's names folded, made on the first lookup of this process and
** kept (the data does not change while it runs): a dashboard looks up
** every line of every active prescription, and folding ~1,000 names per
** line was most of it (large clinic, 3,000 prescriptions). */
static struct {
  const herbal_db *db;      /* the data they were folded from */
  char **name;              /* [herb * HERB_NAMES_MAX + k], NULL after the
                            ** herb's last */
  size_t n;                 /* slots in name */
} folded;

void herbal_names_forget(void) {
  if (folded.name) {
    for (size_t i = 0; i < folded.n; i++) free(folded.name[i]);
    free(folded.name);
  }
  folded.name = NULL;
  folded.n = 0;
  folded.db = NULL;
}

/* The folded names of db's herbs, or NULL when memory ran out. */
static char **folded_names(const herbal_db *db) {
  const char *names[HERB_NAMES_MAX + 1];
  char buf[HERBAL_FOLD_MAX];
  if (folded.db == db && folded.name) return folded.name;
  herbal_names_forget();
  size_t slots = (size_t)db->n_herbs * HERB_NAMES_MAX;
  char **t = calloc(slots + 1, sizeof *t);
  if (!t) return NULL;
  for (int h = 0; h < db->n_herbs; h++) {
    int n = herb_names(&db->herbs[h], names);
    for (int k = 0; k < n && k < HERB_NAMES_MAX; k++) {
      herbal_fold(names[k], buf, sizeof buf);
      if (!(t[h * HERB_NAMES_MAX + k] = strdup(buf))) {
        folded.name = t;
        folded.n = slots;
        herbal_names_forget();
        return NULL;
      }
    }
  }
  folded.db = db;
  folded.name = t;
  folded.n = slots;
  return t;
}

/* Name k of herb h folded: from f, the kept table, else folded into buf
** (names: herb_names of the herb). */
static const char *folded_name(char **f, int h, int k, const char **names,
                               char *buf) {
  if (f && f[h * HERB_NAMES_MAX + k]) return f[h * HERB_NAMES_MAX + k];
  herbal_fold(names[k], buf, HERBAL_FOLD_MAX);
  return buf;
}

int herbal_lookup(const herbal_db *db, const char *typed, int *suggest,
                  int *n_suggest) {
  char want[HERBAL_FOLD_MAX], have[HERBAL_FOLD_MAX];
  const char *names[HERB_NAMES_MAX + 1];
  int best[HERBAL_SUGGESTIONS], best_d[HERBAL_SUGGESTIONS], n_best = 0;
  if (n_suggest) *n_suggest = 0;
  if (herbal_fold(typed, want, sizeof want) == 0) return -1;
  /* A name as stored (the usual case: a prescription's own lines, checked
  ** again on every dashboard) is found without a single distance. */
  char **f = folded_names(db);
  for (int h = 0; h < db->n_herbs; h++) {
    int n = herb_names(&db->herbs[h], names);
    for (int k = 0; k < n; k++)
      if (strcmp(want, folded_name(f, h, k, names, have)) == 0) return h;
  }
  if (!suggest || !n_suggest) return -1;
  for (int h = 0; h < db->n_herbs; h++) {
    int n = herb_names(&db->herbs[h], names), nearest = -1;
    for (int k = 0; k < n; k++) {
      int d = herbal_distance(want, folded_name(f, h, k, names, have));
      if (nearest < 0 || d < nearest) nearest = d;
    }
    /* Keep the HERBAL_SUGGESTIONS nearest, nearest first, ties in data
    ** order (insertion sort into a tiny array). */
    int at = n_best;
    while (at > 0 && best_d[at - 1] > nearest) at--;
    if (at >= HERBAL_SUGGESTIONS) continue;
    int last = n_best < HERBAL_SUGGESTIONS ? n_best : HERBAL_SUGGESTIONS - 1;
    for (int i = last; i > at; i--) { best[i] = best[i - 1]; best_d[i] = best_d[i - 1]; }
    best[at] = h;
    best_d[at] = nearest;
    if (n_best < HERBAL_SUGGESTIONS) n_best++;
  }
  for (int i = 0; i < n_best; i++) suggest[i] = best[i];
  *n_suggest = n_best;
  return -1;
}
