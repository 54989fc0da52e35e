/* Internals of the NTT shared by core/poly, its tests and its benchmark:
 * the cache-blocking parameters. Not part of the library's contract. */
#ifndef ZK_POLY_NTT_INTERNAL_H
#define ZK_POLY_NTT_INTERNAL_H

#include <stddef.h>

/* Largest stage count done inside one cache block, and the size of the small
 * contiguous twiddle table that serves those stages (2^ZK_NTT_SMALL_LOG). */
#define ZK_NTT_SMALL_LOG 12
/* Bit reversal of large arrays swaps tiles of 2^T x 2^T elements (rows of
 * 2^T contiguous elements: whole cache lines). */
#define ZK_NTT_REV_TILE 3
/* Largest tile width (columns handled together in the upper stages). */
#define ZK_NTT_TILE_LOG_MAX 5

/* How a transform of size 2^L is split:
 *  - stages 0 .. block_log-1 run block by block on contiguous 2^block_log
 *    element blocks (one block per work item);
 *  - the remaining stages run in groups of at most group_max stages; a work
 *    item takes 2^group stride-separated rows of 2^tile_log adjacent columns
 *    and does every stage of the group on them while they sit in cache. */
typedef struct {
    unsigned block_log;  /* 1 .. ZK_NTT_SMALL_LOG */
    unsigned group_max;  /* >= 1 */
    unsigned tile_log;   /* 0 .. ZK_NTT_TILE_LOG_MAX */
} zk_ntt_tuning;

/* Reads / replaces the process-wide parameters (values are clamped to the
 * ranges above). Not thread safe: only while no transform is running. */
void zk_ntt_get_tuning(zk_ntt_tuning *t);
void zk_ntt_set_tuning(const zk_ntt_tuning *t);

#endif
