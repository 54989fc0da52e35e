/* Key generation (halo2 plonk/keygen.rs keygen_vk, keygen_pk) and the
 * proving key.
 *
 * Input: the IPA parameters (k = the circuit's k), the constraint system
 * after selector compression (selectors as fixed columns) and an assignment
 * whose fixed columns and copy constraints define the circuit (its advice is
 * ignored). Keygen computes, as halo2 does:
 *   - the domain EvaluationDomain(cs degree, k);
 *   - sigma_j, the permutation polynomials (permutation.h: Assembly::copy
 *     over the copies in order);
 *   - fixed commitments commit_lagrange(fixed_c, blind 1) and permutation
 *     commitments commit_lagrange(sigma_j, blind 1) (halo2's Blind::default());
 *   - the VK (vk.h) and its transcript_repr per mode.
 * The proving key adds what the prover needs: fixed and sigma columns as
 * Lagrange values, coefficients and (optionally) values on the extended coset.
 * halo2 also stores l_0, l_blind and l_last on the extended coset; we derive
 * them per quotient part from a closed form instead (prover.c).
 *
 * Extended coset layout ("parts"): the extended domain of size 2^extended_k
 * has t = 2^(extended_k - k) parts; part j is the coset c_j H with
 * c_j = ZETA * extended_omega^j and H the n-th roots of unity, i.e. the
 * extended points of index j, j + t, j + 2t, ... Part j of a column is
 * stored as n consecutive values p(c_j omega^i), i < n. A row rotation stays
 * inside a part, so the prover evaluates h(X) one part at a time with n
 * values per column in memory (prover.h).
 *
 * Costs: keygen_vk does num_fixed + num_perm_columns MSMs of size n (the
 * commitments), keygen_pk only NTTs (no MSM): regenerating a proving key from
 * a stored VK and the circuit is cheap. */
#ifndef ZK_PLONK_KEYGEN_H
#define ZK_PLONK_KEYGEN_H

#include <stddef.h>
#include <stdint.h>

#include "commit/params.h"
#include "plonk/assign.h"
#include "plonk/cs.h"
#include "plonk/eval.h"
#include "plonk/vk.h"
#include "poly/poly.h"
#include "util/status.h"

/* Proving-key flags. */
#define ZK_PK_NO_COSETS 1u /* do not store fixed and sigma columns on the extended coset
                            * (saves 2 t n field elements per column; the prover then
                            * recomputes each part, t NTTs of size n per column per proof) */

/* Read-only once built: one proving key may serve concurrent provers. */
typedef struct zk_plonk_pk {
    const zk_plonk_vk *vk;   /* the verifying key (borrowed unless owns_vk) */
    int owns_vk;
    unsigned flags;
    zk_fp_domain *domain;    /* with NTT tables up to extended_k */
    size_t n, parts;         /* parts t = extended_n / n */
    uint32_t num_fixed, num_perm;
    zk_fp *fixed_values;     /* [num_fixed][n] Lagrange values */
    zk_fp *fixed_polys;      /* [num_fixed][n] coefficients */
    zk_fp *fixed_cosets;     /* [num_fixed][t][n], NULL with ZK_PK_NO_COSETS */
    zk_fp *sigma_values;     /* [num_perm][n] */
    zk_fp *sigma_polys;      /* [num_perm][n] */
    zk_fp *sigma_cosets;     /* [num_perm][t][n], NULL with ZK_PK_NO_COSETS */
    zk_expr_prog *gates;     /* every gate polynomial, in order (halo2's flattening) */
    zk_expr_prog **lookups;  /* [num_lookups]: roots inputs[0..m) then tables[0..m) */
} zk_plonk_pk;

/* *out = the verifying key of (cs, asg) over params (params->k == asg->k).
 * Errors: ZK_ERR_SHAPE (asg does not fit cs, k mismatch), ZK_ERR_RANGE (too
 * few rows), ZK_ERR_UNSUPPORTED (selectors not compressed), ZK_ERR_INVALID_ARG
 * (a copy between columns outside the permutation), ZK_ERR_NOMEM. */
zk_status zk_plonk_keygen_vk(const zk_ipa_params *params, const zk_cs *cs, const zk_assignment *asg,
                             zk_vk_transcript_mode mode, zk_plonk_vk **out, zk_error *err);

/* *out = the proving key for vk from the circuit's assignment (fixed columns
 * and copies; asg->k == vk->k, columns as vk->cs). vk is borrowed and must
 * outlive the key. No MSM: the caller vouches that asg is the circuit vk was
 * made from (otherwise proofs simply fail to verify); ZK_PK_CHECK (with
 * params) recomputes the commitments and compares. */
#define ZK_PK_CHECK 2u
zk_status zk_plonk_keygen_pk(const zk_ipa_params *params, const zk_plonk_vk *vk, const zk_assignment *asg,
                             unsigned flags, zk_plonk_pk **out, zk_error *err);

/* Both at once, sharing the permutation assembly: *vk_out and *pk_out (pk
 * borrows vk: free pk first). pk_out may be NULL (VK only). */
zk_status zk_plonk_keygen(const zk_ipa_params *params, const zk_cs *cs, const zk_assignment *asg,
                          zk_vk_transcript_mode mode, unsigned pk_flags, zk_plonk_vk **vk_out, zk_plonk_pk **pk_out,
                          zk_error *err);

/* Keygen with progress and cancellation, for a UI (keygen at k = 16 takes
 * seconds in a browser). The callback runs on the calling thread after the
 * permutation is assembled, after each column's commitment and, with pk_out,
 * after each column's proving-key transform: done counts those units out of
 * total = 1 + (fixed + permutation columns) x (2 with pk_out, else 1).
 * Returning nonzero cancels: everything is freed, ZK_ERR_CANCELLED. */
typedef enum {
    ZK_KEYGEN_STAGE_PERMUTATION = 1, /* the copy constraints' permutation (sigma) */
    ZK_KEYGEN_STAGE_COMMIT,          /* one fixed or sigma column committed */
    ZK_KEYGEN_STAGE_PK               /* one column's coefficients and coset parts */
} zk_keygen_stage;
typedef int (*zk_keygen_progress_fn)(void *ctx, zk_keygen_stage stage, uint64_t done, uint64_t total);
typedef struct {
    zk_keygen_progress_fn progress; /* may be NULL */
    void *progress_ctx;
} zk_keygen_opts;
zk_status zk_plonk_keygen_ex(const zk_ipa_params *params, const zk_cs *cs, const zk_assignment *asg,
                             zk_vk_transcript_mode mode, unsigned pk_flags, const zk_keygen_opts *opts,
                             zk_plonk_vk **vk_out, zk_plonk_pk **pk_out, zk_error *err);

void zk_plonk_pk_free(zk_plonk_pk *pk); /* NULL is a no-op; frees the VK if it owns it */

/* Bytes the proving key holds in its arrays (for memory reports). */
size_t zk_plonk_pk_bytes(const zk_plonk_pk *pk);

/* ---- proving-key serialization ----
 * The expensive parts of keygen are the commitments (in the VK) and the
 * permutation assembly; everything else is NTTs. So a stored proving key is
 * the VK plus the Lagrange values of the fixed and sigma columns, and the
 * coefficients and cosets are recomputed on load:
 *   "zkPK" | version u32 = 1 | flags u32 = 0 | vk_len u64 | VK encoding (vk.h)
 *   | num_fixed x n fixed values | num_perm x n sigma values
 * (field elements 32-byte canonical little-endian; no trailing bytes). For
 * n = 2^17 and the mac circuit that is 38 MB. Regenerating from the circuit
 * (zk_plonk_keygen_pk) is the alternative and costs about the same.
 * zk_plonk_pk_read validates the layout and every element; with ZK_PK_CHECK
 * and params it also recomputes the commitments and compares them with the
 * VK (ZK_ERR_VERIFY on a mismatch). The key it returns owns its VK. */
zk_status zk_plonk_pk_write(const zk_plonk_pk *pk, uint8_t **out, size_t *out_len);
zk_status zk_plonk_pk_read(const zk_ipa_params *params, const uint8_t *bytes, size_t len, unsigned flags,
                           zk_plonk_pk **out, zk_error *err);

#endif
