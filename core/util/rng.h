/* Random numbers.
 *
 * zk_splitmix64 is the deterministic generator the reference vectors use
 * (tests/vectors/README.md): tests and conformance runs inject it where halo2
 * drew from its RNG. It is NOT for secrets.
 * zk_random_bytes fills a buffer from the operating system's CSPRNG
 * (getentropy: getrandom natively, crypto.getRandomValues under Emscripten,
 * random_get under WASI). */
#ifndef ZK_UTIL_RNG_H
#define ZK_UTIL_RNG_H

#include <stddef.h>
#include <stdint.h>

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

#endif
