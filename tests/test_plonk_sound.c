/* Soundness: randomized circuits (random gates, copies and lookups, k = 4 to
 * 12) prove and verify; with one witness cell changed MockProver fails and
 * the prover, run on the bad witness anyway (ZK_PROVE_FORCE for lookups),
 * cannot produce a proof the verifier accepts; flipping any byte of a proof
 * makes verification fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit/params.h"
#include "harness.h"
#include "plonk/eval.h"
#include "plonk/keygen.h"
#include "plonk/mock.h"
#include "plonk/prover.h"
#include "plonk/verifier.h"
#include "util/rng.h"

/* ---- a random satisfiable circuit ----
 * Inputs: "free" advice columns with random values, "lookup" advice columns
 * whose rows are drawn from their lookup's table rows, fixed constant
 * columns, an optional instance column. Each gate polynomial is
 * s_g * (o - f) with f a random expression of the inputs (rotations -1, 0, 1)
 * and o its own advice column, set to f on the rows where s_g is on (1 ..
 * usable-2, so rotations stay in the usable rows). Lookups: (q_l * a_j)_j in
 * (T_j)_j, the tables' row 0 all zero. Copies between distinct cells of
 * free columns and the instance, applied before the outputs are computed. */
typedef struct {
    uint32_t k;
    zk_cs *cs;
    zk_assignment *asg;
    uint32_t gate_out_col;   /* an output column and an enabled row */
    size_t gate_row;
    int has_lookup;
    uint32_t lookup_col;     /* a lookup input column and an enabled row */
    size_t lookup_row;
    int has_copy;
    zk_copy copy;            /* a copy whose right side is an advice cell */
} rcirc;

static void rc_free(rcirc *c) {
    zk_assignment_free(c->asg);
    zk_cs_free(c->cs);
    memset(c, 0, sizeof *c);
}

static uint64_t rnd(zk_splitmix64 *r, uint64_t m) { return m ? zk_splitmix64_next(r) % m : 0; }

static void rand_fp(zk_splitmix64 *r, zk_fp *v) {
    uint8_t b[64];
    zk_splitmix64_fill(r, b, sizeof b);
    zk_fp_from_uniform_bytes(v, b);
}

/* A random expression of degree <= deg over the input queries (depth bounds its size). */
static zk_expr rand_expr(zk_cs *cs, zk_splitmix64 *r, const zk_column *ins, uint32_t nins, uint32_t deg, int depth) {
    uint64_t pick = rnd(r, 10);
    if (deg == 0 || pick < 3 || depth >= 4) {
        if (deg == 0 || pick == 0) return zk_expr_i64(cs, (int64_t)rnd(r, 200) - 100);
        zk_column c = ins[rnd(r, nins)];
        int32_t rot = c.kind == ZK_COL_ADVICE ? (int32_t)rnd(r, 3) - 1 : 0;
        return zk_expr_query(cs, c, rot);
    }
    if (pick < 5 || deg == 1) {
        zk_expr a = rand_expr(cs, r, ins, nins, deg, depth + 1), b = rand_expr(cs, r, ins, nins, deg, depth + 1);
        return pick == 3 ? zk_expr_sub(cs, a, b) : zk_expr_add(cs, a, b);
    }
    if (pick < 8) {
        uint32_t da = 1 + (uint32_t)rnd(r, deg - 1);
        return zk_expr_mul(cs, rand_expr(cs, r, ins, nins, da, depth + 1),
                           rand_expr(cs, r, ins, nins, deg - da, depth + 1));
    }
    if (pick == 8) return zk_expr_neg(cs, rand_expr(cs, r, ins, nins, deg, depth + 1));
    zk_fp s;
    rand_fp(r, &s);
    return zk_expr_scale(cs, rand_expr(cs, r, ins, nins, deg, depth + 1), &s);
}

static int rc_build(uint64_t seed, uint32_t k, rcirc *c) {
    memset(c, 0, sizeof *c);
    c->k = k;
    zk_splitmix64 r = {seed};
    zk_cs *cs = zk_cs_new();
    if (!cs) return -1;
    c->cs = cs;
    uint32_t nfree = 1 + (uint32_t)rnd(&r, 3), nconst = 1 + (uint32_t)rnd(&r, 2);
    uint32_t ngates = 1 + (uint32_t)rnd(&r, 2), nlookups = (uint32_t)rnd(&r, 3), ninst = (uint32_t)rnd(&r, 2);
    uint32_t maxdeg = 2 + (uint32_t)rnd(&r, 4); /* gate degree up to 1 + 5: extended domains 4n and 8n */
    zk_column freec[4], constc[3], inst = {ZK_COL_INSTANCE, 0};
    for (uint32_t i = 0; i < nfree; i++) freec[i] = zk_cs_advice_column(cs);
    for (uint32_t i = 0; i < nconst; i++) constc[i] = zk_cs_fixed_column(cs);
    if (ninst) inst = zk_cs_instance_column(cs);
    /* lookups: m in {1, 2} input columns and table columns, a selector */
    uint32_t lm[2] = {0, 0};
    zk_column lin[2][2], ltab[2][2], lsel[2];
    for (uint32_t l = 0; l < nlookups; l++) {
        lm[l] = 1 + (uint32_t)rnd(&r, 2);
        for (uint32_t j = 0; j < lm[l]; j++) {
            lin[l][j] = zk_cs_advice_column(cs);
            ltab[l][j] = zk_cs_fixed_column(cs);
        }
        lsel[l] = zk_cs_fixed_column(cs);
    }
    /* gate inputs */
    zk_column ins[12];
    uint32_t nins = 0;
    for (uint32_t i = 0; i < nfree; i++) ins[nins++] = freec[i];
    for (uint32_t i = 0; i < nconst; i++) ins[nins++] = constc[i];
    if (ninst) ins[nins++] = inst;
    for (uint32_t l = 0; l < nlookups; l++) ins[nins++] = lin[l][0];
    /* gates: 1 or 2 polynomials, each with its own output column */
    zk_column outc[4], gsel[2];
    zk_expr fexpr[4];
    uint32_t nout = 0, out_gate[4];
    for (uint32_t g = 0; g < ngates; g++) {
        gsel[g] = zk_cs_fixed_column(cs);
        uint32_t np = 1 + (uint32_t)rnd(&r, 2);
        zk_expr polys[2];
        for (uint32_t p = 0; p < np; p++) {
            outc[nout] = zk_cs_advice_column(cs);
            fexpr[nout] = rand_expr(cs, &r, ins, nins, 1 + (uint32_t)rnd(&r, maxdeg), 0);
            polys[p] = zk_expr_mul(cs, zk_expr_query(cs, gsel[g], 0),
                                   zk_expr_sub(cs, zk_expr_query(cs, outc[nout], 0), fexpr[nout]));
            out_gate[nout++] = g;
        }
        char name[16];
        snprintf(name, sizeof name, "g%u", g);
        if (zk_cs_create_gate(cs, name, np, polys, NULL) != ZK_OK) return -1;
    }
    for (uint32_t l = 0; l < nlookups; l++) {
        zk_expr in[2], tb[2];
        for (uint32_t j = 0; j < lm[l]; j++) {
            in[j] = zk_expr_mul(cs, zk_expr_query(cs, lsel[l], 0), zk_expr_query(cs, lin[l][j], 0));
            tb[j] = zk_expr_query(cs, ltab[l][j], 0);
        }
        if (zk_cs_add_lookup(cs, NULL, lm[l], in, tb) != ZK_OK) return -1;
    }
    /* equality: the free columns, the instance, sometimes an output column */
    for (uint32_t i = 0; i < nfree; i++) zk_cs_enable_equality(cs, freec[i]);
    if (ninst) zk_cs_enable_equality(cs, inst);
    if (rnd(&r, 2)) zk_cs_enable_equality(cs, outc[0]);
    if (rnd(&r, 3) == 0) zk_cs_enable_constant(cs, constc[0].index);
    if (zk_cs_status(cs, NULL) != ZK_OK) return -1;

    if (zk_assignment_new(&c->asg, cs, k, 0, NULL) != ZK_OK) return -1;
    zk_assignment *a = c->asg;
    size_t n = a->n, u = a->usable;
    /* fixed: constants, tables (row 0 zero), selectors on rows 1 .. u-2 */
    for (uint32_t i = 0; i < nconst; i++)
        for (size_t row = 0; row < u; row++) rand_fp(&r, &zk_asg_fixed(a, constc[i].index)[row]);
    size_t tabrows = 1 + (size_t)rnd(&r, u - 1);
    for (uint32_t l = 0; l < nlookups; l++) {
        for (uint32_t j = 0; j < lm[l]; j++)
            for (size_t row = 1; row < tabrows; row++) zk_fp_from_u64(&zk_asg_fixed(a, ltab[l][j].index)[row], rnd(&r, 1000));
        for (size_t row = 1; row + 1 < u; row++) zk_asg_fixed(a, lsel[l].index)[row] = zk_fp_ONE;
    }
    for (uint32_t g = 0; g < ngates; g++)
        for (size_t row = 1; row + 1 < u; row++) zk_asg_fixed(a, gsel[g].index)[row] = zk_fp_ONE;
    /* witness: free columns random, lookup inputs drawn from table rows */
    for (uint32_t i = 0; i < nfree; i++)
        for (size_t row = 0; row < u; row++) rand_fp(&r, &zk_asg_advice(a, freec[i].index)[row]);
    for (uint32_t l = 0; l < nlookups; l++)
        for (size_t row = 0; row < u; row++) {
            size_t t = (size_t)rnd(&r, u);
            for (uint32_t j = 0; j < lm[l]; j++)
                zk_asg_advice(a, lin[l][j].index)[row] = zk_asg_fixed(a, ltab[l][j].index)[t];
        }
    if (ninst) { /* every usable row given: gates read the instance anywhere */
        zk_fp *v = malloc(u * sizeof *v);
        if (!v) return -1;
        for (size_t i = 0; i < u; i++) rand_fp(&r, &v[i]);
        zk_status ist = zk_asg_set_instance(a, 0, v, u, NULL);
        free(v);
        if (ist) return -1;
    }
    /* copies between distinct cells: right := left, each cell used once */
    size_t ncopies = nfree + ninst ? (size_t)rnd(&r, 6) : 0;
    uint8_t *used = calloc((size_t)cs->num_advice * n + n, 1);
    if (!used) return -1;
    for (size_t i = 0; i < ncopies; i++) {
        zk_column lc = ninst && rnd(&r, 3) == 0 ? inst : freec[rnd(&r, nfree)];
        zk_column rc = freec[rnd(&r, nfree)];
        size_t lr = lc.kind == ZK_COL_INSTANCE ? (size_t)rnd(&r, a->instance_len[0]) : (size_t)rnd(&r, u);
        size_t rr = (size_t)rnd(&r, u);
        size_t lkey = lc.kind == ZK_COL_INSTANCE ? (size_t)cs->num_advice * n + lr : (size_t)lc.index * n + lr;
        size_t rkey = (size_t)rc.index * n + rr;
        if (lkey == rkey || used[lkey] || used[rkey]) continue;
        used[lkey] = used[rkey] = 1;
        zk_asg_advice(a, rc.index)[rr] = zk_asg_column(a, lc)[lr];
        if (zk_asg_copy(a, lc, lr, rc, rr, NULL) != ZK_OK) {
            free(used);
            return -1;
        }
        if (!c->has_copy) {
            c->has_copy = 1;
            c->copy = a->copies[a->num_copies - 1];
        }
    }
    free(used);
    /* outputs: o = f on rows 1 .. u-2 */
    zk_expr_prog *prog;
    if (zk_expr_prog_new(&prog, cs, fexpr, nout, NULL) != ZK_OK) return -1;
    const zk_fp *fix[16], *adv[16], *insv[1];
    for (uint32_t i = 0; i < cs->num_fixed; i++) fix[i] = zk_asg_fixed(a, i);
    for (uint32_t i = 0; i < cs->num_advice; i++) adv[i] = zk_asg_advice(a, i);
    if (ninst) insv[0] = zk_asg_instance(a, 0);
    zk_colview view = {fix, adv, insv, n, 1};
    zk_fp *outs[4];
    for (uint32_t o = 0; o < nout; o++) outs[o] = zk_asg_advice(a, outc[o].index) + 1;
    zk_status st = zk_expr_prog_eval(prog, &view, 1, u - 1, outs);
    zk_expr_prog_free(prog);
    if (st) return -1;
    c->gate_out_col = outc[0].index;
    c->gate_row = 1 + (size_t)rnd(&r, u - 2);
    (void)out_gate;
    if (nlookups) {
        c->has_lookup = 1;
        c->lookup_col = lin[0][0].index;
        c->lookup_row = 1 + (size_t)rnd(&r, u - 2);
    }
    return 0;
}

static int mock_ok(const rcirc *c) {
    zk_mock_report *rep = NULL;
    if (zk_mock_verify_var(c->cs, c->asg, NULL, &rep, NULL) != ZK_OK) return -1;
    int ok = zk_mock_ok(rep);
    if (!ok && getenv("ZK_SOUND_VERBOSE")) {
        char *sum = zk_mock_report_summary(rep, 5);
        fprintf(stderr, "%s\n", sum ? sum : "?");
        free(sum);
    }
    zk_mock_report_free(rep);
    return ok;
}

/* Proves (opts flags) and verifies; returns the verifier's status, or the
 * prover's if it fails. */
static zk_status prove_verify(const zk_ipa_params *p, const zk_plonk_vk *vk, const zk_plonk_pk *pk, const rcirc *c,
                              uint64_t seed, unsigned flags, uint8_t **proof_out, size_t *len_out) {
    zk_rng rng;
    zk_rng_init_splitmix64(&rng, seed);
    zk_transcript t;
    zk_transcript_init_writer(&t);
    zk_prove_opts opts = {NULL, NULL, flags};
    zk_error err;
    zk_status st = zk_plonk_prove_asg(p, pk, c->asg, &rng, &t, &opts, &err);
    if (st) {
        zk_transcript_free(&t);
        return st;
    }
    size_t len;
    const uint8_t *proof = zk_transcript_proof(&t, &len);
    const zk_fp *inst[1] = {c->asg->num_instance ? zk_asg_instance(c->asg, 0) : NULL};
    st = zk_plonk_verify(p, vk, inst, c->asg->instance_len, proof, len, &err);
    if (proof_out) zk_transcript_take_proof(&t, proof_out, len_out);
    zk_transcript_free(&t);
    return st;
}

static void one_circuit(uint64_t seed, uint32_t k) {
    rcirc c;
    REQUIRE(rc_build(seed, k, &c) == 0);
    CHECK_MSG(mock_ok(&c) == 1, "seed %llu k %u: the honest witness fails MockProver", (unsigned long long)seed, k);
    zk_ipa_params *p = NULL;
    zk_plonk_vk *vk = NULL;
    zk_plonk_pk *pk = NULL;
    zk_error err;
    REQUIRE(zk_ipa_params_new(&p, k, 0) == ZK_OK);
    zk_status st = zk_plonk_keygen(p, c.cs, c.asg, (seed & 1) ? ZK_VK_TRANSCRIPT_ZKML : ZK_VK_TRANSCRIPT_HALO2,
                                   (seed & 2) ? ZK_PK_NO_COSETS : 0, &vk, &pk, &err);
    CHECK_MSG(st == ZK_OK, "seed %llu: keygen: %s", (unsigned long long)seed, err.msg);
    if (st) goto out;
    size_t expect_len = zk_plonk_proof_size(vk), len = 0;
    uint8_t *proof = NULL;
    st = prove_verify(p, vk, pk, &c, seed, 0, &proof, &len);
    CHECK_MSG(st == ZK_OK, "seed %llu k %u (degree %u, %u lookups): honest proof: %s", (unsigned long long)seed, k,
              vk->degree, c.cs->num_lookups, zk_status_name(st));
    CHECK_EQ_INT(len, expect_len);
    free(proof);

    /* a gate output changed */
    zk_fp *cell = &zk_asg_advice(c.asg, c.gate_out_col)[c.gate_row], saved = *cell;
    zk_fp_add(cell, cell, &zk_fp_ONE);
    CHECK_MSG(mock_ok(&c) == 0, "seed %llu: MockProver accepts a changed gate output", (unsigned long long)seed);
    CHECK_MSG(prove_verify(p, vk, pk, &c, seed + 1, 0, NULL, NULL) == ZK_ERR_VERIFY,
              "seed %llu: a proof with a changed gate output verifies", (unsigned long long)seed);
    *cell = saved;
    /* a lookup input outside its table */
    if (c.has_lookup) {
        cell = &zk_asg_advice(c.asg, c.lookup_col)[c.lookup_row];
        saved = *cell;
        zk_fp_from_u64(cell, 123456789);
        CHECK_MSG(mock_ok(&c) == 0, "seed %llu: MockProver accepts a bad lookup input", (unsigned long long)seed);
        CHECK(prove_verify(p, vk, pk, &c, seed + 2, 0, NULL, NULL) == ZK_ERR_VERIFY); /* the prover refuses */
        CHECK_MSG(prove_verify(p, vk, pk, &c, seed + 2, ZK_PROVE_FORCE, NULL, NULL) == ZK_ERR_VERIFY,
                  "seed %llu: a proof with a bad lookup input verifies", (unsigned long long)seed);
        *cell = saved;
    }
    /* one side of a copy changed */
    if (c.has_copy) {
        cell = &zk_asg_advice(c.asg, c.copy.right.index)[c.copy.right_row];
        saved = *cell;
        zk_fp_add(cell, cell, &zk_fp_ONE);
        CHECK_MSG(mock_ok(&c) == 0, "seed %llu: MockProver accepts a broken copy", (unsigned long long)seed);
        CHECK_MSG(prove_verify(p, vk, pk, &c, seed + 3, ZK_PROVE_FORCE, NULL, NULL) == ZK_ERR_VERIFY,
                  "seed %llu: a proof with a broken copy verifies", (unsigned long long)seed);
        *cell = saved;
    }
out:
    zk_plonk_pk_free(pk);
    zk_plonk_vk_free(vk);
    zk_ipa_params_free(p);
    rc_free(&c);
}

TEST(plonk_sound_random_circuits) {
    uint32_t kmax = 12;
    for (uint32_t k = 4; k <= kmax; k++) one_circuit(0x5eed0000ULL + 97 * k, k);
    /* more shapes at small sizes */
    for (uint64_t s = 0; s < 16; s++) one_circuit(0xabcd00ULL + s, 4 + (uint32_t)(s % 3));
}

/* Every byte of a proof, flipped (one bit), makes verification fail. */
TEST(plonk_sound_flip_every_byte) {
    rcirc c;
    uint32_t k = 4;
    /* a circuit with lookups, copies and an instance */
    uint64_t seed = 0;
    for (uint64_t s = 1; s < 200; s++) {
        REQUIRE(rc_build(s, k, &c) == 0);
        int good = c.has_lookup && c.has_copy && c.cs->num_instance;
        if (good) {
            seed = s;
            break;
        }
        rc_free(&c);
    }
    REQUIRE(seed);
    zk_ipa_params *p = NULL;
    zk_plonk_vk *vk = NULL;
    zk_plonk_pk *pk = NULL;
    REQUIRE(zk_ipa_params_new(&p, k, 0) == ZK_OK);
    REQUIRE(zk_plonk_keygen(p, c.cs, c.asg, ZK_VK_TRANSCRIPT_ZKML, 0, &vk, &pk, NULL) == ZK_OK);
    uint8_t *proof = NULL;
    size_t len = 0;
    REQUIRE(prove_verify(p, vk, pk, &c, 7, 0, &proof, &len) == ZK_OK);
    const zk_fp *inst[1] = {zk_asg_instance(c.asg, 0)};
    size_t step = 1, accepted = 0, tried = 0;
    for (size_t i = 0; i < len; i += step) {
        uint8_t bit = (uint8_t)(1u << (i % 8));
        proof[i] ^= bit;
        zk_status st = zk_plonk_verify(p, vk, inst, c.asg->instance_len, proof, len, NULL);
        if (st == ZK_OK) accepted++;
        proof[i] ^= bit;
        tried++;
    }
    CHECK_MSG(accepted == 0, "%zu of %zu flipped proofs verified", accepted, tried);
    /* truncations and extensions */
    CHECK(zk_plonk_verify(p, vk, inst, c.asg->instance_len, proof, 0, NULL) == ZK_ERR_TRUNCATED);
    CHECK(zk_plonk_verify(p, vk, inst, c.asg->instance_len, proof, len / 2, NULL) == ZK_ERR_TRUNCATED);
    uint8_t *longer = malloc(len + 32);
    REQUIRE(longer);
    memcpy(longer, proof, len);
    memset(longer + len, 0, 32);
    CHECK(zk_plonk_verify(p, vk, inst, c.asg->instance_len, longer, len + 32, NULL) == ZK_ERR_PARSE);
    CHECK(zk_plonk_verify(p, vk, inst, c.asg->instance_len, longer, len, NULL) == ZK_OK);
    free(longer);
    free(proof);
    zk_plonk_pk_free(pk);
    zk_plonk_vk_free(vk);
    zk_ipa_params_free(p);
    rc_free(&c);
}
