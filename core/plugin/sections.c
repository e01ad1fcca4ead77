/*
** sections.c -- parts one plugin adds to a page another plugin owns (API
** level 6): the descriptor's `sections` checked at load, and the host
** table's sections_fill that asks each loaded plugin for its part.
*/
#define CAIRN_CORE_BUILD 1
#include "cairn_int.h"

#include <stddef.h>
#include <string.h>

#include "sections.h"

/* 1 when descriptor d is long enough to carry `sections`. */
static int has_sections(const cairn_plugin *d) {
  return d->size >= offsetof(cairn_plugin, sections) + sizeof d->sections;
}

/* 1 for a slot name: 1..SECTION_SLOT_MAX of [a-z0-9-], starting a-z. */
static int slot_ok(const char *s) {
  size_t n = 0;
  if (s == NULL || s[0] < 'a' || s[0] > 'z') return 0;
  for (; s[n]; n++)
    if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
          s[n] == '-'))
      return 0;
  return n <= SECTION_SLOT_MAX;
}

/* See sections.h. */
int cairn_sections_check_desc(const cairn_plugin *d, const char *file,
                              cairn_error *err) {
  int n = 0;
  if (!has_sections(d)) return 0;
  for (const cairn_section *s = d->sections; s && s->slot; s++, n++) {
    if (n >= SECTION_MAX_PER_PLUGIN)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: more than %d sections (missing "
                        "terminator?)", file, SECTION_MAX_PER_PLUGIN);
    if (!slot_ok(s->slot) || s->title == NULL || s->title[0] == '\0' ||
        s->fill == NULL)
      return cairn_fail(err, CAIRN_EINVAL, NULL,
                        "%s: refused: a section needs a slot of a-z, 0-9 "
                        "and '-', a title and a fill function", file);
  }
  return 0;
}

/* See sections.h. */
int cairn_sections_fill_impl(cairn_req *req, const char *slot,
                             long long patient, long long episode,
                             cairn_doc *doc) {
  const cairn_registry *reg = req->reg;
  int shown = 0;
  cairn_doc_open_impl(doc, "sections");
  cairn_doc_attr_impl(doc, "slot", slot);
  for (size_t i = 0; reg && i < reg->n_plugins; i++) {
    const cairn_plugin *d = reg->plugins[i].desc;
    if (!reg->plugins[i].initialized || !has_sections(d)) continue;
    for (const cairn_section *s = d->sections; s && s->slot; s++) {
      if (strcmp(s->slot, slot) != 0) continue;
      cairn_error err = {0};
      xmlNodePtr at;
      cairn_doc_open_impl(doc, "section");
      at = doc->cur;
      cairn_doc_attr_impl(doc, "plugin", d->name);
      cairn_doc_attr_impl(doc, "slot", slot);
      cairn_doc_attr_impl(doc, "title", s->title);
      int rc = s->fill(req, patient, episode, doc, &err);
      doc->cur = at;          /* whatever fill left open ends here */
      if (rc < 0) {
        cairn_logf(CAIRN_LOG_ERROR, "section %s of plugin %s failed: %s", slot,
                  d->name, err.message[0] ? err.message : "no message");
        cairn_doc_attr_impl(doc, "failed", "1");
      } else if (rc == 0) {
        cairn_doc_attr_impl(doc, "empty", "1");
      } else {
        shown++;
      }
      cairn_doc_close_impl(doc);
    }
  }
  cairn_doc_close_impl(doc);
  return shown;
}
