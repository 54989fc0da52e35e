/* Private to core/commit: the IPA prover's generator folding
 *   out[i] = g[i] + [u] g[i + h]   for i < h
 * for one public challenge u shared by all points. Variable time (public
 * points, public u).
 *
 * Because the scalar is shared, all points run the same GLV + width-5 NAF
 * double-and-add schedule in lock step in affine coordinates, each step one
 * batched inversion for a whole block of points (Montgomery's trick): about
 * half the field multiplications of h separate zk_vesta_mul_var calls. The
 * affine formulas' exceptional cases (adding equal or opposite points) depend
 * only on the scalar multiples involved, never on the point, so they are
 * ruled out once per u by running the schedule on the scalar itself; a u
 * that would hit one (probability about 2^-250) takes the plain path. */
#ifndef ZK_COMMIT_COLLAPSE_H
#define ZK_COMMIT_COLLAPSE_H

#include <stddef.h>

#include "curve/curve.h"
#include "util/status.h"

/* out may equal g (each out[i] is written after g[i] and g[i + h] are read,
 * by a final pass). scratch: h projective points. Parallel. */
zk_status zk_ipa_collapse_(zk_vesta_affine *out, const zk_vesta_affine *g, size_t h, const zk_fp *u,
                           zk_vesta *scratch);

/* The same with h separate zk_vesta_mul_var calls (the reference). */
zk_status zk_ipa_collapse_plain_(zk_vesta_affine *out, const zk_vesta_affine *g, size_t h,
                                 const zk_fp *u, zk_vesta *scratch);

#endif
