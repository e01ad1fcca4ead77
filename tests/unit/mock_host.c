/*
** mock_host.c -- the host table of mock_host.h: the core's pure kit
** entries, and fakes for the request, records and SQL.
*/
#define CAIRN_CORE_BUILD 1
#include "cairn_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"

/* A preloaded result: rows for statements containing `fragment`. */
typedef struct mock_table {
  const char *fragment;      /* matched with strstr against the SQL */
  int n_cols, n_rows;
  const char *cell[MOCK_ROWS_MAX][MOCK_COLS_MAX]; /* NULL: SQL NULL */
} mock_table;

/* A statement being stepped: which table, which row. */
struct mock_stmt {
  const mock_table *t;       /* NULL: a statement with no rows */
  int row;                   /* the current row, -1 before the first */
};

/* Form fields a test can post. */
#define MOCK_FORM_MAX 32

static struct {
  cairn_arena *arena;        /* everything below, freed by mock_host_free */
  cairn_req *req;            /* the one request of a test */
  char schemas[1024];        /* where xml_load's schemas are */
  mock_table tables[MOCK_TABLES_MAX];
  int n_tables;
  cairn_kv form[MOCK_FORM_MAX];
  int records_created;
} mock;

cairn_req *mock_host_reset(const char *today, const char *schemas) {
  mock_host_free();
  mock.arena = cairn_arena_new();
  mock.req = cairn_arena_alloc(mock.arena, sizeof *mock.req);
  mock.req->arena = mock.arena;
  mock.req->method = "POST";
  mock.req->path = "/";
  mock.req->content_type = "";
  mock.req->actor = "test";
  mock.req->form = mock.form;
  snprintf(mock.req->today, sizeof mock.req->today, "%s", today);
  snprintf(mock.schemas, sizeof mock.schemas, "%s", schemas);
  return mock.req;
}

void mock_host_free(void) {
  if (mock.arena != NULL) cairn_arena_free(mock.arena);
  memset(&mock, 0, sizeof mock);
}

void mock_sql_rows(const char *fragment, int n_cols, int n_rows, ...) {
  mock_table *t;
  va_list ap;
  int r, c;
  if (mock.n_tables == MOCK_TABLES_MAX || n_cols > MOCK_COLS_MAX ||
      n_rows > MOCK_ROWS_MAX)
    abort();   /* a test asking for more than the mock holds is a bug */
  t = &mock.tables[mock.n_tables++];
  t->fragment = fragment;
  t->n_cols = n_cols;
  t->n_rows = n_rows;
  va_start(ap, n_rows);
  for (r = 0; r < n_rows; r++)
    for (c = 0; c < n_cols; c++) t->cell[r][c] = va_arg(ap, const char *);
  va_end(ap);
}

void mock_form(const char *name, const char *value) {
  if (mock.req->n_form == MOCK_FORM_MAX) abort();
  mock.form[mock.req->n_form].name = name;
  mock.form[mock.req->n_form++].value = value;
}

void mock_content_type(const char *ct) { mock.req->content_type = ct; }

int mock_records_created(void) { return mock.records_created; }

/* ------------------------------------------------------------ request */

static const char *m_req_method(cairn_req *r) { return r->method; }
static const char *m_req_path(cairn_req *r) { return r->path; }
static const char *m_req_param(cairn_req *r, const char *name) {
  return cairn_kv_get(r->params, r->n_params, name);
}
static const char *m_req_query(cairn_req *r, const char *name) {
  return cairn_kv_get(r->query, r->n_query, name);
}
static const char *m_req_form(cairn_req *r, const char *name) {
  return cairn_kv_get(r->form, r->n_form, name);
}
static const char *m_req_content_type(cairn_req *r) {
  return r->content_type;
}
static const char *m_req_actor(cairn_req *r) { return r->actor; }
static const char *m_req_today(cairn_req *r) { return r->today; }
static void *m_req_alloc(cairn_req *r, size_t n) {
  return cairn_arena_alloc(r->arena, n);
}
static char *m_req_strdup(cairn_req *r, const char *s) {
  return cairn_arena_strdup(r->arena, s);
}
static char *m_req_printf(cairn_req *r, const char *fmt, ...) {
  va_list ap;
  char *s;
  va_start(ap, fmt);
  s = cairn_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
  return s;
}
static const char *m_req_role(cairn_req *r) {
  (void)r;
  return "clinician";
}

/* ------------------------------------------------------------ records */

static int m_record_create(cairn_req *r, const char *type, long long patient,
                           cairn_doc *body, long long *id, cairn_error *err) {
  (void)r, (void)type, (void)patient, (void)body, (void)err;
  *id = ++mock.records_created;
  return CAIRN_OK;
}
static int m_record_get(cairn_req *r, long long id, const cairn_record **out,
                        cairn_error *err) {
  (void)r;
  *out = NULL;
  return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "no record %lld (mock)", id);
}
static const char *m_record_value(const cairn_record *rec,
                                  const char *xpath) {
  (void)rec, (void)xpath;
  return "";
}

/* ---------------------------------------------------------------- SQL */

static cairn_stmt *m_sql_prepare(cairn_req *r, const char *sql,
                                 cairn_error *err) {
  struct mock_stmt *st = cairn_arena_alloc(r->arena, sizeof *st);
  int i;
  (void)err;
  st->row = -1;
  for (i = 0; i < mock.n_tables && st->t == NULL; i++)
    if (strstr(sql, mock.tables[i].fragment) != NULL)
      st->t = &mock.tables[i];
  return (cairn_stmt *)st;
}
static int m_bind_text(cairn_stmt *st, const char *name, const char *v) {
  (void)st, (void)name, (void)v;
  return 0;
}
static int m_bind_int(cairn_stmt *st, const char *name, long long v) {
  (void)st, (void)name, (void)v;
  return 0;
}
static int m_bind_real(cairn_stmt *st, const char *name, double v) {
  (void)st, (void)name, (void)v;
  return 0;
}
static int m_sql_step(cairn_stmt *s) {
  struct mock_stmt *st = (struct mock_stmt *)s;
  if (st->t == NULL || st->row + 1 >= st->t->n_rows) return 0;
  st->row++;
  return 1;
}
/* The cell of the current row, NULL for SQL NULL or no such column. */
static const char *cell(cairn_stmt *s, int col) {
  struct mock_stmt *st = (struct mock_stmt *)s;
  if (st->t == NULL || st->row < 0 || col < 0 || col >= st->t->n_cols)
    return NULL;
  return st->t->cell[st->row][col];
}
static const char *m_sql_text(cairn_stmt *s, int col) {
  const char *v = cell(s, col);
  return v ? v : "";
}
static long long m_sql_int(cairn_stmt *s, int col) {
  const char *v = cell(s, col);
  return v ? strtoll(v, NULL, 10) : 0;
}
static double m_sql_real(cairn_stmt *s, int col) {
  const char *v = cell(s, col);
  return v ? strtod(v, NULL) : 0;
}
static int m_sql_is_null(cairn_stmt *s, int col) { return cell(s, col) == NULL; }

/* ------------------------------------------- data files, logs, dates */

/* Parse and validate against the schemas directory, as the host does;
** the document belongs to the test's request (doc_free is a no-op). */
static cairn_doc *m_xml_load(const char *path, const char *xsd,
                             cairn_error *err) {
  char full[2048];
  xmlSchemaPtr schema;
  xmlDocPtr doc;
  snprintf(full, sizeof full, "%s/%s", mock.schemas, xsd);
  schema = cairn_xml_schema_load(full, err);
  if (schema == NULL) return NULL;
  doc = cairn_xml_parse_file(path, err);
  if (doc != NULL && cairn_xml_validate(schema, doc, err) != 0) {
    xmlFreeDoc(doc);
    doc = NULL;
  }
  xmlSchemaFree(schema);
  return doc ? cairn_doc_adopt(mock.req, doc) : NULL;
}
static void m_doc_free(cairn_doc *d) { (void)d; }
static const char *m_config_get(const cairn_plugin_config *cfg,
                                const char *name) {
  (void)cfg, (void)name;
  return NULL;
}
static void m_log(int level, const char *fmt, ...) {
  (void)level, (void)fmt;
}
static const char *m_date_format(cairn_req *r, long days) {
  char buf[11];
  cairn_day_format(buf, days);
  return cairn_arena_strdup(r->arena, buf);
}
static long m_date_today(cairn_req *r) {
  long d = 0;
  cairn_day_parse(r->today, &d);
  return d;
}
static const char *m_url_encode(cairn_req *r, const char *s) {
  return cairn_text_url_encode(r->arena, s);
}
static const char *m_format_number(cairn_req *r, double v, int decimals) {
  return cairn_text_format_number(r->arena, v, decimals);
}
static cairn_doc *m_doc_new(cairn_req *r, const char *ns, const char *root) {
  return cairn_doc_new(r, ns, root);
}

const cairn_api mock_api = {
  .size = sizeof(cairn_api),
  .api_level = CAIRN_API_LEVEL,
  /* the request: fakes */
  .req_method = m_req_method,
  .req_path = m_req_path,
  .req_param = m_req_param,
  .req_query = m_req_query,
  .req_form = m_req_form,
  .req_content_type = m_req_content_type,
  .req_actor = m_req_actor,
  .req_today = m_req_today,
  .req_alloc = m_req_alloc,
  .req_strdup = m_req_strdup,
  .req_printf = m_req_printf,
  .req_role = m_req_role,
  /* documents: the core's */
  .doc_new = m_doc_new,
  .doc_open = cairn_doc_open_impl,
  .doc_close = cairn_doc_close_impl,
  .doc_attr = cairn_doc_attr_impl,
  .doc_text = cairn_doc_text_impl,
  .doc_text_attr = cairn_doc_text_attr_impl,
  .doc_root = cairn_doc_root,
  .doc_value = cairn_doc_value,
  .doc_number = cairn_doc_number,
  .doc_count = cairn_doc_count,
  .node_child = cairn_node_child,
  .node_next = cairn_node_next,
  .node_name = cairn_node_name,
  .node_text = cairn_node_text,
  .node_attr = cairn_node_attr,
  .doc_remove = cairn_doc_remove,
  .doc_at = cairn_doc_at,
  .doc_insert_before = cairn_doc_insert_before,
  .doc_free = m_doc_free,
  /* records and SQL: fakes */
  .record_create = m_record_create,
  .record_get = m_record_get,
  .record_value = m_record_value,
  .sql_prepare = m_sql_prepare,
  .sql_bind_text = m_bind_text,
  .sql_bind_int = m_bind_int,
  .sql_bind_real = m_bind_real,
  .sql_step = m_sql_step,
  .sql_text = m_sql_text,
  .sql_int = m_sql_int,
  .sql_real = m_sql_real,
  .sql_is_null = m_sql_is_null,
  .config_get = m_config_get,
  .xml_load = m_xml_load,
  .log = m_log,
  /* dates, text, forms, hashing: the core's */
  .date_parse = cairn_day_parse,
  .date_format = m_date_format,
  .date_today = m_date_today,
  .date_week_start = cairn_day_week_start,
  .date_weekday = cairn_day_weekday,
  .fail = cairn_fail,
  .url_encode = m_url_encode,
  .utf8_valid = cairn_utf8_valid,
  .text_check = cairn_text_check,
  .format_number = m_format_number,
  .form_new = cairn_form_new,
  .form_bind = cairn_form_bind,
  .form_value = cairn_form_value,
  .form_set = cairn_form_set,
  .form_error = cairn_form_error,
  .form_errors = cairn_form_errors,
  .form_host_error = cairn_form_host_error,
  .form_doc = cairn_form_doc,
  .random_bytes = cairn_random_bytes,
  .hash = cairn_hash,
  .equal_ct = cairn_equal_ct,
};
