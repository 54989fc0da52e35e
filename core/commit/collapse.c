/* The IPA prover's generator folding, out[i] = g[i] + [u] g[i + h]: one
 * shared scalar, so every point follows the same GLV + wNAF schedule in
 * lock step, in affine coordinates with one batched inversion per step. */
#include "commit/collapse.h"

#include <stdlib.h>
#include <string.h>

#include "curve/curve_params.h"
#include "util/threads.h"

/* ---- the schedule: GLV split and width-5 NAF digits of u ---- */

static const uint32_t GLV_A1[4] = ZK_VESTA_GLV_A1, GLV_B1[4] = ZK_VESTA_GLV_B1_ABS;
static const uint32_t GLV_A2[4] = ZK_VESTA_GLV_A2, GLV_B2[4] = ZK_VESTA_GLV_B2;
static const uint32_t GLV_G1[8] = ZK_VESTA_GLV_G1, GLV_G2[8] = ZK_VESTA_GLV_G2;

/* r[0..nr) = (a * b) mod 2^(32 nr). */
static void words_mul(uint32_t *r, int nr, const uint32_t *a, int na, const uint32_t *b, int nb) {
    memset(r, 0, (size_t)nr * sizeof *r);
    for (int i = 0; i < na && i < nr; i++) {
        uint64_t c = 0;
        for (int j = 0; j < nb && i + j < nr; j++) {
            c += (uint64_t)a[i] * b[j] + r[i + j];
            r[i + j] = (uint32_t)c;
            c >>= 32;
        }
        if (i + nb < nr) r[i + nb] = (uint32_t)c;
    }
}

/* r = a - b mod 2^(32 n). */
static void words_sub(uint32_t *r, const uint32_t *a, const uint32_t *b, int n) {
    uint32_t borrow = 0;
    for (int i = 0; i < n; i++) {
        uint64_t d = (uint64_t)a[i] - b[i] - borrow;
        r[i] = (uint32_t)d;
        borrow = (uint32_t)(d >> 63);
    }
}

/* c[0..5) = floor((k g + 2^381) / 2^382), k and g 8 words. */
static void glv_round(uint32_t c[5], const uint32_t k[8], const uint32_t g[8]) {
    uint32_t p[17];
    words_mul(p, 16, k, 8, g, 8);
    p[16] = 0;
    uint32_t half[17] = {0};
    half[11] = 1u << 29;
    uint64_t carry = 0;
    for (int i = 0; i < 17; i++) {
        carry += (uint64_t)p[i] + half[i];
        p[i] = (uint32_t)carry;
        carry >>= 32;
    }
    for (int i = 0; i < 5; i++) c[i] = (p[11 + i] >> 30) | (p[12 + i] << 2);
}

/* Signed 160-bit x -> |x| as two u64 words (|x| < 2^128) and its sign. */
static int signed_to_mag(uint64_t m[2], const uint32_t x[5]) {
    uint32_t v[5];
    int neg = (int)(x[4] >> 31);
    if (neg) {
        const uint32_t zero[5] = {0};
        words_sub(v, zero, x, 5);
    } else {
        memcpy(v, x, sizeof v);
    }
    m[0] = (uint64_t)v[0] | (uint64_t)v[1] << 32;
    m[1] = (uint64_t)v[2] | (uint64_t)v[3] << 32;
    return neg;
}

/* Width-5 NAF of the 128-bit m: digits in {0, +-1, ..., +-15}; returns the count. */
#define MAX_DIGITS 132
static int wnaf5(int8_t d[MAX_DIGITS], const uint64_t m_in[2]) {
    uint64_t m[3] = {m_in[0], m_in[1], 0};
    int len = 0;
    while (m[0] | m[1] | m[2]) {
        int digit = 0;
        if (m[0] & 1) {
            digit = (int)(m[0] & 31);
            if (digit >= 16) digit -= 32;
            if (digit > 0) {
                m[0] -= (uint64_t)digit; /* the low bits are digit: no borrow */
            } else {
                uint64_t old = m[0];
                m[0] += (uint64_t)(-digit);
                if (m[0] < old && ++m[1] == 0) m[2]++;
            }
        }
        d[len++] = (int8_t)digit;
        m[0] = m[0] >> 1 | m[1] << 63;
        m[1] = m[1] >> 1 | m[2] << 63;
        m[2] >>= 1;
    }
    return len;
}

/* u = sum_i (d1[i] + d2[i] lambda) 2^i with the halves' signs folded into the
 * digits (lambda = Fp::ZETA, endo(P) = [lambda] P). */
typedef struct {
    int len;
    int8_t d1[MAX_DIGITS], d2[MAX_DIGITS];
} schedule;

/* The scalar t = d (or d lambda) as a field element. */
static void digit_scalar(zk_fp *t, int d, int endo) {
    zk_fp_from_i64(t, d);
    if (endo) zk_fp_mul(t, t, &zk_fp_ZETA);
}

/* Builds the schedule and runs it on the scalar: returns 1 if no step adds
 * equal or opposite multiples (the affine formulas then hold for every point
 * other than the identity) and the digits give u back; 0 otherwise. */
static int make_schedule(schedule *s, const zk_fp *u) {
    uint64_t c[4];
    uint32_t k[8], c1[5], c2[5], t[5], v[5], x[5];
    zk_fp_to_canonical(c, u);
    for (int i = 0; i < 4; i++) k[2 * i] = (uint32_t)c[i], k[2 * i + 1] = (uint32_t)(c[i] >> 32);
    glv_round(c1, k, GLV_G1);
    glv_round(c2, k, GLV_G2);
    words_mul(t, 5, c1, 5, GLV_A1, 4);
    words_mul(v, 5, c2, 5, GLV_A2, 4);
    words_sub(x, k, t, 5);
    words_sub(x, x, v, 5); /* k1 = k - c1 a1 - c2 a2 */
    uint64_t m1[2], m2[2];
    int n1 = signed_to_mag(m1, x);
    words_mul(t, 5, c1, 5, GLV_B1, 4);
    words_mul(v, 5, c2, 5, GLV_B2, 4);
    words_sub(x, t, v, 5); /* k2 = c1 |b1| - c2 b2 */
    int n2 = signed_to_mag(m2, x);
    int8_t e1[MAX_DIGITS], e2[MAX_DIGITS];
    int l1 = wnaf5(e1, m1), l2 = wnaf5(e2, m2);
    s->len = l1 > l2 ? l1 : l2;
    for (int i = 0; i < s->len; i++) {
        s->d1[i] = (int8_t)(i < l1 ? (n1 ? -e1[i] : e1[i]) : 0);
        s->d2[i] = (int8_t)(i < l2 ? (n2 ? -e2[i] : e2[i]) : 0);
    }
    /* the schedule on the scalar: acc = m P throughout */
    zk_fp m = zk_fp_ZERO, tt, neg;
    int started = 0;
    for (int i = s->len - 1; i >= 0; i--) {
        if (started) zk_fp_dbl(&m, &m);
        for (int h = 0; h < 2; h++) {
            int d = h ? s->d2[i] : s->d1[i];
            if (!d) continue;
            digit_scalar(&tt, d, h);
            if (started) {
                zk_fp_neg(&neg, &tt);
                if (zk_fp_eq(&m, &tt) || zk_fp_eq(&m, &neg)) return 0;
                zk_fp_add(&m, &m, &tt);
            } else {
                m = tt;
                started = 1;
            }
        }
    }
    return started && zk_fp_eq(&m, u);
}

/* ---- batched affine steps over a block of points ---- */

#define BLOCK 256

typedef struct {
    zk_vesta_affine acc[BLOCK];
    zk_vesta_affine tab[BLOCK * 8]; /* tab[8 i + j] = (2j + 1) P_i */
    zk_fq den[BLOCK], pre[BLOCK], xq[BLOCK];
} block_scratch;

/* den[i] <- 1/den[i] for i < n (all nonzero), one inversion. */
static void batch_invert(zk_fq *den, zk_fq *pre, size_t n) {
    pre[0] = den[0];
    for (size_t i = 1; i < n; i++) zk_fq_mul(&pre[i], &pre[i - 1], &den[i]);
    zk_fq inv, t;
    zk_fq_inv_var(&inv, &pre[n - 1]);
    for (size_t i = n - 1; i > 0; i--) {
        zk_fq_mul(&t, &inv, &pre[i - 1]);
        zk_fq_mul(&inv, &inv, &den[i]);
        den[i] = t;
    }
    den[0] = inv;
}

/* a[i * as] += (+-, endo?) q[i * qs] for i < n; a != +-q for every i. */
static void batch_add(block_scratch *s, zk_vesta_affine *a, size_t as, const zk_vesta_affine *q, size_t qs,
                      int neg, int endo, size_t n) {
    for (size_t i = 0; i < n; i++) {
        s->xq[i] = q[i * qs].x;
        if (endo) zk_fq_mul(&s->xq[i], &s->xq[i], &zk_fq_ZETA);
        zk_fq_sub(&s->den[i], &s->xq[i], &a[i * as].x);
    }
    batch_invert(s->den, s->pre, n);
    for (size_t i = 0; i < n; i++) {
        zk_vesta_affine *p = &a[i * as];
        zk_fq yq, l, x3, t;
        yq = q[i * qs].y;
        if (neg) zk_fq_neg(&yq, &yq);
        zk_fq_sub(&l, &yq, &p->y);
        zk_fq_mul(&l, &l, &s->den[i]); /* slope */
        zk_fq_sqr(&x3, &l);
        zk_fq_sub(&x3, &x3, &p->x);
        zk_fq_sub(&x3, &x3, &s->xq[i]);
        zk_fq_sub(&t, &p->x, &x3);
        zk_fq_mul(&t, &t, &l);
        zk_fq_sub(&p->y, &t, &p->y);
        p->x = x3;
    }
}

/* a[i] = 2 a[i] for i < n (no a[i] is the identity). */
static void batch_dbl(block_scratch *s, zk_vesta_affine *a, size_t n) {
    for (size_t i = 0; i < n; i++) zk_fq_dbl(&s->den[i], &a[i].y);
    batch_invert(s->den, s->pre, n);
    for (size_t i = 0; i < n; i++) {
        zk_vesta_affine *p = &a[i];
        zk_fq l, x3, t;
        zk_fq_sqr(&t, &p->x);
        zk_fq_dbl(&l, &t);
        zk_fq_add(&l, &l, &t);
        zk_fq_mul(&l, &l, &s->den[i]); /* slope 3x^2 / 2y */
        zk_fq_sqr(&x3, &l);
        zk_fq_sub(&x3, &x3, &p->x);
        zk_fq_sub(&x3, &x3, &p->x);
        zk_fq_sub(&t, &p->x, &x3);
        zk_fq_mul(&t, &t, &l);
        zk_fq_sub(&p->y, &t, &p->y);
        p->x = x3;
    }
}

typedef struct {
    const zk_vesta_affine *g;
    zk_vesta *out;
    size_t h;
    zk_fp u;
    const schedule *sched; /* NULL: the plain path */
    block_scratch *scratch; /* one per worker */
} collapse_ctx;

static void plain_range(const collapse_ctx *c, size_t begin, size_t end) {
    for (size_t i = begin; i < end; i++) {
        zk_vesta t;
        zk_vesta_from_affine(&t, &c->g[i + c->h]);
        zk_vesta_mul_var(&t, &t, &c->u);
        zk_vesta_add_mixed(&c->out[i], &t, &c->g[i]);
    }
}

static void lockstep_block(const collapse_ctx *c, block_scratch *s, size_t b0, size_t n) {
    const zk_vesta_affine *p = c->g + c->h + b0;
    for (size_t i = 0; i < n; i++)
        if (zk_vesta_affine_is_identity(&p[i])) {
            plain_range(c, b0, b0 + n);
            return;
        }
    /* odd multiples: tab[8i] = P, acc = 2P, tab[8i + j] = tab[8i + j - 1] + 2P */
    for (size_t i = 0; i < n; i++) s->tab[8 * i] = s->acc[i] = p[i];
    batch_dbl(s, s->acc, n);
    for (int j = 1; j < 8; j++) {
        for (size_t i = 0; i < n; i++) s->tab[8 * i + j] = s->tab[8 * i + j - 1];
        batch_add(s, s->tab + j, 8, s->acc, 1, 0, 0, n);
    }
    const schedule *sc = c->sched;
    int started = 0;
    for (int k = sc->len - 1; k >= 0; k--) {
        if (started) batch_dbl(s, s->acc, n);
        for (int e = 0; e < 2; e++) {
            int d = e ? sc->d2[k] : sc->d1[k];
            if (!d) continue;
            int idx = (d < 0 ? -d : d) >> 1, neg = d < 0;
            if (started) {
                batch_add(s, s->acc, 1, s->tab + idx, 8, neg, e, n);
                continue;
            }
            for (size_t i = 0; i < n; i++) {
                s->acc[i] = s->tab[8 * i + idx];
                if (e) zk_fq_mul(&s->acc[i].x, &s->acc[i].x, &zk_fq_ZETA);
                if (neg) zk_fq_neg(&s->acc[i].y, &s->acc[i].y);
            }
            started = 1;
        }
    }
    /* g[i] + u P_i with the complete formulas (g[i] may be +-u P_i) */
    for (size_t i = 0; i < n; i++) {
        zk_vesta t;
        zk_vesta_from_affine(&t, &s->acc[i]);
        zk_vesta_add_mixed(&c->out[b0 + i], &t, &c->g[b0 + i]);
    }
}

static void collapse_range(void *vctx, size_t begin, size_t end, unsigned worker) {
    const collapse_ctx *c = vctx;
    if (!c->sched) {
        plain_range(c, begin, end);
        return;
    }
    block_scratch *s = &c->scratch[worker];
    for (size_t b = begin; b < end; b += BLOCK) lockstep_block(c, s, b, end - b < BLOCK ? end - b : BLOCK);
}

static zk_status collapse(zk_vesta_affine *out, const zk_vesta_affine *g, size_t h, const zk_fp *u,
                          zk_vesta *scratch, int allow_lockstep) {
    schedule sched;
    collapse_ctx c = {g, scratch, h, *u, NULL, NULL};
    /* small folds and degenerate u: plain multiplications */
    if (allow_lockstep && h >= 32 && make_schedule(&sched, u)) {
        c.scratch = malloc(zk_threads_count() * sizeof *c.scratch);
        if (c.scratch) c.sched = &sched;
    }
    zk_parallel_for(h, c.sched ? BLOCK : 8, collapse_range, &c);
    free(c.scratch);
    return zk_vesta_batch_to_affine_var(out, scratch, h);
}

zk_status zk_ipa_collapse_(zk_vesta_affine *out, const zk_vesta_affine *g, size_t h, const zk_fp *u,
                           zk_vesta *scratch) {
    return collapse(out, g, h, u, scratch, 1);
}

zk_status zk_ipa_collapse_plain_(zk_vesta_affine *out, const zk_vesta_affine *g, size_t h,
                                 const zk_fp *u, zk_vesta *scratch) {
    return collapse(out, g, h, u, scratch, 0);
}
