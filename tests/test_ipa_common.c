#include <stdlib.h>

#include "test_ipa.h"
#include "tv.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TI_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TI_SANITIZED 1
#endif

unsigned ti_max_k(void) {
    return 14; /* the range, in every build: deriving k = 14 takes ~0.5 s even in WebAssembly */
}

int ti_quick(void) {
#if defined(__wasm32__) || defined(TI_SANITIZED)
    return 1;
#else
    return 0;
#endif
}

const zk_ipa_params *ti_params(unsigned k) {
    static zk_ipa_params *cache[ZK_IPA_MAX_K + 1];
    if (k > ti_max_k() || k < ZK_IPA_MIN_K) return NULL;
    if (!cache[ti_max_k()] && zk_ipa_params_new(&cache[ti_max_k()], ti_max_k(), 0) != ZK_OK) return NULL;
    if (!cache[k] && zk_ipa_params_downsize(&cache[k], cache[ti_max_k()], k) != ZK_OK) return NULL;
    return cache[k];
}

int ti_fp(zk_fp *out, const cJSON *obj, const char *key) {
    uint8_t b[32];
    if (tv_bytes32(b, obj, key)) return -1;
    return zk_fp_from_bytes(out, b) != ZK_OK;
}

int ti_point(zk_vesta_affine *out, const cJSON *obj, const char *key) {
    uint8_t b[32];
    const cJSON *p = key ? cJSON_GetObjectItemCaseSensitive(obj, key) : obj;
    if (tv_unhex(b, 32, tv_str(p, "compressed"))) return -1;
    return zk_vesta_affine_from_bytes(out, b) != ZK_OK;
}

int ti_point_eq(const zk_vesta *p, const cJSON *obj, const char *key) {
    zk_vesta_affine want, got;
    if (ti_point(&want, obj, key)) return 0;
    zk_vesta_to_affine_var(&got, p);
    return zk_vesta_affine_eq(&got, &want);
}
