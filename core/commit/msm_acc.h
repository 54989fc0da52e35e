/* The deferred multi-scalar multiplication of the IPA verifier (halo2's
 * poly::commitment::MSM): a linear combination of points that is evaluated
 * only once, at the end, so that many checks (an opening, a multi-opening, a
 * whole batch of proofs) cost one MSM:
 *
 *   sum_i g_scalars[i] g[i] + w_scalar w + u_scalar u + sum_j scalars[j] bases[j]
 *
 * with g, w, u the generators of the params it was made for and (scalars,
 * bases) any other affine points (commitments read from proofs). A check
 * passes when the sum is the identity. Everything here is public data and
 * variable time.
 *
 * A zk_ipa_msm is a plain struct owned by its user: zk_ipa_msm_init, any
 * number of additions, then zk_ipa_msm_check (or _eval), then
 * zk_ipa_msm_free. g_scalars is allocated (n entries) only once a g term is
 * added. The params must outlive it. Functions that grow it return
 * ZK_ERR_NOMEM on allocation failure, leaving it unchanged. */
#ifndef ZK_COMMIT_MSM_ACC_H
#define ZK_COMMIT_MSM_ACC_H

#include <stddef.h>

#include "commit/params.h"
#include "curve/curve.h"
#include "field/field.h"
#include "util/rng.h"
#include "util/status.h"

typedef struct {
    const zk_ipa_params *params;
    zk_fp *g_scalars; /* NULL: all zero */
    zk_fp w_scalar, u_scalar;
    zk_fp *scalars;   /* the other terms */
    zk_vesta_affine *bases;
    size_t len, cap;
} zk_ipa_msm;

/* An empty MSM (the identity) over params p. Allocates nothing. */
void zk_ipa_msm_init(zk_ipa_msm *m, const zk_ipa_params *p);
/* Releases the buffers; m is then empty and may be reused after init. NULL ok. */
void zk_ipa_msm_free(zk_ipa_msm *m);
/* Back to the identity, keeping the buffers. */
void zk_ipa_msm_clear(zk_ipa_msm *m);
/* *dst = a deep copy of src (dst must not be initialised, or be freed first). */
zk_status zk_ipa_msm_copy(zk_ipa_msm *dst, const zk_ipa_msm *src);

/* + scalar * point. The identity is skipped (halo2's append_term). */
zk_status zk_ipa_msm_append_term(zk_ipa_msm *m, const zk_fp *scalar, const zk_vesta_affine *point);
/* + c * g[0] (halo2's add_constant_term). */
zk_status zk_ipa_msm_add_constant_term(zk_ipa_msm *m, const zk_fp *c);
/* + sum_{i<len} s[i] g[i], len <= n (halo2 add_to_g_scalars has len == n). */
zk_status zk_ipa_msm_add_to_g_scalars(zk_ipa_msm *m, const zk_fp *s, size_t len);
void zk_ipa_msm_add_to_w_scalar(zk_ipa_msm *m, const zk_fp *s); /* + s w */
void zk_ipa_msm_add_to_u_scalar(zk_ipa_msm *m, const zk_fp *s); /* + s u */
/* Every scalar *= factor. */
void zk_ipa_msm_scale(zk_ipa_msm *m, const zk_fp *factor);
/* dst += factor * src (factor NULL: 1). Both over the same params (else
 * ZK_ERR_INVALID_ARG); src is unchanged and may not be dst. */
zk_status zk_ipa_msm_add_msm(zk_ipa_msm *dst, const zk_ipa_msm *src, const zk_fp *factor);

/* Batching: dst += r * src for a fresh nonzero r drawn from rng. Checking the
 * sum of many MSMs so scaled shows, except with probability about (number of
 * MSMs)/2^254, that each is the identity, provided r is unpredictable to
 * whoever made the proofs: use an OS rng (zk_rng_init_os). */
zk_status zk_ipa_msm_accumulate(zk_ipa_msm *dst, const zk_ipa_msm *src, zk_rng *rng);

/* *out = the point the MSM stands for: one variable-time MSM over the terms
 * (equal bases merged first), g and w and u included. Parallel. */
zk_status zk_ipa_msm_eval(const zk_ipa_msm *m, zk_vesta *out);
/* ZK_OK if the MSM is the identity, ZK_ERR_VERIFY if not (or NOMEM). */
zk_status zk_ipa_msm_check(const zk_ipa_msm *m);

#endif
