/* ONNX model reader: ModelProto -> plain C structs, from a memory buffer.
 *
 * Decodes ModelProto, GraphProto, NodeProto, TensorProto, AttributeProto and
 * ValueInfoProto with our own protobuf wire reader (onnx/pb.h). Nothing in the
 * input is trusted: every length is checked against the bytes present, element
 * counts must match the data actually carried, and sizes are capped
 * (ZK_ONNX_MAX_*), so garbage gives ZK_ERR_PARSE / ZK_ERR_TRUNCATED /
 * ZK_ERR_UNSUPPORTED with a message naming the field (and node), never a crash.
 * Tensor data are decoded to double whatever their ONNX type (exact for every
 * integer type up to 2^53 and for float16/float32/double). Tensors stored as
 * external data, string tensors and sparse initializers are "unsupported".
 *
 * Everything hangs off one arena: zk_onnx_model_free releases it all. */
#ifndef ZK_ONNX_ONNX_H
#define ZK_ONNX_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define ZK_ONNX_MAX_RANK 8
#define ZK_ONNX_MAX_ELEMS (1LL << 26)   /* per tensor (64 Mi elements) */
#define ZK_ONNX_MAX_BYTES (1ULL << 31)  /* whole model buffer */

/* TensorProto.DataType values. */
enum {
    ZK_ONNX_UNDEFINED = 0, ZK_ONNX_FLOAT = 1, ZK_ONNX_UINT8 = 2, ZK_ONNX_INT8 = 3,
    ZK_ONNX_UINT16 = 4, ZK_ONNX_INT16 = 5, ZK_ONNX_INT32 = 6, ZK_ONNX_INT64 = 7,
    ZK_ONNX_STRING = 8, ZK_ONNX_BOOL = 9, ZK_ONNX_FLOAT16 = 10, ZK_ONNX_DOUBLE = 11,
    ZK_ONNX_UINT32 = 12, ZK_ONNX_UINT64 = 13, ZK_ONNX_COMPLEX64 = 14,
    ZK_ONNX_COMPLEX128 = 15, ZK_ONNX_BFLOAT16 = 16
};

/* AttributeProto.AttributeType values. */
enum {
    ZK_ONNX_ATTR_FLOAT = 1, ZK_ONNX_ATTR_INT = 2, ZK_ONNX_ATTR_STRING = 3,
    ZK_ONNX_ATTR_TENSOR = 4, ZK_ONNX_ATTR_GRAPH = 5, ZK_ONNX_ATTR_FLOATS = 6,
    ZK_ONNX_ATTR_INTS = 7, ZK_ONNX_ATTR_STRINGS = 8, ZK_ONNX_ATTR_TENSORS = 9,
    ZK_ONNX_ATTR_GRAPHS = 10
};

typedef struct {
    const char *name;
    int32_t data_type;
    int ndim;
    int64_t dims[ZK_ONNX_MAX_RANK];
    int64_t numel;
    double *data; /* numel values (NULL only when numel == 0) */
} zk_onnx_tensor;

typedef struct {
    const char *name;
    int type;              /* ZK_ONNX_ATTR_*, inferred from the fields when absent */
    double f;
    int64_t i;
    const char *s;         /* NUL-terminated copy of the bytes */
    zk_onnx_tensor *t;
    size_t n;              /* count of floats / ints / strings */
    double *floats;
    int64_t *ints;
    const char **strings;
} zk_onnx_attr;

typedef struct {
    const char *name, *op_type, *domain;
    size_t n_inputs, n_outputs, n_attrs;
    const char **inputs;   /* "" marks an omitted optional input */
    const char **outputs;
    zk_onnx_attr *attrs;
} zk_onnx_node;

typedef struct {
    const char *name;
    int32_t elem_type;     /* 0 when the type is not a tensor or unknown */
    int has_shape;
    int ndim;
    int64_t dims[ZK_ONNX_MAX_RANK]; /* -1 for a symbolic or missing dimension */
} zk_onnx_value_info;

typedef struct {
    const char *name;
    size_t n_nodes, n_inits, n_inputs, n_outputs, n_value_infos;
    zk_onnx_node *nodes;
    zk_onnx_tensor *inits;
    zk_onnx_value_info *inputs, *outputs, *value_infos;
} zk_onnx_graph;

typedef struct zk_onnx_model {
    int64_t ir_version;
    int64_t opset;         /* version of the default ("" / "ai.onnx") domain */
    const char *producer;
    zk_onnx_graph graph;
    struct zk_onnx_arena *arena;
} zk_onnx_model;

/* Parses buf[0..len) (not retained). On success *out owns its memory. */
zk_status zk_onnx_parse(const uint8_t *buf, size_t len, zk_onnx_model **out, zk_error *err);
void zk_onnx_model_free(zk_onnx_model *m);

/* Name of a TensorProto data type ("FLOAT", "INT64", ...; "?" if unknown). */
const char *zk_onnx_dtype_name(int32_t dt);
/* Looks up an attribute by name; NULL when absent. */
const zk_onnx_attr *zk_onnx_node_attr(const zk_onnx_node *n, const char *name);

/* Arena allocation (zeroed), used by the reader and by the graph loader. */
void *zk_onnx_arena_alloc(struct zk_onnx_arena *a, size_t size);
struct zk_onnx_arena *zk_onnx_arena_new(void);
void zk_onnx_arena_free(struct zk_onnx_arena *a);
char *zk_onnx_arena_strdup(struct zk_onnx_arena *a, const char *s);

#endif
