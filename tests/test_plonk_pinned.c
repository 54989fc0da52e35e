/* The pinned verifying-key string and transcript_repr. */
#include <stdlib.h>
#include <string.h>

#include "circuits/mac.h"
#include "harness.h"
#include "plonk/load.h"
#include "plonk/pinned.h"
#include "test_plonk.h"
#include "tv.h"

TEST(plonk_blake2b_helper_selftest) {
    /* RFC 7693 appendix A: BLAKE2b-512("abc") */
    uint8_t d[64];
    char hex[129];
    tp_blake2b(d, 64, NULL, (const uint8_t *)"abc", 3);
    th_hex(hex, d, 64);
    CHECK(strcmp(hex, "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                      "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923") == 0);
}

/* pinned string and transcript_repr of (cs, k) with the commitments in vk_like
 * ({fixed_commitments, permutation_commitments}) against the expected values. */
static void check_pinned(const zk_cs *cs, uint32_t k, const cJSON *fixed_pts, const cJSON *perm_pts,
                         const char *want_string, const char *want_repr_hex, const char *want_digest_hex,
                         const char *want_string_digest) {
    size_t nf, np;
    zk_vesta_affine *fc = tp_points(fixed_pts, &nf), *pc = tp_points(perm_pts, &np);
    REQUIRE(fc && pc);
    char *s = NULL;
    size_t len = 0;
    zk_error err;
    REQUIRE(zk_pinned_vk_string(cs, k, fc, nf, pc, np, &s, &len, &err) == ZK_OK);
    CHECK_EQ_INT(len, strlen(s));
    if (want_string) {
        CHECK(strcmp(s, want_string) == 0);
        if (strcmp(s, want_string) != 0) {
            size_t i = 0;
            while (s[i] && s[i] == want_string[i]) i++;
            th_fail(__FILE__, __LINE__, "pinned string differs at byte %zu: ours \"%.60s\" vs \"%.60s\"", i, s + i,
                    want_string + i);
        }
    }
    if (want_string_digest) {
        uint8_t d[32];
        char hex[65];
        tp_blake2b(d, 32, NULL, (const uint8_t *)s, len);
        th_hex(hex, d, 32);
        CHECK(strcmp(hex, want_string_digest) == 0);
    }
    zk_fp repr;
    uint8_t dig[64];
    REQUIRE(zk_vk_transcript_repr(s, len, &repr, dig, &err) == ZK_OK);
    uint8_t rb[32];
    char hex[129];
    zk_fp_to_bytes(rb, &repr);
    th_hex(hex, rb, 32);
    CHECK(strcmp(hex, want_repr_hex) == 0);
    if (want_digest_hex) {
        th_hex(hex, dig, 64);
        CHECK(strcmp(hex, want_digest_hex) == 0);
    }
    free(s);
    free(fc);
    free(pc);
}

TEST(plonk_pinned_halo2_proof) {
    cJSON *j = tv_load("halo2_proof.json");
    REQUIRE(j);
    zk_cs *cs;
    zk_assignment *a;
    REQUIRE(zk_circuit_from_json(j, 0, NULL, &cs, &a, NULL) == ZK_OK);
    const cJSON *vk = cJSON_GetObjectItem(j, "vk");
    check_pinned(cs, 4, cJSON_GetObjectItem(vk, "fixed_commitments"), cJSON_GetObjectItem(vk, "permutation_commitments"),
                 tv_str(vk, "pinned_debug_string"), tv_hex(vk, "transcript_repr"), tv_str(vk, "transcript_repr_digest64"),
                 NULL);
    /* wrong commitment counts are refused */
    char *s;
    size_t len;
    zk_error err;
    CHECK(zk_pinned_vk_string(cs, 4, NULL, 0, NULL, 0, &s, &len, &err) == ZK_ERR_SHAPE);
    zk_assignment_free(a);
    zk_cs_free(cs);
    cJSON_Delete(j);
}

TEST(plonk_pinned_mac_standalone) {
    /* the C-built circuit, commitments and expected hashes from the committed check file */
    cJSON *chk = tv_load("halo2_mac_check.json");
    REQUIRE(chk);
    zk_cs *cs;
    REQUIRE(zk_mac_cs(&cs, NULL) == ZK_OK);
    const cJSON *c;
    int done = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(chk, "cases")) {
        if (!cJSON_GetObjectItem(c, "fixed_commitments")) continue;
        uint32_t k = (uint32_t)cJSON_GetObjectItem(c, "k")->valueint;
        check_pinned(cs, k, cJSON_GetObjectItem(c, "fixed_commitments"), cJSON_GetObjectItem(c, "permutation_commitments"),
                     NULL, tv_str(c, "transcript_repr"), tv_str(c, "transcript_repr_digest64"),
                     tv_str(c, "pinned_debug_string_blake2b256"));
        done++;
    }
    CHECK_EQ_INT(done, 2);
    zk_cs_free(cs);
    cJSON_Delete(chk);
}

TEST(plonk_pinned_mac_json) {
    int any = 0;
    for (int i = 0; i < 2; i++) {
        cJSON *j = tp_load_shared(i ? "bench/halo2_mac_k12.json" : "bench/halo2_mac_k10.json");
        if (!j) continue;
        any = 1;
        const cJSON *vk = cJSON_GetObjectItem(j, "vk");
        uint32_t k = (uint32_t)cJSON_GetObjectItem(j, "k")->valueint;
        /* from the JSON constraint system, and from circuits/mac.c */
        zk_cs *cs;
        zk_assignment *a;
        REQUIRE(zk_circuit_from_json(j, 0, NULL, &cs, &a, NULL) == ZK_OK);
        check_pinned(cs, k, cJSON_GetObjectItem(vk, "fixed_commitments"), cJSON_GetObjectItem(vk, "permutation_commitments"),
                     tv_str(vk, "pinned_debug_string"), tv_hex(vk, "transcript_repr"),
                     tv_str(vk, "transcript_repr_digest64"), NULL);
        zk_assignment_free(a);
        zk_cs_free(cs);
        REQUIRE(zk_mac_cs(&cs, NULL) == ZK_OK);
        check_pinned(cs, k, cJSON_GetObjectItem(vk, "fixed_commitments"), cJSON_GetObjectItem(vk, "permutation_commitments"),
                     tv_str(vk, "pinned_debug_string"), tv_hex(vk, "transcript_repr"), NULL, NULL);
        zk_cs_free(cs);
        cJSON_Delete(j);
    }
    if (!any) th_skip("../shared/bench not present (set ZK_SHARED_DIR)");
}

TEST(plonk_domain_parameters) {
    zk_plonk_domain d;
    REQUIRE(zk_plonk_domain_init(&d, 5, 4, NULL) == ZK_OK);
    CHECK_EQ_INT(d.extended_k, 6);
    CHECK_EQ_INT(d.quotient_poly_degree, 4);
    cJSON *j = tv_load("halo2_proof.json");
    REQUIRE(j);
    const cJSON *dom = cJSON_GetObjectItem(j, "domain");
    CHECK(tp_fp_eq_json(&d.omega, cJSON_GetObjectItem(dom, "omega")));
    CHECK(tp_fp_eq_json(&d.extended_omega, cJSON_GetObjectItem(dom, "extended_omega")));
    cJSON_Delete(j);
    /* degree 3 -> quotient 2 -> extended_k = k + 1; degree 1 -> k; degree 9 -> k + 3 */
    REQUIRE(zk_plonk_domain_init(&d, 3, 10, NULL) == ZK_OK);
    CHECK_EQ_INT(d.extended_k, 11);
    REQUIRE(zk_plonk_domain_init(&d, 1, 10, NULL) == ZK_OK);
    CHECK_EQ_INT(d.extended_k, 10);
    REQUIRE(zk_plonk_domain_init(&d, 9, 10, NULL) == ZK_OK);
    CHECK_EQ_INT(d.extended_k, 13);
    CHECK(zk_plonk_domain_init(&d, 5, 31, NULL) == ZK_ERR_RANGE);
    CHECK(zk_plonk_domain_init(&d, 0, 4, NULL) == ZK_ERR_RANGE);
    /* omega has order exactly 2^k */
    REQUIRE(zk_plonk_domain_init(&d, 5, 10, NULL) == ZK_OK);
    zk_fp x = d.omega;
    for (int i = 0; i < 9; i++) zk_fp_sqr(&x, &x);
    zk_fp one;
    zk_fp_one(&one);
    CHECK(!zk_fp_eq(&x, &one));
    zk_fp_sqr(&x, &x);
    CHECK(zk_fp_eq(&x, &one));
    /* Debug formatting of field elements */
    char h[67];
    zk_fp_from_u64(&x, 2);
    zk_fp_debug_hex(h, &x);
    CHECK(strcmp(h, "0x0000000000000000000000000000000000000000000000000000000000000002") == 0);
}
