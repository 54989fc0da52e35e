/* NTT and evaluation-domain tests: transforms against naive O(n^2) DFTs,
 * round trips, every blocking path, thread-count independence, and halo2's
 * domain values (tests/vectors). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "poly/ntt_internal.h"
#include "poly/poly.h"
#include "tv.h"
#include "util/rng.h"
#include "util/threads.h"

#define ZF_T zk_fp
#define ZL(fn) zk_fp_##fn
#define ZT(fn) tnp_##fn
#include "test_ntt_cases.inc"
#undef ZF_T
#undef ZL
#undef ZT

#define ZF_T zk_fq
#define ZL(fn) zk_fq_##fn
#define ZT(fn) tnq_##fn
#include "test_ntt_cases.inc"
#undef ZF_T
#undef ZL
#undef ZT

static int fp_get(zk_fp *r, const cJSON *obj, const char *key) {
    uint8_t b[32];
    if (tv_bytes32(b, obj, key)) return -1;
    return zk_fp_from_bytes(r, b) == ZK_OK ? 0 : -1;
}

static int fp_same(const zk_fp *a, const cJSON *obj, const char *key) {
    zk_fp e;
    if (fp_get(&e, obj, key)) return 0;
    return zk_fp_eq(a, &e);
}

/* Restores the thread count the test program was started with. */
static void restore_threads(void) { zk_threads_set(th_threads_arg()); }

TEST(ntt_fp_vs_naive) { tnp_check_naive_(); }
TEST(ntt_fq_vs_naive) { tnq_check_naive_(); }
TEST(ntt_fp_roundtrip_2_to_16) { tnp_check_roundtrip_(16); }
TEST(ntt_fq_roundtrip_2_to_12) { tnq_check_roundtrip_(12); }

/* both the plain and the tiled permutation (large sizes) */
TEST(ntt_bit_reverse) {
    const unsigned max_log = 16;
    zk_fp *a = malloc(((size_t)1 << max_log) * sizeof *a);
    REQUIRE(a);
    for (unsigned L = 0; L <= max_log; L++) {
        size_t n = (size_t)1 << L;
        for (size_t i = 0; i < n; i++) zk_fp_from_u64(&a[i], i);
        zk_fp_bit_reverse(a, L);
        int ok = 1;
        for (size_t i = 0; i < n; i++) {
            size_t r = 0;
            for (unsigned b = 0; b < L; b++) r |= ((i >> b) & 1) << (L - 1 - b);
            uint64_t v[4];
            zk_fp_to_canonical(v, &a[i]);
            ok &= v[0] == r;
        }
        CHECK_MSG(ok, "log n = %u", L);
    }
    free(a);
}

/* Every blocking path (fused radix-4, tile widths, group splits) gives the
 * naive DFT on small sizes and the default result on a larger one. */
TEST(ntt_blocking_paths) {
    zk_ntt_tuning saved, tu;
    zk_ntt_get_tuning(&saved);
    const zk_ntt_tuning cases[] = {
        {1, 1, 0}, {2, 1, 0}, {2, 2, 1}, {3, 3, 2}, {1, 8, 5}, {4, 2, 5}, {5, 3, 3}, {12, 1, 0}, {2, 30, 4},
    };
    const unsigned big = 14;
    zk_fp_ntt *t = NULL;
    REQUIRE(zk_fp_ntt_new(&t, big) == ZK_OK);
    zk_fp *ref = tnp_rand_vec_((size_t)1 << big, 77), *src = malloc(((size_t)1 << big) * sizeof *src);
    zk_fp *b = malloc(((size_t)1 << big) * sizeof *b), *e = malloc(((size_t)1 << 9) * sizeof *e);
    REQUIRE(ref && src && b && e);
    memcpy(src, ref, ((size_t)1 << big) * sizeof *src);
    CHECK(zk_fp_ntt_forward(t, ref, big) == ZK_OK); /* default tuning */
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        zk_ntt_set_tuning(&cases[ci]);
        zk_ntt_get_tuning(&tu);
        for (unsigned L = 0; L <= 9; L++) {
            size_t n = (size_t)1 << L;
            zk_fp w, one;
            tnp_root_(&w, L);
            zk_fp_one(&one);
            memcpy(b, src, n * sizeof *b);
            CHECK(zk_fp_ntt_forward(t, b, L) == ZK_OK);
            tnp_naive_eval_(e, n, src, n, &w, &one);
            CHECK_MSG(tnp_vec_eq_(b, e, n), "tuning %u/%u/%u log n %u", tu.block_log, tu.group_max, tu.tile_log, L);
            CHECK(zk_fp_ntt_inverse(t, b, L) == ZK_OK);
            CHECK_MSG(tnp_vec_eq_(b, src, n), "inverse, tuning %zu log n %u", ci, L);
        }
        memcpy(b, src, ((size_t)1 << big) * sizeof *b);
        CHECK(zk_fp_ntt_forward(t, b, big) == ZK_OK);
        CHECK_MSG(tnp_vec_eq_(b, ref, (size_t)1 << big), "tuning %zu at log n %u", ci, big);
    }
    zk_ntt_set_tuning(&saved);
    free(ref);
    free(src);
    free(b);
    free(e);
    zk_fp_ntt_free(t);
}

TEST(ntt_errors) {
    zk_fp_ntt *t = NULL;
    CHECK(zk_fp_ntt_new(&t, ZK_FIELD_S + 1) == ZK_ERR_INVALID_ARG);
    CHECK(t == NULL);
    CHECK(zk_fp_ntt_new(NULL, 3) == ZK_ERR_INVALID_ARG);
    REQUIRE(zk_fp_ntt_new(&t, 3) == ZK_OK);
    zk_fp a[16], z;
    memset(a, 0, sizeof a);
    zk_fp_zero(&z);
    CHECK(zk_fp_ntt_forward(t, a, 4) == ZK_ERR_INVALID_ARG);
    CHECK(zk_fp_ntt_inverse(t, a, 4) == ZK_ERR_INVALID_ARG);
    CHECK(zk_fp_ntt_forward(NULL, a, 1) == ZK_ERR_INVALID_ARG);
    CHECK(zk_fp_ntt_coset_forward(t, a, 2, &z) == ZK_ERR_INVALID_ARG);
    CHECK(zk_fp_ntt_forward(t, a, 3) == ZK_OK);
    zk_fp_ntt_free(t);
    zk_fp_ntt_free(NULL);

    zk_fp_domain *d = NULL;
    CHECK(zk_fp_domain_new(&d, 0, 4) == ZK_ERR_INVALID_ARG);
    CHECK(zk_fp_domain_new(&d, 5, 31) == ZK_ERR_INVALID_ARG); /* extended_k 33 > S */
    CHECK(zk_fp_domain_new(&d, 2, 33) == ZK_ERR_INVALID_ARG);
    CHECK(d == NULL);
    zk_fp_domain_free(NULL);
    /* a light domain has constants but no transforms */
    REQUIRE(zk_fp_domain_new_light(&d, 5, 4) == ZK_OK);
    CHECK(d->ntt == NULL);
    CHECK(zk_fp_domain_lagrange_to_coeff(d, a) == ZK_ERR_STATE);
    zk_fp big[64];
    CHECK(zk_fp_domain_coeff_to_extended(d, big, a) == ZK_ERR_STATE);
    CHECK(zk_fp_domain_extended_to_coeff(d, big) == ZK_ERR_STATE);
    zk_fp_domain_free(d);
}

/* halo2_proof.json: EvaluationDomain::new(5, 4) */
TEST(ntt_domain_halo2_vectors) {
    cJSON *root = tv_load("halo2_proof.json");
    REQUIRE(root);
    const cJSON *dj = cJSON_GetObjectItem(root, "domain");
    REQUIRE(dj);
    int deg = cJSON_GetObjectItem(dj, "cs_degree")->valueint;
    int k = cJSON_GetObjectItem(root, "k")->valueint;
    zk_fp_domain *d = NULL;
    REQUIRE(zk_fp_domain_new(&d, (unsigned)deg, (unsigned)k) == ZK_OK);
    CHECK(fp_same(&d->omega, dj, "omega"));
    CHECK(fp_same(&d->extended_omega, dj, "extended_omega"));
    CHECK_EQ_INT(d->extended_n, cJSON_GetObjectItem(dj, "extended_len")->valueint);
    CHECK_EQ_INT(d->extended_k, 6);
    CHECK_EQ_INT(d->quotient_poly_degree, cJSON_GetObjectItem(dj, "quotient_poly_degree")->valueint);
    CHECK(zk_fp_eq(&d->g_coset, &zk_fp_ZETA));
    zk_fp_domain_free(d);
    cJSON_Delete(root);
}

/* ipa_params.json: omega for k = 4, 5 and lagrange_to_coeff(values i+1) */
TEST(ntt_domain_ipa_vectors) {
    cJSON *root = tv_load("ipa_params.json");
    REQUIRE(root);
    const cJSON *p;
    int seen = 0;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(root, "params")) {
        int k = cJSON_GetObjectItem(p, "k")->valueint;
        zk_fp_domain *d = NULL;
        REQUIRE(zk_fp_domain_new(&d, 1, (unsigned)k) == ZK_OK);
        CHECK_EQ_INT(d->extended_k, k);
        CHECK(fp_same(&d->omega, p, "omega"));
        size_t n = d->n;
        zk_fp *v = malloc(n * sizeof *v);
        REQUIRE(v);
        const cJSON *vals = cJSON_GetObjectItem(p, "fixed_polynomial_values");
        const cJSON *want = cJSON_GetObjectItem(p, "lagrange_to_coeff_of_values");
        REQUIRE(cJSON_GetArraySize(want) == (int)n && cJSON_GetArraySize(vals) == (int)n);
        for (size_t i = 0; i < n; i++) {
            uint8_t b[32];
            REQUIRE(!tv_unhex(b, 32, tv_str(cJSON_GetArrayItem(vals, (int)i), "hex")));
            REQUIRE(zk_fp_from_bytes(&v[i], b) == ZK_OK);
        }
        CHECK(zk_fp_domain_lagrange_to_coeff(d, v) == ZK_OK);
        for (size_t i = 0; i < n; i++) {
            zk_fp e;
            uint8_t b[32];
            const cJSON *it = cJSON_GetArrayItem(want, (int)i);
            REQUIRE(!tv_unhex(b, 32, tv_str(it, "hex")) && zk_fp_from_bytes(&e, b) == ZK_OK);
            CHECK_MSG(zk_fp_eq(&v[i], &e), "k=%d coefficient %zu", k, i);
        }
        free(v);
        zk_fp_domain_free(d);
        seen++;
    }
    CHECK_EQ_INT(seen, 2);
    cJSON_Delete(root);
}

/* Constants of EvaluationDomain::new(j, k) for a range of j, k. */
TEST(ntt_domain_constants) {
    for (unsigned k = 0; k <= 10; k++) {
        for (unsigned j = 1; j <= 12; j++) {
            zk_fp_domain *d = NULL;
            REQUIRE(zk_fp_domain_new_light(&d, j, k) == ZK_OK);
            uint64_t need = ((uint64_t)1 << k) * (j - 1);
            CHECK(((uint64_t)1 << d->extended_k) >= need);
            CHECK(d->extended_k == k || ((uint64_t)1 << (d->extended_k - 1)) < need);
            zk_fp one, t, x;
            zk_fp_one(&one);
            zk_fp_pow_u64(&t, &d->omega, d->n);
            CHECK(zk_fp_eq(&t, &one));
            if (k) {
                zk_fp_pow_u64(&t, &d->omega, d->n / 2);
                zk_fp_add(&t, &t, &one);
                CHECK(zk_fp_is_zero(&t)); /* primitive */
            }
            zk_fp_mul(&t, &d->omega, &d->omega_inv);
            CHECK(zk_fp_eq(&t, &one));
            zk_fp_mul(&t, &d->extended_omega, &d->extended_omega_inv);
            CHECK(zk_fp_eq(&t, &one));
            zk_fp_mul(&t, &d->g_coset, &d->g_coset_inv);
            CHECK(zk_fp_eq(&t, &one));
            zk_fp_from_u64(&x, d->n);
            zk_fp_mul(&t, &x, &d->ifft_divisor);
            CHECK(zk_fp_eq(&t, &one));
            zk_fp_from_u64(&x, d->extended_n);
            zk_fp_mul(&t, &x, &d->extended_ifft_divisor);
            CHECK(zk_fp_eq(&t, &one));
            /* t_inv[i] * t(ZETA ext_omega^i) = 1, and the period is t_len */
            CHECK_EQ_INT(d->t_len, d->extended_n / d->n);
            zk_fp pt = d->g_coset;
            for (size_t i = 0; i < 2 * d->t_len; i++) {
                zk_fp_pow_u64(&t, &pt, d->n);
                zk_fp_sub(&t, &t, &one);
                zk_fp_mul(&t, &t, &d->t_inv[i % d->t_len]);
                CHECK(zk_fp_eq(&t, &one));
                zk_fp_mul(&pt, &pt, &d->extended_omega);
            }
            zk_fp_domain_free(d);
        }
    }
}

TEST(ntt_domain_coeff_to_extended) {
    static const unsigned js[] = {1, 2, 3, 4, 5, 6, 9, 17};
    for (unsigned k = 0; k <= 5; k++)
        for (size_t i = 0; i < sizeof js / sizeof js[0]; i++) tnp_check_domain_extended_(js[i], k);
    tnq_check_domain_extended_(5, 4);
    tnq_check_domain_extended_(3, 3);
}

/* p = h (X^n - 1) on the extended coset, divided by the vanishing polynomial
 * and brought back, is h. */
TEST(ntt_domain_divide_by_vanishing) {
    static const unsigned js[] = {3, 4, 5, 8};
    for (size_t ji = 0; ji < sizeof js / sizeof js[0]; ji++) {
        for (unsigned k = 1; k <= 8; k += 7) {
            zk_fp_domain *d = NULL;
            REQUIRE(zk_fp_domain_new(&d, js[ji], k) == ZK_OK);
            size_t n = d->n, N = d->extended_n, ql = zk_fp_domain_quotient_len(d), hl = ql - n;
            zk_fp *h = tnp_rand_vec_(hl, 400 + ji), *p = calloc(N, sizeof *p);
            REQUIRE(h && p);
            for (size_t i = 0; i < hl; i++) {
                zk_fp_sub(&p[i], &p[i], &h[i]);
                zk_fp_add(&p[i + n], &p[i + n], &h[i]);
            }
            CHECK(zk_fp_ntt_coset_forward(d->ntt, p, d->extended_k, &d->g_coset) == ZK_OK);
            zk_fp_domain_divide_by_vanishing_poly(d, p);
            CHECK(zk_fp_domain_extended_to_coeff(d, p) == ZK_OK);
            CHECK_MSG(tnp_vec_eq_(p, h, hl), "j=%u k=%u", js[ji], k);
            for (size_t i = hl; i < ql; i++) CHECK(zk_fp_is_zero(&p[i]));
            free(h);
            free(p);
            zk_fp_domain_free(d);
        }
    }
}

/* l_i_range(x, x^n, -7..7) on n = 8 (halo2's test_l_i) and rotate_omega. */
TEST(ntt_domain_l_i) {
    zk_fp_domain *d = NULL;
    REQUIRE(zk_fp_domain_new_light(&d, 1, 3) == ZK_OK);
    zk_splitmix64 rng = {99};
    zk_fp x, xn, out[15], pts[8];
    tnp_rand_(&x, &rng);
    zk_fp_pow_u64(&xn, &x, 8);
    REQUIRE(zk_fp_domain_l_i_range(d, out, &x, &xn, -7, 7) == ZK_OK);
    zk_fp_one(&pts[0]);
    for (int i = 1; i < 8; i++) zk_fp_mul(&pts[i], &pts[i - 1], &d->omega);
    for (int r = -7; r <= 7; r++) {
        int i = ((r % 8) + 8) % 8;
        /* l_i(x) = prod_{j != i} (x - w^j) / (w^i - w^j) */
        zk_fp num, den, t;
        zk_fp_one(&num);
        zk_fp_one(&den);
        for (int j = 0; j < 8; j++) {
            if (j == i) continue;
            zk_fp_sub(&t, &x, &pts[j]);
            zk_fp_mul(&num, &num, &t);
            zk_fp_sub(&t, &pts[i], &pts[j]);
            zk_fp_mul(&den, &den, &t);
        }
        zk_fp_inv_var(&den, &den);
        zk_fp_mul(&num, &num, &den);
        CHECK_MSG(zk_fp_eq(&num, &out[r + 7]), "rotation %d", r);
        /* rotate_omega(1, r) = w^(r mod 8) */
        zk_fp_domain_rotate_omega(d, &t, &zk_fp_ONE, r);
        CHECK(zk_fp_eq(&t, &pts[i]));
    }
    int32_t rots[3] = {5, -1, 0};
    zk_fp o2[3];
    REQUIRE(zk_fp_domain_l_i(d, o2, &x, &xn, rots, 3) == ZK_OK);
    CHECK(zk_fp_eq(&o2[0], &out[12]) && zk_fp_eq(&o2[1], &out[6]) && zk_fp_eq(&o2[2], &out[7]));
    CHECK(zk_fp_domain_l_i_range(d, out, &x, &xn, 1, 0) == ZK_ERR_INVALID_ARG);
    zk_fp_domain_free(d);
}

/* Rotating Lagrange values by r equals rotating the extended evaluations by
 * r * extended_n / n (halo2 rotate / rotate_extended), and evaluating the
 * rotated polynomial at x equals the original at x * omega^r (test_rotate). */
TEST(ntt_domain_rotations) {
    zk_fp_domain *d = NULL;
    REQUIRE(zk_fp_domain_new(&d, 5, 5) == ZK_OK);
    size_t n = d->n, N = d->extended_n;
    zk_fp *v = tnp_rand_vec_(n, 500), *vr = malloc(n * sizeof *vr), *ea = malloc(N * sizeof *ea),
          *eb = malloc(N * sizeof *eb), *er = malloc(N * sizeof *er);
    REQUIRE(v && vr && ea && eb && er);
    zk_splitmix64 rng = {501};
    zk_fp x;
    tnp_rand_(&x, &rng);
    for (int r = -3; r <= 3; r++) {
        zk_fp_poly_rotate(vr, v, n, r);
        for (size_t i = 0; i < n; i++) CHECK(zk_fp_eq(&vr[i], &v[(i + n + (size_t)(r + (int)n)) % n]));
        zk_fp *c = malloc(n * sizeof *c), *cr = malloc(n * sizeof *cr);
        REQUIRE(c && cr);
        memcpy(c, v, n * sizeof *c);
        memcpy(cr, vr, n * sizeof *cr);
        CHECK(zk_fp_domain_lagrange_to_coeff(d, c) == ZK_OK);
        CHECK(zk_fp_domain_lagrange_to_coeff(d, cr) == ZK_OK);
        zk_fp y1, y2, xr;
        zk_fp_domain_rotate_omega(d, &xr, &x, r);
        tnp_horner_(&y1, c, n, &xr);
        tnp_horner_(&y2, cr, n, &x);
        CHECK_MSG(zk_fp_eq(&y1, &y2), "eval rotation %d", r);
        CHECK(zk_fp_domain_coeff_to_extended(d, ea, c) == ZK_OK);
        CHECK(zk_fp_domain_coeff_to_extended(d, eb, cr) == ZK_OK);
        zk_fp_domain_rotate_extended(d, er, ea, r);
        CHECK_MSG(tnp_vec_eq_(er, eb, N), "extended rotation %d", r);
        free(c);
        free(cr);
    }
    free(v);
    free(vr);
    free(ea);
    free(eb);
    free(er);
    zk_fp_domain_free(d);
}

/* The same transforms with one thread and with several give the same bytes. */
TEST(ntt_threads_match) {
    if (!zk_threads_available()) {
        th_skip("no threads in this build");
        return;
    }
    const unsigned k = 15;
    zk_fp_domain *d = NULL;
    REQUIRE(zk_fp_domain_new(&d, 5, k) == ZK_OK);
    size_t n = d->n, N = d->extended_n;
    zk_fp *src = tnp_rand_vec_(n, 600), *a1 = malloc(n * sizeof *a1), *a2 = malloc(n * sizeof *a2);
    zk_fp *e1 = malloc(N * sizeof *e1), *e2 = malloc(N * sizeof *e2);
    REQUIRE(src && a1 && a2 && e1 && e2);
    unsigned counts[] = {1, 2, 3};
    for (int run = 0; run < 3; run++) {
        if (zk_threads_set(counts[run]) != ZK_OK) continue;
        zk_fp *a = run ? a2 : a1, *e = run ? e2 : e1;
        memcpy(a, src, n * sizeof *a);
        CHECK(zk_fp_ntt_forward(d->ntt, a, k) == ZK_OK);
        CHECK(zk_fp_domain_coeff_to_extended(d, e, src) == ZK_OK);
        zk_fp_domain_divide_by_vanishing_poly(d, e);
        CHECK(zk_fp_domain_extended_to_coeff(d, e) == ZK_OK);
        CHECK(zk_fp_domain_lagrange_to_coeff(d, a) == ZK_OK);
        if (run) {
            CHECK_MSG(tnp_vec_eq_(a1, a2, n), "ntt, %u threads", counts[run]);
            CHECK_MSG(tnp_vec_eq_(e1, e2, N), "extended, %u threads", counts[run]);
        }
    }
    restore_threads();
    free(src);
    free(a1);
    free(a2);
    free(e1);
    free(e2);
    zk_fp_domain_free(d);
}
