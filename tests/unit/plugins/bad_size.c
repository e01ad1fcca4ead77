/*
** bad_size.c -- the right ABI number but a descriptor one pointer larger
** than the host's, as from a newer plugin.h with a field this host does
** not know: the loader must refuse it (an older, shorter one loads: see
** old_level2.c).
*/
#define TEST_NAME "bad_size"
#define TEST_DESC_SIZE (sizeof(cairn_plugin) + sizeof(void *))
#include "good.c"
