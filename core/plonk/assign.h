/* The assignment of a circuit: every cell value for n = 2^k rows, and the
 * copy constraints in the order synthesis made them.
 *
 * Columns are flat arrays of zk_fp, column-major: fixed column c is
 * fixed[c*n .. c*n+n) (zk_asg_fixed(a, c)), likewise advice and instance. All
 * start at zero. Everything is freed by zk_assignment_free.
 *
 * Rows 0 .. usable-1 take assignments, usable = n - (blinding_factors + 1)
 * (halo2's usable_rows); the last blinding_factors + 1 rows are reserved: the
 * prover fills advice there with random blinding values. The assign/copy
 * functions refuse rows outside the usable range as halo2's synthesis does
 * (ZK_ERR_RANGE, "not enough rows available"); direct writes through the
 * column pointers are not checked (MockProver checks the result).
 *
 * Optionally (ZK_ASG_TRACK) the assignment records which advice and fixed
 * cells were assigned, one bit per cell, so MockProver can report gates that
 * read cells nobody assigned (halo2's CellNotAssigned). Instance columns
 * record how many leading rows the caller provided (the rest is padding). */
#ifndef ZK_PLONK_ASSIGN_H
#define ZK_PLONK_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "plonk/cs.h"
#include "util/status.h"

/* A copy constraint: the two cells must hold equal values. */
typedef struct {
    zk_column left;
    uint32_t left_row;
    zk_column right;
    uint32_t right_row;
} zk_copy;

#define ZK_ASG_TRACK 1u /* record assigned cells (bitmaps) */

typedef struct {
    uint32_t k;
    size_t n;                 /* 2^k */
    size_t usable;            /* usable rows */
    uint32_t num_fixed, num_advice, num_instance;
    zk_fp *fixed, *advice, *instance;
    size_t *instance_len;     /* [num_instance]: rows provided (assigned) per instance column */
    uint64_t *fixed_set, *advice_set; /* NULL unless ZK_ASG_TRACK: bit (c*n + r) set = assigned */
    zk_copy *copies;
    size_t num_copies, cap_copies;
} zk_assignment;

/* Allocates a zeroed assignment for cs at size 2^k (flags: ZK_ASG_TRACK or 0).
 * ZK_ERR_RANGE if 2^k is below cs's minimum_rows or k > 28; ZK_ERR_NOMEM. */
zk_status zk_assignment_new(zk_assignment **out, const zk_cs *cs, uint32_t k, unsigned flags, zk_error *err);
void zk_assignment_free(zk_assignment *a);

static inline zk_fp *zk_asg_fixed(const zk_assignment *a, uint32_t col) { return a->fixed + (size_t)col * a->n; }
static inline zk_fp *zk_asg_advice(const zk_assignment *a, uint32_t col) { return a->advice + (size_t)col * a->n; }
static inline zk_fp *zk_asg_instance(const zk_assignment *a, uint32_t col) { return a->instance + (size_t)col * a->n; }
/* Column pointer for any kind, NULL if out of range. */
zk_fp *zk_asg_column(const zk_assignment *a, zk_column col);

/* Cell setters: row must be < usable, col in range. Mark the cell assigned. */
zk_status zk_asg_assign_advice(zk_assignment *a, uint32_t col, size_t row, const zk_fp *v, zk_error *err);
zk_status zk_asg_assign_fixed(zk_assignment *a, uint32_t col, size_t row, const zk_fp *v, zk_error *err);
/* Instance cell; instance_len[col] grows to cover row. */
zk_status zk_asg_assign_instance(zk_assignment *a, uint32_t col, size_t row, const zk_fp *v, zk_error *err);
/* Sets instance column col to vals[0..len) (len <= usable), padding the rest with zeros. */
zk_status zk_asg_set_instance(zk_assignment *a, uint32_t col, const zk_fp *vals, size_t len, zk_error *err);
/* halo2 fill_from_row: fixed rows from_row .. usable-1 all get v. */
zk_status zk_asg_fill_fixed(zk_assignment *a, uint32_t col, size_t from_row, const zk_fp *v, zk_error *err);
/* Marks every row of a fixed column assigned (keygen's compressed selector columns are). */
void zk_asg_mark_fixed_column(zk_assignment *a, uint32_t col);

/* 1 if the cell was assigned (always 1 without ZK_ASG_TRACK; instance: row < instance_len). */
int zk_asg_is_assigned(const zk_assignment *a, zk_column col, size_t row);

/* Appends a copy constraint (halo2 Region::constrain_equal / copy_advice...).
 * Both rows must be < usable. Whether the columns take part in the
 * permutation is checked by keygen and MockProver. */
zk_status zk_asg_copy(zk_assignment *a, zk_column left, size_t left_row, zk_column right, size_t right_row,
                      zk_error *err);

#endif
