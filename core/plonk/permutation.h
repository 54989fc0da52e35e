/* Permutation argument, keygen side (halo2 plonk/permutation/keygen.rs).
 *
 * The permutation columns are cs->perm_columns (j = position in that list).
 * Every cell (j, i) starts as its own cycle. Each copy constraint, applied in
 * synthesis order, merges the cycles of its two cells exactly as halo2's
 * Assembly::copy does: the smaller cycle joins the larger (on a tie the left
 * cell's cycle stays the representative), aux records every cell's
 * representative, and mapping[left] and mapping[right] are swapped. The order
 * matters: it decides mapping, hence the sigma polynomials and the VK.
 *
 * sigma_j(omega^i) = DELTA^j' * omega^i' where (j', i') = mapping[j][i],
 * omega the 2^k-th root of unity ROOT_OF_UNITY^(2^(32-k)).
 *
 * Cells are numbered j*n + i internally (32 bits), so ncols * n < 2^32. */
#ifndef ZK_PLONK_PERMUTATION_H
#define ZK_PLONK_PERMUTATION_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "plonk/assign.h"
#include "plonk/cs.h"
#include "util/status.h"

typedef struct {
    uint32_t ncols;
    size_t n;
    uint32_t *mapping; /* [ncols*n]: cell -> next cell of its cycle (as j*n + i) */
    uint32_t *aux;     /* [ncols*n]: cell -> representative of its cycle */
    uint32_t *sizes;   /* [ncols*n]: cycle size, meaningful at representatives */
} zk_perm_assembly;

/* Identity permutation over ncols columns of n rows. */
zk_status zk_perm_assembly_new(zk_perm_assembly **out, uint32_t ncols, size_t n, zk_error *err);
void zk_perm_assembly_free(zk_perm_assembly *pa);

/* halo2 Assembly::copy on positions in the permutation column list. */
zk_status zk_perm_assembly_copy(zk_perm_assembly *pa, uint32_t left_col, size_t left_row, uint32_t right_col,
                                size_t right_row, zk_error *err);

/* Applies copies[0..count) in order, mapping columns through cs->perm_columns
 * (halo2's ColumnNotInPermutation is ZK_ERR_INVALID_ARG naming the copy). */
zk_status zk_perm_assembly_apply(zk_perm_assembly *pa, const zk_cs *cs, const zk_copy *copies, size_t count,
                                 zk_error *err);

/* (j', i') = mapping[j][i]. */
static inline void zk_perm_mapping(const zk_perm_assembly *pa, uint32_t j, size_t i, uint32_t *jp, size_t *ip) {
    uint32_t c = pa->mapping[(size_t)j * pa->n + i];
    *jp = (uint32_t)(c / pa->n);
    *ip = c % pa->n;
}

/* out[j*n + i] = DELTA^j' * omega^i' for all cells; pa->n must be 2^k.
 * out holds ncols * n elements. Parallel. */
zk_status zk_perm_sigma(const zk_perm_assembly *pa, uint32_t k, zk_fp *out, zk_error *err);

/* Keygen in one call: the assembly of asg's copies for cs, then sigma into a
 * new array (*sigma_out, cs->num_perm_columns * 2^k values, caller frees). */
zk_status zk_perm_keygen(const zk_cs *cs, const zk_assignment *asg, zk_fp **sigma_out, zk_error *err);

/* omega = ROOT_OF_UNITY^(2^(32-k)), the 2^k-th root of unity halo2 uses (k <= 32). */
void zk_plonk_omega(zk_fp *omega, uint32_t k);

#endif
