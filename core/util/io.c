#include "util/io.h"

#include <stdio.h>
#include <stdlib.h>

zk_status zk_read_file(const char *path, size_t max_bytes, uint8_t **out, size_t *len, zk_error *err) {
    if (!path || !out) return zk_fail(err, ZK_ERR_INVALID_ARG, "zk_read_file: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return zk_fail(err, ZK_ERR_IO, "cannot open '%s'", path);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap + 1);
    zk_status st = ZK_OK;
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (max_bytes && n > max_bytes) {
            st = zk_fail(err, ZK_ERR_RANGE, "'%s' is larger than %zu bytes", path, max_bytes);
            break;
        }
        if (got == 0) break;
        if (n == cap) {
            uint8_t *nb = realloc(buf, 2 * cap + 1);
            if (!nb) break;
            buf = nb;
            cap *= 2;
        }
    }
    if (st == ZK_OK && ferror(f)) st = zk_fail(err, ZK_ERR_IO, "error reading '%s'", path);
    if (st == ZK_OK && (!buf || !feof(f))) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory reading '%s'", path);
    fclose(f);
    if (st != ZK_OK) {
        free(buf);
        return st;
    }
    buf[n] = 0;
    *out = buf;
    if (len) *len = n;
    return ZK_OK;
}
