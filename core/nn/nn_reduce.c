/* Pooling, normalization and reductions (Softmax, LogSoftmax, Reduce*, Arg*,
 * CumSum). Quantized semantics in docs/quantization.md: sums are exact,
 * averages are rounded divisions (zk_q_div), standard deviations rounded
 * integer square roots (zk_q_isqrt), exp/log lookup tables. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"

int zk_nn_weight_scale(const zk_nn_model *m, double absmax);

/* ================= pooling ================= */
enum { PL_N, PL_C, PL_D, PL_H, PL_W, PL_OD, PL_OH, PL_OW, PL_KD, PL_KH, PL_KW, PL_SD, PL_SH, PL_SW, PL_DD, PL_DH,
       PL_DW, PL_PD, PL_PH, PL_PW, PL_INCPAD, PL_COUNT };

zk_status sh_pool(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    if (!x || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs one input");
    if (n->n_out > 1 && n->out[1] >= 0) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "the Indices output is not supported");
    int r = x->rank - 2;
    if (r < 1 || r > 3) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "input rank %d (1 to 3 spatial dimensions supported)", x->rank);
    int global = n->op == ZK_NN_OP_GAP || n->op == ZK_NN_OP_GMP;
    const int64_t *ks = NULL, *st, *dl, *pd;
    size_t nks = global ? 0 : zk_nn_attr_ints(n, "kernel_shape", &ks), nst = zk_nn_attr_ints(n, "strides", &st);
    size_t ndl = zk_nn_attr_ints(n, "dilations", &dl), npd = zk_nn_attr_ints(n, "pads", &pd);
    if (!global && nks != (size_t)r) return zk_nn_fail(err, ZK_ERR_PARSE, n, "kernel_shape must have %d entries", r);
    const char *ap = zk_nn_attr_s(n, "auto_pad", "NOTSET");
    int ceil_mode = (int)zk_nn_attr_i(n, "ceil_mode", 0);
    int64_t in[3], k[3], s[3], d[3], pb[3], pe[3], out[3];
    for (int i = 0; i < r; i++) {
        in[i] = x->dims[2 + i];
        k[i] = global ? in[i] : ks[i];
        s[i] = !global && nst == (size_t)r ? st[i] : 1;
        d[i] = !global && ndl == (size_t)r ? dl[i] : 1;
        pb[i] = !global && npd == (size_t)(2 * r) ? pd[i] : 0;
        pe[i] = !global && npd == (size_t)(2 * r) ? pd[r + i] : 0;
        if (k[i] < 1 || s[i] < 1 || d[i] < 1 || pb[i] < 0 || pe[i] < 0 || k[i] > 1 << 20 || s[i] > 1 << 20 || pb[i] > 1 << 20 || pe[i] > 1 << 20 || d[i] > 1 << 20)
            return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad kernel, strides or pads");
        int64_t ek = (k[i] - 1) * d[i] + 1;
        if (!global && (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER"))) {
            out[i] = (in[i] + s[i] - 1) / s[i];
            int64_t tot = (out[i] - 1) * s[i] + ek - in[i];
            if (tot < 0) tot = 0;
            pb[i] = !strcmp(ap, "SAME_UPPER") ? tot / 2 : tot - tot / 2;
            pe[i] = tot - pb[i];
            continue;
        }
        if (!strcmp(ap, "VALID")) pb[i] = pe[i] = 0;
        int64_t span = in[i] + pb[i] + pe[i] - ek;
        if (span < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "kernel larger than the padded input");
        out[i] = (ceil_mode ? (span + s[i] - 1) / s[i] : span / s[i]) + 1;
        if (ceil_mode && (out[i] - 1) * s[i] >= in[i] + pb[i]) out[i]--;
    }
    int64_t *g = zk_nn_alloc(m, PL_COUNT * sizeof(int64_t));
    if (!g) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    int off = 3 - r;
    g[PL_N] = x->dims[0];
    g[PL_C] = x->dims[1];
    for (int i = 0; i < 3; i++) {
        int j = i - off;
        g[PL_D + i] = j >= 0 ? in[j] : 1;
        g[PL_OD + i] = j >= 0 ? out[j] : 1;
        g[PL_KD + i] = j >= 0 ? k[j] : 1;
        g[PL_SD + i] = j >= 0 ? s[j] : 1;
        g[PL_DD + i] = j >= 0 ? d[j] : 1;
        g[PL_PD + i] = j >= 0 ? pb[j] : 0;
    }
    g[PL_INCPAD] = zk_nn_attr_i(n, "count_include_pad", 0);
    for (int i = 0; i < 3; i++) n->iparam[8 + i] = i - off >= 0 ? pe[i - off] : 0; /* explicit end pads */
    n->iextra = g;
    int64_t od[ZK_NN_MAX_RANK] = {x->dims[0], x->dims[1]};
    for (int i = 0; i < r; i++) od[2 + i] = out[i];
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (zk_nn_set_shape(o, r + 2, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
    o->dtype = x->dtype;
    return ZK_OK;
}

/* Visits the window of output position (od, oh, ow): runs BODY with the input
 * offset `ii` of each in-bounds tap. */
#define POOL_WINDOW(BODY)                                                                                 \
    for (int64_t kd = 0; kd < g[PL_KD]; kd++) {                                                           \
        int64_t id = od * g[PL_SD] + kd * g[PL_DD] - g[PL_PD];                                            \
        for (int64_t kh = 0; kh < g[PL_KH]; kh++) {                                                       \
            int64_t ih = oh * g[PL_SH] + kh * g[PL_DH] - g[PL_PH];                                        \
            for (int64_t kw = 0; kw < g[PL_KW]; kw++) {                                                   \
                int64_t iw = ow * g[PL_SW] + kw * g[PL_DW] - g[PL_PW];                                    \
                int inside = id >= 0 && id < g[PL_D] && ih >= 0 && ih < g[PL_H] && iw >= 0 && iw < g[PL_W]; \
                if (inside) {                                                                             \
                    int64_t ii = (id * g[PL_H] + ih) * g[PL_W] + iw;                                      \
                    BODY;                                                                                 \
                }                                                                                         \
            }                                                                                             \
        }                                                                                                 \
    }

/* count_include_pad counts taps inside the padded input (pads on both sides). */
static int64_t pool_count(const int64_t *g, int64_t od, int64_t oh, int64_t ow, const int64_t *pe) {
    int64_t cnt = 1;
    int64_t o[3] = {od, oh, ow};
    for (int a = 0; a < 3; a++) {
        int64_t c = 0;
        for (int64_t k = 0; k < g[PL_KD + a]; k++) {
            int64_t i = o[a] * g[PL_SD + a] + k * g[PL_DD + a] - g[PL_PD + a];
            if (g[PL_INCPAD] ? (i >= -g[PL_PD + a] && i < g[PL_D + a] + pe[a]) : (i >= 0 && i < g[PL_D + a])) c++;
        }
        cnt *= c;
    }
    return cnt;
}

zk_status f_pool(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    (void)m;
    (void)err;
    const int64_t *g = n->iextra;
    int is_max = n->op == ZK_NN_OP_MAXPOOL || n->op == ZK_NN_OP_GMP;
    int64_t iplane = g[PL_D] * g[PL_H] * g[PL_W], oplane = g[PL_OD] * g[PL_OH] * g[PL_OW];
    for (int64_t p = 0; p < g[PL_N] * g[PL_C]; p++) {
        const double *x = in[0] + p * iplane;
        double *y = out[0] + p * oplane;
        for (int64_t od = 0; od < g[PL_OD]; od++)
            for (int64_t oh = 0; oh < g[PL_OH]; oh++)
                for (int64_t ow = 0; ow < g[PL_OW]; ow++) {
                    double acc = is_max ? -INFINITY : 0;
                    POOL_WINDOW(if (is_max) { if (x[ii] > acc) acc = x[ii]; } else acc += x[ii];)
                    if (!is_max) acc /= (double)pool_count(g, od, oh, ow, n->iparam + 8);
                    y[(od * g[PL_OH] + oh) * g[PL_OW] + ow] = acc;
                }
    }
    return ZK_OK;
}

zk_status qp_pool(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    (void)err;
    zk_nn_value *x = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    int t = zk_nn_target_scale(m, o);
    o->scale = o->dtype == ZK_NN_FLOAT ? (x->scale < t ? x->scale : t) : 0;
    return ZK_OK;
}

zk_status q_pool(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    (void)err;
    const int64_t *g = n->iextra;
    const zk_nn_value *xv = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    int sh = xv->scale - o->scale;
    int is_max = n->op == ZK_NN_OP_MAXPOOL || n->op == ZK_NN_OP_GMP;
    int64_t iplane = g[PL_D] * g[PL_H] * g[PL_W], oplane = g[PL_OD] * g[PL_OH] * g[PL_OW];
    for (int64_t p = 0; p < g[PL_N] * g[PL_C]; p++) {
        const int64_t *x = in[0] + p * iplane;
        int64_t *y = out[0] + p * oplane;
        for (int64_t od = 0; od < g[PL_OD]; od++)
            for (int64_t oh = 0; oh < g[PL_OH]; oh++)
                for (int64_t ow = 0; ow < g[PL_OW]; ow++) {
                    __int128 acc = 0;
                    int any = 0;
                    POOL_WINDOW(if (is_max) { if (!any || x[ii] > acc) acc = x[ii]; any = 1; } else acc += x[ii];)
                    int64_t r;
                    if (is_max) r = zk_q_shift((int64_t)acc, sh);
                    else r = zk_q_div(acc, (__int128)pool_count(g, od, oh, ow, n->iparam + 8) << sh);
                    y[(od * g[PL_OH] + oh) * g[PL_OW] + ow] = r;
                }
    }
    return ZK_OK;
}

/* ================= normalization ================= */
/* iparam: [0] outer groups, [1] group length, [2] channels (per-group affine index
 * divisor), [3] affine mode: 0 per channel of groups (Batch/Instance), 1 per element
 * of the normalized block (Layer). fextra: per-channel a, b for BatchNorm. */

zk_status sh_norm(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    if (!x || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs an input");
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    zk_nn_set_shape(o, x->rank, x->dims);
    o->dtype = ZK_NN_FLOAT;
    for (int k = 1; k < n->n_out; k++)
        if (n->out[k] >= 0 && n->op != ZK_NN_OP_LAYERNORM)
            return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "training-mode outputs are not supported");
    n->fparam[0] = zk_nn_attr_f(n, "epsilon", 1e-5);
    if (n->op == ZK_NN_OP_BATCHNORM || n->op == ZK_NN_OP_INSTNORM) {
        if (x->rank < 2) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "input needs a channel dimension");
        int64_t C = x->dims[1], sp = 1;
        for (int d = 2; d < x->rank; d++) sp *= x->dims[d];
        int need = n->op == ZK_NN_OP_BATCHNORM ? 5 : 3;
        for (int k = 1; k < need; k++) {
            zk_nn_value *p = zk_nn_in(m, n, k);
            if (!p || p->numel != C) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "parameter %d must have %lld entries", k, (long long)C);
            if (!p->is_const) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "parameters must be constant");
        }
        n->iparam[0] = x->dims[0] * C;
        n->iparam[1] = sp;
        n->iparam[2] = C;
        n->iparam[3] = 0;
        if (n->op == ZK_NN_OP_BATCHNORM) { /* y = a x + b per channel */
            n->fextra = zk_nn_alloc(m, (size_t)(2 * C) * sizeof(double));
            if (!n->fextra) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
            const double *gam = zk_nn_in(m, n, 1)->cdata, *bet = zk_nn_in(m, n, 2)->cdata;
            const double *mean = zk_nn_in(m, n, 3)->cdata, *var = zk_nn_in(m, n, 4)->cdata;
            for (int64_t c = 0; c < C; c++) {
                double a = gam[c] / sqrt(var[c] + n->fparam[0]);
                n->fextra[c] = a;
                n->fextra[C + c] = bet[c] - mean[c] * a;
            }
        }
        return ZK_OK;
    }
    /* LayerNormalization */
    int64_t axis = zk_nn_attr_i(n, "axis", -1);
    if (axis < 0) axis += x->rank;
    if (axis < 0 || axis >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++) outer *= x->dims[d];
    for (int d = (int)axis; d < x->rank; d++) inner *= x->dims[d];
    zk_nn_value *sc = zk_nn_in(m, n, 1), *b = zk_nn_in(m, n, 2);
    if (!sc || (sc->numel != inner && sc->numel != 1) || (b && b->numel != inner && b->numel != 1))
        return zk_nn_fail(err, ZK_ERR_SHAPE, n, "Scale and B must cover the normalized %lld elements", (long long)inner);
    if (!sc->is_const || (b && !b->is_const)) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "Scale and B must be constant");
    for (int k = 1; k < n->n_out; k++)
        if (n->out[k] >= 0) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "Mean / InvStdDev outputs are not supported");
    n->iparam[0] = outer;
    n->iparam[1] = inner;
    n->iparam[2] = 1;
    n->iparam[3] = 1;
    return ZK_OK;
}

/* affine parameter index for element j of group gi */
static inline int64_t aff_idx(const zk_nn_node *n, int64_t gi, int64_t j, int64_t numel) {
    if (n->iparam[3]) return numel == 1 ? 0 : j;
    return gi % n->iparam[2];
}

zk_status f_norm(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    (void)err;
    int64_t G = n->iparam[0], L = n->iparam[1];
    double eps = n->fparam[0];
    const zk_nn_value *sc = zk_nn_in(m, n, 1), *bv = zk_nn_in(m, n, 2);
    for (int64_t gi = 0; gi < G; gi++) {
        const double *x = in[0] + gi * L;
        double *y = out[0] + gi * L;
        if (n->op == ZK_NN_OP_BATCHNORM) {
            int64_t c = gi % n->iparam[2];
            for (int64_t j = 0; j < L; j++) y[j] = x[j] * n->fextra[c] + n->fextra[n->iparam[2] + c];
            continue;
        }
        double mu = 0, var = 0;
        for (int64_t j = 0; j < L; j++) mu += x[j];
        mu /= (double)L;
        for (int64_t j = 0; j < L; j++) var += (x[j] - mu) * (x[j] - mu);
        var /= (double)L;
        double inv = 1.0 / sqrt(var + eps);
        for (int64_t j = 0; j < L; j++) {
            double gam = in[1][aff_idx(n, gi, j, sc->numel)];
            double bet = bv ? in[2][aff_idx(n, gi, j, bv->numel)] : 0;
            y[j] = (x[j] - mu) * inv * gam + bet;
        }
    }
    return ZK_OK;
}

/* qextra: [gamma_q (at qs[1]) | beta_q (at qs[0] + qs[1])], counts qi[0], qi[1] */
zk_status qp_norm(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    int t = zk_nn_target_scale(m, o), sx = x->scale;
    const double *ga, *be;
    int64_t ng, nb;
    if (n->op == ZK_NN_OP_BATCHNORM) {
        ng = nb = n->iparam[2];
        ga = n->fextra;
        be = n->fextra + ng;
    } else {
        zk_nn_value *sc = zk_nn_in(m, n, 1), *bv = zk_nn_in(m, n, 2);
        ng = sc->numel;
        ga = sc->cdata;
        nb = bv ? bv->numel : 0;
        be = bv ? bv->cdata : NULL;
    }
    double gmax = 0;
    for (int64_t i = 0; i < ng; i++) gmax = fabs(ga[i]) > gmax ? fabs(ga[i]) : gmax;
    int sg = zk_nn_weight_scale(m, gmax);
    /* normalized values z carry sz fractional bits; BatchNorm has no z: it scales x */
    int sz = n->op == ZK_NN_OP_BATCHNORM ? sx : m->act_bits - 2;
    int S = sz + sg;
    if (S > 61) return zk_nn_fail(err, ZK_ERR_RANGE, n, "scales too large");
    n->qextra = zk_nn_alloc(m, (size_t)(ng + nb + 1) * sizeof(int64_t));
    if (!n->qextra) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    for (int64_t i = 0; i < ng; i++)
        if (zk_nn_quantize_real(ga[i], sg, &n->qextra[i])) return zk_nn_fail(err, ZK_ERR_RANGE, n, "scale out of range");
    for (int64_t i = 0; i < nb; i++)
        if (zk_nn_quantize_real(be[i], S, &n->qextra[ng + i])) return zk_nn_fail(err, ZK_ERR_RANGE, n, "bias out of range");
    n->qi[0] = ng;
    n->qi[1] = nb;
    if (zk_nn_quantize_real(n->fparam[0], 2 * sx, &n->qi[2])) return zk_nn_fail(err, ZK_ERR_RANGE, n, "epsilon out of range");
    n->qs[0] = sz;
    n->qs[1] = sg;
    n->qs[2] = S;
    o->scale = S < t ? S : t;
    return ZK_OK;
}

zk_status q_norm(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    const zk_nn_value *o = zk_nn_outv(m, n, 0);
    int64_t G = n->iparam[0], L = n->iparam[1];
    int sz = n->qs[0], S = n->qs[2], so = o->scale;
    const int64_t *gq = n->qextra, *bq = n->qi[1] ? n->qextra + n->qi[0] : NULL;
    for (int64_t gi = 0; gi < G; gi++) {
        const int64_t *x = in[0] + gi * L;
        int64_t *y = out[0] + gi * L;
        if (n->op == ZK_NN_OP_BATCHNORM) { /* y = a x + b at sx + sg */
            int64_t c = gi % n->iparam[2];
            for (int64_t j = 0; j < L; j++) {
                __int128 v = (__int128)x[j] * gq[c] + bq[c];
                int sh = S - so;
                __int128 q = sh > 0 ? (v + ((__int128)1 << (sh - 1))) >> sh : v;
                if (q > INT64_MAX || q < INT64_MIN) return zk_nn_fail(err, ZK_ERR_RANGE, n, "overflow");
                y[j] = (int64_t)q;
            }
            continue;
        }
        /* mu = round(sum / L); d = x - mu; var = round(sum d^2 / L); sd = round(sqrt(var + eps)) */
        __int128 sum = 0;
        for (int64_t j = 0; j < L; j++) sum += x[j];
        int64_t mu = zk_q_div(sum, L);
        __int128 ss = 0;
        for (int64_t j = 0; j < L; j++) {
            __int128 d = (__int128)x[j] - mu;
            ss += d * d;
        }
        __int128 var = (__int128)zk_q_div(ss, L) + n->qi[2];
        int64_t sd = zk_q_isqrt(var);
        if (sd < 1) sd = 1;
        for (int64_t j = 0; j < L; j++) {
            /* z = round((x - mu) 2^sz / sd) at scale sz; y = z gamma + beta at sz + sg */
            int64_t z = zk_q_div(((__int128)x[j] - mu) * ((__int128)1 << sz), sd);
            int64_t gidx = aff_idx(n, gi, j, n->qi[0]);
            __int128 v = (__int128)z * gq[gidx] + (bq ? bq[aff_idx(n, gi, j, n->qi[1])] : 0);
            int sh = S - so;
            __int128 q = sh > 0 ? (v + ((__int128)1 << (sh - 1))) >> sh : v;
            if (q > INT64_MAX || q < INT64_MIN) return zk_nn_fail(err, ZK_ERR_RANGE, n, "overflow");
            y[j] = (int64_t)q;
        }
    }
    return ZK_OK;
}

/* ================= reductions ================= */
/* Softmax, LogSoftmax, ArgMax/Min, CumSum: iparam [0] outer, [1] len, [2] inner.
 * Reduce*: maps[0][i] = output index of input element i. */

static zk_status reduce_axes(zk_nn_model *m, zk_nn_node *n, int *mask, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    const int64_t *ax = NULL;
    size_t nax = zk_nn_attr_ints(n, "axes", &ax);
    int64_t tmp[ZK_NN_MAX_RANK];
    zk_nn_value *av = zk_nn_in(m, n, 1);
    if (av) {
        if (!av->is_const) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "axes must be constant");
        if (av->numel > ZK_NN_MAX_RANK) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "too many axes");
        for (int64_t i = 0; i < av->numel; i++) tmp[i] = zk_nn_d2i(av->cdata[i]);
        ax = tmp;
        nax = (size_t)av->numel;
    }
    for (int d = 0; d < x->rank; d++) mask[d] = 0;
    if (nax == 0) {
        if (zk_nn_attr_i(n, "noop_with_empty_axes", 0)) return ZK_OK;
        for (int d = 0; d < x->rank; d++) mask[d] = 1;
        return ZK_OK;
    }
    for (size_t i = 0; i < nax; i++) {
        int64_t a = ax[i] < 0 ? ax[i] + x->rank : ax[i];
        if (a < 0 || a >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis %lld out of range", (long long)ax[i]);
        mask[a] = 1;
    }
    return ZK_OK;
}

zk_status sh_reduce(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    if (!x || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs an input");
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    o->dtype = x->dtype;
    if (n->op == ZK_NN_OP_SOFTMAX || n->op == ZK_NN_OP_LOGSOFTMAX || n->op == ZK_NN_OP_CUMSUM) {
        int64_t axis;
        if (n->op == ZK_NN_OP_CUMSUM) {
            zk_nn_value *av = zk_nn_in(m, n, 1);
            if (!av || !av->is_const || av->numel != 1) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "axis must be a constant scalar");
            axis = zk_nn_d2i(av->cdata[0]);
        } else axis = zk_nn_attr_i(n, "axis", m->opset >= 13 ? -1 : 1);
        if (x->rank == 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "scalar input");
        if (axis < 0) axis += x->rank;
        if (axis < 0 || axis >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
        int64_t outer = 1, len = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= x->dims[d];
        if (n->op != ZK_NN_OP_CUMSUM && m->opset < 13) {
            for (int d = (int)axis; d < x->rank; d++) len *= x->dims[d];
        } else {
            len = x->dims[axis];
            for (int d = (int)axis + 1; d < x->rank; d++) inner *= x->dims[d];
        }
        n->iparam[0] = outer; n->iparam[1] = len; n->iparam[2] = inner;
        n->iparam[3] = zk_nn_attr_i(n, "exclusive", 0);
        n->iparam[4] = zk_nn_attr_i(n, "reverse", 0);
        zk_nn_set_shape(o, x->rank, x->dims);
        return ZK_OK;
    }
    int mask[ZK_NN_MAX_RANK];
    int keep = (int)zk_nn_attr_i(n, "keepdims", 1);
    if (n->op == ZK_NN_OP_ARGMAX || n->op == ZK_NN_OP_ARGMIN) {
        int64_t axis = zk_nn_attr_i(n, "axis", 0);
        if (axis < 0) axis += x->rank;
        if (axis < 0 || axis >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
        for (int d = 0; d < x->rank; d++) mask[d] = d == axis;
        int64_t outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= x->dims[d];
        for (int d = (int)axis + 1; d < x->rank; d++) inner *= x->dims[d];
        n->iparam[0] = outer; n->iparam[1] = x->dims[axis]; n->iparam[2] = inner;
        n->iparam[3] = zk_nn_attr_i(n, "select_last_index", 0);
        if (x->dims[axis] == 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "empty axis");
        o->dtype = ZK_NN_INT;
    } else {
        zk_status st = reduce_axes(m, n, mask, err);
        if (st) return st;
    }
    int64_t od[ZK_NN_MAX_RANK];
    int r = 0;
    for (int d = 0; d < x->rank; d++) {
        if (!mask[d]) od[r++] = x->dims[d];
        else if (keep) od[r++] = 1;
    }
    if (zk_nn_set_shape(o, r, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad output");
    if (n->op == ZK_NN_OP_ARGMAX || n->op == ZK_NN_OP_ARGMIN) return ZK_OK;
    /* map input element -> output element */
    n->maps = zk_nn_alloc(m, sizeof(int64_t *));
    int64_t *map = zk_nn_alloc(m, (size_t)(x->numel ? x->numel : 1) * sizeof(int64_t));
    if (!n->maps || !map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    n->maps[0] = map;
    int64_t idx[ZK_NN_MAX_RANK] = {0}, ostr[ZK_NN_MAX_RANK], s = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        ostr[d] = mask[d] ? 0 : s;
        if (!mask[d]) s *= x->dims[d];
    }
    int64_t cnt = 1;
    for (int d = 0; d < x->rank; d++)
        if (mask[d]) cnt *= x->dims[d];
    n->iparam[5] = cnt; /* elements per output */
    for (int64_t i = 0; i < x->numel; i++) {
        int64_t oi = 0;
        for (int d = 0; d < x->rank; d++) oi += idx[d] * ostr[d];
        map[i] = oi;
        for (int d = x->rank - 1; d >= 0; d--) {
            if (++idx[d] < x->dims[d]) break;
            idx[d] = 0;
        }
    }
    if (cnt == 0 && (n->op == ZK_NN_OP_REDUCEMAX || n->op == ZK_NN_OP_REDUCEMIN))
        return zk_nn_fail(err, ZK_ERR_SHAPE, n, "reducing an empty tensor");
    return ZK_OK;
}

zk_status f_reduce(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    (void)err;
    const zk_nn_value *x = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    const double *X = in[0];
    double *Y = out[0];
    int64_t outer = n->iparam[0], len = n->iparam[1], inner = n->iparam[2];
    switch (n->op) {
    case ZK_NN_OP_SOFTMAX: case ZK_NN_OP_LOGSOFTMAX:
        for (int64_t a = 0; a < outer; a++)
            for (int64_t c = 0; c < inner; c++) {
                const double *xr = X + a * len * inner + c;
                double *yr = Y + a * len * inner + c;
                double mx = -INFINITY, sum = 0;
                for (int64_t j = 0; j < len; j++) mx = xr[j * inner] > mx ? xr[j * inner] : mx;
                for (int64_t j = 0; j < len; j++) sum += zk_det_exp(xr[j * inner] - mx);
                for (int64_t j = 0; j < len; j++)
                    yr[j * inner] = n->op == ZK_NN_OP_SOFTMAX ? zk_det_exp(xr[j * inner] - mx) / sum
                                                              : xr[j * inner] - mx - zk_det_log(sum);
            }
        return ZK_OK;
    case ZK_NN_OP_CUMSUM:
        for (int64_t a = 0; a < outer; a++)
            for (int64_t c = 0; c < inner; c++) {
                double acc = 0;
                for (int64_t jj = 0; jj < len; jj++) {
                    int64_t j = n->iparam[4] ? len - 1 - jj : jj;
                    int64_t p = a * len * inner + j * inner + c;
                    if (n->iparam[3]) { Y[p] = acc; acc += X[p]; }
                    else { acc += X[p]; Y[p] = acc; }
                }
            }
        return ZK_OK;
    case ZK_NN_OP_ARGMAX: case ZK_NN_OP_ARGMIN:
        for (int64_t a = 0; a < outer; a++)
            for (int64_t c = 0; c < inner; c++) {
                int64_t best = 0;
                double bv = X[a * len * inner + c];
                for (int64_t j = 1; j < len; j++) {
                    double v = X[a * len * inner + j * inner + c];
                    int better = n->op == ZK_NN_OP_ARGMAX ? (n->iparam[3] ? v >= bv : v > bv) : (n->iparam[3] ? v <= bv : v < bv);
                    if (better) { best = j; bv = v; }
                }
                Y[a * inner + c] = (double)best;
            }
        return ZK_OK;
    default: break;
    }
    const int64_t *map = n->maps[0];
    int is_max = n->op == ZK_NN_OP_REDUCEMAX, is_min = n->op == ZK_NN_OP_REDUCEMIN;
    for (int64_t i = 0; i < o->numel; i++) Y[i] = is_max ? -INFINITY : is_min ? INFINITY : 0;
    for (int64_t i = 0; i < x->numel; i++) {
        double v = X[i];
        double *t = &Y[map[i]];
        if (is_max) { if (v > *t) *t = v; }
        else if (is_min) { if (v < *t) *t = v; }
        else *t += v;
    }
    if (n->op == ZK_NN_OP_REDUCEMEAN && n->iparam[5])
        for (int64_t i = 0; i < o->numel; i++) Y[i] /= (double)n->iparam[5];
    return ZK_OK;
}

static double fn_exp(double x, const double *p) { (void)p; return zk_det_exp(x); }
static double fn_log(double x, const double *p) { (void)p; return x > 0 ? zk_det_log(x) : 0; }

zk_status qp_reduce(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    int t = zk_nn_target_scale(m, o), sx = x->scale;
    int keep = sx < t ? sx : t;
    switch (n->op) {
    case ZK_NN_OP_ARGMAX: case ZK_NN_OP_ARGMIN: o->scale = 0; return ZK_OK;
    case ZK_NN_OP_SOFTMAX: case ZK_NN_OP_LOGSOFTMAX: {
        if (x->dtype != ZK_NN_FLOAT) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "integer input");
        /* exp over [-16, 0] (exp(-16) < 2^-23), values at scale se = act_bits */
        int T = m->q.table_bits, se = m->act_bits;
        int st = T - 4;
        if (st > sx) st = sx;
        double s2 = 1.0;
        for (int i = 0; i < st; i++) s2 *= 2;
        zk_status s = zk_nn_table_build(m, &n->table, fn_exp, NULL, -(int64_t)(16 * s2), 0, st, se);
        if (s) return zk_nn_fail(err, s, n, "exp table");
        n->qs[0] = se;
        if (n->op == ZK_NN_OP_SOFTMAX) {
            o->scale = t;
            return ZK_OK;
        }
        /* log(sum) with sum in [1, len]: table over that domain */
        int lb = 0;
        while (((int64_t)1 << lb) < n->iparam[1]) lb++;
        int sl = T - lb;
        if (sl > se) sl = se;
        double l2 = 1.0;
        for (int i = 0; i < sl; i++) l2 *= 2;
        o->scale = keep;
        s = zk_nn_table_build(m, &n->table2, fn_log, NULL, (int64_t)l2, (int64_t)(l2 * (double)n->iparam[1]) + 1, sl, keep);
        if (s) return zk_nn_fail(err, s, n, "log table");
        return ZK_OK;
    }
    case ZK_NN_OP_REDUCESUM: case ZK_NN_OP_REDUCEMEAN: case ZK_NN_OP_REDUCEMAX: case ZK_NN_OP_REDUCEMIN: case ZK_NN_OP_CUMSUM:
        o->scale = x->dtype == ZK_NN_FLOAT ? keep : 0;
        return ZK_OK;
    default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a reduction");
    }
}

zk_status q_reduce(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    const zk_nn_value *x = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    const int64_t *X = in[0];
    int64_t *Y = out[0];
    int64_t outer = n->iparam[0], len = n->iparam[1], inner = n->iparam[2];
    int sh = x->scale - o->scale;
    switch (n->op) {
    case ZK_NN_OP_SOFTMAX: case ZK_NN_OP_LOGSOFTMAX: {
        const zk_nn_table *te = &n->table;
        for (int64_t a = 0; a < outer; a++)
            for (int64_t c = 0; c < inner; c++) {
                const int64_t *xr = X + a * len * inner + c;
                int64_t *yr = Y + a * len * inner + c;
                int64_t mx = xr[0];
                for (int64_t j = 1; j < len; j++) mx = xr[j * inner] > mx ? xr[j * inner] : mx;
                /* e_j = EXP[clamp(round((x_j - max) 2^(st - sx)))], sum_j e_j >= 2^se */
                __int128 sum = 0;
                for (int64_t j = 0; j < len; j++) {
                    int64_t d = zk_q_shift(xr[j * inner] - mx, x->scale - te->in_scale);
                    int64_t k = d - te->lo;
                    if (k < 0) k = 0;
                    sum += te->v[k];
                }
                if (n->op == ZK_NN_OP_SOFTMAX) {
                    for (int64_t j = 0; j < len; j++) {
                        int64_t d = zk_q_shift(xr[j * inner] - mx, x->scale - te->in_scale);
                        int64_t k = d - te->lo;
                        if (k < 0) k = 0;
                        yr[j * inner] = zk_q_div((__int128)te->v[k] << o->scale, sum); /* e 2^so / sum */
                    }
                } else {
                    const zk_nn_table *tl = &n->table2;
                    int64_t si = zk_q_shift((int64_t)sum, n->qs[0] - tl->in_scale) - tl->lo;
                    if (si < 0) si = 0;
                    if (si >= tl->n) si = tl->n - 1;
                    int64_t lg = tl->v[si];
                    for (int64_t j = 0; j < len; j++) yr[j * inner] = zk_q_shift(xr[j * inner] - mx, sh) - lg;
                }
            }
        return ZK_OK;
    }
    case ZK_NN_OP_CUMSUM:
        for (int64_t a = 0; a < outer; a++)
            for (int64_t c = 0; c < inner; c++) {
                __int128 acc = 0;
                for (int64_t jj = 0; jj < len; jj++) {
                    int64_t j = n->iparam[4] ? len - 1 - jj : jj;
                    int64_t p = a * len * inner + j * inner + c;
                    if (n->iparam[3]) { Y[p] = zk_q_shift((int64_t)acc, sh); acc += X[p]; }
                    else { acc += X[p]; Y[p] = zk_q_shift((int64_t)acc, sh); }
                }
            }
        return ZK_OK;
    case ZK_NN_OP_ARGMAX: case ZK_NN_OP_ARGMIN:
        for (int64_t a = 0; a < outer; a++)
            for (int64_t c = 0; c < inner; c++) {
                int64_t best = 0, bv = X[a * len * inner + c];
                for (int64_t j = 1; j < len; j++) {
                    int64_t v = X[a * len * inner + j * inner + c];
                    int better = n->op == ZK_NN_OP_ARGMAX ? (n->iparam[3] ? v >= bv : v > bv) : (n->iparam[3] ? v <= bv : v < bv);
                    if (better) { best = j; bv = v; }
                }
                Y[a * inner + c] = best;
            }
        return ZK_OK;
    default: break;
    }
    const int64_t *map = n->maps[0];
    int is_max = n->op == ZK_NN_OP_REDUCEMAX, is_min = n->op == ZK_NN_OP_REDUCEMIN;
    __int128 *acc = calloc((size_t)(o->numel ? o->numel : 1), sizeof(__int128));
    char *seen = calloc((size_t)(o->numel ? o->numel : 1), 1);
    if (!acc || !seen) {
        free(acc);
        free(seen);
        return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    }
    for (int64_t i = 0; i < x->numel; i++) {
        int64_t v = X[i], k = map[i];
        if (is_max) { if (!seen[k] || v > acc[k]) acc[k] = v; seen[k] = 1; }
        else if (is_min) { if (!seen[k] || v < acc[k]) acc[k] = v; seen[k] = 1; }
        else acc[k] += v;
    }
    int ok = 1;
    for (int64_t i = 0; i < o->numel; i++) {
        if (n->op == ZK_NN_OP_REDUCEMEAN) Y[i] = zk_q_div(acc[i], (__int128)(n->iparam[5] ? n->iparam[5] : 1) << sh);
        else {
            if (acc[i] > INT64_MAX || acc[i] < INT64_MIN) ok = 0;
            Y[i] = zk_q_shift((int64_t)acc[i], sh);
        }
    }
    free(acc);
    free(seen);
    if (!ok) return zk_nn_fail(err, ZK_ERR_RANGE, n, "sum overflows 64 bits");
    return ZK_OK;
}
