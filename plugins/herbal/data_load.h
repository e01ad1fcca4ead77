/*
** data_load.h -- reading herbal reference files (schemas/herbal-data.xsd)
** into a herbal_db through the host's kit (xml_load and the node readers).
*/
#ifndef HERBAL_DATA_LOAD_H
#define HERBAL_DATA_LOAD_H

#include "herbdb.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* The schema every herbal data file is validated against. */
#define HERBAL_DATA_XSD "herbal-data.xsd"

/* Parse and validate `path`, and add every entry it holds to db (copied:
** the file is closed again).  A conflict with an entry already in db (an
** id defined twice, two herbs with one name) fails naming both files.
** Call herbal_db_finish once every file is loaded.  0 or a CAIRN_E* code
** with *err filled. */
int herbal_data_load(herbal_db *db, const char *path, cairn_error *err);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#endif /* HERBAL_DATA_LOAD_H */
