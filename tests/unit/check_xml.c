/*
** check_xml.c -- unit tests of core/lib/xml.c: what crosses a boundary as XML
** is parsed safely or refused with a message that names the line.
**
** Needs: core/lib/xml.c core/lib/log.c core/lib/arena.c (cairn_fail lives in log.c).
** CAIRN_TEST_DATA is the directory of tests/unit/data.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "cairn_int.h"

#ifndef CAIRN_TEST_DATA
#define CAIRN_TEST_DATA "tests/unit/data"
#endif

static xmlDocPtr parse(const char *s, cairn_error *err) {
  memset(err, 0, sizeof *err);
  return cairn_xml_parse(s, strlen(s), err);
}

static void setup(void) { cairn_xml_init(CAIRN_TEST_DATA); }

static xmlSchemaPtr load_note_schema(void) {
  cairn_error err = {0};
  xmlSchemaPtr s = cairn_xml_schema_load(CAIRN_TEST_DATA "/note.xsd", &err);
  ck_assert_msg(s != NULL, "note.xsd: %s", err.message);
  return s;
}

/* ------------------------------------------------------------ parsing */

START_TEST(valid_document_parses) {
  cairn_error err;
  xmlDocPtr d = parse("<?xml version='1.0' encoding='UTF-8'?>\n"
                      "<Note xmlns='urn:cairn:test'><subject>caf\xc3\xa9"
                      "</subject><![CDATA[x]]></Note>", &err);
  ck_assert_msg(d != NULL, "%s", err.message);
  ck_assert_str_eq((const char *)xmlDocGetRootElement(d)->name, "Note");
  ck_assert_int_eq(err.code, 0);
  xmlFreeDoc(d);
}
END_TEST

START_TEST(doctype_is_refused) {
  cairn_error err;
  xmlDocPtr d = parse("<?xml version='1.0'?>\n<!DOCTYPE a>\n<a/>", &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, "DOCTYPE") != NULL, "%s", err.message);
  ck_assert_msg(strstr(err.message, "line 2") != NULL, "%s", err.message);
}
END_TEST

START_TEST(doctype_with_public_id_is_refused) {
  cairn_error err;
  xmlDocPtr d = parse("<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN'"
                      " 'http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd'>"
                      "<html/>", &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
}
END_TEST

START_TEST(billion_laughs_is_refused) {
  cairn_error err;
  const char *bomb =
      "<?xml version='1.0'?>\n"
      "<!DOCTYPE lolz [\n"
      " <!ENTITY lol 'lol'>\n"
      " <!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n"
      " <!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>\n"
      " <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>\n"
      " <!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>\n"
      " <!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>\n"
      " <!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>\n"
      " <!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>\n"
      " <!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>\n"
      " <!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>\n"
      "]>\n<lolz>&lol9;</lolz>";
  xmlDocPtr d = parse(bomb, &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, "DOCTYPE") != NULL, "%s", err.message);
}
END_TEST

/* An undeclared entity (no DOCTYPE can declare one) is not well-formed. */
START_TEST(undeclared_entity_is_refused) {
  cairn_error err;
  xmlDocPtr d = parse("<a>&lol;</a>", &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, "line 1") != NULL, "%s", err.message);
}
END_TEST

START_TEST(external_entity_is_not_read) {
  cairn_error err;
  const char *xxe = "<?xml version='1.0'?>\n"
                    "<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
                    "<a>&x;</a>";
  xmlDocPtr d = parse(xxe, &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, "root:") == NULL, "%s", err.message);
}
END_TEST

/* Even a careless parse elsewhere (entity substitution and DTD loading
** on, as libxslt does for stylesheets) cannot read a file outside the
** allowed directory once cairn_xml_init has run: the loader refuses. */
START_TEST(careless_parse_still_cannot_read_outside_files) {
  const char *xxe = "<?xml version='1.0'?>\n"
                    "<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
                    "<a>&x;</a>";
  xmlDocPtr d = xmlReadMemory(xxe, (int)strlen(xxe), NULL, NULL,
                              XML_PARSE_NOENT | XML_PARSE_DTDLOAD |
                              XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (d != NULL) {
    xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(d));
    ck_assert_msg(text == NULL || strstr((char *)text, "root:") == NULL,
                  "/etc/passwd was read");
    xmlFree(text);
    xmlFreeDoc(d);
  }
}
END_TEST

START_TEST(entity_loader_serves_only_the_allowed_directory) {
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  xmlParserInputPtr in;
  const char *refused[] = {
      "/etc/passwd", "file:///etc/passwd", "file://localhost/etc/passwd",
      "http://127.0.0.1/x.dtd", "ftp://example.org/x",
      CAIRN_TEST_DATA "/../check_xml.c", CAIRN_TEST_DATA "/nonexistent.xsd",
      NULL};
  int i;
  for (i = 0; refused[i]; i++) {
    in = xmlLoadExternalEntity(refused[i], NULL, ctxt);
    ck_assert_msg(in == NULL, "loaded %s", refused[i]);
  }
  in = xmlLoadExternalEntity(CAIRN_TEST_DATA "/note-types.xsd", NULL, ctxt);
  ck_assert_msg(in != NULL, "a file under the allowed directory is served");
  xmlFreeInputStream(in);
  xmlFreeParserCtxt(ctxt);

  cairn_xml_init(NULL);  /* now nothing at all */
  ctxt = xmlNewParserCtxt();
  in = xmlLoadExternalEntity(CAIRN_TEST_DATA "/note-types.xsd", NULL, ctxt);
  ck_assert_ptr_null(in);
  xmlFreeParserCtxt(ctxt);
}
END_TEST

/* n nested <e> elements. */
static char *nested(int n) {
  char *s = malloc((size_t)n * 7 + 1), *p = s;
  int i;
  for (i = 0; i < n; i++) { memcpy(p, "<e>", 3); p += 3; }
  for (i = 0; i < n; i++) { memcpy(p, "</e>", 4); p += 4; }
  *p = '\0';
  return s;
}

START_TEST(depth_at_the_limit_is_accepted) {
  cairn_error err;
  char *s = nested(CAIRN_XML_MAX_DEPTH);
  xmlDocPtr d = parse(s, &err);
  ck_assert_msg(d != NULL, "%s", err.message);
  xmlFreeDoc(d);
  free(s);
}
END_TEST

START_TEST(too_deep_is_refused) {
  cairn_error err;
  char *s = nested(CAIRN_XML_MAX_DEPTH + 1);
  xmlDocPtr d = parse(s, &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_ELIMIT);
  ck_assert_msg(strstr(err.message, "deeper") != NULL, "%s", err.message);
  free(s);
  s = nested(10000);  /* far past libxml2's own limit too */
  d = parse(s, &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_ELIMIT);
  free(s);
}
END_TEST

/* A document of exactly n bytes: <a><!--xxx...--></a>. */
static char *sized(size_t n) {
  char *s = malloc(n + 1);
  memset(s, 'x', n);
  memcpy(s, "<a><!--", 7);
  memcpy(s + n - 7, "--></a>", 7);
  s[n] = '\0';
  return s;
}

START_TEST(size_at_the_limit_is_accepted) {
  cairn_error err = {0};
  char *s = sized(CAIRN_XML_MAX_BYTES);
  xmlDocPtr d = cairn_xml_parse(s, CAIRN_XML_MAX_BYTES, &err);
  ck_assert_msg(d != NULL, "%s", err.message);
  xmlFreeDoc(d);
  free(s);
}
END_TEST

START_TEST(too_big_is_refused) {
  cairn_error err = {0};
  char *s = sized(CAIRN_XML_MAX_BYTES + 1);
  xmlDocPtr d = cairn_xml_parse(s, CAIRN_XML_MAX_BYTES + 1, &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_ELIMIT);
  free(s);
}
END_TEST

/* <r a1="v" a2="v" ... an="v"/>, malloc'd. */
static char *with_attributes(int n) {
  char *s = malloc((size_t)n * 16 + 16), *p = s;
  p += sprintf(p, "<r");
  for (int i = 1; i <= n; i++) p += sprintf(p, " a%d=\"v\"", i);
  sprintf(p, "/>");
  return s;
}

START_TEST(attributes_at_the_limit_are_accepted) {
  cairn_error err = {0};
  char *s = with_attributes(CAIRN_XML_MAX_ATTRIBUTES);
  xmlDocPtr d = cairn_xml_parse(s, strlen(s), &err);
  ck_assert_msg(d != NULL, "%s", err.message);
  xmlFreeDoc(d);
  free(s);
}
END_TEST

/* The attack a run found: one element with 10,000 attributes.  Refused by
** the count before libxml2's quadratic duplicate check runs; '=' inside a
** quoted value is not an attribute. */
START_TEST(ten_thousand_attributes_are_refused_before_parsing) {
  cairn_error err = {0};
  char *s = with_attributes(10000);
  xmlDocPtr d = cairn_xml_parse(s, strlen(s), &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_ELIMIT);
  ck_assert_msg(strstr(err.message, "more than 64 attributes") != NULL, "%s",
                err.message);
  free(s);
  const char *quoted = "<r a=\"x=y=z\" b='=='><!-- a=b=c --><c d=\"1\"/></r>";
  d = cairn_xml_parse(quoted, strlen(quoted), &err);
  ck_assert_ptr_nonnull(d);
  xmlFreeDoc(d);
}
END_TEST

START_TEST(too_many_elements_are_refused) {
  cairn_error err = {0};
  size_t n = CAIRN_XML_MAX_ELEMENTS + 1;
  char *s = malloc(n * 4 + 16), *p = s;
  p += sprintf(p, "<r>");
  for (size_t i = 1; i < n; i++) p += sprintf(p, "<e/>");
  sprintf(p, "</r>");
  xmlDocPtr d = cairn_xml_parse(s, strlen(s), &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_ELIMIT);
  ck_assert_msg(strstr(err.message, "elements") != NULL, "%s", err.message);
  /* One fewer is the limit itself: accepted. */
  sprintf(s + strlen(s) - strlen("<e/></r>"), "</r>");
  d = cairn_xml_parse(s, strlen(s), &err);
  ck_assert_msg(d != NULL, "%s", err.message);
  xmlFreeDoc(d);
  free(s);
}
END_TEST

START_TEST(bad_utf8_is_refused_with_its_line) {
  cairn_error err;
  xmlDocPtr d = parse("<a>\n<b>ok</b>\n<b>\xff\xfe</b>\n</a>", &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, "line 3") != NULL, "%s", err.message);
  /* an overlong encoding of '/' is not UTF-8 either */
  d = parse("<a>\xc0\xaf</a>", &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
}
END_TEST

START_TEST(nul_byte_is_refused) {
  cairn_error err = {0};
  const char s[] = "<a>x\0y</a>";
  xmlDocPtr d = cairn_xml_parse(s, sizeof s - 1, &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
}
END_TEST

START_TEST(mismatched_tag_names_its_line) {
  cairn_error err;
  xmlDocPtr d = parse("<a>\n<b>\n</a>", &err);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_msg(strstr(err.message, "line 3") != NULL, "%s", err.message);
  ck_assert_msg(strchr(err.message, '\n') == NULL, "one line: %s",
                err.message);
}
END_TEST

START_TEST(empty_and_textless_input_is_refused) {
  cairn_error err = {0};
  ck_assert_ptr_null(cairn_xml_parse("", 0, &err));
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_ptr_null(parse("   ", &err));
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_ptr_null(parse("<?xml version='1.0'?>", &err));
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
}
END_TEST

START_TEST(trusted_file_parses_and_missing_file_is_named) {
  cairn_error err = {0};
  xmlDocPtr d = cairn_xml_parse_file(CAIRN_TEST_DATA "/note.xml", &err);
  ck_assert_msg(d != NULL, "%s", err.message);
  ck_assert_ptr_nonnull(d->URL);
  ck_assert_msg(strstr((const char *)d->URL, "note.xml") != NULL, "%s",
                d->URL);
  xmlFreeDoc(d);
  d = cairn_xml_parse_file(CAIRN_TEST_DATA "/no-such-file.xml", &err);
  ck_assert_ptr_null(d);
  ck_assert_msg(strstr(err.message, "no-such-file.xml") != NULL, "%s",
                err.message);
}
END_TEST

/* ---------------------------------------------------------- validation */

START_TEST(schema_with_sibling_include_loads) {
  xmlSchemaFree(load_note_schema());
}
END_TEST

START_TEST(schema_including_a_file_outside_is_refused) {
  cairn_error err = {0};
  xmlSchemaPtr s =
      cairn_xml_schema_load(CAIRN_TEST_DATA "/include-outside.xsd", &err);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(err.code, CAIRN_EINTERNAL);
  ck_assert_msg(strstr(err.message, "include-outside.xsd") != NULL, "%s",
                err.message);
  ck_assert_msg(strstr(err.message, "root:") == NULL, "%s", err.message);
}
END_TEST

START_TEST(missing_schema_is_named) {
  cairn_error err = {0};
  ck_assert_ptr_null(cairn_xml_schema_load(CAIRN_TEST_DATA "/nope.xsd", &err));
  ck_assert_int_eq(err.code, CAIRN_EINTERNAL);
  ck_assert_msg(strstr(err.message, "nope.xsd") != NULL, "%s", err.message);
}
END_TEST

START_TEST(valid_record_validates) {
  xmlSchemaPtr s = load_note_schema();
  cairn_error err;
  xmlDocPtr d = parse("<Note xmlns='urn:cairn:test'><subject>x</subject>"
                      "<score>9.5</score></Note>", &err);
  ck_assert_ptr_nonnull(d);
  ck_assert_int_eq(cairn_xml_validate(s, d, &err), 0);
  xmlFreeDoc(d);
  xmlSchemaFree(s);
}
END_TEST

START_TEST(invalid_record_names_element_and_line) {
  xmlSchemaPtr s = load_note_schema();
  cairn_error err;
  xmlDocPtr d = parse("<Note xmlns='urn:cairn:test'>\n<subject>x</subject>\n"
                      "<score>eleven</score></Note>", &err);
  ck_assert_ptr_nonnull(d);
  ck_assert_int_eq(cairn_xml_validate(s, d, &err), CAIRN_EINVAL);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "score");
  ck_assert_msg(strstr(err.message, "line 3") != NULL, "%s", err.message);
  ck_assert_msg(strstr(err.message, "eleven") != NULL, "%s", err.message);
  ck_assert_msg(strchr(err.message, '{') == NULL, "no {namespace}: %s",
                err.message);
  xmlFreeDoc(d);

  d = parse("<Note xmlns='urn:cairn:test'><subject>x</subject>"
            "<score>10.5</score></Note>", &err);
  ck_assert_int_eq(cairn_xml_validate(s, d, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "score");
  xmlFreeDoc(d);

  d = parse("<Note xmlns='urn:cairn:test'><score>1</score></Note>", &err);
  ck_assert_int_eq(cairn_xml_validate(s, d, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "score");  /* "subject" expected instead */
  ck_assert_msg(strstr(err.message, "subject") != NULL, "%s", err.message);
  xmlFreeDoc(d);

  d = parse("<Other xmlns='urn:cairn:test'/>", &err);
  ck_assert_int_eq(cairn_xml_validate(s, d, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "Other");
  xmlFreeDoc(d);
  xmlSchemaFree(s);
}
END_TEST

START_TEST(built_document_error_has_field_without_line) {
  xmlSchemaPtr s = load_note_schema();
  cairn_error err = {0};
  xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
  xmlNodePtr root = xmlNewDocNode(d, NULL, BAD_CAST "Note", NULL);
  xmlNsPtr ns = xmlNewNs(root, BAD_CAST "urn:cairn:test", NULL);
  xmlSetNs(root, ns);
  xmlDocSetRootElement(d, root);
  xmlNewChild(root, ns, BAD_CAST "subject", BAD_CAST "");
  ck_assert_int_eq(cairn_xml_validate(s, d, &err), CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "subject");
  xmlFreeDoc(d);
  xmlSchemaFree(s);
}
END_TEST

static Suite *xml_suite(void) {
  Suite *s = suite_create("xml");
  TCase *p = tcase_create("parse"), *v = tcase_create("validate");
  tcase_add_checked_fixture(p, setup, NULL);
  tcase_add_checked_fixture(v, setup, NULL);
  tcase_add_test(p, valid_document_parses);
  tcase_add_test(p, doctype_is_refused);
  tcase_add_test(p, doctype_with_public_id_is_refused);
  tcase_add_test(p, billion_laughs_is_refused);
  tcase_add_test(p, undeclared_entity_is_refused);
  tcase_add_test(p, external_entity_is_not_read);
  tcase_add_test(p, careless_parse_still_cannot_read_outside_files);
  tcase_add_test(p, entity_loader_serves_only_the_allowed_directory);
  tcase_add_test(p, depth_at_the_limit_is_accepted);
  tcase_add_test(p, too_deep_is_refused);
  tcase_add_test(p, size_at_the_limit_is_accepted);
  tcase_add_test(p, too_big_is_refused);
  tcase_add_test(p, attributes_at_the_limit_are_accepted);
  tcase_add_test(p, ten_thousand_attributes_are_refused_before_parsing);
  tcase_add_test(p, too_many_elements_are_refused);
  tcase_add_test(p, bad_utf8_is_refused_with_its_line);
  tcase_add_test(p, nul_byte_is_refused);
  tcase_add_test(p, mismatched_tag_names_its_line);
  tcase_add_test(p, empty_and_textless_input_is_refused);
  tcase_add_test(p, trusted_file_parses_and_missing_file_is_named);
  tcase_add_test(v, schema_with_sibling_include_loads);
  tcase_add_test(v, schema_including_a_file_outside_is_refused);
  tcase_add_test(v, missing_schema_is_named);
  tcase_add_test(v, valid_record_validates);
  tcase_add_test(v, invalid_record_names_element_and_line);
  tcase_add_test(v, built_document_error_has_field_without_line);
  suite_add_tcase(s, p);
  suite_add_tcase(s, v);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(xml_suite());
  int failed;
  srunner_run_all(r, CK_NORMAL);
  failed = srunner_ntests_failed(r);
  srunner_free(r);
  xmlCleanupParser();
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
