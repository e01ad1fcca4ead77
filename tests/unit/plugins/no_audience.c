/*
** no_audience.c -- a route that declares no audience (0): deny by default
** means the loader must refuse the whole plugin.
*/
#define TEST_NAME "no_audience"
#define TEST_AUDIENCE 0u
#include "good.c"
