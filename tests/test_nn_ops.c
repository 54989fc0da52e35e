/* nn engine: one small graph per Tier 2/3 op, checking the float reference
 * against hand-computed values and the quantized run against the float run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nn/nn.h"
#include "test_onnx_build.h"

#define ATTR(x) ((pbw[]){x})

typedef struct {
    zk_nn_model *m;
    double yf[256], yq[256];
    int64_t n;
} op_run;

/* Loads the model, calibrates on x, runs float and quantized; output 0 lands in r. */
static int run_both(const uint8_t *buf, size_t len, const double *const *x, op_run *r, double tol, const char *what) {
    zk_error err = {0};
    memset(r, 0, sizeof *r);
    if (zk_nn_load(buf, len, NULL, &r->m, &err)) {
        th_fail(__FILE__, __LINE__, "%s: load: %s", what, err.msg);
        return 0;
    }
    const double *const *samples[1] = {x};
    zk_nn_run *rf = NULL, *rq = NULL;
    if (zk_nn_calibrate(r->m, NULL, 1, samples, &err) || zk_nn_run_float(r->m, x, &rf, &err) ||
        zk_nn_run_quant(r->m, x, &rq, &err)) {
        th_fail(__FILE__, __LINE__, "%s: %s", what, err.msg);
        zk_nn_run_free(rf);
        return 0;
    }
    zk_nn_value_info v;
    zk_nn_get_value(r->m, zk_nn_output(r->m, 0), &v);
    r->n = v.numel;
    if (v.numel > 256) {
        th_fail(__FILE__, __LINE__, "%s: output too large for the test", what);
        return 0;
    }
    zk_nn_run_output(rf, 0, r->yf);
    zk_nn_run_output(rq, 0, r->yq);
    double range = 0, e = 0;
    for (int64_t i = 0; i < v.numel; i++) {
        range = fmax(range, fabs(r->yf[i]));
        e = fmax(e, fabs(r->yf[i] - r->yq[i]));
    }
    CHECK_MSG(e <= tol * fmax(range, 1), "%s: quantized error %g (range %g)", what, e, range);
    zk_nn_run_free(rf);
    zk_nn_run_free(rq);
    return 1;
}

static void seq(double *x, int n, double a, double b) {
    for (int i = 0; i < n; i++) x[i] = a + b * sin(i * 1.7 + 0.3);
}

TEST(nn_ops_resize_upsample) {
    /* Resize nearest (asymmetric, floor) and linear (half_pixel) 2x on [1,1,2,3] */
    static const char *modes[] = {"nearest", "linear"};
    for (int k = 0; k < 2; k++) {
        tb_model t;
        tb_init(&t, 13);
        int64_t xd[4] = {1, 1, 2, 3}, four[1] = {4};
        float sc[4] = {1, 1, 2, 2};
        tb_input(&t, "x", 1, 4, xd);
        tb_init_f(&t, "scales", 1, four, sc, 1);
        if (k == 0)
            tb_node(&t, "Resize", "rs", "x,,scales", "y", ATTR(tb_attr_s("mode", modes[k])),
                    ATTR(tb_attr_s("coordinate_transformation_mode", "asymmetric")), ATTR(tb_attr_s("nearest_mode", "floor")), NULL);
        else
            tb_node(&t, "Resize", "rs", "x,,scales", "y", ATTR(tb_attr_s("mode", modes[k])), NULL);
        tb_output(&t, "y");
        size_t len;
        uint8_t *buf = tb_finish(&t, &len);
        double x[6] = {1, 2, 3, 4, 5, 6};
        const double *in[1] = {x};
        op_run r;
        if (run_both(buf, len, in, &r, 1e-3, modes[k])) {
            CHECK_EQ_INT(r.n, 24);
            if (k == 0) CHECK(r.yf[0] == 1 && r.yf[1] == 1 && r.yf[2] == 2 && r.yf[6] == 1 && r.yf[12] == 4);
            else {
                /* half_pixel: out col 1 -> in 0.25 -> 1.25; row 0 col 0 -> clamp 0 -> 1 */
                CHECK(fabs(r.yf[0] - 1) < 1e-12 && fabs(r.yf[1] - 1.25) < 1e-12 && fabs(r.yf[5] - 3) < 1e-12);
                CHECK(fabs(r.yf[6] - 1.75) < 1e-12); /* row 1 -> in 0.25: 1 + 0.25 * 3 */
            }
        }
        zk_nn_free(r.m);
        free(buf);
    }
    /* Upsample (opset 9, scales input) */
    tb_model t;
    tb_init(&t, 9);
    int64_t xd[4] = {1, 1, 1, 2}, four[1] = {4};
    float sc[4] = {1, 1, 2, 2};
    tb_input(&t, "x", 1, 4, xd);
    tb_init_f(&t, "scales", 1, four, sc, 1);
    tb_node(&t, "Upsample", "up", "x,scales", "y", NULL);
    tb_output(&t, "y");
    size_t len;
    uint8_t *buf = tb_finish(&t, &len);
    double x[2] = {-1.5, 2.5};
    const double *in[1] = {x};
    op_run r;
    if (run_both(buf, len, in, &r, 1e-3, "Upsample")) {
        CHECK_EQ_INT(r.n, 8);
        CHECK(r.yf[0] == -1.5 && r.yf[1] == -1.5 && r.yf[2] == 2.5 && r.yf[7] == 2.5);
        CHECK(memcmp(r.yf, r.yq, 8 * sizeof(double)) == 0); /* nearest moves values exactly */
    }
    zk_nn_free(r.m);
    free(buf);
}

TEST(nn_ops_conv_transpose_pools) {
    /* ConvTranspose stride 2 on [1,1,2,2] with a 2x2 kernel of ones: each input spreads into a 2x2 block */
    tb_model t;
    tb_init(&t, 11);
    int64_t xd[4] = {1, 1, 2, 2}, wd[4] = {1, 1, 2, 2};
    float w[4] = {1, 1, 1, 1};
    tb_input(&t, "x", 1, 4, xd);
    tb_init_f(&t, "W", 4, wd, w, 1);
    tb_node(&t, "ConvTranspose", "ct", "x,W", "y", ATTR(tb_attr_ints("strides", 2, (int64_t[]){2, 2})), NULL);
    tb_output(&t, "y");
    size_t len;
    uint8_t *buf = tb_finish(&t, &len);
    double x[4] = {1, 2, 3, 4};
    const double *in[1] = {x};
    op_run r;
    if (run_both(buf, len, in, &r, 1e-3, "ConvTranspose")) {
        CHECK_EQ_INT(r.n, 16);
        CHECK(r.yf[0] == 1 && r.yf[1] == 1 && r.yf[2] == 2 && r.yf[4] == 1 && r.yf[15] == 4 && r.yf[10] == 4);
    }
    zk_nn_free(r.m);
    free(buf);
    /* AveragePool 2x2 with pads (count_include_pad 0 and 1), GlobalAveragePool, GlobalMaxPool */
    for (int inc = 0; inc < 2; inc++) {
        tb_init(&t, 11);
        int64_t d[4] = {1, 1, 3, 3};
        tb_input(&t, "x", 1, 4, d);
        tb_node(&t, "AveragePool", "ap", "x", "y", ATTR(tb_attr_ints("kernel_shape", 2, (int64_t[]){2, 2})),
                ATTR(tb_attr_ints("pads", 4, (int64_t[]){1, 1, 0, 0})), ATTR(tb_attr_i("count_include_pad", inc)), NULL);
        tb_output(&t, "y");
        buf = tb_finish(&t, &len);
        double xx[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        const double *in2[1] = {xx};
        if (run_both(buf, len, in2, &r, 1e-3, "AveragePool")) {
            CHECK_EQ_INT(r.n, 9);
            CHECK(fabs(r.yf[0] - (inc ? 0.25 : 1.0)) < 1e-12);
            CHECK(fabs(r.yf[4] - 3.0) < 1e-12); /* (1+2+4+5)/4 */
        }
        zk_nn_free(r.m);
        free(buf);
    }
    static const char *gops[] = {"GlobalAveragePool", "GlobalMaxPool"};
    for (int k = 0; k < 2; k++) {
        tb_init(&t, 11);
        int64_t d[4] = {1, 2, 2, 2};
        tb_input(&t, "x", 1, 4, d);
        tb_node(&t, gops[k], "g", "x", "y", NULL);
        tb_output(&t, "y");
        buf = tb_finish(&t, &len);
        double xx[8] = {1, 2, 3, 4, -1, -2, -3, 8};
        const double *in2[1] = {xx};
        if (run_both(buf, len, in2, &r, 1e-3, gops[k])) {
            CHECK_EQ_INT(r.n, 2);
            CHECK(r.yf[0] == (k ? 4 : 2.5) && r.yf[1] == (k ? 8 : 0.5));
        }
        zk_nn_free(r.m);
        free(buf);
    }
}

TEST(nn_ops_norms_reductions) {
    static const char *ops[] = {"LayerNormalization", "InstanceNormalization", "ReduceSum", "ReduceMean", "ReduceMax",
                                "ReduceMin", "LogSoftmax", "Softmax", "ArgMax", "ArgMin", "CumSum"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        tb_model t;
        tb_init(&t, 17);
        int64_t d[3] = {1, 2, 6}, two[1] = {2}, one[1] = {1};
        float g[6] = {1, 0.5f, -1, 2, 1, 1}, b[6] = {0, 0.1f, 0, -0.2f, 0, 0}, gi[2] = {1.5f, -0.5f}, bi[2] = {0.25f, 0};
        int64_t axes[1] = {-1}, ax1[1] = {2};
        tb_input(&t, "x", 1, 3, d);
        const char *o = ops[k];
        if (!strcmp(o, "LayerNormalization")) {
            tb_init_f(&t, "g", 1, (int64_t[]){6}, g, 1);
            tb_init_f(&t, "b", 1, (int64_t[]){6}, b, 1);
            tb_node(&t, o, "n", "x,g,b", "y", NULL);
        } else if (!strcmp(o, "InstanceNormalization")) {
            tb_init_f(&t, "g", 1, two, gi, 1);
            tb_init_f(&t, "b", 1, two, bi, 1);
            tb_node(&t, o, "n", "x,g,b", "y", NULL);
        } else if (!strncmp(o, "Reduce", 6)) {
            tb_init_i64(&t, "axes", 1, one, axes);
            tb_node(&t, o, "n", "x,axes", "y", ATTR(tb_attr_i("keepdims", 0)), NULL);
        } else if (!strcmp(o, "CumSum")) {
            tb_init_i64(&t, "axis", 0, NULL, ax1);
            tb_node(&t, o, "n", "x,axis", "y", NULL);
        } else if (!strncmp(o, "Arg", 3)) {
            tb_node(&t, o, "n", "x", "y", ATTR(tb_attr_i("axis", 2)), NULL);
        } else {
            tb_node(&t, o, "n", "x", "y", NULL);
        }
        tb_output(&t, "y");
        size_t len;
        uint8_t *buf = tb_finish(&t, &len);
        double x[12];
        seq(x, 12, 0.3, 2.0);
        const double *in[1] = {x};
        op_run r;
        if (run_both(buf, len, in, &r, 2e-3, o)) {
            if (!strcmp(o, "ReduceSum")) CHECK(fabs(r.yf[0] - (x[0] + x[1] + x[2] + x[3] + x[4] + x[5])) < 1e-12);
            if (!strcmp(o, "LayerNormalization")) {
                double mu = 0, var = 0;
                for (int i = 0; i < 6; i++) mu += x[i] / 6;
                for (int i = 0; i < 6; i++) var += (x[i] - mu) * (x[i] - mu) / 6;
                CHECK(fabs(r.yf[1] - ((x[1] - mu) / sqrt(var + 1e-5) * 0.5 + 0.1)) < 1e-6);
            }
            if (!strncmp(o, "Arg", 3)) {
                int best = 0;
                for (int i = 1; i < 6; i++)
                    if (o[3] == 'M' && o[4] == 'a' ? x[i] > x[best] : x[i] < x[best]) best = i;
                CHECK(r.yf[0] == best && r.yq[0] == best);
            }
            if (!strcmp(o, "CumSum")) CHECK(fabs(r.yf[2] - (x[0] + x[1] + x[2])) < 1e-12);
        }
        zk_nn_free(r.m);
        free(buf);
    }
}

TEST(nn_ops_logic_einsum_misc) {
    /* Where(Less(a, b), a, b) == Min, Equal / Greater / Not, Cast, Trilu, Einsum, Gather with run-time indices */
    tb_model t;
    tb_init(&t, 13);
    int64_t d[2] = {2, 3};
    tb_input(&t, "a", 1, 2, d);
    tb_input(&t, "b", 1, 2, d);
    tb_node(&t, "Less", "lt", "a,b", "c", NULL);
    tb_node(&t, "Where", "w", "c,a,b", "y", NULL);
    tb_node(&t, "Greater", "gt", "a,b", "g", NULL);
    tb_node(&t, "Not", "not", "g", "ng", NULL);
    tb_node(&t, "Equal", "eq", "c,ng", "e", NULL);
    tb_node(&t, "Cast", "cast", "e", "ef", ATTR(tb_attr_i("to", 1)), NULL);
    tb_node(&t, "Einsum", "ein", "a,b", "z", ATTR(tb_attr_s("equation", "ij,kj->ik")), NULL);
    tb_node(&t, "Trilu", "tri", "z", "zt", ATTR(tb_attr_i("upper", 0)), NULL);
    tb_output(&t, "y");
    tb_output(&t, "ef");
    tb_output(&t, "zt");
    size_t len;
    uint8_t *buf = tb_finish(&t, &len);
    double a[6] = {1, -2, 3, 0.5, 5, -6}, b[6] = {2, -3, 3, 0.25, 6, -7};
    const double *in[2] = {a, b};
    op_run r;
    if (run_both(buf, len, in, &r, 1e-3, "logic")) {
        for (int i = 0; i < 6; i++) CHECK(r.yf[i] == fmin(a[i], b[i]) && r.yq[i] == fmin(a[i], b[i]));
        zk_nn_run *rf = NULL;
        zk_error err = {0};
        REQUIRE(zk_nn_run_float(r.m, in, &rf, &err) == ZK_OK);
        double ef[6], zt[4];
        zk_nn_run_output(rf, 1, ef);
        zk_nn_run_output(rf, 2, zt);
        for (int i = 0; i < 6; i++) CHECK(ef[i] == (a[i] != b[i])); /* a < b equals !(a > b) except where a == b */
        CHECK(fabs(zt[0] - (1 * 2 + -2 * -3 + 3 * 3)) < 1e-12 && zt[1] == 0);
        CHECK(fabs(zt[2] - (0.5 * 2 + 5 * -3 + -6 * 3)) < 1e-12);
        zk_nn_run_free(rf);
    }
    zk_nn_free(r.m);
    free(buf);
    /* Gather of a constant table by run-time indices (an embedding) */
    tb_init(&t, 13);
    int64_t id[2] = {1, 3}, td[2] = {4, 2};
    float tab[8] = {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f};
    tb_input(&t, "i", 7, 2, id);
    tb_init_f(&t, "T", 2, td, tab, 1);
    tb_node(&t, "Gather", "emb", "T,i", "y", NULL);
    tb_output(&t, "y");
    buf = tb_finish(&t, &len);
    double idx[3] = {3, 0, -1};
    const double *in2[1] = {idx};
    if (run_both(buf, len, in2, &r, 1e-9, "Gather")) {
        CHECK_EQ_INT(r.n, 6);
        CHECK(r.yf[0] == 3 && r.yf[1] == 3.5 && r.yf[2] == 0 && r.yf[4] == 3);
    }
    zk_nn_free(r.m);
    free(buf);
    /* out-of-range run-time index: an error naming the node */
    zk_nn_model *m = NULL;
    zk_error err = {0};
    tb_init(&t, 13);
    tb_input(&t, "i", 7, 2, id);
    tb_init_f(&t, "T", 2, td, tab, 1);
    tb_node(&t, "Gather", "emb", "T,i", "y", NULL);
    tb_output(&t, "y");
    buf = tb_finish(&t, &len);
    REQUIRE(zk_nn_load(buf, len, NULL, &m, &err) == ZK_OK);
    double bad[3] = {7, 0, 0};
    const double *in3[1] = {bad};
    zk_nn_run *rr = NULL;
    CHECK_EQ_INT(zk_nn_run_float(m, in3, &rr, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "emb") != NULL);
    zk_nn_free(m);
    free(buf);
}

/* MatMul of two activations (batched, broadcast): x [2,2,3] @ transpose(x) [2,3,2] */
TEST(nn_ops_matmul_activations) {
    tb_model t;
    tb_init(&t, 13);
    int64_t d[3] = {2, 2, 3};
    tb_input(&t, "x", 1, 3, d);
    tb_node(&t, "Transpose", "tr", "x", "xt", ATTR(tb_attr_ints("perm", 3, (int64_t[]){0, 2, 1})), NULL);
    tb_node(&t, "MatMul", "mm", "x,xt", "y", NULL);
    tb_output(&t, "y");
    size_t len;
    uint8_t *buf = tb_finish(&t, &len);
    double x[12];
    seq(x, 12, 0.1, 1.5);
    const double *in[1] = {x};
    op_run r;
    if (run_both(buf, len, in, &r, 1e-3, "MatMul")) {
        CHECK_EQ_INT(r.n, 8);
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) s += x[b * 6 + i * 3 + k] * x[b * 6 + j * 3 + k];
                    CHECK(fabs(r.yf[b * 4 + i * 2 + j] - s) < 1e-12);
                }
    }
    zk_nn_free(r.m);
    free(buf);
}
