#include <stdlib.h>

#include "bench.h"
#include "poly/poly.h"

/* Polynomial helpers over Fp at prover sizes, best of several runs, in ms:
 * evaluation at a point (2^20), kate division (2^20), batch inversion (2^18). */
BENCH(poly) {
    const size_t n = (size_t)1 << (bench_quick() ? 16 : 20);
    const int reps = bench_quick() ? 2 : 5;
    zk_fp *p = malloc(n * sizeof *p), *q = malloc(n * sizeof *q), x, r, c;
    if (!p || !q) goto out;
    zk_fp_from_u64(&c, 0x9e3779b97f4a7c15ULL);
    zk_fp_from_u64(&p[0], 1);
    for (size_t i = 1; i < n; i++) zk_fp_mul(&p[i], &p[i - 1], &c);
    zk_fp_from_u64(&x, 0x1234567);

    double best = 1e300;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_now_ns();
        zk_fp_poly_eval(&r, p, n, &x);
        double dt = (bench_now_ns() - t0) / 1e6;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(r);
    bench_emit("poly_eval", n, "ms", best, NULL);

    best = 1e300;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_now_ns();
        zk_fp_poly_divide_by_linear(q, &r, p, n, &x);
        double dt = (bench_now_ns() - t0) / 1e6;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(q[0]);
    bench_emit("poly_divide_by_linear", n, "ms", best, NULL);

    best = 1e300;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_now_ns();
        if (zk_fp_poly_batch_inv(q, p, n / 4) != ZK_OK) break;
        double dt = (bench_now_ns() - t0) / 1e6;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(q[0]);
    bench_emit("poly_batch_inv", n / 4, "ms", best, NULL);
out:
    free(p);
    free(q);
}
