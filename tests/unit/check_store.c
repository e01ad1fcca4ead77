/*
** check_store.c -- unit tests of core/store/store_*.c: records are validated,
** versioned, append-only and projected in one transaction; events run in
** that transaction; plugin SQL is read-only.
**
** The registry is built by hand: record types test:Person (a patient
** type), test:Note (projections, a check hook) and test:Tally (written by
** a subscriber of test:Note), all from tests/unit/data/note.xsd.
**
** Needs: core/store/store_*.c core/lib/xml.c core/lib/arena.c core/lib/log.c.
** CAIRN_TEST_DATA is the directory of tests/unit/data.
*/
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/xpath.h>

#include "cairn_int.h"
#include "access.h"
#include "store_db.h"

#ifndef CAIRN_TEST_DATA
#define CAIRN_TEST_DATA "tests/unit/data"
#endif

#define NS "urn:cairn:test"

/* --------------------------------------------------------- the plugin */

static int check_calls;        /* times the Note check hook ran */
static int event_in_txn;       /* the subscriber saw an open transaction */
static int event_saw_row;      /* ... and the Note's projection row */
static int tally_chain;        /* Tally subscriber writes another Tally */
static int deepest;            /* deepest req->event_depth seen */
static int note_depth;         /* req->event_depth in the Note subscriber */

/* Text of the first child element `name` of the root, or NULL. */
static xmlNodePtr child(xmlDocPtr d, const char *name) {
  xmlNodePtr n;
  for (n = xmlDocGetRootElement(d)->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
      return n;
  return NULL;
}

/* Note's check hook: "refuse" is refused; "break" sets an out-of-range
** score (the second validation must catch it); otherwise it sets the
** computed element <checked>yes</checked>. */
static int note_check(cairn_req *req, cairn_doc *cd, cairn_error *err) {
  xmlDocPtr body = cd->xml;
  xmlNodePtr subject = child(body, "subject"), n;
  xmlChar *s = xmlNodeGetContent(subject);
  int refuse = xmlStrEqual(s, BAD_CAST "refuse");
  int brk = xmlStrEqual(s, BAD_CAST "break");
  (void)req;
  xmlFree(s);
  check_calls++;
  if (refuse)
    return cairn_fail(err, CAIRN_EINVAL, "subject", "the hook says no");
  cd->dirty = 1;   /* edited below behind the kit's back: say so */
  if (brk) {
    if ((n = child(body, "score")) != NULL)
      xmlNodeSetContent(n, BAD_CAST "99");
    return 0;
  }
  if ((n = child(body, "checked")) == NULL)
    xmlNewChild(xmlDocGetRootElement(body), xmlDocGetRootElement(body)->ns,
                BAD_CAST "checked", BAD_CAST "yes");
  else
    xmlNodeSetContent(n, BAD_CAST "yes");
  return 0;
}

static xmlDocPtr doc(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static xmlDocPtr doc(const char *fmt, ...) {
  char buf[2048];
  cairn_error err = {0};
  va_list ap;
  xmlDocPtr d;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  d = cairn_xml_parse(buf, strlen(buf), &err);
  ck_assert_msg(d != NULL, "test document: %s", err.message);
  return d;
}

/* Every Note gets a Tally naming it, in the same transaction. */
static int note_event(cairn_req *req, const cairn_record *rec,
                      cairn_error *err) {
  cairn_stmt *q;
  long long tid;
  xmlChar *s = xmlNodeGetContent(child(rec->body, "subject"));
  int boom = xmlStrEqual(s, BAD_CAST "boom"), rc;
  xmlFree(s);
  if (req->event_depth > deepest) deepest = req->event_depth;
  note_depth = req->event_depth;
  event_in_txn = !sqlite3_get_autocommit(cairn_store_db(req->store));
  q = cairn_sql_prepare(req, "SELECT version FROM p_test_note"
                             " WHERE record = :id", err);
  if (q == NULL) return err->code;
  cairn_sql_bind_int(q, "id", rec->id);
  event_saw_row = cairn_sql_step(q) == 1 && cairn_sql_int(q, 0) == rec->version;
  rc = cairn_store_create(req, "test:Tally", rec->patient,
                          doc("<Tally xmlns='" NS "'><note>%lld</note></Tally>",
                              rec->id), &tid, err);
  if (rc) return rc;
  if (boom) return cairn_fail(err, CAIRN_EINVAL, "subject", "boom refused");
  return 0;
}

/* With tally_chain set, every Tally writes another: a runaway chain. */
static int tally_event(cairn_req *req, const cairn_record *rec,
                       cairn_error *err) {
  if (req->event_depth > deepest) deepest = req->event_depth;
  if (!tally_chain) return 0;
  return cairn_store_create(req, "test:Tally", rec->patient,
                            doc("<Tally xmlns='" NS "'><note>%lld</note>"
                                "</Tally>", rec->id), NULL, err);
}

static const cairn_projection person_proj[] = {
    {"name", "r:name", CAIRN_COL_TEXT}, {NULL, NULL, 0}};
static const cairn_projection note_proj[] = {
    {"subject", "r:subject", CAIRN_COL_TEXT},
    {"count", "r:count", CAIRN_COL_INT},
    {"score", "r:score", CAIRN_COL_REAL},
    {"kind", "@kind", CAIRN_COL_TEXT},
    {NULL, NULL, 0}};
/* Variant 1 of Note: one more column, as after a plugin upgrade. */
static const cairn_projection note_proj_v1[] = {
    {"subject", "r:subject", CAIRN_COL_TEXT},
    {"count", "r:count", CAIRN_COL_INT},
    {"score", "r:score", CAIRN_COL_REAL},
    {"kind", "@kind", CAIRN_COL_TEXT},
    {"checked", "r:checked", CAIRN_COL_TEXT},
    {NULL, NULL, 0}};
static const cairn_projection tally_proj[] = {
    {"note", "r:note", CAIRN_COL_INT}, {NULL, NULL, 0}};

static const cairn_record_type types_v0[] = {
    {"test:Person", NS, "Person", "note.xsd", "test_person",
     CAIRN_RT_PATIENT, person_proj, NULL},
    {"test:Note", NS, "Note", "note.xsd", "test_note", 0, note_proj,
     note_check},
    {"test:Tally", NS, "Tally", "note.xsd", "test_tally", 0, tally_proj,
     NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL}};
static const cairn_record_type types_v1[] = {
    {"test:Person", NS, "Person", "note.xsd", "test_person",
     CAIRN_RT_PATIENT, person_proj, NULL},
    {"test:Note", NS, "Note", "note.xsd", "test_note", 0, note_proj_v1,
     note_check},
    {"test:Tally", NS, "Tally", "note.xsd", "test_tally", 0, tally_proj,
     NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL}};

static const cairn_subscription subs[] = {
    {"test:Note", note_event}, {"test:Tally", tally_event}, {NULL, NULL}};
static const char *const migrations[] = {
    "CREATE INDEX p_test_note_subject ON p_test_note(subject)", NULL};

static cairn_plugin plugin = {
    .abi_version = CAIRN_ABI_VERSION,
    .size = sizeof(cairn_plugin),
    .name = "test",
    .version = "0.0.1",
    .api_level = CAIRN_API_LEVEL,
    .description = "record types for check_store",
    .record_types = types_v0,
    .subscriptions = subs,
    .migrations = migrations,
};

/* ---------------------------------------------------------- fixture */

static char dir[64], path[96];
static xmlSchemaPtr schema;
static cairn_loaded loaded;
static cairn_rtype rtypes[3];
static cairn_registry reg;
static cairn_store *st;
static cairn_arena *arena;
static cairn_req req;

/* Fill reg from a record type list, compiling projections as the registry
** does. */
static void registry_build(const cairn_record_type *types) {
  size_t i, j;
  plugin.record_types = types;
  loaded.desc = &plugin;
  for (i = 0; i < 3; i++) {
    size_t n = 0;
    while (types[i].projections[n].column) n++;
    rtypes[i].decl = &types[i];
    rtypes[i].plugin = &loaded;
    rtypes[i].schema = schema;
    rtypes[i].n_proj = n;
    rtypes[i].proj = calloc(n, sizeof *rtypes[i].proj);
    for (j = 0; j < n; j++) {
      rtypes[i].proj[j] =
          xmlXPathCompile(BAD_CAST types[i].projections[j].xpath);
      ck_assert_ptr_nonnull(rtypes[i].proj[j]);
    }
  }
  reg.plugins = &loaded;
  reg.n_plugins = 1;
  reg.types = rtypes;
  reg.n_types = 3;
  reg.schemas_dir = CAIRN_TEST_DATA;
}

static void registry_free(void) {
  size_t i, j;
  for (i = 0; i < 3; i++) {
    for (j = 0; j < rtypes[i].n_proj; j++)
      xmlXPathFreeCompExpr(rtypes[i].proj[j]);
    free(rtypes[i].proj);
    rtypes[i].proj = NULL;
  }
}

static void open_store(const cairn_record_type *types) {
  cairn_error err = {0};
  registry_build(types);
  ck_assert_msg(cairn_store_open(path, &reg, &st, &err) == 0, "open: %s",
                err.message);
  memset(&req, 0, sizeof req);
  req.arena = arena;
  req.reg = &reg;
  req.store = st;
  req.method = "CLI";
  req.actor = "cli:tester";
}

static void close_store(void) {
  cairn_arena_reset(arena);
  cairn_store_close(st);
  st = NULL;
  registry_free();
}

static void setup(void) {
  cairn_error err = {0};
  cairn_xml_init(CAIRN_TEST_DATA);
  snprintf(dir, sizeof dir, "/tmp/cairn-store-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/test.db", dir);
  schema = cairn_xml_schema_load(CAIRN_TEST_DATA "/note.xsd", &err);
  ck_assert_msg(schema != NULL, "%s", err.message);
  arena = cairn_arena_new();
  check_calls = event_in_txn = event_saw_row = tally_chain = deepest = 0;
  note_depth = 0;
  open_store(types_v0);
}

static void teardown(void) {
  char f[128];
  if (st) close_store();
  cairn_arena_free(arena);
  xmlSchemaFree(schema);
  snprintf(f, sizeof f, "%s-wal", path); unlink(f);
  snprintf(f, sizeof f, "%s-shm", path); unlink(f);
  unlink(path);
  rmdir(dir);
}

/* ---------------------------------------------------------- helpers */

static long long one_int(const char *sql) {
  sqlite3_stmt *s;
  long long v = -1;
  ck_assert_int_eq(sqlite3_prepare_v2(cairn_store_db(st), sql, -1, &s, NULL),
                   SQLITE_OK);
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* One text value, copied into the arena ("" for NULL, "<none>" for no
** row). */
static const char *one_text(const char *sql) {
  sqlite3_stmt *s;
  const char *v = "<none>";
  ck_assert_int_eq(sqlite3_prepare_v2(cairn_store_db(st), sql, -1, &s, NULL),
                   SQLITE_OK);
  if (sqlite3_step(s) == SQLITE_ROW)
    v = cairn_arena_strdup(arena, sqlite3_column_text(s, 0)
                                      ? (const char *)sqlite3_column_text(s, 0)
                                      : "");
  sqlite3_finalize(s);
  return v;
}

/* Every row of every projection table, quoted, in a malloc'd string. */
static char *dump_projections(void) {
  static const char *const tables[] = {"p_test_person", "p_test_note",
                                       "p_test_tally", NULL};
  size_t cap = 4096, len = 0, i;
  char *out = malloc(cap);
  out[0] = '\0';
  for (i = 0; tables[i]; i++) {
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY record",
                                tables[i]);
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_prepare_v2(cairn_store_db(st), sql, -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_free(sql);
    while (sqlite3_step(s) == SQLITE_ROW) {
      int c;
      for (c = 0; c < sqlite3_column_count(s); c++) {
        const char *t = (const char *)sqlite3_column_text(s, c);
        size_t need = (t ? strlen(t) : 4) + 8;
        if (len + need >= cap) out = realloc(out, cap = 2 * cap + need);
        len += (size_t)sprintf(out + len, "%d:%s|", sqlite3_column_type(s, c),
                               t ? t : "NULL");
      }
      out[len++] = '\n';
      out[len] = '\0';
    }
    sqlite3_finalize(s);
  }
  return out;
}

static long long new_person(const char *name) {
  cairn_error err = {0};
  long long id = 0;
  int rc = cairn_store_create(&req, "test:Person", 0,
                              doc("<Person xmlns='" NS "'><name>%s</name>"
                                  "</Person>", name), &id, &err);
  ck_assert_msg(rc == 0, "person: %s", err.message);
  return id;
}

static long long new_note(long long patient, const char *subject,
                          const char *extra) {
  cairn_error err = {0};
  long long id = 0;
  int rc = cairn_store_create(&req, "test:Note", patient,
                              doc("<Note xmlns='" NS "' kind='plain'>"
                                  "<subject>%s</subject>%s</Note>", subject,
                                  extra), &id, &err);
  ck_assert_msg(rc == 0, "note: %s", err.message);
  return id;
}

/* Counts that must not move when a write is refused. */
typedef struct counts { long long versions, records, notes, tallies; } counts;
static counts snapshot(void) {
  counts c;
  c.versions = cairn_store_count(st, NULL);
  c.records = one_int("SELECT count(*) FROM record");
  c.notes = one_int("SELECT count(*) FROM p_test_note");
  c.tallies = one_int("SELECT count(*) FROM p_test_tally");
  return c;
}
static void same_counts(counts a, counts b) {
  ck_assert_int_eq(a.versions, b.versions);
  ck_assert_int_eq(a.records, b.records);
  ck_assert_int_eq(a.notes, b.notes);
  ck_assert_int_eq(a.tallies, b.tallies);
}

/* ------------------------------------------------------------- opening */

START_TEST(open_sets_wal_full_sync_foreign_keys_and_busy_timeout) {
  ck_assert_str_eq(one_text("PRAGMA journal_mode"), "wal");
  ck_assert_int_eq(one_int("PRAGMA synchronous"), 2);  /* FULL */
  ck_assert_int_eq(one_int("PRAGMA foreign_keys"), 1);
  ck_assert_int_eq(one_int("SELECT count(*) FROM sqlite_master WHERE name IN"
                           " ('p_test_note', 'p_test_person', 'p_test_tally',"
                           "  'p_test_note_patient')"), 4);
}
END_TEST

START_TEST(migrations_run_once_each) {
  ck_assert_int_eq(one_int("SELECT count(*) FROM cairn_migration WHERE"
                           " plugin = 'test' AND n = 1"), 1);
  close_store();
  open_store(types_v0);  /* would fail: the index already exists */
  ck_assert_int_eq(one_int("SELECT count(*) FROM cairn_migration"), 1);
  ck_assert_int_eq(one_int("SELECT count(*) FROM sqlite_master WHERE"
                           " name = 'p_test_note_subject'"), 1);
}
END_TEST

START_TEST(projection_table_is_rebuilt_when_its_columns_change) {
  long long p = new_person("Ann"), n = new_note(p, "first", "");
  char *sql;
  close_store();
  open_store(types_v1);
  sql = sqlite3_mprintf("SELECT checked FROM p_test_note WHERE record = %lld",
                        n);
  ck_assert_str_eq(one_text(sql), "yes");  /* filled from the stored body */
  sqlite3_free(sql);
  ck_assert_int_eq(one_int("SELECT count(*) FROM p_test_note"), 1);
  /* the migration's index survives the rebuild and does not run again */
  ck_assert_int_eq(one_int("SELECT count(*) FROM sqlite_master WHERE"
                           " name = 'p_test_note_subject'"), 1);
  ck_assert_int_eq(one_int("SELECT count(*) FROM cairn_migration"), 1);
  /* and back again: the column goes */
  close_store();
  open_store(types_v0);
  ck_assert_int_eq(one_int("SELECT count(*) FROM pragma_table_info("
                           "'p_test_note') WHERE name = 'checked'"), 0);
  ck_assert_int_eq(one_int("SELECT count(*) FROM p_test_note"), 1);
}
END_TEST

/* -------------------------------------------------------------- writes */

START_TEST(create_stores_version_1_with_projections) {
  long long p = new_person("Ann"), n;
  const cairn_record *rec;
  cairn_error err = {0};
  char *sql;
  n = new_note(p, "knee", "<count>3</count><score>5.5</score>");
  ck_assert_int_gt(n, p);
  /* a patient is its own patient; a note belongs to its patient */
  ck_assert_int_eq(one_int("SELECT patient FROM record WHERE type ="
                           " 'test:Person'"), p);
  ck_assert_int_eq(one_int("SELECT patient FROM p_test_person"), p);
  sql = sqlite3_mprintf("SELECT patient || '|' || version || '|' || status"
                        " || '|' || subject || '|' || count || '|' || score"
                        " || '|' || kind || '|' || typeof(count) || '|' ||"
                        " typeof(score) FROM p_test_note WHERE record = %lld",
                        n);
  ck_assert_str_eq(one_text(sql),
                   cairn_arena_printf(arena, "%lld|1|active|knee|3|5.5|plain|"
                                             "integer|real", p));
  sqlite3_free(sql);
  ck_assert_int_eq(cairn_store_get(&req, n, &rec, &err), 0);
  ck_assert_int_eq(rec->version, 1);
  ck_assert_int_eq(rec->patient, p);
  ck_assert_str_eq(rec->type, "test:Note");
  ck_assert_str_eq(rec->status, "active");
  ck_assert_str_eq(rec->author, "cli:tester");
  ck_assert_int_eq((int)strlen(rec->time), 20);  /* 2026-11-29T19:48:13Z */
  ck_assert(rec->time[10] == 'T' && rec->time[19] == 'Z');
  ck_assert_ptr_eq(rec->rt, &rtypes[1]);
  /* the hook's computed element was stored */
  ck_assert_ptr_nonnull(child(rec->body, "checked"));
  ck_assert_int_eq(check_calls, 1);
  ck_assert_int_eq(cairn_store_count(st, "test:Note"), 1);
  ck_assert_int_eq(cairn_store_count(st, "test:Person"), 1);
}
END_TEST

START_TEST(empty_values_project_as_null) {
  long long p = new_person("Ann"), n = new_note(p, "x", "");
  char *sql = sqlite3_mprintf("SELECT typeof(count) || typeof(score)"
                              " FROM p_test_note WHERE record = %lld", n);
  ck_assert_str_eq(one_text(sql), "nullnull");
  sqlite3_free(sql);
}
END_TEST

START_TEST(schema_failure_stores_nothing) {
  long long p = new_person("Ann");
  counts before = snapshot();
  cairn_error err = {0};
  int rc = cairn_store_create(&req, "test:Note", p,
                              doc("<Note xmlns='" NS "'><subject>x</subject>"
                                  "<score>eleven</score></Note>"), NULL, &err);
  ck_assert_int_eq(rc, CAIRN_EINVAL);
  ck_assert_int_eq(err.code, CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "score");
  same_counts(before, snapshot());
  ck_assert_int_eq(check_calls, 0);  /* the hook never saw invalid data */
}
END_TEST

START_TEST(wrong_root_element_stores_nothing) {
  long long p = new_person("Ann");
  counts before = snapshot();
  cairn_error err = {0};
  int rc = cairn_store_create(&req, "test:Note", p,
                              doc("<Person xmlns='" NS "'><name>x</name>"
                                  "</Person>"), NULL, &err);
  ck_assert_int_eq(rc, CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "Person");
  rc = cairn_store_create(&req, "test:Note", p,
                          doc("<Note xmlns='urn:other'><subject>x</subject>"
                              "</Note>"), NULL, &err);
  ck_assert_int_eq(rc, CAIRN_EINVAL);
  same_counts(before, snapshot());
}
END_TEST

START_TEST(check_hook_refusal_stores_nothing) {
  long long p = new_person("Ann");
  counts before = snapshot();
  cairn_error err = {0};
  int rc = cairn_store_create(&req, "test:Note", p,
                              doc("<Note xmlns='" NS "'><subject>refuse"
                                  "</subject></Note>"), NULL, &err);
  ck_assert_int_eq(rc, CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "subject");
  ck_assert_str_eq(err.message, "the hook says no");
  ck_assert_int_eq(check_calls, 1);
  same_counts(before, snapshot());
}
END_TEST

START_TEST(check_hook_output_is_validated_again) {
  long long p = new_person("Ann");
  counts before = snapshot();
  cairn_error err = {0};
  int rc = cairn_store_create(&req, "test:Note", p,
                              doc("<Note xmlns='" NS "'><subject>break"
                                  "</subject><score>1</score></Note>"), NULL,
                              &err);
  ck_assert_int_eq(rc, CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "score");
  same_counts(before, snapshot());
}
END_TEST

START_TEST(patient_must_exist_and_be_a_patient) {
  long long p = new_person("Ann"), n = new_note(p, "x", "");
  counts before = snapshot();
  cairn_error err = {0};
  ck_assert_int_eq(cairn_store_create(&req, "test:Note", 999,
                                      doc("<Note xmlns='" NS "'><subject>x"
                                          "</subject></Note>"), NULL, &err),
                   CAIRN_ENOTFOUND);
  ck_assert_str_eq(err.field, "patient");
  ck_assert_int_eq(cairn_store_create(&req, "test:Note", n,
                                      doc("<Note xmlns='" NS "'><subject>x"
                                          "</subject></Note>"), NULL, &err),
                   CAIRN_EINVAL);
  ck_assert_int_eq(cairn_store_create(&req, "test:Person", p,
                                      doc("<Person xmlns='" NS "'><name>x"
                                          "</name></Person>"), NULL, &err),
                   CAIRN_EINVAL);
  same_counts(before, snapshot());
}
END_TEST

START_TEST(unknown_type_bad_status_and_no_actor_are_refused) {
  long long p = new_person("Ann"), n = new_note(p, "x", "");
  counts before = snapshot();
  cairn_error err = {0};
  ck_assert_int_eq(cairn_store_create(&req, "test:Nope", p,
                                      doc("<Note xmlns='" NS "'><subject>x"
                                          "</subject></Note>"), NULL, &err),
                   CAIRN_EINVAL);
  ck_assert_int_eq(cairn_store_revise(&req, n, 1, "Bad Status!",
                                      doc("<Note xmlns='" NS "'><subject>x"
                                          "</subject></Note>"), &err),
                   CAIRN_EINVAL);
  ck_assert_str_eq(err.field, "status");
  req.actor = NULL;
  ck_assert_int_eq(cairn_store_create(&req, "test:Note", p,
                                      doc("<Note xmlns='" NS "'><subject>x"
                                          "</subject></Note>"), NULL, &err),
                   CAIRN_EINTERNAL);
  same_counts(before, snapshot());
}
END_TEST

START_TEST(versions_increase_and_old_versions_remain) {
  long long p = new_person("Ann"), n = new_note(p, "v1", "<score>1</score>");
  const cairn_record *rec;
  cairn_error err = {0};
  char *sql;
  ck_assert_int_eq(cairn_store_revise(&req, n, 1, NULL,
                                      doc("<Note xmlns='" NS "'><subject>v2"
                                          "</subject><score>2</score></Note>"),
                                      &err), 0);
  ck_assert_int_eq(cairn_store_revise(&req, n, 2, "entered-in-error",
                                      doc("<Note xmlns='" NS "'><subject>v3"
                                          "</subject></Note>"), &err), 0);
  sql = sqlite3_mprintf("SELECT group_concat(version || ':' || status, ',')"
                        " FROM (SELECT * FROM record_version WHERE record ="
                        " %lld ORDER BY version)", n);
  ck_assert_str_eq(one_text(sql), "1:active,2:active,3:entered-in-error");
  sqlite3_free(sql);
  sql = sqlite3_mprintf("SELECT body FROM record_version WHERE record = %lld"
                        " AND version = 1", n);
  ck_assert_ptr_nonnull(strstr(one_text(sql), "<subject>v1</subject>"));
  sqlite3_free(sql);
  ck_assert_int_eq(cairn_store_count(st, "test:Note"), 3);
  ck_assert_int_eq(one_int("SELECT count(*) FROM record"), 1 + 1 + 3);

  /* get and the projection both show the newest version */
  ck_assert_int_eq(cairn_store_get(&req, n, &rec, &err), 0);
  ck_assert_int_eq(rec->version, 3);
  ck_assert_str_eq(rec->status, "entered-in-error");
  /* A record read by get carries its request's arena, so the host's
  ** record_value can copy into it (it was left NULL: an abort). */
  ck_assert_ptr_eq(rec->arena, req.arena);
  ck_assert_str_eq(cairn_host_table.record_value(rec, "r:subject"), "v3");
  sql = sqlite3_mprintf("SELECT version || '|' || status || '|' || subject"
                        " || '|' || typeof(score) FROM p_test_note"
                        " WHERE record = %lld", n);
  ck_assert_str_eq(one_text(sql), "3|entered-in-error|v3|null");
  sqlite3_free(sql);
  ck_assert_int_eq(cairn_store_get(&req, 12345, &rec, &err), CAIRN_ENOTFOUND);
}
END_TEST

START_TEST(revise_with_stale_version_conflicts) {
  long long p = new_person("Ann"), n = new_note(p, "v1", "");
  counts before;
  cairn_error err = {0};
  ck_assert_int_eq(cairn_store_revise(&req, n, 1, NULL,
                                      doc("<Note xmlns='" NS "'><subject>v2"
                                          "</subject></Note>"), &err), 0);
  before = snapshot();
  ck_assert_int_eq(cairn_store_revise(&req, n, 1, NULL,
                                      doc("<Note xmlns='" NS "'><subject>"
                                          "stale</subject></Note>"), &err),
                   CAIRN_ECONFLICT);
  ck_assert_ptr_nonnull(strstr(err.message, "version 2"));
  ck_assert_int_eq(cairn_store_revise(&req, n, 3, NULL,
                                      doc("<Note xmlns='" NS "'><subject>"
                                          "ahead</subject></Note>"), &err),
                   CAIRN_ECONFLICT);
  ck_assert_int_eq(cairn_store_revise(&req, 4242, 1, NULL,
                                      doc("<Note xmlns='" NS "'><subject>x"
                                          "</subject></Note>"), &err),
                   CAIRN_ENOTFOUND);
  same_counts(before, snapshot());
}
END_TEST

START_TEST(database_refuses_update_and_delete_of_versions) {
  long long p = new_person("Ann"), n;
  sqlite3 *db = cairn_store_db(st);
  char *sql;
  const char *attempts[] = {
      "UPDATE record_version SET body = '<x/>'",
      "UPDATE record_version SET status = 'active' WHERE version = 1",
      "DELETE FROM record_version",
      "UPDATE record SET patient = NULL",
      "DELETE FROM record",
      "INSERT INTO record_version(record, version, status, author, time,"
      " body) SELECT record, version + 5, status, author, time, body FROM"
      " record_version",  /* a gap in the versions */
      NULL};
  counts before;
  int i;
  n = new_note(p, "x", "");
  before = snapshot();
  for (i = 0; attempts[i]; i++) {
    char *msg = NULL;
    int rc = sqlite3_exec(db, attempts[i], NULL, NULL, &msg);
    ck_assert_msg((rc & 0xFF) == SQLITE_CONSTRAINT, "%s: rc %d", attempts[i],
                  rc);
    ck_assert_msg(msg && (strstr(msg, "append-only") ||
                          strstr(msg, "consecutive")), "%s", msg);
    sqlite3_free(msg);
  }
  same_counts(before, snapshot());
  sql = sqlite3_mprintf("SELECT body FROM record_version WHERE record = %lld",
                        n);
  ck_assert_ptr_nonnull(strstr(one_text(sql), "<subject>x</subject>"));
  sqlite3_free(sql);
}
END_TEST

START_TEST(reindex_gives_identical_projections) {
  long long p = new_person("Ann"), q = new_person("Bob"), n, i;
  cairn_error err = {0};
  char *before, *after, *untouched;
  n = new_note(p, "a", "<count>1</count><score>2.5</score>");
  new_note(q, "b", "<count>-4</count>");
  for (i = 1; i <= 3; i++)
    ck_assert_int_eq(cairn_store_revise(&req, n, (int)i, NULL,
                                        doc("<Note xmlns='" NS "' kind='k%lld'>"
                                            "<subject>a%lld</subject><score>"
                                            "%lld.5</score></Note>", i, i, i),
                                        &err), 0);
  before = dump_projections();
  ck_assert_int_eq(cairn_store_reindex(st, &err), 0);
  untouched = dump_projections();
  ck_assert_str_eq(before, untouched);
  /* damage the derived tables; reindex restores them exactly */
  ck_assert_int_eq(sqlite3_exec(cairn_store_db(st),
                                "UPDATE p_test_note SET subject = 'junk',"
                                " score = NULL; DELETE FROM p_test_person;"
                                " DELETE FROM p_test_tally",
                                NULL, NULL, NULL), SQLITE_OK);
  after = dump_projections();
  ck_assert_str_ne(before, after);
  free(after);
  ck_assert_int_eq(cairn_store_reindex(st, &err), 0);
  after = dump_projections();
  ck_assert_str_eq(before, after);
  ck_assert_ptr_nonnull(strstr(after, "a3"));
  free(before);
  free(after);
  free(untouched);
}
END_TEST

START_TEST(acknowledged_write_survives_kill_9) {
  pid_t pid = fork();
  int status;
  ck_assert_int_ne(pid, -1);
  if (pid == 0) {  /* a worker: own connection, one write, then killed */
    cairn_store *mine;
    cairn_error err = {0};
    cairn_req r = req;
    long long id;
    if (cairn_store_open(path, &reg, &mine, &err)) _exit(1);
    r.store = mine;
    r.arena = cairn_arena_new();
    if (cairn_store_create(&r, "test:Person", 0,
                           doc("<Person xmlns='" NS "'><name>Kill</name>"
                               "</Person>"), &id, &err)) _exit(2);
    raise(SIGKILL);
    _exit(3);
  }
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ck_assert_str_eq(one_text("SELECT name FROM p_test_person"), "Kill");
  ck_assert_int_eq(cairn_store_count(st, "test:Person"), 1);
}
END_TEST

/* ----------------------------------------------------- transactions */

START_TEST(writes_inside_a_transaction_use_savepoints) {
  long long p, n;
  cairn_error err = {0};
  ck_assert_int_eq(cairn_store_begin(st, &err), 0);
  ck_assert_int_eq(cairn_store_begin(st, &err), CAIRN_EINTERNAL);
  p = new_person("Ann");
  ck_assert_int_eq(cairn_store_create(&req, "test:Note", p,
                                      doc("<Note xmlns='" NS "'><subject>"
                                          "refuse</subject></Note>"), NULL,
                                      &err), CAIRN_EINVAL);
  n = new_note(p, "kept", "");
  ck_assert_int_eq(cairn_store_commit(st, &err), 0);
  ck_assert_int_eq(one_int("SELECT count(*) FROM record"), 3);  /* +Tally */
  ck_assert_int_gt(n, p);

  ck_assert_int_eq(cairn_store_begin(st, &err), 0);
  new_note(p, "dropped", "");
  cairn_store_rollback(st);
  ck_assert_int_eq(one_int("SELECT count(*) FROM record"), 3);
  ck_assert_int_eq(one_int("SELECT count(*) FROM p_test_note WHERE subject"
                           " = 'dropped'"), 0);
}
END_TEST

/* ------------------------------------------------------------- events */

START_TEST(subscriber_runs_in_the_same_transaction) {
  long long p = new_person("Ann"), n = new_note(p, "x", "");
  char *sql;
  ck_assert_int_eq(event_in_txn, 1);
  ck_assert_int_eq(event_saw_row, 1);
  ck_assert_int_eq(note_depth, 1);  /* and its Tally's subscriber at 2 */
  ck_assert_int_eq(deepest, 2);
  sql = sqlite3_mprintf("SELECT count(*) FROM p_test_tally WHERE note = %lld"
                        " AND patient = %lld", n, p);
  ck_assert_int_eq(one_int(sql), 1);
  sqlite3_free(sql);
  ck_assert_int_eq(req.event_depth, 0);
}
END_TEST

START_TEST(subscriber_failure_rolls_everything_back) {
  long long p = new_person("Ann");
  counts before = snapshot();
  cairn_error err = {0};
  int rc = cairn_store_create(&req, "test:Note", p,
                              doc("<Note xmlns='" NS "'><subject>boom"
                                  "</subject></Note>"), NULL, &err);
  ck_assert_int_eq(rc, CAIRN_EINVAL);
  ck_assert_str_eq(err.message, "boom refused");
  ck_assert_str_eq(err.field, "subject");
  /* neither the Note nor the Tally its subscriber wrote remains */
  same_counts(before, snapshot());
  ck_assert_int_eq(req.event_depth, 0);
}
END_TEST

START_TEST(runaway_events_stop_at_the_depth_limit) {
  long long p = new_person("Ann");
  counts before = snapshot();
  cairn_error err = {0};
  int rc;
  tally_chain = 1;
  rc = cairn_store_create(&req, "test:Note", p,
                          doc("<Note xmlns='" NS "'><subject>x</subject>"
                              "</Note>"), NULL, &err);
  ck_assert_int_eq(rc, CAIRN_ELIMIT);
  ck_assert_int_eq(deepest, CAIRN_EVENT_DEPTH_MAX);
  same_counts(before, snapshot());
  ck_assert_int_eq(req.event_depth, 0);
}
END_TEST

/* -------------------------------------------------------- plugin SQL */

START_TEST(sql_prepare_refuses_anything_but_one_select) {
  const char *refused[] = {
      "DELETE FROM p_test_note",
      "INSERT INTO p_test_note(record) VALUES(1)",
      "UPDATE p_test_note SET subject = 'x'",
      "CREATE TABLE t(x)",
      "DROP TABLE p_test_note",
      "PRAGMA foreign_keys = OFF",
      "PRAGMA journal_mode",
      "BEGIN",
      "COMMIT",
      "SAVEPOINT x",
      "ATTACH DATABASE '/tmp/cairn-evil.db' AS evil",
      "SELECT 1; DELETE FROM p_test_note",
      "SELECT * FROM cairn_migration",
      "SELECT * FROM sqlite_master",
      "WITH x AS (SELECT 1) DELETE FROM p_test_note",
      "",
      "-- nothing",
      "SELEC 1",
      NULL};
  cairn_error err;
  cairn_stmt *s;
  int i;
  new_note(new_person("Ann"), "x", "");
  for (i = 0; refused[i]; i++) {
    memset(&err, 0, sizeof err);
    s = cairn_sql_prepare(&req, refused[i], &err);
    ck_assert_msg(s == NULL, "accepted: %s", refused[i]);
    ck_assert_int_eq(err.code, CAIRN_EINTERNAL);
  }
  ck_assert_int_eq(one_int("SELECT count(*) FROM p_test_note"), 1);
  ck_assert_int_eq(one_int("PRAGMA foreign_keys"), 1);
  ck_assert(sqlite3_get_autocommit(cairn_store_db(st)));
  s = cairn_sql_prepare(&req, "SELECT count(*) FROM p_test_note n JOIN record"
                              " r ON r.id = n.record -- trailing comment",
                        &err);
  ck_assert_msg(s != NULL, "%s", err.message);
  ck_assert_int_eq(cairn_sql_step(s), 1);
  ck_assert_int_eq(cairn_sql_int(s, 0), 1);
  ck_assert_int_eq(cairn_sql_step(s), 0);
}
END_TEST

/* Kept tables (p_<plugin>_kept_*): a statement from
** cairn_sql_prepare_kept may write their rows, only inside a write
** transaction, and nothing else; cairn_sql_prepare still may not. */
START_TEST(sql_prepare_kept_writes_kept_tables_only_in_a_transaction) {
  const char *refused[] = {
      "INSERT INTO p_test_note(record) VALUES(1)",
      "DELETE FROM p_test_note",
      "UPDATE p_test_note SET subject = 'x'",
      "DELETE FROM record",
      "INSERT INTO p_test_kept_sum(k, v) SELECT plugin, n FROM cairn_migration",
      "CREATE TABLE p_test_kept_other(x)",
      "DROP TABLE p_test_kept_sum",
      "PRAGMA foreign_keys = OFF",
      "INSERT INTO p_test_kept_sum(k, v) VALUES('a', 1);"
      " DELETE FROM p_test_note",
      NULL};
  cairn_error err = {0};
  cairn_stmt *s;
  int i;
  ck_assert_int_eq(sqlite3_exec(cairn_store_db(st),
                                "CREATE TABLE p_test_kept_sum(k TEXT"
                                " PRIMARY KEY, v INTEGER)", NULL, NULL, NULL),
                   SQLITE_OK);
  new_note(new_person("Ann"), "x", "");
  /* outside a transaction: refused */
  s = cairn_sql_prepare_kept(&req, "INSERT INTO p_test_kept_sum(k, v)"
                                   " VALUES('a', 1)", &err);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(err.code, CAIRN_EINTERNAL);
  /* the read-only kind never writes them */
  memset(&err, 0, sizeof err);
  ck_assert_ptr_null(cairn_sql_prepare(&req, "INSERT INTO p_test_kept_sum"
                                             "(k, v) VALUES('a', 1)", &err));
  ck_assert_int_eq(cairn_store_begin(st, &err), 0);
  for (i = 0; refused[i]; i++) {
    memset(&err, 0, sizeof err);
    s = cairn_sql_prepare_kept(&req, refused[i], &err);
    ck_assert_msg(s == NULL, "accepted: %s", refused[i]);
    ck_assert_int_eq(err.code, CAIRN_EINTERNAL);
  }
  s = cairn_sql_prepare_kept(&req, "INSERT INTO p_test_kept_sum(k, v)"
                                   " VALUES(:k, 1) ON CONFLICT(k) DO UPDATE"
                                   " SET v = v + 1", &err);
  ck_assert_msg(s != NULL, "%s", err.message);
  cairn_sql_bind_text(s, "k", "a");
  ck_assert_int_eq(cairn_sql_step(s), 0);
  cairn_sql_bind_text(s, "k", "a");
  ck_assert_int_eq(cairn_sql_step(s), 0);
  s = cairn_sql_prepare_kept(&req, "DELETE FROM p_test_kept_sum WHERE v = 0",
                             &err);
  ck_assert_msg(s != NULL, "%s", err.message);
  ck_assert_int_eq(cairn_sql_step(s), 0);
  ck_assert_int_eq(one_int("SELECT v FROM p_test_kept_sum WHERE k = 'a'"), 2);
  /* it rolls back with the transaction, like the records */
  cairn_store_rollback(st);
  ck_assert_int_eq(one_int("SELECT count(*) FROM p_test_kept_sum"), 0);
  ck_assert_int_eq(one_int("SELECT count(*) FROM p_test_note"), 1);
  ck_assert(sqlite3_get_autocommit(cairn_store_db(st)));
}
END_TEST

START_TEST(unknown_bind_name_is_refused) {
  long long p = new_person("Ann"), n = new_note(p, "knee", "<score>4</score>");
  cairn_error err = {0};
  cairn_stmt *s = cairn_sql_prepare(&req, "SELECT subject, score, count FROM"
                                          " p_test_note WHERE record = :id",
                                    &err);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(cairn_sql_bind_int(s, "nope", n), CAIRN_EINVAL);
  ck_assert_int_eq(cairn_sql_bind_text(s, ":nope", "x"), CAIRN_EINVAL);
  ck_assert_int_eq(cairn_sql_bind_real(s, "", 1.0), CAIRN_EINVAL);
  ck_assert_int_eq(cairn_sql_bind_int(s, "id", n), 0);
  ck_assert_int_eq(cairn_sql_step(s), 1);
  ck_assert_str_eq(cairn_sql_text(s, 0), "knee");
  ck_assert(cairn_sql_real(s, 1) == 4.0);
  ck_assert_int_eq(cairn_sql_is_null(s, 2), 1);
  ck_assert_str_eq(cairn_sql_text(s, 2), "");  /* NULL reads as "" */
  ck_assert_int_eq(cairn_sql_step(s), 0);
  /* binding again restarts the statement with the new value */
  ck_assert_int_eq(cairn_sql_bind_int(s, ":id", p), 0);  /* ':' accepted */
  ck_assert_int_eq(cairn_sql_step(s), 0);  /* p is a Person, not a Note */
  ck_assert_int_eq(cairn_sql_bind_int(s, "id", n), 0);
  ck_assert_int_eq(cairn_sql_step(s), 1);
  ck_assert_str_eq(cairn_sql_text(s, 0), "knee");
}
END_TEST

START_TEST(core_statements_prepare_once_then_never_again) {
  /* A record write and read, a sign-in's worth of access queries and an
  ** audit entry, twice: the second round prepares nothing. */
  cairn_error err = {0};
  unsigned long long before = 0;
  ck_assert_int_eq(cairn_staff_add(st, "warm", "Warm Person", "clinician",
                                   "a long password for tests", &err), 0);
  for (int round = 0; round < 2; round++) {
    cairn_staff who;
    char sid[44];
    int retry = 0;
    const cairn_record *rec;
    cairn_audit_entry e = { .actor = "warm", .role = "clinician",
                            .method = "GET", .route = "/x", .path = "/x",
                            .outcome = "200", .remote = "127.0.0.1" };
    if (round == 1) before = cairn_store_prepare_count();
    long long p = new_person(round ? "Bob" : "Ann");
    ck_assert_int_eq(cairn_store_get(&req, p, &rec, &err), 0);
    ck_assert_int_eq(cairn_signin(st, "warm", "a long password for tests",
                                  "127.0.0.1", sid, &retry, &who, &err), 0);
    ck_assert_int_eq(cairn_session_get(st, sid, &who), 0);
    ck_assert_int_eq(cairn_audit_append(st, &e, &err), 0);
    cairn_arena_reset(arena);
  }
  ck_assert_uint_eq(cairn_store_prepare_count() - before, 0);
}
END_TEST

START_TEST(core_statement_with_an_unknown_name_refuses_to_run) {
  cairn_error err = {0};
  cairn_stmt *s = cairn_db_prepare(st, "SELECT count(*) FROM staff"
                                       " WHERE username = :username", &err);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(cairn_sql_bind_text(s, ":user", "x"), CAIRN_EINVAL);
  ck_assert_int_eq(cairn_sql_step(s), CAIRN_EINTERNAL);  /* not a 0 count */
  cairn_db_done(s);
  ck_assert_int_eq(cairn_sql_bind_text(s, ":username", "x"), 0);
  ck_assert_int_eq(cairn_sql_step(s), 1);
  ck_assert_int_eq(cairn_sql_int(s, 0), 0);
  cairn_db_done(s);
  s = cairn_db_prepare(st, "DELETE FROM rate_event WHERE bucket = :bucket",
                       &err);
  cairn_sql_bind_text(s, ":bucket_typo", "x");
  ck_assert_int_eq(cairn_db_run(s, &err), CAIRN_EINTERNAL);
}
END_TEST

START_TEST(statements_are_cached_and_reset_when_the_request_ends) {
  static const char sql[] = "SELECT record FROM p_test_person ORDER BY record";
  long long a = new_person("Ann"), b = new_person("Bob");
  cairn_error err = {0};
  cairn_stmt *s1, *s2, *s3;
  const char *kept;
  s1 = cairn_sql_prepare(&req, sql, &err);
  ck_assert_ptr_nonnull(s1);
  ck_assert_int_eq(cairn_sql_step(s1), 1);
  ck_assert_int_eq(cairn_sql_int(s1, 0), a);
  kept = cairn_sql_text(s1, 0);
  /* the same text while s1 is held: a separate statement, own cursor */
  s2 = cairn_sql_prepare(&req, sql, &err);
  ck_assert_ptr_nonnull(s2);
  ck_assert_ptr_ne(s1, s2);
  ck_assert_int_eq(cairn_sql_step(s2), 1);
  ck_assert_int_eq(cairn_sql_step(s1), 1);
  ck_assert_int_eq(cairn_sql_int(s1, 0), b);
  ck_assert_str_eq(kept, cairn_arena_printf(arena, "%lld", a));
  /* once a run is finished, the same text gets the cached one back */
  ck_assert_int_eq(cairn_sql_step(s1), 0);
  ck_assert_ptr_eq(cairn_sql_prepare(&req, sql, &err), s1);
  ck_assert_int_eq(cairn_sql_step(s1), 1);  /* from the first row */
  ck_assert_int_eq(cairn_sql_int(s1, 0), a);
  for (int i = 0; i < 50; i++) {  /* prepare in a loop: no new statements */
    cairn_stmt *again = cairn_sql_prepare(&req, "SELECT count(*) FROM"
                                                " p_test_person", &err);
    ck_assert_int_eq(cairn_sql_step(again), 1);
    ck_assert_int_eq(cairn_sql_int(again, 0), 2);
    ck_assert_int_eq(cairn_sql_step(again), 0);
    if (i > 0) ck_assert_ptr_eq(again, s3);
    s3 = again;
  }
  /* the request ends: the cached one is reset and handed out again */
  cairn_arena_reset(arena);
  s3 = cairn_sql_prepare(&req, sql, &err);
  ck_assert_ptr_eq(s3, s1);
  ck_assert_int_eq(cairn_sql_step(s3), 1);
  ck_assert_int_eq(cairn_sql_int(s3, 0), a);  /* from the first row again */
  cairn_arena_reset(arena);
  /* bindings are cleared too */
  s1 = cairn_sql_prepare(&req, "SELECT count(*) FROM p_test_person WHERE"
                               " record = :id", &err);
  ck_assert_int_eq(cairn_sql_bind_int(s1, "id", a), 0);
  ck_assert_int_eq(cairn_sql_step(s1), 1);
  ck_assert_int_eq(cairn_sql_int(s1, 0), 1);
  cairn_arena_reset(arena);
  s2 = cairn_sql_prepare(&req, "SELECT count(*) FROM p_test_person WHERE"
                               " record = :id", &err);
  ck_assert_ptr_eq(s1, s2);
  ck_assert_int_eq(cairn_sql_step(s2), 1);
  ck_assert_int_eq(cairn_sql_int(s2, 0), 0);  /* :id is NULL now */
}
END_TEST

/* A statement read for its first row and marked done is handed back by
** the next prepare of its SQL (left open, each prepare is a fresh copy with
** its own cursor); what was read from it stays valid. */
START_TEST(sql_done_hands_the_statement_back) {
  static const char sql[] = "SELECT record FROM p_test_person ORDER BY record"
                            " LIMIT 1";
  long long a = new_person("Ann");
  new_person("Bob");
  cairn_error err = {0};
  cairn_stmt *s1 = cairn_sql_prepare(&req, sql, &err), *s2;
  ck_assert_int_eq(cairn_sql_step(s1), 1);
  const char *text = cairn_sql_text(s1, 0);
  /* left in the middle of its rows: the next prepare is another copy */
  s2 = cairn_sql_prepare(&req, sql, &err);
  ck_assert_ptr_ne(s2, s1);
  ck_assert_int_eq(cairn_sql_step(s2), 1);
  cairn_sql_done(s2);
  cairn_sql_done(s1);
  ck_assert_str_eq(text, cairn_arena_printf(arena, "%lld", a));
  /* done: the same statement, from its first row */
  for (int i = 0; i < 20; i++) {
    cairn_stmt *again = cairn_sql_prepare(&req, sql, &err);
    ck_assert_ptr_eq(again, s1);
    ck_assert_int_eq(cairn_sql_step(again), 1);
    ck_assert_int_eq(cairn_sql_int(again, 0), a);
    cairn_sql_done(again);
  }
  cairn_sql_done(NULL);  /* harmless */
  cairn_arena_reset(arena);
}
END_TEST

/* Found by tests/integration/concurrency.test.mjs: under 8 workers the
** audit entries of chart reads were lost with "database is locked".  The
** handler's read statement was still stepped when the request's audit
** entry was appended; upgrading that stale read snapshot to BEGIN
** IMMEDIATE fails at once with SQLITE_BUSY, without the busy timeout. */
START_TEST(audit_append_after_a_half_stepped_read_and_another_write) {
  new_person("Ann");
  new_person("Bob");
  cairn_error err = {0};
  cairn_stmt *s = cairn_sql_prepare(&req, "SELECT record FROM p_test_person"
                                          " ORDER BY record", &err);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(cairn_sql_step(s), 1);   /* a read snapshot is open */
  sqlite3 *other = NULL;                    /* another worker writes */
  ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(other, "CREATE TABLE t_other(a);"
                                       " INSERT INTO t_other VALUES(1)",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(other);
  cairn_audit_entry e = { .actor = "cli:tester", .role = "clinician",
                          .method = "GET", .route = "/patients/1",
                          .path = "/patients/1", .outcome = "200",
                          .remote = "127.0.0.1", .patient = 1 };
  ck_assert_msg(cairn_audit_append(st, &e, &err) == 0, "audit: %s", err.message);
  long long n = 0;
  ck_assert_int_eq(cairn_audit_verify(st, &n, &err), 0);
  ck_assert_int_eq(n, 1);
}
END_TEST

/* The statement cache looks a text up by its address first: the same
** buffer holding another text must still get its own statement. */
START_TEST(sql_in_a_reused_buffer_gets_its_own_statement) {
  char sql[64];
  cairn_error err = {0};
  for (int i = 1; i <= 3; i++) {
    snprintf(sql, sizeof sql, "SELECT %d FROM p_test_note LIMIT 1", i);
    cairn_stmt *a = cairn_sql_prepare(&req, sql, &err);
    ck_assert_ptr_nonnull(a);
    snprintf(sql, sizeof sql, "SELECT %d", 10 * i);
    cairn_stmt *b = cairn_sql_prepare(&req, sql, &err);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_ne(a, b);
    ck_assert_int_eq(cairn_sql_step(b), 1);
    ck_assert_int_eq(cairn_sql_int(b, 0), 10 * i);
  }
}
END_TEST

/* The store's busy handler waits for another process's write lock (held
** here for LOCK_HOLD_MS, well inside CAIRN_BUSY_TIMEOUT_MS) instead of
** failing with SQLITE_BUSY. */
#define LOCK_HOLD_MS 300
START_TEST(begin_waits_for_another_process_write_lock) {
  int ready[2];
  ck_assert_int_eq(pipe(ready), 0);
  pid_t child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    sqlite3 *other = NULL;
    char c = 1;
    if (sqlite3_open(path, &other) != SQLITE_OK ||
        sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
      _exit(1);
    if (write(ready[1], &c, 1) != 1) _exit(1);
    usleep(LOCK_HOLD_MS * 1000);
    sqlite3_exec(other, "COMMIT", NULL, NULL, NULL);
    _exit(0);
  }
  char c;
  ck_assert_int_eq(read(ready[0], &c, 1), 1);   /* the lock is held now */
  cairn_error err = {0};
  ck_assert_msg(cairn_store_begin(st, &err) == 0, "begin: %s", err.message);
  cairn_store_rollback(st);
  int status = 0;
  ck_assert_int_eq(waitpid(child, &status, 0), child);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(ready[0]);
  close(ready[1]);
}
END_TEST

static Suite *store_suite(void) {
  Suite *s = suite_create("store");
  TCase *o = tcase_create("open"), *w = tcase_create("write"),
        *e = tcase_create("events"), *q = tcase_create("sql");
  TCase *all[] = {o, w, e, q};
  size_t i;
  for (i = 0; i < 4; i++) {
    tcase_add_checked_fixture(all[i], setup, teardown);
    tcase_set_timeout(all[i], 30);
    suite_add_tcase(s, all[i]);
  }
  tcase_add_test(o, open_sets_wal_full_sync_foreign_keys_and_busy_timeout);
  tcase_add_test(o, begin_waits_for_another_process_write_lock);
  tcase_add_test(o, sql_in_a_reused_buffer_gets_its_own_statement);
  tcase_add_test(o, migrations_run_once_each);
  tcase_add_test(o, projection_table_is_rebuilt_when_its_columns_change);
  tcase_add_test(w, create_stores_version_1_with_projections);
  tcase_add_test(w, empty_values_project_as_null);
  tcase_add_test(w, schema_failure_stores_nothing);
  tcase_add_test(w, wrong_root_element_stores_nothing);
  tcase_add_test(w, check_hook_refusal_stores_nothing);
  tcase_add_test(w, check_hook_output_is_validated_again);
  tcase_add_test(w, patient_must_exist_and_be_a_patient);
  tcase_add_test(w, unknown_type_bad_status_and_no_actor_are_refused);
  tcase_add_test(w, versions_increase_and_old_versions_remain);
  tcase_add_test(w, revise_with_stale_version_conflicts);
  tcase_add_test(w, database_refuses_update_and_delete_of_versions);
  tcase_add_test(w, reindex_gives_identical_projections);
  tcase_add_test(w, acknowledged_write_survives_kill_9);
  tcase_add_test(w, writes_inside_a_transaction_use_savepoints);
  tcase_add_test(e, subscriber_runs_in_the_same_transaction);
  tcase_add_test(e, subscriber_failure_rolls_everything_back);
  tcase_add_test(e, runaway_events_stop_at_the_depth_limit);
  tcase_add_test(q, sql_prepare_refuses_anything_but_one_select);
  tcase_add_test(q, sql_prepare_kept_writes_kept_tables_only_in_a_transaction);
  tcase_add_test(q, unknown_bind_name_is_refused);
  tcase_add_test(q, statements_are_cached_and_reset_when_the_request_ends);
  tcase_add_test(q, sql_done_hands_the_statement_back);
  tcase_add_test(q, core_statements_prepare_once_then_never_again);
  tcase_add_test(q, core_statement_with_an_unknown_name_refuses_to_run);
  tcase_add_test(q, audit_append_after_a_half_stepped_read_and_another_write);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(store_suite());
  int failed;
  srunner_run_all(r, CK_NORMAL);
  failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
