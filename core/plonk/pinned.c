#include "plonk/pinned.h"

#include "hash/blake2b.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

zk_status zk_plonk_domain_init(zk_plonk_domain *d, uint32_t degree, uint32_t k, zk_error *err) {
    if (degree < 1) return zk_fail(err, ZK_ERR_RANGE, "domain: degree must be >= 1");
    if (k > ZK_FIELD_S) return zk_fail(err, ZK_ERR_RANGE, "domain: k = %u exceeds %d", k, ZK_FIELD_S);
    uint64_t q = (uint64_t)degree - 1;
    uint64_t n = (uint64_t)1 << k;
    uint32_t ek = k;
    while (ek <= ZK_FIELD_S && ((uint64_t)1 << ek) < n * q) ek++;
    if (ek > ZK_FIELD_S)
        return zk_fail(err, ZK_ERR_RANGE, "domain: extended domain for degree %u at k = %u exceeds 2^%d", degree, k,
                       ZK_FIELD_S);
    d->k = k;
    d->extended_k = ek;
    d->n = n;
    d->quotient_poly_degree = q;
    d->extended_omega = zk_fp_ROOT_OF_UNITY;
    for (uint32_t i = ek; i < ZK_FIELD_S; i++) zk_fp_sqr(&d->extended_omega, &d->extended_omega);
    d->omega = d->extended_omega;
    for (uint32_t i = k; i < ek; i++) zk_fp_sqr(&d->omega, &d->omega);
    return ZK_OK;
}

static void be_hex_(char out[67], const uint8_t le[32]) {
    static const char hx[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 32; i++) {
        out[2 + 2 * i] = hx[le[31 - i] >> 4];
        out[3 + 2 * i] = hx[le[31 - i] & 15];
    }
    out[66] = 0;
}

void zk_fp_debug_hex(char out[67], const zk_fp *a) {
    uint8_t b[32];
    zk_fp_to_bytes(b, a);
    be_hex_(out, b);
}

void zk_fq_debug_hex(char out[67], const zk_fq *a) {
    uint8_t b[32];
    zk_fq_to_bytes(b, a);
    be_hex_(out, b);
}

/* modulus = (p - 1) + 1, from the encoding of -1 */
static void modulus_hex_(char out[67], int fq) {
    uint8_t b[32];
    if (fq) {
        zk_fq m;
        zk_fq_neg(&m, &zk_fq_ONE);
        zk_fq_to_bytes(b, &m);
    } else {
        zk_fp m;
        zk_fp_neg(&m, &zk_fp_ONE);
        zk_fp_to_bytes(b, &m);
    }
    for (int i = 0; i < 32 && ++b[i] == 0; i++) {
    }
    be_hex_(out, b);
}

/* ---- a growing string ---- */

typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_put_(sbuf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > nc) nc *= 2;
        char *q = realloc(b->s, nc);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->s = q;
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void sb_str_(sbuf *b, const char *s) { sb_put_(b, s, strlen(s)); }

static void sb_fmt_(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void sb_fmt_(sbuf *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    sb_put_(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static const char *kind_debug_(uint32_t kind) {
    return kind == ZK_COL_ADVICE ? "Advice" : kind == ZK_COL_FIXED ? "Fixed" : "Instance";
}

static void sb_column_(sbuf *b, uint32_t kind, uint32_t index) {
    sb_fmt_(b, "Column { index: %u, column_type: %s }", index, kind_debug_(kind));
}

static void sb_fp_(sbuf *b, const zk_fp *v) {
    char h[67];
    zk_fp_debug_hex(h, v);
    sb_put_(b, h, 66);
}

/* Rust Debug of one expression tree, iteratively (deep Sum chains are common). */
static int sb_expr_(sbuf *b, const zk_cs *cs, zk_expr root) {
    typedef struct {
        uint32_t node, state;
    } frame;
    size_t cap = 64, sp = 0;
    frame *st = malloc(cap * sizeof *st);
    if (!st) return -1;
    st[sp++] = (frame){root, 0};
    while (sp) {
        frame f = st[--sp];
        const zk_expr_node *n = &cs->nodes[f.node];
        if (sp + 2 > cap) {
            frame *q = realloc(st, 2 * cap * sizeof *st);
            if (!q) {
                free(st);
                return -1;
            }
            st = q;
            cap *= 2;
        }
        switch (n->op) {
        case ZK_EXPR_CONSTANT:
            sb_str_(b, "Constant(");
            sb_fp_(b, &cs->consts[n->a]);
            sb_str_(b, ")");
            break;
        case ZK_EXPR_SELECTOR:
            sb_fmt_(b, "Selector(Selector(%u, %s))", n->a,
                    cs->selector_simple && cs->selector_simple[n->a] ? "true" : "false");
            break;
        case ZK_EXPR_FIXED:
        case ZK_EXPR_ADVICE:
        case ZK_EXPR_INSTANCE: {
            const zk_query *q = n->op == ZK_EXPR_FIXED    ? &cs->fixed_queries[n->a]
                                : n->op == ZK_EXPR_ADVICE ? &cs->advice_queries[n->a]
                                                          : &cs->instance_queries[n->a];
            const char *name = n->op == ZK_EXPR_FIXED ? "Fixed" : n->op == ZK_EXPR_ADVICE ? "Advice" : "Instance";
            sb_fmt_(b, "%s { query_index: %u, column_index: %u, rotation: Rotation(%d) }", name, n->a, q->column,
                    (int)q->rotation);
            break;
        }
        case ZK_EXPR_NEGATED:
            if (f.state == 0) {
                sb_str_(b, "Negated(");
                st[sp++] = (frame){f.node, 1};
                st[sp++] = (frame){n->a, 0};
            } else {
                sb_str_(b, ")");
            }
            break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT:
            if (f.state == 0) {
                sb_str_(b, n->op == ZK_EXPR_SUM ? "Sum(" : "Product(");
                st[sp++] = (frame){f.node, 1};
                st[sp++] = (frame){n->a, 0};
            } else if (f.state == 1) {
                sb_str_(b, ", ");
                st[sp++] = (frame){f.node, 2};
                st[sp++] = (frame){n->b, 0};
            } else {
                sb_str_(b, ")");
            }
            break;
        case ZK_EXPR_SCALED:
            if (f.state == 0) {
                sb_str_(b, "Scaled(");
                st[sp++] = (frame){f.node, 1};
                st[sp++] = (frame){n->a, 0};
            } else {
                sb_str_(b, ", ");
                sb_fp_(b, &cs->consts[n->b]);
                sb_str_(b, ")");
            }
            break;
        default: free(st); return -1;
        }
    }
    free(st);
    return 0;
}

static void sb_queries_(sbuf *b, const char *label, const zk_query *q, uint32_t n, uint32_t kind) {
    sb_fmt_(b, "%s: [", label);
    for (uint32_t i = 0; i < n; i++) {
        if (i) sb_str_(b, ", ");
        sb_str_(b, "(");
        sb_column_(b, kind, q[i].column);
        sb_fmt_(b, ", Rotation(%d))", (int)q[i].rotation);
    }
    sb_str_(b, "]");
}

static void sb_points_(sbuf *b, const zk_vesta_affine *p, size_t n) {
    sb_str_(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i) sb_str_(b, ", ");
        if (zk_vesta_affine_is_identity(&p[i])) {
            sb_str_(b, "Infinity");
            continue;
        }
        char hx[67], hy[67];
        zk_fq_debug_hex(hx, &p[i].x);
        zk_fq_debug_hex(hy, &p[i].y);
        sb_fmt_(b, "(%s, %s)", hx, hy);
    }
    sb_str_(b, "]");
}

zk_status zk_pinned_vk_string(const zk_cs *cs, uint32_t k, const zk_vesta_affine *fixed_commitments,
                              size_t num_fixed_commitments, const zk_vesta_affine *perm_commitments,
                              size_t num_perm_commitments, char **out, size_t *out_len, zk_error *err) {
    *out = NULL;
    if (out_len) *out_len = 0;
    zk_status st = zk_cs_validate(cs, err);
    if (st) return st;
    if (num_fixed_commitments != cs->num_fixed)
        return zk_fail(err, ZK_ERR_SHAPE, "pinned VK: %zu fixed commitments for %u fixed columns",
                       num_fixed_commitments, cs->num_fixed);
    if (num_perm_commitments != cs->num_perm_columns)
        return zk_fail(err, ZK_ERR_SHAPE, "pinned VK: %zu permutation commitments for %u permutation columns",
                       num_perm_commitments, cs->num_perm_columns);
    if ((num_fixed_commitments && !fixed_commitments) || (num_perm_commitments && !perm_commitments))
        return zk_fail(err, ZK_ERR_INVALID_ARG, "pinned VK: commitments missing");
    zk_plonk_domain d;
    st = zk_plonk_domain_init(&d, zk_cs_degree(cs), k, err);
    if (st) return st;

    sbuf b = {0};
    char h[67];
    sb_str_(&b, "PinnedVerificationKey { base_modulus: \"");
    modulus_hex_(h, 1);
    sb_str_(&b, h);
    sb_str_(&b, "\", scalar_modulus: \"");
    modulus_hex_(h, 0);
    sb_str_(&b, h);
    sb_fmt_(&b, "\", domain: PinnedEvaluationDomain { k: %u, extended_k: %u, omega: ", d.k, d.extended_k);
    sb_fp_(&b, &d.omega);
    sb_fmt_(&b,
            " }, cs: PinnedConstraintSystem { num_fixed_columns: %u, num_advice_columns: %u, "
            "num_instance_columns: %u, num_selectors: %u, gates: [",
            cs->num_fixed, cs->num_advice, cs->num_instance, cs->num_selectors);
    int bad = 0;
    for (uint32_t i = 0; i < cs->num_polys && !bad; i++) {
        if (i) sb_str_(&b, ", ");
        bad = sb_expr_(&b, cs, cs->polys[i].expr);
    }
    sb_str_(&b, "], ");
    sb_queries_(&b, "advice_queries", cs->advice_queries, cs->num_advice_queries, ZK_COL_ADVICE);
    sb_str_(&b, ", ");
    sb_queries_(&b, "instance_queries", cs->instance_queries, cs->num_instance_queries, ZK_COL_INSTANCE);
    sb_str_(&b, ", ");
    sb_queries_(&b, "fixed_queries", cs->fixed_queries, cs->num_fixed_queries, ZK_COL_FIXED);
    sb_str_(&b, ", permutation: Argument { columns: [");
    for (uint32_t i = 0; i < cs->num_perm_columns; i++) {
        if (i) sb_str_(&b, ", ");
        sb_column_(&b, cs->perm_columns[i].kind, cs->perm_columns[i].index);
    }
    sb_str_(&b, "] }, lookups: [");
    for (uint32_t l = 0; l < cs->num_lookups && !bad; l++) {
        const zk_lookup *lk = &cs->lookups[l];
        if (l) sb_str_(&b, ", ");
        sb_str_(&b, "Argument { input_expressions: [");
        for (uint32_t j = 0; j < lk->count && !bad; j++) {
            if (j) sb_str_(&b, ", ");
            bad = sb_expr_(&b, cs, cs->lookup_inputs[lk->first + j]);
        }
        sb_str_(&b, "], table_expressions: [");
        for (uint32_t j = 0; j < lk->count && !bad; j++) {
            if (j) sb_str_(&b, ", ");
            bad = sb_expr_(&b, cs, cs->lookup_tables[lk->first + j]);
        }
        sb_str_(&b, "] }");
    }
    sb_str_(&b, "], constants: [");
    for (uint32_t i = 0; i < cs->num_constants; i++) {
        if (i) sb_str_(&b, ", ");
        sb_column_(&b, ZK_COL_FIXED, cs->constants[i]);
    }
    sb_str_(&b, "], minimum_degree: ");
    if (cs->minimum_degree)
        sb_fmt_(&b, "Some(%u)", cs->minimum_degree);
    else
        sb_str_(&b, "None");
    sb_str_(&b, " }, fixed_commitments: ");
    sb_points_(&b, fixed_commitments, num_fixed_commitments);
    sb_str_(&b, ", permutation: VerifyingKey { commitments: ");
    sb_points_(&b, perm_commitments, num_perm_commitments);
    sb_str_(&b, " } }");
    if (b.oom || bad || !b.s) {
        free(b.s);
        return zk_fail(err, ZK_ERR_NOMEM, "out of memory printing the pinned VK");
    }
    *out = b.s;
    if (out_len) *out_len = b.len;
    return ZK_OK;
}

zk_status zk_vk_transcript_repr(const char *pinned, size_t len, zk_fp *out, uint8_t digest64[64], zk_error *err) {
    if (!pinned || !out) return zk_fail(err, ZK_ERR_INVALID_ARG, "transcript_repr: NULL argument");
    static const uint8_t personal[16] = {'H', 'a', 'l', 'o', '2', '-', 'V', 'e',
                                         'r', 'i', 'f', 'y', '-', 'K', 'e', 'y'};
    uint8_t lenb[8], dig[64];
    uint64_t l = (uint64_t)len;
    for (int i = 0; i < 8; i++) lenb[i] = (uint8_t)(l >> (8 * i));
    zk_blake2b h;
    zk_blake2b_init_personal(&h, 64, personal);
    zk_blake2b_update(&h, lenb, 8);
    zk_blake2b_update(&h, pinned, len);
    zk_blake2b_final(&h, dig);
    zk_fp_from_uniform_bytes(out, dig);
    if (digest64) memcpy(digest64, dig, 64);
    return ZK_OK;
}
