#include "plonk/eval.h"

#include <stdlib.h>
#include <string.h>

#include "util/threads.h"

/* Rows per register block: big enough to amortize the dispatch, small enough
 * that a program's live registers stay in cache. */
#define ZK_PROG_BLOCK 64

typedef struct {
    uint8_t op;   /* zk_expr_op; leaves load, the rest combine registers */
    uint32_t dst; /* register written */
    uint32_t a;   /* CONSTANT: const index; queries: column; ops: register */
    uint32_t b;   /* queries: rotation (int32 bits); SUM/PRODUCT: register; SCALED: const index */
} prog_ins;

struct zk_expr_prog {
    prog_ins *ins;
    uint32_t num_ins, num_regs;
    uint32_t *root_reg;
    uint32_t num_roots;
    zk_fp *consts;
    uint32_t num_consts;
};

size_t zk_expr_prog_num_instructions(const zk_expr_prog *p) { return p ? p->num_ins : 0; }
size_t zk_expr_prog_num_registers(const zk_expr_prog *p) { return p ? p->num_regs : 0; }

void zk_expr_prog_free(zk_expr_prog *p) {
    if (!p) return;
    free(p->ins);
    free(p->root_reg);
    free(p->consts);
    free(p);
}

/* Value-numbering key of a node once its operands are numbered. */
typedef struct {
    uint8_t op;
    uint32_t a, b;
} vkey;

static uint64_t vhash_(const vkey *k) {
    uint64_t h = (uint64_t)k->op * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)k->a + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    h ^= (uint64_t)k->b + 0x85EBCA77C2B2AE63ULL + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 29);
}

/* Index of constant c in consts[0..*nc), appending it if new (values are
 * fully reduced, so equal values have equal limbs). */
static uint32_t const_index_(zk_fp *consts, uint32_t *nc, uint32_t *ctab, size_t ccap, const zk_fp *c) {
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < ZK_FIELD_LIMBS; i++) h = (h ^ (uint64_t)c->l[i]) * 0x100000001B3ULL;
    size_t s = (size_t)(h ^ (h >> 32)) & (ccap - 1);
    while (ctab[s] != UINT32_MAX) {
        if (memcmp(&consts[ctab[s]], c, sizeof *c) == 0) return ctab[s];
        s = (s + 1) & (ccap - 1);
    }
    consts[*nc] = *c;
    ctab[s] = *nc;
    return (*nc)++;
}

zk_status zk_expr_prog_new(zk_expr_prog **out, const zk_cs *cs, const zk_expr *roots, size_t nroots,
                           zk_error *err) {
    *out = NULL;
    if (!cs || (nroots && !roots)) return zk_fail(err, ZK_ERR_INVALID_ARG, "expr_prog_new: NULL argument");
    for (size_t i = 0; i < nroots; i++)
        if (roots[i] >= cs->num_nodes)
            return zk_fail(err, ZK_ERR_INVALID_ARG, "expr_prog_new: root %zu is not an expression", i);
    if (nroots > UINT32_MAX) return zk_fail(err, ZK_ERR_RANGE, "too many roots");

    zk_status st = ZK_OK;
    uint32_t nn = cs->num_nodes;
    uint8_t *reach = calloc(nn ? nn : 1, 1);
    uint32_t *stack = malloc(((size_t)nn + 1) * sizeof *stack);
    uint32_t *vn = malloc(((size_t)nn + 1) * sizeof *vn);       /* node -> instruction */
    prog_ins *ins = malloc(((size_t)nn + 1) * sizeof *ins);
    vkey *keys = malloc(((size_t)nn + 1) * sizeof *keys);
    size_t hcap = 16;
    while (hcap < 2 * (size_t)nn) hcap *= 2;
    uint32_t *htab = malloc(hcap * sizeof *htab);
    zk_fp *consts = malloc(((size_t)cs->num_consts + 1) * sizeof *consts);
    size_t ccap = 16;
    while (ccap < 2 * (size_t)cs->num_consts) ccap *= 2;
    uint32_t *ctab = malloc(ccap * sizeof *ctab); /* constant value -> index in consts */
    uint32_t *last_use = NULL, *free_regs = NULL, *root_reg = NULL;
    zk_expr_prog *p = NULL;
    if (!reach || !stack || !vn || !ins || !keys || !htab || !consts || !ctab) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    memset(htab, 0xff, hcap * sizeof *htab);
    memset(ctab, 0xff, ccap * sizeof *ctab);

    /* 1. nodes reachable from the roots (children have smaller ids) */
    for (size_t r = 0; r < nroots; r++) {
        uint32_t sp = 0;
        if (!reach[roots[r]]) {
            reach[roots[r]] = 1;
            stack[sp++] = roots[r];
        }
        while (sp) {
            const zk_expr_node *n = &cs->nodes[stack[--sp]];
            uint32_t kids[2], nk = 0;
            if (n->op == ZK_EXPR_SELECTOR) {
                st = zk_fail(err, ZK_ERR_UNSUPPORTED,
                             "expression %zu uses virtual selector %u; replace selectors by fixed columns first", r,
                             n->a);
                goto done;
            }
            if (n->op == ZK_EXPR_NEGATED || n->op == ZK_EXPR_SCALED) kids[nk++] = n->a;
            if (n->op == ZK_EXPR_SUM || n->op == ZK_EXPR_PRODUCT) {
                kids[nk++] = n->a;
                kids[nk++] = n->b;
            }
            for (uint32_t i = 0; i < nk; i++)
                if (!reach[kids[i]]) {
                    reach[kids[i]] = 1;
                    stack[sp++] = kids[i];
                }
        }
    }

    /* 2. value numbering in ascending id order: equal leaves and equal
     *    (op, operands) share one instruction */
    uint32_t ni = 0, nc = 0;
    for (uint32_t id = 0; id < nn; id++) {
        if (!reach[id]) continue;
        const zk_expr_node *n = &cs->nodes[id];
        vkey k = {n->op, 0, 0};
        switch (n->op) {
        case ZK_EXPR_CONSTANT: {
            k.a = const_index_(consts, &nc, ctab, ccap, &cs->consts[n->a]);
            break;
        }
        case ZK_EXPR_FIXED: k.a = cs->fixed_queries[n->a].column; k.b = (uint32_t)cs->fixed_queries[n->a].rotation; break;
        case ZK_EXPR_ADVICE: k.a = cs->advice_queries[n->a].column; k.b = (uint32_t)cs->advice_queries[n->a].rotation; break;
        case ZK_EXPR_INSTANCE:
            k.a = cs->instance_queries[n->a].column;
            k.b = (uint32_t)cs->instance_queries[n->a].rotation;
            break;
        case ZK_EXPR_NEGATED: k.a = vn[n->a]; break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT: {
            uint32_t x = vn[n->a], y = vn[n->b];
            k.a = x < y ? x : y; /* commutative */
            k.b = x < y ? y : x;
            break;
        }
        case ZK_EXPR_SCALED: {
            k.a = vn[n->a];
            k.b = const_index_(consts, &nc, ctab, ccap, &cs->consts[n->b]);
            break;
        }
        default: st = zk_fail(err, ZK_ERR_INVALID_ARG, "malformed expression node %u", id); goto done;
        }
        size_t h = (size_t)vhash_(&k) & (hcap - 1);
        uint32_t found = UINT32_MAX;
        while (htab[h] != UINT32_MAX) {
            const vkey *o = &keys[htab[h]];
            if (o->op == k.op && o->a == k.a && o->b == k.b) {
                found = htab[h];
                break;
            }
            h = (h + 1) & (hcap - 1);
        }
        if (found == UINT32_MAX) {
            keys[ni] = k;
            ins[ni].op = k.op;
            ins[ni].a = k.a;
            ins[ni].b = k.b;
            htab[h] = ni;
            found = ni++;
        }
        vn[id] = found;
    }

    /* 3. liveness: last instruction reading each value; roots live forever */
    last_use = malloc(((size_t)ni + 1) * sizeof *last_use);
    free_regs = malloc(((size_t)ni + 1) * sizeof *free_regs);
    root_reg = malloc((nroots + 1) * sizeof *root_reg);
    p = calloc(1, sizeof *p);
    if (!last_use || !free_regs || !root_reg || !p) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < ni; i++) last_use[i] = i;
    for (uint32_t i = 0; i < ni; i++) {
        switch (ins[i].op) {
        case ZK_EXPR_NEGATED:
        case ZK_EXPR_SCALED: last_use[ins[i].a] = i; break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT: last_use[ins[i].a] = i; last_use[ins[i].b] = i; break;
        default: break;
        }
    }
    for (size_t r = 0; r < nroots; r++) last_use[vn[roots[r]]] = UINT32_MAX;

    /* 4. register allocation: a value's register is released after its last
     *    reader, and the reader may write its result into it (ops are elementwise) */
    uint32_t nregs = 0, nfree = 0;
    uint32_t *reg_of = stack; /* reused: instruction -> register */
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t ops[2], no = 0;
        switch (ins[i].op) {
        case ZK_EXPR_NEGATED:
        case ZK_EXPR_SCALED: ops[no++] = ins[i].a; break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT: ops[no++] = ins[i].a; if (ins[i].b != ins[i].a) ops[no++] = ins[i].b; break;
        default: break;
        }
        /* translate operands to registers */
        if (no) {
            ins[i].a = reg_of[ins[i].a];
            if (ins[i].op == ZK_EXPR_SUM || ins[i].op == ZK_EXPR_PRODUCT) ins[i].b = reg_of[ins[i].b];
        }
        for (uint32_t j = 0; j < no; j++)
            if (last_use[ops[j]] == i) free_regs[nfree++] = reg_of[ops[j]];
        uint32_t r = nfree ? free_regs[--nfree] : nregs++;
        reg_of[i] = r;
        ins[i].dst = r;
    }
    for (size_t r = 0; r < nroots; r++) root_reg[r] = reg_of[vn[roots[r]]];

    p->ins = ins;
    p->num_ins = ni;
    p->num_regs = nregs;
    p->root_reg = root_reg;
    p->num_roots = (uint32_t)nroots;
    p->consts = consts;
    p->num_consts = nc;
    ins = NULL;
    root_reg = NULL;
    consts = NULL;
    *out = p;
    p = NULL;

done:
    free(reach);
    free(stack);
    free(vn);
    free(ins);
    free(keys);
    free(htab);
    free(consts);
    free(ctab);
    free(last_use);
    free(free_regs);
    free(root_reg);
    free(p);
    return st;
}

/* Evaluates positions [begin, begin+m), m <= ZK_PROG_BLOCK, into regs. */
static void eval_block_(const zk_expr_prog *p, const zk_colview *v, size_t begin, size_t m, zk_fp *regs) {
    for (uint32_t i = 0; i < p->num_ins; i++) {
        const prog_ins *in = &p->ins[i];
        zk_fp *d = regs + (size_t)in->dst * ZK_PROG_BLOCK;
        switch (in->op) {
        case ZK_EXPR_CONSTANT:
            for (size_t j = 0; j < m; j++) d[j] = p->consts[in->a];
            break;
        case ZK_EXPR_FIXED:
        case ZK_EXPR_ADVICE:
        case ZK_EXPR_INSTANCE: {
            const zk_fp *const *cols = in->op == ZK_EXPR_FIXED ? v->fixed : in->op == ZK_EXPR_ADVICE ? v->advice : v->instance;
            const zk_fp *col = cols[in->a];
            size_t pos = zk_colview_pos(v, begin, (int32_t)in->b);
            for (size_t j = 0; j < m; j++) {
                d[j] = col[pos];
                if (++pos == v->len) pos = 0;
            }
            break;
        }
        case ZK_EXPR_NEGATED: {
            const zk_fp *a = regs + (size_t)in->a * ZK_PROG_BLOCK;
            for (size_t j = 0; j < m; j++) zk_fp_neg(&d[j], &a[j]);
            break;
        }
        case ZK_EXPR_SUM: {
            const zk_fp *a = regs + (size_t)in->a * ZK_PROG_BLOCK, *b = regs + (size_t)in->b * ZK_PROG_BLOCK;
            for (size_t j = 0; j < m; j++) zk_fp_add(&d[j], &a[j], &b[j]);
            break;
        }
        case ZK_EXPR_PRODUCT: {
            const zk_fp *a = regs + (size_t)in->a * ZK_PROG_BLOCK, *b = regs + (size_t)in->b * ZK_PROG_BLOCK;
            for (size_t j = 0; j < m; j++) zk_fp_mul(&d[j], &a[j], &b[j]);
            break;
        }
        case ZK_EXPR_SCALED: {
            const zk_fp *a = regs + (size_t)in->a * ZK_PROG_BLOCK;
            const zk_fp c = p->consts[in->b];
            for (size_t j = 0; j < m; j++) zk_fp_mul(&d[j], &a[j], &c);
            break;
        }
        default: break;
        }
    }
}

typedef struct {
    const zk_expr_prog *p;
    const zk_colview *v;
    size_t begin, end;
    zk_fp *const *outs; /* per-root outputs, or NULL for the Horner fold */
    const zk_fp *y;     /* Horner: acc = acc * y + root */
    zk_fp *acc;
    zk_fp *scratch; /* per worker: num_regs * ZK_PROG_BLOCK */
} eval_ctx;

static void eval_range_(void *vctx, size_t b0, size_t b1, unsigned worker) {
    eval_ctx *c = vctx;
    zk_fp *regs = c->scratch + (size_t)worker * (c->p->num_regs ? c->p->num_regs : 1) * ZK_PROG_BLOCK;
    for (size_t blk = b0; blk < b1; blk++) {
        size_t s = c->begin + blk * ZK_PROG_BLOCK;
        size_t m = c->end - s < ZK_PROG_BLOCK ? c->end - s : ZK_PROG_BLOCK;
        eval_block_(c->p, c->v, s, m, regs);
        if (c->outs) {
            for (uint32_t r = 0; r < c->p->num_roots; r++)
                memcpy(c->outs[r] + (s - c->begin), regs + (size_t)c->p->root_reg[r] * ZK_PROG_BLOCK, m * sizeof(zk_fp));
            continue;
        }
        zk_fp *acc = c->acc + (s - c->begin);
        for (uint32_t r = 0; r < c->p->num_roots; r++) {
            const zk_fp *v = regs + (size_t)c->p->root_reg[r] * ZK_PROG_BLOCK;
            for (size_t j = 0; j < m; j++) {
                zk_fp_mul(&acc[j], &acc[j], c->y);
                zk_fp_add(&acc[j], &acc[j], &v[j]);
            }
        }
    }
}

static zk_status eval_(const zk_expr_prog *p, const zk_colview *v, size_t begin, size_t end, zk_fp *const *outs,
                       const zk_fp *y, zk_fp *acc, int par) {
    if (!p || !v || (p->num_roots && !outs && !acc) || (acc && !y) || end < begin || v->len == 0 ||
        v->rot_scale == 0)
        return ZK_ERR_INVALID_ARG;
    if (end == begin || p->num_roots == 0) return ZK_OK;
    /* worker ids range over the whole pool, so scratch has a slot per pool thread */
    unsigned workers = par ? zk_threads_count() : 1;
    size_t regs = p->num_regs ? p->num_regs : 1;
    size_t nblocks = (end - begin + ZK_PROG_BLOCK - 1) / ZK_PROG_BLOCK;
    zk_fp *scratch = malloc(regs * ZK_PROG_BLOCK * workers * sizeof(zk_fp));
    if (!scratch) return ZK_ERR_NOMEM;
    eval_ctx c = {p, v, begin, end, acc ? NULL : outs, y, acc, scratch};
    if (par)
        zk_parallel_for(nblocks, 4, eval_range_, &c);
    else
        eval_range_(&c, 0, nblocks, 0);
    free(scratch);
    return ZK_OK;
}

zk_status zk_expr_prog_eval(const zk_expr_prog *p, const zk_colview *v, size_t begin, size_t end,
                            zk_fp *const *outs) {
    return eval_(p, v, begin, end, outs, NULL, NULL, 0);
}

zk_status zk_expr_prog_eval_par(const zk_expr_prog *p, const zk_colview *v, size_t begin, size_t end,
                                zk_fp *const *outs) {
    return eval_(p, v, begin, end, outs, NULL, NULL, 1);
}

zk_status zk_expr_prog_eval_horner(const zk_expr_prog *p, const zk_colview *v, size_t begin, size_t end,
                                   const zk_fp *y, zk_fp *acc) {
    return eval_(p, v, begin, end, NULL, y, acc, 1);
}

zk_status zk_expr_eval_row(const zk_cs *cs, zk_expr e, const zk_colview *view, size_t row, zk_fp *out,
                           zk_error *err) {
    zk_expr_prog *p;
    zk_status st = zk_expr_prog_new(&p, cs, &e, 1, err);
    if (st) return st;
    zk_fp *outs[1] = {out};
    st = zk_expr_prog_eval(p, view, row, row + 1, outs);
    zk_expr_prog_free(p);
    if (st) return zk_fail(err, st, "expression evaluation failed");
    return ZK_OK;
}
