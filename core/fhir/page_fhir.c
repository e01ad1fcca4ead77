/*
** page_fhir.c -- GET /patients/{patient}/fhir: one patient's FHIR R4
** Bundle (fhir.c) for a clinician, as application/fhir+xml.  The route's
** `patient` parameter makes the read an audited patient read like any
** other (serve.c notes it before the handler runs).
*/
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlmemory.h>
#include "fhir.h"

#define FHIR_MEDIA_TYPE "application/fhir+xml"

static const cairn_views *page_views;   /* the server's, set on (re)load */

void cairn_fhir_set_views(const cairn_views *views) { page_views = views; }

/* 1 when the client asks for FHIR XML: Accept names application/fhir+xml,
** or ?_format= says xml (FHIR's own override for clients that cannot set
** Accept). */
static int wants_fhir_xml(cairn_req *req) {
  const char *f = cairn_kv_get(req->query, req->n_query, "_format");
  if (f)
    return strcmp(f, "xml") == 0 || strcmp(f, "text/xml") == 0 ||
           strcmp(f, "application/xml") == 0 ||
           strcmp(f, FHIR_MEDIA_TYPE) == 0;
  return req->accept && strstr(req->accept, FHIR_MEDIA_TYPE) != NULL;
}

/*
** GET /patients/{patient}/fhir: the patient's Bundle as the route's raw
** body.  400 when the client does not ask for FHIR XML, 404 for no such
** patient (cairn_fhir_export), 500 (logged) when a view fails.
*/
int cairn_page_fhir(cairn_req *req) {
  const char *p = cairn_kv_get(req->params, req->n_params, "patient");
  cairn_error err = {0};
  if (!wants_fhir_xml(req))
    return cairn_fail(&err, CAIRN_EINVAL, NULL,
                      "ask for " FHIR_MEDIA_TYPE " (Accept, or ?_format=xml)");
  if (!page_views) return CAIRN_EINTERNAL;
  cairn_fhir_query q = {.patient = strtoll(p ? p : "0", NULL, 10),
                        .since = NULL};
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  if (!out) abort();
  int rc = cairn_fhir_export(req, page_views, &q, out, NULL, &err);
  if (fclose(out) && !rc) rc = CAIRN_EINTERNAL;
  if (rc) {
    free(buf);
    if (rc != CAIRN_ENOTFOUND)
      cairn_logf(CAIRN_LOG_ERROR, "%s: %s", req->path, err.message);
    return rc;
  }
  req->raw_body = cairn_arena_strdup(req->arena, buf);
  req->raw_len = len;
  req->raw_ctype = FHIR_MEDIA_TYPE "; charset=utf-8";
  free(buf);
  req->status = 200;
  return 200;
}
