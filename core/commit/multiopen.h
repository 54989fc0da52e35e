/* Multi-point opening: halo2_proofs 0.3.2 poly::multiopen (create_proof,
 * verify_proof, construct_intermediate_sets), in halo2's exact order so that
 * a PLONK proof built on it is byte-compatible.
 *
 * A query says "the polynomial behind this commitment evaluates to eval at
 * point". The argument groups the queries:
 *   - points are numbered by first appearance in the query list;
 *   - commitments are taken in order of first appearance; two queries are
 *     about the same commitment iff they name the same object (the same
 *     polynomial pointer for the prover, the same zk_commitment_ref target
 *     for the verifier: halo2 compares references the same way, not values);
 *   - each commitment's set of points (sorted by point number) is a point
 *     set; point sets are numbered by first appearance in commitment order.
 * Then (transcript order): x1, x2 squeezed; per point set q = the set's
 * polynomials combined with powers of x1; q' = sum over sets (x2 powers) of
 * q / prod (X - point), committed with a fresh blind and written; x3
 * squeezed; each q(x3) written; x4 squeezed; the IPA (ipa.h) opens
 * q' x4^m + ... (x4 powers) at x3.
 * Two queries with the same commitment and the same point are an error
 * (halo2 0.3.1+ rejects them too, whatever the evaluations). */
#ifndef ZK_COMMIT_MULTIOPEN_H
#define ZK_COMMIT_MULTIOPEN_H

#include <stddef.h>

#include "commit/ipa.h"
#include "commit/msm_acc.h"
#include "commit/params.h"
#include "transcript/transcript.h"
#include "util/rng.h"
#include "util/status.h"

/* Prover query: poly has n coefficients and was committed with blind (the
 * first query of each poly gives the blind used). */
typedef struct {
    const zk_fp *poly;
    zk_fp blind;
    zk_fp point;
} zk_multiopen_prover_query;

/* A commitment the verifier refers to: exactly one of point (a commitment
 * point) or msm (a linear combination of points, e.g. PLONK's
 * h = sum x^(n i) h_i) is non-NULL. The target must outlive the verify call;
 * queries naming the same target pointer are one commitment. An msm must be
 * over the verifier's params. */
typedef struct {
    const zk_vesta_affine *point;
    const zk_ipa_msm *msm;
} zk_commitment_ref;

static inline zk_commitment_ref zk_commitment_ref_point(const zk_vesta_affine *p) {
    zk_commitment_ref r = {p, NULL};
    return r;
}
static inline zk_commitment_ref zk_commitment_ref_msm(const zk_ipa_msm *m) {
    zk_commitment_ref r = {NULL, m};
    return r;
}

typedef struct {
    zk_commitment_ref commitment;
    zk_fp point;
    zk_fp eval;
} zk_multiopen_verifier_query;

/* Writes the multi-opening of queries[0..count) (count >= 1) to t, drawing
 * q''s blind and then the IPA's randomness from rng (halo2's order).
 * Polynomials and blinds are secret (see ipa.h for what is constant time).
 * Memory: (point sets + 2) n field elements besides the IPA's.
 * ZK_ERR_INVALID_ARG for an empty list, a NULL poly or a repeated
 * (poly, point) pair; ZK_ERR_NOMEM; the rng's or transcript's errors. */
zk_status zk_multiopen_create_proof(const zk_ipa_params *p, zk_rng *rng, zk_transcript *t,
                                    const zk_multiopen_prover_query *queries, size_t count);

/* Reads the multi-opening from t and reduces it to one IPA opening whose
 * terms go into msm (halo2's verify_proof: msm usually starts empty; what it
 * holds is scaled by x4 per point set, as in halo2). On ZK_OK finish with
 * zk_ipa_guard_use_challenges(guard, msm) and zk_ipa_msm_check(msm) (or
 * accumulate it into a batch first). Errors: ZK_ERR_INVALID_ARG (bad or
 * repeated queries, or a ref with neither or both targets: the proof is then
 * not accepted), ZK_ERR_VERIFY (x3 hit a query point), decoding errors,
 * ZK_ERR_NOMEM; msm must then be discarded. */
zk_status zk_multiopen_verify_proof(const zk_ipa_params *p, zk_transcript *t,
                                    const zk_multiopen_verifier_query *queries, size_t count,
                                    zk_ipa_msm *msm, zk_ipa_guard *guard);

#endif
