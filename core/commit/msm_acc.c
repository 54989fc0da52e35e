/* The deferred MSM of the IPA verifier. */
#include "commit/msm_acc.h"

#include <stdlib.h>
#include <string.h>

#include "msm/msm.h"
#include "poly/poly.h"

void zk_ipa_msm_init(zk_ipa_msm *m, const zk_ipa_params *p) {
    memset(m, 0, sizeof *m);
    m->params = p;
}

void zk_ipa_msm_free(zk_ipa_msm *m) {
    if (!m) return;
    free(m->g_scalars);
    free(m->scalars);
    free(m->bases);
    const zk_ipa_params *p = m->params;
    zk_ipa_msm_init(m, p);
}

void zk_ipa_msm_clear(zk_ipa_msm *m) {
    if (m->g_scalars) memset(m->g_scalars, 0, m->params->n * sizeof *m->g_scalars);
    m->w_scalar = zk_fp_ZERO;
    m->u_scalar = zk_fp_ZERO;
    m->len = 0;
}

static zk_status reserve(zk_ipa_msm *m, size_t extra) {
    if (m->len + extra <= m->cap) return ZK_OK;
    size_t cap = m->cap ? m->cap : 16;
    while (cap < m->len + extra) cap *= 2;
    zk_fp *s = realloc(m->scalars, cap * sizeof *s);
    if (!s) return ZK_ERR_NOMEM;
    m->scalars = s;
    zk_vesta_affine *b = realloc(m->bases, cap * sizeof *b);
    if (!b) return ZK_ERR_NOMEM;
    m->bases = b;
    m->cap = cap;
    return ZK_OK;
}

static zk_status need_g(zk_ipa_msm *m) {
    if (m->g_scalars) return ZK_OK;
    m->g_scalars = calloc(m->params->n, sizeof *m->g_scalars);
    return m->g_scalars ? ZK_OK : ZK_ERR_NOMEM;
}

zk_status zk_ipa_msm_copy(zk_ipa_msm *dst, const zk_ipa_msm *src) {
    zk_ipa_msm_init(dst, src->params);
    dst->w_scalar = src->w_scalar;
    dst->u_scalar = src->u_scalar;
    if (src->g_scalars) {
        if (need_g(dst) != ZK_OK) return ZK_ERR_NOMEM;
        memcpy(dst->g_scalars, src->g_scalars, src->params->n * sizeof *dst->g_scalars);
    }
    if (reserve(dst, src->len) != ZK_OK) {
        zk_ipa_msm_free(dst);
        return ZK_ERR_NOMEM;
    }
    if (src->len) {
        memcpy(dst->scalars, src->scalars, src->len * sizeof *dst->scalars);
        memcpy(dst->bases, src->bases, src->len * sizeof *dst->bases);
    }
    dst->len = src->len;
    return ZK_OK;
}

zk_status zk_ipa_msm_append_term(zk_ipa_msm *m, const zk_fp *scalar, const zk_vesta_affine *point) {
    if (zk_vesta_affine_is_identity(point)) return ZK_OK;
    if (reserve(m, 1) != ZK_OK) return ZK_ERR_NOMEM;
    m->scalars[m->len] = *scalar;
    m->bases[m->len] = *point;
    m->len++;
    return ZK_OK;
}

zk_status zk_ipa_msm_add_constant_term(zk_ipa_msm *m, const zk_fp *c) {
    if (need_g(m) != ZK_OK) return ZK_ERR_NOMEM;
    zk_fp_add(&m->g_scalars[0], &m->g_scalars[0], c);
    return ZK_OK;
}

zk_status zk_ipa_msm_add_to_g_scalars(zk_ipa_msm *m, const zk_fp *s, size_t len) {
    if (len > m->params->n) return ZK_ERR_INVALID_ARG;
    if (need_g(m) != ZK_OK) return ZK_ERR_NOMEM;
    zk_fp_poly_add(m->g_scalars, m->g_scalars, s, len);
    return ZK_OK;
}

void zk_ipa_msm_add_to_w_scalar(zk_ipa_msm *m, const zk_fp *s) { zk_fp_add(&m->w_scalar, &m->w_scalar, s); }
void zk_ipa_msm_add_to_u_scalar(zk_ipa_msm *m, const zk_fp *s) { zk_fp_add(&m->u_scalar, &m->u_scalar, s); }

void zk_ipa_msm_scale(zk_ipa_msm *m, const zk_fp *factor) {
    if (m->g_scalars) zk_fp_poly_scale(m->g_scalars, m->g_scalars, factor, m->params->n);
    if (m->len) zk_fp_poly_scale(m->scalars, m->scalars, factor, m->len);
    zk_fp_mul(&m->w_scalar, &m->w_scalar, factor);
    zk_fp_mul(&m->u_scalar, &m->u_scalar, factor);
}

zk_status zk_ipa_msm_add_msm(zk_ipa_msm *dst, const zk_ipa_msm *src, const zk_fp *factor) {
    if (dst == src || dst->params != src->params) return ZK_ERR_INVALID_ARG;
    zk_fp one;
    zk_fp_one(&one);
    if (!factor) factor = &one;
    if (src->g_scalars && need_g(dst) != ZK_OK) return ZK_ERR_NOMEM;
    if (reserve(dst, src->len) != ZK_OK) return ZK_ERR_NOMEM;
    if (src->g_scalars) zk_fp_poly_axpy(dst->g_scalars, factor, src->g_scalars, dst->params->n);
    if (src->len) {
        zk_fp_poly_scale(dst->scalars + dst->len, src->scalars, factor, src->len);
        memcpy(dst->bases + dst->len, src->bases, src->len * sizeof *dst->bases);
    }
    dst->len += src->len;
    zk_fp t;
    zk_fp_mul(&t, &src->w_scalar, factor);
    zk_fp_add(&dst->w_scalar, &dst->w_scalar, &t);
    zk_fp_mul(&t, &src->u_scalar, factor);
    zk_fp_add(&dst->u_scalar, &dst->u_scalar, &t);
    return ZK_OK;
}

zk_status zk_ipa_msm_accumulate(zk_ipa_msm *dst, const zk_ipa_msm *src, zk_rng *rng) {
    zk_fp r;
    do {
        zk_status st = zk_rng_fp(rng, &r);
        if (st != ZK_OK) return st;
    } while (zk_fp_is_zero(&r));
    return zk_ipa_msm_add_msm(dst, src, &r);
}

/* ---- evaluation ---- */

typedef struct {
    zk_vesta_affine base;
    zk_fp scalar;
} term;

/* Any total order on the x limbs (the representation is canonical). */
static int term_cmp(const void *a, const void *b) {
    const term *x = a, *y = b;
    return memcmp(&x->base.x, &y->base.x, sizeof x->base.x);
}

/* Merges the other terms with equal x: P and -P share x (halo2 keys its map
 * by x the same way). Writes the merged terms to scalars/bases, returns how
 * many; -1 on NOMEM. */
static long merge_terms(const zk_ipa_msm *m, zk_fp *scalars, zk_vesta_affine *bases) {
    if (!m->len) return 0;
    term *t = malloc(m->len * sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < m->len; i++) {
        t[i].base = m->bases[i];
        t[i].scalar = m->scalars[i];
    }
    qsort(t, m->len, sizeof *t, term_cmp);
    size_t out = 0;
    for (size_t i = 0; i < m->len; i++) {
        if (out && !memcmp(&bases[out - 1].x, &t[i].base.x, sizeof t[i].base.x)) {
            if (zk_fq_eq(&bases[out - 1].y, &t[i].base.y))
                zk_fp_add(&scalars[out - 1], &scalars[out - 1], &t[i].scalar);
            else /* same x, so y = -y' */
                zk_fp_sub(&scalars[out - 1], &scalars[out - 1], &t[i].scalar);
            continue;
        }
        bases[out] = t[i].base;
        scalars[out] = t[i].scalar;
        out++;
    }
    free(t);
    return (long)out;
}

zk_status zk_ipa_msm_eval(const zk_ipa_msm *m, zk_vesta *out) {
    const zk_ipa_params *p = m->params;
    size_t ng = m->g_scalars ? p->n : 0, cap = m->len + 2 + ng;
    zk_fp *s = malloc(cap * sizeof *s);
    zk_vesta_affine *b = malloc(cap * sizeof *b);
    zk_status st = ZK_ERR_NOMEM;
    long len = s && b ? merge_terms(m, s, b) : -1;
    if (len >= 0) {
        size_t n = (size_t)len;
        s[n] = m->w_scalar, b[n++] = p->w;
        s[n] = m->u_scalar, b[n++] = p->u;
        if (ng) {
            memcpy(s + n, m->g_scalars, ng * sizeof *s);
            memcpy(b + n, p->g, ng * sizeof *b);
            n += ng;
        }
        st = zk_vesta_msm_var(out, s, b, n);
    }
    free(s);
    free(b);
    return st;
}

zk_status zk_ipa_msm_check(const zk_ipa_msm *m) {
    zk_vesta r;
    zk_status st = zk_ipa_msm_eval(m, &r);
    if (st != ZK_OK) return st;
    return zk_vesta_is_identity(&r) ? ZK_OK : ZK_ERR_VERIFY;
}
