/* Test-vector helpers: load JSON files from tests/vectors (or ../shared) with
 * cJSON and decode the hex fields the vector files use. */
#ifndef ZK_TESTS_TV_H
#define ZK_TESTS_TV_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Parses tests/vectors/<name>; NULL (and a test failure) if missing. */
cJSON *tv_load(const char *name);
/* Parses an arbitrary path; NULL if missing or malformed (no failure recorded). */
cJSON *tv_load_path(const char *path);

/* Decodes lowercase/uppercase hex of exactly 2*n digits into out; 0 on success. */
int tv_unhex(uint8_t *out, size_t n, const char *hex);
/* Decodes any-length hex into a malloc'ed buffer; returns NULL on bad hex. */
uint8_t *tv_unhex_alloc(const char *hex, size_t *n);

/* obj[key] as string (or NULL); obj[key]["hex"] when the value is a {hex,dec} object. */
const char *tv_str(const cJSON *obj, const char *key);
const char *tv_hex(const cJSON *obj, const char *key);
/* 32 bytes from obj[key] given as {hex,...} or as a hex string; 0 on success. */
int tv_bytes32(uint8_t out[32], const cJSON *obj, const char *key);

#endif
