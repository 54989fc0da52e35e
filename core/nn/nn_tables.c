/* Deterministic real functions and lookup-table construction.
 *
 * Table contents become circuit constants that every verifier must rebuild bit
 * for bit, on x86-64 and on wasm32 alike. So nothing here calls libm: each
 * function is built from IEEE-754 double +, -, *, / (correctly rounded on every
 * target) with fixed evaluation order, no FMA contraction (see the pragma in
 * nn_internal.h) and integer conversions of values known to be in range. */
#include <string.h>

#include "nn/nn_internal.h"

static const double LN2_HI = 6.93147180369123816490e-01; /* high bits of ln 2: k * LN2_HI exact for |k| < 2^20 */
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

double zk_det_floor(double x) {
    if (x != x) return x;
    if (x >= 4503599627370496.0 || x <= -4503599627370496.0) return x; /* |x| >= 2^52: already whole */
    double t = (double)(int64_t)x;                                      /* truncation: exact */
    return t > x ? t - 1.0 : t;
}

/* 2^k as a double, exactly, for -1074 <= k <= 1023. */
static double pow2i(int k) {
    double r = 1.0;
    if (k > 1023) return 1.0 / 0.0;
    if (k < -1074) return 0.0;
    if (k < -1022) {
        r = 2.2250738585072014e-308; /* 2^-1022 */
        k += 1022;
        while (k < 0) { r *= 0.5; k++; }
        return r;
    }
    uint64_t bits = (uint64_t)(k + 1023) << 52;
    memcpy(&r, &bits, 8);
    return r;
}

double zk_det_exp(double x) {
    if (x != x) return x;
    if (x > 709.0) return 1.0 / 0.0;
    if (x < -745.0) return 0.0;
    double kd = zk_det_floor(x * INV_LN2 + 0.5);
    int k = (int)kd;
    double r = (x - kd * LN2_HI) - kd * LN2_LO; /* |r| <= ~0.347 */
    /* Taylor series to degree 16, Horner */
    double p = 1.0 / 20922789888000.0; /* 1/16! */
    static const double inv_fact[17] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
                                        1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600,
                                        1.0 / 6227020800.0, 1.0 / 87178291200.0, 1.0 / 1307674368000.0,
                                        1.0 / 20922789888000.0};
    for (int i = 15; i >= 0; i--) p = p * r + inv_fact[i];
    if (k < -1000) return p * pow2i(k + 600) * pow2i(-600);
    return p * pow2i(k);
}

double zk_det_log(double x) {
    if (x != x || x < 0) return 0.0 / 0.0;
    if (x == 0) return -1.0 / 0.0;
    if (x > 1.7976931348623157e308) return x;
    int e = 0;
    if (x < 2.2250738585072014e-308) { /* subnormal: scale up by 2^54 */
        x *= 18014398509481984.0;
        e = -54;
    }
    uint64_t bits;
    memcpy(&bits, &x, 8);
    e += (int)((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL; /* mantissa in [1, 2) */
    double mant;
    memcpy(&mant, &bits, 8);
    if (mant > 1.4142135623730951) {
        mant *= 0.5;
        e++;
    }
    /* log(m) = 2 atanh(z), z = (m - 1) / (m + 1), |z| <= 0.1716 */
    double z = (mant - 1.0) / (mant + 1.0), z2 = z * z;
    double s = 0.0;
    for (int k = 27; k >= 1; k -= 2) s = s * z2 + 1.0 / k;
    double lm = 2.0 * z * s;
    return (double)e * LN2_HI + (lm + (double)e * LN2_LO);
}

double zk_det_tanh(double x) {
    if (x != x) return x;
    double a = x < 0 ? -x : x;
    if (a > 20) return x < 0 ? -1.0 : 1.0;
    if (a < 1e-5) return x - x * x * x / 3.0;
    double t = zk_det_exp(-2.0 * a);
    double r = (1.0 - t) / (1.0 + t);
    return x < 0 ? -r : r;
}

double zk_det_erf(double x) {
    if (x != x) return x;
    double a = x < 0 ? -x : x;
    double r;
    if (a > 6) r = 1.0;
    else if (a < 2.5) {
        /* 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)) */
        double term = a, sum = a, a2 = a * a;
        for (int n = 1; n < 80; n++) {
            term = -term * a2 / n;
            sum += term / (2 * n + 1);
        }
        r = sum * 1.1283791670955126;
    } else {
        /* erfc(a) = exp(-a^2) / sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))) */
        double f = a;
        for (int k = 80; k >= 1; k--) f = a + (k * 0.5) / f;
        r = 1.0 - zk_det_exp(-a * a) * 0.5641895835477563 / f;
    }
    return x < 0 ? -r : r;
}

zk_status zk_nn_table_build(zk_nn_model *m, zk_nn_table *tbl, double (*f)(double, const double *), const double *p,
                            int64_t lo, int64_t hi, int in_scale, int out_scale) {
    if (hi < lo) hi = lo;
    int64_t n = hi - lo + 1;
    if (n > ((int64_t)1 << (m->q.table_bits + 1)) + 2) return ZK_ERR_RANGE;
    int64_t *v = zk_nn_alloc(m, (size_t)n * sizeof(int64_t));
    if (!v) return ZK_ERR_NOMEM;
    double step = pow2i(-in_scale), out = pow2i(out_scale);
    double lim = (double)(((int64_t)1 << m->q.range_bits) - 1);
    for (int64_t i = 0; i < n; i++) {
        double x = (double)(lo + i) * step; /* exact: lo + i < 2^53 and step is a power of two */
        double y = f(x, p) * out;
        if (y != y) y = 0;
        if (y > lim) y = lim;
        if (y < -lim) y = -lim;
        v[i] = (int64_t)zk_det_floor(y + 0.5);
    }
    tbl->lo = lo;
    tbl->n = n;
    tbl->in_scale = in_scale;
    tbl->out_scale = out_scale;
    tbl->v = v;
    return ZK_OK;
}
