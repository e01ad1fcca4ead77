/*
** bad_error_size.c -- a plugin whose cairn_error differs from the host's
** (it declares them on its stack and the host fills them): refused.
*/
#define TEST_NAME "bad_error_size"
#define TEST_ERROR_SIZE (sizeof(cairn_error) + 64)
#include "good.c"
