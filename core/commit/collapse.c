/* The IPA prover's generator folding, out[i] = g[i] + [u] g[i + h]: one
 * shared scalar, so every point follows the same GLV + wNAF schedule in
 * lock step, in affine coordinates with one batched inversion per step. */
#include "commit/collapse.h"

#include <stdlib.h>
#include <string.h>

#include "util/threads.h"

/* ---- the schedule: GLV split and width-5 NAF digits of u ---- */

#define MAX_DIGITS ZK_WNAF5_MAX

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
    uint64_t m1[2], m2[2];
    int n1, n2;
    zk_vesta_glv_split(m1, &n1, m2, &n2, u);
    int8_t e1[MAX_DIGITS], e2[MAX_DIGITS];
    int l1 = zk_wnaf5_var(e1, m1), l2 = zk_wnaf5_var(e2, m2);
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
