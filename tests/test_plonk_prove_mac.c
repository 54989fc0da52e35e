/* The halo2_mac family (circuits/mac.c) against halo2_proofs 0.3.2: VK,
 * proof bytes (k = 10, 12), BLAKE2b-256 of the proof (k = 14, 16 and 17 in
 * the native Release run; in WebAssembly and under sanitizers with
 * ZK_SLOW_TESTS=1), and verification of halo2's proofs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/mac.h"
#include "commit/params.h"
#include "harness.h"
#include "plonk/keygen.h"
#include "plonk/prover.h"
#include "plonk/verifier.h"
#include "test_plonk.h"
#include "tv.h"

/* A number given as a JSON number or a decimal string. */
static long jnum(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItem(obj, key);
    if (cJSON_IsNumber(v)) return (long)v->valuedouble;
    if (cJSON_IsString(v)) return atol(v->valuestring);
    return -1;
}

static const cJSON *mac_case(const cJSON *chk, uint32_t k) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(chk, "cases")) {
        if (jnum(c, "k") == (long)k) return c;
    }
    return NULL;
}

typedef struct {
    zk_cs *cs;
    zk_assignment *asg;
    zk_ipa_params *params;
    zk_plonk_vk *vk;
    zk_plonk_pk *pk;
} mac;

static void mac_free(mac *m) {
    zk_plonk_pk_free(m->pk);
    zk_plonk_vk_free(m->vk);
    zk_ipa_params_free(m->params);
    zk_assignment_free(m->asg);
    zk_cs_free(m->cs);
    memset(m, 0, sizeof *m);
}

static int mac_setup(mac *m, uint32_t k) {
    memset(m, 0, sizeof *m);
    zk_error err;
    if (zk_mac_build(k, &m->cs, &m->asg, &err) != ZK_OK) return -1;
    if (zk_ipa_params_new(&m->params, k, 0) != ZK_OK) return -1;
    if (zk_plonk_keygen(m->params, m->cs, m->asg, ZK_VK_TRANSCRIPT_HALO2, 0, &m->vk, &m->pk, &err) != ZK_OK) {
        th_fail(__FILE__, __LINE__, "keygen: %s", err.msg);
        return -1;
    }
    return 0;
}

static int mac_prove(mac *m, uint8_t **proof, size_t *len) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, ZK_MAC_SEED_PROVER);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    zk_error err;
    zk_status st = zk_plonk_prove_asg(m->params, m->pk, m->asg, &rng, &t, NULL, &err);
    if (st) {
        th_fail(__FILE__, __LINE__, "prove: %s", err.msg);
        zk_transcript_free(&t);
        return -1;
    }
    st = zk_transcript_take_proof(&t, proof, len);
    zk_transcript_free(&t);
    return st ? -1 : 0;
}

static void check_vk(const mac *m, const cJSON *c) {
    uint8_t want[32], got[32];
    REQUIRE(tv_unhex(want, 32, cJSON_GetObjectItem(c, "transcript_repr")->valuestring) == 0);
    zk_fp_to_bytes(got, &m->vk->transcript_repr);
    CHECK_MSG(memcmp(want, got, 32) == 0, "k = %u: transcript_repr differs", m->vk->k);
    CHECK_EQ_INT(zk_plonk_proof_size(m->vk), jnum(c, "proof_len"));
}

static void proof_hash_hex(char hex[65], const uint8_t *p, size_t len) {
    uint8_t d[32];
    tp_blake2b(d, 32, NULL, p, len);
    th_hex(hex, d, 32);
}

/* Proves at size k and compares the proof (bytes where given, else its hash). */
static void prove_and_compare(uint32_t k) {
    cJSON *chk = tv_load("halo2_mac_check.json");
    REQUIRE(chk);
    const cJSON *c = mac_case(chk, k);
    REQUIRE(c);
    mac m;
    REQUIRE(mac_setup(&m, k) == 0);
    check_vk(&m, c);
    uint8_t *proof = NULL;
    size_t len = 0;
    if (mac_prove(&m, &proof, &len) == 0) {
        CHECK_EQ_INT(len, jnum(c, "proof_len"));
        char hex[65];
        proof_hash_hex(hex, proof, len);
        CHECK_MSG(strcmp(hex, cJSON_GetObjectItem(c, "proof_blake2b256")->valuestring) == 0,
                  "k = %u: BLAKE2b-256 of our proof %s differs from halo2's", k, hex);
        const char *ph = tv_str(c, "proof");
        if (ph) {
            size_t hl;
            uint8_t *hp = tv_unhex_alloc(ph, &hl);
            REQUIRE(hp);
            size_t i = 0;
            while (i < len && i < hl && proof[i] == hp[i]) i++;
            CHECK_MSG(hl == len && i == len, "k = %u: proof differs from halo2's at byte %zu", k, i);
            free(hp);
        }
        /* and our verifier accepts our proof */
        CHECK(zk_plonk_verify(m.params, m.vk, (const zk_fp *const[]){zk_asg_instance(m.asg, 0)}, m.asg->instance_len,
                              proof, len, NULL) == ZK_OK);
    }
    free(proof);
    mac_free(&m);
    cJSON_Delete(chk);
}

TEST(plonk_prove_mac_k10) { prove_and_compare(10); }
TEST(plonk_prove_mac_k12) { prove_and_compare(12); }

TEST(plonk_prove_mac_k14) {
    if (th_slow_build()) {
        th_skip("k = 14 runs natively without sanitizers");
        return;
    }
    prove_and_compare(14);
}

/* ~20 s natively: run there; in the slow builds only with ZK_SLOW_TESTS=1. */
TEST(plonk_prove_mac_k16_k17) {
    const char *e = getenv("ZK_SLOW_TESTS");
    if (th_slow_build() && (!e || strcmp(e, "1") != 0)) {
        th_skip("k = 16 and 17 run natively without sanitizers (or set ZK_SLOW_TESTS=1)");
        return;
    }
    prove_and_compare(16);
    prove_and_compare(17);
}

/* halo2's own proofs (k = 10, 12, from the committed check file and, when
 * present, ../shared/bench) verify, and fail with instance[1] + 1. */
TEST(plonk_verify_mac_halo2_proofs) {
    cJSON *chk = tv_load("halo2_mac_check.json");
    REQUIRE(chk);
    for (uint32_t k = 10; k <= 12; k += 2) {
        const cJSON *c = mac_case(chk, k);
        REQUIRE(c);
        mac m;
        REQUIRE(mac_setup(&m, k) == 0);
        size_t len;
        uint8_t *proof = tv_unhex_alloc(cJSON_GetObjectItem(c, "proof")->valuestring, &len);
        REQUIRE(proof);
        cJSON *sh = tp_load_shared(k == 10 ? "bench/halo2_mac_k10.json" : "bench/halo2_mac_k12.json");
        if (sh) {
            size_t l2;
            uint8_t *p2 = tv_unhex_alloc(cJSON_GetObjectItem(sh, "proof")->valuestring, &l2);
            CHECK_MSG(p2 && l2 == len && memcmp(p2, proof, len) == 0, "k = %u: ../shared proof differs", k);
            free(p2);
            cJSON_Delete(sh);
        }
        zk_fp inst[2] = {zk_asg_instance(m.asg, 0)[0], zk_asg_instance(m.asg, 0)[1]};
        const zk_fp *cols[1] = {inst};
        size_t lens[1] = {2};
        zk_error err;
        zk_status st = zk_plonk_verify(m.params, m.vk, cols, lens, proof, len, &err);
        CHECK_MSG(st == ZK_OK, "k = %u: halo2's proof rejected: %s", k, err.msg);
        zk_fp_add(&inst[1], &inst[1], &zk_fp_ONE);
        CHECK(zk_plonk_verify(m.params, m.vk, cols, lens, proof, len, NULL) == ZK_ERR_VERIFY);
        free(proof);
        mac_free(&m);
    }
    cJSON_Delete(chk);
}

/* The same proof with and without the Lagrange basis in the params (k = 8). */
TEST(plonk_prove_mac_lagrange_params) {
    mac m;
    REQUIRE(mac_setup(&m, 8) == 0);
    uint8_t *p1 = NULL, *p2 = NULL;
    size_t l1 = 0, l2 = 0;
    REQUIRE(mac_prove(&m, &p1, &l1) == 0);
    REQUIRE(zk_ipa_params_compute_lagrange(m.params) == ZK_OK);
    zk_plonk_pk *pk2 = NULL;
    REQUIRE(zk_plonk_keygen_pk(m.params, m.vk, m.asg, ZK_PK_CHECK, &pk2, NULL) == ZK_OK);
    zk_plonk_pk *keep = m.pk;
    m.pk = pk2;
    REQUIRE(mac_prove(&m, &p2, &l2) == 0);
    m.pk = keep;
    CHECK(l1 == l2 && memcmp(p1, p2, l1) == 0);
    zk_plonk_pk_free(pk2);
    free(p1);
    free(p2);
    mac_free(&m);
}
