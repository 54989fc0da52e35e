#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hash/blake2b.h"
#include "test_plonk.h"
#include "tv.h"

/* BLAKE2b with an optional personalization (core/hash). */
void tp_blake2b(uint8_t *out, size_t outlen, const uint8_t personal[16], const uint8_t *msg, size_t len) {
    zk_blake2b h;
    zk_blake2b_init_personal(&h, outlen, personal);
    zk_blake2b_update(&h, msg, len);
    zk_blake2b_final(&h, out);
}

int tp_fp(zk_fp *out, const cJSON *v) {
    const char *hex = cJSON_IsString(v) ? v->valuestring : tv_str(v, "hex");
    uint8_t b[32];
    if (tv_unhex(b, 32, hex)) return -1;
    return zk_fp_from_bytes(out, b) == ZK_OK ? 0 : -1;
}

int tp_fp_eq_json(const zk_fp *a, const cJSON *v) {
    zk_fp b;
    if (tp_fp(&b, v)) return 0;
    return zk_fp_eq(a, &b);
}

static int fq_(zk_fq *out, const cJSON *v) {
    const char *hex = cJSON_IsString(v) ? v->valuestring : tv_str(v, "hex");
    uint8_t b[32];
    if (tv_unhex(b, 32, hex)) return -1;
    return zk_fq_from_bytes(out, b) == ZK_OK ? 0 : -1;
}

zk_vesta_affine *tp_points(const cJSON *arr, size_t *n) {
    if (!cJSON_IsArray(arr)) return NULL;
    *n = (size_t)cJSON_GetArraySize(arr);
    zk_vesta_affine *p = calloc(*n + 1, sizeof *p);
    if (!p) return NULL;
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        if (fq_(&p[i].x, cJSON_GetObjectItemCaseSensitive(e, "x")) || fq_(&p[i].y, cJSON_GetObjectItemCaseSensitive(e, "y"))) {
            free(p);
            return NULL;
        }
        i++;
    }
    return p;
}

void tp_columns_digest(char hex[65], const zk_fp *base, size_t ncols, size_t stride, size_t rows) {
    size_t len = ncols * rows * 32;
    uint8_t *buf = malloc(len ? len : 1);
    uint8_t d[32];
    if (!buf) {
        hex[0] = 0;
        return;
    }
    for (size_t c = 0; c < ncols; c++)
        for (size_t r = 0; r < rows; r++) zk_fp_to_bytes(buf + (c * rows + r) * 32, &base[c * stride + r]);
    tp_blake2b(d, 32, NULL, buf, len);
    free(buf);
    th_hex(hex, d, 32);
}

cJSON *tp_load_shared(const char *sub) {
    const char *dir = th_shared_dir();
    if (!dir) return NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    return tv_load_path(path);
}
