/* The verifying key's identity: halo2's PinnedVerificationKey, printed
 * exactly as Rust's `format!("{:?}", vk.pinned())` prints it, and its hash
 * transcript_repr, the first thing a proof's transcript absorbs.
 *
 * The string covers the moduli, the domain (k, extended_k, omega), the
 * constraint system (column counts, num_selectors, every gate polynomial
 * flattened in order, the three query lists, permutation columns, lookups,
 * constants, minimum_degree) and the fixed and permutation commitments
 * (Vesta points, "(0x<x>, 0x<y>)" with big-endian hex, "Infinity" for the
 * identity). Any difference from halo2 changes transcript_repr and so every
 * challenge: tests compare it byte for byte with halo2's output. */
#ifndef ZK_PLONK_PINNED_H
#define ZK_PLONK_PINNED_H

#include <stddef.h>
#include <stdint.h>

#include "curve/curve.h"
#include "field/field.h"
#include "plonk/cs.h"
#include "util/status.h"

/* The few EvaluationDomain values keygen needs, as halo2's
 * EvaluationDomain::new(degree, k) computes them: quotient_poly_degree =
 * degree - 1, extended_k = least e >= k with 2^e >= 2^k * quotient_poly_degree,
 * extended_omega = ROOT_OF_UNITY^(2^(32 - extended_k)), omega =
 * extended_omega^(2^(extended_k - k)).
 * Private to the PLONK layer until core/poly's domain replaces it. */
typedef struct {
    uint32_t k, extended_k;
    uint64_t n, quotient_poly_degree;
    zk_fp omega, extended_omega;
} zk_plonk_domain;

/* ZK_ERR_RANGE if degree < 1 or extended_k would exceed 32. */
zk_status zk_plonk_domain_init(zk_plonk_domain *d, uint32_t degree, uint32_t k, zk_error *err);

/* Writes the pinned VK string for cs at size 2^k (the domain uses
 * zk_cs_degree(cs)). fixed_commitments has cs->num_fixed points, in fixed
 * column order; perm_commitments has cs->num_perm_columns, in permutation
 * column order. *out is a malloc'ed NUL-terminated string of *out_len bytes
 * (caller frees). ZK_ERR_SHAPE if the counts disagree with cs. */
zk_status zk_pinned_vk_string(const zk_cs *cs, uint32_t k, const zk_vesta_affine *fixed_commitments,
                              size_t num_fixed_commitments, const zk_vesta_affine *perm_commitments,
                              size_t num_perm_commitments, char **out, size_t *out_len, zk_error *err);

/* Rust's Debug of a field element: "0x" + 64 lowercase hex digits, big endian.
 * out gets 67 bytes including the NUL. */
void zk_fp_debug_hex(char out[67], const zk_fp *a);
void zk_fq_debug_hex(char out[67], const zk_fq *a);

/* transcript_repr = Fp::from_uniform_bytes(BLAKE2b-512 personalized
 * "Halo2-Verify-Key" over (len as u64 little-endian) || pinned), the digest
 * also returned in digest64 (may be NULL). */
zk_status zk_vk_transcript_repr(const char *pinned, size_t len, zk_fp *out, uint8_t digest64[64], zk_error *err);

#endif
