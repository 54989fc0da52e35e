/* JSON model inputs for the engine (cJSON). */
#ifndef ZK_NN_JSON_H
#define ZK_NN_JSON_H

#include <stddef.h>

#include "nn/nn.h"

/* Parses EZKL-style input ({"input_data": [[...], ...]}, one array per graph
 * input, nested arrays flattened row-major, booleans as 0/1) or a plain array
 * (the whole array is the single input, or one array per input). Each input
 * must hold exactly numel values, else ZK_ERR_SHAPE naming the input and both
 * counts. On success *out holds zk_nn_num_inputs(m) malloc'ed arrays; free
 * them with zk_nn_inputs_free(*out, zk_nn_num_inputs(m)). */
zk_status zk_nn_inputs_from_json(const zk_nn_model *m, const char *text, size_t len, double ***out, zk_error *err);
/* Same from an already parsed cJSON value (a cJSON *, object or array). */
zk_status zk_nn_inputs_from_cjson(const zk_nn_model *m, const void *json, double ***out, zk_error *err);
void zk_nn_inputs_free(double **inputs, size_t n);
/* Input shapes given in an input JSON ("input_shapes_full" or "input_shapes",
 * one array of dims per input): fills out[0..cap) and returns the count (0 if none). */
size_t zk_nn_shapes_from_json(const char *text, size_t len, zk_nn_shape *out, size_t cap);

#endif
