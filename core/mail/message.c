/*
** message.c -- the message as it goes to the relay (RFC 5322 and MIME):
** headers with display names and subjects as RFC 2047 encoded words when
** they are not plain ASCII, a text part and, when the view gave one, an
** HTML part in multipart/alternative, both quoted-printable so that a
** line never exceeds 76 characters and the text stays readable in the
** raw message.  Every header value here was checked when the row was
** queued (address.c, outbox.c): none holds a CR or LF.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "cairn_int.h"
#include "outbox.h"

/* RFC 2045 6.7: encoded lines of at most 76 characters. */
#define QP_LINE_MAX 76
/* RFC 2047 2: an encoded word is at most 75 characters; 45 bytes of UTF-8
** make 60 characters of base64, plus "=?UTF-8?B?" and "?=". */
#define WORD_BYTES_MAX 45

/* A growing string. */
typedef struct buf {
  char *p;                   /* NUL-terminated; malloc'd */
  size_t n;                  /* bytes used, without the NUL */
  size_t cap;                /* bytes allocated */
} buf;

/* Append n bytes of s, growing the buffer (aborts when memory is out). */
static void put(buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) abort();
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

/* 1 when s is printable ASCII only: it may stand in a header as is. */
static int ascii_printable(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E) return 0;
  return 1;
}

/* Write s as encoded words, split at character boundaries, joined by a
** folding space. */
static void encoded_words(buf *b, const char *s) {
  size_t n = strlen(s), i = 0;
  while (i < n) {
    size_t k = n - i < WORD_BYTES_MAX ? n - i : WORD_BYTES_MAX;
    while (k > 0 && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80) k--;
    char b64[WORD_BYTES_MAX * 2];
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, k,
                      sodium_base64_VARIANT_ORIGINAL);
    if (i > 0) puts_(b, "\r\n ");
    puts_(b, "=?UTF-8?B?");
    puts_(b, b64);
    puts_(b, "?=");
    i += k;
  }
}

/* A display name and address: "Name" <a@b>, or <a@b> alone. */
static void mailbox(buf *b, const char *name, const char *address) {
  if (name && *name) {
    if (ascii_printable(name)) {
      puts_(b, "\"");
      puts_(b, name);       /* no '"' or '\': address.c refused them */
      puts_(b, "\"");
    } else {
      encoded_words(b, name);
    }
    puts_(b, " ");
  }
  puts_(b, "<");
  puts_(b, address);
  puts_(b, ">");
}

/* Quoted-printable (RFC 2045 6.7) with CRLF hard line breaks; a lone LF
** in the input is a line break too. */
static void quoted_printable(buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  size_t col = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char enc[4];
    size_t len;
    if (*p == '\r' && p[1] == '\n') continue;
    if (*p == '\n') {
      put(b, "\r\n", 2);
      col = 0;
      continue;
    }
    int at_eol = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
    if ((*p >= 33 && *p <= 126 && *p != '=') ||
        ((*p == ' ' || *p == '\t') && !at_eol)) {
      enc[0] = (char)*p;
      len = 1;
    } else {
      enc[0] = '=';
      enc[1] = hex[*p >> 4];
      enc[2] = hex[*p & 15];
      len = 3;
    }
    /* A leading '.' is safe: the SMTP client dot-stuffs (RFC 5321 4.5.2). */
    if (col + len > QP_LINE_MAX - 1) {   /* room for the soft break '=' */
      put(b, "=\r\n", 3);
      col = 0;
    }
    put(b, enc, len);
    col += len;
  }
  put(b, "\r\n", 2);
}

/* RFC 5322 3.3 date in UTC, independent of the locale. */
static void date_header(buf *b, long long now) {
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu",
                                     "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
                                       "Jun", "Jul", "Aug", "Sep", "Oct",
                                       "Nov", "Dec"};
  time_t t = (time_t)now;
  struct tm tm;
  char line[64];
  gmtime_r(&t, &tm);
  snprintf(line, sizeof line, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
           days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
           tm.tm_hour, tm.tm_min, tm.tm_sec);
  puts_(b, line);
}

/*
** Build the message of m (outbox.h).  The MIME boundary is derived from
** the Message-ID's random part, which cannot occur in quoted-printable
** text (it holds no '=' and QP lines are short).
*/
char *cairn_mail_message(const cairn_config *cfg, const cairn_outbox_msg *m,
                         long long now) {
  buf b = {0};
  const cairn_mail_config *mc = cfg->mail;
  const char *from_name = mc->from_name ? mc->from_name : cfg->clinic_name;
  date_header(&b, now);
  puts_(&b, "From: ");
  mailbox(&b, from_name, mc->from_address);
  puts_(&b, "\r\nTo: ");
  mailbox(&b, m->to_name, m->to_address);
  puts_(&b, "\r\nSubject: ");
  if (ascii_printable(m->subject)) puts_(&b, m->subject);
  else encoded_words(&b, m->subject);
  puts_(&b, "\r\nMessage-ID: ");
  puts_(&b, m->message_id);
  /* RFC 3834: mail a program sent; auto-responders should not answer. */
  puts_(&b, "\r\nAuto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n");
  char boundary[80];
  snprintf(boundary, sizeof boundary, "cairn-%.40s",
           m->message_id + (m->message_id[0] == '<'));
  boundary[strcspn(boundary, "@>")] = '\0';
  const char *text_head =
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  if (!m->html || !*m->html) {
    puts_(&b, text_head);
    quoted_printable(&b, m->text);
    return b.p;
  }
  puts_(&b, "Content-Type: multipart/alternative; boundary=\"");
  puts_(&b, boundary);
  puts_(&b, "\"\r\n\r\n--");
  puts_(&b, boundary);
  puts_(&b, "\r\n");
  puts_(&b, text_head);
  quoted_printable(&b, m->text);
  puts_(&b, "--");
  puts_(&b, boundary);
  puts_(&b, "\r\nContent-Type: text/html; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  quoted_printable(&b, m->html);
  puts_(&b, "--");
  puts_(&b, boundary);
  puts_(&b, "--\r\n");
  return b.p;
}
