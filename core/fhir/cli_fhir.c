/*
** cli_fhir.c -- `cairn export-fhir [--patient ID] [--since DATE]
** [-o FILE]`: the FHIR R4 Bundle (fhir.c) to stdout or to a file written
** beside its name and renamed into place.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fhir.h"

#define FHIR_CLI_USAGE \
  "usage: cairn export-fhir [--patient ID] [--since YYYY-MM-DD] [-o FILE]\n"

/* Parse the words after the command into q and *file; 0, or 2 with a
** message on stderr. */
static int parse_args(int argc, char **argv, cairn_fhir_query *q,
                      const char **file) {
  for (int i = 0; i < argc; i++) {
    const char *w = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(w, "--patient") == 0 && v) {
      char *end;
      errno = 0;
      long long id = strtoll(v, &end, 10);
      if (errno || *end || id <= 0) {
        fprintf(stderr, "cairn: export-fhir: --patient %s: not a record id\n",
                v);
        return 2;
      }
      q->patient = id;
    } else if (strcmp(w, "--since") == 0 && v) {
      long day;
      if (strlen(v) != CAIRN_FHIR_DATE_LEN || cairn_day_parse(v, &day)) {
        fprintf(stderr, "cairn: export-fhir: --since %s: not a date "
                        "(YYYY-MM-DD)\n", v);
        return 2;
      }
      q->since = v;
    } else if (strcmp(w, "-o") == 0 && v) {
      *file = v;
    } else {
      fputs(FHIR_CLI_USAGE, stderr);
      return 2;
    }
    i++;
  }
  return 0;
}

/*
** Run `cairn export-fhir` with req (store and registry open); argv holds
** the words after the command's name.  Returns the exit status: 0, 1 on failure, 2 on a
** usage error; the count of entries goes to stderr.
*/
int cairn_fhir_cli(cairn_req *req, int argc, char **argv) {
  cairn_fhir_query q = {.patient = 0, .since = NULL};
  const char *file = NULL;
  int rc = parse_args(argc, argv, &q, &file);
  if (rc) return rc;
  cairn_error err = {0};
  cairn_views *views = NULL;
  /* Views import shared files: allow the views directory, as cairnd
  ** does at start-up. */
  cairn_xml_init(req->cfg->views_dir);
  if (cairn_views_load(req->cfg->views_dir, &views, &err)) {
    fprintf(stderr, "cairn: export-fhir: %s\n", err.message);
    return 1;
  }
  size_t n = 0;
  char *tmp = NULL;
  FILE *out = stdout;
  if (file && strcmp(file, "-")) {
    tmp = cairn_arena_printf(req->arena, "%s.tmp%ld", file, (long)getpid());
    out = fopen(tmp, "wx");
    if (!out) {
      fprintf(stderr, "cairn: export-fhir: %s: %s\n", tmp, strerror(errno));
      cairn_views_free(views);
      return 1;
    }
  }
  rc = cairn_fhir_export(req, views, &q, out, &n, &err);
  cairn_views_free(views);
  if (!rc && (fflush(out) || ferror(out)))
    rc = cairn_fail(&err, CAIRN_EINTERNAL, NULL, "writing: %s",
                    strerror(errno));
  if (tmp) {
    if (fclose(out) && !rc)
      rc = cairn_fail(&err, CAIRN_EINTERNAL, NULL, "closing %s: %s", tmp,
                      strerror(errno));
    if (!rc && rename(tmp, file))
      rc = cairn_fail(&err, CAIRN_EINTERNAL, NULL, "renaming %s: %s", tmp,
                      strerror(errno));
    if (rc) unlink(tmp);
  }
  if (rc) {
    fprintf(stderr, "cairn: export-fhir: %s\n", err.message);
    return 1;
  }
  fprintf(stderr, "exported %zu FHIR resource%s%s%s\n", n,
          n == 1 ? "" : "s", file ? " to " : "", file ? file : "");
  return 0;
}
