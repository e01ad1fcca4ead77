/*
** command2.c -- another plugin declaring command.c's `cairn kit-hello`:
** loaded after command.so, it must be refused.
*/
#define TEST_NAME "command2"
#include "command.c"
