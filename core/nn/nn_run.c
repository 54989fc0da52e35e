/* Running a graph (float reference and exact quantized), calibration and the
 * quantization plan. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nn_internal.h"

struct zk_nn_run {
    const zk_nn_model *m;
    int quant;
    double **f;
    int64_t **q;
    char *owned;   /* per value: buffer owned by the run */
};

void zk_nn_qopts_default(zk_nn_qopts *o) {
    o->act_bits = 16;
    o->weight_bits = 16;
    o->table_bits = 16;
    o->range_bits = 40;
    o->max_scale = 30;
    o->fixed_scale = -1;
    o->target = 1e-3;
}

int zk_nn_is_quantized(const zk_nn_model *m) { return m->quantized; }
int zk_nn_act_bits(const zk_nn_model *m) { return m->act_bits; }

int zk_nn_target_scale(const zk_nn_model *m, const zk_nn_value *v) {
    if (v->dtype != ZK_NN_FLOAT) return 0;
    if (m->q.fixed_scale >= 0) return m->q.fixed_scale;
    int A = m->act_bits, s = A - 1;
    double a = v->absmax;
    if (!(a > 0) || a != a || a > 1e300) return s < m->q.max_scale ? s : m->q.max_scale;
    /* largest s with a 2^s < 2^(A-1), by exact doubling / halving */
    double lim = 1.0, t = a;
    for (int i = 0; i < A - 1; i++) lim *= 2;
    for (int i = 0; i < s; i++) t *= 2;
    while (t >= lim && s > 0) { t *= 0.5; s--; }
    while (s < m->q.max_scale && t * 2 < lim) { t *= 2; s++; }
    return s;
}

/* ---------------- runs ---------------- */

static zk_nn_run *run_new(const zk_nn_model *m, int quant) {
    zk_nn_run *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->m = m;
    r->quant = quant;
    r->f = calloc(m->n_values + 1, sizeof(double *));
    r->q = calloc(m->n_values + 1, sizeof(int64_t *));
    r->owned = calloc(m->n_values + 1, 1);
    if (!r->f || !r->q || !r->owned) {
        zk_nn_run_free(r);
        return NULL;
    }
    return r;
}

void zk_nn_run_free(zk_nn_run *r) {
    if (!r) return;
    for (size_t v = 0; r->owned && v < r->m->n_values; v++)
        if (r->owned[v]) {
            free(r->f[v]);
            free(r->q[v]);
        }
    free(r->f);
    free(r->q);
    free(r->owned);
    free(r);
}

static zk_status check_runnable(const zk_nn_model *m, zk_error *err) {
    if (m->n_unsupported) {
        for (size_t i = 0; i < m->n_nodes; i++)
            if (m->nodes[i].op == ZK_NN_OP_UNSUPPORTED)
                return zk_nn_fail(err, ZK_ERR_UNSUPPORTED, &m->nodes[i], "unsupported op; the model cannot run");
    }
    return ZK_OK;
}

void zk_nn_set_keep_trace(zk_nn_model *m, int keep) { m->drop_trace = !keep; }

/* Frees the buffers of intermediate values (not inputs, constants or outputs). */
static void drop_value(zk_nn_run *r, size_t v) {
    const zk_nn_model *m = r->m;
    if (!r->owned[v] || m->values[v].is_input) return;
    for (size_t i = 0; i < m->n_outputs; i++)
        if ((size_t)m->outputs[i] == v) return;
    free(r->f[v]);
    free(r->q[v]);
    r->f[v] = NULL;
    r->q[v] = NULL;
    r->owned[v] = 0;
}

static zk_status run_graph(zk_nn_run *r, zk_error *err) {
    const zk_nn_model *m = r->m;
    int *last = NULL;
    zk_status st = ZK_OK;
    if (m->drop_trace) { /* last consumer of every value */
        last = malloc((m->n_values + 1) * sizeof(int));
        if (!last) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        for (size_t v = 0; v < m->n_values; v++) last[v] = -1;
        for (size_t i = 0; i < m->n_nodes; i++)
            for (int k = 0; k < m->nodes[i].n_in; k++)
                if (m->nodes[i].in[k] >= 0) last[m->nodes[i].in[k]] = (int)i;
    }
    const double *fin[64];
    double *fout[64];
    const int64_t *qin[64];
    int64_t *qout[64];
    for (size_t i = 0; i < m->n_nodes; i++) {
        const zk_nn_node *n = &m->nodes[i];
        if (n->n_in > 64 || n->n_out > 64) { st = zk_nn_fail(err, ZK_ERR_UNSUPPORTED, n, "too many inputs"); break; }
        for (int k = 0; k < n->n_in; k++) {
            int v = n->in[k];
            fin[k] = v >= 0 ? r->f[v] : NULL;
            qin[k] = v >= 0 ? r->q[v] : NULL;
            if (v >= 0 && !(r->quant ? (void *)r->q[v] : (void *)r->f[v])) st = zk_nn_fail(err, ZK_ERR_INTERNAL, n, "input %d has no data", k);
        }
        if (st) break;
        for (int k = 0; k < n->n_out; k++) {
            int v = n->out[k];
            fout[k] = NULL;
            qout[k] = NULL;
            if (v < 0) continue;
            size_t cnt = (size_t)(m->values[v].numel ? m->values[v].numel : 1);
            if (r->quant) r->q[v] = qout[k] = calloc(cnt, sizeof(int64_t));
            else r->f[v] = fout[k] = calloc(cnt, sizeof(double));
            r->owned[v] = 1;
            if (!(r->quant ? (void *)qout[k] : (void *)fout[k])) st = zk_nn_fail(err, ZK_ERR_NOMEM, n, "out of memory");
        }
        if (st) break;
        st = r->quant ? zk_nn_ops[n->op].fwd_quant(m, n, qin, qout, err) : zk_nn_ops[n->op].fwd_float(m, n, fin, fout, err);
        if (st) break;
        if (r->quant)
            for (int k = 0; k < n->n_out && !st; k++)
                if (n->out[k] >= 0) st = zk_nn_check_range(m, n, &m->values[n->out[k]], qout[k], err);
        if (st) break;
        if (last)
            for (int k = 0; k < n->n_in; k++)
                if (n->in[k] >= 0 && last[n->in[k]] == (int)i) drop_value(r, (size_t)n->in[k]);
    }
    free(last);
    return st;
}

zk_status zk_nn_run_float(const zk_nn_model *m, const double *const *inputs, zk_nn_run **out, zk_error *err) {
    if (!m || !out || (!inputs && m->n_inputs)) return zk_fail(err, ZK_ERR_INVALID_ARG, "zk_nn_run_float: NULL argument");
    *out = NULL;
    zk_status st = check_runnable(m, err);
    if (st) return st;
    zk_nn_run *r = run_new(m, 0);
    if (!r) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    for (size_t v = 0; v < m->n_values; v++)
        if (m->values[v].is_const) r->f[v] = m->values[v].cdata;
    for (size_t i = 0; i < m->n_inputs; i++) {
        const zk_nn_value *iv = &m->values[m->inputs[i]];
        double *d = malloc((size_t)(iv->numel ? iv->numel : 1) * sizeof(double));
        if (!d || (!inputs[i] && iv->numel)) {
            free(d);
            zk_nn_run_free(r);
            return zk_fail(err, d ? ZK_ERR_INVALID_ARG : ZK_ERR_NOMEM, "input %zu missing", i);
        }
        if (iv->numel) memcpy(d, inputs[i], (size_t)iv->numel * sizeof(double));
        r->f[m->inputs[i]] = d;
        r->owned[m->inputs[i]] = 1;
    }
    st = run_graph(r, err);
    if (st) {
        zk_nn_run_free(r);
        return st;
    }
    *out = r;
    return ZK_OK;
}

static zk_status run_quant(const zk_nn_model *m, const double *const *finputs, const int64_t *const *qinputs, zk_nn_run **out,
                           zk_error *err) {
    if (!m || !out || (!finputs && !qinputs && m->n_inputs)) return zk_fail(err, ZK_ERR_INVALID_ARG, "zk_nn_run_quant: NULL argument");
    *out = NULL;
    if (!m->quantized) return zk_fail(err, ZK_ERR_STATE, "the model is not calibrated (call zk_nn_calibrate first)");
    zk_status st = check_runnable(m, err);
    if (st) return st;
    zk_nn_run *r = run_new(m, 1);
    if (!r) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    for (size_t v = 0; v < m->n_values; v++)
        if (m->values[v].is_const) r->q[v] = m->values[v].qdata;
    int64_t lim = (int64_t)1 << m->q.range_bits;
    for (size_t i = 0; i < m->n_inputs && !st; i++) {
        const zk_nn_value *iv = &m->values[m->inputs[i]];
        int64_t *d = malloc((size_t)(iv->numel ? iv->numel : 1) * sizeof(int64_t));
        if (!d) { st = zk_fail(err, ZK_ERR_NOMEM, "out of memory"); break; }
        r->q[m->inputs[i]] = d;
        r->owned[m->inputs[i]] = 1;
        for (int64_t k = 0; k < iv->numel; k++) {
            if (qinputs) d[k] = qinputs[i][k];
            else if (zk_nn_quantize_real(finputs[i][k], iv->scale, &d[k])) d[k] = lim;
            if (d[k] >= lim || d[k] <= -lim) {
                st = zk_fail(err, ZK_ERR_RANGE, "input '%s'[%lld] = %g does not fit the range bound 2^%d at scale 2^-%d",
                             iv->name, (long long)k, finputs ? finputs[i][k] : (double)d[k], m->q.range_bits, iv->scale);
                break;
            }
        }
    }
    if (!st) st = run_graph(r, err);
    if (st) {
        zk_nn_run_free(r);
        return st;
    }
    *out = r;
    return ZK_OK;
}

zk_status zk_nn_run_quant(const zk_nn_model *m, const double *const *inputs, zk_nn_run **out, zk_error *err) {
    return run_quant(m, inputs, NULL, out, err);
}

zk_status zk_nn_run_quant_int(const zk_nn_model *m, const int64_t *const *inputs, zk_nn_run **out, zk_error *err) {
    return run_quant(m, NULL, inputs, out, err);
}

int zk_nn_run_is_quant(const zk_nn_run *r) { return r->quant; }
const double *zk_nn_run_float_data(const zk_nn_run *r, int v) {
    return r && !r->quant && v >= 0 && (size_t)v < r->m->n_values ? r->f[v] : NULL;
}
const int64_t *zk_nn_run_int_data(const zk_nn_run *r, int v) {
    return r && r->quant && v >= 0 && (size_t)v < r->m->n_values ? r->q[v] : NULL;
}

zk_status zk_nn_run_output(const zk_nn_run *r, size_t i, double *out) {
    if (!r || i >= r->m->n_outputs) return ZK_ERR_INVALID_ARG;
    int v = r->m->outputs[i];
    const zk_nn_value *val = &r->m->values[v];
    if (!r->quant) {
        if (val->numel) memcpy(out, r->f[v], (size_t)val->numel * sizeof(double));
        return ZK_OK;
    }
    double step = ldexp(1.0, -val->scale);
    for (int64_t k = 0; k < val->numel; k++) out[k] = (double)r->q[v][k] * step;
    return ZK_OK;
}

/* ---------------- calibration ---------------- */

static zk_status plan(zk_nn_model *m, zk_error *err) {
    for (size_t v = 0; v < m->n_values; v++) {
        zk_nn_value *val = &m->values[v];
        val->scale = 0;
        if (val->is_const && val->n_uses <= 0) {
            val->qdata = NULL; /* folded away: nothing reads it */
        } else if (val->is_const) {
            double mx = 0;
            for (int64_t i = 0; i < val->numel; i++) mx = fabs(val->cdata[i]) > mx ? fabs(val->cdata[i]) : mx;
            val->absmax = mx;
            val->scale = val->dtype == ZK_NN_FLOAT ? zk_nn_weight_scale(m, mx) : 0;
            val->qdata = zk_nn_alloc(m, (size_t)(val->numel ? val->numel : 1) * sizeof(int64_t));
            if (!val->qdata) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            for (int64_t i = 0; i < val->numel; i++)
                if (zk_nn_quantize_real(val->cdata[i], val->scale, &val->qdata[i])) {
                    if (val->dtype == ZK_NN_FLOAT) return zk_fail(err, ZK_ERR_RANGE, "constant '%s' does not fit 64 bits", val->name);
                    val->qdata[i] = val->cdata[i] > 0 ? (int64_t)1 << 62 : -((int64_t)1 << 62); /* INT64 sentinels */
                }
        } else if (val->is_input) {
            val->scale = zk_nn_target_scale(m, val);
        }
    }
    for (size_t i = 0; i < m->n_nodes; i++) {
        zk_nn_node *n = &m->nodes[i];
        memset(&n->table, 0, sizeof n->table);
        if (n->op != ZK_NN_OP_GEMM && n->op != ZK_NN_OP_MATMUL) memset(&n->table2, 0, sizeof n->table2);
        zk_status st = zk_nn_ops[n->op].qplan(m, n, err);
        if (st) return st;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0 && m->values[n->out[k]].dtype != ZK_NN_FLOAT) m->values[n->out[k]].scale = 0;
    }
    return ZK_OK;
}

/* max |q - f| / range(f) over all outputs of one sample */
static double rel_error(const zk_nn_model *m, const zk_nn_run *rf, const zk_nn_run *rq) {
    double worst = 0;
    for (size_t i = 0; i < m->n_outputs; i++) {
        int v = m->outputs[i];
        const zk_nn_value *val = &m->values[v];
        const double *f = zk_nn_run_float_data(rf, v);
        const int64_t *q = zk_nn_run_int_data(rq, v);
        double lo = INFINITY, hi = -INFINITY, e = 0, amax = 0, step = ldexp(1.0, -val->scale);
        for (int64_t k = 0; k < val->numel; k++) {
            lo = f[k] < lo ? f[k] : lo;
            hi = f[k] > hi ? f[k] : hi;
            amax = fabs(f[k]) > amax ? fabs(f[k]) : amax;
            double d = fabs((double)q[k] * step - f[k]);
            e = d > e ? d : e;
        }
        double range = hi - lo > 0 ? hi - lo : amax > 0 ? amax : 1;
        if (e / range > worst) worst = e / range;
    }
    return worst;
}

zk_status zk_nn_calibrate(zk_nn_model *m, const zk_nn_qopts *o, size_t n_samples, const double *const *const *samples,
                          zk_error *err) {
    if (!m) return zk_fail(err, ZK_ERR_INVALID_ARG, "zk_nn_calibrate: NULL model");
    zk_nn_qopts q;
    if (o) q = *o;
    else zk_nn_qopts_default(&q);
    if (q.act_bits < 2 || q.act_bits > 40 || q.weight_bits < 2 || q.weight_bits > 40 || q.table_bits < 4 || q.table_bits > 24 ||
        q.range_bits < 8 || q.range_bits > 60 || q.max_scale < 0 || q.max_scale > 60 || q.fixed_scale > 60)
        return zk_fail(err, ZK_ERR_INVALID_ARG, "quantization options out of range (bits 2..40, table 4..24, range 8..60, scales <= 60)");
    if (n_samples == 0 && q.fixed_scale < 0) return zk_fail(err, ZK_ERR_INVALID_ARG, "calibration needs a sample input or a fixed scale");
    zk_status st = check_runnable(m, err);
    if (st) return st;
    m->q = q;
    m->quantized = 0;
    for (size_t v = 0; v < m->n_values; v++) m->values[v].absmax = 0;
    /* statistics from float runs (which need every tensor) */
    int drop = m->drop_trace;
    m->drop_trace = 0;
    zk_nn_run **fr = calloc(n_samples + 1, sizeof *fr);
    if (!fr) {
        m->drop_trace = drop;
        return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    }
    for (size_t s = 0; s < n_samples && !st; s++) {
        st = zk_nn_run_float(m, samples[s], &fr[s], err);
        if (st) break;
        for (size_t v = 0; v < m->n_values; v++) {
            zk_nn_value *val = &m->values[v];
            const double *d = fr[s]->f[v];
            if (!d || val->is_const) continue;
            for (int64_t k = 0; k < val->numel; k++)
                if (fabs(d[k]) > val->absmax && fabs(d[k]) < 1e300) val->absmax = fabs(d[k]);
        }
        /* keep only the outputs for the accuracy check */
        if (q.target <= 0) {
            zk_nn_run_free(fr[s]);
            fr[s] = NULL;
        } else {
            for (size_t v = 0; v < m->n_values; v++) drop_value(fr[s], v);
        }
    }
    m->drop_trace = drop;
    int A = q.act_bits;
    for (; !st;) {
        m->act_bits = A;
        m->q.weight_bits = q.weight_bits + (A - q.act_bits); /* weights refine with the activations */
        st = plan(m, err);
        if (st) break;
        m->quantized = 1;
        if (q.target <= 0 || q.fixed_scale >= 0 || A >= 24 || m->q.weight_bits >= 30) break;
        double worst = 0;
        for (size_t s = 0; s < n_samples && !st; s++) {
            zk_nn_run *rq = NULL;
            zk_error e2;
            if (zk_nn_run_quant(m, samples[s], &rq, &e2)) {
                worst = INFINITY;
                break;
            }
            double e = rel_error(m, fr[s], rq);
            worst = e > worst ? e : worst;
            zk_nn_run_free(rq);
        }
        if (worst <= q.target) break;
        A += 2;
        m->quantized = 0;
    }
    for (size_t s = 0; s < n_samples; s++) zk_nn_run_free(fr[s]);
    free(fr);
    if (st) m->quantized = 0;
    return st;
}
