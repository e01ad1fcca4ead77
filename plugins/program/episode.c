/*
** episode.c -- the episode of care as a state machine (PROGRAM.md,
** issue 4):
**
**   enrolled -> introductory -> first-month -> monthly -> graduated
**        \            \              \             \
**         `------------`--------------`-------------`--> exited (reason)
**
** Each move is a program:PhaseChange record (FHIR keeps such moves as
** EpisodeOfCare.statusHistory; here they are records of their own so that
** each has its author, time and reasons, and other plugins can subscribe
** to them).  Its check hook (program_check_phase_change) is the one place
** the rules live, so the pages and the XML API refuse alike:
**   - a move that is not the next phase or an exit: CAIRN_ECONFLICT (409),
**     saying which moves are possible;
**   - a move whose requirements are missing: CAIRN_EINVAL (422) naming
**     the field: an exit without a reason; starting the introductory phase
**     without a baseline of the primary measure; a checkpoint decision
**     without a measure after the baseline; entering the monthly program
**     below the 50% benchmark without a written clinical justification;
**     moving on from a checkpoint before it is due without a written
**     clinical justification for the early move;
**     graduating without the checklist.
** The subscriber (program_on_phase_change) then, in the same transaction,
** revises the EpisodeOfCare to the new phase, raises the flat invoice of a
** paid phase entered (never per visit), and writes a program:Graduation
** record when the episode graduates.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

/* A justification shorter than this says nothing a colleague can weigh
** ("ok", "continue"); 20 characters is one short sentence. */
#define JUSTIFICATION_MIN 20

static int is_prog(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && n->ns &&
         strcmp((const char *)n->ns->href, PROGRAM_NS) == 0 &&
         strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *p, const char *name) {
  xmlNode *c;
  for (c = p->children; c; c = c->next)
    if (is_prog(c, name)) return c;
  return NULL;
}

static const char *text(cairn_req *req, const xmlNode *n) {
  xmlChar *v;
  const char *s;
  if (n == NULL) return "";
  v = xmlNodeGetContent(n);
  s = cairn_req_strdup(req, v ? (const char *)v : "");
  xmlFree(v);
  return s;
}

static void drop(xmlNode *root, const char *name) {
  xmlNode *c, *next;
  for (c = root->children; c; c = next) {
    next = c->next;
    if (is_prog(c, name)) {
      xmlUnlinkNode(c);
      xmlFreeNode(c);
    }
  }
}

/* Improvement of the primary measure at `date` (the newest measure after
** the baseline on or before it).  1: defined; 0: undefined (*why says
** why); -1: no measure after the baseline. */
static int improvement_at(cairn_req *req, const program_episode *e,
                          const char *date, double *imp, const char **why) {
  program_series *s = cairn_req_alloc(req, sizeof *s);
  int i;
  *why = "";
  if (program_series_load(req, e->id, e->primary, s) != CAIRN_OK) return -1;
  i = program_series_latest(s, program_days(date));
  if (i < 0) return -1;
  if (!program_series_improvement(s, (size_t)i, imp)) {
    *why = "the baseline is already the best score, so improvement is "
           "undefined";
    return 0;
  }
  return 1;
}

int program_check_phase_change(cairn_req *req, struct _xmlDoc *body,
                               cairn_error *err) {
  xmlNode *root = xmlDocGetRootElement(body), *ep_node;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  const char *to_s, *date, *reason, *just, *note, *today;
  program_phase to;
  int has_imp = 0, rc;
  double imp = 0;
  const char *met = "";
  long long ep_id;

  if (!is_prog(root, "PhaseChange"))
    return program_fail(err, CAIRN_EINVAL, NULL,
                        "the record must be a PhaseChange in namespace "
                        PROGRAM_NS ".");
  ep_node = child(root, "episode");
  ep_id = strtoll(text(req, ep_node), NULL, 10);
  rc = program_episode_load(req, 0, ep_id, e, err);
  if (rc == CAIRN_ENOTFOUND)
    return program_fail(err, CAIRN_EINVAL, "episode",
                        "There is no episode %lld.", ep_id);
  if (rc != CAIRN_OK) return rc;
  if (e->phase == PHASE_NONE || e->def == NULL)
    return program_fail(err, CAIRN_ECONFLICT, "episode",
                        "Episode %lld is not run as the care program (it "
                        "has no phase); enrol the patient first.", ep_id);

  to_s = text(req, child(root, "to"));
  to = program_phase_parse(to_s);
  date = text(req, child(root, "date"));
  reason = text(req, child(root, "reason"));
  just = text(req, child(root, "justification"));
  note = text(req, child(root, "note"));
  today = cairn_req_today(req);

  if (e->phase == PHASE_GRADUATED || e->phase == PHASE_EXITED)
    return program_fail(err, CAIRN_ECONFLICT, "to",
                        "This episode has already %s (%s); nothing can "
                        "follow. Open a new episode to start again.",
                        e->phase == PHASE_GRADUATED ? "graduated" : "exited",
                        e->phase_start);
  if (!(to == PHASE_EXITED || (int)to == (int)e->phase + 1))
    return program_fail(err, CAIRN_ECONFLICT, "to",
                        "An episode in the %s can move only to the %s or "
                        "exit; moving to \"%s\" would skip or go back a "
                        "step.", program_phase_label(e->phase),
                        program_phase_label((program_phase)(e->phase + 1)),
                        program_phase_label(to));
  if (today && today[0] && strcmp(date, today) > 0)
    return program_fail(err, CAIRN_EINVAL, "date",
                        "The date of the move cannot be after today (%s).",
                        today);
  if (strcmp(date, e->phase_start) < 0)
    return program_fail(err, CAIRN_EINVAL, "date",
                        "The move cannot be dated before the current phase "
                        "began (%s).", e->phase_start);

  if (to == PHASE_EXITED) {
    if (reason[0] == '\0')
      return program_fail(err, CAIRN_EINVAL, "reason",
                          "Choose why the episode ends (no meaningful "
                          "response, benchmark not reached, red flag, "
                          "patient's choice, moved, other).");
    if (strcmp(reason, "other") == 0 && note[0] == '\0')
      return program_fail(err, CAIRN_EINVAL, "note",
                          "The reason is \"other\": write it in the note.");
  } else if (reason[0] != '\0') {
    return program_fail(err, CAIRN_EINVAL, "reason",
                        "A reason is given only when the episode exits.");
  }

  if (to == PHASE_INTRODUCTORY) {
    program_series *s = cairn_req_alloc(req, sizeof *s);
    rc = program_series_load(req, e->id, e->primary, s);
    if (rc != CAIRN_OK) return program_fail(err, rc, NULL, "series query");
    if (s->n == 0)
      return program_fail(err, CAIRN_EINVAL, "to",
                          "Record a baseline %s measure for this episode "
                          "before the introductory phase starts.",
                          e->primary);
  }

  /* At a checkpoint (leaving introductory or first-month, either way) the
  ** improvement is computed and kept with the decision. */
  if (e->phase == PHASE_INTRODUCTORY || e->phase == PHASE_FIRST_MONTH) {
    const program_checkpoint_def *cp =
        &e->def->checkpoint[e->phase == PHASE_INTRODUCTORY ? 0 : 1];
    const char *why;
    int k = improvement_at(req, e, date, &imp, &why);
    if (k < 0 && to != PHASE_EXITED)
      return program_fail(err, CAIRN_EINVAL, "to",
                          "Record a %s measure taken after the baseline "
                          "(on or before %s) so that the checkpoint "
                          "decision rests on data.", e->primary, date);
    has_imp = k == 1;
    met = k == 1 && imp >= cp->threshold - INSTR_SAME_SCORE ? "yes" : "no";
    if (k < 0) met = "";
    if (to == PHASE_MONTHLY && strcmp(met, "yes") != 0 &&
        cp->justification_below) {
      size_t n = program_utf8_chars(just);
      if (n < JUSTIFICATION_MIN) {
        return program_fail(
            err, CAIRN_EINVAL, "justification",
            "%s: below the %.0f%% benchmark, so the monthly program needs a "
            "written clinical justification (at least %d characters%s).",
            k == 1 ? cairn_req_printf(req, "Improvement is %.0f%%",
                                      imp * 100)
                   : "Improvement is undefined",
            cp->threshold * 100, JUSTIFICATION_MIN,
            n ? cairn_req_printf(req, "; %zu written", n) : "");
      }
    }
    /* Moving on before the checkpoint is due (the target duration of the
    ** definition, counted from the start of the introductory phase) is
    ** an exception a colleague must be able to weigh: it needs a written
    ** clinical justification.  Exit stays possible any day. */
    if (to != PHASE_EXITED) {
      const char *from = e->intro_start[0] ? e->intro_start : e->period_start;
      long due = program_days(from) + cp->due_day;
      size_t n = program_utf8_chars(just);
      if (program_days(date) < due && n < JUSTIFICATION_MIN)
        return program_fail(
            err, CAIRN_EINVAL, "justification",
            "The %s checkpoint is not due until %s (%d days from the start "
            "of the introductory phase); moving on before then needs a "
            "written clinical justification for the early move (at least "
            "%d characters%s). Exit is possible at any time.",
            e->phase == PHASE_INTRODUCTORY ? "introductory" : "first-month",
            program_date_of(req, due), cp->due_day, JUSTIFICATION_MIN,
            n ? cairn_req_printf(req, "; %zu written", n) : "");
    }
  }

  if (to == PHASE_GRADUATED) {
    const char *missing = "";
    if (strcmp(text(req, child(root, "goalsMet")), "yes") != 0)
      missing = "the functional goals met on PSFS";
    if (strcmp(text(req, child(root, "gainsHeld")), "yes") != 0)
      missing = cairn_req_printf(req, "%s%sgains held for %d weeks", missing,
                                 missing[0] ? ", " : "",
                                 e->def->gains_held_weeks);
    if (strcmp(text(req, child(root, "homeRoutine")), "yes") != 0)
      missing = cairn_req_printf(req, "%s%sthe home routine handed over",
                                 missing, missing[0] ? ", " : "");
    if (missing[0])
      return program_fail(err, CAIRN_EINVAL,
                          strstr(missing, "goals") ? "goalsMet"
                          : strstr(missing, "gains") ? "gainsHeld"
                                                     : "homeRoutine",
                          "Graduation needs every item of the checklist; "
                          "missing: %s.", missing);
    {
      const char *why;
      has_imp = improvement_at(req, e, date, &imp, &why) == 1;
    }
  }

  /* Computed elements replace whatever a client sent. */
  drop(root, "from");
  drop(root, "definitionVersion");
  drop(root, "improvement");
  drop(root, "benchmarkMet");
  {
    xmlNode *from = xmlNewDocNode(body, root->ns, (const xmlChar *)"from",
                                  (const xmlChar *)program_phase_code(e->phase));
    xmlAddNextSibling(ep_node, from);
  }
  xmlNewTextChild(root, root->ns, (const xmlChar *)"definitionVersion",
                  (const xmlChar *)program_fmt_int(req, e->def_version));
  if (has_imp) {
    if (imp < -1000) imp = -1000;
    xmlNewTextChild(root, root->ns, (const xmlChar *)"improvement",
                    (const xmlChar *)program_fmt(req, imp, 4));
  }
  if (met[0])
    xmlNewTextChild(root, root->ns, (const xmlChar *)"benchmarkMet",
                    (const xmlChar *)met);
  return CAIRN_OK;
}

/* ------------------------------------------------------- subscriber */

/* The episode's body again with a new phase (and, at the end, status
** finished and periodEnd). */
static cairn_doc *episode_body(cairn_req *req, const program_episode *e,
                               program_phase to, const char *date) {
  xmlDocPtr x = xmlNewDoc((const xmlChar *)"1.0");
  xmlNodePtr r = xmlNewDocNode(x, NULL, (const xmlChar *)"EpisodeOfCare",
                               NULL);
  xmlNsPtr ns = xmlNewNs(r, (const xmlChar *)PROGRAM_NS, NULL);
  int end = to == PHASE_GRADUATED || to == PHASE_EXITED, i;
  cairn_doc *doc;
  xmlSetNs(r, ns);
  xmlDocSetRootElement(x, r);
  xmlNewTextChild(r, ns, (const xmlChar *)"status",
                  (const xmlChar *)(end ? "finished" : "active"));
  xmlNewTextChild(r, ns, (const xmlChar *)"cohort",
                  (const xmlChar *)e->cohort);
  xmlNewTextChild(r, ns, (const xmlChar *)"periodStart",
                  (const xmlChar *)e->period_start);
  if (e->primary[0])
    xmlNewTextChild(r, ns, (const xmlChar *)"primaryInstrument",
                    (const xmlChar *)e->primary);
  if (end)
    xmlNewTextChild(r, ns, (const xmlChar *)"periodEnd",
                    (const xmlChar *)date);
  xmlNewTextChild(r, ns, (const xmlChar *)"phase",
                  (const xmlChar *)program_phase_code(to));
  xmlNewTextChild(r, ns, (const xmlChar *)"definitionVersion",
                  (const xmlChar *)program_fmt_int(req, e->def_version));
  for (i = 0; i < 5; i++) {
    xmlNodePtr a;
    if (e->activity[i][0] == '\0') continue;
    a = xmlNewTextChild(r, ns, (const xmlChar *)"activity",
                        (const xmlChar *)e->activity[i]);
    xmlSetProp(a, (const xmlChar *)"item",
               (const xmlChar *)cairn_req_printf(req, "a%d", i + 1));
    if (e->goal[i][0])
      xmlSetProp(a, (const xmlChar *)"goal", (const xmlChar *)e->goal[i]);
  }
  doc = cairn_doc_from_xml(req, x);
  xmlFreeDoc(x);
  return doc;
}

int program_on_phase_change(cairn_req *req, const cairn_record *rec,
                            cairn_error *err) {
  long long ep_id = strtoll(cairn_record_value(rec, "r:episode"), NULL, 10);
  program_phase to = program_phase_parse(cairn_record_value(rec, "r:to"));
  const char *date = cairn_record_value(rec, "r:date");
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  int rc, paid;
  long long id;

  rc = program_episode_load(req, 0, ep_id, e, err);
  if (rc != CAIRN_OK) return rc;
  rc = cairn_record_revise(req, e->id, e->version, NULL,
                           episode_body(req, e, to, date), err);
  if (rc != CAIRN_OK) return rc;

  paid = program_phase_paid_index(to);
  if (paid >= 0 && e->def) {
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "phase", program_phase_code(to),
      "date", date,
      "amount", cairn_req_printf(req, "%.2f", e->def->phase[paid].fee),
      "currency", e->def->currency,
      "definitionVersion", program_fmt_int(req, e->def_version),
      NULL, NULL};
    rc = cairn_record_create(req, PROGRAM_T_INVOICE, e->patient,
                             program_body(req, "Invoice", pairs), &id, err);
    if (rc != CAIRN_OK) return rc;
  }
  if (to == PHASE_GRADUATED) {
    const char *start = e->intro_start[0] ? e->intro_start : e->period_start;
    long days = program_days(date) - program_days(start);
    const char *imp = cairn_record_value(rec, "r:improvement");
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "date", date,
      "daysInProgram", program_fmt_int(req, days < 0 ? 0 : days),
      "improvement", imp,
      NULL, NULL};
    rc = cairn_record_create(req, PROGRAM_T_GRADUATION, e->patient,
                             program_body(req, "Graduation", pairs), &id,
                             err);
    if (rc != CAIRN_OK) return rc;
  }
  return CAIRN_OK;
}

/* ------------------------------------------------------ POST a move */

static const char *const MOVE_FIELDS[] = {
  "to", "date", "reason", "justification", "note", "goalsMet", "gainsHeld",
  "homeRoutine", "form", NULL};

static int rerender(cairn_req *req, const program_patient *p,
                    const program_episode *e, const pform *f, int status) {
  if (e->phase == PHASE_INTRODUCTORY || e->phase == PHASE_FIRST_MONTH)
    return program_render_checkpoint(req, p, e, f, status);
  return program_render_episode(req, p, e, f, status);
}

int program_post_move(cairn_req *req) {
  program_patient p;
  program_episode *e = cairn_req_alloc(req, sizeof *e);
  cairn_error err = {0, "", ""};
  pform f;
  long long id;
  int rc;

  rc = program_route_episode(req, &p, e);
  if (rc != 0) return rc;

  if (program_req_is_xml(req)) {
    struct _xmlDoc *x = cairn_req_body_record(req, PROGRAM_T_PHASE_CHANGE,
                                              &err);
    if (x == NULL) {
      if (err.code == 0) err.code = CAIRN_EINVAL;
      return program_fail_page(req, &err, 400);
    }
    if (strtoll(text(req, child(xmlDocGetRootElement(x), "episode")), NULL,
                10) != e->id)
      return program_error_page(req, 422, "episode",
                                "The episode in the body is not the episode "
                                "of the URL.");
    rc = cairn_record_create(req, PROGRAM_T_PHASE_CHANGE, p.id,
                             cairn_doc_from_xml(req, x), &id, &err);
    if (rc != CAIRN_OK) return program_fail_page(req, &err, 422);
    return cairn_respond_redirect(req, cairn_req_printf(
        req, "/patients/%lld/episodes/%lld", p.id, e->id));
  }
  if (strcmp(cairn_req_content_type(req),
             "application/x-www-form-urlencoded") != 0)
    return program_unsupported(req);

  pform_init(&f, "move");
  pform_read(req, &f, MOVE_FIELDS);
  if (strcmp(pform_get(&f, "form"), "exit") == 0) f.id = "exit";
  /* Checkboxes send "yes" or nothing. */
  pform_date(req, &f, "date", 1, 0);
  if (program_phase_parse(pform_get(&f, "to")) == PHASE_NONE)
    pform_error(&f, "to", "Choose the phase to move to.");
  pform_choice(&f, "reason", program_exit_reasons, 0,
               "Choose a reason from the list.");
  if (f.n_err == 0) {
    const char *pairs[] = {
      "episode", program_fmt_int(req, e->id),
      "to", pform_get(&f, "to"),
      "date", pform_get(&f, "date"),
      "reason", pform_get(&f, "reason"),
      "justification", pform_get(&f, "justification"),
      "note", pform_get(&f, "note"),
      "goalsMet", pform_get(&f, "goalsMet")[0] ? "yes" : "",
      "gainsHeld", pform_get(&f, "gainsHeld")[0] ? "yes" : "",
      "homeRoutine", pform_get(&f, "homeRoutine")[0] ? "yes" : "",
      NULL, NULL};
    rc = cairn_record_create(req, PROGRAM_T_PHASE_CHANGE, p.id,
                             program_body(req, "PhaseChange", pairs), &id,
                             &err);
    if (rc == CAIRN_OK)
      return cairn_respond_redirect(req, cairn_req_printf(
          req, "/patients/%lld/episodes/%lld", p.id, e->id));
    if (rc != CAIRN_EINVAL && rc != CAIRN_ECONFLICT && rc != CAIRN_ELIMIT)
      return program_fail_page(req, &err, 422);
    pform_host_error(req, &f, &err);
    return rerender(req, &p, e, &f, rc == CAIRN_ECONFLICT ? 409 : 422);
  }
  return rerender(req, &p, e, &f, 422);
}
