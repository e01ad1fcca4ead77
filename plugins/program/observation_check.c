/*
** observation_check.c -- the check hooks of Observation, EpisodeOfCare and
** Patient: rules the schema cannot say, run on every write path (form,
** XML API, import) after schema validation and before anything is stored.
** Field names are shared with the forms and the XML API's errors:
** instrument, effective, timepoint, episode, answer.<item>.
**
** An observation is scored once per write: the observation form scores
** what was typed and builds its body with the score, and marks its
** request with program_observation_scored() for the length of its
** record_create; the hook leaves the body of such a request alone.  Every
** other body (the XML API, the import) is scored here, and a score a
** client sent is replaced.
*/
#include "program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request whose handler has just scored its Observation, NULL
** outside that handler's record_create.  Workers are single-threaded
** processes and the handler clears it before it returns, so only the
** check of that one write can see it (the hook is handed the store's own
** view of the body, not the handler's handle, so the request is the
** mark). */
static const cairn_req *scored_by = NULL;

void program_observation_scored(cairn_req *req) { scored_by = req; }

/* "answer.<item>" in the arena. */
const char *program_answer_field(cairn_req *req, const char *item) {
  return cairn_req_printf(req, PROGRAM_ANSWER_PREFIX "%s", item);
}

/* A comma-separated list of d's item ids, for messages. */
static const char *item_list(cairn_req *req, const instr_def *d) {
  const char *s = "";
  size_t i;
  for (i = 0; i < d->n_items; i++) {
    s = cairn_req_printf(req, "%s%s%s", s, i ? ", " : "", d->items[i].id);
  }
  return s;
}

/* A date field: a real date, not after today.  0, or fills *err. */
static int check_date_not_future(cairn_req *req, const char *field,
                                 const char *value, const char *what,
                                 cairn_error *err) {
  long days;
  const char *today = cairn_req_today(req);
  if (cairn_date_parse(value, &days) != 0) {
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "%s must be a date written YYYY-MM-DD, between "
                      "1900-01-01 and 2199-12-31.", what);
  }
  /* YYYY-MM-DD strings compare as the dates do. */
  if (today != NULL && today[0] != '\0' && strcmp(value, today) > 0) {
    return cairn_fail(err, CAIRN_EINVAL, field,
                      "%s %s is after today (%s).", what, value, today);
  }
  return 0;
}

/* The root of `body` is element `root`; else CAIRN_EINVAL. */
static int check_root(cairn_doc *body, const char *root, const char *what,
                      cairn_error *err) {
  if (strcmp(cairn_node_name(cairn_doc_root(body)), root) == 0) return 0;
  return cairn_fail(err, CAIRN_EINVAL, NULL,
                    "the record must be %s in namespace " PROGRAM_NS ".",
                    what);
}

/* The name of item idx for people: for a PSFS item the patient's own
** activity (the episode's a1..a5), else the item's label; never the
** internal code. */
static const char *item_name(cairn_req *req, cairn_doc *body,
                             const instr_def *d, int idx) {
  const char *ep = program_body_text(body, "episode");
  if (strncmp(d->id, "psfs", 4) == 0 && ep[0] && idx < PROGRAM_ACTIVITIES_MAX) {
    program_episode *e = cairn_req_alloc(req, sizeof *e);
    cairn_error err = {0, "", ""};
    if (program_episode_load(req, 0, strtoll(ep, NULL, 10), e, &err) ==
            CAIRN_OK &&
        e->activity[idx][0])
      return cairn_req_printf(req, "\"%s\"", e->activity[idx]);
  }
  return d->items[idx].label ? d->items[idx].label : d->items[idx].id;
}

/* Read the <answer item=>s of `body` into *answers: each item known to d,
** answered once, a number.  0, or CAIRN_EINVAL naming answer.<item>. */
static int read_answers(cairn_req *req, cairn_doc *body, const instr_def *d,
                        instr_answers *answers, size_t *n,
                        cairn_error *err) {
  cairn_node *c;
  *n = 0;
  for (c = cairn_node_child(body, NULL, "answer"); c != NULL;
       c = cairn_node_next(c, "answer")) {
    const char *item = cairn_node_attr(body, c, "item");
    int idx = item ? instr_item_index(d, item) : -1;
    if (idx < 0) {
      return cairn_fail(err, CAIRN_EINVAL,
                        program_answer_field(req, item ? item : ""),
                        "%s has no item \"%.32s\"; its items are %s.", d->id,
                        item ? item : "", item_list(req, d));
    }
    if (answers->given[idx]) {
      return cairn_fail(err, CAIRN_EINVAL,
                        program_answer_field(req, d->items[idx].id),
                        "%s is answered twice.",
                        item_name(req, body, d, idx));
    }
    if (instr_parse_number(program_trim(req, cairn_node_text(body, c)),
                           &answers->value[idx]) != INSTR_OK) {
      return cairn_fail(err, CAIRN_EINVAL,
                        program_answer_field(req, d->items[idx].id),
                        "%s: the answer must be a number such as 6 or "
                        "6.5.", item_name(req, body, d, idx));
    }
    answers->given[idx] = 1;
    (*n)++;
  }
  return 0;
}

/* A single-value instrument may arrive as a bare <score> (a trial's table
** of scores has no item answers): the score is then the answer, checked
** like any other and written back as one, before the score. */
static int score_as_answer(cairn_req *req, cairn_doc *body,
                           const instr_def *d, instr_answers *answers,
                           cairn_error *err) {
  cairn_node *score = cairn_node_child(body, NULL, "score"), *a;
  const char *v;
  if (score == NULL) return 0;
  v = program_trim(req, cairn_node_text(body, score));
  if (instr_parse_number(v, &answers->value[0]) != INSTR_OK) {
    return cairn_fail(err, CAIRN_EINVAL, "score",
                      "The score must be a number.");
  }
  answers->given[0] = 1;
  a = cairn_doc_insert_before(body, score, "answer", v);
  cairn_doc_at(body, a);
  cairn_doc_attr(body, "item", d->items[0].id);
  cairn_doc_at(body, NULL);
  return 0;
}

/* 1 when `body` holds one <score>, reading exactly `text`, where set_score
** would put it (last, or just before <errorReason>). */
static int score_in_place(cairn_doc *body, const char *text) {
  cairn_node *s = cairn_node_child(body, NULL, "score");
  return s != NULL && cairn_node_next(s, "score") == NULL &&
         strcmp(cairn_node_text(body, s), text) == 0 &&
         cairn_node_next(s, NULL) ==
             cairn_node_child(body, NULL, "errorReason");
}

/* Score the answers of `body` and put the score last, replacing any the
** client sent.  A body that already holds this very score in its place (a
** re-imported export, a correction that keeps the answers) is left
** unchanged, so the store need not validate it a second time.  0, or
** CAIRN_EINVAL naming the item at fault. */
static int set_score(cairn_req *req, cairn_doc *body, const instr_def *d,
                     const instr_answers *answers, cairn_error *err) {
  instr_fault fault;
  double score;
  char buf[64];
  if (instr_score_exact(d, answers, &score, &fault) != INSTR_OK) {
    if (fault.item < 0)
      return cairn_fail(err, CAIRN_EINVAL, "answer", "%s", fault.message);
    return cairn_fail(err, CAIRN_EINVAL,
                      program_answer_field(req, d->items[fault.item].id),
                      "%s: %s", item_name(req, body, d, fault.item),
                      fault.message);
  }
  /* Stored exact; rounded to the instrument's decimals for display only. */
  instr_format_exact(score, buf, sizeof buf);
  if (score_in_place(body, buf)) return 0;
  cairn_doc_remove(body, NULL, "r:score");
  cairn_doc_at(body, NULL);
  /* Last, or before the reason of an observation entered in error. */
  cairn_doc_insert_before(body, cairn_node_child(body, NULL, "errorReason"),
                          "score", buf);
  return 0;
}

int program_check_observation(cairn_req *req, cairn_doc *body,
                              cairn_error *err) {
  const instr_def *d;
  const char *instrument;
  instr_answers answers;
  size_t n_answers;
  int rc;

  if (req != NULL && req == scored_by) return CAIRN_OK;
  if (program_instruments == NULL) {
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "the program plugin has no instruments loaded");
  }
  rc = check_root(body, "Observation", "an Observation", err);
  if (rc != 0) return rc;
  instrument = program_trim(req, program_body_text(body, "instrument"));
  d = instr_find(program_instruments, instrument);
  if (d == NULL) {
    return cairn_fail(err, CAIRN_EINVAL, "instrument",
                      "There is no instrument \"%.40s\" (see /instruments).",
                      instrument);
  }
  rc = check_date_not_future(
      req, "effective", program_trim(req, program_body_text(body, "effective")),
      "The date", err);
  if (rc != 0) return rc;
  memset(&answers, 0, sizeof answers);
  rc = read_answers(req, body, d, &answers, &n_answers, err);
  if (rc != 0) return rc;
  if (n_answers == 0 && d->method == INSTR_VALUE) {
    rc = score_as_answer(req, body, d, &answers, err);
    if (rc != 0) return rc;
  }
  return set_score(req, body, d, &answers, err);
}

int program_check_episode(cairn_req *req, cairn_doc *body,
                          cairn_error *err) {
  const char *instrument, *start, *end;
  int rc = check_root(body, "EpisodeOfCare", "an EpisodeOfCare", err);
  if (rc != 0) return rc;
  instrument = program_trim(req, program_body_text(body, "primaryInstrument"));
  if (instrument[0] != '\0' &&
      instr_find(program_instruments, instrument) == NULL) {
    return cairn_fail(err, CAIRN_EINVAL, "primaryInstrument",
                      "There is no instrument \"%.40s\" (see /instruments).",
                      instrument);
  }
  start = program_trim(req, program_body_text(body, "periodStart"));
  end = program_trim(req, program_body_text(body, "periodEnd"));
  if (end[0] != '\0' && strcmp(end, start) < 0) {
    return cairn_fail(err, CAIRN_EINVAL, "periodEnd",
                      "The episode cannot end (%s) before it starts (%s).",
                      end, start);
  }
  return CAIRN_OK;
}

int program_check_patient(cairn_req *req, cairn_doc *body,
                          cairn_error *err) {
  cairn_node *bd;
  int rc = check_root(body, "Patient", "a Patient", err);
  if (rc != 0) return rc;
  bd = cairn_node_child(body, NULL, "birthDate");
  if (bd != NULL) {
    return check_date_not_future(req, "birthDate",
                                 program_trim(req, cairn_node_text(body, bd)),
                                 "The birth date", err);
  }
  return CAIRN_OK;
}
