/*
** bundle.h -- a clinic's records as one XML file (schemas/bundle.xsd):
** `cairn export` writes every version of every record, `cairn import`
** reads such a file back through the record API, all or nothing.
*/
#ifndef CAIRN_BUNDLE_H
#define CAIRN_BUNDLE_H

#include <stdio.h>
#include "cairn_int.h"

#define CAIRN_BUNDLE_NS "urn:cairn:bundle"

/* Record versions read per query while exporting: each batch is read by
** its own short-lived request, so memory stays bounded by one batch of
** bodies (at most CAIRN_XML_MAX_BYTES each) whatever the clinic's size. */
#define CAIRN_BUNDLE_EXPORT_BATCH 256

/*
** Write every stored version of every record to `out` as a bundle, in the
** order the versions were written: UTF-8, one <record> per line, the body
** as stored.  The export is the store as it was when it began: records are
** append-only, so versions written meanwhile are simply not included.
** req supplies the store, registry and config; its arena is not used for
** the records (each batch has its own).  *n (may be NULL) gets the number
** of versions written.  CAIRN_EDB, or CAIRN_EINTERNAL for a stored body
** that no longer parses (named by record and version).  Write errors on
** `out` are the caller's to check (ferror).
*/
int cairn_bundle_export(cairn_req *req, FILE *out, size_t *n,
                        cairn_error *err);

/*
** Read the bundle at `path`, validate it against
** req->cfg->schemas_dir/bundle.xsd, then write each version through the
** record API (cairn_store_create for version 1, cairn_store_revise after)
** inside one transaction: the body is validated against its type's schema
** and check hook, projections and events run.  Any failure rolls all of it
** back; *err then names the file, the line of the <record>, its id, version
** and type, and the reason.  Record ids are given by the store; patient
** references and the body references bundle.c knows of are rewritten from
** the bundle's ids to the new ones.  Each version keeps its author (the
** request's actor is set to it while the version is written).  *versions
** and *records (may be NULL) get the counts.
*/
int cairn_bundle_import(cairn_req *req, const char *path, size_t *versions,
                        size_t *records, cairn_error *err);

#endif /* CAIRN_BUNDLE_H */
