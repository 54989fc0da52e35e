/* Linear ops: Gemm, MatMul (batched, constant or activation operands), Conv,
 * ConvTranspose (1-3 spatial dims, groups, dilations) and Einsum.
 *
 * Quantized semantics (docs/quantization.md): operands x at scale sx and w at
 * scale sw are multiplied and accumulated exactly (int64, with a proven bound
 * checked before the loop: max|x| * max_row_L1(w) + max|b| < 2^62), the bias
 * is quantized at sx + sw, and the sum is rescaled once to the output scale
 * with round half up. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"
#include "util/threads.h"

#define ACC_LIMIT ((int64_t)1 << 62)

static int64_t maxabs_i(const int64_t *x, int64_t n) {
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t a = x[i] < 0 ? -x[i] : x[i];
        if (a > m) m = a;
    }
    return m;
}

static double maxabs_d(const double *x, int64_t n) {
    double m = 0;
    for (int64_t i = 0; i < n; i++) {
        double a = fabs(x[i]);
        if (a > m) m = a;
    }
    return m;
}

/* Weight-rule scale of a real array: max |w| maps below 2^(bits-1). */
int zk_nn_weight_scale(const zk_nn_model *m, double absmax) {
    int bits = m->q.weight_bits, s = bits - 1;
    if (absmax <= 0) return bits - 1 < m->q.max_scale ? bits - 1 : m->q.max_scale;
    double lim = (double)((int64_t)1 << (bits - 1));
    /* largest s with absmax * 2^s < lim */
    double v = absmax;
    for (int i = 0; i < s; i++) v *= 2;
    while (s > 0 && v >= lim) { v *= 0.5; s--; }
    while (s < m->q.max_scale && v * 2 < lim) { v *= 2; s++; }
    return s;
}

static zk_status quantize_array(const double *x, int64_t n, int s, int64_t *q) {
    for (int64_t i = 0; i < n; i++)
        if (zk_nn_quantize_real(x[i], s, &q[i])) return ZK_ERR_RANGE;
    return ZK_OK;
}

/* ================= Gemm / MatMul ================= */

/* Matmul geometry in iparam: [0]=batch count, [1]=M, [2]=K, [3]=N, and
 * iextra holds per-batch offsets (a_off, b_off) for broadcast batches. */

zk_status sh_gemm(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *a = zk_nn_in(m, n, 0), *b = zk_nn_in(m, n, 1), *c = zk_nn_in(m, n, 2);
    if (!a || !b || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs inputs A and B");
    if (a->rank != 2 || b->rank != 2) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "A and B must be 2-D (got rank %d and %d)", a->rank, b->rank);
    int ta = (int)zk_nn_attr_i(n, "transA", 0), tb = (int)zk_nn_attr_i(n, "transB", 0);
    int64_t M = ta ? a->dims[1] : a->dims[0], K = ta ? a->dims[0] : a->dims[1];
    int64_t K2 = tb ? b->dims[1] : b->dims[0], N = tb ? b->dims[0] : b->dims[1];
    if (K != K2) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "inner dimensions differ (%lld vs %lld)", (long long)K, (long long)K2);
    int64_t dims[2] = {M, N};
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (zk_nn_set_shape(o, 2, dims)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
    o->dtype = a->dtype;
    if (c) { /* C broadcasts unidirectionally to [M, N] */
        int ok = c->rank <= 2;
        for (int d = 0; d < c->rank && ok; d++) {
            int64_t want = dims[2 - c->rank + d];
            if (c->dims[d] != want && c->dims[d] != 1) ok = 0;
        }
        if (!ok) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "C cannot be broadcast to [%lld, %lld]", (long long)M, (long long)N);
    }
    n->iparam[0] = 1; n->iparam[1] = M; n->iparam[2] = K; n->iparam[3] = N;
    n->iparam[4] = ta; n->iparam[5] = tb;
    n->fparam[0] = zk_nn_attr_f(n, "alpha", 1.0);
    n->fparam[1] = zk_nn_attr_f(n, "beta", 1.0);
    return ZK_OK;
}

/* C element for output (i, j) */
static inline int64_t c_index(const zk_nn_value *c, int64_t i, int64_t j) {
    if (!c || c->numel == 1) return 0;
    if (c->rank == 1) return c->dims[0] == 1 ? 0 : j;
    return (c->dims[0] == 1 ? 0 : i) * c->dims[1] + (c->dims[1] == 1 ? 0 : j);
}

zk_status sh_matmul(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *a = zk_nn_in(m, n, 0), *b = zk_nn_in(m, n, 1);
    if (!a || !b || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs two inputs");
    if (a->rank < 1 || b->rank < 1) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "scalar operands");
    int64_t ad[ZK_NN_MAX_RANK + 1], bd[ZK_NN_MAX_RANK + 1];
    int ar = a->rank, br = b->rank;
    memcpy(ad, a->dims, sizeof(int64_t) * (size_t)ar);
    memcpy(bd, b->dims, sizeof(int64_t) * (size_t)br);
    int a1 = ar == 1, b1 = br == 1;
    if (a1) { ad[1] = ad[0]; ad[0] = 1; ar = 2; }
    if (b1) { bd[1] = 1; br = 2; }
    int64_t M = ad[ar - 2], K = ad[ar - 1], K2 = bd[br - 2], N = bd[br - 1];
    if (K != K2) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "inner dimensions differ (%lld vs %lld)", (long long)K, (long long)K2);
    int br_a = ar - 2, br_b = br - 2, R = br_a > br_b ? br_a : br_b;
    int64_t bdims[ZK_NN_MAX_RANK];
    for (int d = 0; d < R; d++) {
        int64_t x = d - (R - br_a) >= 0 ? ad[d - (R - br_a)] : 1, y = d - (R - br_b) >= 0 ? bd[d - (R - br_b)] : 1;
        if (x != y && x != 1 && y != 1) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "batch dimensions cannot be broadcast");
        bdims[d] = x > y ? x : y;
    }
    int64_t od[ZK_NN_MAX_RANK + 2];
    int orank = 0;
    for (int d = 0; d < R; d++) od[orank++] = bdims[d];
    if (!a1) od[orank++] = M;
    if (!b1) od[orank++] = N;
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (orank > ZK_NN_MAX_RANK || zk_nn_set_shape(o, orank, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
    o->dtype = a->dtype == ZK_NN_FLOAT || b->dtype == ZK_NN_FLOAT ? ZK_NN_FLOAT : ZK_NN_INT;
    int64_t nb = 1;
    for (int d = 0; d < R; d++) nb *= bdims[d];
    n->iparam[0] = nb; n->iparam[1] = M; n->iparam[2] = K; n->iparam[3] = N;
    n->iparam[4] = 0; n->iparam[5] = 0;
    n->iextra = zk_nn_alloc(m, (size_t)(2 * nb) * sizeof(int64_t));
    if (!n->iextra) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    int64_t idx[ZK_NN_MAX_RANK] = {0};
    for (int64_t t = 0; t < nb; t++) {
        int64_t ao = 0, bo = 0, as = 1, bs = 1;
        for (int d = R - 1; d >= 0; d--) {
            int da = d - (R - br_a), db = d - (R - br_b);
            if (da >= 0) { ao += (ad[da] == 1 ? 0 : idx[d]) * as; as *= ad[da]; }
            if (db >= 0) { bo += (bd[db] == 1 ? 0 : idx[d]) * bs; bs *= bd[db]; }
        }
        n->iextra[2 * t] = ao * M * K;
        n->iextra[2 * t + 1] = bo * K * N;
        for (int d = R - 1; d >= 0; d--) {
            if (++idx[d] < bdims[d]) break;
            idx[d] = 0;
        }
    }
    n->fparam[0] = 1.0;
    n->fparam[1] = 1.0;
    return ZK_OK;
}

typedef struct {
    const zk_nn_model *m;
    const zk_nn_node *n;
    const double *fa, *fb, *fc;
    double *fy;
    const int64_t *qa, *qb, *qbias;
    int64_t *qy;
    int64_t M, K, N, nblk;
    int ta, tb, shift;
    const zk_nn_value *c;
} mm_ctx;

#define MM_BLK 64

static void mm_float_range(void *vctx, size_t begin, size_t end, unsigned worker) {
    mm_ctx *c = vctx;
    (void)worker;
    double acc[MM_BLK];
    double alpha = c->n->fparam[0], beta = c->n->fparam[1];
    for (size_t u = begin; u < end; u++) {
        int64_t t = (int64_t)u / (c->M * c->nblk), rem = (int64_t)u % (c->M * c->nblk);
        int64_t i = rem / c->nblk, j0 = (rem % c->nblk) * MM_BLK, j1 = j0 + MM_BLK < c->N ? j0 + MM_BLK : c->N;
        const double *A = c->fa + (c->n->iextra ? c->n->iextra[2 * t] : 0);
        const double *B = c->fb + (c->n->iextra ? c->n->iextra[2 * t + 1] : 0);
        for (int64_t j = j0; j < j1; j++) acc[j - j0] = 0;
        for (int64_t k = 0; k < c->K; k++) {
            double av = c->ta ? A[k * c->M + i] : A[i * c->K + k];
            if (av == 0) continue;
            if (c->tb) for (int64_t j = j0; j < j1; j++) acc[j - j0] += av * B[j * c->K + k];
            else {
                const double *brow = B + k * c->N;
                for (int64_t j = j0; j < j1; j++) acc[j - j0] += av * brow[j];
            }
        }
        double *Y = c->fy + t * c->M * c->N + i * c->N;
        for (int64_t j = j0; j < j1; j++) {
            double v = alpha * acc[j - j0];
            if (c->fc) v += beta * c->fc[c_index(c->c, i, j)];
            Y[j] = v;
        }
    }
}

static void mm_quant_range(void *vctx, size_t begin, size_t end, unsigned worker) {
    mm_ctx *c = vctx;
    (void)worker;
    int64_t acc[MM_BLK];
    for (size_t u = begin; u < end; u++) {
        int64_t t = (int64_t)u / (c->M * c->nblk), rem = (int64_t)u % (c->M * c->nblk);
        int64_t i = rem / c->nblk, j0 = (rem % c->nblk) * MM_BLK, j1 = j0 + MM_BLK < c->N ? j0 + MM_BLK : c->N;
        const int64_t *A = c->qa + (c->n->iextra ? c->n->iextra[2 * t] : 0);
        const int64_t *B = c->qb + (c->n->iextra ? c->n->iextra[2 * t + 1] : 0);
        for (int64_t j = j0; j < j1; j++) acc[j - j0] = c->qbias ? c->qbias[c_index(c->c, i, j)] : 0;
        for (int64_t k = 0; k < c->K; k++) {
            int64_t av = c->ta ? A[k * c->M + i] : A[i * c->K + k];
            if (av == 0) continue;
            const int64_t *brow = B + k * c->N; /* quantized B is stored [K, N] */
            for (int64_t j = j0; j < j1; j++) acc[j - j0] += av * brow[j];
        }
        int64_t *Y = c->qy + t * c->M * c->N + i * c->N;
        for (int64_t j = j0; j < j1; j++) Y[j] = zk_q_shift(acc[j - j0], c->shift);
    }
}

static zk_status mm_float(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    mm_ctx c = {0};
    c.m = m; c.n = n;
    c.fa = in[0]; c.fb = in[1];
    c.fc = n->n_in > 2 && n->in[2] >= 0 ? in[2] : NULL;
    c.c = zk_nn_in(m, n, 2);
    c.fy = out[0];
    c.M = n->iparam[1]; c.K = n->iparam[2]; c.N = n->iparam[3];
    c.ta = (int)n->iparam[4]; c.tb = (int)n->iparam[5];
    c.nblk = (c.N + MM_BLK - 1) / MM_BLK;
    size_t units = (size_t)(n->iparam[0] * c.M * c.nblk);
    if (units) zk_parallel_for(units, units / 64 + 1, mm_float_range, &c);
    (void)err;
    return ZK_OK;
}

zk_status f_gemm(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    return mm_float(m, n, in, out, err);
}
zk_status f_matmul(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    return mm_float(m, n, in, out, err);
}

/* Plan shared by Gemm and MatMul. qextra = [B quantized as [K, N] per batch | bias at S]. */
static zk_status qp_mm(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *a = zk_nn_in(m, n, 0), *b = zk_nn_in(m, n, 1), *c = zk_nn_in(m, n, 2), *o = zk_nn_outv(m, n, 0);
    int64_t K = n->iparam[2], N = n->iparam[3];
    double alpha = n->fparam[0], beta = n->fparam[1];
    int t = zk_nn_target_scale(m, o);
    n->qextra = NULL;
    n->acc_l1 = -1;
    int sb;
    if (b->is_const) {
        /* alpha B, transposed to [K, N], at the weight-rule scale */
        double amax = maxabs_d(b->cdata, b->numel) * fabs(alpha);
        sb = b->dtype == ZK_NN_FLOAT ? zk_nn_weight_scale(m, amax) : 0;
        if (b->dtype != ZK_NN_FLOAT && alpha != 1.0) sb = zk_nn_weight_scale(m, amax);
        int64_t cnt = b->numel;
        int64_t biasn = c ? c->numel : 0;
        n->qextra = zk_nn_alloc(m, (size_t)(cnt + biasn + 1) * sizeof(int64_t));
        if (!n->qextra) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        int64_t nbb = cnt / (K * N ? K * N : 1);
        for (int64_t bb = 0; bb < nbb; bb++)
            for (int64_t k = 0; k < K; k++)
                for (int64_t j = 0; j < N; j++) {
                    double w = alpha * (n->iparam[5] ? b->cdata[bb * K * N + j * K + k] : b->cdata[bb * K * N + k * N + j]);
                    if (zk_nn_quantize_real(w, sb, &n->qextra[bb * K * N + k * N + j]))
                        return zk_nn_fail(err, ZK_ERR_RANGE, n, "weight out of range");
                }
        /* accumulator bound: max over columns of sum_k |B[k, j]| */
        int64_t l1max = 0;
        for (int64_t bb = 0; bb < nbb; bb++)
            for (int64_t j = 0; j < N; j++) {
                int64_t s = 0;
                for (int64_t k = 0; k < K; k++) {
                    int64_t w = n->qextra[bb * K * N + k * N + j];
                    s += w < 0 ? -w : w;
                }
                if (s > l1max) l1max = s;
            }
        n->acc_l1 = l1max;
    } else {
        if (alpha != 1.0) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "alpha != 1 with a non-constant B");
        if (n->iparam[5]) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "transB with a non-constant B");
        sb = b->scale;
    }
    int S = a->scale + sb;
    /* bias at S (constant) */
    if (c) {
        if (!c->is_const) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "non-constant C");
        int64_t *qb = n->qextra ? n->qextra + b->numel : NULL;
        if (!qb) {
            qb = zk_nn_alloc(m, (size_t)(c->numel + 1) * sizeof(int64_t));
            if (!qb) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        }
        double cmax = maxabs_d(c->cdata, c->numel) * fabs(beta);
        /* keep the bias below 2^61 at S: lower the weight scale if needed */
        if (cmax * ldexp(1.0, S) >= ldexp(1.0, 60))
            return zk_nn_fail(err, ZK_ERR_RANGE, n, "bias too large at accumulator scale 2^-%d; lower --bits", S);
        for (int64_t i = 0; i < c->numel; i++)
            if (zk_nn_quantize_real(beta * c->cdata[i], S, &qb[i])) return zk_nn_fail(err, ZK_ERR_RANGE, n, "bias out of range");
        n->iparam[8] = (int64_t)maxabs_i(qb, c->numel);
        n->table2.v = qb; /* the bias lives here */
    } else {
        n->table2.v = NULL;
    }
    n->qs[0] = sb;
    n->qs[1] = S;
    o->scale = o->dtype == ZK_NN_FLOAT ? (S < t ? S : t) : 0;
    return ZK_OK;
}

zk_status qp_gemm(zk_nn_model *m, zk_nn_node *n, zk_error *err) { return qp_mm(m, n, err); }
zk_status qp_matmul(zk_nn_model *m, zk_nn_node *n, zk_error *err) { return qp_mm(m, n, err); }

static zk_status q_mm(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    const zk_nn_value *a = zk_nn_in(m, n, 0), *b = zk_nn_in(m, n, 1), *o = zk_nn_outv(m, n, 0);
    mm_ctx c = {0};
    c.m = m; c.n = n;
    c.qa = in[0];
    c.M = n->iparam[1]; c.K = n->iparam[2]; c.N = n->iparam[3];
    c.ta = (int)n->iparam[4];
    c.c = zk_nn_in(m, n, 2);
    c.qbias = n->table2.v;
    c.qy = out[0];
    c.shift = n->qs[1] - o->scale;
    c.nblk = (c.N + MM_BLK - 1) / MM_BLK;
    /* accumulator bound, proven before the loop */
    int64_t amax = maxabs_i(in[0], a->numel);
    int64_t l1 = n->acc_l1;
    int64_t *bq = NULL;
    if (b->is_const) c.qb = n->qextra;
    else {
        int64_t bmax = maxabs_i(in[1], b->numel);
        if (bmax && c.K > ACC_LIMIT / bmax) return zk_nn_fail(err, ZK_ERR_RANGE, n, "accumulator could overflow");
        l1 = bmax * c.K;
        c.qb = in[1];
    }
    int64_t bias = c.qbias ? n->iparam[8] : 0;
    if (amax && l1 > (ACC_LIMIT - bias) / amax)
        return zk_nn_fail(err, ZK_ERR_RANGE, n, "accumulator could overflow 2^62 (max |x| = %lld); lower --bits", (long long)amax);
    size_t units = (size_t)(n->iparam[0] * c.M * c.nblk);
    if (units) zk_parallel_for(units, units / 64 + 1, mm_quant_range, &c);
    free(bq);
    return ZK_OK;
}

zk_status q_gemm(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    return q_mm(m, n, in, out, err);
}
zk_status q_matmul(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    return q_mm(m, n, in, out, err);
}

/* ================= Conv / ConvTranspose ================= */

/* iextra layout */
enum { CV_N, CV_C, CV_D, CV_H, CV_W, CV_M, CV_OD, CV_OH, CV_OW, CV_KD, CV_KH, CV_KW, CV_G,
       CV_SD, CV_SH, CV_SW, CV_DD, CV_DH, CV_DW, CV_PD, CV_PH, CV_PW, CV_COUNT };

static zk_status conv_geometry(zk_nn_model *m, zk_nn_node *n, int transpose, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0), *w = zk_nn_in(m, n, 1), *b = zk_nn_in(m, n, 2);
    if (!x || !w || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs inputs X and W");
    int r = x->rank - 2;
    if (r < 1 || r > 3 || w->rank != x->rank)
        return zk_nn_fail(err, ZK_ERR_SHAPE, n, "X has rank %d and W rank %d (1 to 3 spatial dimensions supported)", x->rank, w->rank);
    if (!w->is_const) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "weights must be constant");
    int64_t G = zk_nn_attr_i(n, "group", 1);
    if (G < 1 || x->dims[1] % G) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "group %lld does not divide %lld channels", (long long)G, (long long)x->dims[1]);
    int64_t C = x->dims[1], Mo = transpose ? w->dims[1] * G : w->dims[0];
    if (!transpose && w->dims[1] * G != C) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "W expects %lld input channels, X has %lld", (long long)(w->dims[1] * G), (long long)C);
    if (transpose && w->dims[0] != C) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "W expects %lld input channels, X has %lld", (long long)w->dims[0], (long long)C);
    if (!transpose && Mo % G) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "group does not divide output channels");
    if (b && b->numel != Mo) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bias has %lld entries for %lld channels", (long long)b->numel, (long long)Mo);
    const int64_t *ks, *st, *dl, *pd, *op, *os;
    size_t nks = zk_nn_attr_ints(n, "kernel_shape", &ks), nst = zk_nn_attr_ints(n, "strides", &st);
    size_t ndl = zk_nn_attr_ints(n, "dilations", &dl), npd = zk_nn_attr_ints(n, "pads", &pd);
    size_t nop = zk_nn_attr_ints(n, "output_padding", &op), nos = zk_nn_attr_ints(n, "output_shape", &os);
    const char *ap = zk_nn_attr_s(n, "auto_pad", "NOTSET");
    int64_t in[3], k[3], s[3], d[3], pb[3], pe[3], out[3];
    for (int i = 0; i < r; i++) {
        in[i] = x->dims[2 + i];
        k[i] = nks == (size_t)r ? ks[i] : w->dims[2 + i];
        if (k[i] != w->dims[2 + i]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "kernel_shape disagrees with W");
        s[i] = nst == (size_t)r ? st[i] : 1;
        d[i] = ndl == (size_t)r ? dl[i] : 1;
        pb[i] = npd == (size_t)(2 * r) ? pd[i] : 0;
        pe[i] = npd == (size_t)(2 * r) ? pd[r + i] : 0;
        if (s[i] < 1 || d[i] < 1 || k[i] < 1 || pb[i] < 0 || pe[i] < 0 || s[i] > 1 << 20 || d[i] > 1 << 20 || pb[i] > 1 << 20 || pe[i] > 1 << 20)
            return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad strides, dilations or pads");
        int64_t ek = (k[i] - 1) * d[i] + 1;
        if (!transpose) {
            if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
                out[i] = (in[i] + s[i] - 1) / s[i];
                int64_t tot = (out[i] - 1) * s[i] + ek - in[i];
                if (tot < 0) tot = 0;
                pb[i] = !strcmp(ap, "SAME_UPPER") ? tot / 2 : tot - tot / 2;
                pe[i] = tot - pb[i];
            } else if (!strcmp(ap, "VALID")) {
                pb[i] = pe[i] = 0;
            }
            int64_t span = in[i] + pb[i] + pe[i] - ek;
            if (span < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "kernel larger than the padded input");
            out[i] = span / s[i] + 1;
        } else {
            int64_t opad = nop == (size_t)r ? op[i] : 0;
            if (nos == (size_t)r || nos == (size_t)(r + 2)) {
                out[i] = os[nos - r + i];
                int64_t tot = s[i] * (in[i] - 1) + opad + ek - out[i];
                if (tot < 0) tot = 0;
                if (!strcmp(ap, "SAME_UPPER")) { pb[i] = tot / 2; pe[i] = tot - pb[i]; }
                else { pe[i] = tot / 2; pb[i] = tot - pe[i]; }
            } else {
                if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
                    out[i] = in[i] * s[i];
                    int64_t tot = s[i] * (in[i] - 1) + opad + ek - out[i];
                    if (tot < 0) tot = 0;
                    if (!strcmp(ap, "SAME_UPPER")) { pb[i] = tot / 2; pe[i] = tot - pb[i]; }
                    else { pe[i] = tot / 2; pb[i] = tot - pe[i]; }
                }
                out[i] = s[i] * (in[i] - 1) + opad + ek - pb[i] - pe[i];
            }
            if (out[i] < 1) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output size below 1");
        }
    }
    int64_t *g = zk_nn_alloc(m, CV_COUNT * sizeof(int64_t));
    if (!g) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    int off = 3 - r; /* pad to 3 spatial dims at the front */
    g[CV_N] = x->dims[0]; g[CV_C] = C; g[CV_M] = Mo; g[CV_G] = G;
    for (int i = 0; i < 3; i++) {
        int j = i - off;
        g[CV_D + i] = j >= 0 ? in[j] : 1;
        g[CV_OD + i] = j >= 0 ? out[j] : 1;
        g[CV_KD + i] = j >= 0 ? k[j] : 1;
        g[CV_SD + i] = j >= 0 ? s[j] : 1;
        g[CV_DD + i] = j >= 0 ? d[j] : 1;
        g[CV_PD + i] = j >= 0 ? pb[j] : 0;
    }
    n->iextra = g;
    int64_t od[ZK_NN_MAX_RANK];
    od[0] = x->dims[0];
    od[1] = Mo;
    for (int i = 0; i < r; i++) od[2 + i] = out[i];
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (zk_nn_set_shape(o, r + 2, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
    o->dtype = ZK_NN_FLOAT;
    n->iparam[0] = transpose;
    return ZK_OK;
}

zk_status sh_conv(zk_nn_model *m, zk_nn_node *n, zk_error *err) { return conv_geometry(m, n, 0, err); }
zk_status sh_convt(zk_nn_model *m, zk_nn_node *n, zk_error *err) { return conv_geometry(m, n, 1, err); }

typedef struct {
    const int64_t *g;
    const double *fx, *fw, *fb;
    double *fy;
    const int64_t *qx, *qw, *qb;
    int64_t *qy;
    int shift, transpose;
} conv_ctx;

/* One (batch, output channel) plane per work item. The same loop nest serves
 * float (T = double) and exact integers (T = int64_t). */
#define CONV_PLANE(T, X, Wt, Bs, Y, FINISH)                                                                   \
    do {                                                                                                      \
        const int64_t *g = c->g;                                                                              \
        int64_t C = g[CV_C], M = g[CV_M], G = g[CV_G], Cg = C / G, Mg = M / G;                                \
        int64_t D = g[CV_D], H = g[CV_H], W = g[CV_W], OD = g[CV_OD], OH = g[CV_OH], OW = g[CV_OW];           \
        int64_t KD = g[CV_KD], KH = g[CV_KH], KW = g[CV_KW];                                                  \
        int64_t bn = (int64_t)u / M, oc = (int64_t)u % M, grp = oc / Mg;                                      \
        int64_t oplane = OD * OH * OW, iplane = D * H * W;                                                    \
        T *y = (Y) + (bn * M + oc) * oplane;                                                                  \
        T bias = (Bs) ? (Bs)[oc] : 0;                                                                         \
        for (int64_t i = 0; i < oplane; i++) y[i] = bias;                                                     \
        if (!c->transpose) {                                                                                  \
            for (int64_t ic = 0; ic < Cg; ic++) {                                                             \
                const T *x = (X) + (bn * C + grp * Cg + ic) * iplane;                                         \
                for (int64_t kd = 0; kd < KD; kd++)                                                           \
                    for (int64_t kh = 0; kh < KH; kh++)                                                       \
                        for (int64_t kw = 0; kw < KW; kw++) {                                                 \
                            T wv = (Wt)[((oc * Cg + ic) * KD + kd) * KH * KW + kh * KW + kw];                 \
                            if (wv == 0) continue;                                                            \
                            int64_t ow0 = 0, ow1 = OW;                                                        \
                            int64_t offw = kw * g[CV_DW] - g[CV_PW];                                          \
                            while (ow0 < OW && ow0 * g[CV_SW] + offw < 0) ow0++;                              \
                            while (ow1 > ow0 && (ow1 - 1) * g[CV_SW] + offw >= W) ow1--;                      \
                            for (int64_t od = 0; od < OD; od++) {                                             \
                                int64_t id = od * g[CV_SD] + kd * g[CV_DD] - g[CV_PD];                        \
                                if (id < 0 || id >= D) continue;                                              \
                                for (int64_t oh = 0; oh < OH; oh++) {                                         \
                                    int64_t ih = oh * g[CV_SH] + kh * g[CV_DH] - g[CV_PH];                    \
                                    if (ih < 0 || ih >= H) continue;                                          \
                                    const T *xr = x + (id * H + ih) * W + offw;                               \
                                    T *yr = y + (od * OH + oh) * OW;                                          \
                                    int64_t sw = g[CV_SW];                                                    \
                                    for (int64_t ow = ow0; ow < ow1; ow++) yr[ow] += wv * xr[ow * sw];        \
                                }                                                                             \
                            }                                                                                 \
                        }                                                                                     \
            }                                                                                                 \
        } else {                                                                                              \
            int64_t ocg = oc % Mg;                                                                            \
            for (int64_t ic = 0; ic < Cg; ic++) {                                                             \
                int64_t icc = grp * Cg + ic;                                                                  \
                const T *x = (X) + (bn * C + icc) * iplane;                                                   \
                for (int64_t kd = 0; kd < KD; kd++)                                                           \
                    for (int64_t kh = 0; kh < KH; kh++)                                                       \
                        for (int64_t kw = 0; kw < KW; kw++) {                                                 \
                            T wv = (Wt)[((icc * Mg + ocg) * KD + kd) * KH * KW + kh * KW + kw];               \
                            if (wv == 0) continue;                                                            \
                            for (int64_t id = 0; id < D; id++) {                                              \
                                int64_t od = id * g[CV_SD] + kd * g[CV_DD] - g[CV_PD];                        \
                                if (od < 0 || od >= OD) continue;                                             \
                                for (int64_t ih = 0; ih < H; ih++) {                                          \
                                    int64_t oh = ih * g[CV_SH] + kh * g[CV_DH] - g[CV_PH];                    \
                                    if (oh < 0 || oh >= OH) continue;                                         \
                                    const T *xr = x + (id * H + ih) * W;                                      \
                                    T *yr = y + (od * OH + oh) * OW;                                          \
                                    for (int64_t iw = 0; iw < W; iw++) {                                      \
                                        int64_t ow = iw * g[CV_SW] + kw * g[CV_DW] - g[CV_PW];                \
                                        if (ow >= 0 && ow < OW) yr[ow] += wv * xr[iw];                        \
                                    }                                                                         \
                                }                                                                             \
                            }                                                                                 \
                        }                                                                                     \
            }                                                                                                 \
        }                                                                                                     \
        FINISH;                                                                                               \
    } while (0)

static void conv_float_range(void *vctx, size_t begin, size_t end, unsigned worker) {
    conv_ctx *c = vctx;
    (void)worker;
    for (size_t u = begin; u < end; u++) CONV_PLANE(double, c->fx, c->fw, c->fb, c->fy, (void)0);
}

static void conv_quant_range(void *vctx, size_t begin, size_t end, unsigned worker) {
    conv_ctx *c = vctx;
    (void)worker;
    for (size_t u = begin; u < end; u++)
        CONV_PLANE(int64_t, c->qx, c->qw, c->qb, c->qy,
                   for (int64_t i = 0; i < oplane; i++) y[i] = zk_q_shift(y[i], c->shift));
}

zk_status f_conv(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    (void)m;
    (void)err;
    conv_ctx c = {0};
    c.g = n->iextra;
    c.fx = in[0];
    c.fw = in[1];
    c.fb = n->n_in > 2 && n->in[2] >= 0 ? in[2] : NULL;
    c.fy = out[0];
    c.transpose = (int)n->iparam[0];
    size_t units = (size_t)(c.g[CV_N] * c.g[CV_M]);
    if (units) zk_parallel_for(units, 1, conv_float_range, &c);
    return ZK_OK;
}

zk_status qp_conv(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0), *w = zk_nn_in(m, n, 1), *b = zk_nn_in(m, n, 2), *o = zk_nn_outv(m, n, 0);
    int t = zk_nn_target_scale(m, o);
    int sw = zk_nn_weight_scale(m, maxabs_d(w->cdata, w->numel));
    int S = x->scale + sw;
    n->qextra = zk_nn_alloc(m, (size_t)(w->numel + (b ? b->numel : 0) + 1) * sizeof(int64_t));
    if (!n->qextra) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    if (quantize_array(w->cdata, w->numel, sw, n->qextra)) return zk_nn_fail(err, ZK_ERR_RANGE, n, "weight out of range");
    int64_t bmax = 0;
    if (b) {
        if (!b->is_const) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "bias must be constant");
        if (maxabs_d(b->cdata, b->numel) * ldexp(1.0, S) >= ldexp(1.0, 60))
            return zk_nn_fail(err, ZK_ERR_RANGE, n, "bias too large at accumulator scale 2^-%d; lower --bits", S);
        if (quantize_array(b->cdata, b->numel, S, n->qextra + w->numel)) return zk_nn_fail(err, ZK_ERR_RANGE, n, "bias out of range");
        bmax = maxabs_i(n->qextra + w->numel, b->numel);
    }
    /* accumulator bound: per output channel, sum of |w| over its receptive field */
    const int64_t *g = n->iextra;
    int64_t M = g[CV_M], G = g[CV_G], Cg = g[CV_C] / G, Mg = M / G, ksz = g[CV_KD] * g[CV_KH] * g[CV_KW];
    int64_t l1max = 0;
    if (!n->iparam[0]) {
        for (int64_t oc = 0; oc < M; oc++) {
            int64_t s = 0;
            for (int64_t i = 0; i < Cg * ksz; i++) {
                int64_t v = n->qextra[oc * Cg * ksz + i];
                s += v < 0 ? -v : v;
            }
            if (s > l1max) l1max = s;
        }
    } else { /* transposed: bound by the whole slice feeding an output channel */
        for (int64_t oc = 0; oc < M; oc++) {
            int64_t s = 0, grp = oc / Mg, ocg = oc % Mg;
            for (int64_t ic = 0; ic < Cg; ic++)
                for (int64_t i = 0; i < ksz; i++) {
                    int64_t v = n->qextra[((grp * Cg + ic) * Mg + ocg) * ksz + i];
                    s += v < 0 ? -v : v;
                }
            if (s > l1max) l1max = s;
        }
    }
    n->acc_l1 = l1max;
    n->iparam[8] = bmax;
    n->qs[0] = sw;
    n->qs[1] = S;
    o->scale = S < t ? S : t;
    return ZK_OK;
}

zk_status q_conv(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    const zk_nn_value *x = zk_nn_in(m, n, 0), *w = zk_nn_in(m, n, 1), *o = zk_nn_outv(m, n, 0);
    int64_t amax = maxabs_i(in[0], x->numel);
    if (amax && n->acc_l1 > (ACC_LIMIT - n->iparam[8]) / amax)
        return zk_nn_fail(err, ZK_ERR_RANGE, n, "accumulator could overflow 2^62 (max |x| = %lld); lower --bits", (long long)amax);
    conv_ctx c = {0};
    c.g = n->iextra;
    c.qx = in[0];
    c.qw = n->qextra;
    c.qb = n->n_in > 2 && n->in[2] >= 0 ? n->qextra + w->numel : NULL;
    c.qy = out[0];
    c.transpose = (int)n->iparam[0];
    c.shift = n->qs[1] - o->scale;
    size_t units = (size_t)(c.g[CV_N] * c.g[CV_M]);
    if (units) zk_parallel_for(units, 1, conv_quant_range, &c);
    return ZK_OK;
}

/* ================= Einsum ================= */

/* iextra: [nletters, size per letter (26), op0 letters count, op0 letters..., op1..., out letters] */
zk_status sh_einsum(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    const char *eq = zk_nn_attr_s(n, "equation", NULL);
    if (!eq) return zk_nn_fail(err, ZK_ERR_PARSE, n, "missing equation");
    if (n->n_in < 1 || n->n_in > 2) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "only one or two operands are supported");
    int64_t *e = zk_nn_alloc(m, 128 * sizeof(int64_t));
    if (!e) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    int64_t size[26];
    for (int i = 0; i < 26; i++) size[i] = -1;
    int count[26] = {0};
    int op = 0, pos = 30, k = 0;
    int lens[3] = {0};
    int letters[3][ZK_NN_MAX_RANK];
    const char *p = eq;
    for (; *p && *p != '-'; p++) {
        if (*p == ' ') continue;
        if (*p == ',') { op++; k = 0; if (op >= n->n_in) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "more operands in the equation than inputs"); continue; }
        if (*p == '.') return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "ellipsis in Einsum is not supported");
        int l = (*p >= 'a' && *p <= 'z') ? *p - 'a' : (*p >= 'A' && *p <= 'Z') ? *p - 'A' : -1;
        if (l < 0 || k >= ZK_NN_MAX_RANK) return zk_nn_fail(err, ZK_ERR_PARSE, n, "bad equation '%s'", eq);
        letters[op][k++] = l;
        lens[op] = k;
        count[l]++;
    }
    if (op != n->n_in - 1) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "equation has %d operands, node has %d inputs", op + 1, n->n_in);
    for (int i = 0; i < n->n_in; i++) {
        zk_nn_value *v = zk_nn_in(m, n, i);
        if (!v || v->rank != lens[i]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "operand %d rank does not match the equation", i);
        for (int d = 0; d < lens[i]; d++) {
            int l = letters[i][d];
            if (size[l] >= 0 && size[l] != v->dims[d]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "letter '%c' has two sizes", 'a' + l);
            size[l] = v->dims[d];
        }
    }
    int olen = 0;
    if (*p == '-') {
        if (p[1] != '>') return zk_nn_fail(err, ZK_ERR_PARSE, n, "bad equation '%s'", eq);
        for (p += 2; *p; p++) {
            if (*p == ' ') continue;
            int l = (*p >= 'a' && *p <= 'z') ? *p - 'a' : (*p >= 'A' && *p <= 'Z') ? *p - 'A' : -1;
            if (l < 0 || size[l] < 0 || olen >= ZK_NN_MAX_RANK) return zk_nn_fail(err, ZK_ERR_PARSE, n, "bad equation '%s'", eq);
            letters[2][olen++] = l;
        }
    } else {
        for (int l = 0; l < 26; l++)
            if (count[l] == 1 && olen < ZK_NN_MAX_RANK) letters[2][olen++] = l;
    }
    lens[2] = olen;
    int64_t od[ZK_NN_MAX_RANK];
    for (int d = 0; d < olen; d++) od[d] = size[letters[2][d]];
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (zk_nn_set_shape(o, olen, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
    o->dtype = zk_nn_in(m, n, 0)->dtype;
    /* letters used at all, iteration space */
    int nl = 0;
    int64_t total = 1;
    for (int l = 0; l < 26; l++)
        if (size[l] >= 0) {
            e[1 + l] = size[l];
            nl++;
            if (size[l] && total > (1LL << 27) / size[l]) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "Einsum too large");
            total *= size[l];
        } else e[1 + l] = -1;
    e[0] = nl;
    for (int i = 0; i < 3; i++) {
        e[pos++] = lens[i];
        for (int d = 0; d < lens[i]; d++) e[pos++] = letters[i][d];
    }
    n->iextra = e;
    return ZK_OK;
}

/* Strides of operand i per letter (0 where the letter is absent). */
static void ein_strides(const int64_t *e, int which, int64_t st[26]) {
    int pos = 30;
    for (int i = 0; i < which; i++) pos += 1 + (int)e[pos];
    int len = (int)e[pos];
    for (int l = 0; l < 26; l++) st[l] = 0;
    int64_t s = 1;
    for (int d = len - 1; d >= 0; d--) {
        int l = (int)e[pos + 1 + d];
        st[l] += s;
        s *= e[1 + l];
    }
}

#define EINSUM_LOOP(BODY)                                                                   \
    do {                                                                                    \
        const int64_t *e = n->iextra;                                                       \
        int64_t s0[26], s1[26], so[26];                                                     \
        ein_strides(e, 0, s0);                                                              \
        ein_strides(e, n->n_in == 2 ? 1 : 0, s1);                                           \
        if (n->n_in == 1) for (int l = 0; l < 26; l++) s1[l] = 0;                           \
        ein_strides(e, 2, so);                                                              \
        int used[26], nu = 0;                                                               \
        for (int l = 0; l < 26; l++) if (e[1 + l] > 0) used[nu++] = l;                      \
        for (int l = 0; l < 26; l++) if (e[1 + l] == 0) return ZK_OK;                       \
        int64_t idx[26] = {0}, i0 = 0, i1 = 0, io = 0;                                      \
        for (;;) {                                                                          \
            BODY;                                                                           \
            int d = nu - 1;                                                                 \
            for (; d >= 0; d--) {                                                           \
                int l = used[d];                                                            \
                idx[l]++; i0 += s0[l]; i1 += s1[l]; io += so[l];                            \
                if (idx[l] < e[1 + l]) break;                                               \
                i0 -= s0[l] * idx[l]; i1 -= s1[l] * idx[l]; io -= so[l] * idx[l];           \
                idx[l] = 0;                                                                 \
            }                                                                               \
            if (d < 0) break;                                                               \
        }                                                                                   \
    } while (0)

zk_status f_einsum(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    (void)err;
    const zk_nn_value *o = zk_nn_outv(m, n, 0);
    for (int64_t i = 0; i < o->numel; i++) out[0][i] = 0;
    const double *a = in[0], *b = n->n_in == 2 ? in[1] : NULL;
    EINSUM_LOOP(out[0][io] += b ? a[i0] * b[i1] : a[i0]);
    return ZK_OK;
}

zk_status qp_einsum(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    (void)err;
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    int S = zk_nn_in(m, n, 0)->scale + (n->n_in == 2 ? zk_nn_in(m, n, 1)->scale : 0);
    int t = zk_nn_target_scale(m, o);
    n->qs[1] = S;
    o->scale = o->dtype == ZK_NN_FLOAT ? (S < t ? S : t) : 0;
    return ZK_OK;
}

zk_status q_einsum(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    const zk_nn_value *o = zk_nn_outv(m, n, 0);
    __int128 *acc = calloc((size_t)(o->numel ? o->numel : 1), sizeof(__int128));
    if (!acc) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    const int64_t *a = in[0], *b = n->n_in == 2 ? in[1] : NULL;
    int ok = 1;
    do {
        const int64_t *e = n->iextra;
        int64_t s0[26], s1[26], so[26];
        ein_strides(e, 0, s0);
        ein_strides(e, n->n_in == 2 ? 1 : 0, s1);
        if (n->n_in == 1) for (int l = 0; l < 26; l++) s1[l] = 0;
        ein_strides(e, 2, so);
        int used[26], nu = 0, empty = 0;
        for (int l = 0; l < 26; l++) if (e[1 + l] > 0) used[nu++] = l;
        for (int l = 0; l < 26; l++) if (e[1 + l] == 0) empty = 1;
        if (empty) break;
        int64_t idx[26] = {0}, i0 = 0, i1 = 0, io = 0;
        for (;;) {
            acc[io] += b ? (__int128)a[i0] * b[i1] : (__int128)a[i0];
            int d = nu - 1;
            for (; d >= 0; d--) {
                int l = used[d];
                idx[l]++; i0 += s0[l]; i1 += s1[l]; io += so[l];
                if (idx[l] < e[1 + l]) break;
                i0 -= s0[l] * idx[l]; i1 -= s1[l] * idx[l]; io -= so[l] * idx[l];
                idx[l] = 0;
            }
            if (d < 0) break;
        }
    } while (0);
    int sh = n->qs[1] - o->scale;
    for (int64_t i = 0; i < o->numel; i++) {
        __int128 q = sh > 0 ? (acc[i] + ((__int128)1 << (sh - 1))) >> sh : acc[i];
        if (q > INT64_MAX || q < INT64_MIN) ok = 0;
        out[0][i] = (int64_t)q;
    }
    free(acc);
    if (!ok) return zk_nn_fail(err, ZK_ERR_RANGE, n, "Einsum result overflows 64 bits");
    return ZK_OK;
}
