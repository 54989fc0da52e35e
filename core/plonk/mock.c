#include "plonk/mock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values with poison ----
 * poison: depends on a blinding-row advice cell (value unknown);
 * taint:  depends on an unassigned cell or instance padding (which read as 0).
 * A known zero factor absorbs the other factor, as in halo2's Value::mul; a
 * tainted factor matters only while its cofactor is a known nonzero, so an
 * unassigned (off) selector never reports the cells it multiplies. */
typedef struct {
    zk_fp v;
    uint8_t poison, taint;
    uint8_t ckind; /* cause cell: column kind, index, row */
    uint32_t ccol, crow;
} mval;

/* A known zero: not poisoned (an unassigned cell reads as a known 0). */
static int zero_(const mval *a) { return !a->poison && zk_fp_is_zero(&a->v); }

static void cause_(mval *r, const mval *a, const mval *b) {
    const mval *c = a->poison ? a : b->poison ? b : a->taint ? a : b;
    r->ckind = c->ckind;
    r->ccol = c->ccol;
    r->crow = c->crow;
}

/* ---- the report ---- */

static int push_cell_(zk_mock_report *r, zk_column col, int32_t rot, size_t row, const zk_fp *v, uint8_t assigned) {
    if (r->num_cells == r->cap_cells) {
        size_t nc = r->cap_cells ? r->cap_cells * 2 : 64;
        zk_mock_cell *c = realloc(r->cells, nc * sizeof *c);
        if (!c) return -1;
        r->cells = c;
        r->cap_cells = nc;
    }
    zk_mock_cell *c = &r->cells[r->num_cells++];
    c->column = col;
    c->rotation = rot;
    c->row = (uint32_t)row;
    c->value = *v;
    c->assigned = assigned;
    return 0;
}

static int push_value_(zk_mock_report *r, const zk_fp *v) {
    if (r->num_values == r->cap_values) {
        size_t nc = r->cap_values ? r->cap_values * 2 : 64;
        zk_fp *c = realloc(r->values, nc * sizeof *c);
        if (!c) return -1;
        r->values = c;
        r->cap_values = nc;
    }
    r->values[r->num_values++] = *v;
    return 0;
}

/* Counts a failure; returns the slot to fill, or NULL if only counted (or OOM, *oom set). */
static zk_mock_failure *add_(zk_mock_report *r, size_t max, zk_mock_kind kind, int *oom) {
    r->total++;
    r->by_kind[kind]++;
    if (r->count >= max) return NULL;
    if (r->count == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 32;
        zk_mock_failure *f = realloc(r->failures, nc * sizeof *f);
        if (!f) {
            *oom = 1;
            return NULL;
        }
        r->failures = f;
        r->cap = nc;
    }
    zk_mock_failure *f = &r->failures[r->count++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->count = 1;
    f->first_cell = (uint32_t)r->num_cells;
    f->first_value = (uint32_t)r->num_values;
    return f;
}

void zk_mock_report_free(zk_mock_report *r) {
    if (!r) return;
    free(r->failures);
    free(r->cells);
    free(r->values);
    free(r);
}

/* ---- checking ---- */

typedef struct {
    const zk_cs *cs;
    const zk_assignment *a;
    zk_mock_report *r;
    size_t max;
    int oom;
    mval *vals;    /* [num_nodes] scratch */
} ctx;

static uint8_t cell_assigned_(const ctx *c, zk_column col, size_t row) {
    if (col.kind == ZK_COL_ADVICE && row >= c->a->usable) return 2;
    return (uint8_t)zk_asg_is_assigned(c->a, col, row);
}

static zk_fp *col_(const ctx *c, uint32_t kind, uint32_t idx) {
    zk_column col = {kind, idx};
    return zk_asg_column(c->a, col);
}

static size_t wrap_(size_t row, int32_t rot, size_t n) {
    int64_t r = ((int64_t)row + (int64_t)(rot % (int64_t)n) + (int64_t)n) % (int64_t)n;
    return (size_t)r;
}

/* Evaluates the listed nodes (ascending ids) at row into c->vals. */
static void eval_nodes_(ctx *c, const uint32_t *list, size_t len, size_t row) {
    const zk_cs *cs = c->cs;
    size_t n = c->a->n;
    for (size_t i = 0; i < len; i++) {
        uint32_t id = list[i];
        const zk_expr_node *nd = &cs->nodes[id];
        mval *o = &c->vals[id];
        o->poison = o->taint = 0;
        o->ckind = 0;
        o->ccol = o->crow = 0;
        switch (nd->op) {
        case ZK_EXPR_CONSTANT: o->v = cs->consts[nd->a]; break;
        case ZK_EXPR_FIXED:
        case ZK_EXPR_ADVICE:
        case ZK_EXPR_INSTANCE: {
            uint32_t kind = nd->op == ZK_EXPR_FIXED ? ZK_COL_FIXED : nd->op == ZK_EXPR_ADVICE ? ZK_COL_ADVICE : ZK_COL_INSTANCE;
            uint32_t nq;
            const zk_query *q = &zk_cs_queries(cs, (zk_col_kind)kind, &nq)[nd->a];
            size_t pos = wrap_(row, q->rotation, n);
            zk_column col = {kind, q->column};
            o->v = col_(c, kind, q->column)[pos];
            o->ckind = (uint8_t)kind;
            o->ccol = q->column;
            o->crow = (uint32_t)pos;
            uint8_t as = cell_assigned_(c, col, pos);
            if (as == 2)
                o->poison = 1;
            else if (as == 0)
                o->taint = 1;
            break;
        }
        case ZK_EXPR_NEGATED: {
            const mval *a = &c->vals[nd->a];
            zk_fp_neg(&o->v, &a->v);
            o->poison = a->poison;
            o->taint = a->taint;
            cause_(o, a, a);
            break;
        }
        case ZK_EXPR_SUM: {
            const mval *a = &c->vals[nd->a], *b = &c->vals[nd->b];
            zk_fp_add(&o->v, &a->v, &b->v);
            o->poison = a->poison | b->poison;
            o->taint = a->taint | b->taint;
            cause_(o, a, b);
            break;
        }
        case ZK_EXPR_PRODUCT: {
            const mval *a = &c->vals[nd->a], *b = &c->vals[nd->b];
            int az = zero_(a), bz = zero_(b);
            if (az || bz) {
                /* a known zero factor absorbs the other factor (halo2: 0 * Poison = 0);
                 * an unassigned zero factor still matters if the other is a known nonzero */
                zk_fp_zero(&o->v);
                if (az && !bz && a->taint && !b->poison) {
                    o->taint = 1;
                    cause_(o, a, a);
                } else if (bz && !az && b->taint && !a->poison) {
                    o->taint = 1;
                    cause_(o, b, b);
                }
                break;
            }
            zk_fp_mul(&o->v, &a->v, &b->v);
            o->poison = a->poison | b->poison;
            o->taint = a->taint | b->taint;
            cause_(o, a, b);
            break;
        }
        case ZK_EXPR_SCALED: {
            const mval *a = &c->vals[nd->a];
            if (zk_fp_is_zero(&cs->consts[nd->b])) {
                zk_fp_zero(&o->v);
                break;
            }
            zk_fp_mul(&o->v, &a->v, &cs->consts[nd->b]);
            o->poison = a->poison;
            o->taint = a->taint;
            cause_(o, a, a);
            break;
        }
        default: zk_fp_zero(&o->v); break;
        }
    }
}

/* Ascending list of the nodes reachable from roots. */
static uint32_t *reach_(const zk_cs *cs, const zk_expr *roots, size_t nroots, size_t *len) {
    uint8_t *mark = calloc(cs->num_nodes ? cs->num_nodes : 1, 1);
    uint32_t *stack = malloc(((size_t)cs->num_nodes + 1) * sizeof *stack);
    uint32_t *list = NULL;
    if (!mark || !stack) goto done;
    for (size_t r = 0; r < nroots; r++) {
        uint32_t sp = 0;
        if (!mark[roots[r]]) {
            mark[roots[r]] = 1;
            stack[sp++] = roots[r];
        }
        while (sp) {
            const zk_expr_node *nd = &cs->nodes[stack[--sp]];
            uint32_t kids[2], nk = 0;
            if (nd->op == ZK_EXPR_NEGATED || nd->op == ZK_EXPR_SCALED) kids[nk++] = nd->a;
            if (nd->op == ZK_EXPR_SUM || nd->op == ZK_EXPR_PRODUCT) {
                kids[nk++] = nd->a;
                kids[nk++] = nd->b;
            }
            for (uint32_t i = 0; i < nk; i++)
                if (!mark[kids[i]]) {
                    mark[kids[i]] = 1;
                    stack[sp++] = kids[i];
                }
        }
    }
    size_t cnt = 0;
    for (uint32_t i = 0; i < cs->num_nodes; i++) cnt += mark[i];
    list = malloc((cnt + 1) * sizeof *list);
    if (!list) goto done;
    cnt = 0;
    for (uint32_t i = 0; i < cs->num_nodes; i++)
        if (mark[i]) list[cnt++] = i;
    *len = cnt;
done:
    free(mark);
    free(stack);
    return list;
}

/* The distinct query leaves below root, in ascending node order, as cells at row. */
static int push_leaf_cells_(ctx *c, zk_expr root, size_t row) {
    size_t len;
    uint32_t *l = reach_(c->cs, &root, 1, &len);
    if (!l) return -1;
    /* dedupe by (op, query) */
    for (size_t i = 0; i < len; i++) {
        const zk_expr_node *nd = &c->cs->nodes[l[i]];
        if (nd->op != ZK_EXPR_FIXED && nd->op != ZK_EXPR_ADVICE && nd->op != ZK_EXPR_INSTANCE) continue;
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) {
            const zk_expr_node *o = &c->cs->nodes[l[j]];
            dup = o->op == nd->op && o->a == nd->a;
        }
        if (dup) continue;
        uint32_t kind = nd->op == ZK_EXPR_FIXED ? ZK_COL_FIXED : nd->op == ZK_EXPR_ADVICE ? ZK_COL_ADVICE : ZK_COL_INSTANCE;
        uint32_t nq;
        const zk_query *q = &zk_cs_queries(c->cs, (zk_col_kind)kind, &nq)[nd->a];
        size_t pos = wrap_(row, q->rotation, c->a->n);
        zk_column col = {kind, q->column};
        if (push_cell_(c->r, col, q->rotation, pos, &col_(c, kind, q->column)[pos], cell_assigned_(c, col, pos))) {
            free(l);
            return -1;
        }
    }
    free(l);
    return 0;
}

static void finish_cells_(ctx *c, zk_mock_failure *f) {
    f->num_cells = (uint32_t)(c->r->num_cells - f->first_cell);
    f->num_values = (uint32_t)(c->r->num_values - f->first_value);
}

static int cause_cell_(ctx *c, const mval *v) {
    zk_column col = {v->ckind, v->ccol};
    return push_cell_(c->r, col, 0, v->crow, &col_(c, v->ckind, v->ccol)[v->crow], cell_assigned_(c, col, v->crow));
}

static void check_outside_(ctx *c) {
    const zk_assignment *a = c->a;
    for (uint32_t col = 0; col < a->num_fixed; col++) {
        const zk_fp *v = zk_asg_fixed(a, col);
        for (size_t r = a->usable; r < a->n; r++) {
            if (zk_fp_is_zero(&v[r])) continue;
            zk_mock_failure *f = add_(c->r, c->max, ZK_MOCK_OUTSIDE_USABLE, &c->oom);
            if (!f) continue;
            f->row = (uint32_t)r;
            zk_column cc = {ZK_COL_FIXED, col};
            if (push_cell_(c->r, cc, 0, r, &v[r], 1)) c->oom = 1;
            finish_cells_(c, f);
        }
    }
    for (uint32_t col = 0; col < a->num_instance; col++) {
        const zk_fp *v = zk_asg_instance(a, col);
        size_t len = a->instance_len[col];
        zk_column cc = {ZK_COL_INSTANCE, col};
        if (len > a->usable) {
            zk_mock_failure *f = add_(c->r, c->max, ZK_MOCK_OUTSIDE_USABLE, &c->oom);
            if (f) {
                f->row = (uint32_t)len;
                f->flags = 0;
                if (push_cell_(c->r, cc, 0, len - 1, &v[len - 1], 1)) c->oom = 1;
                finish_cells_(c, f);
            }
        }
        for (size_t r = len; r < a->n; r++) {
            if (zk_fp_is_zero(&v[r])) continue;
            zk_mock_failure *f = add_(c->r, c->max, ZK_MOCK_OUTSIDE_USABLE, &c->oom);
            if (!f) continue;
            f->row = (uint32_t)r;
            if (push_cell_(c->r, cc, 0, r, &v[r], 0)) c->oom = 1;
            finish_cells_(c, f);
        }
    }
}

static zk_status check_gates_(ctx *c) {
    const zk_cs *cs = c->cs;
    if (cs->num_polys == 0) return ZK_OK;
    zk_expr *roots = malloc(cs->num_polys * sizeof *roots);
    uint32_t *poison_fail = malloc(cs->num_polys * sizeof *poison_fail); /* failure slot + 1, or 0 */
    if (!roots || !poison_fail) {
        free(roots);
        free(poison_fail);
        return ZK_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < cs->num_polys; i++) roots[i] = cs->polys[i].expr;
    memset(poison_fail, 0, cs->num_polys * sizeof *poison_fail);
    size_t len;
    uint32_t *list = reach_(cs, roots, cs->num_polys, &len);
    if (!list) {
        free(roots);
        free(poison_fail);
        return ZK_ERR_NOMEM;
    }
    uint8_t *poison_seen = calloc(cs->num_polys, 1);
    if (!poison_seen) c->oom = 1;
    for (size_t row = 0; row < c->a->n && !c->oom; row++) {
        eval_nodes_(c, list, len, row);
        for (uint32_t pi = 0; pi < cs->num_polys; pi++) {
            const mval *v = &c->vals[roots[pi]];
            const zk_poly *p = &cs->polys[pi];
            uint32_t local = pi - cs->gates[p->gate].first;
            if (v->poison) {
                if (poison_seen[pi]) {
                    /* one failure per polynomial, as halo2; count the rows */
                    if (poison_fail[pi]) c->r->failures[poison_fail[pi] - 1].count++;
                    continue;
                }
                poison_seen[pi] = 1;
                zk_mock_failure *f = add_(c->r, c->max, ZK_MOCK_CONSTRAINT_POISONED, &c->oom);
                if (!f) continue;
                poison_fail[pi] = (uint32_t)c->r->count;
                f->gate = p->gate;
                f->poly = local;
                f->row = (uint32_t)row;
                if (cause_cell_(c, v)) c->oom = 1;
                finish_cells_(c, f);
                continue;
            }
            if (!zk_fp_is_zero(&v->v)) {
                zk_mock_failure *f = add_(c->r, c->max, ZK_MOCK_CONSTRAINT_NOT_SATISFIED, &c->oom);
                if (f) {
                    f->gate = p->gate;
                    f->poly = local;
                    f->row = (uint32_t)row;
                    f->value = v->v;
                    if (push_leaf_cells_(c, p->expr, row)) c->oom = 1;
                    finish_cells_(c, f);
                }
            }
            if (v->taint) {
                zk_mock_kind k = v->ckind == ZK_COL_INSTANCE ? ZK_MOCK_INSTANCE_NOT_ASSIGNED : ZK_MOCK_CELL_NOT_ASSIGNED;
                zk_mock_failure *f = add_(c->r, c->max, k, &c->oom);
                if (f) {
                    f->gate = p->gate;
                    f->poly = local;
                    f->row = (uint32_t)row;
                    if (cause_cell_(c, v)) c->oom = 1;
                    finish_cells_(c, f);
                }
            }
        }
    }
    free(poison_seen);
    free(list);
    free(roots);
    free(poison_fail);
    return c->oom ? ZK_ERR_NOMEM : ZK_OK;
}

/* ---- lookups: a hash set of table tuples ---- */

/* FNV-1a over the limbs (values are fully reduced, so equal tuples hash equal) */
static uint64_t tuple_hash_(const zk_fp *t, size_t m) {
    uint64_t h = 0xcbf29ce484222325ULL;
    const unsigned char *p = (const unsigned char *)t;
    for (size_t b = 0; b < m * sizeof(zk_fp); b++) h = (h ^ p[b]) * 0x100000001B3ULL;
    return h;
}

static zk_status check_lookups_(ctx *c) {
    const zk_cs *cs = c->cs;
    const zk_assignment *a = c->a;
    size_t usable = a->usable;
    for (uint32_t li = 0; li < cs->num_lookups && !c->oom; li++) {
        const zk_lookup *lk = &cs->lookups[li];
        size_t m = lk->count;
        const zk_expr *in = cs->lookup_inputs + lk->first, *tb = cs->lookup_tables + lk->first;
        zk_expr *roots = malloc(2 * m * sizeof *roots);
        zk_fp *tab = malloc(usable * m * sizeof *tab);      /* table tuples by row */
        uint8_t *tab_ok = malloc(usable);                   /* row not poisoned */
        size_t hcap = 16;
        while (hcap < 2 * usable) hcap *= 2;
        uint32_t *ht = malloc(hcap * sizeof *ht);
        zk_fp *tmp = malloc(m * sizeof *tmp); /* one input tuple */
        size_t len = 0;
        uint32_t *list = NULL;
        if (roots && tab && tab_ok && ht && tmp) {
            memcpy(roots, in, m * sizeof *roots);
            memcpy(roots + m, tb, m * sizeof *roots);
            list = reach_(cs, roots, 2 * m, &len);
        }
        if (!list) {
            free(roots);
            free(tab);
            free(tab_ok);
            free(ht);
            free(tmp);
            return ZK_ERR_NOMEM;
        }
        memset(ht, 0xff, hcap * sizeof *ht);
        /* tables on every usable row */
        for (size_t row = 0; row < usable; row++) {
            eval_nodes_(c, list, len, row);
            tab_ok[row] = 1;
            for (size_t j = 0; j < m; j++) {
                tab[row * m + j] = c->vals[tb[j]].v;
                if (c->vals[tb[j]].poison) tab_ok[row] = 0;
            }
        }
        const zk_fp *fill = &tab[(usable - 1) * m];
        for (size_t row = 0; row < usable; row++) {
            if (!tab_ok[row]) continue;
            uint64_t h = tuple_hash_(&tab[row * m], m);
            size_t s = (size_t)(h ^ (h >> 29)) & (hcap - 1);
            int dup = 0;
            while (ht[s] != UINT32_MAX) {
                if (!memcmp(&tab[(size_t)ht[s] * m], &tab[row * m], m * sizeof(zk_fp))) {
                    dup = 1;
                    break;
                }
                s = (s + 1) & (hcap - 1);
            }
            if (!dup) ht[s] = (uint32_t)row;
        }
        /* inputs */
        for (size_t row = 0; row < usable && !c->oom; row++) {
            eval_nodes_(c, list, len, row);
            int poisoned = 0;
            for (size_t j = 0; j < m; j++) {
                tmp[j] = c->vals[in[j]].v;
                poisoned |= c->vals[in[j]].poison;
            }
            int found = 0;
            if (!poisoned) {
                /* rows equal to the fill row are in the table by construction */
                found = !memcmp(tmp, fill, m * sizeof(zk_fp));
                if (!found) {
                    uint64_t h = tuple_hash_(tmp, m);
                    size_t s = (size_t)(h ^ (h >> 29)) & (hcap - 1);
                    while (ht[s] != UINT32_MAX && !found) {
                        found = !memcmp(&tab[(size_t)ht[s] * m], tmp, m * sizeof(zk_fp));
                        s = (s + 1) & (hcap - 1);
                    }
                }
            }
            if (found) continue;
            zk_mock_failure *f = add_(c->r, c->max, ZK_MOCK_LOOKUP, &c->oom);
            if (!f) continue;
            f->lookup = li;
            f->row = (uint32_t)row;
            f->flags = poisoned ? ZK_MOCK_F_POISONED : 0;
            for (size_t j = 0; j < m; j++)
                if (push_value_(c->r, &tmp[j])) c->oom = 1;
            for (size_t j = 0; j < m && !c->oom; j++)
                if (push_leaf_cells_(c, in[j], row)) c->oom = 1;
            finish_cells_(c, f);
        }
        free(list);
        free(roots);
        free(tab);
        free(tab_ok);
        free(ht);
        free(tmp);
    }
    return c->oom ? ZK_ERR_NOMEM : ZK_OK;
}

static void check_copies_(ctx *c) {
    const zk_cs *cs = c->cs;
    const zk_assignment *a = c->a;
    for (size_t i = 0; i < a->num_copies && !c->oom; i++) {
        const zk_copy *cp = &a->copies[i];
        zk_fp *lc = zk_asg_column(a, cp->left), *rc = zk_asg_column(a, cp->right);
        uint32_t flags = 0;
        if (!lc || !rc || zk_cs_perm_position(cs, cp->left) < 0 || zk_cs_perm_position(cs, cp->right) < 0)
            flags |= ZK_MOCK_F_NOT_IN_PERM;
        if (cp->left_row >= a->usable || cp->right_row >= a->usable) flags |= ZK_MOCK_F_ROW_RANGE;
        zk_fp zero;
        zk_fp_zero(&zero);
        const zk_fp *lv = lc && cp->left_row < a->n ? &lc[cp->left_row] : &zero;
        const zk_fp *rv = rc && cp->right_row < a->n ? &rc[cp->right_row] : &zero;
        uint8_t la = cp->left.kind == ZK_COL_INSTANCE ? 1 : (uint8_t)zk_asg_is_assigned(a, cp->left, cp->left_row);
        uint8_t ra = cp->right.kind == ZK_COL_INSTANCE ? 1 : (uint8_t)zk_asg_is_assigned(a, cp->right, cp->right_row);
        zk_mock_kind kind;
        if (flags) {
            kind = ZK_MOCK_COPY_INVALID;
        } else if (!zk_fp_eq(lv, rv)) {
            kind = ZK_MOCK_COPY;
        } else if (la != ra) {
            kind = ZK_MOCK_COPY;
            flags = ZK_MOCK_F_UNASSIGNED;
        } else {
            continue;
        }
        zk_mock_failure *f = add_(c->r, c->max, kind, &c->oom);
        if (!f) continue;
        f->copy = (uint32_t)i;
        f->flags = flags;
        if (push_cell_(c->r, cp->left, 0, cp->left_row, lv, la) || push_cell_(c->r, cp->right, 0, cp->right_row, rv, ra))
            c->oom = 1;
        finish_cells_(c, f);
    }
}

zk_status zk_mock_verify_var(const zk_cs *cs, const zk_assignment *asg, const zk_mock_options *opt,
                             zk_mock_report **out, zk_error *err) {
    *out = NULL;
    if (!cs || !asg) return zk_fail(err, ZK_ERR_INVALID_ARG, "mock: NULL argument");
    zk_status st = zk_cs_validate(cs, err);
    if (st) return st;
    if (asg->num_fixed != cs->num_fixed || asg->num_advice != cs->num_advice || asg->num_instance != cs->num_instance)
        return zk_fail(err, ZK_ERR_SHAPE,
                       "mock: the assignment has %u fixed / %u advice / %u instance columns, the circuit %u / %u / %u",
                       asg->num_fixed, asg->num_advice, asg->num_instance, cs->num_fixed, cs->num_advice,
                       cs->num_instance);
    if (asg->usable != zk_cs_usable_rows(cs, asg->k))
        return zk_fail(err, ZK_ERR_SHAPE, "mock: the assignment has %zu usable rows, the circuit needs %zu at k = %u",
                       asg->usable, zk_cs_usable_rows(cs, asg->k), asg->k);
    if (zk_cs_has_selectors(cs))
        return zk_fail(err, ZK_ERR_UNSUPPORTED, "mock: the circuit still has virtual selectors; use fixed columns");
    zk_mock_report *r = calloc(1, sizeof *r);
    mval *vals = malloc(((size_t)cs->num_nodes + 1) * sizeof *vals);
    if (!r || !vals) {
        free(r);
        free(vals);
        return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    }
    r->cs = cs;
    r->n = asg->n;
    r->usable = asg->usable;
    for (uint32_t i = 0; i < asg->num_instance; i++)
        if (asg->instance_len[i] > r->instance_len_max) r->instance_len_max = asg->instance_len[i];
    ctx c = {cs, asg, r, opt && opt->max_failures ? opt->max_failures : 1000, 0, vals};
    check_outside_(&c);
    if (!c.oom) st = check_gates_(&c);
    if (!st && !c.oom) st = check_lookups_(&c);
    if (!st && !c.oom) check_copies_(&c);
    free(vals);
    if (st || c.oom) {
        zk_mock_report_free(r);
        return zk_fail(err, ZK_ERR_NOMEM, "mock: out of memory");
    }
    *out = r;
    return ZK_OK;
}

/* ---- formatting ---- */

const char *zk_mock_kind_name(zk_mock_kind kind) {
    switch (kind) {
    case ZK_MOCK_CONSTRAINT_NOT_SATISFIED: return "constraint not satisfied";
    case ZK_MOCK_CONSTRAINT_POISONED: return "constraint poisoned";
    case ZK_MOCK_CELL_NOT_ASSIGNED: return "cell not assigned";
    case ZK_MOCK_INSTANCE_NOT_ASSIGNED: return "instance cell not assigned";
    case ZK_MOCK_LOOKUP: return "lookup input not in table";
    case ZK_MOCK_COPY: return "copy constraint not satisfied";
    case ZK_MOCK_COPY_INVALID: return "invalid copy constraint";
    case ZK_MOCK_OUTSIDE_USABLE: return "cell outside the usable rows";
    default: return "?";
    }
}

void zk_mock_format_value(char out[68], const zk_fp *v) {
    uint8_t b[32], nb[32];
    zk_fp neg;
    zk_fp_to_bytes(b, v);
    zk_fp_neg(&neg, v);
    zk_fp_to_bytes(nb, &neg);
    int small = 1, nsmall = 1;
    for (int i = 8; i < 32; i++) {
        small &= b[i] == 0;
        nsmall &= nb[i] == 0;
    }
    uint64_t x = 0, y = 0;
    for (int i = 7; i >= 0; i--) {
        x = x << 8 | b[i];
        y = y << 8 | nb[i];
    }
    if (small && x < (1ULL << 53)) {
        snprintf(out, 68, "%llu", (unsigned long long)x);
        return;
    }
    if (nsmall && y < (1ULL << 53)) {
        snprintf(out, 68, "-%llu", (unsigned long long)y);
        return;
    }
    static const char hx[] = "0123456789abcdef";
    int i = 31;
    while (i > 0 && b[i] == 0) i--;
    size_t k = 0;
    out[k++] = '0';
    out[k++] = 'x';
    int first = 1;
    for (; i >= 0; i--) {
        if (!(first && (b[i] >> 4) == 0)) out[k++] = hx[b[i] >> 4];
        out[k++] = hx[b[i] & 15];
        first = 0;
    }
    out[k] = 0;
}

typedef struct {
    char *buf;
    size_t len, need;
} fbuf;

static void fput_(fbuf *f, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void fput_(fbuf *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = f->need < f->len ? f->len - f->need : 0;
    int n = vsnprintf(room ? f->buf + f->need : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) f->need += (size_t)n;
}

static void fcol_(fbuf *f, const zk_cs *cs, zk_column col) {
    fput_(f, "%s[%u]", zk_col_kind_name((zk_col_kind)col.kind), col.index);
    const char *nm = zk_cs_column_name(cs, col);
    if (nm && *nm) fput_(f, " \"%s\"", nm);
}

static void fcell_(fbuf *f, const zk_cs *cs, const zk_mock_cell *c, int with_rot) {
    char v[68];
    fcol_(f, cs, c->column);
    if (with_rot) fput_(f, "@%d", (int)c->rotation);
    if (c->assigned == 2) {
        fput_(f, " (row %u, blinding)", c->row);
        return;
    }
    zk_mock_format_value(v, &c->value);
    fput_(f, " (row %u) = %s%s", c->row, v, c->assigned ? "" : " (unassigned)");
}

static void fgate_(fbuf *f, const zk_cs *cs, const zk_mock_failure *x) {
    const zk_gate *g = &cs->gates[x->gate];
    const zk_poly *p = &cs->polys[g->first + x->poly];
    fput_(f, "gate %u \"%s\" polynomial %u", x->gate, g->name, x->poly);
    if (p->name && *p->name) fput_(f, " (\"%s\")", p->name);
}

size_t zk_mock_failure_format(const zk_mock_report *r, size_t i, char *buf, size_t len) {
    fbuf f = {buf, len, 0};
    if (buf && len) buf[0] = 0;
    if (!r || i >= r->count) return 0;
    const zk_mock_failure *x = &r->failures[i];
    const zk_cs *cs = r->cs;
    const zk_mock_cell *cells = r->cells + x->first_cell;
    char v[68];
    switch (x->kind) {
    case ZK_MOCK_CONSTRAINT_NOT_SATISFIED:
        fput_(&f, "constraint not satisfied: ");
        fgate_(&f, cs, x);
        zk_mock_format_value(v, &x->value);
        fput_(&f, " at row %u evaluates to %s; cells:", x->row, v);
        for (uint32_t j = 0; j < x->num_cells; j++) {
            fput_(&f, j ? ", " : " ");
            fcell_(&f, cs, &cells[j], 1);
        }
        break;
    case ZK_MOCK_CONSTRAINT_POISONED:
        fput_(&f, "constraint poisoned: ");
        fgate_(&f, cs, x);
        fput_(&f, " at row %u reads ", x->row);
        if (x->num_cells) fcol_(&f, cs, cells[0].column);
        fput_(&f, " row %u, a blinding row (usable rows are 0..%zu)", x->num_cells ? cells[0].row : 0, r->usable - 1);
        if (x->count > 1) fput_(&f, "; on %u rows in all", x->count);
        break;
    case ZK_MOCK_CELL_NOT_ASSIGNED:
    case ZK_MOCK_INSTANCE_NOT_ASSIGNED:
        fput_(&f, "%s: ", zk_mock_kind_name(x->kind));
        fgate_(&f, cs, x);
        fput_(&f, " at row %u depends on ", x->row);
        if (x->num_cells) {
            fcol_(&f, cs, cells[0].column);
            fput_(&f, " row %u", cells[0].row);
        }
        if (x->kind == ZK_MOCK_CELL_NOT_ASSIGNED)
            fput_(&f, ", which was never assigned");
        else
            fput_(&f, ", beyond the instance values given");
        break;
    case ZK_MOCK_LOOKUP: {
        const zk_lookup *lk = &cs->lookups[x->lookup];
        fput_(&f, "lookup %u", x->lookup);
        if (lk->name && *lk->name) fput_(&f, " \"%s\"", lk->name);
        if (x->flags & ZK_MOCK_F_POISONED) {
            fput_(&f, ": input at row %u reads a blinding row; cells:", x->row);
        } else {
            fput_(&f, ": input at row %u is not in the table: (", x->row);
            for (uint32_t j = 0; j < x->num_values; j++) {
                zk_mock_format_value(v, &r->values[x->first_value + j]);
                fput_(&f, "%s%s", j ? ", " : "", v);
            }
            fput_(&f, "); cells:");
        }
        for (uint32_t j = 0; j < x->num_cells; j++) {
            fput_(&f, j ? ", " : " ");
            fcell_(&f, cs, &cells[j], 1);
        }
        break;
    }
    case ZK_MOCK_COPY:
    case ZK_MOCK_COPY_INVALID:
        fput_(&f, "%s: copy #%u ", zk_mock_kind_name(x->kind), x->copy);
        if (x->num_cells == 2) {
            fcell_(&f, cs, &cells[0], 0);
            fput_(&f, (x->flags & (ZK_MOCK_F_NOT_IN_PERM | ZK_MOCK_F_ROW_RANGE)) ? " = " : " != ");
            fcell_(&f, cs, &cells[1], 0);
        }
        if (x->flags & ZK_MOCK_F_UNASSIGNED) fput_(&f, ": one side was never assigned");
        if (x->flags & ZK_MOCK_F_NOT_IN_PERM) fput_(&f, ": a column is not in the permutation (enable equality on it)");
        if (x->flags & ZK_MOCK_F_ROW_RANGE) fput_(&f, ": a row is outside the usable rows 0..%zu", r->usable - 1);
        break;
    case ZK_MOCK_OUTSIDE_USABLE:
        fput_(&f, "cell outside the usable rows: ");
        if (x->num_cells) {
            if (cells[0].column.kind == ZK_COL_INSTANCE && x->row > cells[0].row) {
                fcol_(&f, cs, cells[0].column);
                fput_(&f, " has %u values but only %zu rows are usable", x->row, r->usable);
            } else {
                fcell_(&f, cs, &cells[0], 0);
                if (cells[0].column.kind == ZK_COL_INSTANCE)
                    fput_(&f, " is instance padding and must be 0");
                else
                    fput_(&f, " is nonzero in a row keygen cannot assign (usable rows are 0..%zu)", r->usable - 1);
            }
        }
        break;
    default: fput_(&f, "unknown failure"); break;
    }
    return f.need;
}

char *zk_mock_report_summary(const zk_mock_report *r, size_t max_lines) {
    if (!r) return NULL;
    size_t cap = 1024, len = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    s[0] = 0;
#define APPEND_(...)                                                                                                   \
    do {                                                                                                               \
        for (;;) {                                                                                                     \
            int n_ = snprintf(s + len, cap - len, __VA_ARGS__);                                                        \
            if (n_ < 0) break;                                                                                         \
            if ((size_t)n_ < cap - len) {                                                                              \
                len += (size_t)n_;                                                                                     \
                break;                                                                                                 \
            }                                                                                                          \
            char *t_ = realloc(s, cap * 2 + (size_t)n_);                                                               \
            if (!t_) {                                                                                                 \
                free(s);                                                                                               \
                return NULL;                                                                                           \
            }                                                                                                          \
            s = t_;                                                                                                    \
            cap = cap * 2 + (size_t)n_;                                                                                \
        }                                                                                                              \
    } while (0)
    if (r->total == 0) {
        APPEND_("MockProver: all constraints satisfied (%zu rows, %zu usable)\n", r->n, r->usable);
        return s;
    }
    APPEND_("MockProver: %zu failure%s (%zu rows, %zu usable):", r->total, r->total == 1 ? "" : "s", r->n, r->usable);
    int first = 1;
    for (int k = 0; k < ZK_MOCK_KIND_COUNT; k++) {
        if (!r->by_kind[k]) continue;
        APPEND_("%s %zu %s", first ? "" : ",", r->by_kind[k], zk_mock_kind_name((zk_mock_kind)k));
        first = 0;
    }
    APPEND_("\n");
    size_t lines = max_lines && max_lines < r->count ? max_lines : r->count;
    for (size_t i = 0; i < lines; i++) {
        size_t need = zk_mock_failure_format(r, i, NULL, 0);
        char *line = malloc(need + 1);
        if (!line) {
            free(s);
            return NULL;
        }
        zk_mock_failure_format(r, i, line, need + 1);
        APPEND_("  %s\n", line);
        free(line);
    }
    if (r->total > lines) APPEND_("  ... and %zu more\n", r->total - lines);
#undef APPEND_
    return s;
}
