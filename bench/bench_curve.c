/* Curve layer and BLAKE2b: point add/double, scalar multiplication (constant
 * time, variable time, fixed base), hash to curve (single and batch) and the
 * BLAKE2b compression rate. Best of several repetitions. */
#include <stdlib.h>

#include "bench.h"
#include "curve/curve.h"
#include "hash/blake2b.h"
#include "util/rng.h"

static void vesta_random_(zk_vesta *p, zk_fp *k, zk_splitmix64 *rng) {
    uint8_t b[64];
    zk_vesta_affine g;
    zk_vesta gp;
    zk_vesta_generator(&g);
    zk_vesta_from_affine(&gp, &g);
    zk_splitmix64_fill(rng, b, 64);
    zk_fp_from_uniform_bytes(k, b);
    zk_vesta_mul_var(p, &gp, k);
    zk_splitmix64_fill(rng, b, 64);
    zk_fp_from_uniform_bytes(k, b);
}

BENCH(vesta_add) {
    const int iters = bench_quick() ? 20000 : 200000;
    zk_splitmix64 rng = {1};
    zk_vesta a, b;
    zk_fp k;
    vesta_random_(&a, &k, &rng);
    vesta_random_(&b, &k, &rng);
    double best = 1e300;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = bench_now_ns();
        for (int i = 0; i < iters; i++) zk_vesta_add(&a, &a, &b);
        double dt = (bench_now_ns() - t0) / iters;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(a);
    bench_emit("vesta_add", 1, "ns", best, NULL);
}

BENCH(vesta_dbl) {
    const int iters = bench_quick() ? 20000 : 200000;
    zk_splitmix64 rng = {2};
    zk_vesta a;
    zk_fp k;
    vesta_random_(&a, &k, &rng);
    double best = 1e300;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = bench_now_ns();
        for (int i = 0; i < iters; i++) zk_vesta_dbl(&a, &a);
        double dt = (bench_now_ns() - t0) / iters;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(a);
    bench_emit("vesta_dbl", 1, "ns", best, NULL);
}

/* Scalar multiplications by fresh random scalars; us per multiplication. */
#define MUL_BENCH_(name, call)                                                                     \
    BENCH(name) {                                                                                  \
        const int iters = bench_quick() ? 20 : 200;                                                \
        zk_splitmix64 rng = {3};                                                                   \
        zk_vesta p, r;                                                                             \
        zk_fp k[16];                                                                               \
        vesta_random_(&p, &k[0], &rng);                                                            \
        for (int i = 0; i < 16; i++) vesta_random_(&r, &k[i], &rng);                               \
        zk_vesta_affine pa;                                                                        \
        zk_vesta_to_affine_var(&pa, &p);                                                           \
        zk_vesta_fixed *fx = NULL;                                                                 \
        if (zk_vesta_fixed_new(&fx, &pa) != ZK_OK) return;                                         \
        double best = 1e300;                                                                       \
        for (int rep = 0; rep < 5; rep++) {                                                        \
            double t0 = bench_now_ns();                                                            \
            for (int i = 0; i < iters; i++) call;                                                  \
            double dt = (bench_now_ns() - t0) / iters / 1e3;                                       \
            if (dt < best) best = dt;                                                              \
        }                                                                                          \
        BENCH_KEEP(r);                                                                             \
        zk_vesta_fixed_free(fx);                                                                   \
        bench_emit(#name, 1, "us", best, NULL);                                                    \
    }

MUL_BENCH_(vesta_mul, zk_vesta_mul(&r, &p, &k[i & 15]))
MUL_BENCH_(vesta_mul_var, zk_vesta_mul_var(&r, &p, &k[i & 15]))
MUL_BENCH_(vesta_fixed_mul, zk_vesta_fixed_mul(&r, fx, &k[i & 15]))

/* Hash to curve on Vesta with the IPA's messages [0x00, i LE] under
 * "Halo2-Parameters": us per point, one at a time (n = 1) and batched. */
BENCH(hash_to_curve) {
    const size_t nb = bench_quick() ? 512 : 4096;
    uint8_t *msgs = malloc(5 * nb);
    zk_vesta_affine *out = malloc(nb * sizeof *out);
    if (!msgs || !out) {
        free(msgs);
        free(out);
        return;
    }
    for (size_t i = 0; i < nb; i++) {
        msgs[5 * i] = 0;
        for (int j = 0; j < 4; j++) msgs[5 * i + 1 + j] = (uint8_t)(i >> (8 * j));
    }
    const int singles = bench_quick() ? 50 : 300;
    double best = 1e300;
    zk_vesta r;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = bench_now_ns();
        for (int i = 0; i < singles; i++) zk_vesta_hash_to_curve(&r, "Halo2-Parameters", msgs + 5 * i, 5);
        double dt = (bench_now_ns() - t0) / singles / 1e3;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(r);
    bench_emit("hash_to_curve", 1, "us", best, NULL);
    best = 1e300;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = bench_now_ns();
        if (zk_vesta_hash_to_curve_batch(out, "Halo2-Parameters", msgs, 5, nb) != ZK_OK) break;
        double dt = (bench_now_ns() - t0) / (double)nb / 1e3;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(out[0]);
    bench_emit("hash_to_curve", nb, "us", best, NULL);
    free(msgs);
    free(out);
}

/* BLAKE2b-512 over 64 KiB: ns per 128-byte block. */
BENCH(blake2b) {
    enum { LEN = 65536 };
    static uint8_t buf[LEN];
    for (int i = 0; i < LEN; i++) buf[i] = (uint8_t)i;
    uint8_t out[64];
    double best = 1e300;
    for (int rep = 0; rep < 12; rep++) { /* the first few warm up the WASM tiers */
        zk_blake2b s;
        double t0 = bench_now_ns();
        zk_blake2b_init(&s, 64);
        zk_blake2b_update(&s, buf, LEN);
        zk_blake2b_final(&s, out);
        double dt = (bench_now_ns() - t0) / (LEN / 128);
        if (dt < best) best = dt;
    }
    BENCH_KEEP(out);
    bench_emit("blake2b_block", LEN / 128, "ns", best, NULL);
}
