#include <stdlib.h>
#include <string.h>

#include "cli/cli_nn.h"
#include "util/io.h"

char *zk_cli_read_file(const char *path, size_t *len) {
    uint8_t *buf;
    return zk_read_file(path, 0, &buf, len, NULL) == ZK_OK ? (char *)buf : NULL;
}

const char zk_cli_qflags_help[] =
    "  --scale S        every activation gets scale 2^-S (no calibration)\n"
    "  --bits A         calibrated activation precision: max |x| maps below 2^(A-1) (default 16)\n"
    "  --wbits W        weight precision bits (default 16)\n"
    "  --table-bits T   lookup tables hold at most 2^T entries (default 16)\n"
    "  --range-bits B   every stored value satisfies |v| < 2^B (default 40)\n"
    "  --target X       raise --bits until max error / output range <= X on the calibration input\n";

int zk_cli_qflag(int argc, char **argv, int *i, zk_nn_qopts *q) {
    const char *a = argv[*i];
    int *dst = NULL;
    if (!strcmp(a, "--scale")) dst = &q->fixed_scale;
    else if (!strcmp(a, "--bits")) dst = &q->act_bits;
    else if (!strcmp(a, "--wbits")) dst = &q->weight_bits;
    else if (!strcmp(a, "--table-bits")) dst = &q->table_bits;
    else if (!strcmp(a, "--range-bits")) dst = &q->range_bits;
    else if (strcmp(a, "--target")) return 0;
    if (*i + 1 >= argc) return -1;
    char *end;
    const char *v = argv[++*i];
    if (!dst) {
        q->target = strtod(v, &end);
        return *end || q->target < 0 ? -1 : 1;
    }
    long x = strtol(v, &end, 10);
    if (*end || x < 0 || x > 60) return -1;
    *dst = (int)x;
    return 1;
}

void zk_cli_shape(char *buf, size_t n, const zk_nn_value_info *v) {
    size_t p = 0;
    p += (size_t)snprintf(buf + p, n - p, "[");
    for (int d = 0; d < v->rank && p < n; d++) p += (size_t)snprintf(buf + p, n - p, "%s%lld", d ? "," : "", (long long)v->dims[d]);
    if (p < n) snprintf(buf + p, n - p, "]");
}

const char *zk_cli_dtype(zk_nn_dtype t) { return t == ZK_NN_FLOAT ? "float" : t == ZK_NN_INT ? "int" : "bool"; }
