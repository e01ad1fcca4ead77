/*
** fuzz_xml.c -- libFuzzer target for record XML ingest: the bytes of a
** POSTed record go through cairn_xml_parse() (DOCTYPE refused, no
** entities, no network, depth and size limits) and, when they parse,
** cairn_xml_validate() against the real schemas/program.xsd, as the store
** does before any record is written.  Neither may crash, leak or read
** outside the input, whatever the bytes.
*/
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "cairn_int.h"

#ifndef FUZZ_SCHEMAS_DIR
#error "FUZZ_SCHEMAS_DIR: the source tree's schemas/ directory"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmlSchemaPtr program_xsd;

/* libxml2 reports every error to stderr by default: keep the fuzzer's
** output readable (the errors still reach cairn_error). */
static void quiet(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  cairn_error err = {0};
  cairn_xml_init(FUZZ_SCHEMAS_DIR);
  xmlSetGenericErrorFunc(NULL, quiet);
  program_xsd = cairn_xml_schema_load(FUZZ_SCHEMAS_DIR "/program.xsd", &err);
  if (!program_xsd) {
    fprintf(stderr, "fuzz_xml: %s\n", err.message);
    exit(1);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cairn_error err = {0};
  xmlDocPtr doc = cairn_xml_parse((const char *)data, size, &err);
  if (!doc) {
    assert(err.code != 0);
    return 0;
  }
  (void)cairn_xml_validate(program_xsd, doc, &err);
  xmlFreeDoc(doc);
  return 0;
}
