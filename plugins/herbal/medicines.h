/*
** medicines.h -- which known drugs a patient's medicine names.  A
** medicine is free text as the patient or clinician wrote it ("Coumadin
** 5 mg at night"); it names a drug when it holds the drug's generic name,
** its id (hyphens read as spaces) or one of its brands as a whole word,
** in any letter case.  Pure functions over a herbal_db.
*/
#ifndef HERBAL_MEDICINES_H
#define HERBAL_MEDICINES_H

#include "herbdb.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* Drugs one medicine text may name ("warfarin and aspirin" is two). */
#define HERBAL_DRUGS_PER_MEDICINE 8

/* Fill drugs[0..return) with the indexes of the drugs `text` names, at
** most `cap`, in data order. */
int herbal_medicine_drugs(const herbal_db *db, const char *text, int *drugs,
                          int cap);

/* 1 when drug `drug` is of class `cls` (indexes). */
int herbal_drug_in_class(const herbal_db *db, int drug, int cls);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#endif /* HERBAL_MEDICINES_H */
