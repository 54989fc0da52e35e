/* The PLONKish constraint system, as halo2_proofs 0.3.2 describes a circuit.
 *
 * Columns come in three kinds (advice = witness, fixed = circuit constants,
 * instance = public input), each indexed from 0 in allocation order. A gate is
 * a named list of polynomial constraints over queried cells; a query is
 * (column, rotation) and lives in one of three query lists whose order halo2
 * fixes (it decides every query_index, the proof layout and the VK hash).
 *
 * Expressions are halo2's Expression<F> (Constant, Selector, Fixed, Advice,
 * Instance, Negated, Sum, Product, Scaled), stored flat: every node is an
 * entry of cs->nodes and an expression is the id of its root node. Children
 * always have smaller ids than their parents, so any expression is evaluated
 * by one ascending sweep over the ids it reaches (see eval.h). Nodes may be
 * shared between expressions (a DAG); printing and hashing still see the tree.
 *
 * Selectors: our own circuits use plain fixed columns as selectors. halo2
 * circuits are loaded in their post-compression form (what the verifying key
 * holds), where selectors are already fixed queries; Selector nodes exist only
 * so such a system can be printed, and cannot be evaluated.
 *
 * Building: the zk_cs_* and zk_expr_* functions mirror halo2's
 * ConstraintSystem API. Expression constructors never fail loudly: on an error
 * (bad column, out of memory) they return ZK_EXPR_NONE and record a sticky
 * error in the cs, every constructor given ZK_EXPR_NONE returns it again, and
 * create_gate / add_lookup / zk_cs_status report the first error. So code can
 * build whole expressions and check once.
 *
 * The struct is public so the prover can read it; change it only through
 * these functions. Not thread safe while being built; read-only use of a
 * finished cs from several threads is fine. */
#ifndef ZK_PLONK_CS_H
#define ZK_PLONK_CS_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "util/status.h"

/* halo2's Any column type. The numeric values are ours; printing uses
 * halo2's names. */
typedef enum { ZK_COL_ADVICE = 0, ZK_COL_FIXED = 1, ZK_COL_INSTANCE = 2 } zk_col_kind;

typedef struct {
    uint32_t kind;  /* zk_col_kind */
    uint32_t index; /* index among the columns of that kind */
} zk_column;

/* One entry of a query list: column index (of the list's kind) and rotation. */
typedef struct {
    uint32_t column;
    int32_t rotation;
} zk_query;

typedef enum {
    ZK_EXPR_CONSTANT = 0, /* a = index into cs->consts */
    ZK_EXPR_SELECTOR,     /* a = selector index (virtual; not evaluable) */
    ZK_EXPR_FIXED,        /* a = index into cs->fixed_queries */
    ZK_EXPR_ADVICE,       /* a = index into cs->advice_queries */
    ZK_EXPR_INSTANCE,     /* a = index into cs->instance_queries */
    ZK_EXPR_NEGATED,      /* -a */
    ZK_EXPR_SUM,          /* a + b */
    ZK_EXPR_PRODUCT,      /* a * b */
    ZK_EXPR_SCALED        /* a * consts[b] */
} zk_expr_op;

typedef struct {
    uint8_t op;      /* zk_expr_op */
    uint8_t pad_;
    uint16_t degree; /* halo2's Expression::degree of the subtree (saturates at 65535) */
    uint32_t a, b;
} zk_expr_node;

/* An expression: the id of its root node. */
typedef uint32_t zk_expr;
#define ZK_EXPR_NONE UINT32_MAX

/* A gate: polynomials cs->polys[first .. first+count). */
typedef struct {
    char *name;
    uint32_t first, count;
} zk_gate;

/* One gate polynomial ("constraint" in halo2): expr = 0 must hold on every row. */
typedef struct {
    zk_expr expr;
    char *name;    /* the constraint name, "" if none */
    uint32_t gate; /* index of its gate */
} zk_poly;

/* A lookup: (inputs[i])_i must be a row of (tables[i])_i, i in [first, first+count)
 * of cs->lookup_inputs / cs->lookup_tables. */
typedef struct {
    char *name; /* "" if none; not part of the VK */
    uint32_t first, count;
} zk_lookup;

typedef struct zk_cs {
    uint32_t num_fixed, num_advice, num_instance;
    uint32_t num_selectors;    /* halo2's num_selectors (printed in the VK; kept after compression) */
    uint8_t *selector_simple;  /* [num_selectors]: 1 = simple selector (for printing Selector nodes) */
    uint32_t *selector_map;    /* [num_selectors] or NULL: fixed column each selector was compressed into */

    zk_expr_node *nodes;
    uint32_t num_nodes, cap_nodes;
    zk_fp *consts;             /* constants of Constant and Scaled nodes */
    uint32_t num_consts, cap_consts;

    zk_query *advice_queries, *fixed_queries, *instance_queries;
    uint32_t num_advice_queries, num_fixed_queries, num_instance_queries;
    uint32_t cap_advice_queries, cap_fixed_queries, cap_instance_queries;

    zk_gate *gates;
    uint32_t num_gates, cap_gates;
    zk_poly *polys;            /* all gate polynomials, gate after gate (halo2's flattening) */
    uint32_t num_polys, cap_polys;

    zk_lookup *lookups;
    uint32_t num_lookups, cap_lookups;
    zk_expr *lookup_inputs, *lookup_tables;
    uint32_t num_lookup_exprs, cap_lookup_exprs;

    zk_column *perm_columns;   /* equality-enabled columns in enable order = permutation argument columns */
    uint32_t num_perm_columns, cap_perm_columns;
    uint32_t *constants;       /* fixed columns usable for global constants */
    uint32_t num_constants, cap_constants;
    uint32_t minimum_degree;   /* 0 = None */

    char **column_names[3];    /* optional names per kind ([kind][index], NULL = none); debugging only */
    uint32_t column_names_cap[3];

    zk_status sticky;          /* first builder error (ZK_OK if none) */
    char sticky_msg[256];
} zk_cs;

/* ---- lifetime ---- */

/* A new empty constraint system; NULL if out of memory. */
zk_cs *zk_cs_new(void);
void zk_cs_free(zk_cs *cs);

/* First error recorded while building (ZK_OK if none); copies its message to err. */
zk_status zk_cs_status(const zk_cs *cs, zk_error *err);

/* ---- columns ---- */

/* Allocate a new column of the kind (halo2 advice_column / fixed_column /
 * instance_column). Returns its index. */
zk_column zk_cs_advice_column(zk_cs *cs);
zk_column zk_cs_fixed_column(zk_cs *cs);
zk_column zk_cs_instance_column(zk_cs *cs);

/* Optional debugging name of a column (shown by MockProver). name is copied. */
zk_status zk_cs_set_column_name(zk_cs *cs, zk_column col, const char *name);
/* The column's name, or NULL. */
const char *zk_cs_column_name(const zk_cs *cs, zk_column col);

/* Allocate a virtual selector (halo2 selector / complex_selector), only for
 * describing halo2 systems; returns its index. */
uint32_t zk_cs_selector(zk_cs *cs, int simple);

/* halo2 enable_equality: registers the query (col, 0) in its list (halo2 does
 * this; it shifts query indices) and appends col to the permutation columns
 * if not already there. */
zk_status zk_cs_enable_equality(zk_cs *cs, zk_column col);
/* halo2 enable_constant: fixed column usable for constants; also enables equality. */
zk_status zk_cs_enable_constant(zk_cs *cs, uint32_t fixed_col);
/* halo2 set_minimum_degree (0 clears it). */
void zk_cs_set_minimum_degree(zk_cs *cs, uint32_t degree);

/* ---- queries ---- */

/* Registers (col, rotation) in its query list unless present (halo2's
 * query_*_index) and stores its query index in *index (may be NULL). */
zk_status zk_cs_add_query(zk_cs *cs, zk_column col, int32_t rotation, uint32_t *index);
/* Index of the query (col, rotation), or -1. */
int64_t zk_cs_find_query(const zk_cs *cs, zk_column col, int32_t rotation);
/* The query list of a kind and its length. */
const zk_query *zk_cs_queries(const zk_cs *cs, zk_col_kind kind, uint32_t *count);

/* ---- expressions (see the header comment for the ZK_EXPR_NONE convention) ---- */

/* A query node for (col, rotation), registering the query as halo2's query_* does. */
zk_expr zk_expr_query(zk_cs *cs, zk_column col, int32_t rotation);
zk_expr zk_expr_advice(zk_cs *cs, uint32_t col, int32_t rotation);
zk_expr zk_expr_fixed(zk_cs *cs, uint32_t col, int32_t rotation);
zk_expr zk_expr_instance(zk_cs *cs, uint32_t col, int32_t rotation);
/* A query node for an existing query index of a kind (for loaders). */
zk_expr zk_expr_query_index(zk_cs *cs, zk_col_kind kind, uint32_t query_index);
zk_expr zk_expr_constant(zk_cs *cs, const zk_fp *c);
zk_expr zk_expr_u64(zk_cs *cs, uint64_t c);
zk_expr zk_expr_i64(zk_cs *cs, int64_t c);
zk_expr zk_expr_selector(zk_cs *cs, uint32_t selector);
zk_expr zk_expr_neg(zk_cs *cs, zk_expr a);                   /* Negated(a) */
zk_expr zk_expr_add(zk_cs *cs, zk_expr a, zk_expr b);        /* Sum(a, b) */
zk_expr zk_expr_sub(zk_cs *cs, zk_expr a, zk_expr b);        /* Sum(a, Negated(b)), as halo2's `-` */
zk_expr zk_expr_mul(zk_cs *cs, zk_expr a, zk_expr b);        /* Product(a, b) */
zk_expr zk_expr_scale(zk_cs *cs, zk_expr a, const zk_fp *c); /* Scaled(a, c) */

/* halo2 Expression::degree of e (0 for ZK_EXPR_NONE). */
uint32_t zk_expr_degree(const zk_cs *cs, zk_expr e);

/* ---- gates, lookups ---- */

/* halo2 create_gate: a gate named `name` with npolys >= 1 polynomials;
 * poly_names may be NULL (all "") or hold NULL entries. Returns the sticky
 * error if any expression is ZK_EXPR_NONE. */
zk_status zk_cs_create_gate(zk_cs *cs, const char *name, size_t npolys, const zk_expr *polys,
                            const char *const *poly_names);

/* halo2 lookup: the tuple (inputs[0..m)) must appear among the rows of
 * (tables[0..m)), m >= 1. name may be NULL. In halo2 tables are fixed-column
 * queries; any expression is accepted here. */
zk_status zk_cs_add_lookup(zk_cs *cs, const char *name, size_t m, const zk_expr *inputs,
                           const zk_expr *tables);

/* ---- derived quantities (halo2 semantics) ---- */

/* ConstraintSystem::degree: max(permutation 3, each lookup max(4, 2 + input
 * degree + table degree), each gate polynomial's degree, minimum_degree or 1). */
uint32_t zk_cs_degree(const zk_cs *cs);
/* ConstraintSystem::blinding_factors: max(3, most distinct advice queries of
 * one column) + 2. */
uint32_t zk_cs_blinding_factors(const zk_cs *cs);
/* ConstraintSystem::minimum_rows = blinding_factors + 3. */
uint32_t zk_cs_minimum_rows(const zk_cs *cs);
/* Rows 0 .. usable-1 take assignments; usable = 2^k - (blinding_factors + 1).
 * 0 if 2^k < minimum_rows (halo2's NotEnoughRowsAvailable). */
size_t zk_cs_usable_rows(const zk_cs *cs, uint32_t k);
/* Permutation columns per product set: degree - 2 (halo2's chunk_len), and
 * the number of sets ceil(num_perm_columns / chunk). */
uint32_t zk_cs_perm_chunk_size(const zk_cs *cs);
uint32_t zk_cs_perm_num_sets(const zk_cs *cs);
/* Position of col in the permutation column list, or -1. */
int64_t zk_cs_perm_position(const zk_cs *cs, zk_column col);
/* 1 if any gate or lookup expression contains a Selector node. */
int zk_cs_has_selectors(const zk_cs *cs);

/* Structural check of a finished system: sticky error, column and query
 * indices in range, node ids well formed, at least one polynomial per gate,
 * non-empty lookups. */
zk_status zk_cs_validate(const zk_cs *cs, zk_error *err);

/* "advice", "fixed", "instance". */
const char *zk_col_kind_name(zk_col_kind kind);

#endif
