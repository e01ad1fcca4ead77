/*
** coresql.h -- a small statement wrapper for the core tables the outbox
** and the job runner keep (Fossil's db.c idea): prepare, bind by name (an
** unknown name is an error), step, read columns, finalize.  Plugins never
** reach these tables; the SQL authorizer refuses them.
*/
#ifndef CAIRN_CORESQL_H
#define CAIRN_CORESQL_H

#include "cairn_int.h"

/* A prepared statement on the store's connection; the caller finalizes it
** with cairn_q_done().  NULL with *err (CAIRN_EDB) when it does not
** prepare. */
sqlite3_stmt *cairn_q_prepare(cairn_store *st, const char *sql,
                              cairn_error *err);
/* Bind by name (":name"); CAIRN_EINTERNAL for a name the SQL lacks. */
int cairn_q_text(sqlite3_stmt *s, const char *name, const char *v);
int cairn_q_int(sqlite3_stmt *s, const char *name, long long v);
/* Step a statement that returns no rows and finalize it.  The number of
** rows changed, or CAIRN_EDB with *err. */
int cairn_q_run(cairn_store *st, sqlite3_stmt *s, cairn_error *err);
/* Column text ("" for NULL). */
const char *cairn_q_col(sqlite3_stmt *s, int col);
void cairn_q_done(sqlite3_stmt *s);
/* Outside a transaction, reset the statements this connection left
** half-stepped, as a record write does (store.c: a stale read snapshot
** cannot take the write lock). */
void cairn_q_write_ready(cairn_store *st);

#endif
