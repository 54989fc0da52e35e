/* The polynomial layer for Fp and Fq: each *_generic.inc is written once over
 * the field's inline primitives and instantiated here for both fields. */
#include "poly/poly.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "poly/ntt_internal.h"
#include "util/threads.h"

/* ---- helpers shared by both fields ---- */

/* Hot loops are flattened: every field operation they call is inlined (the
 * compiler may otherwise keep the Montgomery product out of line). */
#if defined(__GNUC__) || defined(__clang__)
#define ZK_POLY_HOT __attribute__((flatten))
#define ZK_POLY_INLINE __attribute__((always_inline, flatten)) inline
#else
#define ZK_POLY_HOT
#define ZK_POLY_INLINE inline
#endif

static zk_ntt_tuning ntt_tuning = {ZK_NTT_SMALL_LOG, 8, 4};

void zk_ntt_get_tuning(zk_ntt_tuning *t) { *t = ntt_tuning; }

void zk_ntt_set_tuning(const zk_ntt_tuning *t) {
    zk_ntt_tuning v = *t;
    if (v.block_log < 1) v.block_log = 1;
    if (v.block_log > ZK_NTT_SMALL_LOG) v.block_log = ZK_NTT_SMALL_LOG;
    if (v.group_max < 1) v.group_max = 1;
    if (v.tile_log > ZK_NTT_TILE_LOG_MAX) v.tile_log = ZK_NTT_TILE_LOG_MAX;
    ntt_tuning = v;
}

#if defined(__has_builtin)
#if __has_builtin(__builtin_bitreverse64)
#define ZK_HAVE_BITREVERSE64 1
#endif
#endif

/* i with its low `bits` bits reversed (bits <= 63; i < 2^bits). */
static inline size_t zk_ntt_rev_(size_t i, unsigned bits) {
    if (bits == 0) return 0;
#if defined(ZK_HAVE_BITREVERSE64)
    return (size_t)(__builtin_bitreverse64((uint64_t)i) >> (64 - bits));
#else
    uint64_t x = (uint64_t)i;
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
    x = ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x & 0x00FF00FF00FF00FFULL) << 8);
    x = ((x >> 16) & 0x0000FFFF0000FFFFULL) | ((x & 0x0000FFFF0000FFFFULL) << 16);
    x = (x >> 32) | (x << 32);
    return (size_t)(x >> (64 - bits));
#endif
}

/* Cache-line aligned tables (elements then never straddle two lines). */
static void *zk_ntt_alloc_(size_t bytes) {
    size_t rounded = (bytes + 63) & ~(size_t)63;
    if (rounded < bytes) return NULL;
    return aligned_alloc(64, rounded ? rounded : 64);
}

static void zk_ntt_free_(void *p) { free(p); }

/* ---- Fp ---- */
#define ZF_T zk_fp
#define ZF_(fn) zk_fp_##fn
#include "poly/ntt_generic.inc"
#include "poly/domain_generic.inc"
#include "poly/vec_generic.inc"
#undef ZF_T
#undef ZF_

/* ---- Fq ---- */
#define ZF_T zk_fq
#define ZF_(fn) zk_fq_##fn
#include "poly/ntt_generic.inc"
#include "poly/domain_generic.inc"
#include "poly/vec_generic.inc"
#undef ZF_T
#undef ZF_
