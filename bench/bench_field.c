#include <stdint.h>

#include "bench.h"
#include "field/field.h"

/* Field benchmarks: latency of one operation in a dependent chain.
 *
 * Each timed loop calls a small out-of-line kernel that runs a chunk of the
 * chain. Under V8 a WebAssembly function moves from the baseline compiler
 * (Liftoff) to the optimizing one (TurboFan) only between calls, never inside
 * a running loop, so a chain inlined into one long-running function would be
 * timed in baseline code for its whole length. Chunked calls and a warm-up let
 * the kernels tier up, which is what every real caller (MSM, NTT) sees. */

typedef void (*fp_kernel)(zk_fp *acc, const zk_fp *b, int n);

/* Best of 20 short samples of chunks/10 calls each: on a shared machine the
 * minimum over many short windows is the most repeatable figure. */
static double time_kernel(fp_kernel k, zk_fp *acc, const zk_fp *b, int chunk, int chunks) {
    for (int w = 0; w < 64; w++) k(acc, b, chunk); /* warm-up: let the kernel tier up */
    int per = chunks / 10 ? chunks / 10 : 1;
    double best = 1e300;
    for (int rep = 0; rep < 20; rep++) {
        double t0 = bench_now_ns();
        for (int c = 0; c < per; c++) k(acc, b, chunk);
        double dt = (bench_now_ns() - t0) / ((double)chunk * per);
        if (dt < best) best = dt;
    }
    return best;
}

__attribute__((noinline)) static void k_mul(zk_fp *a, const zk_fp *b, int n) {
    zk_fp x = *a;
    for (int i = 0; i < n; i++) zk_fp_mul(&x, &x, b);
    *a = x;
}

__attribute__((noinline)) static void k_sqr(zk_fp *a, const zk_fp *b, int n) {
    zk_fp x = *a;
    for (int i = 0; i < n; i++) zk_fp_sqr(&x, &x);
    *a = x;
}

__attribute__((noinline)) static void k_add(zk_fp *a, const zk_fp *b, int n) {
    zk_fp x = *a;
    for (int i = 0; i < n; i++) zk_fp_add(&x, &x, b);
    *a = x;
}

__attribute__((noinline)) static void k_sub(zk_fp *a, const zk_fp *b, int n) {
    zk_fp x = *a;
    for (int i = 0; i < n; i++) zk_fp_sub(&x, b, &x);
    *a = x;
}

__attribute__((noinline)) static void k_inv(zk_fp *a, const zk_fp *b, int n) {
    for (int i = 0; i < n; i++) {
        zk_fp_inv(a, a);
        zk_fp_add(a, a, b); /* keep it away from zero and from 2-cycles */
    }
}

__attribute__((noinline)) static void k_inv_var(zk_fp *a, const zk_fp *b, int n) {
    for (int i = 0; i < n; i++) {
        zk_fp_inv_var(a, a);
        zk_fp_add(a, a, b);
    }
}

__attribute__((noinline)) static void k_sqrt(zk_fp *a, const zk_fp *b, int n) {
    for (int i = 0; i < n; i++) {
        zk_fp r;
        (void)zk_fp_sqrt(&r, a); /* half the inputs are squares; cost is the same */
        zk_fp_add(a, &r, b);
    }
}

__attribute__((noinline)) static void k_sqrt_ratio(zk_fp *a, const zk_fp *b, int n) {
    for (int i = 0; i < n; i++) {
        zk_fp r;
        (void)zk_fp_sqrt_ratio(&r, a, b);
        zk_fp_add(a, &r, b);
    }
}

__attribute__((noinline)) static void k_pow(zk_fp *a, const zk_fp *b, int n) {
    /* a 255-bit public exponent with random-looking bits */
    static const uint64_t e[4] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL,
                                  0xa4093822299f31d0ULL, 0x282efa98ec4e6c89ULL};
    for (int i = 0; i < n; i++) {
        zk_fp_pow(a, a, e);
        zk_fp_add(a, a, b);
    }
}

static void fp_setup(zk_fp *a, zk_fp *b) {
    zk_fp_from_u64(a, 0x1234567);
    zk_fp_from_u64(b, 0x89abcdef);
    zk_fp_inv_var(a, a); /* full-width values */
    zk_fp_inv_var(b, b);
}

static void run(const char *name, fp_kernel k, int chunk, int chunks) {
    zk_fp a, b;
    fp_setup(&a, &b);
    if (bench_quick()) chunks = chunks / 10 ? chunks / 10 : 1;
    double ns = time_kernel(k, &a, &b, chunk, chunks);
    BENCH_KEEP(a);
    bench_emit(name, 1, "ns", ns, NULL);
}

/* Latency of one Montgomery multiplication: a dependent chain. */
BENCH(fp_mul) { run("fp_mul", k_mul, 1000, 2000); }
BENCH(fp_sqr) { run("fp_sqr", k_sqr, 1000, 2000); }
BENCH(fp_add) { run("fp_add", k_add, 1000, 4000); }
BENCH(fp_sub) { run("fp_sub", k_sub, 1000, 4000); }
BENCH(fp_inv) { run("fp_inv", k_inv, 10, 200); }
BENCH(fp_inv_var) { run("fp_inv_var", k_inv_var, 10, 400); }
BENCH(fp_pow) { run("fp_pow", k_pow, 10, 200); }
BENCH(fp_sqrt) { run("fp_sqrt", k_sqrt, 10, 100); }
BENCH(fp_sqrt_ratio) { run("fp_sqrt_ratio", k_sqrt_ratio, 10, 50); }

/* Montgomery's trick over 1024 elements, per element. */
BENCH(fp_batch_inv) {
    enum { N = 1024 };
    static zk_fp v[N], out[N];
    zk_fp a, b;
    fp_setup(&a, &b);
    for (int i = 0; i < N; i++) {
        zk_fp_mul(&a, &a, &b);
        v[i] = a;
    }
    int reps = bench_quick() ? 3 : 20;
    zk_fp_batch_inv(out, v, N); /* warm-up */
    double best = 1e300;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_now_ns();
        zk_fp_batch_inv(out, v, N);
        double dt = (bench_now_ns() - t0) / N;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(out[0]);
    bench_emit("fp_batch_inv", N, "ns", best, NULL);
}
