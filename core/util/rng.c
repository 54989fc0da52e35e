#include "util/rng.h"

#include <unistd.h>
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/random.h>
#endif

zk_status zk_random_bytes(uint8_t *out, size_t n) {
    while (n) {
        size_t chunk = n > 256 ? 256 : n; /* getentropy's per-call limit */
        if (getentropy(out, chunk) != 0) return ZK_ERR_IO;
        out += chunk;
        n -= chunk;
    }
    return ZK_OK;
}
