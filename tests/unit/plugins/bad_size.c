/*
** bad_size.c -- the right ABI number but a descriptor one pointer shorter,
** as from a header that lost a field: the loader must refuse it.
*/
#define TEST_NAME "bad_size"
#define TEST_DESC_SIZE (sizeof(cairn_plugin) - sizeof(void *))
#include "good.c"
