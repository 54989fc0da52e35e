/* A tiny protobuf writer and ONNX model builder for tests: builds well-formed
 * (and deliberately broken) models in memory, so the test suite needs no
 * Python or model files at run time. */
#ifndef ZK_TESTS_ONNX_BUILD_H
#define ZK_TESTS_ONNX_BUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *buf;
    size_t len, cap;
} pbw;

void pbw_free(pbw *w);
void pbw_raw(pbw *w, const void *p, size_t n);
void pbw_varint(pbw *w, uint64_t v);
void pbw_key(pbw *w, uint32_t field, int wire);
void pbw_vfield(pbw *w, uint32_t field, uint64_t v);              /* varint field */
void pbw_bytes(pbw *w, uint32_t field, const void *p, size_t n);  /* length-delimited */
void pbw_str(pbw *w, uint32_t field, const char *s);
void pbw_msg(pbw *w, uint32_t field, const pbw *sub);
void pbw_f32(pbw *w, uint32_t field, float f);

/* Attributes (each returns an encoded AttributeProto). */
pbw tb_attr_i(const char *name, int64_t v);
pbw tb_attr_f(const char *name, float v);
pbw tb_attr_s(const char *name, const char *v);
pbw tb_attr_ints(const char *name, size_t n, const int64_t *v);
pbw tb_attr_floats(const char *name, size_t n, const float *v);

typedef struct {
    pbw graph;
    int opset;
} tb_model;

void tb_init(tb_model *t, int opset);
/* Graph input/output value info; elem 1 = FLOAT, 7 = INT64; dims < 0 are symbolic. */
void tb_input(tb_model *t, const char *name, int elem, int rank, const int64_t *dims);
void tb_output(tb_model *t, const char *name);
/* Initializers: float data as raw_data (raw = 1) or packed float_data (raw = 0). */
void tb_init_f(tb_model *t, const char *name, int rank, const int64_t *dims, const float *data, int raw);
void tb_init_i64(tb_model *t, const char *name, int rank, const int64_t *dims, const int64_t *data);
/* A node; inputs/outputs are comma-separated names ("" entries allowed); attrs
 * is a NULL-terminated list of encoded attributes (consumed). */
void tb_node(tb_model *t, const char *op, const char *name, const char *inputs, const char *outputs, ...);
/* Serialized ModelProto (malloc'ed); frees the builder. */
uint8_t *tb_finish(tb_model *t, size_t *len);

#endif
