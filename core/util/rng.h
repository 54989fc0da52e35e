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
    zk_rng_fill_fn fill;
    void *ctx;
    zk_splitmix64 sm; /* state of the SplitMix64 constructor (ctx points here) */
} zk_rng;

/* A deterministic stream from SplitMix64(seed): next_u64 words little-endian.
 * For tests and conformance only, never for secrets. Do not copy the struct
 * after init (ctx points into it); re-init instead. */
void zk_rng_init_splitmix64(zk_rng *r, uint64_t seed);
/* The operating system's CSPRNG (zk_random_bytes). */
void zk_rng_init_os(zk_rng *r);
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
