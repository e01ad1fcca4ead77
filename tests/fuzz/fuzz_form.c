/*
** fuzz_form.c -- libFuzzer target for the kit's input checks: the form
** model binding an XML body (cairn_form_bind), and the text entries a
** plugin passes what people type (date_parse, text_check, url_encode).
** Any input gives a status; what they accept holds together: a date
** parsed formats back to the same text, accepted text is valid UTF-8, an
** encoded string holds only unreserved bytes and %XX, a form's messages
** are at most one per field plus one for the whole body.
*/
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "cairn_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const yes_no[] = { "yes", "Yes", "no", "No", NULL };
static const cairn_field fields[] = {
  { .name = "name", .label = "Name", .kind = CAIRN_FIELD_TEXT,
    .flags = CAIRN_FIELD_REQUIRED, .max = 20 },
  { .name = "note", .label = "Note", .kind = CAIRN_FIELD_TEXTAREA },
  { .name = "day", .label = "Day", .kind = CAIRN_FIELD_DATE },
  { .name = "n", .label = "N", .kind = CAIRN_FIELD_INTEGER, .max = 10 },
  { .name = "x", .label = "X", .kind = CAIRN_FIELD_NUMBER, .min = -1,
    .max = 1 },
  { .name = "pick", .label = "Pick", .kind = CAIRN_FIELD_RADIO,
    .choices = yes_no },
  { .name = "mail", .label = "Mail", .kind = CAIRN_FIELD_EMAIL },
  { .name = NULL }
};
#define N_FIELDS 7

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cairn_arena *a = cairn_arena_new();
  char *s = cairn_arena_strndup(a, (const char *)data, size);
  cairn_error err = {0};
  long day;

  if (cairn_day_parse(s, &day) == 0) {
    char back[11];
    cairn_day_format(back, day);
    assert(strcmp(back, s) == 0);
  }
  if (cairn_text_check(s, 50, CAIRN_TEXT_MULTILINE, "f", "It", &err) == 0)
    assert(cairn_utf8_valid(s, strlen(s)));
  for (const char *p = cairn_text_url_encode(a, s); *p; p++)
    assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789-._~%", *p) != NULL);

  cairn_req req = { .arena = a, .method = "POST", .path = "/",
                    .content_type = "application/xml", .body = s,
                    .body_len = strlen(s), .actor = "fuzz" };
  memcpy(req.today, "2026-12-03", 11);
  cairn_form *f = cairn_form_new(&req, "fuzz", fields);
  int n = cairn_form_bind(f);
  assert(n >= 0 && n <= N_FIELDS + 1);
  cairn_doc *d = cairn_doc_new(&req, NULL, "page");
  cairn_form_doc(d, f, "/x", "Save");
  assert(cairn_doc_count(d, NULL, "form/error") == n);
  cairn_arena_free(a);
  return 0;
}
