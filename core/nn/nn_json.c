/* Model inputs from JSON (EZKL style {"input_data": [[...], ...]} or a plain
 * array) and outputs to JSON, through cJSON. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"
#include "nn/nn_json.h"

/* Counts the numbers in a (nested) JSON array; -1 if something else is inside. */
static int64_t count_numbers(const cJSON *a, int depth) {
    if (depth > 32) return -1;
    if (cJSON_IsNumber(a) || cJSON_IsBool(a)) return 1;
    if (!cJSON_IsArray(a)) return -1;
    int64_t n = 0;
    for (const cJSON *c = a->child; c; c = c->next) {
        int64_t k = count_numbers(c, depth + 1);
        if (k < 0) return -1;
        n += k;
    }
    return n;
}

static void flatten(const cJSON *a, double *out, int64_t *k) {
    if (cJSON_IsNumber(a)) out[(*k)++] = a->valuedouble;
    else if (cJSON_IsBool(a)) out[(*k)++] = cJSON_IsTrue(a) ? 1.0 : 0.0;
    else
        for (const cJSON *c = a->child; c; c = c->next) flatten(c, out, k);
}

void zk_nn_inputs_free(double **inputs, size_t n) {
    if (!inputs) return;
    for (size_t i = 0; i < n; i++) free(inputs[i]);
    free(inputs);
}

zk_status zk_nn_inputs_from_cjson(const zk_nn_model *m, const void *json, double ***out, zk_error *err) {
    const cJSON *root = json;
    *out = NULL;
    const cJSON *data = root;
    if (cJSON_IsObject(root)) {
        data = cJSON_GetObjectItemCaseSensitive(root, "input_data");
        if (!data) return zk_fail(err, ZK_ERR_PARSE, "input JSON: object without an \"input_data\" field");
    }
    if (!cJSON_IsArray(data)) return zk_fail(err, ZK_ERR_PARSE, "input JSON: expected an array of numbers (or {\"input_data\": [[...]]})");
    size_t ni = m->n_inputs;
    double **in = calloc(ni + 1, sizeof(double *));
    if (!in) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    /* Decide the layout: one array per input, or (one input) the whole array. */
    int per_input = 0;
    int nchild = cJSON_GetArraySize(data);
    if (nchild >= (int)ni && ni > 0) {
        per_input = 1;
        int k = 0;
        for (const cJSON *c = data->child; c && k < (int)ni; c = c->next, k++)
            if (!cJSON_IsArray(c) || count_numbers(c, 0) != m->values[m->inputs[k]].numel) per_input = 0;
    }
    if (ni == 0) {
        *out = in;
        return ZK_OK;
    }
    if (!per_input && ni > 1) {
        zk_nn_inputs_free(in, ni);
        int k = 0;
        for (const cJSON *c = data->child; c && k < (int)ni; c = c->next, k++) {
            int64_t cnt = count_numbers(c, 0);
            if (cnt != m->values[m->inputs[k]].numel)
                return zk_fail(err, ZK_ERR_SHAPE, "input JSON: input %d ('%s') needs %lld values, got %lld", k, m->values[m->inputs[k]].name,
                               (long long)m->values[m->inputs[k]].numel, (long long)cnt);
        }
        return zk_fail(err, ZK_ERR_SHAPE, "input JSON: the model has %zu inputs, the JSON gives %d arrays", ni, nchild);
    }
    for (size_t i = 0; i < ni; i++) {
        const zk_nn_value *v = &m->values[m->inputs[i]];
        const cJSON *src = per_input ? cJSON_GetArrayItem(data, (int)i) : data;
        int64_t cnt = count_numbers(src, 0);
        if (cnt < 0) {
            zk_nn_inputs_free(in, ni);
            return zk_fail(err, ZK_ERR_PARSE, "input JSON: input %zu ('%s') holds something other than numbers", i, v->name);
        }
        if (cnt != v->numel) {
            zk_nn_inputs_free(in, ni);
            char shape[128] = "";
            size_t p = 0;
            for (int d = 0; d < v->rank && p < sizeof shape - 24; d++)
                p += (size_t)snprintf(shape + p, sizeof shape - p, "%s%lld", d ? "x" : "", (long long)v->dims[d]);
            return zk_fail(err, ZK_ERR_SHAPE, "input JSON: input %zu ('%s') has shape [%s] = %lld values, the JSON gives %lld", i,
                           v->name, shape, (long long)v->numel, (long long)cnt);
        }
        in[i] = malloc((size_t)(cnt ? cnt : 1) * sizeof(double));
        if (!in[i]) {
            zk_nn_inputs_free(in, ni);
            return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        }
        int64_t k = 0;
        flatten(src, in[i], &k);
    }
    *out = in;
    return ZK_OK;
}

zk_status zk_nn_inputs_from_json(const zk_nn_model *m, const char *text, size_t len, double ***out, zk_error *err) {
    if (!m || !text || !out) return zk_fail(err, ZK_ERR_INVALID_ARG, "NULL argument");
    *out = NULL;
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) return zk_fail(err, ZK_ERR_PARSE, "input JSON: not valid JSON");
    zk_status st = zk_nn_inputs_from_cjson(m, root, out, err);
    cJSON_Delete(root);
    return st;
}

size_t zk_nn_shapes_from_json(const char *text, size_t len, zk_nn_shape *out, size_t cap) {
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) return 0;
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(root, "input_shapes_full");
    if (!cJSON_IsArray(sh)) sh = cJSON_GetObjectItemCaseSensitive(root, "input_shapes");
    size_t n = 0;
    for (const cJSON *c = cJSON_IsArray(sh) ? sh->child : NULL; c && n < cap; c = c->next, n++) {
        out[n].rank = 0;
        for (const cJSON *d = cJSON_IsArray(c) ? c->child : NULL; d && out[n].rank < ZK_NN_MAX_RANK; d = d->next)
            out[n].dims[out[n].rank++] = cJSON_IsNumber(d) ? (int64_t)d->valuedouble : -1;
    }
    cJSON_Delete(root);
    return n;
}
