#include "plonk/assign.h"

#include <stdlib.h>
#include <string.h>

#define ZK_ASG_MAX_K 28

static size_t words_(size_t bits) { return (bits + 63) / 64; }

static zk_fp *zalloc_fp_(size_t cols, size_t n) {
    if (cols == 0) return NULL;
    if (n && cols > SIZE_MAX / n / sizeof(zk_fp)) return NULL;
    return calloc(cols * n, sizeof(zk_fp));
}

zk_status zk_assignment_new(zk_assignment **out, const zk_cs *cs, uint32_t k, unsigned flags, zk_error *err) {
    *out = NULL;
    if (!cs) return zk_fail(err, ZK_ERR_INVALID_ARG, "assignment_new: constraint system is NULL");
    if (k > ZK_ASG_MAX_K) return zk_fail(err, ZK_ERR_RANGE, "k = %u is too large (at most %d)", k, ZK_ASG_MAX_K);
    size_t n = (size_t)1 << k;
    size_t usable = zk_cs_usable_rows(cs, k);
    if (usable == 0)
        return zk_fail(err, ZK_ERR_RANGE, "not enough rows available: k = %u gives %zu rows, the circuit needs %u", k,
                       n, zk_cs_minimum_rows(cs));
    zk_assignment *a = calloc(1, sizeof *a);
    if (!a) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    a->k = k;
    a->n = n;
    a->usable = usable;
    a->num_fixed = cs->num_fixed;
    a->num_advice = cs->num_advice;
    a->num_instance = cs->num_instance;
    a->fixed = zalloc_fp_(cs->num_fixed, n);
    a->advice = zalloc_fp_(cs->num_advice, n);
    a->instance = zalloc_fp_(cs->num_instance, n);
    a->instance_len = calloc(cs->num_instance ? cs->num_instance : 1, sizeof(size_t));
    int bad = (cs->num_fixed && !a->fixed) || (cs->num_advice && !a->advice) || (cs->num_instance && !a->instance) ||
              !a->instance_len;
    if (!bad && (flags & ZK_ASG_TRACK)) {
        a->fixed_set = calloc(words_((size_t)cs->num_fixed * n) + 1, sizeof(uint64_t));
        a->advice_set = calloc(words_((size_t)cs->num_advice * n) + 1, sizeof(uint64_t));
        bad = !a->fixed_set || !a->advice_set;
    }
    if (bad) {
        zk_assignment_free(a);
        return zk_fail(err, ZK_ERR_NOMEM, "out of memory for a 2^%u-row assignment", k);
    }
    *out = a;
    return ZK_OK;
}

void zk_assignment_free(zk_assignment *a) {
    if (!a) return;
    free(a->fixed);
    free(a->advice);
    free(a->instance);
    free(a->instance_len);
    free(a->fixed_set);
    free(a->advice_set);
    free(a->copies);
    free(a);
}

static uint32_t ncols_(const zk_assignment *a, uint32_t kind) {
    return kind == ZK_COL_ADVICE ? a->num_advice : kind == ZK_COL_FIXED ? a->num_fixed : kind == ZK_COL_INSTANCE ? a->num_instance : 0;
}

zk_fp *zk_asg_column(const zk_assignment *a, zk_column col) {
    if (col.index >= ncols_(a, col.kind)) return NULL;
    switch (col.kind) {
    case ZK_COL_ADVICE: return zk_asg_advice(a, col.index);
    case ZK_COL_FIXED: return zk_asg_fixed(a, col.index);
    case ZK_COL_INSTANCE: return zk_asg_instance(a, col.index);
    }
    return NULL;
}

static void set_bit_(uint64_t *bits, size_t i) {
    if (bits) bits[i / 64] |= (uint64_t)1 << (i % 64);
}

static zk_status cell_check_(const zk_assignment *a, uint32_t kind, uint32_t col, size_t row, zk_error *err) {
    if (col >= ncols_(a, kind))
        return zk_fail(err, ZK_ERR_INVALID_ARG, "%s column %u does not exist (%u columns)",
                       zk_col_kind_name((zk_col_kind)kind), col, ncols_(a, kind));
    if (row >= a->usable)
        return zk_fail(err, ZK_ERR_RANGE,
                       "not enough rows available: %s column %u row %zu is outside the usable rows 0..%zu (k = %u)",
                       zk_col_kind_name((zk_col_kind)kind), col, row, a->usable - 1, a->k);
    return ZK_OK;
}

zk_status zk_asg_assign_advice(zk_assignment *a, uint32_t col, size_t row, const zk_fp *v, zk_error *err) {
    zk_status st = cell_check_(a, ZK_COL_ADVICE, col, row, err);
    if (st) return st;
    zk_asg_advice(a, col)[row] = *v;
    set_bit_(a->advice_set, (size_t)col * a->n + row);
    return ZK_OK;
}

zk_status zk_asg_assign_fixed(zk_assignment *a, uint32_t col, size_t row, const zk_fp *v, zk_error *err) {
    zk_status st = cell_check_(a, ZK_COL_FIXED, col, row, err);
    if (st) return st;
    zk_asg_fixed(a, col)[row] = *v;
    set_bit_(a->fixed_set, (size_t)col * a->n + row);
    return ZK_OK;
}

zk_status zk_asg_assign_instance(zk_assignment *a, uint32_t col, size_t row, const zk_fp *v, zk_error *err) {
    zk_status st = cell_check_(a, ZK_COL_INSTANCE, col, row, err);
    if (st) return st;
    zk_asg_instance(a, col)[row] = *v;
    if (a->instance_len[col] < row + 1) a->instance_len[col] = row + 1;
    return ZK_OK;
}

zk_status zk_asg_set_instance(zk_assignment *a, uint32_t col, const zk_fp *vals, size_t len, zk_error *err) {
    if (col >= a->num_instance)
        return zk_fail(err, ZK_ERR_INVALID_ARG, "instance column %u does not exist (%u columns)", col, a->num_instance);
    if (len > a->usable)
        return zk_fail(err, ZK_ERR_RANGE, "instance column %u has %zu values, more than the %zu usable rows", col, len,
                       a->usable);
    zk_fp *c = zk_asg_instance(a, col);
    if (len) memcpy(c, vals, len * sizeof *c);
    memset(c + len, 0, (a->n - len) * sizeof *c);
    a->instance_len[col] = len;
    return ZK_OK;
}

zk_status zk_asg_fill_fixed(zk_assignment *a, uint32_t col, size_t from_row, const zk_fp *v, zk_error *err) {
    zk_status st = cell_check_(a, ZK_COL_FIXED, col, from_row, err);
    if (st) return st;
    zk_fp *c = zk_asg_fixed(a, col);
    for (size_t r = from_row; r < a->usable; r++) {
        c[r] = *v;
        set_bit_(a->fixed_set, (size_t)col * a->n + r);
    }
    return ZK_OK;
}

void zk_asg_mark_fixed_column(zk_assignment *a, uint32_t col) {
    if (!a->fixed_set || col >= a->num_fixed) return;
    for (size_t r = 0; r < a->n; r++) set_bit_(a->fixed_set, (size_t)col * a->n + r);
}

int zk_asg_is_assigned(const zk_assignment *a, zk_column col, size_t row) {
    if (col.index >= ncols_(a, col.kind) || row >= a->n) return 0;
    if (col.kind == ZK_COL_INSTANCE) return row < a->instance_len[col.index];
    const uint64_t *bits = col.kind == ZK_COL_ADVICE ? a->advice_set : a->fixed_set;
    if (!bits) return 1;
    size_t i = (size_t)col.index * a->n + row;
    return (int)((bits[i / 64] >> (i % 64)) & 1);
}

zk_status zk_asg_copy(zk_assignment *a, zk_column left, size_t left_row, zk_column right, size_t right_row,
                      zk_error *err) {
    zk_status st = cell_check_(a, left.kind, left.index, left_row, err);
    if (!st) st = cell_check_(a, right.kind, right.index, right_row, err);
    if (st) return st;
    if (a->num_copies == a->cap_copies) {
        size_t nc = a->cap_copies ? a->cap_copies * 2 : 16;
        zk_copy *c = realloc(a->copies, nc * sizeof *c);
        if (!c) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        a->copies = c;
        a->cap_copies = nc;
    }
    zk_copy *c = &a->copies[a->num_copies++];
    c->left = left;
    c->left_row = (uint32_t)left_row;
    c->right = right;
    c->right_row = (uint32_t)right_row;
    return ZK_OK;
}
