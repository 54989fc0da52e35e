#include "test_onnx_build.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void pbw_free(pbw *w) {
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

void pbw_raw(pbw *w, const void *p, size_t n) {
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 64;
        while (cap < w->len + n) cap *= 2;
        uint8_t *nb = realloc(w->buf, cap);
        if (!nb) abort();
        w->buf = nb;
        w->cap = cap;
    }
    if (n) memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void pbw_varint(pbw *w, uint64_t v) {
    uint8_t b[10];
    int k = 0;
    do {
        b[k] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v) b[k] |= 0x80;
        k++;
    } while (v);
    pbw_raw(w, b, (size_t)k);
}

void pbw_key(pbw *w, uint32_t field, int wire) { pbw_varint(w, (uint64_t)field << 3 | (uint64_t)wire); }
void pbw_vfield(pbw *w, uint32_t field, uint64_t v) {
    pbw_key(w, field, 0);
    pbw_varint(w, v);
}
void pbw_bytes(pbw *w, uint32_t field, const void *p, size_t n) {
    pbw_key(w, field, 2);
    pbw_varint(w, n);
    pbw_raw(w, p, n);
}
void pbw_str(pbw *w, uint32_t field, const char *s) { pbw_bytes(w, field, s, strlen(s)); }
void pbw_msg(pbw *w, uint32_t field, const pbw *sub) { pbw_bytes(w, field, sub->buf, sub->len); }
void pbw_f32(pbw *w, uint32_t field, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    uint8_t b[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
    pbw_key(w, field, 5);
    pbw_raw(w, b, 4);
}

pbw tb_attr_i(const char *name, int64_t v) {
    pbw a = {0};
    pbw_str(&a, 1, name);
    pbw_vfield(&a, 20, 2);
    pbw_vfield(&a, 3, (uint64_t)v);
    return a;
}
pbw tb_attr_f(const char *name, float v) {
    pbw a = {0};
    pbw_str(&a, 1, name);
    pbw_vfield(&a, 20, 1);
    pbw_f32(&a, 2, v);
    return a;
}
pbw tb_attr_s(const char *name, const char *v) {
    pbw a = {0};
    pbw_str(&a, 1, name);
    pbw_vfield(&a, 20, 3);
    pbw_str(&a, 4, v);
    return a;
}
pbw tb_attr_ints(const char *name, size_t n, const int64_t *v) {
    pbw a = {0}, p = {0};
    pbw_str(&a, 1, name);
    pbw_vfield(&a, 20, 7);
    for (size_t i = 0; i < n; i++) pbw_varint(&p, (uint64_t)v[i]);
    pbw_msg(&a, 8, &p); /* packed */
    pbw_free(&p);
    return a;
}
pbw tb_attr_floats(const char *name, size_t n, const float *v) {
    pbw a = {0};
    pbw_str(&a, 1, name);
    pbw_vfield(&a, 20, 6);
    for (size_t i = 0; i < n; i++) pbw_f32(&a, 7, v[i]); /* unpacked */
    return a;
}

void tb_init(tb_model *t, int opset) {
    memset(t, 0, sizeof *t);
    t->opset = opset;
    pbw_str(&t->graph, 2, "test");
}

static void value_info(pbw *out, uint32_t field, const char *name, int elem, int rank, const int64_t *dims) {
    pbw vi = {0}, type = {0}, tt = {0}, shape = {0};
    pbw_str(&vi, 1, name);
    pbw_vfield(&tt, 1, (uint64_t)elem);
    if (rank >= 0) {
        for (int d = 0; d < rank; d++) {
            pbw dim = {0};
            if (dims[d] >= 0) pbw_vfield(&dim, 1, (uint64_t)dims[d]);
            else pbw_str(&dim, 2, "batch");
            pbw_msg(&shape, 1, &dim);
            pbw_free(&dim);
        }
        pbw_msg(&tt, 2, &shape);
    }
    pbw_msg(&type, 1, &tt);
    pbw_msg(&vi, 2, &type);
    pbw_msg(out, field, &vi);
    pbw_free(&vi);
    pbw_free(&type);
    pbw_free(&tt);
    pbw_free(&shape);
}

void tb_input(tb_model *t, const char *name, int elem, int rank, const int64_t *dims) {
    value_info(&t->graph, 11, name, elem, rank, dims);
}
void tb_output(tb_model *t, const char *name) { value_info(&t->graph, 12, name, 1, -1, NULL); }

void tb_init_f(tb_model *t, const char *name, int rank, const int64_t *dims, const float *data, int raw) {
    pbw ts = {0}, packed = {0};
    int64_t n = 1;
    for (int d = 0; d < rank; d++) {
        pbw_vfield(&ts, 1, (uint64_t)dims[d]); /* dims unpacked */
        n *= dims[d];
    }
    pbw_vfield(&ts, 2, 1);
    pbw_str(&ts, 8, name);
    if (raw) pbw_bytes(&ts, 9, data, (size_t)n * 4);
    else {
        pbw_raw(&packed, data, (size_t)n * 4);
        pbw_msg(&ts, 4, &packed);
    }
    pbw_msg(&t->graph, 5, &ts);
    pbw_free(&ts);
    pbw_free(&packed);
}

void tb_init_i64(tb_model *t, const char *name, int rank, const int64_t *dims, const int64_t *data) {
    pbw ts = {0}, packed = {0}, pd = {0};
    int64_t n = 1;
    for (int d = 0; d < rank; d++) {
        pbw_varint(&pd, (uint64_t)dims[d]);
        n *= dims[d];
    }
    if (rank) pbw_msg(&ts, 1, &pd); /* dims packed */
    pbw_vfield(&ts, 2, 7);
    pbw_str(&ts, 8, name);
    for (int64_t i = 0; i < n; i++) pbw_varint(&packed, (uint64_t)data[i]);
    pbw_msg(&ts, 7, &packed);
    pbw_msg(&t->graph, 5, &ts);
    pbw_free(&ts);
    pbw_free(&packed);
    pbw_free(&pd);
}

static void add_names(pbw *node, uint32_t field, const char *list) {
    if (!list) return;
    const char *p = list;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n || c) pbw_bytes(node, field, p, n);
        if (!c) break;
        p = c + 1;
    }
}

void tb_node(tb_model *t, const char *op, const char *name, const char *inputs, const char *outputs, ...) {
    pbw node = {0};
    add_names(&node, 1, inputs);
    add_names(&node, 2, outputs);
    pbw_str(&node, 3, name);
    pbw_str(&node, 4, op);
    va_list ap;
    va_start(ap, outputs);
    for (;;) {
        pbw *a = va_arg(ap, pbw *);
        if (!a) break;
        pbw_msg(&node, 5, a);
        pbw_free(a);
    }
    va_end(ap);
    pbw_msg(&t->graph, 1, &node);
    pbw_free(&node);
}

uint8_t *tb_finish(tb_model *t, size_t *len) {
    pbw m = {0}, op = {0};
    pbw_vfield(&m, 1, 8);
    pbw_str(&m, 2, "zkml-tests");
    pbw_str(&op, 1, "");
    pbw_vfield(&op, 2, (uint64_t)t->opset);
    pbw_msg(&m, 8, &op);
    pbw_msg(&m, 7, &t->graph);
    pbw_free(&op);
    pbw_free(&t->graph);
    *len = m.len;
    return m.buf;
}
