/* Key generation and the proving key (keygen.h). */
#include "plonk/keygen.h"

#include <stdlib.h>
#include <string.h>

#include "msm/msm.h"
#include "plonk/permutation.h"
#include "plonk/plonk_internal.h"

/* asg must describe cs at params' size. */
static zk_status check_shape(const zk_ipa_params *params, const zk_cs *cs, const zk_assignment *asg, zk_error *err) {
    if (!cs || !asg) return zk_fail(err, ZK_ERR_INVALID_ARG, "keygen: NULL argument");
    if (params && params->k != asg->k)
        return zk_fail(err, ZK_ERR_SHAPE, "keygen: params are for k = %u, the assignment has k = %u", params->k, asg->k);
    if (asg->num_fixed != cs->num_fixed || asg->num_advice != cs->num_advice || asg->num_instance != cs->num_instance)
        return zk_fail(err, ZK_ERR_SHAPE, "keygen: assignment columns (%u fixed, %u advice, %u instance) do not fit the "
                       "constraint system (%u, %u, %u)", asg->num_fixed, asg->num_advice, asg->num_instance,
                       cs->num_fixed, cs->num_advice, cs->num_instance);
    if (zk_cs_usable_rows(cs, asg->k) == 0)
        return zk_fail(err, ZK_ERR_RANGE, "keygen: 2^%u rows are fewer than the %u the circuit needs", asg->k,
                       zk_cs_minimum_rows(cs));
    if (zk_cs_has_selectors(cs))
        return zk_fail(err, ZK_ERR_UNSUPPORTED, "keygen: the constraint system still has virtual selectors");
    return ZK_OK;
}

/* Progress reporting: one unit per column committed or transformed, one for
 * the permutation. NULL-safe; ZK_ERR_CANCELLED when the callback says so. */
typedef struct {
    const zk_keygen_opts *opts;
    uint64_t done, total;
} kg_progress;

static zk_status kg_step(kg_progress *pr, zk_keygen_stage stage) {
    if (!pr) return ZK_OK;
    pr->done++;
    if (pr->opts && pr->opts->progress && pr->opts->progress(pr->opts->progress_ctx, stage, pr->done, pr->total))
        return ZK_ERR_CANCELLED;
    return ZK_OK;
}

/* out[c] = commit_lagrange(values[c*n ..], blind 1) for c < ncols. */
static zk_status commit_columns(const zk_ipa_params *params, const zk_fp_ntt *ntt, const zk_fp *values, size_t ncols,
                                zk_vesta_affine *out, kg_progress *pr) {
    size_t n = params->n;
    if (ncols == 0) return ZK_OK;
    zk_fp *buf = malloc(n * sizeof *buf);
    zk_vesta *proj = malloc(ncols * sizeof *proj);
    zk_status st = buf && proj ? ZK_OK : ZK_ERR_NOMEM;
    for (size_t c = 0; c < ncols && !st; c++) {
        if (params->g_lagrange && zk_plonk_lagrange_friendly(values + c * n, n)) {
            /* an MSM over the values (selectors, tables: small) */
            st = zk_ipa_commit_lagrange(params, &proj[c], values + c * n, &zk_fp_ONE, ntt);
        } else {
            memcpy(buf, values + c * n, n * sizeof *buf);
            st = zk_fp_ntt_inverse(ntt, buf, params->k);
            if (!st) st = zk_ipa_commit(params, &proj[c], buf, n, &zk_fp_ONE);
        }
        if (!st) st = kg_step(pr, ZK_KEYGEN_STAGE_COMMIT);
    }
    if (!st) st = zk_vesta_batch_to_affine_var(out, proj, ncols);
    free(buf);
    free(proj);
    return st;
}

/* Fixed and sigma commitments of a circuit. */
static zk_status commitments(const zk_ipa_params *params, const zk_fp *fixed, size_t nf, const zk_fp *sigma, size_t np,
                             zk_vesta_affine *fc, zk_vesta_affine *pc, kg_progress *pr, zk_error *err) {
    zk_fp_ntt *ntt = NULL;
    zk_status st = zk_fp_ntt_new(&ntt, params->k);
    if (!st) st = commit_columns(params, ntt, fixed, nf, fc, pr);
    if (!st) st = commit_columns(params, ntt, sigma, np, pc, pr);
    zk_fp_ntt_free(ntt);
    if (st == ZK_ERR_CANCELLED) return zk_fail(err, st, "keygen: cancelled");
    if (st) return zk_fail(err, st, "keygen: committing to the fixed and permutation columns failed");
    return ZK_OK;
}

void zk_plonk_pk_free(zk_plonk_pk *pk) {
    if (!pk) return;
    zk_fp_domain_free(pk->domain);
    free(pk->fixed_values);
    free(pk->fixed_polys);
    free(pk->fixed_cosets);
    free(pk->sigma_values);
    free(pk->sigma_polys);
    free(pk->sigma_cosets);
    zk_expr_prog_free(pk->gates);
    if (pk->lookups && pk->vk)
        for (uint32_t l = 0; l < pk->vk->cs->num_lookups; l++) zk_expr_prog_free(pk->lookups[l]);
    free(pk->lookups);
    if (pk->owns_vk) zk_plonk_vk_free((zk_plonk_vk *)pk->vk);
    free(pk);
}

size_t zk_plonk_pk_bytes(const zk_plonk_pk *pk) {
    if (!pk) return 0;
    size_t cols = 2 * ((size_t)pk->num_fixed + pk->num_perm);
    if (pk->fixed_cosets) cols += pk->parts * ((size_t)pk->num_fixed + pk->num_perm);
    return cols * pk->n * sizeof(zk_fp);
}

/* Coefficients and part-major coset values of ncols columns. */
static zk_status derive_columns(const zk_fp_domain *d, size_t parts, const zk_fp *values, size_t ncols, zk_fp *polys,
                                zk_fp *cosets, kg_progress *pr) {
    size_t n = d->n;
    for (size_t c = 0; c < ncols; c++) {
        zk_fp *p = polys + c * n;
        memcpy(p, values + c * n, n * sizeof *p);
        zk_status st = zk_fp_domain_lagrange_to_coeff(d, p);
        for (size_t j = 0; cosets && j < parts && !st; j++)
            st = zk_plonk_coeffs_to_part(d, cosets + (c * parts + j) * n, p, j);
        if (!st) st = kg_step(pr, ZK_KEYGEN_STAGE_PK);
        if (st) return st;
    }
    return ZK_OK;
}

/* The proving key from vk and the Lagrange values of its fixed and sigma
 * columns (taken over: *fixed and *sigma are owned by the key on success and
 * set to NULL). */
static zk_status build_pk(const zk_plonk_vk *vk, zk_fp **fixed, zk_fp **sigma, unsigned flags, zk_plonk_pk **out,
                          kg_progress *pr, zk_error *err) {
    const zk_cs *cs = vk->cs;
    zk_plonk_pk *pk = calloc(1, sizeof *pk);
    if (!pk) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    pk->vk = vk;
    pk->flags = flags & ZK_PK_NO_COSETS;
    pk->n = vk->n;
    pk->num_fixed = cs->num_fixed;
    pk->num_perm = cs->num_perm_columns;
    zk_status st = zk_fp_domain_new(&pk->domain, vk->degree, vk->k);
    if (st) {
        st = zk_fail(err, st, "keygen: cannot build the evaluation domain (degree %u, k = %u)", vk->degree, vk->k);
        goto fail;
    }
    pk->parts = pk->domain->extended_n / pk->n;
    size_t n = pk->n, nf = pk->num_fixed, np = pk->num_perm, t = pk->parts;
    pk->fixed_values = *fixed;
    pk->sigma_values = *sigma;
    *fixed = NULL;
    *sigma = NULL;
    pk->fixed_polys = malloc((nf * n + 1) * sizeof(zk_fp));
    pk->sigma_polys = malloc((np * n + 1) * sizeof(zk_fp));
    if (!(flags & ZK_PK_NO_COSETS)) {
        pk->fixed_cosets = malloc((nf * t * n + 1) * sizeof(zk_fp));
        pk->sigma_cosets = malloc((np * t * n + 1) * sizeof(zk_fp));
    }
    pk->lookups = calloc((size_t)cs->num_lookups + 1, sizeof *pk->lookups);
    if (!pk->fixed_polys || !pk->sigma_polys || !pk->lookups ||
        (!(flags & ZK_PK_NO_COSETS) && (!pk->fixed_cosets || !pk->sigma_cosets))) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory for the proving key");
        goto fail;
    }
    st = derive_columns(pk->domain, t, pk->fixed_values, nf, pk->fixed_polys, pk->fixed_cosets, pr);
    if (!st) st = derive_columns(pk->domain, t, pk->sigma_values, np, pk->sigma_polys, pk->sigma_cosets, pr);
    if (st) {
        st = zk_fail(err, st, st == ZK_ERR_CANCELLED ? "keygen: cancelled"
                                                     : "keygen: transforming the fixed and permutation columns failed");
        goto fail;
    }
    /* expression programs: gates, and each lookup's inputs and tables */
    zk_expr *roots = malloc(((size_t)cs->num_polys + 1) * sizeof *roots);
    if (!roots) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < cs->num_polys; i++) roots[i] = cs->polys[i].expr;
    st = zk_expr_prog_new(&pk->gates, cs, roots, cs->num_polys, err);
    free(roots);
    for (uint32_t l = 0; l < cs->num_lookups && !st; l++) {
        const zk_lookup *lk = &cs->lookups[l];
        zk_expr *r2 = malloc(2 * (size_t)lk->count * sizeof *r2);
        if (!r2) {
            st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            break;
        }
        memcpy(r2, cs->lookup_inputs + lk->first, lk->count * sizeof *r2);
        memcpy(r2 + lk->count, cs->lookup_tables + lk->first, lk->count * sizeof *r2);
        st = zk_expr_prog_new(&pk->lookups[l], cs, r2, 2 * (size_t)lk->count, err);
        free(r2);
    }
    if (st) goto fail;
    *out = pk;
    return ZK_OK;
fail:
    zk_plonk_pk_free(pk);
    return st;
}

/* Copies the fixed columns of asg. */
static zk_fp *copy_fixed(const zk_assignment *asg) {
    size_t cells = (size_t)asg->num_fixed * asg->n;
    zk_fp *f = malloc((cells + 1) * sizeof *f);
    if (f && cells) memcpy(f, asg->fixed, cells * sizeof *f);
    return f;
}

/* Compares vk's commitments with those of (fixed, sigma). */
static zk_status check_commitments(const zk_ipa_params *params, const zk_plonk_vk *vk, const zk_fp *fixed,
                                   const zk_fp *sigma, zk_error *err) {
    size_t nf = vk->cs->num_fixed, np = vk->cs->num_perm_columns;
    if (!params || params->k != vk->k)
        return zk_fail(err, ZK_ERR_INVALID_ARG, "proving key check: params for k = %u needed", vk->k);
    zk_vesta_affine *fc = malloc((nf + np + 1) * sizeof *fc);
    if (!fc) return zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    zk_status st = commitments(params, fixed, nf, sigma, np, fc, fc + nf, NULL, err);
    if (!st) {
        for (size_t i = 0; i < nf && !st; i++)
            if (!zk_vesta_affine_eq(&fc[i], &vk->fixed_commitments[i]))
                st = zk_fail(err, ZK_ERR_VERIFY, "proving key: fixed column %zu does not match the VK", i);
        for (size_t i = 0; i < np && !st; i++)
            if (!zk_vesta_affine_eq(&fc[nf + i], &vk->perm_commitments[i]))
                st = zk_fail(err, ZK_ERR_VERIFY, "proving key: permutation column %zu does not match the VK", i);
    }
    free(fc);
    return st;
}

zk_status zk_plonk_keygen(const zk_ipa_params *params, const zk_cs *cs, const zk_assignment *asg,
                          zk_vk_transcript_mode mode, unsigned pk_flags, zk_plonk_vk **vk_out, zk_plonk_pk **pk_out,
                          zk_error *err) {
    return zk_plonk_keygen_ex(params, cs, asg, mode, pk_flags, NULL, vk_out, pk_out, err);
}

zk_status zk_plonk_keygen_ex(const zk_ipa_params *params, const zk_cs *cs, const zk_assignment *asg,
                             zk_vk_transcript_mode mode, unsigned pk_flags, const zk_keygen_opts *opts,
                             zk_plonk_vk **vk_out, zk_plonk_pk **pk_out, zk_error *err) {
    if (!params || !vk_out) return zk_fail(err, ZK_ERR_INVALID_ARG, "keygen: NULL argument");
    *vk_out = NULL;
    if (pk_out) *pk_out = NULL;
    zk_status st = check_shape(params, cs, asg, err);
    if (st) return st;
    st = zk_cs_validate(cs, err);
    if (st) return st;
    zk_fp *sigma = NULL, *fixed = NULL;
    zk_vesta_affine *comm = NULL;
    zk_plonk_vk *vk = NULL;
    size_t nf = cs->num_fixed, np = cs->num_perm_columns;
    kg_progress pr = {opts, 0, 1 + (nf + np) * (pk_out ? 2 : 1)};
    st = zk_perm_keygen(cs, asg, &sigma, err);
    if (!st && kg_step(&pr, ZK_KEYGEN_STAGE_PERMUTATION)) st = zk_fail(err, ZK_ERR_CANCELLED, "keygen: cancelled");
    if (st) goto done;
    comm = malloc((nf + np + 1) * sizeof *comm);
    if (!comm) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    st = commitments(params, asg->fixed, nf, sigma, np, comm, comm + nf, &pr, err);
    if (!st) st = zk_plonk_vk_new(&vk, cs, asg->k, comm, comm + nf, mode, err);
    if (st) goto done;
    if (pk_out) {
        fixed = copy_fixed(asg);
        if (!fixed) {
            st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
            goto done;
        }
        st = build_pk(vk, &fixed, &sigma, pk_flags, pk_out, &pr, err);
        if (st) goto done;
    }
    *vk_out = vk;
    vk = NULL;
done:
    zk_plonk_vk_free(vk);
    free(comm);
    free(sigma);
    free(fixed);
    return st;
}

zk_status zk_plonk_keygen_vk(const zk_ipa_params *params, const zk_cs *cs, const zk_assignment *asg,
                             zk_vk_transcript_mode mode, zk_plonk_vk **out, zk_error *err) {
    return zk_plonk_keygen(params, cs, asg, mode, 0, out, NULL, err);
}

zk_status zk_plonk_keygen_pk(const zk_ipa_params *params, const zk_plonk_vk *vk, const zk_assignment *asg,
                             unsigned flags, zk_plonk_pk **out, zk_error *err) {
    if (!vk || !out) return zk_fail(err, ZK_ERR_INVALID_ARG, "keygen_pk: NULL argument");
    *out = NULL;
    zk_status st = check_shape(NULL, vk->cs, asg, err);
    if (st) return st;
    if (asg->k != vk->k) return zk_fail(err, ZK_ERR_SHAPE, "keygen_pk: VK k = %u, assignment k = %u", vk->k, asg->k);
    zk_fp *sigma = NULL, *fixed = NULL;
    st = zk_perm_keygen(vk->cs, asg, &sigma, err);
    if (!st) {
        fixed = copy_fixed(asg);
        if (!fixed) st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
    }
    if (!st && (flags & ZK_PK_CHECK)) st = check_commitments(params, vk, fixed, sigma, err);
    if (!st) st = build_pk(vk, &fixed, &sigma, flags, out, NULL, err);
    free(sigma);
    free(fixed);
    return st;
}

/* ---- serialization ---- */

static void put_u32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

zk_status zk_plonk_pk_write(const zk_plonk_pk *pk, uint8_t **out, size_t *out_len) {
    if (!pk || !out || !out_len) return ZK_ERR_INVALID_ARG;
    const zk_plonk_vk *vk = pk->vk;
    size_t cells = ((size_t)pk->num_fixed + pk->num_perm) * pk->n;
    size_t len = 20 + vk->encoding_len + 32 * cells;
    uint8_t *b = malloc(len);
    if (!b) return ZK_ERR_NOMEM;
    memcpy(b, "zkPK", 4);
    put_u32(b + 4, 1);
    put_u32(b + 8, 0);
    uint64_t vl = vk->encoding_len;
    for (int i = 0; i < 8; i++) b[12 + i] = (uint8_t)(vl >> (8 * i));
    memcpy(b + 20, vk->encoding, vk->encoding_len);
    uint8_t *p = b + 20 + vk->encoding_len;
    for (size_t i = 0; i < (size_t)pk->num_fixed * pk->n; i++, p += 32) zk_fp_to_bytes(p, &pk->fixed_values[i]);
    for (size_t i = 0; i < (size_t)pk->num_perm * pk->n; i++, p += 32) zk_fp_to_bytes(p, &pk->sigma_values[i]);
    *out = b;
    *out_len = len;
    return ZK_OK;
}

zk_status zk_plonk_pk_read(const zk_ipa_params *params, const uint8_t *bytes, size_t len, unsigned flags,
                           zk_plonk_pk **out, zk_error *err) {
    if (!out || (!bytes && len)) return zk_fail(err, ZK_ERR_INVALID_ARG, "PK read: NULL argument");
    *out = NULL;
    if (len < 20) return zk_fail(err, ZK_ERR_TRUNCATED, "PK: %zu bytes is too short", len);
    if (memcmp(bytes, "zkPK", 4) != 0) return zk_fail(err, ZK_ERR_PARSE, "PK: bad magic (not a zkml proving key)");
    uint32_t version = (uint32_t)get_le(bytes + 4, 4), fl = (uint32_t)get_le(bytes + 8, 4);
    if (version != 1)
        return zk_fail(err, version > 1 ? ZK_ERR_UNSUPPORTED : ZK_ERR_PARSE, "PK: version %u (this build reads 1)", version);
    if (fl != 0) return zk_fail(err, ZK_ERR_PARSE, "PK: unknown flags 0x%x", fl);
    uint64_t vl = get_le(bytes + 12, 8);
    if (vl > len - 20) return zk_fail(err, ZK_ERR_TRUNCATED, "PK: VK length %llu exceeds the input", (unsigned long long)vl);
    zk_plonk_vk *vk = NULL;
    zk_status st = zk_plonk_vk_read(&vk, bytes + 20, (size_t)vl, err);
    if (st) return st;
    size_t n = vk->n, nf = vk->cs->num_fixed, np = vk->cs->num_perm_columns;
    size_t rest = len - 20 - (size_t)vl;
    zk_fp *fixed = NULL, *sigma = NULL;
    if (rest / 32 != (nf + np) * n || rest % 32) {
        st = zk_fail(err, rest < 32 * (nf + np) * n ? ZK_ERR_TRUNCATED : ZK_ERR_PARSE,
                     "PK: %zu bytes of columns, expected %zu", rest, 32 * (nf + np) * n);
        goto fail;
    }
    fixed = malloc((nf * n + 1) * sizeof *fixed);
    sigma = malloc((np * n + 1) * sizeof *sigma);
    if (!fixed || !sigma) {
        st = zk_fail(err, ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    const uint8_t *p = bytes + 20 + vl;
    for (size_t i = 0; i < (nf + np) * n; i++, p += 32) {
        zk_fp *dst = i < nf * n ? &fixed[i] : &sigma[i - nf * n];
        if (zk_fp_from_bytes(dst, p) != ZK_OK) {
            st = zk_fail(err, ZK_ERR_ENCODING, "PK: element %zu is not a canonical field element", i);
            goto fail;
        }
    }
    if (flags & ZK_PK_CHECK) {
        st = check_commitments(params, vk, fixed, sigma, err);
        if (st) goto fail;
    }
    zk_plonk_pk *pk = NULL;
    st = build_pk(vk, &fixed, &sigma, flags, &pk, NULL, err);
    if (st) goto fail;
    pk->owns_vk = 1;
    *out = pk;
    return ZK_OK;
fail:
    free(fixed);
    free(sigma);
    zk_plonk_vk_free(vk);
    return st;
}
