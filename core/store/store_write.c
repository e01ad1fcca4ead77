/*
** store_write.c -- creating and revising records: validate, run the type's
** check hook, append the version, project it and fire events, all in one
** transaction (or savepoint).
*/
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/xmlsave.h>

#include "store_db.h"
#include "store_int.h"

static int status_ok(const char *s) {
  size_t i;
  if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
  for (i = 1; s[i]; i++)
    if (i >= STATUS_MAX || !((s[i] >= 'a' && s[i] <= 'z') ||
                             (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
      return 0;
  return 1;
}
/* -------------------------------------------------------------- writes */

/* Serialize body's root element as UTF-8 without XML declaration. */
static char *serialize(xmlDocPtr body, size_t *len) {
  xmlBufferPtr b = xmlBufferCreate();
  xmlSaveCtxtPtr sv;
  char *out = NULL;
  if (b == NULL) return NULL;
  sv = xmlSaveToBuffer(b, "UTF-8", XML_SAVE_NO_DECL | XML_SAVE_AS_XML);
  if (sv != NULL) {
    if (xmlSaveDoc(sv, body) >= 0 && xmlSaveClose(sv) >= 0) {
      *len = (size_t)xmlBufferLength(b);
      out = malloc(*len + 1);
      if (out != NULL) {
        memcpy(out, xmlBufferContent(b), *len);
        out[*len] = '\0';
      }
    }
  }
  xmlBufferFree(b);
  return out;
}

/* Run every subscriber of rec's type, from every plugin, in order. */
static int fire_events(cairn_req *req, const cairn_record *rec,
                       cairn_error *err) {
  const cairn_registry *reg = req->store->reg;
  size_t i;
  if (reg == NULL) return 0;
  for (i = 0; i < reg->n_plugins; i++) {
    const cairn_plugin *p = reg->plugins[i].desc;
    const cairn_subscription *sub;
    if (p == NULL || p->subscriptions == NULL) continue;
    for (sub = p->subscriptions; sub->record_type != NULL; sub++) {
      cairn_error se = {0};
      int rc;
      if (strcmp(sub->record_type, rec->type) != 0 || sub->fn == NULL)
        continue;
      if (req->event_depth >= CAIRN_EVENT_DEPTH_MAX)
        return cairn_fail(err, CAIRN_ELIMIT, NULL,
                          "events nested deeper than %d writing %s (plugin"
                          " %s); nothing was stored", CAIRN_EVENT_DEPTH_MAX,
                          rec->type, p->name);
      req->event_depth++;
      rc = sub->fn(req, rec, &se);
      req->event_depth--;
      assert(req->event_depth >= 0);
      if (rc != 0) {
        int code = se.code ? se.code : rc < 0 ? rc : CAIRN_EINTERNAL;
        if (se.message[0] == '\0')
          return cairn_fail(err, code, se.field,
                            "plugin %s refused this %s", p->name, rec->type);
        if (err != NULL) *err = se;
        if (err != NULL) err->code = code;
        return code;
      }
    }
  }
  return 0;
}

/* What a write is about. */
typedef struct write_req {
  cairn_req *req;
  const store_type *t;       /* the record type */
  long long id;              /* 0: a new record */
  long long patient;         /* 0: none (or itself, for a patient type) */
  int version;               /* the version being written */
  const char *status;
  xmlDocPtr body;
  const cairn_rtype *valid_for; /* body already validated against this
                             ** type's schema, unchanged since (or NULL) */
} write_req;

/* Validate (unless the body was validated against this type already),
** run the check hook, and validate again only when the hook changed the
** body: at most two validations per write. */
static int write_check(write_req *w, cairn_error *err) {
  const cairn_record_type *d = w->t->rt->decl;
  xmlNodePtr root = xmlDocGetRootElement(w->body);
  int rc;
  if (root == NULL || root->ns == NULL ||
      !xmlStrEqual(root->ns->href, BAD_CAST d->ns) ||
      !xmlStrEqual(root->name, BAD_CAST d->root))
    return cairn_fail(err, CAIRN_EINVAL, root ? (const char *)root->name : "",
                      "a %s record must be a <%s> element in namespace %s",
                      d->name, d->root, d->ns);
  if (w->valid_for != w->t->rt) {
    rc = cairn_xml_validate(w->t->rt->schema, w->body, err);
    if (rc != 0) return rc;
  }
  if (d->check != NULL) {
    cairn_error ce = {0};
    cairn_doc *hd = cairn_doc_borrow(w->req, w->body, 0);
    rc = d->check(w->req, hd, &ce);
    if (rc != 0) {
      int code = ce.code ? ce.code : rc < 0 ? rc : CAIRN_EINVAL;
      if (ce.message[0] == '\0')
        return cairn_fail(err, code, ce.field, "this %s was refused",
                          d->name);
      if (err != NULL) { *err = ce; err->code = code; }
      return code;
    }
    if (hd->dirty) {
      rc = cairn_xml_validate(w->t->rt->schema, w->body, err);
      if (rc != 0) return rc;
    }
  }
  return 0;
}

/* Insert the envelope (a new record: its id chosen here) and the version
** row holding text (len bytes, the serialized body), stamped now. */
static int write_rows(write_req *w, const char *now, const char *text,
                      size_t len, cairn_error *err) {
  static const char next_id_sql[] =
      "SELECT coalesce(max(id), 0) + 1 FROM record";
  static const char record_sql[] =
      "INSERT INTO record(id, type, patient, created)"
      " VALUES(:id, :type, nullif(:patient, 0), :created)";
  static const char version_sql[] =
      "INSERT INTO record_version(record, version, status, author, time,"
      " body) VALUES(:record, :version, :status, :author, :time, :body)";
  cairn_store *st = w->req->store;
  const cairn_record_type *d = w->t->rt->decl;
  cairn_stmt *s;
  int rc;

  if (w->id == 0) {
    if ((s = cairn_db_prepare(st, next_id_sql, err)) == NULL) return CAIRN_EDB;
    rc = store_step(s);
    w->id = cairn_sql_int(s, 0);
    if (rc != SQLITE_ROW) rc = store_db_fail(st, err, d->name);
    cairn_db_done(s);
    if (rc != SQLITE_ROW) return rc;
    if (d->flags & CAIRN_RT_PATIENT) w->patient = w->id;
    if ((s = cairn_db_prepare(st, record_sql, err)) == NULL) return CAIRN_EDB;
    cairn_sql_bind_int(s, ":id", w->id);
    cairn_sql_bind_text(s, ":type", d->name);
    cairn_sql_bind_int(s, ":patient", w->patient > 0 ? w->patient : 0);
    cairn_sql_bind_text(s, ":created", now);
    if ((rc = store_run(st, s, d->name, err))) return rc;
  }
  if ((s = cairn_db_prepare(st, version_sql, err)) == NULL) return CAIRN_EDB;
  cairn_sql_bind_int(s, ":record", w->id);
  cairn_sql_bind_int(s, ":version", w->version);
  cairn_sql_bind_text(s, ":status", w->status);
  cairn_sql_bind_text(s, ":author", w->req->actor);
  cairn_sql_bind_text(s, ":time", now);
  cairn_db_bind_text_static(s, ":body", text, len);   /* no copy */
  return store_run(st, s, d->name, err);
}

/* Insert the envelope (new records) and the version, project, fire
** events.  Runs inside store_write_begin/store_write_end. */
static int write_store(write_req *w, cairn_error *err) {
  const cairn_record_type *d = w->t->rt->decl;
  cairn_record *rec;
  char now[32], *text;
  size_t len = 0;
  int rc;

  assert(w->version >= 1 && (w->id == 0) == (w->version == 1));
  text = serialize(w->body, &len);
  if (text == NULL)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "cannot serialize");
  if (len > CAIRN_XML_MAX_BYTES) {
    free(text);
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "this %s is %zu bytes; at most %d are accepted",
                      d->name, len, CAIRN_XML_MAX_BYTES);
  }
  if (w->req->record_time) /* a bundle import keeps the original time */
    snprintf(now, sizeof now, "%s", w->req->record_time);
  else
    store_utc_now(now);
  rc = write_rows(w, now, text, len, err);
  free(text);
  if (rc != 0) return err && err->code ? err->code : rc;

  rc = store_project(w->req->store, w->t, w->id, w->patient, w->version,
                     w->status, w->body, err);
  if (rc != 0) return rc;

  rec = cairn_arena_alloc(w->req->arena, sizeof *rec);
  rec->id = w->id;
  rec->patient = w->patient;
  rec->version = w->version;
  rec->type = d->name;
  rec->status = cairn_arena_strdup(w->req->arena, w->status);
  rec->author = cairn_arena_strdup(w->req->arena, w->req->actor);
  rec->time = cairn_arena_strdup(w->req->arena, now);
  rec->body = w->body;
  rec->rt = w->t->rt;
  rec->arena = w->req->arena;   /* record_value copies into it */
  return fire_events(w->req, rec, err);
}

/* Common checks of both write entry points; frees body on failure. */
static int write_precheck(cairn_req *req, const char *status,
                          xmlDocPtr body, cairn_error *err) {
  if (req == NULL || req->store == NULL || req->arena == NULL ||
      body == NULL) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "a record write needs a request, a store and a body");
  }
  if (req->actor == NULL || req->actor[0] == '\0') {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "a record write needs an actor");
  }
  if (!status_ok(status)) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINVAL, "status",
                      "\"%.40s\" is not a record status", status);
  }
  return 0;
}

/*
** Store body as version 1 of a new record of `type` for patient `patient`
** (0 for a patient type: the record is its own patient; 0 for another
** type: a record about no patient).  In order: the body is checked to be
** the type's root element and validated against its XSD, the type's check
** hook runs (it may change the body) and the body is validated again; the
** envelope and version are inserted, projections upserted and
** subscribers run -- all in one transaction (or savepoint, inside the
** caller's), so on any failure nothing is stored.  The store takes body
** over in every case.  *id (may be NULL) gets the new id.
** Errors: CAIRN_EINVAL (invalid body, bad patient or type, field named),
** CAIRN_ENOTFOUND (no such patient), CAIRN_ELIMIT (body too big, events
** too deep), CAIRN_EDB, or whatever a hook or subscriber returned.
*/
static int store_create(cairn_req *req, const char *type, long long patient,
                        xmlDocPtr body, const cairn_rtype *valid_for,
                        long long *id, cairn_error *err) {
  static const char patient_sql[] = "SELECT type FROM record WHERE id = :id";
  cairn_error local;
  write_req w;
  int own, rc;

  if (err == NULL) err = &local;
  memset(err, 0, sizeof *err);
  if ((rc = write_precheck(req, "active", body, err)) != 0) return rc;
  memset(&w, 0, sizeof w);
  w.req = req;
  w.t = store_find_type(req->store, type);
  w.version = 1;
  w.status = "active";
  w.body = body;
  w.valid_for = valid_for;
  if (w.t == NULL) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINVAL, "type", "no record type \"%.60s\"",
                      type ? type : "");
  }
  if ((w.t->rt->decl->flags & CAIRN_RT_PATIENT) ? patient != 0
                                                 : patient < 0) {
    xmlFreeDoc(body);
    return cairn_fail(err, CAIRN_EINVAL, "patient",
                      "%s: patient %lld is not allowed here",
                      w.t->rt->decl->name, patient);
  }
  w.patient = patient;
  if ((rc = store_write_begin(req->store, &own, err)) != 0) {
    xmlFreeDoc(body);
    return rc;
  }
  if (patient > 0) {  /* it must be a patient record */
    cairn_stmt *s = cairn_db_prepare(req->store, patient_sql, err);
    const store_type *pt = NULL;
    int found = 0;
    if (s == NULL) { rc = err->code ? err->code : CAIRN_EDB; goto fail; }
    cairn_sql_bind_int(s, ":id", patient);
    if (store_step(s) == SQLITE_ROW) {
      found = 1;
      pt = store_find_type(req->store, cairn_db_text(s, 0));
    }
    cairn_db_done(s);
    if (!found) {
      rc = cairn_fail(err, CAIRN_ENOTFOUND, "patient", "no patient %lld",
                      patient);
      goto fail;
    }
    if (pt == NULL || !(pt->rt->decl->flags & CAIRN_RT_PATIENT)) {
      rc = cairn_fail(err, CAIRN_EINVAL, "patient",
                      "record %lld is not a patient", patient);
      goto fail;
    }
  }
  if ((rc = write_check(&w, err)) != 0) goto fail;
  if ((rc = write_store(&w, err)) != 0) goto fail;
  if ((rc = store_write_end(req->store, own, err)) != 0) goto fail_ended;
  xmlFreeDoc(body);
  if (id != NULL) *id = w.id;
  return 0;

fail:
  store_write_abort(req->store, own);
fail_ended:
  xmlFreeDoc(body);
  if (err->code == 0) err->code = rc;
  return rc;
}

/*
** Store body as a new version of record id.  expected_version must be its
** newest version, else CAIRN_ECONFLICT (someone changed it meanwhile).
** status NULL means "active"; "entered-in-error" withdraws the record.
** Same checks, transaction and ownership of body as cairn_store_create;
** CAIRN_ENOTFOUND when there is no record id.
*/
static int store_revise(cairn_req *req, long long id, int expected_version,
                        const char *status, xmlDocPtr body,
                        const cairn_rtype *valid_for, cairn_error *err) {
  static const char head_sql[] =
      "SELECT r.type, r.patient, (SELECT max(version) FROM record_version"
      " WHERE record = r.id) FROM record r WHERE r.id = :id";
  cairn_error local;
  write_req w;
  cairn_stmt *s;
  int own, rc, newest = 0, found = 0;

  if (err == NULL) err = &local;
  memset(err, 0, sizeof *err);
  if (status == NULL) status = "active";
  if ((rc = write_precheck(req, status, body, err)) != 0) return rc;
  memset(&w, 0, sizeof w);
  w.req = req;
  w.id = id;
  w.status = status;
  w.body = body;
  w.valid_for = valid_for;
  if ((rc = store_write_begin(req->store, &own, err)) != 0) {
    xmlFreeDoc(body);
    return rc;
  }
  s = cairn_db_prepare(req->store, head_sql, err);
  if (s == NULL) { rc = err->code ? err->code : CAIRN_EDB; goto fail; }
  cairn_sql_bind_int(s, ":id", id);
  if (store_step(s) == SQLITE_ROW) {
    found = 1;
    w.t = store_find_type(req->store, cairn_db_text(s, 0));
    w.patient = cairn_sql_int(s, 1);
    newest = (int)cairn_sql_int(s, 2);
  }
  cairn_db_done(s);
  if (!found) {
    rc = cairn_fail(err, CAIRN_ENOTFOUND, NULL, "no record %lld", id);
    goto fail;
  }
  if (w.t == NULL) {
    rc = cairn_fail(err, CAIRN_EINTERNAL, NULL,
                    "record %lld is of a type no loaded plugin declares", id);
    goto fail;
  }
  if (newest != expected_version) {
    rc = cairn_fail(err, CAIRN_ECONFLICT, "version",
                    "record %lld is at version %d, not %d: it was changed"
                    " meanwhile; reload it and try again", id, newest,
                    expected_version);
    goto fail;
  }
  w.version = newest + 1;
  if ((rc = write_check(&w, err)) != 0) goto fail;
  if ((rc = write_store(&w, err)) != 0) goto fail;
  if ((rc = store_write_end(req->store, own, err)) != 0) goto fail_ended;
  xmlFreeDoc(body);
  return 0;

fail:
  store_write_abort(req->store, own);
fail_ended:
  xmlFreeDoc(body);
  if (err->code == 0) err->code = rc;
  return rc;
}

int cairn_store_create(cairn_req *req, const char *type, long long patient,
                       xmlDocPtr body, long long *id, cairn_error *err) {
  return store_create(req, type, patient, body, NULL, id, err);
}

int cairn_store_revise(cairn_req *req, long long id, int expected_version,
                       const char *status, xmlDocPtr body,
                       cairn_error *err) {
  return store_revise(req, id, expected_version, status, body, NULL, err);
}

/* The same writes from a request's document: its xmlDoc is detached (no
** copy) and, when it was validated against the type and not changed
** since (req_body_record's), not validated again before the hook. */
int cairn_store_create_doc(cairn_req *req, const char *type,
                           long long patient, cairn_doc *body, long long *id,
                           cairn_error *err) {
  const cairn_rtype *v = body && !body->dirty ? body->valid_for : NULL;
  return store_create(req, type, patient, cairn_doc_take(body), v, id, err);
}

int cairn_store_revise_doc(cairn_req *req, long long id, int expected_version,
                           const char *status, cairn_doc *body,
                           cairn_error *err) {
  const cairn_rtype *v = body && !body->dirty ? body->valid_for : NULL;
  return store_revise(req, id, expected_version, status, cairn_doc_take(body),
                      v, err);
}
