/*
** fhir.h -- a clinic's records as a FHIR R4 Bundle (type collection, XML):
** `cairn export-fhir` and GET /patients/{p}/fhir.  Each plugin names, per
** record type, the XSLT view that maps a record to FHIR resources (the
** descriptor's `fhir`, API level 5); this file walks the patients, hands
** each view the patient's records and wraps what it returns in entries.
*/
#ifndef CAIRN_FHIR_H
#define CAIRN_FHIR_H

#include <stdio.h>
#include "cairn_int.h"

#define CAIRN_FHIR_NS "http://hl7.org/fhir"
#define CAIRN_FHIR_IN_NS "urn:cairn:fhir"   /* the views' input and output */
/* fullUrl base when the config names no public URL. */
#define CAIRN_FHIR_BASE_DEFAULT "https://cairn.invalid/fhir/"
#define CAIRN_FHIR_DATE_LEN 10               /* --since YYYY-MM-DD */

/* What to export. */
typedef struct cairn_fhir_query {
  long long patient;         /* one patient's record id, or 0 for all */
  const char *since;         /* "YYYY-MM-DD": records changed on or after
                             ** it (and their patient), or NULL */
} cairn_fhir_query;

/* The view mapping records of type `type` to FHIR, or NULL when its
** plugin declares none. */
const char *cairn_fhir_view(const cairn_registry *reg, const char *type);

/*
** Check a descriptor's FHIR mappings: each names one of the plugin's own
** record types, at most once, and a view.  CAIRN_EINVAL naming `file`.
*/
int cairn_fhir_check_desc(const cairn_plugin *d, const char *file,
                          cairn_error *err);

/*
** Write the Bundle for query q to `out`: for each patient (in id order) a
** Patient and whatever the views make of the newest version of each of
** their records, read by one short request per patient so memory stays
** bounded by one patient's records.  views are the installation's
** compiled views.  *n (may be NULL) gets the number of entries.
** CAIRN_ENOTFOUND for an unknown q->patient; CAIRN_EINTERNAL for a view
** that is missing or fails (named with the record).  Write errors on
** `out` are the caller's to check.
*/
int cairn_fhir_export(cairn_req *req, const cairn_views *views,
                      const cairn_fhir_query *q, FILE *out, size_t *n,
                      cairn_error *err);

/* The compiled views GET /patients/{p}/fhir maps with: the server's,
** set whenever they are (re)loaded; NULL when none are. */
void cairn_fhir_set_views(const cairn_views *views);
/* The handler of GET /patients/{patient}/fhir (page_fhir.c). */
int cairn_page_fhir(cairn_req *req);

/* `cairn export-fhir ARGS` (cli_fhir.c): argv holds the words after it;
** returns the exit status (0, 1 failure, 2 usage). */
int cairn_fhir_cli(cairn_req *req, int argc, char **argv);

#endif /* CAIRN_FHIR_H */
