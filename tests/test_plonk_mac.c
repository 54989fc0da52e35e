/* The halo2_mac circuit family built in C (circuits/mac.c) against halo2's export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/mac.h"
#include "harness.h"
#include "plonk/load.h"
#include "test_plonk.h"
#include "tv.h"

static void fp_hex(char out[65], const zk_fp *v) {
    uint8_t b[32];
    zk_fp_to_bytes(b, v);
    th_hex(out, b, 32);
}

TEST(plonk_mac_check_values) {
    cJSON *chk = tv_load("halo2_mac_check.json");
    REQUIRE(chk);
    const cJSON *c;
    int n = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(chk, "cases")) {
        uint32_t k = (uint32_t)cJSON_GetObjectItem(c, "k")->valueint;
        zk_cs *cs;
        zk_assignment *a;
        zk_error err;
        REQUIRE(zk_mac_build(k, &cs, &a, &err) == ZK_OK);
        CHECK_EQ_INT(a->n, cJSON_GetObjectItem(c, "n")->valueint);
        CHECK_EQ_INT(a->usable, cJSON_GetObjectItem(c, "usable_rows")->valueint);
        CHECK_EQ_INT(a->instance_len[0], 2);
        const cJSON *inst = cJSON_GetObjectItem(c, "instance");
        for (int i = 0; i < 2; i++) {
            char hex[65];
            fp_hex(hex, &zk_asg_instance(a, 0)[i]);
            CHECK_MSG(strcmp(hex, cJSON_GetArrayItem(inst, i)->valuestring) == 0, "k = %u instance[%d] = %s", k, i, hex);
        }
        const char *ad = tv_str(c, "advice_blake2b256"), *fd = tv_str(c, "fixed_blake2b256");
        if (ad) {
            char hex[65];
            tp_columns_digest(hex, a->advice, 4, a->n, a->usable);
            CHECK_MSG(strcmp(hex, ad) == 0, "k = %u advice digest", k);
            tp_columns_digest(hex, a->fixed, 4, a->n, a->n);
            CHECK_MSG(strcmp(hex, fd) == 0, "k = %u fixed digest", k);
        }
        zk_assignment_free(a);
        zk_cs_free(cs);
        n++;
    }
    CHECK_EQ_INT(n, 5);
    cJSON_Delete(chk);
}

static int column_equals_hex(const zk_fp *col, const cJSON *arr, size_t rows) {
    if ((size_t)cJSON_GetArraySize(arr) != rows) return -1;
    int bad = 0;
    for (size_t r = 0; r < rows; r++)
        if (!tp_fp_eq_json(&col[r], cJSON_GetArrayItem(arr, (int)r))) bad++;
    return bad;
}

TEST(plonk_mac_matches_json_field_by_field) {
    int any = 0;
    for (int i = 0; i < 2; i++) {
        cJSON *j = tp_load_shared(i ? "bench/halo2_mac_k12.json" : "bench/halo2_mac_k10.json");
        if (!j) continue;
        any = 1;
        uint32_t k = (uint32_t)cJSON_GetObjectItem(j, "k")->valueint;
        zk_cs *cs;
        zk_assignment *a;
        REQUIRE(zk_mac_build(k, &cs, &a, NULL) == ZK_OK);
        CHECK_EQ_INT(a->usable, cJSON_GetObjectItem(j, "usable_rows")->valueint);
        const cJSON *adv = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "advice"), "columns");
        for (uint32_t c = 0; c < 4; c++)
            CHECK_MSG(column_equals_hex(zk_asg_advice(a, c), cJSON_GetArrayItem(adv, (int)c), a->usable) == 0,
                      "k = %u advice column %u", k, c);
        const cJSON *fv = cJSON_GetObjectItem(j, "fixed_column_values");
        for (uint32_t c = 0; c < 4; c++)
            CHECK_MSG(column_equals_hex(zk_asg_fixed(a, c), cJSON_GetArrayItem(fv, (int)c), a->n) == 0,
                      "k = %u fixed column %u", k, c);
        CHECK(column_equals_hex(zk_asg_instance(a, 0), cJSON_GetArrayItem(cJSON_GetObjectItem(j, "instance"), 0), 2) == 0);
        /* copies, in order */
        zk_cs *cs2;
        zk_assignment *a2;
        REQUIRE(zk_circuit_from_json(j, 0, NULL, &cs2, &a2, NULL) == ZK_OK);
        CHECK_EQ_INT(a2->num_copies, a->num_copies);
        CHECK(a2->num_copies == a->num_copies && memcmp(a2->copies, a->copies, a->num_copies * sizeof(zk_copy)) == 0);
        /* and the same constraint system: the same query lists and degree */
        CHECK_EQ_INT(cs2->num_advice_queries, cs->num_advice_queries);
        CHECK(memcmp(cs2->advice_queries, cs->advice_queries, cs->num_advice_queries * sizeof(zk_query)) == 0);
        CHECK(memcmp(cs2->fixed_queries, cs->fixed_queries, cs->num_fixed_queries * sizeof(zk_query)) == 0);
        CHECK_EQ_INT(zk_cs_degree(cs2), zk_cs_degree(cs));
        zk_assignment_free(a2);
        zk_cs_free(cs2);
        zk_assignment_free(a);
        zk_cs_free(cs);
        cJSON_Delete(j);
    }
    if (!any) th_skip("../shared/bench not present (set ZK_SHARED_DIR)");
}

TEST(plonk_mac_sizes) {
    zk_cs *cs;
    zk_assignment *a;
    zk_error err;
    CHECK(zk_mac_build(3, &cs, &a, &err) == ZK_ERR_RANGE);
    for (uint32_t k = 4; k <= 9; k++) {
        REQUIRE(zk_mac_build(k, &cs, &a, &err) == ZK_OK);
        CHECK_EQ_INT(a->usable, ((size_t)1 << k) - 6);
        CHECK_EQ_INT(zk_cs_degree(cs), 5);
        CHECK_EQ_INT(zk_cs_blinding_factors(cs), 5);
        CHECK_EQ_INT(a->num_copies, 5);
        zk_assignment_free(a);
        zk_cs_free(cs);
    }
}
