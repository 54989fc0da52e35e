/* BLAKE2b, written from RFC 7693 sections 2-3. */
#include "hash/blake2b.h"

#include <string.h>

static const uint64_t B2B_IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* Message schedule sigma[r] (RFC 7693 section 2.7); rounds 10 and 11 reuse rows 0 and 1. */
static const uint8_t B2B_SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

static inline uint64_t load64_le(const uint8_t *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* The mixing function G (section 3.1) on state words a, b, c, d with inputs x, y. */
#define B2B_G(a, b, c, d, x, y)                                                                    \
    do {                                                                                           \
        a = a + b + (x);                                                                           \
        d = rotr64(d ^ a, 32);                                                                     \
        c = c + d;                                                                                 \
        b = rotr64(b ^ c, 24);                                                                     \
        a = a + b + (y);                                                                           \
        d = rotr64(d ^ a, 16);                                                                     \
        c = c + d;                                                                                 \
        b = rotr64(b ^ c, 63);                                                                     \
    } while (0)

#define B2B_ROUND(r)                                                                               \
    do {                                                                                           \
        const uint8_t *sg = B2B_SIGMA[r];                                                          \
        B2B_G(v0, v4, v8, v12, m[sg[0]], m[sg[1]]);                                                \
        B2B_G(v1, v5, v9, v13, m[sg[2]], m[sg[3]]);                                                \
        B2B_G(v2, v6, v10, v14, m[sg[4]], m[sg[5]]);                                               \
        B2B_G(v3, v7, v11, v15, m[sg[6]], m[sg[7]]);                                               \
        B2B_G(v0, v5, v10, v15, m[sg[8]], m[sg[9]]);                                               \
        B2B_G(v1, v6, v11, v12, m[sg[10]], m[sg[11]]);                                             \
        B2B_G(v2, v7, v8, v13, m[sg[12]], m[sg[13]]);                                              \
        B2B_G(v3, v4, v9, v14, m[sg[14]], m[sg[15]]);                                              \
    } while (0)

/* The compression function F (section 3.2) on one 128-byte block; last marks
 * the final block. The counter s->t must already include this block. */
static void b2b_compress(zk_blake2b *s, const uint8_t *block, int last) {
    uint64_t m[16];
    for (int i = 0; i < 16; i++) m[i] = load64_le(block + 8 * i);
    uint64_t v0 = s->h[0], v1 = s->h[1], v2 = s->h[2], v3 = s->h[3];
    uint64_t v4 = s->h[4], v5 = s->h[5], v6 = s->h[6], v7 = s->h[7];
    uint64_t v8 = B2B_IV[0], v9 = B2B_IV[1], v10 = B2B_IV[2], v11 = B2B_IV[3];
    uint64_t v12 = B2B_IV[4] ^ s->t[0], v13 = B2B_IV[5] ^ s->t[1];
    uint64_t v14 = B2B_IV[6] ^ (0 - (uint64_t)(last != 0)), v15 = B2B_IV[7];
    B2B_ROUND(0);
    B2B_ROUND(1);
    B2B_ROUND(2);
    B2B_ROUND(3);
    B2B_ROUND(4);
    B2B_ROUND(5);
    B2B_ROUND(6);
    B2B_ROUND(7);
    B2B_ROUND(8);
    B2B_ROUND(9);
    B2B_ROUND(10);
    B2B_ROUND(11);
    s->h[0] ^= v0 ^ v8;
    s->h[1] ^= v1 ^ v9;
    s->h[2] ^= v2 ^ v10;
    s->h[3] ^= v3 ^ v11;
    s->h[4] ^= v4 ^ v12;
    s->h[5] ^= v5 ^ v13;
    s->h[6] ^= v6 ^ v14;
    s->h[7] ^= v7 ^ v15;
}

static void b2b_count(zk_blake2b *s, uint64_t n) {
    s->t[0] += n;
    s->t[1] += (s->t[0] < n);
}

zk_status zk_blake2b_init_params(zk_blake2b *s, size_t outlen, const uint8_t *key, size_t keylen,
                                 const uint8_t *salt, const uint8_t *personal) {
    if (outlen < 1 || outlen > ZK_BLAKE2B_OUTBYTES || keylen > ZK_BLAKE2B_KEYBYTES ||
        (keylen && !key))
        return ZK_ERR_INVALID_ARG;
    /* Parameter block (section 2.5): digest length, key length, fanout 1,
     * depth 1, then salt in words 4-5 and personalization in words 6-7. */
    for (int i = 0; i < 8; i++) s->h[i] = B2B_IV[i];
    s->h[0] ^= 0x01010000ULL ^ ((uint64_t)keylen << 8) ^ (uint64_t)outlen;
    if (salt) {
        s->h[4] ^= load64_le(salt);
        s->h[5] ^= load64_le(salt + 8);
    }
    if (personal) {
        s->h[6] ^= load64_le(personal);
        s->h[7] ^= load64_le(personal + 8);
    }
    s->t[0] = s->t[1] = 0;
    s->buflen = 0;
    s->outlen = (uint32_t)outlen;
    memset(s->buf, 0, sizeof s->buf);
    if (keylen) { /* the key, zero-padded, is the first block */
        memcpy(s->buf, key, keylen);
        s->buflen = ZK_BLAKE2B_BLOCKBYTES;
    }
    return ZK_OK;
}

zk_status zk_blake2b_init(zk_blake2b *s, size_t outlen) {
    return zk_blake2b_init_params(s, outlen, NULL, 0, NULL, NULL);
}

zk_status zk_blake2b_init_personal(zk_blake2b *s, size_t outlen, const uint8_t *personal) {
    return zk_blake2b_init_params(s, outlen, NULL, 0, NULL, personal);
}

void zk_blake2b_update(zk_blake2b *s, const void *in_, size_t n) {
    const uint8_t *in = in_;
    if (n == 0) return;
    /* Keep at least one byte back: the last block is compressed by final. */
    size_t fill = ZK_BLAKE2B_BLOCKBYTES - s->buflen;
    if (n > fill) {
        memcpy(s->buf + s->buflen, in, fill);
        in += fill;
        n -= fill;
        b2b_count(s, ZK_BLAKE2B_BLOCKBYTES);
        b2b_compress(s, s->buf, 0);
        s->buflen = 0;
        while (n > ZK_BLAKE2B_BLOCKBYTES) {
            b2b_count(s, ZK_BLAKE2B_BLOCKBYTES);
            b2b_compress(s, in, 0);
            in += ZK_BLAKE2B_BLOCKBYTES;
            n -= ZK_BLAKE2B_BLOCKBYTES;
        }
    }
    memcpy(s->buf + s->buflen, in, n);
    s->buflen += (uint32_t)n;
}

void zk_blake2b_final(zk_blake2b *s, uint8_t *out) {
    b2b_count(s, s->buflen);
    memset(s->buf + s->buflen, 0, ZK_BLAKE2B_BLOCKBYTES - s->buflen);
    b2b_compress(s, s->buf, 1);
    for (uint32_t i = 0; i < s->outlen; i++) out[i] = (uint8_t)(s->h[i >> 3] >> (8 * (i & 7)));
}

zk_status zk_blake2b_hash(uint8_t *out, size_t outlen, const void *in, size_t n, const uint8_t *key,
                          size_t keylen) {
    zk_blake2b s;
    zk_status st = zk_blake2b_init_params(&s, outlen, key, keylen, NULL, NULL);
    if (st != ZK_OK) return st;
    zk_blake2b_update(&s, in, n);
    zk_blake2b_final(&s, out);
    return ZK_OK;
}
