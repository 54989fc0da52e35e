/* Constraint system: builder, degree and blinding factors, expression evaluation. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "plonk/cs.h"
#include "plonk/eval.h"
#include "plonk/load.h"
#include "plonk/pinned.h"
#include "test_plonk.h"
#include "tv.h"
#include "util/rng.h"

/* halo2_proof.json's circuit after keygen, written with the builder. */
static zk_cs *build_halo2_example(void) {
    zk_cs *cs = zk_cs_new();
    zk_column a = zk_cs_advice_column(cs), b = zk_cs_advice_column(cs), c = zk_cs_advice_column(cs);
    zk_column inst = zk_cs_instance_column(cs);
    zk_column constant = zk_cs_fixed_column(cs);
    zk_column table = zk_cs_fixed_column(cs);
    zk_column s_range = zk_cs_fixed_column(cs), s_muladd = zk_cs_fixed_column(cs);
    for (int i = 0; i < 3; i++) zk_cs_selector(cs, i < 2);
    zk_cs_enable_equality(cs, a);
    zk_cs_enable_equality(cs, b);
    zk_cs_enable_equality(cs, c);
    zk_cs_enable_equality(cs, inst);
    zk_cs_enable_constant(cs, constant.index);
    zk_cs_add_query(cs, table, 0, NULL);
    zk_cs_add_query(cs, s_range, 0, NULL);
    zk_cs_add_query(cs, s_muladd, 0, NULL);
    /* s_mul -> q*(2-q), s_add -> q*(1-q) */
    zk_expr q = zk_expr_query(cs, s_muladd, 0);
    zk_expr sel_mul = zk_expr_mul(cs, q, zk_expr_sub(cs, zk_expr_u64(cs, 2), q));
    zk_expr sel_add = zk_expr_mul(cs, q, zk_expr_sub(cs, zk_expr_u64(cs, 1), q));
    zk_expr ea = zk_expr_query(cs, a, 0), eb = zk_expr_query(cs, b, 0), ec = zk_expr_query(cs, c, 0);
    zk_expr mul = zk_expr_mul(cs, sel_mul, zk_expr_sub(cs, zk_expr_mul(cs, ea, eb), ec));
    zk_expr add = zk_expr_mul(cs, sel_add, zk_expr_sub(cs, zk_expr_add(cs, ea, eb), ec));
    zk_cs_create_gate(cs, "mul", 1, &mul, NULL);
    zk_cs_create_gate(cs, "add", 1, &add, NULL);
    zk_expr in = zk_expr_mul(cs, zk_expr_query(cs, s_range, 0), ea), tb = zk_expr_query(cs, table, 0);
    zk_cs_add_lookup(cs, NULL, 1, &in, &tb);
    return cs;
}

TEST(plonk_cs_builder_matches_halo2_example) {
    zk_cs *cs = build_halo2_example();
    zk_error err;
    REQUIRE(zk_cs_validate(cs, &err) == ZK_OK);
    CHECK_EQ_INT(zk_cs_degree(cs), 5);
    CHECK_EQ_INT(zk_cs_blinding_factors(cs), 5);
    CHECK_EQ_INT(zk_cs_usable_rows(cs, 4), 10);
    CHECK_EQ_INT(zk_cs_perm_chunk_size(cs), 3);
    CHECK_EQ_INT(zk_cs_perm_num_sets(cs), 2);
    cJSON *j = tv_load("halo2_proof.json");
    REQUIRE(j);
    const cJSON *vk = cJSON_GetObjectItem(j, "vk");
    size_t nf, np;
    zk_vesta_affine *fc = tp_points(cJSON_GetObjectItem(vk, "fixed_commitments"), &nf);
    zk_vesta_affine *pc = tp_points(cJSON_GetObjectItem(vk, "permutation_commitments"), &np);
    REQUIRE(fc && pc);
    char *s = NULL;
    size_t len = 0;
    CHECK(zk_pinned_vk_string(cs, 4, fc, nf, pc, np, &s, &len, &err) == ZK_OK);
    const char *want = tv_str(vk, "pinned_debug_string");
    CHECK(s && want && len == strlen(want) && strcmp(s, want) == 0);
    free(s);
    free(fc);
    free(pc);
    cJSON_Delete(j);
    zk_cs_free(cs);
}

TEST(plonk_cs_degree_and_blinding_factors) {
    zk_cs *cs = zk_cs_new();
    /* nothing: permutation alone needs 3; no advice queries -> max(3, 1) + 2 */
    CHECK_EQ_INT(zk_cs_degree(cs), 3);
    CHECK_EQ_INT(zk_cs_blinding_factors(cs), 5);
    CHECK_EQ_INT(zk_cs_minimum_rows(cs), 8);
    CHECK_EQ_INT(zk_cs_usable_rows(cs, 2), 0); /* 4 rows < 8 */
    CHECK_EQ_INT(zk_cs_usable_rows(cs, 3), 2);
    uint32_t a = zk_cs_advice_column(cs).index, f = zk_cs_fixed_column(cs).index;
    /* advice a queried at 5 rotations: blinding factors 5 + 2 */
    zk_expr e = zk_expr_advice(cs, a, 0);
    for (int r = 1; r < 5; r++) e = zk_expr_add(cs, e, zk_expr_advice(cs, a, r));
    /* degree-6 gate: f * e^5 */
    zk_expr g = zk_expr_fixed(cs, f, 0);
    for (int i = 0; i < 5; i++) g = zk_expr_mul(cs, g, e);
    CHECK_EQ_INT(zk_expr_degree(cs, g), 6);
    REQUIRE(zk_cs_create_gate(cs, "deg6", 1, &g, NULL) == ZK_OK);
    CHECK_EQ_INT(zk_cs_blinding_factors(cs), 7);
    CHECK_EQ_INT(zk_cs_degree(cs), 6);
    /* lookup with input degree 3, table degree 2: 2 + 3 + 2 = 7 */
    zk_expr in = zk_expr_mul(cs, zk_expr_mul(cs, zk_expr_advice(cs, a, 0), zk_expr_advice(cs, a, 0)), zk_expr_fixed(cs, f, 0));
    zk_expr tb = zk_expr_mul(cs, zk_expr_fixed(cs, f, 0), zk_expr_fixed(cs, f, 0));
    REQUIRE(zk_cs_add_lookup(cs, "l", 1, &in, &tb) == ZK_OK);
    CHECK_EQ_INT(zk_cs_degree(cs), 7);
    /* Negated, Scaled keep the degree; constants have degree 0 */
    zk_fp three;
    zk_fp_from_u64(&three, 3);
    CHECK_EQ_INT(zk_expr_degree(cs, zk_expr_scale(cs, zk_expr_neg(cs, in), &three)), 3);
    CHECK_EQ_INT(zk_expr_degree(cs, zk_expr_u64(cs, 9)), 0);
    zk_cs_set_minimum_degree(cs, 9);
    CHECK_EQ_INT(zk_cs_degree(cs), 9);
    CHECK_EQ_INT(zk_cs_perm_chunk_size(cs), 7);
    zk_cs_free(cs);
}

TEST(plonk_cs_builder_errors_are_sticky) {
    zk_cs *cs = zk_cs_new();
    zk_cs_advice_column(cs);
    zk_expr bad = zk_expr_advice(cs, 5, 0); /* no such column */
    CHECK(bad == ZK_EXPR_NONE);
    CHECK(zk_expr_add(cs, bad, zk_expr_u64(cs, 1)) == ZK_EXPR_NONE);
    zk_error err;
    CHECK(zk_cs_status(cs, &err) == ZK_ERR_INVALID_ARG);
    CHECK(strstr(err.msg, "advice column 5") != NULL);
    zk_expr e = zk_expr_advice(cs, 0, 0);
    CHECK(zk_cs_create_gate(cs, "g", 1, &e, NULL) == ZK_ERR_INVALID_ARG);
    CHECK(zk_cs_validate(cs, &err) != ZK_OK);
    zk_cs_free(cs);

    cs = zk_cs_new();
    CHECK(zk_cs_create_gate(cs, "empty", 0, NULL, NULL) == ZK_ERR_INVALID_ARG);
    zk_cs_free(cs);
    zk_cs_free(NULL);
}

TEST(plonk_cs_enable_equality_registers_queries) {
    zk_cs *cs = zk_cs_new();
    zk_column a = zk_cs_advice_column(cs), f = zk_cs_fixed_column(cs), i = zk_cs_instance_column(cs);
    zk_expr prev = zk_expr_query(cs, a, -1);
    (void)prev;
    zk_cs_enable_equality(cs, a);
    zk_cs_enable_equality(cs, i);
    zk_cs_enable_constant(cs, f.index);
    zk_cs_enable_equality(cs, a); /* again: no change */
    CHECK_EQ_INT(cs->num_perm_columns, 3);
    CHECK_EQ_INT(cs->num_advice_queries, 2);
    CHECK_EQ_INT(cs->advice_queries[1].rotation, 0);
    CHECK_EQ_INT(zk_cs_find_query(cs, a, -1), 0);
    CHECK_EQ_INT(zk_cs_find_query(cs, i, 0), 0);
    CHECK_EQ_INT(zk_cs_find_query(cs, f, 0), 0);
    CHECK_EQ_INT(zk_cs_perm_position(cs, f), 2);
    CHECK_EQ_INT(cs->num_constants, 1);
    zk_cs_free(cs);
}

/* ---- evaluation ---- */

/* Plain recursive evaluation straight from the node tree (test oracle). */
static void naive_eval(const zk_cs *cs, zk_expr e, const zk_colview *v, size_t row, zk_fp *out) {
    const zk_expr_node *n = &cs->nodes[e];
    zk_fp a, b;
    switch (n->op) {
    case ZK_EXPR_CONSTANT: *out = cs->consts[n->a]; return;
    case ZK_EXPR_FIXED: *out = v->fixed[cs->fixed_queries[n->a].column][zk_colview_pos(v, row, cs->fixed_queries[n->a].rotation)]; return;
    case ZK_EXPR_ADVICE: *out = v->advice[cs->advice_queries[n->a].column][zk_colview_pos(v, row, cs->advice_queries[n->a].rotation)]; return;
    case ZK_EXPR_INSTANCE: *out = v->instance[cs->instance_queries[n->a].column][zk_colview_pos(v, row, cs->instance_queries[n->a].rotation)]; return;
    case ZK_EXPR_NEGATED: naive_eval(cs, n->a, v, row, &a); zk_fp_neg(out, &a); return;
    case ZK_EXPR_SUM: naive_eval(cs, n->a, v, row, &a); naive_eval(cs, n->b, v, row, &b); zk_fp_add(out, &a, &b); return;
    case ZK_EXPR_PRODUCT: naive_eval(cs, n->a, v, row, &a); naive_eval(cs, n->b, v, row, &b); zk_fp_mul(out, &a, &b); return;
    case ZK_EXPR_SCALED: naive_eval(cs, n->a, v, row, &a); zk_fp_mul(out, &a, &cs->consts[n->b]); return;
    default: zk_fp_zero(out);
    }
}

static zk_expr random_expr(zk_cs *cs, zk_splitmix64 *r, int depth) {
    uint64_t x = zk_splitmix64_next(r);
    if (depth == 0 || x % 7 == 0) {
        switch ((x >> 8) % 4) {
        case 0: return zk_expr_advice(cs, (uint32_t)((x >> 16) % 3), (int32_t)((x >> 24) % 5) - 2);
        case 1: return zk_expr_fixed(cs, (uint32_t)((x >> 16) % 2), (int32_t)((x >> 24) % 3) - 1);
        case 2: return zk_expr_instance(cs, 0, (int32_t)((x >> 24) % 3) - 1);
        default: return zk_expr_i64(cs, (int64_t)((x >> 16) % 11) - 5);
        }
    }
    switch ((x >> 8) % 4) {
    case 0: return zk_expr_neg(cs, random_expr(cs, r, depth - 1));
    case 1: return zk_expr_add(cs, random_expr(cs, r, depth - 1), random_expr(cs, r, depth - 1));
    case 2: return zk_expr_mul(cs, random_expr(cs, r, depth - 1), random_expr(cs, r, depth - 1));
    default: {
        zk_fp c;
        zk_fp_from_u64(&c, zk_splitmix64_next(r));
        return zk_expr_scale(cs, random_expr(cs, r, depth - 1), &c);
    }
    }
}

static void random_fp(zk_fp *out, zk_splitmix64 *r) {
    uint8_t b[64];
    zk_splitmix64_fill(r, b, 64);
    zk_fp_from_uniform_bytes(out, b);
}

TEST(plonk_expr_prog_matches_tree_evaluation) {
    zk_splitmix64 r = {0x5eed};
    for (int round = 0; round < 6; round++) {
        zk_cs *cs = zk_cs_new();
        for (int i = 0; i < 3; i++) zk_cs_advice_column(cs);
        for (int i = 0; i < 2; i++) zk_cs_fixed_column(cs);
        zk_cs_instance_column(cs);
        zk_expr roots[6];
        for (int i = 0; i < 6; i++) roots[i] = random_expr(cs, &r, 5);
        roots[5] = roots[2]; /* a repeated root */
        /* shared subexpression used twice */
        roots[4] = zk_expr_mul(cs, roots[0], zk_expr_add(cs, roots[0], roots[1]));
        REQUIRE(zk_cs_status(cs, NULL) == ZK_OK);
        /* n rows, and the extended layout (4n positions, rotation step 4) */
        for (int ext = 0; ext < 2; ext++) {
            size_t len = ext ? 256 : 64, scale = ext ? 4 : 1;
            zk_fp *store = malloc(6 * len * sizeof(zk_fp));
            REQUIRE(store);
            for (size_t i = 0; i < 6 * len; i++) random_fp(&store[i], &r);
            const zk_fp *adv[3] = {store, store + len, store + 2 * len};
            const zk_fp *fix[2] = {store + 3 * len, store + 4 * len};
            const zk_fp *ins[1] = {store + 5 * len};
            zk_colview v = {fix, adv, ins, len, scale};
            zk_expr_prog *p;
            zk_error err;
            REQUIRE(zk_expr_prog_new(&p, cs, roots, 6, &err) == ZK_OK);
            CHECK(zk_expr_prog_num_registers(p) <= zk_expr_prog_num_instructions(p));
            zk_fp *outs_store = malloc(6 * len * sizeof(zk_fp));
            zk_fp *outs[6];
            for (int i = 0; i < 6; i++) outs[i] = outs_store + i * len;
            /* an odd sub-range, then everything in parallel */
            CHECK(zk_expr_prog_eval(p, &v, 3, len - 5, outs) == ZK_OK);
            int bad = 0;
            for (size_t row = 3; row < len - 5; row++)
                for (int i = 0; i < 6; i++) {
                    zk_fp want;
                    naive_eval(cs, roots[i], &v, row, &want);
                    if (!zk_fp_eq(&want, &outs[i][row - 3])) bad++;
                }
            CHECK_EQ_INT(bad, 0);
            CHECK(zk_expr_prog_eval_par(p, &v, 0, len, outs) == ZK_OK);
            bad = 0;
            for (size_t row = 0; row < len; row++)
                for (int i = 0; i < 6; i++) {
                    zk_fp want, one;
                    naive_eval(cs, roots[i], &v, row, &want);
                    if (!zk_fp_eq(&want, &outs[i][row])) bad++;
                    if (i == 0 && row == 7) {
                        CHECK(zk_expr_eval_row(cs, roots[i], &v, row, &one, &err) == ZK_OK);
                        CHECK(zk_fp_eq(&one, &want));
                    }
                }
            CHECK_EQ_INT(bad, 0);
            /* Horner fold: acc = acc * y + root, root by root */
            zk_fp y, *acc = malloc(len * sizeof(zk_fp));
            REQUIRE(acc);
            random_fp(&y, &r);
            for (size_t i = 0; i < len; i++) random_fp(&acc[i], &r);
            zk_fp acc0 = acc[9];
            CHECK(zk_expr_prog_eval_horner(p, &v, 0, len, &y, acc) == ZK_OK);
            for (int i = 0; i < 6; i++) {
                zk_fp_mul(&acc0, &acc0, &y);
                zk_fp_add(&acc0, &acc0, &outs[i][9]);
            }
            CHECK(zk_fp_eq(&acc0, &acc[9]));
            free(acc);
            zk_expr_prog_free(p);
            free(outs_store);
            free(store);
        }
        zk_cs_free(cs);
    }
}

TEST(plonk_expr_prog_shares_subexpressions) {
    zk_cs *cs = zk_cs_new();
    zk_cs_advice_column(cs);
    /* (a + a@1) built twice and squared: one add, one mul, two loads */
    zk_expr s1 = zk_expr_add(cs, zk_expr_advice(cs, 0, 0), zk_expr_advice(cs, 0, 1));
    zk_expr s2 = zk_expr_add(cs, zk_expr_advice(cs, 0, 1), zk_expr_advice(cs, 0, 0));
    zk_expr sq = zk_expr_mul(cs, s1, s2);
    zk_expr_prog *p;
    REQUIRE(zk_expr_prog_new(&p, cs, &sq, 1, NULL) == ZK_OK);
    CHECK_EQ_INT(zk_expr_prog_num_instructions(p), 4);
    zk_expr_prog_free(p);
    /* virtual selectors cannot be evaluated */
    uint32_t s = zk_cs_selector(cs, 1);
    zk_expr e = zk_expr_mul(cs, zk_expr_selector(cs, s), sq);
    zk_error err;
    CHECK(zk_expr_prog_new(&p, cs, &e, 1, &err) == ZK_ERR_UNSUPPORTED);
    CHECK(p == NULL);
    zk_cs_free(cs);
}

/* Rust Debug of the node kinds the vectors do not exercise. */
TEST(plonk_pinned_formats_every_node_kind) {
    zk_cs *cs = zk_cs_new();
    zk_cs_advice_column(cs);
    zk_cs_fixed_column(cs);
    zk_cs_instance_column(cs);
    uint32_t s = zk_cs_selector(cs, 1), s2 = zk_cs_selector(cs, 0);
    zk_fp three;
    zk_fp_from_u64(&three, 3);
    zk_expr e = zk_expr_scale(cs, zk_expr_add(cs, zk_expr_selector(cs, s), zk_expr_selector(cs, s2)), &three);
    e = zk_expr_mul(cs, e, zk_expr_instance(cs, 0, -2));
    REQUIRE(zk_cs_create_gate(cs, "g", 1, &e, NULL) == ZK_OK);
    zk_cs_set_minimum_degree(cs, 6);
    zk_vesta_affine pts[1];
    zk_vesta_affine_identity(&pts[0]);
    char *str;
    size_t len;
    REQUIRE(zk_pinned_vk_string(cs, 5, pts, 1, NULL, 0, &str, &len, NULL) == ZK_OK);
    CHECK(strstr(str, "gates: [Product(Scaled(Sum(Selector(Selector(0, true)), Selector(Selector(1, false))), "
                      "0x0000000000000000000000000000000000000000000000000000000000000003), Instance { query_index: 0, "
                      "column_index: 0, rotation: Rotation(-2) })], ") != NULL);
    CHECK(strstr(str, "lookups: [], constants: [], minimum_degree: Some(6) }, fixed_commitments: [Infinity], "
                      "permutation: VerifyingKey { commitments: [] } }") != NULL);
    CHECK(strstr(str, "domain: PinnedEvaluationDomain { k: 5, extended_k: 8, omega: 0x") != NULL);
    free(str);
    zk_cs_free(cs);
}
