/* MSM against the naive reference: random and degenerate inputs, every code
 * path (GLV or not, batch-affine or projective buckets, tiny batches that
 * force deferred additions, threads, chunking), both curves. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "curve/curve.h"
#include "harness.h"
#include "msm/msm.h"
#include "msm/msm_common.h"
#include "util/rng.h"

#define ZC(fn) zk_vesta_##fn
#define ZB(fn) zk_fq_##fn
#define ZS(fn) zk_fp_##fn
#define ZM(fn) zk_vesta_##fn
#define ZT(fn) tmv_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZB_T zk_fq
#define ZS_T zk_fp
#include "msm_cases.inc"
#undef ZC
#undef ZB
#undef ZS
#undef ZM
#undef ZT
#undef ZC_T
#undef ZC_A
#undef ZB_T
#undef ZS_T

#define ZC(fn) zk_pallas_##fn
#define ZB(fn) zk_fp_##fn
#define ZS(fn) zk_fq_##fn
#define ZM(fn) zk_pallas_##fn
#define ZT(fn) tmp_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZB_T zk_fp
#define ZS_T zk_fq
#include "msm_cases.inc"

TEST(msm_vesta_glv) { tmv_glv_(&msm_glv_vesta, &zk_fq_ZETA, 1); }
TEST(msm_pallas_glv) { tmp_glv_(&msm_glv_pallas, &zk_fp_ZETA, 2); }
TEST(msm_vesta_small) { tmv_small_(3, 1, 1); }
TEST(msm_pallas_small) { tmp_small_(4, 0, 7); }
TEST(msm_vesta_pow2) { tmv_pow2_(5, 4096); }
TEST(msm_pallas_pow2) { tmp_pow2_(6, 512); }
TEST(msm_vesta_degenerate) { tmv_degenerate_(7, 300); }
TEST(msm_pallas_degenerate) { tmp_degenerate_(8, 100); }
TEST(msm_vesta_threads_chunks) { tmv_threads_chunks_(9); }
TEST(msm_pallas_threads_chunks) { tmp_threads_chunks_(12); }
TEST(msm_vesta_u64_scalars) { tmv_u64_(10); }
TEST(msm_pallas_u64_scalars) { tmp_u64_(11); }

TEST(msm_edge_arguments) {
    zk_vesta r;
    zk_fp s;
    zk_vesta_affine g;
    zk_vesta_generator(&g);
    zk_fp_one(&s);
    CHECK(zk_vesta_msm_var(&r, NULL, NULL, 0) == ZK_OK);
    CHECK(zk_vesta_is_identity(&r));
    CHECK(zk_vesta_msm_naive_var(&r, NULL, NULL, 0) == ZK_OK);
    CHECK(zk_vesta_is_identity(&r));
    CHECK(zk_vesta_msm_var(&r, NULL, &g, 1) == ZK_ERR_INVALID_ARG);
    CHECK(zk_vesta_msm_var(NULL, &s, &g, 1) == ZK_ERR_INVALID_ARG);
    zk_msm_opts bad = {0, 0, 1, 0, 0};
    CHECK(zk_vesta_msm_opt_var(&r, &s, &g, 1, &bad) == ZK_ERR_INVALID_ARG);
    bad.window = 17;
    CHECK(zk_vesta_msm_opt_var(&r, &s, &g, 1, &bad) == ZK_ERR_INVALID_ARG);
    bad.window = 0;
    bad.flags = ZK_MSM_AFFINE | ZK_MSM_PROJECTIVE;
    CHECK(zk_vesta_msm_opt_var(&r, &s, &g, 1, &bad) == ZK_ERR_INVALID_ARG);
    CHECK(zk_vesta_msm_var(&r, &s, &g, 1) == ZK_OK); /* 1 * G */
    zk_vesta gp;
    zk_vesta_from_affine(&gp, &g);
    CHECK(zk_vesta_eq(&r, &gp));
    CHECK(zk_msm_scratch_bytes(0, NULL) == 0);
    CHECK(zk_msm_scratch_bytes(1 << 16, NULL) > (size_t)(1 << 16) * 32);
    zk_msm_opts cap = {0, (size_t)1 << 20, 0, 0, 0};
    CHECK(zk_msm_scratch_bytes(1 << 16, &cap) <= ((size_t)1 << 20) + ((size_t)1 << 19));
}
