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

#endif
