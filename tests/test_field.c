#include <stdlib.h>
#include <string.h>

#include "field/field.h"
#include "harness.h"
#include "tv.h"
#include "util/rng.h"

/* ---- a slow, obviously correct reference: 256-bit integers as 8 32-bit
 *      little-endian words, products reduced bit by bit ---- */
typedef struct {
    uint32_t w[8];
} ref_u256;

static void ref_from_u64(ref_u256 *r, const uint64_t v[4]) {
    for (int i = 0; i < 4; i++) {
        r->w[2 * i] = (uint32_t)v[i];
        r->w[2 * i + 1] = (uint32_t)(v[i] >> 32);
    }
}

static void ref_to_u64(uint64_t v[4], const ref_u256 *a) {
    for (int i = 0; i < 4; i++) v[i] = a->w[2 * i] | (uint64_t)a->w[2 * i + 1] << 32;
}

static int ref_cmp(const ref_u256 *a, const ref_u256 *b) {
    for (int i = 7; i >= 0; i--)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static uint32_t ref_add(ref_u256 *r, const ref_u256 *a, const ref_u256 *b) {
    uint64_t c = 0;
    for (int i = 0; i < 8; i++) {
        c += (uint64_t)a->w[i] + b->w[i];
        r->w[i] = (uint32_t)c;
        c >>= 32;
    }
    return (uint32_t)c;
}

static uint32_t ref_sub(ref_u256 *r, const ref_u256 *a, const ref_u256 *b) {
    uint32_t borrow = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t d = (uint64_t)a->w[i] - b->w[i] - borrow;
        r->w[i] = (uint32_t)d;
        borrow = (uint32_t)(d >> 63);
    }
    return borrow;
}

static void ref_addmod(ref_u256 *r, const ref_u256 *a, const ref_u256 *b, const ref_u256 *p) {
    uint32_t c = ref_add(r, a, b);
    if (c || ref_cmp(r, p) >= 0) ref_sub(r, r, p);
}

static void ref_submod(ref_u256 *r, const ref_u256 *a, const ref_u256 *b, const ref_u256 *p) {
    if (ref_sub(r, a, b)) ref_add(r, r, p);
}

/* r = x mod p for an n-word integer x (p < 2^255). */
static void ref_mod_words(ref_u256 *r, const uint32_t *x, int n, const ref_u256 *p) {
    memset(r, 0, sizeof *r);
    for (int bit = 32 * n - 1; bit >= 0; bit--) {
        for (int i = 7; i > 0; i--) r->w[i] = r->w[i] << 1 | r->w[i - 1] >> 31;
        r->w[0] = r->w[0] << 1 | ((x[bit >> 5] >> (bit & 31)) & 1);
        if (ref_cmp(r, p) >= 0) ref_sub(r, r, p);
    }
}

static void ref_mulmod(ref_u256 *r, const ref_u256 *a, const ref_u256 *b, const ref_u256 *p) {
    uint32_t t[16] = {0};
    for (int i = 0; i < 8; i++) {
        uint64_t c = 0;
        for (int j = 0; j < 8; j++) {
            c += (uint64_t)a->w[i] * b->w[j] + t[i + j];
            t[i + j] = (uint32_t)c;
            c >>= 32;
        }
        t[i + 8] = (uint32_t)c;
    }
    ref_mod_words(r, t, 16, p);
}

/* r = a/2 mod p */
static void ref_halve(ref_u256 *r, const ref_u256 *a, const ref_u256 *p) {
    ref_u256 t = *a;
    uint32_t top = 0;
    if (t.w[0] & 1) top = ref_add(&t, &t, p);
    for (int i = 0; i < 7; i++) t.w[i] = t.w[i] >> 1 | t.w[i + 1] << 31;
    t.w[7] = t.w[7] >> 1 | top << 31;
    *r = t;
}

enum { ZT_NVAL = 128 }; /* values per field in the reference checks */

#define ZF_T zk_fp
#define ZL(fn) zk_fp_##fn
#define ZT(fn) tfp_##fn
#define ZF_KEY "Fp"
#define ZF_P64(i) ZK_FP_P64_##i
#define ZF_EXP(name) ZK_FP_EXP_##name
#include "field_cases.inc"
#undef ZF_T
#undef ZL
#undef ZT
#undef ZF_KEY
#undef ZF_P64
#undef ZF_EXP

#define ZF_T zk_fq
#define ZL(fn) zk_fq_##fn
#define ZT(fn) tfq_##fn
#define ZF_KEY "Fq"
#define ZF_P64(i) ZK_FQ_P64_##i
#define ZF_EXP(name) ZK_FQ_EXP_##name
#include "field_cases.inc"

TEST(field_fp_vectors) { tfp_check_vectors_(); }
TEST(field_fq_vectors) { tfq_check_vectors_(); }
TEST(field_fp_laws) { tfp_check_laws_(11); }
TEST(field_fq_laws) { tfq_check_laws_(12); }
TEST(field_fp_reference) { tfp_check_reference_(21); }
TEST(field_fq_reference) { tfq_check_reference_(22); }
TEST(field_fp_out_of_line) { tfp_check_out_of_line_(31); }
TEST(field_fq_out_of_line) { tfq_check_out_of_line_(32); }

TEST(field_from_bytes_rejects_noncanonical) {
    uint8_t b[32];
    memset(b, 0xff, 32);
    zk_fp x;
    zk_fq y;
    CHECK(zk_fp_from_bytes(&x, b) == ZK_ERR_ENCODING);
    CHECK(zk_fq_from_bytes(&y, b) == ZK_ERR_ENCODING);
    CHECK(zk_fp_is_zero(&x) && zk_fq_is_zero(&y));
}

#if defined(ZK_FIELD_29)
/* The 9x29 multiply accepts unreduced operands (limbs < 2^29, value < 2^256),
 * which core/msm's lazy subtraction feeds it: a + k p multiplies like a. */
static void add_multiple_of_p(zk_fp *u, const zk_fp *a, int k) {
    uint64_t p[4] = {ZK_FP_P64_0, ZK_FP_P64_1, ZK_FP_P64_2, ZK_FP_P64_3};
    uint32_t pl[9];
    for (int i = 0; i < 9; i++) { /* p in 29-bit limbs */
        int bit = 29 * i, w = bit >> 6, off = bit & 63;
        uint64_t v = p[w] >> off;
        if (off > 35 && w + 1 < 4) v |= p[w + 1] << (64 - off);
        pl[i] = (uint32_t)v & 0x1fffffffu;
    }
    uint32_t c = 0;
    for (int i = 0; i < 9; i++) {
        uint32_t s = a->l[i] + (uint32_t)k * pl[i] + c;
        u->l[i] = s & 0x1fffffffu;
        c = s >> 29;
    }
}

TEST(field_fp_mul_accepts_unreduced_29) {
    zk_splitmix64 rng = {99};
    for (int it = 0; it < 200; it++) {
        uint8_t b[64];
        zk_fp a, x, u, r1, r2;
        zk_splitmix64_fill(&rng, b, 64);
        zk_fp_from_uniform_bytes(&a, b);
        zk_splitmix64_fill(&rng, b, 64);
        zk_fp_from_uniform_bytes(&x, b);
        for (int k = 1; k <= 2; k++) { /* a + 2p < 3p < 2^256 */
            add_multiple_of_p(&u, &a, k);
            zk_fp_mul(&r1, &a, &x);
            zk_fp_mul(&r2, &u, &x);
            CHECK(!memcmp(&r1, &r2, sizeof r1));
            zk_fp_mul(&r2, &u, &u);
            zk_fp_sqr(&r1, &u);
            zk_fp_sqr(&u, &a);
            CHECK(!memcmp(&r1, &r2, sizeof r1) && !memcmp(&r1, &u, sizeof r1));
        }
    }
}
#endif
