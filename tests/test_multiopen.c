/* Multi-point opening: round trips over several query shapes (point and MSM
 * commitment references), tampering, and the prover's grouping order checked
 * against a naive transcription of halo2's construct_intermediate_sets. */
#include <stdlib.h>
#include <string.h>

#include "commit/multiopen.h"
#include "harness.h"
#include "poly/poly.h"
#include "test_ipa.h"

enum { MAXPOLY = 6, MAXQ = 24 };

typedef struct {
    const zk_ipa_params *p;
    size_t npoly;
    zk_fp *poly[MAXPOLY];
    zk_fp blind[MAXPOLY];
    zk_vesta_affine comm[MAXPOLY];
    size_t nq;
    size_t qpoly[MAXQ]; /* which polynomial */
    zk_fp qpoint[MAXQ];
} fixture;

static void fixture_free(fixture *f) {
    for (size_t i = 0; i < f->npoly; i++) free(f->poly[i]);
}

/* npoly random polynomials and their commitments. */
static int fixture_init(fixture *f, const zk_ipa_params *p, size_t npoly, zk_rng *rng) {
    memset(f, 0, sizeof *f);
    f->p = p;
    f->npoly = npoly;
    for (size_t i = 0; i < npoly; i++) {
        f->poly[i] = malloc(p->n * sizeof *f->poly[i]);
        if (!f->poly[i]) return -1;
        zk_rng_fp_many(rng, f->poly[i], p->n);
        zk_rng_fp(rng, &f->blind[i]);
        zk_vesta c;
        if (zk_ipa_commit(p, &c, f->poly[i], p->n, &f->blind[i])) return -1;
        zk_vesta_to_affine_var(&f->comm[i], &c);
    }
    return 0;
}

static void add_query(fixture *f, size_t poly, const zk_fp *point) {
    f->qpoly[f->nq] = poly;
    f->qpoint[f->nq] = *point;
    f->nq++;
}

static zk_status prove(const fixture *f, uint64_t seed, uint8_t **proof, size_t *len) {
    zk_multiopen_prover_query q[MAXQ];
    for (size_t i = 0; i < f->nq; i++) {
        q[i].poly = f->poly[f->qpoly[i]];
        q[i].blind = f->blind[f->qpoly[i]];
        q[i].point = f->qpoint[i];
    }
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, seed);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    zk_fp dummy;
    zk_fp_from_u64(&dummy, 42);
    zk_transcript_vesta_common_scalar(&t, &dummy); /* something before, as in PLONK */
    zk_status st = zk_multiopen_create_proof(f->p, &rng, &t, q, f->nq);
    if (st == ZK_OK) st = zk_transcript_take_proof(&t, proof, len);
    zk_transcript_free(&t);
    return st;
}

/* Verifies with the true evaluations, except as the tweak says:
 *   evals[i] overrides, via_msm[i] refers to the polynomial through an MSM
 *   ref (1 * C), comm_of[i] names another polynomial's commitment. */
typedef struct {
    int bump_eval;     /* query whose evaluation gets + 1, or -1 */
    int move_point;    /* query whose point gets + 1 (the evaluation kept), or -1 */
    int swap_a, swap_b; /* queries whose commitments swap, or -1 */
    unsigned msm_mask; /* polynomials referred to through an MSM */
} tweak;

static zk_status verify(const fixture *f, const uint8_t *proof, size_t len, const tweak *tw) {
    const zk_ipa_params *p = f->p;
    zk_multiopen_verifier_query q[MAXQ];
    zk_ipa_msm as_msm[MAXPOLY];
    zk_fp one;
    zk_fp_one(&one);
    for (size_t i = 0; i < f->npoly; i++) {
        zk_ipa_msm_init(&as_msm[i], p);
        if (tw && (tw->msm_mask >> i & 1)) {
            /* C = 2 * (C/2): a linear combination that is the commitment */
            zk_fp two, half;
            zk_fp_from_u64(&two, 2);
            zk_fp_inv(&half, &two);
            zk_vesta c2;
            zk_vesta_affine ca;
            zk_vesta_from_affine(&c2, &f->comm[i]);
            zk_vesta_mul_var(&c2, &c2, &half);
            zk_vesta_to_affine_var(&ca, &c2);
            zk_ipa_msm_append_term(&as_msm[i], &two, &ca);
        }
    }
    for (size_t i = 0; i < f->nq; i++) {
        size_t pi = f->qpoly[i];
        if (tw && (int)i == tw->swap_a) pi = f->qpoly[tw->swap_b];
        if (tw && (int)i == tw->swap_b) pi = f->qpoly[tw->swap_a];
        q[i].commitment = tw && (tw->msm_mask >> pi & 1) ? zk_commitment_ref_msm(&as_msm[pi])
                                                         : zk_commitment_ref_point(&f->comm[pi]);
        q[i].point = f->qpoint[i];
        zk_fp_poly_eval(&q[i].eval, f->poly[f->qpoly[i]], p->n, &f->qpoint[i]);
        if (tw && (int)i == tw->bump_eval) zk_fp_add(&q[i].eval, &q[i].eval, &one);
        if (tw && (int)i == tw->move_point) zk_fp_add(&q[i].point, &q[i].point, &one);
    }
    zk_transcript t;
    zk_transcript_init_reader(&t, proof, len);
    zk_fp dummy;
    zk_fp_from_u64(&dummy, 42);
    zk_transcript_vesta_common_scalar(&t, &dummy);
    zk_ipa_msm msm;
    zk_ipa_guard guard;
    zk_ipa_msm_init(&msm, p);
    zk_status st = zk_multiopen_verify_proof(p, &t, q, f->nq, &msm, &guard);
    if (st == ZK_OK) st = zk_ipa_guard_use_challenges(&guard, &msm);
    if (st == ZK_OK) st = zk_ipa_msm_check(&msm);
    if (st == ZK_OK && zk_transcript_remaining(&t)) st = ZK_ERR_PARSE;
    zk_ipa_msm_free(&msm);
    for (size_t i = 0; i < f->npoly; i++) zk_ipa_msm_free(&as_msm[i]);
    return st;
}

/* ---- a naive transcription of halo2's multiopen prover ----
 * Linear scans where halo2 uses maps; shares only the IPA and commit. */
static zk_status naive_prove(const fixture *f, uint64_t seed, uint8_t **proof, size_t *len) {
    const zk_ipa_params *p = f->p;
    size_t n = p->n;
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, seed);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    zk_fp dummy, x1, x2, x3, x4;
    zk_fp_from_u64(&dummy, 42);
    zk_transcript_vesta_common_scalar(&t, &dummy);
    zk_transcript_vesta_squeeze(&t, &x1);
    zk_transcript_vesta_squeeze(&t, &x2);
    /* point_index_map: first appearance */
    zk_fp pts[MAXQ];
    size_t npts = 0, pidx[MAXQ];
    for (size_t i = 0; i < f->nq; i++) {
        size_t j = 0;
        while (j < npts && !zk_fp_eq(&pts[j], &f->qpoint[i])) j++;
        if (j == npts) pts[npts++] = f->qpoint[i];
        pidx[i] = j;
    }
    /* commitment_map: first appearance of each polynomial, with its point indices */
    size_t comm[MAXQ], ncomm = 0, cp[MAXQ][MAXQ], ncp[MAXQ] = {0};
    for (size_t i = 0; i < f->nq; i++) {
        size_t c = 0;
        while (c < ncomm && comm[c] != f->qpoly[i]) c++;
        if (c == ncomm) comm[ncomm++] = f->qpoly[i];
        cp[c][ncp[c]++] = pidx[i];
    }
    /* sorted point-index sets, numbered by first appearance */
    size_t sets[MAXQ][MAXQ], nset_pts[MAXQ], nsets = 0, cset[MAXQ];
    for (size_t c = 0; c < ncomm; c++) {
        size_t s[MAXQ], m = 0;
        for (size_t a = 0; a < npts; a++) /* BTreeSet order */
            for (size_t b = 0; b < ncp[c]; b++)
                if (cp[c][b] == a) {
                    s[m++] = a;
                    break;
                }
        size_t si = 0;
        while (si < nsets && !(nset_pts[si] == m && !memcmp(sets[si], s, m * sizeof *s))) si++;
        if (si == nsets) {
            memcpy(sets[si], s, m * sizeof *s);
            nset_pts[si] = m;
            nsets++;
        }
        cset[c] = si;
    }
    zk_fp *q[MAXQ], qb[MAXQ];
    int have[MAXQ] = {0};
    for (size_t si = 0; si < nsets; si++) q[si] = calloc(n, sizeof(zk_fp));
    for (size_t c = 0; c < ncomm; c++) {
        size_t si = cset[c];
        if (!have[si]) {
            memcpy(q[si], f->poly[comm[c]], n * sizeof(zk_fp));
            qb[si] = f->blind[comm[c]];
            have[si] = 1;
        } else {
            for (size_t i = 0; i < n; i++) {
                zk_fp_mul(&q[si][i], &q[si][i], &x1);
                zk_fp_add(&q[si][i], &q[si][i], &f->poly[comm[c]][i]);
            }
            zk_fp_mul(&qb[si], &qb[si], &x1);
            zk_fp_add(&qb[si], &qb[si], &f->blind[comm[c]]);
        }
    }
    zk_fp *qp = calloc(n, sizeof(zk_fp)), *tmp = malloc(n * sizeof(zk_fp)), *quo = malloc(n * sizeof(zk_fp));
    for (size_t si = 0; si < nsets; si++) {
        size_t l = n;
        memcpy(tmp, q[si], n * sizeof(zk_fp));
        for (size_t j = 0; j < nset_pts[si]; j++) {
            /* schoolbook division by (X - point), from the top */
            zk_fp carry = zk_fp_ZERO;
            for (size_t i = l; i-- > 1;) {
                zk_fp_add(&quo[i - 1], &tmp[i], &carry);
                zk_fp_mul(&carry, &quo[i - 1], &pts[sets[si][j]]);
            }
            l--;
            memset(tmp, 0, n * sizeof(zk_fp));
            memcpy(tmp, quo, l * sizeof(zk_fp));
        }
        for (size_t i = 0; i < n; i++) {
            zk_fp_mul(&qp[i], &qp[i], &x2);
            zk_fp_add(&qp[i], &qp[i], &tmp[i]);
        }
    }
    zk_fp qpb;
    zk_rng_fp(&rng, &qpb);
    zk_vesta c;
    zk_vesta_affine ca;
    zk_ipa_commit(p, &c, qp, n, &qpb);
    zk_vesta_to_affine_var(&ca, &c);
    zk_transcript_vesta_write_point(&t, &ca);
    zk_transcript_vesta_squeeze(&t, &x3);
    for (size_t si = 0; si < nsets; si++) {
        zk_fp e;
        zk_fp_poly_eval(&e, q[si], n, &x3);
        zk_transcript_vesta_write_scalar(&t, &e);
    }
    zk_transcript_vesta_squeeze(&t, &x4);
    for (size_t si = 0; si < nsets; si++) {
        for (size_t i = 0; i < n; i++) {
            zk_fp_mul(&qp[i], &qp[i], &x4);
            zk_fp_add(&qp[i], &qp[i], &q[si][i]);
        }
        zk_fp_mul(&qpb, &qpb, &x4);
        zk_fp_add(&qpb, &qpb, &qb[si]);
        free(q[si]);
    }
    zk_status st = zk_ipa_create_proof(p, &rng, &t, qp, &qpb, &x3);
    if (st == ZK_OK) st = zk_transcript_take_proof(&t, proof, len);
    zk_transcript_free(&t);
    free(qp);
    free(tmp);
    free(quo);
    return st;
}

/* Query shapes: halo2's test_roundtrip, then PLONK-like ones (a few points
 * x, x w, x w^-1; polynomials at one, two or three of them, in mixed order). */
static void make_shape(fixture *f, int shape, zk_rng *rng) {
    zk_fp x, y, z, w;
    zk_rng_fp(rng, &x);
    zk_rng_fp(rng, &y);
    zk_rng_fp(rng, &z);
    zk_rng_fp(rng, &w);
    f->nq = 0;
    switch (shape) {
    case 0: /* halo2 test_roundtrip: a, b at x; c at y */
        add_query(f, 0, &x);
        add_query(f, 1, &x);
        add_query(f, 2, &y);
        break;
    case 1: /* one polynomial, one point */
        add_query(f, 0, &x);
        break;
    case 2: /* advice-like: interleaved rotations, sets {x, y}, {x}, {y, z}, {x, y} */
        add_query(f, 0, &x);
        add_query(f, 1, &x);
        add_query(f, 0, &y);
        add_query(f, 2, &y);
        add_query(f, 3, &x);
        add_query(f, 2, &z);
        add_query(f, 3, &y);
        add_query(f, 4, &w);
        add_query(f, 5, &z);
        add_query(f, 5, &x);
        add_query(f, 5, &y);
        break;
    default: /* random: each polynomial at a random subset of 4 points, queries shuffled */
    {
        zk_fp pts[4] = {x, y, z, w};
        size_t qs[MAXQ][2], nq = 0;
        for (size_t pi = 0; pi < f->npoly; pi++) {
            uint8_t r;
            zk_rng_bytes(rng, &r, 1);
            unsigned mask = (r & 15) ? (r & 15) : 1;
            for (size_t j = 0; j < 4; j++)
                if (mask >> j & 1) qs[nq][0] = pi, qs[nq][1] = j, nq++;
        }
        for (size_t i = nq; i-- > 1;) {
            uint8_t r;
            zk_rng_bytes(rng, &r, 1);
            size_t j = r % (i + 1), t0 = qs[i][0], t1 = qs[i][1];
            qs[i][0] = qs[j][0], qs[i][1] = qs[j][1], qs[j][0] = t0, qs[j][1] = t1;
        }
        for (size_t i = 0; i < nq; i++) add_query(f, qs[i][0], &pts[qs[i][1]]);
    }
    }
}

TEST(multiopen_roundtrip) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 5150);
    int shapes = 0;
    for (int shape = 0; shape < 8; shape++) {
        unsigned k = 3 + (unsigned)shape % 4;
        fixture f;
        REQUIRE(fixture_init(&f, ti_params(k), MAXPOLY, &rng) == 0);
        make_shape(&f, shape, &rng);
        uint8_t *proof = NULL, *ref = NULL;
        size_t len = 0, ref_len = 0;
        CHECK(prove(&f, 1000 + shape, &proof, &len) == ZK_OK);
        CHECK(naive_prove(&f, 1000 + shape, &ref, &ref_len) == ZK_OK);
        CHECK_MSG(len == ref_len && proof && ref && !memcmp(proof, ref, len), "shape %d: naive prover differs", shape);
        CHECK_MSG(verify(&f, proof, len, NULL) == ZK_OK, "shape %d verify", shape);
        tweak tw = {-1, -1, -1, -1, 0x2a};
        CHECK_MSG(verify(&f, proof, len, &tw) == ZK_OK, "shape %d verify with MSM refs", shape);
        free(proof);
        free(ref);
        fixture_free(&f);
        shapes++;
    }
    CHECK_EQ_INT(shapes, 8);
}

TEST(multiopen_tamper) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 8086);
    fixture f;
    const zk_ipa_params *p = ti_params(4);
    REQUIRE(fixture_init(&f, p, MAXPOLY, &rng) == 0);
    make_shape(&f, 2, &rng);
    uint8_t *proof = NULL;
    size_t len = 0;
    REQUIRE(prove(&f, 7, &proof, &len) == ZK_OK);
    REQUIRE(verify(&f, proof, len, NULL) == ZK_OK);
    /* 5 point sets: q', 5 evaluations, the IPA */
    CHECK_EQ_INT(len, 32 + 5 * 32 + ZK_IPA_PROOF_BYTES(4));
    for (int i = 0; i < (int)f.nq; i++) {
        tweak a = {i, -1, -1, -1, 0}, b = {-1, i, -1, -1, 0};
        CHECK_MSG(verify(&f, proof, len, &a) != ZK_OK, "wrong evaluation of query %d accepted", i);
        CHECK_MSG(verify(&f, proof, len, &b) != ZK_OK, "wrong point of query %d accepted", i);
        a.msm_mask = b.msm_mask = 0x3f;
        CHECK(verify(&f, proof, len, &a) != ZK_OK);
        CHECK(verify(&f, proof, len, &b) != ZK_OK);
    }
    /* swapped commitments between queries of different polynomials */
    for (int i = 0; i < (int)f.nq; i++)
        for (int j = i + 1; j < (int)f.nq; j++) {
            if (f.qpoly[i] == f.qpoly[j]) continue;
            tweak s = {-1, -1, i, j, 0};
            CHECK_MSG(verify(&f, proof, len, &s) != ZK_OK, "swap %d %d accepted", i, j);
        }
    /* every single flipped byte (every 5th when ti_quick) */
    uint8_t *bad = malloc(len);
    REQUIRE(bad);
    for (size_t pos = 0; pos < len; pos += ti_quick() ? 5 : 1) {
        memcpy(bad, proof, len);
        bad[pos] ^= (uint8_t)(1u << (pos % 8));
        CHECK_MSG(verify(&f, bad, len, NULL) != ZK_OK, "flip at byte %zu accepted", pos);
    }
    CHECK(verify(&f, proof, len - 1, NULL) == ZK_ERR_TRUNCATED);
    free(bad);
    free(proof);
    fixture_free(&f);
}

TEST(multiopen_rejects_bad_queries) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 31337);
    fixture f;
    const zk_ipa_params *p = ti_params(3);
    REQUIRE(fixture_init(&f, p, 2, &rng) == 0);
    zk_fp x;
    zk_rng_fp(&rng, &x);
    add_query(&f, 0, &x);
    add_query(&f, 1, &x);
    add_query(&f, 0, &x); /* repeated (poly, point) */
    uint8_t *proof = NULL;
    size_t len = 0;
    CHECK(prove(&f, 1, &proof, &len) == ZK_ERR_INVALID_ARG);
    f.nq = 2;
    REQUIRE(prove(&f, 1, &proof, &len) == ZK_OK);
    f.nq = 3;
    CHECK(verify(&f, proof, len, NULL) == ZK_ERR_INVALID_ARG);
    f.nq = 2;
    CHECK(verify(&f, proof, len, NULL) == ZK_OK);
    /* a ref with no target, an empty list */
    zk_multiopen_verifier_query q = {{NULL, NULL}, x, x};
    zk_ipa_msm msm;
    zk_ipa_guard guard;
    zk_transcript t;
    zk_transcript_init_reader(&t, proof, len);
    zk_ipa_msm_init(&msm, p);
    CHECK(zk_multiopen_verify_proof(p, &t, &q, 1, &msm, &guard) == ZK_ERR_INVALID_ARG);
    CHECK(zk_multiopen_verify_proof(p, &t, &q, 0, &msm, &guard) == ZK_ERR_INVALID_ARG);
    zk_rng r2;
    zk_rng_init_splitmix64(&r2, 1);
    zk_transcript w;
    zk_transcript_init_writer(&w);
    CHECK(zk_multiopen_create_proof(p, &r2, &w, NULL, 0) == ZK_ERR_INVALID_ARG);
    zk_transcript_free(&w);
    zk_ipa_msm_free(&msm);
    free(proof);
    fixture_free(&f);
}
