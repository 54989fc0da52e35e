/* Loading circuits from the JSON vectors; malformed input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "plonk/load.h"
#include "test_plonk.h"
#include "tv.h"
#include "util/rng.h"

static int fixed_equals_json(const zk_assignment *a, const cJSON *fv) {
    int bad = 0;
    for (uint32_t c = 0; c < a->num_fixed; c++) {
        const cJSON *col = cJSON_GetArrayItem(fv, (int)c);
        for (size_t r = 0; r < a->n; r++)
            if (!tp_fp_eq_json(&zk_asg_fixed(a, c)[r], cJSON_GetArrayItem(col, (int)r))) bad++;
    }
    return bad;
}

TEST(plonk_load_halo2_proof) {
    cJSON *j = tv_load("halo2_proof.json");
    REQUIRE(j);
    zk_cs *cs;
    zk_assignment *a;
    uint32_t k;
    zk_error err;
    REQUIRE(zk_circuit_from_json(j, 0, &k, &cs, &a, &err) == ZK_OK);
    CHECK_EQ_INT(k, 4);
    CHECK_EQ_INT(cs->num_fixed, 4);
    CHECK_EQ_INT(cs->num_advice, 3);
    CHECK_EQ_INT(cs->num_instance, 1);
    CHECK_EQ_INT(cs->num_selectors, 3);
    CHECK_EQ_INT(cs->num_gates, 2);
    CHECK_EQ_INT(cs->num_polys, 2);
    CHECK(strcmp(cs->gates[0].name, "mul") == 0 && strcmp(cs->gates[1].name, "add") == 0);
    CHECK_EQ_INT(cs->num_lookups, 1);
    CHECK_EQ_INT(cs->num_perm_columns, 5);
    CHECK_EQ_INT(cs->perm_columns[3].kind, ZK_COL_INSTANCE);
    CHECK_EQ_INT(cs->perm_columns[4].kind, ZK_COL_FIXED);
    CHECK_EQ_INT(cs->num_constants, 1);
    CHECK_EQ_INT(zk_cs_degree(cs), 5);
    CHECK_EQ_INT(zk_cs_blinding_factors(cs), 5);
    CHECK_EQ_INT(a->usable, 10);
    CHECK_EQ_INT(a->num_copies, 9);
    CHECK_EQ_INT(a->instance_len[0], 1);
    zk_fp y;
    zk_fp_from_u64(&y, 35);
    CHECK(zk_fp_eq(&zk_asg_instance(a, 0)[0], &y));
    zk_fp_from_u64(&y, 27);
    CHECK(zk_fp_eq(&zk_asg_advice(a, 2)[2], &y)); /* x3 */
    const cJSON *fv = cJSON_GetObjectItem(j, "fixed_column_values");
    CHECK_EQ_INT(fixed_equals_json(a, fv), 0);
    /* cells assigned by the log are tracked */
    zk_column c0 = {ZK_COL_ADVICE, 0}, c2 = {ZK_COL_ADVICE, 2}, f0 = {ZK_COL_FIXED, 0}, f3 = {ZK_COL_FIXED, 3};
    CHECK(zk_asg_is_assigned(a, c0, 0) && !zk_asg_is_assigned(a, c2, 0));
    CHECK(zk_asg_is_assigned(a, f0, 0) && !zk_asg_is_assigned(a, f0, 1) && zk_asg_is_assigned(a, f3, 15));
    zk_assignment_free(a);
    zk_cs_free(cs);

    /* fixed columns rebuilt from the synthesis log (selector compression redone) */
    REQUIRE(zk_circuit_from_json(j, ZK_LOAD_FIXED_FROM_LOG, &k, &cs, &a, &err) == ZK_OK);
    CHECK_EQ_INT(fixed_equals_json(a, fv), 0);
    zk_assignment_free(a);
    zk_cs_free(cs);
    cJSON_Delete(j);
}

TEST(plonk_load_mac_json) {
    cJSON *j = tp_load_shared("bench/halo2_mac_k10.json");
    if (!j) {
        th_skip("../shared/bench/halo2_mac_k10.json not present (set ZK_SHARED_DIR)");
        return;
    }
    zk_cs *cs;
    zk_assignment *a;
    uint32_t k;
    zk_error err;
    REQUIRE(zk_circuit_from_json(j, 0, &k, &cs, &a, &err) == ZK_OK);
    CHECK_EQ_INT(k, 10);
    CHECK_EQ_INT(a->usable, 1018);
    CHECK_EQ_INT(cs->num_advice_queries, 5);
    CHECK_EQ_INT(cs->advice_queries[4].rotation, -1);
    CHECK_EQ_INT(a->num_copies, 5);
    CHECK_EQ_INT(a->copies[4].left_row, 1017);
    CHECK_EQ_INT(a->instance_len[0], 2);
    CHECK_EQ_INT(fixed_equals_json(a, cJSON_GetObjectItem(j, "fixed_column_values")), 0);
    zk_assignment_free(a);
    zk_cs_free(cs);
    cJSON_Delete(j);
}

/* Loads text, expects failure code `want` and a message containing `needle`. */
static void expect_error(const char *text, zk_status want, const char *needle) {
    zk_cs *cs = (zk_cs *)1;
    zk_assignment *a = (zk_assignment *)1;
    zk_error err;
    zk_error_clear(&err);
    zk_status st = zk_circuit_from_json_text(text, strlen(text), 0, NULL, &cs, &a, &err);
    CHECK_MSG(st == want, "expected %s, got %s (%s) for: %.120s", zk_status_name(want), zk_status_name(st), err.msg,
              text);
    CHECK_MSG(strstr(err.msg, needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg, needle);
    CHECK(cs == NULL && a == NULL);
}

/* halo2_proof.json with one edit applied by `edit`; returns the printed text. */
static char *edited(void (*edit)(cJSON *root)) {
    cJSON *j = tv_load("halo2_proof.json");
    if (!j) return NULL;
    edit(j);
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

static cJSON *csj_(cJSON *r) { return cJSON_GetObjectItem(r, "constraint_system"); }
static cJSON *expr0_(cJSON *r) {
    cJSON *g = cJSON_GetArrayItem(cJSON_GetObjectItem(csj_(r), "gates"), 0);
    return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(g, "polynomials"), 0), "expr");
}
static void e_no_gates(cJSON *r) { cJSON_DeleteItemFromObject(csj_(r), "gates"); }
static void e_bad_count(cJSON *r) { cJSON_ReplaceItemInObject(csj_(r), "num_fixed_columns", cJSON_CreateString("4")); }
static void e_unknown_node(cJSON *r) {
    cJSON *e = expr0_(r);
    cJSON *p = cJSON_DetachItemFromObject(e, "product");
    cJSON_AddItemToObject(e, "prod", p);
}
static void e_query_mismatch(cJSON *r) {
    /* first factor of the mul gate: Fixed q3 -> says column 2 */
    cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(expr0_(r), "product"), 0);
    f = cJSON_GetArrayItem(cJSON_GetObjectItem(f, "product"), 0);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(f, "fixed"), "column", cJSON_CreateNumber(2));
}
static void e_bad_fe(cJSON *r) {
    cJSON *inst = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "instance"), 0), 0);
    cJSON_ReplaceItemInObject(inst, "hex", cJSON_CreateString("zz"));
}
static void e_noncanonical(cJSON *r) {
    cJSON *inst = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "instance"), 0), 0);
    cJSON_ReplaceItemInObject(inst, "hex",
                              cJSON_CreateString("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
}
static void e_sum_arity(cJSON *r) {
    cJSON *s = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(expr0_(r), "product"), 1), "sum");
    cJSON_DeleteItemFromArray(s, 1);
}
static void e_copy_type(cJSON *r) {
    cJSON *log = cJSON_GetObjectItem(r, "synthesis_log");
    cJSON *op;
    cJSON_ArrayForEach(op, log) {
        if (strcmp(cJSON_GetObjectItem(op, "op")->valuestring, "copy")) continue;
        cJSON *col = cJSON_GetObjectItem(cJSON_GetObjectItem(op, "left"), "column");
        cJSON_ReplaceItemInObject(col, "type", cJSON_CreateString("foo"));
        break;
    }
}
static void e_unknown_op(cJSON *r) {
    cJSON *op = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "synthesis_log"), 3);
    cJSON_ReplaceItemInObject(op, "op", cJSON_CreateString("teleport"));
}
static void e_row_range(cJSON *r) {
    cJSON *op = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "synthesis_log"), 12);
    cJSON_ReplaceItemInObject(op, "row", cJSON_CreateNumber(12));
}
static void e_degree(cJSON *r) { cJSON_ReplaceItemInObject(csj_(r), "degree", cJSON_CreateNumber(4)); }
static void e_perm_query(cJSON *r) {
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(csj_(r), "instance_queries"), 0);
}
static void e_instance_cols(cJSON *r) { cJSON_AddItemToArray(cJSON_GetObjectItem(r, "instance"), cJSON_CreateArray()); }

TEST(plonk_load_errors_name_the_field) {
    struct {
        void (*edit)(cJSON *);
        zk_status st;
        const char *needle;
    } cases[] = {
        {e_no_gates, ZK_ERR_PARSE, "constraint_system.gates: missing"},
        {e_bad_count, ZK_ERR_PARSE, "constraint_system.num_fixed_columns"},
        {e_unknown_node, ZK_ERR_PARSE, "gates[0].polynomials[0].expr: unknown expression node \"prod\""},
        {e_query_mismatch, ZK_ERR_PARSE, "query 3 is (column 3"},
        {e_bad_fe, ZK_ERR_PARSE, "instance[0][0]"},
        {e_noncanonical, ZK_ERR_PARSE, "not canonical"},
        {e_sum_arity, ZK_ERR_PARSE, "expected an array of two expressions"},
        {e_copy_type, ZK_ERR_PARSE, ".left.column.type"},
        {e_unknown_op, ZK_ERR_PARSE, "unknown operation \"teleport\""},
        {e_row_range, ZK_ERR_RANGE, "not enough rows available"},
        {e_degree, ZK_ERR_SHAPE, "constraint_system.degree"},
        {e_perm_query, ZK_ERR_PARSE, "rotation-0 query"},
        {e_instance_cols, ZK_ERR_SHAPE, "instance: 2 columns"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = edited(cases[i].edit);
        REQUIRE(s);
        expect_error(s, cases[i].st, cases[i].needle);
        free(s);
    }
    expect_error("{\"k\": 4, ", ZK_ERR_PARSE, "malformed JSON");
    expect_error("[]", ZK_ERR_PARSE, "expected a JSON object");
    expect_error("{\"k\": 4}", ZK_ERR_PARSE, "constraint_system: missing");
    expect_error("{\"k\": 4.5}", ZK_ERR_PARSE, "circuit.k");
}

/* Random structural damage: every outcome is a clean error or a success. */
static void mutate(cJSON *node, zk_splitmix64 *r, int *budget) {
    if (!node || *budget <= 0) return;
    cJSON *child = node->child;
    int n = 0;
    for (cJSON *c = child; c; c = c->next) n++;
    if (n == 0) return;
    int pick = (int)(zk_splitmix64_next(r) % (uint64_t)n);
    cJSON *c = child;
    while (pick--) c = c->next;
    uint64_t x = zk_splitmix64_next(r);
    if (x % 4 == 0 || (!cJSON_IsObject(c) && !cJSON_IsArray(c))) {
        (*budget)--;
        cJSON *rep;
        switch ((x >> 8) % 6) {
        case 0: rep = cJSON_CreateNumber((double)((int64_t)(x >> 16) % 40) - 3); break;
        case 1: rep = cJSON_CreateString("0500000000000000000000000000000000000000000000000000000000000000"); break;
        case 2: rep = cJSON_CreateNull(); break;
        case 3: rep = cJSON_CreateArray(); break;
        case 4: rep = cJSON_CreateObject(); break;
        default: rep = cJSON_CreateNumber(1e12); break;
        }
        if (cJSON_IsArray(node))
            cJSON_ReplaceItemViaPointer(node, c, rep);
        else
            cJSON_ReplaceItemViaPointer(node, c, rep);
        return;
    }
    mutate(c, r, budget);
}

TEST(plonk_load_survives_random_damage) {
    cJSON *base = tv_load("halo2_proof.json");
    REQUIRE(base);
    /* drop the bulky parts the loader does not read */
    const char *drop[] = {"transcript_log", "prover_rng", "proof", "vk", "permutation_sigma_values"};
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) cJSON_DeleteItemFromObject(base, drop[i]);
    zk_splitmix64 r = {77};
    int ok = 0, failed = 0;
    for (int t = 0; t < 300; t++) {
        cJSON *j = cJSON_Duplicate(base, 1);
        REQUIRE(j);
        int budget = 1 + (int)(zk_splitmix64_next(&r) % 3);
        for (int g = 0; g < 50 && budget > 0; g++) mutate(j, &r, &budget);
        zk_cs *cs;
        zk_assignment *a;
        zk_error err;
        zk_error_clear(&err);
        zk_status st = zk_circuit_from_json(j, (unsigned)(t & 1), NULL, &cs, &a, &err);
        if (st == ZK_OK) {
            ok++;
            zk_assignment_free(a);
            zk_cs_free(cs);
        } else {
            failed++;
            CHECK_MSG(err.msg[0] != 0, "error %s without a message", zk_status_name(st));
        }
        cJSON_Delete(j);
    }
    CHECK(failed > 0);
    (void)ok;
    cJSON_Delete(base);
}
