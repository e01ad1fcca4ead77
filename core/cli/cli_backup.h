/*
** cli_backup.h -- `cairn backup`, `cairn restore` and the anchor check of
** `cairn audit verify --anchor FILE`; argv starts after the command's
** name.  Exit status as the CLI's: 0, 1, or 2 usage.
*/
#ifndef CAIRN_CLI_BACKUP_H
#define CAIRN_CLI_BACKUP_H
#include "cairn_int.h"
int cairn_cli_backup(const cairn_config *cfg, int argc, char **argv);
int cairn_cli_restore(const cairn_config *cfg, int argc, char **argv);
/* The audit trail of st against the anchor file `anchor_path`. */
int cairn_cli_audit_anchor(cairn_store *st, const char *anchor_path);
#endif
