#include "onnx/pb.h"

zk_status zk_pb_varint(zk_pb *r, uint64_t *v) {
    uint64_t x = 0;
    for (int i = 0; i < 10; i++) {
        if (r->p >= r->end) return ZK_ERR_TRUNCATED;
        uint8_t b = *r->p++;
        if (i == 9 && b > 1) return ZK_ERR_PARSE; /* more than 64 bits */
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return ZK_OK;
        }
    }
    return ZK_ERR_PARSE;
}

zk_status zk_pb_key(zk_pb *r, uint32_t *field, int *wire) {
    uint64_t k;
    zk_status st = zk_pb_varint(r, &k);
    if (st) return st;
    uint64_t f = k >> 3;
    int w = (int)(k & 7);
    if (f == 0 || f > 0x1fffffff) return ZK_ERR_PARSE;
    if (w != ZK_PB_VARINT && w != ZK_PB_I64 && w != ZK_PB_LEN && w != ZK_PB_I32) return ZK_ERR_PARSE;
    *field = (uint32_t)f;
    *wire = w;
    return ZK_OK;
}

zk_status zk_pb_bytes(zk_pb *r, zk_pb *sub) {
    uint64_t n;
    zk_status st = zk_pb_varint(r, &n);
    if (st) return st;
    if (n > (uint64_t)(r->end - r->p)) return ZK_ERR_TRUNCATED;
    sub->p = r->p;
    sub->end = r->p + n;
    r->p += n;
    return ZK_OK;
}

zk_status zk_pb_fixed32(zk_pb *r, uint32_t *v) {
    if (r->end - r->p < 4) return ZK_ERR_TRUNCATED;
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    return ZK_OK;
}

zk_status zk_pb_fixed64(zk_pb *r, uint64_t *v) {
    uint32_t lo, hi;
    zk_status st = zk_pb_fixed32(r, &lo);
    if (st) return st;
    if ((st = zk_pb_fixed32(r, &hi))) return st;
    *v = (uint64_t)hi << 32 | lo;
    return ZK_OK;
}

zk_status zk_pb_skip(zk_pb *r, int wire) {
    uint64_t v;
    uint32_t v32;
    zk_pb sub;
    switch (wire) {
    case ZK_PB_VARINT: return zk_pb_varint(r, &v);
    case ZK_PB_I64: return zk_pb_fixed64(r, &v);
    case ZK_PB_I32: return zk_pb_fixed32(r, &v32);
    case ZK_PB_LEN: return zk_pb_bytes(r, &sub);
    default: return ZK_ERR_PARSE;
    }
}

size_t zk_pb_count_varints(zk_pb sub) {
    size_t n = 0;
    for (const uint8_t *q = sub.p; q < sub.end; q++)
        if (!(*q & 0x80)) n++;
    return n;
}
