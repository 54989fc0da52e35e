/* Permutation keygen: halo2's Assembly::copy and the sigma columns. */
#include <stdlib.h>
#include <string.h>

#include "circuits/mac.h"
#include "harness.h"
#include "plonk/load.h"
#include "plonk/permutation.h"
#include "test_plonk.h"
#include "tv.h"

static int sigma_equals_json(const zk_fp *sigma, size_t ncols, size_t n, const cJSON *sv) {
    int bad = 0;
    if (!cJSON_IsArray(sv) || (size_t)cJSON_GetArraySize(sv) != ncols) return -1;
    for (size_t j = 0; j < ncols; j++) {
        const cJSON *col = cJSON_GetArrayItem(sv, (int)j);
        if ((size_t)cJSON_GetArraySize(col) != n) return -1;
        for (size_t i = 0; i < n; i++)
            if (!tp_fp_eq_json(&sigma[j * n + i], cJSON_GetArrayItem(col, (int)i))) bad++;
    }
    return bad;
}

TEST(plonk_sigma_halo2_proof) {
    cJSON *j = tv_load("halo2_proof.json");
    REQUIRE(j);
    zk_cs *cs;
    zk_assignment *a;
    zk_error err;
    REQUIRE(zk_circuit_from_json(j, 0, NULL, &cs, &a, &err) == ZK_OK);
    zk_fp *sigma;
    REQUIRE(zk_perm_keygen(cs, a, &sigma, &err) == ZK_OK);
    CHECK_EQ_INT(sigma_equals_json(sigma, cs->num_perm_columns, a->n, cJSON_GetObjectItem(j, "permutation_sigma_values")), 0);
    /* the domain's omega is the one the vectors print */
    zk_fp omega;
    zk_plonk_omega(&omega, 4);
    CHECK(tp_fp_eq_json(&omega, cJSON_GetObjectItem(cJSON_GetObjectItem(j, "domain"), "omega")));
    free(sigma);
    zk_assignment_free(a);
    zk_cs_free(cs);
    cJSON_Delete(j);
}

TEST(plonk_sigma_mac_k10) {
    zk_cs *cs;
    zk_assignment *a;
    zk_error err;
    REQUIRE(zk_mac_build(10, &cs, &a, &err) == ZK_OK);
    zk_fp *sigma;
    REQUIRE(zk_perm_keygen(cs, a, &sigma, &err) == ZK_OK);
    /* digest of halo2's sigma columns (tests/vectors/halo2_mac_check.json) */
    cJSON *chk = tv_load("halo2_mac_check.json");
    REQUIRE(chk);
    char hex[65];
    tp_columns_digest(hex, sigma, cs->num_perm_columns, a->n, a->n);
    const cJSON *c10 = cJSON_GetArrayItem(cJSON_GetObjectItem(chk, "cases"), 0);
    CHECK(strcmp(hex, tv_str(c10, "permutation_sigma_blake2b256")) == 0);
    cJSON_Delete(chk);
    /* and value by value against the full export, when present */
    cJSON *j = tp_load_shared("bench/halo2_mac_k10.json");
    if (j) {
        CHECK_EQ_INT(sigma_equals_json(sigma, 5, a->n, cJSON_GetObjectItem(j, "permutation_sigma_values")), 0);
        /* the JSON-loaded circuit gives the same */
        zk_cs *cs2;
        zk_assignment *a2;
        zk_fp *s2;
        REQUIRE(zk_circuit_from_json(j, 0, NULL, &cs2, &a2, &err) == ZK_OK);
        REQUIRE(zk_perm_keygen(cs2, a2, &s2, &err) == ZK_OK);
        CHECK(memcmp(s2, sigma, 5 * a->n * sizeof(zk_fp)) == 0);
        free(s2);
        zk_assignment_free(a2);
        zk_cs_free(cs2);
        cJSON_Delete(j);
    }
    free(sigma);
    zk_assignment_free(a);
    zk_cs_free(cs);
}

/* Cycles of the mapping are exactly the classes of the copies, and the
 * union-by-size / tie rule decides the cycle order. */
TEST(plonk_perm_assembly_cycles) {
    zk_perm_assembly *pa;
    REQUIRE(zk_perm_assembly_new(&pa, 3, 8, NULL) == ZK_OK);
    uint32_t jp;
    size_t ip;
    /* tie: (0,1) joins (1,2); left stays representative, mapping swapped */
    REQUIRE(zk_perm_assembly_copy(pa, 0, 1, 1, 2, NULL) == ZK_OK);
    zk_perm_mapping(pa, 0, 1, &jp, &ip);
    CHECK(jp == 1 && ip == 2);
    zk_perm_mapping(pa, 1, 2, &jp, &ip);
    CHECK(jp == 0 && ip == 1);
    CHECK_EQ_INT(pa->aux[1 * 8 + 2], 0 * 8 + 1);
    CHECK_EQ_INT(pa->sizes[0 * 8 + 1], 2);
    /* a 1-cycle on the left joins the 2-cycle on the right: the right one absorbs it */
    REQUIRE(zk_perm_assembly_copy(pa, 2, 7, 1, 2, NULL) == ZK_OK);
    CHECK_EQ_INT(pa->aux[2 * 8 + 7], 0 * 8 + 1);
    CHECK_EQ_INT(pa->sizes[0 * 8 + 1], 3);
    /* the same pair again changes nothing */
    uint32_t before[24];
    memcpy(before, pa->mapping, sizeof before);
    REQUIRE(zk_perm_assembly_copy(pa, 1, 2, 2, 7, NULL) == ZK_OK);
    CHECK(memcmp(before, pa->mapping, sizeof before) == 0);
    /* the cycle through (0,1) visits exactly the three cells */
    uint32_t start = 0 * 8 + 1, cur = start, len = 0;
    do {
        cur = pa->mapping[cur];
        len++;
    } while (cur != start && len < 30);
    CHECK_EQ_INT(len, 3);
    /* mapping stays a permutation */
    uint8_t seen[24] = {0};
    for (int i = 0; i < 24; i++) seen[pa->mapping[i]]++;
    for (int i = 0; i < 24; i++) CHECK_EQ_INT(seen[i], 1);
    CHECK(zk_perm_assembly_copy(pa, 3, 0, 0, 0, NULL) == ZK_ERR_RANGE);
    CHECK(zk_perm_assembly_copy(pa, 0, 8, 0, 0, NULL) == ZK_ERR_RANGE);
    zk_perm_assembly_free(pa);
}

TEST(plonk_perm_rejects_copy_outside_permutation) {
    zk_cs *cs = zk_cs_new();
    zk_column a = zk_cs_advice_column(cs), b = zk_cs_advice_column(cs);
    zk_cs_enable_equality(cs, a);
    zk_assignment *as;
    REQUIRE(zk_assignment_new(&as, cs, 4, 0, NULL) == ZK_OK);
    REQUIRE(zk_asg_copy(as, a, 0, b, 1, NULL) == ZK_OK);
    zk_fp *sigma;
    zk_error err;
    CHECK(zk_perm_keygen(cs, as, &sigma, &err) == ZK_ERR_INVALID_ARG);
    CHECK(strstr(err.msg, "copy #0: advice column 1 is not in the permutation") != NULL);
    /* rows past the usable ones are refused when the copy is made */
    CHECK(zk_asg_copy(as, a, 0, a, 10, &err) == ZK_ERR_RANGE);
    zk_assignment_free(as);
    zk_cs_free(cs);
}
