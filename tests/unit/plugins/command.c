/*
** command.c -- a plugin with a `cairn` command: `cairn kit-hello NAME`
** prints "hello NAME" through cli_print; without NAME it is a usage
** error whose message says how many arguments it got.
*/
#include <stddef.h>
#include <cairn/plugin.h>

static int hello(cairn_req *req, int argc, char **argv, cairn_error *err);
static const cairn_command commands[] = {
  { .name = "kit-hello", .usage = "NAME", .summary = "greet NAME (test)",
    .run = hello },
  { .name = NULL }
};
#ifndef TEST_NAME
#define TEST_NAME "command"
#endif
#define TEST_COMMANDS commands
#include "good.c"

static int hello(cairn_req *req, int argc, char **argv, cairn_error *err) {
  if (argc != 2)
    return cairn_fail(err, CAIRN_EINVAL, NULL,
                      "kit-hello takes one NAME; it got %d words", argc - 1);
  cairn_cli_print(req, "hello %s from %s\n", argv[1], cairn_req_actor(req));
  return 0;
}
