/*
** csvimport.h -- spreadsheet import: an RFC 4180 CSV parser, day/month/year
** date parsing, the column mapping (schemas/csvmap.xsd), and the import
** that turns each row into program records through the record API.
**
** Three layers, each testable alone (tests/unit/check_csv.c):
**   cairn_csv_parse()     pure: bytes in, rows out through a callback; no
**                         allocation visible to the caller, no I/O.  This
**                         is the fuzz target.
**   cairn_date_*()        pure: calendar arithmetic on ISO dates.
**   cairn_csvmap_*()      the mapping file: load, validate, bind to a header.
**   cairn_csv_import()    the rows, through cairn_store_create() inside one
**                         transaction: all or nothing.
*/
#ifndef CAIRN_CSVIMPORT_H
#define CAIRN_CSVIMPORT_H

#include <stddef.h>
#include <stdio.h>
#include "cairn_int.h"

/* ------------------------------------------------------------- limits */

/* Bytes in one record (one line, or the lines of one record whose quoted
** field holds line breaks), not counting its line ending.  The trial's
** widest line (its header) is 739 bytes; 1000 columns of 60 bytes still
** fit.  Past this the file is not a table a person keeps. */
#define CAIRN_CSV_LINE_MAX (64 * 1024)
/* Fields in one record.  Spreadsheet programs allow 16384 columns, but a
** clinic's export with more than 1024 is a mistake (a transposed sheet). */
#define CAIRN_CSV_COLS_MAX 1024
/* Bytes of a CSV file import-csv reads into memory: 256 MiB is a million
** rows of a wide sheet, far past one clinic's history. */
#define CAIRN_CSV_FILE_MAX (256L * 1024 * 1024)
/* Invalid rows reported before the import stops looking: enough to show a
** pattern (a wrong date format on every row), few enough to read. */
#define CAIRN_CSV_ERRORS_MAX 50
/* Bytes of one mapped cell (identifier, code, date, number).  Longer cells
** in mapped columns are refused; unmapped columns are not looked at. */
#define CAIRN_CSV_CELL_MAX 256

/* Dates are accepted between these years, as program.xsd's Date: 1900 is
** the earliest date a living patient's record can plausibly carry, and a
** year past 2199 is a typing error. */
#define CAIRN_DATE_YEAR_MIN CAIRN_DAY_YEAR_MIN
#define CAIRN_DATE_YEAR_MAX CAIRN_DAY_YEAR_MAX

/* --------------------------------------------------------- CSV parser */

/* One record as handed to the callback.  Every field is a NUL-terminated,
** valid UTF-8 string without NUL bytes, with quotes removed and doubled
** quotes undone.  The strings live only until the callback returns. */
typedef struct cairn_csv_row {
  const char *const *field;  /* n fields */
  size_t n;                  /* number of fields, the same for every record */
  size_t line;               /* physical line (1-based) where it starts */
  size_t index;              /* 0 for the first record (the header) */
} cairn_csv_row;

/* Called once per record, in order.  Return 0 to go on; any other value
** stops the parse, which returns that value (the callback fills *err). */
typedef int (*cairn_csv_row_fn)(void *ctx, const cairn_csv_row *row,
                                cairn_error *err);

/*
** Parse `len` bytes of CSV (RFC 4180) at `buf` and call `fn` for every
** record.  Accepted: fields separated by ',', records ended by CRLF or LF,
** a last record with or without a line ending, fields quoted with '"' in
** which ',', CR, LF and doubled quotes ("") are data, a UTF-8 byte-order
** mark at the very start (skipped, as spreadsheet programs write one).
** Refused with CAIRN_EINVAL, *err_line set to the physical line at fault:
** a NUL byte, bad UTF-8 (overlongs and surrogates included), a record with
** a different number of fields than the first, a record longer than
** CAIRN_CSV_LINE_MAX bytes (CAIRN_ELIMIT), more than CAIRN_CSV_COLS_MAX
** fields (CAIRN_ELIMIT), a quote inside an unquoted field, text after a
** closing quote, a quoted field still open at the end, a CR not followed
** by LF outside quotes.  An empty buffer has no records and is not an
** error.  When fn stops the parse, *err_line is that record's line.
** err_line may be NULL.  Pure: no I/O, no global state; the only memory it
** allocates is freed before it returns (aborts if malloc fails).
*/
int cairn_csv_parse(const char *buf, size_t len, cairn_csv_row_fn fn,
                    void *ctx, size_t *err_line, cairn_error *err);

/* ------------------------------------------------------------- dates */

/*
** Parse the date `s` written in `format` into ISO 8601 "YYYY-MM-DD" (out
** must hold 11 bytes).  Format letters: d (day, 1 or 2 digits), m (month,
** 1 or 2 digits), Y (year, exactly 4 digits: a 2-digit year is refused,
** since "05" could be 1905 or 2005); any other character must appear as
** written.  The date must exist (31/02/2000 is refused; 29/02/2000 is
** not) and lie between CAIRN_DATE_YEAR_MIN and _MAX.  Returns 0, or
** CAIRN_EINVAL with a message that shows the expected format.
*/
int cairn_date_parse(const char *s, const char *format, char out[11],
                     cairn_error *err);

/* Add `days` (may be negative) to the ISO date `iso` into out (11 bytes).
** Returns 0, or CAIRN_EINVAL when iso is not a valid ISO date or the
** result leaves the accepted years. */
int cairn_date_add_days(const char *iso, long days, char out[11],
                        cairn_error *err);

/* ----------------------------------------------------------- mapping */

/* A value map entry: cell text `from` means `to`. */
typedef struct cairn_csvmap_value {
  char *from, *to;
} cairn_csvmap_value;

/* One answer of an observation: item name and the column holding it. */
typedef struct cairn_csvmap_answer {
  char *item;
  char *column;
  int col;                   /* index in the header, after binding */
} cairn_csvmap_answer;

/* One observation per row: `instrument` at `timepoint`, effective on the
** episode's start date plus offset_days. */
typedef struct cairn_csvmap_obs {
  char *instrument;
  char *timepoint;
  long offset_days;
  cairn_csvmap_answer *answers;
  size_t n_answers;
} cairn_csvmap_obs;

/* A mapped column with an optional value map (gender, cohort). */
typedef struct cairn_csvmap_coded {
  char *column;              /* NULL: not mapped */
  int col;                   /* index in the header, after binding */
  cairn_csvmap_value *values;
  size_t n_values;
} cairn_csvmap_coded;

typedef struct cairn_csvmap {
  char *path;                /* the mapping file, for messages */
  /* patient */
  char *id_column;           /* the patient identifier */
  int id_col;
  char *id_system;           /* identifier/@system, a URI */
  char *name_format;         /* "Trial patient {id}" */
  cairn_csvmap_coded gender; /* optional */
  /* episode */
  char *episode_status;      /* EpisodeOfCare status, "active" by default */
  char *primary_instrument;
  cairn_csvmap_coded cohort; /* required */
  char *start_column;        /* the date the episode started */
  int start_col;
  char *date_format;         /* "d/m/Y" */
  /* observations */
  cairn_csvmap_obs *obs;
  size_t n_obs;
} cairn_csvmap;

/*
** Load the mapping file `path`, validate it against
** `schemas_dir`/csvmap.xsd (namespace urn:cairn:csvmap), and fill a new
** map (free with cairn_csvmap_free).  CAIRN_EINVAL with the file, line and
** element at fault.
*/
int cairn_csvmap_load(const char *path, const char *schemas_dir,
                      cairn_csvmap **out, cairn_error *err);
/* The same from a parsed, already validated document (tests, callers that
** hold the XML).  `path` is only used in messages. */
int cairn_csvmap_from_doc(xmlDocPtr doc, const char *path,
                          cairn_csvmap **out, cairn_error *err);
void cairn_csvmap_free(cairn_csvmap *map);

/*
** Bind the map to a CSV header: find every column the map names.  A
** column missing from the header, or named by two header fields, is
** CAIRN_EINVAL with err->field set to the column name.
*/
int cairn_csvmap_bind(cairn_csvmap *map, const char *const *header,
                      size_t n, cairn_error *err);

/* ------------------------------------------------------------- import */

typedef struct cairn_csv_summary {
  size_t rows;               /* data rows read (the header excluded) */
  size_t patients, episodes, observations;
  size_t skipped;            /* observations skipped for empty cells */
  size_t errors;             /* invalid rows reported */
} cairn_csv_summary;

/*
** Import the CSV `buf` (len bytes, read from the file called `label`)
** with `map`: per row, one Patient, one EpisodeOfCare and one Observation
** per mapped observation whose cells are not all empty, each through
** cairn_store_create() inside one cairn_store_begin()/commit().  Every
** invalid row is written to `errs` as "LABEL:LINE: column NAME: message"
** (at most CAIRN_CSV_ERRORS_MAX); then nothing is stored and the result
** is CAIRN_EINVAL.  A patient whose identifier (in the map's system) is
** already stored, or appears twice in the file, is an invalid row.  With
** `progress`, a bar (rows done / total, percent) is drawn on `errs`.
** With `dry_run`, everything is checked and written, then rolled back.
** *sum (may be NULL) gets the counts.
*/
int cairn_csv_import(cairn_req *req, cairn_csvmap *map, const char *label,
                     const char *buf, size_t len, int progress, int dry_run,
                     FILE *errs, cairn_csv_summary *sum, cairn_error *err);

#endif /* CAIRN_CSVIMPORT_H */
