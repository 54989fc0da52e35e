/* Evaluating constraint-system expressions over columns.
 *
 * A zk_colview points at the column values (fixed, advice, instance), all of
 * the same length. A query (column, rotation) at position i reads
 * column[(i + rotation * rot_scale) mod len]: rot_scale = 1 for the n Lagrange
 * values, and 2^(extended_k - k) for values on the extended coset, where one
 * row step is that many positions.
 *
 * zk_expr_prog compiles a set of root expressions into straight-line code
 * over registers that each hold a block of consecutive rows: common
 * subexpressions and repeated leaves are computed once, and registers are
 * reused once dead, so evaluation is a few passes of vector field operations
 * per block with no per-row interpretation. It is what the prover should use
 * for gates (all polynomials of all gates as roots), lookup input and table
 * expressions, on n rows or on the extended domain.
 *
 * All evaluation is constant time in the column values (it is used on
 * witness data); the program shape is public. */
#ifndef ZK_PLONK_EVAL_H
#define ZK_PLONK_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "plonk/cs.h"
#include "util/status.h"

typedef struct {
    const zk_fp *const *fixed;    /* [cs->num_fixed] columns (may be NULL if unused) */
    const zk_fp *const *advice;   /* [cs->num_advice] */
    const zk_fp *const *instance; /* [cs->num_instance] */
    size_t len;                   /* values per column (> 0) */
    size_t rot_scale;             /* positions per rotation step (>= 1) */
} zk_colview;

/* Position read by a query of rotation rot at position i. */
static inline size_t zk_colview_pos(const zk_colview *v, size_t i, int32_t rot) {
    int64_t off = (int64_t)rot * (int64_t)v->rot_scale;
    int64_t len = (int64_t)v->len;
    int64_t r = ((int64_t)(i % v->len) + off % len + len) % len;
    return (size_t)r;
}

typedef struct zk_expr_prog zk_expr_prog;

/* Compiles roots[0..nroots) of cs. The program copies what it needs and does
 * not reference cs afterwards. ZK_ERR_UNSUPPORTED if a root reaches a
 * virtual Selector node, ZK_ERR_INVALID_ARG for an invalid root. */
zk_status zk_expr_prog_new(zk_expr_prog **out, const zk_cs *cs, const zk_expr *roots, size_t nroots,
                           zk_error *err);
void zk_expr_prog_free(zk_expr_prog *prog);

/* Number of instructions and registers (for tests and sizing). */
size_t zk_expr_prog_num_instructions(const zk_expr_prog *prog);
size_t zk_expr_prog_num_registers(const zk_expr_prog *prog);

/* outs[r][i - begin] = root r at position i, for i in [begin, end). Serial.
 * ZK_ERR_NOMEM if scratch cannot be allocated. */
zk_status zk_expr_prog_eval(const zk_expr_prog *prog, const zk_colview *view, size_t begin, size_t end,
                            zk_fp *const *outs);
/* Same, spread over the thread pool (serial where threads are unavailable). */
zk_status zk_expr_prog_eval_par(const zk_expr_prog *prog, const zk_colview *view, size_t begin, size_t end,
                                zk_fp *const *outs);

/* For each position i in [begin, end) and each root r in order:
 * acc[i - begin] = acc[i - begin] * y + root_r(i). This is halo2's fold of
 * the h(X) expressions (gate polynomials first, in order), without
 * materializing every root's column. Parallel. */
zk_status zk_expr_prog_eval_horner(const zk_expr_prog *prog, const zk_colview *view, size_t begin, size_t end,
                                   const zk_fp *y, zk_fp *acc);

/* *out = expression e at position row (compiles e; convenient, not fast). */
zk_status zk_expr_eval_row(const zk_cs *cs, zk_expr e, const zk_colview *view, size_t row, zk_fp *out,
                           zk_error *err);

#endif
