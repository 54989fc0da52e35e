/* PLONK on the halo2_mac circuit family (../shared/bench/README.md):
 *   plonk_params   IPA parameters (hash to curve, no g_lagrange)
 *   plonk_keygen   VK (commitments) and proving key
 *   plonk_prove    one proof (SplitMix64 MACPROVE, halo2's bytes)
 *   plonk_verify   SingleVerifier semantics, final MSM included
 * each as {"ms": best of several runs, "n": 2^k, "k", "peak_mb"}; peak_mb is
 * the process's peak resident memory (native) or linear memory size (wasm)
 * after the proof, the k running in increasing order.
 *   zkml_bench plonk        k = 10..17 on every target
 *   --quick                 k = 10 and 12 only
 * ZK_PLONK_STAGES=1 (native, WASI) adds one line per prover stage with its ms;
 * ZK_PLONK_K=16 (native, WASI) runs that one size; ZK_PLONK_LAGRANGE=1 (native,
 * WASI) also computes the params' Lagrange basis (untimed: a params file
 * carries it, as halo2's Params do) and reports plonk_*_lagrange, where the
 * commitments to witness and fixed columns are MSMs over their small values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "circuits/mac.h"
#include "commit/params.h"
#include "plonk/keygen.h"
#include "plonk/prover.h"
#include "plonk/verifier.h"
#if defined(__EMSCRIPTEN__)
#include <emscripten/heap.h>
#endif

static double peak_mb(void) {
#if defined(__EMSCRIPTEN__)
    return (double)emscripten_get_heap_size() / (1024.0 * 1024.0); /* grows only: the peak */
#elif defined(__wasm32__)
    return (double)__builtin_wasm_memory_size(0) * 65536.0 / (1024.0 * 1024.0);
#else
    return bench_peak_mb();
#endif
}

typedef struct {
    double last;
    double ms[ZK_PROVE_STAGE_DONE + 1];
} stage_times;

static int on_progress(void *ctx, zk_prove_stage s, uint64_t done, uint64_t total) {
    (void)done;
    (void)total;
    stage_times *t = ctx;
    double now = bench_now_ns();
    if ((unsigned)s <= ZK_PROVE_STAGE_DONE) t->ms[s] += (now - t->last) / 1e6;
    t->last = now;
    return 0;
}

static void run_k_(uint32_t k, int lagrange);
static void run_k(uint32_t k) {
    run_k_(k, 0);
#if !defined(__EMSCRIPTEN__)
    const char *e = getenv("ZK_PLONK_LAGRANGE");
    if (e && *e == '1') run_k_(k, 1);
#endif
}

static void run_k_(uint32_t k, int lagrange) {
    char extra[160];
    zk_cs *cs = NULL;
    zk_assignment *asg = NULL;
    zk_ipa_params *params = NULL;
    zk_plonk_vk *vk = NULL;
    zk_plonk_pk *pk = NULL;
    zk_error err;
    uint8_t *proof = NULL;
    size_t len = 0;
    uint64_t n = (uint64_t)1 << k;
    int small = k <= 12;
    if (zk_mac_build(k, &cs, &asg, &err) != ZK_OK) {
        fprintf(stderr, "bench plonk: mac circuit: %s\n", err.msg);
        return;
    }
    double t0 = bench_now_ns();
    if (zk_ipa_params_new(&params, k, 0) != ZK_OK) {
        fprintf(stderr, "bench plonk: params failed\n");
        goto out;
    }
    double params_ms = (bench_now_ns() - t0) / 1e6;
    const char *sfx = lagrange ? "_lagrange" : "";
    char bname[64];
#define BNAME(base) (snprintf(bname, sizeof bname, "%s%s", base, sfx), bname)
    if (lagrange) {
        t0 = bench_now_ns();
        if (zk_ipa_params_compute_lagrange(params) != ZK_OK) goto out;
        params_ms = (bench_now_ns() - t0) / 1e6;
    }
    snprintf(extra, sizeof extra, ",\"k\":%u,\"peak_mb\":%.0f", k, peak_mb());
    bench_emit(BNAME("plonk_params"), n, "ms", params_ms, extra);

    double best = 1e300;
    for (int r = 0; r < (small ? 3 : 1); r++) {
        zk_plonk_pk_free(pk);
        zk_plonk_vk_free(vk);
        pk = NULL;
        vk = NULL;
        t0 = bench_now_ns();
        if (zk_plonk_keygen(params, cs, asg, ZK_VK_TRANSCRIPT_HALO2, 0, &vk, &pk, &err) != ZK_OK) {
            fprintf(stderr, "bench plonk: keygen: %s\n", err.msg);
            goto out;
        }
        double ms = (bench_now_ns() - t0) / 1e6;
        if (ms < best) best = ms;
    }
    snprintf(extra, sizeof extra, ",\"k\":%u,\"peak_mb\":%.0f,\"pk_mb\":%.0f", k, peak_mb(),
             zk_plonk_pk_bytes(pk) / (1024.0 * 1024.0));
    bench_emit(BNAME("plonk_keygen"), n, "ms", best, extra);

    best = 1e300;
    double best_cpu = 1e300;
    stage_times st_best;
    memset(&st_best, 0, sizeof st_best);
    for (int r = 0; r < (small ? 3 : 1); r++) {
        zk_rng rng;
        zk_rng_init_splitmix64(&rng, ZK_MAC_SEED_PROVER);
        zk_transcript t;
        zk_transcript_init_writer(&t);
        stage_times st;
        memset(&st, 0, sizeof st);
        zk_prove_opts opts = {on_progress, &st, 0};
        t0 = bench_now_ns();
        st.last = t0;
        clock_t c0 = clock();
        zk_status s = zk_plonk_prove_asg(params, pk, asg, &rng, &t, &opts, &err);
        double ms = (bench_now_ns() - t0) / 1e6;
        double cms = (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC;
        if (cms < best_cpu) best_cpu = cms;
        if (s != ZK_OK) {
            fprintf(stderr, "bench plonk: prove: %s\n", err.msg);
            zk_transcript_free(&t);
            goto out;
        }
        if (ms < best) {
            best = ms;
            st_best = st;
        }
        free(proof);
        zk_transcript_take_proof(&t, &proof, &len);
        zk_transcript_free(&t);
    }
    snprintf(extra, sizeof extra, ",\"k\":%u,\"peak_mb\":%.0f,\"proof_bytes\":%zu,\"cpu_ms\":%.0f", k, peak_mb(), len,
             best_cpu);
    bench_emit(BNAME("plonk_prove"), n, "ms", best, extra);
#if !defined(__EMSCRIPTEN__)
    const char *e = getenv("ZK_PLONK_STAGES");
    if (e && *e == '1')
        for (int s = ZK_PROVE_STAGE_INSTANCE; s <= ZK_PROVE_STAGE_MULTIOPEN; s++) {
            char name[64];
            snprintf(name, sizeof name, "plonk_prove%s_stage_%s", sfx, zk_prove_stage_name((zk_prove_stage)s));
            for (char *c = name; *c; c++)
                if (*c == ' ') *c = '_';
            snprintf(extra, sizeof extra, ",\"k\":%u", k);
            bench_emit(name, n, "ms", st_best.ms[s], extra);
        }
#endif

    best = 1e300;
    const zk_fp *inst[1] = {zk_asg_instance(asg, 0)};
    for (int r = 0; r < (small ? 5 : 2); r++) {
        t0 = bench_now_ns();
        zk_status s = zk_plonk_verify(params, vk, inst, asg->instance_len, proof, len, &err);
        double ms = (bench_now_ns() - t0) / 1e6;
        if (s != ZK_OK) {
            fprintf(stderr, "bench plonk: verify: %s\n", err.msg);
            goto out;
        }
        if (ms < best) best = ms;
    }
    snprintf(extra, sizeof extra, ",\"k\":%u,\"peak_mb\":%.0f", k, peak_mb());
    bench_emit(BNAME("plonk_verify"), n, "ms", best, extra);
out:
    free(proof);
    zk_plonk_pk_free(pk);
    zk_plonk_vk_free(vk);
    zk_ipa_params_free(params);
    zk_assignment_free(asg);
    zk_cs_free(cs);
}

BENCH(plonk) {
    static const uint32_t ks[] = {10, 11, 12, 13, 14, 15, 16, 17};
    static const uint32_t quick[] = {10, 12};
#if !defined(__EMSCRIPTEN__)
    const char *one = getenv("ZK_PLONK_K");
    if (one && *one) {
        run_k((uint32_t)atoi(one));
        return;
    }
#endif
    const uint32_t *list = bench_quick() ? quick : ks;
    size_t count = bench_quick() ? 2 : sizeof ks / sizeof ks[0];
    for (size_t i = 0; i < count; i++) run_k(list[i]);
}
