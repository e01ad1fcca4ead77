/*
** store_db.h -- the core's own SQL: one idiom for every query the core
** makes over its tables (staff, sessions, capabilities, rate events, the
** audit trail, records), after Fossil's db.c.
**
**   cairn_stmt *s = cairn_db_prepare(st, SQL_CONSTANT, &err);
**   cairn_sql_bind_text(s, ":name", value);   unknown name: CAIRN_EINVAL,
**                                             logged, and the statement
**                                             refuses to run until done
**   while (cairn_sql_step(s) == 1) ... cairn_db_text(s, 0) ...
**   cairn_db_done(s);                         reset, bindings cleared
**
** Statements are prepared once per connection and cached by their SQL
** text (the text is a constant, so the cache is bounded by the code); a
** warm process prepares nothing.  They are trusted: not limited by the
** authorizer that keeps plugin SQL to SELECT over projections.  Binding,
** stepping and reading numbers use the cairn_sql_* functions plugins use.
** Every connection belongs to one process, so does every statement.
*/
#ifndef CAIRN_STORE_DB_H
#define CAIRN_STORE_DB_H

#include "cairn_int.h"

/* The cached statement for sql (one statement, values bound by name),
** reset and with no bindings.  NULL (logged, *err CAIRN_EDB) when SQLite
** refuses the text, or CAIRN_EINTERNAL when the same statement is still
** being stepped (a caller forgot cairn_db_done: a bug). */
cairn_stmt *cairn_db_prepare(cairn_store *st, const char *sql,
                             cairn_error *err);
/* Bind len bytes of text at v to :name without copying them: v must stay
** unchanged until cairn_db_done (a record body, bound once and large).
** Errors as cairn_sql_bind_text; CAIRN_ELIMIT past INT_MAX bytes. */
int cairn_db_bind_text_static(cairn_stmt *s, const char *name, const char *v,
                              size_t len);
/* Column col of the current row as text, valid until the next step or
** cairn_db_done; "" for NULL. */
const char *cairn_db_text(cairn_stmt *s, int col);
/* Reset s and clear its bindings; it goes back to the cache.  NULL is a
** no-op. */
void cairn_db_done(cairn_stmt *s);
/* Step s (its values bound) to the end and cairn_db_done it: for a
** statement that returns no rows.  0; CAIRN_ECONFLICT on a constraint
** (UNIQUE, CHECK, a trigger's RAISE); CAIRN_EDB otherwise ("busy" when the
** lock timed out).  Failures are logged.  NULL s (a failed prepare) gives
** CAIRN_EDB, so prepare, bind and run chain without checks between. */
int cairn_db_run(cairn_stmt *s, cairn_error *err);
/* cairn_db_prepare and cairn_db_run for SQL that binds nothing
** (BEGIN IMMEDIATE, COMMIT, a PRAGMA). */
int cairn_db_exec(cairn_store *st, const char *sql, cairn_error *err);
/* Step s once and cairn_db_done it: the first column of the first row as
** an integer; dflt when there is no row, s is NULL or the step fails
** (logged). */
long long cairn_db_int(cairn_stmt *s, long long dflt);
/* Rows changed by the last write, and the rowid it inserted. */
long long cairn_db_changes(cairn_store *st);
long long cairn_db_last_id(cairn_store *st);
/* 1 while a transaction is open on the connection (a caller's BEGIN, or a
** record write's), 0 in autocommit. */
int cairn_db_in_transaction(cairn_store *st);

/* Reset every statement of the connection that is still being stepped
** (a request's half-read query holds a read snapshot, and a write lock
** cannot be taken over a stale one).  Does nothing inside a
** transaction. */
void cairn_store_release_reads(cairn_store *st);

/* How many statements this process has prepared (sqlite3_prepare calls,
** and one for each multi-statement script run at open): a test reads it
** before and after a request to prove a warm request prepares nothing. */
unsigned long long cairn_store_prepare_count(void);

#endif
