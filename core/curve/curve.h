/* The Pasta curves, both y^2 = x^3 + 5:
 *   Pallas over Fp, with scalars in Fq;
 *   Vesta  over Fq, with scalars in Fp (the curve of our IPA commitments).
 *
 * Two representations per curve:
 *   affine     (x, y); the identity is (0, 0), which is not on the curve;
 *   projective homogeneous (X : Y : Z) with x = X/Z, y = Y/Z; the identity has
 *              Z = 0 (canonically (0 : 1 : 0)).
 * Projective addition and doubling use the complete formulas of Renes,
 * Costello and Batina (2016, algorithms 7-9 for a = 0): no special cases, no
 * branches, so they are correct for the identity and for P + P and are
 * constant time. Functions ending in _var are variable time (public data only).
 * Outputs may alias inputs. */
#ifndef ZK_CURVE_CURVE_H
#define ZK_CURVE_CURVE_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "util/status.h"

typedef struct { zk_fp x, y; } zk_pallas_affine;
typedef struct { zk_fp x, y, z; } zk_pallas;
typedef struct { zk_fq x, y; } zk_vesta_affine;
typedef struct { zk_fq x, y, z; } zk_vesta;

#define ZC_(fn) zk_pallas_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZB_T zk_fp
#define ZS_T zk_fq
#include "curve/curve_decl.inc"
#undef ZC_
#undef ZC_T
#undef ZC_A
#undef ZB_T
#undef ZS_T

#define ZC_(fn) zk_vesta_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZB_T zk_fq
#define ZS_T zk_fp
#include "curve/curve_decl.inc"
#undef ZC_
#undef ZC_T
#undef ZC_A
#undef ZB_T
#undef ZS_T

#endif
