/*
** coresql.h -- the statement wrapper of the outbox and job tables
** (Fossil's db.c idea): prepare, bind by name (an unknown name is an
** error), step, read columns, finalize.  Callers never touch SQLite
** directly, so that this one file is all that changes when the store's
** cached bind-by-name statements (store_db.h on the coreint branch) take
** its place.  Plugins never reach these tables: the SQL authorizer
** refuses them.
*/
#ifndef CAIRN_CORESQL_H
#define CAIRN_CORESQL_H

#include "cairn_int.h"

typedef struct sqlite3_stmt cairn_q;   /* one prepared statement */

/* A prepared statement on the store's connection; the caller ends it with
** cairn_q_done() (or cairn_q_run()).  NULL with *err (CAIRN_EDB) when it
** does not prepare. */
cairn_q *cairn_q_prepare(cairn_store *st, const char *sql, cairn_error *err);
/* Bind by name (":name"); CAIRN_EINTERNAL for a name the SQL lacks. */
int cairn_q_text(cairn_q *q, const char *name, const char *v);
int cairn_q_int(cairn_q *q, const char *name, long long v);
/* 1: a row is ready; 0: done; CAIRN_EDB on failure (logged). */
int cairn_q_step(cairn_q *q);
/* Columns of the current row: text ("" for NULL), integer, NULL-ness. */
const char *cairn_q_col(cairn_q *q, int col);
long long cairn_q_colint(cairn_q *q, int col);
int cairn_q_isnull(cairn_q *q, int col);
/* Step a statement that returns no rows and end it.  The number of rows
** changed, or CAIRN_EDB with *err. */
int cairn_q_run(cairn_store *st, cairn_q *q, cairn_error *err);
/* The rowid the last INSERT on this connection made. */
long long cairn_q_last_id(cairn_store *st);
void cairn_q_done(cairn_q *q);
/* Outside a transaction, reset the statements this connection left
** half-stepped, as a record write does (a stale read snapshot cannot take
** the write lock). */
void cairn_q_write_ready(cairn_store *st);

#endif
