/* Helpers shared by the PLONK front-end tests (test_plonk*.c, test_mock*.c). */
#ifndef ZK_TESTS_TEST_PLONK_H
#define ZK_TESTS_TEST_PLONK_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "curve/curve.h"
#include "field/field.h"
#include "plonk/assign.h"
#include "plonk/cs.h"
#include "util/status.h"

/* BLAKE2b via core/hash: digest of outlen (1..64) bytes, no key,
 * 16-byte personalization (NULL = zeros). */
void tp_blake2b(uint8_t *out, size_t outlen, const uint8_t personal[16], const uint8_t *msg, size_t len);

/* Field element from 64 LE hex digits ({hex} object or string); 0 on success. */
int tp_fp(zk_fp *out, const cJSON *v);
/* 1 if a equals the hex field element v. */
int tp_fp_eq_json(const zk_fp *a, const cJSON *v);
/* Vesta points from an array of {x, y} (each {hex} or a hex string); malloc'ed, NULL on error. */
zk_vesta_affine *tp_points(const cJSON *arr, size_t *n);

/* BLAKE2b-256 (no key/personalization) of the canonical LE bytes of cols[c][0..rows) for c < ncols, as hex. */
void tp_columns_digest(char hex[65], const zk_fp *base, size_t ncols, size_t stride, size_t rows);

/* Loads tests/vectors/<name> or <shared>/<sub>; NULL if absent (no failure recorded for shared). */
cJSON *tp_load_shared(const char *sub);

#endif
