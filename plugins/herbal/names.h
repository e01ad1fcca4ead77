/*
** names.h -- finding a herb by what a clinician types: pinyin with or
** without tones and spaces, Chinese characters, the pharmaceutical Latin
** name, an alias or the id; and, for a name that matches nothing, the
** nearest names.  Pure functions over a herbal_db.
*/
#ifndef HERBAL_NAMES_H
#define HERBAL_NAMES_H

#include <stddef.h>
#include "herbdb.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* Bytes of a folded name: herbal-data.xsd's Text holds 400 characters;
** a name a person types for a herb is far shorter, and a longer one is
** cut here (it then matches nothing and still gets suggestions). */
#define HERBAL_FOLD_MAX 256
/* Characters compared by the edit distance: longer names are cut. */
#define HERBAL_DISTANCE_CHARS 64
/* Suggestions offered for a name that matches no herb. */
#define HERBAL_SUGGESTIONS 3

/* Fold a name for comparison into out (cap bytes, always terminated):
** ASCII letters lower-cased; pinyin vowels with tone marks (ā á ǎ à ...)
** and ü turned to their plain letter, and 'v' (how ü is typed) to 'u';
** spaces, hyphens, apostrophes, dots and other ASCII punctuation dropped;
** any other character (Chinese) kept as it is.  Returns the length. */
size_t herbal_fold(const char *in, char *out, size_t cap);

/* The herb `typed` names (folded, equal to some herb's id, pinyin,
** Chinese, Latin name or alias), or -1.  On -1, when suggest is not NULL,
** fills suggest[0..*n_suggest) with the herbs whose names are nearest by
** edit distance (insert, delete, substitute, swap two neighbours, counted
** in characters), nearest first, at most HERBAL_SUGGESTIONS. */
int herbal_lookup(const herbal_db *db, const char *typed, int *suggest,
                  int *n_suggest);

/* The edit distance between two folded names (exposed for tests). */
int herbal_distance(const char *a, const char *b);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
/* Free the folded names herbal_lookup keeps (the plugin's fini: the data
** they come from is freed with it). */
void herbal_names_forget(void);

#endif /* HERBAL_NAMES_H */
