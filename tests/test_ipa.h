/* Helpers shared by the IPA and multiopen tests (test_ipa*.c, test_multiopen*.c). */
#ifndef ZK_TESTS_TEST_IPA_H
#define ZK_TESTS_TEST_IPA_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "commit/params.h"
#include "curve/curve.h"
#include "field/field.h"

/* Parameters for k <= ti_max_k(), derived once at ti_max_k() and downsized
 * (cached for the whole run; never free them). NULL on failure. */
const zk_ipa_params *ti_params(unsigned k);
/* The largest k the randomized tests use on this platform: 14 natively, less
 * in WebAssembly to keep the suite quick. */
unsigned ti_max_k(void);

/* 1 where tests should sample instead of covering everything (WebAssembly,
 * sanitizers): the native Release run is the exhaustive one. */
int ti_quick(void);

/* obj[key] as a field element ({hex} or hex string); 0 on success. */
int ti_fp(zk_fp *out, const cJSON *obj, const char *key);
/* obj[key] as a point ({compressed} object); 0 on success. */
int ti_point(zk_vesta_affine *out, const cJSON *obj, const char *key);
/* 1 if p equals the point obj[key]. */
int ti_point_eq(const zk_vesta *p, const cJSON *obj, const char *key);

#endif
