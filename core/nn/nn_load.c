/* ONNX -> graph IR: name resolution, topological order, shape inference with
 * constant folding, BatchNormalization folding, Identity/Dropout removal and
 * dead-node elimination. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"
#include "util/io.h"

/* ---- name -> value index ---- */
typedef struct {
    const char **keys;
    int *vals;
    size_t cap;
} nmap;

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    while (*s) h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
    return h;
}

static int nmap_init(nmap *h, size_t n) {
    h->cap = 16;
    while (h->cap < 2 * n + 16) h->cap <<= 1;
    h->keys = calloc(h->cap, sizeof *h->keys);
    h->vals = calloc(h->cap, sizeof *h->vals);
    return h->keys && h->vals;
}
static void nmap_free(nmap *h) {
    free(h->keys);
    free(h->vals);
}
static int nmap_get(const nmap *h, const char *k) {
    for (size_t i = hash_str(k) & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
        if (!h->keys[i]) return -1;
        if (!strcmp(h->keys[i], k)) return h->vals[i];
    }
}
static void nmap_put(nmap *h, const char *k, int v) {
    for (size_t i = hash_str(k) & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
        if (!h->keys[i] || !strcmp(h->keys[i], k)) {
            h->keys[i] = k;
            h->vals[i] = v;
            return;
        }
    }
}

static zk_nn_dtype map_dtype(int32_t dt, int *ok) {
    *ok = 1;
    switch (dt) {
    case ZK_ONNX_FLOAT: case ZK_ONNX_DOUBLE: case ZK_ONNX_FLOAT16: case ZK_ONNX_BFLOAT16: return ZK_NN_FLOAT;
    case ZK_ONNX_BOOL: return ZK_NN_BOOL;
    case ZK_ONNX_UINT8: case ZK_ONNX_INT8: case ZK_ONNX_UINT16: case ZK_ONNX_INT16: case ZK_ONNX_INT32:
    case ZK_ONNX_INT64: case ZK_ONNX_UINT32: case ZK_ONNX_UINT64: return ZK_NN_INT;
    default: *ok = 0; return ZK_NN_FLOAT;
    }
}

static int new_value(zk_nn_model *m, const char *name) {
    if (m->n_values == m->cap_values) {
        size_t cap = m->cap_values ? 2 * m->cap_values : 64;
        zk_nn_value *nv = realloc(m->values, cap * sizeof *nv);
        if (!nv) return -1;
        m->values = nv;
        m->cap_values = cap;
    }
    zk_nn_value *v = &m->values[m->n_values];
    memset(v, 0, sizeof *v);
    v->name = (char *)name;
    v->producer = -1;
    return (int)m->n_values++;
}

/* Makes a constant value from an ONNX tensor (data shared with the ONNX arena). */
static zk_status const_from_tensor(zk_nn_model *m, int v, const zk_onnx_tensor *t, zk_error *err) {
    int ok;
    zk_nn_value *val = &m->values[v];
    val->dtype = map_dtype(t->data_type, &ok);
    if (!ok) return zk_fail(err, ZK_ERR_UNSUPPORTED, "tensor '%s' has unsupported type %s", val->name, zk_onnx_dtype_name(t->data_type));
    if (zk_nn_set_shape(val, t->ndim, t->dims)) return zk_fail(err, ZK_ERR_SHAPE, "tensor '%s': bad shape", val->name);
    val->is_const = 1;
    val->cdata = t->data;
    if (!val->cdata) {
        val->cdata = zk_nn_alloc(m, 8);
        if (!val->cdata) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    }
    return ZK_OK;
}

/* Folds a node whose inputs are all constant: runs the float kernel now. */
zk_status zk_nn_fold_node(zk_nn_model *m, zk_nn_node *n, zk_error *err) {
    const double *in[64];
    double *out[64];
    if (n->n_in > 64 || n->n_out > 64) return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "too many inputs/outputs");
    for (int k = 0; k < n->n_in; k++) in[k] = n->in[k] >= 0 ? m->values[n->in[k]].cdata : NULL;
    for (int k = 0; k < n->n_out; k++) {
        zk_nn_value *v = &m->values[n->out[k]];
        v->cdata = zk_nn_alloc(m, (size_t)(v->numel ? v->numel : 1) * sizeof(double));
        if (!v->cdata) return zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory folding a constant");
        out[k] = v->cdata;
    }
    zk_status st = zk_nn_ops[n->op].fwd_float(m, n, in, out, err);
    if (st) return st;
    for (int k = 0; k < n->n_out; k++) m->values[n->out[k]].is_const = 1;
    n->dead = 1;
    return ZK_OK;
}

/* ---- BatchNormalization folded into the Conv / Gemm that feeds it ---- */
static int fold_bn(zk_nn_model *m, zk_nn_node *bn, zk_error *err, zk_status *st) {
    zk_nn_value *x = zk_nn_in(m, bn, 0);
    if (!x || x->producer < 0 || x->n_uses != 1) return 0;
    int xprod = x->producer; /* values may move when new ones are added below */
    zk_nn_node *p = &m->nodes[xprod];
    if (p->dead || (p->op != ZK_NN_OP_CONV && p->op != ZK_NN_OP_GEMM)) return 0;
    for (int k = 1; k < 5; k++) {
        zk_nn_value *c = zk_nn_in(m, bn, k);
        if (!c || !c->is_const) return 0;
    }
    zk_nn_value *w = zk_nn_in(m, p, 1);
    if (!w || !w->is_const) return 0;
    zk_nn_value *b = zk_nn_in(m, p, 2);
    if (b && !b->is_const) return 0;
    int64_t C = x->rank >= 2 ? x->dims[1] : 0;
    if (p->op == ZK_NN_OP_GEMM) {
        if (zk_nn_attr_i(p, "transA", 0) != 0 || x->rank != 2) return 0;
        if (b && b->numel != 1 && b->numel != C) return 0;
    } else if (b && b->numel != C) return 0;
    for (int k = 1; k < 5; k++)
        if (zk_nn_in(m, bn, k)->numel != C) return 0;
    double eps = zk_nn_attr_f(bn, "epsilon", 1e-5);
    const double *gam = zk_nn_in(m, bn, 1)->cdata, *bet = zk_nn_in(m, bn, 2)->cdata;
    const double *mean = zk_nn_in(m, bn, 3)->cdata, *var = zk_nn_in(m, bn, 4)->cdata;
    /* y = (conv(x) + b - mean) * g / sqrt(var + eps) + beta = conv'(x) + b' */
    double *nw = zk_nn_alloc(m, (size_t)w->numel * sizeof(double));
    double *nb = zk_nn_alloc(m, (size_t)C * sizeof(double));
    if (!nw || !nb) {
        *st = zk_nn_fail(err, ZK_ERR_NOMEM, bn, "out of memory");
        return 1;
    }
    double alpha = p->op == ZK_NN_OP_GEMM ? zk_nn_attr_f(p, "alpha", 1.0) : 1.0;
    double beta = p->op == ZK_NN_OP_GEMM ? zk_nn_attr_f(p, "beta", 1.0) : 1.0;
    int transB = p->op == ZK_NN_OP_GEMM ? (int)zk_nn_attr_i(p, "transB", 0) : 0;
    for (int64_t c = 0; c < C; c++) {
        double a = gam[c] / sqrt(var[c] + eps);
        double bc = b ? b->cdata[b->numel == 1 ? 0 : c] * beta : 0.0;
        nb[c] = (bc - mean[c]) * a + bet[c];
        if (p->op == ZK_NN_OP_CONV) {
            int64_t per = w->numel / C;
            for (int64_t j = 0; j < per; j++) nw[c * per + j] = w->cdata[c * per + j] * a;
        } else {
            int64_t K = w->numel / C;
            for (int64_t k = 0; k < K; k++) {
                int64_t idx = transB ? c * K + k : k * C + c;
                nw[idx] = w->cdata[idx] * a * alpha;
            }
        }
    }
    int vw = new_value(m, "bn_folded_weight"), vb = new_value(m, "bn_folded_bias");
    if (vw < 0 || vb < 0) {
        *st = zk_nn_fail(err, ZK_ERR_NOMEM, bn, "out of memory");
        return 1;
    }
    w = zk_nn_in(m, p, 1); /* values may have moved */
    zk_nn_value *W = &m->values[vw], *B = &m->values[vb];
    W->dtype = B->dtype = ZK_NN_FLOAT;
    zk_nn_set_shape(W, w->rank, w->dims);
    int64_t bd[1] = {C};
    zk_nn_set_shape(B, 1, bd);
    W->is_const = B->is_const = 1;
    W->cdata = nw;
    B->cdata = nb;
    W->n_uses = B->n_uses = 1;
    if (p->n_in < 3) { /* need a bias slot */
        int *ni = zk_nn_alloc(m, 3 * sizeof(int));
        if (!ni) {
            *st = zk_nn_fail(err, ZK_ERR_NOMEM, bn, "out of memory");
            return 1;
        }
        ni[0] = p->in[0];
        ni[1] = p->in[1];
        p->in = ni;
        p->n_in = 3;
    }
    p->in[1] = vw;
    p->in[2] = vb;
    if (p->op == ZK_NN_OP_GEMM) { /* alpha folded into W, beta into b */
        zk_onnx_attr *na = zk_nn_alloc(m, sizeof *na);
        if (!na) {
            *st = zk_nn_fail(err, ZK_ERR_NOMEM, bn, "out of memory");
            return 1;
        }
        na->name = "transB";
        na->type = ZK_ONNX_ATTR_INT;
        na->i = transB;
        p->attrs = na;
        p->n_attrs = 1;
    }
    /* the producer now writes the BN output */
    int yv = bn->out[0];
    m->values[p->out[0]].producer = -1;
    m->values[p->out[0]].n_uses = 0;
    p->out[0] = yv;
    m->values[yv].producer = xprod;
    bn->dead = 1;
    return 1;
}

/* A movement whose output equals its first input element for element. */
static int is_identity_move(const zk_nn_model *m, const zk_nn_node *n) {
    switch (n->op) {
    case ZK_NN_OP_RESHAPE: case ZK_NN_OP_FLATTEN: case ZK_NN_OP_SQUEEZE: case ZK_NN_OP_UNSQUEEZE: case ZK_NN_OP_PAD:
    case ZK_NN_OP_SLICE: case ZK_NN_OP_TRANSPOSE: case ZK_NN_OP_TILE: case ZK_NN_OP_EXPAND: case ZK_NN_OP_CONCAT:
    case ZK_NN_OP_SPLIT: break;
    case ZK_NN_OP_CAST: { /* to the same kind: float to float, any int to int64, bool to bool */
        const zk_nn_value *x = zk_nn_in(m, n, 0), *o = n->out[0] >= 0 ? &m->values[n->out[0]] : NULL;
        if (!x || !o || x->dtype != o->dtype || n->n_out != 1) return 0;
        return o->dtype != ZK_NN_INT || n->iparam[0] == ZK_ONNX_INT64;
    }
    default: return 0;
    }
    if (n->n_out != 1 || n->out[0] < 0 || n->n_in < 1 || n->in[0] < 0) return 0;
    if (n->op == ZK_NN_OP_CONCAT && n->n_in != 1) return 0;
    const zk_nn_value *x = &m->values[n->in[0]], *o = &m->values[n->out[0]];
    if (x->rank != o->rank || x->dtype != o->dtype || x->numel != o->numel) return 0;
    for (int d = 0; d < x->rank; d++)
        if (x->dims[d] != o->dims[d]) return 0;
    if (!n->maps) return 1;
    if (!n->maps[0]) return 0; /* run-time movement */
    for (int64_t i = 0; i < o->numel; i++)
        if (n->maps[0][i] != i) return 0;
    return 1;
}

static zk_status load_graph(zk_nn_model *m, const zk_nn_load_opts *opts, zk_error *err) {
    const zk_onnx_graph *g = &m->onnx->graph;
    m->opset = m->onnx->opset; /* opsets outside 7..18 are read with the nearest semantics we know */
    nmap names;
    size_t total = g->n_inits + g->n_inputs;
    for (size_t i = 0; i < g->n_nodes; i++) total += g->nodes[i].n_outputs;
    if (!nmap_init(&names, total)) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    zk_status st = ZK_OK;
    int64_t batch = opts && opts->batch > 0 ? opts->batch : 1;

    /* initializers */
    for (size_t i = 0; i < g->n_inits && !st; i++) {
        int v = new_value(m, g->inits[i].name);
        if (v < 0) { st = zk_fail(err, ZK_ERR_NOMEM, "out of memory"); break; }
        st = const_from_tensor(m, v, &g->inits[i], err);
        nmap_put(&names, g->inits[i].name, v);
    }
    /* graph inputs (those that are not initializers) */
    int *inputs = calloc(g->n_inputs + 1, sizeof(int));
    if (!inputs && !st) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    size_t n_in = 0;
    for (size_t i = 0; i < g->n_inputs && !st; i++) {
        const zk_onnx_value_info *vi = &g->inputs[i];
        if (nmap_get(&names, vi->name) >= 0) continue;
        int v = new_value(m, vi->name);
        if (v < 0) { st = zk_fail(err, ZK_ERR_NOMEM, "out of memory"); break; }
        zk_nn_value *val = &m->values[v];
        int ok;
        val->dtype = map_dtype(vi->elem_type, &ok);
        if (!ok) { st = zk_fail(err, ZK_ERR_UNSUPPORTED, "graph input '%s' has unsupported type %s", vi->name, zk_onnx_dtype_name(vi->elem_type)); break; }
        if (!vi->has_shape) { st = zk_fail(err, ZK_ERR_SHAPE, "graph input '%s' has no shape", vi->name); break; }
        int64_t dims[ZK_NN_MAX_RANK];
        const zk_nn_shape *given = opts && n_in < opts->n_input_shapes && opts->input_shapes &&
                                           opts->input_shapes[n_in].rank == vi->ndim ? &opts->input_shapes[n_in] : NULL;
        for (int d = 0; d < vi->ndim; d++) dims[d] = vi->dims[d] >= 0 ? vi->dims[d] : given && given->dims[d] > 0 ? given->dims[d] : batch;
        if (zk_nn_set_shape(val, vi->ndim, dims)) { st = zk_fail(err, ZK_ERR_SHAPE, "graph input '%s': shape too large", vi->name); break; }
        val->is_input = 1;
        nmap_put(&names, vi->name, v);
        inputs[n_in++] = v;
    }
    m->inputs = inputs;
    m->n_inputs = n_in;

    /* nodes: outputs first (any order), then inputs */
    size_t nn = g->n_nodes;
    zk_nn_node *nodes = calloc(nn + 1, sizeof *nodes);
    int *alias = calloc(nn + 1, sizeof(int)); /* Identity/Dropout: output aliases input */
    if ((!nodes || !alias) && !st) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < nn && !st; i++) {
        const zk_onnx_node *on = &g->nodes[i];
        zk_nn_node *n = &nodes[i];
        n->name = on->name;
        n->op_type = on->op_type;
        n->attrs = on->attrs;
        n->n_attrs = on->n_attrs;
        int std_domain = !on->domain[0] || !strcmp(on->domain, "ai.onnx");
        n->op = std_domain ? zk_nn_op_lookup(on->op_type) : ZK_NN_OP_UNSUPPORTED;
        if (n->op == ZK_NN_OP_UNSUPPORTED) {
            m->n_unsupported++;
            if (!opts || !opts->allow_unsupported) {
                st = zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "unsupported op%s%s%s", on->domain[0] ? " in domain '" : "",
                                on->domain, on->domain[0] ? "'" : "");
                break;
            }
        }
        if (on->n_inputs > 1024 || on->n_outputs > 64) { st = zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "too many inputs or outputs"); break; }
        n->n_in = (int)on->n_inputs;
        n->n_out = (int)on->n_outputs;
        n->in = zk_nn_alloc(m, (on->n_inputs + 1) * sizeof(int));
        n->out = zk_nn_alloc(m, (on->n_outputs + 1) * sizeof(int));
        if (!n->in || !n->out) { st = zk_fail(err, ZK_ERR_NOMEM, "out of memory"); break; }
        for (size_t k = 0; k < on->n_outputs; k++) {
            const char *nm = on->outputs[k];
            if (!nm[0]) { n->out[k] = -1; continue; }
            if (nmap_get(&names, nm) >= 0) { st = zk_nn_fail(err, ZK_ERR_PARSE, n, "output '%s' is produced twice", nm); break; }
            int v = new_value(m, nm);
            if (v < 0) { st = zk_fail(err, ZK_ERR_NOMEM, "out of memory"); break; }
            m->values[v].producer = (int)i;
            nmap_put(&names, nm, v);
            n->out[k] = v;
        }
    }
    for (size_t i = 0; i < nn && !st; i++) {
        const zk_onnx_node *on = &g->nodes[i];
        zk_nn_node *n = &nodes[i];
        for (size_t k = 0; k < on->n_inputs; k++) {
            const char *nm = on->inputs[k];
            if (!nm[0]) { n->in[k] = -1; continue; }
            int v = nmap_get(&names, nm);
            if (v < 0) { st = zk_nn_fail(err, ZK_ERR_PARSE, n, "input '%s' is not produced by any node, initializer or graph input", nm); break; }
            n->in[k] = v;
        }
        if (!st && n->n_out > 0 && n->out[0] < 0 && n->op != ZK_NN_OP_UNSUPPORTED)
            st = zk_nn_fail(err, ZK_ERR_PARSE, n, "first output has no name");
    }
    /* topological order (Kahn); a cycle is an error */
    int *order = calloc(nn + 1, sizeof(int)), *pending = calloc(nn + 1, sizeof(int));
    if ((!order || !pending) && !st) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    if (!st) {
        size_t head = 0, tail = 0;
        for (size_t i = 0; i < nn; i++) {
            for (int k = 0; k < nodes[i].n_in; k++)
                if (nodes[i].in[k] >= 0 && m->values[nodes[i].in[k]].producer >= 0) pending[i]++;
            if (!pending[i]) order[tail++] = (int)i;
        }
        /* consumers lists via a simple scan (graphs are small enough) */
        int **cons = calloc(m->n_values + 1, sizeof(int *));
        int *ncons = calloc(m->n_values + 1, sizeof(int));
        if (!cons || !ncons) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < nn && !st; i++)
            for (int k = 0; k < nodes[i].n_in; k++)
                if (nodes[i].in[k] >= 0) ncons[nodes[i].in[k]]++;
        for (size_t v = 0; v < m->n_values && !st; v++) {
            cons[v] = malloc((size_t)(ncons[v] + 1) * sizeof(int));
            if (!cons[v]) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            ncons[v] = 0;
        }
        for (size_t i = 0; i < nn && !st; i++)
            for (int k = 0; k < nodes[i].n_in; k++)
                if (nodes[i].in[k] >= 0) cons[nodes[i].in[k]][ncons[nodes[i].in[k]]++] = (int)i;
        while (!st && head < tail) {
            int i = order[head++];
            for (int k = 0; k < nodes[i].n_out; k++) {
                int v = nodes[i].out[k];
                if (v < 0) continue;
                for (int c = 0; c < ncons[v]; c++) {
                    int j = cons[v][c];
                    if (--pending[j] == 0) order[tail++] = j;
                }
            }
        }
        if (!st && tail != nn) st = zk_fail(err, ZK_ERR_PARSE, "ONNX graph has a cycle (or a node input produced by a later node that never runs)");
        if (cons)
            for (size_t v = 0; v < m->n_values; v++) free(cons[v]);
        free(cons);
        free(ncons);
    }
    /* reorder nodes and renumber producers */
    if (!st) {
        zk_nn_node *sorted = calloc(nn + 1, sizeof *sorted);
        if (!sorted) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        else {
            for (size_t i = 0; i < nn; i++) sorted[i] = nodes[order[i]];
            free(nodes);
            nodes = sorted;
            for (size_t i = 0; i < nn; i++)
                for (int k = 0; k < nodes[i].n_out; k++)
                    if (nodes[i].out[k] >= 0) m->values[nodes[i].out[k]].producer = (int)i;
        }
    }
    m->nodes = nodes;
    m->n_nodes = nodes ? nn : 0;
    free(order);
    free(pending);

    /* Identity / Dropout: route consumers to the input */
    for (size_t i = 0; i < nn && !st; i++) alias[i] = -1;
    for (size_t i = 0; i < nn && !st; i++) {
        zk_nn_node *n = &nodes[i];
        for (int k = 0; k < n->n_in; k++) {
            int v = n->in[k];
            while (v >= 0 && m->values[v].producer >= 0 && alias[m->values[v].producer] >= 0 &&
                   nodes[m->values[v].producer].out[0] == v)
                v = alias[m->values[v].producer];
            n->in[k] = v;
        }
        if ((n->op == ZK_NN_OP_IDENTITY || n->op == ZK_NN_OP_DROPOUT) && n->n_in >= 1 && n->in[0] >= 0) {
            if (n->n_out > 1 && n->out[1] >= 0 && n->op == ZK_NN_OP_DROPOUT) {
                /* the mask output stays: keep the node as a copy */
            } else {
                alias[i] = n->in[0];
                n->dead = 1;
            }
        }
    }
    /* graph outputs */
    int *outputs = calloc(g->n_outputs + 1, sizeof(int));
    if (!outputs && !st) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < g->n_outputs && !st; i++) {
        int v = nmap_get(&names, g->outputs[i].name);
        if (v < 0) { st = zk_fail(err, ZK_ERR_PARSE, "graph output '%s' is not produced by any node", g->outputs[i].name); break; }
        while (m->values[v].producer >= 0 && alias[m->values[v].producer] >= 0 && nodes[m->values[v].producer].out[0] == v)
            v = alias[m->values[v].producer];
        outputs[i] = v;
    }
    m->outputs = outputs;
    m->n_outputs = outputs ? g->n_outputs : 0;
    if (!st && m->n_outputs == 0) st = zk_fail(err, ZK_ERR_PARSE, "ONNX graph has no outputs");
    free(alias);
    nmap_free(&names);

    /* shape inference and constant folding, in topological order; movements
     * that turn out to be the identity (zero Pad, full Slice, ...) are removed */
    int *valias = st ? NULL : malloc((m->n_values + 1) * sizeof(int));
    if (!valias && !st) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    for (size_t v = 0; valias && v < m->n_values; v++) valias[v] = (int)v;
    size_t n_alias = m->n_values;
    for (size_t i = 0; i < nn && !st; i++) {
        zk_nn_node *n = &nodes[i];
        if (n->dead) continue;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && (size_t)n->in[k] < n_alias) n->in[k] = valias[n->in[k]];
        int unknown = n->op == ZK_NN_OP_UNSUPPORTED;
        for (int k = 0; k < n->n_in && !unknown; k++)
            if (n->in[k] >= 0 && m->values[n->in[k]].rank < 0) unknown = 1;
        if (unknown) {
            for (int k = 0; k < n->n_out; k++)
                if (n->out[k] >= 0) m->values[n->out[k]].rank = -1;
            continue;
        }
        st = zk_nn_ops[n->op].shape(m, n, err);
        if (st) break;
        if (n->dead) continue; /* the shape rule folded it (Shape, Constant, ...) */
        int all_const = 1;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && !m->values[n->in[k]].is_const) all_const = 0;
        /* fold unless it is heavy work (then it simply runs with the graph) */
        if (all_const && zk_nn_node_cost(m, n) <= ((int64_t)1 << 27)) st = zk_nn_fold_node(m, n, err);
        else if (is_identity_move(m, n)) {
            valias[n->out[0]] = n->in[0];
            n->dead = 1;
        }
    }
    for (size_t i = 0; valias && i < m->n_outputs; i++)
        if ((size_t)m->outputs[i] < n_alias) m->outputs[i] = valias[m->outputs[i]];
    free(valias);
    /* BatchNormalization into Conv / Gemm: needs use counts */
    for (int pass = 0; pass < 2 && !st; pass++) {
        for (size_t v = 0; v < m->n_values; v++) m->values[v].n_uses = 0;
        for (size_t i = 0; i < m->n_outputs; i++) m->values[m->outputs[i]].n_uses++;
        for (size_t i = 0; i < nn; i++)
            if (!nodes[i].dead)
                for (int k = 0; k < nodes[i].n_in; k++)
                    if (nodes[i].in[k] >= 0) m->values[nodes[i].in[k]].n_uses++;
        if (pass == 1) break;
        for (size_t i = 0; i < nn && !st; i++)
            if (!nodes[i].dead && nodes[i].op == ZK_NN_OP_BATCHNORM) fold_bn(m, &nodes[i], err, &st);
    }
    /* dead nodes: nothing live reads their outputs */
    for (int changed = 1; changed && !st;) {
        changed = 0;
        for (size_t ii = nn; ii-- > 0;) {
            zk_nn_node *n = &nodes[ii];
            if (n->dead) continue;
            int used = 0;
            for (int k = 0; k < n->n_out; k++)
                if (n->out[k] >= 0 && m->values[n->out[k]].n_uses > 0) used = 1;
            if (!used) {
                n->dead = 1;
                changed = 1;
                for (int k = 0; k < n->n_in; k++)
                    if (n->in[k] >= 0) m->values[n->in[k]].n_uses--;
            }
        }
    }
    /* compact */
    if (!st) {
        size_t j = 0;
        int *renum = calloc(nn + 1, sizeof(int));
        if (!renum) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < nn; i++) {
            renum[i] = -1;
            if (!nodes[i].dead) {
                renum[i] = (int)j;
                nodes[j++] = nodes[i];
            }
        }
        for (size_t v = 0; v < m->n_values; v++) {
            zk_nn_value *val = &m->values[v];
            if (val->is_const) val->producer = -1;
            else if (val->producer >= 0) val->producer = renum[val->producer];
        }
        m->n_nodes = j;
        m->n_unsupported = 0;
        for (size_t i = 0; i < j; i++) {
            if (nodes[i].op == ZK_NN_OP_UNSUPPORTED) m->n_unsupported++;
            for (int k = 0; k < nodes[i].n_out; k++)
                if (nodes[i].out[k] >= 0) m->values[nodes[i].out[k]].producer = (int)i;
        }
        free(renum);
        for (size_t i = 0; i < m->n_outputs && !st; i++) {
            zk_nn_value *o = &m->values[m->outputs[i]];
            if (o->rank < 0 && !m->n_unsupported) st = zk_fail(err, ZK_ERR_SHAPE, "graph output '%s': shape cannot be resolved", o->name);
        }
    }
    return st;
}

zk_status zk_nn_load(const uint8_t *buf, size_t len, const zk_nn_load_opts *opts, zk_nn_model **out, zk_error *err) {
    if (!out) return zk_fail(err, ZK_ERR_INVALID_ARG, "zk_nn_load: out is NULL");
    *out = NULL;
    zk_nn_model *m = calloc(1, sizeof *m);
    if (!m) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    zk_status st = zk_onnx_parse(buf, len, &m->onnx, err);
    if (!st) {
        m->arena = m->onnx->arena;
        st = load_graph(m, opts, err);
    }
    if (st) {
        zk_nn_free(m);
        return st;
    }
    zk_nn_qopts_default(&m->q);
    *out = m;
    return ZK_OK;
}

zk_status zk_nn_load_file(const char *path, const zk_nn_load_opts *opts, zk_nn_model **out, zk_error *err) {
    if (!path || !out) return zk_fail(err, ZK_ERR_INVALID_ARG, "zk_nn_load_file: NULL argument");
    *out = NULL;
    uint8_t *buf;
    size_t n;
    zk_status rs = zk_read_file(path, ZK_ONNX_MAX_BYTES, &buf, &n, err);
    if (rs) return rs;
    zk_status st = zk_nn_load(buf, n, opts, out, err);
    free(buf);
    return st;
}

void zk_nn_free(zk_nn_model *m) {
    if (!m) return;
    free(m->values);
    free(m->nodes);
    free(m->inputs);
    free(m->outputs);
    zk_onnx_model_free(m->onnx);
    free(m);
}

/* ---- inspection ---- */
size_t zk_nn_num_values(const zk_nn_model *m) { return m->n_values; }
size_t zk_nn_num_nodes(const zk_nn_model *m) { return m->n_nodes; }
size_t zk_nn_num_inputs(const zk_nn_model *m) { return m->n_inputs; }
size_t zk_nn_num_outputs(const zk_nn_model *m) { return m->n_outputs; }
int zk_nn_input(const zk_nn_model *m, size_t i) { return i < m->n_inputs ? m->inputs[i] : -1; }
int zk_nn_output(const zk_nn_model *m, size_t i) { return i < m->n_outputs ? m->outputs[i] : -1; }
int64_t zk_nn_opset(const zk_nn_model *m) { return m->opset; }
const char *zk_nn_producer(const zk_nn_model *m) { return m->onnx->producer; }
size_t zk_nn_num_unsupported(const zk_nn_model *m) { return m->n_unsupported; }

zk_status zk_nn_get_value(const zk_nn_model *m, int v, zk_nn_value_info *out) {
    if (v < 0 || (size_t)v >= m->n_values || !out) return ZK_ERR_INVALID_ARG;
    const zk_nn_value *val = &m->values[v];
    out->name = val->name;
    out->dtype = val->dtype;
    out->rank = val->rank;
    out->dims = val->dims;
    out->numel = val->numel;
    out->is_const = val->is_const;
    out->scale = val->scale;
    out->producer = val->producer;
    return ZK_OK;
}

zk_status zk_nn_get_node(const zk_nn_model *m, size_t i, zk_nn_node_info *out) {
    if (i >= m->n_nodes || !out) return ZK_ERR_INVALID_ARG;
    const zk_nn_node *n = &m->nodes[i];
    out->name = n->name;
    out->supported = n->op != ZK_NN_OP_UNSUPPORTED;
    out->op = out->supported ? zk_nn_ops[n->op].name : n->op_type;
    out->n_inputs = n->n_in;
    out->n_outputs = n->n_out;
    out->inputs = n->in;
    out->outputs = n->out;
    return ZK_OK;
}

int64_t zk_nn_param_count(const zk_nn_model *m) {
    int64_t total = 0;
    for (size_t v = 0; v < m->n_values; v++) {
        const zk_nn_value *val = &m->values[v];
        if (val->is_const && val->dtype == ZK_NN_FLOAT && val->n_uses > 0 && val->producer < 0) total += val->numel;
    }
    return total;
}

const int64_t *zk_nn_node_table(const zk_nn_model *m, size_t node, int64_t *lo, int64_t *n, int *in_scale,
                                int *out_scale) {
    if (node >= m->n_nodes || !m->quantized) return NULL;
    const zk_nn_table *t = &m->nodes[node].table;
    if (!t->v) return NULL;
    if (lo) *lo = t->lo;
    if (n) *n = t->n;
    if (in_scale) *in_scale = t->in_scale;
    if (out_scale) *out_scale = t->out_scale;
    return t->v;
}
