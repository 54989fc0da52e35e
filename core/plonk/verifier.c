/* halo2 verify_proof with SingleVerifier and BatchVerifier (verifier.h). */
#include "plonk/verifier.h"

#include <stdlib.h>
#include <string.h>

#include "commit/multiopen.h"
#include "transcript/transcript.h"

typedef struct {
    const zk_ipa_params *params;
    const zk_plonk_vk *vk;
    const zk_cs *cs;
    zk_transcript t;
    zk_error *err;
    size_t n;
    uint32_t na, nf, ni, np, nl, sets, pieces;
    /* commitments */
    zk_vesta_affine *instance_comm; /* [ni] */
    zk_vesta_affine *advice_comm;   /* [na] */
    zk_vesta_affine *lookup_comm;   /* [nl][3]: A', S', Z */
    zk_vesta_affine *perm_comm;     /* [sets] */
    zk_vesta_affine random_comm;
    zk_vesta_affine *h_comm;        /* [pieces] */
    /* challenges */
    zk_fp theta, beta, gamma, y, x, xn;
    /* evaluations */
    zk_fp *instance_evals, *advice_evals, *fixed_evals; /* per query */
    zk_fp random_eval;
    zk_fp *sigma_evals;  /* [np] */
    zk_fp *perm_evals;   /* [sets][3]: z(x), z(omega x), z(omega^last x) (not for the last set) */
    zk_fp *lookup_evals; /* [nl][5]: z(x), z(omega x), a'(x), a'(omega^-1 x), s'(x) */
    zk_fp *node_vals;    /* expression node values at x */
    zk_ipa_msm h_msm;
} verifier;

static void verifier_free(verifier *V) {
    free(V->instance_comm);
    free(V->advice_comm);
    free(V->lookup_comm);
    free(V->perm_comm);
    free(V->h_comm);
    free(V->instance_evals);
    free(V->advice_evals);
    free(V->fixed_evals);
    free(V->sigma_evals);
    free(V->perm_evals);
    free(V->lookup_evals);
    free(V->node_vals);
    zk_ipa_msm_free(&V->h_msm);
}

/* A transcript failure: which item could not be read. */
static zk_status rd(verifier *V, zk_status st, const char *what) {
    if (st == ZK_OK) return ZK_OK;
    if (st == ZK_ERR_TRUNCATED)
        return zk_fail(V->err, st, "proof: truncated while reading %s (%zu bytes)", what, V->t.in_len);
    if (st == ZK_ERR_ENCODING)
        return zk_fail(V->err, st, "proof: %s does not decode (or is the identity) before byte %zu", what, V->t.in_pos);
    return zk_fail(V->err, st, "proof: transcript error at %s", what);
}

static zk_status read_points(verifier *V, zk_vesta_affine *p, size_t count, const char *what) {
    for (size_t i = 0; i < count; i++) {
        zk_status st = rd(V, zk_transcript_vesta_read_point(&V->t, &p[i]), what);
        if (st) return st;
    }
    return ZK_OK;
}

static zk_status read_scalars(verifier *V, zk_fp *s, size_t count, const char *what) {
    for (size_t i = 0; i < count; i++) {
        zk_status st = rd(V, zk_transcript_vesta_read_scalar(&V->t, &s[i]), what);
        if (st) return st;
    }
    return ZK_OK;
}

static zk_status squeeze(verifier *V, zk_fp *c) { return rd(V, zk_transcript_vesta_squeeze(&V->t, c), "a challenge"); }

/* Values of every expression node at x from the query evaluations. */
static void eval_nodes(verifier *V) {
    const zk_cs *cs = V->cs;
    for (uint32_t id = 0; id < cs->num_nodes; id++) {
        const zk_expr_node *nd = &cs->nodes[id];
        zk_fp *r = &V->node_vals[id];
        switch (nd->op) {
        case ZK_EXPR_CONSTANT: *r = cs->consts[nd->a]; break;
        case ZK_EXPR_FIXED: *r = V->fixed_evals[nd->a]; break;
        case ZK_EXPR_ADVICE: *r = V->advice_evals[nd->a]; break;
        case ZK_EXPR_INSTANCE: *r = V->instance_evals[nd->a]; break;
        case ZK_EXPR_NEGATED: zk_fp_neg(r, &V->node_vals[nd->a]); break;
        case ZK_EXPR_SUM: zk_fp_add(r, &V->node_vals[nd->a], &V->node_vals[nd->b]); break;
        case ZK_EXPR_PRODUCT: zk_fp_mul(r, &V->node_vals[nd->a], &V->node_vals[nd->b]); break;
        case ZK_EXPR_SCALED: zk_fp_mul(r, &V->node_vals[nd->a], &cs->consts[nd->b]); break;
        default: *r = zk_fp_ZERO; break; /* no selectors in a VK */
        }
    }
}

static inline void fold(zk_fp *acc, const zk_fp *y, const zk_fp *e) {
    zk_fp_mul(acc, acc, y);
    zk_fp_add(acc, acc, e);
}

/* Evaluation at x of permutation column j (its (column, 0) query). */
static const zk_fp *perm_column_eval(const verifier *V, uint32_t j) {
    zk_column c = V->cs->perm_columns[j];
    uint32_t q = V->vk->perm_query[j];
    return c.kind == ZK_COL_ADVICE ? &V->advice_evals[q] : c.kind == ZK_COL_FIXED ? &V->fixed_evals[q] : &V->instance_evals[q];
}

/* The fold over y of every constraint at x: gates, permutation, lookups. */
static zk_status expected_fold(verifier *V, zk_fp *out) {
    const zk_cs *cs = V->cs;
    const zk_plonk_vk *vk = V->vk;
    uint32_t bf = vk->blinding_factors;
    zk_fp *l = malloc(((size_t)bf + 2) * sizeof *l);
    if (!l) return zk_fail(V->err, ZK_ERR_NOMEM, "out of memory");
    /* l_last = l_{-(bf+1)}, l_blind = sum of l_{-bf} .. l_{-1}, l_0 */
    zk_status st = zk_fp_domain_l_i_range(vk->domain, l, &V->x, &V->xn, -(int32_t)(bf + 1), 0);
    if (st) {
        free(l);
        return zk_fail(V->err, st, "verifier: Lagrange evaluation failed");
    }
    zk_fp l_last = l[0], l_blind = zk_fp_ZERO, l0 = l[bf + 1], active, t1, t2, e;
    for (uint32_t i = 1; i <= bf; i++) zk_fp_add(&l_blind, &l_blind, &l[i]);
    free(l);
    zk_fp_add(&active, &l_last, &l_blind);
    zk_fp_sub(&active, &zk_fp_ONE, &active);

    zk_fp acc = zk_fp_ZERO;
    eval_nodes(V);
    for (uint32_t i = 0; i < cs->num_polys; i++) fold(&acc, &V->y, &V->node_vals[cs->polys[i].expr]);

    uint32_t sets = V->sets, chunk = vk->perm_chunk;
    if (sets) {
        const zk_fp *z0 = &V->perm_evals[0], *zl = &V->perm_evals[3 * (sets - 1)];
        zk_fp_sub(&e, &zk_fp_ONE, z0);
        zk_fp_mul(&e, &e, &l0);
        fold(&acc, &V->y, &e);
        zk_fp_sqr(&e, zl);
        zk_fp_sub(&e, &e, zl);
        zk_fp_mul(&e, &e, &l_last);
        fold(&acc, &V->y, &e);
        for (uint32_t s = 1; s < sets; s++) {
            zk_fp_sub(&e, &V->perm_evals[3 * s], &V->perm_evals[3 * (s - 1) + 2]);
            zk_fp_mul(&e, &e, &l0);
            fold(&acc, &V->y, &e);
        }
        zk_fp delta_pow = zk_fp_ONE, bx;
        zk_fp_mul(&bx, &V->beta, &V->x);
        for (uint32_t s = 0; s < sets; s++) {
            uint32_t first = s * chunk, m = V->np - first < chunk ? V->np - first : chunk;
            zk_fp left = V->perm_evals[3 * s + 1], right = V->perm_evals[3 * s];
            for (uint32_t j = first; j < first + m; j++) {
                const zk_fp *v = perm_column_eval(V, j);
                zk_fp_mul(&t1, &V->beta, &V->sigma_evals[j]);
                zk_fp_add(&t1, &t1, v);
                zk_fp_add(&t1, &t1, &V->gamma);
                zk_fp_mul(&left, &left, &t1);
                zk_fp_mul(&t2, &bx, &delta_pow);
                zk_fp_add(&t2, &t2, v);
                zk_fp_add(&t2, &t2, &V->gamma);
                zk_fp_mul(&right, &right, &t2);
                zk_fp_mul(&delta_pow, &delta_pow, &zk_fp_DELTA);
            }
            zk_fp_sub(&e, &left, &right);
            zk_fp_mul(&e, &e, &active);
            fold(&acc, &V->y, &e);
        }
    }
    for (uint32_t li = 0; li < V->nl; li++) {
        const zk_fp *ev = &V->lookup_evals[5 * li];
        const zk_fp *z = &ev[0], *znext = &ev[1], *a = &ev[2], *ainv = &ev[3], *s = &ev[4];
        const zk_lookup *lk = &cs->lookups[li];
        zk_fp ci = zk_fp_ZERO, cs_ = zk_fp_ZERO;
        for (uint32_t j = 0; j < lk->count; j++) {
            fold(&ci, &V->theta, &V->node_vals[cs->lookup_inputs[lk->first + j]]);
            fold(&cs_, &V->theta, &V->node_vals[cs->lookup_tables[lk->first + j]]);
        }
        zk_fp_sub(&e, &zk_fp_ONE, z);
        zk_fp_mul(&e, &e, &l0);
        fold(&acc, &V->y, &e);
        zk_fp_sqr(&e, z);
        zk_fp_sub(&e, &e, z);
        zk_fp_mul(&e, &e, &l_last);
        fold(&acc, &V->y, &e);
        zk_fp_add(&t1, a, &V->beta);
        zk_fp_add(&t2, s, &V->gamma);
        zk_fp_mul(&e, &t1, &t2);
        zk_fp_mul(&e, &e, znext);
        zk_fp_add(&t1, &ci, &V->beta);
        zk_fp_add(&t2, &cs_, &V->gamma);
        zk_fp_mul(&t1, &t1, &t2);
        zk_fp_mul(&t1, &t1, z);
        zk_fp_sub(&e, &e, &t1);
        zk_fp_mul(&e, &e, &active);
        fold(&acc, &V->y, &e);
        zk_fp_sub(&t1, a, s);
        zk_fp_mul(&e, &t1, &l0);
        fold(&acc, &V->y, &e);
        zk_fp_sub(&t2, a, ainv);
        zk_fp_mul(&e, &t1, &t2);
        zk_fp_mul(&e, &e, &active);
        fold(&acc, &V->y, &e);
    }
    *out = acc;
    return ZK_OK;
}

static void vq(zk_multiopen_verifier_query *q, size_t *i, const verifier *V, zk_commitment_ref ref, int32_t rot,
               const zk_fp *eval) {
    q[*i].commitment = ref;
    zk_fp_domain_rotate_omega(V->vk->domain, &q[*i].point, &V->x, rot);
    q[*i].eval = *eval;
    (*i)++;
}

/* Instance commitments: commit_lagrange(padded column, blind 1). */
static zk_status instance_commitments(verifier *V, const zk_fp *const *instances, const size_t *lens) {
    size_t n = V->n, usable = n - (V->vk->blinding_factors + 1);
    if (V->ni == 0) return ZK_OK;
    if (!lens) return zk_fail(V->err, ZK_ERR_INVALID_ARG, "verifier: instance lengths missing");
    for (uint32_t c = 0; c < V->ni; c++) {
        if (lens[c] > usable)
            return zk_fail(V->err, ZK_ERR_RANGE, "verifier: instance column %u has %zu values, at most %zu fit", c,
                           lens[c], usable);
        if (lens[c] && (!instances || !instances[c]))
            return zk_fail(V->err, ZK_ERR_INVALID_ARG, "verifier: instance column %u is NULL", c);
    }
    zk_fp *buf = malloc(n * sizeof *buf);
    zk_vesta *proj = malloc(V->ni * sizeof *proj);
    zk_fp_ntt *ntt = NULL;
    zk_status st = buf && proj ? ZK_OK : ZK_ERR_NOMEM;
    if (!st && !V->params->g_lagrange) st = zk_fp_ntt_new(&ntt, V->vk->k);
    for (uint32_t c = 0; c < V->ni && !st; c++) {
        memset(buf, 0, n * sizeof *buf);
        if (lens[c]) memcpy(buf, instances[c], lens[c] * sizeof *buf);
        st = zk_ipa_commit_lagrange(V->params, &proj[c], buf, &zk_fp_ONE, ntt);
    }
    if (!st) st = zk_vesta_batch_to_affine_var(V->instance_comm, proj, V->ni);
    zk_fp_ntt_free(ntt);
    free(buf);
    free(proj);
    if (st) return zk_fail(V->err, st, "verifier: instance commitments failed");
    return ZK_OK;
}

zk_status zk_plonk_verify_msm(const zk_ipa_params *params, const zk_plonk_vk *vk, const zk_fp *const *instances,
                              const size_t *instance_lens, const uint8_t *proof, size_t proof_len, zk_ipa_msm *msm,
                              zk_error *err) {
    if (!msm) return zk_fail(err, ZK_ERR_INVALID_ARG, "verifier: NULL msm");
    memset(msm, 0, sizeof *msm);
    if (!params || !vk || (!proof && proof_len)) return zk_fail(err, ZK_ERR_INVALID_ARG, "verifier: NULL argument");
    zk_ipa_msm_init(msm, params);
    if (params->k != vk->k)
        return zk_fail(err, ZK_ERR_SHAPE, "verifier: params are for k = %u, the VK for k = %u", params->k, vk->k);
    verifier V;
    memset(&V, 0, sizeof V);
    V.params = params;
    V.vk = vk;
    V.cs = vk->cs;
    V.err = err;
    V.n = vk->n;
    V.na = V.cs->num_advice;
    V.nf = V.cs->num_fixed;
    V.ni = V.cs->num_instance;
    V.np = V.cs->num_perm_columns;
    V.nl = V.cs->num_lookups;
    V.sets = vk->perm_sets;
    V.pieces = (uint32_t)vk->domain->quotient_poly_degree;
    zk_ipa_msm_init(&V.h_msm, params);
    zk_transcript_init_reader(&V.t, proof, proof_len);
    const zk_cs *cs = V.cs;
    zk_multiopen_verifier_query *q = NULL;
    zk_status st = ZK_OK;

    V.instance_comm = malloc(((size_t)V.ni + 1) * sizeof(zk_vesta_affine));
    V.advice_comm = malloc(((size_t)V.na + 1) * sizeof(zk_vesta_affine));
    V.lookup_comm = malloc((3 * (size_t)V.nl + 1) * sizeof(zk_vesta_affine));
    V.perm_comm = malloc(((size_t)V.sets + 1) * sizeof(zk_vesta_affine));
    V.h_comm = malloc(((size_t)V.pieces + 1) * sizeof(zk_vesta_affine));
    V.instance_evals = malloc(((size_t)cs->num_instance_queries + 1) * sizeof(zk_fp));
    V.advice_evals = malloc(((size_t)cs->num_advice_queries + 1) * sizeof(zk_fp));
    V.fixed_evals = malloc(((size_t)cs->num_fixed_queries + 1) * sizeof(zk_fp));
    V.sigma_evals = malloc(((size_t)V.np + 1) * sizeof(zk_fp));
    V.perm_evals = calloc(3 * (size_t)V.sets + 1, sizeof(zk_fp));
    V.lookup_evals = malloc((5 * (size_t)V.nl + 1) * sizeof(zk_fp));
    V.node_vals = malloc(((size_t)cs->num_nodes + 1) * sizeof(zk_fp));
    if (!V.instance_comm || !V.advice_comm || !V.lookup_comm || !V.perm_comm || !V.h_comm || !V.instance_evals ||
        !V.advice_evals || !V.fixed_evals || !V.sigma_evals || !V.perm_evals || !V.lookup_evals || !V.node_vals) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    st = instance_commitments(&V, instances, instance_lens);
    if (st) goto done;

    /* hash the VK, then the instance commitments */
    st = rd(&V, zk_transcript_vesta_common_scalar(&V.t, &vk->transcript_repr), "the VK");
    for (uint32_t c = 0; c < V.ni && !st; c++)
        st = rd(&V, zk_transcript_vesta_common_point(&V.t, &V.instance_comm[c]), "an instance commitment");
    /* advice commitments; theta; lookup permuted commitments */
    if (!st) st = read_points(&V, V.advice_comm, V.na, "an advice commitment");
    if (!st) st = squeeze(&V, &V.theta);
    for (uint32_t l = 0; l < V.nl && !st; l++) st = read_points(&V, &V.lookup_comm[3 * l], 2, "a lookup permuted commitment");
    /* beta, gamma; permutation products; lookup products */
    if (!st) st = squeeze(&V, &V.beta);
    if (!st) st = squeeze(&V, &V.gamma);
    if (!st) st = read_points(&V, V.perm_comm, V.sets, "a permutation product commitment");
    for (uint32_t l = 0; l < V.nl && !st; l++) st = read_points(&V, &V.lookup_comm[3 * l + 2], 1, "a lookup product commitment");
    /* vanishing: random polynomial; y; h pieces; x */
    if (!st) st = read_points(&V, &V.random_comm, 1, "the vanishing random commitment");
    if (!st) st = squeeze(&V, &V.y);
    if (!st) st = read_points(&V, V.h_comm, V.pieces, "an h(X) piece commitment");
    if (!st) st = squeeze(&V, &V.x);
    /* evaluations */
    if (!st) st = read_scalars(&V, V.instance_evals, cs->num_instance_queries, "an instance evaluation");
    if (!st) st = read_scalars(&V, V.advice_evals, cs->num_advice_queries, "an advice evaluation");
    if (!st) st = read_scalars(&V, V.fixed_evals, cs->num_fixed_queries, "a fixed evaluation");
    if (!st) st = read_scalars(&V, &V.random_eval, 1, "the random evaluation");
    if (!st) st = read_scalars(&V, V.sigma_evals, V.np, "a permutation evaluation");
    for (uint32_t s = 0; s < V.sets && !st; s++)
        st = read_scalars(&V, &V.perm_evals[3 * s], s + 1 < V.sets ? 3 : 2, "a permutation product evaluation");
    for (uint32_t l = 0; l < V.nl && !st; l++) st = read_scalars(&V, &V.lookup_evals[5 * l], 5, "a lookup evaluation");
    if (st) goto done;

    /* the vanishing check: expected h(x) = fold / (x^n - 1) */
    zk_fp_pow_u64(&V.xn, &V.x, (uint64_t)V.n);
    zk_fp den, expected_h;
    zk_fp_sub(&den, &V.xn, &zk_fp_ONE);
    if (zk_fp_is_zero(&den)) {
        st = zk_fail(err, ZK_ERR_VERIFY, "verifier: x is a root of unity");
        goto done;
    }
    st = expected_fold(&V, &expected_h);
    if (st) goto done;
    zk_fp_inv_var(&den, &den);
    zk_fp_mul(&expected_h, &expected_h, &den);
    /* h's commitment: sum_i xn^i H_i, as halo2 folds it */
    for (uint32_t i = V.pieces; i-- > 0 && !st;) {
        zk_ipa_msm_scale(&V.h_msm, &V.xn);
        st = zk_ipa_msm_append_term(&V.h_msm, &zk_fp_ONE, &V.h_comm[i]);
    }
    if (st) {
        st = zk_fail(err, st, "out of memory");
        goto done;
    }

    /* the queries, in halo2's order */
    size_t count = cs->num_instance_queries + cs->num_advice_queries + 2 * (size_t)V.sets + (V.sets ? V.sets - 1 : 0) +
                   5 * (size_t)V.nl + cs->num_fixed_queries + V.np + 2;
    q = malloc(count * sizeof *q);
    if (!q) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t i = 0;
    int32_t last = -(int32_t)(vk->blinding_factors + 1);
    for (uint32_t k = 0; k < cs->num_instance_queries; k++)
        vq(q, &i, &V, zk_commitment_ref_point(&V.instance_comm[cs->instance_queries[k].column]),
           cs->instance_queries[k].rotation, &V.instance_evals[k]);
    for (uint32_t k = 0; k < cs->num_advice_queries; k++)
        vq(q, &i, &V, zk_commitment_ref_point(&V.advice_comm[cs->advice_queries[k].column]),
           cs->advice_queries[k].rotation, &V.advice_evals[k]);
    for (uint32_t s = 0; s < V.sets; s++) {
        vq(q, &i, &V, zk_commitment_ref_point(&V.perm_comm[s]), 0, &V.perm_evals[3 * s]);
        vq(q, &i, &V, zk_commitment_ref_point(&V.perm_comm[s]), 1, &V.perm_evals[3 * s + 1]);
    }
    for (uint32_t s = V.sets; s-- > 1;)
        vq(q, &i, &V, zk_commitment_ref_point(&V.perm_comm[s - 1]), last, &V.perm_evals[3 * (s - 1) + 2]);
    for (uint32_t l = 0; l < V.nl; l++) {
        const zk_vesta_affine *c = &V.lookup_comm[3 * l];
        const zk_fp *ev = &V.lookup_evals[5 * l];
        vq(q, &i, &V, zk_commitment_ref_point(&c[2]), 0, &ev[0]);
        vq(q, &i, &V, zk_commitment_ref_point(&c[0]), 0, &ev[2]);
        vq(q, &i, &V, zk_commitment_ref_point(&c[1]), 0, &ev[4]);
        vq(q, &i, &V, zk_commitment_ref_point(&c[0]), -1, &ev[3]);
        vq(q, &i, &V, zk_commitment_ref_point(&c[2]), 1, &ev[1]);
    }
    for (uint32_t k = 0; k < cs->num_fixed_queries; k++)
        vq(q, &i, &V, zk_commitment_ref_point(&vk->fixed_commitments[cs->fixed_queries[k].column]),
           cs->fixed_queries[k].rotation, &V.fixed_evals[k]);
    for (uint32_t j = 0; j < V.np; j++) vq(q, &i, &V, zk_commitment_ref_point(&vk->perm_commitments[j]), 0, &V.sigma_evals[j]);
    vq(q, &i, &V, zk_commitment_ref_msm(&V.h_msm), 0, &expected_h);
    vq(q, &i, &V, zk_commitment_ref_point(&V.random_comm), 0, &V.random_eval);

    zk_ipa_guard guard;
    st = zk_multiopen_verify_proof(params, &V.t, q, i, msm, &guard);
    if (st) {
        if (st == ZK_ERR_TRUNCATED || st == ZK_ERR_ENCODING) st = rd(&V, st, "the opening proof");
        else st = zk_fail(err, st, "verifier: the multi-opening failed");
        goto done;
    }
    if (zk_transcript_remaining(&V.t)) {
        st = zk_fail(err, ZK_ERR_PARSE, "proof: %zu trailing bytes after a complete proof of %zu bytes",
                     zk_transcript_remaining(&V.t), proof_len - zk_transcript_remaining(&V.t));
        goto done;
    }
    st = zk_ipa_guard_use_challenges(&guard, msm);
    if (st) st = zk_fail(err, st, "out of memory");
done:
    free(q);
    verifier_free(&V);
    zk_transcript_free(&V.t);
    return st;
}

zk_status zk_plonk_verify(const zk_ipa_params *params, const zk_plonk_vk *vk, const zk_fp *const *instances,
                          const size_t *instance_lens, const uint8_t *proof, size_t proof_len, zk_error *err) {
    zk_ipa_msm msm;
    zk_status st = zk_plonk_verify_msm(params, vk, instances, instance_lens, proof, proof_len, &msm, err);
    if (!st) {
        st = zk_ipa_msm_check(&msm);
        if (st == ZK_ERR_VERIFY) st = zk_fail(err, st, "verifier: the final MSM is not the identity (the proof is false)");
        else if (st) st = zk_fail(err, st, "verifier: evaluating the final MSM failed");
    }
    zk_ipa_msm_free(&msm);
    return st;
}

/* ---- batch ---- */

struct zk_plonk_batch {
    const zk_ipa_params *params;
    const zk_plonk_vk *vk;
    zk_rng own_rng, *rng;
    zk_ipa_msm acc;
    size_t count;
    int failed;
};

zk_status zk_plonk_batch_new(zk_plonk_batch **out, const zk_ipa_params *params, const zk_plonk_vk *vk, zk_rng *rng) {
    if (!out || !params || !vk) return ZK_ERR_INVALID_ARG;
    zk_plonk_batch *b = calloc(1, sizeof *b);
    if (!b) return ZK_ERR_NOMEM;
    b->params = params;
    b->vk = vk;
    if (rng) {
        b->rng = rng;
    } else {
        zk_rng_init_os(&b->own_rng);
        b->rng = &b->own_rng;
    }
    zk_ipa_msm_init(&b->acc, params);
    *out = b;
    return ZK_OK;
}

zk_status zk_plonk_batch_add(zk_plonk_batch *b, const zk_fp *const *instances, const size_t *instance_lens,
                             const uint8_t *proof, size_t proof_len, zk_error *err) {
    if (!b) return zk_fail(err, ZK_ERR_INVALID_ARG, "batch is NULL");
    b->count++;
    zk_ipa_msm msm;
    zk_status st = zk_plonk_verify_msm(b->params, b->vk, instances, instance_lens, proof, proof_len, &msm, err);
    if (!st) {
        st = zk_ipa_msm_accumulate(&b->acc, &msm, b->rng);
        if (st) st = zk_fail(err, st, "batch: accumulating the proof's MSM failed");
    }
    zk_ipa_msm_free(&msm);
    if (st) b->failed = 1;
    return st;
}

size_t zk_plonk_batch_count(const zk_plonk_batch *b) { return b ? b->count : 0; }

zk_status zk_plonk_batch_finish(zk_plonk_batch *b, zk_error *err) {
    if (!b) return zk_fail(err, ZK_ERR_INVALID_ARG, "batch is NULL");
    if (b->failed) return zk_fail(err, ZK_ERR_VERIFY, "batch: a proof failed when it was added");
    zk_status st = zk_ipa_msm_check(&b->acc);
    if (st == ZK_ERR_VERIFY) return zk_fail(err, st, "batch: the combined MSM is not the identity (some proof is false)");
    if (st) return zk_fail(err, st, "batch: evaluating the final MSM failed");
    return ZK_OK;
}

void zk_plonk_batch_free(zk_plonk_batch *b) {
    if (!b) return;
    zk_ipa_msm_free(&b->acc);
    free(b);
}
