/* IPA commitment scheme over Vesta, in ms (best of several runs, one run for
 * the slow sizes):
 *   ipa_params          Params::new(k) without g_lagrange (hash to curve of 2^k
 *                       generators, parallel), k = 10..18; k = 10, 12, 14, 16
 *                       with --quick (the headline: deriving in a browser
 *                       vs. loading). The k = 16 figure is the one derivation
 *                       shared with the benches below (one run).
 *   ipa_params_lagrange g_lagrange on its own (halo2 computes it eagerly), k = 10, 12
 *   ipa_params_read     loading halo2's Params::write bytes (2n + 2 point
 *                       decompressions), and ipa_params_read_compact our
 *                       uncompressed form without g_lagrange, k = 12 and 16
 *   ipa_commit          commit(p, blind) at n = 2^12 and 2^16
 *   ipa_open            the IPA prover (create_proof) at k = 12 and 16
 *   ipa_verify          the IPA verifier with its final MSM at k = 12 and 16
 * Every line carries "k". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "commit/ipa.h"
#include "util/rng.h"

static int is_wasm(void) {
#if defined(__wasm32__)
    return 1;
#else
    return 0;
#endif
}

static void emit_k(const char *name, unsigned k, double ms) {
    char extra[32];
    snprintf(extra, sizeof extra, ",\"k\":%u", k);
    bench_emit(name, (uint64_t)1 << k, "ms", ms, extra);
}

static int reps_for(unsigned k) {
    if (bench_quick()) return 1;
    return k <= 12 ? 5 : k <= 14 ? 2 : 1;
}

/* k = 16 params for the other benches, derived once; that derivation is
 * timed and counts as one run of ipa_params at k = 16 (which would otherwise
 * derive them a second time: slow in WebAssembly). */
static zk_ipa_params *cache16;
static double cache16_ms;

static const zk_ipa_params *params16(void) {
    if (cache16) return cache16;
    double t0 = bench_now_ns();
    if (zk_ipa_params_new(&cache16, 16, 0) != ZK_OK) return cache16 = NULL;
    cache16_ms = (bench_now_ns() - t0) / 1e6;
    return cache16;
}

BENCH(ipa_params) {
    unsigned lo = 10, hi = 18, step = 1;
    if (bench_quick()) hi = 16, step = 2;
    for (unsigned k = lo; k <= hi; k += step) {
        double best = 1e300;
        int r = 0;
        if (k == 16 && cache16) best = cache16_ms, r = 1;
        for (; r < reps_for(k); r++) {
            zk_ipa_params *p = NULL;
            double t0 = bench_now_ns();
            zk_status st = zk_ipa_params_new(&p, k, 0);
            double dt = (bench_now_ns() - t0) / 1e6;
            if (st != ZK_OK) {
                fprintf(stderr, "bench ipa_params: k = %u failed (%d)\n", k, st);
                return;
            }
            if (dt < best) best = dt;
            if (k == 16 && !cache16)
                cache16 = p, cache16_ms = dt;
            else
                zk_ipa_params_free(p);
        }
        emit_k("ipa_params", k, best);
    }
}

BENCH(ipa_params_lagrange) {
    unsigned hi = bench_quick() || is_wasm() ? 10 : 12;
    for (unsigned k = 10; k <= hi; k += 2) {
        zk_ipa_params *p = NULL;
        if (zk_ipa_params_new(&p, k, 0) != ZK_OK) return;
        double t0 = bench_now_ns();
        zk_status st = zk_ipa_params_compute_lagrange(p);
        double dt = (bench_now_ns() - t0) / 1e6;
        zk_ipa_params_free(p);
        if (st != ZK_OK) return;
        emit_k("ipa_params_lagrange", k, dt);
    }
}

BENCH(ipa_params_read) {
    unsigned ks[2] = {12, 16};
    int nk = bench_quick() ? 1 : 2;
    for (int i = 0; i < nk; i++) {
        unsigned k = ks[i];
        zk_ipa_params *p = NULL, *q = NULL;
        if (k == 16 ? !(p = (zk_ipa_params *)params16()) : zk_ipa_params_new(&p, k, 0) != ZK_OK) return;
        /* halo2's bytes need g_lagrange: give it a stand-in (g itself) to save the
         * FFT; the reader cannot tell and does the same work */
        zk_vesta_affine *own = NULL;
        if (!p->g_lagrange) {
            own = malloc(p->n * sizeof *own);
            if (!own) return;
            memcpy(own, p->g, p->n * sizeof *own);
            p->g_lagrange = own;
        }
        for (int fmt = 0; fmt < 2; fmt++) {
            uint8_t *b = NULL;
            size_t len = 0;
            if (zk_ipa_params_write(p, fmt ? ZK_IPA_FORMAT_COMPACT : ZK_IPA_FORMAT_HALO2, &b, &len) != ZK_OK) break;
            double best = 1e300;
            for (int r = 0; r < reps_for(k); r++) {
                double t0 = bench_now_ns();
                zk_status st = zk_ipa_params_read(&q, b, len, 0, NULL);
                double dt = (bench_now_ns() - t0) / 1e6;
                zk_ipa_params_free(q);
                if (st != ZK_OK) break;
                if (dt < best) best = dt;
            }
            free(b);
            emit_k(fmt ? "ipa_params_read_compact" : "ipa_params_read", k, best);
        }
        if (own) {
            p->g_lagrange = NULL;
            free(own);
        }
        if (k != 16) zk_ipa_params_free(p);
    }
}

/* A random polynomial of n coefficients and a blind. */
static zk_fp *random_poly(size_t n, zk_fp *blind, uint64_t seed) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, seed);
    zk_fp *a = malloc(n * sizeof *a);
    if (!a) return NULL;
    zk_rng_fp_many(&rng, a, n);
    zk_rng_fp(&rng, blind);
    return a;
}

static int get_params(unsigned k, zk_ipa_params **own, const zk_ipa_params **p) {
    *own = NULL;
    if (k == 16) return (*p = params16()) ? 0 : -1;
    if (zk_ipa_params_new(own, k, 0) != ZK_OK) return -1;
    *p = *own;
    return 0;
}

BENCH(ipa_commit) {
    unsigned ks[2] = {12, 16};
    for (int i = 0; i < (bench_quick() ? 1 : 2); i++) {
        zk_ipa_params *own;
        const zk_ipa_params *p;
        zk_fp blind;
        if (get_params(ks[i], &own, &p)) return;
        zk_fp *a = random_poly(p->n, &blind, 1);
        double best = 1e300;
        for (int r = 0; a && r < (bench_quick() ? 2 : 5); r++) {
            zk_vesta c;
            double t0 = bench_now_ns();
            zk_status st = zk_ipa_commit(p, &c, a, p->n, &blind);
            double dt = (bench_now_ns() - t0) / 1e6;
            if (st != ZK_OK) break;
            BENCH_KEEP(c);
            if (dt < best) best = dt;
        }
        free(a);
        zk_ipa_params_free(own);
        emit_k("ipa_commit", ks[i], best);
    }
}

/* Proves (and times) one opening; returns the proof (caller frees). */
static uint8_t *prove_once(const zk_ipa_params *p, const zk_fp *a, const zk_fp *blind, const zk_fp *x,
                           size_t *len, double *ms) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 7);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    double t0 = bench_now_ns();
    zk_status st = zk_ipa_create_proof(p, &rng, &t, a, blind, x);
    *ms = (bench_now_ns() - t0) / 1e6;
    uint8_t *proof = NULL;
    if (st == ZK_OK) st = zk_transcript_take_proof(&t, &proof, len);
    zk_transcript_free(&t);
    return st == ZK_OK ? proof : NULL;
}

/* ipa_open and ipa_verify share the set-up. */
static void bench_open_verify(int verify) {
    unsigned ks[2] = {12, 16};
    for (int i = 0; i < (bench_quick() ? 1 : 2); i++) {
        unsigned k = ks[i];
        zk_ipa_params *own;
        const zk_ipa_params *p;
        zk_fp blind, x, v, one;
        if (get_params(k, &own, &p)) return;
        zk_fp *a = random_poly(p->n, &blind, 2);
        zk_vesta c;
        zk_vesta_affine ca;
        zk_fp_from_u64(&x, 0x5eed);
        zk_fp_one(&one);
        if (!a || zk_ipa_commit(p, &c, a, p->n, &blind) != ZK_OK) {
            free(a);
            zk_ipa_params_free(own);
            return;
        }
        zk_vesta_to_affine_var(&ca, &c);
        zk_fp_poly_eval(&v, a, p->n, &x);
        int reps = bench_quick() ? 1 : k <= 12 ? 5 : 2;
        double best = 1e300, dt;
        size_t len = 0;
        uint8_t *proof = NULL;
        for (int r = 0; r < (verify ? 1 : reps); r++) {
            free(proof);
            proof = prove_once(p, a, &blind, &x, &len, &dt);
            if (!proof) break;
            if (dt < best) best = dt;
        }
        if (verify && proof) {
            best = 1e300;
            for (int r = 0; r < reps + 1; r++) {
                zk_transcript t;
                zk_ipa_msm msm;
                zk_ipa_guard guard;
                zk_transcript_init_reader(&t, proof, len);
                zk_ipa_msm_init(&msm, p);
                double t0 = bench_now_ns();
                zk_status st = zk_ipa_msm_append_term(&msm, &one, &ca);
                if (!st) st = zk_ipa_verify_proof(p, &msm, &t, &x, &v, &guard);
                if (!st) st = zk_ipa_guard_use_challenges(&guard, &msm);
                if (!st) st = zk_ipa_msm_check(&msm);
                dt = (bench_now_ns() - t0) / 1e6;
                zk_ipa_msm_free(&msm);
                if (st != ZK_OK) {
                    fprintf(stderr, "bench ipa_verify: proof rejected (%d)\n", st);
                    best = -1;
                    break;
                }
                if (dt < best) best = dt;
            }
        }
        if (proof && best >= 0) emit_k(verify ? "ipa_verify" : "ipa_open", k, best);
        free(proof);
        free(a);
        zk_ipa_params_free(own);
    }
}

BENCH(ipa_open) { bench_open_verify(0); }
BENCH(ipa_verify) { bench_open_verify(1); }
