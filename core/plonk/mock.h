/* MockProver: checks a circuit's assignment cell by cell and says what is
 * wrong, as halo2's dev::MockProver does. For circuit writers: run it before
 * proving, print the summary, fix the first failure.
 *
 * What it checks (halo2 semantics):
 *  - Gates: every polynomial of every gate on every row 0..n-1, rotations
 *    wrapping mod n. Advice cells in the unusable rows (the last
 *    blinding_factors + 1) hold the prover's random blinding, so a gate whose
 *    value depends on one is "poisoned" (reported once per polynomial, with
 *    the number of rows). A product with a zero factor does not depend on the
 *    other factor, so selector-off rows are fine.
 *  - Unassigned cells: when the assignment tracks assigned cells
 *    (ZK_ASG_TRACK), a gate whose value depends on an advice or fixed cell
 *    nobody assigned, or on an instance row beyond the instance values given,
 *    is reported (halo2's CellNotAssigned / InstanceCellNotAssigned), even if
 *    the value happens to be 0.
 *  - Lookups: on every usable row the tuple of input expressions must be a
 *    tuple of table expressions on some usable row; rows equal to the table's
 *    last usable row (the floor planner's fill value) are skipped, as halo2.
 *  - Copies: each copy constraint in order: both columns in the permutation,
 *    both rows usable, equal values (and, when tracked, not one side
 *    assigned and the other not).
 *  - Outside the usable rows: fixed cells there must be 0 (keygen cannot
 *    assign them), instance columns must fit in the usable rows and be 0
 *    beyond the values given.
 *
 * Variable time, and the messages print witness values: a debugging tool,
 * not for production proving of secrets. */
#ifndef ZK_PLONK_MOCK_H
#define ZK_PLONK_MOCK_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "plonk/assign.h"
#include "plonk/cs.h"
#include "util/status.h"

typedef enum {
    ZK_MOCK_CONSTRAINT_NOT_SATISFIED = 0, /* gate, poly, row, value, cells read */
    ZK_MOCK_CONSTRAINT_POISONED,          /* gate, poly, row (first), count, cells = the blinding-row cell */
    ZK_MOCK_CELL_NOT_ASSIGNED,            /* gate, poly, row, cells = the unassigned cell */
    ZK_MOCK_INSTANCE_NOT_ASSIGNED,        /* gate, poly, row, cells = the instance padding cell */
    ZK_MOCK_LOOKUP,                       /* lookup, row, values = input tuple, cells read */
    ZK_MOCK_COPY,                         /* copy, cells = [left, right] */
    ZK_MOCK_COPY_INVALID,                 /* copy, cells = [left, right]; column not in permutation / row unusable */
    ZK_MOCK_OUTSIDE_USABLE,               /* cells = the offending cell (row), or an instance column too long */
    ZK_MOCK_KIND_COUNT
} zk_mock_kind;

/* failure flags */
#define ZK_MOCK_F_POISONED 1u   /* LOOKUP: the input reads a blinding row */
#define ZK_MOCK_F_UNASSIGNED 2u /* COPY: one side was never assigned */
#define ZK_MOCK_F_NOT_IN_PERM 4u /* COPY_INVALID: a column is not in the permutation */
#define ZK_MOCK_F_ROW_RANGE 8u  /* COPY_INVALID: a row is outside the usable rows */

typedef struct {
    zk_column column;
    int32_t rotation; /* query rotation, 0 for plain cells */
    uint32_t row;     /* absolute row read */
    zk_fp value;
    uint8_t assigned; /* 0 = never assigned, 1 = assigned, 2 = blinding row (value is the prover's) */
} zk_mock_cell;

typedef struct {
    zk_mock_kind kind;
    uint32_t flags;
    uint32_t gate, poly; /* gate index; polynomial index within the gate */
    uint32_t lookup;
    uint32_t copy;       /* index into asg->copies */
    uint32_t row;        /* row the gate / lookup was evaluated at */
    uint32_t count;      /* rows folded into this failure (POISONED), else 1 */
    zk_fp value;         /* NOT_SATISFIED: the polynomial's value */
    uint32_t first_cell, num_cells;   /* report->cells[...] */
    uint32_t first_value, num_values; /* report->values[...] (LOOKUP input tuple) */
} zk_mock_failure;

typedef struct {
    const zk_cs *cs;           /* borrowed: formatting reads names from it */
    size_t n, usable;
    size_t instance_len_max;
    zk_mock_failure *failures; /* the first max_failures failures, in check order */
    size_t count, cap;
    zk_mock_cell *cells;
    size_t num_cells, cap_cells;
    zk_fp *values;
    size_t num_values, cap_values;
    size_t total;                        /* all failures found (count <= total) */
    size_t by_kind[ZK_MOCK_KIND_COUNT];  /* all failures found, per kind */
} zk_mock_report;

typedef struct {
    size_t max_failures; /* failures stored (0 = 1000); the rest are only counted */
} zk_mock_options;

/* Runs every check of cs on asg (opt may be NULL). *out receives a report to
 * free with zk_mock_report_free; it is returned whenever the checks ran, with
 * total == 0 meaning the assignment satisfies the circuit. Errors (not
 * failures): ZK_ERR_SHAPE if asg does not fit cs, ZK_ERR_UNSUPPORTED for
 * virtual selectors, ZK_ERR_NOMEM. cs must outlive the report. */
zk_status zk_mock_verify_var(const zk_cs *cs, const zk_assignment *asg, const zk_mock_options *opt,
                             zk_mock_report **out, zk_error *err);
void zk_mock_report_free(zk_mock_report *r);

static inline int zk_mock_ok(const zk_mock_report *r) { return r && r->total == 0; }

/* Short name of a kind: "constraint not satisfied", "lookup", ... */
const char *zk_mock_kind_name(zk_mock_kind kind);

/* One line describing failure i (snprintf semantics: returns the length it
 * needed, writes at most len bytes including the NUL). */
size_t zk_mock_failure_format(const zk_mock_report *r, size_t i, char *buf, size_t len);

/* A printable multi-line summary: counts per kind and the first max_lines
 * failures (0 = all stored). malloc'ed; NULL if out of memory. */
char *zk_mock_report_summary(const zk_mock_report *r, size_t max_lines);

/* Formats a field element for people: small values in decimal ("5", "-3"),
 * others as 0x-hex without leading zeros. out needs 68 bytes. */
void zk_mock_format_value(char out[68], const zk_fp *v);

#endif
