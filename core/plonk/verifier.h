/* The PLONK verifier: halo2_proofs 0.3.2 verify_proof for one circuit
 * instance, with SingleVerifier semantics (evaluate the final MSM and require
 * the identity), and a batch verifier over many proofs of one VK that checks
 * them all with one final MSM (halo2's BatchVerifier).
 *
 * What is checked, in halo2's order: the instance commitments (commit_lagrange
 * with blind 1) and the VK's transcript_repr seed the transcript; every
 * commitment and evaluation is read and every challenge squeezed as the
 * prover made them; the constraint expressions (gates, permutation, lookups)
 * at x folded with y must equal h(x) (x^n - 1), with h's commitment
 * sum x^(n i) H_i; the multiopen and IPA (commit/multiopen.h, ipa.h) reduce
 * every opening to one MSM, which must be the identity.
 *
 * Stricter than halo2: a proof followed by extra bytes is rejected (halo2
 * stops reading after the IPA and ignores the rest). Every malformed proof
 * (truncated, a point or scalar that does not decode, the identity where the
 * transcript cannot absorb it, wrong length) gives an error, never a crash:
 * ZK_ERR_TRUNCATED / ZK_ERR_ENCODING / ZK_ERR_PARSE for the bytes,
 * ZK_ERR_VERIFY for a well-formed proof that is false, ZK_ERR_SHAPE /
 * ZK_ERR_RANGE / ZK_ERR_INVALID_ARG for instances that do not fit the VK,
 * ZK_ERR_NOMEM. Everything here is public data: variable time. */
#ifndef ZK_PLONK_VERIFIER_H
#define ZK_PLONK_VERIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "commit/msm_acc.h"
#include "commit/params.h"
#include "plonk/vk.h"
#include "util/rng.h"
#include "util/status.h"

/* ZK_OK iff proof[0..proof_len) is a valid proof for vk and the instance
 * columns (instances[c] has instance_lens[c] values, at most the usable rows;
 * the rest are zero). params->k must equal vk->k.
 * instances and instance_lens must have vk->cs->num_instance entries: the
 * verifier cannot know the arrays' length, so a caller holding a VK from
 * untrusted bytes checks its shape (vk->cs->num_instance) against what it
 * expects before passing arrays sized for that. (The receipt layer will
 * carry the column count and check it.) */
zk_status zk_plonk_verify(const zk_ipa_params *params, const zk_plonk_vk *vk, const zk_fp *const *instances,
                          const size_t *instance_lens, const uint8_t *proof, size_t proof_len, zk_error *err);

/* The verifier without its last step: reads and checks everything but the
 * final MSM, which it leaves in *msm (initialised here; the caller frees it
 * with zk_ipa_msm_free, also on error). zk_ipa_msm_check(msm) then finishes
 * zk_plonk_verify. */
zk_status zk_plonk_verify_msm(const zk_ipa_params *params, const zk_plonk_vk *vk, const zk_fp *const *instances,
                              const size_t *instance_lens, const uint8_t *proof, size_t proof_len, zk_ipa_msm *msm,
                              zk_error *err);

/* ---- batch verification ----
 * zk_plonk_batch_add reads and checks one proof (everything but the MSM) and
 * adds its MSM to the batch scaled by a fresh random factor; the final check
 * evaluates one MSM for the whole batch. ZK_OK from zk_plonk_batch_finish
 * means every added proof is valid, except with probability about
 * (proofs)/2^254 if the factors are unpredictable to the provers: leave rng
 * NULL (the OS CSPRNG) outside tests. A proof that fails in add is reported
 * there and makes finish fail too; which proof of an accepted-looking batch
 * is bad needs individual verification (as in halo2). */
typedef struct zk_plonk_batch zk_plonk_batch;

/* params and vk (and rng, if not NULL) are borrowed for the batch's life. */
zk_status zk_plonk_batch_new(zk_plonk_batch **out, const zk_ipa_params *params, const zk_plonk_vk *vk, zk_rng *rng);
zk_status zk_plonk_batch_add(zk_plonk_batch *b, const zk_fp *const *instances, const size_t *instance_lens,
                             const uint8_t *proof, size_t proof_len, zk_error *err);
/* Proofs added so far (including failed ones). */
size_t zk_plonk_batch_count(const zk_plonk_batch *b);
/* ZK_OK iff every proof added is valid (and at least none failed in add);
 * ZK_ERR_VERIFY otherwise. The batch may not be used afterwards but freed. */
zk_status zk_plonk_batch_finish(zk_plonk_batch *b, zk_error *err);
void zk_plonk_batch_free(zk_plonk_batch *b);

#endif
