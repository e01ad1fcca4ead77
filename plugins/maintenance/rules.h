/*
** rules.h -- the maintenance plugin's pure rules: calendar months over
** day numbers (billing periods, renewals, check-in dates), improvement from
** baseline and the loss-of-gains rule.  No host calls: unit-tested alone
** (tests/unit/check_maintenance.c).
*/
#ifndef MAINTENANCE_RULES_H
#define MAINTENANCE_RULES_H

/* Most billing periods one plan is billed in one run (ten years). */
#define MT_PERIODS_MAX 120

/* The day `months` calendar months after `day` (day numbers since
** 1970-01-01); a day of the month the target month lacks becomes its last
** day (31 January + 1 month = 28 or 29 February). */
long mt_add_months(long day, int months);

/* The starts of the billing periods of a membership begun on `start`
** that are due on `today`: period k starts mt_add_months(start, k) and is
** due once it has begun and, when `end` > 0, begins on or before `end`
** (a cancelled plan's month runs out, no later one begins).  Writes at
** most `max` into out; returns how many. */
int mt_billing_periods(long start, long today, long end, long *out, int max);

/* The last day of the period that holds `day` of a plan begun on `start`
** (the day before the next period begins); `day` before `start`: the last
** day of the first period. */
long mt_period_end(long start, long day);

/* The last day a paused plan is billed for: no period that begins on or
** after `paused` (the day the pause begins) is billed, nor after `end`
** (0: none).  Pass the result as mt_billing_periods' end. */
long mt_billing_limit(long end, long paused);

/* The day a plan begun (or last resumed) on `from` and paused on `paused`
** counts its billing periods from when resumed on `today`: a pause that
** has not begun is withdrawn (`from`); otherwise the day the month begun
** before the pause runs out, or `today` when that is later. */
long mt_resume_from(long from, long paused, long today);

/* The first renewal after `today` of a plan begun on `start` renewing
** every `term_months` months. */
long mt_next_renewal(long start, long today, int term_months);

/* Improvement toward the instrument's best: (baseline - now) / (baseline -
** best).  0 and *out set, or -1 when it is undefined (the baseline is
** already the best score). */
int mt_improvement(double baseline, double now, double best, double *out);

/* The loss-of-gains rule of the plan data. */
typedef struct mt_loss_rule {
  double share;              /* below share x the improvement at graduation */
  int in_a_row;              /* on this many check-ins in a row */
  double near_baseline;      /* or below this improvement once */
} mt_loss_rule;

typedef enum mt_loss {
  MT_LOSS_NONE = 0,          /* gains held, or not enough check-ins */
  MT_LOSS_BELOW_SHARE,       /* below the share on in_a_row check-ins */
  MT_LOSS_NEAR_BASELINE,     /* back within reach of the baseline once */
  MT_LOSS_UNDEFINED          /* no improvement can be computed: the
                             ** baseline was the best score, or there was
                             ** no improvement at graduation to keep */
} mt_loss;

/* The verdict over the improvements of the answered check-ins in time
** order (`imp`, `n` of them) against the improvement at graduation
** (`at_graduation`; a NaN when undefined).  `undefined` is 1 when the
** baseline is the best score (no improvement is defined). */
mt_loss mt_loss_of_gains(const mt_loss_rule *rule, int undefined,
                         double at_graduation, const double *imp, int n);

#endif /* MAINTENANCE_RULES_H */
