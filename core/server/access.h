/*
** access.h -- who may do what: staff accounts and passwords, sessions,
** CSRF tokens, sign-in throttling, capability links, rate limits and the
** audit trail.  The tables are described in core/store/store_schema.c (core version 2).
** Secrets (session ids, link tokens) exist only in the client's hands and
** in memory for one request; the database keeps their BLAKE2b hashes.
*/
#ifndef CAIRN_ACCESS_H
#define CAIRN_ACCESS_H

#include "cairn_int.h"

/* Passwords: at least this many characters (NIST SP 800-63B asks for 8 at
** least; a clinic's staff handle patient data, so 10), at most 128 (the
** argon2id cost does not depend on length, but a bound keeps input sane). */
#define CAIRN_PASSWORD_MIN 10
#define CAIRN_PASSWORD_MAX 128
/* Sessions end after this long without a request, and after this long
** whatever happens (a clinic day plus margin). */
#define CAIRN_SESSION_IDLE_S (30 * 60)
#define CAIRN_SESSION_ABSOLUTE_S (12 * 60 * 60)
/* Failed sign-ins (docs/decisions.md, "Sign-in throttling"): after this
** many for one account from one address, each further attempt from there
** must wait 2^(failures - free) seconds, up to the cap; the count is
** forgotten after a quiet day and cleared by a successful sign-in.  A
** stranger elsewhere never makes the account's owner wait. */
#define CAIRN_SIGNIN_FREE_FAILURES 5
/* One address's ceiling over every account tried from it: higher, since a
** clinic's staff may share one NAT address; past it the same growing
** delay applies to every account from that address. */
#define CAIRN_SIGNIN_ADDRESS_FREE_FAILURES 20
/* Failures for one account from every address in a day past which each
** further one is logged as a warning (guessing spread over many
** addresses): logged for a person to act on, never a lock-out. */
#define CAIRN_SIGNIN_ACCOUNT_ALERT 20
#define CAIRN_SIGNIN_DELAY_CAP_S (15 * 60)
#define CAIRN_SIGNIN_FORGET_S (24 * 60 * 60)
/* A capability link's cookie lasts this long after the link is opened. */
#define CAIRN_CAPABILITY_SESSION_S (30 * 60)
#define CAIRN_CAPABILITY_TTL_MIN_S 60
#define CAIRN_CAPABILITY_TTL_MAX_S (90L * 24 * 60 * 60)
/* A link renewed by use moves its expiry at most once in this long: a
** write per page the patient opens would put every one of their reads
** behind the database's write lock, and a day is the grain the expiry is
** shown in. */
#define CAIRN_CAPABILITY_RENEW_STEP_S (24L * 60 * 60)

/* Cookie names. */
#define CAIRN_COOKIE_SESSION "cairn_sid"
#define CAIRN_COOKIE_PRE "cairn_pre"       /* form token before sign-in */
#define CAIRN_COOKIE_CAPABILITY "cairn_cap"
/* With Secure cookies, every name above carries the __Host- prefix
** (RFC 6265bis): the browser then accepts it only with Secure, Path=/ and
** no Domain, so a sibling subdomain cannot plant one (a planted session
** cookie would sign a user out).  cairn_cookie_name gives the name this
** deployment uses. */
#define CAIRN_COOKIE_HOST_PREFIX "__Host-"
const char *cairn_cookie_name(const cairn_req *req, const char *base);
/* The value of this deployment's cookie `base` in the request, or NULL. */
const char *cairn_cookie_get(const cairn_req *req, const char *base);

/* Roles, as stored and as the audience bits they satisfy. */
unsigned cairn_role_bit(const char *role);      /* 0 for an unknown role */
const char *cairn_role_label(const char *role); /* "front desk" */

/* A random 256-bit secret as 43 characters of URL-safe base64, and its
** hash as 64 hex digits. */
void cairn_secret_new(char out[44]);
void cairn_secret_hash(const char *secret, char out[65]);

/* --- staff ---------------------------------------------------------- */

/* Check a new password: length, not the user name, not on the list of
** common passwords.  CAIRN_EINVAL with a message for the person. */
int cairn_password_check(const char *username, const char *password,
                         cairn_error *err);
/* Add an account.  role: admin, clinician or front-desk.  Username
** [a-z0-9._-]{2,32}.  CAIRN_ECONFLICT when the name is taken. */
int cairn_staff_add(cairn_store *st, const char *username,
                    const char *display_name, const char *role,
                    const char *password, cairn_error *err);
int cairn_staff_passwd(cairn_store *st, const char *username,
                       const char *password, cairn_error *err);
/* Disable (1) or enable (0) an account; disabling ends its sessions. */
int cairn_staff_set_disabled(cairn_store *st, const char *username,
                             int disabled, cairn_error *err);

/* The staff member a session belongs to. */
typedef struct cairn_staff {
  long long id;
  char username[40];
  char display_name[130];
  char role[16];
  char csrf[44];             /* the session's form token */
} cairn_staff;

/* Sign in: throttled per account and per address; on success a new
** session (a new id, never one the client offered) is written to
** sid_out.  A wrong name and a wrong password get the same answer.
** CAIRN_EDENIED (wrong), CAIRN_ELIMIT (wait: *retry_after seconds). */
int cairn_signin(cairn_store *st, const char *username, const char *password,
                 const char *remote, char sid_out[44], int *retry_after,
                 cairn_staff *who, cairn_error *err);
/* Look up a session id from a cookie; refreshes its idle timer.
** CAIRN_ENOTFOUND for an unknown, expired or disabled one. */
int cairn_session_get(cairn_store *st, const char *sid, cairn_staff *who);
void cairn_session_end(cairn_store *st, const char *sid);

/* --- capability links and rate limits -------------------------------- */

typedef struct cairn_capability {
  long long id, patient;
  char scope[128];
  char target[256];
} cairn_capability;

int cairn_capability_issue(cairn_store *st, const char *actor,
                           const char *scope, const char *target,
                           long long patient, long ttl, int max_uses,
                           char token_out[44], long long *id,
                           cairn_error *err);
/* Open a link: checks expiry, revocation and uses (one use is spent) and
** creates a capability session written to sid_out. */
int cairn_capability_open(cairn_store *st, const char *token,
                          cairn_capability *cap, char sid_out[44],
                          cairn_error *err);
/* The capability behind a capability-session cookie, if still valid. */
int cairn_capability_session(cairn_store *st, const char *sid,
                             cairn_capability *cap);
/* End the capability session `sid` (the device's "sign out"); the link
** itself stays valid.  0, or CAIRN_EDB. */
int cairn_capability_session_end(cairn_store *st, const char *sid);
int cairn_capability_revoke(cairn_store *st, long long id, cairn_error *err);
/* Make link `id` renewed by use: from now on each use (an opening, or a
** request through one of its sessions) moves its expiry to the moment of
** use plus the lifetime it was issued with (expires - created), at most
** once per CAIRN_CAPABILITY_RENEW_STEP_S.  Never beyond that lifetime
** from the last use, and so never beyond CAIRN_CAPABILITY_TTL_MAX_S; a
** revoked or expired link is not renewed.  0, CAIRN_ENOTFOUND (no such
** live link) or CAIRN_EDB. */
int cairn_capability_renew_on_use(cairn_store *st, long long id,
                                  cairn_error *err);
int cairn_rate_check(cairn_store *st, const char *bucket, const char *key,
                     int max, int window_s, cairn_error *err);

/* --- audit ----------------------------------------------------------- */

typedef struct cairn_audit_entry {
  const char *actor, *role, *method, *route, *path, *outcome, *remote;
  long long patient, record;  /* 0: none */
} cairn_audit_entry;

/* Append one entry, chained to the previous one.  Control characters in
** values are escaped (\xNN) before they are stored. */
int cairn_audit_append(cairn_store *st, const cairn_audit_entry *e,
                       cairn_error *err);
/* Walk the chain.  0 when intact; otherwise CAIRN_EINVAL and *err names
** the first entry that was changed, removed or inserted. */
int cairn_audit_verify(cairn_store *st, long long *entries, cairn_error *err);

#endif
