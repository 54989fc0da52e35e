/* Internal graph IR and the op table of the nn engine (not a public header). */
#ifndef ZK_NN_INTERNAL_H
#define ZK_NN_INTERNAL_H

#include <stdint.h>

#include "nn/nn.h"

/* No fused multiply-add contraction anywhere in the engine: the float reference
 * and the table generator must give the same bits on every target. */
#pragma STDC FP_CONTRACT OFF
#include "onnx/onnx.h"

typedef struct zk_nn_node zk_nn_node;

/* ---- the op table ----
 * One X-macro list: X(ID, onnx name, shape rule, float kernel, quant plan,
 * quant kernel, circuit lowering). The shape rule sets the output values'
 * dtype and dims at load (it may read constant inputs) and precomputes index
 * maps for data movement; the float kernel is the reference (and folds
 * constants at load); the quant plan picks output scales, quantizes constant
 * operands and builds tables; the quant kernel is the exact integer semantics.
 * The lowering column is reserved for the circuit compiler (0 for now). */
#define ZK_NN_OPS(X)                                                                          \
    X(GEMM, "Gemm", sh_gemm, f_gemm, qp_gemm, q_gemm, 0)                                      \
    X(MATMUL, "MatMul", sh_matmul, f_matmul, qp_matmul, q_matmul, 0)                          \
    X(CONV, "Conv", sh_conv, f_conv, qp_conv, q_conv, 0)                                      \
    X(CONVT, "ConvTranspose", sh_convt, f_conv, qp_conv, q_conv, 0)                           \
    X(EINSUM, "Einsum", sh_einsum, f_einsum, qp_einsum, q_einsum, 0)                          \
    X(ADD, "Add", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(SUB, "Sub", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(MUL, "Mul", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(DIV, "Div", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(POW, "Pow", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(MAX, "Max", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(MIN, "Min", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(SUM, "Sum", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(MEAN, "Mean", sh_bcast, f_binary, qp_binary, q_binary, 0)                               \
    X(PRELU, "PRelu", sh_bcast, f_binary, qp_binary, q_binary, 0)                             \
    X(EQUAL, "Equal", sh_bcast, f_binary, qp_binary, q_binary, 0)                             \
    X(LESS, "Less", sh_bcast, f_binary, qp_binary, q_binary, 0)                               \
    X(GREATER, "Greater", sh_bcast, f_binary, qp_binary, q_binary, 0)                         \
    X(LESSEQ, "LessOrEqual", sh_bcast, f_binary, qp_binary, q_binary, 0)                      \
    X(GREATEREQ, "GreaterOrEqual", sh_bcast, f_binary, qp_binary, q_binary, 0)                \
    X(AND, "And", sh_bcast, f_binary, qp_binary, q_binary, 0)                                 \
    X(OR, "Or", sh_bcast, f_binary, qp_binary, q_binary, 0)                                   \
    X(WHERE, "Where", sh_bcast, f_binary, qp_binary, q_binary, 0)                             \
    X(RELU, "Relu", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(SIGMOID, "Sigmoid", sh_unary, f_unary, qp_unary, q_unary, 0)                            \
    X(TANH, "Tanh", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(LEAKYRELU, "LeakyRelu", sh_unary, f_unary, qp_unary, q_unary, 0)                        \
    X(ELU, "Elu", sh_unary, f_unary, qp_unary, q_unary, 0)                                    \
    X(SELU, "Selu", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(CELU, "Celu", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(CLIP, "Clip", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(HARDSIGMOID, "HardSigmoid", sh_unary, f_unary, qp_unary, q_unary, 0)                    \
    X(HARDSWISH, "HardSwish", sh_unary, f_unary, qp_unary, q_unary, 0)                        \
    X(SOFTPLUS, "Softplus", sh_unary, f_unary, qp_unary, q_unary, 0)                          \
    X(SOFTSIGN, "Softsign", sh_unary, f_unary, qp_unary, q_unary, 0)                          \
    X(EXP, "Exp", sh_unary, f_unary, qp_unary, q_unary, 0)                                    \
    X(LOG, "Log", sh_unary, f_unary, qp_unary, q_unary, 0)                                    \
    X(ABS, "Abs", sh_unary, f_unary, qp_unary, q_unary, 0)                                    \
    X(NEG, "Neg", sh_unary, f_unary, qp_unary, q_unary, 0)                                    \
    X(RECIPROCAL, "Reciprocal", sh_unary, f_unary, qp_unary, q_unary, 0)                      \
    X(SQRT, "Sqrt", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(ERF, "Erf", sh_unary, f_unary, qp_unary, q_unary, 0)                                    \
    X(GELU, "Gelu", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(NOT, "Not", sh_unary, f_unary, qp_unary, q_unary, 0)                                    \
    X(CAST, "Cast", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(FLOOR, "Floor", sh_unary, f_unary, qp_unary, q_unary, 0)                                \
    X(CEIL, "Ceil", sh_unary, f_unary, qp_unary, q_unary, 0)                                  \
    X(IDENTITY, "Identity", sh_unary, f_unary, qp_unary, q_unary, 0)                          \
    X(DROPOUT, "Dropout", sh_unary, f_unary, qp_unary, q_unary, 0)                            \
    X(MAXPOOL, "MaxPool", sh_pool, f_pool, qp_pool, q_pool, 0)                                \
    X(AVGPOOL, "AveragePool", sh_pool, f_pool, qp_pool, q_pool, 0)                            \
    X(GAP, "GlobalAveragePool", sh_pool, f_pool, qp_pool, q_pool, 0)                          \
    X(GMP, "GlobalMaxPool", sh_pool, f_pool, qp_pool, q_pool, 0)                              \
    X(BATCHNORM, "BatchNormalization", sh_norm, f_norm, qp_norm, q_norm, 0)                   \
    X(INSTNORM, "InstanceNormalization", sh_norm, f_norm, qp_norm, q_norm, 0)                 \
    X(LAYERNORM, "LayerNormalization", sh_norm, f_norm, qp_norm, q_norm, 0)                   \
    X(SOFTMAX, "Softmax", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                        \
    X(LOGSOFTMAX, "LogSoftmax", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                  \
    X(REDUCESUM, "ReduceSum", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                    \
    X(REDUCEMEAN, "ReduceMean", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                  \
    X(REDUCEMAX, "ReduceMax", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                    \
    X(REDUCEMIN, "ReduceMin", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                    \
    X(ARGMAX, "ArgMax", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                          \
    X(ARGMIN, "ArgMin", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                          \
    X(CUMSUM, "CumSum", sh_reduce, f_reduce, qp_reduce, q_reduce, 0)                          \
    X(RESHAPE, "Reshape", sh_move, f_move, qp_move, q_move, 0)                                \
    X(FLATTEN, "Flatten", sh_move, f_move, qp_move, q_move, 0)                                \
    X(SQUEEZE, "Squeeze", sh_move, f_move, qp_move, q_move, 0)                                \
    X(UNSQUEEZE, "Unsqueeze", sh_move, f_move, qp_move, q_move, 0)                            \
    X(TRANSPOSE, "Transpose", sh_move, f_move, qp_move, q_move, 0)                            \
    X(CONCAT, "Concat", sh_move, f_move, qp_move, q_move, 0)                                  \
    X(SLICE, "Slice", sh_move, f_move, qp_move, q_move, 0)                                    \
    X(PAD, "Pad", sh_move, f_move, qp_move, q_move, 0)                                        \
    X(GATHER, "Gather", sh_move, f_move, qp_move, q_move, 0)                                  \
    X(TILE, "Tile", sh_move, f_move, qp_move, q_move, 0)                                      \
    X(EXPAND, "Expand", sh_move, f_move, qp_move, q_move, 0)                                  \
    X(SPLIT, "Split", sh_move, f_move, qp_move, q_move, 0)                                    \
    X(TRILU, "Trilu", sh_move, f_move, qp_move, q_move, 0)                                    \
    X(RESIZE, "Resize", sh_resize, f_resize, qp_resize, q_resize, 0)                          \
    X(UPSAMPLE, "Upsample", sh_resize, f_resize, qp_resize, q_resize, 0)                      \
    X(SHAPE, "Shape", sh_const, f_const, qp_none, q_none, 0)                                  \
    X(CONSTANTOFSHAPE, "ConstantOfShape", sh_const, f_const, qp_none, q_none, 0)              \
    X(CONSTANT, "Constant", sh_const, f_const, qp_none, q_none, 0)                            \
    X(RANGE, "Range", sh_const, f_const, qp_none, q_none, 0)

typedef enum {
#define ZK_NN_OP_ENUM_(id, name, sh, f, qp, q, lw) ZK_NN_OP_##id,
    ZK_NN_OPS(ZK_NN_OP_ENUM_)
#undef ZK_NN_OP_ENUM_
    ZK_NN_OP_COUNT,
    ZK_NN_OP_UNSUPPORTED = ZK_NN_OP_COUNT
} zk_nn_op;

/* The number of ops: change it together with the list (the tables are checked against it). */
#define ZK_NN_OP_COUNT_EXPECTED 84

/* ---- IR ---- */
typedef struct {
    char *name;
    zk_nn_dtype dtype;
    int rank;
    int64_t dims[ZK_NN_MAX_RANK];
    int64_t numel;
    int is_const;
    double *cdata;        /* constant data (is_const) */
    int producer;         /* node index, -1 for inputs and constants */
    int n_uses;           /* consumers among live nodes + graph outputs */
    int is_input;
    /* quantization plan */
    int scale;
    double absmax;        /* calibration statistic */
    int64_t *qdata;       /* constant data at `scale` (is_const, after calibration) */
} zk_nn_value;

/* A movement map: out[i] = in[src >> 40][src & (2^40-1)], or the fill value for -1. */
#define ZK_NN_MAP_SHIFT 40

typedef struct {
    int64_t lo, n;        /* input integers lo..lo+n-1 */
    int in_scale, out_scale;
    int64_t *v;           /* n entries */
} zk_nn_table;

struct zk_nn_node {
    zk_nn_op op;
    const char *name, *op_type;
    int n_in, n_out;
    int *in, *out;        /* value indices, -1 = omitted */
    const zk_onnx_attr *attrs;
    size_t n_attrs;
    int dead;
    /* load-time derived parameters */
    int64_t **maps;       /* movement maps per output (NULL = plain copy / not a movement) */
    double fill;          /* movement fill value (Pad constant) */
    int64_t iparam[16];   /* op-specific integers (axes, kernel, strides, ...) */
    double fparam[8];     /* op-specific reals (alpha, beta, epsilon, ...) */
    double *fextra;       /* op-specific float arrays (Resize weights, ...) */
    int64_t *iextra;
    /* quant plan */
    int qs[8];            /* op-specific scales */
    int64_t qi[8];        /* op-specific integer constants */
    int64_t *qextra;      /* op-specific quantized arrays */
    zk_nn_table table, table2;
    int64_t acc_l1;       /* max row L1 norm of quantized weights (accumulator bound) */
    int64_t *qconst[4];   /* elementwise ops: private quantization of constant inputs 0..3 */
    int qcs[4];           /* ... and its scale */
};

struct zk_nn_model {
    zk_onnx_model *onnx;  /* keeps names and attributes alive */
    struct zk_onnx_arena *arena;
    int64_t opset;
    size_t n_values, cap_values;
    zk_nn_value *values;
    size_t n_nodes;
    zk_nn_node *nodes;    /* live nodes in topological order */
    size_t n_inputs, n_outputs;
    int *inputs, *outputs;
    size_t n_unsupported;
    /* quantization */
    int quantized;
    int drop_trace;       /* zk_nn_set_keep_trace(m, 0) */
    zk_nn_qopts q;
    int act_bits;
};

/* ---- helpers shared by the kernels ---- */
typedef zk_status (*zk_nn_shape_fn)(zk_nn_model *m, zk_nn_node *n, zk_error *err);
typedef zk_status (*zk_nn_float_fn)(const zk_nn_model *m, const zk_nn_node *n, const double *const *in,
                                    double *const *out, zk_error *err);
typedef zk_status (*zk_nn_qplan_fn)(zk_nn_model *m, zk_nn_node *n, zk_error *err);
typedef zk_status (*zk_nn_quant_fn)(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in,
                                    int64_t *const *out, zk_error *err);

typedef struct {
    const char *name;
    zk_nn_shape_fn shape;
    zk_nn_float_fn fwd_float;
    zk_nn_qplan_fn qplan;
    zk_nn_quant_fn fwd_quant;
    const void *lower;    /* circuit lowering: filled in by the circuit compiler */
} zk_nn_op_def;

extern const zk_nn_op_def zk_nn_ops[ZK_NN_OP_COUNT];
zk_nn_op zk_nn_op_lookup(const char *onnx_name);

/* Failure naming the node: "node 'name' (Op): <message>". */
zk_status zk_nn_fail(zk_error *err, zk_status code, const zk_nn_node *n, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Attribute accessors with defaults. */
int64_t zk_nn_attr_i(const zk_nn_node *n, const char *name, int64_t def);
double zk_nn_attr_f(const zk_nn_node *n, const char *name, double def);
const char *zk_nn_attr_s(const zk_nn_node *n, const char *name, const char *def);
/* INTS attribute: count (0 if absent) and values. */
size_t zk_nn_attr_ints(const zk_nn_node *n, const char *name, const int64_t **vals);

void *zk_nn_alloc(zk_nn_model *m, size_t size); /* zeroed arena memory, freed with the model */
static inline zk_nn_value *zk_nn_in(const zk_nn_model *m, const zk_nn_node *n, int k) {
    return k < n->n_in && n->in[k] >= 0 ? &m->values[n->in[k]] : NULL;
}
static inline zk_nn_value *zk_nn_outv(const zk_nn_model *m, const zk_nn_node *n, int k) {
    return &m->values[n->out[k]];
}
/* Saturating double -> int64 (NaN -> 0). */
int64_t zk_nn_d2i(double x);
/* Sets dims and numel of v (ZK_ERR_SHAPE on a negative or too large shape). */
zk_status zk_nn_set_shape(zk_nn_value *v, int rank, const int64_t *dims);

/* Shared by every quant plan: the scale a FLOAT tensor should get. */
int zk_nn_target_scale(const zk_nn_model *m, const zk_nn_value *v);
/* Scale of a constant whose max |w| is absmax: max |w| 2^s < 2^(weight_bits-1). */
int zk_nn_weight_scale(const zk_nn_model *m, double absmax);
/* Quantizes x at scale s (round half up); ZK_ERR_RANGE past 2^62. */
zk_status zk_nn_quantize_real(double x, int s, int64_t *out);

/* Exact integer semantics (docs/quantization.md). */
/* Rescale by 2^-r with round half up: (x + 2^(r-1)) >> r; r <= 0 multiplies by 2^-r. */
int64_t zk_q_shift(int64_t x, int r);
/* round_half_up(num / den) for den != 0, exact (floor((2 num + den) / (2 den)) for den > 0). */
int64_t zk_q_div(__int128 num, __int128 den);
/* round(sqrt(x)) for x >= 0: the y with (2y-1)^2 <= 4x < (2y+1)^2. */
int64_t zk_q_isqrt(__int128 x);
/* Runs over a FLOAT tensor's integer values checking |v| < 2^B. */
zk_status zk_nn_check_range(const zk_nn_model *m, const zk_nn_node *n, const zk_nn_value *v, const int64_t *data,
                            zk_error *err);

/* Deterministic real functions for table contents: IEEE +, -, *, / and sqrt only,
 * so x86-64 and wasm32 produce identical bits. */
double zk_det_exp(double x);
double zk_det_log(double x);  /* x > 0 */
double zk_det_erf(double x);
double zk_det_tanh(double x);
double zk_det_floor(double x);
/* Builds tbl for f over input integers lo..hi at in_scale, values at out_scale. */
zk_status zk_nn_table_build(zk_nn_model *m, zk_nn_table *tbl, double (*f)(double, const double *), const double *p,
                            int64_t lo, int64_t hi, int in_scale, int out_scale);

/* Estimated work of one node (see zk_nn_cost). */
int64_t zk_nn_node_cost(const zk_nn_model *m, const zk_nn_node *n);

/* Loader passes. */
zk_status zk_nn_fold_node(zk_nn_model *m, zk_nn_node *n, zk_error *err);

#endif
