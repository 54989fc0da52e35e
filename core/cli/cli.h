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
#define ZK_CLI_COMMANDS(X)                                                                   \
    X("inspect", "list a model's ops, shapes, parameters and unsupported ops", zk_cli_inspect) \
    X("infer", "run a model on a JSON input with the exact fixed-point engine", zk_cli_infer)  \
    X("accuracy", "accuracy table of the model corpus (make accuracy)", zk_cli_accuracy)            \
    X("demo", "prove and verify the multiply-accumulate demo circuit, with timings", zk_cli_demo)

#define ZK_CLI_DECL_(name, help, fn) int fn(int argc, char **argv);
ZK_CLI_COMMANDS(ZK_CLI_DECL_)
#undef ZK_CLI_DECL_

#endif
