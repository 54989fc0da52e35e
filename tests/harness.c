#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/io.h"
#include "util/threads.h"

#ifndef ZK_SOURCE_DIR
#error "ZK_SOURCE_DIR must be defined by the build"
#endif

typedef struct {
    const char *name, *file;
    th_fn fn;
} th_case;

static th_case *cases;
static size_t ncases, capcases;
static int cur_failures;
static int cur_skipped;
static char skip_reason[256];
static unsigned threads_arg;

void th_register(const char *name, const char *file, th_fn fn) {
    if (ncases == capcases) {
        capcases = capcases ? 2 * capcases : 64;
        cases = realloc(cases, capcases * sizeof *cases);
        if (!cases) abort();
    }
    cases[ncases++] = (th_case){name, file, fn};
}

void th_fail(const char *file, int line, const char *fmt, ...) {
    if (cur_failures < 20) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "    FAIL %s:%d: ", file, line);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
    cur_failures++;
}

void th_skip(const char *why) {
    cur_skipped = 1;
    snprintf(skip_reason, sizeof skip_reason, "%s", why);
}

int th_failed(void) { return cur_failures; }

void th_hex(char *out, const uint8_t *b, size_t n) {
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[b[i] >> 4];
        out[2 * i + 1] = hx[b[i] & 15];
    }
    out[2 * n] = 0;
}

const char *th_vectors_dir(void) { return ZK_SOURCE_DIR "/tests/vectors"; }

const char *th_shared_dir(void) {
    static int checked;
    static const char *dir;
    if (!checked) {
        struct stat st;
        const char *env = getenv("ZK_SHARED_DIR");
        const char *cand = env && *env ? env : ZK_SOURCE_DIR "/../shared";
        if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode)) dir = cand;
        checked = 1;
    }
    return dir;
}

char *th_read_file(const char *path, size_t *len) {
    uint8_t *buf;
    return zk_read_file(path, 0, &buf, len, NULL) == ZK_OK ? (char *)buf : NULL;
}

unsigned th_threads_arg(void) { return threads_arg; }

static int cmp_case(const void *a, const void *b) {
    const th_case *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    const char *prefixes[64];
    int nprefix = 0, list = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list")) {
            list = 1;
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            threads_arg = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (nprefix < 64) {
            prefixes[nprefix++] = argv[i];
        }
    }
    qsort(cases, ncases, sizeof *cases, cmp_case);
    if (list) {
        for (size_t i = 0; i < ncases; i++) printf("%s\n", cases[i].name);
        return 0;
    }
    if (threads_arg && zk_threads_set(threads_arg) != ZK_OK) {
        fprintf(stderr, "cannot use %u threads in this build\n", threads_arg);
        return 2;
    }
    int ran = 0, failed = 0, skipped = 0;
    double t_all = now_ms();
    for (size_t i = 0; i < ncases; i++) {
        int want = nprefix == 0;
        for (int p = 0; p < nprefix && !want; p++)
            want = strncmp(cases[i].name, prefixes[p], strlen(prefixes[p])) == 0;
        if (!want) continue;
        cur_failures = 0;
        cur_skipped = 0;
        double t0 = now_ms();
        cases[i].fn();
        double dt = now_ms() - t0;
        ran++;
        if (cur_failures) {
            failed++;
            printf("FAIL %-40s (%d failures, %.0f ms)\n", cases[i].name, cur_failures, dt);
        } else if (cur_skipped) {
            skipped++;
            printf("skip %-40s %s\n", cases[i].name, skip_reason);
        } else {
            printf("ok   %-40s %.0f ms\n", cases[i].name, dt);
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed, %d skipped (threads %u, %.1f s)\n", ran - failed - skipped, failed,
           skipped, zk_threads_count(), (now_ms() - t_all) / 1e3);
    if (ran == 0) {
        fprintf(stderr, "no test matched\n");
        return 2;
    }
    zk_threads_shutdown();
    return failed ? 1 : 0;
}
