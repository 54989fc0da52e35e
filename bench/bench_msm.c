/* MSM over Vesta (the IPA curve): nanoseconds per point at n = 4096 and
 * 65536, random scalars, distinct bases, best of several runs.
 *   zkml_bench msm            the figures the Makefile reports
 * Tuning knobs (environment, native and WASI only): ZK_MSM_C forces the
 * window width, ZK_MSM_BATCH the batch size, ZK_MSM_FLAGS the zk_msm_opts flags,
 * ZK_MSM_N picks one size, ZK_MSM_REPS the repetitions, ZK_MSM_VERBOSE=1
 * prints every run (the first one shows the WebAssembly warm-up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "curve/curve.h"
#include "msm/msm.h"
#include "util/rng.h"

static unsigned env_u(const char *name, unsigned dflt) {
    const char *v = getenv(name);
    return v && *v ? (unsigned)strtoul(v, NULL, 10) : dflt;
}

/* Bases P_i = P_{i-1} + Q for a random-looking Q, then one batch conversion. */
static int make_bases(zk_vesta_affine *out, size_t n) {
    zk_vesta_affine g;
    zk_vesta q, p;
    zk_vesta_generator(&g);
    zk_vesta_from_affine(&q, &g);
    for (int i = 0; i < 77; i++) { /* Q = some multiple of G */
        zk_vesta_dbl(&q, &q);
        if ((0x5a3c96e1ull >> (i % 32)) & 1) zk_vesta_add_mixed(&q, &q, &g);
    }
    zk_vesta_affine qa;
    zk_vesta_to_affine_var(&qa, &q);
    zk_vesta *proj = malloc(n * sizeof *proj);
    if (!proj) return -1;
    p = q;
    for (size_t i = 0; i < n; i++) {
        zk_vesta_add_mixed(&p, &p, &qa);
        proj[i] = p;
    }
    int rc = zk_vesta_batch_to_affine_var(out, proj, n) == ZK_OK ? 0 : -1;
    free(proj);
    return rc;
}

/* Process CPU time: on a shared machine it moves less than wall time when
 * other jobs take the cores (all threads summed). */
static double cpu_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

BENCH(msm) {
    size_t sizes[2] = {4096, 65536};
    int nsizes = 2;
    unsigned only = env_u("ZK_MSM_N", 0), verbose = env_u("ZK_MSM_VERBOSE", 0);
    if (only) {
        sizes[0] = only;
        nsizes = 1;
    } else if (bench_quick()) {
        nsizes = 1;
    }
    zk_msm_opts o = {0, 0, env_u("ZK_MSM_C", 0), env_u("ZK_MSM_BATCH", 0), env_u("ZK_MSM_FLAGS", 0)};
    for (int si = 0; si < nsizes; si++) {
        size_t n = sizes[si];
        zk_fp *s = malloc(n * sizeof *s);
        zk_vesta_affine *b = malloc(n * sizeof *b);
        if (!s || !b || make_bases(b, n)) {
            fprintf(stderr, "bench msm: out of memory\n");
            free(s);
            free(b);
            return;
        }
        zk_splitmix64 rng = {42};
        for (size_t i = 0; i < n; i++) {
            uint8_t buf[64];
            zk_splitmix64_fill(&rng, buf, sizeof buf);
            zk_fp_from_uniform_bytes(&s[i], buf);
        }
        unsigned reps = env_u("ZK_MSM_REPS", n <= 4096 ? 9 : 5);
        if (bench_quick()) reps = 2;
        double best = 1e300, best_cpu = 1e300;
        zk_vesta r;
        for (unsigned k = 0; k < reps + 1; k++) { /* the first run warms up (wasm tier-up) */
            double t0 = bench_now_ns(), c0 = cpu_ns();
            if (zk_vesta_msm_opt_var(&r, s, b, n, &o) != ZK_OK) {
                fprintf(stderr, "bench msm: failed\n");
                break;
            }
            double dt = bench_now_ns() - t0, dc = cpu_ns() - c0;
            if (verbose) fprintf(stderr, "msm n=%zu run %u: %.2f ms\n", n, k, dt / 1e6);
            if (k && dt < best) best = dt;
            if (k && dc < best_cpu) best_cpu = dc;
        }
        BENCH_KEEP(r);
        char extra[96];
        if (best_cpu > 0 && best_cpu < 1e299) /* not where the process clock is missing */
            snprintf(extra, sizeof extra, ",\"ms\":%.2f,\"cpu_ms\":%.2f", best / 1e6, best_cpu / 1e6);
        else
            snprintf(extra, sizeof extra, ",\"ms\":%.2f", best / 1e6);
        bench_emit("msm", n, "ns_per_point", best / n, extra);
        free(s);
        free(b);
    }
}
