/* Polynomial and vector helpers: each against a plain serial loop, with the
 * large sizes that take the parallel paths, and halo2's IPA opening value. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "poly/poly.h"
#include "tv.h"
#include "util/rng.h"
#include "util/threads.h"

static void rnd(zk_fp *r, zk_splitmix64 *rng) {
    uint8_t b[64];
    zk_splitmix64_fill(rng, b, 64);
    zk_fp_from_uniform_bytes(r, b);
}

/* n pseudo-random elements: uniform draws for the first 4096, then
 * v[i] = c v[i-1] + d (cheap, for the large sizes) */
static zk_fp *rvec(size_t n, uint64_t seed) {
    zk_splitmix64 rng = {seed};
    zk_fp *v = malloc((n ? n : 1) * sizeof *v), c, d;
    if (!v) return NULL;
    rnd(&c, &rng);
    rnd(&d, &rng);
    for (size_t i = 0; i < n; i++) {
        if (i < 4096) {
            rnd(&v[i], &rng);
        } else {
            zk_fp_mul(&v[i], &v[i - 1], &c);
            zk_fp_add(&v[i], &v[i], &d);
        }
    }
    return v;
}

static int veq(const zk_fp *a, const zk_fp *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!zk_fp_eq(&a[i], &b[i])) return 0;
    return 1;
}

static void horner(zk_fp *r, const zk_fp *p, size_t n, const zk_fp *x) {
    zk_fp acc;
    zk_fp_zero(&acc);
    for (size_t i = n; i-- > 0;) {
        zk_fp_mul(&acc, &acc, x);
        zk_fp_add(&acc, &acc, &p[i]);
    }
    *r = acc;
}

/* 64 * 8192 + 5 takes the path with more than 64 chunks */
static const size_t sizes[] = {0, 1, 2, 7, 8191, 8192, 8193, 100003, 64 * 8192 + 5};
#define NSIZES (sizeof sizes / sizeof sizes[0])

TEST(poly_eval) {
    zk_splitmix64 rng = {1};
    zk_fp x, r, e;
    rnd(&x, &rng);
    for (size_t s = 0; s < NSIZES; s++) {
        size_t n = sizes[s];
        zk_fp *p = rvec(n, 10 + s);
        REQUIRE(p);
        zk_fp_poly_eval(&r, p, n, &x);
        horner(&e, p, n, &x);
        CHECK_MSG(zk_fp_eq(&r, &e), "n = %zu", n);
        free(p);
    }
}

/* ipa_opening.json: v = p(x) for the opened polynomial */
TEST(poly_eval_ipa_vectors) {
    cJSON *root = tv_load("ipa_opening.json");
    REQUIRE(root);
    const cJSON *c;
    int seen = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "cases")) {
        const cJSON *coeffs = cJSON_GetObjectItem(c, "polynomial_coefficients");
        int n = cJSON_GetArraySize(coeffs);
        zk_fp *p = malloc((size_t)n * sizeof *p), x, v, r;
        uint8_t b[32];
        REQUIRE(p && n > 0);
        for (int i = 0; i < n; i++) {
            REQUIRE(!tv_bytes32(b, cJSON_GetArrayItem(coeffs, i), "hex") && zk_fp_from_bytes(&p[i], b) == ZK_OK);
        }
        REQUIRE(!tv_bytes32(b, c, "x") && zk_fp_from_bytes(&x, b) == ZK_OK);
        REQUIRE(!tv_bytes32(b, c, "v") && zk_fp_from_bytes(&v, b) == ZK_OK);
        zk_fp_poly_eval(&r, p, (size_t)n, &x);
        CHECK(zk_fp_eq(&r, &v));
        /* and the IPA's first step: p(X) - v is divisible by X - x */
        zk_fp *q = malloc((size_t)n * sizeof *q), rem;
        REQUIRE(q);
        zk_fp_poly_divide_by_linear(q, &rem, p, (size_t)n, &x);
        CHECK(zk_fp_eq(&rem, &v));
        free(q);
        free(p);
        seen++;
    }
    CHECK_EQ_INT(seen, 2);
    cJSON_Delete(root);
}

TEST(poly_eval_many) {
    const size_t lens[] = {0, 1, 5, 8192, 8193, 40000, 3, (size_t)1 << 17};
    const size_t count = sizeof lens / sizeof lens[0];
    zk_fp *polys[sizeof lens / sizeof lens[0]], out[sizeof lens / sizeof lens[0]], x, e;
    zk_splitmix64 rng = {2};
    rnd(&x, &rng);
    for (size_t k = 0; k < count; k++) REQUIRE((polys[k] = rvec(lens[k], 20 + k)));
    REQUIRE(zk_fp_poly_eval_many(out, (const zk_fp *const *)polys, lens, 0, count, &x) == ZK_OK);
    for (size_t k = 0; k < count; k++) {
        horner(&e, polys[k], lens[k], &x);
        CHECK_MSG(zk_fp_eq(&out[k], &e), "polynomial %zu", k);
    }
    /* all of one length */
    REQUIRE(zk_fp_poly_eval_many(out, (const zk_fp *const *)polys + 3, NULL, 8192, 2, &x) == ZK_OK);
    for (size_t k = 3; k < 5; k++) {
        horner(&e, polys[k], 8192, &x);
        CHECK(zk_fp_eq(&out[k - 3], &e));
    }
    CHECK(zk_fp_poly_eval_many(out, NULL, NULL, 0, 0, &x) == ZK_OK);
    for (size_t k = 0; k < count; k++) free(polys[k]);
}

/* q (X - b) + a(b) == a, coefficient by coefficient, in and out of place */
TEST(poly_divide_by_linear) {
    zk_splitmix64 rng = {3};
    for (size_t s = 1; s < NSIZES; s++) {
        size_t n = sizes[s];
        if (n > 200000) continue;
        zk_fp *a = rvec(n, 30 + s), *q = malloc(n * sizeof *q), *q2 = malloc(n * sizeof *q2), b, rem, rem2, e;
        REQUIRE(a && q && q2);
        rnd(&b, &rng);
        zk_fp_poly_divide_by_linear(q, &rem, a, n, &b);
        horner(&e, a, n, &b);
        CHECK(zk_fp_eq(&rem, &e));
        /* (q (X - b))[i] = q[i-1] - b q[i], with q[-1] = 0 and q[n-1] = 0 */
        int ok = 1;
        for (size_t i = 0; i < n; i++) {
            zk_fp t, u;
            zk_fp_zero(&t);
            if (i + 1 < n) zk_fp_mul(&t, &q[i], &b);
            zk_fp_zero(&u);
            if (i > 0) u = q[i - 1];
            zk_fp_sub(&u, &u, &t);
            if (i == 0) zk_fp_add(&u, &u, &rem);
            ok &= zk_fp_eq(&u, &a[i]);
        }
        CHECK_MSG(ok, "n = %zu", n);
        memcpy(q2, a, n * sizeof *q2);
        zk_fp_poly_divide_by_linear(q2, &rem2, q2, n, &b);
        CHECK(veq(q, q2, n - 1) && zk_fp_eq(&rem, &rem2));
        CHECK(zk_fp_eq(&q2[n - 1], &a[n - 1]));
        free(a);
        free(q);
        free(q2);
    }
    zk_fp z, r;
    zk_fp_one(&z);
    zk_fp_poly_divide_by_linear(NULL, &r, NULL, 0, &z);
    CHECK(zk_fp_is_zero(&r));
}

TEST(poly_inner_product) {
    for (size_t s = 0; s < NSIZES; s++) {
        size_t n = sizes[s];
        zk_fp *a = rvec(n, 40 + s), *b = rvec(n, 50 + s), r, e, t;
        REQUIRE(a && b);
        zk_fp_zero(&e);
        for (size_t i = 0; i < n; i++) {
            zk_fp_mul(&t, &a[i], &b[i]);
            zk_fp_add(&e, &e, &t);
        }
        zk_fp_poly_inner_product(&r, a, b, n);
        CHECK_MSG(zk_fp_eq(&r, &e), "n = %zu", n);
        free(a);
        free(b);
    }
}

TEST(poly_elementwise) {
    const size_t n = 70001;
    zk_fp *a = rvec(n, 60), *b = rvec(n, 61), *r = malloc(n * sizeof *r), *s = malloc(n * sizeof *s), c;
    zk_splitmix64 rng = {62};
    REQUIRE(a && b && r && s);
    rnd(&c, &rng);
    int ok;
#define ELEMWISE(call, expr)                          \
    call;                                             \
    ok = 1;                                           \
    for (size_t i = 0; i < n; i++) {                  \
        zk_fp e, t;                                   \
        (void)t;                                      \
        expr;                                         \
        ok &= zk_fp_eq(&r[i], &e);                    \
    }                                                 \
    CHECK_MSG(ok, "%s", #call)
    ELEMWISE(zk_fp_poly_add(r, a, b, n), zk_fp_add(&e, &a[i], &b[i]));
    ELEMWISE(zk_fp_poly_sub(r, a, b, n), zk_fp_sub(&e, &a[i], &b[i]));
    ELEMWISE(zk_fp_poly_mul(r, a, b, n), zk_fp_mul(&e, &a[i], &b[i]));
    ELEMWISE(zk_fp_poly_scale(r, a, &c, n), zk_fp_mul(&e, &a[i], &c));
    memcpy(s, a, n * sizeof *s);
    ELEMWISE((memcpy(r, a, n * sizeof *r), zk_fp_poly_axpy(r, &c, b, n)),
             (zk_fp_mul(&t, &b[i], &c), zk_fp_add(&e, &s[i], &t)));
    ELEMWISE((memcpy(r, a, n * sizeof *r), zk_fp_poly_scale_add(r, &c, b, n)),
             (zk_fp_mul(&t, &s[i], &c), zk_fp_add(&e, &t, &b[i])));
    /* aliasing r == a */
    memcpy(r, a, n * sizeof *r);
    zk_fp_poly_mul(r, r, b, n);
    zk_fp_poly_mul(s, a, b, n);
    CHECK(veq(r, s, n));
    zk_fp_poly_add(r, r, r, n);
    zk_fp_poly_add(s, s, s, n);
    CHECK(veq(r, s, n));
#undef ELEMWISE
    free(a);
    free(b);
    free(r);
    free(s);
}

TEST(poly_powers) {
    const size_t n = 50000;
    zk_fp *o = malloc(n * sizeof *o), x, st, cur;
    zk_splitmix64 rng = {70};
    REQUIRE(o);
    rnd(&x, &rng);
    rnd(&st, &rng);
    zk_fp_poly_powers(o, n, &st, &x);
    cur = st;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        ok &= zk_fp_eq(&o[i], &cur);
        zk_fp_mul(&cur, &cur, &x);
    }
    CHECK(ok);
    free(o);
}

TEST(poly_rotate) {
    const size_t n = 13;
    zk_fp *a = rvec(n, 80), o[13];
    REQUIRE(a);
    for (int64_t sh = -40; sh <= 40; sh++) {
        zk_fp_poly_rotate(o, a, n, sh);
        int ok = 1;
        for (size_t i = 0; i < n; i++) {
            int64_t j = (((int64_t)i + sh) % (int64_t)n + (int64_t)n) % (int64_t)n;
            ok &= zk_fp_eq(&o[i], &a[j]);
        }
        CHECK_MSG(ok, "shift %lld", (long long)sh);
    }
    /* chunks of the rotation, including ones that wrap and run past n */
    zk_fp full[13], ch[30];
    for (int64_t sh = -15; sh <= 15; sh += 5) {
        zk_fp_poly_rotate(full, a, n, sh);
        for (size_t start = 0; start < n; start++)
            for (size_t len = 0; len <= n - start; len++) {
                zk_fp_poly_rotated_chunk(ch, a, n, sh, start, len);
                CHECK_MSG(veq(ch, full + start, len), "shift %lld start %zu len %zu", (long long)sh, start, len);
            }
        zk_fp_poly_rotated_chunk(ch, a, n, sh, 5, 30); /* longer than n: keeps wrapping */
        for (size_t i = 0; i < 30; i++) CHECK(zk_fp_eq(&ch[i], &full[(5 + i) % n]));
    }
    zk_fp_poly_rotate(o, a, n, INT64_MIN);
    CHECK(zk_fp_eq(&o[0], &a[(size_t)(n - ((uint64_t)1 << 63) % n) % n]));
    free(a);
}

TEST(poly_batch_inv) {
    const size_t n = 100000;
    zk_fp *a = rvec(n, 90), *o = malloc(n * sizeof *o), *o2 = malloc(n * sizeof *o2), one;
    REQUIRE(a && o && o2);
    zk_fp_one(&one);
    for (size_t i = 0; i < n; i += 997) zk_fp_zero(&a[i]);
    REQUIRE(zk_fp_poly_batch_inv(o, a, n) == ZK_OK);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        zk_fp t;
        zk_fp_mul(&t, &o[i], &a[i]);
        ok &= zk_fp_is_zero(&a[i]) ? zk_fp_is_zero(&o[i]) : zk_fp_eq(&t, &one);
    }
    CHECK(ok);
    memcpy(o2, a, n * sizeof *o2);
    REQUIRE(zk_fp_poly_batch_inv(o2, o2, n) == ZK_OK);
    CHECK(veq(o, o2, n));
    CHECK(zk_fp_poly_batch_inv(o, a, 0) == ZK_OK);
    free(a);
    free(o);
    free(o2);
}

TEST(poly_lagrange_interpolate) {
    for (size_t m = 1; m <= 9; m++) {
        zk_fp *pts = rvec(m, 100 + m), *ev = rvec(m, 200 + m), out[9], y;
        REQUIRE(pts && ev);
        REQUIRE(zk_fp_poly_lagrange_interpolate(out, pts, ev, m) == ZK_OK);
        for (size_t i = 0; i < m; i++) {
            horner(&y, out, m, &pts[i]);
            CHECK_MSG(zk_fp_eq(&y, &ev[i]), "m = %zu point %zu", m, i);
        }
        if (m >= 2) {
            pts[1] = pts[0];
            CHECK(zk_fp_poly_lagrange_interpolate(out, pts, ev, m) == ZK_ERR_INVALID_ARG);
        }
        free(pts);
        free(ev);
    }
    CHECK(zk_fp_poly_lagrange_interpolate(NULL, NULL, NULL, 0) == ZK_OK);
}

/* Reductions give the same value with 1, 2 and 3 threads. */
TEST(poly_threads_match) {
    if (!zk_threads_available()) {
        th_skip("no threads in this build");
        return;
    }
    const size_t n = (size_t)1 << 18;
    zk_fp *a = rvec(n, 300), *b = rvec(n, 301), *inv1 = malloc(n * sizeof *inv1), *inv2 = malloc(n * sizeof *inv2);
    REQUIRE(a && b && inv1 && inv2);
    zk_fp x, r[3], ip[3];
    zk_splitmix64 rng = {302};
    rnd(&x, &rng);
    for (unsigned t = 1; t <= 3; t++) {
        REQUIRE(zk_threads_set(t) == ZK_OK);
        zk_fp_poly_eval(&r[t - 1], a, n, &x);
        zk_fp_poly_inner_product(&ip[t - 1], a, b, n);
        REQUIRE(zk_fp_poly_batch_inv(t == 1 ? inv1 : inv2, a, n) == ZK_OK);
        if (t > 1) CHECK(veq(inv1, inv2, n));
    }
    zk_threads_set(th_threads_arg());
    CHECK(zk_fp_eq(&r[0], &r[1]) && zk_fp_eq(&r[0], &r[2]));
    CHECK(zk_fp_eq(&ip[0], &ip[1]) && zk_fp_eq(&ip[0], &ip[2]));
    free(a);
    free(b);
    free(inv1);
    free(inv2);
}

/* The Fq instantiation links and agrees with a serial loop. */
TEST(poly_fq_basic) {
    const size_t n = 20000;
    zk_fq *p = malloc(n * sizeof *p), x, r, e;
    REQUIRE(p);
    zk_splitmix64 rng = {400};
    for (size_t i = 0; i < n; i++) {
        uint8_t b[64];
        zk_splitmix64_fill(&rng, b, 64);
        zk_fq_from_uniform_bytes(&p[i], b);
    }
    x = p[7];
    zk_fq_poly_eval(&r, p, n, &x);
    zk_fq_zero(&e);
    for (size_t i = n; i-- > 0;) {
        zk_fq_mul(&e, &e, &x);
        zk_fq_add(&e, &e, &p[i]);
    }
    CHECK(zk_fq_eq(&r, &e));
    free(p);
}
