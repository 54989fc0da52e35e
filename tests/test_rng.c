/* zk_rng: the SplitMix64 stream halo2's vectors use, and the OS-seeded
 * generator production proofs draw from. */
#include <string.h>

#include "harness.h"
#include "util/rng.h"

TEST(rng_splitmix64_stream_is_continuous) {
    zk_rng a, b;
    zk_rng_init_splitmix64(&a, 7);
    zk_rng_init_splitmix64(&b, 7);
    uint8_t x[256], y[256];
    CHECK(zk_rng_bytes(&a, x, sizeof x) == ZK_OK);
    for (size_t i = 0; i < sizeof y; i += 32) CHECK(zk_rng_bytes(&b, y + i, 32) == ZK_OK);
    CHECK(memcmp(x, y, sizeof x) == 0);
    /* SplitMix64(0) first word, the published constant. */
    zk_splitmix64 s = {0};
    CHECK(zk_splitmix64_next(&s) == 0xE220A8397B1DCDAFULL);
}

TEST(rng_os_draws) {
    zk_rng a, b;
    zk_rng_init_os(&a);
    zk_rng_init_os(&b);
    /* Odd sizes across block boundaries, then whole field elements. */
    uint8_t x[1000], y[1000];
    size_t sizes[] = {1, 63, 64, 65, 7, 300, 500};
    size_t off = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        CHECK(zk_rng_bytes(&a, x + off, sizes[i]) == ZK_OK);
        off += sizes[i];
    }
    CHECK(off == sizeof x);
    CHECK(zk_rng_bytes(&b, y, sizeof y) == ZK_OK);
    CHECK(memcmp(x, y, sizeof x) != 0); /* independent keys */
    /* no 64-byte block repeats within a stream, and bytes look uniform */
    for (size_t i = 0; i + 128 <= sizeof x; i += 64) CHECK(memcmp(x + i, x + i + 64, 64) != 0);
    unsigned ones = 0;
    for (size_t i = 0; i < sizeof x; i++) ones += (unsigned)__builtin_popcount(x[i]);
    CHECK(ones > 3600 && ones < 4400); /* 8000 bits, mean 4000, sd ~45 */

    zk_fp f[300];
    CHECK(zk_rng_fp_many(&a, f, 300) == ZK_OK);
    for (int i = 1; i < 300; i++) CHECK(!zk_fp_eq(&f[i], &f[i - 1]));
    zk_rng_wipe(&a);
    CHECK(zk_rng_bytes(&a, x, 1) == ZK_ERR_INVALID_ARG);
    zk_rng_wipe(&b);
}
