/*
** cli_access.h -- `cairn user ...` and `cairn audit verify`; argv starts
** after the command's name.  Exit status as the CLI's: 0, 1, or 2 usage.
*/
#ifndef CAIRN_CLI_ACCESS_H
#define CAIRN_CLI_ACCESS_H
#include "cairn_int.h"
int cairn_cli_user(cairn_store *st, int argc, char **argv);
int cairn_cli_audit(cairn_store *st, int argc, char **argv);
#endif
