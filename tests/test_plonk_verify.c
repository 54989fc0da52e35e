/* Verifying-key encoding, proving-key serialization, batch verification,
 * progress and cancellation, and malformed inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuits/mac.h"
#include "commit/params.h"
#include "harness.h"
#include "plonk/keygen.h"
#include "plonk/load.h"
#include "plonk/prover.h"
#include "plonk/verifier.h"
#include "test_plonk.h"
#include "tv.h"

typedef struct {
    uint32_t k;
    zk_cs *cs;
    zk_assignment *asg;
    zk_ipa_params *params;
    zk_plonk_vk *vk;
    zk_plonk_pk *pk;
} fx;

static void fx_free(fx *f) {
    zk_plonk_pk_free(f->pk);
    zk_plonk_vk_free(f->vk);
    zk_ipa_params_free(f->params);
    zk_assignment_free(f->asg);
    zk_cs_free(f->cs);
    memset(f, 0, sizeof *f);
}

static int fx_mac(fx *f, uint32_t k, zk_vk_transcript_mode mode, unsigned flags) {
    memset(f, 0, sizeof *f);
    f->k = k;
    if (zk_mac_build(k, &f->cs, &f->asg, NULL) != ZK_OK) return -1;
    if (zk_ipa_params_new(&f->params, k, 0) != ZK_OK) return -1;
    return zk_plonk_keygen(f->params, f->cs, f->asg, mode, flags, &f->vk, &f->pk, NULL) == ZK_OK ? 0 : -1;
}

static int fx_halo2(fx *f) {
    memset(f, 0, sizeof *f);
    cJSON *j = tv_load("halo2_proof.json");
    if (!j) return -1;
    int rc = zk_circuit_from_json(j, 0, &f->k, &f->cs, &f->asg, NULL) == ZK_OK ? 0 : -1;
    cJSON_Delete(j);
    if (rc || zk_ipa_params_new(&f->params, f->k, 0) != ZK_OK) return -1;
    return zk_plonk_keygen(f->params, f->cs, f->asg, ZK_VK_TRANSCRIPT_HALO2, 0, &f->vk, &f->pk, NULL) == ZK_OK ? 0 : -1;
}

static int prove(const fx *f, const zk_plonk_pk *pk, uint64_t seed, const zk_prove_opts *opts, uint8_t **proof,
                 size_t *len, zk_status *st_out) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, seed);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    zk_status st = zk_plonk_prove_asg(f->params, pk, f->asg, &rng, &t, opts, NULL);
    if (st_out) *st_out = st;
    if (!st) st = zk_transcript_take_proof(&t, proof, len);
    zk_transcript_free(&t);
    return st ? -1 : 0;
}

static zk_status verify(const fx *f, const zk_plonk_vk *vk, const uint8_t *proof, size_t len) {
    const zk_fp *inst[1] = {f->asg->num_instance ? zk_asg_instance(f->asg, 0) : NULL};
    return zk_plonk_verify(f->params, vk, inst, f->asg->instance_len, proof, len, NULL);
}

/* ---- verifying key encoding ---- */

TEST(plonk_vk_roundtrip) {
    fx f;
    REQUIRE(fx_halo2(&f) == 0);
    uint8_t *enc;
    size_t len;
    REQUIRE(zk_plonk_vk_write(f.vk, &enc, &len) == ZK_OK);
    zk_plonk_vk *vk2 = NULL;
    zk_error err;
    zk_status st = zk_plonk_vk_read(&vk2, enc, len, &err);
    CHECK_MSG(st == ZK_OK, "read: %s", err.msg);
    if (vk2) {
        CHECK(zk_fp_eq(&vk2->transcript_repr, &f.vk->transcript_repr)); /* halo2 mode survives the round trip */
        CHECK(memcmp(vk2->digest, f.vk->digest, 64) == 0);
        CHECK_EQ_INT(vk2->degree, 5);
        char *p1, *p2;
        size_t l1, l2;
        REQUIRE(zk_plonk_vk_pinned(f.vk, &p1, &l1, NULL) == ZK_OK);
        REQUIRE(zk_plonk_vk_pinned(vk2, &p2, &l2, NULL) == ZK_OK);
        CHECK(l1 == l2 && memcmp(p1, p2, l1) == 0);
        free(p1);
        free(p2);
    }
    zk_plonk_vk_free(vk2);
    /* the ZKML mode: the seed is the hash of the encoding; the id differs */
    zk_plonk_vk *vz = NULL;
    REQUIRE(zk_plonk_vk_new(&vz, f.cs, f.k, f.vk->fixed_commitments, f.vk->perm_commitments, ZK_VK_TRANSCRIPT_ZKML,
                            NULL) == ZK_OK);
    CHECK(!zk_fp_eq(&vz->transcript_repr, &f.vk->transcript_repr));
    CHECK(memcmp(vz->digest, f.vk->digest, 32) != 0);
    uint8_t d[64];
    tp_blake2b(d, 64, (const uint8_t *)ZK_VK_PERSONAL, vz->encoding, vz->encoding_len);
    CHECK(memcmp(d, vz->digest, 64) == 0);
    zk_fp rep;
    zk_fp_from_uniform_bytes(&rep, d);
    CHECK(zk_fp_eq(&rep, &vz->transcript_repr));
    zk_plonk_vk_free(vz);
    free(enc);
    fx_free(&f);
}

/* A constraint system with shared subexpressions and unused nodes encodes
 * the same as its tree form. */
TEST(plonk_vk_canonical_dag) {
    zk_cs *a = zk_cs_new(), *b = zk_cs_new();
    REQUIRE(a && b);
    zk_cs *cs[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        zk_column x = zk_cs_advice_column(cs[i]), q = zk_cs_fixed_column(cs[i]);
        zk_cs_enable_equality(cs[i], x);
        if (i == 1) zk_expr_u64(cs[i], 99); /* an unused node */
        zk_expr xx = zk_expr_mul(cs[i], zk_expr_query(cs[i], x, 0), zk_expr_query(cs[i], x, 0));
        zk_expr qx = zk_expr_query(cs[i], q, 0);
        zk_expr p0 = zk_expr_mul(cs[i], qx, xx);
        /* second polynomial reuses xx (b) or rebuilds it (a) */
        zk_expr xx2 = i == 1 ? xx : zk_expr_mul(cs[i], zk_expr_query(cs[i], x, 0), zk_expr_query(cs[i], x, 0));
        zk_expr p1 = zk_expr_sub(cs[i], xx2, zk_expr_query(cs[i], x, 1));
        zk_expr polys[2] = {p0, p1};
        REQUIRE(zk_cs_create_gate(cs[i], "g", 2, polys, NULL) == ZK_OK);
    }
    zk_vesta_affine pts[2];
    zk_vesta_affine_identity(&pts[0]);
    zk_vesta_generator(&pts[1]);
    uint8_t *ea, *eb;
    size_t la, lb;
    REQUIRE(zk_plonk_vk_encode(a, 5, &pts[0], &pts[1], ZK_VK_TRANSCRIPT_ZKML, &ea, &la, NULL) == ZK_OK);
    REQUIRE(zk_plonk_vk_encode(b, 5, &pts[0], &pts[1], ZK_VK_TRANSCRIPT_ZKML, &eb, &lb, NULL) == ZK_OK);
    CHECK(la == lb && memcmp(ea, eb, la) == 0);
    zk_plonk_vk *vk = NULL;
    CHECK(zk_plonk_vk_read(&vk, ea, la, NULL) == ZK_OK);
    zk_plonk_vk_free(vk);
    free(ea);
    free(eb);
    zk_cs_free(a);
    zk_cs_free(b);
}

/* Every truncation, every single-byte change and trailing data: a clean
 * error or (for changes that keep the encoding valid) a different VK. */
TEST(plonk_vk_malformed) {
    fx f;
    REQUIRE(fx_halo2(&f) == 0);
    const uint8_t *enc = f.vk->encoding;
    size_t len = f.vk->encoding_len;
    uint8_t *buf = malloc(len + 4);
    REQUIRE(buf);
    size_t accepted_same = 0;
    for (size_t cut = 0; cut < len; cut++) {
        zk_plonk_vk *vk = NULL;
        CHECK(zk_plonk_vk_read(&vk, enc, cut, NULL) != ZK_OK);
        zk_plonk_vk_free(vk);
    }
    for (size_t i = 0; i < len; i++) {
        memcpy(buf, enc, len);
        buf[i] ^= (uint8_t)(1u << (i % 8));
        zk_plonk_vk *vk = NULL;
        if (zk_plonk_vk_read(&vk, buf, len, NULL) == ZK_OK) {
            if (memcmp(vk->digest, f.vk->digest, 64) == 0) accepted_same++;
            zk_plonk_vk_free(vk);
        }
        buf[i] = 0xff;
        if (zk_plonk_vk_read(&vk, buf, len, NULL) == ZK_OK) zk_plonk_vk_free(vk);
    }
    CHECK_EQ_INT(accepted_same, 0);
    memcpy(buf, enc, len);
    memset(buf + len, 0, 4);
    zk_plonk_vk *vk = NULL;
    CHECK(zk_plonk_vk_read(&vk, buf, len + 4, NULL) == ZK_ERR_PARSE);
    /* a newer version */
    memcpy(buf, enc, len);
    buf[4] = 2;
    CHECK(zk_plonk_vk_read(&vk, buf, len, NULL) == ZK_ERR_UNSUPPORTED);
    free(buf);
    fx_free(&f);
}

/* A VK written, read back and used by the verifier; a proof made under the
 * ZKML seed does not verify under the halo2 seed of the same circuit. */
TEST(plonk_vk_modes_bind_proofs) {
    fx f, g;
    REQUIRE(fx_mac(&f, 6, ZK_VK_TRANSCRIPT_ZKML, 0) == 0);
    REQUIRE(fx_mac(&g, 6, ZK_VK_TRANSCRIPT_HALO2, 0) == 0);
    uint8_t *proof;
    size_t len;
    REQUIRE(prove(&f, f.pk, 1, NULL, &proof, &len, NULL) == 0);
    zk_plonk_vk *vk2 = NULL;
    REQUIRE(zk_plonk_vk_read(&vk2, f.vk->encoding, f.vk->encoding_len, NULL) == ZK_OK);
    CHECK(verify(&f, vk2, proof, len) == ZK_OK);
    CHECK(verify(&g, g.vk, proof, len) == ZK_ERR_VERIFY);
    zk_plonk_vk_free(vk2);
    free(proof);
    fx_free(&f);
    fx_free(&g);
}

/* ---- proving key ---- */

TEST(plonk_pk_serialize_and_regenerate) {
    fx f;
    REQUIRE(fx_mac(&f, 7, ZK_VK_TRANSCRIPT_ZKML, 0) == 0);
    uint8_t *proof;
    size_t len;
    REQUIRE(prove(&f, f.pk, 42, NULL, &proof, &len, NULL) == 0);
    /* written and read back (checked against the VK) */
    uint8_t *bytes;
    size_t blen;
    REQUIRE(zk_plonk_pk_write(f.pk, &bytes, &blen) == ZK_OK);
    zk_plonk_pk *pk2 = NULL;
    zk_error err;
    zk_status st = zk_plonk_pk_read(f.params, bytes, blen, ZK_PK_CHECK, &pk2, &err);
    CHECK_MSG(st == ZK_OK, "pk read: %s", err.msg);
    /* regenerated from the VK and the circuit, without cosets */
    zk_plonk_pk *pk3 = NULL;
    CHECK(zk_plonk_keygen_pk(f.params, f.vk, f.asg, ZK_PK_NO_COSETS | ZK_PK_CHECK, &pk3, NULL) == ZK_OK);
    const zk_plonk_pk *pks[2] = {pk2, pk3};
    for (int i = 0; i < 2; i++) {
        if (!pks[i]) continue;
        uint8_t *p2;
        size_t l2;
        REQUIRE(prove(&f, pks[i], 42, NULL, &p2, &l2, NULL) == 0);
        CHECK_MSG(l2 == len && memcmp(p2, proof, len) == 0, "key %d gives a different proof", i);
        free(p2);
    }
    CHECK(zk_plonk_pk_bytes(pk3) < zk_plonk_pk_bytes(f.pk));
    /* corruptions: truncation, a non-canonical element, a column that does not match the VK */
    zk_plonk_pk *bad = NULL;
    CHECK(zk_plonk_pk_read(f.params, bytes, blen - 1, 0, &bad, NULL) == ZK_ERR_TRUNCATED);
    uint8_t *cp = malloc(blen);
    REQUIRE(cp);
    memcpy(cp, bytes, blen);
    memset(cp + blen - 32, 0xff, 32);
    CHECK(zk_plonk_pk_read(f.params, cp, blen, 0, &bad, NULL) == ZK_ERR_ENCODING);
    memcpy(cp, bytes, blen);
    cp[blen - 32] ^= 1;
    CHECK(zk_plonk_pk_read(f.params, cp, blen, ZK_PK_CHECK, &bad, NULL) == ZK_ERR_VERIFY);
    memcpy(cp, bytes, blen);
    cp[0] = 'x';
    CHECK(zk_plonk_pk_read(f.params, cp, blen, 0, &bad, NULL) == ZK_ERR_PARSE);
    free(cp);
    zk_plonk_pk_free(pk2);
    zk_plonk_pk_free(pk3);
    free(bytes);
    free(proof);
    fx_free(&f);
}

/* ---- batch verification ---- */

TEST(plonk_batch_verify) {
    fx f;
    REQUIRE(fx_mac(&f, 6, ZK_VK_TRANSCRIPT_ZKML, 0) == 0);
    enum { NP = 4 };
    uint8_t *proofs[NP];
    size_t lens[NP];
    for (int i = 0; i < NP; i++) REQUIRE(prove(&f, f.pk, 100 + (uint64_t)i, NULL, &proofs[i], &lens[i], NULL) == 0);
    const zk_fp *inst[1] = {zk_asg_instance(f.asg, 0)};
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 77);
    zk_plonk_batch *b;
    REQUIRE(zk_plonk_batch_new(&b, f.params, f.vk, &rng) == ZK_OK);
    for (int i = 0; i < NP; i++) CHECK(zk_plonk_batch_add(b, inst, f.asg->instance_len, proofs[i], lens[i], NULL) == ZK_OK);
    CHECK_EQ_INT(zk_plonk_batch_count(b), NP);
    CHECK(zk_plonk_batch_finish(b, NULL) == ZK_OK);
    zk_plonk_batch_free(b);
    /* one false proof (wrong instance) sinks the batch at the final MSM */
    zk_fp wrong[2] = {inst[0][0], inst[0][1]};
    zk_fp_add(&wrong[1], &wrong[1], &zk_fp_ONE);
    const zk_fp *winst[1] = {wrong};
    REQUIRE(zk_plonk_batch_new(&b, f.params, f.vk, NULL) == ZK_OK); /* OS randomness */
    for (int i = 0; i < NP; i++)
        CHECK(zk_plonk_batch_add(b, i == 2 ? winst : inst, f.asg->instance_len, proofs[i], lens[i], NULL) == ZK_OK);
    CHECK(zk_plonk_batch_finish(b, NULL) == ZK_ERR_VERIFY);
    zk_plonk_batch_free(b);
    /* a malformed proof fails in add and in finish */
    REQUIRE(zk_plonk_batch_new(&b, f.params, f.vk, NULL) == ZK_OK);
    CHECK(zk_plonk_batch_add(b, inst, f.asg->instance_len, proofs[0], lens[0], NULL) == ZK_OK);
    CHECK(zk_plonk_batch_add(b, inst, f.asg->instance_len, proofs[1], lens[1] - 1, NULL) == ZK_ERR_TRUNCATED);
    CHECK(zk_plonk_batch_finish(b, NULL) == ZK_ERR_VERIFY);
    zk_plonk_batch_free(b);
    for (int i = 0; i < NP; i++) free(proofs[i]);
    fx_free(&f);
}

/* ---- progress and cancellation ---- */

typedef struct {
    uint64_t calls, last_done, total;
    int monotonic;
    zk_prove_stage cancel_at;
    zk_prove_stage last;
} prog;

static int on_progress(void *ctx, zk_prove_stage s, uint64_t done, uint64_t total) {
    prog *p = ctx;
    if (done <= p->last_done || (p->total && total != p->total)) p->monotonic = 0;
    p->calls++;
    p->last_done = done;
    p->total = total;
    p->last = s;
    return s == p->cancel_at;
}

TEST(plonk_prove_progress_and_cancel) {
    fx f;
    REQUIRE(fx_mac(&f, 5, ZK_VK_TRANSCRIPT_HALO2, 0) == 0);
    prog p = {0, 0, 0, 1, (zk_prove_stage)0, (zk_prove_stage)0};
    zk_prove_opts o = {on_progress, &p, 0};
    uint8_t *proof;
    size_t len;
    REQUIRE(prove(&f, f.pk, 3, &o, &proof, &len, NULL) == 0);
    CHECK(p.monotonic);
    CHECK_EQ_INT(p.last_done, p.total);
    CHECK_EQ_INT(p.last, ZK_PROVE_STAGE_DONE);
    CHECK_EQ_INT(p.calls, 9 + f.pk->parts + 1);
    CHECK(verify(&f, f.vk, proof, len) == ZK_OK);
    free(proof);
    for (int s = ZK_PROVE_STAGE_INSTANCE; s <= ZK_PROVE_STAGE_DONE; s++) {
        prog c = {0, 0, 0, 1, (zk_prove_stage)s, (zk_prove_stage)0};
        zk_prove_opts oc = {on_progress, &c, 0};
        zk_status st;
        uint8_t *pr = NULL;
        CHECK(prove(&f, f.pk, 3, &oc, &pr, &len, &st) != 0);
        CHECK_MSG(st == ZK_ERR_CANCELLED, "cancel at stage %d: %s", s, zk_status_name(st));
        free(pr);
    }
    fx_free(&f);
}

/* Keygen reports every unit of work in order, gives the same keys with and
 * without a callback, and cancels cleanly at every unit. */
typedef struct {
    uint64_t calls, last_done, total, cancel_at;
    int monotonic;
    int stages[4];
} kprog;

static int on_keygen(void *ctx, zk_keygen_stage s, uint64_t done, uint64_t total) {
    kprog *p = ctx;
    if (done != p->last_done + 1 || (p->total && total != p->total)) p->monotonic = 0;
    p->calls++;
    p->last_done = done;
    p->total = total;
    if ((unsigned)s < 4) p->stages[s]++;
    return done == p->cancel_at;
}

TEST(plonk_keygen_progress_and_cancel) {
    zk_cs *cs = NULL;
    zk_assignment *asg = NULL;
    zk_ipa_params *params = NULL;
    REQUIRE(zk_mac_build(5, &cs, &asg, NULL) == ZK_OK);
    REQUIRE(zk_ipa_params_new(&params, 5, 0) == ZK_OK);
    zk_plonk_vk *vk0 = NULL, *vk = NULL;
    zk_plonk_pk *pk0 = NULL, *pk = NULL;
    REQUIRE(zk_plonk_keygen(params, cs, asg, ZK_VK_TRANSCRIPT_ZKML, 0, &vk0, &pk0, NULL) == ZK_OK);
    kprog p = {0, 0, 0, 0, 1, {0}};
    zk_keygen_opts o = {on_keygen, &p};
    REQUIRE(zk_plonk_keygen_ex(params, cs, asg, ZK_VK_TRANSCRIPT_ZKML, 0, &o, &vk, &pk, NULL) == ZK_OK);
    uint64_t cols = (uint64_t)vk0->cs->num_fixed + vk0->cs->num_perm_columns;
    CHECK(p.monotonic);
    CHECK_EQ_INT(p.total, 1 + 2 * cols);
    CHECK_EQ_INT(p.last_done, p.total);
    CHECK_EQ_INT(p.stages[ZK_KEYGEN_STAGE_PERMUTATION], 1);
    CHECK_EQ_INT(p.stages[ZK_KEYGEN_STAGE_COMMIT], cols);
    CHECK_EQ_INT(p.stages[ZK_KEYGEN_STAGE_PK], cols);
    uint8_t id0[32], id1[32];
    zk_plonk_vk_id(vk0, id0);
    zk_plonk_vk_id(vk, id1);
    CHECK_MEM(id0, id1, 32);
    zk_plonk_pk_free(pk);
    zk_plonk_vk_free(vk);
    /* VK only: one unit per column fewer */
    kprog q = {0, 0, 0, 0, 1, {0}};
    zk_keygen_opts oq = {on_keygen, &q};
    vk = NULL;
    REQUIRE(zk_plonk_keygen_ex(params, cs, asg, ZK_VK_TRANSCRIPT_ZKML, 0, &oq, &vk, NULL, NULL) == ZK_OK);
    CHECK_EQ_INT(q.total, 1 + cols);
    zk_plonk_vk_free(vk);
    for (uint64_t at = 1; at <= 1 + 2 * cols; at++) {
        kprog c = {0, 0, 0, at, 1, {0}};
        zk_keygen_opts oc = {on_keygen, &c};
        vk = NULL;
        pk = NULL;
        zk_error err;
        zk_status st = zk_plonk_keygen_ex(params, cs, asg, ZK_VK_TRANSCRIPT_ZKML, 0, &oc, &vk, &pk, &err);
        CHECK_MSG(st == ZK_ERR_CANCELLED && !vk && !pk, "cancel at unit %llu: %s", (unsigned long long)at,
                  zk_status_name(st));
    }
    zk_plonk_pk_free(pk0);
    zk_plonk_vk_free(vk0);
    zk_ipa_params_free(params);
    zk_assignment_free(asg);
    zk_cs_free(cs);
}

/* ---- arguments that do not fit ---- */

TEST(plonk_prove_verify_bad_arguments) {
    fx f;
    REQUIRE(fx_mac(&f, 5, ZK_VK_TRANSCRIPT_ZKML, 0) == 0);
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, 1);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    /* instance too long */
    size_t big = f.asg->usable + 1;
    zk_fp *vals = calloc(big, sizeof *vals);
    REQUIRE(vals);
    const zk_fp *inst[1] = {vals};
    CHECK(zk_plonk_prove(f.params, f.pk, inst, &big, f.asg, &rng, &t, NULL, NULL) == ZK_ERR_RANGE);
    zk_transcript_free(&t);
    uint8_t *proof;
    size_t len;
    REQUIRE(prove(&f, f.pk, 9, NULL, &proof, &len, NULL) == 0);
    CHECK(zk_plonk_verify(f.params, f.vk, inst, &big, proof, len, NULL) == ZK_ERR_RANGE);
    CHECK(zk_plonk_verify(f.params, f.vk, NULL, NULL, proof, len, NULL) == ZK_ERR_INVALID_ARG);
    /* params of another size */
    zk_ipa_params *p6;
    REQUIRE(zk_ipa_params_new(&p6, 6, 0) == ZK_OK);
    CHECK(zk_plonk_verify(p6, f.vk, (const zk_fp *const[]){zk_asg_instance(f.asg, 0)}, f.asg->instance_len, proof, len,
                          NULL) == ZK_ERR_SHAPE);
    zk_ipa_params_free(p6);
    /* garbage of the right length: a clean error */
    uint8_t *junk = malloc(len);
    REQUIRE(junk);
    for (size_t i = 0; i < len; i++) junk[i] = (uint8_t)(i * 37 + 11);
    CHECK(zk_plonk_verify(f.params, f.vk, (const zk_fp *const[]){zk_asg_instance(f.asg, 0)}, f.asg->instance_len, junk,
                          len, NULL) != ZK_OK);
    memset(junk, 0, len); /* identity points: cannot be absorbed */
    CHECK(zk_plonk_verify(f.params, f.vk, (const zk_fp *const[]){zk_asg_instance(f.asg, 0)}, f.asg->instance_len, junk,
                          len, NULL) == ZK_ERR_ENCODING);
    free(junk);
    free(vals);
    free(proof);
    fx_free(&f);
}
