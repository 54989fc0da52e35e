/* Hash to curve for Pallas and Vesta (pasta_curves' hash_to_curve); the
 * algorithm is in h2c_impl.inc, the constants in curve_params.h. */
#include <stdlib.h>
#include <string.h>

#include "curve/curve.h"
#include "curve/curve_params.h"
#include "hash/blake2b.h"
#include "util/threads.h"

#define ZC_(fn) zk_pallas_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZC_K(name) ZK_PALLAS_##name
#define ZB_(fn) zk_fp_##fn
#define ZB_T zk_fp
#include "curve/h2c_impl.inc"
#undef ZC_
#undef ZC_T
#undef ZC_A
#undef ZC_K
#undef ZB_
#undef ZB_T

#define ZC_(fn) zk_vesta_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZC_K(name) ZK_VESTA_##name
#define ZB_(fn) zk_fq_##fn
#define ZB_T zk_fq
#include "curve/h2c_impl.inc"
