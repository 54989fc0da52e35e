/* Minimal protobuf wire-format reader, bounds-checked everywhere.
 *
 * A zk_pb is a cursor over [p, end). Every read checks that the bytes it needs
 * are there; a length prefix is never trusted beyond the bytes that remain, so
 * a nested message or a packed field is always a sub-range of its parent.
 * Readers return ZK_OK, ZK_ERR_TRUNCATED (ran off the end) or ZK_ERR_PARSE
 * (malformed: varint longer than 10 bytes, reserved wire type, group). */
#ifndef ZK_ONNX_PB_H
#define ZK_ONNX_PB_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct {
    const uint8_t *p, *end;
} zk_pb;

enum { ZK_PB_VARINT = 0, ZK_PB_I64 = 1, ZK_PB_LEN = 2, ZK_PB_I32 = 5 };

static inline zk_pb zk_pb_init(const uint8_t *buf, size_t len) {
    zk_pb r = {buf, buf + len};
    return r;
}
static inline int zk_pb_done(const zk_pb *r) { return r->p >= r->end; }

/* Reads a base-128 varint (at most 10 bytes). */
zk_status zk_pb_varint(zk_pb *r, uint64_t *v);
/* Reads a field key: *field (>= 1) and *wire (0, 1, 2 or 5; groups are rejected). */
zk_status zk_pb_key(zk_pb *r, uint32_t *field, int *wire);
/* Length-delimited payload: *sub covers exactly its bytes, r moves past them. */
zk_status zk_pb_bytes(zk_pb *r, zk_pb *sub);
zk_status zk_pb_fixed32(zk_pb *r, uint32_t *v);
zk_status zk_pb_fixed64(zk_pb *r, uint64_t *v);
/* Skips one value of the given wire type. */
zk_status zk_pb_skip(zk_pb *r, int wire);

/* Repeated scalar fields arrive either packed (wire 2) or one per key.
 * zk_pb_count_* gives an upper bound of the values in a packed payload so a
 * caller can size its array from the bytes actually present. */
size_t zk_pb_count_varints(zk_pb sub);

#endif
