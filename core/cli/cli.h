/* CLI subcommand registry. Each subcommand is a function in its own file
 * core/cli/cli_<name>.c; add one line to ZK_CLI_COMMANDS to list it. */
#ifndef ZK_CLI_CLI_H
#define ZK_CLI_CLI_H

#include <stdio.h>

typedef int (*zk_cli_fn)(int argc, char **argv); /* argv[0] is the subcommand */

typedef struct {
    const char *name;
    const char *help;
    zk_cli_fn fn;
} zk_cli_cmd;

/* X(name, help, function) */
#define ZK_CLI_COMMANDS(X)

#endif
