/* Circuits given as data: the structured JSON of the reference vectors.
 *
 * zk_cs_from_json reads a `constraint_system` object (halo2's post-compression
 * system as tests/vectors/halo2_proof.json and the halo2_mac files give it):
 *   num_fixed_columns, num_advice_columns, num_instance_columns, num_selectors,
 *   selector_map_to_fixed_column (optional), gates [{name, polynomials:
 *   [{constraint_name, expr}]}], advice_queries / instance_queries /
 *   fixed_queries [{column, rotation}], permutation_columns [{type, index}],
 *   lookups [{input_expressions, table_expressions}], constants_columns,
 *   minimum_degree (null or n), and optionally degree and blinding_factors,
 *   which must then equal what the system computes.
 * An expression is an object with one key: constant (field element),
 *   fixed / advice / instance ({query_index, column, rotation}; must match the
 *   query list), negated (expr), sum / product ([expr, expr]), scaled
 *   ({expr, scalar} or [expr, scalar]), selector (index or {index, simple}).
 * A field element is {"hex": 64 hex digits little-endian, ...} or that hex string.
 *
 * zk_circuit_from_json reads a whole circuit: `k`, `constraint_system`,
 * `instance` (columns of field elements), and the assignment either from
 *   `synthesis_log` (assign_advice, assign_fixed, fill_from_row,
 *   enable_selector, copy, enter_region; keygen's selector compression is
 *   redone from selector_map_to_fixed_column: a selector's value in its fixed
 *   column is 1 + the number of lower-numbered selectors sharing the column), or
 *   `advice.columns` (hex strings per row from row 0) and
 *   `copy_constraints.copies` [{left: {column: {type, index}, row}, right: ...}],
 * and the fixed columns from `fixed_column_values` (n values each) when
 * present, else from the synthesis log. With the synthesis log the assignment
 * tracks assigned cells (ZK_ASG_TRACK).
 *
 * Errors: ZK_ERR_PARSE with a message naming the offending field (e.g.
 * "constraint_system.gates[0].polynomials[1].expr: unknown node \"prod\""),
 * ZK_ERR_SHAPE / ZK_ERR_RANGE for well-formed but inconsistent data. Never
 * aborts on bad input. */
#ifndef ZK_PLONK_LOAD_H
#define ZK_PLONK_LOAD_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "plonk/assign.h"
#include "plonk/cs.h"
#include "util/status.h"

/* Build the fixed columns from the synthesis log even when
 * fixed_column_values is present. */
#define ZK_LOAD_FIXED_FROM_LOG 1u

zk_status zk_cs_from_json(const cJSON *cs_json, zk_cs **out, zk_error *err);

/* *cs_out and *asg_out are new objects the caller frees; *k_out may be NULL. */
zk_status zk_circuit_from_json(const cJSON *root, unsigned flags, uint32_t *k_out, zk_cs **cs_out,
                               zk_assignment **asg_out, zk_error *err);
/* Same from JSON text. */
zk_status zk_circuit_from_json_text(const char *text, size_t len, unsigned flags, uint32_t *k_out, zk_cs **cs_out,
                                    zk_assignment **asg_out, zk_error *err);

/* Parses a field element ({"hex": ...} or a hex string, canonical) at `what`. */
zk_status zk_fp_from_json(zk_fp *out, const cJSON *v, const char *what, zk_error *err);

#endif
