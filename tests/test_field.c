#include <stdlib.h>
#include <string.h>

#include "field/field.h"
#include "harness.h"
#include "tv.h"
#include "util/rng.h"

#define ZF_T zk_fp
#define ZL(fn) zk_fp_##fn
#define ZT(fn) tfp_##fn
#define ZF_KEY "Fp"
#include "field_cases.inc"
#undef ZF_T
#undef ZL
#undef ZT
#undef ZF_KEY

#define ZF_T zk_fq
#define ZL(fn) zk_fq_##fn
#define ZT(fn) tfq_##fn
#define ZF_KEY "Fq"
#include "field_cases.inc"

TEST(field_fp_vectors) { tfp_check_vectors_(); }
TEST(field_fq_vectors) { tfq_check_vectors_(); }
TEST(field_fp_laws) { tfp_check_laws_(11); }
TEST(field_fq_laws) { tfq_check_laws_(12); }

TEST(field_from_bytes_rejects_noncanonical) {
    uint8_t b[32];
    memset(b, 0xff, 32);
    zk_fp x;
    zk_fq y;
    CHECK(zk_fp_from_bytes(&x, b) == ZK_ERR_ENCODING);
    CHECK(zk_fq_from_bytes(&y, b) == ZK_ERR_ENCODING);
    CHECK(zk_fp_is_zero(&x) && zk_fq_is_zero(&y));
}
