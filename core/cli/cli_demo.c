/* zkml demo: the main job until the model-to-circuit compiler lands.
 * Builds the halo2_mac circuit (a multiply-accumulate with a range lookup,
 * ../shared/bench/README.md) at size 2^k, derives the IPA parameters,
 * generates keys, proves with fresh OS randomness, verifies, and checks that
 * a wrong instance and a flipped proof byte are rejected. Prints one summary
 * (text, or one JSON object with --json) with the timings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "circuits/mac.h"
#include "cli/cli.h"
#include "commit/params.h"
#include "hash/blake2b.h"
#include "plonk/keygen.h"
#include "plonk/prover.h"
#include "plonk/verifier.h"
#include "util/threads.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void hex(char *out, const uint8_t *b, size_t n) {
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = 0;
}

typedef struct {
    int quiet;
    int last;
    double t0;
} progress_ctx;

/* Prints each prover stage once, when it is first reported. */
static int on_progress(void *ctx, zk_prove_stage s, uint64_t done, uint64_t total) {
    (void)done;
    (void)total;
    progress_ctx *p = ctx;
    if (!p->quiet && (int)s != p->last)
        fprintf(stderr, "  %8.1f ms  %s\n", now_ms() - p->t0, zk_prove_stage_name(s));
    p->last = (int)s;
    return 0;
}

/* A small field element as a signed decimal ("-42"), else its LE hex. */
static void fp_show(char *out, size_t n, const zk_fp *v) {
    uint8_t b[32];
    zk_fp neg;
    int sign = 0;
    zk_fp_to_bytes(b, v);
    for (int pass = 0; pass < 2; pass++) {
        int small = 1;
        for (int i = 8; i < 32; i++) small &= b[i] == 0;
        if (small && !(b[7] & 0x80)) {
            uint64_t x = 0;
            for (int i = 7; i >= 0; i--) x = x << 8 | b[i];
            snprintf(out, n, "%s%llu", sign ? "-" : "", (unsigned long long)x);
            return;
        }
        zk_fp_neg(&neg, v);
        zk_fp_to_bytes(b, &neg);
        sign = 1;
    }
    zk_fp_to_bytes(b, v);
    char h[65];
    hex(h, b, 32);
    snprintf(out, n, "0x%s (LE)", h);
}

static const char usage_text[] =
    "usage: zkml demo [--k K] [--threads N] [--json]\n"
    "  prove and verify the multiply-accumulate + range-lookup circuit at 2^K rows\n"
    "  (default K = 12), then check that a wrong instance and a tampered proof fail\n";

int zk_cli_demo(int argc, char **argv) {
    uint32_t k = 12;
    int json = 0, threads = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--k") && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < ZK_MAC_MIN_K || v > 20) {
                fprintf(stderr, "zkml demo: --k must be %d..20\n", ZK_MAC_MIN_K);
                return 2;
            }
            k = (uint32_t)v;
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            threads = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage_text, stdout);
            return 0;
        } else {
            fprintf(stderr, "zkml demo: unknown argument '%s'\n%s", argv[i], usage_text);
            return 2;
        }
    }
    if (threads > 0 && zk_threads_set((unsigned)threads) != ZK_OK) {
        fprintf(stderr, "zkml demo: cannot use %d threads\n", threads);
        return 2;
    }

    int rc = 1;
    zk_error err = {0};
    zk_cs *cs = NULL;
    zk_assignment *asg = NULL;
    zk_ipa_params *params = NULL;
    zk_plonk_vk *vk = NULL;
    zk_plonk_pk *pk = NULL;
    uint8_t *proof = NULL;
    size_t len = 0;
    zk_fp *bad = NULL;
    double t_params, t_keygen, t_prove, t_verify;
    int rejects_instance = 0, rejects_tamper = 0;

    if (!json) fprintf(stderr, "zkml demo: halo2_mac circuit, k = %u (%u rows), %u thread(s)\n", k, 1u << k, zk_threads_count());
    if (zk_mac_build(k, &cs, &asg, &err) != ZK_OK) goto fail;

    double t0 = now_ms();
    if (zk_ipa_params_new(&params, k, 0) != ZK_OK) {
        zk_fail(&err, ZK_ERR_NOMEM, "deriving the IPA parameters failed");
        goto fail;
    }
    t_params = now_ms() - t0;

    t0 = now_ms();
    if (zk_plonk_keygen(params, cs, asg, ZK_VK_TRANSCRIPT_ZKML, 0, &vk, &pk, &err) != ZK_OK) goto fail;
    t_keygen = now_ms() - t0;

    zk_rng rng;
    zk_rng_init_os(&rng);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    progress_ctx pc = {json, -1, now_ms()};
    zk_prove_opts opts = {on_progress, &pc, 0};
    t0 = now_ms();
    zk_status s = zk_plonk_prove_asg(params, pk, asg, &rng, &t, &opts, &err);
    t_prove = now_ms() - t0;
    if (s == ZK_OK) s = zk_transcript_take_proof(&t, &proof, &len);
    zk_transcript_free(&t);
    if (s != ZK_OK) goto fail;

    const zk_fp *inst[1] = {zk_asg_instance(asg, 0)};
    t0 = now_ms();
    if (zk_plonk_verify(params, vk, inst, asg->instance_len, proof, len, &err) != ZK_OK) goto fail;
    t_verify = now_ms() - t0;

    /* What a verifier must reject: the claimed dot product off by one, one flipped bit. */
    size_t ilen = asg->instance_len[0];
    bad = malloc(ilen * sizeof *bad);
    if (!bad) {
        zk_fail(&err, ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    memcpy(bad, inst[0], ilen * sizeof *bad);
    zk_fp_add(&bad[ilen - 1], &bad[ilen - 1], &zk_fp_ONE);
    const zk_fp *binst[1] = {bad};
    zk_error e2;
    rejects_instance = zk_plonk_verify(params, vk, binst, asg->instance_len, proof, len, &e2) != ZK_OK;
    proof[len / 2] ^= 0x01;
    rejects_tamper = zk_plonk_verify(params, vk, inst, asg->instance_len, proof, len, &e2) != ZK_OK;
    proof[len / 2] ^= 0x01;

    uint8_t id[32], digest[32];
    zk_plonk_vk_id(vk, id);
    zk_blake2b h;
    zk_blake2b_init(&h, 32);
    zk_blake2b_update(&h, proof, len);
    zk_blake2b_final(&h, digest);
    char id_hex[65], digest_hex[65];
    hex(id_hex, id, 32);
    hex(digest_hex, digest, 32);

    char out_txt[80];
    fp_show(out_txt, sizeof out_txt, &inst[0][ilen - 1]);

    if (json) {
        printf("{\"circuit\":\"halo2_mac\",\"k\":%u,\"rows\":%u,\"threads\":%u,\"vk_id\":\"%s\","
               "\"public_output\":\"%s\",\"proof_bytes\":%zu,\"proof_blake2b256\":\"%s\","
               "\"verified\":true,\"rejects_wrong_instance\":%s,\"rejects_tampered_proof\":%s,"
               "\"ms\":{\"params\":%.1f,\"keygen\":%.1f,\"prove\":%.1f,\"verify\":%.1f}}\n",
               k, 1u << k, zk_threads_count(), id_hex, out_txt, len, digest_hex,
               rejects_instance ? "true" : "false", rejects_tamper ? "true" : "false", t_params, t_keygen,
               t_prove, t_verify);
    } else {
        printf("receipt (demo circuit)\n");
        printf("  circuit          halo2_mac (multiply-accumulate + range lookup), k = %u\n", k);
        printf("  verifier key id  %s\n", id_hex);
        printf("  public output    d[U-1] = %s\n", out_txt);
        printf("  proof            %zu bytes, BLAKE2b-256 %s\n", len, digest_hex);
        printf("  verify           ok\n");
        printf("  wrong instance   %s\n", rejects_instance ? "rejected" : "ACCEPTED (bug)");
        printf("  tampered proof   %s\n", rejects_tamper ? "rejected" : "ACCEPTED (bug)");
        printf("timings (%u thread(s))\n", zk_threads_count());
        printf("  params   %9.1f ms\n  keygen   %9.1f ms\n  prove    %9.1f ms\n  verify   %9.1f ms\n", t_params,
               t_keygen, t_prove, t_verify);
    }
    rc = (rejects_instance && rejects_tamper) ? 0 : 1;
    goto out;
fail:
    fprintf(stderr, "zkml demo: %s\n", err.msg[0] ? err.msg : "failed");
out:
    free(bad);
    free(proof);
    zk_plonk_pk_free(pk);
    zk_plonk_vk_free(vk);
    zk_ipa_params_free(params);
    zk_assignment_free(asg);
    zk_cs_free(cs);
    return rc;
}
