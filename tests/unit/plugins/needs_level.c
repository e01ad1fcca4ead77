/*
** needs_level.c -- a plugin that needs an API level this host lacks: it
** must be refused by name, before its init runs.
*/
#define TEST_NAME "needs_level"
#define TEST_API_LEVEL (CAIRN_API_LEVEL + 1)
#include "good.c"
