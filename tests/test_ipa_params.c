/* IPA parameters and commitments against ipa_params.json (halo2 Params::new,
 * Params::write, commit, commit_lagrange), serialization and its validation. */
#include <stdlib.h>
#include <string.h>

#include "commit/params.h"
#include "harness.h"
#include "poly/poly.h"
#include "test_ipa.h"
#include "tv.h"
#include "util/rng.h"

static int points_eq_json(const zk_vesta_affine *pts, const cJSON *arr, size_t n) {
    if (cJSON_GetArraySize(arr) != (int)n) return 0;
    for (size_t i = 0; i < n; i++) {
        zk_vesta_affine want;
        if (ti_point(&want, cJSON_GetArrayItem(arr, (int)i), NULL)) return 0;
        if (!zk_vesta_affine_eq(&pts[i], &want)) return 0;
    }
    return 1;
}

/* All four blinds, coefficient and Lagrange commitments of values[i] = i + 1. */
static void check_commitments(const zk_ipa_params *p, const cJSON *pc, const char *what) {
    zk_fp *vals = malloc(p->n * sizeof *vals);
    REQUIRE(vals);
    for (size_t i = 0; i < p->n; i++) zk_fp_from_u64(&vals[i], i + 1);
    int count = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(pc, "commitments")) {
        zk_fp blind;
        zk_vesta r;
        CHECK(!ti_fp(&blind, c, "blind"));
        CHECK(zk_ipa_commit(p, &r, vals, p->n, &blind) == ZK_OK);
        CHECK_MSG(ti_point_eq(&r, c, "commit_coeff"), "%s k=%u commit blind %s", what, p->k, tv_str(c, "blind_label"));
        CHECK(zk_ipa_commit_lagrange(p, &r, vals, &blind, NULL) == ZK_OK);
        CHECK_MSG(ti_point_eq(&r, c, "commit_lagrange"), "%s k=%u commit_lagrange blind %s", what, p->k,
                  tv_str(c, "blind_label"));
        count++;
    }
    CHECK_EQ_INT(count, 4);
    free(vals);
}

TEST(ipa_params_vectors) {
    cJSON *root = tv_load("ipa_params.json");
    REQUIRE(root);
    const cJSON *pc;
    int cases = 0;
    cJSON_ArrayForEach(pc, cJSON_GetObjectItem(root, "params")) {
        unsigned k = (unsigned)cJSON_GetObjectItem(pc, "k")->valueint;
        zk_ipa_params *p = NULL;
        REQUIRE(zk_ipa_params_new(&p, k, 0) == ZK_OK);
        CHECK(p->n == (size_t)1 << k && !p->g_lagrange);
        CHECK_MSG(points_eq_json(p->g, cJSON_GetObjectItem(pc, "g"), p->n), "k=%u g", k);
        zk_vesta_affine w, u;
        CHECK(!ti_point(&w, pc, "w") && zk_vesta_affine_eq(&w, &p->w));
        CHECK(!ti_point(&u, pc, "u") && zk_vesta_affine_eq(&u, &p->u));
        /* the Lagrange commitments through the iFFT, without g_lagrange */
        check_commitments(p, pc, "no g_lagrange");
        /* lagrange_to_coeff_of_values matches the field iFFT commit_lagrange uses */
        zk_fp *vals = malloc(p->n * sizeof *vals);
        zk_fp_ntt *ntt = NULL;
        REQUIRE(vals && zk_fp_ntt_new(&ntt, k) == ZK_OK);
        for (size_t i = 0; i < p->n; i++) zk_fp_from_u64(&vals[i], i + 1);
        CHECK(zk_fp_ntt_inverse(ntt, vals, k) == ZK_OK);
        const cJSON *l2c = cJSON_GetObjectItem(pc, "lagrange_to_coeff_of_values");
        for (size_t i = 0; i < p->n; i++) {
            zk_fp want;
            uint8_t b[32];
            CHECK(!tv_unhex(b, 32, tv_str(cJSON_GetArrayItem(l2c, (int)i), "hex")));
            CHECK(zk_fp_from_bytes(&want, b) == ZK_OK && zk_fp_eq(&want, &vals[i]));
        }
        /* a caller-supplied NTT gives the same */
        zk_fp blind;
        zk_vesta r1, r2;
        zk_fp_from_u64(&blind, 7);
        for (size_t i = 0; i < p->n; i++) zk_fp_from_u64(&vals[i], 3 * i + 1);
        CHECK(zk_ipa_commit_lagrange(p, &r1, vals, &blind, ntt) == ZK_OK);
        CHECK(zk_ipa_commit_lagrange(p, &r2, vals, &blind, NULL) == ZK_OK);
        CHECK(zk_vesta_eq(&r1, &r2));
        zk_fp_ntt_free(ntt);
        free(vals);

        /* Params::write computes g_lagrange on the fly ... */
        size_t want_len = 0, len = 0;
        uint8_t *want = tv_unhex_alloc(tv_str(pc, "params_write_bytes"), &want_len);
        uint8_t *bytes = NULL;
        REQUIRE(want);
        CHECK(want_len == zk_ipa_params_serialized_size(k, ZK_IPA_FORMAT_HALO2));
        CHECK(zk_ipa_params_write(p, ZK_IPA_FORMAT_HALO2, &bytes, &len) == ZK_OK);
        CHECK_MSG(len == want_len && !memcmp(bytes, want, len), "k=%u Params::write bytes", k);
        free(bytes);
        /* ... or from the stored points */
        CHECK(zk_ipa_params_compute_lagrange(p) == ZK_OK && p->g_lagrange);
        CHECK_MSG(points_eq_json(p->g_lagrange, cJSON_GetObjectItem(pc, "g_lagrange"), p->n), "k=%u g_lagrange", k);
        CHECK(zk_ipa_params_write(p, ZK_IPA_FORMAT_HALO2, &bytes, &len) == ZK_OK);
        CHECK(len == want_len && !memcmp(bytes, want, len));
        free(bytes);
        check_commitments(p, pc, "with g_lagrange");

        /* loading halo2's bytes, with and without the checks */
        zk_ipa_params *q = NULL;
        zk_error err;
        CHECK(zk_ipa_params_read(&q, want, want_len, ZK_IPA_READ_CHECK, &err) == ZK_OK);
        if (q) {
            CHECK(q->k == k && q->g_lagrange);
            CHECK(points_eq_json(q->g_lagrange, cJSON_GetObjectItem(pc, "g_lagrange"), q->n));
            check_commitments(q, pc, "read");
            zk_ipa_params_free(q);
        }
        CHECK(zk_ipa_params_read(&q, want, want_len, ZK_IPA_READ_DROP_LAGRANGE, &err) == ZK_OK);
        if (q) {
            CHECK(!q->g_lagrange && points_eq_json(q->g, cJSON_GetObjectItem(pc, "g"), q->n));
            check_commitments(q, pc, "read without g_lagrange");
            zk_ipa_params_free(q);
        }
        free(want);
        zk_ipa_params_free(p);
        cases++;
    }
    CHECK_EQ_INT(cases, 2);
    cJSON_Delete(root);
}

/* The eager flag, downsizing and the compact format. */
TEST(ipa_params_forms) {
    zk_ipa_params *p5 = NULL, *p4 = NULL, *d4 = NULL, *d5 = NULL, *q = NULL;
    REQUIRE(zk_ipa_params_new(&p5, 5, ZK_IPA_PARAMS_LAGRANGE) == ZK_OK);
    REQUIRE(zk_ipa_params_new(&p4, 4, 0) == ZK_OK);
    CHECK(p5->g_lagrange != NULL);
    REQUIRE(zk_ipa_params_downsize(&d4, p5, 4) == ZK_OK);
    REQUIRE(zk_ipa_params_downsize(&d5, p5, 5) == ZK_OK);
    CHECK(d4->n == 16 && !d4->g_lagrange && !memcmp(d4->g, p4->g, 16 * sizeof *d4->g));
    CHECK(zk_vesta_affine_eq(&d4->w, &p4->w) && zk_vesta_affine_eq(&d4->u, &p4->u));
    CHECK(d5->g_lagrange && !memcmp(d5->g_lagrange, p5->g_lagrange, 32 * sizeof *d5->g));
    zk_ipa_params *bad = (zk_ipa_params *)1;
    CHECK(zk_ipa_params_downsize(&bad, p4, 5) == ZK_ERR_INVALID_ARG && bad == NULL);
    CHECK(zk_ipa_params_new(&bad, 0, 0) == ZK_ERR_INVALID_ARG);
    CHECK(zk_ipa_params_new(&bad, ZK_IPA_MAX_K + 1, 0) == ZK_ERR_INVALID_ARG);

    /* compact: no g_lagrange, uncompressed points */
    uint8_t *b = NULL;
    size_t len = 0;
    REQUIRE(zk_ipa_params_write(p5, ZK_IPA_FORMAT_COMPACT, &b, &len) == ZK_OK);
    CHECK(len == zk_ipa_params_serialized_size(5, ZK_IPA_FORMAT_COMPACT) && len == 12 + 64 * 34);
    zk_error err;
    CHECK(zk_ipa_params_read(&q, b, len, ZK_IPA_READ_CHECK, &err) == ZK_OK);
    if (q) {
        CHECK(q->k == 5 && !q->g_lagrange && !memcmp(q->g, p5->g, 32 * sizeof *q->g));
        CHECK(zk_vesta_affine_eq(&q->w, &p5->w) && zk_vesta_affine_eq(&q->u, &p5->u));
        zk_ipa_params_free(q);
        q = NULL;
    }
    /* a point off the curve; a non-canonical coordinate; the identity */
    b[12 + 64 * 3 + 40] ^= 1;
    CHECK(zk_ipa_params_read(&q, b, len, 0, &err) == ZK_ERR_ENCODING && !q);
    CHECK_MSG(strstr(err.msg, "g[3]") != NULL, "%s", err.msg);
    b[12 + 64 * 3 + 40] ^= 1;
    memset(b + 12 + 64 * 33, 0xff, 32);
    CHECK(zk_ipa_params_read(&q, b, len, 0, &err) == ZK_ERR_ENCODING);
    CHECK_MSG(strstr(err.msg, "u ") != NULL, "%s", err.msg);
    memset(b + 12 + 64 * 32, 0, 64);
    CHECK(zk_ipa_params_read(&q, b, len, 0, &err) == ZK_ERR_ENCODING);
    CHECK_MSG(strstr(err.msg, "w ") != NULL, "%s", err.msg);
    /* unknown flags */
    b[8] = 3;
    CHECK(zk_ipa_params_read(&q, b, len, 0, &err) == ZK_ERR_PARSE);
    free(b);

    /* compressed compact form (flags 0) is accepted */
    {
        size_t n = 32, clen = 12 + 32 * (n + 2);
        uint8_t *c = malloc(clen);
        REQUIRE(c);
        memcpy(c, "zkIP", 4);
        c[4] = 5, c[5] = c[6] = c[7] = 0;
        memset(c + 8, 0, 4);
        for (size_t i = 0; i < n; i++) zk_vesta_affine_to_bytes(c + 12 + 32 * i, &p5->g[i]);
        zk_vesta_affine_to_bytes(c + 12 + 32 * n, &p5->w);
        zk_vesta_affine_to_bytes(c + 12 + 32 * (n + 1), &p5->u);
        CHECK(zk_ipa_params_read(&q, c, clen, ZK_IPA_READ_CHECK, &err) == ZK_OK);
        zk_ipa_params_free(q);
        q = NULL;
        free(c);
    }
    zk_ipa_params_free(p5);
    zk_ipa_params_free(p4);
    zk_ipa_params_free(d4);
    zk_ipa_params_free(d5);
}

/* halo2 bytes: every malformation is rejected with a clear error. */
TEST(ipa_params_read_rejects) {
    zk_ipa_params *p = NULL, *q = NULL;
    REQUIRE(zk_ipa_params_new(&p, 4, ZK_IPA_PARAMS_LAGRANGE) == ZK_OK);
    uint8_t *b = NULL;
    size_t len = 0;
    REQUIRE(zk_ipa_params_write(p, ZK_IPA_FORMAT_HALO2, &b, &len) == ZK_OK);
    REQUIRE(len == 4 + 32 * 34);
    uint8_t *c = malloc(len + 1);
    REQUIRE(c);
    zk_error err;
    /* sizes: empty, header only, one byte short, one trailing byte */
    CHECK(zk_ipa_params_read(&q, b, 0, 0, &err) == ZK_ERR_TRUNCATED);
    CHECK(zk_ipa_params_read(&q, b, 4, 0, &err) == ZK_ERR_TRUNCATED);
    CHECK(zk_ipa_params_read(&q, b, len - 1, 0, &err) == ZK_ERR_TRUNCATED);
    memcpy(c, b, len);
    c[len] = 0;
    CHECK(zk_ipa_params_read(&q, c, len + 1, 0, &err) == ZK_ERR_PARSE);
    CHECK_MSG(strstr(err.msg, "trailing") != NULL, "%s", err.msg);
    /* k out of range */
    memcpy(c, b, len);
    c[0] = 0;
    CHECK(zk_ipa_params_read(&q, c, len, 0, &err) == ZK_ERR_RANGE);
    c[0] = 4, c[3] = 1;
    CHECK(zk_ipa_params_read(&q, c, len, 0, &err) == ZK_ERR_RANGE);
    /* right size for another k: k = 5 with k = 4's bytes is truncated */
    c[0] = 5, c[3] = 0;
    CHECK(zk_ipa_params_read(&q, c, len, 0, &err) == ZK_ERR_TRUNCATED);
    /* each point in turn: an x that is not on the curve, x >= q, the identity */
    for (size_t i = 0; i < 34; i++) {
        size_t off = 4 + 32 * i;
        memcpy(c, b, len);
        memset(c + off, 0, 32);
        CHECK_MSG(zk_ipa_params_read(&q, c, len, 0, &err) == ZK_ERR_ENCODING, "identity at point %zu", i);
        memset(c + off, 0xff, 31);
        c[off + 31] = 0x7f;
        CHECK_MSG(zk_ipa_params_read(&q, c, len, 0, &err) == ZK_ERR_ENCODING, "x >= q at point %zu", i);
    }
    memcpy(c, b, len);
    memset(c + 4 + 32 * 20, 0, 32);
    CHECK(zk_ipa_params_read(&q, c, len, 0, &err) == ZK_ERR_ENCODING);
    CHECK_MSG(strstr(err.msg, "g_lagrange[4]") != NULL, "%s", err.msg);
    /* valid points in the wrong places: caught only by the check */
    memcpy(c, b, len);
    memcpy(c + 4, b + 4 + 32, 32); /* g[0] := g[1] */
    CHECK(zk_ipa_params_read(&q, c, len, 0, &err) == ZK_OK);
    zk_ipa_params_free(q);
    q = NULL;
    CHECK(zk_ipa_params_read(&q, c, len, ZK_IPA_READ_CHECK, &err) == ZK_ERR_VERIFY && !q);
    memcpy(c, b, len);
    memcpy(c + 4 + 32 * 16, b + 4 + 32 * 17, 32); /* g_lagrange[0] := g_lagrange[1] */
    CHECK(zk_ipa_params_read(&q, c, len, ZK_IPA_READ_CHECK, &err) == ZK_ERR_VERIFY && !q);
    CHECK_MSG(strstr(err.msg, "g_lagrange") != NULL, "%s", err.msg);
    memcpy(c, b, len);
    memcpy(c + 4 + 32 * 32, b + 4 + 32 * 33, 32); /* w := u */
    CHECK(zk_ipa_params_read(&q, c, len, ZK_IPA_READ_CHECK, &err) == ZK_ERR_VERIFY && !q);
    free(c);
    free(b);
    zk_ipa_params_free(p);
}

/* A shorter polynomial commits as its zero-padded self; zero commits to the
 * identity; commit_lagrange agrees with commit of the iFFT at a larger k;
 * argument checks. */
TEST(ipa_commit_edges) {
    const zk_ipa_params *p = ti_params(6);
    REQUIRE(p);
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 12);
    zk_fp *a = calloc(p->n, sizeof *a), blind, zero = zk_fp_ZERO;
    REQUIRE(a);
    zk_rng_fp_many(&rng, a, 20);
    zk_rng_fp(&rng, &blind);
    zk_vesta c1, c2;
    CHECK(zk_ipa_commit(p, &c1, a, 20, &blind) == ZK_OK);
    CHECK(zk_ipa_commit(p, &c2, a, p->n, &blind) == ZK_OK);
    CHECK(zk_vesta_eq(&c1, &c2));
    CHECK(zk_ipa_commit(p, &c1, NULL, 0, &zero) == ZK_OK && zk_vesta_is_identity(&c1));
    CHECK(zk_ipa_commit(p, &c1, a, p->n + 1, &blind) == ZK_ERR_INVALID_ARG);
    /* Lagrange: values -> coefficients by the iFFT, then commit */
    zk_fp_ntt *ntt = NULL;
    REQUIRE(zk_fp_ntt_new(&ntt, 8) == ZK_OK);
    zk_rng_fp_many(&rng, a, p->n);
    CHECK(zk_ipa_commit_lagrange(p, &c1, a, &blind, ntt) == ZK_OK);
    CHECK(zk_fp_ntt_inverse(ntt, a, p->k) == ZK_OK);
    CHECK(zk_ipa_commit(p, &c2, a, p->n, &blind) == ZK_OK);
    CHECK(zk_vesta_eq(&c1, &c2));
    zk_fp_ntt_free(ntt);
    REQUIRE(zk_fp_ntt_new(&ntt, 5) == ZK_OK); /* too small for k = 6 */
    CHECK(zk_ipa_commit_lagrange(p, &c1, a, &blind, ntt) == ZK_ERR_INVALID_ARG);
    zk_fp_ntt_free(ntt);
    free(a);
}

/* Progress counts generators in order up to 2^k; cancelling frees and
 * reports ZK_ERR_CANCELLED; the result equals zk_ipa_params_new's. */
typedef struct {
    uint64_t calls, last, total, cancel_after;
    int ordered;
} pprog;

static int on_params(void *ctx, uint64_t done, uint64_t total) {
    pprog *p = ctx;
    if (done <= p->last || done > total) p->ordered = 0;
    p->calls++;
    p->last = done;
    p->total = total;
    return p->cancel_after && p->calls >= p->cancel_after;
}

TEST(ipa_params_progress_and_cancel) {
    const unsigned k = 14; /* two slices of 2^13 */
    zk_ipa_params *a = NULL, *b = NULL;
    pprog p = {0, 0, 0, 0, 1};
    REQUIRE(zk_ipa_params_new_ex(&a, k, 0, on_params, &p) == ZK_OK);
    CHECK(p.ordered);
    CHECK_EQ_INT(p.calls, 2);
    CHECK_EQ_INT(p.last, (uint64_t)1 << k);
    CHECK_EQ_INT(p.total, (uint64_t)1 << k);
    const zk_ipa_params *ref = ti_params(k);
    REQUIRE(ref);
    for (size_t i = 0; i < a->n; i++) CHECK(zk_vesta_affine_eq(&a->g[i], &ref->g[i]));
    CHECK(zk_vesta_affine_eq(&a->w, &ref->w) && zk_vesta_affine_eq(&a->u, &ref->u));
    pprog c = {0, 0, 0, 1, 1};
    CHECK(zk_ipa_params_new_ex(&b, k, 0, on_params, &c) == ZK_ERR_CANCELLED);
    CHECK(b == NULL);
    CHECK_EQ_INT(c.calls, 1);
    /* small k: one slice, one call */
    pprog d = {0, 0, 0, 0, 1};
    REQUIRE(zk_ipa_params_new_ex(&b, 4, 0, on_params, &d) == ZK_OK);
    CHECK_EQ_INT(d.calls, 1);
    CHECK_EQ_INT(d.last, 16);
    zk_ipa_params_free(b);
    zk_ipa_params_free(a);
}
