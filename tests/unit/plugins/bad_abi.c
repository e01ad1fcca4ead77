/*
** bad_abi.c -- built for the next ABI version: the loader must refuse it
** before reading anything past the descriptor's first two fields.
*/
#define TEST_NAME "bad_abi"
#define TEST_ABI_VERSION (CAIRN_ABI_VERSION + 1u)
#include "good.c"
