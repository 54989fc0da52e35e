/* Polynomials over the Pasta fields: radix-2 NTT, halo2's evaluation domain,
 * and vector helpers for the IPA and PLONK layers.
 *
 * Everything is declared twice, for zk_fp (the circuit field) and zk_fq, by
 * poly/poly_decl.inc: zk_fp_ntt_forward / zk_fq_ntt_forward, and so on. The
 * semantics follow halo2_proofs 0.3.2 (arithmetic.rs best_fft, poly/domain.rs
 * EvaluationDomain, arithmetic.rs eval_polynomial / kate_division /
 * compute_inner_product / lagrange_interpolate) and give the same field
 * elements bit for bit.
 *
 * Conventions for the whole area:
 *  - A polynomial is a plain array of field elements owned by the caller:
 *    coefficients (p[i] is the coefficient of X^i) or evaluations over a
 *    domain in natural order (p[i] = p(omega^i), or p(g * omega^i) on a coset).
 *  - n = 2^log_n; omega_n = ROOT_OF_UNITY^(2^(S - log_n)), the primitive n-th
 *    root halo2 uses, so every size shares one family of roots.
 *  - Large loops run on zk_parallel_for (parallel natively and with Emscripten
 *    pthreads, serial in WASI); results never depend on the thread count.
 *  - Every function is constant time in the field-element values it is given
 *    (witness polynomials are secret); only sizes, rotations and exponents
 *    steer control flow.
 *  - Outputs may alias inputs only where a function says so.
 *  - Functions that can fail return zk_status: ZK_ERR_INVALID_ARG for bad
 *    sizes or NULL objects, ZK_ERR_NOMEM when scratch cannot be allocated,
 *    ZK_ERR_STATE for an NTT on a domain built without tables. */
#ifndef ZK_POLY_POLY_H
#define ZK_POLY_POLY_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "util/status.h"

#define ZF_T zk_fp
#define ZF_(fn) zk_fp_##fn
#include "poly/poly_decl.inc"
#undef ZF_T
#undef ZF_

#define ZF_T zk_fq
#define ZF_(fn) zk_fq_##fn
#include "poly/poly_decl.inc"
#undef ZF_T
#undef ZF_

#endif
