/* Small file helpers shared by the CLI, the model loader and the tests. */
#ifndef ZK_UTIL_IO_H
#define ZK_UTIL_IO_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* Reads the whole file at path into *out, a malloc'ed buffer the caller frees,
 * with a NUL after the last byte (not counted in *len), so text can be parsed
 * in place. A file longer than max_bytes (0 = no limit) gives ZK_ERR_RANGE;
 * ZK_ERR_IO if it cannot be opened or read, ZK_ERR_NOMEM; messages name the
 * path. On error *out is NULL. */
zk_status zk_read_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len, zk_error *err);

#endif
