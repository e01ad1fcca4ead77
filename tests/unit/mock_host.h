/*
** mock_host.h -- a host table for unit tests of plugins (DESIGN.md: a
** plugin is tested against a mock table, as lighttpd's tests include a
** module's source).
**
** The pure kit entries (documents, dates, text, fail, forms, hashing) are
** the core's own implementations from libcairncore, so a plugin is tested
** against the real thing where the real thing needs no server.  The
** request, record and SQL entries are small fakes a test preloads:
**   - the request: today's date, form fields, a content type;
**   - SQL: rows for any statement whose text contains a given fragment
**     (first match wins; a statement nothing matches has no rows);
**   - records: record_create runs nothing and counts; record_value reads
**     nothing.
** Everything lives in one arena, freed by mock_host_reset.
*/
#ifndef CAIRN_MOCK_HOST_H
#define CAIRN_MOCK_HOST_H

#include <cairn/plugin.h>

/* Rows one preloaded statement can return and columns per row: enough
** for any unit test's episode. */
#define MOCK_ROWS_MAX 64
#define MOCK_COLS_MAX 12
/* Statements a test can preload at once. */
#define MOCK_TABLES_MAX 16

/* The table, filled with designated initializers (mock_host.c). */
extern const cairn_api mock_api;

/* Start afresh: a new arena and request, no rows, no form, today as
** given ("YYYY-MM-DD"), `schemas` the directory xml_load validates
** against.  Returns the request to hand to the plugin. */
cairn_req *mock_host_reset(const char *today, const char *schemas);
/* Free everything mock_host_reset made. */
void mock_host_free(void);

/* Preload rows for statements whose SQL contains `fragment`: `n_cols`
** columns, then n_rows * n_cols strings (NULL: SQL NULL).  The strings
** must outlive the test's use (literals). */
void mock_sql_rows(const char *fragment, int n_cols, int n_rows, ...);
/* Set a posted form field and the request's content type. */
void mock_form(const char *name, const char *value);
void mock_content_type(const char *ct);
/* How many records record_create has been asked to store. */
int mock_records_created(void);

#endif /* CAIRN_MOCK_HOST_H */
