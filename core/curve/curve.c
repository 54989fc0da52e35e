#include "curve/curve.h"

#include <stdlib.h>
#include <string.h>

#include "curve/curve_params.h"

/* ---- integer helpers shared by both curves (32-bit words, little-endian) ---- */

/* 1 if a == b, else 0; constant time. */
static inline int zk_ct_eq_u32_(uint32_t a, uint32_t b) {
    uint32_t x = a ^ b;
    return (int)(((x | (0u - x)) >> 31) ^ 1u);
}

/* r = (a * b) mod 2^(32 nr); r must not overlap a or b. */
static void zk_words_mul_(uint32_t *r, int nr, const uint32_t *a, int na, const uint32_t *b, int nb) {
    for (int i = 0; i < nr; i++) r[i] = 0;
    for (int i = 0; i < na && i < nr; i++) {
        uint64_t c = 0;
        int j;
        for (j = 0; j < nb && i + j < nr; j++) {
            uint64_t t = (uint64_t)a[i] * b[j] + r[i + j] + c;
            r[i + j] = (uint32_t)t;
            c = t >> 32;
        }
        if (i + j < nr) r[i + j] = (uint32_t)c;
    }
}

/* r = (a - b) mod 2^(32 n). */
static void zk_words_sub_(uint32_t *r, const uint32_t *a, const uint32_t *b, int n) {
    uint64_t borrow = 0;
    for (int i = 0; i < n; i++) {
        uint64_t d = (uint64_t)a[i] - b[i] - borrow;
        r[i] = (uint32_t)d;
        borrow = (d >> 32) & 1;
    }
}

/* c = round(k g / 2^382) for 256-bit k and g (c < 2^132, 5 words). */
static void zk_glv_round_(uint32_t c[5], const uint32_t k[8], const uint32_t g[8]) {
    uint32_t prod[17];
    zk_words_mul_(prod, 16, k, 8, g, 8);
    prod[16] = 0;
    uint64_t carry = (uint64_t)prod[11] + (1u << 29); /* + 2^381 */
    prod[11] = (uint32_t)carry;
    for (int i = 12; i < 17; i++) {
        carry = (carry >> 32) + prod[i];
        prod[i] = (uint32_t)carry;
    }
    for (int i = 0; i < 5; i++) c[i] = (prod[11 + i] >> 30) | (prod[12 + i] << 2);
}

/* Two's complement 160-bit x to magnitude (low 128 bits) and sign. */
static void zk_glv_abs_(uint32_t m[4], uint32_t *neg, const uint32_t x[5]) {
    uint32_t s = x[4] >> 31, mask = 0u - s;
    uint64_t c = s;
    for (int i = 0; i < 4; i++) {
        c += (uint64_t)(x[i] ^ mask);
        m[i] = (uint32_t)c;
        c >>= 32;
    }
    *neg = s;
}

/* GLV split (constants in curve_params.h): k = k1 + k2 lambda (mod n) with
 * k1 = k - c1 a1 - c2 a2 and k2 = c1 |b1| - c2 b2; both are below 2^128 in
 * absolute value, so 160-bit arithmetic is exact. Constant time. */
static void zk_glv_split_(uint32_t m1[4], uint32_t *neg1, uint32_t m2[4], uint32_t *neg2,
                          const uint32_t k[8], const uint32_t g1[8], const uint32_t g2[8],
                          const uint32_t a1[4], const uint32_t b1abs[4], const uint32_t a2[4],
                          const uint32_t b2[4]) {
    uint32_t c1[5], c2[5], t[5], u[5], x[5];
    zk_glv_round_(c1, k, g1);
    zk_glv_round_(c2, k, g2);
    zk_words_mul_(t, 5, c1, 5, a1, 4);
    zk_words_mul_(u, 5, c2, 5, a2, 4);
    zk_words_sub_(x, k, t, 5);
    zk_words_sub_(x, x, u, 5);
    zk_glv_abs_(m1, neg1, x);
    zk_words_mul_(t, 5, c1, 5, b1abs, 4);
    zk_words_mul_(u, 5, c2, 5, b2, 4);
    zk_words_sub_(x, t, u, 5);
    zk_glv_abs_(m2, neg2, x);
}

/* Bits [pos, pos + 6) of the nw-word integer m, zeros outside it (pos >= -1;
 * pos is public). */
static inline uint32_t zk_bits6_(const uint32_t *m, int nw, int pos) {
    if (pos < 0) return (m[0] << 1) & 63;
    int w = pos >> 5, s = pos & 31;
    uint64_t v = (uint64_t)(w < nw ? m[w] : 0) | (uint64_t)(w + 1 < nw ? m[w + 1] : 0) << 32;
    return (uint32_t)(v >> s) & 63;
}

/* Booth recoding of a 6-bit window x = bits [5i-1, 5i+5): the signed digit
 * ceil(x/2) - 32 x_5 in [-16, 16] as magnitude and sign; constant time.
 * Summing digit_i 32^i over all windows gives the integer when its top window
 * bit is 0. */
static inline void zk_booth5_(uint32_t x, uint32_t *mag, uint32_t *neg) {
    uint32_t d = ((x + 1) >> 1) - ((x >> 5) << 5); /* two's complement */
    uint32_t s = d >> 31;
    *mag = (d ^ (0u - s)) + s;
    *neg = s;
}

/* Width-5 NAF of a 128-bit m: digits in {0, +-1, +-3, ..., +-15}, any two
 * nonzero digits at least 5 apart. Returns the digit count. Variable time. */
#define ZK_WNAF_MAX_ ZK_WNAF5_MAX
static int zk_wnaf5_(int8_t d[ZK_WNAF_MAX_], const uint32_t m_in[4]) {
    uint32_t m[5] = {m_in[0], m_in[1], m_in[2], m_in[3], 0};
    int len = 0;
    while (m[0] | m[1] | m[2] | m[3] | m[4]) {
        int digit = 0;
        if (m[0] & 1) {
            digit = (int)(m[0] & 31);
            if (digit >= 16) digit -= 32;
            /* m -= digit */
            uint64_t c;
            if (digit > 0) {
                c = (uint64_t)m[0] - (uint32_t)digit;
                m[0] = (uint32_t)c;
                /* no borrow: the low 5 bits of m equal digit */
            } else {
                c = (uint64_t)m[0] + (uint32_t)(-digit);
                m[0] = (uint32_t)c;
                for (int i = 1; i < 5 && (c >> 32); i++) {
                    c = (uint64_t)m[i] + 1;
                    m[i] = (uint32_t)c;
                }
            }
        }
        d[len++] = (int8_t)digit;
        for (int i = 0; i < 4; i++) m[i] = (m[i] >> 1) | (m[i + 1] << 31);
        m[4] >>= 1;
    }
    return len;
}

int zk_wnaf5_var(int8_t d[ZK_WNAF5_MAX], const uint64_t m[2]) {
    const uint32_t w[4] = {(uint32_t)m[0], (uint32_t)(m[0] >> 32), (uint32_t)m[1], (uint32_t)(m[1] >> 32)};
    return zk_wnaf5_(d, w);
}

#define ZC_(fn) zk_pallas_##fn
#define ZC_T zk_pallas
#define ZC_A zk_pallas_affine
#define ZC_K(name) ZK_PALLAS_##name
#define ZB_(fn) zk_fp_##fn
#define ZB_T zk_fp
#define ZS_(fn) zk_fq_##fn
#define ZS_T zk_fq
#include "curve/curve_impl.inc"
#undef ZC_
#undef ZC_T
#undef ZC_A
#undef ZC_K
#undef ZB_
#undef ZB_T
#undef ZS_
#undef ZS_T

#define ZC_(fn) zk_vesta_##fn
#define ZC_T zk_vesta
#define ZC_A zk_vesta_affine
#define ZC_K(name) ZK_VESTA_##name
#define ZB_(fn) zk_fq_##fn
#define ZB_T zk_fq
#define ZS_(fn) zk_fp_##fn
#define ZS_T zk_fp
#include "curve/curve_impl.inc"
