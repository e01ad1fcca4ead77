/*
** sections.h -- parts one plugin adds to a page another plugin owns
** (plugin.h, cairn_section; API level 6).
*/
#ifndef CAIRN_SECTIONS_H
#define CAIRN_SECTIONS_H

#include "cairn_int.h"

#define SECTION_MAX_PER_PLUGIN 16  /* sections one descriptor may declare */
#define SECTION_SLOT_MAX 32        /* a slot name's length */

/* Check descriptor d's sections (when it is long enough to have them):
** each with a slot name, a title and a fill.  CAIRN_EINVAL naming file. */
int cairn_sections_check_desc(const cairn_plugin *d, const char *file,
                              cairn_error *err);

/* The host table's sections_fill (plugin.h). */
int cairn_sections_fill_impl(cairn_req *req, const char *slot,
                             long long patient, long long episode,
                             cairn_doc *doc);

#endif /* CAIRN_SECTIONS_H */
