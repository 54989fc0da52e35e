#include "plonk/load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_ 200

static int hexval_(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

zk_status zk_fp_from_json(zk_fp *out, const cJSON *v, const char *what, zk_error *err) {
    const char *hex = NULL;
    if (cJSON_IsString(v))
        hex = v->valuestring;
    else if (cJSON_IsObject(v)) {
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(v, "hex");
        if (cJSON_IsString(h)) hex = h->valuestring;
    }
    if (!hex) return zk_fail(err, ZK_ERR_PARSE, "%s: expected a field element ({\"hex\": ...} or a hex string)", what);
    if (strlen(hex) != 64) return zk_fail(err, ZK_ERR_PARSE, "%s: field element hex must have 64 digits", what);
    uint8_t b[32];
    for (int i = 0; i < 32; i++) {
        int h = hexval_(hex[2 * i]), l = hexval_(hex[2 * i + 1]);
        if (h < 0 || l < 0) return zk_fail(err, ZK_ERR_PARSE, "%s: bad hex digit in field element", what);
        b[i] = (uint8_t)(h << 4 | l);
    }
    if (zk_fp_from_bytes(out, b)) return zk_fail(err, ZK_ERR_PARSE, "%s: field element is not canonical (>= p)", what);
    return ZK_OK;
}

/* obj[key] as an integer in [lo, hi]. */
static zk_status get_int_(const cJSON *obj, const char *key, const char *path, int64_t lo, int64_t hi, int64_t *out,
                          zk_error *err) {
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!v) return zk_fail(err, ZK_ERR_PARSE, "%s.%s: missing", path, key);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < (double)lo ||
        v->valuedouble > (double)hi)
        return zk_fail(err, ZK_ERR_PARSE, "%s.%s: expected an integer in [%lld, %lld]", path, key, (long long)lo,
                       (long long)hi);
    *out = (int64_t)v->valuedouble;
    return ZK_OK;
}

static zk_status get_u32_(const cJSON *obj, const char *key, const char *path, uint32_t *out, zk_error *err) {
    int64_t v;
    zk_status st = get_int_(obj, key, path, 0, 0x7fffffff, &v, err);
    if (!st) *out = (uint32_t)v;
    return st;
}

static const cJSON *get_array_(const cJSON *obj, const char *key, const char *path, zk_error *err, zk_status *st) {
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!cJSON_IsArray(v)) {
        *st = zk_fail(err, ZK_ERR_PARSE, "%s.%s: %s", path, key, v ? "expected an array" : "missing");
        return NULL;
    }
    *st = ZK_OK;
    return v;
}

static zk_status parse_kind_(const cJSON *s, const char *path, uint32_t *kind, zk_error *err) {
    if (cJSON_IsString(s)) {
        if (!strcmp(s->valuestring, "advice")) { *kind = ZK_COL_ADVICE; return ZK_OK; }
        if (!strcmp(s->valuestring, "fixed")) { *kind = ZK_COL_FIXED; return ZK_OK; }
        if (!strcmp(s->valuestring, "instance")) { *kind = ZK_COL_INSTANCE; return ZK_OK; }
    }
    return zk_fail(err, ZK_ERR_PARSE, "%s: column type must be \"advice\", \"fixed\" or \"instance\"", path);
}

/* {type, index} */
static zk_status parse_column_(const cJSON *o, const char *path, zk_column *c, zk_error *err) {
    if (!cJSON_IsObject(o)) return zk_fail(err, ZK_ERR_PARSE, "%s: expected {type, index}", path);
    char p[PATH_MAX_ + 16];
    snprintf(p, sizeof p, "%s.type", path);
    zk_status st = parse_kind_(cJSON_GetObjectItemCaseSensitive(o, "type"), p, &c->kind, err);
    if (!st) st = get_u32_(o, "index", path, &c->index, err);
    return st;
}

/* ---- expressions ---- */

static zk_status parse_expr_(zk_cs *cs, const cJSON *e, const char *path, int depth, zk_expr *out, zk_error *err);

static zk_status parse_query_node_(zk_cs *cs, const cJSON *q, zk_col_kind kind, const char *path, zk_expr *out,
                                   zk_error *err) {
    uint32_t qi, col;
    int64_t rot;
    zk_status st = get_u32_(q, "query_index", path, &qi, err);
    if (!st) st = get_u32_(q, "column", path, &col, err);
    if (!st) st = get_int_(q, "rotation", path, INT32_MIN, INT32_MAX, &rot, err);
    if (st) return st;
    uint32_t nq;
    const zk_query *list = zk_cs_queries(cs, kind, &nq);
    if (qi >= nq)
        return zk_fail(err, ZK_ERR_PARSE, "%s.query_index: %u is out of range (%u %s queries)", path, qi, nq,
                       zk_col_kind_name(kind));
    if (list[qi].column != col || list[qi].rotation != (int32_t)rot)
        return zk_fail(err, ZK_ERR_PARSE,
                       "%s: query %u is (column %u, rotation %d) in %s_queries, but the expression says (column %u, "
                       "rotation %lld)",
                       path, qi, list[qi].column, (int)list[qi].rotation, zk_col_kind_name(kind), col, (long long)rot);
    *out = zk_expr_query_index(cs, kind, qi);
    if (*out == ZK_EXPR_NONE) return zk_cs_status(cs, err);
    return ZK_OK;
}

static zk_status parse_pair_(zk_cs *cs, const cJSON *arr, const char *path, int depth, zk_expr *a, zk_expr *b,
                             zk_error *err) {
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != 2)
        return zk_fail(err, ZK_ERR_PARSE, "%s: expected an array of two expressions", path);
    char p[PATH_MAX_ + 8];
    snprintf(p, sizeof p, "%s[0]", path);
    zk_status st = parse_expr_(cs, cJSON_GetArrayItem(arr, 0), p, depth + 1, a, err);
    if (st) return st;
    snprintf(p, sizeof p, "%s[1]", path);
    return parse_expr_(cs, cJSON_GetArrayItem(arr, 1), p, depth + 1, b, err);
}

static zk_status parse_expr_(zk_cs *cs, const cJSON *e, const char *path, int depth, zk_expr *out, zk_error *err) {
    if (depth > 2000) return zk_fail(err, ZK_ERR_PARSE, "%s: expression nested too deeply", path);
    if (!cJSON_IsObject(e) || !e->child || e->child->next)
        return zk_fail(err, ZK_ERR_PARSE, "%s: an expression must be an object with exactly one key", path);
    const cJSON *v = e->child;
    const char *key = v->string ? v->string : "";
    char p[PATH_MAX_];
    /* keep messages bounded: deep paths are shortened to their head */
    if (strlen(path) + strlen(key) + 2 < sizeof p)
        snprintf(p, sizeof p, "%s.%s", path, key);
    else
        snprintf(p, sizeof p, "%.*s...", (int)sizeof p - 4, path);
    zk_status st;
    zk_expr a, b;
    if (!strcmp(key, "constant")) {
        zk_fp c;
        if ((st = zk_fp_from_json(&c, v, p, err))) return st;
        *out = zk_expr_constant(cs, &c);
    } else if (!strcmp(key, "fixed")) {
        return parse_query_node_(cs, v, ZK_COL_FIXED, p, out, err);
    } else if (!strcmp(key, "advice")) {
        return parse_query_node_(cs, v, ZK_COL_ADVICE, p, out, err);
    } else if (!strcmp(key, "instance")) {
        return parse_query_node_(cs, v, ZK_COL_INSTANCE, p, out, err);
    } else if (!strcmp(key, "negated")) {
        if ((st = parse_expr_(cs, v, p, depth + 1, &a, err))) return st;
        *out = zk_expr_neg(cs, a);
    } else if (!strcmp(key, "sum") || !strcmp(key, "product")) {
        if ((st = parse_pair_(cs, v, p, depth, &a, &b, err))) return st;
        *out = key[0] == 's' ? zk_expr_add(cs, a, b) : zk_expr_mul(cs, a, b);
    } else if (!strcmp(key, "scaled")) {
        const cJSON *ex, *sc;
        if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 2) {
            ex = cJSON_GetArrayItem(v, 0);
            sc = cJSON_GetArrayItem(v, 1);
        } else if (cJSON_IsObject(v)) {
            ex = cJSON_GetObjectItemCaseSensitive(v, "expr");
            sc = cJSON_GetObjectItemCaseSensitive(v, "scalar");
        } else {
            return zk_fail(err, ZK_ERR_PARSE, "%s: expected {expr, scalar} or [expr, scalar]", p);
        }
        zk_fp c;
        if ((st = parse_expr_(cs, ex, p, depth + 1, &a, err))) return st;
        if ((st = zk_fp_from_json(&c, sc, p, err))) return st;
        *out = zk_expr_scale(cs, a, &c);
    } else if (!strcmp(key, "selector")) {
        uint32_t s;
        if (cJSON_IsNumber(v)) {
            if (v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0 || v->valuedouble >= cs->num_selectors)
                return zk_fail(err, ZK_ERR_PARSE, "%s: selector index out of range", p);
            s = (uint32_t)v->valuedouble;
        } else {
            if ((st = get_u32_(v, "index", p, &s, err))) return st;
            if (s >= cs->num_selectors) return zk_fail(err, ZK_ERR_PARSE, "%s.index: selector %u does not exist", p, s);
            const cJSON *simple = cJSON_GetObjectItemCaseSensitive(v, "simple");
            if (cJSON_IsBool(simple) && cs->selector_simple) cs->selector_simple[s] = cJSON_IsTrue(simple) ? 1 : 0;
        }
        *out = zk_expr_selector(cs, s);
    } else {
        return zk_fail(err, ZK_ERR_PARSE, "%s: unknown expression node \"%s\"", path, key);
    }
    if (*out == ZK_EXPR_NONE) return zk_cs_status(cs, err);
    return ZK_OK;
}

static zk_status parse_queries_(zk_cs *cs, const cJSON *csj, const char *key, zk_col_kind kind, zk_error *err) {
    zk_status st;
    const cJSON *arr = get_array_(csj, key, "constraint_system", err, &st);
    if (!arr) return st;
    int i = 0;
    const cJSON *q;
    cJSON_ArrayForEach(q, arr) {
        char p[PATH_MAX_];
        snprintf(p, sizeof p, "constraint_system.%s[%d]", key, i);
        uint32_t col;
        int64_t rot;
        if ((st = get_u32_(q, "column", p, &col, err))) return st;
        if ((st = get_int_(q, "rotation", p, INT32_MIN, INT32_MAX, &rot, err))) return st;
        zk_column c = {kind, col};
        if (zk_cs_find_query(cs, c, (int32_t)rot) >= 0)
            return zk_fail(err, ZK_ERR_PARSE, "%s: duplicate query", p);
        uint32_t idx;
        if ((st = zk_cs_add_query(cs, c, (int32_t)rot, &idx))) {
            zk_error_clear(err);
            return zk_fail(err, ZK_ERR_PARSE, "%s: column %u is not a %s column", p, col, zk_col_kind_name(kind));
        }
        i++;
    }
    return ZK_OK;
}

zk_status zk_cs_from_json(const cJSON *csj, zk_cs **out, zk_error *err) {
    *out = NULL;
    if (!cJSON_IsObject(csj)) return zk_fail(err, ZK_ERR_PARSE, "constraint_system: expected an object");
    zk_cs *cs = zk_cs_new();
    if (!cs) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    zk_status st;
    const char *P = "constraint_system";
    uint32_t nf, na, ni, ns;
    if ((st = get_u32_(csj, "num_fixed_columns", P, &nf, err)) || (st = get_u32_(csj, "num_advice_columns", P, &na, err)) ||
        (st = get_u32_(csj, "num_instance_columns", P, &ni, err)) || (st = get_u32_(csj, "num_selectors", P, &ns, err)))
        goto fail;
    if (nf > 1u << 20 || na > 1u << 20 || ni > 1u << 20 || ns > 1u << 20) {
        st = zk_fail(err, ZK_ERR_PARSE, "constraint_system: column counts are implausibly large");
        goto fail;
    }
    cs->num_fixed = nf;
    cs->num_advice = na;
    cs->num_instance = ni;
    for (uint32_t s = 0; s < ns; s++) zk_cs_selector(cs, 1);
    if ((st = zk_cs_status(cs, err))) goto fail;

    const cJSON *sm = cJSON_GetObjectItemCaseSensitive(csj, "selector_map_to_fixed_column");
    if (sm && !cJSON_IsNull(sm)) {
        if (!cJSON_IsArray(sm) || (uint32_t)cJSON_GetArraySize(sm) != ns) {
            st = zk_fail(err, ZK_ERR_PARSE, "%s.selector_map_to_fixed_column: expected an array of num_selectors = %u columns",
                         P, ns);
            goto fail;
        }
        cs->selector_map = malloc(((size_t)ns + 1) * sizeof(uint32_t));
        if (!cs->selector_map) {
            st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            goto fail;
        }
        for (uint32_t s = 0; s < ns; s++) {
            const cJSON *v = cJSON_GetArrayItem(sm, (int)s);
            if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0 ||
                v->valuedouble >= nf) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s.selector_map_to_fixed_column[%u]: expected a fixed column index", P, s);
                goto fail;
            }
            cs->selector_map[s] = (uint32_t)v->valuedouble;
        }
        /* a selector alone in its column is complex (kept 0/1) or simple: both print
         * the same after compression; mark shared ones simple */
    }

    if ((st = parse_queries_(cs, csj, "advice_queries", ZK_COL_ADVICE, err)) ||
        (st = parse_queries_(cs, csj, "instance_queries", ZK_COL_INSTANCE, err)) ||
        (st = parse_queries_(cs, csj, "fixed_queries", ZK_COL_FIXED, err)))
        goto fail;

    /* gates */
    const cJSON *gates = get_array_(csj, "gates", P, err, &st);
    if (!gates) goto fail;
    {
        int gi = 0;
        const cJSON *g;
        cJSON_ArrayForEach(g, gates) {
            char p[PATH_MAX_];
            snprintf(p, sizeof p, "%s.gates[%d]", P, gi);
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(g, "name");
            if (!cJSON_IsString(name)) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s.name: expected a string", p);
                goto fail;
            }
            const cJSON *polys = get_array_(g, "polynomials", p, err, &st);
            if (!polys) goto fail;
            int np = cJSON_GetArraySize(polys);
            if (np == 0) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s.polynomials: a gate needs at least one polynomial", p);
                goto fail;
            }
            zk_expr *ex = malloc((size_t)np * sizeof *ex);
            const char **names = malloc((size_t)np * sizeof *names);
            if (!ex || !names) {
                free(ex);
                free(names);
                st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
                goto fail;
            }
            int pi = 0;
            const cJSON *pj;
            cJSON_ArrayForEach(pj, polys) {
                char pp[PATH_MAX_];
                snprintf(pp, sizeof pp, "%s.polynomials[%d]", p, pi);
                const cJSON *cn = cJSON_GetObjectItemCaseSensitive(pj, "constraint_name");
                names[pi] = cJSON_IsString(cn) ? cn->valuestring : "";
                if (cn && !cJSON_IsString(cn)) {
                    st = zk_fail(err, ZK_ERR_PARSE, "%s.constraint_name: expected a string", pp);
                } else {
                    char pe[PATH_MAX_];
                    snprintf(pe, sizeof pe, "%s.expr", pp);
                    const cJSON *e = cJSON_GetObjectItemCaseSensitive(pj, "expr");
                    st = e ? parse_expr_(cs, e, pe, 0, &ex[pi], err) : zk_fail(err, ZK_ERR_PARSE, "%s: missing", pe);
                }
                if (st) break;
                pi++;
            }
            if (!st) st = zk_cs_create_gate(cs, name->valuestring, (size_t)np, ex, names);
            free(ex);
            free(names);
            if (st) {
                if (err && err->code == ZK_OK) zk_cs_status(cs, err);
                goto fail;
            }
            gi++;
        }
    }

    /* permutation columns, in order; halo2 also queried each at rotation 0 */
    const cJSON *pcs = get_array_(csj, "permutation_columns", P, err, &st);
    if (!pcs) goto fail;
    {
        int i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, pcs) {
            char p[PATH_MAX_];
            snprintf(p, sizeof p, "%s.permutation_columns[%d]", P, i);
            zk_column col;
            if ((st = parse_column_(c, p, &col, err))) goto fail;
            uint32_t ncol = col.kind == ZK_COL_ADVICE ? na : col.kind == ZK_COL_FIXED ? nf : ni;
            if (col.index >= ncol) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s: %s column %u does not exist", p, zk_col_kind_name((zk_col_kind)col.kind),
                             col.index);
                goto fail;
            }
            if (zk_cs_perm_position(cs, col) >= 0) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s: column listed twice", p);
                goto fail;
            }
            if (zk_cs_find_query(cs, col, 0) < 0) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s: %s column %u has no rotation-0 query (halo2's enable_equality adds one)",
                             p, zk_col_kind_name((zk_col_kind)col.kind), col.index);
                goto fail;
            }
            if ((st = zk_cs_enable_equality(cs, col))) goto fail;
            i++;
        }
    }

    /* lookups */
    const cJSON *lks = get_array_(csj, "lookups", P, err, &st);
    if (!lks) goto fail;
    {
        int li = 0;
        const cJSON *l;
        cJSON_ArrayForEach(l, lks) {
            char p[PATH_MAX_];
            snprintf(p, sizeof p, "%s.lookups[%d]", P, li);
            const cJSON *ins = get_array_(l, "input_expressions", p, err, &st);
            if (!ins) goto fail;
            const cJSON *tbs = get_array_(l, "table_expressions", p, err, &st);
            if (!tbs) goto fail;
            int m = cJSON_GetArraySize(ins);
            if (m == 0 || m != cJSON_GetArraySize(tbs)) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s: input_expressions and table_expressions must be non-empty and equally long", p);
                goto fail;
            }
            zk_expr *ie = malloc(2 * (size_t)m * sizeof *ie);
            if (!ie) {
                st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
                goto fail;
            }
            for (int j = 0; j < m && !st; j++) {
                char pe[PATH_MAX_];
                snprintf(pe, sizeof pe, "%s.input_expressions[%d]", p, j);
                st = parse_expr_(cs, cJSON_GetArrayItem(ins, j), pe, 0, &ie[j], err);
            }
            for (int j = 0; j < m && !st; j++) {
                char pe[PATH_MAX_];
                snprintf(pe, sizeof pe, "%s.table_expressions[%d]", p, j);
                st = parse_expr_(cs, cJSON_GetArrayItem(tbs, j), pe, 0, &ie[m + j], err);
            }
            if (!st) st = zk_cs_add_lookup(cs, NULL, (size_t)m, ie, ie + m);
            free(ie);
            if (st) goto fail;
            li++;
        }
    }

    /* constants columns (already equality-enabled via permutation_columns) */
    const cJSON *cc = get_array_(csj, "constants_columns", P, err, &st);
    if (!cc) goto fail;
    {
        int i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, cc) {
            if (!cJSON_IsNumber(c) || c->valuedouble != floor(c->valuedouble) || c->valuedouble < 0 ||
                c->valuedouble >= nf) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s.constants_columns[%d]: expected a fixed column index", P, i);
                goto fail;
            }
            zk_column col = {ZK_COL_FIXED, (uint32_t)c->valuedouble};
            if (zk_cs_perm_position(cs, col) < 0) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s.constants_columns[%d]: fixed column %u is not in permutation_columns", P,
                             i, col.index);
                goto fail;
            }
            if ((st = zk_cs_enable_constant(cs, col.index))) goto fail;
            i++;
        }
    }

    const cJSON *md = cJSON_GetObjectItemCaseSensitive(csj, "minimum_degree");
    if (md && !cJSON_IsNull(md)) {
        uint32_t d;
        if ((st = get_u32_(csj, "minimum_degree", P, &d, err))) goto fail;
        if (d == 0) {
            st = zk_fail(err, ZK_ERR_PARSE, "%s.minimum_degree: must be null or >= 1", P);
            goto fail;
        }
        zk_cs_set_minimum_degree(cs, d);
    }

    if ((st = zk_cs_validate(cs, err))) goto fail;

    /* optional cross-checks */
    const cJSON *dj = cJSON_GetObjectItemCaseSensitive(csj, "degree");
    if (dj) {
        uint32_t d;
        if ((st = get_u32_(csj, "degree", P, &d, err))) goto fail;
        if (d != zk_cs_degree(cs)) {
            st = zk_fail(err, ZK_ERR_SHAPE, "%s.degree: says %u, but the system's degree is %u", P, d, zk_cs_degree(cs));
            goto fail;
        }
    }
    const cJSON *bj = cJSON_GetObjectItemCaseSensitive(csj, "blinding_factors");
    if (bj) {
        uint32_t b;
        if ((st = get_u32_(csj, "blinding_factors", P, &b, err))) goto fail;
        if (b != zk_cs_blinding_factors(cs)) {
            st = zk_fail(err, ZK_ERR_SHAPE, "%s.blinding_factors: says %u, but the system needs %u", P, b,
                         zk_cs_blinding_factors(cs));
            goto fail;
        }
    }
    *out = cs;
    return ZK_OK;

fail:
    if (st == ZK_OK) st = zk_fail(err, ZK_ERR_PARSE, "constraint_system: invalid");
    zk_cs_free(cs);
    return st;
}

/* ---- whole circuits ---- */

/* {column: {type, index}, row} */
static zk_status parse_cell_(const cJSON *o, const char *path, zk_column *col, uint32_t *row, zk_error *err) {
    char p[PATH_MAX_ + 16];
    snprintf(p, sizeof p, "%s.column", path);
    zk_status st = parse_column_(cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "column") : NULL, p, col, err);
    if (!st) st = get_u32_(o, "row", path, row, err);
    return st;
}

static zk_status parse_copy_(zk_assignment *a, const cJSON *op, const char *path, zk_error *err) {
    zk_column l, r;
    uint32_t lr, rr;
    char p[PATH_MAX_ + 8];
    snprintf(p, sizeof p, "%s.left", path);
    zk_status st = parse_cell_(cJSON_GetObjectItemCaseSensitive(op, "left"), p, &l, &lr, err);
    if (st) return st;
    snprintf(p, sizeof p, "%s.right", path);
    if ((st = parse_cell_(cJSON_GetObjectItemCaseSensitive(op, "right"), p, &r, &rr, err))) return st;
    zk_error e2;
    st = zk_asg_copy(a, l, lr, r, rr, &e2);
    if (st) return zk_fail(err, st, "%s: %s", path, e2.msg);
    return ZK_OK;
}

static zk_status load_instance_(zk_assignment *a, const cJSON *root, zk_error *err) {
    zk_status st;
    const cJSON *inst = get_array_(root, "instance", "circuit", err, &st);
    if (!inst) return st;
    if ((uint32_t)cJSON_GetArraySize(inst) != a->num_instance)
        return zk_fail(err, ZK_ERR_SHAPE, "instance: %d columns given, the circuit has %u", cJSON_GetArraySize(inst),
                       a->num_instance);
    int c = 0;
    const cJSON *col;
    cJSON_ArrayForEach(col, inst) {
        if (!cJSON_IsArray(col)) return zk_fail(err, ZK_ERR_PARSE, "instance[%d]: expected an array", c);
        size_t len = (size_t)cJSON_GetArraySize(col);
        if (len > a->usable)
            return zk_fail(err, ZK_ERR_RANGE, "instance[%d]: %zu values, more than the %zu usable rows", c, len, a->usable);
        int r = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, col) {
            char p[64];
            snprintf(p, sizeof p, "instance[%d][%d]", c, r);
            zk_fp x;
            if ((st = zk_fp_from_json(&x, v, p, err))) return st;
            if ((st = zk_asg_assign_instance(a, (uint32_t)c, (size_t)r, &x, err))) return st;
            r++;
        }
        c++;
    }
    return ZK_OK;
}

/* The selector columns as keygen's compression makes them, from the rows
 * where each selector was enabled (sel[s*n + r]). */
static zk_status compress_selectors_(const zk_cs *cs, zk_assignment *a, const uint8_t *sel, zk_error *err) {
    if (cs->num_selectors == 0) return ZK_OK;
    if (!cs->selector_map)
        return zk_fail(err, ZK_ERR_PARSE,
                       "constraint_system.selector_map_to_fixed_column is needed to rebuild the selector columns");
    for (uint32_t s = 0; s < cs->num_selectors; s++) {
        uint32_t col = cs->selector_map[s];
        uint64_t rank = 1;
        for (uint32_t t = 0; t < s; t++)
            if (cs->selector_map[t] == col) rank++;
        zk_fp v;
        zk_fp_from_u64(&v, rank);
        zk_fp *c = zk_asg_fixed(a, col);
        for (size_t r = 0; r < a->n; r++)
            if (sel[(size_t)s * a->n + r]) c[r] = v;
        zk_asg_mark_fixed_column(a, col);
    }
    return ZK_OK;
}

/* Replays the synthesis log. Fixed assignments are always replayed (they mark
 * assigned cells); fixed_column_values, if used, overwrite the values after. */
static zk_status load_log_(const zk_cs *cs, zk_assignment *a, const cJSON *log, zk_error *err) {
    zk_status st = ZK_OK;
    uint8_t *sel = calloc((size_t)cs->num_selectors * a->n + 1, 1);
    if (!sel) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    int i = 0;
    const cJSON *op;
    cJSON_ArrayForEach(op, log) {
        char p[64];
        snprintf(p, sizeof p, "synthesis_log[%d]", i++);
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(op, "op");
        if (!cJSON_IsString(o)) {
            st = zk_fail(err, ZK_ERR_PARSE, "%s.op: expected a string", p);
            break;
        }
        const char *name = o->valuestring;
        uint32_t col, row;
        zk_fp v;
        zk_error e2;
        if (!strcmp(name, "enter_region") || !strcmp(name, "exit_region") || !strcmp(name, "push_namespace") ||
            !strcmp(name, "pop_namespace")) {
            continue;
        } else if (!strcmp(name, "assign_advice") || !strcmp(name, "assign_fixed")) {
            int adv = name[7] == 'a';
            if ((st = get_u32_(op, "column", p, &col, err)) || (st = get_u32_(op, "row", p, &row, err))) break;
            char pv[80];
            snprintf(pv, sizeof pv, "%s.value", p);
            if ((st = zk_fp_from_json(&v, cJSON_GetObjectItemCaseSensitive(op, "value"), pv, err))) break;
            st = adv ? zk_asg_assign_advice(a, col, row, &v, &e2) : zk_asg_assign_fixed(a, col, row, &v, &e2);
            if (st) {
                st = zk_fail(err, st, "%s: %s", p, e2.msg);
                break;
            }
        } else if (!strcmp(name, "fill_from_row")) {
            if ((st = get_u32_(op, "column", p, &col, err)) || (st = get_u32_(op, "from_row", p, &row, err))) break;
            char pv[80];
            snprintf(pv, sizeof pv, "%s.value", p);
            if ((st = zk_fp_from_json(&v, cJSON_GetObjectItemCaseSensitive(op, "value"), pv, err))) break;
            if ((st = zk_asg_fill_fixed(a, col, row, &v, &e2))) {
                st = zk_fail(err, st, "%s: %s", p, e2.msg);
                break;
            }
        } else if (!strcmp(name, "enable_selector")) {
            uint32_t s;
            if ((st = get_u32_(op, "selector", p, &s, err)) || (st = get_u32_(op, "row", p, &row, err))) break;
            if (s >= cs->num_selectors) {
                st = zk_fail(err, ZK_ERR_PARSE, "%s.selector: selector %u does not exist", p, s);
                break;
            }
            if (row >= a->usable) {
                st = zk_fail(err, ZK_ERR_RANGE, "%s: not enough rows available (row %u, %zu usable rows)", p, row, a->usable);
                break;
            }
            sel[(size_t)s * a->n + row] = 1;
        } else if (!strcmp(name, "copy")) {
            if ((st = parse_copy_(a, op, p, err))) break;
        } else {
            st = zk_fail(err, ZK_ERR_PARSE, "%s.op: unknown operation \"%s\"", p, name);
            break;
        }
    }
    if (!st) st = compress_selectors_(cs, a, sel, err);
    free(sel);
    return st;
}

static zk_status load_fixed_values_(zk_assignment *a, const cJSON *fv, zk_error *err) {
    if (!cJSON_IsArray(fv) || (uint32_t)cJSON_GetArraySize(fv) != a->num_fixed)
        return zk_fail(err, ZK_ERR_SHAPE, "fixed_column_values: expected %u columns", a->num_fixed);
    int c = 0;
    const cJSON *col;
    cJSON_ArrayForEach(col, fv) {
        if (!cJSON_IsArray(col) || (size_t)cJSON_GetArraySize(col) != a->n)
            return zk_fail(err, ZK_ERR_SHAPE, "fixed_column_values[%d]: expected %zu values", c, a->n);
        zk_fp *dst = zk_asg_fixed(a, (uint32_t)c);
        int r = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, col) {
            char p[64];
            snprintf(p, sizeof p, "fixed_column_values[%d][%d]", c, r);
            zk_status st = zk_fp_from_json(&dst[r], v, p, err);
            if (st) return st;
            r++;
        }
        c++;
    }
    return ZK_OK;
}

static zk_status load_advice_columns_(zk_assignment *a, const cJSON *root, zk_error *err) {
    const cJSON *adv = cJSON_GetObjectItemCaseSensitive(root, "advice");
    const cJSON *cols = cJSON_IsObject(adv) ? cJSON_GetObjectItemCaseSensitive(adv, "columns") : NULL;
    if (!cJSON_IsArray(cols)) return zk_fail(err, ZK_ERR_PARSE, "advice.columns: missing (and no synthesis_log)");
    if ((uint32_t)cJSON_GetArraySize(cols) != a->num_advice)
        return zk_fail(err, ZK_ERR_SHAPE, "advice.columns: %d columns given, the circuit has %u", cJSON_GetArraySize(cols),
                       a->num_advice);
    int c = 0;
    const cJSON *col;
    cJSON_ArrayForEach(col, cols) {
        if (!cJSON_IsArray(col)) return zk_fail(err, ZK_ERR_PARSE, "advice.columns[%d]: expected an array", c);
        if ((size_t)cJSON_GetArraySize(col) > a->usable)
            return zk_fail(err, ZK_ERR_RANGE, "advice.columns[%d]: %d rows, more than the %zu usable rows", c,
                           cJSON_GetArraySize(col), a->usable);
        int r = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, col) {
            char p[64];
            snprintf(p, sizeof p, "advice.columns[%d][%d]", c, r);
            zk_fp x;
            zk_status st = zk_fp_from_json(&x, v, p, err);
            if (!st) st = zk_asg_assign_advice(a, (uint32_t)c, (size_t)r, &x, err);
            if (st) return st;
            r++;
        }
        c++;
    }
    const cJSON *cc = cJSON_GetObjectItemCaseSensitive(root, "copy_constraints");
    const cJSON *copies = cJSON_IsObject(cc) ? cJSON_GetObjectItemCaseSensitive(cc, "copies") : NULL;
    if (!cJSON_IsArray(copies)) return zk_fail(err, ZK_ERR_PARSE, "copy_constraints.copies: missing");
    int i = 0;
    const cJSON *cp;
    cJSON_ArrayForEach(cp, copies) {
        char p[64];
        snprintf(p, sizeof p, "copy_constraints.copies[%d]", i++);
        zk_status st = parse_copy_(a, cp, p, err);
        if (st) return st;
    }
    return ZK_OK;
}

zk_status zk_circuit_from_json(const cJSON *root, unsigned flags, uint32_t *k_out, zk_cs **cs_out,
                               zk_assignment **asg_out, zk_error *err) {
    *cs_out = NULL;
    *asg_out = NULL;
    if (!cJSON_IsObject(root)) return zk_fail(err, ZK_ERR_PARSE, "circuit: expected a JSON object");
    uint32_t k;
    zk_status st = get_u32_(root, "k", "circuit", &k, err);
    if (st) return st;
    if (k < 1 || k > 28) return zk_fail(err, ZK_ERR_PARSE, "circuit.k: %u is out of range (1..28)", k);
    const cJSON *csj = cJSON_GetObjectItemCaseSensitive(root, "constraint_system");
    if (!csj) return zk_fail(err, ZK_ERR_PARSE, "constraint_system: missing");
    zk_cs *cs;
    if ((st = zk_cs_from_json(csj, &cs, err))) return st;
    const cJSON *log = cJSON_GetObjectItemCaseSensitive(root, "synthesis_log");
    if (log && !cJSON_IsArray(log)) {
        zk_cs_free(cs);
        return zk_fail(err, ZK_ERR_PARSE, "synthesis_log: expected an array");
    }
    const cJSON *fv = cJSON_GetObjectItemCaseSensitive(root, "fixed_column_values");
    int fixed_from_log = log && (!fv || (flags & ZK_LOAD_FIXED_FROM_LOG));
    if (!log && !fv) {
        zk_cs_free(cs);
        return zk_fail(err, ZK_ERR_PARSE, "fixed_column_values: missing (and no synthesis_log)");
    }
    zk_assignment *a;
    if ((st = zk_assignment_new(&a, cs, k, log ? ZK_ASG_TRACK : 0, err))) {
        zk_cs_free(cs);
        return st;
    }
    st = load_instance_(a, root, err);
    if (!st) st = log ? load_log_(cs, a, log, err) : load_advice_columns_(a, root, err);
    if (!st && !fixed_from_log) st = load_fixed_values_(a, fv, err);
    if (st) {
        zk_assignment_free(a);
        zk_cs_free(cs);
        return st;
    }
    if (k_out) *k_out = k;
    *cs_out = cs;
    *asg_out = a;
    return ZK_OK;
}

zk_status zk_circuit_from_json_text(const char *text, size_t len, unsigned flags, uint32_t *k_out, zk_cs **cs_out,
                                    zk_assignment **asg_out, zk_error *err) {
    *cs_out = NULL;
    *asg_out = NULL;
    if (!text) return zk_fail(err, ZK_ERR_INVALID_ARG, "circuit: no text");
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) {
        const char *where = cJSON_GetErrorPtr();
        size_t off = where && where >= text && where <= text + len ? (size_t)(where - text) : 0;
        return zk_fail(err, ZK_ERR_PARSE, "circuit: malformed JSON near byte %zu", off);
    }
    zk_status st = zk_circuit_from_json(root, flags, k_out, cs_out, asg_out, err);
    cJSON_Delete(root);
    return st;
}
