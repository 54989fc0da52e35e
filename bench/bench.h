/* Benchmark registry. Each BENCH(name) runs once per invocation of zkml_bench
 * and prints one JSON object per figure with bench_emit():
 *   {"bench":"fp_mul","target":"native","threads":1,"n":1,"ns":14.9}
 * `zkml_bench [--threads N] [--quick] [name-prefix...]`. Timings take the best
 * of several repetitions, which is the most stable figure on a shared machine. */
#ifndef ZK_BENCH_BENCH_H
#define ZK_BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef void (*bench_fn)(void);
void bench_register(const char *name, bench_fn fn);

/* Prints {"bench":..,"target":..,"threads":..,"n":..,"<unit>":value<extra>}.
 * extra, if non-NULL, is appended verbatim (e.g. ",\"k\":12"). */
void bench_emit(const char *bench, uint64_t n, const char *unit, double value, const char *extra);

double bench_now_ns(void);
int bench_quick(void);       /* --quick: smaller sizes, fewer repetitions */
unsigned bench_threads(void);
/* Peak resident memory in MB so far (0 where unknown). */
double bench_peak_mb(void);

#define BENCH(name)                                                             \
    static void bench_##name(void);                                             \
    __attribute__((constructor)) static void bench_register_##name(void) {      \
        bench_register(#name, bench_##name);                                    \
    }                                                                           \
    static void bench_##name(void)

/* Keeps the compiler from deleting a computation whose result is unused. */
#define BENCH_KEEP(x) __asm__ __volatile__("" : : "r"(&(x)) : "memory")

#endif
