/* The IPA opening argument (halo2 poly::commitment prover.rs / verifier.rs). */
#include "commit/ipa.h"

#include <stdlib.h>
#include <string.h>

#include "commit/collapse.h"
#include "msm/msm.h"
#include "poly/poly.h"

static void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}

/* ---- halo2 compute_b / compute_s ---- */

void zk_ipa_compute_b(zk_fp *b, const zk_fp *x, const zk_fp *u, unsigned k) {
    zk_fp acc, cur = *x, t;
    zk_fp_one(&acc);
    for (unsigned i = 0; i < k; i++) { /* u_{k-1}, ..., u_0 */
        zk_fp_mul(&t, &u[k - 1 - i], &cur);
        zk_fp one;
        zk_fp_one(&one);
        zk_fp_add(&t, &t, &one);
        zk_fp_mul(&acc, &acc, &t);
        zk_fp_sqr(&cur, &cur);
    }
    *b = acc;
}

void zk_ipa_compute_s(zk_fp *s, const zk_fp *u, unsigned k, const zk_fp *init) {
    s[0] = *init;
    for (unsigned i = 0; i < k; i++) { /* s[len..2 len) = s[0..len) * u_{k-1-i} */
        size_t len = (size_t)1 << i;
        zk_fp_poly_scale(s + len, s, &u[k - 1 - i], len);
    }
}

/* ---- prover ---- */

/* out = msm(scalars, bases, len) + [value] u + [blind] w; the two multiples
 * in constant time (value and blind are secret). */
static zk_status round_point(const zk_ipa_params *p, zk_vesta_affine *out, const zk_fp *scalars,
                             const zk_vesta_affine *bases, size_t len, const zk_fp *value,
                             const zk_fp *blind) {
    zk_vesta acc, t;
    /* Variable time in the scalars: they are masked by xi * s (params.h). */
    zk_status st = zk_vesta_msm_var(&acc, scalars, bases, len);
    if (st != ZK_OK) return st;
    zk_vesta_fixed_mul(&t, p->u_table, value);
    zk_vesta_add(&acc, &acc, &t);
    zk_vesta_fixed_mul(&t, p->w_table, blind);
    zk_vesta_add(&acc, &acc, &t);
    /* constant time: the projective form still depends on the secrets */
    zk_vesta_to_affine(out, &acc);
    return ZK_OK;
}

zk_status zk_ipa_create_proof(const zk_ipa_params *p, zk_rng *rng, zk_transcript *t,
                              const zk_fp *poly, const zk_fp *blind, const zk_fp *x) {
    if (!p || !rng || !t || !poly || !blind || !x) return ZK_ERR_INVALID_ARG;
    size_t n = p->n, half = n / 2;
    zk_fp *a = malloc(n * sizeof *a);    /* s, then p' */
    zk_fp *b = malloc(n * sizeof *b);    /* powers of x */
    zk_vesta_affine *gp = malloc(half * sizeof *gp); /* G' after round 0 */
    zk_vesta *scratch = malloc(half * sizeof *scratch);
    zk_status st = a && b && gp && scratch ? ZK_OK : ZK_ERR_NOMEM;
    zk_fp f, s_blind, xi, z, e, l_rand, r_rand, one;
    zk_fp_one(&one);

    /* s: random with s(x) = 0, committed with a random blind */
    if (st == ZK_OK) st = zk_rng_fp_many(rng, a, n);
    if (st == ZK_OK) {
        zk_fp_poly_eval(&e, a, n, x);
        zk_fp_sub(&a[0], &a[0], &e);
        st = zk_rng_fp(rng, &s_blind);
    }
    if (st == ZK_OK) {
        zk_vesta sc;
        zk_vesta_affine sa;
        st = zk_ipa_commit(p, &sc, a, n, &s_blind);
        if (st == ZK_OK) {
            zk_vesta_to_affine(&sa, &sc); /* constant time, as in round_point */
            st = zk_transcript_vesta_write_point(t, &sa);
        }
    }
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &xi);
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &z);
    if (st == ZK_OK) {
        /* p' = xi s + p with p'(x) moved to 0; its blind f = xi s_blind + r */
        zk_fp_poly_scale_add(a, &xi, poly, n);
        zk_fp_poly_eval(&e, a, n, x);
        zk_fp_sub(&a[0], &a[0], &e);
        zk_fp_mul(&f, &s_blind, &xi);
        zk_fp_add(&f, &f, blind);
        zk_fp_poly_powers(b, n, &one, x);
    }

    const zk_vesta_affine *g = p->g;
    for (unsigned j = 0; st == ZK_OK && j < p->k; j++) {
        size_t h = n >> (j + 1);
        zk_vesta_affine l, r;
        zk_fp vl, vr, u, u_inv;
        zk_fp_poly_inner_product(&vl, a + h, b, h);
        zk_fp_poly_inner_product(&vr, a, b + h, h);
        zk_fp_mul(&vl, &vl, &z);
        zk_fp_mul(&vr, &vr, &z);
        st = zk_rng_fp(rng, &l_rand);
        if (st == ZK_OK) st = zk_rng_fp(rng, &r_rand);
        if (st == ZK_OK) st = round_point(p, &l, a + h, g, h, &vl, &l_rand);
        if (st == ZK_OK) st = round_point(p, &r, a, g + h, h, &vr, &r_rand);
        if (st == ZK_OK) st = zk_transcript_vesta_write_point(t, &l);
        if (st == ZK_OK) st = zk_transcript_vesta_write_point(t, &r);
        if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &u);
        if (st != ZK_OK) break;
        zk_fp_inv_var(&u_inv, &u); /* a challenge: public */
        /* fold: p'[i] += u^-1 p'[i + h], b[i] += u b[i + h], G'[i] += u G'[i + h] */
        zk_fp_poly_axpy(a, &u_inv, a + h, h);
        zk_fp_poly_axpy(b, &u, b + h, h);
        if (h > 1) {
            st = zk_ipa_collapse_(gp, g, h, &u, scratch); /* public points and challenge */
            g = gp;
        }
        zk_fp_mul(&l_rand, &l_rand, &u_inv);
        zk_fp_mul(&r_rand, &r_rand, &u);
        zk_fp_add(&f, &f, &l_rand);
        zk_fp_add(&f, &f, &r_rand);
    }
    if (st == ZK_OK) st = zk_transcript_vesta_write_scalar(t, &a[0]);
    if (st == ZK_OK) st = zk_transcript_vesta_write_scalar(t, &f);

    if (a) wipe(a, n * sizeof *a);
    wipe(&f, sizeof f);
    wipe(&s_blind, sizeof s_blind);
    wipe(&l_rand, sizeof l_rand);
    wipe(&r_rand, sizeof r_rand);
    free(a);
    free(b);
    free(gp);
    free(scratch);
    return st;
}

/* ---- verifier ---- */

zk_status zk_ipa_verify_proof(const zk_ipa_params *p, zk_ipa_msm *msm, zk_transcript *t,
                              const zk_fp *x, const zk_fp *v, zk_ipa_guard *guard) {
    if (!p || !msm || !t || !x || !v || !guard || msm->params != p) return ZK_ERR_INVALID_ARG;
    unsigned k = p->k;
    zk_fp e, xi, z, c, f, u_inv[ZK_IPA_MAX_K];
    zk_vesta_affine s, l[ZK_IPA_MAX_K], r[ZK_IPA_MAX_K];

    /* P' = P - [v] g_0 + [xi] S */
    zk_fp_neg(&e, v);
    zk_status st = zk_ipa_msm_add_constant_term(msm, &e);
    if (st == ZK_OK) st = zk_transcript_vesta_read_point(t, &s);
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &xi);
    if (st == ZK_OK) st = zk_ipa_msm_append_term(msm, &xi, &s);
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &z);
    for (unsigned j = 0; st == ZK_OK && j < k; j++) {
        st = zk_transcript_vesta_read_point(t, &l[j]);
        if (st == ZK_OK) st = zk_transcript_vesta_read_point(t, &r[j]);
        if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &guard->u[j]);
    }
    if (st == ZK_OK) st = zk_fp_batch_inv_var(u_inv, guard->u, k);
    /* + sum_j [u_j^-1] L_j + [u_j] R_j */
    for (unsigned j = 0; st == ZK_OK && j < k; j++) {
        st = zk_ipa_msm_append_term(msm, &u_inv[j], &l[j]);
        if (st == ZK_OK) st = zk_ipa_msm_append_term(msm, &guard->u[j], &r[j]);
    }
    if (st == ZK_OK) st = zk_transcript_vesta_read_scalar(t, &c);
    if (st == ZK_OK) st = zk_transcript_vesta_read_scalar(t, &f);
    if (st != ZK_OK) return st;
    /* + [-c b z] u + [-f] w; [-c] G'_0 is the guard's */
    guard->k = k;
    zk_fp_neg(&guard->neg_c, &c);
    zk_ipa_compute_b(&e, x, guard->u, k);
    zk_fp_mul(&e, &e, &guard->neg_c);
    zk_fp_mul(&e, &e, &z);
    zk_ipa_msm_add_to_u_scalar(msm, &e);
    zk_fp_neg(&f, &f);
    zk_ipa_msm_add_to_w_scalar(msm, &f);
    return ZK_OK;
}

static zk_status guard_s(const zk_ipa_guard *guard, size_t n, const zk_fp *init, zk_fp **out) {
    if (!guard || guard->k < ZK_IPA_MIN_K || guard->k > ZK_IPA_MAX_K || n != (size_t)1 << guard->k)
        return ZK_ERR_INVALID_ARG;
    zk_fp *s = malloc(n * sizeof *s);
    if (!s) return ZK_ERR_NOMEM;
    zk_ipa_compute_s(s, guard->u, guard->k, init);
    *out = s;
    return ZK_OK;
}

zk_status zk_ipa_guard_use_challenges(const zk_ipa_guard *guard, zk_ipa_msm *msm) {
    if (!msm) return ZK_ERR_INVALID_ARG;
    zk_fp *s;
    zk_status st = guard_s(guard, msm->params->n, &guard->neg_c, &s);
    if (st != ZK_OK) return st;
    st = zk_ipa_msm_add_to_g_scalars(msm, s, msm->params->n);
    free(s);
    return st;
}

zk_status zk_ipa_guard_compute_g(const zk_ipa_guard *guard, const zk_ipa_params *p, zk_vesta_affine *g0) {
    if (!p || !g0) return ZK_ERR_INVALID_ARG;
    zk_fp one, *s;
    zk_fp_one(&one);
    zk_status st = guard_s(guard, p->n, &one, &s);
    if (st != ZK_OK) return st;
    zk_vesta acc;
    st = zk_vesta_msm_var(&acc, s, p->g, p->n);
    free(s);
    if (st == ZK_OK) zk_vesta_to_affine_var(g0, &acc);
    return st;
}

zk_status zk_ipa_guard_use_g(const zk_ipa_guard *guard, zk_ipa_msm *msm, const zk_vesta_affine *g0) {
    if (!guard || !msm || !g0) return ZK_ERR_INVALID_ARG;
    return zk_ipa_msm_append_term(msm, &guard->neg_c, g0);
}
