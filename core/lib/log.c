/*
** log.c -- errors a person can act on (cairn_fail) and the process log
** (cairn_logf).
**
** The log goes to stderr, one line per call, written with a single
** write(2) so that lines from several workers sharing the stream do not
** interleave.  nginx, spawn-fcgi and systemd all collect a FastCGI
** server's stderr, so there is no log file to configure or rotate.
**
** When stderr is the systemd journal (JOURNAL_STREAM names it), each line
** starts with its syslog priority, "<3>" error, "<4>" warning, "<6>" info
** (sd-daemon(3)), so that `journalctl -p warning -u cairnd` filters by
** it; elsewhere the lines are left as people read them.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn_int.h"

/* Longest log line written, newline included.  One line is one event: a
** few hundred bytes at most; longer messages are cut (at a character
** boundary) rather than split, so a line can never be half of two. */
#define LOG_LINE_MAX 2048

/*
** Cut s, a buffer of `size` bytes holding a string that vsnprintf had to
** truncate, back to the last complete UTF-8 character, so that a cut
** message stays valid UTF-8 (it may end up in an XML view).
*/
static void utf8_trim_cut(char *s, size_t size) {
  size_t n = strlen(s), start, need;
  unsigned char c;
  if (n == 0 || n + 1 < size) return;  /* not cut */
  start = n;
  while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80) start--;
  if (start == 0) { s[0] = '\0'; return; }
  c = (unsigned char)s[start - 1];  /* the lead byte of the last char */
  if (c < 0x80) return;             /* ASCII: complete */
  need = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : 2;
  if (n - (start - 1) < need) s[start - 1] = '\0';
}

/*
** Fill *err, when err is not NULL, with code, field (NULL: "") and the
** formatted message, and return code so that callers can write
** `return cairn_fail(err, CAIRN_EINVAL, "score", "...")`.  Message and
** field are truncated to fit their arrays, at a character boundary.
*/
int cairn_fail(cairn_error *err, int code, const char *field,
               const char *fmt, ...) {
  va_list ap;
  char f[sizeof err->field], m[sizeof err->message];
  if (err == NULL) return code;
  /* Format into copies first: an argument may be err's own field or
  ** message (a caller wrapping the error it was given). */
  snprintf(f, sizeof f, "%s", field ? field : "");
  va_start(ap, fmt);
  vsnprintf(m, sizeof m, fmt, ap);
  va_end(ap);
  err->code = code;
  memcpy(err->field, f, sizeof f);
  utf8_trim_cut(err->field, sizeof err->field);
  memcpy(err->message, m, sizeof m);
  utf8_trim_cut(err->message, sizeof err->message);
  return code;
}

/* The program name at the head of each log line; the CLI sets "cairn". */
static const char *cairn_log_name = "cairnd";

void cairn_log_set_name(const char *name) { cairn_log_name = name; }

/* 1 when stderr is the journal's stream: JOURNAL_STREAM holds the device
** and inode of that stream ("DEV:INODE", systemd.exec(5)), and a stderr
** redirected elsewhere by a child's shell does not match them.  Decided
** once per process. */
int cairn_log_to_journal(void) {
  static int known = -1;
  if (known >= 0) return known;
  const char *js = getenv("JOURNAL_STREAM");
  unsigned long long dev, ino;
  struct stat sb;
  known = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
          fstat(STDERR_FILENO, &sb) == 0 &&
          (unsigned long long)sb.st_dev == dev &&
          (unsigned long long)sb.st_ino == ino;
  return known;
}

/* The syslog priority of a level: LOG_ERR, LOG_WARNING, LOG_INFO. */
static int level_priority(int level) {
  switch (level) {
    case CAIRN_LOG_ERROR: return 3;
    case CAIRN_LOG_WARN:  return 4;
    default:              return 6;
  }
}

/* The least important level written: info for the server, whose log is
** its record; the command line keeps quiet unless asked (-v). */
static int cairn_log_max_level = CAIRN_LOG_INFO;

void cairn_log_set_level(int level) { cairn_log_max_level = level; }

static const char *level_name(int level) {
  switch (level) {
    case CAIRN_LOG_ERROR: return "error";
    case CAIRN_LOG_WARN:  return "warning";
    default:              return "info";
  }
}

/*
** Write "NAME[pid]: level: message\n" to stderr (NAME: cairnd or cairn),
** after "<N>" (the syslog priority) when stderr is the journal.  Control characters in
** the message (a CR or LF from a request value, say) become spaces, so
** one call is always exactly one line and input cannot forge log lines.
** errno is preserved.
*/
void cairn_logf(int level, const char *fmt, ...) {
  char line[LOG_LINE_MAX];
  va_list ap;
  int head, saved = errno;
  size_t n, i;

  if (level > cairn_log_max_level) return;
  char prio[8] = "";
  if (cairn_log_to_journal())
    snprintf(prio, sizeof prio, "<%d>", level_priority(level));
  head = snprintf(line, sizeof line, "%s%s[%ld]: %s: ", prio, cairn_log_name,
                  (long)getpid(), level_name(level));
  if (head < 0) { errno = saved; return; }
  va_start(ap, fmt);
  vsnprintf(line + head, sizeof line - (size_t)head - 1, fmt, ap);
  va_end(ap);
  utf8_trim_cut(line + head, sizeof line - (size_t)head - 1);
  n = strlen(line);
  for (i = (size_t)head; i < n; i++)
    if ((unsigned char)line[i] < 0x20 || line[i] == 0x7F) line[i] = ' ';
  line[n++] = '\n';
  for (i = 0; i < n;) {              /* stderr may be a pipe: finish it */
    ssize_t w = write(STDERR_FILENO, line + i, n - i);
    if (w < 0) { if (errno == EINTR) continue; break; }
    i += (size_t)w;
  }
  errno = saved;
}
