#include "plonk/cs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grows *p (elements of size elem, capacity *cap) to hold at least need. */
static int grow_(void **p, uint32_t *cap, uint64_t need, size_t elem) {
    if (need <= *cap) return 0;
    if (need > UINT32_MAX - 1) return -1;
    uint64_t nc = *cap ? (uint64_t)*cap * 2 : 8;
    while (nc < need) nc *= 2;
    if (nc > UINT32_MAX - 1) nc = UINT32_MAX - 1;
    if (nc * elem / elem != nc || nc * elem > SIZE_MAX) return -1;
    void *q = realloc(*p, (size_t)(nc * elem));
    if (!q) return -1;
    *p = q;
    *cap = (uint32_t)nc;
    return 0;
}
#define GROW(ptr, cap, need) grow_((void **)&(ptr), &(cap), (need), sizeof *(ptr))

static char *dup_(const char *s) {
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Records the first builder error; returns code. */
static zk_status stick_(zk_cs *cs, zk_status code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static zk_status stick_(zk_cs *cs, zk_status code, const char *fmt, ...) {
    if (cs->sticky == ZK_OK) {
        cs->sticky = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cs->sticky_msg, sizeof cs->sticky_msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

zk_cs *zk_cs_new(void) { return calloc(1, sizeof(zk_cs)); }

void zk_cs_free(zk_cs *cs) {
    if (!cs) return;
    free(cs->selector_simple);
    free(cs->selector_map);
    free(cs->nodes);
    free(cs->consts);
    free(cs->advice_queries);
    free(cs->fixed_queries);
    free(cs->instance_queries);
    for (uint32_t i = 0; i < cs->num_gates; i++) free(cs->gates[i].name);
    free(cs->gates);
    for (uint32_t i = 0; i < cs->num_polys; i++) free(cs->polys[i].name);
    free(cs->polys);
    for (uint32_t i = 0; i < cs->num_lookups; i++) free(cs->lookups[i].name);
    free(cs->lookups);
    free(cs->lookup_inputs);
    free(cs->lookup_tables);
    free(cs->perm_columns);
    free(cs->constants);
    for (int k = 0; k < 3; k++) {
        if (!cs->column_names[k]) continue;
        for (uint32_t i = 0; i < cs->column_names_cap[k]; i++) free(cs->column_names[k][i]);
        free(cs->column_names[k]);
    }
    free(cs);
}

zk_status zk_cs_status(const zk_cs *cs, zk_error *err) {
    if (!cs) return zk_fail(err, ZK_ERR_INVALID_ARG, "constraint system is NULL");
    if (cs->sticky != ZK_OK) return zk_fail(err, cs->sticky, "%s", cs->sticky_msg);
    return ZK_OK;
}

const char *zk_col_kind_name(zk_col_kind kind) {
    switch (kind) {
    case ZK_COL_ADVICE: return "advice";
    case ZK_COL_FIXED: return "fixed";
    case ZK_COL_INSTANCE: return "instance";
    }
    return "?";
}

static uint32_t num_columns_(const zk_cs *cs, uint32_t kind) {
    switch (kind) {
    case ZK_COL_ADVICE: return cs->num_advice;
    case ZK_COL_FIXED: return cs->num_fixed;
    case ZK_COL_INSTANCE: return cs->num_instance;
    }
    return 0;
}

/* ---- columns ---- */

zk_column zk_cs_advice_column(zk_cs *cs) {
    zk_column c = {ZK_COL_ADVICE, cs->num_advice++};
    return c;
}
zk_column zk_cs_fixed_column(zk_cs *cs) {
    zk_column c = {ZK_COL_FIXED, cs->num_fixed++};
    return c;
}
zk_column zk_cs_instance_column(zk_cs *cs) {
    zk_column c = {ZK_COL_INSTANCE, cs->num_instance++};
    return c;
}

zk_status zk_cs_set_column_name(zk_cs *cs, zk_column col, const char *name) {
    if (col.kind > ZK_COL_INSTANCE || col.index >= num_columns_(cs, col.kind))
        return stick_(cs, ZK_ERR_INVALID_ARG, "set_column_name: no %s column %u",
                      zk_col_kind_name((zk_col_kind)col.kind), col.index);
    uint32_t old = cs->column_names_cap[col.kind];
    if (col.index >= old) {
        uint32_t cap = old;
        if (GROW(cs->column_names[col.kind], cap, (uint64_t)col.index + 1))
            return stick_(cs, ZK_ERR_NOMEM, "out of memory");
        memset(cs->column_names[col.kind] + old, 0, (cap - old) * sizeof(char *));
        cs->column_names_cap[col.kind] = cap;
    }
    char *d = dup_(name);
    if (!d) return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    free(cs->column_names[col.kind][col.index]);
    cs->column_names[col.kind][col.index] = d;
    return ZK_OK;
}

const char *zk_cs_column_name(const zk_cs *cs, zk_column col) {
    if (col.kind > ZK_COL_INSTANCE || col.index >= cs->column_names_cap[col.kind]) return NULL;
    return cs->column_names[col.kind][col.index];
}

uint32_t zk_cs_selector(zk_cs *cs, int simple) {
    uint32_t cap = cs->num_selectors; /* arrays are sized exactly */
    uint8_t *s = realloc(cs->selector_simple, (size_t)cap + 1);
    if (!s) {
        stick_(cs, ZK_ERR_NOMEM, "out of memory");
        return cs->num_selectors;
    }
    cs->selector_simple = s;
    s[cs->num_selectors] = simple ? 1 : 0;
    return cs->num_selectors++;
}

/* ---- queries ---- */

static zk_query **qlist_(zk_cs *cs, uint32_t kind, uint32_t **num, uint32_t **cap) {
    switch (kind) {
    case ZK_COL_ADVICE: *num = &cs->num_advice_queries; *cap = &cs->cap_advice_queries; return &cs->advice_queries;
    case ZK_COL_FIXED: *num = &cs->num_fixed_queries; *cap = &cs->cap_fixed_queries; return &cs->fixed_queries;
    default: *num = &cs->num_instance_queries; *cap = &cs->cap_instance_queries; return &cs->instance_queries;
    }
}

const zk_query *zk_cs_queries(const zk_cs *cs, zk_col_kind kind, uint32_t *count) {
    uint32_t *num, *cap;
    zk_query **l = qlist_((zk_cs *)cs, kind, &num, &cap);
    if (count) *count = *num;
    return *l;
}

int64_t zk_cs_find_query(const zk_cs *cs, zk_column col, int32_t rotation) {
    if (col.kind > ZK_COL_INSTANCE) return -1;
    uint32_t n;
    const zk_query *q = zk_cs_queries(cs, (zk_col_kind)col.kind, &n);
    for (uint32_t i = 0; i < n; i++)
        if (q[i].column == col.index && q[i].rotation == rotation) return i;
    return -1;
}

zk_status zk_cs_add_query(zk_cs *cs, zk_column col, int32_t rotation, uint32_t *index) {
    if (col.kind > ZK_COL_INSTANCE || col.index >= num_columns_(cs, col.kind))
        return stick_(cs, ZK_ERR_INVALID_ARG, "query of a nonexistent %s column %u",
                      col.kind <= ZK_COL_INSTANCE ? zk_col_kind_name((zk_col_kind)col.kind) : "?",
                      col.index);
    int64_t f = zk_cs_find_query(cs, col, rotation);
    if (f >= 0) {
        if (index) *index = (uint32_t)f;
        return ZK_OK;
    }
    uint32_t *num, *cap;
    zk_query **l = qlist_(cs, col.kind, &num, &cap);
    if (grow_((void **)l, cap, (uint64_t)*num + 1, sizeof(zk_query)))
        return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    (*l)[*num].column = col.index;
    (*l)[*num].rotation = rotation;
    if (index) *index = *num;
    (*num)++;
    return ZK_OK;
}

zk_status zk_cs_enable_equality(zk_cs *cs, zk_column col) {
    zk_status st = zk_cs_add_query(cs, col, 0, NULL);
    if (st) return st;
    if (zk_cs_perm_position(cs, col) >= 0) return ZK_OK;
    if (GROW(cs->perm_columns, cs->cap_perm_columns, (uint64_t)cs->num_perm_columns + 1))
        return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    cs->perm_columns[cs->num_perm_columns++] = col;
    return ZK_OK;
}

zk_status zk_cs_enable_constant(zk_cs *cs, uint32_t fixed_col) {
    if (fixed_col >= cs->num_fixed)
        return stick_(cs, ZK_ERR_INVALID_ARG, "enable_constant: no fixed column %u", fixed_col);
    for (uint32_t i = 0; i < cs->num_constants; i++)
        if (cs->constants[i] == fixed_col) return ZK_OK;
    if (GROW(cs->constants, cs->cap_constants, (uint64_t)cs->num_constants + 1))
        return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    cs->constants[cs->num_constants++] = fixed_col;
    zk_column c = {ZK_COL_FIXED, fixed_col};
    return zk_cs_enable_equality(cs, c);
}

void zk_cs_set_minimum_degree(zk_cs *cs, uint32_t degree) { cs->minimum_degree = degree; }

int64_t zk_cs_perm_position(const zk_cs *cs, zk_column col) {
    for (uint32_t i = 0; i < cs->num_perm_columns; i++)
        if (cs->perm_columns[i].kind == col.kind && cs->perm_columns[i].index == col.index) return i;
    return -1;
}

/* ---- expressions ---- */

static uint16_t sat16_(uint32_t d) { return d > 65535 ? 65535 : (uint16_t)d; }

static zk_expr node_(zk_cs *cs, uint8_t op, uint32_t a, uint32_t b, uint32_t degree) {
    if (cs->num_nodes >= UINT32_MAX - 1) {
        stick_(cs, ZK_ERR_RANGE, "too many expression nodes");
        return ZK_EXPR_NONE;
    }
    if (GROW(cs->nodes, cs->cap_nodes, (uint64_t)cs->num_nodes + 1)) {
        stick_(cs, ZK_ERR_NOMEM, "out of memory");
        return ZK_EXPR_NONE;
    }
    zk_expr_node *n = &cs->nodes[cs->num_nodes];
    n->op = op;
    n->pad_ = 0;
    n->degree = sat16_(degree);
    n->a = a;
    n->b = b;
    return cs->num_nodes++;
}

static uint32_t const_(zk_cs *cs, const zk_fp *c) {
    if (GROW(cs->consts, cs->cap_consts, (uint64_t)cs->num_consts + 1)) {
        stick_(cs, ZK_ERR_NOMEM, "out of memory");
        return UINT32_MAX;
    }
    cs->consts[cs->num_consts] = *c;
    return cs->num_consts++;
}

static int bad_(zk_cs *cs, zk_expr e) {
    if (e == ZK_EXPR_NONE) return 1;
    if (e >= cs->num_nodes) {
        stick_(cs, ZK_ERR_INVALID_ARG, "expression id %u does not exist", e);
        return 1;
    }
    return 0;
}

zk_expr zk_expr_query(zk_cs *cs, zk_column col, int32_t rotation) {
    uint32_t qi;
    if (zk_cs_add_query(cs, col, rotation, &qi)) return ZK_EXPR_NONE;
    uint8_t op = col.kind == ZK_COL_ADVICE ? ZK_EXPR_ADVICE : col.kind == ZK_COL_FIXED ? ZK_EXPR_FIXED : ZK_EXPR_INSTANCE;
    return node_(cs, op, qi, 0, 1);
}

zk_expr zk_expr_advice(zk_cs *cs, uint32_t col, int32_t rotation) {
    zk_column c = {ZK_COL_ADVICE, col};
    return zk_expr_query(cs, c, rotation);
}
zk_expr zk_expr_fixed(zk_cs *cs, uint32_t col, int32_t rotation) {
    zk_column c = {ZK_COL_FIXED, col};
    return zk_expr_query(cs, c, rotation);
}
zk_expr zk_expr_instance(zk_cs *cs, uint32_t col, int32_t rotation) {
    zk_column c = {ZK_COL_INSTANCE, col};
    return zk_expr_query(cs, c, rotation);
}

zk_expr zk_expr_query_index(zk_cs *cs, zk_col_kind kind, uint32_t query_index) {
    uint32_t n;
    if (kind > ZK_COL_INSTANCE) {
        stick_(cs, ZK_ERR_INVALID_ARG, "bad column kind %d", (int)kind);
        return ZK_EXPR_NONE;
    }
    zk_cs_queries(cs, kind, &n);
    if (query_index >= n) {
        stick_(cs, ZK_ERR_INVALID_ARG, "%s query index %u out of range (%u queries)",
               zk_col_kind_name(kind), query_index, n);
        return ZK_EXPR_NONE;
    }
    uint8_t op = kind == ZK_COL_ADVICE ? ZK_EXPR_ADVICE : kind == ZK_COL_FIXED ? ZK_EXPR_FIXED : ZK_EXPR_INSTANCE;
    return node_(cs, op, query_index, 0, 1);
}

zk_expr zk_expr_constant(zk_cs *cs, const zk_fp *c) {
    uint32_t i = const_(cs, c);
    if (i == UINT32_MAX) return ZK_EXPR_NONE;
    return node_(cs, ZK_EXPR_CONSTANT, i, 0, 0);
}

zk_expr zk_expr_u64(zk_cs *cs, uint64_t c) {
    zk_fp v;
    zk_fp_from_u64(&v, c);
    return zk_expr_constant(cs, &v);
}

zk_expr zk_expr_i64(zk_cs *cs, int64_t c) {
    zk_fp v;
    zk_fp_from_i64(&v, c);
    return zk_expr_constant(cs, &v);
}

zk_expr zk_expr_selector(zk_cs *cs, uint32_t selector) {
    if (selector >= cs->num_selectors) {
        stick_(cs, ZK_ERR_INVALID_ARG, "selector %u does not exist", selector);
        return ZK_EXPR_NONE;
    }
    return node_(cs, ZK_EXPR_SELECTOR, selector, 0, 1);
}

zk_expr zk_expr_neg(zk_cs *cs, zk_expr a) {
    if (bad_(cs, a)) return ZK_EXPR_NONE;
    return node_(cs, ZK_EXPR_NEGATED, a, 0, cs->nodes[a].degree);
}

zk_expr zk_expr_add(zk_cs *cs, zk_expr a, zk_expr b) {
    if (bad_(cs, a) || bad_(cs, b)) return ZK_EXPR_NONE;
    uint32_t da = cs->nodes[a].degree, db = cs->nodes[b].degree;
    return node_(cs, ZK_EXPR_SUM, a, b, da > db ? da : db);
}

zk_expr zk_expr_sub(zk_cs *cs, zk_expr a, zk_expr b) {
    return zk_expr_add(cs, a, zk_expr_neg(cs, b));
}

zk_expr zk_expr_mul(zk_cs *cs, zk_expr a, zk_expr b) {
    if (bad_(cs, a) || bad_(cs, b)) return ZK_EXPR_NONE;
    return node_(cs, ZK_EXPR_PRODUCT, a, b, (uint32_t)cs->nodes[a].degree + cs->nodes[b].degree);
}

zk_expr zk_expr_scale(zk_cs *cs, zk_expr a, const zk_fp *c) {
    if (bad_(cs, a)) return ZK_EXPR_NONE;
    uint32_t i = const_(cs, c);
    if (i == UINT32_MAX) return ZK_EXPR_NONE;
    return node_(cs, ZK_EXPR_SCALED, a, i, cs->nodes[a].degree);
}

uint32_t zk_expr_degree(const zk_cs *cs, zk_expr e) {
    if (e == ZK_EXPR_NONE || e >= cs->num_nodes) return 0;
    return cs->nodes[e].degree;
}

/* ---- gates, lookups ---- */

zk_status zk_cs_create_gate(zk_cs *cs, const char *name, size_t npolys, const zk_expr *polys,
                            const char *const *poly_names) {
    if (cs->sticky) return cs->sticky;
    if (npolys == 0)
        return stick_(cs, ZK_ERR_INVALID_ARG, "gate \"%s\" has no polynomials", name ? name : "");
    for (size_t i = 0; i < npolys; i++)
        if (bad_(cs, polys[i]))
            return stick_(cs, ZK_ERR_INVALID_ARG, "gate \"%s\" polynomial %zu is not a valid expression",
                          name ? name : "", i);
    if ((uint64_t)cs->num_polys + npolys > UINT32_MAX - 1)
        return stick_(cs, ZK_ERR_RANGE, "too many gate polynomials");
    if (GROW(cs->gates, cs->cap_gates, (uint64_t)cs->num_gates + 1) ||
        GROW(cs->polys, cs->cap_polys, (uint64_t)cs->num_polys + npolys))
        return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    zk_gate *g = &cs->gates[cs->num_gates];
    g->name = dup_(name);
    if (!g->name) return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    g->first = cs->num_polys;
    g->count = (uint32_t)npolys;
    for (size_t i = 0; i < npolys; i++) {
        zk_poly *p = &cs->polys[cs->num_polys + i];
        p->expr = polys[i];
        p->gate = cs->num_gates;
        p->name = dup_(poly_names ? poly_names[i] : NULL);
        if (!p->name) {
            for (size_t j = 0; j < i; j++) free(cs->polys[cs->num_polys + j].name);
            free(g->name);
            return stick_(cs, ZK_ERR_NOMEM, "out of memory");
        }
    }
    cs->num_polys += (uint32_t)npolys;
    cs->num_gates++;
    return ZK_OK;
}

zk_status zk_cs_add_lookup(zk_cs *cs, const char *name, size_t m, const zk_expr *inputs,
                           const zk_expr *tables) {
    if (cs->sticky) return cs->sticky;
    if (m == 0) return stick_(cs, ZK_ERR_INVALID_ARG, "lookup \"%s\" has no expressions", name ? name : "");
    for (size_t i = 0; i < m; i++)
        if (bad_(cs, inputs[i]) || bad_(cs, tables[i]))
            return stick_(cs, ZK_ERR_INVALID_ARG, "lookup \"%s\" expression %zu is not valid", name ? name : "", i);
    if ((uint64_t)cs->num_lookup_exprs + m > UINT32_MAX - 1)
        return stick_(cs, ZK_ERR_RANGE, "too many lookup expressions");
    uint32_t cap_in = cs->cap_lookup_exprs, cap_tb = cs->cap_lookup_exprs;
    if (GROW(cs->lookups, cs->cap_lookups, (uint64_t)cs->num_lookups + 1) ||
        GROW(cs->lookup_inputs, cap_in, (uint64_t)cs->num_lookup_exprs + m) ||
        GROW(cs->lookup_tables, cap_tb, (uint64_t)cs->num_lookup_exprs + m))
        return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    /* both arrays grow from the same capacity by the same rule, so cap_in == cap_tb */
    cs->cap_lookup_exprs = cap_in < cap_tb ? cap_in : cap_tb;
    zk_lookup *l = &cs->lookups[cs->num_lookups];
    l->name = dup_(name);
    if (!l->name) return stick_(cs, ZK_ERR_NOMEM, "out of memory");
    l->first = cs->num_lookup_exprs;
    l->count = (uint32_t)m;
    memcpy(cs->lookup_inputs + l->first, inputs, m * sizeof(zk_expr));
    memcpy(cs->lookup_tables + l->first, tables, m * sizeof(zk_expr));
    cs->num_lookup_exprs += (uint32_t)m;
    cs->num_lookups++;
    return ZK_OK;
}

/* ---- derived quantities ---- */

uint32_t zk_cs_degree(const zk_cs *cs) {
    uint32_t degree = 3; /* permutation argument: l_last * (z^2 - z) */
    uint32_t lk = 1;
    for (uint32_t i = 0; i < cs->num_lookups; i++) {
        const zk_lookup *l = &cs->lookups[i];
        uint32_t din = 1, dt = 1;
        for (uint32_t j = 0; j < l->count; j++) {
            uint32_t a = zk_expr_degree(cs, cs->lookup_inputs[l->first + j]);
            uint32_t b = zk_expr_degree(cs, cs->lookup_tables[l->first + j]);
            if (a > din) din = a;
            if (b > dt) dt = b;
        }
        uint32_t r = 2 + din + dt;
        if (r < 4) r = 4;
        if (r > lk) lk = r;
    }
    if (lk > degree) degree = lk;
    for (uint32_t i = 0; i < cs->num_polys; i++) {
        uint32_t d = zk_expr_degree(cs, cs->polys[i].expr);
        if (d > degree) degree = d;
    }
    uint32_t md = cs->minimum_degree ? cs->minimum_degree : 1;
    return degree > md ? degree : md;
}

uint32_t zk_cs_blinding_factors(const zk_cs *cs) {
    /* halo2 counts distinct advice queries per column; the list has no duplicates */
    uint32_t most = 1;
    if (cs->num_advice) {
        most = 0;
        for (uint32_t c = 0; c < cs->num_advice; c++) {
            uint32_t cnt = 0;
            for (uint32_t i = 0; i < cs->num_advice_queries; i++)
                if (cs->advice_queries[i].column == c) cnt++;
            if (cnt > most) most = cnt;
        }
    }
    uint32_t f = most > 3 ? most : 3;
    return f + 2;
}

uint32_t zk_cs_minimum_rows(const zk_cs *cs) { return zk_cs_blinding_factors(cs) + 3; }

size_t zk_cs_usable_rows(const zk_cs *cs, uint32_t k) {
    if (k >= sizeof(size_t) * 8 - 1) return 0;
    size_t n = (size_t)1 << k;
    if (n < zk_cs_minimum_rows(cs)) return 0;
    return n - (zk_cs_blinding_factors(cs) + 1);
}

uint32_t zk_cs_perm_chunk_size(const zk_cs *cs) { return zk_cs_degree(cs) - 2; }

uint32_t zk_cs_perm_num_sets(const zk_cs *cs) {
    uint32_t c = zk_cs_perm_chunk_size(cs);
    return (cs->num_perm_columns + c - 1) / c;
}

static int has_selector_(const zk_cs *cs, zk_expr root, uint8_t *seen) {
    /* iterative DFS over the DAG below root */
    uint32_t stack_cap = 64, sp = 0;
    uint32_t *stack = malloc(stack_cap * sizeof *stack);
    if (!stack) return 0;
    int found = 0;
    stack[sp++] = root;
    while (sp && !found) {
        uint32_t id = stack[--sp];
        if (seen[id]) continue;
        seen[id] = 1;
        const zk_expr_node *n = &cs->nodes[id];
        uint32_t kids[2], nk = 0;
        switch (n->op) {
        case ZK_EXPR_SELECTOR: found = 1; break;
        case ZK_EXPR_NEGATED:
        case ZK_EXPR_SCALED: kids[nk++] = n->a; break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT: kids[nk++] = n->a; kids[nk++] = n->b; break;
        default: break;
        }
        if (sp + 2 > stack_cap) {
            uint32_t *s2 = realloc(stack, 2 * stack_cap * sizeof *stack);
            if (!s2) break;
            stack = s2;
            stack_cap *= 2;
        }
        for (uint32_t i = 0; i < nk; i++) stack[sp++] = kids[i];
    }
    free(stack);
    return found;
}

int zk_cs_has_selectors(const zk_cs *cs) {
    int any = 0;
    for (uint32_t i = 0; i < cs->num_nodes; i++)
        if (cs->nodes[i].op == ZK_EXPR_SELECTOR) any = 1;
    if (!any) return 0;
    uint8_t *seen = calloc(cs->num_nodes, 1);
    if (!seen) return 1; /* conservative */
    int found = 0;
    for (uint32_t i = 0; i < cs->num_polys && !found; i++) found = has_selector_(cs, cs->polys[i].expr, seen);
    for (uint32_t i = 0; i < cs->num_lookup_exprs && !found; i++)
        found = has_selector_(cs, cs->lookup_inputs[i], seen) || has_selector_(cs, cs->lookup_tables[i], seen);
    free(seen);
    return found;
}

zk_status zk_cs_validate(const zk_cs *cs, zk_error *err) {
    if (!cs) return zk_fail(err, ZK_ERR_INVALID_ARG, "constraint system is NULL");
    if (cs->sticky) return zk_fail(err, cs->sticky, "%s", cs->sticky_msg);
    static const uint32_t kinds[3] = {ZK_COL_ADVICE, ZK_COL_FIXED, ZK_COL_INSTANCE};
    for (int k = 0; k < 3; k++) {
        uint32_t n;
        const zk_query *q = zk_cs_queries(cs, (zk_col_kind)kinds[k], &n);
        for (uint32_t i = 0; i < n; i++) {
            if (q[i].column >= num_columns_(cs, kinds[k]))
                return zk_fail(err, ZK_ERR_SHAPE, "%s query %u refers to column %u, but there are %u %s columns",
                               zk_col_kind_name((zk_col_kind)kinds[k]), i, q[i].column,
                               num_columns_(cs, kinds[k]), zk_col_kind_name((zk_col_kind)kinds[k]));
            for (uint32_t j = 0; j < i; j++)
                if (q[j].column == q[i].column && q[j].rotation == q[i].rotation)
                    return zk_fail(err, ZK_ERR_SHAPE, "%s queries %u and %u are the same",
                                   zk_col_kind_name((zk_col_kind)kinds[k]), j, i);
        }
    }
    for (uint32_t i = 0; i < cs->num_nodes; i++) {
        const zk_expr_node *n = &cs->nodes[i];
        int ok = 1;
        switch (n->op) {
        case ZK_EXPR_CONSTANT: ok = n->a < cs->num_consts; break;
        case ZK_EXPR_SELECTOR: ok = n->a < cs->num_selectors; break;
        case ZK_EXPR_FIXED: ok = n->a < cs->num_fixed_queries; break;
        case ZK_EXPR_ADVICE: ok = n->a < cs->num_advice_queries; break;
        case ZK_EXPR_INSTANCE: ok = n->a < cs->num_instance_queries; break;
        case ZK_EXPR_NEGATED: ok = n->a < i; break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT: ok = n->a < i && n->b < i; break;
        case ZK_EXPR_SCALED: ok = n->a < i && n->b < cs->num_consts; break;
        default: ok = 0;
        }
        if (!ok) return zk_fail(err, ZK_ERR_SHAPE, "expression node %u is malformed", i);
    }
    for (uint32_t g = 0; g < cs->num_gates; g++)
        if (cs->gates[g].count == 0)
            return zk_fail(err, ZK_ERR_SHAPE, "gate %u \"%s\" has no polynomials", g, cs->gates[g].name);
    for (uint32_t i = 0; i < cs->num_polys; i++)
        if (cs->polys[i].expr >= cs->num_nodes)
            return zk_fail(err, ZK_ERR_SHAPE, "gate polynomial %u has no expression", i);
    for (uint32_t l = 0; l < cs->num_lookups; l++) {
        if (cs->lookups[l].count == 0) return zk_fail(err, ZK_ERR_SHAPE, "lookup %u is empty", l);
        for (uint32_t j = 0; j < cs->lookups[l].count; j++) {
            uint32_t i = cs->lookups[l].first + j;
            if (cs->lookup_inputs[i] >= cs->num_nodes || cs->lookup_tables[i] >= cs->num_nodes)
                return zk_fail(err, ZK_ERR_SHAPE, "lookup %u expression %u is missing", l, j);
        }
    }
    for (uint32_t i = 0; i < cs->num_perm_columns; i++) {
        zk_column c = cs->perm_columns[i];
        if (c.kind > ZK_COL_INSTANCE || c.index >= num_columns_(cs, c.kind))
            return zk_fail(err, ZK_ERR_SHAPE, "permutation column %u does not exist", i);
        for (uint32_t j = 0; j < i; j++)
            if (cs->perm_columns[j].kind == c.kind && cs->perm_columns[j].index == c.index)
                return zk_fail(err, ZK_ERR_SHAPE, "permutation columns %u and %u are the same", j, i);
    }
    for (uint32_t i = 0; i < cs->num_constants; i++)
        if (cs->constants[i] >= cs->num_fixed)
            return zk_fail(err, ZK_ERR_SHAPE, "constants column %u is not a fixed column", cs->constants[i]);
    if (cs->selector_map)
        for (uint32_t i = 0; i < cs->num_selectors; i++)
            if (cs->selector_map[i] >= cs->num_fixed)
                return zk_fail(err, ZK_ERR_SHAPE, "selector %u maps to fixed column %u, which does not exist", i,
                               cs->selector_map[i]);
    return ZK_OK;
}
