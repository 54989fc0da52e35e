/* Public parameters of the IPA polynomial commitment over Vesta, and the
 * commitments themselves: halo2_proofs 0.3.2 poly::commitment::Params.
 *
 * With H = zk_vesta_hash_to_curve("Halo2-Parameters", .):
 *   g[i] = H([0x00, i as u32 little-endian])   for i < n = 2^k
 *   w    = H([0x01])   the blinding generator
 *   u    = H([0x02])   the inner-product generator of the IPA
 *   g_lagrange[j] = (1/n) sum_i omega^(-i j) g[i]   (omega the n-th root of
 *                  poly.h), so that sum_j e_j g_lagrange[j] commits to the
 *                  polynomial whose evaluations at omega^j are e_j.
 *   commit(p, r)          = sum_i p_i g[i] + r w
 *   commit_lagrange(e, r) = sum_j e_j g_lagrange[j] + r w = commit(iFFT(e), r)
 *
 * g_lagrange is what halo2 computes in Params::new and stores in
 * Params::write, but it costs a scalar multiplication per FFT butterfly
 * ((n/2) log n of them), so here it is optional: params are derived without
 * it, commit_lagrange then commits to iFFT(e) (a field iFFT, cheap next to the
 * MSM) and gives the same point, and zk_ipa_params_compute_lagrange or loading
 * a file that contains it adds it.
 *
 * A zk_ipa_params is read-only once built (compute_lagrange aside), so one
 * object may serve concurrent provers and verifiers. Every g[i], w and u is an
 * affine point that is not the identity. */
#ifndef ZK_COMMIT_PARAMS_H
#define ZK_COMMIT_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "curve/curve.h"
#include "field/field.h"
#include "poly/poly.h"
#include "util/status.h"

/* Supported sizes: 1 <= k <= ZK_IPA_MAX_K (halo2 allows 0..31; k = 0 has no
 * IPA round). 26 on 64-bit targets; 24 on wasm32, where 2^24 generators
 * already take 1.2 GB as affine points and every size stays below 2^32. */
#define ZK_IPA_MIN_K 1
#if SIZE_MAX > 0xffffffffu
#define ZK_IPA_MAX_K 26
#else
#define ZK_IPA_MAX_K 24
#endif

/* The hash-to-curve domain of the generators. */
#define ZK_IPA_PARAMS_DOMAIN "Halo2-Parameters"

typedef struct {
    unsigned k;
    size_t n;                    /* 2^k */
    zk_vesta_affine *g;          /* n generators (owned) */
    zk_vesta_affine *g_lagrange; /* n Lagrange-basis generators, or NULL */
    zk_vesta_affine w, u;
    zk_vesta_fixed *w_table;     /* fixed-base tables: blinds and inner products */
    zk_vesta_fixed *u_table;     /* are secret, so they are multiplied in constant time */
} zk_ipa_params;

/* Flags for zk_ipa_params_new. */
#define ZK_IPA_PARAMS_LAGRANGE 1u /* also compute g_lagrange now (slow) */

/* *out = Params::new(k): the generators by hash to curve (batched, parallel),
 * fixed-base tables for w and u, g_lagrange only with ZK_IPA_PARAMS_LAGRANGE.
 * ZK_ERR_INVALID_ARG for k out of range, ZK_ERR_NOMEM. Free with
 * zk_ipa_params_free. */
zk_status zk_ipa_params_new(zk_ipa_params **out, unsigned k, unsigned flags);

/* The same with progress and cancellation (deriving k = 16 takes ~1.7 s in a
 * browser): progress(ctx, done, total) runs on the calling thread after each
 * slice of generators (done and total count generators, total = 2^k), and
 * returning nonzero cancels (everything freed, ZK_ERR_CANCELLED). progress
 * may be NULL. The result is identical to zk_ipa_params_new's. */
typedef int (*zk_ipa_progress_fn)(void *ctx, uint64_t done, uint64_t total);
zk_status zk_ipa_params_new_ex(zk_ipa_params **out, unsigned k, unsigned flags, zk_ipa_progress_fn progress,
                               void *ctx);
void zk_ipa_params_free(zk_ipa_params *p); /* NULL is a no-op */

/* *out = the parameters for a smaller k' <= p->k: the first 2^k' generators
 * (the derivation makes them a prefix), the same w and u, g_lagrange only if
 * k' == p->k and p has it. Exactly what zk_ipa_params_new(k') gives. */
zk_status zk_ipa_params_downsize(zk_ipa_params **out, const zk_ipa_params *p, unsigned k);

/* Fills p->g_lagrange (no-op if present): an inverse FFT over the points,
 * (n/2) log n variable-time scalar multiplications by public twiddles, spread
 * over the thread pool. Mutates p: no other thread may use p meanwhile. */
zk_status zk_ipa_params_compute_lagrange(zk_ipa_params *p);

/* ---- serialization ----
 * ZK_IPA_FORMAT_HALO2: Params::write, byte for byte: k as u32 LE, then g[0..n),
 *   g_lagrange[0..n), w, u as 32-byte compressed points. 4 + 32 (2n + 2) bytes.
 *   If p has no g_lagrange it is computed into a temporary (slow).
 * ZK_IPA_FORMAT_COMPACT: our own form without g_lagrange and with
 *   uncompressed points, which load without square roots:
 *   "zkIP" | k u32 LE | flags u32 LE = 1 | g[0..n) | w | u, each point as
 *   x || y (32 + 32 bytes, canonical little-endian). 12 + 64 (n + 2) bytes.
 *   Bit 0 of flags says "uncompressed"; flags 0 (compressed, 32 bytes a
 *   point) is also accepted by zk_ipa_params_read. */
typedef enum { ZK_IPA_FORMAT_HALO2 = 0, ZK_IPA_FORMAT_COMPACT = 1 } zk_ipa_params_format;

size_t zk_ipa_params_serialized_size(unsigned k, zk_ipa_params_format format);
/* *out = a malloc'ed buffer of *out_len bytes (the caller frees it). */
zk_status zk_ipa_params_write(const zk_ipa_params *p, zk_ipa_params_format format, uint8_t **out,
                              size_t *out_len);

/* Flags for zk_ipa_params_read. */
#define ZK_IPA_READ_DROP_LAGRANGE 1u /* do not keep a stored g_lagrange (saves n points) */
#define ZK_IPA_READ_CHECK 2u         /* also check g, w, u against the derivation (costs a
                                      * derivation) and a stored g_lagrange against g with
                                      * a random linear combination (two MSMs) */

/* *out = parameters parsed from bytes[0..len), in either format (told apart by
 * the "zkIP" magic; a halo2 file starts with k < 32 as u32 LE). Validation:
 * k in range, the length exact (no missing and no trailing bytes), every point
 * a valid encoding (compressed: pasta's from_bytes; uncompressed: canonical
 * coordinates on the curve) and not the identity. Point decoding is parallel.
 * Errors: ZK_ERR_TRUNCATED / ZK_ERR_PARSE (size or header), ZK_ERR_RANGE (k),
 * ZK_ERR_ENCODING (a point), ZK_ERR_VERIFY (ZK_IPA_READ_CHECK failed),
 * ZK_ERR_NOMEM; err (may be NULL) says where. */
zk_status zk_ipa_params_read(zk_ipa_params **out, const uint8_t *bytes, size_t len,
                             unsigned flags, zk_error *err);

/* ---- commitments ----
 * Constant time in the blind (fixed-base table for w). The sum over the
 * generators uses the variable-time MSM (msm.h), whose running time depends
 * on the coefficients, which are secret in a prover. This is acceptable only
 * because of the blinding, the trade-off halo2 makes too (its best_multiexp
 * is variable time): the point is hidden by r w, and inside the IPA every
 * vector that goes through an MSM is masked by the random polynomial s. The
 * timing of commit(p) itself can still depend on p; do not run a prover where
 * an adversary can time individual MSMs if that matters. The result is
 * projective and its Z depends on the secrets: convert it with the constant-
 * time zk_vesta_to_affine, not the _var one. */

/* *out = sum_{i<len} coeffs[i] g[i] + blind w, for len <= n (a shorter
 * polynomial is zero-padded: len == n is halo2's commit). */
zk_status zk_ipa_commit(const zk_ipa_params *p, zk_vesta *out, const zk_fp *coeffs, size_t len,
                        const zk_fp *blind);

/* *out = commit_lagrange(values[0..n), blind): with g_lagrange an MSM over it,
 * otherwise commit(iFFT(values), blind) with a temporary copy. ntt may be NULL
 * (tables are then built for the call) or tables with log_max >= k. */
zk_status zk_ipa_commit_lagrange(const zk_ipa_params *p, zk_vesta *out, const zk_fp *values,
                                 const zk_fp *blind, const zk_fp_ntt *ntt);

#endif
