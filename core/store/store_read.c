/*
** store_read.c -- reading records by id, and counting versions.
*/
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store_db.h"
#include "store_int.h"

static void free_doc(void *doc) { xmlFreeDoc(doc); }

/* --------------------------------------------------------------- reads */

/*
** The newest version of record id, in req's arena: strings copied, body
** parsed into an xmlDoc freed when the request ends.  rec->rt is NULL
** when no loaded plugin declares the type.  CAIRN_ENOTFOUND when there is
** no such record.
*/
int cairn_store_get(cairn_req *req, long long id, const cairn_record **out,
                    cairn_error *err) {
  static const char sql[] =
      "SELECT r.type, r.patient, v.version, v.status, v.author, v.time,"
      " v.body FROM record r JOIN record_version v ON v.record = r.id"
      " WHERE r.id = :id ORDER BY v.version DESC LIMIT 1";
  cairn_store *st;
  cairn_stmt *s;
  cairn_record *rec;
  const char *body;
  const store_type *t;
  cairn_error perr = {0};
  int step;

  *out = NULL;
  if (req == NULL || (st = req->store) == NULL || req->arena == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "no store");
  if ((s = cairn_db_prepare(st, sql, err)) == NULL)
    return err && err->code ? err->code : CAIRN_EDB;
  cairn_sql_bind_int(s, ":id", id);
  step = store_step(s);
  if (step == SQLITE_DONE) {
    cairn_db_done(s);
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "no record %lld", id);
  }
  if (step != SQLITE_ROW) {
    step = store_db_fail(st, err, "get");
    cairn_db_done(s);
    return step;
  }
  rec = cairn_arena_alloc(req->arena, sizeof *rec);
  rec->id = id;
  rec->patient = cairn_sql_int(s, 1);
  rec->version = (int)cairn_sql_int(s, 2);
  rec->type = cairn_arena_strdup(req->arena, cairn_db_text(s, 0));
  rec->status = cairn_arena_strdup(req->arena, cairn_db_text(s, 3));
  rec->author = cairn_arena_strdup(req->arena, cairn_db_text(s, 4));
  rec->time = cairn_arena_strdup(req->arena, cairn_db_text(s, 5));
  body = cairn_db_text(s, 6);
  rec->body = cairn_xml_parse(body, strlen(body), &perr);
  cairn_db_done(s);
  if (rec->body == NULL) {
    cairn_logf(CAIRN_LOG_ERROR, "store: record %lld: stored body: %s", id,
               perr.message);
    return cairn_fail(err, CAIRN_EDB, NULL,
                      "record %lld has a damaged body; see the server log",
                      id);
  }
  cairn_arena_cleanup(req->arena, free_doc, rec->body);
  t = store_find_type(st, rec->type);
  rec->rt = t ? t->rt : NULL;
  rec->arena = req->arena;      /* record_value copies into it */
  *out = rec;
  return 0;
}

/* Number of record versions of `type` (NULL: of every type); -1 on a
** database error (logged). */
long long cairn_store_count(cairn_store *st, const char *type) {
  static const char all_sql[] = "SELECT count(*) FROM record_version";
  static const char type_sql[] =
      "SELECT count(*) FROM record_version v JOIN record r"
      " ON r.id = v.record WHERE r.type = :type";
  cairn_stmt *s = cairn_db_prepare(st, type ? type_sql : all_sql, NULL);
  long long n = -1;
  if (s == NULL) return -1;
  if (type) cairn_sql_bind_text(s, ":type", type);
  if (store_step(s) == SQLITE_ROW) n = cairn_sql_int(s, 0);
  else store_db_fail(st, NULL, "count");
  cairn_db_done(s);
  return n;
}
