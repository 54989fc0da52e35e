#include "util/rng.h"

#include <unistd.h>
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/random.h>
#endif

zk_status zk_random_bytes(uint8_t *out, size_t n) {
    while (n) {
        size_t chunk = n > 256 ? 256 : n; /* getentropy's per-call limit */
        if (getentropy(out, chunk) != 0) return ZK_ERR_IO;
        out += chunk;
        n -= chunk;
    }
    return ZK_OK;
}

/* ---- zk_rng ---- */

static zk_status fill_splitmix64(void *ctx, uint8_t *out, size_t n) {
    zk_splitmix64_fill((zk_splitmix64 *)ctx, out, n);
    return ZK_OK;
}

static zk_status fill_os(void *ctx, uint8_t *out, size_t n) {
    (void)ctx;
    return zk_random_bytes(out, n);
}

void zk_rng_init_splitmix64(zk_rng *r, uint64_t seed) {
    r->sm.state = seed;
    r->fill = fill_splitmix64;
    r->ctx = &r->sm;
}

void zk_rng_init_os(zk_rng *r) {
    r->sm.state = 0;
    r->fill = fill_os;
    r->ctx = NULL;
}

void zk_rng_init_callback(zk_rng *r, zk_rng_fill_fn fill, void *ctx) {
    r->sm.state = 0;
    r->fill = fill;
    r->ctx = ctx;
}

zk_status zk_rng_bytes(zk_rng *r, uint8_t *out, size_t n) {
    if (!r || !r->fill || (!out && n)) return ZK_ERR_INVALID_ARG;
    return n ? r->fill(r->ctx, out, n) : ZK_OK;
}

/* Clears n bytes in a way the compiler cannot drop. */
static void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}

#define ZK_RNG_FIELD_(F)                                                                           \
    zk_status zk_rng_##F(zk_rng *r, zk_##F *out) {                                                 \
        uint8_t buf[64];                                                                           \
        zk_status st = zk_rng_bytes(r, buf, sizeof buf);                                           \
        if (st == ZK_OK)                                                                           \
            zk_##F##_from_uniform_bytes(out, buf);                                                 \
        else                                                                                       \
            *out = zk_##F##_ZERO;                                                                  \
        wipe(buf, sizeof buf);                                                                     \
        return st;                                                                                 \
    }
ZK_RNG_FIELD_(fp)
ZK_RNG_FIELD_(fq)

zk_status zk_rng_fp_many(zk_rng *r, zk_fp *out, size_t count) {
    enum { CHUNK = 64 }; /* elements per fill: 4 KiB of stream */
    uint8_t buf[CHUNK * 64];
    zk_status st = ZK_OK;
    for (size_t i = 0; i < count && st == ZK_OK; i += CHUNK) {
        size_t m = count - i < CHUNK ? count - i : CHUNK;
        st = zk_rng_bytes(r, buf, m * 64);
        for (size_t j = 0; j < m && st == ZK_OK; j++) zk_fp_from_uniform_bytes(&out[i + j], buf + 64 * j);
    }
    wipe(buf, sizeof buf);
    return st;
}
