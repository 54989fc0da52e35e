#include <stdlib.h>
#include <string.h>

#include "curve/curve.h"
#include "harness.h"
#include "tv.h"

#define ZC(fn) zk_pallas_##fn
#define ZB(fn) zk_fp_##fn
#define ZT(fn) tpa_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZC_KEY "pallas"
#include "curve_cases.inc"
#undef ZC
#undef ZB
#undef ZT
#undef ZC_T
#undef ZC_A
#undef ZC_KEY

#define ZC(fn) zk_vesta_##fn
#define ZB(fn) zk_fq_##fn
#define ZT(fn) tve_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZC_KEY "vesta"
#include "curve_cases.inc"

TEST(curve_pallas_arith_vectors) { tpa_check_arith_(); }
TEST(curve_vesta_arith_vectors) { tve_check_arith_(); }
TEST(curve_pallas_laws) { tpa_check_laws_(); }
TEST(curve_vesta_laws) { tve_check_laws_(); }
