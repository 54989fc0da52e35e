#include "bench.h"
#include "field/field.h"

/* Latency of one Montgomery multiplication: a dependent chain, best of 5. */
BENCH(fp_mul) {
    const int iters = bench_quick() ? 200000 : 2000000;
    zk_fp a, b;
    zk_fp_from_u64(&a, 0x1234567);
    zk_fp_from_u64(&b, 0x89abcdef);
    double best = 1e300;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = bench_now_ns();
        for (int i = 0; i < iters; i++) zk_fp_mul(&a, &a, &b);
        double dt = (bench_now_ns() - t0) / iters;
        if (dt < best) best = dt;
    }
    BENCH_KEEP(a);
    bench_emit("fp_mul", 1, "ns", best, NULL);
}
