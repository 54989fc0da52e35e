#include "transcript/transcript.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t PERSONAL[16] = "Halo2-Transcript";

enum { PREFIX_CHALLENGE = 0, PREFIX_POINT = 1, PREFIX_SCALAR = 2 };

static void init_common(zk_transcript *t) {
    memset(t, 0, sizeof *t);
    zk_blake2b_init_personal(&t->state, 64, PERSONAL);
}

void zk_transcript_init_writer(zk_transcript *t) {
    init_common(t);
    t->writing = 1;
}

void zk_transcript_init_reader(zk_transcript *t, const uint8_t *proof, size_t len) {
    init_common(t);
    t->in = proof;
    t->in_len = proof ? len : 0;
}

void zk_transcript_free(zk_transcript *t) {
    if (!t) return;
    free(t->out);
    t->out = NULL;
    t->out_len = t->out_cap = 0;
}

const uint8_t *zk_transcript_proof(const zk_transcript *t, size_t *len) {
    *len = t->out_len;
    return t->out;
}

zk_status zk_transcript_take_proof(zk_transcript *t, uint8_t **out, size_t *len) {
    if (t->err) return t->err;
    if (!t->writing) return ZK_ERR_STATE;
    *out = t->out;
    *len = t->out_len;
    t->out = NULL;
    t->out_len = t->out_cap = 0;
    return ZK_OK;
}

size_t zk_transcript_remaining(const zk_transcript *t) { return t->in_len - t->in_pos; }

void zk_transcript_absorb_raw(zk_transcript *t, const void *data, size_t n) {
    zk_blake2b_update(&t->state, data, n);
}

static zk_status append(zk_transcript *t, const uint8_t b[32]) {
    if (t->out_len + 32 > t->out_cap) {
        size_t cap = t->out_cap ? 2 * t->out_cap : 1024;
        uint8_t *nb = realloc(t->out, cap);
        if (!nb) return t->err = ZK_ERR_NOMEM;
        t->out = nb;
        t->out_cap = cap;
    }
    memcpy(t->out + t->out_len, b, 32);
    t->out_len += 32;
    return ZK_OK;
}

static zk_status take(zk_transcript *t, uint8_t b[32]) {
    if (t->writing) return t->err = ZK_ERR_STATE;
    if (t->in_len - t->in_pos < 32) return t->err = ZK_ERR_TRUNCATED;
    memcpy(b, t->in + t->in_pos, 32);
    t->in_pos += 32;
    return ZK_OK;
}

static void absorb_prefixed(zk_transcript *t, uint8_t prefix, const uint8_t *a, const uint8_t *b) {
    zk_blake2b_update(&t->state, &prefix, 1);
    zk_blake2b_update(&t->state, a, 32);
    if (b) zk_blake2b_update(&t->state, b, 32);
}

/* One curve's operations: CURVE is vesta or pallas, BF its base field, SF its
 * scalar field. */
#define ZK_TRANSCRIPT_IMPL_(CURVE, AFF, BF, SF, SCALAR)                                          \
    zk_status zk_transcript_##CURVE##_common_point(zk_transcript *t, const AFF *p) {             \
        if (t->err) return t->err;                                                               \
        if (zk_##CURVE##_affine_is_identity(p)) return t->err = ZK_ERR_ENCODING;                 \
        uint8_t x[32], y[32];                                                                    \
        zk_##BF##_to_bytes(x, &p->x);                                                            \
        zk_##BF##_to_bytes(y, &p->y);                                                            \
        absorb_prefixed(t, PREFIX_POINT, x, y);                                                  \
        return ZK_OK;                                                                            \
    }                                                                                            \
    zk_status zk_transcript_##CURVE##_common_scalar(zk_transcript *t, const SCALAR *s) {         \
        if (t->err) return t->err;                                                               \
        uint8_t b[32];                                                                           \
        zk_##SF##_to_bytes(b, s);                                                                \
        absorb_prefixed(t, PREFIX_SCALAR, b, NULL);                                              \
        return ZK_OK;                                                                            \
    }                                                                                            \
    zk_status zk_transcript_##CURVE##_write_point(zk_transcript *t, const AFF *p) {              \
        zk_status st = zk_transcript_##CURVE##_common_point(t, p);                               \
        if (st) return st;                                                                       \
        uint8_t b[32];                                                                           \
        zk_##CURVE##_affine_to_bytes(b, p);                                                      \
        return append(t, b);                                                                     \
    }                                                                                            \
    zk_status zk_transcript_##CURVE##_write_scalar(zk_transcript *t, const SCALAR *s) {          \
        zk_status st = zk_transcript_##CURVE##_common_scalar(t, s);                              \
        if (st) return st;                                                                       \
        uint8_t b[32];                                                                           \
        zk_##SF##_to_bytes(b, s);                                                                \
        return append(t, b);                                                                     \
    }                                                                                            \
    zk_status zk_transcript_##CURVE##_read_point(zk_transcript *t, AFF *p) {                     \
        if (t->err) return t->err;                                                               \
        uint8_t b[32];                                                                           \
        zk_status st = take(t, b);                                                               \
        if (st) return st;                                                                       \
        if (zk_##CURVE##_affine_from_bytes(p, b) != ZK_OK) return t->err = ZK_ERR_ENCODING;      \
        return zk_transcript_##CURVE##_common_point(t, p);                                       \
    }                                                                                            \
    zk_status zk_transcript_##CURVE##_read_scalar(zk_transcript *t, SCALAR *s) {                 \
        if (t->err) return t->err;                                                               \
        uint8_t b[32];                                                                           \
        zk_status st = take(t, b);                                                               \
        if (st) return st;                                                                       \
        if (zk_##SF##_from_bytes(s, b) != ZK_OK) return t->err = ZK_ERR_ENCODING;                \
        return zk_transcript_##CURVE##_common_scalar(t, s);                                      \
    }                                                                                            \
    zk_status zk_transcript_##CURVE##_squeeze(zk_transcript *t, SCALAR *c) {                     \
        if (t->err) return t->err;                                                               \
        uint8_t prefix = PREFIX_CHALLENGE, digest[64];                                           \
        zk_blake2b_update(&t->state, &prefix, 1);                                                \
        zk_blake2b fork = t->state;                                                              \
        zk_blake2b_final(&fork, digest);                                                         \
        zk_##SF##_from_uniform_bytes(c, digest);                                                 \
        return ZK_OK;                                                                            \
    }

ZK_TRANSCRIPT_IMPL_(vesta, zk_vesta_affine, fq, fp, zk_fp)
ZK_TRANSCRIPT_IMPL_(pallas, zk_pallas_affine, fp, fq, zk_fq)
