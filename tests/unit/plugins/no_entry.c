/*
** no_entry.c -- a shared object whose entry function has the wrong name, so
** it exports no cairn_plugin_entry: the loader must refuse it.
*/
#define TEST_NAME "no_entry"
#define TEST_ENTRY cairn_plugin_main
#include "good.c"
