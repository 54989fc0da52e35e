/* Helpers shared by keygen.c, prover.c and verifier.c (not a public API). */
#ifndef ZK_PLONK_INTERNAL_H
#define ZK_PLONK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "poly/poly.h"

/* c = ZETA * extended_omega^j: the generator of quotient part j (keygen.h). */
static inline void zk_plonk_part_gen(const zk_fp_domain *d, size_t j, zk_fp *c) {
    zk_fp w;
    zk_fp_pow_u64(&w, &d->extended_omega, (uint64_t)j);
    zk_fp_mul(c, &d->g_coset, &w);
}

/* out[0..n) = the values of the polynomial with coefficients coeffs[0..n) on
 * part j: p(c_j omega^i). out must not overlap coeffs. */
static inline zk_status zk_plonk_coeffs_to_part(const zk_fp_domain *d, zk_fp *out, const zk_fp *coeffs, size_t j) {
    zk_fp c;
    zk_plonk_part_gen(d, j, &c);
    for (size_t i = 0; i < d->n; i++) out[i] = coeffs[i];
    return zk_fp_ntt_coset_forward(d->ntt, out, d->k, &c);
}

/* 1 if committing to values[0..n) as an MSM over the Lagrange basis is a
 * good idea: the MSM is cheap on small scalars (most witness values) but
 * slow when many scalars are equal and large (every window's digits land in
 * one bucket: a worst case of the batched-affine buckets), so values with
 * runs of equal large entries are committed from their coefficients. */
static inline int zk_plonk_lagrange_friendly(const zk_fp *values, size_t n) {
    size_t repeats = 0;
    for (size_t i = 1; i < n; i++) {
        if (!zk_fp_eq(&values[i], &values[i - 1])) continue;
        uint64_t c[4];
        zk_fp_to_canonical(c, &values[i]);
        int small = (c[1] | c[2] | c[3]) == 0 && c[0] < ((uint64_t)1 << 32);
        if (!small) {
            zk_fp neg;
            zk_fp_neg(&neg, &values[i]);
            zk_fp_to_canonical(c, &neg);
            small = (c[1] | c[2] | c[3]) == 0 && c[0] < ((uint64_t)1 << 32);
        }
        if (!small && ++repeats > n / 32) return 0;
    }
    return 1;
}

#endif
