/* The Fiat-Shamir transcript, exactly as halo2_proofs 0.3 writes and reads it
 * (Blake2bWrite / Blake2bRead with Challenge255):
 *
 *   state         BLAKE2b-512, personalization "Halo2-Transcript"
 *   common point  absorb 0x01 || x.to_repr() || y.to_repr() (affine; the
 *                 identity cannot be absorbed: ZK_ERR_ENCODING)
 *   common scalar absorb 0x02 || s.to_repr()
 *   squeeze       absorb 0x00, finalize a copy of the state, and reduce the
 *                 64-byte digest mod the scalar field (from_uniform_bytes)
 *   write_*       common_* and append the 32-byte encoding to the proof
 *   read_*        take 32 bytes from the proof, decode (points: validating
 *                 decompression), then common_*
 *
 * One zk_transcript serves both curves; the functions are named by the curve
 * whose points they absorb: zk_transcript_vesta_* (points over Fq, scalars
 * and challenges in Fp: the IPA and PLONK curve) and zk_transcript_pallas_*.
 * Errors are sticky: after the first failure every call returns it. */
#ifndef ZK_TRANSCRIPT_TRANSCRIPT_H
#define ZK_TRANSCRIPT_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "curve/curve.h"
#include "hash/blake2b.h"
#include "util/status.h"

typedef struct {
    zk_blake2b state;
    int writing;         /* 1 for a writer, 0 for a reader */
    zk_status err;       /* first error, sticky */
    /* writer: the proof so far (owned) */
    uint8_t *out;
    size_t out_len, out_cap;
    /* reader: the proof being consumed (borrowed) */
    const uint8_t *in;
    size_t in_len, in_pos;
} zk_transcript;

/* A writer with an empty proof buffer. Free with zk_transcript_free. */
void zk_transcript_init_writer(zk_transcript *t);
/* A reader over proof[0..len) (borrowed: it must outlive the reader). */
void zk_transcript_init_reader(zk_transcript *t, const uint8_t *proof, size_t len);
/* Frees the writer's buffer (readers own nothing). */
void zk_transcript_free(zk_transcript *t);

/* Writer: the proof bytes written so far (owned by t) ... */
const uint8_t *zk_transcript_proof(const zk_transcript *t, size_t *len);
/* ... or hand them over: *out becomes a malloc'ed buffer the caller frees. */
zk_status zk_transcript_take_proof(zk_transcript *t, uint8_t **out, size_t *len);
/* Reader: bytes not consumed yet (a complete proof leaves none). */
size_t zk_transcript_remaining(const zk_transcript *t);

/* Absorbs raw bytes with no prefix (not a halo2 operation: for our own
 * domain separation before the protocol starts). */
void zk_transcript_absorb_raw(zk_transcript *t, const void *data, size_t n);

#define ZK_TRANSCRIPT_DECL_(curve, AFF, SCALAR)                                                   \
    zk_status zk_transcript_##curve##_common_point(zk_transcript *t, const AFF *p);               \
    zk_status zk_transcript_##curve##_common_scalar(zk_transcript *t, const SCALAR *s);           \
    zk_status zk_transcript_##curve##_write_point(zk_transcript *t, const AFF *p);                \
    zk_status zk_transcript_##curve##_write_scalar(zk_transcript *t, const SCALAR *s);            \
    zk_status zk_transcript_##curve##_read_point(zk_transcript *t, AFF *p);                       \
    zk_status zk_transcript_##curve##_read_scalar(zk_transcript *t, SCALAR *s);                   \
    zk_status zk_transcript_##curve##_squeeze(zk_transcript *t, SCALAR *challenge);

ZK_TRANSCRIPT_DECL_(vesta, zk_vesta_affine, zk_fp)
ZK_TRANSCRIPT_DECL_(pallas, zk_pallas_affine, zk_fq)
#undef ZK_TRANSCRIPT_DECL_

#endif
