#include "curve/curve.h"

#include <stdlib.h>
#include <string.h>

#define ZC_(fn) zk_pallas_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZB_(fn) zk_fp_##fn
#define ZB_T zk_fp
#define ZS_T zk_fq
#include "curve/curve_impl.inc"
#undef ZC_
#undef ZC_T
#undef ZC_A
#undef ZB_
#undef ZB_T
#undef ZS_T

#define ZC_(fn) zk_vesta_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZB_(fn) zk_fq_##fn
#define ZB_T zk_fq
#define ZS_T zk_fp
#include "curve/curve_impl.inc"
