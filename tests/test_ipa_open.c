/* The IPA opening argument: ipa_opening.json byte for byte (prover with the
 * injected draws, transcript log, verifier, G'_0, tampered proofs), then
 * randomized round trips with byte flips, and batch verification. */
#include <stdlib.h>
#include <string.h>

#include "commit/ipa.h"
#include "harness.h"
#include "poly/poly.h"
#include "test_ipa.h"
#include "tv.h"

/* The halo2 test framing: write_point(P); x = squeeze; write_scalar(v);
 * then the argument. */
static zk_status prove_opening(const zk_ipa_params *p, zk_rng *rng, const zk_fp *poly, const zk_fp *blind,
                               zk_transcript *t, zk_fp *x_out) {
    zk_vesta pc;
    zk_vesta_affine pa;
    zk_fp x, v;
    zk_status st = zk_ipa_commit(p, &pc, poly, p->n, blind);
    if (st) return st;
    zk_vesta_to_affine_var(&pa, &pc);
    if ((st = zk_transcript_vesta_write_point(t, &pa))) return st;
    if ((st = zk_transcript_vesta_squeeze(t, &x))) return st;
    zk_fp_poly_eval(&v, poly, p->n, &x);
    if ((st = zk_transcript_vesta_write_scalar(t, &v))) return st;
    if (x_out) *x_out = x;
    return zk_ipa_create_proof(p, rng, t, poly, blind, &x);
}

/* Verifies a framed proof: ZK_OK, ZK_ERR_VERIFY or a decoding error. The
 * reader is left after the argument (for the extra squeeze); *g0 gets G'_0
 * if non-NULL. how: 0 = use_challenges, 1 = compute_g + use_g. */
static zk_status verify_opening(const zk_ipa_params *p, zk_transcript *t, int how, zk_vesta_affine *g0) {
    zk_vesta_affine pa;
    zk_fp x, v, one;
    zk_ipa_msm msm;
    zk_ipa_guard guard;
    zk_ipa_msm_init(&msm, p);
    zk_fp_one(&one);
    zk_status st = zk_transcript_vesta_read_point(t, &pa);
    if (!st) st = zk_transcript_vesta_squeeze(t, &x);
    if (!st) st = zk_transcript_vesta_read_scalar(t, &v);
    if (!st) st = zk_ipa_msm_append_term(&msm, &one, &pa);
    if (!st) st = zk_ipa_verify_proof(p, &msm, t, &x, &v, &guard);
    zk_vesta_affine g;
    if (!st && (how == 1 || g0)) st = zk_ipa_guard_compute_g(&guard, p, &g);
    if (!st && g0) *g0 = g;
    if (!st) st = how == 1 ? zk_ipa_guard_use_g(&guard, &msm, &g) : zk_ipa_guard_use_challenges(&guard, &msm);
    if (!st) st = zk_ipa_msm_check(&msm);
    zk_ipa_msm_free(&msm);
    return st;
}

/* Replays recorded field elements: each 64-byte request gets value || 0^32,
 * which from_uniform_bytes maps back to the value. */
typedef struct {
    const cJSON *draws;
    int next;
    int bad;
} replay_ctx;

static zk_status replay_fill(void *vctx, uint8_t *out, size_t n) {
    replay_ctx *c = vctx;
    for (; n >= 64; n -= 64, out += 64) {
        memset(out, 0, 64);
        const cJSON *d = cJSON_GetArrayItem(c->draws, c->next);
        if (!d || (int)cJSON_GetObjectItem(d, "index")->valueint != c->next || tv_bytes32(out, d, "value")) {
            c->bad = 1;
            return ZK_ERR_INTERNAL;
        }
        c->next++;
    }
    return n ? ZK_ERR_INVALID_ARG : ZK_OK;
}

/* Walks the recorded transcript log over the proof with a reader. */
static int check_log(const cJSON *log, const uint8_t *proof, size_t len) {
    zk_transcript r;
    zk_transcript_init_reader(&r, proof, len);
    int bad = 0, ops = 0;
    const cJSON *op;
    cJSON_ArrayForEach(op, log) {
        const char *kind = tv_str(op, "op");
        if (!strcmp(kind, "rng_draws")) continue;
        const cJSON *off = cJSON_GetObjectItem(op, "proof_offset");
        if (off) bad |= (size_t)off->valuedouble != len - zk_transcript_remaining(&r);
        if (!strcmp(kind, "write_point")) {
            zk_vesta_affine got, want;
            bad |= zk_transcript_vesta_read_point(&r, &got) || ti_point(&want, op, "point") ||
                   !zk_vesta_affine_eq(&got, &want);
        } else if (!strcmp(kind, "write_scalar")) {
            zk_fp got, want;
            bad |= zk_transcript_vesta_read_scalar(&r, &got) || ti_fp(&want, op, "scalar") || !zk_fp_eq(&got, &want);
        } else if (!strcmp(kind, "squeeze_challenge")) {
            zk_fp got, want;
            bad |= zk_transcript_vesta_squeeze(&r, &got) || ti_fp(&want, op, "challenge") || !zk_fp_eq(&got, &want);
        } else {
            bad = 1;
        }
        ops++;
    }
    return bad || ops < 10 || zk_transcript_remaining(&r) != 0;
}

TEST(ipa_open_vectors) {
    cJSON *root = tv_load("ipa_opening.json");
    REQUIRE(root);
    const cJSON *cs;
    int cases = 0;
    cJSON_ArrayForEach(cs, cJSON_GetObjectItem(root, "cases")) {
        unsigned k = (unsigned)cJSON_GetObjectItem(cs, "k")->valueint;
        const zk_ipa_params *p = ti_params(k);
        REQUIRE(p);
        size_t n = p->n;
        zk_fp *poly = malloc(n * sizeof *poly), blind, x, v;
        REQUIRE(poly);
        const cJSON *coeffs = cJSON_GetObjectItem(cs, "polynomial_coefficients");
        REQUIRE(cJSON_GetArraySize(coeffs) == (int)n);
        for (size_t i = 0; i < n; i++) CHECK(!ti_fp(&poly[i], cJSON_GetArrayItem(coeffs, (int)i), "hex"));
        CHECK(!ti_fp(&blind, cs, "blind"));
        /* the polynomial and blind are SplitMix64(101 / 102) draws too */
        {
            zk_rng rng;
            zk_fp d;
            zk_rng_init_splitmix64(&rng, 100 + (uint64_t)cases + 1);
            int same = 1;
            for (size_t i = 0; i < n; i++) same &= zk_rng_fp(&rng, &d) == ZK_OK && zk_fp_eq(&d, &poly[i]);
            same &= zk_rng_fp(&rng, &d) == ZK_OK && zk_fp_eq(&d, &blind);
            CHECK_MSG(same, "k=%u: polynomial_rng draws", k);
        }
        zk_vesta pc;
        CHECK(zk_ipa_commit(p, &pc, poly, n, &blind) == ZK_OK && ti_point_eq(&pc, cs, "commitment_P"));
        size_t want_len = 0;
        uint8_t *want = tv_unhex_alloc(tv_str(cs, "proof"), &want_len);
        REQUIRE(want);
        CHECK(want_len == (size_t)cJSON_GetObjectItem(cs, "proof_len")->valueint);
        CHECK(want_len == 64 + ZK_IPA_PROOF_BYTES(k));

        /* prover, with SplitMix64(201 / 202) and with the recorded draws */
        for (int src = 0; src < 2; src++) {
            zk_rng rng;
            replay_ctx rc = {cJSON_GetObjectItem(cs, "prover_random_draws"), 0, 0};
            if (src == 0)
                zk_rng_init_splitmix64(&rng, 200 + (uint64_t)cases + 1);
            else
                zk_rng_init_callback(&rng, replay_fill, &rc);
            zk_transcript w;
            zk_transcript_init_writer(&w);
            CHECK(prove_opening(p, &rng, poly, &blind, &w, &x) == ZK_OK);
            CHECK(!ti_fp(&v, cs, "x") && zk_fp_eq(&v, &x));
            zk_fp fin, want_fin;
            CHECK(zk_transcript_vesta_squeeze(&w, &fin) == ZK_OK);
            CHECK(!ti_fp(&want_fin, cs, "final_challenge_after_proof") && zk_fp_eq(&fin, &want_fin));
            size_t len;
            const uint8_t *got = zk_transcript_proof(&w, &len);
            CHECK_MSG(len == want_len && !memcmp(got, want, len), "k=%u proof bytes (rng %d)", k, src);
            if (src == 1) CHECK(!rc.bad && rc.next == cJSON_GetArraySize(rc.draws));
            zk_transcript_free(&w);
        }
        zk_fp_poly_eval(&v, poly, n, &x);
        {
            zk_fp want_v;
            CHECK(!ti_fp(&want_v, cs, "v") && zk_fp_eq(&v, &want_v));
        }
        CHECK_MSG(!check_log(cJSON_GetObjectItem(cs, "transcript_log"), want, want_len), "k=%u transcript log", k);

        /* verifier, both ways of finishing; G'_0 */
        for (int how = 0; how < 2; how++) {
            zk_transcript r;
            zk_vesta_affine g0, want_g0;
            zk_fp fin, want_fin;
            zk_transcript_init_reader(&r, want, want_len);
            CHECK_MSG(verify_opening(p, &r, how, &g0) == ZK_OK, "k=%u verify (%d)", k, how);
            CHECK(!ti_point(&want_g0, cJSON_GetObjectItem(cs, "verifier"), "G0_collapsed") &&
                  zk_vesta_affine_eq(&g0, &want_g0));
            CHECK(zk_transcript_vesta_squeeze(&r, &fin) == ZK_OK);
            CHECK(!ti_fp(&want_fin, cJSON_GetObjectItem(cs, "verifier"), "final_challenge_after_proof") &&
                  zk_fp_eq(&fin, &want_fin));
            CHECK(zk_transcript_remaining(&r) == 0);
        }

        /* every tampered proof is rejected */
        const cJSON *tc;
        int ntamp = 0;
        cJSON_ArrayForEach(tc, cJSON_GetObjectItem(cs, "tampered")) {
            size_t tl = 0;
            uint8_t *tb = tv_unhex_alloc(tv_str(tc, "proof"), &tl);
            REQUIRE(tb);
            CHECK(!cJSON_IsTrue(cJSON_GetObjectItem(tc, "verifies")));
            for (int how = 0; how < 2; how++) {
                zk_transcript r;
                zk_transcript_init_reader(&r, tb, tl);
                zk_status st = verify_opening(p, &r, how, NULL);
                CHECK_MSG(st != ZK_OK, "k=%u tampered '%s' accepted", k, tv_str(tc, "what"));
            }
            free(tb);
            ntamp++;
        }
        CHECK_EQ_INT(ntamp, 4);
        free(want);
        free(poly);
        cases++;
    }
    CHECK_EQ_INT(cases, 2);
    cJSON_Delete(root);
}

/* Random polynomial and blind from rng. */
static zk_fp *random_poly(zk_rng *rng, size_t n, zk_fp *blind) {
    zk_fp *poly = malloc(n * sizeof *poly);
    if (!poly) return NULL;
    zk_rng_fp_many(rng, poly, n);
    zk_rng_fp(rng, blind);
    return poly;
}

/* Round trips for every k, with single-byte flips: every byte for k <= 4 (2
 * when ti_quick); for larger k one byte in each 32-byte element (P, v, S,
 * every L_j and R_j, c, f), up to k = 9 (5 when ti_quick), and in P, S, L_0,
 * R_{k-1}, c and f beyond (each check there is an MSM of size 2^k). */
TEST(ipa_open_roundtrip) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 0x1ba);
    for (unsigned k = 1; k <= ti_max_k(); k++) {
        const zk_ipa_params *p = ti_params(k);
        REQUIRE(p);
        zk_fp blind;
        zk_fp *poly = random_poly(&rng, p->n, &blind);
        REQUIRE(poly);
        zk_transcript w;
        zk_transcript_init_writer(&w);
        CHECK(prove_opening(p, &rng, poly, &blind, &w, NULL) == ZK_OK);
        size_t len;
        const uint8_t *proof = zk_transcript_proof(&w, &len);
        CHECK_EQ_INT(len, 64 + ZK_IPA_PROOF_BYTES(k));
        zk_transcript r;
        zk_transcript_init_reader(&r, proof, len);
        CHECK_MSG(verify_opening(p, &r, k & 1, NULL) == ZK_OK && zk_transcript_remaining(&r) == 0,
                  "k=%u round trip", k);
        uint8_t *bad = malloc(len);
        REQUIRE(bad);
        size_t nelem = len / 32;
        for (size_t pos = 0; pos < len; pos++) {
            size_t elem = pos / 32;
            if (k > (ti_quick() ? 2u : 4u)) {
                /* element e: P, v, S, then L_j R_j pairs, then c, f */
                int keep = k <= (ti_quick() ? 5u : 9u) || elem == 0 || elem == 2 || elem == 3 || elem >= nelem - 3;
                if (!keep || pos % 32 != (elem * 7 + k) % 32) continue;
            }
            memcpy(bad, proof, len);
            bad[pos] ^= (uint8_t)(1u << (pos % 8));
            zk_transcript_init_reader(&r, bad, len);
            zk_status st = verify_opening(p, &r, 0, NULL);
            CHECK_MSG(st != ZK_OK, "k=%u: flip at byte %zu accepted", k, pos);
        }
        /* truncated */
        zk_transcript_init_reader(&r, proof, len - 1);
        CHECK(verify_opening(p, &r, 0, NULL) == ZK_ERR_TRUNCATED);
        free(bad);
        zk_transcript_free(&w);
        free(poly);
    }
}

/* A wrong claimed value, a wrong point, a wrong commitment. */
TEST(ipa_open_wrong_statement) {
    const zk_ipa_params *p = ti_params(6);
    REQUIRE(p);
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 77);
    zk_fp blind, x, v, one;
    zk_fp_one(&one);
    zk_fp *poly = random_poly(&rng, p->n, &blind);
    REQUIRE(poly);
    zk_vesta pc;
    zk_vesta_affine pa;
    REQUIRE(zk_ipa_commit(p, &pc, poly, p->n, &blind) == ZK_OK);
    zk_vesta_to_affine_var(&pa, &pc);
    zk_rng_fp(&rng, &x);
    zk_fp_poly_eval(&v, poly, p->n, &x);
    zk_transcript w;
    zk_transcript_init_writer(&w);
    REQUIRE(zk_ipa_create_proof(p, &rng, &w, poly, &blind, &x) == ZK_OK);
    size_t len;
    const uint8_t *proof = zk_transcript_proof(&w, &len);
    CHECK_EQ_INT(len, ZK_IPA_PROOF_BYTES(6));
    for (int which = 0; which < 4; which++) {
        zk_fp xx = x, vv = v;
        zk_vesta_affine P = pa;
        if (which == 1) zk_fp_add(&vv, &vv, &one);
        if (which == 2) zk_fp_add(&xx, &xx, &one);
        if (which == 3) P = p->g[0];
        zk_transcript r;
        zk_transcript_init_reader(&r, proof, len);
        zk_ipa_msm msm;
        zk_ipa_guard guard;
        zk_ipa_msm_init(&msm, p);
        CHECK(zk_ipa_msm_append_term(&msm, &one, &P) == ZK_OK);
        zk_status st = zk_ipa_verify_proof(p, &msm, &r, &xx, &vv, &guard);
        if (!st) st = zk_ipa_guard_use_challenges(&guard, &msm);
        if (!st) st = zk_ipa_msm_check(&msm);
        CHECK_MSG(which == 0 ? st == ZK_OK : st == ZK_ERR_VERIFY, "case %d: %d", which, st);
        zk_ipa_msm_free(&msm);
    }
    zk_transcript_free(&w);
    free(poly);
}

/* Several proofs checked with one final MSM; one
 * bad proof spoils the batch. */
TEST(ipa_open_batch) {
    const zk_ipa_params *p = ti_params(5);
    REQUIRE(p);
    enum { NPROOFS = 4 };
    zk_rng rng, batch_rng;
    zk_rng_init_splitmix64(&rng, 99);
    zk_rng_init_os(&batch_rng);
    uint8_t *proofs[NPROOFS];
    size_t lens[NPROOFS];
    for (int i = 0; i < NPROOFS; i++) {
        zk_fp blind;
        zk_fp *poly = random_poly(&rng, p->n, &blind);
        REQUIRE(poly);
        zk_transcript w;
        zk_transcript_init_writer(&w);
        CHECK(prove_opening(p, &rng, poly, &blind, &w, NULL) == ZK_OK);
        CHECK(zk_transcript_take_proof(&w, &proofs[i], &lens[i]) == ZK_OK);
        free(poly);
    }
    for (int spoil = -1; spoil < NPROOFS; spoil++) {
        zk_ipa_msm acc;
        zk_ipa_msm_init(&acc, p);
        for (int i = 0; i < NPROOFS; i++) {
            zk_transcript r;
            zk_vesta_affine pa;
            zk_fp x, v, one;
            zk_ipa_msm msm;
            zk_ipa_guard guard;
            zk_fp_one(&one);
            zk_ipa_msm_init(&msm, p);
            zk_transcript_init_reader(&r, proofs[i], lens[i]);
            CHECK(zk_transcript_vesta_read_point(&r, &pa) == ZK_OK);
            CHECK(zk_transcript_vesta_squeeze(&r, &x) == ZK_OK);
            CHECK(zk_transcript_vesta_read_scalar(&r, &v) == ZK_OK);
            if (i == spoil) zk_fp_add(&v, &v, &one);
            CHECK(zk_ipa_msm_append_term(&msm, &one, &pa) == ZK_OK);
            CHECK(zk_ipa_verify_proof(p, &msm, &r, &x, &v, &guard) == ZK_OK);
            CHECK(zk_ipa_guard_use_challenges(&guard, &msm) == ZK_OK);
            CHECK(zk_ipa_msm_accumulate(&acc, &msm, &batch_rng) == ZK_OK);
            zk_ipa_msm_free(&msm);
        }
        CHECK_MSG(zk_ipa_msm_check(&acc) == (spoil < 0 ? ZK_OK : ZK_ERR_VERIFY), "spoil %d", spoil);
        zk_ipa_msm_free(&acc);
    }
    for (int i = 0; i < NPROOFS; i++) free(proofs[i]);
}

/* The deferred MSM on its own: merging of equal and opposite points, scaling,
 * add_msm, copy, against direct arithmetic. */
TEST(ipa_msm_arithmetic) {
    const zk_ipa_params *p = ti_params(3);
    REQUIRE(p);
    zk_ipa_msm a, b;
    zk_ipa_msm_init(&a, p);
    zk_fp one, two, four, m1;
    zk_fp_one(&one);
    zk_fp_from_u64(&two, 2);
    zk_fp_from_u64(&four, 4);
    zk_fp_neg(&m1, &one);
    zk_vesta_affine base = p->g[5], base2, nbase, id;
    zk_vesta t;
    zk_vesta_from_affine(&t, &base);
    zk_vesta_dbl(&t, &t);
    zk_vesta_to_affine_var(&base2, &t);
    zk_vesta_affine_neg(&nbase, &base);
    zk_vesta_affine_identity(&id);
    CHECK(zk_ipa_msm_check(&a) == ZK_OK); /* empty */
    CHECK(zk_ipa_msm_append_term(&a, &one, &base) == ZK_OK);
    CHECK(zk_ipa_msm_check(&a) == ZK_ERR_VERIFY);
    CHECK(zk_ipa_msm_append_term(&a, &one, &base) == ZK_OK);
    CHECK(zk_ipa_msm_append_term(&a, &m1, &base2) == ZK_OK);
    CHECK(zk_ipa_msm_append_term(&a, &four, &id) == ZK_OK && a.len == 3); /* identity skipped */
    CHECK(zk_ipa_msm_check(&a) == ZK_OK);                                 /* [2] P - [1] 2P */
    CHECK(zk_ipa_msm_copy(&b, &a) == ZK_OK);
    CHECK(zk_ipa_msm_append_term(&a, &four, &nbase) == ZK_OK);
    CHECK(zk_ipa_msm_check(&a) == ZK_ERR_VERIFY);
    CHECK(zk_ipa_msm_append_term(&a, &four, &base) == ZK_OK); /* -4P + 4P */
    CHECK(zk_ipa_msm_check(&a) == ZK_OK);
    /* g, w, u terms: 4 (g_0 + w - u) - 2 (g_0 + w - u) - 2 (g_0 + w - u) = 0,
     * the last two each half in the g/w/u slots, half as other terms */
    zk_fp gs[8] = {0};
    gs[0] = one;
    CHECK(zk_ipa_msm_add_constant_term(&b, &one) == ZK_OK);
    zk_ipa_msm_add_to_w_scalar(&b, &one);
    zk_ipa_msm_add_to_u_scalar(&b, &m1);
    zk_ipa_msm_scale(&b, &four);
    zk_ipa_msm m1msm;
    zk_ipa_msm_init(&m1msm, p);
    CHECK(zk_ipa_msm_add_to_g_scalars(&m1msm, gs, 8) == ZK_OK);
    zk_ipa_msm_add_to_w_scalar(&m1msm, &one);
    zk_ipa_msm_add_to_u_scalar(&m1msm, &m1);
    zk_vesta_affine g0 = p->g[0], w = p->w, u = p->u;
    CHECK(zk_ipa_msm_append_term(&m1msm, &one, &g0) == ZK_OK);
    CHECK(zk_ipa_msm_append_term(&m1msm, &one, &w) == ZK_OK);
    zk_vesta_affine nu;
    zk_vesta_affine_neg(&nu, &u);
    CHECK(zk_ipa_msm_append_term(&m1msm, &one, &nu) == ZK_OK);
    CHECK(zk_ipa_msm_add_msm(&b, &m1msm, &m1) == ZK_OK);
    CHECK(zk_ipa_msm_check(&b) == ZK_ERR_VERIFY);
    CHECK(zk_ipa_msm_add_msm(&b, &m1msm, &m1) == ZK_OK);
    CHECK(zk_ipa_msm_check(&b) == ZK_OK);
    CHECK(zk_ipa_msm_add_msm(&b, &b, NULL) == ZK_ERR_INVALID_ARG);
    zk_ipa_msm_clear(&b);
    CHECK(zk_ipa_msm_check(&b) == ZK_OK && b.len == 0);
    zk_ipa_msm_free(&m1msm);
    zk_ipa_msm_free(&a);
    zk_ipa_msm_free(&b);
}

/* The lock-step generator folding equals h separate scalar multiplications,
 * for random and for degenerate challenges. */
#include "commit/collapse.h"
TEST(ipa_collapse_matches_plain) {
    const zk_ipa_params *p = ti_params(10);
    REQUIRE(p);
    size_t h = 300; /* more than one block, not a multiple */
    zk_vesta_affine *g = malloc(2 * h * sizeof *g), *a = malloc(h * sizeof *a), *b = malloc(h * sizeof *b);
    zk_vesta *scratch = malloc(h * sizeof *scratch);
    REQUIRE(g && a && b && scratch);
    memcpy(g, p->g, 2 * h * sizeof *g);
    zk_vesta_affine_identity(&g[h + 7]); /* an identity in the second half */
    g[h + 300 - 1] = g[299];             /* g[i + h] = g[i] */
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 4);
    for (int t = 0; t < 8; t++) {
        zk_fp u;
        if (t < 5)
            zk_rng_fp(&rng, &u);
        else
            zk_fp_from_i64(&u, t == 5 ? 0 : t == 6 ? 1 : -1);
        CHECK(zk_ipa_collapse_(a, g, h, &u, scratch) == ZK_OK);
        CHECK(zk_ipa_collapse_plain_(b, g, h, &u, scratch) == ZK_OK);
        CHECK_MSG(!memcmp(a, b, h * sizeof *a), "case %d", t);
    }
    /* in place */
    zk_fp u;
    zk_rng_fp(&rng, &u);
    CHECK(zk_ipa_collapse_plain_(b, g, h, &u, scratch) == ZK_OK);
    CHECK(zk_ipa_collapse_(g, g, h, &u, scratch) == ZK_OK);
    CHECK(!memcmp(g, b, h * sizeof *b));
    free(g);
    free(a);
    free(b);
    free(scratch);
}
