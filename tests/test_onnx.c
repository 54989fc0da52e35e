/* ONNX reader: protobuf wire decoding, message decoding, bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nn/nn.h"
#include "onnx/onnx.h"
#include "onnx/pb.h"
#include "test_onnx_build.h"

#define ATTR(x) ((pbw[]){x})

TEST(onnx_pb_varint) {
    static const struct {
        uint8_t b[12];
        size_t n;
        zk_status st;
        uint64_t v;
    } cases[] = {
        {{0x00}, 1, ZK_OK, 0},
        {{0x7f}, 1, ZK_OK, 127},
        {{0x80, 0x01}, 2, ZK_OK, 128},
        {{0xac, 0x02}, 2, ZK_OK, 300},
        {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 10, ZK_OK, UINT64_MAX},
        {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 10, ZK_ERR_PARSE, 0},       /* > 64 bits */
        {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 11, ZK_ERR_PARSE, 0}, /* 11 bytes */
        {{0x80}, 1, ZK_ERR_TRUNCATED, 0},
        {{0}, 0, ZK_ERR_TRUNCATED, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zk_pb r = zk_pb_init(cases[i].b, cases[i].n);
        uint64_t v = 0;
        zk_status st = zk_pb_varint(&r, &v);
        CHECK_EQ_INT(st, cases[i].st);
        if (st == ZK_OK) CHECK(v == cases[i].v);
    }
}

TEST(onnx_pb_fields) {
    /* key with wire types 3/4 (groups) and 6/7 are rejected; field 0 too */
    uint8_t g[] = {0x0b}, z[] = {0x02, 0x00}, w6[] = {0x0e};
    uint32_t f;
    int w;
    zk_pb r = zk_pb_init(g, 1);
    CHECK_EQ_INT(zk_pb_key(&r, &f, &w), ZK_ERR_PARSE);
    r = zk_pb_init(z, 2);
    CHECK_EQ_INT(zk_pb_key(&r, &f, &w), ZK_ERR_PARSE);
    r = zk_pb_init(w6, 1);
    CHECK_EQ_INT(zk_pb_key(&r, &f, &w), ZK_ERR_PARSE);
    /* a length beyond the buffer is truncation, never a read past the end */
    uint8_t len[] = {0x0a, 0x05, 'a', 'b'};
    r = zk_pb_init(len, sizeof len);
    CHECK_EQ_INT(zk_pb_key(&r, &f, &w), ZK_OK);
    zk_pb sub;
    CHECK_EQ_INT(zk_pb_bytes(&r, &sub), ZK_ERR_TRUNCATED);
    uint8_t huge[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    r = zk_pb_init(huge, sizeof huge);
    zk_pb_key(&r, &f, &w);
    CHECK_EQ_INT(zk_pb_bytes(&r, &sub), ZK_ERR_TRUNCATED);
    uint8_t fx[] = {0x01, 0x02, 0x03};
    uint32_t v32;
    r = zk_pb_init(fx, 3);
    CHECK_EQ_INT(zk_pb_fixed32(&r, &v32), ZK_ERR_TRUNCATED);
}

static uint8_t *small_model(size_t *len) {
    tb_model t;
    tb_init(&t, 13);
    int64_t xd[2] = {-1, 3}, wd[2] = {2, 3}, bd[1] = {2};
    float w[6] = {1, -2, 0.5f, 0.25f, 3, -1}, b[2] = {0.5f, -0.25f};
    tb_input(&t, "x", 1, 2, xd);
    tb_init_f(&t, "W", 2, wd, w, 1);
    tb_init_f(&t, "B", 1, bd, b, 0);
    tb_node(&t, "Gemm", "fc", "x,W,B", "h", ATTR(tb_attr_i("transB", 1)), NULL);
    tb_node(&t, "Relu", "act", "h", "y", NULL);
    tb_output(&t, "y");
    return tb_finish(&t, len);
}

TEST(onnx_parse_small) {
    size_t len;
    uint8_t *buf = small_model(&len);
    zk_onnx_model *m = NULL;
    zk_error err = {0};
    REQUIRE(zk_onnx_parse(buf, len, &m, &err) == ZK_OK);
    CHECK_EQ_INT(m->ir_version, 8);
    CHECK_EQ_INT(m->opset, 13);
    CHECK(!strcmp(m->producer, "zkml-tests"));
    const zk_onnx_graph *g = &m->graph;
    CHECK_EQ_INT(g->n_nodes, 2);
    CHECK_EQ_INT(g->n_inits, 2);
    CHECK_EQ_INT(g->n_inputs, 1);
    CHECK_EQ_INT(g->inputs[0].ndim, 2);
    CHECK_EQ_INT(g->inputs[0].dims[0], -1);
    CHECK_EQ_INT(g->inputs[0].dims[1], 3);
    CHECK(!strcmp(g->nodes[0].op_type, "Gemm"));
    CHECK_EQ_INT(g->nodes[0].n_inputs, 3);
    CHECK(!strcmp(g->nodes[0].inputs[2], "B"));
    const zk_onnx_attr *a = zk_onnx_node_attr(&g->nodes[0], "transB");
    REQUIRE(a != NULL);
    CHECK_EQ_INT(a->i, 1);
    CHECK_EQ_INT(g->inits[0].numel, 6);
    CHECK(g->inits[0].data[1] == -2.0 && g->inits[0].data[2] == 0.5);
    CHECK(g->inits[1].data[1] == -0.25); /* packed float_data */
    zk_onnx_model_free(m);
    free(buf);
}

/* Every prefix and every single-byte corruption of a valid model must give a
 * status, never a crash or a read out of bounds (ASan checks the latter). */
TEST(onnx_parse_truncated_and_garbled) {
    size_t len;
    uint8_t *buf = small_model(&len);
    int errors = 0;
    for (size_t n = 0; n < len; n++) {
        zk_nn_model *m = NULL;
        zk_error err = {0};
        zk_status st = zk_nn_load(buf, n, NULL, &m, &err);
        if (st) {
            errors++;
            CHECK(err.msg[0] != 0);
        }
        zk_nn_free(m);
    }
    CHECK(errors > (int)len / 2);
    uint8_t *cp = malloc(len);
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(cp, buf, len);
            cp[i] ^= (uint8_t)(1u << bit);
            zk_nn_model *m = NULL;
            zk_error err = {0};
            if (zk_nn_load(cp, len, NULL, &m, &err) == ZK_OK) {
                zk_nn_qopts q;
                zk_nn_qopts_default(&q);
                q.fixed_scale = 8;
                if (zk_nn_calibrate(m, &q, 0, NULL, &err) == ZK_OK && zk_nn_num_inputs(m) == 1) {
                    zk_nn_value_info vi;
                    zk_nn_get_value(m, zk_nn_input(m, 0), &vi);
                    if (vi.numel < 1000) {
                        double *x = calloc((size_t)vi.numel + 1, sizeof(double));
                        const double *in[1] = {x};
                        zk_nn_run *r = NULL;
                        zk_nn_run_quant(m, in, &r, &err);
                        zk_nn_run_free(r);
                        free(x);
                    }
                }
            }
            zk_nn_free(m);
        }
    free(cp);
    free(buf);
}

TEST(onnx_bad_inputs_named) {
    zk_error err = {0};
    zk_nn_model *m = NULL;
    /* garbage */
    const uint8_t junk[] = "this is not an onnx file at all";
    CHECK(zk_nn_load(junk, sizeof junk - 1, NULL, &m, &err) != ZK_OK);
    CHECK(m == NULL);
    CHECK(zk_nn_load(junk, 0, NULL, &m, &err) == ZK_ERR_PARSE);
    /* unknown op: unsupported, names node and op */
    tb_model t;
    size_t len;
    int64_t xd[2] = {1, 4};
    tb_init(&t, 13);
    tb_input(&t, "x", 1, 2, xd);
    tb_node(&t, "FrobnicateV2", "strange_node", "x", "y", NULL);
    tb_output(&t, "y");
    uint8_t *buf = tb_finish(&t, &len);
    CHECK_EQ_INT(zk_nn_load(buf, len, NULL, &m, &err), ZK_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "strange_node") && strstr(err.msg, "FrobnicateV2"));
    zk_nn_load_opts lo = {1, 1, 0, NULL};
    REQUIRE(zk_nn_load(buf, len, &lo, &m, &err) == ZK_OK);
    CHECK_EQ_INT(zk_nn_num_unsupported(m), 1);
    zk_nn_free(m);
    free(buf);
    /* shapes that do not fit: MatMul [1,4] x [3,2] */
    tb_init(&t, 13);
    tb_input(&t, "x", 1, 2, xd);
    int64_t wd[2] = {3, 2};
    float w[6] = {0};
    tb_init_f(&t, "W", 2, wd, w, 1);
    tb_node(&t, "MatMul", "mm1", "x,W", "y", NULL);
    tb_output(&t, "y");
    buf = tb_finish(&t, &len);
    CHECK_EQ_INT(zk_nn_load(buf, len, NULL, &m, &err), ZK_ERR_SHAPE);
    CHECK(strstr(err.msg, "mm1") != NULL);
    free(buf);
    /* a shape computed at run time cannot be resolved */
    tb_init(&t, 13);
    tb_input(&t, "x", 1, 2, xd);
    int64_t sd[1] = {2};
    tb_input(&t, "s", 7, 1, sd);
    tb_node(&t, "Reshape", "rs", "x,s", "y", NULL);
    tb_output(&t, "y");
    buf = tb_finish(&t, &len);
    CHECK_EQ_INT(zk_nn_load(buf, len, NULL, &m, &err), ZK_ERR_SHAPE);
    CHECK(strstr(err.msg, "rs") != NULL);
    free(buf);
    /* an input nobody produces */
    tb_init(&t, 13);
    tb_input(&t, "x", 1, 2, xd);
    tb_node(&t, "Add", "add", "x,ghost", "y", NULL);
    tb_output(&t, "y");
    buf = tb_finish(&t, &len);
    CHECK_EQ_INT(zk_nn_load(buf, len, NULL, &m, &err), ZK_ERR_PARSE);
    CHECK(strstr(err.msg, "ghost") != NULL);
    free(buf);
}

TEST(onnx_tensor_data_checked) {
    zk_error err = {0};
    zk_nn_model *m = NULL;
    tb_model t;
    size_t len;
    int64_t xd[2] = {1, 2};
    /* raw_data shorter than the dims say */
    tb_init(&t, 13);
    tb_input(&t, "x", 1, 2, xd);
    {
        pbw ts = {0};
        pbw_vfield(&ts, 1, 1000000);
        pbw_vfield(&ts, 1, 1000);
        pbw_vfield(&ts, 2, 1);
        pbw_str(&ts, 8, "big");
        pbw_bytes(&ts, 9, "abcd", 4);
        pbw_msg(&t.graph, 5, &ts);
        pbw_free(&ts);
    }
    tb_node(&t, "Add", "a", "x,big", "y", NULL);
    tb_output(&t, "y");
    uint8_t *buf = tb_finish(&t, &len);
    CHECK_EQ_INT(zk_nn_load(buf, len, NULL, &m, &err), ZK_ERR_UNSUPPORTED); /* 10^9 elements: over the cap */
    free(buf);
    tb_init(&t, 13);
    tb_input(&t, "x", 1, 2, xd);
    {
        pbw ts = {0};
        pbw_vfield(&ts, 1, 2);
        pbw_vfield(&ts, 2, 1);
        pbw_str(&ts, 8, "c");
        pbw_bytes(&ts, 9, "abc", 3);
        pbw_msg(&t.graph, 5, &ts);
        pbw_free(&ts);
    }
    tb_node(&t, "Add", "a", "x,c", "y", NULL);
    tb_output(&t, "y");
    buf = tb_finish(&t, &len);
    CHECK_EQ_INT(zk_nn_load(buf, len, NULL, &m, &err), ZK_ERR_PARSE);
    CHECK(strstr(err.msg, "raw_data") != NULL);
    free(buf);
    /* external data */
    tb_init(&t, 13);
    tb_input(&t, "x", 1, 2, xd);
    {
        pbw ts = {0}, kv = {0};
        pbw_vfield(&ts, 1, 2);
        pbw_vfield(&ts, 2, 1);
        pbw_str(&ts, 8, "ext");
        pbw_str(&kv, 1, "location");
        pbw_str(&kv, 2, "weights.bin");
        pbw_msg(&ts, 13, &kv);
        pbw_vfield(&ts, 14, 1);
        pbw_msg(&t.graph, 5, &ts);
        pbw_free(&ts);
        pbw_free(&kv);
    }
    tb_node(&t, "Add", "a", "x,ext", "y", NULL);
    tb_output(&t, "y");
    buf = tb_finish(&t, &len);
    CHECK_EQ_INT(zk_nn_load(buf, len, NULL, &m, &err), ZK_ERR_UNSUPPORTED);
    CHECK(strstr(err.msg, "external") != NULL);
    free(buf);
}

/* The corpus models all load (or fail with a clear unsupported-op message). */
TEST(onnx_corpus_load) {
    const char *sh = th_shared_dir();
    if (!sh) {
        th_skip("../shared absent");
        return;
    }
    static const char *names[] = {"1l_mlp", "4l_relu_conv_fc", "fmnist_lenet", "layernorm", "1l_lppool", "self_attention"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/corpus/models/%s/network.onnx", sh, names[i]);
        zk_nn_model *m = NULL;
        zk_error err = {0};
        zk_status st = zk_nn_load_file(path, NULL, &m, &err);
        if (!strcmp(names[i], "1l_lppool")) {
            CHECK_EQ_INT(st, ZK_ERR_UNSUPPORTED);
            CHECK(strstr(err.msg, "Sign") != NULL);
        } else {
            CHECK_MSG(st == ZK_OK, "%s: %s", names[i], err.msg);
        }
        zk_nn_free(m);
    }
}

/* Writes the seed models of the fuzzer (tests/data/onnx) when ZK_WRITE_SEEDS is set. */
TEST(onnx_write_seeds) {
    const char *dir = getenv("ZK_WRITE_SEEDS");
    if (!dir || !*dir) return;
    size_t len;
    uint8_t *buf = small_model(&len);
    char path[1024];
    snprintf(path, sizeof path, "%s/gemm_relu.onnx", dir);
    FILE *f = fopen(path, "wb");
    REQUIRE(f != NULL);
    fwrite(buf, 1, len, f);
    fclose(f);
    free(buf);
}
