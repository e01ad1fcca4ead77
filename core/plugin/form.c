/*
** form.c -- the one form model of every plugin (the host table's form_*
** entries).  A plugin declares its fields (cairn_field: name, label, kind,
** required, limits, choices); form_bind reads what was posted -- an
** urlencoded form, or the child elements of an XML body's root of the
** same names -- trims it, and checks each field by its kind, leaving one
** message per field that a person can act on; form_doc writes the form,
** with what was typed and the messages, into a view document for
** www/views/form-lib.xsl.  Everything lives in the request's arena.
*/
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cairn_int.h"

/* Characters a text field holds when its declaration gives no max: a
** line of text (a name, a dose) fits in 200; a note in 4,000, about a
** page.  Hidden fields carry ids and tokens: 200 is plenty. */
#define FORM_TEXT_MAX 200
#define FORM_TEXTAREA_MAX 4000
/* Most fields a form may declare: far beyond any real form, small enough
** to catch a field list missing its NULL terminator. */
#define FORM_FIELDS_MAX 200
/* The longest email address RFC 5321 lets through (its path limit). */
#define FORM_EMAIL_MAX 254

/* A value by name: the declared fields first, in order, then any the
** plugin set under another name. */
typedef struct form_value {
  struct form_value *next;   /* next in the list, NULL at the end */
  const char *name;          /* the field's name */
  const char *value;         /* trimmed, "" when empty */
} form_value;

/* One message for a person; field "" is about the whole form. */
typedef struct form_msg {
  struct form_msg *next;     /* next in order of adding */
  const char *field;         /* a field's name, or "" */
  const char *text;          /* what is wrong and what to do */
} form_msg;

struct cairn_form {
  cairn_req *req;            /* whose arena holds everything below */
  const char *id;            /* the form's id: HTML ids are "<id>-<field>" */
  const cairn_field *fields; /* the declaration, NULL-name terminated */
  size_t n_fields;           /* entries before the terminator */
  form_value *values;        /* head of the value list */
  form_value *last_value;    /* its tail, for appending */
  form_msg *msgs;            /* head of the message list */
  form_msg *last_msg;        /* its tail */
  int n_msgs;                /* length of the message list */
};

/* The list entry for `name`, or NULL. */
static form_value *value_find(cairn_form *f, const char *name) {
  for (form_value *v = f->values; v; v = v->next)
    if (strcmp(v->name, name) == 0) return v;
  return NULL;
}

/* The declaration of field `name`, or NULL. */
static const cairn_field *field_find(const cairn_form *f, const char *name) {
  for (size_t i = 0; name && i < f->n_fields; i++)
    if (strcmp(f->fields[i].name, name) == 0) return &f->fields[i];
  return NULL;
}

/* s without leading and trailing ASCII white space, in the arena. */
static const char *trim(cairn_arena *a, const char *s) {
  if (s == NULL) return "";
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
                   s[n - 1] == '\r' || s[n - 1] == '\n'))
    n--;
  return cairn_arena_strndup(a, s, n);
}

/*
** A new form `id` over the declared `fields` (a static array ending with
** name == NULL), every value "".  id must be an XML name-like token (it
** becomes part of HTML ids).  In the request's arena.
*/
cairn_form *cairn_form_new(cairn_req *req, const char *id,
                           const cairn_field *fields) {
  cairn_form *f = cairn_arena_alloc(req->arena, sizeof *f);
  f->req = req;
  f->id = cairn_arena_strdup(req->arena, id && *id ? id : "form");
  f->fields = fields;
  while (fields && fields[f->n_fields].name && f->n_fields < FORM_FIELDS_MAX)
    f->n_fields++;
  if (fields && f->n_fields == FORM_FIELDS_MAX && fields[f->n_fields].name)
    cairn_logf(CAIRN_LOG_ERROR, "form %s: more than %d fields (missing"
               " terminator?); the rest are ignored", f->id, FORM_FIELDS_MAX);
  for (size_t i = 0; i < f->n_fields; i++)
    cairn_form_set(f, fields[i].name, "");
  return f;
}

/* Set a value (a default, or one the plugin computed), trimmed. */
void cairn_form_set(cairn_form *f, const char *name, const char *value) {
  if (f == NULL || name == NULL) return;
  form_value *v = value_find(f, name);
  if (v == NULL) {
    v = cairn_arena_alloc(f->req->arena, sizeof *v);
    v->name = cairn_arena_strdup(f->req->arena, name);
    if (f->last_value) f->last_value->next = v; else f->values = v;
    f->last_value = v;
  }
  v->value = trim(f->req->arena, value);
}

/* A field's value, "" when empty or unknown. */
const char *cairn_form_value(cairn_form *f, const char *name) {
  form_value *v = f && name ? value_find(f, name) : NULL;
  return v ? v->value : "";
}

/* Add a message about `field` (NULL or "": the whole form). */
void cairn_form_error(cairn_form *f, const char *field, const char *msg) {
  if (f == NULL) return;
  form_msg *m = cairn_arena_alloc(f->req->arena, sizeof *m);
  m->field = cairn_arena_strdup(f->req->arena, field ? field : "");
  m->text = cairn_arena_strdup(f->req->arena,
                               msg && *msg ? msg : "This was refused.");
  if (f->last_msg) f->last_msg->next = m; else f->msgs = m;
  f->last_msg = m;
  f->n_msgs++;
}

/* How many messages the form has. */
int cairn_form_errors(cairn_form *f) { return f ? f->n_msgs : 0; }

/* A host error on the field it names when the form has that field, else
** on the whole form. */
void cairn_form_host_error(cairn_form *f, const cairn_error *err) {
  if (f == NULL || err == NULL) return;
  cairn_form_error(f, field_find(f, err->field) ? err->field : "",
                   err->message[0] ? err->message : "This was refused.");
}

/* Add a message from a format. */
static void msgf(cairn_form *f, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void msgf(cairn_form *f, const char *field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = cairn_arena_vprintf(f->req->arena, fmt, ap);
  va_end(ap);
  cairn_form_error(f, field, s);
}

/* 1 when s is a plain decimal: [+-]digits[.digits] (no exponent, hex,
** "inf" or "nan", which strtod would take); `whole` refuses a fraction. */
static int decimal_ok(const char *s, int whole) {
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  if (!(*p >= '0' && *p <= '9')) return 0;
  while (*p >= '0' && *p <= '9') p++;
  if (*p == '.' && !whole) {
    p++;
    if (!(*p >= '0' && *p <= '9')) return 0;
    while (*p >= '0' && *p <= '9') p++;
  }
  return *p == '\0';
}

/* A number for a message: 10, 2.5 (no trailing zeros). */
static const char *num(cairn_form *f, double v) {
  return cairn_arena_printf(f->req->arena, "%g", v);
}

/* Check a numeric field's value against its kind and range. */
static void check_number(cairn_form *f, const cairn_field *fd,
                         const char *v) {
  int whole = fd->kind == CAIRN_FIELD_INTEGER;
  if (!decimal_ok(v, whole)) {
    msgf(f, fd->name, whole ? "%s: enter a whole number, such as 12."
                            : "%s: enter a number, such as 12 or 2.5.",
         fd->label);
    return;
  }
  errno = 0;
  double d = strtod(v, NULL);
  int ranged = fd->min < fd->max;
  if (errno == ERANGE || !isfinite(d) ||
      (ranged && (d < fd->min || d > fd->max)))
    msgf(f, fd->name, "%s must be between %s and %s.", fd->label,
         num(f, fd->min), num(f, fd->max));
}

/* Check a date field: a real date, not after today unless allowed. */
static void check_date(cairn_form *f, const cairn_field *fd, const char *v) {
  long day, today;
  if (cairn_day_parse(v, &day) != 0) {
    int shape = strlen(v) == 10 && v[4] == '-' && v[7] == '-';
    if (shape)
      msgf(f, fd->name, "%s: %s is not a date in the calendar (or is not"
           " between %d and %d); check the day and the month.", fd->label,
           v, CAIRN_DAY_YEAR_MIN, CAIRN_DAY_YEAR_MAX);
    else
      msgf(f, fd->name, "%s: enter a date as year-month-day, such as"
           " 2026-03-14.", fd->label);
    return;
  }
  if (!(fd->flags & CAIRN_FIELD_FUTURE) &&
      cairn_day_parse(f->req->today, &today) == 0 && day > today)
    msgf(f, fd->name, "%s cannot be after today (%s).", fd->label,
         f->req->today);
}

/* 1 when v is one of the field's choice values. */
static int choice_ok(const cairn_field *fd, const char *v) {
  for (const char *const *c = fd->choices; c && c[0]; c += c[1] ? 2 : 1)
    if (strcmp(c[0], v) == 0) return 1;
  return 0;
}

/* 1 when v looks like an email address: one '@', a local part and a
** domain with a dot inside, no spaces or control characters. */
static int email_ok(const char *v) {
  const char *at = strchr(v, '@');
  if (at == NULL || at == v || strchr(at + 1, '@') ||
      strlen(v) > FORM_EMAIL_MAX)
    return 0;
  const char *dot = strchr(at + 1, '.');
  if (dot == NULL || dot == at + 1 || dot[1] == '\0' ||
      v[strlen(v) - 1] == '.')
    return 0;
  for (const unsigned char *p = (const unsigned char *)v; *p; p++)
    if (*p <= 0x20 || *p == 0x7F || *p == '<' || *p == '>' || *p == ',' ||
        *p == ';')
      return 0;
  return 1;
}

/* Check one declared field's value; adds at most one message. */
static void check_field(cairn_form *f, const cairn_field *fd) {
  const char *v = cairn_form_value(f, fd->name);
  cairn_error e = {0};
  if (*v == '\0') {
    if (fd->flags & CAIRN_FIELD_REQUIRED)
      msgf(f, fd->name,
           fd->kind == CAIRN_FIELD_CHECKBOX ? "%s: tick this to go on."
           : fd->kind == CAIRN_FIELD_SELECT || fd->kind == CAIRN_FIELD_RADIO
               ? "%s: choose one."
               : "%s: this is required; fill it in.",
           fd->label);
    return;
  }
  switch (fd->kind) {
  case CAIRN_FIELD_TEXT:
  case CAIRN_FIELD_HIDDEN:
  case CAIRN_FIELD_TEXTAREA: {
    int multi = fd->kind == CAIRN_FIELD_TEXTAREA;
    size_t max = fd->max > 0 ? (size_t)fd->max
                             : multi ? FORM_TEXTAREA_MAX : FORM_TEXT_MAX;
    if (cairn_text_check(v, max, multi ? CAIRN_TEXT_MULTILINE : 0,
                         fd->name, fd->label, &e))
      cairn_form_error(f, fd->name, e.message);
    break;
  }
  case CAIRN_FIELD_DATE:
    check_date(f, fd, v);
    break;
  case CAIRN_FIELD_INTEGER:
  case CAIRN_FIELD_NUMBER:
    check_number(f, fd, v);
    break;
  case CAIRN_FIELD_SELECT:
  case CAIRN_FIELD_RADIO:
    if (!choice_ok(fd, v))
      msgf(f, fd->name, "%s: choose one of the options given.", fd->label);
    break;
  case CAIRN_FIELD_CHECKBOX:
    if (strcmp(v, "yes") != 0)
      msgf(f, fd->name, "%s: tick the box or leave it empty.", fd->label);
    break;
  case CAIRN_FIELD_EMAIL:
    if (!email_ok(v))
      msgf(f, fd->name, "%s: enter an email address such as"
           " name@example.org.", fd->label);
    break;
  default:
    msgf(f, fd->name, "%s: this field has no known kind (a fault in the"
         " plugin).", fd->label);
  }
}

/* Bind the children of the XML body's root element by local name. */
static int bind_xml(cairn_form *f) {
  cairn_req *r = f->req;
  cairn_error e = {0};
  xmlDocPtr x = cairn_xml_parse(r->body ? r->body : "", r->body_len, &e);
  if (x == NULL) {
    cairn_form_error(f, "", e.message);
    return -1;
  }
  cairn_doc_adopt(r, x);   /* freed with the request */
  for (xmlNodePtr n = xmlDocGetRootElement(x)->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || !field_find(f, (const char *)n->name))
      continue;
    xmlChar *t = xmlNodeGetContent(n);
    cairn_form_set(f, (const char *)n->name, t ? (const char *)t : "");
    xmlFree(t);
  }
  return 0;
}

/*
** Bind the request to the form: an XML body (application/xml, text/xml)
** by the root's child elements, anything else by the decoded urlencoded
** fields.  Every declared field is then checked by its kind.  Returns the
** number of messages (0: all good).
*/
int cairn_form_bind(cairn_form *f) {
  if (f == NULL) return 1;
  const char *ct = f->req->content_type ? f->req->content_type : "";
  if (!strcmp(ct, "application/xml") || !strcmp(ct, "text/xml")) {
    if (bind_xml(f)) return f->n_msgs;
  } else {
    for (size_t i = 0; i < f->n_fields; i++)
      cairn_form_set(f, f->fields[i].name,
                     cairn_kv_get(f->req->form, f->req->n_form,
                                  f->fields[i].name));
  }
  for (size_t i = 0; i < f->n_fields; i++) check_field(f, &f->fields[i]);
  return f->n_msgs;
}

/* The kind's name in the view document. */
static const char *kind_name(cairn_field_kind k) {
  switch (k) {
  case CAIRN_FIELD_TEXT: return "text";
  case CAIRN_FIELD_TEXTAREA: return "textarea";
  case CAIRN_FIELD_DATE: return "date";
  case CAIRN_FIELD_INTEGER: return "integer";
  case CAIRN_FIELD_NUMBER: return "number";
  case CAIRN_FIELD_SELECT: return "select";
  case CAIRN_FIELD_CHECKBOX: return "checkbox";
  case CAIRN_FIELD_EMAIL: return "email";
  case CAIRN_FIELD_HIDDEN: return "hidden";
  case CAIRN_FIELD_RADIO: return "radio";
  }
  return "text";
}

/*
** Write the form under doc's current element:
**   <form id= action= submit=>
**     <value name=>typed</value>*  <error field=>message</error>*
**     <field name= label= kind= required="yes"? hint=? min=? max=?
**            maxlength=?><option value= label=/>*</field>*
**   </form>
** for www/views/form-lib.xsl.  The builder's current element is unchanged.
*/
void cairn_form_doc(cairn_doc *d, cairn_form *f, const char *action,
                    const char *submit) {
  char buf[64];
  if (f == NULL || cairn_doc_editable(d, "form_doc")) return;
  cairn_doc_open_impl(d, "form");
  cairn_doc_attr_impl(d, "id", f->id);
  cairn_doc_attr_impl(d, "action", action);
  cairn_doc_attr_impl(d, "submit", submit ? submit : "Save");
  for (form_value *v = f->values; v; v = v->next)
    cairn_doc_text_attr_impl(d, "value", "name", v->name, v->value);
  for (form_msg *m = f->msgs; m; m = m->next)
    cairn_doc_text_attr_impl(d, "error", "field", m->field, m->text);
  for (size_t i = 0; i < f->n_fields; i++) {
    const cairn_field *fd = &f->fields[i];
    cairn_doc_open_impl(d, "field");
    cairn_doc_attr_impl(d, "name", fd->name);
    cairn_doc_attr_impl(d, "label", fd->label ? fd->label : fd->name);
    cairn_doc_attr_impl(d, "kind", kind_name(fd->kind));
    if (fd->flags & CAIRN_FIELD_REQUIRED)
      cairn_doc_attr_impl(d, "required", "yes");
    cairn_doc_attr_impl(d, "hint", fd->hint);
    if ((fd->kind == CAIRN_FIELD_INTEGER || fd->kind == CAIRN_FIELD_NUMBER) &&
        fd->min < fd->max) {
      snprintf(buf, sizeof buf, "%g", fd->min);
      cairn_doc_attr_impl(d, "min", buf);
      snprintf(buf, sizeof buf, "%g", fd->max);
      cairn_doc_attr_impl(d, "max", buf);
    }
    if (fd->kind == CAIRN_FIELD_TEXT || fd->kind == CAIRN_FIELD_TEXTAREA) {
      snprintf(buf, sizeof buf, "%.0f",
               fd->max > 0 ? fd->max
               : fd->kind == CAIRN_FIELD_TEXT ? FORM_TEXT_MAX
                                              : FORM_TEXTAREA_MAX);
      cairn_doc_attr_impl(d, "maxlength", buf);
    }
    for (const char *const *c = fd->choices; c && c[0]; c += c[1] ? 2 : 1) {
      cairn_doc_open_impl(d, "option");
      cairn_doc_attr_impl(d, "value", c[0]);
      cairn_doc_attr_impl(d, "label", c[1] ? c[1] : c[0]);
      cairn_doc_close_impl(d);
    }
    cairn_doc_close_impl(d);
  }
  cairn_doc_close_impl(d);
}
