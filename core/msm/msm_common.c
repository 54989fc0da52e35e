/* The curve-independent half of the MSM: planning, the GLV split, the task
 * runner. See msm_common.h. */
#include "msm/msm_common.h"

#include <math.h>
#include <string.h>

#include "util/threads.h"

#if defined(ZK_HAVE_THREADS)
#include <stdatomic.h>
#endif

/* ---- cost model (in field multiplications) used to pick the windows ----
 * A: one bucket addition (batch-affine: 5M + 1S, a share of the inversion,
 *    the bookkeeping; projective mixed: 11M);
 * R: one bucket in the reduction (two batched affine additions; or a mixed
 *    and a full projective addition). Ratios fitted to instruction counts. */
#define MSM_COST_AFFINE 7.0
#define MSM_COST_PROJ 12.0
#define MSM_COST_REDUCE_AFFINE 10.0
#define MSM_COST_REDUCE_PROJ 24.0
/* A variable-time inversion, in multiplications. */
#if defined(ZK_FIELD_29)
#define MSM_COST_INV 80.0
#else
#define MSM_COST_INV 100.0
#endif

/* Below this many recoded points, projective buckets (no batching). */
#define MSM_AFFINE_MIN 256
/* Windows are grouped until a group has this many buckets, so that batches
 * (and the inversions they share) stay large when windows are narrow. */
#define MSM_GROUP_BUCKETS 4096
/* Points per part when a window's points are split over threads. */
#define MSM_MIN_PART 4096

unsigned msm_threads(const zk_msm_opts *o) {
    unsigned t = zk_threads_count();
    if (o && o->max_threads && o->max_threads < t) t = o->max_threads;
    return t ? t : 1;
}

zk_status msm_check_opts(const zk_msm_opts *o) {
    if (!o) return ZK_OK;
    if (o->window == 1 || o->window > MSM_MAX_C) return ZK_ERR_INVALID_ARG;
    if (o->batch > (1u << 20)) return ZK_ERR_INVALID_ARG;
    if (o->flags & ~(ZK_MSM_NO_GLV | ZK_MSM_AFFINE | ZK_MSM_PROJECTIVE | ZK_MSM_PROJ_REDUCE | ZK_MSM_SPLIT_POINTS))
        return ZK_ERR_INVALID_ARG;
    if ((o->flags & ZK_MSM_AFFINE) && (o->flags & ZK_MSM_PROJECTIVE)) return ZK_ERR_INVALID_ARG;
    return ZK_OK;
}

/* Largest chunk: point codes (j << 1 | sign) must fit in 32 bits. */
#define MSM_MAX_CHUNK ((size_t)1 << 28)
#define MSM_MIN_CHUNK ((size_t)1024)

size_t msm_chunk_points(size_t n, int glv, unsigned T, const zk_msm_opts *o, size_t asz, size_t psz,
                        size_t fsz, size_t *bytes) {
    size_t cap = o ? o->max_scratch : 0;
    size_t per = 4 * sizeof(uint64_t) + fsz + (glv ? 2 + fsz : 0); /* recoded scalars, -y; signs, ZETA x */
    size_t m = n < MSM_MAX_CHUNK ? n : MSM_MAX_CHUNK;
    for (;;) {
        msm_plan pl;
        msm_plan_make(&pl, glv ? 2 * m : m, glv, T, o);
        size_t slot = (msm_plan_slot_bytes(&pl, asz, psz, fsz) + 63) & ~(size_t)63;
        size_t total = m * per + slot * pl.nslots + (size_t)pl.nparts * pl.nwin * psz;
        if (!cap || total <= cap || m <= MSM_MIN_CHUNK) {
            if (bytes) *bytes = total;
            return m;
        }
        m = m / 2 > MSM_MIN_CHUNK ? m / 2 : MSM_MIN_CHUNK;
    }
}

static void set_windows(msm_plan *pl, unsigned L, unsigned W) {
    unsigned base = L / W, extra = L % W, s = 0;
    pl->nwin = W;
    for (unsigned w = 0; w < W; w++) {
        pl->start[w] = s;
        pl->width[w] = base + (w < extra);
        s += pl->width[w];
    }
}

/* Splits windows [0, W) into ng contiguous groups of near-equal size. */
static void set_groups(msm_plan *pl, unsigned ng) {
    unsigned W = pl->nwin, base = W / ng, extra = W % ng, w = 0;
    pl->ngroups = ng;
    for (unsigned g = 0; g < ng; g++) {
        pl->gfirst[g] = w;
        w += base + (g < extra);
    }
    pl->gfirst[ng] = W;
    size_t most = 0;
    for (unsigned g = 0; g < ng; g++) {
        size_t b = 0;
        for (unsigned k = pl->gfirst[g]; k < pl->gfirst[g + 1]; k++) b += (size_t)1 << (pl->width[k] - 1);
        if (b > most) most = b;
    }
    pl->group_buckets = most;
}

/* Groups for the current windows: enough buckets per group, at least as many
 * groups (times parts) as threads, and a multiple of the thread count where
 * the windows allow it, so that the threads finish together. */
static void choose_groups(msm_plan *pl, unsigned T) {
    unsigned W = pl->nwin;
    size_t nb = (size_t)1 << (pl->width[0] - 1);
    unsigned per = nb >= MSM_GROUP_BUCKETS ? 1 : (unsigned)((MSM_GROUP_BUCKETS + nb - 1) / nb);
    unsigned ng = (W + per - 1) / per;
    unsigned want = T > pl->nparts ? (T + pl->nparts - 1) / pl->nparts : 1;
    if (ng < want) ng = want;
    if (T > 1 && pl->nparts == 1 && ng % T) {
        unsigned up = (ng + T - 1) / T * T;
        if (up <= W) ng = up;
    }
    if (ng > W) ng = W;
    set_groups(pl, ng);
}

static unsigned choose_parts(size_t npts, unsigned W, unsigned T, unsigned flags) {
    if (flags & ZK_MSM_SPLIT_POINTS) return npts >= 3 ? 3 : 1;
    if (W >= T) return 1;
    unsigned p = (T + W - 1) / W;
    size_t most = npts / MSM_MIN_PART;
    if (most < 1) most = 1;
    return p > most ? (unsigned)most : p;
}

/* Estimated time of the plan: group tasks go greedily, in order (wider
 * windows first), to whichever of the T threads is least loaded. */
static double plan_cost(const msm_plan *pl, size_t npts, unsigned T, int proj_reduce) {
    double A = pl->affine ? MSM_COST_AFFINE : MSM_COST_PROJ;
    double R = pl->affine && !proj_reduce ? MSM_COST_REDUCE_AFFINE : MSM_COST_REDUCE_PROJ;
    double load[64] = {0};
    if (T > 64) T = 64;
    for (unsigned g = 0; g < pl->ngroups; g++) {
        double c = 0;
        for (unsigned w = pl->gfirst[g]; w < pl->gfirst[g + 1]; w++)
            c += (double)npts / pl->nparts * A + (double)((size_t)1 << (pl->width[w] - 1)) * R;
        for (unsigned p = 0; p < pl->nparts; p++) {
            unsigned m = 0;
            for (unsigned k = 1; k < T; k++)
                if (load[k] < load[m]) m = k;
            load[m] += c;
        }
    }
    double mx = 0;
    for (unsigned k = 0; k < T; k++)
        if (load[k] > mx) mx = load[k];
    return mx;
}

void msm_plan_make(msm_plan *pl, size_t npts, int glv, unsigned T, const zk_msm_opts *o) {
    unsigned flags = o ? o->flags : 0;
    unsigned L = glv ? 128 : 256;
    memset(pl, 0, sizeof *pl);
    pl->glv = glv;
    pl->words = glv ? 2 : 4;
    pl->affine = !(flags & ZK_MSM_PROJECTIVE) && ((flags & ZK_MSM_AFFINE) || npts >= MSM_AFFINE_MIN);
    if (T < 1) T = 1;

    if (o && o->window) {
        unsigned W = (L + o->window - 1) / o->window;
        set_windows(pl, L, W);
        pl->nparts = choose_parts(npts, W, T, flags);
        choose_groups(pl, T);
    } else {
        double best = 0;
        unsigned bestW = 0;
        for (unsigned W = (L + MSM_MAX_C - 1) / MSM_MAX_C; W <= L / 2; W++) { /* c from 16 down to 2 */
            set_windows(pl, L, W);
            pl->nparts = choose_parts(npts, W, T, flags);
            choose_groups(pl, T);
            double c = plan_cost(pl, npts, T, (flags & ZK_MSM_PROJ_REDUCE) != 0);
            if (!bestW || c < best) {
                best = c;
                bestW = W;
            }
        }
        set_windows(pl, L, bestW);
        pl->nparts = choose_parts(npts, bestW, T, flags);
        choose_groups(pl, T);
    }

    if (o && o->batch) {
        pl->batch = o->batch;
    } else {
        size_t b = pl->group_buckets / 4;
        if (b < 64) b = 64;
        if (b > 2048) b = 2048;
        pl->batch = (unsigned)b;
    }
    pl->qcap = pl->batch < 64 ? 64 : pl->batch;

    /* Segment length for the affine reduction: per group it costs about
     * 2 gb affine additions (6M each), 2 len inversions and 3 gb/len
     * projective additions (12M): best near len = sqrt(18 gb / INV). */
    pl->red_len = 0;
    pl->red_segs = 0;
    if (pl->affine && !(o && (o->flags & ZK_MSM_PROJ_REDUCE))) {
        size_t gb = pl->group_buckets, nbmin = (size_t)1 << (pl->width[pl->nwin - 1] - 1), len = 1;
        for (unsigned w = 0; w < pl->nwin; w++)
            if (((size_t)1 << (pl->width[w] - 1)) < nbmin) nbmin = (size_t)1 << (pl->width[w] - 1);
        double best = sqrt(18.0 * (double)gb / MSM_COST_INV);
        while ((double)(2 * len) <= best * 1.4142) len *= 2; /* nearest power of 2 */
        if (len > nbmin) len = nbmin;
        while (gb / len > 1024) len *= 2; /* bounds the segment scratch */
        if (len >= 2 && len <= nbmin && gb / len >= 32) {
            pl->red_len = (unsigned)len;
            pl->red_segs = gb / len;
        }
    }
    size_t tasks = (size_t)pl->ngroups * pl->nparts;
    pl->nslots = T < tasks ? T : (unsigned)tasks;
}

size_t msm_plan_slot_bytes(const msm_plan *pl, size_t affine_sz, size_t proj_sz, size_t fe_sz) {
    if (!pl->affine) return pl->group_buckets * proj_sz;
    size_t red = pl->red_segs * (2 * affine_sz + 2 * sizeof(uint32_t) + 2 * fe_sz + sizeof(uint32_t));
    return pl->group_buckets * (affine_sz + sizeof(uint32_t)) + (size_t)pl->batch * (8 + 2 * fe_sz) +
           (size_t)pl->qcap * 8 + red + 64;
}

/* ---- task runner: slots pull task numbers from a shared counter ---- */

typedef struct {
    msm_task_fn fn;
    void *ctx;
    size_t ntasks;
#if defined(ZK_HAVE_THREADS)
    atomic_size_t next;
#else
    size_t next;
#endif
} runner_t;

static void run_slots(void *ctx, size_t begin, size_t end, unsigned worker) {
    runner_t *r = ctx;
    (void)worker;
    for (size_t slot = begin; slot < end; slot++) {
        for (;;) {
#if defined(ZK_HAVE_THREADS)
            size_t t = atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed);
#else
            size_t t = r->next++;
#endif
            if (t >= r->ntasks) break;
            r->fn(r->ctx, t, (unsigned)slot);
        }
    }
}

void msm_run_tasks(size_t ntasks, unsigned nslots, msm_task_fn fn, void *ctx) {
    if (ntasks == 0) return;
    if (nslots <= 1 || ntasks == 1) {
        for (size_t t = 0; t < ntasks; t++) fn(ctx, t, 0);
        return;
    }
    runner_t r;
    r.fn = fn;
    r.ctx = ctx;
    r.ntasks = ntasks;
#if defined(ZK_HAVE_THREADS)
    atomic_init(&r.next, 0);
#else
    r.next = 0;
#endif
    zk_parallel_for(nslots, 1, run_slots, &r);
}

/* ---- 256-bit helpers and the GLV split ---- */

/* 64x64 -> 128-bit product. On wasm32 the 128-bit multiply is a library call,
 * so it is spelled out with 32-bit halves there. */
static inline uint64_t mul64(uint64_t a, uint64_t b, uint64_t *hi) {
#if defined(__SIZEOF_INT128__) && !defined(__wasm32__)
    unsigned __int128 p = (unsigned __int128)a * b;
    *hi = (uint64_t)(p >> 64);
    return (uint64_t)p;
#else
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return (mid << 32) | (uint32_t)p00;
#endif
}

static int geq4(const uint64_t a[4], const uint64_t b[4]) {
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i]) return a[i] > b[i];
    return 1;
}

void msm_reduce_mod(uint64_t k[4], const uint64_t r[4]) {
    while (geq4(k, r)) { /* at most 3 times: 2^256 < 4r */
        uint64_t borrow = 0;
        for (int i = 0; i < 4; i++) {
            uint64_t d = k[i] - r[i], b1 = k[i] < r[i];
            uint64_t d2 = d - borrow, b2 = d < borrow;
            k[i] = d2;
            borrow = b1 | b2;
        }
    }
}

/* round(k * g / 2^320) for k, g < 2^256; the result is < 2^128 here. */
static void mul_round320(uint64_t out[2], const uint64_t k[4], const uint64_t g[4]) {
    uint64_t t[8] = {0};
    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < 4; j++) {
            uint64_t hi, lo = mul64(k[i], g[j], &hi);
            uint64_t s = t[i + j] + lo;
            hi += s < lo;
            s += carry;
            hi += s < carry;
            t[i + j] = s;
            carry = hi;
        }
        t[i + 4] = carry;
    }
    /* + 2^319, then bits [320, 448) */
    uint64_t s = t[4] + ((uint64_t)1 << 63), c = s < t[4];
    t[4] = s;
    t[5] += c;
    c = t[5] < c;
    t[6] += c;
    out[0] = t[5];
    out[1] = t[6];
}

/* a * b mod 2^128 */
static void mul128lo(uint64_t out[2], const uint64_t a[2], const uint64_t b[2]) {
    uint64_t hi, lo = mul64(a[0], b[0], &hi);
    out[0] = lo;
    out[1] = hi + a[0] * b[1] + a[1] * b[0];
}

static void sub128(uint64_t a[2], const uint64_t b[2]) {
    uint64_t borrow = a[0] < b[0];
    a[0] -= b[0];
    a[1] = a[1] - b[1] - borrow;
}

/* |a| of a two's-complement 128-bit value, returns 1 if it was negative. */
static unsigned abs128(uint64_t a[2]) {
    if (!(a[1] >> 63)) return 0;
    a[0] = ~a[0];
    a[1] = ~a[1];
    a[0] += 1;
    a[1] += a[0] == 0;
    return 1;
}

unsigned msm_glv_split(const msm_glv_consts *g, const uint64_t k[4], uint64_t m1[2], uint64_t m2[2]) {
    /* Babai rounding: c1 = round(k b2 / r), c2 = round(-k b1 / r);
     * k1 = k - c1 a1 - c2 a2, k2 = -c1 b1 - c2 b2. Both are below 2^127 in
     * absolute value, so arithmetic mod 2^128 gives them exactly. */
    uint64_t c1[2], c2[2], t[2];
    mul_round320(c1, k, g->g1);
    mul_round320(c2, k, g->g2);
    m1[0] = k[0];
    m1[1] = k[1];
    mul128lo(t, c1, g->a1);
    sub128(m1, t);
    mul128lo(t, c2, g->a2);
    sub128(m1, t);
    mul128lo(m2, c1, g->nb1);
    mul128lo(t, c2, g->b2);
    sub128(m2, t);
    unsigned s = abs128(m1);
    s |= abs128(m2) << 1;
    return s;
}

/* Lattice constants. Vesta's scalar field is Fp with lambda = zk_fp ZETA (the
 * endomorphism (x, y) -> (zk_fq ZETA * x, y) is [lambda]); Pallas's is Fq with
 * lambda = zk_fq ZETA. (a1, b1), (a2, b2) come from the extended Euclidean
 * algorithm on (r, lambda), stopped at the first remainder below sqrt(r)
 * (Gallant-Lambert-Vanstone, section 4); tests check a + b lambda = 0. */
const msm_glv_consts msm_glv_vesta = {
    .r = {ZK_FP_P64_0, ZK_FP_P64_1, ZK_FP_P64_2, ZK_FP_P64_3},
    .a1 = {0x7fcae1c700000000ULL, 0x49e69d1640f04915ULL},
    .nb1 = {0x8cb1279300000001ULL, 0x49e69d1640a89953ULL},
    .a2 = {0x8cb1279300000001ULL, 0x49e69d1640a89953ULL},
    .b2 = {0x0c7c095a00000001ULL, 0x93cd3a2c8198e269ULL},
    .g1 = {0xc35fbd4d0afe9927ULL, 0x31f0256800000002ULL, 0x4f34e8b2066389a4ULL, 0x0000000000000002ULL},
    .g2 = {0x61afdea685cc1579ULL, 0x32c49e4c00000003ULL, 0x279a745902a2654eULL, 0x0000000000000001ULL},
};

const msm_glv_consts msm_glv_pallas = {
    .r = {ZK_FQ_P64_0, ZK_FQ_P64_1, ZK_FQ_P64_2, ZK_FQ_P64_3},
    .a1 = {0x7fcae1c700000001ULL, 0x49e69d1640f04915ULL},
    .nb1 = {0x8cb1279300000000ULL, 0x49e69d1640a89953ULL},
    .a2 = {0x8cb1279300000000ULL, 0x49e69d1640a89953ULL},
    .b2 = {0x0c7c095a00000001ULL, 0x93cd3a2c8198e269ULL},
    .g1 = {0xc35fbd4d086862e0ULL, 0x31f0256800000002ULL, 0x4f34e8b2066389a4ULL, 0x0000000000000002ULL},
    .g2 = {0x61afdea68480fa55ULL, 0x32c49e4bffffffffULL, 0x279a745902a2654eULL, 0x0000000000000001ULL},
};
