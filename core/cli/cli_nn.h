/* Helpers shared by the model subcommands (inspect, infer, accuracy). */
#ifndef ZK_CLI_NN_H
#define ZK_CLI_NN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nn/nn.h"

/* Reads a whole file (NUL-terminated, malloc'ed); NULL on failure. */
char *zk_cli_read_file(const char *path, size_t *len);
/* Parses one quantization flag at argv[*i] (--scale, --bits, --wbits,
 * --table-bits, --range-bits, --target), advancing *i past its value.
 * Returns 1 if consumed, 0 if not a quantization flag, -1 on a bad value. */
int zk_cli_qflag(int argc, char **argv, int *i, zk_nn_qopts *q);
extern const char zk_cli_qflags_help[];
/* "[1,3,224,224]" */
void zk_cli_shape(char *buf, size_t n, const zk_nn_value_info *v);
const char *zk_cli_dtype(zk_nn_dtype t);

#endif
