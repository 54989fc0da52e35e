#include "plonk/permutation.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/threads.h"

void zk_plonk_omega(zk_fp *omega, uint32_t k) {
    *omega = zk_fp_ROOT_OF_UNITY;
    for (uint32_t i = k; i < ZK_FIELD_S; i++) zk_fp_sqr(omega, omega);
}

zk_status zk_perm_assembly_new(zk_perm_assembly **out, uint32_t ncols, size_t n, zk_error *err) {
    *out = NULL;
    if (n == 0) return zk_fail(err, ZK_ERR_INVALID_ARG, "permutation assembly with 0 rows");
    if ((uint64_t)ncols * n >= UINT32_MAX)
        return zk_fail(err, ZK_ERR_RANGE, "permutation too large: %u columns x %zu rows", ncols, n);
    size_t cells = (size_t)ncols * n;
    zk_perm_assembly *pa = calloc(1, sizeof *pa);
    if (!pa) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    pa->ncols = ncols;
    pa->n = n;
    pa->mapping = malloc((cells ? cells : 1) * sizeof(uint32_t));
    pa->aux = malloc((cells ? cells : 1) * sizeof(uint32_t));
    pa->sizes = malloc((cells ? cells : 1) * sizeof(uint32_t));
    if (!pa->mapping || !pa->aux || !pa->sizes) {
        zk_perm_assembly_free(pa);
        return zk_fail(err, ZK_ERR_NOMEM, "out of memory for the permutation of %u columns x %zu rows", ncols, n);
    }
    /* every cell is a 1-cycle and its own representative */
    for (size_t c = 0; c < cells; c++) {
        pa->mapping[c] = (uint32_t)c;
        pa->aux[c] = (uint32_t)c;
        pa->sizes[c] = 1;
    }
    *out = pa;
    return ZK_OK;
}

void zk_perm_assembly_free(zk_perm_assembly *pa) {
    if (!pa) return;
    free(pa->mapping);
    free(pa->aux);
    free(pa->sizes);
    free(pa);
}

zk_status zk_perm_assembly_copy(zk_perm_assembly *pa, uint32_t left_col, size_t left_row, uint32_t right_col,
                                size_t right_row, zk_error *err) {
    if (left_col >= pa->ncols || right_col >= pa->ncols || left_row >= pa->n || right_row >= pa->n)
        return zk_fail(err, ZK_ERR_RANGE, "copy (%u, %zu) = (%u, %zu) is out of bounds", left_col, left_row,
                       right_col, right_row);
    uint32_t l = (uint32_t)((size_t)left_col * pa->n + left_row);
    uint32_t r = (uint32_t)((size_t)right_col * pa->n + right_row);
    uint32_t lc = pa->aux[l], rc = pa->aux[r];
    if (lc == rc) return ZK_OK; /* already in one cycle */
    /* the larger cycle absorbs the smaller; a tie keeps the left one */
    if (pa->sizes[lc] < pa->sizes[rc]) {
        uint32_t t = lc;
        lc = rc;
        rc = t;
    }
    pa->sizes[lc] += pa->sizes[rc];
    uint32_t i = rc;
    do {
        pa->aux[i] = lc;
        i = pa->mapping[i];
    } while (i != rc);
    /* splice the two cycles */
    uint32_t t = pa->mapping[l];
    pa->mapping[l] = pa->mapping[r];
    pa->mapping[r] = t;
    return ZK_OK;
}

static void col_desc_(char *buf, size_t len, zk_column c) {
    snprintf(buf, len, "%s column %u", zk_col_kind_name((zk_col_kind)c.kind), c.index);
}

zk_status zk_perm_assembly_apply(zk_perm_assembly *pa, const zk_cs *cs, const zk_copy *copies, size_t count,
                                 zk_error *err) {
    if (pa->ncols != cs->num_perm_columns)
        return zk_fail(err, ZK_ERR_SHAPE, "permutation assembly has %u columns, the circuit %u", pa->ncols,
                       cs->num_perm_columns);
    for (size_t i = 0; i < count; i++) {
        const zk_copy *c = &copies[i];
        int64_t lp = zk_cs_perm_position(cs, c->left), rp = zk_cs_perm_position(cs, c->right);
        if (lp < 0 || rp < 0) {
            char d[64];
            col_desc_(d, sizeof d, lp < 0 ? c->left : c->right);
            return zk_fail(err, ZK_ERR_INVALID_ARG, "copy #%zu: %s is not in the permutation (enable equality on it)",
                           i, d);
        }
        zk_status st = zk_perm_assembly_copy(pa, (uint32_t)lp, c->left_row, (uint32_t)rp, c->right_row, err);
        if (st) return zk_fail(err, st, "copy #%zu: row out of bounds (left row %u, right row %u, n = %zu)", i,
                               c->left_row, c->right_row, pa->n);
    }
    return ZK_OK;
}

typedef struct {
    const zk_perm_assembly *pa;
    const zk_fp *omega_pow; /* [n] */
    const zk_fp *delta_pow; /* [ncols] */
    zk_fp *out;
} sigma_ctx;

static void sigma_range_(void *vctx, size_t b, size_t e, unsigned worker) {
    (void)worker;
    sigma_ctx *c = vctx;
    size_t n = c->pa->n;
    for (size_t x = b; x < e; x++) {
        uint32_t m = c->pa->mapping[x];
        zk_fp_mul(&c->out[x], &c->delta_pow[m / n], &c->omega_pow[m % n]);
    }
}

zk_status zk_perm_sigma(const zk_perm_assembly *pa, uint32_t k, zk_fp *out, zk_error *err) {
    if (k > ZK_FIELD_S || ((size_t)1 << k) != pa->n)
        return zk_fail(err, ZK_ERR_INVALID_ARG, "perm_sigma: n = %zu is not 2^%u", pa->n, k);
    size_t n = pa->n;
    zk_fp *op = malloc(n * sizeof *op);
    zk_fp *dp = malloc(((size_t)pa->ncols + 1) * sizeof *dp);
    if (!op || !dp) {
        free(op);
        free(dp);
        return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    }
    zk_fp omega;
    zk_plonk_omega(&omega, k);
    zk_fp_one(&op[0]);
    for (size_t i = 1; i < n; i++) zk_fp_mul(&op[i], &op[i - 1], &omega);
    zk_fp_one(&dp[0]);
    for (uint32_t j = 1; j < pa->ncols; j++) zk_fp_mul(&dp[j], &dp[j - 1], &zk_fp_DELTA);
    sigma_ctx c = {pa, op, dp, out};
    zk_parallel_for((size_t)pa->ncols * n, 4096, sigma_range_, &c);
    free(op);
    free(dp);
    return ZK_OK;
}

zk_status zk_perm_keygen(const zk_cs *cs, const zk_assignment *asg, zk_fp **sigma_out, zk_error *err) {
    *sigma_out = NULL;
    zk_perm_assembly *pa;
    zk_status st = zk_perm_assembly_new(&pa, cs->num_perm_columns, asg->n, err);
    if (st) return st;
    st = zk_perm_assembly_apply(pa, cs, asg->copies, asg->num_copies, err);
    zk_fp *sigma = NULL;
    if (!st) {
        size_t cells = (size_t)cs->num_perm_columns * asg->n;
        sigma = malloc((cells ? cells : 1) * sizeof *sigma);
        if (!sigma) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory for sigma");
    }
    if (!st) st = zk_perm_sigma(pa, asg->k, sigma, err);
    zk_perm_assembly_free(pa);
    if (st) {
        free(sigma);
        return st;
    }
    *sigma_out = sigma;
    return ZK_OK;
}
