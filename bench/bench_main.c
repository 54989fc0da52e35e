#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if !defined(__wasm32__)
#include <sys/resource.h>
#endif

#include "bench.h"
#include "util/threads.h"

typedef struct {
    const char *name;
    bench_fn fn;
} bench_case;

static bench_case cases[128];
static size_t ncases;
static int quick;

void bench_register(const char *name, bench_fn fn) {
    if (ncases < sizeof cases / sizeof cases[0]) cases[ncases++] = (bench_case){name, fn};
}

double bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int bench_quick(void) { return quick; }
unsigned bench_threads(void) { return zk_threads_count(); }

double bench_peak_mb(void) {
#if defined(__wasm32__)
    return 0; /* linear memory size is reported by the JS side */
#else
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return ru.ru_maxrss / 1024.0;
#endif
}

void bench_emit(const char *bench, uint64_t n, const char *unit, double value, const char *extra) {
    printf("{\"bench\":\"%s\",\"target\":\"%s\",\"threads\":%u,\"n\":%llu,\"%s\":%.4g%s}\n", bench,
           ZK_PLATFORM_NAME, zk_threads_count(), (unsigned long long)n, unit, value, extra ? extra : "");
    fflush(stdout);
}

static int cmp(const void *a, const void *b) {
    return strcmp(((const bench_case *)a)->name, ((const bench_case *)b)->name);
}

int main(int argc, char **argv) {
    const char *prefixes[32];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            if (zk_threads_set((unsigned)strtoul(argv[++i], NULL, 10)) != ZK_OK) {
                fprintf(stderr, "zkml_bench: cannot use that many threads in this build\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--quick")) {
            quick = 1;
        } else if (!strcmp(argv[i], "--list")) {
            qsort(cases, ncases, sizeof *cases, cmp);
            for (size_t k = 0; k < ncases; k++) printf("%s\n", cases[k].name);
            return 0;
        } else if (np < 32) {
            prefixes[np++] = argv[i];
        }
    }
    qsort(cases, ncases, sizeof *cases, cmp);
    for (size_t k = 0; k < ncases; k++) {
        /* cases named *_full (long runs) run only when named in full */
        size_t len = strlen(cases[k].name);
        int full_only = len > 5 && !strcmp(cases[k].name + len - 5, "_full");
        int want = np == 0 && !full_only;
        for (int p = 0; p < np && !want; p++)
            want = full_only ? !strcmp(cases[k].name, prefixes[p])
                             : !strncmp(cases[k].name, prefixes[p], strlen(prefixes[p]));
        if (want) cases[k].fn();
    }
    zk_threads_shutdown();
    return 0;
}
