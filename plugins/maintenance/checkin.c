/*
** checkin.c -- a check-in's short form, opened by the patient through the
** link in its message or by staff recording one taken by phone: the
** episode's primary measure (stored as a program:Observation, scored by
** the program's own rules), PGIC, "are you keeping up the home routine?"
** and free text.
*/
#include "maintenance.h"

#include <stdlib.h>
#include <string.h>

#define PROGRAM_NS "urn:cairn:program"
#define PROGRAM_T_OBSERVATION "program:Observation"
/* The posted name of an item's answer: "answer.<item>". */
#define ANSWER_PREFIX "answer."

static const char *const pgic_choices[] = {
  "1", "Very much improved", "2", "Much improved", "3", "Minimally improved",
  "4", "No change", "5", "Minimally worse", "6", "Much worse",
  "7", "Very much worse", NULL
};
static const char *const home_choices[] = {
  "yes", "Yes", "partly", "Partly", "no", "No", NULL
};

/* The form's fields: the instrument's items, then the fixed questions. */
static cairn_field *fields_for(cairn_req *req, const mt_instrument *in) {
  int n = in ? in->n_items : 0;
  cairn_field *f = cairn_req_alloc(req, sizeof *f * (size_t)(n + 4));
  for (int i = 0; i < n; i++)
    f[i] = (cairn_field){
        .name = cairn_req_printf(req, ANSWER_PREFIX "%s", in->items[i].id),
        .label = in->items[i].label, .kind = CAIRN_FIELD_INTEGER,
        .flags = CAIRN_FIELD_REQUIRED, .min = in->items[i].min,
        .max = in->items[i].max};
  f[n] = (cairn_field){.name = "pgic",
                       .label = "Since you finished the program, how has "
                                "your condition changed?",
                       .kind = CAIRN_FIELD_RADIO,
                       .flags = CAIRN_FIELD_REQUIRED, .choices = pgic_choices};
  f[n + 1] = (cairn_field){.name = "homeRoutine",
                           .label = "Are you keeping up the home routine?",
                           .kind = CAIRN_FIELD_RADIO,
                           .flags = CAIRN_FIELD_REQUIRED,
                           .choices = home_choices};
  f[n + 2] = (cairn_field){.name = "comment",
                           .label = "Anything you would like us to know",
                           .kind = CAIRN_FIELD_TEXTAREA, .max = MT_TEXT_MAX};
  return f;
}

/* The check-in of the URL with the caller's right to it checked: staff,
** or the holder of this check-in's link. */
static int load(cairn_req *req, const cairn_record **rec, int *staff) {
  cairn_error err = {0};
  long long id = mt_param_id(req, "id");
  *staff = cairn_req_role(req) != NULL;
  if (!*staff) {
    const char *cap = cairn_req_capability(req);
    if (!cap || strcmp(cap, cairn_req_printf(req, "maintenance-checkin:%lld",
                                             id)) != 0)
      return mt_error_page(req, 403, "This link does not open this page.");
  }
  if (cairn_record_get(req, id, rec, &err) != CAIRN_OK ||
      strcmp(cairn_record_type_name(*rec), MT_T_CHECKIN) != 0)
    return mt_error_page(req, 404, "There is no such check-in.");
  cairn_audit_note(req, cairn_record_patient(*rec), id);
  return CAIRN_OK;
}

static int render(cairn_req *req, const cairn_record *rec, int staff,
                  const mt_instrument *in, cairn_form *f, int status) {
  cairn_doc *doc = cairn_doc_new(req, NULL, "maintenance-checkin");
  long long id = cairn_record_id(rec);
  cairn_doc_attr(doc, "record", mt_int(req, id));
  cairn_doc_attr(doc, "patient", mt_int(req, cairn_record_patient(rec)));
  cairn_doc_attr(doc, "months", cairn_record_value(rec, "r:months"));
  cairn_doc_attr(doc, "state", cairn_record_value(rec, "r:state"));
  cairn_doc_attr(doc, "staff", staff ? "yes" : "no");
  if (in) cairn_doc_attr(doc, "instrument", in->name);
  if (strcmp(cairn_record_value(rec, "r:state"), "done") != 0)
    cairn_form_doc(doc, f, cairn_req_printf(req, "/maintenance/check-ins/%lld",
                                            id),
                   "Send");
  return cairn_respond_view(req, doc, "maintenance/checkin", status);
}

/* The episode's primary instrument. */
static const mt_instrument *instrument_of(cairn_req *req,
                                          const cairn_record *rec) {
  const char *instrument;
  double baseline;
  long long e = strtoll(cairn_record_value(rec, "r:episode"), NULL, 10);
  if (mt_episode_baseline(req, e, &instrument, &baseline) != CAIRN_OK)
    return NULL;
  return mt_instrument_find(instrument);
}

int mt_page_checkin(cairn_req *req) {
  const cairn_record *rec;
  int staff, rc = load(req, &rec, &staff);
  if (rc) return rc;
  const mt_instrument *in = instrument_of(req, rec);
  cairn_form *f = cairn_form_new(req, "checkin", fields_for(req, in));
  return render(req, rec, staff, in, f, 200);
}

/* What one answered check-in writes, in one transaction. */
typedef struct answer {
  const cairn_record *rec;   /* the check-in */
  const mt_instrument *in;   /* its episode's primary instrument */
  cairn_form *form;          /* bound, without messages */
  int staff;                 /* taken by phone */
} answer;

static int write_answer(cairn_req *req, void *arg, cairn_error *err) {
  answer *a = arg;
  const cairn_record *rec = a->rec;
  mt_checkin_fields f;
  mt_checkin_fields_read(rec, &f);
  long long obs = 0;
  const char *today = cairn_date_format(req, cairn_date_today(req));
  if (a->in) {
    cairn_doc *o = cairn_doc_new(req, PROGRAM_NS, "Observation");
    cairn_doc_text(o, "episode", f.episode);
    cairn_doc_text(o, "instrument", a->in->id);
    cairn_doc_text(o, "effective", today);
    cairn_doc_text(o, "timepoint", cairn_req_printf(req, "maintenance-%sm",
                                                    f.months));
    for (int i = 0; i < a->in->n_items; i++)
      cairn_doc_text_attr(o, "answer", "item", a->in->items[i].id,
                          cairn_form_value(a->form, cairn_req_printf(
                              req, ANSWER_PREFIX "%s", a->in->items[i].id)));
    int rc = cairn_record_create(req, PROGRAM_T_OBSERVATION,
                                 cairn_record_patient(rec), o, &obs, err);
    if (rc) return rc;
    const cairn_record *stored;
    rc = cairn_record_get(req, obs, &stored, err);
    if (rc) return rc;
    f.score = cairn_req_strdup(req, cairn_record_value(stored, "r:score"));
    f.observation = mt_int(req, obs);
  }
  f.state = "done";
  f.answered = today;
  f.via = a->staff ? "phone" : "link";
  f.pgic = cairn_form_value(a->form, "pgic");
  f.home = cairn_form_value(a->form, "homeRoutine");
  f.comment = cairn_form_value(a->form, "comment");
  return cairn_record_revise(req, cairn_record_id(rec),
                             cairn_record_version(rec), NULL,
                             mt_checkin_body(req, &f), err);
}

int mt_post_checkin(cairn_req *req) {
  const cairn_record *rec;
  int staff, rc = load(req, &rec, &staff);
  if (rc) return rc;
  if (strcmp(cairn_record_value(rec, "r:state"), "done") == 0)
    return mt_error_page(req, 409, "This check-in has already been answered. "
                                   "Thank you.");
  const mt_instrument *in = instrument_of(req, rec);
  cairn_form *f = cairn_form_new(req, "checkin", fields_for(req, in));
  if (cairn_form_bind(f) == 0) {
    answer a = {.rec = rec, .in = in, .form = f, .staff = staff};
    cairn_error err = {0};
    if (cairn_transaction(req, write_answer, &a, &err) == CAIRN_OK) {
      if (!cairn_record_get(req, cairn_record_id(rec), &rec, &err))
        return render(req, rec, staff, in, f, 200);
    }
    cairn_form_host_error(f, &err);
  }
  return render(req, rec, staff, in, f, 422);
}
