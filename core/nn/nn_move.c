/* Data movement (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat,
 * Slice, Pad, Gather, Tile, Expand, Split, Trilu), Resize/Upsample, and the
 * load-time constant ops (Constant, Shape, ConstantOfShape, Range).
 *
 * Shapes are static, so every movement is an index map computed once at load:
 * out[i] = in[k][j] (map entry (k << 40) | j) or a fill value (-1). The float
 * and the quantized kernels apply the same map; quantized values keep their
 * scale (Concat aligns its inputs to the largest scale exactly, by left
 * shifts), so movement never rounds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"

#define MAP(k, j) (((int64_t)(k) << ZK_NN_MAP_SHIFT) | (int64_t)(j))

static int64_t *new_map(zk_nn_model *m, const zk_nn_value *o) {
    return zk_nn_alloc(m, (size_t)(o->numel ? o->numel : 1) * sizeof(int64_t));
}

static void strides_of(const int64_t *dims, int rank, int64_t *st) {
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        st[d] = s;
        s *= dims[d];
    }
}

/* Reads constant integer input k into v (at most cap entries); returns count or -1. */
static int64_t const_ints(const zk_nn_model *m, const zk_nn_node *n, int k, int64_t *v, int64_t cap) {
    zk_nn_value *c = zk_nn_in(m, n, k);
    if (!c || !c->is_const || c->numel > cap) return -1;
    for (int64_t i = 0; i < c->numel; i++) v[i] = zk_nn_d2i(c->cdata[i]);
    return c->numel;
}

static zk_status need_const(const zk_nn_model *m, const zk_nn_node *n, int k, const char *what, zk_error *err) {
    zk_nn_value *c = zk_nn_in(m, n, k);
    if (c && !c->is_const)
        return zk_nn_fail(err, ZK_ERR_SHAPE, n, "%s is computed at run time; shapes cannot be resolved statically", what);
    return ZK_OK;
}

/* Generic odometer over an output shape, calling BODY with multi-index idx and flat i. */
#define FOR_EACH_INDEX(rank, dims, numel, ...)                         \
    do {                                                               \
        int64_t idx[ZK_NN_MAX_RANK] = {0};                             \
        for (int64_t i = 0; i < (numel); i++) {                        \
            __VA_ARGS__;                                               \
            for (int d = (rank) - 1; d >= 0; d--) {                    \
                if (++idx[d] < (dims)[d]) break;                       \
                idx[d] = 0;                                            \
            }                                                          \
        }                                                              \
    } while (0)

zk_status sh_move(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    if (!x || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs an input and an output");
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    int64_t od[ZK_NN_MAX_RANK];
    int orank = 0;
    int64_t xs[ZK_NN_MAX_RANK];
    strides_of(x->dims, x->rank, xs);
    n->fill = 0;
    zk_status st;
    switch (n->op) {
    case ZK_NN_OP_RESHAPE: {
        if ((st = need_const(m, n, 1, "the target shape", err))) return st;
        int64_t sh[ZK_NN_MAX_RANK + 1];
        int64_t cnt;
        const int64_t *as;
        size_t nas = zk_nn_attr_ints(n, "shape", &as); /* opset 1-4 */
        if (zk_nn_in(m, n, 1)) {
            cnt = const_ints(m, n, 1, sh, ZK_NN_MAX_RANK);
            if (cnt < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "target shape has rank above %d", ZK_NN_MAX_RANK);
        } else if (nas && nas <= ZK_NN_MAX_RANK) {
            for (size_t i = 0; i < nas; i++) sh[i] = as[i];
            cnt = (int64_t)nas;
        } else return zk_nn_fail(err, ZK_ERR_PARSE, n, "missing target shape");
        int allowzero = (int)zk_nn_attr_i(n, "allowzero", 0);
        int neg = -1;
        int64_t known = 1;
        for (int64_t i = 0; i < cnt; i++) {
            if (sh[i] == 0 && !allowzero) {
                if (i >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "0 in the target shape past the input rank");
                sh[i] = x->dims[i];
            }
            if (sh[i] == -1) {
                if (neg >= 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "two -1 entries in the target shape");
                neg = (int)i;
            } else if (sh[i] < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "negative dimension in the target shape");
            else if (sh[i] > ZK_ONNX_MAX_ELEMS) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "target shape too large");
            else known *= sh[i] ? sh[i] : 1;
            if (known > ZK_ONNX_MAX_ELEMS) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "target shape too large");
        }
        int64_t zero = 0;
        for (int64_t i = 0; i < cnt; i++) zero |= sh[i] == 0;
        if (neg >= 0) {
            if (zero || known == 0 || x->numel % known) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "cannot infer the -1 dimension (%lld elements)", (long long)x->numel);
            sh[neg] = x->numel / known;
        }
        for (int64_t i = 0; i < cnt; i++) od[i] = sh[i];
        orank = (int)cnt;
        break;
    }
    case ZK_NN_OP_FLATTEN: {
        int64_t axis = zk_nn_attr_i(n, "axis", 1);
        if (axis < 0) axis += x->rank;
        if (axis < 0 || axis > x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
        od[0] = 1;
        od[1] = 1;
        for (int d = 0; d < x->rank; d++) od[d < axis ? 0 : 1] *= x->dims[d];
        orank = 2;
        break;
    }
    case ZK_NN_OP_SQUEEZE: case ZK_NN_OP_UNSQUEEZE: {
        int64_t ax[ZK_NN_MAX_RANK * 2];
        int64_t na = 0;
        if ((st = need_const(m, n, 1, "axes", err))) return st;
        if (zk_nn_in(m, n, 1)) {
            na = const_ints(m, n, 1, ax, ZK_NN_MAX_RANK * 2);
            if (na < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "too many axes");
        } else {
            const int64_t *a;
            size_t k = zk_nn_attr_ints(n, "axes", &a);
            if (k > ZK_NN_MAX_RANK * 2) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "too many axes");
            for (size_t i = 0; i < k; i++) ax[i] = a[i];
            na = (int64_t)k;
        }
        int mark[ZK_NN_MAX_RANK * 2] = {0};
        if (n->op == ZK_NN_OP_SQUEEZE) {
            for (int64_t i = 0; i < na; i++) {
                int64_t a = ax[i] < 0 ? ax[i] + x->rank : ax[i];
                if (a < 0 || a >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis %lld out of range", (long long)ax[i]);
                if (x->dims[a] != 1) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "cannot squeeze dimension %lld of size %lld", (long long)a, (long long)x->dims[a]);
                mark[a] = 1;
            }
            for (int d = 0; d < x->rank; d++)
                if (!(na ? mark[d] : x->dims[d] == 1)) od[orank++] = x->dims[d];
        } else {
            int R = x->rank + (int)na;
            if (R > ZK_NN_MAX_RANK) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "rank above %d", ZK_NN_MAX_RANK);
            for (int64_t i = 0; i < na; i++) {
                int64_t a = ax[i] < 0 ? ax[i] + R : ax[i];
                if (a < 0 || a >= R || mark[a]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad axis %lld", (long long)ax[i]);
                mark[a] = 1;
            }
            int j = 0;
            for (int d = 0; d < R; d++) od[d] = mark[d] ? 1 : x->dims[j++];
            orank = R;
        }
        break;
    }
    default: break;
    }
    if (n->op == ZK_NN_OP_RESHAPE || n->op == ZK_NN_OP_FLATTEN || n->op == ZK_NN_OP_SQUEEZE || n->op == ZK_NN_OP_UNSQUEEZE) {
        if (zk_nn_set_shape(o, orank, od) || o->numel != x->numel)
            return zk_nn_fail(err, ZK_ERR_SHAPE, n, "cannot reshape %lld elements to the target shape", (long long)x->numel);
        o->dtype = x->dtype;
        n->maps = NULL; /* plain copy */
        return ZK_OK;
    }
    o->dtype = x->dtype;
    n->maps = zk_nn_alloc(m, (size_t)(n->n_out + 1) * sizeof(int64_t *));
    if (!n->maps) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    switch (n->op) {
    case ZK_NN_OP_TRANSPOSE: {
        const int64_t *perm;
        size_t np = zk_nn_attr_ints(n, "perm", &perm);
        int64_t p[ZK_NN_MAX_RANK];
        int seen[ZK_NN_MAX_RANK] = {0};
        for (int d = 0; d < x->rank; d++) {
            p[d] = np ? (d < (int)np ? perm[d] : -1) : x->rank - 1 - d;
            if (p[d] < 0) p[d] += x->rank;
            if (np != 0 && np != (size_t)x->rank) p[d] = -1;
            if (p[d] < 0 || p[d] >= x->rank || seen[p[d]]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad perm");
            seen[p[d]] = 1;
            od[d] = x->dims[p[d]];
        }
        zk_nn_set_shape(o, x->rank, od);
        int64_t *map = new_map(m, o);
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        FOR_EACH_INDEX(o->rank, o->dims, o->numel, {
            int64_t src = 0;
            for (int d = 0; d < o->rank; d++) src += idx[d] * xs[p[d]];
            map[i] = src;
        });
        n->maps[0] = map;
        return ZK_OK;
    }
    case ZK_NN_OP_CONCAT: {
        int64_t axis = zk_nn_attr_i(n, "axis", 0);
        if (axis < 0) axis += x->rank;
        if (axis < 0 || axis >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
        memcpy(od, x->dims, sizeof(int64_t) * (size_t)x->rank);
        od[axis] = 0;
        for (int k = 0; k < n->n_in; k++) {
            zk_nn_value *v = zk_nn_in(m, n, k);
            if (!v || v->rank != x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "input %d has a different rank", k);
            for (int d = 0; d < x->rank; d++)
                if (d != axis && v->dims[d] != x->dims[d]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "input %d: dimension %d is %lld, expected %lld", k, d, (long long)v->dims[d], (long long)x->dims[d]);
            od[axis] += v->dims[axis];
            if (v->dtype == ZK_NN_FLOAT) o->dtype = ZK_NN_FLOAT;
        }
        if (zk_nn_set_shape(o, x->rank, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
        int64_t *map = new_map(m, o);
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        FOR_EACH_INDEX(o->rank, o->dims, o->numel, {
            int64_t a = idx[axis];
            int k = 0;
            while (a >= zk_nn_in(m, n, k)->dims[axis]) a -= zk_nn_in(m, n, k++)->dims[axis];
            zk_nn_value *v = zk_nn_in(m, n, k);
            int64_t src = 0, s = 1;
            for (int d = x->rank - 1; d >= 0; d--) {
                src += (d == axis ? a : idx[d]) * s;
                s *= v->dims[d];
            }
            map[i] = MAP(k, src);
        });
        n->maps[0] = map;
        return ZK_OK;
    }
    case ZK_NN_OP_SLICE: {
        int64_t starts[ZK_NN_MAX_RANK], ends[ZK_NN_MAX_RANK], axes[ZK_NN_MAX_RANK], steps[ZK_NN_MAX_RANK];
        int64_t ns;
        if (m->opset >= 10 || n->n_in > 1) {
            for (int k = 1; k < 5; k++)
                if ((st = need_const(m, n, k, "a slice bound", err))) return st;
            ns = const_ints(m, n, 1, starts, ZK_NN_MAX_RANK);
            int64_t ne = const_ints(m, n, 2, ends, ZK_NN_MAX_RANK);
            if (ns < 0 || ne != ns) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "starts and ends must be constants of equal length");
            if (zk_nn_in(m, n, 3)) { if (const_ints(m, n, 3, axes, ZK_NN_MAX_RANK) != ns) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad axes"); }
            else for (int64_t i = 0; i < ns; i++) axes[i] = i;
            if (zk_nn_in(m, n, 4)) { if (const_ints(m, n, 4, steps, ZK_NN_MAX_RANK) != ns) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad steps"); }
            else for (int64_t i = 0; i < ns; i++) steps[i] = 1;
        } else {
            const int64_t *a, *b, *c;
            size_t n1 = zk_nn_attr_ints(n, "starts", &a), n2 = zk_nn_attr_ints(n, "ends", &b), n3 = zk_nn_attr_ints(n, "axes", &c);
            if (n1 != n2 || n1 > ZK_NN_MAX_RANK || (n3 && n3 != n1)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad starts/ends/axes");
            ns = (int64_t)n1;
            for (int64_t i = 0; i < ns; i++) {
                starts[i] = a[i];
                ends[i] = b[i];
                axes[i] = n3 ? c[i] : i;
                steps[i] = 1;
            }
        }
        int64_t lo[ZK_NN_MAX_RANK], step[ZK_NN_MAX_RANK];
        for (int d = 0; d < x->rank; d++) { lo[d] = 0; step[d] = 1; od[d] = x->dims[d]; }
        for (int64_t i = 0; i < ns; i++) {
            int64_t a = axes[i] < 0 ? axes[i] + x->rank : axes[i];
            if (a < 0 || a >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
            int64_t dim = x->dims[a], s = starts[i], e = ends[i], k = steps[i];
            if (k == 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "step 0");
            if (k > ZK_ONNX_MAX_ELEMS) k = ZK_ONNX_MAX_ELEMS;
            if (k < -ZK_ONNX_MAX_ELEMS) k = -ZK_ONNX_MAX_ELEMS;
            if (s < 0) s += dim;
            if (e < 0 && e > INT64_MIN / 2) e += dim;
            if (k > 0) {
                s = s < 0 ? 0 : s > dim ? dim : s;
                e = e < 0 ? 0 : e > dim ? dim : e;
                od[a] = e > s ? (e - s + k - 1) / k : 0;
            } else {
                s = s < 0 ? -1 : s > dim - 1 ? dim - 1 : s;
                e = e < -1 ? -1 : e > dim - 1 ? dim - 1 : e;
                od[a] = s > e ? (s - e + (-k) - 1) / (-k) : 0;
            }
            lo[a] = s;
            step[a] = k;
        }
        zk_nn_set_shape(o, x->rank, od);
        int64_t *map = new_map(m, o);
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        FOR_EACH_INDEX(o->rank, o->dims, o->numel, {
            int64_t src = 0;
            for (int d = 0; d < o->rank; d++) src += (lo[d] + idx[d] * step[d]) * xs[d];
            map[i] = src;
        });
        n->maps[0] = map;
        return ZK_OK;
    }
    case ZK_NN_OP_PAD: {
        int64_t pads[2 * ZK_NN_MAX_RANK] = {0}, raw[2 * ZK_NN_MAX_RANK], axes[ZK_NN_MAX_RANK];
        int64_t np, na = x->rank;
        const char *mode = zk_nn_attr_s(n, "mode", "constant");
        double val = 0;
        if (m->opset >= 11 || n->n_in > 1) {
            for (int k = 1; k < 4; k++)
                if ((st = need_const(m, n, k, "pads", err))) return st;
            np = const_ints(m, n, 1, raw, 2 * ZK_NN_MAX_RANK);
            zk_nn_value *cv = zk_nn_in(m, n, 2);
            if (cv && cv->numel > 0) val = cv->cdata[0];
            if (zk_nn_in(m, n, 3)) {
                na = const_ints(m, n, 3, axes, ZK_NN_MAX_RANK);
                if (na < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad axes");
            } else for (int d = 0; d < x->rank; d++) axes[d] = d;
        } else {
            const int64_t *a;
            size_t k = zk_nn_attr_ints(n, "pads", &a);
            if (k > 2 * ZK_NN_MAX_RANK) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad pads");
            for (size_t i = 0; i < k; i++) raw[i] = a[i];
            np = (int64_t)k;
            val = zk_nn_attr_f(n, "value", 0.0);
            for (int d = 0; d < x->rank; d++) axes[d] = d;
        }
        if (np != 2 * na) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "pads has %lld entries for %lld axes", (long long)np, (long long)na);
        for (int64_t i = 0; i < na; i++) {
            int64_t a = axes[i] < 0 ? axes[i] + x->rank : axes[i];
            if (a < 0 || a >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
            pads[a] = raw[i];
            pads[x->rank + a] = raw[na + i];
        }
        int md = !strcmp(mode, "constant") ? 0 : !strcmp(mode, "reflect") ? 1 : !strcmp(mode, "edge") ? 2 : !strcmp(mode, "wrap") ? 3 : -1;
        if (md < 0) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "pad mode '%s'", mode);
        for (int d = 0; d < x->rank; d++) {
            if (pads[d] > (1 << 24) || pads[x->rank + d] > (1 << 24) || pads[d] < -(1 << 24) || pads[x->rank + d] < -(1 << 24))
                return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad pads");
            od[d] = x->dims[d] + pads[d] + pads[x->rank + d];
            if (od[d] < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad pads");
            if (md && x->dims[d] == 0 && od[d] > 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "cannot pad an empty axis");
        }
        if (zk_nn_set_shape(o, x->rank, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
        n->fill = val;
        int64_t *map = new_map(m, o);
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        FOR_EACH_INDEX(o->rank, o->dims, o->numel, {
            int64_t src = 0;
            int fill = 0;
            for (int d = 0; d < o->rank; d++) {
                int64_t c = idx[d] - pads[d], D = x->dims[d];
                if (c < 0 || c >= D) {
                    if (md == 0) { fill = 1; break; }
                    if (md == 2) c = c < 0 ? 0 : D - 1;
                    else if (md == 3) c = ((c % D) + D) % D;
                    else { /* reflect */
                        if (D == 1) c = 0;
                        else {
                            int64_t per = 2 * (D - 1);
                            c = ((c % per) + per) % per;
                            if (c >= D) c = per - c;
                        }
                    }
                }
                src += c * xs[d];
            }
            map[i] = fill ? -1 : src;
        });
        n->maps[0] = map;
        return ZK_OK;
    }
    case ZK_NN_OP_GATHER: {
        zk_nn_value *iv = zk_nn_in(m, n, 1);
        if (!iv) return zk_nn_fail(err, ZK_ERR_PARSE, n, "missing indices");
        int64_t axis = zk_nn_attr_i(n, "axis", 0);
        if (axis < 0) axis += x->rank;
        if (axis < 0 || axis >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
        if (x->rank - 1 + iv->rank > ZK_NN_MAX_RANK) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "rank too large");
        for (int d = 0; d < axis; d++) od[orank++] = x->dims[d];
        for (int d = 0; d < iv->rank; d++) od[orank++] = iv->dims[d];
        for (int d = (int)axis + 1; d < x->rank; d++) od[orank++] = x->dims[d];
        if (zk_nn_set_shape(o, orank, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
        n->iparam[0] = axis;
        if (!iv->is_const) { /* run-time indices */
            n->maps[0] = NULL;
            n->iparam[7] = 1;
            return ZK_OK;
        }
        int64_t *map = new_map(m, o);
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        int64_t outer = 1, inner = 1, D = x->dims[axis];
        for (int d = 0; d < axis; d++) outer *= x->dims[d];
        for (int d = (int)axis + 1; d < x->rank; d++) inner *= x->dims[d];
        int64_t q = 0;
        for (int64_t a = 0; a < outer; a++)
            for (int64_t t = 0; t < iv->numel; t++) {
                int64_t j = zk_nn_d2i(iv->cdata[t]);
                if (j < 0) j += D;
                if (j < 0 || j >= D) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "index %lld out of range [0, %lld)", (long long)zk_nn_d2i(iv->cdata[t]), (long long)D);
                for (int64_t c = 0; c < inner; c++) map[q++] = (a * D + j) * inner + c;
            }
        n->maps[0] = map;
        return ZK_OK;
    }
    case ZK_NN_OP_TILE: case ZK_NN_OP_EXPAND: {
        if ((st = need_const(m, n, 1, n->op == ZK_NN_OP_TILE ? "repeats" : "the target shape", err))) return st;
        int64_t v[ZK_NN_MAX_RANK];
        int64_t nv = const_ints(m, n, 1, v, ZK_NN_MAX_RANK);
        if (nv < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad second input");
        int64_t srcdims[ZK_NN_MAX_RANK];
        if (n->op == ZK_NN_OP_TILE) {
            if (nv != x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "repeats has %lld entries for rank %d", (long long)nv, x->rank);
            orank = x->rank;
            for (int d = 0; d < orank; d++) {
                if (v[d] < 0 || v[d] > ZK_ONNX_MAX_ELEMS) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad repeat %lld", (long long)v[d]);
                od[d] = x->dims[d] * v[d];
                srcdims[d] = x->dims[d];
            }
        } else {
            orank = x->rank > nv ? x->rank : (int)nv;
            for (int d = 0; d < orank; d++) {
                int64_t a = d - (orank - x->rank) >= 0 ? x->dims[d - (orank - x->rank)] : 1;
                int64_t b = d - (orank - nv) >= 0 ? v[d - (orank - nv)] : 1;
                if (a != b && a != 1 && b != 1) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "cannot expand dimension %lld to %lld", (long long)a, (long long)b);
                od[d] = a == 1 ? b : a;
                srcdims[d] = a;
            }
        }
        if (zk_nn_set_shape(o, orank, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
        int64_t ss[ZK_NN_MAX_RANK];
        strides_of(srcdims, orank, ss);
        int64_t *map = new_map(m, o);
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        FOR_EACH_INDEX(o->rank, o->dims, o->numel, {
            int64_t src = 0;
            for (int d = 0; d < orank; d++) src += (srcdims[d] == 1 ? 0 : idx[d] % srcdims[d]) * ss[d];
            map[i] = src;
        });
        n->maps[0] = map;
        return ZK_OK;
    }
    case ZK_NN_OP_SPLIT: {
        int64_t axis = zk_nn_attr_i(n, "axis", 0);
        if (axis < 0) axis += x->rank;
        if (axis < 0 || axis >= x->rank) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "axis out of range");
        int64_t sizes[64];
        int64_t ns = -1;
        if ((st = need_const(m, n, 1, "split sizes", err))) return st;
        if (zk_nn_in(m, n, 1)) ns = const_ints(m, n, 1, sizes, 64);
        else {
            const int64_t *a;
            size_t k = zk_nn_attr_ints(n, "split", &a);
            if (k && k <= 64) {
                for (size_t i = 0; i < k; i++) sizes[i] = a[i];
                ns = (int64_t)k;
            }
        }
        if (ns < 0) { /* equal parts (last may be smaller with num_outputs) */
            int64_t parts = n->n_out, D = x->dims[axis];
            int64_t each = (D + parts - 1) / parts;
            for (int64_t i = 0; i < parts; i++) {
                int64_t left = D - i * each;
                sizes[i] = left < each ? (left > 0 ? left : 0) : each;
            }
            ns = parts;
        }
        if (ns != n->n_out) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "%lld split sizes for %d outputs", (long long)ns, n->n_out);
        int64_t tot = 0;
        for (int64_t i = 0; i < ns; i++) {
            if (sizes[i] < 0 || sizes[i] > x->dims[axis]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad split size");
            tot += sizes[i];
        }
        if (tot != x->dims[axis]) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "split sizes sum to %lld, axis has %lld", (long long)tot, (long long)x->dims[axis]);
        int64_t start = 0;
        for (int k = 0; k < n->n_out; k++) {
            if (n->out[k] < 0) { start += sizes[k]; continue; }
            zk_nn_value *ok = zk_nn_outv(m, n, k);
            memcpy(od, x->dims, sizeof(int64_t) * (size_t)x->rank);
            od[axis] = sizes[k];
            zk_nn_set_shape(ok, x->rank, od);
            ok->dtype = x->dtype;
            int64_t *map = new_map(m, ok);
            if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
            FOR_EACH_INDEX(ok->rank, ok->dims, ok->numel, {
                int64_t src = 0;
                for (int d = 0; d < ok->rank; d++) src += (idx[d] + (d == axis ? start : 0)) * xs[d];
                map[i] = src;
            });
            n->maps[k] = map;
            start += sizes[k];
        }
        return ZK_OK;
    }
    case ZK_NN_OP_TRILU: {
        if (x->rank < 2) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "needs rank >= 2");
        if ((st = need_const(m, n, 1, "k", err))) return st;
        int64_t k = 0;
        if (zk_nn_in(m, n, 1) && const_ints(m, n, 1, &k, 1) < 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad k");
        int upper = (int)zk_nn_attr_i(n, "upper", 1);
        zk_nn_set_shape(o, x->rank, x->dims);
        int64_t *map = new_map(m, o);
        if (!map) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        FOR_EACH_INDEX(o->rank, o->dims, o->numel, {
            int64_t r = idx[o->rank - 2], c = idx[o->rank - 1];
            int keep = upper ? c - r >= k : c - r <= k;
            map[i] = keep ? i : -1;
        });
        n->maps[0] = map;
        return ZK_OK;
    }
    default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a movement op");
    }
}

/* Run-time Gather (indices computed by the graph). idxv(j) reads index j. */
static zk_status gather_dyn(const zk_nn_model *m, const zk_nn_node *n, const void *data, const int64_t *qidx,
                            const double *fidx, void *out, zk_error *err) {
    const zk_nn_value *x = zk_nn_in(m, n, 0), *iv = zk_nn_in(m, n, 1);
    int64_t axis = n->iparam[0], outer = 1, inner = 1, D = x->dims[axis];
    for (int d = 0; d < axis; d++) outer *= x->dims[d];
    for (int d = (int)axis + 1; d < x->rank; d++) inner *= x->dims[d];
    const uint64_t *src = data;
    uint64_t *dst = out;
    int64_t q = 0;
    for (int64_t a = 0; a < outer; a++)
        for (int64_t t = 0; t < iv->numel; t++) {
            int64_t j = qidx ? qidx[t] : zk_nn_d2i(fidx[t]);
            if (j < 0) j += D;
            if (j < 0 || j >= D) return zk_nn_fail(err, ZK_ERR_RANGE, n, "index out of range [0, %lld)", (long long)D);
            memcpy(dst + q, src + (a * D + j) * inner, (size_t)inner * 8);
            q += inner;
        }
    return ZK_OK;
}

zk_status f_move(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    if (n->op == ZK_NN_OP_GATHER && n->iparam[7]) return gather_dyn(m, n, in[0], NULL, in[1], out[0], err);
    for (int k = 0; k < n->n_out; k++) {
        if (n->out[k] < 0) continue;
        const zk_nn_value *o = zk_nn_outv(m, n, k);
        if (!n->maps) {
            memcpy(out[k], in[0], (size_t)o->numel * sizeof(double));
            continue;
        }
        const int64_t *map = n->maps[k];
        int multi = n->op == ZK_NN_OP_CONCAT;
        for (int64_t i = 0; i < o->numel; i++) {
            int64_t s = map[i];
            if (s < 0) out[k][i] = n->fill;
            else if (multi) out[k][i] = in[s >> ZK_NN_MAP_SHIFT][s & (((int64_t)1 << ZK_NN_MAP_SHIFT) - 1)];
            else out[k][i] = in[0][s];
        }
    }
    return ZK_OK;
}

zk_status qp_move(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    int S = x->scale;
    if (n->op == ZK_NN_OP_CONCAT)
        for (int k = 0; k < n->n_in; k++)
            if (zk_nn_in(m, n, k)->scale > S) S = zk_nn_in(m, n, k)->scale;
    for (int k = 0; k < n->n_out; k++)
        if (n->out[k] >= 0) {
            zk_nn_value *o = zk_nn_outv(m, n, k);
            o->scale = o->dtype == ZK_NN_FLOAT ? S : 0;
        }
    if (zk_nn_quantize_real(n->fill, S, &n->qi[0])) return zk_nn_fail(err, ZK_ERR_RANGE, n, "pad value out of range");
    return ZK_OK;
}

zk_status q_move(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    if (n->op == ZK_NN_OP_GATHER && n->iparam[7]) return gather_dyn(m, n, in[0], in[1], NULL, out[0], err);
    for (int k = 0; k < n->n_out; k++) {
        if (n->out[k] < 0) continue;
        const zk_nn_value *o = zk_nn_outv(m, n, k);
        if (!n->maps) {
            memcpy(out[k], in[0], (size_t)o->numel * sizeof(int64_t));
            continue;
        }
        const int64_t *map = n->maps[k];
        if (n->op == ZK_NN_OP_CONCAT) {
            for (int64_t i = 0; i < o->numel; i++) {
                int64_t s = map[i];
                int src = (int)(s >> ZK_NN_MAP_SHIFT);
                out[k][i] = zk_q_shift(in[src][s & (((int64_t)1 << ZK_NN_MAP_SHIFT) - 1)], zk_nn_in(m, n, src)->scale - o->scale);
            }
        } else {
            for (int64_t i = 0; i < o->numel; i++) out[k][i] = map[i] < 0 ? n->qi[0] : in[0][map[i]];
        }
    }
    return ZK_OK;
}

/* ================= Resize / Upsample ================= */
/* iparam[0] = taps per output; iextra = source index per tap; fextra = tap weights. */

zk_status sh_resize(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0);
    if (!x || n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs an input");
    int r = x->rank;
    double scales[ZK_NN_MAX_RANK];
    int64_t od[ZK_NN_MAX_RANK];
    int have_sizes = 0;
    int legacy = n->op == ZK_NN_OP_UPSAMPLE || m->opset < 11;
    for (int k = 1; k < n->n_in; k++)
        if (zk_nn_in(m, n, k) && !zk_nn_in(m, n, k)->is_const)
            return zk_nn_fail(err, ZK_ERR_SHAPE, n, "scales/sizes are computed at run time; shapes cannot be resolved statically");
    zk_nn_value *sv = NULL, *zv = NULL;
    if (n->op == ZK_NN_OP_UPSAMPLE || m->opset < 11) sv = zk_nn_in(m, n, 1);
    else {
        sv = zk_nn_in(m, n, 2);
        zv = zk_nn_in(m, n, 3);
    }
    const zk_onnx_attr *sa = NULL;
    for (size_t i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, "scales")) sa = &n->attrs[i];
    if (zv && zv->numel > 0) {
        if (zv->numel != r) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "sizes has %lld entries for rank %d", (long long)zv->numel, r);
        for (int d = 0; d < r; d++) {
            od[d] = zk_nn_d2i(zv->cdata[d]);
            scales[d] = x->dims[d] ? (double)od[d] / (double)x->dims[d] : 1;
        }
        have_sizes = 1;
    } else if (sv && sv->numel > 0) {
        if (sv->numel != r) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "scales has %lld entries for rank %d", (long long)sv->numel, r);
        for (int d = 0; d < r; d++) scales[d] = sv->cdata[d];
    } else if (sa && sa->type == ZK_ONNX_ATTR_FLOATS && sa->n == (size_t)r) {
        for (int d = 0; d < r; d++) scales[d] = sa->floats[d];
    } else return zk_nn_fail(err, ZK_ERR_SHAPE, n, "needs scales or sizes");
    if (!have_sizes)
        for (int d = 0; d < r; d++) {
            if (!(scales[d] > 0) || scales[d] > 1e6) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "bad scale");
            od[d] = (int64_t)zk_det_floor((double)x->dims[d] * scales[d]);
        }
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (zk_nn_set_shape(o, r, od)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "output too large");
    o->dtype = x->dtype;
    const char *mode = zk_nn_attr_s(n, "mode", "nearest");
    int linear = !strcmp(mode, "linear") || !strcmp(mode, "bilinear");
    if (!linear && strcmp(mode, "nearest")) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "mode '%s'", mode);
    const char *ctm = legacy ? "asymmetric" : zk_nn_attr_s(n, "coordinate_transformation_mode", "half_pixel");
    const char *nm = legacy ? "floor" : zk_nn_attr_s(n, "nearest_mode", "round_prefer_floor");
    if (!strcmp(ctm, "tf_crop_and_resize")) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "tf_crop_and_resize");
    int resized = 0;
    for (int d = 0; d < r; d++) resized += od[d] != x->dims[d] || scales[d] != 1.0;
    int taps = linear ? 1 << resized : 1;
    if (linear && resized > 4) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "linear resize of more than 4 axes");
    n->iparam[0] = taps;
    n->iextra = zk_nn_alloc(m, (size_t)(o->numel * taps + 1) * sizeof(int64_t));
    n->fextra = zk_nn_alloc(m, (size_t)(o->numel * taps + 1) * sizeof(double));
    if (!n->iextra || !n->fextra) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    /* per axis, per output coordinate: two source indices and the weight of the second */
    int64_t xs[ZK_NN_MAX_RANK];
    strides_of(x->dims, r, xs);
    FOR_EACH_INDEX(r, od, o->numel, {
        int64_t lo[ZK_NN_MAX_RANK], hi[ZK_NN_MAX_RANK];
        double fr[ZK_NN_MAX_RANK];
        int ax[ZK_NN_MAX_RANK], na = 0;
        for (int d = 0; d < r; d++) {
            int64_t in = x->dims[d];
            double sc = scales[d], c;
            double outl = (double)od[d];
            if (!strcmp(ctm, "half_pixel")) c = ((double)idx[d] + 0.5) / sc - 0.5;
            else if (!strcmp(ctm, "pytorch_half_pixel")) c = outl > 1 ? ((double)idx[d] + 0.5) / sc - 0.5 : 0;
            else if (!strcmp(ctm, "align_corners")) c = outl > 1 ? (double)idx[d] * (double)(in - 1) / (outl - 1) : 0;
            else if (!strcmp(ctm, "tf_half_pixel_for_nearest")) c = ((double)idx[d] + 0.5) / sc;
            else c = (double)idx[d] / sc; /* asymmetric */
            int moving = od[d] != in || sc != 1.0;
            if (!linear) {
                double f = zk_det_floor(c);
                int64_t k;
                if (!strcmp(nm, "floor")) k = (int64_t)f;
                else if (!strcmp(nm, "ceil")) k = (int64_t)-zk_det_floor(-c);
                else if (!strcmp(nm, "round_prefer_ceil")) k = (int64_t)zk_det_floor(c + 0.5);
                else k = c - f == 0.5 ? (int64_t)f : (int64_t)zk_det_floor(c + 0.5);
                lo[d] = k < 0 ? 0 : k >= in ? in - 1 : k;
                continue;
            }
            if (c < 0) c = 0;
            if (c > (double)(in - 1)) c = (double)(in - 1);
            double f = zk_det_floor(c);
            lo[d] = (int64_t)f;
            hi[d] = lo[d] + 1 < in ? lo[d] + 1 : lo[d];
            fr[d] = c - f;
            if (moving) ax[na++] = d;
        }
        for (int t = 0; t < taps; t++) {
            int64_t src = 0;
            double w = 1.0;
            for (int d = 0; d < r; d++) src += lo[d] * xs[d];
            for (int a = 0; a < na && linear; a++) {
                int d = ax[a];
                if (t >> a & 1) {
                    src += (hi[d] - lo[d]) * xs[d];
                    w *= fr[d];
                } else w *= 1.0 - fr[d];
            }
            n->iextra[i * taps + t] = src;
            n->fextra[i * taps + t] = w;
        }
    });
    return ZK_OK;
}

zk_status f_resize(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    (void)err;
    const zk_nn_value *o = zk_nn_outv(m, n, 0);
    int64_t taps = n->iparam[0];
    for (int64_t i = 0; i < o->numel; i++) {
        double acc = 0;
        for (int64_t t = 0; t < taps; t++) acc += n->fextra[i * taps + t] * in[0][n->iextra[i * taps + t]];
        out[0][i] = acc;
    }
    return ZK_OK;
}

zk_status qp_resize(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    zk_nn_value *x = zk_nn_in(m, n, 0), *o = zk_nn_outv(m, n, 0);
    int t = zk_nn_target_scale(m, o);
    int64_t taps = n->iparam[0];
    if (taps == 1) {
        o->scale = x->scale;
        return ZK_OK;
    }
    int sw = m->q.weight_bits - 1; /* weights in [0, 1] */
    n->qextra = zk_nn_alloc(m, (size_t)(o->numel * taps + 1) * sizeof(int64_t));
    if (!n->qextra) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    for (int64_t i = 0; i < o->numel * taps; i++) zk_nn_quantize_real(n->fextra[i], sw, &n->qextra[i]);
    n->qs[0] = sw;
    n->qs[1] = x->scale + sw;
    o->scale = n->qs[1] < t ? n->qs[1] : t;
    return ZK_OK;
}

zk_status q_resize(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    (void)err;
    const zk_nn_value *o = zk_nn_outv(m, n, 0);
    int64_t taps = n->iparam[0];
    if (taps == 1) {
        for (int64_t i = 0; i < o->numel; i++) out[0][i] = in[0][n->iextra[i]];
        return ZK_OK;
    }
    int sh = n->qs[1] - o->scale;
    for (int64_t i = 0; i < o->numel; i++) {
        __int128 acc = 0;
        for (int64_t t = 0; t < taps; t++) acc += (__int128)n->qextra[i * taps + t] * in[0][n->iextra[i * taps + t]];
        __int128 q = sh > 0 ? (acc + ((__int128)1 << (sh - 1))) >> sh : acc;
        out[0][i] = (int64_t)q;
    }
    return ZK_OK;
}

/* ================= load-time constants ================= */

static zk_status set_const(zk_nn_model *m, zk_nn_node *n, zk_nn_dtype dt, int rank, const int64_t *dims, const double *data,
                           double fill, zk_error *err) {
    zk_nn_value *o = zk_nn_outv(m, n, 0);
    if (zk_nn_set_shape(o, rank, dims)) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "constant too large");
    o->dtype = dt;
    o->cdata = zk_nn_alloc(m, (size_t)(o->numel ? o->numel : 1) * sizeof(double));
    if (!o->cdata) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
    for (int64_t i = 0; i < o->numel; i++) o->cdata[i] = data ? data[i] : fill;
    o->is_const = 1;
    n->dead = 1;
    return ZK_OK;
}

static zk_nn_dtype dtype_of(int32_t t) {
    switch (t) {
    case ZK_ONNX_FLOAT: case ZK_ONNX_DOUBLE: case ZK_ONNX_FLOAT16: case ZK_ONNX_BFLOAT16: return ZK_NN_FLOAT;
    case ZK_ONNX_BOOL: return ZK_NN_BOOL;
    default: return ZK_NN_INT;
    }
}

zk_status sh_const(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    if (n->n_out < 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "no output");
    switch (n->op) {
    case ZK_NN_OP_CONSTANT: {
        for (size_t i = 0; i < n->n_attrs; i++) {
            const zk_onnx_attr *a = &n->attrs[i];
            if (!strcmp(a->name, "value") && a->t) {
                if (a->t->data_type == ZK_ONNX_STRING) break;
                return set_const(m, n, dtype_of(a->t->data_type), a->t->ndim, a->t->dims, a->t->data, 0, err);
            }
            int64_t one = 1, cnt = (int64_t)a->n;
            if (!strcmp(a->name, "value_float")) return set_const(m, n, ZK_NN_FLOAT, 0, NULL, NULL, a->f, err);
            if (!strcmp(a->name, "value_int")) return set_const(m, n, ZK_NN_INT, 0, NULL, NULL, (double)a->i, err);
            if (!strcmp(a->name, "value_floats")) return set_const(m, n, ZK_NN_FLOAT, 1, &cnt, a->floats, 0, err);
            if (!strcmp(a->name, "value_ints")) {
                double *d = zk_nn_alloc(m, (a->n + 1) * sizeof(double));
                if (!d) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
                for (size_t k = 0; k < a->n; k++) d[k] = (double)a->ints[k];
                return set_const(m, n, ZK_NN_INT, 1, &cnt, d, 0, err);
            }
            (void)one;
        }
        return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "Constant without a numeric value");
    }
    case ZK_NN_OP_SHAPE: {
        zk_nn_value *x = zk_nn_in(m, n, 0);
        if (!x) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs an input");
        int64_t s = zk_nn_attr_i(n, "start", 0), e = zk_nn_attr_i(n, "end", x->rank);
        if (s < 0) s += x->rank;
        if (e < 0) e += x->rank;
        s = s < 0 ? 0 : s > x->rank ? x->rank : s;
        e = e < 0 ? 0 : e > x->rank ? x->rank : e;
        int64_t cnt = e > s ? e - s : 0;
        double d[ZK_NN_MAX_RANK];
        for (int64_t i = 0; i < cnt; i++) d[i] = (double)x->dims[s + i];
        return set_const(m, n, ZK_NN_INT, 1, &cnt, d, 0, err);
    }
    case ZK_NN_OP_CONSTANTOFSHAPE: {
        zk_nn_value *sv = zk_nn_in(m, n, 0);
        if (!sv || !sv->is_const) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "the shape is computed at run time; cannot resolve statically");
        if (sv->numel > ZK_NN_MAX_RANK) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "rank too large");
        int64_t dims[ZK_NN_MAX_RANK];
        for (int64_t i = 0; i < sv->numel; i++) dims[i] = zk_nn_d2i(sv->cdata[i]);
        double v = 0;
        zk_nn_dtype dt = ZK_NN_FLOAT;
        for (size_t i = 0; i < n->n_attrs; i++)
            if (!strcmp(n->attrs[i].name, "value") && n->attrs[i].t) {
                const zk_onnx_tensor *t = n->attrs[i].t;
                if (t->numel != 1) return zk_nn_fail(err, ZK_ERR_PARSE, n, "value must have one element");
                v = t->data[0];
                dt = dtype_of(t->data_type);
            }
        return set_const(m, n, dt, (int)sv->numel, dims, NULL, v, err);
    }
    case ZK_NN_OP_RANGE: {
        zk_nn_value *a = zk_nn_in(m, n, 0), *b = zk_nn_in(m, n, 1), *c = zk_nn_in(m, n, 2);
        if (!a || !b || !c) return zk_nn_fail(err, ZK_ERR_PARSE, n, "needs start, limit, delta");
        if (!a->is_const || !b->is_const || !c->is_const) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "Range of run-time values cannot be resolved statically");
        double s = a->cdata[0], l = b->cdata[0], d = c->cdata[0];
        if (d == 0) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "delta 0");
        double cnt = -zk_det_floor(-((l - s) / d));
        if (cnt < 0) cnt = 0;
        if (cnt > ZK_ONNX_MAX_ELEMS) return zk_nn_fail(err, ZK_ERR_SHAPE, n, "range too large");
        int64_t nn = (int64_t)cnt;
        zk_status st = set_const(m, n, a->dtype, 1, &nn, NULL, 0, err);
        if (st) return st;
        double *o = zk_nn_outv(m, n, 0)->cdata;
        for (int64_t i = 0; i < nn; i++) o[i] = s + (double)i * d;
        return ZK_OK;
    }
    default: return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "not a constant op");
    }
}

zk_status f_const(const zk_nn_model *m, const zk_nn_node *n, const double *const *in, double *const *out, zk_error *err) {
    (void)m; (void)in; (void)out;
    return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "constant op left in the graph");
}
zk_status qp_none(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    (void)m;
    return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "constant op left in the graph");
}
zk_status q_none(const zk_nn_model *m, const zk_nn_node *n, const int64_t *const *in, int64_t *const *out, zk_error *err) {
    (void)m; (void)in; (void)out;
    return zk_nn_fail(err, ZK_ERR_INTERNAL, n, "constant op left in the graph");
}
