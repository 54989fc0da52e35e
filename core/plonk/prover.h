/* The PLONK prover: halo2_proofs 0.3.2 create_proof for one circuit, byte for
 * byte (same transcript, same order of random draws, same proof).
 *
 * prover.c is a linear script of halo2's steps, one function each:
 *    0. hash the VK: common_scalar(transcript_repr)
 *    1. instance: pad each column to n, commit with blind 1, common_point
 *    2. advice: random values in the last blinding_factors + 1 rows of every
 *       column (column by column), then one blind per column, commit, write
 *    3. theta; per lookup: compress inputs and tables with theta, permute
 *       (sort, as halo2: variable time in the witness), random blinding rows
 *       for A' then S', blinds for A' and S', commit, write
 *    4. beta, gamma; permutation products, chunk_len = degree - 2 columns
 *       per set: z with random blinding rows and a blind, commit, write
 *    5. per lookup: the product z with random blinding rows, blind, commit
 *    6. vanishing: a random polynomial (n coefficients) and blind, commit
 *    7. y; h(X) = (sum of y-powers of every constraint) / (X^n - 1) on the
 *       extended coset, evaluated one part (an n-point coset) at a time
 *       (keygen.h) so no column is held at 2^extended_k at once
 *    8. h(X) in coefficients, split into quotient_poly_degree pieces of n,
 *       one blind each, commit, write
 *    9. x; write the evaluations: instance, advice, fixed, vanishing random
 *       polynomial, permutation sigmas, permutation products, lookups
 *   10. multiopen (commit/multiopen.h) of every query, then the IPA
 * Each argument's state object carries a stage (halo2's staged types: lookup
 * Permuted -> Committed -> Constructed -> Evaluated; permutation and vanishing
 * Committed -> Constructed -> Evaluated) that every step checks, returning
 * ZK_ERR_STATE if a step runs out of order. Memory is released as soon as a
 * step no longer needs it (advice and instance Lagrange values after step 4,
 * lookup Lagrange values after step 5, h's extended values after step 8).
 *
 * Secrets: the advice values and every blind. Field arithmetic on them is
 * constant time; commitments use the variable-time MSM (as halo2, see
 * commit/params.h) and the lookup permutation sorts witness values (as
 * halo2). Run the prover where the timing of one proof is not observable if
 * that matters. */
#ifndef ZK_PLONK_PROVER_H
#define ZK_PLONK_PROVER_H

#include <stddef.h>
#include <stdint.h>

#include "commit/params.h"
#include "plonk/assign.h"
#include "plonk/keygen.h"
#include "transcript/transcript.h"
#include "util/rng.h"
#include "util/status.h"

/* Progress stages (the step numbers above). */
typedef enum {
    ZK_PROVE_STAGE_INSTANCE = 1,
    ZK_PROVE_STAGE_ADVICE,
    ZK_PROVE_STAGE_LOOKUP_PERMUTED,
    ZK_PROVE_STAGE_PERMUTATION,
    ZK_PROVE_STAGE_LOOKUP_PRODUCT,
    ZK_PROVE_STAGE_VANISHING_RANDOM,
    ZK_PROVE_STAGE_QUOTIENT,        /* reported once per part */
    ZK_PROVE_STAGE_QUOTIENT_COMMIT,
    ZK_PROVE_STAGE_EVALUATIONS,
    ZK_PROVE_STAGE_MULTIOPEN,
    ZK_PROVE_STAGE_DONE
} zk_prove_stage;

const char *zk_prove_stage_name(zk_prove_stage stage);

/* Called after each step (and each quotient part) with the stage just
 * finished and the units of work done so far out of total (total is fixed for
 * a proof; done reaches total at ZK_PROVE_STAGE_DONE). Returning nonzero
 * cancels: the prover frees everything and returns ZK_ERR_CANCELLED. It runs
 * on the calling thread. */
typedef int (*zk_prove_progress_fn)(void *ctx, zk_prove_stage stage, uint64_t done, uint64_t total);

/* Prover flags. */
#define ZK_PROVE_FORCE 1u /* testing only: when a lookup input is missing from its table, carry on
                           * (the proof will not verify) instead of failing with ZK_ERR_VERIFY */

typedef struct {
    zk_prove_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    unsigned flags;
} zk_prove_opts;

/* Writes a proof for the circuit of pk to t (a transcript writer, normally
 * fresh).
 *   params      IPA parameters with params->k == pk->vk->k
 *   instances   [num_instance] columns; column c has instance_lens[c] values
 *               (at most the usable rows; the rest are zero)
 *   asg         the assignment: advice rows 0..usable-1 are read (the rest is
 *               ignored and replaced by blinding values); its fixed columns
 *               and copies are not used (they are in pk)
 *   rng         every random draw, in halo2's order (zk_rng_init_os for real
 *               proofs; SplitMix64 reproduces the conformance vectors)
 *   opts        may be NULL
 * Errors: ZK_ERR_INVALID_ARG / ZK_ERR_SHAPE (arguments that do not fit pk),
 * ZK_ERR_RANGE (an instance column too long), ZK_ERR_VERIFY (a lookup input
 * is not in its table: halo2's ConstraintSystemFailure), ZK_ERR_CANCELLED,
 * ZK_ERR_NOMEM, the rng's or transcript's errors. On error the transcript
 * holds a partial proof and must be discarded. */
zk_status zk_plonk_prove(const zk_ipa_params *params, const zk_plonk_pk *pk, const zk_fp *const *instances,
                         const size_t *instance_lens, const zk_assignment *asg, zk_rng *rng, zk_transcript *t,
                         const zk_prove_opts *opts, zk_error *err);

/* The same with the instance columns of asg (asg->instance, asg->instance_len). */
zk_status zk_plonk_prove_asg(const zk_ipa_params *params, const zk_plonk_pk *pk, const zk_assignment *asg,
                             zk_rng *rng, zk_transcript *t, const zk_prove_opts *opts, zk_error *err);

/* Proof size in bytes for a circuit (fixed by the VK and k). */
size_t zk_plonk_proof_size(const zk_plonk_vk *vk);

#endif
