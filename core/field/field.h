/* The Pasta prime fields.
 *
 *   Fp: p = 2^254 + 45560315531419706090280762371685220353
 *       Pallas base field = Vesta scalar field (the circuit field of our PLONK)
 *   Fq: q = 2^254 + 45560315531424271173589844094561390593
 *       Vesta base field = Pallas scalar field
 *
 * Elements are kept fully reduced in Montgomery form. Two limb backends sit
 * behind this one interface, chosen by target:
 *   4x64 (R = 2^256) with 128-bit products on 64-bit native targets;
 *   9x29 (R = 2^261), unsaturated, on wasm32, where 64x64->128 products are
 *   slow library calls (ZK_FIELD_FORCE_29 selects it natively, for testing).
 * The representation is private: use to_bytes/from_bytes or
 * to_canonical/from_canonical to get at the value.
 *
 * Every function here is constant time in its field-element arguments unless
 * its name ends in _var. Outputs may alias inputs.
 *
 * Inputs are fully reduced elements, with one documented exception that
 * core/msm relies on: in the 9x29 backend, mul and sqr also accept unreduced
 * operands with every limb below 2^29 and value below 2^256 (e.g. a - b + 2p)
 * and still return a fully reduced result; tests/test_field.c checks it. */
#ifndef ZK_FIELD_FIELD_H
#define ZK_FIELD_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "field/field_params.h"
#include "util/status.h"

#if defined(__wasm32__) || defined(ZK_FIELD_FORCE_29)
#define ZK_FIELD_29 1
#define ZK_FIELD_LIMBS 9
typedef uint32_t zk_limb;
#else
#define ZK_FIELD_64 1
#define ZK_FIELD_LIMBS 4
typedef uint64_t zk_limb;
#endif

typedef struct { zk_limb l[ZK_FIELD_LIMBS]; } zk_fp;
typedef struct { zk_limb l[ZK_FIELD_LIMBS]; } zk_fq;

/* Two-adicity of both multiplicative groups: p - 1 = 2^32 * t, t odd. */
#define ZK_FIELD_S 32

/* ---- inline arithmetic: add, sub, neg, dbl, mul, sqr, cmov, is_zero, eq,
 *      zero, one, from_canonical, to_canonical ---- */
#if defined(ZK_FIELD_64)
#define ZK_FIELD_IMPL "field/field_64.inc"
#else
#define ZK_FIELD_IMPL "field/field_29.inc"
#endif

#define ZF_T zk_fp
#define ZF_(fn) zk_fp_##fn
#define ZF_C(name) ZK_FP_##name
#include ZK_FIELD_IMPL
#include "field/field_decl.inc"
#undef ZF_T
#undef ZF_
#undef ZF_C

#define ZF_T zk_fq
#define ZF_(fn) zk_fq_##fn
#define ZF_C(name) ZK_FQ_##name
#include ZK_FIELD_IMPL
#include "field/field_decl.inc"
#undef ZF_T
#undef ZF_
#undef ZF_C

#endif
