/*
** coresql.c -- the statement wrapper of coresql.h: the outbox's and the
** jobs' names for the store's one SQL idiom (store_db.h: statements
** prepared once and cached, bound by name, reset when done).  SQL text is
** constant in every caller and every value is bound by name.
*/
#include "coresql.h"
#include "store_db.h"

/* Each function's contract is in coresql.h. */
cairn_q *cairn_q_prepare(cairn_store *st, const char *sql, cairn_error *err) {
  return cairn_db_prepare(st, sql, err);
}

int cairn_q_text(cairn_q *q, const char *name, const char *v) {
  return cairn_sql_bind_text(q, name, v);
}

int cairn_q_int(cairn_q *q, const char *name, long long v) {
  return cairn_sql_bind_int(q, name, v);
}

int cairn_q_step(cairn_q *q) { return cairn_sql_step(q); }

const char *cairn_q_col(cairn_q *q, int col) { return cairn_db_text(q, col); }

long long cairn_q_colint(cairn_q *q, int col) { return cairn_sql_int(q, col); }

int cairn_q_isnull(cairn_q *q, int col) { return cairn_sql_is_null(q, col); }

int cairn_q_run(cairn_store *st, cairn_q *q, cairn_error *err) {
  int rc = cairn_db_run(q, err);
  return rc != 0 ? rc : (int)cairn_db_changes(st);
}

long long cairn_q_last_id(cairn_store *st) { return cairn_db_last_id(st); }

void cairn_q_done(cairn_q *q) { cairn_db_done(q); }

void cairn_q_write_ready(cairn_store *st) { cairn_store_release_reads(st); }
