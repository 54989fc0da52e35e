/* Shared helpers of the nn engine: the op table, attributes, errors and the
 * exact integer primitives every quantized kernel is built from. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nn/nn_internal.h"

/* ---- the op table ---- */
#define ZK_NN_OP_DECL_(id, name, sh, f, qp, q, lw)                                              \
    zk_status sh(zk_nn_model *, zk_nn_node *, zk_error *);                                     \
    zk_status f(const zk_nn_model *, const zk_nn_node *, const double *const *, double *const *, \
                zk_error *);                                                                   \
    zk_status qp(zk_nn_model *, zk_nn_node *, zk_error *);                                     \
    zk_status q(const zk_nn_model *, const zk_nn_node *, const int64_t *const *, int64_t *const *, zk_error *);
ZK_NN_OPS(ZK_NN_OP_DECL_)
#undef ZK_NN_OP_DECL_

const zk_nn_op_def zk_nn_ops[ZK_NN_OP_COUNT] = {
#define ZK_NN_OP_DEF_(id, name, sh, f, qp, q, lw) [ZK_NN_OP_##id] = {name, sh, f, qp, q, lw},
    ZK_NN_OPS(ZK_NN_OP_DEF_)
#undef ZK_NN_OP_DEF_
};

_Static_assert(ZK_NN_OP_COUNT == ZK_NN_OP_COUNT_EXPECTED, "op list and ZK_NN_OP_COUNT_EXPECTED disagree");
_Static_assert(sizeof zk_nn_ops / sizeof zk_nn_ops[0] == ZK_NN_OP_COUNT, "op table size");

zk_nn_op zk_nn_op_lookup(const char *onnx_name) {
    for (int i = 0; i < ZK_NN_OP_COUNT; i++)
        if (!strcmp(zk_nn_ops[i].name, onnx_name)) return (zk_nn_op)i;
    return ZK_NN_OP_UNSUPPORTED;
}

zk_status zk_nn_fail(zk_error *err, zk_status code, const zk_nn_node *n, const char *fmt, ...) {
    if (err) {
        char msg[400];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (n) zk_fail(err, code, "node '%.80s' (%.40s): %s", n->name, n->op_type, msg);
        else zk_fail(err, code, "%s", msg);
    }
    return code;
}

static const zk_onnx_attr *find_attr(const zk_nn_node *n, const char *name) {
    for (size_t i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, name)) return &n->attrs[i];
    return NULL;
}

int64_t zk_nn_attr_i(const zk_nn_node *n, const char *name, int64_t def) {
    const zk_onnx_attr *a = find_attr(n, name);
    if (!a) return def;
    if (a->type == ZK_ONNX_ATTR_INT) return a->i;
    if (a->type == ZK_ONNX_ATTR_FLOAT) return zk_nn_d2i(a->f);
    return def;
}

double zk_nn_attr_f(const zk_nn_node *n, const char *name, double def) {
    const zk_onnx_attr *a = find_attr(n, name);
    if (!a) return def;
    if (a->type == ZK_ONNX_ATTR_FLOAT) return a->f;
    if (a->type == ZK_ONNX_ATTR_INT) return (double)a->i;
    return def;
}

const char *zk_nn_attr_s(const zk_nn_node *n, const char *name, const char *def) {
    const zk_onnx_attr *a = find_attr(n, name);
    if (!a || a->type != ZK_ONNX_ATTR_STRING || !a->s) return def;
    return a->s;
}

size_t zk_nn_attr_ints(const zk_nn_node *n, const char *name, const int64_t **vals) {
    const zk_onnx_attr *a = find_attr(n, name);
    if (!a || a->type != ZK_ONNX_ATTR_INTS) {
        *vals = NULL;
        return 0;
    }
    *vals = a->ints;
    return a->n;
}

void *zk_nn_alloc(zk_nn_model *m, size_t size) { return zk_onnx_arena_alloc(m->arena, size); }

int64_t zk_nn_d2i(double x) {
    if (x != x) return 0;
    if (x >= 9.2e18) return INT64_MAX;
    if (x <= -9.2e18) return INT64_MIN;
    return (int64_t)x;
}

zk_status zk_nn_set_shape(zk_nn_value *v, int rank, const int64_t *dims) {
    if (rank < 0 || rank > ZK_NN_MAX_RANK) return ZK_ERR_SHAPE;
    int64_t numel = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0) return ZK_ERR_SHAPE;
        if (dims[i] > 0 && numel > ZK_ONNX_MAX_ELEMS / dims[i]) return ZK_ERR_SHAPE;
        numel *= dims[i];
    }
    v->rank = rank;
    for (int i = 0; i < rank; i++) v->dims[i] = dims[i];
    v->numel = numel;
    return ZK_OK;
}

/* ---- exact integer primitives ---- */

int64_t zk_q_shift(int64_t x, int r) {
    if (r <= 0) {
        if (r < -62) return 0; /* callers check ranges before shifting left this far */
        return (int64_t)((uint64_t)x << -r);
    }
    if (r > 100) return 0;
    __int128 t = (__int128)x + ((__int128)1 << (r - 1));
    return (int64_t)(t >> r); /* arithmetic shift: floor */
}

static __int128 floordiv128(__int128 a, __int128 b) { /* b > 0 */
    __int128 q = a / b;
    if ((a % b) != 0 && a < 0) q--;
    return q;
}

int64_t zk_q_div(__int128 num, __int128 den) {
    if (den < 0) {
        num = -num;
        den = -den;
    }
    if (den == 0) return 0;
    __int128 q = floordiv128(2 * num + den, 2 * den);
    if (q > INT64_MAX) return INT64_MAX;
    if (q < INT64_MIN) return INT64_MIN;
    return (int64_t)q;
}

int64_t zk_q_isqrt(__int128 x) {
    if (x <= 0) return 0;
    /* y = round(sqrt(x)): the largest y with (2y-1)^2 <= 4x. Binary search on y. */
    __int128 lo = 0, hi = 1;
    while (hi * hi < x) hi <<= 1;
    hi += 1;
    while (lo < hi) {
        __int128 mid = (lo + hi + 1) >> 1;
        __int128 t = 2 * mid - 1;
        if (t * t <= 4 * x) lo = mid;
        else hi = mid - 1;
    }
    return (int64_t)lo;
}

zk_status zk_nn_check_range(const zk_nn_model *m, const zk_nn_node *n, const zk_nn_value *v, const int64_t *d,
                            zk_error *err) {
    int64_t lim = (int64_t)1 << m->q.range_bits;
    for (int64_t i = 0; i < v->numel; i++)
        if (d[i] >= lim || d[i] <= -lim)
            return zk_nn_fail(err, ZK_ERR_RANGE, n,
                              "output '%s'[%lld] = %lld (real %.6g at scale 2^-%d) exceeds the range bound 2^%d; "
                              "recalibrate with this input or lower --bits",
                              v->name, (long long)i, (long long)d[i], ldexp((double)d[i], -v->scale),
                              v->scale, m->q.range_bits);
    return ZK_OK;
}

zk_status zk_nn_quantize_real(double x, int s, int64_t *out) {
    double t = x;
    for (int i = 0; i < s; i++) t *= 2.0;
    for (int i = 0; i < -s; i++) t *= 0.5;
    if (!(t < 4.6e18 && t > -4.6e18)) return ZK_ERR_RANGE;
    *out = (int64_t)zk_det_floor(t + 0.5);
    return ZK_OK;
}

static int64_t sat_mul(int64_t a, int64_t b) {
    if (a <= 0 || b <= 0) return 0;
    return a > INT64_MAX / b ? INT64_MAX : a * b;
}
static int64_t sat_add(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }

int64_t zk_nn_node_cost(const zk_nn_model *m, const zk_nn_node *n) {
    int64_t c = 0;
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0) c = sat_add(c, m->values[n->in[k]].numel);
    for (int k = 0; k < n->n_out; k++)
        if (n->out[k] >= 0) c = sat_add(c, m->values[n->out[k]].numel);
    const zk_nn_value *o = n->n_out > 0 && n->out[0] >= 0 ? &m->values[n->out[0]] : NULL;
    switch (n->op) {
    case ZK_NN_OP_GEMM: case ZK_NN_OP_MATMUL: /* batches x M x K x N */
        return sat_add(c, sat_mul(sat_mul(n->iparam[0], n->iparam[1]), sat_mul(n->iparam[2], n->iparam[3])));
    case ZK_NN_OP_CONV: case ZK_NN_OP_CONVT: { /* every (input or output) position meets C/G x kernel taps */
        const zk_nn_value *x = zk_nn_in(m, n, 0), *w = zk_nn_in(m, n, 1);
        if (!x || !w || !o) return c;
        int64_t big = x->numel > o->numel ? x->numel : o->numel;
        return sat_add(c, sat_mul(big, w->numel));
    }
    case ZK_NN_OP_MAXPOOL: case ZK_NN_OP_AVGPOOL: case ZK_NN_OP_GAP: case ZK_NN_OP_GMP:
        if (!o || !n->iextra) return c;
        return sat_add(c, sat_mul(o->numel, sat_mul(n->iextra[8], sat_mul(n->iextra[9], n->iextra[10]))));
    case ZK_NN_OP_EINSUM:
        if (!n->iextra) return c;
        {
            int64_t t = 1;
            for (int l = 0; l < 26; l++)
                if (n->iextra[1 + l] > 0) t = sat_mul(t, n->iextra[1 + l]);
            return sat_add(c, t);
        }
    case ZK_NN_OP_RESIZE: case ZK_NN_OP_UPSAMPLE:
        return o ? sat_add(c, sat_mul(o->numel, n->iparam[0])) : c;
    default: return c;
    }
}

int64_t zk_nn_cost(const zk_nn_model *m) {
    int64_t c = 0;
    for (size_t i = 0; i < m->n_nodes; i++) c = sat_add(c, zk_nn_node_cost(m, &m->nodes[i]));
    return c;
}
