/*
** fuzz_csv.c -- libFuzzer target for the CSV import parser,
** cairn_csv_parse() (core/store/csv_parse.c), and the date parser it feeds:
** every record handed to the callback has the header's field count, and
** every field is NUL-free valid UTF-8; a refusal names a line.
*/
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn_int.h"
#include "csvimport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct seen { size_t n_fields, rows; } seen;

static int row(void *ctx, const cairn_csv_row *r, cairn_error *err) {
  seen *s = ctx;
  (void)err;
  if (r->index == 0) s->n_fields = r->n;
  assert(r->n == s->n_fields && r->index == s->rows);
  for (size_t i = 0; i < r->n; i++) {
    size_t len = strlen(r->field[i]);
    assert(cairn_utf8_valid(r->field[i], len));
    char iso[11];
    cairn_error e = {0};
    if (cairn_date_parse(r->field[i], "d/m/Y", iso, &e) == 0) {
      char back[11];
      assert(strlen(iso) == 10);
      assert(cairn_date_add_days(iso, 365, back, &e) == 0 || e.code);
    }
  }
  s->rows++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  seen s = {0, 0};
  size_t line = 0;
  cairn_error err = {0};
  /* A heap copy of exactly `size` bytes: the parser must stay inside it. */
  char *buf = malloc(size ? size : 1);
  memcpy(buf, data, size);
  int rc = cairn_csv_parse(buf, size, row, &s, &line, &err);
  if (rc != 0) assert(err.code != 0 && err.message[0]);
  free(buf);
  return 0;
}
