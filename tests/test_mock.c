/* MockProver on the vector circuits and on targeted breakages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/mac.h"
#include "harness.h"
#include "plonk/load.h"
#include "plonk/mock.h"
#include "test_plonk.h"
#include "tv.h"

static zk_mock_report *run(const zk_cs *cs, const zk_assignment *a) {
    zk_mock_report *r = NULL;
    zk_error err;
    zk_status st = zk_mock_verify_var(cs, a, NULL, &r, &err);
    CHECK_MSG(st == ZK_OK, "mock failed to run: %s", err.msg);
    return r;
}

static void expect_ok(const zk_cs *cs, const zk_assignment *a, const char *what) {
    zk_mock_report *r = run(cs, a);
    if (r && !zk_mock_ok(r)) {
        char *s = zk_mock_report_summary(r, 5);
        th_fail(__FILE__, __LINE__, "%s: %s", what, s ? s : "?");
        free(s);
    }
    zk_mock_report_free(r);
}

/* Formatted failure i. */
static const char *line(const zk_mock_report *r, size_t i) {
    static char buf[2048];
    zk_mock_failure_format(r, i, buf, sizeof buf);
    return buf;
}

TEST(mock_accepts_halo2_proof) {
    cJSON *j = tv_load("halo2_proof.json");
    REQUIRE(j);
    zk_cs *cs;
    zk_assignment *a;
    REQUIRE(zk_circuit_from_json(j, 0, NULL, &cs, &a, NULL) == ZK_OK);
    expect_ok(cs, a, "halo2_proof.json");
    /* x = 4: every gate still holds after recomputing, but y changes: the instance copy fails */
    zk_fp v;
    zk_fp_from_u64(&v, 36);
    zk_asg_instance(a, 0)[0] = v;
    zk_mock_report *r = run(cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->total, 1);
    CHECK_EQ_INT(r->failures[0].kind, ZK_MOCK_COPY);
    CHECK(strstr(line(r, 0), "advice[2] (row 4) = 35 != instance[0] (row 0) = 36") != NULL);
    zk_mock_report_free(r);
    zk_assignment_free(a);
    zk_cs_free(cs);
    cJSON_Delete(j);
}

TEST(mock_accepts_mac) {
    for (uint32_t k = 4; k <= 10; k++) {
        zk_cs *cs;
        zk_assignment *a;
        REQUIRE(zk_mac_build(k, &cs, &a, NULL) == ZK_OK);
        char what[32];
        snprintf(what, sizeof what, "mac k = %u", k);
        expect_ok(cs, a, what);
        zk_assignment_free(a);
        zk_cs_free(cs);
    }
    cJSON *j = tp_load_shared("bench/halo2_mac_k10.json");
    if (j) {
        zk_cs *cs;
        zk_assignment *a;
        REQUIRE(zk_circuit_from_json(j, 0, NULL, &cs, &a, NULL) == ZK_OK);
        expect_ok(cs, a, "halo2_mac_k10.json");
        zk_assignment_free(a);
        zk_cs_free(cs);
        cJSON_Delete(j);
    }
}

enum { A = 0, B = 1, C = 2, D = 3 };

TEST(mock_rejects_changed_advice) {
    zk_cs *cs;
    zk_assignment *a;
    REQUIRE(zk_mac_build(6, &cs, &a, NULL) == ZK_OK);
    zk_fp one;
    zk_fp_one(&one);
    /* c[5] feeds only the gate on row 5 */
    zk_fp *c = zk_asg_advice(a, C);
    zk_fp_add(&c[5], &c[5], &one);
    zk_mock_report *r = run(cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->total, 1);
    CHECK_EQ_INT(r->failures[0].kind, ZK_MOCK_CONSTRAINT_NOT_SATISFIED);
    CHECK_EQ_INT(r->failures[0].gate, 0);
    CHECK_EQ_INT(r->failures[0].poly, 0);
    CHECK_EQ_INT(r->failures[0].row, 5);
    CHECK_EQ_INT(r->failures[0].num_cells, 7); /* q_mac, d, d@-1, a, b, c, w */
    const char *s = line(r, 0);
    CHECK(strstr(s, "gate 0 \"mac\" polynomial 0 at row 5") != NULL);
    CHECK(strstr(s, "advice[3] \"d\"@-1 (row 4)") != NULL);
    zk_mock_report_free(r);
    zk_fp_sub(&c[5], &c[5], &one);
    /* d[5] is read on rows 5 (d) and 6 (d@-1) */
    zk_fp *d = zk_asg_advice(a, D);
    zk_fp_add(&d[5], &d[5], &one);
    r = run(cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->total, 2);
    CHECK_EQ_INT(r->failures[0].row, 5);
    CHECK_EQ_INT(r->failures[1].row, 6);
    char *sum = zk_mock_report_summary(r, 0);
    CHECK(sum && strstr(sum, "2 failures") && strstr(sum, "2 constraint not satisfied"));
    free(sum);
    zk_mock_report_free(r);
    zk_assignment_free(a);
    zk_cs_free(cs);
}

TEST(mock_rejects_broken_copy) {
    zk_cs *cs;
    zk_assignment *a;
    REQUIRE(zk_mac_build(6, &cs, &a, NULL) == ZK_OK);
    size_t U = a->usable;
    /* c[2] must equal d[1] (copy #3); change c[2] and fix the gate by
     * adjusting w? w is fixed; adjust d instead and watch both */
    zk_fp one;
    zk_fp_one(&one);
    zk_fp *b = zk_asg_advice(a, B);
    zk_fp_add(&b[U - 1], &b[U - 1], &one); /* breaks copy #2 (b[1] = b[U-1]) and the gate on row U-1 */
    zk_mock_report *r = run(cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->by_kind[ZK_MOCK_COPY], 1);
    CHECK_EQ_INT(r->by_kind[ZK_MOCK_CONSTRAINT_NOT_SATISFIED], 1);
    size_t i = r->count - 1;
    CHECK_EQ_INT(r->failures[i].kind, ZK_MOCK_COPY);
    CHECK_EQ_INT(r->failures[i].copy, 2);
    CHECK_EQ_INT(r->failures[i].num_cells, 2);
    char want[128];
    snprintf(want, sizeof want, "copy #2 advice[1] \"b\" (row 1) = ");
    CHECK(strstr(line(r, i), want) != NULL);
    snprintf(want, sizeof want, " != advice[1] \"b\" (row %zu) = ", U - 1);
    CHECK(strstr(line(r, i), want) != NULL);
    zk_mock_report_free(r);
    zk_assignment_free(a);
    zk_cs_free(cs);
}

TEST(mock_rejects_lookup_outside_table) {
    zk_cs *cs;
    zk_assignment *a;
    REQUIRE(zk_mac_build(6, &cs, &a, NULL) == ZK_OK);
    /* a[7] = 32 = 2^(k-1), just outside the table; keep a*b unchanged so
     * only the lookup fails: b' = a*b / 32 */
    zk_fp *av = zk_asg_advice(a, A), *bv = zk_asg_advice(a, B);
    zk_fp ab, x, xinv;
    zk_fp_mul(&ab, &av[7], &bv[7]);
    zk_fp_from_u64(&x, 32);
    zk_fp_inv(&xinv, &x);
    av[7] = x;
    zk_fp_mul(&bv[7], &ab, &xinv);
    zk_mock_report *r = run(cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->total, 1);
    CHECK_EQ_INT(r->failures[0].kind, ZK_MOCK_LOOKUP);
    CHECK_EQ_INT(r->failures[0].row, 7);
    CHECK(strstr(line(r, 0), "lookup 0 \"range\": input at row 7 is not in the table: (32)") != NULL);
    zk_mock_report_free(r);
    zk_assignment_free(a);
    zk_cs_free(cs);
}

TEST(mock_rejects_wrong_instance) {
    zk_cs *cs;
    zk_assignment *a;
    REQUIRE(zk_mac_build(8, &cs, &a, NULL) == ZK_OK);
    zk_fp one;
    zk_fp_one(&one);
    zk_fp_add(&zk_asg_instance(a, 0)[1], &zk_asg_instance(a, 0)[1], &one); /* halo2's instance1_plus_1 */
    zk_mock_report *r = run(cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->total, 1);
    CHECK_EQ_INT(r->failures[0].kind, ZK_MOCK_COPY);
    CHECK_EQ_INT(r->failures[0].copy, 4);
    CHECK(strstr(line(r, 0), "advice[3] \"d\" (row 249)") != NULL);
    CHECK(strstr(line(r, 0), "instance[0] \"inst\" (row 1)") != NULL);
    zk_mock_report_free(r);
    zk_assignment_free(a);
    zk_cs_free(cs);
}

/* A small circuit: advice x, y; fixed q; instance p.
 * gate "next": q * (x@1 - x - y), gate "pub": q2 * (x - p). */
typedef struct {
    zk_cs *cs;
    zk_column x, y, q, q2, p;
} small_t;

static small_t small_circuit(void) {
    small_t s;
    s.cs = zk_cs_new();
    s.x = zk_cs_advice_column(s.cs);
    s.y = zk_cs_advice_column(s.cs);
    s.q = zk_cs_fixed_column(s.cs);
    s.q2 = zk_cs_fixed_column(s.cs);
    s.p = zk_cs_instance_column(s.cs);
    zk_cs_set_column_name(s.cs, s.x, "x");
    zk_cs *cs = s.cs;
    zk_expr g = zk_expr_mul(cs, zk_expr_query(cs, s.q, 0),
                            zk_expr_sub(cs, zk_expr_query(cs, s.x, 1),
                                        zk_expr_add(cs, zk_expr_query(cs, s.x, 0), zk_expr_query(cs, s.y, 0))));
    const char *nm[1] = {"x grows by y"};
    zk_cs_create_gate(cs, "next", 1, &g, nm);
    zk_expr h = zk_expr_mul(cs, zk_expr_query(cs, s.q2, 0), zk_expr_sub(cs, zk_expr_query(cs, s.x, 0), zk_expr_query(cs, s.p, 0)));
    zk_cs_create_gate(cs, "pub", 1, &h, NULL);
    return s;
}

TEST(mock_reports_poisoned_unassigned_and_outside) {
    small_t s = small_circuit();
    zk_assignment *a;
    REQUIRE(zk_assignment_new(&a, s.cs, 4, ZK_ASG_TRACK, NULL) == ZK_OK);
    size_t U = a->usable; /* 16 - (max(3, 2) + 2 + 1) = 10 */
    CHECK_EQ_INT(U, 10);
    zk_fp one, v;
    zk_fp_one(&one);
    /* x[i] = i, y = 1 on rows 0..U-1, q on rows 0..U-2 */
    for (size_t i = 0; i < U; i++) {
        zk_fp_from_u64(&v, i);
        zk_asg_assign_advice(a, s.x.index, i, &v, NULL);
        zk_asg_assign_advice(a, s.y.index, i, &one, NULL);
        zk_asg_assign_fixed(a, s.q.index, i, i + 1 < U ? &one : (zk_fp_zero(&v), &v), NULL);
        if (i != 3) zk_asg_assign_fixed(a, s.q2.index, i, (zk_fp_zero(&v), &v), NULL);
    }
    zk_asg_assign_fixed(a, s.q2.index, 3, &one, NULL); /* pub: x[3] = p[3] */
    zk_fp vals[4];
    for (int i = 0; i < 4; i++) zk_fp_from_u64(&vals[i], (uint64_t)i);
    REQUIRE(zk_asg_set_instance(a, 0, vals, 4, NULL) == ZK_OK);
    expect_ok(s.cs, a, "small circuit");

    /* q on the last usable row reads x@1 in the first blinding row: poisoned */
    zk_asg_fixed(a, s.q.index)[U - 1] = one;
    zk_mock_report *r = run(s.cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->total, 1);
    CHECK_EQ_INT(r->failures[0].kind, ZK_MOCK_CONSTRAINT_POISONED);
    CHECK(strstr(line(r, 0), "gate 0 \"next\" polynomial 0 (\"x grows by y\") at row 9 reads advice[0] \"x\" row 10, a blinding row") != NULL);
    zk_mock_report_free(r);
    zk_asg_fixed(a, s.q.index)[U - 1] = (zk_fp_zero(&v), v);

    /* instance shorter than the row the pub gate reads */
    REQUIRE(zk_asg_set_instance(a, 0, vals, 3, NULL) == ZK_OK);
    r = run(s.cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->by_kind[ZK_MOCK_INSTANCE_NOT_ASSIGNED], 1);
    CHECK_EQ_INT(r->by_kind[ZK_MOCK_CONSTRAINT_NOT_SATISFIED], 1); /* x[3] = 3 vs padding 0 */
    zk_mock_report_free(r);
    REQUIRE(zk_asg_set_instance(a, 0, vals, 4, NULL) == ZK_OK);

    /* forget y[4]: the gate on row 4 depends on it */
    a->advice_set[(size_t)s.y.index * a->n / 64] &= ~((uint64_t)1 << ((s.y.index * a->n + 4) % 64));
    r = run(s.cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->total, 1);
    CHECK_EQ_INT(r->failures[0].kind, ZK_MOCK_CELL_NOT_ASSIGNED);
    CHECK(strstr(line(r, 0), "at row 4 depends on advice[1] row 4, which was never assigned") != NULL);
    zk_mock_report_free(r);
    zk_asg_assign_advice(a, s.y.index, 4, &one, NULL);

    /* fixed cells in the reserved rows are an error (keygen cannot assign them) */
    zk_asg_fixed(a, s.q2.index)[12] = one;
    r = run(s.cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->by_kind[ZK_MOCK_OUTSIDE_USABLE], 1);
    CHECK(strstr(line(r, 0), "fixed[1] (row 12) = 1 is nonzero in a row keygen cannot assign") != NULL);
    zk_mock_report_free(r);
    zk_asg_fixed(a, s.q2.index)[12] = (zk_fp_zero(&v), v);

    /* copies: a column outside the permutation is invalid */
    REQUIRE(zk_asg_copy(a, s.x, 1, s.y, 1, NULL) == ZK_OK);
    r = run(s.cs, a);
    REQUIRE(r);
    CHECK_EQ_INT(r->by_kind[ZK_MOCK_COPY_INVALID], 1);
    CHECK(strstr(line(r, 0), "not in the permutation") != NULL);
    zk_mock_report_free(r);

    /* max_failures caps what is stored, not what is counted */
    zk_mock_options opt = {2};
    for (size_t i = 0; i < U; i++) zk_asg_advice(a, s.x.index)[i] = one;
    zk_error err;
    REQUIRE(zk_mock_verify_var(s.cs, a, &opt, &r, &err) == ZK_OK);
    CHECK(r->total > 2);
    CHECK_EQ_INT(r->count, 2);
    char *sum = zk_mock_report_summary(r, 0);
    CHECK(sum && strstr(sum, "more") != NULL);
    free(sum);
    zk_mock_report_free(r);
    zk_assignment_free(a);
    zk_cs_free(s.cs);
}

TEST(mock_value_formatting) {
    char out[68];
    zk_fp v;
    zk_fp_from_i64(&v, -3);
    zk_mock_format_value(out, &v);
    CHECK(strcmp(out, "-3") == 0);
    zk_fp_from_u64(&v, 35);
    zk_mock_format_value(out, &v);
    CHECK(strcmp(out, "35") == 0);
    zk_fp_zero(&v);
    zk_mock_format_value(out, &v);
    CHECK(strcmp(out, "0") == 0);
    uint8_t b[32] = {0};
    b[20] = 0x12;
    zk_fp_from_bytes(&v, b);
    zk_mock_format_value(out, &v);
    char want[68] = "0x12";
    for (int i = 0; i < 40; i++) strcat(want, "0");
    CHECK(strcmp(out, want) == 0);
}

TEST(mock_shape_errors) {
    zk_cs *cs, *other;
    zk_assignment *a;
    REQUIRE(zk_mac_build(5, &cs, &a, NULL) == ZK_OK);
    other = zk_cs_new();
    zk_cs_advice_column(other);
    zk_mock_report *r;
    zk_error err;
    CHECK(zk_mock_verify_var(other, a, NULL, &r, &err) == ZK_ERR_SHAPE);
    CHECK(r == NULL);
    zk_cs_free(other);
    zk_assignment_free(a);
    zk_cs_free(cs);
}
