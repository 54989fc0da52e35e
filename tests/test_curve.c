#include <stdlib.h>
#include <string.h>

#include "curve/curve.h"
#include "harness.h"
#include "tv.h"
#include "util/rng.h"
#include "util/threads.h"

#define ZC(fn) zk_pallas_##fn
#define ZB(fn) zk_fp_##fn
#define ZS(fn) zk_fq_##fn
#define ZS_T zk_fq
#define ZB_T zk_fp
#define ZT(fn) tpa_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZC_KEY "pallas"
#include "curve_cases.inc"
#undef ZC
#undef ZB
#undef ZS
#undef ZS_T
#undef ZB_T
#undef ZT
#undef ZC_T
#undef ZC_A
#undef ZC_KEY

#define ZC(fn) zk_vesta_##fn
#define ZB(fn) zk_fq_##fn
#define ZS(fn) zk_fp_##fn
#define ZS_T zk_fp
#define ZB_T zk_fq
#define ZT(fn) tve_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZC_KEY "vesta"
#include "curve_cases.inc"

TEST(curve_pallas_arith_vectors) { tpa_check_arith_(); }
TEST(curve_vesta_arith_vectors) { tve_check_arith_(); }
TEST(curve_pallas_laws) { tpa_check_laws_(); }
TEST(curve_vesta_laws) { tve_check_laws_(); }
TEST(curve_pallas_encoding_vectors) { tpa_check_encoding_(); }
TEST(curve_vesta_encoding_vectors) { tve_check_encoding_(); }
TEST(curve_pallas_encoding_tamper) { tpa_check_encoding_tamper_(21); }
TEST(curve_vesta_encoding_tamper) { tve_check_encoding_tamper_(22); }
TEST(curve_pallas_mul_vectors) { tpa_check_mul_vectors_(); }
TEST(curve_vesta_mul_vectors) { tve_check_mul_vectors_(); }
TEST(curve_pallas_mul_laws) { tpa_check_mul_laws_(31); }
TEST(curve_vesta_mul_laws) { tve_check_mul_laws_(32); }
TEST(curve_pallas_hash_to_curve_vectors) { tpa_check_h2c_vectors_(); }
TEST(curve_vesta_hash_to_curve_vectors) { tve_check_h2c_vectors_(); }
TEST(curve_pallas_hash_to_curve_batch) { tpa_check_h2c_batch_(300); }
TEST(curve_vesta_hash_to_curve_batch) { tve_check_h2c_batch_(600); }

/* The IPA generators: g[i] = H([0x00, i LE]), w = H([0x01]), u = H([0x02]) on
 * Vesta under "Halo2-Parameters" (ipa_params.json, k = 4 and 5). */
TEST(curve_vesta_hash_to_curve_ipa_params) {
    cJSON *root = tv_load("ipa_params.json");
    REQUIRE(root);
    const cJSON *pj;
    int nparams = 0;
    cJSON_ArrayForEach(pj, cJSON_GetObjectItem(root, "params")) {
        int n = cJSON_GetArraySize(cJSON_GetObjectItem(pj, "g"));
        REQUIRE(n == 16 || n == 32);
        uint8_t msgs[5 * 32];
        zk_vesta_affine g[32], a;
        for (int i = 0; i < n; i++) {
            msgs[5 * i] = 0;
            for (int j = 0; j < 4; j++) msgs[5 * i + 1 + j] = (uint8_t)(i >> (8 * j));
        }
        REQUIRE(zk_vesta_hash_to_curve_batch(g, "Halo2-Parameters", msgs, 5, (size_t)n) == ZK_OK);
        for (int i = 0; i < n; i++)
            CHECK_MSG(tve_same_affine_(&g[i], cJSON_GetArrayItem(cJSON_GetObjectItem(pj, "g"), i)),
                      "g[%d]", i);
        uint8_t one = 1, two = 2;
        REQUIRE(zk_vesta_hash_to_curve_batch(&a, "Halo2-Parameters", &one, 1, 1) == ZK_OK);
        CHECK(tve_same_affine_(&a, cJSON_GetObjectItem(pj, "w")));
        REQUIRE(zk_vesta_hash_to_curve_batch(&a, "Halo2-Parameters", &two, 1, 1) == ZK_OK);
        CHECK(tve_same_affine_(&a, cJSON_GetObjectItem(pj, "u")));
        nparams++;
    }
    CHECK(nparams == 2);
    cJSON_Delete(root);
}

/* hash_to_curve_batch called from inside a parallel kernel (nested work runs
 * serially on the calling worker) gives the same points. */
typedef struct {
    const uint8_t *msgs;
    zk_vesta_affine *out;
    int failed;
} nested_ctx_;

static void nested_range_(void *vctx, size_t begin, size_t end, unsigned worker) {
    nested_ctx_ *c = vctx;
    (void)worker;
    for (size_t i = begin; i < end; i++) /* 80 > the batch's grain: a nested parallel_for */
        if (zk_vesta_hash_to_curve_batch(c->out + 80 * i, "nested", c->msgs + 80 * i, 1, 80) != ZK_OK)
            c->failed = 1;
}

TEST(curve_vesta_hash_to_curve_nested) {
    enum { N = 2, M = 80 * N };
    uint8_t msgs[M];
    zk_vesta_affine out[M], flat[M];
    for (int i = 0; i < M; i++) msgs[i] = (uint8_t)i;
    nested_ctx_ c = {msgs, out, 0};
    zk_parallel_for(N, 1, nested_range_, &c);
    CHECK(!c.failed);
    REQUIRE(zk_vesta_hash_to_curve_batch(flat, "nested", msgs, 1, M) == ZK_OK);
    for (int i = 0; i < M; i++) CHECK(zk_vesta_affine_eq(&out[i], &flat[i]));
}

/* x = the 128-bit magnitude m as a field element, negated if neg. */
static void u128_to_fp(zk_fp *x, const uint64_t m[2], int neg) {
    const uint64_t v[4] = {m[0], m[1], 0, 0};
    zk_fp_from_canonical(x, v);
    if (neg) zk_fp_neg(x, x);
}

/* The exported GLV split and wNAF recombine to the scalar. */
TEST(curve_glv_split_and_wnaf) {
    zk_splitmix64 rng = {2024};
    for (int it = 0; it < 300; it++) {
        uint8_t b[64];
        zk_fp k, x1, x2, sum;
        zk_splitmix64_fill(&rng, b, 64);
        zk_fp_from_uniform_bytes(&k, b);
        if (it == 0) zk_fp_zero(&k);
        if (it == 1) zk_fp_from_i64(&k, -1);
        uint64_t m1[2], m2[2];
        int n1, n2;
        zk_vesta_glv_split(m1, &n1, m2, &n2, &k); /* k = +-m1 +- m2 ZETA */
        u128_to_fp(&x1, m1, n1);
        u128_to_fp(&x2, m2, n2);
        zk_fp_mul(&x2, &x2, &zk_fp_ZETA);
        zk_fp_add(&sum, &x1, &x2);
        CHECK(zk_fp_eq(&sum, &k));
        /* wNAF digits of m1 are odd or zero and sum back to m1 */
        int8_t d[ZK_WNAF5_MAX];
        int len = zk_wnaf5_var(d, m1);
        zk_fp acc = zk_fp_ZERO, dig;
        for (int i = len - 1; i >= 0; i--) {
            zk_fp_dbl(&acc, &acc);
            zk_fp_from_i64(&dig, d[i]);
            zk_fp_add(&acc, &acc, &dig);
            CHECK(d[i] == 0 || (d[i] & 1));
        }
        u128_to_fp(&x1, m1, 0);
        CHECK(zk_fp_eq(&acc, &x1));
    }
}
