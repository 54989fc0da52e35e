/* The PLONK verifying key: what a verifier needs to check proofs of one
 * circuit (halo2's VerifyingKey: domain, constraint system, fixed and
 * permutation commitments, transcript_repr), and our stable binary encoding
 * of it.
 *
 * ---- Transcript seeding: two modes ----
 * A proof's transcript starts with common_scalar(transcript_repr).
 *  - ZK_VK_TRANSCRIPT_HALO2: transcript_repr is halo2's, the hash of the
 *    pinned Debug string (pinned.h). Proofs are byte-compatible with
 *    halo2_proofs 0.3.2: this is the mode of the conformance vectors.
 *  - ZK_VK_TRANSCRIPT_ZKML: transcript_repr = Fp::from_uniform_bytes(digest),
 *    digest = BLAKE2b-512 with personalization "zkml-VerifyKey01" over the
 *    canonical encoding below. Our own circuits use this mode: the seed is
 *    then bound to exactly the bytes a receipt carries and whose hash is the
 *    verifier key id, it does not depend on Rust's Debug formatting, and it
 *    costs one pass over a compact encoding instead of printing every
 *    expression tree as text.
 * In both modes the VK is identified by its id = the first 32 bytes of that
 * digest (the receipt's "verifier key id"); the mode is part of the encoding,
 * so the id also pins how the transcript is seeded.
 *
 * ---- Binary encoding, version 1 (zk_plonk_vk_write / zk_plonk_vk_read) ----
 * All integers little-endian; u32 unless said; a point is its 32-byte
 * compressed encoding (curve.h); a field element its 32-byte canonical
 * little-endian encoding.
 *   "zkVK"                         magic
 *   version = 1
 *   flags                          bit 0: 1 = ZK_VK_TRANSCRIPT_HALO2, 0 = ZKML;
 *                                  other bits 0
 *   k                              n = 2^k rows, 1 <= k <= ZK_IPA_MAX_K
 *   num_fixed, num_advice, num_instance, num_selectors
 *   minimum_degree                 0 = None
 *   advice, instance, fixed query lists, each: count, then count x
 *                                  (column u32, rotation i32)
 *   num_perm_columns, then each:   kind (0 advice, 1 fixed, 2 instance), index
 *   num_constants, then each:      fixed column
 *   num_nodes, then each node:     op u8 (cs.h's zk_expr_op) and its payload:
 *       CONSTANT 0: field element;  FIXED 2, ADVICE 3, INSTANCE 4: query index;
 *       NEGATED 5: child;  SUM 6, PRODUCT 7: child a, child b;
 *       SCALED 8: child, field element.  Children are earlier nodes.
 *   num_gates, then each:          count >= 1, count x root node
 *   num_lookups, then each:        m >= 1, m x input root, m x table root
 *   num_fixed points               fixed commitments, in column order
 *   num_perm_columns points        permutation commitments, in permutation order
 * Canonical form (one VK, one encoding): the nodes are exactly the distinct
 * subexpressions (equal trees are one node) reachable from the roots, in the
 * order a depth-first walk first finishes them (roots in order: every gate
 * polynomial, then per lookup its inputs then its tables; child a before b).
 * Names (gates, constraints, lookups, columns) are not part of a VK, as in
 * halo2's pinned key. Selector nodes cannot appear (keygen needs the
 * post-compression system).
 * Validation on read: magic, version, flags; every count within bounds and
 * the input; k, columns, queries (in range, no duplicates), permutation
 * columns (existing, distinct, each with its (column, 0) query already in
 * the lists, as enable_equality registers), constants (permutation columns),
 * nodes (ops, query indices, children), the degree (at most
 * ZK_VK_MAX_DEGREE, extended domain within the field's 2-adicity),
 * n >= minimum rows, every point decodes; and the
 * input must equal the re-encoding of what was read (canonical, no trailing
 * bytes). Errors: ZK_ERR_PARSE / ZK_ERR_TRUNCATED for the layout,
 * ZK_ERR_ENCODING for points and field elements, ZK_ERR_RANGE / ZK_ERR_SHAPE
 * for values, ZK_ERR_UNSUPPORTED for a newer version; err says where. */
#ifndef ZK_PLONK_VK_H
#define ZK_PLONK_VK_H

#include <stddef.h>
#include <stdint.h>

#include "curve/curve.h"
#include "field/field.h"
#include "plonk/cs.h"
#include "poly/poly.h"
#include "util/status.h"

#define ZK_VK_VERSION 1
#define ZK_VK_PERSONAL "zkml-VerifyKey01" /* 16 bytes: BLAKE2b personalization */
#define ZK_VK_MAX_COLUMNS (1u << 20)      /* per kind */
#define ZK_VK_MAX_SELECTORS (1u << 20)
#define ZK_VK_MAX_DEGREE 256              /* constraint degree (the extended domain grows with it) */

typedef enum { ZK_VK_TRANSCRIPT_ZKML = 0, ZK_VK_TRANSCRIPT_HALO2 = 1 } zk_vk_transcript_mode;

/* Read-only once built; one VK may serve concurrent provers and verifiers. */
typedef struct zk_plonk_vk {
    uint32_t k;
    size_t n;
    zk_vk_transcript_mode mode;
    zk_cs *cs;                 /* owned canonical copy: no names, no selector map */
    zk_fp_domain *domain;      /* light domain (constants; no NTT tables) */
    uint32_t degree;           /* zk_cs_degree(cs) */
    uint32_t blinding_factors; /* zk_cs_blinding_factors(cs) */
    uint32_t perm_chunk;       /* permutation columns per product set (degree - 2) */
    uint32_t perm_sets;        /* number of permutation product sets */
    uint32_t *perm_query;      /* [num_perm_columns]: index of the (column, 0) query in its kind's list */
    zk_vesta_affine *fixed_commitments; /* [cs->num_fixed] */
    zk_vesta_affine *perm_commitments;  /* [cs->num_perm_columns] */
    zk_fp transcript_repr;     /* what the transcript absorbs first (see the modes above) */
    uint8_t digest[64];        /* BLAKE2b-512("zkml-VerifyKey01", encoding) */
    uint8_t *encoding;         /* the canonical encoding (owned) */
    size_t encoding_len;
} zk_plonk_vk;

/* *out = the VK of cs at size 2^k with the given commitments (cs->num_fixed
 * and cs->num_perm_columns points), seeded per mode. cs is copied into the
 * canonical form (it may be freed afterwards). Validation as for read.
 * Keygen (keygen.h) computes the commitments and calls this. */
zk_status zk_plonk_vk_new(zk_plonk_vk **out, const zk_cs *cs, uint32_t k, const zk_vesta_affine *fixed_commitments,
                          const zk_vesta_affine *perm_commitments, zk_vk_transcript_mode mode, zk_error *err);
void zk_plonk_vk_free(zk_plonk_vk *vk); /* NULL is a no-op */

/* *out = a malloc'ed copy of the canonical encoding (the caller frees it). */
zk_status zk_plonk_vk_write(const zk_plonk_vk *vk, uint8_t **out, size_t *out_len);
/* *out = the VK encoded in bytes[0..len) (see the validation rules above). */
zk_status zk_plonk_vk_read(zk_plonk_vk **out, const uint8_t *bytes, size_t len, zk_error *err);

/* The verifier key id: the first 32 bytes of vk->digest. */
void zk_plonk_vk_id(const zk_plonk_vk *vk, uint8_t id[32]);

/* halo2's pinned VK string of this key (pinned.h; malloc'ed, caller frees),
 * whatever the mode. */
zk_status zk_plonk_vk_pinned(const zk_plonk_vk *vk, char **out, size_t *out_len, zk_error *err);

/* The canonical encoding of (cs, k, commitments, mode) without building a VK
 * (malloc'ed). Fails like zk_plonk_vk_new on an unsupported cs (selectors,
 * out-of-range counts) but does not check everything read does. */
zk_status zk_plonk_vk_encode(const zk_cs *cs, uint32_t k, const zk_vesta_affine *fixed_commitments,
                             const zk_vesta_affine *perm_commitments, zk_vk_transcript_mode mode, uint8_t **out,
                             size_t *out_len, zk_error *err);

#endif
