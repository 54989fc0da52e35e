/* Neural-network engine: ONNX graph IR, float reference execution and exact
 * fixed-point (quantized) execution. The integer semantics are the contract
 * the circuit compiler proves; docs/quantization.md states them in full.
 *
 * Life cycle:
 *   zk_nn_load()        ONNX bytes -> graph IR in topological order, static
 *                       shapes, constants and shape arithmetic folded,
 *                       BatchNormalization folded into Conv/Gemm, Identity and
 *                       Dropout removed.
 *   zk_nn_calibrate()   picks a fixed-point scale 2^-s for every tensor from
 *                       sample inputs (or a fixed scale), quantizes the
 *                       constants and builds the lookup tables.
 *   zk_nn_run_float()   float64 reference run of the same graph.
 *   zk_nn_run_quant()   exact integer run; the zk_nn_run keeps every tensor
 *                       (the per-node integer trace) until zk_nn_run_free().
 *
 * Values (tensors) and nodes are addressed by index. A zk_nn_model is not
 * changed by running it, so several runs may share one model (not while
 * zk_nn_calibrate runs). */
#ifndef ZK_NN_NN_H
#define ZK_NN_NN_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define ZK_NN_MAX_RANK 8

typedef struct zk_nn_model zk_nn_model;
typedef struct zk_nn_run zk_nn_run;

/* Element kind of a tensor. FLOAT tensors are real-valued (fixed point with a
 * scale when quantized); INT and BOOL tensors are exact integers (scale 0). */
typedef enum { ZK_NN_FLOAT = 0, ZK_NN_INT = 1, ZK_NN_BOOL = 2 } zk_nn_dtype;

typedef struct {
    int rank;
    int64_t dims[ZK_NN_MAX_RANK];
} zk_nn_shape;

typedef struct {
    int64_t batch;          /* value given to symbolic input dimensions (0 means 1) */
    int allow_unsupported;  /* 1: load anyway, unsupported nodes kept as op "?" (for inspect);
                               such a model cannot run */
    size_t n_input_shapes;  /* optional shapes of graph inputs 0..n-1: they fill the
                               symbolic dimensions (a rank mismatch is ignored) */
    const zk_nn_shape *input_shapes;
} zk_nn_load_opts;

/* Loads from memory (buf is not retained). On failure err names the problem and
 * the node. Returns ZK_ERR_PARSE (bad protobuf), ZK_ERR_UNSUPPORTED (op,
 * attribute or data type), ZK_ERR_SHAPE (shapes that cannot be resolved). */
zk_status zk_nn_load(const uint8_t *buf, size_t len, const zk_nn_load_opts *opts, zk_nn_model **out,
                     zk_error *err);
/* Same, reading the file at path (ZK_ERR_IO if it cannot be read). */
zk_status zk_nn_load_file(const char *path, const zk_nn_load_opts *opts, zk_nn_model **out, zk_error *err);
void zk_nn_free(zk_nn_model *m);

/* ---- inspection ---- */
typedef struct {
    const char *name;
    zk_nn_dtype dtype;
    int rank;
    const int64_t *dims;  /* rank entries, owned by the model */
    int64_t numel;
    int is_const;         /* folded at load time (weights, shapes) */
    int scale;            /* fixed-point fractional bits once calibrated, else 0 */
    int producer;         /* node index, or -1 for graph inputs and constants */
} zk_nn_value_info;

typedef struct {
    const char *name;     /* ONNX node name (may be "") */
    const char *op;       /* our op name ("Conv"), or the ONNX op_type when unsupported */
    int supported;
    int n_inputs, n_outputs;
    const int *inputs;    /* value indices; -1 marks an omitted optional input */
    const int *outputs;
} zk_nn_node_info;

size_t zk_nn_num_values(const zk_nn_model *m);
size_t zk_nn_num_nodes(const zk_nn_model *m);
size_t zk_nn_num_inputs(const zk_nn_model *m);
size_t zk_nn_num_outputs(const zk_nn_model *m);
int zk_nn_input(const zk_nn_model *m, size_t i);   /* value index of graph input i */
int zk_nn_output(const zk_nn_model *m, size_t i);  /* value index of graph output i */
zk_status zk_nn_get_value(const zk_nn_model *m, int v, zk_nn_value_info *out);
zk_status zk_nn_get_node(const zk_nn_model *m, size_t i, zk_nn_node_info *out);
int64_t zk_nn_param_count(const zk_nn_model *m);  /* elements of FLOAT constants feeding nodes */
int64_t zk_nn_opset(const zk_nn_model *m);
/* Rough cost of one run: multiply-accumulates of the linear ops and pool
 * windows plus the elements every other op touches (saturates at INT64_MAX). */
int64_t zk_nn_cost(const zk_nn_model *m);
const char *zk_nn_producer(const zk_nn_model *m);
/* Number of unsupported nodes kept by allow_unsupported (0 for a runnable model). */
size_t zk_nn_num_unsupported(const zk_nn_model *m);

/* ---- quantization ---- */
typedef struct {
    int act_bits;     /* A: a tensor whose calibrated max |x| is M gets scale A-1-ceil(log2 M) (default 16) */
    int weight_bits;  /* the same for constants (default 16) */
    int table_bits;   /* T: a lookup table has at most 2^T entries (default 16) */
    int range_bits;   /* B: every stored value satisfies |v| < 2^B, else ZK_ERR_RANGE (default 40) */
    int max_scale;    /* upper bound on any scale (default 30) */
    int fixed_scale;  /* >= 0: every FLOAT activation gets this scale (no calibration); -1: calibrate */
    double target;    /* > 0 (default 1e-3): raise act_bits and weight_bits by 2 (act_bits up to 24)
                         until max |q - f| / output range <= target
                         on the samples; 0: one pass with act_bits */
} zk_nn_qopts;

void zk_nn_qopts_default(zk_nn_qopts *o);

/* Calibrates and quantizes. samples[s][i] holds graph input i of sample s
 * (numel doubles, row-major; INT/BOOL inputs as whole numbers). n_samples may
 * be 0 only with o->fixed_scale >= 0. Re-calibrating replaces the previous plan. */
zk_status zk_nn_calibrate(zk_nn_model *m, const zk_nn_qopts *o, size_t n_samples,
                          const double *const *const *samples, zk_error *err);
int zk_nn_is_quantized(const zk_nn_model *m);
/* The act_bits the last calibration settled on. */
int zk_nn_act_bits(const zk_nn_model *m);

/* Lookup table of a node (NULL when the node has none): entries n, input
 * integers lo..lo+n-1 at scale *in_scale map to values[k] at scale *out_scale. */
const int64_t *zk_nn_node_table(const zk_nn_model *m, size_t node, int64_t *lo, int64_t *n, int *in_scale,
                                int *out_scale);

/* ---- running ---- */
/* inputs[i] holds graph input i (numel doubles). Float runs the graph in
 * float64; quant rounds each input to its scale (half up) and runs exactly. */
zk_status zk_nn_run_float(const zk_nn_model *m, const double *const *inputs, zk_nn_run **out, zk_error *err);
zk_status zk_nn_run_quant(const zk_nn_model *m, const double *const *inputs, zk_nn_run **out, zk_error *err);
/* Quantized run from already-quantized inputs (each at its input's scale). */
zk_status zk_nn_run_quant_int(const zk_nn_model *m, const int64_t *const *inputs, zk_nn_run **out, zk_error *err);
void zk_nn_run_free(zk_nn_run *r);
/* keep = 1 (default): a run keeps every tensor (the trace the circuit compiler
 * needs). keep = 0: intermediate tensors are freed as soon as their last
 * consumer has run, so only inputs, constants and outputs stay readable. */
void zk_nn_set_keep_trace(zk_nn_model *m, int keep);

int zk_nn_run_is_quant(const zk_nn_run *r);
/* Every value of the graph, constants included: the float data of a float run,
 * the integers of a quantized run (NULL for the other kind). Owned by r. */
const double *zk_nn_run_float_data(const zk_nn_run *r, int v);
const int64_t *zk_nn_run_int_data(const zk_nn_run *r, int v);
/* Graph output i as real numbers (dequantized for a quantized run): out gets numel values. */
zk_status zk_nn_run_output(const zk_nn_run *r, size_t i, double *out);

#endif
