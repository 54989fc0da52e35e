/* Minimal test registry: named cases, runnable one at a time or by prefix.
 *
 *   TEST(field_mul_vectors) { CHECK(x == y); }
 *
 * Each TEST registers itself at start-up; `zkml_tests [--list] [prefix...]`
 * runs every case whose name starts with one of the prefixes. The same program
 * is built natively, for Emscripten and for WASI. */
#ifndef ZK_TESTS_HARNESS_H
#define ZK_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

typedef void (*th_fn)(void);
void th_register(const char *name, const char *file, th_fn fn);
void th_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void th_skip(const char *why);
int th_failed(void);                 /* failures so far in the current case */
void th_hex(char *out, const uint8_t *b, size_t n); /* out gets 2n+1 chars */

/* Where data lives: tests/vectors (committed) and ../shared (optional). */
const char *th_vectors_dir(void);
const char *th_shared_dir(void);   /* NULL when ../shared is absent */
/* Reads a whole file; returns malloc'ed bytes (NUL-terminated) or NULL. */
char *th_read_file(const char *path, size_t *len);
/* Thread count requested on the command line (--threads N), 0 if not given. */
unsigned th_threads_arg(void);

#define TEST(name)                                                              \
    static void test_##name(void);                                              \
    __attribute__((constructor)) static void test_register_##name(void) {       \
        th_register(#name, __FILE__, test_##name);                              \
    }                                                                           \
    static void test_##name(void)

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) th_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);           \
    } while (0)

#define CHECK_MSG(cond, ...)                                                    \
    do {                                                                        \
        if (!(cond)) th_fail(__FILE__, __LINE__, __VA_ARGS__);                  \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                      \
    do {                                                                        \
        long long th_a_ = (long long)(a), th_b_ = (long long)(b);               \
        if (th_a_ != th_b_)                                                     \
            th_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b,       \
                    th_a_, th_b_);                                              \
    } while (0)

#define CHECK_MEM(a, b, n)                                                      \
    do {                                                                        \
        if (memcmp((a), (b), (n)) != 0)                                         \
            th_fail(__FILE__, __LINE__, "bytes differ: %s vs %s", #a, #b);      \
    } while (0)

/* 1 in builds where big proofs take long (WebAssembly, sanitizers): tests
 * use smaller sizes or fewer cases there. */
static inline int th_slow_build(void) {
#if defined(__wasm__) || defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#else
    return 0;
#endif
#else
    return 0;
#endif
}

/* Stops the current case early (after a failure that makes the rest moot). */
#define REQUIRE(cond)                                                           \
    do {                                                                        \
        if (!(cond)) {                                                          \
            th_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);                  \
            return;                                                             \
        }                                                                       \
    } while (0)

#endif
