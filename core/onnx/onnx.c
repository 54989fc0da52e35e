/* ONNX ModelProto reader (see onnx.h). Field numbers follow onnx/onnx.proto.
 * Each message is read in two passes: the first counts repeated fields so the
 * arrays are sized from bytes actually present, the second fills them. */
#include "onnx/onnx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/pb.h"

/* ---------------- arena ---------------- */

typedef struct zk_onnx_block {
    struct zk_onnx_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} zk_onnx_block;

struct zk_onnx_arena {
    zk_onnx_block *head;
    size_t total;
};

#define ARENA_BLOCK (64 * 1024)
#define ARENA_CAP ((size_t)3 << 30)

struct zk_onnx_arena *zk_onnx_arena_new(void) { return calloc(1, sizeof(struct zk_onnx_arena)); }

void zk_onnx_arena_free(struct zk_onnx_arena *a) {
    if (!a) return;
    zk_onnx_block *b = a->head;
    while (b) {
        zk_onnx_block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

void *zk_onnx_arena_alloc(struct zk_onnx_arena *a, size_t size) {
    if (!a) return NULL;
    size = (size + 15) & ~(size_t)15;
    if (size == 0) size = 16;
    if (size > ARENA_CAP || a->total + size > ARENA_CAP) return NULL;
    zk_onnx_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
        zk_onnx_block *nb = malloc(sizeof *nb + cap);
        if (!nb) return NULL;
        nb->used = 0;
        nb->cap = cap;
        if (b && size > ARENA_BLOCK / 4) { /* big one-off: keep filling the current block */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        a->total += cap;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *zk_onnx_arena_strdup(struct zk_onnx_arena *a, const char *s) {
    size_t n = strlen(s);
    char *d = zk_onnx_arena_alloc(a, n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

static char *arena_strn(struct zk_onnx_arena *a, zk_pb sub) {
    size_t n = (size_t)(sub.end - sub.p);
    char *d = zk_onnx_arena_alloc(a, n + 1);
    if (!d) return NULL;
    memcpy(d, sub.p, n);
    d[n] = 0;
    return d;
}

/* ---------------- reader context ---------------- */

typedef struct {
    struct zk_onnx_arena *a;
    zk_error *err;
    char where[160]; /* "node 12 'conv1' (Conv)" etc. for messages */
} rd;

static zk_status rfail(rd *c, zk_status st, const char *what) {
    const char *kind = st == ZK_ERR_TRUNCATED ? "truncated" : st == ZK_ERR_NOMEM ? "out of memory" : "malformed";
    if (st == ZK_ERR_TRUNCATED) st = ZK_ERR_PARSE; /* a truncated file is a parse error to the caller */
    return zk_fail(c->err, st, "ONNX %s%s%s: %s", c->where, c->where[0] ? ": " : "", what, kind);
}

#define TRY(expr, what)                                                         \
    do {                                                                        \
        zk_status st_ = (expr);                                                 \
        if (st_) return rfail(c, st_, what);                                    \
    } while (0)

#define ALLOC(ptr, count)                                                       \
    do {                                                                        \
        if ((count) > 0) {                                                      \
            if ((size_t)(count) > ARENA_CAP / sizeof *(ptr)) return rfail(c, ZK_ERR_NOMEM, "array"); \
            (ptr) = zk_onnx_arena_alloc(c->a, (size_t)(count) * sizeof *(ptr)); \
            if (!(ptr)) return rfail(c, ZK_ERR_NOMEM, "array");                 \
        }                                                                       \
    } while (0)

static zk_status read_str(rd *c, zk_pb *r, const char **out, const char *what) {
    zk_pb sub;
    TRY(zk_pb_bytes(r, &sub), what);
    char *s = arena_strn(c->a, sub);
    if (!s) return rfail(c, ZK_ERR_NOMEM, what);
    *out = s;
    return ZK_OK;
}

/* Number of values a repeated scalar field contributes for this key. */
static zk_status count_repeated(rd *c, zk_pb *r, int wire, int elem_wire, size_t *n, const char *what) {
    if (wire == ZK_PB_LEN) {
        zk_pb sub;
        TRY(zk_pb_bytes(r, &sub), what);
        size_t bytes = (size_t)(sub.end - sub.p);
        if (elem_wire == ZK_PB_VARINT) *n += zk_pb_count_varints(sub);
        else if (elem_wire == ZK_PB_I32) {
            if (bytes % 4) return rfail(c, ZK_ERR_PARSE, what);
            *n += bytes / 4;
        } else {
            if (bytes % 8) return rfail(c, ZK_ERR_PARSE, what);
            *n += bytes / 8;
        }
        return ZK_OK;
    }
    if (wire != elem_wire) return rfail(c, ZK_ERR_PARSE, what);
    TRY(zk_pb_skip(r, wire), what);
    (*n)++;
    return ZK_OK;
}

/* Reads the values of a repeated scalar field (packed or not) into out[*k..cap). */
typedef enum { RV_I64, RV_U64, RV_I32, RV_F32, RV_F64 } rv_kind;

static zk_status read_one(rd *c, zk_pb *r, rv_kind kind, double *dout, int64_t *iout, const char *what) {
    uint64_t v;
    uint32_t v32;
    switch (kind) {
    case RV_I64:
    case RV_U64:
    case RV_I32:
        TRY(zk_pb_varint(r, &v), what);
        if (kind == RV_I32) v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
        if (iout) *iout = (int64_t)v;
        if (dout) *dout = kind == RV_U64 ? (double)v : (double)(int64_t)v;
        return ZK_OK;
    case RV_F32: {
        TRY(zk_pb_fixed32(r, &v32), what);
        float f;
        memcpy(&f, &v32, 4);
        if (dout) *dout = f;
        if (iout) *iout = 0;
        return ZK_OK;
    }
    case RV_F64: {
        TRY(zk_pb_fixed64(r, &v), what);
        double d;
        memcpy(&d, &v, 8);
        if (dout) *dout = d;
        if (iout) *iout = 0;
        return ZK_OK;
    }
    }
    return ZK_ERR_INTERNAL;
}

static zk_status read_repeated(rd *c, zk_pb *r, int wire, rv_kind kind, double *dout, int64_t *iout,
                               size_t *k, size_t cap, const char *what) {
    int ew = kind == RV_F32 ? ZK_PB_I32 : kind == RV_F64 ? ZK_PB_I64 : ZK_PB_VARINT;
    zk_pb sub, *src = r;
    int packed = wire == ZK_PB_LEN;
    if (packed) {
        TRY(zk_pb_bytes(r, &sub), what);
        src = &sub;
    } else if (wire != ew) {
        return rfail(c, ZK_ERR_PARSE, what);
    }
    do {
        if (packed && zk_pb_done(src)) break;
        if (*k >= cap) return rfail(c, ZK_ERR_PARSE, what);
        zk_status st = read_one(c, src, kind, dout ? dout + *k : NULL, iout ? iout + *k : NULL, what);
        if (st) return st;
        (*k)++;
    } while (packed);
    return ZK_OK;
}

/* ---------------- TensorProto ---------------- */

static double half_to_double(uint16_t h) {
    int sign = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v;
    if (e == 0) v = m / 16777216.0; /* m * 2^-24 */
    else if (e == 31) v = m ? 0.0 / 0.0 : 1.0 / 0.0;
    else {
        v = 1.0 + m / 1024.0;
        int ex = e - 15;
        while (ex > 0) { v *= 2; ex--; }
        while (ex < 0) { v /= 2; ex++; }
    }
    return sign ? -v : v;
}

static int dtype_size(int32_t dt) {
    switch (dt) {
    case ZK_ONNX_UINT8: case ZK_ONNX_INT8: case ZK_ONNX_BOOL: return 1;
    case ZK_ONNX_UINT16: case ZK_ONNX_INT16: case ZK_ONNX_FLOAT16: case ZK_ONNX_BFLOAT16: return 2;
    case ZK_ONNX_FLOAT: case ZK_ONNX_INT32: case ZK_ONNX_UINT32: return 4;
    case ZK_ONNX_INT64: case ZK_ONNX_UINT64: case ZK_ONNX_DOUBLE: return 8;
    default: return 0;
    }
}

static double raw_elem(const uint8_t *p, int32_t dt) {
    uint64_t u = 0;
    int sz = dtype_size(dt);
    for (int i = 0; i < sz; i++) u |= (uint64_t)p[i] << (8 * i);
    switch (dt) {
    case ZK_ONNX_UINT8: return (double)(uint8_t)u;
    case ZK_ONNX_INT8: return (double)(int8_t)(uint8_t)u;
    case ZK_ONNX_BOOL: return u ? 1.0 : 0.0;
    case ZK_ONNX_UINT16: return (double)(uint16_t)u;
    case ZK_ONNX_INT16: return (double)(int16_t)(uint16_t)u;
    case ZK_ONNX_FLOAT16: return half_to_double((uint16_t)u);
    case ZK_ONNX_BFLOAT16: {
        uint32_t b = (uint32_t)u << 16;
        float f;
        memcpy(&f, &b, 4);
        return f;
    }
    case ZK_ONNX_FLOAT: {
        uint32_t b = (uint32_t)u;
        float f;
        memcpy(&f, &b, 4);
        return f;
    }
    case ZK_ONNX_INT32: return (double)(int32_t)(uint32_t)u;
    case ZK_ONNX_UINT32: return (double)(uint32_t)u;
    case ZK_ONNX_INT64: return (double)(int64_t)u;
    case ZK_ONNX_UINT64: return (double)u;
    case ZK_ONNX_DOUBLE: {
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    }
    return 0;
}

static zk_status parse_tensor(rd *c, zk_pb msg, zk_onnx_tensor *t) {
    size_t ndims = 0, nf = 0, ni32 = 0, ni64 = 0, nd = 0, nu64 = 0, nstr = 0;
    int external = 0, have_raw = 0;
    zk_pb raw = {0};
    zk_pb r = msg;
    /* pass 1: scalars, raw_data, counts */
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "tensor field");
        switch (f) {
        case 1: TRY(count_repeated(c, &r, w, ZK_PB_VARINT, &ndims, "tensor dims"), "tensor dims"); break;
        case 2: {
            uint64_t v;
            if (w != ZK_PB_VARINT) return rfail(c, ZK_ERR_PARSE, "tensor data_type");
            TRY(zk_pb_varint(&r, &v), "tensor data_type");
            t->data_type = (int32_t)v;
            break;
        }
        case 4: TRY(count_repeated(c, &r, w, ZK_PB_I32, &nf, "tensor float_data"), "tensor float_data"); break;
        case 5: TRY(count_repeated(c, &r, w, ZK_PB_VARINT, &ni32, "tensor int32_data"), "tensor int32_data"); break;
        case 6: nstr++; TRY(zk_pb_skip(&r, w), "tensor string_data"); break;
        case 7: TRY(count_repeated(c, &r, w, ZK_PB_VARINT, &ni64, "tensor int64_data"), "tensor int64_data"); break;
        case 8:
            if (w != ZK_PB_LEN) return rfail(c, ZK_ERR_PARSE, "tensor name");
            { zk_status st = read_str(c, &r, &t->name, "tensor name"); if (st) return st; }
            break;
        case 9:
            if (w != ZK_PB_LEN) return rfail(c, ZK_ERR_PARSE, "tensor raw_data");
            TRY(zk_pb_bytes(&r, &raw), "tensor raw_data");
            have_raw = 1;
            break;
        case 10: TRY(count_repeated(c, &r, w, ZK_PB_I64, &nd, "tensor double_data"), "tensor double_data"); break;
        case 11: TRY(count_repeated(c, &r, w, ZK_PB_VARINT, &nu64, "tensor uint64_data"), "tensor uint64_data"); break;
        case 13: external = 1; TRY(zk_pb_skip(&r, w), "tensor external_data"); break;
        case 14: {
            uint64_t v;
            if (w != ZK_PB_VARINT) return rfail(c, ZK_ERR_PARSE, "tensor data_location");
            TRY(zk_pb_varint(&r, &v), "tensor data_location");
            if (v == 1) external = 1;
            break;
        }
        default: TRY(zk_pb_skip(&r, w), "tensor field"); break;
        }
    }
    const char *tn = t->name ? t->name : "";
    if (ndims > ZK_ONNX_MAX_RANK)
        return zk_fail(c->err, ZK_ERR_UNSUPPORTED, "ONNX %s: tensor '%s' has rank %zu (max %d)", c->where, tn, ndims, ZK_ONNX_MAX_RANK);
    if (external)
        return zk_fail(c->err, ZK_ERR_UNSUPPORTED, "ONNX %s: tensor '%s' uses external data (not supported; embed the weights in the .onnx file)", c->where, tn);
    if (t->data_type == ZK_ONNX_STRING || nstr)
        return zk_fail(c->err, ZK_ERR_UNSUPPORTED, "ONNX %s: tensor '%s' holds strings (not supported)", c->where, tn);
    /* pass 2: dims */
    r = msg;
    size_t k = 0;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "tensor field");
        if (f == 1) {
            zk_status st = read_repeated(c, &r, w, RV_I64, NULL, t->dims, &k, ZK_ONNX_MAX_RANK, "tensor dims");
            if (st) return st;
        } else {
            TRY(zk_pb_skip(&r, w), "tensor field");
        }
    }
    t->ndim = (int)k;
    int64_t numel = 1;
    for (int i = 0; i < t->ndim; i++) {
        if (t->dims[i] < 0)
            return zk_fail(c->err, ZK_ERR_PARSE, "ONNX %s: tensor '%s' has negative dimension %lld", c->where, tn, (long long)t->dims[i]);
        if (t->dims[i] > 0 && numel > ZK_ONNX_MAX_ELEMS / t->dims[i])
            return zk_fail(c->err, ZK_ERR_UNSUPPORTED, "ONNX %s: tensor '%s' has more than 2^26 elements", c->where, tn);
        numel *= t->dims[i];
    }
    t->numel = numel;
    int sz = dtype_size(t->data_type);
    if (!sz && t->data_type != ZK_ONNX_UNDEFINED)
        return zk_fail(c->err, ZK_ERR_UNSUPPORTED, "ONNX %s: tensor '%s' has data type %s (%d), not supported", c->where, tn,
                       zk_onnx_dtype_name(t->data_type), t->data_type);
    if (numel == 0) return ZK_OK;
    ALLOC(t->data, numel);
    if (have_raw) {
        size_t bytes = (size_t)(raw.end - raw.p);
        if (!sz || bytes != (size_t)numel * (size_t)sz)
            return zk_fail(c->err, ZK_ERR_PARSE, "ONNX %s: tensor '%s': raw_data has %zu bytes, %lld elements of %s need %lld",
                           c->where, tn, bytes, (long long)numel, zk_onnx_dtype_name(t->data_type), (long long)numel * sz);
        for (int64_t i = 0; i < numel; i++) t->data[i] = raw_elem(raw.p + (size_t)i * sz, t->data_type);
        return ZK_OK;
    }
    /* typed fields */
    int field;
    rv_kind kind;
    size_t have;
    switch (t->data_type) {
    case ZK_ONNX_FLOAT: field = 4; kind = RV_F32; have = nf; break;
    case ZK_ONNX_DOUBLE: field = 10; kind = RV_F64; have = nd; break;
    case ZK_ONNX_INT64: field = 7; kind = RV_I64; have = ni64; break;
    case ZK_ONNX_UINT32: case ZK_ONNX_UINT64: field = 11; kind = RV_U64; have = nu64; break;
    default: field = 5; kind = RV_I32; have = ni32; break; /* int8..int32, bool, float16 bits */
    }
    if (have != (size_t)numel)
        return zk_fail(c->err, ZK_ERR_PARSE, "ONNX %s: tensor '%s' has %zu values for %lld elements", c->where, tn, have,
                       (long long)numel);
    r = msg;
    k = 0;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "tensor field");
        if ((int)f == field) {
            zk_status st = read_repeated(c, &r, w, kind, t->data, NULL, &k, (size_t)numel, "tensor data");
            if (st) return st;
        } else {
            TRY(zk_pb_skip(&r, w), "tensor field");
        }
    }
    if (t->data_type == ZK_ONNX_FLOAT16 || t->data_type == ZK_ONNX_BFLOAT16 || t->data_type == ZK_ONNX_BOOL ||
        t->data_type == ZK_ONNX_UINT8 || t->data_type == ZK_ONNX_UINT16) {
        for (int64_t i = 0; i < numel; i++) {
            uint8_t b[2];
            uint32_t u = (uint32_t)(int64_t)t->data[i];
            b[0] = (uint8_t)u;
            b[1] = (uint8_t)(u >> 8);
            t->data[i] = raw_elem(b, t->data_type);
        }
    }
    return ZK_OK;
}

/* ---------------- AttributeProto ---------------- */

static zk_status parse_attr(rd *c, zk_pb msg, zk_onnx_attr *at) {
    size_t nf = 0, ni = 0, ns = 0;
    int have_f = 0, have_i = 0, have_s = 0, have_t = 0, have_g = 0, ntensors = 0, ngraphs = 0;
    zk_pb r = msg;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "attribute field");
        switch (f) {
        case 1:
            if (w != ZK_PB_LEN) return rfail(c, ZK_ERR_PARSE, "attribute name");
            { zk_status st = read_str(c, &r, &at->name, "attribute name"); if (st) return st; }
            break;
        case 20: {
            uint64_t v;
            if (w != ZK_PB_VARINT) return rfail(c, ZK_ERR_PARSE, "attribute type");
            TRY(zk_pb_varint(&r, &v), "attribute type");
            at->type = (int)(v & 0xff);
            break;
        }
        case 2: {
            size_t k = 0;
            zk_status st = read_repeated(c, &r, w, RV_F32, &at->f, NULL, &k, 1, "attribute f");
            if (st) return st;
            have_f = 1;
            break;
        }
        case 3: {
            size_t k = 0;
            zk_status st = read_repeated(c, &r, w, RV_I64, NULL, &at->i, &k, 1, "attribute i");
            if (st) return st;
            have_i = 1;
            break;
        }
        case 4:
            if (w != ZK_PB_LEN) return rfail(c, ZK_ERR_PARSE, "attribute s");
            { zk_status st = read_str(c, &r, &at->s, "attribute s"); if (st) return st; }
            have_s = 1;
            break;
        case 5: {
            zk_pb sub;
            if (w != ZK_PB_LEN) return rfail(c, ZK_ERR_PARSE, "attribute t");
            TRY(zk_pb_bytes(&r, &sub), "attribute t");
            at->t = zk_onnx_arena_alloc(c->a, sizeof *at->t);
            if (!at->t) return rfail(c, ZK_ERR_NOMEM, "attribute t");
            zk_status st = parse_tensor(c, sub, at->t);
            if (st) return st;
            have_t = 1;
            break;
        }
        case 6: have_g = 1; TRY(zk_pb_skip(&r, w), "attribute g"); break;
        case 7: TRY(count_repeated(c, &r, w, ZK_PB_I32, &nf, "attribute floats"), "attribute floats"); break;
        case 8: TRY(count_repeated(c, &r, w, ZK_PB_VARINT, &ni, "attribute ints"), "attribute ints"); break;
        case 9: ns++; TRY(zk_pb_skip(&r, w), "attribute strings"); break;
        case 10: ntensors++; TRY(zk_pb_skip(&r, w), "attribute tensors"); break;
        case 11: ngraphs++; TRY(zk_pb_skip(&r, w), "attribute graphs"); break;
        default: TRY(zk_pb_skip(&r, w), "attribute field"); break;
        }
    }
    if (!at->name) at->name = "";
    if (!at->type) { /* IR < 3 files may omit the type: infer it from the field present */
        at->type = have_f ? ZK_ONNX_ATTR_FLOAT : have_i ? ZK_ONNX_ATTR_INT : have_s ? ZK_ONNX_ATTR_STRING
                 : have_t ? ZK_ONNX_ATTR_TENSOR : have_g ? ZK_ONNX_ATTR_GRAPH : nf ? ZK_ONNX_ATTR_FLOATS
                 : ni ? ZK_ONNX_ATTR_INTS : ns ? ZK_ONNX_ATTR_STRINGS : ntensors ? ZK_ONNX_ATTR_TENSORS
                 : ngraphs ? ZK_ONNX_ATTR_GRAPHS : 0;
    }
    size_t n = at->type == ZK_ONNX_ATTR_FLOATS ? nf : at->type == ZK_ONNX_ATTR_INTS ? ni : at->type == ZK_ONNX_ATTR_STRINGS ? ns : 0;
    if (!n) return ZK_OK;
    at->n = n;
    if (at->type == ZK_ONNX_ATTR_FLOATS) ALLOC(at->floats, n);
    if (at->type == ZK_ONNX_ATTR_INTS) ALLOC(at->ints, n);
    if (at->type == ZK_ONNX_ATTR_STRINGS) ALLOC(at->strings, n);
    r = msg;
    size_t k = 0;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "attribute field");
        zk_status st = ZK_OK;
        if (f == 7 && at->type == ZK_ONNX_ATTR_FLOATS) st = read_repeated(c, &r, w, RV_F32, at->floats, NULL, &k, n, "attribute floats");
        else if (f == 8 && at->type == ZK_ONNX_ATTR_INTS) st = read_repeated(c, &r, w, RV_I64, NULL, at->ints, &k, n, "attribute ints");
        else if (f == 9 && at->type == ZK_ONNX_ATTR_STRINGS) {
            if (w != ZK_PB_LEN || k >= n) return rfail(c, ZK_ERR_PARSE, "attribute strings");
            st = read_str(c, &r, &at->strings[k++], "attribute strings");
        } else TRY(zk_pb_skip(&r, w), "attribute field");
        if (st) return st;
    }
    at->n = k;
    return ZK_OK;
}

/* ---------------- NodeProto ---------------- */

static zk_status parse_node(rd *c, zk_pb msg, zk_onnx_node *nd, size_t index) {
    size_t ni = 0, no = 0, na = 0;
    zk_pb r = msg;
    snprintf(c->where, sizeof c->where, "node %zu", index);
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "node field");
        if ((f == 1 || f == 2 || f == 3 || f == 4 || f == 5 || f == 7) && w != ZK_PB_LEN)
            return rfail(c, ZK_ERR_PARSE, "node field");
        zk_status st = ZK_OK;
        switch (f) {
        case 1: ni++; TRY(zk_pb_skip(&r, w), "node input"); break;
        case 2: no++; TRY(zk_pb_skip(&r, w), "node output"); break;
        case 3: st = read_str(c, &r, &nd->name, "node name"); break;
        case 4: st = read_str(c, &r, &nd->op_type, "node op_type"); break;
        case 5: na++; TRY(zk_pb_skip(&r, w), "node attribute"); break;
        case 7: st = read_str(c, &r, &nd->domain, "node domain"); break;
        default: TRY(zk_pb_skip(&r, w), "node field"); break;
        }
        if (st) return st;
    }
    if (!nd->name) nd->name = "";
    if (!nd->op_type) nd->op_type = "";
    if (!nd->domain) nd->domain = "";
    snprintf(c->where, sizeof c->where, "node %zu '%.60s' (%.40s)", index, nd->name, nd->op_type);
    ALLOC(nd->inputs, ni);
    ALLOC(nd->outputs, no);
    ALLOC(nd->attrs, na);
    r = msg;
    size_t ki = 0, ko = 0, ka = 0;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "node field");
        zk_status st = ZK_OK;
        if (f == 1 && ki < ni) st = read_str(c, &r, &nd->inputs[ki++], "node input");
        else if (f == 2 && ko < no) st = read_str(c, &r, &nd->outputs[ko++], "node output");
        else if (f == 5 && ka < na) {
            zk_pb sub;
            TRY(zk_pb_bytes(&r, &sub), "node attribute");
            st = parse_attr(c, sub, &nd->attrs[ka++]);
        } else TRY(zk_pb_skip(&r, w), "node field");
        if (st) return st;
    }
    nd->n_inputs = ki;
    nd->n_outputs = ko;
    nd->n_attrs = ka;
    return ZK_OK;
}

/* ---------------- ValueInfoProto / TypeProto ---------------- */

static zk_status parse_shape(rd *c, zk_pb msg, zk_onnx_value_info *vi) {
    zk_pb r = msg;
    vi->has_shape = 1;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "shape field");
        if (f != 1 || w != ZK_PB_LEN) {
            TRY(zk_pb_skip(&r, w), "shape field");
            continue;
        }
        zk_pb dim;
        TRY(zk_pb_bytes(&r, &dim), "shape dim");
        if (vi->ndim >= ZK_ONNX_MAX_RANK)
            return zk_fail(c->err, ZK_ERR_UNSUPPORTED, "ONNX %s: value '%s' has rank above %d", c->where,
                           vi->name ? vi->name : "", ZK_ONNX_MAX_RANK);
        int64_t d = -1;
        while (!zk_pb_done(&dim)) {
            uint32_t g;
            int w2;
            TRY(zk_pb_key(&dim, &g, &w2), "shape dim field");
            if (g == 1 && w2 == ZK_PB_VARINT) {
                uint64_t v;
                TRY(zk_pb_varint(&dim, &v), "dim_value");
                d = (int64_t)v < 0 ? -1 : (int64_t)v;
            } else {
                TRY(zk_pb_skip(&dim, w2), "shape dim field");
            }
        }
        vi->dims[vi->ndim++] = d;
    }
    return ZK_OK;
}

static zk_status parse_value_info(rd *c, zk_pb msg, zk_onnx_value_info *vi) {
    zk_pb r = msg;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "value_info field");
        if (f == 1 && w == ZK_PB_LEN) {
            zk_status st = read_str(c, &r, &vi->name, "value_info name");
            if (st) return st;
        } else if (f == 2 && w == ZK_PB_LEN) {
            zk_pb type;
            TRY(zk_pb_bytes(&r, &type), "value_info type");
            while (!zk_pb_done(&type)) {
                uint32_t g;
                int w2;
                TRY(zk_pb_key(&type, &g, &w2), "type field");
                if (g == 1 && w2 == ZK_PB_LEN) { /* tensor_type */
                    zk_pb tt;
                    TRY(zk_pb_bytes(&type, &tt), "tensor_type");
                    while (!zk_pb_done(&tt)) {
                        uint32_t h;
                        int w3;
                        TRY(zk_pb_key(&tt, &h, &w3), "tensor_type field");
                        if (h == 1 && w3 == ZK_PB_VARINT) {
                            uint64_t v;
                            TRY(zk_pb_varint(&tt, &v), "elem_type");
                            vi->elem_type = (int32_t)v;
                        } else if (h == 2 && w3 == ZK_PB_LEN) {
                            zk_pb sh;
                            TRY(zk_pb_bytes(&tt, &sh), "shape");
                            vi->ndim = 0;
                            zk_status st = parse_shape(c, sh, vi);
                            if (st) return st;
                        } else {
                            TRY(zk_pb_skip(&tt, w3), "tensor_type field");
                        }
                    }
                } else {
                    TRY(zk_pb_skip(&type, w2), "type field");
                }
            }
        } else {
            TRY(zk_pb_skip(&r, w), "value_info field");
        }
    }
    if (!vi->name) vi->name = "";
    return ZK_OK;
}

/* ---------------- GraphProto / ModelProto ---------------- */

static zk_status parse_graph(rd *c, zk_pb msg, zk_onnx_graph *g) {
    size_t nn = 0, nt = 0, nin = 0, nout = 0, nvi = 0;
    zk_pb r = msg;
    snprintf(c->where, sizeof c->where, "graph");
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "graph field");
        if ((f == 1 || f == 2 || f == 5 || f == 11 || f == 12 || f == 13 || f == 15) && w != ZK_PB_LEN)
            return rfail(c, ZK_ERR_PARSE, "graph field");
        switch (f) {
        case 1: nn++; break;
        case 2: { zk_status st = read_str(c, &r, &g->name, "graph name"); if (st) return st; continue; }
        case 5: nt++; break;
        case 11: nin++; break;
        case 12: nout++; break;
        case 13: nvi++; break;
        case 15:
            return zk_fail(c->err, ZK_ERR_UNSUPPORTED, "ONNX graph: sparse initializers are not supported");
        }
        TRY(zk_pb_skip(&r, w), "graph field");
    }
    if (!g->name) g->name = "";
    ALLOC(g->nodes, nn);
    ALLOC(g->inits, nt);
    ALLOC(g->inputs, nin);
    ALLOC(g->outputs, nout);
    ALLOC(g->value_infos, nvi);
    r = msg;
    while (!zk_pb_done(&r)) {
        uint32_t f;
        int w;
        TRY(zk_pb_key(&r, &f, &w), "graph field");
        if (f != 1 && f != 5 && f != 11 && f != 12 && f != 13) {
            TRY(zk_pb_skip(&r, w), "graph field");
            continue;
        }
        zk_pb sub;
        TRY(zk_pb_bytes(&r, &sub), "graph field");
        zk_status st = ZK_OK;
        switch (f) {
        case 1: st = parse_node(c, sub, &g->nodes[g->n_nodes], g->n_nodes); g->n_nodes++; break;
        case 5:
            snprintf(c->where, sizeof c->where, "initializer %zu", g->n_inits);
            st = parse_tensor(c, sub, &g->inits[g->n_inits]);
            if (!st && !g->inits[g->n_inits].name) g->inits[g->n_inits].name = "";
            g->n_inits++;
            break;
        case 11:
            snprintf(c->where, sizeof c->where, "graph input %zu", g->n_inputs);
            st = parse_value_info(c, sub, &g->inputs[g->n_inputs++]);
            break;
        case 12:
            snprintf(c->where, sizeof c->where, "graph output %zu", g->n_outputs);
            st = parse_value_info(c, sub, &g->outputs[g->n_outputs++]);
            break;
        case 13:
            snprintf(c->where, sizeof c->where, "value_info %zu", g->n_value_infos);
            st = parse_value_info(c, sub, &g->value_infos[g->n_value_infos++]);
            break;
        }
        if (st) return st;
    }
    c->where[0] = 0;
    return ZK_OK;
}

zk_status zk_onnx_parse(const uint8_t *buf, size_t len, zk_onnx_model **out, zk_error *err) {
    if (!out || (!buf && len)) return zk_fail(err, ZK_ERR_INVALID_ARG, "zk_onnx_parse: NULL argument");
    *out = NULL;
    if (len == 0) return zk_fail(err, ZK_ERR_PARSE, "ONNX: empty file");
    if (len > ZK_ONNX_MAX_BYTES) return zk_fail(err, ZK_ERR_UNSUPPORTED, "ONNX: file larger than 2 GiB");
    struct zk_onnx_arena *a = zk_onnx_arena_new();
    if (!a) return zk_fail(err, ZK_ERR_NOMEM, "ONNX: out of memory");
    zk_onnx_model *m = zk_onnx_arena_alloc(a, sizeof *m);
    if (!m) {
        zk_onnx_arena_free(a);
        return zk_fail(err, ZK_ERR_NOMEM, "ONNX: out of memory");
    }
    m->arena = a;
    rd ctx = {a, err, ""}, *c = &ctx;
    zk_pb r = zk_pb_init(buf, len);
    int have_graph = 0, have_default_opset = 0;
    zk_status st = ZK_OK;
    while (!st && !zk_pb_done(&r)) {
        uint32_t f;
        int w;
        st = zk_pb_key(&r, &f, &w);
        if (st) { st = rfail(c, st, "model field"); break; }
        if (f == 1 && w == ZK_PB_VARINT) {
            uint64_t v;
            if ((st = zk_pb_varint(&r, &v))) st = rfail(c, st, "ir_version");
            m->ir_version = (int64_t)v;
        } else if (f == 2 && w == ZK_PB_LEN) {
            st = read_str(c, &r, &m->producer, "producer_name");
        } else if (f == 7 && w == ZK_PB_LEN) {
            zk_pb sub;
            if ((st = zk_pb_bytes(&r, &sub))) { st = rfail(c, st, "graph"); break; }
            if (have_graph) { st = zk_fail(err, ZK_ERR_PARSE, "ONNX: more than one graph"); break; }
            have_graph = 1;
            st = parse_graph(c, sub, &m->graph);
        } else if (f == 8 && w == ZK_PB_LEN) {
            zk_pb sub;
            if ((st = zk_pb_bytes(&r, &sub))) { st = rfail(c, st, "opset_import"); break; }
            const char *domain = "";
            int64_t ver = 0;
            while (!st && !zk_pb_done(&sub)) {
                uint32_t g;
                int w2;
                if ((st = zk_pb_key(&sub, &g, &w2))) { st = rfail(c, st, "opset_import"); break; }
                if (g == 1 && w2 == ZK_PB_LEN) st = read_str(c, &sub, &domain, "opset domain");
                else if (g == 2 && w2 == ZK_PB_VARINT) {
                    uint64_t v;
                    if ((st = zk_pb_varint(&sub, &v))) st = rfail(c, st, "opset version");
                    ver = (int64_t)v;
                } else if ((st = zk_pb_skip(&sub, w2))) st = rfail(c, st, "opset_import");
            }
            if (!st && (!domain[0] || !strcmp(domain, "ai.onnx"))) {
                m->opset = ver;
                have_default_opset = 1;
            }
        } else {
            if ((st = zk_pb_skip(&r, w))) st = rfail(c, st, "model field");
        }
    }
    if (!st && !have_graph) st = zk_fail(err, ZK_ERR_PARSE, "ONNX: no graph in the model (not an ONNX ModelProto?)");
    if (!st && !have_default_opset) m->opset = m->ir_version >= 3 ? 0 : 1;
    if (!m->producer) m->producer = "";
    if (st) {
        zk_onnx_arena_free(a);
        return st;
    }
    *out = m;
    return ZK_OK;
}

void zk_onnx_model_free(zk_onnx_model *m) {
    if (m) zk_onnx_arena_free(m->arena);
}

const char *zk_onnx_dtype_name(int32_t dt) {
    static const char *names[] = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
                                  "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    if (dt < 0 || dt > 16) return "?";
    return names[dt];
}

const zk_onnx_attr *zk_onnx_node_attr(const zk_onnx_node *n, const char *name) {
    for (size_t i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, name)) return &n->attrs[i];
    return NULL;
}
