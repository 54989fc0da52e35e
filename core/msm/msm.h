/* Multi-scalar multiplication: out = sum(i < n, scalars[i] * bases[i]).
 *
 * For Vesta (Fq coordinates, Fp scalars: the curve of IPA commitments and of
 * the IPA verifier) and Pallas (Fp coordinates, Fq scalars).
 *
 * Every function here is VARIABLE TIME in both the scalars and the bases (the
 * running time and memory access pattern depend on their values): use it only
 * where both are public, or where the scalars are already blinded. Hence the
 * _var suffix.
 *
 * Algorithm (msm_impl.inc has the details): each scalar is split with the
 * curve endomorphism (x, y) -> (ZETA x, y) = [lambda](x, y) into two halves
 * below 2^127 (GLV), recoded into signed (Booth) digits over W windows, so
 * 2^(c-1) buckets per window of width c. Buckets accumulate in affine
 * coordinates with batched additions: one field inversion per batch of up to
 * 2048 additions (Montgomery's trick); an addition whose bucket is already in
 * the batch waits in a queue; P + P and P + (-P) are detected. Buckets are
 * reduced by segmented running sums, also batched affine. Windows (grouped
 * when narrow) run as tasks on the thread pool (core/util/threads.h).
 * Inputs below 128 points use projective buckets.
 * Windows are chosen per n and thread count by a cost model, e.g. on one
 * thread: n = 2^12 -> W = 12 (c = 11), 2^16 -> W = 9 (c = 15), 2^18 and up
 * -> W = 8 (c = 16); on two threads W is kept even (2^16 -> W = 10).
 *
 * Inputs: bases are affine points on the curve or the identity (0, 0); they
 * are not validated (an off-curve base gives a meaningless result, never a
 * crash). Equal and opposite bases, identity bases and zero scalars may appear
 * anywhere. Results are returned in projective form (convert with
 * zk_vesta_to_affine_var if needed); out may not alias the inputs. n = 0
 * gives the identity.
 *
 * Memory: about 110 bytes per point (recoded scalars, ZETA x, -y) plus, per
 * thread, the buckets of the windows in flight (2^(c-1) affine points each):
 * about 8 MiB at n = 2^16, 110 MiB at 2^20. zk_msm_opts.max_scratch bounds
 * it by processing the input in chunks. Every function returns ZK_OK,
 * ZK_ERR_NOMEM (out is then the identity) or ZK_ERR_INVALID_ARG (NULL
 * pointers with n > 0, bad options). */
#ifndef ZK_MSM_MSM_H
#define ZK_MSM_MSM_H

#include <stddef.h>
#include <stdint.h>

#include "curve/curve.h"
#include "util/status.h"

/* Tuning and resource options. A zero-initialised struct (or a NULL pointer)
 * selects the defaults; the non-zero overrides exist for tests and tuning. */
typedef struct {
    /* Upper bound on the threads working on this MSM, the caller included:
     * 0 = every thread of the pool (zk_threads_count()), 1 = the calling
     * thread only. */
    unsigned max_threads;
    /* Soft cap in bytes on the scratch memory the MSM allocates (0 = no cap):
     * the input is then processed in chunks of points that fit, down to a
     * minimum of 1024 points per chunk. */
    size_t max_scratch;
    /* 0 = tuned by n and target; 1..16 forces the window width c. */
    unsigned window;
    /* 0 = tuned; >= 1 forces the number of additions per batched inversion. */
    unsigned batch;
    /* ZK_MSM_* flags below. */
    unsigned flags;
} zk_msm_opts;

#define ZK_MSM_NO_GLV 1u     /* windows over the whole ~255-bit scalar */
#define ZK_MSM_AFFINE 2u     /* batch-affine buckets even for tiny n */
#define ZK_MSM_PROJECTIVE 4u /* projective buckets at any n (no batching) */
#define ZK_MSM_PROJ_REDUCE 8u /* bucket reduction in projective coordinates only */
#define ZK_MSM_SPLIT_POINTS 16u /* also split the points in 3 ranges (what many threads do) */

/* Scratch bytes an MSM of n points would allocate with these options (NULL =
 * defaults), at most (a planning aid for callers that budget memory). */
size_t zk_msm_scratch_bytes(size_t n, const zk_msm_opts *opts);

#define ZK_MSM_DECL_(C, A, T, S)                                                         \
    /* out = sum scalars[i] * bases[i]. */                                               \
    zk_status zk_##C##_msm_var(T *out, const S *scalars, const A *bases, size_t n);      \
    /* The same with options (opts may be NULL). */                                      \
    zk_status zk_##C##_msm_opt_var(T *out, const S *scalars, const A *bases, size_t n,  \
                                   const zk_msm_opts *opts);                             \
    /* Scalars given as canonical little-endian 256-bit integers (what                  \
     * to_canonical returns), skipping the conversion out of Montgomery form.            \
     * Any 256-bit value is accepted and taken modulo the group order. */                \
    zk_status zk_##C##_msm_u64_var(T *out, const uint64_t (*scalars)[4], const A *bases, \
                                   size_t n, const zk_msm_opts *opts);                   \
    /* Reference: shared-doubling double-and-add with the complete formulas, no          \
     * windows, no batching, no endomorphism; slow, for tests. */                        \
    zk_status zk_##C##_msm_naive_var(T *out, const S *scalars, const A *bases, size_t n);

ZK_MSM_DECL_(vesta, zk_vesta_affine, zk_vesta, zk_fp)
ZK_MSM_DECL_(pallas, zk_pallas_affine, zk_pallas, zk_fq)

#undef ZK_MSM_DECL_

#endif
