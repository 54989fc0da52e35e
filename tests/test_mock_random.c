/* Randomized circuits: MockProver accepts a satisfying assignment and
 * rejects every single-cell change to a constrained cell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "plonk/eval.h"
#include "plonk/mock.h"
#include "test_plonk.h"
#include "util/rng.h"

enum { F0, F1, T0, T1, L, NADV };      /* advice: free, free, target, target, lookup input */
enum { Q0, Q1, QL, TBL, K, NFIX };     /* fixed: gate selectors, lookup selector, table, constants */

typedef struct {
    zk_cs *cs;
    zk_assignment *a;
    uint8_t active[2][64]; /* rows where gate i is on */
    uint8_t lk_active[64];
    size_t ncopies;
} rnd_t;

static uint64_t nx(zk_splitmix64 *r, uint64_t m) { return zk_splitmix64_next(r) % m; }

static void rfp(zk_fp *o, zk_splitmix64 *r) {
    uint8_t b[64];
    zk_splitmix64_fill(r, b, 64);
    zk_fp_from_uniform_bytes(o, b);
}

/* A random expression of degree <= maxdeg over the free columns. */
static zk_expr gen(zk_cs *cs, zk_splitmix64 *r, uint32_t maxdeg, int depth) {
    uint64_t x = nx(r, 100);
    if (maxdeg == 0 || (depth == 0 && x < 30)) {
        if (maxdeg == 0 || x < 10) return zk_expr_i64(cs, (int64_t)nx(r, 9) - 4);
    }
    if (depth == 0 || x < 40) {
        switch (nx(r, 4)) {
        case 0: return zk_expr_advice(cs, F0, (int32_t)nx(r, 5) - 2);
        case 1: return zk_expr_advice(cs, nx(r, 2) ? F1 : L, (int32_t)nx(r, 5) - 2);
        case 2: return zk_expr_fixed(cs, K, (int32_t)nx(r, 3) - 1);
        default: return zk_expr_instance(cs, 0, 0);
        }
    }
    if (x < 60) return zk_expr_add(cs, gen(cs, r, maxdeg, depth - 1), gen(cs, r, maxdeg, depth - 1));
    if (x < 80) {
        uint32_t d1 = (uint32_t)nx(r, maxdeg + 1);
        return zk_expr_mul(cs, gen(cs, r, d1, depth - 1), gen(cs, r, maxdeg - d1, depth - 1));
    }
    if (x < 90) return zk_expr_neg(cs, gen(cs, r, maxdeg, depth - 1));
    zk_fp c;
    rfp(&c, r);
    return zk_expr_scale(cs, gen(cs, r, maxdeg, depth - 1), &c);
}

/* Union-find over cells (col*n + row) of F0, F1 and the instance column (slot 2). */
static size_t uf_find(size_t *p, size_t x) {
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
}

static int build(rnd_t *t, uint64_t seed) {
    zk_splitmix64 r = {seed};
    memset(t, 0, sizeof *t);
    zk_cs *cs = t->cs = zk_cs_new();
    for (int i = 0; i < NADV; i++) zk_cs_advice_column(cs);
    for (int i = 0; i < NFIX; i++) zk_cs_fixed_column(cs);
    zk_column P = zk_cs_instance_column(cs);
    zk_column cf0 = {ZK_COL_ADVICE, F0}, cf1 = {ZK_COL_ADVICE, F1};
    zk_cs_enable_equality(cs, cf0);
    zk_cs_enable_equality(cs, P);
    zk_cs_enable_equality(cs, cf1);
    /* gate "g0": Q0 * (T0 - f0), f0 of degree <= 3 */
    zk_expr f0 = gen(cs, &r, 3, 4);
    zk_expr g0 = zk_expr_mul(cs, zk_expr_fixed(cs, Q0, 0), zk_expr_sub(cs, zk_expr_advice(cs, T0, 0), f0));
    /* gate "g1": Q1 * (T1 - f1) and Q1 * (T1 - f1) * F1@1, f1 of degree <= 2 */
    zk_expr f1 = gen(cs, &r, 2, 4);
    zk_expr d1 = zk_expr_mul(cs, zk_expr_fixed(cs, Q1, 0), zk_expr_sub(cs, zk_expr_advice(cs, T1, 0), f1));
    zk_expr g1[2] = {d1, zk_expr_mul(cs, d1, zk_expr_advice(cs, F1, 1))};
    const char *names[2] = {"t1 = f1", "scaled by f1@1"};
    zk_cs_create_gate(cs, "g0", 1, &g0, NULL);
    zk_cs_create_gate(cs, "g1", 2, g1, names);
    /* lookup: QL * L in TBL */
    zk_expr in = zk_expr_mul(cs, zk_expr_fixed(cs, QL, 0), zk_expr_advice(cs, L, 0));
    zk_expr tb = zk_expr_fixed(cs, TBL, 0);
    zk_cs_add_lookup(cs, "tbl", 1, &in, &tb);
    if (zk_cs_status(cs, NULL) || zk_cs_degree(cs) > 5) return -1;

    uint32_t k = 5 + (uint32_t)nx(&r, 2);
    if (zk_assignment_new(&t->a, cs, k, ZK_ASG_TRACK, NULL)) return -1;
    zk_assignment *a = t->a;
    size_t n = a->n, U = a->usable;
    zk_fp v, zero, one;
    zk_fp_zero(&zero);
    zk_fp_one(&one);
    /* free values, constants, instance */
    zk_fp *inst = malloc(U * sizeof *inst);
    if (!inst) return -1;
    for (size_t i = 0; i < U; i++) {
        rfp(&v, &r), zk_asg_assign_advice(a, F0, i, &v, NULL);
        rfp(&v, &r), zk_asg_assign_advice(a, F1, i, &v, NULL);
        rfp(&v, &r), zk_asg_assign_advice(a, L, i, &v, NULL);
        rfp(&v, &r), zk_asg_assign_fixed(a, K, i, &v, NULL);
        rfp(&inst[i], &r);
    }
    /* copies between F0, F1 and instance cells; equalize each class */
    size_t *par = malloc(3 * n * sizeof *par);
    if (!par) return -1;
    for (size_t i = 0; i < 3 * n; i++) par[i] = i;
    zk_column slot_col[3] = {cf0, cf1, P};
    size_t nc = 3 + nx(&r, 6);
    for (size_t i = 0; i < nc; i++) {
        size_t s1 = nx(&r, 3), s2 = nx(&r, 3), r1 = nx(&r, U), r2 = nx(&r, U);
        if (s1 == s2 && r1 == r2) continue;
        zk_asg_copy(a, slot_col[s1], r1, slot_col[s2], r2, NULL);
        size_t x = uf_find(par, s1 * n + r1), y = uf_find(par, s2 * n + r2);
        if (x != y) par[y] = x;
    }
    t->ncopies = a->num_copies;
    for (int s = 0; s < 3; s++)
        for (size_t i = 0; i < U; i++) {
            size_t root = uf_find(par, (size_t)s * n + i);
            size_t rs = root / n, ri = root % n;
            const zk_fp *src = rs == 2 ? &inst[ri] : &zk_asg_advice(a, rs == 0 ? F0 : F1)[ri];
            zk_fp val = *src;
            if (s == 2)
                inst[i] = val;
            else
                zk_asg_advice(a, s == 0 ? F0 : F1)[i] = val;
        }
    free(par);
    zk_asg_set_instance(a, 0, inst, U, NULL);
    free(inst);
    /* table of 5 values (0 among them: inputs are 0 where QL is off) on every
     * usable row; inputs on active rows drawn from it */
    zk_fp set[5];
    zk_fp_zero(&set[0]);
    for (int i = 1; i < 5; i++) rfp(&set[i], &r);
    for (size_t i = 0; i < U; i++) zk_asg_assign_fixed(a, TBL, i, &set[i < 5 ? i : nx(&r, 5)], NULL);
    for (size_t i = 0; i < U; i++) {
        t->lk_active[i] = (uint8_t)nx(&r, 2);
        zk_asg_assign_fixed(a, QL, i, t->lk_active[i] ? &one : &zero, NULL);
        if (t->lk_active[i]) zk_asg_advice(a, L)[i] = zk_asg_fixed(a, TBL)[nx(&r, U)];
    }
    /* gates on rows 2 .. U-3 (rotations +-2 stay usable); targets from f */
    zk_expr f[2] = {f0, f1};
    for (int g = 0; g < 2; g++) {
        for (size_t i = 0; i < U; i++) {
            t->active[g][i] = i >= 2 && i + 2 < U && nx(&r, 3) != 0;
            zk_asg_assign_fixed(a, g ? Q1 : Q0, i, t->active[g][i] ? &one : &zero, NULL);
            rfp(&v, &r);
            zk_asg_assign_advice(a, g ? T1 : T0, i, &v, NULL);
        }
        const zk_fp *fc[NFIX], *ac[NADV], *ic[1] = {zk_asg_instance(a, 0)};
        for (int c = 0; c < NFIX; c++) fc[c] = zk_asg_fixed(a, (uint32_t)c);
        for (int c = 0; c < NADV; c++) ac[c] = zk_asg_advice(a, (uint32_t)c);
        zk_colview view = {fc, ac, ic, n, 1};
        for (size_t i = 0; i < U; i++)
            if (t->active[g][i] && zk_expr_eval_row(cs, f[g], &view, i, &zk_asg_advice(a, g ? T1 : T0)[i], NULL))
                return -1;
    }
    return 0;
}

static void destroy(rnd_t *t) {
    zk_assignment_free(t->a);
    zk_cs_free(t->cs);
}

static zk_mock_report *check(rnd_t *t) {
    zk_mock_report *r = NULL;
    zk_error err;
    if (zk_mock_verify_var(t->cs, t->a, NULL, &r, &err) != ZK_OK) th_fail(__FILE__, __LINE__, "mock: %s", err.msg);
    return r;
}

static int has_failure(const zk_mock_report *r, zk_mock_kind kind, uint32_t row, int gate) {
    for (size_t i = 0; i < r->count; i++) {
        const zk_mock_failure *f = &r->failures[i];
        if (f->kind == kind && (kind == ZK_MOCK_COPY || f->row == row) && (gate < 0 || f->gate == (uint32_t)gate))
            return 1;
    }
    return 0;
}

TEST(mock_random_circuits) {
    int circuits = 0, changes = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        rnd_t t;
        if (build(&t, seed * 0x9E3779B97F4A7C15ULL)) {
            destroy(&t);
            continue; /* degree too high for this draw */
        }
        circuits++;
        zk_assignment *a = t.a;
        zk_mock_report *r = check(&t);
        REQUIRE(r);
        if (!zk_mock_ok(r)) {
            char *s = zk_mock_report_summary(r, 4);
            th_fail(__FILE__, __LINE__, "seed %llu: %s", (unsigned long long)seed, s ? s : "");
            free(s);
        }
        zk_mock_report_free(r);
        /* every gate polynomial is zero on every row of the satisfying assignment */
        {
            const zk_fp *fc[NFIX], *ac[NADV], *ic[1] = {zk_asg_instance(a, 0)};
            for (int c = 0; c < NFIX; c++) fc[c] = zk_asg_fixed(a, (uint32_t)c);
            for (int c = 0; c < NADV; c++) ac[c] = zk_asg_advice(a, (uint32_t)c);
            zk_colview view = {fc, ac, ic, a->n, 1};
            zk_expr roots[3] = {t.cs->polys[0].expr, t.cs->polys[1].expr, t.cs->polys[2].expr};
            zk_expr_prog *p;
            REQUIRE(zk_expr_prog_new(&p, t.cs, roots, 3, NULL) == ZK_OK);
            zk_fp *out = malloc(3 * a->n * sizeof *out);
            zk_fp *outs[3] = {out, out + a->n, out + 2 * a->n};
            REQUIRE(zk_expr_prog_eval_par(p, &view, 0, a->n, outs) == ZK_OK);
            int nz = 0;
            for (size_t i = 0; i < 3 * a->n; i++) nz += !zk_fp_is_zero(&out[i]);
            CHECK_EQ_INT(nz, 0);
            free(out);
            zk_expr_prog_free(p);
        }
        zk_fp one, saved;
        zk_fp_one(&one);
        /* targets on active rows */
        for (int g = 0; g < 2; g++) {
            int done = 0;
            for (size_t i = 0; i < a->usable && done < 6; i++) {
                if (!t.active[g][i]) continue;
                zk_fp *cell = &zk_asg_advice(a, g ? T1 : T0)[i];
                saved = *cell;
                zk_fp_add(cell, cell, &one);
                r = check(&t);
                REQUIRE(r);
                CHECK_MSG(has_failure(r, ZK_MOCK_CONSTRAINT_NOT_SATISFIED, (uint32_t)i, g), "seed %llu gate %d row %zu",
                          (unsigned long long)seed, g, i);
                zk_mock_report_free(r);
                *cell = saved;
                done++;
                changes++;
            }
        }
        /* both cells of every copy */
        for (size_t ci = 0; ci < a->num_copies; ci++) {
            for (int side = 0; side < 2; side++) {
                const zk_copy *cp = &a->copies[ci];
                zk_column col = side ? cp->right : cp->left;
                size_t row = side ? cp->right_row : cp->left_row;
                zk_fp *cell = &zk_asg_column(a, col)[row];
                saved = *cell;
                zk_fp_add(cell, cell, &one);
                r = check(&t);
                REQUIRE(r);
                CHECK_MSG(r->by_kind[ZK_MOCK_COPY] > 0, "seed %llu copy %zu side %d", (unsigned long long)seed, ci, side);
                zk_mock_report_free(r);
                *cell = saved;
                changes++;
            }
        }
        /* lookup inputs on active rows */
        int done = 0;
        for (size_t i = 0; i < a->usable && done < 6; i++) {
            if (!t.lk_active[i]) continue;
            zk_fp *cell = &zk_asg_advice(a, L)[i];
            saved = *cell;
            zk_fp_add(cell, cell, &one); /* table values are random: +1 is not among them */
            r = check(&t);
            REQUIRE(r);
            CHECK_MSG(has_failure(r, ZK_MOCK_LOOKUP, (uint32_t)i, -1), "seed %llu lookup row %zu", (unsigned long long)seed, i);
            zk_mock_report_free(r);
            *cell = saved;
            done++;
            changes++;
        }
        /* everything restored */
        r = check(&t);
        CHECK(r && zk_mock_ok(r));
        zk_mock_report_free(r);
        destroy(&t);
    }
    CHECK(circuits >= 8);
    CHECK(changes > 100);
}
