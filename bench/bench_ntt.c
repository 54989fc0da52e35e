#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "poly/poly.h"

/* n pseudo-random elements (v[i] = c v[i-1] + d), cheap to make */
static zk_fp *bench_vec(size_t n) {
    zk_fp *v = malloc(n * sizeof *v), c, d;
    if (!v) return NULL;
    zk_fp_from_u64(&c, 0x9e3779b97f4a7c15ULL);
    zk_fp_from_u64(&d, 12345);
    zk_fp_from_u64(&v[0], 1);
    for (size_t i = 1; i < n; i++) {
        zk_fp_mul(&v[i], &v[i - 1], &c);
        zk_fp_add(&v[i], &v[i], &d);
    }
    return v;
}

static int bench_reps(unsigned log_n) {
    if (bench_quick()) return 2;
    return log_n <= 16 ? 9 : log_n <= 18 ? 5 : 3;
}

/* In-place forward NTT over Fp, best of several runs, in ms. */
BENCH(ntt) {
    const unsigned max_log = bench_quick() ? 16 : 20;
    zk_fp_ntt *t = NULL;
    if (zk_fp_ntt_new(&t, max_log) != ZK_OK) return;
    zk_fp *src = bench_vec((size_t)1 << max_log), *a = malloc(((size_t)1 << max_log) * sizeof *a);
    if (!src || !a) goto out;
    for (unsigned L = 16; L <= max_log; L += 2) {
        size_t n = (size_t)1 << L;
        double best = 1e300;
        for (int rep = 0; rep < bench_reps(L); rep++) {
            memcpy(a, src, n * sizeof *a);
            double t0 = bench_now_ns();
            zk_fp_ntt_forward(t, a, L);
            double dt = (bench_now_ns() - t0) / 1e6;
            if (dt < best) best = dt;
        }
        BENCH_KEEP(a[0]);
        bench_emit("ntt", n, "ms", best, NULL);
    }
    {   /* the inverse at 2^16 */
        size_t n = (size_t)1 << 16;
        double best = 1e300;
        for (int rep = 0; rep < bench_reps(16); rep++) {
            memcpy(a, src, n * sizeof *a);
            double t0 = bench_now_ns();
            zk_fp_ntt_inverse(t, a, 16);
            double dt = (bench_now_ns() - t0) / 1e6;
            if (dt < best) best = dt;
        }
        BENCH_KEEP(a[0]);
        bench_emit("ntt_inverse", n, "ms", best, NULL);
    }
out:
    free(src);
    free(a);
    zk_fp_ntt_free(t);
}

/* halo2 coeff_to_extended for a degree-5 constraint system: n coefficients
 * to 4n evaluations on the ZETA coset (n = 2^16, extended 2^18). */
BENCH(ntt_coset_ext) {
    const unsigned k = bench_quick() ? 14 : 16;
    zk_fp_domain *d = NULL;
    if (zk_fp_domain_new(&d, 5, k) != ZK_OK) return;
    zk_fp *c = bench_vec(d->n), *e = malloc(d->extended_n * sizeof *e);
    if (c && e) {
        double best = 1e300;
        for (int rep = 0; rep < bench_reps(d->extended_k); rep++) {
            double t0 = bench_now_ns();
            zk_fp_domain_coeff_to_extended(d, e, c);
            double dt = (bench_now_ns() - t0) / 1e6;
            if (dt < best) best = dt;
        }
        BENCH_KEEP(e[0]);
        char extra[64];
        snprintf(extra, sizeof extra, ",\"extended_n\":%zu", d->extended_n);
        bench_emit("ntt_coset_ext", d->n, "ms", best, extra);
    }
    free(c);
    free(e);
    zk_fp_domain_free(d);
}
