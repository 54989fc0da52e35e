/* halo2 create_proof, step by step (prover.h). */
#include "plonk/prover.h"

#include <stdlib.h>
#include <string.h>

#include "commit/multiopen.h"
#include "plonk/plonk_internal.h"
#include "poly/poly.h"
#include "util/threads.h"

/* ---- staged state of each argument (halo2's Permuted/Committed/...) ---- */

typedef enum { ST_NONE = 0, ST_PERMUTED, ST_COMMITTED, ST_CONSTRUCTED, ST_EVALUATED } stage;

/* Every step checks the stage of what it consumes. */
#define EXPECT_STAGE(P, obj_stage, want)                                                                   \
    do {                                                                                                  \
        if ((obj_stage) != (want))                                                                        \
            return zk_fail((P)->err, ZK_ERR_STATE, "prover: %s at stage %d, expected %d", __func__,      \
                           (int)(obj_stage), (int)(want));                                                \
    } while (0)

typedef struct {
    stage st;
    /* Permuted .. Committed: Lagrange values over the n rows */
    zk_fp *compressed_input, *compressed_table;
    zk_fp *permuted_input, *permuted_table;
    /* Permuted .. Evaluated: coefficients and blinds */
    zk_fp *permuted_input_poly, *permuted_table_poly;
    zk_fp permuted_input_blind, permuted_table_blind;
    /* Committed .. Evaluated */
    zk_fp *product_poly;
    zk_fp product_blind;
} lookup_state;

typedef struct {
    stage st;
    uint32_t sets;
    zk_fp *polys;  /* [sets][n] coefficients of the products z_s */
    zk_fp *blinds; /* [sets] */
} perm_state;

typedef struct {
    stage st;
    zk_fp *random_poly; /* n coefficients */
    zk_fp random_blind;
    zk_fp *h_pieces;    /* Constructed: [pieces][n] coefficients */
    zk_fp *h_blinds;    /* [pieces] */
    size_t pieces;
    zk_fp *h_poly;      /* Evaluated: sum_i x^(n i) h_i */
    zk_fp h_blind;
} vanishing_state;

typedef struct {
    const zk_ipa_params *params;
    const zk_plonk_pk *pk;
    const zk_plonk_vk *vk;
    const zk_cs *cs;
    const zk_fp_domain *d;
    zk_rng *rng;
    zk_transcript *t;
    zk_prove_opts opts;
    zk_error *err;
    size_t n, usable;
    uint32_t k, bf;
    uint32_t na, nf, ni, np, nl;

    /* inputs */
    const zk_fp *const *instances;
    const size_t *instance_lens;
    const zk_assignment *asg;

    /* instance and advice: Lagrange values until step 4, coefficients to the end */
    zk_fp *instance_values, *instance_polys; /* [ni][n] */
    zk_fp *advice_values, *advice_polys;     /* [na][n] */
    zk_fp *advice_blinds;                    /* [na] */

    zk_fp theta, beta, gamma, y, x, xn;
    lookup_state *lookups; /* [nl] */
    perm_state perm;
    vanishing_state van;
    zk_fp *h_ext; /* step 7 -> 8: h on the extended coset, natural order */

    uint64_t done, total; /* progress units */
} prover;

const char *zk_prove_stage_name(zk_prove_stage s) {
    static const char *names[] = {"?",           "instance",        "advice",     "lookup permuted", "permutation",
                                  "lookup product", "vanishing random", "quotient", "quotient commit", "evaluations",
                                  "multiopen",   "done"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}

static void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}

/* Frees a secret buffer of count field elements after wiping it. */
static void free_secret(zk_fp *p, size_t count) {
    if (!p) return;
    wipe(p, count * sizeof *p);
    free(p);
}

static zk_fp *alloc_fp(size_t count) { return malloc((count ? count : 1) * sizeof(zk_fp)); }

static zk_status nomem(prover *P) { return zk_fail(P->err, ZK_ERR_NOMEM, "prover: out of memory"); }

/* Reports progress; ZK_ERR_CANCELLED if the callback asks to stop. */
static zk_status checkpoint(prover *P, zk_prove_stage s) {
    P->done++;
    if (P->opts.progress && P->opts.progress(P->opts.progress_ctx, s, P->done, P->total))
        return zk_fail(P->err, ZK_ERR_CANCELLED, "proof cancelled after stage \"%s\"", zk_prove_stage_name(s));
    return ZK_OK;
}

static zk_status tr(prover *P, zk_status st) {
    if (st) return zk_fail(P->err, st, "prover: transcript error");
    return ZK_OK;
}

/* ---- helpers: commitments ---- */

/* dst[0..n) = the coefficients of values (Lagrange, n), and *point =
 * commit(dst, blind) = halo2's commit_lagrange(values, blind). For witness
 * columns (lagrange_ok) and params with the Lagrange basis the MSM runs over
 * the values, which are mostly small and so much cheaper than the dense
 * coefficients (plonk_internal.h says when not). */
static zk_status commit_values_into(prover *P, const zk_fp *values, const zk_fp *blind, zk_fp *dst,
                                    zk_vesta_affine *point, int lagrange_ok) {
    memcpy(dst, values, P->n * sizeof *dst);
    zk_status st = zk_fp_domain_lagrange_to_coeff(P->d, dst);
    zk_vesta pr;
    if (!st && lagrange_ok && P->params->g_lagrange && zk_plonk_lagrange_friendly(values, P->n))
        st = zk_ipa_commit_lagrange(P->params, &pr, values, blind, NULL);
    else if (!st) st = zk_ipa_commit(P->params, &pr, dst, P->n, blind);
    if (st) return zk_fail(P->err, st, "prover: commitment failed");
    zk_vesta_to_affine_var(point, &pr);
    return ZK_OK;
}

/* The same into a new buffer *coeffs. */
static zk_status commit_values(prover *P, const zk_fp *values, const zk_fp *blind, zk_fp **coeffs,
                               zk_vesta_affine *point) {
    zk_fp *c = alloc_fp(P->n);
    if (!c) return nomem(P);
    zk_status st = commit_values_into(P, values, blind, c, point, 0);
    if (st) {
        free_secret(c, P->n);
        return st;
    }
    *coeffs = c;
    return ZK_OK;
}

static zk_status commit_coeffs(prover *P, const zk_fp *coeffs, const zk_fp *blind, zk_vesta_affine *point) {
    zk_vesta pr;
    zk_status st = zk_ipa_commit(P->params, &pr, coeffs, P->n, blind);
    if (st) return zk_fail(P->err, st, "prover: commitment failed");
    zk_vesta_to_affine_var(point, &pr);
    return ZK_OK;
}

/* Lagrange values of column (kind, index) while they exist (steps 1-4). */
static const zk_fp *column_values(const prover *P, zk_column c) {
    switch (c.kind) {
    case ZK_COL_ADVICE: return P->advice_values + (size_t)c.index * P->n;
    case ZK_COL_FIXED: return P->pk->fixed_values + (size_t)c.index * P->n;
    default: return P->instance_values + (size_t)c.index * P->n;
    }
}

/* ======================= step 0: the verifying key ======================= */

/* Hash verification key into transcript (halo2 vk.hash_into). */
static zk_status step_hash_vk(prover *P) {
    return tr(P, zk_transcript_vesta_common_scalar(P->t, &P->vk->transcript_repr));
}

/* ======================= step 1: instance ======================= */

/* Instance columns zero-padded to n, committed with blind 1 (Blind::default())
 * and absorbed as common points; kept as values and coefficients. */
static zk_status step_instance(prover *P) {
    size_t n = P->n;
    P->instance_values = alloc_fp((size_t)P->ni * n);
    P->instance_polys = alloc_fp((size_t)P->ni * n);
    if (!P->instance_values || !P->instance_polys) return nomem(P);
    memset(P->instance_values, 0, (size_t)P->ni * n * sizeof(zk_fp));
    for (uint32_t c = 0; c < P->ni; c++) {
        size_t len = P->instance_lens ? P->instance_lens[c] : 0;
        if (len > P->usable)
            return zk_fail(P->err, ZK_ERR_RANGE, "prover: instance column %u has %zu values, at most %zu fit", c, len,
                           P->usable);
        if (len && (!P->instances || !P->instances[c]))
            return zk_fail(P->err, ZK_ERR_INVALID_ARG, "prover: instance column %u is NULL", c);
        if (len) memcpy(P->instance_values + (size_t)c * n, P->instances[c], len * sizeof(zk_fp));
    }
    for (uint32_t c = 0; c < P->ni; c++) {
        zk_vesta_affine pt;
        zk_status st =
            commit_values_into(P, P->instance_values + (size_t)c * n, &zk_fp_ONE, P->instance_polys + (size_t)c * n, &pt, 1);
        if (st) return st;
        st = tr(P, zk_transcript_vesta_common_point(P->t, &pt));
        if (st) return st;
    }
    return ZK_OK;
}

/* ======================= step 2: advice ======================= */

/* Advice columns with random values in the unusable rows (column by column),
 * then a blind per column; commitments written in column order. */
static zk_status step_advice(prover *P) {
    size_t n = P->n, na = P->na;
    const zk_assignment *a = P->asg;
    P->advice_values = alloc_fp(na * n);
    P->advice_polys = alloc_fp(na * n);
    P->advice_blinds = alloc_fp(na);
    zk_vesta_affine *pts = malloc((na + 1) * sizeof *pts);
    zk_status st = ZK_OK;
    if (!P->advice_values || !P->advice_polys || !P->advice_blinds || !pts) {
        free(pts);
        return nomem(P);
    }
    for (size_t c = 0; c < na && !st; c++) {
        zk_fp *col = P->advice_values + c * n;
        memcpy(col, zk_asg_advice(a, (uint32_t)c), P->usable * sizeof(zk_fp));
        st = zk_rng_fp_many(P->rng, col + P->usable, n - P->usable);
    }
    if (!st) st = zk_rng_fp_many(P->rng, P->advice_blinds, na);
    if (st) {
        free(pts);
        return zk_fail(P->err, st, "prover: random number generator failed");
    }
    for (size_t c = 0; c < na && !st; c++) {
        st = commit_values_into(P, P->advice_values + c * n, &P->advice_blinds[c], P->advice_polys + c * n, &pts[c], 1);
    }
    for (size_t c = 0; c < na && !st; c++) st = tr(P, zk_transcript_vesta_write_point(P->t, &pts[c]));
    free(pts);
    return st;
}

/* ======================= step 3: theta, lookups commit_permuted ======================= */

typedef struct {
    uint64_t v[4];
} canon_fp;

static int cmp_canon(const void *a, const void *b) {
    const canon_fp *x = a, *y = b;
    for (int i = 3; i >= 0; i--)
        if (x->v[i] != y->v[i]) return x->v[i] < y->v[i] ? -1 : 1;
    return 0;
}

/* halo2 permute_expression_pair: A' = the usable rows of A sorted; S' puts
 * each distinct value of A at its first row in A' and the leftover table
 * values (ascending) at the repeated rows, last repeated row first. */
static zk_status lookup_permute(prover *P, lookup_state *lk, uint32_t index) {
    size_t u = P->usable, n = P->n;
    canon_fp *A = malloc((u + 1) * sizeof *A), *T = malloc((u + 1) * sizeof *T);
    size_t *rep = malloc((u + 1) * sizeof *rep);
    canon_fp *left = malloc((u + 1) * sizeof *left);
    zk_status st = ZK_OK;
    if (!A || !T || !rep || !left) {
        st = nomem(P);
        goto out;
    }
    for (size_t i = 0; i < u; i++) {
        zk_fp_to_canonical(A[i].v, &lk->compressed_input[i]);
        zk_fp_to_canonical(T[i].v, &lk->compressed_table[i]);
    }
    qsort(A, u, sizeof *A, cmp_canon);
    qsort(T, u, sizeof *T, cmp_canon);
    size_t nrep = 0, nleft = 0, ti = 0;
    for (size_t row = 0; row < u; row++) {
        zk_fp_from_canonical(&lk->permuted_input[row], A[row].v);
        if (row == 0 || cmp_canon(&A[row], &A[row - 1]) != 0) {
            lk->permuted_table[row] = lk->permuted_input[row];
            while (ti < u && cmp_canon(&T[ti], &A[row]) < 0) left[nleft++] = T[ti++];
            if (ti < u && cmp_canon(&T[ti], &A[row]) == 0) {
                ti++;
            } else if (!(P->opts.flags & ZK_PROVE_FORCE)) {
                st = zk_fail(P->err, ZK_ERR_VERIFY,
                             "prover: lookup %u: an input value (sorted row %zu) is not in the table", index, row);
                goto out;
            }
        } else {
            rep[nrep++] = row;
        }
    }
    while (ti < u) left[nleft++] = T[ti++];
    for (size_t i = 0; i < nleft && nrep; i++) zk_fp_from_canonical(&lk->permuted_table[rep[--nrep]], left[i].v);
    while (nrep) lk->permuted_table[rep[--nrep]] = zk_fp_ZERO; /* only with ZK_PROVE_FORCE */
    /* blinding rows: A' first, then S' */
    st = zk_rng_fp_many(P->rng, lk->permuted_input + u, n - u);
    if (!st) st = zk_rng_fp_many(P->rng, lk->permuted_table + u, n - u);
    if (st) st = zk_fail(P->err, st, "prover: random number generator failed");
out:
    if (A) wipe(A, u * sizeof *A);
    if (T) wipe(T, u * sizeof *T);
    if (left) wipe(left, u * sizeof *left);
    free(A);
    free(T);
    free(rep);
    free(left);
    return st;
}

/* Compressed input and table of lookup l over the n rows (Lagrange values):
 * theta^(m-1) e_0 + ... + e_(m-1). */
static zk_status lookup_compress(prover *P, uint32_t l, lookup_state *lk) {
    size_t n = P->n;
    uint32_t m = P->cs->lookups[l].count;
    zk_fp *buf = alloc_fp(2 * (size_t)m * n);
    zk_fp **outs = malloc(2 * (size_t)m * sizeof *outs);
    const zk_fp **fix = malloc(((size_t)P->nf + 1) * sizeof *fix), **adv = malloc(((size_t)P->na + 1) * sizeof *adv),
                **ins = malloc(((size_t)P->ni + 1) * sizeof *ins);
    zk_status st = ZK_OK;
    if (!buf || !outs || !fix || !adv || !ins) {
        st = nomem(P);
        goto out;
    }
    for (uint32_t c = 0; c < P->nf; c++) fix[c] = P->pk->fixed_values + (size_t)c * n;
    for (uint32_t c = 0; c < P->na; c++) adv[c] = P->advice_values + (size_t)c * n;
    for (uint32_t c = 0; c < P->ni; c++) ins[c] = P->instance_values + (size_t)c * n;
    for (size_t r = 0; r < 2 * (size_t)m; r++) outs[r] = buf + r * n;
    zk_colview view = {fix, adv, ins, n, 1};
    st = zk_expr_prog_eval_par(P->pk->lookups[l], &view, 0, n, outs);
    if (st) {
        st = zk_fail(P->err, st, "prover: lookup %u expressions failed", l);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        zk_fp a = outs[0][i], s = outs[m][i];
        for (uint32_t j = 1; j < m; j++) {
            zk_fp_mul(&a, &a, &P->theta);
            zk_fp_add(&a, &a, &outs[j][i]);
            zk_fp_mul(&s, &s, &P->theta);
            zk_fp_add(&s, &s, &outs[m + j][i]);
        }
        lk->compressed_input[i] = a;
        lk->compressed_table[i] = s;
    }
out:
    free_secret(buf, buf ? 2 * (size_t)m * n : 0);
    free(outs);
    free(fix);
    free(adv);
    free(ins);
    return st;
}

/* Squeeze theta; per lookup: compress, permute, commit to A' and S', write. */
static zk_status step_lookup_permuted(prover *P) {
    zk_status st = tr(P, zk_transcript_vesta_squeeze(P->t, &P->theta));
    if (st) return st;
    size_t n = P->n;
    for (uint32_t l = 0; l < P->nl && !st; l++) {
        lookup_state *lk = &P->lookups[l];
        EXPECT_STAGE(P, lk->st, ST_NONE);
        lk->compressed_input = alloc_fp(n);
        lk->compressed_table = alloc_fp(n);
        lk->permuted_input = alloc_fp(n);
        lk->permuted_table = alloc_fp(n);
        if (!lk->compressed_input || !lk->compressed_table || !lk->permuted_input || !lk->permuted_table)
            return nomem(P);
        st = lookup_compress(P, l, lk);
        if (!st) st = lookup_permute(P, lk, l);
        if (!st) st = zk_rng_fp(P->rng, &lk->permuted_input_blind);
        if (!st) st = zk_rng_fp(P->rng, &lk->permuted_table_blind);
        if (st) return st == ZK_ERR_VERIFY || st == ZK_ERR_NOMEM ? st : zk_fail(P->err, st, "prover: lookup %u failed", l);
        zk_vesta_affine a, s;
        st = commit_values(P, lk->permuted_input, &lk->permuted_input_blind, &lk->permuted_input_poly, &a);
        if (!st) st = commit_values(P, lk->permuted_table, &lk->permuted_table_blind, &lk->permuted_table_poly, &s);
        if (!st) st = tr(P, zk_transcript_vesta_write_point(P->t, &a));
        if (!st) st = tr(P, zk_transcript_vesta_write_point(P->t, &s));
        lk->st = ST_PERMUTED;
    }
    return st;
}

/* ======================= step 4: beta, gamma, permutation commit ======================= */

typedef struct {
    const zk_fp *const *vals;  /* [m] column values */
    const zk_fp *const *sigma; /* [m] sigma values */
    const zk_fp *dbeta;        /* [m] delta^j * beta */
    uint32_t m;
    const zk_fp *beta, *gamma, *omega;
    zk_fp *out;
} perm_ctx;

/* out[i] = prod_j (v_j[i] + beta sigma_j[i] + gamma): the denominators. */
static void perm_den_range(void *vc, size_t b, size_t e, unsigned w) {
    (void)w;
    const perm_ctx *c = vc;
    for (size_t i = b; i < e; i++) {
        zk_fp acc = zk_fp_ONE, t;
        for (uint32_t j = 0; j < c->m; j++) {
            zk_fp_mul(&t, c->beta, &c->sigma[j][i]);
            zk_fp_add(&t, &t, c->gamma);
            zk_fp_add(&t, &t, &c->vals[j][i]);
            zk_fp_mul(&acc, &acc, &t);
        }
        c->out[i] = acc;
    }
}

/* out[i] *= prod_j (v_j[i] + delta^j beta omega^i + gamma): the numerators. */
static void perm_num_range(void *vc, size_t b, size_t e, unsigned w) {
    (void)w;
    const perm_ctx *c = vc;
    zk_fp wi;
    zk_fp_pow_u64(&wi, c->omega, (uint64_t)b);
    for (size_t i = b; i < e; i++) {
        zk_fp acc = c->out[i], t;
        for (uint32_t j = 0; j < c->m; j++) {
            zk_fp_mul(&t, &c->dbeta[j], &wi);
            zk_fp_add(&t, &t, c->gamma);
            zk_fp_add(&t, &t, &c->vals[j][i]);
            zk_fp_mul(&acc, &acc, &t);
        }
        c->out[i] = acc;
        zk_fp_mul(&wi, &wi, c->omega);
    }
}

/* Squeeze beta and gamma; the grand products z_s of the permutation, one per
 * chunk of perm_chunk columns, chained through last_z. */
static zk_status step_permutation_commit(prover *P) {
    EXPECT_STAGE(P, P->perm.st, ST_NONE);
    zk_status st = tr(P, zk_transcript_vesta_squeeze(P->t, &P->beta));
    if (!st) st = tr(P, zk_transcript_vesta_squeeze(P->t, &P->gamma));
    if (st) return st;
    size_t n = P->n;
    uint32_t chunk = P->vk->perm_chunk, sets = P->vk->perm_sets;
    P->perm.sets = sets;
    P->perm.polys = alloc_fp((size_t)sets * n);
    P->perm.blinds = alloc_fp(sets);
    zk_fp *z = alloc_fp(n);
    const zk_fp **vals = malloc(((size_t)chunk + 1) * sizeof *vals), **sig = malloc(((size_t)chunk + 1) * sizeof *sig);
    zk_fp *dbeta = alloc_fp(chunk);
    if (!P->perm.polys || !P->perm.blinds || !z || !vals || !sig || !dbeta) {
        st = nomem(P);
        goto out;
    }
    zk_fp last_z = zk_fp_ONE, delta_pow = zk_fp_ONE; /* delta^j for the global column j */
    for (uint32_t s = 0; s < sets && !st; s++) {
        uint32_t first = s * chunk, m = P->np - first < chunk ? P->np - first : chunk;
        for (uint32_t j = 0; j < m; j++) {
            vals[j] = column_values(P, P->cs->perm_columns[first + j]);
            sig[j] = P->pk->sigma_values + (size_t)(first + j) * n;
            zk_fp_mul(&dbeta[j], &delta_pow, &P->beta);
            zk_fp_mul(&delta_pow, &delta_pow, &zk_fp_DELTA);
        }
        perm_ctx c = {vals, sig, dbeta, m, &P->beta, &P->gamma, &P->d->omega, z};
        zk_parallel_for(n, 1024, perm_den_range, &c);
        st = zk_fp_poly_batch_inv(z, z, n);
        if (st) {
            st = zk_fail(P->err, st, "prover: batch inversion failed");
            break;
        }
        zk_parallel_for(n, 1024, perm_num_range, &c);
        /* z[0] = last_z, z[i] = z[i-1] * ratio[i-1] (in place, from the top) */
        zk_fp prev = last_z;
        for (size_t i = 0; i < n; i++) {
            zk_fp ratio = z[i];
            z[i] = prev;
            zk_fp_mul(&prev, &prev, &ratio);
        }
        st = zk_rng_fp_many(P->rng, z + n - P->bf, P->bf);
        if (!st) st = zk_rng_fp(P->rng, &P->perm.blinds[s]);
        if (st) {
            st = zk_fail(P->err, st, "prover: random number generator failed");
            break;
        }
        last_z = z[n - P->bf - 1];
        zk_vesta_affine pt;
        st = commit_values_into(P, z, &P->perm.blinds[s], P->perm.polys + (size_t)s * n, &pt, 0);
        if (!st) st = tr(P, zk_transcript_vesta_write_point(P->t, &pt));
    }
    if (!st) P->perm.st = ST_COMMITTED;
out:
    free_secret(z, z ? n : 0);
    free(vals);
    free(sig);
    free(dbeta);
    return st;
}

/* ======================= step 5: lookups commit_product ======================= */

typedef struct {
    const lookup_state *lk;
    const zk_fp *beta, *gamma;
    zk_fp *out;
} lprod_ctx;

static void lprod_den_range(void *vc, size_t b, size_t e, unsigned w) {
    (void)w;
    const lprod_ctx *c = vc;
    for (size_t i = b; i < e; i++) {
        zk_fp a, s;
        zk_fp_add(&a, c->beta, &c->lk->permuted_input[i]);
        zk_fp_add(&s, c->gamma, &c->lk->permuted_table[i]);
        zk_fp_mul(&c->out[i], &a, &s);
    }
}

static void lprod_num_range(void *vc, size_t b, size_t e, unsigned w) {
    (void)w;
    const lprod_ctx *c = vc;
    for (size_t i = b; i < e; i++) {
        zk_fp a, s;
        zk_fp_add(&a, &c->lk->compressed_input[i], c->beta);
        zk_fp_add(&s, &c->lk->compressed_table[i], c->gamma);
        zk_fp_mul(&c->out[i], &c->out[i], &a);
        zk_fp_mul(&c->out[i], &c->out[i], &s);
    }
}

/* Per lookup: z with z[0] = 1, z[i+1] = z[i] (a_i + beta)(s_i + gamma) /
 * ((a'_i + beta)(s'_i + gamma)) up to row n - bf - 1, then bf random rows
 * and a blind; commit, write. The Lagrange values of the lookup (and the
 * advice and instance values, which nothing needs any more) are freed. */
static zk_status step_lookup_product(prover *P) {
    size_t n = P->n;
    zk_status st = ZK_OK;
    zk_fp *z = alloc_fp(n);
    if (!z) return nomem(P);
    for (uint32_t l = 0; l < P->nl && !st; l++) {
        lookup_state *lk = &P->lookups[l];
        if (lk->st != ST_PERMUTED) {
            free(z);
            EXPECT_STAGE(P, lk->st, ST_PERMUTED);
        }
        lprod_ctx c = {lk, &P->beta, &P->gamma, z};
        zk_parallel_for(n, 1024, lprod_den_range, &c);
        st = zk_fp_poly_batch_inv(z, z, n);
        if (st) {
            st = zk_fail(P->err, st, "prover: batch inversion failed");
            break;
        }
        zk_parallel_for(n, 1024, lprod_num_range, &c);
        zk_fp prev = zk_fp_ONE;
        for (size_t i = 0; i < n - P->bf; i++) {
            zk_fp ratio = z[i];
            z[i] = prev;
            zk_fp_mul(&prev, &prev, &ratio);
        }
        st = zk_rng_fp_many(P->rng, z + n - P->bf, P->bf);
        if (!st) st = zk_rng_fp(P->rng, &lk->product_blind);
        if (st) {
            st = zk_fail(P->err, st, "prover: random number generator failed");
            break;
        }
        zk_vesta_affine pt;
        st = commit_values(P, z, &lk->product_blind, &lk->product_poly, &pt);
        if (!st) st = tr(P, zk_transcript_vesta_write_point(P->t, &pt));
        free_secret(lk->compressed_input, n);
        free_secret(lk->compressed_table, n);
        free_secret(lk->permuted_input, n);
        free_secret(lk->permuted_table, n);
        lk->compressed_input = lk->compressed_table = lk->permuted_input = lk->permuted_table = NULL;
        lk->st = ST_COMMITTED;
    }
    free_secret(z, n);
    free_secret(P->advice_values, (size_t)P->na * n);
    free_secret(P->instance_values, (size_t)P->ni * n);
    P->advice_values = P->instance_values = NULL;
    return st;
}

/* ======================= step 6: vanishing argument commit ======================= */

/* A random polynomial of degree n - 1 and its blind, committed (it masks h). */
static zk_status step_vanishing_commit(prover *P) {
    EXPECT_STAGE(P, P->van.st, ST_NONE);
    P->van.random_poly = alloc_fp(P->n);
    if (!P->van.random_poly) return nomem(P);
    zk_status st = zk_rng_fp_many(P->rng, P->van.random_poly, P->n);
    if (!st) st = zk_rng_fp(P->rng, &P->van.random_blind);
    if (st) return zk_fail(P->err, st, "prover: random number generator failed");
    zk_vesta_affine pt;
    st = commit_coeffs(P, P->van.random_poly, &P->van.random_blind, &pt);
    if (!st) st = tr(P, zk_transcript_vesta_write_point(P->t, &pt));
    if (!st) P->van.st = ST_COMMITTED;
    return st;
}

/* ======================= step 7: y, h(X) on the extended coset ======================= */

#define H_CHUNK 512 /* rows of a part per task */

typedef struct {
    const prover *P;
    size_t part, parts;
    zk_colview view;           /* the circuit's columns on this part */
    const zk_fp *const *zs;    /* [sets] permutation products on this part */
    const zk_fp *const *sig;   /* [np] sigma on this part */
    const zk_fp *const *pvals; /* [np] permutation columns on this part */
    const zk_fp *const *la, *const *ls, *const *lz; /* [nl] A', S', Z on this part */
    const zk_fp *l0, *act;     /* l_0 and 1 - (l_last + l_blind) on this part */
    const zk_fp *delta_pow;    /* [np] delta^j */
    zk_fp c;                   /* the part's coset generator */
    zk_fp t_inv;               /* 1 / (c^n - 1) */
    zk_fp *scratch;            /* per worker: (1 + 2 nl + max lookup roots) * H_CHUNK */
    size_t scratch_per;
    uint32_t max_roots;
    zk_fp *h_ext;
    zk_status st;              /* first failure of a task (a plain store: all failures are NOMEM) */
} h_ctx;

/* acc = acc * y + e */
static inline void fold(zk_fp *acc, const zk_fp *y, const zk_fp *e) {
    zk_fp_mul(acc, acc, y);
    zk_fp_add(acc, acc, e);
}

static void h_range(void *vc, size_t b0, size_t b1, unsigned worker) {
    h_ctx *c = vc;
    const prover *P = c->P;
    size_t n = P->n, bf1 = P->bf + 1;
    zk_fp *acc = c->scratch + worker * c->scratch_per;
    zk_fp *cmp = acc + H_CHUNK;              /* [2 nl][H_CHUNK] compressed input / table */
    zk_fp *roots = cmp + 2 * (size_t)P->nl * H_CHUNK; /* [max_roots][H_CHUNK] */
    zk_fp *regs = roots + (size_t)c->max_roots * H_CHUNK; /* expression program registers */
    zk_fp *outs_buf[64], **outs = c->max_roots <= 64 ? outs_buf : malloc(c->max_roots * sizeof *outs);
    if (!outs) {
        c->st = ZK_ERR_NOMEM;
        return;
    }
    for (size_t blk = b0; blk < b1; blk++) {
        size_t b = blk * H_CHUNK, e = b + H_CHUNK < n ? b + H_CHUNK : n, m = e - b;
        /* the gates, folded with y */
        for (size_t r = 0; r < m; r++) acc[r] = zk_fp_ZERO;
        zk_status st = zk_expr_prog_eval_scratch(P->pk->gates, &c->view, b, e, NULL, &P->y, acc, regs);
        /* the lookups' compressed expressions */
        for (uint32_t l = 0; l < P->nl && !st; l++) {
            uint32_t mm = P->cs->lookups[l].count;
            for (uint32_t q = 0; q < 2 * mm; q++) outs[q] = roots + (size_t)q * H_CHUNK;
            st = zk_expr_prog_eval_scratch(P->pk->lookups[l], &c->view, b, e, outs, NULL, NULL, regs);
            zk_fp *ci = cmp + 2 * (size_t)l * H_CHUNK, *cs = ci + H_CHUNK;
            for (size_t r = 0; r < m && !st; r++) {
                zk_fp a = outs[0][r], s = outs[mm][r];
                for (uint32_t q = 1; q < mm; q++) {
                    zk_fp_mul(&a, &a, &P->theta);
                    zk_fp_add(&a, &a, &outs[q][r]);
                    zk_fp_mul(&s, &s, &P->theta);
                    zk_fp_add(&s, &s, &outs[mm + q][r]);
                }
                ci[r] = a;
                cs[r] = s;
            }
        }
        if (st) {
            c->st = st;
            break;
        }
        zk_fp X, bx;
        zk_fp_pow_u64(&X, &P->d->omega, (uint64_t)b);
        zk_fp_mul(&X, &X, &c->c);
        uint32_t sets = P->perm.sets, chunk = P->vk->perm_chunk;
        for (size_t r = 0; r < m; r++) {
            size_t i = b + r, inext = i + 1 == n ? 0 : i + 1, iprev = i ? i - 1 : n - 1;
            size_t ilast = (i + n - bf1) % n;
            const zk_fp *l0 = &c->l0[i], *act = &c->act[i];
            zk_fp llast = c->l0[(i + bf1) % n];
            zk_fp h = acc[r], e1, t1, t2;
            /* ---- permutation ---- */
            if (sets) {
                /* l_0 (1 - z_0) */
                zk_fp_sub(&e1, &zk_fp_ONE, &c->zs[0][i]);
                zk_fp_mul(&e1, &e1, l0);
                fold(&h, &P->y, &e1);
                /* l_last (z_l^2 - z_l) */
                const zk_fp *zl = &c->zs[sets - 1][i];
                zk_fp_sqr(&e1, zl);
                zk_fp_sub(&e1, &e1, zl);
                zk_fp_mul(&e1, &e1, &llast);
                fold(&h, &P->y, &e1);
                /* l_0 (z_s - z_{s-1}(omega^last X)) */
                for (uint32_t s = 1; s < sets; s++) {
                    zk_fp_sub(&e1, &c->zs[s][i], &c->zs[s - 1][ilast]);
                    zk_fp_mul(&e1, &e1, l0);
                    fold(&h, &P->y, &e1);
                }
                /* active (z_s(omega X) prod (p + beta sigma + gamma) - z_s(X) prod (p + delta^j beta X + gamma)) */
                zk_fp_mul(&bx, &P->beta, &X);
                for (uint32_t s = 0; s < sets; s++) {
                    uint32_t first = s * chunk, mcols = P->np - first < chunk ? P->np - first : chunk;
                    zk_fp left = c->zs[s][inext], right = c->zs[s][i];
                    for (uint32_t j = first; j < first + mcols; j++) {
                        zk_fp_mul(&t1, &P->beta, &c->sig[j][i]);
                        zk_fp_add(&t1, &t1, &c->pvals[j][i]);
                        zk_fp_add(&t1, &t1, &P->gamma);
                        zk_fp_mul(&left, &left, &t1);
                        zk_fp_mul(&t2, &c->delta_pow[j], &bx);
                        zk_fp_add(&t2, &t2, &c->pvals[j][i]);
                        zk_fp_add(&t2, &t2, &P->gamma);
                        zk_fp_mul(&right, &right, &t2);
                    }
                    zk_fp_sub(&e1, &left, &right);
                    zk_fp_mul(&e1, &e1, act);
                    fold(&h, &P->y, &e1);
                }
            }
            /* ---- lookups ---- */
            for (uint32_t l = 0; l < P->nl; l++) {
                const zk_fp *Z = c->lz[l], *A = c->la[l], *S = c->ls[l];
                const zk_fp *ci = cmp + 2 * (size_t)l * H_CHUNK + r, *cs = ci + H_CHUNK;
                /* l_0 (1 - z) */
                zk_fp_sub(&e1, &zk_fp_ONE, &Z[i]);
                zk_fp_mul(&e1, &e1, l0);
                fold(&h, &P->y, &e1);
                /* l_last (z^2 - z) */
                zk_fp_sqr(&e1, &Z[i]);
                zk_fp_sub(&e1, &e1, &Z[i]);
                zk_fp_mul(&e1, &e1, &llast);
                fold(&h, &P->y, &e1);
                /* active (z(omega X)(a' + beta)(s' + gamma) - z(X)(a + beta)(s + gamma)) */
                zk_fp_add(&t1, &A[i], &P->beta);
                zk_fp_add(&t2, &S[i], &P->gamma);
                zk_fp_mul(&t1, &t1, &t2);
                zk_fp_mul(&e1, &t1, &Z[inext]);
                zk_fp_add(&t1, ci, &P->beta);
                zk_fp_add(&t2, cs, &P->gamma);
                zk_fp_mul(&t1, &t1, &t2);
                zk_fp_mul(&t1, &t1, &Z[i]);
                zk_fp_sub(&e1, &e1, &t1);
                zk_fp_mul(&e1, &e1, act);
                fold(&h, &P->y, &e1);
                /* l_0 (a' - s') */
                zk_fp_sub(&t1, &A[i], &S[i]);
                zk_fp_mul(&e1, &t1, l0);
                fold(&h, &P->y, &e1);
                /* active (a' - s')(a' - a'(omega^-1 X)) */
                zk_fp_sub(&t2, &A[i], &A[iprev]);
                zk_fp_mul(&e1, &t1, &t2);
                zk_fp_mul(&e1, &e1, act);
                fold(&h, &P->y, &e1);
            }
            /* divide by t(X) = X^n - 1, constant on the part */
            zk_fp_mul(&c->h_ext[c->part + c->parts * i], &h, &c->t_inv);
            zk_fp_mul(&X, &X, &P->d->omega);
        }
    }
    if (outs != outs_buf) free(outs);
}

/* l_0 on part j: L0[i] = (c^n - 1) / (n (c omega^i - 1)); act[i] = 1 - sum
 * over s = 1..bf+1 of L0[i + s] (l_r(c omega^i) = L0[i - r]: l_last is
 * r = n - bf - 1, l_blind the rows r = n - bf .. n - 1). Public values. */
static zk_status part_lagrange(const prover *P, const zk_fp *cgen, zk_fp *l0, zk_fp *act) {
    size_t n = P->n;
    zk_fp x = *cgen, cn, f, ninv;
    for (size_t i = 0; i < n; i++) {
        zk_fp_sub(&l0[i], &x, &zk_fp_ONE);
        zk_fp_mul(&x, &x, &P->d->omega);
    }
    zk_status st = zk_fp_batch_inv_var(l0, l0, n);
    if (st) return st;
    zk_fp_pow_u64(&cn, cgen, (uint64_t)n);
    zk_fp_sub(&f, &cn, &zk_fp_ONE);
    ninv = P->d->ifft_divisor;
    zk_fp_mul(&f, &f, &ninv);
    for (size_t i = 0; i < n; i++) zk_fp_mul(&l0[i], &l0[i], &f);
    size_t w = (size_t)P->bf + 1;
    zk_fp sum = zk_fp_ZERO;
    for (size_t s = 1; s <= w; s++) zk_fp_add(&sum, &sum, &l0[s % n]);
    for (size_t i = 0; i < n; i++) {
        zk_fp_sub(&act[i], &zk_fp_ONE, &sum);
        zk_fp_sub(&sum, &sum, &l0[(i + 1) % n]);
        zk_fp_add(&sum, &sum, &l0[(i + 1 + w) % n]);
    }
    return ZK_OK;
}

/* Squeeze y; h(X) = fold_y(every constraint) / (X^n - 1) on every part of
 * the extended coset, into P->h_ext (natural extended order). */
static zk_status step_quotient_eval(prover *P) {
    EXPECT_STAGE(P, P->perm.st, ST_COMMITTED);
    EXPECT_STAGE(P, P->van.st, ST_COMMITTED);
    for (uint32_t l = 0; l < P->nl; l++) EXPECT_STAGE(P, P->lookups[l].st, ST_COMMITTED);
    zk_status st = tr(P, zk_transcript_vesta_squeeze(P->t, &P->y));
    if (st) return st;
    const zk_plonk_pk *pk = P->pk;
    size_t n = P->n, parts = pk->parts;
    uint32_t sets = P->perm.sets;
    int cosets = pk->fixed_cosets != NULL;
    /* per-part columns: advice, instance, z_s, (A', S', Z) per lookup, and
     * fixed and sigma when the key has no cosets */
    size_t ncols = (size_t)P->na + P->ni + sets + 3 * (size_t)P->nl + (cosets ? 0 : (size_t)P->nf + P->np);
    zk_fp *cols = alloc_fp(ncols * n);
    zk_fp *l0 = alloc_fp(n), *act = alloc_fp(n);
    const zk_fp **fix = malloc(((size_t)P->nf + 1) * sizeof *fix), **adv = malloc(((size_t)P->na + 1) * sizeof *adv),
                **ins = malloc(((size_t)P->ni + 1) * sizeof *ins), **zs = malloc(((size_t)sets + 1) * sizeof *zs),
                **sig = malloc(((size_t)P->np + 1) * sizeof *sig), **pv = malloc(((size_t)P->np + 1) * sizeof *pv),
                **lcols = malloc((3 * (size_t)P->nl + 1) * sizeof *lcols);
    zk_fp *dpow = alloc_fp(P->np);
    uint32_t max_roots = 1;
    for (uint32_t l = 0; l < P->nl; l++)
        if (2 * P->cs->lookups[l].count > max_roots) max_roots = 2 * P->cs->lookups[l].count;
    size_t regs = zk_expr_prog_scratch_len(pk->gates);
    for (uint32_t l = 0; l < P->nl; l++)
        if (zk_expr_prog_scratch_len(pk->lookups[l]) > regs) regs = zk_expr_prog_scratch_len(pk->lookups[l]);
    unsigned workers = zk_threads_count();
    size_t per = (1 + 2 * (size_t)P->nl + max_roots) * H_CHUNK + regs;
    zk_fp *scratch = alloc_fp(per * workers);
    P->h_ext = alloc_fp(P->d->extended_n);
    if (!cols || !l0 || !act || !fix || !adv || !ins || !zs || !sig || !pv || !lcols || !dpow || !scratch || !P->h_ext) {
        st = nomem(P);
        goto out;
    }
    zk_fp dp = zk_fp_ONE;
    for (uint32_t j = 0; j < P->np; j++) {
        dpow[j] = dp;
        zk_fp_mul(&dp, &dp, &zk_fp_DELTA);
    }
    for (size_t j = 0; j < parts && !st; j++) {
        /* the per-proof columns on part j */
        zk_fp *cur = cols;
        for (uint32_t a = 0; a < P->na && !st; a++, cur += n) {
            st = zk_plonk_coeffs_to_part(P->d, cur, P->advice_polys + (size_t)a * n, j);
            adv[a] = cur;
        }
        for (uint32_t a = 0; a < P->ni && !st; a++, cur += n) {
            st = zk_plonk_coeffs_to_part(P->d, cur, P->instance_polys + (size_t)a * n, j);
            ins[a] = cur;
        }
        for (uint32_t s = 0; s < sets && !st; s++, cur += n) {
            st = zk_plonk_coeffs_to_part(P->d, cur, P->perm.polys + (size_t)s * n, j);
            zs[s] = cur;
        }
        for (uint32_t l = 0; l < P->nl && !st; l++) {
            const lookup_state *lk = &P->lookups[l];
            const zk_fp *src[3] = {lk->permuted_input_poly, lk->permuted_table_poly, lk->product_poly};
            for (int q = 0; q < 3 && !st; q++, cur += n) {
                st = zk_plonk_coeffs_to_part(P->d, cur, src[q], j);
                lcols[3 * l + q] = cur;
            }
        }
        for (uint32_t f = 0; f < P->nf && !st; f++) {
            if (cosets) {
                fix[f] = pk->fixed_cosets + ((size_t)f * parts + j) * n;
            } else {
                st = zk_plonk_coeffs_to_part(P->d, cur, pk->fixed_polys + (size_t)f * n, j);
                fix[f] = cur;
                cur += n;
            }
        }
        for (uint32_t q = 0; q < P->np && !st; q++) {
            if (cosets) {
                sig[q] = pk->sigma_cosets + ((size_t)q * parts + j) * n;
            } else {
                st = zk_plonk_coeffs_to_part(P->d, cur, pk->sigma_polys + (size_t)q * n, j);
                sig[q] = cur;
                cur += n;
            }
        }
        if (st) {
            st = zk_fail(P->err, st, "prover: coset transform failed");
            break;
        }
        for (uint32_t q = 0; q < P->np; q++) {
            zk_column col = P->cs->perm_columns[q];
            pv[q] = col.kind == ZK_COL_ADVICE ? adv[col.index] : col.kind == ZK_COL_FIXED ? fix[col.index] : ins[col.index];
        }
        zk_fp cgen;
        zk_plonk_part_gen(P->d, j, &cgen);
        st = part_lagrange(P, &cgen, l0, act);
        if (st) {
            st = nomem(P);
            break;
        }
        h_ctx c;
        memset(&c, 0, sizeof c);
        c.P = P;
        c.part = j;
        c.parts = parts;
        c.view.fixed = fix;
        c.view.advice = adv;
        c.view.instance = ins;
        c.view.len = n;
        c.view.rot_scale = 1;
        c.zs = zs;
        c.sig = sig;
        c.pvals = pv;
        c.la = lcols;
        c.ls = lcols + 1;
        c.lz = lcols + 2;
        c.l0 = l0;
        c.act = act;
        c.delta_pow = dpow;
        c.c = cgen;
        c.t_inv = P->d->t_inv[j];
        c.scratch = scratch;
        c.scratch_per = per;
        c.max_roots = max_roots;
        c.h_ext = P->h_ext;
        /* la/ls/lz index by lookup with stride 3: rebase them */
        const zk_fp *la[64], *ls[64], *lz[64];
        const zk_fp **pla = la, **pls = ls, **plz = lz;
        if (P->nl > 64) {
            pla = malloc(3 * (size_t)P->nl * sizeof *pla);
            if (!pla) {
                st = nomem(P);
                break;
            }
            pls = pla + P->nl;
            plz = pls + P->nl;
        }
        for (uint32_t l = 0; l < P->nl; l++) {
            pla[l] = lcols[3 * l];
            pls[l] = lcols[3 * l + 1];
            plz[l] = lcols[3 * l + 2];
        }
        c.la = pla;
        c.ls = pls;
        c.lz = plz;
        c.st = ZK_OK;
        zk_parallel_for((n + H_CHUNK - 1) / H_CHUNK, 1, h_range, &c);
        if (pla != la) free(pla);
        if (c.st) {
            st = zk_fail(P->err, c.st, "prover: evaluating h(X) failed");
            break;
        }
        st = checkpoint(P, ZK_PROVE_STAGE_QUOTIENT);
    }
out:
    free_secret(cols, cols ? ncols * n : 0);
    free(l0);
    free(act);
    free(fix);
    free(adv);
    free(ins);
    free(zs);
    free(sig);
    free(pv);
    free(lcols);
    free(dpow);
    free_secret(scratch, scratch ? per * workers : 0);
    return st;
}

/* ======================= step 8: h(X) pieces ======================= */

/* h's coefficients (the first quotient_poly_degree * n), split into pieces of
 * n, one blind each; commitments written in order. */
static zk_status step_quotient_commit(prover *P) {
    EXPECT_STAGE(P, P->van.st, ST_COMMITTED);
    if (!P->h_ext) return zk_fail(P->err, ZK_ERR_STATE, "prover: h(X) was not evaluated");
    size_t n = P->n, pieces = (size_t)P->d->quotient_poly_degree;
    zk_status st = zk_fp_domain_extended_to_coeff(P->d, P->h_ext);
    if (st) return zk_fail(P->err, st, "prover: inverse coset transform failed");
    /* keep the pieces, release the rest of the extended buffer */
    size_t ext = P->d->extended_n;
    wipe(P->h_ext + pieces * n, (ext - pieces * n) * sizeof(zk_fp));
    zk_fp *shrunk = realloc(P->h_ext, pieces * n * sizeof(zk_fp));
    if (shrunk) P->h_ext = shrunk;
    P->van.h_pieces = P->h_ext;
    P->van.pieces = pieces;
    P->h_ext = NULL;
    P->van.h_blinds = alloc_fp(pieces);
    zk_vesta_affine *pts = malloc(pieces * sizeof *pts);
    if (!P->van.h_blinds || !pts) {
        free(pts);
        return nomem(P);
    }
    st = zk_rng_fp_many(P->rng, P->van.h_blinds, pieces);
    if (st) st = zk_fail(P->err, st, "prover: random number generator failed");
    for (size_t i = 0; i < pieces && !st; i++) st = commit_coeffs(P, P->van.h_pieces + i * n, &P->van.h_blinds[i], &pts[i]);
    for (size_t i = 0; i < pieces && !st; i++) st = tr(P, zk_transcript_vesta_write_point(P->t, &pts[i]));
    free(pts);
    if (!st) P->van.st = ST_CONSTRUCTED;
    return st;
}

/* ======================= step 9: x, evaluations ======================= */

static zk_status write_eval(prover *P, const zk_fp *poly, int32_t rot) {
    zk_fp pt, v;
    zk_fp_domain_rotate_omega(P->d, &pt, &P->x, rot);
    zk_fp_poly_eval(&v, poly, P->n, &pt);
    return tr(P, zk_transcript_vesta_write_scalar(P->t, &v));
}

/* Squeeze x; write every evaluation in halo2's order. */
static zk_status step_evaluate(prover *P) {
    EXPECT_STAGE(P, P->van.st, ST_CONSTRUCTED);
    EXPECT_STAGE(P, P->perm.st, ST_COMMITTED);
    const zk_cs *cs = P->cs;
    size_t n = P->n;
    zk_status st = tr(P, zk_transcript_vesta_squeeze(P->t, &P->x));
    if (st) return st;
    zk_fp_pow_u64(&P->xn, &P->x, (uint64_t)n);
    /* instance, advice, fixed evaluations per query */
    for (uint32_t q = 0; q < cs->num_instance_queries && !st; q++)
        st = write_eval(P, P->instance_polys + (size_t)cs->instance_queries[q].column * n, cs->instance_queries[q].rotation);
    for (uint32_t q = 0; q < cs->num_advice_queries && !st; q++)
        st = write_eval(P, P->advice_polys + (size_t)cs->advice_queries[q].column * n, cs->advice_queries[q].rotation);
    for (uint32_t q = 0; q < cs->num_fixed_queries && !st; q++)
        st = write_eval(P, P->pk->fixed_polys + (size_t)cs->fixed_queries[q].column * n, cs->fixed_queries[q].rotation);
    if (st) return st;
    /* vanishing: h(X) = sum_i xn^i h_i and its blind; write random(x) */
    vanishing_state *v = &P->van;
    v->h_poly = alloc_fp(n);
    if (!v->h_poly) return nomem(P);
    memset(v->h_poly, 0, n * sizeof(zk_fp));
    v->h_blind = zk_fp_ZERO;
    for (size_t i = v->pieces; i-- > 0;) {
        zk_fp_poly_scale_add(v->h_poly, &P->xn, v->h_pieces + i * n, n);
        zk_fp_mul(&v->h_blind, &v->h_blind, &P->xn);
        zk_fp_add(&v->h_blind, &v->h_blind, &v->h_blinds[i]);
    }
    free_secret(v->h_pieces, v->pieces * n);
    v->h_pieces = NULL;
    st = write_eval(P, v->random_poly, 0);
    if (st) return st;
    v->st = ST_EVALUATED;
    /* common permutation data: sigma_j(x) */
    for (uint32_t j = 0; j < P->np && !st; j++) st = write_eval(P, P->pk->sigma_polys + (size_t)j * n, 0);
    /* permutation products: z(x), z(omega x), and z(omega^last x) but for the last set */
    int32_t last = -(int32_t)(P->bf + 1);
    for (uint32_t s = 0; s < P->perm.sets && !st; s++) {
        const zk_fp *z = P->perm.polys + (size_t)s * n;
        st = write_eval(P, z, 0);
        if (!st) st = write_eval(P, z, 1);
        if (!st && s + 1 < P->perm.sets) st = write_eval(P, z, last);
    }
    if (st) return st;
    P->perm.st = ST_EVALUATED;
    /* lookups: z(x), z(omega x), a'(x), a'(omega^-1 x), s'(x) */
    for (uint32_t l = 0; l < P->nl && !st; l++) {
        lookup_state *lk = &P->lookups[l];
        EXPECT_STAGE(P, lk->st, ST_COMMITTED);
        lk->st = ST_CONSTRUCTED; /* h(X) has its expressions */
        st = write_eval(P, lk->product_poly, 0);
        if (!st) st = write_eval(P, lk->product_poly, 1);
        if (!st) st = write_eval(P, lk->permuted_input_poly, 0);
        if (!st) st = write_eval(P, lk->permuted_input_poly, -1);
        if (!st) st = write_eval(P, lk->permuted_table_poly, 0);
        if (!st) lk->st = ST_EVALUATED;
    }
    return st;
}

/* ======================= step 10: multiopen ======================= */

static void add_query(zk_multiopen_prover_query *q, size_t *i, const prover *P, const zk_fp *poly, const zk_fp *blind,
                      int32_t rot) {
    q[*i].poly = poly;
    q[*i].blind = *blind;
    zk_fp_domain_rotate_omega(P->d, &q[*i].point, &P->x, rot);
    (*i)++;
}

/* Every opening, in halo2's order: instance, advice, permutation products,
 * lookups, fixed, permutation sigmas, h and the random polynomial. */
static zk_status step_multiopen(prover *P) {
    EXPECT_STAGE(P, P->van.st, ST_EVALUATED);
    EXPECT_STAGE(P, P->perm.st, ST_EVALUATED);
    const zk_cs *cs = P->cs;
    size_t n = P->n, sets = P->perm.sets;
    size_t count = cs->num_instance_queries + cs->num_advice_queries + 2 * sets + (sets ? sets - 1 : 0) +
                   5 * (size_t)P->nl + cs->num_fixed_queries + P->np + 2;
    zk_multiopen_prover_query *q = malloc(count * sizeof *q);
    if (!q) return nomem(P);
    size_t i = 0;
    int32_t last = -(int32_t)(P->bf + 1);
    for (uint32_t k = 0; k < cs->num_instance_queries; k++)
        add_query(q, &i, P, P->instance_polys + (size_t)cs->instance_queries[k].column * n, &zk_fp_ONE,
                  cs->instance_queries[k].rotation);
    for (uint32_t k = 0; k < cs->num_advice_queries; k++) {
        uint32_t col = cs->advice_queries[k].column;
        add_query(q, &i, P, P->advice_polys + (size_t)col * n, &P->advice_blinds[col], cs->advice_queries[k].rotation);
    }
    for (size_t s = 0; s < sets; s++) {
        add_query(q, &i, P, P->perm.polys + s * n, &P->perm.blinds[s], 0);
        add_query(q, &i, P, P->perm.polys + s * n, &P->perm.blinds[s], 1);
    }
    for (size_t s = sets; s-- > 1;) add_query(q, &i, P, P->perm.polys + (s - 1) * n, &P->perm.blinds[s - 1], last);
    for (uint32_t l = 0; l < P->nl; l++) {
        lookup_state *lk = &P->lookups[l];
        if (lk->st != ST_EVALUATED) {
            free(q);
            EXPECT_STAGE(P, lk->st, ST_EVALUATED);
        }
        add_query(q, &i, P, lk->product_poly, &lk->product_blind, 0);
        add_query(q, &i, P, lk->permuted_input_poly, &lk->permuted_input_blind, 0);
        add_query(q, &i, P, lk->permuted_table_poly, &lk->permuted_table_blind, 0);
        add_query(q, &i, P, lk->permuted_input_poly, &lk->permuted_input_blind, -1);
        add_query(q, &i, P, lk->product_poly, &lk->product_blind, 1);
    }
    for (uint32_t k = 0; k < cs->num_fixed_queries; k++)
        add_query(q, &i, P, P->pk->fixed_polys + (size_t)cs->fixed_queries[k].column * n, &zk_fp_ONE,
                  cs->fixed_queries[k].rotation);
    for (uint32_t j = 0; j < P->np; j++) add_query(q, &i, P, P->pk->sigma_polys + (size_t)j * n, &zk_fp_ONE, 0);
    add_query(q, &i, P, P->van.h_poly, &P->van.h_blind, 0);
    add_query(q, &i, P, P->van.random_poly, &P->van.random_blind, 0);
    zk_status st = zk_multiopen_create_proof(P->params, P->rng, P->t, q, i);
    wipe(q, count * sizeof *q);
    free(q);
    if (st) return zk_fail(P->err, st, "prover: multiopen failed");
    return ZK_OK;
}

/* ======================= the script ======================= */

static void prover_free(prover *P) {
    size_t n = P->n;
    free_secret(P->instance_values, (size_t)P->ni * n);
    free_secret(P->instance_polys, (size_t)P->ni * n);
    free_secret(P->advice_values, (size_t)P->na * n);
    free_secret(P->advice_polys, (size_t)P->na * n);
    free_secret(P->advice_blinds, P->na);
    for (uint32_t l = 0; P->lookups && l < P->nl; l++) {
        lookup_state *lk = &P->lookups[l];
        free_secret(lk->compressed_input, n);
        free_secret(lk->compressed_table, n);
        free_secret(lk->permuted_input, n);
        free_secret(lk->permuted_table, n);
        free_secret(lk->permuted_input_poly, n);
        free_secret(lk->permuted_table_poly, n);
        free_secret(lk->product_poly, n);
    }
    free(P->lookups);
    free_secret(P->perm.polys, (size_t)P->perm.sets * n);
    free_secret(P->perm.blinds, P->perm.sets);
    free_secret(P->van.random_poly, n);
    free_secret(P->van.h_pieces, P->van.pieces * n);
    free_secret(P->van.h_blinds, P->van.pieces);
    free_secret(P->van.h_poly, n);
    free_secret(P->h_ext, P->d ? P->d->extended_n : 0);
    wipe(P, sizeof *P);
}

zk_status zk_plonk_prove(const zk_ipa_params *params, const zk_plonk_pk *pk, const zk_fp *const *instances,
                         const size_t *instance_lens, const zk_assignment *asg, zk_rng *rng, zk_transcript *t,
                         const zk_prove_opts *opts, zk_error *err) {
    if (!params || !pk || !asg || !rng || !t) return zk_fail(err, ZK_ERR_INVALID_ARG, "prover: NULL argument");
    const zk_plonk_vk *vk = pk->vk;
    const zk_cs *cs = vk->cs;
    if (params->k != vk->k)
        return zk_fail(err, ZK_ERR_SHAPE, "prover: params are for k = %u, the key for k = %u", params->k, vk->k);
    if (asg->k != vk->k || asg->num_advice != cs->num_advice || asg->n != vk->n)
        return zk_fail(err, ZK_ERR_SHAPE, "prover: the assignment (k = %u, %u advice columns) does not fit the key "
                       "(k = %u, %u advice columns)", asg->k, asg->num_advice, vk->k, cs->num_advice);
    if (cs->num_instance && !instance_lens)
        return zk_fail(err, ZK_ERR_INVALID_ARG, "prover: instance lengths missing");
    prover P;
    memset(&P, 0, sizeof P);
    P.params = params;
    P.pk = pk;
    P.vk = vk;
    P.cs = cs;
    P.d = pk->domain;
    P.rng = rng;
    P.t = t;
    if (opts) P.opts = *opts;
    P.err = err;
    P.n = vk->n;
    P.k = vk->k;
    P.bf = vk->blinding_factors;
    P.usable = P.n - (P.bf + 1);
    P.na = cs->num_advice;
    P.nf = cs->num_fixed;
    P.ni = cs->num_instance;
    P.np = cs->num_perm_columns;
    P.nl = cs->num_lookups;
    P.instances = instances;
    P.instance_lens = instance_lens;
    P.asg = asg;
    P.total = 9 + pk->parts + 1;
    P.lookups = calloc((size_t)P.nl + 1, sizeof *P.lookups);
    if (!P.lookups) return zk_fail(err, ZK_ERR_NOMEM, "prover: out of memory");

    /* the protocol, halo2's create_proof order; a checkpoint after each step */
    zk_status st = step_hash_vk(&P);                                     /* 0 */
    if (!st) st = step_instance(&P);                                     /* 1 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_INSTANCE);
    if (!st) st = step_advice(&P);                                       /* 2 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_ADVICE);
    if (!st) st = step_lookup_permuted(&P);                              /* 3 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_LOOKUP_PERMUTED);
    if (!st) st = step_permutation_commit(&P);                           /* 4 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_PERMUTATION);
    if (!st) st = step_lookup_product(&P);                               /* 5 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_LOOKUP_PRODUCT);
    if (!st) st = step_vanishing_commit(&P);                             /* 6 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_VANISHING_RANDOM);
    if (!st) st = step_quotient_eval(&P);                                /* 7 (checkpoints per part) */
    if (!st) st = step_quotient_commit(&P);                              /* 8 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_QUOTIENT_COMMIT);
    if (!st) st = step_evaluate(&P);                                     /* 9 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_EVALUATIONS);
    if (!st) st = step_multiopen(&P);                                    /* 10 */
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_MULTIOPEN);
    if (!st) st = checkpoint(&P, ZK_PROVE_STAGE_DONE);
    prover_free(&P);
    return st;
}

zk_status zk_plonk_prove_asg(const zk_ipa_params *params, const zk_plonk_pk *pk, const zk_assignment *asg,
                             zk_rng *rng, zk_transcript *t, const zk_prove_opts *opts, zk_error *err) {
    if (!asg || !pk) return zk_fail(err, ZK_ERR_INVALID_ARG, "prover: NULL argument");
    if (asg->num_instance != pk->vk->cs->num_instance)
        return zk_fail(err, ZK_ERR_SHAPE, "prover: the assignment has %u instance columns, the key %u", asg->num_instance,
                       pk->vk->cs->num_instance);
    const zk_fp *cols[64];
    const zk_fp **c = cols;
    if (asg->num_instance > 64) {
        c = malloc(asg->num_instance * sizeof *c);
        if (!c) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < asg->num_instance; i++) c[i] = zk_asg_instance(asg, i);
    zk_status st = zk_plonk_prove(params, pk, c, asg->instance_len, asg, rng, t, opts, err);
    if (c != cols) free(c);
    return st;
}

/* ---- proof size: the multiopen writes one evaluation per point set ---- */

size_t zk_plonk_proof_size(const zk_plonk_vk *vk) {
    const zk_cs *cs = vk->cs;
    size_t n = vk->n, sets = vk->perm_sets, nl = cs->num_lookups;
    /* advice, lookup A' S' Z, permutation products, random, h pieces, multiopen q' */
    size_t points = cs->num_advice + 3 * nl + sets + 1 + (size_t)vk->domain->quotient_poly_degree + 1;
    size_t scalars = cs->num_instance_queries + cs->num_advice_queries + cs->num_fixed_queries + 1 +
                     cs->num_perm_columns + 3 * sets - (sets ? 1 : 0) + 5 * nl;
    /* the multiopen writes one evaluation per distinct set of points, a
     * commitment's set being its query rotations (mod n) */
    size_t maxc = cs->num_instance + cs->num_advice + cs->num_fixed + cs->num_perm_columns + sets + 3 * nl + 1;
    size_t maxq = cs->num_advice_queries + cs->num_fixed_queries + cs->num_instance_queries + 4;
    int64_t *all = malloc((maxc * maxq + 1) * sizeof *all);
    size_t *lens = calloc(maxc + 1, sizeof *lens);
    if (!all || !lens) {
        free(all);
        free(lens);
        return 0;
    }
    size_t c = 0, nsets = 0;
#define ADD_ROT(cidx, r)                                                                                         \
    do {                                                                                                        \
        int64_t v_ = ((int64_t)(r) % (int64_t)n + (int64_t)n) % (int64_t)n;                                     \
        size_t k_;                                                                                              \
        for (k_ = 0; k_ < lens[cidx] && all[(cidx) * maxq + k_] != v_; k_++) {                                 \
        }                                                                                                       \
        if (k_ == lens[cidx]) all[(cidx) * maxq + lens[cidx]++] = v_;                                           \
    } while (0)
    static const uint32_t kinds[3] = {ZK_COL_INSTANCE, ZK_COL_ADVICE, ZK_COL_FIXED};
    for (int kk = 0; kk < 3; kk++) {
        uint32_t ncols = kinds[kk] == ZK_COL_INSTANCE ? cs->num_instance
                         : kinds[kk] == ZK_COL_ADVICE ? cs->num_advice
                                                      : cs->num_fixed;
        uint32_t nq;
        const zk_query *q = zk_cs_queries(cs, (zk_col_kind)kinds[kk], &nq);
        for (uint32_t col = 0; col < ncols; col++, c++)
            for (uint32_t i = 0; i < nq; i++)
                if (q[i].column == col) ADD_ROT(c, q[i].rotation);
    }
    for (size_t j = 0; j < cs->num_perm_columns; j++, c++) ADD_ROT(c, 0);
    int32_t last = -(int32_t)(vk->blinding_factors + 1);
    for (size_t s = 0; s < sets; s++, c++) {
        ADD_ROT(c, 0);
        ADD_ROT(c, 1);
        if (s + 1 < sets) ADD_ROT(c, last);
    }
    for (size_t l = 0; l < nl; l++, c += 3) {
        ADD_ROT(c, 0); /* product */
        ADD_ROT(c, 1);
        ADD_ROT(c + 1, 0); /* permuted input */
        ADD_ROT(c + 1, -1);
        ADD_ROT(c + 2, 0); /* permuted table */
    }
    ADD_ROT(c, 0); /* h and the random polynomial */
    c++;
#undef ADD_ROT
    for (size_t i = 0; i < c; i++) {
        if (!lens[i]) continue;
        int64_t *s = all + i * maxq;
        for (size_t a = 1; a < lens[i]; a++) /* insertion sort: sets are small */
            for (size_t b = a; b > 0 && s[b - 1] > s[b]; b--) {
                int64_t tmp = s[b];
                s[b] = s[b - 1];
                s[b - 1] = tmp;
            }
        size_t j;
        for (j = 0; j < i; j++)
            if (lens[j] == lens[i] && !memcmp(all + j * maxq, s, lens[i] * sizeof *s)) break;
        if (j == i) nsets++;
    }
    free(all);
    free(lens);
    return 32 * (points + scalars + nsets) + ZK_IPA_PROOF_BYTES(vk->k);
}
