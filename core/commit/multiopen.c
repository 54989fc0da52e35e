/* Multi-point opening (halo2 poly/multiopen.rs, prover.rs, verifier.rs). */
#include "commit/multiopen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "poly/poly.h"

/* ---- construct_intermediate_sets ---- */

typedef struct {
    size_t ncomm, nsets, npoints;
    size_t *comm_query; /* [ncomm] first query naming each commitment */
    size_t *comm_set;   /* [ncomm] its point set */
    size_t *eval_off;   /* [ncomm + 1] offsets into eval_query */
    size_t *eval_query; /* per commitment, the query for each point of its set, in set order */
    size_t *set_off;    /* [nsets + 1] offsets into set_pts */
    size_t *set_pts;    /* point numbers of each set, ascending */
    size_t *point_query; /* [npoints] a query holding each point */
} mo_sets;

static void sets_free(mo_sets *s) {
    free(s->comm_query);
    free(s->comm_set);
    free(s->eval_off);
    free(s->eval_query);
    free(s->set_off);
    free(s->set_pts);
    free(s->point_query);
    memset(s, 0, sizeof *s);
}

/* Sorting query numbers by a key, ties by query number (so each group starts
 * with its first appearance). */
typedef struct {
    const void *key;    /* the commitment's identity, or NULL when sorting by point */
    const zk_fp *point;
    size_t q;
} mo_item;

static int cmp_key(const void *a, const void *b) {
    const mo_item *x = a, *y = b;
    uintptr_t kx = (uintptr_t)x->key, ky = (uintptr_t)y->key;
    if (kx != ky) return kx < ky ? -1 : 1;
    return x->q < y->q ? -1 : x->q > y->q;
}

static int cmp_point(const void *a, const void *b) {
    const mo_item *x = a, *y = b;
    int c = memcmp(x->point, y->point, sizeof *x->point); /* canonical representation */
    if (c) return c;
    return x->q < y->q ? -1 : x->q > y->q;
}

/* out[q] = the number of q's group, groups numbered by first appearance.
 * Returns the group count, or (size_t)-1 on NOMEM. */
static size_t number_groups(size_t *out, const void *const *keys, const zk_fp *const *points, size_t count) {
    mo_item *it = malloc(count * sizeof *it);
    size_t *num = malloc(count * sizeof *num); /* run -> group number */
    if (!it || !num) {
        free(it);
        free(num);
        return (size_t)-1;
    }
    for (size_t q = 0; q < count; q++) {
        it[q].key = keys ? keys[q] : NULL;
        it[q].point = points ? points[q] : NULL;
        it[q].q = q;
    }
    qsort(it, count, sizeof *it, keys ? cmp_key : cmp_point);
    /* out[q] = the number of q's run of equal keys in sorted order */
    size_t runs = 0;
    for (size_t i = 0; i < count; i++) {
        int same = i > 0 && (keys ? it[i].key == it[i - 1].key
                                  : !memcmp(it[i].point, it[i - 1].point, sizeof *it[i].point));
        if (!same) num[runs++] = (size_t)-1;
        out[it[i].q] = runs - 1;
    }
    /* renumber the runs by first appearance, walking the queries in order */
    size_t next = 0;
    for (size_t q = 0; q < count; q++)
        if (num[out[q]] == (size_t)-1) num[out[q]] = next++;
    for (size_t q = 0; q < count; q++) out[q] = num[out[q]];
    free(num);
    free(it);
    return runs;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Builds the sets for queries given by identity keys and points. Returns
 * ZK_ERR_INVALID_ARG for a repeated (key, point), ZK_ERR_NOMEM. */
static zk_status build_sets(mo_sets *s, const void *const *keys, const zk_fp *const *points, size_t count) {
    memset(s, 0, sizeof *s);
    zk_status st = ZK_ERR_NOMEM;
    size_t *pidx = malloc(count * sizeof *pidx), *cidx = malloc(count * sizeof *cidx);
    size_t *cnt = NULL, *sorted = NULL;
    if (!pidx || !cidx) goto out;
    size_t np = number_groups(pidx, NULL, points, count);
    size_t nc = number_groups(cidx, keys, NULL, count);
    if (np == (size_t)-1 || nc == (size_t)-1) goto out;
    s->npoints = np;
    s->ncomm = nc;
    s->comm_query = malloc(nc * sizeof *s->comm_query);
    s->comm_set = malloc(nc * sizeof *s->comm_set);
    s->eval_off = calloc(nc + 1, sizeof *s->eval_off);
    s->eval_query = malloc(count * sizeof *s->eval_query);
    s->set_off = calloc(nc + 1, sizeof *s->set_off);
    s->set_pts = malloc(count * sizeof *s->set_pts);
    s->point_query = malloc(np * sizeof *s->point_query);
    cnt = calloc(nc + 1, sizeof *cnt);
    sorted = malloc(count * sizeof *sorted);
    if (!s->comm_query || !s->comm_set || !s->eval_off || !s->eval_query || !s->set_off || !s->set_pts ||
        !s->point_query || !cnt || !sorted)
        goto out;
    for (size_t q = count; q-- > 0;) {
        s->comm_query[cidx[q]] = q; /* ends at the first */
        s->point_query[pidx[q]] = q;
    }
    /* each commitment's queries, in query order (counting sort) */
    for (size_t q = 0; q < count; q++) s->eval_off[cidx[q] + 1]++;
    for (size_t c = 0; c < nc; c++) s->eval_off[c + 1] += s->eval_off[c];
    for (size_t q = 0; q < count; q++) s->eval_query[s->eval_off[cidx[q]] + cnt[cidx[q]]++] = q;
    st = ZK_ERR_INVALID_ARG;
    for (size_t c = 0; c < nc; c++) {
        size_t lo = s->eval_off[c], m = s->eval_off[c + 1] - lo;
        size_t *set = sorted + lo;
        for (size_t i = 0; i < m; i++) set[i] = pidx[s->eval_query[lo + i]];
        qsort(set, m, sizeof *set, cmp_size);
        for (size_t i = 1; i < m; i++)
            if (set[i] == set[i - 1]) goto out; /* same commitment, same point */
        /* order this commitment's queries by the set: position of each point */
        size_t *eq = s->eval_query + lo, tmp[64], *ord = m <= 64 ? tmp : malloc(m * sizeof *ord);
        if (!ord) {
            st = ZK_ERR_NOMEM;
            goto out;
        }
        for (size_t i = 0; i < m; i++) {
            size_t pos = 0;
            while (set[pos] != pidx[eq[i]]) pos++;
            ord[pos] = eq[i];
        }
        memcpy(eq, ord, m * sizeof *ord);
        if (ord != tmp) free(ord);
        /* the set's number: an equal earlier set, else the next */
        size_t si = 0;
        for (; si < s->nsets; si++) {
            size_t a = s->set_off[si], len = s->set_off[si + 1] - a;
            if (len == m && !memcmp(s->set_pts + a, set, m * sizeof *set)) break;
        }
        if (si == s->nsets) {
            memcpy(s->set_pts + s->set_off[si], set, m * sizeof *set);
            s->set_off[si + 1] = s->set_off[si] + m;
            s->nsets++;
        }
        s->comm_set[c] = si;
    }
    st = ZK_OK;
out:
    free(pidx);
    free(cidx);
    free(cnt);
    free(sorted);
    if (st != ZK_OK) sets_free(s);
    return st;
}

/* The points of set si, by value. */
static const zk_fp *set_point(const mo_sets *s, const zk_fp *const *points, size_t si, size_t i) {
    return points[s->point_query[s->set_pts[s->set_off[si] + i]]];
}

static void wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}

/* ---- prover ---- */

zk_status zk_multiopen_create_proof(const zk_ipa_params *p, zk_rng *rng, zk_transcript *t,
                                    const zk_multiopen_prover_query *queries, size_t count) {
    if (!p || !rng || !t || !queries || !count) return ZK_ERR_INVALID_ARG;
    for (size_t i = 0; i < count; i++)
        if (!queries[i].poly) return ZK_ERR_INVALID_ARG;
    size_t n = p->n;
    zk_fp x1, x2, x3, x4, e;
    zk_status st = zk_transcript_vesta_squeeze(t, &x1);
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &x2);
    if (st != ZK_OK) return st;

    const void **keys = malloc(count * sizeof *keys);
    const zk_fp **points = malloc(count * sizeof *points);
    if (!keys || !points) {
        free(keys);
        free(points);
        return ZK_ERR_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        keys[i] = queries[i].poly;
        points[i] = &queries[i].point;
    }
    mo_sets s;
    st = build_sets(&s, keys, points, count);
    free(keys);
    if (st != ZK_OK) {
        free(points);
        return st;
    }
    size_t ns = s.nsets;
    zk_fp *q = calloc(ns * n, sizeof *q); /* q[set] = sum of the set's polys, x1 powers */
    zk_fp *qb = calloc(ns, sizeof *qb);   /* their blinds */
    zk_fp *acc = malloc(n * sizeof *acc); /* q', then the opened polynomial */
    zk_fp *tmp = malloc(n * sizeof *tmp);
    zk_fp acc_blind;
    if (!q || !qb || !acc || !tmp) st = ZK_ERR_NOMEM;

    if (st == ZK_OK) {
        /* q[set] = q[set] x1 + poly, in commitment order */
        for (size_t c = 0; c < s.ncomm; c++) {
            const zk_multiopen_prover_query *qq = &queries[s.comm_query[c]];
            size_t si = s.comm_set[c];
            zk_fp_poly_scale_add(q + si * n, &x1, qq->poly, n);
            zk_fp_mul(&qb[si], &qb[si], &x1);
            zk_fp_add(&qb[si], &qb[si], &qq->blind);
        }
        /* q' = sum over sets, x2 powers, of q[set] / prod (X - point) */
        memset(acc, 0, n * sizeof *acc);
        for (size_t si = 0; si < ns; si++) {
            memcpy(tmp, q + si * n, n * sizeof *tmp);
            size_t len = n, m = s.set_off[si + 1] - s.set_off[si];
            for (size_t i = 0; i < m && len > 0; i++) {
                /* halo2 kate_division: the quotient, one coefficient shorter */
                if (len > 1) zk_fp_poly_divide_by_linear(tmp, NULL, tmp, len, set_point(&s, points, si, i));
                tmp[--len] = zk_fp_ZERO;
            }
            zk_fp_poly_scale_add(acc, &x2, tmp, n);
        }
        st = zk_rng_fp(rng, &acc_blind);
    }
    if (st == ZK_OK) {
        zk_vesta c;
        zk_vesta_affine ca;
        st = zk_ipa_commit(p, &c, acc, n, &acc_blind);
        if (st == ZK_OK) {
            zk_vesta_to_affine(&ca, &c); /* constant time: c's Z depends on the secrets */
            st = zk_transcript_vesta_write_point(t, &ca);
        }
    }
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &x3);
    for (size_t si = 0; st == ZK_OK && si < ns; si++) {
        zk_fp_poly_eval(&e, q + si * n, n, &x3);
        st = zk_transcript_vesta_write_scalar(t, &e);
    }
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &x4);
    if (st == ZK_OK) {
        /* opened polynomial: (((q' x4 + q_0) x4 + q_1) ...), blinds alike */
        for (size_t si = 0; si < ns; si++) {
            zk_fp_poly_scale_add(acc, &x4, q + si * n, n);
            zk_fp_mul(&acc_blind, &acc_blind, &x4);
            zk_fp_add(&acc_blind, &acc_blind, &qb[si]);
        }
        if (q) wipe(q, ns * n * sizeof *q);
        free(q);
        q = NULL;
        free(tmp);
        tmp = NULL;
        st = zk_ipa_create_proof(p, rng, t, acc, &acc_blind, &x3);
    }
    if (q) wipe(q, ns * n * sizeof *q);
    if (acc) wipe(acc, n * sizeof *acc);
    if (tmp) wipe(tmp, n * sizeof *tmp);
    if (qb) wipe(qb, ns * sizeof *qb);
    wipe(&acc_blind, sizeof acc_blind);
    free(q);
    free(qb);
    free(acc);
    free(tmp);
    free(points);
    sets_free(&s);
    return st;
}

/* ---- verifier ---- */

zk_status zk_multiopen_verify_proof(const zk_ipa_params *p, zk_transcript *t,
                                    const zk_multiopen_verifier_query *queries, size_t count,
                                    zk_ipa_msm *msm, zk_ipa_guard *guard) {
    if (!p || !t || !queries || !count || !msm || !guard || msm->params != p) return ZK_ERR_INVALID_ARG;
    for (size_t i = 0; i < count; i++) {
        const zk_commitment_ref *r = &queries[i].commitment;
        if (!r->point == !r->msm || (r->msm && r->msm->params != p)) return ZK_ERR_INVALID_ARG;
    }
    zk_fp x1, x2, x3, x4, v, e;
    zk_status st = zk_transcript_vesta_squeeze(t, &x1);
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &x2);
    if (st != ZK_OK) return st;

    const void **keys = malloc(count * sizeof *keys);
    const zk_fp **points = malloc(count * sizeof *points);
    if (!keys || !points) {
        free(keys);
        free(points);
        return ZK_ERR_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        const zk_commitment_ref *r = &queries[i].commitment;
        keys[i] = r->point ? (const void *)r->point : (const void *)r->msm;
        points[i] = &queries[i].point;
    }
    mo_sets s;
    st = build_sets(&s, keys, points, count);
    free(keys);
    if (st != ZK_OK) {
        free(points);
        return st;
    }
    size_t ns = s.nsets;
    zk_ipa_msm *qc = calloc(ns, sizeof *qc);                 /* q commitments */
    zk_fp *qe = calloc(s.set_off[ns] ? s.set_off[ns] : 1, sizeof *qe); /* q evaluations per set point */
    zk_fp *pw = malloc(ns * sizeof *pw);                     /* next x1 power per set */
    zk_fp *u = malloc(ns * sizeof *u);
    zk_fp *rp = malloc((s.npoints ? s.npoints : 1) * 2 * sizeof *rp); /* interpolation scratch */
    if (!qc || !qe || !pw || !u || !rp) st = ZK_ERR_NOMEM;
    for (size_t si = 0; st == ZK_OK && si < ns; si++) {
        zk_ipa_msm_init(&qc[si], p);
        zk_fp_one(&pw[si]);
    }
    /* compress each set's commitments and evaluations with x1, in reverse
     * commitment order (increasing powers: the prover's Horner order) */
    for (size_t c = s.ncomm; st == ZK_OK && c-- > 0;) {
        size_t si = s.comm_set[c];
        const zk_commitment_ref *r = &queries[s.comm_query[c]].commitment;
        if (r->point)
            st = zk_ipa_msm_append_term(&qc[si], &pw[si], r->point);
        else
            st = zk_ipa_msm_add_msm(&qc[si], r->msm, &pw[si]);
        size_t lo = s.eval_off[c], m = s.eval_off[c + 1] - lo;
        for (size_t i = 0; i < m; i++) {
            zk_fp_mul(&e, &queries[s.eval_query[lo + i]].eval, &pw[si]);
            zk_fp_add(&qe[s.set_off[si] + i], &qe[s.set_off[si] + i], &e);
        }
        zk_fp_mul(&pw[si], &pw[si], &x1);
    }
    zk_vesta_affine qprime;
    if (st == ZK_OK) st = zk_transcript_vesta_read_point(t, &qprime);
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &x3);
    for (size_t si = 0; st == ZK_OK && si < ns; si++) st = zk_transcript_vesta_read_scalar(t, &u[si]);
    /* the value q' must take at x3: sum (x2 powers) of (u - r(x3)) / prod (x3 - point),
     * r interpolating the set's evaluations */
    v = zk_fp_ZERO;
    for (size_t si = 0; st == ZK_OK && si < ns; si++) {
        size_t m = s.set_off[si + 1] - s.set_off[si];
        zk_fp *pts = rp, *coef = rp + m, den, d;
        for (size_t i = 0; i < m; i++) pts[i] = *set_point(&s, points, si, i);
        st = zk_fp_poly_lagrange_interpolate(coef, pts, qe + s.set_off[si], m);
        if (st != ZK_OK) break;
        zk_fp_poly_eval(&e, coef, m, &x3);
        zk_fp_sub(&e, &u[si], &e);
        zk_fp_one(&den);
        for (size_t i = 0; i < m; i++) {
            zk_fp_sub(&d, &x3, &pts[i]);
            zk_fp_mul(&den, &den, &d);
        }
        if (zk_fp_is_zero(&den)) {
            st = ZK_ERR_VERIFY; /* x3 is a query point (halo2 panics) */
            break;
        }
        zk_fp_inv_var(&den, &den);
        zk_fp_mul(&e, &e, &den);
        zk_fp_mul(&v, &v, &x2);
        zk_fp_add(&v, &v, &e);
    }
    if (st == ZK_OK) st = zk_transcript_vesta_squeeze(t, &x4);
    if (st == ZK_OK) {
        /* msm = ((msm + q') x4 + Q_0) x4 + Q_1 ..., v likewise from u */
        zk_fp one;
        zk_fp_one(&one);
        st = zk_ipa_msm_append_term(msm, &one, &qprime);
        for (size_t si = 0; st == ZK_OK && si < ns; si++) {
            zk_ipa_msm_scale(msm, &x4);
            st = zk_ipa_msm_add_msm(msm, &qc[si], NULL);
            zk_fp_mul(&v, &v, &x4);
            zk_fp_add(&v, &v, &u[si]);
        }
    }
    if (qc)
        for (size_t si = 0; si < ns; si++) zk_ipa_msm_free(&qc[si]);
    free(qc);
    free(qe);
    free(pw);
    free(u);
    free(rp);
    free(points);
    sets_free(&s);
    if (st != ZK_OK) return st;
    return zk_ipa_verify_proof(p, msm, t, &x3, &v, guard);
}
