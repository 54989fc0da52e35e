/* zkml: command-line front end. Subcommands live in their own files
 * (cli_<name>.c) and are listed in the table below. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/threads.h"

#ifndef ZK_C_FLAGS
#define ZK_C_FLAGS ""
#endif

static int cmd_version(int argc, char **argv) {
    (void)argc;
    (void)argv;
    printf("zkml %s\n", ZK_VERSION);
    printf("platform: %s\n", ZK_PLATFORM_NAME);
    printf("threads: %s (%u)\n", zk_threads_available() ? "pthreads" : "none", zk_threads_count());
    printf("c flags: %s\n", ZK_C_FLAGS);
#if defined(__wasm32__)
    printf("field backend: 9x29-bit limbs\n");
#else
    printf("field backend: 4x64-bit limbs\n");
#endif
    return 0;
}

static const zk_cli_cmd commands[] = {
    {"version", "print version and build flags", cmd_version},
#define ZK_CLI_ENTRY_(name, help, fn) {name, help, fn},
    ZK_CLI_COMMANDS(ZK_CLI_ENTRY_)
#undef ZK_CLI_ENTRY_
};

static void usage(FILE *f) {
    fprintf(f, "usage: zkml <command> [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "zkml: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
