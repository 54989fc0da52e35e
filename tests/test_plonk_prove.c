/* PLONK keygen, prover and verifier against halo2_proofs 0.3.2: the
 * halo2_proof.json circuit (k = 4) byte for byte, both directions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit/params.h"
#include "harness.h"
#include "plonk/keygen.h"
#include "plonk/load.h"
#include "plonk/prover.h"
#include "plonk/verifier.h"
#include "test_plonk.h"
#include "tv.h"

/* First offset where a and b differ (or the shorter length). */
static size_t first_diff(const uint8_t *a, size_t la, const uint8_t *b, size_t lb) {
    size_t i = 0;
    while (i < la && i < lb && a[i] == b[i]) i++;
    return i;
}

typedef struct {
    cJSON *root;
    uint32_t k;
    zk_cs *cs;
    zk_assignment *asg;
    zk_ipa_params *params;
    zk_plonk_vk *vk;
    zk_plonk_pk *pk;
    uint8_t *proof;
    size_t proof_len;
    uint64_t seed;
} h2;

static void h2_free(h2 *c) {
    zk_plonk_pk_free(c->pk);
    zk_plonk_vk_free(c->vk);
    zk_ipa_params_free(c->params);
    zk_assignment_free(c->asg);
    zk_cs_free(c->cs);
    free(c->proof);
    cJSON_Delete(c->root);
    memset(c, 0, sizeof *c);
}

static int h2_load(h2 *c) {
    memset(c, 0, sizeof *c);
    c->root = tv_load("halo2_proof.json");
    if (!c->root) return -1;
    zk_error err;
    if (zk_circuit_from_json(c->root, 0, &c->k, &c->cs, &c->asg, &err) != ZK_OK) {
        th_fail(__FILE__, __LINE__, "load: %s", err.msg);
        return -1;
    }
    if (zk_ipa_params_new(&c->params, c->k, 0) != ZK_OK) return -1;
    if (zk_plonk_keygen(c->params, c->cs, c->asg, ZK_VK_TRANSCRIPT_HALO2, 0, &c->vk, &c->pk, &err) != ZK_OK) {
        th_fail(__FILE__, __LINE__, "keygen: %s", err.msg);
        return -1;
    }
    c->proof = tv_unhex_alloc(cJSON_GetObjectItem(c->root, "proof")->valuestring, &c->proof_len);
    const cJSON *rng = cJSON_GetObjectItem(c->root, "prover_rng");
    c->seed = strtoull(cJSON_GetObjectItem(rng, "seed_u64")->valuestring, NULL, 10);
    return c->proof ? 0 : -1;
}

TEST(plonk_prove_halo2_vk) {
    h2 c;
    REQUIRE(h2_load(&c) == 0);
    const cJSON *vkj = cJSON_GetObjectItem(c.root, "vk");
    size_t nf, np;
    zk_vesta_affine *fc = tp_points(cJSON_GetObjectItem(vkj, "fixed_commitments"), &nf);
    zk_vesta_affine *pc = tp_points(cJSON_GetObjectItem(vkj, "permutation_commitments"), &np);
    REQUIRE(fc && pc);
    CHECK_EQ_INT(nf, c.vk->cs->num_fixed);
    CHECK_EQ_INT(np, c.vk->cs->num_perm_columns);
    for (size_t i = 0; i < nf && i < c.vk->cs->num_fixed; i++)
        CHECK_MSG(zk_vesta_affine_eq(&fc[i], &c.vk->fixed_commitments[i]), "fixed commitment %zu", i);
    for (size_t i = 0; i < np && i < c.vk->cs->num_perm_columns; i++)
        CHECK_MSG(zk_vesta_affine_eq(&pc[i], &c.vk->perm_commitments[i]), "permutation commitment %zu", i);
    CHECK(tp_fp_eq_json(&c.vk->transcript_repr, cJSON_GetObjectItem(vkj, "transcript_repr")));
    char *pin;
    size_t plen;
    REQUIRE(zk_plonk_vk_pinned(c.vk, &pin, &plen, NULL) == ZK_OK);
    const char *want = cJSON_GetObjectItem(vkj, "pinned_debug_string")->valuestring;
    CHECK(strlen(want) == plen && memcmp(pin, want, plen) == 0);
    free(pin);
    CHECK_EQ_INT(zk_plonk_proof_size(c.vk), c.proof_len);
    free(fc);
    free(pc);
    h2_free(&c);
}

/* The 100 draws halo2's prover made, against SplitMix64(seed) as zk_rng_fp. */
TEST(plonk_prove_halo2_rng_draws) {
    h2 c;
    REQUIRE(h2_load(&c) == 0);
    const cJSON *draws = cJSON_GetObjectItem(cJSON_GetObjectItem(c.root, "prover_rng"), "draws");
    CHECK_EQ_INT(cJSON_GetArraySize(draws), 100);
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, c.seed);
    const cJSON *d;
    int i = 0;
    cJSON_ArrayForEach(d, draws) {
        zk_fp v;
        REQUIRE(zk_rng_fp(&rng, &v) == ZK_OK);
        CHECK_MSG(tp_fp_eq_json(&v, cJSON_GetObjectItem(d, "value")), "draw %d", i);
        i++;
    }
    h2_free(&c);
}

/* Our prover, given the circuit, witness and the injected draws, writes
 * exactly halo2's 1696 bytes. */
TEST(plonk_prove_halo2_proof_bytes) {
    h2 c;
    REQUIRE(h2_load(&c) == 0);
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, c.seed);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    zk_error err;
    zk_status st = zk_plonk_prove_asg(c.params, c.pk, c.asg, &rng, &t, NULL, &err);
    CHECK_MSG(st == ZK_OK, "prove: %s", err.msg);
    size_t len;
    const uint8_t *proof = zk_transcript_proof(&t, &len);
    CHECK_EQ_INT(len, c.proof_len);
    size_t at = first_diff(proof, len, c.proof, c.proof_len);
    CHECK_MSG(at == len && len == c.proof_len, "proof differs from halo2's at byte %zu", at);
    /* every draw consumed: the next one is what follows draw 99 */
    zk_rng ref;
    zk_rng_init_splitmix64(&ref, c.seed);
    zk_fp a, b;
    for (int i = 0; i < 100; i++) zk_rng_fp(&ref, &a);
    zk_rng_fp(&ref, &a);
    zk_rng_fp(&rng, &b);
    CHECK_MSG(zk_fp_eq(&a, &b), "the prover drew a different number of values than halo2's 100");
    zk_transcript_free(&t);
    h2_free(&c);
}

TEST(plonk_verify_halo2_proof) {
    h2 c;
    REQUIRE(h2_load(&c) == 0);
    zk_error err;
    const zk_fp *inst[1] = {zk_asg_instance(c.asg, 0)};
    size_t lens[1] = {c.asg->instance_len[0]};
    zk_status st = zk_plonk_verify(c.params, c.vk, inst, lens, c.proof, c.proof_len, &err);
    CHECK_MSG(st == ZK_OK, "verify: %s", err.msg);
    /* wrong instance: y + 1 */
    zk_fp y1;
    zk_fp_add(&y1, &inst[0][0], &zk_fp_ONE);
    const zk_fp *inst2[1] = {&y1};
    CHECK(zk_plonk_verify(c.params, c.vk, inst2, lens, c.proof, c.proof_len, NULL) == ZK_ERR_VERIFY);
    /* the vector's tampered byte, and a trailing byte */
    uint8_t *bad = malloc(c.proof_len + 1);
    REQUIRE(bad);
    memcpy(bad, c.proof, c.proof_len);
    const cJSON *tb = cJSON_GetObjectItem(c.root, "verify_with_tampered_byte");
    int at = cJSON_GetObjectItem(tb, "byte_index")->valueint, x = cJSON_GetObjectItem(tb, "xor")->valueint;
    bad[at] ^= (uint8_t)x;
    CHECK(zk_plonk_verify(c.params, c.vk, inst, lens, bad, c.proof_len, NULL) != ZK_OK);
    bad[at] ^= (uint8_t)x;
    bad[c.proof_len] = 0;
    CHECK(zk_plonk_verify(c.params, c.vk, inst, lens, bad, c.proof_len + 1, NULL) == ZK_ERR_PARSE);
    CHECK(zk_plonk_verify(c.params, c.vk, inst, lens, bad, c.proof_len - 1, NULL) == ZK_ERR_TRUNCATED);
    free(bad);
    h2_free(&c);
}

/* With the Lagrange basis in the params (commitments over values), keygen and
 * the prover give the same VK and the same bytes. */
TEST(plonk_prove_halo2_lagrange_params) {
    h2 c;
    REQUIRE(h2_load(&c) == 0);
    zk_ipa_params *pl = NULL;
    REQUIRE(zk_ipa_params_new(&pl, c.k, ZK_IPA_PARAMS_LAGRANGE) == ZK_OK);
    zk_plonk_vk *vk = NULL;
    zk_plonk_pk *pk = NULL;
    zk_error err;
    REQUIRE(zk_plonk_keygen(pl, c.cs, c.asg, ZK_VK_TRANSCRIPT_HALO2, ZK_PK_NO_COSETS, &vk, &pk, &err) == ZK_OK);
    CHECK(vk->encoding_len == c.vk->encoding_len && memcmp(vk->encoding, c.vk->encoding, vk->encoding_len) == 0);
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, c.seed);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    CHECK(zk_plonk_prove_asg(pl, pk, c.asg, &rng, &t, NULL, NULL) == ZK_OK);
    size_t len;
    const uint8_t *proof = zk_transcript_proof(&t, &len);
    CHECK(len == c.proof_len && memcmp(proof, c.proof, len) == 0);
    const zk_fp *inst[1] = {zk_asg_instance(c.asg, 0)};
    CHECK(zk_plonk_verify(pl, vk, inst, c.asg->instance_len, c.proof, c.proof_len, NULL) == ZK_OK);
    zk_transcript_free(&t);
    zk_plonk_pk_free(pk);
    zk_plonk_vk_free(vk);
    zk_ipa_params_free(pl);
    h2_free(&c);
}
