/* Random numbers.
 *
 * zk_splitmix64 is the deterministic generator the reference vectors use
 * (tests/vectors/README.md): tests and conformance runs inject it where halo2
 * drew from its RNG. It is NOT for secrets.
 * zk_random_bytes fills a buffer from the operating system's CSPRNG
 * (getentropy: getrandom natively, crypto.getRandomValues under Emscripten,
 * random_get under WASI).
 *
 * zk_rng is the one interface every random draw of a prover goes through: a
 * byte-stream callback plus helpers that turn 64 bytes into a field element.
 * Conformance runs build it over SplitMix64 (halo2's draws, bit for bit);
 * production builds it over the OS CSPRNG. */
#ifndef ZK_UTIL_RNG_H
#define ZK_UTIL_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "field/field.h"
#include "util/status.h"

typedef struct {
    uint64_t state;
} zk_splitmix64;

static inline uint64_t zk_splitmix64_next(zk_splitmix64 *r) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Successive next() words written little-endian; the last one truncated. */
static inline void zk_splitmix64_fill(zk_splitmix64 *r, uint8_t *out, size_t n) {
    while (n) {
        uint64_t w = zk_splitmix64_next(r);
        for (int i = 0; i < 8 && n; i++, n--) *out++ = (uint8_t)(w >> (8 * i));
    }
}

/* Fills out with n bytes of OS randomness. ZK_ERR_IO if the source fails. */
zk_status zk_random_bytes(uint8_t *out, size_t n);

/* ---- zk_rng: a source of random bytes ----
 * fill(ctx, out, n) writes n bytes and returns ZK_OK or an error. Successive
 * calls must read one continuous stream, so that drawing m field elements at
 * once gives the same elements as m single draws (for SplitMix64 that holds
 * for every request that is a multiple of 8 bytes, which all helpers below
 * make). A zk_rng is not thread safe; it holds no heap memory. */
typedef zk_status (*zk_rng_fill_fn)(void *ctx, uint8_t *out, size_t n);
typedef struct {
    uint8_t key[32];   /* drawn from the OS at the first fill */
    uint8_t block[64]; /* current output block */
    uint64_t counter;  /* blocks produced */
    uint32_t pos;      /* bytes of block already handed out (64: none left) */
    uint32_t seeded;
} zk_rng_os_state;

typedef struct {
    zk_rng_fill_fn fill;
    void *ctx;
    zk_splitmix64 sm;   /* state of the SplitMix64 constructor (ctx points here) */
    zk_rng_os_state os; /* state of the OS constructor (ctx points here) */
} zk_rng;

/* A deterministic stream from SplitMix64(seed): next_u64 words little-endian.
 * For tests and conformance only, never for secrets. Do not copy the struct
 * after init (ctx points into it); re-init instead. */
void zk_rng_init_splitmix64(zk_rng *r, uint64_t seed);
/* A CSPRNG seeded from the operating system: a 256-bit key from
 * zk_random_bytes at the first draw, then keyed BLAKE2b-512 of a block
 * counter (personalization "zkml-OsRng-v1"), 64 bytes per block. One OS call
 * per generator rather than one per 256 bytes: under Emscripten each
 * getentropy is a round trip to JavaScript (crypto.getRandomValues), which
 * made a k = 12 proof's blinding draws take seconds. The key lives in the
 * struct; zk_rng_wipe clears it. Do not copy the struct after init. */
void zk_rng_init_os(zk_rng *r);
/* Clears a generator's state (key, buffered output); r must be re-inited to
 * be used again. */
void zk_rng_wipe(zk_rng *r);
/* Any other source: fill(ctx, ...) (e.g. a replay of recorded bytes). */
void zk_rng_init_callback(zk_rng *r, zk_rng_fill_fn fill, void *ctx);

/* n bytes from the stream. */
zk_status zk_rng_bytes(zk_rng *r, uint8_t *out, size_t n);
/* out = a uniform field element: 64 bytes read little-endian, reduced
 * (from_uniform_bytes). Over SplitMix64 this is exactly ff's F::random (8
 * next_u64 words, the first least significant). The stack copy of the bytes
 * is wiped. On error *out is zero. */
zk_status zk_rng_fp(zk_rng *r, zk_fp *out);
zk_status zk_rng_fq(zk_rng *r, zk_fq *out);
/* out[0..count) = count successive zk_rng_fp draws, fetched in chunks. */
zk_status zk_rng_fp_many(zk_rng *r, zk_fp *out, size_t count);

#endif
