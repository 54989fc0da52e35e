#include "circuits/mac.h"

#include <stdlib.h>

#include "util/rng.h"

/* s8(x) = (x mod 256) - 128, in Fp */
static void s8_(zk_fp *r, uint64_t x) { zk_fp_from_i64(r, (int64_t)(x & 255) - 128); }

zk_status zk_mac_cs(zk_cs **out, zk_error *err) {
    *out = NULL;
    zk_cs *cs = zk_cs_new();
    if (!cs) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    /* allocation order fixes every index */
    zk_column a = zk_cs_advice_column(cs), b = zk_cs_advice_column(cs), c = zk_cs_advice_column(cs),
              d = zk_cs_advice_column(cs);
    zk_column w = zk_cs_fixed_column(cs);
    zk_column inst = zk_cs_instance_column(cs);
    zk_column t = zk_cs_fixed_column(cs);
    /* keygen's selector compression appends one column per selector:
     * q_range (complex, 0/1) and q_mac (simple, alone in its combination) */
    zk_column q_range = zk_cs_fixed_column(cs), q_mac = zk_cs_fixed_column(cs);
    uint32_t s_mac = zk_cs_selector(cs, 1), s_range = zk_cs_selector(cs, 0);
    (void)s_mac;
    (void)s_range;
    cs->selector_map = malloc(2 * sizeof(uint32_t));
    if (cs->selector_map) {
        cs->selector_map[0] = q_mac.index;
        cs->selector_map[1] = q_range.index;
    }
    static const char *const names[] = {"a", "b", "c", "d"};
    zk_column adv[4] = {a, b, c, d};
    for (int i = 0; i < 4; i++) {
        zk_cs_set_column_name(cs, adv[i], names[i]);
        zk_cs_enable_equality(cs, adv[i]);
    }
    zk_cs_enable_equality(cs, inst);
    zk_cs_set_column_name(cs, w, "w");
    zk_cs_set_column_name(cs, t, "t");
    zk_cs_set_column_name(cs, q_range, "q_range");
    zk_cs_set_column_name(cs, q_mac, "q_mac");
    zk_cs_set_column_name(cs, inst, "inst");
    /* fixed query order: w (gate), t (lookup table), then the selector columns */
    zk_cs_add_query(cs, w, 0, NULL);
    zk_cs_add_query(cs, t, 0, NULL);
    zk_cs_add_query(cs, q_range, 0, NULL);
    zk_cs_add_query(cs, q_mac, 0, NULL);

    /* q_mac * (d - ((d[prev] + a*b) + c*w)) */
    zk_expr acc = zk_expr_add(cs, zk_expr_query(cs, d, -1), zk_expr_mul(cs, zk_expr_query(cs, a, 0), zk_expr_query(cs, b, 0)));
    zk_expr rhs = zk_expr_add(cs, acc, zk_expr_mul(cs, zk_expr_query(cs, c, 0), zk_expr_query(cs, w, 0)));
    zk_expr gate = zk_expr_mul(cs, zk_expr_query(cs, q_mac, 0), zk_expr_sub(cs, zk_expr_query(cs, d, 0), rhs));
    zk_cs_create_gate(cs, "mac", 1, &gate, NULL);

    zk_expr in = zk_expr_mul(cs, zk_expr_query(cs, q_range, 0), zk_expr_query(cs, a, 0));
    zk_expr tb = zk_expr_query(cs, t, 0);
    zk_cs_add_lookup(cs, "range", 1, &in, &tb);

    zk_status st = cs->selector_map ? zk_cs_validate(cs, err) : zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    if (st) {
        zk_cs_free(cs);
        return st;
    }
    *out = cs;
    return ZK_OK;
}

zk_status zk_mac_build(uint32_t k, zk_cs **cs_out, zk_assignment **asg_out, zk_error *err) {
    *cs_out = NULL;
    *asg_out = NULL;
    if (k < ZK_MAC_MIN_K) return zk_fail(err, ZK_ERR_RANGE, "halo2_mac needs k >= %d (got %u)", ZK_MAC_MIN_K, k);
    zk_cs *cs;
    zk_status st = zk_mac_cs(&cs, err);
    if (st) return st;
    zk_assignment *as;
    if ((st = zk_assignment_new(&as, cs, k, ZK_ASG_TRACK, err))) {
        zk_cs_free(cs);
        return st;
    }
    const size_t U = as->usable, half = (size_t)1 << (k - 1);
    enum { A = 0, B = 1, C = 2, D = 3, W = 0, T = 1, QR = 2, QM = 3 };
    zk_fp one, v;
    zk_fp_one(&one);

    /* fixed: w[i] = s8(x_i) for i = 1..U-1 */
    zk_splitmix64 rf = {ZK_MAC_SEED_FIXED};
    for (size_t i = 1; i < U && !st; i++) {
        s8_(&v, zk_splitmix64_next(&rf));
        st = zk_asg_assign_fixed(as, W, i, &v, err);
    }
    /* table: t[i] = i below 2^(k-1), then fill_from_row with t[0] = 0 */
    for (size_t i = 0; i < half && !st; i++) {
        zk_fp_from_u64(&v, i);
        st = zk_asg_assign_fixed(as, T, i, &v, err);
    }
    if (!st) {
        zk_fp_zero(&v);
        st = zk_asg_fill_fixed(as, T, half, &v, err);
    }
    /* both selectors on rows 1..U-1; compressed selector columns are fully assigned */
    for (size_t i = 1; i < U && !st; i++) {
        zk_asg_fixed(as, QR)[i] = one;
        zk_asg_fixed(as, QM)[i] = one;
    }
    zk_asg_mark_fixed_column(as, QR);
    zk_asg_mark_fixed_column(as, QM);

    /* witness */
    zk_splitmix64 rw = {ZK_MAC_SEED_WITNESS};
    zk_fp *a = zk_asg_advice(as, A), *b = zk_asg_advice(as, B), *c = zk_asg_advice(as, C), *d = zk_asg_advice(as, D);
    const zk_fp *w = zk_asg_fixed(as, W);
    zk_fp d0, t1, t2;
    s8_(&d0, zk_splitmix64_next(&rw));
    if (!st) st = zk_asg_assign_advice(as, D, 0, &d0, err);
    for (size_t i = 1; i < U && !st; i++) {
        zk_fp ai, bi, ci;
        zk_fp_from_u64(&ai, zk_splitmix64_next(&rw) & (half - 1));
        s8_(&bi, zk_splitmix64_next(&rw));
        s8_(&ci, zk_splitmix64_next(&rw));
        if (i == 2) ci = d[1];   /* copy 4: c[2] = d[1] */
        if (i == U - 1) {        /* copies 2, 3 */
            ai = a[1];
            bi = b[1];
        }
        zk_fp_mul(&t1, &ai, &bi);
        zk_fp_mul(&t2, &ci, &w[i]);
        zk_fp_add(&v, &d[i - 1], &t1);
        zk_fp_add(&v, &v, &t2);
        if (!st) st = zk_asg_assign_advice(as, A, i, &ai, err);
        if (!st) st = zk_asg_assign_advice(as, B, i, &bi, err);
        if (!st) st = zk_asg_assign_advice(as, C, i, &ci, err);
        if (!st) st = zk_asg_assign_advice(as, D, i, &v, err);
    }
    (void)c;
    zk_fp inst[2];
    inst[0] = d0;
    inst[1] = d[U - 1];
    if (!st) st = zk_asg_set_instance(as, 0, inst, 2, err);

    /* copies, in synthesis order */
    zk_column ca = {ZK_COL_ADVICE, A}, cb = {ZK_COL_ADVICE, B}, cc = {ZK_COL_ADVICE, C}, cd = {ZK_COL_ADVICE, D};
    zk_column ci0 = {ZK_COL_INSTANCE, 0};
    if (!st) st = zk_asg_copy(as, cd, 0, ci0, 0, err);
    if (!st) st = zk_asg_copy(as, ca, 1, ca, U - 1, err);
    if (!st) st = zk_asg_copy(as, cb, 1, cb, U - 1, err);
    if (!st) st = zk_asg_copy(as, cd, 1, cc, 2, err);
    if (!st) st = zk_asg_copy(as, cd, U - 1, ci0, 1, err);
    if (st) {
        zk_assignment_free(as);
        zk_cs_free(cs);
        return st;
    }
    *cs_out = cs;
    *asg_out = as;
    return ZK_OK;
}
