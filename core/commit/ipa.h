/* The inner-product argument that opens an IPA commitment at a point:
 * halo2_proofs 0.3.2 poly::commitment::{create_proof, verify_proof, Guard,
 * Accumulator}, byte for byte (tests/vectors/ipa_opening.json).
 *
 * Statement: P = commit(p, r) = sum p_i g_i + r w and p(x) = v, for a
 * polynomial p of n = 2^k coefficients. The caller's transcript must already
 * hold P, x and v (as halo2 assumes); the argument then appends
 *   S | k x (L_j, R_j) | c | f          (32 (2k + 3) bytes)
 * and squeezes xi, z and u_0..u_{k-1} from it (tests/vectors/README.md has the
 * prover's steps and the verifier's equation).
 *
 * The verifier does not do the final MSM: it adds its terms to a deferred MSM
 * (msm_acc.h) and returns a guard with the challenges; the caller then adds
 * the [-c] G'_0 term, either as n scalars on the g_i (use_challenges: the
 * usual way, one final MSM for everything) or as a point G'_0 computed
 * separately (compute_g / use_g: halo2's accumulation), and checks the MSM
 * once, possibly together with other proofs' MSMs (zk_ipa_msm_accumulate). */
#ifndef ZK_COMMIT_IPA_H
#define ZK_COMMIT_IPA_H

#include <stddef.h>

#include "commit/msm_acc.h"
#include "commit/params.h"
#include "transcript/transcript.h"
#include "util/rng.h"
#include "util/status.h"

/* Bytes the argument adds to a proof for n = 2^k. */
#define ZK_IPA_PROOF_BYTES(k) (32 * (2 * (size_t)(k) + 3))

/* Proves that poly (n coefficients) with blind opens to poly(x) at x.
 * Draws, in halo2's order: the n coefficients of s, s's blind, then per round
 * the blinds of L_j and R_j, all through rng (zk_rng_fp). poly and blind are
 * secret: the field arithmetic on them is constant time, the blinds' and inner
 * products' multiples of w and u use fixed-base tables, and the MSMs over the
 * (masked) vectors are variable time, acceptable only because of the blinding
 * (params.h). Memory: 2n field elements and n points (half affine, half
 * projective scratch) besides poly, freed on return.
 * Errors: ZK_ERR_INVALID_ARG, ZK_ERR_NOMEM, the rng's or transcript's error. */
zk_status zk_ipa_create_proof(const zk_ipa_params *p, zk_rng *rng, zk_transcript *t,
                              const zk_fp *poly, const zk_fp *blind, const zk_fp *x);

/* What the verifier keeps for the final check: c negated and the round
 * challenges (halo2's Guard without its MSM, which stays with the caller). */
typedef struct {
    unsigned k;
    zk_fp neg_c;
    zk_fp u[ZK_IPA_MAX_K]; /* u_0 .. u_{k-1} */
} zk_ipa_guard;

/* Reads the argument from t and adds its terms to msm, which must hold P
 * (as a point or a linear combination) on entry: on ZK_OK msm holds
 *   P - v g_0 + xi S + sum_j (u_j^-1 L_j + u_j R_j) - c b z u - f w
 * which the guard completes to the verifier's equation. On error (a point or
 * scalar that does not decode: ZK_ERR_ENCODING; the proof too short:
 * ZK_ERR_TRUNCATED; ZK_ERR_NOMEM) msm is left partly updated and must be
 * discarded. Variable time (all public). */
zk_status zk_ipa_verify_proof(const zk_ipa_params *p, zk_ipa_msm *msm, zk_transcript *t,
                              const zk_fp *x, const zk_fp *v, zk_ipa_guard *guard);

/* msm += [-c] G'_0 as scalars on the g_i: the coefficients s of
 * prod_i (1 + u_{k-1-i} X^(2^i)) times -c (halo2 Guard::use_challenges). */
zk_status zk_ipa_guard_use_challenges(const zk_ipa_guard *guard, zk_ipa_msm *msm);
/* *g0 = G'_0 = sum_i s_i g_i (halo2 Guard::compute_g): an MSM of size n. */
zk_status zk_ipa_guard_compute_g(const zk_ipa_guard *guard, const zk_ipa_params *p, zk_vesta_affine *g0);
/* msm += [-c] g0 for a G'_0 obtained elsewhere (halo2 Guard::use_g). */
zk_status zk_ipa_guard_use_g(const zk_ipa_guard *guard, zk_ipa_msm *msm, const zk_vesta_affine *g0);

/* b = prod_{i<k} (1 + u_{k-1-i} x^(2^i)): the collapsed vector of powers of x
 * (halo2 compute_b). */
void zk_ipa_compute_b(zk_fp *b, const zk_fp *x, const zk_fp *u, unsigned k);
/* s[0..2^k) = init * the coefficients of prod_{i<k} (1 + u_{k-1-i} X^(2^i)),
 * i.e. s[m] = init * prod of u_j over the bits of m, bit (k-1-j) selecting
 * u_j (halo2 compute_s). */
void zk_ipa_compute_s(zk_fp *s, const zk_fp *u, unsigned k, const zk_fp *init);

#endif
