#include "tv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

cJSON *tv_load_path(const char *path) {
    size_t len;
    char *text = th_read_file(path, &len);
    if (!text) return NULL;
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    return j;
}

cJSON *tv_load(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", th_vectors_dir(), name);
    cJSON *j = tv_load_path(path);
    if (!j) th_fail(__FILE__, __LINE__, "cannot load vector file %s", path);
    return j;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int tv_unhex(uint8_t *out, size_t n, const char *hex) {
    if (!hex || strlen(hex) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);
        if (h < 0 || l < 0) return -1;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

uint8_t *tv_unhex_alloc(const char *hex, size_t *n) {
    if (!hex) return NULL;
    size_t len = strlen(hex);
    if (len % 2) return NULL;
    uint8_t *out = malloc(len / 2 + 1);
    if (!out) return NULL;
    if (tv_unhex(out, len / 2, hex)) {
        free(out);
        return NULL;
    }
    *n = len / 2;
    return out;
}

const char *tv_str(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *tv_hex(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v)) return v->valuestring;
    if (cJSON_IsObject(v)) return tv_str(v, "hex");
    return NULL;
}

int tv_bytes32(uint8_t out[32], const cJSON *obj, const char *key) {
    return tv_unhex(out, 32, tv_hex(obj, key));
}
