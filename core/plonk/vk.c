/* Verifying key: canonical binary encoding, decoding with validation, id and
 * transcript seed (vk.h). */
#include "plonk/vk.h"

#include <stdlib.h>
#include <string.h>

#include "commit/params.h"
#include "hash/blake2b.h"
#include "plonk/pinned.h"

/* ---- a growing byte buffer ---- */

typedef struct {
    uint8_t *b;
    size_t len, cap;
    int oom;
} wbuf;

static void wb_put(wbuf *w, const void *p, size_t n) {
    if (w->oom) return;
    if (w->len + n > w->cap) {
        size_t nc = w->cap ? w->cap : 1024;
        while (nc < w->len + n) nc *= 2;
        uint8_t *q = realloc(w->b, nc);
        if (!q) {
            w->oom = 1;
            return;
        }
        w->b = q;
        w->cap = nc;
    }
    memcpy(w->b + w->len, p, n);
    w->len += n;
}

static void wb_u8(wbuf *w, uint8_t v) { wb_put(w, &v, 1); }

static void wb_u32(wbuf *w, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    wb_put(w, b, 4);
}

static void wb_point(wbuf *w, const zk_vesta_affine *p) {
    uint8_t b[32];
    zk_vesta_affine_to_bytes(b, p);
    wb_put(w, b, 32);
}

/* ---- canonical expression nodes ---- */

typedef struct {
    uint8_t op;
    uint32_t a, b; /* query index or children (canonical ids) */
    uint8_t c[32]; /* constant / scalar, canonical bytes */
} cnode;

typedef struct {
    cnode *nodes;
    uint32_t count, cap;
    uint32_t *htab; /* open addressing: canonical id or UINT32_MAX */
    size_t hcap;
    uint32_t *memo; /* cs node -> canonical id */
} canon;

static uint64_t cnode_hash(const cnode *n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n->op;
    h = (h ^ n->a) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ n->b) * 0x94D049BB133111EBULL;
    for (int i = 0; i < 32; i += 8) {
        uint64_t w;
        memcpy(&w, n->c + i, 8);
        h = (h ^ w) * 0x100000001B3ULL;
        h ^= h >> 29;
    }
    return h ^ (h >> 32);
}

static int cnode_eq(const cnode *x, const cnode *y) {
    return x->op == y->op && x->a == y->a && x->b == y->b && memcmp(x->c, y->c, 32) == 0;
}

/* Canonical id of node key k, appending it if new; UINT32_MAX if out of memory. */
static uint32_t canon_intern(canon *c, const cnode *k) {
    size_t s = (size_t)cnode_hash(k) & (c->hcap - 1);
    while (c->htab[s] != UINT32_MAX) {
        if (cnode_eq(&c->nodes[c->htab[s]], k)) return c->htab[s];
        s = (s + 1) & (c->hcap - 1);
    }
    if (c->count == c->cap) return UINT32_MAX; /* cap = cs->num_nodes bounds the distinct nodes */
    c->nodes[c->count] = *k;
    c->htab[s] = c->count;
    return c->count++;
}

/* Canonical id of the tree at cs node root (post-order, child a first). */
static zk_status canon_root(canon *c, const zk_cs *cs, zk_expr root, uint32_t *out, zk_error *err) {
    if (root >= cs->num_nodes) return zk_fail(err, ZK_ERR_INVALID_ARG, "VK: expression %u does not exist", root);
    typedef struct {
        uint32_t node, state;
    } frame;
    size_t cap = 64, sp = 0;
    frame *st = malloc(cap * sizeof *st);
    if (!st) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    zk_status rc = ZK_OK;
    st[sp++] = (frame){root, 0};
    while (sp && rc == ZK_OK) {
        frame *f = &st[sp - 1];
        uint32_t id = f->node;
        if (c->memo[id] != UINT32_MAX) {
            sp--;
            continue;
        }
        const zk_expr_node *n = &cs->nodes[id];
        uint32_t kids[2], nk = 0;
        switch (n->op) {
        case ZK_EXPR_NEGATED:
        case ZK_EXPR_SCALED: kids[nk++] = n->a; break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT: kids[nk++] = n->a; kids[nk++] = n->b; break;
        case ZK_EXPR_SELECTOR:
            rc = zk_fail(err, ZK_ERR_UNSUPPORTED, "VK: expression uses virtual selector %u (compress selectors first)",
                         n->a);
            continue;
        default: break;
        }
        for (uint32_t i = 0; i < nk; i++)
            if (kids[i] >= id) rc = zk_fail(err, ZK_ERR_INVALID_ARG, "VK: malformed expression node %u", id);
        if (rc) continue;
        if (f->state == 0) {
            f->state = 1;
            if (sp + 2 > cap) {
                frame *q = realloc(st, 2 * cap * sizeof *st);
                if (!q) {
                    rc = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
                    continue;
                }
                st = q;
                cap *= 2;
            }
            /* b below a, so a's subtree is finished first */
            for (uint32_t i = nk; i-- > 0;)
                if (c->memo[kids[i]] == UINT32_MAX) st[sp++] = (frame){kids[i], 0};
            continue;
        }
        cnode k;
        memset(&k, 0, sizeof k);
        k.op = n->op;
        switch (n->op) {
        case ZK_EXPR_CONSTANT:
            if (n->a >= cs->num_consts) rc = zk_fail(err, ZK_ERR_INVALID_ARG, "VK: bad constant in node %u", id);
            else zk_fp_to_bytes(k.c, &cs->consts[n->a]);
            break;
        case ZK_EXPR_FIXED:
        case ZK_EXPR_ADVICE:
        case ZK_EXPR_INSTANCE: k.a = n->a; break;
        case ZK_EXPR_NEGATED: k.a = c->memo[n->a]; break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT:
            k.a = c->memo[n->a];
            k.b = c->memo[n->b];
            break;
        case ZK_EXPR_SCALED:
            k.a = c->memo[n->a];
            if (n->b >= cs->num_consts) rc = zk_fail(err, ZK_ERR_INVALID_ARG, "VK: bad scalar in node %u", id);
            else zk_fp_to_bytes(k.c, &cs->consts[n->b]);
            break;
        default: rc = zk_fail(err, ZK_ERR_INVALID_ARG, "VK: malformed expression node %u", id);
        }
        if (rc) continue;
        uint32_t cid = canon_intern(c, &k);
        if (cid == UINT32_MAX) {
            rc = zk_fail(err, ZK_ERR_INTERNAL, "VK: canonical node table overflow");
            continue;
        }
        c->memo[id] = cid;
        sp--;
    }
    free(st);
    if (rc == ZK_OK) *out = c->memo[root];
    return rc;
}

static void query_list(wbuf *w, const zk_query *q, uint32_t n) {
    wb_u32(w, n);
    for (uint32_t i = 0; i < n; i++) {
        wb_u32(w, q[i].column);
        wb_u32(w, (uint32_t)q[i].rotation);
    }
}

zk_status zk_plonk_vk_encode(const zk_cs *cs, uint32_t k, const zk_vesta_affine *fixed_commitments,
                             const zk_vesta_affine *perm_commitments, zk_vk_transcript_mode mode, uint8_t **out,
                             size_t *out_len, zk_error *err) {
    if (!out || !out_len) return zk_fail(err, ZK_ERR_INVALID_ARG, "VK encode: NULL output");
    *out = NULL;
    *out_len = 0;
    zk_status st = zk_cs_validate(cs, err);
    if (st) return st;
    if ((cs->num_fixed && !fixed_commitments) || (cs->num_perm_columns && !perm_commitments))
        return zk_fail(err, ZK_ERR_INVALID_ARG, "VK encode: commitments missing");
    if (mode != ZK_VK_TRANSCRIPT_ZKML && mode != ZK_VK_TRANSCRIPT_HALO2)
        return zk_fail(err, ZK_ERR_INVALID_ARG, "VK encode: unknown transcript mode %d", (int)mode);

    /* roots: gate polynomials, then per lookup inputs and tables */
    size_t nroots = (size_t)cs->num_polys + 2 * (size_t)cs->num_lookup_exprs;
    uint32_t *roots = malloc((nroots + 1) * sizeof *roots);
    canon c;
    memset(&c, 0, sizeof c);
    c.cap = cs->num_nodes;
    c.nodes = malloc(((size_t)c.cap + 1) * sizeof *c.nodes);
    c.memo = malloc(((size_t)cs->num_nodes + 1) * sizeof *c.memo);
    c.hcap = 16;
    while (c.hcap < 2 * (size_t)cs->num_nodes) c.hcap *= 2;
    c.htab = malloc(c.hcap * sizeof *c.htab);
    wbuf w = {0};
    if (!roots || !c.nodes || !c.memo || !c.htab) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    memset(c.memo, 0xff, ((size_t)cs->num_nodes + 1) * sizeof *c.memo);
    memset(c.htab, 0xff, c.hcap * sizeof *c.htab);
    size_t r = 0;
    for (uint32_t i = 0; i < cs->num_polys && !st; i++) st = canon_root(&c, cs, cs->polys[i].expr, &roots[r++], err);
    for (uint32_t l = 0; l < cs->num_lookups && !st; l++) {
        const zk_lookup *lk = &cs->lookups[l];
        for (uint32_t j = 0; j < lk->count && !st; j++)
            st = canon_root(&c, cs, cs->lookup_inputs[lk->first + j], &roots[r++], err);
        for (uint32_t j = 0; j < lk->count && !st; j++)
            st = canon_root(&c, cs, cs->lookup_tables[lk->first + j], &roots[r++], err);
    }
    if (st) goto done;

    wb_put(&w, "zkVK", 4);
    wb_u32(&w, ZK_VK_VERSION);
    wb_u32(&w, mode == ZK_VK_TRANSCRIPT_HALO2 ? 1u : 0u);
    wb_u32(&w, k);
    wb_u32(&w, cs->num_fixed);
    wb_u32(&w, cs->num_advice);
    wb_u32(&w, cs->num_instance);
    wb_u32(&w, cs->num_selectors);
    wb_u32(&w, cs->minimum_degree);
    query_list(&w, cs->advice_queries, cs->num_advice_queries);
    query_list(&w, cs->instance_queries, cs->num_instance_queries);
    query_list(&w, cs->fixed_queries, cs->num_fixed_queries);
    wb_u32(&w, cs->num_perm_columns);
    for (uint32_t i = 0; i < cs->num_perm_columns; i++) {
        wb_u32(&w, cs->perm_columns[i].kind);
        wb_u32(&w, cs->perm_columns[i].index);
    }
    wb_u32(&w, cs->num_constants);
    for (uint32_t i = 0; i < cs->num_constants; i++) wb_u32(&w, cs->constants[i]);
    wb_u32(&w, c.count);
    for (uint32_t i = 0; i < c.count; i++) {
        const cnode *n = &c.nodes[i];
        wb_u8(&w, n->op);
        switch (n->op) {
        case ZK_EXPR_CONSTANT: wb_put(&w, n->c, 32); break;
        case ZK_EXPR_FIXED:
        case ZK_EXPR_ADVICE:
        case ZK_EXPR_INSTANCE:
        case ZK_EXPR_NEGATED: wb_u32(&w, n->a); break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT:
            wb_u32(&w, n->a);
            wb_u32(&w, n->b);
            break;
        case ZK_EXPR_SCALED:
            wb_u32(&w, n->a);
            wb_put(&w, n->c, 32);
            break;
        default: break;
        }
    }
    r = 0;
    wb_u32(&w, cs->num_gates);
    for (uint32_t g = 0; g < cs->num_gates; g++) {
        wb_u32(&w, cs->gates[g].count);
        for (uint32_t j = 0; j < cs->gates[g].count; j++) wb_u32(&w, roots[r++]);
    }
    wb_u32(&w, cs->num_lookups);
    for (uint32_t l = 0; l < cs->num_lookups; l++) {
        uint32_t m = cs->lookups[l].count;
        wb_u32(&w, m);
        for (uint32_t j = 0; j < 2 * m; j++) wb_u32(&w, roots[r++]);
    }
    for (uint32_t i = 0; i < cs->num_fixed; i++) wb_point(&w, &fixed_commitments[i]);
    for (uint32_t i = 0; i < cs->num_perm_columns; i++) wb_point(&w, &perm_commitments[i]);
    if (w.oom) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    *out = w.b;
    *out_len = w.len;
    w.b = NULL;
done:
    free(w.b);
    free(roots);
    free(c.nodes);
    free(c.memo);
    free(c.htab);
    return st;
}

/* ---- reading ---- */

typedef struct {
    const uint8_t *b;
    size_t len, pos;
    zk_status st;
    zk_error *err;
} rbuf;

static int rb_need(rbuf *r, size_t n, const char *what) {
    if (r->st) return 0;
    if (r->len - r->pos < n) {
        r->st = zk_fail(r->err, ZK_ERR_TRUNCATED, "VK: truncated at byte %zu (%s)", r->pos, what);
        return 0;
    }
    return 1;
}

static uint32_t rb_u32(rbuf *r, const char *what) {
    if (!rb_need(r, 4, what)) return 0;
    const uint8_t *p = r->b + r->pos;
    r->pos += 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t rb_u8(rbuf *r, const char *what) {
    if (!rb_need(r, 1, what)) return 0;
    return r->b[r->pos++];
}

static void rb_fp(rbuf *r, zk_fp *v, const char *what) {
    if (!rb_need(r, 32, what)) return;
    if (zk_fp_from_bytes(v, r->b + r->pos) != ZK_OK)
        r->st = zk_fail(r->err, ZK_ERR_ENCODING, "VK: %s at byte %zu is not a canonical field element", what, r->pos);
    r->pos += 32;
}

static void rb_point(rbuf *r, zk_vesta_affine *p, const char *what, uint32_t i) {
    if (!rb_need(r, 32, what)) return;
    if (zk_vesta_affine_from_bytes(p, r->b + r->pos) != ZK_OK)
        r->st = zk_fail(r->err, ZK_ERR_ENCODING, "VK: %s %u at byte %zu is not a valid point", what, i, r->pos);
    r->pos += 32;
}

/* A count of items taking at least `unit` bytes each: bounded by what is left. */
static uint32_t rb_count(rbuf *r, size_t unit, const char *what) {
    uint32_t n = rb_u32(r, what);
    if (r->st) return 0;
    if ((uint64_t)n * unit > r->len - r->pos) {
        r->st = zk_fail(r->err, ZK_ERR_TRUNCATED, "VK: %s count %u exceeds the input", what, n);
        return 0;
    }
    return n;
}

void zk_plonk_vk_free(zk_plonk_vk *vk) {
    if (!vk) return;
    zk_cs_free(vk->cs);
    zk_fp_domain_free(vk->domain);
    free(vk->perm_query);
    free(vk->fixed_commitments);
    free(vk->perm_commitments);
    free(vk->encoding);
    free(vk);
}

static zk_status read_queries(rbuf *r, zk_cs *cs, zk_col_kind kind, uint32_t ncols) {
    const char *what = zk_col_kind_name(kind);
    uint32_t n = rb_count(r, 8, what);
    for (uint32_t i = 0; i < n && !r->st; i++) {
        uint32_t col = rb_u32(r, what);
        int32_t rot = (int32_t)rb_u32(r, what);
        if (r->st) break;
        if (col >= ncols) {
            r->st = zk_fail(r->err, ZK_ERR_RANGE, "VK: %s query %u: column %u of %u", what, i, col, ncols);
            break;
        }
        zk_column c = {kind, col};
        uint32_t idx;
        if (zk_cs_add_query(cs, c, rot, &idx) != ZK_OK) {
            r->st = zk_cs_status(cs, r->err);
            break;
        }
        if (idx != i) r->st = zk_fail(r->err, ZK_ERR_SHAPE, "VK: %s query %u repeats query %u", what, i, idx);
    }
    return r->st;
}

zk_status zk_plonk_vk_read(zk_plonk_vk **out, const uint8_t *bytes, size_t len, zk_error *err) {
    if (!out) return zk_fail(err, ZK_ERR_INVALID_ARG, "VK read: NULL output");
    *out = NULL;
    if (!bytes && len) return zk_fail(err, ZK_ERR_INVALID_ARG, "VK read: NULL input");
    rbuf r = {bytes, len, 0, ZK_OK, err};
    zk_plonk_vk *vk = calloc(1, sizeof *vk);
    zk_cs *cs = zk_cs_new();
    zk_expr *ids = NULL, *tmp = NULL;
    uint8_t *re = NULL;
    size_t re_len = 0;
    if (!vk || !cs) {
        r.st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (!rb_need(&r, 8, "header")) goto fail;
    if (memcmp(bytes, "zkVK", 4) != 0) {
        r.st = zk_fail(err, ZK_ERR_PARSE, "VK: bad magic (not a zkml verifying key)");
        goto fail;
    }
    r.pos = 4;
    uint32_t version = rb_u32(&r, "version");
    if (!r.st && version != ZK_VK_VERSION) {
        r.st = zk_fail(err, version > ZK_VK_VERSION ? ZK_ERR_UNSUPPORTED : ZK_ERR_PARSE, "VK: version %u (this build reads %d)",
                       version, ZK_VK_VERSION);
        goto fail;
    }
    uint32_t flags = rb_u32(&r, "flags");
    if (!r.st && (flags & ~1u)) {
        r.st = zk_fail(err, ZK_ERR_PARSE, "VK: unknown flags 0x%x", flags);
        goto fail;
    }
    vk->mode = (flags & 1u) ? ZK_VK_TRANSCRIPT_HALO2 : ZK_VK_TRANSCRIPT_ZKML;
    uint32_t k = rb_u32(&r, "k");
    if (!r.st && (k < ZK_IPA_MIN_K || k > ZK_IPA_MAX_K)) {
        r.st = zk_fail(err, ZK_ERR_RANGE, "VK: k = %u out of range [%d, %d]", k, ZK_IPA_MIN_K, ZK_IPA_MAX_K);
        goto fail;
    }
    uint32_t nf = rb_u32(&r, "num_fixed"), na = rb_u32(&r, "num_advice"), ni = rb_u32(&r, "num_instance");
    uint32_t nsel = rb_u32(&r, "num_selectors"), mindeg = rb_u32(&r, "minimum_degree");
    if (r.st) goto fail;
    if (nf > ZK_VK_MAX_COLUMNS || na > ZK_VK_MAX_COLUMNS || ni > ZK_VK_MAX_COLUMNS || nsel > ZK_VK_MAX_SELECTORS) {
        r.st = zk_fail(err, ZK_ERR_RANGE, "VK: too many columns or selectors (%u fixed, %u advice, %u instance, %u selectors)",
                       nf, na, ni, nsel);
        goto fail;
    }
    /* the fixed commitments alone take 32 bytes per fixed column */
    if ((uint64_t)nf * 32 > len - r.pos) {
        r.st = zk_fail(err, ZK_ERR_TRUNCATED, "VK: %u fixed columns exceed the input", nf);
        goto fail;
    }
    for (uint32_t i = 0; i < nf; i++) zk_cs_fixed_column(cs);
    for (uint32_t i = 0; i < na; i++) zk_cs_advice_column(cs);
    for (uint32_t i = 0; i < ni; i++) zk_cs_instance_column(cs);
    if (nsel) {
        cs->selector_simple = calloc(nsel, 1);
        if (!cs->selector_simple) {
            r.st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            goto fail;
        }
        cs->num_selectors = nsel;
    }
    zk_cs_set_minimum_degree(cs, mindeg);
    if (read_queries(&r, cs, ZK_COL_ADVICE, na) || read_queries(&r, cs, ZK_COL_INSTANCE, ni) ||
        read_queries(&r, cs, ZK_COL_FIXED, nf))
        goto fail;
    uint32_t nq[3] = {cs->num_advice_queries, cs->num_fixed_queries, cs->num_instance_queries};

    uint32_t np = rb_count(&r, 8 + 32, "permutation columns");
    for (uint32_t i = 0; i < np && !r.st; i++) {
        uint32_t kind = rb_u32(&r, "permutation column"), idx = rb_u32(&r, "permutation column");
        if (r.st) break;
        uint32_t lim = kind == ZK_COL_ADVICE ? na : kind == ZK_COL_FIXED ? nf : kind == ZK_COL_INSTANCE ? ni : 0;
        if (idx >= lim) {
            r.st = zk_fail(err, ZK_ERR_RANGE, "VK: permutation column %u (kind %u, index %u) does not exist", i, kind, idx);
            break;
        }
        zk_column c = {kind, idx};
        if (zk_cs_enable_equality(cs, c) != ZK_OK) {
            r.st = zk_cs_status(cs, err);
            break;
        }
        if (cs->num_perm_columns != i + 1)
            r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: permutation column %u repeats an earlier one", i);
        else if (cs->num_advice_queries != nq[0] || cs->num_fixed_queries != nq[1] || cs->num_instance_queries != nq[2])
            r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: permutation column %u has no query at rotation 0", i);
    }
    if (r.st) goto fail;
    uint32_t nc = rb_count(&r, 4, "constants");
    for (uint32_t i = 0; i < nc && !r.st; i++) {
        uint32_t col = rb_u32(&r, "constant column");
        if (r.st) break;
        if (col >= nf) {
            r.st = zk_fail(err, ZK_ERR_RANGE, "VK: constants column %u is not a fixed column", col);
            break;
        }
        if (zk_cs_enable_constant(cs, col) != ZK_OK) {
            r.st = zk_cs_status(cs, err);
            break;
        }
        if (cs->num_constants != i + 1)
            r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: constants column %u repeats", col);
        else if (cs->num_perm_columns != np)
            r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: constants column %u is not a permutation column", col);
    }
    if (r.st) goto fail;

    uint32_t nn = rb_count(&r, 5, "expression nodes");
    if (r.st) goto fail;
    ids = malloc(((size_t)nn + 1) * sizeof *ids);
    if (!ids) {
        r.st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < nn && !r.st; i++) {
        uint8_t op = rb_u8(&r, "node");
        uint32_t a = 0, b = 0;
        zk_fp c;
        zk_expr e = ZK_EXPR_NONE;
        switch (op) {
        case ZK_EXPR_CONSTANT:
            rb_fp(&r, &c, "constant");
            if (!r.st) e = zk_expr_constant(cs, &c);
            break;
        case ZK_EXPR_FIXED:
        case ZK_EXPR_ADVICE:
        case ZK_EXPR_INSTANCE: {
            zk_col_kind kind = op == ZK_EXPR_FIXED ? ZK_COL_FIXED : op == ZK_EXPR_ADVICE ? ZK_COL_ADVICE : ZK_COL_INSTANCE;
            a = rb_u32(&r, "query node");
            if (r.st) break;
            uint32_t cnt;
            zk_cs_queries(cs, kind, &cnt);
            if (a >= cnt) {
                r.st = zk_fail(err, ZK_ERR_RANGE, "VK: node %u: %s query %u of %u", i, zk_col_kind_name(kind), a, cnt);
                break;
            }
            e = zk_expr_query_index(cs, kind, a);
            break;
        }
        case ZK_EXPR_NEGATED:
        case ZK_EXPR_SCALED:
            a = rb_u32(&r, "node child");
            if (op == ZK_EXPR_SCALED) rb_fp(&r, &c, "scalar");
            if (r.st) break;
            if (a >= i) {
                r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: node %u refers to node %u (not earlier)", i, a);
                break;
            }
            e = op == ZK_EXPR_NEGATED ? zk_expr_neg(cs, ids[a]) : zk_expr_scale(cs, ids[a], &c);
            break;
        case ZK_EXPR_SUM:
        case ZK_EXPR_PRODUCT:
            a = rb_u32(&r, "node child");
            b = rb_u32(&r, "node child");
            if (r.st) break;
            if (a >= i || b >= i) {
                r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: node %u refers to a node that is not earlier", i);
                break;
            }
            e = op == ZK_EXPR_SUM ? zk_expr_add(cs, ids[a], ids[b]) : zk_expr_mul(cs, ids[a], ids[b]);
            break;
        default:
            r.st = zk_fail(err, op == ZK_EXPR_SELECTOR ? ZK_ERR_UNSUPPORTED : ZK_ERR_PARSE,
                           "VK: node %u has op %u (not allowed)", i, op);
        }
        if (!r.st && e == ZK_EXPR_NONE) r.st = zk_cs_status(cs, err) ? zk_cs_status(cs, err) : ZK_ERR_INTERNAL;
        ids[i] = e;
    }
    if (r.st) goto fail;

    uint32_t ng = rb_count(&r, 8, "gates");
    for (uint32_t g = 0; g < ng && !r.st; g++) {
        uint32_t cnt = rb_count(&r, 4, "gate polynomials");
        if (r.st) break;
        if (cnt == 0) {
            r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: gate %u has no polynomials", g);
            break;
        }
        free(tmp);
        tmp = malloc((size_t)cnt * sizeof *tmp);
        if (!tmp) {
            r.st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            break;
        }
        for (uint32_t j = 0; j < cnt && !r.st; j++) {
            uint32_t id = rb_u32(&r, "gate root");
            if (!r.st && id >= nn) r.st = zk_fail(err, ZK_ERR_RANGE, "VK: gate %u polynomial %u: node %u of %u", g, j, id, nn);
            if (!r.st) tmp[j] = ids[id];
        }
        if (!r.st && zk_cs_create_gate(cs, "", cnt, tmp, NULL) != ZK_OK) r.st = zk_cs_status(cs, err);
    }
    if (r.st) goto fail;
    uint32_t nl = rb_count(&r, 12, "lookups");
    for (uint32_t l = 0; l < nl && !r.st; l++) {
        uint32_t m = rb_count(&r, 8, "lookup expressions");
        if (r.st) break;
        if (m == 0) {
            r.st = zk_fail(err, ZK_ERR_SHAPE, "VK: lookup %u is empty", l);
            break;
        }
        free(tmp);
        tmp = malloc(2 * (size_t)m * sizeof *tmp);
        if (!tmp) {
            r.st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            break;
        }
        for (uint32_t j = 0; j < 2 * m && !r.st; j++) {
            uint32_t id = rb_u32(&r, "lookup root");
            if (!r.st && id >= nn) r.st = zk_fail(err, ZK_ERR_RANGE, "VK: lookup %u expression %u: node %u of %u", l, j, id, nn);
            if (!r.st) tmp[j] = ids[id];
        }
        if (!r.st && zk_cs_add_lookup(cs, NULL, m, tmp, tmp + m) != ZK_OK) r.st = zk_cs_status(cs, err);
    }
    if (r.st) goto fail;

    vk->fixed_commitments = malloc(((size_t)nf + 1) * sizeof *vk->fixed_commitments);
    vk->perm_commitments = malloc(((size_t)np + 1) * sizeof *vk->perm_commitments);
    vk->perm_query = malloc(((size_t)np + 1) * sizeof *vk->perm_query);
    if (!vk->fixed_commitments || !vk->perm_commitments || !vk->perm_query) {
        r.st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < nf && !r.st; i++) rb_point(&r, &vk->fixed_commitments[i], "fixed commitment", i);
    for (uint32_t i = 0; i < np && !r.st; i++) rb_point(&r, &vk->perm_commitments[i], "permutation commitment", i);
    if (r.st) goto fail;
    if (r.pos != len) {
        r.st = zk_fail(err, ZK_ERR_PARSE, "VK: %zu trailing bytes", len - r.pos);
        goto fail;
    }
    r.st = zk_cs_validate(cs, err);
    if (r.st) goto fail;

    /* derived values, and the checks that need them */
    vk->k = k;
    vk->n = (size_t)1 << k;
    vk->cs = cs;
    cs = NULL;
    vk->degree = zk_cs_degree(vk->cs);
    vk->blinding_factors = zk_cs_blinding_factors(vk->cs);
    if (zk_cs_usable_rows(vk->cs, k) == 0) {
        r.st = zk_fail(err, ZK_ERR_RANGE, "VK: 2^%u rows are fewer than the %u the circuit needs", k,
                       zk_cs_minimum_rows(vk->cs));
        goto fail;
    }
    if (vk->degree > ZK_VK_MAX_DEGREE) {
        r.st = zk_fail(err, ZK_ERR_RANGE, "VK: degree %u exceeds %d", vk->degree, ZK_VK_MAX_DEGREE);
        goto fail;
    }
    if (zk_fp_domain_new_light(&vk->domain, vk->degree, k) != ZK_OK) {
        r.st = zk_fail(err, ZK_ERR_RANGE, "VK: degree %u is too large for k = %u", vk->degree, k);
        goto fail;
    }
    vk->perm_chunk = vk->degree - 2;
    vk->perm_sets = (np + vk->perm_chunk - 1) / vk->perm_chunk;
    for (uint32_t i = 0; i < np; i++) {
        int64_t q = zk_cs_find_query(vk->cs, vk->cs->perm_columns[i], 0);
        if (q < 0) {
            r.st = zk_fail(err, ZK_ERR_INTERNAL, "VK: permutation column %u lost its query", i);
            goto fail;
        }
        vk->perm_query[i] = (uint32_t)q;
    }

    /* canonical: the input must be exactly what we would write */
    r.st = zk_plonk_vk_encode(vk->cs, k, vk->fixed_commitments, vk->perm_commitments, vk->mode, &re, &re_len, err);
    if (r.st) goto fail;
    if (re_len != len || memcmp(re, bytes, len) != 0) {
        r.st = zk_fail(err, ZK_ERR_ENCODING, "VK: not in canonical form (expression nodes duplicated, unused or out of order)");
        goto fail;
    }
    vk->encoding = re;
    vk->encoding_len = re_len;
    re = NULL;
    zk_blake2b h;
    zk_blake2b_init_personal(&h, 64, (const uint8_t *)ZK_VK_PERSONAL);
    zk_blake2b_update(&h, vk->encoding, vk->encoding_len);
    zk_blake2b_final(&h, vk->digest);
    if (vk->mode == ZK_VK_TRANSCRIPT_ZKML) {
        zk_fp_from_uniform_bytes(&vk->transcript_repr, vk->digest);
    } else {
        char *pin = NULL;
        size_t plen = 0;
        r.st = zk_pinned_vk_string(vk->cs, k, vk->fixed_commitments, nf, vk->perm_commitments, np, &pin, &plen, err);
        if (!r.st) r.st = zk_vk_transcript_repr(pin, plen, &vk->transcript_repr, NULL, err);
        free(pin);
        if (r.st) goto fail;
    }
    free(ids);
    free(tmp);
    *out = vk;
    return ZK_OK;

fail:
    free(ids);
    free(tmp);
    free(re);
    zk_cs_free(cs);
    zk_plonk_vk_free(vk);
    return r.st ? r.st : ZK_ERR_INTERNAL;
}

zk_status zk_plonk_vk_new(zk_plonk_vk **out, const zk_cs *cs, uint32_t k, const zk_vesta_affine *fixed_commitments,
                          const zk_vesta_affine *perm_commitments, zk_vk_transcript_mode mode, zk_error *err) {
    if (!out) return zk_fail(err, ZK_ERR_INVALID_ARG, "VK: NULL output");
    *out = NULL;
    uint8_t *enc;
    size_t len;
    zk_status st = zk_plonk_vk_encode(cs, k, fixed_commitments, perm_commitments, mode, &enc, &len, err);
    if (st) return st;
    st = zk_plonk_vk_read(out, enc, len, err);
    free(enc);
    return st;
}

zk_status zk_plonk_vk_write(const zk_plonk_vk *vk, uint8_t **out, size_t *out_len) {
    if (!vk || !out || !out_len) return ZK_ERR_INVALID_ARG;
    *out = malloc(vk->encoding_len);
    if (!*out) return ZK_ERR_NOMEM;
    memcpy(*out, vk->encoding, vk->encoding_len);
    *out_len = vk->encoding_len;
    return ZK_OK;
}

void zk_plonk_vk_id(const zk_plonk_vk *vk, uint8_t id[32]) { memcpy(id, vk->digest, 32); }

zk_status zk_plonk_vk_pinned(const zk_plonk_vk *vk, char **out, size_t *out_len, zk_error *err) {
    if (!vk) return zk_fail(err, ZK_ERR_INVALID_ARG, "VK is NULL");
    return zk_pinned_vk_string(vk->cs, vk->k, vk->fixed_commitments, vk->cs->num_fixed, vk->perm_commitments,
                               vk->cs->num_perm_columns, out, out_len, err);
}
