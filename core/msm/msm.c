/* MSM for Pallas and Vesta: two instantiations of msm_impl.inc. */
#include "msm/msm.h"

#include <stdlib.h>
#include <string.h>

#include "msm/msm_common.h"
#include "util/threads.h"

size_t zk_msm_scratch_bytes(size_t n, const zk_msm_opts *opts) {
    if (n == 0 || msm_check_opts(opts) != ZK_OK) return 0;
    int glv = !(opts && (opts->flags & ZK_MSM_NO_GLV));
    size_t bytes = 0;
    /* Pallas and Vesta points have the same sizes. */
    (void)msm_chunk_points(n, glv, msm_threads(opts), opts, sizeof(zk_vesta_affine), sizeof(zk_vesta),
                           sizeof(zk_fq), &bytes);
    return bytes;
}

#define ZC_(fn) zk_vesta_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZB_(fn) zk_fq_##fn
#define ZB_T zk_fq
#define ZS_(fn) zk_fp_##fn
#define ZS_T zk_fp
#define ZM_(name) msm_vesta_##name
#define ZM_PUB(fn) zk_vesta_##fn
#define ZM_GLV msm_glv_vesta
#define ZM_ZETA zk_fq_ZETA
#define ZM_BP29(i) ZK_FQ_P29_##i
#include "msm/msm_impl.inc"
#undef ZC_
#undef ZC_T
#undef ZC_A
#undef ZB_
#undef ZB_T
#undef ZS_
#undef ZS_T
#undef ZM_
#undef ZM_PUB
#undef ZM_GLV
#undef ZM_ZETA
#undef ZM_BP29
#undef ZM_DBL_FLAG
#undef ZM_LAZY
#undef ZM_HOT
#undef ZM_BUCKET_MASK
#undef ZM_BLOCK
#undef ZM_PREFETCH
#undef ZM_REC_CHUNK

#define ZC_(fn) zk_pallas_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZB_(fn) zk_fp_##fn
#define ZB_T zk_fp
#define ZS_(fn) zk_fq_##fn
#define ZS_T zk_fq
#define ZM_(name) msm_pallas_##name
#define ZM_PUB(fn) zk_pallas_##fn
#define ZM_GLV msm_glv_pallas
#define ZM_ZETA zk_fp_ZETA
#define ZM_BP29(i) ZK_FP_P29_##i
#include "msm/msm_impl.inc"
