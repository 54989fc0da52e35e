/* BLAKE2b (RFC 7693): incremental hashing with digest length 1..64, optional
 * key (up to 64 bytes), 16-byte salt and 16-byte personalization.
 *
 * The state is a plain struct with no pointers: copying it by value forks the
 * hash (halo2's transcript squeezes by finalizing a copy of a running state).
 * Typical use:
 *   zk_blake2b s;
 *   zk_blake2b_init_personal(&s, 64, (const uint8_t *)"Halo2-Transcript");
 *   zk_blake2b_update(&s, data, len);
 *   zk_blake2b c = s; zk_blake2b_final(&c, digest);   // s keeps running
 * Hashing is constant time in the data and the key (not in their lengths). */
#ifndef ZK_HASH_BLAKE2B_H
#define ZK_HASH_BLAKE2B_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define ZK_BLAKE2B_BLOCKBYTES 128
#define ZK_BLAKE2B_OUTBYTES 64
#define ZK_BLAKE2B_KEYBYTES 64
#define ZK_BLAKE2B_SALTBYTES 16
#define ZK_BLAKE2B_PERSONALBYTES 16

typedef struct {
    uint64_t h[8];                      /* chained state */
    uint64_t t[2];                      /* bytes compressed so far (128-bit counter) */
    uint8_t buf[ZK_BLAKE2B_BLOCKBYTES]; /* pending input, always kept for the final block */
    uint32_t buflen;                    /* bytes in buf, 0..128 */
    uint32_t outlen;                    /* digest length, 1..64 */
} zk_blake2b;

/* Starts an unkeyed hash with an outlen-byte digest (sequential mode, zero salt
 * and personalization). ZK_ERR_INVALID_ARG if outlen is not in 1..64 (the
 * state is then unusable). */
zk_status zk_blake2b_init(zk_blake2b *s, size_t outlen);

/* As init, with the 16-byte personalization string personal (NULL = zeros). */
zk_status zk_blake2b_init_personal(zk_blake2b *s, size_t outlen, const uint8_t *personal);

/* Full parameter set: key of keylen bytes (0..64; key may be NULL when keylen
 * is 0), salt and personal of 16 bytes each (NULL = zeros).
 * ZK_ERR_INVALID_ARG if outlen or keylen is out of range. */
zk_status zk_blake2b_init_params(zk_blake2b *s, size_t outlen, const uint8_t *key, size_t keylen,
                                 const uint8_t *salt, const uint8_t *personal);

/* Absorbs n bytes (in may be NULL when n is 0). */
void zk_blake2b_update(zk_blake2b *s, const void *in, size_t n);

/* Writes the s->outlen-byte digest to out. The state is consumed: hash a copy
 * to keep going. */
void zk_blake2b_final(zk_blake2b *s, uint8_t *out);

/* One call: out (outlen bytes) = BLAKE2b(key, in). Same argument rules. */
zk_status zk_blake2b_hash(uint8_t *out, size_t outlen, const void *in, size_t n, const uint8_t *key,
                          size_t keylen);

#endif
