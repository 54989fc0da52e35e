/* Elementwise ops: broadcasting binary/variadic ops and unary ops.
 * Float kernels are the reference; quant kernels are the exact integer
 * semantics of docs/quantization.md. */
#include <math.h>
#include <string.h>

#include "nn/nn_internal.h"

#define IS_FLOAT(v) ((v)->dtype == ZK_NN_FLOAT)

/* ---------------- broadcasting ---------------- */

/* Offset of output element i in input k: map (general broadcast), i (same
 * shape) or 0 (scalar). */
static inline int64_t bc_off(const zk_nn_node *n, const zk_nn_value *in, int k, int64_t i) {
    if (n->maps && n->maps[k]) return n->maps[k][i];
    return in->numel == 1 ? 0 : i;
}

zk_status sh_bcast(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    int rank = 0, nin = 0;
    int64_t dims[ZK_NN_MAX_RANK];
    int min_in = n->op == ZK_NN_OP_WHERE ? 3 : (n->op == ZK_NN_OP_SUM || n->op == ZK_NN_OP_MEAN || n->op == ZK_NN_OP_MAX ||
                                                n->op == ZK_NN_OP_MIN) ? 1 : 2;
    if (n->n_in < min_in || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs %d inputs and one output", min_in);
    for (int k = 0; k < n->n_in; k++) {
        zk_nn_value *v = zk_nn_in(m, n, k);
        if (!v) return zk_nn_fail(err, ZK_ERR_PARSE, n, "input %d missing", k);
        nin++;
        if (v->rank > rank) { /* prepend 1s to the shape so far */
            int64_t nd[ZK_NN_MAX_RANK];
            int sh = v->rank - rank;
            for (int d = 0; d < sh; d++) nd[d] = 1;
            for (int d = 0; d < rank; d++) nd[d + sh] = dims[d];
            rank = v->rank;
            memcpy(dims, nd, sizeof(int64_t) * (size_t)rank);
        }
        int off = rank - v->rank;
        for (int d = 0; d < v->rank; d++) {
            int64_t a = dims[off + d], b = v->dims[d];
            if (a == b || b == 1) continue;
            if (a == 1) dims[off + d] = b;
            else return zk_nn_fail(err, ZK_ERR_SHAPE, n, "inputs cannot be broadcast together (dimension %lld vs %lld)", (long long)a, (long long)b);
        }
    }
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (zk_nn_set_shape(o, rank, dims)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
    switch (n->op) {
    case ZK_NN_OP_EQUAL: case ZK_NN_OP_LESS: case ZK_NN_OP_GREATER: case ZK_NN_OP_LESSEQ: case ZK_NN_OP_GREATEREQ:
    case ZK_NN_OP_AND: case ZK_NN_OP_OR:
        o->dtype = ZK_NN_BOOL; break;
    case ZK_NN_OP_WHERE: o->dtype = zk_nn_in(m, n, 1)->dtype; break;
    default: {
        o->dtype = zk_nn_in(m, n, 0)->dtype;
        for (int k = 1; k < n->n_in; k++) /* mixed float/int (invalid ONNX, seen in the wild): float wins */
            if (zk_nn_in(m, n, k)->dtype == ZK_NN_FLOAT && n->op != ZK_NN_OP_POW) o->dtype = ZK_NN_FLOAT;
    }
    }
    /* general broadcast maps */
    n->maps = zk_nn_alloc(m, (size_t)n->n_in * sizeof(int64_t *));
    if (!n->maps) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    for (int k = 0; k < n->n_in; k++) {
        zk_nn_value *v = zk_nn_in(m, n, k);
        if (v->numel == 1 || v->numel == o->numel) {
            int same = v->numel == 1;
            if (!same) { /* equal numel needs equal (padded) dims to be the identity map */
                same = 1;
                int off = rank - v->rank;
                for (int d = 0; d < v->rank; d++)
                    if (v->dims[d] != dims[off + d]) same = 0;
            }
            if (same) continue;
        }
        int64_t *map = zk_nn_alloc(m, (size_t)(o->numel ? o->numel : 1) * sizeof(int64_t));
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        int64_t stride[ZK_NN_MAX_RANK], idx[ZK_NN_MAX_RANK] = {0};
        int off = rank - v->rank;
        int64_t s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            int64_t vd = d >= off ? v->dims[d - off] : 1;
            stride[d] = vd == 1 ? 0 : s;
            s *= vd;
        }
        int64_t cur = 0;
        for (int64_t i = 0; i < o->numel; i++) {
            map[i] = cur;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                cur += stride[d];
                if (idx[d] < dims[d]) break;
                cur -= stride[d] * idx[d];
                idx[d] = 0;
            }
        }
        n->maps[k] = map;
    }
    return ZK_OK;
}

static double fpow(double a, double b) {
    if (b == 2.0) return a * a;
    if (b == 1.0) return a;
    if (b == 0.5) return sqrt(a);
    if (b == zk_det_floor(b) && b >= -64 && b <= 64) { /* whole exponent: exact repeated squaring */
        double r = 1, base = a;
        int64_t e = (int64_t)(b < 0 ? -b : b);
        while (e) {
            if (e & 1) r *= base;
            base *= base;
            e >>= 1;
        }
        return b < 0 ? 1.0 / r : r;
    }
    if (a > 0) return zk_det_exp(b * zk_det_log(a));
    if (a == 0) return b > 0 ? 0.0 : b == 0 ? 1.0 : INFINITY;
    double r = zk_det_floor(b);
    if (r != b) return NAN;
    double t = zk_det_exp(b * zk_det_log(-a));
    int64_t bi = zk_nn_d2i(b);
    return (bi & 1) ? -t : t;
}

zk_status f_binary(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    const zk_nn_value *o = zk_nn_outv(m, n, 0);
    const zk_nn_value *a = zk_nn_in(m, n, 0), *b = n->n_in > 1 ? zk_nn_in(m, n, 1) : NULL;
    double *y = out[0];
    int int_div = n->op == ZK_NN_OP_DIV && o->dtype != ZK_NN_FLOAT;
    for (int64_t i = 0; i < o->numel; i++) {
        double x = in[0][bc_off(n, a, 0, i)];
        double z = b ? in[1][bc_off(n, b, 1, i)] : 0;
        double r = 0;
        switch (n->op) {
        case ZK_NN_OP_ADD: r = x + z; break;
        case ZK_NN_OP_SUB: r = x - z; break;
        case ZK_NN_OP_MUL: r = x * z; break;
        case ZK_NN_OP_DIV:
            if (int_div) {
                if (z == 0) return zk_nn_fail(err, ZK_ERR_RANGE, n, "integer division by zero");
                r = (double)(zk_nn_d2i(x) / zk_nn_d2i(z));
            } else r = x / z;
            break;
        case ZK_NN_OP_POW: r = fpow(x, z); if (o->dtype != ZK_NN_FLOAT) r = zk_det_floor(r + 0.5); break;
        case ZK_NN_OP_PRELU: r = x < 0 ? x * z : x; break;
        case ZK_NN_OP_EQUAL: r = x == z; break;
        case ZK_NN_OP_LESS: r = x < z; break;
        case ZK_NN_OP_GREATER: r = x > z; break;
        case ZK_NN_OP_LESSEQ: r = x <= z; break;
        case ZK_NN_OP_GREATEREQ: r = x >= z; break;
        case ZK_NN_OP_AND: r = (x != 0) && (z != 0); break;
        case ZK_NN_OP_OR: r = (x != 0) || (z != 0); break;
        case ZK_NN_OP_WHERE: r = x != 0 ? z : in[2][bc_off(n, zk_nn_in(m, n, 2), 2, i)]; break;
        case ZK_NN_OP_MAX: case ZK_NN_OP_MIN: case ZK_NN_OP_SUM: case ZK_NN_OP_MEAN:
            r = x;
            for (int k = 1; k < n->n_in; k++) {
                double t = in[k][bc_off(n, zk_nn_in(m, n, k), k, i)];
                if (n->op == ZK_NN_OP_MAX) r = t > r ? t : r;
                else if (n->op == ZK_NN_OP_MIN) r = t < r ? t : r;
                else r += t;
            }
            if (n->op == ZK_NN_OP_MEAN) r /= n->n_in;
            break;
        default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a binary op");
        }
        y[i] = r;
    }
    return ZK_OK;
}

/* ---------------- quantized binary ---------------- */

/* Table ops. qi[1] = behaviour below the domain, qi[2] above:
 * 0 saturate (use the end entry), 1 error, 2 linear (y = x, rescaled; SELU: gamma x). */
enum { TAIL_SAT = 0, TAIL_ERR = 1, TAIL_LIN = 2 };

static double pow_fn(double x, const double *p) { return fpow(x, p[0]); }
static double pow_base_fn(double x, const double *p) { return fpow(p[0], x); }

zk_status qp_table_unary(zk_nn_model *m, zk_nn_node *n, double (*f)(double, const double *), const double *p, double lo,
                         double hi, int out_scale, zk_error *err);

/* Constant operands of elementwise ops get a private quantization: at the
 * scale of the other operands for sums and comparisons (so alignment is exact),
 * and with weight_bits significant bits for the smallest nonzero entry for
 * products and divisors (per-tensor scaling would drown small entries). */
static zk_status plan_consts(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    int amax_scale = 0, have_var = 0;
    for (int k = 0; k < n->n_in && k < 4; k++) {
        n->qconst[k] = NULL;
        const zk_nn_value *v = zk_nn_in(m, n, k);
        if (v && !v->is_const && v->dtype == ZK_NN_FLOAT) {
            if (!have_var || v->scale > amax_scale) amax_scale = v->scale;
            have_var = 1;
        }
    }
    int product = n->op == ZK_NN_OP_MUL || n->op == ZK_NN_OP_PRELU || n->op == ZK_NN_OP_DIV;
    for (int k = 0; k < n->n_in && k < 4; k++) {
        const zk_nn_value *v = zk_nn_in(m, n, k);
        if (!v || !v->is_const || v->dtype != ZK_NN_FLOAT || (n->op == ZK_NN_OP_WHERE && k == 0)) continue;
        int s;
        double mx = 0, mn = 0;
        for (int64_t i = 0; i < v->numel; i++) {
            double a = fabs(v->cdata[i]);
            if (a > mx) mx = a;
            if (a > 0 && (mn == 0 || a < mn)) mn = a;
        }
        if (product) {
            s = zk_nn_weight_scale(m, mn > 0 ? mn : mx);
            if (s > m->q.max_scale) s = m->q.max_scale;
            while (s > 0 && mx * ldexp(1.0, s) >= ldexp(1.0, 47)) s--;
        } else {
            if (!have_var) continue;
            s = amax_scale;
        }
        int64_t *q = zk_nn_alloc(m, (size_t)(v->numel ? v->numel : 1) * sizeof(int64_t));
        if (!q) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        for (int64_t i = 0; i < v->numel; i++)
            if (zk_nn_quantize_real(v->cdata[i], s, &q[i])) return zk_nn_fail(err, ZK_ERR_RANGE, n, "constant input %d out of range", k);
        n->qconst[k] = q;
        n->qcs[k] = s;
    }
    return ZK_OK;
}

/* Scale of input k as the kernel sees it (its private constant copy if any). */
static inline int in_scale(const zk_nn_model *m, const zk_nn_node *n, int k) {
    return k < 4 && n->qconst[k] ? n->qcs[k] : zk_nn_in(m, n, k)->scale;
}

/* Scale after aligning all inputs: the largest input scale. */
static int common_scale(const zk_nn_model *m, const zk_nn_node *n, int first) {
    int s = 0;
    for (int k = first; k < n->n_in; k++)
        if (zk_nn_in(m, n, k) && in_scale(m, n, k) > s) s = in_scale(m, n, k);
    return s;
}

zk_status qp_binary(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    zk_nn_value *a = zk_nn_in(m, n, 0), *b = n->n_in > 1 ? zk_nn_in(m, n, 1) : NULL;
    int t = zk_nn_target_scale(m, o);
    n->qi[0] = 0; /* kind of POW plan */
    zk_status cst = n->op == ZK_NN_OP_POW ? ZK_OK : plan_consts(m, n, err);
    if (cst) return cst;
    switch (n->op) {
    case ZK_NN_OP_ADD: case ZK_NN_OP_SUB: case ZK_NN_OP_SUM: case ZK_NN_OP_MEAN: case ZK_NN_OP_MAX: case ZK_NN_OP_MIN: {
        int S = common_scale(m, n, 0);
        n->qs[0] = S;
        o->scale = IS_FLOAT(o) ? (S < t ? S : t) : 0;
        return ZK_OK;
    }
    case ZK_NN_OP_WHERE: {
        int S = common_scale(m, n, 1);
        n->qs[0] = S;
        o->scale = IS_FLOAT(o) ? (S < t ? S : t) : 0;
        return ZK_OK;
    }
    case ZK_NN_OP_EQUAL: case ZK_NN_OP_LESS: case ZK_NN_OP_GREATER: case ZK_NN_OP_LESSEQ: case ZK_NN_OP_GREATEREQ:
    case ZK_NN_OP_AND: case ZK_NN_OP_OR:
        n->qs[0] = common_scale(m, n, 0);
        o->scale = 0;
        return ZK_OK;
    case ZK_NN_OP_MUL: {
        int S = in_scale(m, n, 0) + in_scale(m, n, 1);
        o->scale = IS_FLOAT(o) ? (S < t ? S : t) : 0;
        return ZK_OK;
    }
    case ZK_NN_OP_PRELU:
        o->scale = IS_FLOAT(o) ? (in_scale(m, n, 0) < t ? in_scale(m, n, 0) : t) : 0;
        return ZK_OK;
    case ZK_NN_OP_DIV:
        o->scale = IS_FLOAT(o) ? t : 0;
        return ZK_OK;
    case ZK_NN_OP_POW: {
        if (!IS_FLOAT(o)) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "integer Pow is not supported quantized");
        if (b->is_const && b->numel == 1) {
            double p = b->cdata[0];
            if (p == 1.0 || p == 2.0 || p == 3.0) {
                n->qi[0] = (int64_t)p;
                int S = a->scale * (int)p;
                o->scale = S < t ? S : t;
                return ZK_OK;
            }
            if (p == 0.5) { n->qi[0] = 10; o->scale = t; return ZK_OK; }
            /* general exponent: table of x^p over the calibrated domain */
            double h = a->absmax * 2;
            if (h < 1) h = 1;
            double lo = p == zk_det_floor(p) ? -h : 0;
            n->qi[0] = 20;
            n->qi[1] = lo < 0 ? TAIL_ERR : TAIL_SAT;
            n->qi[2] = TAIL_ERR;
            n->fparam[0] = p;
            return qp_table_unary(m, n, pow_fn, n->fparam, lo, h, t, err);
        }
        if (a->is_const && a->numel == 1) {
            double h = b->absmax * 2;
            if (h < 1) h = 1;
            n->qi[0] = 21;
            n->qi[1] = n->qi[2] = TAIL_ERR;
            n->fparam[0] = a->cdata[0];
            return qp_table_unary(m, n, pow_base_fn, n->fparam, -h, h, t, err);
        }
        return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "Pow with both operands variable is not supported quantized");
    }
    default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a binary op");
    }
}

zk_status q_table_lookup(const zk_nn_model *m, const zk_nn_node *n, const zk_nn_table *tb, int in_scale, int64_t x,
                         int64_t *y, zk_error *err);

static inline int64_t align(int64_t x, int from, int to) { return zk_q_shift(x, from - to); }

zk_status q_binary(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    const zk_nn_value *o = zk_nn_outv(m, n, 0);
    const zk_nn_value *a = zk_nn_in(m, n, 0), *b = n->n_in > 1 ? zk_nn_in(m, n, 1) : NULL;
    int64_t *y = out[0];
    int S = n->qs[0], so = o->scale;
    if (n->n_in > 64) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "too many inputs");
    const int64_t *src[64];
    int sc[64];
    for (int k = 0; k < n->n_in; k++) {
        src[k] = k < 4 && n->qconst[k] ? n->qconst[k] : in[k];
        sc[k] = zk_nn_in(m, n, k) ? in_scale(m, n, k) : 0;
    }
    int sa = sc[0], sb = n->n_in > 1 ? sc[1] : 0;
    for (int64_t i = 0; i < o->numel; i++) {
        int64_t x = src[0][bc_off(n, a, 0, i)];
        int64_t z = b ? src[1][bc_off(n, b, 1, i)] : 0;
        int64_t r = 0;
        switch (n->op) {
        case ZK_NN_OP_ADD: case ZK_NN_OP_SUB: {
            __int128 s = (__int128)align(x, sa, S) + (n->op == ZK_NN_OP_ADD ? 1 : -1) * (__int128)align(z, sb, S);
            if (s > INT64_MAX || s < INT64_MIN) return zk_nn_fail(err, ZK_ERR_RANGE, n, "sum overflows 64 bits");
            r = zk_q_shift((int64_t)s, S - so);
            break;
        }
        case ZK_NN_OP_SUM: case ZK_NN_OP_MEAN: case ZK_NN_OP_MAX: case ZK_NN_OP_MIN: {
            __int128 acc = align(x, sa, S);
            for (int k = 1; k < n->n_in; k++) {
                const zk_nn_value *v = zk_nn_in(m, n, k);
                int64_t t = align(src[k][bc_off(n, v, k, i)], sc[k], S);
                if (n->op == ZK_NN_OP_MAX) acc = t > acc ? t : acc;
                else if (n->op == ZK_NN_OP_MIN) acc = t < acc ? t : acc;
                else acc += t;
            }
            if (n->op == ZK_NN_OP_MEAN) r = zk_q_div(acc, (__int128)n->n_in << (S - so));
            else {
                if (acc > INT64_MAX || acc < INT64_MIN) return zk_nn_fail(err, ZK_ERR_RANGE, n, "sum overflows 64 bits");
                r = zk_q_shift((int64_t)acc, S - so);
            }
            break;
        }
        case ZK_NN_OP_WHERE: {
            const zk_nn_value *c = zk_nn_in(m, n, 2);
            int64_t w = src[2][bc_off(n, c, 2, i)];
            r = zk_q_shift(x ? align(z, sb, S) : align(w, sc[2], S), S - so);
            break;
        }
        case ZK_NN_OP_EQUAL: case ZK_NN_OP_LESS: case ZK_NN_OP_GREATER: case ZK_NN_OP_LESSEQ: case ZK_NN_OP_GREATEREQ: {
            int64_t xa = align(x, sa, S), za = align(z, sb, S);
            r = n->op == ZK_NN_OP_EQUAL ? xa == za : n->op == ZK_NN_OP_LESS ? xa < za : n->op == ZK_NN_OP_GREATER ? xa > za
              : n->op == ZK_NN_OP_LESSEQ ? xa <= za : xa >= za;
            break;
        }
        case ZK_NN_OP_AND: r = x && z; break;
        case ZK_NN_OP_OR: r = x || z; break;
        case ZK_NN_OP_MUL: {
            __int128 p = (__int128)x * z;
            int sh = sa + sb - so;
            __int128 q = sh > 0 ? (p + ((__int128)1 << (sh - 1))) >> sh : p;
            if (q > INT64_MAX || q < INT64_MIN) return zk_nn_fail(err, ZK_ERR_RANGE, n, "product overflows 64 bits");
            r = (int64_t)q;
            break;
        }
        case ZK_NN_OP_PRELU: {
            if (x >= 0) r = zk_q_shift(x, sa - so);
            else {
                __int128 p = (__int128)x * z;
                int sh = sa + sb - so;
                r = (int64_t)(sh > 0 ? (p + ((__int128)1 << (sh - 1))) >> sh : p);
            }
            break;
        }
        case ZK_NN_OP_DIV: {
            if (z == 0) return zk_nn_fail(err, ZK_ERR_RANGE, n, "division by zero at element %lld", (long long)i);
            if (!IS_FLOAT(o)) { r = x / z; break; } /* ONNX integer Div truncates */
            /* y = round(a / b * 2^so): a 2^(so + sb - sa) / b */
            int e = so + sb - sa;
            if (e > 62 || e < -62) return zk_nn_fail(err, ZK_ERR_RANGE, n, "scale gap too large");
            __int128 num = (__int128)x, den = (__int128)z;
            if (e >= 0) num *= (__int128)1 << e;
            else den *= (__int128)1 << -e;
            r = zk_q_div(num, den);
            break;
        }
        case ZK_NN_OP_POW: {
            int64_t kind = n->qi[0];
            if (kind == 1) r = zk_q_shift(x, a->scale - so);
            else if (kind == 2 || kind == 3) { /* x^k at scale k sa, then rescaled */
                __int128 p = (__int128)x * x;
                if (kind == 3) p *= x;
                int sh = (int)kind * a->scale - so;
                __int128 q = sh > 0 ? (p + ((__int128)1 << (sh - 1))) >> sh : p;
                if (q > INT64_MAX || q < INT64_MIN) return zk_nn_fail(err, ZK_ERR_RANGE, n, "power overflows 64 bits");
                r = (int64_t)q;
            } else if (kind == 10) { /* sqrt: round(sqrt(x 2^(2so - sa))) */
                int e = 2 * so - a->scale;
                __int128 v = x < 0 ? 0 : x;
                v = e >= 0 ? v << e : zk_q_shift((int64_t)v, -e);
                r = zk_q_isqrt(v);
            } else if (kind == 20) {
                zk_status st = q_table_lookup(m, n, &n->table, a->scale, x, &r, err);
                if (st) return st;
            } else {
                zk_status st = q_table_lookup(m, n, &n->table, b->scale, z, &r, err);
                if (st) return st;
            }
            break;
        }
        default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a binary op");
        }
        y[i] = r;
    }
    return ZK_OK;
}

/* ---------------- unary ---------------- */

zk_status sh_unary(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    if (!x || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs one input and one output");
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    zk_nn_set_shape(o, x->rank, x->dims);
    o->dtype = x->dtype;
    if (n->op == ZK_NN_OP_NOT) o->dtype = ZK_NN_BOOL;
    if (n->op == ZK_NN_OP_CAST) {
        int64_t to = zk_nn_attr_i(n, "to", ZK_ONNX_FLOAT);
        switch (to) {
        case ZK_ONNX_FLOAT: case ZK_ONNX_DOUBLE: case ZK_ONNX_FLOAT16: case ZK_ONNX_BFLOAT16: o->dtype = ZK_NN_FLOAT; break;
        case ZK_ONNX_BOOL: o->dtype = ZK_NN_BOOL; break;
        case ZK_ONNX_STRING: case ZK_ONNX_COMPLEX64: case ZK_ONNX_COMPLEX128: case ZK_ONNX_UNDEFINED:
            return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "Cast to type %lld is not supported", (long long)to);
        default: o->dtype = ZK_NN_INT; break;
        }
        n->iparam[0] = to;
    }
    if (n->op == ZK_NN_OP_DROPOUT && n->n_out > 1 && n->out[1] >= 0) {
        zk_nn_value *mk = zk_nn_outv(m, n, 1);
        zk_nn_set_shape(mk, x->rank, x->dims);
        mk->dtype = ZK_NN_BOOL;
    }
    if (n->op == ZK_NN_OP_CLIP) { /* bounds: attributes before opset 11, inputs after */
        double lo = -INFINITY, hi = INFINITY;
        if (n->n_in > 1 || (m->opset >= 11 && !zk_nn_attr_s(n, "min", NULL))) {
            zk_nn_value *a = zk_nn_in(m, n, 1), *b = zk_nn_in(m, n, 2);
            if ((a && !a->is_const) || (b && !b->is_const))
                return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "Clip bounds must be constants");
            if (a) lo = a->cdata[0];
            if (b) hi = b->cdata[0];
        }
        lo = zk_nn_attr_f(n, "min", lo);
        hi = zk_nn_attr_f(n, "max", hi);
        n->fparam[0] = lo;
        n->fparam[1] = hi;
    }
    switch (n->op) { /* defaults of alpha / beta / gamma */
    case ZK_NN_OP_LEAKYRELU: n->fparam[0] = zk_nn_attr_f(n, "alpha", 0.01); break;
    case ZK_NN_OP_ELU: n->fparam[0] = zk_nn_attr_f(n, "alpha", 1.0); break;
    case ZK_NN_OP_CELU: n->fparam[0] = zk_nn_attr_f(n, "alpha", 1.0); break;
    case ZK_NN_OP_SELU:
        n->fparam[0] = zk_nn_attr_f(n, "alpha", 1.67326319217681884765625);
        n->fparam[1] = zk_nn_attr_f(n, "gamma", 1.05070102214813232421875);
        break;
    case ZK_NN_OP_HARDSIGMOID:
        n->fparam[0] = zk_nn_attr_f(n, "alpha", 0.2);
        n->fparam[1] = zk_nn_attr_f(n, "beta", 0.5);
        break;
    case ZK_NN_OP_HARDSWISH: n->fparam[0] = 1.0 / 6; n->fparam[1] = 0.5; break;
    case ZK_NN_OP_GELU: n->iparam[1] = !strcmp(zk_nn_attr_s(n, "approximate", "none"), "tanh"); break;
    default: break;
    }
    return ZK_OK;
}

/* Real functions of the table ops; p holds the node's fparam. */
static double fn_sigmoid(double x, const double *p) { (void)p; return 1.0 / (1.0 + zk_det_exp(-x)); }
static double fn_tanh(double x, const double *p) { (void)p; return zk_det_tanh(x); }
static double fn_exp(double x, const double *p) { (void)p; return zk_det_exp(x); }
static double fn_log(double x, const double *p) { (void)p; return x > 0 ? zk_det_log(x) : -1e300; }
static double fn_erf(double x, const double *p) { (void)p; return zk_det_erf(x); }
static double fn_softplus(double x, const double *p) {
    (void)p;
    return x > 0 ? x + zk_det_log(1.0 + zk_det_exp(-x)) : zk_det_log(1.0 + zk_det_exp(x));
}
static double fn_elu(double x, const double *p) { return x > 0 ? x : p[0] * (zk_det_exp(x) - 1.0); }
static double fn_selu(double x, const double *p) { return x > 0 ? p[1] * x : p[1] * p[0] * (zk_det_exp(x) - 1.0); }
static double fn_celu(double x, const double *p) {
    double neg = p[0] * (zk_det_exp(x / p[0]) - 1.0);
    return (x > 0 ? x : 0) + (neg < 0 ? neg : 0);
}
static double fn_gelu(double x, const double *p) {
    if (p[2] != 0) { /* tanh approximation */
        double c = 0.7978845608028654; /* sqrt(2/pi) */
        return 0.5 * x * (1.0 + zk_det_tanh(c * (x + 0.044715 * x * x * x)));
    }
    return 0.5 * x * (1.0 + zk_det_erf(x * 0.7071067811865476));
}

zk_status f_unary(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    const zk_nn_value *xv = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    const double *x = in[0];
    double *y = out[0];
    double p[3] = {n->fparam[0], n->fparam[1], (double)n->iparam[1]};
    for (int64_t i = 0; i < xv->numel; i++) {
        double v = x[i], r;
        switch (n->op) {
        case ZK_NN_OP_RELU: r = v > 0 ? v : 0; break;
        case ZK_NN_OP_SIGMOID: r = fn_sigmoid(v, p); break;
        case ZK_NN_OP_TANH: r = fn_tanh(v, p); break;
        case ZK_NN_OP_LEAKYRELU: r = v >= 0 ? v : v * p[0]; break;
        case ZK_NN_OP_ELU: r = fn_elu(v, p); break;
        case ZK_NN_OP_SELU: r = fn_selu(v, p); break;
        case ZK_NN_OP_CELU: r = fn_celu(v, p); break;
        case ZK_NN_OP_CLIP: r = v < p[0] ? p[0] : v > p[1] ? p[1] : v; break;
        case ZK_NN_OP_HARDSIGMOID: r = p[0] * v + p[1]; r = r < 0 ? 0 : r > 1 ? 1 : r; break;
        case ZK_NN_OP_HARDSWISH: r = p[0] * v + p[1]; r = v * (r < 0 ? 0 : r > 1 ? 1 : r); break;
        case ZK_NN_OP_SOFTPLUS: r = fn_softplus(v, p); break;
        case ZK_NN_OP_SOFTSIGN: r = v / (1.0 + fabs(v)); break;
        case ZK_NN_OP_EXP: r = zk_det_exp(v); break;
        case ZK_NN_OP_LOG: r = v > 0 ? zk_det_log(v) : v == 0 ? -INFINITY : NAN; break;
        case ZK_NN_OP_ABS: r = fabs(v); break;
        case ZK_NN_OP_NEG: r = -v; break;
        case ZK_NN_OP_RECIPROCAL: r = 1.0 / v; break;
        case ZK_NN_OP_SQRT: r = sqrt(v); break;
        case ZK_NN_OP_ERF: r = zk_det_erf(v); break;
        case ZK_NN_OP_GELU: r = fn_gelu(v, p); break;
        case ZK_NN_OP_NOT: r = v == 0; break;
        case ZK_NN_OP_FLOOR: r = zk_det_floor(v); break;
        case ZK_NN_OP_CEIL: r = -zk_det_floor(-v); break;
        case ZK_NN_OP_CAST:
            if (o->dtype == ZK_NN_BOOL) r = v != 0;
            else if (o->dtype == ZK_NN_INT) {
                r = v < 0 ? -zk_det_floor(-v) : zk_det_floor(v); /* toward zero */
                int64_t to = n->iparam[0];
                int64_t iv = zk_nn_d2i(r); /* wrap like a C cast to the narrow type */
                if (to == ZK_ONNX_INT8) iv = (int8_t)(uint8_t)iv;
                else if (to == ZK_ONNX_UINT8) iv = (uint8_t)iv;
                else if (to == ZK_ONNX_INT16) iv = (int16_t)(uint16_t)iv;
                else if (to == ZK_ONNX_UINT16) iv = (uint16_t)iv;
                else if (to == ZK_ONNX_INT32) iv = (int32_t)(uint32_t)iv;
                else if (to == ZK_ONNX_UINT32) iv = (uint32_t)iv;
                r = (double)iv;
            } else r = v;
            break;
        case ZK_NN_OP_IDENTITY: case ZK_NN_OP_DROPOUT: r = v; break;
        default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a unary op");
        }
        y[i] = r;
    }
    if (n->op == ZK_NN_OP_DROPOUT && n->n_out > 1 && n->out[1] >= 0)
        for (int64_t i = 0; i < xv->numel; i++) out[1][i] = 1;
    return ZK_OK;
}

/* ---------------- quantized unary ---------------- */


/* Builds the node's table for f over reals [lo, hi] with at most 2^T entries. */
zk_status qp_table_unary(zk_nn_model *m, zk_nn_node *n, double (*f)(double, const double *), const double *p, double lo,
                         double hi, int out_scale, zk_error *err) {
    const zk_nn_value *x = zk_nn_in(m, n, 0);
    if (n->op == ZK_NN_OP_POW && n->qi[0] == 21) x = zk_nn_in(m, n, 1);
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    int T = m->q.table_bits;
    /* table input scale: the finest with (hi - lo) 2^st <= 2^T, no finer than the input */
    /* table input scale: the finest with (hi - lo) 2^st <= 2^T, no finer than the input */
    int st = T;
    double span = hi - lo;
    for (;;) {
        double lim = 1.0; /* 2^(T - st) */
        int e = T - st;
        for (int i = 0; i < (e > 0 ? e : -e); i++) lim = e > 0 ? lim * 2 : lim / 2;
        if (span <= lim || st <= -20) break;
        st--;
    }
    if (st > x->scale) st = x->scale;
    double s2 = 1.0;
    for (int i = 0; i < (st > 0 ? st : -st); i++) s2 = st > 0 ? s2 * 2 : s2 / 2;
    int64_t ilo = (int64_t)zk_det_floor(lo * s2), ihi = (int64_t)(-zk_det_floor(-hi * s2));
    o->scale = out_scale;
    return zk_nn_table_build(m, &n->table, f, p, ilo, ihi, st, out_scale);
}

zk_status q_table_lookup(const zk_nn_model *m, const zk_nn_node *n, const zk_nn_table *tb, int in_scale, int64_t x,
                         int64_t *y, zk_error *err) {
    int64_t xi = zk_q_shift(x, in_scale - tb->in_scale);
    int64_t k = xi - tb->lo;
    if (k < 0) {
        if (n->qi[1] == TAIL_ERR)
            return zk_nn_fail(err, ZK_ERR_RANGE, n, "input %.6g below the table domain [%.6g, %.6g]; recalibrate with this input",
                              ldexp((double)x, -in_scale), ldexp((double)tb->lo, -tb->in_scale),
                              ldexp((double)(tb->lo + tb->n - 1), -tb->in_scale));
        k = 0;
    } else if (k >= tb->n) {
        if (n->qi[2] == TAIL_ERR)
            return zk_nn_fail(err, ZK_ERR_RANGE, n, "input %.6g above the table domain [%.6g, %.6g]; recalibrate with this input",
                              ldexp((double)x, -in_scale), ldexp((double)tb->lo, -tb->in_scale),
                              ldexp((double)(tb->lo + tb->n - 1), -tb->in_scale));
        if (n->qi[2] == TAIL_LIN) {
            const zk_nn_value *o = zk_nn_outv(m, n, 0);
            if (n->op == ZK_NN_OP_SELU) {
                __int128 p = (__int128)x * n->qi[3];
                int sh = in_scale + n->qs[1] - o->scale;
                *y = (int64_t)(sh > 0 ? (p + ((__int128)1 << (sh - 1))) >> sh : p * ((__int128)1 << -sh));
            } else {
                *y = zk_q_shift(x, in_scale - o->scale);
            }
            return ZK_OK;
        }
        k = tb->n - 1;
    }
    *y = tb->v[k];
    return ZK_OK;
}

zk_status qp_unary(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    int sx = x->scale, t = zk_nn_target_scale(m, o);
    int keep = sx < t ? sx : t;
    double *p = n->fparam;
    double pp[3] = {n->fparam[0], n->fparam[1], (double)n->iparam[1]};
    n->qi[1] = TAIL_SAT;
    n->qi[2] = TAIL_SAT;
    zk_status st;
    switch (n->op) {
    case ZK_NN_OP_RELU: case ZK_NN_OP_ABS: case ZK_NN_OP_NEG: case ZK_NN_OP_CLIP: case ZK_NN_OP_FLOOR: case ZK_NN_OP_CEIL:
        o->scale = IS_FLOAT(o) ? keep : 0;
        if (n->op == ZK_NN_OP_FLOOR || n->op == ZK_NN_OP_CEIL) o->scale = sx;
        if (n->op == ZK_NN_OP_CLIP) {
            double s2 = 1.0;
            for (int i = 0; i < sx; i++) s2 *= 2;
            n->qi[1] = p[0] * s2 < -4e18 ? INT64_MIN : zk_nn_d2i(zk_det_floor(p[0] * s2 + 0.5));
            n->qi[2] = p[1] * s2 > 4e18 ? INT64_MAX : zk_nn_d2i(zk_det_floor(p[1] * s2 + 0.5));
        }
        return ZK_OK;
    case ZK_NN_OP_IDENTITY: case ZK_NN_OP_DROPOUT: case ZK_NN_OP_NOT:
        o->scale = IS_FLOAT(o) ? sx : 0;
        if (n->op == ZK_NN_OP_DROPOUT && n->n_out > 1 && n->out[1] >= 0) zk_nn_outv(m, n, 1)->scale = 0;
        return ZK_OK;
    case ZK_NN_OP_CAST:
        o->scale = IS_FLOAT(o) ? (IS_FLOAT(x) ? sx : 0) : 0;
        return ZK_OK;
    case ZK_NN_OP_LEAKYRELU: case ZK_NN_OP_HARDSIGMOID: case ZK_NN_OP_HARDSWISH: {
        /* alpha quantized with weight_bits of precision */
        double a = p[0], aa = fabs(a);
        int sa = m->q.weight_bits - 1;
        while (aa >= 1 && sa > 0 && aa * (double)((int64_t)1 << sa) >= (double)((int64_t)1 << (m->q.weight_bits - 1))) sa--;
        while (aa > 0 && aa < 0.5 && sa < m->q.max_scale && aa * (double)((int64_t)1 << (sa + 1)) < (double)((int64_t)1 << (m->q.weight_bits - 1))) sa++;
        n->qs[1] = sa;
        if ((st = zk_nn_quantize_real(a, sa, &n->qi[3]))) return zk_nn_fail(err, st, n, "alpha out of range");
        if (n->op == ZK_NN_OP_LEAKYRELU) {
            o->scale = keep;
            return ZK_OK;
        }
        if ((st = zk_nn_quantize_real(p[1], sx + sa, &n->qi[4]))) return zk_nn_fail(err, st, n, "beta out of range");
        n->qi[5] = (int64_t)1 << (sx + sa); /* 1.0 at scale sx + sa */
        int S = n->op == ZK_NN_OP_HARDSIGMOID ? sx + sa : 2 * sx + sa;
        if (sx + sa > 60 || S > 100) return zk_nn_fail(err, ZK_ERR_RANGE, n, "scales too large");
        n->qs[0] = S;
        o->scale = S < t ? S : t;
        return ZK_OK;
    }
    case ZK_NN_OP_SOFTSIGN: case ZK_NN_OP_RECIPROCAL: case ZK_NN_OP_SQRT:
        o->scale = t;
        if (sx + t > 100) return zk_nn_fail(err, ZK_ERR_RANGE, n, "scales too large");
        return ZK_OK;
    case ZK_NN_OP_SIGMOID: return qp_table_unary(m, n, fn_sigmoid, pp, -16, 16, t, err);
    case ZK_NN_OP_TANH: return qp_table_unary(m, n, fn_tanh, pp, -8, 8, t, err);
    case ZK_NN_OP_ERF: return qp_table_unary(m, n, fn_erf, pp, -4, 4, t, err);
    case ZK_NN_OP_GELU:
        n->qi[2] = TAIL_LIN;
        return qp_table_unary(m, n, fn_gelu, pp, -8, 8, t, err);
    case ZK_NN_OP_SOFTPLUS:
        n->qi[2] = TAIL_LIN;
        return qp_table_unary(m, n, fn_softplus, pp, -16, 16, t, err);
    case ZK_NN_OP_ELU: case ZK_NN_OP_CELU:
        n->qi[2] = TAIL_LIN;
        return qp_table_unary(m, n, n->op == ZK_NN_OP_ELU ? fn_elu : fn_celu, pp, n->op == ZK_NN_OP_CELU ? -16 * fabs(p[0]) : -16, 0, t, err);
    case ZK_NN_OP_SELU: {
        n->qi[2] = TAIL_LIN;
        int sg = m->q.weight_bits - 2; /* gamma ~ 1.05 */
        n->qs[1] = sg;
        if ((st = zk_nn_quantize_real(p[1], sg, &n->qi[3]))) return zk_nn_fail(err, st, n, "gamma out of range");
        return qp_table_unary(m, n, fn_selu, pp, -16, 0, t, err);
    }
    case ZK_NN_OP_EXP: {
        n->qi[2] = TAIL_ERR;
        double h = x->absmax * 2;
        if (h < 1) h = 1;
        return qp_table_unary(m, n, fn_exp, pp, -24, h, t, err);
    }
    case ZK_NN_OP_LOG: {
        n->qi[2] = TAIL_ERR;
        double h = x->absmax * 2;
        if (h < 1) h = 1;
        st = qp_table_unary(m, n, fn_log, pp, 0, h, t, err);
        if (st) return st;
        /* log(0) is -inf: entry 0 takes log of half a step */
        double half = 0.5;
        for (int i = 0; i < n->table.in_scale; i++) half /= 2;
        for (int i = 0; i < -n->table.in_scale; i++) half *= 2;
        if (n->table.lo <= 0 && n->table.n > -n->table.lo)
            return zk_nn_quantize_real(zk_det_log(half), t, &n->table.v[-n->table.lo]) ? zk_nn_fail(err, ZK_ERR_RANGE, n, "log table") : ZK_OK;
        return ZK_OK;
    }
    default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a unary op");
    }
}

zk_status q_unary(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    const zk_nn_value *xv = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    const int64_t *x = in[0];
    int64_t *y = out[0];
    int sx = xv->scale, so = o->scale;
    for (int64_t i = 0; i < xv->numel; i++) {
        int64_t v = x[i], r = 0;
        switch (n->op) {
        case ZK_NN_OP_RELU: r = zk_q_shift(v > 0 ? v : 0, sx - so); break;
        case ZK_NN_OP_ABS: r = zk_q_shift(v < 0 ? -v : v, sx - so); break;
        case ZK_NN_OP_NEG: r = zk_q_shift(-v, sx - so); break;
        case ZK_NN_OP_CLIP: r = zk_q_shift(v < n->qi[1] ? n->qi[1] : v > n->qi[2] ? n->qi[2] : v, sx - so); break;
        case ZK_NN_OP_FLOOR: case ZK_NN_OP_CEIL: { /* multiples of 2^sx: floor(x / 2^sx) 2^sx, ceil likewise */
            int64_t d = (int64_t)1 << sx, q = v / d, rem = v % d;
            if (rem && v < 0 && n->op == ZK_NN_OP_FLOOR) q--;
            if (rem && v > 0 && n->op == ZK_NN_OP_CEIL) q++;
            r = q * d;
            break;
        }
        case ZK_NN_OP_IDENTITY: case ZK_NN_OP_DROPOUT: r = v; break;
        case ZK_NN_OP_NOT: r = v == 0; break;
        case ZK_NN_OP_CAST:
            if (o->dtype == ZK_NN_BOOL) r = v != 0;
            else if (o->dtype == ZK_NN_INT && xv->dtype == ZK_NN_FLOAT) {
                int64_t d = (int64_t)1 << sx; /* truncate toward zero */
                r = v / d;
            } else r = v;
            break;
        case ZK_NN_OP_LEAKYRELU: {
            if (v >= 0) r = zk_q_shift(v, sx - so);
            else {
                __int128 p = (__int128)v * n->qi[3];
                int sh = sx + n->qs[1] - so;
                r = (int64_t)(sh > 0 ? (p + ((__int128)1 << (sh - 1))) >> sh : p);
            }
            break;
        }
        case ZK_NN_OP_HARDSIGMOID: case ZK_NN_OP_HARDSWISH: {
            __int128 h = (__int128)v * n->qi[3] + n->qi[4];
            if (h < 0) h = 0;
            if (h > n->qi[5]) h = n->qi[5];
            if (n->op == ZK_NN_OP_HARDSWISH) h *= v;
            int sh = n->qs[0] - so;
            __int128 q = sh > 0 ? (h + ((__int128)1 << (sh - 1))) >> sh : h;
            if (q > INT64_MAX || q < INT64_MIN) return zk_nn_fail(err, ZK_ERR_RANGE, n, "overflow");
            r = (int64_t)q;
            break;
        }
        case ZK_NN_OP_SOFTSIGN: { /* y = round(x 2^so / (2^sx + |x|)) */
            __int128 num = (__int128)v * ((__int128)1 << so), den = ((__int128)1 << sx) + (v < 0 ? -v : v);
            r = zk_q_div(num, den);
            break;
        }
        case ZK_NN_OP_RECIPROCAL: /* y = round(2^(so + sx) / x) */
            if (v == 0) return zk_nn_fail(err, ZK_ERR_RANGE, n, "reciprocal of zero at element %lld", (long long)i);
            r = zk_q_div((__int128)1 << (so + sx), v);
            break;
        case ZK_NN_OP_SQRT: { /* y = round(sqrt(x 2^(2 so - sx))), x < 0 gives 0 */
            int e = 2 * so - sx;
            __int128 t = v < 0 ? 0 : v;
            t = e >= 0 ? t << e : zk_q_shift((int64_t)t, -e);
            r = zk_q_isqrt(t);
            break;
        }
        default: {
            zk_status st = q_table_lookup(m, n, &n->table, sx, v, &r, err);
            if (st) return st;
        }
        }
        y[i] = r;
    }
    if (n->op == ZK_NN_OP_DROPOUT && n->n_out > 1 && n->out[1] >= 0)
        for (int64_t i = 0; i < xv->numel; i++) out[1][i] = 1;
    return ZK_OK;
}
