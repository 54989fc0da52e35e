/* nn engine: integer primitives, deterministic tables, graph folding, kernels
 * against float references, quantized accuracy, corpus models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nn/nn.h"
#include "nn/nn_internal.h"
#include "nn/nn_json.h"
#include "test_onnx_build.h"
#include "tv.h"

#define ATTR(x) ((pbw[]){x})

/* Pinned hashes of the deterministic functions and tables (see below): printed
 * by the native build, checked on every target. */
#define ZK_TEST_DET_HASH "c67046c1e87d6966"
#define ZK_TEST_TABLE_HASH "80c8c0e7392ad6e6"

TEST(nn_q_shift_rounds_half_up) {
    static const int64_t c[][3] = {{5, 1, 3}, {-5, 1, -2}, {3, 1, 2}, {-3, 1, -1}, {7, 2, 2}, {-7, 2, -2},
                                   {6, 2, 2}, {-6, 2, -1}, {1, 0, 1}, {3, -2, 12}, {-1, 62, 0}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) CHECK_EQ_INT(zk_q_shift(c[i][0], (int)c[i][1]), c[i][2]);
    /* definition: floor(x / 2^r + 1/2) */
    for (int64_t x = -300; x <= 300; x++)
        for (int r = 1; r < 6; r++) CHECK_EQ_INT(zk_q_shift(x, r), (int64_t)floor((double)x / (1 << r) + 0.5));
}

TEST(nn_q_div_and_isqrt) {
    static const int64_t c[][3] = {{5, 2, 3}, {-5, 2, -2}, {7, -2, -3}, {1, 3, 0}, {2, 3, 1}, {-2, 3, -1}, {0, 5, 0}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) CHECK_EQ_INT(zk_q_div(c[i][0], c[i][1]), c[i][2]);
    for (int64_t a = -50; a <= 50; a++)
        for (int64_t b = -7; b <= 7; b++)
            if (b) CHECK_EQ_INT(zk_q_div(a, b), (int64_t)floor((double)a / (double)b + 0.5));
    CHECK_EQ_INT(zk_q_isqrt(0), 0);
    for (int64_t x = 1; x < 5000; x++) {
        int64_t y = zk_q_isqrt(x);
        CHECK((2 * y - 1) * (2 * y - 1) <= 4 * x && 4 * x < (2 * y + 1) * (2 * y + 1));
    }
    __int128 big = (__int128)1 << 100;
    CHECK_EQ_INT(zk_q_isqrt(big), (int64_t)1 << 50);
}

TEST(nn_det_functions_accurate) {
    double worst = 0;
    for (int i = -2000; i <= 2000; i++) {
        double x = i / 100.0;
        double e = fabs(zk_det_exp(x) - exp(x)) / exp(x);
        double t = fabs(zk_det_tanh(x) - tanh(x));
        double f = fabs(zk_det_erf(x / 3) - erf(x / 3));
        worst = fmax(worst, fmax(e, fmax(t, f)));
        if (x > 0) worst = fmax(worst, fabs(zk_det_log(x) - log(x)) / fmax(1, fabs(log(x))));
    }
    CHECK_MSG(worst < 1e-13, "worst error %g", worst);
    CHECK(zk_det_floor(-0.5) == -1 && zk_det_floor(2.0) == 2 && zk_det_floor(-3.0) == -3);
}

/* The bits of the deterministic functions, hashed: the same constant on every
 * target (native x86-64, Emscripten, WASI). A change here changes circuits. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

TEST(nn_det_functions_bit_exact) {
    uint64_t h = 1469598103934665603ULL;
    for (int i = -4000; i <= 4000; i++) {
        double x = i / 97.0, v[4] = {zk_det_exp(x), zk_det_tanh(x), zk_det_erf(x), x > 0 ? zk_det_log(x) : 0};
        h = fnv(h, v, sizeof v);
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    CHECK_MSG(!strcmp(hex, ZK_TEST_DET_HASH), "det hash %s", hex);
}

/* A one-node model around op, input [1, n]. */
static zk_nn_model *unary_model(const char *op, int n, pbw *attr) {
    tb_model t;
    tb_init(&t, 17);
    int64_t d[2] = {1, n};
    tb_input(&t, "x", 1, 2, d);
    tb_node(&t, op, "u", "x", "y", attr, NULL);
    tb_output(&t, "y");
    size_t len;
    uint8_t *buf = tb_finish(&t, &len);
    zk_nn_model *m = NULL;
    zk_error err = {0};
    zk_status st = zk_nn_load(buf, len, NULL, &m, &err);
    free(buf);
    if (st) th_fail(__FILE__, __LINE__, "load %s: %s", op, err.msg);
    return m;
}

/* Tables are circuit constants: their hash is pinned and checked on every target. */
TEST(nn_tables_pinned) {
    static const char *ops[] = {"Sigmoid", "Tanh", "Erf", "Gelu", "Softplus", "Elu", "Exp", "Log"};
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        zk_nn_model *m = unary_model(ops[i], 4, NULL);
        REQUIRE(m);
        double x[4] = {-3, -0.5, 0.25, 3};
        if (!strcmp(ops[i], "Log")) x[0] = 0.1, x[1] = 0.5;
        const double *in[1] = {x};
        const double *const *samples[1] = {in};
        zk_nn_qopts q;
        zk_nn_qopts_default(&q);
        q.target = 0;
        zk_error err = {0};
        REQUIRE(zk_nn_calibrate(m, &q, 1, samples, &err) == ZK_OK);
        int64_t lo, n;
        int si, so;
        const int64_t *tb = zk_nn_node_table(m, 0, &lo, &n, &si, &so);
        REQUIRE(tb != NULL);
        CHECK(n <= (1 << 16) + 2);
        h = fnv(h, &lo, 8);
        h = fnv(h, tb, (size_t)n * 8);
        zk_nn_free(m);
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    CHECK_MSG(!strcmp(hex, ZK_TEST_TABLE_HASH), "table hash %s", hex);
}

/* Every unary op: quantized result close to the float reference. */
/* One unary op on 16 inputs, calibrated on them: float and quantized outputs.
 * Returns 0 on success. */
static int unary_run_both(const char *op, const double x[16], double yf[16], double yq[16]) {
    zk_nn_model *m = unary_model(op, 16, NULL);
    if (!m) return -1;
    const double *in[1] = {x};
    const double *const *samples[1] = {in};
    zk_error err = {0};
    zk_nn_run *rf = NULL, *rq = NULL;
    int rc = zk_nn_calibrate(m, NULL, 1, samples, &err) != ZK_OK || zk_nn_run_float(m, in, &rf, &err) != ZK_OK ||
             zk_nn_run_quant(m, in, &rq, &err) != ZK_OK;
    if (!rc) {
        zk_nn_run_output(rf, 0, yf);
        zk_nn_run_output(rq, 0, yq);
    }
    zk_nn_run_free(rf);
    zk_nn_run_free(rq);
    zk_nn_free(m);
    return rc;
}

TEST(nn_unary_ops_accuracy) {
    static const char *ops[] = {"Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "Celu", "HardSigmoid", "HardSwish",
                                "Softplus", "Softsign", "Exp", "Abs", "Neg", "Erf", "Gelu", "Clip", "Identity"};
    double x[16], yf[16], yq[16];
    for (int i = 0; i < 16; i++) x[i] = -3.7 + i * 0.5;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        REQUIRE(unary_run_both(ops[i], x, yf, yq) == 0);
        double worst = 0, range = 0;
        for (int k = 0; k < 16; k++) {
            worst = fmax(worst, fabs(yf[k] - yq[k]));
            range = fmax(range, fabs(yf[k]));
        }
        CHECK_MSG(worst <= 1e-3 * fmax(range, 1), "%s: error %g", ops[i], worst);
    }
    /* positive-only ops */
    static const char *pos[] = {"Log", "Sqrt", "Reciprocal"};
    for (int i = 0; i < 16; i++) x[i] = 0.3 + i * 0.4;
    for (size_t i = 0; i < 3; i++) {
        REQUIRE(unary_run_both(pos[i], x, yf, yq) == 0);
        for (int k = 0; k < 16; k++)
            CHECK_MSG(fabs(yf[k] - yq[k]) < 2e-3 * fmax(1, fabs(yf[k])), "%s(%g): %g vs %g", pos[i], x[k], yq[k], yf[k]);
    }
}

/* Conv + BatchNormalization (folded) + Relu + MaxPool + Flatten + Gemm + Softmax,
 * with Identity/Dropout removed and a Shape->Gather->Unsqueeze->Concat chain folded. */
static uint8_t *cnn_model(size_t *len) {
    tb_model t;
    tb_init(&t, 13);
    int64_t xd[4] = {-1, 2, 6, 6};
    tb_input(&t, "x", 1, 4, xd);
    float w[3 * 2 * 3 * 3], b[3], g[3] = {1.5f, 0.5f, 1}, be[3] = {0.1f, -0.2f, 0}, mu[3] = {0.05f, 0, -0.1f}, var[3] = {1, 0.25f, 2};
    for (int i = 0; i < 54; i++) w[i] = (float)sin(i * 1.3) * 0.4f;
    for (int i = 0; i < 3; i++) b[i] = 0.1f * (float)i - 0.1f;
    int64_t wd[4] = {3, 2, 3, 3}, cd[1] = {3};
    tb_init_f(&t, "W", 4, wd, w, 1);
    tb_init_f(&t, "b", 1, cd, b, 1);
    tb_init_f(&t, "g", 1, cd, g, 1);
    tb_init_f(&t, "be", 1, cd, be, 1);
    tb_init_f(&t, "mu", 1, cd, mu, 1);
    tb_init_f(&t, "var", 1, cd, var, 1);
    float fw[12 * 4];
    for (int i = 0; i < 48; i++) fw[i] = (float)cos(i * 0.7) * 0.3f;
    int64_t fwd[2] = {4, 12}, fbd[1] = {4};
    float fb[4] = {0.01f, -0.02f, 0.03f, 0};
    tb_init_f(&t, "FW", 2, fwd, fw, 0);
    tb_init_f(&t, "FB", 1, fbd, fb, 0);
    int64_t zero[1] = {0}, minus1[1] = {-1}, one[1] = {1};
    tb_init_i64(&t, "i0", 0, NULL, zero);
    tb_init_i64(&t, "m1", 1, one, minus1);
    tb_node(&t, "Conv", "conv", "x,W,b", "c", ATTR(tb_attr_ints("pads", 4, (int64_t[]){1, 1, 1, 1})), NULL);
    tb_node(&t, "BatchNormalization", "bn", "c,g,be,mu,var", "n", NULL);
    tb_node(&t, "Identity", "id", "n", "n2", NULL);
    tb_node(&t, "Relu", "relu", "n2", "r", NULL);
    tb_node(&t, "MaxPool", "pool", "r", "p", ATTR(tb_attr_ints("kernel_shape", 2, (int64_t[]){3, 3})),
            ATTR(tb_attr_ints("strides", 2, (int64_t[]){3, 3})), NULL);
    tb_node(&t, "Dropout", "drop", "p", "pd", NULL);
    /* shape arithmetic: [N, -1] from Shape(p)[0] */
    tb_node(&t, "Shape", "shape", "pd", "s", NULL);
    tb_node(&t, "Gather", "g0", "s,i0", "s0", NULL);
    tb_node(&t, "Unsqueeze", "us", "s0", "s0u", ATTR(tb_attr_ints("axes", 1, zero)), NULL);
    tb_node(&t, "Concat", "cat", "s0u,m1", "shp", ATTR(tb_attr_i("axis", 0)), NULL);
    tb_node(&t, "Reshape", "flat", "pd,shp", "f", NULL);
    tb_node(&t, "Gemm", "fc", "f,FW,FB", "z", ATTR(tb_attr_i("transB", 1)), NULL);
    tb_node(&t, "Softmax", "sm", "z", "y", ATTR(tb_attr_i("axis", 1)), NULL);
    tb_output(&t, "y");
    tb_output(&t, "z");
    return tb_finish(&t, len);
}

/* Writes the CNN as a fuzzer seed (tests/data/onnx) when ZK_WRITE_SEEDS is set. */
TEST(nn_write_seeds) {
    const char *dir = getenv("ZK_WRITE_SEEDS");
    if (!dir || !*dir) return;
    size_t len;
    uint8_t *buf = cnn_model(&len);
    char path[1024];
    snprintf(path, sizeof path, "%s/cnn_bn_softmax.onnx", dir);
    FILE *f = fopen(path, "wb");
    REQUIRE(f != NULL);
    fwrite(buf, 1, len, f);
    fclose(f);
    free(buf);
}

static void cnn_input(double *x, int seed) {
    for (int i = 0; i < 72; i++) x[i] = sin(i * 0.37 + seed) * 1.5;
}

TEST(nn_cnn_fold_and_run) {
    size_t len;
    uint8_t *buf = cnn_model(&len);
    zk_nn_model *m = NULL;
    zk_error err = {0};
    REQUIRE(zk_nn_load(buf, len, NULL, &m, &err) == ZK_OK);
    free(buf);
    /* Conv (BN folded), Relu, MaxPool, Reshape, Gemm, Softmax */
    CHECK_EQ_INT(zk_nn_num_nodes(m), 6);
    for (size_t i = 0; i < zk_nn_num_nodes(m); i++) {
        zk_nn_node_info ni;
        zk_nn_get_node(m, i, &ni);
        CHECK(strcmp(ni.op, "BatchNormalization") && strcmp(ni.op, "Identity") && strcmp(ni.op, "Dropout") &&
              strcmp(ni.op, "Shape") && strcmp(ni.op, "Concat"));
    }
    zk_nn_value_info vo;
    zk_nn_get_value(m, zk_nn_output(m, 0), &vo);
    CHECK(vo.rank == 2 && vo.dims[0] == 1 && vo.dims[1] == 4);
    /* float reference computed by hand for one output */
    double x[72];
    cnn_input(x, 0);
    const double *in[1] = {x};
    zk_nn_run *rf = NULL;
    REQUIRE(zk_nn_run_float(m, in, &rf, &err) == ZK_OK);
    double y[4], z[4];
    zk_nn_run_output(rf, 0, y);
    zk_nn_run_output(rf, 1, z);
    CHECK(fabs(y[0] + y[1] + y[2] + y[3] - 1) < 1e-12);
    /* calibrate on two samples, run a third */
    double x1[72], x2[72];
    cnn_input(x1, 1);
    cnn_input(x2, 2);
    const double *s1[1] = {x1}, *s2[1] = {x2};
    const double *const *samples[2] = {s1, s2};
    REQUIRE(zk_nn_calibrate(m, NULL, 2, samples, &err) == ZK_OK);
    zk_nn_run *rq = NULL, *rq2 = NULL;
    REQUIRE(zk_nn_run_quant(m, in, &rq, &err) == ZK_OK);
    double yq[4], zq[4];
    zk_nn_run_output(rq, 0, yq);
    zk_nn_run_output(rq, 1, zq);
    for (int k = 0; k < 4; k++) {
        CHECK_MSG(fabs(yq[k] - y[k]) < 2e-3, "softmax %d: %g vs %g", k, yq[k], y[k]);
        CHECK_MSG(fabs(zq[k] - z[k]) < 2e-3, "logit %d: %g vs %g", k, zq[k], z[k]);
    }
    /* the trace: every value has integers; rerunning from quantized inputs is identical */
    zk_nn_value_info vi;
    zk_nn_get_value(m, zk_nn_input(m, 0), &vi);
    const int64_t *qx = zk_nn_run_int_data(rq, zk_nn_input(m, 0));
    REQUIRE(qx != NULL);
    const int64_t *qin[1] = {qx};
    REQUIRE(zk_nn_run_quant_int(m, qin, &rq2, &err) == ZK_OK);
    for (size_t v = 0; v < zk_nn_num_values(m); v++) {
        zk_nn_value_info info;
        zk_nn_get_value(m, (int)v, &info);
        const int64_t *a = zk_nn_run_int_data(rq, (int)v), *b = zk_nn_run_int_data(rq2, (int)v);
        if (!a || !b) continue;
        CHECK(memcmp(a, b, (size_t)info.numel * 8) == 0);
    }
    /* without the trace: same outputs, intermediates gone */
    zk_nn_set_keep_trace(m, 0);
    zk_nn_run *rq3 = NULL;
    REQUIRE(zk_nn_run_quant(m, in, &rq3, &err) == ZK_OK);
    double y3[4];
    zk_nn_run_output(rq3, 0, y3);
    CHECK(memcmp(y3, yq, sizeof y3) == 0);
    zk_nn_node_info n0;
    zk_nn_get_node(m, 0, &n0);
    CHECK(zk_nn_run_int_data(rq3, n0.outputs[0]) == NULL);
    CHECK(zk_nn_run_int_data(rq, n0.outputs[0]) != NULL);
    zk_nn_run_free(rq3);
    zk_nn_run_free(rf);
    zk_nn_run_free(rq);
    zk_nn_run_free(rq2);
    zk_nn_free(m);
}

/* Range policy: a value past 2^B is an error naming the node, not a wraparound. */
TEST(nn_range_error) {
    zk_nn_model *m = unary_model("Relu", 2, NULL);
    REQUIRE(m);
    double x[2] = {1, 2};
    const double *in[1] = {x};
    const double *const *samples[1] = {in};
    zk_nn_qopts q;
    zk_nn_qopts_default(&q);
    q.range_bits = 20;
    zk_error err = {0};
    REQUIRE(zk_nn_calibrate(m, &q, 1, samples, &err) == ZK_OK);
    double big[2] = {1e6, 1};
    const double *bin[1] = {big};
    zk_nn_run *r = NULL;
    CHECK_EQ_INT(zk_nn_run_quant(m, bin, &r, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "range") != NULL);
    zk_nn_free(m);
    /* Exp beyond its calibrated table domain */
    m = unary_model("Exp", 2, NULL);
    REQUIRE(m);
    REQUIRE(zk_nn_calibrate(m, NULL, 1, samples, &err) == ZK_OK);
    double far[2] = {50, 1};
    const double *fin[1] = {far};
    CHECK_EQ_INT(zk_nn_run_quant(m, fin, &r, &err), ZK_ERR_RANGE);
    CHECK(strstr(err.msg, "'u'") != NULL);
    zk_nn_free(m);
}

TEST(nn_input_json) {
    zk_nn_model *m = unary_model("Relu", 3, NULL);
    REQUIRE(m);
    double **in = NULL;
    zk_error err = {0};
    const char *a = "{\"input_data\": [[1, -2, 3.5]]}";
    REQUIRE(zk_nn_inputs_from_json(m, a, strlen(a), &in, &err) == ZK_OK);
    CHECK(in[0][0] == 1 && in[0][1] == -2 && in[0][2] == 3.5);
    zk_nn_inputs_free(in, 1);
    const char *b = "[[0.5, true, false]]";
    REQUIRE(zk_nn_inputs_from_json(m, b, strlen(b), &in, &err) == ZK_OK);
    CHECK(in[0][1] == 1 && in[0][2] == 0);
    zk_nn_inputs_free(in, 1);
    const char *c = "{\"input_data\": [[1, 2]]}";
    CHECK_EQ_INT(zk_nn_inputs_from_json(m, c, strlen(c), &in, &err), ZK_ERR_SHAPE);
    CHECK(strstr(err.msg, "'x'") && strstr(err.msg, "3") && strstr(err.msg, "2"));
    const char *d = "{\"input_data\": [[1, \"a\", 2]]}";
    CHECK(zk_nn_inputs_from_json(m, d, strlen(d), &in, &err) != ZK_OK);
    const char *e = "{\"input_data\": [[1, 2";
    CHECK_EQ_INT(zk_nn_inputs_from_json(m, e, strlen(e), &in, &err), ZK_ERR_PARSE);
    zk_nn_free(m);
}

/* Small ops exercised through tiny graphs: results match the float run. */
typedef struct {
    const char *op;
    int n_in;
} binop;

TEST(nn_binary_and_shape_ops) {
    static const char *bops[] = {"Add", "Sub", "Mul", "Div", "Max", "Min", "Sum", "Mean", "PRelu"};
    for (size_t i = 0; i < sizeof bops / sizeof bops[0]; i++) {
        tb_model t;
        tb_init(&t, 13);
        int64_t ad[2] = {2, 3}, bd[1] = {3};
        tb_input(&t, "a", 1, 2, ad);
        tb_input(&t, "b", 1, 1, bd);
        tb_node(&t, bops[i], "op", "a,b", "y", NULL);
        tb_output(&t, "y");
        size_t len;
        uint8_t *buf = tb_finish(&t, &len);
        zk_nn_model *m = NULL;
        zk_error err = {0};
        REQUIRE(zk_nn_load(buf, len, NULL, &m, &err) == ZK_OK);
        free(buf);
        double a[6] = {1.5, -2.25, 0.75, 3, -0.5, 2}, b[3] = {0.5, -1.25, 2.5};
        const double *in[2] = {a, b};
        const double *const *samples[1] = {in};
        REQUIRE(zk_nn_calibrate(m, NULL, 1, samples, &err) == ZK_OK);
        zk_nn_run *rf = NULL, *rq = NULL;
        REQUIRE(zk_nn_run_float(m, in, &rf, &err) == ZK_OK);
        REQUIRE(zk_nn_run_quant(m, in, &rq, &err) == ZK_OK);
        double yf[6], yq[6];
        zk_nn_run_output(rf, 0, yf);
        zk_nn_run_output(rq, 0, yq);
        for (int k = 0; k < 6; k++) CHECK_MSG(fabs(yf[k] - yq[k]) < 1e-3, "%s[%d]: %g vs %g", bops[i], k, yq[k], yf[k]);
        zk_nn_run_free(rf);
        zk_nn_run_free(rq);
        zk_nn_free(m);
    }
    /* movement: Transpose, Slice (negative step), Pad (reflect), Tile, Expand, Concat, Split */
    tb_model t;
    tb_init(&t, 13);
    int64_t xd[2] = {2, 3};
    tb_input(&t, "x", 1, 2, xd);
    int64_t st[1] = {-1}, en[1] = {-100}, ax[1] = {1}, sp[1] = {-1}, pads[4] = {0, 1, 1, 2}, rep[2] = {2, 1}, shp[3] = {2, 2, 3};
    int64_t one[1] = {1}, two[1] = {2}, four[1] = {4}, three[1] = {3};
    tb_init_i64(&t, "st", 1, one, st);
    tb_init_i64(&t, "en", 1, one, en);
    tb_init_i64(&t, "ax", 1, one, ax);
    tb_init_i64(&t, "sp", 1, one, sp);
    tb_init_i64(&t, "pads", 1, four, pads);
    tb_init_i64(&t, "rep", 1, two, rep);
    tb_init_i64(&t, "shp", 1, three, shp);
    tb_node(&t, "Transpose", "tr", "x", "t", NULL);
    tb_node(&t, "Slice", "sl", "x,st,en,ax,sp", "s", NULL);
    tb_node(&t, "Pad", "pad", "x,pads", "p", ATTR(tb_attr_s("mode", "reflect")), NULL);
    tb_node(&t, "Tile", "tile", "x,rep", "ti", NULL);
    tb_node(&t, "Expand", "ex", "x,shp", "e", NULL);
    tb_node(&t, "Concat", "cat", "x,s", "c", ATTR(tb_attr_i("axis", 1)), NULL);
    tb_node(&t, "Split", "split", "c", "c1,c2", ATTR(tb_attr_i("axis", 1)), NULL);
    tb_output(&t, "t");
    tb_output(&t, "s");
    tb_output(&t, "p");
    tb_output(&t, "ti");
    tb_output(&t, "e");
    tb_output(&t, "c2");
    size_t len;
    uint8_t *buf = tb_finish(&t, &len);
    zk_nn_model *m = NULL;
    zk_error err = {0};
    REQUIRE(zk_nn_load(buf, len, NULL, &m, &err) == ZK_OK);
    free(buf);
    double x[6] = {1, 2, 3, 4, 5, 6};
    const double *in[1] = {x};
    zk_nn_run *rf = NULL;
    REQUIRE(zk_nn_run_float(m, in, &rf, &err) == ZK_OK);
    double o[64];
    zk_nn_run_output(rf, 0, o);
    CHECK(o[0] == 1 && o[1] == 4 && o[2] == 2 && o[5] == 6);
    zk_nn_run_output(rf, 1, o);
    CHECK(o[0] == 3 && o[1] == 2 && o[2] == 1 && o[3] == 6);
    zk_nn_value_info vp;
    zk_nn_get_value(m, zk_nn_output(m, 2), &vp);
    CHECK(vp.dims[0] == 3 && vp.dims[1] == 6);
    zk_nn_run_output(rf, 2, o); /* row 0: reflect of [1,2,3] with 1 left, 2 right: 2 1 2 3 2 1 */
    CHECK(o[0] == 2 && o[1] == 1 && o[3] == 3 && o[4] == 2 && o[5] == 1);
    zk_nn_run_output(rf, 3, o);
    CHECK(o[6] == 1 && o[11] == 6);
    zk_nn_run_output(rf, 4, o);
    CHECK(o[6] == 1 && o[11] == 6);
    zk_nn_run_output(rf, 5, o); /* second half of [x | reversed x] */
    CHECK(o[0] == 3 && o[1] == 2 && o[2] == 1 && o[3] == 6);
    /* the quantized run moves the same integers */
    const double *const *samples[1] = {in};
    REQUIRE(zk_nn_calibrate(m, NULL, 1, samples, &err) == ZK_OK);
    zk_nn_run *rq = NULL;
    REQUIRE(zk_nn_run_quant(m, in, &rq, &err) == ZK_OK);
    for (size_t i = 0; i < zk_nn_num_outputs(m); i++) {
        double a[64], b[64];
        zk_nn_value_info v;
        zk_nn_get_value(m, zk_nn_output(m, i), &v);
        zk_nn_run_output(rf, i, a);
        zk_nn_run_output(rq, i, b);
        CHECK(memcmp(a, b, (size_t)v.numel * 8) == 0);
    }
    zk_nn_run_free(rf);
    zk_nn_run_free(rq);
    zk_nn_free(m);
}

/* ---- corpus models (skipped without ../shared) ---- */

static int run_corpus_model(const char *name, double tol_rel, int samples) {
    const char *sh = th_shared_dir();
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s/corpus/models/%s", sh, name);
    snprintf(path, sizeof path, "%s/network.onnx", dir);
    zk_nn_model *m = NULL;
    zk_error err = {0};
    if (zk_nn_load_file(path, NULL, &m, &err)) {
        th_fail(__FILE__, __LINE__, "%s: %s", name, err.msg);
        return 0;
    }
    snprintf(path, sizeof path, "%s/input.json", dir);
    size_t len;
    char *text = th_read_file(path, &len);
    double **in = NULL;
    int ok = 0;
    cJSON *ref = NULL, *ts = NULL, *tr = NULL;
    if (!text || zk_nn_inputs_from_json(m, text, len, &in, &err)) {
        th_fail(__FILE__, __LINE__, "%s input: %s", name, err.msg);
        goto out;
    }
    const double *const *sample = (const double *const *)in;
    if (zk_nn_calibrate(m, NULL, 1, &sample, &err)) {
        th_fail(__FILE__, __LINE__, "%s calibrate: %s", name, err.msg);
        goto out;
    }
    zk_nn_run *rq = NULL;
    if (zk_nn_run_quant(m, sample, &rq, &err)) {
        th_fail(__FILE__, __LINE__, "%s run: %s", name, err.msg);
        goto out;
    }
    snprintf(path, sizeof path, "%s/ref_output.json", dir);
    ref = tv_load_path(path);
    const cJSON *od = cJSON_GetObjectItem(ref, "output_data");
    zk_nn_value_info v;
    zk_nn_get_value(m, zk_nn_output(m, 0), &v);
    double *y = calloc((size_t)v.numel + 1, sizeof(double));
    zk_nn_run_output(rq, 0, y);
    const cJSON *o0 = cJSON_GetArrayItem(od, 0);
    double lo = INFINITY, hi = -INFINITY, e = 0;
    int k = 0;
    for (const cJSON *c = o0 ? o0->child : NULL; c && k < v.numel; c = c->next, k++) {
        lo = fmin(lo, c->valuedouble);
        hi = fmax(hi, c->valuedouble);
        e = fmax(e, fabs(c->valuedouble - y[k]));
    }
    CHECK_EQ_INT(k, v.numel);
    CHECK_MSG(e <= tol_rel * fmax(hi - lo, 1e-9), "%s: max error %g over range %g", name, e, hi - lo);
    free(y);
    zk_nn_run_free(rq);
    if (samples) {
        snprintf(path, sizeof path, "%s/test_samples.json", dir);
        ts = tv_load_path(path);
        snprintf(path, sizeof path, "%s/test_ref_outputs.json", dir);
        tr = tv_load_path(path);
        const cJSON *xs = cJSON_GetObjectItem(ts, "inputs"), *ys = cJSON_GetObjectItem(tr, "outputs");
        zk_nn_value_info vi;
        zk_nn_get_value(m, zk_nn_input(m, 0), &vi);
        double *x = malloc((size_t)vi.numel * sizeof(double)), out[16];
        int agree = 0, total = 0;
        const cJSON *xe = xs ? xs->child : NULL, *ye = ys ? ys->child : NULL;
        for (; xe && ye && total < samples; xe = xe->next, ye = ye->next) {
            int j = 0;
            for (const cJSON *c = xe->child; c && j < vi.numel; c = c->next) x[j++] = c->valuedouble;
            const double *xin[1] = {x};
            zk_nn_run *r = NULL;
            if (zk_nn_run_quant(m, xin, &r, &err)) break;
            zk_nn_run_output(r, 0, out);
            zk_nn_run_free(r);
            int bq = 0, br = 0, c2 = 0;
            double best = -INFINITY;
            for (const cJSON *c = ye->child; c; c = c->next, c2++)
                if (c->valuedouble > best) best = c->valuedouble, br = c2;
            for (int q = 1; q < v.numel && q < 16; q++)
                if (out[q] > out[bq]) bq = q;
            agree += bq == br;
            total++;
        }
        free(x);
        CHECK_MSG(total > 0 && agree * 1000 >= total * 995, "%s: top-1 agreement %d/%d", name, agree, total);
    }
    ok = 1;
out:
    cJSON_Delete(ref);
    cJSON_Delete(ts);
    cJSON_Delete(tr);
    free(text);
    zk_nn_inputs_free(in, zk_nn_num_inputs(m));
    zk_nn_free(m);
    return ok;
}

TEST(nn_corpus_small_models) {
    if (!th_shared_dir()) {
        th_skip("../shared absent");
        return;
    }
    static const char *names[] = {"1l_mlp", "1l_conv_transpose", "1l_softmax", "2l_relu_sigmoid_conv", "4l_relu_conv_fc",
                                  "layernorm", "1l_gelu_noappx", "hard_swish", "clip", "tril", "1l_var"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) run_corpus_model(names[i], 0.01, 0);
}

TEST(nn_corpus_trained_top1) {
    if (!th_shared_dir()) {
        th_skip("../shared absent");
        return;
    }
    run_corpus_model("digits_mlp", 0.01, 200);
    run_corpus_model("iris_mlp", 0.01, 45);
    run_corpus_model("wine_mlp", 0.01, 54);
}
