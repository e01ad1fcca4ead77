/*
** access.c -- staff accounts, passwords, sessions and sign-in throttling;
** capability links and rate limits.  Passwords are hashed with libsodium's
** argon2id at its "interactive" limits; session ids and link tokens are
** 256 random bits from libsodium, kept by the server only as BLAKE2b
** hashes, so a copy of the database opens no session.
*/
#include <ctype.h>
#include <strings.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "access.h"
#include "store_db.h"

/* A short list of passwords people choose first (from the public lists
** of breached passwords); a longer list would be data, this is a floor. */
static const char *const common_passwords[] = {
  "1234567890", "12345678910", "0123456789", "1111111111", "0000000000",
  "123123123123", "password1234", "password123", "passw0rd123",
  "qwertyuiop", "qwerty12345", "qwertyuiop1", "1q2w3e4r5t", "1qaz2wsx3edc",
  "iloveyou12", "abcdefghij", "abc1234567", "letmein123", "welcome123",
  "administrator", "admin12345", "changeme123", "trustno1234",
  "football123", "baseball123", "sunshine123", "princess123", "dragon1234",
  "monkey12345", "superman123", "michael123", "charlie123", "computer123",
  "whatever123", "starwars123", "cairnclinic", "clinic12345", "acupuncture",
  "acupuncture1", "healthcare1", "patient1234", "doctor12345", "summer2026",
  "winter2026", "spring2026", "autumn2026", NULL
};

unsigned cairn_role_bit(const char *role) {
  if (!role) return 0;
  if (!strcmp(role, "admin")) return CAIRN_AUD_ADMIN;
  if (!strcmp(role, "clinician")) return CAIRN_AUD_CLINICIAN;
  if (!strcmp(role, "front-desk")) return CAIRN_AUD_FRONT_DESK;
  return 0;
}

const char *cairn_role_label(const char *role) {
  if (role && !strcmp(role, "front-desk")) return "front desk";
  return role ? role : "";
}

void cairn_secret_new(char out[44]) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(out, 44, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
}

void cairn_secret_hash(const char *secret, char out[65]) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, (const unsigned char *)secret,
                     strlen(secret), NULL, 0);
  sodium_bin2hex(out, 65, h, sizeof h);
}

/* 1 when s looks like one of our secrets: 43 URL-safe base64 characters.
** Anything else is refused before it reaches the database. */
static int secret_shape_ok(const char *s) {
  if (!s || strlen(s) != 43) return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') return 0;
  return 1;
}

static void utc_iso(char buf[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* --- statements ------------------------------------------------------- */

/* Every query below is a constant bound by name through store_db.h, so a
** warm worker prepares none of them again. */

/* Bind text v to :name of s (a NULL s stays NULL: cairn_db_run reports
** the failed prepare). */
static cairn_stmt *bind_text(cairn_stmt *s, const char *name, const char *v) {
  if (s) cairn_sql_bind_text(s, name, v);
  return s;
}

/* Bind integer v to :name of s. */
static cairn_stmt *bind_int(cairn_stmt *s, const char *name, long long v) {
  if (s) cairn_sql_bind_int(s, name, v);
  return s;
}

/* Prepare sql (a constant) over the core tables. */
static cairn_stmt *prep(cairn_store *st, const char *sql) {
  return cairn_db_prepare(st, sql, NULL);
}

/* --- passwords and accounts ------------------------------------------ */

static int username_ok(const char *u) {
  size_t n = u ? strlen(u) : 0;
  if (n < 2 || n > 32) return 0;
  for (; *u; u++)
    if (!(islower((unsigned char)*u) || isdigit((unsigned char)*u) ||
          *u == '.' || *u == '_' || *u == '-'))
      return 0;
  return 1;
}

int cairn_password_check(const char *username, const char *pw,
                         cairn_error *err) {
  size_t n = pw ? strlen(pw) : 0;
  if (n < CAIRN_PASSWORD_MIN)
    return cairn_fail(err, CAIRN_EINVAL, "password",
                      "The password must have at least %d characters.",
                      CAIRN_PASSWORD_MIN);
  if (n > CAIRN_PASSWORD_MAX)
    return cairn_fail(err, CAIRN_EINVAL, "password",
                      "The password may have at most %d characters.",
                      CAIRN_PASSWORD_MAX);
  if (!cairn_utf8_valid(pw, n))
    return cairn_fail(err, CAIRN_EINVAL, "password", "The password is not valid text.");
  if (username && strcasecmp(pw, username) == 0)
    return cairn_fail(err, CAIRN_EINVAL, "password",
                      "The password must not be the user name.");
  for (int i = 0; common_passwords[i]; i++)
    if (strcasecmp(pw, common_passwords[i]) == 0)
      return cairn_fail(err, CAIRN_EINVAL, "password",
                        "That password is on a list of common passwords; choose another.");
  return 0;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES],
                         cairn_error *err) {
  if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL,
                      "Hashing the password ran out of memory.");
  return 0;
}

int cairn_staff_add(cairn_store *st, const char *username,
                    const char *display_name, const char *role,
                    const char *password, cairn_error *err) {
  if (!username_ok(username))
    return cairn_fail(err, CAIRN_EINVAL, "username",
                      "A user name has 2 to 32 characters: a-z, 0-9, '.', '_' or '-'.");
  if (!cairn_role_bit(role))
    return cairn_fail(err, CAIRN_EINVAL, "role",
                      "The role must be admin, clinician or front-desk.");
  size_t dn = display_name ? strlen(display_name) : 0;
  if (dn == 0 || dn > 128 || !cairn_utf8_valid(display_name, dn))
    return cairn_fail(err, CAIRN_EINVAL, "display_name",
                      "Give a name of 1 to 128 characters.");
  for (const char *p = display_name; *p; p++)
    if ((unsigned char)*p < 0x20)
      return cairn_fail(err, CAIRN_EINVAL, "display_name",
                        "The name must be one line of text.");
  int rc = cairn_password_check(username, password, err);
  if (rc) return rc;
  char h[crypto_pwhash_STRBYTES], now[32];
  if ((rc = hash_password(password, h, err))) return rc;
  utc_iso(now);
  cairn_stmt *s = prep(st,
      "INSERT INTO staff(username, display_name, role, pwhash, created, changed)"
      " VALUES(:username, :name, :role, :pwhash, :now, :now)");
  bind_text(s, ":username", username);
  bind_text(s, ":name", display_name);
  bind_text(s, ":role", role);
  bind_text(s, ":pwhash", h);
  bind_text(s, ":now", now);
  rc = cairn_db_run(s, NULL);
  if (rc == CAIRN_ECONFLICT)
    return cairn_fail(err, CAIRN_ECONFLICT, "username",
                      "There is already an account named %s.", username);
  if (rc) return cairn_fail(err, rc, NULL, "The account could not be stored.");
  return 0;
}

static long long staff_id(cairn_store *st, const char *username) {
  cairn_stmt *s = prep(st, "SELECT id FROM staff WHERE username = :username");
  if (!s) return -1;
  return cairn_db_int(bind_text(s, ":username", username), 0);
}

/* End every session of staff member id. */
static int end_sessions(cairn_store *st, long long id) {
  return cairn_db_run(
      bind_int(prep(st, "DELETE FROM staff_session WHERE staff = :staff"), ":staff", id),
      NULL);
}

int cairn_staff_passwd(cairn_store *st, const char *username,
                       const char *password, cairn_error *err) {
  long long id = staff_id(st, username);
  if (id <= 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, "username", "No account named %s.", username);
  int rc = cairn_password_check(username, password, err);
  if (rc) return rc;
  char h[crypto_pwhash_STRBYTES], now[32];
  if ((rc = hash_password(password, h, err))) return rc;
  utc_iso(now);
  cairn_stmt *s = prep(st, "UPDATE staff SET pwhash = :pwhash, changed = :now"
                           " WHERE id = :id");
  bind_text(s, ":pwhash", h);
  bind_text(s, ":now", now);
  rc = cairn_db_run(bind_int(s, ":id", id), NULL);
  /* A new password ends every session opened with the old one. */
  if (!rc) rc = end_sessions(st, id);
  return rc ? cairn_fail(err, rc, NULL, "The password could not be stored.") : 0;
}

int cairn_staff_set_disabled(cairn_store *st, const char *username,
                             int disabled, cairn_error *err) {
  long long id = staff_id(st, username);
  if (id <= 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, "username", "No account named %s.", username);
  char now[32];
  utc_iso(now);
  cairn_stmt *s = prep(st, "UPDATE staff SET disabled = :disabled,"
                           " changed = :now WHERE id = :id");
  bind_int(s, ":disabled", disabled != 0);
  bind_text(s, ":now", now);
  int rc = cairn_db_run(bind_int(s, ":id", id), NULL);
  if (!rc && disabled) rc = end_sessions(st, id);
  return rc ? cairn_fail(err, rc, NULL, "The account could not be changed.") : 0;
}

/* --- sign-in throttling ---------------------------------------------- */

/* Seconds the key must still wait, 0 when it may try now: after `free`
** failures within a day, 2^(failures - free) seconds from the last, up to
** the cap. */
static long throttle_wait(cairn_store *st, const char *key, long long free,
                          time_t now) {
  cairn_stmt *s = prep(st, "SELECT failures, last FROM signin_failure WHERE key = :key");
  if (!s) return 0;
  long wait = 0;
  if (cairn_sql_step(bind_text(s, ":key", key)) == 1) {
    long long failures = cairn_sql_int(s, 0);
    long long last = cairn_sql_int(s, 1);
    if (now - last < CAIRN_SIGNIN_FORGET_S && failures >= free) {
      long long over = failures - free;
      long long delay = over >= 10 ? CAIRN_SIGNIN_DELAY_CAP_S : (1LL << over);
      if (delay > CAIRN_SIGNIN_DELAY_CAP_S) delay = CAIRN_SIGNIN_DELAY_CAP_S;
      if (last + delay > now) wait = (long)(last + delay - now);
    }
  }
  cairn_db_done(s);
  return wait;
}

/* Count one failure for key; returns the count (0 when it could not be
** read back). */
static long long throttle_fail(cairn_store *st, const char *key, time_t now) {
  cairn_stmt *s = prep(st,
      "INSERT INTO signin_failure(key, failures, last) VALUES(:key, 1, :now)"
      " ON CONFLICT(key) DO UPDATE SET"
      "  failures = CASE WHEN :now - last >= :forget THEN 1 ELSE failures + 1 END,"
      "  last = :now");
  cairn_db_run(bind_int(bind_int(bind_text(s, ":key", key), ":now", (long long)now), ":forget",
                  CAIRN_SIGNIN_FORGET_S), NULL);
  s = prep(st, "SELECT failures FROM signin_failure WHERE key = :key");
  long long n = s && cairn_sql_step(bind_text(s, ":key", key)) == 1 ? cairn_sql_int(s, 0) : 0;
  if (s) cairn_db_done(s);
  return n;
}

static void throttle_clear(cairn_store *st, const char *key) {
  cairn_db_run(bind_text(prep(st, "DELETE FROM signin_failure WHERE key = :key"), ":key",
                  key), NULL);
}

/* A hash made once per process for names that do not exist and for
** disabled accounts, so that every refusal costs one argon2id verify. */
static const char *dummy_hash(void) {
  static char dummy[crypto_pwhash_STRBYTES];
  if (!dummy[0] &&
      crypto_pwhash_str(dummy, "cairn-dummy-password", 20,
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    dummy[0] = 0;
  return dummy;
}

/* --- sessions --------------------------------------------------------- */

int cairn_signin(cairn_store *st, const char *username, const char *password,
                 const char *remote, char sid_out[44], int *retry_after,
                 cairn_staff *who, cairn_error *err) {
  time_t now = time(NULL);
  char ukey[80], akey[80], pkey[160];
  snprintf(ukey, sizeof ukey, "user:%.40s", username ? username : "");
  snprintf(akey, sizeof akey, "addr:%.60s", remote ? remote : "");
  snprintf(pkey, sizeof pkey, "pair:%.40s|%.60s", username ? username : "",
           remote ? remote : "");
  long w1 = throttle_wait(st, pkey, CAIRN_SIGNIN_FREE_FAILURES, now);
  long w2 = throttle_wait(st, akey, CAIRN_SIGNIN_ADDRESS_FREE_FAILURES, now);
  long wait = w1 > w2 ? w1 : w2;
  if (wait > 0) {
    *retry_after = (int)wait;
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "Too many failed sign-ins. Try again in %ld second%s.",
                      wait, wait == 1 ? "" : "s");
  }
  cairn_stmt *s = prep(st,
      "SELECT id, username, display_name, role, pwhash, disabled FROM staff"
      " WHERE username = :username");
  if (!s) return cairn_fail(err, CAIRN_EDB, NULL, "Sign-in is unavailable.");
  int found = cairn_sql_step(bind_text(s, ":username", username ? username : "")) == 1;
  int ok = 0;
  /* The same work for every refusal: one argon2id verify, against the
  ** account's hash, or the dummy for an unknown name, a disabled account
  ** or an unusable password, so timing tells nothing. */
  int usable = password && strlen(password) <= CAIRN_PASSWORD_MAX;
  const char *h = found && usable ? cairn_db_text(s, 4) : dummy_hash();
  const char *pw = usable ? password : "";
  int verified = h[0] && crypto_pwhash_str_verify(h, pw, strlen(pw)) == 0;
  if (found && usable) {
    ok = verified && !cairn_sql_int(s, 5);
    if (ok) {
      who->id = cairn_sql_int(s, 0);
      snprintf(who->username, sizeof who->username, "%s", cairn_db_text(s, 1));
      snprintf(who->display_name, sizeof who->display_name, "%s", cairn_db_text(s, 2));
      snprintf(who->role, sizeof who->role, "%s", cairn_db_text(s, 3));
    }
  } else if (verified && usable) {
    cairn_logf(CAIRN_LOG_WARN, "sign-in: the dummy password matched");
  }
  cairn_db_done(s);
  if (!ok) {
    throttle_fail(st, pkey, now);
    throttle_fail(st, akey, now);
    long long n = throttle_fail(st, ukey, now);
    if (n > CAIRN_SIGNIN_ACCOUNT_ALERT)
      cairn_logf(CAIRN_LOG_WARN,
                 "sign-in: %lld failures for account \"%.40s\" in a day, the"
                 " last from %.60s: guessing from many addresses?", n,
                 username ? username : "", remote ? remote : "");
    return cairn_fail(err, CAIRN_EDENIED, NULL,
                      "The user name or password is not right.");
  }
  throttle_clear(st, pkey);
  throttle_clear(st, akey);
  throttle_clear(st, ukey);
  char hash[65];
  cairn_secret_new(sid_out);
  cairn_secret_hash(sid_out, hash);
  cairn_secret_new(who->csrf);
  s = prep(st, "INSERT INTO staff_session(id_hash, staff, csrf, created, seen)"
               " VALUES(:hash, :staff, :csrf, :now, :now)");
  bind_text(s, ":hash", hash);
  bind_int(s, ":staff", who->id);
  bind_text(s, ":csrf", who->csrf);
  int rc = cairn_db_run(bind_int(s, ":now", (long long)now), NULL);
  /* Old sessions past their absolute limit are swept here, at sign-in,
  ** rather than by a timer. */
  cairn_db_run(bind_int(prep(st, "DELETE FROM staff_session WHERE created < :before"),
                  ":before", (long long)(now - CAIRN_SESSION_ABSOLUTE_S)), NULL);
  return rc ? cairn_fail(err, rc, NULL, "Sign-in is unavailable.") : 0;
}

int cairn_session_get(cairn_store *st, const char *sid, cairn_staff *who) {
  if (!secret_shape_ok(sid)) return CAIRN_ENOTFOUND;
  char hash[65];
  cairn_secret_hash(sid, hash);
  time_t now = time(NULL);
  cairn_stmt *s = prep(st,
      "SELECT s.staff, t.username, t.display_name, t.role, s.csrf, s.created, s.seen"
      " FROM staff_session s JOIN staff t ON t.id = s.staff"
      " WHERE s.id_hash = :hash AND t.disabled = 0");
  if (!s) return CAIRN_EDB;
  int rc = CAIRN_ENOTFOUND;
  long long seen = 0;
  if (cairn_sql_step(bind_text(s, ":hash", hash)) == 1) {
    long long created = cairn_sql_int(s, 5);
    seen = cairn_sql_int(s, 6);
    if (now - created < CAIRN_SESSION_ABSOLUTE_S && now - seen < CAIRN_SESSION_IDLE_S) {
      who->id = cairn_sql_int(s, 0);
      snprintf(who->username, sizeof who->username, "%s", cairn_db_text(s, 1));
      snprintf(who->display_name, sizeof who->display_name, "%s", cairn_db_text(s, 2));
      snprintf(who->role, sizeof who->role, "%s", cairn_db_text(s, 3));
      snprintf(who->csrf, sizeof who->csrf, "%s", cairn_db_text(s, 4));
      rc = 0;
    }
  }
  cairn_db_done(s);
  /* Refresh the idle timer at most once a minute: a write per page view
  ** would serialise every reader on the database's write lock. */
  if (rc == 0 && now - seen >= 60) {
    s = prep(st, "UPDATE staff_session SET seen = :now WHERE id_hash = :hash");
    bind_int(s, ":now", (long long)now);
    cairn_db_run(bind_text(s, ":hash", hash), NULL);
  }
  return rc;
}

void cairn_session_end(cairn_store *st, const char *sid) {
  if (!secret_shape_ok(sid)) return;
  char hash[65];
  cairn_secret_hash(sid, hash);
  cairn_db_run(bind_text(prep(st, "DELETE FROM staff_session WHERE id_hash = :hash"),
                  ":hash", hash), NULL);
}

/* --- capability links -------------------------------------------------- */

int cairn_capability_issue(cairn_store *st, const char *actor,
                           const char *scope, const char *target,
                           long long patient, long ttl, int max_uses,
                           char token_out[44], long long *id,
                           cairn_error *err) {
  if (!scope || !*scope || strlen(scope) >= sizeof ((cairn_capability *)0)->scope)
    return cairn_fail(err, CAIRN_EINVAL, "scope", "A link needs a scope of 1 to 127 bytes.");
  if (!target || target[0] != '/' || target[1] == '/' ||
      strlen(target) >= sizeof ((cairn_capability *)0)->target)
    return cairn_fail(err, CAIRN_EINVAL, "target", "A link's target must be a local path.");
  for (const char *p = target; *p; p++)
    if ((unsigned char)*p <= 0x20 || *p == '\\' || *p == '?' || *p == '#')
      return cairn_fail(err, CAIRN_EINVAL, "target",
                        "A link's target must be a plain path.");
  if (ttl < CAIRN_CAPABILITY_TTL_MIN_S || ttl > CAIRN_CAPABILITY_TTL_MAX_S)
    return cairn_fail(err, CAIRN_EINVAL, "ttl",
                      "A link lasts from %d seconds to %ld days.",
                      CAIRN_CAPABILITY_TTL_MIN_S, CAIRN_CAPABILITY_TTL_MAX_S / 86400);
  if (max_uses < 0 || max_uses > 1000)
    return cairn_fail(err, CAIRN_EINVAL, "max_uses", "A link allows 0 (unlimited) to 1000 uses.");
  char hash[65];
  cairn_secret_new(token_out);
  cairn_secret_hash(token_out, hash);
  time_t now = time(NULL);
  cairn_stmt *s = prep(st,
      "INSERT INTO capability(token_hash, scope, target, patient, created,"
      " created_by, expires, uses_left) VALUES(:hash, :scope, :target,"
      " nullif(:patient, 0), :now, :actor, :expires, nullif(:uses, 0))");
  bind_text(s, ":hash", hash);
  bind_text(s, ":scope", scope);
  bind_text(s, ":target", target);
  bind_int(s, ":patient", patient > 0 ? patient : 0);
  bind_int(s, ":now", (long long)now);
  bind_text(s, ":actor", actor ? actor : "");
  bind_int(s, ":expires", (long long)now + ttl);
  bind_int(s, ":uses", max_uses > 0 ? max_uses : 0);
  if (cairn_db_run(s, NULL))
    return cairn_fail(err, CAIRN_EDB, NULL, "The link could not be stored.");
  *id = cairn_db_last_id(st);
  return 0;
}

static int capability_row(cairn_store *st, const char *sql, const char *hash,
                          cairn_capability *cap, long long *expires,
                          long long *uses_left, int *revoked,
                          long long *renew_s) {
  cairn_stmt *s = prep(st, sql);
  if (!s) return CAIRN_EDB;
  int rc = CAIRN_ENOTFOUND;
  if (cairn_sql_step(bind_text(s, ":hash", hash)) == 1) {
    /* The row was found by its hash; compare the stored hash again in
    ** constant time so no timing difference depends on the token. */
    const char *stored = cairn_db_text(s, 6);
    if (strlen(stored) == 64 && sodium_memcmp(stored, hash, 64) == 0) {
      cap->id = cairn_sql_int(s, 0);
      snprintf(cap->scope, sizeof cap->scope, "%s", cairn_db_text(s, 1));
      snprintf(cap->target, sizeof cap->target, "%s", cairn_db_text(s, 2));
      cap->patient = cairn_sql_int(s, 3);
      *expires = cairn_sql_int(s, 4);
      *uses_left = cairn_sql_is_null(s, 5) ? -1 : cairn_sql_int(s, 5);
      *revoked = (int)cairn_sql_int(s, 7);
      *renew_s = cairn_sql_is_null(s, 8) ? 0 : cairn_sql_int(s, 8);
      rc = 0;
    }
  }
  cairn_db_done(s);
  return rc;
}

/* A use of link `id` at `now`: a link renewed by use (renew_s set) gets
** the expiry now + renew_s when that moves it by a step or more.  The
** WHERE repeats every condition, so a link revoked or expired in between
** stays so.  Returns the expiry in force afterwards. */
static long long capability_renew(cairn_store *st, long long id,
                                  long long now, long long expires,
                                  long long renew_s) {
  if (renew_s <= 0 || now >= expires ||
      now + renew_s - expires < CAIRN_CAPABILITY_RENEW_STEP_S)
    return expires;
  cairn_stmt *s = prep(st,
      "UPDATE capability SET expires = :now + renew_s WHERE id = :id"
      " AND renew_s IS NOT NULL AND revoked = 0 AND expires > :now"
      " AND expires < :now + renew_s");
  bind_int(s, ":now", now);
  bind_int(s, ":id", id);
  if (cairn_db_run(s, NULL) == 0 && cairn_db_changes(st) == 1)
    return now + renew_s;
  return expires;
}

/* See access.h.  The lifetime is taken once, from the link as issued: a
** second call keeps it (expires - created grows with each renewal), and it
** is never more than the longest a link may be issued for. */
int cairn_capability_renew_on_use(cairn_store *st, long long id,
                                  cairn_error *err) {
  cairn_stmt *s = prep(st,
      "UPDATE capability SET renew_s = coalesce(renew_s,"
      " min(expires - created, :max)) WHERE id = :id"
      " AND revoked = 0 AND expires > :now");
  bind_int(s, ":max", (long long)CAIRN_CAPABILITY_TTL_MAX_S);
  bind_int(s, ":id", id);
  bind_int(s, ":now", (long long)time(NULL));
  if (cairn_db_run(s, NULL))
    return cairn_fail(err, CAIRN_EDB, NULL, "The link could not be changed.");
  if (cairn_db_changes(st) == 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "No such link.");
  return 0;
}

int cairn_capability_open(cairn_store *st, const char *token,
                          cairn_capability *cap, char sid_out[44],
                          cairn_error *err) {
  if (!secret_shape_ok(token))
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "This link is not valid.");
  char hash[65];
  cairn_secret_hash(token, hash);
  long long expires, uses, renew_s;
  int revoked;
  int rc = capability_row(st,
      "SELECT id, scope, target, patient, expires, uses_left, token_hash, revoked,"
      " renew_s FROM capability WHERE token_hash = :hash", hash, cap, &expires,
      &uses, &revoked, &renew_s);
  if (rc) return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "This link is not valid.");
  time_t now = time(NULL);
  if (revoked)
    return cairn_fail(err, CAIRN_EDENIED, NULL, "This link was withdrawn by the clinic.");
  if (now >= expires)
    return cairn_fail(err, CAIRN_EDENIED, NULL,
                      "This link has expired. Ask the clinic for a new one.");
  if (uses == 0)
    return cairn_fail(err, CAIRN_EDENIED, NULL,
                      "This link has already been used. Ask the clinic for a new one.");
  if (uses > 0 &&
      cairn_db_run(bind_int(prep(st, "UPDATE capability SET uses_left = uses_left - 1"
                               " WHERE id = :id AND uses_left > 0"),
                      ":id", cap->id), NULL))
    return cairn_fail(err, CAIRN_EDB, NULL, "The link could not be opened.");
  expires = capability_renew(st, cap->id, (long long)now, expires, renew_s);
  char shash[65];
  cairn_secret_new(sid_out);
  cairn_secret_hash(sid_out, shash);
  long long sexp = now + CAIRN_CAPABILITY_SESSION_S;
  if (sexp > expires) sexp = expires;
  cairn_stmt *s = prep(st, "INSERT INTO capability_session(id_hash, capability,"
                           " expires) VALUES(:hash, :capability, :expires)");
  bind_text(s, ":hash", shash);
  bind_int(s, ":capability", cap->id);
  rc = cairn_db_run(bind_int(s, ":expires", sexp), NULL);
  cairn_db_run(bind_int(prep(st, "DELETE FROM capability_session WHERE expires < :now"),
                  ":now", (long long)now), NULL);
  return rc ? cairn_fail(err, rc, NULL, "The link could not be opened.") : 0;
}

int cairn_capability_session(cairn_store *st, const char *sid,
                             cairn_capability *cap) {
  if (!secret_shape_ok(sid)) return CAIRN_ENOTFOUND;
  char hash[65];
  cairn_secret_hash(sid, hash);
  cairn_stmt *s = prep(st,
      "SELECT c.id, c.scope, c.target, c.patient, c.revoked, c.expires, cs.expires,"
      " c.renew_s FROM capability_session cs JOIN capability c"
      " ON c.id = cs.capability WHERE cs.id_hash = :hash");
  if (!s) return CAIRN_EDB;
  int rc = CAIRN_ENOTFOUND;
  time_t now = time(NULL);
  long long expires = 0, renew_s = 0;
  if (cairn_sql_step(bind_text(s, ":hash", hash)) == 1 && !cairn_sql_int(s, 4) &&
      cairn_sql_int(s, 5) > now && cairn_sql_int(s, 6) > now) {
    cap->id = cairn_sql_int(s, 0);
    snprintf(cap->scope, sizeof cap->scope, "%s", cairn_db_text(s, 1));
    snprintf(cap->target, sizeof cap->target, "%s", cairn_db_text(s, 2));
    cap->patient = cairn_sql_int(s, 3);
    expires = cairn_sql_int(s, 5);
    renew_s = cairn_sql_is_null(s, 7) ? 0 : cairn_sql_int(s, 7);
    rc = 0;
  }
  cairn_db_done(s);
  /* A page seen through the link's session is a use of the link. */
  if (rc == 0) capability_renew(st, cap->id, (long long)now, expires, renew_s);
  return rc;
}

int cairn_capability_session_end(cairn_store *st, const char *sid) {
  if (!secret_shape_ok(sid)) return 0;
  char hash[65];
  cairn_secret_hash(sid, hash);
  return cairn_db_run(bind_text(prep(st, "DELETE FROM capability_session"
                                         " WHERE id_hash = :hash"),
                                ":hash", hash), NULL);
}

int cairn_capability_revoke(cairn_store *st, long long id, cairn_error *err) {
  int rc = cairn_db_run(bind_int(prep(st, "UPDATE capability SET revoked = 1 WHERE id = :id"),
                           ":id", id), NULL);
  if (!rc && cairn_db_changes(st) == 0)
    return cairn_fail(err, CAIRN_ENOTFOUND, NULL, "No such link.");
  if (!rc)
    rc = cairn_db_run(bind_int(prep(st, "DELETE FROM capability_session"
                                  " WHERE capability = :id"), ":id", id), NULL);
  return rc ? cairn_fail(err, rc, NULL, "The link could not be withdrawn.") : 0;
}

int cairn_rate_check(cairn_store *st, const char *bucket, const char *key,
                     int max, int window_s, cairn_error *err) {
  if (max < 1 || window_s < 1)
    return cairn_fail(err, CAIRN_EINTERNAL, NULL, "rate_check: bad limits");
  long long now = (long long)time(NULL);
  long long window = now / window_s;
  cairn_stmt *s = prep(st,
      "INSERT INTO rate_event(bucket, key, window, count) VALUES(:bucket, :key, :window, 1)"
      " ON CONFLICT(bucket, key) DO UPDATE SET"
      "  count = CASE WHEN window = :window THEN count + 1 ELSE 1 END, window = :window");
  bind_text(s, ":bucket", bucket);
  bind_text(s, ":key", key ? key : "");
  int rc = cairn_db_run(bind_int(s, ":window", window), NULL);
  if (rc) return cairn_fail(err, rc, NULL, "Please try again in a moment.");
  s = prep(st, "SELECT count FROM rate_event WHERE bucket = :bucket AND key = :key");
  if (!s) return cairn_fail(err, CAIRN_EDB, NULL, "Please try again in a moment.");
  bind_text(s, ":bucket", bucket);
  long long count = cairn_db_int(bind_text(s, ":key", key ? key : ""), 0);
  if (count > max)
    return cairn_fail(err, CAIRN_ELIMIT, NULL,
                      "Too many requests from your address. Please try again later.");
  return 0;
}
