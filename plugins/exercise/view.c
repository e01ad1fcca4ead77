/*
** view.c -- what every page of the plugin puts in its view document: an
** exercise with its dose and drawing, a dose in words, the patient and
** episode at the top.
*/
#include "exercise.h"

#include <stdio.h>
#include <string.h>

const char *ex_fmt_int(cairn_req *req, long long v) {
  return cairn_req_printf(req, "%lld", v);
}

/* Kilograms for a person: "12.5", "8" (no trailing zeros). */
const char *ex_fmt_kg(cairn_req *req, double kg) {
  return cairn_req_printf(req, "%g", kg);
}

int ex_req_is_xml(cairn_req *req) {
  const char *ct = cairn_req_content_type(req);
  return strcmp(ct, "application/xml") == 0 || strcmp(ct, "text/xml") == 0;
}

/* See exercise.h. */
const char *ex_dose_text(cairn_req *req, const ex_dose *d) {
  const char *per =
      d->reps > 0 && d->hold > 0
          ? cairn_req_printf(req, "%d, %d s hold", d->reps, d->hold)
      : d->reps > 0 ? cairn_req_printf(req, "%d", d->reps)
                    : cairn_req_printf(req, "%d s hold", d->hold);
  return d->load > 0
      ? cairn_req_printf(req, "%d x %s at %s kg", d->sets, per,
                         ex_fmt_kg(req, d->load))
      : cairn_req_printf(req, "%d x %s", d->sets, per);
}

/* <dose sets= reps=? hold=? load=? volume= work= text=/>: text is the
** dose in words (ex_dose_text). */
void ex_doc_dose(cairn_req *req, cairn_doc *doc, const ex_dose *d) {
  const char *text = ex_dose_text(req, d);
  cairn_doc_open(doc, "dose");
  cairn_doc_attr(doc, "sets", ex_fmt_int(req, d->sets));
  if (d->reps > 0) cairn_doc_attr(doc, "reps", ex_fmt_int(req, d->reps));
  if (d->hold > 0) cairn_doc_attr(doc, "hold", ex_fmt_int(req, d->hold));
  cairn_doc_attr(doc, "load", ex_fmt_kg(req, d->load));
  cairn_doc_attr(doc, "volume", cairn_req_printf(req, "%g",
                                                 ex_dose_volume(d)));
  /* what the chart plots: the volume, or sets x reps at body weight */
  cairn_doc_attr(doc, "work", cairn_req_printf(
      req, "%g", d->load > 0 ? ex_dose_volume(d)
                             : (double)d->sets * (d->reps > 0 ? d->reps
                                                              : d->hold)));
  cairn_doc_attr(doc, "text", text);
  cairn_doc_close(doc);
}

/* <exercise id= stage= stage-label= order=? name= pinyin=? pattern=
**   tempo=? rest=? per-week=><region/>* <dose/> <instructions/> <cue/>
**   <description/> <drawing head-x= head-y=><stroke points=/>*
**   <prop points=/>*</drawing>?</exercise>, left open for the caller to
** add to; close it with cairn_doc_close. */
void ex_doc_exercise(cairn_req *req, cairn_doc *doc, const ex_exercise *x,
                     int with_drawing) {
  int i;
  cairn_doc_open(doc, "exercise");
  cairn_doc_attr(doc, "id", x->id);
  cairn_doc_attr(doc, "stage", ex_stage_code(x->stage));
  cairn_doc_attr(doc, "stage-label", ex_stage_label(x->stage));
  if (x->order > 0) cairn_doc_attr(doc, "order", ex_fmt_int(req, x->order));
  cairn_doc_attr(doc, "name", x->name);
  if (x->pinyin[0] != '\0') cairn_doc_attr(doc, "pinyin", x->pinyin);
  cairn_doc_attr(doc, "pattern", x->pattern);
  if (x->tempo[0] != '\0') cairn_doc_attr(doc, "tempo", x->tempo);
  if (x->rest > 0) cairn_doc_attr(doc, "rest", ex_fmt_int(req, x->rest));
  cairn_doc_attr(doc, "per-week", ex_fmt_int(req, x->per_week));
  for (i = 0; i < x->n_regions; i++)
    cairn_doc_text(doc, "region", x->region[i]);
  ex_doc_dose(req, doc, &x->dose);
  cairn_doc_text(doc, "instructions", x->instructions);
  cairn_doc_text(doc, "cue", x->cue);
  cairn_doc_text(doc, "description", x->description);
  if (with_drawing) {
    cairn_doc_open(doc, "drawing");
    cairn_doc_attr(doc, "head-x", x->head_cx);
    cairn_doc_attr(doc, "head-y", x->head_cy);
    for (i = 0; i < x->n_strokes; i++) {
      cairn_doc_open(doc, "stroke");
      cairn_doc_attr(doc, "points", x->stroke[i]);
      cairn_doc_close(doc);
    }
    for (i = 0; i < x->n_props; i++) {
      cairn_doc_open(doc, "prop");
      cairn_doc_attr(doc, "points", x->prop[i]);
      cairn_doc_close(doc);
    }
    cairn_doc_close(doc);
  }
}

/* <patient id= name= href=/><episode id= phase= href= exercise-href=/> */
void ex_doc_episode_head(cairn_req *req, cairn_doc *doc,
                         const ex_episode *e) {
  cairn_doc_open(doc, "patient");
  cairn_doc_attr(doc, "id", ex_fmt_int(req, e->patient));
  cairn_doc_attr(doc, "name", e->patient_name);
  cairn_doc_attr(doc, "href", cairn_req_printf(req, "/patients/%lld",
                                               e->patient));
  cairn_doc_close(doc);
  cairn_doc_open(doc, "episode");
  cairn_doc_attr(doc, "id", ex_fmt_int(req, e->id));
  cairn_doc_attr(doc, "phase", e->phase);
  cairn_doc_attr(doc, "href", cairn_req_printf(
      req, "/patients/%lld/episodes/%lld", e->patient, e->id));
  cairn_doc_attr(doc, "exercise-href", cairn_req_printf(
      req, "/patients/%lld/episodes/%lld/exercise", e->patient, e->id));
  cairn_doc_close(doc);
}
