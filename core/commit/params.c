/* IPA parameters: derivation, g_lagrange, serialization, commitments. */
#include "commit/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msm/msm.h"
#include "util/rng.h"
#include "util/threads.h"

static const uint8_t COMPACT_MAGIC[4] = {'z', 'k', 'I', 'P'};
#define COMPACT_UNCOMPRESSED 1u

/* ---- allocation ---- */

static zk_ipa_params *params_alloc(unsigned k) {
    zk_ipa_params *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->k = k;
    p->n = (size_t)1 << k;
    p->g = malloc(p->n * sizeof *p->g);
    if (!p->g) {
        free(p);
        return NULL;
    }
    return p;
}

void zk_ipa_params_free(zk_ipa_params *p) {
    if (!p) return;
    free(p->g);
    free(p->g_lagrange);
    zk_vesta_fixed_free(p->w_table);
    zk_vesta_fixed_free(p->u_table);
    free(p);
}

static zk_status build_tables(zk_ipa_params *p) {
    zk_status st = zk_vesta_fixed_new(&p->w_table, &p->w);
    if (st == ZK_OK) st = zk_vesta_fixed_new(&p->u_table, &p->u);
    return st;
}

static int k_ok(unsigned k) { return k >= ZK_IPA_MIN_K && k <= ZK_IPA_MAX_K; }

/* ---- derivation ---- */

/* w = H([0x01]), u = H([0x02]). */
static zk_status derive_w_u(zk_vesta_affine *w, zk_vesta_affine *u) {
    const uint8_t msgs[2] = {1, 2};
    zk_vesta_affine wu[2];
    zk_status st = zk_vesta_hash_to_curve_batch(wu, ZK_IPA_PARAMS_DOMAIN, msgs, 1, 2);
    *w = wu[0];
    *u = wu[1];
    return st;
}

/* g[i] = H([0x00, i as u32 LE]) for i < n. */
/* g[i] = hash_to_curve("Halo2-Parameters")(0x00 || LE32(i)), in slices so
 * that progress can be reported (a slice is still a large parallel batch). */
#define PARAMS_SLICE ((size_t)1 << 13)
static zk_status derive_g(zk_vesta_affine *g, size_t n, zk_ipa_progress_fn progress, void *ctx) {
    size_t slice = n < PARAMS_SLICE ? n : PARAMS_SLICE;
    uint8_t *msgs = malloc(5 * slice);
    if (!msgs) return ZK_ERR_NOMEM;
    zk_status st = ZK_OK;
    for (size_t at = 0; at < n && st == ZK_OK; at += slice) {
        size_t m = n - at < slice ? n - at : slice;
        for (size_t i = 0; i < m; i++) {
            uint8_t *msg = msgs + 5 * i;
            msg[0] = 0;
            for (int b = 0; b < 4; b++) msg[1 + b] = (uint8_t)((at + i) >> (8 * b));
        }
        st = zk_vesta_hash_to_curve_batch(g + at, ZK_IPA_PARAMS_DOMAIN, msgs, 5, m);
        if (st == ZK_OK && progress && progress(ctx, at + m, n)) st = ZK_ERR_CANCELLED;
    }
    free(msgs);
    return st;
}

zk_status zk_ipa_params_new(zk_ipa_params **out, unsigned k, unsigned flags) {
    return zk_ipa_params_new_ex(out, k, flags, NULL, NULL);
}

zk_status zk_ipa_params_new_ex(zk_ipa_params **out, unsigned k, unsigned flags, zk_ipa_progress_fn progress,
                               void *ctx) {
    if (!out) return ZK_ERR_INVALID_ARG;
    *out = NULL;
    if (!k_ok(k)) return ZK_ERR_INVALID_ARG;
    zk_ipa_params *p = params_alloc(k);
    if (!p) return ZK_ERR_NOMEM;
    zk_status st = derive_g(p->g, p->n, progress, ctx);
    if (st == ZK_OK) st = derive_w_u(&p->w, &p->u);
    if (st == ZK_OK) st = build_tables(p);
    if (st == ZK_OK && (flags & ZK_IPA_PARAMS_LAGRANGE)) st = zk_ipa_params_compute_lagrange(p);
    if (st != ZK_OK) {
        zk_ipa_params_free(p);
        return st;
    }
    *out = p;
    return ZK_OK;
}

zk_status zk_ipa_params_downsize(zk_ipa_params **out, const zk_ipa_params *src, unsigned k) {
    if (!out) return ZK_ERR_INVALID_ARG;
    *out = NULL;
    if (!src || !k_ok(k) || k > src->k) return ZK_ERR_INVALID_ARG;
    zk_ipa_params *p = params_alloc(k);
    if (!p) return ZK_ERR_NOMEM;
    memcpy(p->g, src->g, p->n * sizeof *p->g);
    p->w = src->w;
    p->u = src->u;
    zk_status st = build_tables(p);
    if (st == ZK_OK && k == src->k && src->g_lagrange) {
        p->g_lagrange = malloc(p->n * sizeof *p->g_lagrange);
        if (!p->g_lagrange)
            st = ZK_ERR_NOMEM;
        else
            memcpy(p->g_lagrange, src->g_lagrange, p->n * sizeof *p->g_lagrange);
    }
    if (st != ZK_OK) {
        zk_ipa_params_free(p);
        return st;
    }
    *out = p;
    return ZK_OK;
}

/* ---- g_lagrange: inverse FFT over points ---- */

typedef struct {
    zk_vesta *a;
    const zk_fp *tw; /* tw[j] = omega^-j, j < n/2 */
    size_t m;        /* butterflies per group in this layer */
    size_t stride;   /* twiddle index step: n / (2m) */
} pfft_layer_ctx;

/* Butterflies b in [begin, end) of one layer: (x, y) -> (x + t y, x - t y). */
static void pfft_layer(void *vctx, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    pfft_layer_ctx *c = vctx;
    for (size_t b = begin; b < end; b++) {
        size_t j = b % c->m, i = (b / c->m) * 2 * c->m + j;
        zk_vesta t;
        if (j == 0)
            t = c->a[i + c->m];
        else
            zk_vesta_mul_var(&t, &c->a[i + c->m], &c->tw[j * c->stride]);
        zk_vesta_sub(&c->a[i + c->m], &c->a[i], &t);
        zk_vesta_add(&c->a[i], &c->a[i], &t);
    }
}

typedef struct {
    zk_vesta *a;
    zk_fp scale;
} pfft_scale_ctx;

static void pfft_scale(void *vctx, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    pfft_scale_ctx *c = vctx;
    for (size_t i = begin; i < end; i++) zk_vesta_mul_var(&c->a[i], &c->a[i], &c->scale);
}

static size_t bitrev(size_t x, unsigned bits) {
    size_t r = 0;
    for (unsigned i = 0; i < bits; i++, x >>= 1) r = (r << 1) | (x & 1);
    return r;
}

/* out[j] = (1/n) sum_i omega^(-ij) g[i] (halo2's best_fft with omega^-1, then
 * a multiplication by 1/n). */
static zk_status lagrange_from_g(zk_vesta_affine *out, const zk_vesta_affine *g, unsigned k) {
    size_t n = (size_t)1 << k, half = n / 2;
    zk_vesta *a = malloc(n * sizeof *a);
    zk_fp *tw = malloc((half ? half : 1) * sizeof *tw);
    if (!a || !tw) {
        free(a);
        free(tw);
        return ZK_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) zk_vesta_from_affine(&a[bitrev(i, k)], &g[i]);
    zk_fp omega_inv = zk_fp_ROOT_OF_UNITY_INV;
    for (unsigned i = k; i < ZK_FIELD_S; i++) zk_fp_sqr(&omega_inv, &omega_inv);
    zk_fp_one(&tw[0]);
    for (size_t j = 1; j < half; j++) zk_fp_mul(&tw[j], &tw[j - 1], &omega_inv);
    for (size_t m = 1; m < n; m *= 2) {
        pfft_layer_ctx c = {a, tw, m, n / (2 * m)};
        zk_parallel_for(half, 64, pfft_layer, &c);
    }
    free(tw);
    pfft_scale_ctx f = {a, zk_fp_ZERO};
    zk_fp_from_u64(&f.scale, n);
    zk_fp_inv_var(&f.scale, &f.scale);
    zk_parallel_for(n, 256, pfft_scale, &f);
    zk_status st = zk_vesta_batch_to_affine_var(out, a, n);
    free(a);
    return st;
}

zk_status zk_ipa_params_compute_lagrange(zk_ipa_params *p) {
    if (!p) return ZK_ERR_INVALID_ARG;
    if (p->g_lagrange) return ZK_OK;
    zk_vesta_affine *gl = malloc(p->n * sizeof *gl);
    if (!gl) return ZK_ERR_NOMEM;
    zk_status st = lagrange_from_g(gl, p->g, p->k);
    if (st != ZK_OK) {
        free(gl);
        return st;
    }
    p->g_lagrange = gl;
    return ZK_OK;
}

/* ---- serialization ---- */

size_t zk_ipa_params_serialized_size(unsigned k, zk_ipa_params_format format) {
    if (!k_ok(k)) return 0;
    size_t n = (size_t)1 << k;
    return format == ZK_IPA_FORMAT_HALO2 ? 4 + 32 * (2 * n + 2) : 12 + 64 * (n + 2);
}

static void put_u32(uint8_t *b, uint32_t v) {
    for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *b) {
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint8_t *put_raw(uint8_t *b, const zk_vesta_affine *p) {
    zk_fq_to_bytes(b, &p->x);
    zk_fq_to_bytes(b + 32, &p->y);
    return b + 64;
}

static uint8_t *put_compressed(uint8_t *b, const zk_vesta_affine *p) {
    zk_vesta_affine_to_bytes(b, p);
    return b + 32;
}

zk_status zk_ipa_params_write(const zk_ipa_params *p, zk_ipa_params_format format, uint8_t **out,
                              size_t *out_len) {
    if (!p || !out || !out_len) return ZK_ERR_INVALID_ARG;
    if (format != ZK_IPA_FORMAT_HALO2 && format != ZK_IPA_FORMAT_COMPACT) return ZK_ERR_INVALID_ARG;
    *out = NULL;
    *out_len = 0;
    size_t len = zk_ipa_params_serialized_size(p->k, format);
    uint8_t *buf = malloc(len);
    if (!buf) return ZK_ERR_NOMEM;
    uint8_t *b = buf;
    if (format == ZK_IPA_FORMAT_HALO2) {
        const zk_vesta_affine *gl = p->g_lagrange;
        zk_vesta_affine *tmp = NULL;
        if (!gl) {
            tmp = malloc(p->n * sizeof *tmp);
            zk_status st = tmp ? lagrange_from_g(tmp, p->g, p->k) : ZK_ERR_NOMEM;
            if (st != ZK_OK) {
                free(tmp);
                free(buf);
                return st;
            }
            gl = tmp;
        }
        put_u32(b, p->k);
        b += 4;
        for (size_t i = 0; i < p->n; i++) b = put_compressed(b, &p->g[i]);
        for (size_t i = 0; i < p->n; i++) b = put_compressed(b, &gl[i]);
        b = put_compressed(b, &p->w);
        b = put_compressed(b, &p->u);
        free(tmp);
    } else {
        memcpy(b, COMPACT_MAGIC, 4);
        put_u32(b + 4, p->k);
        put_u32(b + 8, COMPACT_UNCOMPRESSED);
        b += 12;
        for (size_t i = 0; i < p->n; i++) b = put_raw(b, &p->g[i]);
        b = put_raw(b, &p->w);
        b = put_raw(b, &p->u);
    }
    *out = buf;
    *out_len = (size_t)(b - buf);
    return ZK_OK;
}

/* Parallel point decoding: out[i] from in + i * size, bad[i] = 1 if invalid. */
typedef struct {
    const uint8_t *in;
    zk_vesta_affine *out;
    uint8_t *bad;
    size_t size; /* 32 (compressed) or 64 (x || y) */
} decode_ctx;

static int decode_raw(zk_vesta_affine *p, const uint8_t *b) {
    if (zk_fq_from_bytes(&p->x, b) != ZK_OK || zk_fq_from_bytes(&p->y, b + 32) != ZK_OK) return 0;
    return zk_vesta_affine_is_on_curve(p);
}

static void decode_range(void *vctx, size_t begin, size_t end, unsigned worker) {
    (void)worker;
    decode_ctx *c = vctx;
    for (size_t i = begin; i < end; i++) {
        const uint8_t *b = c->in + i * c->size;
        int ok = c->size == 32 ? zk_vesta_affine_from_bytes(&c->out[i], b) == ZK_OK
                               : decode_raw(&c->out[i], b);
        c->bad[i] = (uint8_t)(!ok || zk_vesta_affine_is_identity(&c->out[i]));
    }
}

/* Decodes count points; returns the index of the first bad one, or count. */
static size_t decode_points(zk_vesta_affine *out, const uint8_t *in, size_t count, size_t size,
                            zk_status *st) {
    uint8_t *bad = malloc(count);
    if (!bad) {
        *st = ZK_ERR_NOMEM;
        return 0;
    }
    decode_ctx c = {in, out, bad, size};
    zk_parallel_for(count, 64, decode_range, &c);
    size_t i = 0;
    while (i < count && !bad[i]) i++;
    free(bad);
    *st = i < count ? ZK_ERR_ENCODING : ZK_OK;
    return i;
}

static const char *point_name(size_t i, size_t n, int has_lagrange, char *buf, size_t cap) {
    if (i < n) {
        snprintf(buf, cap, "g[%zu]", i);
    } else if (has_lagrange && i < 2 * n) {
        snprintf(buf, cap, "g_lagrange[%zu]", i - n);
    } else {
        size_t r = i - (has_lagrange ? 2 * n : n);
        snprintf(buf, cap, "%s", r == 0 ? "w" : "u");
    }
    return buf;
}

static zk_status commit_via_ifft(const zk_ipa_params *p, zk_vesta *out, const zk_fp *values,
                                 const zk_fp *blind, const zk_fp_ntt *ntt);

/* The ZK_IPA_READ_CHECK tests. */
static zk_status check_params(const zk_ipa_params *p, zk_error *err) {
    zk_ipa_params *ref = NULL;
    zk_status st = zk_ipa_params_new(&ref, p->k, 0);
    if (st != ZK_OK) return zk_fail(err, st, "params: re-deriving k = %u failed", p->k);
    for (size_t i = 0; i < p->n; i++)
        if (!zk_vesta_affine_eq(&p->g[i], &ref->g[i])) {
            zk_ipa_params_free(ref);
            return zk_fail(err, ZK_ERR_VERIFY, "params: g[%zu] is not the derived generator", i);
        }
    int wu = zk_vesta_affine_eq(&p->w, &ref->w) && zk_vesta_affine_eq(&p->u, &ref->u);
    zk_ipa_params_free(ref);
    if (!wu) return zk_fail(err, ZK_ERR_VERIFY, "params: w or u is not the derived generator");
    if (!p->g_lagrange) return ZK_OK;
    /* sum_j r_j g_lagrange[j] = sum_i iFFT(r)_i g[i] for random r: the iFFT
     * matrix is symmetric. */
    zk_fp *r = malloc(p->n * sizeof *r);
    if (!r) return zk_fail(err, ZK_ERR_NOMEM, "params: out of memory");
    zk_rng rng;
    zk_rng_init_os(&rng);
    st = zk_rng_fp_many(&rng, r, p->n);
    zk_vesta lhs, rhs;
    if (st == ZK_OK) st = zk_vesta_msm_var(&lhs, r, p->g_lagrange, p->n);
    zk_fp zero = zk_fp_ZERO;
    if (st == ZK_OK) st = commit_via_ifft(p, &rhs, r, &zero, NULL);
    free(r);
    if (st != ZK_OK) return zk_fail(err, st, "params: checking g_lagrange failed");
    if (!zk_vesta_eq(&lhs, &rhs)) return zk_fail(err, ZK_ERR_VERIFY, "params: g_lagrange is not the iFFT of g");
    return ZK_OK;
}

zk_status zk_ipa_params_read(zk_ipa_params **out, const uint8_t *bytes, size_t len,
                             unsigned flags, zk_error *err) {
    if (!out || (!bytes && len)) return zk_fail(err, ZK_ERR_INVALID_ARG, "params: bad arguments");
    *out = NULL;
    if (len < 4) return zk_fail(err, ZK_ERR_TRUNCATED, "params: %zu bytes, no header", len);
    int compact = !memcmp(bytes, COMPACT_MAGIC, 4);
    size_t hdr = compact ? 12 : 4, psize = 32;
    if (len < hdr) return zk_fail(err, ZK_ERR_TRUNCATED, "params: %zu bytes, no header", len);
    uint32_t k = get_u32(bytes + (compact ? 4 : 0));
    if (compact) {
        uint32_t f = get_u32(bytes + 8);
        if (f & ~COMPACT_UNCOMPRESSED) return zk_fail(err, ZK_ERR_PARSE, "params: unknown flags 0x%x", f);
        if (f & COMPACT_UNCOMPRESSED) psize = 64;
    }
    if (!k_ok(k)) return zk_fail(err, ZK_ERR_RANGE, "params: k = %u out of range %d..%d", k, ZK_IPA_MIN_K, ZK_IPA_MAX_K);
    size_t n = (size_t)1 << k, npts = compact ? n + 2 : 2 * n + 2;
    uint64_t want = (uint64_t)hdr + (uint64_t)psize * npts; /* < 2^32 on wasm32 by ZK_IPA_MAX_K */
    if ((uint64_t)len < want)
        return zk_fail(err, ZK_ERR_TRUNCATED, "params: k = %u needs %llu bytes, got %zu", k,
                       (unsigned long long)want, len);
    if ((uint64_t)len > want)
        return zk_fail(err, ZK_ERR_PARSE, "params: %llu trailing bytes after k = %u params",
                       (unsigned long long)((uint64_t)len - want), k);

    zk_vesta_affine *pts = malloc(npts * sizeof *pts);
    if (!pts) return zk_fail(err, ZK_ERR_NOMEM, "params: out of memory");
    zk_status st;
    size_t bad = decode_points(pts, bytes + hdr, npts, psize, &st);
    if (st != ZK_OK) {
        free(pts);
        char name[48];
        if (st == ZK_ERR_NOMEM) return zk_fail(err, st, "params: out of memory");
        return zk_fail(err, st, "params: %s (byte %zu) is not a valid point or is the identity",
                       point_name(bad, n, !compact, name, sizeof name), hdr + bad * psize);
    }
    zk_ipa_params *p = calloc(1, sizeof *p);
    if (!p) {
        free(pts);
        return zk_fail(err, ZK_ERR_NOMEM, "params: out of memory");
    }
    p->k = k;
    p->n = n;
    p->w = pts[npts - 2];
    p->u = pts[npts - 1];
    p->g = pts; /* the array keeps its tail; shrink below */
    if (!compact && !(flags & ZK_IPA_READ_DROP_LAGRANGE)) {
        p->g_lagrange = malloc(n * sizeof *p->g_lagrange);
        if (!p->g_lagrange) st = ZK_ERR_NOMEM;
        else memcpy(p->g_lagrange, pts + n, n * sizeof *pts);
    }
    zk_vesta_affine *shrunk = st == ZK_OK ? realloc(pts, n * sizeof *pts) : NULL;
    if (shrunk) p->g = shrunk;
    if (st == ZK_OK) st = build_tables(p);
    if (st != ZK_OK) {
        zk_ipa_params_free(p);
        return zk_fail(err, st, "params: out of memory");
    }
    if (flags & ZK_IPA_READ_CHECK) {
        st = check_params(p, err);
        if (st != ZK_OK) {
            zk_ipa_params_free(p);
            return st;
        }
    }
    *out = p;
    return ZK_OK;
}

/* ---- commitments ---- */

zk_status zk_ipa_commit(const zk_ipa_params *p, zk_vesta *out, const zk_fp *coeffs, size_t len,
                        const zk_fp *blind) {
    if (!p || !out || (!coeffs && len) || !blind || len > p->n) return ZK_ERR_INVALID_ARG;
    zk_vesta acc, bw;
    /* Variable time in the (secret) coefficients: see params.h. */
    zk_status st = zk_vesta_msm_var(&acc, coeffs, p->g, len);
    if (st != ZK_OK) return st;
    zk_vesta_fixed_mul(&bw, p->w_table, blind);
    zk_vesta_add(out, &acc, &bw);
    return ZK_OK;
}

zk_status zk_ipa_commit_lagrange(const zk_ipa_params *p, zk_vesta *out, const zk_fp *values,
                                 const zk_fp *blind, const zk_fp_ntt *ntt) {
    if (!p || !out || !values || !blind) return ZK_ERR_INVALID_ARG;
    if (ntt && zk_fp_ntt_log_max(ntt) < p->k) return ZK_ERR_INVALID_ARG;
    if (p->g_lagrange) {
        zk_vesta acc, bw;
        zk_status st = zk_vesta_msm_var(&acc, values, p->g_lagrange, p->n);
        if (st != ZK_OK) return st;
        zk_vesta_fixed_mul(&bw, p->w_table, blind);
        zk_vesta_add(out, &acc, &bw);
        return ZK_OK;
    }
    return commit_via_ifft(p, out, values, blind, ntt);
}

/* commit(iFFT(values), blind), ignoring g_lagrange. */
static zk_status commit_via_ifft(const zk_ipa_params *p, zk_vesta *out, const zk_fp *values,
                                 const zk_fp *blind, const zk_fp_ntt *ntt) {
    zk_fp_ntt *own = NULL;
    zk_fp *coeffs = malloc(p->n * sizeof *coeffs);
    zk_status st = coeffs ? ZK_OK : ZK_ERR_NOMEM;
    if (st == ZK_OK && !ntt) {
        st = zk_fp_ntt_new(&own, p->k);
        ntt = own;
    }
    if (st == ZK_OK) {
        memcpy(coeffs, values, p->n * sizeof *coeffs);
        st = zk_fp_ntt_inverse(ntt, coeffs, p->k);
    }
    zk_fp_ntt_free(own);
    if (st == ZK_OK) st = zk_ipa_commit(p, out, coeffs, p->n, blind);
    free(coeffs);
    return st;
}
