/* BLAKE2b: RFC 7693 vectors, parameters (key, salt, personalization), the
 * incremental interface and by-value copies (halo2's transcript replay). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hash/blake2b.h"
#include "tv.h"

static void unhex_or_fail(uint8_t *out, size_t n, const char *hex) {
    if (tv_unhex(out, n, hex)) th_fail(__FILE__, __LINE__, "bad hex in test");
}

TEST(blake2b_rfc7693_abc) {
    /* RFC 7693 appendix A: BLAKE2b-512("abc") */
    uint8_t want[64], got[64];
    unhex_or_fail(want, 64,
                  "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                  "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    CHECK(zk_blake2b_hash(got, 64, "abc", 3, NULL, 0) == ZK_OK);
    CHECK_MEM(got, want, 64);
}

TEST(blake2b_empty_512) {
    uint8_t want[64], got[64];
    unhex_or_fail(want, 64,
                  "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
                  "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
    CHECK(zk_blake2b_hash(got, 64, NULL, 0, NULL, 0) == ZK_OK);
    CHECK_MEM(got, want, 64);
}

/* RFC 7693 appendix E: the Fibonacci-like test sequence. */
static void selftest_seq(uint8_t *out, size_t len, uint32_t seed) {
    uint32_t a = 0xDEAD4BADu * seed, b = 1;
    for (size_t i = 0; i < len; i++) {
        uint32_t t = a + b;
        a = b;
        b = t;
        out[i] = (uint8_t)(t >> 24);
    }
}

TEST(blake2b_rfc7693_selftest) {
    /* Grand hash over digest lengths x input lengths, unkeyed and keyed. */
    static const size_t md_len[4] = {20, 32, 48, 64};
    static const size_t in_len[6] = {0, 3, 128, 129, 255, 1024};
    uint8_t in[1024], md[64], key[64], want[32];
    unhex_or_fail(want, 32, "c23a7800d98123bd10f506c61e29da5603d763b8bbad2e737f5e765a7bccd475");
    zk_blake2b ctx;
    REQUIRE(zk_blake2b_init(&ctx, 32) == ZK_OK);
    for (int i = 0; i < 4; i++) {
        size_t outlen = md_len[i];
        for (int j = 0; j < 6; j++) {
            size_t inlen = in_len[j];
            selftest_seq(in, inlen, (uint32_t)inlen);
            CHECK(zk_blake2b_hash(md, outlen, in, inlen, NULL, 0) == ZK_OK);
            zk_blake2b_update(&ctx, md, outlen);
            selftest_seq(key, outlen, (uint32_t)outlen);
            CHECK(zk_blake2b_hash(md, outlen, in, inlen, key, outlen) == ZK_OK);
            zk_blake2b_update(&ctx, md, outlen);
        }
    }
    zk_blake2b_final(&ctx, md);
    CHECK_MEM(md, want, 32);
}

TEST(blake2b_params) {
    /* Expected values from Python's hashlib.blake2b (an independent implementation). */
    uint8_t want[64], got[64];
    zk_blake2b s;
    unhex_or_fail(want, 64,
                  "a00b7d27460fda08f2843863fb81f89075b99584453a6bd8a8c1e84684ac5422"
                  "391738d086dc7432f1ddeead5e4d4fb83d9bb83238961071175edf866675ddb2");
    REQUIRE(zk_blake2b_init_personal(&s, 64, (const uint8_t *)"Halo2-Transcript") == ZK_OK);
    zk_blake2b_final(&s, got);
    CHECK_MEM(got, want, 64);

    unhex_or_fail(want, 64,
                  "d97805991d6b44904e1e1c93e3fcced463d2e45efc765d721351d0362581bdfc"
                  "7d1fc8b7b20de3b62c89e0e20324f4f0fba9a7a86c998ec14c73a580032e18d5");
    REQUIRE(zk_blake2b_init_personal(&s, 64, (const uint8_t *)"Halo2-Verify-Key") == ZK_OK);
    zk_blake2b_update(&s, "abc", 3);
    zk_blake2b_final(&s, got);
    CHECK_MEM(got, want, 64);

    uint8_t msg[768];
    for (int i = 0; i < 200; i++) msg[i] = (uint8_t)i;
    unhex_or_fail(want, 32, "3185e051885d39d85b2a6b513901e3eed5894198868770840e4fc42bb669fd24");
    REQUIRE(zk_blake2b_init_params(&s, 32, (const uint8_t *)"zkml-key", 8,
                                   (const uint8_t *)"0123456789abcdef",
                                   (const uint8_t *)"Halo2-Transcript") == ZK_OK);
    zk_blake2b_update(&s, msg, 200);
    zk_blake2b_final(&s, got);
    CHECK_MEM(got, want, 32);

    for (int i = 0; i < 768; i++) msg[i] = (uint8_t)i;
    REQUIRE(zk_blake2b_init(&s, 1) == ZK_OK);
    zk_blake2b_update(&s, msg, 768);
    memset(got, 0xee, 2);
    zk_blake2b_final(&s, got);
    CHECK(got[0] == 0x8d && got[1] == 0xee); /* exactly outlen bytes written */

    CHECK(zk_blake2b_init(&s, 0) == ZK_ERR_INVALID_ARG);
    CHECK(zk_blake2b_init(&s, 65) == ZK_ERR_INVALID_ARG);
    CHECK(zk_blake2b_init_params(&s, 64, msg, 65, NULL, NULL) == ZK_ERR_INVALID_ARG);
    CHECK(zk_blake2b_init_params(&s, 64, NULL, 3, NULL, NULL) == ZK_ERR_INVALID_ARG);
}

TEST(blake2b_incremental_and_copy) {
    /* Every split of a message at two points, and every length around block
     * boundaries, hashes the same as one call; a copied state forks cleanly. */
    uint8_t msg[400], one[64], inc[64];
    for (int i = 0; i < 400; i++) msg[i] = (uint8_t)(i * 7 + 3);
    static const size_t lens[] = {0, 1, 127, 128, 129, 255, 256, 257, 384, 400};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        size_t n = lens[li];
        REQUIRE(zk_blake2b_hash(one, 64, msg, n, (const uint8_t *)"k", 1) == ZK_OK);
        for (size_t a = 0; a <= n; a += (n > 40 ? 13 : 1)) {
            for (size_t b = a; b <= n; b += (n > 40 ? 29 : 1)) {
                zk_blake2b s;
                REQUIRE(zk_blake2b_init_params(&s, 64, (const uint8_t *)"k", 1, NULL, NULL) == ZK_OK);
                zk_blake2b_update(&s, msg, a);
                zk_blake2b_update(&s, msg + a, b - a);
                zk_blake2b fork = s; /* by-value copy */
                zk_blake2b_update(&s, msg + b, n - b);
                zk_blake2b_final(&s, inc);
                CHECK_MSG(memcmp(one, inc, 64) == 0, "len %zu split %zu/%zu", n, a, b);
                zk_blake2b_update(&fork, msg + b, n - b);
                zk_blake2b_final(&fork, inc);
                CHECK(memcmp(one, inc, 64) == 0);
            }
        }
    }
}

/* Replays halo2's Blake2bWrite byte stream: every squeeze digest in the
 * transcript vectors comes from finalizing a copy of the running state. */
static int replay_sequences_(const cJSON *seqs) {
    int squeezes = 0;
    const cJSON *seq, *op;
    cJSON_ArrayForEach(seq, seqs) {
        zk_blake2b s;
        if (zk_blake2b_init_personal(&s, 64, (const uint8_t *)"Halo2-Transcript") != ZK_OK) return -1;
        cJSON_ArrayForEach(op, cJSON_GetObjectItem(seq, "operations")) {
            const char *kind = tv_str(op, "op");
            uint8_t b[32];
            if (!kind) return -1;
            if (strstr(kind, "point")) {
                const cJSON *pt = cJSON_GetObjectItem(op, "point");
                uint8_t tag = 1;
                zk_blake2b_update(&s, &tag, 1);
                if (tv_bytes32(b, pt, "x")) return -1;
                zk_blake2b_update(&s, b, 32);
                if (tv_bytes32(b, pt, "y")) return -1;
                zk_blake2b_update(&s, b, 32);
            } else if (strstr(kind, "scalar")) {
                uint8_t tag = 2;
                zk_blake2b_update(&s, &tag, 1);
                if (tv_bytes32(b, op, "scalar")) return -1;
                zk_blake2b_update(&s, b, 32);
            } else if (!strcmp(kind, "squeeze_challenge")) {
                uint8_t tag = 0, want[64], got[64];
                zk_blake2b_update(&s, &tag, 1);
                zk_blake2b c = s;
                zk_blake2b_final(&c, got);
                if (tv_unhex(want, 64, tv_str(op, "digest64"))) return -1;
                CHECK(memcmp(want, got, 64) == 0);
                squeezes++;
            } else {
                return -1;
            }
        }
    }
    return squeezes;
}

TEST(blake2b_halo2_transcript_digests) {
    cJSON *root = tv_load("blake2b_transcript.json");
    REQUIRE(root);
    int n1 = replay_sequences_(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "vesta_affine_fp_scalar"), "sequences"));
    int n2 = replay_sequences_(
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "pallas_affine_fq_scalar"), "sequences"));
    CHECK(n1 > 4 && n2 > 4);
    cJSON_Delete(root);
}
