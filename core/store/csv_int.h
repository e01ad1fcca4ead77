/*
** csv_int.h -- what the spreadsheet import's files share (csv_parse.c,
** csv_date.c, csvmap.c, csvimport.c) and nothing else includes.
*/
#ifndef CAIRN_CSV_INT_H
#define CAIRN_CSV_INT_H

#include "csvimport.h"

/* The namespace of mapping files (schemas/csvmap.xsd). */
#define CSVMAP_NS "urn:cairn:csvmap"

/* malloc and strdup that abort when memory runs out (csv_parse.c). */
void *csv_xmalloc(size_t n);
char *csv_xstrdup(const char *s);

#endif
