#include "util/rng.h"

#include <string.h>

#include "hash/blake2b.h"

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

/* Clears n bytes in a way the compiler cannot drop. */
static void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}

static const uint8_t os_personal[16] = "zkml-OsRng-v1";

static zk_status fill_os(void *ctx, uint8_t *out, size_t n) {
    zk_rng_os_state *s = ctx;
    if (!s->seeded) {
        zk_status st = zk_random_bytes(s->key, sizeof s->key);
        if (st != ZK_OK) return st;
        s->seeded = 1;
        s->counter = 0;
        s->pos = sizeof s->block;
    }
    while (n) {
        if (s->pos == sizeof s->block) {
            uint8_t ctr[8];
            for (int i = 0; i < 8; i++) ctr[i] = (uint8_t)(s->counter >> (8 * i));
            s->counter++;
            zk_blake2b h;
            zk_status st = zk_blake2b_init_params(&h, sizeof s->block, s->key, sizeof s->key, NULL, os_personal);
            if (st != ZK_OK) return st;
            zk_blake2b_update(&h, ctr, sizeof ctr);
            zk_blake2b_final(&h, s->block);
            wipe(&h, sizeof h);
            s->pos = 0;
        }
        size_t m = sizeof s->block - s->pos;
        if (m > n) m = n;
        memcpy(out, s->block + s->pos, m);
        wipe(s->block + s->pos, m); /* handed-out bytes do not stay behind */
        s->pos += (uint32_t)m;
        out += m;
        n -= m;
    }
    return ZK_OK;
}

void zk_rng_init_splitmix64(zk_rng *r, uint64_t seed) {
    r->sm.state = seed;
    r->fill = fill_splitmix64;
    r->ctx = &r->sm;
}

void zk_rng_init_os(zk_rng *r) {
    r->sm.state = 0;
    wipe(&r->os, sizeof r->os);
    r->fill = fill_os;
    r->ctx = &r->os;
}

void zk_rng_wipe(zk_rng *r) {
    wipe(&r->os, sizeof r->os);
    r->sm.state = 0;
    r->fill = NULL;
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
