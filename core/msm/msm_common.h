/* Private to core/msm: the curve-independent half of the MSM (planning,
 * scalar recoding, the GLV split, the task runner), shared by msm.c's two
 * instantiations of msm_impl.inc. */
#ifndef ZK_MSM_MSM_COMMON_H
#define ZK_MSM_MSM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "msm/msm.h"

/* ---- plan: how one chunk of points is cut into windows, groups and tasks ---- */

#define MSM_MAX_WINDOWS 128 /* c >= 2 over at most 256 bits */
#define MSM_MAX_C 16        /* bucket indices and digits fit in 16 bits */

typedef struct {
    int glv;         /* 1: two ~127-bit halves per scalar; 0: one 255-bit scalar */
    int affine;      /* 1: batch-affine buckets; 0: projective buckets */
    unsigned words;  /* u64 words per recoded scalar: 2 (GLV) or 4 */
    unsigned nwin;   /* windows; window w covers bits [start[w], start[w] + width[w]) */
    unsigned start[MSM_MAX_WINDOWS], width[MSM_MAX_WINDOWS];
    unsigned ngroups;                      /* windows processed together share a batch */
    unsigned gfirst[MSM_MAX_WINDOWS + 1];  /* group g = windows [gfirst[g], gfirst[g+1]) */
    size_t group_buckets;                  /* most buckets any group needs */
    unsigned nparts;                       /* the points split into this many ranges */
    unsigned batch;                        /* additions per batched inversion */
    unsigned qcap;                         /* deferred additions before a forced flush */
    unsigned nslots;                       /* concurrent workers (<= threads budget) */
    /* Bucket reduction: 0 = projective running sums; else every window's
     * buckets are cut into segments of red_len whose running sums advance in
     * lock-step as batched affine additions (at most red_segs per group). */
    unsigned red_len;
    size_t red_segs;
} msm_plan;

/* Builds the plan for npts recoded points (2n with GLV) on `threads` threads. */
void msm_plan_make(msm_plan *pl, size_t npts, int glv, unsigned threads, const zk_msm_opts *o);

/* Bytes of per-slot scratch (buckets, batch, queue) for a plan, given the
 * sizes of an affine point, a projective point and a field element. */
size_t msm_plan_slot_bytes(const msm_plan *pl, size_t affine_sz, size_t proj_sz, size_t fe_sz);

/* Threads this MSM may use: opts->max_threads capped by the pool. */
unsigned msm_threads(const zk_msm_opts *o);

/* ZK_ERR_INVALID_ARG for options out of range (o may be NULL). */
zk_status msm_check_opts(const zk_msm_opts *o);

/* Points per chunk so that the scratch fits opts->max_scratch (n if no cap);
 * *bytes (if non-NULL) receives the scratch size of one chunk. */
size_t msm_chunk_points(size_t n, int glv, unsigned threads, const zk_msm_opts *o, size_t affine_sz,
                        size_t proj_sz, size_t fe_sz, size_t *bytes);

/* Signed (Booth) digit of window [s, s + c) of the little-endian integer k
 * (words u64s): bits[s, s+c) + bit[s-1] - 2^c bit[s+c-1], in [-2^(c-1), 2^(c-1)].
 * Summed with weights 2^s over windows tiling [0, L) this gives k back when
 * k < 2^(L-1). */
static inline int msm_booth_digit(const uint64_t *k, unsigned words, unsigned s, unsigned c) {
    uint64_t v, mask = ((uint64_t)1 << (c + 1)) - 1;
    if (s == 0) {
        v = k[0] << 1;
    } else {
        unsigned pos = s - 1, w = pos >> 6, off = pos & 63;
        v = k[w] >> off;
        if (off + c + 1 > 64 && w + 1 < words) v |= k[w + 1] << (64 - off);
    }
    v &= mask;
    return (int)(v >> 1) + (int)(v & 1) - (int)((v >> c) << c);
}

/* ---- GLV: k = k1 + k2 * lambda (mod r) with |k1|, |k2| < 2^127 ---- */

typedef struct {
    uint64_t r[4];            /* the group order */
    uint64_t a1[2], nb1[2];   /* short lattice vectors (a1, b1), (a2, b2) with */
    uint64_t a2[2], b2[2];    /*   a + b*lambda = 0 (mod r); b1 < 0, nb1 = -b1 */
    uint64_t g1[4], g2[4];    /* round(2^320 b2 / r), round(2^320 (-b1) / r) */
} msm_glv_consts;

extern const msm_glv_consts msm_glv_vesta, msm_glv_pallas;

/* k (any 256-bit value) -> k mod r, in place. */
void msm_reduce_mod(uint64_t k[4], const uint64_t r[4]);

/* For k < r: |k1| -> m1, |k2| -> m2, and returns sign(k1) | sign(k2) << 1
 * (bit set = negative). */
unsigned msm_glv_split(const msm_glv_consts *g, const uint64_t k[4], uint64_t m1[2], uint64_t m2[2]);

/* ---- task runner ---- */

/* fn(ctx, task, slot) for every task in [0, ntasks), on at most nslots
 * threads; slot in [0, nslots) is unique among concurrently running calls. */
typedef void (*msm_task_fn)(void *ctx, size_t task, unsigned slot);
void msm_run_tasks(size_t ntasks, unsigned nslots, msm_task_fn fn, void *ctx);

#endif
