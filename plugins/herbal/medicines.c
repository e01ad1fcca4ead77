/*
** medicines.c -- matching a medicine's text to known drugs.
*/
#include "medicines.h"

#include <string.h>

static int is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

static char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* 1 when `term` occurs in `text` as a whole word (or words), ignoring
** ASCII case; a hyphen in term matches a hyphen or a space. */
static int has_word(const char *text, const char *term) {
  size_t n = strlen(term);
  if (n == 0) return 0;
  for (const char *p = text; *p; p++) {
    if (p != text && is_word_char(p[-1])) continue;
    size_t i = 0;
    for (; i < n && p[i]; i++) {
      char a = lower(p[i]), b = lower(term[i]);
      if (a == b) continue;
      if ((b == '-' || b == ' ') && (a == '-' || a == ' ')) continue;
      break;
    }
    if (i == n && !is_word_char(p[n])) return 1;
  }
  return 0;
}

int herbal_medicine_drugs(const herbal_db *db, const char *text, int *drugs,
                          int cap) {
  int n = 0;
  if (!text) return 0;
  for (int d = 0; d < db->n_drugs && n < cap; d++) {
    const herbal_drug *drug = &db->drugs[d];
    int hit = has_word(text, drug->generic) || has_word(text, drug->id);
    for (int b = 0; !hit && b < drug->n_brands; b++)
      hit = has_word(text, drug->brands[b]);
    if (hit) drugs[n++] = d;
  }
  return n;
}

int herbal_drug_in_class(const herbal_db *db, int drug, int cls) {
  const herbal_idlist *l = &db->drugs[drug].classes;
  for (int i = 0; i < l->n; i++)
    if (l->index[i] == cls) return 1;
  return 0;
}
