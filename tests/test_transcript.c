#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "transcript/transcript.h"
#include "tv.h"

/* Replays one vector sequence with a writer, then with a reader over the
 * written bytes; both must give every challenge, and the writer the bytes. */
#define TRANSCRIPT_REPLAY(CURVE, AFF, BF, SF, SCALAR)                                             \
    static int replay_##CURVE(const cJSON *seq) {                                                 \
        zk_transcript w, r;                                                                       \
        zk_transcript_init_writer(&w);                                                            \
        size_t nbytes = 0;                                                                        \
        uint8_t *want = tv_unhex_alloc(tv_str(seq, "written_bytes"), &nbytes);                    \
        if (!want) want = calloc(1, 1);                                                           \
        zk_transcript_init_reader(&r, want, nbytes);                                              \
        int bad = 0;                                                                              \
        const cJSON *op;                                                                          \
        cJSON_ArrayForEach(op, cJSON_GetObjectItem(seq, "operations")) {                          \
            const char *kind = tv_str(op, "op");                                                  \
            if (!strcmp(kind, "squeeze_challenge")) {                                             \
                SCALAR cw, cr, e;                                                                 \
                uint8_t b[32];                                                                    \
                bad |= zk_transcript_##CURVE##_squeeze(&w, &cw) != ZK_OK;                         \
                bad |= zk_transcript_##CURVE##_squeeze(&r, &cr) != ZK_OK;                         \
                bad |= tv_bytes32(b, op, "challenge") || zk_##SF##_from_bytes(&e, b);             \
                bad |= !zk_##SF##_eq(&cw, &e) || !zk_##SF##_eq(&cr, &e);                          \
            } else if (strstr(kind, "point")) {                                                   \
                const cJSON *pj = cJSON_GetObjectItem(op, "point");                               \
                AFF p, q;                                                                         \
                uint8_t b[32];                                                                    \
                bad |= tv_unhex(b, 32, tv_str(pj, "compressed"));                                 \
                bad |= zk_##CURVE##_affine_from_bytes(&p, b) != ZK_OK;                            \
                if (!strcmp(kind, "write_point")) {                                               \
                    bad |= zk_transcript_##CURVE##_write_point(&w, &p) != ZK_OK;                  \
                    bad |= zk_transcript_##CURVE##_read_point(&r, &q) != ZK_OK;                   \
                    bad |= !zk_##CURVE##_affine_eq(&p, &q);                                       \
                } else {                                                                          \
                    bad |= zk_transcript_##CURVE##_common_point(&w, &p) != ZK_OK;                 \
                    bad |= zk_transcript_##CURVE##_common_point(&r, &p) != ZK_OK;                 \
                }                                                                                 \
            } else {                                                                              \
                SCALAR s, q;                                                                      \
                uint8_t b[32];                                                                    \
                bad |= tv_bytes32(b, op, "scalar") || zk_##SF##_from_bytes(&s, b);                \
                if (!strcmp(kind, "write_scalar")) {                                              \
                    bad |= zk_transcript_##CURVE##_write_scalar(&w, &s) != ZK_OK;                 \
                    bad |= zk_transcript_##CURVE##_read_scalar(&r, &q) != ZK_OK;                  \
                    bad |= !zk_##SF##_eq(&s, &q);                                                 \
                } else {                                                                          \
                    bad |= zk_transcript_##CURVE##_common_scalar(&w, &s) != ZK_OK;                \
                    bad |= zk_transcript_##CURVE##_common_scalar(&r, &s) != ZK_OK;                \
                }                                                                                 \
            }                                                                                     \
            const cJSON *off = cJSON_GetObjectItem(op, "proof_offset");                           \
            size_t len;                                                                           \
            zk_transcript_proof(&w, &len);                                                        \
            if (cJSON_IsNumber(off)) bad |= (size_t)off->valuedouble + 32 != len;                 \
        }                                                                                         \
        size_t len;                                                                               \
        const uint8_t *got = zk_transcript_proof(&w, &len);                                       \
        bad |= len != nbytes || (len && memcmp(got, want, len));                                  \
        bad |= zk_transcript_remaining(&r) != 0;                                                  \
        zk_transcript_free(&w);                                                                   \
        free(want);                                                                               \
        return bad;                                                                               \
    }

TRANSCRIPT_REPLAY(vesta, zk_vesta_affine, fq, fp, zk_fp)
TRANSCRIPT_REPLAY(pallas, zk_pallas_affine, fp, fq, zk_fq)

TEST(transcript_vectors) {
    cJSON *root = tv_load("blake2b_transcript.json");
    REQUIRE(root);
    const cJSON *seq;
    int n = 0;
    cJSON_ArrayForEach(seq, cJSON_GetObjectItem(cJSON_GetObjectItem(root, "vesta_affine_fp_scalar"), "sequences")) {
        CHECK_MSG(!replay_vesta(seq), "vesta sequence %d", n);
        n++;
    }
    cJSON_ArrayForEach(seq, cJSON_GetObjectItem(cJSON_GetObjectItem(root, "pallas_affine_fq_scalar"), "sequences")) {
        CHECK_MSG(!replay_pallas(seq), "pallas sequence %d", n);
        n++;
    }
    CHECK_EQ_INT(n, 8);
    cJSON_Delete(root);
}

TEST(transcript_rejects_bad_input) {
    zk_transcript w, r;
    zk_vesta_affine id, g, p;
    zk_fp s, c;
    zk_vesta_affine_identity(&id);
    zk_vesta_generator(&g);
    /* the identity cannot be absorbed, and the error sticks */
    zk_transcript_init_writer(&w);
    CHECK(zk_transcript_vesta_write_point(&w, &id) == ZK_ERR_ENCODING);
    CHECK(zk_transcript_vesta_squeeze(&w, &c) == ZK_ERR_ENCODING);
    zk_transcript_free(&w);

    /* a good proof: point, scalar */
    zk_transcript_init_writer(&w);
    zk_fp_from_u64(&s, 12345);
    CHECK(zk_transcript_vesta_write_point(&w, &g) == ZK_OK);
    CHECK(zk_transcript_vesta_write_scalar(&w, &s) == ZK_OK);
    uint8_t *proof;
    size_t len;
    REQUIRE(zk_transcript_take_proof(&w, &proof, &len) == ZK_OK && len == 64);

    /* truncated */
    zk_transcript_init_reader(&r, proof, 63);
    CHECK(zk_transcript_vesta_read_point(&r, &p) == ZK_OK);
    CHECK(zk_transcript_vesta_read_scalar(&r, &s) == ZK_ERR_TRUNCATED);
    /* the identity encoding inside a proof */
    uint8_t bad[64];
    memcpy(bad, proof, 64);
    memset(bad, 0, 32);
    zk_transcript_init_reader(&r, bad, 64);
    CHECK(zk_transcript_vesta_read_point(&r, &p) == ZK_ERR_ENCODING);
    /* x not on the curve / non-canonical */
    memcpy(bad, proof, 64);
    memset(bad, 0xff, 32);
    zk_transcript_init_reader(&r, bad, 64);
    CHECK(zk_transcript_vesta_read_point(&r, &p) == ZK_ERR_ENCODING);
    /* non-canonical scalar */
    memcpy(bad, proof, 64);
    memset(bad + 32, 0xff, 32);
    zk_transcript_init_reader(&r, bad, 64);
    CHECK(zk_transcript_vesta_read_point(&r, &p) == ZK_OK);
    CHECK(zk_transcript_vesta_read_scalar(&r, &s) == ZK_ERR_ENCODING);
    /* a reader cannot write */
    zk_transcript_init_reader(&r, proof, 64);
    CHECK(zk_transcript_vesta_read_point(&r, &p) == ZK_OK && zk_vesta_affine_eq(&p, &g));
    free(proof);
}
